/**
 * The names `systemctl enable` gives a unit from its [Install] section. systemd-analyze on a unit
 * file in a repository does not see them (nothing is enabled there), but once the unit is deployed
 * and enabled they are real: an `Alias=webapp.service` becomes a link whose name's drop-in
 * directories (`webapp.service.d/`) apply to the unit, and a template's `DefaultInstance=root` is
 * the instance that runs (`foo@root.service`, whose `%i` may be its `User=`).
 */
import { parseUnitText } from './syntax.js'
import type { UnitName } from './specifiers.js'
import { parseUnitName } from './specifiers.js'

export interface InstallNames {
  /** Alias= names of a plain unit (not a template or an instance), of its type, without specifiers */
  aliases: UnitName[]
  /** a template's DefaultInstance=, when it is a valid instance without specifiers */
  defaultInstance?: string
}

const NONE: InstallNames = { aliases: [] }

/** Whether the bytes hold `text` (a byte search: most unit files say neither key). */
function mentions(bytes: Uint8Array, text: string): boolean {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(text)
}

/**
 * The install names of `unit` from the [Install] section of its file (drop-ins aside: enable reads
 * the unit file). Names with specifiers are left out: enable expands them from the unit's own name,
 * which the checks below do not need to guess.
 */
export function installNames(bytes: Uint8Array, unit: UnitName): InstallNames {
  const plain = !unit.isTemplate && !unit.isInstance
  const aliasMentioned = plain && mentions(bytes, 'Alias')
  const defaultMentioned = unit.isTemplate && mentions(bytes, 'DefaultInstance')
  if (!aliasMentioned && !defaultMentioned) return NONE
  let words: string[] = []
  let defaultInstance: string | undefined
  for (const assignment of parseUnitText(bytes, ['Install']).assignments) {
    if (assignment.key === 'Alias') {
      const value = assignment.value.trim()
      words = value === '' ? [] : [...words, ...value.split(/\s+/)]
    } else if (assignment.key === 'DefaultInstance') {
      defaultInstance = assignment.value.trim()
    }
  }
  const aliases: UnitName[] = []
  for (const word of plain ? words : []) {
    if (word.includes('%') || word === unit.name) continue
    const alias = parseUnitName(word)
    if (!alias || alias.type !== unit.type || alias.isTemplate || alias.isInstance) continue
    if (!aliases.some((known) => known.name === alias.name)) aliases.push(alias)
  }
  const instance =
    defaultInstance !== undefined &&
    defaultInstance !== '' &&
    !defaultInstance.includes('%') &&
    parseUnitName(`${unit.prefix}@${defaultInstance}.${unit.type}`)?.isInstance === true
      ? defaultInstance
      : undefined
  return instance === undefined ? { aliases } : { aliases, defaultInstance: instance }
}
