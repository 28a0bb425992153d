/** Human-readable report for terminals and logs. */
import type { GateReport, UnitReport } from '../core/report.js'
import { keepBest } from '../core/score.js'
import { escapeControl, MESSAGE_SHOWN, truncateText } from './escape.js'

export interface TextOptions {
  color: boolean
  /** rows listed per failing unit */
  topChecks?: number
  /** failing units whose suggested drop-in is shown in full (the others get one line) */
  fullSuggestions?: number
  /** false: no drop-ins were computed (--no-suggest), and the summary says so */
  suggest?: boolean
}

const CODES = { red: 31, green: 32, yellow: 33, dim: 2, bold: 1 } as const

function painter(enabled: boolean) {
  return (style: keyof typeof CODES, text: string): string =>
    enabled ? `\u001b[${CODES[style]}m${text}\u001b[0m` : text
}

type Check = UnitReport['checks'][number]

/**
 * x.toFixed(1) for a number of tenths (x = t / 10, t whole: a score, a row's exposure), without
 * Number.prototype.toFixed, a call into the runtime made twice per row of every failing unit.
 */
export function oneDecimal(x: number): string {
  const t = Math.round(x * 10)
  if (t >= 0 && t < 100000 && t / 10 === x) return `${(t - (t % 10)) / 10}.${t % 10}`
  return x.toFixed(1)
}

/** before(a, b): a is listed before b (higher exposure, then higher weight; ties keep table order) */
const before = (a: Check, b: Check): boolean =>
  (a.exposure ?? 0) > (b.exposure ?? 0) ||
  ((a.exposure ?? 0) === (b.exposure ?? 0) && a.weight > b.weight)

/** The `count` rows that cost most, in the order a stable sort would give: no full sort per unit. */
export function costliest(unit: UnitReport, count: number): Check[] {
  const top: Check[] = []
  for (const check of unit.checks) {
    if (check.badness !== null && check.badness > 0) keepBest(top, check, count, before)
  }
  return top
}

type Paint = ReturnType<typeof painter>

/** A score change: what a directive takes off (-), adds (+), or 0.0 (no "-0.0") */
const signed = (gain: number): string =>
  gain > 0 ? `-${gain.toFixed(1)}` : gain < 0 ? `+${(-gain).toFixed(1)}` : '0.0'

/** The suggested drop-in: its directives phase by phase with their gains, then what to check. */
function renderSuggestion(unit: UnitReport, paint: Paint, full: boolean): string[] {
  const s = unit.suggestion
  if (!s) return []
  const lines: string[] = []
  const where = escapeControl(s.path)
  const rating = s.rating ? ` ${s.rating}` : ''
  const reach =
    s.reachesTarget === false
      ? paint('yellow', ` (target ${s.target?.toFixed(1)} not reachable without breaking it)`)
      : ''
  if (!s.phases?.length) {
    lines.push(
      `    ${paint('yellow', 'fix:')} no drop-in: every directive that would lower the score is likely to break this service${reach}`
    )
  } else {
    lines.push(`    ${paint('green', 'fix:')} ${where} -> ${s.score.toFixed(1)}${rating}${reach}`)
  }
  if (!full) return lines
  for (const phase of s.phases ?? []) {
    lines.push(
      `      ${paint('bold', `phase ${phase.phase}`)} ${phase.title} -> ${phase.score.toFixed(1)}`
    )
    for (const directive of phase.directives) {
      const [first, ...rest] = directive.lines
      lines.push(
        `        ${escapeControl(first ?? '').padEnd(40)} ${paint('dim', signed(directive.gain))}  ${escapeControl(directive.reason)}`
      )
      for (const line of rest) lines.push(`        ${escapeControl(line)}`)
    }
  }
  for (const note of s.observe ?? [])
    lines.push(`      ${paint('yellow', 'observe first:')} ${escapeControl(note)}`)
  for (const left of s.notSuggested ?? []) {
    const gain = left.gain !== undefined ? ` (${signed(left.gain)})` : ''
    lines.push(
      `      ${paint('dim', 'left out:')} ${escapeControl(left.directive)}=${gain} ${escapeControl(left.reason)}`
    )
  }
  return lines
}

export interface TextHead {
  threshold: number
  systemdVersion: number
  policy: string
}

/** What the closing summary counts of one unit. */
export interface UnitTally {
  passed: boolean
  /** justified exceptions applied */
  exceptions: number
  /** it got a suggested drop-in with directives */
  suggested: boolean
  /** it fails above the threshold without a suggestion */
  unsuggested: boolean
}

function countApplied(exceptions: UnitReport['exceptions'] | undefined): number {
  let count = 0
  for (const e of exceptions ?? []) if (e.error === undefined) count++
  return count
}

export function tallyOf(unit: UnitReport, threshold: number): UnitTally {
  return {
    passed: unit.passed,
    exceptions: countApplied(unit.exceptions),
    suggested: !!unit.suggestion?.phases?.length,
    unsuggested:
      !unit.passed &&
      unit.status === 'scored' &&
      !unit.suggestion &&
      (unit.exposure ?? 0) > threshold * 10
  }
}

