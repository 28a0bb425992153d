/** User/group names, host names, paths and device nodes as systemd validates them. */
import type { UnitName } from '../specifiers.js'
import { expandPathSpecifiers, expandSpecifiers, hasEmptyLastComponent } from '../specifiers.js'
import {
  byteLength,
  extractFirstWord,
  extractSeparatedWord,
  extractWords,
  isValidUtf8Value
} from '../words.js'
import { DESIGNATORS } from './image-policy.js'
import { hasDotDot, hasOverlongComponent } from './path-names.js'

export { hasDotDot, hasOverlongComponent, isNormalizedPath } from './path-names.js'

/**
 * valid_user_group_name() with VALID_USER_RELAX | VALID_USER_ALLOW_NUMERIC (User=, Group=), which
 * wants valid UTF-8 (a `%I` of `\xff` is no name).
 */
export function isValidUserOrGroup(name: string): boolean {
  if (name.length === 0 || !isValidUtf8Value(name)) return false
  if (/^[0-9]+$/.test(name)) {
    if (name.length > 1 && name.startsWith('0')) return false
    const id = Number(name)
    return id <= 4294967294 && id !== 65535
  }
  // a dash and digits only, "-" itself too (in_charset() holds for the empty rest)
  if (/^-[0-9]*$/.test(name)) return false
  if (name === '.' || name === '..') return false
  if (name.includes(':') || name.includes('/')) return false
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is rejected
  if (/[\x00-\x1f\x7f]/.test(name)) return false
  // an ASCII space at either end (other white space, such as U+00A0, is allowed there)
  if (name.startsWith(' ') || name.endsWith(' ')) return false
  return true
}

/** valid_user_group_name() strict mode: what a DynamicUser= default name must satisfy. */
export function isStrictUserName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_-]{0,30}$/.test(name)
}

/** path_simplify(): collapses '//', drops '.' components and a trailing '/'. */
export function simplifyPath(path: string): string {
  if (isSimplePath(path)) return path
  const absolute = path.startsWith('/')
  const parts = path.split('/').filter((part) => part !== '' && part !== '.')
  const joined = parts.join('/')
  if (absolute) return '/' + joined
  return joined === '' ? '.' : joined
}

/** Whether path_simplify() leaves the path as it is: no '//', no '.' name, no final '/' (but '/'). */
function isSimplePath(path: string): boolean {
  if (path === '/') return true
  const length = path.length
  if (length === 0) return false
  let nameStart = path.charCodeAt(0) === SLASH ? 1 : 0
  for (let i = nameStart; i <= length; i++) {
    if (i < length && path.charCodeAt(i) !== SLASH) continue
    // an empty name ('//', a final '/') or a '.' name: path_simplify() changes the path
    if (i === nameStart || (i === nameStart + 1 && path.charCodeAt(nameStart) === DOT)) return false
    nameStart = i + 1
  }
  return true
}

const SLASH = 0x2f
const DOT = 0x2e

/**
 * From here path_simplify() drops the '..' right after the root (`/..` is `/`): 255, 257, 259, 261
 * and 262 take `RootDirectory=/../srv` as /srv, `ReadOnlyPaths=/../srv`, `DeviceAllow=/../dev/null`
 * and the like; 252 and 254 refuse or skip them. A '..' after another name still makes no path.
 */
export const LEADING_DOT_DOT_DROPPED = 255

/** An absolute path without the '..' (and '.') that come before its first name, from 255. */
export function withoutLeadingDotDot(path: string, version: number | undefined): string {
  if (version === undefined || version < LEADING_DOT_DOT_DROPPED || !path.startsWith('/')) {
    return path
  }
  let start = 1
  for (;;) {
    const end = path.indexOf('/', start)
    const part = path.slice(start, end < 0 ? path.length : end)
    if (part !== '' && part !== '.' && part !== '..') break
    if (end < 0) return '/'
    start = end + 1
  }
  return start === 1 ? path : '/' + path.slice(start)
}

