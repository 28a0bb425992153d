/**
 * The service instances other units start. A template is scored by systemd-analyze as a test
 * instance, but what runs is the instance something starts: a target that wants `foo@root.service`,
 * a timer whose `Unit=` is `backup@daily.service`, a socket whose `Service=` names one. The scan
 * reads the units of other types beside a template (targets, timers, paths, sockets ...) for the
 * names they start, and judges the template as each such instance too.
 */
import { parseUnitText } from './syntax.js'
import type { UnitName } from './specifiers.js'
import { expandSpecifiers, parseUnitName } from './specifiers.js'
import { extractFirstWord, parseBoolean } from './words.js'

/** A service another unit's file names as one to start, and where. */
export interface StartedService {
  service: UnitName
  /** the directive that names it (`Wants`, `Unit` ...), or undefined for a trigger's default */
  key: string | undefined
  line: number
}

/**
 * Dependencies that start the unit they name (config_parse_unit_deps); Requisite=, PartOf=,
 * After= and the like do not.
 */
const STARTING_DEPENDENCIES: ReadonlySet<string> = new Set([
  'Wants',
  'Requires',
  'BindsTo',
  'Upholds',
  'OnFailure',
  'OnSuccess'
])

/** The section a unit type triggers another unit from, and its key (config_parse_trigger_unit). */
const TRIGGERS: Readonly<Record<string, readonly [string, string]>> = {
  timer: ['Timer', 'Unit'],
  path: ['Path', 'Unit'],
  socket: ['Socket', 'Service']
}

/** Specifiers of the unit's own name (%n %N %p %P %i %I %j %J %f), and %% */
const NAME_SPECIFIERS = 'nNpPiIjJf%'

/**
 * Whether a name has no specifier but those of the naming unit's name: one of the machine it runs
 * on (%H, %m, %b ...) or of a user is not known here, and the gate's stand-in would name an
 * instance that never runs.
 */
function onlyNameSpecifiers(name: string): boolean {
  for (let i = name.indexOf('%'); i >= 0; i = name.indexOf('%', i + 2))
    if (!NAME_SPECIFIERS.includes(name[i + 1] ?? '%')) return false
  return true
}

/**
 * The service instances a unit file of another type starts: named in Wants=, Requires=, BindsTo=,
 * Upholds=, OnFailure=, OnSuccess= or [Install] Also= (enabling it enables them), or triggered (a
 * timer's or path's Unit=, a socket's Service=, or by default the service of the trigger's own
 * name; not for a socket with Accept=yes, whose instances are named per connection). `unit`: the
 * name the file is loaded as (its specifiers expand with it). Names with a specifier that cannot be
 * expanded, invalid names and names of other types are left out; every name is kept, so a template
 * is judged by more instances rather than fewer (a trigger's first Unit= is the one systemd uses).
 */
export function servicesStartedBy(
  bytes: Uint8Array,
  unit: UnitName,
  version: number
): StartedService[] {
  const trigger = TRIGGERS[unit.type]
  const sections = trigger ? ['Unit', 'Install', trigger[0]] : ['Unit', 'Install']
  const started: StartedService[] = []
  const add = (name: string, key: string | undefined, line: number): void => {
    if (!onlyNameSpecifiers(name)) return
    const expanded = expandSpecifiers(name, unit, version)
    if ('error' in expanded) return
    const service = parseUnitName(expanded.value)
    if (service?.isInstance && service.type === 'service') started.push({ service, key, line })
  }
  let triggered = false
  let accepts = false
  for (const { section, key, value, line } of parseUnitText(bytes, sections, version).assignments) {
    if (trigger && section === trigger[0]) {
      if (key === trigger[1] && value !== '') {
        triggered = true
        add(value, key, line)
      } else if (unit.type === 'socket' && key === 'Accept') {
        accepts = parseBoolean(value) ?? accepts
      }
      continue
    }
    const words = section === 'Unit' ? STARTING_DEPENDENCIES.has(key) : key === 'Also'
    if (!words) continue
    // as systemd splits them: escapes kept, quotes not removed (a quoted name is no unit name)
    for (let position = 0; ;) {
      const next = extractFirstWord(value, position, { retainEscape: true })
      if (next === undefined || 'error' in next) break
      add(next.word, key, line)
      position = next.next
    }
  }
  if (trigger && !triggered && !(unit.type === 'socket' && accepts) && unit.isInstance)
    add(`${unit.prefix}@${unit.instance}.service`, undefined, 1)
  return started
}

/** Unit types whose files are read for the services they start (every type with unit files but service). */
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
 * The entries of a directory to read for the services they start (servicesStartedBy): units of
 * other types than service, not templates (systemd loads a template only as an instance).
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

/**
 * The instances of timers, paths and sockets among the links of dependency directories
 * (timers.target.wants/backup@daily.timer): each, loaded from its template, starts the service
 * it triggers.
 */
export function enabledTriggers(linkNames: Iterable<string>): UnitName[] {
  const triggers: UnitName[] = []
  for (const name of linkNames) {
    if (name.endsWith('.service')) continue
    const unit = parseUnitName(name)
    if (unit?.isInstance && TRIGGERS[unit.type] !== undefined) triggers.push(unit)
  }
  return triggers
}

/**
 * Why an instance is judged: `shown` is the file `unit` was loaded from (its template for an
 * instance) as the report shows it, `enabledBy` the link that enables it, if any.
 */
export function startedWhy(
  started: StartedService,
  unit: UnitName,
  shown: string,
  enabledBy?: string
): string {
  const where = shown.endsWith(`/${unit.name}`) || shown === unit.name
  const source = (line?: number): string => {
    const at = line === undefined ? shown : `${shown}:${line}`
    return where ? at : `${unit.name} (${at})`
  }
  const why =
    started.key === undefined
      ? `triggered by ${source()}`
      : `named by ${started.key}= in ${source(started.line)}`
  return enabledBy === undefined ? why : `${why}, which ${enabledBy} enables`
}
