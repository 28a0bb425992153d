/**
 * A case's outcome at one systemd version as a table writes it (versions.test.ts,
 * user-manager.test.ts), and the same view of the engine's report, to compare the two.
 */
import type { UnitReport } from '../../src/core/report.js'

/** systemd refused to load the unit: the engine must report it invalid. */
export const REFUSED = 'refused'
/** systemd aborted while loading it (SIGABRT): the engine must report it invalid, saying so. */
export const ABORTS = 'aborts'

/** One oracle's answer: refused, or the score followed by the badness of each of the case's rows. */
export type Outcome =
  typeof REFUSED | typeof ABORTS | readonly [score: number, ...badness: Array<number | null>]

export interface Observation {
  status: string
  /** the engine says systemd aborts on it */
  aborts?: true
  score?: number | null
  rows?: Record<string, number | null | undefined>
}

/** The engine reports that systemd aborts while loading the unit (SpecifierAbort's message). */
export function reportsAbort(report: UnitReport): boolean {
  return report.status === 'invalid' && /aborts while loading/.test(report.reason ?? '')
}

/** The engine's report seen as an outcome: status, score and the given rows' badness. */
export function observe(report: UnitReport, rows: readonly string[]): Observation {
  if (reportsAbort(report)) {
    return { status: report.status, aborts: true }
  }
  if (report.status !== 'scored') return { status: report.status }
  const badness = (id: string) => report.checks.find((check) => check.id === id)?.badness
  return {
    status: report.status,
    score: report.score,
    rows: Object.fromEntries(rows.map((id) => [id, badness(id)]))
  }
}

/** What a table's outcome says the engine's report must look like. */
export function expected(outcome: Outcome, rows: readonly string[]): Observation {
  if (outcome === REFUSED) return { status: 'invalid' }
  if (outcome === ABORTS) return { status: 'invalid', aborts: true }
  const [score, ...badness] = outcome
  return {
    status: 'scored',
    score,
    rows: Object.fromEntries(rows.map((id, i) => [id, badness[i]]))
  }
}
