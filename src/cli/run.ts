/** The command line: arguments → scan → report → exit status (0 pass, 1 gate failed, 2 usage error). */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { parseArgs } from 'node:util'
import { isoToday } from '../core/exceptions.js'
import { PolicyError, parseThreshold, policyDocument } from '../core/policy.js'
import type { UnitReport } from '../core/report.js'
import { SCHEMA_VERSION } from '../core/report.js'
import { GENERATED_MARKER } from '../core/suggest.js'
import { NEWEST_SYSTEMD_VERSION, OLDEST_SYSTEMD_VERSION } from '../core/service.js'
import { loadPolicy } from '../policies.js'
import { createJsonStream } from '../render/json.js'
import { createByteBatches } from '../render/batches.js'
import { createMarkdownStream } from '../render/markdown.js'
import { codeScanningLimitWarning, createSarifStream } from '../render/sarif.js'
import { escapeControl } from '../render/escape.js'
import { createTextStream } from '../render/text.js'
import type { ScanJob } from '../scan/parallel.js'
import {
  createUnitRenderer,
  renderInParallel,
  streamReportInWorker,
  writeAll
} from '../scan/parallel.js'
import { invokingUser } from '../scan/manager-user.js'
import type { RunShape } from './tiering.js'
import { PatternError, READ_AHEAD_MIN_UNITS, scanEach } from '../scan/scan.js'

export const VERSION = '0.1.0'

/** Suggested drop-ins the text output shows in full. */
const TEXT_SUGGESTIONS = 20
/** Checks the text output lists per failing unit (the others are not even built). */
const TEXT_TOP_CHECKS = 5

/** Below this many units, starting worker threads costs more than it saves. */
const PARALLEL_MIN_UNITS = 1000
const MAX_THREADS = 8

/**
 * Threads a large scan uses by default. Each worker thread warms up its own copy of the engine and
 * V8 keeps a core busy with compilation and garbage collection: measured on 2 CPUs, a second thread
 * made the 10,000-unit scan slower (0.67 s against 0.58 s), so workers start from 4 CPUs, one CPU
 * left to V8. JSON only with --jobs: each thread holds its own share of a report that can be hundreds
 * of megabytes (500-900 MB peak with two threads against 195 MB in one); a large JSON report with
 * drop-ins goes to one worker with a capped young generation instead (streamReportInWorker).
 */
export function defaultThreads(cpus: number, units: number): number {
  if (units < PARALLEL_MIN_UNITS || cpus < 4) return 1
  return Math.min(cpus - 1, MAX_THREADS)
}

/** Threads for a text or JSON scan: --jobs when given, else the default (text only). */
export function threadsFor(
  format: 'text' | 'json',
  jobs: number | undefined,
  cpus: number,
  units: number
): number {
  return jobs ?? (format === 'text' ? defaultThreads(cpus, units) : 1)
}

function parseJobs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  if (!/^[0-9]{1,3}$/.test(text) || Number(text) < 1)
    throw new UsageError(`--jobs must be a whole number from 1, got '${text}'`)
  return Number(text)
}

export const USAGE = `Usage: systemd-hardening-gate [options] [PATH...]

Scores systemd service units exactly like 'systemd-analyze security --offline=true'
and fails when a unit's exposure is above the threshold.

PATH            unit files (an instance foo@x.service may be named beside its template),
                or directories searched for *.service (default: .)
--format F      text (default), json, markdown or sarif
--threshold N   fail units scoring above N (0.0-10.0, one decimal; default: the policy's
                threshold, 5.0 for baseline, 3.0 for strict)
--policy P      built-in policy name or policy JSON file (default: baseline)
--systemd-version N
                target systemd version, ${OLDEST_SYSTEMD_VERSION}-${NEWEST_SYSTEMD_VERSION} (default ${NEWEST_SYSTEMD_VERSION}; Debian 12 is 252)
--user          score every unit as a unit of a user's service manager, as
                'systemd-analyze --user' does (default: as systemd-analyze without --user)
--exclude GLOB  skip the units below a directory PATH whose path from it matches
                (repeatable); a file named as a PATH is always scanned
--output FILE   write the report to FILE instead of standard output
--all-checks    JSON: list every check row, not only those that cost exposure or were skipped
--suggest       text: show the drop-in of every failing unit (default: the first 20);
                JSON always carries each failing unit's drop-in in "suggestion"
--no-suggest    compute no drop-ins (faster on very large trees)
--fix           write the suggested drop-ins beside the units (NAME.service.d/hardening.conf);
                never overwrites a file the gate did not write
--print-policy  print the effective policy (after "extends") as one systemd --security-policy
                file, and exit
--jobs N        threads for large scans (text: CPUs - 1 from 4 CPUs and ${PARALLEL_MIN_UNITS} units on, else
                1 = no worker threads; JSON: 1 unless given; a large JSON or markdown
                report with drop-ins in one memory-capped worker unless given); same output
--no-color      plain text even on a terminal
-h, --help      this help
--version       print the version

Exit status: 0 every unit passed, 1 the gate failed, 2 usage or configuration error.
`

