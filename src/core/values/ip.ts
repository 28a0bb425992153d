/** IPAddressAllow=/IPAddressDeny= entries as systemd parses them (in_addr_prefix_from_string_auto). */
import { asciiLower, extractWords, parseCInteger } from '../words.js'

export interface IpPrefix {
  family: 4 | 6
  /** address bytes, already masked with the prefix length */
  bytes: number[]
  prefixLength: number
}

function parseIPv4(text: string): number[] | undefined {
  const parts = text.split('.')
  if (parts.length !== 4) return undefined
  const bytes: number[] = []
  for (const part of parts) {
    // inet_pton: decimal only, no leading zeros beyond a single 0, at most 3 digits
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return undefined
    const value = Number(part)
    if (value > 255) return undefined
    bytes.push(value)
  }
  return bytes
}

function parseIPv6(text: string): number[] | undefined {
  if (!/^[0-9A-Fa-f:.]+$/.test(text)) return undefined
  let tail: number[] = []
  let body = text
  const lastColon = text.lastIndexOf(':')
  if (text.includes('.')) {
    const v4 = parseIPv4(text.slice(lastColon + 1))
    if (!v4 || lastColon < 0) return undefined
    tail = [(v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!]
    body = text.slice(0, lastColon + 1)
    if (body.endsWith(':') && !body.endsWith('::')) body = body.slice(0, -1)
  }
  const halves = body.split('::')
  if (halves.length > 2) return undefined
  const parseGroups = (part: string): number[] | undefined => {
    if (part === '') return []
    const groups: number[] = []
    for (const group of part.split(':')) {
      if (!/^[0-9A-Fa-f]{1,4}$/.test(group)) return undefined
      groups.push(parseInt(group, 16))
    }
    return groups
  }
  const head = parseGroups(halves[0]!)
  if (!head) return undefined
  let groups: number[]
  if (halves.length === 2) {
    const rest = parseGroups(halves[1]!)
    if (!rest) return undefined
    const missing = 8 - head.length - rest.length - tail.length
    if (missing < 1) return undefined
    groups = [...head, ...new Array<number>(missing).fill(0), ...rest, ...tail]
  } else {
    groups = [...head, ...tail]
    if (groups.length !== 8) return undefined
  }
  return groups.flatMap((g) => [g >> 8, g & 0xff])
}

function mask(bytes: number[], prefixLength: number): number[] {
  return bytes.map((byte, index) => {
    const bits = Math.max(0, Math.min(8, prefixLength - index * 8))
    return bits === 8 ? byte : byte & ((0xff << (8 - bits)) & 0xff)
  })
}

/** ADDRESS[/PREFIX]; undefined when systemd rejects it. */
export function parseIpPrefix(word: string): IpPrefix | undefined {
  const slash = word.indexOf('/')
  const address = slash >= 0 ? word.slice(0, slash) : word
  const v4 = parseIPv4(address)
  const bytes = v4 ?? parseIPv6(address)
  if (!bytes) return undefined
  const family: 4 | 6 = v4 ? 4 : 6
  const max = family === 4 ? 32 : 128
  let prefixLength = max
  if (slash >= 0) {
    // safe_atou8(): C integer syntax (`010` is 8, `0x8`, `0b1000`, `+8` and `-0` are valid)
    const parsed = parseCInteger(word.slice(slash + 1))
    if (parsed === undefined || parsed < 0 || parsed > max) return undefined
    prefixLength = parsed + 0 // -0 is 0
  }
  return { family, bytes: mask(bytes, prefixLength), prefixLength }
}

const LOCALHOST_V4: IpPrefix = { family: 4, bytes: [127, 0, 0, 0], prefixLength: 8 }
const LOCALHOST_V6: IpPrefix = {
  family: 6,
  bytes: [...new Array<number>(15).fill(0), 1],
  prefixLength: 128
}

/** is_localhost(): localhost, localhost.localdomain and *.localhost names, with an optional dot. */
function isLocalhostName(word: string): boolean {
  const name = asciiLower(word).replace(/\.$/, '')
  return (
    name === 'localhost' ||
    name === 'localhost.localdomain' ||
    name.endsWith('.localhost') ||
    name.endsWith('.localhost.localdomain')
  )
}

const KEYWORDS: Record<string, string[]> = {
  any: ['0.0.0.0/0', '::/0'],
  'link-local': ['169.254.0.0/16', 'fe80::/64'],
  multicast: ['224.0.0.0/4', 'ff00::/8']
}

/** Words of one assignment turned into prefixes; invalid words are reported and dropped. */
export function parseIpAssignment(value: string): { prefixes: IpPrefix[]; invalid: string[] } {
  const prefixes: IpPrefix[] = []
  const invalid: string[] = []
  for (const word of extractWords(value).words) {
    if (Object.hasOwn(KEYWORDS, word)) {
      for (const text of KEYWORDS[word]!) prefixes.push(parseIpPrefix(text)!)
    } else if (isLocalhostName(word)) {
      prefixes.push(LOCALHOST_V4, LOCALHOST_V6)
    } else {
      const prefix = parseIpPrefix(word)
      if (prefix) prefixes.push(prefix)
      else invalid.push(word)
    }
  }
  return { prefixes, invalid }
}

/** in_addr_is_localhost() on the masked address: 127.0.0.0/8 or ::1. */
export function isLocalhostPrefix(prefix: IpPrefix): boolean {
  if (prefix.family === 4) return prefix.bytes[0] === 127
  return prefix.bytes.every((byte, index) => byte === (index === 15 ? 1 : 0))
}
