/**
 * The program-name tables of the fix engine's service profile: the matcher that replaced one big
 * alternation per table must find exactly the patterns each regular expression matches. And how it
 * reads what a `sh -c` command line runs.
 */
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import {
  KNOWN_PATHS,
  PROGRAMS,
  patternMatcher,
  scriptCommands,
  shellScriptOf
} from '../src/core/service-profile.js'

const naive = (patterns: readonly RegExp[], name: string): number[] =>
  patterns.flatMap((pattern, index) => (pattern.test(name) ? [index] : []))

/** Names the tables spell out, and near misses of them. */
function namesIn(patterns: readonly RegExp[]): string[] {
  const names = new Set<string>()
  for (const pattern of patterns) {
    for (const part of pattern.source.slice(2, -2).split('|')) {
      const name = part.replace(/\\\./g, '.').replace(/[\\[\]().*+?{}^$]/g, '')
      for (const variant of [
        name,
        `${name}2`,
        `${name}.5`,
        `x${name}`,
        name.slice(0, -1),
        `${name}_exporter`,
        `${name}-x`
      ])
        names.add(variant)
    }
  }
  return [...names]
}

describe('patternMatcher', () => {
  for (const [table, patterns] of [
    ['PROGRAMS', PROGRAMS.map(([pattern]) => pattern)],
    ['KNOWN_PATHS', KNOWN_PATHS.map(([pattern]) => pattern)]
  ] as const) {
    it(`finds exactly the ${table} patterns that match a name`, () => {
      const match = patternMatcher(patterns)
      const names = namesIn(patterns)
      expect(names.length).toBeGreaterThan(300)
      let matching = 0
      for (const name of names) {
        const expected = naive(patterns, name)
        if (expected.length) matching++
        expect([name, match(name)]).toEqual([name, expected])
      }
      expect(matching).toBeGreaterThan(names.length / 8)
      fc.assert(
        fc.property(fc.string({ maxLength: 12 }), fc.constantFrom(...names), (junk, name) => {
          for (const candidate of [junk, name + junk, junk + name])
            expect(match(candidate)).toEqual(naive(patterns, candidate))
        }),
        { numRuns: 3000 }
      )
    })
  }

  it('tests patterns of another form as they are', () => {
    const patterns = [/^(a|b.*)$/, /^A/i, /^(a)(b)?$/, /^(x|a)$/, /^(b)\1$/]
    const match = patternMatcher(patterns)
    for (const name of ['a', 'b', 'bx', 'ab', 'x', 'Ax', 'bb', ''])
      expect([name, match(name)]).toEqual([name, naive(patterns, name)])
  })
})

describe('shellScriptOf', () => {
  it.each<[string[], string | undefined]>([
    [['/bin/sh', '-c', 'exec daemon'], 'exec daemon'],
    [['/bin/bash', '-euo', 'pipefail', '-c', 'a && b'], 'a && b'],
    [['bash', '-lc', 'x'], 'x'],
    [['/bin/sh', '-e', '-c', 'x'], 'x'],
    [['/bin/bash', '--login', '-c', 'x'], 'x'],
    [['/bin/busybox', 'sh', '-c', 'x'], 'x'],
    [['/usr/bin/zsh', '+o', 'nomatch', '-c', 'x'], 'x'],
    // not a command string
    [['/bin/sh', '/usr/lib/vendor/start.sh'], undefined],
    [['/bin/bash', '-e', 'script.sh', '-c'], undefined],
    [['/bin/sh', '-c'], undefined],
    [['/usr/bin/python3', '-c', 'print(1)'], undefined],
    [['/bin/busybox', 'httpd', '-c', 'x'], undefined]
  ])('%j -> %j', (argv, script) => {
    expect(shellScriptOf(argv)).toBe(script)
  })
})

describe('scriptCommands', () => {
  it.each<[string, string[][]]>([
    ['exec cjdroute --nobg < /etc/cjdroute.conf', [['cjdroute', '--nobg', '/etc/cjdroute.conf']]],
    [
      '/bin/echo 1 > /sys/class/backlight/x/bl_power',
      [['/bin/echo', '1', '/sys/class/backlight/x/bl_power']]
    ],
    [
      'source /srv/venv/bin/activate && FOO=1 exec celery -A app worker 2>/dev/null',
      [
        ['source', '/srv/venv/bin/activate'],
        ['celery', '-A', 'app', 'worker', '/dev/null']
      ]
    ],
    [
      'if grep -q ^ssh- /boot/ssh; then systemctl enable ssh; fi',
      [
        ['grep', '-q', '^ssh-', '/boot/ssh'],
        ['systemctl', 'enable', 'ssh']
      ]
    ],
    ['echo "$(hostname)" | tee /run/name', [['echo'], ['hostname'], ['tee', '/run/name']]],
    [
      'until systemctl is-active x; do sleep 1; done',
      [
        ['systemctl', 'is-active', 'x'],
        ['sleep', '1']
      ]
    ],
    ['', []]
  ])('%j', (script, commands) => {
    expect(scriptCommands(script)).toEqual(commands)
  })

  it('takes time linear in the script (no backtracking on long words)', () => {
    const long = `${'9'.repeat(200_000)}x ${'>'.repeat(200_000)} ${';'.repeat(100_000)}`
    const started = performance.now()
    expect(scriptCommands(long).length).toBe(1)
    expect(performance.now() - started).toBeLessThan(1000)
  })
})