/**
 * An absolute path without '..' after simplification (RootDirectory=, RootImage=, ...); with the
 * systemd version, as that version simplifies it (withoutLeadingDotDot()). Valid UTF-8 without
 * noncharacters once unescaped: path_simplify_and_warn() checks utf8_is_valid() first, so a path
 * with `\x80` (where escapes are decoded) or a `%I` of `\xff` is none (a helper's probes, all builds).
 */
export function isAbsoluteNormalPath(path: string, version?: number): boolean {
  const simple = withoutLeadingDotDot(path, version)
  return (
    simple.startsWith('/') &&
    !hasDotDot(simple) &&
    !hasOverlongComponent(simple) &&
    isValidUtf8Value(path)
  )
}

/**
 * A path setting's value: specifiers expanded, then an absolute path without '..', simplified
 * (path_simplify_and_warn() with PATH_CHECK_ABSOLUTE); else why not.
 */
export function absolutePathOf(
  value: string,
  unit: UnitName,
  version: number
): { path: string } | { error: string } {
  const expanded = expandPathSpecifiers(value, unit, version)
  if ('error' in expanded) return { error: `${expanded.error} in '${value}'` }
  return expandedAbsolutePath(expanded.value, version)
}

/**
 * The words of a path list systemd skips: a word is taken when it is an absolute path once `prefixes`
 * are stripped; with `options` a word is PATH:OPTIONS (TemporaryFileSystem=; elsewhere a ':' is part
 * of the path), split as extract_first_word(":", DONT_COALESCE) does: a backslash makes the next
 * character literal, and one at the end skips the entry (`/srv/x\\`, found by a helper's probes at
 * 257-262). Every word is read, not just up to the first path: systemd expands them all (%J can
 * abort it).
 */
export function pathListWords(
  value: string,
  prefixes: RegExp,
  options: boolean,
  unit: UnitName,
  version: number
): { taken: number; skipped: string[] } {
  const skipped: string[] = []
  let taken = 0
  for (const word of extractWords(value, { unquote: true }).words) {
    const unprefixed = word.replace(prefixes, '')
    const path = options ? firstField(unprefixed) : unprefixed
    if (path !== undefined && !('error' in absolutePathOf(path, unit, version))) taken++
    else skipped.push(word)
  }
  return { taken, skipped }
}

/** PATH of PATH:OPTIONS (TemporaryFileSystem=), undefined when the split fails */
function firstField(word: string): string | undefined {
  const field = extractSeparatedWord(word, 0, ':', { unquote: false, escapes: 'literal' })
  return field === 'error' ? undefined : field === 'end' ? '' : field.word
}

/** absolutePathOf() after the specifiers are expanded. */
function expandedAbsolutePath(path: string, version: number): { path: string } | { error: string } {
  if (!isAbsoluteNormalPath(path, version)) {
    return {
      error: `'${path}' is not an absolute path without '..' and without a name over 255 bytes`
    }
  }
  return { path: simplifyPath(withoutLeadingDotDot(path, version)) }
}

/**
 * A setting read by config_parse_unit_path_printf() (RootDirectory=, RootImage=, RootVerity=,
 * RootMStack=, NetworkNamespacePath=, IPCNamespacePath=, UserNamespacePath=): the specifiers are
 * expanded first, and an empty result unsets the setting as an empty value does (`RootDirectory=%A`
 * where the OS image version is empty: found by a helper's probes at all seven builds).
 */
export function unitPathOf(
  value: string,
  unit: UnitName,
  version: number
): { path: string } | { error: string } | { unset: true } {
  if (value === '') return { unset: true }
  const expanded = expandPathSpecifiers(value, unit, version)
  if ('error' in expanded) return { error: `${expanded.error} in '${value}'` }
  if (expanded.value === '') return { unset: true }
  return expandedAbsolutePath(expanded.value, version)
}

