/**
 * The shape of a path's names, as systemd's path_is_valid() and path_is_normalized() judge them. Apart
 * from values/paths.ts so that specifiers.ts (%f) can use them: values/paths.ts needs specifiers.ts.
 */
import { byteLength } from '../words.js'

const SLASH = 0x2f

/** Whether a name of the path is '..'. */
export function hasDotDot(path: string): boolean {
  for (let i = path.indexOf('..'); i >= 0; i = path.indexOf('..', i + 1)) {
    if (
      (i === 0 || path.charCodeAt(i - 1) === SLASH) &&
      (i + 2 === path.length || path.charCodeAt(i + 2) === SLASH)
    ) {
      return true
    }
  }
  return false
}

/**
 * path_is_valid(): no component longer than NAME_MAX (255 bytes). Its total limit (PATH_MAX) is left
 * to expandPathSpecifiers(), whose 4,095 bytes come first (PIDFile=, which prefixes /run, excepted).
 */
export function hasOverlongComponent(path: string): boolean {
  // a UTF-16 unit is at most 3 bytes in UTF-8: only a part of over 85 units needs encoding
  if (path.length <= 85) return false
  return path.split('/').some((part) => part.length > 85 && byteLength(part) > 255)
}

/** path_is_normalized(), unsimplified: no name over 255 bytes, no '.' or '..' name, no '//'. */
export function isNormalizedPath(path: string): boolean {
  return (
    !hasDotDot(path) &&
    !path.includes('//') &&
    !path.split('/').includes('.') &&
    !hasOverlongComponent(path)
  )
}
