/**
 * Unit names and the %-specifiers systemd expands in the directives that support them, with the
 * values `systemd-analyze security --offline=true` uses for a system unit
 * (unit-file-loading.md 5.6).
 */
import { isNormalizedPath } from './values/path-names.js'
import { byteLength, escapedByte, lastIndexOfCode } from './words.js'

export interface UnitName {
  /** full name, e.g. foo-bar@inst.service */
  name: string
  /** name without the type suffix, e.g. foo-bar@inst */
  stem: string
  /** part before '@' (or the whole stem), e.g. foo-bar */
  prefix: string
  /** instance for instances ('' otherwise) */
  instance: string
  /** unit type suffix, e.g. service */
  type: string
  isTemplate: boolean
  isInstance: boolean
  /**
   * The user a user's service manager runs as, when the unit is scored for one: its %u, %U, %g, %G
   * and %h are that user's (systemd-analyze --user takes the user running it, from the password
   * database, not $USER). Undefined: root's, as for the system manager.
   */
  managerUser?: ManagerUser
  /**
   * The directory entry systemd loads the unit from, when it is neither the unit's name nor its
   * template's (an instance with a file of its own): %y names it.
   */
  fragment?: string
}

/** A user as the password and group databases give it. */
export interface ManagerUser {
  name: string
  uid: number
  group: string
  gid: number
  home: string
}

const UNIT_NAME_MAX = 256

/** /^[a-z]+$/ on text.slice(start), without the slice and the regular expression (once per file) */
function lowercaseFrom(text: string, start: number): boolean {
  if (start >= text.length) return false
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c < 0x61 || c > 0x7a) return false
  }
  return true
}

/** /^[A-Za-z0-9:\-_.\\@]+$/ on text.slice(0, end) (end > 0), likewise */
function validStemUpTo(text: string, end: number): boolean {
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i)
    const letter = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a)
    const digit = c >= 0x30 && c <= 0x39
    // : - _ . \ @
    if (
      !letter &&
      !digit &&
      c !== 0x3a &&
      c !== 0x2d &&
      c !== 0x5f &&
      c !== 0x2e &&
      c !== 0x5c &&
      c !== 0x40
    )
      return false
  }
  return true
}

/** Parses and validates a unit name (unit_name_is_valid()); undefined when systemd would reject it. */
export function parseUnitName(name: string): UnitName | undefined {
  if (name.length === 0 || name.length >= UNIT_NAME_MAX) return undefined
  const dot = lastIndexOfCode(name, 0x2e)
  if (dot <= 0) return undefined
  if (!lowercaseFrom(name, dot + 1) || !validStemUpTo(name, dot)) return undefined
  const type = name.slice(dot + 1)
  const stem = name.slice(0, dot)
  const at = stem.indexOf('@')
  if (at === 0) return undefined
  if (at < 0) {
    return { name, stem, prefix: stem, instance: '', type, isTemplate: false, isInstance: false }
  }
  // the instance may hold more '@' (foo@a@b.service is foo@.service's instance a@b): systemd splits
  // at the first one (unit_name_is_valid, unit_name_to_instance)
  const instance = stem.slice(at + 1)
  return {
    name,
    stem,
    prefix: stem.slice(0, at),
    instance,
    type,
    isTemplate: instance === '',
    isInstance: instance !== ''
  }
}

/** The template an instance is made from (foo@.service for foo@bar.service); undefined otherwise. */
export function templateOf(unit: UnitName): string | undefined {
  return unit.isInstance ? `${unit.prefix}@.${unit.type}` : undefined
}

/** The unit as loaded from the directory entry `fragment` (withFragment(foo@x, 'foo@x.service')). */
export function withFragment(unit: UnitName, fragment: string): UnitName {
  return fragment === (templateOf(unit) ?? unit.name) ? unit : { ...unit, fragment }
}

/**
 * The unit name systemd-analyze scores for a file name (templates as their instance); undefined when
 * there is none: an invalid name, or a template whose instance name would pass 255 characters
 * (verify_prepare_filename() fails on it: from a 243-character template name at 257-262, whose
 * instance is test_instance, from 255 at 252-255; a helper's probes).
 */
