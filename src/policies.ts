/** Resolves --policy / the `policy` input: a built-in name (policies/NAME.json) or a file path. */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Policy } from './core/policy.js'
import {
  GATE_KEY,
  PolicyError,
  decodePolicyBytes,
  parsePolicy,
  readPolicyText
} from './core/policy.js'

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

/**
 * Loads a policy by built-in name or path (relative to cwd). A policy may extend another
 * ("hardening-gate": { "extends": "baseline" } or a path relative to its own file): the base is loaded
 * first and the file's settings apply on top. Throws PolicyError with a clear message.
 */
/**
 * Where policy files come from: the file system, or (the Action) a base commit's tree. `files`
 * collects every file read that is not a built-in one, so a caller knows what a policy rests on.
 */
export interface PolicySource {
  /** the bytes of a file named by absolute path; throws PolicyError, or another error when absent */
  read(file: string, shown: string): Uint8Array
  exists(file: string): boolean
  files?: string[]
}

const FILE_SYSTEM: PolicySource = {
  read: (file, shown) => readPolicyFile(file, shown),
  exists: (file) => fs.existsSync(file)
}

/** The file system as a source that collects the files read into `files`. */
export const fileSystemSource = (files: string[]): PolicySource => ({ ...FILE_SYSTEM, files })

export function loadPolicy(
  nameOrPath: string,
  cwd: string,
  seen: string[] = [],
  source: PolicySource = FILE_SYSTEM
): Policy {
  const isName = /^[a-z0-9-]+$/.test(nameOrPath)
  const file = isName
    ? path.join(builtinPolicyDirectory(), `${nameOrPath}.json`)
    : path.resolve(cwd, nameOrPath)
  let bytes: Uint8Array
  try {
    // built-in policies come with the gate, whatever the source
    bytes = isName ? readPolicyFile(file, nameOrPath) : source.read(file, nameOrPath)
    if (!isName) source.files?.push(file)
  } catch (error) {
    if (error instanceof PolicyError) throw error
    if (isName && !source.exists(path.resolve(cwd, nameOrPath))) {
      const known = builtinPolicyNames()
      throw new PolicyError(
        `unknown policy '${nameOrPath}'${known.length ? ` (built-in: ${known.join(', ')})` : ''}`
      )
    }
    if (isName) return loadPolicy(`./${nameOrPath}`, cwd, seen, source)
    throw new PolicyError(`cannot read policy file ${nameOrPath}`)
  }
  const name = isName ? nameOrPath : path.basename(file)
  const document = readPolicyText(decodePolicyBytes(bytes, name), name)
  const base = baseOf(document, name, path.dirname(file), [...seen, file], source)
  return parsePolicy(document, name, base)
}

/** Policy files larger than this are refused: the built-in ones are a few KiB. */
export const MAX_POLICY_BYTES = 8 * 1024 * 1024

/**
 * A policy file's bytes: a regular file (not a FIFO that blocks, not /dev/zero that never ends),
 * at most MAX_POLICY_BYTES. Other errors (no such file) are the caller's to explain.
 */
function readPolicyFile(file: string, shown: string): Uint8Array {
  const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK)
  try {
    const stat = fs.fstatSync(fd)
    if (!stat.isFile()) throw new PolicyError(`policy ${shown} is not a regular file`)
    if (stat.size > MAX_POLICY_BYTES) {
      throw new PolicyError(
        `policy ${shown} is ${stat.size} bytes, larger than the ${MAX_POLICY_BYTES} the gate reads`
      )
    }
    return fs.readFileSync(fd)
  } finally {
    fs.closeSync(fd)
  }
}

function baseOf(
  document: unknown,
  name: string,
  directory: string,
  seen: string[],
  source: PolicySource
): Policy | undefined {
  if (typeof document !== 'object' || document === null) return undefined
  const gate = (document as Record<string, unknown>)[GATE_KEY]
  if (typeof gate !== 'object' || gate === null) return undefined
  const parent = (gate as Record<string, unknown>).extends
  if (parent === undefined) return undefined
  if (typeof parent !== 'string' || parent.trim() === '') {
    throw new PolicyError(`${name}: extends must be a policy name or a file path`)
  }
  const isName = /^[a-z0-9-]+$/.test(parent)
  const target = isName
    ? path.join(builtinPolicyDirectory(), `${parent}.json`)
    : path.resolve(directory, parent)
  if (seen.includes(target) || seen.length > 8) {
    throw new PolicyError(
      `${name}: "extends" makes a cycle (${[...seen, target].map((f) => path.basename(f)).join(' -> ')})`
    )
  }
  return loadPolicy(isName ? parent : target, directory, seen, source)
}
