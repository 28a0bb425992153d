/**
 * The program-name tables of the fix engine's service profile: the matcher that replaced one big
 * alternation per table must find exactly the patterns each regular expression matches.
 */
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { KNOWN_PATHS, PROGRAMS, patternMatcher } from '../src/core/service-profile.js'

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