/** valid_device_node_path() after simplification: /dev or /run/systemd/inaccessible, no '..'. */
export function isDeviceNodePath(path: string, version?: number): boolean {
  const dropped = withoutLeadingDotDot(path, version)
  if (hasDotDot(dropped) || !isValidUtf8Value(path)) return false
  const simple = simplifyPath(dropped)
  return (
    simple === '/dev' ||
    simple.startsWith('/dev/') ||
    simple === '/run/systemd/inaccessible' ||
    simple.startsWith('/run/systemd/inaccessible/')
  )
}

/** filename_is_valid(): a single path component. */
export function isValidFilename(name: string): boolean {
  return (
    name.length > 0 &&
    // 255 bytes, not UTF-16 units (a UTF-16 unit is at most 3 bytes: only a long name needs encoding)
    (name.length <= 85 || byteLength(name) <= 255) &&
    name !== '.' &&
    name !== '..' &&
    !name.includes('/')
  )
}

/** credential_name_valid(): printable ASCII without '/' or ':'; not '.' or '..'. */
export function isValidCredentialName(name: string): boolean {
  return (
    name.length > 0 &&
    name.length <= 255 &&
    name !== '.' &&
    name !== '..' &&
    /^[\x20-\x7e]+$/.test(name) &&
    !name.includes('/') &&
    !name.includes(':')
  )
}

const HOST_NAME_MAX = 64

/**
 * hostname_is_valid() without flags (ProtectHostname=yes:NAME): labels of letters, digits and inner
 * hyphens, joined by single dots, no trailing dot, at most 64 characters.
 */
export function isValidHostname(name: string): boolean {
  if (name === '' || name.length > HOST_NAME_MAX) return false
  let afterDot = true
  let afterHyphen = true
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i)
    if (c === 0x2e /* . */) {
      if (afterDot || afterHyphen) return false
      afterDot = true
      afterHyphen = false
    } else if (c === 0x2d /* - */) {
      if (afterDot) return false
      afterHyphen = true
    } else if ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) {
      afterDot = afterHyphen = false
    } else {
      return false
    }
  }
  return !afterDot && !afterHyphen
}

/** The longest LogNamespace= systemd takes (read off 257 and 262: 222 characters, not 223). */
export const LOG_NAMESPACE_MAX = 222

/**
 * log_namespace_name_valid() as systemd-analyze applies it (read off 257 and 262): letters, digits and
 * ":-_.@", at most 222 characters, not "." or "..".
 */
export function isValidLogNamespace(name: string): boolean {
  return (
    name.length > 0 &&
    name.length <= LOG_NAMESPACE_MAX &&
    name !== '.' &&
    name !== '..' &&
    /^[A-Za-z0-9:_.@-]+$/.test(name)
  )
}

/** A relative path without '..' that is not '.' after simplification (PATH_CHECK_RELATIVE). */
function isRelativeNormalPath(path: string): boolean {
  return (
    !path.startsWith('/') &&
    !hasDotDot(path) &&
    simplifyPath(path) !== '.' &&
    isValidUtf8Value(path)
  )
}

/**
 * What an exec directory value adds (execDirectoryEntries()), as bits: entries, a read-only one, one
 * too long to join to its directory.
 */
export const EXEC_DIRECTORY_NONE = 0
export const EXEC_DIRECTORY_ENTRY = 1
export const EXEC_DIRECTORY_READ_ONLY = 2
export const EXEC_DIRECTORY_TOO_LONG = 4
export const EXEC_DIRECTORY_ALL = 7

/** path_is_valid()'s total limit: a path of PATH_MAX (4,096) bytes or more is no path. */
export function isOverPathMax(path: string): boolean {
  // a UTF-16 unit is at most 3 bytes in UTF-8: only a path of over 1,365 units needs encoding
  return path.length > 1365 && byteLength(path) >= 4096
}

/**
 * Whether `name`, joined to the directory `prefix` (/var/lib for StateDirectory=), makes a path
 * systemd refuses to require mounts for (all seven builds refuse a StateDirectory= of 4,087 bytes
 * and load one of 4,086).
 */
function tooLongUnder(prefix: string, name: string): boolean {
  return isOverPathMax(`${prefix}/${name}`)
}

