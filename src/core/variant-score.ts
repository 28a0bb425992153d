/**
 * Scores many variants of one service cheaply: a variant is the unit's raw settings with a few
 * fields replaced (the fix engine's candidates). Only the rows that read a field whose final value
 * (after the implied settings) changes are assessed again; the others keep their contribution to
 * the sums. Rows that read a single field are scored as a group whose sums are remembered per value
 * of that field, and the tables (rows by field, weights) are compiled once per policy, version and
 * DefaultDependencies=: both serve every unit. Same formula as scoreService (rowContribution);
 * __tests__/suggest-engine.test.ts checks the result against a full scoring on every variant it
 * tries.
 */
import type { AssessContext, CheckDefinition } from './checks.js'
import { checksFor } from './checks.js'
import type { Policy } from './policy.js'
import { exposureOfSums, rowBadnessShare, rowWeight, settingsRunPrivileged } from './score.js'
import type { ServiceSettings } from './service.js'
import { REFUSAL_ONLY_FIELDS } from './refusal.js'
import { applyImpliedSettings, IMPLIED_SETTINGS_KEYS, initialSettings } from './service.js'
import type { UnitName } from './specifiers.js'

type Field = keyof ServiceSettings

/** A variant's difference from the base: fields and their new raw (pre-implied) values. */
export interface Patch {
  fields: Field[]
  values: unknown[]
  /** filled by the scorer: the fields' numbers (fieldId) */
  ids?: readonly number[]
}

/** Fields no patch holds: 'recorded' (only copied on) and those only the refusal checks read. */
export function isUnscoredField(field: string): boolean {
  return field === 'recorded' || REFUSAL_ONLY_FIELDS.has(field)
}

/** The patch an object made with Object.create(base) collected: its own properties. */
export function patchFrom(changed: object, base: ServiceSettings): Patch {
  const fields: Field[] = []
  const values: unknown[] = []
  for (const key of Object.keys(changed) as Field[]) {
    if (isUnscoredField(key)) continue
    const value = (changed as Record<string, unknown>)[key]
    if (value === base[key]) continue
    fields.push(key)
    values.push(value)
  }
  return { fields, values }
}

const PRIVILEGE: Field[] = ['user', 'dynamicUser']

/** The settings fields a row reads. An unknown row reads everything (always assessed again). */
export function rowFields(check: CheckDefinition): readonly Field[] | undefined {
  const id = check.id
  if (id === 'UserOrDynamicUser') return PRIVILEGE
  if (id === 'SupplementaryGroups') return ['supplementaryGroups', ...PRIVILEGE]
  if (id === 'RemoveIPC') return ['removeIPC', ...PRIVILEGE]
  if (id === 'RootDirectoryOrRootImage') return ['rootDirectory', 'rootImage']
  if (id.startsWith('CapabilityBoundingSet_')) return ['capabilityBoundingSet']
  if (id === 'AmbientCapabilities') return ['ambientCapabilities']
  if (id === 'UMask') return ['umask']
  if (id.startsWith('RestrictNamespaces_')) return ['restrictNamespaces']
  if (id.startsWith('RestrictAddressFamilies_')) return ['addressFamilies']
  if (id === 'SystemCallArchitectures') return ['syscallArchitectures']
  if (id.startsWith('SystemCallFilter_')) return ['syscallFilter']
  if (id === 'IPAddressDeny')
    return ['ipAddressDeny', 'ipAddressAllow', 'ipIngressFilterPath', 'ipEgressFilterPath']
  if (id === 'DeviceAllow') {
    return [
      'devicePolicy',
      'deviceAllow',
      'rootImage',
      'rootMStack',
      'mountImages',
      'protectClock',
      'loadCredentials',
      'setCredentials'
    ]
  }
  // the rest read the field named like the row: ProtectHome -> protectHome, RestrictSUIDSGID -> ...
  const field = `${id[0]!.toLowerCase()}${id.slice(1)}`
  return Object.hasOwn(SETTINGS_FIELDS, field) ? [field as Field] : undefined
}

