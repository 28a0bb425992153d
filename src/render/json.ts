/** The JSON report (schemaVersion 1) on one line, produced in pieces so large trees never build one huge string. */
import type { GateReport } from '../core/report.js'

/** The report as consecutive pieces of one JSON document (unit by unit). */
export function* renderJsonChunks(report: GateReport): Generator<string> {
  const { units, ...head } = report
  const opening = JSON.stringify({ ...head, units: [] })
  yield opening.slice(0, -2)
  for (let i = 0; i < units.length; i++) yield (i ? ',' : '') + JSON.stringify(units[i])
  yield ']}\n'
}

export function renderJson(report: GateReport): string {
  return [...renderJsonChunks(report)].join('')
}
