/**
 * Units as they were at the base commit, scored from git objects (never from the API, never from the
 * working tree): the unit file and the drop-ins systemd would merge, as the base tree held them.
 */
import type {
  AliasedDropInCandidate,
  AliasLink,
  DirectoryLinks,
  ImageEntry,
  NameMap
} from '../core/dropins.js'
import {
  aliasLinkFor,
  chaseBelowRoot,
  endsInSlash,
  instancesWithDropIns,
  buildNameMap,
  leadsByName,
  nameLookupDirectories,
  searchPathNameMaps,
  templatePrefixes,
  searchPathRoot,
  dropInChoicesEitherWay,
  dropInDirectoryNames,
  loadedNames,
  LOOPING_DROP_IN_SKIPPED,
  dropInSearchDirectories,
  enabledInstances,
  isMergedUsrDirectory,
  isDependencyDirectory,
  searchedDropInDirectories,
  unitNames,
  unitNamesProblem
} from '../core/dropins.js'
import { aliasesMatching, holdsOwnDropIn, installNames, installTexts } from '../core/install.js'
import type { GateOptions, UnitReport } from '../core/report.js'
import type { ScopeHint } from '../core/scope.js'
import { managerAskedBy } from '../core/scope.js'
import { analyzeUnit, errorReport } from '../core/report.js'
import type { UnitFileInput } from '../core/service.js'
import type { UnitName } from '../core/specifiers.js'
import { analysedUnitName, parseUnitName, templateOf } from '../core/specifiers.js'
import type { SearchPathView } from '../core/started-services.js'
import { instancesStartedOnSearchPath, MAX_JUDGED_INSTANCES } from '../core/started-services.js'
import {
  isAbsoluteLink,
  MAX_UNIT_FILE_BYTES,
  newAliases,
  TOO_MANY_INSTANCES,
  TOO_MANY_STARTED,
  worse
} from '../scan/scan.js'
import type { TreeEntry } from './git.js'

export interface BaseTree {
  /** entries keyed by path relative to the repository top */
  entries: ReadonlyMap<string, TreeEntry>
  /** blob contents by id (a batch reader; may be called more than once) */
  read(oids: string[]): ReadonlyMap<string, Uint8Array>
  /** the workspace relative to the repository top ('' when equal) */
  prefix: string
  /**
   * Where the repository top is in the checkout (absolute; its real path too when it differs): an
   * absolute link into it is followed inside the tree, as the kernel follows it in the checkout.
   */
  topPaths?: readonly string[]
}

type Resolved =
  | { kind: 'file'; path: string; entry: TreeEntry }
  | { kind: 'dir'; path: string }
  | { kind: 'devnull' }
  /** `path`: where the links led, which is not in the tree; `early`: see BaseReader.resolve() */
  | { kind: 'missing'; path: string; early?: true }
  | { kind: 'error'; reason: string; loop?: true }

const MAX_LINK_HOPS = 40
/** git's file mode of a symbolic link */
export const SYMLINK = '120000'

const dirOf = (p: string): string => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '')
const baseName = (p: string): string => p.slice(p.lastIndexOf('/') + 1)
const join = (dir: string, name: string): string => (dir === '' ? name : `${dir}/${name}`)

/** Normalises a POSIX path relative to the top; undefined when it climbs out. */
export function normalize(p: string): string | undefined {
  const parts: string[] = []
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue
    if (part === '..') {
      if (parts.length === 0) return undefined
      parts.pop()
    } else parts.push(part)
  }
  return parts.join('/')
}

/**
 * The tree path an absolute link leads to when it names a place below one of the top's paths
 * (`/work/repo/units/a.service` -> `units/a.service`), or undefined when it leads out of the
 * repository. '..' before the top is left to the kernel's real directories: not followed.
 */
export function absoluteLinkInTree(
  target: string,
  topPaths: readonly string[]
): string | undefined {
  const parts = target.split('/').filter((part) => part !== '' && part !== '.')
  for (const top of topPaths) {
    const topParts = top.split('/').filter((part) => part !== '' && part !== '.')
    if (topParts.includes('..') || parts.length < topParts.length) continue
    if (topParts.every((part, i) => parts[i] === part))
      return parts.slice(topParts.length).join('/')
  }
  return undefined
}

