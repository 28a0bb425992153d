/**
 * The service instances other units start. A template is scored by systemd-analyze as a test
 * instance, but what runs is the instance something starts: a target that wants `foo@root.service`,
 * a timer whose `Unit=` is `backup@daily.service`, a socket whose `Service=` names one. The scan
 * reads the units of other types beside a template (targets, timers, paths, sockets ...) and the
 * instances of them that are enabled or named in turn, for the services they start, and judges the
 * template as each such instance too. How a name is read follows systemd: config_parse_unit_deps
 * (words with escapes kept), config_parse_trigger_unit (the first valid Unit=, else the service of
 * the trigger's own name), config_parse_socket_service (the last valid Service=), install.c's
 * config_parse_also (words unescaped), and unit_name_printf's specifiers.
 */
import { parseUnitText } from './syntax.js'
import type { UnitName } from './specifiers.js'
import { dependencyDirectoryNames, isDependencyDirectory } from './dropins.js'
import { expandSpecifiers, instanceOf, parseUnitName, templateOf } from './specifiers.js'
import { extractFirstWord, parseBoolean } from './words.js'

/** A unit another unit's file names as one to start, and where. */
export interface StartedUnit {
  unit: UnitName
  /** the directive that names it (`Wants`, `Unit` ...), or undefined for a trigger's default */
  key: string | undefined
  line: number
}

/**
 * Dependencies that start the unit they name (config_parse_unit_deps), with the first version that
 * knows each; Requisite=, PartOf=, After= and the like start nothing.
 */
const STARTING_DEPENDENCIES: ReadonlyMap<string, number> = new Map([
  ['Wants', 0],
  ['Requires', 0],
  ['BindsTo', 0],
  ['OnFailure', 0],
  ['Upholds', 249],
  ['OnSuccess', 249]
])

/** The section a unit type triggers another unit from, and its key. */
const TRIGGERS: Readonly<Record<string, readonly [string, string]>> = {
  timer: ['Timer', 'Unit'],
  path: ['Path', 'Unit'],
  socket: ['Socket', 'Service']
}

/** unit_name_printf()'s specifiers of the unit's own name (and %%), which the gate expands */
const NAME_SPECIFIERS = 'ijnNp%'
/** its specifiers of the machine and the manager's user: valid, but unknown here */
const MACHINE_SPECIFIERS = 'aAbBHlmMovwWgGuU'

/**
 * A name as systemd resolves it for `unit`: the name, 'unknown' (a machine or user specifier:
 * valid where it runs, unknown here), or undefined (a specifier systemd refuses: "Invalid slot").
 */
function resolveName(
  name: string,
  unit: UnitName,
  version: number
): string | 'unknown' | undefined {
  let unknown = false
  for (let i = name.indexOf('%'); i >= 0; i = name.indexOf('%', i + 2)) {
    const letter = name[i + 1] ?? ''
    if (MACHINE_SPECIFIERS.includes(letter) && letter !== '') unknown = true
    else if (letter === '' || !NAME_SPECIFIERS.includes(letter)) return undefined
  }
  if (unknown) return 'unknown'
  const expanded = expandSpecifiers(name, unit, version)
  return 'error' in expanded ? undefined : expanded.value
}

/**
 * Whether a dependency's written name holds more than the instance where the instance goes (`%n`,
 * `%N`, or `%i` with more text): systemd drops such a dependency on another instance of the unit's
 * own template, which would name instances without end ("Dropping dependency Wants=t@%it.target
 * that likely leads to infinite recursion", contains_instance_specifier_superset()).
 */
function instanceSuperset(format: string): boolean {
  const at = format.indexOf('@')
  if (at < 0) return false
  const dot = format.lastIndexOf('.')
  const instance = format.slice(at + 1, dot > at ? dot : format.length)
  if (instance === '%i') return false
  let percent = false
  for (const c of instance) {
    if (c === '%') percent = !percent
    else if (percent) {
      if (c === 'n' || c === 'N' || c === 'i') return true
      percent = false
    }
  }
  return false
}

/**
 * A template named as a dependency or trigger stands for its instance of the naming unit's
 * instance, or of its prefix when it has none (resolve_template(): `Wants=foo@.service` in
 * app.target starts foo@app.service); other names stand for themselves.
 */
function resolveTemplate(named: UnitName, unit: UnitName): UnitName | undefined {
  if (!named.isTemplate) return named
  return instanceOf(named, unit.isInstance ? unit.instance : unit.prefix)
}

