/** Shared helpers of the fix engine's tests: running the gate on fixture units, examples and /lib/systemd/system. */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { dropInDirectoryNames, orderDropIns } from '../src/core/dropins.js'
import type { Policy } from '../src/core/policy.js'
import { DEFAULT_POLICY } from '../src/core/policy.js'
import type { UnitReport } from '../src/core/report.js'
import { analyzeUnit } from '../src/core/report.js'
import { loadService } from '../src/core/service.js'
import type { LoadedService } from '../src/core/service.js'
import { parseUnitName } from '../src/core/specifiers.js'
import type { FullSuggestion } from '../src/core/suggest.js'
import type { FixtureUnit } from './suggest-fixtures.js'

const encoder = new TextEncoder()
const bytes = (content: string | Uint8Array): Uint8Array =>
  typeof content === 'string' ? encoder.encode(content) : content

/** A unit laid out as files relative to its directory (unit file, drop-ins, NAME.socket). */
export interface UnitFiles {
  /** the unit as analysed (an instance for a template) */
  name: string
  files: Record<string, string | Uint8Array>
}

export interface RunOptions {
  policy?: Policy
  /** tenths (default 50) */
  threshold?: number
  version?: number
  /** the directory the unit file is in, as the report shows it (default: none) */
  directory?: string
  /** 'user': scored as systemd-analyze --user scores it (--user) */
  manager?: 'user'
}

function layout(unit: UnitFiles) {
  const name = parseUnitName(unit.name)!
  const mainFile = Object.hasOwn(unit.files, unit.name) ? unit.name : `${name.prefix}@.${name.type}`
  const directories = dropInDirectoryNames(name)
  const candidates = Object.keys(unit.files).flatMap((file) => {
    const slash = file.lastIndexOf('/')
    if (slash < 0) return []
    const directoryRank = directories.indexOf(file.slice(0, slash))
    return directoryRank < 0 ? [] : [{ directoryRank, fileName: file.slice(slash + 1), path: file }]
  })
  const dropIns = orderDropIns(candidates).map((c) => ({
    path: c.path,
    bytes: bytes(unit.files[c.path]!)
  }))
  const socketFile = `${mainFile.replace(/\.service$/, '')}.socket`
  const sockets = Object.hasOwn(unit.files, socketFile)
    ? [{ main: { path: socketFile, bytes: bytes(unit.files[socketFile]!) }, dropIns: [] }]
    : []
  return { name, mainFile, dropIns, sockets }
}

/** The gate's report on a unit (suggestions on, baseline threshold 5.0, systemd 252). */
export function gate(unit: UnitFiles, options: RunOptions = {}): UnitReport {
  const { name, mainFile, dropIns, sockets } = layout(unit)
  return analyzeUnit(
    {
      unit: name,
      main: {
        path: options.directory === undefined ? mainFile : `${options.directory}/${mainFile}`,
        bytes: bytes(unit.files[mainFile]!)
      },
      dropIns,
      // beside the unit file, as the scan finds them
      sockets: sockets.map((socket) =>
        options.directory === undefined
          ? socket
          : {
              ...socket,
              main: { ...socket.main, path: `${options.directory}/${socket.main.path}` }
            }
      ),
      manager: options.manager
    },
    {
      version: options.version ?? 252,
      policy: options.policy ?? DEFAULT_POLICY,
      threshold: options.threshold ?? 50,
      today: '2026-06-15'
    }
  )
}

export function suggestionOf(report: UnitReport): FullSuggestion {
  if (!report.suggestion) throw new Error(`${report.unit}: no suggestion`)
  return report.suggestion as FullSuggestion
}

/**
 * The unit with a drop-in added at the suggestion's path: what systemd would read. `directory` is
 * the one the unit was reported in (RunOptions.directory), which the suggestion's path starts with.
 */
export function withDropIn(
  unit: UnitFiles,
  suggestion: { path: string; dropIn: string },
  directory?: string
): UnitFiles {
  const prefix = directory === undefined ? '' : `${directory}/`
  if (!suggestion.path.startsWith(prefix)) {
    throw new Error(`${suggestion.path} is not in ${directory ?? 'the unit directory'}`)
  }
  const file = suggestion.path.slice(prefix.length)
  return { name: unit.name, files: { ...unit.files, [file]: suggestion.dropIn } }
}

/** The unit loaded with all its files (e.g. with the suggested drop-in). */
export function load(unit: UnitFiles, version = 252): LoadedService {
  const { name, mainFile, dropIns } = layout(unit)
  const loaded = loadService({
    unit: name,
    main: { path: mainFile, bytes: bytes(unit.files[mainFile]!) },
    dropIns,
    version
  })
  if (loaded.status !== 'loaded') throw new Error(`${unit.name}: ${loaded.reason}`)
  return loaded
}

export function fixture(unit: FixtureUnit): UnitFiles {
  return { name: unit.name, files: unit.files }
}

/** The examples/ units with their drop-ins. */
export function exampleUnits(root: string): UnitFiles[] {
  const dir = path.join(root, 'examples')
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.service'))
    .sort()
    .map((f) => {
      const files: Record<string, string> = { [f]: fs.readFileSync(path.join(dir, f), 'utf8') }
      const dropInDir = path.join(dir, `${f}.d`)
      if (fs.existsSync(dropInDir)) {
        for (const entry of fs.readdirSync(dropInDir)) {
          files[`${f}.d/${entry}`] = fs.readFileSync(path.join(dropInDir, entry), 'utf8')
        }
      }
      return { name: f, files }
    })
}

/** The service units of /lib/systemd/system with their drop-ins (templates as NAME@i.service). */
export function systemUnits(directory = '/lib/systemd/system'): UnitFiles[] {
  if (!fs.existsSync(directory)) return []
  const units: UnitFiles[] = []
  for (const fileName of fs
    .readdirSync(directory)
    .filter((f) => f.endsWith('.service'))
    .sort()) {
    const parsed = parseUnitName(fileName)
    if (!parsed) continue
    const name = parsed.isTemplate ? `${parsed.prefix}@i.service` : fileName
    const read = (file: string): Uint8Array | undefined => {
      try {
        const full = path.join(directory, file)
        if (fs.lstatSync(full).isSymbolicLink() && fs.readlinkSync(full) === '/dev/null')
          return new Uint8Array()
        return fs.readFileSync(full)
      } catch {
        return undefined
      }
    }
    const main = read(fileName)
    if (main === undefined || main.length === 0) continue
    const files: Record<string, Uint8Array> = { [fileName]: main }
    for (const dir of dropInDirectoryNames(parseUnitName(name)!)) {
      let entries: string[] = []
      try {
        entries = fs.readdirSync(path.join(directory, dir))
      } catch {
        continue
      }
      for (const entry of entries) {
        const content = read(path.join(dir, entry))
        if (content !== undefined) files[`${dir}/${entry}`] = content
      }
    }
    const socket = fileName.replace(/\.service$/, '.socket')
    const socketBytes = read(socket)
    if (socketBytes !== undefined) files[socket] = socketBytes
    units.push({ name, files })
  }
  return units
}
