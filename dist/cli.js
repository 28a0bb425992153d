#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

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
function lastIndexOfCode(text, code) {
    for (let i = text.length - 1; i >= 0; i--)
        if (text.charCodeAt(i) === code)
            return i;
    return -1;
}
/**
 * From here `\uD800`-`\uDFFF` is no escape (259 refuses `ExecStart=/bin/tr\ud800` for the backslash
 * left in it); before, it unescapes to the surrogate's three UTF-8 bytes (252-257 load that unit;
 * 258 unverified, follows 257).
 */
const SURROGATE_ESCAPES_REFUSED = 259;
const SEPARATORS = ' \t\n\r';
/** SEPARATORS by character code (the scans below read codes: no one-character strings) */
const isSeparator = (code) => code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
/**
 * A byte that \xNN or an octal escape gives (systemd unescapes them to raw bytes, not code points):
 * 0x80-0xFF is kept as the lone surrogate U+DC80-U+DCFF, which no decoded unit file holds, so that
 * byteLength() counts it as one byte and rawBytes() gives the byte back.
 */
function escapedByte(code) {
    return String.fromCharCode(code < 0x80 ? code : 0xdc00 + code);
}
const utf8$1 = new TextEncoder();
/** The bytes systemd holds for a decoded value: UTF-8, with each escaped byte (escapedByte()) as it was. */
function rawBytes(text) {
    const bytes = [];
    let run = 0;
    const flush = (end) => {
        if (end > run)
            bytes.push(...utf8$1.encode(text.slice(run, end)));
    };
    for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        const lone = c >= 0xdc80 && c <= 0xdcff && !(i > 0 && (text.charCodeAt(i - 1) & 0xfc00) === 0xd800);
        if (!lone)
            continue;
        flush(i);
        bytes.push(c - 0xdc00);
        run = i + 1;
    }
    flush(text.length);
    return Uint8Array.from(bytes);
}
/** The length in bytes of a decoded value (an escaped byte is one). */
function byteLength(text) {
    let bytes = text.length;
    for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c < 0x80)
            continue;
        if (c < 0x800)
            bytes += 1;
        else if ((c & 0xfc00) === 0xd800 && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
            bytes += 2; // a surrogate pair: 4 bytes for 2 units
            i++;
        }
        else if (c < 0xdc80 || c > 0xdcff)
            bytes += 2;
    }
    return bytes;
}
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
/** Noncharacters that systemd's utf8_is_valid() rejects although they are well-formed UTF-8. */
const NONCHARACTER = /[\uFDD0-\uFDEF\uFFFE\uFFFF]|[\uD83F\uD87F\uD8BF\uD8FF\uD93F\uD97F\uD9BF\uD9FF\uDA3F\uDA7F\uDABF\uDAFF\uDB3F\uDB7F\uDBBF\uDBFF][\uDFFE\uDFFF]/;
function hasNoncharacter(text) {
    return NONCHARACTER.test(text);
}
function isAscii(text) {
    for (let i = 0; i < text.length; i++)
        if (text.charCodeAt(i) >= 0x80)
            return false;
    return true;
}
/** utf8_is_valid() on a decoded value's bytes: well-formed UTF-8 without noncharacters. */
function isValidUtf8Value(text) {
    // ASCII is valid UTF-8 without noncharacters: the common case skips the byte round trip.
    if (isAscii(text))
        return true;
    try {
        return !hasNoncharacter(strictUtf8.decode(rawBytes(text)));
    }
    catch {
        return false;
    }
}
const SIMPLE_ESCAPES = {
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
};
/**
 * Decodes one C escape starting after the backslash; undefined when systemd rejects it. A NUL
 * (`\\x00`, `\\000`, `\\u0000`) is rejected unless `acceptNul` (UNESCAPE_ACCEPT_NUL).
 */
function cunescapeOne(text, index, acceptNul = false, version) {
    const c = text[index];
    if (c === undefined)
        return undefined;
    const simple = SIMPLE_ESCAPES[c];
    if (simple !== undefined)
        return { value: simple, length: 1 };
    const hex = (count) => {
        const digits = text.slice(index + 1, index + 1 + count);
        return digits.length === count && /^[0-9a-fA-F]+$/.test(digits)
            ? parseInt(digits, 16)
            : undefined;
    };
    if (c === 'x') {
        const code = hex(2);
        return code === undefined || (code === 0 && !acceptNul)
            ? undefined
            : { value: escapedByte(code), length: 3 };
    }
    if (c === 'u' || c === 'U') {
        const count = c === 'u' ? 4 : 8;
        const code = hex(count);
        if (c === 'u' &&
            code !== undefined &&
            code >= 0xd800 &&
            code <= 0xdfff &&
            version !== undefined &&
            version < SURROGATE_ESCAPES_REFUSED) {
            // the three bytes UTF-8 would give the code point, raw (escapedByte())
            const bytes = [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)];
            return { value: bytes.map(escapedByte).join(''), length: count + 1 };
        }
        if (code === undefined ||
            (code === 0 && !acceptNul) ||
            code > 0x10ffff ||
            (code >= 0xd800 && code <= 0xdfff) ||
            // \U wants unichar_is_valid(): no noncharacter either (\u does not check; a helper's probes)
            (c === 'U' && ((code >= 0xfdd0 && code <= 0xfdef) || (code & 0xfffe) === 0xfffe))) {
            return undefined;
        }
        return { value: String.fromCodePoint(code), length: count + 1 };
    }
    if (c >= '0' && c <= '7') {
        const digits = text.slice(index, index + 3);
        if (!/^[0-7]{3}$/.test(digits))
            return undefined;
        const code = parseInt(digits, 8);
        return (code === 0 && !acceptNul) || code > 255
            ? undefined
            : { value: escapedByte(code), length: 3 };
    }
    return undefined;
}
/** cunescape() without UNESCAPE_RELAX: whether every backslash starts a valid escape. */
function cunescapeValid(text, options = {}) {
    for (let i = 0; i < text.length; i++) {
        if (text[i] !== '\\')
            continue;
        const decoded = cunescapeOne(text, i + 1, options.acceptNul, options.version);
        if (!decoded)
            return false;
        i += decoded.length;
    }
    return true;
}
/** Extracts one word from `text` starting at `start`; returns undefined at the end of the text. */
function extractFirstWord(text, start, options = {}) {
    let i = start;
    while (i < text.length && isSeparator(text.charCodeAt(i)))
        i++;
    if (i >= text.length)
        return undefined;
    // The usual word has no escapes or quotes: one slice instead of a character at a time.
    const unquote = options.unquote === true;
    const escapes = options.retainEscape !== true;
    let plain = i;
    while (plain < text.length) {
        const c = text.charCodeAt(plain);
        if ((c === 0x5c && escapes) || isSeparator(c) || (unquote && (c === 0x22 || c === 0x27)))
            break;
        plain++;
    }
    let word = text.slice(i, plain);
    i = plain;
    let quote;
    for (; i < text.length; i++) {
        const c = text[i];
        if (c === '\\' && escapes) {
            if (i + 1 >= text.length) {
                if (options.relax)
                    return { word, next: text.length };
                // extract_first_word_and_warn() retries a C-unescaping extraction relaxed, which keeps a
                // final backslash outside quotes (`ExecStop=/bin/true a \ `, trimmed: systemd loads it)
                if (options.cunescape && quote === undefined && !options.strictEscapes) {
                    return { word: word + '\\', next: text.length };
                }
                return { error: 'trailing backslash' };
            }
            if (options.cunescape) {
                const decoded = cunescapeOne(text, i + 1, false, options.version);
                if (decoded) {
                    word += decoded.value;
                    i += decoded.length;
                }
                else {
                    if (options.strictEscapes)
                        return { error: 'bad escape' };
                    // systemd retries with relaxed unescaping: the backslash stays.
                    word += '\\' + text[i + 1];
                    i += 1;
                }
            }
            else {
                word += text[i + 1];
                i += 1;
            }
            continue;
        }
        if (quote !== undefined) {
            if (c === quote)
                quote = undefined;
            else
                word += c;
            continue;
        }
        if (options.unquote && (c === '"' || c === "'")) {
            quote = c;
            continue;
        }
        if (SEPARATORS.includes(c))
            break;
        word += c;
    }
    if (quote !== undefined) {
        return options.relax ? { word, next: text.length } : { error: 'unbalanced quoting' };
    }
    while (i < text.length && isSeparator(text.charCodeAt(i)))
        i++;
    return { word, next: i };
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
function extractSeparatedWord(text, start, separators, options) {
    if (start === null)
        return 'end';
    let first = start;
    if (options.coalesce) {
        while (first < text.length && separators.includes(text[first]))
            first++;
        if (first >= text.length)
            return 'end';
    }
    let word = '';
    let quote;
    for (let i = first;; i++) {
        if (i >= text.length) {
            return quote === undefined ? { word, next: null, endedBy: undefined } : 'error';
        }
        const c = text[i];
        if (c === '\\' && options.escapes !== 'retain') {
            if (i + 1 >= text.length)
                return 'error';
            const next = text[i + 1];
            if (options.escapes === 'literal') {
                word += next;
                i++;
                continue;
            }
            const decoded = cunescapeOne(text, i + 1, false, options.version);
            if (decoded) {
                word += decoded.value;
                i += decoded.length;
            }
            else if (separators.includes(next) || next === '\\') {
                word += next;
                i++;
            }
            else {
                return 'error';
            }
            continue;
        }
        if (quote !== undefined) {
            if (c === quote)
                quote = undefined;
            else
                word += c;
            continue;
        }
        if (options.unquote && (c === '"' || c === "'")) {
            quote = c;
            continue;
        }
        if (separators.includes(c)) {
            let next = i + 1;
            if (options.coalesce) {
                while (next < text.length && separators.includes(text[next]))
                    next++;
            }
            return { word, next: next < text.length || !options.coalesce ? next : null, endedBy: c };
        }
        word += c;
    }
}
/** All words of a value, stopping at the first syntax error (words before it are kept). */
function extractWords(text, options = {}) {
    const words = [];
    let position = 0;
    for (;;) {
        const result = extractFirstWord(text, position, options);
        if (result === undefined)
            return { words, rest: '' };
        if ('error' in result)
            return { words, error: result.error, rest: text.slice(position) };
        words.push(result.word);
        position = result.next;
    }
}
/**
 * ASCII case only, as strcasecmp() and ascii_strupper() fold: toUpperCase() would also fold '\u017f' to S,
 * '\u0131' to I and '\ufb00' to FF, so `CAP_\u017fYS_ADMIN` would name a capability systemd does not know.
 */
function asciiUpper(text) {
    // most text holds nothing to fold: a scan is cheaper than a replace that finds nothing
    if (!hasCodeBetween(text, 0x61, 0x7a))
        return text;
    return text.replace(/[a-z]+/g, (letters) => letters.toUpperCase());
}
function asciiLower(text) {
    if (!hasCodeBetween(text, 0x41, 0x5a))
        return text;
    return text.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}
function hasCodeBetween(text, low, high) {
    for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c >= low && c <= high)
            return true;
    }
    return false;
}
/** parse_boolean(): the spellings systemd accepts, case-insensitively. */
function parseBoolean(value) {
    switch (asciiLower(value)) {
        case '1':
        case 'yes':
        case 'y':
        case 'true':
        case 't':
        case 'on':
            return true;
        case '0':
        case 'no':
        case 'n':
        case 'false':
        case 'f':
        case 'off':
            return false;
        default:
            return undefined;
    }
}
/**
 * systemd's safe_atoi()/safe_atou() with base 0: a `0b`/`0B`/`0o`/`0O` prefix at the very start
 * selects base 2/8, then strtol() reads an optional sign and the digits (base 0: `0x` \u2192 16, a leading
 * `0` \u2192 8, else 10). So `21`, `+21`, `0x15`, `+0x15`, `025`, `0o25`, `0b10101` and `0b+10101` are 21,
 * while `+0b10101`, `08` and `0x` are not numbers. Returns undefined for anything else.
 */
function parseCInteger(text) {
    let base = 0;
    let rest = text;
    if (/^0[bB]/.test(rest))
        base = 2;
    else if (/^0[oO]/.test(rest))
        base = 8;
    if (base)
        rest = rest.slice(2);
    const sign = rest[0] === '-' || rest[0] === '+' ? rest[0] : '';
    rest = rest.slice(sign.length);
    if (base === 0) {
        if (/^0[xX][0-9a-fA-F]/.test(rest)) {
            base = 16;
            rest = rest.slice(2);
        }
        else
            base = rest.startsWith('0') ? 8 : 10;
    }
    const digits = { 2: /^[01]+$/, 8: /^[0-7]+$/, 10: /^[0-9]+$/, 16: /^[0-9a-fA-F]+$/ }[base];
    if (!digits?.test(rest))
        return undefined;
    const value = parseInt(rest, base);
    if (!Number.isSafeInteger(value))
        return undefined;
    return sign === '-' ? -value : value;
}

/**
 * The shape of a path's names, as systemd's path_is_valid() and path_is_normalized() judge them. Apart
 * from values/paths.ts so that specifiers.ts (%f) can use them: values/paths.ts needs specifiers.ts.
 */
const SLASH$3 = 0x2f;
/** Whether a name of the path is '..'. */
function hasDotDot(path) {
    for (let i = path.indexOf('..'); i >= 0; i = path.indexOf('..', i + 1)) {
        if ((i === 0 || path.charCodeAt(i - 1) === SLASH$3) &&
            (i + 2 === path.length || path.charCodeAt(i + 2) === SLASH$3)) {
            return true;
        }
    }
    return false;
}
/**
 * path_is_valid(): no component longer than NAME_MAX (255 bytes). Its total limit (PATH_MAX) is left
 * to expandPathSpecifiers(), whose 4,095 bytes come first (PIDFile=, which prefixes /run, excepted).
 */
function hasOverlongComponent(path) {
    // a UTF-16 unit is at most 3 bytes in UTF-8: only a part of over 85 units needs encoding
    if (path.length <= 85)
        return false;
    return path.split('/').some((part) => part.length > 85 && byteLength(part) > 255);
}
/** path_is_normalized(), unsimplified: no name over 255 bytes, no '.' or '..' name, no '//'. */
function isNormalizedPath(path) {
    return (!hasDotDot(path) &&
        !path.includes('//') &&
        !path.split('/').includes('.') &&
        !hasOverlongComponent(path));
}

/**
 * Unit names and the %-specifiers systemd expands in the directives that support them, with the
 * values `systemd-analyze security --offline=true` uses for a system unit
 * (unit-file-loading.md 5.6).
 */
const UNIT_NAME_MAX = 256;
/** /^[a-z]+$/ on text.slice(start), without the slice and the regular expression (once per file) */
function lowercaseFrom(text, start) {
    if (start >= text.length)
        return false;
    for (let i = start; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c < 0x61 || c > 0x7a)
            return false;
    }
    return true;
}
/** /^[A-Za-z0-9:\-_.\\@]+$/ on text.slice(0, end) (end > 0), likewise */
function validStemUpTo(text, end) {
    for (let i = 0; i < end; i++) {
        const c = text.charCodeAt(i);
        const letter = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
        const digit = c >= 0x30 && c <= 0x39;
        // : - _ . \ @
        if (!letter &&
            !digit &&
            c !== 0x3a &&
            c !== 0x2d &&
            c !== 0x5f &&
            c !== 0x2e &&
            c !== 0x5c &&
            c !== 0x40)
            return false;
    }
    return true;
}
/** Parses and validates a unit name (unit_name_is_valid()); undefined when systemd would reject it. */
function parseUnitName(name) {
    if (name.length === 0 || name.length >= UNIT_NAME_MAX)
        return undefined;
    const dot = lastIndexOfCode(name, 0x2e);
    if (dot <= 0)
        return undefined;
    if (!lowercaseFrom(name, dot + 1) || !validStemUpTo(name, dot))
        return undefined;
    const type = name.slice(dot + 1);
    const stem = name.slice(0, dot);
    const at = stem.indexOf('@');
    if (at === 0)
        return undefined;
    if (at < 0) {
        return { name, stem, prefix: stem, instance: '', type, isTemplate: false, isInstance: false };
    }
    // the instance may hold more '@' (foo@a@b.service is foo@.service's instance a@b): systemd splits
    // at the first one (unit_name_is_valid, unit_name_to_instance)
    const instance = stem.slice(at + 1);
    return {
        name,
        stem,
        prefix: stem.slice(0, at),
        instance,
        type,
        isTemplate: instance === '',
        isInstance: instance !== ''
    };
}
/** The template an instance is made from (foo@.service for foo@bar.service); undefined otherwise. */
function templateOf(unit) {
    return unit.isInstance ? `${unit.prefix}@.${unit.type}` : undefined;
}
/** The unit as loaded from the directory entry `fragment` (withFragment(foo@x, 'foo@x.service')). */
function withFragment(unit, fragment) {
    return fragment === (templateOf(unit) ?? unit.name) ? unit : { ...unit, fragment };
}
/** A template's instance, undefined when that is no valid unit name (too long). */
function instanceOf(template, instance) {
    return parseUnitName(`${template.prefix}@${instance}.${template.type}`);
}
/** A template's instance, kept even when its name is too long (for drop-in lookups by name). */
function instantiate(template, instance) {
    return (instanceOf(template, instance) ?? {
        ...template,
        name: `${template.prefix}@${instance}.${template.type}`,
        instance,
        isTemplate: false,
        isInstance: true
    });
}
/**
 * unit_name_unescape(): '-' becomes '/', \xNN is decoded; null (EINVAL) for any other backslash,
 * which makes %I, %P, %J and %f fail (found by a helper's probes at all seven builds). A decoded
 * \x00 ends the C string: `a\x00b` unescapes to `a` (User=%I of u@a\x00b.service is User=a).
 */
function unescapeUnitName(text) {
    let out = '';
    for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (c === '-')
            out += '/';
        else if (c === '\\') {
            if (text[i + 1] !== 'x' || !/^[0-9a-fA-F]{2}$/.test(text.slice(i + 2, i + 4)))
                return null;
            out += escapedByte(parseInt(text.slice(i + 2, i + 4), 16));
            i += 3;
        }
        else
            out += c;
    }
    const nul = out.indexOf('\0');
    return nul < 0 ? out : out.slice(0, nul);
}
/**
 * unit_name_path_unescape() (%f): "-" is "/"; otherwise the unescaped name, which must not start or
 * end with '/', after a '/' that makes a normalized path (no '.', '..' or '//'); else null.
 */
function unescapePath(text) {
    if (text === '')
        return null;
    if (text === '-')
        return '/';
    const unescaped = unescapeUnitName(text);
    if (unescaped === null || unescaped.startsWith('/') || unescaped.endsWith('/'))
        return null;
    // prefixed with '/' again (nothing before a \x00 gives "/"), it must be path_is_normalized()
    const path = '/' + unescaped;
    return isNormalizedPath(path) ? path : null;
}
/**
 * systemd would abort while loading the unit: %J of a unit whose prefix ends with '-'
 * (`foo-.service`, `foo-@x.service`) is empty, specifier_string() gives NULL for it, and
 * unit_name_unescape(NULL) fails an assertion (every build from 252 to 262, wherever a value is
 * expanded at load). Thrown, as systemd aborts: the unit's load ends there (see unread-expansions.ts
 * for the settings the gate does not read).
 */
class SpecifierAbort extends Error {
    constructor(unit, version) {
        super(`systemd ${version} aborts while loading this unit: %J of ${unit.name} is empty (its prefix ` +
            `'${unit.prefix}' ends with '-'), which fails an assertion in unit_name_unescape(); ` +
            `systemd-analyze security crashes on it`);
    }
}
/** %J of this unit would make systemd abort (SpecifierAbort). */
const hasEmptyLastComponent = (unit) => unit.prefix.endsWith('-');
const POSSIBLE_SPECIFIERS = /[0-9A-Za-z]/;
/** %D (the data directory) is known from this version (NEWS 256; 252 and 254 refuse it). */
const DATA_DIRECTORY_SPECIFIER = 256;
/**
 * %d (credentials directory), %y/%Y (unit file path, directory) and %q (pretty host name) are known
 * from 251 (merged for it in 2022; before, unit_full_printf() fails on them as on any unknown letter).
 */
const SPECIFIERS_251 = 251;
/**
 * Values for a system unit analysed offline. Host-dependent ones are placeholders of the right shape.
 * undefined: no such specifier; null: the specifier fails for this unit (%f of an instance `..`).
 */
function specifierValue(letter, unit, version) {
    const prefixLastDash = unit.prefix.lastIndexOf('-');
    const jPart = prefixLastDash >= 0 ? unit.prefix.slice(prefixLastDash + 1) : unit.prefix;
    switch (letter) {
        case 'n':
            return unit.name;
        case 'N':
            return unit.stem;
        case 'p':
            return unit.prefix;
        case 'P':
            return unescapeUnitName(unit.prefix);
        case 'i':
            return unit.instance;
        case 'I':
            return unescapeUnitName(unit.instance);
        case 'j':
            return jPart;
        case 'J':
            if (jPart === '')
                throw new SpecifierAbort(unit, version);
            return unescapeUnitName(jPart);
        case 'f':
            return unescapePath(unit.instance || unit.prefix);
        case 'u':
            return unit.managerUser?.name ?? 'root';
        case 'g':
            return unit.managerUser?.group ?? 'root';
        case 'U':
            return String(unit.managerUser?.uid ?? 0);
        case 'G':
            return String(unit.managerUser?.gid ?? 0);
        case 'h':
            return unit.managerUser?.home ?? '/root';
        case 's':
            return '/bin/sh';
        case 't':
            return '/run';
        case 'S':
            return '/var/lib';
        case 'C':
            return '/var/cache';
        case 'L':
            return '/var/log';
        case 'E':
            return '/etc';
        case 'T':
            return '/tmp';
        case 'V':
            return '/var/tmp';
        case 'D':
            return version >= DATA_DIRECTORY_SPECIFIER ? '/usr/share' : undefined;
        case 'd':
            return version >= SPECIFIERS_251 ? `/run/credentials/${unit.name}` : undefined;
        case 'y':
            return version >= SPECIFIERS_251
                ? `/etc/systemd/system/${unit.fragment ?? templateOf(unit) ?? unit.name}`
                : undefined;
        case 'Y':
            return version >= SPECIFIERS_251 ? '/etc/systemd/system' : undefined;
        case 'c':
            return `/system.slice/${unit.name}`;
        case 'r':
        case 'R':
            return '';
        case 'q':
            return version >= SPECIFIERS_251 ? 'localhost' : undefined;
        case 'H':
        case 'l':
            return 'localhost';
        case 'm':
        case 'b':
            return '0123456789abcdef0123456789abcdef';
        case 'a':
            return 'x86-64';
        case 'o':
            return 'debian';
        case 'w':
            return '12';
        case 'v':
            return '6.1.0';
        case 'A':
        case 'B':
        case 'M':
        case 'W':
            return '';
        default:
            return undefined;
    }
}
/** unit_path_printf()'s limit: a path setting expanded to more than PATH_MAX - 1 bytes fails. */
const PATH_PRINTF_MAX = 4095;
/**
 * expandSpecifiers() for a path (unit_path_printf()): a result over PATH_PRINTF_MAX bytes is an
 * error, fatal or ignored as a failed specifier is for the same setting (read off 252-262:
 * RootDirectory= of 4,096 bytes refuses the unit, a ReadWritePaths= entry of 4,096 is skipped).
 */
function expandPathSpecifiers(text, unit, version) {
    const expanded = expandSpecifiers(text, unit, version);
    // a UTF-16 unit is at most 3 bytes in UTF-8: a short path needs no encoding
    if ('error' in expanded || expanded.value.length * 3 <= PATH_PRINTF_MAX)
        return expanded;
    return byteLength(expanded.value) > PATH_PRINTF_MAX
        ? { error: `a path over ${PATH_PRINTF_MAX} bytes` }
        : expanded;
}
/** specifier_printf(): expands %x; an unknown letter or digit is an error, other characters stay. */
function expandSpecifiers(text, unit, version) {
    if (!text.includes('%'))
        return { value: text };
    let out = '';
    for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (c !== '%') {
            out += c;
            continue;
        }
        const next = text[i + 1];
        if (next === undefined) {
            out += '%';
            break;
        }
        i++;
        if (next === '%') {
            out += '%';
            continue;
        }
        const value = specifierValue(next, unit, version);
        if (value === null)
            return { error: `%${next} cannot be expanded for ${unit.name}` };
        if (value !== undefined)
            out += value;
        else if (POSSIBLE_SPECIFIERS.test(next))
            return { error: `unknown specifier %${next}` };
        else
            out += '%' + next;
    }
    return { value: out };
}

/** Comment lines kept per file (for inline exceptions); a file may hold millions. */
const MAX_KEPT_COMMENTS = 10_000;
/** Problems listed per file: a file may hold millions of bad lines. */
const MAX_LISTED_PROBLEMS = 1_000;
/**
 * Appends `item` while `list` holds fewer than `max` items; the next one is replaced by `more(item)`,
 * which says that the rest are not listed, and later ones are dropped.
 */
function appendBounded(list, item, max, more) {
    if (list.length < max)
        list.push(item);
    else if (list.length === max)
        list.push(more(item));
}
function addWarning(result, warning) {
    appendBounded(result.warnings, warning, MAX_LISTED_PROBLEMS, ({ line }) => ({
        line,
        message: `more than ${MAX_LISTED_PROBLEMS} lines systemd ignores: the rest are not listed`
    }));
}
/** systemd's LONG_LINE_MAX: a physical line of this many bytes or more makes the file fail to load. */
const LONG_LINE_MAX = 1024 * 1024;
const LF = 10;
const CR = 13;
const NUL = 0;
const UTF8_BOM = '\uFEFF';
const UTF8_BOM_BYTES = 3;
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenientDecoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
function eolKind(code) {
    return code === LF ? 1 : code === CR ? 2 : code === NUL ? 4 : 0;
}
/**
 * Splits into physical lines like systemd's read_line(): LF, CR and NUL each end a line, and a run of
 * them is one break as long as no kind repeats and nothing follows a NUL.
 */
function* splitLineRanges(length, codeAt) {
    let start = 0;
    let i = 0;
    while (i < length) {
        const kind = eolKind(codeAt(i));
        if (kind === 0) {
            i++;
            continue;
        }
        yield [start, i];
        let seen = kind;
        i++;
        while (i < length && (seen & 4) === 0) {
            const next = eolKind(codeAt(i));
            if (next === 0 || (seen & next) !== 0)
                break;
            seen |= next;
            i++;
        }
        start = i;
    }
    if (start < length)
        yield [start, length];
}
function isSystemdValidUtf8(text) {
    return !hasNoncharacter(text);
}
/**
 * Feeds the physical lines to `take` (text, systemd-valid UTF-8, length in bytes) until it returns
 * false. The usual file (UTF-8, LF only, no noncharacter, under LONG_LINE_MAX) is split in one go;
 * its lines are all valid and none can reach the limit, so their byte lengths are not counted.
 */
function eachPhysicalLine(bytes, take) {
    let whole;
    try {
        whole = strictDecoder.decode(bytes);
    }
    catch {
        whole = undefined;
    }
    if (whole !== undefined) {
        const text = whole;
        if (bytes.length < LONG_LINE_MAX && !OTHER_BREAKS.test(text) && !hasNoncharacter(text)) {
            const lines = text.split('\n');
            const count = text.endsWith('\n') ? lines.length - 1 : lines.length;
            for (let i = 0; i < count; i++)
                if (!take(lines[i], true, 0))
                    return;
            return;
        }
        for (const [s, e] of splitLineRanges(text.length, (i) => text.charCodeAt(i))) {
            const line = text.slice(s, e);
            if (!take(line, isSystemdValidUtf8(line), byteLength(line)))
                return;
        }
        return;
    }
    // Some bytes are not UTF-8: decide line by line, since invalid bytes in comments are harmless.
    // The lenient decoder marks invalid bytes with U+FFFD; the strict one (which throws, slowly) is only
    // needed when the line also holds a real U+FFFD.
    for (const [s, e] of splitLineRanges(bytes.length, (i) => bytes[i])) {
        const raw = bytes.subarray(s, e);
        const line = lenientDecoder.decode(raw);
        let valid = isSystemdValidUtf8(line);
        if (valid && line.includes('\uFFFD') && !(hasEncodedReplacement(raw) && strictlyDecodes(raw))) {
            valid = false;
        }
        if (!take(line, valid, raw.length))
            return;
    }
}
/** Line ends other than LF (CR and NUL also end a line for systemd). */
const OTHER_BREAKS = /[\r\0]/;
/** Whether the bytes hold an encoded U+FFFD (EF BF BD). */
function hasEncodedReplacement(raw) {
    for (let i = raw.indexOf(0xef); i >= 0 && i + 2 < raw.length; i = raw.indexOf(0xef, i + 1)) {
        if (raw[i + 1] === 0xbf && raw[i + 2] === 0xbd)
            return true;
    }
    return false;
}
function strictlyDecodes(raw) {
    try {
        strictDecoder.decode(raw);
        return true;
    }
    catch {
        return false;
    }
}
/** space, tab, LF, CR: the characters systemd's strstrip() removes */
const isStripped = (code) => code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
/** systemd's strstrip(): trims space, tab, CR and LF (not other Unicode spaces). */
function strstrip(text) {
    let start = 0;
    let end = text.length;
    while (start < end && isStripped(text.charCodeAt(start)))
        start++;
    while (end > start && isStripped(text.charCodeAt(end - 1)))
        end--;
    return start === 0 && end === text.length ? text : text.slice(start, end);
}
function skipLeadingWhitespace(text) {
    let start = 0;
    while (start < text.length && isStripped(text.charCodeAt(start)))
        start++;
    return start === 0 ? text : text.slice(start);
}
/** systemd's string_is_glob(): whether the text holds `*`, `?` or `[`. */
const isGlob = (text) => /[*?[]/.test(text);
/** systemd's string_is_safe(): no control characters, quotes or backslashes. */
function stringIsSafe(text) {
    for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if ((c > 0 && c < 32) || c === 0x7f || c === 0x22 || c === 0x27 || c === 0x5c)
            return false;
    }
    return true;
}
/** Whether systemd's escape scan ends "escaped": the text ends in an odd run of backslashes. */
function endsWithOddBackslashes(text) {
    let run = 0;
    while (run < text.length && text.charCodeAt(text.length - 1 - run) === 0x5c)
        run++;
    return run % 2 === 1;
}
/**
 * From here a section name that is empty or holds a glob character (`*`, `?`, `[`) makes the file
 * fail to load: seen in 261 and 262, not in 259 (260 unverified, follows 259); `]` stays allowed.
 */
const SECTION_NAME_GLOB_REFUSED = 261;
/** a service unit's sections (one array, not one per file parsed) */
const SERVICE_SECTIONS = ['Unit', 'Service', 'Install'];
/**
 * Parses one unit file or drop-in. `knownSections` are the sections this unit type understands
 * (for a service: Unit, Service, Install); lines in any other section are skipped. `version`: the
 * systemd whose header rules apply (undefined: the oldest's).
 */
function parseUnitText(bytes, knownSections = SERVICE_SECTIONS, version) {
    const globsRefused = version !== undefined && version >= SECTION_NAME_GLOB_REFUSED;
    const result = {
        assignments: [],
        sectionLines: {},
        comments: [],
        warnings: [],
        lineCount: 0,
        continued: []
    };
    let section;
    let sectionIgnored = false;
    let bomSeen = false;
    /** a continued line so far: its pieces (each final backslash already turned into a space) */
    let continuation;
    const parseLogicalLine = (raw, valid, line) => {
        const l = strstrip(raw);
        if (l.length === 0)
            return true;
        if (!valid) {
            result.fatal = { line, message: 'line is not valid UTF-8; systemd refuses the file' };
            return false;
        }
        if (l.startsWith('[')) {
            if (!l.endsWith(']') || l.length < 2) {
                result.fatal = { line, message: `invalid section header '${l}'` };
                return false;
            }
            const name = l.slice(1, -1);
            if (!stringIsSafe(name)) {
                result.fatal = { line, message: `bad characters in section header '${l}'` };
                return false;
            }
            if (globsRefused && (name === '' || isGlob(name))) {
                result.fatal = { line, message: `invalid section name in header '${l}'` };
                return false;
            }
            const known = knownSections.indexOf(name);
            if (known >= 0) {
                // the table's own string, not the slice: each assignment's section is compared with the
                // directive tables' literals, and a slice would make every comparison a slow runtime call
                section = knownSections[known];
                sectionIgnored = false;
                result.sectionLines[section] ??= line;
            }
            else {
                section = undefined;
                sectionIgnored = true;
                if (!name.startsWith('X-')) {
                    addWarning(result, {
                        line,
                        message: `unknown section [${name}]: its lines are ignored`
                    });
                }
            }
            return true;
        }
        if (section === undefined) {
            if (!sectionIgnored) {
                addWarning(result, { line, message: 'assignment outside of any section is ignored' });
            }
            return true;
        }
        const eq = l.indexOf('=');
        if (eq < 0) {
            addWarning(result, { line, message: "missing '=': line ignored" });
            return true;
        }
        if (eq === 0) {
            addWarning(result, { line, message: "missing key name before '=': line ignored" });
            return true;
        }
        result.assignments.push({
            section,
            key: strstrip(l.slice(0, eq)),
            value: strstrip(l.slice(eq + 1)),
            line
        });
        return true;
    };
    let lineNumber = 0;
    let stopped = false;
    eachPhysicalLine(bytes, (physicalText, physicalValid, physicalBytes) => {
        lineNumber++;
        result.lineCount = lineNumber;
        if (physicalBytes >= LONG_LINE_MAX) {
            result.fatal = {
                line: lineNumber,
                message: 'line longer than 1 MiB; systemd refuses the file'
            };
            return !(stopped = true);
        }
        const stripped = skipLeadingWhitespace(physicalText);
        if (stripped.length > 0 && (stripped[0] === '#' || stripped[0] === ';')) {
            // a file of millions of comment lines keeps the first ones (inline exceptions are read there)
            if (result.comments.length < MAX_KEPT_COMMENTS) {
                result.comments.push({ line: lineNumber, text: stripped });
            }
            return true;
        }
        let text = physicalText;
        let textBytes = physicalBytes;
        if (!bomSeen && text.startsWith(UTF8_BOM)) {
            text = text.slice(1);
            textBytes = Math.max(0, textBytes - UTF8_BOM_BYTES);
            bomSeen = true;
        }
        // Bytes, not UTF-16 units: systemd compares strlen() of the joined text with LONG_LINE_MAX.
        if (continuation && continuation.bytes + textBytes > LONG_LINE_MAX) {
            result.fatal = {
                line: lineNumber,
                message: 'continued line longer than 1 MiB; systemd refuses the file'
            };
            return !(stopped = true);
        }
        // systemd scans the whole joined text for a final unescaped backslash; since the text joined so
        // far ends in the space that replaced a backslash, only this piece's trailing run can matter.
        const continues = endsWithOddBackslashes(text);
        const piece = continues ? text.slice(0, -1) + ' ' : text;
        if (!continuation && !continues) {
            // the usual line: no continuation object
            if (!parseLogicalLine(piece, physicalValid, lineNumber))
                return !(stopped = true);
            return true;
        }
        let logical;
        if (continuation) {
            continuation.parts.push(piece);
            continuation.bytes += textBytes;
            continuation.valid &&= physicalValid;
            logical = continuation;
        }
        else {
            logical = { parts: [piece], valid: physicalValid, line: lineNumber, bytes: textBytes };
        }
        if (continues) {
            continuation = logical;
            return true;
        }
        continuation = undefined;
        if (logical.line < lineNumber)
            result.continued.push([logical.line, lineNumber]);
        if (!parseLogicalLine(logical.parts.join(''), logical.valid, logical.line)) {
            return !(stopped = true);
        }
        return true;
    });
    if (stopped)
        return result;
    if (continuation) {
        result.continued.push([continuation.line, lineNumber]);
        result.openAtEnd = true;
        parseLogicalLine(continuation.parts.join(''), continuation.valid, continuation.line);
    }
    return result;
}

/**
 * RootImagePolicy=, MountImagePolicy=, ExtensionImagePolicy= (config_parse_image_policy): a value
 * image_policy_from_string() rejects makes the unit fail to load, in the unit file as for User=.
 * The gate scores nothing from these settings; it only has to know when systemd refuses them.
 */
/** The three settings exist from 254 (systemd 252 ignores them as unknown keys). */
const IMAGE_POLICIES = 254;
/**
 * From 259 an unknown partition name or flag is skipped (read off 259, 261 and 262; 254, 255 and
 * 257 refuse the unit; 258 unverified, follows 257). A repeated rule, a rule without '=' and an
 * empty rule are refused in every version.
 */
const GRACEFUL_IMAGE_POLICY = 259;
/** partition_designator_from_string()'s names (also the PARTITION of MountImages= options) */
const DESIGNATORS = new Set([
    'root',
    'usr',
    'home',
    'srv',
    'esp',
    'xbootldr',
    'swap',
    'root-verity',
    'usr-verity',
    'root-verity-sig',
    'usr-verity-sig',
    'tmp',
    'var'
]);
const FLAGS = new Set([
    'verity',
    'signed',
    'encrypted',
    'unprotected',
    'unused',
    'absent',
    'open',
    'ignore',
    'read-only-on',
    'read-only-off',
    'growfs-on',
    'growfs-off'
]);
/** Splits as extract_first_word(EXTRACT_DONT_COALESCE_SEPARATORS) does: no quotes, '\x' is x. */
const SPLIT = { unquote: false, escapes: 'literal', coalesce: false };
/** Why systemd `version` refuses the policy, or undefined when it takes it. */
function imagePolicyError(value, version) {
    // the symbolic policies ("" is a reset, handled by the caller)
    if (value === '' || value === '-' || value === '*' || value === '~')
        return undefined;
    const graceful = version >= GRACEFUL_IMAGE_POLICY;
    const seen = new Set();
    let start = 0;
    for (;;) {
        const rule = extractSeparatedWord(value, start, ':', SPLIT);
        if (rule === 'end')
            return undefined;
        if (rule === 'error')
            return 'a backslash at the end';
        start = rule.next;
        const name = extractSeparatedWord(rule.word, 0, '=', SPLIT);
        if (name === 'error')
            return 'a backslash at the end';
        if (name === 'end' || name.endedBy === undefined) {
            return rule.word === '' ? 'an empty rule' : `'${rule.word}' has no '='`;
        }
        const designator = strstrip(name.word);
        if (designator !== '' && !DESIGNATORS.has(designator)) {
            if (graceful)
                continue;
            return `'${designator}' is not a partition name (from ${GRACEFUL_IMAGE_POLICY} it is skipped)`;
        }
        if (seen.has(designator)) {
            return designator === ''
                ? 'the default rule (=...) is given twice'
                : `two rules for '${designator}'`;
        }
        seen.add(designator);
        const flags = strstrip(rule.word.slice(name.next ?? rule.word.length));
        if (flags === '' || flags === '-')
            continue;
        let at = 0;
        for (;;) {
            const flag = extractSeparatedWord(flags, at, '+', SPLIT);
            if (flag === 'end')
                break;
            if (flag === 'error')
                return 'a backslash at the end';
            at = flag.next;
            const word = strstrip(flag.word);
            if (!FLAGS.has(word) && !graceful) {
                return `'${word}' is not a partition policy flag (from ${GRACEFUL_IMAGE_POLICY} it is skipped)`;
            }
        }
    }
}

/**
 * valid_user_group_name() with VALID_USER_RELAX | VALID_USER_ALLOW_NUMERIC (User=, Group=), which
 * wants valid UTF-8 (a `%I` of `\xff` is no name).
 */
function isValidUserOrGroup(name) {
    if (name.length === 0 || !isValidUtf8Value(name))
        return false;
    if (/^[0-9]+$/.test(name)) {
        if (name.length > 1 && name.startsWith('0'))
            return false;
        const id = Number(name);
        return id <= 4294967294 && id !== 65535;
    }
    // a dash and digits only, "-" itself too (in_charset() holds for the empty rest)
    if (/^-[0-9]*$/.test(name))
        return false;
    if (name === '.' || name === '..')
        return false;
    if (name.includes(':') || name.includes('/'))
        return false;
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is rejected
    if (/[\x00-\x1f\x7f]/.test(name))
        return false;
    // an ASCII space at either end (other white space, such as U+00A0, is allowed there)
    if (name.startsWith(' ') || name.endsWith(' '))
        return false;
    return true;
}
/** valid_user_group_name() strict mode: what a DynamicUser= default name must satisfy. */
function isStrictUserName(name) {
    return /^[A-Za-z_][A-Za-z0-9_-]{0,30}$/.test(name);
}
/** path_simplify(): collapses '//', drops '.' components and a trailing '/'. */
function simplifyPath(path) {
    if (isSimplePath(path))
        return path;
    const absolute = path.startsWith('/');
    const parts = path.split('/').filter((part) => part !== '' && part !== '.');
    const joined = parts.join('/');
    if (absolute)
        return '/' + joined;
    return joined === '' ? '.' : joined;
}
/** Whether path_simplify() leaves the path as it is: no '//', no '.' name, no final '/' (but '/'). */
function isSimplePath(path) {
    if (path === '/')
        return true;
    const length = path.length;
    if (length === 0)
        return false;
    let nameStart = path.charCodeAt(0) === SLASH$2 ? 1 : 0;
    for (let i = nameStart; i <= length; i++) {
        if (i < length && path.charCodeAt(i) !== SLASH$2)
            continue;
        // an empty name ('//', a final '/') or a '.' name: path_simplify() changes the path
        if (i === nameStart || (i === nameStart + 1 && path.charCodeAt(nameStart) === DOT))
            return false;
        nameStart = i + 1;
    }
    return true;
}
const SLASH$2 = 0x2f;
const DOT = 0x2e;
/**
 * From here path_simplify() drops the '..' right after the root (`/..` is `/`): 255, 257, 259, 261
 * and 262 take `RootDirectory=/../srv` as /srv, `ReadOnlyPaths=/../srv`, `DeviceAllow=/../dev/null`
 * and the like; 252 and 254 refuse or skip them. A '..' after another name still makes no path.
 */
const LEADING_DOT_DOT_DROPPED = 255;
/** An absolute path without the '..' (and '.') that come before its first name, from 255. */
function withoutLeadingDotDot(path, version) {
    if (version === undefined || version < LEADING_DOT_DOT_DROPPED || !path.startsWith('/')) {
        return path;
    }
    let start = 1;
    for (;;) {
        const end = path.indexOf('/', start);
        const part = path.slice(start, end < 0 ? path.length : end);
        if (part !== '' && part !== '.' && part !== '..')
            break;
        if (end < 0)
            return '/';
        start = end + 1;
    }
    return start === 1 ? path : '/' + path.slice(start);
}
/**
 * An absolute path without '..' after simplification (RootDirectory=, RootImage=, ...); with the
 * systemd version, as that version simplifies it (withoutLeadingDotDot()). Valid UTF-8 without
 * noncharacters once unescaped: path_simplify_and_warn() checks utf8_is_valid() first, so a path
 * with `\x80` (where escapes are decoded) or a `%I` of `\xff` is none (a helper's probes, all builds).
 */
function isAbsoluteNormalPath(path, version) {
    const simple = withoutLeadingDotDot(path, version);
    return (simple.startsWith('/') &&
        !hasDotDot(simple) &&
        !hasOverlongComponent(simple) &&
        isValidUtf8Value(path));
}
/**
 * A path setting's value: specifiers expanded, then an absolute path without '..', simplified
 * (path_simplify_and_warn() with PATH_CHECK_ABSOLUTE); else why not.
 */
function absolutePathOf(value, unit, version) {
    const expanded = expandPathSpecifiers(value, unit, version);
    if ('error' in expanded)
        return { error: `${expanded.error} in '${value}'` };
    return expandedAbsolutePath(expanded.value, version);
}
/**
 * The words of a path list systemd skips: a word is taken when it is an absolute path once `prefixes`
 * are stripped; with `options` a word is PATH:OPTIONS (TemporaryFileSystem=; elsewhere a ':' is part
 * of the path), split as extract_first_word(":", DONT_COALESCE) does: a backslash makes the next
 * character literal, and one at the end skips the entry (`/srv/x\\`, found by a helper's probes at
 * 257-262). Every word is read, not just up to the first path: systemd expands them all (%J can
 * abort it).
 */
function pathListWords(value, prefixes, options, unit, version) {
    const skipped = [];
    let taken = 0;
    for (const word of extractWords(value, { unquote: true }).words) {
        const unprefixed = word.replace(prefixes, '');
        const path = options ? firstField(unprefixed) : unprefixed;
        if (path !== undefined && !('error' in absolutePathOf(path, unit, version)))
            taken++;
        else
            skipped.push(word);
    }
    return { taken, skipped };
}
/** PATH of PATH:OPTIONS (TemporaryFileSystem=), undefined when the split fails */
function firstField(word) {
    const field = extractSeparatedWord(word, 0, ':', { unquote: false, escapes: 'literal' });
    return field === 'error' ? undefined : field === 'end' ? '' : field.word;
}
/** absolutePathOf() after the specifiers are expanded. */
function expandedAbsolutePath(path, version) {
    if (!isAbsoluteNormalPath(path, version)) {
        return {
            error: `'${path}' is not an absolute path without '..' and without a name over 255 bytes`
        };
    }
    return { path: simplifyPath(withoutLeadingDotDot(path, version)) };
}
/**
 * A setting read by config_parse_unit_path_printf() (RootDirectory=, RootImage=, RootVerity=,
 * RootMStack=, NetworkNamespacePath=, IPCNamespacePath=, UserNamespacePath=): the specifiers are
 * expanded first, and an empty result unsets the setting as an empty value does (`RootDirectory=%A`
 * where the OS image version is empty: found by a helper's probes at all seven builds).
 */
function unitPathOf(value, unit, version) {
    if (value === '')
        return { unset: true };
    const expanded = expandPathSpecifiers(value, unit, version);
    if ('error' in expanded)
        return { error: `${expanded.error} in '${value}'` };
    if (expanded.value === '')
        return { unset: true };
    return expandedAbsolutePath(expanded.value, version);
}
/** valid_device_node_path() after simplification: /dev or /run/systemd/inaccessible, no '..'. */
function isDeviceNodePath(path, version) {
    const dropped = withoutLeadingDotDot(path, version);
    if (hasDotDot(dropped) || !isValidUtf8Value(path))
        return false;
    const simple = simplifyPath(dropped);
    return (simple === '/dev' ||
        simple.startsWith('/dev/') ||
        simple === '/run/systemd/inaccessible' ||
        simple.startsWith('/run/systemd/inaccessible/'));
}
/** filename_is_valid(): a single path component. */
function isValidFilename(name) {
    return (name.length > 0 &&
        // 255 bytes, not UTF-16 units (a UTF-16 unit is at most 3 bytes: only a long name needs encoding)
        (name.length <= 85 || byteLength(name) <= 255) &&
        name !== '.' &&
        name !== '..' &&
        !name.includes('/'));
}
/** credential_name_valid(): printable ASCII without '/' or ':'; not '.' or '..'. */
function isValidCredentialName(name) {
    return (name.length > 0 &&
        name.length <= 255 &&
        name !== '.' &&
        name !== '..' &&
        /^[\x20-\x7e]+$/.test(name) &&
        !name.includes('/') &&
        !name.includes(':'));
}
const HOST_NAME_MAX = 64;
/**
 * hostname_is_valid() without flags (ProtectHostname=yes:NAME): labels of letters, digits and inner
 * hyphens, joined by single dots, no trailing dot, at most 64 characters.
 */
function isValidHostname(name) {
    if (name === '' || name.length > HOST_NAME_MAX)
        return false;
    let afterDot = true;
    let afterHyphen = true;
    for (let i = 0; i < name.length; i++) {
        const c = name.charCodeAt(i);
        if (c === 0x2e /* . */) {
            if (afterDot || afterHyphen)
                return false;
            afterDot = true;
            afterHyphen = false;
        }
        else if (c === 0x2d /* - */) {
            if (afterDot)
                return false;
            afterHyphen = true;
        }
        else if ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) {
            afterDot = afterHyphen = false;
        }
        else {
            return false;
        }
    }
    return !afterDot && !afterHyphen;
}
/** The longest LogNamespace= systemd takes (read off 257 and 262: 222 characters, not 223). */
const LOG_NAMESPACE_MAX = 222;
/**
 * log_namespace_name_valid() as systemd-analyze applies it (read off 257 and 262): letters, digits and
 * ":-_.@", at most 222 characters, not "." or "..".
 */
function isValidLogNamespace(name) {
    return (name.length > 0 &&
        name.length <= LOG_NAMESPACE_MAX &&
        name !== '.' &&
        name !== '..' &&
        /^[A-Za-z0-9:_.@-]+$/.test(name));
}
/** A relative path without '..' that is not '.' after simplification (PATH_CHECK_RELATIVE). */
function isRelativeNormalPath(path) {
    return (!path.startsWith('/') &&
        !hasDotDot(path) &&
        simplifyPath(path) !== '.' &&
        isValidUtf8Value(path));
}
/**
 * What an exec directory value adds (execDirectoryEntries()), as bits: entries, a read-only one, one
 * too long to join to its directory.
 */
const EXEC_DIRECTORY_NONE = 0;
const EXEC_DIRECTORY_ENTRY = 1;
const EXEC_DIRECTORY_READ_ONLY = 2;
const EXEC_DIRECTORY_TOO_LONG = 4;
const EXEC_DIRECTORY_ALL = 7;
/** path_is_valid()'s total limit: a path of PATH_MAX (4,096) bytes or more is no path. */
function isOverPathMax(path) {
    // a UTF-16 unit is at most 3 bytes in UTF-8: only a path of over 1,365 units needs encoding
    return path.length > 1365 && byteLength(path) >= 4096;
}
/**
 * Whether `name`, joined to the directory `prefix` (/var/lib for StateDirectory=), makes a path
 * systemd refuses to require mounts for (all seven builds refuse a StateDirectory= of 4,087 bytes
 * and load one of 4,086).
 */
function tooLongUnder(prefix, name) {
    return isOverPathMax(`${prefix}/${name}`);
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
function execDirectoryEntries(value, configuration, prefix, unit, version) {
    let found = EXEC_DIRECTORY_NONE;
    let position = 0;
    for (;;) {
        // words keep their backslashes here (EXTRACT_RETAIN_ESCAPE): the split below decodes them
        const word = extractFirstWord(value, position, { unquote: true, retainEscape: true });
        if (word === undefined || 'error' in word)
            return found;
        position = word.next;
        const parts = splitDirectoryEntry(word.word, version);
        if (parts === undefined)
            return found;
        const [name, link, flags] = parts;
        const expanded = expandPathSpecifiers(name, unit, version);
        if ('error' in expanded || !isRelativeNormalPath(expanded.value))
            continue;
        const simple = simplifyPath(expanded.value);
        if (simple === 'private' || simple.startsWith('private/'))
            continue;
        if (link !== undefined && link !== '') {
            if (configuration)
                continue;
            const target = expandPathSpecifiers(link, unit, version);
            if ('error' in target || !isRelativeNormalPath(target.value))
                continue;
        }
        if (flags !== undefined && flags !== '' && flags !== 'ro')
            continue;
        found |= flags === 'ro' ? EXEC_DIRECTORY_ENTRY | EXEC_DIRECTORY_READ_ONLY : EXEC_DIRECTORY_ENTRY;
        if (prefix !== undefined && tooLongUnder(prefix, simple))
            found |= EXEC_DIRECTORY_TOO_LONG;
        // nothing left to learn, unless a later entry can make systemd abort (%J)
        if (found === EXEC_DIRECTORY_ALL && !hasEmptyLastComponent(unit))
            return found;
    }
}
/**
 * From here an exec directory entry is split without coalescing its ':' (`:x` is an empty NAME and
 * LINK x; up to 255 it is NAME x, and `a::b` is LINK b): read off 252-262 with `StateDirectory=:%J`
 * of a unit that makes %J abort (255 aborts, 257 does not; 256 unverified, follows 255).
 */
const EXEC_DIRECTORY_SEPARATORS_KEPT = 257;
/**
 * extract_many_words(":", CUNESCAPE | UNESCAPE_SEPARATORS | DONT_COALESCE_SEPARATORS) for three
 * words: NAME, LINK and FLAGS (a later ':' is left unread); undefined on a bad escape.
 */
function splitDirectoryEntry(entry, version) {
    const coalesce = version < EXEC_DIRECTORY_SEPARATORS_KEPT;
    const options = { unquote: false, escapes: 'cunescape', coalesce, version };
    const name = extractSeparatedWord(entry, 0, ':', options);
    if (name === 'end' || name === 'error')
        return undefined;
    const link = extractSeparatedWord(entry, name.next, ':', options);
    if (link === 'error')
        return undefined;
    if (link === 'end')
        return [name.word, undefined, undefined];
    const flags = extractSeparatedWord(entry, link.next, ':', options);
    if (flags === 'error')
        return undefined;
    return [name.word, link.word, flags === 'end' ? undefined : flags.word];
}
/**
 * One PARTITION:OPTIONS pair of MountImages=, ExtensionImages= or RootImageOptions= from `at` (runs
 * of ':' are one, C escapes decoded): the options of a known partition, or a lone OPTIONS (the
 * root's), have their specifiers expanded (%J can make systemd abort). Where the next pair starts
 * (null: none), or 'error' on a bad escape.
 */
function readPartitionOptions(text, at, unit, version) {
    const options = { unquote: false, escapes: 'cunescape', coalesce: true, version };
    const partition = extractSeparatedWord(text, at, ':', options);
    if (partition === 'error')
        return 'error';
    if (partition === 'end')
        return null;
    const mountOptions = extractSeparatedWord(text, partition.next, ':', options);
    if (mountOptions === 'error')
        return 'error';
    if (mountOptions === 'end') {
        expandSpecifiers(partition.word, unit, version);
        return null;
    }
    if (DESIGNATORS.has(partition.word))
        expandSpecifiers(mountOptions.word, unit, version);
    return mountOptions.next;
}
/**
 * From here MountImages= and ExtensionImages= skip an image path below /proc or /sys, and
 * ExtensionImages= one below /dev too (PATH_CHECK_NON_API_VFS; 257, 259, 261 and 262 skip them,
 * 252, 254 and 255 take them; 256 unverified, follows 255).
 */
const IMAGE_PATHS_OUTSIDE_API_FILE_SYSTEMS = 257;
/** path_below_api_vfs() on a simplified path; with `devOk` (PATH_CHECK_NON_API_VFS_DEV_OK) /dev passes. */
function isBelowApiFileSystems(path, devOk) {
    return devOk ? /^\/(proc|sys)(\/|$)/.test(path) : /^\/(proc|sys|dev)(\/|$)/.test(path);
}
/** An image's SOURCE or DEST: an absolute path without '..', not below the API file systems (257). */
function isImagePath(path, devOk, unit, version) {
    const resolved = absolutePathOf(path, unit, version);
    if ('error' in resolved)
        return false;
    return (version < IMAGE_PATHS_OUTSIDE_API_FILE_SYSTEMS || !isBelowApiFileSystems(resolved.path, devOk));
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
function countImages(value, destination, unit, version) {
    const options = { unquote: false, escapes: 'cunescape', coalesce: true, version };
    let count = 0;
    let position = 0;
    for (;;) {
        const word = extractFirstWord(value, position, { unquote: true, retainEscape: true });
        if (word === undefined || 'error' in word)
            return count;
        position = word.next;
        const source = extractSeparatedWord(word.word, 0, ':', options);
        if (source === 'error')
            return count;
        if (source === 'end')
            continue;
        const path = source.word.startsWith('-') ? source.word.slice(1) : source.word;
        if (!isImagePath(path, destination, unit, version))
            continue;
        let rest = source.next;
        if (destination) {
            const target = extractSeparatedWord(word.word, source.next, ':', options);
            if (target === 'error')
                return count;
            if (target === 'end' || !isImagePath(target.word, true, unit, version))
                continue;
            rest = target.next;
        }
        // PARTITION:OPTIONS pairs, read once the paths are good: a bad escape in one (`nosuid\q`)
        // ends the whole value, this image included (257, 259, 262; an invalid partition name does not)
        for (let at = rest; at !== null;) {
            const next = readPartitionOptions(word.word, at, unit, version);
            if (next === 'error')
                return count;
            at = next;
        }
        count++;
    }
}

/**
 * From here an entry is a whole word split at ':' afterwards, and one that fails is skipped whole:
 * up to 257 the words are split at ':' and whitespace alike, so after a bad source its destination is
 * read as the next source (`x:/y` binds /y at 252, 254, 255 and 257, nothing at 259, 261 and 262;
 * 258 unverified, follows 257). The later splitting decodes C escapes, and an entry with an unknown
 * one (`\y`) is skipped; before, a backslash only made the next character literal.
 */
const BIND_PATHS_BY_WHOLE_ENTRY = 259;
const WHITESPACE$1 = ' \t\n\r';
/** The source, the destination or the options of an entry: whether systemd takes it. */
function validSource(source, unit, version) {
    const expanded = expandPathSpecifiers(source, unit, version);
    if ('error' in expanded)
        return false;
    const path = expanded.value.startsWith('-') ? expanded.value.slice(1) : expanded.value;
    return isAbsoluteNormalPath(path, version);
}
const validDestination = (destination, unit, version) => !('error' in absolutePathOf(destination, unit, version));
const validOptions = (options) => options === '' || options === 'rbind' || options === 'norbind';
/** Whether the value of a BindPaths= or BindReadOnlyPaths= assignment adds a bind mount. */
function addsBindMount(value, unit, version) {
    return bindEntries(value, unit, version).adds;
}
/** The value of a BindPaths= or BindReadOnlyPaths= assignment, read as systemd reads it. */
function bindEntries(value, unit, version) {
    const entries = { adds: false, skipped: [] };
    if (version >= BIND_PATHS_BY_WHOLE_ENTRY)
        wholeEntries(value, unit, version, entries);
    else
        wordByWord(value, unit, version, entries);
    return entries;
}
/**
 * Up to 257: source, destination and options read one after the other from the value. Every entry
 * is read, as systemd reads them all (an entry after a good one can still make it abort: %J).
 */
function wordByWord(value, unit, version, entries) {
    const separators = ':' + WHITESPACE$1;
    const flags = { unquote: true, escapes: 'literal' };
    let position = 0;
    for (;;) {
        const source = extractSeparatedWord(value, position, separators, flags);
        if (source === 'end' || source === 'error')
            return;
        position = source.next;
        if (!validSource(source.word, unit, version)) {
            entries.skipped.push(source.word);
            continue;
        }
        if (source.endedBy !== ':') {
            entries.adds = true;
            continue;
        }
        const destination = extractSeparatedWord(value, position, separators, flags);
        if (destination === 'error')
            return;
        if (destination === 'end')
            continue;
        position = destination.next;
        if (!validDestination(destination.word, unit, version)) {
            entries.skipped.push(destination.word);
            continue;
        }
        if (destination.endedBy !== ':') {
            entries.adds = true;
            continue;
        }
        // the options: one word up to whitespace (an ordinary extract_first_word, quotes removed)
        const options = extractSeparatedWord(value, position, WHITESPACE$1, { ...flags, coalesce: true });
        if (options === 'error')
            return;
        const text = options === 'end' ? '' : options.word;
        position = options === 'end' ? null : options.next;
        if (validOptions(text))
            entries.adds = true;
        else
            entries.skipped.push(text);
    }
}
/** From 259: each whitespace-separated word is one entry, split at ':' afterwards. */
function wholeEntries(value, unit, version, entries) {
    let position = 0;
    for (;;) {
        // words keep their backslashes here (EXTRACT_RETAIN_ESCAPE): the split below decodes them
        const entry = extractFirstWord(value, position, { unquote: true, retainEscape: true });
        if (entry === undefined || 'error' in entry)
            return;
        position = entry.next;
        const parts = [];
        let at = 0;
        let broken = false;
        while (at !== null && !broken) {
            const part = extractSeparatedWord(entry.word, at, ':', {
                unquote: false,
                escapes: 'cunescape',
                version
            });
            if (part === 'end')
                break;
            if (part === 'error')
                broken = true;
            else {
                parts.push(part.word);
                at = part.next;
            }
        }
        const [source = '', destination, options, ...rest] = parts;
        if (broken ||
            rest.length > 0 ||
            !validSource(source, unit, version) ||
            (destination !== undefined && !validDestination(destination, unit, version)) ||
            (options !== undefined && !validOptions(options))) {
            entries.skipped.push(entry.word);
            continue;
        }
        entries.adds = true;
    }
}

/**
 * Refusals seen from 261 (Ubuntu's 261.3 and Debian's 262; 259 loads such units, no 260 binary was
 * at hand): PrivateUsers= with UserNamespacePath=, PAMName= with PrivatePIDs=.
 */
const USER_NAMESPACE_PATH_REFUSED = 261;
const PAM_PRIVATE_PIDS_REFUSED = 261;
/**
 * RestartForceExitStatus= with Type=oneshot is refused up to here (252, 254 and 255 refuse it; 257,
 * 259, 261 and 262 load it; 256 unverified, follows 255).
 */
const ONESHOT_RESTART_FORCE_EXIT_STATUS_REFUSED_UNTIL = 256;
/**
 * A service without Type= or BusName= whose credentials (SetCredential=, LoadCredential=,
 * ImportCredential=, encrypted or not) hold an entry is Type=exec, not simple or oneshot: one with
 * ExecStop= alone is then refused (257, 259, 262 refuse it, 255 loads it; merged for 256).
 */
const CREDENTIALS_IMPLY_EXEC = 256;
/** PrivateBPF= arrived in 258 (a helper read it in the source; 257 does not know the key, 259 reads it). */
const PRIVATE_BPF = 258;
/** Type=forking with PrivatePIDs=yes is refused from the version that brought PrivatePIDs=. */
const FORKING_PRIVATE_PIDS_REFUSED = 257;
/** a user manager refuses DynamicUser= (257 does, 255 does not; 256 unverified, follows 255) */
const USER_DYNAMIC_USER_REFUSED = 257;
/**
 * From 257 systemd refuses WorkingDirectory=~ with DynamicUser=yes, and a WorkingDirectory= below
 * /proc, /sys or /dev when the service gets a mount namespace (checked with Debian's 257 and 262,
 * Ubuntu's 259 and 261; Ubuntu's 255 loads such units; from 261 PrivateTmp= counts as one).
 */
const WORKING_DIRECTORY_CHECKS = 257;
const PRIVATE_TMP_NEEDS_MOUNT_NAMESPACE = 261;
/** ProtectControlGroups=private counts as a mount namespace from here (259 checked, 257 not). */
const CONTROL_GROUPS_PRIVATE_MOUNTS = 258;
/** A path list's `adds`: whether systemd takes a word of it (pathListWords()). */
function pathList(prefixes, options = false) {
    return {
        kind: 'list',
        adds: (value, unit, version) => pathListWords(value, prefixes, options, unit, version).taken > 0
    };
}
const BINDS = { kind: 'list', adds: addsBindMount };
/** NetworkNamespacePath=, IPCNamespacePath=: an absolute path (unitPathOf()). */
const NAMESPACE_PATH = {
    kind: 'value',
    read: (value, unit, version) => {
        const resolved = unitPathOf(value, unit, version);
        return 'error' in resolved ? { ignored: resolved.error } : !('unset' in resolved);
    }
};
/** LogNamespace=: a name systemd takes. */
const LOG_NAMESPACE = {
    kind: 'value',
    read: (value, unit, version) => {
        if (value === '')
            return false;
        const expanded = expandSpecifiers(value, unit, version);
        if ('error' in expanded)
            return { ignored: `${expanded.error} in '${value}'` };
        return isValidLogNamespace(expanded.value)
            ? true
            : { ignored: `'${expanded.value}' is not a valid log namespace` };
    }
};
/**
 * Settings no check reads that decide, with the scored ones, whether systemd sets up a mount namespace
 * for the service (exec_needs_mount_namespace()): a bit each in ServiceSettings.mountNamespace, in
 * this order. Those marked `alone` give one by themselves; the others only with other settings (a
 * network namespace with PrivateMounts= unset, RootDirectory=). Checked one by one against
 * WorkingDirectory=/proc/x with Debian's 257 and 262 and Ubuntu's 259 and 261: the *Paths= lists
 * take '-' and '+', the bind and extension lists '-' only, TemporaryFileSystem= none.
 */
const MOUNT_NAMESPACE_SETTINGS = {
    // one '-', then one '+', in that order (`+-/x` and `--/x` are no paths)
    ReadWritePaths: { ...pathList(/^-?\+?/), alone: true },
    ReadOnlyPaths: { ...pathList(/^-?\+?/), alone: true },
    InaccessiblePaths: { ...pathList(/^-?\+?/), alone: true },
    ExecPaths: { ...pathList(/^-?\+?/), alone: true },
    NoExecPaths: { ...pathList(/^-?\+?/), alone: true },
    BindPaths: { ...BINDS, alone: true },
    BindReadOnlyPaths: { ...BINDS, alone: true },
    TemporaryFileSystem: { ...pathList(/^/, true), alone: true },
    // read by the *Paths= parser: '-' then '+' (found by a helper's probes at 257, 259, 262)
    ExtensionDirectories: { ...pathList(/^-?\+?/), alone: true },
    ExtensionImages: {
        kind: 'list',
        adds: (value, unit, version) => countImages(value, false, unit, version) > 0,
        alone: true
    },
    PrivateIPC: { kind: 'boolean', when: true, alone: true },
    IPCNamespacePath: { ...NAMESPACE_PATH, alone: true },
    LogNamespace: { ...LOG_NAMESPACE, alone: true },
    // BindLogSockets= (257) and MountAPIVFS= decide together (effectiveBindLogSockets())
    'BindLogSockets=yes': { kind: 'tristate', when: true, alone: false, since: 257 },
    'BindLogSockets=no': { kind: 'tristate', when: false, alone: false, since: 257 },
    // PrivateBPF=yes (from 258) mounts a private bpffs (259 and 262 refuse it with WorkingDirectory=/proc/sys)
    PrivateBPF: { kind: 'boolean', when: true, alone: true, since: PRIVATE_BPF },
    MountFlags: { kind: 'propagation', alone: true },
    NetworkNamespacePath: { ...NAMESPACE_PATH, alone: false },
    // MountAPIVFS= unset is yes with a RootDirectory= other than / or a RootImage=
    // (effectiveMountAPIVFS(); checked with 257, 259 and 262: MountAPIVFS=yes alone is refused with
    // WorkingDirectory=/proc/sys through the log sockets it binds, not with BindLogSockets=no)
    'MountAPIVFS=yes': { kind: 'tristate', when: true, alone: false },
    'MountAPIVFS=no': { kind: 'tristate', when: false, alone: false },
    'PrivateTmp=disconnected': { kind: 'mode', alone: false },
    'ProtectControlGroups=private': { kind: 'mode', alone: false }
};
const MOUNT_SETTING_NAMES = Object.keys(MOUNT_NAMESPACE_SETTINGS);
const MOUNT_NAMESPACE_BITS = Object.fromEntries(MOUNT_SETTING_NAMES.map((name, bit) => [name, 1 << bit]));
/** the bits that give a mount namespace by themselves */
const MOUNTS_BY_THEMSELVES = MOUNT_SETTING_NAMES.filter((name) => MOUNT_NAMESPACE_SETTINGS[name].alone).reduce((bits, name) => bits | MOUNT_NAMESPACE_BITS[name], 0);
/**
 * The exec directories and the system manager's directory each is in, three bits each in
 * ServiceSettings.execDirectories (execDirectoryEntries()): entries, a read-only one, one too long.
 * With a RootDirectory= any entry gives a mount namespace, from 257 a read-only one by itself.
 */
const EXEC_DIRECTORIES = {
    RuntimeDirectory: '/run',
    StateDirectory: '/var/lib',
    CacheDirectory: '/var/cache',
    LogsDirectory: '/var/log',
    ConfigurationDirectory: '/etc'
};
const EXEC_DIRECTORY_KEYS = Object.keys(EXEC_DIRECTORIES);
const ANY_EXEC_DIRECTORY = EXEC_DIRECTORY_KEYS.reduce((bits, _, index) => bits | (EXEC_DIRECTORY_ENTRY << (3 * index)), 0);
const READ_ONLY_EXEC_DIRECTORY = ANY_EXEC_DIRECTORY * EXEC_DIRECTORY_READ_ONLY;
const TOO_LONG_EXEC_DIRECTORY = ANY_EXEC_DIRECTORY * EXEC_DIRECTORY_TOO_LONG;
function setMountBit(s, bit, on) {
    s.mountNamespace = on ? s.mountNamespace | bit : s.mountNamespace & ~bit;
}
/** The directive that keeps a setting's bit of ServiceSettings.mountNamespace up to date. */
function mountSettingDirective(setting, bit, since) {
    return {
        section: 'Service',
        since,
        apply(s, value, ctx) {
            switch (setting.kind) {
                case 'list':
                    if (value === '')
                        setMountBit(s, bit, false);
                    // once the list holds an entry only an empty assignment can change that: no need to read
                    // on, unless the value can make systemd abort (%J, hasEmptyLastComponent())
                    else if ((!(s.mountNamespace & bit) || hasEmptyLastComponent(ctx.unit)) &&
                        setting.adds(value, ctx.unit, ctx.version)) {
                        setMountBit(s, bit, true);
                    }
                    return undefined;
                case 'boolean':
                case 'tristate': {
                    if (value === '' && setting.kind === 'tristate') {
                        setMountBit(s, bit, false);
                        return undefined;
                    }
                    const bool = parseBoolean(value);
                    if (bool === undefined)
                        return { ignored: `'${value}' is not a boolean` };
                    setMountBit(s, bit, bool === setting.when);
                    return undefined;
                }
                case 'value': {
                    const read = setting.read(value, ctx.unit, ctx.version);
                    if (typeof read !== 'boolean')
                        return read;
                    setMountBit(s, bit, read);
                    return undefined;
                }
                case 'propagation':
                    if (value !== '' && value !== 'shared' && value !== 'slave' && value !== 'private') {
                        return { ignored: `'${value}' is not shared, slave or private` };
                    }
                    setMountBit(s, bit, value === 'slave' || value === 'private');
                    return undefined;
            }
        }
    };
}
/**
 * The directives behind MOUNT_NAMESPACE_SETTINGS, by key ("MountAPIVFS=yes" and "MountAPIVFS=no"
 * are both MountAPIVFS=: it keeps both bits).
 */
const MOUNT_NAMESPACE_DIRECTIVES$1 = (() => {
    const byKey = new Map();
    for (const name of MOUNT_SETTING_NAMES) {
        const setting = MOUNT_NAMESPACE_SETTINGS[name];
        if (setting.kind === 'mode')
            continue;
        const key = name.split('=')[0];
        byKey.set(key, [
            ...(byKey.get(key) ?? []),
            mountSettingDirective(setting, MOUNT_NAMESPACE_BITS[name], setting.since)
        ]);
    }
    const directives = Object.fromEntries([...byKey].map(([key, directives]) => [
        key,
        directives.length === 1
            ? directives[0]
            : {
                section: 'Service',
                since: directives[0].since,
                apply(s, value, ctx) {
                    let outcome;
                    for (const directive of directives)
                        outcome = directive.apply(s, value, ctx) ?? outcome;
                    return outcome;
                }
            }
    ]));
    // the names before 231, still read into the same lists (found by a helper's probes; 257-262
    // refuse `ReadOnlyDirectories=/x` with WorkingDirectory=/proc/sys)
    directives.ReadWriteDirectories = directives.ReadWritePaths;
    directives.ReadOnlyDirectories = directives.ReadOnlyPaths;
    directives.InaccessibleDirectories = directives.InaccessiblePaths;
    EXEC_DIRECTORY_KEYS.forEach((key, index) => {
        directives[key] = execDirectoryDirective(key, 3 * index);
    });
    return directives;
})();
/** An exec directory's directive: keeps its three bits of ServiceSettings.execDirectories. */
function execDirectoryDirective(key, shift) {
    const all = EXEC_DIRECTORY_ALL << shift;
    const configuration = key === 'ConfigurationDirectory';
    return {
        section: 'Service',
        apply(s, value, ctx) {
            if (value === '')
                s.execDirectories &= ~all;
            // once every bit is set only an empty assignment can change them
            else if ((s.execDirectories & all) !== all) {
                // a user's manager joins the names to the user's own directories, which the gate cannot know
                const prefix = s.userManager ? undefined : EXEC_DIRECTORIES[key];
                const found = execDirectoryEntries(value, configuration, prefix, ctx.unit, ctx.version);
                s.execDirectories |= found << shift;
            }
            return undefined;
        }
    };
}
/**
 * Settings only the refusal checks read, never a scored row: the fix engine leaves them out of the
 * variants it scores (a path in ReadWritePaths= would otherwise make every unit's patch its own).
 */
const REFUSAL_ONLY_FIELDS = new Set([
    'mountNamespace',
    'execDirectories',
    'workingDirectory',
    'workingDirectoryHome',
    'privatePIDs',
    'userNamespacePath'
]);
/** The directives that write nothing but REFUSAL_ONLY_FIELDS. */
const REFUSAL_ONLY_DIRECTIVES = new Set([
    ...Object.keys(MOUNT_NAMESPACE_DIRECTIVES$1),
    'WorkingDirectory',
    'PrivatePIDs',
    'UserNamespacePath'
]);
/** After an assignment of a scored directive: whether its value was the mode `name` names. */
function noteMountMode(name) {
    const bit = MOUNT_NAMESPACE_BITS[name];
    const mode = name.split('=')[1];
    return (s, value) => setMountBit(s, bit, value === mode);
}
/** exec_context_with_rootfs(): a RootDirectory= other than /, or a RootImage= */
function withRootFileSystem(s) {
    return (s.rootDirectory !== undefined && s.rootDirectory !== '/') || s.rootImage !== undefined;
}
/** exec_context_get_effective_mount_apivfs(): MountAPIVFS= if set, else whether there is a root */
function effectiveMountAPIVFS(s) {
    const m = s.mountNamespace;
    if (m & MOUNT_NAMESPACE_BITS['MountAPIVFS=yes'])
        return true;
    if (m & MOUNT_NAMESPACE_BITS['MountAPIVFS=no'])
        return false;
    return withRootFileSystem(s);
}
/**
 * exec_context_get_effective_bind_log_sockets() (257): always with LogNamespace=, else
 * BindLogSockets= if set, else with the API file systems, or PrivateDevices= under a root.
 */
function effectiveBindLogSockets(s) {
    const m = s.mountNamespace;
    if (m & MOUNT_NAMESPACE_BITS.LogNamespace)
        return true;
    if (m & MOUNT_NAMESPACE_BITS['BindLogSockets=yes'])
        return true;
    if (m & MOUNT_NAMESPACE_BITS['BindLogSockets=no'])
        return false;
    return effectiveMountAPIVFS(s) || (withRootFileSystem(s) && s.privateDevices);
}
/**
 * exec_needs_mount_namespace(), as systemd asks it when it loads the unit (only 257 and later ask:
 * the WorkingDirectory= refusal is theirs).
 */
function needsMountNamespace(s, version) {
    const m = s.mountNamespace;
    const bits = MOUNT_NAMESPACE_BITS;
    return ((m & MOUNTS_BY_THEMSELVES) !== 0 ||
        s.rootImage !== undefined ||
        s.rootMStack !== undefined ||
        s.mountImages > 0 ||
        // any RootDirectory= (/ too) with the API file systems or an exec directory
        (s.rootDirectory !== undefined &&
            (effectiveMountAPIVFS(s) || (s.execDirectories & ANY_EXEC_DIRECTORY) !== 0)) ||
        effectiveBindLogSockets(s) ||
        (s.execDirectories & READ_ONLY_EXEC_DIRECTORY) !== 0 ||
        s.privateDevices ||
        s.privateMounts === true ||
        (s.privateMounts === undefined &&
            (s.privateNetwork || (m & bits.NetworkNamespacePath) !== 0)) ||
        s.protectSystem !== 'no' ||
        s.protectHome !== 'no' ||
        s.protectKernelTunables ||
        s.protectKernelModules ||
        s.protectKernelLogs ||
        // ProtectControlGroups=private only from 258 (257 gives it a cgroup namespace alone)
        (s.protectControlGroups &&
            (!(m & bits['ProtectControlGroups=private']) || version >= CONTROL_GROUPS_PRIVATE_MOUNTS)) ||
        s.protectProc !== 'default' ||
        s.procSubset !== 'all' ||
        s.privatePIDs ||
        (s.privateTmp &&
            ((m & bits['PrivateTmp=disconnected']) !== 0 || version >= PRIVATE_TMP_NEEDS_MOUNT_NAMESPACE)));
}
const API_FILE_SYSTEMS = /^\/(proc|sys|dev)(\/|$)/;
/** Why systemd would refuse the service's combination of user, namespace and PID settings. */
function contextRefusal(s, type, version) {
    if (version >= FORKING_PRIVATE_PIDS_REFUSED && type === 'forking' && s.privatePIDs) {
        return 'PrivatePIDs=yes with Type=forking; systemd refuses it';
    }
    if (version >= PAM_PRIVATE_PIDS_REFUSED && s.pamName && s.privatePIDs) {
        return 'PAMName= with PrivatePIDs=yes; systemd refuses it';
    }
    if (s.privateUsersManaged &&
        (s.user !== undefined || s.group !== undefined || s.dynamicUser || s.pamName)) {
        return 'PrivateUsers=managed with User=, Group=, DynamicUser= or PAMName=; systemd refuses it';
    }
    if (version >= USER_NAMESPACE_PATH_REFUSED && s.privateUsers && s.userNamespacePath) {
        return 'PrivateUsers= with UserNamespacePath=; systemd refuses it';
    }
    if (version >= WORKING_DIRECTORY_CHECKS) {
        if (s.workingDirectoryHome && s.dynamicUser) {
            return 'WorkingDirectory=~ with DynamicUser=yes; systemd refuses it';
        }
        const below = s.workingDirectory;
        if (below !== undefined && API_FILE_SYSTEMS.test(below) && needsMountNamespace(s, version)) {
            return `WorkingDirectory=${below} is below /proc, /sys or /dev in a service with a mount namespace; systemd refuses it`;
        }
    }
    return undefined;
}
/**
 * Whether hardening lines added to this service could make systemd refuse it: each refusal they can
 * bring about needs a setting of the unit's own first (a WorkingDirectory= below /proc, /sys or /dev,
 * WorkingDirectory=~, PrivateUsers=managed, UserNamespacePath=). Cheap: asked for every suggestion.
 */
function refusalProne(s) {
    return ((s.workingDirectory !== undefined && API_FILE_SYSTEMS.test(s.workingDirectory)) ||
        s.workingDirectoryHome ||
        (s.userManager && s.dynamicUser) ||
        s.privateUsersManaged ||
        s.userNamespacePath !== undefined);
}
/** The Type= systemd gives a service that sets none (service_add_extras()). */
function inferredType(s, version) {
    if (s.busName)
        return 'dbus';
    const credentials = s.setCredentials.size > 0 || s.loadCredentials.size > 0 || s.importCredentials;
    if (credentials && version >= CREDENTIALS_IMPLY_EXEC)
        return 'exec';
    return s.execStart.length ? 'simple' : 'oneshot';
}
/** service_verify() and the Type= inference before it: why systemd would refuse this service. */
function refusal(s, version) {
    const type = s.type ?? inferredType(s, version);
    const hasSuccessAction = s.successAction !== 'none';
    if (!s.execStart.length && !s.execStop.length && !hasSuccessAction) {
        return 'the service has no ExecStart=, ExecStop= or SuccessAction=; systemd refuses it';
    }
    if (type !== 'oneshot' && !s.execStart.length) {
        return `Type=${type} without ExecStart=; systemd refuses it`;
    }
    if (!s.remainAfterExit && !s.execStart.length && !hasSuccessAction) {
        return 'no ExecStart= and no SuccessAction= without RemainAfterExit=yes; systemd refuses it';
    }
    if (type !== 'oneshot' && s.execStart.length > 1) {
        return `more than one ExecStart= command with Type=${type}; systemd refuses it`;
    }
    if (type === 'oneshot' && (s.restart === 'always' || s.restart === 'on-success')) {
        return `Restart=${s.restart} with Type=oneshot; systemd refuses it`;
    }
    if (type === 'oneshot' &&
        s.restartForceExitStatus &&
        version <= ONESHOT_RESTART_FORCE_EXIT_STATUS_REFUSED_UNTIL) {
        return 'RestartForceExitStatus= with Type=oneshot; systemd refuses it';
    }
    if (type === 'oneshot' && s.exitType === 'cgroup') {
        return 'ExitType=cgroup with Type=oneshot; systemd refuses it';
    }
    if (type === 'dbus' && !s.busName)
        return 'Type=dbus without BusName=; systemd refuses it';
    if (s.pamName && s.killMode !== 'control-group' && s.killMode !== 'mixed') {
        return `PAMName= with KillMode=${s.killMode}; systemd refuses it`;
    }
    if (s.execDirectories & TOO_LONG_EXEC_DIRECTORY) {
        return 'an exec directory (StateDirectory= ...) of 4,096 bytes or more once joined to its directory (/var/lib ...); systemd refuses it';
    }
    if (s.userManager && s.dynamicUser && version >= USER_DYNAMIC_USER_REFUSED) {
        return 'DynamicUser= in a unit of a user manager, which systemd does not support; it refuses it';
    }
    return contextRefusal(s, type, version);
}

/**
 * The settings the gate does not read that systemd still expands while loading a service: there %J
 * of a unit whose prefix ends with '-' makes systemd abort (SpecifierAbort in specifiers.ts), so
 * systemd-analyze security crashes on the unit and on every other unit of its run. Read off the
 * seven builds (252, 254, 255, 257, 259, 261, 262) one key and one value shape at a time; only a
 * unit whose %J is empty ever looks here. The settings the gate reads expand through
 * expandSpecifiers() in their own parsers.
 */
const value = (since) => since === undefined ? { shape: 'value' } : { shape: 'value', since };
const words = (cunescape, since) => since === undefined
    ? { shape: { words: { cunescape } } }
    : { shape: { words: { cunescape } }, since };
const CONDITIONS_252 = [
    'ACPower',
    'Architecture',
    'CPUFeature',
    'CPUPressure',
    'CPUs',
    'Capability',
    'ControlGroupController',
    'Credential',
    'DirectoryNotEmpty',
    'Environment',
    'FileIsExecutable',
    'FileNotEmpty',
    'FirstBoot',
    'Group',
    'Host',
    'IOPressure',
    'KernelCommandLine',
    'KernelVersion',
    'Memory',
    'MemoryPressure',
    'NeedsUpdate',
    'OSRelease',
    'PathExists',
    'PathExistsGlob',
    'PathIsDirectory',
    'PathIsEncrypted',
    'PathIsMountPoint',
    'PathIsReadWrite',
    'PathIsSymbolicLink',
    'Security',
    'User',
    'Virtualization'
];
const CONDITIONS_259 = ['KernelModuleLoaded', 'Version'];
const CONDITIONS_261 = ['Fraction', 'MachineTag', 'PathIsSocket'];
/** Settings the gate does not read that systemd expands while loading a service, by SECTION.Key. */
const UNREAD_EXPANSIONS = new Map([
    ...CONDITIONS_252.flatMap((c) => [
        [`Unit.Condition${c}`, value()],
        [`Unit.Assert${c}`, value()]
    ]),
    ['Unit.ConditionFirmware', value()],
    ...CONDITIONS_259.flatMap((c) => [
        [`Unit.Condition${c}`, value(259)],
        [`Unit.Assert${c}`, value(259)]
    ]),
    ...CONDITIONS_261.flatMap((c) => [
        [`Unit.Condition${c}`, value(261)],
        [`Unit.Assert${c}`, value(261)]
    ]),
    ['Unit.Description', value()],
    ['Unit.Documentation', value()],
    ['Unit.SourcePath', value()],
    ['Unit.RebootArgument', value()],
    ['Unit.JobTimeoutRebootArgument', value()],
    ['Unit.RequiresMountsFor', words(false)],
    ['Unit.WantsMountsFor', words(false, 257)],
    ['Service.AllowedCPUs', value()],
    ['Service.AllowedMemoryNodes', value()],
    ['Service.StartupAllowedCPUs', value()],
    ['Service.StartupAllowedMemoryNodes', value()],
    ['Service.CPUAffinity', value()],
    ['Service.NUMAMask', value(259)],
    ['Service.BindNetworkInterface', value(261)],
    ['Service.Environment', words(true)],
    ['Service.UnsetEnvironment', words(true)],
    ['Service.PassEnvironment', words(false)],
    ['Service.LogExtraFields', words(true)],
    ['Service.EnvironmentFile', value()],
    ['Service.RebootArgument', value()],
    ['Service.SyslogIdentifier', value()],
    ['Service.UtmpIdentifier', value()],
    ['Service.TTYPath', value()],
    ['Service.StandardInputText', { shape: 'unescaped' }],
    // the cgroup v1 settings are only read for compatibility from 258 (257 expands them, 259 does not)
    ...['BlockIODeviceWeight', 'BlockIOReadBandwidth', 'BlockIOWriteBandwidth'].map((key) => [`Service.${key}`, { shape: 'device', until: 258 }]),
    ...[
        'IODeviceLatencyTargetSec',
        'IODeviceWeight',
        'IOReadBandwidthMax',
        'IOReadIOPSMax',
        'IOWriteBandwidthMax',
        'IOWriteIOPSMax'
    ].map((key) => [`Service.${key}`, { shape: 'device' }]),
    ['Service.USBFunctionDescriptors', value()],
    ['Service.USBFunctionStrings', value()],
    ['Service.StandardOutput', { shape: 'output' }],
    ['Service.StandardError', { shape: 'output' }],
    ['Service.StandardInput', { shape: 'input' }],
    ['Service.ExecSearchPath', { shape: 'search-path' }],
    ['Service.RootImageOptions', { shape: 'image-options' }]
]);
const OUTPUT_NAMES = ['file:', 'append:', 'truncate:', 'fd:'];
const INPUT_NAMES = ['file:', 'fd:'];
/**
 * Expands what systemd expands of `value` when it loads SECTION.Key (a setting the gate does not
 * read): throws SpecifierAbort where systemd would abort; a specifier that fails is ignored there as
 * systemd ignores it.
 */
function expandUnreadSetting(sectionKey, value, unit, version) {
    const expansion = UNREAD_EXPANSIONS.get(sectionKey);
    if (!expansion || value === '')
        return;
    if (version < (expansion.since ?? 0) || version >= (expansion.until ?? Infinity))
        return;
    const { shape } = expansion;
    if (shape === 'value') {
        expandSpecifiers(value, unit, version);
    }
    else if (shape === 'output' || shape === 'input') {
        const prefix = (shape === 'output' ? OUTPUT_NAMES : INPUT_NAMES).find((p) => value.startsWith(p));
        if (prefix)
            expandSpecifiers(value.slice(prefix.length), unit, version);
    }
    else if (shape === 'unescaped') {
        const options = { unquote: false, escapes: 'cunescape', version };
        const unescaped = extractSeparatedWord(value, 0, '', options);
        if (typeof unescaped !== 'string')
            expandSpecifiers(unescaped.word, unit, version);
    }
    else if (shape === 'device') {
        const device = extractFirstWord(value, 0, { unquote: true });
        if (device && !('error' in device) && device.next < value.length) {
            expandSpecifiers(device.word, unit, version);
        }
    }
    else if (shape === 'search-path') {
        const options = { unquote: false, escapes: 'literal', coalesce: false };
        for (let at = 0;;) {
            const word = extractSeparatedWord(value, at, ':', options);
            if (word === 'end' || word === 'error')
                return;
            const expanded = expandSpecifiers(word.word, unit, version);
            if ('error' in expanded || !expanded.value.startsWith('/'))
                return;
            at = word.next;
        }
    }
    else if (shape === 'image-options') {
        // PARTITION:OPTIONS words, one pair each (the rest of a word is left unread)
        for (let position = 0;;) {
            const word = extractFirstWord(value, position, { unquote: true, retainEscape: true });
            if (word === undefined || 'error' in word)
                return;
            position = word.next;
            if (readPartitionOptions(word.word, 0, unit, version) === 'error')
                return;
        }
    }
    else {
        const { cunescape } = shape.words;
        const flags = { unquote: true, cunescape, strictEscapes: cunescape, version };
        for (let position = 0;;) {
            const word = extractFirstWord(value, position, flags);
            if (word === undefined || 'error' in word)
                return;
            position = word.next;
            expandSpecifiers(word.word, unit, version);
        }
    }
}

/** RestrictAddressFamilies=: the list state and the five buckets systemd-analyze scores. */
/** glibc's AF_* constants (without AF_UNSPEC and AF_MAX); aliases share a number. */
const FAMILIES = {
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
};
const AF_UNIX = 1;
const AF_INET = 2;
const AF_INET6 = 10;
const AF_NETLINK = 16;
const AF_PACKET = 17;
/** af_from_name(), case-insensitive. */
function addressFamilyFromName(word) {
    const upper = asciiUpper(word);
    return Object.hasOwn(FAMILIES, upper) ? FAMILIES[upper] : undefined;
}
/** A family's name as glibc spells it first (AF_UNIX, not AF_LOCAL; AF_NETLINK, not AF_ROUTE). */
function addressFamilyName(family) {
    for (const name in FAMILIES)
        if (FAMILIES[name] === family)
            return name;
    return undefined;
}
/**
 * From this version a word that names no family ends the assignment: the words after it are not
 * applied (seen in Ubuntu's 261 and Debian's 262; 259 skips the word and goes on).
 */
const UNKNOWN_FAMILY_ENDS_ASSIGNMENT = 261;
/** Applies one assignment (config_parse_address_families). 'none' is the empty allow-list. */
function applyAddressFamilyAssignment(current, value, version = 0) {
    if (value === '')
        return { next: undefined, unknown: [] };
    if (value === 'none')
        return { next: 'none', unknown: [] };
    const invert = value.startsWith('~');
    const list = current === undefined || current === 'none'
        ? { allowList: !invert, families: new Set() }
        : { allowList: current.allowList, families: new Set(current.families) };
    const { words, error } = extractWords(invert ? value.slice(1) : value, { unquote: true });
    const unknown = [];
    for (let i = 0; i < words.length; i++) {
        const word = words[i];
        const family = addressFamilyFromName(word);
        if (family === undefined) {
            unknown.push(word);
            if (version >= UNKNOWN_FAMILY_ENDS_ASSIGNMENT) {
                const rest = words.slice(i + 1);
                return { next: list, unknown, notApplied: rest, syntaxError: error };
            }
            continue;
        }
        if (!invert === list.allowList)
            list.families.add(family);
        else
            list.families.delete(family);
    }
    return { next: list, unknown, syntaxError: error };
}
function bucketOf(family) {
    if (family === AF_INET || family === AF_INET6)
        return 'inet';
    if (family === AF_UNIX)
        return 'unix';
    if (family === AF_NETLINK)
        return 'netlink';
    if (family === AF_PACKET)
        return 'packet';
    return 'other';
}
/** Whether sockets of a bucket are restricted under the final list. */
function bucketRestricted(state, bucket) {
    if (state === 'none')
        return true;
    if (state === undefined)
        return false;
    let restricted = state.allowList;
    for (const family of state.families) {
        if (bucketOf(family) === bucket)
            restricted = !state.allowList;
    }
    return restricted;
}

/** Capability sets as CapabilityBoundingSet= and AmbientCapabilities= build them (64-bit masks). */
/** Capability names known to systemd 252..262, by kernel bit number (none added since Linux 5.9). */
const CAPABILITY_NAMES = [
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
];
/** The unit default of the bounding set (before 259 also what `~` alone gave: every bit). */
const ALL_CAPABILITIES = (1n << 64n) - 1n;
/** From 259, what `~` with no valid name gives: every capability systemd can name (CAP_MASK_ALL). */
const CAP_MASK_ALL = (1n << 63n) - 1n;
/** Capability 63 is refused from this version (CAP_LIMIT 62: UINT64_MAX marks an unset set). */
const CAPABILITY_63_REFUSED = 254;
/**
 * From this version an assignment replaces the bounding set only while it is unset: `~` with no
 * valid name gives CAP_MASK_ALL, which is a set value, so later assignments merge into it (checked
 * with Ubuntu's 259 and Debian's 262; 257 and 252 replace after it).
 */
const CAPABILITY_SET_UNSET_MARKER = 259;
/** Every known capability is in the mask: the set restricts nothing. */
function grantsEveryCapability(mask) {
    return (mask & KNOWN_CAPABILITIES) === KNOWN_CAPABILITIES;
}
const BY_NAME = new Map(CAPABILITY_NAMES.map((name, bit) => [name, bit]));
const KNOWN_CAPABILITIES = (1n << BigInt(CAPABILITY_NAMES.length)) - 1n;
/** Bit mask of the named capabilities (names must be known). */
function capabilityMask(...names) {
    let mask = 0n;
    for (const name of names) {
        const bit = BY_NAME.get(name);
        if (bit === undefined)
            throw new Error(`unknown capability ${name}`);
        mask |= 1n << BigInt(bit);
    }
    return mask;
}
/**
 * capability_from_name(): a name (any case) or a bit number 0..63 (0..62 from systemd 254);
 * undefined otherwise.
 */
function capabilityFromWord(word, version = 0) {
    const named = BY_NAME.get(asciiUpper(word));
    if (named !== undefined)
        return named;
    // a number as safe_atoi()/strtol() read it: leading white space is skipped (a quoted " 21")
    const number = parseCInteger(word.replace(/^[ \t\n\v\f\r]+/, ''));
    const limit = version >= CAPABILITY_63_REFUSED ? 63 : 64;
    return number !== undefined && number >= 0 && number < limit ? number : undefined;
}
/**
 * From here an open quote or a final backslash no longer drops the word it is in: the word runs to
 * the end of the value (`"CAP_NET_RAW` is CAP_NET_RAW at 254-262; 252 drops it; 253 unverified,
 * follows 252). Found by fuzzing.
 */
const CAPABILITY_WORDS_RELAXED = 254;
/**
 * Applies one assignment (config_parse_capability_set): `initial` is the unit default (all for the
 * bounding set, none for ambient). An empty result, or a set still at its default, is replaced;
 * otherwise the words are merged in (`~` removes them). From 259 the bounding set's `~` alone
 * gives CAP_MASK_ALL, no longer its default (see CAPABILITY_SET_UNSET_MARKER).
 */
function applyCapabilityAssignment(current, initial, value, version = 0) {
    const invert = value.startsWith('~');
    const { words } = extractWords(invert ? value.slice(1) : value, {
        unquote: true,
        relax: version >= CAPABILITY_WORDS_RELAXED
    });
    let sum = 0n;
    const unknown = [];
    for (const word of words) {
        const bit = capabilityFromWord(word, version);
        if (bit === undefined)
            unknown.push(word);
        else
            sum |= 1n << BigInt(bit);
    }
    const all = initial === ALL_CAPABILITIES && version >= CAPABILITY_SET_UNSET_MARKER
        ? CAP_MASK_ALL
        : ALL_CAPABILITIES;
    let next;
    if (sum === 0n || current === initial)
        next = invert ? all & ~sum : sum;
    else
        next = invert ? current & ~sum : current | sum;
    return { next, unknown };
}
const namesCache = new Map();
/** Capability names in a mask, for messages. */
function capabilityNames(mask) {
    const cached = namesCache.get(mask);
    if (cached)
        return cached;
    const names = [];
    for (let bit = 0; bit < 64; bit++) {
        if ((mask >> BigInt(bit)) & 1n)
            names.push(CAPABILITY_NAMES[bit] ?? String(bit));
    }
    if (namesCache.size < 4096)
        namesCache.set(mask, names);
    return names;
}

/** D-Bus names as systemd checks them. */
/** sd-bus's SD_BUS_MAXIMUM_NAME_LENGTH */
const MAXIMUM_BUS_NAME_LENGTH = 255;
const isLetter = (c) => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
const isDigit = (c) => c >= 0x30 && c <= 0x39;
/**
 * sd-bus's service_name_is_valid(), which BusName= asks: dot-separated elements of ASCII letters,
 * digits, '_' and '-', at least two, none empty, none starting with a digit (but in a unique name,
 * ":1.42"), at most 255 characters in all.
 */
function isValidBusName(name) {
    if (name === '' || name.length > MAXIMUM_BUS_NAME_LENGTH)
        return false;
    const unique = name.charCodeAt(0) === 0x3a;
    let elementStart = true;
    let dotted = false;
    for (let i = unique ? 1 : 0; i < name.length; i++) {
        const c = name.charCodeAt(i);
        if (c === 0x2e) {
            if (elementStart)
                return false;
            dotted = elementStart = true;
            continue;
        }
        const good = isLetter(c) || c === 0x5f || c === 0x2d || (isDigit(c) && (!elementStart || unique));
        if (!good)
            return false;
        elementStart = false;
    }
    return dotted && !elementStart;
}

/**
 * From this version a glob character (`*`, `?`, `[`) in the executable path is a special character
 * too (seen in 261 and 262, not in 259; 260 is unverified and follows 259; NEWS does not say).
 */
const EXEC_PATH_GLOB_REFUSED = 261;
/**
 * From this version an executable path ending in `/.` or `/..` names a directory as one ending in
 * `/` does (path_implies_directory(); 257, 259, 261 and 262 refuse `ExecStart=/bin/true/.`, 252,
 * 254 and 255 load it; 256 unverified, follows 255).
 */
const EXEC_PATH_DOT_IS_DIRECTORY = 257;
/**
 * From this version the program path, unescaped, must be valid UTF-8 without noncharacters
 * (`/bin/tru\x80`, `\ufdd0` are refused by 261 and 262, loaded by 259; 260 unverified, follows 259).
 */
const EXEC_PATH_UTF8_REQUIRED = 261;
/**
 * The '|' prefix (NEWS 258): the command line runs through the user's shell, so its first word is
 * the shell's to read and systemd checks nothing of it (257 refuses such a line; 259, 261 and 262
 * take `|foo/bar`, `|%Z` and `|/bin/tru*` alike, and still expand the arguments' specifiers).
 */
const EXEC_VIA_SHELL = 258;
/**
 * The '!!' prefix (run as root only where the kernel lacks ambient capabilities) is gone from 258
 * (systemd PR #35587, kernel baseline 4.3): the second '!' undoes the first and systemd logs a
 * notice; the command runs as the unit says, as '!!' always did on a kernel with ambient
 * capabilities. 257 has no such notice, 262 prints it (their systemd-analyze).
 */
const EXEC_AMBIENT_HACK_REMOVED = 258;
const WHITESPACE = ' \t\n\r';
function parseExecLine(value, unit, version) {
    if (value === '')
        return { commands: [], reset: true };
    const result = { commands: [], reset: false };
    let position = 0;
    let semicolon;
    do {
        semicolon = false;
        const first = extractFirstWord(value, position, { unquote: true, cunescape: true, version });
        if (first === undefined)
            return result;
        if ('error' in first) {
            result.ignored = `bad quoting in the command: ${first.error}`;
            return result;
        }
        position = first.next;
        if (first.word === ';') {
            semicolon = true;
            continue;
        }
        let f = first.word;
        let ignoreFailure = false;
        let separateArgv0 = false;
        let noEnv = false;
        let privileged = 0; // 0 none, 1 '+', 2 '!', 3 '!!'
        let viaShell = false;
        for (;;) {
            const c = f[0];
            if (c === '-' && !ignoreFailure)
                ignoreFailure = true;
            else if (c === '@' && !separateArgv0)
                separateArgv0 = true;
            else if (c === ':' && !noEnv)
                noEnv = true;
            else if (c === '+' && privileged === 0)
                privileged = 1;
            else if (c === '!' && privileged === 0)
                privileged = 2;
            else if (c === '!' && privileged === 2) {
                privileged = 3;
                if (version >= EXEC_AMBIENT_HACK_REMOVED)
                    result.ambientHack = true;
            }
            else if (c === '|' && !viaShell && version >= EXEC_VIA_SHELL)
                viaShell = true;
            else
                break;
            f = f.slice(1);
        }
        const fail = (message) => {
            if (ignoreFailure)
                result.ignored = message;
            else
                result.fatal = message;
            return result;
        };
        let path;
        if (viaShell) {
            // the shell runs it: the program the fix engine looks for is the first word, when there is one
            path = f === '' ? '/bin/sh' : f;
        }
        else {
            const expanded = expandPathSpecifiers(f, unit, version);
            if ('error' in expanded)
                return fail(`${expanded.error} in '${f}'`);
            path = expanded.value;
            if (path === '')
                return fail('empty executable path');
            if (!stringIsSafe(path) ||
                (version >= EXEC_PATH_GLOB_REFUSED && isGlob(path)) ||
                (version >= EXEC_PATH_UTF8_REQUIRED && !isValidUtf8Value(path)))
                return fail(`executable name contains special characters: ${path}`);
            if (path.endsWith('/') ||
                (version >= EXEC_PATH_DOT_IS_DIRECTORY && (path.endsWith('/.') || path.endsWith('/..')))) {
                return fail(`executable path is a directory: ${path}`);
            }
            // path_is_valid() for an absolute path: no name over 255 bytes
            if (path.startsWith('/') ? hasOverlongComponent(path) : !isValidFilename(path)) {
                return fail(`neither an absolute path nor a plain file name: ${path}`);
            }
        }
        // through the shell, the shell is argv[0]: no word need follow, not even with '@'
        let argc = separateArgv0 && !viaShell ? 0 : 1;
        while (position < value.length) {
            const rest = value.slice(position);
            if (rest[0] === ';' && (rest.length === 1 || WHITESPACE.includes(rest[1]))) {
                position += 1;
                while (position < value.length && WHITESPACE.includes(value[position]))
                    position++;
                semicolon = true;
                break;
            }
            if (rest.startsWith('\\;') && (rest.length === 2 || WHITESPACE.includes(rest[2]))) {
                position += 2;
                while (position < value.length && WHITESPACE.includes(value[position]))
                    position++;
                argc++;
                continue;
            }
            const word = extractFirstWord(value, position, { unquote: true, cunescape: true });
            if (word === undefined)
                break;
            if ('error' in word)
                return fail(`bad quoting in an argument: ${word.error}`);
            position = word.next;
            const resolved = expandSpecifiers(word.word, unit, version);
            if ('error' in resolved)
                return fail(`${resolved.error} in argument '${word.word}'`);
            argc++;
        }
        if (argc === 0)
            return fail('empty executable name or zeroth argument');
        result.commands.push(path);
    } while (semicolon);
    return result;
}

/**
 * RestartForceExitStatus= words (config_parse_set_status): an exit status, by number (0-255) or by
 * name (exit_status_from_string()), or a signal (signal_from_string()); any other word is ignored.
 * Read off 252, 254 and 255, where a word that counts makes Type=oneshot refused.
 */
/** exit_status_mappings[]: the names of ISO C, LSB, BSD and systemd's own exit statuses */
const EXIT_STATUS_NAMES = new Set([
    'SUCCESS',
    'FAILURE',
    'INVALIDARGUMENT',
    'NOTIMPLEMENTED',
    'NOPERMISSION',
    'NOTINSTALLED',
    'NOTCONFIGURED',
    'NOTRUNNING',
    'USAGE',
    'DATAERR',
    'NOINPUT',
    'NOUSER',
    'NOHOST',
    'UNAVAILABLE',
    'SOFTWARE',
    'OSERR',
    'OSFILE',
    'CANTCREAT',
    'IOERR',
    'TEMPFAIL',
    'PROTOCOL',
    'NOPERM',
    'CONFIG',
    'CHDIR',
    'NICE',
    'FDS',
    'EXEC',
    'MEMORY',
    'LIMITS',
    'OOM_ADJUST',
    'SIGNAL_MASK',
    'STDIN',
    'STDOUT',
    'CHROOT',
    'IOPRIO',
    'TIMERSLACK',
    'SECUREBITS',
    'SETSCHEDULER',
    'CPUAFFINITY',
    'GROUP',
    'USER',
    'CAPABILITIES',
    'CGROUP',
    'SETSID',
    'CONFIRM',
    'STDERR',
    'PAM',
    'NETWORK',
    'NAMESPACE',
    'NO_NEW_PRIVILEGES',
    'SECCOMP',
    'SELINUX_CONTEXT',
    'PERSONALITY',
    'APPARMOR',
    'ADDRESS_FAMILIES',
    'RUNTIME_DIRECTORY',
    'CHOWN',
    'SMACK_PROCESS_LABEL',
    'KEYRING',
    'STATE_DIRECTORY',
    'CACHE_DIRECTORY',
    'LOGS_DIRECTORY',
    'CONFIGURATION_DIRECTORY',
    'NUMA_POLICY',
    'CREDENTIALS',
    'BPF',
    'EXCEPTION'
]);
/** EXIT_KSM: 254 and 255 count it, 252 does not */
const KSM_EXIT_STATUS = 254;
/** signal names without "SIG", case-sensitive (IOT, POLL, CLD are not among them) */
const SIGNAL_NAMES = new Set([
    'HUP',
    'INT',
    'QUIT',
    'ILL',
    'TRAP',
    'ABRT',
    'BUS',
    'FPE',
    'KILL',
    'USR1',
    'SEGV',
    'USR2',
    'PIPE',
    'ALRM',
    'TERM',
    'STKFLT',
    'CHLD',
    'CONT',
    'STOP',
    'TSTP',
    'TTIN',
    'TTOU',
    'URG',
    'XCPU',
    'XFSZ',
    'VTALRM',
    'PROF',
    'WINCH',
    'IO',
    'PWR',
    'SYS'
]);
/** SIGRTMAX - SIGRTMIN on Linux (glibc: 64 - 34) */
const REALTIME_SIGNALS = 30;
/** signal_from_string() without numbers (a number is an exit status first) */
function isSignalName(word) {
    const name = word.startsWith('SIG') ? word.slice(3) : word;
    if (SIGNAL_NAMES.has(name))
        return true;
    const realtime = /^RT(MIN|MAX)(?:([+-])([0-9]+))?$/.exec(name);
    if (!realtime)
        return false;
    const [, end, sign, digits] = realtime;
    if (sign === undefined)
        return true;
    // RTMIN+n and RTMAX-n, n from 0 to SIGRTMAX - SIGRTMIN
    return sign === (end === 'MIN' ? '+' : '-') && Number(digits) <= REALTIME_SIGNALS;
}
/** Whether systemd takes the word as an exit status or a signal (else it ignores it). */
function isExitStatusOrSignal(word, version) {
    if (EXIT_STATUS_NAMES.has(word) || (word === 'KSM' && version >= KSM_EXIT_STATUS))
        return true;
    const n = parseCInteger(word);
    if (n !== undefined)
        return n >= 0 && n <= 255;
    return isSignalName(word);
}

/** IPAddressAllow=/IPAddressDeny= entries as systemd parses them (in_addr_prefix_from_string_auto). */
function parseIPv4(text) {
    const parts = text.split('.');
    if (parts.length !== 4)
        return undefined;
    const bytes = [];
    for (const part of parts) {
        // inet_pton: decimal only, no leading zeros beyond a single 0, at most 3 digits
        if (!/^(0|[1-9][0-9]{0,2})$/.test(part))
            return undefined;
        const value = Number(part);
        if (value > 255)
            return undefined;
        bytes.push(value);
    }
    return bytes;
}
function parseIPv6(text) {
    if (!/^[0-9A-Fa-f:.]+$/.test(text))
        return undefined;
    let tail = [];
    let body = text;
    const lastColon = text.lastIndexOf(':');
    if (text.includes('.')) {
        const v4 = parseIPv4(text.slice(lastColon + 1));
        if (!v4 || lastColon < 0)
            return undefined;
        tail = [(v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]];
        body = text.slice(0, lastColon + 1);
        if (body.endsWith(':') && !body.endsWith('::'))
            body = body.slice(0, -1);
    }
    const halves = body.split('::');
    if (halves.length > 2)
        return undefined;
    const parseGroups = (part) => {
        if (part === '')
            return [];
        const groups = [];
        for (const group of part.split(':')) {
            if (!/^[0-9A-Fa-f]{1,4}$/.test(group))
                return undefined;
            groups.push(parseInt(group, 16));
        }
        return groups;
    };
    const head = parseGroups(halves[0]);
    if (!head)
        return undefined;
    let groups;
    if (halves.length === 2) {
        const rest = parseGroups(halves[1]);
        if (!rest)
            return undefined;
        const missing = 8 - head.length - rest.length - tail.length;
        if (missing < 1)
            return undefined;
        groups = [...head, ...new Array(missing).fill(0), ...rest, ...tail];
    }
    else {
        groups = [...head, ...tail];
        if (groups.length !== 8)
            return undefined;
    }
    return groups.flatMap((g) => [g >> 8, g & 0xff]);
}
function mask(bytes, prefixLength) {
    return bytes.map((byte, index) => {
        const bits = Math.max(0, Math.min(8, prefixLength - index * 8));
        return bits === 8 ? byte : byte & ((0xff << (8 - bits)) & 0xff);
    });
}
/** ADDRESS[/PREFIX]; undefined when systemd rejects it. */
function parseIpPrefix(word) {
    const slash = word.indexOf('/');
    const address = slash >= 0 ? word.slice(0, slash) : word;
    const v4 = parseIPv4(address);
    const bytes = v4 ?? parseIPv6(address);
    if (!bytes)
        return undefined;
    const family = v4 ? 4 : 6;
    const max = family === 4 ? 32 : 128;
    let prefixLength = max;
    if (slash >= 0) {
        // safe_atou8(): C integer syntax (`010` is 8, `0x8`, `0b1000`, `+8` and `-0` are valid)
        const parsed = parseCInteger(word.slice(slash + 1));
        if (parsed === undefined || parsed < 0 || parsed > max)
            return undefined;
        prefixLength = parsed + 0; // -0 is 0
    }
    return { family, bytes: mask(bytes, prefixLength), prefixLength };
}
const LOCALHOST_V4 = { family: 4, bytes: [127, 0, 0, 0], prefixLength: 8 };
const LOCALHOST_V6 = {
    family: 6,
    bytes: [...new Array(15).fill(0), 1],
    prefixLength: 128
};
/** is_localhost(): localhost, localhost.localdomain and *.localhost names, with an optional dot. */
function isLocalhostName(word) {
    const name = asciiLower(word).replace(/\.$/, '');
    return (name === 'localhost' ||
        name === 'localhost.localdomain' ||
        name.endsWith('.localhost') ||
        name.endsWith('.localhost.localdomain'));
}
const KEYWORDS = {
    any: ['0.0.0.0/0', '::/0'],
    'link-local': ['169.254.0.0/16', 'fe80::/64'],
    multicast: ['224.0.0.0/4', 'ff00::/8']
};
/** Words of one assignment turned into prefixes; invalid words are reported and dropped. */
function parseIpAssignment(value) {
    const prefixes = [];
    const invalid = [];
    for (const word of extractWords(value).words) {
        if (Object.hasOwn(KEYWORDS, word)) {
            for (const text of KEYWORDS[word])
                prefixes.push(parseIpPrefix(text));
        }
        else if (isLocalhostName(word)) {
            prefixes.push(LOCALHOST_V4, LOCALHOST_V6);
        }
        else {
            const prefix = parseIpPrefix(word);
            if (prefix)
                prefixes.push(prefix);
            else
                invalid.push(word);
        }
    }
    return { prefixes, invalid };
}
/** in_addr_is_localhost() on the masked address: 127.0.0.0/8 or ::1. */
function isLocalhostPrefix(prefix) {
    if (prefix.family === 4)
        return prefix.bytes[0] === 127;
    return prefix.bytes.every((byte, index) => byte === (index === 15 ? 1 : 0));
}

/** RestrictNamespaces=: the set of namespace types a service may still create. */
const NAMESPACE_FLAGS = {
    cgroup: 1 << 0,
    ipc: 1 << 1,
    net: 1 << 2,
    mnt: 1 << 3,
    pid: 1 << 4,
    user: 1 << 5,
    uts: 1 << 6,
    time: 1 << 7
};
const ALL_NAMESPACES = 0xff;
function namespaceAllowed(state, type) {
    if (state === 'initial')
        return true;
    return (state & (Object.hasOwn(NAMESPACE_FLAGS, type) ? NAMESPACE_FLAGS[type] : 0)) !== 0;
}
/** Applies one assignment (config_parse_restrict_namespaces); undefined = invalid, ignored. */
function applyNamespaceAssignment(current, value) {
    if (value === '')
        return 'initial';
    const bool = parseBoolean(value);
    if (bool === true)
        return 0;
    if (bool === false)
        return ALL_NAMESPACES;
    const invert = value.startsWith('~');
    const { words, error } = extractWords(invert ? value.slice(1) : value);
    if (error)
        return undefined;
    let flags = 0;
    for (const word of words) {
        if (!Object.hasOwn(NAMESPACE_FLAGS, word))
            return undefined;
        flags |= NAMESPACE_FLAGS[word];
    }
    if (current === 'initial')
        return invert ? ALL_NAMESPACES & ~flags : flags;
    return invert ? current & ~flags : current | flags;
}

// Generated by scripts/gen-unit-keys.mjs from `systemd --dump-configuration-items` of systemd
// 252, 254, 257, 262. Do not edit.
/** The versions measured, in order: bit i of a key's mask is set when versions[i] knows it. */
const UNIT_KEY_VERSIONS = [252, 254, 257, 262];
/** Per section of a service unit: every key some measured version knows, with its mask. */
const UNIT_KEYS = {
    Unit: {
        After: 15,
        AllowIsolate: 15,
        AssertACPower: 15,
        AssertArchitecture: 15,
        AssertCPUFeature: 15,
        AssertCPUPressure: 15,
        AssertCPUs: 15,
        AssertCapability: 15,
        AssertControlGroupController: 15,
        AssertCredential: 15,
        AssertDirectoryNotEmpty: 15,
        AssertEnvironment: 15,
        AssertFileIsExecutable: 15,
        AssertFileNotEmpty: 15,
        AssertFirstBoot: 15,
        AssertFraction: 8,
        AssertGroup: 15,
        AssertHost: 15,
        AssertIOPressure: 15,
        AssertKernelCommandLine: 15,
        AssertKernelModuleLoaded: 8,
        AssertKernelVersion: 15,
        AssertMachineTag: 8,
        AssertMemory: 15,
        AssertMemoryPressure: 15,
        AssertNeedsUpdate: 15,
        AssertOSRelease: 15,
        AssertPathExists: 15,
        AssertPathExistsGlob: 15,
        AssertPathIsDirectory: 15,
        AssertPathIsEncrypted: 15,
        AssertPathIsMountPoint: 15,
        AssertPathIsReadWrite: 15,
        AssertPathIsSocket: 8,
        AssertPathIsSymbolicLink: 15,
        AssertSecurity: 15,
        AssertUser: 15,
        AssertVersion: 8,
        AssertVirtualization: 15,
        Before: 15,
        BindTo: 15,
        BindsTo: 15,
        CollectMode: 15,
        ConditionACPower: 15,
        ConditionArchitecture: 15,
        ConditionCPUFeature: 15,
        ConditionCPUPressure: 15,
        ConditionCPUs: 15,
        ConditionCapability: 15,
        ConditionControlGroupController: 15,
        ConditionCredential: 15,
        ConditionDirectoryNotEmpty: 15,
        ConditionEnvironment: 15,
        ConditionFileIsExecutable: 15,
        ConditionFileNotEmpty: 15,
        ConditionFirmware: 15,
        ConditionFirstBoot: 15,
        ConditionFraction: 8,
        ConditionGroup: 15,
        ConditionHost: 15,
        ConditionIOPressure: 15,
        ConditionKernelCommandLine: 15,
        ConditionKernelModuleLoaded: 8,
        ConditionKernelVersion: 15,
        ConditionMachineTag: 8,
        ConditionMemory: 15,
        ConditionMemoryPressure: 15,
        ConditionNeedsUpdate: 15,
        ConditionOSRelease: 15,
        ConditionPathExists: 15,
        ConditionPathExistsGlob: 15,
        ConditionPathIsDirectory: 15,
        ConditionPathIsEncrypted: 15,
        ConditionPathIsMountPoint: 15,
        ConditionPathIsReadWrite: 15,
        ConditionPathIsSocket: 8,
        ConditionPathIsSymbolicLink: 15,
        ConditionSecurity: 15,
        ConditionUser: 15,
        ConditionVersion: 8,
        ConditionVirtualization: 15,
        Conflicts: 15,
        DefaultDependencies: 15,
        Description: 15,
        Documentation: 15,
        FailureAction: 15,
        FailureActionExitStatus: 15,
        IgnoreOnIsolate: 15,
        JobRunningTimeoutSec: 15,
        JobTimeoutAction: 15,
        JobTimeoutRebootArgument: 15,
        JobTimeoutSec: 15,
        JoinsNamespaceOf: 15,
        OnFailure: 15,
        OnFailureIsolate: 15,
        OnFailureJobMode: 15,
        OnSuccess: 15,
        OnSuccessJobMode: 15,
        PartOf: 15,
        PropagateReloadFrom: 15,
        PropagateReloadTo: 15,
        PropagatesReloadTo: 15,
        PropagatesStopTo: 15,
        RebootArgument: 15,
        RefuseManualStart: 15,
        RefuseManualStop: 15,
        ReloadPropagatedFrom: 15,
        Requires: 15,
        RequiresMountsFor: 15,
        RequiresOverridable: 15,
        Requisite: 15,
        RequisiteOverridable: 15,
        SourcePath: 15,
        StartLimitAction: 15,
        StartLimitBurst: 15,
        StartLimitInterval: 15,
        StartLimitIntervalSec: 15,
        StopPropagatedFrom: 15,
        StopWhenUnneeded: 15,
        SuccessAction: 15,
        SuccessActionExitStatus: 15,
        SurviveFinalKillSignal: 12,
        Upholds: 15,
        Wants: 15,
        WantsMountsFor: 12
    },
    Service: {
        AllowedCPUs: 15,
        AllowedMemoryNodes: 15,
        AmbientCapabilities: 15,
        AppArmorProfile: 15,
        BPFDelegateAttachments: 8,
        BPFDelegateCommands: 8,
        BPFDelegateMaps: 8,
        BPFDelegatePrograms: 8,
        BPFProgram: 15,
        BindLogSockets: 12,
        BindNetworkInterface: 8,
        BindPaths: 15,
        BindReadOnlyPaths: 15,
        BlockIOAccounting: 7,
        BlockIODeviceWeight: 7,
        BlockIOReadBandwidth: 7,
        BlockIOWeight: 7,
        BlockIOWriteBandwidth: 7,
        BusName: 15,
        CPUAccounting: 7,
        CPUAffinity: 15,
        CPUPressureThresholdSec: 8,
        CPUPressureWatch: 8,
        CPUQuota: 15,
        CPUQuotaPeriodSec: 15,
        CPUSchedulingPolicy: 15,
        CPUSchedulingPriority: 15,
        CPUSchedulingResetOnFork: 15,
        CPUSetPartition: 8,
        CPUShares: 7,
        CPUWeight: 15,
        CacheDirectory: 15,
        CacheDirectoryAccounting: 8,
        CacheDirectoryMode: 15,
        CacheDirectoryQuota: 8,
        CapabilityBoundingSet: 15,
        ConfigurationDirectory: 15,
        ConfigurationDirectoryMode: 15,
        CoredumpFilter: 15,
        CoredumpReceive: 12,
        DefaultMemoryLow: 7,
        DefaultMemoryMin: 7,
        DefaultStartupMemoryLow: 6,
        Delegate: 15,
        DelegateNamespaces: 8,
        DelegateSubgroup: 14,
        DeviceAllow: 15,
        DevicePolicy: 15,
        DisableControllers: 15,
        DynamicUser: 15,
        Environment: 15,
        EnvironmentFile: 15,
        ExecCondition: 15,
        ExecPaths: 15,
        ExecReload: 15,
        ExecReloadPost: 8,
        ExecSearchPath: 15,
        ExecStart: 15,
        ExecStartPost: 15,
        ExecStartPre: 15,
        ExecStop: 15,
        ExecStopPost: 15,
        ExitType: 15,
        ExtensionDirectories: 15,
        ExtensionImagePolicy: 14,
        ExtensionImages: 15,
        FailureAction: 15,
        FileDescriptorStoreMax: 15,
        FileDescriptorStorePreserve: 14,
        FinalKillSignal: 15,
        Group: 15,
        GuessMainPID: 15,
        IOAccounting: 15,
        IODeviceLatencyTargetSec: 15,
        IODeviceWeight: 15,
        IOPressureThresholdSec: 8,
        IOPressureWatch: 8,
        IOReadBandwidthMax: 15,
        IOReadIOPSMax: 15,
        IOSchedulingClass: 15,
        IOSchedulingPriority: 15,
        IOWeight: 15,
        IOWriteBandwidthMax: 15,
        IOWriteIOPSMax: 15,
        IPAccounting: 15,
        IPAddressAllow: 15,
        IPAddressDeny: 15,
        IPCNamespacePath: 15,
        IPEgressFilterPath: 15,
        IPIngressFilterPath: 15,
        IgnoreSIGPIPE: 15,
        ImportCredential: 14,
        InaccessibleDirectories: 15,
        InaccessiblePaths: 15,
        KeyringMode: 15,
        KillMode: 15,
        KillSignal: 15,
        LUOSession: 8,
        LimitAS: 15,
        LimitCORE: 15,
        LimitCPU: 15,
        LimitDATA: 15,
        LimitFSIZE: 15,
        LimitLOCKS: 15,
        LimitMEMLOCK: 15,
        LimitMSGQUEUE: 15,
        LimitNICE: 15,
        LimitNOFILE: 15,
        LimitNPROC: 15,
        LimitRSS: 15,
        LimitRTPRIO: 15,
        LimitRTTIME: 15,
        LimitSIGPENDING: 15,
        LimitSTACK: 15,
        LoadCredential: 15,
        LoadCredentialEncrypted: 15,
        LockPersonality: 15,
        LogExtraFields: 15,
        LogFilterPatterns: 14,
        LogLevelMax: 15,
        LogNamespace: 15,
        LogRateLimitBurst: 15,
        LogRateLimitIntervalSec: 15,
        LogsDirectory: 15,
        LogsDirectoryAccounting: 8,
        LogsDirectoryMode: 15,
        LogsDirectoryQuota: 8,
        ManagedOOMMemoryPressure: 15,
        ManagedOOMMemoryPressureDurationSec: 12,
        ManagedOOMMemoryPressureLimit: 15,
        ManagedOOMPreference: 15,
        ManagedOOMSwap: 15,
        MemoryAccounting: 15,
        MemoryDenyWriteExecute: 15,
        MemoryHigh: 15,
        MemoryKSM: 14,
        MemoryLimit: 7,
        MemoryLow: 15,
        MemoryMax: 15,
        MemoryMin: 15,
        MemoryPressureThresholdSec: 14,
        MemoryPressureWatch: 14,
        MemorySwapMax: 15,
        MemoryTHP: 8,
        MemoryZSwapMax: 14,
        MemoryZSwapWriteback: 12,
        MountAPIVFS: 15,
        MountFlags: 15,
        MountImagePolicy: 14,
        MountImages: 15,
        NFTSet: 12,
        NUMAMask: 15,
        NUMAPolicy: 15,
        NetworkNamespacePath: 15,
        Nice: 15,
        NoExecPaths: 15,
        NoNewPrivileges: 15,
        NonBlocking: 15,
        NotifyAccess: 15,
        OOMPolicy: 15,
        OOMRules: 8,
        OOMScoreAdjust: 15,
        OpenFile: 14,
        PAMName: 15,
        PIDFile: 15,
        PassEnvironment: 15,
        PermissionsStartOnly: 15,
        Personality: 15,
        PrivateBPF: 8,
        PrivateDevices: 15,
        PrivateIPC: 15,
        PrivateMounts: 15,
        PrivateNetwork: 15,
        PrivatePIDs: 12,
        PrivateTmp: 15,
        PrivateUsers: 15,
        ProcSubset: 15,
        ProtectClock: 15,
        ProtectControlGroups: 15,
        ProtectHome: 15,
        ProtectHostname: 15,
        ProtectKernelLogs: 15,
        ProtectKernelModules: 15,
        ProtectKernelTunables: 15,
        ProtectProc: 15,
        ProtectSystem: 15,
        ReadOnlyDirectories: 15,
        ReadOnlyPaths: 15,
        ReadWriteDirectories: 15,
        ReadWritePaths: 15,
        RebootArgument: 15,
        RefreshOnReload: 8,
        ReloadSignal: 14,
        RemainAfterExit: 15,
        RemoveIPC: 15,
        Restart: 15,
        RestartForceExitStatus: 15,
        RestartKillSignal: 15,
        RestartMaxDelaySec: 14,
        RestartMode: 14,
        RestartPreventExitStatus: 15,
        RestartRandomizedDelaySec: 8,
        RestartSec: 15,
        RestartSteps: 14,
        RestrictAddressFamilies: 15,
        RestrictFileSystems: 15,
        RestrictNamespaces: 15,
        RestrictNetworkInterfaces: 15,
        RestrictRealtime: 15,
        RestrictSUIDSGID: 15,
        RootDirectory: 15,
        RootDirectoryStartOnly: 15,
        RootEphemeral: 14,
        RootHash: 15,
        RootHashSignature: 15,
        RootImage: 15,
        RootImageOptions: 15,
        RootImagePolicy: 14,
        RootMStack: 8,
        RootVerity: 15,
        RuntimeDirectory: 15,
        RuntimeDirectoryMode: 15,
        RuntimeDirectoryPreserve: 15,
        RuntimeMaxSec: 15,
        RuntimeRandomizedExtraSec: 15,
        SELinuxContext: 15,
        SecureBits: 15,
        SendSIGHUP: 15,
        SendSIGKILL: 15,
        SetCredential: 15,
        SetCredentialEncrypted: 15,
        SetLoginEnvironment: 12,
        Slice: 15,
        SmackProcessLabel: 15,
        SocketBindAllow: 15,
        SocketBindDeny: 15,
        Sockets: 15,
        StandardError: 15,
        StandardInput: 15,
        StandardInputData: 15,
        StandardInputText: 15,
        StandardOutput: 15,
        StartLimitAction: 15,
        StartLimitBurst: 15,
        StartLimitInterval: 15,
        StartupAllowedCPUs: 15,
        StartupAllowedMemoryNodes: 15,
        StartupBlockIOWeight: 7,
        StartupCPUShares: 7,
        StartupCPUWeight: 15,
        StartupIOWeight: 15,
        StartupMemoryHigh: 14,
        StartupMemoryLow: 14,
        StartupMemoryMax: 14,
        StartupMemorySwapMax: 14,
        StartupMemoryZSwapMax: 14,
        StateDirectory: 15,
        StateDirectoryAccounting: 8,
        StateDirectoryMode: 15,
        StateDirectoryQuota: 8,
        SuccessExitStatus: 15,
        SupplementaryGroups: 15,
        SyslogFacility: 15,
        SyslogIdentifier: 15,
        SyslogLevel: 15,
        SyslogLevelPrefix: 15,
        SystemCallArchitectures: 15,
        SystemCallErrorNumber: 15,
        SystemCallFilter: 15,
        SystemCallLog: 15,
        TTYColumns: 15,
        TTYPath: 15,
        TTYReset: 15,
        TTYRows: 15,
        TTYVHangup: 15,
        TTYVTDisallocate: 15,
        TasksAccounting: 15,
        TasksMax: 15,
        TemporaryFileSystem: 15,
        TimeoutAbortSec: 15,
        TimeoutCleanSec: 15,
        TimeoutSec: 15,
        TimeoutStartFailureMode: 15,
        TimeoutStartSec: 15,
        TimeoutStopFailureMode: 15,
        TimeoutStopSec: 15,
        TimerSlackNSec: 15,
        Type: 15,
        UMask: 15,
        USBFunctionDescriptors: 15,
        USBFunctionStrings: 15,
        UnsetEnvironment: 15,
        User: 15,
        UserNamespacePath: 8,
        UtmpIdentifier: 15,
        UtmpMode: 15,
        WatchdogSec: 15,
        WatchdogSignal: 15,
        WorkingDirectory: 15
    },
    Install: {
        Alias: 15,
        Also: 15,
        DefaultInstance: 15,
        RequiredBy: 15,
        UpheldBy: 14,
        WantedBy: 15
    }
};
/** Keys only other unit types take (no measured version reads them in a service), and where. */
const OTHER_TYPE_KEYS = {
    Accept: ['Socket'],
    AcceptFileDescriptors: ['Socket'],
    AccuracySec: ['Timer'],
    ActivatingConcurrencyMax: ['Slice'],
    Backlog: ['Socket'],
    BindIPv6Only: ['Socket'],
    BindToDevice: ['Socket'],
    Broadcast: ['Socket'],
    ConcurrencyHardMax: ['Slice'],
    ConcurrencySoftMax: ['Slice'],
    DeferAcceptSec: ['Socket'],
    DeferReactivation: ['Timer'],
    DeferTrigger: ['Socket'],
    DeferTriggerMaxSec: ['Socket'],
    DirectoryMode: ['Automount', 'Mount', 'Path', 'Socket'],
    DirectoryNotEmpty: ['Path'],
    ExecStopPre: ['Socket'],
    ExtraOptions: ['Automount'],
    FileDescriptorName: ['Socket'],
    FixedRandomDelay: ['Timer'],
    FlushPending: ['Socket'],
    ForceUnmount: ['Mount'],
    FreeBind: ['Socket'],
    IPTOS: ['Socket'],
    IPTTL: ['Socket'],
    KeepAlive: ['Socket'],
    KeepAliveIntervalSec: ['Socket'],
    KeepAliveProbes: ['Socket'],
    KeepAliveTimeSec: ['Socket'],
    LazyUnmount: ['Mount'],
    ListenDatagram: ['Socket'],
    ListenFIFO: ['Socket'],
    ListenMessageQueue: ['Socket'],
    ListenNetlink: ['Socket'],
    ListenSequentialPacket: ['Socket'],
    ListenSpecial: ['Socket'],
    ListenStream: ['Socket'],
    ListenUSBFunction: ['Socket'],
    MakeDirectory: ['Path'],
    Mark: ['Socket'],
    MaxConnections: ['Socket'],
    MaxConnectionsPerSource: ['Socket'],
    MessageQueueMaxMessages: ['Socket'],
    MessageQueueMessageSize: ['Socket'],
    NoDelay: ['Socket'],
    OnActiveSec: ['Timer'],
    OnBootSec: ['Timer'],
    OnCalendar: ['Timer'],
    OnClockChange: ['Timer'],
    OnStartupSec: ['Timer'],
    OnTimezoneChange: ['Timer'],
    OnUnitActiveSec: ['Timer'],
    OnUnitInactiveSec: ['Timer'],
    Options: ['Mount', 'Swap'],
    PassCredentials: ['Socket'],
    PassFileDescriptorsToExec: ['Socket'],
    PassPIDFD: ['Socket'],
    PassPacketInfo: ['Socket'],
    PassSecurity: ['Socket'],
    PathChanged: ['Path'],
    PathExists: ['Path'],
    PathExistsGlob: ['Path'],
    PathModified: ['Path'],
    Persistent: ['Timer'],
    PipeSize: ['Socket'],
    PollLimitBurst: ['Socket'],
    PollLimitIntervalSec: ['Socket'],
    Priority: ['Socket', 'Swap'],
    RandomizedDelaySec: ['Timer'],
    RandomizedOffsetSec: ['Timer'],
    ReadWriteOnly: ['Mount'],
    ReceiveBuffer: ['Socket'],
    RemainAfterElapse: ['Timer'],
    RemoveOnStop: ['Socket'],
    ReusePort: ['Socket'],
    SELinuxContextFromNet: ['Socket'],
    SendBuffer: ['Socket'],
    Service: ['Socket'],
    SloppyOptions: ['Mount'],
    SmackLabel: ['Socket'],
    SmackLabelIPIn: ['Socket'],
    SmackLabelIPOut: ['Socket'],
    SocketGroup: ['Socket'],
    SocketMode: ['Socket'],
    SocketProtocol: ['Socket'],
    SocketUser: ['Socket'],
    Symlinks: ['Socket'],
    TCPCongestion: ['Socket'],
    TimeoutIdleSec: ['Automount'],
    Timestamping: ['Socket'],
    Transparent: ['Socket'],
    TriggerLimitBurst: ['Path', 'Socket'],
    TriggerLimitIntervalSec: ['Path', 'Socket'],
    Unit: ['Path', 'Timer'],
    WakeSystem: ['Timer'],
    What: ['Mount', 'Swap'],
    Where: ['Automount', 'Mount'],
    Writable: ['Socket'],
    XAttrAccept: ['Socket'],
    XAttrEntryPoint: ['Socket'],
    XAttrListen: ['Socket']
};

/**
 * Keys systemd does not know in a service's sections: it logs "Unknown key 'After' in section
 * [Service], ignoring." and goes on. The gate says so too, from the keys the measured versions know
 * (data/unit-keys.ts): a key is reported unknown only when no measured version around the target
 * knows it, so a version between two measurements never gets a false report. It also says what
 * systemd does not: the key a misspelt one likely meant, where a key of another unit type or of a
 * newer systemd belongs.
 */
/** The sections of a service unit, in the order of a key's masks. */
const SECTIONS = ['Unit', 'Service', 'Install'];
/** A key's masks (bit i: UNIT_KEY_VERSIONS[i] knows it) in [Unit], [Service] and [Install]. */
function keyMasks(key) {
    return SECTIONS.map((section) => Object.hasOwn(UNIT_KEYS[section], key) ? UNIT_KEYS[section][key] : 0);
}
/**
 * The section whose key it is in every measured version (undefined: none, or several): a line of
 * it there needs no further look.
 */
function homeSection(masks) {
    const all = (1 << UNIT_KEY_VERSIONS.length) - 1;
    const homes = SECTIONS.filter((_, i) => masks[i] === all);
    return homes.length === 1 ? homes[0] : undefined;
}
function sectionIndex(section) {
    return section === 'Service' ? 1 : section === 'Unit' ? 0 : section === 'Install' ? 2 : -1;
}
const consulted = new Map();
/**
 * The measured versions that speak for `version`, as a mask: every one up to the first at or
 * above it (all of them past the last). Keys are added over time and never forgotten: a removed
 * one gets "Support for option X= has been removed" instead, and --dump-configuration-items no
 * longer lists it, so a key any of those versions knows is known; one first measured above the
 * next version up may be known between two measurements, and is not reported.
 */
function consultedFor(version) {
    let mask = consulted.get(version);
    if (mask !== undefined)
        return mask;
    const above = UNIT_KEY_VERSIONS.findIndex((v) => v >= version);
    const last = above < 0 ? UNIT_KEY_VERSIONS.length - 1 : above;
    mask = (1 << (last + 1)) - 1;
    consulted.set(version, mask);
    return mask;
}
/**
 * Keys systemd still names but ignores, which --dump-configuration-items omits: 252-262 say
 * "Support for option Capabilities= has been removed and it is ignored" (measured, session 25).
 */
const LEGACY_KEYS = {
    Unit: new Set(['IgnoreOnSnapshot']),
    Service: new Set(['Capabilities', 'SysVStartPriority', 'BusPolicy', 'NetClass'])
};
/** The longest distance from a key to the one it is taken to misspell, by the key's length. */
function typoBudget(length) {
    return length <= 3 ? 0 : length <= 6 ? 1 : 2;
}
/** Rows of editDistance(), kept between calls: a key is checked against hundreds of known ones. */
let rows = [new Int32Array(0), new Int32Array(0), new Int32Array(0)];
/**
 * The number of single-character edits (insert, delete, substitute, swap two neighbours) from `a`
 * to `b` when it is at most `max`, else max + 1. Only the diagonal band of width max is filled, and
 * a row past the budget ends it.
 */
function editDistance(a, b, max) {
    const far = max + 1;
    if (Math.abs(a.length - b.length) > max)
        return far;
    const width = b.length + 1;
    if (rows[0].length < width)
        rows = rows.map(() => new Int32Array(width * 2));
    let [before, previous, current] = rows;
    before.fill(far, 0, width);
    for (let j = 0; j < width; j++)
        previous[j] = j <= max ? j : far;
    for (let i = 1; i <= a.length; i++) {
        current.fill(far, 0, width);
        if (i <= max)
            current[0] = i;
        let best = current[0];
        const to = Math.min(b.length, i + max);
        for (let j = Math.max(1, i - max); j <= to; j++) {
            const same = a.charCodeAt(i - 1) === b.charCodeAt(j - 1);
            let d = Math.min(previous[j - 1] + (same ? 0 : 1), previous[j] + 1, current[j - 1] + 1);
            if (i > 1 &&
                j > 1 &&
                a.charCodeAt(i - 1) === b.charCodeAt(j - 2) &&
                a.charCodeAt(i - 2) === b.charCodeAt(j - 1))
                d = Math.min(d, before[j - 2] + 1);
            current[j] = Math.min(d, far);
            if (d < best)
                best = d;
        }
        if (best > max)
            return far;
        [before, previous, current] = [previous, current, before];
    }
    return Math.min(previous[b.length], far);
}
/** Every key some measured version knows in the three sections, by length. */
let keysByLength;
function knownKeysByLength() {
    if (keysByLength !== undefined)
        return keysByLength;
    const byLength = [];
    for (const key of new Set(SECTIONS.flatMap((section) => Object.keys(UNIT_KEYS[section])))) {
        for (let n = byLength.length; n <= key.length; n++)
            byLength.push([]);
        byLength[key.length].push({ key, lower: key.toLowerCase(), masks: keyMasks(key) });
    }
    return (keysByLength = byLength);
}
/**
 * The measured version whose keys a guess for `version` is drawn from, as a bit: the newest at or
 * below it (a key it reads is read from then on, unless removed: 262 no longer reads CPUShares=),
 * else the oldest, the caller leaving out what is newer than the target.
 */
function guessedFrom(version) {
    let index = 0;
    UNIT_KEY_VERSIONS.forEach((v, i) => {
        if (v <= version)
            index = i;
    });
    return 1 << index;
}
/**
 * The known key `key` most likely misspells (a case slip, a letter left out, doubled or swapped),
 * preferring one of `index`'s section, with the sections the target reads it in; undefined when
 * none is close, two are equally close, or the closest is one the target does not read (PrivatePID=
 * at 255 is a PrivatePIDs= of 257 written early, not a slip of PrivateIPC=).
 */
function misspelled(key, index, version, readsAt) {
    const byLength = knownKeysByLength();
    let max = typoBudget(key.length);
    if (key.length > byLength.length - 1 + max)
        return undefined;
    const lower = key.toLowerCase();
    let found = [];
    const last = Math.min(byLength.length - 1, key.length + max);
    for (let n = Math.max(0, key.length - max); n <= last; n++) {
        for (const known of byLength[n]) {
            const distance = editDistance(lower, known.lower, max);
            if (distance > max)
                continue;
            if (distance < max)
                found = [];
            max = distance;
            found.push(known);
        }
    }
    const bit = guessedFrom(version);
    const read = found.map((f) => ({
        key: f.key,
        sections: readsAt(f.key, version)
            ? f.masks.reduce((all, mask, i) => ((mask & bit) !== 0 ? all | (1 << i) : all), 0)
            : 0
    }));
    if (read.some((r) => r.sections === 0))
        return undefined;
    const here = read.filter((r) => (r.sections & (1 << index)) !== 0);
    const pick = here.length > 0 ? here : read;
    return pick.length === 1 ? pick[0] : undefined;
}
/**
 * The measured version a target is judged by for keys that were removed: itself when measured, the
 * newest past the last (undefined between two measurements: when it went is not known).
 */
function measuredAt(version) {
    const last = UNIT_KEY_VERSIONS.length - 1;
    if (version > UNIT_KEY_VERSIONS[last])
        return last;
    const index = UNIT_KEY_VERSIONS.indexOf(version);
    return index < 0 ? undefined : index;
}
/**
 * What to say of a key systemd `version` ignores in `section` (undefined: it reads it, or a version
 * around it may). `masks`: keyMasks(key). `guess`: whether to guess at the key a misspelt one
 * meant, and `readsAt` what the tables cannot tell, whether the target reads a known key (the
 * directives' first versions below the measured ones).
 */
function ignoredKey(key, section, masks, version, guess = true, readsAt = () => true) {
    const index = sectionIndex(section);
    // extension keys (X-...) are ignored without a word
    if (index < 0 || key.startsWith('X-'))
        return undefined;
    if (LEGACY_KEYS[section]?.has(key))
        return {
            code: 'ignored-by-version',
            message: `${key}= is no longer supported by systemd: it ignores the line`
        };
    const mask = masks[index];
    const at = measuredAt(version);
    if (at !== undefined && (mask & (1 << at)) === 0 && (mask & ((1 << at) - 1)) !== 0) {
        // known before, gone from this version's table: "Support for option X= has been removed"
        const last = UNIT_KEY_VERSIONS[31 - Math.clz32(mask & ((1 << at) - 1))];
        return {
            code: 'ignored-by-version',
            message: `${key}= is no longer supported by systemd ${version} (${last} read it): it ignores the line`
        };
    }
    const around = consultedFor(version);
    if ((mask & around) !== 0)
        return undefined;
    const other = SECTIONS.find((_, i) => i !== index && (masks[i] & around) !== 0);
    if (other !== undefined)
        return {
            code: 'wrong-section',
            message: `${key}= belongs in [${other}]; under [${section}] systemd ignores it`
        };
    // a key of a newer systemd: not a typo to guess at
    const firstReading = (m) => UNIT_KEY_VERSIONS[31 - Math.clz32(m & -m)];
    if (mask !== 0)
        return {
            code: 'ignored-by-version',
            message: `${key}= is ignored by systemd ${version} (systemd ${firstReading(mask)} reads it)`
        };
    const newer = masks.findIndex((m) => m !== 0);
    if (newer >= 0)
        return {
            code: 'wrong-section',
            message: `${key}= belongs in [${SECTIONS[newer]}] (systemd ${firstReading(masks[newer])} reads it there); under [${section}] systemd ignores it`
        };
    const unknown = `Unknown key '${key}' in [${section}]: systemd ignores the line`;
    if (key.startsWith('-'))
        return {
            code: 'unknown-key',
            message: `${unknown} (a command-line option on a line of its own: does the line before it lack its continuation backslash?)`
        };
    const types = Object.hasOwn(OTHER_TYPE_KEYS, key) ? OTHER_TYPE_KEYS[key] : undefined;
    if (types !== undefined)
        return {
            code: 'unknown-key',
            message: `${unknown} (${key}= is a key of ${types.map((t) => `[${t}]`).join(', ')}, in ${types.map((t) => `.${t.toLowerCase()}`).join(', ')} units: a service does not take it)`
        };
    const meant = guess ? misspelled(key, index, version, readsAt) : undefined;
    if (meant === undefined)
        return { code: 'unknown-key', message: unknown };
    const where = (meant.sections & (1 << index)) !== 0
        ? ''
        : ` in [${SECTIONS.find((_, i) => (meant.sections & (1 << i)) !== 0)}]`;
    return {
        code: 'unknown-key',
        message: `${unknown}; did you mean ${meant.key}=${where}?`,
        meant: meant.key
    };
}

const list = (items) => items
    .slice(0, 3)
    .map((item) => `'${item}'`)
    .join(', ') + (items.length > 3 ? ` and ${items.length - 3} more` : '');
/** Words that are plainly absolute, normalized paths (the usual line): no need to look closer
 * (a word of up to 255 characters has no component over NAME_MAX). */
const PLAIN_PATHS = /^(?:[-+]{0,2}\/[\w/.@:+-]{0,254}(?:[ \t]+|$))*$/;
const DOT_COMPONENT = /\/\.{1,2}(?:[/ \t]|$)|\/\//;
/**
 * config_parse_namespace_path_strv(): each word, after an optional '-' and '+', must be an absolute,
 * normalized path once its specifiers are expanded ("ReadWritePaths= path is not absolute, ignoring:
 * $LOGDIR", "... is not normalized", "Failed to resolve unit specifiers").
 */
function pathListWarning(key) {
    return (value, unit, version) => {
        if (PLAIN_PATHS.test(value) && !DOT_COMPONENT.test(value))
            return undefined;
        const relative = [];
        const unnormal = [];
        const unresolved = [];
        for (const word of extractWords(value, { unquote: true }).words) {
            const path = word.replace(/^-?\+?/, '');
            // (the expansion and checks of absolutePathOf(), told apart)
            const expanded = expandPathSpecifiers(path, unit, version);
            if ('error' in expanded)
                unresolved.push(path);
            else if (!expanded.value.startsWith('/'))
                relative.push(path);
            else if (!isAbsoluteNormalPath(expanded.value, version))
                unnormal.push(path);
        }
        const parts = [];
        const are = (items, what) => `${list(items)} ${items.length === 1 ? 'is' : 'are'} ${what}`;
        if (relative.length > 0)
            parts.push(are(relative, relative.length === 1 ? 'not an absolute path' : 'not absolute paths') +
                (relative.some((r) => r.includes('$')) ? ' (unit files expand no $VARIABLES)' : ''));
        if (unnormal.length > 0)
            parts.push(are(unnormal, "not normalized (a '..', or a name over 255 bytes)"));
        if (unresolved.length > 0)
            parts.push(`${list(unresolved)} ${unresolved.length === 1 ? 'has' : 'have'} specifiers systemd cannot resolve`);
        if (parts.length === 0)
            return undefined;
        const count = relative.length + unnormal.length + unresolved.length;
        return `${key}=: ${parts.join('; ')}; systemd leaves ${count === 1 ? 'it' : 'them'} out`;
    };
}
/** SOURCE[:DESTINATION[:rbind|norbind]] entries of plain absolute paths (the usual line) */
const PLAIN_BINDS = /^(?:-?\/[\w/.@+-]{0,254}(?::\/[\w/.@+-]{0,254}(?::(?:rbind|norbind))?)?(?:[ \t]+|$))*$/;
/**
 * config_parse_bind_paths(): an entry whose source, destination or options systemd refuses is
 * skipped with a warning ("BindPaths= path is not absolute, ignoring: @DIR@/dev/log"); a sandbox
 * built of such lines binds nothing (parity batch 27: an unbound drop-in's @PLACEHOLDER@ paths).
 */
function bindPathsWarning(key) {
    return (value, unit, version) => {
        if (PLAIN_BINDS.test(value) && !DOT_COMPONENT.test(value))
            return undefined;
        const { skipped } = bindEntries(value, unit, version);
        if (skipped.length === 0)
            return undefined;
        const one = skipped.length === 1;
        return `${key}=: ${list(skipped)} ${one ? 'is not a bind' : 'are not binds'} systemd takes (absolute, normalized paths, rbind or norbind); it leaves ${one ? 'it' : 'them'} out`;
    };
}
/** PATH[:OPTIONS] words of plain absolute paths (the usual line) */
const PLAIN_TEMPORARY = /^(?:\/[\w/.@+-]{0,254}(?::\S*)?(?:[ \t]+|$))*$/;
/**
 * config_parse_temporary_filesystems(): each word's PATH, before the first ':', must be an absolute,
 * normalized path once its specifiers are expanded, or the word is skipped with a warning.
 */
const temporaryFileSystemWarning = (value, unit, version) => {
    if (PLAIN_TEMPORARY.test(value) && !DOT_COMPONENT.test(value))
        return undefined;
    // (TemporaryFileSystem= takes no '-' or '+' before its paths)
    const { skipped } = pathListWords(value, /^/, true, unit, version);
    if (skipped.length === 0)
        return undefined;
    const one = skipped.length === 1;
    return `TemporaryFileSystem=: ${list(skipped)} ${one ? 'has no absolute path' : 'have no absolute paths'} systemd takes; it mounts nothing there`;
};
/**
 * config_parse_unit_env_file(): after one optional '-', the whole value (no unquoting) must be an
 * absolute, normalized path once its specifiers are expanded, or no file is read ("EnvironmentFile=
 * path is not absolute, ignoring: @initconfdir@/zfs", parity batch 27; the same at 252 to 262).
 */
const environmentFileWarning = (value, unit, version) => {
    const path = value.startsWith('-') ? value.slice(1) : value;
    if (value === '' || (path.startsWith('/') && !path.includes('%') && !DOT_COMPONENT.test(path)))
        return undefined;
    const expanded = expandPathSpecifiers(path, unit, version);
    if ('error' in expanded)
        return `EnvironmentFile=: '${path}' has specifiers systemd cannot resolve; it reads no file`;
    if (isAbsoluteNormalPath(expanded.value, version))
        return undefined;
    return `EnvironmentFile=: '${path}' is not ${expanded.value.startsWith('/') ? "normalized (a '..', or a name over 255 bytes)" : 'an absolute path'}; systemd reads no file`;
};
/** config_parse_kill_mode(): KillMode=none loads, with a warning (252 to 262, parity batch 27). */
const killModeWarning = (value) => value === 'none'
    ? "KillMode=none: systemd warns that it is unsafe (the service's processes are left running when it stops, out of systemd's hands)"
    : undefined;
/** The rlimits of systemd.exec(5), Limit*=; only LimitNICE= takes a sign. */
const LIMIT_KEYS = [
    'LimitCPU',
    'LimitFSIZE',
    'LimitDATA',
    'LimitSTACK',
    'LimitCORE',
    'LimitRSS',
    'LimitNOFILE',
    'LimitAS',
    'LimitNPROC',
    'LimitMEMLOCK',
    'LimitLOCKS',
    'LimitSIGPENDING',
    'LimitMSGQUEUE',
    'LimitNICE',
    'LimitRTPRIO',
    'LimitRTTIME'
];
/**
 * config_parse_rlimit(): a value rlimit_parse() refuses leaves the limit at its default ("Failed to
 * parse resource value, ignoring: -1", parity batch 27's mpd units). Only what no limit takes is
 * said: an empty value or half of SOFT:HARD, a negative number where there is no sign (-1 for no
 * limit), a word other than `infinity` (`unlimited`). Not modelled, silent here: units and ranges,
 * a soft limit above the hard one, LimitNICE='s values (checked with 252 and 262).
 */
function limitWarning(key) {
    const signed = key === 'LimitNICE';
    return (value) => {
        const colon = value.indexOf(':');
        const parts = colon < 0 ? [value] : [value.slice(0, colon), value.slice(colon + 1)];
        const bad = parts.find((part) => part === '' ||
            (!signed && part.startsWith('-')) ||
            (part !== 'infinity' && /^[A-Za-z]+$/.test(part)));
        if (bad === undefined)
            return undefined;
        return `${key}=${value}: systemd cannot read ${bad === '' ? 'an empty limit' : `'${bad}'`} (no limit is 'infinity') and keeps the default limit`;
    };
}
/** A name env_name_is_valid() takes: letters, digits and '_', not starting with a digit. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** NAME=VALUE words with nothing to unquote, unescape or expand (the usual line) */
const PLAIN_ASSIGNMENTS = /^(?:[A-Za-z_]\w*=[^\s"'\\%]*(?:[ \t]+|$))*$/;
/**
 * config_parse_environ(): each word unquoted and unescaped, its specifiers expanded, must be
 * NAME=VALUE ("Invalid environment assignment, ignoring: NAME"); at a word it cannot split (a bad
 * escape, an open quote) it stops ("Invalid syntax, ignoring").
 */
const environmentWarning = (value, unit, version) => {
    if (PLAIN_ASSIGNMENTS.test(value))
        return undefined;
    const extracted = extractWords(value, {
        unquote: true,
        cunescape: true,
        strictEscapes: true,
        version
    });
    const bad = [];
    /** names whose value, unescaped, is no valid UTF-8 (env_value_is_valid(); "\xff") */
    const notUtf8 = [];
    for (const word of extracted.words) {
        const expanded = word.includes('%') ? expandSpecifiers(word, unit, version) : { value: word };
        const eq = 'error' in expanded ? -1 : expanded.value.indexOf('=');
        if ('error' in expanded || eq < 0 || !ENV_NAME.test(expanded.value.slice(0, eq)))
            bad.push(word);
        else if (!isValidUtf8Value(expanded.value.slice(eq + 1)))
            notUtf8.push(expanded.value.slice(0, eq));
    }
    const parts = [];
    if (bad.length > 0)
        parts.push(`${list(bad)} ${bad.length === 1 ? 'is not a NAME=VALUE assignment' : 'are not NAME=VALUE assignments'}; systemd leaves ${bad.length === 1 ? 'it' : 'them'} out`);
    if (notUtf8.length > 0)
        parts.push(notUtf8.length === 1
            ? `the value of ${list(notUtf8)} is not valid UTF-8 once unescaped; systemd leaves it out`
            : `the values of ${list(notUtf8)} are not valid UTF-8 once unescaped; systemd leaves them out`);
    if (extracted.error !== undefined)
        parts.push(`systemd cannot split '${extracted.rest.trim()}' (${extracted.error}) and ignores it ("Invalid syntax")`);
    return parts.length === 0 ? undefined : `Environment=: ${parts.join('; ')}`;
};
/** cgroup_controller_to_string()'s names, 252-262 (measured one by one with each build). */
const CONTROLLERS = new Set([
    'cpu',
    'cpuacct',
    'cpuset',
    'io',
    'blkio',
    'memory',
    'devices',
    'pids',
    'bpf-firewall',
    'bpf-devices',
    'bpf-foreign',
    'bpf-socket-bind',
    'bpf-restrict-network-interfaces'
]);
/** known to 262, not to 257; between them not measured */
const BIND_NETWORK_INTERFACE = 'bpf-bind-network-interface';
/** config_parse_delegate(): "Invalid controller name 'bogus', ignoring". */
const delegateWarning = (value, _unit, version) => {
    if (version < 252 || value === '' || parseBoolean(value) !== undefined)
        return undefined;
    const bad = extractWords(value, { unquote: true }).words.filter((word) => !CONTROLLERS.has(word) && !(word === BIND_NETWORK_INTERFACE && version > 257));
    if (bad.length === 0)
        return undefined;
    return `Delegate=: ${list(bad)} ${bad.length === 1 ? 'is not a control group controller' : 'are not control group controllers'} systemd ${version} knows; it leaves ${bad.length === 1 ? 'it' : 'them'} out`;
};
/** "Special user nobody configured, this is not safe!" (config_parse_user_group_compat()). */
const userWarning = (value, unit, version) => {
    const expanded = value.includes('%') ? expandSpecifiers(value, unit, version) : { value };
    if ('error' in expanded || expanded.value !== 'nobody')
        return undefined;
    return "User=nobody: systemd warns that this is not safe (what runs as 'nobody' shares its files and processes with everything else that does); use DynamicUser=yes or a user of its own";
};
/** "Standard output type syslog is obsolete, automatically updating to journal." */
function outputWarning(key) {
    return (value) => value === 'syslog' || value === 'syslog+console'
        ? `${key}=${value} is obsolete: systemd reads it as ${value.replace('syslog', 'journal')} (the journal forwards to syslog where one runs)`
        : undefined;
}
/** From here "PIDFile= references a path below legacy directory /var/run/" (257, 262; 252 and 254
 * say nothing; 255-256 not measured, taken as silent). */
const LEGACY_RUN_WARNED = 257;
/** config_parse_pid_file(): a path below /var/run is read as below /run, with a warning. */
const pidFileWarning = (value, unit, version) => {
    if (version < LEGACY_RUN_WARNED || !value.includes('/var/run'))
        return undefined;
    const expanded = value.includes('%') ? expandSpecifiers(value, unit, version) : { value };
    if ('error' in expanded)
        return undefined;
    const path = expanded.value.replace(/\/{2,}/g, '/');
    if (path !== '/var/run' && !path.startsWith('/var/run/'))
        return undefined;
    return `PIDFile=${path}: /var/run is a legacy name of /run; systemd ${version} reads it as /run${path.slice('/var/run'.length) || '/'} and warns that the unit file should say so`;
};
/**
 * extract_first_word_and_warn(), which config_parse_exec() reads each word with: a word whose
 * escapes cunescape() refuses (`\-`, a final backslash) is read again relaxed, the backslash kept,
 * and systemd logs "Ignoring unknown escape sequences" with the word (parity batch 26).
 */
const execEscapeWarning = (value, _unit, version) => {
    if (!value.includes('\\'))
        return undefined;
    const kept = [];
    for (let position = 0;;) {
        // an escaped command separator `\;` is read as a word ';' before any unescaping
        while (position < value.length && ' \t\n\r'.includes(value[position]))
            position++;
        if (value.startsWith('\\;', position) &&
            (position + 2 === value.length || ' \t\n\r'.includes(value[position + 2]))) {
            position += 2;
            continue;
        }
        const options = { unquote: true, cunescape: true, version };
        const strict = extractFirstWord(value, position, { ...options, strictEscapes: true });
        if (strict === undefined)
            break;
        if ('error' in strict) {
            const relaxed = extractFirstWord(value, position, options);
            if (relaxed === undefined || 'error' in relaxed)
                break;
            kept.push(relaxed.word);
            position = relaxed.next;
        }
        else
            position = strict.next;
    }
    if (kept.length === 0)
        return undefined;
    const words = kept.slice(0, 3).map((word) => `"${word}"`);
    return `Ignoring unknown escape sequences: ${words.join(', ')}${kept.length > 3 ? ` and ${kept.length - 3} more` : ''} (systemd keeps the backslash)`;
};
/** config_parse_exec() from 258: a notice for the '!!' prefix, which it ignores (values/exec.ts). */
const execAmbientHackWarning = (value, unit, version) => {
    if (version < EXEC_AMBIENT_HACK_REMOVED || !value.includes('!!'))
        return undefined;
    if (!parseExecLine(value, unit, version).ambientHack)
        return undefined;
    return `The '!!' prefix is no longer supported: systemd ${version} ignores it, the command runs with the unit's credentials (remove the prefix)`;
};
/** Both notices an Exec*= line can get; systemd logs them on lines of their own. */
const execWarning = (value, unit, version) => {
    const notices = [execAmbientHackWarning, execEscapeWarning]
        .map((warning) => warning(value, unit, version))
        .filter((notice) => notice !== undefined);
    return notices.length ? notices.join('; ') : undefined;
};
const LOAD_WARNINGS = {
    ...Object.fromEntries([
        'ReadWritePaths',
        'ReadOnlyPaths',
        'InaccessiblePaths',
        'ExecPaths',
        'NoExecPaths',
        'ReadWriteDirectories',
        'ReadOnlyDirectories',
        'InaccessibleDirectories'
    ].map((key) => [key, pathListWarning(key)])),
    BindPaths: bindPathsWarning('BindPaths'),
    BindReadOnlyPaths: bindPathsWarning('BindReadOnlyPaths'),
    TemporaryFileSystem: temporaryFileSystemWarning,
    Environment: environmentWarning,
    EnvironmentFile: environmentFileWarning,
    KillMode: killModeWarning,
    ...Object.fromEntries(LIMIT_KEYS.map((key) => [key, limitWarning(key)])),
    Delegate: delegateWarning,
    User: userWarning,
    PIDFile: pidFileWarning,
    StandardOutput: outputWarning('StandardOutput'),
    StandardError: outputWarning('StandardError'),
    ...Object.fromEntries([
        'ExecCondition',
        'ExecStartPre',
        'ExecStart',
        'ExecStartPost',
        'ExecReload',
        'ExecStop',
        'ExecStopPost'
    ].map((key) => [key, execWarning]))
};

// GENERATED by scripts/gen-errno-names.mjs from os.constants.errno and the Linux/glibc errno headers.
// Do not edit by hand: re-run `node scripts/gen-errno-names.mjs` instead.
/** Every Linux errno name (including aliases such as EWOULDBLOCK, EDEADLOCK, ENOTSUP), sorted, unique. */
const ERRNO_NAMES = [
    'E2BIG',
    'EACCES',
    'EADDRINUSE',
    'EADDRNOTAVAIL',
    'EADV',
    'EAFNOSUPPORT',
    'EAGAIN',
    'EALREADY',
    'EBADE',
    'EBADF',
    'EBADFD',
    'EBADMSG',
    'EBADR',
    'EBADRQC',
    'EBADSLT',
    'EBFONT',
    'EBUSY',
    'ECANCELED',
    'ECHILD',
    'ECHRNG',
    'ECOMM',
    'ECONNABORTED',
    'ECONNREFUSED',
    'ECONNRESET',
    'EDEADLK',
    'EDEADLOCK',
    'EDESTADDRREQ',
    'EDOM',
    'EDOTDOT',
    'EDQUOT',
    'EEXIST',
    'EFAULT',
    'EFBIG',
    'EHOSTDOWN',
    'EHOSTUNREACH',
    'EHWPOISON',
    'EIDRM',
    'EILSEQ',
    'EINPROGRESS',
    'EINTR',
    'EINVAL',
    'EIO',
    'EISCONN',
    'EISDIR',
    'EISNAM',
    'EKEYEXPIRED',
    'EKEYREJECTED',
    'EKEYREVOKED',
    'EL2HLT',
    'EL2NSYNC',
    'EL3HLT',
    'EL3RST',
    'ELIBACC',
    'ELIBBAD',
    'ELIBEXEC',
    'ELIBMAX',
    'ELIBSCN',
    'ELNRNG',
    'ELOOP',
    'EMEDIUMTYPE',
    'EMFILE',
    'EMLINK',
    'EMSGSIZE',
    'EMULTIHOP',
    'ENAMETOOLONG',
    'ENAVAIL',
    'ENETDOWN',
    'ENETRESET',
    'ENETUNREACH',
    'ENFILE',
    'ENOANO',
    'ENOBUFS',
    'ENOCSI',
    'ENODATA',
    'ENODEV',
    'ENOENT',
    'ENOEXEC',
    'ENOKEY',
    'ENOLCK',
    'ENOLINK',
    'ENOMEDIUM',
    'ENOMEM',
    'ENOMSG',
    'ENONET',
    'ENOPKG',
    'ENOPROTOOPT',
    'ENOSPC',
    'ENOSR',
    'ENOSTR',
    'ENOSYS',
    'ENOTBLK',
    'ENOTCONN',
    'ENOTDIR',
    'ENOTEMPTY',
    'ENOTNAM',
    'ENOTRECOVERABLE',
    'ENOTSOCK',
    'ENOTSUP',
    'ENOTTY',
    'ENOTUNIQ',
    'ENXIO',
    'EOPNOTSUPP',
    'EOVERFLOW',
    'EOWNERDEAD',
    'EPERM',
    'EPFNOSUPPORT',
    'EPIPE',
    'EPROTO',
    'EPROTONOSUPPORT',
    'EPROTOTYPE',
    'ERANGE',
    'EREMCHG',
    'EREMOTE',
    'EREMOTEIO',
    'ERESTART',
    'ERFKILL',
    'EROFS',
    'ESHUTDOWN',
    'ESOCKTNOSUPPORT',
    'ESPIPE',
    'ESRCH',
    'ESRMNT',
    'ESTALE',
    'ESTRPIPE',
    'ETIME',
    'ETIMEDOUT',
    'ETOOMANYREFS',
    'ETXTBSY',
    'EUCLEAN',
    'EUNATCH',
    'EUSERS',
    'EWOULDBLOCK',
    'EXDEV',
    'EXFULL'
];

// GENERATED by scripts/gen-syscall-groups.mjs from `systemd-analyze syscall-filter` (systemd 252).
// Do not edit by hand: re-run `node scripts/gen-syscall-groups.mjs` instead.
// systemd-analyze note: Not showing unlisted system calls, couldn't retrieve kernel system call list: No such file or directory
/** Members of every seccomp syscall group known to systemd 252, in systemd's order (nested groups kept as '@name'). */
const SYSCALL_GROUPS = {
    '@default': [
        'arch_prctl',
        'brk',
        'cacheflush',
        'clock_getres',
        'clock_getres_time64',
        'clock_gettime',
        'clock_gettime64',
        'clock_nanosleep',
        'clock_nanosleep_time64',
        'execve',
        'exit',
        'exit_group',
        'futex',
        'futex_time64',
        'futex_waitv',
        'get_robust_list',
        'get_thread_area',
        'getegid',
        'getegid32',
        'geteuid',
        'geteuid32',
        'getgid',
        'getgid32',
        'getgroups',
        'getgroups32',
        'getpgid',
        'getpgrp',
        'getpid',
        'getppid',
        'getrandom',
        'getresgid',
        'getresgid32',
        'getresuid',
        'getresuid32',
        'getrlimit',
        'getsid',
        'gettid',
        'gettimeofday',
        'getuid',
        'getuid32',
        'membarrier',
        'mmap',
        'mmap2',
        'mprotect',
        'munmap',
        'nanosleep',
        'pause',
        'prlimit64',
        'restart_syscall',
        'riscv_flush_icache',
        'riscv_hwprobe',
        'rseq',
        'rt_sigreturn',
        'sched_getaffinity',
        'sched_yield',
        'set_robust_list',
        'set_thread_area',
        'set_tid_address',
        'set_tls',
        'sigreturn',
        'time',
        'ugetrlimit',
        'uretprobe'
    ],
    '@aio': [
        'io_cancel',
        'io_destroy',
        'io_getevents',
        'io_pgetevents',
        'io_pgetevents_time64',
        'io_setup',
        'io_submit',
        'io_uring_enter',
        'io_uring_register',
        'io_uring_setup'
    ],
    '@basic-io': [
        '_llseek',
        'close',
        'close_range',
        'dup',
        'dup2',
        'dup3',
        'lseek',
        'pread64',
        'preadv',
        'preadv2',
        'pwrite64',
        'pwritev',
        'pwritev2',
        'read',
        'readv',
        'write',
        'writev'
    ],
    '@chown': ['chown', 'chown32', 'fchown', 'fchown32', 'fchownat', 'lchown', 'lchown32'],
    '@clock': [
        'adjtimex',
        'clock_adjtime',
        'clock_adjtime64',
        'clock_settime',
        'clock_settime64',
        'settimeofday'
    ],
    '@cpu-emulation': ['modify_ldt', 'subpage_prot', 'switch_endian', 'vm86', 'vm86old'],
    '@debug': [
        'lookup_dcookie',
        'perf_event_open',
        'pidfd_getfd',
        'ptrace',
        'rtas',
        's390_runtime_instr',
        'sys_debug_setcontext'
    ],
    '@file-system': [
        'access',
        'chdir',
        'chmod',
        'close',
        'creat',
        'faccessat',
        'faccessat2',
        'fallocate',
        'fchdir',
        'fchmod',
        'fchmodat',
        'fchmodat2',
        'fcntl',
        'fcntl64',
        'fgetxattr',
        'flistxattr',
        'fremovexattr',
        'fsetxattr',
        'fstat',
        'fstat64',
        'fstatat64',
        'fstatfs',
        'fstatfs64',
        'ftruncate',
        'ftruncate64',
        'futimesat',
        'getcwd',
        'getdents',
        'getdents64',
        'getxattr',
        'inotify_add_watch',
        'inotify_init',
        'inotify_init1',
        'inotify_rm_watch',
        'lgetxattr',
        'link',
        'linkat',
        'listxattr',
        'llistxattr',
        'lremovexattr',
        'lsetxattr',
        'lstat',
        'lstat64',
        'mkdir',
        'mkdirat',
        'mknod',
        'mknodat',
        'newfstatat',
        'oldfstat',
        'oldlstat',
        'oldstat',
        'open',
        'openat',
        'openat2',
        'readlink',
        'readlinkat',
        'removexattr',
        'rename',
        'renameat',
        'renameat2',
        'rmdir',
        'setxattr',
        'stat',
        'stat64',
        'statfs',
        'statfs64',
        'statx',
        'symlink',
        'symlinkat',
        'truncate',
        'truncate64',
        'unlink',
        'unlinkat',
        'utime',
        'utimensat',
        'utimensat_time64',
        'utimes'
    ],
    '@io-event': [
        '_newselect',
        'epoll_create',
        'epoll_create1',
        'epoll_ctl',
        'epoll_ctl_old',
        'epoll_pwait',
        'epoll_pwait2',
        'epoll_wait',
        'epoll_wait_old',
        'eventfd',
        'eventfd2',
        'poll',
        'ppoll',
        'ppoll_time64',
        'pselect6',
        'pselect6_time64',
        'select'
    ],
    '@ipc': [
        'ipc',
        'memfd_create',
        'mq_getsetattr',
        'mq_notify',
        'mq_open',
        'mq_timedreceive',
        'mq_timedreceive_time64',
        'mq_timedsend',
        'mq_timedsend_time64',
        'mq_unlink',
        'msgctl',
        'msgget',
        'msgrcv',
        'msgsnd',
        'pipe',
        'pipe2',
        'process_madvise',
        'process_vm_readv',
        'process_vm_writev',
        'semctl',
        'semget',
        'semop',
        'semtimedop',
        'semtimedop_time64',
        'shmat',
        'shmctl',
        'shmdt',
        'shmget'
    ],
    '@keyring': ['add_key', 'keyctl', 'request_key'],
    '@memlock': ['mlock', 'mlock2', 'mlockall', 'munlock', 'munlockall'],
    '@module': ['delete_module', 'finit_module', 'init_module'],
    '@mount': [
        'chroot',
        'fsconfig',
        'fsmount',
        'fsopen',
        'fspick',
        'mount',
        'mount_setattr',
        'move_mount',
        'open_tree',
        'pivot_root',
        'umount',
        'umount2'
    ],
    '@network-io': [
        'accept',
        'accept4',
        'bind',
        'connect',
        'getpeername',
        'getsockname',
        'getsockopt',
        'listen',
        'recv',
        'recvfrom',
        'recvmmsg',
        'recvmmsg_time64',
        'recvmsg',
        'send',
        'sendmmsg',
        'sendmsg',
        'sendto',
        'setsockopt',
        'shutdown',
        'socket',
        'socketcall',
        'socketpair'
    ],
    '@obsolete': [
        '_sysctl',
        'afs_syscall',
        'bdflush',
        'break',
        'create_module',
        'ftime',
        'get_kernel_syms',
        'getpmsg',
        'gtty',
        'idle',
        'lock',
        'mpx',
        'prof',
        'profil',
        'putpmsg',
        'query_module',
        'security',
        'sgetmask',
        'ssetmask',
        'stime',
        'stty',
        'sysfs',
        'tuxcall',
        'ulimit',
        'uselib',
        'ustat',
        'vserver'
    ],
    '@pkey': ['pkey_alloc', 'pkey_free', 'pkey_mprotect'],
    '@privileged': [
        '@chown',
        '@clock',
        '@module',
        '@raw-io',
        '@reboot',
        '@swap',
        '_sysctl',
        'acct',
        'bpf',
        'capset',
        'chroot',
        'fanotify_init',
        'fanotify_mark',
        'nfsservctl',
        'open_by_handle_at',
        'pivot_root',
        'quotactl',
        'quotactl_fd',
        'setdomainname',
        'setfsuid',
        'setfsuid32',
        'setgroups',
        'setgroups32',
        'sethostname',
        'setresuid',
        'setresuid32',
        'setreuid',
        'setreuid32',
        'setuid',
        'setuid32',
        'vhangup'
    ],
    '@process': [
        'capget',
        'clone',
        'clone3',
        'execveat',
        'fork',
        'getrusage',
        'kill',
        'pidfd_open',
        'pidfd_send_signal',
        'prctl',
        'rt_sigqueueinfo',
        'rt_tgsigqueueinfo',
        'setns',
        'swapcontext',
        'tgkill',
        'times',
        'tkill',
        'unshare',
        'vfork',
        'wait4',
        'waitid',
        'waitpid'
    ],
    '@raw-io': [
        'ioperm',
        'iopl',
        'pciconfig_iobase',
        'pciconfig_read',
        'pciconfig_write',
        's390_pci_mmio_read',
        's390_pci_mmio_write'
    ],
    '@reboot': ['kexec_file_load', 'kexec_load', 'reboot'],
    '@resources': [
        'ioprio_set',
        'mbind',
        'migrate_pages',
        'move_pages',
        'nice',
        'sched_setaffinity',
        'sched_setattr',
        'sched_setparam',
        'sched_setscheduler',
        'set_mempolicy',
        'set_mempolicy_home_node',
        'setpriority',
        'setrlimit'
    ],
    '@setuid': [
        'setgid',
        'setgid32',
        'setgroups',
        'setgroups32',
        'setregid',
        'setregid32',
        'setresgid',
        'setresgid32',
        'setresuid',
        'setresuid32',
        'setreuid',
        'setreuid32',
        'setuid',
        'setuid32'
    ],
    '@signal': [
        'rt_sigaction',
        'rt_sigpending',
        'rt_sigprocmask',
        'rt_sigsuspend',
        'rt_sigtimedwait',
        'rt_sigtimedwait_time64',
        'sigaction',
        'sigaltstack',
        'signal',
        'signalfd',
        'signalfd4',
        'sigpending',
        'sigprocmask',
        'sigsuspend'
    ],
    '@swap': ['swapoff', 'swapon'],
    '@sync': ['fdatasync', 'fsync', 'msync', 'sync', 'sync_file_range', 'sync_file_range2', 'syncfs'],
    '@system-service': [
        '@aio',
        '@basic-io',
        '@chown',
        '@default',
        '@file-system',
        '@io-event',
        '@ipc',
        '@keyring',
        '@memlock',
        '@network-io',
        '@process',
        '@resources',
        '@setuid',
        '@signal',
        '@sync',
        '@timer',
        'arm_fadvise64_64',
        'capget',
        'capset',
        'copy_file_range',
        'fadvise64',
        'fadvise64_64',
        'flock',
        'get_mempolicy',
        'getcpu',
        'getpriority',
        'ioctl',
        'ioprio_get',
        'kcmp',
        'madvise',
        'mremap',
        'name_to_handle_at',
        'oldolduname',
        'olduname',
        'personality',
        'readahead',
        'readdir',
        'remap_file_pages',
        'sched_get_priority_max',
        'sched_get_priority_min',
        'sched_getattr',
        'sched_getparam',
        'sched_getscheduler',
        'sched_rr_get_interval',
        'sched_rr_get_interval_time64',
        'sched_yield',
        'sendfile',
        'sendfile64',
        'setfsgid',
        'setfsgid32',
        'setfsuid',
        'setfsuid32',
        'setpgid',
        'setsid',
        'splice',
        'sysinfo',
        'tee',
        'umask',
        'uname',
        'userfaultfd',
        'vmsplice'
    ],
    '@timer': [
        'alarm',
        'getitimer',
        'setitimer',
        'timer_create',
        'timer_delete',
        'timer_getoverrun',
        'timer_gettime',
        'timer_gettime64',
        'timer_settime',
        'timer_settime64',
        'timerfd_create',
        'timerfd_gettime',
        'timerfd_gettime64',
        'timerfd_settime',
        'timerfd_settime64',
        'times'
    ],
    '@known': [
        '@obsolete',
        '_llseek',
        '_newselect',
        'accept',
        'accept4',
        'access',
        'acct',
        'add_key',
        'adjtimex',
        'alarm',
        'arc_gettls',
        'arc_settls',
        'arc_usr_cmpxchg',
        'arch_prctl',
        'arm_fadvise64_64',
        'atomic_barrier',
        'atomic_cmpxchg_32',
        'bind',
        'bpf',
        'brk',
        'cachectl',
        'cacheflush',
        'capget',
        'capset',
        'chdir',
        'chmod',
        'chown',
        'chown32',
        'chroot',
        'clock_adjtime',
        'clock_adjtime64',
        'clock_getres',
        'clock_getres_time64',
        'clock_gettime',
        'clock_gettime64',
        'clock_nanosleep',
        'clock_nanosleep_time64',
        'clock_settime',
        'clock_settime64',
        'clone',
        'clone3',
        'close',
        'close_range',
        'connect',
        'copy_file_range',
        'creat',
        'delete_module',
        'dipc',
        'dup',
        'dup2',
        'dup3',
        'epoll_create',
        'epoll_create1',
        'epoll_ctl',
        'epoll_ctl_old',
        'epoll_pwait',
        'epoll_pwait2',
        'epoll_wait',
        'epoll_wait_old',
        'eventfd',
        'eventfd2',
        'exec_with_loader',
        'execv',
        'execve',
        'execveat',
        'exit',
        'exit_group',
        'faccessat',
        'faccessat2',
        'fadvise64',
        'fadvise64_64',
        'fallocate',
        'fanotify_init',
        'fanotify_mark',
        'fchdir',
        'fchmod',
        'fchmodat',
        'fchmodat2',
        'fchown',
        'fchown32',
        'fchownat',
        'fcntl',
        'fcntl64',
        'fdatasync',
        'fgetxattr',
        'finit_module',
        'flistxattr',
        'flock',
        'fork',
        'fremovexattr',
        'fsconfig',
        'fsetxattr',
        'fsmount',
        'fsopen',
        'fspick',
        'fstat',
        'fstat64',
        'fstatat64',
        'fstatfs',
        'fstatfs64',
        'fsync',
        'ftruncate',
        'ftruncate64',
        'futex',
        'futex_requeue',
        'futex_time64',
        'futex_wait',
        'futex_waitv',
        'futex_wake',
        'futimesat',
        'get_mempolicy',
        'get_robust_list',
        'get_thread_area',
        'getcpu',
        'getcwd',
        'getdents',
        'getdents64',
        'getdomainname',
        'getdtablesize',
        'getegid',
        'getegid32',
        'geteuid',
        'geteuid32',
        'getgid',
        'getgid32',
        'getgroups',
        'getgroups32',
        'gethostname',
        'getitimer',
        'getpagesize',
        'getpeername',
        'getpgid',
        'getpgrp',
        'getpid',
        'getppid',
        'getpriority',
        'getrandom',
        'getresgid',
        'getresgid32',
        'getresuid',
        'getresuid32',
        'getrlimit',
        'getrusage',
        'getsid',
        'getsockname',
        'getsockopt',
        'gettid',
        'gettimeofday',
        'getuid',
        'getuid32',
        'getxattr',
        'getxgid',
        'getxpid',
        'getxuid',
        'init_module',
        'inotify_add_watch',
        'inotify_init',
        'inotify_init1',
        'inotify_rm_watch',
        'io_cancel',
        'io_destroy',
        'io_getevents',
        'io_pgetevents',
        'io_pgetevents_time64',
        'io_setup',
        'io_submit',
        'io_uring_enter',
        'io_uring_register',
        'io_uring_setup',
        'ioctl',
        'ioperm',
        'iopl',
        'ioprio_get',
        'ioprio_set',
        'ipc',
        'kcmp',
        'kern_features',
        'kexec_file_load',
        'kexec_load',
        'keyctl',
        'kill',
        'landlock_add_rule',
        'landlock_create_ruleset',
        'landlock_restrict_self',
        'lchown',
        'lchown32',
        'lgetxattr',
        'link',
        'linkat',
        'listen',
        'listxattr',
        'llistxattr',
        'lookup_dcookie',
        'lremovexattr',
        'lseek',
        'lsetxattr',
        'lstat',
        'lstat64',
        'madvise',
        'map_shadow_stack',
        'mbind',
        'membarrier',
        'memfd_create',
        'memfd_secret',
        'memory_ordering',
        'migrate_pages',
        'mincore',
        'mkdir',
        'mkdirat',
        'mknod',
        'mknodat',
        'mlock',
        'mlock2',
        'mlockall',
        'mmap',
        'mmap2',
        'modify_ldt',
        'mount',
        'mount_setattr',
        'move_mount',
        'move_pages',
        'mprotect',
        'mq_getsetattr',
        'mq_notify',
        'mq_open',
        'mq_timedreceive',
        'mq_timedreceive_time64',
        'mq_timedsend',
        'mq_timedsend_time64',
        'mq_unlink',
        'mremap',
        'msgctl',
        'msgget',
        'msgrcv',
        'msgsnd',
        'msync',
        'multiplexer',
        'munlock',
        'munlockall',
        'munmap',
        'name_to_handle_at',
        'nanosleep',
        'newfstatat',
        'nice',
        'old_adjtimex',
        'oldfstat',
        'oldlstat',
        'oldolduname',
        'oldstat',
        'oldumount',
        'olduname',
        'open',
        'open_by_handle_at',
        'open_tree',
        'openat',
        'openat2',
        'or1k_atomic',
        'osf_fstat',
        'osf_fstatfs',
        'osf_fstatfs64',
        'osf_getdirentries',
        'osf_getdomainname',
        'osf_getitimer',
        'osf_getrusage',
        'osf_getsysinfo',
        'osf_gettimeofday',
        'osf_lstat',
        'osf_mount',
        'osf_proplist_syscall',
        'osf_select',
        'osf_set_program_attributes',
        'osf_setitimer',
        'osf_setsysinfo',
        'osf_settimeofday',
        'osf_shmat',
        'osf_sigprocmask',
        'osf_sigstack',
        'osf_stat',
        'osf_statfs',
        'osf_statfs64',
        'osf_swapon',
        'osf_syscall',
        'osf_sysinfo',
        'osf_usleep_thread',
        'osf_utimes',
        'osf_utsname',
        'osf_wait4',
        'pause',
        'pciconfig_iobase',
        'pciconfig_read',
        'pciconfig_write',
        'perf_event_open',
        'perfctr',
        'personality',
        'pidfd_getfd',
        'pidfd_open',
        'pidfd_send_signal',
        'pipe',
        'pipe2',
        'pivot_root',
        'pkey_alloc',
        'pkey_free',
        'pkey_mprotect',
        'poll',
        'ppoll',
        'ppoll_time64',
        'prctl',
        'pread64',
        'preadv',
        'preadv2',
        'prlimit64',
        'process_madvise',
        'process_mrelease',
        'process_vm_readv',
        'process_vm_writev',
        'pselect6',
        'pselect6_time64',
        'ptrace',
        'pwrite64',
        'pwritev',
        'pwritev2',
        'quotactl',
        'quotactl_fd',
        'read',
        'readahead',
        'readdir',
        'readlink',
        'readlinkat',
        'readv',
        'reboot',
        'recv',
        'recvfrom',
        'recvmmsg',
        'recvmmsg_time64',
        'recvmsg',
        'remap_file_pages',
        'removexattr',
        'rename',
        'renameat',
        'renameat2',
        'request_key',
        'restart_syscall',
        'riscv_flush_icache',
        'riscv_hwprobe',
        'rmdir',
        'rseq',
        'rt_sigaction',
        'rt_sigpending',
        'rt_sigprocmask',
        'rt_sigqueueinfo',
        'rt_sigreturn',
        'rt_sigsuspend',
        'rt_sigtimedwait',
        'rt_sigtimedwait_time64',
        'rt_tgsigqueueinfo',
        'rtas',
        's390_guarded_storage',
        's390_pci_mmio_read',
        's390_pci_mmio_write',
        's390_runtime_instr',
        's390_sthyi',
        'sched_get_affinity',
        'sched_get_priority_max',
        'sched_get_priority_min',
        'sched_getaffinity',
        'sched_getattr',
        'sched_getparam',
        'sched_getscheduler',
        'sched_rr_get_interval',
        'sched_rr_get_interval_time64',
        'sched_set_affinity',
        'sched_setaffinity',
        'sched_setattr',
        'sched_setparam',
        'sched_setscheduler',
        'sched_yield',
        'seccomp',
        'select',
        'semctl',
        'semget',
        'semop',
        'semtimedop',
        'semtimedop_time64',
        'send',
        'sendfile',
        'sendfile64',
        'sendmmsg',
        'sendmsg',
        'sendto',
        'set_mempolicy',
        'set_mempolicy_home_node',
        'set_robust_list',
        'set_thread_area',
        'set_tid_address',
        'setdomainname',
        'setfsgid',
        'setfsgid32',
        'setfsuid',
        'setfsuid32',
        'setgid',
        'setgid32',
        'setgroups',
        'setgroups32',
        'sethae',
        'sethostname',
        'setitimer',
        'setns',
        'setpgid',
        'setpgrp',
        'setpriority',
        'setregid',
        'setregid32',
        'setresgid',
        'setresgid32',
        'setresuid',
        'setresuid32',
        'setreuid',
        'setreuid32',
        'setrlimit',
        'setsid',
        'setsockopt',
        'settimeofday',
        'setuid',
        'setuid32',
        'setxattr',
        'sgetmask',
        'shmat',
        'shmctl',
        'shmdt',
        'shmget',
        'shutdown',
        'sigaction',
        'sigaltstack',
        'signal',
        'signalfd',
        'signalfd4',
        'sigpending',
        'sigprocmask',
        'sigreturn',
        'sigsuspend',
        'socket',
        'socketcall',
        'socketpair',
        'splice',
        'spu_create',
        'spu_run',
        'ssetmask',
        'stat',
        'stat64',
        'statfs',
        'statfs64',
        'statx',
        'stime',
        'subpage_prot',
        'swapcontext',
        'swapoff',
        'swapon',
        'switch_endian',
        'symlink',
        'symlinkat',
        'sync',
        'sync_file_range',
        'sync_file_range2',
        'syncfs',
        'sys_debug_setcontext',
        'syscall',
        'sysfs',
        'sysinfo',
        'syslog',
        'sysmips',
        'tee',
        'tgkill',
        'time',
        'timer_create',
        'timer_delete',
        'timer_getoverrun',
        'timer_gettime',
        'timer_gettime64',
        'timer_settime',
        'timer_settime64',
        'timerfd',
        'timerfd_create',
        'timerfd_gettime',
        'timerfd_gettime64',
        'timerfd_settime',
        'timerfd_settime64',
        'times',
        'tkill',
        'truncate',
        'truncate64',
        'ugetrlimit',
        'umask',
        'umount',
        'umount2',
        'uname',
        'unlink',
        'unlinkat',
        'unshare',
        'userfaultfd',
        'ustat',
        'utime',
        'utimensat',
        'utimensat_time64',
        'utimes',
        'utrap_install',
        'vfork',
        'vhangup',
        'vm86',
        'vm86old',
        'vmsplice',
        'wait4',
        'waitid',
        'waitpid',
        'write',
        'writev'
    ]
};
/** System calls known to systemd 252 but in no group except @known ("Ungrouped System Calls"), in printed order. */
const UNGROUPED_SYSCALLS = [
    'arc_gettls',
    'arc_settls',
    'arc_usr_cmpxchg',
    'atomic_barrier',
    'atomic_cmpxchg_32',
    'cachectl',
    'dipc',
    'exec_with_loader',
    'execv',
    'futex_requeue',
    'futex_wait',
    'futex_wake',
    'getdomainname',
    'getdtablesize',
    'gethostname',
    'getpagesize',
    'getxgid',
    'getxpid',
    'getxuid',
    'kern_features',
    'landlock_add_rule',
    'landlock_create_ruleset',
    'landlock_restrict_self',
    'map_shadow_stack',
    'memfd_secret',
    'memory_ordering',
    'mincore',
    'multiplexer',
    'old_adjtimex',
    'oldumount',
    'or1k_atomic',
    'osf_fstat',
    'osf_fstatfs',
    'osf_fstatfs64',
    'osf_getdirentries',
    'osf_getdomainname',
    'osf_getitimer',
    'osf_getrusage',
    'osf_getsysinfo',
    'osf_gettimeofday',
    'osf_lstat',
    'osf_mount',
    'osf_proplist_syscall',
    'osf_select',
    'osf_set_program_attributes',
    'osf_setitimer',
    'osf_setsysinfo',
    'osf_settimeofday',
    'osf_shmat',
    'osf_sigprocmask',
    'osf_sigstack',
    'osf_stat',
    'osf_statfs',
    'osf_statfs64',
    'osf_swapon',
    'osf_syscall',
    'osf_sysinfo',
    'osf_usleep_thread',
    'osf_utimes',
    'osf_utsname',
    'osf_wait4',
    'perfctr',
    'process_mrelease',
    's390_guarded_storage',
    's390_sthyi',
    'sched_get_affinity',
    'sched_set_affinity',
    'seccomp',
    'sethae',
    'setpgrp',
    'spu_create',
    'spu_run',
    'syscall',
    'syslog',
    'sysmips',
    'timerfd',
    'utrap_install'
];
/**
 * Names systemd 253-262's tables or libseccomp 2.5 take as system calls beyond the lists above
 * (systemd 257's and 262's `syscall-filter`, and the names Debian 12's libseccomp resolves): a
 * SystemCallFilter= name is reported as unknown only when no version knows it.
 */
const NEWER_SYSCALLS = [
    'arm_sync_file_range',
    'breakpoint',
    'cachestat',
    'fchroot',
    'file_getattr',
    'file_setattr',
    'fstatat',
    'get_tls',
    'getxattrat',
    'listmount',
    'listns',
    'listxattrat',
    'llseek',
    'lsm_get_self_attr',
    'lsm_list_modules',
    'lsm_set_self_attr',
    'mseal',
    'newfstat',
    'open_tree_attr',
    'removexattrat',
    'rseq_slice_yield',
    'setxattrat',
    'statmount',
    'uprobe',
    'usr26',
    'usr32'
];

/** SystemCallFilter= and SystemCallArchitectures=: the filter state and the group walk systemd-analyze does. */
/** The eleven groups the analyzer checks, by json_field suffix. */
const CHECKED_SYSCALL_GROUPS = [
    '@swap',
    '@obsolete',
    '@clock',
    '@cpu-emulation',
    '@debug',
    '@mount',
    '@module',
    '@raw-io',
    '@reboot',
    '@privileged',
    '@resources'
];
/** Members of the checked groups that libseccomp 2.5 has no x86-64 number for: the walk skips them. */
const NOT_ON_X86_64 = new Set([
    'bdflush',
    'break',
    'ftime',
    'gtty',
    'idle',
    'lock',
    'mpx',
    'prof',
    'profil',
    'sgetmask',
    'ssetmask',
    'stime',
    'stty',
    'ulimit',
    'clock_adjtime64',
    'clock_settime64',
    'subpage_prot',
    'switch_endian',
    'vm86',
    'vm86old',
    'rtas',
    's390_runtime_instr',
    'sys_debug_setcontext',
    'umount',
    'pciconfig_iobase',
    'pciconfig_read',
    'pciconfig_write',
    's390_pci_mmio_read',
    's390_pci_mmio_write',
    'setfsuid32',
    'setgroups32',
    'setresuid32',
    'setreuid32',
    'setuid32',
    'chown32',
    'fchown32',
    'lchown32',
    'nice',
    'open_tree_attr'
]);
const ERRNOS = new Set(ERRNO_NAMES);
/** Every system call name some version knows: systemd drops any other ("Failed to parse system call"). */
const KNOWN_SYSCALLS = new Set([
    ...Object.values(SYSCALL_GROUPS)
        .flat()
        .filter((name) => !name.startsWith('@')),
    ...UNGROUPED_SYSCALLS,
    ...NEWER_SYSCALLS
]);
/**
 * @mount lists open_tree_attr instead of open_tree from this version (upstream PR #38060, July 2025;
 * Debian's 257.13 still lists open_tree, Ubuntu's 259 does not).
 */
const MOUNT_GROUP_OPEN_TREE_ATTR = 258;
/**
 * @sandbox (landlock and seccomp calls): in 257 and 262, not in 252; 253-256 unverified, taken as
 * knowing it (a group no row checks: only the "drops it" diagnostic depends on it).
 */
const SANDBOX_GROUP = 253;
const SANDBOX_MEMBERS = [
    'landlock_add_rule',
    'landlock_create_ruleset',
    'landlock_restrict_self',
    'seccomp'
];
/** Group members for a target version (see MOUNT_GROUP_OPEN_TREE_ATTR and SANDBOX_GROUP). */
function groupMembers(group, version) {
    if (group === '@sandbox')
        return version >= SANDBOX_GROUP ? SANDBOX_MEMBERS : undefined;
    const members = Object.hasOwn(SYSCALL_GROUPS, group) ? SYSCALL_GROUPS[group] : undefined;
    if (members && group === '@mount' && version >= MOUNT_GROUP_OPEN_TREE_ATTR) {
        return members.map((m) => (m === 'open_tree' ? 'open_tree_attr' : m));
    }
    return members;
}
const expansionCache = new Map();
/** Members of a name: itself, or a group's members recursively (cached); null for an unknown group. */
function expansion(name, version) {
    if (!name.startsWith('@'))
        return [name];
    const key = `${version}:${name}`;
    let members = expansionCache.get(key);
    if (members === undefined) {
        const into = [];
        members = expand(name, version, into) ? into : null;
        expansionCache.set(key, members);
    }
    return members;
}
function expand(name, version, into, depth = 0) {
    if (!name.startsWith('@')) {
        into.push(name);
        return true;
    }
    const members = groupMembers(name, version);
    if (!members || depth > 8)
        return false;
    for (const member of members)
        expand(member, version, into, depth + 1);
    return true;
}
/** A filter of its own: later assignments may change it in place. */
function copySyscallFilter(filter) {
    return { allowList: filter.allowList, names: new Set(filter.names), shared: false };
}
/**
 * Whether a word of an allow list carries an error number (`ptrace:EPERM`): systemd drops it with
 * "Allow-listed system calls cannot take error number" (config_parse_syscall_filter).
 */
function errnoInAllowList(word) {
    // (no name before it: "Failed to parse syscall:errno", not understood)
    const colon = word.indexOf(':');
    return colon > 0 && validErrno(word.slice(colon + 1));
}
function validErrno(text) {
    if (text === 'kill')
        return true;
    if (ERRNOS.has(asciiUpper(text)))
        return true;
    const number = parseCInteger(text);
    return number !== undefined && number >= 0 && number <= 4095;
}
/** Applies one SystemCallFilter= assignment (config_parse_syscall_filter). */
function applySyscallFilterAssignment(current, value, version) {
    if (value === '')
        return { next: undefined, ignored: [] };
    const invert = value.startsWith('~');
    let filter;
    // Most units write the same few assignments (@system-service, then ~@privileged @resources ...):
    // from no filter or from a shared set, each assignment's result is a shared set too, made once.
    let cache;
    const cacheKey = `${version}\n${value}`;
    if (current === undefined || current.shared) {
        cache = current === undefined ? firstAssignments : transitionsFrom(current.names);
        const cached = cache.get(cacheKey);
        if (cached) {
            const next = { allowList: cached.allowList, names: cached.names, shared: true };
            return { next, ignored: [...cached.ignored] };
        }
    }
    if (current === undefined) {
        filter = { allowList: !invert, names: new Set(), shared: false };
        if (!invert)
            for (const name of expansion('@default', version) ?? [])
                filter.names.add(name);
    }
    else if (current.shared) {
        filter = copySyscallFilter(current);
    }
    else {
        // The state belongs to the one service being loaded: update it in place.
        filter = current;
    }
    const ignored = [];
    const { words } = extractWords(invert ? value.slice(1) : value);
    for (const word of words) {
        const colon = word.indexOf(':');
        const name = colon >= 0 ? word.slice(0, colon) : word;
        if (colon >= 0 && (!invert || !validErrno(word.slice(colon + 1)))) {
            ignored.push(word);
            continue;
        }
        const members = expansion(name, version);
        // (an unknown name changes no group's row: dropping it only makes the diagnostic)
        if (members === null || (members.length === 1 && !KNOWN_SYSCALLS.has(name))) {
            ignored.push(word);
            continue;
        }
        const add = !invert === filter.allowList;
        for (const member of members) {
            if (add)
                filter.names.add(member);
            else
                filter.names.delete(member);
        }
    }
    if (cache !== undefined && cachedSets < MAX_CACHED_SETS) {
        cachedSets++;
        cache.set(cacheKey, { allowList: filter.allowList, names: filter.names, ignored });
        filter.shared = true;
        return { next: filter, ignored: [...ignored] };
    }
    return { next: filter, ignored };
}
/** Sets kept at most (a few hundred system call names each): bounds memory whatever the input. */
const MAX_CACHED_SETS = 512;
let cachedSets = 0;
/** Results of a first assignment, by version and value */
const firstAssignments = new Map();
/** Results of an assignment to a shared set, by version and value */
const transitions = new WeakMap();
function transitionsFrom(names) {
    let byValue = transitions.get(names);
    if (!byValue)
        transitions.set(names, (byValue = new Map()));
    return byValue;
}
/** First member of `group` (walk order, nested groups in place) that the filter lets through. */
function firstUnfilteredMember(filter, group, version) {
    const members = expansion(group, version) ?? [];
    const allowList = filter?.allowList ?? false;
    for (const member of members) {
        if (NOT_ON_X86_64.has(member))
            continue;
        // Allow-list: an allowed member is bad. Deny-list: a member not denied is bad.
        if ((filter?.names.has(member) ?? false) === allowList)
            return member;
    }
    return undefined;
}
/** Whether two groups (or names) share a system call: denying one denies part of the other. */
function groupsOverlap(a, b, version) {
    const members = new Set(expansion(a, version) ?? []);
    return (expansion(b, version) ?? []).some((member) => members.has(member));
}
const ARCHITECTURES = new Set([
    'native',
    'x86',
    'x86-64',
    'x32',
    'arm',
    'arm64',
    'mips',
    'mips64',
    'mips64-n32',
    'mips-le',
    'mips64-le',
    'mips64-le-n32',
    'parisc',
    'parisc64',
    'ppc',
    'ppc64',
    'ppc64-le',
    'riscv64',
    's390',
    's390x'
]);
/** Applies one SystemCallArchitectures= assignment: a union of known names, empty clears. */
function applyArchitecturesAssignment(current, value) {
    if (value === '')
        return { next: new Set(), unknown: [] };
    const next = new Set(current);
    const unknown = [];
    for (const word of extractWords(value, { unquote: true }).words) {
        if (ARCHITECTURES.has(word))
            next.add(word);
        else
            unknown.push(word);
    }
    return { next, unknown };
}

/** The newest systemd version whose behaviour the engine knows, and the oldest it models. */
const NEWEST_SYSTEMD_VERSION = 262;
const OLDEST_SYSTEMD_VERSION = 240;
// Empty lists, sets and maps shared by every unit's initial settings: the directives replace them
// (copy-on-write, which the readonly types enforce), none fills them in place.
const NONE$2 = Object.freeze([]);
/** Diagnostics listed per unit: a unit of millions of ignored lines would make a report of GBs. */
const MAX_DIAGNOSTICS = 1_000;
/** Problems of a unit after which an unknown key gets no "did you mean". */
const MAX_GUESSED = 100;
/**
 * Errors listed past the cap while fewer are listed: a thousand warnings (Environment= words, say)
 * must not hide the one ignored hardening line after them (red team, session 26).
 */
const MAX_LISTED_ERRORS = 100;
/** the errors a full list holds, counted once it is full */
const listedErrors = new WeakMap();
function addDiagnostic(diagnostics, diagnostic) {
    if (diagnostics.length >= MAX_DIAGNOSTICS && diagnostic.severity === 'error') {
        if (diagnostics.length === MAX_DIAGNOSTICS)
            addDiagnosticBounded(diagnostics, diagnostic);
        const errors = listedErrors.get(diagnostics) ?? diagnostics.filter((d) => d.severity === 'error').length;
        if (errors < MAX_LISTED_ERRORS)
            diagnostics.push(diagnostic);
        listedErrors.set(diagnostics, Math.min(errors + 1, MAX_LISTED_ERRORS));
        return;
    }
    addDiagnosticBounded(diagnostics, diagnostic);
}
function addDiagnosticBounded(diagnostics, diagnostic) {
    appendBounded(diagnostics, diagnostic, MAX_DIAGNOSTICS, ({ file, line, code }) => ({
        file,
        line,
        severity: 'warning',
        code,
        message: `more than ${MAX_DIAGNOSTICS} problems in this unit: from here only errors are listed, up to ${MAX_LISTED_ERRORS} in all`
    }));
}
/**
 * Lists a settings object made itself once they grew long: appended to in place from then on. A
 * copy per line made a unit of 50,000 ExecStart= lines take a minute (quadratic); short lists, all
 * that real units hold, are still copied (the common case pays one length check). A list another
 * object shares (the fix engine's copies, the shape a patch reads through) is copied first, so no
 * value another object holds is changed in place.
 */
const LONG_LIST = 64;
const ownLongLists = new WeakMap();
function appended(s, list, items) {
    if (list.length < LONG_LIST)
        return [...list, ...items];
    if (ownLongLists.get(list) === s) {
        for (const item of items)
            list.push(item);
        return list;
    }
    const copy = [...list, ...items];
    ownLongLists.set(copy, s);
    return copy;
}
const NO_ARCHITECTURES = new Set();
const NO_CREDENTIALS = new Map();
/** The settings before any file: a user's manager gives its services KeyringMode=inherit. */
function settingsFor(manager) {
    const settings = initialSettings();
    if (manager === 'user') {
        settings.userManager = true;
        settings.keyringMode = 'inherit';
    }
    return settings;
}
function initialSettings() {
    // Every field is present from the start, unset ones as undefined: one object shape for every
    // unit whatever its directives' order, which keeps the checks' property reads monomorphic.
    return {
        user: undefined,
        group: undefined,
        dynamicUser: false,
        supplementaryGroups: NONE$2,
        privateDevices: false,
        privateMounts: undefined,
        privateNetwork: false,
        privateTmp: false,
        privateUsers: false,
        privateUsersManaged: false,
        userNamespacePath: undefined,
        privatePIDs: false,
        protectControlGroups: false,
        protectKernelModules: false,
        protectKernelTunables: false,
        protectKernelLogs: false,
        protectClock: false,
        protectHostname: false,
        lockPersonality: false,
        memoryDenyWriteExecute: false,
        noNewPrivileges: false,
        restrictRealtime: false,
        restrictSUIDSGID: false,
        removeIPC: false,
        protectHome: 'no',
        protectSystem: 'no',
        rootDirectory: undefined,
        rootImage: undefined,
        rootMStack: undefined,
        capabilityBoundingSet: ALL_CAPABILITIES,
        ambientCapabilities: 0n,
        umask: 0o022,
        keyringMode: 'private',
        userManager: false,
        protectProc: 'default',
        procSubset: 'all',
        notifyAccess: undefined,
        delegate: false,
        restrictNamespaces: 'initial',
        addressFamilies: undefined,
        syscallFilter: undefined,
        syscallArchitectures: NO_ARCHITECTURES,
        ipAddressDeny: NONE$2,
        ipAddressAllow: NONE$2,
        ipIngressFilterPath: NONE$2,
        ipEgressFilterPath: NONE$2,
        devicePolicy: 'auto',
        deviceAllow: NONE$2,
        mountImages: 0,
        workingDirectory: undefined,
        workingDirectoryHome: false,
        mountNamespace: 0,
        execDirectories: 0,
        loadCredentials: NO_CREDENTIALS,
        setCredentials: NO_CREDENTIALS,
        importCredentials: false,
        defaultDependencies: true,
        type: undefined,
        execStart: NONE$2,
        execStop: NONE$2,
        remainAfterExit: false,
        busName: undefined,
        restart: 'no',
        restartForceExitStatus: false,
        exitType: 'main',
        pamName: undefined,
        killMode: 'control-group',
        successAction: 'none',
        execStartLines: NONE$2,
        recorded: {}
    };
}
/**
 * Directives no check reads that tell the fix engine what a service does: where it writes, what it
 * runs and when, what it depends on. Recording them changes no score and adds no diagnostic.
 */
const RECORDED_DIRECTIVES = {
    PIDFile: 'Service',
    WorkingDirectory: 'Service',
    Environment: 'Service',
    EnvironmentFile: 'Service',
    ReadWritePaths: 'Service',
    ReadOnlyPaths: 'Service',
    InaccessiblePaths: 'Service',
    BindPaths: 'Service',
    BindReadOnlyPaths: 'Service',
    TemporaryFileSystem: 'Service',
    StateDirectory: 'Service',
    CacheDirectory: 'Service',
    LogsDirectory: 'Service',
    RuntimeDirectory: 'Service',
    ConfigurationDirectory: 'Service',
    ExecStartPre: 'Service',
    ExecStartPost: 'Service',
    ExecCondition: 'Service',
    ExecReload: 'Service',
    ExecReloadPost: 'Service',
    ExecStop: 'Service',
    ExecStopPost: 'Service',
    CPUSchedulingPolicy: 'Service',
    Sockets: 'Service',
    SystemCallErrorNumber: 'Service',
    StandardInput: 'Service',
    Description: 'Unit',
    After: 'Unit',
    Wants: 'Unit',
    Requires: 'Unit',
    BindsTo: 'Unit',
    PartOf: 'Unit',
    RequiresMountsFor: 'Unit',
    WantedBy: 'Install'
};
function record(s, key, value, inPlace = false) {
    const previous = s.recorded[key];
    if (inPlace) {
        // a load's own settings: nothing else holds their 'recorded' yet
        const recorded = s.recorded;
        if (value === '')
            recorded[key] = [];
        else if (previous)
            previous.push(value);
        else
            recorded[key] = [value];
        return;
    }
    s.recorded = { ...s.recorded, [key]: value === '' ? [] : [...(previous ?? []), value] };
}
/**
 * From this version PrivateMounts= is a tristate, and systemd-analyze counts an unset one as good
 * (checked with Debian's 254, 257 and 262: only an explicit "no" is bad there; 252 wants "yes").
 */
const PRIVATE_MOUNTS_TRISTATE = 254;
/** PrivateUsers=managed and RootMStack= (NEWS 260; checked with Ubuntu's 261 and Debian's 262). */
const PRIVATE_USERS_MANAGED = 260;
const ROOT_MSTACK = 260;
/** The directive, and `effect` after each assignment it takes (not after one it ignores). */
function whenApplied(directive, effect) {
    return {
        ...directive,
        apply(s, value, ctx) {
            const outcome = directive.apply(s, value, ctx);
            if (outcome === undefined)
                effect(s, value);
            return outcome;
        }
    };
}
function booleanDirective(key, options = {}) {
    return {
        section: 'Service',
        since: options.since,
        apply(s, value, ctx) {
            const bool = parseBoolean(value);
            if (bool !== undefined) {
                s[key] = bool;
                return undefined;
            }
            if (value === '' && options.emptyResetsSince && ctx.version >= options.emptyResetsSince) {
                s[key] = false;
                return undefined;
            }
            for (const extra of options.extra ?? []) {
                if (!extra.value.test(value))
                    continue;
                if (ctx.version < extra.since) {
                    return {
                        ignored: `'${value}' is not understood before systemd ${extra.since}`,
                        byVersion: extra.since
                    };
                }
                if (extra.valid && !extra.valid(value))
                    return { ignored: `'${value}' is not valid` };
                s[key] = true;
                return undefined;
            }
            return { ignored: `'${value}' is not a boolean` };
        }
    };
}
/**
 * ProtectHostname=MODE:NAME (258): systemd expands NAME's specifiers before it reads MODE, so
 * `yes:%H` names the host (read off 259-262, where the gate took `%H` for a bad host name) and
 * `bogus:%J` makes systemd abort where %J does (259, 261, 262; 258 assumed alike).
 */
const PROTECT_HOSTNAME_NAMES = 258;
function hostnameExpanded(directive) {
    return {
        ...directive,
        apply(s, value, ctx) {
            const colon = value.indexOf(':');
            if (colon < 0 || ctx.version < PROTECT_HOSTNAME_NAMES)
                return directive.apply(s, value, ctx);
            const name = expandSpecifiers(value.slice(colon + 1), ctx.unit, ctx.version);
            if ('error' in name)
                return { ignored: `${name.error} in '${value}'` };
            return directive.apply(s, value.slice(0, colon + 1) + name.value, ctx);
        }
    };
}
function enumDirective(key, values, options = {}) {
    return {
        section: options.section ?? 'Service',
        since: options.since,
        apply(s, value, ctx) {
            const since = options.byVersion?.[value];
            if (since !== undefined && ctx.version < since) {
                return { ignored: `'${value}' is not understood before systemd ${since}`, byVersion: since };
            }
            if (!values.includes(value) && since === undefined) {
                return { ignored: `'${value}' is not one of ${values.join(', ')}` };
            }
            s[key] = value;
            return undefined;
        }
    };
}
/**
 * A user's service manager ignores the actions it cannot take ("SuccessAction= specified as user
 * mode action, ignoring"), and a user unit that relies on one (systemd-poweroff.service as a user
 * unit) is then refused: from 254 (252 does not; 253 unverified) reboot* and poweroff*, from 257
 * (255 does not; 256 unverified) every action but exit and exit-force.
 */
const USER_MANAGER_ACTIONS = 254;
const USER_MANAGER_ALL_ACTIONS = 257;
const USER_ACTIONS = new Set(['none', 'exit', 'exit-force']);
function takenByUserManager(value, version) {
    if (version < USER_MANAGER_ACTIONS || USER_ACTIONS.has(value))
        return true;
    return version < USER_MANAGER_ALL_ACTIONS && !/^(reboot|poweroff)/.test(value);
}
function actionsOfTheManager(directive) {
    return {
        ...directive,
        apply(s, value, ctx) {
            if (s.userManager &&
                EMERGENCY_ACTIONS.includes(value) &&
                !takenByUserManager(value, ctx.version)) {
                return { ignored: `'${value}' is not an action a user's service manager takes` };
            }
            return directive.apply(s, value, ctx);
        }
    };
}
function userDirective(key) {
    return {
        section: 'Service',
        apply(s, value, ctx) {
            if (value === '') {
                s[key] = undefined;
                return undefined;
            }
            const expanded = expandSpecifiers(value, ctx.unit, ctx.version);
            if ('error' in expanded)
                return { fatal: `${expanded.error} in '${value}'` };
            if (!isValidUserOrGroup(expanded.value)) {
                return { fatal: `'${expanded.value}' is not a valid user or group name` };
            }
            s[key] = expanded.value;
            return undefined;
        }
    };
}
/**
 * A path setting whose bad value is fatal (config_parse_unit_path_printf with ltype true), kept in
 * `key`; without a key (RootVerity=) it is only checked.
 */
function rootPathDirective(key, since) {
    return {
        section: 'Service',
        since,
        apply(s, value, ctx) {
            const resolved = unitPathOf(value, ctx.unit, ctx.version);
            if ('error' in resolved)
                return { fatal: resolved.error };
            if (key)
                s[key] = 'unset' in resolved ? undefined : resolved.path;
            return undefined;
        }
    };
}
/** RootImagePolicy= and the like: a policy systemd cannot parse refuses the unit (see image-policy.ts). */
function imagePolicyDirective() {
    return {
        section: 'Service',
        since: IMAGE_POLICIES,
        apply(_s, value, ctx) {
            const error = imagePolicyError(value, ctx.version);
            return error === undefined ? undefined : { fatal: `not an image policy: ${error}` };
        }
    };
}
/**
 * SELinuxContext=, AppArmorProfile=, SmackProcessLabel=: only a failed specifier matters, fatal
 * unless the value starts with '-'.
 */
function securityLabelDirective() {
    return {
        section: 'Service',
        apply(_s, value, ctx) {
            const optional = value.startsWith('-');
            const expanded = expandSpecifiers(optional ? value.slice(1) : value, ctx.unit, ctx.version);
            if (!('error' in expanded))
                return undefined;
            return optional ? { ignored: expanded.error } : { fatal: expanded.error };
        }
    };
}
function ipDirective(key) {
    return {
        section: 'Service',
        apply(s, value) {
            if (value === '') {
                s[key] = [];
                return undefined;
            }
            const { prefixes, invalid } = parseIpAssignment(value);
            s[key] = appended(s, s[key], prefixes);
            return invalid.length ? { dropped: invalid } : undefined;
        }
    };
}
function ipFilterDirective(key) {
    return {
        section: 'Service',
        apply(s, value, ctx) {
            if (value === '') {
                s[key] = [];
                return undefined;
            }
            const expanded = expandPathSpecifiers(value, ctx.unit, ctx.version);
            if ('error' in expanded)
                return { ignored: expanded.error };
            if (!isAbsoluteNormalPath(expanded.value, ctx.version)) {
                return { ignored: 'not an absolute path' };
            }
            s[key] = appended(s, s[key], [expanded.value]);
            return undefined;
        }
    };
}
function execDirective(key) {
    return {
        section: 'Service',
        apply(s, value, ctx) {
            const parsed = parseExecLine(value, ctx.unit, ctx.version);
            if (key) {
                if (parsed.reset)
                    s[key] = [];
                s[key] = appended(s, s[key], parsed.commands);
                if (key === 'execStart') {
                    s.execStartLines = parsed.reset ? [] : appended(s, s.execStartLines, [value]);
                }
            }
            if (parsed.fatal)
                return { fatal: parsed.fatal };
            if (parsed.ignored)
                return { ignored: parsed.ignored };
            return undefined;
        }
    };
}
function capabilityDirective(key) {
    const initial = key === 'capabilityBoundingSet' ? ALL_CAPABILITIES : 0n;
    return {
        section: 'Service',
        apply(s, value, ctx) {
            const { next, unknown } = applyCapabilityAssignment(s[key], initial, value, ctx.version);
            s[key] = next;
            return unknown.length ? { dropped: unknown } : undefined;
        }
    };
}
/** Splits `ID:REST` at the first ':' not escaped by a backslash; undefined on a trailing backslash. */
function splitCredential(value) {
    let id = '';
    for (let i = 0; i < value.length; i++) {
        const c = value[i];
        if (c === '\\') {
            if (i + 1 >= value.length)
                return undefined;
            id += value[++i];
        }
        else if (c === ':') {
            return { id, rest: value.slice(i + 1) };
        }
        else {
            id += c;
        }
    }
    return { id };
}
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/**
 * unbase64mem(): whitespace is skipped anywhere; complete 4-character blocks; '=' only as the last
 * one or two characters of the last block, and then the unused bits must be zero.
 */
function isValidBase64(text) {
    const chars = text.replace(/[ \t\n\r]/g, '');
    if (chars.length % 4 !== 0)
        return false;
    for (let i = 0; i < chars.length; i += 4) {
        const [a, b, c, d] = [...chars.slice(i, i + 4)].map((ch) => ch === '=' ? -2 : BASE64.indexOf(ch));
        if (a < 0 || b < 0 || c === -1 || d === -1)
            return false;
        const last = i + 4 === chars.length;
        if (c === -2)
            return d === -2 && (b & 15) === 0 && last;
        if (d === -2)
            return (c & 3) === 0 && last;
    }
    return true;
}
function credentialDirective(table, encrypted, since) {
    return {
        section: 'Service',
        since,
        apply(s, value, ctx) {
            if (value === '') {
                s[table] = new Map();
                return undefined;
            }
            // extract_first_word(":", DONT_COALESCE_SEPARATORS): the ID ends at the first unescaped ':',
            // quotes are ordinary characters; the rest of the line is the source or the data.
            const split = splitCredential(value);
            if (split === undefined)
                return { ignored: 'invalid credential syntax' };
            // SetCredential= looks for the data before it expands the ID (`SetCredential=%J` of foo-.service
            // does not make systemd abort)
            const rest = split.rest;
            if (table === 'setCredentials' && (rest === undefined || rest === '')) {
                return { ignored: 'credential data is empty' };
            }
            const expandedId = expandSpecifiers(split.id, ctx.unit, ctx.version);
            if ('error' in expandedId)
                return { ignored: `${expandedId.error} in '${split.id}'` };
            const id = expandedId.value;
            if (!isValidCredentialName(id))
                return { ignored: `'${id}' is not a valid credential name` };
            if (table === 'loadCredentials') {
                if (rest !== undefined && rest !== '') {
                    const expanded = expandPathSpecifiers(rest, ctx.unit, ctx.version);
                    if ('error' in expanded)
                        return { ignored: `${expanded.error} in '${rest}'` };
                    const source = expanded.value;
                    const validSource = source.startsWith('/')
                        ? isNormalizedPath(source)
                        : isValidCredentialName(source);
                    if (!validSource)
                        return { ignored: `'${source}' is not a valid credential source` };
                }
            }
            else {
                const data = rest ?? '';
                if (encrypted
                    ? !isValidBase64(data)
                    : !cunescapeValid(data, { acceptNul: true, version: ctx.version })) {
                    return {
                        ignored: encrypted
                            ? 'encrypted credential data is not Base64'
                            : 'invalid escape in the data'
                    };
                }
            }
            const next = new Map(s[table]);
            next.set(id, encrypted);
            s[table] = next;
            return undefined;
        }
    };
}
const SERVICE_TYPES = [
    'simple',
    'exec',
    'forking',
    'oneshot',
    'dbus',
    'notify',
    'idle',
    'notify-reload'
];
const RESTART_VALUES = [
    'no',
    'on-success',
    'on-failure',
    'on-abnormal',
    'on-watchdog',
    'on-abort',
    'always'
];
const EMERGENCY_ACTIONS = [
    'none',
    'exit',
    'exit-force',
    'reboot',
    'reboot-force',
    'reboot-immediate',
    'poweroff',
    'poweroff-force',
    'poweroff-immediate',
    'halt',
    'halt-force',
    'halt-immediate',
    'kexec',
    'kexec-force',
    'soft-reboot',
    'soft-reboot-force'
];
/** From here a PIDFile= below /proc, /sys or /dev refuses the unit (256 unverified, follows 255). */
const PID_FILE_OUTSIDE_API_FILE_SYSTEMS = 257;
/** ImportCredential=GLOB:RENAME from here; before, the whole value is the glob (256 unverified). */
const IMPORT_CREDENTIAL_RENAME = 257;
/** The directives that matter for the score or for loading, keyed by their exact (case-sensitive) name. */
const DIRECTIVES = {
    User: userDirective('user'),
    Group: userDirective('group'),
    DynamicUser: {
        section: 'Service',
        apply(s, value) {
            const bool = parseBoolean(value);
            if (bool === undefined)
                return { fatal: `DynamicUser= takes a boolean, got '${value}'` };
            s.dynamicUser = bool;
            return undefined;
        }
    },
    SupplementaryGroups: {
        section: 'Service',
        apply(s, value, ctx) {
            if (value === '') {
                s.supplementaryGroups = [];
                return undefined;
            }
            const groups = [];
            const { words, error } = extractWords(value);
            // an open quote or a final backslash is a syntax error, fatal as a bad name is
            if (error !== undefined)
                return { fatal: `invalid syntax (${error})` };
            for (const word of words) {
                const expanded = expandSpecifiers(word, ctx.unit, ctx.version);
                if ('error' in expanded)
                    return { fatal: `${expanded.error} in '${word}'` };
                if (!isValidUserOrGroup(expanded.value)) {
                    return { fatal: `'${expanded.value}' is not a valid group name` };
                }
                groups.push(expanded.value);
            }
            s.supplementaryGroups = appended(s, s.supplementaryGroups, groups);
            return undefined;
        }
    },
    PrivateDevices: booleanDirective('privateDevices'),
    PrivateMounts: {
        section: 'Service',
        apply(s, value, ctx) {
            const bool = parseBoolean(value);
            if (bool !== undefined)
                s.privateMounts = bool;
            // a tristate from 254: the empty assignment resets it (before, it was no boolean)
            else if (value === '' && ctx.version >= PRIVATE_MOUNTS_TRISTATE)
                s.privateMounts = undefined;
            else
                return { ignored: `'${value}' is not a boolean` };
            return undefined;
        }
    },
    PrivateNetwork: booleanDirective('privateNetwork'),
    PrivateTmp: whenApplied(
    // 257 made it an enum: no, connected (= yes), disconnected (found by a helper's probes; 257,
    // 259, 262 take `connected`)
    booleanDirective('privateTmp', { extra: [{ value: /^(dis)?connected$/, since: 257 }] }), noteMountMode('PrivateTmp=disconnected')),
    PrivateUsers: whenApplied(booleanDirective('privateUsers', {
        extra: [
            { value: /^(self|identity)$/, since: 257 },
            { value: /^full$/, since: 258 },
            { value: /^managed$/, since: PRIVATE_USERS_MANAGED }
        ]
    }), (s, value) => {
        s.privateUsersManaged = value === 'managed';
    }),
    UserNamespacePath: {
        section: 'Service',
        since: 259,
        apply(s, value, ctx) {
            const resolved = unitPathOf(value, ctx.unit, ctx.version);
            if ('error' in resolved)
                return { ignored: resolved.error };
            s.userNamespacePath = 'unset' in resolved ? undefined : resolved.path;
            return undefined;
        }
    },
    PrivatePIDs: booleanDirective('privatePIDs', { since: 257 }),
    ProtectControlGroups: whenApplied(booleanDirective('protectControlGroups', {
        extra: [{ value: /^(private|strict)$/, since: 257 }]
    }), noteMountMode('ProtectControlGroups=private')),
    ProtectKernelModules: booleanDirective('protectKernelModules'),
    ProtectKernelTunables: booleanDirective('protectKernelTunables'),
    ProtectKernelLogs: booleanDirective('protectKernelLogs', { since: 244 }),
    ProtectClock: booleanDirective('protectClock', { since: 245 }),
    ProtectHostname: hostnameExpanded(booleanDirective('protectHostname', {
        since: 242,
        extra: [
            { value: /^private$/, since: 258 },
            // a host name for the unit's namespace: only a valid one (checked with 259)
            {
                value: /^(yes|private):/,
                since: 258,
                valid: (v) => isValidHostname(v.slice(v.indexOf(':') + 1))
            }
        ],
        // checked with 259 and 262 (257 keeps the value); 258, which brought the enum, assumed alike
        emptyResetsSince: 258
    })),
    LockPersonality: booleanDirective('lockPersonality'),
    MemoryDenyWriteExecute: booleanDirective('memoryDenyWriteExecute'),
    NoNewPrivileges: booleanDirective('noNewPrivileges'),
    RestrictRealtime: booleanDirective('restrictRealtime'),
    RestrictSUIDSGID: booleanDirective('restrictSUIDSGID', { since: 242 }),
    RemoveIPC: booleanDirective('removeIPC'),
    ProtectHome: {
        section: 'Service',
        apply(s, value) {
            const bool = parseBoolean(value);
            if (bool !== undefined)
                s.protectHome = bool ? 'yes' : 'no';
            else if (value === 'read-only' || value === 'tmpfs')
                s.protectHome = value;
            else
                return { ignored: `'${value}' is not a boolean, read-only or tmpfs` };
            return undefined;
        }
    },
    ProtectSystem: {
        section: 'Service',
        apply(s, value) {
            const bool = parseBoolean(value);
            if (bool !== undefined)
                s.protectSystem = bool ? 'yes' : 'no';
            else if (value === 'full' || value === 'strict')
                s.protectSystem = value;
            else
                return { ignored: `'${value}' is not a boolean, full or strict` };
            return undefined;
        }
    },
    RootDirectory: rootPathDirective('rootDirectory'),
    RootImage: rootPathDirective('rootImage'),
    RootMStack: rootPathDirective('rootMStack', ROOT_MSTACK),
    CapabilityBoundingSet: capabilityDirective('capabilityBoundingSet'),
    AmbientCapabilities: capabilityDirective('ambientCapabilities'),
    UMask: {
        section: 'Service',
        apply(s, value) {
            if (!/^[0-7]+$/.test(value) || parseInt(value, 8) > 0o7777) {
                return { ignored: `'${value}' is not an octal mode` };
            }
            s.umask = parseInt(value, 8);
            return undefined;
        }
    },
    KeyringMode: enumDirective('keyringMode', ['inherit', 'private', 'shared']),
    ProtectProc: enumDirective('protectProc', ['noaccess', 'invisible', 'ptraceable', 'default'], {
        since: 247
    }),
    ProcSubset: enumDirective('procSubset', ['all', 'pid'], { since: 247 }),
    NotifyAccess: enumDirective('notifyAccess', ['none', 'main', 'exec', 'all']),
    Delegate: {
        section: 'Service',
        apply(s, value) {
            if (value === '') {
                s.delegate = true;
                return undefined;
            }
            const bool = parseBoolean(value);
            if (bool !== undefined) {
                s.delegate = bool;
                return undefined;
            }
            if (extractWords(value, { unquote: true }).error)
                return { ignored: 'unbalanced quoting' };
            s.delegate = true;
            return undefined;
        }
    },
    RestrictNamespaces: {
        section: 'Service',
        apply(s, value) {
            const next = applyNamespaceAssignment(s.restrictNamespaces, value);
            if (next === undefined)
                return { ignored: `'${value}' is not a boolean or a namespace list` };
            s.restrictNamespaces = next;
            return undefined;
        }
    },
    RestrictAddressFamilies: {
        section: 'Service',
        apply(s, value, ctx) {
            const { next, unknown, notApplied } = applyAddressFamilyAssignment(s.addressFamilies, value, ctx.version);
            s.addressFamilies = next;
            if (!unknown.length)
                return undefined;
            return notApplied?.length ? { dropped: unknown, notApplied } : { dropped: unknown };
        }
    },
    SystemCallFilter: {
        section: 'Service',
        apply(s, value, ctx) {
            const { next, ignored } = applySyscallFilterAssignment(s.syscallFilter, value, ctx.version);
            s.syscallFilter = next;
            if (!ignored.length)
                return undefined;
            if (value.startsWith('~') || !ignored.some(errnoInAllowList))
                return { dropped: ignored };
            return {
                dropped: ignored.filter((word) => !errnoInAllowList(word)),
                errnoInAllowList: ignored.filter(errnoInAllowList)
            };
        }
    },
    SystemCallArchitectures: {
        section: 'Service',
        apply(s, value) {
            const { next, unknown } = applyArchitecturesAssignment(s.syscallArchitectures, value);
            s.syscallArchitectures = next;
            return unknown.length ? { dropped: unknown } : undefined;
        }
    },
    IPAddressDeny: ipDirective('ipAddressDeny'),
    IPAddressAllow: ipDirective('ipAddressAllow'),
    IPIngressFilterPath: ipFilterDirective('ipIngressFilterPath'),
    IPEgressFilterPath: ipFilterDirective('ipEgressFilterPath'),
    DevicePolicy: enumDirective('devicePolicy', ['auto', 'closed', 'strict']),
    DeviceAllow: {
        section: 'Service',
        apply(s, value, ctx) {
            if (value === '') {
                s.deviceAllow = [];
                return undefined;
            }
            const first = extractFirstWord(value, 0, { unquote: true });
            if (first === undefined || 'error' in first)
                return { ignored: 'invalid syntax' };
            // unit_path_printf(): 4,095 bytes at most, then path_is_valid() (no name over 255 bytes)
            const expanded = expandPathSpecifiers(first.word, ctx.unit, ctx.version);
            if ('error' in expanded)
                return { ignored: expanded.error };
            let path = expanded.value;
            if (!path.startsWith('block-') && !path.startsWith('char-')) {
                if (hasOverlongComponent(path) || !isDeviceNodePath(path, ctx.version)) {
                    return { ignored: `'${path}' is not a device node path` };
                }
                path = simplifyPath(withoutLeadingDotDot(path, ctx.version));
            }
            const rights = value.slice(first.next);
            if (rights !== '' && !/^[rwm]+$/.test(rights))
                return { ignored: `invalid rights '${rights}'` };
            s.deviceAllow = appended(s, s.deviceAllow, [{ path, rights }]);
            return undefined;
        }
    },
    ...MOUNT_NAMESPACE_DIRECTIVES$1,
    // Settings the gate does not score, read only because a bad value makes the unit fail to load.
    PIDFile: {
        section: 'Service',
        apply(_s, value, ctx) {
            if (value === '')
                return undefined;
            // config_parse_pid_file: a failed specifier is ignored; a relative path goes below /run
            const expanded = expandPathSpecifiers(value, ctx.unit, ctx.version);
            if ('error' in expanded)
                return { ignored: expanded.error };
            const path = expanded.value.startsWith('/') ? expanded.value : `/run/${expanded.value}`;
            // systemd logs "ignoring" here, but returns the error: the unit does not load
            if (hasDotDot(withoutLeadingDotDot(path, ctx.version))) {
                return { fatal: `'${path}' is not normalized ('..')` };
            }
            if (hasOverlongComponent(path))
                return { fatal: `'${path}' has a name over 255 bytes` };
            if (!isValidUtf8Value(path))
                return { fatal: `'${path}' is not valid UTF-8` };
            // the /run/ before a relative path can take it to PATH_MAX
            const simple = simplifyPath(path);
            if (isOverPathMax(simple))
                return { fatal: 'the path is 4,096 bytes or more' };
            // from 257 (PATH_CHECK_NON_API_VFS): 255 loads PIDFile=/dev/null, 257-262 refuse it
            if (ctx.version >= PID_FILE_OUTSIDE_API_FILE_SYSTEMS &&
                isBelowApiFileSystems(simple, false)) {
                return { fatal: `'${path}' is below /proc, /sys or /dev` };
            }
            return undefined;
        }
    },
    RootVerity: rootPathDirective(undefined, 246),
    RootImagePolicy: imagePolicyDirective(),
    MountImagePolicy: imagePolicyDirective(),
    ExtensionImagePolicy: imagePolicyDirective(),
    SELinuxContext: securityLabelDirective(),
    AppArmorProfile: securityLabelDirective(),
    SmackProcessLabel: securityLabelDirective(),
    WorkingDirectory: {
        section: 'Service',
        apply(s, value, ctx) {
            // an invalid path leaves the previous one in place
            if (value === '') {
                s.workingDirectory = undefined;
                s.workingDirectoryHome = false;
                return undefined;
            }
            const missingOk = value.startsWith('-');
            const path = missingOk ? value.slice(1) : value;
            if (path === '~') {
                s.workingDirectory = undefined;
                s.workingDirectoryHome = true;
                return undefined;
            }
            const resolved = absolutePathOf(path, ctx.unit, ctx.version);
            if ('error' in resolved) {
                return missingOk ? { ignored: resolved.error } : { fatal: resolved.error };
            }
            s.workingDirectory = resolved.path;
            s.workingDirectoryHome = false;
            return undefined;
        }
    },
    MountImages: {
        section: 'Service',
        since: 247,
        apply(s, value, ctx) {
            if (value === '') {
                s.mountImages = 0;
                return undefined;
            }
            const count = countImages(value, true, ctx.unit, ctx.version);
            s.mountImages += count;
            return undefined;
        }
    },
    ImportCredential: {
        section: 'Service',
        since: 254,
        // config_parse_import_credential(): GLOB[:RENAME], each a credential name or one ending in '*'
        // (read off 257 and 262: `foo*`, `*`, `foo:bar`, `foo:`, `foo:ba*` count; `fo*o`, `a/b`,
        // `foo:a/b`, `%Z` are ignored)
        apply(s, value, ctx) {
            if (value === '') {
                s.importCredentials = false;
                return undefined;
            }
            // up to 255 the whole value is the glob, expanded at once (`x:%J` of foo-.service makes 254
            // and 255 abort, not 257); its ':' then makes it no name
            const split = ctx.version < IMPORT_CREDENTIAL_RENAME
                ? { id: value, rest: undefined }
                : splitCredential(value);
            if (split === undefined)
                return { ignored: 'invalid credential syntax' };
            const glob = expandSpecifiers(split.id, ctx.unit, ctx.version);
            if ('error' in glob)
                return { ignored: `${glob.error} in '${split.id}'` };
            // a glob may end in '*'; a glob character anywhere else makes it no name
            const valid = (name) => {
                const stem = name.endsWith('*') ? name.slice(0, -1) : name;
                return ((stem === '' && name === '*') || (isValidCredentialName(stem) && !/[*?[\]]/.test(stem)));
            };
            if (!valid(glob.value))
                return { ignored: `'${glob.value}' is not a credential name or glob` };
            if (split.rest !== undefined && split.rest !== '' && !valid(split.rest)) {
                return { ignored: `'${split.rest}' is not a credential name to import as` };
            }
            s.importCredentials = true;
            return undefined;
        }
    },
    LoadCredential: credentialDirective('loadCredentials', false),
    LoadCredentialEncrypted: credentialDirective('loadCredentials', true, 250),
    SetCredential: credentialDirective('setCredentials', false),
    SetCredentialEncrypted: credentialDirective('setCredentials', true, 250),
    Type: enumDirective('type', SERVICE_TYPES, { byVersion: { 'notify-reload': 253 } }),
    ExecStart: execDirective('execStart'),
    ExecStop: execDirective('execStop'),
    ExecStartPre: execDirective(),
    ExecStartPost: execDirective(),
    ExecCondition: execDirective(),
    ExecReload: execDirective(),
    // NEWS 259; parsed as every Exec*= line, so a bad one refuses the unit (older ones ignore the key)
    ExecReloadPost: { ...execDirective(), since: 259 },
    ExecStopPost: execDirective(),
    RemainAfterExit: booleanDirective('remainAfterExit'),
    BusName: {
        section: 'Service',
        // config_parse_bus_name(): specifiers expanded, then a name sd-bus would not take is ignored,
        // the empty one too (it does not reset an earlier BusName=)
        apply(s, value, ctx) {
            const expanded = expandSpecifiers(value, ctx.unit, ctx.version);
            if ('error' in expanded)
                return { ignored: `${expanded.error} in '${value}'` };
            if (!isValidBusName(expanded.value)) {
                return { ignored: `'${expanded.value}' is not a valid D-Bus name` };
            }
            s.busName = expanded.value;
            return undefined;
        }
    },
    Restart: enumDirective('restart', RESTART_VALUES),
    RestartForceExitStatus: {
        section: 'Service',
        apply(s, value, ctx) {
            if (value === '') {
                s.restartForceExitStatus = false;
                return undefined;
            }
            const valid = extractWords(value).words.some((word) => isExitStatusOrSignal(word, ctx.version));
            if (valid)
                s.restartForceExitStatus = true;
            return valid ? undefined : { ignored: 'no valid exit status' };
        }
    },
    ExitType: enumDirective('exitType', ['main', 'cgroup'], { since: 250 }),
    PAMName: {
        section: 'Service',
        // config_parse_unit_string_printf(): a value whose specifiers do not expand is ignored
        apply(s, value, ctx) {
            const expanded = expandSpecifiers(value, ctx.unit, ctx.version);
            if ('error' in expanded)
                return { ignored: `${expanded.error} in '${value}'` };
            s.pamName = expanded.value === '' ? undefined : expanded.value;
            return undefined;
        }
    },
    KillMode: enumDirective('killMode', ['control-group', 'process', 'mixed', 'none']),
    DefaultDependencies: {
        section: 'Unit',
        apply(s, value) {
            const bool = parseBoolean(value);
            if (bool === undefined)
                return { ignored: `'${value}' is not a boolean` };
            s.defaultDependencies = bool;
            return undefined;
        }
    },
    SuccessAction: actionsOfTheManager(enumDirective('successAction', EMERGENCY_ACTIONS, {
        section: 'Unit',
        byVersion: {
            'soft-reboot': 254,
            'soft-reboot-force': 254,
            kexec: 253,
            'kexec-force': 253,
            // systemd 252 refuses them, 254 (Debian's backport, checked) accepts them
            halt: 254,
            'halt-force': 254,
            'halt-immediate': 254
        }
    }))
};
const LOWERCASE_DIRECTIVES = new Map(Object.keys(DIRECTIVES).map((key) => [key.toLowerCase(), key]));
function keyInfoOf(name, directive, recordedIn, caseOf) {
    const masks = keyMasks(name);
    const warn = Object.hasOwn(LOAD_WARNINGS, name) ? LOAD_WARNINGS[name] : undefined;
    return { name, directive, recordedIn, caseOf, masks, home: homeSection(masks), warn };
}
const KEY_INFO = new Map([...new Set([...Object.keys(DIRECTIVES), ...Object.keys(RECORDED_DIRECTIVES)])].map((name) => [
    name,
    keyInfoOf(name, DIRECTIVES[name], RECORDED_DIRECTIVES[name], undefined)
]));
const KNOWN_KEYS = KEY_INFO.size;
/**
 * Whether systemd `version` reads a key the measured tables list (unknown-keys.ts), as far as the
 * directives' first versions tell: the tables start at 252, targets go down to 240.
 */
function readsKeyAt(key, version) {
    const since = Object.hasOwn(DIRECTIVES, key) ? DIRECTIVES[key].since : undefined;
    return since === undefined || version >= since;
}
/** What a key is; the keys the gate does not read (Description=, After= ...) are remembered too. */
function keyInfo(key) {
    let info = KEY_INFO.get(key);
    if (info === undefined) {
        // a copy: the key may be a slice that keeps the whole file it came from in memory
        const name = (' ' + key).slice(1);
        const caseOf = LOWERCASE_DIRECTIVES.get(name.toLowerCase());
        info = keyInfoOf(name, undefined, undefined, caseOf);
        if (KEY_INFO.size < KNOWN_KEYS + 4096)
            KEY_INFO.set(name, info);
    }
    return info;
}
function describeDropped(key, words, notApplied = [], errnoInAllowList = []) {
    const list = (items) => {
        const shown = items.slice(0, 5).map((w) => `'${w}'`);
        return shown.join(', ') + (items.length > 5 ? ` and ${items.length - 5} more` : '');
    };
    const them = (items) => (items.length === 1 ? 'it' : 'them');
    const withErrno = errnoInAllowList.length
        ? `${list(errnoInAllowList)}: a system call the list allows cannot take an error number; systemd drops ${them(errnoInAllowList)}`
        : '';
    if (!words.length)
        return `${key}=: ${withErrno}`;
    const dropped = `${key}=: ${list(words)} not understood; systemd drops ${them(words)}` +
        (withErrno ? `; ${withErrno}` : '');
    if (!notApplied.length)
        return dropped;
    return `${dropped} and stops there: ${list(notApplied)} after it ${notApplied.length === 1 ? 'is' : 'are'} not applied either`;
}
/** Applies the assignments of one file; returns the fatal error, if any, that stopped it. */
function applyFile(file, bytes, settings, sources, diagnostics, comments, ctx) {
    const parsed = parseUnitText(bytes, undefined, ctx.version);
    // the parser's notices as systemd reads the lines: none after a line that stops the file
    // (config_parse() returns at the first error), so they are listed up to the assignment applied
    let noticed = 0;
    const noticeBefore = (stop) => {
        for (; noticed < parsed.warnings.length; noticed++) {
            const warning = parsed.warnings[noticed];
            if (warning.line >= stop)
                return;
            addDiagnostic(diagnostics, {
                file: file.path,
                line: warning.line,
                severity: 'notice',
                code: 'syntax',
                message: warning.message
            });
        }
    };
    for (const comment of parsed.comments)
        comments.push({ file: file.path, ...comment });
    const abortable = hasEmptyLastComponent(ctx.unit);
    let line = 0;
    try {
        for (const assignment of parsed.assignments) {
            line = assignment.line;
            if (noticed < parsed.warnings.length)
                noticeBefore(line);
            const { value, section } = assignment;
            const info = keyInfo(assignment.key);
            const key = info.name;
            if (!ctx.skipRecording && info.recordedIn === section) {
                record(settings, key, value, ctx.ownsRecorded);
            }
            const directive = info.directive;
            if (info.warn !== undefined &&
                section === 'Service' &&
                (directive?.since === undefined || ctx.version >= directive.since)) {
                const warning = info.warn(value, ctx.unit, ctx.version);
                if (warning !== undefined)
                    addDiagnostic(diagnostics, {
                        file: file.path,
                        line: assignment.line,
                        severity: 'warning',
                        code: 'systemd-warning',
                        key,
                        message: warning
                    });
            }
            if (!directive) {
                if (abortable)
                    expandUnreadSetting(`${section}.${key}`, value, ctx.unit, ctx.version);
                const known = info.caseOf;
                if (known) {
                    addDiagnostic(diagnostics, {
                        file: file.path,
                        line: assignment.line,
                        severity: ctx.hardeningKeys?.has(known) ? 'error' : 'warning',
                        code: 'unknown-key',
                        key,
                        message: `'${key}' is not '${known}': keys are case-sensitive, so systemd ignores this line`
                    });
                }
                else if (section !== info.home) {
                    // a guess at the key meant (~7 us) for a unit's first problems only: a file of thousands
                    // of unknown keys is not a typo
                    const guess = diagnostics.length < MAX_GUESSED;
                    const ignored = ignoredKey(key, section, info.masks, ctx.version, guess, readsKeyAt);
                    if (ignored !== undefined)
                        addDiagnostic(diagnostics, {
                            file: file.path,
                            line: assignment.line,
                            // a misspelt directive of the checks looks like hardening and does nothing
                            severity: ignored.meant !== undefined && ctx.hardeningKeys?.has(ignored.meant)
                                ? 'error'
                                : 'warning',
                            code: ignored.code,
                            key,
                            message: ignored.message
                        });
                }
                continue;
            }
            const at = { file: file.path, line: assignment.line };
            if (directive.section !== section) {
                addDiagnostic(diagnostics, {
                    ...at,
                    severity: 'error',
                    code: 'wrong-section',
                    key,
                    message: `${key}= belongs in [${directive.section}]; under [${section}] systemd ignores it`
                });
                continue;
            }
            if (directive.since !== undefined && ctx.version < directive.since) {
                addDiagnostic(diagnostics, {
                    ...at,
                    severity: 'warning',
                    code: 'ignored-by-version',
                    key,
                    message: `${key}= is ignored by systemd ${ctx.version} (it exists from ${directive.since})`
                });
                continue;
            }
            const outcome = directive.apply(settings, value, ctx);
            if (outcome === undefined) {
                sources?.set(key, at);
            }
            else if ('fatal' in outcome) {
                return { fatal: { line: assignment.line, message: `${key}=${value}: ${outcome.fatal}` } };
            }
            else if ('dropped' in outcome) {
                sources?.set(key, at);
                addDiagnostic(diagnostics, {
                    ...at,
                    severity: 'warning',
                    code: 'dropped-words',
                    key,
                    message: describeDropped(key, outcome.dropped, outcome.notApplied, outcome.errnoInAllowList)
                });
            }
            else {
                addDiagnostic(diagnostics, {
                    ...at,
                    severity: 'error',
                    code: outcome.byVersion ? 'ignored-by-version' : 'ignored-value',
                    key,
                    message: outcome.byVersion
                        ? `${key}=${value} is ignored by systemd ${ctx.version}: ${outcome.ignored}`
                        : `${key}=${value} is ignored by systemd: ${outcome.ignored}; the previous value stays`
                });
            }
        }
    }
    catch (error) {
        if (!(error instanceof SpecifierAbort))
            throw error;
        return { aborted: { line, message: error.message } };
    }
    noticeBefore(Infinity);
    return { fatal: parsed.fatal, serviceLine: parsed.sectionLines['Service'] };
}
/** The settings applyImpliedSettings() may change (the fix engine restores them between variants). */
const IMPLIED_SETTINGS_KEYS = [
    'user',
    'privateTmp',
    'removeIPC',
    'protectSystem',
    'protectHome',
    'noNewPrivileges',
    'restrictSUIDSGID',
    'capabilityBoundingSet',
    'devicePolicy'
];
// Capabilities the implied settings remove from the bounding set (computed once, not per unit).
const DROPPED_BY_PRIVATE_DEVICES = capabilityMask('CAP_MKNOD', 'CAP_SYS_RAWIO');
const DROPPED_BY_PROTECT_KERNEL_MODULES = capabilityMask('CAP_SYS_MODULE');
const DROPPED_BY_PROTECT_KERNEL_LOGS = capabilityMask('CAP_SYSLOG');
const DROPPED_BY_PROTECT_CLOCK = capabilityMask('CAP_SYS_TIME', 'CAP_WAKE_ALARM');
/** Settings systemd implies at load time (unit_patch_contexts), offline as online. */
function applyImpliedSettings(s, unit) {
    if (s.dynamicUser) {
        if (s.user === undefined) {
            s.user = isStrictUserName(unit.prefix) ? unit.prefix : `_du${unit.prefix.length.toString(16)}`;
        }
        s.privateTmp = true;
        s.removeIPC = true;
        s.protectSystem = 'strict';
        if (s.protectHome === 'no')
            s.protectHome = 'read-only';
        s.noNewPrivileges = true;
        s.restrictSUIDSGID = true;
    }
    if (s.privateDevices)
        s.capabilityBoundingSet &= ~DROPPED_BY_PRIVATE_DEVICES;
    if (s.protectKernelModules)
        s.capabilityBoundingSet &= ~DROPPED_BY_PROTECT_KERNEL_MODULES;
    if (s.protectKernelLogs)
        s.capabilityBoundingSet &= ~DROPPED_BY_PROTECT_KERNEL_LOGS;
    if (s.protectClock)
        s.capabilityBoundingSet &= ~DROPPED_BY_PROTECT_CLOCK;
    if (s.privateDevices && s.devicePolicy === 'auto')
        s.devicePolicy = 'closed';
}
/** Device entries systemd appends at load time; they only matter under a closed or strict policy. */
function impliedDeviceEntries(s, version) {
    const entries = [];
    if (s.devicePolicy === 'auto' && s.deviceAllow.length === 0)
        return entries;
    if (s.rootImage !== undefined || s.rootMStack !== undefined || s.mountImages > 0) {
        entries.push({ path: '/dev/loop-control', rights: 'rw' }, { path: '/dev/mapper/control', rights: 'rw' }, { path: 'block-loop', rights: 'rwm' }, { path: 'block-blkext', rights: 'rwm' }, { path: 'block-device-mapper', rights: 'rwm' });
    }
    if (s.protectClock)
        entries.push({ path: 'char-rtc', rights: 'r' });
    const encrypted = [...s.loadCredentials.values(), ...s.setCredentials.values()].some(Boolean);
    if (encrypted && version < TPM_DEVICE_DROPPED_IN)
        entries.push({ path: '/dev/tpmrm0', rights: 'rw' });
    return entries;
}
/** From this version on, encrypted credentials no longer add /dev/tpmrm0 to the device list. */
const TPM_DEVICE_DROPPED_IN = 259;
/** Loads one service: main file, drop-ins, implied settings, refusal checks. */
function loadService(input) {
    const diagnostics = [];
    const { main } = input;
    if (main.bytes === null || main.bytes.length === 0) {
        return {
            status: 'masked',
            reason: 'the unit is masked (empty file or link to /dev/null)',
            diagnostics
        };
    }
    const ctx = {
        unit: input.unit,
        version: input.version,
        ownsRecorded: true,
        skipRecording: input.record === false,
        hardeningKeys: input.hardeningKeys
    };
    const settings = settingsFor(input.manager);
    const sources = new Map();
    const comments = [];
    const mainCtx = input.requestedAs ? { ...ctx, unit: input.requestedAs } : ctx;
    const mainResult = applyFile(main, main.bytes, settings, sources, diagnostics, comments, mainCtx);
    /** the unit does not load: refused or aborted at this line of this file */
    const stoppedAt = (file, stop) => ({
        status: 'invalid',
        reason: stop.message,
        at: { file: file.path, line: stop.line },
        diagnostics
    });
    const mainStop = mainResult.aborted ?? mainResult.fatal;
    if (mainStop)
        return stoppedAt(main, mainStop);
    for (const dropIn of input.dropIns) {
        if (dropIn.bytes === null || dropIn.bytes.length === 0)
            continue;
        const result = applyFile(dropIn, dropIn.bytes, settings, sources, diagnostics, comments, ctx);
        if (result.aborted)
            return stoppedAt(dropIn, result.aborted);
        if (result.fatal) {
            addDiagnostic(diagnostics, {
                file: dropIn.path,
                line: result.fatal.line,
                severity: 'error',
                code: 'dropin-stopped',
                message: `${result.fatal.message}; systemd ignores the rest of this drop-in`
            });
        }
    }
    // Implied settings only reassign fields (never mutate the sets, maps and arrays inside), so a
    // shallow copy keeps the settings as written; whoever edits them copies deeply (copySettings).
    const raw = ctx.skipRecording ? undefined : { ...settings };
    applyImpliedSettings(settings, input.unit);
    const refused = refusal(settings, input.version);
    const serviceHeader = { file: main.path, line: mainResult.serviceLine ?? 1 };
    if (refused)
        return { status: 'invalid', reason: refused, at: serviceHeader, diagnostics };
    const files = [main.path, ...input.dropIns.map((d) => d.path)];
    const loaded = {
        status: 'loaded',
        settings,
        sources,
        serviceHeader,
        diagnostics,
        comments,
        files
    };
    if (raw)
        loaded.raw = raw;
    return loaded;
}
// ---------------------------------------------------------------------------------------------------
// For the fix engine: the settings before the implied ones, extended cheaply by more assignments.
/**
 * The settings after the unit file and the given drop-ins, before the settings systemd implies at
 * load time (undefined when the unit file does not load). Diagnostics are discarded.
 */
function readRawSettings(input) {
    const { main } = input;
    if (main.bytes === null || main.bytes.length === 0)
        return undefined;
    const ctx = { unit: input.unit, version: input.version };
    const settings = settingsFor(input.manager);
    const applied = applyFile(main, main.bytes, settings, undefined, [], [], ctx);
    if (applied.fatal || applied.aborted)
        return undefined;
    for (const dropIn of input.dropIns)
        applyDropInTo(settings, dropIn, input.unit, input.version);
    return settings;
}
/** Applies one more drop-in file to raw settings, as loadService does (a fatal line stops the file). */
function applyDropInTo(settings, dropIn, unit, version) {
    if (dropIn.bytes === null || dropIn.bytes.length === 0)
        return;
    applyFile(dropIn, dropIn.bytes, settings, undefined, [], [], { unit, version });
}
/**
 * Applies one [Service] assignment to raw settings as a drop-in line would (no syntax layer: the
 * caller writes plain values). Returns false when systemd would ignore or refuse the line.
 */
function applyServiceAssignment(settings, key, value, unit, version) {
    if (Object.hasOwn(RECORDED_DIRECTIVES, key) && RECORDED_DIRECTIVES[key] === 'Service') {
        record(settings, key, value);
    }
    const directive = Object.hasOwn(DIRECTIVES, key) ? DIRECTIVES[key] : undefined;
    if (!directive)
        return Object.hasOwn(RECORDED_DIRECTIVES, key);
    if (directive.section !== 'Service')
        return false;
    if (directive.since !== undefined && version < directive.since)
        return false;
    const outcome = directive.apply(settings, value, { unit, version });
    return outcome === undefined;
}
/** A copy that later assignments can change without touching the original. */
function copySettings(s) {
    const copy = { ...s };
    // The one value the directive appliers update in place (the others are replaced).
    if (s.syscallFilter)
        copy.syscallFilter = copySyscallFilter(s.syscallFilter);
    return copy;
}

const verdict = (badness, detail) => ({
    badness,
    detail,
    na: undefined
});
const notApplicable = (reason) => ({
    badness: 0,
    detail: undefined,
    na: reason
});
const EXEC = 'https://www.freedesktop.org/software/systemd/man/latest/systemd.exec.html';
const RESOURCE = 'https://www.freedesktop.org/software/systemd/man/latest/systemd.resource-control.html';
const SERVICE = 'https://www.freedesktop.org/software/systemd/man/latest/systemd.service.html';
// Shared verdicts for the common case: most rows of most units allocate nothing.
const GOOD = verdict(0);
const BAD = verdict(1);
const WORST = verdict(10);
const NO_FILTER = verdict(10, 'no system call filter');
const bad = (condition) => (condition ? BAD : GOOD);
/** Verdicts whose detail derives from a setting with few distinct values, made once per value. */
function verdictCache(make) {
    const made = new Map();
    return (value) => {
        let found = made.get(value);
        if (found === undefined) {
            found = make(value);
            if (made.size < 4096)
                made.set(value, found);
        }
        return found;
    };
}
function booleanCheck(id, 
/** a getter per row, not a key: one shared `settings[key]` lookup site would be megamorphic */
enabled, meta) {
    return {
        id,
        name: `${id}=`,
        range: 1,
        directives: [id],
        fix: meta.fix ?? [`${id}=yes`],
        man: meta.man ?? `${EXEC}#${id}=`,
        ...meta,
        assess: ({ settings, version }) => bad(!enabled(settings, version))
    };
}
/** The verdict of a capability row, per kept subset (few distinct values: cached). */
const keptVerdicts = new Map();
function keptVerdict(kept) {
    let found = keptVerdicts.get(kept);
    if (found === undefined) {
        found = verdict(1, capabilityNames(kept).join(' '));
        if (keptVerdicts.size < 65536)
            keptVerdicts.set(kept, found);
    }
    return found;
}
function capabilityCheck(row) {
    const mask = capabilityMask(...row.caps);
    /** the verdict for the last bounding set assessed */
    let lastSet = -1n;
    let lastVerdict = GOOD;
    let allKept;
    return {
        id: `CapabilityBoundingSet_${row.id}`,
        name: `CapabilityBoundingSet=~${row.name}`,
        weight: row.weight,
        range: 1,
        since: row.since,
        directives: ['CapabilityBoundingSet'],
        good: row.good,
        bad: row.bad,
        fix: [`CapabilityBoundingSet=~${row.caps.join(' ')}`],
        breaks: row.breaks,
        man: `${EXEC}#CapabilityBoundingSet=`,
        keeps: { capabilities: row.caps },
        assess: ({ settings }) => {
            // most units keep the default set or one of a few: a comparison spares the BigInt work
            const set = settings.capabilityBoundingSet;
            if (set === lastSet)
                return lastVerdict;
            const kept = set & mask;
            // every capability of the row kept (the default set) is the common finding: no lookup
            lastVerdict =
                kept === 0n ? GOOD : kept === mask ? (allKept ??= keptVerdict(mask)) : keptVerdict(kept);
            lastSet = set;
            return lastVerdict;
        }
    };
}
function namespaceCheck(type, weight, what) {
    return {
        id: `RestrictNamespaces_${type}`,
        name: `RestrictNamespaces=~${type}`,
        weight,
        range: 1,
        directives: ['RestrictNamespaces'],
        good: `The service cannot create ${what} namespaces.`,
        bad: `The service may create ${what} namespaces, a common step in kernel exploits and sandbox escapes.`,
        fix: ['RestrictNamespaces=yes'],
        breaks: 'Container runtimes, browsers and build sandboxes create namespaces; list the types they need instead of yes.',
        man: `${EXEC}#RestrictNamespaces=`,
        keeps: { namespace: type },
        assess: ({ settings }) => bad(namespaceAllowed(settings.restrictNamespaces, type))
    };
}
function addressFamilyCheck(id, name, bucket, weight, what, 
/** the families the row is about (none for the row of every other family) */
families) {
    return {
        id: `RestrictAddressFamilies_${id}`,
        name: `RestrictAddressFamilies=~${name}`,
        weight,
        range: 1,
        directives: ['RestrictAddressFamilies'],
        good: `The service cannot open ${what} sockets.`,
        bad: `The service may open ${what} sockets.`,
        fix: ['RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6'],
        breaks: 'A service that talks to the network needs AF_INET/AF_INET6, one that manages interfaces or routes needs AF_NETLINK, and packet capture needs AF_PACKET: allow exactly those families.',
        man: `${EXEC}#RestrictAddressFamilies=`,
        keeps: families && { addressFamilies: families },
        assess: ({ settings }) => bad(!bucketRestricted(settings.addressFamilies, bucket))
    };
}
function syscallCheck(group, weight, what) {
    /** this row's verdicts per shared filter set, keyed by \u00b1version (+ allow-list, - deny-list) */
    const verdictsByFilter = new WeakMap();
    const suffix = group.slice(1).replace(/-/g, '_');
    return {
        id: `SystemCallFilter_${suffix}`,
        name: `SystemCallFilter=~${group}`,
        weight,
        range: 10,
        directives: ['SystemCallFilter'],
        good: `System calls for ${what} are filtered.`,
        bad: `The service may use the system calls for ${what}.`,
        fix: ['SystemCallFilter=@system-service', 'SystemCallFilter=~@privileged @resources'],
        breaks: 'A filtered call kills the service (or fails with SystemCallErrorNumber=). Trace the calls it makes first; deny only what it does not use.',
        man: `${EXEC}#SystemCallFilter=`,
        keeps: { syscallGroup: group },
        assess: ({ settings, version }) => {
            const filter = settings.syscallFilter;
            if (filter === undefined || (!filter.allowList && filter.names.size === 0))
                return NO_FILTER;
            // A shared set never changes: its verdict is worked out once per version.
            const cache = filter.shared ? sharedFilterVerdicts(filter.names) : undefined;
            const key = filter.allowList ? version : -version;
            const cached = cache?.get(key);
            if (cached !== undefined)
                return cached;
            const offending = firstUnfilteredMember(filter, group, version);
            const found = offending === undefined
                ? GOOD
                : filter.allowList
                    ? verdict(9, `the allow-list includes ${offending}`)
                    : verdict(10, `the deny-list misses ${offending}`);
            cache?.set(key, found);
            return found;
        }
    };
    function sharedFilterVerdicts(names) {
        let verdicts = verdictsByFilter.get(names);
        if (verdicts === undefined)
            verdictsByFilter.set(names, (verdicts = new Map()));
        return verdicts;
    }
}
/**
 * The row with its fields in one fixed order: rows made by different helpers would have different
 * hidden classes, and the scoring loop's reads of `assess` and `bootPhaseExempt` would be
 * megamorphic lookups on every row of every unit.
 */
function uniformRow(row) {
    return {
        id: row.id,
        name: row.name,
        weight: row.weight,
        range: row.range,
        since: row.since,
        bootPhaseExempt: row.bootPhaseExempt ?? false,
        directives: row.directives,
        good: row.good,
        bad: row.bad,
        fix: row.fix,
        breaks: row.breaks,
        man: row.man,
        keeps: row.keeps,
        assess: row.assess
    };
}
const isRoot = (user) => user === 'root' || user === '0';
const SHARED_NOBODY = verdict(9, 'User=nobody is shared by unrelated services');
const GROUPS_AS_ROOT = notApplicable('runs as root, groups do not matter');
const IPC_AS_ROOT = notApplicable('runs as root, the option does not apply');
const CALLING_USER = verdict(0, "runs under the calling user's identity (a user's service manager)");
const IPC_USER_MANAGER = notApplicable('RemoveIPC= has no effect on the services of a user manager');
/**
 * From 259 (257 does not; 258 unverified) systemd-analyze --user judges a user unit's identity as
 * its manager runs it: unset or root User= is the calling user (good), supplementary groups count,
 * RemoveIPC= does not apply.
 */
const USER_MANAGER_IDENTITY = 259;
const judgedAsUser = (settings, version) => settings.userManager && version >= USER_MANAGER_IDENTITY;
const NO_ARCHITECTURE_RESTRICTION = verdict(10, 'no architecture restriction');
const CUSTOM_IP_FILTERS = verdict(0, 'custom BPF filters');
const NO_IP_POLICY = verdict(10, 'no deny-all IP policy');
const ALLOWS_OTHER_HOSTS = verdict(5, 'allows hosts other than localhost');
const ALLOWS_LOCALHOST = verdict(2, 'allows localhost');
const NO_DEVICE_CONTROL = verdict(10, 'no device access control');
const protectHomeVerdict = verdictCache((value) => {
    const badness = value === 'yes' ? 0 : value === 'tmpfs' ? 1 : value === 'read-only' ? 5 : 10;
    return verdict(badness, badness ? `ProtectHome=${value}` : undefined);
});
const protectSystemVerdict = verdictCache((value) => {
    const badness = value === 'strict' ? 0 : value === 'full' ? 3 : value === 'yes' ? 5 : 10;
    return verdict(badness, badness ? `ProtectSystem=${value}` : undefined);
});
const protectProcVerdict = verdictCache((value) => {
    if (value === 'invisible' || value === 'ptraceable')
        return GOOD;
    return verdict(value === 'noaccess' ? 1 : 3, `ProtectProc=${value}`);
});
const ambientVerdict = verdictCache((ambient) => verdict(1, capabilityNames(ambient).join(' ') || undefined));
const umaskVerdict = verdictCache((umask) => {
    const text = `UMask=${umask.toString(8).padStart(4, '0')}`;
    if (!(umask & 0o002))
        return verdict(10, `${text}: files are world-writable`);
    if (!(umask & 0o004))
        return verdict(5, `${text}: files are world-readable`);
    if (!(umask & 0o020))
        return verdict(2, `${text}: files are group-writable`);
    if (!(umask & 0o040))
        return verdict(1, `${text}: files are group-readable`);
    return GOOD;
});
const CAPABILITY_BREAKS = 'A service that legitimately needs this capability fails with "Operation not permitted"; keep exactly the capabilities it needs in CapabilityBoundingSet=.';
/** The table, in systemd's order. */
const ROWS = [
    {
        id: 'UserOrDynamicUser',
        name: 'User=/DynamicUser=',
        weight: 2000,
        range: 10,
        directives: ['User', 'DynamicUser'],
        good: 'The service runs as an unprivileged user.',
        bad: 'The service runs as root: any compromise owns the machine.',
        fix: ['DynamicUser=yes'],
        breaks: 'Files the service owns on disk need a stable UID: create a system user and set User= instead of DynamicUser=, or move the data to StateDirectory=.',
        man: `${EXEC}#User=`,
        assess: ({ settings, version }) => {
            const user = settings.user;
            if (user === 'nobody')
                return SHARED_NOBODY;
            if (settings.dynamicUser && !isRoot(user))
                return GOOD;
            if (user !== undefined && user !== '' && !isRoot(user))
                return GOOD;
            return judgedAsUser(settings, version) ? CALLING_USER : WORST;
        }
    },
    {
        id: 'SupplementaryGroups',
        name: 'SupplementaryGroups=',
        weight: 200,
        range: 1,
        directives: ['SupplementaryGroups'],
        good: 'The service has no supplementary groups.',
        bad: 'Supplementary groups widen what the service can read and write.',
        fix: ['SupplementaryGroups='],
        breaks: 'Groups that grant access to sockets or devices (e.g. a docker or dialout group) may be needed.',
        man: `${EXEC}#SupplementaryGroups=`,
        assess: ({ settings, runsPrivileged, version }) => runsPrivileged && !judgedAsUser(settings, version)
            ? GROUPS_AS_ROOT
            : bad(settings.supplementaryGroups.length > 0)
    },
    booleanCheck('PrivateDevices', (s) => s.privateDevices, {
        weight: 1000,
        good: 'The service sees only pseudo devices such as /dev/null.',
        bad: 'The service can open hardware devices under /dev.',
        breaks: 'Services that use real devices (GPUs, serial ports, disks) need DeviceAllow= entries instead.'
    }),
    booleanCheck('PrivateMounts', 
    // systemd-analyze from 254 on reads an unset PrivateMounts= as set (see PRIVATE_MOUNTS_TRISTATE)
    (s, version) => version >= PRIVATE_MOUNTS_TRISTATE ? s.privateMounts !== false : s.privateMounts === true, {
        weight: 1000,
        good: 'Mounts made by the service stay private to it.',
        bad: 'The service shares the host mount namespace and its propagation.',
        breaks: 'Services that mount file systems for others to see (automounters, storage agents) must not use it.'
    }),
    booleanCheck('PrivateNetwork', (s) => s.privateNetwork, {
        weight: 2500,
        good: 'The service has no network access beyond its own loopback.',
        bad: 'The service can reach every network the host can.',
        breaks: 'Anything that listens on or connects to the network, including DNS lookups, breaks; use RestrictAddressFamilies= and IPAddressDeny= instead.'
    }),
    booleanCheck('PrivateTmp', (s) => s.privateTmp, {
        weight: 1000,
        bootPhaseExempt: true,
        good: 'The service has its own /tmp and /var/tmp.',
        bad: 'The service shares /tmp with every other process: temp-file races and leaks.',
        breaks: 'Services that exchange files with others through /tmp need a shared directory instead.'
    }),
    booleanCheck('PrivateUsers', (s) => s.privateUsers, {
        weight: 1000,
        good: 'The service runs in its own user namespace.',
        bad: 'The service shares the host user namespace.',
        breaks: 'Services that need real UIDs of other users, or capabilities on the host, cannot use it.'
    }),
    booleanCheck('ProtectControlGroups', (s) => s.protectControlGroups, {
        weight: 1000,
        good: 'The control group tree is read-only for the service.',
        bad: 'The service can modify the control group tree.',
        breaks: 'Container managers and cgroup-delegating services need write access.'
    }),
    booleanCheck('ProtectKernelModules', (s) => s.protectKernelModules, {
        weight: 1000,
        good: 'The service cannot load kernel modules.',
        bad: 'The service may load kernel modules, i.e. run code in the kernel.',
        breaks: 'Only services that load drivers need this off.'
    }),
    booleanCheck('ProtectKernelTunables', (s) => s.protectKernelTunables, {
        weight: 1000,
        good: 'Kernel tunables in /proc/sys and /sys are read-only for the service.',
        bad: 'The service can change kernel tunables.',
        breaks: 'Services that tune sysctls or write to /sys need it off.'
    }),
    booleanCheck('ProtectKernelLogs', (s) => s.protectKernelLogs, {
        weight: 1000,
        since: 244,
        good: 'The service cannot read or write the kernel log buffer.',
        bad: 'The service can read the kernel log, which leaks addresses and secrets.',
        breaks: 'Log collectors that read /dev/kmsg need it off.'
    }),
    booleanCheck('ProtectClock', (s) => s.protectClock, {
        weight: 1000,
        since: 245,
        good: 'The service cannot change the system clock.',
        bad: 'The service may change the system or hardware clock.',
        breaks: 'Time synchronisation daemons need it off.'
    }),
    {
        id: 'ProtectHome',
        name: 'ProtectHome=',
        weight: 1000,
        range: 10,
        bootPhaseExempt: true,
        directives: ['ProtectHome', 'DynamicUser'],
        good: 'Home directories are hidden from the service.',
        bad: 'The service can read (and perhaps write) users\u2019 home directories.',
        fix: ['ProtectHome=yes'],
        breaks: 'Services that serve or back up home directories need ProtectHome=read-only or no.',
        man: `${EXEC}#ProtectHome=`,
        assess: ({ settings }) => protectHomeVerdict(settings.protectHome)
    },
    booleanCheck('ProtectHostname', (s) => s.protectHostname, {
        weight: 50,
        since: 242,
        good: 'The service cannot change the host name.',
        bad: 'The service may change the host name.',
        breaks: 'Only hostname managers need it off.'
    }),
    {
        id: 'ProtectSystem',
        name: 'ProtectSystem=',
        weight: 1000,
        range: 10,
        bootPhaseExempt: true,
        directives: ['ProtectSystem', 'DynamicUser'],
        good: 'The operating system directories are read-only for the service.',
        bad: 'The service can modify the operating system (/usr, /boot, /etc).',
        fix: ['ProtectSystem=strict'],
        breaks: 'strict makes everything but /dev, /proc and /sys read-only: declare the paths the service writes with ReadWritePaths=, StateDirectory= or LogsDirectory=. A service that writes to /etc needs that path in ReadWritePaths= (full makes /etc read-only too; only ProtectSystem=yes leaves it writable).',
        man: `${EXEC}#ProtectSystem=`,
        assess: ({ settings }) => protectSystemVerdict(settings.protectSystem)
    },
    {
        id: 'RootDirectoryOrRootImage',
        name: 'RootDirectory=/RootImage=',
        weight: 200,
        range: 1,
        bootPhaseExempt: true,
        directives: ['RootDirectory', 'RootImage'],
        good: 'The service runs in its own root file system.',
        bad: 'The service runs in the host root file system.',
        fix: ['RootDirectory=/var/lib/machines/NAME'],
        breaks: 'Needs a complete root tree or image for the service; only worth it for self-contained services.',
        man: `${EXEC}#RootDirectory=`,
        assess: ({ settings, version }) => {
            const hostRoot = (path) => path === undefined || path === '/';
            const rd = hostRoot(settings.rootDirectory);
            const ri = hostRoot(settings.rootImage);
            // systemd 243 and 244 required both settings.
            return bad(version === 243 || version === 244 ? rd || ri : rd && ri);
        }
    },
    booleanCheck('LockPersonality', (s) => s.lockPersonality, {
        weight: 100,
        good: 'The service cannot change its execution domain.',
        bad: 'The service may switch personality, e.g. to emulate another architecture.',
        breaks: 'Only emulators and some legacy 32-bit software need it off.'
    }),
    booleanCheck('MemoryDenyWriteExecute', (s) => s.memoryDenyWriteExecute, {
        weight: 100,
        good: 'The service cannot create memory that is both writable and executable.',
        bad: 'The service may create writable and executable memory, which shellcode needs.',
        breaks: 'JIT runtimes (Node.js, Java, .NET, Python with JIT, LuaJIT, browsers) crash with it: leave it off for them and say why.'
    }),
    booleanCheck('NoNewPrivileges', (s) => s.noNewPrivileges, {
        weight: 1000,
        good: 'The service and its children cannot gain privileges.',
        bad: 'The service may gain privileges through setuid binaries or file capabilities.',
        breaks: 'Services that run sudo, su or other setuid helpers break.'
    }),
    capabilityCheck({
        id: 'CAP_SYS_ADMIN',
        name: 'CAP_SYS_ADMIN',
        caps: ['CAP_SYS_ADMIN'],
        weight: 1500,
        good: 'The service cannot use the catch-all administration capability.',
        bad: 'The service keeps CAP_SYS_ADMIN, close to full root.',
        breaks: CAPABILITY_BREAKS
    }),
    capabilityCheck({
        id: 'CAP_SET_UID_GID_PCAP',
        name: 'CAP_SET(UID|GID|PCAP)',
        caps: ['CAP_SETUID', 'CAP_SETGID', 'CAP_SETPCAP'],
        weight: 1500,
        good: 'The service cannot change its identity or capabilities.',
        bad: 'The service may switch user or group identity.',
        breaks: 'Daemons that drop privileges themselves (start as root, then setuid) need CAP_SETUID/CAP_SETGID.'
    }),
    capabilityCheck({
        id: 'CAP_SYS_PTRACE',
        name: 'CAP_SYS_PTRACE',
        caps: ['CAP_SYS_PTRACE'],
        weight: 1500,
        good: 'The service cannot trace other processes.',
        bad: 'The service may trace and inspect any process.',
        breaks: 'Debuggers and profilers need it.'
    }),
    capabilityCheck({
        id: 'CAP_SYS_TIME',
        name: 'CAP_SYS_TIME',
        caps: ['CAP_SYS_TIME'],
        weight: 1000,
        good: 'The service cannot set the clock.',
        bad: 'The service may change the system clock.',
        breaks: 'Time synchronisation daemons need it.'
    }),
    capabilityCheck({
        id: 'CAP_NET_ADMIN',
        name: 'CAP_NET_ADMIN',
        caps: ['CAP_NET_ADMIN'],
        weight: 1000,
        good: 'The service cannot reconfigure networking.',
        bad: 'The service may change interfaces, routes and firewall rules.',
        breaks: 'VPN, tunnel and network management daemons need it.'
    }),
    capabilityCheck({
        id: 'CAP_SYS_RAWIO',
        name: 'CAP_SYS_RAWIO',
        caps: ['CAP_SYS_RAWIO'],
        weight: 1000,
        good: 'The service cannot do raw I/O.',
        bad: 'The service may access I/O ports and raw devices.',
        breaks: 'Hardware tools need it.'
    }),
    capabilityCheck({
        id: 'CAP_SYS_MODULE',
        name: 'CAP_SYS_MODULE',
        caps: ['CAP_SYS_MODULE'],
        weight: 1000,
        good: 'The service cannot load kernel modules.',
        bad: 'The service may load kernel modules.',
        breaks: 'Only driver loaders need it.'
    }),
    capabilityCheck({
        id: 'CAP_AUDIT',
        name: 'CAP_AUDIT_*',
        caps: ['CAP_AUDIT_CONTROL', 'CAP_AUDIT_READ', 'CAP_AUDIT_WRITE'],
        weight: 500,
        good: 'The service cannot use the audit subsystem.',
        bad: 'The service may read or change the audit trail.',
        breaks: 'Login services and audit daemons need CAP_AUDIT_WRITE or CAP_AUDIT_CONTROL.'
    }),
    capabilityCheck({
        id: 'CAP_SYSLOG',
        name: 'CAP_SYSLOG',
        caps: ['CAP_SYSLOG'],
        weight: 500,
        good: 'The service cannot use the kernel log privileges.',
        bad: 'The service may read kernel log messages and addresses.',
        breaks: 'Kernel log collectors need it.'
    }),
    capabilityCheck({
        id: 'CAP_SYS_NICE_RESOURCE',
        name: 'CAP_SYS_(NICE|RESOURCE)',
        caps: ['CAP_SYS_NICE', 'CAP_SYS_RESOURCE'],
        weight: 500,
        good: 'The service cannot raise its priority or resource limits.',
        bad: 'The service may override scheduling and resource limits.',
        breaks: 'Real-time and database services sometimes raise limits; prefer LimitNOFILE= and Nice= in the unit.'
    }),
    capabilityCheck({
        id: 'CAP_MKNOD',
        name: 'CAP_MKNOD',
        caps: ['CAP_MKNOD'],
        weight: 500,
        good: 'The service cannot create device nodes.',
        bad: 'The service may create device nodes.',
        breaks: 'Only device managers need it.'
    }),
    capabilityCheck({
        id: 'CAP_CHOWN_FSETID_SETFCAP',
        name: 'CAP_(CHOWN|FSETID|SETFCAP)',
        caps: ['CAP_CHOWN', 'CAP_FSETID', 'CAP_SETFCAP'],
        weight: 1000,
        good: 'The service cannot change file ownership or file capabilities.',
        bad: 'The service may change the owner of any file.',
        breaks: 'Services that chown files they create for other users need CAP_CHOWN.'
    }),
    capabilityCheck({
        id: 'CAP_DAC_FOWNER_IPC_OWNER',
        name: 'CAP_(DAC_*|FOWNER|IPC_OWNER)',
        caps: ['CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_IPC_OWNER'],
        weight: 1000,
        good: 'File permissions apply to the service.',
        bad: 'The service may bypass file permission checks.',
        breaks: 'Backup tools and services running as root that read others\u2019 files need CAP_DAC_READ_SEARCH.'
    }),
    capabilityCheck({
        id: 'CAP_KILL',
        name: 'CAP_KILL',
        caps: ['CAP_KILL'],
        weight: 500,
        good: 'The service can signal only its own processes.',
        bad: 'The service may send signals to any process.',
        breaks: 'Process supervisors need it.'
    }),
    {
        ...capabilityCheck({
            id: 'CAP_NET_BIND_SERVICE_BROADCAST_RAW',
            name: 'CAP_NET_(BIND_SERVICE|BROADCAST|RAW)',
            caps: ['CAP_NET_BIND_SERVICE', 'CAP_NET_BROADCAST', 'CAP_NET_RAW'],
            weight: 500,
            good: 'The service cannot bind privileged ports or use raw sockets.',
            bad: 'The service may bind ports below 1024 or craft raw packets.',
            breaks: 'A service listening on a port below 1024 needs CAP_NET_BIND_SERVICE (also in AmbientCapabilities= when it runs as a user).'
        }),
        // systemd's json_field really ends in ')' (v250..v259); policies must use the same key.
        id: 'CapabilityBoundingSet_CAP_NET_BIND_SERVICE_BROADCAST_RAW)'
    },
    capabilityCheck({
        id: 'CAP_SYS_BOOT',
        name: 'CAP_SYS_BOOT',
        caps: ['CAP_SYS_BOOT'],
        weight: 100,
        good: 'The service cannot reboot the system.',
        bad: 'The service may reboot the machine or load a new kernel.',
        breaks: 'Only power management services need it.'
    }),
    capabilityCheck({
        id: 'CAP_MAC',
        name: 'CAP_MAC_*',
        caps: ['CAP_MAC_ADMIN', 'CAP_MAC_OVERRIDE'],
        weight: 100,
        good: 'The service cannot change or bypass mandatory access control.',
        bad: 'The service may change or bypass SELinux/AppArmor/Smack policy.',
        breaks: 'Only MAC policy tools need it.'
    }),
    capabilityCheck({
        id: 'CAP_LINUX_IMMUTABLE',
        name: 'CAP_LINUX_IMMUTABLE',
        caps: ['CAP_LINUX_IMMUTABLE'],
        weight: 75,
        good: 'The service cannot change immutable or append-only flags.',
        bad: 'The service may clear immutable and append-only file flags.',
        breaks: 'Rarely needed.'
    }),
    capabilityCheck({
        id: 'CAP_IPC_LOCK',
        name: 'CAP_IPC_LOCK',
        caps: ['CAP_IPC_LOCK'],
        weight: 50,
        good: 'The service cannot lock unlimited memory.',
        bad: 'The service may lock memory into RAM.',
        breaks: 'Secret stores and databases that mlock memory need it, or a higher LimitMEMLOCK=.'
    }),
    capabilityCheck({
        id: 'CAP_SYS_CHROOT',
        name: 'CAP_SYS_CHROOT',
        caps: ['CAP_SYS_CHROOT'],
        weight: 50,
        good: 'The service cannot call chroot().',
        bad: 'The service may chroot, which can be abused to confuse setuid programs.',
        breaks: 'Services that chroot themselves (some FTP, DNS and SSH servers) need it.'
    }),
    capabilityCheck({
        id: 'CAP_BLOCK_SUSPEND',
        name: 'CAP_BLOCK_SUSPEND',
        caps: ['CAP_BLOCK_SUSPEND'],
        weight: 25,
        good: 'The service cannot block system suspend.',
        bad: 'The service may keep the system from suspending.',
        breaks: 'Rarely needed.'
    }),
    capabilityCheck({
        id: 'CAP_WAKE_ALARM',
        name: 'CAP_WAKE_ALARM',
        caps: ['CAP_WAKE_ALARM'],
        weight: 25,
        good: 'The service cannot set wake-up alarms.',
        bad: 'The service may program alarms that wake the system.',
        breaks: 'Rarely needed.'
    }),
    capabilityCheck({
        id: 'CAP_LEASE',
        name: 'CAP_LEASE',
        caps: ['CAP_LEASE'],
        weight: 25,
        good: 'The service cannot take leases on others\u2019 files.',
        bad: 'The service may take file leases on any file.',
        breaks: 'Samba-like file servers need it.'
    }),
    capabilityCheck({
        id: 'CAP_SYS_TTY_CONFIG',
        name: 'CAP_SYS_TTY_CONFIG',
        caps: ['CAP_SYS_TTY_CONFIG'],
        weight: 25,
        good: 'The service cannot reconfigure terminals.',
        bad: 'The service may reconfigure TTYs.',
        breaks: 'Console and getty services need it.'
    }),
    capabilityCheck({
        id: 'CAP_SYS_PACCT',
        name: 'CAP_SYS_PACCT',
        caps: ['CAP_SYS_PACCT'],
        weight: 25,
        good: 'The service cannot configure process accounting.',
        bad: 'The service may turn process accounting on or off.',
        breaks: 'Only accounting tools need it.'
    }),
    capabilityCheck({
        id: 'CAP_BPF',
        name: 'CAP_BPF',
        caps: ['CAP_BPF'],
        weight: 25,
        since: 252,
        good: 'The service cannot load BPF programs.',
        bad: 'The service may load BPF programs into the kernel.',
        breaks: 'Tracing and networking agents built on eBPF need it.'
    }),
    {
        id: 'UMask',
        name: 'UMask=',
        weight: 100,
        range: 10,
        directives: ['UMask'],
        good: 'Files the service creates are private to it.',
        bad: 'Files the service creates are readable (or writable) by others.',
        fix: ['UMask=0077'],
        breaks: 'Services that create files other users or groups must read need UMask=0027 and a shared group.',
        man: `${EXEC}#UMask=`,
        assess: ({ settings }) => umaskVerdict(settings.umask)
    },
    {
        id: 'KeyringMode',
        name: 'KeyringMode=',
        weight: 1000,
        range: 1,
        directives: ['KeyringMode'],
        good: 'The service has a private kernel keyring.',
        bad: 'The service shares a kernel keyring with other services.',
        fix: ['KeyringMode=private'],
        breaks: 'Only services that hand keys to each other need a shared keyring.',
        man: `${EXEC}#KeyringMode=`,
        assess: ({ settings }) => bad(settings.keyringMode !== 'private')
    },
    {
        id: 'ProtectProc',
        name: 'ProtectProc=',
        weight: 1000,
        range: 3,
        since: 247,
        directives: ['ProtectProc'],
        good: 'Other users\u2019 processes are hidden from the service in /proc.',
        bad: 'The service can see every process and its command line in /proc.',
        fix: ['ProtectProc=invisible'],
        breaks: 'Monitoring agents that inspect other processes need ProtectProc=default.',
        man: `${EXEC}#ProtectProc=`,
        assess: ({ settings }) => protectProcVerdict(settings.protectProc)
    },
    {
        id: 'ProcSubset',
        name: 'ProcSubset=',
        weight: 10,
        range: 1,
        since: 247,
        directives: ['ProcSubset'],
        good: 'The service sees only process entries in /proc.',
        bad: 'The service can read kernel and system information in /proc.',
        fix: ['ProcSubset=pid'],
        breaks: 'Services that read /proc/meminfo, /proc/cpuinfo or /proc/sys need ProcSubset=all.',
        man: `${EXEC}#ProcSubset=`,
        assess: ({ settings }) => bad(settings.procSubset !== 'pid')
    },
    {
        id: 'NotifyAccess',
        name: 'NotifyAccess=',
        weight: 1000,
        range: 1,
        directives: ['NotifyAccess'],
        good: 'Only the main process may send status notifications.',
        bad: 'Any process of the service may send status notifications to systemd.',
        fix: ['NotifyAccess=main'],
        breaks: 'Services whose worker or helper processes report readiness need NotifyAccess=all.',
        man: `${SERVICE}#NotifyAccess=`,
        assess: ({ settings }) => bad(settings.notifyAccess === 'all')
    },
    {
        id: 'RemoveIPC',
        name: 'RemoveIPC=',
        weight: 100,
        range: 1,
        directives: ['RemoveIPC', 'DynamicUser'],
        good: 'IPC objects of the service are removed when it stops.',
        bad: 'IPC objects of the service survive it.',
        fix: ['RemoveIPC=yes'],
        breaks: 'Services sharing System V IPC objects with other services under the same user need it off.',
        man: `${EXEC}#RemoveIPC=`,
        assess: ({ settings, runsPrivileged, version }) => judgedAsUser(settings, version)
            ? IPC_USER_MANAGER
            : runsPrivileged
                ? IPC_AS_ROOT
                : bad(!settings.removeIPC)
    },
    {
        id: 'Delegate',
        name: 'Delegate=',
        weight: 100,
        range: 1,
        directives: ['Delegate'],
        good: 'The service does not manage its own control group subtree.',
        bad: 'The service manages a delegated control group subtree.',
        fix: ['Delegate=no'],
        breaks: 'Container managers need delegation.',
        man: `${RESOURCE}#Delegate=`,
        assess: ({ settings }) => bad(settings.delegate)
    },
    booleanCheck('RestrictRealtime', (s) => s.restrictRealtime, {
        weight: 500,
        good: 'The service cannot use real-time scheduling.',
        bad: 'The service may take real-time priority and starve the system.',
        breaks: 'Audio and other real-time services need it off.'
    }),
    booleanCheck('RestrictSUIDSGID', (s) => s.restrictSUIDSGID, {
        weight: 1000,
        since: 242,
        good: 'The service cannot create setuid or setgid files.',
        bad: 'The service may create setuid/setgid files, a persistence trick.',
        breaks: 'Package managers and installers need it off.'
    }),
    namespaceCheck('user', 1500, 'user'),
    namespaceCheck('mnt', 500, 'mount'),
    namespaceCheck('ipc', 500, 'IPC'),
    namespaceCheck('pid', 500, 'process ID'),
    namespaceCheck('cgroup', 500, 'control group'),
    namespaceCheck('net', 500, 'network'),
    namespaceCheck('uts', 100, 'host name (UTS)'),
    addressFamilyCheck('AF_INET_INET6', 'AF_(INET|INET6)', 'inet', 1500, 'Internet (IPv4/IPv6)', [
        'AF_INET',
        'AF_INET6'
    ]),
    addressFamilyCheck('AF_UNIX', 'AF_UNIX', 'unix', 25, 'local (AF_UNIX)', ['AF_UNIX']),
    addressFamilyCheck('AF_NETLINK', 'AF_NETLINK', 'netlink', 200, 'kernel netlink', ['AF_NETLINK']),
    addressFamilyCheck('AF_PACKET', 'AF_PACKET', 'packet', 1000, 'raw packet', ['AF_PACKET']),
    addressFamilyCheck('OTHER', '\u2026', 'other', 1250, 'exotic (Bluetooth, CAN, VSOCK, ...)'),
    {
        id: 'SystemCallArchitectures',
        name: 'SystemCallArchitectures=',
        weight: 1000,
        range: 10,
        directives: ['SystemCallArchitectures'],
        good: 'Only native system calls are allowed.',
        bad: 'The service may use non-native system call ABIs, which filters often forget.',
        fix: ['SystemCallArchitectures=native'],
        breaks: 'Services that run 32-bit binaries on a 64-bit host need those architectures.',
        man: `${EXEC}#SystemCallArchitectures=`,
        assess: ({ settings }) => {
            const archs = settings.syscallArchitectures;
            if (archs.size === 0)
                return NO_ARCHITECTURE_RESTRICTION;
            if (archs.size === 1 && archs.has('native'))
                return GOOD;
            return verdict(8, `allows ${[...archs].join(' ')}`);
        }
    },
    syscallCheck('@swap', 1000, 'swap management'),
    syscallCheck('@obsolete', 250, 'obsolete interfaces'),
    syscallCheck('@clock', 1000, 'changing the clock'),
    syscallCheck('@cpu-emulation', 250, 'CPU emulation'),
    syscallCheck('@debug', 1000, 'debugging and tracing'),
    syscallCheck('@mount', 1000, 'mounting file systems'),
    syscallCheck('@module', 1000, 'loading kernel modules'),
    syscallCheck('@raw-io', 1000, 'raw I/O'),
    syscallCheck('@reboot', 1000, 'rebooting'),
    syscallCheck('@privileged', 700, 'privileged operations'),
    syscallCheck('@resources', 700, 'changing resource limits and priorities'),
    {
        id: 'IPAddressDeny',
        name: 'IPAddressDeny=',
        weight: 1000,
        range: 10,
        directives: ['IPAddressDeny', 'IPAddressAllow', 'IPIngressFilterPath', 'IPEgressFilterPath'],
        good: 'The service\u2019s IP traffic is limited to an allow-list.',
        bad: 'The service may exchange IP packets with any host.',
        fix: ['IPAddressDeny=any'],
        breaks: 'Services that talk to other hosts need IPAddressAllow= entries for them (observe egress first); localhost-only services can use IPAddressAllow=localhost.',
        man: `${RESOURCE}#IPAddressAllow=ADDRESS%5B/PREFIXLENGTH%5D%E2%80%A6`,
        assess: ({ settings }) => {
            if (settings.ipIngressFilterPath.length || settings.ipEgressFilterPath.length) {
                return CUSTOM_IP_FILTERS;
            }
            const denyAll = (family) => settings.ipAddressDeny.some((p) => p.family === family && p.prefixLength === 0);
            if (!denyAll(4) || !denyAll(6))
                return NO_IP_POLICY;
            const allow = settings.ipAddressAllow;
            if (allow.some((p) => !isLocalhostPrefix(p)))
                return ALLOWS_OTHER_HOSTS;
            if (allow.length)
                return ALLOWS_LOCALHOST;
            return GOOD;
        }
    },
    {
        id: 'DeviceAllow',
        name: 'DeviceAllow=',
        weight: 1000,
        range: 10,
        directives: ['DevicePolicy', 'DeviceAllow', 'PrivateDevices'],
        good: 'The service may use no devices, or only listed ones.',
        bad: 'The service may use every device node.',
        fix: ['DevicePolicy=closed'],
        breaks: 'Services that use devices need a DeviceAllow= entry for each one.',
        man: `${RESOURCE}#DeviceAllow=`,
        assess: ({ settings, version }) => {
            if (settings.devicePolicy === 'auto')
                return NO_DEVICE_CONTROL;
            const entries = [...settings.deviceAllow, ...impliedDeviceEntries(settings, version)];
            if (entries.length === 0)
                return GOOD;
            // as systemd lists them: newest first (it prepends each), rights as r, w, m (none: all three)
            const rights = (r) => r === '' ? 'rwm' : ['r', 'w', 'm'].filter((c) => r.includes(c)).join('');
            const shown = entries.map((e) => `${e.path}:${rights(e.rights)}`).reverse();
            return verdict(5, `allows ${shown.join(' ')}`);
        }
    },
    {
        id: 'AmbientCapabilities',
        name: 'AmbientCapabilities=',
        weight: 500,
        range: 1,
        directives: ['AmbientCapabilities'],
        good: 'The service gets no ambient capabilities.',
        bad: 'The service runs with ambient capabilities.',
        fix: ['AmbientCapabilities='],
        breaks: 'A service running as a user that must bind a port below 1024 needs AmbientCapabilities=CAP_NET_BIND_SERVICE.',
        man: `${EXEC}#AmbientCapabilities=`,
        assess: ({ settings }) => settings.ambientCapabilities === 0n ? GOOD : ambientVerdict(settings.ambientCapabilities)
    }
];
/** The table as the scoring loop reads it: every row of one shape (see uniformRow). */
const CHECKS = ROWS.map(uniformRow);
/** The directives the checks read (a misspelling of one looks like hardening and does nothing). */
const CHECK_DIRECTIVES = new Set(CHECKS.flatMap((c) => c.directives));
const CHECKS_BY_ID = new Map(CHECKS.map((c) => [c.id, c]));
/**
 * The repository path of a check's documentation page, for links: `docs/checks/<id>.md` with the id
 * URL-encoded (systemd's CAP_NET_* json_field ends in ')', written %29). Prefix it with the
 * repository's web address for an absolute link.
 */
function docsUrl(id) {
    const encoded = encodeURIComponent(id).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    return `docs/checks/${encoded}.md`;
}
const checksByVersion = new Map();
/** The rows a systemd version prints. */
function checksFor(version) {
    let checks = checksByVersion.get(version);
    if (!checks) {
        checks = CHECKS.filter((check) => check.since === undefined || version >= check.since);
        checksByVersion.set(version, checks);
    }
    return checks;
}

/**
 * Justified exceptions: a check a unit is allowed to fail, with the reason written down (seed:
 * "document why each relaxation is needed"). An allowed check counts as if a policy gave it weight 0
 * for that unit only. Exceptions come from a comment in the unit or one of its drop-ins:
 *
 *     # hardening-gate: allow MemoryDenyWriteExecute -- Node.js JIT needs writable code pages
 *     # hardening-gate: allow PrivateNetwork, IPAddressDeny until 2026-12-31 -- serves HTTP
 *
 * or from the policy file ("hardening-gate".exceptions: unit globs, checks, reason, until). An
 * exception without a reason, naming an unknown check, past its date, or inline where the policy
 * forbids inline exceptions is not applied and fails the unit with a message saying why.
 */
/** The inline syntax, for messages and documentation. */
const INLINE_SYNTAX = '# hardening-gate: allow CHECK[, CHECK...] [until YYYY-MM-DD] -- reason';
const MARKER = /^[#;]\s*hardening-gate\s*:\s*/i;
/** A calendar date written YYYY-MM-DD. */
function isIsoDate(text) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
    if (!m)
        return false;
    const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
    return date.toISOString().slice(0, 10) === text;
}
/** Today as YYYY-MM-DD (UTC): the default when the caller does not pass a date. */
function isoToday() {
    return new Date().toISOString().slice(0, 10);
}
/** Ids without systemd's quirky trailing ')' resolve to the real id too. */
const QUIRKY = new Map(CHECKS.filter((c) => c.id.endsWith(')')).map((c) => [c.id.slice(0, -1), c.id]));
/** The ids of the rows each directive is read first by (a lookup, not a pass over the table per word). */
const BY_FIRST_DIRECTIVE = new Map();
for (const check of CHECKS) {
    const directive = check.directives[0];
    if (directive === undefined)
        continue;
    const ids = BY_FIRST_DIRECTIVE.get(directive);
    if (ids)
        ids.push(check.id);
    else
        BY_FIRST_DIRECTIVE.set(directive, [check.id]);
}
/**
 * The check ids a name covers: a check id (json_field), or a directive name that several rows read
 * first (CapabilityBoundingSet, RestrictNamespaces, RestrictAddressFamilies, SystemCallFilter, User).
 */
function checkIdsFor(name) {
    if (CHECKS_BY_ID.has(name))
        return [name];
    const quirky = QUIRKY.get(name);
    if (quirky)
        return [quirky];
    return [...(BY_FIRST_DIRECTIVE.get(name) ?? [])];
}
/** The longest unit glob a policy may hold (as for --exclude's globs). */
const MAX_UNIT_GLOB = 4096;
const SLASH$1 = 0x2f;
/** what `**` does not cross, as `.` in a regular expression: the line terminators */
const isLineBreak = (code) => code === 0x0a || code === 0x0d || code === 0x2028 || code === 0x2029;
function globSteps(glob) {
    const steps = [];
    // where the search for a '}' found none: no '{' after it has one either (no quadratic rescans)
    let noCloseFrom = glob.length + 1;
    for (let i = 0; i < glob.length; i++) {
        const c = glob[i];
        if (c === '*') {
            if (glob[i + 1] === '*') {
                steps.push({ kind: 'any' });
                i++;
                if (glob[i + 1] === '/')
                    i++;
            }
            else
                steps.push({ kind: 'star' });
        }
        else if (c === '?') {
            steps.push({ kind: 'one' });
        }
        else if (c === '{' && i < noCloseFrom) {
            const end = glob.indexOf('}', i);
            if (end < 0) {
                noCloseFrom = i;
                steps.push({ kind: 'char', code: 0x7b });
                continue;
            }
            steps.push({ kind: 'group', options: glob.slice(i + 1, end).split(',') });
            i = end;
        }
        else {
            steps.push({ kind: 'char', code: glob.charCodeAt(i) });
        }
    }
    return steps;
}
/**
 * A unit glob: `*` and `?` stay within a path component, `**` crosses them, `{a,b}` alternates.
 * Matched step by step over the set of positions each step can reach (time: steps x length), not as
 * a regular expression, which backtracked for seconds on `*a*a*a*a*a*a*a*aX` and overflowed the
 * stack on 50,000 groups (a policy file a pull request may add).
 */
function unitGlob(glob) {
    const steps = globSteps(glob);
    return {
        test(text) {
            const n = text.length;
            // reach[j]: the steps so far can match text[0..j)
            let reach = new Uint8Array(n + 1);
            let next = new Uint8Array(n + 1);
            reach[0] = 1;
            for (const step of steps) {
                next.fill(0);
                if (step.kind === 'char' || step.kind === 'one') {
                    for (let j = 0; j < n; j++) {
                        const code = text.charCodeAt(j);
                        if (reach[j] && (step.kind === 'one' ? code !== SLASH$1 : code === step.code))
                            next[j + 1] = 1;
                    }
                }
                else if (step.kind === 'group') {
                    for (let j = 0; j <= n; j++) {
                        if (!reach[j])
                            continue;
                        for (const option of step.options)
                            if (text.startsWith(option, j))
                                next[j + option.length] = 1;
                    }
                }
                else {
                    // `*` (`[^/]*`) or `**` (`.*`): from each position reached, on over what it may cross
                    for (let j = 0; j <= n; j++) {
                        if (reach[j])
                            next[j] = 1;
                        else if (j > 0 && next[j - 1]) {
                            const code = text.charCodeAt(j - 1);
                            if (step.kind === 'star' ? code !== SLASH$1 : !isLineBreak(code))
                                next[j] = 1;
                        }
                    }
                }
                if (!next.includes(1))
                    return false;
                [reach, next] = [next, reach];
            }
            return reach[n] === 1;
        }
    };
}
/** Compiled unit globs, by glob: a policy's globs are tested against every unit. */
const compiledGlobs = new Map();
function compiledGlob(glob) {
    let compiled = compiledGlobs.get(glob);
    if (compiled === undefined) {
        if (compiledGlobs.size >= 1000)
            compiledGlobs.clear();
        compiled = unitGlob(glob);
        compiledGlobs.set(glob, compiled);
    }
    return compiled;
}
/** Whether a unit glob names this unit: by file or unit name, or by path when the glob has a '/'. */
function unitMatches(glob, names) {
    const compiled = compiledGlob(glob);
    if (glob.includes('/'))
        return compiled.test(names.path) || compiled.test(names.path.replace(/^\.\//, ''));
    return compiled.test(names.file) || compiled.test(names.unit);
}
/** Parses the text after the marker; returns an error message when it does not follow the syntax. */
function parseInline(rest) {
    const m = /^allow\s+(.*)$/i.exec(rest);
    if (!m)
        return { error: `not an exception; the syntax is: ${INLINE_SYNTAX}` };
    let body = m[1];
    let reason = '';
    const dash = body.indexOf('--');
    if (dash >= 0) {
        reason = body.slice(dash + 2).trim();
        body = body.slice(0, dash);
    }
    let until;
    const untilMatch = /\buntil\s+(\S+)\s*$/i.exec(body);
    if (untilMatch) {
        until = untilMatch[1];
        body = body.slice(0, untilMatch.index);
    }
    const written = body
        .split(/[\s,]+/)
        .map((w) => w.trim())
        .filter((w) => w !== '');
    if (written.length === 0)
        return { error: `no check named; the syntax is: ${INLINE_SYNTAX}` };
    return { written, until, reason };
}
function checkValidity(report, policy, today) {
    if (report.reason === '') {
        return `exception for ${report.written.join(', ')} has no reason: write why the relaxation is needed after '--'`;
    }
    if (report.until !== undefined && !isIsoDate(report.until)) {
        return `exception for ${report.written.join(', ')}: 'until ${report.until}' is not a date YYYY-MM-DD`;
    }
    if (report.until !== undefined && report.until < today) {
        return `exception for ${report.written.join(', ')} expired on ${report.until}; renew it with a new date or fix the unit`;
    }
    if (report.until === undefined && policy.requireExpiry) {
        return `exception for ${report.written.join(', ')} has no expiry date; policy ${policy.name} requires 'until YYYY-MM-DD'`;
    }
    return undefined;
}
/**
 * The exceptions that apply to one unit: inline comments of its files and the policy's entries that
 * match it, each validated. Valid ones go into `allowed`.
 */
function resolveExceptions(comments, policy, names, today) {
    const reports = [];
    for (const comment of comments) {
        const marker = MARKER.exec(comment.text);
        if (!marker)
            continue;
        const at = { file: comment.file, line: comment.line };
        const parsed = parseInline(comment.text.slice(marker[0].length).trim());
        if ('error' in parsed) {
            reports.push({
                checks: [],
                written: [],
                reason: '',
                source: 'inline',
                ...at,
                error: parsed.error
            });
            continue;
        }
        const report = {
            checks: [],
            written: parsed.written,
            reason: parsed.reason,
            source: 'inline',
            ...at
        };
        if (parsed.until !== undefined)
            report.until = parsed.until;
        const unknown = parsed.written.filter((w) => checkIdsFor(w).length === 0);
        report.checks = [...new Set(parsed.written.flatMap(checkIdsFor))];
        if (unknown.length) {
            report.error = `unknown check id ${unknown.map((u) => `'${u}'`).join(', ')} in exception (ids are the json_field names, e.g. MemoryDenyWriteExecute, CapabilityBoundingSet_CAP_SYS_ADMIN, or a directive such as SystemCallFilter)`;
        }
        else if (policy.inlineExceptions === 'forbid') {
            report.error = `inline exceptions are forbidden by policy ${policy.name}; only the policy file may grant them`;
        }
        else {
            const problem = checkValidity(report, policy, today);
            if (problem)
                report.error = problem;
        }
        reports.push(report);
    }
    for (const exception of policy.exceptions ?? []) {
        if (!exception.units.some((glob) => unitMatches(glob, names)))
            continue;
        const report = {
            checks: exception.checks,
            written: exception.written,
            reason: exception.reason,
            source: 'policy',
            policy: exception.policy
        };
        if (exception.until !== undefined)
            report.until = exception.until;
        const problem = checkValidity(report, policy, today);
        if (problem)
            report.error = problem;
        reports.push(report);
    }
    // the usual unit: no exception at all
    if (reports.length === 0)
        return { allowed: NONE_ALLOWED, reports };
    const allowed = new Map();
    for (const report of reports) {
        if (report.error !== undefined)
            continue;
        for (const id of report.checks)
            if (!allowed.has(id))
                allowed.set(id, report);
    }
    return { allowed, reports };
}
const NONE_ALLOWED = new Map();
/** The policy with the allowed checks at weight 0 for this unit (systemd's "excluded by policy"). */
function policyWithExceptions(policy, allowed) {
    if (allowed.size === 0)
        return policy;
    const checks = { ...policy.checks };
    for (const [id, report] of allowed) {
        const where = report.source === 'inline' ? `${report.file}:${report.line}` : `policy ${report.policy}`;
        checks[id] = { ...checks[id], weight: 0, reason: `allowed (${where}): ${report.reason}` };
    }
    return { ...policy, checks };
}

/**
 * Policies in systemd's --security-policy JSON format: a top-level object keyed by json_field, each
 * `{ "weight": N, "range": N }` (weight 0 skips the check). The gate's own settings live under the
 * key "hardening-gate", which systemd ignores, so one file serves both tools: the threshold, the
 * justified exceptions, whether units may grant themselves exceptions inline, and the fix engine's
 * preferences.
 */
const GATE_KEY = 'hardening-gate';
class PolicyError extends Error {
    constructor(message) {
        super(message);
        this.name = 'PolicyError';
    }
}
const DEFAULT_FIX = {
    mode: 'minimal',
    maxPhase: 5,
    avoid: {},
    identity: 'auto',
    network: 'auto',
    addressFamilies: [],
    keepCapabilities: []
};
const DEFAULT_POLICY = { name: 'systemd defaults', checks: {} };
/**
 * The largest weight or range a policy may give: systemd takes any unsigned 64-bit number (and its
 * sums overflow from about 2^60), the gate's sums stay exact in a double up to 2^32 (81 rows x 10
 * x 2^32 x 100 < 2^53).
 */
const MAX_WEIGHT = 2 ** 32;
/** systemd refuses JSON nested deeper than this (262 refuses 2,049 levels; 252 and 257 2,050) */
const MAX_NESTING = 2048;
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
/**
 * A policy file's bytes as text: systemd refuses a file that is not UTF-8 (a Latin-1 `\u00e9` in a
 * "reason"), where a lenient decoding would read U+FFFD and go on. A byte-order mark is kept, for
 * JSON.parse() to refuse as systemd does.
 */
function decodePolicyBytes(bytes, name) {
    try {
        return STRICT_UTF8.decode(bytes);
    }
    catch {
        throw new PolicyError(`${name}: not UTF-8 (systemd refuses the file)`);
    }
}
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/**
 * Why systemd's JSON parser refuses a string JSON.parse() takes: a NUL (`\u0000`), half of a
 * surrogate pair (`\ud800`) or a noncharacter (U+FDD0, `\uffff`), written raw or escaped; read off
 * 252-262 by a helper's probes (both accept `\u0001`, `\u007f`, `\ufeff` and U+E000).
 */
function stringProblem(value) {
    if (value.includes('\0'))
        return 'holds a NUL (\\u0000)';
    if (LONE_SURROGATE.test(value))
        return 'holds half of a surrogate pair';
    if (hasNoncharacter(value))
        return 'holds a Unicode noncharacter';
    return undefined;
}
/** The first string (key or value) of a parsed document systemd would refuse, with its problem. */
function badString(value, depth = 0) {
    if (typeof value === 'string') {
        const problem = stringProblem(value);
        return problem && `a string ${problem}`;
    }
    if (typeof value !== 'object' || value === null || depth > MAX_NESTING)
        return undefined;
    for (const [key, item] of Object.entries(value)) {
        const problem = Array.isArray(value) ? undefined : stringProblem(key);
        if (problem)
            return `a key ${problem}`;
        const inner = badString(item, depth + 1);
        if (inner)
            return inner;
    }
    return undefined;
}
/**
 * Reads a policy file's text. JSON.parse() alone would take three things systemd reads otherwise:
 * a repeated key (systemd uses the first, JSON.parse() the last: rejected, whichever was meant),
 * nesting systemd refuses, and a weight or range written with a fraction or an exponent (`1e3`,
 * `1000.0`: 252 reads 1e3 as no whole number and keeps the default, later builds take 1000).
 */
function readPolicyText(text, name) {
    let document;
    try {
        document = JSON.parse(text);
    }
    catch (error) {
        throw new PolicyError(`${name}: not valid JSON (${error.message})`);
    }
    const problem = policyTextProblem(text);
    if (problem !== undefined)
        throw new PolicyError(`${name}: ${problem}`);
    // a raw DEL is a control character to systemd's tokenizer, even in a string (escaped, it passes)
    if (text.includes('\x7f'))
        throw new PolicyError(`${name}: a raw DEL character (0x7f)`);
    const bad = badString(document);
    if (bad !== undefined)
        throw new PolicyError(`${name}: ${bad}, which systemd refuses`);
    return document;
}
/** The first of readPolicyText()'s problems in `text`, which JSON.parse() accepted. */
function policyTextProblem(text) {
    const stack = [];
    for (let i = 0; i < text.length;) {
        const c = text[i];
        const top = stack[stack.length - 1];
        if (c === '"') {
            let end = i + 1;
            while (text[end] !== '"')
                end += text[end] === '\\' ? 2 : 1;
            if (top?.object && top.expectsKey) {
                const key = JSON.parse(text.slice(i, end + 1));
                if (top.keys.has(key))
                    return `the key "${key}" appears twice in one object`;
                top.keys.add(key);
                top.key = key;
                top.expectsKey = false;
            }
            i = end + 1;
        }
        else if (c === '{' || c === '[') {
            if (stack.length >= MAX_NESTING)
                return `nested more than ${MAX_NESTING} levels deep`;
            stack.push({ object: c === '{', keys: new Set(), key: undefined, expectsKey: c === '{' });
            i++;
        }
        else if (c === '}' || c === ']') {
            stack.pop();
            i++;
        }
        else if (c === ',') {
            if (top?.object)
                top.expectsKey = true;
            i++;
        }
        else if (c === '-' || (c >= '0' && c <= '9')) {
            let end = i + 1;
            while (end < text.length && /[0-9eE.+-]/.test(text[end]))
                end++;
            const number = text.slice(i, end);
            const [entry, field] = stack;
            if (stack.length === 2 &&
                entry.object &&
                field.object &&
                entry.key !== GATE_KEY &&
                !entry.key.startsWith('$') &&
                !entry.key.startsWith('//') &&
                (field.key === 'weight' || field.key === 'range') &&
                !/^-?(0|[1-9][0-9]*)$/.test(number)) {
                return `"${entry.key}".${field.key} is ${number}: write it as a whole number without a fraction or an exponent`;
            }
            i = end;
        }
        else {
            i++;
        }
    }
    return undefined;
}
function isRecord(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
/** Parses a threshold on the printed 0.0-10.0 scale with at most one decimal; returns tenths. */
function parseThreshold(text) {
    const value = typeof text === 'number' ? String(text) : text.trim();
    if (!/^(10(\.0)?|[0-9](\.[0-9])?)$/.test(value))
        return undefined;
    return Math.round(Number(value) * 10);
}
const FIX_KEYS = [
    'target',
    'mode',
    'maxPhase',
    'avoid',
    'identity',
    'network',
    'addressFamilies',
    'keepCapabilities'
];
const GATE_KEYS = [
    'description',
    'threshold',
    'extends',
    'exceptions',
    'inlineExceptions',
    'requireExpiry',
    'fix'
];
function stringList(value, what, name) {
    const list = typeof value === 'string' ? [value] : value;
    if (!Array.isArray(list) || !list.every((v) => typeof v === 'string' && v.trim() !== '')) {
        throw new PolicyError(`${name}: ${what} must be a string or a list of non-empty strings`);
    }
    return list.map((v) => v.trim());
}
function parseFix(entry, name, base) {
    if (!isRecord(entry))
        throw new PolicyError(`${name}: "${GATE_KEY}".fix must be an object`);
    const unknown = Object.keys(entry).filter((k) => !FIX_KEYS.includes(k) && !k.startsWith('//'));
    if (unknown.length) {
        throw new PolicyError(`${name}: unknown fix setting "${unknown[0]}" (known: ${FIX_KEYS.join(', ')})`);
    }
    const fix = { ...base, avoid: { ...base.avoid } };
    if (entry.target !== undefined) {
        const target = typeof entry.target === 'number' || typeof entry.target === 'string'
            ? parseThreshold(entry.target)
            : undefined;
        if (target === undefined) {
            throw new PolicyError(`${name}: fix.target must be a number from 0.0 to 10.0 with one decimal`);
        }
        fix.target = target;
    }
    const choice = (key, values) => {
        const value = entry[key];
        if (value === undefined)
            return undefined;
        if (typeof value !== 'string' || !values.includes(value)) {
            throw new PolicyError(`${name}: fix.${key} must be one of ${values.join(', ')}`);
        }
        return value;
    };
    fix.mode = choice('mode', ['minimal', 'baseline']) ?? fix.mode;
    fix.identity = choice('identity', ['auto', 'keep']) ?? fix.identity;
    fix.network = choice('network', ['auto', 'required', 'none']) ?? fix.network;
    if (entry.maxPhase !== undefined) {
        const phase = entry.maxPhase;
        if (typeof phase !== 'number' || !Number.isInteger(phase) || phase < 1 || phase > 5) {
            throw new PolicyError(`${name}: fix.maxPhase must be an integer from 1 to 5`);
        }
        fix.maxPhase = phase;
    }
    if (entry.avoid !== undefined) {
        if (!isRecord(entry.avoid)) {
            throw new PolicyError(`${name}: fix.avoid must map directive names to the reason`);
        }
        for (const [directive, reason] of Object.entries(entry.avoid)) {
            if (typeof reason !== 'string' || reason.trim() === '') {
                throw new PolicyError(`${name}: fix.avoid.${directive} needs a reason`);
            }
            if (!/^[A-Z][A-Za-z]+$/.test(directive)) {
                throw new PolicyError(`${name}: fix.avoid: "${directive}" is not a directive name`);
            }
            fix.avoid[directive] = reason.trim();
        }
    }
    if (entry.addressFamilies !== undefined) {
        const families = stringList(entry.addressFamilies, 'fix.addressFamilies', name);
        const bad = families.find((f) => !/^AF_[A-Z0-9]+$/.test(f));
        if (bad)
            throw new PolicyError(`${name}: fix.addressFamilies: "${bad}" is not an AF_* name`);
        fix.addressFamilies = [...new Set([...base.addressFamilies, ...families])];
    }
    if (entry.keepCapabilities !== undefined) {
        const caps = stringList(entry.keepCapabilities, 'fix.keepCapabilities', name);
        const bad = caps.find((c) => !/^CAP_[A-Z_]+$/.test(c));
        if (bad)
            throw new PolicyError(`${name}: fix.keepCapabilities: "${bad}" is not a CAP_* name`);
        fix.keepCapabilities = [...new Set([...base.keepCapabilities, ...caps])];
    }
    return fix;
}
function parseException(entry, index, name) {
    const where = `${name}: exceptions[${index}]`;
    if (!isRecord(entry))
        throw new PolicyError(`${where} must be an object`);
    const known = ['units', 'checks', 'reason', 'until'];
    const unknown = Object.keys(entry).filter((k) => !known.includes(k) && !k.startsWith('//'));
    if (unknown.length) {
        throw new PolicyError(`${where}: unknown key "${unknown[0]}" (known: ${known.join(', ')})`);
    }
    if (entry.units === undefined)
        throw new PolicyError(`${where}: "units" (unit globs) is missing`);
    const units = stringList(entry.units, '"units"', where);
    const long = units.find((glob) => glob.length > MAX_UNIT_GLOB);
    if (long !== undefined) {
        throw new PolicyError(`${where}: a unit glob of ${long.length} characters (at most ${MAX_UNIT_GLOB})`);
    }
    if (entry.checks === undefined)
        throw new PolicyError(`${where}: "checks" is missing`);
    const written = stringList(entry.checks, '"checks"', where);
    const checks = [];
    for (const id of written) {
        const ids = checkIdsFor(id);
        if (ids.length === 0)
            throw new PolicyError(`${where}: unknown check id "${id}"`);
        checks.push(...ids);
    }
    if (typeof entry.reason !== 'string' || entry.reason.trim() === '') {
        throw new PolicyError(`${where}: an exception needs a "reason" (why the relaxation is needed)`);
    }
    let until;
    if (entry.until !== undefined) {
        if (typeof entry.until !== 'string' || !isIsoDate(entry.until)) {
            throw new PolicyError(`${where}: "until" must be a date YYYY-MM-DD`);
        }
        until = entry.until;
    }
    return {
        units,
        checks: [...new Set(checks)],
        written,
        reason: entry.reason.trim(),
        until,
        policy: name
    };
}
/**
 * Validates a policy document. Unknown check ids are an error (systemd would silently ignore a
 * misspelt key, so a policy that means to skip a check would do nothing). `base` is the policy this
 * one extends: weights and fix settings are overridden key by key, exceptions are added.
 */
function parsePolicy(document, name, base = DEFAULT_POLICY) {
    if (!isRecord(document))
        throw new PolicyError(`${name}: a policy must be a JSON object`);
    const checks = { ...base.checks };
    let threshold = base.threshold;
    let description = base.description;
    const exceptions = [...(base.exceptions ?? [])];
    let inlineExceptions = base.inlineExceptions;
    let requireExpiry = base.requireExpiry;
    let fix = base.fix;
    for (const [key, entry] of Object.entries(document)) {
        if (key === GATE_KEY) {
            if (!isRecord(entry))
                throw new PolicyError(`${name}: "${GATE_KEY}" must be an object`);
            const unknown = Object.keys(entry).filter((k) => !GATE_KEYS.includes(k) && !k.startsWith('//'));
            if (unknown.length) {
                throw new PolicyError(`${name}: unknown "${GATE_KEY}" setting "${unknown[0]}" (known: ${GATE_KEYS.join(', ')})`);
            }
            if (entry.threshold !== undefined) {
                const parsed = typeof entry.threshold === 'number' || typeof entry.threshold === 'string'
                    ? parseThreshold(entry.threshold)
                    : undefined;
                if (parsed === undefined) {
                    throw new PolicyError(`${name}: threshold must be a number from 0.0 to 10.0 with one decimal`);
                }
                threshold = parsed;
            }
            if (entry.description !== undefined) {
                if (typeof entry.description !== 'string') {
                    throw new PolicyError(`${name}: description must be a string`);
                }
                description = entry.description;
            }
            if (entry.extends !== undefined && typeof entry.extends !== 'string') {
                throw new PolicyError(`${name}: extends must be a policy name or a file path`);
            }
            if (entry.inlineExceptions !== undefined) {
                if (entry.inlineExceptions !== 'allow' && entry.inlineExceptions !== 'forbid') {
                    throw new PolicyError(`${name}: inlineExceptions must be "allow" or "forbid"`);
                }
                inlineExceptions = entry.inlineExceptions;
            }
            if (entry.requireExpiry !== undefined) {
                if (typeof entry.requireExpiry !== 'boolean') {
                    throw new PolicyError(`${name}: requireExpiry must be true or false`);
                }
                requireExpiry = entry.requireExpiry;
            }
            if (entry.exceptions !== undefined) {
                if (!Array.isArray(entry.exceptions)) {
                    throw new PolicyError(`${name}: exceptions must be a list`);
                }
                entry.exceptions.forEach((e, i) => exceptions.push(parseException(e, i, name)));
            }
            if (entry.fix !== undefined)
                fix = parseFix(entry.fix, name, fix ?? DEFAULT_FIX);
            continue;
        }
        if (key.startsWith('$') || key.startsWith('//'))
            continue;
        if (!CHECKS_BY_ID.has(key)) {
            const hint = CHECKS_BY_ID.has(`${key})`)
                ? ` (systemd's key is "${key})", with the parenthesis)`
                : '';
            throw new PolicyError(`${name}: unknown check id "${key}"${hint}`);
        }
        if (!isRecord(entry))
            throw new PolicyError(`${name}: "${key}" must be an object`);
        const override = { ...checks[key] };
        for (const field of ['weight', 'range']) {
            const value = entry[field];
            if (value === undefined)
                continue;
            if (typeof value !== 'number' ||
                !Number.isInteger(value) ||
                value < 0 ||
                value > MAX_WEIGHT) {
                throw new PolicyError(`${name}: "${key}".${field} must be an integer from 0 to ${MAX_WEIGHT}`);
            }
            if (field === 'range' && value === 0)
                throw new PolicyError(`${name}: "${key}".range must not be 0`);
            override[field] = value;
        }
        const check = CHECKS_BY_ID.get(key);
        const range = override.range ?? check.range;
        if (range < check.range && (override.weight ?? check.weight) > 0) {
            // systemd aborts when a badness exceeds the policy range (a row of weight 0 is not assessed)
            throw new PolicyError(`${name}: "${key}".range must be at least ${check.range}`);
        }
        if (typeof entry.reason === 'string')
            override.reason = entry.reason;
        checks[key] = override;
    }
    if (requireExpiry) {
        const open = exceptions.find((e) => e.until === undefined);
        if (open) {
            throw new PolicyError(`${name}: requireExpiry is on but the exception for ${open.written.join(', ')} (from ${open.policy}) has no "until" date`);
        }
    }
    const policy = { name, checks, threshold };
    if (description !== undefined)
        policy.description = description;
    if (exceptions.length)
        policy.exceptions = exceptions;
    if (inlineExceptions !== undefined)
        policy.inlineExceptions = inlineExceptions;
    if (requireExpiry !== undefined)
        policy.requireExpiry = requireExpiry;
    if (fix !== undefined)
        policy.fix = fix;
    if (base !== DEFAULT_POLICY)
        policy.extends = [...(base.extends ?? []), base.name];
    return policy;
}
/**
 * The policy as one systemd --security-policy document (weights and ranges after `extends`), with the
 * gate's settings under "hardening-gate": what to pass to systemd-analyze to reproduce the gate.
 */
function policyDocument(policy) {
    const gate = {};
    if (policy.description !== undefined)
        gate.description = policy.description;
    if (policy.threshold !== undefined)
        gate.threshold = policy.threshold / 10;
    if (policy.inlineExceptions !== undefined)
        gate.inlineExceptions = policy.inlineExceptions;
    if (policy.requireExpiry !== undefined)
        gate.requireExpiry = policy.requireExpiry;
    if (policy.exceptions?.length) {
        gate.exceptions = policy.exceptions.map((e) => ({
            units: e.units,
            checks: e.written,
            reason: e.reason,
            ...(e.until ? { until: e.until } : {})
        }));
    }
    if (policy.fix) {
        const { target, ...rest } = policy.fix;
        gate.fix = { ...(target !== undefined ? { target: target / 10 } : {}), ...rest };
    }
    const document = { [GATE_KEY]: gate };
    for (const [id, override] of Object.entries(policy.checks)) {
        const entry = {};
        if (override.weight !== undefined)
            entry.weight = override.weight;
        if (override.range !== undefined)
            entry.range = override.range;
        if (override.reason !== undefined)
            entry.reason = override.reason;
        document[id] = entry;
    }
    return document;
}

const RATINGS = [
    [100, 'DANGEROUS'],
    [90, 'UNSAFE'],
    [75, 'EXPOSED'],
    [50, 'MEDIUM'],
    [10, 'OK'],
    [1, 'SAFE'],
    [0, 'PERFECT']
];
function ratingOf(exposure) {
    for (let i = 0; i < RATINGS.length; i++)
        if (exposure >= RATINGS[i][0])
            return RATINGS[i][1];
    return 'PERFECT';
}
/** Tenths as systemd prints them: 96 \u2192 "9.6". */
function formatExposure(tenths) {
    return `${Math.floor(tenths / 10)}.${tenths % 10}`;
}
const divRoundUp = (a, b) => Math.floor((a + b - 1) / b);
/** Whether the effective user is root: User=root/0, or no User= without DynamicUser=. */
function runsPrivileged(service) {
    return settingsRunPrivileged(service.settings);
}
function settingsRunPrivileged(settings) {
    const { user, dynamicUser } = settings;
    if (user === 'root' || user === '0')
        return true;
    return !dynamicUser && (user === undefined || user === '');
}
/** One row's share of the two sums ([0, 0] when not applicable): the formula of scoreService. */
function rowContribution(check, ctx, policy) {
    const override = policy.checks[check.id];
    const weight = override?.weight ?? check.weight;
    if (weight === 0 || (check.bootPhaseExempt && !ctx.settings.defaultDependencies))
        return NO_ROW;
    const verdict = check.assess(ctx);
    if (verdict.na !== undefined)
        return NO_ROW;
    return [divRoundUp(verdict.badness * weight, override?.range ?? check.range), weight];
}
const NO_ROW = [0, 0];
/** The weight a row has under a policy (0: excluded). */
function rowWeight(check, policy) {
    return policy.checks[check.id]?.weight ?? check.weight;
}
/** A row's badness, undefined when it does not apply (N/A, or a boot-phase service it exempts). */
function rowBadness(check, ctx) {
    if (check.bootPhaseExempt && !ctx.settings.defaultDependencies)
        return undefined;
    const verdict = check.assess(ctx);
    return verdict.na === undefined ? verdict.badness : undefined;
}
/** ceil(badness * weight / range) of a row, or -1 when it is not applicable (weight must be > 0). */
function rowBadnessShare(check, ctx, policy, weight) {
    const badness = rowBadness(check, ctx);
    if (badness === undefined)
        return -1;
    return divRoundUp(badness * weight, policy.checks[check.id]?.range ?? check.range);
}
/** exposure (tenths) from the two sums */
function exposureOfSums(badnessSum, weightSum) {
    return weightSum === 0 ? 0 : divRoundUp(badnessSum * 100, weightSum);
}
/**
 * The overall exposure (tenths) of final settings, nothing else: the fix engine's check of its
 * result. Same rows, weights and arithmetic as scoreService.
 */
function exposureOfSettings(settings, version, policy, options = {}) {
    const ctx = { settings, version, runsPrivileged: settingsRunPrivileged(settings) };
    let weightSum = 0;
    let badnessSum = 0;
    for (const check of checksFor(version)) {
        const [badness, weight] = rowContribution(check, ctx, policy);
        badnessSum += badness;
        weightSum += weight;
    }
    if (options.fine)
        return weightSum === 0 ? 0 : (badnessSum * 100) / weightSum;
    return exposureOfSums(badnessSum, weightSum);
}
function contextOf(service, version) {
    return { settings: service.settings, version, runsPrivileged: runsPrivileged(service) };
}
/** A row of the report; one shape for every row (unset fields are undefined, which JSON leaves out). */
function checkRow(check, values, source, header) {
    const at = source ?? header;
    return {
        id: check.id,
        name: check.name,
        badness: values.badness,
        weight: values.weight,
        range: values.range,
        exposure: values.exposure,
        file: at.file,
        line: at.line,
        explicit: source !== undefined,
        skipped: values.skipped,
        detail: values.detail
    };
}
/** A row's exposure in tenths, as systemd's EXPOSURE column rounds it (badness > 0). */
function rowExposureTenths(badness, weight, range, weightSum) {
    return divRoundUp(divRoundUp(badness * weight * 100, range), weightSum);
}
/**
 * Adds `item` to `top`, which keeps the `count` best items, best first; an item only passes those
 * it is strictly better than, so equal ones keep their order of arrival.
 */
function keepBest(top, item, count, better) {
    if (count <= 0 || (top.length === count && !better(item, top[count - 1])))
        return;
    // an insertion by hand: splice() would allocate an array of the removed items on every call
    let at = top.length === count ? count - 1 : top.length;
    while (at > 0 && better(item, top[at - 1])) {
        top[at] = top[at - 1];
        at--;
    }
    top[at] = item;
}
/** Sorts a few numbers ascending in place (sort() allocates a work array on every call). */
function sortSmall(values) {
    for (let i = 1; i < values.length; i++) {
        const value = values[i];
        let at = i;
        while (at > 0 && values[at - 1] > value) {
            values[at] = values[at - 1];
            at--;
        }
        values[at] = value;
    }
}
/** Where each row's deciding directive was set (the file ranks are only built when needed). */
function sourceFinder(service) {
    let fileRank;
    const ranks = () => (fileRank ??= new Map(service.files.map((file, index) => [file, index])));
    return (check) => sourceOf(check, service, ranks);
}
function sourceOf(check, service, ranks) {
    if (check.directives.length === 1)
        return service.sources.get(check.directives[0]);
    let best;
    let bestRank = -1;
    for (const key of check.directives) {
        const ref = service.sources.get(key);
        if (!ref)
            continue;
        const rank = (ranks().get(ref.file) ?? 0) * 1e9 + ref.line;
        if (rank > bestRank) {
            best = ref;
            bestRank = rank;
        }
    }
    return best;
}
const compiledPolicies = new WeakMap();
/** Effective weight and range of every row for one policy and version, computed once. */
function compile(policy, version, checks) {
    let byVersion = compiledPolicies.get(policy);
    if (!byVersion) {
        byVersion = new Map();
        compiledPolicies.set(policy, byVersion);
    }
    let compiled = byVersion.get(version);
    if (!compiled) {
        const overrides = checks.map((check) => policy.checks[check.id]);
        compiled = {
            weights: checks.map((check, i) => overrides[i]?.weight ?? check.weight),
            ranges: checks.map((check, i) => overrides[i]?.range ?? check.range),
            reasons: overrides.map((override) => override?.reason),
            assessors: checks.map((check) => check.assess),
            bootPhaseExempt: checks.map((check) => check.bootPhaseExempt === true)
        };
        byVersion.set(version, compiled);
    }
    return compiled;
}
/**
 * Whether a policy scores a version's checks with weights or ranges other than systemd's own (a
 * plain `systemd-analyze security` then prints another number: it needs --security-policy).
 */
function policyRescores(policy, version) {
    const table = checksFor(version);
    const { weights, ranges } = compile(policy, version, table);
    return table.some((check, i) => weights[i] !== check.weight || ranges[i] !== check.range);
}
function scoreService(service, version, policy, options = {}) {
    if (options.costliest !== undefined)
        return scoreCostliest(service, version, policy, options.costliest);
    const keepPassing = options.keepPassing ?? true;
    const ctx = contextOf(service, version);
    const sourceFor = sourceFinder(service);
    const header = service.serviceHeader;
    const table = checksFor(version);
    const { weights, ranges, reasons, assessors, bootPhaseExempt } = compile(policy, version, table);
    const bootPhase = !service.settings.defaultDependencies;
    const checks = [];
    let weightSum = 0;
    let badnessSum = 0;
    for (let i = 0; i < table.length; i++) {
        const check = table[i];
        const weight = weights[i];
        const range = ranges[i];
        let skipped;
        let badness = null;
        let detail;
        if (bootPhaseExempt[i] && bootPhase) {
            skipped = 'DefaultDependencies=no: special boot-phase service';
        }
        else if (weight === 0) {
            skipped = reasons[i] ?? 'excluded by policy';
        }
        else {
            const verdict = assessors[i](ctx);
            if (verdict.na !== undefined)
                skipped = verdict.na;
            else {
                badness = verdict.badness;
                detail = verdict.detail;
                badnessSum += divRoundUp(badness * weight, range);
                weightSum += weight;
            }
        }
        // Rows at badness 0 are only built when asked for: on large trees they are most of the work.
        if (badness === 0 && !keepPassing)
            continue;
        checks.push(checkRow(check, { badness, weight, range, exposure: null, skipped, detail }, sourceFor(check), header));
    }
    const exposure = weightSum === 0 ? 0 : divRoundUp(badnessSum * 100, weightSum);
    for (const row of checks) {
        if (row.badness !== null && row.badness > 0) {
            row.exposure = rowExposureTenths(row.badness, row.weight, row.range, weightSum) / 10;
        }
    }
    return { exposure, rating: ratingOf(exposure), weightSum, badnessSum, checks };
}
const MAX_ROWS = 256;
const scratch = {
    costly: new Int32Array(MAX_ROWS),
    badnesses: new Int32Array(MAX_ROWS),
    rowExposure: new Int32Array(MAX_ROWS),
    details: new Array(MAX_ROWS).fill(undefined)
};
/**
 * scoreService for a view that shows only the `count` costliest rows: the same sums and exposure,
 * but row objects only for those rows (in table order), not for every costly one.
 */
function scoreCostliest(service, version, policy, count) {
    const ctx = contextOf(service, version);
    const table = checksFor(version);
    const { weights, ranges, assessors, bootPhaseExempt } = compile(policy, version, table);
    const bootPhase = !service.settings.defaultDependencies;
    // Scratch rows, reused from unit to unit (scoring never re-enters itself): nothing per row.
    const { costly, badnesses, details, rowExposure } = scratch;
    let costlyCount = 0;
    let weightSum = 0;
    let badnessSum = 0;
    for (let i = 0; i < table.length; i++) {
        const weight = weights[i];
        if ((bootPhaseExempt[i] && bootPhase) || weight === 0)
            continue;
        const verdict = assessors[i](ctx);
        if (verdict.na !== undefined)
            continue;
        badnessSum += divRoundUp(verdict.badness * weight, ranges[i]);
        weightSum += weight;
        if (verdict.badness > 0) {
            costly[costlyCount++] = i;
            badnesses[i] = verdict.badness;
            details[i] = verdict.detail;
        }
    }
    const exposure = weightSum === 0 ? 0 : divRoundUp(badnessSum * 100, weightSum);
    // per-row exposure in tenths, as scoreService computes it, and the `count` rows costing most
    for (let k = 0; k < costlyCount; k++) {
        const i = costly[k];
        rowExposure[i] = rowExposureTenths(badnesses[i], weights[i], ranges[i], weightSum);
    }
    // higher exposure, then higher weight, then earlier in the table (the text report's order)
    const costsMore = (a, b) => rowExposure[a] > rowExposure[b] ||
        (rowExposure[a] === rowExposure[b] && weights[a] > weights[b]);
    const top = [];
    for (let k = 0; k < costlyCount; k++)
        keepBest(top, costly[k], count, costsMore);
    sortSmall(top);
    const sourceFor = sourceFinder(service);
    const checks = top.map((i) => checkRow(table[i], {
        badness: badnesses[i],
        weight: weights[i],
        range: ranges[i],
        exposure: rowExposure[i] / 10,
        skipped: undefined,
        detail: details[i]
    }, sourceFor(table[i]), service.serviceHeader));
    return { exposure, rating: ratingOf(exposure), weightSum, badnessSum, checks };
}

/** Dash prefixes, longest first: foo-bar-baz.service \u2192 foo-bar-.service, foo-.service. */
function dashPrefixes(unit) {
    const result = [];
    const suffix = unit.isInstance ? `@${unit.instance}.${unit.type}` : `.${unit.type}`;
    let prefix = unit.prefix;
    if (prefix.endsWith('-'))
        prefix = prefix.slice(0, -1);
    for (;;) {
        const dash = prefix.lastIndexOf('-');
        if (dash <= 0)
            break;
        prefix = prefix.slice(0, dash);
        result.push(`${prefix}-${suffix}`);
    }
    return result;
}
/**
 * The unit's name, its template's and their dash prefixes, each once, in systemd's order: a name's
 * names, then those of its longest dash prefix (which holds the shorter prefixes in turn, as
 * unit_file_find_dirs() recurses on one prefix at a time). Linear in the dashes: recursing on every
 * prefix, each of which recursed on every shorter one, took 2^dashes steps (a name of 40 dashes
 * hung the scan).
 */
function namesFor(unit) {
    const names = [];
    const seen = new Set();
    const add = (name) => {
        if (!seen.has(name)) {
            seen.add(name);
            names.push(name);
        }
    };
    for (let current = unit; current !== undefined;) {
        add(current.name);
        if (current.isInstance) {
            const template = parseUnitName(`${current.prefix}@.${current.type}`);
            if (template) {
                add(template.name);
                for (const name of dashPrefixes(template))
                    add(name);
            }
        }
        // the longest prefix systemd can name (it holds the shorter ones)
        let next;
        for (const prefixed of dashPrefixes(current)) {
            next = parseUnitName(prefixed);
            if (next)
                break;
        }
        current = next;
    }
    return names;
}
/** Drop-in directory names for a unit, most specific first, ending with the type-wide `service.d`. */
function dropInDirectoryNames(unit) {
    const dirs = namesFor(unit).map((name) => `${name}.d`);
    dirs.push(`${unit.type}.d`);
    return [...new Set(dirs)];
}
/**
 * The dependency directories systemd reads for a unit (process_deps(): the drop-in directory
 * names with `.wants`, `.requires`, and from 249 `.upholds`), most specific first.
 */
function dependencyDirectoryNames(unit, version) {
    const suffixes = version >= 249 ? ['.wants', '.requires', '.upholds'] : ['.wants', '.requires'];
    return [...namesFor(unit), unit.type].flatMap((name) => suffixes.map((s) => name + s));
}
/**
 * A unit name up to and including its first '-', '@' or '.'. Every drop-in directory name of a unit
 * but the type-wide one (NAME.d, template and dash-prefix names) keeps that much of the unit's name,
 * so a directory holding no `.d` entry of this lead holds no drop-ins for the unit but type-wide ones.
 */
function dropInLead(name) {
    for (let i = 0; i < name.length; i++) {
        const c = name.charCodeAt(i);
        if (c === 0x2d || c === 0x40 || c === 0x2e)
            return name.slice(0, i + 1);
    }
    return name;
}
/**
 * Whether a name may be a dash-prefix name (foo-.service, foo-@i.service, foo-@.service): every
 * name systemd searches for a unit but its own, its template's and the type-wide one is.
 */
function isDashPrefixName(name) {
    return name.includes('-.') || name.includes('-@');
}
/**
 * From here a drop-in that is a link systemd cannot follow for too many levels (a loop), through a
 * file that is not a directory (ENOTDIR) or to a name over 255 bytes (ENAMETOOLONG) is left out
 * before the file names are matched, so a file of that name in a less specific directory applies:
 * seen in 259 and 262; 252-257 read the link in its place (and nothing). 258 unverified, follows 257.
 * A link to nothing, a directory or /dev/null still takes the name in every version.
 */
const LOOPING_DROP_IN_SKIPPED = 259;
/** Whether systemd reads a file of this name from a drop-in directory. */
function isDropInFileName(fileName) {
    return fileName.endsWith('.conf') && !fileName.startsWith('.');
}
/**
 * Keeps, for each file name, the copy from the most specific directory, then sorts by file name
 * alone (byte order), whatever directory each comes from.
 */
function orderDropIns(candidates) {
    const byName = new Map();
    for (const candidate of candidates) {
        if (!isDropInFileName(candidate.fileName))
            continue;
        const existing = byName.get(candidate.fileName);
        if (!existing || candidate.directoryRank < existing.directoryRank) {
            byName.set(candidate.fileName, candidate);
        }
    }
    return [...byName.values()].sort((a, b) => compareBytes(a.fileName, b.fileName));
}
const encoder$2 = new TextEncoder();
/** strcmp() order on UTF-8 bytes. */
function compareBytes(a, b) {
    if (a === b)
        return 0;
    // UTF-16 units below the surrogates order as their UTF-8 bytes do: encode only past them.
    const length = Math.min(a.length, b.length);
    let i = 0;
    while (i < length && a.charCodeAt(i) === b.charCodeAt(i))
        i++;
    if (i === length)
        return a.length - b.length;
    const p = a.charCodeAt(i);
    const q = b.charCodeAt(i);
    if (p < 0xd800 && q < 0xd800)
        return p - q;
    const x = encoder$2.encode(a);
    const y = encoder$2.encode(b);
    const n = Math.min(x.length, y.length);
    for (let i = 0; i < n; i++)
        if (x[i] !== y[i])
            return x[i] - y[i];
    return x.length - y.length;
}
/**
 * What a link to the file `target` of `targetDirectory` is (directories resolved, POSIX): an alias
 * when the target lies in one of the search `directories` (the link's own, or every directory of
 * the image's search path) or below one, else undefined (a linked unit file).
 */
function aliasLinkFor(target, targetDirectory, directories) {
    for (const directory of directories) {
        if (targetDirectory === directory)
            return { target };
        const below = directory === '' || directory.endsWith('/') ? directory : `${directory}/`;
        if (targetDirectory.startsWith(below))
            return { target };
    }
    return undefined;
}
/** systemd's CHASE_SYMLINKS_MAX: the 32nd link on the way is a loop (ELOOP) */
const CHASE_SYMLINKS_MAX = 32;
/** NAME_MAX: a longer path component is refused (EINVAL) */
const NAME_MAX_BYTES = 255;
const utf8 = new TextEncoder();
const tooLong = (part) => part.length > NAME_MAX_BYTES / 3 && utf8.encode(part).length > NAME_MAX_BYTES;
/**
 * Where the target of an image's alias link leads, as systemd's chase_symlinks(target, root,
 * CHASE_NOFOLLOW | CHASE_NONEXISTENT) resolves it in unit_file_build_name_map(): every directory on
 * the way is followed below the root (an absolute link's text read from the root, `..` stopping at
 * it), the last component is taken as named, and a rest that does not exist is kept as written.
 * `inImage` is the path from the image's root; `entryAt` says what a path below it is
 * ('/'-separated, no leading slash), as does the result. Undefined where systemd gives the link up
 * and ignores it: a loop, a file where a directory should be, an empty link, a component over
 * NAME_MAX, `..` after a missing directory, or a missing target named with a trailing `/` or `/.`
 * (its name is then "" or ".").
 */
function chaseBelowRoot(inImage, entryAt) {
    /** an empty component or `.`: no step at all */
    const noStep = (part) => part === '' || part === '.';
    const done = [];
    // components still to walk, the next one last
    const todo = inImage.split('/').reverse();
    let follows = CHASE_SYMLINKS_MAX;
    while (todo.length > 0) {
        const part = todo.pop();
        if (noStep(part))
            continue;
        if (part === '..') {
            done.pop();
            continue;
        }
        if (tooLong(part))
            return undefined;
        done.push(part);
        const entry = entryAt(done.join('/'));
        if (entry.kind === 'missing') {
            const rest = todo.reverse();
            const last = rest[rest.length - 1];
            if ((last !== undefined && noStep(last)) || rest.includes('..') || rest.some(tooLong))
                return undefined;
            return [...done, ...rest.filter((p) => !noStep(p))].join('/');
        }
        // the last component is not followed, a trailing `/` or `/.` notwithstanding (systemd 252
        // takes `web.service -> /opt/link/` as a linked unit file when opt/link is a link to a unit)
        if (entry.kind === 'directory' || todo.every(noStep))
            continue;
        if (entry.kind === 'other')
            return undefined;
        if (--follows <= 0 || entry.text === '')
            return undefined;
        done.pop();
        if (entry.text.startsWith('/'))
            done.length = 0;
        todo.push(...entry.text.split('/').reverse());
    }
    return done.join('/');
}
/**
 * Whether a link's text ends in `/` or `/.`: a missing target so named has the name "" or "." for
 * systemd, which gives the link up (chaseBelowRoot() in an image, the scan and the base elsewhere).
 */
const endsInSlash = (text) => /\/\.?$/.test(text);
/** Why systemd refuses `alias` \u2192 `target` (unit_validate_alias_symlink_or_warn), or undefined. */
function aliasProblem(alias, target) {
    const from = parseUnitName(alias);
    const to = parseUnitName(target);
    if (!from)
        return `${alias} is not a valid unit name`;
    if (!to)
        return `it points to ${target}, which is not a valid unit name`;
    if (from.type !== to.type)
        return `it points to ${target}, a unit of another type`;
    if (alias === target)
        return 'it points to itself';
    const kind = (u) => u.isTemplate ? 'a template' : u.isInstance ? 'an instance' : 'a plain';
    if (kind(from) !== kind(to) && !(from.isInstance && to.isTemplate)) {
        return `it points to ${target}, ${kind(to)} name, from ${kind(from)} name`;
    }
    if (from.isInstance && to.isInstance && from.instance !== to.instance) {
        return `it points to ${target}, another instance`;
    }
    return undefined;
}
/** systemd follows at most this many names (FOLLOW_MAX): a chain of 8 aliases is not found. */
const FOLLOW_MAX = 8;
/** unit_ids_map_get(): the unit file a name leads to. */
function lookUp(map, name) {
    let id;
    for (let n = 0; n < FOLLOW_MAX; n++) {
        let key = id ?? name;
        let target = map.get(key);
        if (target === undefined) {
            if (id === undefined)
                return 'not-found';
            // a hop to an instance name that is not there is a hop to its template
            const template = templateNameOf(id);
            if (template === undefined)
                return 'not-found';
            key = template;
            target = map.get(template);
            if (target === undefined)
                return 'not-found';
        }
        if (target === null)
            return { fragment: key };
        id = target;
    }
    return 'loop';
}
/** foo@.service for foo@bar.service and foo@.service; undefined for a plain name. */
function templateNameOf(name) {
    const unit = parseUnitName(name);
    return unit?.isTemplate ? unit.name : unit && templateOf(unit);
}
/** The name map of a directory without links: every regular file is a unit file of its own name. */
function plainNameMap(isFile) {
    return {
        get: (name) => (isFile(name) ? null : undefined),
        refused: new Map(),
        namesOf: (name) => (isFile(name) ? [name] : []),
        hasLinks: false,
        holderOf: () => 0,
        aliasedInstances: () => []
    };
}
/** unit_file_build_name_map() for one directory. */
function buildNameMap({ isFile, links }) {
    if (links.size === 0)
        return plainNameMap(isFile);
    const aliases = new Map();
    const refused = new Map();
    for (const [name, link] of links) {
        if (link === 'linked') {
            aliases.set(name, null);
            continue;
        }
        const problem = aliasProblem(name, link.target);
        if (problem === undefined)
            aliases.set(name, link.target);
        else
            refused.set(name, `systemd ignores the alias ${name}: ${problem}`);
    }
    const get = (name) => aliases.has(name) ? aliases.get(name) : isFile(name) ? null : undefined;
    // the reverse map, over the links; a regular file nothing leads to is only its own name
    const reverse = new Map();
    const add = (key, name) => {
        const names = reverse.get(key);
        if (names)
            names.push(name);
        else
            reverse.set(key, [name]);
    };
    for (const name of [...aliases.keys()].sort(compareBytes)) {
        const found = lookUp({ get }, name);
        if (typeof found === 'string')
            continue;
        const from = parseUnitName(name);
        const to = parseUnitName(found.fragment);
        // an instance leading to a template is an alias of that instance of it only
        const key = from?.isInstance && to?.isTemplate ? instantiate(to, from.instance).name : found.fragment;
        add(key, name);
    }
    return {
        get,
        refused,
        hasLinks: true,
        holderOf: () => 0,
        aliasedInstances: (template) => {
            const instances = [];
            for (const [key, names] of reverse) {
                const unit = parseUnitName(key);
                if (!unit?.isInstance || templateOf(unit) !== template)
                    continue;
                if (names.some((name) => name !== key))
                    instances.push(unit.instance);
            }
            return instances.sort(compareBytes);
        },
        namesOf: (name) => {
            const names = reverse.get(name) ?? [];
            return isFile(name) && !aliases.has(name) ? [name, ...names] : names;
        }
    };
}
/**
 * unit_file_build_name_map() over the directories of a search path, in systemd's order: the first
 * directory holding a regular file or a link of a name decides what it is (a link systemd refuses
 * as an alias leaves the name to the directories after it). `own`: the scanned unit file's name and
 * directory, whose entry decides that one name wherever it stands (a file shadowed by a higher
 * directory is still scored as itself); every other name goes by systemd's order.
 */
function searchPathNameMap(directories, own) {
    if (directories.length === 1)
        return buildNameMap(directories[0]);
    const accepted = (name, link) => link === 'linked' || aliasProblem(name, link.target) === undefined;
    // the first link of each name that systemd takes, and the first it refuses (its message)
    const linkOf = new Map();
    const refusedLinkOf = new Map();
    directories.forEach(({ links }, holder) => {
        for (const [name, link] of links) {
            if (!accepted(name, link)) {
                if (!refusedLinkOf.has(name))
                    refusedLinkOf.set(name, link);
            }
            else if (!linkOf.has(name))
                linkOf.set(name, { holder, link });
        }
    });
    // the scanned file's own entry, when it is one systemd takes
    if (own !== undefined) {
        const { links, isFile } = directories[own.holder];
        const link = links.get(own.name);
        if (link !== undefined && accepted(own.name, link))
            linkOf.set(own.name, { holder: own.holder, link });
        else if (isFile(own.name))
            linkOf.delete(own.name);
    }
    const holderOf = (name) => {
        if (own !== undefined &&
            name === own.name &&
            (directories[own.holder].isFile(name) || linkOf.get(name)?.holder === own.holder))
            return own.holder;
        const link = linkOf.get(name);
        const before = link?.holder ?? directories.length;
        for (let holder = 0; holder < before; holder++) {
            if (directories[holder].isFile(name))
                return holder;
        }
        return link?.holder ?? -1;
    };
    const links = new Map();
    for (const [name, { holder, link }] of linkOf)
        if (holderOf(name) === holder)
            links.set(name, link);
    for (const [name, link] of refusedLinkOf)
        if (holderOf(name) === -1)
            links.set(name, link);
    const map = buildNameMap({
        isFile: (name) => {
            const holder = holderOf(name);
            return holder !== -1 && linkOf.get(name)?.holder !== holder;
        },
        links
    });
    return { ...map, holderOf: (name) => Math.max(0, holderOf(name)) };
}
/**
 * The name maps of image search paths, each made once from `entriesOf` (the entries of the
 * directories of a search path below `root`), and once more for a file whose own name a higher
 * directory holds (see searchPathNameMap).
 */
function searchPathNameMaps(entriesOf) {
    const paths = new Map();
    return (dir, searched, root, ownName) => {
        const key = searched.join('\0');
        let path = paths.get(key);
        if (path === undefined) {
            const entries = entriesOf(searched, root);
            path = { entries, map: searchPathNameMap(entries), shadowed: new Map() };
            paths.set(key, path);
        }
        const holder = searched.indexOf(dir);
        if (ownName === undefined || holder < 0 || path.map.holderOf(ownName) === holder)
            return path.map;
        const { isFile, links } = path.entries[holder];
        if (!isFile(ownName) && !links.has(ownName))
            return path.map;
        const ownKey = `${holder}\0${ownName}`;
        let map = path.shadowed.get(ownKey);
        if (map === undefined) {
            map = searchPathNameMap(path.entries, { name: ownName, holder });
            path.shadowed.set(ownKey, map);
        }
        return map;
    };
}
/**
 * Whether a unit file's own name leads on by name where systemd looks it up: an alias, or the entry
 * of another directory of the search path (`lookedUp`, the map's directories); such a link need
 * not lead anywhere from the checkout.
 */
function leadsByName(map, name, lookedUp, directory) {
    const entry = map.get(name);
    return typeof entry === 'string' || (entry === null && lookedUp[map.holderOf(name)] !== directory);
}
/**
 * The directories a unit file's names are looked up in: its search path, in systemd's order (with
 * its own directory first where the path leaves it out).
 */
function nameLookupDirectories(directory, searched) {
    return searched.includes(directory) ? searched : [directory, ...searched];
}
/**
 * The names a unit is loaded under: its id, and the name asked for when that is another (an alias),
 * both naming the directory entry read, which %y gives (an instance's own file, not its template).
 */
function loadedNames(asked, names) {
    return {
        unit: withFragment(names.id, names.fragment),
        requestedAs: asked.name === names.id.name ? undefined : withFragment(asked, names.fragment)
    };
}
/**
 * The most names a unit may have for the gate to score it: each of a unit's names is a unit the scan
 * scores, with all the others, so n links to one file cost n^2 (5,000 took 21 s, 10,000 over a
 * minute). Above it every such name is an `error`: the gate fails, not scores less.
 */
const MAX_UNIT_NAMES = 1000;
/** What a report says of a name unitNames() found no unit for. */
function unitNamesProblem(problem, asked) {
    return problem.tooMany ? problem.error : `${problem.error}; systemd does not find ${asked.name}`;
}
/**
 * The unit systemd loads when asked for `asked` in a directory (unit_file_find_fragment(); a template
 * file is asked for as the instance systemd-analyze gives it), or why it finds none.
 */
function unitNames(map, asked) {
    let found = lookUp(map, asked.name);
    const template = templateOf(asked);
    if (found === 'not-found' && template !== undefined)
        found = lookUp(map, template);
    if (found === 'loop') {
        return { error: `more than ${FOLLOW_MAX} names on the way from ${asked.name} (alias loop?)` };
    }
    if (found === 'not-found') {
        const why = [asked.name, ...(template ? [template] : [])].map((n) => whyAbsent(map, n));
        return { error: why.find((w) => w !== undefined) ?? `${asked.name} is not in the directory` };
    }
    const { fragment } = found;
    // no links: the unit file of the name asked for, or of its template; no other name
    if (!map.hasLinks)
        return { id: asked, fragment, aliases: [] };
    const count = map.namesOf(fragment).length;
    if (count > MAX_UNIT_NAMES) {
        return {
            error: `${count} names lead to ${fragment}, more than the ${MAX_UNIT_NAMES} the gate follows (systemd takes them all; the gate stops there to stay fast)`,
            tooMany: true
        };
    }
    const parsed = parseUnitName(fragment);
    if (!parsed || (parsed.isTemplate && !asked.isInstance)) {
        return { error: `${fragment} is not a unit file for ${asked.name}` };
    }
    const fileId = parsed.isTemplate ? instantiate(parsed, asked.instance) : parsed;
    // add_names(): the name asked for and its aliases, then the fragment's name and its aliases. A
    // template name is kept as written (the unit takes it as its instance of it), so the fragment's
    // instance name is among them only when an alias adds it ...
    const names = new Set();
    const addNames = (name, fragmentName) => {
        names.add(name);
        for (const alias of map.namesOf(name)) {
            const unit = parseUnitName(alias);
            if (!unit)
                continue;
            if (!(asked.isInstance && unit.isTemplate)) {
                names.add(alias);
                continue;
            }
            const instance = instantiate(unit, asked.instance).name;
            // an instance name that leads elsewhere is not an alias of this unit
            const leadsTo = lookUp(map, instance);
            if (fragmentName !== undefined &&
                typeof leadsTo !== 'string' &&
                leadsTo.fragment !== fragmentName)
                continue;
            names.add(instance);
        }
    };
    addNames(asked.name);
    if (fragment !== asked.name)
        addNames(fragment, fragment);
    // ... and only a name among them becomes the id (merge_by_names): else the unit keeps the name
    // it was asked for
    const id = names.has(fileId.name) ? fileId : asked;
    const unitNamesOf = new Set([...names].map((name) => {
        const unit = parseUnitName(name);
        return unit?.isTemplate ? instantiate(unit, asked.instance).name : name;
    }));
    unitNamesOf.delete(id.name);
    const aliases = [...unitNamesOf]
        .sort(compareBytes)
        .map((name) => (name === asked.name ? asked : parseUnitName(name)))
        .filter((unit) => unit !== undefined);
    const result = { id, fragment, aliases };
    const ownEntryFails = parsed.isTemplate && asked.isInstance ? whyAbsent(map, asked.name) : undefined;
    if (ownEntryFails !== undefined)
        result.templateInstead = ownEntryFails;
    return result;
}
/** Why a name the directory holds leads nowhere (undefined: the directory does not hold it). */
function whyAbsent(map, name) {
    const refused = map.refused.get(name);
    if (refused !== undefined)
        return refused;
    let current = map.get(name);
    if (current === undefined || current === null)
        return undefined;
    for (let n = 1; typeof current === 'string' && n < FOLLOW_MAX; n++) {
        const next = map.get(current);
        if (next === undefined) {
            const refusedHop = map.refused.get(current);
            return refusedHop ?? `alias target ${current} is not in the directory`;
        }
        current = next;
    }
    return undefined;
}
/**
 * Drop-in directories of a unit with aliases, in systemd's order: the id's (most specific first),
 * then each alias's (skipping directories the id already lists; a directory two aliases share is
 * listed for each), then the type-wide one. With no aliases: dropInDirectoryNames(id).
 */
function unitDropInDirectories(id, aliases) {
    const own = dropInDirectoryNames(id);
    const typeWide = own.pop();
    const result = own.map((name) => ({ name }));
    const seen = new Set(own);
    aliases.forEach((alias, index) => {
        for (const name of dropInDirectoryNames(alias).slice(0, -1)) {
            if (!seen.has(name))
                result.push({ name, alias: index });
        }
    });
    result.push({ name: typeWide });
    return result;
}
/**
 * systemd's unit search path below a root, highest priority first, as systemd-analyze --root reads
 * it offline (measured 252-262: the transient and generator directories are not read). Debian's
 * split-usr builds before 255 search lib/ between usr/local/lib/ and usr/lib/; from 255 systemd
 * searches no lib/, but on the merged-/usr systems those versions run lib/ is usr/lib/, so what a
 * tree keeps in lib/systemd/system is deployed there: read last, and only maybe (see
 * isMergedUsrDirectory).
 */
const SEARCH_PATH = [
    'etc/systemd/system.control',
    'run/systemd/system.control',
    'etc/systemd/system',
    'etc/systemd/system.attached',
    'run/systemd/system',
    'run/systemd/system.attached',
    'usr/local/lib/systemd/system'
];
const SPLIT_USR_UNTIL = 254;
/**
 * A user's service manager's search path below a root, without the user's own directories
 * (~/.config, ~/.local/share, $XDG_RUNTIME_DIR), highest priority first: XDG_CONFIG_DIRS (/etc/xdg),
 * /etc, /run, XDG_DATA_DIRS (/usr/local/share, /usr/share), then /usr/local/lib and /usr/lib
 * (measured at 252 and 262 with the host's directories and XDG_CONFIG_DIRS).
 */
const USER_SEARCH_PATH = [
    'etc/xdg/systemd/user',
    'etc/systemd/user',
    'run/systemd/user',
    'usr/local/share/systemd/user',
    'usr/share/systemd/user',
    'usr/local/lib/systemd/user',
    'usr/lib/systemd/user'
];
const searchPaths = new Map();
function searchPathFor(version, scope) {
    const splitUsr = version <= SPLIT_USR_UNTIL;
    const key = `${scope}${splitUsr}`;
    let known = searchPaths.get(key);
    if (!known) {
        const path = scope === 'user'
            ? USER_SEARCH_PATH
            : splitUsr
                ? [...SEARCH_PATH, 'lib/systemd/system', 'usr/lib/systemd/system']
                : [...SEARCH_PATH, 'usr/lib/systemd/system', 'lib/systemd/system'];
        // the longest first: lib/systemd/system is a suffix of usr/lib/systemd/system
        known = { path, bySuffixLength: [...path].sort((a, b) => b.length - a.length) };
        searchPaths.set(key, known);
    }
    return known;
}
/**
 * The root below which `directory` is a directory of the (system or user manager's) search path
 * (`rootfs/` for rootfs/usr/lib/systemd/system; '' for usr/lib/systemd/system itself), or
 * undefined when it is none. `sep`: the separator the paths use.
 */
function searchPathRoot(directory, version, sep = '/', scope = 'system') {
    for (const suffix of searchPathFor(version, scope).bySuffixLength) {
        const tail = sep === '/' ? suffix : suffix.split('/').join(sep);
        if (directory === tail || directory.endsWith(sep + tail))
            return directory.slice(0, directory.length - tail.length);
    }
    return undefined;
}
/**
 * The directories systemd reads a unit's drop-ins from when its file lies in `directory`: every
 * directory of the (system or user manager's) search path below the same root when `directory` is
 * one of them (an image or overlay tree such as rootfs/usr/lib/systemd/system, whose
 * rootfs/etc/systemd/system/NAME.d/ applies too), else `directory` alone. `sep`: the separator the
 * paths use.
 */
function dropInSearchDirectories(directory, version, sep = '/', scope = 'system') {
    const key = `${version}\0${sep}\0${scope}\0${directory}`;
    if (key === lastSearch.key)
        return lastSearch.directories;
    const root = searchPathRoot(directory, version, sep, scope);
    const directories = root === undefined
        ? [directory]
        : searchPathFor(version, scope).path.map((entry) => root + (sep === '/' ? entry : entry.split('/').join(sep)));
    lastSearch = { key, directories };
    return directories;
}
/** searchPathRoot() of a system manager's search path, else of a user manager's. */
function eitherSearchPathRoot(directory, version, sep = '/') {
    return searchPathRoot(directory, version, sep) ?? searchPathRoot(directory, version, sep, 'user');
}
/**
 * The search directories of a unit file's directory: the system manager's search path, or the
 * user manager's for a directory of that one (the Action's change detection, which takes both).
 */
function eitherSearchDirectories(directory, version) {
    const system = dropInSearchDirectories(directory, version);
    return system.length > 1 ? system : dropInSearchDirectories(directory, version, '/', 'user');
}
/** the last answer of dropInSearchDirectories (units come directory by directory) */
let lastSearch = { key: '', directories: [] };
/**
 * Whether systemd reads a search directory of dropInSearchDirectories() only when the tree is
 * deployed on a merged-/usr system (lib/systemd/system from 255: systemd-analyze --root on the tree
 * does not read it): its drop-ins are judged both ways, as those behind a relative link.
 */
function isMergedUsrDirectory(directory, version, sep = '/') {
    if (version <= SPLIT_USR_UNTIL)
        return false;
    const root = searchPathRoot(directory, version, sep);
    return root !== undefined && directory === root + ['lib', 'systemd', 'system'].join(sep);
}
/**
 * The drop-in directories systemd walks for a unit (unit_file_find_dropin_paths()): each name's
 * directories (the id's, then each alias's, see unitDropInDirectories) in every search directory
 * in turn, then the type-wide one in every search directory. The index is the directory's rank.
 */
function searchedDropInDirectories(id, aliases, searchDirectories) {
    const own = unitDropInDirectories(id, aliases);
    if (searchDirectories.length === 1) {
        const directory = searchDirectories[0];
        return own.map((entry) => ({ ...entry, directory }));
    }
    const typeWide = own.pop();
    const walk = [];
    for (let start = 0; start < own.length;) {
        let end = start;
        while (end < own.length && own[end].alias === own[start].alias)
            end++;
        for (const directory of searchDirectories) {
            for (let k = start; k < end; k++)
                walk.push({ ...own[k], directory });
        }
        start = end;
    }
    for (const directory of searchDirectories)
        walk.push({ ...typeWide, directory });
    return walk;
}
/**
 * Every distinct outcome of systemd's random order of aliases: a file name that no directory of the
 * id holds but directories of two aliases do is read from whichever alias systemd lists first.
 */
function dropInChoices(candidates, limit = MAX_PERMUTATIONS) {
    const first = orderDropIns(candidates);
    if (!candidates.some((c) => c.alias !== undefined)) {
        return { orders: [first], conflicts: [], truncated: false };
    }
    const byName = new Map();
    for (const candidate of candidates) {
        if (candidate.alias === undefined || !isDropInFileName(candidate.fileName))
            continue;
        let perAlias = byName.get(candidate.fileName);
        if (!perAlias)
            byName.set(candidate.fileName, (perAlias = new Map()));
        const existing = perAlias.get(candidate.alias);
        if (!existing || candidate.directoryRank < existing.directoryRank) {
            perAlias.set(candidate.alias, candidate);
        }
    }
    const winners = new Map(first.map((c) => [c.fileName, c]));
    const contested = [];
    for (const [fileName, perAlias] of byName) {
        if (winners.get(fileName)?.alias === undefined)
            continue; // the id's own directory wins
        if (new Set([...perAlias.values()].map((c) => c.path)).size < 2)
            continue;
        contested.push({ fileName, perAlias });
    }
    const conflicts = contested.map(({ fileName, perAlias }) => ({
        fileName,
        paths: [...new Set([...perAlias.values()].map((c) => c.path))]
    }));
    if (contested.length === 0)
        return { orders: [first], conflicts, truncated: false };
    const involved = [...new Set(contested.flatMap((c) => [...c.perAlias.keys()]))].sort((a, b) => a - b);
    const orders = [];
    const seen = new Set();
    // beyond 7 aliases only the first MAX_PERMUTATIONS orders are tried
    let truncated = involved.length > 7;
    for (const permutation of permutations(involved)) {
        const chosen = contested.map(({ perAlias }) => {
            const alias = permutation.find((a) => perAlias.has(a));
            return perAlias.get(alias);
        });
        const key = chosen.map((c) => c.path).join('\0');
        if (seen.has(key))
            continue;
        if (orders.length >= limit) {
            truncated = true;
            break;
        }
        seen.add(key);
        const picked = new Map(winners);
        for (const c of chosen)
            picked.set(c.fileName, c);
        orders.push([...picked.values()].sort((a, b) => compareBytes(a.fileName, b.fileName)));
    }
    return { orders, conflicts, truncated };
}
/** Orders of aliases tried at most: 7 aliases' worth (each distinct outcome is scored). */
const MAX_PERMUTATIONS = 5040;
/** Permutations in lexicographic order, the identity first; at most MAX_PERMUTATIONS. */
function* permutations(items) {
    const a = [...items];
    for (let count = 0; count < MAX_PERMUTATIONS; count++) {
        yield [...a];
        let i = a.length - 2;
        while (i >= 0 && a[i] >= a[i + 1])
            i--;
        if (i < 0)
            return;
        let j = a.length - 1;
        while (a[j] <= a[i])
            j--;
        [a[i], a[j]] = [a[j], a[i]];
        a.splice(i + 1, a.length - i - 1, ...a.slice(i + 1).reverse());
    }
}
/**
 * The instances of template `prefix@.service` that have a drop-in directory of their own beside it
 * and no unit file (foo@web.service.d/ beside foo@.service): systemd merges those drop-ins into that
 * instance, so a change there weakens a real instance systemd-analyze's test instance never shows.
 * `names`: the directory's entries; `isFile`: a regular file (no drop-in directory); `has`: an entry.
 */
function instancesWithDropIns(prefix, names, isFile, has) {
    const instances = [];
    const lead = `${prefix}@`;
    for (const name of names) {
        if (!name.startsWith(lead) || !name.endsWith('.service.d') || isFile(name))
            continue;
        const instance = name.slice(lead.length, -'.service.d'.length);
        if (instance === '' || has(`${lead}${instance}.service`))
            continue;
        if (parseUnitName(`${lead}${instance}.service`)?.isInstance !== true)
            continue;
        instances.push(instance);
    }
    return instances.sort();
}
/**
 * The prefixes a template's instances go by: its own, and those of the templates aliased to it
 * (`bar` for foo@.service with bar@.service -> foo@.service): bar@web.service.d/ reaches foo@web.
 * `aliases`: the other names of one of its instances.
 */
function templatePrefixes(template, aliases) {
    return [
        ...new Set([template.prefix, ...aliases.filter((a) => a.isInstance).map((a) => a.prefix)])
    ];
}
/** Directories of dependencies that `systemctl enable` fills with links (multi-user.target.wants/). */
const DEPENDENCY_DIRECTORY = /\.(wants|requires|upholds)$/;
const isDependencyDirectory = (name) => DEPENDENCY_DIRECTORY.test(name);
/**
 * The instances of template `prefix@.service` that links in dependency directories enable
 * (multi-user.target.wants/foo@root.service): the instances that run, which the test instance may
 * not show (a `User=%i`). `linkNames`: the entries of those directories.
 */
function enabledInstances(prefix, linkNames) {
    const instances = new Set();
    const lead = `${prefix}@`;
    for (const name of linkNames) {
        if (!name.startsWith(lead) || !name.endsWith('.service'))
            continue;
        const instance = name.slice(lead.length, -'.service'.length);
        if (instance === '' || parseUnitName(name)?.isInstance !== true)
            continue;
        instances.add(instance);
    }
    return [...instances].sort();
}
/**
 * dropInChoices() without the drop-ins systemd may or may not read (behind a drop-in directory that
 * is a relative link: it depends on its working directory), then with them: every pick of both
 * ways, of which the caller judges the worse.
 */
function dropInChoicesEitherWay(candidates, maybeRead) {
    const choices = dropInChoices(candidates);
    if (maybeRead.length === 0)
        return choices;
    const withThem = dropInChoices([...candidates, ...maybeRead]);
    return {
        orders: [...choices.orders, ...withThem.orders],
        // the names in conflict with them, and whether either way had more orders than were tried
        conflicts: withThem.conflicts.length > 0 ? withThem.conflicts : choices.conflicts,
        truncated: choices.truncated || withThem.truncated
    };
}

/**
 * The rollout phases of seed 004 ("Phase 1 - the low-risk trio" ... "Phase 5 - network
 * restrictions"), and which phase each directive the fix engine writes belongs to. Suggested drop-ins
 * are written one comment block per phase, so a team can roll them out phase by phase.
 */
const PHASES = [
    {
        number: 1,
        title: 'low-risk trio',
        watch: 'rarely breaks anything: setuid helpers (sudo, ping), files exchanged through /tmp, data in home directories'
    },
    {
        number: 2,
        title: 'file system: read-only OS, declared write paths',
        watch: '"Read-only file system" and "Permission denied" in the journal: add the paths it writes'
    },
    {
        number: 3,
        title: 'identity',
        watch: 'files it owns on disk and files only root may read; a stable UID needs User= instead of DynamicUser='
    },
    {
        number: 4,
        title: 'capabilities and system calls',
        watch: '"Operation not permitted" (EPERM) in the journal, crashes of JIT runtimes'
    },
    {
        number: 5,
        title: 'network',
        watch: 'the sockets it opens (ss -tulpn, ss -tnp); name resolution needs AF_UNIX and AF_INET/AF_INET6'
    }
];

/**
 * Which service manager a unit file is written for: the system's (PID 1) or a user's
 * (`systemctl --user`). The score follows only what the caller asks for (--user, the Action's
 * user-units input), as systemd-analyze's follows --user, never the path (KeyringMode= and the
 * identity rows differ, see service.ts and checks.ts); the fixes differ for every sign of a user
 * unit: a per-user manager has no privileges to switch users,
 * change the capability bounding set or set up mount namespaces, so most hardening directives make
 * a user service fail or do nothing there (systemd.exec(5); systemd issues #4959, #33167).
 *
 * Pure: the caller passes the path it has (absolute, or relative to a repository).
 */
/** foo.user.service, foo-user.service, foo_user@.service */
const USER_SUFFIX = /[._-]user(@[^/]*)?\.service$/;
/**
 * What a unit file's path says. systemd's own unit directories are decisive: every search path of
 * the user manager (`~/.config/systemd/user`, `/etc/systemd/user`, `/usr/lib/systemd/user` ...)
 * ends in systemd/user, every one of the system manager's in systemd/system. Repositories also keep
 * user units in a directory named `user` or name them `foo.user.service`, `foo-user.service`: signs.
 */
function scopeOfPath(path) {
    const slash = path.lastIndexOf('/');
    const directory = slash < 0 ? '' : path.slice(0, slash);
    const name = path.slice(slash + 1);
    // the directory nearest the file decides: a user unit kept below an etc/systemd/system/ tree is
    // still in .../systemd/user/
    const segments = directory.split('/');
    for (let i = segments.length - 1; i > 0; i--) {
        if (segments[i - 1] !== 'systemd')
            continue;
        if (segments[i] === 'user') {
            return { scope: 'user', evidence: 'its file is in a systemd/user/ directory' };
        }
        if (segments[i] === 'system')
            return { scope: 'system', evidence: '' };
    }
    if (segments[segments.length - 1] === 'user') {
        return { scope: 'user', evidence: 'its file is in a user/ directory', weak: true };
    }
    const userSuffix = USER_SUFFIX.exec(name);
    if (userSuffix !== null) {
        return {
            scope: 'user',
            evidence: `its name ends in ${userSuffix[0]}`,
            weak: true,
            byName: true
        };
    }
    return undefined;
}
/**
 * The hint of a path that puts a unit under a user's manager for certain (a systemd/user/
 * directory), if it does: the scan reads it off the whole path for the fix engine, where the
 * report's path may not show it (a scan run inside ~/.config/systemd/user).
 */
function userDirectoryOf(path) {
    // (most paths say nothing of it: no split of every path)
    if (!path.includes('systemd/user'))
        return undefined;
    const hint = scopeOfPath(path);
    return hint?.scope === 'user' && !hint.weak ? hint : undefined;
}
/** The manager a unit is scored for when the caller's hint says which (--user, user-units). */
function managerAskedBy(hint) {
    return hint?.scope === 'user' ? 'user' : undefined;
}
/** Targets only a user's service manager has (systemd.special(7), "Special user units"). */
const USER_ONLY_TARGETS = /(^|\s)(graphical-session(-pre)?|xdg-desktop-autostart)\.target(\s|$)/;

/** Fields no patch holds: 'recorded' (only copied on) and those only the refusal checks read. */
function isUnscoredField(field) {
    return field === 'recorded' || REFUSAL_ONLY_FIELDS.has(field);
}
/** The patch an object made with Object.create(base) collected: its own properties. */
function patchFrom(changed, base) {
    const fields = [];
    const values = [];
    for (const key of Object.keys(changed)) {
        if (isUnscoredField(key))
            continue;
        const value = changed[key];
        if (value === base[key])
            continue;
        fields.push(key);
        values.push(value);
    }
    return { fields, values };
}
const PRIVILEGE = ['user', 'dynamicUser'];
/** The settings fields a row reads. An unknown row reads everything (always assessed again). */
function rowFields(check) {
    const id = check.id;
    if (id === 'UserOrDynamicUser')
        return PRIVILEGE;
    if (id === 'SupplementaryGroups')
        return ['supplementaryGroups', ...PRIVILEGE];
    if (id === 'RemoveIPC')
        return ['removeIPC', ...PRIVILEGE];
    if (id === 'RootDirectoryOrRootImage')
        return ['rootDirectory', 'rootImage'];
    if (id.startsWith('CapabilityBoundingSet_'))
        return ['capabilityBoundingSet'];
    if (id === 'AmbientCapabilities')
        return ['ambientCapabilities'];
    if (id === 'UMask')
        return ['umask'];
    if (id.startsWith('RestrictNamespaces_'))
        return ['restrictNamespaces'];
    if (id.startsWith('RestrictAddressFamilies_'))
        return ['addressFamilies'];
    if (id === 'SystemCallArchitectures')
        return ['syscallArchitectures'];
    if (id.startsWith('SystemCallFilter_'))
        return ['syscallFilter'];
    if (id === 'IPAddressDeny')
        return ['ipAddressDeny', 'ipAddressAllow', 'ipIngressFilterPath', 'ipEgressFilterPath'];
    if (id === 'DeviceAllow') {
        return [
            'devicePolicy',
            'deviceAllow',
            'rootImage',
            'rootMStack',
            'mountImages',
            'protectClock',
            'loadCredentials',
            'setCredentials'
        ];
    }
    // the rest read the field named like the row: ProtectHome -> protectHome, RestrictSUIDSGID -> ...
    const field = `${id[0].toLowerCase()}${id.slice(1)}`;
    return Object.hasOwn(SETTINGS_FIELDS, field) ? [field] : undefined;
}
const SETTINGS_FIELDS = {
    ...initialSettings(),
    user: undefined,
    group: undefined,
    rootDirectory: undefined,
    rootImage: undefined,
    notifyAccess: undefined,
    syscallFilter: undefined
};
/**
 * Every settings object a scorer assesses has the same fields in the same order (the ones settings
 * may have at all first), so that the rows' property reads see one shape whatever the unit set.
 */
const SHAPE = Object.fromEntries(Object.keys({ ...SETTINGS_FIELDS, type: 0, busName: 0, pamName: 0 }).map((key) => [
    key,
    undefined
]));
/** A copy with SHAPE's fields first (the settings a scorer makes are plain objects). */
function shapedCopy(settings) {
    return Object.assign({ ...SHAPE }, settings);
}
/**
 * A shallow copy of plain settings with one shape whatever order their fields were set in: code
 * that reads many fields by name (the fix engine) stays fast and is optimized early.
 */
function shapedSettings(settings) {
    return shapedCopy(settings);
}
/** What applyImpliedSettings reads: when one of these changes, its outputs may change too. */
const IMPLIED_INPUTS = new Set([
    'dynamicUser',
    'user',
    'privateDevices',
    'protectKernelModules',
    'protectKernelLogs',
    'protectClock',
    'devicePolicy',
    ...IMPLIED_SETTINGS_KEYS
]);
// Fields by number: the implied settings' keys first (0 .. IMPLIED_COUNT - 1), then the others as
// patches name them.
const IMPLIED_COUNT = IMPLIED_SETTINGS_KEYS.length;
const IMPLIED_KEYS = new Set(IMPLIED_SETTINGS_KEYS);
const FIELD_NAMES = [...IMPLIED_SETTINGS_KEYS];
const FIELD_IDS = new Map(FIELD_NAMES.map((field, id) => [field, id]));
const IS_IMPLIED_INPUT = FIELD_NAMES.map((field) => IMPLIED_INPUTS.has(field));
function fieldId(field) {
    let id = FIELD_IDS.get(field);
    if (id === undefined) {
        id = FIELD_NAMES.length;
        FIELD_NAMES.push(field);
        FIELD_IDS.set(field, id);
        IS_IMPLIED_INPUT.push(IMPLIED_INPUTS.has(field));
    }
    return id;
}
function idsOf(patch) {
    if (patch.ids === undefined)
        patch.ids = patch.fields.map(fieldId);
    return patch.ids;
}
const MAX_GROUP_VALUES = 4096;
const NO_ROWS = [];
/** Tables by the policy's checks object, then by version and DefaultDependencies=. */
const TABLES = new WeakMap();
function tablesFor(version, policy, defaultDependencies) {
    let byVersion = TABLES.get(policy.checks);
    if (byVersion === undefined) {
        byVersion = new Map();
        TABLES.set(policy.checks, byVersion);
    }
    const key = defaultDependencies ? version : -version;
    let tables = byVersion.get(key);
    if (tables === undefined) {
        const checks = checksFor(version);
        const weights = checks.map((check) => rowWeight(check, policy));
        const groups = [];
        const groupByField = new Map();
        const rowsByField = new Map();
        const singleRows = [];
        const alwaysRows = [];
        checks.forEach((check, index) => {
            // rows that never count (excluded, or N/A for a boot-phase service) are never assessed
            if (weights[index] === 0)
                return;
            if (check.bootPhaseExempt && !defaultDependencies)
                return;
            const fields = rowFields(check);
            if (fields === undefined) {
                singleRows.push(index);
                alwaysRows.push(index);
                return;
            }
            if (fields.length === 1) {
                const field = fields[0];
                let group = groupByField.get(field);
                if (group === undefined) {
                    group = groups.length;
                    groups.push({ field, rows: [], byValue: new Map(), byObject: new WeakMap() });
                    groupByField.set(field, group);
                }
                groups[group].rows.push(index);
                return;
            }
            singleRows.push(index);
            for (const field of fields) {
                const rows = rowsByField.get(field) ?? [];
                rows.push(index);
                rowsByField.set(field, rows);
            }
        });
        tables = {
            checks,
            weights,
            groups,
            groupByField,
            rowsByField,
            groupById: [],
            rowsById: [],
            singleRows,
            alwaysRows,
            readsByField: new Map()
        };
        byVersion.set(key, tables);
    }
    return tables;
}
function rowsOf(tables, id) {
    let rows = tables.rowsById[id];
    if (rows === undefined) {
        rows = tables.rowsByField.get(FIELD_NAMES[id]) ?? NO_ROWS;
        tables.rowsById[id] = rows;
    }
    return rows;
}
/** The fields read by the rows that read `field` (memoized in the tables). */
function readsOf(tables, field) {
    let reads = tables.readsByField.get(field);
    if (reads === undefined) {
        const set = new Set();
        if (tables.groupByField.has(field))
            set.add(field);
        for (const row of tables.rowsByField.get(field) ?? [])
            for (const read of rowFields(tables.checks[row]) ?? [])
                set.add(read);
        reads = [...set];
        tables.readsByField.set(field, reads);
    }
    return reads;
}
function groupOf(tables, id) {
    let group = tables.groupById[id];
    if (group === undefined) {
        group = tables.groupByField.get(FIELD_NAMES[id]) ?? -1;
        tables.groupById[id] = group;
    }
    return group;
}
/** A group's sums for the final settings. */
function groupSums(group, ctx, policy, tables) {
    const value = ctx.settings[group.field];
    const isObject = typeof value === 'object' && value !== null;
    let sums = isObject ? group.byObject.get(value) : group.byValue.get(value);
    if (sums !== undefined)
        return sums;
    let badness = 0;
    let weight = 0;
    for (const index of group.rows) {
        const rowWeight = tables.weights[index];
        const share = rowBadnessShare(tables.checks[index], ctx, policy, rowWeight);
        if (share < 0)
            continue;
        badness += share;
        weight += rowWeight;
    }
    sums = { badness, weight };
    if (isObject)
        group.byObject.set(value, sums);
    else {
        if (group.byValue.size >= MAX_GROUP_VALUES)
            group.byValue.clear();
        group.byValue.set(value, sums);
    }
    return sums;
}
/** IMPLIED_SETTINGS_KEYS as readImplied and writeImplied name them (the loops serve any other list) */
const NAMED_IMPLIED_KEYS = [
    'user',
    'privateTmp',
    'removeIPC',
    'protectSystem',
    'protectHome',
    'noNewPrivileges',
    'restrictSUIDSGID',
    'capabilityBoundingSet',
    'devicePolicy'
];
const NAMED = IMPLIED_SETTINGS_KEYS.length === NAMED_IMPLIED_KEYS.length &&
    IMPLIED_SETTINGS_KEYS.every((key, k) => key === NAMED_IMPLIED_KEYS[k]);
/** The implied settings' keys of `s`, in IMPLIED_SETTINGS_KEYS order. */
function readImplied(s, out) {
    if (!NAMED) {
        for (let k = 0; k < IMPLIED_COUNT; k++)
            out[k] = s[IMPLIED_SETTINGS_KEYS[k]];
        return;
    }
    out[0] = s.user;
    out[1] = s.privateTmp;
    out[2] = s.removeIPC;
    out[3] = s.protectSystem;
    out[4] = s.protectHome;
    out[5] = s.noNewPrivileges;
    out[6] = s.restrictSUIDSGID;
    out[7] = s.capabilityBoundingSet;
    out[8] = s.devicePolicy;
}
function writeImplied(s, values) {
    if (!NAMED) {
        const settings = s;
        for (let k = 0; k < IMPLIED_COUNT; k++)
            settings[IMPLIED_SETTINGS_KEYS[k]] = values[k];
        return;
    }
    s.user = values[0];
    s.privateTmp = values[1];
    s.removeIPC = values[2];
    s.protectSystem = values[3];
    s.protectHome = values[4];
    s.noNewPrivileges = values[5];
    s.restrictSUIDSGID = values[6];
    s.capabilityBoundingSet = values[7];
    s.devicePolicy = values[8];
}
class VariantScorer {
    unit;
    policy;
    tables;
    /**
     * The current variant's final settings: the base with the committed patches, then the implied
     * settings (which only change IMPLIED_SETTINGS_KEYS: their raw values are in `pre`)
     */
    settings;
    /** the current variant's raw (pre-implied) values of IMPLIED_SETTINGS_KEYS */
    pre;
    /** the unit's own raw settings, for reverting a patch */
    original;
    /** per row scored one by one: its share of the badness sum now (-1: N/A) */
    shares;
    /** per group: its sums now */
    groupSums;
    badnessSum;
    weightSum;
    ctx;
    // scratch space of run(), kept between calls
    marks;
    groupMarks;
    fieldMarks = [];
    rows = [];
    rowCount = 0;
    groupCount = 0;
    newShares = [];
    groups = [];
    newGroupSums = [];
    newPre = [];
    oldFinal = [];
    newFinal = [];
    touched = [];
    touchedBefore = [];
    savedFields = [];
    savedValues = [];
    /** the last trial, which a commit of the same patches takes over without assessing again */
    lastTrial;
    lastImplied = false;
    lastBadnessSum = 0;
    lastWeightSum = 0;
    /** the sums of the variant scored last (by trial() or commit()) */
    scoredBadness = 0;
    scoredWeight = 0;
    /** variants scored (for tests and measurements) */
    evaluations = 0;
    constructor(base, unit, version, policy) {
        this.unit = unit;
        this.policy = policy;
        // (one shape: reverting reads it by field name)
        this.original = shapedCopy(base);
        const tables = tablesFor(version, policy, base.defaultDependencies);
        this.tables = tables;
        const { checks, weights } = tables;
        // (plain arrays: typed arrays cost more to make than these few entries)
        this.marks = new Array(checks.length).fill(0);
        this.groupMarks = new Array(tables.groups.length).fill(0);
        this.shares = new Array(checks.length).fill(-1);
        const settings = shapedCopy(base);
        this.pre = [];
        readImplied(settings, this.pre);
        applyImpliedSettings(settings, unit);
        this.settings = settings;
        this.ctx = { settings, version, runsPrivileged: settingsRunPrivileged(settings) };
        let badnessSum = 0;
        let weightSum = 0;
        for (const index of tables.singleRows) {
            const weight = weights[index];
            const share = rowBadnessShare(checks[index], this.ctx, policy, weight);
            this.shares[index] = share;
            if (share < 0)
                continue;
            badnessSum += share;
            weightSum += weight;
        }
        this.groupSums = tables.groups.map((group) => groupSums(group, this.ctx, policy, tables));
        for (const sums of this.groupSums) {
            badnessSum += sums.badness;
            weightSum += sums.weight;
        }
        this.badnessSum = badnessSum;
        this.weightSum = weightSum;
    }
    /** The patch that undoes `patch`: its fields back to the unit's own values. */
    revert(patch) {
        const original = this.original;
        return { fields: patch.fields, values: patch.fields.map((f) => original[f]), ids: idsOf(patch) };
    }
    /** The current variant's sums. */
    get badness() {
        return this.badnessSum;
    }
    get weight() {
        return this.weightSum;
    }
    /**
     * Which patches change the sums by the same amount whatever others are applied with them: they
     * change no input of the implied settings, and no other patch changes (directly or through the
     * implied settings) a field the rows they change read. Patches that write a field in common are
     * taken as never applied together (variants of one directive): they do not count for each other,
     * and `variants` lists them (by patch: the others that write one of its fields).
     */
    independent(patches) {
        const tables = this.tables;
        // by field: the patches that write it
        const writers = new Map();
        const impliedWriters = [];
        for (let i = 0; i < patches.length; i++) {
            let implied = false;
            for (const field of patches[i].fields) {
                const list = writers.get(field);
                if (list === undefined)
                    writers.set(field, [i]);
                else if (list[list.length - 1] !== i)
                    list.push(i);
                if (IMPLIED_INPUTS.has(field))
                    implied = true;
            }
            if (implied)
                impliedWriters.push(i);
        }
        const variants = [];
        const independent = [];
        for (let i = 0; i < patches.length; i++) {
            const fields = patches[i].fields;
            const family = [];
            for (const field of fields)
                for (const j of writers.get(field))
                    if (j !== i && !family.includes(j))
                        family.push(j);
            variants.push(family);
            let alone = tables.alwaysRows.length === 0 && !impliedWriters.includes(i);
            for (let f = 0; alone && f < fields.length; f++) {
                for (const read of readsOf(tables, fields[f])) {
                    // the implied settings' keys change with any input of theirs
                    const others = IMPLIED_KEYS.has(read) ? impliedWriters : NO_ROWS;
                    for (const j of writers.get(read) ?? NO_ROWS)
                        if (j !== i && !family.includes(j))
                            alone = false;
                    for (const j of others)
                        if (j !== i && !family.includes(j))
                            alone = false;
                }
            }
            independent.push(alone);
        }
        return { independent, variants };
    }
    /**
     * What `patch` alone changes in the current variant's sums, found without assessing: when it
     * changes no input of the implied settings and only fields whose rows are a group with known
     * sums for its values (undefined otherwise: trial() tells).
     */
    alone(patch) {
        const tables = this.tables;
        if (tables.alwaysRows.length)
            return undefined;
        const ids = idsOf(patch);
        let badness = 0;
        let weight = 0;
        for (let i = 0; i < ids.length; i++) {
            const id = ids[i];
            if (IS_IMPLIED_INPUT[id] || rowsOf(tables, id).length)
                return undefined;
            const index = groupOf(tables, id);
            if (index < 0)
                continue;
            const group = tables.groups[index];
            const value = patch.values[i];
            const sums = typeof value === 'object' && value !== null
                ? group.byObject.get(value)
                : group.byValue.get(value);
            if (sums === undefined)
                return undefined;
            const old = this.groupSums[index];
            badness += sums.badness - old.badness;
            weight += sums.weight - old.weight;
        }
        return { badness, weight };
    }
    /** The fields a patch changes: its own, and the implied settings' keys when it changes their input. */
    writes(patch) {
        const fields = new Set(patch.fields);
        if (patch.fields.some((f) => IMPLIED_INPUTS.has(f)))
            for (const key of IMPLIED_SETTINGS_KEYS)
                fields.add(key);
        return fields;
    }
    /** The fields read by the rows that read a field the patch writes. */
    reads(patch) {
        const fields = new Set();
        for (const field of patch.fields)
            for (const read of readsOf(this.tables, field))
                fields.add(read);
        return fields;
    }
    /** The current variant's exposure (tenths). */
    get exposure() {
        return exposureOfSums(this.badnessSum, this.weightSum);
    }
    /**
     * The exposure of the current variant with `patches` applied, before rounding up
     * (100 * badness / weight): it also sees changes too small to move the printed score.
     * `Math.ceil(fine) <= t` exactly when the exposure is at most t tenths.
     */
    trial(patches) {
        return this.run(patches, false);
    }
    /** Makes the current variant the one with `patches` applied; returns its exposure like trial(). */
    commit(patches) {
        const last = this.lastTrial;
        if (last !== undefined &&
            last.length === patches.length &&
            last.every((p, i) => p === patches[i]))
            return this.takeLastTrial(patches);
        return this.run(patches, true);
    }
    /** Commits the patches of the last trial with what it assessed. */
    takeLastTrial(patches) {
        this.lastTrial = undefined;
        const settings = this.settings;
        for (const patch of patches) {
            const { fields, values } = patch;
            const ids = idsOf(patch);
            for (let i = 0; i < fields.length; i++)
                if (ids[i] >= IMPLIED_COUNT)
                    settings[fields[i]] = values[i];
        }
        if (this.lastImplied)
            writeImplied(this.settings, this.newFinal);
        this.keepAssessed(this.lastImplied);
        this.badnessSum = this.scoredBadness = this.lastBadnessSum;
        this.weightSum = this.scoredWeight = this.lastWeightSum;
        return this.lastWeightSum === 0 ? 0 : (this.lastBadnessSum * 100) / this.lastWeightSum;
    }
    /** Keeps what run() assessed last as the current variant's. */
    keepAssessed(implied) {
        const rows = this.rows;
        for (let i = 0; i < this.rowCount; i++)
            this.shares[rows[i]] = this.newShares[i];
        const groups = this.groups;
        for (let i = 0; i < this.groupCount; i++)
            this.groupSums[groups[i]] = this.newGroupSums[i];
        if (implied)
            for (let k = 0; k < IMPLIED_COUNT; k++)
                this.pre[k] = this.newPre[k];
    }
    run(patches, keep) {
        this.evaluations++;
        this.lastTrial = undefined;
        const settings = this.settings;
        const raw = settings;
        const tables = this.tables;
        const fieldMarks = this.fieldMarks;
        const touched = this.touched;
        const touchedBefore = this.touchedBefore;
        const savedFields = this.savedFields;
        const savedValues = this.savedValues;
        const newPre = this.newPre;
        // (the scratch arrays keep their length: counts say how much of them is in use)
        this.rowCount = 0;
        this.groupCount = 0;
        let touchedCount = 0;
        let savedCount = 0;
        for (let k = 0; k < IMPLIED_COUNT; k++)
            newPre[k] = this.pre[k];
        // assign the patches' values (the implied settings' keys: their raw values, aside), noting each
        // field's value before
        let implied = false;
        for (let p = 0; p < patches.length; p++) {
            const patch = patches[p];
            const ids = idsOf(patch);
            const { fields, values } = patch;
            for (let i = 0; i < fields.length; i++) {
                const id = ids[i];
                if (IS_IMPLIED_INPUT[id])
                    implied = true;
                if (id < IMPLIED_COUNT) {
                    newPre[id] = values[i];
                    continue;
                }
                const field = fields[i];
                const before = raw[field];
                if (fieldMarks[id] !== 1) {
                    fieldMarks[id] = 1;
                    touched[touchedCount] = id;
                    touchedBefore[touchedCount++] = before;
                }
                savedFields[savedCount] = field;
                savedValues[savedCount++] = before;
                raw[field] = values[i];
            }
        }
        // the rows of the fields that changed; the implied settings' keys by their final values
        for (let t = 0; t < touchedCount; t++) {
            const id = touched[t];
            fieldMarks[id] = 0;
            if (raw[FIELD_NAMES[id]] !== touchedBefore[t])
                this.markField(id);
        }
        if (tables.alwaysRows.length)
            this.markRows(tables.alwaysRows);
        const oldFinal = this.oldFinal;
        const newFinal = this.newFinal;
        if (implied) {
            readImplied(settings, oldFinal);
            writeImplied(settings, newPre);
            applyImpliedSettings(settings, this.unit);
            readImplied(settings, newFinal);
            for (let k = 0; k < IMPLIED_COUNT; k++)
                if (newFinal[k] !== oldFinal[k])
                    this.markField(k);
        }
        let badnessSum = this.badnessSum;
        let weightSum = this.weightSum;
        const rows = this.rows;
        const groups = this.groups;
        const rowCount = this.rowCount;
        const groupCount = this.groupCount;
        if (rowCount || groupCount) {
            // rows are assessed on the final settings, as loading would leave them
            const ctx = this.ctx;
            ctx.runsPrivileged = settingsRunPrivileged(settings);
            const { checks, weights } = tables;
            const marks = this.marks;
            const newShares = this.newShares;
            for (let i = 0; i < rowCount; i++) {
                const index = rows[i];
                marks[index] = 0;
                const weight = weights[index];
                const old = this.shares[index];
                if (old >= 0) {
                    badnessSum -= old;
                    weightSum -= weight;
                }
                const share = rowBadnessShare(checks[index], ctx, this.policy, weight);
                newShares[i] = share;
                if (share >= 0) {
                    badnessSum += share;
                    weightSum += weight;
                }
            }
            const groupMarks = this.groupMarks;
            const newGroupSums = this.newGroupSums;
            for (let i = 0; i < groupCount; i++) {
                const index = groups[i];
                groupMarks[index] = 0;
                const old = this.groupSums[index];
                const sums = groupSums(tables.groups[index], ctx, this.policy, tables);
                newGroupSums[i] = sums;
                badnessSum += sums.badness - old.badness;
                weightSum += sums.weight - old.weight;
            }
        }
        if (keep) {
            this.keepAssessed(implied);
            this.badnessSum = badnessSum;
            this.weightSum = weightSum;
            this.ctx.runsPrivileged = settingsRunPrivileged(settings);
        }
        else {
            if (implied)
                writeImplied(settings, oldFinal);
            for (let i = savedCount - 1; i >= 0; i--)
                raw[savedFields[i]] = savedValues[i];
            this.ctx.runsPrivileged = settingsRunPrivileged(settings);
            this.lastTrial = patches.slice();
            this.lastImplied = implied;
            this.lastBadnessSum = badnessSum;
            this.lastWeightSum = weightSum;
        }
        this.scoredBadness = badnessSum;
        this.scoredWeight = weightSum;
        return weightSum === 0 ? 0 : (badnessSum * 100) / weightSum;
    }
    /** Marks the group and the rows that read a field (by number). */
    markField(id) {
        const group = groupOf(this.tables, id);
        if (group >= 0 && this.groupMarks[group] === 0) {
            this.groupMarks[group] = 1;
            this.groups[this.groupCount++] = group;
        }
        this.markRows(rowsOf(this.tables, id));
    }
    markRows(fieldRows) {
        const marks = this.marks;
        for (let i = 0; i < fieldRows.length; i++) {
            const row = fieldRows[i];
            if (marks[row] === 0) {
                marks[row] = 1;
                this.rows[this.rowCount++] = row;
            }
        }
    }
}

/**
 * What a service needs, inferred from its unit alone (seed 000's "Common Gotchas" and seed 004's
 * "observe first"): the program it runs (JIT runtimes, privilege-dropping daemons, time daemons,
 * container managers ...), the ports it listens on, the paths it writes, whether it uses the network,
 * devices, home directories. Every fact carries the evidence that produced it, so a suggestion can say
 * why it left a directive out; facts the unit does not show become "observe first" notes.
 */
/** Printable ASCII only, short: evidence ends up in comments of a generated unit file. */
function safeText(text, max = 70) {
    // no control characters, and no backslash: a comment line must never look continued; no `##[`,
    // which a CI log showing the drop-in would take for a runner command
    const clean = text.replace(/[^\x20-\x5b\x5d-\x7e]/g, '?').replaceAll('##[', '#?[');
    return clean.length > max ? `${clean.slice(0, max - 3)}...` : clean;
}
/** A path that can be written into a drop-in as is: absolute, no spaces, quotes or escapes. */
function isSafePath(path) {
    // '%' only as the instance and name specifiers, which every path directive expands
    return /^\/(?:[A-Za-z0-9._@+,=:/-]|%[iInNpPjJ%])*$/.test(path) && !path.split('/').includes('..');
}
// ---------------------------------------------------------------------------------------------------
// knowledge about programs
/** The traits of a program that may change anything: a package manager's scripts, a configuration agent. */
const MAY_CHANGE_ANYTHING = [
    'package-manager',
    'system-writer',
    'devices',
    'modules',
    'sysctl',
    'mount',
    'setuid',
    'script'
];
const PROGRAMS = [
    // JIT runtimes (seed 000: "Node.js, Java, Python with JIT")
    [
        /^(node|nodejs|npm|npx|yarn|pnpm|pm2|deno|bun|ts-node|tsx|next|nuxt|code-server|kibana)$/,
        ['jit'],
        'Node.js/JavaScript JIT'
    ],
    [
        /^(java|javaw|jsvc|catalina\.sh|mvn|gradle|sbt|kotlin|scala|clojure|lein|jruby|groovy|elasticsearch|opensearch|logstash|jenkins|cassandra|solr|keycloak|kc\.sh|neo4j|jetty|tomcat\d*|kafka-server-start\.sh|zookeeper-server-start\.sh|zkServer\.sh|standalone\.sh)$/,
        ['jit'],
        'Java JIT'
    ],
    [/^(dotnet|mono|pwsh)$/, ['jit'], '.NET JIT'],
    [
        /^(python[0-9.]*|pypy[0-9.]*|gunicorn|uvicorn|uwsgi|celery|hypercorn|daphne|waitress-serve|flask|django-admin|jupyter.*|supervisord|ansible.*|salt-.*|odoo.*|gns3server)$/,
        ['jit'],
        'Python (ctypes/cffi callbacks and JIT modules need writable code)'
    ],
    [
        /^(ruby[0-9.]*|puma|unicorn|rails|bundle|sidekiq|rackup|thin|passenger.*)$/,
        ['jit'],
        'Ruby JIT'
    ],
    [/^(php[0-9.]*|php-fpm[0-9.]*|php-cgi[0-9.]*|php\d*-fpm)$/, ['jit'], 'PHP JIT/PCRE JIT'],
    [
        /^(erl|erlexec|beam|beam\.smp|elixir|iex|mix|rabbitmq-server|ejabberdctl|couchdb|emqx)$/,
        ['jit'],
        'Erlang BEAM JIT'
    ],
    [/^(luajit|openresty|julia|raku|perl6)$/, ['jit'], 'JIT runtime'],
    [/^(postgres|postmaster|pg_ctl|pg_ctlcluster)$/, ['jit'], 'PostgreSQL LLVM JIT'],
    // (dnsdist, and pdns_recursor with a Lua script, aborted under MemoryDenyWriteExecute=:
    // "lua_atpanic triggered", session 27)
    [
        /^(dnsdist|pdns_recursor|pdns_server|kresd|rspamd|openresty|tarantool|luajit)$/,
        ['jit'],
        'LuaJIT'
    ],
    [
        /^(chromium|chromium-browser|chrome|google-chrome|firefox|electron)$/,
        ['jit', 'containers'],
        'browser (JIT, sandbox namespaces)'
    ],
    [/^(qemu-.*|qemu|wine.*|box64|box86)$/, ['jit', 'multiarch', 'devices'], 'emulator'],
    // interpreters/wrappers whose real program is unknown
    [
        /^(sh|bash|dash|zsh|ksh|busybox|env|nohup|nice|ionice|chpst|setsid|timeout|stdbuf|xargs)$/,
        ['script'],
        'a shell or wrapper'
    ],
    // login and sessions
    [
        /^(agetty|getty|mingetty|mgetty|login|sulogin|systemd-sulogin-shell|sshd|dropbear|tinysshd|in\.telnetd|telnetd|utelnetd|in\.rlogind|rlogind|in\.rshd|rshd|in\.rexecd|rexecd|shellinaboxd|xrdp|gdm.*|lightdm|sddm|cron|crond|anacron|atd|systemd-user-sessions|screen|tmux)$/,
        ['login'],
        'starts user sessions or jobs'
    ],
    // package managers and system writers
    [
        /^(apt|apt-get|aptitude|dpkg|unattended-upgrade|unattended-upgrades|dnf|dnf-automatic|yum|yum-cron|rpm|zypper|pacman|packagekitd|snapd|fwupd|fwupdmgr|apk|nix-daemon|apt\.systemd\.daily|dpkg-db-backup|update-.*|dpkg-reconfigure|debconf.*|needrestart|apt-listchanges)$/,
        MAY_CHANGE_ANYTHING,
        'installs packages (their scripts may do anything)'
    ],
    [
        /^(systemd-sysext|systemd-sysusers|systemd-tmpfiles|systemd-firstboot|systemd-machine-id-setup|systemd-machine-id-commit|useradd|groupadd|cloud-init|ldconfig|mandb|e2scrub.*|fsck.*|e2fsck|fstrim|mkfs.*|tune2fs|quotacheck|quotaon|systemd-quotacheck|systemd-random-seed|systemd-update-utmp|systemd-pstore|systemd-repart|systemd-growfs|systemd-fsck|systemd-remount-fs|systemd-binfmt|systemd-update-done|systemctl|journalctl|systemd-journald|rsync|restic|borg|duplicity|bacula-fd|etckeeper|certbot|dehydrated|acme\.sh|ssh-keygen|pam_namespace.*)$/,
        ['system-writer'],
        'maintains files all over the system'
    ],
    // privilege-dropping daemons (start as root, switch user themselves)
    [
        /^(nginx|apache2|httpd|lighttpd|master|postfix|postmulti|exim4?|dovecot|vsftpd|proftpd|pure-ftpd|cupsd|avahi-daemon|smbd|nmbd|winbindd|named|unbound|dnsmasq|ntpd|ntpsec|chronyd|squid|haproxy|varnishd|memcached|tor|privoxy|openvpn|rsyncd|xinetd|inetd|polkitd|dbus-daemon|dbus-broker|dbus-broker-launch|rsyslogd|colord|rtkit-daemon|mysqld_safe|pg_ctlcluster|snmpd|slapd|openntpd|radiusd|freeradius|asterisk|bird|squid3|opendkim|spamd|clamd|freshclam|saslauthd|nslcd|sssd|gssproxy|rpcbind|rpc\..*|nfsd|ypbind|cups-browsed|udisksd|accounts-daemon|systemd-logind|php-fpm[0-9.]*|php\d*-fpm|uwsgi|gunicorn|supervisord|start-stop-daemon|runuser|su|sudo|setpriv|gosu|su-exec|s6-setuidgid|pdns_server|pdns_recursor|dnsdist|murmurd|radosgw|apachectl|bftpd|mosquitto|nrpe|prosody|prosodyctl|h2o|samba|incrond|cron|crond|cronie|fcron|anacron|atd|mfsmaster|mfschunkserver|mfsmetalogger|mfscgiserv|lfscgiserv|rspamd|knotd)$/,
        ['drops-privileges'],
        'starts as root and switches user itself'
    ],
    // (NUT's daemons and drivers become their user through one become_user(): upsd failed under
    // ~@privileged, "getuid gave 0, but seteuid(0) failed", in the booted container, round 4)
    [/^(upsd|upsmon|upsdrvctl)$/, ['drops-privileges'], 'starts as root and switches user itself'],
    // daemons that chroot() themselves by default or in their packaged configuration (privilege
    // separation): chroot is in @mount, which a filter would deny (haproxy, avahi-daemon and vsftpd
    // failed to start in a booted container with ~@mount, session 27)
    [
        /^(avahi-daemon|vsftpd|haproxy|lldpd|master|postfix|postmulti|smtpd|dovecot|proftpd|pure-ftpd|bftpd|in\.ftpd|openntpd|ntpd|named|rsyncd|in\.tftpd|tftpd|atftpd|unbound|nsd|sshd)$/,
        // (as root: it keeps its identity and the capabilities to switch user, as those above)
        ['chroot', 'drops-privileges'],
        'chroots itself'
    ],
    // network daemons
    [
        /^(nginx|apache2|httpd|lighttpd|caddy|traefik|haproxy|envoy|varnishd|squid|squid3|sshd|dropbear|named|unbound|dnsmasq|pdns_server|pdns_recursor|knotd|kresd|coredns|nsd|cloudflared|ngrok|frpc|frps|tailscaled|headscale|zerotier-one|openvpn|wg-quick|charon|ipsec|strongswan|xl2tpd|pppd|postgres|postmaster|pg_ctlcluster|mysqld|mariadbd|mysqld_safe|mongod|mongos|redis-server|valkey-server|keydb-server|memcached|etcd|consul|nomad|vault|mosquitto|nats-server|prometheus|alertmanager|.*_exporter|grafana-server|grafana|influxd|telegraf|loki|promtail|chronyd|ntpd|ntpsec|openntpd|smbd|nmbd|winbindd|cupsd|cups-browsed|avahi-daemon|dhclient|dhcpd|dhcpcd|udhcpc|kea-.*|NetworkManager|systemd-networkd|systemd-resolved|systemd-timesyncd|vsftpd|proftpd|pure-ftpd|master|postfix|postmulti|exim4?|dovecot|opendkim|spamd|clamd|freshclam|transmission-daemon|syncthing|dockerd|containerd|kubelet|k3s|snmpd|slapd|krb5kdc|radiusd|freeradius|asterisk|murmurd|minidlna|jellyfin|plexmediaserver|apt-cacher-ng|tor|privoxy|i2pd|bitcoind|geth|ipfs|rpcbind|nfsd|sssd|nslcd|ypbind|xinetd|inetd|php-fpm[0-9.]*|gunicorn|uvicorn|uwsgi|puma|unicorn|kibana|elasticsearch|opensearch|rabbitmq-server|beam\.smp|kafka-server-start\.sh|zookeeper-server-start\.sh|cassandra|minio|gitea|forgejo|gitlab-.*|mattermost|rocketchat|nextcloud|wordpress|ntfy|home-assistant|hass|gns3server|qbittorrent-nox|deluged|sabnzbd|nzbget|sonarr|radarr|lidarr|prowlarr|jackett|wpa_supplicant|hostapd|iwd|connmand|ModemManager|tincd|vpnc|openconnect|fail2ban-server|crowdsec|zabbix_agentd|zabbix_server|netdata|collectd|nrpe|monit|datadog-agent|amazon-ssm-agent|google_guest_agent|waagent|cloud-init)$/,
        ['network'],
        'a network service'
    ],
    // manages interfaces, routes, firewall (netlink, CAP_NET_ADMIN)
    [
        /^(NetworkManager|systemd-networkd|wpa_supplicant|hostapd|iwd|connmand|dhclient|dhcpcd|udhcpc|ifup|ifdown|ifupdown|ip|tc|wg|wg-quick|openvpn|tailscaled|zerotier-one|charon|ipsec|strongswan|keepalived|bird|bird6|frr|zebra|bgpd|ospfd|tincd|vpnc|openconnect|pppd|ModemManager|nft|iptables|ip6tables|iptables-restore|ip6tables-restore|ebtables|ipset|ipvsadm|ipvsadm-restore|ufw|firewalld|fail2ban-server|netfilter-persistent|shorewall|crowdsec-firewall-bouncer|conntrackd|ethtool|brctl|vconfig|dockerd|containerd|libvirtd|lxd|incusd|avahi-daemon|systemd-resolved|dnsmasq|ntpd|ntpsec|named|smbd|nmbd|systemd-network-generator|systemd-networkd-wait-online)$/,
        ['netlink'],
        'manages or watches network interfaces'
    ],
    // getifaddrs() asks the kernel by netlink: a daemon that lists the interfaces needs AF_NETLINK
    // (unbound "getifaddrs: Address family not supported", node_exporter's netdev collector, in the
    // booted container, session 27; alertmanager's gossip looks for its address among them at every
    // start and exits without: "Failed to get interface addresses: route ip+net: netlinkrib", round 4;
    // consul and serf bind the same gossip library (memberlist, go-sockaddr) to 0.0.0.0 by default).
    // Round 5: radvd reads each interface's link-local address by getifaddrs() and otherwise sends no
    // advertisement at all, still active ("getifaddrs failed on v0", "interface is not ready", at its
    // debug level only); corosync finds which node of its nodelist it is by matching the addresses
    // against the interfaces, and exits without ("No valid name found for local host")
    [
        /^(node_exporter|prometheus-node-exporter|alertmanager|prometheus-alertmanager|consul|serf|zabbix_agentd|zabbix_agent2|netdata|collectd|telegraf|datadog-agent|glances|vnstatd|kea-dhcp4|kea-dhcp6|dhcpd|miniupnpd|mdns-repeater|unbound|minidlna|master|postfix|postmulti|lldpd|radvd|corosync)$/,
        ['netlink'],
        'lists the network interfaces'
    ],
    [
        /^(NetworkManager|systemd-networkd|wpa_supplicant|hostapd|iwd|connmand|dhclient|dhcpcd|udhcpc|ifup|ifdown|ip|tc|wg|wg-quick|openvpn|tailscaled|zerotier-one|charon|ipsec|strongswan|keepalived|bird|bird6|frr|zebra|bgpd|ospfd|tincd|vpnc|openconnect|pppd|nft|iptables|ip6tables|iptables-restore|ip6tables-restore|ebtables|ipset|ipvsadm|ipvsadm-restore|ufw|firewalld|fail2ban-server|netfilter-persistent|shorewall|crowdsec-firewall-bouncer|conntrackd|ethtool|brctl|vconfig|dockerd|containerd|libvirtd|lxd|incusd|systemd-network-generator|lldpd)$/,
        ['net-admin'],
        'configures interfaces, routes or the firewall'
    ],
    [
        /^(dhclient|dhcpcd|udhcpc|dhcpd|kea-dhcp4|kea-dhcp6|tcpdump|dumpcap|tshark|wireshark|arpwatch|lldpd|ladvd|hostapd|wpa_supplicant|NetworkManager|systemd-networkd|keepalived|snort|suricata|zeek|bro|p0f|arping|pppoe|pppd|ptp4l|dnsmasq|ndppd|darkstat|iftop|nethogs|vnstatd|ntopng|pmacctd|softflowd|fprobe|argus)$/,
        ['packet'],
        'uses raw packet sockets'
    ],
    // time
    [
        /^(chronyd|ntpd|ntpsec|ntpdate|openntpd|sntp|systemd-timesyncd|htpdate|ptp4l|phc2sys|timemaster|hwclock|adjtimex|chrony)$/,
        ['time'],
        'sets the clock'
    ],
    // kernel modules, tunables, logs
    [
        /^(modprobe|insmod|rmmod|depmod|kmod|systemd-modules-load|dkms|modules-load)$/,
        ['modules'],
        'loads kernel modules'
    ],
    // IPVS load balancers: keepalived's virtual_server and ipvsadm run modprobe ip_vs when the module
    // is not loaded (keepalived then logs "IPVS: Can't initialize ipvs" and balances nothing, its
    // VRRP still up). Round 5 ran keepalived's VRRP only: the host has no ip_vs (from the source)
    [/^(keepalived|ipvsadm|ipvsadm-restore)$/, ['modules'], 'loads ip_vs for its virtual servers'],
    [
        /^(sysctl|systemd-sysctl|tuned|tuned-ppd|power-profiles-daemon|irqbalance|cpupower|procps|ksmtuned|numad|thermald|kubelet|k3s|dockerd|libvirtd|NetworkManager|connmand|ifup|ifdown|ifupdown|rasdaemon|ras-mc-ctl)$/,
        ['sysctl'],
        'changes kernel tunables'
    ],
    // firewall front ends that apply kernel tunables with their rules: ufw-init runs `sysctl -e -p
    // /etc/ufw/sysctl.conf || true` at each start (no ICMP redirects, bogus ICMP errors ignored);
    // under ProtectKernelTunables= each key was "permission denied", under ProcSubset=pid sysctl -e
    // found no /proc/sys and said nothing, the unit active and the rules loaded both times (round 5).
    // shorewall writes IP_FORWARDING, ROUTE_FILTER and LOG_MARTIANS, firewalld turns forwarding on
    // for masquerading (from their documentation, not run)
    [
        /^(ufw|shorewall|shorewall6|shorewall-lite|firewalld)$/,
        ['sysctl'],
        'applies kernel tunables with its firewall rules'
    ],
    // radvd sets on each interface it advertises on the values it tells the hosts (AdvCurHopLimit, 64
    // by default; AdvLinkMTU, AdvReachableTime, AdvRetransTimer) through /proc/sys/net/ipv6: under
    // either drop-in v0's hop_limit stayed as it was, radvd active and advertising (round 5)
    [/^(radvd)$/, ['sysctl'], 'sets the interface values it advertises'],
    [
        /^(dmesg|klogd|rsyslogd|syslog-ng|syslogd|systemd-journald|journalbeat|fluent-bit|td-agent-bit)$/,
        ['kmsg'],
        'reads the kernel log'
    ],
    // containers, sandboxes, mounts
    [
        /^(dockerd|docker|containerd|containerd-shim.*|runc|crun|podman|conmon|buildkitd|buildah|lxc.*|lxd|incusd|systemd-nspawn|machinectl|bwrap|bubblewrap|flatpak|firejail|unshare|nsenter|kubelet|k3s|k0s|crio|snapd|libvirtd|virtqemud|firecracker|steam|distrobox|toolbox|gitlab-runner|Runner\.Listener|buildkite-agent|jenkins|act_runner|forgejo-runner)$/,
        ['containers'],
        'creates containers or namespaces'
    ],
    [
        /^(mount|umount|automount|autofs|sshfs|rclone|s3fs|gcsfuse|goofys|fusermount3?|mount\..*|glusterd|glusterfsd|ceph-.*|zfs|zpool|zed|lvm|vgchange|cryptsetup|udisksd|systemd-remount-fs|systemd-volatile-root|systemd-repart|systemd-growfs|snapd|e2scrub.*)$/,
        ['mount'],
        'mounts file systems'
    ],
    // (the kernel's NFS server resolves an export's path in the mount namespace of the rpc.mountd or
    // exportfs that hands it over, so ProtectSystem= there exports a read-only bind mount and
    // ProtectHome= hides /home; it serves in the network namespace of the rpc.nfsd that starts it,
    // which writes /proc/fs/nfsd, read-only under ProtectKernelTunables=; its state is /var/lib/nfs)
    [
        /^(rpc\.nfsd|rpc\.mountd|exportfs|nfsdcld|nfsdcltrack|fsidd|rpc\.idmapd|nfsidmap|rpc\.statd|sm-notify|rpc\.svcgssd|rpc\.gssd|blkmapd)$/,
        ['kernel-server', 'network'],
        "configures the kernel's NFS server"
    ],
    // (the same for the kernel's SMB server and its SCSI target (LIO), whose file backstores are
    // paths too)
    [
        /^(ksmbd\.mountd|ksmbd\.control|targetctl|targetcli|targetclid)$/,
        ['kernel-server', 'network'],
        'configures a file or block server in the kernel'
    ],
    // real time, host name, devices
    [
        /^(jackd|jackdbus|pipewire|pipewire-pulse|wireplumber|pulseaudio|rtkit-daemon|chronyd|ptp4l|phc2sys)$/,
        ['realtime'],
        'uses real-time scheduling'
    ],
    [
        /^(hostname|hostnamectl|systemd-hostnamed|cloud-init|NetworkManager|dhclient)$/,
        ['hostname'],
        'sets the host name'
    ],
    [
        /^(smartd|smartctl|hdparm|sdparm|fstrim|fsck.*|e2fsck|e2scrub.*|mdadm|mdmon|lvm|vgchange|multipathd|udevd|systemd-udevd|udevadm|nvme|sensors|fancontrol|ipmitool|ipmievd|dmidecode|cpupower|thermald|fwupd|bluetoothd|ModemManager|gpsd|pcscd|upower|upowerd|acpid|saned|lircd|Xorg|X|brltty|alsactl|pulseaudio|pipewire|plymouthd|loadkeys|setfont|setupcon|systemd-backlight|systemd-rfkill|systemd-vconsole-setup|rngd|tpm2-abrmd|tcsd|nvidia-persistenced|nvidia-.*|libvirtd|qemu.*|vmtoolsd|spice-vdagentd|hv_kvp_daemon|qemu-ga|agetty|getty|mingetty|mgetty|usbmuxd|ckb-next-daemon|openrgb|cups-browsed|cupsd|iio-sensor-proxy|bolt|boltd|zfs|zpool|zed|cryptsetup|systemd-cryptsetup|kmod|systemd-modules-load|systemd-fsck|systemd-quotacheck|quotaon|systemd-hibernate-resume|systemd-sleep|systemd-pstore|systemd-repart|systemd-growfs|systemd-random-seed|wpa_supplicant|hostapd|iwd|tailscaled|openvpn|wg-quick|zerotier-one|tincd|vpnc|openconnect)$/,
        ['devices'],
        'uses hardware devices'
    ],
    [
        /^(sudo|su|pkexec|newgrp|sg|passwd|chsh|chfn|crontab|at|fusermount3?|Xorg\.wrap|sendmail|mail|mailx|postdrop|unix_chkpwd|ssh-keysign|mount|umount)$/,
        ['setuid'],
        'runs setuid programs'
    ],
    [
        /^(dbus-daemon)$/,
        ['setuid'],
        'activates services through the setuid dbus-daemon-launch-helper'
    ],
    [
        /^(chown|chgrp|chmod|install|mkdir|setfacl|chattr|mknod|ln|cp|mv|rm|touch|tee|sed|useradd|adduser|groupadd)$/,
        ['setup-as-root'],
        'prepares files as root'
    ],
    [
        /^(wg-quick|resolvconf|netplan|ifup|ifdown|dhclient|dhclient-script|NetworkManager|systemd-resolved|cloud-init)$/,
        ['system-writer'],
        'rewrites network configuration (resolv.conf)'
    ],
    [
        /^(gdb|gdbserver|strace|ltrace|perf|valgrind|bpftrace|systemd-coredump|apport|abrtd|crash)$/,
        ['debug'],
        'traces processes'
    ],
    [
        /^(bpftool|bpftrace|cilium-agent|falco|tetragon|pixie|bcc.*|xdp-.*|scx_.*|below)$/,
        ['bpf'],
        'loads BPF programs'
    ],
    [
        /^(swapon|swapoff|mkswap|zramctl|systemd-zram-setup|zram-generator|dphys-swapfile)$/,
        ['swap'],
        'manages swap'
    ],
    [
        /^(reboot|poweroff|halt|shutdown|kexec|systemd-shutdown|systemd-reboot|systemd-sleep|systemd-hibernate.*)$/,
        ['reboot'],
        'reboots or suspends the machine'
    ],
    [
        /^(zabbix_agentd|zabbix_agent2|netdata|collectd|telegraf|node_exporter|process-exporter|datadog-agent|nrpe|monit|glances|htop|atop|atopacctd|psacct|sysstat|sadc|falco|auditd|osqueryd|wazuh-.*|ossec-.*|crowdsec|fail2ban-server|supervisord|pm2|systemd-oomd|earlyoom|atop\.daily|below)$/,
        ['monitor'],
        'watches other processes'
    ],
    [/^(auditd)$/, ['kmsg'], 'the audit daemon'],
    // (audit rules, the audit daemon's registration and the audit log come over an AF_NETLINK socket
    // and need CAP_AUDIT_CONTROL/CAP_AUDIT_READ: without them auditd cannot start)
    [
        /^(auditd|auditctl|augenrules|audispd|audisp-.*|auditbeat|go-audit|laurel)$/,
        ['audit', 'netlink'],
        'talks to the kernel audit subsystem'
    ],
    // a desk review of Debian 12's system daemons (session 28), each need from the daemon's source or
    // documentation: BlueZ's management interface is an AF_BLUETOOTH socket (bluetoothd exits
    // without it); open-iscsi's NETLINK_ISCSI; NFLOG and conntrack over NETLINK_NETFILTER with
    // CAP_NET_ADMIN; PTP hardware clocks (/dev/ptpN) and SIOCSHWTSTAMP (CAP_NET_ADMIN); md arrays
    // driven through /sys/block/mdX/md (mdmon unblocks writes there); kexec for crash dumps
    [
        /^(bluetoothd|bluealsa|btattach|obexd|bluetooth-meshd)$/,
        ['bluetooth'],
        'uses Bluetooth sockets'
    ],
    [/^(iscsid|iscsiadm|iscsistart|iscsiuio)$/, ['netlink'], 'iSCSI over NETLINK_ISCSI'],
    [/^(ulogd|conntrackd)$/, ['netlink', 'net-admin'], 'netfilter over NETLINK_NETFILTER'],
    [
        /^(ptp4l|phc2sys|timemaster|ts2phc)$/,
        ['devices', 'net-admin', 'packet', 'time'],
        'PTP hardware clocks and timestamps'
    ],
    [/^(mdadm|mdmon|mdcheck|checkarray)$/, ['sysctl', 'devices'], 'drives md arrays in /sys'],
    // (an init script as much as a task of unknown needs: what that keeps, and kexec's @reboot)
    [
        /^(kdump-tools|kdump-config|kexec)$/,
        [...MAY_CHANGE_ANYTHING, 'reboot'],
        'loads the crash kernel and reboots'
    ],
    // getifaddrs() for guest-network-get-interfaces, settimeofday() for guest-set-time
    [/^(qemu-ga)$/, ['netlink', 'time'], 'the QEMU guest agent'],
    // fanotify permission events need CAP_SYS_ADMIN (clamonacc exits without)
    [/^(clamonacc|fapolicyd)$/, ['fanotify', 'reads-everything'], 'fanotify access events'],
    // (a udev event reaches only a listener in the host's network namespace: systemd.exec(5),
    // PrivateNetwork=)
    [
        /^(multipathd|udisksd|upowerd|tuned|pcscd|thermald|usbguard-daemon|power-profiles-daemon|iio-sensor-proxy)$/,
        ['uevents', 'netlink'],
        'listens to udev events'
    ],
    [/^(udisksd|tuned)$/, ['devices'], 'opens devices'],
    [/^(virtlogd|virtlockd)$/, ['system-writer'], "keeps libvirt's logs and locks"],
    [/^(pacemakerd)$/, MAY_CHANGE_ANYTHING, 'runs cluster resource agents as root'],
    [/^(corosync)$/, ['system-writer', 'realtime'], 'cluster engine (real-time, root)'],
    // (usbguard-daemon.conf admits IPCAllowedUsers=root only: its D-Bus bridge as a dynamic user is
    // refused)
    [/^(usbguard-dbus)$/, ['root-client'], 'a client the usbguard daemon admits as root only'],
    // (the alert goes through sendmail, setgid in postfix and exim: no NoNewPrivileges=, and its queue
    // under /var/spool stays writable)
    [/^(mdadm|smartd|logwatch|logcheck|apticron)$/, ['sends-mail'], 'mails alerts via sendmail'],
    // seen on units in public repositories (the GitHub corpus in the README): programs whose needs a
    // drop-in broke when the engine did not know them
    [
        /^(cri-containerd|cri-dockerd|rke2|nomad)$/,
        ['containers', 'network'],
        'runs containers or other workloads'
    ],
    [
        /^(kube-proxy|flanneld|calico-node|sshuttle|ovs-vswitchd|ovs-ctl|ovn-controller)$/,
        ['network', 'netlink', 'net-admin'],
        'programs the firewall and routes'
    ],
    [
        /^(nebula|netbird|relaynode|mullvad-daemon|wireguard-go|boringtun|yggdrasil|cjdroute|vpnserver|vpnclient|vpnbridge|openfortivpn|ziti-edge-tunnel|tun2socks|nordvpnd|warp-svc|innernet|innernet-server|softetherd|edge)$/,
        ['network', 'netlink', 'net-admin', 'devices'],
        'creates a tunnel interface (/dev/net/tun, CAP_NET_ADMIN)'
    ],
    [
        /^(spotifyd|librespot|raspotify|mopidy|mpd|shairport-sync|snapclient|squeezelite|owntone|forked-daapd)$/,
        ['devices'],
        'plays audio (sound devices)'
    ],
    [
        /^(ceph-osd|ceph-volume|rbdmap|rbd|rbd-nbd|iscsid|iscsiadm|tgtd|nbd-client|drbdadm|stratisd|snapperd|snapper|btrfs|container-storage-setup|growpart|sgdisk|sfdisk|parted|resize2fs|xfs_growfs|wipefs|blkdeactivate|pvcreate|vgcreate|lvcreate|lvextend|losetup|kpartx|dmsetup)$/,
        ['devices', 'mount', 'system-writer'],
        'manages disks and block devices'
    ],
    [
        /^(puppet|chef-client|cinc-client|salt-minion|salt-call|ansible-pull|cf-agent|cf-execd|mgmt|cf-monitord|cf-serverd|fleetd|monit|openafs-client-systemd-helper\.sh)$/,
        MAY_CHANGE_ANYTHING,
        'configuration management (it may change anything)'
    ],
    [/^(code-server|jupyterhub|ttyd|gotty|shellinaboxd|wetty)$/, ['login'], 'gives users a shell'],
    // (vsftpd's local users: with ProtectHome=yes "500 OOPS: cannot change directory" in the booted
    // container, session 27; IMAP and SMB servers keep mail and shares there)
    [
        /^(vsftpd|proftpd|pure-ftpd|bftpd|in\.ftpd|ftpd|dovecot|smbd)$/,
        ['login'],
        'logs users in to their homes'
    ],
    // (a mail server's local delivery runs as the recipient, reads ~/.forward and may write ~/Maildir;
    // with their homes hidden a user's .forward is skipped and the mail stays on this host)
    [
        /^(master|postfix|postmulti|exim4?|sendmail|sendmail-mta|smtpd|opensmtpd)$/,
        ['home-write'],
        'local delivery: ~/.forward, ~/Maildir'
    ],
    [/^(spamd)$/, ['home-write'], 'keeps user preferences in ~/.spamassassin'],
    [
        // (not kill, pkill, killall: in ExecReload= and ExecStop= they signal the service itself)
        /^(earlyoom|nohang|oomd|systemd-oomd)$/,
        ['signals'],
        "signals other services' processes"
    ],
    [
        /^(borgmatic|rsnapshot|kopia|duplicacy|duplicati|bup|rdiff-backup|bareos-fd|urbackupclientbackend)$/,
        ['system-writer'],
        'backs up files from all over the system'
    ],
    [
        // (AppArmor's and SELinux's policies load through /sys/kernel/security and /sys/fs/selinux)
        /^(setsebool|semodule|restorecon|restorecond|fixfiles|load_policy|aa-enforce|apparmor_parser|apparmor\.systemd|lxc-apparmor-load)$/,
        ['system-writer', 'security-policy'],
        'changes the security policy'
    ],
    [/^(augenrules)$/, ['system-writer'], 'writes the audit rules in /etc/audit'],
    [
        /^(btuart|hciattach|cec-client|cec-ctl|rfkill|iw)$/,
        ['devices'],
        'configures hardware (Bluetooth, HDMI-CEC, radios)'
    ],
    [/^(rfkill|iw)$/, ['net-admin', 'netlink'], 'configures wireless interfaces'],
    [
        /^(octoprint|klippy|klippy\.py|kvmd.*|ser2net|rtl_433|rtl_tcp|dump1090.*|readsb|motion|mjpg_streamer|ustreamer|fswebcam|upsd|upsmon|upsdrvctl|usbhid-ups|nut-driver|zwave-js-server|cgminer|bfgminer|cdemu-daemon|cdemu-daemon-system\.sh|mcelog|actkbd|triggerhappy|thd|evrouter|keyd|kmonad|bluealsa|bluealsa-aplay)$/,
        ['devices'],
        'talks to hardware (serial ports, USB, cameras, radios, UPS)'
    ],
    // a second batch of repository units (README, "Fixes")
    [
        /^(waagent|WALinuxAgent|apt-setup|google_guest_agent|google_guest_agent_manager|google_osconfig_agent|google_metadata_script_runner|amazon-ssm-agent|ssm-agent-worker|cloud-init|oracle-cloud-agent)$/,
        [...MAY_CHANGE_ANYTHING, 'network'],
        // (it creates users, mounts disks, installs packages)
        'a cloud VM agent'
    ],
    [
        /^(amazon-cloudwatch-agent|start-amazon-cloudwatch-agent|cwagent-otel-collector|newrelic-infra|newrelic-infra-service|collectd|datadog-agent|filebeat|auditbeat|metricbeat|fluentd|td-agent|fluent-bit|td-agent-bit|promtail|otelcol|otelcol-contrib|splunkd|nxlog|lynis|rkhunter|chkrootkit|aide|tripwire|osqueryd|wazuh-.*|ossec-.*|atop|atop\.daily|atopacctd|below)$/,
        // (logs, other services' files, every process)
        ['reads-everything', 'monitor'],
        'reads the whole system'
    ],
    [
        /^(amazon-ecs-init|amazon-ecs-agent|amazon-ecs-volume-plugin|docker-compose|nerdctl|ctr)$/,
        ['containers'],
        'runs containers'
    ],
    [
        /^(swtpm|tpm_server|tpm2-abrmd|keylime_agent|dcgm-init|nv-hostengine|nvidia-smi)$/,
        ['devices'],
        'uses the TPM or the GPU'
    ],
    [
        /^scylla_.*$/,
        ['system-writer', 'devices', 'sysctl'],
        "one of ScyllaDB's scripts that tune the machine"
    ],
    [/^(teleport)$/, ['login', 'network'], 'gives users a shell'],
    [/^(salt-master|salt-api|salt-syndic)$/, ['etc-write'], 'keeps its keys in /etc/salt']
];
/** Where well-known programs keep their data (beyond /var/lib/NAME, /var/log/NAME, /var/cache/NAME). */
const KNOWN_PATHS = [
    [
        /^(postgres|postmaster|pg_ctl|pg_ctlcluster)$/,
        ['/var/lib/postgresql', '/var/log/postgresql', '/run/postgresql']
    ],
    // Debian's pgbouncer.ini logs to /var/log/postgresql and keeps its PID file in /run/postgresql
    // (strict's ProtectSystem= stopped it starting in the booted container, session 27)
    [/^(pgbouncer)$/, ['/var/log/postgresql', '/run/postgresql']],
    // (alertmanager's silences were lost at each restart under strict: Debian keeps them there)
    [/^(alertmanager|prometheus-alertmanager)$/, ['/var/lib/prometheus/alertmanager']],
    [/^(prometheus)$/, ['/var/lib/prometheus']],
    // Debian's knot-resolver keeps kresd's cache under the package's name (strict's ProtectSystem=
    // stopped it starting: "can't open cache path '/var/cache/knot-resolver'", round 4)
    [/^(kresd)$/, ['/var/cache/knot-resolver', '/var/lib/knot-resolver', '/run/knot-resolver']],
    [
        /^(mysqld|mariadbd|mysqld_safe|mariadbd-safe)$/,
        ['/var/lib/mysql', '/var/log/mysql', '/run/mysqld']
    ],
    [/^(redis-server)$/, ['/var/lib/redis', '/var/log/redis', '/run/redis']],
    [/^(valkey-server)$/, ['/var/lib/valkey', '/var/log/valkey', '/run/valkey']],
    [/^(mongod|mongos)$/, ['/var/lib/mongodb', '/var/log/mongodb']],
    [/^(nginx)$/, ['/var/log/nginx', '/var/lib/nginx', '/var/cache/nginx']],
    [
        /^(apache2|httpd)$/,
        [
            '/var/log/apache2',
            '/var/log/httpd',
            '/var/lib/apache2',
            '/var/cache/apache2',
            '/run/apache2',
            '/run/httpd'
        ]
    ],
    [/^(named)$/, ['/var/cache/bind', '/var/lib/bind', '/run/named']],
    [/^(dnsmasq)$/, ['/var/lib/misc']],
    [/^(squid|squid3)$/, ['/var/spool/squid', '/var/log/squid', '/var/cache/squid']],
    [/^(master|postfix|postmulti)$/, ['/var/spool/postfix', '/var/lib/postfix', '/var/mail']],
    [/^(dovecot)$/, ['/var/lib/dovecot', '/run/dovecot', '/var/mail']],
    [/^(auditd)$/, ['/var/log/audit']],
    [/^(rasdaemon)$/, ['/var/lib/rasdaemon']],
    [/^(bird)$/, ['/run/bird']],
    // (Debian's conntrackd.conf: LockFile /var/lock/conntrackd.lock, Path /var/run/conntrackd.sock;
    // ptp4l's uds_address /var/run/ptp4l, phc2sys's /var/run/phc2sys.PID)
    [/^(conntrackd|ptp4l|phc2sys|timemaster)$/, ['/run', '/run/lock']],
    [/^(tuned)$/, ['/etc/tuned', '/run/tuned', '/var/log/tuned']],
    [/^(mdadm|mdcheck|checkarray)$/, ['/var/lib/mdcheck', '/run/mdadm']],
    [/^(virtlogd|virtlockd)$/, ['/var/log/libvirt', '/run/libvirt']],
    [/^(corosync)$/, ['/var/log/corosync', '/var/lib/corosync']],
    [/^(chronyd)$/, ['/var/lib/chrony', '/var/log/chrony', '/run/chrony']],
    [/^(ntpd|ntpsec)$/, ['/var/lib/ntp', '/var/lib/ntpsec', '/var/log/ntpsec']],
    [
        /^(smbd|nmbd|winbindd)$/,
        ['/var/lib/samba', '/var/cache/samba', '/var/log/samba', '/run/samba']
    ],
    [/^(cron|crond)$/, ['/var/spool/cron']],
    // (and the log sockets Debian's haproxy and postfix have it create in their chroots: with
    // ProtectSystem=strict haproxy's log was lost in the booted container, session 27)
    [
        /^(rsyslogd|syslog-ng|syslogd)$/,
        [
            '/var/log',
            '/var/spool/rsyslog',
            '/var/lib/rsyslog',
            '/var/lib/haproxy/dev',
            '/var/spool/postfix/dev'
        ]
    ],
    [/^(mandb)$/, ['/var/cache/man']],
    [
        /^(elasticsearch|opensearch)$/,
        [
            '/var/lib/elasticsearch',
            '/var/log/elasticsearch',
            '/var/lib/opensearch',
            '/var/log/opensearch'
        ]
    ],
    [/^(rabbitmq-server|beam\.smp)$/, ['/var/lib/rabbitmq', '/var/log/rabbitmq']],
    [/^(grafana-server|grafana)$/, ['/var/lib/grafana', '/var/log/grafana']],
    [/^(jenkins)$/, ['/var/lib/jenkins', '/var/cache/jenkins', '/var/log/jenkins']],
    // (and its online configuration, cn=config, the default of Debian's and Red Hat's packages: an
    // ldapmodify of cn=config writes slapd.d, which under ProtectSystem=strict failed with "Other
    // (e.g., implementation specific) error (80)", slapd active and answering, round 5)
    [/^(slapd)$/, ['/var/lib/ldap', '/run/slapd', '/etc/ldap/slapd.d', '/etc/openldap/slapd.d']],
    // (Debian's logs are files in /var/log itself, which logrotate replaces: the directory, session 27)
    [/^(fail2ban-server)$/, ['/var/lib/fail2ban', '/run/fail2ban', '/var/log']],
    [/^(cupsd)$/, ['/var/spool/cups', '/var/cache/cups', '/var/log/cups', '/run/cups', '/etc/cups']],
    [/^(sshd)$/, ['/run/sshd']],
    [/^(snmpd)$/, ['/var/lib/snmp']],
    [/^(haproxy)$/, ['/run/haproxy']],
    [/^(php-fpm[0-9.]*|php\d*-fpm)$/, ['/run/php', '/var/log', '/var/lib/php']],
    [/^(munin-node)$/, ['/var/log/munin', '/var/lib/munin-node', '/run/munin']]
];
/** Program names too generic to name a data directory after. */
const GENERIC_NAMES = /^(sh|bash|dash|zsh|env|node|nodejs|java|python[0-9.]*|ruby|perl|php[0-9.]*|dotnet|true|false|sleep|exec|nice|sudo|su|runuser|start-stop-daemon|systemctl|service|run|start|main|app|server|daemon|bin|s6-.*)$/;
const traitCache = new Map();
/**
 * Which of a list of patterns a name matches (their indexes, in list order). A pattern of the form
 * ^(a|b|c)$ without flags is taken apart: its plain-name alternatives are looked up in one Map and
 * only the others stay regular expressions, small ones, compiled when first needed (compiling one
 * alternation of every name cost several milliseconds at the first suggestion of every run).
 */
function patternMatcher(patterns) {
    const literal = new Map();
    /** the alternatives of each pattern that are not plain names, as one pattern source */
    const wildcards = [];
    /** patterns of another form, tested as they are */
    const whole = [];
    patterns.forEach((pattern, index) => {
        const alternatives = topAlternatives(pattern);
        if (alternatives === undefined) {
            whole.push({ index, regex: pattern });
            return;
        }
        const rest = [];
        for (const alternative of alternatives) {
            if (!PLAIN_ALTERNATIVE.test(alternative)) {
                rest.push(alternative);
                continue;
            }
            const name = alternative.replace(/\\\./g, '.');
            const indexes = literal.get(name);
            if (indexes === undefined)
                literal.set(name, [index]);
            else if (indexes.at(-1) !== index)
                indexes.push(index);
        }
        if (rest.length)
            wildcards.push({ index, source: `^(?:${rest.join('|')})$` });
    });
    let anyWildcard;
    return (name) => {
        const matched = [...(literal.get(name) ?? [])];
        // one test of every wildcard alternative together tells whether any can match
        anyWildcard ??= new RegExp(wildcards.map((w) => `(?:${w.source})`).join('|') || '(?!)');
        if (anyWildcard.test(name)) {
            for (const w of wildcards)
                if ((w.regex ??= new RegExp(w.source)).test(name))
                    matched.push(w.index);
        }
        for (const w of whole)
            if (w.regex.test(name))
                matched.push(w.index);
        return matched.length > 1 ? [...new Set(matched)].sort((a, b) => a - b) : matched;
    };
}
/** Letters, digits, '_', '-' and escaped dots: an alternative that matches one name only. */
const PLAIN_ALTERNATIVE = /^(?:[A-Za-z0-9_-]|\\\.)+$/;
/** The alternatives of a ^(a|b|c)$ pattern without flags; undefined for any other form. */
function topAlternatives(pattern) {
    const source = pattern.source;
    if (pattern.flags !== '' || !source.startsWith('^(') || !source.endsWith(')$'))
        return undefined;
    // the group opened after ^ closes right before $; no backreference (numbers change)
    if (/\\[1-9k]/.test(source) || groupEnd(source, 1) !== source.length - 2)
        return undefined;
    const alternatives = [];
    let from = 2;
    eachStructural(source, 2, source.length - 2, (i, c, depth) => {
        if (c === '|' && depth === 0) {
            alternatives.push(source.slice(from, i));
            from = i + 1;
        }
        return false;
    });
    alternatives.push(source.slice(from, source.length - 2));
    return alternatives;
}
/** Where the group that opens at `start` closes in a pattern's source (-1: never). */
function groupEnd(source, start) {
    return eachStructural(source, start, source.length, (_, c, depth) => c === ')' && depth === 0);
}
/**
 * Visits the characters of a pattern's source from `from` to `to` that are neither escaped nor in
 * a character class, with the group depth after each; returns where `visit` said stop (-1: never).
 */
function eachStructural(source, from, to, visit) {
    let depth = 0;
    let inClass = false;
    for (let i = from; i < to; i++) {
        const c = source[i];
        if (c === '\\') {
            i++;
            continue;
        }
        if (inClass) {
            inClass = c !== ']';
            continue;
        }
        if (c === '[')
            inClass = true;
        else if (c === '(')
            depth++;
        else if (c === ')')
            depth--;
        if (visit(i, c, depth))
            return i;
    }
    return -1;
}
// built at the first suggestion, not at every start
let programMatcher;
let knownPathsMatcher;
const matchPrograms = (name) => (programMatcher ??= patternMatcher(PROGRAMS.map(([pattern]) => pattern)))(name);
const matchKnownPaths = (name) => (knownPathsMatcher ??= patternMatcher(KNOWN_PATHS.map(([pattern]) => pattern)))(name);
const knownPathsCache = new Map();
/** Where a program of this name keeps its data (KNOWN_PATHS). */
function knownPaths(program) {
    const cached = knownPathsCache.get(program);
    if (cached)
        return cached;
    const out = [];
    for (const index of matchKnownPaths(program))
        out.push(...KNOWN_PATHS[index][1]);
    if (knownPathsCache.size < 10000)
        knownPathsCache.set(program, out);
    return out;
}
/** The names a StateDirectory=-like directive's lines declare. */
function directoryNames(lines) {
    const names = [];
    for (const line of lines ?? [])
        for (const name of line.split(/\s+/))
            if (name)
                names.push(name);
    return names;
}
/**
 * The recorded directives with one shape for every unit (every RECORDED_DIRECTIVES key, in its
 * order), so that reading them by name stays fast whatever order a unit set them in.
 */
function recordedView(recorded) {
    const view = { ...RECORDED_SHAPE };
    for (const key in recorded)
        view[key] = recorded[key];
    return view;
}
const RECORDED_SHAPE = Object.fromEntries(Object.keys(RECORDED_DIRECTIVES).map((key) => [key, undefined]));
/**
 * Why the unit is for a user's service manager, if it is: systemd's directory says so, or a sign in
 * its path that the unit does not contradict (a user unit sets no User= and no DynamicUser=; one
 * named like foo-user.service is also installed into default.target), or a target only user
 * managers have.
 */
function userManagerEvidence(scope, s, rec) {
    if (scope?.scope === 'system')
        return undefined;
    if (scope !== undefined && !scope.weak)
        return scope.evidence;
    const ownUser = s.user === undefined && !s.dynamicUser;
    if (scope !== undefined && ownUser) {
        if (!scope.byName)
            return `${scope.evidence}; it sets no User=`;
        if ((rec.WantedBy ?? []).some((line) => /(^|\s)default\.target(\s|$)/.test(line))) {
            return `${scope.evidence}; WantedBy=default.target, no User=`;
        }
    }
    for (const key of ['After', 'Wants', 'Requires', 'BindsTo', 'PartOf', 'WantedBy']) {
        const line = rec[key]?.find((value) => USER_ONLY_TARGETS.test(value));
        if (line !== undefined) {
            const target = USER_ONLY_TARGETS.exec(line)[2];
            return `${key}=${target}.target: only user managers have it`;
        }
    }
    return undefined;
}
/** Words that name hardware a service drives (cameras, fans, GPIO pins, buses, sensors, the TPM). */
const HARDWARE_WORD = /^(camera|cam|webcam|[a-z]+cam|oled|lcd|i2c|spi|uart|serial|gps|sdr|zigbee[a-z0-9]*|zwave[a-z0-9]*|modbus|thermostat|ds18b20|dht(11|22)|bm[ep]280|hdmi[a-z0-9]*|v4l2?[a-z0-9]*|uvc|tpm[0-9]*|sensors?)$/;
/** Of those, pins driven through /sys (GPIO, PWM): /sys must stay writable too. */
const PIN_WORD = /^((pi)?fans?|gpio[a-z0-9]*|pwm|servo|buzzer|leds?|neopixels?|ws281x)$/;
/** The first hardware word in a name or text (split at anything but letters and digits). */
function hardwareWord(text, where) {
    for (const word of text
        .toLowerCase()
        .slice(0, 200)
        .split(/[^a-z0-9]+/)) {
        const pins = PIN_WORD.test(word);
        if (pins || HARDWARE_WORD.test(word)) {
            return { evidence: `${where} says ${word}: it drives hardware`, pins };
        }
    }
    return undefined;
}
/** The traits a program name implies, with what the evidence should say. */
function programTraits(base) {
    const cached = traitCache.get(base);
    if (cached)
        return cached;
    const out = [];
    if (traitCache.size < 10000)
        traitCache.set(base, out);
    for (const index of matchPrograms(base)) {
        const [, traits, what] = PROGRAMS[index];
        for (const trait of traits)
            out.push([trait, `${base}${what ? ` (${what})` : ''}`]);
    }
    return out;
}
// ---------------------------------------------------------------------------------------------------
// reading commands, environment, ports and paths
const EXEC_PREFIX = /^[-@:+!]+/;
/** Splits an Exec*= line into commands (';' separated), with systemd's quoting rules. */
function splitCommands(line, directive) {
    const commands = [];
    let position = 0;
    let argv = [];
    let unsandboxed = false;
    let elevated = false;
    for (;;) {
        const next = extractFirstWord(line, position, { unquote: true, cunescape: true });
        if (next === undefined || 'error' in next)
            break;
        position = next.next;
        if (next.word === ';') {
            if (argv.length)
                commands.push({ argv, directive, unsandboxed, elevated });
            argv = [];
            unsandboxed = false;
            elevated = false;
            continue;
        }
        if (argv.length === 0) {
            const prefix = EXEC_PREFIX.exec(next.word)?.[0] ?? '';
            unsandboxed = prefix.includes('+');
            // '!!' ran as root only on kernels without ambient capabilities (none since 4.3; gone in 258)
            elevated = prefix.includes('!') && !prefix.includes('!!');
            argv.push(next.word.slice(prefix.length));
            // '@' means the next word is argv[0]: the path stays what runs.
            if (prefix.includes('@')) {
                const skip = extractFirstWord(line, position, { unquote: true, cunescape: true });
                if (skip !== undefined && !('error' in skip))
                    position = skip.next;
            }
        }
        else {
            argv.push(next.word);
        }
    }
    if (argv.length)
        commands.push({ argv, directive, unsandboxed, elevated });
    return commands;
}
const basename = (path) => path.slice(path.lastIndexOf('/') + 1);
const SHELLS = /^(sh|bash|dash|zsh|ksh|mksh|ash)$/;
/**
 * The command string of `sh -c STRING` (also `bash -euo pipefail -c`, `sh -ec`, `busybox sh -c`), or
 * undefined when the command is not a shell running one.
 */
function shellScriptOf(argv) {
    let i = 1;
    if (basename(argv[0] ?? '') === 'busybox' && SHELLS.test(argv[1] ?? ''))
        i = 2;
    else if (!SHELLS.test(basename(argv[0] ?? '')))
        return undefined;
    let command = false;
    for (; i < argv.length; i++) {
        const word = argv[i];
        if (word === '--' || word === '-')
            continue;
        if (/^[-+]-?[A-Za-z]/.test(word)) {
            if (word.startsWith('--'))
                continue; // --norc, --login ...
            if (word.slice(1).includes('c'))
                command = true;
            if (word.slice(1).includes('o'))
                i++; // -o OPTION, -euo pipefail
            continue;
        }
        return command ? word : undefined;
    }
    return undefined;
}
/** How much of a `sh -c` script the profile reads. */
const SCRIPT_LIMIT = 16 * 1024;
/** Shell words that start a command without being its program. */
const SHELL_KEYWORDS = /^(exec|command|builtin|time|!|then|do|else|elif|if|while|until|fi|done|esac|in|\{|\})$/;
/**
 * The simple commands of a shell script, roughly: split at ; & | ( ) ` $( and newlines, quotes
 * dropped, keywords and leading assignments skipped, redirections kept as their target (a command
 * that writes `> /sys/...` shows the path). Enough to see which programs it runs and which paths it
 * names; variables stay as written. Linear in the script's length.
 */
function scriptCommands(script) {
    const commands = [];
    for (const segment of script.split(/[;&|()`\n]|\$\(/)) {
        const argv = [];
        for (const raw of segment.split(/\s+/)) {
            // a redirection's target stays as a word of its own ('2>/dev/null' -> '/dev/null')
            const word = raw.replace(/^\d*[<>]+/, '').replace(/["']/g, '');
            if (word === '')
                continue;
            if (argv.length === 0 && (SHELL_KEYWORDS.test(word) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(word)))
                continue;
            argv.push(word);
        }
        if (argv.length)
            commands.push(argv);
    }
    return commands;
}
/** Programs that run a script or module named after them (python3 app.py, java -jar app.jar). */
const INTERPRETERS = /^(python[0-9.]*|node|nodejs|ruby|perl|php[0-9.]*|java|bash|sh|dash|deno|bun)$/;
/**
 * Where the words after an interpreter (from argv[start]) name what it runs: the word after -m or
 * -jar, else the first that is no option; none at -c (code follows).
 */
function interpretedIndex(argv, start) {
    for (let i = start; i < argv.length; i++) {
        const word = argv[i];
        if ((word === '-m' || word === '-jar') && argv[i + 1])
            return i + 1;
        if (word === '-c')
            return undefined;
        if (!word.startsWith('-'))
            return i;
    }
    return undefined;
}
/** The script file an interpreter runs (python3 -u /home/pi/app.py), if argv starts with one. */
function scriptOf(argv) {
    if (!INTERPRETERS.test(basename(argv[0] ?? '')))
        return undefined;
    const index = interpretedIndex(argv, 1);
    // a module name (-m) or code (-e) is no file
    if (index === undefined || argv[index - 1] === '-m' || argv[index - 1] === '-e')
        return undefined;
    return argv[index];
}
/** Daemons that listen on a port below 1024 unless configured otherwise, by that port. */
const DEFAULT_PORTS = new Map([
    [21, 'vsftpd proftpd pure-ftpd bftpd in.ftpd'],
    [22, 'sshd dropbear'],
    [25, 'master postfix postmulti smtpd exim exim4 sendmail'],
    [53, 'named unbound dnsmasq nsd knotd kresd coredns pdns_server pdns_recursor dnsdist'],
    [67, 'dhcpd kea-dhcp4'],
    [69, 'in.tftpd tftpd atftpd'],
    [80, 'nginx apache2 httpd lighttpd caddy traefik h2o'],
    [88, 'krb5kdc'],
    [111, 'rpcbind'],
    [123, 'ntpd ntpsec openntpd chronyd'],
    [137, 'nmbd'],
    [143, 'dovecot'],
    [161, 'snmpd'],
    [389, 'slapd'],
    [445, 'smbd'],
    [631, 'cupsd'],
    [873, 'rsyncd']
].flatMap(([port, names]) => names.split(' ').map((name) => [name, port])));
/** Directory names that say nothing of the program below them. */
const GENERIC_DIRECTORIES = new Set([
    'usr',
    'local',
    'share',
    'lib',
    'lib64',
    'libexec',
    'bin',
    'sbin',
    'opt',
    'etc',
    'scripts',
    'script',
    'helpers',
    'init.d'
]);
/** The innermost directory of a program's path named after a program the table knows. */
function daemonDirectoryOf(program) {
    const parts = program.split('/').slice(0, -1).reverse();
    return parts.find((p) => p !== '' && !GENERIC_DIRECTORIES.has(p) && programTraits(p).length > 0);
}
/** The program names a command runs: argv0, and what an interpreter or wrapper starts. */
function programsOf(argv) {
    const names = [];
    const first = basename(argv[0] ?? '');
    if (first)
        names.push(first);
    // a helper in a daemon's own directory runs that daemon (Debian's
    // /usr/share/dnsmasq/systemd-helper, /usr/share/memcached/scripts/systemd-memcached-wrapper:
    // both failed as a dynamic user in a booted container, session 27)
    if (first && programTraits(first).length === 0) {
        const owner = daemonDirectoryOf(argv[0]);
        if (owner !== undefined)
            names.push(owner);
    }
    // options of wrappers that take a value
    const withValue = /^-(u|g|n|c|s|p|t|k|U|G)$|^--(user|group|uid|gid|chuid|adjustment|signal|kill-after|reuid|regid|groups|pidfile|make-pidfile|name)$/;
    if (first === 'start-stop-daemon') {
        const exec = argv.findIndex((w) => w === '--exec' || w === '-x' || w === '--startas' || w === '-a');
        if (exec >= 0 && argv[exec + 1])
            names.push(basename(argv[exec + 1]));
    }
    else if (/^(env|nice|ionice|nohup|setsid|timeout|stdbuf|chpst|sudo|runuser|setpriv|gosu|su-exec|s6-setuidgid|dumb-init|tini|catatonit|systemd-cat|flock|chrt|taskset|numactl|unbuffer)$/.test(first)) {
        // gosu USER prog, su-exec USER prog, s6-setuidgid USER prog: the first plain word is the user
        let skipUser = /^(gosu|su-exec|s6-setuidgid)$/.test(first);
        // timeout DURATION prog, flock FILE prog, taskset MASK prog, chrt PRIO prog
        let skipOne = /^(timeout|flock|taskset|chrt)$/.test(first);
        for (let i = 1; i < argv.length; i++) {
            const word = argv[i];
            if (word === '--')
                continue;
            if (word.startsWith('-')) {
                if (withValue.test(word))
                    i++;
                continue;
            }
            if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(word))
                continue;
            if (skipUser) {
                skipUser = false;
                continue;
            }
            if (skipOne) {
                skipOne = false;
                continue;
            }
            names.push(basename(word));
            break;
        }
    }
    // an interpreter running a named script or module
    const last = names[names.length - 1] ?? '';
    if (INTERPRETERS.test(last)) {
        const index = interpretedIndex(argv, argv.findIndex((w) => basename(w) === last) + 1);
        if (index !== undefined)
            names.push(basename(argv[index]));
    }
    return names.filter((n) => n !== '');
}
const LOCAL_HOST = /^(127\.[0-9.]+|localhost|\[?::1\]?|ip6-localhost)$/;
/** host:port or [v6]:port inside a word; port alone after a port-ish flag. */
function portsInWord(word, where, hits) {
    const re = /(?:^|[=\s,;/])(\[[0-9a-fA-F:.]*\]|[A-Za-z0-9.*-]*):(\d{1,5})(?=$|[/\s,;])/g;
    let m;
    while ((m = re.exec(word)) !== null) {
        const host = m[1];
        const port = Number(m[2]);
        // not a time (12:30) or a ratio: a host part that is empty, an address or a name
        if (port === 0 || port > 65535)
            continue;
        if (/^[0-9]{1,2}$/.test(host))
            continue;
        if (/^[a-z]+$/i.test(host) && !/^(localhost|any|all)$/i.test(host) && /:\/\//.test(word))
            continue;
        if (word.includes('://'))
            continue;
        hits.push({
            port,
            evidence: `${where} ${safeText(word, 50)}`,
            local: LOCAL_HOST.test(host.replace(/^\[|\]$/g, ''))
        });
    }
}
const PORT_FLAG = /^-{1,2}([a-z0-9-]*port|p|listen|bind|addr|address|http|https|web\.listen-address|listen-address|http-addr)$/i;
const PORT_FLAG_INLINE = /^-{1,2}([a-z0-9.-]*(port|listen|bind|addr|address))=(.+)$/i;
function portsInArgv(argv, where, hits) {
    for (let i = 1; i < argv.length; i++) {
        const word = argv[i];
        const inline = PORT_FLAG_INLINE.exec(word);
        if (inline) {
            const value = inline[3];
            if (/^\d{1,5}$/.test(value)) {
                const port = Number(value);
                if (port > 0 && port <= 65535)
                    hits.push({ port, evidence: `${where} ${safeText(word, 50)}`, local: false });
            }
            else {
                portsInWord(`=${value}`, where, hits);
            }
            continue;
        }
        if (PORT_FLAG.test(word) && i + 1 < argv.length) {
            const value = argv[i + 1];
            if (/^\d{1,5}$/.test(value)) {
                const port = Number(value);
                if (port > 0 && port <= 65535) {
                    hits.push({
                        port,
                        evidence: `${where} ${safeText(`${word} ${value}`, 50)}`,
                        local: false
                    });
                }
                i++;
                continue;
            }
        }
        portsInWord(word, where, hits);
    }
}
/** KEY=VALUE pairs of Environment= lines (quotes removed, later ones win). */
function environmentOf(lines) {
    const env = new Map();
    for (const line of lines) {
        for (const word of extractWords(line, { unquote: true }).words) {
            const eq = word.indexOf('=');
            if (eq > 0)
                env.set(word.slice(0, eq), word.slice(eq + 1));
        }
    }
    return env;
}
const WRITE_FLAG = /(log|data|dir|db|database|state|cache|spool|pid|store|storage|var|lib|output|out|socket|sock|tmp|temp|upload|work|home|queue|journal|wal|backup|dump|save|record|persist)/i;
const WRITE_PREFIXES = [
    '/var/lib/',
    '/var/log/',
    '/var/cache/',
    '/var/spool/',
    '/var/tmp/',
    '/var/www/',
    '/run/',
    '/var/run/',
    '/srv/',
    '/data/',
    '/mnt/',
    '/media/',
    '/var/opt/',
    '/var/backups/',
    '/var/mail/'
];
const FILE_EXTENSION = /\.(pid|log|sock|socket|db|sqlite3?|lock|json|txt|out|err|csv|dat|state|journal)$/i;
/** something in a user's home directory, not the directory itself */
const HOME_ENTRY = /^\/(home\/[^/]+|root)\/./;
/** files a service reads and does not write: configuration, keys, programs */
const READ_FILE = /\.(conf|cfg|cnf|ini|ya?ml|toml|xml|properties|env|pem|crt|cert|key|pub|p12|jks|js|mjs|cjs|py|sh|rb|pl|php|jar|war|so|bin|x86_64|exe)$/i;
function normalisePath(path) {
    let p = path.replace(/\/+/g, '/');
    if (p.length > 1 && p.endsWith('/'))
        p = p.slice(0, -1);
    if (p === '/var/run' || p.startsWith('/var/run/'))
        p = '/run' + p.slice('/var/run'.length);
    if (p === '/var/lock' || p.startsWith('/var/lock/'))
        p = '/run/lock' + p.slice('/var/lock'.length);
    return p;
}
/** Absolute paths inside a word (a=/x, --flag=/x, /x:/y). */
function pathsInWord(word) {
    const out = [];
    for (const part of word.split(/[=:,]/)) {
        if (part.startsWith('/') && part.length > 1)
            out.push(part);
    }
    return out;
}
// ---------------------------------------------------------------------------------------------------
/** A command that runs a SysV init script (/etc/init.d/NAME, Red Hat's /etc/rc.d/init.d/NAME). */
const runsInitScript = (c) => /^\/etc\/(rc\.d\/)?init\.d\/./.test(c.argv[0] ?? '');
/** The needs of a loaded service. `sockets`: the socket units that activate it, if any. */
function buildProfile(loaded, unit, sockets = [], scope) {
    // (one shape for every unit's settings and recorded directives: see shapedSettings)
    const s = shapedSettings(loaded.settings);
    const rec = recordedView(s.recorded);
    const traits = new Map();
    const note = (trait, evidence) => {
        if (!traits.has(trait))
            traits.set(trait, safeText(evidence));
    };
    const runsAsRoot = settingsRunPrivileged(s);
    // commands
    const commands = [];
    const addCommands = (line, directive) => {
        for (const command of splitCommands(line, directive)) {
            commands.push(command);
            // what `sh -c '...'` runs counts as run by the same directive
            const script = shellScriptOf(command.argv);
            if (script === undefined)
                continue;
            // (a real one is short: a hostile one of 100,000s of commands costs no more than its start)
            for (const argv of scriptCommands(script.slice(0, SCRIPT_LIMIT)).slice(0, 64))
                commands.push({ ...command, argv });
        }
    };
    for (const line of s.execStartLines)
        addCommands(line, 'ExecStart');
    for (const directive of [
        'ExecStartPre',
        'ExecStartPost',
        'ExecCondition',
        'ExecReload',
        'ExecStop',
        'ExecStopPost'
    ]) {
        for (const line of rec[directive] ?? [])
            addCommands(line, directive);
    }
    const programs = [];
    /** sandboxed commands whose program the table knows for more than being a script or a setup step */
    const knownCommands = new Set();
    /** the first daemon with a default port below 1024 that a sandboxed ExecStart= runs */
    let defaultPortProgram;
    for (const command of commands) {
        for (const name of programsOf(command.argv)) {
            if (!programs.includes(name))
                programs.push(name);
            // '+' commands run outside the sandbox: what they do needs no exception
            if (command.unsandboxed)
                continue;
            if (command.directive === 'ExecStart' && DEFAULT_PORTS.has(name))
                defaultPortProgram ??= name;
            if (command.elevated)
                note('drops-privileges', `${command.directive}=! runs ${name} as root, which changes credentials itself`);
            for (const [trait, evidence] of programTraits(name)) {
                if (trait !== 'script' && trait !== 'setup-as-root')
                    knownCommands.add(command);
                // a root-only setup step matters only while the service is started as root
                if (trait === 'setup-as-root' && command.directive === 'ExecStart')
                    continue;
                // a shell in ExecStartPre says little about the main program
                if (trait === 'script' && command.directive !== 'ExecStart')
                    continue;
                note(trait, `${command.directive} runs ${evidence}`);
            }
        }
    }
    // An init script's stop and start-stop-daemon --exec find the daemon in /proc by its program
    // (/proc/PID/exe): once it has switched to its own user, root reads that link only with
    // CAP_SYS_PTRACE, the stop finds nothing and the daemon stays running. slapd (Debian 12 has an
    // init script only; the generated unit has KillMode=process) then failed its next start with
    // "bind(8) failed errno=98 (Address already in use)", round 5. (By --pidfile alone, as nginx's
    // ExecStop=, or by name, as pkill and pidof: /proc/PID/stat, which anyone reads.)
    const sandboxedArgs = commands.filter((c) => !c.unsandboxed);
    if (traits.has('drops-privileges')) {
        const finder = sandboxedArgs.find((c) => (c.directive === 'ExecStop' || c.directive === 'ExecReload') &&
            (runsInitScript(c) ||
                (basename(c.argv[0] ?? '') === 'start-stop-daemon' &&
                    c.argv.some((w) => /^(--exec|-x)(=|$)/.test(w)))));
        if (finder !== undefined)
            note('finds-process', `${finder.directive} runs ${basename(finder.argv[0] ?? '')}, which finds the daemon by /proc/PID/exe after it switched user`);
    }
    // A one-shot or early-boot task that runs as root a program the table does not know (a setup script,
    // say: these were most of the drop-ins that broke a service in public repositories): what it
    // changes is not in the unit, so it keeps its identity, the file system, the devices, /sys and
    // netlink (interfaces, rfkill).
    // A SysV init script run by its generated unit (or a unit written like one) is such a program too:
    // what it starts, as whom and where it writes is in the script (runtime round 5: the unknown
    // script got DynamicUser=yes and an empty bounding set).
    const settings = loaded.settings;
    const initScript = sandboxedArgs.find((c) => c.directive === 'ExecStart' && runsInitScript(c));
    if (runsAsRoot &&
        (settings.type === 'oneshot' || !settings.defaultDependencies || initScript !== undefined)) {
        // (a unit whose ExecStart= does nothing, such as a one-shot with only ExecStop=, by what it
        // does run; one that runs nothing but `true` or `sleep` has no needs to keep)
        const doing = sandboxedArgs.filter((c) => !/^(true|false|sleep|echo|:)$/.test(basename(c.argv[0] ?? '')));
        const starts = doing.filter((c) => c.directive === 'ExecStart');
        const main = starts.length ? starts : doing;
        const known = main.some((c) => knownCommands.has(c));
        const program = main[0] ? basename(main[0].argv[0] ?? '') : '';
        if (!known && program !== '') {
            const evidence = initScript
                ? `${program} is an init script run as root: what it starts is not in the unit`
                : settings.defaultDependencies
                    ? `Type=oneshot: ${program} runs as root, a task of unknown needs`
                    : `DefaultDependencies=no: ${program} runs as root in early boot`;
            for (const trait of ['system-writer', 'devices', 'mount', 'sysctl', 'netlink'])
                note(trait, evidence);
        }
    }
    const standardInput = rec.StandardInput?.at(-1);
    if (standardInput?.startsWith('tty'))
        note('login', `StandardInput=${standardInput}: an interactive console session`);
    // A unit named for a piece of hardware (camera.service, a fan controller, Description=GPIO
    // buttons): small repositories hold many, and a private /dev or a dynamic user breaks them.
    const hardware = hardwareWord(unit.prefix, 'its name') ??
        hardwareWord(rec.Description?.at(-1) ?? '', 'its Description=') ??
        programs.map((p) => hardwareWord(p, 'the program')).find((w) => w !== undefined);
    if (hardware !== undefined) {
        note('devices', hardware.evidence);
        if (hardware.pins)
            note('sysctl', hardware.evidence);
    }
    const allWords = [];
    for (const command of sandboxedArgs)
        for (const word of command.argv)
            allWords.push(word);
    if (allWords.some((w) => /\$\{?[A-Za-z_]/.test(w))) {
        note('unknown-options', 'the command line takes options from environment variables');
    }
    if (allWords.some((w) => /^\/(proc\/sys|sys)(\/|$)/.test(w)))
        note('sysctl', 'a command writes /proc/sys or /sys');
    if (allWords.some((w) => /^\/(dev\/kmsg|proc\/kmsg)$/.test(w)))
        note('kmsg', 'a command reads the kernel log');
    if (rec.Sockets?.length)
        note('network', `Sockets=${rec.Sockets.join(' ')}`);
    // environment
    const env = environmentOf(rec.Environment ?? []);
    const environmentFiles = [];
    for (const line of rec.EnvironmentFile ?? []) {
        for (const word of extractWords(line, { unquote: true }).words)
            environmentFiles.push(word.replace(/^-/, ''));
    }
    // ports: companion sockets, arguments, environment
    const ports = [];
    for (const socket of sockets) {
        // its file name: it lies beside the unit, and a reason that quotes it is cut at 70 characters
        // (a path from the working directory left "port 69 (units/some/deeper/dir/x.socket: Liste...")
        const socketName = safeText(socket.main.path.slice(socket.main.path.lastIndexOf('/') + 1), 40);
        // what it listens on once its drop-ins are read: an empty Listen*= drops all before it
        let listens = [];
        for (const file of [socket.main, ...socket.dropIns]) {
            if (!file.bytes)
                continue;
            for (const a of parseUnitText(file.bytes, ['Unit', 'Socket', 'Install']).assignments) {
                if (a.section !== 'Socket' || !/^Listen[A-Z]/.test(a.key))
                    continue;
                if (a.value.trim() === '')
                    listens = [];
                else
                    listens.push({ key: a.key, value: a.value });
            }
        }
        for (const { key, value } of listens) {
            if (/^Listen(Stream|Datagram|SequentialPacket)$/.test(key)) {
                const v = value.trim();
                if (v.startsWith('/') || v.startsWith('@'))
                    continue; // AF_UNIX socket
                const m = /(?:^|:)(\d{1,5})$/.exec(v);
                if (m) {
                    const port = Number(m[1]);
                    const host = v
                        .slice(0, v.length - m[1].length)
                        .replace(/:$/, '')
                        .replace(/^\[|\]$/g, '');
                    ports.push({
                        port,
                        evidence: `${socketName}: ${key}=${safeText(v, 40)}`,
                        local: LOCAL_HOST.test(host),
                        bySocket: true
                    });
                }
                note('network', `${socketName}: ${key}=${safeText(v, 40)}`);
            }
            else if (key === 'ListenNetlink') {
                note('netlink', `${socketName}: ListenNetlink=${safeText(value, 40)}`);
            }
        }
    }
    for (const command of sandboxedArgs)
        portsInArgv(command.argv, command.directive, ports);
    for (const [key, value] of env) {
        if (/PORT/i.test(key) && /^\d{1,5}$/.test(value)) {
            const port = Number(value);
            if (port > 0 && port <= 65535)
                ports.push({
                    port,
                    evidence: `Environment=${safeText(`${key}=${value}`, 40)}`,
                    local: false
                });
        }
        else if (/(LISTEN|BIND|ADDR|HOST|URL|PORT)/i.test(key)) {
            portsInWord(`=${value}`, `Environment=${key}`, ports);
        }
        if (/^(https?|wss?|tcp|udp|postgres(ql)?|mysql|redis|amqps?|mqtt|ldaps?):\/\//i.test(value)) {
            note('network', `Environment=${key} is a network URL`);
        }
    }
    for (const word of allWords) {
        if (/^(https?|wss?|tcp|udp|postgres(ql)?|mysql|redis|amqps?|mqtt|ldaps?|grpc):\/\//i.test(word)) {
            note('network', `argument ${safeText(word, 40)} is a network URL`);
        }
    }
    if (ports.length)
        note('network', ports[0].evidence);
    // A socket unit's port is bound by systemd, which hands the service the socket. Root may also be
    // started without it and bind the port itself, so keeps CAP_NET_BIND_SERVICE; a user without it
    // never could, so the unit relies on the socket and gets no new privilege for it (parity batch 25)
    const privileged = ports.find((p) => p.port < 1024 && (!p.bySocket || runsAsRoot));
    if (privileged)
        note('privileged-port', `port ${privileged.port} (${privileged.evidence})`);
    else if (ports.length === 0 && defaultPortProgram !== undefined) {
        // a unit that shows no port: the daemon's own default (stock dnsmasq binds 53 from its
        // configuration, which failed as a dynamic user without capabilities, session 27)
        note('privileged-port', `port ${DEFAULT_PORTS.get(defaultPortProgram)} (${defaultPortProgram}'s default)`);
    }
    const after = [
        ...(rec.After ?? []),
        ...(rec.Wants ?? []),
        ...(rec.Requires ?? []),
        ...(rec.BindsTo ?? [])
    ].join(' ');
    if (/\bnetwork-online\.target\b/.test(after))
        note('network', 'ordered after network-online.target');
    const userManager = userManagerEvidence(scope, s, rec);
    if (userManager !== undefined)
        note('user-manager', userManager);
    // what the unit already says about the network
    const families = s.addressFamilies;
    if (s.privateNetwork)
        note('no-network', 'PrivateNetwork=yes is already set');
    else if (families === 'none')
        note('no-network', 'RestrictAddressFamilies=none is already set');
    else if (families?.allowList && !families.families.has(2) && !families.families.has(10)) {
        note('no-network', 'RestrictAddressFamilies= already allows no IP family');
    }
    const neededFamilies = new Set();
    if (families !== undefined && families !== 'none' && families.allowList) {
        // every family the unit allows (the drop-in's list replaces it: ModemManager's AF_QIPCRTR)
        for (const number of families.families) {
            const name = addressFamilyName(number);
            if (name !== undefined)
                neededFamilies.add(name);
        }
        if (neededFamilies.has('AF_NETLINK'))
            note('netlink', 'RestrictAddressFamilies= already allows AF_NETLINK');
        if (neededFamilies.has('AF_PACKET'))
            note('packet', 'RestrictAddressFamilies= already allows AF_PACKET');
    }
    // capabilities the unit shows it needs
    const neededCapabilities = new Set();
    const explicitBoundingSet = loaded.sources.has('CapabilityBoundingSet') && !grantsEveryCapability(s.capabilityBoundingSet);
    if (explicitBoundingSet)
        for (const cap of capabilityNames(s.capabilityBoundingSet))
            neededCapabilities.add(cap);
    for (const cap of capabilityNames(s.ambientCapabilities))
        neededCapabilities.add(cap);
    // root that keeps the capabilities to switch user does so itself (Debian's memcached wrapper:
    // as a dynamic user "Only root wants to run systemd-memcached-wrapper", session 27)
    const bounding = explicitBoundingSet ? capabilityNames(s.capabilityBoundingSet) : [];
    const switchCap = ['CAP_SETUID', 'CAP_SETGID'].find((cap) => bounding.includes(cap));
    if (runsAsRoot && switchCap !== undefined)
        note('drops-privileges', `the unit keeps ${switchCap}: it switches user itself`);
    if (neededCapabilities.has('CAP_NET_ADMIN'))
        note('net-admin', 'the unit grants CAP_NET_ADMIN');
    if (neededCapabilities.has('CAP_SYS_TIME'))
        note('time', 'the unit grants CAP_SYS_TIME');
    if (neededCapabilities.has('CAP_SYS_MODULE'))
        note('modules', 'the unit grants CAP_SYS_MODULE');
    if (neededCapabilities.has('CAP_NET_RAW'))
        note('packet', 'the unit grants CAP_NET_RAW');
    if (neededCapabilities.has('CAP_SYSLOG'))
        note('kmsg', 'the unit grants CAP_SYSLOG');
    if (neededCapabilities.has('CAP_SYS_RAWIO'))
        note('devices', 'the unit grants CAP_SYS_RAWIO');
    if (traits.has('net-admin'))
        note('netlink', traits.get('net-admin'));
    // scheduling, delegation, PAM, devices
    const policy = rec.CPUSchedulingPolicy?.at(-1);
    if (policy === 'fifo' || policy === 'rr')
        note('realtime', `CPUSchedulingPolicy=${policy}`);
    if (s.delegate)
        note('containers', 'Delegate= hands it a control group subtree');
    if (s.pamName)
        note('login', `PAMName=${s.pamName} opens login sessions`);
    if (s.keyringMode === 'inherit' || s.keyringMode === 'shared') ;
    const devices = new Set();
    for (const entry of s.deviceAllow)
        if (entry.path.startsWith('/dev/'))
            devices.add(entry.path);
    if (s.deviceAllow.length)
        note('devices', `DeviceAllow=${s.deviceAllow[0].path} is set`);
    const valueWords = [...allWords, ...env.values()];
    for (const word of valueWords) {
        for (const path of pathsInWord(word)) {
            if (/^\/dev\/(null|zero|full|u?random|tty|stdin|stdout|stderr|log|shm|mqueue|pts|ptmx|fd)(\/|$)/.test(path))
                continue;
            if (path.startsWith('/dev/') && isSafePath(path)) {
                devices.add(path);
                note('devices', `uses ${path}`);
            }
        }
    }
    const groups = [s.group ?? '', ...s.supplementaryGroups];
    const deviceGroup = groups.find((g) => /^(dialout|tty|video|audio|render|input|plugdev|disk|kvm|lp|uucp|cdrom|floppy|tape|sgx|gpio|i2c|spi|bluetooth|netdev|scanner|lpadmin)$/.test(g));
    if (deviceGroup)
        note('devices', `member of the ${deviceGroup} group`);
    // where it writes
    const writes = [];
    const addWrite = (raw, evidence, file) => {
        const path = normalisePath(raw);
        if (!isSafePath(path) || path === '/')
            return;
        const isFile = file ?? FILE_EXTENSION.test(path);
        if (writes.some((w) => w.path === path))
            return;
        writes.push({ path, file: isFile, evidence: safeText(evidence) });
    };
    const pidFile = rec.PIDFile?.at(-1);
    if (pidFile)
        addWrite(pidFile, `PIDFile=${pidFile}`, true);
    const workingDirectory = rec.WorkingDirectory?.at(-1)?.replace(/^-/, '');
    if (workingDirectory && workingDirectory.startsWith('/'))
        addWrite(workingDirectory, `WorkingDirectory=${workingDirectory}`, false);
    // an application installed in a home directory (a virtualenv, a checkout) keeps its data there
    const homeOf = (path) => /^\/(home\/[^/]+|root)\//.exec(path)?.[1];
    for (const command of sandboxedArgs) {
        // the program, or the environment a script sources first (`source ~/venv/bin/activate && ...`)
        const [first, second] = command.argv;
        const program = first === 'source' || first === '.' ? (second ?? '') : (first ?? '');
        let home = homeOf(program);
        let ran = program;
        if (home === undefined) {
            // or the script an interpreter in /usr/bin runs (python3 /home/pi/app/main.py); a relative
            // one is found from the working directory, / when there is none
            const named = scriptOf(command.argv);
            if (named === undefined)
                continue;
            const script = named.startsWith('/')
                ? named
                : normalisePath(`${workingDirectory?.startsWith('/') ? workingDirectory : ''}/${named}`);
            home = homeOf(script);
            ran = `${basename(program)} ${script}`;
        }
        if (home === undefined)
            continue;
        addWrite(`/${home}`, `${command.directive} runs ${ran}`, false);
        break;
    }
    for (const command of sandboxedArgs) {
        const argv = command.argv;
        for (let i = 1; i < argv.length; i++) {
            const word = argv[i];
            const flag = /^-{1,2}([A-Za-z0-9._-]+)=(.*)$/.exec(word);
            const candidates = [];
            if (flag && flag[2].startsWith('/'))
                candidates.push([flag[2], flag[1]]);
            else if (word.startsWith('/')) {
                const previous = argv[i - 1];
                candidates.push([word, previous.startsWith('-') ? previous.replace(/^-+/, '') : '']);
            }
            else if (word.includes('=/')) {
                const [key, value] = [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)];
                candidates.push([value, key]);
            }
            for (const [path, flagName] of candidates) {
                const normal = normalisePath(path);
                const byFlag = flagName !== '' &&
                    WRITE_FLAG.test(flagName) &&
                    !/conf|config|cfg|cert|key|ca|include|bin|exec|root$/i.test(flagName);
                const byPlace = WRITE_PREFIXES.some((p) => normal.startsWith(p) || `${normal}/` === p);
                // a directory in a home directory given to it (node-red -u /home/pi/.node-red, hass -c
                // /home/ha/.homeassistant) is where it keeps its data; a configuration file there is read
                const byHome = HOME_ENTRY.test(normal) && !READ_FILE.test(normal);
                if (byFlag || byPlace || byHome)
                    addWrite(path, `${command.directive} ${safeText(word, 50)}`);
            }
        }
    }
    for (const [key, value] of env) {
        for (const path of pathsInWord(value)) {
            const normal = normalisePath(path);
            const byKey = WRITE_FLAG.test(key) && !/CONF|CONFIG|CFG|CERT|KEY|BIN|PATH$|INCLUDE/i.test(key);
            const byPlace = WRITE_PREFIXES.some((p) => normal.startsWith(p));
            if (byKey || byPlace)
                addWrite(path, `Environment=${key}=${path}`);
        }
    }
    for (const line of rec.ReadWritePaths ?? []) {
        for (const word of extractWords(line, { unquote: true }).words) {
            const path = word.replace(/^[-+]+/, '');
            addWrite(path, `ReadWritePaths=${path}`, false);
        }
    }
    for (const line of rec.RequiresMountsFor ?? []) {
        for (const path of extractWords(line, { unquote: true }).words) {
            const normal = normalisePath(path);
            if (/^\/(var|srv|data|opt|mnt|media|home)\//.test(normal))
                addWrite(path, `RequiresMountsFor=${path}`, false);
        }
    }
    // what the unit does not say: where programs of these names keep their data
    const mainPrograms = [];
    for (const c of commands) {
        if (c.directive === 'ExecStart' && !c.unsandboxed)
            mainPrograms.push(...programsOf(c.argv));
    }
    const conventional = (path, why) => {
        const before = writes.length;
        addWrite(path, why, false);
        if (writes.length > before)
            writes[writes.length - 1].conventional = true;
    };
    for (const program of mainPrograms) {
        for (const path of knownPaths(program))
            conventional(path, `where ${program} keeps its files`);
    }
    {
        const name = unit.prefix;
        if (/^[a-z][a-z0-9._-]{1,40}$/.test(name) && !GENERIC_NAMES.test(name)) {
            for (const root of ['/var/lib/', '/var/log/', '/var/cache/'])
                conventional(`${root}${name}`, `the usual place for ${name}`);
        }
    }
    const managed = {
        state: directoryNames(rec.StateDirectory),
        cache: directoryNames(rec.CacheDirectory),
        logs: directoryNames(rec.LogsDirectory),
        runtime: directoryNames(rec.RuntimeDirectory)
    };
    // home directories, /etc, shared /tmp
    const homePaths = [];
    for (const word of valueWords)
        homePaths.push(...pathsInWord(word));
    homePaths.push(workingDirectory ?? '');
    for (const c of commands)
        homePaths.push(c.argv[0] ?? '');
    const isHomePath = (p) => /^\/(home|root)(\/|$)/.test(p) || p.startsWith('/run/user/');
    const homePath = homePaths.find(isHomePath);
    if (homePath !== undefined)
        note('home-read', `uses ${homePath}`);
    const homeWrite = writes.find((w) => /^\/(home|root)(\/|$)/.test(w.path) || w.path.startsWith('/run/user/'));
    if (homeWrite)
        note('home-write', homeWrite.evidence);
    if (allWords.some((w) => w === '~' || w.startsWith('~/')) ||
        valueWords.some((w) => w.includes('%h'))) {
        note('home-read', 'a path in the home directory (~ or %h)');
    }
    // a dynamic user's name and home (/) replace the ones these specifiers stood for
    for (const word of [...valueWords, workingDirectory ?? '']) {
        const specifier = /%[huU]/.exec(word.replace(/%%/g, ''))?.[0];
        if (specifier === undefined)
            continue;
        const what = { '%h': 'home directory', '%u': 'name', '%U': 'UID' }[specifier];
        note('user-specifiers', `${specifier} in ${word} is the user's ${what}`);
        break;
    }
    // switches user by an option (ceph's --setuser, --runas ...)
    const switchFlag = allWords.find((w) => /^--?(setuser|setuid|runas|run-as|drop-privileges?)(=|$)/.test(w));
    if (switchFlag !== undefined)
        note('drops-privileges', `${switchFlag} switches user itself`);
    // a daemon's own --user/-user option (dhcpd -user dhcp, mysqld --user=mysql) does too
    const userFlag = sandboxedArgs
        .filter((c) => c.directive === 'ExecStart')
        .flatMap((c) => c.argv.slice(1))
        .find((w) => /^--?(user|uid|username)(=|$)/.test(w));
    if (userFlag !== undefined)
        note('drops-privileges', `${userFlag} switches user itself`);
    // an option that makes a daemon chroot() itself (openvpn --chroot, dhcpd -chroot; rsync --daemon:
    // "use chroot" is its modules' default)
    const chrootFlag = sandboxedArgs
        .filter((c) => c.directive === 'ExecStart')
        .flatMap((c) => {
        const rsync = basename(c.argv[0] ?? '') === 'rsync';
        return c.argv.slice(1).filter((w) => /^--?chroot(=|$)/.test(w) || (rsync && w === '--daemon'));
    })[0];
    if (chrootFlag !== undefined) {
        note('chroot', `${chrootFlag} chroots it`);
        note('drops-privileges', `${chrootFlag} chroots it (as root)`);
    }
    const etcWrite = writes.find((w) => w.path === '/etc' || w.path.startsWith('/etc/'));
    if (etcWrite)
        note('etc-write', etcWrite.evidence);
    const tmpSocket = writes.find((w) => /^\/(var\/)?tmp\//.test(w.path) && /\.(sock|socket)$/.test(w.path));
    if (tmpSocket)
        note('shared-tmp', `${tmpSocket.evidence}: others reach it through /tmp`);
    const declaresWrites = s.dynamicUser ||
        [
            'ReadWritePaths',
            'StateDirectory',
            'CacheDirectory',
            'LogsDirectory',
            'RuntimeDirectory'
        ].some((key) => (rec[key] ?? []).length > 0);
    return {
        declaresWrites,
        unit: unit.name,
        name: unit.prefix,
        runsAsRoot,
        user: runsAsRoot ? undefined : s.user,
        commands,
        programs,
        traits,
        ports,
        writes,
        devices: [...devices],
        neededCapabilities,
        neededFamilies,
        environmentFiles,
        managed,
        explicitBoundingSet
    };
}

/** First line of every drop-in the engine writes: `--fix` only ever overwrites files that start so. */
const GENERATED_MARKER = '# Generated by systemd-hardening-gate';
/** The directives that decide a row (the first of its directives). */
const ROW_DIRECTIVES = new Set(CHECKS.map((c) => c.directives[0]));
/** The file name suggested drop-ins get (beside the unit: NAME.service.d/hardening.conf). */
const DROP_IN_NAME = 'hardening.conf';
function textOf(text) {
    return typeof text === 'string' ? text : text();
}
const NOTHING_KEPT = {
    capabilities: new Set(),
    syscallGroups: new Set(),
    addressFamilies: new Set(),
    namespaces: new Set()
};
/** From this version ProtectClock= adds char-rtc to a device list only when there is one. */
const PROTECT_CLOCK_KEEPS_DEVICES = 252;
/** RestrictNamespaces= types, in the order systemd-analyze lists its rows. */
const NAMESPACE_TYPES = ['user', 'mnt', 'ipc', 'pid', 'cgroup', 'net', 'uts'];
function keptByExceptions(allowed) {
    const capabilities = new Set();
    const syscallGroups = new Set();
    const addressFamilies = new Set();
    const namespaces = new Set();
    let capabilityException;
    let devicesException;
    for (const exception of allowed) {
        for (const id of exception.checks) {
            if (id === 'PrivateDevices' || id === 'DeviceAllow')
                devicesException ??= exception;
            const keeps = CHECKS_BY_ID.get(id)?.keeps;
            if (keeps?.capabilities?.length)
                capabilityException ??= exception;
            for (const cap of keeps?.capabilities ?? [])
                capabilities.add(cap);
            if (keeps?.syscallGroup !== undefined)
                syscallGroups.add(keeps.syscallGroup);
            for (const family of keeps?.addressFamilies ?? [])
                addressFamilies.add(family);
            if (keeps?.namespace !== undefined)
                namespaces.add(keeps.namespace);
        }
    }
    return {
        capabilities,
        capabilityException,
        devicesException,
        syscallGroups,
        addressFamilies,
        namespaces
    };
}
/** The fix preferences with what the exceptions keep: capabilities, families, the network. */
function fixKeeping(fix, kept) {
    if (!kept.capabilities.size && !kept.addressFamilies.size)
        return fix;
    return {
        ...fix,
        // an exception for the Internet families says the service uses the network
        network: kept.addressFamilies.has('AF_INET') ? 'required' : fix.network,
        keepCapabilities: [...new Set([...fix.keepCapabilities, ...kept.capabilities])],
        addressFamilies: [...new Set([...fix.addressFamilies, ...kept.addressFamilies])]
    };
}
/**
 * Moves to `blocked` every candidate that would make better a row that a justified exception
 * allows: the exception says the service needs what the row measures (PrivateDevices= off for a
 * GPU), so a directive that takes it away would break the service, whatever else it gains.
 * (Lists are restricted around what the exceptions keep first, see Kept: those candidates stay.)
 */
function withoutExceptedGains(offered, blocked, allowed, ctx) {
    const base = settingsWithLines([], ctx);
    // each row once, with the first exception that allows it (as resolveExceptions): a policy may
    // list thousands of exceptions, but there are 81 rows
    const rows = new Map();
    for (const exception of allowed) {
        for (const id of exception.checks) {
            const check = CHECKS_BY_ID.get(id);
            if (check === undefined || rows.has(id) || (check.since ?? 0) > ctx.version)
                continue;
            rows.set(id, { check, exception, badness: badnessUnder(check, base, ctx.version) });
        }
    }
    // a row that is already good cannot be made better
    const open = [...rows.values()].filter((row) => row.badness !== 0);
    if (!open.length)
        return [...offered];
    return offered.filter((candidate) => {
        const settings = settingsWithLines(candidate.lines, ctx);
        const bettered = open.find((row) => better(badnessUnder(row.check, settings, ctx.version), row.badness));
        if (bettered === undefined)
            return true;
        blocked.push({
            directive: candidate.directive,
            reason: exceptionReason(bettered.exception),
            lines: candidate.lines
        });
        return false;
    });
}
/** Why a directive is left out for an exception: the checks it names and its reason. */
function exceptionReason(exception) {
    return `justified exception (${exception.written.join(', ')}): ${exception.reason}`;
}
/** The unit's settings with `lines` in our drop-in, the drop-ins after it and implied settings. */
function settingsWithLines(lines, ctx) {
    const settings = copySettings(ctx.base);
    applyLines(settings, lines, ctx);
    for (const dropIn of ctx.after)
        applyDropInTo(settings, dropIn, ctx.unit, ctx.version);
    applyImpliedSettings(settings, ctx.unit);
    return settings;
}
/** A row's badness under settings (undefined: it does not apply). */
function badnessUnder(check, settings, version) {
    return rowBadness(check, { settings, version, runsPrivileged: settingsRunPrivileged(settings) });
}
/**
 * Whether a row is better than before: less bad, no longer applying (what it measures is gone), or
 * applying now with any protection in force (RemoveIPC= does not apply to root; DynamicUser=yes
 * makes it apply, and implies it).
 */
function better(now, before) {
    if (before === undefined)
        return now !== undefined;
    return now === undefined || now < before;
}
const CAP_ROOT_ADMIN_DROP = [
    'CAP_SYS_ADMIN',
    'CAP_SYS_PTRACE',
    'CAP_SYS_MODULE',
    'CAP_SYS_RAWIO',
    'CAP_SYS_TIME',
    'CAP_SYS_BOOT',
    'CAP_MAC_ADMIN',
    'CAP_MAC_OVERRIDE',
    'CAP_AUDIT_CONTROL',
    'CAP_AUDIT_READ',
    'CAP_AUDIT_WRITE',
    'CAP_SYSLOG',
    'CAP_LINUX_IMMUTABLE',
    'CAP_BPF',
    'CAP_PERFMON',
    'CAP_SYS_PACCT',
    'CAP_SYS_TTY_CONFIG',
    'CAP_WAKE_ALARM',
    'CAP_BLOCK_SUSPEND',
    'CAP_LEASE',
    'CAP_MKNOD',
    'CAP_NET_ADMIN',
    'CAP_NET_BROADCAST',
    'CAP_SYS_NICE',
    'CAP_CHECKPOINT_RESTORE'
];
/** Capabilities each trait needs kept. */
const TRAIT_CAPABILITIES = {
    time: ['CAP_SYS_TIME'],
    modules: ['CAP_SYS_MODULE'],
    // (BIRD sets all three with CAP_NET_BIND_SERVICE when it switches user, and dies without one)
    'net-admin': ['CAP_NET_ADMIN', 'CAP_NET_RAW', 'CAP_NET_BROADCAST'],
    packet: ['CAP_NET_RAW'],
    kmsg: ['CAP_SYSLOG'],
    realtime: ['CAP_SYS_NICE'],
    devices: ['CAP_SYS_RAWIO', 'CAP_SYS_ADMIN', 'CAP_MKNOD'],
    mount: ['CAP_SYS_ADMIN'],
    sysctl: ['CAP_SYS_ADMIN', 'CAP_NET_ADMIN'],
    debug: ['CAP_SYS_PTRACE'],
    bpf: ['CAP_BPF', 'CAP_PERFMON', 'CAP_SYS_ADMIN', 'CAP_NET_ADMIN'],
    swap: ['CAP_SYS_ADMIN'],
    reboot: ['CAP_SYS_BOOT'],
    hostname: ['CAP_SYS_ADMIN'],
    'privileged-port': ['CAP_NET_BIND_SERVICE'],
    'system-writer': [
        'CAP_CHOWN',
        'CAP_DAC_OVERRIDE',
        'CAP_DAC_READ_SEARCH',
        'CAP_FOWNER',
        'CAP_FSETID',
        'CAP_SETFCAP'
    ],
    setuid: ['CAP_SETUID', 'CAP_SETGID'],
    'setup-as-root': ['CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FOWNER', 'CAP_FSETID'],
    monitor: ['CAP_SYS_PTRACE', 'CAP_DAC_READ_SEARCH'],
    signals: ['CAP_KILL', 'CAP_SYS_RESOURCE'],
    // (reading /proc/PID/exe of a process of another user is a ptrace access check)
    'finds-process': ['CAP_SYS_PTRACE'],
    'reads-everything': ['CAP_DAC_READ_SEARCH', 'CAP_DAC_OVERRIDE'],
    'drops-privileges': [
        'CAP_SETUID',
        'CAP_SETGID',
        'CAP_SETPCAP',
        'CAP_CHOWN',
        'CAP_DAC_OVERRIDE',
        'CAP_DAC_READ_SEARCH',
        'CAP_FOWNER',
        'CAP_FSETID',
        'CAP_KILL',
        'CAP_NET_BIND_SERVICE',
        'CAP_SYS_CHROOT',
        'CAP_SYS_RESOURCE',
        'CAP_IPC_LOCK',
        'CAP_AUDIT_WRITE'
    ],
    login: ['CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL'],
    chroot: ['CAP_SYS_CHROOT'],
    audit: ['CAP_AUDIT_CONTROL', 'CAP_AUDIT_READ', 'CAP_AUDIT_WRITE'],
    fanotify: ['CAP_SYS_ADMIN'],
    bluetooth: ['CAP_NET_ADMIN', 'CAP_NET_BIND_SERVICE', 'CAP_NET_RAW'],
    'security-policy': ['CAP_MAC_ADMIN', 'CAP_MAC_OVERRIDE']
};
/** Socket families each trait needs allowed. */
const TRAIT_FAMILIES = [
    ['netlink', 'AF_NETLINK'],
    ['packet', 'AF_PACKET'],
    ['bluetooth', 'AF_BLUETOOTH']
];
/** Syscall groups each trait needs allowed. */
const TRAIT_SYSCALLS = {
    time: ['@clock'],
    modules: ['@module'],
    mount: ['@mount'],
    containers: ['@mount', '@privileged', '@resources', '@debug'],
    debug: ['@debug'],
    devices: ['@raw-io'],
    swap: ['@swap'],
    reboot: ['@reboot'],
    multiarch: ['@cpu-emulation'],
    realtime: ['@resources'],
    'drops-privileges': ['@privileged', '@resources'],
    // chroot() is in @mount (and @privileged)
    chroot: ['@mount', '@privileged'],
    setuid: ['@privileged'],
    login: ['@privileged', '@resources'],
    'system-writer': ['@privileged'],
    'net-admin': ['@privileged'],
    bpf: ['@privileged'],
    monitor: ['@debug'],
    // sendmail (postdrop, exim) is setgid and runs in the same filter
    'sends-mail': ['@privileged'],
    // its Exec*= steps run in the same filter: install -o, chown and cp -a make @chown's calls, which
    // are in @privileged (munin-node's ExecStartPre failed under ~@privileged, session 27)
    'setup-as-root': ['@privileged']
};
const TRAIT_CAPABILITY_ENTRIES = Object.entries(TRAIT_CAPABILITIES);
const TRAIT_SYSCALL_ENTRIES = Object.entries(TRAIT_SYSCALLS);
/** Groups that are denied in the safe variant; @privileged and @resources only in the stronger one. */
const RARE_GROUPS = CHECKED_SYSCALL_GROUPS.filter((g) => g !== '@privileged' && g !== '@resources');
/**
 * Directives that give the service a mount namespace of its own, which "disconnects propagation of
 * mounts from the unit's processes to the host" (systemd.exec(5)): a daemon that mounts for the
 * host (autofs, udisksd, rclone mount, snapd ...) would mount where no one else sees it.
 */
const MOUNT_NAMESPACE_DIRECTIVES = new Set([
    'PrivateTmp',
    'PrivateDevices',
    'PrivateMounts',
    'ProtectSystem',
    'ProtectHome',
    'ProtectKernelTunables',
    'ProtectKernelModules',
    'ProtectKernelLogs',
    'ProtectControlGroups',
    'ProtectProc',
    'ProcSubset',
    'DynamicUser'
]);
/** What a login session may do, a package manager's scripts and containers may do too. */
const LOGIN_LIKE = ['package-manager', 'containers'];
/**
 * What breaks containers breaks the kernel's file and block servers too (NFS, SMB, LIO): they work
 * in the namespaces of the daemons that configure them and with their capabilities (none of it
 * could be run here, so nothing they might need is taken away)
 */
const CONTAINER_LIKE = ['kernel-server'];
function firstTrait(profile, traits) {
    for (const trait of traits) {
        const evidence = profile.traits.get(trait);
        if (evidence !== undefined)
            return evidence;
    }
    return undefined;
}
/** systemd's managed directories: where each lives, its key, and the profile's list of them */
const MANAGED_ROOTS = [
    ['/var/lib/', 'StateDirectory', 'state'],
    ['/var/cache/', 'CacheDirectory', 'cache'],
    ['/var/log/', 'LogsDirectory', 'logs'],
    ['/run/', 'RuntimeDirectory', 'runtime']
];
/**
 * Whether two names are one's prefix of the other (php-fpm8.2 and php, postgres and postgresql):
 * a directory or user named after the service's program or unit, not another service's.
 */
function namesRelated(a, b) {
    return a.startsWith(b) || b.startsWith(a);
}
/**
 * How to roll back a DynamicUser= drop-in. systemd moves the state, cache and logs directories of a
 * dynamic user into private/ and gives them to its transient UID, and moves one back (giving it to
 * the service's user) only at a start that still declares it with DynamicUser= off (execute.c,
 * setup_exec_directory()). Deleting the file takes back the directories only it declares: they
 * stay in private/, owned by a UID that no longer exists (the runtime check, session 27).
 */
function dynamicUserRollback(lines, profile) {
    const moved = [];
    for (const [root, key, declaredIn] of MANAGED_ROOTS) {
        // (a runtime directory is removed at stop, not moved, unless preserved)
        if (key === 'RuntimeDirectory')
            continue;
        const declared = profile.managed[declaredIn];
        const names = lines
            .filter((line) => line.key === key)
            .flatMap((line) => line.value.split(' '))
            .filter((name) => !declared.includes(name));
        if (names.length)
            moved.push({ key, root, names });
    }
    if (!moved.length)
        return undefined;
    return () => {
        const paths = moved.flatMap(({ root, names }) => names.map((name) => `${root}${name}`));
        const keep = moved.map(({ key, names }) => `${key}=${names.join(' ')}`);
        return `Roll back: DynamicUser= moves ${paths.join(', ')} into private/ (owned by a transient UID), and deleting this file leaves ${paths.length > 1 ? 'them' : 'it'} there: first cut this file down to [Service] and ${keep.join(', ')}, then systemctl daemon-reload and restart the service (systemd moves ${paths.length > 1 ? 'them' : 'it'} back and gives ${paths.length > 1 ? 'them' : 'it'} to the service's user); then delete the file, daemon-reload and restart.`;
    };
}
function planPaths(profile) {
    const plan = { readWrite: [], runtime: [], managed: [], unmanaged: [], mustExist: [] };
    const dropsPrivileges = profile.traits.has('drops-privileges');
    const addRW = (path, evidence) => {
        if (!plan.readWrite.some((p) => p.path === path || path.startsWith(`${p.path}/`))) {
            plan.readWrite = plan.readWrite.filter((p) => !p.path.startsWith(`${path}/`));
            plan.readWrite.push({ path, evidence });
        }
    };
    for (const write of profile.writes) {
        // /tmp and /var/tmp are private and writable with PrivateTmp=; home directories are ProtectHome='s
        if (/^\/(var\/)?tmp(\/|$)/.test(write.path))
            continue;
        if (/^\/(home|root)(\/|$)/.test(write.path) || write.path.startsWith('/run/user/')) {
            addRW(write.path, write.evidence);
            continue;
        }
        const dir = write.file ? write.path.slice(0, write.path.lastIndexOf('/')) || '/' : write.path;
        const managedRoot = MANAGED_ROOTS.find(([root]) => `${dir}/`.startsWith(root) && dir.length > root.length - 1);
        if (managedRoot && dir.length >= managedRoot[0].length) {
            const [root, key, declaredIn] = managedRoot;
            const name = dir.slice(root.length).split('/')[0];
            const top = `${root}${name}`;
            if (/^[A-Za-z0-9._-]+$/.test(name) && !name.includes('%')) {
                // a dynamic user gets a StateDirectory= for its usual place, other managed directories only
                // where the unit shows them
                if (!write.conventional || key === 'StateDirectory')
                    plan.managed.push({ key, name, evidence: write.evidence });
                if (profile.managed[declaredIn].some((n) => n.split('/')[0] === name))
                    continue;
                // RuntimeDirectory= removes the directory when the service stops: not one it shares with
                // another service (pgbouncer's usual /run/postgresql is PostgreSQL's socket directory)
                const shared = write.conventional === true && !profile.programs.some((p) => namesRelated(p, name));
                // nor one every instance of a template shares: the first to stop removes the others'
                // sockets (kresd@1's /run/knot-resolver, whose control/%i each instance writes, round 4)
                const instances = profile.unit.includes('@');
                if (key === 'RuntimeDirectory' && !dropsPrivileges && !shared && !instances) {
                    if (!plan.runtime.some((r) => r.name === name))
                        plan.runtime.push({ name, evidence: write.evidence });
                }
                else {
                    addRW(`-${top}`, write.evidence);
                    if (key === 'RuntimeDirectory')
                        plan.mustExist.push(top);
                }
                continue;
            }
        }
        // a file directly in /run or /var/log, or any other place
        plan.unmanaged.push(write.path);
        if (dir === '/run')
            addRW('/run', write.evidence);
        else if (write.file && (dir === '/var/log' || dir === '/var/lib' || dir === '/var/cache')) {
            addRW(`-${write.path}`, write.evidence);
            plan.mustExist.push(write.path);
        }
        else
            addRW(`-${dir}`, write.evidence);
    }
    return plan;
}
/** Sandboxing switches, by the setting that holds each (false or 'no': off). */
const SWITCHES = [
    ['NoNewPrivileges', 'noNewPrivileges'],
    ['PrivateTmp', 'privateTmp'],
    ['PrivateDevices', 'privateDevices'],
    ['PrivateNetwork', 'privateNetwork'],
    ['PrivateUsers', 'privateUsers'],
    ['PrivateMounts', 'privateMounts'],
    ['ProtectSystem', 'protectSystem'],
    ['ProtectHome', 'protectHome'],
    ['ProtectKernelTunables', 'protectKernelTunables'],
    ['ProtectKernelModules', 'protectKernelModules'],
    ['ProtectKernelLogs', 'protectKernelLogs'],
    ['ProtectControlGroups', 'protectControlGroups'],
    ['ProtectClock', 'protectClock'],
    ['ProtectHostname', 'protectHostname'],
    ['LockPersonality', 'lockPersonality'],
    ['MemoryDenyWriteExecute', 'memoryDenyWriteExecute'],
    ['RestrictRealtime', 'restrictRealtime'],
    ['RestrictSUIDSGID', 'restrictSUIDSGID'],
    ['RemoveIPC', 'removeIPC'],
    ['DynamicUser', 'dynamicUser']
];
function unitSources(loaded) {
    // as the unit's lines leave them, before the settings other ones imply
    const written = loaded.raw ?? loaded.settings;
    const turnedOff = [];
    for (const [directive, field] of SWITCHES) {
        const at = loaded.sources.get(directive);
        const value = written[field];
        if (at !== undefined && (value === false || value === 'no'))
            turnedOff.push({ directive, at });
    }
    return {
        umask: loaded.sources.get('UMask'),
        user: loaded.sources.get('User'),
        keyringMode: loaded.sources.get('KeyringMode'),
        notifyAccess: loaded.sources.get('NotifyAccess'),
        turnedOff
    };
}
/**
 * The check for units where a hardening line can make systemd refuse the whole unit (a
 * WorkingDirectory= below /proc with a mount namespace ...): the lines on top of the unit as it is,
 * then its later drop-ins, as systemd reads them. Undefined for the others: nothing to check.
 */
function refusalCheck(loaded, ctx) {
    if (!refusalProne(loaded.settings))
        return undefined;
    return (lines) => {
        const settings = copySettings(ctx.base);
        applyLines(settings, lines, ctx);
        for (const dropIn of ctx.after)
            applyDropInTo(settings, dropIn, ctx.unit, ctx.version);
        applyImpliedSettings(settings, ctx.unit);
        return refusal(settings, ctx.version);
    };
}
/** Everything the engine could write for this unit: allowed candidates and blocked directives. */
/**
 * What a user's service manager applies to its services: seccomp filters and no_new_privs, which
 * need no privileges (it implies NoNewPrivileges= for the filters itself), and the umask. Everything
 * else the fix engine offers needs privileges it lacks (systemd.exec(5), "only available for system
 * services"): a service given it fails to start or runs unprotected.
 */
const WORKS_IN_USER_MANAGER = new Set([
    'NoNewPrivileges',
    'LockPersonality',
    'MemoryDenyWriteExecute',
    'RestrictAddressFamilies',
    'RestrictNamespaces',
    'RestrictRealtime',
    'RestrictSUIDSGID',
    'SystemCallArchitectures',
    'SystemCallFilter',
    'UMask',
    'NotifyAccess'
]);
/** Why a directive is not for a user service (see WORKS_IN_USER_MANAGER). */
function userManagerCannot(directive) {
    switch (directive) {
        case 'DynamicUser':
        case 'User':
            return 'a user unit: its manager cannot switch users';
        case 'CapabilityBoundingSet':
        case 'AmbientCapabilities':
        case 'ProtectKernelModules':
        case 'ProtectKernelLogs':
        case 'ProtectClock':
            return 'a user unit: its manager cannot shrink the bounding set (fails, 218/CAPABILITIES)';
        case 'IPAddressDeny':
        case 'DevicePolicy':
            return 'a user unit: its manager cannot attach BPF programs (ignored)';
        default:
            return 'a user unit: namespaces need PrivateUsers=, which distributions may restrict';
    }
}
function candidatesFor(profile, settings, sources, fix, version, refusedWith, kept = NOTHING_KEPT) {
    const candidates = [];
    const blocked = [];
    const observe = [];
    const has = (trait) => profile.traits.has(trait);
    const userManager = profile.traits.get('user-manager');
    const block = (directive, reason, lines) => {
        blocked.push({ directive, reason, lines });
    };
    /** Adds a candidate unless a trait, the policy or the version rules it out. */
    const offer = (candidate, breaking = []) => {
        const avoid = fix.avoid[candidate.directive];
        if (avoid !== undefined) {
            block(candidate.directive, `policy: ${avoid}`, candidate.lines);
            return false;
        }
        if (candidate.phase > fix.maxPhase)
            return false;
        if (userManager !== undefined && !WORKS_IN_USER_MANAGER.has(candidate.directive)) {
            block(candidate.directive, userManagerCannot(candidate.directive), candidate.lines);
            return false;
        }
        const refused = refusedWith?.(candidate.lines);
        if (refused !== undefined) {
            block(candidate.directive, `systemd ${version} would refuse the unit: ${refused}`, candidate.lines);
            return false;
        }
        if (MOUNT_NAMESPACE_DIRECTIVES.has(candidate.directive) && has('mount')) {
            block(candidate.directive, profile.traits.get('mount'), candidate.lines);
            return false;
        }
        // a package manager's scripts, and containers, may do anything a login session does
        const why = firstTrait(profile, breaking) ??
            (breaking.includes('login') ? firstTrait(profile, LOGIN_LIKE) : undefined) ??
            (breaking.includes('login') || breaking.includes('containers')
                ? firstTrait(profile, CONTAINER_LIKE)
                : undefined);
        if (why !== undefined) {
            block(candidate.directive, why, candidate.lines);
            return false;
        }
        candidates.push(candidate);
        return true;
    };
    const root = profile.runsAsRoot;
    const user = settings.user;
    if (userManager !== undefined) {
        // scored as asked: without --user, as systemd-analyze security scores it without --user
        const scoredAs = settings.userManager
            ? ''
            : ' Its score is what systemd-analyze security prints without --user; --user (CLI) or the user-units input (Action) scores it as its own manager does.';
        observe.push({
            text: `A user unit (systemctl --user): ${userManager}. A user's service manager applies system-call filters, NoNewPrivileges= and UMask=; the other directives need privileges it lacks (systemd.exec(5)), so they are left out.${scoredAs}`
        });
    }
    // Phase 1 --------------------------------------------------------------------------------------
    const nnpLines = [{ key: 'NoNewPrivileges', value: 'yes' }];
    const ambient = capabilityNames(settings.ambientCapabilities);
    const bounding = capabilityNames(settings.capabilityBoundingSet);
    if (!root &&
        has('privileged-port') &&
        !ambient.includes('CAP_NET_BIND_SERVICE') &&
        bounding.includes('CAP_NET_BIND_SERVICE')) {
        nnpLines.push({
            key: 'AmbientCapabilities',
            value: 'CAP_NET_BIND_SERVICE',
            note: `NoNewPrivileges= blocks file capabilities: keeps binding ${profile.traits.get('privileged-port')}`
        });
    }
    offer({
        id: 'NoNewPrivileges',
        directive: 'NoNewPrivileges',
        phase: 1,
        stage: 0,
        lines: nnpLines,
        reason: 'setuid programs and file capabilities cannot raise its privileges'
    }, ['setuid', 'sends-mail', 'login']);
    offer({
        id: 'PrivateTmp',
        directive: 'PrivateTmp',
        phase: 1,
        stage: 0,
        lines: [{ key: 'PrivateTmp', value: 'yes' }],
        reason: 'its own /tmp and /var/tmp: no temp-file races with other services'
    }, ['shared-tmp', 'login']);
    const homeWrites = profile.writes.filter((w) => /^\/(home|root)(\/|$)/.test(w.path) || w.path.startsWith('/run/user/'));
    if (has('home-write') && homeWrites.length === 0) {
        // it writes in homes the unit does not name (a mail server delivering to its recipients)
        block('ProtectHome', firstTrait(profile, ['home-write']), [
            { key: 'ProtectHome', value: 'yes' }
        ]);
    }
    else if (has('home-write') ||
        has('home-read') ||
        has('system-writer') ||
        has('reads-everything')) {
        const lines = [{ key: 'ProtectHome', value: 'read-only' }];
        if (homeWrites.length) {
            lines.push({
                key: 'ReadWritePaths',
                value: homeWrites.map((w) => `-${w.path}`).join(' '),
                note: `it writes there: ${homeWrites.map((w) => w.evidence).join('; ')}`
            });
        }
        offer({
            id: 'ProtectHome',
            directive: 'ProtectHome',
            phase: 1,
            stage: 0,
            lines,
            reason: `home directories read-only (${firstTrait(profile, ['home-write', 'home-read', 'system-writer', 'reads-everything'])}), not hidden`
        }, ['login']);
    }
    else {
        offer({
            id: 'ProtectHome',
            directive: 'ProtectHome',
            phase: 1,
            stage: 0,
            lines: [{ key: 'ProtectHome', value: 'yes' }],
            reason: 'home directories, /root and /run/user are invisible to it'
        }, ['login']);
        if (user !== undefined && !root && !settings.dynamicUser) {
            observe.push({
                text: `User=${safeText(user, 32)}: if the service keeps data in that user's home directory, use ProtectHome=read-only and ReadWritePaths= for it instead of ProtectHome=yes.`,
                when: ['ProtectHome']
            });
        }
    }
    // Phase 2 --------------------------------------------------------------------------------------
    const plan = planPaths(profile);
    const rwLines = () => {
        const lines = [];
        if (plan.readWrite.length) {
            lines.push({
                key: 'ReadWritePaths',
                value: plan.readWrite.map((p) => p.path).join(' '),
                note: () => `where it writes: ${plan.readWrite.map((p) => `${p.path.replace(/^-/, '')} (${p.evidence})`).join('; ')}`
            });
        }
        for (const r of plan.runtime) {
            lines.push({
                key: 'RuntimeDirectory',
                value: r.name,
                note: `/run/${r.name} (${r.evidence}), created for it at start`
            });
        }
        return lines;
    };
    const tmpLines = !settings.privateTmp && has('shared-tmp')
        ? [{ key: 'ReadWritePaths', value: '/tmp /var/tmp', note: 'it shares /tmp with others' }]
        : [];
    const needsPrivateTmp = !settings.privateTmp && !has('shared-tmp') ? ['PrivateTmp'] : [];
    // strict is safe when the unit declares where it writes; otherwise full comes first and strict
    // is the stronger variant, with the observation to make before it
    const declared = profile.declaresWrites;
    if (plan.mustExist.length) {
        observe.push({
            text: `${[...new Set(plan.mustExist)].join(', ')} must exist before the service starts once ProtectSystem=strict is on (it cannot create it in a read-only directory): check a tmpfiles.d rule or the package creates it.`,
            when: ['ProtectSystem']
        });
    }
    const full = !declared &&
        offer({
            id: 'ProtectSystem-full',
            directive: 'ProtectSystem',
            phase: 2,
            stage: 0,
            lines: [{ key: 'ProtectSystem', value: 'full' }],
            reason: '/usr, /boot and /etc read-only; /var and /run stay writable'
        }, ['system-writer', 'package-manager', 'login', 'etc-write']);
    offer({
        id: 'ProtectSystem',
        directive: 'ProtectSystem',
        phase: 2,
        stage: declared ? 0 : 1,
        lines: [{ key: 'ProtectSystem', value: 'strict' }, ...rwLines(), ...tmpLines],
        reason: declared
            ? 'the whole OS read-only; only the declared paths stay writable'
            : 'the whole OS read-only; only the paths below stay writable (observe first)',
        supersedes: full ? 'ProtectSystem-full' : undefined,
        requires: needsPrivateTmp
    }, ['system-writer', 'package-manager', 'login', 'sends-mail']);
    if (!declared) {
        const shows = profile.writes.some((w) => !w.conventional)
            ? 'The unit shows some'
            : 'The unit shows none';
        const usual = profile.writes.filter((w) => w.conventional).map((w) => w.path);
        const check = 'check `ls -l /proc/PID/fd` and the journal for "Read-only file system", and declare what it writes with';
        observe.push({
            text: () => `Which files does it write? ${shows}${usual.length > 0 ? `; the usual places (${usual.join(', ')}) are declared, and ignored when missing` : ''}. Before ProtectSystem=strict, ${check} ReadWritePaths= or StateDirectory=/LogsDirectory=.`,
            when: ['ProtectSystem']
        });
        // a dynamic user's drop-in declares only the state directory of the usual places (parity
        // batch 24: the text said all three were)
        const state = usual.filter((p) => p.startsWith('/var/lib/'));
        observe.push({
            text: () => `Which files does it write? ${shows}${state.length > 0 ? `; of the usual places ${state.join(', ')} is declared, as its StateDirectory=` : ''}. Before DynamicUser=, ${check} StateDirectory=/LogsDirectory=/CacheDirectory=: a dynamic user can write nowhere else.`,
            when: ['DynamicUser']
        });
    }
    offer({
        id: 'ProtectKernelTunables',
        directive: 'ProtectKernelTunables',
        phase: 2,
        stage: 0,
        lines: [{ key: 'ProtectKernelTunables', value: 'yes' }],
        reason: '/proc/sys and /sys read-only: it cannot retune the kernel'
    }, ['sysctl', 'security-policy', 'containers']);
    offer({
        id: 'ProtectKernelModules',
        directive: 'ProtectKernelModules',
        phase: 2,
        stage: 0,
        lines: [{ key: 'ProtectKernelModules', value: 'yes' }],
        reason: 'it cannot load kernel modules'
    }, ['modules', 'containers']);
    offer({
        id: 'ProtectKernelLogs',
        directive: 'ProtectKernelLogs',
        phase: 2,
        stage: 0,
        lines: [{ key: 'ProtectKernelLogs', value: 'yes' }],
        reason: 'no access to the kernel log buffer'
    }, ['kmsg', 'containers']);
    offer({
        id: 'ProtectControlGroups',
        directive: 'ProtectControlGroups',
        phase: 2,
        stage: 0,
        lines: [{ key: 'ProtectControlGroups', value: 'yes' }],
        reason: 'the control group tree is read-only'
    }, ['containers']);
    if (profile.devices.length) {
        const lines = [{ key: 'DevicePolicy', value: 'closed' }];
        for (const device of profile.devices.filter(isSafePath)) {
            const already = settings.deviceAllow.some((d) => d.path === device);
            if (!already)
                lines.push({ key: 'DeviceAllow', value: `${device} rw`, note: `it uses ${device}` });
        }
        if (settings.devicePolicy === 'auto') {
            offer({
                id: 'DevicePolicy',
                directive: 'DevicePolicy',
                phase: 2,
                stage: 0,
                lines,
                reason: 'only the devices it names (instead of PrivateDevices=, which would hide them)'
            }, ['login', 'containers']);
        }
        block('PrivateDevices', `it uses ${profile.devices.join(', ')}`, [
            { key: 'PrivateDevices', value: 'yes' }
        ]);
    }
    else {
        offer({
            id: 'PrivateDevices',
            directive: 'PrivateDevices',
            phase: 2,
            stage: 0,
            lines: [{ key: 'PrivateDevices', value: 'yes' }],
            reason: 'a private /dev with pseudo devices only (null, zero, random, tty)'
        }, ['devices', 'login', 'containers']);
    }
    if (version >= 247) {
        offer({
            id: 'ProtectProc',
            directive: 'ProtectProc',
            phase: 2,
            stage: 0,
            lines: [{ key: 'ProtectProc', value: 'invisible' }],
            reason: "other users' processes are invisible in /proc"
        }, ['monitor', 'signals', 'login', 'debug', 'containers', 'reads-everything']);
        offer({
            id: 'ProcSubset',
            directive: 'ProcSubset',
            phase: 2,
            stage: 1,
            lines: [{ key: 'ProcSubset', value: 'pid' }],
            reason: '/proc shows processes only, no kernel or system information'
        }, [
            'jit',
            'script',
            'monitor',
            'login',
            'containers',
            'system-writer',
            'sysctl',
            'drops-privileges',
            'unknown-options'
        ]);
    }
    offer({
        id: 'PrivateMounts',
        directive: 'PrivateMounts',
        phase: 2,
        stage: 0,
        lines: [{ key: 'PrivateMounts', value: 'yes' }],
        reason: 'its mounts stay private to it'
    }, ['mount', 'containers', 'login']);
    if (sources.umask === undefined) {
        offer({
            id: 'UMask',
            directive: 'UMask',
            phase: 2,
            stage: 1,
            lines: [{ key: 'UMask', value: '0077' }],
            reason: 'files it creates are private to it'
        }, ['login', 'system-writer', 'drops-privileges']);
    }
    else {
        block('UMask', `UMask= is set in the unit (${sources.umask.file}:${sources.umask.line})`);
    }
    // Phase 3 --------------------------------------------------------------------------------------
    const identityBlockers = [
        'login',
        'system-writer',
        'drops-privileges',
        'containers',
        'mount',
        'devices',
        'net-admin',
        // (raw sockets need CAP_NET_RAW, which a dynamic user does not get)
        'packet',
        'time',
        'modules',
        'sysctl',
        'kmsg',
        'setuid',
        'debug',
        'bpf',
        'swap',
        'reboot',
        'etc-write',
        'home-write',
        'hostname',
        'shared-tmp',
        'setup-as-root',
        'signals',
        'reads-everything',
        'user-specifiers',
        'audit',
        'security-policy',
        'bluetooth',
        'uevents',
        'fanotify',
        'sends-mail',
        'root-client'
    ];
    let identity = false;
    const explicitRoot = (user === 'root' || user === '0') && sources.user !== undefined;
    if (root || user === 'nobody') {
        const lines = [];
        if (user !== undefined)
            lines.push({ key: 'User', value: '', note: `drops User=${safeText(user, 20)}` });
        if (settings.group !== undefined)
            lines.push({ key: 'Group', value: '' });
        lines.push({ key: 'DynamicUser', value: 'yes' });
        const keys = new Map();
        for (const m of plan.managed) {
            const list = keys.get(m.key) ?? [];
            if (!list.includes(m.name))
                list.push(m.name);
            keys.set(m.key, list);
        }
        for (const [key, names] of keys) {
            lines.push({
                key,
                value: names.join(' '),
                note: () => `${key}: ${plan.managed
                    .filter((m) => m.key === key)
                    .map((m) => m.evidence)
                    .join('; ')}`
            });
        }
        // a transient unprivileged user uses a capability only as an ambient one: the port it binds,
        // and what the policy says it keeps (fix.keepCapabilities)
        const ambientNeeded = [
            ...new Set([
                ...(has('privileged-port') ? ['CAP_NET_BIND_SERVICE'] : []),
                ...fix.keepCapabilities
            ])
        ].sort();
        if (ambientNeeded.length) {
            const port = profile.traits.get('privileged-port');
            lines.push({
                key: 'AmbientCapabilities',
                value: ambientNeeded.join(' '),
                note: [
                    ...(port !== undefined ? [`binds ${port}`] : []),
                    ...(fix.keepCapabilities.length
                        ? [`the policy keeps ${fix.keepCapabilities.join(' ')}`]
                        : [])
                ].join('; ')
            });
        }
        const unmanaged = plan.unmanaged.filter((p) => !/^\/(var\/)?tmp(\/|$)/.test(p));
        const avoid = fix.avoid['DynamicUser'] ?? fix.avoid['User'];
        if (fix.identity === 'keep') {
            block('DynamicUser', 'policy: keep the unit\u2019s identity', lines);
        }
        else if (avoid !== undefined) {
            block('DynamicUser', `policy: ${avoid}`, lines);
        }
        else if (explicitRoot) {
            block('DynamicUser', `User=${user} is set explicitly (${sources.user.file}:${sources.user.line})`, lines);
        }
        else if (firstTrait(profile, identityBlockers) !== undefined) {
            block('DynamicUser', firstTrait(profile, identityBlockers), lines);
        }
        else if (kept.capabilityException !== undefined) {
            // a transient unprivileged user has no capabilities to use: the service keeps its identity
            const exception = kept.capabilityException;
            block('DynamicUser', `${exceptionReason(exception)}; it keeps ${[...kept.capabilities].sort().join(' ')}, which a dynamic user could not use`, lines);
        }
        else if (unmanaged.length) {
            block('DynamicUser', `it writes ${unmanaged.join(', ')}, which a dynamic user cannot own`, lines);
            observe.push({
                text: `Phase 3 by hand: create a system user (useradd --system --shell /usr/sbin/nologin ${profile.name}), give it ${unmanaged.join(', ')}, and add User=${profile.name} Group=${profile.name}.`
            });
        }
        else if (fix.maxPhase >= 3) {
            identity = offer({
                id: 'DynamicUser',
                directive: 'DynamicUser',
                phase: 3,
                stage: 0,
                lines,
                reason: 'runs as a transient unprivileged user (implies NoNewPrivileges, PrivateTmp, ProtectSystem=strict, RestrictSUIDSGID, ProtectHome=read-only); data goes to systemd-managed directories',
                requires: [],
                rollback: dynamicUserRollback(lines, profile)
            }, identityBlockers);
            observe.push({
                text: 'DynamicUser=: files it reads must be readable by an unprivileged user (keys, certificates: LoadCredential=); data it keeps must live in the declared StateDirectory=/CacheDirectory=/LogsDirectory=.',
                when: ['DynamicUser']
            });
        }
    }
    else if (user !== undefined) {
        block('DynamicUser', `runs as User=${safeText(user, 20)} already (a stable UID: keep it)`);
    }
    const nonRoot = !root;
    // RemoveIPC= removes every IPC object and shared memory segment of the user when the service
    // stops: of other services too where the user is theirs as well (pgbouncer as User=postgres took
    // PostgreSQL's "/PostgreSQL.*" segments in the booted container, session 27; www-data)
    const sharedUser = nonRoot &&
        user !== undefined &&
        !settings.dynamicUser &&
        !namesRelated(user, profile.name) &&
        !profile.programs.some((program) => namesRelated(user, program));
    if (sharedUser)
        block('RemoveIPC', `User=${safeText(user, 20)} is not named after the service: other services may run as it, and RemoveIPC= would remove their IPC objects and shared memory when this one stops`);
    else
        offer({
            id: 'RemoveIPC',
            directive: 'RemoveIPC',
            phase: 3,
            stage: 0,
            lines: [{ key: 'RemoveIPC', value: 'yes' }],
            reason: "its user's System V IPC objects, POSIX message queues and shared memory are removed when it stops",
            requires: nonRoot ? [] : ['DynamicUser']
        }, ['login']);
    if (fix.keepCapabilities.length) {
        block('PrivateUsers', `it keeps ${fix.keepCapabilities.join(' ')} (policy or justified exception), which a user namespace would leave it none of on the host`);
    }
    else if (nonRoot || identity) {
        offer({
            id: 'PrivateUsers',
            directive: 'PrivateUsers',
            phase: 3,
            stage: 1,
            lines: [{ key: 'PrivateUsers', value: 'yes' }],
            reason: 'its own user namespace: no capabilities on the host',
            requires: nonRoot ? [] : ['DynamicUser']
        }, [
            'privileged-port',
            'containers',
            'mount',
            'devices',
            'net-admin',
            'login',
            'setuid',
            'drops-privileges',
            'time',
            'kmsg',
            'sysctl',
            'signals'
        ]);
    }
    if (settings.supplementaryGroups.length) {
        block('SupplementaryGroups', `SupplementaryGroups=${safeText(settings.supplementaryGroups.join(' '), 40)} is set explicitly`);
    }
    // Phase 4 --------------------------------------------------------------------------------------
    // an unprivileged process can use only ambient capabilities: it needs the ones the unit grants
    // (and CAP_NET_BIND_SERVICE for a port below 1024); root may use every one its traits need
    const userNeeded = new Set([...profile.neededCapabilities, ...fix.keepCapabilities]);
    if (has('privileged-port'))
        userNeeded.add('CAP_NET_BIND_SERVICE');
    const needed = new Set(userNeeded);
    for (const [trait, caps] of TRAIT_CAPABILITY_ENTRIES) {
        if (has(trait))
            for (const cap of caps)
                needed.add(cap);
    }
    const capsBlockers = ['containers', 'login'];
    const userNeededList = [...userNeeded].sort();
    const neededList = [...needed].sort();
    const capLines = (list) => {
        const lines = [{ key: 'CapabilityBoundingSet', value: '' }];
        if (list.length) {
            lines.push({
                key: 'CapabilityBoundingSet',
                value: list.join(' '),
                note: () => `kept: ${list.map((cap) => capabilityReason(cap, profile)).join('; ')}`
            });
        }
        return lines;
    };
    const userCapLines = () => capLines(userNeededList);
    // a '!' command runs as root whatever User= says, within the bounding set: root's rules apply
    const rootCommand = profile.commands.some((c) => c.elevated && !c.unsandboxed);
    if (nonRoot && !rootCommand) {
        offer({
            id: 'CapabilityBoundingSet',
            directive: 'CapabilityBoundingSet',
            phase: 4,
            stage: 0,
            lines: userCapLines(),
            reason: 'no capabilities beyond the ones it needs (an unprivileged user has none to use)'
        }, capsBlockers);
    }
    else {
        const drop = joined(CAP_ROOT_ADMIN_DROP, (cap) => !needed.has(cap));
        const rootAdmin = offer({
            id: 'CapabilityBoundingSet-admin',
            directive: 'CapabilityBoundingSet',
            phase: 4,
            stage: 0,
            lines: [{ key: 'CapabilityBoundingSet', value: `~${drop}` }],
            reason: 'root without the administration capabilities a service does not use',
            excludes: ['DynamicUser']
        }, capsBlockers);
        if (identity) {
            offer({
                id: 'CapabilityBoundingSet',
                directive: 'CapabilityBoundingSet',
                phase: 4,
                stage: 0,
                lines: userCapLines(),
                reason: 'no capabilities beyond the ones it needs (it runs as a dynamic user)',
                requires: ['DynamicUser']
            }, capsBlockers);
        }
        offer({
            id: 'CapabilityBoundingSet-root',
            directive: 'CapabilityBoundingSet',
            phase: 4,
            stage: 1,
            lines: capLines(neededList),
            reason: 'root with only the capabilities the unit shows it needs (observe EPERM errors first)',
            supersedes: rootAdmin ? 'CapabilityBoundingSet-admin' : undefined,
            excludes: ['DynamicUser']
        }, [
            ...capsBlockers,
            'drops-privileges',
            'system-writer',
            'setuid',
            'script',
            'unknown-options',
            'monitor'
        ]);
        if (settings.ambientCapabilities !== 0n) {
            offer({
                id: 'AmbientCapabilities',
                directive: 'AmbientCapabilities',
                phase: 4,
                stage: 0,
                lines: [{ key: 'AmbientCapabilities', value: '' }],
                reason: 'no ambient capabilities (as root it has them from the bounding set anyway)',
                excludes: ['DynamicUser']
            }, ['login']);
        }
    }
    // system calls
    const allowedGroups = new Set();
    for (const [trait, groups] of TRAIT_SYSCALL_ENTRIES) {
        if (has(trait))
            for (const group of groups)
                allowedGroups.add(group);
    }
    if (root)
        allowedGroups.add('@resources');
    // a kept group stays allowed, and so does every group sharing a call with it (@privileged holds
    // chroot and pivot_root of @mount, all of @raw-io ...): which of its calls the service makes is
    // not known
    for (const group of kept.syscallGroups) {
        for (const checked of CHECKED_SYSCALL_GROUPS)
            if (groupsOverlap(group, checked, version))
                allowedGroups.add(checked);
    }
    const denyRare = RARE_GROUPS.filter((g) => !allowedGroups.has(g));
    const denyAll = CHECKED_SYSCALL_GROUPS.filter((g) => !allowedGroups.has(g));
    const denyRareText = joined(RARE_GROUPS, (g) => !allowedGroups.has(g));
    const denyAllText = joined(CHECKED_SYSCALL_GROUPS, (g) => !allowedGroups.has(g));
    const errnoLines = (recordedView(settings.recorded)['SystemCallErrorNumber'] ?? []).length
        ? []
        : [
            {
                key: 'SystemCallErrorNumber',
                value: 'EPERM',
                note: 'a filtered call fails with EPERM instead of killing the service'
            }
        ];
    const syscallBlockers = ['containers', 'login'];
    const rare = denyRare.length
        ? offer({
            id: 'SystemCallFilter',
            directive: 'SystemCallFilter',
            phase: 4,
            stage: 0,
            lines: [{ key: 'SystemCallFilter', value: `~${denyRareText}` }, ...errnoLines],
            reason: `denies system calls for ${denyRareText}, which services rarely make`
        }, syscallBlockers)
        : false;
    if (denyAll.length > denyRare.length) {
        const seed = fix.mode === 'baseline' &&
            settings.syscallFilter === undefined &&
            denyAll.length === CHECKED_SYSCALL_GROUPS.length;
        offer({
            id: 'SystemCallFilter-strong',
            directive: 'SystemCallFilter',
            phase: 4,
            stage: 1,
            lines: seed
                ? [
                    { key: 'SystemCallFilter', value: '@system-service' },
                    { key: 'SystemCallFilter', value: '~@privileged @resources' },
                    ...errnoLines
                ]
                : [{ key: 'SystemCallFilter', value: `~${denyAllText}` }, ...errnoLines],
            reason: seed
                ? 'only the system calls of ordinary services (the seed baseline), without @privileged and @resources'
                : `denies ${denyAllText}`,
            supersedes: rare ? 'SystemCallFilter' : undefined
        }, syscallBlockers);
    }
    {
        const archs = settings.syscallArchitectures;
        const lines = archs.size > 0 ? [{ key: 'SystemCallArchitectures', value: '' }] : [];
        lines.push({ key: 'SystemCallArchitectures', value: 'native' });
        offer({
            id: 'SystemCallArchitectures',
            directive: 'SystemCallArchitectures',
            phase: 4,
            stage: 0,
            lines,
            reason: 'native system calls only: no 32-bit ABI that filters forget'
        }, ['multiarch', 'containers', 'login']);
    }
    offer({
        id: 'MemoryDenyWriteExecute',
        directive: 'MemoryDenyWriteExecute',
        phase: 4,
        stage: 0,
        lines: [{ key: 'MemoryDenyWriteExecute', value: 'yes' }],
        reason: 'no memory both writable and executable (what injected code needs)'
    }, ['jit', 'script', 'login', 'containers', 'multiarch', 'unknown-options']);
    offer({
        id: 'LockPersonality',
        directive: 'LockPersonality',
        phase: 4,
        stage: 0,
        lines: [{ key: 'LockPersonality', value: 'yes' }],
        reason: 'it cannot switch execution domain'
    }, ['multiarch', 'login']);
    offer({
        id: 'RestrictRealtime',
        directive: 'RestrictRealtime',
        phase: 4,
        stage: 0,
        lines: [{ key: 'RestrictRealtime', value: 'yes' }],
        reason: 'no real-time scheduling that could starve the machine'
    }, ['realtime', 'login']);
    offer({
        id: 'RestrictSUIDSGID',
        directive: 'RestrictSUIDSGID',
        phase: 4,
        stage: 0,
        lines: [{ key: 'RestrictSUIDSGID', value: 'yes' }],
        reason: 'it cannot create setuid or setgid files'
    }, ['system-writer', 'login']);
    // the types a justified exception allows stay allowed (RestrictNamespaces= lists what is allowed)
    const keptNamespaces = NAMESPACE_TYPES.filter((type) => kept.namespaces.has(type));
    if (keptNamespaces.length < NAMESPACE_TYPES.length) {
        offer({
            id: 'RestrictNamespaces',
            directive: 'RestrictNamespaces',
            phase: 4,
            stage: 0,
            lines: [
                {
                    key: 'RestrictNamespaces',
                    value: keptNamespaces.length ? keptNamespaces.join(' ') : 'yes'
                }
            ],
            reason: keptNamespaces.length
                ? `it cannot create namespaces but ${keptNamespaces.join(', ')} (its justified exceptions)`
                : 'it cannot create namespaces (a common step of kernel exploits)'
        }, ['containers', 'login', 'mount']);
    }
    // before 252, ProtectClock= also added DeviceAllow=char-rtc r whatever the device policy: with
    // none set, that confines the service to the RTC and the pseudo devices (systemd PR #25075; the
    // scores do not change, an automatic device policy counts as none)
    const clockConfinesDevices = version < PROTECT_CLOCK_KEEPS_DEVICES;
    if (clockConfinesDevices && kept.devicesException !== undefined) {
        const exception = kept.devicesException;
        block('ProtectClock', `${exceptionReason(exception)}; before systemd 252 ProtectClock= also limits its devices to the RTC`);
    }
    else {
        offer({
            id: 'ProtectClock',
            directive: 'ProtectClock',
            phase: 4,
            stage: 0,
            lines: [{ key: 'ProtectClock', value: 'yes' }],
            reason: 'it cannot set the system or hardware clock'
        }, clockConfinesDevices ? ['time', 'login', 'devices'] : ['time', 'login']);
    }
    offer({
        id: 'ProtectHostname',
        directive: 'ProtectHostname',
        phase: 4,
        stage: 0,
        lines: [{ key: 'ProtectHostname', value: 'yes' }],
        reason: 'it cannot change the host name'
    }, ['hostname', 'containers', 'login']);
    if (settings.keyringMode !== 'private') {
        // a user's manager gives its services the user's keyring unless told otherwise: what the
        // service does with it (Kerberos tickets, ecryptfs, keyctl) is not in the unit
        const lines = [{ key: 'KeyringMode', value: 'private' }];
        if (userManager !== undefined && sources.keyringMode === undefined)
            block('KeyringMode', "a user's service manager gives its services the user's keyring (KeyringMode=inherit " +
                'by default): KeyringMode=private if it uses no keys of the session (Kerberos ' +
                'tickets, ecryptfs, keyctl)', lines);
        else
            block('KeyringMode', `KeyringMode=${settings.keyringMode} is set explicitly`, lines);
    }
    if (settings.notifyAccess === 'all') {
        // a unit sets `all` for a process other than the main one that reports readiness (squid's
        // worker: with `exec` it never started, "reception only permitted for main PID", session 27)
        const where = sources.notifyAccess;
        block('NotifyAccess', `NotifyAccess=all is set in the unit${where ? ` (${where.file}:${where.line})` : ''}: a process other than the main one sends its notifications`);
    }
    if (settings.delegate)
        block('Delegate', 'Delegate= is set explicitly: it manages its own control groups');
    // Phase 5 --------------------------------------------------------------------------------------
    const network = fix.network === 'none'
        ? 'no'
        : fix.network === 'required'
            ? 'yes'
            : has('no-network')
                ? 'no'
                : has('network') || has('privileged-port')
                    ? 'yes'
                    : 'unknown';
    const families = new Set(['AF_UNIX', ...profile.neededFamilies, ...fix.addressFamilies]);
    if (network !== 'no') {
        families.add('AF_INET');
        families.add('AF_INET6');
    }
    for (const [trait, family] of TRAIT_FAMILIES)
        if (has(trait))
            families.add(family);
    const familyList = [
        'AF_UNIX',
        'AF_INET',
        'AF_INET6',
        'AF_NETLINK',
        'AF_PACKET',
        ...[...families].sort()
    ].filter((f, i, all) => families.has(f) && all.indexOf(f) === i);
    const afLines = settings.addressFamilies !== undefined ? [{ key: 'RestrictAddressFamilies', value: '' }] : [];
    afLines.push({
        key: 'RestrictAddressFamilies',
        value: familyList.join(' '),
        note: network === 'no'
            ? 'it uses no IP network'
            : () => `kept: ${familyList.map((f) => familyReason(f, profile, network)).join('; ')}`
    });
    offer({
        id: 'RestrictAddressFamilies',
        directive: 'RestrictAddressFamilies',
        phase: 5,
        stage: 0,
        lines: afLines,
        reason: 'only the socket families it uses'
    }, ['containers', 'login']);
    const localOnly = profile.ports.length > 0 &&
        profile.ports.every((p) => p.local) &&
        network === 'yes' &&
        profile.traits.get('network') === profile.ports[0].evidence;
    if (network === 'no') {
        offer({
            id: 'PrivateNetwork',
            directive: 'PrivateNetwork',
            phase: 5,
            stage: 0,
            lines: [{ key: 'PrivateNetwork', value: 'yes' }],
            reason: `no network but its own loopback (${firstTrait(profile, ['no-network']) ?? 'policy: network none'})`
        }, 
        // (netlink in a network namespace of its own sees its loopback only, and no udev events)
        ['containers', 'login', 'net-admin', 'netlink', 'uevents', 'bluetooth']);
        offer({
            id: 'IPAddressDeny',
            directive: 'IPAddressDeny',
            phase: 5,
            stage: 0,
            lines: [{ key: 'IPAddressDeny', value: 'any' }],
            reason: 'no IP traffic at all'
        }, ['containers', 'login']);
    }
    else {
        const why = network === 'yes'
            ? (profile.traits.get('network') ??
                profile.traits.get('privileged-port') ??
                'policy: network required')
            : 'the unit does not show whether it uses the network (observe first)';
        block('PrivateNetwork', why, [{ key: 'PrivateNetwork', value: 'yes' }]);
        if (localOnly) {
            offer({
                id: 'IPAddressDeny',
                directive: 'IPAddressDeny',
                phase: 5,
                stage: 1,
                lines: [
                    { key: 'IPAddressDeny', value: 'any' },
                    {
                        key: 'IPAddressAllow',
                        value: 'localhost',
                        note: `it listens on localhost only (${profile.ports[0].evidence})`
                    }
                ],
                reason: 'IP traffic with localhost only (observe: outgoing connections to other hosts need IPAddressAllow=)'
            }, ['containers', 'login']);
        }
        else {
            block('IPAddressDeny', `${why}; the hosts it talks to are not in the unit`, [
                { key: 'IPAddressDeny', value: 'any' }
            ]);
        }
        if (network === 'unknown') {
            observe.push({
                text: 'Which ports and hosts does it use? The unit shows none, so the network stays (AF_INET/AF_INET6 kept, no PrivateNetwork=). Check `ss -tulpn` and `ss -tnp` while it runs: a service without sockets can add PrivateNetwork=yes; one that talks to a few hosts can add IPAddressDeny=any with IPAddressAllow= for them.'
            });
        }
    }
    // facts the unit hides
    if (profile.environmentFiles.length || has('unknown-options')) {
        const files = profile.environmentFiles.filter(isSafePath);
        observe.push({
            text: `Its options come from ${files.length ? `EnvironmentFile=${files.join(' ')}` : 'environment variables'}, which the gate cannot read: check them for ports below 1024 (CAP_NET_BIND_SERVICE) and data paths (ReadWritePaths=).`
        });
    }
    if (has('script')) {
        observe.push({
            text: `ExecStart runs ${profile.traits.get('script')}: what it starts decides MemoryDenyWriteExecute= and the system-call filter, so MemoryDenyWriteExecute= is left out.`
        });
    }
    if (root && !has('devices')) {
        observe.push({
            text: 'PrivateDevices=yes hides hardware: if it uses serial ports, disks or GPUs, use DevicePolicy=closed with DeviceAllow= for them instead.',
            when: ['PrivateDevices']
        });
    }
    // a switch the unit's author turned off may be off for a reason the unit does not show (lldpd's
    // ProtectKernelTunables=no, munin-node's PrivateDevices=false): the drop-in turns it on again
    for (const { directive, at } of sources.turnedOff) {
        observe.push({
            text: `${directive}= is turned off in the unit (${safeText(at.file.slice(at.file.lastIndexOf('/') + 1), 60)}:${at.line}) and the drop-in turns it on: check why it was off first (a comment there, the package's changelog).`,
            when: candidates.filter((c) => c.directive === directive).map((c) => c.id)
        });
    }
    return { candidates, blocked, observe };
}
/**
 * The members of a constant list that `keep` keeps, joined with spaces; the same string object for
 * the same members (the engine's caches key on such strings: they hash once).
 */
function joined(list, keep) {
    let key = 0;
    const members = [];
    for (let i = 0; i < list.length; i++) {
        if (!keep(list[i]))
            continue;
        members.push(list[i]);
        if (i < 30)
            key |= 1 << i;
        else
            key = -1;
    }
    if (key < 0)
        return members.join(' ');
    let byKey = JOINED.get(list);
    if (byKey === undefined) {
        byKey = new Map();
        JOINED.set(list, byKey);
    }
    let text = byKey.get(key);
    if (text === undefined) {
        text = members.join(' ');
        byKey.set(key, text);
    }
    return text;
}
const JOINED = new Map();
function capabilityReason(cap, profile) {
    if (profile.neededCapabilities.has(cap))
        return `${cap} (set in the unit)`;
    for (const trait of CAPABILITY_TRAITS.get(cap) ?? []) {
        if (profile.traits.has(trait))
            return `${cap} (${profile.traits.get(trait)})`;
    }
    return `${cap} (policy)`;
}
/** By capability: the traits that need it, in TRAIT_CAPABILITIES order. */
const CAPABILITY_TRAITS = new Map();
for (const [trait, caps] of TRAIT_CAPABILITY_ENTRIES) {
    for (const cap of caps) {
        const traits = CAPABILITY_TRAITS.get(cap) ?? [];
        if (!traits.includes(trait))
            traits.push(trait);
        CAPABILITY_TRAITS.set(cap, traits);
    }
}
function familyReason(family, profile, network) {
    if (family === 'AF_UNIX')
        return 'AF_UNIX (local sockets, logging)';
    if (family === 'AF_INET' || family === 'AF_INET6') {
        return `${family} (${network === 'yes' ? 'network' : 'network not ruled out'})`;
    }
    const trait = TRAIT_FAMILIES.find(([, f]) => f === family)?.[0];
    const evidence = trait === undefined ? undefined : profile.traits.get(trait);
    if (evidence !== undefined)
        return `${family} (${evidence})`;
    return `${family} (set in the unit or the policy)`;
}
/** The candidate with its index, every field present (one object shape for the search). */
function indexed(c, index) {
    return {
        id: c.id,
        directive: c.directive,
        phase: c.phase,
        stage: c.stage,
        lines: c.lines,
        reason: c.reason,
        supersedes: c.supersedes,
        requires: c.requires,
        excludes: c.excludes,
        rollback: c.rollback,
        index
    };
}
/** Applies lines; false when the target version would ignore one of them. */
function applyLines(settings, lines, ctx) {
    let ok = true;
    for (const line of lines) {
        if (!applyServiceAssignment(settings, line.key, line.value, ctx.unit, ctx.version))
            ok = false;
    }
    return ok;
}
/**
 * What applying a candidate's lines to the base changes, as values to assign: evaluating a set is
 * then assigning its patches, with no parsing. Valid because co-chosen candidates never write the
 * same directive (variants of one directive supersede or exclude each other).
 */
/** The candidate's patch; undefined when the target version would ignore one of its lines. */
function patchOf(candidate, ctx) {
    let node = PATCHES.get(ctx.version);
    if (node === undefined) {
        node = {};
        PATCHES.set(ctx.version, node);
    }
    for (const line of candidate.lines) {
        // lines that change no setting a patch holds
        if (SCORE_NEUTRAL.has(line.key))
            continue;
        // specifiers expand with the unit's name: such lines are not shared between units
        if (line.value.includes('%'))
            return tracedPatch(candidate.lines, ctx).patch;
        node = childNode(childNode(node, line.key), line.value);
    }
    const entries = node.entries;
    if (entries !== undefined) {
        for (const entry of entries)
            if (readsMatch(entry, ctx))
                return patchFromEntry(entry, ctx.base);
    }
    const traced = tracedPatch(candidate.lines, ctx);
    if (traced.entry !== undefined) {
        const list = (node.entries ??= []);
        if (list.length >= MAX_PATCHES_PER_KEY)
            list.shift();
        list.push(traced.entry);
    }
    return traced.patch;
}
/**
 * Directives that change no setting a patch holds: only recorded, or read by the refusal checks
 * alone (which the fix engine asks with the whole lines, see refusalCheck).
 */
const SCORE_NEUTRAL = new Set([
    ...Object.keys(RECORDED_DIRECTIVES).filter((key) => !Object.hasOwn(DIRECTIVES, key)),
    ...REFUSAL_ONLY_DIRECTIVES
]);
const PATCHES = new Map();
let patchNodes = 0;
const MAX_PATCH_NODES = 50_000;
const MAX_PATCHES_PER_KEY = 16;
function childNode(node, key) {
    const next = (node.next ??= new Map());
    let child = next.get(key);
    if (child === undefined) {
        // a bound on the memory: start again (the node being walked is dropped with the rest)
        if (++patchNodes > MAX_PATCH_NODES) {
            PATCHES.clear();
            patchNodes = 0;
        }
        child = {};
        next.set(key, child);
    }
    return child;
}
function readsMatch(entry, ctx) {
    for (let i = 0; i < entry.reads.length; i++) {
        if (!same(ctx.base[entry.reads[i]], entry.readValues[i]))
            return false;
    }
    return true;
}
function patchFromEntry(entry, base) {
    if (!entry.ok)
        return undefined;
    const fields = [];
    const values = [];
    let all = true;
    for (let i = 0; i < entry.fields.length; i++) {
        const field = entry.fields[i];
        const source = entry.sources[i];
        const value = source === undefined ? entry.values[i] : base[source];
        if (value === base[field]) {
            all = false;
            continue;
        }
        fields.push(field);
        values.push(value);
    }
    // the common case: one patch for every unit (the scorers only add the fields' numbers to it)
    if (all && entry.sources.every((s) => s === undefined))
        return (entry.shared ??= { fields, values });
    return { fields, values };
}
/** Applies the lines to the base, noting what the appliers read from it. */
function tracedPatch(lines, ctx) {
    const base = ctx.base;
    const reads = [];
    const readObjects = [];
    // 'recorded' is only read to be copied into the new 'recorded', which is no part of a patch
    const traced = new Proxy(base, {
        get(target, property) {
            const value = Reflect.get(target, property);
            if (typeof property === 'string' && !isUnscoredField(property)) {
                reads.push(property);
                readObjects.push(value);
            }
            return value;
        }
    });
    // the lines write into an object whose prototype is the base: its own properties are the patch
    const after = Object.create(traced);
    // SystemCallFilter= is the one directive whose value is updated in place: give it a copy
    if (lines.some((l) => l.key === 'SystemCallFilter')) {
        const filter = traced.syscallFilter;
        if (filter)
            after.syscallFilter = copySyscallFilter(filter);
    }
    const ok = applyLines(after, lines.filter((line) => !SCORE_NEUTRAL.has(line.key)), ctx);
    const fields = [];
    const values = [];
    for (const key of Object.keys(after)) {
        if (isUnscoredField(key))
            continue;
        fields.push(key);
        values.push(after[key]);
    }
    const patch = ok ? patchFrom(after, base) : undefined;
    const readValues = [];
    for (const value of readObjects) {
        const copy = snapshot(value);
        if (copy === UNKNOWN$1)
            return { patch };
        readValues.push(copy);
    }
    const sources = values.map((value) => {
        if (typeof value !== 'object' || value === null)
            return undefined;
        const index = readObjects.indexOf(value);
        return index < 0 ? undefined : reads[index];
    });
    return {
        patch,
        entry: { reads, readValues, ok, fields, values, sources }
    };
}
/**
 * A value of the settings as it is now: primitives as they are, collections and plain objects copied
 * (in order); UNKNOWN for anything else. same() tells whether a value is still (or again) that.
 */
function snapshot(value) {
    if (typeof value === 'function')
        return UNKNOWN$1;
    if (typeof value !== 'object' || value === null)
        return value;
    const items = [];
    const add = (item) => {
        const copy = snapshot(item);
        items.push(copy);
        return copy !== UNKNOWN$1;
    };
    if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++)
            if (!add(value[i]))
                return UNKNOWN$1;
        return new Snapshot(Kind.Array, items);
    }
    if (value instanceof Set) {
        for (const item of value)
            if (!add(item))
                return UNKNOWN$1;
        return new Snapshot(Kind.Set, items);
    }
    if (value instanceof Map) {
        for (const [k, v] of value)
            if (!add(k) || !add(v))
                return UNKNOWN$1;
        return new Snapshot(Kind.Map, items);
    }
    const prototype = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null)
        return UNKNOWN$1;
    const keys = Object.keys(value);
    for (const key of keys)
        if (!add(value[key]))
            return UNKNOWN$1;
    return new Snapshot(Kind.Object, items, keys);
}
const UNKNOWN$1 = Symbol('unknown');
/** What a Snapshot copies. */
const Kind = { Array: 0, Set: 1, Map: 2, Object: 3 };
class Snapshot {
    kind;
    items;
    keys;
    constructor(kind, items, keys) {
        this.kind = kind;
        this.items = items;
        this.keys = keys;
    }
}
function same(value, copy) {
    if (!(copy instanceof Snapshot))
        return Object.is(value, copy);
    if (typeof value !== 'object' || value === null)
        return false;
    const items = copy.items;
    let i = 0;
    switch (copy.kind) {
        case Kind.Array:
            if (!Array.isArray(value) || value.length !== items.length)
                return false;
            for (; i < items.length; i++)
                if (!same(value[i], items[i]))
                    return false;
            return true;
        case Kind.Set:
            if (!(value instanceof Set) || value.size !== items.length)
                return false;
            for (const item of value)
                if (!same(item, items[i++]))
                    return false;
            return true;
        case Kind.Map:
            if (!(value instanceof Map) || value.size * 2 !== items.length)
                return false;
            for (const [k, v] of value)
                if (!same(k, items[i++]) || !same(v, items[i++]))
                    return false;
            return true;
        default: {
            const prototype = Object.getPrototypeOf(value);
            if (prototype !== Object.prototype && prototype !== null)
                return false;
            const keys = Object.keys(value);
            if (keys.length !== items.length)
                return false;
            for (; i < keys.length; i++) {
                if (keys[i] !== copy.keys[i])
                    return false;
                if (!same(value[keys[i]], items[i]))
                    return false;
            }
            return true;
        }
    }
}
/** The patches from the scorer's current variant to `set`: take out what goes, then add what comes. */
function deltaTo(set, ctx) {
    const patches = [];
    const { inSet, inCurrent } = ctx;
    for (const c of set)
        inSet[indexOf(c)] = 1;
    for (const c of ctx.current)
        if (inSet[indexOf(c)] === 0)
            patches.push(ctx.reverts[indexOf(c)]);
    for (const c of set)
        if (inCurrent[indexOf(c)] === 0)
            patches.push(ctx.patches[indexOf(c)]);
    for (const c of set)
        inSet[indexOf(c)] = 0;
    return patches;
}
function indexOf(candidate) {
    return candidate.index;
}
/**
 * The exposure of the unit with these candidates, before rounding up (100 * badness / weight), so
 * that changes too small to move the printed score still count; Math.ceil() gives the tenths.
 */
function evaluate(set, ctx) {
    if (ctx.fullScoring)
        return evaluateFully(set, ctx);
    // one pass: the set's bits (indexes below 30, then up to 51), its key (a small integer for up to
    // 30 candidates), and what its independent candidates change
    const { independent, deltaBadness, deltaWeight } = ctx;
    let low = 0;
    let high = 0;
    let badness = 0;
    let weight = 0;
    let unknown = false;
    for (const c of set) {
        const index = indexOf(c);
        // (a candidate twice, or an index beyond the bits: scored whole, without a key)
        if (index < 30 && (low & (1 << index)) === 0)
            low |= 1 << index;
        else if (index >= 30 && index < 52 && (high & (1 << (index - 30))) === 0)
            high |= 1 << (index - 30);
        else
            return scoreWhole(set, ctx);
        if (independent[index] === 1) {
            const delta = deltaBadness[index];
            if (Number.isNaN(delta))
                unknown = true;
            else {
                badness += delta;
                weight += deltaWeight[index];
            }
        }
    }
    // sets with a blocked directive are scored once: not kept
    const kept = (low & ~ctx.candidatesLow) === 0 && (high & ~ctx.candidatesHigh) === 0;
    const key = high * 0x40000000 + low;
    if (kept) {
        const known = ctx.exposures.get(key);
        if (known !== undefined)
            return known;
    }
    let split = true;
    if ((low & ctx.againstLow) !== 0 || (high & ctx.againstHigh) !== 0) {
        for (const c of set) {
            for (const j of ctx.against[indexOf(c)]) {
                if (((j < 30 ? low >>> j : high >>> (j - 30)) & 1) === 1)
                    split = false;
            }
        }
    }
    let exposure = NaN;
    if (split && (!unknown || measureAlone(set, ctx))) {
        if (unknown) {
            // what the independent candidates change, all known now
            badness = 0;
            weight = 0;
            for (const c of set) {
                const index = indexOf(c);
                if (independent[index] === 0)
                    continue;
                badness += deltaBadness[index];
                weight += deltaWeight[index];
            }
        }
        const sums = coupledSums(set, low, high, ctx);
        badness += sums.badness;
        weight += sums.weight;
        exposure = weight === 0 ? 0 : (badness * 100) / weight;
    }
    else
        exposure = scoreWhole(set, ctx);
    if (kept)
        ctx.exposures.set(key, exposure);
    return exposure;
}
/** No index (shared: never changed). */
const NONE$1 = [];
/** Sets a bit of a SearchContext's masks (indexes below 52). */
function setBit(ctx, low, high, index) {
    if (index < 30)
        ctx[low] |= 1 << index;
    else if (index < 52)
        ctx[high] |= 1 << (index - 30);
}
/** Scores the whole set with the scorer. */
function scoreWhole(set, ctx) {
    ctx.scorer.trial(deltaTo(set, ctx));
    const { scoredBadness: badness, scoredWeight: weight } = ctx.scorer;
    return weight === 0 ? 0 : (badness * 100) / weight;
}
/**
 * A set is scored in two parts: the scorer takes the candidates that interact (its current variant
 * differs from theirs by little), each independent candidate adds what it changes alone
 * (VariantScorer independent()). These are the sums of the first part.
 */
function coupledSums(set, low, high, ctx) {
    const scorer = ctx.scorer;
    const key = (high & ~ctx.independentHigh) * 0x40000000 + (low & ~ctx.independentLow);
    let sums = ctx.coupledSums.get(key);
    if (sums === undefined) {
        const coupled = [];
        for (const c of set)
            if (ctx.independent[indexOf(c)] === 0)
                coupled.push(c);
        const patches = deltaTo(coupled, ctx);
        if (patches.length === 0)
            sums = { badness: scorer.badness, weight: scorer.weight };
        else {
            scorer.trial(patches);
            sums = { badness: scorer.scoredBadness, weight: scorer.scoredWeight };
        }
        ctx.coupledSums.set(key, sums);
    }
    return sums;
}
/**
 * Measures what the set's independent candidates not measured yet change alone; false when one
 * cannot be measured now (a variant of its directive is in the scorer's variant).
 */
function measureAlone(set, ctx) {
    const scorer = ctx.scorer;
    for (const c of set) {
        const index = indexOf(c);
        if (ctx.independent[index] === 0 || !Number.isNaN(ctx.deltaBadness[index]))
            continue;
        for (const j of ctx.against[index])
            if (ctx.inCurrent[j] === 1)
                return false;
        const alone = scorer.alone(ctx.patches[index]);
        if (alone !== undefined) {
            ctx.deltaBadness[index] = alone.badness;
            ctx.deltaWeight[index] = alone.weight;
        }
        else {
            scorer.trial([ctx.patches[index]]);
            ctx.deltaBadness[index] = scorer.scoredBadness - scorer.badness;
            ctx.deltaWeight[index] = scorer.scoredWeight - scorer.weight;
        }
    }
    return true;
}
/** The exposure of the unit with these candidates, every line and drop-in applied again. */
function evaluateFully(set, ctx) {
    // a drop-in sorting after ours may build on our lines (lists merge): apply everything in order
    const settings = copySettings(ctx.base);
    for (const candidate of set)
        applyLines(settings, candidate.lines, ctx);
    for (const dropIn of ctx.after)
        applyDropInTo(settings, dropIn, ctx.unit, ctx.version);
    applyImpliedSettings(settings, ctx.unit);
    return exposureOfSettings(settings, ctx.version, ctx.policy, { fine: true });
}
/** Makes `set` the scorer's current variant, so that the next variants differ from it by little. */
function moveTo(set, ctx) {
    if (ctx.fullScoring)
        return;
    // the scorer keeps the candidates that interact (see score())
    const coupled = [];
    for (const c of set)
        if (ctx.independent[indexOf(c)] !== 1)
            coupled.push(c);
    const patches = deltaTo(coupled, ctx);
    if (patches.length)
        ctx.scorer.commit(patches);
    for (const c of ctx.current)
        ctx.inCurrent[indexOf(c)] = 0;
    ctx.current = coupled;
    for (const c of coupled)
        ctx.inCurrent[indexOf(c)] = 1;
}
/**
 * The drop-ins after ours applied once to the base, noting what they read from it and write: when
 * they read nothing a candidate writes, every variant is the base with them applied, plus the
 * candidates' patches (less what they overwrite).
 */
function applyAfter(base, after, unit, version) {
    // a copy: SystemCallFilter= updates the filter in place
    const settings = copySettings(base);
    const reads = new Set();
    // 'recorded' is only read to be copied into the new 'recorded', which no row reads
    const traced = new Proxy(settings, {
        get(target, property) {
            if (typeof property === 'string' && property !== 'recorded')
                reads.add(property);
            return Reflect.get(target, property);
        }
    });
    const written = Object.create(traced);
    for (const dropIn of after)
        applyDropInTo(written, dropIn, unit, version);
    const writes = new Set(Object.keys(written));
    writes.delete('recorded');
    Object.assign(settings, written);
    return { settings, reads, writes };
}
/** The candidate's patch on the scorer's settings: what a drop-in after ours overwrites drops out. */
function scorerPatch(patch, ctx) {
    const writes = ctx.afterWrites;
    if (writes === undefined || !patch.fields.some((f) => writes.has(f)))
        return patch;
    const fields = [];
    const values = [];
    patch.fields.forEach((field, i) => {
        if (writes.has(field))
            return;
        fields.push(field);
        values.push(patch.values[i]);
    });
    return { fields, values };
}
/** The drop-in's order: phase, then stage, then the given rank. */
function ordered(set, rank) {
    return [...set].sort((a, b) => a.phase - b.phase || a.stage - b.stage || (rank.get(a.id) ?? 0) - (rank.get(b.id) ?? 0));
}
function allowedWith(candidate, set) {
    if (candidate.requires?.some((id) => !set.some((c) => c.id === id)))
        return false;
    if (candidate.excludes?.some((id) => set.some((c) => c.id === id)))
        return false;
    return true;
}
function withCandidate(set, candidate) {
    const next = [];
    const supersedes = candidate.supersedes;
    for (const c of set)
        if (c.id !== supersedes)
            next.push(c);
    next.push(candidate);
    return next;
}
// created only for ids outside [A-Za-z0-9-]: building a collator costs milliseconds at every start
let collator;
const PLAIN_ID = /^[A-Za-z0-9-]*$/;
/** A character's primary weight in ICU's root collation: '-' < digits < letters (any case). */
function primaryWeight(code) {
    if (code === 0x2d)
        return 0;
    if (code <= 0x39)
        return code - 0x30 + 1;
    return (code | 0x20) - 0x61 + 11;
}
/**
 * String.prototype.localeCompare() without arguments (ICU root collation) for candidate ids: for
 * letters, digits and '-' that is letters compared without case, then lower case before upper case
 * at the first difference (tested against Intl.Collator).
 */
function compareIds(a, b) {
    if (!PLAIN_ID.test(a) || !PLAIN_ID.test(b))
        return (collator ??= new Intl.Collator()).compare(a, b);
    const length = Math.min(a.length, b.length);
    for (let i = 0; i < length; i++) {
        const p = primaryWeight(a.charCodeAt(i));
        const q = primaryWeight(b.charCodeAt(i));
        if (p !== q)
            return p < q ? -1 : 1;
    }
    if (a.length !== b.length)
        return a.length < b.length ? -1 : 1;
    for (let i = 0; i < length; i++) {
        const p = a.charCodeAt(i);
        const q = b.charCodeAt(i);
        // same letter in another case: lower case (the higher code) first
        if (p !== q)
            return p > q ? -1 : 1;
    }
    return 0;
}
/** Chooses the candidates: phase by phase until the target, then drops what is not needed. */
function search(candidates, ctx, start, target, mode) {
    let chosen = [];
    let exposure = start;
    const rank = new Map();
    const done = () => mode === 'minimal' && exposure <= target;
    // the tiers: phase by phase, the safe variants then the stronger ones
    const tiers = new Map();
    for (const c of candidates) {
        if (c.stage !== 0 && c.stage !== 1)
            continue;
        const key = c.phase * 2 + c.stage;
        const tier = tiers.get(key);
        if (tier)
            tier.push(c);
        else
            tiers.set(key, [c]);
    }
    for (const phase of [1, 2, 3, 4, 5]) {
        for (const stage of [0, 1]) {
            if (done())
                break;
            const tier = tiers.get(phase * 2 + stage) ?? [];
            if (!tier.length)
                continue;
            // a tier that does not reach the target even whole is taken whole (baseline mode: always)
            let whole = chosen;
            for (const candidate of tier)
                if (allowedWith(candidate, whole))
                    whole = withCandidate(whole, candidate);
            const wholeExposure = evaluate(whole, ctx);
            if (mode === 'baseline' || wholeExposure > target) {
                if (wholeExposure < exposure) {
                    chosen = whole;
                    exposure = wholeExposure;
                    moveTo(chosen, ctx);
                }
                continue;
            }
            // the tier that reaches the target: its candidates by score gained, until the target
            const gains = new Map();
            for (const candidate of tier) {
                if (!allowedWith(candidate, chosen))
                    continue;
                gains.set(candidate.id, exposure - evaluate(withCandidate(chosen, candidate), ctx));
            }
            const byGain = tier
                .filter((c) => (gains.get(c.id) ?? 0) > 0)
                .sort((a, b) => gains.get(b.id) - gains.get(a.id) || compareIds(a.id, b.id));
            for (const candidate of byGain) {
                if (done())
                    break;
                if (!allowedWith(candidate, chosen))
                    continue;
                const next = withCandidate(chosen, candidate);
                const nextExposure = evaluate(next, ctx);
                if (nextExposure < exposure) {
                    chosen = next;
                    exposure = nextExposure;
                    moveTo(chosen, ctx);
                }
            }
        }
    }
    // Drop what is not needed, riskiest first (minimal: for the target; baseline: what gains nothing);
    // a stronger variant may fall back to its safe one. The leave-one-out gains order each phase.
    const limit = mode === 'minimal' && exposure <= target ? target : exposure;
    for (const candidate of ordered(chosen, rank).reverse()) {
        if (chosen.some((c) => c.requires?.includes(candidate.id)))
            continue;
        const without = chosen.filter((c) => c.id !== candidate.id);
        const withoutExposure = evaluate(without, ctx);
        // a larger gain sorts first within its phase
        rank.set(candidate.id, exposure - withoutExposure);
        if (withoutExposure <= limit) {
            chosen = without;
            exposure = withoutExposure;
            moveTo(chosen, ctx);
            continue;
        }
        const safer = candidate.supersedes
            ? candidates.find((c) => c.id === candidate.supersedes)
            : undefined;
        if (safer && allowedWith(safer, without) && mode === 'minimal') {
            const fallback = [...without, safer];
            const fallbackExposure = evaluate(fallback, ctx);
            if (fallbackExposure <= limit) {
                chosen = fallback;
                exposure = fallbackExposure;
                moveTo(chosen, ctx);
            }
        }
    }
    return { chosen, rank };
}
// ---------------------------------------------------------------------------------------------------
// the file
function gainText(tenths) {
    if (tenths === 0)
        return '0.0'; // not "-0.0"
    return tenths > 0 ? `-${formatExposure(tenths)}` : `+${formatExposure(-tenths)}`;
}
/** Comment lines wrapped at 100 columns, each starting with '# ' (and an indent on continuation). */
/** The comment's lines, each with its newline. */
function comment(text, indent = '') {
    let cache = COMMENTS.get(indent);
    if (cache === undefined) {
        cache = new Map();
        COMMENTS.set(indent, cache);
    }
    let lines = cache.get(text);
    if (lines === undefined) {
        lines = linesOf(wrapComment(text, indent));
        if (cache.size >= MAX_COMMENTS)
            cache.clear();
        cache.set(text, lines);
    }
    return lines;
}
/** Comments wrapped already, by indent and text: most texts recur in every drop-in. */
const COMMENTS = new Map();
const MAX_COMMENTS = 10_000;
/** A candidate's comment line(s): its gain and its reason (by reason, then gain). */
function reasonComment(gain, reason) {
    let byGain = REASONS.get(reason);
    if (byGain === undefined) {
        if (REASONS.size >= MAX_COMMENTS)
            REASONS.clear();
        byGain = new Map();
        REASONS.set(reason, byGain);
    }
    let lines = byGain.get(gain);
    if (lines === undefined) {
        lines = linesOf(wrapComment(`${gainText(gain)}: ${reason}`, ''));
        byGain.set(gain, lines);
    }
    return lines;
}
const REASONS = new Map();
/** Lines as text, each with its newline. */
function linesOf(lines) {
    let text = '';
    for (const line of lines)
        text += `${line}\n`;
    return text;
}
/** The comment that heads a phase: what to watch. */
const WATCH = new Map(PHASES.map((phase) => [phase.number, linesOf(wrapComment(`Watch: ${phase.watch}.`, ''))]));
function wrapComment(text, indent) {
    const words = text.split(/\s+/).filter(Boolean);
    const lines = [];
    let line = `#${indent} `;
    const start = line;
    for (const word of words) {
        if (line.length + word.length + 1 > 100 && line !== start) {
            lines.push(line.trimEnd());
            line = `#${indent}   `;
        }
        line += (line.endsWith(' ') ? '' : ' ') + word;
    }
    if (line.trim() !== '#')
        lines.push(line.trimEnd());
    return lines;
}
function lineText(line) {
    return `${line.key}=${line.value}`;
}
// ---------------------------------------------------------------------------------------------------
function dirnameOf(path) {
    const slash = path.lastIndexOf('/');
    return slash < 0 ? '' : path.slice(0, slash + 1);
}
const decoder = new TextDecoder();
const encoder$1 = new TextEncoder();
function isGenerated(file) {
    return (file.bytes !== null && decoder.decode(file.bytes.subarray(0, 200)).startsWith(GENERATED_MARKER));
}
/** Computes the suggestion for a unit above the target; undefined when it is at or below it. */
function suggestDropIn(input) {
    const { unit, main, version, loaded } = input;
    const fix = input.policy.fix ?? DEFAULT_FIX;
    const target = Math.min(fix.target ?? input.threshold, input.threshold);
    const { fileName, path, replaces, before, after } = placement(main, input.dropIns, input.requestedAs && unit);
    // the settings the drop-in builds on: the unit and the drop-ins sorting before it
    const base = before.length === input.dropIns.length && loaded.raw
        ? loaded.raw
        : readRawSettings({
            unit,
            main,
            dropIns: before,
            version,
            manager: loaded.settings.userManager ? 'user' : undefined
        });
    if (!base)
        return undefined;
    const ctx = newContext(base, after, unit, version, input.policy);
    // the unit as it is without an earlier drop-in of ours
    const start = evaluate([], ctx);
    if (start <= target)
        return undefined;
    const profile = buildProfile(loaded, unit, input.sockets ?? [], input.scope ?? scopeOfPath(main.path));
    // one shape for every unit's settings (the code below reads many fields by name)
    const settings = shapedSettings(loaded.settings);
    const allowed = (input.exceptions ?? []).filter((e) => e.error === undefined);
    const kept = allowed.length ? keptByExceptions(allowed) : NOTHING_KEPT;
    const { candidates: offered, blocked, observe: observations } = candidatesFor(profile, settings, unitSources(loaded), fixKeeping(fix, kept), version, refusalCheck(loaded, ctx), kept);
    const usable = allowed.length ? withoutExceptedGains(offered, blocked, allowed, ctx) : offered;
    const candidates = prepare(usable, blocked.length, ctx);
    const { chosen } = search(candidates, ctx, start, target, fix.mode);
    const { inOrder, gains, phaseScores, to } = rankAndGains(chosen, ctx, start);
    const chosenIds = new Set(chosen.map((c) => c.id));
    const observe = observations
        .filter((o) => o.when === undefined || o.when.some((id) => chosenIds.has(id)))
        .map((o) => textOf(o.text));
    const notSuggested = blockedGains(blocked, candidates.length, inOrder, to, ctx);
    if (to > target && after.length > 0)
        notSuggested.push(...undoneLater(after, candidates, inOrder, base, unit, version, input.policy, path));
    // the file
    const text = renderDropIn({
        unitFile: fileName,
        unit: unit.name,
        version,
        from: Math.ceil(start),
        to,
        target,
        inOrder,
        gains,
        phaseScores,
        observe,
        notSuggested,
        mode: fix.mode,
        exceptions: input.exceptions ?? [],
        toolVersion: input.toolVersion,
        rescoredBy: policyRescores(input.policy, version) ? input.policy.name : undefined
    });
    // verify: read the file as systemd would, on top of the unit, then the drop-ins after it
    const verified = copySettings(base);
    applyDropInTo(verified, { path, bytes: encoder$1.encode(text) }, unit, version);
    for (const dropIn of after)
        applyDropInTo(verified, dropIn, unit, version);
    applyImpliedSettings(verified, unit);
    // every line was checked alone; a file systemd would refuse as a whole is never suggested
    if (refusalProne(verified) && refusal(verified, version) !== undefined)
        return undefined;
    const exposure = exposureOfSettings(verified, version, input.policy);
    const suggestion = {
        path,
        dropIn: text,
        score: Number(formatExposure(exposure)),
        exposure,
        rating: ratingOf(exposure),
        from: Number(formatExposure(Math.ceil(start))),
        target: target / 10,
        reachesTarget: exposure <= target,
        systemdVersion: version,
        mode: fix.mode,
        phases: phasesOf(inOrder, gains, phaseScores),
        observe,
        notSuggested: notSuggested.map((n) => ({
            ...n,
            ...(n.gain !== undefined ? { gain: n.gain / 10 } : {})
        }))
    };
    if (replaces)
        suggestion.replaces = replaces.path;
    return suggestion;
}
/**
 * Where the file goes: beside the unit file, in the directory of its file name (a template's
 * drop-in directory serves every instance), named so that it replaces only an earlier drop-in of
 * ours; and the drop-ins that sort before and after it.
 */
function placement(main, dropIns, aliasOf) {
    const fileName = main.path.slice(main.path.lastIndexOf('/') + 1);
    // An alias's drop-in goes beside it, into the directory of the unit it names (its template's for
    // a template): systemd reads that one whichever name starts the unit, and the report of the unit
    // file itself suggests the same file.
    const owner = aliasOf === undefined
        ? fileName
        : parseUnitName(fileName)?.isTemplate === true
            ? `${aliasOf.prefix}@.${aliasOf.type}`
            : aliasOf.name;
    const directory = `${dirnameOf(main.path)}${owner}.d/`;
    let name = DROP_IN_NAME;
    let replaces;
    for (const option of [DROP_IN_NAME, 'hardening-gate.conf', 'zz-hardening-gate.conf']) {
        const sameName = dropIns.filter((d) => d.path.slice(d.path.lastIndexOf('/') + 1) === option);
        const ours = sameName.find((d) => d.path === `${directory}${option}` && isGenerated(d));
        if (sameName.length === 0 || (ours && sameName.length === 1)) {
            name = option;
            replaces = ours;
            break;
        }
    }
    const others = dropIns.filter((d) => d !== replaces);
    const before = others.filter((d) => compareBytes(d.path.slice(d.path.lastIndexOf('/') + 1), name) < 0);
    const after = others.filter((d) => compareBytes(d.path.slice(d.path.lastIndexOf('/') + 1), name) > 0);
    return { fileName, path: `${directory}${name}`, replaces, before, after };
}
function newContext(base, after, unit, version, policy) {
    const ctx = {
        base,
        after,
        // with drop-ins after ours, the first score applies them (prepare(): once for all variants)
        fullScoring: after.length > 0,
        unit,
        version,
        policy,
        patches: [],
        reverts: [],
        scorer: undefined,
        current: [],
        inCurrent: [],
        inSet: [],
        exposures: new Map(),
        independent: [],
        independentLow: 0,
        independentHigh: 0,
        candidatesLow: 0,
        candidatesHigh: 0,
        againstLow: 0,
        againstHigh: 0,
        against: [],
        reads: [],
        deltaBadness: [],
        deltaWeight: [],
        coupledSums: new Map()
    };
    if (!ctx.fullScoring)
        ctx.scorer = new VariantScorer(base, unit, version, policy);
    return ctx;
}
/**
 * The candidates the target version takes (a line it does not know, or would ignore, drops its
 * candidate), with their indexes; the context's tables for them and `blockedCount` more.
 */
function prepare(offered, blockedCount, ctx) {
    const patches = [];
    const candidates = [];
    for (const c of offered) {
        const patch = patchOf(c, ctx);
        if (patch === undefined)
            continue;
        patches.push(patch);
        candidates.push(indexed(c, candidates.length));
    }
    if (ctx.fullScoring) {
        const applied = applyAfter(ctx.base, ctx.after, ctx.unit, ctx.version);
        if (!patches.some((p) => p.fields.some((f) => applied.reads.has(f)))) {
            ctx.fullScoring = false;
            ctx.afterReads = applied.reads;
            ctx.afterWrites = applied.writes;
            ctx.scorer = new VariantScorer(applied.settings, ctx.unit, ctx.version, ctx.policy);
        }
    }
    // indexes: the candidates', then the blocked directives' (notSuggested)
    const size = candidates.length + blockedCount;
    // (plain arrays: typed arrays cost more to make than these few entries)
    for (let i = 0; i < size; i++) {
        ctx.inCurrent.push(0);
        ctx.inSet.push(0);
        ctx.independent.push(0);
        ctx.against.push(NONE$1);
    }
    if (ctx.fullScoring)
        return candidates;
    for (let i = 0; i < candidates.length; i++) {
        const patch = scorerPatch(patches[i], ctx);
        ctx.patches[i] = patch;
        ctx.reverts[i] = ctx.scorer.revert(patch);
    }
    const { independent, variants } = ctx.scorer.independent(ctx.patches);
    independent.forEach((alone, i) => {
        // (a set's bits go up to 51)
        if (!alone || i >= 52)
            return;
        ctx.independent[i] = 1;
        setBit(ctx, 'independentLow', 'independentHigh', i);
    });
    // candidates that write a field in common (variants of a directive) are not added up
    variants.forEach((others, i) => {
        const against = others.filter((j) => ctx.independent[j] === 1);
        if (!against.length)
            return;
        ctx.against[i] = against;
        setBit(ctx, 'againstLow', 'againstHigh', i);
    });
    for (let i = 0; i < candidates.length; i++) {
        setBit(ctx, 'candidatesLow', 'candidatesHigh', i);
        ctx.deltaBadness.push(NaN);
        ctx.deltaWeight.push(NaN);
    }
    return candidates;
}
/**
 * The drop-in's order (within a phase, the larger gain first: each candidate's share of the final
 * drop-in), each candidate's gain in that order, the score after each phase and at the end (tenths).
 */
function rankAndGains(chosen, ctx, start) {
    const all = evaluate(chosen, ctx);
    const rank = new Map();
    for (const candidate of chosen) {
        rank.set(candidate.id, all -
            evaluate(chosen.filter((c) => c !== candidate), ctx));
    }
    const inOrder = ordered(chosen, rank);
    const gains = new Map();
    const phaseScores = new Map();
    // (moveTo and evaluate keep no reference to the set: it grows in place)
    const running = [];
    let previous = Math.ceil(start);
    for (const candidate of inOrder) {
        running.push(candidate);
        moveTo(running, ctx);
        const now = Math.ceil(evaluate(running, ctx));
        gains.set(candidate.id, previous - now);
        phaseScores.set(candidate.phase, now);
        previous = now;
    }
    return { inOrder, gains, phaseScores, to: previous };
}
/**
 * The directives a drop-in that sorts after ours undoes (an override.conf of `systemctl edit` with
 * ProtectSystem=no): whatever ours says there, that line wins, so the search found no gain in them
 * and left them out. Said with the line, for a suggestion short of its target, when the directive
 * placed after every drop-in would lower the exposure: a later line that hardens too, adds to a
 * list or changes nothing is not named, and the advice is to place the line later, not to remove
 * the other (red team, session 26: removing an allow list the gate's deny list lost to made it worse).
 */
function undoneLater(after, candidates, chosen, base, unit, version, policy, path) {
    const lastSet = new Map();
    for (const dropIn of after) {
        if (!dropIn.bytes)
            continue;
        for (const a of parseUnitText(dropIn.bytes).assignments)
            if (a.section === 'Service')
                lastSet.set(a.key, `${dropIn.path}:${a.line}`);
    }
    // the suggestion as systemd would read it: the unit, ours, then the later drop-ins
    const suggested = copySettings(base);
    for (const c of chosen)
        for (const line of c.lines)
            applyServiceAssignment(suggested, line.key, line.value, unit, version);
    for (const dropIn of after)
        applyDropInTo(suggested, dropIn, unit, version);
    const exposureOf = (s) => {
        const copy = copySettings(s);
        applyImpliedSettings(copy, unit);
        return exposureOfSettings(copy, version, policy);
    };
    const now = exposureOf(suggested);
    const ours = path.slice(path.lastIndexOf('/') + 1);
    const settled = new Set(chosen.map((c) => c.directive));
    const said = [];
    for (const c of candidates) {
        if (settled.has(c.directive))
            continue;
        const where = lastSet.get(c.directive);
        if (where === undefined)
            continue;
        const last = copySettings(suggested);
        for (const line of c.lines)
            applyServiceAssignment(last, line.key, line.value, unit, version);
        const gain = now - exposureOf(last);
        if (gain <= 0)
            continue;
        settled.add(c.directive);
        said.push({
            directive: c.directive,
            reason: `${where} sets it again, and systemd reads that drop-in after ${ours}: the gate's line gains this only placed after that one (in a drop-in whose name sorts later, or merged into that line)`,
            gain: Math.round(gain)
        });
    }
    return said;
}
/** What the blocked directives would have gained on top of the suggestion (`to`: its score). */
function blockedGains(blocked, candidateCount, inOrder, to, ctx) {
    const notSuggested = [];
    const seen = new Set();
    const final = evaluate(inOrder, ctx);
    blocked.forEach((b, i) => {
        if (seen.has(b.directive))
            return;
        seen.add(b.directive);
        let gain;
        if (b.lines) {
            const withIt = blockedExposure(b, candidateCount + i, candidateCount, inOrder, ctx);
            // listed when it would lower the exposure at all, even by less than the printed 0.1
            if (withIt === undefined || withIt >= final)
                return;
            gain = to - Math.ceil(withIt);
        }
        else {
            if (!ROW_DIRECTIVES.has(b.directive))
                return;
        }
        notSuggested.push({
            directive: b.directive,
            reason: b.reason,
            ...(gain !== undefined ? { gain } : {})
        });
    });
    return notSuggested;
}
/** The exposure with a blocked directive's lines instead of its candidates; undefined: ignored. */
function blockedExposure(b, index, candidateCount, inOrder, ctx) {
    const extra = indexed({
        id: `blocked-${b.directive}`,
        directive: b.directive,
        phase: 9,
        stage: 0,
        lines: b.lines,
        reason: ''
    }, index);
    const patch = patchOf(extra, ctx);
    if (!patch)
        return undefined;
    const set = [...inOrder.filter((c) => c.directive !== b.directive), extra];
    // a drop-in after ours reads what this one writes
    if (ctx.afterReads !== undefined && patch.fields.some((f) => ctx.afterReads.has(f)))
        return evaluateFully(set, ctx);
    if (!ctx.fullScoring) {
        const scored = scorerPatch(patch, ctx);
        ctx.patches[index] = scored;
        ctx.reverts[index] = ctx.scorer.revert(scored);
        // the independent candidates of the set it changes the rows of
        const writes = ctx.scorer.writes(scored);
        const against = [];
        for (const c of set) {
            const j = indexOf(c);
            if (j >= candidateCount || ctx.independent[j] === 0)
                continue;
            const other = ctx.patches[j];
            const reads = (ctx.reads[j] ??= [...ctx.scorer.reads(other)]);
            if (other.fields.some((f) => writes.has(f)) || reads.some((f) => writes.has(f)))
                against.push(j);
        }
        if (against.length) {
            ctx.against[index] = against;
            setBit(ctx, 'againstLow', 'againstHigh', index);
        }
    }
    return evaluate(set, ctx);
}
function phasesOf(inOrder, gains, phaseScores) {
    const phases = [];
    for (const phase of PHASES) {
        const directives = inOrder.filter((c) => c.phase === phase.number);
        if (!directives.length)
            continue;
        phases.push({
            phase: phase.number,
            title: phase.title,
            score: Number(formatExposure(phaseScores.get(phase.number))),
            directives: directives.map((c) => ({
                phase: c.phase,
                lines: c.lines.map(lineText),
                gain: gains.get(c.id) / 10,
                reason: c.reason
            }))
        });
    }
    return phases;
}
function renderDropIn(r) {
    // (every line with its newline, appended)
    let out = '';
    const unitFile = safeText(r.unitFile, 120);
    out += `${GENERATED_MARKER}${r.toolVersion ? ` ${r.toolVersion}` : ''} for ${unitFile}; --fix rewrites this file.\n`;
    out += comment(`Exposure ${formatExposure(r.from)} ${ratingOf(r.from)} -> ${formatExposure(r.to)} ${ratingOf(r.to)} with this file (target ${formatExposure(r.target)}, systemd ${r.version} rules; ${r.mode === 'baseline' ? 'full baseline' : 'only what the target needs'}).`);
    if (r.rescoredBy === undefined) {
        out += `# Check: systemd-analyze security --offline=true ${safeText(r.unit, 120)}\n`;
    }
    else {
        // the numbers above are the policy's: systemd prints them with the policy's weights only
        out += `# Check: systemd-analyze security --offline=true --security-policy=policy.json ${safeText(r.unit, 120)}\n`;
        out += comment(`policy.json: systemd-hardening-gate --policy ${safeText(r.rescoredBy, 120)} --print-policy` +
            (r.exceptions.some((e) => e.error === undefined)
                ? ', with weight 0 for the checks excepted below'
                : ''));
    }
    const rollbacks = r.inOrder.flatMap((c) => (c.rollback === undefined ? [] : [textOf(c.rollback)]));
    out += comment(`Roll it out one phase at a time (canary host, then 5-10%, then the rest); each phase says what to watch. ${rollbacks.length ? rollbacks.join(' ') : 'Roll back: delete this file, then systemctl daemon-reload and restart the service.'}`);
    if (r.to > r.target) {
        out += comment(`This does not reach the target: the directives below would break the service, so the remaining exposure needs a justified exception (# hardening-gate: allow CHECK -- reason) or a change to the service.`);
    }
    if (r.observe.length) {
        out += '#\n# Observe first:\n';
        for (const note of r.observe)
            out += comment(`- ${note}`);
    }
    if (r.notSuggested.length) {
        out += '#\n# Left out because they would likely break this service:\n';
        for (const n of r.notSuggested) {
            const gain = n.gain !== undefined ? ` (would gain ${gainText(n.gain)})` : '';
            out += comment(`- ${n.directive}=${gain}: ${safeText(n.reason, 160)}`);
        }
    }
    const allowed = r.exceptions.filter((e) => e.error === undefined);
    if (allowed.length) {
        out += '#\n# Not scored, by justified exception:\n';
        for (const e of allowed)
            out += comment(`- ${e.written.join(', ')}: ${safeText(e.reason, 120)}`);
    }
    out += '[Service]\n';
    for (const phase of PHASES) {
        const members = r.inOrder.filter((c) => c.phase === phase.number);
        if (!members.length)
            continue;
        out += `\n# Phase ${phase.number}: ${phase.title} (score after this phase: ${formatExposure(r.phaseScores.get(phase.number))})\n`;
        out += WATCH.get(phase.number);
        for (const candidate of members) {
            out += reasonComment(r.gains.get(candidate.id) ?? 0, candidate.reason);
            for (const line of candidate.lines) {
                if (line.note)
                    out += comment(textOf(line.note), '  ');
                out += `${lineText(line)}\n`;
            }
        }
    }
    return out;
}

/**
 * The report: one entry per unit, the JSON interface of the CLI (schemaVersion 1) and the input of
 * every renderer and GitHub adapter.
 */
const SCHEMA_VERSION = 1;
/** Units larger than this (with their drop-ins) get no suggested drop-in; real ones are a few KiB. */
const SUGGEST_MAX_BYTES = 256 * 1024;
/** Loads, scores and judges one unit. Pure: the caller supplies the file contents. */
function analyzeUnit(given, options) {
    const manager = given.manager === 'user' ? 'user' : undefined;
    const source = manager === 'user' && options.managerUser ? withManagerUser(given, options.managerUser) : given;
    // the fix engine reads the directives as written: only a unit that may get a suggestion keeps them
    const loaded = loadService({
        ...source,
        version: options.version,
        record: options.suggest !== false,
        manager,
        hardeningKeys: CHECK_DIRECTIVES
    });
    const base = {
        path: source.main.path,
        unit: source.unit.name,
        manager,
        dropIns: source.dropIns.map((d) => d.path),
        diagnostics: loaded.diagnostics,
        exceptions: [],
        suggestion: null
    };
    if (loaded.status !== 'loaded') {
        return {
            ...base,
            status: loaded.status,
            score: null,
            exposure: null,
            rating: null,
            // A masked unit cannot run; one systemd refuses is broken and must not pass unseen.
            passed: loaded.status === 'masked',
            reason: loaded.reason,
            at: loaded.at,
            checks: []
        };
    }
    const fileName = source.main.path.slice(lastIndexOfCode(source.main.path, 0x2f) + 1);
    const exceptions = resolveExceptions(loaded.comments, options.policy, { path: source.main.path, file: fileName, unit: source.unit.name }, options.today ?? isoToday());
    for (const e of exceptions.reports) {
        if (e.error === undefined)
            continue;
        const at = e.file !== undefined ? { file: e.file, line: e.line ?? 1 } : loaded.serviceHeader;
        base.diagnostics.push({
            ...at,
            severity: 'error',
            code: 'invalid-exception',
            message: e.source === 'policy' ? `policy ${e.policy}: ${e.error}` : e.error
        });
    }
    const policy = policyWithExceptions(options.policy, exceptions.allowed);
    const score = scoreService(loaded, options.version, policy, {
        keepPassing: options.keepPassingChecks ?? true,
        costliest: options.costliestChecks
    });
    if (score.weightSum === 0) {
        // systemd-analyze aborts on such a unit (assert(weight_sum > 0)): there is no score to gate on
        return {
            ...base,
            status: 'error',
            score: null,
            exposure: null,
            rating: null,
            passed: false,
            reason: `the policy ${policy.name} weighs none of the checks that apply to this unit: there is nothing to score (systemd-analyze aborts on it)`,
            checks: []
        };
    }
    const invalidExceptions = exceptions.reports.some((e) => e.error !== undefined);
    let suggestion = null;
    if (score.exposure > options.threshold && options.suggest !== false) {
        const bytes = (source.main.bytes?.length ?? 0) +
            source.dropIns.reduce((n, d) => n + (d.bytes?.length ?? 0), 0);
        // the fix engine's planning grows faster than the unit: 20,000 write paths took seconds
        if (bytes > SUGGEST_MAX_BYTES) {
            loaded.diagnostics.push({
                file: source.main.path,
                line: 1,
                severity: 'warning',
                code: 'syntax',
                message: `the unit and its drop-ins hold ${bytes} bytes, more than the ${SUGGEST_MAX_BYTES} the fix engine plans a drop-in for: none is suggested`
            });
        }
        else {
            suggestion =
                suggestDropIn({
                    ...source,
                    loaded,
                    version: options.version,
                    policy,
                    exposure: score.exposure,
                    threshold: options.threshold,
                    exceptions: exceptions.reports,
                    toolVersion: options.toolVersion
                }) ?? null;
        }
    }
    return {
        ...base,
        status: 'scored',
        // tenths / 10 is the double nearest the printed score, as parsing "9.6" gives
        score: score.exposure / 10,
        exposure: score.exposure,
        rating: score.rating,
        passed: score.exposure <= options.threshold && !invalidExceptions,
        serviceHeader: loaded.serviceHeader,
        checks: score.checks,
        exceptions: exceptions.reports,
        suggestion
    };
}
/** The source with its names expanding %u, %U, %g, %G and %h to the user's. */
function withManagerUser(source, managerUser) {
    const { unit, requestedAs } = source;
    return {
        ...source,
        unit: { ...unit, managerUser },
        requestedAs: requestedAs && { ...requestedAs, managerUser }
    };
}
/** A unit the scanner could not read (unreadable, not a file, outside the tree, too large). */
function errorReport(path, unit, reason) {
    return {
        path,
        unit,
        status: 'error',
        score: null,
        exposure: null,
        rating: null,
        passed: false,
        reason,
        dropIns: [],
        checks: [],
        diagnostics: [],
        exceptions: [],
        suggestion: null
    };
}

/** Resolves --policy / the `policy` input: a built-in name (policies/NAME.json) or a file path. */
/** policies/ beside dist/ (bundle) or beside src/ (sources under test). */
function builtinPolicyDirectory() {
    return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'policies');
}
function builtinPolicyNames() {
    try {
        return fs
            .readdirSync(builtinPolicyDirectory())
            .filter((f) => f.endsWith('.json'))
            .map((f) => f.slice(0, -'.json'.length))
            .sort();
    }
    catch {
        return [];
    }
}
const FILE_SYSTEM = {
    read: (file, shown) => readPolicyFile(file, shown),
    exists: (file) => fs.existsSync(file)
};
function loadPolicy(nameOrPath, cwd, seen = [], source = FILE_SYSTEM) {
    const isName = /^[a-z0-9-]+$/.test(nameOrPath);
    const file = isName
        ? path.join(builtinPolicyDirectory(), `${nameOrPath}.json`)
        : path.resolve(cwd, nameOrPath);
    let bytes;
    try {
        // built-in policies come with the gate, whatever the source
        bytes = isName ? readPolicyFile(file, nameOrPath) : source.read(file, nameOrPath);
        if (!isName)
            source.files?.push(file);
    }
    catch (error) {
        if (error instanceof PolicyError)
            throw error;
        if (isName && !source.exists(path.resolve(cwd, nameOrPath))) {
            const known = builtinPolicyNames();
            throw new PolicyError(`unknown policy '${nameOrPath}'${known.length ? ` (built-in: ${known.join(', ')})` : ''}`);
        }
        if (isName)
            return loadPolicy(`./${nameOrPath}`, cwd, seen, source);
        throw new PolicyError(`cannot read policy file ${nameOrPath}`);
    }
    const name = isName ? nameOrPath : path.basename(file);
    const document = readPolicyText(decodePolicyBytes(bytes, name), name);
    const base = baseOf(document, name, path.dirname(file), [...seen, file], source);
    return parsePolicy(document, name, base);
}
/** Policy files larger than this are refused: the built-in ones are a few KiB. */
const MAX_POLICY_BYTES = 8 * 1024 * 1024;
/**
 * A policy file's bytes: a regular file (not a FIFO that blocks, not /dev/zero that never ends),
 * at most MAX_POLICY_BYTES. Other errors (no such file) are the caller's to explain.
 */
function readPolicyFile(file, shown) {
    const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    try {
        const stat = fs.fstatSync(fd);
        if (!stat.isFile())
            throw new PolicyError(`policy ${shown} is not a regular file`);
        if (stat.size > MAX_POLICY_BYTES) {
            throw new PolicyError(`policy ${shown} is ${stat.size} bytes, larger than the ${MAX_POLICY_BYTES} the gate reads`);
        }
        return fs.readFileSync(fd);
    }
    finally {
        fs.closeSync(fd);
    }
}
function baseOf(document, name, directory, seen, source) {
    if (typeof document !== 'object' || document === null)
        return undefined;
    const gate = document[GATE_KEY];
    if (typeof gate !== 'object' || gate === null)
        return undefined;
    const parent = gate.extends;
    if (parent === undefined)
        return undefined;
    if (typeof parent !== 'string' || parent.trim() === '') {
        throw new PolicyError(`${name}: extends must be a policy name or a file path`);
    }
    const isName = /^[a-z0-9-]+$/.test(parent);
    const target = isName
        ? path.join(builtinPolicyDirectory(), `${parent}.json`)
        : path.resolve(directory, parent);
    if (seen.includes(target) || seen.length > 8) {
        throw new PolicyError(`${name}: "extends" makes a cycle (${[...seen, target].map((f) => path.basename(f)).join(' -> ')})`);
    }
    return loadPolicy(isName ? parent : target, directory, seen, source);
}

/** Escaping for text that came from unit files: nothing from a file may steer a terminal or a runner. */
/**
 * Shown as escapes: control characters, DEL, C1 controls, line/paragraph separators, bidi overrides,
 * isolates and marks, zero-width and other invisible characters (a name that looks like another).
 */
const UNSAFE = 
// eslint-disable-next-line no-control-regex -- control characters are exactly what is escaped
/[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
/** The same class without the g flag: a test that keeps no lastIndex. */
const HAS_UNSAFE = new RegExp(UNSAFE.source);
/**
 * Text from a file made safe for a terminal and for a CI log: the characters above shown as escapes,
 * and `##[`, which the Actions runner takes for a command anywhere in a line of a step's output
 * (stdout and stderr), shown as `##\u005b`. (A runner command at a line start, `::`, needs a line
 * break, which is escaped.)
 */
function escapeControl(text) {
    // most text is clean: a test is cheaper than a replace that finds nothing
    const escaped = HAS_UNSAFE.test(text)
        ? text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
        : text;
    return escaped.includes('##[') ? escaped.replaceAll('##[', '##\\u005b') : escaped;
}
/**
 * JSON text (a unit's entry, a SARIF result) whose strings hold no `##[`: the runner would take it
 * for a command when the report is printed in a CI log. `\u005b` is `[` to any JSON reader.
 */
function runnerSafeJson(json) {
    return json.includes('##[') ? json.replaceAll('##[', '##\\u005b') : json;
}
/** Cuts text to at most `max` UTF-16 units without splitting a surrogate pair. */
function truncateText(text, max, ellipsis = '\u2026') {
    if (text.length <= max)
        return text;
    let end = Math.max(0, max - ellipsis.length);
    const code = text.charCodeAt(end - 1);
    if (code >= 0xd800 && code <= 0xdbff)
        end--;
    return text.slice(0, end) + ellipsis;
}
/** The longest reason or message a report line shows: a value can be a megabyte long. */
const MESSAGE_SHOWN = 2000;
/** Markdown table cells and inline text: escapes pipes, HTML, mentions, references and backticks. */
function escapeMarkdown(text) {
    return (escapeControl(text)
        .replace(/\\/g, '\\\\')
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/\|/g, '\\|')
        .replace(/`/g, '\\`')
        .replace(/([*_[\]])/g, '\\$1')
        .replace(/~/g, '\\~')
        .replace(/@(?=\w)/g, '@\u200b')
        .replace(/#(?=\d)/g, '#\u200b')
        .replace(/\b(GH)-(?=\d)/gi, '$1-\u200b')
        // bare URLs GitHub would make links of: scheme://, www.
        .replace(/:\/\//g, ':\u200b//')
        .replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}\u200b.`));
}
/** A backtick fence longer than any backtick run in the content (at least 3). */
function codeFence(content) {
    let longest = 0;
    for (const run of content.match(/`+/g) ?? [])
        longest = Math.max(longest, run.length);
    return '`'.repeat(Math.max(3, longest + 1));
}
/** A fenced code block that content cannot close; mentions and HTML are inert inside it. */
function fencedBlock(content, info = '') {
    const fence = codeFence(content);
    const body = content.endsWith('\n') ? content : `${content}\n`;
    return `${fence}${info}\n${body}${fence}`;
}

/**
 * The JSON report (schemaVersion 1) on one line, written unit by unit so that a large tree never
 * builds one huge string or keeps every report: "passed" comes after "units" for that reason.
 */
/**
 * The same Latin-1 text in V8's one-byte representation: a string derived from one that held a wider
 * character (by replace(), slice() ...) keeps the two-byte representation, and so would everything
 * built from it.
 */
function oneByte(text) {
    return String.fromCharCode(...Array.from(text, (c) => c.charCodeAt(0)));
}
/**
 * Check names with a character above U+00FF (systemd's "RestrictAddressFamilies=~\u2026"), each with a
 * one-byte stand-in and its JSON written with \u escapes. With such a character inside,
 * JSON.stringify builds a unit's whole entry as UTF-16, which costs several times more to build and
 * to encode (a report of 10,000 units is over 100 MB); the same JSON with the escape stays one-byte.
 */
const WIDE_NAMES = new Map(CHECKS.filter((check) => /[\u0100-\uffff]/.test(check.name)).map((check) => {
    const standIn = oneByte(check.name.replace(/[\u0100-\uffff]/g, '?'));
    const escaped = oneByte(check.name.replace(/[\u0100-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
    // only check rows have a "name" key, and a quote inside a string is always escaped: this text
    // can only be the row's own name
    return [
        check.name,
        { standIn, from: `"name":${JSON.stringify(standIn)}`, to: `"name":"${escaped}"` }
    ];
}));
/** One unit's entry in "units". */
function unitJson(unit) {
    if (!unit.checks.some((row) => WIDE_NAMES.has(row.name)))
        return runnerSafeJson(JSON.stringify(unit));
    const used = new Set();
    const checks = unit.checks.map((row) => {
        const wide = WIDE_NAMES.get(row.name);
        if (wide === undefined)
            return row;
        used.add(row.name);
        return { ...row, name: wide.standIn };
    });
    let json = JSON.stringify({ ...unit, checks });
    for (const name of used) {
        const { from, to } = WIDE_NAMES.get(name);
        json = json.replaceAll(from, to);
    }
    return runnerSafeJson(json);
}
function createJsonStream(head) {
    let count = 0;
    return {
        start: () => JSON.stringify({ ...head, units: [] }).slice(0, -2),
        unit: (unit) => (count++ ? ',' : '') + unitJson(unit),
        rendered: (json) => (count++ ? ',' : '') + json,
        end: (passed) => `],"passed":${passed}}\n`
    };
}

/**
 * Rendered reports on their way out: small pieces encoded into 64 KiB byte batches (not one system
 * call, nor one long string to flatten and encode, per unit), large ones passed on as they are.
 * A batch handed to the sink is never written to again, so a sink may keep it (a queued pipe write).
 */
/** Bytes a batch collects before it is handed on. */
const BATCH = 64 * 1024;
/** A piece this long goes out alone: copying it into a batch would gain nothing. */
const LARGE_PIECE = 16 * 1024;
function createByteBatches(sink) {
    // at most 3 bytes per UTF-16 unit: a batch under BATCH always has room for a smaller piece
    let batch = Buffer.allocUnsafe(BATCH + 3 * LARGE_PIECE);
    let used = 0;
    const flush = () => {
        if (used === 0)
            return;
        const full = batch.subarray(0, used);
        batch = Buffer.allocUnsafe(BATCH + 3 * LARGE_PIECE);
        used = 0;
        sink(full);
    };
    return {
        write(text) {
            if (text.length >= LARGE_PIECE) {
                flush();
                sink(Buffer.from(text));
                return;
            }
            used += batch.write(text, used);
            if (used >= BATCH)
                flush();
        },
        writeBytes(bytes) {
            flush();
            sink(bytes);
        },
        flush
    };
}

const CODES = { red: 31, green: 32, yellow: 33, dim: 2, bold: 1 };
function painter(enabled) {
    return (style, text) => enabled ? `\u001b[${CODES[style]}m${text}\u001b[0m` : text;
}
/**
 * x.toFixed(1) for a number of tenths (x = t / 10, t whole: a score, a row's exposure), without
 * Number.prototype.toFixed, a call into the runtime made twice per row of every failing unit.
 */
function oneDecimal(x) {
    const t = Math.round(x * 10);
    if (t >= 0 && t < 100000 && t / 10 === x)
        return `${(t - (t % 10)) / 10}.${t % 10}`;
    return x.toFixed(1);
}
/** before(a, b): a is listed before b (higher exposure, then higher weight; ties keep table order) */
const before = (a, b) => (a.exposure ?? 0) > (b.exposure ?? 0) ||
    ((a.exposure ?? 0) === (b.exposure ?? 0) && a.weight > b.weight);
/** The `count` rows that cost most, in the order a stable sort would give: no full sort per unit. */
function costliest(unit, count) {
    const top = [];
    for (const check of unit.checks) {
        if (check.badness !== null && check.badness > 0)
            keepBest(top, check, count, before);
    }
    return top;
}
/** A score change: what a directive takes off (-), adds (+), or 0.0 (no "-0.0") */
const signed = (gain) => gain > 0 ? `-${gain.toFixed(1)}` : gain < 0 ? `+${(-gain).toFixed(1)}` : '0.0';
/** The suggested drop-in: its directives phase by phase with their gains, then what to check. */
function renderSuggestion(unit, paint, full) {
    const s = unit.suggestion;
    if (!s)
        return [];
    const lines = [];
    const where = escapeControl(s.path);
    const rating = s.rating ? ` ${s.rating}` : '';
    const reach = s.reachesTarget === false
        ? paint('yellow', ` (target ${s.target?.toFixed(1)} not reachable without breaking it)`)
        : '';
    if (!s.phases?.length) {
        lines.push(`    ${paint('yellow', 'fix:')} no drop-in: every directive that would lower the score is likely to break this service${reach}`);
    }
    else {
        lines.push(`    ${paint('green', 'fix:')} ${where} -> ${s.score.toFixed(1)}${rating}${reach}`);
    }
    if (!full)
        return lines;
    for (const phase of s.phases ?? []) {
        lines.push(`      ${paint('bold', `phase ${phase.phase}`)} ${phase.title} -> ${phase.score.toFixed(1)}`);
        for (const directive of phase.directives) {
            const [first, ...rest] = directive.lines;
            lines.push(`        ${escapeControl(first ?? '').padEnd(40)} ${paint('dim', signed(directive.gain))}  ${escapeControl(directive.reason)}`);
            for (const line of rest)
                lines.push(`        ${escapeControl(line)}`);
        }
    }
    for (const note of s.observe ?? [])
        lines.push(`      ${paint('yellow', 'observe first:')} ${escapeControl(note)}`);
    for (const left of s.notSuggested ?? []) {
        const gain = left.gain !== undefined ? ` (${signed(left.gain)})` : '';
        lines.push(`      ${paint('dim', 'left out:')} ${escapeControl(left.directive)}=${gain} ${escapeControl(left.reason)}`);
    }
    return lines;
}
function countApplied(exceptions) {
    let count = 0;
    for (const e of exceptions ?? [])
        if (e.error === undefined)
            count++;
    return count;
}
function tallyOf(unit, threshold) {
    return {
        passed: unit.passed,
        exceptions: countApplied(unit.exceptions),
        suggested: !!unit.suggestion?.phases?.length,
        unsuggested: !unit.passed &&
            unit.status === 'scored' &&
            !unit.suggestion &&
            (unit.exposure ?? 0) > threshold * 10
    };
}
/** Renders unit by unit, counting what the closing summary needs, so no report must be kept. */
function createTextStream(head, options) {
    const paint = painter(options.color);
    const top = options.topChecks ?? 5;
    let fullLeft = options.fullSuggestions ?? 20;
    let total = 0;
    let failed = 0;
    let exceptions = 0;
    let suggested = 0;
    let unsuggested = 0;
    const count = (tally) => {
        total++;
        if (!tally.passed)
            failed++;
        exceptions += tally.exceptions;
        if (tally.suggested)
            suggested++;
        if (tally.unsuggested)
            unsuggested++;
    };
    /** the unit's text after its status mark: one string built line by line (no array per unit) */
    const linesAfterMark = (unit) => {
        count(tallyOf(unit, head.threshold));
        const where = escapeControl(unit.path);
        let text;
        if (unit.status === 'scored') {
            const score = `${oneDecimal(unit.score)} ${unit.rating}`;
            // scored as `systemd-analyze --user security` does
            const manager = unit.manager === 'user' ? ' (user unit)' : '';
            text = ` ${where}  ${unit.passed ? score : paint('bold', score)}${manager}\n`;
            if (!unit.passed) {
                // the rows of a unit mostly share one file: escaped once
                let file;
                let shownFile = '';
                for (const check of costliest(unit, top)) {
                    if (check.file !== file)
                        shownFile = escapeControl((file = check.file));
                    const detail = check.detail ? ` (${escapeControl(check.detail)})` : '';
                    text += `    ${paint('dim', `+${oneDecimal(check.exposure ?? 0)}`)} ${check.id}${detail}  ${shownFile}:${check.line}\n`;
                }
            }
        }
        else {
            const label = unit.status === 'masked'
                ? 'masked, not scored'
                : `${unit.status}: ${truncateText(unit.reason ?? '', MESSAGE_SHOWN)}`;
            const at = unit.at ? `  ${escapeControl(unit.at.file)}:${unit.at.line}` : '';
            text = ` ${where}  ${escapeControl(label)}${at}\n`;
        }
        for (const diagnostic of unit.diagnostics) {
            if (diagnostic.severity === 'notice')
                continue;
            const color = diagnostic.severity === 'error' ? 'red' : 'yellow';
            text += `    ${paint(color, diagnostic.severity)} ${escapeControl(diagnostic.file)}:${diagnostic.line} ${escapeControl(truncateText(diagnostic.message, MESSAGE_SHOWN))}\n`;
        }
        for (const exception of unit.exceptions ?? []) {
            if (exception.error !== undefined)
                continue;
            const source = exception.source === 'inline'
                ? `${exception.file}:${exception.line}`
                : `policy ${exception.policy}`;
            const until = exception.until ? ` until ${exception.until}` : '';
            text += `    ${paint('dim', 'allowed')} ${escapeControl(exception.written.join(', '))}${until}: ${escapeControl(truncateText(exception.reason, MESSAGE_SHOWN))}  ${escapeControl(source)}\n`;
        }
        if (unit.suggestion) {
            for (const line of renderSuggestion(unit, paint, fullLeft > 0))
                text += `${line}\n`;
            fullLeft--;
        }
        return text;
    };
    const markOf = (unit) => unit.passed ? paint('green', '\u2713') : paint('red', '\u2717');
    return {
        count,
        unit(unit) {
            return markOf(unit) + linesAfterMark(unit);
        },
        writeUnit(unit, write) {
            write(markOf(unit));
            write(linesAfterMark(unit));
        },
        end() {
            const lines = [];
            const extras = [
                exceptions ? `${exceptions} justified exception(s)` : '',
                suggested ? `${suggested} suggested drop-in(s)` : ''
            ].filter(Boolean);
            lines.push(total === 0
                ? 'No service units found.'
                : `${total} unit(s), ${failed} failed (threshold ${head.threshold.toFixed(1)}, systemd ${head.systemdVersion}, policy ${escapeControl(head.policy)})${extras.length ? `; ${extras.join(', ')}` : ''}`);
            if (options.suggest === false) {
                if (failed > 0)
                    lines.push('No drop-ins were computed (--no-suggest).');
            }
            else if (fullLeft < 0 || unsuggested > 0) {
                lines.push(`Drop-ins are shown for the first ${options.fullSuggestions ?? 20} failing units: --fix writes all of them, --format json lists them.`);
            }
            return lines.join('\n') + '\n';
        }
    };
}

/** Rendered text kept in memory as UTF-8 bytes, outside V8's heap, until it can be written. */
function createHeldBytes() {
    const parts = [];
    // a batch is a view of a larger buffer: a copy keeps only its bytes
    const batches = createByteBatches((bytes) => parts.push(new Uint8Array(bytes)));
    return {
        write: batches.write,
        drain(writeBytes) {
            batches.flush();
            for (const bytes of parts)
                writeBytes(bytes);
            parts.length = 0;
        }
    };
}
/**
 * The report's heading counts the failing units, so nothing can be written before the last one;
 * what is kept until then is each unit's rendered lines as bytes, not its report (on large trees the
 * reports with their drop-ins are ten times the text, and held as strings the text made V8 grow its
 * heap by twice its size: 317 MB peak on the 10,000-unit bench tree). The failing units' sections,
 * most of the report, wait in `details` (a file, for a large report: see createSpilledBytes).
 */
function createMarkdownStream(head, details = createHeldBytes()) {
    const rows = createHeldBytes();
    let units = 0;
    let failed = 0;
    return {
        unit(unit) {
            const score = unit.score === null ? '\u2013' : unit.score.toFixed(1);
            const rating = unit.rating ?? unit.status;
            const result = unit.passed ? '\u2705 pass' : '\u274c fail';
            units++;
            rows.write(`| ${escapeMarkdown(unit.unit)} | ${escapeMarkdown(unit.path)} | ${score} | ${escapeMarkdown(rating)} | ${result} |\n`);
            if (!unit.passed) {
                failed++;
                details.write(failingUnit(unit));
            }
        },
        end(write, writeBytes) {
            write(`## systemd hardening gate: ${failed === 0 ? 'passed' : `${failed} unit(s) failed`}\n`);
            write('\n');
            write(`Threshold ${head.threshold.toFixed(1)} \u00b7 systemd ${head.systemdVersion} \u00b7 policy ${escapeMarkdown(head.policy)}\n`);
            write('\n');
            if (units === 0) {
                write('No service units found.\n');
                details.drain(() => { }); // empty: this only releases it
                return;
            }
            write('| Unit | Path | Score | Rating | Result |\n');
            write('| --- | --- | ---: | --- | --- |\n');
            rows.drain(writeBytes);
            details.drain(writeBytes);
        }
    };
}
/** A failing unit's section: its costliest checks and its drop-in, folded. */
function failingUnit(unit) {
    const lines = ['', `### ${escapeMarkdown(unit.path)}`, ''];
    if (unit.status !== 'scored') {
        lines.push(`${escapeMarkdown(unit.status)}: ${escapeMarkdown(truncateText(unit.reason ?? '', MESSAGE_SHOWN))}`);
        return lines.join('\n') + '\n';
    }
    lines.push('| Check | Exposure | Detail | Line |');
    lines.push('| --- | ---: | --- | ---: |');
    for (const check of costliest(unit, 10)) {
        lines.push(`| ${escapeMarkdown(check.id)} | ${(check.exposure ?? 0).toFixed(1)} | ${escapeMarkdown(check.detail ?? '')} | ${check.line} |`);
    }
    const suggestion = unit.suggestion;
    if (suggestion?.phases?.length) {
        const rating = suggestion.rating ? ` ${suggestion.rating}` : '';
        lines.push('');
        lines.push(`<details><summary>Suggested drop-in ${escapeMarkdown(suggestion.path)}: ${suggestion.score.toFixed(1)}${escapeMarkdown(rating)}</summary>`);
        lines.push('');
        lines.push(fencedBlock(suggestion.dropIn, 'ini'));
        lines.push('');
        lines.push('</details>');
    }
    return lines.join('\n') + '\n';
}

/** SARIF 2.1.0 log for code scanning: one rule per check, results at the deciding line. */
const TOOL_URI = 'https://github.com/systemd-hardening-gate/systemd-hardening-gate';
/** Where the per-check pages are published (docs/checks/ of the default branch). */
const DOCS_BASE = `${TOOL_URI}/blob/main/`;
const EXTRA_RULES = [
    {
        id: 'unit-not-loaded',
        name: 'UnitNotLoaded',
        shortDescription: { text: 'systemd refuses to load this unit' },
        fullDescription: {
            text: 'The unit has a fatal error (syntax, encoding, invalid setting or missing command), so systemd would not start it.'
        }
    },
    {
        id: 'ignored-directive',
        name: 'IgnoredDirective',
        shortDescription: { text: 'A directive systemd ignores' },
        fullDescription: {
            text: 'The line looks like a setting but systemd ignores it (invalid value, wrong case, wrong section, unknown to the target version), so it protects nothing.'
        }
    },
    {
        id: 'systemd-warning',
        name: 'SystemdWarning',
        shortDescription: { text: 'A line systemd reads but warns about' },
        fullDescription: {
            text: 'systemd applies the line but logs a warning: part of it is left out (a path that is not absolute, an Environment= word that is no assignment) or it is unsafe (User=nobody).'
        }
    },
    {
        id: 'unit-lookup',
        name: 'UnitLookup',
        shortDescription: { text: 'How systemd finds this unit' },
        fullDescription: {
            text: 'A fact of how systemd finds the unit, its names and its drop-ins (an alias, a link, an instance judged instead of the test instance) that decides what is scored.'
        }
    },
    {
        id: 'unit-unreadable',
        name: 'UnitUnreadable',
        shortDescription: { text: 'The gate could not read this unit' },
        fullDescription: {
            text: 'The file is not a regular file inside the scanned tree, or it is too large.'
        }
    }
];
/** The rules of the diagnostics that are not lines systemd ignores (those are 'ignored-directive'). */
const DIAGNOSTIC_RULES = {
    'systemd-warning': 'systemd-warning',
    lookup: 'unit-lookup'
};
/** FNV-1a, 64-bit, hex: stable fingerprints without line numbers. */
function fingerprint(text) {
    let hash = 0xcbf29ce484222325n;
    for (const byte of new TextEncoder().encode(text)) {
        hash ^= BigInt(byte);
        hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
    }
    return hash.toString(16).padStart(16, '0');
}
/**
 * A relative URI reference naming `file`: encodeURI() leaves `#` and `?` (a fragment, a query) and a
 * `:` in the first segment (a scheme) as they are, which would name another file.
 */
function relativeUri(file) {
    const uri = encodeURI(file).replace(/[#?]/g, (c) => (c === '#' ? '%23' : '%3F'));
    const slash = uri.indexOf('/');
    const first = slash < 0 ? uri : uri.slice(0, slash);
    return first.includes(':') ? first.replaceAll(':', '%3A') + uri.slice(first.length) : uri;
}
function location(file, line) {
    return {
        physicalLocation: {
            artifactLocation: { uri: relativeUri(file) },
            region: { startLine: Math.max(1, line) }
        }
    };
}
function unitResults(unit) {
    const results = [];
    if (unit.status === 'invalid' || unit.status === 'error') {
        results.push({
            ruleId: unit.status === 'invalid' ? 'unit-not-loaded' : 'unit-unreadable',
            level: 'error',
            message: { text: `${unit.unit}: ${unit.reason ?? unit.status}` },
            locations: [location(unit.at?.file ?? unit.path, unit.at?.line ?? 1)],
            partialFingerprints: {
                'unitFinding/v1': fingerprint(`${unit.path}\0${unit.status}\0${unit.reason}`)
            }
        });
    }
    for (const check of unit.checks) {
        if (check.badness === null || check.badness === 0)
            continue;
        const detail = check.detail ? ` (${check.detail})` : '';
        results.push({
            ruleId: check.id,
            level: unit.passed ? 'note' : 'warning',
            message: {
                text: `${unit.unit} scores ${unit.score?.toFixed(1)} ${unit.rating}; ${check.name} adds ${(check.exposure ?? 0).toFixed(1)}${detail}`
            },
            locations: [location(check.file, check.line)],
            partialFingerprints: {
                'unitFinding/v1': fingerprint(`${unit.path}\0${check.id}\0${check.detail ?? ''}`)
            }
        });
    }
    for (const diagnostic of unit.diagnostics) {
        if (diagnostic.severity === 'notice')
            continue;
        results.push({
            ruleId: DIAGNOSTIC_RULES[diagnostic.code] ?? 'ignored-directive',
            level: diagnostic.severity === 'error' ? 'error' : 'warning',
            message: { text: diagnostic.message },
            locations: [location(diagnostic.file, diagnostic.line)],
            partialFingerprints: {
                'unitFinding/v1': fingerprint(`${diagnostic.file}\0${diagnostic.code}\0${diagnostic.message}`)
            }
        });
    }
    return results;
}
function rules() {
    return [
        ...CHECKS.map((check) => ({
            id: check.id,
            name: check.name,
            shortDescription: { text: check.bad },
            fullDescription: { text: `${check.bad} Fix: ${check.fix.join('; ')}.` },
            help: {
                text: `${check.good} Fix with ${check.fix.join(' and ')}. May break: ${check.breaks}`,
                markdown: `${check.good}\n\nFix:\n\n\`\`\`ini\n[Service]\n${check.fix.join('\n')}\n\`\`\`\n\nWhen it may break a service: ${check.breaks}\n\nMore: [${check.id}](${DOCS_BASE}${docsUrl(check.id)}), [systemd.exec](${check.man})`
            },
            helpUri: `${DOCS_BASE}${docsUrl(check.id)}`,
            defaultConfiguration: { level: 'warning' },
            properties: { weight: check.weight, range: check.range, tags: ['security', 'systemd'] }
        })),
        ...EXTRA_RULES
    ];
}
/** GitHub code scanning's upload limits (docs: code scanning, SARIF results exceed/file too large). */
const CODE_SCANNING_LIMITS = {
    /** a run with more results keeps only the most severe `keptResults` */
    results: 25_000,
    keptResults: 5_000};
/** What code scanning will do with a log this large, or undefined when it takes it whole. */
function codeScanningLimitWarning(results, gzipBytes) {
    const problems = [];
    if (results > CODE_SCANNING_LIMITS.results) {
        problems.push(`it has ${results} results and GitHub keeps only the ${CODE_SCANNING_LIMITS.keptResults} most severe of a run over ${CODE_SCANNING_LIMITS.results}`);
    }
    if (problems.length === 0)
        return undefined;
    return `The SARIF log is too large for code scanning: ${problems.join('; ')}. Narrow the units it covers (paths, exclude) or split them into several uploads with their own category.`;
}
/** Where the results array sits in the log: its items are indented this much. */
const RESULTS_KEY = '"results": []';
const RESULT_INDENT = ' '.repeat(8);
/**
 * The log as JSON.stringify(log, null, 2) prints it, written unit by unit: a large tree's results
 * (tens of thousands) are never held together, nor the whole text.
 */
function createSarifStream(toolVersion) {
    const empty = JSON.stringify({
        $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
        version: '2.1.0',
        runs: [
            {
                tool: {
                    driver: {
                        name: 'systemd-hardening-gate',
                        version: toolVersion,
                        informationUri: TOOL_URI,
                        rules: rules()
                    }
                },
                results: []
            }
        ]
    }, null, 2);
    const at = empty.lastIndexOf(RESULTS_KEY);
    const before = empty.slice(0, at + RESULTS_KEY.length - 1);
    const after = empty.slice(at + RESULTS_KEY.length - 1);
    let count = 0;
    return {
        start: () => before,
        unit(unit) {
            let text = '';
            for (const result of unitResults(unit)) {
                const body = runnerSafeJson(JSON.stringify(result, null, 2))
                    .split('\n')
                    .join(`\n${RESULT_INDENT}`);
                text += `${count++ ? ',' : ''}\n${RESULT_INDENT}${body}`;
            }
            return text;
        },
        end: () => (count ? `\n      ${after}` : after) + '\n',
        results: () => count
    };
}

const ROOT = { name: 'root', uid: 0, group: 'root', gid: 0 };
const NONE = { aliases: [], aliasPatterns: [] };
const ALIAS = Buffer.from('Alias');
const DEFAULT_INSTANCE = Buffer.from('DefaultInstance');
/** Whether the bytes hold `text` (a byte search: most unit files say neither key). */
function mentions(bytes, text) {
    const buffer = Buffer.isBuffer(bytes)
        ? bytes
        : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return buffer.indexOf(text) >= 0;
}
/** A specifier of the machine enable runs on: matched as any run of name characters. */
const UNKNOWN = Symbol('unknown');
/**
 * install_name_printf(): the specifiers of the unit's name (%n %N %p %P %i %I %j %J %%) and of the
 * user enable runs as (%u %U %g %G); any other (%a %H %v %m ...) is the machine's, UNKNOWN here.
 * Pieces in order: text, or UNKNOWN.
 */
function expandInstallSpecifiers(text, file, user) {
    const dash = file.prefix.lastIndexOf('-');
    const values = {
        n: file.name,
        N: file.stem,
        p: file.prefix,
        P: file.prefix,
        i: file.instance,
        I: file.instance,
        j: file.prefix.slice(dash + 1),
        J: file.prefix.slice(dash + 1),
        u: user.name,
        U: String(user.uid),
        g: user.group,
        G: String(user.gid),
        '%': '%'
    };
    const pieces = [];
    let literal = '';
    for (let i = 0; i < text.length; i++) {
        if (text[i] !== '%') {
            literal += text[i];
            continue;
        }
        const value = values[text[i + 1] ?? ''];
        i++;
        if (value !== undefined) {
            literal += value;
            continue;
        }
        pieces.push(literal, UNKNOWN);
        literal = '';
    }
    pieces.push(literal);
    return pieces;
}
/**
 * An Alias= name whose UNKNOWN pieces (a machine's specifier) stand for one or more characters: a
 * match of its literal parts in turn, each leftmost, which is linear in the name. (As a regular
 * expression, `%a%a%a%a%a%a%a%aX.service` took seconds per directory entry to backtrack, and 16
 * specifiers never ended.) The names tested are directory entries, which hold no '/'.
 */
function namePattern(pieces) {
    // literal parts, and how many characters at least the unknown pieces before each one take;
    // adjacent unknown pieces make one gap of their count (in this one pass: removing the empty
    // literals afterwards, one splice each, was quadratic on a long Alias= line)
    const literals = [''];
    const gaps = [0];
    for (const piece of pieces) {
        if (piece !== UNKNOWN)
            literals[literals.length - 1] += piece;
        else if (literals.length > 1 && literals[literals.length - 1] === '')
            gaps[gaps.length - 1]++;
        else {
            literals.push('');
            gaps.push(1);
        }
    }
    const head = literals[0];
    const tail = literals[literals.length - 1];
    return {
        test(name) {
            if (literals.length === 1)
                return name === head;
            if (!name.startsWith(head) || !name.endsWith(tail))
                return false;
            const end = name.length - tail.length;
            let at = head.length;
            for (let i = 1; i < literals.length - 1; i++) {
                const found = name.indexOf(literals[i], at + gaps[i]);
                if (found < 0)
                    return false;
                at = found + literals[i].length;
                if (at > end)
                    return false;
            }
            return at + gaps[literals.length - 1] <= end;
        }
    };
}
/**
 * The texts `systemctl enable` reads [Install] from: the unit file, and the drop-ins of the unit's
 * own and its template's directory (NAME.service.d/, foo@.service.d/): not type-wide, dash-prefix
 * or alias ones (round 5 of the team's red team: an `Alias=` emptied in service.d/ hid an alias).
 * `asTemplate`: `id` is the test instance a template is analysed as, and enable is given the
 * template, so it reads the template's directory only (not foo@i.service.d/; red team, session 24).
 */
function installTexts(main, dropIns, id, asTemplate = false) {
    const template = templateOf(id);
    const own = new Set([
        ...(asTemplate ? [] : [`${id.name}.d`]),
        ...(template ? [`${template}.d`] : [])
    ]);
    const texts = main.bytes ? [main.bytes] : [];
    for (const dropIn of dropIns) {
        const slash = dropIn.path.lastIndexOf('/');
        const directory = dropIn.path.slice(dropIn.path.lastIndexOf('/', slash - 1) + 1, slash);
        if (dropIn.bytes && own.has(directory))
            texts.push(dropIn.bytes);
    }
    return texts;
}
/**
 * Whether drop-ins resolved for `id` hold one of its own directory (NAME.service.d/): for a template
 * scored as its test instance, such a file masks a same-named one of the template's directory,
 * which `systemctl enable` of the template reads, so installTexts() needs the template's own.
 */
function holdsOwnDropIn(dropIns, id) {
    const own = `/${id.name}.d/`;
    return dropIns.some((dropIn) => `/${dropIn.path}`.includes(own));
}
/**
 * The install names of `unit` (the name analysed: a plain unit, or an instance of a template) from
 * `texts` (see installTexts), in order, as `systemctl enable` takes them (config_parse_strv: words
 * unquoted, an empty value resetting; specifiers expanded by install_name_printf()). `user`: whom
 * enable runs as (root for the system manager).
 */
function installNames(texts, unit, user = ROOT) {
    const template = unit.isInstance || unit.isTemplate;
    const aliasMentioned = texts.some((bytes) => mentions(bytes, ALIAS));
    const defaultMentioned = template && texts.some((bytes) => mentions(bytes, DEFAULT_INSTANCE));
    if (!aliasMentioned && !defaultMentioned)
        return NONE;
    let words = [];
    let defaultInstance;
    for (const bytes of texts) {
        for (const assignment of parseUnitText(bytes, ['Install']).assignments) {
            if (assignment.key === 'Alias') {
                if (assignment.value.trim() === '')
                    words = [];
                for (let position = 0;;) {
                    const next = extractFirstWord(assignment.value, position, {
                        unquote: true,
                        retainEscape: true
                    });
                    if (next === undefined || 'error' in next)
                        break;
                    words.push(next.word);
                    position = next.next;
                }
            }
            else if (assignment.key === 'DefaultInstance') {
                defaultInstance = assignment.value.trim();
            }
        }
    }
    const aliases = [];
    const aliasPatterns = [];
    // (a Set, not a search of the list: 100,000 Alias= names took a minute)
    const known = new Set([unit.name]);
    const add = (alias) => {
        if (alias && !known.has(alias.name)) {
            known.add(alias.name);
            aliases.push(alias);
        }
    };
    // (a Set, not a search of a list: as for the aliases)
    const wantedInstances = new Set();
    for (const word of words) {
        const pieces = expandInstallSpecifiers(word, unit, user);
        if (word.includes('/')) {
            const instance = pieces.includes(UNKNOWN) ? undefined : wantedInstance(pieces.join(''), unit);
            if (instance !== undefined)
                wantedInstances.add(instance);
            continue;
        }
        if (pieces.includes(UNKNOWN)) {
            aliasPatterns.push(namePattern(pieces));
            continue;
        }
        const alias = parseUnitName(pieces.join(''));
        if (!alias || alias.type !== unit.type)
            continue;
        if (!template) {
            if (!alias.isTemplate && !alias.isInstance)
                add(alias);
        }
        else if (unit.isInstance) {
            // a template's alias template is that instance's alias; an alias instance is the alias of
            // the same instance only (enable links it to that instance, DefaultInstance= or named)
            if (alias.isTemplate)
                add(instanceOf(alias, unit.instance));
            else if (alias.isInstance && alias.instance === unit.instance)
                add(alias);
        }
    }
    let instance;
    if (defaultInstance !== undefined && defaultInstance !== '') {
        const pieces = expandInstallSpecifiers(defaultInstance, unit, user);
        const expanded = pieces.includes(UNKNOWN) ? undefined : pieces.join('');
        if (expanded !== undefined &&
            expanded !== '' &&
            parseUnitName(`${unit.prefix}@${expanded}.${unit.type}`)?.isInstance === true)
            instance = expanded;
    }
    const result = { aliases, aliasPatterns };
    if (wantedInstances.size > 0)
        result.wantedInstances = [...wantedInstances];
    return instance === undefined ? result : { ...result, defaultInstance: instance };
}
/** The unit types systemd knows: `systemctl enable` refuses a dependency directory of another. */
const UNIT_TYPES = new Set([
    'service',
    'socket',
    'target',
    'device',
    'mount',
    'automount',
    'swap',
    'timer',
    'path',
    'slice',
    'scope'
]);
/**
 * The instance of `unit`'s template that `Alias=DIR/NAME` makes `systemctl enable` link, as it does
 * (252-262): DIR is a unit's `.wants` or `.requires` directory and NAME an instance of the template
 * itself (any other such Alias= fails the enable). Undefined for anything else.
 */
function wantedInstance(alias, unit) {
    // (the template is analysed as an instance of it: its test instance)
    if (!unit.isTemplate && !unit.isInstance)
        return undefined;
    const slash = alias.indexOf('/');
    if (slash !== alias.lastIndexOf('/'))
        return undefined;
    const directory = alias.slice(0, slash);
    const suffix = directory.endsWith('.wants')
        ? '.wants'
        : directory.endsWith('.requires')
            ? '.requires'
            : undefined;
    if (suffix === undefined)
        return undefined;
    const owner = parseUnitName(directory.slice(0, -suffix.length));
    if (owner === undefined || !UNIT_TYPES.has(owner.type))
        return undefined;
    const named = parseUnitName(alias.slice(slash + 1));
    if (!named?.isInstance || named.prefix !== unit.prefix || named.type !== unit.type)
        return undefined;
    return named.instance;
}
/**
 * The alias names among a directory's entries that Alias= patterns with a machine specifier may
 * name: every `NAME.d` entry (a drop-in directory) whose NAME is a plain unit of the unit's type
 * the pattern matches.
 */
function aliasesMatching(patterns, entries, unit) {
    const found = [];
    if (patterns.length === 0)
        return found;
    const suffix = `.${unit.type}.d`;
    for (const entry of entries) {
        if (!entry.endsWith(suffix))
            continue;
        const name = entry.slice(0, -2);
        if (name === unit.name || !patterns.some((pattern) => pattern.test(name)))
            continue;
        const alias = parseUnitName(name);
        if (alias && !alias.isTemplate && (!alias.isInstance || alias.instance === unit.instance))
            found.push(alias);
    }
    return found;
}

/**
 * The service instances other units start. A template is scored by systemd-analyze as a test
 * instance, but what runs is the instance something starts: a target that wants `foo@root.service`,
 * a timer whose `Unit=` is `backup@daily.service`, a socket whose `Service=` names one. The scan
 * reads the units of other types beside a template (targets, timers, paths, sockets ...) and the
 * instances of them that are enabled or named in turn, for the services they start, and judges the
 * template as each such instance too. How a name is read follows systemd: config_parse_unit_deps
 * (words with escapes kept), config_parse_trigger_unit (the first valid Unit=, else the service of
 * the trigger's own name), config_parse_socket_service (the last valid Service=), install.c's
 * config_parse_also (words unescaped), and unit_name_printf's specifiers.
 */
/**
 * Dependencies that start the unit they name (config_parse_unit_deps), with the first version that
 * knows each; Requisite=, PartOf=, After= and the like start nothing.
 */
const STARTING_DEPENDENCIES = new Map([
    ['Wants', 0],
    ['Requires', 0],
    ['BindsTo', 0],
    ['OnFailure', 0],
    ['Upholds', 249],
    ['OnSuccess', 249]
]);
/** The section a unit type triggers another unit from, and its key. */
const TRIGGERS = {
    timer: ['Timer', 'Unit'],
    path: ['Path', 'Unit'],
    socket: ['Socket', 'Service']
};
/** unit_name_printf()'s specifiers of the unit's own name (and %%), which the gate expands */
const NAME_SPECIFIERS = 'ijnNp%';
/** its specifiers of the machine and the manager's user: valid, but unknown here */
const MACHINE_SPECIFIERS = 'aAbBHlmMovwWgGuU';
/**
 * A name as systemd resolves it for `unit`: the name, 'unknown' (a machine or user specifier:
 * valid where it runs, unknown here), or undefined (a specifier systemd refuses: "Invalid slot").
 */
function resolveName(name, unit, version) {
    let unknown = false;
    for (let i = name.indexOf('%'); i >= 0; i = name.indexOf('%', i + 2)) {
        const letter = name[i + 1] ?? '';
        if (MACHINE_SPECIFIERS.includes(letter) && letter !== '')
            unknown = true;
        else if (letter === '' || !NAME_SPECIFIERS.includes(letter))
            return undefined;
    }
    if (unknown)
        return 'unknown';
    const expanded = expandSpecifiers(name, unit, version);
    return 'error' in expanded ? undefined : expanded.value;
}
/**
 * Whether a dependency's written name holds more than the instance where the instance goes (`%n`,
 * `%N`, or `%i` with more text): systemd drops such a dependency on another instance of the unit's
 * own template, which would name instances without end ("Dropping dependency Wants=t@%it.target
 * that likely leads to infinite recursion", contains_instance_specifier_superset()).
 */
function instanceSuperset(format) {
    const at = format.indexOf('@');
    if (at < 0)
        return false;
    const dot = format.lastIndexOf('.');
    const instance = format.slice(at + 1, dot > at ? dot : format.length);
    if (instance === '%i')
        return false;
    let percent = false;
    for (const c of instance) {
        if (c === '%')
            percent = !percent;
        else if (percent) {
            if (c === 'n' || c === 'N' || c === 'i')
                return true;
            percent = false;
        }
    }
    return false;
}
/**
 * A template named as a dependency or trigger stands for its instance of the naming unit's
 * instance, or of its prefix when it has none (resolve_template(): `Wants=foo@.service` in
 * app.target starts foo@app.service); other names stand for themselves.
 */
function resolveTemplate(named, unit) {
    if (!named.isTemplate)
        return named;
    return instanceOf(named, unit.isInstance ? unit.instance : unit.prefix);
}
/**
 * The units a unit file starts: named in Wants=, Requires=, BindsTo=, OnFailure=, Upholds= and
 * OnSuccess= (from 249) or [Install] Also= (enabling it enables them), or triggered: a timer's or
 * path's first valid Unit=, a socket's last valid Service=, else the service of the trigger's own
 * name (none for a socket with Accept=yes, whose instances are named per connection; a socket with
 * Accept=yes and a Service= does not load). `unit`: the name the file is loaded as (its specifiers
 * expand with it). Names systemd would not resolve or accept are left out, and so are names with
 * a specifier of the machine, which cannot be known here.
 */
function unitsStartedBy(bytes, unit, version, 
/** whether an instance loads from the file this unit does (default: yes, its template) */
sameFile = () => true) {
    const trigger = TRIGGERS[unit.type];
    const sections = trigger ? ['Unit', 'Install', trigger[0]] : ['Unit', 'Install'];
    const started = [];
    let triggered;
    const socket = unit.type === 'socket' ? socketReader(unit, version) : undefined;
    for (const { section, key, value, line } of parseUnitText(bytes, sections, version).assignments) {
        if (trigger && section === trigger[0]) {
            if (socket) {
                socket.take(key, value, line);
            }
            else if (key === trigger[1] && value !== '' && triggered === undefined) {
                // the first valid one, of any type but itself (a template: as its instance)
                const name = resolveName(value, unit, version);
                if (name === undefined)
                    continue;
                const named = name === 'unknown' ? undefined : parseUnitName(name);
                const resolved = named && resolveTemplate(named, unit);
                if (name === 'unknown')
                    triggered = 'unknown';
                else if (resolved && resolved.name !== unit.name)
                    triggered = { unit: resolved, key, line };
            }
            continue;
        }
        const since = section === 'Unit' ? STARTING_DEPENDENCIES.get(key) : undefined;
        const also = section === 'Install' && key === 'Also';
        if ((since === undefined || version < since) && !also)
            continue;
        // dependencies keep escapes and quotes (a quoted name is no unit name); Also= unescapes
        for (let position = 0;;) {
            const next = extractFirstWord(value, position, also ? {} : { retainEscape: true });
            if (next === undefined || 'error' in next)
                break;
            position = next.next;
            const name = resolveName(next.word, unit, version);
            const parsed = name === undefined || name === 'unknown' ? undefined : parseUnitName(name);
            // (enable of a template with no instance links nothing: Also= takes instances only)
            const named = parsed && (also ? (parsed.isTemplate ? undefined : parsed) : resolveTemplate(parsed, unit));
            if (!named)
                continue;
            // (systemd tests the name as written, before a template is resolved, and only against an
            // instance that loads from the same file: unit_is_likely_recursive_template_dependency)
            const recursive = !also &&
                parsed.isInstance &&
                parsed.prefix === unit.prefix &&
                parsed.type === unit.type &&
                instanceSuperset(next.word) &&
                sameFile(parsed);
            if (!recursive)
                started.push({ unit: named, key, line });
        }
    }
    if (socket) {
        const activated = socket.activates();
        if (activated === 'refused')
            return [];
        // (per connection: instances named when a connection comes, not known here)
        if (typeof activated !== 'string')
            started.push(activated);
        return started;
    }
    if (trigger && triggered === undefined)
        triggered = ownService(unit);
    if (triggered !== undefined && triggered !== 'unknown')
        started.push(triggered);
    return started;
}
/** The service of a trigger's own name (NAME.socket, NAME.timer: NAME.service). */
function ownService(unit) {
    const own = parseUnitName(`${unit.stem}.service`);
    return own && { unit: own, key: undefined, line: 1 };
}
/** A reader of a socket unit's [Socket] assignments, in the order systemd applies them. */
function socketReader(unit, version) {
    let service;
    let accepts = false;
    return {
        take(key, value, line) {
            if (key === 'Service' && value !== '') {
                const name = resolveName(value, unit, version);
                if (name === 'unknown')
                    service = 'unknown';
                else if (name !== undefined) {
                    // must load as a service (no template); the last one wins
                    const named = parseUnitName(name);
                    if (named?.type === 'service' && !named.isTemplate)
                        service = { unit: named, key, line };
                }
            }
            else if (key === 'Accept') {
                accepts = parseBoolean(value) ?? accepts;
            }
        },
        activates() {
            if (accepts)
                return service === undefined ? 'per-connection' : 'refused';
            return service ?? ownService(unit) ?? 'unknown';
        }
    };
}
/** The service a socket unit activates, from its file and then its drop-ins (see SocketActivation). */
function socketActivates(files, unit, version) {
    const socket = socketReader(unit, version);
    for (const bytes of files)
        for (const { section, key, value, line } of parseUnitText(bytes, ['Socket'], version)
            .assignments)
            if (section === 'Socket')
                socket.take(key, value, line);
    return socket.activates();
}
/** Unit types whose files are read for the units they start (every type with unit files but service). */
const STARTING_TYPES = new Set([
    'socket',
    'target',
    'mount',
    'automount',
    'swap',
    'timer',
    'path',
    'slice'
]);
/**
 * The entries of a directory that start units when loaded on their own: units of other types than
 * service, not templates (systemd loads a template only as an instance).
 */
function startingUnitsAmong(names) {
    const units = [];
    for (const name of names) {
        // (most entries are services: told apart before any parsing)
        if (name.endsWith('.service'))
            continue;
        const unit = parseUnitName(name);
        if (unit && !unit.isTemplate && STARTING_TYPES.has(unit.type))
            units.push(unit);
    }
    return units;
}
/** The unit a dependency directory belongs to (`t@.target` for .../t@.target.wants/x). */
function ownerOfLink(shown) {
    const end = shown.lastIndexOf('/');
    const directory = shown.slice(shown.lastIndexOf('/', end - 1) + 1, end);
    const owner = /^(.+)\.(wants|requires|upholds)$/.exec(directory);
    return owner ? parseUnitName(owner[1]) : undefined;
}
/**
 * The service instances that run because other units start them, each with why: from `roots` (the
 * units of other types beside a template) and `links` (the entries of the dependency directories
 * on the search path: timers.target.wants/backup@daily.timer), through every unit of another type
 * they start in turn, with the entries of its own dependency directories (a template entry stands
 * for the instance of its owner: t@.target.wants/foo@.service for t@root.target starts
 * foo@root.service). Each unit is read once; services are not read (the scan reads each service
 * once: what one service's file names is not followed), but the dependency directories of a service
 * instance that runs are (bar@.service.wants/foo@.service for bar@root.service).
 */
function instancesStarted(roots, links, lookup, version) {
    const found = new Map();
    const visited = new Set();
    const queue = [];
    // (instances of templates naming each other's, %i grown each time, branch without end: the
    // units and the names are both bounded, so memory and time are)
    let tooMany = false;
    let names = 0;
    let servicesVisited = 0;
    // one hop of why, not the whole chain (a chain of 10,000 targets would repeat it each time)
    const hop = (how, via) => via === undefined ? how : `${how}, itself started`;
    const enqueue = (starting) => {
        if (visited.has(starting.unit.name))
            return;
        // (a service instance costs a few lookups, no read: the names bound holds those)
        if (!starting.directoriesOnly && visited.size - servicesVisited >= MAX_STARTING_UNITS) {
            tooMany = true;
            return;
        }
        visited.add(starting.unit.name);
        if (starting.directoriesOnly)
            servicesVisited++;
        queue.push(starting);
    };
    /** an entry of a dependency directory: what it names starts when its owner does */
    const linked = (name, shown, owner, via) => {
        names++;
        const parsed = parseUnitName(name);
        if (!parsed)
            return;
        const unit = parsed.isTemplate
            ? owner && !owner.isTemplate
                ? resolveTemplate(parsed, owner)
                : undefined
            : parsed;
        if (!unit)
            return;
        const then = via === undefined ? '' : `, ${via}`;
        const as = unit.name === name ? '' : ` as ${unit.name}`;
        if (unit.type === 'service') {
            if (unit.isInstance && !found.has(unit.name))
                found.set(unit.name, `enabled by ${shown}${as}${then}`);
            startedService(unit, `which ${shown} enables${as}`, via);
        }
        else if (STARTING_TYPES.has(unit.type)) {
            enqueue({ unit, via: hop(`which ${shown} enables${as}`, via) });
        }
    };
    /**
     * A service instance that runs starts what its template's dependency directories hold
     * (bar@.service.wants/foo@.service for bar@root.service: foo@root.service); its file is not read
     */
    const startedService = (unit, how, via) => {
        if (unit.isInstance && lookup.hasDependencies?.(unit) !== false)
            enqueue({ unit, via: hop(how, via), directoriesOnly: true });
    };
    for (const root of roots)
        enqueue(root);
    for (const [name, shown] of links) {
        const owner = ownerOfLink(shown);
        linked(name, shown, owner && (lookup.idOf?.(owner) ?? owner));
    }
    for (let i = 0; i < queue.length && !tooMany; i++) {
        const { unit, via, directoriesOnly } = queue[i];
        if (!directoriesOnly) {
            const source = lookup.load(unit);
            if (!source?.bytes)
                continue;
            const own = source.shown === unit.name || source.shown.endsWith(`/${unit.name}`);
            const startedByUnit = unitsStartedBy(source.bytes, unit, version, (named) => lookup.load(named)?.shown === source.shown);
            names += startedByUnit.length;
            if (names > MAX_STARTED_NAMES)
                return 'too many';
            for (const started of startedByUnit) {
                const place = `${source.shown}${started.key === undefined ? '' : `:${started.line}`}`;
                const where = own ? place : `${unit.name} (${place})`;
                const then = via === undefined ? '' : `, ${via}`;
                const how = started.key === undefined
                    ? `which ${where} triggers`
                    : `which ${started.key}= in ${where} names`;
                if (started.unit.type === 'service') {
                    if (started.unit.isInstance && !found.has(started.unit.name))
                        found.set(started.unit.name, (started.key === undefined
                            ? `triggered by ${where}`
                            : `named by ${started.key}= in ${where}`) + then);
                    startedService(started.unit, how, via);
                }
                else if (STARTING_TYPES.has(started.unit.type)) {
                    enqueue({ unit: started.unit, via: hop(how, via) });
                }
            }
        }
        // and what its own dependency directories hold
        const byLinks = hop(`which ${unit.name} starts`, via);
        const id = lookup.idOf?.(unit) ?? unit;
        for (const [name, shown] of lookup.dependencies(unit))
            linked(name, shown, id, byLinks);
        if (names > MAX_STARTED_NAMES)
            return 'too many';
    }
    return tooMany ? 'too many' : found;
}
/** Units of other types the walk reads at most: past it, the template is not judged (fails). */
const MAX_STARTING_UNITS = 50_000;
/** Names those units may hold in all, likewise (27,000 instances x 71 template links, 1.9M names,
 * took 25 s and 1.6 GB). */
const MAX_STARTED_NAMES = 100_000;
/**
 * Instances a template is judged as at most, each loaded and scored (~20 us): past it, it fails,
 * as which of them is the worst is not known.
 */
const MAX_JUDGED_INSTANCES = 10_000;
/**
 * instancesStarted() on a search path (`searched`, most specific first), by template prefix and
 * instance, each with why: the units of other types in its directories (the first of each name),
 * the links of their dependency directories, and the lookups of the walk, all through `view`.
 */
function instancesStartedOnSearchPath(searched, view, version) {
    // the links of a dependency directory systemd takes: links, not to /dev/null ("Non-symlink in
    // dependency dir, ignoring"; a masked one is ignored too)
    const realLinks = function* (at) {
        for (const name of view.names(at)) {
            const entry = view.entry(at, name);
            if (entry?.kind === 'link' && entry.text !== '/dev/null')
                yield [name, view.shown(at, name)];
        }
    };
    const roots = [];
    const links = [];
    const named = new Set();
    /** the dependency directories the search path holds, by name */
    const present = new Set();
    for (const dir of searched) {
        const names = [...view.names(dir)];
        for (const unit of startingUnitsAmong(names)) {
            if (named.has(unit.name))
                continue;
            named.add(unit.name);
            roots.push({ unit });
        }
        for (const name of names)
            if (isDependencyDirectory(name)) {
                present.add(name);
                for (const link of realLinks(view.path(dir, name)))
                    links.push(link);
            }
    }
    /** the unit's dependency directory names the search path holds */
    const presentNames = (unit) => present.size === 0
        ? []
        : dependencyDirectoryNames(unit, version).filter((name) => present.has(name));
    const lookup = {
        // the first file of its name on the search path, else its template's; an empty file or a
        // link to /dev/null masks it (a directory of that name is no unit file: the search goes on)
        load(unit) {
            for (const name of [unit.name, templateOf(unit)]) {
                if (name === undefined)
                    continue;
                for (const dir of searched) {
                    const kind = view.entry(dir, name)?.kind;
                    if (kind !== 'file' && kind !== 'link')
                        continue;
                    const bytes = view.read(dir, name);
                    if (bytes === undefined)
                        return undefined;
                    return { bytes: bytes?.length ? bytes : null, shown: view.shown(dir, name) };
                }
            }
            return undefined;
        },
        // its own, its template's, its dash prefixes' and its type's
        *dependencies(unit) {
            const names = presentNames(unit);
            for (const dir of searched)
                for (const name of names)
                    // listed only where the directory has the entry: most units have none, and a listing
                    // that fails costs an exception (1,000 instances of a target: 2 s)
                    if (view.entry(dir, name) !== undefined)
                        yield* realLinks(view.path(dir, name));
        },
        hasDependencies: (unit) => presentNames(unit).length > 0,
        // the unit an alias link leads to (a few hops; the first entry of the name decides: a file
        // there is the unit itself), else the name
        idOf(unit) {
            let id = unit;
            for (let hop = 0; hop < 8; hop++) {
                const dir = searched.find((d) => view.entry(d, id.name) !== undefined);
                const entry = dir === undefined ? undefined : view.entry(dir, id.name);
                const text = entry?.kind === 'link' ? entry.text : undefined;
                const next = text === undefined ? undefined : parseUnitName(text.slice(text.lastIndexOf('/') + 1));
                if (!next ||
                    next.type !== id.type ||
                    next.isTemplate !== id.isTemplate ||
                    next.name === id.name)
                    break;
                id = next;
            }
            return id;
        }
    };
    const started = roots.length > 0 || links.length > 0
        ? instancesStarted(roots, links, lookup, version)
        : undefined;
    if (started === 'too many')
        return started;
    const byPrefix = new Map();
    for (const [name, why] of started ?? []) {
        const service = parseUnitName(name);
        let byInstance = byPrefix.get(service.prefix);
        if (!byInstance)
            byPrefix.set(service.prefix, (byInstance = new Map()));
        byInstance.set(service.instance, why);
    }
    return byPrefix;
}

/**
 * dirname and basename for the scan's hot paths. path.dirname()/basename() validate and walk the
 * whole string in JavaScript, several times per unit file; a search for the last separator gives
 * the same answer for the paths the scan builds. The rarer shapes (no separator, a trailing one,
 * doubled ones) and Windows go to node:path. Property-tested against path.posix.
 */
const SLASH = 0x2f;
const POSIX = path.sep === '/';
function directoryOf(file) {
    if (!POSIX)
        return path.dirname(file);
    const slash = lastIndexOfCode(file, SLASH);
    if (slash <= 0 || slash === file.length - 1 || file.charCodeAt(slash - 1) === SLASH) {
        return path.posix.dirname(file);
    }
    return file.slice(0, slash);
}
/**
 * directoryOf(file), returned as `previous` itself when that is the answer: the scan takes its units
 * in path order, so consecutive units share one directory string, which the reader's maps then hash
 * once and find by identity (a new slice per unit is hashed and compared anew in every map).
 */
function sameDirectoryOf(file, previous) {
    if (POSIX &&
        previous !== undefined &&
        previous.length > 0 &&
        previous.charCodeAt(previous.length - 1) !== SLASH &&
        file.length > previous.length + 1 &&
        file.charCodeAt(previous.length) === SLASH &&
        lastIndexOfCode(file, SLASH) === previous.length &&
        file.startsWith(previous)) {
        return previous;
    }
    return directoryOf(file);
}
function baseNameOf(file) {
    if (!POSIX)
        return path.basename(file);
    const slash = lastIndexOfCode(file, SLASH);
    if (slash < 0 || slash === file.length - 1)
        return path.posix.basename(file);
    return file.slice(slash + 1);
}
/**
 * path.join(directory, name) for a directory entry's name (no separator, not '.' or '..') in a
 * normalized directory, without normalizing the whole path again.
 */
function entryPath(directory, name) {
    if (!POSIX ||
        directory === '' ||
        directory === '.' ||
        name === '' ||
        name === '.' ||
        name === '..') {
        return path.join(directory, name);
    }
    return directory.endsWith('/') ? directory + name : `${directory}/${name}`;
}

/**
 * Read-ahead for large scans: a worker thread opens, reads and closes the files the scan is about to
 * read, in the order it reads them, into a ring of shared memory, and the scan takes a file's bytes
 * from there instead of making the three system calls itself (on a 10,000-unit tree they were a
 * quarter of the scan thread's time). The scan never waits for the worker: a file the worker has not
 * reached, could not read whole, or was not given is read by the scan as before, so the worker
 * changes how fast a report comes, never what it says.
 */
// each control word on a cache line of its own: the worker writes `ready` at every file, the scan
// `released`, and neither line then goes back and forth between the CPUs for the other's writes
const LAYOUT = {
    ready: 0,
    released: 16,
    stop: 32,
    wakeAt: 48,
    notRead: -1
};
const CONTROL_WORDS = 64;
/** how far past the next file the scan's file is looked for (further: read by the scan itself) */
const LOOK_AHEAD = 64;
/** The ring's default size: 128 files of the largest size served (64 KiB), far more of usual ones. */
const RING_BYTES = 8 * 1024 * 1024;
/**
 * The worker's loop, run from its source text (it uses nothing but its arguments and globals).
 * Files lie one after the other in the ring, the next one starting at the ring's start when the
 * largest file would not fit before its end; the worker waits while that space still holds a file
 * the scan has not released. Opened as the scan opens them: O_NOFOLLOW, O_NONBLOCK.
 */
function readAheadLoop(data, fs) {
    const { layout } = data;
    const files = data.files.split('\0');
    files.pop();
    const control = new Int32Array(data.control);
    const entries = new Int32Array(data.entries);
    const size = data.ring.byteLength;
    // one view for every read (a view per file is garbage for the thread's collector)
    const ring = new Uint8Array(data.ring);
    const max = data.read.firstChunk;
    const { flags } = data.read;
    /** where each file starts, counted from the first byte ever written (not wrapped) */
    const starts = new Float64Array(files.length);
    let head = 0;
    let i = 0;
    while (i < files.length) {
        if (Atomics.load(control, layout.stop) !== 0)
            return;
        const released = Atomics.load(control, layout.released);
        if (i < released) {
            // the scan read these itself: skip to where it is
            for (; i < released && i < files.length; i++)
                entries[2 * i + 1] = layout.notRead;
            Atomics.store(control, layout.ready, i);
            continue;
        }
        let at = head;
        if ((at % size) + max > size)
            at += size - (at % size);
        for (;;) {
            const oldest = Atomics.load(control, layout.released);
            const tail = oldest < i ? starts[oldest] : at;
            if (at + max - tail <= size)
                break;
            if (Atomics.load(control, layout.stop) !== 0)
                return;
            // woken once a quarter of the files in the ring are released, not at every file: a ring
            // smaller than the files read would otherwise cost the scan a wake-up call per file
            const wakeAt = oldest + Math.max(1, (i - oldest) >> 2);
            Atomics.store(control, layout.wakeAt, wakeAt);
            for (let now = oldest; now < wakeAt; now = Atomics.load(control, layout.released)) {
                if (Atomics.load(control, layout.stop) !== 0)
                    return;
                // (the scan notifies after storing `released` when it reaches `wakeAt`: a release between
                // the load and this wait makes it return at once, as the value differs)
                Atomics.wait(control, layout.released, now, 50);
            }
            Atomics.store(control, layout.wakeAt, 0);
        }
        let length = layout.notRead;
        try {
            const fd = fs.openSync(files[i], flags);
            try {
                const got = fs.readSync(fd, ring, at % size, max, null);
                if (got < max)
                    length = got;
            }
            finally {
                fs.closeSync(fd);
            }
        }
        catch {
            length = layout.notRead;
        }
        starts[i] = at;
        entries[2 * i] = at % size;
        entries[2 * i + 1] = length;
        if (length > 0)
            head = at + length;
        i++;
        Atomics.store(control, layout.ready, i);
    }
}
/**
 * Starts a worker thread that reads `files` ahead of a scan which reads them in about this order
 * (each file taken lets the worker forget the ones before it). The worker does not keep the process
 * alive; stop() ends it.
 */
function startReadAhead(files, 
/** opened and read as the scan does */
read, ringBytes = RING_BYTES) {
    const data = {
        files: files.length === 0 ? '' : files.join('\0') + '\0',
        layout: LAYOUT,
        read,
        control: new SharedArrayBuffer(CONTROL_WORDS * 4),
        entries: new SharedArrayBuffer(Math.max(1, files.length) * 2 * 4),
        ring: new SharedArrayBuffer(Math.max(ringBytes, read.firstChunk))
    };
    const control = new Int32Array(data.control);
    const entries = new Int32Array(data.entries);
    const ring = new Uint8Array(data.ring);
    const worker = new Worker(`(${readAheadLoop.toString()})(require('node:worker_threads').workerData, require('node:fs'))`, 
    // a young generation of 1 MB, not V8's default: the loop allocates little but the file list,
    // and each megabyte a thread reserves there is memory the process holds (~7 MB less RSS)
    { eval: true, workerData: data, resourceLimits: { maxYoungGenerationSizeMb: 1 } });
    worker.unref();
    // a worker that failed serves nothing more (its last entries stay final): the scan reads the rest
    worker.on('error', () => undefined);
    /** where `file` is at or after `from`: the scan asks in the order given, mostly */
    const indexFrom = (from, file) => {
        const end = Math.min(files.length, from + LOOK_AHEAD);
        for (let i = from; i < end; i++)
            if (files[i] === file)
                return i;
        return undefined;
    };
    let served = 0;
    let wakeUps = 0;
    let stopped = false;
    /** the files before this one the scan is past (published to the worker as `released`) */
    let next = 0;
    /** what `ready` said when last loaded: the worker's line is read only when it must be */
    let ready = 0;
    const release = (after) => {
        next = after;
        Atomics.store(control, LAYOUT.released, next);
        const wakeAt = Atomics.load(control, LAYOUT.wakeAt);
        if (wakeAt !== 0 && next >= wakeAt) {
            Atomics.notify(control, LAYOUT.released);
            wakeUps++;
        }
    };
    return {
        take(file) {
            if (stopped)
                return undefined;
            const i = indexFrom(next, file);
            if (i === undefined)
                return undefined;
            if (i >= ready)
                ready = Atomics.load(control, LAYOUT.ready);
            if (i >= ready) {
                // the worker is behind: it goes on after this file
                release(i + 1);
                return undefined;
            }
            const length = entries[2 * i + 1];
            let bytes;
            if (length !== LAYOUT.notRead) {
                // a copy of its own: the worker reuses the ring space once released
                bytes = Buffer.allocUnsafe(length);
                bytes.set(ring.subarray(entries[2 * i], entries[2 * i] + length));
                served++;
            }
            release(i + 1);
            return bytes;
        },
        get served() {
            return served;
        },
        get done() {
            return Atomics.load(control, LAYOUT.ready);
        },
        get wakeUps() {
            return wakeUps;
        },
        stop() {
            if (stopped)
                return;
            stopped = true;
            Atomics.store(control, LAYOUT.stop, 1);
            Atomics.notify(control, LAYOUT.released);
            void worker.terminate();
        }
    };
}

/**
 * The file-system adapter: finds unit files (its own walk; fast-glob for --exclude), reads them and their drop-ins safely
 * (never following a link out of the scanned tree, never reading anything but regular files) and
 * hands their bytes to the pure core.
 */
/** Files larger than this are reported, not read: no real unit file comes close. */
const MAX_UNIT_FILE_BYTES = 64 * 1024 * 1024;
const DEFAULT_IGNORES = ['**/.git/**', '**/node_modules/**'];
/** Below this many units, starting the read-ahead worker costs more than it saves. */
const READ_AHEAD_MIN_UNITS = 500;
/**
 * The files a scan of `files` reads, in about its order: each unit file, then the drop-ins of the
 * directory named after it. A file left out (type-wide and template drop-ins, sockets) is read as
 * before.
 */
function readOrder(files, listings) {
    // the drop-in directories the walk listed, by the unit file they are named after (a lookup per
    // directory here, then one per unit file by its own path, which hashes once)
    const dropInsOf = new Map();
    for (const [dir, listing] of listings) {
        if (!dir.endsWith('.service.d'))
            continue;
        const names = [];
        for (const [name, kind] of listing.entries) {
            if (kind === 'file' && name.endsWith('.conf'))
                names.push(name);
        }
        if (names.length > 0)
            dropInsOf.set(dir.slice(0, -2), names.sort());
    }
    const order = [];
    for (const file of files) {
        order.push(file);
        const names = dropInsOf.get(file);
        if (names)
            for (const name of names)
                order.push(`${file}.d${path.sep}${name}`);
    }
    return order;
}
/** What --user says of every unit. */
const USER_FLAG = {
    scope: 'user',
    evidence: 'the scan was asked for user units (--user)'
};
class ReadError extends Error {
    systemdReads;
    constructor(message, 
    /** systemd reads what the gate could not (a drop-in so is no drop-in to leave out) */
    systemdReads = false) {
        super(message);
        this.systemdReads = systemdReads;
    }
}
/**
 * The error a failed system call becomes: its code (ENOENT, EACCES...) is what the report says. A
 * name that is not UTF-8 comes from readdir() with U+FFFD in it, which opens nothing: systemd, which
 * reads names as bytes, opens it.
 */
const cannotRead = (error, file) => new ReadError(file !== undefined && isLossyName(file, error)
    ? 'its name is not valid UTF-8: the gate cannot open it'
    : `cannot read: ${error.code ?? String(error)}`, true);
/**
 * Whether opening `file` failed because readdir() gave its name with U+FFFD for bytes that are not
 * UTF-8 (a name that opens nothing), not because it is missing.
 */
function isLossyName(file, error) {
    return error.code === 'ENOENT' && baseNameOf(file).includes('\uFFFD');
}
/** Why following links from `file` leads nowhere (ENOENT, ELOOP ...), or undefined when it leads to something. */
function followError(file) {
    try {
        fs.statSync(file);
        return undefined;
    }
    catch (error) {
        return error.code ?? 'error';
    }
}
const followable = (file) => followError(file) === undefined;
/**
 * Why systemd (from LOOPING_DROP_IN_SKIPPED) leaves a drop-in link out before matching names: a loop,
 * a path through a file (ENOTDIR) or a name too long (ENAMETOOLONG); undefined for any other link.
 */
function skippedLinkReason(file) {
    switch (followError(file)) {
        case 'ELOOP':
            return 'a loop of symbolic links';
        case 'ENOTDIR':
            return 'a symbolic link through a file that is not a directory';
        case 'ENAMETOOLONG':
            return 'a symbolic link to a name too long';
        default:
            return undefined;
    }
}
/** The real path of a file, or undefined when it cannot be resolved. */
function realPathOf(file) {
    try {
        return fs.realpathSync.native(file);
    }
    catch {
        return undefined;
    }
}
/** The real path of a directory, its missing tail kept as named (chase() with CHASE_NONEXISTENT). */
function realPathAsFarAsItGoes(dir) {
    try {
        return fs.realpathSync.native(dir);
    }
    catch {
        const parent = path.dirname(dir);
        return parent === dir ? dir : path.join(realPathAsFarAsItGoes(parent), path.basename(dir));
    }
}
/** The instance name systemd-analyze gives a bare template: "i" up to v256, "test_instance" after. */
function templateInstance(version) {
    return version >= 257 ? 'test_instance' : 'i';
}
const toPosix = (p) => (path.sep === '/' ? p : p.split(path.sep).join('/'));
/** What a report shows before the names of a directory's files: its POSIX path relative to cwd. */
function displayPrefix(cwd, directory) {
    const relative = toPosix(path.relative(cwd, directory));
    return relative === '' ? '' : relative + '/';
}
function kindOf(entry) {
    if (entry.isFile())
        return 'file';
    if (entry.isDirectory())
        return 'directory';
    if (entry.isSymbolicLink())
        return 'link';
    return 'other';
}
function listingOf(entries, real) {
    const listing = { entries: new Map(), links: [], real };
    for (const entry of entries) {
        const kind = kindOf(entry);
        listing.entries.set(entry.name, kind);
        if (kind === 'link')
            listing.links.push(entry.name);
    }
    return listing;
}
// O_NOFOLLOW: an entry listed as a regular file is never read through a link swapped in later;
// O_NONBLOCK: nor does a FIFO swapped in block the scan.
const OPEN_REGULAR = fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK;
const CHUNK_BYTES = 64 * 1024;
const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
/** how readRegularFile() opens and first reads a file: the read-ahead worker does the same */
const REGULAR_READ = { flags: OPEN_REGULAR, firstChunk: CHUNK_BYTES };
/**
 * Reads a file getdents() called regular: open, read, close (readFileSync would stat it too). A
 * file that fills the first chunk is stat'ed, so the size limit is checked before reading on.
 */
function readRegularFile(file) {
    const fd = fs.openSync(file, OPEN_REGULAR);
    try {
        const first = fs.readSync(fd, chunk, 0, CHUNK_BYTES, null);
        // a short read of a regular file is its end: almost every unit file fits one chunk
        if (first < CHUNK_BYTES)
            return Buffer.from(chunk.subarray(0, first));
        const stat = fs.fstatSync(fd);
        if (!stat.isFile())
            throw new ReadError('is not a regular file');
        checkSize(stat.size);
        const parts = [Buffer.from(chunk)];
        let length = first;
        for (;;) {
            const part = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, stat.size - length + 1));
            const got = fs.readSync(fd, part, 0, part.length, null);
            if (got === 0)
                break;
            length += got;
            checkSize(length);
            parts.push(part.subarray(0, got));
        }
        return Buffer.concat(parts, length);
    }
    finally {
        fs.closeSync(fd);
    }
}
function checkSize(size) {
    if (size > MAX_UNIT_FILE_BYTES) {
        throw new ReadError(`file is ${size} bytes, larger than the ${MAX_UNIT_FILE_BYTES} the gate reads`, true);
    }
}
/**
 * Reads files below the scan roots only; caches directory listings (`known`: listings the walk
 * already made).
 */
function createReader(roots, cwd, known, 
/** bytes read already (see read-ahead.ts) of a file listed as regular */
readAhead) {
    const listings = new Map(known);
    const states = new Map();
    let lastDirectory;
    let lastState;
    const stateOf = (dir) => {
        if (dir === lastDirectory)
            return lastState;
        let state = states.get(dir);
        if (state === undefined) {
            state = {
                listing: undefined,
                listed: false,
                real: undefined,
                prefix: undefined,
                nameMap: undefined
            };
            states.set(dir, state);
        }
        lastDirectory = dir;
        lastState = state;
        return state;
    };
    const listingIn = (dir) => {
        const state = stateOf(dir);
        if (!state.listed) {
            state.listing = list(dir);
            state.listed = true;
        }
        return state.listing;
    };
    /** readlink() results, shared by the alias index and read() */
    const linkTexts = new Map();
    const readLink = (file) => {
        let text = linkTexts.get(file);
        if (text === undefined) {
            text = fs.readlinkSync(file);
            linkTexts.set(file, text);
        }
        return text;
    };
    const list = (dir) => {
        if (listings.has(dir))
            return listings.get(dir);
        let listing;
        try {
            // one getdents() per directory gives the link entries too: no lstat() per file
            listing = listingOf(fs.readdirSync(dir, { withFileTypes: true }));
        }
        catch {
            listing = undefined;
        }
        listings.set(dir, listing);
        return listing;
    };
    const realRoots = roots.map((root) => {
        try {
            return fs.realpathSync(root);
        }
        catch {
            return root;
        }
    });
    /** realpath of a directory, cached: every unit in a directory shares it. */
    const realDirectory = (dir) => {
        const state = stateOf(dir);
        if (state.real === undefined) {
            try {
                state.real = listings.get(dir)?.real ?? fs.realpathSync.native(dir);
            }
            catch (error) {
                throw cannotRead(error);
            }
        }
        return state.real;
    };
    const within = (real, root) => real === root || real.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
    // Repository internals are never unit files, even when a link points there.
    const inGitDirectory = (real, root) => real.includes('.git') && path.relative(root, real).split(path.sep).includes('.git');
    const inside = (real) => realRoots.some((root) => within(real, root) && !inGitDirectory(real, root));
    const directoriesInside = new Map();
    /** inside() of every entry of a real directory but one named .git (when the directory is), cached */
    const directoryInside = (realDir) => {
        let result = directoriesInside.get(realDir);
        if (result === undefined) {
            result = inside(realDir);
            directoriesInside.set(realDir, result);
        }
        return result;
    };
    const display = (file, directory = directoryOf(file)) => {
        const state = stateOf(directory);
        return (state.prefix ??= displayPrefix(cwd, directory)) + baseNameOf(file);
    };
    /**
     * A link named like a service is an alias when its target lies in the same directory (or below it:
     * systemd then takes the entry of that name in the directory), or in a directory of the image's
     * search path (`image`; the target followed below its root, see chaseBelowRoot); any other is a
     * linked unit file (a mask too); an unreadable link, or one systemd gives up, is no entry at all
     * (undefined).
     */
    const classifyLink = (dir, name, 
    /** the search path, when the directory is one of an image's */
    image) => {
        let text;
        try {
            text = readLink(path.join(dir, name));
        }
        catch {
            return undefined;
        }
        if (image) {
            // systemd --root follows a link's target below the image's root: an absolute one
            // (`systemctl enable` writes aliases so) from there, a `..` stopping there, a directory that
            // is a link on the way too
            const below = chaseBelowRoot(path.isAbsolute(text) ? text : `/${toPosix(path.relative(image.root, dir))}/${text}`, (entry) => imageEntry(image.root, entry));
            // systemd gives such a link up: no name at all, the next directory's entry wins
            if (below === undefined)
                return undefined;
            // below the root as given (not resolved), as systemd compares it with its directories
            const target = path.resolve(image.root, below);
            return (aliasLinkFor(path.basename(target), path.dirname(target), image.directories) ?? 'linked');
        }
        const target = path.resolve(dir, text);
        // (path.resolve() drops a trailing slash)
        if (endsInSlash(text) && !fs.existsSync(target))
            return undefined;
        const parent = path.dirname(target);
        if (parent === dir)
            return { target: path.basename(target) };
        let realDir;
        try {
            realDir = realDirectory(dir);
        }
        catch {
            return 'linked';
        }
        // systemd resolves the directories on the way, not the file itself; missing ones stay as named
        const targetDirectory = realPathAsFarAsItGoes(parent);
        return aliasLinkFor(path.basename(target), targetDirectory, [realDir]) ?? 'linked';
    };
    /** What a path below an image's root is (its directory's listing and link texts, cached). */
    const imageEntry = (root, below) => {
        const file = path.join(root, below);
        const kind = listingIn(path.dirname(file))?.entries.get(path.basename(file));
        if (kind === 'directory')
            return { kind: 'directory' };
        if (kind === 'link') {
            try {
                return { kind: 'link', text: readLink(file) };
            }
            catch {
                return { kind: 'missing' };
            }
        }
        return kind === undefined ? { kind: 'missing' } : { kind: 'other' };
    };
    /** A directory's entries for a name map, its links classified against the search directories. */
    const directoryLinks = (dir, image) => {
        const listing = listingIn(dir);
        const links = new Map();
        for (const name of listing?.links ?? []) {
            if (parseUnitName(name)?.type !== 'service')
                continue;
            const link = classifyLink(dir, name, image);
            if (link)
                links.set(name, link);
        }
        return { isFile: (n) => listing?.entries.get(n) === 'file', links };
    };
    const imageNameMap = searchPathNameMaps((searched, root) => {
        const real = searched.flatMap((d) => realPathOf(d) ?? []);
        const image = { root, directories: [...searched, ...real] };
        return searched.map((d) => directoryLinks(d, image));
    });
    return {
        display,
        linkText(file) {
            try {
                return readLink(file);
            }
            catch {
                return undefined;
            }
        },
        listDirectory(dir) {
            return listingIn(dir)?.entries;
        },
        nameMap(dir, searched = [dir], root, ownName) {
            if (searched.length === 1 || root === undefined) {
                const state = stateOf(dir);
                return (state.nameMap ??= buildNameMap(directoryLinks(dir)));
            }
            return imageNameMap(dir, searched, root, ownName);
        },
        read(file, directory = directoryOf(file)) {
            const name = baseNameOf(file);
            if (listingIn(directory)?.entries.get(name) === 'file') {
                // The listing says regular file: no lstat; its directory may still be reached by a link.
                const realDir = realDirectory(directory);
                // (roots may be single files: a directory outside them may still hold one)
                if (!(directoryInside(realDir) && name !== '.git')) {
                    const real = entryPath(realDir, name);
                    if (!inside(real)) {
                        throw new ReadError(`resolves to ${real} outside the scanned tree; not followed`);
                    }
                }
                try {
                    const bytes = readAhead?.take(file) ?? readRegularFile(file);
                    return { path: display(file, directory), bytes };
                }
                catch (error) {
                    if (error instanceof ReadError)
                        throw error;
                    throw cannotRead(error, file);
                }
            }
            const shown = display(file);
            let stat;
            try {
                stat = fs.lstatSync(file);
            }
            catch (error) {
                throw cannotRead(error, file);
            }
            let target = file;
            if (stat.isSymbolicLink()) {
                const link = readLink(file);
                if (link === '/dev/null')
                    return { path: shown, bytes: null };
                let real;
                try {
                    real = fs.realpathSync(file);
                }
                catch {
                    throw new ReadError(`dangling symbolic link to ${link}`);
                }
                if (real === '/dev/null')
                    return { path: shown, bytes: null };
                if (!inside(real))
                    throw new ReadError(`symbolic link to ${link} leaves the scanned tree; not followed`);
                target = real;
                stat = fs.statSync(real);
            }
            else {
                // Not a link itself, but maybe reached through one (a drop-in directory that is a link).
                const real = path.join(realDirectory(directoryOf(file)), baseNameOf(file));
                if (!inside(real)) {
                    throw new ReadError(`resolves to ${real} outside the scanned tree; not followed`);
                }
            }
            if (stat.isDirectory())
                throw new ReadError('is a directory, not a unit file');
            if (!stat.isFile())
                throw new ReadError('is not a regular file');
            checkSize(stat.size);
            try {
                return { path: shown, bytes: fs.readFileSync(target) };
            }
            catch (error) {
                throw cannotRead(error);
            }
        }
    };
}
/**
 * The leads (dropInLead) of a directory's drop-in directories named like dash prefixes
 * (foo-.service.d, foo-@i.service.d), computed once per listing.
 */
const prefixLeadsByListing = new WeakMap();
/**
 * Whether a directory may hold drop-in directories of a unit: the type-wide one, the unit's own,
 * its template's, or a dash-prefix one of its lead (every other name systemd searches is one).
 */
function mayHoldDropIns(siblings, id) {
    if (siblings.has(`${id.type}.d`) || siblings.has(`${id.name}.d`))
        return true;
    if (id.isInstance && siblings.has(`${id.prefix}@.${id.type}.d`))
        return true;
    let prefixLeads = prefixLeadsByListing.get(siblings);
    if (prefixLeads === undefined) {
        prefixLeads = new Set();
        for (const name of siblings.keys()) {
            if (name.endsWith('.d') && isDashPrefixName(name))
                prefixLeads.add(dropInLead(name));
        }
        prefixLeadsByListing.set(siblings, prefixLeads);
    }
    return prefixLeads.size > 0 && prefixLeads.has(dropInLead(id.name));
}
/**
 * A drop-in directory that is a link counts only when the link is absolute: systemd checks the
 * link's text as a path from its own working directory (/ for the service manager; the same for
 * systemd-analyze, from wherever it runs), so a relative link names no directory and is skipped.
 */
const isAbsoluteLink = (text) => text !== undefined && text.startsWith('/');
/** Drop-ins in lib/systemd/system of an image tree, from 255 (see isMergedUsrDirectory). */
const MERGED_USR_DROP_INS = (shown) => `${shown}: systemd searches no lib/systemd/system from 255, but on a merged-/usr system it is ` +
    `/usr/lib/systemd/system: the gate scores the unit with and without these drop-ins and judges the worse`;
/** Drop-ins of a name the unit's [Install] Alias= gives it (see installNames). */
const ENABLED_ALIAS_DROP_INS = (shown, alias) => `${shown} holds drop-ins of ${alias}, the name the unit's Alias= gives it: systemd reads them once ` +
    `\`systemctl enable\` makes the link; the gate scores the unit with and without them and judges the worse`;
const RELATIVE_DROP_IN_DIRECTORY = (shown) => `${shown} is a relative symbolic link: systemd reads its drop-ins only when the text also names a ` +
    `directory from its working directory (/ for the service manager, so it depends on where the unit ` +
    `is installed); the gate scores the unit with and without them and judges the worse; make it absolute`;
/**
 * Drop-ins beside the unit file for every name of the unit, in systemd's order; unreadable ones
 * become diagnostics.
 */
function collectDropIns(id, aliases, directory, reader, version, 
/** the manager whose search path the unit's directory may be in (see dropInSearchDirectories) */
manager, 
/** names its [Install] Alias= gives it: their drop-ins count once it is enabled */
enabledAliases = []) {
    const searched = dropInSearchDirectories(directory, version, path.sep, manager);
    // the listings that may hold drop-ins of the unit (most units: one directory, none)
    const listed = [];
    for (const dir of searched) {
        const listing = reader.listDirectory(dir);
        if (listing && (aliases.length + enabledAliases.length > 0 || mayHoldDropIns(listing, id)))
            listed.push([dir, listing]);
    }
    if (listed.length === 0)
        return { orders: [[]], problems: [], conflicts: [], truncated: false };
    const listingIn = (dir) => listed.find(([listedDir]) => listedDir === dir)?.[1];
    const candidates = [];
    // from drop-in directories that are relative links: read by systemd or not, as its working
    // directory has it (see RELATIVE_DROP_IN_DIRECTORY)
    const maybeRead = [];
    const problems = [];
    const names = enabledAliases.length === 0 ? aliases : [...aliases, ...enabledAliases];
    // one directory (the usual case): its drop-in directories as they are, no copy per search directory
    const walk = searched.length === 1
        ? unitDropInDirectories(id, names)
        : searchedDropInDirectories(id, names, searched);
    walk.forEach((searchedDir, directoryRank) => {
        const { name, alias } = searchedDir;
        const inDirectory = searchedDir.directory ?? directory;
        const kind = listingIn(inDirectory)?.get(name);
        if (kind === undefined)
            return;
        const dropInDir = entryPath(inDirectory, name);
        const relativeLink = kind === 'link' && !isAbsoluteLink(reader.linkText(dropInDir));
        const shown = () => reader.display(dropInDir, inDirectory);
        if (relativeLink)
            problems.push(RELATIVE_DROP_IN_DIRECTORY(shown()));
        const onceEnabled = alias !== undefined && alias >= aliases.length;
        if (onceEnabled)
            problems.push(ENABLED_ALIAS_DROP_INS(shown(), names[alias].name));
        // lib/systemd/system of an image tree from 255: read once deployed on a merged-/usr system
        const mergedUsr = inDirectory !== directory && isMergedUsrDirectory(inDirectory, version, path.sep);
        if (mergedUsr)
            problems.push(MERGED_USR_DROP_INS(shown()));
        for (const [fileName, entryKind] of reader.listDirectory(dropInDir) ?? []) {
            if (!isDropInFileName(fileName))
                continue;
            const file = entryPath(dropInDir, fileName);
            const skipped = entryKind === 'link' && version >= LOOPING_DROP_IN_SKIPPED
                ? skippedLinkReason(file)
                : undefined;
            if (skipped !== undefined) {
                problems.push(`${reader.display(file)}: ${skipped}; systemd skips it`);
                continue;
            }
            const candidate = { directoryRank, fileName, path: file };
            (relativeLink || onceEnabled || mergedUsr ? maybeRead : candidates).push(alias === undefined ? candidate : { ...candidate, alias });
        }
    });
    // both ways, the worse judged (scanUnitFile): a weakening drop-in behind a relative link counts
    const choices = dropInChoicesEitherWay(candidates, maybeRead);
    const inputs = new Map();
    let unreadable;
    const load = (file) => {
        if (!inputs.has(file)) {
            try {
                inputs.set(file, reader.read(file));
            }
            catch (error) {
                if (!(error instanceof ReadError))
                    throw error;
                // one systemd skips too (a directory, a FIFO, a dangling link ...) is a note; one it reads
                // would change the score the gate gives without it
                if (error.systemdReads)
                    unreadable ??= `${reader.display(file)}: ${error.message}`;
                else
                    problems.push(`${reader.display(file)}: ${error.message}`);
                inputs.set(file, undefined);
            }
        }
        return inputs.get(file);
    };
    const orders = choices.orders.map((order) => order.flatMap((candidate) => load(candidate.path) ?? []));
    // names contesting files of the same bytes leave systemd no choice: nothing left out matters
    const moot = choices.truncated &&
        choices.conflicts.every(({ paths }) => {
            const first = load(paths[0])?.bytes;
            return paths.every((p) => {
                const bytes = load(p)?.bytes;
                return first && bytes && Buffer.compare(first, bytes) === 0;
            });
        });
    return {
        orders,
        problems,
        conflicts: choices.conflicts,
        truncated: choices.truncated && !moot,
        ...(unreadable !== undefined ? { unreadable } : {})
    };
}
/** Per directory listing: the names of the links in its dependency directories, with their paths. */
const dependencyLinksOf = new WeakMap();
/** The links in a directory's dependency directories (multi-user.target.wants/x), with their paths. */
function dependencyLinks(dir, listing, read) {
    let links = dependencyLinksOf.get(listing);
    if (!links) {
        links = [];
        for (const [name, kind] of listing) {
            if ((kind !== 'directory' && kind !== 'link') || !isDependencyDirectory(name))
                continue;
            for (const link of read.listDirectory(entryPath(dir, name))?.keys() ?? [])
                links.push([link, read.display(entryPath(entryPath(dir, name), link))]);
        }
        dependencyLinksOf.set(listing, links);
    }
    return links;
}
/** 50000 as 50,000 */
const thousands = (n) => String(n).replace(/\B(?=(\d{3})+$)/g, ',');
/** Why a template is not judged when the units beside it start too many others to follow. */
const TOO_MANY_STARTED = 
// (not toLocaleString(): Intl's number formats cost ~15 ms of every start)
`the units of other types on its search path start more than the gate follows ` +
    `(${thousands(MAX_STARTING_UNITS)} units, or ${thousands(MAX_STARTED_NAMES)} names in all; ` +
    `instances of templates that name each other's without end?): ` +
    `the gate cannot tell which instances of this template run`;
/** Why a template is not judged when more of its instances run than the gate scores. */
const TOO_MANY_INSTANCES = `more than ${thousands(MAX_JUDGED_INSTANCES)} of its instances ` +
    `run (enabled, started by other units, or with drop-ins of their own), more than the gate ` +
    `scores one by one: it cannot tell which of them is the worst`;
/** Per search path (its directories) and version: the service instances other units start. */
// (per reader, so per scan: a later scan in the same process sees the files as they are then)
const startedOnSearchPath = new WeakMap();
/**
 * The service instances the units of other types on a search path start (a target's Wants=, a
 * timer's Unit=, an enabled timer's default ...; see instancesStartedOnSearchPath), by template
 * prefix and instance, each with why; worked out once per search path.
 */
function instancesStartedOn(searched, read, version) {
    const key = `${version}\0${searched.join('\0')}`;
    let memo = startedOnSearchPath.get(read);
    if (memo === undefined)
        startedOnSearchPath.set(read, (memo = new Map()));
    let found = memo.get(key);
    if (found)
        return found;
    const view = {
        names: (dir) => read.listDirectory(dir)?.keys() ?? [],
        entry(dir, name) {
            const kind = read.listDirectory(dir)?.get(name);
            if (kind === 'link')
                return { kind, text: read.linkText(entryPath(dir, name)) ?? '' };
            return kind === undefined ? undefined : { kind };
        },
        read(dir, name) {
            try {
                return read.read(entryPath(dir, name), dir).bytes;
            }
            catch (error) {
                if (!(error instanceof ReadError))
                    throw error;
                return undefined;
            }
        },
        shown: (dir, name) => read.display(entryPath(dir, name), dir),
        path: entryPath
    };
    found = instancesStartedOnSearchPath(searched, view, version);
    // (bounded: a scan of many image trees keeps the last thousand)
    if (memo.size >= 1000)
        memo.clear();
    memo.set(key, found);
    return found;
}
/**
 * The instances of template `prefix@.service` that run, which its test instance may not show, each
 * with why: those with drop-in directories of their own and no unit file (foo@web.service.d/), and
 * those links in dependency directories enable (multi-user.target.wants/foo@root.service), in the
 * template's directory, or every directory of the search path for a system unit in an image tree.
 */
function instancesThatRun(prefix, directory, read, version, manager) {
    const found = new Map();
    const searched = dropInSearchDirectories(directory, version, path.sep, manager);
    for (const dir of searched) {
        const listing = read.listDirectory(dir);
        if (!listing)
            continue;
        const withDropIns = instancesWithDropIns(prefix, listing.keys(), (name) => listing.get(name) === 'file', (name) => listing.has(name));
        for (const instance of withDropIns)
            if (!found.has(instance))
                found.set(instance, 'with drop-ins of its own beside the template');
        const links = dependencyLinks(dir, listing, read);
        if (links.length === 0)
            continue;
        const shownBy = new Map(links);
        for (const instance of enabledInstances(prefix, shownBy.keys())) {
            const link = shownBy.get(`${prefix}@${instance}.service`);
            if (!found.has(instance))
                found.set(instance, `enabled by ${link}`);
        }
    }
    // and those the units of other types on the search path start
    const started = instancesStartedOn(searched, read, version);
    if (started === 'too many')
        return started;
    for (const [instance, why] of started.get(prefix) ?? [])
        if (!found.has(instance))
            found.set(instance, why);
    return found;
}
/**
 * For an absolute link in a directory of an image tree's search path (`/usr/lib/systemd/system/x`
 * as `systemctl enable` writes it): what it names inside the image, which the gate does not follow.
 */
function imageLinkHint(file, directory, read, version) {
    const text = read.linkText(file);
    if (text === undefined || !text.startsWith('/'))
        return '';
    const root = searchPathRoot(directory, version, path.sep);
    if (root === undefined)
        return '';
    return (`; in the image it names ${read.display(path.join(root, text))}, but the gate follows no ` +
        `absolute link out of the scanned tree's root: make the link relative to score it`);
}
/** What `systemctl enable` reads of a unit: its file and drop-ins (see installNames). */
function installNamesOf(main, dropIns, id, user, asTemplate = false) {
    return installNames(installTexts(main, dropIns, id, asTemplate), id, user);
}
/** Alias= names with a machine specifier, as the drop-in directories of the search path name them. */
function aliasesFound(install, id, searched, read) {
    if (install.aliasPatterns.length === 0)
        return [];
    return searched.flatMap((dir) => aliasesMatching(install.aliasPatterns, read.listDirectory(dir)?.keys() ?? [], id));
}
/** The names among `aliases` the unit does not have already. */
function newAliases(aliases, names) {
    const fresh = [];
    if (aliases.length === 0)
        return fresh;
    const known = new Set([names.id.name, ...names.aliases.map((alias) => alias.name)]);
    for (const alias of aliases) {
        if (known.has(alias.name))
            continue;
        known.add(alias.name);
        fresh.push(alias);
    }
    return fresh;
}
/** Whether a path names an instance (foo@x.service) whose template (foo@.service) is beside it. */
function hasTemplateBeside(file) {
    const named = parseUnitName(path.basename(file));
    const template = named && templateOf(named);
    if (!template)
        return false;
    try {
        fs.lstatSync(path.join(path.dirname(file), template));
        return true;
    }
    catch {
        return false;
    }
}
/** Whether a file lies in a dependency directory (x.target.wants/): no unit file for systemd. */
const inDependencyDirectory = (file) => isDependencyDirectory(baseNameOf(directoryOf(file)));
/** Directories never searched for units (DEFAULT_IGNORES, by name). */
const SKIPPED_DIRECTORIES = new Set(['.git', 'node_modules']);
/**
 * Finds the *.service entries below a directory as fast-glob does with DEFAULT_IGNORES (dot files
 * included, links listed but not followed, directories named x.service listed), keeping each
 * directory's listing for the reader: one getdents() per directory for the whole scan. fast-glob
 * itself costs about twice the time here (measured in the README), so it is used only for --exclude.
 * Unlike fast-glob, a directory it cannot list is not passed over in silence: it is listed among the
 * unit files, and scanUnitFile() reports it (units may hide in it). `skip`: entries to leave out,
 * directories not entered (the --exclude and exclude globs).
 */
function walkServiceFiles(root, listings, skip) {
    const found = [];
    let realRoot;
    try {
        realRoot = fs.realpathSync.native(root);
    }
    catch {
        realRoot = undefined;
    }
    // Below the root the walk enters real directories only, so their real paths follow from its own.
    // A list of directories to visit, not recursion: any depth a checkout can hold is walked.
    const pending = [[root, realRoot]];
    for (let next = pending.pop(); next; next = pending.pop()) {
        const [dir, real] = next;
        let entries;
        try {
            entries = fs.readdirSync(dir, { withFileTypes: true });
        }
        catch {
            found.push(dir);
            continue;
        }
        const listing = listingOf(entries, real);
        listings.set(dir, listing);
        // a dependency directory (multi-user.target.wants/) holds names, not unit files: systemd loads
        // none from it (the template judges the instances its links enable, see instancesThatRun)
        const names = !isDependencyDirectory(baseNameOf(dir));
        for (const [name, kind] of listing.entries) {
            if (kind === 'directory' && SKIPPED_DIRECTORIES.has(name))
                continue;
            const child = dir + path.sep + name;
            if (skip?.(child, kind))
                continue;
            if (names && name.endsWith('.service'))
                found.push(child);
            if (kind === 'directory')
                pending.push([child, real === undefined ? undefined : entryPath(real, name)]);
        }
    }
    return found;
}
/** A glob the gate refuses to use (see checkPatterns). */
class PatternError extends Error {
}
/** Brace groups a pattern may hold: fast-glob expands them all, {a,b}{c,d}... doubling each time. */
const MAX_BRACE_GROUPS = 8;
/**
 * Refuses a glob that would exhaust memory or that picomatch cannot compile ({1..1000000}, twenty
 * brace groups, thousands of '['), with a message, before fast-glob takes it.
 */
function checkPatterns(patterns, picomatch) {
    for (const pattern of patterns) {
        const problem = pattern.length > 4096
            ? 'longer than 4096 characters'
            : (pattern.match(/\{/g)?.length ?? 0) > MAX_BRACE_GROUPS
                ? `more than ${MAX_BRACE_GROUPS} brace groups`
                : /\{[^}]*\.\./.test(pattern)
                    ? 'a brace range ({1..9}): list the values instead'
                    : undefined;
        if (problem === undefined) {
            try {
                picomatch.makeRe(pattern, { dot: true });
                continue;
            }
            catch (error) {
                throw new PatternError(`the glob ${JSON.stringify(pattern)} cannot be used: ${error.message}`);
            }
        }
        throw new PatternError(`the glob ${JSON.stringify(pattern.slice(0, 80))} cannot be used: ${problem}`);
    }
}
/** Line terminators: a glob (picomatch's `.`) never matches a path through a name holding one. */
const LINE_TERMINATOR = /[\n\r\u2028\u2029]/;
/**
 * What fast-glob cannot find below `root` that `patterns` (relative to it, fast-glob syntax) name and
 * `ignore` does not: units below a directory whose name holds a line terminator (fast-glob's `**` is
 * built from `.`), and directories that cannot be listed (a name that is not UTF-8 among them). Found
 * by walking the tree; matched by picomatch, the matcher fast-glob uses, with the `s` flag. A
 * pattern that matches a directory takes every unit below it, as fast-glob's callers do. With
 * `followLinks`, also the units below links to directories in the tree, under the link's name.
 */
function unitsGlobsMiss(root, patterns, ignore, found, picomatch, 
/**
 * walk links to directories in the tree too (the Action: a PR may swap a directory for one), or
 * only those that are a directory of an image's search path (the CLI, as systemd reads them)
 */
followLinks = false, 
/** keeps the listings of the directories below `root` (for the reader: none listed twice) */
listings = new Map()) {
    const options = { dot: true, flags: 's' };
    const wanted = picomatch(patterns.flatMap((p) => [p, `${p}/**`]), options);
    const ignored = picomatch([...DEFAULT_IGNORES, ...ignore], options);
    // the walk joins names to `root` as given: the relative path is what follows it (path.relative()
    // was a third of this walk's time)
    const prefix = root.endsWith(path.sep) ? root : root + path.sep;
    const relative = (entry) => toPosix(entry.startsWith(prefix) ? entry.slice(prefix.length) : path.relative(root, entry));
    const wantedBelow = (rel) => wanted(`${rel === '' ? '' : `${rel}/`}x.service`);
    const missed = [];
    if (realPathOf(root) === undefined)
        return missed;
    const take = (walked, linked) => {
        const entry = path.normalize(walked);
        if (found.has(entry))
            return;
        const rel = relative(entry);
        const unlisted = !entry.endsWith('.service');
        // a directory it cannot list: would a unit in it be wanted?
        if (unlisted) {
            if (wantedBelow(rel))
                missed.push(entry);
        }
        else if (linked || LINE_TERMINATOR.test(rel.slice(0, rel.lastIndexOf('/') + 1))) {
            if (wanted(rel))
                missed.push(entry);
        }
    };
    walkFollowingLinks(root, listings, {
        follows: (link) => (followLinks === true || (followLinks && isSearchDirectory(link))) &&
            wantedBelow(relative(link)),
        skip: (child) => ignored(relative(child)),
        found: take
    });
    return missed;
}
/**
 * Walks `root` (walkServiceFiles) and the links to directories in the tree that `follows` picks,
 * under the link's name (units/prod -> ../deploy/prod: systemd reads units/prod/app.service through
 * it), links found below those too; each real directory once. `found` gets each unit file (or
 * directory it could not list) and whether it lies below a followed link.
 */
function walkFollowingLinks(root, listings, options) {
    let links = [];
    const skip = (child, kind) => {
        if (options.skip?.(child, kind))
            return true;
        if (kind === 'link' && options.follows(child))
            links.push(child);
        return false;
    };
    for (const entry of walkServiceFiles(root, listings, skip))
        options.found(entry, false);
    // the root's real path only when there is a link to follow (the usual tree has none)
    const realRoot = links.length > 0 ? realPathOf(root) : undefined;
    if (realRoot === undefined)
        return;
    const seen = new Set([realRoot]);
    // Two links to one directory: the one systemd reads is walked, the first of its search path
    // (systemd drops a directory it met already), then by path; the links below them in turn.
    while (links.length > 0) {
        // each link ranked once, not at every comparison (the Action follows every link it meets)
        const round = links
            .map((link) => ({ link, rank: searchDirectoryRank(link) }))
            .sort((a, b) => a.rank - b.rank || (a.link < b.link ? -1 : a.link > b.link ? 1 : 0));
        links = [];
        for (const { link } of round) {
            const real = directoryInside(link, realRoot);
            if (real === undefined || seen.has(real))
                continue;
            seen.add(real);
            for (const entry of walkServiceFiles(link, listings, skip))
                options.found(entry, true);
        }
    }
}
/** Whether a directory is one of a system or user manager's search path (of an image, say). */
const isSearchDirectory = (directory) => eitherSearchPathRoot(directory, NEWEST_SYSTEMD_VERSION, path.sep) !== undefined;
/** A directory's place in its (system or user manager's) search path; other directories last. */
function searchDirectoryRank(directory) {
    const directories = eitherSearchDirectories(directory, NEWEST_SYSTEMD_VERSION);
    const rank = directories.length > 1 ? directories.indexOf(directory) : -1;
    return rank < 0 ? Number.MAX_SAFE_INTEGER : rank;
}
/** The real path of a link that leads to a directory at or below `realRoot`, else undefined. */
function directoryInside(link, realRoot) {
    try {
        const real = fs.realpathSync(link);
        const inside = real === realRoot || real.startsWith(`${realRoot}${path.sep}`);
        return inside && fs.statSync(real).isDirectory() ? real : undefined;
    }
    catch {
        return undefined;
    }
}
/**
 * `files` without the units of a plain directory that `files` also hold in a directory of an image's
 * search path (rootfs/usr/lib/systemd/system -> ../../../opt/units, or systemd ->
 * rootfs/usr/lib/systemd/system): systemd reads them through the search path, with the image's
 * drop-ins, not as units of a plain directory; `listings` give the real directories. A copy stays
 * when `changed` (paths a change touched) holds its directory, the search directory, or a directory
 * above either: the change made or moved the link, and what was gated there before is gated still.
 */
function withoutPlainCopies(files, listings, changed = []) {
    const searchDirectory = new Map();
    const isSearch = (dir) => {
        let result = searchDirectory.get(dir);
        if (result === undefined)
            searchDirectory.set(dir, (result = isSearchDirectory(dir)));
        return result;
    };
    const realOf = (file) => {
        const dir = directoryOf(file);
        return entryPath(listings.get(dir)?.real ?? dir, baseNameOf(file));
    };
    // the units gated in a search directory, by their real path, with the directories holding them
    const searchDirectoriesOf = new Map();
    for (const file of files) {
        const dir = directoryOf(file);
        if (!isSearch(dir))
            continue;
        const real = realOf(file);
        const known = searchDirectoriesOf.get(real);
        if (!known)
            searchDirectoriesOf.set(real, [dir]);
        else if (!known.includes(dir))
            known.push(dir);
    }
    if (searchDirectoriesOf.size === 0)
        return [...files];
    const touched = (dir) => changed.some((c) => dir === c || dir.startsWith(c.endsWith(path.sep) ? c : c + path.sep));
    return files.filter((file) => {
        const dir = directoryOf(file);
        if (isSearch(dir))
            return true;
        const searchDirectories = searchDirectoriesOf.get(realOf(file));
        return searchDirectories === undefined || touched(dir) || searchDirectories.some(touched);
    });
}
/**
 * Why the walk could not enter a directory it listed among the unit files (walkServiceFiles), or
 * undefined when the path is no such directory. readdir() gives a name that is not UTF-8 with U+FFFD
 * in it, a name that opens nothing.
 */
function unlistedDirectoryReason(file, kind) {
    if (kind !== undefined && kind !== 'directory')
        return undefined;
    let stat;
    try {
        stat = fs.lstatSync(file);
    }
    catch (error) {
        if (isLossyName(file, error)) {
            return 'a directory whose name is not valid UTF-8: the gate cannot open it, so the units in it are not gated (rename it)';
        }
        if (error.code === 'ENAMETOOLONG') {
            return 'a directory too deep to open (its path is longer than the system allows): the units in it are not gated';
        }
        return undefined;
    }
    if (!stat.isDirectory())
        return undefined;
    try {
        fs.readdirSync(file);
        return undefined;
    }
    catch (error) {
        const code = error.code ?? 'error';
        return `a directory that cannot be listed (${code}): the units in it are not gated`;
    }
}
/**
 * fast-glob, loaded when --exclude needs it: the CLI bundle keeps it in a chunk of its own, a third of
 * the code that every start would otherwise compile.
 */
async function fastGlob() {
    return (await import('./cli-dependencies.js').then(function (n) { return n.i; })).default;
}
/** Expands PATH arguments into unit file paths (files given directly are kept as they are). */
async function findUnitFiles(inputs, cwd, exclude = []) {
    const files = [];
    const roots = [];
    const missing = [];
    const listings = new Map();
    for (const input of inputs) {
        const absolute = path.resolve(cwd, input);
        let stat;
        try {
            stat = fs.statSync(absolute);
        }
        catch {
            stat = undefined;
        }
        if (!stat) {
            try {
                fs.lstatSync(absolute);
            }
            catch {
                // an instance with no file of its own is its template's, as systemd-analyze takes it
                if (!hasTemplateBeside(absolute)) {
                    missing.push(input);
                    continue;
                }
            }
            files.push(absolute);
            roots.push(path.dirname(absolute));
            continue;
        }
        if (!stat.isDirectory()) {
            files.push(absolute);
            roots.push(path.dirname(absolute));
            continue;
        }
        roots.push(absolute);
        let found = [];
        if (exclude.length === 0) {
            // the links of an image's search path are read through, as systemd reads them
            walkFollowingLinks(absolute, listings, {
                follows: isSearchDirectory,
                found: (file) => found.push(file)
            });
        }
        else {
            const glob = await fastGlob();
            // loaded here, not at the top: the CLI bundle keeps it in the chunk fast-glob is in
            const picomatch = (await import('./cli-dependencies.js').then(function (n) { return n.a; })).default;
            checkPatterns(exclude, picomatch);
            // relative, then joined: with `absolute` fast-glob turns every backslash of a name into '/'
            found = glob
                .sync('**/*.service', {
                cwd: absolute,
                dot: true,
                onlyFiles: false,
                followSymbolicLinks: false,
                // what it cannot list (EACCES, a path too long) the walk below reports
                suppressErrors: true,
                ignore: [...DEFAULT_IGNORES, ...exclude]
            })
                .map((f) => path.join(absolute, f))
                .filter((f) => !inDependencyDirectory(f));
            const missed = unitsGlobsMiss(absolute, ['**/*.service'], exclude, new Set(found), picomatch, 'search directories', listings);
            for (const file of missed)
                found.push(file);
        }
        found = withoutPlainCopies(found, listings);
        // A drop-in directory's own name never ends in .service (it ends in .service.d).
        for (const file of found.sort())
            files.push(file); // no spread: a tree may hold 100,000s
    }
    // one directory (the usual call) lists each file once: only several inputs can repeat one
    return { files: inputs.length > 1 ? [...new Set(files)] : files, roots, missing, listings };
}
/** A directory's socket units by the service file each activates, computed once per listing. */
const socketsByListing = new WeakMap();
/**
 * The socket units beside a service file that activate it, each with its drop-ins beside it
 * (NAME.socket.d/*.conf), for the ports the fix engine is handed: NAME.socket unless its Service=
 * names another, one whose Service= names it, and for a template foo@.service foo.socket with
 * Accept=yes (an instance per connection) and sockets naming one of its instances. Unreadable
 * files: left out.
 */
function activatingSockets(serviceFile, directory, reader, version) {
    const listing = reader.listDirectory(directory);
    if (listing === undefined)
        return [];
    let memo = socketsByListing.get(listing);
    if (memo?.version !== version) {
        memo = { version, byService: socketsByService(directory, listing, reader, version) };
        socketsByListing.set(listing, memo);
    }
    return memo.byService.get(serviceFile) ?? [];
}
function socketsByService(directory, listing, reader, version) {
    const byService = new Map();
    const read = (file) => {
        try {
            return reader.read(file);
        }
        catch (error) {
            if (error instanceof ReadError)
                return undefined;
            throw error;
        }
    };
    for (const [name, kind] of listing) {
        if (!name.endsWith('.socket') || (kind !== 'file' && kind !== 'link'))
            continue;
        const unit = parseUnitName(name);
        const main = unit && read(path.join(directory, name));
        if (!unit || !main?.bytes)
            continue; // masked: activates nothing
        const dropIns = [];
        const dropInDirectory = path.join(directory, `${name}.d`);
        const dropInListing = listing.get(`${name}.d`) === 'directory' ? reader.listDirectory(dropInDirectory) : undefined;
        // systemd's rules for the names it reads and their order (no hidden file, byte order)
        const candidates = [...(dropInListing ?? [])]
            .filter(([, kind]) => kind === 'file' || kind === 'link')
            .map(([fileName]) => ({
            fileName,
            directoryRank: 0,
            path: path.join(dropInDirectory, fileName)
        }));
        for (const candidate of orderDropIns(candidates)) {
            const dropIn = read(candidate.path);
            if (dropIn)
                dropIns.push(dropIn);
        }
        const files = [main.bytes, ...dropIns.flatMap((d) => (d.bytes ? [d.bytes] : []))];
        const activated = socketActivates(files, unit, version);
        if (activated === 'refused' || activated === 'unknown')
            continue;
        const service = activated === 'per-connection' ? undefined : activated.unit;
        // a template's file is read for its instances: the socket counts for both names
        const serviceFiles = service === undefined
            ? [`${unit.prefix}@.service`]
            : service.isInstance
                ? [service.name, `${service.prefix}@.service`]
                : [service.name];
        for (const serviceFile of serviceFiles) {
            const list = byService.get(serviceFile);
            if (list)
                list.push({ main, dropIns });
            else
                byService.set(serviceFile, [{ main, dropIns }]);
        }
    }
    return byService;
}
/** The report that fails the gate first: not passed, then not loaded, then the higher exposure. */
function worse(a, b) {
    if (a.passed !== b.passed)
        return !a.passed;
    const broken = (r) => r.status !== 'scored' && r.status !== 'masked';
    if (broken(a) !== broken(b))
        return broken(a);
    return (a.exposure ?? 0) > (b.exposure ?? 0);
}
/** A scan's defaults: only the rows that cost (large trees), exception dates judged on today. */
function withScanDefaults(options) {
    if (options.keepPassingChecks !== undefined && options.today !== undefined)
        return options;
    return {
        ...options,
        keepPassingChecks: options.keepPassingChecks ?? false,
        today: options.today ?? isoToday()
    };
}
/** the directory of the unit scanned last (see sameDirectoryOf) */
let lastUnitDirectory;
/**
 * Reads one unit file and its drop-ins and analyses it. An alias (a link to another unit file of the
 * directory) is analysed as systemd does: under the name of the file it leads to, with the drop-ins
 * of every name of the unit; the file a unit is read from gets its aliases' drop-ins too.
 */
function scanUnitFile(file, roots, options, reader, 
/** a template analysed as this instance, not systemd-analyze's test instance */
asInstance) {
    const read = reader ?? createReader(roots, options.cwd);
    const base = baseNameOf(file);
    const directory = (lastUnitDirectory = sameDirectoryOf(file, lastUnitDirectory));
    const shown = read.display(file, directory);
    const named = parseUnitName(base);
    if (!named || named.type !== 'service') {
        return errorReport(shown, base, unlistedDirectoryReason(file, read.listDirectory(directory)?.get(base)) ??
            'not a valid service unit name');
    }
    // asked for (--user, user-units) it is scored for a user's manager; else the whole path guides the
    // fix engine where the report's path cannot (a scan run inside ~/.config/systemd/user)
    const asked = options.scope ?? (options.userManager ? USER_FLAG : undefined);
    const manager = managerAskedBy(asked);
    const instance = asInstance ?? templateInstance(options.version);
    const unit = named.isTemplate ? instanceOf(named, instance) : named;
    if (!unit) {
        return errorReport(shown, base, `systemd-analyze would analyse it as ${named.prefix}@${instance}.service, a name over 255 characters: it fails on this file`);
    }
    let main;
    const listing = read.listDirectory(directory);
    const kind = listing?.get(base);
    // an instance named without a file of its own is looked up by name below (its template)
    const byTemplate = kind === undefined && named.isInstance && listing?.has(templateOf(named));
    if (kind !== 'file' && kind !== 'link' && !byTemplate) {
        // not an entry systemd looks at (a directory, a FIFO ...: say what it is), or a file given by
        // path in a directory that cannot be listed (read as itself)
        try {
            main = read.read(file, directory);
        }
        catch (error) {
            if (!(error instanceof ReadError))
                throw error;
            return errorReport(shown, unit.name, error.message);
        }
    }
    // systemd looks the unit up by name: the file, a link, or the template an instance stands for,
    // across the search path of an image tree (the file's own entry deciding its own name)
    const searched = dropInSearchDirectories(directory, options.version, path.sep, manager ?? 'system');
    const root = searchPathRoot(directory, options.version, path.sep, manager ?? 'system');
    const lookedUp = nameLookupDirectories(directory, searched);
    const map = read.nameMap(directory, lookedUp, root, base);
    // an alias of an image names a unit below the image's root, where systemd --root looks (an
    // absolute one, as `systemctl enable` writes it, or one whose `..` climbs above the root), and so
    // does one to its own name, which systemd ignores for the entry of another directory: neither
    // need lead anywhere from the checkout
    const imageAlias = root !== undefined && kind === 'link' && leadsByName(map, base, lookedUp, directory);
    const linkError = kind === 'link' && !imageAlias ? followError(file) : undefined;
    if (linkError !== undefined) {
        // systemd-analyze searches the directory of a file only if the file leads somewhere, or if an
        // instance's template does (252-262)
        const template = templateOf(named);
        if (template === undefined || !followable(entryPath(directory, template))) {
            const what = linkError === 'ELOOP'
                ? 'a symbolic link in a loop, or at the end of more than 40 links'
                : 'a symbolic link that leads nowhere';
            return errorReport(shown, unit.name, `${what}${template ? `, nor does ${template} beside it` : ''}: ` +
                `systemd-analyze does not look in its directory and does not find ${unit.name}` +
                imageLinkHint(file, directory, read, options.version));
        }
    }
    const names = main ? { id: unit, fragment: base, aliases: [] } : unitNames(map, unit);
    if ('error' in names) {
        return errorReport(shown, unit.name, unitNamesProblem(names, unit));
    }
    if (!main) {
        const holder = map.holderOf(names.fragment);
        const fragmentDirectory = lookedUp[holder];
        try {
            main = read.read(names.fragment === base && fragmentDirectory === directory
                ? file
                : entryPath(fragmentDirectory, names.fragment), fragmentDirectory);
        }
        catch (error) {
            if (!(error instanceof ReadError))
                throw error;
            const which = names.fragment === base ? '' : `${names.fragment}: `;
            return errorReport(shown, names.id.name, which + error.message);
        }
    }
    const collect = (enabledAliases) => collectDropIns(names.id, names.aliases, directory, read, options.version, manager ?? 'system', enabledAliases);
    let collected = collect([]);
    // the names `systemctl enable` gives it, from its [Install] section (file and drop-ins); for a
    // template, as enable reads the template's name (its test instance's drop-ins mask same-named
    // ones of the template's directory for that instance only)
    const asTemplate = named.isTemplate && asInstance === undefined;
    let installDropIns = collected.orders[0] ?? [];
    if (asTemplate && holdsOwnDropIn(installDropIns, names.id)) {
        const template = parseUnitName(templateOf(names.id));
        installDropIns =
            collectDropIns(template, [], directory, read, options.version, manager ?? 'system')
                .orders[0] ?? [];
    }
    const install = installNamesOf(main, installDropIns, names.id, manager === 'user' ? options.managerUser : undefined, asTemplate);
    // a template is also judged by the instances that really run (see worstInstance), with why: under
    // its own name and those of its aliases (bar@web.service.d/ for foo@.service <- bar@.service)
    if (asTemplate) {
        const realInstances = new Map();
        for (const prefix of templatePrefixes(named, names.aliases)) {
            const running = instancesThatRun(prefix, directory, read, options.version, manager ?? 'system');
            // fail closed: which instances run is not known
            if (running === 'too many')
                return errorReport(shown, names.id.name, TOO_MANY_STARTED);
            for (const [found, why] of running)
                if (!realInstances.has(found))
                    realInstances.set(found, why);
        }
        // and those an alias names (bar@web.service -> foo@.service): their drop-ins are merged too
        for (const aliased of map.aliasedInstances(named.name))
            if (!realInstances.has(aliased))
                realInstances.set(aliased, 'an alias names it');
        const byDefault = install.defaultInstance;
        if (byDefault !== undefined && !realInstances.has(byDefault))
            realInstances.set(byDefault, 'its DefaultInstance=, the one `systemctl enable` starts');
        for (const wanted of install.wantedInstances ?? []) {
            if (!realInstances.has(wanted))
                realInstances.set(wanted, 'its Alias= names it in a .wants/ or .requires/ directory: `systemctl enable` starts it');
        }
        realInstances.delete(instance);
        // fail closed: the worst of them is not known
        if (realInstances.size > MAX_JUDGED_INSTANCES)
            return errorReport(shown, names.id.name, TOO_MANY_INSTANCES);
        if (realInstances.size > 0) {
            const instances = [...realInstances.keys()];
            return worstInstance(file, roots, options, read, instances, (i) => realInstances.get(i));
        }
    }
    const lookupNotes = [];
    if ('templateInstead' in names && names.templateInstead !== undefined) {
        lookupNotes.push(`${names.templateInstead}; systemd loads ${unit.name} from ${names.fragment}`);
    }
    else if (base !== unit.name && names.fragment !== base && map.get(unit.name) !== undefined) {
        lookupNotes.push(`systemd-analyze analyses the template ${base} as ${unit.name}, which this directory ` +
            `holds: the score is that unit's (${names.fragment}), not the template's`);
    }
    const enabledAliases = newAliases([...install.aliases, ...aliasesFound(install, names.id, searched, read)], names);
    if (enabledAliases.length > 0)
        collected = collect(enabledAliases);
    const { orders, problems, conflicts, truncated, unreadable } = collected;
    if (unreadable !== undefined) {
        return errorReport(shown, names.id.name, `drop-in ${unreadable}; systemd reads it, so the unit cannot be scored without it`);
    }
    if (truncated) {
        // fail closed: the pick left out may be the one that weakens it
        return errorReport(shown, names.id.name, `more than 7 of its names hold drop-ins of the same file name (${conflicts
            .slice(0, 3)
            .map((c) => c.fileName)
            .join(', ')}${conflicts.length > 3 ? ` and ${conflicts.length - 3} more` : ''}): ` +
            `systemd reads one of each, whichever name it lists first (random from ` +
            `run to run), too many ways for the gate to score them all; give the drop-ins distinct names`);
    }
    const sockets = activatingSockets(base, directory, read, options.version);
    const gateOptions = withScanDefaults(options);
    const scope = asked ?? userDirectoryOf(toPosix(file));
    const loaded = loadedNames(unit, names);
    const analyse = (dropIns, suggest = gateOptions.suggest) => analyzeUnit({
        ...loaded,
        main,
        dropIns,
        sockets,
        scope,
        manager
    }, suggest === gateOptions.suggest ? gateOptions : { ...gateOptions, suggest });
    let report;
    if (orders.length === 1) {
        report = analyse(orders[0]);
    }
    else {
        // systemd lists the aliases in a random order: the gate judges the pick that scores worst
        let worst = 0;
        let worstReport = analyse(orders[0], false);
        for (let i = 1; i < orders.length; i++) {
            const candidate = analyse(orders[i], false);
            if (worse(candidate, worstReport))
                [worst, worstReport] = [i, candidate];
        }
        report = gateOptions.suggest === false ? worstReport : analyse(orders[worst]);
    }
    report.path = shown;
    const rel = (p) => toPosix(path.relative(options.cwd, p));
    for (const { fileName, paths } of conflicts) {
        report.diagnostics.push({
            file: shown,
            line: 1,
            severity: 'warning',
            code: 'lookup',
            message: `${paths.map(rel).join(' and ')} belong to different aliases of ${names.id.name}: systemd ` +
                `reads one ${fileName} of them, whichever alias it lists first (random from run to run); ` +
                'the gate scores the worse pick'
        });
    }
    const suggestedIn = report.suggestion ? directoryOf(report.suggestion.path) : undefined;
    if (suggestedIn && read.listDirectory(directory)?.get(baseNameOf(suggestedIn)) === 'link') {
        problems.push(`the suggested drop-in goes into ${suggestedIn}, a symbolic link: make it a directory of ` +
            `its own first (systemd skips a relative link; an absolute one may serve other units too)`);
    }
    for (const problem of [...lookupNotes, ...problems]) {
        report.diagnostics.push({
            file: shown,
            line: 1,
            severity: 'warning',
            code: 'lookup',
            message: problem
        });
    }
    return report;
}
/** A template judged by its test instance and the instances with drop-ins of their own: the worst. */
function worstInstance(file, roots, options, read, instances, 
/** why an instance is judged, for the report */
why) {
    const quiet = { ...options, suggest: false };
    let worst = scanUnitFile(file, roots, quiet, read, templateInstance(options.version));
    let worstInstanceName;
    for (const instance of instances) {
        const report = scanUnitFile(file, roots, quiet, read, instance);
        if (worse(report, worst))
            [worst, worstInstanceName] = [report, instance];
    }
    const report = options.suggest === false
        ? worst
        : scanUnitFile(file, roots, options, read, worstInstanceName ?? templateInstance(options.version));
    if (worstInstanceName !== undefined) {
        report.diagnostics.push({
            file: report.path,
            line: 1,
            severity: 'warning',
            code: 'lookup',
            message: report.status === 'scored'
                ? `the instance ${report.unit} (${why(worstInstanceName)}) scores worse than systemd-analyze's test instance: the gate judges the template by it`
                : `the instance ${report.unit} (${why(worstInstanceName)}) does not load (${report.status}): the gate judges the template by it`
        });
    }
    return report;
}
/** Finds the units now and analyses them lazily, one bad file never stopping the others. */
async function scanEach(inputs, options) {
    const { files, roots, missing, listings } = await findUnitFiles(inputs, options.cwd, options.exclude);
    let readAhead;
    const reader = createReader(roots, options.cwd, listings, {
        take: (file) => readAhead?.take(file)
    });
    function* analyse() {
        // started when the analysis is, not before: a caller may hand the files to worker threads
        if (options.readAheadFrom !== undefined && files.length >= options.readAheadFrom) {
            readAhead = startReadAhead(readOrder(files, listings), REGULAR_READ);
        }
        try {
            yield* analyseAll();
        }
        finally {
            if (readAhead)
                options.onReadAhead?.(readAhead.served);
            readAhead?.stop();
        }
    }
    function* analyseAll() {
        let suggestions = 0;
        // the options every unit shares, settled once
        const shared = withScanDefaults(options);
        const unsuggested = { ...shared, suggest: false };
        for (let i = 0; i < files.length; i++) {
            const limited = options.suggestLimit !== undefined && suggestions >= options.suggestLimit;
            const report = scanUnitFile(files[i], roots, limited ? unsuggested : shared, reader);
            if (report.suggestion)
                suggestions++;
            if (options.onProgress && (i + 1) % 500 === 0)
                options.onProgress(i + 1, files.length);
            yield report;
        }
    }
    return { missing, total: files.length, files, roots, listings, units: analyse() };
}

/**
 * Rendered text held in a temporary file instead of memory: a markdown report can only be written
 * once its last unit is known (the heading counts the failures), and on large trees what waits is
 * tens of megabytes (30 MB on the 10,000-unit bench tree, where the worker making the report peaked
 * at 193-198 MB with it in memory).
 */
const READ_BYTES = 1024 * 1024;
/**
 * A file only this process can reach: created exclusively in a fresh private directory and removed
 * from the file system at once (the open descriptor keeps it), so nothing is left behind, even when
 * the process is killed. Undefined when no temporary file can be made (the caller keeps the text in
 * memory then).
 */
function createSpilledBytes(tmpDir = os.tmpdir(), { takerKeeps = true } = {}) {
    let dir;
    try {
        dir = fs.mkdtempSync(path.join(tmpDir, 'systemd-hardening-gate-'));
    }
    catch {
        return undefined;
    }
    let fd;
    try {
        fd = fs.openSync(path.join(dir, 'held'), 'wx+', 0o600);
    }
    catch {
        return undefined;
    }
    finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
    let length = 0;
    const batches = createByteBatches((bytes) => {
        for (let offset = 0; offset < bytes.length;) {
            offset += fs.writeSync(fd, bytes, offset, bytes.length - offset, length + offset);
        }
        length += bytes.length;
    });
    return {
        write: batches.write,
        drain(writeBytes) {
            try {
                batches.flush();
                const reused = takerKeeps ? undefined : Buffer.allocUnsafe(Math.min(READ_BYTES, length));
                for (let at = 0; at < length;) {
                    const size = Math.min(READ_BYTES, length - at);
                    // else a fresh buffer each time: whoever takes the bytes may keep them (createByteBatches)
                    const chunk = reused ? reused.subarray(0, size) : Buffer.allocUnsafe(size);
                    const got = fs.readSync(fd, chunk, 0, chunk.length, at);
                    if (got === 0)
                        throw new Error('the temporary file of the report was truncated');
                    writeBytes(chunk.subarray(0, got));
                    at += got;
                }
            }
            finally {
                fs.closeSync(fd);
            }
        }
    };
}

/**
 * Large scans on every core: worker threads analyse and render consecutive chunks of the unit files
 * (each with its own reader), the main thread writes the chunks in path order. The output is the
 * same as scanning in one thread, byte for byte (tested), because each unit's text depends only on
 * that unit; the one exception, the text report's first suggested drop-ins, is left to the caller
 * (see `wantsSuggestion`).
 */
/** Analyses and renders units (in a worker, or in the main thread for the same result). */
function createUnitRenderer(job, 
/** directories listed already (see createReader) */
listings) {
    const reader = createReader(job.roots, job.cwd, listings);
    const options = {
        cwd: job.cwd,
        version: job.version,
        policy: job.policy,
        threshold: job.threshold,
        suggest: job.suggest,
        keepPassingChecks: job.keepPassingChecks,
        costliestChecks: job.costliestChecks,
        today: job.today,
        toolVersion: job.toolVersion,
        userManager: job.userManager,
        managerUser: job.managerUser
    };
    const head = {
        threshold: job.threshold / 10,
        systemdVersion: job.version,
        policy: job.policy.name
    };
    // Per-unit rendering only: the streams' running totals are kept by the main thread.
    const text = createTextStream(head, { color: job.color, fullSuggestions: 0 });
    const analyse = (file, suggest) => scanUnitFile(file, job.roots, { ...options, suggest }, reader);
    const render = (file) => {
        const unit = analyse(file, job.suggest);
        return {
            output: job.format === 'json' ? unitJson(unit) : text.unit(unit),
            tally: tallyOf(unit, head.threshold),
            wantsSuggestion: unit.status === 'scored' && (unit.exposure ?? 0) > job.threshold
        };
    };
    return {
        analyse,
        renderChunk(files) {
            const units = files.map(render);
            if (job.format !== 'json')
                return { units };
            const json = Buffer.from(units.map((unit) => unit.output).join(','));
            for (const unit of units)
                unit.output = '';
            return { units, json };
        }
    };
}
/** The worker side: answers chunk requests until the main thread ends it. */
function serveScanWorker() {
    const data = workerData;
    if (isMainThread || !parentPort)
        return false;
    if (data?.kind === 'systemd-hardening-gate/stream') {
        streamReport(data, parentPort);
        return true;
    }
    if (data?.kind !== 'systemd-hardening-gate/scan')
        return false;
    const port = parentPort;
    const renderer = createUnitRenderer(data.job);
    port.on('message', (request) => {
        let reply;
        try {
            reply = { chunk: request.chunk, ...renderer.renderChunk(request.files) };
        }
        catch (error) {
            reply = {
                chunk: request.chunk,
                error: error instanceof Error ? (error.stack ?? error.message) : String(error)
            };
        }
        const bytes = 'json' in reply ? reply.json : undefined;
        // a Buffer small enough to come from Node's shared pool is copied: only a whole one is moved
        const movable = bytes && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
        port.postMessage(reply, movable ? [bytes.buffer] : []);
    });
    return true;
}
/** Units per chunk: small enough to balance the threads, large enough to keep messages few. */
function chunkSize(files, threads) {
    return Math.min(500, Math.max(25, Math.ceil(files / (threads * 8))));
}
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
/**
 * Analyses and renders `files` in this thread and in worker threads, chunk by chunk, and hands the
 * chunks over in path order; resolves when all were handed over.
 */
async function renderInParallel(files, job, options) {
    const size = chunkSize(files.length, options.workers + 1);
    const chunks = [];
    for (let i = 0; i < files.length; i += size)
        chunks.push(files.slice(i, i + size));
    const done = new Map();
    let next = 0; // next chunk to hand out
    let emitted = 0; // chunks written so far
    let finished = 0; // units analysed so far
    let failure;
    const workers = [];
    const fail = (error) => {
        failure ??= error;
    };
    /** settles when the output takes more again; workers that asked meanwhile wait in `waiting` */
    let resumed;
    const waiting = [];
    /** a chunk is ready: hand over every chunk that is now next in order */
    const ready = (index, chunk) => {
        done.set(index, chunk);
        finished += chunk.units.length;
        options.onProgress?.(finished, files.length);
        for (let first = done.get(emitted); first; first = done.get(emitted)) {
            done.delete(emitted);
            options.onChunk(first, emitted * size);
            emitted++;
        }
        const full = resumed === undefined ? options.outputFull?.() : undefined;
        if (full) {
            resumed = full.then(() => {
                resumed = undefined;
                for (const worker of waiting.splice(0))
                    give(worker);
            });
        }
    };
    const give = (worker) => {
        if (resumed !== undefined) {
            waiting.push(worker);
            return;
        }
        if (next >= chunks.length || failure !== undefined)
            return;
        const request = { chunk: next, files: chunks[next] };
        next++;
        worker.postMessage(request);
    };
    try {
        let settle;
        const allDone = new Promise((resolve) => (settle = resolve));
        const wake = () => {
            if (emitted === chunks.length || failure !== undefined)
                settle?.();
        };
        for (let w = 0; w < Math.min(options.workers, chunks.length - 1); w++) {
            const data = { kind: 'systemd-hardening-gate/scan', job };
            const worker = new Worker(options.workerUrl, { workerData: data });
            workers.push(worker);
            worker.on('error', (error) => (fail(error), wake()));
            worker.on('exit', (code) => {
                if (emitted < chunks.length)
                    fail(new Error(`scan worker exited with code ${code}`));
                wake();
            });
            worker.on('message', (reply) => {
                if ('error' in reply)
                    fail(new Error(`scan worker: ${reply.error}`));
                else {
                    give(worker);
                    try {
                        ready(reply.chunk, reply);
                    }
                    catch (error) {
                        fail(error);
                    }
                }
                wake();
            });
            // two chunks in flight per worker: it does not wait while this thread renders one
            give(worker);
            give(worker);
        }
        // This thread takes the next chunk whenever it is free, and lets the workers' replies in between.
        while (next < chunks.length && failure === undefined) {
            if (resumed !== undefined) {
                await resumed;
                continue;
            }
            const index = next++;
            ready(index, options.local.renderChunk(chunks[index]));
            await nextTurn();
        }
        wake();
        await allDone;
        if (failure !== undefined)
            throw failure;
    }
    finally {
        await Promise.all(workers.map((worker) => worker.terminate()));
    }
}
// ---------------------------------------------------------------------------------------------------
// A JSON or markdown report made in one worker thread that writes it itself. V8 grows a thread's
// young generation to its maximum on a long scan, and a worker's can be capped: the 10,000-unit JSON
// report with every drop-in peaked at 190-209 MB in the main thread, ~160 MB this way (markdown:
// 317 MB in the main thread). Its bytes go straight to the output: handed to the main thread, they
// piled up there until its next collection.
/**
 * The young generation of a worker thread (MB): smaller than V8's default maximum, it bounds the
 * peak at a small cost in collections.
 */
const WORKER_YOUNG_GENERATION_MB = 24;
/**
 * The worker side of streamReportInWorker. JSON: the units' entries, comma-separated, written as they
 * come. Markdown: the whole report at the end (its heading counts the failures).
 */
function streamReport(data, port) {
    try {
        const { job } = data;
        const renderer = createUnitRenderer(job, data.listings);
        const out = createByteBatches((bytes) => writeAll(data.fd, bytes));
        const markdown = job.format === 'markdown'
            ? createMarkdownStream({ threshold: job.threshold / 10, systemdVersion: job.version, policy: job.policy.name }, 
            // written at once by writeAll(): the spilled report can be read back into one buffer
            createSpilledBytes(undefined, { takerKeeps: false }))
            : undefined;
        let done = 0;
        let passed = true;
        for (const file of data.files) {
            const unit = renderer.analyse(file, job.suggest);
            if (!unit.passed)
                passed = false;
            if (markdown)
                markdown.unit(unit);
            else
                out.write((done ? ',' : '') + unitJson(unit));
            if (++done % 500 === 0)
                port.postMessage({ progress: done });
        }
        markdown?.end(out.write, out.writeBytes);
        out.flush();
        port.postMessage({ end: true, passed });
    }
    catch (error) {
        const closed = error.code === 'EPIPE';
        port.postMessage(closed
            ? { closed: true }
            : {
                error: error instanceof Error ? (error.stack ?? error.message) : String(error)
            });
    }
}
const pause = new Int32Array(new SharedArrayBuffer(4));
/**
 * Writes all of `bytes` to `fd`, whatever it is: a pipe the main thread's stream made non-blocking
 * answers EAGAIN when full (then this thread waits a millisecond and tries again) or takes part.
 */
function writeAll(fd, bytes) {
    let offset = 0;
    while (offset < bytes.length) {
        try {
            offset += fs.writeSync(fd, bytes, offset, bytes.length - offset);
        }
        catch (error) {
            if (error.code !== 'EAGAIN')
                throw error;
            Atomics.wait(pause, 0, 0, 1);
        }
    }
}
/**
 * Analyses `files` in one worker thread with a capped young generation, which writes their report to
 * `fd` itself (JSON: the units' entries, comma-separated, in path order; markdown: the whole report);
 * resolves with whether every unit passed.
 */
async function streamReportInWorker(files, job, options) {
    const data = {
        kind: 'systemd-hardening-gate/stream',
        job,
        files,
        fd: options.fd,
        listings: options.listings
    };
    const worker = new Worker(options.workerUrl, {
        workerData: data,
        resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB }
    });
    try {
        return await new Promise((resolve, reject) => {
            let settled = false;
            worker.on('error', reject);
            worker.on('exit', (code) => {
                if (!settled)
                    reject(new Error(`scan worker exited with code ${code}`));
            });
            worker.on('message', (message) => {
                if ('progress' in message)
                    options.onProgress?.(message.progress, files.length);
                else {
                    settled = true;
                    if ('end' in message)
                        resolve(message.passed);
                    // as a write of this thread would fail: the reader closed the output
                    else if ('closed' in message)
                        reject(Object.assign(new Error('the output was closed'), { code: 'EPIPE' }));
                    else
                        reject(new Error(`scan worker: ${message.error}`));
                }
            });
        });
    }
    finally {
        await worker.terminate();
    }
}

/**
 * The user `systemd-analyze --user` runs as, which a user's service manager expands %u, %U, %g, %G
 * and %h to: `User=%u` in a user unit is root's when root runs it and unprivileged otherwise (seen at
 * 252 and 262 run as nobody). Like systemd, the name comes from the password database (not $USER),
 * the home from $HOME when it is an absolute path (get_home_dir()).
 */
/** The user this process runs as; undefined where there are no user ids (not a POSIX system). */
function invokingUser(env = process.env) {
    if (typeof process.getuid !== 'function' || typeof process.getgid !== 'function')
        return undefined;
    const uid = process.getuid();
    const gid = process.getgid();
    let name = String(uid);
    let home = uid === 0 ? '/root' : '/';
    try {
        const info = os.userInfo();
        name = info.username;
        home = info.homedir || home;
    }
    catch {
        // no entry in the password database: systemd prints the number, as here
    }
    const fromEnvironment = env.HOME;
    if (fromEnvironment?.startsWith('/'))
        home = fromEnvironment;
    return { name, uid, group: groupName(gid, readGroupFile()) ?? String(gid), gid, home };
}
function readGroupFile() {
    try {
        return fs.readFileSync('/etc/group', 'utf8');
    }
    catch {
        return '';
    }
}
/** The name of a group id in /etc/group's text (name:password:gid:members lines). */
function groupName(gid, groupFile) {
    if (gid === 0)
        return 'root';
    for (const line of groupFile.split('\n')) {
        const [name, , id] = line.split(':');
        if (name && id !== undefined && id !== '' && Number(id) === gid)
            return name;
    }
    return undefined;
}

/** The command line: arguments \u2192 scan \u2192 report \u2192 exit status (0 pass, 1 gate failed, 2 usage error). */
const VERSION = '0.1.0';
/** Suggested drop-ins the text output shows in full. */
const TEXT_SUGGESTIONS = 20;
/** Checks the text output lists per failing unit (the others are not even built). */
const TEXT_TOP_CHECKS = 5;
/** Below this many units, starting worker threads costs more than it saves. */
const PARALLEL_MIN_UNITS = 1000;
const MAX_THREADS = 8;
/**
 * Threads a large scan uses by default. Each worker thread warms up its own copy of the engine and
 * V8 keeps a core busy with compilation and garbage collection: measured on 2 CPUs, a second thread
 * made the 10,000-unit scan slower (0.67 s against 0.58 s), so workers start from 4 CPUs, one CPU
 * left to V8. JSON only with --jobs: each thread holds its own share of a report that can be hundreds
 * of megabytes (500-900 MB peak with two threads against 195 MB in one); a large JSON report with
 * drop-ins goes to one worker with a capped young generation instead (streamReportInWorker).
 */
function defaultThreads(cpus, units) {
    if (units < PARALLEL_MIN_UNITS || cpus < 4)
        return 1;
    return Math.min(cpus - 1, MAX_THREADS);
}
/** Threads for a text or JSON scan: --jobs when given, else the default (text only). */
function threadsFor(format, jobs, cpus, units) {
    return jobs ?? (format === 'text' ? defaultThreads(cpus, units) : 1);
}
function parseJobs(text) {
    if (text === undefined)
        return undefined;
    if (!/^[0-9]{1,3}$/.test(text) || Number(text) < 1)
        throw new UsageError(`--jobs must be a whole number from 1, got '${text}'`);
    return Number(text);
}
const USAGE = `Usage: systemd-hardening-gate [options] [PATH...]

Scores systemd service units exactly like 'systemd-analyze security --offline=true'
and fails when a unit's exposure is above the threshold.

PATH            unit files (an instance foo@x.service may be named beside its template),
                or directories searched for *.service (default: .)
--format F      text (default), json, markdown or sarif
--threshold N   fail units scoring above N (0.0-10.0, one decimal; default: the policy's
                threshold, 5.0 for baseline, 3.0 for strict)
--policy P      built-in policy name or policy JSON file (default: baseline)
--systemd-version N
                target systemd version, ${OLDEST_SYSTEMD_VERSION}-${NEWEST_SYSTEMD_VERSION} (default ${NEWEST_SYSTEMD_VERSION}; Debian 12 is 252)
--user          score every unit as a unit of a user's service manager, as
                'systemd-analyze --user' does (default: as systemd-analyze without --user)
--exclude GLOB  skip the units below a directory PATH whose path from it matches
                (repeatable); a file named as a PATH is always scanned
--output FILE   write the report to FILE instead of standard output
--all-checks    JSON: list every check row, not only those that cost exposure or were skipped
--suggest       text: show the drop-in of every failing unit (default: the first 20);
                JSON always carries each failing unit's drop-in in "suggestion"
--no-suggest    compute no drop-ins (faster on very large trees)
--fix           write the suggested drop-ins beside the units (NAME.service.d/hardening.conf);
                never overwrites a file the gate did not write
--print-policy  print the effective policy (after "extends") as one systemd --security-policy
                file, and exit
--jobs N        threads for large scans (text: CPUs - 1 from 4 CPUs and ${PARALLEL_MIN_UNITS} units on, else
                1 = no worker threads; JSON: 1 unless given; a large JSON or markdown
                report with drop-ins in one memory-capped worker unless given); same output
--no-color      plain text even on a terminal
-h, --help      this help
--version       print the version

Exit status: 0 every unit passed, 1 the gate failed, 2 usage or configuration error.
`;
class UsageError extends Error {
}
const encoder = new TextEncoder();
/** EPIPE: the reader closed the output. */
function isClosedOutput(error) {
    return error?.code === 'EPIPE';
}
const FORMATS = ['text', 'json', 'markdown', 'sarif'];
function isFormat(text) {
    return FORMATS.includes(text);
}
function parseVersion(text) {
    if (!/^[0-9]{3}$/.test(text))
        throw new UsageError(`--systemd-version must be a number, got '${text}'`);
    const version = Number(text);
    if (version < OLDEST_SYSTEMD_VERSION || version > NEWEST_SYSTEMD_VERSION) {
        throw new UsageError(`--systemd-version ${version} is outside ${OLDEST_SYSTEMD_VERSION}-${NEWEST_SYSTEMD_VERSION}, the versions the engine models`);
    }
    return version;
}
async function runCli(argv, io) {
    let values;
    let positionals;
    function parse(args) {
        return parseArgs({
            args,
            allowPositionals: true,
            strict: true,
            options: {
                format: { type: 'string', default: 'text' },
                threshold: { type: 'string' },
                policy: { type: 'string', default: 'baseline' },
                'systemd-version': { type: 'string' },
                exclude: { type: 'string', multiple: true },
                output: { type: 'string' },
                'no-color': { type: 'boolean', default: false },
                'all-checks': { type: 'boolean', default: false },
                suggest: { type: 'boolean', default: false },
                'no-suggest': { type: 'boolean', default: false },
                user: { type: 'boolean', default: false },
                fix: { type: 'boolean', default: false },
                'print-policy': { type: 'boolean', default: false },
                jobs: { type: 'string' },
                help: { type: 'boolean', short: 'h', default: false },
                version: { type: 'boolean', default: false }
            }
        });
    }
    try {
        ;
        ({ values, positionals } = parse(argv));
    }
    catch (error) {
        // Node's message has line breaks of its own, kept when no argument brings one (each line
        // escaped); an argument's control characters are escaped wherever they are
        const text = error.message;
        const message = argv.some((arg) => escapeControl(arg) !== arg)
            ? escapeControl(text)
            : text.split('\n').map(escapeControl).join('\n');
        io.stderr(`systemd-hardening-gate: ${message}\n\n${USAGE}`);
        return 2;
    }
    if (values.help) {
        io.stdout(USAGE);
        return 0;
    }
    if (values.version) {
        io.stdout(`${VERSION}\n`);
        return 0;
    }
    let passed = true;
    try {
        const format = values.format;
        if (!isFormat(format)) {
            throw new UsageError(`--format must be text, json, markdown or sarif, got '${format}'`);
        }
        const version = values['systemd-version']
            ? parseVersion(values['systemd-version'])
            : NEWEST_SYSTEMD_VERSION;
        const policy = loadPolicy(values.policy, io.cwd);
        if (values['print-policy']) {
            io.stdout(JSON.stringify(policyDocument(policy), null, 2) + '\n');
            return 0;
        }
        if (values.fix && values['no-suggest'])
            throw new UsageError('--fix needs the suggestions: drop --no-suggest');
        let threshold = policy.threshold ?? 50;
        if (values.threshold !== undefined) {
            const parsed = parseThreshold(values.threshold);
            if (parsed === undefined) {
                throw new UsageError(`--threshold must be a number from 0.0 to 10.0 with one decimal, got '${values.threshold}'`);
            }
            threshold = parsed;
        }
        const suggest = !values['no-suggest'];
        const jobs = parseJobs(values.jobs);
        const userManager = values.user === true;
        // a user's manager expands %u, %U, %g, %G and %h to the user running it, as systemd-analyze --user
        const managerUser = userManager ? invokingUser(io.env) : undefined;
        const options = {
            version,
            policy,
            threshold,
            suggest,
            toolVersion: VERSION,
            userManager,
            managerUser
        };
        // the rows each report keeps: text shows the few that cost most, --all-checks every one
        const rows = {
            keepPassingChecks: values['all-checks'] === true,
            costliestChecks: format === 'text' ? TEXT_TOP_CHECKS : undefined
        };
        // On a terminal, unless the report itself is being printed there.
        const showProgress = io.stderrIsTTY && (format !== 'text' || values.output !== undefined);
        const cpus = io.cpus ?? os.availableParallelism();
        const debug = io.env.SYSTEMD_HARDENING_GATE_DEBUG;
        // text and SARIF show the first drop-ins in full; computing the others would only cost time
        const fewDropIns = (format === 'text' || format === 'sarif') && !values.fix && !values.suggest;
        const stream = await scanEach(positionals.length ? positionals : ['.'], {
            ...options,
            cwd: io.cwd,
            exclude: values.exclude,
            ...rows,
            // a second CPU reads the files while this thread analyses them
            readAheadFrom: cpus > 1 ? READ_AHEAD_MIN_UNITS : undefined,
            onReadAhead: debug
                ? (served) => io.stderr(`scan: ${served} file(s) read ahead\n`)
                : undefined,
            suggestLimit: fewDropIns ? TEXT_SUGGESTIONS : undefined,
            onProgress: showProgress
                ? (done, total) => io.stderr(`\rscanned ${done}/${total} units`)
                : undefined
        });
        if (stream.missing.length) {
            throw new UsageError(`no such file or directory: ${stream.missing.join(', ')}`);
        }
        const efficient = io.tiering?.({
            format,
            everyDropIn: suggest && !fewDropIns,
            units: stream.total,
            cpus
        });
        if (debug && efficient)
            io.stderr(`scan: V8's efficiency mode\n`);
        const outputError = (error) => new UsageError(`cannot write --output ${values.output}: ${error.code ?? error.message}`);
        let fd;
        try {
            fd = values.output ? fs.openSync(values.output, 'w') : undefined;
        }
        catch (error) {
            throw outputError(error);
        }
        /** set while standard output is full: the scan waits for it rather than queue its reports */
        let outputFull;
        const { write, writeBytes, flush } = createByteBatches((bytes) => {
            if (fd !== undefined) {
                try {
                    fs.writeSync(fd, bytes);
                }
                catch (error) {
                    throw outputError(error);
                }
            }
            else if (io.stdout(bytes) === false && io.drained && outputFull === undefined) {
                outputFull = io.drained().then(() => {
                    outputFull = undefined;
                });
            }
        });
        try {
            const head = {
                schemaVersion: SCHEMA_VERSION,
                threshold: threshold / 10,
                systemdVersion: version,
                policy: policy.name
            };
            /** Every unit in path order, with what each report does for it: the verdict, --fix, and a wait
             * while the output is full (the scan then waits rather than queue its reports). */
            const written = new Map();
            const eachUnit = async (emit) => {
                for (const unit of stream.units) {
                    if (!unit.passed)
                        passed = false;
                    if (values.fix)
                        writeDropIn(unit, io, written);
                    emit(unit);
                    if (outputFull)
                        await outputFull;
                }
            };
            // Worker threads render text and JSON unit by unit (the first drop-ins of a text report are
            // computed here); --suggest in text and --fix need every suggestion in this thread.
            const parallel = !values.fix && (format === 'json' || (format === 'text' && !values.suggest));
            const workers = !parallel || !io.workerUrl ? 1 : threadsFor(format, jobs, cpus, stream.total);
            // A large JSON or markdown report with drop-ins is made by one worker thread whose memory can
            // be capped, and which writes it itself (see streamReportInWorker).
            const target = fd ?? io.stdoutFd;
            const oneWorker = !values.fix &&
                (format === 'json' || format === 'markdown') &&
                suggest &&
                jobs === undefined &&
                stream.total >= PARALLEL_MIN_UNITS &&
                target !== undefined &&
                io.workerUrl !== undefined
                ? { workerUrl: io.workerUrl, fd: target }
                : undefined;
            if (debug) {
                const threads = oneWorker
                    ? 'one worker thread'
                    : workers > 1
                        ? `${workers} threads`
                        : 'one thread';
                io.stderr(`scan: ${stream.total} unit file(s), ${threads}\n`);
            }
            const color = format === 'text' && io.isTTY && !values.output && !values['no-color'] && !io.env.NO_COLOR;
            const job = {
                roots: [...stream.roots],
                cwd: io.cwd,
                version,
                policy,
                threshold,
                // text: the first TEXT_SUGGESTIONS drop-ins are computed below, in order
                suggest: format !== 'text' && suggest,
                ...rows,
                today: isoToday(),
                toolVersion: VERSION,
                userManager,
                managerUser,
                // a SARIF report is made in this thread: the job never leaves it
                format: format === 'sarif' ? 'text' : format,
                color
            };
            /**
             * The report made by the one worker thread, which writes it itself, between `start` and
             * `end(passed)` written here; undefined when the reader closed the output (the report is then
             * cut short, and such a gate never passes).
             */
            const inOneWorker = async (worker, start, end) => {
                // nothing may be queued before what the worker writes
                flush();
                try {
                    writeAll(worker.fd, encoder.encode(start));
                    const workerPassed = await streamReportInWorker(stream.files, job, {
                        ...worker,
                        // the walk's listings; the files are not read ahead for it, which took ~10% of its
                        // time for ~12 MB more peak memory (JSON 184-199 against 172-186 MB, bench tree)
                        listings: stream.listings,
                        onProgress: showProgress
                            ? (done, total) => io.stderr(`\rscanned ${done}/${total} units`)
                            : undefined
                    });
                    writeAll(worker.fd, encoder.encode(end(workerPassed)));
                    return workerPassed;
                }
                catch (error) {
                    if (isClosedOutput(error))
                        return undefined;
                    throw error;
                }
            };
            if (oneWorker && format === 'markdown') {
                // the worker writes the whole report
                const workerPassed = await inOneWorker(oneWorker, '', () => '');
                if (workerPassed === undefined)
                    return 1;
                passed = workerPassed;
            }
            else if (format === 'json' || format === 'text') {
                // Streamed: each report is written and dropped, so memory stays flat on large trees.
                const json = createJsonStream(head);
                const text = createTextStream(head, {
                    color,
                    fullSuggestions: TEXT_SUGGESTIONS,
                    topChecks: TEXT_TOP_CHECKS,
                    suggest
                });
                if (oneWorker) {
                    // the worker writes the entries; the opening and the closing are written here
                    const workerPassed = await inOneWorker(oneWorker, json.start(), (ok) => json.end(ok));
                    if (workerPassed === undefined)
                        return 1;
                    passed = workerPassed;
                }
                else if (workers > 1 && io.workerUrl) {
                    if (format === 'json')
                        write(json.start());
                    const here = createUnitRenderer(job);
                    let suggestionsLeft = format === 'text' && suggest ? TEXT_SUGGESTIONS : 0;
                    await renderInParallel(stream.files, job, {
                        workerUrl: io.workerUrl,
                        workers: workers - 1,
                        local: here,
                        onProgress: showProgress
                            ? (done, total) => io.stderr(`\rscanned ${done}/${total} units`)
                            : undefined,
                        outputFull: () => outputFull,
                        onChunk: (chunk, first) => {
                            if (chunk.json) {
                                if (chunk.units.some((unit) => !unit.tally.passed))
                                    passed = false;
                                write(json.rendered('')); // the comma before this chunk's entries, if any
                                writeBytes(chunk.json);
                                return;
                            }
                            chunk.units.forEach((unit, k) => {
                                if (unit.wantsSuggestion && suggestionsLeft > 0) {
                                    const report = here.analyse(stream.files[first + k], true);
                                    if (report.suggestion)
                                        suggestionsLeft--;
                                    if (!report.passed)
                                        passed = false;
                                    text.writeUnit(report, write);
                                }
                                else {
                                    if (!unit.tally.passed)
                                        passed = false;
                                    text.count(unit.tally);
                                    write(unit.output);
                                }
                            });
                        }
                    });
                }
                else {
                    if (format === 'json')
                        write(json.start());
                    await eachUnit((unit) => format === 'json' ? write(json.unit(unit)) : text.writeUnit(unit, write));
                }
                if (!oneWorker)
                    write(format === 'json' ? json.end(passed) : text.end());
            }
            else if (format === 'sarif') {
                // streamed too: a large tree has tens of thousands of results
                const sarif = createSarifStream(VERSION);
                write(sarif.start());
                await eachUnit((unit) => write(sarif.unit(unit)));
                write(sarif.end());
                const tooLarge = codeScanningLimitWarning(sarif.results());
                if (tooLarge)
                    io.stderr(`systemd-hardening-gate: warning: ${tooLarge}\n`);
            }
            else {
                // markdown: the heading counts the failures, so units are kept as rendered text until the end
                const markdown = createMarkdownStream(head);
                await eachUnit((unit) => markdown.unit(unit));
                markdown.end(write, writeBytes);
            }
            flush();
        }
        finally {
            if (fd !== undefined)
                fs.closeSync(fd);
        }
        if (showProgress && stream.total >= 500)
            io.stderr('\n');
    }
    catch (error) {
        if (error instanceof UsageError ||
            error instanceof PolicyError ||
            error instanceof PatternError) {
            io.stderr(`systemd-hardening-gate: ${escapeControl(error.message)}\n`);
            return 2;
        }
        throw error;
    }
    return passed ? 0 : 1;
}
/**
 * --fix: writes each suggested drop-in beside its unit. A file that exists is only replaced when the
 * gate wrote it (its first line is the marker); links are never followed. Units that share a
 * drop-in directory (a template's instances, aliases) may be suggested different files for one
 * path: the first unit's is written, so its predicted score holds, and the others are told.
 */
function writeDropIn(unit, io, written) {
    {
        const suggestion = unit.suggestion;
        if (!suggestion?.phases?.length)
            return;
        const file = path.resolve(io.cwd, suggestion.path);
        // paths and names come from the tree: a line break or `##[` in them must not reach a CI log
        const shown = escapeControl(suggestion.path);
        const shownDirectory = escapeControl(path.dirname(suggestion.path));
        const name = escapeControl(unit.unit);
        const earlier = written.get(file);
        if (earlier) {
            if (earlier.dropIn !== suggestion.dropIn) {
                io.stderr(`systemd-hardening-gate: ${shown} is ${escapeControl(earlier.unit)}'s drop-in, written just now, and ` +
                    `applies to ${name} too: ${name}'s own suggestion is not written (run --fix ` +
                    `again to see its score with that file)\n`);
            }
            return;
        }
        let directory;
        try {
            directory = fs.lstatSync(path.dirname(file));
        }
        catch {
            directory = undefined;
        }
        if (directory?.isSymbolicLink()) {
            // systemd skips a relative link (and writing through an absolute one changes another
            // directory, maybe other units'): the link has to become a directory first
            io.stderr(`systemd-hardening-gate: ${shownDirectory} is a symbolic link: ${shown} not written ` +
                `through it (make it a directory of its own)\n`);
            return;
        }
        let existing;
        try {
            existing = fs.lstatSync(file);
        }
        catch {
            existing = undefined;
        }
        try {
            if (existing) {
                const ours = existing.isFile() && fs.readFileSync(file, 'utf8').startsWith(GENERATED_MARKER);
                if (!ours) {
                    io.stderr(`systemd-hardening-gate: ${shown} exists and was not written by the gate: not overwritten\n`);
                    return;
                }
                fs.writeFileSync(file, suggestion.dropIn);
            }
            else {
                fs.mkdirSync(path.dirname(file), { recursive: true });
                fs.writeFileSync(file, suggestion.dropIn, { flag: 'wx' });
            }
            written.set(file, { unit: unit.unit, dropIn: suggestion.dropIn });
            io.stderr(`wrote ${shown} (${unit.score?.toFixed(1)} -> ${suggestion.score.toFixed(1)})\n`);
        }
        catch (error) {
            io.stderr(`systemd-hardening-gate: cannot write ${shown}: ${escapeControl(error.message)}\n`);
        }
    }
}

/**
 * V8's efficiency mode for the short runs it makes faster. In it V8 puts off optimizing a function
 * with TurboFan until it has run 15,000 times (3,000 otherwise), compiles baseline code on the main
 * thread and gives the optimizing compiler's jobs the lowest priority. A text report of some
 * thousands of units ends before TurboFan's code would pay for its compiling, which on 2 CPUs
 * competes with the scan and the read-ahead thread. Measured on the bench tree's units (2 CPUs,
 * text, interleaved runs, against V8's defaults): 1,000 units -3.5%, 5,000 -8%, 10,000 -9% to -12%
 * (25% less CPU); but 15,000 +7% and 20,000 +3% (its functions reach 15,000 runs and are optimized
 * late), JSON with every drop-in +11% and text with every drop-in (--suggest) +31%, which want
 * TurboFan's code for seconds. Turning the mode off part way made things worse (a 0.9 s run +5%
 * when it ended at 0.6 s). So the run chooses once, from what it knows after the walk. Only
 * measured on 2 CPUs: with 4 or more, V8's compiler has a CPU of its own and the defaults stay.
 * Efficiency mode is one of V8's dynamic modes (Chrome switches it as a tab goes to the background),
 * read at each tiering decision, which is why setting it at run time is sound; the flag is
 * process-wide.
 */
/** Above this many units the delayed optimizing costs more than it saves (see above). */
const EFFICIENT_MAX_UNITS = 12000;
/** From this many CPUs V8's compiler threads do not compete with the scan (not measured). */
const EFFICIENT_BELOW_CPUS = 4;
/** True when a run of this shape is faster in V8's efficiency mode (see above). */
function efficiencyModeFits(run) {
    return (run.format === 'text' &&
        !run.everyDropIn &&
        run.units <= EFFICIENT_MAX_UNITS &&
        run.cpus < EFFICIENT_BELOW_CPUS);
}
/** True when node was started with a choice of V8's efficiency or battery-saver mode: kept. */
function choseTieringMode(execArgv) {
    return execArgv.some((arg) => /^--(no-)?(efficiency|battery-saver)[-_]mode(=|$)/.test(arg));
}
/**
 * The command's own process: sets V8's efficiency mode for a run that fits it, unless node's
 * command line chose a mode. `setFlags` is v8.setFlagsFromString.
 */
function tieringFor(execArgv, setFlags) {
    return (run) => {
        if (choseTieringMode(execArgv) || !efficiencyModeFits(run))
            return false;
        setFlags('--efficiency-mode');
        return true;
    };
}

/**
 * Entry point of the `systemd-hardening-gate` command (bundled as dist/cli.js). The same file is the
 * script of the scan's worker threads.
 */
if (!serveScanWorker())
    main();
function main() {
    // A reader that stops reading (`| head`) ends the scan at once, quietly; a gate whose report was
    // cut short never passes.
    process.stdout.on('error', (error) => {
        if (error.code === 'EPIPE')
            process.exit(1);
        throw error;
    });
    runCli(process.argv.slice(2), {
        cwd: process.cwd(),
        workerUrl: new URL(import.meta.url),
        stdout: (text) => process.stdout.write(text),
        drained: () => settledWhenDrained(process.stdout),
        stdoutFd: 1,
        stderr: (text) => process.stderr.write(text),
        isTTY: process.stdout.isTTY === true,
        stderrIsTTY: process.stderr.isTTY === true,
        env: process.env,
        tiering: tieringFor(process.execArgv, setFlagsFromString)
    }).then((code) => {
        process.exitCode = code;
        // Everything is written: exit now rather than tear down a large heap. Output still queued
        // (a pipe on macOS) is left to the natural exit, which waits for it.
        if (process.stdout.writableLength === 0 && process.stderr.writableLength === 0) {
            process.exit(code);
        }
    }, (error) => {
        process.stderr.write(`systemd-hardening-gate: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
        process.exitCode = 2;
    });
}
/** Settles when a stream takes more writes again, or can take none any more (closed, failed). */
function settledWhenDrained(stream) {
    return new Promise((resolve) => {
        const done = () => {
            stream.off('drain', done).off('close', done).off('error', done);
            resolve();
        };
        stream.once('drain', done).once('close', done).once('error', done);
    });
}
