/**
 * Read-ahead for large scans: a worker thread opens, reads and closes the files the scan is about to
 * read, in the order it reads them, into a ring of shared memory, and the scan takes a file's bytes
 * from there instead of making the three system calls itself (on a 10,000-unit tree they were a
 * quarter of the scan thread's time). The scan never waits for the worker: a file the worker has not
 * reached, could not read whole, or was not given is read by the scan as before, so the worker
 * changes how fast a report comes, never what it says.
 */
import { Worker } from 'node:worker_threads'

export interface ReadAhead {
  /** the bytes of `file` if the worker read it (a copy: the ring is reused), else undefined */
  take(file: string): Uint8Array | undefined
  /** files served from the ring so far */
  readonly served: number
  /** files the worker is done with (read, given up or skipped), from the first in order */
  readonly done: number
  /** times the scan woke the worker, which waited for ring space */
  readonly wakeUps: number
  /** stops the worker; idempotent */
  stop(): void
}

/** Where the worker and the scan meet: the indexes of the shared control words and limits. */
interface Layout {
  /** control word: files the worker is done with (read or given up); their entries are final */
  ready: number
  /** control word: files the scan is past; the worker skips them and reuses their ring space */
  released: number
  /** control word: non-zero when the scan is done */
  stop: number
  /** control word: while the worker waits for ring space, the `released` count it waits for (else 0) */
  wakeAt: number
  /** the length entry of a file not served */
  notRead: number
}

// each control word on a cache line of its own: the worker writes `ready` at every file, the scan
// `released`, and neither line then goes back and forth between the CPUs for the other's writes
const LAYOUT: Layout = {
  ready: 0,
  released: 16,
  stop: 32,
  wakeAt: 48,
  notRead: -1
}
const CONTROL_WORDS = 64
/** how far past the next file the scan's file is looked for (further: read by the scan itself) */
const LOOK_AHEAD = 64

/** The ring's default size: 128 files of the largest size served (64 KiB), far more of usual ones. */
export const RING_BYTES = 8 * 1024 * 1024

/** How the scan reads a file its listing calls regular (readRegularFile() in scan.ts). */
export interface RegularRead {
  /** its open() flags */
  flags: number
  /** the size of its first read: a file that fills it is read on by the scan, never served here */
  firstChunk: number
}

interface ReadAheadData {
  /** the files, each followed by a NUL (no path holds one): one string is copied faster than many */
  files: string
  layout: Layout
  read: RegularRead
  control: SharedArrayBuffer
  /** per file: its offset in the ring, then its length (layout.notRead: not served) */
  entries: SharedArrayBuffer
  ring: SharedArrayBuffer
}

/**
 * The worker's loop, run from its source text (it uses nothing but its arguments and globals).
 * Files lie one after the other in the ring, the next one starting at the ring's start when the
 * largest file would not fit before its end; the worker waits while that space still holds a file
 * the scan has not released. Opened as the scan opens them: O_NOFOLLOW, O_NONBLOCK.
 */
function readAheadLoop(data: ReadAheadData, fs: typeof import('node:fs')): void {
  const { layout } = data
  const files = data.files.split('\0')
  files.pop()
  const control = new Int32Array(data.control)
  const entries = new Int32Array(data.entries)
  const size = data.ring.byteLength
  // one view for every read (a view per file is garbage for the thread's collector)
  const ring = new Uint8Array(data.ring)
  const max = data.read.firstChunk
  const { flags } = data.read
  /** where each file starts, counted from the first byte ever written (not wrapped) */
  const starts = new Float64Array(files.length)
  let head = 0
  let i = 0
  while (i < files.length) {
    if (Atomics.load(control, layout.stop) !== 0) return
    const released = Atomics.load(control, layout.released)
    if (i < released) {
      // the scan read these itself: skip to where it is
      for (; i < released && i < files.length; i++) entries[2 * i + 1] = layout.notRead
      Atomics.store(control, layout.ready, i)
      continue
    }
    let at = head
    if ((at % size) + max > size) at += size - (at % size)
    for (;;) {
      const oldest = Atomics.load(control, layout.released)
      const tail = oldest < i ? starts[oldest]! : at
      if (at + max - tail <= size) break
      if (Atomics.load(control, layout.stop) !== 0) return
      // woken once a quarter of the files in the ring are released, not at every file: a ring
      // smaller than the files read would otherwise cost the scan a wake-up call per file
      const wakeAt = oldest + Math.max(1, (i - oldest) >> 2)
      Atomics.store(control, layout.wakeAt, wakeAt)
      for (let now = oldest; now < wakeAt; now = Atomics.load(control, layout.released)) {
        if (Atomics.load(control, layout.stop) !== 0) return
        // (the scan notifies after storing `released` when it reaches `wakeAt`: a release between
        // the load and this wait makes it return at once, as the value differs)
        Atomics.wait(control, layout.released, now, 50)
      }
      Atomics.store(control, layout.wakeAt, 0)
    }
    let length = layout.notRead
    try {
      const fd = fs.openSync(files[i]!, flags)
      try {
        const got = fs.readSync(fd, ring, at % size, max, null)
        if (got < max) length = got
      } finally {
        fs.closeSync(fd)
      }
    } catch {
      length = layout.notRead
    }
    starts[i] = at
    entries[2 * i] = at % size
    entries[2 * i + 1] = length
    if (length > 0) head = at + length
    i++
    Atomics.store(control, layout.ready, i)
  }
}

