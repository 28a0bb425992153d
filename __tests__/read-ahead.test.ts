/**
 * The read-ahead worker (src/scan/read-ahead.ts) serves the bytes a file holds, in whatever order
 * the scan asks, through a ring it reuses, and never makes the scan wait: a file it cannot serve is
 * left to the scan. A scan with it gives the same reports as one without (scan.test.ts's tree of bad
 * inputs is scanned both ways there).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import type { ReadAhead } from '../src/scan/read-ahead.js'
import { startReadAhead } from '../src/scan/read-ahead.js'
import { REGULAR_READ } from '../src/scan/scan.js'

let dir: string
const started: ReadAhead[] = []
const start = (files: string[], ring?: number): ReadAhead => {
  const readAhead = startReadAhead(files, REGULAR_READ, ring)
  started.push(readAhead)
  return readAhead
}

/** a file of `size` bytes whose content tells it from every other */
function write(name: string, size: number, seed: number): string {
  const file = path.join(dir, name)
  const bytes = Buffer.alloc(size)
  for (let i = 0; i < size; i++) bytes[i] = (seed * 31 + i * 7) & 255
  fs.writeFileSync(file, bytes)
  return file
}

/** waits until the worker is done with every file it was given (or 20 s, and the test fails) */
async function settle(readAhead: ReadAhead, files: number): Promise<void> {
  for (let waited = 0; readAhead.done < files && waited < 20000; waited += 10) await sleep(10)
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'read-ahead-'))
})
afterEach(() => {
  for (const readAhead of started.splice(0)) readAhead.stop()
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

describe('startReadAhead', () => {
  it('serves each file as it is on disk, the empty and the largest it serves too', async () => {
    const files = [
      write('a.service', 300, 1),
      write('empty.service', 0, 2),
      write('b.conf', 64 * 1024 - 1, 3),
      write('c.service', 4000, 4)
    ]
    const readAhead = start(files)
    await settle(readAhead, files.length)
    for (const file of files) expect(readAhead.take(file)).toEqual(fs.readFileSync(file))
    expect(readAhead.served).toBe(4)
  })

  it('leaves to the scan what it cannot read whole: a file filling 64 KiB, a link, a missing file', async () => {
    const big = write('big.service', 64 * 1024, 5)
    const target = write('target.service', 100, 6)
    const link = path.join(dir, 'link.service')
    fs.symlinkSync(target, link)
    const after = write('after.service', 10, 7)
    const files = [big, link, path.join(dir, 'missing.service'), path.join(dir), after]
    const readAhead = start(files)
    await settle(readAhead, files.length)
    expect(readAhead.take(big)).toBeUndefined()
    expect(readAhead.take(link)).toBeUndefined() // O_NOFOLLOW, as the scan opens files
    expect(readAhead.take(files[2]!)).toBeUndefined()
    expect(readAhead.take(dir)).toBeUndefined() // a directory: read() fails
    expect(readAhead.take(after)).toEqual(fs.readFileSync(after))
    expect(readAhead.served).toBe(1)
  })

  it('does not block on a FIFO (O_NONBLOCK) and goes on with the next file', async () => {
    const fifo = path.join(dir, 'fifo.service')
    if (spawnSync('mkfifo', [fifo]).status !== 0) return // no mkfifo: nothing to test
    const next = write('next.service', 50, 8)
    const readAhead = start([fifo, next])
    await settle(readAhead, 2)
    expect(readAhead.take(fifo)).toEqual(Buffer.alloc(0)) // as the scan's own read: no writer, EOF
    expect(readAhead.take(next)).toEqual(fs.readFileSync(next))
  })

  it('reuses the ring only for files the scan has taken (it waits for the slow scan)', async () => {
    // ring of two largest files: 30 KiB files, the fourth would overwrite the first unless it waits
    const files = Array.from({ length: 12 }, (_, i) =>
      write(`ring-${i}.service`, 30 * 1024, 10 + i)
    )
    const readAhead = start(files, 128 * 1024)
    // it fills the ring (three files) and waits: nothing is taken before that
    await settle(readAhead, 3)
    await sleep(50)
    expect(readAhead.done).toBe(3)
    for (const file of files) {
      await sleep(20)
      expect(readAhead.take(file)).toEqual(fs.readFileSync(file))
    }
    expect(readAhead.served).toBe(files.length)
  })

  it('is woken when a quarter of the ring is free, not at every file the scan takes', async () => {
    // a ring of ~14 files of 30 KiB (with room for one of 64 KiB) and 42 files to read
    const files = Array.from({ length: 42 }, (_, i) =>
      write(`wake-${i}.service`, 30 * 1024, 200 + i)
    )
    const readAhead = start(files, 512 * 1024)
    await settle(readAhead, 14)
    for (const file of files) {
      await settle(readAhead, Math.min(files.length, files.indexOf(file) + 1))
      expect(readAhead.take(file)).toEqual(fs.readFileSync(file))
    }
    expect(readAhead.served).toBe(files.length)
    // woken every 3-4 files (a quarter of those in the ring) for the 28 beyond the first fill
    expect(readAhead.wakeUps).toBeGreaterThan(0)
    expect(readAhead.wakeUps).toBeLessThanOrEqual(12)
  })

  it('serves files taken out of order within reach, and none the scan has gone past', async () => {
    const files = Array.from({ length: 6 }, (_, i) => write(`order-${i}.service`, 200, 30 + i))
    const readAhead = start(files)
    await settle(readAhead, files.length)
    expect(readAhead.take(files[2]!)).toEqual(fs.readFileSync(files[2]!))
    // before the file taken last: gone past, the scan reads it itself
    expect(readAhead.take(files[1]!)).toBeUndefined()
    expect(readAhead.take(files[3]!)).toEqual(fs.readFileSync(files[3]!))
    expect(readAhead.take(path.join(dir, 'not-listed.service'))).toBeUndefined()
    expect(readAhead.take(files[5]!)).toEqual(fs.readFileSync(files[5]!))
  })

  it('never makes the scan wait: a file the worker has not reached is left to the scan', async () => {
    const files = Array.from({ length: 100 }, (_, i) => write(`skip-${i}.service`, 100, 50 + i))
    const readAhead = start(files)
    // asked at once, before the worker thread runs: undefined, or the bytes if it is that fast
    const asked = readAhead.take(files[60]!)
    if (asked !== undefined) expect(asked).toEqual(fs.readFileSync(files[60]!))
    await settle(readAhead, files.length)
    // the scan is past the files before it; the worker goes on after it
    expect(readAhead.take(files[0]!)).toBeUndefined()
    expect(readAhead.take(files[61]!)).toEqual(fs.readFileSync(files[61]!))
    expect(readAhead.take(files[99]!)).toEqual(fs.readFileSync(files[99]!))
  })

  it('serves nothing once stopped', async () => {
    const file = write('stopped.service', 10, 90)
    const readAhead = start([file])
    await settle(readAhead, 1)
    readAhead.stop()
    readAhead.stop()
    expect(readAhead.take(file)).toBeUndefined()
  })
})
