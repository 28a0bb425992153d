/** bottleneck's light build (no clustering), the one @octokit/plugin-throttling uses. */
declare module 'bottleneck/light.js' {
  import Bottleneck from 'bottleneck'
  export default Bottleneck
}
