/**
 * BindPaths=, BindReadOnlyPaths= (config_parse_bind_paths): whether an assignment adds a bind mount,
 * which gives the service a mount namespace (and so decides a refusal from 257). Each entry is
 * SOURCE[:DESTINATION[:OPTIONS]]: an absolute source (one '-' may lead), an absolute destination,
 * options empty, rbind or norbind; an entry that fails is skipped, a syntax error ends the value.
 */
import type { UnitName } from '../specifiers.js'
import { expandPathSpecifiers } from '../specifiers.js'
import { extractFirstWord, extractSeparatedWord } from '../words.js'
import { absolutePathOf, isAbsoluteNormalPath } from './paths.js'

/**
 * From here an entry is a whole word split at ':' afterwards, and one that fails is skipped whole:
 * up to 257 the words are split at ':' and whitespace alike, so after a bad source its destination is
 * read as the next source (`x:/y` binds /y at 252, 254, 255 and 257, nothing at 259, 261 and 262;
 * 258 unverified, follows 257). The later splitting decodes C escapes, and an entry with an unknown
 * one (`\y`) is skipped; before, a backslash only made the next character literal.
 */
export const BIND_PATHS_BY_WHOLE_ENTRY = 259

const WHITESPACE = ' \t\n\r'

/** The source, the destination or the options of an entry: whether systemd takes it. */
function validSource(source: string, unit: UnitName, version: number): boolean {
  const expanded = expandPathSpecifiers(source, unit, version)
  if ('error' in expanded) return false
  const path = expanded.value.startsWith('-') ? expanded.value.slice(1) : expanded.value
  return isAbsoluteNormalPath(path, version)
}

const validDestination = (destination: string, unit: UnitName, version: number): boolean =>
  !('error' in absolutePathOf(destination, unit, version))

const validOptions = (options: string): boolean =>
  options === '' || options === 'rbind' || options === 'norbind'

/** What systemd makes of a BindPaths= or BindReadOnlyPaths= value. */
export interface BindEntries {
  /** an entry adds a bind mount */
  adds: boolean
  /** the parts of entries systemd skips (a source, destination or options it refuses) */
  skipped: string[]
}

/** Whether the value of a BindPaths= or BindReadOnlyPaths= assignment adds a bind mount. */
export function addsBindMount(value: string, unit: UnitName, version: number): boolean {
  return bindEntries(value, unit, version).adds
}

/** The value of a BindPaths= or BindReadOnlyPaths= assignment, read as systemd reads it. */
export function bindEntries(value: string, unit: UnitName, version: number): BindEntries {
  const entries: BindEntries = { adds: false, skipped: [] }
  if (version >= BIND_PATHS_BY_WHOLE_ENTRY) wholeEntries(value, unit, version, entries)
  else wordByWord(value, unit, version, entries)
  return entries
}

/**
 * Up to 257: source, destination and options read one after the other from the value. Every entry
 * is read, as systemd reads them all (an entry after a good one can still make it abort: %J).
 */
function wordByWord(value: string, unit: UnitName, version: number, entries: BindEntries): void {
  const separators = ':' + WHITESPACE
  const flags = { unquote: true, escapes: 'literal' } as const
  let position: number | null = 0
  for (;;) {
    const source = extractSeparatedWord(value, position, separators, flags)
    if (source === 'end' || source === 'error') return
    position = source.next
    if (!validSource(source.word, unit, version)) {
      entries.skipped.push(source.word)
      continue
    }
    if (source.endedBy !== ':') {
      entries.adds = true
      continue
    }
    const destination = extractSeparatedWord(value, position, separators, flags)
    if (destination === 'error') return
    if (destination === 'end') continue
    position = destination.next
    if (!validDestination(destination.word, unit, version)) {
      entries.skipped.push(destination.word)
      continue
    }
    if (destination.endedBy !== ':') {
      entries.adds = true
      continue
    }
    // the options: one word up to whitespace (an ordinary extract_first_word, quotes removed)
    const options = extractSeparatedWord(value, position, WHITESPACE, { ...flags, coalesce: true })
    if (options === 'error') return
    const text = options === 'end' ? '' : options.word
    position = options === 'end' ? null : options.next
    if (validOptions(text)) entries.adds = true
    else entries.skipped.push(text)
  }
}

/** From 259: each whitespace-separated word is one entry, split at ':' afterwards. */
function wholeEntries(value: string, unit: UnitName, version: number, entries: BindEntries): void {
  let position = 0
  for (;;) {
    // words keep their backslashes here (EXTRACT_RETAIN_ESCAPE): the split below decodes them
    const entry = extractFirstWord(value, position, { unquote: true, retainEscape: true })
    if (entry === undefined || 'error' in entry) return
    position = entry.next
    const parts: string[] = []
    let at: number | null = 0
    let broken = false
    while (at !== null && !broken) {
      const part = extractSeparatedWord(entry.word, at, ':', {
        unquote: false,
        escapes: 'cunescape',
        version
      })
      if (part === 'end') break
      if (part === 'error') broken = true
      else {
        parts.push(part.word)
        at = part.next
      }
    }
    const [source = '', destination, options, ...rest] = parts
    if (
      broken ||
      rest.length > 0 ||
      !validSource(source, unit, version) ||
      (destination !== undefined && !validDestination(destination, unit, version)) ||
      (options !== undefined && !validOptions(options))
    ) {
      entries.skipped.push(entry.word)
      continue
    }
    entries.adds = true
  }
}
