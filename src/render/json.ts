/** The JSON report (schemaVersion 1): one line, rows at badness 0 left out unless asked for. */
import type { GateReport } from '../core/report.js'

export interface JsonOptions {
  /** keep every row, like systemd's own --json output, instead of only the ones that cost or were skipped */
  allChecks: boolean
}

export function renderJson(report: GateReport, options: JsonOptions): string {
  if (options.allChecks || report.units.every((u) => u.checks.every((c) => c.badness !== 0))) {
    return JSON.stringify(report) + '\n'
  }
  const units = report.units.map((unit) => ({ ...unit, checks: unit.checks.filter((c) => c.badness !== 0) }))
  return JSON.stringify({ ...report, units }) + '\n'
}