const SETTINGS_FIELDS: Readonly<Record<string, unknown>> = {
  ...initialSettings(),
  user: undefined,
  group: undefined,
  rootDirectory: undefined,
  rootImage: undefined,
  notifyAccess: undefined,
  syscallFilter: undefined
}

/**
 * Every settings object a scorer assesses has the same fields in the same order (the ones settings
 * may have at all first), so that the rows' property reads see one shape whatever the unit set.
 */
const SHAPE: Readonly<Record<string, undefined>> = Object.fromEntries(
  Object.keys({ ...SETTINGS_FIELDS, type: 0, busName: 0, pamName: 0 }).map((key) => [
    key,
    undefined
  ])
)

/** A copy with SHAPE's fields first (the settings a scorer makes are plain objects). */
function shapedCopy(settings: ServiceSettings): Record<string, unknown> {
  return Object.assign({ ...SHAPE }, settings)
}

/**
 * A shallow copy of plain settings with one shape whatever order their fields were set in: code
 * that reads many fields by name (the fix engine) stays fast and is optimized early.
 */
export function shapedSettings(settings: ServiceSettings): ServiceSettings {
  return shapedCopy(settings) as unknown as ServiceSettings
}

/** What applyImpliedSettings reads: when one of these changes, its outputs may change too. */
const IMPLIED_INPUTS = new Set<Field>([
  'dynamicUser',
  'user',
  'privateDevices',
  'protectKernelModules',
  'protectKernelLogs',
  'protectClock',
  'devicePolicy',
  ...IMPLIED_SETTINGS_KEYS
])

// Fields by number: the implied settings' keys first (0 .. IMPLIED_COUNT - 1), then the others as
// patches name them.
const IMPLIED_COUNT = IMPLIED_SETTINGS_KEYS.length
const IMPLIED_KEYS: ReadonlySet<Field> = new Set(IMPLIED_SETTINGS_KEYS)
const FIELD_NAMES: Field[] = [...IMPLIED_SETTINGS_KEYS]
const FIELD_IDS = new Map<Field, number>(FIELD_NAMES.map((field, id) => [field, id]))
const IS_IMPLIED_INPUT: boolean[] = FIELD_NAMES.map((field) => IMPLIED_INPUTS.has(field))

function fieldId(field: Field): number {
  let id = FIELD_IDS.get(field)
  if (id === undefined) {
    id = FIELD_NAMES.length
    FIELD_NAMES.push(field)
    FIELD_IDS.set(field, id)
    IS_IMPLIED_INPUT.push(IMPLIED_INPUTS.has(field))
  }
  return id
}

function idsOf(patch: Patch): readonly number[] {
  if (patch.ids === undefined) patch.ids = patch.fields.map(fieldId)
  return patch.ids
}

/**
 * Rows that read one field only score what that field's final value says: they are scored as a
 * group, and the group's sums are remembered per value for every unit with the same tables (objects
 * by identity: settings values are never changed in place once made, see copySettings).
 */
interface Group {
  field: Field
  rows: number[]
  byValue: Map<unknown, Sums>
  byObject: WeakMap<object, Sums>
}

interface Sums {
  badness: number
  weight: number
}

const MAX_GROUP_VALUES = 4096

/** What a scorer needs that depends on the version, the weights and DefaultDependencies= only. */
interface Tables {
  checks: readonly CheckDefinition[]
  /** per row: its weight under the policy (0: excluded) */
  weights: number[]
  groups: Group[]
  /** by field: its group's index (-1: none) and the other rows that read it */
  groupByField: Map<Field, number>
  rowsByField: Map<Field, number[]>
  /** the same by field number, filled on first use */
  groupById: number[]
  rowsById: Array<readonly number[] | undefined>
  /** rows scored one by one (reading several fields, or fields rowFields() does not know) */
  singleRows: number[]
  /** rows that read fields rowFields() does not know: always assessed */
  alwaysRows: number[]
  /** by field: the fields the rows that read it read */
  readsByField: Map<Field, readonly Field[]>
}

const NO_ROWS: readonly number[] = []

/** Tables by the policy's checks object, then by version and DefaultDependencies=. */
const TABLES = new WeakMap<object, Map<number, Tables>>()