/**
 * The units a unit file starts: named in Wants=, Requires=, BindsTo=, OnFailure=, Upholds= and
 * OnSuccess= (from 249) or [Install] Also= (enabling it enables them), or triggered: a timer's or
 * path's first valid Unit=, a socket's last valid Service=, else the service of the trigger's own
 * name (none for a socket with Accept=yes, whose instances are named per connection; a socket with
 * Accept=yes and a Service= does not load). `unit`: the name the file is loaded as (its specifiers
 * expand with it). Names systemd would not resolve or accept are left out, and so are names with
 * a specifier of the machine, which cannot be known here.
 */
export function unitsStartedBy(
  bytes: Uint8Array,
  unit: UnitName,
  version: number,
  /** whether an instance loads from the file this unit does (default: yes, its template) */
  sameFile: (named: UnitName) => boolean = () => true
): StartedUnit[] {
  const trigger = TRIGGERS[unit.type]
  const sections = trigger ? ['Unit', 'Install', trigger[0]] : ['Unit', 'Install']
  const started: StartedUnit[] = []
  let triggered: StartedUnit | 'unknown' | undefined
  const socket = unit.type === 'socket' ? socketReader(unit, version) : undefined
  for (const { section, key, value, line } of parseUnitText(bytes, sections, version).assignments) {
    if (trigger && section === trigger[0]) {
      if (socket) {
        socket.take(key, value, line)
      } else if (key === trigger[1] && value !== '' && triggered === undefined) {
        // the first valid one, of any type but itself (a template: as its instance)
        const name = resolveName(value, unit, version)
        if (name === undefined) continue
        const named = name === 'unknown' ? undefined : parseUnitName(name)
        const resolved = named && resolveTemplate(named, unit)
        if (name === 'unknown') triggered = 'unknown'
        else if (resolved && resolved.name !== unit.name) triggered = { unit: resolved, key, line }
      }
      continue
    }
    const since = section === 'Unit' ? STARTING_DEPENDENCIES.get(key) : undefined
    const also = section === 'Install' && key === 'Also'
    if ((since === undefined || version < since) && !also) continue
    // dependencies keep escapes and quotes (a quoted name is no unit name); Also= unescapes
    for (let position = 0; ;) {
      const next = extractFirstWord(value, position, also ? {} : { retainEscape: true })
      if (next === undefined || 'error' in next) break
      position = next.next
      const name = resolveName(next.word, unit, version)
      const parsed = name === undefined || name === 'unknown' ? undefined : parseUnitName(name)
      // (enable of a template with no instance links nothing: Also= takes instances only)
      const named =
        parsed && (also ? (parsed.isTemplate ? undefined : parsed) : resolveTemplate(parsed, unit))
      if (!named) continue
      // (systemd tests the name as written, before a template is resolved, and only against an
      // instance that loads from the same file: unit_is_likely_recursive_template_dependency)
      const recursive =
        !also &&
        parsed.isInstance &&
        parsed.prefix === unit.prefix &&
        parsed.type === unit.type &&
        instanceSuperset(next.word) &&
        sameFile(parsed)
      if (!recursive) started.push({ unit: named, key, line })
    }
  }
  if (socket) {
    const activated = socket.activates()
    if (activated === 'refused') return []
    // (per connection: instances named when a connection comes, not known here)
    if (typeof activated !== 'string') started.push(activated)
    return started
  }
  if (trigger && triggered === undefined) triggered = ownService(unit)
  if (triggered !== undefined && triggered !== 'unknown') started.push(triggered)
  return started
}

/** The service of a trigger's own name (NAME.socket, NAME.timer: NAME.service). */
function ownService(unit: UnitName): StartedUnit | undefined {
  const own = parseUnitName(`${unit.stem}.service`)
  return own && { unit: own, key: undefined, line: 1 }
}

/**
 * What a socket unit starts, as systemd reads its [Socket] lines (its file's, then its drop-ins'):
 * the last valid Service= (a service, no template), else the service of the socket's own name; with
 * Accept=yes an instance of NAME@.service per connection ('per-connection'), and with both it does
 * not load ("Explicit service configuration for accepting socket units not supported").
 * 'unknown': Service= names it with a specifier of the machine.
 */
export type SocketActivation = StartedUnit | 'unknown' | 'per-connection' | 'refused'

