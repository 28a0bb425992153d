/**
 * The verdict (pure): which gated units fail under `fail-on`, how each compares with the base, and
 * which checks cost the most, with the exact score fixing them would give (systemd's formula).
 */
import type { CheckReport, UnitReport } from '../core/report.js'
import type { FailOn } from './inputs.js'

/** How a unit compares with its version at the base. */
export type BaseChange =
  /** no base commit to compare with */
  | 'unknown'
  /** no such unit file at the base */
  | 'new'
  | 'worse'
  | 'better'
  | 'same'

export interface Outcome {
  unit: UnitReport
  /** the unit at the base: undefined when there is no base, null when the base did not have it */
  base?: UnitReport | null
  change: BaseChange
  /** fails the criterion: the threshold, or for `regression` a new unit above it or a worse score */
  failed: boolean
  /** one line: why it fails or passes */
  reason: string
  /** why the unit was gated (changed file, drop-in ...), when selected by a change */
  gatedBecause?: string[]
}

/** Tenths on the printed scale: 96 → "9.6". */
export const tenths = (value: number): string => (value / 10).toFixed(1)

/** Orders states for the regression gate: masked (cannot run) < any score < does not load (but see compareWithBase). */
function rank(unit: UnitReport): number {
  if (unit.status === 'masked') return -1
  if (unit.status === 'scored') return unit.exposure ?? 0
  return 1000
}

/** Of two results at the base, the one `unit` compares worse with (the first when neither or both). */
export function stricterBase(
  unit: UnitReport,
  first: UnitReport | null | undefined,
  second: UnitReport | null
): UnitReport | null | undefined {
  return compareWithBase(unit, second) === 'worse' && compareWithBase(unit, first) !== 'worse'
    ? second
    : first
}

export function compareWithBase(unit: UnitReport, base: UnitReport | null | undefined): BaseChange {
  if (base === undefined) return 'unknown'
  if (base === null) return 'new'
  // a unit that could not load at the base (systemd refused it, the gate could not read it) could
  // not run: loading now above the threshold is worse, however "does not load" ranks
  const loadedNow = unit.status === 'scored' || unit.status === 'masked'
  if ((base.status === 'invalid' || base.status === 'error') && loadedNow && !unit.passed) {
    return 'worse'
  }
  // the gate cannot read it now (too large, unreadable ...), where it could before: nothing vouches
  if (unit.status === 'error' && base.status !== 'error') return 'worse'
  const now = rank(unit)
  const before = rank(base)
  return now > before ? 'worse' : now < before ? 'better' : 'same'
}

/** "9.6 UNSAFE", "masked", "invalid" */
export function describeScore(unit: UnitReport): string {
  return unit.status === 'scored' ? `${unit.score!.toFixed(1)} ${unit.rating}` : unit.status
}

export function judge(
  units: readonly UnitReport[],
  bases: ReadonlyMap<string, UnitReport | null> | undefined,
  failOn: FailOn,
  threshold: number,
  gatedBecause: ReadonlyMap<string, { reasons: string[] }> = new Map()
): Outcome[] {
  const limit = tenths(threshold)
  return units.map((unit) => {
    const base = bases ? (bases.get(unit.path) ?? null) : undefined
    const change = compareWithBase(unit, base)
    const above = !unit.passed
    const notLoaded = unit.status === 'invalid' || unit.status === 'error'
    let failed: boolean
    let reason: string
    if (failOn === 'regression' && change !== 'unknown' && change !== 'new') {
      failed = change === 'worse'
      reason =
        change === 'worse'
          ? `worse than the base: ${describeScore(base!)} → ${describeScore(unit)}`
          : above
            ? `${notLoaded ? 'does not load' : `above ${limit}`} but not worse than the base (${describeScore(base!)})`
            : `${change === 'better' ? 'better than' : 'same as'} the base`
    } else {
      failed = above
      const fresh = failOn === 'regression' && change === 'new' ? 'new unit ' : ''
      reason = above
        ? notLoaded
          ? `${fresh}${unit.status === 'invalid' ? 'does not load' : 'cannot be read'}: ${unit.reason ?? ''}`
          : `${fresh}above the threshold ${limit}`
        : unit.status === 'masked'
          ? 'masked: systemd will not start it'
          : `at or below the threshold ${limit}`
    }
    const because = gatedBecause.get(unit.path)?.reasons
    return { unit, base, change, failed, reason, ...(because ? { gatedBecause: because } : {}) }
  })
}

