/**
 * The settings the gate does not read that systemd expands while loading a service
 * (src/core/unread-expansions.ts): where %J of a unit whose prefix ends with '-' makes systemd abort.
 * Each expectation was read off the builds (load.test.ts and versions.test.ts check the same rules
 * through the loader, live against systemd-analyze).
 */
import { describe, expect, it } from '@jest/globals'
import { parseUnitName, SpecifierAbort } from '../src/core/specifiers.js'
import type { UnitName } from '../src/core/specifiers.js'
import { expandUnreadSetting, UNREAD_EXPANSIONS } from '../src/core/unread-expansions.js'

const unit = (name: string): UnitName => parseUnitName(name)!
const DASHED = unit('p-.service')

/** Whether expanding SECTION.Key=value as systemd `version` would abort. */
function aborts(sectionKey: string, value: string, version = 262, of = DASHED): boolean {
  try {
    expandUnreadSetting(sectionKey, value, of, version)
    return false
  } catch (error) {
    if (error instanceof SpecifierAbort) return true
    throw error
  }
}

describe('expandUnreadSetting', () => {
  it.each<[string, string, boolean]>([
    // whole values, left to right: a failing specifier first ends the expansion
    ['Unit.Description', '%J', true],
    ['Unit.Description', '%%J', false],
    ['Unit.Description', '%j', false],
    ['Unit.Description', '%Z %J', false],
    ['Unit.ConditionPathExists', '!/run/%J', true],
    // word by word: a failing word is skipped; a bad C escape ends the value where C escapes apply
    ['Service.Environment', 'A=%Z B=%J', true],
    ['Service.Environment', 'A=\\q B=%J', false],
    ['Service.Environment', 'A=\\x25J', true],
    ['Service.PassEnvironment', 'A\\q %J', true],
    ['Unit.RequiresMountsFor', '/a "/b %J"', true],
    // only the name after file:, append:, truncate:, fd: (StandardInput= takes file: and fd:)
    ['Service.StandardOutput', 'file:/log/%J', true],
    ['Service.StandardOutput', 'journal', false],
    ['Service.StandardInput', 'append:/%J', false],
    ['Service.StandardInput', 'fd:%J', true],
    // the value once unescaped, when no escape is bad
    ['Service.StandardInputText', '\\x25J', true],
    ['Service.StandardInputText', '%J \\q', false],
    // a device path, when a weight follows
    ['Service.IODeviceWeight', '%J 10', true],
    ['Service.IODeviceWeight', '%J', false],
    // ':'-separated paths, up to the first that is not absolute
    ['Service.ExecSearchPath', '/a:%J', true],
    ['Service.ExecSearchPath', 'rel:%J', false],
    // partition options, of a known partition or alone (the root's)
    ['Service.RootImageOptions', 'root:%J', true],
    ['Service.RootImageOptions', '%J', true],
    ['Service.RootImageOptions', 'bogus:%J', false],
    // keys systemd does not expand, and an empty assignment
    ['Service.Bogus', '%J', false],
    ['Service.Description', '%J', false],
    ['Unit.Description', '', false]
  ])('%s=%s: %s', (sectionKey, value, expected) => {
    expect(aborts(sectionKey, value)).toBe(expected)
  })

  it('follows the versions that expand a setting', () => {
    expect([257, 259].map((v) => aborts('Service.NUMAMask', '%J', v))).toEqual([false, true])
    expect([257, 259].map((v) => aborts('Service.BlockIODeviceWeight', '%J 10', v))).toEqual([
      true,
      false
    ])
    expect([259, 261].map((v) => aborts('Unit.ConditionMachineTag', '%J', v))).toEqual([
      false,
      true
    ])
  })

  it('never aborts for a unit whose %J is not empty', () => {
    const plain = unit('p.service')
    for (const sectionKey of UNREAD_EXPANSIONS.keys()) {
      expect(aborts(sectionKey, '%J', 262, plain)).toBe(false)
    }
    expect(aborts('Unit.Description', '%J', 262, unit('a-b@x.service'))).toBe(false)
    expect(aborts('Unit.Description', '%J', 262, unit('a-@x.service'))).toBe(true)
  })
})
