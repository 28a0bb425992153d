/** User/group names, paths and device nodes as systemd validates them. */

/** valid_user_group_name() with VALID_USER_RELAX | VALID_USER_ALLOW_NUMERIC (User=, Group=). */
export function isValidUserOrGroup(name: string): boolean {
  if (name.length === 0) return false
  if (/^[0-9]+$/.test(name)) {
    if (name.length > 1 && name.startsWith('0')) return false
    const id = Number(name)
    return id <= 4294967294 && id !== 65535
  }
  if (/^-[0-9]+$/.test(name)) return false
  if (name === '.' || name === '..') return false
  if (name.includes(':') || name.includes('/')) return false
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is rejected
  if (/[\x00-\x1f\x7f]/.test(name)) return false
  if (/^\s|\s$/.test(name)) return false
  return true
}

/** valid_user_group_name() strict mode: what a DynamicUser= default name must satisfy. */
export function isStrictUserName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_-]{0,30}$/.test(name)
}

/** path_simplify(): collapses '//', drops '.' components and a trailing '/'. */
export function simplifyPath(path: string): string {
  const absolute = path.startsWith('/')
  const parts = path.split('/').filter((part) => part !== '' && part !== '.')
  const joined = parts.join('/')
  if (absolute) return '/' + joined
  return joined === '' ? '.' : joined
}

export function hasDotDot(path: string): boolean {
  return path.split('/').includes('..')
}

/** An absolute path without '..' after simplification (RootDirectory=, RootImage=, ...). */
export function isAbsoluteNormalPath(path: string): boolean {
  return path.startsWith('/') && !hasDotDot(path)
}

/** valid_device_node_path() after simplification: /dev or /run/systemd/inaccessible, no '..'. */
export function isDeviceNodePath(path: string): boolean {
  if (hasDotDot(path)) return false
  const simple = simplifyPath(path)
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
    name.length > 0 && name.length <= 255 && name !== '.' && name !== '..' && !name.includes('/')
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