class BaseReader {
  private readonly dirs = new Map<string, string[]>()
  private readonly cache = new Map<string, Uint8Array>()

  constructor(private readonly tree: BaseTree) {
    // the paths listed so far (a search of a directory's list for each of its entries took N^2 for
    // a base tree of N entries in one directory)
    const listed = new Set<string>()
    for (const file of tree.entries.keys()) {
      // Every ancestor directory of every entry.
      let child = file
      for (let dir = dirOf(file); ; dir = dirOf(dir)) {
        const names = this.dirs.get(dir)
        const name = child.slice(dir === '' ? 0 : dir.length + 1)
        if (names) {
          if (!listed.has(child)) {
            listed.add(child)
            names.push(name)
          }
          break
        }
        listed.add(child)
        this.dirs.set(dir, [name])
        if (dir === '') break
        child = dir
      }
    }
  }

  prefetch(oids: string[]): void {
    const wanted = oids.filter((oid) => !this.cache.has(oid))
    if (wanted.length === 0) return
    for (const [oid, bytes] of this.tree.read(wanted)) this.cache.set(oid, bytes)
  }

  bytes(entry: TreeEntry): Uint8Array | undefined {
    if (!this.cache.has(entry.oid)) this.prefetch([entry.oid])
    return this.cache.get(entry.oid)
  }

  list(dir: string): string[] {
    return this.dirs.get(dir) ?? []
  }

  private readonly nameMaps = new Map<string, NameMap>()

  /**
   * A directory's service names, its links classified as the scanner classifies them in the
   * checkout: a link (relative, or absolute into the repository) whose target lies in the
   * directory (or below it; or in a directory of `searched`, the search path of an image tree the
   * directory is one of) is an alias, any other a linked unit file (a mask too).
   */
  nameMap(
    dir: string,
    searched: readonly string[] = [dir],
    root?: string,
    /** the scanned unit file's name: its own entry decides it (see searchPathNameMap) */
    ownName?: string
  ): NameMap {
    if (searched.length === 1 || root === undefined) {
      let map = this.nameMaps.get(dir)
      if (!map) this.nameMaps.set(dir, (map = buildNameMap(this.directoryLinks(dir))))
      return map
    }
    return this.imageNameMap(dir, searched, root, ownName)
  }

  /** image search paths' name maps: absolute links are read below the image's root */
  private readonly imageNameMap = searchPathNameMaps((searched, root) => {
    // systemd's expanded search path: a directory that is a link holds aliases by either path
    const real = searched.flatMap((d) => {
      const here = this.resolve(d)
      return here.kind === 'dir' ? [here.path] : []
    })
    // an image root that is a link (rootfs -> img) is read where it leads, as the kernel reads it
    const top = root === '' ? undefined : this.resolve(root.replace(/\/$/, ''))
    const realRoot = top?.kind === 'dir' ? `${top.path}/` : root
    const image = { root, realRoot, directories: [...searched, ...real] }
    return searched.map((d) => this.directoryLinks(d, image))
  })

