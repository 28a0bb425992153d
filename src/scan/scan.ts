/**
 * The file-system adapter: finds unit files (its own walk; fast-glob for --exclude), reads them and their drop-ins safely
 * (never following a link out of the scanned tree, never reading anything but regular files) and
 * hands their bytes to the pure core.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import type Picomatch from 'picomatch'
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
  eitherSearchPathRoot,
  endsInSlash,
  instancesWithDropIns,
  dropInChoicesEitherWay,
  dropInLead,
  isDashPrefixName,
  isDropInFileName,
  loadedNames,
  LOOPING_DROP_IN_SKIPPED,
  orderDropIns,
  dropInSearchDirectories,
  eitherSearchDirectories,
  searchPathRoot,
  type SearchPathScope,
  type UnitDropInDirectory,
  unitDropInDirectories,
  enabledInstances,
  isMergedUsrDirectory,
  isDependencyDirectory,
  searchedDropInDirectories,
  unitNames,
  unitNamesProblem,
  buildNameMap,
  leadsByName,
  nameLookupDirectories,
  searchPathNameMaps,
  templatePrefixes
} from '../core/dropins.js'
import { isoToday } from '../core/exceptions.js'
import type { InstallNames, InstallUser } from '../core/install.js'
import { aliasesMatching, holdsOwnDropIn, installNames, installTexts } from '../core/install.js'
import type { GateOptions, UnitReport } from '../core/report.js'
import { analyzeUnit, errorReport } from '../core/report.js'
import type { ScopeHint } from '../core/scope.js'
import { managerAskedBy, userDirectoryOf } from '../core/scope.js'
import type { SocketUnitFiles, UnitFileInput } from '../core/service.js'
import { NEWEST_SYSTEMD_VERSION } from '../core/service.js'
import type { SearchPathView } from '../core/started-services.js'
import {
  instancesStartedOnSearchPath,
  MAX_JUDGED_INSTANCES,
  MAX_STARTED_NAMES,
  MAX_STARTING_UNITS,
  socketActivates
} from '../core/started-services.js'
import type { UnitName } from '../core/specifiers.js'
import { analysedUnitName, instanceOf, parseUnitName, templateOf } from '../core/specifiers.js'
import { baseNameOf, directoryOf, entryPath, sameDirectoryOf } from './paths.js'
import type { ReadAhead, RegularRead } from './read-ahead.js'
import { startReadAhead } from './read-ahead.js'

/** Files larger than this are reported, not read: no real unit file comes close. */
export const MAX_UNIT_FILE_BYTES = 64 * 1024 * 1024

export const DEFAULT_IGNORES = ['**/.git/**', '**/node_modules/**']

export interface ScanOptions extends GateOptions {
  /** directory paths are reported relative to */
  cwd: string
  /** globs to skip (fast-glob syntax, relative to each scanned directory) */
  exclude?: string[]
  /** called every so often on large trees */
  onProgress?: (done: number, total: number) => void
  /** compute suggested drop-ins for at most this many units (the first ones found) */
  suggestLimit?: number
  /** every unit is a user's (--user, as systemd-analyze --user): else the system's, as
   * systemd-analyze scores it without --user (a path guides only the fixes) */
  userManager?: boolean
  /** the manager this unit is scored for, when the caller was told (the Action's user-units input) */
  scope?: ScopeHint
  /**
   * a worker thread reads the files ahead of the analysis when there are at least this many units
   * (see read-ahead.ts; READ_AHEAD_MIN_UNITS for a caller with a CPU to spare); undefined: never
   */
  readAheadFrom?: number
  /** called at the end with the number of files the read-ahead served */
  onReadAhead?: (served: number) => void
}

/** Below this many units, starting the read-ahead worker costs more than it saves. */
export const READ_AHEAD_MIN_UNITS = 500

/**
 * The files a scan of `files` reads, in about its order: each unit file, then the drop-ins of the
 * directory named after it. A file left out (type-wide and template drop-ins, sockets) is read as
 * before.
 */
function readOrder(files: readonly string[], listings: ReadonlyMap<string, Listing>): string[] {
  // the drop-in directories the walk listed, by the unit file they are named after (a lookup per
  // directory here, then one per unit file by its own path, which hashes once)
  const dropInsOf = new Map<string, string[]>()
  for (const [dir, listing] of listings) {
    if (!dir.endsWith('.service.d')) continue
    const names: string[] = []
    for (const [name, kind] of listing.entries) {
      if (kind === 'file' && name.endsWith('.conf')) names.push(name)
    }
    if (names.length > 0) dropInsOf.set(dir.slice(0, -2), names.sort())
  }
  const order: string[] = []
  for (const file of files) {
    order.push(file)
    const names = dropInsOf.get(file)
    if (names) for (const name of names) order.push(`${file}.d${path.sep}${name}`)
  }
  return order
}

/** What --user says of every unit. */
const USER_FLAG: ScopeHint = {
  scope: 'user',
  evidence: 'the scan was asked for user units (--user)'
}

class ReadError extends Error {
  constructor(
    message: string,
    /** systemd reads what the gate could not (a drop-in so is no drop-in to leave out) */
    readonly systemdReads = false
  ) {
    super(message)
  }
}

/**
 * The error a failed system call becomes: its code (ENOENT, EACCES...) is what the report says. A
 * name that is not UTF-8 comes from readdir() with U+FFFD in it, which opens nothing: systemd, which
 * reads names as bytes, opens it.
 */
