/**
 * Unit-file syntax exactly as systemd's conf-parser reads it (v252 behaviour; unchanged through v262):
 * physical lines end at LF, CR or NUL; comments are recognised on the raw line before the BOM is
 * stripped; a line ending in an odd number of backslashes continues; UTF-8 is checked per logical
 * line; an invalid section header, invalid UTF-8 or an over-long line stops the parse (fatal).
 * See ../shared/reference/unit-file-loading.md, section 5.
 */ import { byteLength, hasNoncharacter } from './words.js'

/** Comment lines kept per file (for inline exceptions); a file may hold millions. */
export const MAX_KEPT_COMMENTS = 10_000

/** Problems listed per file: a file may hold millions of bad lines. */
export const MAX_LISTED_PROBLEMS = 1_000

/**
 * Appends `item` while `list` holds fewer than `max` items; the next one is replaced by `more(item)`,
 * which says that the rest are not listed, and later ones are dropped.
 */
export function appendBounded<T>(list: T[], item: T, max: number, more: (item: T) => T): void {
  if (list.length < max) list.push(item)
  else if (list.length === max) list.push(more(item))
}

function addWarning(result: ParsedUnitText, warning: SyntaxProblem): void {
  appendBounded(result.warnings, warning, MAX_LISTED_PROBLEMS, ({ line }) => ({
    line,
    message: `more than ${MAX_LISTED_PROBLEMS} lines systemd ignores: the rest are not listed`
  }))
}

/** systemd's LONG_LINE_MAX: a physical line of this many bytes or more makes the file fail to load. */
export const LONG_LINE_MAX = 1024 * 1024

export interface Assignment {
  section: string
  key: string
  value: string
  /** 1-based physical line where the (possibly continued) assignment starts */
  line: number
}

export interface Comment {
  line: number
  text: string
}

export interface SyntaxProblem {
  line: number
  message: string
}

export interface ParsedUnitText {
  /** assignments in known sections, in file order, up to the first fatal error */
  assignments: Assignment[]
  /** line of the first header of each known section */
  sectionLines: Record<string, number>
  /** comment lines (for inline exceptions); invalid UTF-8 is replaced */
  comments: Comment[]
  /** non-fatal problems: systemd logs them and ignores the line */
  warnings: SyntaxProblem[]
  /** the error that stops systemd from reading the rest of this file */
  fatal?: SyntaxProblem
  /** total physical lines read */
  lineCount: number
  /** the first and last physical line of each logical line continued over several (comment
   * lines inside one included), in file order */
  continued: Array<[number, number]>
  /** the file ends inside a continued line (its last span of `continued`): a line added after the
   * end would join it */
  openAtEnd?: true
}

const LF = 10
const CR = 13
const NUL = 0
const UTF8_BOM = '\uFEFF'
const UTF8_BOM_BYTES = 3

const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
const lenientDecoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true })

function eolKind(code: number): number {
  return code === LF ? 1 : code === CR ? 2 : code === NUL ? 4 : 0
}

/**
 * Splits into physical lines like systemd's read_line(): LF, CR and NUL each end a line, and a run of
 * them is one break as long as no kind repeats and nothing follows a NUL.
 */
function* splitLineRanges(
  length: number,
  codeAt: (index: number) => number
): Generator<[number, number]> {
  let start = 0
  let i = 0
  while (i < length) {
    const kind = eolKind(codeAt(i))
    if (kind === 0) {
      i++
      continue
    }
    yield [start, i]
    let seen = kind
    i++
    while (i < length && (seen & 4) === 0) {
      const next = eolKind(codeAt(i))
      if (next === 0 || (seen & next) !== 0) break
      seen |= next
      i++
    }
    start = i
  }
  if (start < length) yield [start, length]
}

function isSystemdValidUtf8(text: string): boolean {
  return !hasNoncharacter(text)
}

/**
 * Feeds the physical lines to `take` (text, systemd-valid UTF-8, length in bytes) until it returns
 * false. The usual file (UTF-8, LF only, no noncharacter, under LONG_LINE_MAX) is split in one go;
 * its lines are all valid and none can reach the limit, so their byte lengths are not counted.
 */