  private directoryLinks(
    dir: string,
    /**
     * an image's root (where absolute links start), where it leads, and its search path as named
     * then as resolved
     */
    image?: { root: string; realRoot: string; directories: readonly string[] }
  ): DirectoryLinks {
    const links = new Map<string, AliasLink | 'linked'>()
    // a directory reached through a link is listed where it leads, as opendir() reads it
    const here = this.resolve(dir)
    const listed = here.kind === 'dir' ? here.path : dir
    const names = this.list(listed)
    const entryOf = (name: string): TreeEntry | undefined =>
      this.tree.entries.get(join(listed, name))
    for (const name of names) {
      const entry = entryOf(name)
      if (!entry || entry.mode !== SYMLINK || parseUnitName(name)?.type !== 'service') continue
      const text = this.linkText(entry)
      if (image) {
        // as the scan: the target followed below the image's root (see chaseBelowRoot)
        const inImage = chaseBelowRoot(
          text.startsWith('/') ? text : `/${dir.slice(image.root.length)}/${text}`,
          (below) => this.imageEntry(image.realRoot + below)
        )
        // one systemd gives up is no entry at all, as in the scan
        if (inImage === undefined) continue
        // as systemd: below the root as given, compared with the named and the resolved directories
        const below = image.root + inImage
        links.set(name, aliasLinkFor(baseName(below), dirOf(below), image.directories) ?? 'linked')
        continue
      }
      const target = text.startsWith('/')
        ? absoluteLinkInTree(text, this.tree.topPaths ?? [])
        : normalize(join(dir, text))
      // as the scan: a missing target named with a trailing `/` or `/.` is given up
      if (endsInSlash(text) && (target === undefined || this.resolve(target).kind === 'missing'))
        continue
      // systemd resolves the directories on the way, not the file itself; missing ones stay as named
      const parent = target === undefined ? undefined : this.resolve(dirOf(target))
      const parentPath =
        parent?.kind === 'dir'
          ? parent.path
          : parent?.kind === 'missing'
            ? dirOf(target!)
            : undefined
      const link =
        parentPath !== undefined && here.kind === 'dir'
          ? aliasLinkFor(baseName(target!), parentPath, [here.path])
          : undefined
      links.set(name, link ?? 'linked')
    }
    return {
      isFile: (name) => {
        const entry = entryOf(name)
        return entry !== undefined && entry.mode !== SYMLINK && entry.type === 'blob'
      },
      links
    }
  }

  /** What a path of the tree is, for chaseBelowRoot(). */
  private imageEntry(file: string): ImageEntry {
    const entry = this.tree.entries.get(file)
    if (entry?.mode === SYMLINK) return { kind: 'link', text: this.linkText(entry) }
    if (this.dirs.has(file)) return { kind: 'directory' }
    return entry ? { kind: 'other' } : { kind: 'missing' }
  }

  /** What a symbolic link's blob says it points to. */
  linkText(entry: TreeEntry): string {
    return new TextDecoder().decode(this.bytes(entry) ?? new Uint8Array())
  }

  /**
   * Follows symbolic links inside the tree, as the kernel does in the checkout: a link anywhere on the
   * path (a linked directory too), '..' taken from the directory reached. A path that is not there
   * is `missing`, `early` when the lookup fails before it could (a name over 255 bytes, a file where
   * a directory should be: ENAMETOOLONG, ENOTDIR), which from 259 leaves a drop-in out as a loop does.
   */
  resolve(start: string): Resolved {
    const pending = start.split('/').reverse()
    let current = ''
    let hops = 0
    let followed = start
    while (pending.length > 0) {
      const part = pending.pop()!
      if (part === '' || part === '.') continue
      if (part === '..') {
        // the top of the repository has no parent the gate may read
        if (current === '') return leavesRepository(followed)
        current = dirOf(current)
        continue
      }
      const next = join(current, part)
      const last = pending.every((p) => p === '' || p === '.')
      if (part.length > 85 && new TextEncoder().encode(part).length > 255) {
        return { kind: 'missing', path: next, early: true }
      }
      const entry = this.tree.entries.get(next)
      if (entry?.mode === SYMLINK) {
        if (++hops > MAX_LINK_HOPS) {
          return { kind: 'error', reason: 'too many levels of symbolic links', loop: true }
        }
        const target = (followed = this.linkText(entry))
        if (target === '/dev/null' && last) return { kind: 'devnull' }
        if (target.startsWith('/')) {
          const inTree = absoluteLinkInTree(target, this.tree.topPaths ?? [])
          if (inTree === undefined) return leavesRepository(target)
          // resolution starts again at the top, as the kernel's does at '/'
          current = ''
          pending.push(...inTree.split('/').reverse())
          continue
        }
        pending.push(...target.split('/').reverse())
        continue
      }
      if (last) {
        if (!entry) {
          return this.dirs.has(next) ? { kind: 'dir', path: next } : { kind: 'missing', path: next }
        }
        return entry.type === 'blob'
          ? { kind: 'file', path: next, entry }
          : { kind: 'error', reason: 'is not a regular file' }
      }
      if (entry) return { kind: 'missing', path: next, early: true }
      if (!this.dirs.has(next))
        return { kind: 'missing', path: join(next, pending.reverse().join('/')) }
      current = next
    }
    return { kind: 'dir', path: current }
  }
}

