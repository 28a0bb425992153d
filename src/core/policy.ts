/**
 * Policies in systemd's --security-policy JSON format: a top-level object keyed by json_field, each
 * `{ "weight": N, "range": N }` (weight 0 skips the check). The gate's own settings live under the
 * key "hardening-gate", which systemd ignores, so one file serves both tools: the threshold, the
 * justified exceptions, whether units may grant themselves exceptions inline, and the fix engine's
 * preferences.
 */
import { CHECKS_BY_ID } from './checks.js'
import { checkIdsFor, isIsoDate, MAX_UNIT_GLOB } from './exceptions.js'
import { hasNoncharacter } from './words.js'

export const GATE_KEY = 'hardening-gate'

export interface CheckOverride {
  weight?: number
  range?: number
  /** why the check is skipped, when a policy sets weight 0 with a reason */
  reason?: string
}

/** An exception granted by a policy file: these checks do not count for these units. */
export interface PolicyException {
  /** unit globs: matched against the unit file name, or against its path when the glob has a '/' */
  units: string[]
  /** the check ids covered (directive names already expanded) */
  checks: string[]
  /** the names as written, for messages */
  written: string[]
  reason: string
  /** last day the exception holds (YYYY-MM-DD) */
  until?: string
  /** the policy that granted it */
  policy: string
}

/** What the fix engine may suggest and how far it goes. */
export interface FixPreferences {
  /** score (tenths) a suggestion aims for; default: the threshold */
  target?: number
  /** minimal: only what reaching the target needs; baseline: every directive the unit tolerates */
  mode: 'minimal' | 'baseline'
  /** last rollout phase (1-5) a suggestion may use */
  maxPhase: number
  /** directives never suggested, with the reason shown in the suggestion */
  avoid: Record<string, string>
  /** auto: DynamicUser= when the unit's data fits systemd-managed directories; keep: never change User= */
  identity: 'auto' | 'keep'
  /** auto: inferred from the unit; required: always keep the network; none: the service uses none */
  network: 'auto' | 'required' | 'none'
  /** address families always kept in RestrictAddressFamilies= (beyond the inferred ones) */
  addressFamilies: string[]
  /** capabilities always kept in CapabilityBoundingSet= */
  keepCapabilities: string[]
}

export interface Policy {
  name: string
  checks: Record<string, CheckOverride>
  /** gate threshold in tenths, when the policy sets one */
  threshold?: number
  description?: string
  exceptions?: PolicyException[]
  /** forbid: only the policy file grants exceptions; an inline one fails the unit */
  inlineExceptions?: 'allow' | 'forbid'
  /** every exception (inline or in the policy) must carry an expiry date */
  requireExpiry?: boolean
  fix?: FixPreferences
  /** the policies this one extends, base first */
  extends?: string[]
}

export class PolicyError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'PolicyError'
  }
}

export const DEFAULT_FIX: FixPreferences = {
  mode: 'minimal',
  maxPhase: 5,
  avoid: {},
  identity: 'auto',
  network: 'auto',
  addressFamilies: [],
  keepCapabilities: []
}

export const DEFAULT_POLICY: Policy = { name: 'systemd defaults', checks: {} }

/**
 * The largest weight or range a policy may give: systemd takes any unsigned 64-bit number (and its
 * sums overflow from about 2^60), the gate's sums stay exact in a double up to 2^32 (81 rows x 10
 * x 2^32 x 100 < 2^53).
 */
const MAX_WEIGHT = 2 ** 32

/** systemd refuses JSON nested deeper than this (262 refuses 2,049 levels; 252 and 257 2,050) */
const MAX_NESTING = 2048

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/**
 * A policy file's bytes as text: systemd refuses a file that is not UTF-8 (a Latin-1 `é` in a
 * "reason"), where a lenient decoding would read U+FFFD and go on. A byte-order mark is kept, for
 * JSON.parse() to refuse as systemd does.
 */