/** A reader of a socket unit's [Socket] assignments, in the order systemd applies them. */
function socketReader(
  unit: UnitName,
  version: number
): { take(key: string, value: string, line: number): void; activates(): SocketActivation } {
  let service: StartedUnit | 'unknown' | undefined
  let accepts = false
  return {
    take(key, value, line) {
      if (key === 'Service' && value !== '') {
        const name = resolveName(value, unit, version)
        if (name === 'unknown') service = 'unknown'
        else if (name !== undefined) {
          // must load as a service (no template); the last one wins
          const named = parseUnitName(name)
          if (named?.type === 'service' && !named.isTemplate) service = { unit: named, key, line }
        }
      } else if (key === 'Accept') {
        accepts = parseBoolean(value) ?? accepts
      }
    },
    activates() {
      if (accepts) return service === undefined ? 'per-connection' : 'refused'
      return service ?? ownService(unit) ?? 'unknown'
    }
  }
}

/** The service a socket unit activates, from its file and then its drop-ins (see SocketActivation). */
export function socketActivates(
  files: readonly Uint8Array[],
  unit: UnitName,
  version: number
): SocketActivation {
  const socket = socketReader(unit, version)
  for (const bytes of files)
    for (const { section, key, value, line } of parseUnitText(bytes, ['Socket'], version)
      .assignments)
      if (section === 'Socket') socket.take(key, value, line)
  return socket.activates()
}

/** Unit types whose files are read for the units they start (every type with unit files but service). */
const STARTING_TYPES: ReadonlySet<string> = new Set([
  'socket',
  'target',
  'mount',
  'automount',
  'swap',
  'timer',
  'path',
  'slice'
])

/**
 * The entries of a directory that start units when loaded on their own: units of other types than
 * service, not templates (systemd loads a template only as an instance).
 */
export function startingUnitsAmong(names: Iterable<string>): UnitName[] {
  const units: UnitName[] = []
  for (const name of names) {
    // (most entries are services: told apart before any parsing)
    if (name.endsWith('.service')) continue
    const unit = parseUnitName(name)
    if (unit && !unit.isTemplate && STARTING_TYPES.has(unit.type)) units.push(unit)
  }
  return units
}

/** Where systemd loads a unit from: its bytes (null: masked) and the path the report shows. */
export interface UnitSource {
  bytes: Uint8Array | null
  shown: string
}

/** A unit that starts others, and why it runs. */
export interface StartingUnit {
  unit: UnitName
  /** why it runs: undefined for a unit file found beside the template, else e.g. "which LINK enables" */
  via?: string
  /** a service instance: only its dependency directories are read (services are not read) */
  directoriesOnly?: boolean
}

/** What the walk is given to look units up with (the scan's reader, or the Action's base). */
export interface UnitLookup {
  /** the file systemd loads a unit from (its own, else its template's, the first on the search
   * path), undefined when there is none */
  load(unit: UnitName): UnitSource | undefined
  /** the entries of the unit's dependency directories (NAME.wants/, .requires/, .upholds/, and
   * its template's), with their paths as shown */
  dependencies(unit: UnitName): Iterable<[string, string]>
  /** the unit a name stands for: the one an alias link leads to (app.target -> root.target), else
   * itself (a template entry of the alias's dependency directory is the instance of that one) */
  idOf?(unit: UnitName): UnitName
  /** whether the unit has a dependency directory at all (default: it may); most have none */
  hasDependencies?(unit: UnitName): boolean
}

/** The unit a dependency directory belongs to (`t@.target` for .../t@.target.wants/x). */
function ownerOfLink(shown: string): UnitName | undefined {
  const end = shown.lastIndexOf('/')
  const directory = shown.slice(shown.lastIndexOf('/', end - 1) + 1, end)
  const owner = /^(.+)\.(wants|requires|upholds)$/.exec(directory)
  return owner ? parseUnitName(owner[1]!) : undefined
}

/**
 * The service instances that run because other units start them, each with why: from `roots` (the
 * units of other types beside a template) and `links` (the entries of the dependency directories
 * on the search path: timers.target.wants/backup@daily.timer), through every unit of another type
 * they start in turn, with the entries of its own dependency directories (a template entry stands
 * for the instance of its owner: t@.target.wants/foo@.service for t@root.target starts
 * foo@root.service). Each unit is read once; services are not read (the scan reads each service
 * once: what one service's file names is not followed), but the dependency directories of a service
 * instance that runs are (bar@.service.wants/foo@.service for bar@root.service).
 */
