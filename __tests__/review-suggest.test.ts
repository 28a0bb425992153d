/**
 * The one-click edit (review-suggest.ts) on files a pull request adds: which lines it may replace,
 * and that it never splits a line systemd reads as one (red team, session 26).
 */
import { describe, expect, it } from '@jest/globals'
import { DEFAULT_POLICY } from '../src/core/policy.js'
import { analyzeUnit } from '../src/core/report.js'
import { parseUnitName } from '../src/core/specifiers.js'
import { parsePatch } from '../src/github/review-diff.js'
import type { OneClick } from '../src/github/review-suggest.js'
import { oneClickEdit } from '../src/github/review-suggest.js'

const options = { version: 252, policy: DEFAULT_POLICY, threshold: 20 }

/** The edit the review would offer for `text` as a file the pull request adds. */
function editOf(text: string): OneClick {
  const path = 'units/app.service'
  const sources = {
    unit: parseUnitName('app.service')!,
    main: { path, bytes: new TextEncoder().encode(text) },
    dropIns: []
  }
  const report = analyzeUnit(sources, options)
  const suggestion = report.suggestion as { dropIn: string; exposure: number } | null
  if (!suggestion) throw new Error('no suggestion')
  const lines = text.replace(/\n$/, '').split('\n')
  const patch = `@@ -0,0 +1,${lines.length} @@\n${lines.map((l) => `+${l}`).join('\n')}`
  const edit = oneClickEdit(sources, suggestion, {
    ...options,
    patches: new Map([[path, { path, status: 'added', hunks: parsePatch(patch) }]])
  })
  if ('reasons' in edit) throw new Error(edit.reasons.join('; '))
  return edit
}

describe('the one-click edit', () => {
  it('puts the directive a misspelt line meant in its place', () => {
    const edit = editOf('[Service]\nExecStart=/usr/bin/app\nPrivteTmp=yes\nUser=app\n')
    expect(edit.replaced).toEqual([{ line: 3, from: 'PrivteTmp=yes', to: 'PrivateTmp=yes' }])
  })

  it('never takes a line a continuation reaches over a comment for a directive (HIGH)', () => {
    // systemd joins line 4 to line 2 across the comment: "UMASK=0027" is ExecStart='s, not a
    // misspelt UMask= (the edit made it `/usr/bin/env UMask=0077`, and the daemon never ran)
    const text =
      '[Service]\nExecStart=/usr/bin/env \\\n# the environment of the daemon\n' +
      '  UMASK=0027 /usr/bin/app\nNoNewPrivileges=yes\nRestrictAddressFamilies=AF_UNIX AF_INET\n' +
      'ProtectKernelTunables=yes\nRootDirectory=/srv\nDeviceAllow=/dev/null rw\n'
    const edit = editOf(text)
    expect(edit.replaced).toEqual([])
    expect(edit.replacement.join('\n')).not.toContain('UMASK')
    // nor does it add its lines inside the continuation (after the comment line)
    expect(edit.line).toBeGreaterThanOrEqual(4)
  })

  it('adds nothing after a line that continues at the end of the file (it would join it)', () => {
    const edit = editOf('[Service]\nUser=app\nExecStart=/usr/bin/app \\')
    expect(edit.line).toBeLessThan(3)
    expect(edit.replacement.at(-1)).not.toMatch(/\\$/)
  })

  it('does not replace a line of a key the target reads, nor one of a key another version reads', () => {
    // ProtectHome= is spelt right; MemoryZSwapMax= is a key of 254 (not a MemorySwapMax= slip)
    const edit = editOf(
      '[Service]\nExecStart=/usr/bin/app\nProtectHome=no\nMemoryZSwapMax=1M\nUser=app\n'
    )
    expect(edit.replaced.map((r) => r.from)).toEqual(['ProtectHome=no'])
  })
})