export function decodePolicyBytes(bytes: Uint8Array, name: string): string {
  try {
    return STRICT_UTF8.decode(bytes)
  } catch {
    throw new PolicyError(`${name}: not UTF-8 (systemd refuses the file)`)
  }
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

/**
 * Why systemd's JSON parser refuses a string JSON.parse() takes: a NUL (`\u0000`), half of a
 * surrogate pair (`\ud800`) or a noncharacter (U+FDD0, `\uffff`), written raw or escaped; read off
 * 252-262 by a helper's probes (both accept `\u0001`, `\u007f`, `\ufeff` and U+E000).
 */
function stringProblem(value: string): string | undefined {
  if (value.includes('\0')) return 'holds a NUL (\\u0000)'
  if (LONE_SURROGATE.test(value)) return 'holds half of a surrogate pair'
  if (hasNoncharacter(value)) return 'holds a Unicode noncharacter'
  return undefined
}

/** The first string (key or value) of a parsed document systemd would refuse, with its problem. */
function badString(value: unknown, depth = 0): string | undefined {
  if (typeof value === 'string') {
    const problem = stringProblem(value)
    return problem && `a string ${problem}`
  }
  if (typeof value !== 'object' || value === null || depth > MAX_NESTING) return undefined
  for (const [key, item] of Object.entries(value)) {
    const problem = Array.isArray(value) ? undefined : stringProblem(key)
    if (problem) return `a key ${problem}`
    const inner = badString(item, depth + 1)
    if (inner) return inner
  }
  return undefined
}

/**
 * Reads a policy file's text. JSON.parse() alone would take three things systemd reads otherwise:
 * a repeated key (systemd uses the first, JSON.parse() the last: rejected, whichever was meant),
 * nesting systemd refuses, and a weight or range written with a fraction or an exponent (`1e3`,
 * `1000.0`: 252 reads 1e3 as no whole number and keeps the default, later builds take 1000).
 */
export function readPolicyText(text: string, name: string): unknown {
  let document: unknown
  try {
    document = JSON.parse(text)
  } catch (error) {
    throw new PolicyError(`${name}: not valid JSON (${(error as Error).message})`)
  }
  const problem = policyTextProblem(text)
  if (problem !== undefined) throw new PolicyError(`${name}: ${problem}`)
  // a raw DEL is a control character to systemd's tokenizer, even in a string (escaped, it passes)
  if (text.includes('\x7f')) throw new PolicyError(`${name}: a raw DEL character (0x7f)`)
  const bad = badString(document)
  if (bad !== undefined) throw new PolicyError(`${name}: ${bad}, which systemd refuses`)
  return document
}

interface JsonFrame {
  object: boolean
  keys: Set<string>
  /** the key whose value is being read (objects) */
  key: string | undefined
  expectsKey: boolean
}

/** The first of readPolicyText()'s problems in `text`, which JSON.parse() accepted. */
function policyTextProblem(text: string): string | undefined {
  const stack: JsonFrame[] = []
  for (let i = 0; i < text.length;) {
    const c = text[i]!
    const top = stack[stack.length - 1]
    if (c === '"') {
      let end = i + 1
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1
      if (top?.object && top.expectsKey) {
        const key = JSON.parse(text.slice(i, end + 1)) as string
        if (top.keys.has(key)) return `the key "${key}" appears twice in one object`
        top.keys.add(key)
        top.key = key
        top.expectsKey = false
      }
      i = end + 1
    } else if (c === '{' || c === '[') {
      if (stack.length >= MAX_NESTING) return `nested more than ${MAX_NESTING} levels deep`
      stack.push({ object: c === '{', keys: new Set(), key: undefined, expectsKey: c === '{' })
      i++
    } else if (c === '}' || c === ']') {
      stack.pop()
      i++
    } else if (c === ',') {
      if (top?.object) top.expectsKey = true
      i++
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      let end = i + 1
      while (end < text.length && /[0-9eE.+-]/.test(text[end]!)) end++
      const number = text.slice(i, end)
      const [entry, field] = stack
      if (
        stack.length === 2 &&
        entry!.object &&
        field!.object &&
        entry!.key !== GATE_KEY &&
        !entry!.key!.startsWith('$') &&
        !entry!.key!.startsWith('//') &&
        (field!.key === 'weight' || field!.key === 'range') &&
        !/^-?(0|[1-9][0-9]*)$/.test(number)
      ) {
        return `"${entry!.key}".${field!.key} is ${number}: write it as a whole number without a fraction or an exponent`
      }
      i = end
    } else {
      i++
    }
  }
  return undefined
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Parses a threshold on the printed 0.0-10.0 scale with at most one decimal; returns tenths. */
export function parseThreshold(text: string | number): number | undefined {
  const value = typeof text === 'number' ? String(text) : text.trim()
  if (!/^(10(\.0)?|[0-9](\.[0-9])?)$/.test(value)) return undefined
  return Math.round(Number(value) * 10)
}

const FIX_KEYS = [
  'target',
  'mode',
  'maxPhase',
  'avoid',
  'identity',
  'network',
  'addressFamilies',
  'keepCapabilities'
]
const GATE_KEYS = [
  'description',
  'threshold',
  'extends',
  'exceptions',
  'inlineExceptions',
  'requireExpiry',
  'fix'
]

function stringList(value: unknown, what: string, name: string): string[] {
  const list = typeof value === 'string' ? [value] : value
  if (!Array.isArray(list) || !list.every((v) => typeof v === 'string' && v.trim() !== '')) {
    throw new PolicyError(`${name}: ${what} must be a string or a list of non-empty strings`)
  }
  return list.map((v: string) => v.trim())
}

function parseFix(entry: unknown, name: string, base: FixPreferences): FixPreferences {
  if (!isRecord(entry)) throw new PolicyError(`${name}: "${GATE_KEY}".fix must be an object`)
  const unknown = Object.keys(entry).filter((k) => !FIX_KEYS.includes(k) && !k.startsWith('//'))
  if (unknown.length) {
    throw new PolicyError(
      `${name}: unknown fix setting "${unknown[0]}" (known: ${FIX_KEYS.join(', ')})`
    )
  }
  const fix: FixPreferences = { ...base, avoid: { ...base.avoid } }
  if (entry.target !== undefined) {
    const target =
      typeof entry.target === 'number' || typeof entry.target === 'string'
        ? parseThreshold(entry.target)
        : undefined
    if (target === undefined) {
      throw new PolicyError(
        `${name}: fix.target must be a number from 0.0 to 10.0 with one decimal`
      )
    }
    fix.target = target
  }
  const choice = <T extends string>(key: string, values: readonly T[]): T | undefined => {
    const value = entry[key]
    if (value === undefined) return undefined
    if (typeof value !== 'string' || !values.includes(value as T)) {
      throw new PolicyError(`${name}: fix.${key} must be one of ${values.join(', ')}`)
    }
    return value as T
  }
  fix.mode = choice('mode', ['minimal', 'baseline'] as const) ?? fix.mode
  fix.identity = choice('identity', ['auto', 'keep'] as const) ?? fix.identity
  fix.network = choice('network', ['auto', 'required', 'none'] as const) ?? fix.network
  if (entry.maxPhase !== undefined) {
    const phase = entry.maxPhase
    if (typeof phase !== 'number' || !Number.isInteger(phase) || phase < 1 || phase > 5) {
      throw new PolicyError(`${name}: fix.maxPhase must be an integer from 1 to 5`)
    }
    fix.maxPhase = phase
  }
  if (entry.avoid !== undefined) {
    if (!isRecord(entry.avoid)) {
      throw new PolicyError(`${name}: fix.avoid must map directive names to the reason`)
    }
    for (const [directive, reason] of Object.entries(entry.avoid)) {
      if (typeof reason !== 'string' || reason.trim() === '') {
        throw new PolicyError(`${name}: fix.avoid.${directive} needs a reason`)
      }
      if (!/^[A-Z][A-Za-z]+$/.test(directive)) {
        throw new PolicyError(`${name}: fix.avoid: "${directive}" is not a directive name`)
      }
      fix.avoid[directive] = reason.trim()
    }
  }
  if (entry.addressFamilies !== undefined) {
    const families = stringList(entry.addressFamilies, 'fix.addressFamilies', name)
    const bad = families.find((f) => !/^AF_[A-Z0-9]+$/.test(f))
    if (bad) throw new PolicyError(`${name}: fix.addressFamilies: "${bad}" is not an AF_* name`)
    fix.addressFamilies = [...new Set([...base.addressFamilies, ...families])]
  }
  if (entry.keepCapabilities !== undefined) {
    const caps = stringList(entry.keepCapabilities, 'fix.keepCapabilities', name)
    const bad = caps.find((c) => !/^CAP_[A-Z_]+$/.test(c))
    if (bad) throw new PolicyError(`${name}: fix.keepCapabilities: "${bad}" is not a CAP_* name`)
    fix.keepCapabilities = [...new Set([...base.keepCapabilities, ...caps])]
  }
  return fix
}

function parseException(entry: unknown, index: number, name: string): PolicyException {
  const where = `${name}: exceptions[${index}]`
  if (!isRecord(entry)) throw new PolicyError(`${where} must be an object`)
  const known = ['units', 'checks', 'reason', 'until']
  const unknown = Object.keys(entry).filter((k) => !known.includes(k) && !k.startsWith('//'))
  if (unknown.length) {
    throw new PolicyError(`${where}: unknown key "${unknown[0]}" (known: ${known.join(', ')})`)
  }
  if (entry.units === undefined) throw new PolicyError(`${where}: "units" (unit globs) is missing`)
  const units = stringList(entry.units, '"units"', where)
  const long = units.find((glob) => glob.length > MAX_UNIT_GLOB)
  if (long !== undefined) {
    throw new PolicyError(
      `${where}: a unit glob of ${long.length} characters (at most ${MAX_UNIT_GLOB})`
    )
  }
  if (entry.checks === undefined) throw new PolicyError(`${where}: "checks" is missing`)
  const written = stringList(entry.checks, '"checks"', where)
  const checks: string[] = []
  for (const id of written) {
    const ids = checkIdsFor(id)
    if (ids.length === 0) throw new PolicyError(`${where}: unknown check id "${id}"`)
    checks.push(...ids)
  }
  if (typeof entry.reason !== 'string' || entry.reason.trim() === '') {
    throw new PolicyError(`${where}: an exception needs a "reason" (why the relaxation is needed)`)
  }
  let until: string | undefined
  if (entry.until !== undefined) {
    if (typeof entry.until !== 'string' || !isIsoDate(entry.until)) {
      throw new PolicyError(`${where}: "until" must be a date YYYY-MM-DD`)
    }
    until = entry.until
  }
  return {
    units,
    checks: [...new Set(checks)],
    written,
    reason: entry.reason.trim(),
    until,
    policy: name
  }
}

/**
 * Validates a policy document. Unknown check ids are an error (systemd would silently ignore a
 * misspelt key, so a policy that means to skip a check would do nothing). `base` is the policy this
 * one extends: weights and fix settings are overridden key by key, exceptions are added.
 */
export function parsePolicy(
  document: unknown,
  name: string,
  base: Policy = DEFAULT_POLICY
): Policy {
  if (!isRecord(document)) throw new PolicyError(`${name}: a policy must be a JSON object`)
  const checks: Record<string, CheckOverride> = { ...base.checks }
  let threshold = base.threshold
  let description = base.description
  const exceptions = [...(base.exceptions ?? [])]
  let inlineExceptions = base.inlineExceptions
  let requireExpiry = base.requireExpiry
  let fix = base.fix
  for (const [key, entry] of Object.entries(document)) {
    if (key === GATE_KEY) {
      if (!isRecord(entry)) throw new PolicyError(`${name}: "${GATE_KEY}" must be an object`)
      const unknown = Object.keys(entry).filter(
        (k) => !GATE_KEYS.includes(k) && !k.startsWith('//')
      )
      if (unknown.length) {
        throw new PolicyError(
          `${name}: unknown "${GATE_KEY}" setting "${unknown[0]}" (known: ${GATE_KEYS.join(', ')})`
        )
      }
      if (entry.threshold !== undefined) {
        const parsed =
          typeof entry.threshold === 'number' || typeof entry.threshold === 'string'
            ? parseThreshold(entry.threshold)
            : undefined
        if (parsed === undefined) {
          throw new PolicyError(
            `${name}: threshold must be a number from 0.0 to 10.0 with one decimal`
          )
        }
        threshold = parsed
      }
      if (entry.description !== undefined) {
        if (typeof entry.description !== 'string') {
          throw new PolicyError(`${name}: description must be a string`)
        }
        description = entry.description
      }
      if (entry.extends !== undefined && typeof entry.extends !== 'string') {
        throw new PolicyError(`${name}: extends must be a policy name or a file path`)
      }
      if (entry.inlineExceptions !== undefined) {
        if (entry.inlineExceptions !== 'allow' && entry.inlineExceptions !== 'forbid') {
          throw new PolicyError(`${name}: inlineExceptions must be "allow" or "forbid"`)
        }
        inlineExceptions = entry.inlineExceptions
      }
      if (entry.requireExpiry !== undefined) {
        if (typeof entry.requireExpiry !== 'boolean') {
          throw new PolicyError(`${name}: requireExpiry must be true or false`)
        }
        requireExpiry = entry.requireExpiry
      }
      if (entry.exceptions !== undefined) {
        if (!Array.isArray(entry.exceptions)) {
          throw new PolicyError(`${name}: exceptions must be a list`)
        }
        entry.exceptions.forEach((e, i) => exceptions.push(parseException(e, i, name)))
      }
      if (entry.fix !== undefined) fix = parseFix(entry.fix, name, fix ?? DEFAULT_FIX)
      continue
    }
    if (key.startsWith('$') || key.startsWith('//')) continue
    if (!CHECKS_BY_ID.has(key)) {
      const hint = CHECKS_BY_ID.has(`${key})`)
        ? ` (systemd's key is "${key})", with the parenthesis)`
        : ''
      throw new PolicyError(`${name}: unknown check id "${key}"${hint}`)
    }
    if (!isRecord(entry)) throw new PolicyError(`${name}: "${key}" must be an object`)
    const override: CheckOverride = { ...checks[key] }
    for (const field of ['weight', 'range'] as const) {
      const value = entry[field]
      if (value === undefined) continue
      if (
        typeof value !== 'number' ||
        !Number.isInteger(value) ||
        value < 0 ||
        value > MAX_WEIGHT
      ) {
        throw new PolicyError(
          `${name}: "${key}".${field} must be an integer from 0 to ${MAX_WEIGHT}`
        )
      }
      if (field === 'range' && value === 0)
        throw new PolicyError(`${name}: "${key}".range must not be 0`)
      override[field] = value
    }
    const check = CHECKS_BY_ID.get(key)!
    const range = override.range ?? check.range
    if (range < check.range && (override.weight ?? check.weight) > 0) {
      // systemd aborts when a badness exceeds the policy range (a row of weight 0 is not assessed)
      throw new PolicyError(`${name}: "${key}".range must be at least ${check.range}`)
    }
    if (typeof entry.reason === 'string') override.reason = entry.reason
    checks[key] = override
  }
  if (requireExpiry) {
    const open = exceptions.find((e) => e.until === undefined)
    if (open) {
      throw new PolicyError(
        `${name}: requireExpiry is on but the exception for ${open.written.join(', ')} (from ${open.policy}) has no "until" date`
      )
    }
  }
  const policy: Policy = { name, checks, threshold }
  if (description !== undefined) policy.description = description
  if (exceptions.length) policy.exceptions = exceptions
  if (inlineExceptions !== undefined) policy.inlineExceptions = inlineExceptions
  if (requireExpiry !== undefined) policy.requireExpiry = requireExpiry
  if (fix !== undefined) policy.fix = fix
  if (base !== DEFAULT_POLICY) policy.extends = [...(base.extends ?? []), base.name]
  return policy
}

/**
 * The policy as one systemd --security-policy document (weights and ranges after `extends`), with the
 * gate's settings under "hardening-gate": what to pass to systemd-analyze to reproduce the gate.
 */
export function policyDocument(policy: Policy): Record<string, unknown> {
  const gate: Record<string, unknown> = {}
  if (policy.description !== undefined) gate.description = policy.description
  if (policy.threshold !== undefined) gate.threshold = policy.threshold / 10
  if (policy.inlineExceptions !== undefined) gate.inlineExceptions = policy.inlineExceptions
  if (policy.requireExpiry !== undefined) gate.requireExpiry = policy.requireExpiry
  if (policy.exceptions?.length) {
    gate.exceptions = policy.exceptions.map((e) => ({
      units: e.units,
      checks: e.written,
      reason: e.reason,
      ...(e.until ? { until: e.until } : {})
    }))
  }
  if (policy.fix) {
    const { target, ...rest } = policy.fix
    gate.fix = { ...(target !== undefined ? { target: target / 10 } : {}), ...rest }
  }
  const document: Record<string, unknown> = { [GATE_KEY]: gate }
  for (const [id, override] of Object.entries(policy.checks)) {
    const entry: Record<string, unknown> = {}
    if (override.weight !== undefined) entry.weight = override.weight
    if (override.range !== undefined) entry.range = override.range
    if (override.reason !== undefined) entry.reason = override.reason
    document[id] = entry
  }
  return document
}
