/**
 * The names `systemctl enable` gives a unit from its [Install] section. systemd-analyze on a unit
 * file in a repository does not see them (nothing is enabled there), but once the unit is deployed
 * and enabled they are real: an `Alias=webapp.service` becomes a link whose name's drop-in
 * directories (`webapp.service.d/`) apply to the unit, and a template's `DefaultInstance=root` is
 * the instance that runs (`foo@root.service`, whose `%i` may be its `User=`).
 */
import type { UnitFileInput } from './service.js'
import { parseUnitText } from './syntax.js'
import type { UnitName } from './specifiers.js'
import { instanceOf, parseUnitName, templateOf } from './specifiers.js'
import { extractFirstWord } from './words.js'

export interface InstallNames {
  /**
   * Alias= names, as the analysed unit has them: a plain unit's plain aliases; for an instance of
   * a template, the template aliases (`bar@.service`) as that instance (`bar@web.service`) and the
   * instance aliases of that same instance
   */
  aliases: UnitName[]
  /**
   * Alias= names with a specifier of the machine they are enabled on (%a, %H, %v ...): any name
   * they match may be the alias (see aliasesMatching)
   */
  aliasPatterns: NamePattern[]
  /** a template's DefaultInstance=, when it is a valid instance */
  defaultInstance?: string
  /**
   * A template's instances an old-style `Alias=multi-user.target.wants/foo@root.service` names:
   * `systemctl enable` links each in that dependency directory, so it starts at boot
   */
  wantedInstances?: string[]
}

/** The user `systemctl enable` runs as, for %u %U %g %G (root for the system manager). */
export interface InstallUser {
  name: string
  uid: number
  group: string
  gid: number
}

const ROOT: InstallUser = { name: 'root', uid: 0, group: 'root', gid: 0 }

const NONE: InstallNames = { aliases: [], aliasPatterns: [] }

const ALIAS = Buffer.from('Alias')
const DEFAULT_INSTANCE = Buffer.from('DefaultInstance')

/** Whether the bytes hold `text` (a byte search: most unit files say neither key). */
function mentions(bytes: Uint8Array, text: Buffer): boolean {
  const buffer = Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  return buffer.indexOf(text) >= 0
}

/** A specifier of the machine enable runs on: matched as any run of name characters. */
const UNKNOWN = Symbol('unknown')

/**
 * install_name_printf(): the specifiers of the unit's name (%n %N %p %P %i %I %j %J %%) and of the
 * user enable runs as (%u %U %g %G); any other (%a %H %v %m ...) is the machine's, UNKNOWN here.
 * Pieces in order: text, or UNKNOWN.
 */
function expandInstallSpecifiers(
  text: string,
  file: UnitName,
  user: InstallUser
): Array<string | typeof UNKNOWN> {
  const dash = file.prefix.lastIndexOf('-')
  const values: Record<string, string> = {
    n: file.name,
    N: file.stem,
    p: file.prefix,
    P: file.prefix,
    i: file.instance,
    I: file.instance,
    j: file.prefix.slice(dash + 1),
    J: file.prefix.slice(dash + 1),
    u: user.name,
    U: String(user.uid),
    g: user.group,
    G: String(user.gid),
    '%': '%'
  }
  const pieces: Array<string | typeof UNKNOWN> = []
  let literal = ''
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '%') {
      literal += text[i]
      continue
    }
    const value = values[text[i + 1] ?? '']
    i++
    if (value !== undefined) {
      literal += value
      continue
    }
    pieces.push(literal, UNKNOWN)
    literal = ''
  }
  pieces.push(literal)
  return pieces
}

/** A name with some parts unknown: `test` says whether a name can be it. */
export interface NamePattern {
  test(name: string): boolean
}

/**
 * An Alias= name whose UNKNOWN pieces (a machine's specifier) stand for one or more characters: a
 * match of its literal parts in turn, each leftmost, which is linear in the name. (As a regular
 * expression, `%a%a%a%a%a%a%a%aX.service` took seconds per directory entry to backtrack, and 16
 * specifiers never ended.) The names tested are directory entries, which hold no '/'.
 */
