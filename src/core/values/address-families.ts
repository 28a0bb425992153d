/** RestrictAddressFamilies=: the list state and the five buckets systemd-analyze scores. */
import { asciiUpper, extractWords } from '../words.js'

/** glibc's AF_* constants (without AF_UNSPEC and AF_MAX); aliases share a number. */
const FAMILIES: Record<string, number> = {
  AF_UNIX: 1,
  AF_LOCAL: 1,
  AF_FILE: 1,
  AF_INET: 2,
  AF_AX25: 3,
  AF_IPX: 4,
  AF_APPLETALK: 5,
  AF_NETROM: 6,
  AF_BRIDGE: 7,
  AF_ATMPVC: 8,
  AF_X25: 9,
  AF_INET6: 10,
  AF_ROSE: 11,
  AF_DECNET: 12,
  AF_NETBEUI: 13,
  AF_SECURITY: 14,
  AF_KEY: 15,
  AF_NETLINK: 16,
  AF_ROUTE: 16,
  AF_PACKET: 17,
  AF_ASH: 18,
  AF_ECONET: 19,
  AF_ATMSVC: 20,
  AF_RDS: 21,
  AF_SNA: 22,
  AF_IRDA: 23,
  AF_PPPOX: 24,
  AF_WANPIPE: 25,
  AF_LLC: 26,
  AF_IB: 27,
  AF_MPLS: 28,
  AF_CAN: 29,
  AF_TIPC: 30,
  AF_BLUETOOTH: 31,
  AF_IUCV: 32,
  AF_RXRPC: 33,
  AF_ISDN: 34,
  AF_PHONET: 35,
  AF_IEEE802154: 36,
  AF_CAIF: 37,
  AF_ALG: 38,
  AF_NFC: 39,
  AF_VSOCK: 40,
  AF_KCM: 41,
  AF_QIPCRTR: 42,
  AF_SMC: 43,
  AF_XDP: 44,
  AF_MCTP: 45
}

export const AF_UNIX = 1
export const AF_INET = 2
export const AF_INET6 = 10
export const AF_NETLINK = 16
export const AF_PACKET = 17

/** af_from_name(), case-insensitive. */
export function addressFamilyFromName(word: string): number | undefined {
  const upper = asciiUpper(word)
  return Object.hasOwn(FAMILIES, upper) ? FAMILIES[upper] : undefined
}

/** A family's name as glibc spells it first (AF_UNIX, not AF_LOCAL; AF_NETLINK, not AF_ROUTE). */
export function addressFamilyName(family: number): string | undefined {
  for (const name in FAMILIES) if (FAMILIES[name] === family) return name
  return undefined
}

export interface AddressFamilyList {
  allowList: boolean
  families: Set<number>
}

/** undefined = no list (everything allowed, deny-list mode) */
export type AddressFamilyState = AddressFamilyList | undefined

export interface AddressFamilyParse {
  next: AddressFamilyState | 'none'
  unknown: string[]
  /** the words after an unknown one, from UNKNOWN_FAMILY_ENDS_ASSIGNMENT */
  notApplied?: string[]
  syntaxError?: string
}

/**
 * From this version a word that names no family ends the assignment: the words after it are not
 * applied (seen in Ubuntu's 261 and Debian's 262; 259 skips the word and goes on).
 */
export const UNKNOWN_FAMILY_ENDS_ASSIGNMENT = 261

/** Applies one assignment (config_parse_address_families). 'none' is the empty allow-list. */

export function applyAddressFamilyAssignment(
  current: AddressFamilyState | 'none',
  value: string,
  version = 0
): AddressFamilyParse {
  if (value === '') return { next: undefined, unknown: [] }
  if (value === 'none') return { next: 'none', unknown: [] }
  const invert = value.startsWith('~')
  const list: AddressFamilyList =
    current === undefined || current === 'none'
      ? { allowList: !invert, families: new Set() }
      : { allowList: current.allowList, families: new Set(current.families) }
  const { words, error } = extractWords(invert ? value.slice(1) : value, { unquote: true })
  const unknown: string[] = []
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!
    const family = addressFamilyFromName(word)
    if (family === undefined) {
      unknown.push(word)
      if (version >= UNKNOWN_FAMILY_ENDS_ASSIGNMENT) {
        const rest = words.slice(i + 1)
        return { next: list, unknown, notApplied: rest, syntaxError: error }
      }
      continue
    }
    if (!invert === list.allowList) list.families.add(family)
    else list.families.delete(family)
  }
  return { next: list, unknown, syntaxError: error }
}

export type AddressFamilyBucket = 'inet' | 'unix' | 'netlink' | 'packet' | 'other'

function bucketOf(family: number): AddressFamilyBucket {
  if (family === AF_INET || family === AF_INET6) return 'inet'
  if (family === AF_UNIX) return 'unix'
  if (family === AF_NETLINK) return 'netlink'
  if (family === AF_PACKET) return 'packet'
  return 'other'
}

/** Whether sockets of a bucket are restricted under the final list. */
export function bucketRestricted(
  state: AddressFamilyState | 'none',
  bucket: AddressFamilyBucket
): boolean {
  if (state === 'none') return true
  if (state === undefined) return false
  let restricted = state.allowList
  for (const family of state.families) {
    if (bucketOf(family) === bucket) restricted = !state.allowList
  }
  return restricted
}
