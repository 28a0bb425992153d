/**
 * Which units a change touches (pure): a unit is changed when its own file changed, when a drop-in
 * systemd would merge into it was added, edited or removed, or when it was renamed (then it is
 * compared with its old path).
 */
import {
  dropInDirectoryNames,
  isDependencyDirectory,
  isDropInFileName,
  templatePrefixes
} from '../core/dropins.js'
import type { UnitName } from '../core/specifiers.js'
import { analysedUnitName, parseUnitName, templateOf } from '../core/specifiers.js'

export interface Change {
  /** git's status letter: A, C, D, M, R, T, U, X */
  status: string
  /** path after the change (POSIX, workspace-relative) */
  path: string
  /** path before, for renames and copies */
  oldPath?: string
}

/** Parses `git diff-tree -z --name-status` output. */
export function parseNameStatus(raw: string): Change[] {
  const fields = raw.split('\0')
  const changes: Change[] = []
  for (let i = 0; i < fields.length;) {
    const code = fields[i++]
    if (!code) continue
    const status = code[0]!
    if (status === 'R' || status === 'C') {
      const oldPath = fields[i++]!
      const newPath = fields[i++]!
      changes.push({ status, path: newPath, oldPath })
    } else {
      changes.push({ status, path: fields[i++]! })
    }
  }
  return changes
}

/** Maps paths relative to the repository top to paths relative to the workspace (drops the rest). */
export function relativeToWorkspace(changes: Change[], prefix: string): Change[] {
  if (prefix === '') return changes
  const lead = `${prefix}/`
  const strip = (p: string | undefined): string | undefined =>
    p !== undefined && p.startsWith(lead) ? p.slice(lead.length) : undefined
  const result: Change[] = []
  for (const change of changes) {
    const next = strip(change.path)
    const old = strip(change.oldPath)
    if (next !== undefined) result.push({ ...change, path: next, oldPath: old })
    else if (old !== undefined) result.push({ status: 'D', path: old })
  }
  return result
}

export interface UnitChange {
  /** why it is gated */
  reasons: string[]
  /** where the unit was at the base (its old path when renamed) */
  basePath: string
  /**
   * another file whose result at the base counts too: the one the unit's name loaded from at the
   * base, where the unit itself was there too (judged against the stricter of the two)
   */
  alsoBasePath?: string
}

const dirOf = (p: string): string => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '')
const baseName = (p: string): string => p.slice(p.lastIndexOf('/') + 1)
const join = (dir: string, name: string): string => (dir === '' ? name : `${dir}/${name}`)

/**
 * The units that systemd loads a name from now where another file won the name at the base, each
 * with that file: a removed file no longer shadows them, or they were added (or renamed) above the
 * file that won. Per name and search path, systemd loads the first file in its order, and an
 * instance's own file (anywhere on the path) before its template. `removed`: files gone (a
 * rename's source too); `added`: files new at their path (a rename's target too).
 */
export function uncoveredUnits(
  units: readonly string[],
  removed: readonly string[],
  searchDirectories: (dir: string) => readonly string[],
  added: ReadonlySet<string> = new Set()
): Map<string, string> {
  const uncovered = new Map<string, string>()
  if (removed.length === 0 && added.size === 0) return uncovered
  const present = new Set(units)
  const known = new Set([...units, ...removed])
  /**
   * The first file named `name` in the search path `places` that `exists` (undefined: none is on
   * it): looked up directory by directory, not found among every file of that name (N files of one
   * name in N directories cost N^2 that way: 20,000 took 82 s)
   */
  const first = (
    name: string,
    places: readonly string[],
    exists: (f: string) => boolean
  ): string | undefined => {
    for (const place of places) {
      const file = place === '' ? name : `${place}/${name}`
      if (known.has(file) && exists(file)) return file
    }
    return undefined
  }
  const atHead = (file: string): boolean => present.has(file)
  const atBase = (file: string): boolean => !present.has(file) || !added.has(file)
  const seen = new Set<string>()
  for (const file of [...removed, ...added]) {
    const name = parseUnitName(baseName(file))
    const places = searchDirectories(dirOf(file))
    const key = `${places.join('\0')}\0${baseName(file)}`
    if (!name || seen.has(key)) continue
    seen.add(key)
    // an instance without a file of its own loads from its template
    const template = templateOf(name)
    const winner = (exists: (f: string) => boolean): string | undefined =>
      first(name.name, places, exists) ??
      (template === undefined ? undefined : first(template, places, exists))
    const before = winner(atBase)
    const now = winner(atHead)
    if (before !== undefined && now !== undefined && before !== now && !uncovered.has(now))
      uncovered.set(now, before)
  }
  return uncovered
}

