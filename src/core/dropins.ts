/**
 * Drop-in discovery and ordering (unit-file-loading.md 5.5): which NAME.d directories systemd
 * searches for a unit, in precedence order, and how their *.conf files are merged and sorted.
 */
import type { UnitName } from './specifiers.js'
import { instantiate, parseUnitName } from './specifiers.js'

/** Dash prefixes, longest first: foo-bar-baz.service → foo-bar-.service, foo-.service. */
function dashPrefixes(unit: UnitName): string[] {
  const result: string[] = []
  const suffix = unit.isInstance ? `@${unit.instance}.${unit.type}` : `.${unit.type}`
  let prefix = unit.prefix
  if (prefix.endsWith('-')) prefix = prefix.slice(0, -1)
  for (;;) {
    const dash = prefix.lastIndexOf('-')
    if (dash <= 0) break
    prefix = prefix.slice(0, dash)
    result.push(`${prefix}-${suffix}`)
  }
  return result
}

function namesFor(unit: UnitName): string[] {
  const names = [unit.name]
  if (unit.isInstance) {
    const template = parseUnitName(`${unit.prefix}@.${unit.type}`)
    if (template) names.push(template.name, ...dashPrefixes(template))
  }
  for (const prefixed of dashPrefixes(unit)) {
    const parsed = parseUnitName(prefixed)
    if (parsed) names.push(...namesFor(parsed).filter((n) => !names.includes(n)))
  }
  return names
}

/** Drop-in directory names for a unit, most specific first, ending with the type-wide `service.d`. */
export function dropInDirectoryNames(unit: UnitName): string[] {
  const dirs = namesFor(unit).map((name) => `${name}.d`)
  dirs.push(`${unit.type}.d`)
  return [...new Set(dirs)]
}

/**
 * A unit name up to and including its first '-', '@' or '.'. Every drop-in directory name of a unit
 * but the type-wide one (NAME.d, template and dash-prefix names) keeps that much of the unit's name,
 * so a directory holding no `.d` entry of this lead holds no drop-ins for the unit but type-wide ones.
 */
export function dropInLead(name: string): string {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i)
    if (c === 0x2d || c === 0x40 || c === 0x2e) return name.slice(0, i + 1)
  }
  return name
}

/**
 * Whether a name may be a dash-prefix name (foo-.service, foo-@i.service, foo-@.service): every
 * name systemd searches for a unit but its own, its template's and the type-wide one is.
 */
export function isDashPrefixName(name: string): boolean {
  return name.includes('-.') || name.includes('-@')
}

export interface DropInCandidate {
  /** index into dropInDirectoryNames() (lower = more specific) */
  directoryRank: number
  fileName: string
  path: string
}

/** Whether systemd reads a file of this name from a drop-in directory. */
export function isDropInFileName(fileName: string): boolean {
  return fileName.endsWith('.conf') && !fileName.startsWith('.')
}

/**
 * Keeps, for each file name, the copy from the most specific directory, then sorts by file name
 * alone (byte order), whatever directory each comes from.
 */
export function orderDropIns<T extends DropInCandidate>(candidates: readonly T[]): T[] {
  const byName = new Map<string, T>()
  for (const candidate of candidates) {
    if (!isDropInFileName(candidate.fileName)) continue
    const existing = byName.get(candidate.fileName)
    if (!existing || candidate.directoryRank < existing.directoryRank) {
      byName.set(candidate.fileName, candidate)
    }
  }
  return [...byName.values()].sort((a, b) => compareBytes(a.fileName, b.fileName))
}

const encoder = new TextEncoder()

/** strcmp() order on UTF-8 bytes. */
export function compareBytes(a: string, b: string): number {
  if (a === b) return 0
  // UTF-16 units below the surrogates order as their UTF-8 bytes do: encode only past them.
  const length = Math.min(a.length, b.length)
  let i = 0
  while (i < length && a.charCodeAt(i) === b.charCodeAt(i)) i++
  if (i === length) return a.length - b.length
  const p = a.charCodeAt(i)
  const q = b.charCodeAt(i)
  if (p < 0xd800 && q < 0xd800) return p - q
  const x = encoder.encode(a)
  const y = encoder.encode(b)
  const n = Math.min(x.length, y.length)
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i]! - y[i]!
  return x.length - y.length
}

// ---------------------------------------------------------------------------------------------------
// Aliases (unit-file-loading.md 5.5). Observed on systemd 252 (`systemd-analyze security --offline=true`,
// by file path and with --root): a symbolic link among the unit files of a directory whose target lies
// in the same directory (or below it) is an alias of the unit named by the target's file name in that
// directory; a link leaving the directory is a "linked unit file" (its own name, its own drop-ins).
// Whichever name is analysed, the unit's id is the name of the file the chain of aliases ends at, and
// the drop-ins of every name are merged: the id's directories first (they win a file name), then those
// of each alias (in the order of an unordered set, random from run to run), then the type-wide one.

/** One symbolic link named like a unit, pointing at `target` (a file name in the same directory). */
export interface AliasLink {
  target: string
  /** the link points below the directory: systemd still takes the file of that name in the directory */
  viaSubdirectory: boolean
}