/**
 * What a RuntimeDirectory=, StateDirectory=, CacheDirectory=, LogsDirectory= or
 * ConfigurationDirectory= value adds (config_parse_exec_directories(), as from 257): each word is
 * NAME[:LINK[:FLAGS]], split at every ':' (`a::ro` is NAME a, no LINK, FLAGS ro; `:a` has an empty
 * NAME), C escapes decoded, a fourth field left unread; NAME and LINK relative paths without '..'
 * (NAME not below "private"; ConfigurationDirectory= takes no LINK), FLAGS empty or `ro`. An entry
 * that fails is skipped, a syntax error ends the value. Only the mount-namespace refusal reads this,
 * and it exists from 257 only, so the older two-field syntax is not modelled. `prefix`: the
 * directory the names are joined to (undefined in a user's manager, where it is the user's own).
 */
export function execDirectoryEntries(
  value: string,
  configuration: boolean,
  prefix: string | undefined,
  unit: UnitName,
  version: number
): number {
  let found = EXEC_DIRECTORY_NONE
  let position = 0
  for (;;) {
    // words keep their backslashes here (EXTRACT_RETAIN_ESCAPE): the split below decodes them
    const word = extractFirstWord(value, position, { unquote: true, retainEscape: true })
    if (word === undefined || 'error' in word) return found
    position = word.next
    const parts = splitDirectoryEntry(word.word, version)
    if (parts === undefined) return found
    const [name, link, flags] = parts
    const expanded = expandPathSpecifiers(name, unit, version)
    if ('error' in expanded || !isRelativeNormalPath(expanded.value)) continue
    const simple = simplifyPath(expanded.value)
    if (simple === 'private' || simple.startsWith('private/')) continue
    if (link !== undefined && link !== '') {
      if (configuration) continue
      const target = expandPathSpecifiers(link, unit, version)
      if ('error' in target || !isRelativeNormalPath(target.value)) continue
    }
    if (flags !== undefined && flags !== '' && flags !== 'ro') continue
    found |= flags === 'ro' ? EXEC_DIRECTORY_ENTRY | EXEC_DIRECTORY_READ_ONLY : EXEC_DIRECTORY_ENTRY
    if (prefix !== undefined && tooLongUnder(prefix, simple)) found |= EXEC_DIRECTORY_TOO_LONG
    // nothing left to learn, unless a later entry can make systemd abort (%J)
    if (found === EXEC_DIRECTORY_ALL && !hasEmptyLastComponent(unit)) return found
  }
}

/**
 * From here an exec directory entry is split without coalescing its ':' (`:x` is an empty NAME and
 * LINK x; up to 255 it is NAME x, and `a::b` is LINK b): read off 252-262 with `StateDirectory=:%J`
 * of a unit that makes %J abort (255 aborts, 257 does not; 256 unverified, follows 255).
 */
const EXEC_DIRECTORY_SEPARATORS_KEPT = 257

/**
 * extract_many_words(":", CUNESCAPE | UNESCAPE_SEPARATORS | DONT_COALESCE_SEPARATORS) for three
 * words: NAME, LINK and FLAGS (a later ':' is left unread); undefined on a bad escape.
 */
function splitDirectoryEntry(
  entry: string,
  version: number
): [string, string | undefined, string | undefined] | undefined {
  const coalesce = version < EXEC_DIRECTORY_SEPARATORS_KEPT
  const options = { unquote: false, escapes: 'cunescape', coalesce, version } as const
  const name = extractSeparatedWord(entry, 0, ':', options)
  if (name === 'end' || name === 'error') return undefined
  const link = extractSeparatedWord(entry, name.next, ':', options)
  if (link === 'error') return undefined
  if (link === 'end') return [name.word, undefined, undefined]
  const flags = extractSeparatedWord(entry, link.next, ':', options)
  if (flags === 'error') return undefined
  return [name.word, link.word, flags === 'end' ? undefined : flags.word]
}

/**
 * One PARTITION:OPTIONS pair of MountImages=, ExtensionImages= or RootImageOptions= from `at` (runs
 * of ':' are one, C escapes decoded): the options of a known partition, or a lone OPTIONS (the
 * root's), have their specifiers expanded (%J can make systemd abort). Where the next pair starts
 * (null: none), or 'error' on a bad escape.
 */
