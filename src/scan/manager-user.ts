/**
 * The user `systemd-analyze --user` runs as, which a user's service manager expands %u, %U, %g, %G
 * and %h to: `User=%u` in a user unit is root's when root runs it and unprivileged otherwise (seen at
 * 252 and 262 run as nobody). Like systemd, the name comes from the password database (not $USER),
 * the home from $HOME when it is an absolute path (get_home_dir()).
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import type { ManagerUser } from '../core/specifiers.js'

/** The user this process runs as; undefined where there are no user ids (not a POSIX system). */
export function invokingUser(
  env: Record<string, string | undefined> = process.env
): ManagerUser | undefined {
  if (typeof process.getuid !== 'function' || typeof process.getgid !== 'function') return undefined
  const uid = process.getuid()
  const gid = process.getgid()
  let name = String(uid)
  let home = uid === 0 ? '/root' : '/'
  try {
    const info = os.userInfo()
    name = info.username
    home = info.homedir || home
  } catch {
    // no entry in the password database: systemd prints the number, as here
  }
  const fromEnvironment = env.HOME
  if (fromEnvironment?.startsWith('/')) home = fromEnvironment
  return { name, uid, group: groupName(gid, readGroupFile()) ?? String(gid), gid, home }
}

function readGroupFile(): string {
  try {
    return fs.readFileSync('/etc/group', 'utf8')
  } catch {
    return ''
  }
}

/** The name of a group id in /etc/group's text (name:password:gid:members lines). */
export function groupName(gid: number, groupFile: string): string | undefined {
  if (gid === 0) return 'root'
  for (const line of groupFile.split('\n')) {
    const [name, , id] = line.split(':')
    if (name && id !== undefined && id !== '' && Number(id) === gid) return name
  }
  return undefined
}