function namePattern(pieces: ReadonlyArray<string | typeof UNKNOWN>): NamePattern {
  // literal parts, and how many characters at least the unknown pieces before each one take;
  // adjacent unknown pieces make one gap of their count (in this one pass: removing the empty
  // literals afterwards, one splice each, was quadratic on a long Alias= line)
  const literals: string[] = ['']
  const gaps: number[] = [0]
  for (const piece of pieces) {
    if (piece !== UNKNOWN) literals[literals.length - 1] += piece
    else if (literals.length > 1 && literals[literals.length - 1] === '') gaps[gaps.length - 1]!++
    else {
      literals.push('')
      gaps.push(1)
    }
  }
  const head = literals[0]!
  const tail = literals[literals.length - 1]!
  return {
    test(name) {
      if (literals.length === 1) return name === head
      if (!name.startsWith(head) || !name.endsWith(tail)) return false
      const end = name.length - tail.length
      let at = head.length
      for (let i = 1; i < literals.length - 1; i++) {
        const found = name.indexOf(literals[i]!, at + gaps[i]!)
        if (found < 0) return false
        at = found + literals[i]!.length
        if (at > end) return false
      }
      return at + gaps[literals.length - 1]! <= end
    }
  }
}

/**
 * The texts `systemctl enable` reads [Install] from: the unit file, and the drop-ins of the unit's
 * own and its template's directory (NAME.service.d/, foo@.service.d/): not type-wide, dash-prefix
 * or alias ones (round 5 of the team's red team: an `Alias=` emptied in service.d/ hid an alias).
 * `asTemplate`: `id` is the test instance a template is analysed as, and enable is given the
 * template, so it reads the template's directory only (not foo@i.service.d/; red team, session 24).
 */
export function installTexts(
  main: UnitFileInput,
  dropIns: readonly UnitFileInput[],
  id: UnitName,
  asTemplate = false
): Uint8Array[] {
  const template = templateOf(id)
  const own = new Set([
    ...(asTemplate ? [] : [`${id.name}.d`]),
    ...(template ? [`${template}.d`] : [])
  ])
  const texts: Uint8Array[] = main.bytes ? [main.bytes] : []
  for (const dropIn of dropIns) {
    const slash = dropIn.path.lastIndexOf('/')
    const directory = dropIn.path.slice(dropIn.path.lastIndexOf('/', slash - 1) + 1, slash)
    if (dropIn.bytes && own.has(directory)) texts.push(dropIn.bytes)
  }
  return texts
}

/**
 * Whether drop-ins resolved for `id` hold one of its own directory (NAME.service.d/): for a template
 * scored as its test instance, such a file masks a same-named one of the template's directory,
 * which `systemctl enable` of the template reads, so installTexts() needs the template's own.
 */
export function holdsOwnDropIn(dropIns: readonly UnitFileInput[], id: UnitName): boolean {
  const own = `/${id.name}.d/`
  return dropIns.some((dropIn) => `/${dropIn.path}`.includes(own))
}

/**
 * The install names of `unit` (the name analysed: a plain unit, or an instance of a template) from
 * `texts` (see installTexts), in order, as `systemctl enable` takes them (config_parse_strv: words
 * unquoted, an empty value resetting; specifiers expanded by install_name_printf()). `user`: whom
 * enable runs as (root for the system manager).
 */