function eachPhysicalLine(
  bytes: Uint8Array,
  take: (text: string, valid: boolean, byteLength: number) => boolean
): void {
  let whole: string | undefined
  try {
    whole = strictDecoder.decode(bytes)
  } catch {
    whole = undefined
  }
  if (whole !== undefined) {
    const text = whole
    if (bytes.length < LONG_LINE_MAX && !OTHER_BREAKS.test(text) && !hasNoncharacter(text)) {
      const lines = text.split('\n')
      const count = text.endsWith('\n') ? lines.length - 1 : lines.length
      for (let i = 0; i < count; i++) if (!take(lines[i]!, true, 0)) return
      return
    }
    for (const [s, e] of splitLineRanges(text.length, (i) => text.charCodeAt(i))) {
      const line = text.slice(s, e)
      if (!take(line, isSystemdValidUtf8(line), byteLength(line))) return
    }
    return
  }
  // Some bytes are not UTF-8: decide line by line, since invalid bytes in comments are harmless.
  // The lenient decoder marks invalid bytes with U+FFFD; the strict one (which throws, slowly) is only
  // needed when the line also holds a real U+FFFD.
  for (const [s, e] of splitLineRanges(bytes.length, (i) => bytes[i]!)) {
    const raw = bytes.subarray(s, e)
    const line = lenientDecoder.decode(raw)
    let valid = isSystemdValidUtf8(line)
    if (valid && line.includes('\uFFFD') && !(hasEncodedReplacement(raw) && strictlyDecodes(raw))) {
      valid = false
    }
    if (!take(line, valid, raw.length)) return
  }
}

/** Line ends other than LF (CR and NUL also end a line for systemd). */
const OTHER_BREAKS = /[\r\0]/

/** Whether the bytes hold an encoded U+FFFD (EF BF BD). */
function hasEncodedReplacement(raw: Uint8Array): boolean {
  for (let i = raw.indexOf(0xef); i >= 0 && i + 2 < raw.length; i = raw.indexOf(0xef, i + 1)) {
    if (raw[i + 1] === 0xbf && raw[i + 2] === 0xbd) return true
  }
  return false
}

function strictlyDecodes(raw: Uint8Array): boolean {
  try {
    strictDecoder.decode(raw)
    return true
  } catch {
    return false
  }
}

/** space, tab, LF, CR: the characters systemd's strstrip() removes */
const isStripped = (code: number): boolean =>
  code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d

/** systemd's strstrip(): trims space, tab, CR and LF (not other Unicode spaces). */
export function strstrip(text: string): string {
  let start = 0
  let end = text.length
  while (start < end && isStripped(text.charCodeAt(start))) start++
  while (end > start && isStripped(text.charCodeAt(end - 1))) end--
  return start === 0 && end === text.length ? text : text.slice(start, end)
}

function skipLeadingWhitespace(text: string): string {
  let start = 0
  while (start < text.length && isStripped(text.charCodeAt(start))) start++
  return start === 0 ? text : text.slice(start)
}

/** systemd's string_is_glob(): whether the text holds `*`, `?` or `[`. */
export const isGlob = (text: string): boolean => /[*?[]/.test(text)

/** systemd's string_is_safe(): no control characters, quotes or backslashes. */
export function stringIsSafe(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if ((c > 0 && c < 32) || c === 0x7f || c === 0x22 || c === 0x27 || c === 0x5c) return false
  }
  return true
}

/** Whether systemd's escape scan ends "escaped": the text ends in an odd run of backslashes. */
function endsWithOddBackslashes(text: string): boolean {
  let run = 0
  while (run < text.length && text.charCodeAt(text.length - 1 - run) === 0x5c) run++
  return run % 2 === 1
}

/**
 * From here a section name that is empty or holds a glob character (`*`, `?`, `[`) makes the file
 * fail to load: seen in 261 and 262, not in 259 (260 unverified, follows 259); `]` stays allowed.
 */
export const SECTION_NAME_GLOB_REFUSED = 261

/** a service unit's sections (one array, not one per file parsed) */
const SERVICE_SECTIONS: readonly string[] = ['Unit', 'Service', 'Install']

/**
 * Parses one unit file or drop-in. `knownSections` are the sections this unit type understands
 * (for a service: Unit, Service, Install); lines in any other section are skipped. `version`: the
 * systemd whose header rules apply (undefined: the oldest's).
 */
