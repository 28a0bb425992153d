/**
 * Keys systemd does not know in a service's sections: it logs "Unknown key 'After' in section
 * [Service], ignoring." and goes on. The gate says so too, from the keys the measured versions know
 * (data/unit-keys.ts): a key is reported unknown only when no measured version around the target
 * knows it, so a version between two measurements never gets a false report. It also says what
 * systemd does not: the key a misspelt one likely meant, where a key of another unit type or of a
 * newer systemd belongs.
 */
import { OTHER_TYPE_KEYS, UNIT_KEY_VERSIONS, UNIT_KEYS } from './data/unit-keys.js'

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
 * Keys systemd still names but ignores, which --dump-configuration-items omits: 252-262 say
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
  /** for a key no version knows: the known key it most likely misspells */
  meant?: string
}

/** The longest distance from a key to the one it is taken to misspell, by the key's length. */
function typoBudget(length: number): number {
  return length <= 3 ? 0 : length <= 6 ? 1 : 2
}

/** Rows of editDistance(), kept between calls: a key is checked against hundreds of known ones. */
let rows = [new Int32Array(0), new Int32Array(0), new Int32Array(0)]

/**
 * The number of single-character edits (insert, delete, substitute, swap two neighbours) from `a`
 * to `b` when it is at most `max`, else max + 1. Only the diagonal band of width max is filled, and
 * a row past the budget ends it.
 */
export function editDistance(a: string, b: string, max: number): number {
  const far = max + 1
  if (Math.abs(a.length - b.length) > max) return far
  const width = b.length + 1
  if (rows[0]!.length < width) rows = rows.map(() => new Int32Array(width * 2))
  let [before, previous, current] = rows as [Int32Array, Int32Array, Int32Array]
  before.fill(far, 0, width)
  for (let j = 0; j < width; j++) previous[j] = j <= max ? j : far
  for (let i = 1; i <= a.length; i++) {
    current.fill(far, 0, width)
    if (i <= max) current[0] = i
    let best = current[0]!
    const to = Math.min(b.length, i + max)
    for (let j = Math.max(1, i - max); j <= to; j++) {
      const same = a.charCodeAt(i - 1) === b.charCodeAt(j - 1)
      let d = Math.min(previous[j - 1]! + (same ? 0 : 1), previous[j]! + 1, current[j - 1]! + 1)
      if (
        i > 1 &&
        j > 1 &&
        a.charCodeAt(i - 1) === b.charCodeAt(j - 2) &&
        a.charCodeAt(i - 2) === b.charCodeAt(j - 1)
      )
        d = Math.min(d, before[j - 2]! + 1)
      current[j] = Math.min(d, far)
      if (d < best) best = d
    }
    if (best > max) return far
    ;[before, previous, current] = [previous, current, before]
  }
  return Math.min(previous[b.length]!, far)
}

interface KnownKey {
  key: string
  lower: string
  /** keyMasks(key) */
  masks: readonly number[]
}

/** Every key some measured version knows in the three sections, by length. */
let keysByLength: KnownKey[][] | undefined

function knownKeysByLength(): KnownKey[][] {
  if (keysByLength !== undefined) return keysByLength
  const byLength: KnownKey[][] = []
  for (const key of new Set(SECTIONS.flatMap((section) => Object.keys(UNIT_KEYS[section]!)))) {
    for (let n = byLength.length; n <= key.length; n++) byLength.push([])
    byLength[key.length]!.push({ key, lower: key.toLowerCase(), masks: keyMasks(key) })
  }
  return (keysByLength = byLength)
}

/**
 * The measured version whose keys a guess for `version` is drawn from, as a bit: the newest at or
 * below it (a key it reads is read from then on, unless removed: 262 no longer reads CPUShares=),
 * else the oldest, the caller leaving out what is newer than the target.
 */
function guessedFrom(version: number): number {
  let index = 0
  UNIT_KEY_VERSIONS.forEach((v, i) => {
    if (v <= version) index = i
  })
  return 1 << index
}

