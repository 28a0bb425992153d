/**
 * The report: one entry per unit, the JSON interface of the CLI (schemaVersion 1) and the input of
 * every renderer and GitHub adapter.
 */
import { CHECK_DIRECTIVES } from './checks.js'
import type { ExceptionReport } from './exceptions.js'
import { isoToday, policyWithExceptions, resolveExceptions } from './exceptions.js'
import type { Policy } from './policy.js'
import type { CheckResult } from './score.js'
import { scoreService } from './score.js'
import type { Diagnostic, SocketUnitFiles, SourceRef, UnitFileInput } from './service.js'
import { loadService } from './service.js'
import type { ManagerUser, UnitName } from './specifiers.js'
import type { Suggestion } from './suggest.js'
import type { ManagerScope, ScopeHint } from './scope.js'
import { suggestDropIn } from './suggest.js'
import { lastIndexOfCode } from './words.js'

export const SCHEMA_VERSION = 1

/** Units larger than this (with their drop-ins) get no suggested drop-in; real ones are a few KiB. */
export const SUGGEST_MAX_BYTES = 256 * 1024

export type UnitStatus = 'scored' | 'masked' | 'invalid' | 'error'

/** One row of a unit's assessment (all rows, in systemd's table order). */
export type CheckReport = CheckResult

export interface UnitReport {
  /** POSIX path of the unit file, relative to the working directory */
  path: string
  /** unit name as analysed (templates as an instance) */
  unit: string
  /** "user" for a unit of a user's service manager (scored as `systemd-analyze --user` does) */
  manager?: ManagerScope
  status: UnitStatus
  /** overall exposure, e.g. 9.6 (null unless scored) */
  score: number | null
  /** overall exposure in tenths (systemd's --threshold scale) */
  exposure: number | null
  rating: string | null
  passed: boolean
  /** why the unit was not scored */
  reason?: string
  /** where the reason applies */
  at?: SourceRef
  /** drop-ins merged, in order */
  dropIns: string[]
  /** the [Service] header, where missing directives are reported */
  serviceHeader?: SourceRef
  checks: CheckReport[]
  diagnostics: Diagnostic[]
  /**
   * Justified exceptions that concern the unit (inline comments, policy entries): valid ones make
   * their checks not count; one with an `error` is not applied and fails the unit.
   */
  exceptions: ExceptionReport[]
  /** the fix engine's drop-in, for a unit above the threshold (null otherwise or when not asked) */
  suggestion: Suggestion | null
}

export interface GateOptions {
  /** keep rows at badness 0 in each report (default true; large scans save memory without them) */
  keepPassingChecks?: boolean
  /** keep only the rows of this many highest exposures (a report that shows no more) */
  costliestChecks?: number
  /** target systemd version */
  version: number
  policy: Policy
  /** a unit fails when its exposure (tenths) is above this */
  threshold: number
  /** compute a suggested drop-in for each unit above the threshold (default true) */
  suggest?: boolean
  /** today (YYYY-MM-DD), for exception expiry dates; default: the current UTC date */
  today?: string
  /** written into suggested drop-ins */
  toolVersion?: string
  /**
   * the user a unit scored for a user's manager (manager 'user') runs under: %u, %U, %g, %G, %h
   * (default root, as systemd-analyze --user run by root)
   */
  managerUser?: ManagerUser
}

export interface UnitSource {
  unit: UnitName
  /** the alias name the unit file was reached by, when it is not the unit's id */
  requestedAs?: UnitName
  main: UnitFileInput
  dropIns: UnitFileInput[]
  /** the socket units that activate it (NAME.socket, one naming it in Service= ...), which show the
   * ports it is handed */
  sockets?: SocketUnitFiles[]
  /** which service manager loads it, when the caller knows more than main.path shows (the fix
   * engine's guide: a user's manager cannot apply most hardening) */
  scope?: ScopeHint
  /**
   * 'user': score it as `systemd-analyze --user security` does, when asked to (--user, the Action's
   * user-units input). As with systemd-analyze, a path never decides the score: a unit file in a
   * systemd/user/ directory gets the number `systemd-analyze security` prints for it.
   */
  manager?: ManagerScope
}

