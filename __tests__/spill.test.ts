/** Rendered text held in a temporary file (the markdown report's failing units, in the worker). */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { createMarkdownStream } from '../src/render/markdown.js'
import { createSpilledBytes } from '../src/scan/spill.js'

let tmpDir: string
beforeEach(() => {
  tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'spill-test-'))
})
afterEach(() => {
  fs.rmSync(tmpDir, { recursive: true, force: true })
})

/** Pieces of every size the byte batches treat apart, with characters of 1 to 4 UTF-8 bytes. */
function pieces(): string[] {
  const out: string[] = []
  for (let i = 0; i < 400; i++) out.push(`unit ${i}: é ✗ 𝄞 `.repeat(1 + (i % 7)) + '\n')
  out.push('x'.repeat(20 * 1024), '✓'.repeat(70 * 1024), 'tail\n')
  return out
}

describe('createSpilledBytes', () => {
  it('gives back exactly the bytes written, in order, in buffers the taker may keep', () => {
    const held = createSpilledBytes(tmpDir)!
    const text = pieces()
    for (const piece of text) held.write(piece)
    const taken: Uint8Array[] = []
    held.drain((bytes) => taken.push(bytes))
    expect(taken.length).toBeGreaterThan(0)
    expect(Buffer.concat(taken).equals(Buffer.from(text.join('')))).toBe(true)
  })

  it('reads back into one buffer when the taker is done with each piece at once', () => {
    const held = createSpilledBytes(tmpDir, { takerKeeps: false })!
    const line = 'a line of a failing unit’s section\n'
    for (let i = 0; i < 40_000; i++) held.write(line) // about 1.5 MB: two reads
    const copies: Buffer[] = []
    const buffers = new Set<ArrayBufferLike>()
    held.drain((bytes) => {
      copies.push(Buffer.from(bytes))
      buffers.add(bytes.buffer)
    })
    expect(copies.length).toBeGreaterThan(1)
    expect(buffers.size).toBe(1)
    expect(Buffer.concat(copies).equals(Buffer.from(line.repeat(40_000)))).toBe(true)
  })

  it('reads back a report larger than one read', () => {
    const held = createSpilledBytes(tmpDir)!
    const line = 'a line of a failing unit’s section\n'
    const count = 40_000 // about 1.5 MB: more than one read of 1 MiB
    for (let i = 0; i < count; i++) held.write(line)
    let total = 0
    let reads = 0
    held.drain((bytes) => {
      total += bytes.length
      reads++
    })
    expect(total).toBe(Buffer.byteLength(line) * count)
    expect(reads).toBeGreaterThan(1)
  })

  it('leaves nothing in the temporary directory, before or after draining', () => {
    const held = createSpilledBytes(tmpDir)!
    expect(fs.readdirSync(tmpDir)).toStrictEqual([])
    held.write('text\n')
    held.drain(() => {})
    expect(fs.readdirSync(tmpDir)).toStrictEqual([])
  })

  it('is undefined where no temporary file can be made (the caller keeps the text in memory)', () => {
    expect(createSpilledBytes(path.join(tmpDir, 'missing'))).toBeUndefined()
  })
})

describe('the markdown report with its failing units held in a file', () => {
  it('is the report made in memory, byte for byte', () => {
    const head = { threshold: 5, systemdVersion: 262, policy: 'baseline' }
    const render = (spilled: boolean): string => {
      const stream = createMarkdownStream(head, spilled ? createSpilledBytes(tmpDir) : undefined)
      for (let i = 0; i < 50; i++) {
        stream.unit({
          path: `units/u${i}.service`,
          unit: `u${i}.service`,
          dropIns: [],
          diagnostics: [],
          exceptions: [],
          suggestion: null,
          status: i % 5 === 0 ? 'invalid' : 'scored',
          score: i % 5 === 0 ? null : (i % 10) + 0.5,
          exposure: i % 5 === 0 ? null : (i % 10) * 10 + 5,
          rating: i % 5 === 0 ? null : 'MEDIUM',
          passed: i % 3 === 0,
          reason: 'bad ✗ setting',
          checks: []
        })
      }
      const out: Buffer[] = []
      stream.end(
        (text) => out.push(Buffer.from(text)),
        (bytes) => out.push(Buffer.from(bytes))
      )
      return Buffer.concat(out).toString()
    }
    const inFile = render(true)
    expect(inFile).toBe(render(false))
    expect(inFile).toContain('### units/u1.service')
  })
})