const cannotRead = (error: unknown, file?: string): ReadError =>
  new ReadError(
    file !== undefined && isLossyName(file, error)
      ? 'its name is not valid UTF-8: the gate cannot open it'
      : `cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    true
  )

/**
 * Whether opening `file` failed because readdir() gave its name with U+FFFD for bytes that are not
 * UTF-8 (a name that opens nothing), not because it is missing.
 */
function isLossyName(file: string, error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT' && baseNameOf(file).includes('\uFFFD')
}

/** Why following links from `file` leads nowhere (ENOENT, ELOOP ...), or undefined when it leads to something. */
function followError(file: string): string | undefined {
  try {
    fs.statSync(file)
    return undefined
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? 'error'
  }
}

const followable = (file: string): boolean => followError(file) === undefined
/**
 * Why systemd (from LOOPING_DROP_IN_SKIPPED) leaves a drop-in link out before matching names: a loop,
 * a path through a file (ENOTDIR) or a name too long (ENAMETOOLONG); undefined for any other link.
 */
function skippedLinkReason(file: string): string | undefined {
  switch (followError(file)) {
    case 'ELOOP':
      return 'a loop of symbolic links'
    case 'ENOTDIR':
      return 'a symbolic link through a file that is not a directory'
    case 'ENAMETOOLONG':
      return 'a symbolic link to a name too long'
    default:
      return undefined
  }
}

/** The real path of a file, or undefined when it cannot be resolved. */
function realPathOf(file: string): string | undefined {
  try {
    return fs.realpathSync.native(file)
  } catch {
    return undefined
  }
}

/** The real path of a directory, its missing tail kept as named (chase() with CHASE_NONEXISTENT). */
function realPathAsFarAsItGoes(dir: string): string {
  try {
    return fs.realpathSync.native(dir)
  } catch {
    const parent = path.dirname(dir)
    return parent === dir ? dir : path.join(realPathAsFarAsItGoes(parent), path.basename(dir))
  }
}

/** The instance name systemd-analyze gives a bare template: "i" up to v256, "test_instance" after. */
export function templateInstance(version: number): string {
  return version >= 257 ? 'test_instance' : 'i'
}

const toPosix = (p: string): string => (path.sep === '/' ? p : p.split(path.sep).join('/'))

/** What a report shows before the names of a directory's files: its POSIX path relative to cwd. */
function displayPrefix(cwd: string, directory: string): string {
  const relative = toPosix(path.relative(cwd, directory))
  return relative === '' ? '' : relative + '/'
}

export interface Reader {
  /** `directory`: directoryOf(file), when the caller has it already */
  read(file: string, directory?: string): UnitFileInput
  /** the path as the report shows it (POSIX, relative to cwd) */
  display(file: string, directory?: string): string
  /** the entries of a directory and what each is (undefined: not a readable directory) */
  listDirectory(dir: string): ReadonlyMap<string, EntryKind> | undefined
  /**
   * the service names of a directory as systemd maps them (its links classified); of every
   * directory of its search path (`searched`, dropInSearchDirectories()) when it is one of an image
   */
  nameMap(dir: string, searched?: readonly string[], root?: string, ownName?: string): NameMap
  /** what a symbolic link says it points to (undefined: not a readable link) */
  linkText(file: string): string | undefined
}

/** The search path of an image tree a directory is one of (see Reader.nameMap). */
interface ImageSearchPath {
  root: string
  /**
   * its directories as named below the root, then the real paths of those that exist (systemd's
   * expanded search path: a directory that is a link holds aliases by either path)
   */
  directories: readonly string[]
}

/** What a directory entry is, as getdents() tells it (no stat needed). */
export type EntryKind = 'file' | 'directory' | 'link' | 'other'

export interface Listing {
  entries: Map<string, EntryKind>
  /** entries that are symbolic links */
  links: string[]
  /** the directory's real path, when the walk knows it (it descends through no link) */
  real?: string
}

function kindOf(entry: fs.Dirent): EntryKind {
  if (entry.isFile()) return 'file'
  if (entry.isDirectory()) return 'directory'
  if (entry.isSymbolicLink()) return 'link'
  return 'other'
}

function listingOf(entries: readonly fs.Dirent[], real?: string): Listing {
  const listing: Listing = { entries: new Map(), links: [], real }
  for (const entry of entries) {
    const kind = kindOf(entry)
    listing.entries.set(entry.name, kind)
    if (kind === 'link') listing.links.push(entry.name)
  }
  return listing
}

// O_NOFOLLOW: an entry listed as a regular file is never read through a link swapped in later;
// O_NONBLOCK: nor does a FIFO swapped in block the scan.
const OPEN_REGULAR = fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK
const CHUNK_BYTES = 64 * 1024
const chunk = Buffer.allocUnsafe(CHUNK_BYTES)
/** how readRegularFile() opens and first reads a file: the read-ahead worker does the same */
export const REGULAR_READ: RegularRead = { flags: OPEN_REGULAR, firstChunk: CHUNK_BYTES }

/**
 * Reads a file getdents() called regular: open, read, close (readFileSync would stat it too). A
 * file that fills the first chunk is stat'ed, so the size limit is checked before reading on.
 */
function readRegularFile(file: string): Uint8Array {
  const fd = fs.openSync(file, OPEN_REGULAR)
  try {
    const first = fs.readSync(fd, chunk, 0, CHUNK_BYTES, null)
    // a short read of a regular file is its end: almost every unit file fits one chunk
    if (first < CHUNK_BYTES) return Buffer.from(chunk.subarray(0, first))
    const stat = fs.fstatSync(fd)
    if (!stat.isFile()) throw new ReadError('is not a regular file')
    checkSize(stat.size)
    const parts = [Buffer.from(chunk)]
    let length = first
    for (;;) {
      const part = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, stat.size - length + 1))
      const got = fs.readSync(fd, part, 0, part.length, null)
      if (got === 0) break
      length += got
      checkSize(length)
      parts.push(part.subarray(0, got))
    }
    return Buffer.concat(parts, length)
  } finally {
    fs.closeSync(fd)
  }
}

function checkSize(size: number): void {
  if (size > MAX_UNIT_FILE_BYTES) {
    throw new ReadError(
      `file is ${size} bytes, larger than the ${MAX_UNIT_FILE_BYTES} the gate reads`,
      true
    )
  }
}

/**
 * Reads files below the scan roots only; caches directory listings (`known`: listings the walk
 * already made).
 */
export function createReader(
  roots: string[],
  cwd: string,
  known?: ReadonlyMap<string, Listing>,
  /** bytes read already (see read-ahead.ts) of a file listed as regular */
  readAhead?: Pick<ReadAhead, 'take'>
): Reader {
  const listings = new Map<string, Listing | undefined>(known)
  /** What the reader caches of a directory, in one record: one lookup instead of one per cache. */
  interface DirectoryState {
    /** its listing (undefined: not a readable directory), once asked for */
    listing: Listing | undefined
    listed: boolean
    /** its realpath, once asked for */
    real: string | undefined
    /** displayPrefix(), once asked for */
    prefix: string | undefined
    nameMap: NameMap | undefined
  }
  const states = new Map<string, DirectoryState>()
  let lastDirectory: string | undefined
  let lastState: DirectoryState | undefined
  const stateOf = (dir: string): DirectoryState => {
    if (dir === lastDirectory) return lastState!
    let state = states.get(dir)
    if (state === undefined) {
      state = {
        listing: undefined,
        listed: false,
        real: undefined,
        prefix: undefined,
        nameMap: undefined
      }
      states.set(dir, state)
    }
    lastDirectory = dir
    lastState = state
    return state
  }
  const listingIn = (dir: string): Listing | undefined => {
    const state = stateOf(dir)
    if (!state.listed) {
      state.listing = list(dir)
      state.listed = true
    }
    return state.listing
  }
  /** readlink() results, shared by the alias index and read() */
  const linkTexts = new Map<string, string>()
  const readLink = (file: string): string => {
    let text = linkTexts.get(file)
    if (text === undefined) {
      text = fs.readlinkSync(file)
      linkTexts.set(file, text)
    }
    return text
  }
  const list = (dir: string): Listing | undefined => {
    if (listings.has(dir)) return listings.get(dir)
    let listing: Listing | undefined
    try {
      // one getdents() per directory gives the link entries too: no lstat() per file
      listing = listingOf(fs.readdirSync(dir, { withFileTypes: true }))
    } catch {
      listing = undefined
    }
    listings.set(dir, listing)
    return listing
  }
  const realRoots = roots.map((root) => {
    try {
      return fs.realpathSync(root)
    } catch {
      return root
    }
  })
  /** realpath of a directory, cached: every unit in a directory shares it. */
  const realDirectory = (dir: string): string => {
    const state = stateOf(dir)
    if (state.real === undefined) {
      try {
        state.real = listings.get(dir)?.real ?? fs.realpathSync.native(dir)
      } catch (error) {
        throw cannotRead(error)
      }
    }
    return state.real
  }
  const within = (real: string, root: string): boolean =>
    real === root || real.startsWith(root.endsWith(path.sep) ? root : root + path.sep)
  // Repository internals are never unit files, even when a link points there.
  const inGitDirectory = (real: string, root: string): boolean =>
    real.includes('.git') && path.relative(root, real).split(path.sep).includes('.git')
  const inside = (real: string): boolean =>
    realRoots.some((root) => within(real, root) && !inGitDirectory(real, root))
  const directoriesInside = new Map<string, boolean>()
  /** inside() of every entry of a real directory but one named .git (when the directory is), cached */
  const directoryInside = (realDir: string): boolean => {
    let result = directoriesInside.get(realDir)
    if (result === undefined) {
      result = inside(realDir)
      directoriesInside.set(realDir, result)
    }
    return result
  }
  const display = (file: string, directory = directoryOf(file)): string => {
    const state = stateOf(directory)
    return (state.prefix ??= displayPrefix(cwd, directory)) + baseNameOf(file)
  }
  /**
   * A link named like a service is an alias when its target lies in the same directory (or below it:
   * systemd then takes the entry of that name in the directory), or in a directory of the image's
   * search path (`image`; the target followed below its root, see chaseBelowRoot); any other is a
   * linked unit file (a mask too); an unreadable link, or one systemd gives up, is no entry at all
   * (undefined).
   */
  const classifyLink = (
    dir: string,
    name: string,
    /** the search path, when the directory is one of an image's */
    image?: ImageSearchPath
  ): AliasLink | 'linked' | undefined => {
    let text: string
    try {
      text = readLink(path.join(dir, name))
    } catch {
      return undefined
    }
    if (image) {
      // systemd --root follows a link's target below the image's root: an absolute one
      // (`systemctl enable` writes aliases so) from there, a `..` stopping there, a directory that
      // is a link on the way too
      const below = chaseBelowRoot(
        path.isAbsolute(text) ? text : `/${toPosix(path.relative(image.root, dir))}/${text}`,
        (entry) => imageEntry(image.root, entry)
      )
      // systemd gives such a link up: no name at all, the next directory's entry wins
      if (below === undefined) return undefined
      // below the root as given (not resolved), as systemd compares it with its directories
      const target = path.resolve(image.root, below)
      return (
        aliasLinkFor(path.basename(target), path.dirname(target), image.directories) ?? 'linked'
      )
    }
    const target = path.resolve(dir, text)
    // (path.resolve() drops a trailing slash)
    if (endsInSlash(text) && !fs.existsSync(target)) return undefined
    const parent = path.dirname(target)
    if (parent === dir) return { target: path.basename(target) }
    let realDir: string
    try {
      realDir = realDirectory(dir)
    } catch {
      return 'linked'
    }
    // systemd resolves the directories on the way, not the file itself; missing ones stay as named
    const targetDirectory = realPathAsFarAsItGoes(parent)
    return aliasLinkFor(path.basename(target), targetDirectory, [realDir]) ?? 'linked'
  }
  /** What a path below an image's root is (its directory's listing and link texts, cached). */
  const imageEntry = (root: string, below: string): ImageEntry => {
    const file = path.join(root, below)
    const kind = listingIn(path.dirname(file))?.entries.get(path.basename(file))
    if (kind === 'directory') return { kind: 'directory' }
    if (kind === 'link') {
      try {
        return { kind: 'link', text: readLink(file) }
      } catch {
        return { kind: 'missing' }
      }
    }
    return kind === undefined ? { kind: 'missing' } : { kind: 'other' }
  }
  /** A directory's entries for a name map, its links classified against the search directories. */
  const directoryLinks = (dir: string, image?: ImageSearchPath): DirectoryLinks => {
    const listing = listingIn(dir)
    const links = new Map<string, AliasLink | 'linked'>()
    for (const name of listing?.links ?? []) {
      if (parseUnitName(name)?.type !== 'service') continue
      const link = classifyLink(dir, name, image)
      if (link) links.set(name, link)
    }
    return { isFile: (n) => listing?.entries.get(n) === 'file', links }
  }
  const imageNameMap = searchPathNameMaps((searched, root) => {
    const real = searched.flatMap((d) => realPathOf(d) ?? [])
    const image = { root, directories: [...searched, ...real] }
    return searched.map((d) => directoryLinks(d, image))
  })
  return {
    display,
    linkText(file) {
      try {
        return readLink(file)
      } catch {
        return undefined
      }
    },
    listDirectory(dir) {
      return listingIn(dir)?.entries
    },
    nameMap(dir, searched = [dir], root, ownName) {
      if (searched.length === 1 || root === undefined) {
        const state = stateOf(dir)
        return (state.nameMap ??= buildNameMap(directoryLinks(dir)))
      }
      return imageNameMap(dir, searched, root, ownName)
    },
    read(file, directory = directoryOf(file)) {
      const name = baseNameOf(file)
      if (listingIn(directory)?.entries.get(name) === 'file') {
        // The listing says regular file: no lstat; its directory may still be reached by a link.
        const realDir = realDirectory(directory)
        // (roots may be single files: a directory outside them may still hold one)
        if (!(directoryInside(realDir) && name !== '.git')) {
          const real = entryPath(realDir, name)
          if (!inside(real)) {
            throw new ReadError(`resolves to ${real} outside the scanned tree; not followed`)
          }
        }
        try {
          const bytes = readAhead?.take(file) ?? readRegularFile(file)
          return { path: display(file, directory), bytes }
        } catch (error) {
          if (error instanceof ReadError) throw error
          throw cannotRead(error, file)
        }
      }
      const shown = display(file)
      let stat: fs.Stats
      try {
        stat = fs.lstatSync(file)
      } catch (error) {
        throw cannotRead(error, file)
      }
      let target = file
      if (stat.isSymbolicLink()) {
        const link = readLink(file)
        if (link === '/dev/null') return { path: shown, bytes: null }
        let real: string
        try {
          real = fs.realpathSync(file)
        } catch {
          throw new ReadError(`dangling symbolic link to ${link}`)
        }
        if (real === '/dev/null') return { path: shown, bytes: null }
        if (!inside(real))
          throw new ReadError(`symbolic link to ${link} leaves the scanned tree; not followed`)
        target = real
        stat = fs.statSync(real)
      } else {
        // Not a link itself, but maybe reached through one (a drop-in directory that is a link).
        const real = path.join(realDirectory(directoryOf(file)), baseNameOf(file))
        if (!inside(real)) {
          throw new ReadError(`resolves to ${real} outside the scanned tree; not followed`)
        }
      }
      if (stat.isDirectory()) throw new ReadError('is a directory, not a unit file')
      if (!stat.isFile()) throw new ReadError('is not a regular file')
      checkSize(stat.size)
      try {
        return { path: shown, bytes: fs.readFileSync(target) }
      } catch (error) {
        throw cannotRead(error)
      }
    }
  }
}

/**
 * The leads (dropInLead) of a directory's drop-in directories named like dash prefixes
 * (foo-.service.d, foo-@i.service.d), computed once per listing.
 */
const prefixLeadsByListing = new WeakMap<ReadonlyMap<string, EntryKind>, Set<string>>()

/**
 * Whether a directory may hold drop-in directories of a unit: the type-wide one, the unit's own,
 * its template's, or a dash-prefix one of its lead (every other name systemd searches is one).
 */
function mayHoldDropIns(siblings: ReadonlyMap<string, EntryKind>, id: UnitName): boolean {
  if (siblings.has(`${id.type}.d`) || siblings.has(`${id.name}.d`)) return true
  if (id.isInstance && siblings.has(`${id.prefix}@.${id.type}.d`)) return true
  let prefixLeads = prefixLeadsByListing.get(siblings)
  if (prefixLeads === undefined) {
    prefixLeads = new Set()
    for (const name of siblings.keys()) {
      if (name.endsWith('.d') && isDashPrefixName(name)) prefixLeads.add(dropInLead(name))
    }
    prefixLeadsByListing.set(siblings, prefixLeads)
  }
  return prefixLeads.size > 0 && prefixLeads.has(dropInLead(id.name))
}

interface CollectedDropIns {
  /** the drop-ins in systemd's order, for each distinct pick systemd may make (see dropInChoices) */
  orders: UnitFileInput[][]
  /** unreadable drop-ins */
  problems: string[]
  /** a drop-in systemd reads and the gate could not: the unit cannot be scored without it */
  unreadable?: string
  conflicts: Array<{ fileName: string; paths: string[] }>
  truncated: boolean
}

/**
 * A drop-in directory that is a link counts only when the link is absolute: systemd checks the
 * link's text as a path from its own working directory (/ for the service manager; the same for
 * systemd-analyze, from wherever it runs), so a relative link names no directory and is skipped.
 */
export const isAbsoluteLink = (text: string | undefined): boolean =>
  text !== undefined && text.startsWith('/')

/** Drop-ins in lib/systemd/system of an image tree, from 255 (see isMergedUsrDirectory). */
export const MERGED_USR_DROP_INS = (shown: string): string =>
  `${shown}: systemd searches no lib/systemd/system from 255, but on a merged-/usr system it is ` +
  `/usr/lib/systemd/system: the gate scores the unit with and without these drop-ins and judges the worse`

/** Drop-ins of a name the unit's [Install] Alias= gives it (see installNames). */
export const ENABLED_ALIAS_DROP_INS = (shown: string, alias: string): string =>
  `${shown} holds drop-ins of ${alias}, the name the unit's Alias= gives it: systemd reads them once ` +
  `\`systemctl enable\` makes the link; the gate scores the unit with and without them and judges the worse`

export const RELATIVE_DROP_IN_DIRECTORY = (shown: string): string =>
  `${shown} is a relative symbolic link: systemd reads its drop-ins only when the text also names a ` +
  `directory from its working directory (/ for the service manager, so it depends on where the unit ` +
  `is installed); the gate scores the unit with and without them and judges the worse; make it absolute`

/**
 * Drop-ins beside the unit file for every name of the unit, in systemd's order; unreadable ones
 * become diagnostics.
 */
function collectDropIns(
  id: UnitName,
  aliases: readonly UnitName[],
  directory: string,
  reader: Reader,
  version: number,
  /** the manager whose search path the unit's directory may be in (see dropInSearchDirectories) */
  manager: SearchPathScope,
  /** names its [Install] Alias= gives it: their drop-ins count once it is enabled */
  enabledAliases: readonly UnitName[] = []
): CollectedDropIns {
  const searched = dropInSearchDirectories(directory, version, path.sep, manager)
  // the listings that may hold drop-ins of the unit (most units: one directory, none)
  const listed: Array<[string, ReadonlyMap<string, EntryKind>]> = []
  for (const dir of searched) {
    const listing = reader.listDirectory(dir)
    if (listing && (aliases.length + enabledAliases.length > 0 || mayHoldDropIns(listing, id)))
      listed.push([dir, listing])
  }
  if (listed.length === 0) return { orders: [[]], problems: [], conflicts: [], truncated: false }
  const listingIn = (dir: string): ReadonlyMap<string, EntryKind> | undefined =>
    listed.find(([listedDir]) => listedDir === dir)?.[1]
  const candidates: AliasedDropInCandidate[] = []
  // from drop-in directories that are relative links: read by systemd or not, as its working
  // directory has it (see RELATIVE_DROP_IN_DIRECTORY)
  const maybeRead: AliasedDropInCandidate[] = []
  const problems: string[] = []
  const names = enabledAliases.length === 0 ? aliases : [...aliases, ...enabledAliases]
  // one directory (the usual case): its drop-in directories as they are, no copy per search directory
  const walk: ReadonlyArray<UnitDropInDirectory & { directory?: string }> =
    searched.length === 1
      ? unitDropInDirectories(id, names)
      : searchedDropInDirectories(id, names, searched)
  walk.forEach((searchedDir, directoryRank) => {
    const { name, alias } = searchedDir
    const inDirectory = searchedDir.directory ?? directory
    const kind = listingIn(inDirectory)?.get(name)
    if (kind === undefined) return
    const dropInDir = entryPath(inDirectory, name)
    const relativeLink = kind === 'link' && !isAbsoluteLink(reader.linkText(dropInDir))
    const shown = (): string => reader.display(dropInDir, inDirectory)
    if (relativeLink) problems.push(RELATIVE_DROP_IN_DIRECTORY(shown()))
    const onceEnabled = alias !== undefined && alias >= aliases.length
    if (onceEnabled) problems.push(ENABLED_ALIAS_DROP_INS(shown(), names[alias]!.name))
    // lib/systemd/system of an image tree from 255: read once deployed on a merged-/usr system
    const mergedUsr =
      inDirectory !== directory && isMergedUsrDirectory(inDirectory, version, path.sep)
    if (mergedUsr) problems.push(MERGED_USR_DROP_INS(shown()))
    for (const [fileName, entryKind] of reader.listDirectory(dropInDir) ?? []) {
      if (!isDropInFileName(fileName)) continue
      const file = entryPath(dropInDir, fileName)
      const skipped =
        entryKind === 'link' && version >= LOOPING_DROP_IN_SKIPPED
          ? skippedLinkReason(file)
          : undefined
      if (skipped !== undefined) {
        problems.push(`${reader.display(file)}: ${skipped}; systemd skips it`)
        continue
      }
      const candidate = { directoryRank, fileName, path: file }
      ;(relativeLink || onceEnabled || mergedUsr ? maybeRead : candidates).push(
        alias === undefined ? candidate : { ...candidate, alias }
      )
    }
  })
  // both ways, the worse judged (scanUnitFile): a weakening drop-in behind a relative link counts
  const choices = dropInChoicesEitherWay(candidates, maybeRead)
  const inputs = new Map<string, UnitFileInput | undefined>()
  let unreadable: string | undefined
  const load = (file: string): UnitFileInput | undefined => {
    if (!inputs.has(file)) {
      try {
        inputs.set(file, reader.read(file))
      } catch (error) {
        if (!(error instanceof ReadError)) throw error
        // one systemd skips too (a directory, a FIFO, a dangling link ...) is a note; one it reads
        // would change the score the gate gives without it
        if (error.systemdReads) unreadable ??= `${reader.display(file)}: ${error.message}`
        else problems.push(`${reader.display(file)}: ${error.message}`)
        inputs.set(file, undefined)
      }
    }
    return inputs.get(file)
  }
  const orders = choices.orders.map((order) =>
    order.flatMap((candidate) => load(candidate.path) ?? [])
  )
  // names contesting files of the same bytes leave systemd no choice: nothing left out matters
  const moot =
    choices.truncated &&
    choices.conflicts.every(({ paths }) => {
      const first = load(paths[0]!)?.bytes
      return paths.every((p) => {
        const bytes = load(p)?.bytes
        return first && bytes && Buffer.compare(first, bytes) === 0
      })
    })
  return {
    orders,
    problems,
    conflicts: choices.conflicts,
    truncated: choices.truncated && !moot,
    ...(unreadable !== undefined ? { unreadable } : {})
  }
}

/** Per directory listing: the names of the links in its dependency directories, with their paths. */
const dependencyLinksOf = new WeakMap<ReadonlyMap<string, EntryKind>, Array<[string, string]>>()

/** The links in a directory's dependency directories (multi-user.target.wants/x), with their paths. */
function dependencyLinks(
  dir: string,
  listing: ReadonlyMap<string, EntryKind>,
  read: Reader
): Array<[string, string]> {
  let links = dependencyLinksOf.get(listing)
  if (!links) {
    links = []
    for (const [name, kind] of listing) {
      if ((kind !== 'directory' && kind !== 'link') || !isDependencyDirectory(name)) continue
      for (const link of read.listDirectory(entryPath(dir, name))?.keys() ?? [])
        links.push([link, read.display(entryPath(entryPath(dir, name), link))])
    }
    dependencyLinksOf.set(listing, links)
  }
  return links
}

/** 50000 as 50,000 */
const thousands = (n: number): string => String(n).replace(/\B(?=(\d{3})+$)/g, ',')

/** Why a template is not judged when the units beside it start too many others to follow. */
export const TOO_MANY_STARTED =
  // (not toLocaleString(): Intl's number formats cost ~15 ms of every start)
  `the units of other types on its search path start more than the gate follows ` +
  `(${thousands(MAX_STARTING_UNITS)} units, or ${thousands(MAX_STARTED_NAMES)} names in all; ` +
  `instances of templates that name each other's without end?): ` +
  `the gate cannot tell which instances of this template run`

/** Why a template is not judged when more of its instances run than the gate scores. */
export const TOO_MANY_INSTANCES =
  `more than ${thousands(MAX_JUDGED_INSTANCES)} of its instances ` +
  `run (enabled, started by other units, or with drop-ins of their own), more than the gate ` +
  `scores one by one: it cannot tell which of them is the worst`

/** Per search path (its directories) and version: the service instances other units start. */
// (per reader, so per scan: a later scan in the same process sees the files as they are then)
const startedOnSearchPath = new WeakMap<
  Reader,
  Map<string, Map<string, Map<string, string>> | 'too many'>
>()

/**
 * The service instances the units of other types on a search path start (a target's Wants=, a
 * timer's Unit=, an enabled timer's default ...; see instancesStartedOnSearchPath), by template
 * prefix and instance, each with why; worked out once per search path.
 */
function instancesStartedOn(
  searched: readonly string[],
  read: Reader,
  version: number
): Map<string, Map<string, string>> | 'too many' {
  const key = `${version}\0${searched.join('\0')}`
  let memo = startedOnSearchPath.get(read)
  if (memo === undefined) startedOnSearchPath.set(read, (memo = new Map()))
  let found = memo.get(key)
  if (found) return found
  const view: SearchPathView = {
    names: (dir) => read.listDirectory(dir)?.keys() ?? [],
    entry(dir, name) {
      const kind = read.listDirectory(dir)?.get(name)
      if (kind === 'link') return { kind, text: read.linkText(entryPath(dir, name)) ?? '' }
      return kind === undefined ? undefined : { kind }
    },
    read(dir, name) {
      try {
        return read.read(entryPath(dir, name), dir).bytes
      } catch (error) {
        if (!(error instanceof ReadError)) throw error
        return undefined
      }
    },
    shown: (dir, name) => read.display(entryPath(dir, name), dir),
    path: entryPath
  }
  found = instancesStartedOnSearchPath(searched, view, version)
  // (bounded: a scan of many image trees keeps the last thousand)
  if (memo.size >= 1000) memo.clear()
  memo.set(key, found)
  return found
}

/**
 * The instances of template `prefix@.service` that run, which its test instance may not show, each
 * with why: those with drop-in directories of their own and no unit file (foo@web.service.d/), and
 * those links in dependency directories enable (multi-user.target.wants/foo@root.service), in the
 * template's directory, or every directory of the search path for a system unit in an image tree.
 */
function instancesThatRun(
  prefix: string,
  directory: string,
  read: Reader,
  version: number,
  manager: SearchPathScope
): Map<string, string> | 'too many' {
  const found = new Map<string, string>()
  const searched = dropInSearchDirectories(directory, version, path.sep, manager)
  for (const dir of searched) {
    const listing = read.listDirectory(dir)
    if (!listing) continue
    const withDropIns = instancesWithDropIns(
      prefix,
      listing.keys(),
      (name) => listing.get(name) === 'file',
      (name) => listing.has(name)
    )
    for (const instance of withDropIns)
      if (!found.has(instance)) found.set(instance, 'with drop-ins of its own beside the template')
    const links = dependencyLinks(dir, listing, read)
    if (links.length === 0) continue
    const shownBy = new Map(links)
    for (const instance of enabledInstances(prefix, shownBy.keys())) {
      const link = shownBy.get(`${prefix}@${instance}.service`)!
      if (!found.has(instance)) found.set(instance, `enabled by ${link}`)
    }
  }
  // and those the units of other types on the search path start
  const started = instancesStartedOn(searched, read, version)
  if (started === 'too many') return started
  for (const [instance, why] of started.get(prefix) ?? [])
    if (!found.has(instance)) found.set(instance, why)
  return found
}

/**
 * For an absolute link in a directory of an image tree's search path (`/usr/lib/systemd/system/x`
 * as `systemctl enable` writes it): what it names inside the image, which the gate does not follow.
 */
function imageLinkHint(file: string, directory: string, read: Reader, version: number): string {
  const text = read.linkText(file)
  if (text === undefined || !text.startsWith('/')) return ''
  const root = searchPathRoot(directory, version, path.sep)
  if (root === undefined) return ''
  return (
    `; in the image it names ${read.display(path.join(root, text))}, but the gate follows no ` +
    `absolute link out of the scanned tree's root: make the link relative to score it`
  )
}

/** What `systemctl enable` reads of a unit: its file and drop-ins (see installNames). */
function installNamesOf(
  main: UnitFileInput,
  dropIns: readonly UnitFileInput[],
  id: UnitName,
  user?: InstallUser,
  asTemplate = false
): InstallNames {
  return installNames(installTexts(main, dropIns, id, asTemplate), id, user)
}

/** Alias= names with a machine specifier, as the drop-in directories of the search path name them. */
function aliasesFound(
  install: InstallNames,
  id: UnitName,
  searched: readonly string[],
  read: Reader
): UnitName[] {
  if (install.aliasPatterns.length === 0) return []
  return searched.flatMap((dir) =>
    aliasesMatching(install.aliasPatterns, read.listDirectory(dir)?.keys() ?? [], id)
  )
}

/** The names among `aliases` the unit does not have already. */
export function newAliases(
  aliases: readonly UnitName[],
  names: { id: UnitName; aliases: readonly UnitName[] }
): UnitName[] {
  const fresh: UnitName[] = []
  if (aliases.length === 0) return fresh
  const known = new Set([names.id.name, ...names.aliases.map((alias) => alias.name)])
  for (const alias of aliases) {
    if (known.has(alias.name)) continue
    known.add(alias.name)
    fresh.push(alias)
  }
  return fresh
}

/** Whether a path names an instance (foo@x.service) whose template (foo@.service) is beside it. */
function hasTemplateBeside(file: string): boolean {
  const named = parseUnitName(path.basename(file))
  const template = named && templateOf(named)
  if (!template) return false
  try {
    fs.lstatSync(path.join(path.dirname(file), template))
    return true
  } catch {
    return false
  }
}

/** Whether a file lies in a dependency directory (x.target.wants/): no unit file for systemd. */
export const inDependencyDirectory = (file: string): boolean =>
  isDependencyDirectory(baseNameOf(directoryOf(file)))

/** Directories never searched for units (DEFAULT_IGNORES, by name). */
const SKIPPED_DIRECTORIES = new Set(['.git', 'node_modules'])

/**
 * Finds the *.service entries below a directory as fast-glob does with DEFAULT_IGNORES (dot files
 * included, links listed but not followed, directories named x.service listed), keeping each
 * directory's listing for the reader: one getdents() per directory for the whole scan. fast-glob
 * itself costs about twice the time here (measured in the README), so it is used only for --exclude.
 * Unlike fast-glob, a directory it cannot list is not passed over in silence: it is listed among the
 * unit files, and scanUnitFile() reports it (units may hide in it). `skip`: entries to leave out,
 * directories not entered (the --exclude and exclude globs).
 */
export function walkServiceFiles(
  root: string,
  listings: Map<string, Listing>,
  skip?: (entry: string, kind: EntryKind) => boolean
): string[] {
  const found: string[] = []
  let realRoot: string | undefined
  try {
    realRoot = fs.realpathSync.native(root)
  } catch {
    realRoot = undefined
  }
  // Below the root the walk enters real directories only, so their real paths follow from its own.
  // A list of directories to visit, not recursion: any depth a checkout can hold is walked.
  const pending: Array<[dir: string, real: string | undefined]> = [[root, realRoot]]
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [dir, real] = next
    let entries: fs.Dirent[]
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true })
    } catch {
      found.push(dir)
      continue
    }
    const listing = listingOf(entries, real)
    listings.set(dir, listing)
    // a dependency directory (multi-user.target.wants/) holds names, not unit files: systemd loads
    // none from it (the template judges the instances its links enable, see instancesThatRun)
    const names = !isDependencyDirectory(baseNameOf(dir))
    for (const [name, kind] of listing.entries) {
      if (kind === 'directory' && SKIPPED_DIRECTORIES.has(name)) continue
      const child = dir + path.sep + name
      if (skip?.(child, kind)) continue
      if (names && name.endsWith('.service')) found.push(child)
      if (kind === 'directory')
        pending.push([child, real === undefined ? undefined : entryPath(real, name)])
    }
  }
  return found
}

