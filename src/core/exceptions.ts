/**
 * Justified exceptions: a check a unit is allowed to fail, with the reason written down (seed:
 * "document why each relaxation is needed"). An allowed check counts as if a policy gave it weight 0
 * for that unit only. Exceptions come from a comment in the unit or one of its drop-ins:
 *
 *     # hardening-gate: allow MemoryDenyWriteExecute -- Node.js JIT needs writable code pages
 *     # hardening-gate: allow PrivateNetwork, IPAddressDeny until 2026-12-31 -- serves HTTP
 *
 * or from the policy file ("hardening-gate".exceptions: unit globs, checks, reason, until). An
 * exception without a reason, naming an unknown check, past its date, or inline where the policy
 * forbids inline exceptions is not applied and fails the unit with a message saying why.
 */
import { CHECKS, CHECKS_BY_ID } from './checks.js'
import type { Policy } from './policy.js'
import type { SourceRef } from './service.js'

/** One exception as the report lists it. */
export interface ExceptionReport {
  /** check ids covered (a directive name such as SystemCallFilter covers all its rows) */
  checks: string[]
  /** the check names as written */
  written: string[]
  reason: string
  source: 'inline' | 'policy'
  /** inline: where the comment is */
  file?: string
  line?: number
  /** policy: which policy granted it */
  policy?: string
  /** last day it holds (YYYY-MM-DD) */
  until?: string
  /** set when the exception is not applied; the unit fails with this message */
  error?: string
}

export interface ResolvedExceptions {
  /** check id → the (valid) exception that allows it */
  allowed: ReadonlyMap<string, ExceptionReport>
  /** every exception that concerns the unit, valid or not */
  reports: ExceptionReport[]
}

/** The inline syntax, for messages and documentation. */
export const INLINE_SYNTAX =
  '# hardening-gate: allow CHECK[, CHECK...] [until YYYY-MM-DD] -- reason'

const MARKER = /^[#;]\s*hardening-gate\s*:\s*/i

/** A calendar date written YYYY-MM-DD. */
export function isIsoDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text)
  if (!m) return false
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])))
  return date.toISOString().slice(0, 10) === text
}

/** Today as YYYY-MM-DD (UTC): the default when the caller does not pass a date. */
export function isoToday(): string {
  return new Date().toISOString().slice(0, 10)
}

/** Ids without systemd's quirky trailing ')' resolve to the real id too. */
const QUIRKY = new Map(
  CHECKS.filter((c) => c.id.endsWith(')')).map((c) => [c.id.slice(0, -1), c.id] as const)
)

/** The ids of the rows each directive is read first by (a lookup, not a pass over the table per word). */
const BY_FIRST_DIRECTIVE = new Map<string, string[]>()
for (const check of CHECKS) {
  const directive = check.directives[0]
  if (directive === undefined) continue
  const ids = BY_FIRST_DIRECTIVE.get(directive)
  if (ids) ids.push(check.id)
  else BY_FIRST_DIRECTIVE.set(directive, [check.id])
}

/**
 * The check ids a name covers: a check id (json_field), or a directive name that several rows read
 * first (CapabilityBoundingSet, RestrictNamespaces, RestrictAddressFamilies, SystemCallFilter, User).
 */
export function checkIdsFor(name: string): string[] {
  if (CHECKS_BY_ID.has(name)) return [name]
  const quirky = QUIRKY.get(name)
  if (quirky) return [quirky]
  return [...(BY_FIRST_DIRECTIVE.get(name) ?? [])]
}

/** The longest unit glob a policy may hold (as for --exclude's globs). */
export const MAX_UNIT_GLOB = 4096

/** A unit glob compiled: whether a name or path matches it. */
export interface UnitGlob {
  test(text: string): boolean
}

/** One step of a unit glob: a character, `?`, `*`, `**` or a `{a,b}` group of literal options. */
type GlobStep =
  | { kind: 'char'; code: number }
  | { kind: 'one' }
  | { kind: 'star' }
  | { kind: 'any' }
  | { kind: 'group'; options: string[] }

const SLASH = 0x2f
/** what `**` does not cross, as `.` in a regular expression: the line terminators */
const isLineBreak = (code: number): boolean =>
  code === 0x0a || code === 0x0d || code === 0x2028 || code === 0x2029

