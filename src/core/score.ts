/**
 * systemd-analyze security's arithmetic, exactly: integer badness per row, rounded-up divisions,
 * exposure in tenths (0..100), ratings by first match. N/A rows leave both sums.
 */
import type { AssessContext, CheckDefinition } from './checks.js'
import { checksFor } from './checks.js'
import type { Policy } from './policy.js'
import type { LoadedService, ServiceSettings, SourceRef } from './service.js'

export interface CheckResult {
  id: string
  name: string
  /** null when not applicable (excluded by policy, runs as root, boot-phase service) */
  badness: number | null
  weight: number
  range: number
  /** per-row exposure as systemd's EXPOSURE column prints it (e.g. 0.2; display only), null when 0 or N/A */
  exposure: number | null
  /** where the deciding directive was set, or the [Service] header */
  file: string
  line: number
  /** true when a directive of this row was set explicitly */
  explicit: boolean
  /** specifics: offending syscall, kept capabilities, value set */
  detail?: string
  /** why the row is N/A */
  skipped?: string
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
  for (let i = 0; i < RATINGS.length; i++) if (exposure >= RATINGS[i]![0]) return RATINGS[i]![1]
  return 'PERFECT'
}

/** Tenths as systemd prints them: 96 → "9.6". */
export function formatExposure(tenths: number): string {
  return `${Math.floor(tenths / 10)}.${tenths % 10}`
}

const divRoundUp = (a: number, b: number): number => Math.floor((a + b - 1) / b)

/** Whether the effective user is root: User=root/0, or no User= without DynamicUser=. */
export function runsPrivileged(service: LoadedService): boolean {
  return settingsRunPrivileged(service.settings)
}

export function settingsRunPrivileged(settings: ServiceSettings): boolean {
  const { user, dynamicUser } = settings
  if (user === 'root' || user === '0') return true
  return !dynamicUser && (user === undefined || user === '')
}

/** One row's share of the two sums ([0, 0] when not applicable): the formula of scoreService. */
export function rowContribution(
  check: CheckDefinition,
  ctx: AssessContext,
  policy: Policy
): readonly [badness: number, weight: number] {
  const override = policy.checks[check.id]
  const weight = override?.weight ?? check.weight
  if (weight === 0 || (check.bootPhaseExempt && !ctx.settings.defaultDependencies)) return NO_ROW
  const verdict = check.assess(ctx)
  if (verdict.na !== undefined) return NO_ROW
  return [divRoundUp(verdict.badness * weight, override?.range ?? check.range), weight]
}

const NO_ROW = [0, 0] as const

/** The weight a row has under a policy (0: excluded). */
export function rowWeight(check: CheckDefinition, policy: Policy): number {
  return policy.checks[check.id]?.weight ?? check.weight
}

/** A row's badness, undefined when it does not apply (N/A, or a boot-phase service it exempts). */
export function rowBadness(check: CheckDefinition, ctx: AssessContext): number | undefined {
  if (check.bootPhaseExempt && !ctx.settings.defaultDependencies) return undefined
  const verdict = check.assess(ctx)
  return verdict.na === undefined ? verdict.badness : undefined
}

/** ceil(badness * weight / range) of a row, or -1 when it is not applicable (weight must be > 0). */
export function rowBadnessShare(
  check: CheckDefinition,
  ctx: AssessContext,
  policy: Policy,
  weight: number
): number {
  const badness = rowBadness(check, ctx)
  if (badness === undefined) return -1
  return divRoundUp(badness * weight, policy.checks[check.id]?.range ?? check.range)
}

/** exposure (tenths) from the two sums */
export function exposureOfSums(badnessSum: number, weightSum: number): number {
  return weightSum === 0 ? 0 : divRoundUp(badnessSum * 100, weightSum)
}

/**
 * The overall exposure (tenths) of final settings, nothing else: the fix engine's check of its
 * result. Same rows, weights and arithmetic as scoreService.
 */
export function exposureOfSettings(
  settings: ServiceSettings,
  version: number,
  policy: Policy,
  options: { fine?: boolean } = {}
): number {
  const ctx: AssessContext = { settings, version, runsPrivileged: settingsRunPrivileged(settings) }
  let weightSum = 0
  let badnessSum = 0
  for (const check of checksFor(version)) {
    const [badness, weight] = rowContribution(check, ctx, policy)
    badnessSum += badness
    weightSum += weight
  }
  if (options.fine) return weightSum === 0 ? 0 : (badnessSum * 100) / weightSum
  return exposureOfSums(badnessSum, weightSum)
}

function contextOf(service: LoadedService, version: number): AssessContext {
  return { settings: service.settings, version, runsPrivileged: runsPrivileged(service) }
}

