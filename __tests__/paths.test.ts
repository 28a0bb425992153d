/** The scan's dirname/basename give what node:path gives, for any path. */
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import * as path from 'node:path'
import { baseNameOf, directoryOf, entryPath } from '../src/scan/paths.js'

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

describe('entryPath', () => {
  it('agrees with path.join for an entry name in a normalized directory', () => {
    const segment = fc.string({
      unit: fc.constantFrom('a', 'b', '.', '-', 'é'),
      minLength: 1,
      maxLength: 4
    })
    const directory = fc
      .tuple(fc.boolean(), fc.array(segment, { maxLength: 4 }))
      .map(([absolute, parts]) => path.normalize((absolute ? '/' : '') + parts.join('/')))
    fc.assert(
      fc.property(directory, segment, (dir, name) => {
        expect(entryPath(dir, name)).toBe(path.join(dir, name))
      }),
      { numRuns: 20000 }
    )
    for (const [dir, name] of [
      ['/', 'x.service'],
      ['/srv/u', 'a.service.d'],
      ['.', 'x'],
      ['', 'x'],
      ['/a', '..'],
      ['/a', '.']
    ] as const)
      expect(entryPath(dir, name)).toBe(path.join(dir, name))
  })
})
