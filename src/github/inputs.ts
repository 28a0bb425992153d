/** Action inputs, validated: a bad value fails the step with a clear message, never passes silently. */
import type { Policy } from '../core/policy.js'
import { parseThreshold } from '../core/policy.js'
import { NEWEST_SYSTEMD_VERSION, OLDEST_SYSTEMD_VERSION } from '../core/service.js'
import { loadPolicy } from '../policies.js'

export interface Settings {
  paths: string[]
  exclude: string[]
  threshold: number
  policy: Policy
  version: number
  failOn: 'threshold' | 'never'
}

export class InputError extends Error {}

/** The runner passes input NAME as INPUT_<NAME upper-cased, spaces as '_'>; hyphens are kept. */
export function inputValue(env: Record<string, string | undefined>, name: string): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim()
}

function lines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
}

export function readSettings(env: Record<string, string | undefined>): Settings {
  const cwd = env.GITHUB_WORKSPACE ?? process.cwd()
  const policy = loadPolicy(inputValue(env, 'policy') || 'baseline', cwd)
  const thresholdText = inputValue(env, 'threshold')
  let threshold = policy.threshold ?? 50
  if (thresholdText !== '') {
    const parsed = parseThreshold(thresholdText)
    if (parsed === undefined) {
      throw new InputError(
        `Input 'threshold' must be a number from 0.0 to 10.0 with one decimal, got '${thresholdText}'`
      )
    }
    threshold = parsed
  }
  const versionText = inputValue(env, 'systemd-version')
  let version = NEWEST_SYSTEMD_VERSION
  if (versionText !== '') {
    version = Number(versionText)
    if (
      !/^[0-9]{3}$/.test(versionText) ||
      version < OLDEST_SYSTEMD_VERSION ||
      version > NEWEST_SYSTEMD_VERSION
    ) {
      throw new InputError(
        `Input 'systemd-version' must be ${OLDEST_SYSTEMD_VERSION}-${NEWEST_SYSTEMD_VERSION}, got '${versionText}'`
      )
    }
  }
  const failOn = inputValue(env, 'fail-on') || 'threshold'
  if (failOn !== 'threshold' && failOn !== 'never') {
    throw new InputError(`Input 'fail-on' must be threshold or never, got '${failOn}'`)
  }
  const paths = lines(inputValue(env, 'paths'))
  return {
    paths: paths.length ? paths : ['.'],
    exclude: lines(inputValue(env, 'exclude')),
    threshold,
    policy,
    version,
    failOn
  }
}
