#!/usr/bin/env node
// Writes docs/checks/<id>.md (one page per check) and docs/checks/README.md from the check table
// (src/core/checks.ts, rendered by src/core/check-docs.ts). __tests__/docs.test.ts fails when the
// committed pages differ, so run this after changing a check.
//
// Usage: node scripts/gen-check-docs.mjs [--check]   (--check: only report differences, exit 1)
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import typescript from '@rollup/plugin-typescript'
import { rollup } from 'rollup'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const OUT = path.join(ROOT, 'docs', 'checks')
const check = process.argv.includes('--check')

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'check-docs-'))
try {
  const bundle = await rollup({
    input: path.join(ROOT, 'src/core/check-docs.ts'),
    plugins: [
      typescript({
        tsconfig: path.join(ROOT, 'tsconfig.build.json'),
        module: 'NodeNext',
        outDir: tmp,
        rootDir: path.join(ROOT, 'src'),
        noEmitOnError: true
      })
    ],
    onwarn: () => {}
  })
  const file = path.join(tmp, 'check-docs.mjs')
  await bundle.write({ file, format: 'es' })
  await bundle.close()
  const { checkDocs } = await import(pathToFileURL(file).href)
  const pages = checkDocs()
  const existing = fs.existsSync(OUT) ? fs.readdirSync(OUT).filter((f) => f.endsWith('.md')) : []
  const stale = existing.filter((f) => !pages.has(f))
  const changed = [...pages].filter(([name, text]) => {
    const target = path.join(OUT, name)
    return !fs.existsSync(target) || fs.readFileSync(target, 'utf8') !== text
  })
  if (check) {
    for (const [name] of changed) console.error(`docs/checks/${name} is out of date`)
    for (const name of stale) console.error(`docs/checks/${name} belongs to no check`)
    process.exitCode = changed.length || stale.length ? 1 : 0
  } else {
    fs.mkdirSync(OUT, { recursive: true })
    for (const [name, text] of changed) fs.writeFileSync(path.join(OUT, name), text)
    for (const name of stale) fs.rmSync(path.join(OUT, name))
    console.log(
      `docs/checks: ${pages.size} pages, ${changed.length} written, ${stale.length} removed`
    )
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true })
}