function globSteps(glob: string): GlobStep[] {
  const steps: GlobStep[] = []
  // where the search for a '}' found none: no '{' after it has one either (no quadratic rescans)
  let noCloseFrom = glob.length + 1
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!
    if (c === '*') {
      if (glob[i + 1] === '*') {
        steps.push({ kind: 'any' })
        i++
        if (glob[i + 1] === '/') i++
      } else steps.push({ kind: 'star' })
    } else if (c === '?') {
      steps.push({ kind: 'one' })
    } else if (c === '{' && i < noCloseFrom) {
      const end = glob.indexOf('}', i)
      if (end < 0) {
        noCloseFrom = i
        steps.push({ kind: 'char', code: 0x7b })
        continue
      }
      steps.push({ kind: 'group', options: glob.slice(i + 1, end).split(',') })
      i = end
    } else {
      steps.push({ kind: 'char', code: glob.charCodeAt(i) })
    }
  }
  return steps
}

/**
 * A unit glob: `*` and `?` stay within a path component, `**` crosses them, `{a,b}` alternates.
 * Matched step by step over the set of positions each step can reach (time: steps x length), not as
 * a regular expression, which backtracked for seconds on `*a*a*a*a*a*a*a*aX` and overflowed the
 * stack on 50,000 groups (a policy file a pull request may add).
 */
export function unitGlob(glob: string): UnitGlob {
  const steps = globSteps(glob)
  return {
    test(text) {
      const n = text.length
      // reach[j]: the steps so far can match text[0..j)
      let reach = new Uint8Array(n + 1)
      let next = new Uint8Array(n + 1)
      reach[0] = 1
      for (const step of steps) {
        next.fill(0)
        if (step.kind === 'char' || step.kind === 'one') {
          for (let j = 0; j < n; j++) {
            const code = text.charCodeAt(j)
            if (reach[j] && (step.kind === 'one' ? code !== SLASH : code === step.code))
              next[j + 1] = 1
          }
        } else if (step.kind === 'group') {
          for (let j = 0; j <= n; j++) {
            if (!reach[j]) continue
            for (const option of step.options)
              if (text.startsWith(option, j)) next[j + option.length] = 1
          }
        } else {
          // `*` (`[^/]*`) or `**` (`.*`): from each position reached, on over what it may cross
          for (let j = 0; j <= n; j++) {
            if (reach[j]) next[j] = 1
            else if (j > 0 && next[j - 1]) {
              const code = text.charCodeAt(j - 1)
              if (step.kind === 'star' ? code !== SLASH : !isLineBreak(code)) next[j] = 1
            }
          }
        }
        if (!next.includes(1)) return false
        ;[reach, next] = [next, reach]
      }
      return reach[n] === 1
    }
  }
}

/** Compiled unit globs, by glob: a policy's globs are tested against every unit. */
const compiledGlobs = new Map<string, UnitGlob>()

function compiledGlob(glob: string): UnitGlob {
  let compiled = compiledGlobs.get(glob)
  if (compiled === undefined) {
    if (compiledGlobs.size >= 1000) compiledGlobs.clear()
    compiled = unitGlob(glob)
    compiledGlobs.set(glob, compiled)
  }
  return compiled
}

