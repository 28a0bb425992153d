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

/**
 * The check ids a name covers: a check id (json_field), or a directive name that several rows read
 * first (CapabilityBoundingSet, RestrictNamespaces, RestrictAddressFamilies, SystemCallFilter, User).
 */
export function checkIdsFor(name: string): string[] {
  if (CHECKS_BY_ID.has(name)) return [name]
  const quirky = QUIRKY.get(name)
  if (quirky) return [quirky]
  return CHECKS.filter((c) => c.directives[0] === name).map((c) => c.id)
}

/** A unit glob: `*` and `?` stay within a path component, `**` crosses them, `{a,b}` alternates. */
export function globToRegExp(glob: string): RegExp {
  let out = ''
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!
    if (c === '*') {
      if (glob[i + 1] === '*') {
        out += '.*'
        i++
        if (glob[i + 1] === '/') i++
      } else {
        out += '[^/]*'
      }
    } else if (c === '?') {
      out += '[^/]'
    } else if (c === '{') {
      const end = glob.indexOf('}', i)
      if (end < 0) {
        out += '\\{'
        continue
      }
      const options = glob.slice(i + 1, end).split(',')
      out += `(?:${options.map((o) => o.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`
      i = end
    } else {
      out += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
    }
  }
  return new RegExp(`^${out}$`)
}

/** Whether a unit glob names this unit: by file or unit name, or by path when the glob has a '/'. */
export function unitMatches(
  glob: string,
  names: { path: string; file: string; unit: string }
): boolean {
  const re = globToRegExp(glob)
  if (glob.includes('/')) return re.test(names.path) || re.test(names.path.replace(/^\.\//, ''))
  return re.test(names.file) || re.test(names.unit)
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