export function analysedUnitName(fileName: string, templateInstance: string): UnitName | undefined {
  const unit = parseUnitName(fileName)
  if (!unit) return undefined
  return unit.isTemplate ? instanceOf(unit, templateInstance) : unit
}

/** A template's instance, undefined when that is no valid unit name (too long). */
export function instanceOf(template: UnitName, instance: string): UnitName | undefined {
  return parseUnitName(`${template.prefix}@${instance}.${template.type}`)
}

/** A template's instance, kept even when its name is too long (for drop-in lookups by name). */
export function instantiate(template: UnitName, instance: string): UnitName {
  return (
    instanceOf(template, instance) ?? {
      ...template,
      name: `${template.prefix}@${instance}.${template.type}`,
      instance,
      isTemplate: false,
      isInstance: true
    }
  )
}

/**
 * unit_name_unescape(): '-' becomes '/', \xNN is decoded; null (EINVAL) for any other backslash,
 * which makes %I, %P, %J and %f fail (found by a helper's probes at all seven builds). A decoded
 * \x00 ends the C string: `a\x00b` unescapes to `a` (User=%I of u@a\x00b.service is User=a).
 */
export function unescapeUnitName(text: string): string | null {
  let out = ''
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (c === '-') out += '/'
    else if (c === '\\') {
      if (text[i + 1] !== 'x' || !/^[0-9a-fA-F]{2}$/.test(text.slice(i + 2, i + 4))) return null
      out += escapedByte(parseInt(text.slice(i + 2, i + 4), 16))
      i += 3
    } else out += c
  }
  const nul = out.indexOf('\0')
  return nul < 0 ? out : out.slice(0, nul)
}

/**
 * unit_name_path_unescape() (%f): "-" is "/"; otherwise the unescaped name, which must not start or
 * end with '/', after a '/' that makes a normalized path (no '.', '..' or '//'); else null.
 */
function unescapePath(text: string): string | null {
  if (text === '') return null
  if (text === '-') return '/'
  const unescaped = unescapeUnitName(text)
  if (unescaped === null || unescaped.startsWith('/') || unescaped.endsWith('/')) return null
  // prefixed with '/' again (nothing before a \x00 gives "/"), it must be path_is_normalized()
  const path = '/' + unescaped
  return isNormalizedPath(path) ? path : null
}

export type SpecifierResult = { value: string } | { error: string }

/**
 * systemd would abort while loading the unit: %J of a unit whose prefix ends with '-'
 * (`foo-.service`, `foo-@x.service`) is empty, specifier_string() gives NULL for it, and
 * unit_name_unescape(NULL) fails an assertion (every build from 252 to 262, wherever a value is
 * expanded at load). Thrown, as systemd aborts: the unit's load ends there (see unread-expansions.ts
 * for the settings the gate does not read).
 */
export class SpecifierAbort extends Error {
  constructor(unit: UnitName, version: number) {
    super(
      `systemd ${version} aborts while loading this unit: %J of ${unit.name} is empty (its prefix ` +
        `'${unit.prefix}' ends with '-'), which fails an assertion in unit_name_unescape(); ` +
        `systemd-analyze security crashes on it`
    )
  }
}

/** %J of this unit would make systemd abort (SpecifierAbort). */
export const hasEmptyLastComponent = (unit: UnitName): boolean => unit.prefix.endsWith('-')

const POSSIBLE_SPECIFIERS = /[0-9A-Za-z]/

/** %D (the data directory) is known from this version (NEWS 256; 252 and 254 refuse it). */
export const DATA_DIRECTORY_SPECIFIER = 256
/**
 * %d (credentials directory), %y/%Y (unit file path, directory) and %q (pretty host name) are known
 * from 251 (merged for it in 2022; before, unit_full_printf() fails on them as on any unknown letter).
 */
export const SPECIFIERS_251 = 251

/**
 * Values for a system unit analysed offline. Host-dependent ones are placeholders of the right shape.
 * undefined: no such specifier; null: the specifier fails for this unit (%f of an instance `..`).
 */
