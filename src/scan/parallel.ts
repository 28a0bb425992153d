/**
 * Large scans on every core: worker threads analyse and render consecutive chunks of the unit files
 * (each with its own reader), the main thread writes the chunks in path order. The output is the
 * same as scanning in one thread, byte for byte (tested), because each unit's text depends only on
 * that unit; the one exception, the text report's first suggested drop-ins, is left to the caller
 * (see `wantsSuggestion`).
 */
import * as fs from 'node:fs'
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads'
import type { GateOptions, UnitReport } from '../core/report.js'
import type { Policy } from '../core/policy.js'
import type { ManagerUser } from '../core/specifiers.js'
import { createByteBatches } from '../render/batches.js'
import { unitJson } from '../render/json.js'
import { createMarkdownStream } from '../render/markdown.js'
import { createTextStream, tallyOf } from '../render/text.js'
import type { UnitTally } from '../render/text.js'
import { createReader, scanUnitFile } from './scan.js'
import type { Listing } from './scan.js'
import { createSpilledBytes } from './spill.js'

/** What a worker needs to analyse and render units exactly as the main thread would. */
export interface ScanJob {
  roots: string[]
  cwd: string
  version: number
  policy: Policy
  threshold: number
  suggest: boolean
  keepPassingChecks: boolean
  costliestChecks?: number
  /** fixed by the main thread, so that every worker judges exception dates on the same day */
  today: string
  toolVersion?: string
  /** --user: every unit is a user manager's */
  userManager?: boolean
  /** the user that manager runs as (%u, %U, %g, %G, %h) */
  managerUser?: ManagerUser
  format: 'text' | 'json' | 'markdown'
  color: boolean
}

/** One unit as a worker rendered it. */
export interface RenderedUnit {
  /** the unit's part of a text report ('' in JSON: see RenderedChunk) */
  output: string
  tally: UnitTally
  /** it is scored above the threshold: the analysis would suggest a drop-in if asked */
  wantsSuggestion: boolean
}

interface WorkerData {
  kind: 'systemd-hardening-gate/scan'
  job: ScanJob
}

/** The streaming worker's task: every file, in order, written to `fd` (see streamReportInWorker). */
interface StreamData {
  kind: 'systemd-hardening-gate/stream'
  job: ScanJob
  files: readonly string[]
  fd: number
  /** the main thread's walk: the directories it listed, not listed here again */
  listings?: ReadonlyMap<string, Listing>
}

type StreamMessage =
  { progress: number } | { end: true; passed: boolean } | { closed: true } | { error: string }

/** A chunk of units: JSON reports come as UTF-8 bytes (moved, not copied, to the main thread). */
export interface RenderedChunk {
  units: RenderedUnit[]
  /** JSON: the units' entries joined by commas */
  json?: Uint8Array
}

type Request = { chunk: number; files: string[] }
type Reply = ({ chunk: number } & RenderedChunk) | { chunk: number; error: string }

/** Analyses and renders units (in a worker, or in the main thread for the same result). */
export function createUnitRenderer(
  job: ScanJob,
  /** directories listed already (see createReader) */
  listings?: ReadonlyMap<string, Listing>
): {
  renderChunk(files: readonly string[]): RenderedChunk
  /** the full report of one unit, with a suggestion when `suggest` */
  analyse(file: string, suggest: boolean): UnitReport
} {
  const reader = createReader(job.roots, job.cwd, listings)
  const options = {
    cwd: job.cwd,
    version: job.version,
    policy: job.policy,
    threshold: job.threshold,
    suggest: job.suggest,
    keepPassingChecks: job.keepPassingChecks,
    costliestChecks: job.costliestChecks,
    today: job.today,
    toolVersion: job.toolVersion,
    userManager: job.userManager,
    managerUser: job.managerUser
  } satisfies GateOptions & { cwd: string; userManager?: boolean }
  const head = {
    threshold: job.threshold / 10,
    systemdVersion: job.version,
    policy: job.policy.name
  }
  // Per-unit rendering only: the streams' running totals are kept by the main thread.
  const text = createTextStream(head, { color: job.color, fullSuggestions: 0 })
  const analyse = (file: string, suggest: boolean): UnitReport =>
    scanUnitFile(file, job.roots, { ...options, suggest }, reader)
  const render = (file: string): RenderedUnit => {
    const unit = analyse(file, job.suggest)
    return {
      output: job.format === 'json' ? unitJson(unit) : text.unit(unit),
      tally: tallyOf(unit, head.threshold),
      wantsSuggestion: unit.status === 'scored' && (unit.exposure ?? 0) > job.threshold
    }
  }
  return {
    analyse,
    renderChunk(files) {
      const units = files.map(render)
      if (job.format !== 'json') return { units }
      const json = Buffer.from(units.map((unit) => unit.output).join(','))
      for (const unit of units) unit.output = ''
      return { units, json }
    }
  }
}