export interface TextStream {
  unit(unit: UnitReport): string
  /**
   * unit()'s text handed to `write` in two pieces, the status mark and the rest: with the ✓ or ✗
   * inside, V8 would hold the whole text as UTF-16 and encode it several times slower.
   */
  writeUnit(unit: UnitReport, write: (text: string) => void): void
  /** counts a unit rendered elsewhere (by unit() of another stream, without a suggestion) */
  count(tally: UnitTally): void
  end(): string
}

/** Renders unit by unit, counting what the closing summary needs, so no report must be kept. */
export function createTextStream(head: TextHead, options: TextOptions): TextStream {
  const paint = painter(options.color)
  const top = options.topChecks ?? 5
  let fullLeft = options.fullSuggestions ?? 20
  let total = 0
  let failed = 0
  let exceptions = 0
  let suggested = 0
  let unsuggested = 0
  const count = (tally: UnitTally): void => {
    total++
    if (!tally.passed) failed++
    exceptions += tally.exceptions
    if (tally.suggested) suggested++
    if (tally.unsuggested) unsuggested++
  }
  /** the unit's text after its status mark: one string built line by line (no array per unit) */
  const linesAfterMark = (unit: UnitReport): string => {
    count(tallyOf(unit, head.threshold))
    const where = escapeControl(unit.path)
    let text: string
    if (unit.status === 'scored') {
      const score = `${oneDecimal(unit.score!)} ${unit.rating}`
      // scored as `systemd-analyze --user security` does
      const manager = unit.manager === 'user' ? ' (user unit)' : ''
      text = ` ${where}  ${unit.passed ? score : paint('bold', score)}${manager}\n`
      if (!unit.passed) {
        // the rows of a unit mostly share one file: escaped once
        let file: string | undefined
        let shownFile = ''
        for (const check of costliest(unit, top)) {
          if (check.file !== file) shownFile = escapeControl((file = check.file))
          const detail = check.detail ? ` (${escapeControl(check.detail)})` : ''
          text += `    ${paint('dim', `+${oneDecimal(check.exposure ?? 0)}`)} ${check.id}${detail}  ${shownFile}:${check.line}\n`
        }
      }
    } else {
      const label =
        unit.status === 'masked'
          ? 'masked, not scored'
          : `${unit.status}: ${truncateText(unit.reason ?? '', MESSAGE_SHOWN)}`
      const at = unit.at ? `  ${escapeControl(unit.at.file)}:${unit.at.line}` : ''
      text = ` ${where}  ${escapeControl(label)}${at}\n`
    }
    for (const diagnostic of unit.diagnostics) {
      if (diagnostic.severity === 'notice') continue
      const color = diagnostic.severity === 'error' ? 'red' : 'yellow'
      text += `    ${paint(color, diagnostic.severity)} ${escapeControl(diagnostic.file)}:${diagnostic.line} ${escapeControl(truncateText(diagnostic.message, MESSAGE_SHOWN))}\n`
    }
    for (const exception of unit.exceptions ?? []) {
      if (exception.error !== undefined) continue
      const source =
        exception.source === 'inline'
          ? `${exception.file}:${exception.line}`
          : `policy ${exception.policy}`
      const until = exception.until ? ` until ${exception.until}` : ''
      text += `    ${paint('dim', 'allowed')} ${escapeControl(exception.written.join(', '))}${until}: ${escapeControl(truncateText(exception.reason, MESSAGE_SHOWN))}  ${escapeControl(source)}\n`
    }
    if (unit.suggestion) {
      for (const line of renderSuggestion(unit, paint, fullLeft > 0)) text += `${line}\n`
      fullLeft--
    }
    return text
  }
  const markOf = (unit: UnitReport): string =>
    unit.passed ? paint('green', '✓') : paint('red', '✗')
  return {
    count,
    unit(unit) {
      return markOf(unit) + linesAfterMark(unit)
    },
    writeUnit(unit, write) {
      write(markOf(unit))
      write(linesAfterMark(unit))
    },
    end() {
      const lines: string[] = []
      const extras = [
        exceptions ? `${exceptions} justified exception(s)` : '',
        suggested ? `${suggested} suggested drop-in(s)` : ''
      ].filter(Boolean)
      lines.push(
        total === 0
          ? 'No service units found.'
          : `${total} unit(s), ${failed} failed (threshold ${head.threshold.toFixed(1)}, systemd ${head.systemdVersion}, policy ${escapeControl(head.policy)})${extras.length ? `; ${extras.join(', ')}` : ''}`
      )
      if (options.suggest === false) {
        if (failed > 0) lines.push('No drop-ins were computed (--no-suggest).')
      } else if (fullLeft < 0 || unsuggested > 0) {
        lines.push(
          `Drop-ins are shown for the first ${options.fullSuggestions ?? 20} failing units: --fix writes all of them, --format json lists them.`
        )
      }
      return lines.join('\n') + '\n'
    }
  }
}

export function renderText(report: GateReport, options: TextOptions): string {
  const stream = createTextStream(report, options)
  return report.units.map((u) => stream.unit(u)).join('') + stream.end()
}
