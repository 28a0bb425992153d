/**
 * Scores many variants of one service cheaply: a variant is the unit's raw settings with a few
 * fields replaced (the fix engine's candidates). Only the rows that read a replaced field (or a field
 * the implied settings then change) are assessed again; the others keep their contribution to the
 * sums. Same formula as scoreService (rowContribution); __tests__/suggest-engine.test.ts checks the
 * result against a full scoring on every variant it tries.
 */
import type { CheckDefinition } from './checks.js'
import { checksFor } from './checks.js'
import type { Policy } from './policy.js'
import { exposureOfSums, rowBadnessShare, rowWeight, settingsRunPrivileged } from './score.js'
import type { ServiceSettings } from './service.js'
import { applyImpliedSettings, IMPLIED_SETTINGS_KEYS, initialSettings } from './service.js'
import type { UnitName } from './specifiers.js'

type Field = keyof ServiceSettings

/** A variant's difference from the base: fields and their new raw (pre-implied) values. */
export interface Patch {
  fields: Field[]
  values: unknown[]
  /** filled by the scorer: the rows that read these fields, whether the implied settings may change */
  rows?: number[]
  implied?: boolean
}

/** The patch an object made with Object.create(base) collected: its own properties. */
export function patchFrom(changed: object, base: ServiceSettings): Patch {
  const fields: Field[] = []
  const values: unknown[] = []
  for (const key of Object.keys(changed) as Field[]) {
    if (key === 'recorded') continue
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

export class VariantScorer {
  private readonly checks: readonly CheckDefinition[]
  /** the current variant's raw settings (the base with the committed patches) */
  private readonly raw: ServiceSettings
  /** the unit's own raw settings, for reverting a patch */
  private readonly original: ServiceSettings
  /** per row: weight under the policy, and its share of the badness sum now (-1: N/A) */
  private readonly weights: number[]
  private readonly shares: number[]
  private badnessSum: number
  private weightSum: number
  /** field → indexes of the rows that read it */
  private readonly rowsByField = new Map<Field, number[]>()
  /** rows that read fields rowFields() does not know: always assessed */
  private readonly alwaysRows: number[] = []
  /** rows that read what the implied settings write */
  private readonly impliedRows: number[]
  private readonly marks: Uint8Array
  private readonly rows: number[] = []
  private readonly newShares: number[] = []
  /** variants scored (for tests and measurements) */
  evaluations = 0

  constructor(
    base: ServiceSettings,
    private readonly unit: UnitName,
    private readonly version: number,
    private readonly policy: Policy
  ) {
    this.original = base
    this.raw = { ...base }
    this.checks = checksFor(version)
    this.marks = new Uint8Array(this.checks.length)
    const final = { ...base }
    applyImpliedSettings(final, unit)
    const ctx = { settings: final, version, runsPrivileged: settingsRunPrivileged(final) }
    this.weights = this.checks.map((check) => rowWeight(check, policy))
    this.shares = this.checks.map((check, i) =>
      this.weights[i] === 0 ? -1 : rowBadnessShare(check, ctx, policy, this.weights[i]!)
    )
    let badnessSum = 0
    let weightSum = 0
    this.shares.forEach((share, i) => {
      if (share < 0) return
      badnessSum += share
      weightSum += this.weights[i]!
    })
    this.badnessSum = badnessSum
    this.weightSum = weightSum
    this.checks.forEach((check, index) => {
      if (this.weights[index] === 0) return
      if (check.bootPhaseExempt && !base.defaultDependencies) return
      const fields = rowFields(check)
      if (fields === undefined) {
        this.alwaysRows.push(index)
        return
      }
      for (const field of fields) {
        const rows = this.rowsByField.get(field) ?? []
        rows.push(index)
        this.rowsByField.set(field, rows)
      }
    })
    this.impliedRows = this.rowsFor(IMPLIED_SETTINGS_KEYS)
  }

  private rowsFor(fields: Iterable<Field>): number[] {
    const rows = new Set<number>()
    for (const field of fields) for (const row of this.rowsByField.get(field) ?? []) rows.add(row)
    return [...rows]
  }

  private prepare(patch: Patch): void {
    patch.rows = this.rowsFor(patch.fields)
    patch.implied = patch.fields.some((f) => IMPLIED_INPUTS.has(f))
  }

  /** The patch that undoes `patch`: its fields back to the unit's own values. */
  revert(patch: Patch): Patch {
    const original = this.original as unknown as Record<string, unknown>
    return { fields: patch.fields, values: patch.fields.map((f) => original[f]) }
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
    return this.run(patches, true)
  }

  private run(patches: readonly Patch[], keep: boolean): number {
    this.evaluations++
    const raw = this.raw as unknown as Record<string, unknown>
    const marks = this.marks
    const rows = this.rows
    rows.length = 0
    const savedFields: string[] = []
    const savedValues: unknown[] = []
    let implied = false
    for (let p = 0; p < patches.length; p++) {
      const patch = patches[p]!
      if (patch.rows === undefined) this.prepare(patch)
      const { fields, values } = patch
      for (let i = 0; i < fields.length; i++) {
        const field = fields[i]!
        savedFields.push(field)
        savedValues.push(raw[field])
        raw[field] = values[i]
      }
      const patchRows = patch.rows!
      for (let i = 0; i < patchRows.length; i++) {
        const row = patchRows[i]!
        if (marks[row] === 0) {
          marks[row] = 1
          rows.push(row)
        }
      }
      if (patch.implied) implied = true
    }
    const extra = implied ? this.impliedRows.concat(this.alwaysRows) : this.alwaysRows
    for (let i = 0; i < extra.length; i++) {
      const row = extra[i]!
      if (marks[row] === 0) {
        marks[row] = 1
        rows.push(row)
      }
    }
    let badnessSum = this.badnessSum
    let weightSum = this.weightSum
    if (rows.length) {
      // rows are assessed on the final settings, as loading would leave them
      const impliedBefore = IMPLIED_SETTINGS_KEYS.map((key) => raw[key])
      applyImpliedSettings(this.raw, this.unit)
      const ctx = {
        settings: this.raw,
        version: this.version,
        runsPrivileged: settingsRunPrivileged(this.raw)
      }
      const newShares = this.newShares
      for (let i = 0; i < rows.length; i++) {
        const index = rows[i]!
        marks[index] = 0
        const weight = this.weights[index]!
        const old = this.shares[index]!
        if (old >= 0) {
          badnessSum -= old
          weightSum -= weight
        }
        const share = rowBadnessShare(this.checks[index]!, ctx, this.policy, weight)
        newShares[i] = share
        if (share >= 0) {
          badnessSum += share
          weightSum += weight
        }
      }
      IMPLIED_SETTINGS_KEYS.forEach((key, i) => (raw[key] = impliedBefore[i]))
      if (keep) {
        for (let i = 0; i < rows.length; i++) this.shares[rows[i]!] = newShares[i]!
      }
    }
    if (keep) {
      this.badnessSum = badnessSum
      this.weightSum = weightSum
    } else {
      for (let i = savedFields.length - 1; i >= 0; i--) raw[savedFields[i]!] = savedValues[i]
    }
    return weightSum === 0 ? 0 : (badnessSum * 100) / weightSum
  }
}
