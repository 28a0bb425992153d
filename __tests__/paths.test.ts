/** The scan's dirname/basename give what node:path gives, for any path. */
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import * as path from 'node:path'
import {
  hasDotDot,
  hasOverlongComponent,
  simplifyPath,
  withoutLeadingDotDot
} from '../src/core/values/paths.js'
import {
  asciiLower,
  asciiUpper,
  byteLength,
  escapedByte,
  isValidUtf8Value,
  lastIndexOfCode,
  rawBytes
} from '../src/core/words.js'
import { oneDecimal } from '../src/render/text.js'
import { baseNameOf, directoryOf, entryPath, sameDirectoryOf } from '../src/scan/paths.js'

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

describe('sameDirectoryOf', () => {
  it('gives directoryOf(file), whatever directory came before', () => {
    const anyPath = fc.string({ unit: fc.constantFrom('/', 'a', '.', 'b'), maxLength: 10 })
    fc.assert(
      fc.property(anyPath, anyPath, (file, other) => {
        const previous = directoryOf(other)
        const got = sameDirectoryOf(file, previous)
        expect(got).toBe(directoryOf(file))
        expect(sameDirectoryOf(file, directoryOf(file))).toBe(directoryOf(file))
        expect(sameDirectoryOf(file, undefined)).toBe(directoryOf(file))
      }),
      { numRuns: 20000 }
    )
    const previous = ['/srv', 'units'].join('/')
    expect(sameDirectoryOf('/srv/units/a.service', previous)).toBe(previous)
  })
})

describe('the hand-made string helpers of the hot paths', () => {
  it('simplifyPath, hasDotDot and hasOverlongComponent agree with their split-based definitions', () => {
    const simplified = (p: string): string => {
      const joined = p
        .split('/')
        .filter((part) => part !== '' && part !== '.')
        .join('/')
      return p.startsWith('/') ? '/' + joined : joined === '' ? '.' : joined
    }
    const long = 'x'.repeat(86)
    const text = fc.string({
      unit: fc.constantFrom('/', '.', 'a', 'é', '..', long, 'é'.repeat(128), '€'.repeat(86)),
      maxLength: 10
    })
    fc.assert(
      fc.property(text, (p) => {
        expect(simplifyPath(p)).toBe(simplified(p))
        expect(hasDotDot(p)).toBe(p.split('/').includes('..'))
        expect(hasOverlongComponent(p)).toBe(
          p.split('/').some((part) => new TextEncoder().encode(part).length > 255)
        )
      }),
      { numRuns: 20000 }
    )
    for (const p of ['/', '//', '', '.', '/a/', 'a//b', '/./a', '...', 'a/..', '/..'])
      expect(simplifyPath(p)).toBe(simplified(p))
  })

  it('lastIndexOfCode, asciiUpper and asciiLower agree with what they replace', () => {
    const text = fc.string({
      unit: fc.constantFrom('/', '.', 'a', 'Z', 'ſ', 'ı', '0'),
      maxLength: 12
    })
    fc.assert(
      fc.property(text, (t) => {
        expect(lastIndexOfCode(t, 0x2f)).toBe(t.lastIndexOf('/'))
        expect(asciiUpper(t)).toBe(t.replace(/[a-z]+/g, (l) => l.toUpperCase()))
        expect(asciiLower(t)).toBe(t.replace(/[A-Z]+/g, (l) => l.toLowerCase()))
      }),
      { numRuns: 20000 }
    )
  })

  it('oneDecimal is toFixed(1) for any number', () => {
    for (let t = 0; t <= 100_000; t++) expect(oneDecimal(t / 10)).toBe((t / 10).toFixed(1))
    fc.assert(
      fc.property(fc.double({ noNaN: true }), (x) => {
        expect(oneDecimal(x)).toBe(x.toFixed(1))
      }),
      { numRuns: 20000 }
    )
  })
})

describe('withoutLeadingDotDot', () => {
  it("drops the '..' and '.' before an absolute path's first name from 255 only", () => {
    expect(withoutLeadingDotDot('/../srv', 255)).toBe('/srv')
    expect(withoutLeadingDotDot('/./..//../srv/../x', 262)).toBe('/srv/../x')
    expect(withoutLeadingDotDot('/..', 262)).toBe('/')
    expect(withoutLeadingDotDot('/../', 262)).toBe('/')
    expect(withoutLeadingDotDot('/srv/..', 262)).toBe('/srv/..')
    expect(withoutLeadingDotDot('../srv', 262)).toBe('../srv')
    expect(withoutLeadingDotDot('/../srv', 254)).toBe('/../srv')
    expect(withoutLeadingDotDot('/../srv', undefined)).toBe('/../srv')
  })
})

describe('escaped bytes', () => {
  it('stay one byte each, in lengths and in the bytes systemd holds', () => {
    const cafe = `caf${escapedByte(0xc3)}${escapedByte(0xa9)}`
    expect(byteLength(cafe)).toBe(5)
    expect([...rawBytes(cafe)]).toEqual([...new TextEncoder().encode('café')])
    expect(isValidUtf8Value(cafe)).toBe(true)
    expect(isValidUtf8Value(`a${escapedByte(0x80)}`)).toBe(false)
    expect(isValidUtf8Value('a\ufdd0')).toBe(false)
    expect(escapedByte(0x41)).toBe('A')
    // text with no escaped byte is plain UTF-8
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (t) => {
        expect(byteLength(t)).toBe(new TextEncoder().encode(t).length)
        expect([...rawBytes(t)]).toEqual([...new TextEncoder().encode(t)])
      }),
      { numRuns: 5000 }
    )
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
