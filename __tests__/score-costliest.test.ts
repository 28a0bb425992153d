/**
 * The text report's scoring view (only the costliest rows are built) must agree with the full
 * scoring: same exposure and sums, and exactly the rows the text report would pick from all rows.
 */
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { CHECKS } from '../src/core/checks.js'
import { DEFAULT_POLICY, parsePolicy } from '../src/core/policy.js'
import { keepBest } from '../src/core/score.js'
import { costliest } from '../src/render/text.js'
import { engineReport } from './support/engine.js'
import { unitArbitrary } from './support/unit-arbitrary.js'

const tableOrder = (id: string): number => CHECKS.findIndex((check) => check.id === id)

const WEB_LIKE = parsePolicy(
  { PrivateNetwork: { weight: 0 }, SystemCallFilter_privileged: { weight: 500 } },
  'test'
)

describe('scoring only the costliest rows', () => {
  it('gives the same score and the rows the text report picks from the full scoring', () => {
    fc.assert(
      fc.property(
        unitArbitrary('costliest'),
        fc.constantFrom(240, 252, 257, 259),
        fc.constantFrom(DEFAULT_POLICY, WEB_LIKE),
        fc.integer({ min: 1, max: 8 }),
        (unit, version, policy, count) => {
          const full = engineReport(unit, { version, policy })
          const view = engineReport(unit, { version, policy, costliestChecks: count })
          expect(view.status).toBe(full.status)
          expect(view.exposure).toBe(full.exposure)
          expect(view.rating).toBe(full.rating)
          const expected = costliest(full, count).sort(
            (a, b) => tableOrder(a.id) - tableOrder(b.id)
          )
          expect(view.checks).toEqual(expected)
          expect(costliest(view, count)).toEqual(costliest(full, count))
        }
      ),
      { numRuns: 400 }
    )
  })
})

describe('keepBest', () => {
  it('keeps the `count` best items, best first, equal ones in their order of arrival', () => {
    const item = fc.record({ key: fc.integer({ min: 0, max: 5 }), arrival: fc.nat() })
    fc.assert(
      fc.property(
        fc.array(item, { maxLength: 40 }),
        fc.integer({ min: 0, max: 8 }),
        (items, count) => {
          const arrived = items.map((it, arrival) => ({ ...it, arrival }))
          const top: typeof arrived = []
          for (const it of arrived) keepBest(top, it, count, (a, b) => a.key > b.key)
          // a stable sort by key, highest first, then the first `count`
          const expected = [...arrived].sort((a, b) => b.key - a.key).slice(0, count)
          expect(top).toEqual(expected)
        }
      ),
      { numRuns: 3000 }
    )
  })
})