/**
 * Unit files that systemd loads for the name of a gated unit although `paths`/`exclude` leave them
 * out, on the search path of an image tree: the first file of the name when it ranks above the
 * gated file (it shadows it: what runs under the name), and for a gated file the change removes,
 * the first file of its name now. They are gated with the units (a weak etc/ copy added over a
 * gated usr/lib/ unit, or a gated etc/ override removed, must not pass as "nothing to gate").
 * Paths are workspace-relative; `exists`: an entry (a file or a link) in the checkout.
 */
export function namesakesThatLoad(
  gated: readonly string[],
  removed: readonly string[],
  exists: (file: string) => boolean,
  searchDirectories: (dir: string) => readonly string[]
): string[] {
  const found = new Set<string>()
  const gatedSet = new Set(gated)
  const consider = (file: string, present: boolean): void => {
    const places = searchDirectories(dirOf(file))
    if (places.length === 1) return
    const name = baseName(file)
    const own = places.indexOf(dirOf(file))
    for (let rank = 0; rank < places.length && (!present || rank < own); rank++) {
      const namesake = join(places[rank]!, name)
      if (namesake === file || !exists(namesake)) continue
      if (!gatedSet.has(namesake)) found.add(namesake)
      return
    }
  }
  for (const file of gated) consider(file, true)
  for (const file of removed) consider(file, false)
  return [...found].sort()
}

/**
 * The units among `units` (workspace-relative paths of unit files in the checkout) that the changes
 * touch. `aliases` maps a unit to other files its content comes from (a symlinked unit's target, the
 * template an instance is loaded from); `otherNames` to the unit's other names (its id and aliases),
 * whose drop-in directories systemd reads too.
 */
export function selectChangedUnits(
  units: string[],
  changes: Change[],
  templateInstance: string,
  aliases: ReadonlyMap<string, string[]> = new Map(),
  otherNames: ReadonlyMap<string, readonly UnitName[]> = new Map(),
  /** the directories a unit's drop-ins come from, given its file's (see dropInSearchDirectories) */
  searchDirectories: (dir: string) => readonly string[] = (dir) => [dir]
): Map<string, UnitChange> {
  const touched = touchedPaths(changes)
  const renamedFrom = new Map<string, string>()
  for (const change of changes)
    if (change.status === 'R' && change.oldPath !== undefined)
      renamedFrom.set(change.path, change.oldPath)
  // Drop-in directories that saw a change, with the changes under each.
  const dropInDirs = new Map<string, string[]>()
  for (const [file, verb] of touched) {
    const dir = dirOf(file)
    if (!dir.endsWith('.d')) continue
    if (!isDropInFileName(baseName(file))) continue
    const list = dropInDirs.get(dir)
    if (list) list.push(`drop-in ${file} ${verb}`)
    else dropInDirs.set(dir, [`drop-in ${file} ${verb}`])
  }
  // A name that loads from another file now (a copy or a mask in etc/ over usr/lib/ removed, an
  // instance's own file removed over its template, a file added above the one that won).
  const added = new Set(
    changes
      .filter((c) => c.status === 'A' || c.status === 'R' || c.status === 'C')
      .map((c) => c.path)
  )
  const shadowedBy = uncoveredUnits(
    units,
    changes.flatMap((c) =>
      c.status === 'D' ? [c.path] : c.status === 'R' && c.oldPath !== undefined ? [c.oldPath] : []
    ),
    searchDirectories,
    added
  )
  const selected = new Map<string, UnitChange>()
  for (const unitPath of units) {
    const reasons: string[] = []
    const uncovered = shadowedBy.get(unitPath)
    if (uncovered !== undefined)
      reasons.push(
        units.includes(uncovered)
          ? `shadows ${uncovered}, which systemd loaded for the name at the base`
          : `${uncovered} removed, which systemd loaded for the name before this file`
      )
    const own = touched.get(unitPath)
    if (own)
      reasons.push(
        own === 'renamed' ? `renamed from ${renamedFrom.get(unitPath) ?? '?'}` : `unit file ${own}`
      )
    for (const alias of aliases.get(unitPath) ?? []) {
      const verb = touched.get(alias)
      if (verb) reasons.push(`link target ${alias} ${verb}`)
    }
    const unit = analysedUnitName(baseName(unitPath), templateInstance)
    if (unit) {
      const names = [unit, ...(otherNames.get(unitPath) ?? [])]
      const dirNames = new Set(names.flatMap(dropInDirectoryNames))
      const searched = searchDirectories(dirOf(unitPath))
      for (const dir of searched) {
        for (const name of dirNames) {
          const dropInDir = join(dir, name)
          reasons.push(...(dropInDirs.get(dropInDir) ?? []))
          const dirVerb = touched.get(dropInDir)
          if (dirVerb) reasons.push(`drop-in directory link ${dropInDir} ${dirVerb}`)
        }
      }
      // a template is judged by the instances that run: a change to any instance's drop-ins or
      // to a link enabling one changes it (foo@y.service.d/ beside a weaker foo@x.service.d/); the
      // test instance's drop-ins are counted above
      if (parseUnitName(baseName(unitPath))?.isTemplate === true) {
        const prefixes = templatePrefixes(unit, names.slice(1))
        for (const [instance, why] of changedInstances(
          unitPath,
          touched,
          prefixes,
          searchDirectories
        ))
          if (instance !== unit.instance) reasons.push(...why)
      }
    } else {
      // no unit name: a directory the scan could not list (its report says why), changed with
      // whatever changed below it
      const below = `${unitPath}/`
      for (const [file, verb] of touched)
        if (file.startsWith(below)) reasons.push(`${file} ${verb}`)
    }
    if (reasons.length) {
      const own = renamedFrom.get(unitPath) ?? unitPath
      // judged against what ran under the name at the base (the file that won it); a unit that was
      // there itself also against its own result (a template whose instance file went away)
      selected.set(
        unitPath,
        uncovered === undefined
          ? { reasons, basePath: own }
          : added.has(unitPath)
            ? { reasons, basePath: uncovered }
            : { reasons, basePath: own, alsoBasePath: uncovered }
      )
    }
  }
  return selected
}