export function readPartitionOptions(
  text: string,
  at: number,
  unit: UnitName,
  version: number
): number | null | 'error' {
  const options = { unquote: false, escapes: 'cunescape', coalesce: true, version } as const
  const partition = extractSeparatedWord(text, at, ':', options)
  if (partition === 'error') return 'error'
  if (partition === 'end') return null
  const mountOptions = extractSeparatedWord(text, partition.next, ':', options)
  if (mountOptions === 'error') return 'error'
  if (mountOptions === 'end') {
    expandSpecifiers(partition.word, unit, version)
    return null
  }
  if (DESIGNATORS.has(partition.word)) expandSpecifiers(mountOptions.word, unit, version)
  return mountOptions.next
}

/**
 * From here MountImages= and ExtensionImages= skip an image path below /proc or /sys, and
 * ExtensionImages= one below /dev too (PATH_CHECK_NON_API_VFS; 257, 259, 261 and 262 skip them,
 * 252, 254 and 255 take them; 256 unverified, follows 255).
 */
export const IMAGE_PATHS_OUTSIDE_API_FILE_SYSTEMS = 257

/** path_below_api_vfs() on a simplified path; with `devOk` (PATH_CHECK_NON_API_VFS_DEV_OK) /dev passes. */
export function isBelowApiFileSystems(path: string, devOk: boolean): boolean {
  return devOk ? /^\/(proc|sys)(\/|$)/.test(path) : /^\/(proc|sys|dev)(\/|$)/.test(path)
}

/** An image's SOURCE or DEST: an absolute path without '..', not below the API file systems (257). */
function isImagePath(path: string, devOk: boolean, unit: UnitName, version: number): boolean {
  const resolved = absolutePathOf(path, unit, version)
  if ('error' in resolved) return false
  return (
    version < IMAGE_PATHS_OUTSIDE_API_FILE_SYSTEMS || !isBelowApiFileSystems(resolved.path, devOk)
  )
}

/**
 * How many images a MountImages= (`destination`) or ExtensionImages= value adds
 * (config_parse_mount_images(), config_parse_extension_images()): each word, quotes removed and
 * escapes kept, is split at runs of ':' with C escapes decoded (`a::b` and `:a:b` are two fields):
 * SOURCE[:DEST][:OPTIONS] or SOURCE[:OPTIONS], SOURCE with an optional '-' first. Both must be
 * absolute paths (isImagePath()); an entry that fails is skipped, a syntax error ends the value.
 * The partition options are only read for their escapes: a bad partition name or option is skipped
 * alone, a bad escape ends the value.
 */
export function countImages(
  value: string,
  destination: boolean,
  unit: UnitName,
  version: number
): number {
  const options = { unquote: false, escapes: 'cunescape', coalesce: true, version } as const
  let count = 0
  let position = 0
  for (;;) {
    const word = extractFirstWord(value, position, { unquote: true, retainEscape: true })
    if (word === undefined || 'error' in word) return count
    position = word.next
    const source = extractSeparatedWord(word.word, 0, ':', options)
    if (source === 'error') return count
    if (source === 'end') continue
    const path = source.word.startsWith('-') ? source.word.slice(1) : source.word
    if (!isImagePath(path, destination, unit, version)) continue
    let rest = source.next
    if (destination) {
      const target = extractSeparatedWord(word.word, source.next, ':', options)
      if (target === 'error') return count
      if (target === 'end' || !isImagePath(target.word, true, unit, version)) continue
      rest = target.next
    }
    // PARTITION:OPTIONS pairs, read once the paths are good: a bad escape in one (`nosuid\q`)
    // ends the whole value, this image included (257, 259, 262; an invalid partition name does not)
    for (let at = rest; at !== null;) {
      const next = readPartitionOptions(word.word, at, unit, version)
      if (next === 'error') return count
      at = next
    }
    count++
  }
}