export function parseUnitText(
  bytes: Uint8Array,
  knownSections: readonly string[] = SERVICE_SECTIONS,
  version?: number
): ParsedUnitText {
  const globsRefused = version !== undefined && version >= SECTION_NAME_GLOB_REFUSED
  const result: ParsedUnitText = {
    assignments: [],
    sectionLines: {},
    comments: [],
    warnings: [],
    lineCount: 0,
    continued: []
  }
  let section: string | undefined
  let sectionIgnored = false
  let bomSeen = false
  /** a continued line so far: its pieces (each final backslash already turned into a space) */
  let continuation: { parts: string[]; valid: boolean; line: number; bytes: number } | undefined

  const parseLogicalLine = (raw: string, valid: boolean, line: number): boolean => {
    const l = strstrip(raw)
    if (l.length === 0) return true
    if (!valid) {
      result.fatal = { line, message: 'line is not valid UTF-8; systemd refuses the file' }
      return false
    }
    if (l.startsWith('[')) {
      if (!l.endsWith(']') || l.length < 2) {
        result.fatal = { line, message: `invalid section header '${l}'` }
        return false
      }
      const name = l.slice(1, -1)
      if (!stringIsSafe(name)) {
        result.fatal = { line, message: `bad characters in section header '${l}'` }
        return false
      }
      if (globsRefused && (name === '' || isGlob(name))) {
        result.fatal = { line, message: `invalid section name in header '${l}'` }
        return false
      }
      const known = knownSections.indexOf(name)
      if (known >= 0) {
        // the table's own string, not the slice: each assignment's section is compared with the
        // directive tables' literals, and a slice would make every comparison a slow runtime call
        section = knownSections[known]!
        sectionIgnored = false
        result.sectionLines[section] ??= line
      } else {
        section = undefined
        sectionIgnored = true
        if (!name.startsWith('X-')) {
          addWarning(result, {
            line,
            message: `unknown section [${name}]: its lines are ignored`
          })
        }
      }
      return true
    }
    if (section === undefined) {
      if (!sectionIgnored) {
        addWarning(result, { line, message: 'assignment outside of any section is ignored' })
      }
      return true
    }
    const eq = l.indexOf('=')
    if (eq < 0) {
      addWarning(result, { line, message: "missing '=': line ignored" })
      return true
    }
    if (eq === 0) {
      addWarning(result, { line, message: "missing key name before '=': line ignored" })
      return true
    }
    result.assignments.push({
      section,
      key: strstrip(l.slice(0, eq)),
      value: strstrip(l.slice(eq + 1)),
      line
    })
    return true
  }

  let lineNumber = 0
  let stopped = false
  eachPhysicalLine(bytes, (physicalText, physicalValid, physicalBytes) => {
    lineNumber++
    result.lineCount = lineNumber
    if (physicalBytes >= LONG_LINE_MAX) {
      result.fatal = {
        line: lineNumber,
        message: 'line longer than 1 MiB; systemd refuses the file'
      }
      return !(stopped = true)
    }
    const stripped = skipLeadingWhitespace(physicalText)
    if (stripped.length > 0 && (stripped[0] === '#' || stripped[0] === ';')) {
      // a file of millions of comment lines keeps the first ones (inline exceptions are read there)
      if (result.comments.length < MAX_KEPT_COMMENTS) {
        result.comments.push({ line: lineNumber, text: stripped })
      }
      return true
    }
    let text = physicalText
    let textBytes = physicalBytes
    if (!bomSeen && text.startsWith(UTF8_BOM)) {
      text = text.slice(1)
      textBytes = Math.max(0, textBytes - UTF8_BOM_BYTES)
      bomSeen = true
    }
    // Bytes, not UTF-16 units: systemd compares strlen() of the joined text with LONG_LINE_MAX.
    if (continuation && continuation.bytes + textBytes > LONG_LINE_MAX) {
      result.fatal = {
        line: lineNumber,
        message: 'continued line longer than 1 MiB; systemd refuses the file'
      }
      return !(stopped = true)
    }
    // systemd scans the whole joined text for a final unescaped backslash; since the text joined so
    // far ends in the space that replaced a backslash, only this piece's trailing run can matter.
    const continues = endsWithOddBackslashes(text)
    const piece = continues ? text.slice(0, -1) + ' ' : text
    if (!continuation && !continues) {
      // the usual line: no continuation object
      if (!parseLogicalLine(piece, physicalValid, lineNumber)) return !(stopped = true)
      return true
    }
    let logical: { parts: string[]; valid: boolean; line: number; bytes: number }
    if (continuation) {
      continuation.parts.push(piece)
      continuation.bytes += textBytes
      continuation.valid &&= physicalValid
      logical = continuation
    } else {
      logical = { parts: [piece], valid: physicalValid, line: lineNumber, bytes: textBytes }
    }
    if (continues) {
      continuation = logical
      return true
    }
    continuation = undefined
    if (logical.line < lineNumber) result.continued.push([logical.line, lineNumber])
    if (!parseLogicalLine(logical.parts.join(''), logical.valid, logical.line)) {
      return !(stopped = true)
    }
    return true
  })
  if (stopped) return result
  if (continuation) {
    result.continued.push([continuation.line, lineNumber])
    result.openAtEnd = true
    parseLogicalLine(continuation.parts.join(''), continuation.valid, continuation.line)
  }
  return result
}
