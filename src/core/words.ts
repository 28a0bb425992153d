/**
 * systemd's extract_first_word(): how a value is split into words. Directives differ in whether they
 * remove quotes (UNQUOTE) and decode C escapes (CUNESCAPE); without UNQUOTE quote characters are
 * ordinary characters. A backslash always makes the next character literal.
 */

/**
 * text.lastIndexOf(character) for a one-character search: String.prototype.lastIndexOf is a call
 * into the runtime, several times slower than this loop for the short names and paths the scan
 * searches once per file.
 */
export function lastIndexOfCode(text: string, code: number): number {
  for (let i = text.length - 1; i >= 0; i--) if (text.charCodeAt(i) === code) return i
  return -1
}

export interface ExtractOptions {
  unquote?: boolean
  cunescape?: boolean
  /** EXTRACT_RETAIN_ESCAPE: a backslash is an ordinary character, escaping nothing */
  retainEscape?: boolean
  /** EXTRACT_RELAX: an open quote or a final backslash ends the word instead of failing */
  relax?: boolean
  /**
   * with `cunescape`: a bad escape is an error (extract_first_word() itself, as Environment= calls
   * it); unset, the backslash stays (extract_first_word_and_warn()'s relaxed retry)
   */
  strictEscapes?: boolean
  /** the systemd whose escapes apply (SURROGATE_ESCAPES_REFUSED); undefined: the newest */
  version?: number
}

/**
 * From here `\uD800`-`\uDFFF` is no escape (259 refuses `ExecStart=/bin/tr\ud800` for the backslash
 * left in it); before, it unescapes to the surrogate's three UTF-8 bytes (252-257 load that unit;
 * 258 unverified, follows 257).
 */
export const SURROGATE_ESCAPES_REFUSED = 259

export interface ExtractedWords {
  words: string[]
  /** set when a quote was left open or a backslash ended the text: systemd stops there */
  error?: string
  /** text after the last extracted word (separators skipped) */
  rest: string
}

const SEPARATORS = ' \t\n\r'

/** SEPARATORS by character code (the scans below read codes: no one-character strings) */
const isSeparator = (code: number): boolean =>
  code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d

/**
 * A byte that \xNN or an octal escape gives (systemd unescapes them to raw bytes, not code points):
 * 0x80-0xFF is kept as the lone surrogate U+DC80-U+DCFF, which no decoded unit file holds, so that
 * byteLength() counts it as one byte and rawBytes() gives the byte back.
 */
export function escapedByte(code: number): string {
  return String.fromCharCode(code < 0x80 ? code : 0xdc00 + code)
}

const utf8 = new TextEncoder()

/** The bytes systemd holds for a decoded value: UTF-8, with each escaped byte (escapedByte()) as it was. */
export function rawBytes(text: string): Uint8Array {
  const bytes: number[] = []
  let run = 0
  const flush = (end: number): void => {
    if (end > run) bytes.push(...utf8.encode(text.slice(run, end)))
  }
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    const lone =
      c >= 0xdc80 && c <= 0xdcff && !(i > 0 && (text.charCodeAt(i - 1) & 0xfc00) === 0xd800)
    if (!lone) continue
    flush(i)
    bytes.push(c - 0xdc00)
    run = i + 1
  }
  flush(text.length)
  return Uint8Array.from(bytes)
}

/** The length in bytes of a decoded value (an escaped byte is one). */
export function byteLength(text: string): number {
  let bytes = text.length
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c < 0x80) continue
    if (c < 0x800) bytes += 1
    else if ((c & 0xfc00) === 0xd800 && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 2 // a surrogate pair: 4 bytes for 2 units
      i++
    } else if (c < 0xdc80 || c > 0xdcff) bytes += 2
  }
  return bytes
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true })
/** Noncharacters that systemd's utf8_is_valid() rejects although they are well-formed UTF-8. */
const NONCHARACTER =
  /[\uFDD0-\uFDEF\uFFFE\uFFFF]|[\uD83F\uD87F\uD8BF\uD8FF\uD93F\uD97F\uD9BF\uD9FF\uDA3F\uDA7F\uDABF\uDAFF\uDB3F\uDB7F\uDBBF\uDBFF][\uDFFE\uDFFF]/