/** Most severe first: failing before passing, units that do not load first, then by score, then path. */
export function bySeverity(a: Outcome, b: Outcome): number {
  const key = (o: Outcome): number =>
    (o.failed ? 0 : 2000) +
    (o.unit.status === 'scored'
      ? 1000 - (o.unit.exposure ?? 0)
      : o.unit.status === 'masked'
        ? 1500
        : 0)
  return key(a) - key(b) || (a.unit.path < b.unit.path ? -1 : a.unit.path > b.unit.path ? 1 : 0)
}

// ---- costs and fixes -------------------------------------------------------------------------

export interface Cost {
  check: CheckReport
  /** this row's term of systemd's badness sum: ceil(badness × weight / range) */
  points: number
}

const divRoundUp = (a: number, b: number): number => Math.floor((a + b - 1) / b)

export const pointsOf = (check: CheckReport): number =>
  check.badness !== null && check.badness > 0
    ? divRoundUp(check.badness * check.weight, check.range)
    : 0

/** Rows that cost exposure, costliest first (ties: heavier weight, then table order). */
export function costliest(unit: UnitReport): Cost[] {
  return unit.checks
    .map((check, index) => ({ check, points: pointsOf(check), index }))
    .filter((c) => c.points > 0)
    .sort((a, b) => b.points - a.points || b.check.weight - a.check.weight || a.index - b.index)
    .map(({ check, points }) => ({ check, points }))
}

export interface FixPlan {
  /** the costliest rows (up to the count asked for) */
  top: Cost[]
  /** the exposure (tenths) with those rows fixed */
  afterTop: number
  /** the fewest costliest rows that bring the unit to the threshold, when any do */
  toPass?: { count: number; exposure: number }
}

/**
 * Exact savings: systemd's exposure is ceil(100 × Σ points / Σ weight) over the applicable rows, so
 * fixing rows removes their points and keeps the weights. Needs every applicable row (reports made
 * with keepPassingChecks); undefined when the rows do not reproduce the unit's exposure.
 */
export function fixPlan(unit: UnitReport, threshold: number, count = 3): FixPlan | undefined {
  if (unit.status !== 'scored' || unit.exposure === null) return undefined
  let weights = 0
  let points = 0
  for (const check of unit.checks) {
    if (check.badness === null) continue
    weights += check.weight
    points += pointsOf(check)
  }
  const exposureWith = (sum: number): number => (weights === 0 ? 0 : divRoundUp(sum * 100, weights))
  if (exposureWith(points) !== unit.exposure) return undefined
  const costs = costliest(unit)
  const top = costs.slice(0, count)
  const afterTop = exposureWith(points - top.reduce((s, c) => s + c.points, 0))
  let remaining = points
  let toPass: FixPlan['toPass']
  if (exposureWith(remaining) > threshold) {
    for (let i = 0; i < costs.length; i++) {
      remaining -= costs[i]!.points
      const exposure = exposureWith(remaining)
      if (exposure <= threshold) {
        toPass = { count: i + 1, exposure }
        break
      }
    }
  }
  return { top, afterTop, ...(toPass ? { toPass } : {}) }
}

/** Rows whose cost grew since the base, largest growth first. */
export function worsenedChecks(
  unit: UnitReport,
  base: UnitReport
): Array<Cost & { before: number }> {
  const before = new Map(base.checks.map((c) => [c.id, pointsOf(c)]))
  return unit.checks
    .map((check) => ({ check, points: pointsOf(check), before: before.get(check.id) ?? 0 }))
    .filter((c) => c.points > c.before)
    .sort((a, b) => b.points - b.before - (a.points - a.before))
}

/** The fix engine's suggestion, when it provides one: `{ path, dropIn, score }`. */
export interface Suggestion {
  path: string
  dropIn: string
  score?: number
}

export function suggestionOf(unit: UnitReport): Suggestion | undefined {
  const s = unit.suggestion as Record<string, unknown> | null | undefined
  if (!s || typeof s !== 'object') return undefined
  if (typeof s.path !== 'string' || typeof s.dropIn !== 'string') return undefined
  return {
    path: s.path,
    dropIn: s.dropIn,
    ...(typeof s.score === 'number' ? { score: s.score } : {})
  }
}