/**
 * The known key `key` most likely misspells (a case slip, a letter left out, doubled or swapped),
 * preferring one of `index`'s section, with the sections the target reads it in; undefined when
 * none is close, two are equally close, or the closest is one the target does not read (PrivatePID=
 * at 255 is a PrivatePIDs= of 257 written early, not a slip of PrivateIPC=).
 */
function misspelled(
  key: string,
  index: number,
  version: number,
  readsAt: (key: string, version: number) => boolean
): { key: string; sections: number } | undefined {
  const byLength = knownKeysByLength()
  let max = typoBudget(key.length)
  if (key.length > byLength.length - 1 + max) return undefined
  const lower = key.toLowerCase()
  let found: KnownKey[] = []
  const last = Math.min(byLength.length - 1, key.length + max)
  for (let n = Math.max(0, key.length - max); n <= last; n++) {
    for (const known of byLength[n]!) {
      const distance = editDistance(lower, known.lower, max)
      if (distance > max) continue
      if (distance < max) found = []
      max = distance
      found.push(known)
    }
  }
  const bit = guessedFrom(version)
  const read = found.map((f) => ({
    key: f.key,
    sections: readsAt(f.key, version)
      ? f.masks.reduce((all, mask, i) => ((mask & bit) !== 0 ? all | (1 << i) : all), 0)
      : 0
  }))
  if (read.some((r) => r.sections === 0)) return undefined
  const here = read.filter((r) => (r.sections & (1 << index)) !== 0)
  const pick = here.length > 0 ? here : read
  return pick.length === 1 ? pick[0] : undefined
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
 * around it may). `masks`: keyMasks(key). `guess`: whether to guess at the key a misspelt one
 * meant, and `readsAt` what the tables cannot tell, whether the target reads a known key (the
 * directives' first versions below the measured ones).
 */
export function ignoredKey(
  key: string,
  section: string,
  masks: readonly number[],
  version: number,
  guess = true,
  readsAt: (key: string, version: number) => boolean = () => true
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
  // a key of a newer systemd: not a typo to guess at
  const firstReading = (m: number): number => UNIT_KEY_VERSIONS[31 - Math.clz32(m & -m)]!
  if (mask !== 0)
    return {
      code: 'ignored-by-version',
      message: `${key}= is ignored by systemd ${version} (systemd ${firstReading(mask)} reads it)`
    }
  const newer = masks.findIndex((m) => m !== 0)
  if (newer >= 0)
    return {
      code: 'wrong-section',
      message: `${key}= belongs in [${SECTIONS[newer]}] (systemd ${firstReading(masks[newer]!)} reads it there); under [${section}] systemd ignores it`
    }
  const unknown = `Unknown key '${key}' in [${section}]: systemd ignores the line`
  if (key.startsWith('-'))
    return {
      code: 'unknown-key',
      message: `${unknown} (a command-line option on a line of its own: does the line before it lack its continuation backslash?)`
    }
  const types = Object.hasOwn(OTHER_TYPE_KEYS, key) ? OTHER_TYPE_KEYS[key]! : undefined
  if (types !== undefined)
    return {
      code: 'unknown-key',
      message: `${unknown} (${key}= is a key of ${types.map((t) => `[${t}]`).join(', ')}, in ${types.map((t) => `.${t.toLowerCase()}`).join(', ')} units: a service does not take it)`
    }
  const meant = guess ? misspelled(key, index, version, readsAt) : undefined
  if (meant === undefined) return { code: 'unknown-key', message: unknown }
  const where =
    (meant.sections & (1 << index)) !== 0
      ? ''
      : ` in [${SECTIONS.find((_, i) => (meant.sections & (1 << i)) !== 0)}]`
  return {
    code: 'unknown-key',
    message: `${unknown}; did you mean ${meant.key}=${where}?`,
    meant: meant.key
  }
}

/**
 * The key a line's `key` misspells when systemd `version` does not know it in `section` (the one
 * its "did you mean" names), else undefined: such a line does nothing, so a fix may take its place.
 */
export function misspeltKey(
  key: string,
  section: string,
  version: number,
  readsAt?: (key: string, version: number) => boolean
): string | undefined {
  return ignoredKey(key, section, keyMasks(key), version, true, readsAt)?.meant
}