/** A glob the gate refuses to use (see checkPatterns). */
export class PatternError extends Error {}

/** Brace groups a pattern may hold: fast-glob expands them all, {a,b}{c,d}... doubling each time. */
const MAX_BRACE_GROUPS = 8

/**
 * Refuses a glob that would exhaust memory or that picomatch cannot compile ({1..1000000}, twenty
 * brace groups, thousands of '['), with a message, before fast-glob takes it.
 */
export function checkPatterns(patterns: readonly string[], picomatch: typeof Picomatch): void {
  for (const pattern of patterns) {
    const problem =
      pattern.length > 4096
        ? 'longer than 4096 characters'
        : (pattern.match(/\{/g)?.length ?? 0) > MAX_BRACE_GROUPS
          ? `more than ${MAX_BRACE_GROUPS} brace groups`
          : /\{[^}]*\.\./.test(pattern)
            ? 'a brace range ({1..9}): list the values instead'
            : undefined
    if (problem === undefined) {
      try {
        picomatch.makeRe(pattern, { dot: true })
        continue
      } catch (error) {
        throw new PatternError(
          `the glob ${JSON.stringify(pattern)} cannot be used: ${(error as Error).message}`
        )
      }
    }
    throw new PatternError(
      `the glob ${JSON.stringify(pattern.slice(0, 80))} cannot be used: ${problem}`
    )
  }
}

/** Line terminators: a glob (picomatch's `.`) never matches a path through a name holding one. */
const LINE_TERMINATOR = /[\n\r\u2028\u2029]/

/**
 * What fast-glob cannot find below `root` that `patterns` (relative to it, fast-glob syntax) name and
 * `ignore` does not: units below a directory whose name holds a line terminator (fast-glob's `**` is
 * built from `.`), and directories that cannot be listed (a name that is not UTF-8 among them). Found
 * by walking the tree; matched by picomatch, the matcher fast-glob uses, with the `s` flag. A
 * pattern that matches a directory takes every unit below it, as fast-glob's callers do. With
 * `followLinks`, also the units below links to directories in the tree, under the link's name.
 */
export function unitsGlobsMiss(
  root: string,
  patterns: readonly string[],
  ignore: readonly string[],
  found: ReadonlySet<string>,
  picomatch: typeof Picomatch,
  /**
   * walk links to directories in the tree too (the Action: a PR may swap a directory for one), or
   * only those that are a directory of an image's search path (the CLI, as systemd reads them)
   */
  followLinks: boolean | 'search directories' = false,
  /** keeps the listings of the directories below `root` (for the reader: none listed twice) */
  listings: Map<string, Listing> = new Map()
): string[] {
  const options = { dot: true, flags: 's' }
  const wanted = picomatch(
    patterns.flatMap((p) => [p, `${p}/**`]),
    options
  )
  const ignored = picomatch([...DEFAULT_IGNORES, ...ignore], options)
  // the walk joins names to `root` as given: the relative path is what follows it (path.relative()
  // was a third of this walk's time)
  const prefix = root.endsWith(path.sep) ? root : root + path.sep
  const relative = (entry: string): string =>
    toPosix(entry.startsWith(prefix) ? entry.slice(prefix.length) : path.relative(root, entry))
  const wantedBelow = (rel: string): boolean => wanted(`${rel === '' ? '' : `${rel}/`}x.service`)
  const missed: string[] = []
  if (realPathOf(root) === undefined) return missed
  const take = (walked: string, linked: boolean): void => {
    const entry = path.normalize(walked)
    if (found.has(entry)) return
    const rel = relative(entry)
    const unlisted = !entry.endsWith('.service')
    // a directory it cannot list: would a unit in it be wanted?
    if (unlisted) {
      if (wantedBelow(rel)) missed.push(entry)
    } else if (linked || LINE_TERMINATOR.test(rel.slice(0, rel.lastIndexOf('/') + 1))) {
      if (wanted(rel)) missed.push(entry)
    }
  }
  walkFollowingLinks(root, listings, {
    follows: (link) =>
      (followLinks === true || (followLinks && isSearchDirectory(link))) &&
      wantedBelow(relative(link)),
    skip: (child) => ignored(relative(child)),
    found: take
  })
  return missed
}

/**
 * Walks `root` (walkServiceFiles) and the links to directories in the tree that `follows` picks,
 * under the link's name (units/prod -> ../deploy/prod: systemd reads units/prod/app.service through
 * it), links found below those too; each real directory once. `found` gets each unit file (or
 * directory it could not list) and whether it lies below a followed link.
 */
function walkFollowingLinks(
  root: string,
  listings: Map<string, Listing>,
  options: {
    follows: (link: string) => boolean
    /** entries neither walked nor followed */
    skip?: (entry: string, kind: EntryKind) => boolean
    found: (entry: string, linked: boolean) => void
  }
): void {
  let links: string[] = []
  const skip = (child: string, kind: EntryKind): boolean => {
    if (options.skip?.(child, kind)) return true
    if (kind === 'link' && options.follows(child)) links.push(child)
    return false
  }
  for (const entry of walkServiceFiles(root, listings, skip)) options.found(entry, false)
  // the root's real path only when there is a link to follow (the usual tree has none)
  const realRoot = links.length > 0 ? realPathOf(root) : undefined
  if (realRoot === undefined) return
  const seen = new Set<string>([realRoot])
  // Two links to one directory: the one systemd reads is walked, the first of its search path
  // (systemd drops a directory it met already), then by path; the links below them in turn.
  while (links.length > 0) {
    // each link ranked once, not at every comparison (the Action follows every link it meets)
    const round = links
      .map((link) => ({ link, rank: searchDirectoryRank(link) }))
      .sort((a, b) => a.rank - b.rank || (a.link < b.link ? -1 : a.link > b.link ? 1 : 0))
    links = []
    for (const { link } of round) {
      const real = directoryInside(link, realRoot)
      if (real === undefined || seen.has(real)) continue
      seen.add(real)
      for (const entry of walkServiceFiles(link, listings, skip)) options.found(entry, true)
    }
  }
}

/** Whether a directory is one of a system or user manager's search path (of an image, say). */
const isSearchDirectory = (directory: string): boolean =>
  eitherSearchPathRoot(directory, NEWEST_SYSTEMD_VERSION, path.sep) !== undefined

/** A directory's place in its (system or user manager's) search path; other directories last. */
function searchDirectoryRank(directory: string): number {
  const directories = eitherSearchDirectories(directory, NEWEST_SYSTEMD_VERSION)
  const rank = directories.length > 1 ? directories.indexOf(directory) : -1
  return rank < 0 ? Number.MAX_SAFE_INTEGER : rank
}

/** The real path of a link that leads to a directory at or below `realRoot`, else undefined. */
function directoryInside(link: string, realRoot: string): string | undefined {
  try {
    const real = fs.realpathSync(link)
    const inside = real === realRoot || real.startsWith(`${realRoot}${path.sep}`)
    return inside && fs.statSync(real).isDirectory() ? real : undefined
  } catch {
    return undefined
  }
}

/**
 * `files` without the units of a plain directory that `files` also hold in a directory of an image's
 * search path (rootfs/usr/lib/systemd/system -> ../../../opt/units, or systemd ->
 * rootfs/usr/lib/systemd/system): systemd reads them through the search path, with the image's
 * drop-ins, not as units of a plain directory; `listings` give the real directories. A copy stays
 * when `changed` (paths a change touched) holds its directory, the search directory, or a directory
 * above either: the change made or moved the link, and what was gated there before is gated still.
 */
export function withoutPlainCopies(
  files: readonly string[],
  listings: ReadonlyMap<string, Listing>,
  changed: readonly string[] = []
): string[] {
  const searchDirectory = new Map<string, boolean>()
  const isSearch = (dir: string): boolean => {
    let result = searchDirectory.get(dir)
    if (result === undefined) searchDirectory.set(dir, (result = isSearchDirectory(dir)))
    return result
  }
  const realOf = (file: string): string => {
    const dir = directoryOf(file)
    return entryPath(listings.get(dir)?.real ?? dir, baseNameOf(file))
  }
  // the units gated in a search directory, by their real path, with the directories holding them
  const searchDirectoriesOf = new Map<string, string[]>()
  for (const file of files) {
    const dir = directoryOf(file)
    if (!isSearch(dir)) continue
    const real = realOf(file)
    const known = searchDirectoriesOf.get(real)
    if (!known) searchDirectoriesOf.set(real, [dir])
    else if (!known.includes(dir)) known.push(dir)
  }
  if (searchDirectoriesOf.size === 0) return [...files]
  const touched = (dir: string): boolean =>
    changed.some((c) => dir === c || dir.startsWith(c.endsWith(path.sep) ? c : c + path.sep))
  return files.filter((file) => {
    const dir = directoryOf(file)
    if (isSearch(dir)) return true
    const searchDirectories = searchDirectoriesOf.get(realOf(file))
    return searchDirectories === undefined || touched(dir) || searchDirectories.some(touched)
  })
}

/**
 * Why the walk could not enter a directory it listed among the unit files (walkServiceFiles), or
 * undefined when the path is no such directory. readdir() gives a name that is not UTF-8 with U+FFFD
 * in it, a name that opens nothing.
 */
function unlistedDirectoryReason(file: string, kind: EntryKind | undefined): string | undefined {
  if (kind !== undefined && kind !== 'directory') return undefined
  let stat: fs.Stats
  try {
    stat = fs.lstatSync(file)
  } catch (error) {
    if (isLossyName(file, error)) {
      return 'a directory whose name is not valid UTF-8: the gate cannot open it, so the units in it are not gated (rename it)'
    }
    if ((error as NodeJS.ErrnoException).code === 'ENAMETOOLONG') {
      return 'a directory too deep to open (its path is longer than the system allows): the units in it are not gated'
    }
    return undefined
  }
  if (!stat.isDirectory()) return undefined
  try {
    fs.readdirSync(file)
    return undefined
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error'
    return `a directory that cannot be listed (${code}): the units in it are not gated`
  }
}

/**
 * fast-glob, loaded when --exclude needs it: the CLI bundle keeps it in a chunk of its own, a third of
 * the code that every start would otherwise compile.
 */
async function fastGlob(): Promise<typeof import('fast-glob')> {
  return (await import('fast-glob')).default
}

/** Expands PATH arguments into unit file paths (files given directly are kept as they are). */
export async function findUnitFiles(
  inputs: string[],
  cwd: string,
  exclude: string[] = []
): Promise<{
  files: string[]
  roots: string[]
  missing: string[]
  listings: Map<string, Listing>
}> {
  const files: string[] = []
  const roots: string[] = []
  const missing: string[] = []
  const listings = new Map<string, Listing>()
  for (const input of inputs) {
    const absolute = path.resolve(cwd, input)
    let stat: fs.Stats | undefined
    try {
      stat = fs.statSync(absolute)
    } catch {
      stat = undefined
    }
    if (!stat) {
      try {
        fs.lstatSync(absolute)
      } catch {
        // an instance with no file of its own is its template's, as systemd-analyze takes it
        if (!hasTemplateBeside(absolute)) {
          missing.push(input)
          continue
        }
      }
      files.push(absolute)
      roots.push(path.dirname(absolute))
      continue
    }
    if (!stat.isDirectory()) {
      files.push(absolute)
      roots.push(path.dirname(absolute))
      continue
    }
    roots.push(absolute)
    let found: string[] = []
    if (exclude.length === 0) {
      // the links of an image's search path are read through, as systemd reads them
      walkFollowingLinks(absolute, listings, {
        follows: isSearchDirectory,
        found: (file) => found.push(file)
      })
    } else {
      const glob = await fastGlob()
      // loaded here, not at the top: the CLI bundle keeps it in the chunk fast-glob is in
      const picomatch = (await import('picomatch')).default
      checkPatterns(exclude, picomatch)
      // relative, then joined: with `absolute` fast-glob turns every backslash of a name into '/'
      found = glob
        .sync('**/*.service', {
          cwd: absolute,
          dot: true,
          onlyFiles: false,
          followSymbolicLinks: false,
          // what it cannot list (EACCES, a path too long) the walk below reports
          suppressErrors: true,
          ignore: [...DEFAULT_IGNORES, ...exclude]
        })
        .map((f) => path.join(absolute, f))
        .filter((f) => !inDependencyDirectory(f))
      const missed = unitsGlobsMiss(
        absolute,
        ['**/*.service'],
        exclude,
        new Set(found),
        picomatch,
        'search directories',
        listings
      )
      for (const file of missed) found.push(file)
    }
    found = withoutPlainCopies(found, listings)
    // A drop-in directory's own name never ends in .service (it ends in .service.d).
    for (const file of found.sort()) files.push(file) // no spread: a tree may hold 100,000s
  }
  // one directory (the usual call) lists each file once: only several inputs can repeat one
  return { files: inputs.length > 1 ? [...new Set(files)] : files, roots, missing, listings }
}

/** A directory's socket units by the service file each activates, computed once per listing. */
const socketsByListing = new WeakMap<
  ReadonlyMap<string, EntryKind>,
  { version: number; byService: Map<string, SocketUnitFiles[]> }
>()

/**
 * The socket units beside a service file that activate it, each with its drop-ins beside it
 * (NAME.socket.d/*.conf), for the ports the fix engine is handed: NAME.socket unless its Service=
 * names another, one whose Service= names it, and for a template foo@.service foo.socket with
 * Accept=yes (an instance per connection) and sockets naming one of its instances. Unreadable
 * files: left out.
 */
function activatingSockets(
  serviceFile: string,
  directory: string,
  reader: Reader,
  version: number
): SocketUnitFiles[] {
  const listing = reader.listDirectory(directory)
  if (listing === undefined) return []
  let memo = socketsByListing.get(listing)
  if (memo?.version !== version) {
    memo = { version, byService: socketsByService(directory, listing, reader, version) }
    socketsByListing.set(listing, memo)
  }
  return memo.byService.get(serviceFile) ?? []
}

function socketsByService(
  directory: string,
  listing: ReadonlyMap<string, EntryKind>,
  reader: Reader,
  version: number
): Map<string, SocketUnitFiles[]> {
  const byService = new Map<string, SocketUnitFiles[]>()
  const read = (file: string): UnitFileInput | undefined => {
    try {
      return reader.read(file)
    } catch (error) {
      if (error instanceof ReadError) return undefined
      throw error
    }
  }
  for (const [name, kind] of listing) {
    if (!name.endsWith('.socket') || (kind !== 'file' && kind !== 'link')) continue
    const unit = parseUnitName(name)
    const main = unit && read(path.join(directory, name))
    if (!unit || !main?.bytes) continue // masked: activates nothing
    const dropIns: UnitFileInput[] = []
    const dropInDirectory = path.join(directory, `${name}.d`)
    const dropInListing =
      listing.get(`${name}.d`) === 'directory' ? reader.listDirectory(dropInDirectory) : undefined
    // systemd's rules for the names it reads and their order (no hidden file, byte order)
    const candidates = [...(dropInListing ?? [])]
      .filter(([, kind]) => kind === 'file' || kind === 'link')
      .map(([fileName]) => ({
        fileName,
        directoryRank: 0,
        path: path.join(dropInDirectory, fileName)
      }))
    for (const candidate of orderDropIns(candidates)) {
      const dropIn = read(candidate.path)
      if (dropIn) dropIns.push(dropIn)
    }
    const files = [main.bytes, ...dropIns.flatMap((d) => (d.bytes ? [d.bytes] : []))]
    const activated = socketActivates(files, unit, version)
    if (activated === 'refused' || activated === 'unknown') continue
    const service = activated === 'per-connection' ? undefined : activated.unit
    // a template's file is read for its instances: the socket counts for both names
    const serviceFiles =
      service === undefined
        ? [`${unit.prefix}@.service`]
        : service.isInstance
          ? [service.name, `${service.prefix}@.service`]
          : [service.name]
    for (const serviceFile of serviceFiles) {
      const list = byService.get(serviceFile)
      if (list) list.push({ main, dropIns })
      else byService.set(serviceFile, [{ main, dropIns }])
    }
  }
  return byService
}

/** The report that fails the gate first: not passed, then not loaded, then the higher exposure. */
export function worse(a: UnitReport, b: UnitReport): boolean {
  if (a.passed !== b.passed) return !a.passed
  const broken = (r: UnitReport): boolean => r.status !== 'scored' && r.status !== 'masked'
  if (broken(a) !== broken(b)) return broken(a)
  return (a.exposure ?? 0) > (b.exposure ?? 0)
}

/** A scan's defaults: only the rows that cost (large trees), exception dates judged on today. */
function withScanDefaults(options: ScanOptions): ScanOptions {
  if (options.keepPassingChecks !== undefined && options.today !== undefined) return options
  return {
    ...options,
    keepPassingChecks: options.keepPassingChecks ?? false,
    today: options.today ?? isoToday()
  }
}

/**
 * The names a unit file's unit goes by (its id and aliases) and the entry it is read from, as
 * scanUnitFile() looks them up; undefined when systemd finds no unit. For the Action's change
 * detection: the drop-in directories of every name, and the file read, feed the unit.
 */
export function unitSources(
  file: string,
  reader: Reader,
  version: number
): { names: UnitName[]; fragment: string } | undefined {
  const directory = directoryOf(file)
  const unit = analysedUnitName(baseNameOf(file), templateInstance(version))
  if (unit?.type !== 'service') return undefined
  const searched = eitherSearchDirectories(directory, version)
  const root = eitherSearchPathRoot(directory, version, path.sep)
  const lookedUp = nameLookupDirectories(directory, searched)
  const map = reader.nameMap(directory, lookedUp, root, baseNameOf(file))
  const names = unitNames(map, unit)
  if ('error' in names) return undefined
  const fragment = entryPath(lookedUp[map.holderOf(names.fragment)]!, names.fragment)
  // and the names its Alias= gives it once enabled, whose drop-in directories then count too
  let enabled: UnitName[] = []
  try {
    const install = installNamesOf(reader.read(fragment), [], names.id)
    enabled = newAliases(
      [...install.aliases, ...aliasesFound(install, names.id, searched, reader)],
      names
    )
  } catch (error) {
    if (!(error instanceof ReadError)) throw error
  }
  return { names: [names.id, ...names.aliases, ...enabled], fragment }
}

/** the directory of the unit scanned last (see sameDirectoryOf) */
let lastUnitDirectory: string | undefined

/**
 * Reads one unit file and its drop-ins and analyses it. An alias (a link to another unit file of the
 * directory) is analysed as systemd does: under the name of the file it leads to, with the drop-ins
 * of every name of the unit; the file a unit is read from gets its aliases' drop-ins too.
 */
export function scanUnitFile(
  file: string,
  roots: string[],
  options: ScanOptions,
  reader?: Reader,
  /** a template analysed as this instance, not systemd-analyze's test instance */
  asInstance?: string
): UnitReport {
  const read = reader ?? createReader(roots, options.cwd)
  const base = baseNameOf(file)
  const directory = (lastUnitDirectory = sameDirectoryOf(file, lastUnitDirectory))
  const shown = read.display(file, directory)
  const named = parseUnitName(base)
  if (!named || named.type !== 'service') {
    return errorReport(
      shown,
      base,
      unlistedDirectoryReason(file, read.listDirectory(directory)?.get(base)) ??
        'not a valid service unit name'
    )
  }
  // asked for (--user, user-units) it is scored for a user's manager; else the whole path guides the
  // fix engine where the report's path cannot (a scan run inside ~/.config/systemd/user)
  const asked = options.scope ?? (options.userManager ? USER_FLAG : undefined)
  const manager = managerAskedBy(asked)
  const instance = asInstance ?? templateInstance(options.version)
  const unit = named.isTemplate ? instanceOf(named, instance) : named
  if (!unit) {
    return errorReport(
      shown,
      base,
      `systemd-analyze would analyse it as ${named.prefix}@${instance}.service, a name over 255 characters: it fails on this file`
    )
  }
  let main: UnitFileInput | undefined
  const listing = read.listDirectory(directory)
  const kind = listing?.get(base)
  // an instance named without a file of its own is looked up by name below (its template)
  const byTemplate = kind === undefined && named.isInstance && listing?.has(templateOf(named)!)
  if (kind !== 'file' && kind !== 'link' && !byTemplate) {
    // not an entry systemd looks at (a directory, a FIFO ...: say what it is), or a file given by
    // path in a directory that cannot be listed (read as itself)
    try {
      main = read.read(file, directory)
    } catch (error) {
      if (!(error instanceof ReadError)) throw error
      return errorReport(shown, unit.name, error.message)
    }
  }
  // systemd looks the unit up by name: the file, a link, or the template an instance stands for,
  // across the search path of an image tree (the file's own entry deciding its own name)
  const searched = dropInSearchDirectories(
    directory,
    options.version,
    path.sep,
    manager ?? 'system'
  )
  const root = searchPathRoot(directory, options.version, path.sep, manager ?? 'system')
  const lookedUp = nameLookupDirectories(directory, searched)
  const map = read.nameMap(directory, lookedUp, root, base)
  // an alias of an image names a unit below the image's root, where systemd --root looks (an
  // absolute one, as `systemctl enable` writes it, or one whose `..` climbs above the root), and so
  // does one to its own name, which systemd ignores for the entry of another directory: neither
  // need lead anywhere from the checkout
  const imageAlias =
    root !== undefined && kind === 'link' && leadsByName(map, base, lookedUp, directory)
  const linkError = kind === 'link' && !imageAlias ? followError(file) : undefined
  if (linkError !== undefined) {
    // systemd-analyze searches the directory of a file only if the file leads somewhere, or if an
    // instance's template does (252-262)
    const template = templateOf(named)
    if (template === undefined || !followable(entryPath(directory, template))) {
      const what =
        linkError === 'ELOOP'
          ? 'a symbolic link in a loop, or at the end of more than 40 links'
          : 'a symbolic link that leads nowhere'
      return errorReport(
        shown,
        unit.name,
        `${what}${template ? `, nor does ${template} beside it` : ''}: ` +
          `systemd-analyze does not look in its directory and does not find ${unit.name}` +
          imageLinkHint(file, directory, read, options.version)
      )
    }
  }
  const names = main ? { id: unit, fragment: base, aliases: [] } : unitNames(map, unit)
  if ('error' in names) {
    return errorReport(shown, unit.name, unitNamesProblem(names, unit))
  }
  if (!main) {
    const holder = map.holderOf(names.fragment)
    const fragmentDirectory = lookedUp[holder]!
    try {
      main = read.read(
        names.fragment === base && fragmentDirectory === directory
          ? file
          : entryPath(fragmentDirectory, names.fragment),
        fragmentDirectory
      )
    } catch (error) {
      if (!(error instanceof ReadError)) throw error
      const which = names.fragment === base ? '' : `${names.fragment}: `
      return errorReport(shown, names.id.name, which + error.message)
    }
  }
  const collect = (enabledAliases: readonly UnitName[]): CollectedDropIns =>
    collectDropIns(
      names.id,
      names.aliases,
      directory,
      read,
      options.version,
      manager ?? 'system',
      enabledAliases
    )
  let collected = collect([])
  // the names `systemctl enable` gives it, from its [Install] section (file and drop-ins); for a
  // template, as enable reads the template's name (its test instance's drop-ins mask same-named
  // ones of the template's directory for that instance only)
  const asTemplate = named.isTemplate && asInstance === undefined
  let installDropIns = collected.orders[0] ?? []
  if (asTemplate && holdsOwnDropIn(installDropIns, names.id)) {
    const template = parseUnitName(templateOf(names.id)!)!
    installDropIns =
      collectDropIns(template, [], directory, read, options.version, manager ?? 'system')
        .orders[0] ?? []
  }
  const install = installNamesOf(
    main,
    installDropIns,
    names.id,
    manager === 'user' ? options.managerUser : undefined,
    asTemplate
  )
  // a template is also judged by the instances that really run (see worstInstance), with why: under
  // its own name and those of its aliases (bar@web.service.d/ for foo@.service <- bar@.service)
  if (asTemplate) {
    const realInstances = new Map<string, string>()
    for (const prefix of templatePrefixes(named, names.aliases)) {
      const running = instancesThatRun(
        prefix,
        directory,
        read,
        options.version,
        manager ?? 'system'
      )
      // fail closed: which instances run is not known
      if (running === 'too many') return errorReport(shown, names.id.name, TOO_MANY_STARTED)
      for (const [found, why] of running)
        if (!realInstances.has(found)) realInstances.set(found, why)
    }
    // and those an alias names (bar@web.service -> foo@.service): their drop-ins are merged too
    for (const aliased of map.aliasedInstances(named.name))
      if (!realInstances.has(aliased)) realInstances.set(aliased, 'an alias names it')
    const byDefault = install.defaultInstance
    if (byDefault !== undefined && !realInstances.has(byDefault))
      realInstances.set(byDefault, 'its DefaultInstance=, the one `systemctl enable` starts')
    for (const wanted of install.wantedInstances ?? []) {
      if (!realInstances.has(wanted))
        realInstances.set(
          wanted,
          'its Alias= names it in a .wants/ or .requires/ directory: `systemctl enable` starts it'
        )
    }
    realInstances.delete(instance)
    // fail closed: the worst of them is not known
    if (realInstances.size > MAX_JUDGED_INSTANCES)
      return errorReport(shown, names.id.name, TOO_MANY_INSTANCES)
    if (realInstances.size > 0) {
      const instances = [...realInstances.keys()]
      return worstInstance(file, roots, options, read, instances, (i) => realInstances.get(i)!)
    }
  }
  const lookupNotes: string[] = []
  if ('templateInstead' in names && names.templateInstead !== undefined) {
    lookupNotes.push(`${names.templateInstead}; systemd loads ${unit.name} from ${names.fragment}`)
  } else if (base !== unit.name && names.fragment !== base && map.get(unit.name) !== undefined) {
    lookupNotes.push(
      `systemd-analyze analyses the template ${base} as ${unit.name}, which this directory ` +
        `holds: the score is that unit's (${names.fragment}), not the template's`
    )
  }
  const enabledAliases = newAliases(
    [...install.aliases, ...aliasesFound(install, names.id, searched, read)],
    names
  )
  if (enabledAliases.length > 0) collected = collect(enabledAliases)
  const { orders, problems, conflicts, truncated, unreadable } = collected
  if (unreadable !== undefined) {
    return errorReport(
      shown,
      names.id.name,
      `drop-in ${unreadable}; systemd reads it, so the unit cannot be scored without it`
    )
  }
  if (truncated) {
    // fail closed: the pick left out may be the one that weakens it
    return errorReport(
      shown,
      names.id.name,
      `more than 7 of its names hold drop-ins of the same file name (${conflicts
        .slice(0, 3)
        .map((c) => c.fileName)
        .join(', ')}${conflicts.length > 3 ? ` and ${conflicts.length - 3} more` : ''}): ` +
        `systemd reads one of each, whichever name it lists first (random from ` +
        `run to run), too many ways for the gate to score them all; give the drop-ins distinct names`
    )
  }
  const sockets = activatingSockets(base, directory, read, options.version)
  const gateOptions = withScanDefaults(options)
  const scope = asked ?? userDirectoryOf(toPosix(file))
  const loaded = loadedNames(unit, names)
  const analyse = (dropIns: UnitFileInput[], suggest = gateOptions.suggest): UnitReport =>
    analyzeUnit(
      {
        ...loaded,
        main,
        dropIns,
        sockets,
        scope,
        manager
      },
      suggest === gateOptions.suggest ? gateOptions : { ...gateOptions, suggest }
    )
  let report: UnitReport
  if (orders.length === 1) {
    report = analyse(orders[0]!)
  } else {
    // systemd lists the aliases in a random order: the gate judges the pick that scores worst
    let worst = 0
    let worstReport = analyse(orders[0]!, false)
    for (let i = 1; i < orders.length; i++) {
      const candidate = analyse(orders[i]!, false)
      if (worse(candidate, worstReport)) [worst, worstReport] = [i, candidate]
    }
    report = gateOptions.suggest === false ? worstReport : analyse(orders[worst]!)
  }
  report.path = shown
  const rel = (p: string): string => toPosix(path.relative(options.cwd, p))
  for (const { fileName, paths } of conflicts) {
    report.diagnostics.push({
      file: shown,
      line: 1,
      severity: 'warning',
      code: 'lookup',
      message:
        `${paths.map(rel).join(' and ')} belong to different aliases of ${names.id.name}: systemd ` +
        `reads one ${fileName} of them, whichever alias it lists first (random from run to run); ` +
        'the gate scores the worse pick'
    })
  }
  const suggestedIn = report.suggestion ? directoryOf(report.suggestion.path) : undefined
  if (suggestedIn && read.listDirectory(directory)?.get(baseNameOf(suggestedIn)) === 'link') {
    problems.push(
      `the suggested drop-in goes into ${suggestedIn}, a symbolic link: make it a directory of ` +
        `its own first (systemd skips a relative link; an absolute one may serve other units too)`
    )
  }
  for (const problem of [...lookupNotes, ...problems]) {
    report.diagnostics.push({
      file: shown,
      line: 1,
      severity: 'warning',
      code: 'lookup',
      message: problem
    })
  }
  return report
}

/** A template judged by its test instance and the instances with drop-ins of their own: the worst. */
function worstInstance(
  file: string,
  roots: string[],
  options: ScanOptions,
  read: Reader,
  instances: readonly string[],
  /** why an instance is judged, for the report */
  why: (instance: string) => string
): UnitReport {
  const quiet = { ...options, suggest: false }
  let worst = scanUnitFile(file, roots, quiet, read, templateInstance(options.version))
  let worstInstanceName: string | undefined
  for (const instance of instances) {
    const report = scanUnitFile(file, roots, quiet, read, instance)
    if (worse(report, worst)) [worst, worstInstanceName] = [report, instance]
  }
  const report =
    options.suggest === false
      ? worst
      : scanUnitFile(
          file,
          roots,
          options,
          read,
          worstInstanceName ?? templateInstance(options.version)
        )
  if (worstInstanceName !== undefined) {
    report.diagnostics.push({
      file: report.path,
      line: 1,
      severity: 'warning',
      code: 'lookup',
      message:
        report.status === 'scored'
          ? `the instance ${report.unit} (${why(worstInstanceName)}) scores worse than systemd-analyze's test instance: the gate judges the template by it`
          : `the instance ${report.unit} (${why(worstInstanceName)}) does not load (${report.status}): the gate judges the template by it`
    })
  }
  return report
}

/** Scans PATH arguments: every unit found is analysed; one bad file never stops the others. */
export interface UnitStream {
  /** PATH arguments that do not exist */
  missing: string[]
  /** unit files found */
  total: number
  /** their absolute paths, in path order */
  files: readonly string[]
  /** the directories reads are confined to */
  roots: readonly string[]
  /** the directories the walk listed (a reader in another thread need not list them again) */
  listings: ReadonlyMap<string, Listing>
  /** analyses the units one by one, in path order: a caller that does not keep them keeps memory flat */
  units: Iterable<UnitReport>
}

/** Finds the units now and analyses them lazily, one bad file never stopping the others. */
export async function scanEach(inputs: string[], options: ScanOptions): Promise<UnitStream> {
  const { files, roots, missing, listings } = await findUnitFiles(
    inputs,
    options.cwd,
    options.exclude
  )
  let readAhead: ReadAhead | undefined
  const reader = createReader(roots, options.cwd, listings, {
    take: (file) => readAhead?.take(file)
  })
  function* analyse(): Generator<UnitReport> {
    // started when the analysis is, not before: a caller may hand the files to worker threads
    if (options.readAheadFrom !== undefined && files.length >= options.readAheadFrom) {
      readAhead = startReadAhead(readOrder(files, listings), REGULAR_READ)
    }
    try {
      yield* analyseAll()
    } finally {
      if (readAhead) options.onReadAhead?.(readAhead.served)
      readAhead?.stop()
    }
  }
  function* analyseAll(): Generator<UnitReport> {
    let suggestions = 0
    // the options every unit shares, settled once
    const shared = withScanDefaults(options)
    const unsuggested: ScanOptions = { ...shared, suggest: false }
    for (let i = 0; i < files.length; i++) {
      const limited = options.suggestLimit !== undefined && suggestions >= options.suggestLimit
      const report = scanUnitFile(files[i]!, roots, limited ? unsuggested : shared, reader)
      if (report.suggestion) suggestions++
      if (options.onProgress && (i + 1) % 500 === 0) options.onProgress(i + 1, files.length)
      yield report
    }
  }
  return { missing, total: files.length, files, roots, listings, units: analyse() }
}

/** Scans PATH arguments and keeps every report. */
export async function scan(
  inputs: string[],
  options: ScanOptions
): Promise<{ units: UnitReport[]; missing: string[] }> {
  const stream = await scanEach(inputs, options)
  return { units: [...stream.units], missing: stream.missing }
}
