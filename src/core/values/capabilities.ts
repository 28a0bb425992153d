/** Capability sets as CapabilityBoundingSet= and AmbientCapabilities= build them (64-bit masks). */
import { asciiUpper, extractWords, parseCInteger } from '../words.js'

/** Capability names known to systemd 252..262, by kernel bit number (none added since Linux 5.9). */
export const CAPABILITY_NAMES: readonly string[] = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_DAC_READ_SEARCH',
  'CAP_FOWNER',
  'CAP_FSETID',
  'CAP_KILL',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETPCAP',
  'CAP_LINUX_IMMUTABLE',
  'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST',
  'CAP_NET_ADMIN',
  'CAP_NET_RAW',
  'CAP_IPC_LOCK',
  'CAP_IPC_OWNER',
  'CAP_SYS_MODULE',
  'CAP_SYS_RAWIO',
  'CAP_SYS_CHROOT',
  'CAP_SYS_PTRACE',
  'CAP_SYS_PACCT',
  'CAP_SYS_ADMIN',
  'CAP_SYS_BOOT',
  'CAP_SYS_NICE',
  'CAP_SYS_RESOURCE',
  'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG',
  'CAP_MKNOD',
  'CAP_LEASE',
  'CAP_AUDIT_WRITE',
  'CAP_AUDIT_CONTROL',
  'CAP_SETFCAP',
  'CAP_MAC_OVERRIDE',
  'CAP_MAC_ADMIN',
  'CAP_SYSLOG',
  'CAP_WAKE_ALARM',
  'CAP_BLOCK_SUSPEND',
  'CAP_AUDIT_READ',
  'CAP_PERFMON',
  'CAP_BPF',
  'CAP_CHECKPOINT_RESTORE'
]

/** The unit default of the bounding set (before 259 also what `~` alone gave: every bit). */
export const ALL_CAPABILITIES = (1n << 64n) - 1n
/** From 259, what `~` with no valid name gives: every capability systemd can name (CAP_MASK_ALL). */
const CAP_MASK_ALL = (1n << 63n) - 1n

/** Capability 63 is refused from this version (CAP_LIMIT 62: UINT64_MAX marks an unset set). */
export const CAPABILITY_63_REFUSED = 254
/**
 * From this version an assignment replaces the bounding set only while it is unset: `~` with no
 * valid name gives CAP_MASK_ALL, which is a set value, so later assignments merge into it (checked
 * with Ubuntu's 259 and Debian's 262; 257 and 252 replace after it).
 */
export const CAPABILITY_SET_UNSET_MARKER = 259

/** Every known capability is in the mask: the set restricts nothing. */
export function grantsEveryCapability(mask: bigint): boolean {
  return (mask & KNOWN_CAPABILITIES) === KNOWN_CAPABILITIES
}

const BY_NAME = new Map(CAPABILITY_NAMES.map((name, bit) => [name, bit]))
const KNOWN_CAPABILITIES = (1n << BigInt(CAPABILITY_NAMES.length)) - 1n

/** Bit mask of the named capabilities (names must be known). */
export function capabilityMask(...names: string[]): bigint {
  let mask = 0n
  for (const name of names) {
    const bit = BY_NAME.get(name)
    if (bit === undefined) throw new Error(`unknown capability ${name}`)
    mask |= 1n << BigInt(bit)
  }
  return mask
}

/**
 * capability_from_name(): a name (any case) or a bit number 0..63 (0..62 from systemd 254);
 * undefined otherwise.
 */
export function capabilityFromWord(word: string, version = 0): number | undefined {
  const named = BY_NAME.get(asciiUpper(word))
  if (named !== undefined) return named
  // a number as safe_atoi()/strtol() read it: leading white space is skipped (a quoted " 21")
  const number = parseCInteger(word.replace(/^[ \t\n\v\f\r]+/, ''))
  const limit = version >= CAPABILITY_63_REFUSED ? 63 : 64
  return number !== undefined && number >= 0 && number < limit ? number : undefined
}

/**
 * From here an open quote or a final backslash no longer drops the word it is in: the word runs to
 * the end of the value (`"CAP_NET_RAW` is CAP_NET_RAW at 254-262; 252 drops it; 253 unverified,
 * follows 252). Found by fuzzing.
 */
export const CAPABILITY_WORDS_RELAXED = 254

export interface CapabilityParse {
  next: bigint
  unknown: string[]
}

/**
 * Applies one assignment (config_parse_capability_set): `initial` is the unit default (all for the
 * bounding set, none for ambient). An empty result, or a set still at its default, is replaced;
 * otherwise the words are merged in (`~` removes them). From 259 the bounding set's `~` alone
 * gives CAP_MASK_ALL, no longer its default (see CAPABILITY_SET_UNSET_MARKER).
 */
export function applyCapabilityAssignment(
  current: bigint,
  initial: bigint,
  value: string,
  version = 0
): CapabilityParse {
  const invert = value.startsWith('~')
  const { words } = extractWords(invert ? value.slice(1) : value, {
    unquote: true,
    relax: version >= CAPABILITY_WORDS_RELAXED
  })
  let sum = 0n
  const unknown: string[] = []
  for (const word of words) {
    const bit = capabilityFromWord(word, version)
    if (bit === undefined) unknown.push(word)
    else sum |= 1n << BigInt(bit)
  }
  const all =
    initial === ALL_CAPABILITIES && version >= CAPABILITY_SET_UNSET_MARKER
      ? CAP_MASK_ALL
      : ALL_CAPABILITIES
  let next: bigint
  if (sum === 0n || current === initial) next = invert ? all & ~sum : sum
  else next = invert ? current & ~sum : current | sum
  return { next, unknown }
}

const namesCache = new Map<bigint, string[]>()

/** Capability names in a mask, for messages. */
export function capabilityNames(mask: bigint): string[] {
  const cached = namesCache.get(mask)
  if (cached) return cached
  const names: string[] = []
  for (let bit = 0; bit < 64; bit++) {
    if ((mask >> BigInt(bit)) & 1n) names.push(CAPABILITY_NAMES[bit] ?? String(bit))
  }
  if (namesCache.size < 4096) namesCache.set(mask, names)
  return names
}
