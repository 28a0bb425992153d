/**
 * Helpers for the loader tests: an in-memory mirror of the scanner (unit file + drop-in discovery
 * through dropins.ts) feeding the pure core, and an opt-in check of every written-down expectation
 * against the host's `systemd-analyze security --offline=true`.
 *
 * Every expected score in syntax.test.ts and load.test.ts was measured with systemd 252. To measure
 * again: `LOADER_ORACLE=1 npm test -- __tests__/syntax.test.ts __tests__/load.test.ts`; each file then
 * ends with one test that runs all the units it checked through the oracle and compares.
 */
import { describe, expect, it } from '@jest/globals'
import { dropInDirectoryNames, orderDropIns } from '../../src/core/dropins.js'
import { DEFAULT_POLICY } from '../../src/core/policy.js'
import type { UnitReport, UnitSource } from '../../src/core/report.js'
import { analyzeUnit } from '../../src/core/report.js'
import type { LoadResult, UnitFileInput } from '../../src/core/service.js'
import { loadService } from '../../src/core/service.js'
import type { UnitName } from '../../src/core/specifiers.js'
import { instantiate, parseUnitName } from '../../src/core/specifiers.js'
import { oracleAvailable, oracleUnavailableReason, runOracle } from './oracle.js'
import { reportsAbort } from './outcomes.js'

export const VERSION = 252
export const BARE = '[Service]\nExecStart=/bin/true\n'
/** systemd 252's exposure for BARE */
export const BARE_SCORE = 9.6

/** File path (relative to a unit directory) → content; null stands for a symlink to /dev/null. */
export type Files = Record<string, string | Uint8Array | null>

/** What systemd-analyze says: the printed exposure, or that the unit does not load. */
/** 'aborts': systemd aborts while loading it (the gate reports it invalid, saying so) */
export type Outcome = number | 'masked' | 'invalid' | 'aborts'

const encoder = new TextEncoder()
const bytesOf = (content: string | Uint8Array): Uint8Array =>
  typeof content === 'string' ? encoder.encode(content) : content

/** The unit as systemd-analyze names it: a bare template becomes instance "i" (v252). */
export function unitNameOf(name: string): UnitName {
  const unit = parseUnitName(name)
  if (!unit) throw new Error(`invalid unit name ${name}`)
  return unit.isTemplate ? instantiate(unit, 'i') : unit
}

/** The unit file (an instance falls back to its template) and its drop-ins, in systemd's order. */
export function sourceOf(files: Files, name: string): UnitSource {
  const unit = unitNameOf(name)
  const template = `${unit.prefix}@.${unit.type}`
  const mainPath = unit.name in files ? unit.name : unit.isInstance ? template : name
  if (!(mainPath in files)) throw new Error(`no unit file for ${name}`)
  const input = (path: string): UnitFileInput => {
    const content = files[path]
    return { path, bytes: content === null || content === undefined ? null : bytesOf(content) }
  }
  const candidates = dropInDirectoryNames(unit).flatMap((dir, directoryRank) =>
    Object.keys(files)
      .filter((path) => path.startsWith(`${dir}/`) && !path.slice(dir.length + 1).includes('/'))
      .map((path) => ({ directoryRank, fileName: path.slice(dir.length + 1), path }))
  )
  return {
    unit,
    main: input(mainPath),
    dropIns: orderDropIns(candidates).map((c) => input(c.path))
  }
}

export function load(files: Files, name = 'a.service'): LoadResult {
  return loadService({ ...sourceOf(files, name), version: VERSION })
}

export function analyze(files: Files, name = 'a.service'): UnitReport {
  return analyzeUnit(sourceOf(files, name), {
    version: VERSION,
    policy: DEFAULT_POLICY,
    threshold: 100
  })
}

/** A single file a.service. */
export function analyzeText(content: string | Uint8Array): UnitReport {
  return analyze({ 'a.service': content })
}

export function outcomeOf(report: UnitReport): Outcome | 'error' {
  if (reportsAbort(report)) return 'aborts'
  return report.status === 'scored' ? (report.score as number) : report.status
}

/** Badness of some rows by their json_field name (null: N/A). */
export type Rows = Record<string, number | null>

interface Recorded {
  label: string
  name: string
  files: Files
  expected: Outcome
  rows?: Rows
}

const ORACLE_REQUESTED = process.env.LOADER_ORACLE === '1'
const recorded: Recorded[] = []

/** The badness of the named rows; undefined for a row the report does not have. */
function rowsOf(report: UnitReport, rows: Rows): Record<string, number | null | undefined> {
  return Object.fromEntries(
    Object.keys(rows).map((id) => [id, report.checks.find((c) => c.id === id)?.badness])
  )
}

/**
 * Analyses the unit and expects systemd 252's outcome (and, if given, the badness of some rows); with
 * LOADER_ORACLE=1 the case is also queued for the comparison with the real systemd-analyze (see
 * oracleAgreement()).
 */
export function expectOutcome(
  files: Files,
  expected: Outcome,
  options: { name?: string; label?: string; rows?: Rows } = {}
): UnitReport {
  const { name = 'a.service', rows } = options
  const label = options.label ?? name
  const report = analyze(files, name)
  if (ORACLE_REQUESTED) recorded.push({ label, name, files, expected, rows })
  expect({ label, outcome: outcomeOf(report) }).toEqual({ label, outcome: expected })
  if (rows) expect({ label, rows: rowsOf(report, rows) }).toEqual({ label, rows })
  return report
}

/** Registers, last in a test file, the optional comparison of every expectOutcome() with systemd. */
export function oracleAgreement(): void {
  const run = ORACLE_REQUESTED && oracleAvailable()
  if (ORACLE_REQUESTED && !run) console.warn(`oracle unavailable: ${oracleUnavailableReason()}`)
  ;(run ? describe : describe.skip)('systemd-analyze agreement (LOADER_ORACLE=1)', () => {
    it('every expectation written down is what systemd-analyze says', async () => {
      // the oracle writes regular files only: cases with a /dev/null link are checked in scan.test.ts
      const cases = recorded.filter((c) => Object.values(c.files).every((v) => v !== null))
      const results = await runOracle(
        cases.map((c) => ({
          name: unitNameOf(c.name).name,
          files: Object.fromEntries(
            Object.entries(c.files).map(([path, content]) => [path, content as string | Uint8Array])
          )
        })),
        // one root per case: many cases reuse a name or use type-wide drop-ins
        { batchSize: 1 }
      )
      const mismatches = results.flatMap((result, i) => {
        const c = cases[i]!
        const actual: Outcome =
          result.status === 'scored'
            ? (result.exposure as number) / 10
            : result.status === 'aborted'
              ? 'aborts'
              : /masked/.test(result.message ?? '')
                ? 'masked'
                : 'invalid'
        const rows = Object.entries(c.rows ?? {}).flatMap(([id, badness]) =>
          result.checks?.[id] === badness
            ? []
            : [`${c.label}: expected ${id} ${badness}, systemd ${result.checks?.[id]}`]
        )
        return actual === c.expected
          ? rows
          : [`${c.label}: expected ${c.expected}, systemd ${actual}`, ...rows]
      })
      expect(mismatches).toEqual([])
    })
  })
}