export function instancesStarted(
  roots: readonly StartingUnit[],
  links: Iterable<[string, string]>,
  lookup: UnitLookup,
  version: number
): Map<string, string> | 'too many' {
  const found = new Map<string, string>()
  const visited = new Set<string>()
  const queue: StartingUnit[] = []
  // (instances of templates naming each other's, %i grown each time, branch without end: the
  // units and the names are both bounded, so memory and time are)
  let tooMany = false
  let names = 0
  let servicesVisited = 0
  // one hop of why, not the whole chain (a chain of 10,000 targets would repeat it each time)
  const hop = (how: string, via: string | undefined): string =>
    via === undefined ? how : `${how}, itself started`
  const enqueue = (starting: StartingUnit): void => {
    if (visited.has(starting.unit.name)) return
    // (a service instance costs a few lookups, no read: the names bound holds those)
    if (!starting.directoriesOnly && visited.size - servicesVisited >= MAX_STARTING_UNITS) {
      tooMany = true
      return
    }
    visited.add(starting.unit.name)
    if (starting.directoriesOnly) servicesVisited++
    queue.push(starting)
  }
  /** an entry of a dependency directory: what it names starts when its owner does */
  const linked = (name: string, shown: string, owner: UnitName | undefined, via?: string): void => {
    names++
    const parsed = parseUnitName(name)
    if (!parsed) return
    const unit = parsed.isTemplate
      ? owner && !owner.isTemplate
        ? resolveTemplate(parsed, owner)
        : undefined
      : parsed
    if (!unit) return
    const then = via === undefined ? '' : `, ${via}`
    const as = unit.name === name ? '' : ` as ${unit.name}`
    if (unit.type === 'service') {
      if (unit.isInstance && !found.has(unit.name))
        found.set(unit.name, `enabled by ${shown}${as}${then}`)
      startedService(unit, `which ${shown} enables${as}`, via)
    } else if (STARTING_TYPES.has(unit.type)) {
      enqueue({ unit, via: hop(`which ${shown} enables${as}`, via) })
    }
  }
  /**
   * A service instance that runs starts what its template's dependency directories hold
   * (bar@.service.wants/foo@.service for bar@root.service: foo@root.service); its file is not read
   */
  const startedService = (unit: UnitName, how: string, via?: string): void => {
    if (unit.isInstance && lookup.hasDependencies?.(unit) !== false)
      enqueue({ unit, via: hop(how, via), directoriesOnly: true })
  }
  for (const root of roots) enqueue(root)
  for (const [name, shown] of links) {
    const owner = ownerOfLink(shown)
    linked(name, shown, owner && (lookup.idOf?.(owner) ?? owner))
  }
  for (let i = 0; i < queue.length && !tooMany; i++) {
    const { unit, via, directoriesOnly } = queue[i]!
    if (!directoriesOnly) {
      const source = lookup.load(unit)
      if (!source?.bytes) continue
      const own = source.shown === unit.name || source.shown.endsWith(`/${unit.name}`)
      const startedByUnit = unitsStartedBy(
        source.bytes,
        unit,
        version,
        (named) => lookup.load(named)?.shown === source.shown
      )
      names += startedByUnit.length
      if (names > MAX_STARTED_NAMES) return 'too many'
      for (const started of startedByUnit) {
        const place = `${source.shown}${started.key === undefined ? '' : `:${started.line}`}`
        const where = own ? place : `${unit.name} (${place})`
        const then = via === undefined ? '' : `, ${via}`
        const how =
          started.key === undefined
            ? `which ${where} triggers`
            : `which ${started.key}= in ${where} names`
        if (started.unit.type === 'service') {
          if (started.unit.isInstance && !found.has(started.unit.name))
            found.set(
              started.unit.name,
              (started.key === undefined
                ? `triggered by ${where}`
                : `named by ${started.key}= in ${where}`) + then
            )
          startedService(started.unit, how, via)
        } else if (STARTING_TYPES.has(started.unit.type)) {
          enqueue({ unit: started.unit, via: hop(how, via) })
        }
      }
    }
    // and what its own dependency directories hold
    const byLinks = hop(`which ${unit.name} starts`, via)
    const id = lookup.idOf?.(unit) ?? unit
    for (const [name, shown] of lookup.dependencies(unit)) linked(name, shown, id, byLinks)
    if (names > MAX_STARTED_NAMES) return 'too many'
  }
  return tooMany ? 'too many' : found
}

/** Units of other types the walk reads at most: past it, the template is not judged (fails). */
export const MAX_STARTING_UNITS = 50_000
/** Names those units may hold in all, likewise (27,000 instances x 71 template links, 1.9M names,
 * took 25 s and 1.6 GB). */
export const MAX_STARTED_NAMES = 100_000
/**
 * Instances a template is judged as at most, each loaded and scored (~20 us): past it, it fails,
 * as which of them is the worst is not known.
 */
export const MAX_JUDGED_INSTANCES = 10_000

/** What a directory entry is, as an adapter sees it (the scan's file system, the Action's git tree). */
export type SearchPathEntry =
  { kind: 'file' } | { kind: 'link'; text: string } | { kind: 'directory' | 'other' } | undefined

