/**
 * The names `systemctl enable` gives a unit from its [Install] section. systemd-analyze on a unit
 * file in a repository does not see them (nothing is enabled there), but once the unit is deployed
 * and enabled they are real: an `Alias=webapp.service` becomes a link whose name's drop-in
 * directories (`webapp.service.d/`) apply to the unit, and a template's `DefaultInstance=root` is
 * the instance that runs (`foo@root.service`, whose `%i` may be its `User=`).
 */
import { parseUnitText } from './syntax.js'
import type { UnitName } from './specifiers.js'
import { instanceOf, parseUnitName } from './specifiers.js'
import { extractFirstWord } from './words.js'

export interface InstallNames {
  /**
   * Alias= names, as the analysed unit has them: a plain unit's plain aliases; for an instance of
   * a template, the template aliases (`bar@.service`) as that instance (`bar@web.service`)
   */
  aliases: UnitName[]
  /** a template's DefaultInstance=, when it is a valid instance */
  defaultInstance?: string
}

const NONE: InstallNames = { aliases: [] }

const ALIAS = Buffer.from('Alias')
const DEFAULT_INSTANCE = Buffer.from('DefaultInstance')

/** Whether the bytes hold `text` (a byte search: most unit files say neither key). */
function mentions(bytes: Uint8Array, text: Buffer): boolean {
  const buffer = Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  return buffer.indexOf(text) >= 0
}

/**
 * install_name_printf() for the specifiers that depend on the unit alone (%n %N %p %P %i %I %j %J
 * %%); undefined for any other (the host's name, the machine id ... are not known here).
 */
function expandNameSpecifiers(text: string, file: UnitName): string | undefined {
  if (!text.includes('%')) return text
  const stem = file.stem
  const values: Record<string, string> = {
    n: file.name,
    N: stem,
    p: file.prefix,
    P: file.prefix,
    i: file.instance,
    I: file.instance,
    j: file.prefix.slice(file.prefix.lastIndexOf('-') + 1),
    J: file.prefix.slice(file.prefix.lastIndexOf('-') + 1),
    '%': '%'
  }
  let result = ''
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '%') {
      result += text[i]
      continue
    }
    const value = values[text[i + 1] ?? '']
    if (value === undefined) return undefined
    result += value
    i++
  }
  return result
}

/**
 * The install names of `unit` (the name analysed: a plain unit, or an instance of a template) from
 * the [Install] sections of its file and drop-ins, in the order systemd reads them, as `systemctl
 * enable` takes them (config_parse_strv: words unquoted, an empty value resetting; specifiers
 * expanded from the file's name, see expandNameSpecifiers). `file`: the name of the file read.
 */
export function installNames(
  texts: readonly Uint8Array[],
  unit: UnitName,
  file: UnitName = unit
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
  const add = (alias: UnitName | undefined): void => {
    if (alias && alias.name !== unit.name && !aliases.some((known) => known.name === alias.name))
      aliases.push(alias)
  }
  for (const word of words) {
    const expanded = expandNameSpecifiers(word, file)
    const alias = expanded === undefined ? undefined : parseUnitName(expanded)
    if (!alias || alias.type !== unit.type) continue
    // a template's aliases are templates, the same instance of each is the unit's alias
    if (template)
      add(alias.isTemplate && unit.isInstance ? instanceOf(alias, unit.instance) : undefined)
    else if (!alias.isTemplate && !alias.isInstance) add(alias)
  }
  const instance =
    defaultInstance === undefined || defaultInstance === ''
      ? undefined
      : expandNameSpecifiers(defaultInstance, file)
  const valid =
    instance !== undefined &&
    instance !== '' &&
    parseUnitName(`${unit.prefix}@${instance}.${unit.type}`)?.isInstance === true
  return valid ? { aliases, defaultInstance: instance } : { aliases }
}
