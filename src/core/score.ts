/**
 * systemd-analyze security's arithmetic, exactly: integer badness per row, rounded-up divisions,
 * exposure in tenths (0..100), ratings by first match. N/A rows leave both sums.
 */
import type { AssessContext, CheckDefinition } from './checks.js'
import { checksFor } from './checks.js'
import type { Policy } from './policy.js'
import type { LoadedService, SourceRef } from './service.js'

export interface CheckResult {
  id: string
  name: string
  weight: number
  range: number
  /** null when not applicable (excluded by policy, runs as root, boot-phase service) */
  badness: number | null
  /** why the row is N/A */
  skipped?: string
  /** per-row exposure in tenths, as systemd's EXPOSURE column (display only) */
  exposure: number | null
  /** specifics: offending syscall, kept capabilities, value set */
  detail?: string
  /** where the deciding directive was set, or the [Service] header */
  source: SourceRef
  /** true when a directive of this row was set explicitly */
  explicit: boolean
}

export interface Score {
  /** overall exposure in tenths: 96 = "9.6" */
  exposure: number
  rating: Rating
  weightSum: number
  badnessSum: number
  checks: CheckResult[]
}

export type Rating = 'PERFECT' | 'SAFE' | 'OK' | 'MEDIUM' | 'EXPOSED' | 'UNSAFE' | 'DANGEROUS'

const RATINGS: ReadonlyArray<[number, Rating]> = [
  [100, 'DANGEROUS'],
  [90, 'UNSAFE'],
  [75, 'EXPOSED'],
  [50, 'MEDIUM'],
  [10, 'OK'],
  [1, 'SAFE'],
  [0, 'PERFECT']
]

export function ratingOf(exposure: number): Rating {
  for (const [min, rating] of RATINGS) if (exposure >= min) return rating
  return 'PERFECT'
}

/** Tenths as systemd prints them: 96 → "9.6". */
export function formatExposure(tenths: number): string {
  return `${Math.floor(tenths / 10)}.${tenths % 10}`
}

const divRoundUp = (a: number, b: number): number => Math.floor((a + b - 1) / b)

/** Whether the effective user is root: User=root/0, or no User= without DynamicUser=. */
export function runsPrivileged(service: LoadedService): boolean {
  const { user, dynamicUser } = service.settings
  if (user === 'root' || user === '0') return true
  return !dynamicUser && (user === undefined || user === '')
}

function sourceOf(check: CheckDefinition, service: LoadedService): { source: SourceRef; explicit: boolean } {
  let best: SourceRef | undefined
  let bestRank = -1
  const files = new Map<string, number>()
  const rank = (ref: SourceRef): number => {
    if (!files.has(ref.file)) files.set(ref.file, files.size)
    return files.get(ref.file)! * 1e9 + ref.line
  }
  for (const key of check.directives) {
    const ref = service.sources[key]
    if (!ref) continue
    const r = rank(ref)
    if (r > bestRank) {
      best = ref
      bestRank = r
    }
  }
  return best ? { source: best, explicit: true } : { source: service.serviceHeader, explicit: false }
}

/** Assesses every row for the target version and computes the overall exposure. */
export function scoreService(service: LoadedService, version: number, policy: Policy): Score {
  const ctx: AssessContext = {
    settings: service.settings,
    version,
    runsPrivileged: runsPrivileged(service)
  }
  const rows: Array<Omit<CheckResult, 'exposure'>> = []
  let weightSum = 0
  let badnessSum = 0
  for (const check of checksFor(version)) {
    const override = policy.checks[check.id]
    const weight = override?.weight ?? check.weight
    const range = override?.range ?? check.range
    const { source, explicit } = sourceOf(check, service)
    const base = { id: check.id, name: check.name, weight, range, source, explicit }
    if (check.bootPhaseExempt && !service.settings.defaultDependencies) {
      rows.push({ ...base, badness: null, skipped: 'DefaultDependencies=no: special boot-phase service' })
      continue
    }
    if (weight === 0) {
      rows.push({ ...base, badness: null, skipped: override?.reason ?? 'excluded by policy' })
      continue
    }
    const verdict = check.assess(ctx)
    if ('na' in verdict) {
      rows.push({ ...base, badness: null, skipped: verdict.na })
      continue
    }
    badnessSum += divRoundUp(verdict.badness * weight, range)
    weightSum += weight
    rows.push({ ...base, badness: verdict.badness, detail: verdict.detail })
  }
  const exposure = weightSum === 0 ? 0 : divRoundUp(badnessSum * 100, weightSum)
  const checks = rows.map((row) => ({
    ...row,
    exposure:
      row.badness === null || row.badness === 0 || weightSum === 0
        ? null
        : divRoundUp(divRoundUp(row.badness * row.weight * 100, row.range), weightSum)
  }))
  return { exposure, rating: ratingOf(exposure), weightSum, badnessSum, checks }
}