function tablesFor(version: number, policy: Policy, defaultDependencies: boolean): Tables {
  let byVersion = TABLES.get(policy.checks)
  if (byVersion === undefined) {
    byVersion = new Map()
    TABLES.set(policy.checks, byVersion)
  }
  const key = defaultDependencies ? version : -version
  let tables = byVersion.get(key)
  if (tables === undefined) {
    const checks = checksFor(version)
    const weights = checks.map((check) => rowWeight(check, policy))
    const groups: Group[] = []
    const groupByField = new Map<Field, number>()
    const rowsByField = new Map<Field, number[]>()
    const singleRows: number[] = []
    const alwaysRows: number[] = []
    checks.forEach((check, index) => {
      // rows that never count (excluded, or N/A for a boot-phase service) are never assessed
      if (weights[index] === 0) return
      if (check.bootPhaseExempt && !defaultDependencies) return
      const fields = rowFields(check)
      if (fields === undefined) {
        singleRows.push(index)
        alwaysRows.push(index)
        return
      }
      if (fields.length === 1) {
        const field = fields[0]!
        let group = groupByField.get(field)
        if (group === undefined) {
          group = groups.length
          groups.push({ field, rows: [], byValue: new Map(), byObject: new WeakMap() })
          groupByField.set(field, group)
        }
        groups[group]!.rows.push(index)
        return
      }
      singleRows.push(index)
      for (const field of fields) {
        const rows = rowsByField.get(field) ?? []
        rows.push(index)
        rowsByField.set(field, rows)
      }
    })
    tables = {
      checks,
      weights,
      groups,
      groupByField,
      rowsByField,
      groupById: [],
      rowsById: [],
      singleRows,
      alwaysRows,
      readsByField: new Map()
    }
    byVersion.set(key, tables)
  }
  return tables
}

function rowsOf(tables: Tables, id: number): readonly number[] {
  let rows = tables.rowsById[id]
  if (rows === undefined) {
    rows = tables.rowsByField.get(FIELD_NAMES[id]!) ?? NO_ROWS
    tables.rowsById[id] = rows
  }
  return rows
}

/** The fields read by the rows that read `field` (memoized in the tables). */
function readsOf(tables: Tables, field: Field): readonly Field[] {
  let reads = tables.readsByField.get(field)
  if (reads === undefined) {
    const set = new Set<Field>()
    if (tables.groupByField.has(field)) set.add(field)
    for (const row of tables.rowsByField.get(field) ?? [])
      for (const read of rowFields(tables.checks[row]!) ?? []) set.add(read)
    reads = [...set]
    tables.readsByField.set(field, reads)
  }
  return reads
}

function groupOf(tables: Tables, id: number): number {
  let group = tables.groupById[id]
  if (group === undefined) {
    group = tables.groupByField.get(FIELD_NAMES[id]!) ?? -1
    tables.groupById[id] = group
  }
  return group
}

/** A group's sums for the final settings. */
function groupSums(group: Group, ctx: AssessContext, policy: Policy, tables: Tables): Sums {
  const value = ctx.settings[group.field] as unknown
  const isObject = typeof value === 'object' && value !== null
  let sums = isObject ? group.byObject.get(value) : group.byValue.get(value)
  if (sums !== undefined) return sums
  let badness = 0
  let weight = 0
  for (const index of group.rows) {
    const rowWeight = tables.weights[index]!
    const share = rowBadnessShare(tables.checks[index]!, ctx, policy, rowWeight)
    if (share < 0) continue
    badness += share
    weight += rowWeight
  }
  sums = { badness, weight }
  if (isObject) group.byObject.set(value, sums)
  else {
    if (group.byValue.size >= MAX_GROUP_VALUES) group.byValue.clear()
    group.byValue.set(value, sums)
  }
  return sums
}

/** IMPLIED_SETTINGS_KEYS as readImplied and writeImplied name them (the loops serve any other list) */
const NAMED_IMPLIED_KEYS: readonly string[] = [
  'user',
  'privateTmp',
  'removeIPC',
  'protectSystem',
  'protectHome',
  'noNewPrivileges',
  'restrictSUIDSGID',
  'capabilityBoundingSet',
  'devicePolicy'
]
const NAMED =
  IMPLIED_SETTINGS_KEYS.length === NAMED_IMPLIED_KEYS.length &&
  IMPLIED_SETTINGS_KEYS.every((key, k) => key === NAMED_IMPLIED_KEYS[k])

