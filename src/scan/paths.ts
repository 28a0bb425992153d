/**
 * dirname and basename for the scan's hot paths. path.dirname()/basename() validate and walk the
 * whole string in JavaScript, several times per unit file; a search for the last separator gives
 * the same answer for the paths the scan builds. The rarer shapes (no separator, a trailing one,
 * doubled ones) and Windows go to node:path. Property-tested against path.posix.
 */
import * as path from 'node:path'
import { lastIndexOfCode } from '../core/words.js'

const SLASH = 0x2f
const POSIX = path.sep === '/'

export function directoryOf(file: string): string {
  if (!POSIX) return path.dirname(file)
  const slash = lastIndexOfCode(file, SLASH)
  if (slash <= 0 || slash === file.length - 1 || file.charCodeAt(slash - 1) === SLASH) {
    return path.posix.dirname(file)
  }
  return file.slice(0, slash)
}

/**
 * directoryOf(file), returned as `previous` itself when that is the answer: the scan takes its units
 * in path order, so consecutive units share one directory string, which the reader's maps then hash
 * once and find by identity (a new slice per unit is hashed and compared anew in every map).
 */
export function sameDirectoryOf(file: string, previous: string | undefined): string {
  if (
    POSIX &&
    previous !== undefined &&
    previous.length > 0 &&
    previous.charCodeAt(previous.length - 1) !== SLASH &&
    file.length > previous.length + 1 &&
    file.charCodeAt(previous.length) === SLASH &&
    lastIndexOfCode(file, SLASH) === previous.length &&
    file.startsWith(previous)
  ) {
    return previous
  }
  return directoryOf(file)
}

export function baseNameOf(file: string): string {
  if (!POSIX) return path.basename(file)
  const slash = lastIndexOfCode(file, SLASH)
  if (slash < 0 || slash === file.length - 1) return path.posix.basename(file)
  return file.slice(slash + 1)
}

/**
 * path.join(directory, name) for a directory entry's name (no separator, not '.' or '..') in a
 * normalized directory, without normalizing the whole path again.
 */
export function entryPath(directory: string, name: string): string {
  if (
    !POSIX ||
    directory === '' ||
    directory === '.' ||
    name === '' ||
    name === '.' ||
    name === '..'
  ) {
    return path.join(directory, name)
  }
  return directory.endsWith('/') ? directory + name : `${directory}/${name}`
}