/** The worker side: answers chunk requests until the main thread ends it. */
export function serveScanWorker(): boolean {
  const data = workerData as WorkerData | StreamData | undefined
  if (isMainThread || !parentPort) return false
  if (data?.kind === 'systemd-hardening-gate/stream') {
    streamReport(data, parentPort)
    return true
  }
  if (data?.kind !== 'systemd-hardening-gate/scan') return false
  const port = parentPort
  const renderer = createUnitRenderer(data.job)
  port.on('message', (request: Request) => {
    let reply: Reply
    try {
      reply = { chunk: request.chunk, ...renderer.renderChunk(request.files) }
    } catch (error) {
      reply = {
        chunk: request.chunk,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error)
      }
    }
    const bytes = 'json' in reply ? reply.json : undefined
    // a Buffer small enough to come from Node's shared pool is copied: only a whole one is moved
    const movable = bytes && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
    port.postMessage(reply, movable ? [bytes.buffer as ArrayBuffer] : [])
  })
  return true
}

export interface ParallelOptions {
  /** the script that calls serveScanWorker() (the CLI bundle itself) */
  workerUrl: URL
  /** worker threads besides this one (which takes chunks too) */
  workers: number
  /** renders chunks in this thread */
  local: ReturnType<typeof createUnitRenderer>
  /** called with each chunk, in path order (`first`: the index of its first file) */
  onChunk: (chunk: RenderedChunk, first: number) => void
  onProgress?: (done: number, total: number) => void
  /**
   * a promise while the output cannot take more (a slow pipe): no chunk is handed out until it
   * settles, so rendered reports do not pile up in memory
   */
  outputFull?: () => Promise<void> | undefined
}

/** Units per chunk: small enough to balance the threads, large enough to keep messages few. */
export function chunkSize(files: number, threads: number): number {
  return Math.min(500, Math.max(25, Math.ceil(files / (threads * 8))))
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/**
 * Analyses and renders `files` in this thread and in worker threads, chunk by chunk, and hands the
 * chunks over in path order; resolves when all were handed over.
 */
export async function renderInParallel(
  files: readonly string[],
  job: ScanJob,
  options: ParallelOptions
): Promise<void> {
  const size = chunkSize(files.length, options.workers + 1)
  const chunks: string[][] = []
  for (let i = 0; i < files.length; i += size) chunks.push(files.slice(i, i + size))
  const done = new Map<number, RenderedChunk>()
  let next = 0 // next chunk to hand out
  let emitted = 0 // chunks written so far
  let finished = 0 // units analysed so far
  let failure: unknown
  const workers: Worker[] = []
  const fail = (error: unknown): void => {
    failure ??= error
  }
  /** settles when the output takes more again; workers that asked meanwhile wait in `waiting` */
  let resumed: Promise<void> | undefined
  const waiting: Worker[] = []
  /** a chunk is ready: hand over every chunk that is now next in order */
  const ready = (index: number, chunk: RenderedChunk): void => {
    done.set(index, chunk)
    finished += chunk.units.length
    options.onProgress?.(finished, files.length)
    for (let first = done.get(emitted); first; first = done.get(emitted)) {
      done.delete(emitted)
      options.onChunk(first, emitted * size)
      emitted++
    }
    const full = resumed === undefined ? options.outputFull?.() : undefined
    if (full) {
      resumed = full.then(() => {
        resumed = undefined
        for (const worker of waiting.splice(0)) give(worker)
      })
    }
  }
  const give = (worker: Worker): void => {
    if (resumed !== undefined) {
      waiting.push(worker)
      return
    }
    if (next >= chunks.length || failure !== undefined) return
    const request: Request = { chunk: next, files: chunks[next]! }
    next++
    worker.postMessage(request)
  }
  try {
    let settle: (() => void) | undefined
    const allDone = new Promise<void>((resolve) => (settle = resolve))
    const wake = (): void => {
      if (emitted === chunks.length || failure !== undefined) settle?.()
    }
    for (let w = 0; w < Math.min(options.workers, chunks.length - 1); w++) {
      const data: WorkerData = { kind: 'systemd-hardening-gate/scan', job }
      const worker = new Worker(options.workerUrl, { workerData: data })
      workers.push(worker)
      worker.on('error', (error) => (fail(error), wake()))
      worker.on('exit', (code) => {
        if (emitted < chunks.length) fail(new Error(`scan worker exited with code ${code}`))
        wake()
      })
      worker.on('message', (reply: Reply) => {
        if ('error' in reply) fail(new Error(`scan worker: ${reply.error}`))
        else {
          give(worker)
          try {
            ready(reply.chunk, reply)
          } catch (error) {
            fail(error)
          }
        }
        wake()
      })
      // two chunks in flight per worker: it does not wait while this thread renders one
      give(worker)
      give(worker)
    }
    // This thread takes the next chunk whenever it is free, and lets the workers' replies in between.
    while (next < chunks.length && failure === undefined) {
      if (resumed !== undefined) {
        await resumed
        continue
      }
      const index = next++
      ready(index, options.local.renderChunk(chunks[index]!))
      await nextTurn()
    }
    wake()
    await allDone
    if (failure !== undefined) throw failure
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()))
  }
}