/**
 * Starts a worker thread that reads `files` ahead of a scan which reads them in about this order
 * (each file taken lets the worker forget the ones before it). The worker does not keep the process
 * alive; stop() ends it.
 */
export function startReadAhead(
  files: readonly string[],
  /** opened and read as the scan does */
  read: RegularRead,
  ringBytes = RING_BYTES
): ReadAhead {
  const data: ReadAheadData = {
    files: files.length === 0 ? '' : files.join('\0') + '\0',
    layout: LAYOUT,
    read,
    control: new SharedArrayBuffer(CONTROL_WORDS * 4),
    entries: new SharedArrayBuffer(Math.max(1, files.length) * 2 * 4),
    ring: new SharedArrayBuffer(Math.max(ringBytes, read.firstChunk))
  }
  const control = new Int32Array(data.control)
  const entries = new Int32Array(data.entries)
  const ring = new Uint8Array(data.ring)
  const worker = new Worker(
    `(${readAheadLoop.toString()})(require('node:worker_threads').workerData, require('node:fs'))`,
    // a young generation of 1 MB, not V8's default: the loop allocates little but the file list,
    // and each megabyte a thread reserves there is memory the process holds (~7 MB less RSS)
    { eval: true, workerData: data, resourceLimits: { maxYoungGenerationSizeMb: 1 } }
  )
  worker.unref()
  // a worker that failed serves nothing more (its last entries stay final): the scan reads the rest
  worker.on('error', () => undefined)
  /** where `file` is at or after `from`: the scan asks in the order given, mostly */
  const indexFrom = (from: number, file: string): number | undefined => {
    const end = Math.min(files.length, from + LOOK_AHEAD)
    for (let i = from; i < end; i++) if (files[i] === file) return i
    return undefined
  }
  let served = 0
  let wakeUps = 0
  let stopped = false
  /** the files before this one the scan is past (published to the worker as `released`) */
  let next = 0
  /** what `ready` said when last loaded: the worker's line is read only when it must be */
  let ready = 0
  const release = (after: number): void => {
    next = after
    Atomics.store(control, LAYOUT.released, next)
    const wakeAt = Atomics.load(control, LAYOUT.wakeAt)
    if (wakeAt !== 0 && next >= wakeAt) {
      Atomics.notify(control, LAYOUT.released)
      wakeUps++
    }
  }
  return {
    take(file) {
      if (stopped) return undefined
      const i = indexFrom(next, file)
      if (i === undefined) return undefined
      if (i >= ready) ready = Atomics.load(control, LAYOUT.ready)
      if (i >= ready) {
        // the worker is behind: it goes on after this file
        release(i + 1)
        return undefined
      }
      const length = entries[2 * i + 1]!
      let bytes: Buffer | undefined
      if (length !== LAYOUT.notRead) {
        // a copy of its own: the worker reuses the ring space once released
        bytes = Buffer.allocUnsafe(length)
        bytes.set(ring.subarray(entries[2 * i]!, entries[2 * i]! + length))
        served++
      }
      release(i + 1)
      return bytes
    },
    get served() {
      return served
    },
    get done() {
      return Atomics.load(control, LAYOUT.ready)
    },
    get wakeUps() {
      return wakeUps
    },
    stop() {
      if (stopped) return
      stopped = true
      Atomics.store(control, LAYOUT.stop, 1)
      Atomics.notify(control, LAYOUT.released)
      void worker.terminate()
    }
  }
}
