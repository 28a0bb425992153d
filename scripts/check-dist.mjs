// Fails when the committed dist/ differs from a fresh build of src/: the runner executes dist/.
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'

const fresh = fs.mkdtempSync(path.join(os.tmpdir(), 'hardening-gate-dist-'))
try {
  execFileSync(
    process.execPath,
    ['node_modules/rollup/dist/bin/rollup', '--config', 'rollup.config.js', '--silent'],
    {
      env: { ...process.env, DIST_DIR: fresh },
      stdio: ['ignore', 'inherit', 'inherit']
    }
  )
  const stale = []
  // every file of the build (the bundles and the CLI's chunks), and nothing else in dist/
  const built = fs.readdirSync(fresh).sort()
  for (const name of built) {
    const committed = path.join('dist', name)
    if (!fs.existsSync(committed)) stale.push(`${committed} is missing`)
    else if (!fs.readFileSync(committed).equals(fs.readFileSync(path.join(fresh, name)))) {
      stale.push(`${committed} differs from a fresh build`)
    }
  }
  for (const name of fs.readdirSync('dist')) {
    if (!built.includes(name)) stale.push(`dist/${name} is not part of the build`)
  }
  if (stale.length) {
    console.error(`dist/ is stale: ${stale.join('; ')}. Run 'npm run bundle' and commit dist/.`)
    process.exit(1)
  }
  console.log('dist/ matches a fresh build of src/')
} finally {
  fs.rmSync(fresh, { recursive: true, force: true })
}
