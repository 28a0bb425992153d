/**
 * The report: one entry per unit, the JSON interface of the CLI (schemaVersion 1) and the input of
 * every renderer and GitHub adapter.
 */
import type { Policy } from './policy.js'
import type { CheckResult } from './score.js'
import { formatExposure, scoreService } from './score.js'
import type { Diagnostic, SourceRef, UnitFileInput } from './service.js'
import { loadService } from './service.js'
import type { UnitName } from './specifiers.js'

export const SCHEMA_VERSION = 1

export type UnitStatus = 'scored' | 'masked' | 'invalid' | 'error'

/** One row of a unit's assessment (all rows, in systemd's table order). */
export type CheckReport = CheckResult

export interface UnitReport {
  /** POSIX path of the unit file, relative to the working directory */
  path: string
  /** unit name as analysed (templates as an instance) */
  unit: string
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
  /** filled by the fix engine */
  suggestion: null | Record<string, unknown>
}

export interface GateOptions {
  /** keep rows at badness 0 in each report (default true; large scans save memory without them) */
  keepPassingChecks?: boolean
  /** target systemd version */
  version: number
  policy: Policy
  /** a unit fails when its exposure (tenths) is above this */
  threshold: number
}

export interface UnitSource {
  unit: UnitName
  main: UnitFileInput
  dropIns: UnitFileInput[]
}

/** Loads, scores and judges one unit. Pure: the caller supplies the file contents. */
export function analyzeUnit(source: UnitSource, options: GateOptions): UnitReport {
  const loaded = loadService({ ...source, version: options.version })
  const base = {
    path: source.main.path,
    unit: source.unit.name,
    dropIns: source.dropIns.map((d) => d.path),
    diagnostics: loaded.diagnostics,
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
  const score = scoreService(loaded, options.version, options.policy, {
    keepPassing: options.keepPassingChecks ?? true
  })
  return {
    ...base,
    status: 'scored',
    score: Number(formatExposure(score.exposure)),
    exposure: score.exposure,
    rating: score.rating,
    passed: score.exposure <= options.threshold,
    serviceHeader: loaded.serviceHeader,
    checks: score.checks
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