/**
 * The blob a path of the tree (relative to its top) leads to, links followed inside the tree as
 * the kernel follows them in the checkout, with its bytes; undefined when it leads nowhere there.
 */
export function blobAt(
  tree: BaseTree,
  top: string
): { entry: TreeEntry; bytes: () => Uint8Array | undefined } | undefined {
  const reader = new BaseReader(tree)
  const resolved = reader.resolve(top)
  if (resolved.kind !== 'file') return undefined
  return { entry: resolved.entry, bytes: () => reader.bytes(resolved.entry) }
}

const leavesRepository = (target: string): Resolved => ({
  kind: 'error',
  reason: `symbolic link to ${target} leaves the repository; not followed`
})

/** Reads a resolved file, or says why not. */
function readFile(reader: BaseReader, resolved: Resolved, shown: string): UnitFileInput | string {
  if (resolved.kind === 'devnull') return { path: shown, bytes: null }
  if (resolved.kind === 'error') return resolved.reason
  if (resolved.kind === 'missing') return 'a symbolic link that leads nowhere'
  if (resolved.kind !== 'file') return 'is a directory, not a unit file'
  if ((resolved.entry.size ?? 0) > MAX_UNIT_FILE_BYTES) {
    return `file is ${resolved.entry.size} bytes, larger than the ${MAX_UNIT_FILE_BYTES} the gate reads`
  }
  const bytes = reader.bytes(resolved.entry)
  return bytes ? { path: shown, bytes } : 'cannot read the blob'
}

/**
 * Scores units at the base. `units` maps a workspace-relative unit path (as it is now) to its path at
 * the base. The result maps the current path to the base report, or null when the base had no such
 * unit file (a new unit).
 */