function specifierValue(
  letter: string,
  unit: UnitName,
  version: number
): string | null | undefined {
  const prefixLastDash = unit.prefix.lastIndexOf('-')
  const jPart = prefixLastDash >= 0 ? unit.prefix.slice(prefixLastDash + 1) : unit.prefix
  switch (letter) {
    case 'n':
      return unit.name
    case 'N':
      return unit.stem
    case 'p':
      return unit.prefix
    case 'P':
      return unescapeUnitName(unit.prefix)
    case 'i':
      return unit.instance
    case 'I':
      return unescapeUnitName(unit.instance)
    case 'j':
      return jPart
    case 'J':
      if (jPart === '') throw new SpecifierAbort(unit, version)
      return unescapeUnitName(jPart)
    case 'f':
      return unescapePath(unit.instance || unit.prefix)
    case 'u':
      return unit.managerUser?.name ?? 'root'
    case 'g':
      return unit.managerUser?.group ?? 'root'
    case 'U':
      return String(unit.managerUser?.uid ?? 0)
    case 'G':
      return String(unit.managerUser?.gid ?? 0)
    case 'h':
      return unit.managerUser?.home ?? '/root'
    case 's':
      return '/bin/sh'
    case 't':
      return '/run'
    case 'S':
      return '/var/lib'
    case 'C':
      return '/var/cache'
    case 'L':
      return '/var/log'
    case 'E':
      return '/etc'
    case 'T':
      return '/tmp'
    case 'V':
      return '/var/tmp'
    case 'D':
      return version >= DATA_DIRECTORY_SPECIFIER ? '/usr/share' : undefined
    case 'd':
      return version >= SPECIFIERS_251 ? `/run/credentials/${unit.name}` : undefined
    case 'y':
      return version >= SPECIFIERS_251
        ? `/etc/systemd/system/${unit.fragment ?? templateOf(unit) ?? unit.name}`
        : undefined
    case 'Y':
      return version >= SPECIFIERS_251 ? '/etc/systemd/system' : undefined
    case 'c':
      return `/system.slice/${unit.name}`
    case 'r':
    case 'R':
      return ''
    case 'q':
      return version >= SPECIFIERS_251 ? 'localhost' : undefined
    case 'H':
    case 'l':
      return 'localhost'
    case 'm':
    case 'b':
      return '0123456789abcdef0123456789abcdef'
    case 'a':
      return 'x86-64'
    case 'o':
      return 'debian'
    case 'w':
      return '12'
    case 'v':
      return '6.1.0'
    case 'A':
    case 'B':
    case 'M':
    case 'W':
      return ''
    default:
      return undefined
  }
}

/** unit_path_printf()'s limit: a path setting expanded to more than PATH_MAX - 1 bytes fails. */
export const PATH_PRINTF_MAX = 4095

/**
 * expandSpecifiers() for a path (unit_path_printf()): a result over PATH_PRINTF_MAX bytes is an
 * error, fatal or ignored as a failed specifier is for the same setting (read off 252-262:
 * RootDirectory= of 4,096 bytes refuses the unit, a ReadWritePaths= entry of 4,096 is skipped).
 */
export function expandPathSpecifiers(
  text: string,
  unit: UnitName,
  version: number
): SpecifierResult {
  const expanded = expandSpecifiers(text, unit, version)
  // a UTF-16 unit is at most 3 bytes in UTF-8: a short path needs no encoding
  if ('error' in expanded || expanded.value.length * 3 <= PATH_PRINTF_MAX) return expanded
  return byteLength(expanded.value) > PATH_PRINTF_MAX
    ? { error: `a path over ${PATH_PRINTF_MAX} bytes` }
    : expanded
}

/** specifier_printf(): expands %x; an unknown letter or digit is an error, other characters stay. */
export function expandSpecifiers(text: string, unit: UnitName, version: number): SpecifierResult {
  if (!text.includes('%')) return { value: text }
  let out = ''
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (c !== '%') {
      out += c
      continue
    }
    const next = text[i + 1]
    if (next === undefined) {
      out += '%'
      break
    }
    i++
    if (next === '%') {
      out += '%'
      continue
    }
    const value = specifierValue(next, unit, version)
    if (value === null) return { error: `%${next} cannot be expanded for ${unit.name}` }
    if (value !== undefined) out += value
    else if (POSSIBLE_SPECIFIERS.test(next)) return { error: `unknown specifier %${next}` }
    else out += '%' + next
  }
  return { value: out }
}