/**
 * What a link of `directory` to the file `target` of `targetDirectory` is (both directories
 * resolved, POSIX): an alias when the target lies in the directory or below it, else undefined (a
 * linked unit file).
 */
export function aliasLinkFor(
  target: string,
  targetDirectory: string,
  directory: string
): AliasLink | undefined {
  if (targetDirectory === directory) return { target, viaSubdirectory: false }
  const below = directory === '' || directory.endsWith('/') ? directory : `${directory}/`
  return targetDirectory.startsWith(below) ? { target, viaSubdirectory: true } : undefined
}

/** Why systemd refuses `alias` → `target` (unit_validate_alias_symlink_or_warn), or undefined. */
export function aliasProblem(alias: string, target: string): string | undefined {
  const from = parseUnitName(alias)
  const to = parseUnitName(target)
  if (!from) return `${alias} is not a valid unit name`
  if (!to) return `it points to ${target}, which is not a valid unit name`
  if (from.type !== to.type) return `it points to ${target}, a unit of another type`
  if (alias === target) return 'it points to itself'
  const kind = (u: UnitName): string =>
    u.isTemplate ? 'template' : u.isInstance ? 'instance' : 'plain'
  if (kind(from) !== kind(to) && !(from.isInstance && to.isTemplate)) {
    return `it points to ${target}, a ${kind(to)} name, from a ${kind(from)} name`
  }
  if (from.isInstance && to.isInstance && from.instance !== to.instance) {
    return `it points to ${target}, another instance`
  }
  return undefined
}

export type AliasResolution = { fragment: string; viaSubdirectory: boolean } | { error: string }

export interface AliasIndex {
  /** every alias link of the directory → the file its chain ends at, or why systemd refuses it */
  resolved: ReadonlyMap<string, AliasResolution>
  /** file name → the alias links whose chain ends at it, in byte order */
  namesOf: ReadonlyMap<string, readonly string[]>
}

/** The index of a directory without alias links. */
export const NO_ALIASES: AliasIndex = { resolved: new Map(), namesOf: new Map() }

/** systemd follows at most this many aliases (FOLLOW_MAX). */
const MAX_ALIAS_HOPS = 32

/** Resolves every alias link of one directory; `exists` says whether a file name is in it. */
export function indexAliases(
  links: ReadonlyMap<string, AliasLink>,
  exists: (name: string) => boolean
): AliasIndex {
  const resolved = new Map<string, AliasResolution>()
  const namesOf = new Map<string, string[]>()
  for (const name of [...links.keys()].sort(compareBytes)) {
    let current = name
    let viaSubdirectory = false
    let result: AliasResolution
    for (let hops = 0; ; hops++) {
      const link = links.get(current)
      if (!link) {
        result = exists(current)
          ? { fragment: current, viaSubdirectory }
          : { error: `alias target ${current} is not in the directory` }
        break
      }
      const problem = aliasProblem(current, link.target)
      if (problem !== undefined || hops >= MAX_ALIAS_HOPS) {
        const why = problem ?? 'too many levels of aliases'
        result = { error: `systemd ignores the alias ${current}: ${why}` }
        break
      }
      viaSubdirectory ||= link.viaSubdirectory
      current = link.target
    }
    resolved.set(name, result)
    if ('fragment' in result) {
      const names = namesOf.get(result.fragment)
      if (names) names.push(name)
      else namesOf.set(result.fragment, [name])
    }
  }
  return { resolved, namesOf }
}

export interface UnitNames {
  /** the name systemd reports and uses for the unit (DynamicUser= user, drop-in specifiers) */
  id: UnitName
  /** the file the unit is read from (a file name in the directory) */
  fragment: string
  /** the unit's other names, in byte order (the analysed name among them when it is an alias) */
  aliases: UnitName[]
  /** some link of the chain points below the directory (the file read is not the link's target) */
  viaSubdirectory: boolean
}

/**
 * The names of the unit systemd loads for `fileName` of a directory analysed as `analysed` (the
 * file's own name, or the instance a template is analysed as).
 */
export function unitNames(
  index: AliasIndex,
  fileName: string,
  analysed: UnitName
): UnitNames | { error: string } {
  const resolution = index.resolved.get(fileName)
  if (resolution && 'error' in resolution) return { error: resolution.error }
  const fragment = resolution ? resolution.fragment : fileName
  const parsed = parseUnitName(fragment)
  if (!parsed) return { error: `${fragment} is not a valid unit name` }
  const id = parsed.isTemplate ? instantiate(parsed, analysed.instance) : parsed
  const viaSubdirectory = resolution !== undefined && resolution.viaSubdirectory
  const otherNames = index.namesOf.get(fragment)
  if (otherNames === undefined) {
    // the usual unit: no link leads to it, so its only other name is the one it was asked by
    return { id, fragment, aliases: analysed.name === id.name ? [] : [analysed], viaSubdirectory }
  }
  const names = new Set<string>([analysed.name])
  for (const alias of otherNames) {
    const unit = parseUnitName(alias)
    if (!unit) continue
    if (unit.isTemplate) names.add(instantiate(unit, analysed.instance).name)
    else if (!unit.isInstance || unit.instance === analysed.instance) names.add(unit.name)
  }
  names.delete(id.name)
  const aliases = [...names]
    .sort(compareBytes)
    .map((name) => (name === analysed.name ? analysed : parseUnitName(name)))
    .filter((unit): unit is UnitName => unit !== undefined)
  return { id, fragment, aliases, viaSubdirectory }
}