export interface CliIO {
  cwd: string
  /** the script worker threads run (the CLI bundle); without it everything runs in this thread */
  workerUrl?: URL
  /** CPUs available (default: os.availableParallelism()) */
  cpus?: number
  /** false: the output is full (a slow pipe); the CLI writes more after `drained` settles */
  stdout: (text: string | Uint8Array) => boolean | void
  /** settles when standard output takes more again (or is closed) */
  drained?: () => Promise<void>
  /** standard output's file descriptor, for a worker thread that writes a report itself */
  stdoutFd?: number
  stderr: (text: string) => void
  isTTY: boolean
  stderrIsTTY: boolean
  env: Record<string, string | undefined>
  /** the command's own process: chooses V8's tiering for the run once the walk has counted its
   * units (tiering.ts); true when it chose efficiency mode */
  tiering?: (run: RunShape) => boolean
}

class UsageError extends Error {}

const encoder = new TextEncoder()

/** EPIPE: the reader closed the output. */
function isClosedOutput(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'EPIPE'
}

const FORMATS = ['text', 'json', 'markdown', 'sarif'] as const

function isFormat(text: string): text is (typeof FORMATS)[number] {
  return (FORMATS as readonly string[]).includes(text)
}

function parseVersion(text: string): number {
  if (!/^[0-9]{3}$/.test(text))
    throw new UsageError(`--systemd-version must be a number, got '${text}'`)
  const version = Number(text)
  if (version < OLDEST_SYSTEMD_VERSION || version > NEWEST_SYSTEMD_VERSION) {
    throw new UsageError(
      `--systemd-version ${version} is outside ${OLDEST_SYSTEMD_VERSION}-${NEWEST_SYSTEMD_VERSION}, the versions the engine models`
    )
  }
  return version
}