/** The implied settings' keys of `s`, in IMPLIED_SETTINGS_KEYS order. */
function readImplied(s: ServiceSettings, out: unknown[]): void {
  if (!NAMED) {
    for (let k = 0; k < IMPLIED_COUNT; k++) out[k] = s[IMPLIED_SETTINGS_KEYS[k]!]
    return
  }
  out[0] = s.user
  out[1] = s.privateTmp
  out[2] = s.removeIPC
  out[3] = s.protectSystem
  out[4] = s.protectHome
  out[5] = s.noNewPrivileges
  out[6] = s.restrictSUIDSGID
  out[7] = s.capabilityBoundingSet
  out[8] = s.devicePolicy
}

function writeImplied(s: ServiceSettings, values: readonly unknown[]): void {
  if (!NAMED) {
    const settings = s as unknown as Record<string, unknown>
    for (let k = 0; k < IMPLIED_COUNT; k++) settings[IMPLIED_SETTINGS_KEYS[k]!] = values[k]
    return
  }
  type S = ServiceSettings
  s.user = values[0] as S['user']
  s.privateTmp = values[1] as S['privateTmp']
  s.removeIPC = values[2] as S['removeIPC']
  s.protectSystem = values[3] as S['protectSystem']
  s.protectHome = values[4] as S['protectHome']
  s.noNewPrivileges = values[5] as S['noNewPrivileges']
  s.restrictSUIDSGID = values[6] as S['restrictSUIDSGID']
  s.capabilityBoundingSet = values[7] as S['capabilityBoundingSet']
  s.devicePolicy = values[8] as S['devicePolicy']
}

export class VariantScorer {
  private readonly tables: Tables
  /**
   * The current variant's final settings: the base with the committed patches, then the implied
   * settings (which only change IMPLIED_SETTINGS_KEYS: their raw values are in `pre`)
   */
  private readonly settings: ServiceSettings
  /** the current variant's raw (pre-implied) values of IMPLIED_SETTINGS_KEYS */
  private readonly pre: unknown[]
  /** the unit's own raw settings, for reverting a patch */
  private readonly original: ServiceSettings
  /** per row scored one by one: its share of the badness sum now (-1: N/A) */
  private readonly shares: number[]
  /** per group: its sums now */
  private readonly groupSums: Sums[]
  private badnessSum: number
  private weightSum: number
  private readonly ctx: AssessContext
  // scratch space of run(), kept between calls
  private readonly marks: number[]
  private readonly groupMarks: number[]
  private readonly fieldMarks: number[] = []
  private readonly rows: number[] = []
  private rowCount = 0
  private groupCount = 0
  private readonly newShares: number[] = []
  private readonly groups: number[] = []
  private readonly newGroupSums: Sums[] = []
  private readonly newPre: unknown[] = []
  private readonly oldFinal: unknown[] = []
  private readonly newFinal: unknown[] = []
  private readonly touched: number[] = []
  private readonly touchedBefore: unknown[] = []
  private readonly savedFields: Field[] = []
  private readonly savedValues: unknown[] = []
  /** the last trial, which a commit of the same patches takes over without assessing again */
  private lastTrial: readonly Patch[] | undefined
  private lastImplied = false
  private lastBadnessSum = 0
  private lastWeightSum = 0
  /** the sums of the variant scored last (by trial() or commit()) */
  scoredBadness = 0
  scoredWeight = 0
  /** variants scored (for tests and measurements) */
  evaluations = 0

