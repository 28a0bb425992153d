/**
 * The file-system adapter: finds unit files (fast-glob), reads them and their drop-ins safely
 * (never following a link out of the scanned tree, never reading anything but regular files) and
 * hands their bytes to the pure core.
 */
import fg from 'fast-glob'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { dropInDirectoryNames, isDropInFileName, orderDropIns } from '../core/dropins.js'
import type { GateOptions, UnitReport, UnitSource } from '../core/report.js'
import { analyzeUnit, errorReport } from '../core/report.js'
import type { UnitFileInput } from '../core/service.js'
import type { UnitName } from '../core/specifiers.js'
import { instantiate, parseUnitName } from '../core/specifiers.js'

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
}

class ReadError extends Error {}

/** The instance name systemd-analyze gives a bare template: "i" up to v256, "test_instance" after. */
export function templateInstance(version: number): string {
  return version >= 257 ? 'test_instance' : 'i'
}

const toPosix = (p: string): string => p.split(path.sep).join('/')

interface Reader {
  read(file: string): UnitFileInput
  listDirectory(dir: string): Set<string> | undefined
}

/** Reads files below the scan roots only; caches directory listings. */
function createReader(roots: string[], cwd: string): Reader {
  const listings = new Map<string, Set<string> | undefined>()
  const realRoots = roots.map((root) => {
    try {
      return fs.realpathSync(root)
    } catch {
      return root
    }
  })
  const realDirectories = new Map<string, string>()
  /** realpath of a directory, cached: every unit in a directory shares it. */
  const realDirectory = (dir: string): string => {
    let real = realDirectories.get(dir)
    if (real === undefined) {
      try {
        real = fs.realpathSync.native(dir)
      } catch (error) {
        throw new ReadError(
          `cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`
        )
      }
      realDirectories.set(dir, real)
    }
    return real
  }
  const within = (real: string, root: string): boolean =>
    real === root || real.startsWith(root.endsWith(path.sep) ? root : root + path.sep)
  // Repository internals are never unit files, even when a link points there.
  const inGitDirectory = (real: string, root: string): boolean =>
    path.relative(root, real).split(path.sep).includes('.git')
  const inside = (real: string): boolean =>
    realRoots.some((root) => within(real, root) && !inGitDirectory(real, root))
  const display = (file: string): string => {
    const relative = path.relative(cwd, file)
    return toPosix(relative === '' ? path.basename(file) : relative)
  }
  return {
    listDirectory(dir) {
      if (listings.has(dir)) return listings.get(dir)
      let entries: Set<string> | undefined
      try {
        entries = new Set(fs.readdirSync(dir))
      } catch {
        entries = undefined
      }
      listings.set(dir, entries)
      return entries
    },
    read(file) {
      const shown = display(file)
      let stat: fs.Stats
      try {
        stat = fs.lstatSync(file)
      } catch (error) {
        throw new ReadError(
          `cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`
        )
      }
      let target = file
      if (stat.isSymbolicLink()) {
        const link = fs.readlinkSync(file)
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
        const real = path.join(realDirectory(path.dirname(file)), path.basename(file))
        if (!inside(real)) {
          throw new ReadError(`resolves to ${real} outside the scanned tree; not followed`)
        }
      }
      if (stat.isDirectory()) throw new ReadError('is a directory, not a unit file')
      if (!stat.isFile()) throw new ReadError('is not a regular file')
      if (stat.size > MAX_UNIT_FILE_BYTES) {
        throw new ReadError(
          `file is ${stat.size} bytes, larger than the ${MAX_UNIT_FILE_BYTES} the gate reads`
        )
      }
      try {
        return { path: shown, bytes: fs.readFileSync(target) }
      } catch (error) {
        throw new ReadError(
          `cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`
        )
      }
    }
  }
}

/** Drop-ins beside the unit file, in systemd's order; unreadable ones become diagnostics. */
function collectDropIns(
  unit: UnitName,
  directory: string,
  reader: Reader
): { dropIns: UnitFileInput[]; problems: string[] } {
  const siblings = reader.listDirectory(directory)
  const candidates: Array<{ directoryRank: number; fileName: string; path: string }> = []
  const problems: string[] = []
  if (siblings) {
    dropInDirectoryNames(unit).forEach((dirName, directoryRank) => {
      if (!siblings.has(dirName)) return
      const dropInDir = path.join(directory, dirName)
      for (const fileName of reader.listDirectory(dropInDir) ?? []) {
        if (isDropInFileName(fileName)) {
          candidates.push({ directoryRank, fileName, path: path.join(dropInDir, fileName) })
        }
      }
    })
  }
  const dropIns: UnitFileInput[] = []
  for (const candidate of orderDropIns(candidates)) {
    try {
      dropIns.push(reader.read(candidate.path))
    } catch (error) {
      if (!(error instanceof ReadError)) throw error
      problems.push(`${candidate.path}: ${error.message}`)
    }
  }
  return { dropIns, problems }
}