/** The directories of a search path as the walk reads them (injected: the scan, the Action's base). */
export interface SearchPathView {
  /** the names of a directory's entries (none when it is no directory) */
  names(dir: string): Iterable<string>
  /** what an entry is (a link to a directory counts as a directory where the adapter can tell) */
  entry(dir: string, name: string): SearchPathEntry
  /** a unit file's bytes (null: a link to /dev/null); undefined when it cannot be read */
  read(dir: string, name: string): Uint8Array | null | undefined
  /** the path of an entry, as reports show it */
  shown(dir: string, name: string): string
  /** the path of an entry, to list or look up further */
  path(dir: string, name: string): string
}

/**
 * instancesStarted() on a search path (`searched`, most specific first), by template prefix and
 * instance, each with why: the units of other types in its directories (the first of each name),
 * the links of their dependency directories, and the lookups of the walk, all through `view`.
 */
export function instancesStartedOnSearchPath(
  searched: readonly string[],
  view: SearchPathView,
  version: number
): Map<string, Map<string, string>> | 'too many' {
  // the links of a dependency directory systemd takes: links, not to /dev/null ("Non-symlink in
  // dependency dir, ignoring"; a masked one is ignored too)
  const realLinks = function* (at: string): Iterable<[string, string]> {
    for (const name of view.names(at)) {
      const entry = view.entry(at, name)
      if (entry?.kind === 'link' && entry.text !== '/dev/null') yield [name, view.shown(at, name)]
    }
  }
  const roots: StartingUnit[] = []
  const links: Array<[string, string]> = []
  const named = new Set<string>()
  /** the dependency directories the search path holds, by name */
  const present = new Set<string>()
  for (const dir of searched) {
    const names = [...view.names(dir)]
    for (const unit of startingUnitsAmong(names)) {
      if (named.has(unit.name)) continue
      named.add(unit.name)
      roots.push({ unit })
    }
    for (const name of names)
      if (isDependencyDirectory(name)) {
        present.add(name)
        for (const link of realLinks(view.path(dir, name))) links.push(link)
      }
  }
  /** the unit's dependency directory names the search path holds */
  const presentNames = (unit: UnitName): string[] =>
    present.size === 0
      ? []
      : dependencyDirectoryNames(unit, version).filter((name) => present.has(name))
  const lookup: UnitLookup = {
    // the first file of its name on the search path, else its template's; an empty file or a
    // link to /dev/null masks it (a directory of that name is no unit file: the search goes on)
    load(unit) {
      for (const name of [unit.name, templateOf(unit)]) {
        if (name === undefined) continue
        for (const dir of searched) {
          const kind = view.entry(dir, name)?.kind
          if (kind !== 'file' && kind !== 'link') continue
          const bytes = view.read(dir, name)
          if (bytes === undefined) return undefined
          return { bytes: bytes?.length ? bytes : null, shown: view.shown(dir, name) }
        }
      }
      return undefined
    },
    // its own, its template's, its dash prefixes' and its type's
    *dependencies(unit) {
      const names = presentNames(unit)
      for (const dir of searched)
        for (const name of names)
          // listed only where the directory has the entry: most units have none, and a listing
          // that fails costs an exception (1,000 instances of a target: 2 s)
          if (view.entry(dir, name) !== undefined) yield* realLinks(view.path(dir, name))
    },
    hasDependencies: (unit) => presentNames(unit).length > 0,
    // the unit an alias link leads to (a few hops; the first entry of the name decides: a file
    // there is the unit itself), else the name
    idOf(unit) {
      let id = unit
      for (let hop = 0; hop < 8; hop++) {
        const dir = searched.find((d) => view.entry(d, id.name) !== undefined)
        const entry = dir === undefined ? undefined : view.entry(dir, id.name)
        const text = entry?.kind === 'link' ? entry.text : undefined
        const next =
          text === undefined ? undefined : parseUnitName(text.slice(text.lastIndexOf('/') + 1))
        if (
          !next ||
          next.type !== id.type ||
          next.isTemplate !== id.isTemplate ||
          next.name === id.name
        )
          break
        id = next
      }
      return id
    }
  }
  const started =
    roots.length > 0 || links.length > 0
      ? instancesStarted(roots, links, lookup, version)
      : undefined
  if (started === 'too many') return started
  const byPrefix = new Map<string, Map<string, string>>()
  for (const [name, why] of started ?? []) {
    const service = parseUnitName(name)!
    let byInstance = byPrefix.get(service.prefix)
    if (!byInstance) byPrefix.set(service.prefix, (byInstance = new Map()))
    byInstance.set(service.instance, why)
  }
  return byPrefix
}