export function installNames(
  texts: readonly Uint8Array[],
  unit: UnitName,
  user: InstallUser = ROOT
): InstallNames {
  const template = unit.isInstance || unit.isTemplate
  const aliasMentioned = texts.some((bytes) => mentions(bytes, ALIAS))
  const defaultMentioned = template && texts.some((bytes) => mentions(bytes, DEFAULT_INSTANCE))
  if (!aliasMentioned && !defaultMentioned) return NONE
  let words: string[] = []
  let defaultInstance: string | undefined
  for (const bytes of texts) {
    for (const assignment of parseUnitText(bytes, ['Install']).assignments) {
      if (assignment.key === 'Alias') {
        if (assignment.value.trim() === '') words = []
        for (let position = 0; ;) {
          const next = extractFirstWord(assignment.value, position, {
            unquote: true,
            retainEscape: true
          })
          if (next === undefined || 'error' in next) break
          words.push(next.word)
          position = next.next
        }
      } else if (assignment.key === 'DefaultInstance') {
        defaultInstance = assignment.value.trim()
      }
    }
  }
  const aliases: UnitName[] = []
  const aliasPatterns: NamePattern[] = []
  // (a Set, not a search of the list: 100,000 Alias= names took a minute)
  const known = new Set<string>([unit.name])
  const add = (alias: UnitName | undefined): void => {
    if (alias && !known.has(alias.name)) {
      known.add(alias.name)
      aliases.push(alias)
    }
  }
  // (a Set, not a search of a list: as for the aliases)
  const wantedInstances = new Set<string>()
  for (const word of words) {
    const pieces = expandInstallSpecifiers(word, unit, user)
    if (word.includes('/')) {
      const instance = pieces.includes(UNKNOWN) ? undefined : wantedInstance(pieces.join(''), unit)
      if (instance !== undefined) wantedInstances.add(instance)
      continue
    }
    if (pieces.includes(UNKNOWN)) {
      aliasPatterns.push(namePattern(pieces))
      continue
    }
    const alias = parseUnitName(pieces.join(''))
    if (!alias || alias.type !== unit.type) continue
    if (!template) {
      if (!alias.isTemplate && !alias.isInstance) add(alias)
    } else if (unit.isInstance) {
      // a template's alias template is that instance's alias; an alias instance is the alias of
      // the same instance only (enable links it to that instance, DefaultInstance= or named)
      if (alias.isTemplate) add(instanceOf(alias, unit.instance))
      else if (alias.isInstance && alias.instance === unit.instance) add(alias)
    }
  }
  let instance: string | undefined
  if (defaultInstance !== undefined && defaultInstance !== '') {
    const pieces = expandInstallSpecifiers(defaultInstance, unit, user)
    const expanded = pieces.includes(UNKNOWN) ? undefined : pieces.join('')
    if (
      expanded !== undefined &&
      expanded !== '' &&
      parseUnitName(`${unit.prefix}@${expanded}.${unit.type}`)?.isInstance === true
    )
      instance = expanded
  }
  const result: InstallNames = { aliases, aliasPatterns }
  if (wantedInstances.size > 0) result.wantedInstances = [...wantedInstances]
  return instance === undefined ? result : { ...result, defaultInstance: instance }
}

/** The unit types systemd knows: `systemctl enable` refuses a dependency directory of another. */
const UNIT_TYPES: ReadonlySet<string> = new Set([
  'service',
  'socket',
  'target',
  'device',
  'mount',
  'automount',
  'swap',
  'timer',
  'path',
  'slice',
  'scope'
])

/**
 * The instance of `unit`'s template that `Alias=DIR/NAME` makes `systemctl enable` link, as it does
 * (252-262): DIR is a unit's `.wants` or `.requires` directory and NAME an instance of the template
 * itself (any other such Alias= fails the enable). Undefined for anything else.
 */
function wantedInstance(alias: string, unit: UnitName): string | undefined {
  // (the template is analysed as an instance of it: its test instance)
  if (!unit.isTemplate && !unit.isInstance) return undefined
  const slash = alias.indexOf('/')
  if (slash !== alias.lastIndexOf('/')) return undefined
  const directory = alias.slice(0, slash)
  const suffix = directory.endsWith('.wants')
    ? '.wants'
    : directory.endsWith('.requires')
      ? '.requires'
      : undefined
  if (suffix === undefined) return undefined
  const owner = parseUnitName(directory.slice(0, -suffix.length))
  if (owner === undefined || !UNIT_TYPES.has(owner.type)) return undefined
  const named = parseUnitName(alias.slice(slash + 1))
  if (!named?.isInstance || named.prefix !== unit.prefix || named.type !== unit.type)
    return undefined
  return named.instance
}

/**
 * The alias names among a directory's entries that Alias= patterns with a machine specifier may
 * name: every `NAME.d` entry (a drop-in directory) whose NAME is a plain unit of the unit's type
 * the pattern matches.
 */
export function aliasesMatching(
  patterns: readonly NamePattern[],
  entries: Iterable<string>,
  unit: UnitName
): UnitName[] {
  const found: UnitName[] = []
  if (patterns.length === 0) return found
  const suffix = `.${unit.type}.d`
  for (const entry of entries) {
    if (!entry.endsWith(suffix)) continue
    const name = entry.slice(0, -2)
    if (name === unit.name || !patterns.some((pattern) => pattern.test(name))) continue
    const alias = parseUnitName(name)
    if (alias && !alias.isTemplate && (!alias.isInstance || alias.instance === unit.instance))
      found.push(alias)
  }
  return found
}