/** A row of the report; one shape for every row (unset fields are undefined, which JSON leaves out). */
function checkRow(
  check: CheckDefinition,
  values: Pick<CheckResult, 'badness' | 'weight' | 'range' | 'exposure' | 'skipped' | 'detail'>,
  source: SourceRef | undefined,
  header: SourceRef
): CheckResult {
  const at = source ?? header
  return {
    id: check.id,
    name: check.name,
    badness: values.badness,
    weight: values.weight,
    range: values.range,
    exposure: values.exposure,
    file: at.file,
    line: at.line,
    explicit: source !== undefined,
    skipped: values.skipped,
    detail: values.detail
  }
}

/** A row's exposure in tenths, as systemd's EXPOSURE column rounds it (badness > 0). */
function rowExposureTenths(
  badness: number,
  weight: number,
  range: number,
  weightSum: number
): number {
  return divRoundUp(divRoundUp(badness * weight * 100, range), weightSum)
}

/**
 * Adds `item` to `top`, which keeps the `count` best items, best first; an item only passes those
 * it is strictly better than, so equal ones keep their order of arrival.
 */
export function keepBest<T>(
  top: T[],
  item: T,
  count: number,
  better: (a: T, b: T) => boolean
): void {
  if (count <= 0 || (top.length === count && !better(item, top[count - 1]!))) return
  // an insertion by hand: splice() would allocate an array of the removed items on every call
  let at = top.length === count ? count - 1 : top.length
  while (at > 0 && better(item, top[at - 1]!)) {
    top[at] = top[at - 1]!
    at--
  }
  top[at] = item
}

/** Sorts a few numbers ascending in place (sort() allocates a work array on every call). */
function sortSmall(values: number[]): void {
  for (let i = 1; i < values.length; i++) {
    const value = values[i]!
    let at = i
    while (at > 0 && values[at - 1]! > value) {
      values[at] = values[at - 1]!
      at--
    }
    values[at] = value
  }
}

/** Where each row's deciding directive was set (the file ranks are only built when needed). */
function sourceFinder(service: LoadedService): (check: CheckDefinition) => SourceRef | undefined {
  let fileRank: Map<string, number> | undefined
  const ranks = (): Map<string, number> =>
    (fileRank ??= new Map(service.files.map((file, index) => [file, index])))
  return (check) => sourceOf(check, service, ranks)
}

function sourceOf(
  check: CheckDefinition,
  service: LoadedService,
  ranks: () => Map<string, number>
): SourceRef | undefined {
  if (check.directives.length === 1) return service.sources.get(check.directives[0]!)
  let best: SourceRef | undefined
  let bestRank = -1
  for (const key of check.directives) {
    const ref = service.sources.get(key)
    if (!ref) continue
    const rank = (ranks().get(ref.file) ?? 0) * 1e9 + ref.line
    if (rank > bestRank) {
      best = ref
      bestRank = rank
    }
  }
  return best
}

/** Assesses every row for the target version and computes the overall exposure. */
interface CompiledPolicy {
  weights: number[]
  ranges: number[]
  reasons: Array<string | undefined>
  /** each row's assess(), and whether DefaultDependencies=no exempts it: read from arrays, since the
   * 81 row objects have several shapes and a lookup on them in the scoring loop is megamorphic */
  assessors: Array<CheckDefinition['assess']>
  bootPhaseExempt: boolean[]
}

const compiledPolicies = new WeakMap<Policy, Map<number, CompiledPolicy>>()

/** Effective weight and range of every row for one policy and version, computed once. */
function compile(
  policy: Policy,
  version: number,
  checks: readonly CheckDefinition[]
): CompiledPolicy {
  let byVersion = compiledPolicies.get(policy)
  if (!byVersion) {
    byVersion = new Map()
    compiledPolicies.set(policy, byVersion)
  }
  let compiled = byVersion.get(version)
  if (!compiled) {
    const overrides = checks.map((check) => policy.checks[check.id])
    compiled = {
      weights: checks.map((check, i) => overrides[i]?.weight ?? check.weight),
      ranges: checks.map((check, i) => overrides[i]?.range ?? check.range),
      reasons: overrides.map((override) => override?.reason),
      assessors: checks.map((check) => check.assess),
      bootPhaseExempt: checks.map((check) => check.bootPhaseExempt === true)
    }
    byVersion.set(version, compiled)
  }
  return compiled
}

/**
 * Whether a policy scores a version's checks with weights or ranges other than systemd's own (a
 * plain `systemd-analyze security` then prints another number: it needs --security-policy).
 */
export function policyRescores(policy: Policy, version: number): boolean {
  const table = checksFor(version)
  const { weights, ranges } = compile(policy, version, table)
  return table.some((check, i) => weights[i] !== check.weight || ranges[i] !== check.range)
}