/** Expands PATH arguments into unit file paths (files given directly are kept as they are). */
export async function findUnitFiles(
  inputs: string[],
  cwd: string,
  exclude: string[] = []
): Promise<{ files: string[]; roots: string[]; missing: string[] }> {
  const files: string[] = []
  const roots: string[] = []
  const missing: string[] = []
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
        files.push(absolute)
        roots.push(path.dirname(absolute))
      } catch {
        missing.push(input)
      }
      continue
    }
    if (!stat.isDirectory()) {
      files.push(absolute)
      roots.push(path.dirname(absolute))
      continue
    }
    roots.push(absolute)
    const found = fg.sync('**/*.service', {
      cwd: absolute,
      absolute: true,
      dot: true,
      onlyFiles: false,
      followSymbolicLinks: false,
      ignore: [...DEFAULT_IGNORES, ...exclude]
    })
    // A drop-in directory's own name never ends in .service (it ends in .service.d).
    files.push(...found.map((f) => path.normalize(f)).sort())
  }
  return { files: [...new Set(files)], roots, missing }
}

/** NAME.socket beside NAME.service (the fix engine reads the ports it is handed); unreadable: none. */
function companionSockets(serviceFile: string, directory: string, reader: Reader): UnitFileInput[] {
  const socket = serviceFile.replace(/\.service$/, '.socket')
  if (!reader.listDirectory(directory)?.has(socket)) return []
  try {
    return [reader.read(path.join(directory, socket))]
  } catch (error) {
    if (error instanceof ReadError) return []
    throw error
  }
}

/** Reads one unit file and its drop-ins and analyses it. */
export function scanUnitFile(
  file: string,
  roots: string[],
  options: ScanOptions,
  reader?: Reader
): UnitReport {
  const read = reader ?? createReader(roots, options.cwd)
  const base = path.basename(file)
  const shown = toPosix(path.relative(options.cwd, file) || base)
  let unit = parseUnitName(base)
  if (!unit || unit.type !== 'service')
    return errorReport(shown, base, 'not a valid service unit name')
  if (unit.isTemplate) unit = instantiate(unit, templateInstance(options.version))
  let main: UnitFileInput
  try {
    main = read.read(file)
  } catch (error) {
    if (!(error instanceof ReadError)) throw error
    return errorReport(shown, unit.name, error.message)
  }
  const { dropIns, problems } = collectDropIns(unit, path.dirname(file), read)
  const sockets = companionSockets(base, path.dirname(file), read)
  const source: UnitSource = { unit, main, dropIns, sockets }
  const report = analyzeUnit(source, {
    ...options,
    keepPassingChecks: options.keepPassingChecks ?? false,
    today: options.today ?? new Date().toISOString().slice(0, 10)
  })
  for (const problem of problems) {
    report.diagnostics.push({
      file: shown,
      line: 1,
      severity: 'warning',
      code: 'syntax',
      message: problem
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
  /** analyses the units one by one, in path order: a caller that does not keep them keeps memory flat */
  units: Iterable<UnitReport>
}

/** Finds the units now and analyses them lazily, one bad file never stopping the others. */
export async function scanEach(inputs: string[], options: ScanOptions): Promise<UnitStream> {
  const { files, roots, missing } = await findUnitFiles(inputs, options.cwd, options.exclude)
  const reader = createReader(roots, options.cwd)
  function* analyse(): Generator<UnitReport> {
    let suggestions = 0
    for (let i = 0; i < files.length; i++) {
      const limited = options.suggestLimit !== undefined && suggestions >= options.suggestLimit
      const report = scanUnitFile(
        files[i]!,
        roots,
        limited ? { ...options, suggest: false } : options,
        reader
      )
      if (report.suggestion) suggestions++
      if (options.onProgress && (i + 1) % 500 === 0) options.onProgress(i + 1, files.length)
      yield report
    }
  }
  return { missing, total: files.length, units: analyse() }
}

/** Scans PATH arguments and keeps every report. */
export async function scan(
  inputs: string[],
  options: ScanOptions
): Promise<{ units: UnitReport[]; missing: string[] }> {
  const stream = await scanEach(inputs, options)
  return { units: [...stream.units], missing: stream.missing }
}
