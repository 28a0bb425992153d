/**
 * Action inputs, validated: the only reader of INPUT_* variables. A bad value throws InputError with a
 * message naming the input, so the step fails clearly instead of passing silently.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import type { Policy } from '../core/policy.js'
import { PolicyError, parseThreshold } from '../core/policy.js'
import { NEWEST_SYSTEMD_VERSION, OLDEST_SYSTEMD_VERSION } from '../core/service.js'
import { builtinPolicyDirectory, fileSystemSource, loadPolicy } from '../policies.js'

/** Input names as declared in action.yml. */
export const Inputs = {
  paths: 'paths',
  exclude: 'exclude',
  threshold: 'threshold',
  policy: 'policy',
  systemdVersion: 'systemd-version',
  failOn: 'fail-on',
  scope: 'scope',
  githubToken: 'github-token',
  review: 'review',
  sarifFile: 'sarif-file',
  userUnits: 'user-units'
} as const

export const FAIL_ON = ['threshold', 'regression', 'never'] as const
export type FailOn = (typeof FAIL_ON)[number]

export const SCOPES = ['changed', 'all'] as const
export type Scope = (typeof SCOPES)[number]

export interface Settings {
  /** globs, directories or files, relative to the workspace */
  paths: string[]
  /** globs relative to the workspace */
  exclude: string[]
  /** tenths: a unit fails above this */
  threshold: number
  /** the threshold came from the input, not from the policy */
  thresholdFromInput: boolean
  policy: Policy
  /** the policy file, workspace-relative POSIX path (undefined for a built-in policy) */
  policyFile?: string
  /**
   * every file in the workspace the policy rests on (the file, the files it extends, the targets
   * of links among them), workspace-relative POSIX paths: a change to any is a change of the policy
   */
  policyFiles: string[]
  version: number
  failOn: FailOn
  scope: Scope
  /** '' when none was given */
  token: string
  review: boolean
  /** where to write SARIF (as given), or undefined */
  sarifFile?: string
  /** globs, directories or files (as `paths`) of units for a user's service manager */
  userUnits: string[]
}

export class InputError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'InputError'
  }
}

export type Env = Record<string, string | undefined>

/** The runner passes input NAME as INPUT_<NAME upper-cased, spaces as '_'>; hyphens are kept. */
export function inputValue(env: Env, name: string): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim()
}

/** Non-empty lines, trimmed; lines starting with '#' are comments. */
export function inputLines(text: string): string[] {
  return text
    .split(/\r\n|\r|\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
}

/** true/false as @actions/core's getBooleanInput accepts them; '' gives the default. */
export function parseBooleanInput(name: string, text: string, fallback: boolean): boolean {
  if (text === '') return fallback
  if (['true', 'True', 'TRUE'].includes(text)) return true
  if (['false', 'False', 'FALSE'].includes(text)) return false
  throw new InputError(`Input '${name}' must be true or false, got '${text}'`)
}

function oneOf<T extends string>(
  name: string,
  text: string,
  allowed: readonly T[],
  fallback: T
): T {
  if (text === '') return fallback
  if ((allowed as readonly string[]).includes(text)) return text as T
  throw new InputError(`Input '${name}' must be ${allowed.join(', ')}, got '${text}'`)
}

export function parseThresholdInput(text: string): number | undefined {
  if (text === '') return undefined
  const parsed = parseThreshold(text)
  if (parsed !== undefined) return parsed
  const hint =
    /^[0-9]{2,3}$/.test(text) && Number(text) <= 100
      ? ` (systemd-analyze's --threshold uses 0-100; this input uses the printed scale: ${text} is ${(Number(text) / 10).toFixed(1)})`
      : ''
  throw new InputError(
    `Input 'threshold' must be a number from 0.0 to 10.0 with at most one decimal, got '${text}'${hint}`
  )
}

function parseVersionInput(text: string): number {
  if (text === '') return NEWEST_SYSTEMD_VERSION
  const version = Number(text)
  if (
    !/^[0-9]{3}$/.test(text) ||
    version < OLDEST_SYSTEMD_VERSION ||
    version > NEWEST_SYSTEMD_VERSION
  ) {
    throw new InputError(
      `Input 'systemd-version' must be a systemd version from ${OLDEST_SYSTEMD_VERSION} to ${NEWEST_SYSTEMD_VERSION}, got '${text}'`
    )
  }
  return version
}

const toPosix = (p: string): string => p.split(path.sep).join('/')

/** The policy: a built-in name, else a file relative to the workspace. */
function readPolicy(
  text: string,
  workspace: string
): { policy: Policy; policyFile?: string; policyFiles: string[] } {
  const name = text === '' ? 'baseline' : text
  const builtin =
    /^[a-z0-9-]+$/.test(name) && fs.existsSync(path.join(builtinPolicyDirectory(), `${name}.json`))
  try {
    const read: string[] = []
    const policy = loadPolicy(name, workspace, [], fileSystemSource(read))
    const relative = (file: string): string => toPosix(path.relative(workspace, file))
    const policyFiles = new Set<string>()
    for (const file of read) {
      policyFiles.add(relative(file))
      try {
        policyFiles.add(relative(fs.realpathSync(file)))
      } catch {
        // read a moment ago: nothing more to add
      }
    }
    return builtin
      ? { policy, policyFiles: [] }
      : {
          policy,
          policyFile: relative(path.resolve(workspace, name)),
          policyFiles: [...policyFiles]
        }
  } catch (error) {
    if (error instanceof PolicyError) throw new InputError(`Input 'policy': ${error.message}`)
    throw error
  }
}

export function readSettings(env: Env, workspace: string): Settings {
  const version = parseVersionInput(inputValue(env, Inputs.systemdVersion))
  const failOn = oneOf(Inputs.failOn, inputValue(env, Inputs.failOn), FAIL_ON, 'threshold')
  const scope = oneOf(Inputs.scope, inputValue(env, Inputs.scope), SCOPES, 'changed')
  const review = parseBooleanInput(Inputs.review, inputValue(env, Inputs.review), false)
  const explicitThreshold = parseThresholdInput(inputValue(env, Inputs.threshold))
  const { policy, policyFile, policyFiles } = readPolicy(inputValue(env, Inputs.policy), workspace)
  const sarifText = inputValue(env, Inputs.sarifFile)
  if (/[\0\r\n]/.test(sarifText)) throw new InputError(`Input 'sarif-file' must be one path`)
  const paths = inputLines(inputValue(env, Inputs.paths))
  return {
    paths: paths.length ? paths : ['**/*.service'],
    exclude: inputLines(inputValue(env, Inputs.exclude)),
    threshold: explicitThreshold ?? policy.threshold ?? 50,
    thresholdFromInput: explicitThreshold !== undefined,
    policy,
    policyFile,
    policyFiles,
    version,
    failOn,
    scope,
    token: inputValue(env, Inputs.githubToken),
    review,
    sarifFile: sarifText === '' ? undefined : sarifText,
    userUnits: inputLines(inputValue(env, Inputs.userUnits))
  }
}