/** Whether a unit glob names this unit: by file or unit name, or by path when the glob has a '/'. */
export function unitMatches(
  glob: string,
  names: { path: string; file: string; unit: string }
): boolean {
  const compiled = compiledGlob(glob)
  if (glob.includes('/'))
    return compiled.test(names.path) || compiled.test(names.path.replace(/^\.\//, ''))
  return compiled.test(names.file) || compiled.test(names.unit)
}

interface ParsedInline {
  written: string[]
  until?: string
  reason: string
}

/** Parses the text after the marker; returns an error message when it does not follow the syntax. */
function parseInline(rest: string): ParsedInline | { error: string } {
  const m = /^allow\s+(.*)$/i.exec(rest)
  if (!m) return { error: `not an exception; the syntax is: ${INLINE_SYNTAX}` }
  let body = m[1]!
  let reason = ''
  const dash = body.indexOf('--')
  if (dash >= 0) {
    reason = body.slice(dash + 2).trim()
    body = body.slice(0, dash)
  }
  let until: string | undefined
  const untilMatch = /\buntil\s+(\S+)\s*$/i.exec(body)
  if (untilMatch) {
    until = untilMatch[1]
    body = body.slice(0, untilMatch.index)
  }
  const written = body
    .split(/[\s,]+/)
    .map((w) => w.trim())
    .filter((w) => w !== '')
  if (written.length === 0) return { error: `no check named; the syntax is: ${INLINE_SYNTAX}` }
  return { written, until, reason }
}

function checkValidity(report: ExceptionReport, policy: Policy, today: string): string | undefined {
  if (report.reason === '') {
    return `exception for ${report.written.join(', ')} has no reason: write why the relaxation is needed after '--'`
  }
  if (report.until !== undefined && !isIsoDate(report.until)) {
    return `exception for ${report.written.join(', ')}: 'until ${report.until}' is not a date YYYY-MM-DD`
  }
  if (report.until !== undefined && report.until < today) {
    return `exception for ${report.written.join(', ')} expired on ${report.until}; renew it with a new date or fix the unit`
  }
  if (report.until === undefined && policy.requireExpiry) {
    return `exception for ${report.written.join(', ')} has no expiry date; policy ${policy.name} requires 'until YYYY-MM-DD'`
  }
  return undefined
}

/**
 * The exceptions that apply to one unit: inline comments of its files and the policy's entries that
 * match it, each validated. Valid ones go into `allowed`.
 */
export function resolveExceptions(
  comments: ReadonlyArray<SourceRef & { text: string }>,
  policy: Policy,
  names: { path: string; file: string; unit: string },
  today: string
): ResolvedExceptions {
  const reports: ExceptionReport[] = []
  for (const comment of comments) {
    const marker = MARKER.exec(comment.text)
    if (!marker) continue
    const at = { file: comment.file, line: comment.line }
    const parsed = parseInline(comment.text.slice(marker[0].length).trim())
    if ('error' in parsed) {
      reports.push({
        checks: [],
        written: [],
        reason: '',
        source: 'inline',
        ...at,
        error: parsed.error
      })
      continue
    }
    const report: ExceptionReport = {
      checks: [],
      written: parsed.written,
      reason: parsed.reason,
      source: 'inline',
      ...at
    }
    if (parsed.until !== undefined) report.until = parsed.until
    const unknown = parsed.written.filter((w) => checkIdsFor(w).length === 0)
    report.checks = [...new Set(parsed.written.flatMap(checkIdsFor))]
    if (unknown.length) {
      report.error = `unknown check id ${unknown.map((u) => `'${u}'`).join(', ')} in exception (ids are the json_field names, e.g. MemoryDenyWriteExecute, CapabilityBoundingSet_CAP_SYS_ADMIN, or a directive such as SystemCallFilter)`
    } else if (policy.inlineExceptions === 'forbid') {
      report.error = `inline exceptions are forbidden by policy ${policy.name}; only the policy file may grant them`
    } else {
      const problem = checkValidity(report, policy, today)
      if (problem) report.error = problem
    }
    reports.push(report)
  }
  for (const exception of policy.exceptions ?? []) {
    if (!exception.units.some((glob) => unitMatches(glob, names))) continue
    const report: ExceptionReport = {
      checks: exception.checks,
      written: exception.written,
      reason: exception.reason,
      source: 'policy',
      policy: exception.policy
    }
    if (exception.until !== undefined) report.until = exception.until
    const problem = checkValidity(report, policy, today)
    if (problem) report.error = problem
    reports.push(report)
  }
  // the usual unit: no exception at all
  if (reports.length === 0) return { allowed: NONE_ALLOWED, reports }
  const allowed = new Map<string, ExceptionReport>()
  for (const report of reports) {
    if (report.error !== undefined) continue
    for (const id of report.checks) if (!allowed.has(id)) allowed.set(id, report)
  }
  return { allowed, reports }
}

const NONE_ALLOWED: ReadonlyMap<string, ExceptionReport> = new Map()

/** The policy with the allowed checks at weight 0 for this unit (systemd's "excluded by policy"). */
export function policyWithExceptions(
  policy: Policy,
  allowed: ReadonlyMap<string, ExceptionReport>
): Policy {
  if (allowed.size === 0) return policy
  const checks = { ...policy.checks }
  for (const [id, report] of allowed) {
    const where =
      report.source === 'inline' ? `${report.file}:${report.line}` : `policy ${report.policy}`
    checks[id] = { ...checks[id], weight: 0, reason: `allowed (${where}): ${report.reason}` }
  }
  return { ...policy, checks }
}
