#!/usr/bin/env node
/**
 * Extracts the few GitHub REST operations the pull-request review uses from GitHub's published
 * OpenAPI description into __tests__/fixtures/github-openapi-subset.json, which the loopback fake
 * (__tests__/support/fake-github.ts) validates every request body and response against.
 *
 * The source is the npm package @octokit/openapi (385 MB unpacked): never a dependency of this
 * project. Fetch it outside the project and point this script at its dereferenced description:
 *
 *   cd /tmp && npm pack @octokit/openapi@23.0.2 && tar -xzf octokit-openapi-23.0.2.tgz \
 *     package/generated/api.github.com.deref.json
 *   node scripts/extract-openapi-subset.mjs /tmp/package/generated/api.github.com.deref.json
 */
import * as fs from 'node:fs'
import * as path from 'node:path'

const OPERATIONS = [
  'pulls/get',
  'pulls/list',
  'pulls/list-files',
  'pulls/list-review-comments',
  'pulls/update-review-comment',
  'pulls/list-reviews',
  'pulls/create-review',
  'issues/list-comments',
  'issues/create-comment',
  'issues/update-comment'
]

const source = process.argv[2]
if (!source) {
  console.error('usage: node scripts/extract-openapi-subset.mjs PATH/api.github.com.deref.json')
  process.exit(2)
}
const spec = JSON.parse(fs.readFileSync(source, 'utf8'))
const packageJson = path.join(path.dirname(source), '..', 'package.json')
const version = fs.existsSync(packageJson)
  ? JSON.parse(fs.readFileSync(packageJson, 'utf8')).version
  : 'unknown'

/** Drops documentation-only keys so the fixture stays small; keeps everything ajv checks. */
function strip(schema) {
  if (Array.isArray(schema)) return schema.map(strip)
  if (schema === null || typeof schema !== 'object') return schema
  const out = {}
  for (const [key, value] of Object.entries(schema)) {
    if (['description', 'examples', 'example', 'title', 'externalDocs'].includes(key)) continue
    out[key] =
      key === 'properties'
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, strip(v)]))
        : strip(value)
  }
  return out
}

const operations = {}
for (const [route, item] of Object.entries(spec.paths)) {
  for (const [method, op] of Object.entries(item)) {
    if (!OPERATIONS.includes(op?.operationId)) continue
    const ok = Object.entries(op.responses ?? {}).find(([code]) => /^20[01]$/.test(code))
    operations[op.operationId] = {
      method: method.toUpperCase(),
      path: route,
      requestBody: op.requestBody?.content?.['application/json']?.schema
        ? strip(op.requestBody.content['application/json'].schema)
        : null,
      response: ok
        ? {
            status: Number(ok[0]),
            schema: strip(ok[1].content?.['application/json']?.schema ?? null)
          }
        : null
    }
  }
}
const missing = OPERATIONS.filter((id) => !operations[id])
if (missing.length) {
  console.error(`operations not found: ${missing.join(', ')}`)
  process.exit(1)
}
const out = {
  source: `@octokit/openapi ${version} generated/api.github.com.deref.json (GitHub REST API description)`,
  extractedBy: 'scripts/extract-openapi-subset.mjs',
  operations: Object.fromEntries(OPERATIONS.map((id) => [id, operations[id]]))
}
const target = path.join(
  import.meta.dirname,
  '..',
  '__tests__',
  'fixtures',
  'github-openapi-subset.json'
)
fs.mkdirSync(path.dirname(target), { recursive: true })
fs.writeFileSync(target, JSON.stringify(out) + '\n')
console.log(
  `wrote ${path.relative(process.cwd(), target)} (${fs.statSync(target).size} bytes, ${OPERATIONS.length} operations)`
)
