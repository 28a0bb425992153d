/**
 * Markdown report (job summaries, PR comments): a table of units, then per failing unit its costliest
 * checks and the suggested drop-in, folded, in a fence its content cannot close.
 */
import type { GateReport } from '../core/report.js'
import { escapeMarkdown, fencedBlock } from './escape.js'
import { costliest } from './text.js'

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
    for (const check of costliest(unit, 10)) {
      lines.push(
        `| ${escapeMarkdown(check.id)} | ${(check.exposure ?? 0).toFixed(1)} | ${escapeMarkdown(check.detail ?? '')} | ${check.line} |`
      )
    }
    const suggestion = unit.suggestion
    if (suggestion?.phases?.length) {
      const rating = suggestion.rating ? ` ${suggestion.rating}` : ''
      lines.push('')
      lines.push(
        `<details><summary>Suggested drop-in ${escapeMarkdown(suggestion.path)}: ${suggestion.score.toFixed(1)}${escapeMarkdown(rating)}</summary>`
      )
      lines.push('')
      lines.push(fencedBlock(suggestion.dropIn, 'ini'))
      lines.push('')
      lines.push('</details>')
    }
  }
  return lines.join('\n') + '\n'
}
