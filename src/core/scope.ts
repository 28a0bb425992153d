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

export type ManagerScope = 'system' | 'user'

export interface ScopeHint {
  scope: ManagerScope
  /** what shows it, for the report */
  evidence: string
  /**
   * only a sign, not systemd's own directory layout: it counts for a unit that does not say
   * otherwise (no User=, DynamicUser=; see service-profile)
   */
  weak?: boolean
  /** the sign is the file name, which also needs the unit installed into default.target */
  byName?: boolean
}

/** foo.user.service, foo-user.service, foo_user@.service */
const USER_SUFFIX = /[._-]user(@[^/]*)?\.service$/

/**
 * What a unit file's path says. systemd's own unit directories are decisive: every search path of
 * the user manager (`~/.config/systemd/user`, `/etc/systemd/user`, `/usr/lib/systemd/user` ...)
 * ends in systemd/user, every one of the system manager's in systemd/system. Repositories also keep
 * user units in a directory named `user` or name them `foo.user.service`, `foo-user.service`: signs.
 */
export function scopeOfPath(path: string): ScopeHint | undefined {
  const slash = path.lastIndexOf('/')
  const directory = slash < 0 ? '' : path.slice(0, slash)
  const name = path.slice(slash + 1)
  // the directory nearest the file decides: a user unit kept below an etc/systemd/system/ tree is
  // still in .../systemd/user/
  const segments = directory.split('/')
  for (let i = segments.length - 1; i > 0; i--) {
    if (segments[i - 1] !== 'systemd') continue
    if (segments[i] === 'user') {
      return { scope: 'user', evidence: 'its file is in a systemd/user/ directory' }
    }
    if (segments[i] === 'system') return { scope: 'system', evidence: '' }
  }
  if (segments[segments.length - 1] === 'user') {
    return { scope: 'user', evidence: 'its file is in a user/ directory', weak: true }
  }
  const userSuffix = USER_SUFFIX.exec(name)
  if (userSuffix !== null) {
    return {
      scope: 'user',
      evidence: `its name ends in ${userSuffix[0]}`,
      weak: true,
      byName: true
    }
  }
  return undefined
}

/**
 * The hint of a path that puts a unit under a user's manager for certain (a systemd/user/
 * directory), if it does: the scan reads it off the whole path for the fix engine, where the
 * report's path may not show it (a scan run inside ~/.config/systemd/user).
 */
export function userDirectoryOf(path: string): ScopeHint | undefined {
  // (most paths say nothing of it: no split of every path)
  if (!path.includes('systemd/user')) return undefined
  const hint = scopeOfPath(path)
  return hint?.scope === 'user' && !hint.weak ? hint : undefined
}

/** The manager a unit is scored for when the caller's hint says which (--user, user-units). */
export function managerAskedBy(hint: ScopeHint | undefined): ManagerScope | undefined {
  return hint?.scope === 'user' ? 'user' : undefined
}

/** Targets only a user's service manager has (systemd.special(7), "Special user units"). */
export const USER_ONLY_TARGETS =
  /(^|\s)(graphical-session(-pre)?|xdg-desktop-autostart)\.target(\s|$)/