export async function runCli(argv: string[], io: CliIO): Promise<number> {
  let values: ReturnType<typeof parse>['values']
  let positionals: string[]
  function parse(args: string[]) {
    return parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string', default: 'text' },
        threshold: { type: 'string' },
        policy: { type: 'string', default: 'baseline' },
        'systemd-version': { type: 'string' },
        exclude: { type: 'string', multiple: true },
        output: { type: 'string' },
        'no-color': { type: 'boolean', default: false },
        'all-checks': { type: 'boolean', default: false },
        suggest: { type: 'boolean', default: false },
        'no-suggest': { type: 'boolean', default: false },
        user: { type: 'boolean', default: false },
        fix: { type: 'boolean', default: false },
        'print-policy': { type: 'boolean', default: false },
        jobs: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', default: false }
      }
    })
  }
  try {
    ;({ values, positionals } = parse(argv))
  } catch (error) {
    // Node's message has line breaks of its own, kept when no argument brings one (each line
    // escaped); an argument's control characters are escaped wherever they are
    const text = (error as Error).message
    const message = argv.some((arg) => escapeControl(arg) !== arg)
      ? escapeControl(text)
      : text.split('\n').map(escapeControl).join('\n')
    io.stderr(`systemd-hardening-gate: ${message}\n\n${USAGE}`)
    return 2
  }
  if (values.help) {
    io.stdout(USAGE)
    return 0
  }
  if (values.version) {
    io.stdout(`${VERSION}\n`)
    return 0
  }
  let passed = true
  try {
    const format = values.format!
    if (!isFormat(format)) {
      throw new UsageError(`--format must be text, json, markdown or sarif, got '${format}'`)
    }
    const version = values['systemd-version']
      ? parseVersion(values['systemd-version'])
      : NEWEST_SYSTEMD_VERSION
    const policy = loadPolicy(values.policy!, io.cwd)
    if (values['print-policy']) {
      io.stdout(JSON.stringify(policyDocument(policy), null, 2) + '\n')
      return 0
    }
    if (values.fix && values['no-suggest'])
      throw new UsageError('--fix needs the suggestions: drop --no-suggest')
    let threshold = policy.threshold ?? 50
    if (values.threshold !== undefined) {
      const parsed = parseThreshold(values.threshold)
      if (parsed === undefined) {
        throw new UsageError(
          `--threshold must be a number from 0.0 to 10.0 with one decimal, got '${values.threshold}'`
        )
      }
      threshold = parsed
    }
    const suggest = !values['no-suggest']
    const jobs = parseJobs(values.jobs)
    const userManager = values.user === true
    // a user's manager expands %u, %U, %g, %G and %h to the user running it, as systemd-analyze --user
    const managerUser = userManager ? invokingUser(io.env) : undefined
    const options = {
      version,
      policy,
      threshold,
      suggest,
      toolVersion: VERSION,
      userManager,
      managerUser
    }
    // the rows each report keeps: text shows the few that cost most, --all-checks every one
    const rows = {
      keepPassingChecks: values['all-checks'] === true,
      costliestChecks: format === 'text' ? TEXT_TOP_CHECKS : undefined
    }
    // On a terminal, unless the report itself is being printed there.
    const showProgress = io.stderrIsTTY && (format !== 'text' || values.output !== undefined)
    const cpus = io.cpus ?? os.availableParallelism()
    const debug = io.env.SYSTEMD_HARDENING_GATE_DEBUG
    // text and SARIF show the first drop-ins in full; computing the others would only cost time
    const fewDropIns = (format === 'text' || format === 'sarif') && !values.fix && !values.suggest
    const stream = await scanEach(positionals.length ? positionals : ['.'], {
      ...options,
      cwd: io.cwd,
      exclude: values.exclude,
      ...rows,
      // a second CPU reads the files while this thread analyses them
      readAheadFrom: cpus > 1 ? READ_AHEAD_MIN_UNITS : undefined,
      onReadAhead: debug
        ? (served) => io.stderr(`scan: ${served} file(s) read ahead\n`)
        : undefined,
      suggestLimit: fewDropIns ? TEXT_SUGGESTIONS : undefined,
      onProgress: showProgress
        ? (done, total) => io.stderr(`\rscanned ${done}/${total} units`)
        : undefined
    })
    if (stream.missing.length) {
      throw new UsageError(`no such file or directory: ${stream.missing.join(', ')}`)
    }
    const efficient = io.tiering?.({
      format,
      everyDropIn: suggest && !fewDropIns,
      units: stream.total,
      cpus
    })
    if (debug && efficient) io.stderr(`scan: V8's efficiency mode\n`)
    const outputError = (error: unknown): UsageError =>
      new UsageError(
        `cannot write --output ${values.output}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`
      )
    let fd: number | undefined
    try {
      fd = values.output ? fs.openSync(values.output, 'w') : undefined
    } catch (error) {
      throw outputError(error)
    }
    /** set while standard output is full: the scan waits for it rather than queue its reports */
    let outputFull: Promise<void> | undefined
    const { write, writeBytes, flush } = createByteBatches((bytes) => {
      if (fd !== undefined) {
        try {
          fs.writeSync(fd, bytes)
        } catch (error) {
          throw outputError(error)
        }
      } else if (io.stdout(bytes) === false && io.drained && outputFull === undefined) {
        outputFull = io.drained().then(() => {
          outputFull = undefined
        })
      }
    })
    try {
      const head = {
        schemaVersion: SCHEMA_VERSION,
        threshold: threshold / 10,
        systemdVersion: version,
        policy: policy.name
      } as const
      /** Every unit in path order, with what each report does for it: the verdict, --fix, and a wait
       * while the output is full (the scan then waits rather than queue its reports). */
      const written: WrittenDropIns = new Map()
      const eachUnit = async (emit: (unit: UnitReport) => void): Promise<void> => {
        for (const unit of stream.units) {
          if (!unit.passed) passed = false
          if (values.fix) writeDropIn(unit, io, written)
          emit(unit)
          if (outputFull) await outputFull
        }
      }
      // Worker threads render text and JSON unit by unit (the first drop-ins of a text report are
      // computed here); --suggest in text and --fix need every suggestion in this thread.
      const parallel = !values.fix && (format === 'json' || (format === 'text' && !values.suggest))
      const workers = !parallel || !io.workerUrl ? 1 : threadsFor(format, jobs, cpus, stream.total)
      // A large JSON or markdown report with drop-ins is made by one worker thread whose memory can
      // be capped, and which writes it itself (see streamReportInWorker).
      const target = fd ?? io.stdoutFd
      const oneWorker =
        !values.fix &&
        (format === 'json' || format === 'markdown') &&
        suggest &&
        jobs === undefined &&
        stream.total >= PARALLEL_MIN_UNITS &&
        target !== undefined &&
        io.workerUrl !== undefined
          ? { workerUrl: io.workerUrl, fd: target }
          : undefined
      if (debug) {
        const threads = oneWorker
          ? 'one worker thread'
          : workers > 1
            ? `${workers} threads`
            : 'one thread'
        io.stderr(`scan: ${stream.total} unit file(s), ${threads}\n`)
      }
      const color =
        format === 'text' && io.isTTY && !values.output && !values['no-color'] && !io.env.NO_COLOR
      const job: ScanJob = {
        roots: [...stream.roots],
        cwd: io.cwd,
        version,
        policy,
        threshold,
        // text: the first TEXT_SUGGESTIONS drop-ins are computed below, in order
        suggest: format !== 'text' && suggest,
        ...rows,
        today: isoToday(),
        toolVersion: VERSION,
        userManager,
        managerUser,
        // a SARIF report is made in this thread: the job never leaves it
        format: format === 'sarif' ? 'text' : format,
        color
      }
      /**
       * The report made by the one worker thread, which writes it itself, between `start` and
       * `end(passed)` written here; undefined when the reader closed the output (the report is then
       * cut short, and such a gate never passes).
       */
      const inOneWorker = async (
        worker: NonNullable<typeof oneWorker>,
        start: string,
        end: (passed: boolean) => string
      ): Promise<boolean | undefined> => {
        // nothing may be queued before what the worker writes
        flush()
        try {
          writeAll(worker.fd, encoder.encode(start))
          const workerPassed = await streamReportInWorker(stream.files, job, {
            ...worker,
            // the walk's listings; the files are not read ahead for it, which took ~10% of its
            // time for ~12 MB more peak memory (JSON 184-199 against 172-186 MB, bench tree)
            listings: stream.listings,
            onProgress: showProgress
              ? (done, total) => io.stderr(`\rscanned ${done}/${total} units`)
              : undefined
          })
          writeAll(worker.fd, encoder.encode(end(workerPassed)))
          return workerPassed
        } catch (error) {
          if (isClosedOutput(error)) return undefined
          throw error
        }
      }
      if (oneWorker && format === 'markdown') {
        // the worker writes the whole report
        const workerPassed = await inOneWorker(oneWorker, '', () => '')
        if (workerPassed === undefined) return 1
        passed = workerPassed
      } else if (format === 'json' || format === 'text') {
        // Streamed: each report is written and dropped, so memory stays flat on large trees.
        const json = createJsonStream(head)
        const text = createTextStream(head, {
          color,
          fullSuggestions: TEXT_SUGGESTIONS,
          topChecks: TEXT_TOP_CHECKS,
          suggest
        })
        if (oneWorker) {
          // the worker writes the entries; the opening and the closing are written here
          const workerPassed = await inOneWorker(oneWorker, json.start(), (ok) => json.end(ok))
          if (workerPassed === undefined) return 1
          passed = workerPassed
        } else if (workers > 1 && io.workerUrl) {
          if (format === 'json') write(json.start())
          const here = createUnitRenderer(job)
          let suggestionsLeft = format === 'text' && suggest ? TEXT_SUGGESTIONS : 0
          await renderInParallel(stream.files, job, {
            workerUrl: io.workerUrl,
            workers: workers - 1,
            local: here,
            onProgress: showProgress
              ? (done, total) => io.stderr(`\rscanned ${done}/${total} units`)
              : undefined,
            outputFull: () => outputFull,
            onChunk: (chunk, first) => {
              if (chunk.json) {
                if (chunk.units.some((unit) => !unit.tally.passed)) passed = false
                write(json.rendered('')) // the comma before this chunk's entries, if any
                writeBytes(chunk.json)
                return
              }
              chunk.units.forEach((unit, k) => {
                if (unit.wantsSuggestion && suggestionsLeft > 0) {
                  const report = here.analyse(stream.files[first + k]!, true)
                  if (report.suggestion) suggestionsLeft--
                  if (!report.passed) passed = false
                  text.writeUnit(report, write)
                } else {
                  if (!unit.tally.passed) passed = false
                  text.count(unit.tally)
                  write(unit.output)
                }
              })
            }
          })
        } else {
          if (format === 'json') write(json.start())
          await eachUnit((unit) =>
            format === 'json' ? write(json.unit(unit)) : text.writeUnit(unit, write)
          )
        }
        if (!oneWorker) write(format === 'json' ? json.end(passed) : text.end())
      } else if (format === 'sarif') {
        // streamed too: a large tree has tens of thousands of results
        const sarif = createSarifStream(VERSION)
        write(sarif.start())
        await eachUnit((unit) => write(sarif.unit(unit)))
        write(sarif.end())
        const tooLarge = codeScanningLimitWarning(sarif.results())
        if (tooLarge) io.stderr(`systemd-hardening-gate: warning: ${tooLarge}\n`)
      } else {
        // markdown: the heading counts the failures, so units are kept as rendered text until the end
        const markdown = createMarkdownStream(head)
        await eachUnit((unit) => markdown.unit(unit))
        markdown.end(write, writeBytes)
      }
      flush()
    } finally {
      if (fd !== undefined) fs.closeSync(fd)
    }
    if (showProgress && stream.total >= 500) io.stderr('\n')
  } catch (error) {
    if (
      error instanceof UsageError ||
      error instanceof PolicyError ||
      error instanceof PatternError
    ) {
      io.stderr(`systemd-hardening-gate: ${escapeControl(error.message)}\n`)
      return 2
    }
    throw error
  }
  return passed ? 0 : 1
}