export function scoreAtBase(
  units: ReadonlyMap<string, string>,
  tree: BaseTree,
  options: GateOptions,
  templateInstance: string,
  /** the manager a unit (by its current path) is for, when not its path's (user-units input) */
  scopeOf: (current: string) => ScopeHint | undefined = () => undefined,
  /** a template is also judged by its instances with drop-ins of their own, as the scan does */
  judgeInstances = true,
  /** the reader of a run judging a template's instances: the tree indexed and blobs read once */
  reader = new BaseReader(tree)
): Map<string, UnitReport | null> {
  const toTop = (p: string): string => join(tree.prefix, p)
  const fromTop = (p: string): string =>
    tree.prefix === ''
      ? p
      : p.startsWith(`${tree.prefix}/`)
        ? p.slice(tree.prefix.length + 1)
        : `/${p}`
  // Read every plain unit file and drop-in in one batch before resolving anything.
  const wanted: string[] = []
  for (const basePath of units.values()) {
    const top = toTop(basePath)
    const entry = tree.entries.get(top)
    if (entry) wanted.push(entry.oid)
    const unit = analysedUnitName(top.slice(top.lastIndexOf('/') + 1), templateInstance)
    if (!unit) continue
    for (const searched of dropInSearchDirectories(dirOf(top), options.version)) {
      for (const name of dropInDirectoryNames(unit)) {
        const dir = join(searched, name)
        for (const file of reader.list(dir)) {
          const dropIn = tree.entries.get(join(dir, file))
          if (dropIn) wanted.push(dropIn.oid)
        }
      }
    }
  }
  reader.prefetch(wanted)
  const result = new Map<string, UnitReport | null>()
  /** the instances a template's [Install] makes `systemctl enable` start, by its current path */
  const installedInstances = new Map<string, string[]>()
  for (const [current, basePath] of units) {
    const top = toTop(basePath)
    const fileName = top.slice(top.lastIndexOf('/') + 1)
    const resolved = reader.resolve(top)
    // no entry of that name: a new unit (a link that leads nowhere is an entry systemd looks at)
    if (resolved.kind === 'missing' && !tree.entries.has(top)) {
      result.set(current, null)
      continue
    }
    const unit = analysedUnitName(fileName, templateInstance)
    if (!unit || unit.type !== 'service') {
      result.set(current, errorReport(basePath, fileName, 'not a valid service unit name'))
      continue
    }
    // An alias is the unit of the file it leads to, with the drop-ins of every name (as scanned now).
    const directory = dirOf(top)
    const scope = scopeOf(current)
    const manager = managerAskedBy(scope)
    // a system unit's drop-ins, and its names, come from every directory of the search path its
    // directory is in
    const searched = dropInSearchDirectories(directory, options.version, '/', manager ?? 'system')
    const root = searchPathRoot(directory, options.version, '/', manager ?? 'system')
    const lookedUp = nameLookupDirectories(directory, searched)
    const map = reader.nameMap(directory, lookedUp, root, fileName)
    // an alias of an image names a unit below its root, as the scan reads it (its directory read
    // where it leads when that is a link, an image root rootfs -> img say)
    const here = reader.resolve(directory)
    const own = tree.entries.get(here.kind === 'dir' ? join(here.path, fileName) : top)
    const imageAlias =
      root !== undefined && own?.mode === SYMLINK && leadsByName(map, fileName, lookedUp, directory)
    if ((resolved.kind === 'error' || resolved.kind === 'missing') && !imageAlias) {
      // systemd-analyze searches the directory of a file only if the file leads somewhere, or if an
      // instance's template does
      const named = parseUnitName(fileName)
      const template = named && templateOf(named)
      const leads = (r: Resolved): boolean => r.kind === 'file' || r.kind === 'devnull'
      if (template === undefined || !leads(reader.resolve(join(dirOf(top), template)))) {
        const why =
          resolved.kind === 'error' ? resolved.reason : 'a symbolic link that leads nowhere'
        result.set(
          current,
          errorReport(basePath, unit.name, `${why}; systemd does not find ${unit.name}`)
        )
        continue
      }
    }
    if (resolved.kind === 'dir') {
      result.set(current, errorReport(basePath, unit.name, 'is a directory, not a unit file'))
      continue
    }
    const names = unitNames(map, unit)
    if ('error' in names) {
      result.set(current, errorReport(basePath, unit.name, unitNamesProblem(names, unit)))
      continue
    }
    const holder = map.holderOf(names.fragment)
    const fragmentDirectory = lookedUp[holder]!
    const main = readFile(
      reader,
      names.fragment === fileName && fragmentDirectory === directory
        ? resolved
        : reader.resolve(join(fragmentDirectory, names.fragment)),
      basePath
    )
    if (typeof main === 'string') {
      result.set(current, errorReport(basePath, names.id.name, main))
      continue
    }
    type Candidate = AliasedDropInCandidate & { real: string }
    /** the drop-ins, read surely or maybe (see the scan's collectDropIns) */
    const collect = (
      enabled: readonly UnitName[],
      /** the name whose drop-ins: the unit's id, or its template's name as enable reads it */
      id = names.id
    ): { candidates: Candidate[]; maybeRead: Candidate[] } => {
      const candidates: Candidate[] = []
      const maybeRead: Candidate[] = []
      const allNames =
        id !== names.id ? [] : enabled.length === 0 ? names.aliases : [...names.aliases, ...enabled]
      searchedDropInDirectories(id, allNames, searched).forEach((searchedDir, directoryRank) => {
        const { name, alias } = searchedDir
        // names its Alias= gives it: their drop-ins count once it is enabled (both ways, as the scan)
        const onceEnabled = alias !== undefined && alias >= names.aliases.length
        // lib/systemd/system of an image tree from 255: read once deployed on merged /usr
        const mergedUsr =
          searchedDir.directory !== directory &&
          isMergedUsrDirectory(searchedDir.directory, options.version)
        const shown = join(searchedDir.directory, name)
        const entry = tree.entries.get(shown)
        // a relative link: systemd may read it or not (its working directory): both, as the scan
        const relativeLink = entry?.mode === SYMLINK && !isAbsoluteLink(reader.linkText(entry))
        const dir = reader.resolve(shown)
        if (dir.kind !== 'dir') return
        for (const file of reader.list(dir.path)) {
          if (options.version >= LOOPING_DROP_IN_SKIPPED) {
            const target = reader.resolve(join(dir.path, file))
            if (target.kind === 'error' && target.loop) continue
            if (target.kind === 'missing' && target.early) continue
          }
          const candidate = {
            directoryRank,
            fileName: file,
            path: join(shown, file),
            real: join(dir.path, file)
          }
          ;(relativeLink || onceEnabled || mergedUsr ? maybeRead : candidates).push(
            alias === undefined ? candidate : { ...candidate, alias }
          )
        }
      })
      return { candidates, maybeRead }
    }
    const readDropIns = (order: readonly Candidate[]): UnitFileInput[] => {
      const dropIns: UnitFileInput[] = []
      for (const candidate of order) {
        // Unreadable drop-ins are left out, as the scanner leaves them out of the score.
        const input = readFile(reader, reader.resolve(candidate.real), fromTop(candidate.path))
        if (typeof input !== 'string') dropIns.push(input)
      }
      return dropIns
    }
    let { candidates, maybeRead } = collect([])
    // the names `systemctl enable` gives it, from its [Install] section (file and drop-ins)
    // (as enable reads it: the unit file, its own and its template's drop-ins, see installTexts;
    // for a template, those the template's name has, see the scan)
    const asTemplate = parseUnitName(fileName)?.isTemplate === true
    let installDropIns = readDropIns(dropInChoicesEitherWay(candidates, []).orders[0] ?? [])
    if (asTemplate && holdsOwnDropIn(installDropIns, names.id)) {
      const template = parseUnitName(templateOf(names.id)!)!
      const own = collect([], template).candidates
      installDropIns = readDropIns(dropInChoicesEitherWay(own, []).orders[0] ?? [])
    }
    const texts = installTexts(main, installDropIns, names.id, asTemplate)
    const install = installNames(
      texts,
      names.id,
      manager === 'user' ? options.managerUser : undefined
    )
    const installed = [...(install.wantedInstances ?? [])]
    if (install.defaultInstance !== undefined) installed.push(install.defaultInstance)
    if (installed.length > 0) installedInstances.set(current, installed)
    const matched = searched.flatMap((dir) =>
      aliasesMatching(install.aliasPatterns, reader.list(dir), names.id)
    )
    const enabled = newAliases([...install.aliases, ...matched], names)
    if (enabled.length > 0) ({ candidates, maybeRead } = collect(enabled))
    const analyse = (order: readonly Candidate[]): UnitReport =>
      analyzeUnit(
        { ...loadedNames(unit, names), main, dropIns: readDropIns(order), scope, manager },
        options
      )
    // systemd lists the aliases in a random order: as in the checkout, the worse pick counts
    let report: UnitReport | undefined
    for (const order of dropInChoicesEitherWay(candidates, maybeRead).orders) {
      const candidate = analyse(order)
      if (!report || worse(candidate, report)) report = candidate
    }
    result.set(current, report!)
  }
  /** per search path: the service instances the units of other types start (as the scan) */
  const startedOnSearchPath = new Map<string, Map<string, Map<string, string>> | 'too many'>()
  // (a directory that is a link lists where it leads; each listing taken once, as a set)
  const listed = new Map<string, { path: string; names: Set<string> } | undefined>()
  const listing = (dir: string): { path: string; names: Set<string> } | undefined => {
    if (!listed.has(dir)) {
      const resolved = reader.resolve(dir)
      listed.set(
        dir,
        resolved.kind === 'dir'
          ? { path: resolved.path, names: new Set(reader.list(resolved.path)) }
          : undefined
      )
    }
    return listed.get(dir)
  }
  const view: SearchPathView = {
    names: (dir) => listing(dir)?.names ?? [],
    entry(dir, name) {
      const at = listing(dir)
      if (!at?.names.has(name)) return undefined
      const entry = tree.entries.get(join(at.path, name))
      if (entry?.mode === SYMLINK) return { kind: 'link', text: reader.linkText(entry) }
      return { kind: entry?.type === 'blob' ? 'file' : 'directory' }
    },
    read(dir, name) {
      const input = readFile(reader, reader.resolve(join(dir, name)), join(dir, name))
      return typeof input === 'string' ? undefined : input.bytes
    },
    shown: join,
    path: join
  }
  const instancesStartedOn = (
    searched: readonly string[]
  ): Map<string, Map<string, string>> | 'too many' => {
    const key = searched.join('\0')
    let found = startedOnSearchPath.get(key)
    if (found === undefined) {
      found = instancesStartedOnSearchPath(searched, view, options.version)
      startedOnSearchPath.set(key, found)
    }
    return found
  }
  if (judgeInstances) {
    for (const [current, basePath] of units) {
      const top = toTop(basePath)
      const named = parseUnitName(baseName(top))
      const atBase = result.get(current)
      if (!named?.isTemplate || !atBase) continue
      const dir = dirOf(top)
      const manager = managerAskedBy(scopeOf(current))
      const searched = dropInSearchDirectories(dir, options.version, '/', manager ?? 'system')
      // under its own name and those of its aliases (as the scan)
      const unit = analysedUnitName(baseName(top), templateInstance)
      const lookedUp = nameLookupDirectories(dir, searched)
      const root = searchPathRoot(dir, options.version, '/', manager ?? 'system')
      const map = reader.nameMap(dir, lookedUp, root, baseName(top))
      const found = unit && unitNames(map, unit)
      const aliases = found && !('error' in found) ? found.aliases : []
      // and those an alias names (bar@web.service -> foo@.service)
      const instances: string[] = map.aliasedInstances(baseName(top))
      let tooMany = false
      for (const prefix of templatePrefixes(named, aliases)) {
        for (const searchedDir of searched) {
          const names = reader.list(searchedDir)
          // instances with drop-in directories of their own (as the scan)
          // (loops, not push(...list): a list of 130,000 overflows the call stack)
          for (const instance of instancesWithDropIns(
            prefix,
            names,
            (name) =>
              tree.entries.get(join(searchedDir, name))?.type === 'blob' &&
              tree.entries.get(join(searchedDir, name))?.mode !== SYMLINK,
            (name) => tree.entries.has(join(searchedDir, name))
          ))
            instances.push(instance)
          // and the instances links in dependency directories enable (multi-user.target.wants/foo@x)
          for (const name of names) {
            if (!isDependencyDirectory(name)) continue
            for (const instance of enabledInstances(prefix, reader.list(join(searchedDir, name))))
              instances.push(instance)
          }
        }
        // the instances the units of other types on the search path start (as the scan, which
        // fails closed when they are too many to follow)
        const started = instancesStartedOn(searched)
        if (started === 'too many') {
          tooMany = true
          break
        }
        for (const instance of started.get(prefix)?.keys() ?? []) instances.push(instance)
      }
      if (tooMany) {
        result.set(current, errorReport(basePath, atBase.unit, TOO_MANY_STARTED))
        continue
      }
      // and its DefaultInstance= and the instances its Alias= links, which `systemctl enable`
      // starts (as the scan)
      for (const instance of installedInstances.get(current) ?? []) instances.push(instance)
      let worst = atBase
      const judged = new Set(instances.filter((instance) => instance !== templateInstance))
      if (judged.size > MAX_JUDGED_INSTANCES) {
        result.set(current, errorReport(basePath, atBase.unit, TOO_MANY_INSTANCES))
        continue
      }
      // every instance's drop-ins in one read (a template may have thousands of instances)
      const wanted: string[] = []
      for (const instance of judged) {
        const asInstance = analysedUnitName(baseName(top), instance)
        if (!asInstance) continue
        for (const searchedDir of searched)
          for (const name of dropInDirectoryNames(asInstance).slice(0, 1))
            for (const file of reader.list(join(searchedDir, name))) {
              const dropIn = tree.entries.get(join(join(searchedDir, name), file))
              if (dropIn) wanted.push(dropIn.oid)
            }
      }
      reader.prefetch(wanted)
      for (const instance of judged) {
        const other = scoreAtBase(
          new Map([[current, basePath]]),
          tree,
          options,
          instance,
          scopeOf,
          false,
          reader
        ).get(current)
        if (other && worse(other, worst)) worst = other
      }
      result.set(current, worst)
    }
  }
  return result
}