  constructor(
    base: ServiceSettings,
    private readonly unit: UnitName,
    version: number,
    private readonly policy: Policy
  ) {
    // (one shape: reverting reads it by field name)
    this.original = shapedCopy(base) as unknown as ServiceSettings
    const tables = tablesFor(version, policy, base.defaultDependencies)
    this.tables = tables
    const { checks, weights } = tables
    // (plain arrays: typed arrays cost more to make than these few entries)
    this.marks = new Array<number>(checks.length).fill(0)
    this.groupMarks = new Array<number>(tables.groups.length).fill(0)
    this.shares = new Array<number>(checks.length).fill(-1)
    const settings = shapedCopy(base) as unknown as ServiceSettings
    this.pre = []
    readImplied(settings, this.pre)
    applyImpliedSettings(settings, unit)
    this.settings = settings
    this.ctx = { settings, version, runsPrivileged: settingsRunPrivileged(settings) }
    let badnessSum = 0
    let weightSum = 0
    for (const index of tables.singleRows) {
      const weight = weights[index]!
      const share = rowBadnessShare(checks[index]!, this.ctx, policy, weight)
      this.shares[index] = share
      if (share < 0) continue
      badnessSum += share
      weightSum += weight
    }
    this.groupSums = tables.groups.map((group) => groupSums(group, this.ctx, policy, tables))
    for (const sums of this.groupSums) {
      badnessSum += sums.badness
      weightSum += sums.weight
    }
    this.badnessSum = badnessSum
    this.weightSum = weightSum
  }

  /** The patch that undoes `patch`: its fields back to the unit's own values. */
  revert(patch: Patch): Patch {
    const original = this.original as unknown as Record<string, unknown>
    return { fields: patch.fields, values: patch.fields.map((f) => original[f]), ids: idsOf(patch) }
  }

  /** The current variant's sums. */
  get badness(): number {
    return this.badnessSum
  }

  get weight(): number {
    return this.weightSum
  }

  /**
   * Which patches change the sums by the same amount whatever others are applied with them: they
   * change no input of the implied settings, and no other patch changes (directly or through the
   * implied settings) a field the rows they change read. Patches that write a field in common are
   * taken as never applied together (variants of one directive): they do not count for each other,
   * and `variants` lists them (by patch: the others that write one of its fields).
   */
  independent(patches: readonly Patch[]): { independent: boolean[]; variants: number[][] } {
    const tables = this.tables
    // by field: the patches that write it
    const writers = new Map<Field, number[]>()
    const impliedWriters: number[] = []
    for (let i = 0; i < patches.length; i++) {
      let implied = false
      for (const field of patches[i]!.fields) {
        const list = writers.get(field)
        if (list === undefined) writers.set(field, [i])
        else if (list[list.length - 1] !== i) list.push(i)
        if (IMPLIED_INPUTS.has(field)) implied = true
      }
      if (implied) impliedWriters.push(i)
    }
    const variants: number[][] = []
    const independent: boolean[] = []
    for (let i = 0; i < patches.length; i++) {
      const fields = patches[i]!.fields
      const family: number[] = []
      for (const field of fields)
        for (const j of writers.get(field)!) if (j !== i && !family.includes(j)) family.push(j)
      variants.push(family)
      let alone = tables.alwaysRows.length === 0 && !impliedWriters.includes(i)
      for (let f = 0; alone && f < fields.length; f++) {
        for (const read of readsOf(tables, fields[f]!)) {
          // the implied settings' keys change with any input of theirs
          const others = IMPLIED_KEYS.has(read) ? impliedWriters : NO_ROWS
          for (const j of writers.get(read) ?? NO_ROWS)
            if (j !== i && !family.includes(j)) alone = false
          for (const j of others) if (j !== i && !family.includes(j)) alone = false
        }
      }
      independent.push(alone)
    }
    return { independent, variants }
  }

