/**
 * The guess at the key an unknown one misspells (unknown-keys.ts): the banded edit distance it
 * stands on agrees with the textbook one, and every key some measured systemd knows is guessed
 * back from its own slips.
 */
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { UNIT_KEY_VERSIONS, UNIT_KEYS } from '../src/core/data/unit-keys.js'
import { readsKeyAt } from '../src/core/service.js'
import { editDistance, ignoredKey, keyMasks, misspeltKey } from '../src/core/unknown-keys.js'

/** Optimal string alignment distance, the whole table filled. */
function textbook(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0))
  )
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(
        d[i - 1]![j]! + 1,
        d[i]![j - 1]! + 1,
        d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)
      )
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1)
    }
  return d[a.length]![b.length]!
}

describe('editDistance', () => {
  it('is the textbook distance up to the budget, and budget + 1 beyond', () => {
    const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd'), maxLength: 12 })
    fc.assert(
      fc.property(word, word, fc.integer({ min: 0, max: 4 }), (a, b, max) => {
        expect(editDistance(a, b, max)).toBe(Math.min(textbook(a, b), max + 1))
      }),
      { numRuns: 3000 }
    )
  })

  it('counts a swap of neighbours as one edit', () => {
    expect(editDistance('protectsytsem', 'protectsystem', 2)).toBe(1)
    expect(editDistance('ab', 'ba', 0)).toBe(1)
  })
})

describe('the key an unknown one misspells', () => {
  const everywhere = (1 << UNIT_KEY_VERSIONS.length) - 1
  const serviceKeys = Object.keys(UNIT_KEYS.Service!).filter(
    (key) => keyMasks(key)[1] === everywhere
  )
  const guess = (key: string, section = 'Service'): string | undefined =>
    ignoredKey(key, section, keyMasks(key), 262)?.meant

  it('takes each [Service] key back from a letter left out, when no other key is as close', () => {
    let guessed = 0
    for (const key of serviceKeys.filter((k) => k.length > 6)) {
      const slip = key.slice(0, 3) + key.slice(4)
      if (keyMasks(slip).some((mask) => mask !== 0)) continue
      const meant = guess(slip)
      // an ambiguous slip gets no guess; a guess is never another key than the one slipped
      if (meant !== undefined) {
        expect(meant).toBe(key)
        guessed++
      }
    }
    expect(guessed).toBeGreaterThan(serviceKeys.length * 0.8)
  })

  it('guesses nothing for a key no known one is close to, nor for a known key', () => {
    expect(guess('Completely')).toBeUndefined()
    expect(guess('ProtectSystem')).toBeUndefined()
    expect(ignoredKey('ProtectSystem', 'Service', keyMasks('ProtectSystem'), 262)).toBeUndefined()
    // a key longer than any known one plus the budget is not looked at
    expect(guess('P'.repeat(100_000))).toBeUndefined()
  })

  it('prefers a key of the section the line is in, else names the section of the one it finds', () => {
    // "Before" is a [Unit] key only
    expect(ignoredKey('Befor', 'Service', keyMasks('Befor'), 262)?.message).toMatch(
      /did you mean Before= in \[Unit\]\?$/
    )
    expect(ignoredKey('Befor', 'Unit', keyMasks('Befor'), 262)?.message).toMatch(
      /did you mean Before=\?$/
    )
  })

  it('says a key of a newer systemd is one, and guesses nothing for it', () => {
    // PrivatePIDs= is read from 257 (it is not a misspelt PrivateIPC= at 252)
    expect(ignoredKey('PrivatePIDs', 'Service', keyMasks('PrivatePIDs'), 252)).toEqual({
      code: 'ignored-by-version',
      message: 'PrivatePIDs= is ignored by systemd 252 (systemd 257 reads it)'
    })
  })

  it('guesses only keys the target reads (red team, session 26)', () => {
    // ProtectClock= exists from 245, PrivatePIDs= from 257; 262 no longer reads CPUShares=
    expect(misspeltKey('ProtectClok', 'Service', 240, readsKeyAt)).toBeUndefined()
    expect(misspeltKey('ProtectClok', 'Service', 245, readsKeyAt)).toBe('ProtectClock')
    expect(misspeltKey('PrivatePID', 'Service', 255, readsKeyAt)).toBeUndefined()
    expect(misspeltKey('PrivatePID', 'Service', 257, readsKeyAt)).toBe('PrivatePIDs')
    expect(misspeltKey('CPUShars', 'Service', 262)).toBeUndefined()
    expect(misspeltKey('CPUShars', 'Service', 257)).toBe('CPUShares')
  })

  it('says a key of a newer systemd in the wrong section belongs elsewhere, guessing nothing', () => {
    // MemoryZSwapMax= is a [Service] key from 254, not a misspelt MemorySwapMax=
    expect(ignoredKey('MemoryZSwapMax', 'Unit', keyMasks('MemoryZSwapMax'), 252)).toEqual({
      code: 'wrong-section',
      message:
        'MemoryZSwapMax= belongs in [Service] (systemd 254 reads it there); under [Unit] systemd ignores it'
    })
  })

  it('guesses only keys the target version may know', () => {
    // MemoryTHP= is known from 262 on (252 and 257 do not take it)
    expect(guess('MemoryTHPP')).toBe('MemoryTHP')
    expect(ignoredKey('MemoryTHPP', 'Service', keyMasks('MemoryTHPP'), 252)?.meant).toBeUndefined()
  })
})

describe('which versions a key is judged by', () => {
  const reported = (key: string, version: number): string | undefined =>
    ignoredKey(key, 'Service', keyMasks(key), version)?.code

  it('reports a key at a measured version that does not know it, and not where one around may', () => {
    // measured with --dump-configuration-items and systemd-analyze of Debian's 252, 254
    // (bookworm-backports), 257 and 262: PrivatePIDs= is "Unknown key" at 254, read from 257
    expect(UNIT_KEY_VERSIONS).toEqual([252, 254, 257, 262])
    expect(reported('PrivatePIDs', 254)).toBe('ignored-by-version')
    expect(reported('PrivatePIDs', 255)).toBeUndefined()
    expect(reported('PrivatePIDs', 257)).toBeUndefined()
    // DelegateSubgroup= is read from 254: unknown at 252 only
    expect(reported('DelegateSubgroup', 252)).toBe('ignored-by-version')
    expect(reported('DelegateSubgroup', 253)).toBeUndefined()
    expect(reported('DelegateSubgroup', 254)).toBeUndefined()
  })
})
