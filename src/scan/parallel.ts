/**
 * Large scans on every core: worker threads analyse and render consecutive chunks of the unit files
 * (each with its own reader), the main thread writes the chunks in path order. The output is the
 * same as scanning in one thread, byte for byte (tested), because each unit's text depends only on
 * that unit; the one exception, the text report's first suggested drop-ins, is left to the caller
 * (see `wantsSuggestion`).
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads'
import type { GateOptions, UnitReport } from '../core/report.js'
import type { Policy } from '../core/policy.js'
import { unitJson } from '../render/json.js'
import { createTextStream, tallyOf } from '../render/text.js'
import type { UnitTally } from '../render/text.js'
import type { Reader } from './scan.js'
import { createReader, scanUnitFile } from './scan.js'

/** What a worker needs to analyse and render units exactly as the main thread would. */
export interface ScanJob {
  roots: string[]
  cwd: string
  version: number
  policy: Policy
  threshold: number
  suggest: boolean
  keepPassingChecks: boolean
  /** fixed by the main thread, so that every worker judges exception dates on the same day */
  today: string
  toolVersion?: string
  format: 'text' | 'json'
  color: boolean
}

/** One unit as a worker rendered it. */
export interface RenderedUnit {
  /** the unit's part of the report */
  output: string
  tally: UnitTally
  /** it is scored above the threshold: the analysis would suggest a drop-in if asked */
  wantsSuggestion: boolean
}

interface WorkerData {
  kind: 'systemd-hardening-gate/scan'
  job: ScanJob
}

type Request = { chunk: number; files: string[] }
type Reply = { chunk: number; units: RenderedUnit[] } | { chunk: number; error: string }

/** Analyses and renders units (in a worker, or in the main thread for the same result). */
export function createUnitRenderer(job: ScanJob): {
  reader: Reader
  render(file: string): RenderedUnit
  /** the full report of one unit, with a suggestion when `suggest` */
  analyse(file: string, suggest: boolean): UnitReport
} {
  const reader = createReader(job.roots, job.cwd)
  const options = {
    cwd: job.cwd,
    version: job.version,
    policy: job.policy,
    threshold: job.threshold,
    suggest: job.suggest,
    keepPassingChecks: job.keepPassingChecks,
    today: job.today,
    toolVersion: job.toolVersion
  } satisfies GateOptions & { cwd: string }
  const head = {
    threshold: job.threshold / 10,
    systemdVersion: job.version,
    policy: job.policy.name
  }
  // Per-unit rendering only: the streams' running totals are kept by the main thread.
  const text = createTextStream(head, { color: job.color, fullSuggestions: 0 })
  const analyse = (file: string, suggest: boolean): UnitReport =>
    scanUnitFile(file, job.roots, { ...options, suggest }, reader)
  return {
    reader,
    analyse,
    render(file) {
      const unit = analyse(file, job.suggest)
      return {
        output: job.format === 'json' ? unitJson(unit) : text.unit(unit),
        tally: tallyOf(unit, head.threshold),
        wantsSuggestion: unit.status === 'scored' && (unit.exposure ?? 0) > job.threshold
      }
    }
  }
}

/** The worker side: answers chunk requests until the main thread ends it. */
export function serveScanWorker(): boolean {
  const data = workerData as WorkerData | undefined
  if (isMainThread || !parentPort || data?.kind !== 'systemd-hardening-gate/scan') return false
  const port = parentPort
  const renderer = createUnitRenderer(data.job)
  port.on('message', (request: Request) => {
    let reply: Reply
    try {
      reply = { chunk: request.chunk, units: request.files.map((f) => renderer.render(f)) }
    } catch (error) {
      reply = {
        chunk: request.chunk,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error)
      }
    }
    port.postMessage(reply)
  })
  return true
}

export interface ParallelOptions {
  /** the script that calls serveScanWorker() (the CLI bundle itself) */
  workerUrl: URL
  workers: number
  /** called with each chunk's units, in path order */
  onUnits: (units: RenderedUnit[], first: number) => void
  onProgress?: (done: number, total: number) => void
}

/** Units per chunk: small enough to balance the workers, large enough to keep messages few. */
export function chunkSize(files: number, workers: number): number {
  return Math.min(500, Math.max(25, Math.ceil(files / (workers * 8))))
}

/** Analyses and renders `files` in worker threads; resolves when every chunk was handed over. */
export async function renderInParallel(
  files: readonly string[],
  job: ScanJob,
  options: ParallelOptions
): Promise<void> {
  const size = chunkSize(files.length, options.workers)
  const chunks: string[][] = []
  for (let i = 0; i < files.length; i += size) chunks.push(files.slice(i, i + size))
  const done = new Map<number, RenderedUnit[]>()
  let next = 0 // next chunk to hand out
  let emitted = 0 // chunks written so far
  let finished = 0 // units analysed so far
  const workers: Worker[] = []
  try {
    await new Promise<void>((resolve, reject) => {
      if (chunks.length === 0) return resolve()
      const count = Math.min(options.workers, chunks.length)
      const give = (worker: Worker): void => {
        if (next >= chunks.length) return
        const request: Request = { chunk: next, files: chunks[next]! }
        next++
        worker.postMessage(request)
      }
      for (let w = 0; w < count; w++) {
        const data: WorkerData = { kind: 'systemd-hardening-gate/scan', job }
        const worker = new Worker(options.workerUrl, { workerData: data })
        workers.push(worker)
        worker.on('error', reject)
        worker.on('exit', (code) => {
          if (emitted < chunks.length) reject(new Error(`scan worker exited with code ${code}`))
        })
        worker.on('message', (reply: Reply) => {
          if ('error' in reply) return reject(new Error(`scan worker: ${reply.error}`))
          done.set(reply.chunk, reply.units)
          finished += reply.units.length
          options.onProgress?.(finished, files.length)
          give(worker)
          try {
            for (let units = done.get(emitted); units; units = done.get(emitted)) {
              done.delete(emitted)
              options.onUnits(units, emitted * size)
              emitted++
            }
          } catch (error) {
            return reject(error)
          }
          if (emitted === chunks.length) resolve()
        })
        // two chunks in flight per worker: it never waits for the main thread
        give(worker)
        give(worker)
      }
    })
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()))
  }
}
