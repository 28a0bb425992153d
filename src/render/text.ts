/** Human-readable report for terminals and logs. */
import type { GateReport, UnitReport } from '../core/report.js'
import { escapeControl } from './escape.js'

export interface TextOptions {
  color: boolean
  /** rows listed per failing unit */
  topChecks?: number
}

const CODES = { red: 31, green: 32, yellow: 33, dim: 2, bold: 1 } as const

function painter(enabled: boolean) {
  return (style: keyof typeof CODES, text: string): string =>
    enabled ? `\u001b[${CODES[style]}m${text}\u001b[0m` : text
}

function costliest(unit: UnitReport, count: number) {
  return unit.checks
    .filter((c) => c.badness !== null && c.badness > 0)
    .sort((a, b) => (b.exposure ?? 0) - (a.exposure ?? 0) || b.weight - a.weight)
    .slice(0, count)
}

export function renderText(report: GateReport, options: TextOptions): string {
  const paint = painter(options.color)
  const lines: string[] = []
  const top = options.topChecks ?? 5
  for (const unit of report.units) {
    const mark = unit.passed ? paint('green', '✓') : paint('red', '✗')
    const where = escapeControl(unit.path)
    if (unit.status === 'scored') {
      const score = `${unit.score!.toFixed(1)} ${unit.rating}`
      lines.push(`${mark} ${where}  ${unit.passed ? score : paint('bold', score)}`)
      if (!unit.passed) {
        for (const check of costliest(unit, top)) {
          const detail = check.detail ? ` (${escapeControl(check.detail)})` : ''
          lines.push(
            `    ${paint('dim', `+${(check.exposure ?? 0).toFixed(1)}`)} ${check.id}${detail}  ${escapeControl(check.file)}:${check.line}`
          )
        }
      }
    } else {
      const label =
        unit.status === 'masked' ? 'masked, not scored' : `${unit.status}: ${unit.reason ?? ''}`
      const at = unit.at ? `  ${escapeControl(unit.at.file)}:${unit.at.line}` : ''
      lines.push(`${mark} ${where}  ${escapeControl(label)}${at}`)
    }
    for (const diagnostic of unit.diagnostics) {
      if (diagnostic.severity === 'notice') continue
      const color = diagnostic.severity === 'error' ? 'red' : 'yellow'
      lines.push(
        `    ${paint(color, diagnostic.severity)} ${escapeControl(diagnostic.file)}:${diagnostic.line} ${escapeControl(diagnostic.message)}`
      )
    }
  }
  const failed = report.units.filter((u) => !u.passed).length
  const threshold = report.threshold.toFixed(1)
  lines.push(
    report.units.length === 0
      ? 'No service units found.'
      : `${report.units.length} unit(s), ${failed} failed (threshold ${threshold}, systemd ${report.systemdVersion}, policy ${escapeControl(report.policy)})`
  )
  return lines.join('\n') + '\n'
}
