/**
 * Policies in systemd's --security-policy JSON format: a top-level object keyed by json_field, each
 * `{ "weight": N, "range": N }` (weight 0 skips the check). The gate's own settings live under the
 * key "hardening-gate", which systemd ignores, so one file serves both tools.
 */
import { CHECKS_BY_ID } from './checks.js'

export const GATE_KEY = 'hardening-gate'

export interface CheckOverride {
  weight?: number
  range?: number
  /** why the check is skipped, when a policy sets weight 0 with a reason */
  reason?: string
}

export interface Policy {
  name: string
  checks: Record<string, CheckOverride>
  /** gate threshold in tenths, when the policy sets one */
  threshold?: number
}

export class PolicyError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'PolicyError'
  }
}

export const DEFAULT_POLICY: Policy = { name: 'systemd defaults', checks: {} }

const MAX_WEIGHT = 1_000_000

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Parses a threshold on the printed 0.0-10.0 scale with at most one decimal; returns tenths. */
export function parseThreshold(text: string | number): number | undefined {
  const value = typeof text === 'number' ? String(text) : text.trim()
  if (!/^(10(\.0)?|[0-9](\.[0-9])?)$/.test(value)) return undefined
  return Math.round(Number(value) * 10)
}

/**
 * Validates a policy document. Unknown check ids are an error (systemd would silently ignore a
 * misspelt key, so a policy that means to skip a check would do nothing).
 */
export function parsePolicy(document: unknown, name: string, base: Policy = DEFAULT_POLICY): Policy {
  if (!isRecord(document)) throw new PolicyError(`${name}: a policy must be a JSON object`)
  const checks: Record<string, CheckOverride> = { ...base.checks }
  let threshold = base.threshold
  for (const [key, entry] of Object.entries(document)) {
    if (key === GATE_KEY) {
      if (!isRecord(entry)) throw new PolicyError(`${name}: "${GATE_KEY}" must be an object`)
      if (entry.threshold !== undefined) {
        const parsed =
          typeof entry.threshold === 'number' || typeof entry.threshold === 'string'
            ? parseThreshold(entry.threshold)
            : undefined
        if (parsed === undefined) {
          throw new PolicyError(`${name}: threshold must be a number from 0.0 to 10.0 with one decimal`)
        }
        threshold = parsed
      }
      continue
    }
    if (key.startsWith('$') || key.startsWith('//')) continue
    if (!CHECKS_BY_ID.has(key)) {
      const hint = CHECKS_BY_ID.has(`${key})`) ? ` (systemd's key is "${key})", with the parenthesis)` : ''
      throw new PolicyError(`${name}: unknown check id "${key}"${hint}`)
    }
    if (!isRecord(entry)) throw new PolicyError(`${name}: "${key}" must be an object`)
    const override: CheckOverride = { ...checks[key] }
    for (const field of ['weight', 'range'] as const) {
      const value = entry[field]
      if (value === undefined) continue
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_WEIGHT) {
        throw new PolicyError(`${name}: "${key}".${field} must be an integer from 0 to ${MAX_WEIGHT}`)
      }
      if (field === 'range' && value === 0) throw new PolicyError(`${name}: "${key}".range must not be 0`)
      override[field] = value
    }
    const check = CHECKS_BY_ID.get(key)!
    const range = override.range ?? check.range
    if (range < check.range) {
      // systemd aborts when a badness exceeds the policy range.
      throw new PolicyError(`${name}: "${key}".range must be at least ${check.range}`)
    }
    if (typeof entry.reason === 'string') override.reason = entry.reason
    checks[key] = override
  }
  return { name, checks, threshold }
}
