/**
 * Markdown report (job summaries, PR comments): a table of units, then per failing unit its costliest
 * checks and the suggested drop-in, folded, in a fence its content cannot close.
 */
import type { GateReport, UnitReport } from '../core/report.js'
import { escapeMarkdown, fencedBlock } from './escape.js'
import { costliest } from './text.js'

export type MarkdownHead = Pick<GateReport, 'threshold' | 'systemdVersion' | 'policy'>

export interface MarkdownStream {
  unit(unit: UnitReport): void
  /** the report, in pieces (each ends with a newline), once every unit has been added */
  end(): string[]
}

/**
 * The report's heading counts the failing units, so nothing can be written before the last one;
 * what is kept until then is each unit's rendered lines, not its report (on large trees the reports
 * with their drop-ins are ten times the text).
 */
export function createMarkdownStream(head: MarkdownHead): MarkdownStream {
  const rows: string[] = []
  const details: string[] = []
  return {
    unit(unit) {
      const score = unit.score === null ? '–' : unit.score.toFixed(1)
      const rating = unit.rating ?? unit.status
      const result = unit.passed ? '✅ pass' : '❌ fail'
      rows.push(
        `| ${escapeMarkdown(unit.unit)} | ${escapeMarkdown(unit.path)} | ${score} | ${escapeMarkdown(rating)} | ${result} |\n`
      )
      if (!unit.passed) details.push(failingUnit(unit))
    },
    end() {
      const passed = details.length === 0
      const lines = [
        `## systemd hardening gate: ${passed ? 'passed' : `${details.length} unit(s) failed`}\n`,
        '\n',
        `Threshold ${head.threshold.toFixed(1)} · systemd ${head.systemdVersion} · policy ${escapeMarkdown(head.policy)}\n`,
        '\n'
      ]
      if (rows.length === 0) return [...lines, 'No service units found.\n']
      return [
        ...lines,
        '| Unit | Path | Score | Rating | Result |\n',
        '| --- | --- | ---: | --- | --- |\n',
        ...rows,
        ...details
      ]
    }
  }
}

/** A failing unit's section: its costliest checks and its drop-in, folded. */
function failingUnit(unit: UnitReport): string {
  const lines: string[] = ['', `### ${escapeMarkdown(unit.path)}`, '']
  if (unit.status !== 'scored') {
    lines.push(`${escapeMarkdown(unit.status)}: ${escapeMarkdown(unit.reason ?? '')}`)
    return lines.join('\n') + '\n'
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
  return lines.join('\n') + '\n'
}

export function renderMarkdown(report: GateReport): string {
  const stream = createMarkdownStream(report)
  for (const unit of report.units) stream.unit(unit)
  return stream.end().join('')
}