export function hasNoncharacter(text: string): boolean {
  return NONCHARACTER.test(text)
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x80) return false
  return true
}

/** utf8_is_valid() on a decoded value's bytes: well-formed UTF-8 without noncharacters. */
export function isValidUtf8Value(text: string): boolean {
  // ASCII is valid UTF-8 without noncharacters: the common case skips the byte round trip.
  if (isAscii(text)) return true
  try {
    return !hasNoncharacter(strictUtf8.decode(rawBytes(text)))
  } catch {
    return false
  }
}

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  '"': '"',
  "'": "'",
  s: ' '
}

/**
 * Decodes one C escape starting after the backslash; undefined when systemd rejects it. A NUL
 * (`\\x00`, `\\000`, `\\u0000`) is rejected unless `acceptNul` (UNESCAPE_ACCEPT_NUL).
 */
function cunescapeOne(
  text: string,
  index: number,
  acceptNul = false,
  version?: number
): { value: string; length: number } | undefined {
  const c = text[index]
  if (c === undefined) return undefined
  const simple = SIMPLE_ESCAPES[c]
  if (simple !== undefined) return { value: simple, length: 1 }
  const hex = (count: number): number | undefined => {
    const digits = text.slice(index + 1, index + 1 + count)
    return digits.length === count && /^[0-9a-fA-F]+$/.test(digits)
      ? parseInt(digits, 16)
      : undefined
  }
  if (c === 'x') {
    const code = hex(2)
    return code === undefined || (code === 0 && !acceptNul)
      ? undefined
      : { value: escapedByte(code), length: 3 }
  }
  if (c === 'u' || c === 'U') {
    const count = c === 'u' ? 4 : 8
    const code = hex(count)
    if (
      c === 'u' &&
      code !== undefined &&
      code >= 0xd800 &&
      code <= 0xdfff &&
      version !== undefined &&
      version < SURROGATE_ESCAPES_REFUSED
    ) {
      // the three bytes UTF-8 would give the code point, raw (escapedByte())
      const bytes = [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
      return { value: bytes.map(escapedByte).join(''), length: count + 1 }
    }
    if (
      code === undefined ||
      (code === 0 && !acceptNul) ||
      code > 0x10ffff ||
      (code >= 0xd800 && code <= 0xdfff) ||
      // \U wants unichar_is_valid(): no noncharacter either (\u does not check; a helper's probes)
      (c === 'U' && ((code >= 0xfdd0 && code <= 0xfdef) || (code & 0xfffe) === 0xfffe))
    ) {
      return undefined
    }
    return { value: String.fromCodePoint(code), length: count + 1 }
  }
  if (c >= '0' && c <= '7') {
    const digits = text.slice(index, index + 3)
    if (!/^[0-7]{3}$/.test(digits)) return undefined
    const code = parseInt(digits, 8)
    return (code === 0 && !acceptNul) || code > 255
      ? undefined
      : { value: escapedByte(code), length: 3 }
  }
  return undefined
}

/** cunescape() without UNESCAPE_RELAX: whether every backslash starts a valid escape. */
export function cunescapeValid(
  text: string,
  options: { acceptNul?: boolean; version?: number } = {}
): boolean {
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '\\') continue
    const decoded = cunescapeOne(text, i + 1, options.acceptNul, options.version)
    if (!decoded) return false
    i += decoded.length
  }
  return true
}