/** Every path a change touched (both sides of a rename), with what happened to it. */
export function touchedPaths(changes: readonly Change[]): Map<string, string> {
  const touched = new Map<string, string>()
  for (const change of changes) {
    const verb =
      change.status === 'A'
        ? 'added'
        : change.status === 'D'
          ? 'removed'
          : change.status === 'R'
            ? 'renamed'
            : 'changed'
    touched.set(change.path, verb)
    if (change.oldPath !== undefined)
      touched.set(change.oldPath, change.status === 'R' ? 'renamed' : 'copied')
  }
  return touched
}

/**
 * The instances of a template (`unitPath`, workspace-relative) whose own drop-ins, or links enabling
 * them in dependency directories, the touched paths (touchedPaths()) hold on its search path, each
 * with what changed (`prefixes`: the template's and its alias templates', see templatePrefixes).
 */
export function changedInstances(
  unitPath: string,
  touched: ReadonlyMap<string, string>,
  prefixes: readonly string[],
  searchDirectories: (dir: string) => readonly string[]
): Map<string, string[]> {
  const places = new Set(searchDirectories(dirOf(unitPath)))
  const instances = new Map<string, string[]>()
  const add = (name: string, why: string): void => {
    const unit = parseUnitName(name)
    if (!unit?.isInstance || !prefixes.includes(unit.prefix)) return
    const list = instances.get(unit.instance!)
    if (list) list.push(why)
    else instances.set(unit.instance!, [why])
  }
  for (const [file, verb] of touched) {
    const parent = dirOf(file)
    if (!places.has(dirOf(parent))) continue
    if (parent.endsWith('.d') && isDropInFileName(baseName(file)))
      add(baseName(parent).slice(0, -2), `drop-in ${file} ${verb}`)
    else if (isDependencyDirectory(baseName(parent)))
      add(baseName(file), `instance link ${file} ${verb}`)
  }
  return instances
}

/** What the gate concluded about a unit, as far as a change of it matters. */
interface UnitResult {
  status: string
  unit: string
  exposure: number | null
  passed: boolean
}

const describeResult = (r: UnitResult | null | undefined): string =>
  !r
    ? 'absent'
    : r.status === 'scored'
      ? `${r.unit} ${((r.exposure ?? 0) / 10).toFixed(1)}`
      : `${r.unit} ${r.status}`

/**
 * The selection of `selectChangedUnits`, widened to every unit whose result differs from its result
 * at the base. Files the changes touched are not the whole story: systemd finds a unit by name, so
 * an alias added or removed beside it, a link retargeted or a template renamed away changes which
 * names and drop-ins it has, while none of the files read for it changed (at the head). Comparing
 * the results catches every such change, however it came about. `units` maps each unit's path to
 * its report at the head, `bases` (from scoreAtBase) to its report at the base.
 */
export function widenToChangedResults(
  selected: ReadonlyMap<string, UnitChange>,
  units: ReadonlyMap<string, UnitResult>,
  bases: ReadonlyMap<string, UnitResult | null>
): Map<string, UnitChange> {
  const widened = new Map(selected)
  for (const [unitPath, now] of units) {
    if (widened.has(unitPath)) continue
    const before = bases.get(unitPath) ?? null
    if (
      before !== null &&
      before.status === now.status &&
      before.unit === now.unit &&
      before.exposure === now.exposure &&
      before.passed === now.passed
    )
      continue
    widened.set(unitPath, {
      reasons: [
        `its result changed through other files (names, links or drop-ins): ${describeResult(before)} → ${describeResult(now)}`
      ],
      basePath: unitPath
    })
  }
  return widened
}
