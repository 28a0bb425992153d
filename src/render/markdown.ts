/**
 * Markdown report (job summaries, PR comments): a table of units, then per failing unit its costliest
 * checks and the suggested drop-in, folded, in a fence its content cannot close.
 */
import type { GateReport, UnitReport } from '../core/report.js'
import { createByteBatches } from './batches.js'
import { escapeMarkdown, fencedBlock, MESSAGE_SHOWN, truncateText } from './escape.js'
import { costliest } from './text.js'

export type MarkdownHead = Pick<GateReport, 'threshold' | 'systemdVersion' | 'policy'>

/** Where rendered text waits for the heading: in memory, or for a large report in a file. */
export interface HeldBytes {
  write(text: string): void
  /** hands every held byte on, in order; nothing can be written afterwards */
  drain(writeBytes: (bytes: Uint8Array) => void): void
}

export interface MarkdownStream {
  unit(unit: UnitReport): void
  /** writes the report, once every unit has been added: its heading, then what the units left */
  end(write: (text: string) => void, writeBytes: (bytes: Uint8Array) => void): void
}

/** Rendered text kept in memory as UTF-8 bytes, outside V8's heap, until it can be written. */
function createHeldBytes(): HeldBytes {
  const parts: Uint8Array[] = []
  // a batch is a view of a larger buffer: a copy keeps only its bytes
  const batches = createByteBatches((bytes) => parts.push(new Uint8Array(bytes)))
  return {
    write: batches.write,
    drain(writeBytes) {
      batches.flush()
      for (const bytes of parts) writeBytes(bytes)
      parts.length = 0
    }
  }
}

/**
 * The report's heading counts the failing units, so nothing can be written before the last one;
 * what is kept until then is each unit's rendered lines as bytes, not its report (on large trees the
 * reports with their drop-ins are ten times the text, and held as strings the text made V8 grow its
 * heap by twice its size: 317 MB peak on the 10,000-unit bench tree). The failing units' sections,
 * most of the report, wait in `details` (a file, for a large report: see createSpilledBytes).
 */
export function createMarkdownStream(
  head: MarkdownHead,
  details: HeldBytes = createHeldBytes()
): MarkdownStream {
  const rows = createHeldBytes()
  let units = 0
  let failed = 0
  return {
    unit(unit) {
      const score = unit.score === null ? '–' : unit.score.toFixed(1)
      const rating = unit.rating ?? unit.status
      const result = unit.passed ? '✅ pass' : '❌ fail'
      units++
      rows.write(
        `| ${escapeMarkdown(unit.unit)} | ${escapeMarkdown(unit.path)} | ${score} | ${escapeMarkdown(rating)} | ${result} |\n`
      )
      if (!unit.passed) {
        failed++
        details.write(failingUnit(unit))
      }
    },
    end(write, writeBytes) {
      write(`## systemd hardening gate: ${failed === 0 ? 'passed' : `${failed} unit(s) failed`}\n`)
      write('\n')
      write(
        `Threshold ${head.threshold.toFixed(1)} · systemd ${head.systemdVersion} · policy ${escapeMarkdown(head.policy)}\n`
      )
      write('\n')
      if (units === 0) {
        write('No service units found.\n')
        details.drain(() => {}) // empty: this only releases it
        return
      }
      write('| Unit | Path | Score | Rating | Result |\n')
      write('| --- | --- | ---: | --- | --- |\n')
      rows.drain(writeBytes)
      details.drain(writeBytes)
    }
  }
}

/** A failing unit's section: its costliest checks and its drop-in, folded. */
function failingUnit(unit: UnitReport): string {
  const lines: string[] = ['', `### ${escapeMarkdown(unit.path)}`, '']
  if (unit.status !== 'scored') {
    lines.push(
      `${escapeMarkdown(unit.status)}: ${escapeMarkdown(truncateText(unit.reason ?? '', MESSAGE_SHOWN))}`
    )
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
  const pieces: string[] = []
  const decoder = new TextDecoder()
  stream.end(
    (text) => pieces.push(text),
    (bytes) => pieces.push(decoder.decode(bytes))
  )
  return pieces.join('')
}