export interface UnitDropInDirectory {
  name: string
  /** index into the unit's aliases when the directory is listed for one of them */
  alias?: number
}

/**
 * Drop-in directories of a unit with aliases, in systemd's order: the id's (most specific first),
 * then each alias's (skipping directories the id already lists; a directory two aliases share is
 * listed for each), then the type-wide one. With no aliases: dropInDirectoryNames(id).
 */
export function unitDropInDirectories(
  id: UnitName,
  aliases: readonly UnitName[]
): UnitDropInDirectory[] {
  const own = dropInDirectoryNames(id)
  const typeWide = own.pop()!
  const result: UnitDropInDirectory[] = own.map((name) => ({ name }))
  const seen = new Set(own)
  aliases.forEach((alias, index) => {
    for (const name of dropInDirectoryNames(alias).slice(0, -1)) {
      if (!seen.has(name)) result.push({ name, alias: index })
    }
  })
  result.push({ name: typeWide })
  return result
}

export interface AliasedDropInCandidate extends DropInCandidate {
  /** index of the alias whose directory holds it (undefined: the id's or the type-wide directory) */
  alias?: number
}

export interface DropInChoices<T> {
  /** each distinct set of drop-ins systemd may apply, in order; the first is orderDropIns()'s */
  orders: T[][]
  /** file names that more than one alias supplies, with the candidate paths */
  conflicts: Array<{ fileName: string; paths: string[] }>
  /** some orders were left out (more than `limit` distinct ones, or more than 7 aliases in conflict) */
  truncated: boolean
}

/**
 * Every distinct outcome of systemd's random order of aliases: a file name that no directory of the
 * id holds but directories of two aliases do is read from whichever alias systemd lists first.
 */
export function dropInChoices<T extends AliasedDropInCandidate>(
  candidates: readonly T[],
  limit = 16
): DropInChoices<T> {
  const first = orderDropIns(candidates)
  if (!candidates.some((c) => c.alias !== undefined)) {
    return { orders: [first], conflicts: [], truncated: false }
  }
  const byName = new Map<string, Map<number, T>>()
  for (const candidate of candidates) {
    if (candidate.alias === undefined || !isDropInFileName(candidate.fileName)) continue
    let perAlias = byName.get(candidate.fileName)
    if (!perAlias) byName.set(candidate.fileName, (perAlias = new Map()))
    const existing = perAlias.get(candidate.alias)
    if (!existing || candidate.directoryRank < existing.directoryRank) {
      perAlias.set(candidate.alias, candidate)
    }
  }
  const winners = new Map(first.map((c) => [c.fileName, c]))
  const contested: Array<{ fileName: string; perAlias: Map<number, T> }> = []
  for (const [fileName, perAlias] of byName) {
    if (winners.get(fileName)?.alias === undefined) continue // the id's own directory wins
    if (new Set([...perAlias.values()].map((c) => c.path)).size < 2) continue
    contested.push({ fileName, perAlias })
  }
  const conflicts = contested.map(({ fileName, perAlias }) => ({
    fileName,
    paths: [...new Set([...perAlias.values()].map((c) => c.path))]
  }))
  if (contested.length === 0) return { orders: [first], conflicts, truncated: false }
  const involved = [...new Set(contested.flatMap((c) => [...c.perAlias.keys()]))].sort(
    (a, b) => a - b
  )
  const orders: T[][] = []
  const seen = new Set<string>()
  // beyond 7 aliases only the first 5040 orders are tried
  let truncated = involved.length > 7
  for (const permutation of permutations(involved)) {
    const chosen = contested.map(({ perAlias }) => {
      const alias = permutation.find((a) => perAlias.has(a))!
      return perAlias.get(alias)!
    })
    const key = chosen.map((c) => c.path).join('\0')
    if (seen.has(key)) continue
    if (orders.length >= limit) {
      truncated = true
      break
    }
    seen.add(key)
    const picked = new Map(winners)
    for (const c of chosen) picked.set(c.fileName, c)
    orders.push([...picked.values()].sort((a, b) => compareBytes(a.fileName, b.fileName)))
  }
  return { orders, conflicts, truncated }
}

/** Permutations in lexicographic order, the identity first; at most 5040 (7 elements' worth). */
function* permutations(items: readonly number[]): Generator<number[]> {
  const a = [...items]
  for (let count = 0; count < 5040; count++) {
    yield [...a]
    let i = a.length - 2
    while (i >= 0 && a[i]! >= a[i + 1]!) i--
    if (i < 0) return
    let j = a.length - 1
    while (a[j]! <= a[i]!) j--
    ;[a[i], a[j]] = [a[j]!, a[i]!]
    a.splice(i + 1, a.length - i - 1, ...a.slice(i + 1).reverse())
  }
}
