/**
 * Why the unit parser is hand-written and not the `ini` package (see README, "Dependencies"): each
 * case below is a way `ini` reads a unit file differently from systemd, measured on ini 5. Should
 * `ini` change, these fail and the decision is worth revisiting.
 */
import { describe, expect, it } from '@jest/globals'
import ini from 'ini'
import { parseUnitText } from '../src/core/syntax.js'

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text)

describe('ini package versus systemd unit syntax', () => {
  it('strips an inline "# comment" that systemd keeps (so `ProtectHome=yes # c` would be credited)', () => {
    const text = '[Service]\nProtectHome=yes # c\n'
    expect((ini.parse(text).Service as Record<string, string>).ProtectHome).toBe('yes')
    expect(parseUnitText(bytes(text)).assignments[0]!.value).toBe('yes # c')
  })

  it('does not join continuation lines', () => {
    const text = '[Service]\nCapabilityBoundingSet=CAP_KILL \\\n  CAP_SYS_ADMIN\n'
    expect((ini.parse(text).Service as Record<string, unknown>).CapabilityBoundingSet).toBe(
      'CAP_KILL \\'
    )
    expect(parseUnitText(bytes(text)).assignments[0]!.value).toBe('CAP_KILL    CAP_SYS_ADMIN')
  })

  it('collapses repeated keys, losing the order that list semantics and resets depend on', () => {
    const text = '[Service]\nSystemCallFilter=@system-service\nSystemCallFilter=~@privileged\n'
    expect((ini.parse(text).Service as Record<string, unknown>).SystemCallFilter).toBe(
      '~@privileged'
    )
    expect(parseUnitText(bytes(text)).assignments.map((a) => a.value)).toEqual([
      '@system-service',
      '~@privileged'
    ])
  })

  it('keeps no line numbers, which annotations need', () => {
    const parsed = parseUnitText(bytes('[Service]\n\nNoNewPrivileges=yes\n'))
    expect(parsed.assignments[0]!.line).toBe(3)
    expect(JSON.stringify(ini.parse('[Service]\n\nNoNewPrivileges=yes\n'))).not.toContain('3')
  })
})
