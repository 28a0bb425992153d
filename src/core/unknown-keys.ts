/**
 * Keys systemd does not know in a service's sections: it logs "Unknown key 'After' in section
 * [Service], ignoring." and goes on. The gate says so too, from the keys the measured versions know
 * (data/unit-keys.ts): a key is reported unknown only when no measured version around the target
 * knows it, so a version between two measurements never gets a false report.
 */
import { UNIT_KEY_VERSIONS, UNIT_KEYS } from './data/unit-keys.js'

/** The sections of a service unit, in the order of a key's masks. */
const SECTIONS = ['Unit', 'Service', 'Install'] as const

/** A key's masks (bit i: UNIT_KEY_VERSIONS[i] knows it) in [Unit], [Service] and [Install]. */
export function keyMasks(key: string): readonly number[] {
  return SECTIONS.map((section) =>
    Object.hasOwn(UNIT_KEYS[section]!, key) ? UNIT_KEYS[section]![key]! : 0
  )
}

/**
 * The section whose key it is in every measured version (undefined: none, or several): a line of
 * it there needs no further look.
 */
export function homeSection(masks: readonly number[]): string | undefined {
  const all = (1 << UNIT_KEY_VERSIONS.length) - 1
  const homes = SECTIONS.filter((_, i) => masks[i] === all)
  return homes.length === 1 ? homes[0] : undefined
}

function sectionIndex(section: string): number {
  return section === 'Service' ? 1 : section === 'Unit' ? 0 : section === 'Install' ? 2 : -1
}

const consulted = new Map<number, number>()

/**
 * The measured versions that speak for `version`, as a mask: every one up to the first at or
 * above it (all of them past the last). Keys are added over time and never forgotten: a removed
 * one gets "Support for option X= has been removed" instead, and --dump-configuration-items no
 * longer lists it, so a key any of those versions knows is known; one first measured above the
 * next version up may be known between two measurements, and is not reported.
 */
function consultedFor(version: number): number {
  let mask = consulted.get(version)
  if (mask !== undefined) return mask
  const above = UNIT_KEY_VERSIONS.findIndex((v) => v >= version)
  const last = above < 0 ? UNIT_KEY_VERSIONS.length - 1 : above
  mask = (1 << (last + 1)) - 1
  consulted.set(version, mask)
  return mask
}

/**
 * Keys systemd still names but ignores, which --dump-configuration-items omits: 252, 257 and 262 say
 * "Support for option Capabilities= has been removed and it is ignored" (measured, session 25).
 */
const LEGACY_KEYS: Readonly<Record<string, ReadonlySet<string>>> = {
  Unit: new Set(['IgnoreOnSnapshot']),
  Service: new Set(['Capabilities', 'SysVStartPriority', 'BusPolicy', 'NetClass'])
}

/** What the gate says of a key systemd ignores, and its diagnostic code. */
export interface IgnoredKey {
  code: 'unknown-key' | 'wrong-section' | 'ignored-by-version'
  message: string
}

/**
 * The measured version a target is judged by for keys that were removed: itself when measured, the
 * newest past the last (undefined between two measurements: when it went is not known).
 */
function measuredAt(version: number): number | undefined {
  const last = UNIT_KEY_VERSIONS.length - 1
  if (version > UNIT_KEY_VERSIONS[last]!) return last
  const index = UNIT_KEY_VERSIONS.indexOf(version)
  return index < 0 ? undefined : index
}

/**
 * What to say of a key systemd `version` ignores in `section` (undefined: it reads it, or a version
 * around it may). `masks`: keyMasks(key).
 */
export function ignoredKey(
  key: string,
  section: string,
  masks: readonly number[],
  version: number
): IgnoredKey | undefined {
  const index = sectionIndex(section)
  // extension keys (X-...) are ignored without a word
  if (index < 0 || key.startsWith('X-')) return undefined
  if (LEGACY_KEYS[section]?.has(key))
    return {
      code: 'ignored-by-version',
      message: `${key}= is no longer supported by systemd: it ignores the line`
    }
  const mask = masks[index]!
  const at = measuredAt(version)
  if (at !== undefined && (mask & (1 << at)) === 0 && (mask & ((1 << at) - 1)) !== 0) {
    // known before, gone from this version's table: "Support for option X= has been removed"
    const last = UNIT_KEY_VERSIONS[31 - Math.clz32(mask & ((1 << at) - 1))]!
    return {
      code: 'ignored-by-version',
      message: `${key}= is no longer supported by systemd ${version} (${last} read it): it ignores the line`
    }
  }
  const around = consultedFor(version)
  if ((mask & around) !== 0) return undefined
  const other = SECTIONS.find((_, i) => i !== index && (masks[i]! & around) !== 0)
  if (other !== undefined)
    return {
      code: 'wrong-section',
      message: `${key}= belongs in [${other}]; under [${section}] systemd ignores it`
    }
  const option = key.startsWith('-')
    ? ' (a command-line option on a line of its own: does the line before it lack its continuation backslash?)'
    : ''
  return {
    code: 'unknown-key',
    message: `Unknown key '${key}' in [${section}]: systemd ignores the line${option}`
  }
}
