/**
 * Drop-in discovery and ordering (unit-file-loading.md 5.5): which NAME.d directories systemd
 * searches for a unit, in precedence order, and how their *.conf files are merged and sorted.
 */
import type { UnitName } from './specifiers.js'
import { instantiate, parseUnitName, templateOf, withFragment } from './specifiers.js'

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

/**
 * The unit's name, its template's and their dash prefixes, each once, in systemd's order: a name's
 * names, then those of its longest dash prefix (which holds the shorter prefixes in turn, as
 * unit_file_find_dirs() recurses on one prefix at a time). Linear in the dashes: recursing on every
 * prefix, each of which recursed on every shorter one, took 2^dashes steps (a name of 40 dashes
 * hung the scan).
 */
function namesFor(unit: UnitName): string[] {
  const names: string[] = []
  const seen = new Set<string>()
  const add = (name: string): void => {
    if (!seen.has(name)) {
      seen.add(name)
      names.push(name)
    }
  }
  for (let current: UnitName | undefined = unit; current !== undefined;) {
    add(current.name)
    if (current.isInstance) {
      const template = parseUnitName(`${current.prefix}@.${current.type}`)
      if (template) {
        add(template.name)
        for (const name of dashPrefixes(template)) add(name)
      }
    }
    // the longest prefix systemd can name (it holds the shorter ones)
    let next: UnitName | undefined
    for (const prefixed of dashPrefixes(current)) {
      next = parseUnitName(prefixed)
      if (next) break
    }
    current = next
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
 * The dependency directories systemd reads for a unit (process_deps(): the drop-in directory
 * names with `.wants`, `.requires`, and from 249 `.upholds`), most specific first.
 */
export function dependencyDirectoryNames(unit: UnitName, version: number): string[] {
  const suffixes = version >= 249 ? ['.wants', '.requires', '.upholds'] : ['.wants', '.requires']
  return [...namesFor(unit), unit.type].flatMap((name) => suffixes.map((s) => name + s))
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

/**
 * From here a drop-in that is a link systemd cannot follow for too many levels (a loop), through a
 * file that is not a directory (ENOTDIR) or to a name over 255 bytes (ENAMETOOLONG) is left out
 * before the file names are matched, so a file of that name in a less specific directory applies:
 * seen in 259 and 262; 252-257 read the link in its place (and nothing). 258 unverified, follows 257.
 * A link to nothing, a directory or /dev/null still takes the name in every version.
 */
export const LOOPING_DROP_IN_SKIPPED = 259

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
// Aliases (unit-file-loading.md 5.5), as systemd's unit_file_build_name_map() and
// unit_file_find_fragment() read a directory: each service entry is a unit file (a regular file, or a
// link leaving the directory: a linked unit file or a mask) or an alias (a link whose target lies in
// the directory or below it names the file of the target's name in the directory); systemd leaves out
// the aliases it refuses. A unit is looked up by the name it is asked for: the chain of aliases is
// followed for at most FOLLOW_MAX names, a missing instance name on the way stands for its template,
// and an instance that is not found is loaded from its template. The unit's id is the file name the
// lookup ends at (with the instance asked for); its drop-ins are those of every name of the unit: the
// id's directories first (they win a file name), then those of each alias (in the order of an
// unordered set, random from run to run), then the type-wide one. Checked against systemd-analyze
// 252 to 262 on generated directories of links (README, footnote 7 of the parity table).
// In an image tree the directory is one of a search path (dropInSearchDirectories()): a link whose
// target lies in any of its directories is an alias, and a name is the entry of the first directory
// holding it (searchPathNameMap()).

/**
 * One symbolic link named like a unit, pointing at `target`: the name of an entry of the same
 * directory, or of the search path (a link below such a directory names the entry of that name, as
 * for systemd).
 */
export interface AliasLink {
  target: string
}

/**
 * What a link to the file `target` of `targetDirectory` is (directories resolved, POSIX): an alias
 * when the target lies in one of the search `directories` (the link's own, or every directory of
 * the image's search path) or below one, else undefined (a linked unit file).
 */
export function aliasLinkFor(
  target: string,
  targetDirectory: string,
  directories: readonly string[]
): AliasLink | undefined {
  for (const directory of directories) {
    if (targetDirectory === directory) return { target }
    const below = directory === '' || directory.endsWith('/') ? directory : `${directory}/`
    if (targetDirectory.startsWith(below)) return { target }
  }
  return undefined
}

/** What a path below an image's root is, for chaseBelowRoot(). */
export type ImageEntry =
  | { kind: 'link'; text: string }
  | { kind: 'directory' }
  /** a regular file, or anything else that is no directory */
  | { kind: 'other' }
  | { kind: 'missing' }

/** systemd's CHASE_SYMLINKS_MAX: the 32nd link on the way is a loop (ELOOP) */
const CHASE_SYMLINKS_MAX = 32

/** NAME_MAX: a longer path component is refused (EINVAL) */
const NAME_MAX_BYTES = 255
const utf8 = new TextEncoder()
const tooLong = (part: string): boolean =>
  part.length > NAME_MAX_BYTES / 3 && utf8.encode(part).length > NAME_MAX_BYTES

/**
 * Where the target of an image's alias link leads, as systemd's chase_symlinks(target, root,
 * CHASE_NOFOLLOW | CHASE_NONEXISTENT) resolves it in unit_file_build_name_map(): every directory on
 * the way is followed below the root (an absolute link's text read from the root, `..` stopping at
 * it), the last component is taken as named, and a rest that does not exist is kept as written.
 * `inImage` is the path from the image's root; `entryAt` says what a path below it is
 * ('/'-separated, no leading slash), as does the result. Undefined where systemd gives the link up
 * and ignores it: a loop, a file where a directory should be, an empty link, a component over
 * NAME_MAX, `..` after a missing directory, or a missing target named with a trailing `/` or `/.`
 * (its name is then "" or ".").
 */
export function chaseBelowRoot(
  inImage: string,
  entryAt: (below: string) => ImageEntry
): string | undefined {
  /** an empty component or `.`: no step at all */
  const noStep = (part: string): boolean => part === '' || part === '.'
  const done: string[] = []
  // components still to walk, the next one last
  const todo = inImage.split('/').reverse()
  let follows = CHASE_SYMLINKS_MAX
  while (todo.length > 0) {
    const part = todo.pop()!
    if (noStep(part)) continue
    if (part === '..') {
      done.pop()
      continue
    }
    if (tooLong(part)) return undefined
    done.push(part)
    const entry = entryAt(done.join('/'))
    if (entry.kind === 'missing') {
      const rest = todo.reverse()
      const last = rest[rest.length - 1]
      if ((last !== undefined && noStep(last)) || rest.includes('..') || rest.some(tooLong))
        return undefined
      return [...done, ...rest.filter((p) => !noStep(p))].join('/')
    }
    // the last component is not followed, a trailing `/` or `/.` notwithstanding (systemd 252
    // takes `web.service -> /opt/link/` as a linked unit file when opt/link is a link to a unit)
    if (entry.kind === 'directory' || todo.every(noStep)) continue
    if (entry.kind === 'other') return undefined
    if (--follows <= 0 || entry.text === '') return undefined
    done.pop()
    if (entry.text.startsWith('/')) done.length = 0
    todo.push(...entry.text.split('/').reverse())
  }
  return done.join('/')
}

/**
 * Whether a link's text ends in `/` or `/.`: a missing target so named has the name "" or "." for
 * systemd, which gives the link up (chaseBelowRoot() in an image, the scan and the base elsewhere).
 */
export const endsInSlash = (text: string): boolean => /\/\.?$/.test(text)

/** Why systemd refuses `alias` → `target` (unit_validate_alias_symlink_or_warn), or undefined. */
export function aliasProblem(alias: string, target: string): string | undefined {
  const from = parseUnitName(alias)
  const to = parseUnitName(target)
  if (!from) return `${alias} is not a valid unit name`
  if (!to) return `it points to ${target}, which is not a valid unit name`
  if (from.type !== to.type) return `it points to ${target}, a unit of another type`
  if (alias === target) return 'it points to itself'
  const kind = (u: UnitName): string =>
    u.isTemplate ? 'a template' : u.isInstance ? 'an instance' : 'a plain'
  if (kind(from) !== kind(to) && !(from.isInstance && to.isTemplate)) {
    return `it points to ${target}, ${kind(to)} name, from ${kind(from)} name`
  }
  if (from.isInstance && to.isInstance && from.instance !== to.instance) {
    return `it points to ${target}, another instance`
  }
  return undefined
}

/** A directory's service names as systemd maps them. */
export interface NameMap {
  /**
   * What a name is in the directory: null a unit file (a regular file, or a link leaving the
   * directory), a string the name it is an alias of, undefined neither (absent, or refused).
   */
  get(name: string): string | null | undefined
  /** links systemd refuses as aliases, with the reason */
  refused: ReadonlyMap<string, string>
  /** the names whose lookup ends at this unit file name (systemd's unit_names_map) */
  namesOf(name: string): readonly string[]
  /** false: no links, every unit file is a unit of its own name only */
  hasLinks: boolean
  /** which directory holds the entry of a name: its index in the list the map was built from */
  holderOf(name: string): number
  /**
   * the instances of template `template` (foo@.service) that an alias names (bar@web.service ->
   * foo@.service or -> foo@web.service names web), in byte order
   */
  aliasedInstances(template: string): string[]
}

/** A directory's entries for buildNameMap(): its regular files, and its links as the caller classified them. */
export interface DirectoryLinks {
  /** whether the directory holds a regular file of this name */
  isFile(name: string): boolean
  /** its links named like units: an alias, or 'linked' (leaving the directory, a mask included) */
  links: ReadonlyMap<string, AliasLink | 'linked'>
}

/** systemd follows at most this many names (FOLLOW_MAX): a chain of 8 aliases is not found. */
const FOLLOW_MAX = 8

type Lookup = { fragment: string } | 'not-found' | 'loop'

/** unit_ids_map_get(): the unit file a name leads to. */
function lookUp(map: Pick<NameMap, 'get'>, name: string): Lookup {
  let id: string | undefined
  for (let n = 0; n < FOLLOW_MAX; n++) {
    let key = id ?? name
    let target = map.get(key)
    if (target === undefined) {
      if (id === undefined) return 'not-found'
      // a hop to an instance name that is not there is a hop to its template
      const template = templateNameOf(id)
      if (template === undefined) return 'not-found'
      key = template
      target = map.get(template)
      if (target === undefined) return 'not-found'
    }
    if (target === null) return { fragment: key }
    id = target
  }
  return 'loop'
}

/** foo@.service for foo@bar.service and foo@.service; undefined for a plain name. */
function templateNameOf(name: string): string | undefined {
  const unit = parseUnitName(name)
  return unit?.isTemplate ? unit.name : unit && templateOf(unit)
}

/** The name map of a directory without links: every regular file is a unit file of its own name. */
function plainNameMap(isFile: (name: string) => boolean): NameMap {
  return {
    get: (name) => (isFile(name) ? null : undefined),
    refused: new Map(),
    namesOf: (name) => (isFile(name) ? [name] : []),
    hasLinks: false,
    holderOf: () => 0,
    aliasedInstances: () => []
  }
}

/** unit_file_build_name_map() for one directory. */
export function buildNameMap({ isFile, links }: DirectoryLinks): NameMap {
  if (links.size === 0) return plainNameMap(isFile)
  const aliases = new Map<string, string | null>()
  const refused = new Map<string, string>()
  for (const [name, link] of links) {
    if (link === 'linked') {
      aliases.set(name, null)
      continue
    }
    const problem = aliasProblem(name, link.target)
    if (problem === undefined) aliases.set(name, link.target)
    else refused.set(name, `systemd ignores the alias ${name}: ${problem}`)
  }
  const get = (name: string): string | null | undefined =>
    aliases.has(name) ? aliases.get(name) : isFile(name) ? null : undefined
  // the reverse map, over the links; a regular file nothing leads to is only its own name
  const reverse = new Map<string, string[]>()
  const add = (key: string, name: string): void => {
    const names = reverse.get(key)
    if (names) names.push(name)
    else reverse.set(key, [name])
  }
  for (const name of [...aliases.keys()].sort(compareBytes)) {
    const found = lookUp({ get }, name)
    if (typeof found === 'string') continue
    const from = parseUnitName(name)
    const to = parseUnitName(found.fragment)
    // an instance leading to a template is an alias of that instance of it only
    const key =
      from?.isInstance && to?.isTemplate ? instantiate(to, from.instance).name : found.fragment
    add(key, name)
  }
  return {
    get,
    refused,
    hasLinks: true,
    holderOf: () => 0,
    aliasedInstances: (template) => {
      const instances: string[] = []
      for (const [key, names] of reverse) {
        const unit = parseUnitName(key)
        if (!unit?.isInstance || templateOf(unit) !== template) continue
        if (names.some((name) => name !== key)) instances.push(unit.instance!)
      }
      return instances.sort(compareBytes)
    },
    namesOf: (name) => {
      const names = reverse.get(name) ?? []
      return isFile(name) && !aliases.has(name) ? [name, ...names] : names
    }
  }
}

/**
 * unit_file_build_name_map() over the directories of a search path, in systemd's order: the first
 * directory holding a regular file or a link of a name decides what it is (a link systemd refuses
 * as an alias leaves the name to the directories after it). `own`: the scanned unit file's name and
 * directory, whose entry decides that one name wherever it stands (a file shadowed by a higher
 * directory is still scored as itself); every other name goes by systemd's order.
 */
export function searchPathNameMap(
  directories: readonly DirectoryLinks[],
  own?: { name: string; holder: number }
): NameMap {
  if (directories.length === 1) return buildNameMap(directories[0]!)
  const accepted = (name: string, link: AliasLink | 'linked'): boolean =>
    link === 'linked' || aliasProblem(name, link.target) === undefined
  // the first link of each name that systemd takes, and the first it refuses (its message)
  const linkOf = new Map<string, { holder: number; link: AliasLink | 'linked' }>()
  const refusedLinkOf = new Map<string, AliasLink>()
  directories.forEach(({ links }, holder) => {
    for (const [name, link] of links) {
      if (!accepted(name, link)) {
        if (!refusedLinkOf.has(name)) refusedLinkOf.set(name, link as AliasLink)
      } else if (!linkOf.has(name)) linkOf.set(name, { holder, link })
    }
  })
  // the scanned file's own entry, when it is one systemd takes
  if (own !== undefined) {
    const { links, isFile } = directories[own.holder]!
    const link = links.get(own.name)
    if (link !== undefined && accepted(own.name, link))
      linkOf.set(own.name, { holder: own.holder, link })
    else if (isFile(own.name)) linkOf.delete(own.name)
  }
  const holderOf = (name: string): number => {
    if (
      own !== undefined &&
      name === own.name &&
      (directories[own.holder]!.isFile(name) || linkOf.get(name)?.holder === own.holder)
    )
      return own.holder
    const link = linkOf.get(name)
    const before = link?.holder ?? directories.length
    for (let holder = 0; holder < before; holder++) {
      if (directories[holder]!.isFile(name)) return holder
    }
    return link?.holder ?? -1
  }
  const links = new Map<string, AliasLink | 'linked'>()
  for (const [name, { holder, link }] of linkOf)
    if (holderOf(name) === holder) links.set(name, link)
  for (const [name, link] of refusedLinkOf) if (holderOf(name) === -1) links.set(name, link)
  const map = buildNameMap({
    isFile: (name) => {
      const holder = holderOf(name)
      return holder !== -1 && linkOf.get(name)?.holder !== holder
    },
    links
  })
  return { ...map, holderOf: (name) => Math.max(0, holderOf(name)) }
}

/**
 * The name maps of image search paths, each made once from `entriesOf` (the entries of the
 * directories of a search path below `root`), and once more for a file whose own name a higher
 * directory holds (see searchPathNameMap).
 */
export function searchPathNameMaps(
  entriesOf: (searched: readonly string[], root: string) => DirectoryLinks[]
): (dir: string, searched: readonly string[], root: string, ownName?: string) => NameMap {
  const paths = new Map<
    string,
    { entries: DirectoryLinks[]; map: NameMap; shadowed: Map<string, NameMap> }
  >()
  return (dir, searched, root, ownName) => {
    const key = searched.join('\0')
    let path = paths.get(key)
    if (path === undefined) {
      const entries = entriesOf(searched, root)
      path = { entries, map: searchPathNameMap(entries), shadowed: new Map() }
      paths.set(key, path)
    }
    const holder = searched.indexOf(dir)
    if (ownName === undefined || holder < 0 || path.map.holderOf(ownName) === holder)
      return path.map
    const { isFile, links } = path.entries[holder]!
    if (!isFile(ownName) && !links.has(ownName)) return path.map
    const ownKey = `${holder}\0${ownName}`
    let map = path.shadowed.get(ownKey)
    if (map === undefined) {
      map = searchPathNameMap(path.entries, { name: ownName, holder })
      path.shadowed.set(ownKey, map)
    }
    return map
  }
}

/**
 * Whether a unit file's own name leads on by name where systemd looks it up: an alias, or the entry
 * of another directory of the search path (`lookedUp`, the map's directories); such a link need
 * not lead anywhere from the checkout.
 */
export function leadsByName(
  map: NameMap,
  name: string,
  lookedUp: readonly string[],
  directory: string
): boolean {
  const entry = map.get(name)
  return typeof entry === 'string' || (entry === null && lookedUp[map.holderOf(name)] !== directory)
}

/**
 * The directories a unit file's names are looked up in: its search path, in systemd's order (with
 * its own directory first where the path leaves it out).
 */
export function nameLookupDirectories(
  directory: string,
  searched: readonly string[]
): readonly string[] {
  return searched.includes(directory) ? searched : [directory, ...searched]
}

export interface UnitNames {
  /** the name systemd reports and uses for the unit (DynamicUser= user, drop-in specifiers) */
  id: UnitName
  /** the entry of the directory the unit is read from */
  fragment: string
  /** the unit's other names, in byte order (the name asked for among them when it is not the id) */
  aliases: UnitName[]
  /** the instance asked for is loaded from its template although the directory holds that name */
  templateInstead?: string
}

/**
 * The names a unit is loaded under: its id, and the name asked for when that is another (an alias),
 * both naming the directory entry read, which %y gives (an instance's own file, not its template).
 */
export function loadedNames(
  asked: UnitName,
  names: UnitNames
): { unit: UnitName; requestedAs: UnitName | undefined } {
  return {
    unit: withFragment(names.id, names.fragment),
    requestedAs: asked.name === names.id.name ? undefined : withFragment(asked, names.fragment)
  }
}

/**
 * The most names a unit may have for the gate to score it: each of a unit's names is a unit the scan
 * scores, with all the others, so n links to one file cost n^2 (5,000 took 21 s, 10,000 over a
 * minute). Above it every such name is an `error`: the gate fails, not scores less.
 */
export const MAX_UNIT_NAMES = 1000

/** Why unitNames() found no unit; `tooMany`: the unit has more names than MAX_UNIT_NAMES. */
export interface UnitNamesError {
  error: string
  tooMany?: true
}

/** What a report says of a name unitNames() found no unit for. */
export function unitNamesProblem(problem: UnitNamesError, asked: UnitName): string {
  return problem.tooMany ? problem.error : `${problem.error}; systemd does not find ${asked.name}`
}

/**
 * The unit systemd loads when asked for `asked` in a directory (unit_file_find_fragment(); a template
 * file is asked for as the instance systemd-analyze gives it), or why it finds none.
 */
export function unitNames(map: NameMap, asked: UnitName): UnitNames | UnitNamesError {
  let found = lookUp(map, asked.name)
  const template = templateOf(asked)
  if (found === 'not-found' && template !== undefined) found = lookUp(map, template)
  if (found === 'loop') {
    return { error: `more than ${FOLLOW_MAX} names on the way from ${asked.name} (alias loop?)` }
  }
  if (found === 'not-found') {
    const why = [asked.name, ...(template ? [template] : [])].map((n) => whyAbsent(map, n))
    return { error: why.find((w) => w !== undefined) ?? `${asked.name} is not in the directory` }
  }
  const { fragment } = found
  // no links: the unit file of the name asked for, or of its template; no other name
  if (!map.hasLinks) return { id: asked, fragment, aliases: [] }
  const count = map.namesOf(fragment).length
  if (count > MAX_UNIT_NAMES) {
    return {
      error: `${count} names lead to ${fragment}, more than the ${MAX_UNIT_NAMES} the gate follows (systemd takes them all; the gate stops there to stay fast)`,
      tooMany: true
    }
  }
  const parsed = parseUnitName(fragment)
  if (!parsed || (parsed.isTemplate && !asked.isInstance)) {
    return { error: `${fragment} is not a unit file for ${asked.name}` }
  }
  const fileId = parsed.isTemplate ? instantiate(parsed, asked.instance) : parsed
  // add_names(): the name asked for and its aliases, then the fragment's name and its aliases. A
  // template name is kept as written (the unit takes it as its instance of it), so the fragment's
  // instance name is among them only when an alias adds it ...
  const names = new Set<string>()
  const addNames = (name: string, fragmentName?: string): void => {
    names.add(name)
    for (const alias of map.namesOf(name)) {
      const unit = parseUnitName(alias)
      if (!unit) continue
      if (!(asked.isInstance && unit.isTemplate)) {
        names.add(alias)
        continue
      }
      const instance = instantiate(unit, asked.instance).name
      // an instance name that leads elsewhere is not an alias of this unit
      const leadsTo = lookUp(map, instance)
      if (
        fragmentName !== undefined &&
        typeof leadsTo !== 'string' &&
        leadsTo.fragment !== fragmentName
      )
        continue
      names.add(instance)
    }
  }
  addNames(asked.name)
  if (fragment !== asked.name) addNames(fragment, fragment)
  // ... and only a name among them becomes the id (merge_by_names): else the unit keeps the name
  // it was asked for
  const id = names.has(fileId.name) ? fileId : asked
  const unitNamesOf = new Set(
    [...names].map((name) => {
      const unit = parseUnitName(name)
      return unit?.isTemplate ? instantiate(unit, asked.instance).name : name
    })
  )
  unitNamesOf.delete(id.name)
  const aliases = [...unitNamesOf]
    .sort(compareBytes)
    .map((name) => (name === asked.name ? asked : parseUnitName(name)))
    .filter((unit): unit is UnitName => unit !== undefined)
  const result: UnitNames = { id, fragment, aliases }
  const ownEntryFails =
    parsed.isTemplate && asked.isInstance ? whyAbsent(map, asked.name) : undefined
  if (ownEntryFails !== undefined) result.templateInstead = ownEntryFails
  return result
}

/** Why a name the directory holds leads nowhere (undefined: the directory does not hold it). */
function whyAbsent(map: NameMap, name: string): string | undefined {
  const refused = map.refused.get(name)
  if (refused !== undefined) return refused
  let current = map.get(name)
  if (current === undefined || current === null) return undefined
  for (let n = 1; typeof current === 'string' && n < FOLLOW_MAX; n++) {
    const next: string | null | undefined = map.get(current)
    if (next === undefined) {
      const refusedHop = map.refused.get(current)
      return refusedHop ?? `alias target ${current} is not in the directory`
    }
    current = next
  }
  return undefined
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

/**
 * systemd's unit search path below a root, highest priority first, as systemd-analyze --root reads
 * it offline (measured 252-262: the transient and generator directories are not read). Debian's
 * split-usr builds before 255 search lib/ between usr/local/lib/ and usr/lib/; from 255 systemd
 * searches no lib/, but on the merged-/usr systems those versions run lib/ is usr/lib/, so what a
 * tree keeps in lib/systemd/system is deployed there: read last, and only maybe (see
 * isMergedUsrDirectory).
 */
const SEARCH_PATH = [
  'etc/systemd/system.control',
  'run/systemd/system.control',
  'etc/systemd/system',
  'etc/systemd/system.attached',
  'run/systemd/system',
  'run/systemd/system.attached',
  'usr/local/lib/systemd/system'
]
const SPLIT_USR_UNTIL = 254

/**
 * A user's service manager's search path below a root, without the user's own directories
 * (~/.config, ~/.local/share, $XDG_RUNTIME_DIR), highest priority first: XDG_CONFIG_DIRS (/etc/xdg),
 * /etc, /run, XDG_DATA_DIRS (/usr/local/share, /usr/share), then /usr/local/lib and /usr/lib
 * (measured at 252 and 262 with the host's directories and XDG_CONFIG_DIRS).
 */
const USER_SEARCH_PATH = [
  'etc/xdg/systemd/user',
  'etc/systemd/user',
  'run/systemd/user',
  'usr/local/share/systemd/user',
  'usr/share/systemd/user',
  'usr/local/lib/systemd/user',
  'usr/lib/systemd/user'
]

/** Which service manager's search path (see dropInSearchDirectories). */
export type SearchPathScope = 'system' | 'user'

const searchPaths = new Map<string, { path: string[]; bySuffixLength: string[] }>()

function searchPathFor(
  version: number,
  scope: SearchPathScope
): { path: string[]; bySuffixLength: string[] } {
  const splitUsr = version <= SPLIT_USR_UNTIL
  const key = `${scope}${splitUsr}`
  let known = searchPaths.get(key)
  if (!known) {
    const path =
      scope === 'user'
        ? USER_SEARCH_PATH
        : splitUsr
          ? [...SEARCH_PATH, 'lib/systemd/system', 'usr/lib/systemd/system']
          : [...SEARCH_PATH, 'usr/lib/systemd/system', 'lib/systemd/system']
    // the longest first: lib/systemd/system is a suffix of usr/lib/systemd/system
    known = { path, bySuffixLength: [...path].sort((a, b) => b.length - a.length) }
    searchPaths.set(key, known)
  }
  return known
}

/**
 * The root below which `directory` is a directory of the (system or user manager's) search path
 * (`rootfs/` for rootfs/usr/lib/systemd/system; '' for usr/lib/systemd/system itself), or
 * undefined when it is none. `sep`: the separator the paths use.
 */
export function searchPathRoot(
  directory: string,
  version: number,
  sep = '/',
  scope: SearchPathScope = 'system'
): string | undefined {
  for (const suffix of searchPathFor(version, scope).bySuffixLength) {
    const tail = sep === '/' ? suffix : suffix.split('/').join(sep)
    if (directory === tail || directory.endsWith(sep + tail))
      return directory.slice(0, directory.length - tail.length)
  }
  return undefined
}

/**
 * The directories systemd reads a unit's drop-ins from when its file lies in `directory`: every
 * directory of the (system or user manager's) search path below the same root when `directory` is
 * one of them (an image or overlay tree such as rootfs/usr/lib/systemd/system, whose
 * rootfs/etc/systemd/system/NAME.d/ applies too), else `directory` alone. `sep`: the separator the
 * paths use.
 */
export function dropInSearchDirectories(
  directory: string,
  version: number,
  sep = '/',
  scope: SearchPathScope = 'system'
): string[] {
  const key = `${version}\0${sep}\0${scope}\0${directory}`
  if (key === lastSearch.key) return lastSearch.directories
  const root = searchPathRoot(directory, version, sep, scope)
  const directories =
    root === undefined
      ? [directory]
      : searchPathFor(version, scope).path.map(
          (entry) => root + (sep === '/' ? entry : entry.split('/').join(sep))
        )
  lastSearch = { key, directories }
  return directories
}

/** searchPathRoot() of a system manager's search path, else of a user manager's. */
export function eitherSearchPathRoot(
  directory: string,
  version: number,
  sep = '/'
): string | undefined {
  return searchPathRoot(directory, version, sep) ?? searchPathRoot(directory, version, sep, 'user')
}

/**
 * The search directories of a unit file's directory: the system manager's search path, or the
 * user manager's for a directory of that one (the Action's change detection, which takes both).
 */
export function eitherSearchDirectories(directory: string, version: number): string[] {
  const system = dropInSearchDirectories(directory, version)
  return system.length > 1 ? system : dropInSearchDirectories(directory, version, '/', 'user')
}

/** the last answer of dropInSearchDirectories (units come directory by directory) */
let lastSearch: { key: string; directories: string[] } = { key: '', directories: [] }

/**
 * Whether systemd reads a search directory of dropInSearchDirectories() only when the tree is
 * deployed on a merged-/usr system (lib/systemd/system from 255: systemd-analyze --root on the tree
 * does not read it): its drop-ins are judged both ways, as those behind a relative link.
 */
export function isMergedUsrDirectory(directory: string, version: number, sep = '/'): boolean {
  if (version <= SPLIT_USR_UNTIL) return false
  const root = searchPathRoot(directory, version, sep)
  return root !== undefined && directory === root + ['lib', 'systemd', 'system'].join(sep)
}

export interface SearchedDropInDirectory extends UnitDropInDirectory {
  /** the search directory that holds it */
  directory: string
}

/**
 * The drop-in directories systemd walks for a unit (unit_file_find_dropin_paths()): each name's
 * directories (the id's, then each alias's, see unitDropInDirectories) in every search directory
 * in turn, then the type-wide one in every search directory. The index is the directory's rank.
 */
export function searchedDropInDirectories(
  id: UnitName,
  aliases: readonly UnitName[],
  searchDirectories: readonly string[]
): SearchedDropInDirectory[] {
  const own = unitDropInDirectories(id, aliases)
  if (searchDirectories.length === 1) {
    const directory = searchDirectories[0]!
    return own.map((entry) => ({ ...entry, directory }))
  }
  const typeWide = own.pop()!
  const walk: SearchedDropInDirectory[] = []
  for (let start = 0; start < own.length;) {
    let end = start
    while (end < own.length && own[end]!.alias === own[start]!.alias) end++
    for (const directory of searchDirectories) {
      for (let k = start; k < end; k++) walk.push({ ...own[k]!, directory })
    }
    start = end
  }
  for (const directory of searchDirectories) walk.push({ ...typeWide, directory })
  return walk
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
  limit = MAX_PERMUTATIONS
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
  // beyond 7 aliases only the first MAX_PERMUTATIONS orders are tried
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

/** Orders of aliases tried at most: 7 aliases' worth (each distinct outcome is scored). */
const MAX_PERMUTATIONS = 5040

/** Permutations in lexicographic order, the identity first; at most MAX_PERMUTATIONS. */
function* permutations(items: readonly number[]): Generator<number[]> {
  const a = [...items]
  for (let count = 0; count < MAX_PERMUTATIONS; count++) {
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

/**
 * The instances of template `prefix@.service` that have a drop-in directory of their own beside it
 * and no unit file (foo@web.service.d/ beside foo@.service): systemd merges those drop-ins into that
 * instance, so a change there weakens a real instance systemd-analyze's test instance never shows.
 * `names`: the directory's entries; `isFile`: a regular file (no drop-in directory); `has`: an entry.
 */
export function instancesWithDropIns(
  prefix: string,
  names: Iterable<string>,
  isFile: (name: string) => boolean,
  has: (name: string) => boolean
): string[] {
  const instances: string[] = []
  const lead = `${prefix}@`
  for (const name of names) {
    if (!name.startsWith(lead) || !name.endsWith('.service.d') || isFile(name)) continue
    const instance = name.slice(lead.length, -'.service.d'.length)
    if (instance === '' || has(`${lead}${instance}.service`)) continue
    if (parseUnitName(`${lead}${instance}.service`)?.isInstance !== true) continue
    instances.push(instance)
  }
  return instances.sort()
}

/**
 * The prefixes a template's instances go by: its own, and those of the templates aliased to it
 * (`bar` for foo@.service with bar@.service -> foo@.service): bar@web.service.d/ reaches foo@web.
 * `aliases`: the other names of one of its instances.
 */
export function templatePrefixes(template: UnitName, aliases: readonly UnitName[]): string[] {
  return [
    ...new Set([template.prefix, ...aliases.filter((a) => a.isInstance).map((a) => a.prefix)])
  ]
}

/** Directories of dependencies that `systemctl enable` fills with links (multi-user.target.wants/). */
const DEPENDENCY_DIRECTORY = /\.(wants|requires|upholds)$/

export const isDependencyDirectory = (name: string): boolean => DEPENDENCY_DIRECTORY.test(name)

/**
 * The instances of template `prefix@.service` that links in dependency directories enable
 * (multi-user.target.wants/foo@root.service): the instances that run, which the test instance may
 * not show (a `User=%i`). `linkNames`: the entries of those directories.
 */
export function enabledInstances(prefix: string, linkNames: Iterable<string>): string[] {
  const instances = new Set<string>()
  const lead = `${prefix}@`
  for (const name of linkNames) {
    if (!name.startsWith(lead) || !name.endsWith('.service')) continue
    const instance = name.slice(lead.length, -'.service'.length)
    if (instance === '' || parseUnitName(name)?.isInstance !== true) continue
    instances.add(instance)
  }
  return [...instances].sort()
}

/**
 * dropInChoices() without the drop-ins systemd may or may not read (behind a drop-in directory that
 * is a relative link: it depends on its working directory), then with them: every pick of both
 * ways, of which the caller judges the worse.
 */
export function dropInChoicesEitherWay<T extends AliasedDropInCandidate>(
  candidates: readonly T[],
  maybeRead: readonly T[]
): DropInChoices<T> {
  const choices = dropInChoices(candidates)
  if (maybeRead.length === 0) return choices
  const withThem = dropInChoices([...candidates, ...maybeRead])
  return {
    orders: [...choices.orders, ...withThem.orders],
    // the names in conflict with them, and whether either way had more orders than were tried
    conflicts: withThem.conflicts.length > 0 ? withThem.conflicts : choices.conflicts,
    truncated: choices.truncated || withThem.truncated
  }
}
