/** Resolves --policy / the `policy` input: a built-in name (policies/NAME.json) or a file path. */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Policy } from './core/policy.js'
import { PolicyError, parsePolicy } from './core/policy.js'

/** policies/ beside dist/ (bundle) or beside src/ (sources under test). */
export function builtinPolicyDirectory(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'policies')
}

export function builtinPolicyNames(): string[] {
  try {
    return fs
      .readdirSync(builtinPolicyDirectory())
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -'.json'.length))
      .sort()
  } catch {
    return []
  }
}

/** Loads a policy by built-in name or path (relative to cwd). Throws PolicyError with a clear message. */
export function loadPolicy(nameOrPath: string, cwd: string): Policy {
  const isName = /^[a-z0-9-]+$/.test(nameOrPath)
  const file = isName
    ? path.join(builtinPolicyDirectory(), `${nameOrPath}.json`)
    : path.resolve(cwd, nameOrPath)
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch {
    if (isName && !fs.existsSync(path.resolve(cwd, nameOrPath))) {
      const known = builtinPolicyNames()
      throw new PolicyError(
        `unknown policy '${nameOrPath}'${known.length ? ` (built-in: ${known.join(', ')})` : ''}`
      )
    }
    if (isName) return loadPolicy(`./${nameOrPath}`, cwd)
    throw new PolicyError(`cannot read policy file ${nameOrPath}`)
  }
  let document: unknown
  try {
    document = JSON.parse(text)
  } catch (error) {
    throw new PolicyError(`${nameOrPath}: not valid JSON (${(error as Error).message})`)
  }
  return parsePolicy(document, isName ? nameOrPath : path.basename(file))
}