/** Extracts one word from `text` starting at `start`; returns undefined at the end of the text. */
export function extractFirstWord(
  text: string,
  start: number,
  options: ExtractOptions = {}
): { word: string; next: number } | { error: string } | undefined {
  let i = start
  while (i < text.length && isSeparator(text.charCodeAt(i))) i++
  if (i >= text.length) return undefined
  // The usual word has no escapes or quotes: one slice instead of a character at a time.
  const unquote = options.unquote === true
  const escapes = options.retainEscape !== true
  let plain = i
  while (plain < text.length) {
    const c = text.charCodeAt(plain)
    if ((c === 0x5c && escapes) || isSeparator(c) || (unquote && (c === 0x22 || c === 0x27))) break
    plain++
  }
  let word = text.slice(i, plain)
  i = plain
  let quote: string | undefined
  for (; i < text.length; i++) {
    const c = text[i]!
    if (c === '\\' && escapes) {
      if (i + 1 >= text.length) {
        if (options.relax) return { word, next: text.length }
        // extract_first_word_and_warn() retries a C-unescaping extraction relaxed, which keeps a
        // final backslash outside quotes (`ExecStop=/bin/true a \ `, trimmed: systemd loads it)
        if (options.cunescape && quote === undefined && !options.strictEscapes) {
          return { word: word + '\\', next: text.length }
        }
        return { error: 'trailing backslash' }
      }
      if (options.cunescape) {
        const decoded = cunescapeOne(text, i + 1, false, options.version)
        if (decoded) {
          word += decoded.value
          i += decoded.length
        } else {
          if (options.strictEscapes) return { error: 'bad escape' }
          // systemd retries with relaxed unescaping: the backslash stays.
          word += '\\' + text[i + 1]
          i += 1
        }
      } else {
        word += text[i + 1]
        i += 1
      }
      continue
    }
    if (quote !== undefined) {
      if (c === quote) quote = undefined
      else word += c
      continue
    }
    if (options.unquote && (c === '"' || c === "'")) {
      quote = c
      continue
    }
    if (SEPARATORS.includes(c)) break
    word += c
  }
  if (quote !== undefined) {
    return options.relax ? { word, next: text.length } : { error: 'unbalanced quoting' }
  }
  while (i < text.length && isSeparator(text.charCodeAt(i))) i++
  return { word, next: i }
}

export interface SeparatedWord {
  word: string
  /** where the next word starts; null once the text is used up (systemd's p = NULL) */
  next: number | null
  /** the separator that ended the word */
  endedBy: string | undefined
}

/**
 * extract_first_word() with the separators and flags a directive gives it (extractFirstWord() is the
 * usual whitespace case, made fast). With EXTRACT_DONT_COALESCE_SEPARATORS (`coalesce` false) a
 * separator right at the start gives an empty word, and the end of the text gives one empty word
 * before nothing; else separators before and after a word are skipped. `escapes`: 'literal' (a
 * backslash makes the next character literal), 'retain' (EXTRACT_RETAIN_ESCAPE: an ordinary
 * character) or 'cunescape' (EXTRACT_CUNESCAPE | EXTRACT_UNESCAPE_SEPARATORS: C escapes, and an
 * escaped separator or backslash; anything else is an error).
 */
export function extractSeparatedWord(
  text: string,
  start: number | null,
  separators: string,
  options: {
    unquote: boolean
    escapes: 'literal' | 'retain' | 'cunescape'
    coalesce?: boolean
    /** the systemd whose C escapes apply (SURROGATE_ESCAPES_REFUSED); undefined: the newest */
    version?: number
  }
): SeparatedWord | 'end' | 'error' {
  if (start === null) return 'end'
  let first = start
  if (options.coalesce) {
    while (first < text.length && separators.includes(text[first]!)) first++
    if (first >= text.length) return 'end'
  }
  let word = ''
  let quote: string | undefined
  for (let i = first; ; i++) {
    if (i >= text.length) {
      return quote === undefined ? { word, next: null, endedBy: undefined } : 'error'
    }
    const c = text[i]!
    if (c === '\\' && options.escapes !== 'retain') {
      if (i + 1 >= text.length) return 'error'
      const next = text[i + 1]!
      if (options.escapes === 'literal') {
        word += next
        i++
        continue
      }
      const decoded = cunescapeOne(text, i + 1, false, options.version)
      if (decoded) {
        word += decoded.value
        i += decoded.length
      } else if (separators.includes(next) || next === '\\') {
        word += next
        i++
      } else {
        return 'error'
      }
      continue
    }
    if (quote !== undefined) {
      if (c === quote) quote = undefined
      else word += c
      continue
    }
    if (options.unquote && (c === '"' || c === "'")) {
      quote = c
      continue
    }
    if (separators.includes(c)) {
      let next = i + 1
      if (options.coalesce) {
        while (next < text.length && separators.includes(text[next]!)) next++
      }
      return { word, next: next < text.length || !options.coalesce ? next : null, endedBy: c }
    }
    word += c
  }
}