/** The drop-ins --fix wrote in this run: file → the unit it was written for, and its text. */
type WrittenDropIns = Map<string, { unit: string; dropIn: string }>

/**
 * --fix: writes each suggested drop-in beside its unit. A file that exists is only replaced when the
 * gate wrote it (its first line is the marker); links are never followed. Units that share a
 * drop-in directory (a template's instances, aliases) may be suggested different files for one
 * path: the first unit's is written, so its predicted score holds, and the others are told.
 */
function writeDropIn(unit: UnitReport, io: CliIO, written: WrittenDropIns): void {
  {
    const suggestion = unit.suggestion
    if (!suggestion?.phases?.length) return
    const file = path.resolve(io.cwd, suggestion.path)
    // paths and names come from the tree: a line break or `##[` in them must not reach a CI log
    const shown = escapeControl(suggestion.path)
    const shownDirectory = escapeControl(path.dirname(suggestion.path))
    const name = escapeControl(unit.unit)
    const earlier = written.get(file)
    if (earlier) {
      if (earlier.dropIn !== suggestion.dropIn) {
        io.stderr(
          `systemd-hardening-gate: ${shown} is ${escapeControl(earlier.unit)}'s drop-in, written just now, and ` +
            `applies to ${name} too: ${name}'s own suggestion is not written (run --fix ` +
            `again to see its score with that file)\n`
        )
      }
      return
    }
    let directory: fs.Stats | undefined
    try {
      directory = fs.lstatSync(path.dirname(file))
    } catch {
      directory = undefined
    }
    if (directory?.isSymbolicLink()) {
      // systemd skips a relative link (and writing through an absolute one changes another
      // directory, maybe other units'): the link has to become a directory first
      io.stderr(
        `systemd-hardening-gate: ${shownDirectory} is a symbolic link: ${shown} not written ` +
          `through it (make it a directory of its own)\n`
      )
      return
    }
    let existing: fs.Stats | undefined
    try {
      existing = fs.lstatSync(file)
    } catch {
      existing = undefined
    }
    try {
      if (existing) {
        const ours = existing.isFile() && fs.readFileSync(file, 'utf8').startsWith(GENERATED_MARKER)
        if (!ours) {
          io.stderr(
            `systemd-hardening-gate: ${shown} exists and was not written by the gate: not overwritten\n`
          )
          return
        }
        fs.writeFileSync(file, suggestion.dropIn)
      } else {
        fs.mkdirSync(path.dirname(file), { recursive: true })
        fs.writeFileSync(file, suggestion.dropIn, { flag: 'wx' })
      }
      written.set(file, { unit: unit.unit, dropIn: suggestion.dropIn })
      io.stderr(`wrote ${shown} (${unit.score?.toFixed(1)} -> ${suggestion.score.toFixed(1)})\n`)
    } catch (error) {
      io.stderr(
        `systemd-hardening-gate: cannot write ${shown}: ${escapeControl((error as Error).message)}\n`
      )
    }
  }
}