// ---------------------------------------------------------------------------------------------------
// A JSON or markdown report made in one worker thread that writes it itself. V8 grows a thread's
// young generation to its maximum on a long scan, and a worker's can be capped: the 10,000-unit JSON
// report with every drop-in peaked at 190-209 MB in the main thread, ~160 MB this way (markdown:
// 317 MB in the main thread). Its bytes go straight to the output: handed to the main thread, they
// piled up there until its next collection.

/**
 * The young generation of a worker thread (MB): smaller than V8's default maximum, it bounds the
 * peak at a small cost in collections.
 */
export const WORKER_YOUNG_GENERATION_MB = 24

/**
 * The worker side of streamReportInWorker. JSON: the units' entries, comma-separated, written as they
 * come. Markdown: the whole report at the end (its heading counts the failures).
 */
function streamReport(data: StreamData, port: NonNullable<typeof parentPort>): void {
  try {
    const { job } = data
    const renderer = createUnitRenderer(job, data.listings)
    const out = createByteBatches((bytes) => writeAll(data.fd, bytes))
    const markdown =
      job.format === 'markdown'
        ? createMarkdownStream(
            { threshold: job.threshold / 10, systemdVersion: job.version, policy: job.policy.name },
            // written at once by writeAll(): the spilled report can be read back into one buffer
            createSpilledBytes(undefined, { takerKeeps: false })
          )
        : undefined
    let done = 0
    let passed = true
    for (const file of data.files) {
      const unit = renderer.analyse(file, job.suggest)
      if (!unit.passed) passed = false
      if (markdown) markdown.unit(unit)
      else out.write((done ? ',' : '') + unitJson(unit))
      if (++done % 500 === 0) port.postMessage({ progress: done } satisfies StreamMessage)
    }
    markdown?.end(out.write, out.writeBytes)
    out.flush()
    port.postMessage({ end: true, passed } satisfies StreamMessage)
  } catch (error) {
    const closed = (error as NodeJS.ErrnoException).code === 'EPIPE'
    port.postMessage(
      closed
        ? ({ closed: true } satisfies StreamMessage)
        : ({
            error: error instanceof Error ? (error.stack ?? error.message) : String(error)
          } satisfies StreamMessage)
    )
  }
}

const pause = new Int32Array(new SharedArrayBuffer(4))

/**
 * Writes all of `bytes` to `fd`, whatever it is: a pipe the main thread's stream made non-blocking
 * answers EAGAIN when full (then this thread waits a millisecond and tries again) or takes part.
 */
export function writeAll(fd: number, bytes: Uint8Array): void {
  let offset = 0
  while (offset < bytes.length) {
    try {
      offset += fs.writeSync(fd, bytes, offset, bytes.length - offset)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error
      Atomics.wait(pause, 0, 0, 1)
    }
  }
}

/**
 * Analyses `files` in one worker thread with a capped young generation, which writes their report to
 * `fd` itself (JSON: the units' entries, comma-separated, in path order; markdown: the whole report);
 * resolves with whether every unit passed.
 */
export async function streamReportInWorker(
  files: readonly string[],
  job: ScanJob,
  options: {
    workerUrl: URL
    fd: number
    onProgress?: (done: number, total: number) => void
    /** the walk's listings (copied to the worker: cheaper than listing the directories again) */
    listings?: ReadonlyMap<string, Listing>
  }
): Promise<boolean> {
  const data: StreamData = {
    kind: 'systemd-hardening-gate/stream',
    job,
    files,
    fd: options.fd,
    listings: options.listings
  }
  const worker = new Worker(options.workerUrl, {
    workerData: data,
    resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB }
  })
  try {
    return await new Promise<boolean>((resolve, reject) => {
      let settled = false
      worker.on('error', reject)
      worker.on('exit', (code) => {
        if (!settled) reject(new Error(`scan worker exited with code ${code}`))
      })
      worker.on('message', (message: StreamMessage) => {
        if ('progress' in message) options.onProgress?.(message.progress, files.length)
        else {
          settled = true
          if ('end' in message) resolve(message.passed)
          // as a write of this thread would fail: the reader closed the output
          else if ('closed' in message)
            reject(Object.assign(new Error('the output was closed'), { code: 'EPIPE' }))
          else reject(new Error(`scan worker: ${message.error}`))
        }
      })
    })
  } finally {
    await worker.terminate()
  }
}