  /**
   * What `patch` alone changes in the current variant's sums, found without assessing: when it
   * changes no input of the implied settings and only fields whose rows are a group with known
   * sums for its values (undefined otherwise: trial() tells).
   */
  alone(patch: Patch): { badness: number; weight: number } | undefined {
    const tables = this.tables
    if (tables.alwaysRows.length) return undefined
    const ids = idsOf(patch)
    let badness = 0
    let weight = 0
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!
      if (IS_IMPLIED_INPUT[id] || rowsOf(tables, id).length) return undefined
      const index = groupOf(tables, id)
      if (index < 0) continue
      const group = tables.groups[index]!
      const value = patch.values[i]
      const sums =
        typeof value === 'object' && value !== null
          ? group.byObject.get(value)
          : group.byValue.get(value)
      if (sums === undefined) return undefined
      const old = this.groupSums[index]!
      badness += sums.badness - old.badness
      weight += sums.weight - old.weight
    }
    return { badness, weight }
  }

  /** The fields a patch changes: its own, and the implied settings' keys when it changes their input. */
  writes(patch: Patch): Set<Field> {
    const fields = new Set<Field>(patch.fields)
    if (patch.fields.some((f) => IMPLIED_INPUTS.has(f)))
      for (const key of IMPLIED_SETTINGS_KEYS) fields.add(key)
    return fields
  }

  /** The fields read by the rows that read a field the patch writes. */
  reads(patch: Patch): Set<Field> {
    const fields = new Set<Field>()
    for (const field of patch.fields)
      for (const read of readsOf(this.tables, field)) fields.add(read)
    return fields
  }

  /** The current variant's exposure (tenths). */
  get exposure(): number {
    return exposureOfSums(this.badnessSum, this.weightSum)
  }

  /**
   * The exposure of the current variant with `patches` applied, before rounding up
   * (100 * badness / weight): it also sees changes too small to move the printed score.
   * `Math.ceil(fine) <= t` exactly when the exposure is at most t tenths.
   */
  trial(patches: readonly Patch[]): number {
    return this.run(patches, false)
  }

  /** Makes the current variant the one with `patches` applied; returns its exposure like trial(). */
  commit(patches: readonly Patch[]): number {
    const last = this.lastTrial
    if (
      last !== undefined &&
      last.length === patches.length &&
      last.every((p, i) => p === patches[i])
    )
      return this.takeLastTrial(patches)
    return this.run(patches, true)
  }

  /** Commits the patches of the last trial with what it assessed. */
  private takeLastTrial(patches: readonly Patch[]): number {
    this.lastTrial = undefined
    const settings = this.settings as unknown as Record<string, unknown>
    for (const patch of patches) {
      const { fields, values } = patch
      const ids = idsOf(patch)
      for (let i = 0; i < fields.length; i++)
        if (ids[i]! >= IMPLIED_COUNT) settings[fields[i]!] = values[i]
    }
    if (this.lastImplied) writeImplied(this.settings, this.newFinal)
    this.keepAssessed(this.lastImplied)
    this.badnessSum = this.scoredBadness = this.lastBadnessSum
    this.weightSum = this.scoredWeight = this.lastWeightSum
    return this.lastWeightSum === 0 ? 0 : (this.lastBadnessSum * 100) / this.lastWeightSum
  }

  /** Keeps what run() assessed last as the current variant's. */
  private keepAssessed(implied: boolean): void {
    const rows = this.rows
    for (let i = 0; i < this.rowCount; i++) this.shares[rows[i]!] = this.newShares[i]!
    const groups = this.groups
    for (let i = 0; i < this.groupCount; i++) this.groupSums[groups[i]!] = this.newGroupSums[i]!
    if (implied) for (let k = 0; k < IMPLIED_COUNT; k++) this.pre[k] = this.newPre[k]
  }

  private run(patches: readonly Patch[], keep: boolean): number {
    this.evaluations++
    this.lastTrial = undefined
    const settings = this.settings
    const raw = settings as unknown as Record<string, unknown>
    const tables = this.tables
    const fieldMarks = this.fieldMarks
    const touched = this.touched
    const touchedBefore = this.touchedBefore
    const savedFields = this.savedFields
    const savedValues = this.savedValues
    const newPre = this.newPre
    // (the scratch arrays keep their length: counts say how much of them is in use)
    this.rowCount = 0
    this.groupCount = 0
    let touchedCount = 0
    let savedCount = 0
    for (let k = 0; k < IMPLIED_COUNT; k++) newPre[k] = this.pre[k]
    // assign the patches' values (the implied settings' keys: their raw values, aside), noting each
    // field's value before
    let implied = false
    for (let p = 0; p < patches.length; p++) {
      const patch = patches[p]!
      const ids = idsOf(patch)
      const { fields, values } = patch
      for (let i = 0; i < fields.length; i++) {
        const id = ids[i]!
        if (IS_IMPLIED_INPUT[id]) implied = true
        if (id < IMPLIED_COUNT) {
          newPre[id] = values[i]
          continue
        }
        const field = fields[i]!
        const before = raw[field]
        if (fieldMarks[id] !== 1) {
          fieldMarks[id] = 1
          touched[touchedCount] = id
          touchedBefore[touchedCount++] = before
        }
        savedFields[savedCount] = field
        savedValues[savedCount++] = before
        raw[field] = values[i]
      }
    }
    // the rows of the fields that changed; the implied settings' keys by their final values
    for (let t = 0; t < touchedCount; t++) {
      const id = touched[t]!
      fieldMarks[id] = 0
      if (raw[FIELD_NAMES[id]!] !== touchedBefore[t]) this.markField(id)
    }
    if (tables.alwaysRows.length) this.markRows(tables.alwaysRows)
    const oldFinal = this.oldFinal
    const newFinal = this.newFinal
    if (implied) {
      readImplied(settings, oldFinal)
      writeImplied(settings, newPre)
      applyImpliedSettings(settings, this.unit)
      readImplied(settings, newFinal)
      for (let k = 0; k < IMPLIED_COUNT; k++) if (newFinal[k] !== oldFinal[k]) this.markField(k)
    }
    let badnessSum = this.badnessSum
    let weightSum = this.weightSum
    const rows = this.rows
    const groups = this.groups
    const rowCount = this.rowCount
    const groupCount = this.groupCount
    if (rowCount || groupCount) {
      // rows are assessed on the final settings, as loading would leave them
      const ctx = this.ctx
      ctx.runsPrivileged = settingsRunPrivileged(settings)
      const { checks, weights } = tables
      const marks = this.marks
      const newShares = this.newShares
      for (let i = 0; i < rowCount; i++) {
        const index = rows[i]!
        marks[index] = 0
        const weight = weights[index]!
        const old = this.shares[index]!
        if (old >= 0) {
          badnessSum -= old
          weightSum -= weight
        }
        const share = rowBadnessShare(checks[index]!, ctx, this.policy, weight)
        newShares[i] = share
        if (share >= 0) {
          badnessSum += share
          weightSum += weight
        }
      }
      const groupMarks = this.groupMarks
      const newGroupSums = this.newGroupSums
      for (let i = 0; i < groupCount; i++) {
        const index = groups[i]!
        groupMarks[index] = 0
        const old = this.groupSums[index]!
        const sums = groupSums(tables.groups[index]!, ctx, this.policy, tables)
        newGroupSums[i] = sums
        badnessSum += sums.badness - old.badness
        weightSum += sums.weight - old.weight
      }
    }
    if (keep) {
      this.keepAssessed(implied)
      this.badnessSum = badnessSum
      this.weightSum = weightSum
      this.ctx.runsPrivileged = settingsRunPrivileged(settings)
    } else {
      if (implied) writeImplied(settings, oldFinal)
      for (let i = savedCount - 1; i >= 0; i--) raw[savedFields[i]!] = savedValues[i]
      this.ctx.runsPrivileged = settingsRunPrivileged(settings)
      this.lastTrial = patches.slice()
      this.lastImplied = implied
      this.lastBadnessSum = badnessSum
      this.lastWeightSum = weightSum
    }
    this.scoredBadness = badnessSum
    this.scoredWeight = weightSum
    return weightSum === 0 ? 0 : (badnessSum * 100) / weightSum
  }

  /** Marks the group and the rows that read a field (by number). */
  private markField(id: number): void {
    const group = groupOf(this.tables, id)
    if (group >= 0 && this.groupMarks[group] === 0) {
      this.groupMarks[group] = 1
      this.groups[this.groupCount++] = group
    }
    this.markRows(rowsOf(this.tables, id))
  }

  private markRows(fieldRows: readonly number[]): void {
    const marks = this.marks
    for (let i = 0; i < fieldRows.length; i++) {
      const row = fieldRows[i]!
      if (marks[row] === 0) {
        marks[row] = 1
        this.rows[this.rowCount++] = row
      }
    }
  }
}
