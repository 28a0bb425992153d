/** Markdown report (job summaries, PR comments): a table of units and the costliest checks. */
import type { GateReport } from '../core/report.js'
import { escapeMarkdown } from './escape.js'

export function renderMarkdown(report: GateReport): string {
  const lines: string[] = []
  const failed = report.units.filter((u) => !u.passed)
  lines.push(
    `## systemd hardening gate: ${report.passed ? 'passed' : `${failed.length} unit(s) failed`}`
  )
  lines.push('')
  lines.push(
    `Threshold ${report.threshold.toFixed(1)} · systemd ${report.systemdVersion} · policy ${escapeMarkdown(report.policy)}`
  )
  lines.push('')
  if (report.units.length === 0) {
    lines.push('No service units found.')
    return lines.join('\n') + '\n'
  }
  lines.push('| Unit | Path | Score | Rating | Result |')
  lines.push('| --- | --- | ---: | --- | --- |')
  for (const unit of report.units) {
    const score = unit.score === null ? '–' : unit.score.toFixed(1)
    const rating = unit.rating ?? unit.status
    const result = unit.passed ? '✅ pass' : '❌ fail'
    lines.push(
      `| ${escapeMarkdown(unit.unit)} | ${escapeMarkdown(unit.path)} | ${score} | ${escapeMarkdown(rating)} | ${result} |`
    )
  }
  for (const unit of failed) {
    lines.push('')
    lines.push(`### ${escapeMarkdown(unit.path)}`)
    lines.push('')
    if (unit.status !== 'scored') {
      lines.push(`${escapeMarkdown(unit.status)}: ${escapeMarkdown(unit.reason ?? '')}`)
      continue
    }
    lines.push('| Check | Exposure | Detail | Line |')
    lines.push('| --- | ---: | --- | ---: |')
    const costly = unit.checks
      .filter((c) => c.badness !== null && c.badness > 0)
      .sort((a, b) => (b.exposure ?? 0) - (a.exposure ?? 0))
      .slice(0, 10)
    for (const check of costly) {
      lines.push(
        `| ${escapeMarkdown(check.id)} | ${(check.exposure ?? 0).toFixed(1)} | ${escapeMarkdown(check.detail ?? '')} | ${check.line} |`
      )
    }
  }
  return lines.join('\n') + '\n'
}
