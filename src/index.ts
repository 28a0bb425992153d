/** Entry point of the Action (bundled as dist/index.js). */
import { run } from './main.js'

await run()
