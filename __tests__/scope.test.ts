/**
 * Which service manager a unit file is for, from its path (core/scope.ts): systemd's own unit
 * directories decide, a `user/` directory or a `-user.service` name is only a sign.
 */
import { describe, expect, it } from '@jest/globals'
import { scopeOfPath, USER_ONLY_TARGETS } from '../src/core/scope.js'

describe('scopeOfPath', () => {
  it.each<[string, ReturnType<typeof scopeOfPath>]>([
    [
      '.config/systemd/user/foo.service',
      { scope: 'user', evidence: 'its file is in a systemd/user/ directory' }
    ],
    [
      '/usr/lib/systemd/user/foo@.service',
      { scope: 'user', evidence: 'its file is in a systemd/user/ directory' }
    ],
    [
      'contrib/systemd/user/foo-user.service',
      { scope: 'user', evidence: 'its file is in a systemd/user/ directory' }
    ],
    // the nearest of the two decides
    [
      'etc/systemd/system/systemd/user/foo.service',
      { scope: 'user', evidence: 'its file is in a systemd/user/ directory' }
    ],
    ['home/systemd/user/etc/systemd/system/foo.service', { scope: 'system', evidence: '' }],
    ['etc/systemd/system/foo-user.service', { scope: 'system', evidence: '' }],
    [
      'packaging/user/foo.service',
      { scope: 'user', evidence: 'its file is in a user/ directory', weak: true }
    ],
    [
      'contrib/foo.user.service',
      { scope: 'user', evidence: 'its name ends in .user.service', weak: true, byName: true }
    ],
    [
      'foo-user@.service',
      { scope: 'user', evidence: 'its name ends in -user@.service', weak: true, byName: true }
    ],
    ['systemd/foo.service', undefined],
    ['users/foo.service', undefined],
    ['user.service', undefined],
    ['superuser.service', undefined],
    ['foo.service', undefined]
  ])('%s', (path, hint) => {
    expect(scopeOfPath(path)).toEqual(hint)
  })
})

describe('USER_ONLY_TARGETS', () => {
  it.each([
    ['graphical-session.target', true],
    ['network.target graphical-session-pre.target', true],
    ['xdg-desktop-autostart.target', true],
    ['graphical.target', false],
    ['default.target', false],
    ['my-graphical-session.target', false]
  ])('%s: %s', (line, user) => {
    expect(USER_ONLY_TARGETS.test(line)).toBe(user)
  })
})
