/** Exec*= command lines (config_parse_exec): how many commands a line adds, and when it is fatal. */
import type { UnitName } from '../specifiers.js'
import { expandPathSpecifiers, expandSpecifiers } from '../specifiers.js'
import { isGlob, stringIsSafe } from '../syntax.js'
import { extractFirstWord, isValidUtf8Value } from '../words.js'
import { hasOverlongComponent, isValidFilename } from './paths.js'

/**
 * From this version a glob character (`*`, `?`, `[`) in the executable path is a special character
 * too (seen in 261 and 262, not in 259; 260 is unverified and follows 259; NEWS does not say).
 */
export const EXEC_PATH_GLOB_REFUSED = 261
/**
 * From this version an executable path ending in `/.` or `/..` names a directory as one ending in
 * `/` does (path_implies_directory(); 257, 259, 261 and 262 refuse `ExecStart=/bin/true/.`, 252,
 * 254 and 255 load it; 256 unverified, follows 255).
 */
export const EXEC_PATH_DOT_IS_DIRECTORY = 257
/**
 * From this version the program path, unescaped, must be valid UTF-8 without noncharacters
 * (`/bin/tru\x80`, `\ufdd0` are refused by 261 and 262, loaded by 259; 260 unverified, follows 259).
 */
export const EXEC_PATH_UTF8_REQUIRED = 261
/**
 * The '|' prefix (NEWS 258): the command line runs through the user's shell, so its first word is
 * the shell's to read and systemd checks nothing of it (257 refuses such a line; 259, 261 and 262
 * take `|foo/bar`, `|%Z` and `|/bin/tru*` alike, and still expand the arguments' specifiers).
 */
export const EXEC_VIA_SHELL = 258

/**
 * The '!!' prefix (run as root only where the kernel lacks ambient capabilities) is gone from 258
 * (systemd PR #35587, kernel baseline 4.3): the second '!' undoes the first and systemd logs a
 * notice; the command runs as the unit says, as '!!' always did on a kernel with ambient
 * capabilities. 257 has no such notice, 262 prints it (their systemd-analyze).
 */
export const EXEC_AMBIENT_HACK_REMOVED = 258

export interface ExecParse {
  /** commands appended by this line (an empty assignment resets: see `reset`) */
  commands: string[]
  reset: boolean
  /** the unit fails to load (no '-' prefix) */
  fatal?: string
  /** the rest of the line was ignored ('-' prefix, or a first word with bad quoting) */
  ignored?: string
  /** a command of the line has the '!!' prefix, which the version no longer supports */
  ambientHack?: boolean
}

const WHITESPACE = ' \t\n\r'

export function parseExecLine(value: string, unit: UnitName, version: number): ExecParse {
  if (value === '') return { commands: [], reset: true }
  const result: ExecParse = { commands: [], reset: false }
  let position = 0
  let semicolon: boolean
  do {
    semicolon = false
    const first = extractFirstWord(value, position, { unquote: true, cunescape: true, version })
    if (first === undefined) return result
    if ('error' in first) {
      result.ignored = `bad quoting in the command: ${first.error}`
      return result
    }
    position = first.next
    if (first.word === ';') {
      semicolon = true
      continue
    }
    let f = first.word
    let ignoreFailure = false
    let separateArgv0 = false
    let noEnv = false
    let privileged = 0 // 0 none, 1 '+', 2 '!', 3 '!!'
    let viaShell = false
    for (;;) {
      const c = f[0]
      if (c === '-' && !ignoreFailure) ignoreFailure = true
      else if (c === '@' && !separateArgv0) separateArgv0 = true
      else if (c === ':' && !noEnv) noEnv = true
      else if (c === '+' && privileged === 0) privileged = 1
      else if (c === '!' && privileged === 0) privileged = 2
      else if (c === '!' && privileged === 2) {
        privileged = 3
        if (version >= EXEC_AMBIENT_HACK_REMOVED) result.ambientHack = true
      } else if (c === '|' && !viaShell && version >= EXEC_VIA_SHELL) viaShell = true
      else break
      f = f.slice(1)
    }
    const fail = (message: string): ExecParse => {
      if (ignoreFailure) result.ignored = message
      else result.fatal = message
      return result
    }
    let path: string
    if (viaShell) {
      // the shell runs it: the program the fix engine looks for is the first word, when there is one
      path = f === '' ? '/bin/sh' : f
    } else {
      const expanded = expandPathSpecifiers(f, unit, version)
      if ('error' in expanded) return fail(`${expanded.error} in '${f}'`)
      path = expanded.value
      if (path === '') return fail('empty executable path')
      if (
        !stringIsSafe(path) ||
        (version >= EXEC_PATH_GLOB_REFUSED && isGlob(path)) ||
        (version >= EXEC_PATH_UTF8_REQUIRED && !isValidUtf8Value(path))
      )
        return fail(`executable name contains special characters: ${path}`)
      if (
        path.endsWith('/') ||
        (version >= EXEC_PATH_DOT_IS_DIRECTORY && (path.endsWith('/.') || path.endsWith('/..')))
      ) {
        return fail(`executable path is a directory: ${path}`)
      }
      // path_is_valid() for an absolute path: no name over 255 bytes
      if (path.startsWith('/') ? hasOverlongComponent(path) : !isValidFilename(path)) {
        return fail(`neither an absolute path nor a plain file name: ${path}`)
      }
    }
    // through the shell, the shell is argv[0]: no word need follow, not even with '@'
    let argc = separateArgv0 && !viaShell ? 0 : 1
    while (position < value.length) {
      const rest = value.slice(position)
      if (rest[0] === ';' && (rest.length === 1 || WHITESPACE.includes(rest[1]!))) {
        position += 1
        while (position < value.length && WHITESPACE.includes(value[position]!)) position++
        semicolon = true
        break
      }
      if (rest.startsWith('\\;') && (rest.length === 2 || WHITESPACE.includes(rest[2]!))) {
        position += 2
        while (position < value.length && WHITESPACE.includes(value[position]!)) position++
        argc++
        continue
      }
      const word = extractFirstWord(value, position, { unquote: true, cunescape: true })
      if (word === undefined) break
      if ('error' in word) return fail(`bad quoting in an argument: ${word.error}`)
      position = word.next
      const resolved = expandSpecifiers(word.word, unit, version)
      if ('error' in resolved) return fail(`${resolved.error} in argument '${word.word}'`)
      argc++
    }
    if (argc === 0) return fail('empty executable name or zeroth argument')
    result.commands.push(path)
  } while (semicolon)
  return result
}
