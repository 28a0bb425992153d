/**
 * The JSON report (schemaVersion 1) on one line, written unit by unit so that a large tree never
 * builds one huge string or keeps every report: "passed" comes after "units" for that reason.
 */
import type { GateReport, UnitReport } from '../core/report.js'

export type JsonHead = Omit<GateReport, 'units' | 'passed'>

/** One unit's entry in "units". */
export function unitJson(unit: UnitReport): string {
  return JSON.stringify(unit)
}

export interface JsonStream {
  start(): string
  unit(unit: UnitReport): string
  /** a unit rendered by unitJson() elsewhere */
  rendered(json: string): string
  end(passed: boolean): string
}

export function createJsonStream(head: JsonHead): JsonStream {
  let count = 0
  return {
    start: () => JSON.stringify({ ...head, units: [] }).slice(0, -2),
    unit: (unit) => (count++ ? ',' : '') + unitJson(unit),
    rendered: (json) => (count++ ? ',' : '') + json,
    end: (passed) => `],"passed":${passed}}\n`
  }
}

/** The report as consecutive pieces of one JSON document. */
export function* renderJsonChunks(report: GateReport): Generator<string> {
  const { units, passed, ...head } = report
  const stream = createJsonStream(head)
  yield stream.start()
  for (const unit of units) yield stream.unit(unit)
  yield stream.end(passed)
}

export function renderJson(report: GateReport): string {
  return [...renderJsonChunks(report)].join('')
}