/** All words of a value, stopping at the first syntax error (words before it are kept). */
export function extractWords(text: string, options: ExtractOptions = {}): ExtractedWords {
  const words: string[] = []
  let position = 0
  for (;;) {
    const result = extractFirstWord(text, position, options)
    if (result === undefined) return { words, rest: '' }
    if ('error' in result) return { words, error: result.error, rest: text.slice(position) }
    words.push(result.word)
    position = result.next
  }
}

/**
 * ASCII case only, as strcasecmp() and ascii_strupper() fold: toUpperCase() would also fold 'ſ' to S,
 * 'ı' to I and 'ﬀ' to FF, so `CAP_ſYS_ADMIN` would name a capability systemd does not know.
 */
export function asciiUpper(text: string): string {
  // most text holds nothing to fold: a scan is cheaper than a replace that finds nothing
  if (!hasCodeBetween(text, 0x61, 0x7a)) return text
  return text.replace(/[a-z]+/g, (letters) => letters.toUpperCase())
}

export function asciiLower(text: string): string {
  if (!hasCodeBetween(text, 0x41, 0x5a)) return text
  return text.replace(/[A-Z]+/g, (letters) => letters.toLowerCase())
}

function hasCodeBetween(text: string, low: number, high: number): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c >= low && c <= high) return true
  }
  return false
}

/** parse_boolean(): the spellings systemd accepts, case-insensitively. */
export function parseBoolean(value: string): boolean | undefined {
  switch (asciiLower(value)) {
    case '1':
    case 'yes':
    case 'y':
    case 'true':
    case 't':
    case 'on':
      return true
    case '0':
    case 'no':
    case 'n':
    case 'false':
    case 'f':
    case 'off':
      return false
    default:
      return undefined
  }
}

/**
 * systemd's safe_atoi()/safe_atou() with base 0: a `0b`/`0B`/`0o`/`0O` prefix at the very start
 * selects base 2/8, then strtol() reads an optional sign and the digits (base 0: `0x` → 16, a leading
 * `0` → 8, else 10). So `21`, `+21`, `0x15`, `+0x15`, `025`, `0o25`, `0b10101` and `0b+10101` are 21,
 * while `+0b10101`, `08` and `0x` are not numbers. Returns undefined for anything else.
 */
export function parseCInteger(text: string): number | undefined {
  let base = 0
  let rest = text
  if (/^0[bB]/.test(rest)) base = 2
  else if (/^0[oO]/.test(rest)) base = 8
  if (base) rest = rest.slice(2)
  const sign = rest[0] === '-' || rest[0] === '+' ? rest[0] : ''
  rest = rest.slice(sign.length)
  if (base === 0) {
    if (/^0[xX][0-9a-fA-F]/.test(rest)) {
      base = 16
      rest = rest.slice(2)
    } else base = rest.startsWith('0') ? 8 : 10
  }
  const digits = { 2: /^[01]+$/, 8: /^[0-7]+$/, 10: /^[0-9]+$/, 16: /^[0-9a-fA-F]+$/ }[base]
  if (!digits?.test(rest)) return undefined
  const value = parseInt(rest, base)
  if (!Number.isSafeInteger(value)) return undefined
  return sign === '-' ? -value : value
}