/** Loads, scores and judges one unit. Pure: the caller supplies the file contents. */
export function analyzeUnit(given: UnitSource, options: GateOptions): UnitReport {
  const manager: ManagerScope | undefined = given.manager === 'user' ? 'user' : undefined
  const source =
    manager === 'user' && options.managerUser ? withManagerUser(given, options.managerUser) : given
  // the fix engine reads the directives as written: only a unit that may get a suggestion keeps them
  const loaded = loadService({
    ...source,
    version: options.version,
    record: options.suggest !== false,
    manager,
    hardeningKeys: CHECK_DIRECTIVES
  })
  const base = {
    path: source.main.path,
    unit: source.unit.name,
    manager,
    dropIns: source.dropIns.map((d) => d.path),
    diagnostics: loaded.diagnostics,
    exceptions: [] as ExceptionReport[],
    suggestion: null
  }
  if (loaded.status !== 'loaded') {
    return {
      ...base,
      status: loaded.status,
      score: null,
      exposure: null,
      rating: null,
      // A masked unit cannot run; one systemd refuses is broken and must not pass unseen.
      passed: loaded.status === 'masked',
      reason: loaded.reason,
      at: loaded.at,
      checks: []
    }
  }
  const fileName = source.main.path.slice(lastIndexOfCode(source.main.path, 0x2f) + 1)
  const exceptions = resolveExceptions(
    loaded.comments,
    options.policy,
    { path: source.main.path, file: fileName, unit: source.unit.name },
    options.today ?? isoToday()
  )
  for (const e of exceptions.reports) {
    if (e.error === undefined) continue
    const at = e.file !== undefined ? { file: e.file, line: e.line ?? 1 } : loaded.serviceHeader
    base.diagnostics.push({
      ...at,
      severity: 'error',
      code: 'invalid-exception',
      message: e.source === 'policy' ? `policy ${e.policy}: ${e.error}` : e.error
    })
  }
  const policy = policyWithExceptions(options.policy, exceptions.allowed)
  const score = scoreService(loaded, options.version, policy, {
    keepPassing: options.keepPassingChecks ?? true,
    costliest: options.costliestChecks
  })
  if (score.weightSum === 0) {
    // systemd-analyze aborts on such a unit (assert(weight_sum > 0)): there is no score to gate on
    return {
      ...base,
      status: 'error',
      score: null,
      exposure: null,
      rating: null,
      passed: false,
      reason: `the policy ${policy.name} weighs none of the checks that apply to this unit: there is nothing to score (systemd-analyze aborts on it)`,
      checks: []
    }
  }
  const invalidExceptions = exceptions.reports.some((e) => e.error !== undefined)
  let suggestion: Suggestion | null = null
  if (score.exposure > options.threshold && options.suggest !== false) {
    const bytes =
      (source.main.bytes?.length ?? 0) +
      source.dropIns.reduce((n, d) => n + (d.bytes?.length ?? 0), 0)
    // the fix engine's planning grows faster than the unit: 20,000 write paths took seconds
    if (bytes > SUGGEST_MAX_BYTES) {
      loaded.diagnostics.push({
        file: source.main.path,
        line: 1,
        severity: 'warning',
        code: 'syntax',
        message: `the unit and its drop-ins hold ${bytes} bytes, more than the ${SUGGEST_MAX_BYTES} the fix engine plans a drop-in for: none is suggested`
      })
    } else {
      suggestion =
        suggestDropIn({
          ...source,
          loaded,
          version: options.version,
          policy,
          exposure: score.exposure,
          threshold: options.threshold,
          exceptions: exceptions.reports,
          toolVersion: options.toolVersion
        }) ?? null
    }
  }
  return {
    ...base,
    status: 'scored',
    // tenths / 10 is the double nearest the printed score, as parsing "9.6" gives
    score: score.exposure / 10,
    exposure: score.exposure,
    rating: score.rating,
    passed: score.exposure <= options.threshold && !invalidExceptions,
    serviceHeader: loaded.serviceHeader,
    checks: score.checks,
    exceptions: exceptions.reports,
    suggestion
  }
}

/** The source with its names expanding %u, %U, %g, %G and %h to the user's. */
function withManagerUser(source: UnitSource, managerUser: ManagerUser): UnitSource {
  const { unit, requestedAs } = source
  return {
    ...source,
    unit: { ...unit, managerUser },
    requestedAs: requestedAs && { ...requestedAs, managerUser }
  }
}

/** A unit the scanner could not read (unreadable, not a file, outside the tree, too large). */
export function errorReport(path: string, unit: string, reason: string): UnitReport {
  return {
    path,
    unit,
    status: 'error',
    score: null,
    exposure: null,
    rating: null,
    passed: false,
    reason,
    dropIns: [],
    checks: [],
    diagnostics: [],
    exceptions: [],
    suggestion: null
  }
}

export interface GateReport {
  schemaVersion: typeof SCHEMA_VERSION
  /** threshold on the printed scale, e.g. 5 */
  threshold: number
  systemdVersion: number
  policy: string
  passed: boolean
  units: UnitReport[]
}

export function gateReport(units: UnitReport[], options: GateOptions): GateReport {
  return {
    schemaVersion: SCHEMA_VERSION,
    threshold: options.threshold / 10,
    systemdVersion: options.version,
    policy: options.policy.name,
    passed: units.every((u) => u.passed),
    units
  }
}