export function scoreService(
  service: LoadedService,
  version: number,
  policy: Policy,
  options: {
    keepPassing?: boolean
    /** keep only the rows of the `costliest` highest exposures (the text report's view) */
    costliest?: number
  } = {}
): Score {
  if (options.costliest !== undefined)
    return scoreCostliest(service, version, policy, options.costliest)
  const keepPassing = options.keepPassing ?? true
  const ctx = contextOf(service, version)
  const sourceFor = sourceFinder(service)
  const header = service.serviceHeader
  const table = checksFor(version)
  const { weights, ranges, reasons, assessors, bootPhaseExempt } = compile(policy, version, table)
  const bootPhase = !service.settings.defaultDependencies
  const checks: CheckResult[] = []
  let weightSum = 0
  let badnessSum = 0
  for (let i = 0; i < table.length; i++) {
    const check = table[i]!
    const weight = weights[i]!
    const range = ranges[i]!
    let skipped: string | undefined
    let badness: number | null = null
    let detail: string | undefined
    if (bootPhaseExempt[i] && bootPhase) {
      skipped = 'DefaultDependencies=no: special boot-phase service'
    } else if (weight === 0) {
      skipped = reasons[i] ?? 'excluded by policy'
    } else {
      const verdict = assessors[i]!(ctx)
      if (verdict.na !== undefined) skipped = verdict.na
      else {
        badness = verdict.badness
        detail = verdict.detail
        badnessSum += divRoundUp(badness * weight, range)
        weightSum += weight
      }
    }
    // Rows at badness 0 are only built when asked for: on large trees they are most of the work.
    if (badness === 0 && !keepPassing) continue
    checks.push(
      checkRow(
        check,
        { badness, weight, range, exposure: null, skipped, detail },
        sourceFor(check),
        header
      )
    )
  }
  const exposure = weightSum === 0 ? 0 : divRoundUp(badnessSum * 100, weightSum)
  for (const row of checks) {
    if (row.badness !== null && row.badness > 0) {
      row.exposure = rowExposureTenths(row.badness, row.weight, row.range, weightSum) / 10
    }
  }
  return { exposure, rating: ratingOf(exposure), weightSum, badnessSum, checks }
}

const MAX_ROWS = 256
const scratch = {
  costly: new Int32Array(MAX_ROWS),
  badnesses: new Int32Array(MAX_ROWS),
  rowExposure: new Int32Array(MAX_ROWS),
  details: new Array<string | undefined>(MAX_ROWS).fill(undefined)
}

/**
 * scoreService for a view that shows only the `count` costliest rows: the same sums and exposure,
 * but row objects only for those rows (in table order), not for every costly one.
 */
function scoreCostliest(
  service: LoadedService,
  version: number,
  policy: Policy,
  count: number
): Score {
  const ctx = contextOf(service, version)
  const table = checksFor(version)
  const { weights, ranges, assessors, bootPhaseExempt } = compile(policy, version, table)
  const bootPhase = !service.settings.defaultDependencies
  // Scratch rows, reused from unit to unit (scoring never re-enters itself): nothing per row.
  const { costly, badnesses, details, rowExposure } = scratch
  let costlyCount = 0
  let weightSum = 0
  let badnessSum = 0
  for (let i = 0; i < table.length; i++) {
    const weight = weights[i]!
    if ((bootPhaseExempt[i] && bootPhase) || weight === 0) continue
    const verdict = assessors[i]!(ctx)
    if (verdict.na !== undefined) continue
    badnessSum += divRoundUp(verdict.badness * weight, ranges[i]!)
    weightSum += weight
    if (verdict.badness > 0) {
      costly[costlyCount++] = i
      badnesses[i] = verdict.badness
      details[i] = verdict.detail
    }
  }
  const exposure = weightSum === 0 ? 0 : divRoundUp(badnessSum * 100, weightSum)
  // per-row exposure in tenths, as scoreService computes it, and the `count` rows costing most
  for (let k = 0; k < costlyCount; k++) {
    const i = costly[k]!
    rowExposure[i] = rowExposureTenths(badnesses[i]!, weights[i]!, ranges[i]!, weightSum)
  }
  // higher exposure, then higher weight, then earlier in the table (the text report's order)
  const costsMore = (a: number, b: number): boolean =>
    rowExposure[a]! > rowExposure[b]! ||
    (rowExposure[a] === rowExposure[b] && weights[a]! > weights[b]!)
  const top: number[] = []
  for (let k = 0; k < costlyCount; k++) keepBest(top, costly[k]!, count, costsMore)
  sortSmall(top)
  const sourceFor = sourceFinder(service)
  const checks = top.map((i) =>
    checkRow(
      table[i]!,
      {
        badness: badnesses[i]!,
        weight: weights[i]!,
        range: ranges[i]!,
        exposure: rowExposure[i]! / 10,
        skipped: undefined,
        detail: details[i]
      },
      sourceFor(table[i]!),
      service.serviceHeader
    )
  )
  return { exposure, rating: ratingOf(exposure), weightSum, badnessSum, checks }
}
