/** The scan's dirname/basename give what node:path gives, for any path. */
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import * as path from 'node:path'
import { baseNameOf, directoryOf } from '../src/scan/paths.js'

describe('directoryOf and baseNameOf', () => {
  it('agree with path.dirname and path.basename', () => {
    const anyPath = fc.string({ unit: fc.constantFrom('/', 'a', '.', 'b', 'é'), maxLength: 12 })
    fc.assert(
      fc.property(anyPath, (file) => {
        expect([directoryOf(file), baseNameOf(file)]).toEqual([
          path.dirname(file),
          path.basename(file)
        ])
      }),
      { numRuns: 20000 }
    )
    for (const file of ['/x.service', '//x', 'a//b', 'a/b/', '', '/', 'x', '/srv/u/a.service'])
      expect([directoryOf(file), baseNameOf(file)]).toEqual([
        path.dirname(file),
        path.basename(file)
      ])
  })
})
