/**
 * The text report's scoring view (only the costliest rows are built) must agree with the full
 * scoring: same exposure and sums, and exactly the rows the text report would pick from all rows.
 */
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { CHECKS } from '../src/core/checks.js'
import { DEFAULT_POLICY, parsePolicy } from '../src/core/policy.js'
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
