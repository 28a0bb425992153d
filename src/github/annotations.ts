/**
 * Annotations (pure): one per failing unit at the line that costs the most, then warnings for legacy
 * units and ignored directives. GitHub keeps 10 errors and 10 warnings per step and drops the rest
 * silently, so the most severe come first and a notice counts what was left to the job summary.
 */
import type { UnitReport } from '../core/report.js'
import { escapeControl } from '../render/escape.js'
import { commandSafe, truncateText } from './escape.js'
import type { FailOn } from './inputs.js'
import type { Cost, Outcome } from './verdict.js'
import {
  bySeverity,
  costliest,
  describeScore,
  fixPlan,
  suggestionOf,
  tenths,
  worsenedChecks
} from './verdict.js'

export type AnnotationLevel = 'error' | 'warning' | 'notice'

export interface Annotation {
  level: AnnotationLevel
  /** already safe for the runner (≤ 255 characters) */
  title: string
  /** already safe for the runner; lines separated by \n (@actions/core encodes them) */
  message: string
  /** workspace-relative POSIX path */
  file?: string
  /** 1-based; absent for a file-level annotation */
  line?: number
}

/** Per step; a job keeps 50 in all. */
export const ANNOTATION_LIMITS: Readonly<Record<AnnotationLevel, number>> = {
  error: 10,
  warning: 10,
  notice: 10
}

export const TITLE_LIMIT = 255
export const MESSAGE_LIMIT = 4000

export interface AnnotationPlan {
  annotations: Annotation[]
  /** candidates left out by the limits */
  omitted: Record<'error' | 'warning', number>
}

const safe = commandSafe

function where(check: Cost['check']): string {
  return check.explicit ? `line ${check.line}` : 'not set'
}

function costLine(cost: Cost): string {
  const detail = cost.check.detail ? `, ${safe(truncateText(cost.check.detail, 80))}` : ''
  return `${safe(cost.check.name)} ${where(cost.check)}${detail} (+${(cost.check.exposure ?? 0).toFixed(1)})`
}

function anchor(unit: UnitReport, check?: Cost['check']): { file?: string; line?: number } {
  if (check) return { file: check.file, line: Math.max(1, check.line) }
  if (unit.serviceHeader)
    return { file: unit.serviceHeader.file, line: Math.max(1, unit.serviceHeader.line) }
  return { file: unit.path }
}

function failureAnnotation(
  outcome: Outcome,
  level: AnnotationLevel,
  threshold: number
): Annotation {
  const { unit, base } = outcome
  const name = safe(unit.unit)
  const limit = tenths(threshold)
  if (unit.status === 'invalid') {
    return {
      level,
      title: `${name}: does not load`,
      message: `systemd refuses to load ${name}: ${safe(unit.reason ?? 'invalid')}. It would not start, so the gate fails it.`,
      file: unit.at?.file ?? unit.path,
      ...(unit.at ? { line: Math.max(1, unit.at.line) } : {})
    }
  }
  if (unit.status !== 'scored') {
    return {
      level,
      title: `${name}: cannot be read`,
      message: `The gate could not read ${safe(unit.path)}: ${safe(unit.reason ?? unit.status)}.`,
      file: unit.path
    }
  }
  const lines: string[] = []
  if (outcome.change === 'worse' && base) {
    const worse = worsenedChecks(unit, base)
    lines.push(
      `Exposure rose from ${describeScore(base)} to ${describeScore(unit)} (threshold ${limit}).`
    )
    if (worse.length) lines.push(`Got worse: ${worse.slice(0, 3).map(costLine).join('; ')}.`)
    return {
      level,
      title: `${name}: ${describeScore(base)} → ${describeScore(unit)}, worse than the base`,
      message: lines.join('\n'),
      ...anchor(unit, worse[0]?.check ?? costliest(unit)[0]?.check)
    }
  }
  const plan = fixPlan(unit, threshold)
  const top = plan?.top ?? costliest(unit).slice(0, 3)
  lines.push(`Exposure ${describeScore(unit)} is above the threshold ${limit}.`)
  if (top.length) lines.push(`Costliest: ${top.map(costLine).join('; ')}.`)
  if (plan && plan.top.length) {
    const saving = `Fixing ${plan.top.length === 1 ? 'it' : `these ${plan.top.length}`} saves ${tenths(unit.exposure! - plan.afterTop)} (${tenths(unit.exposure!)} → ${tenths(plan.afterTop)})`
    const pass = plan.toPass
      ? plan.toPass.count <= plan.top.length
        ? ', enough to pass.'
        : `; the ${plan.toPass.count} costliest bring it to ${tenths(plan.toPass.exposure)}.`
      : '.'
    lines.push(saving + pass)
  }
  const suggestion = suggestionOf(unit)
  if (suggestion) {
    const score =
      suggestion.score !== undefined ? ` brings it to ${suggestion.score.toFixed(1)}` : ''
    lines.push(`Suggested drop-in ${safe(suggestion.path)}${score} (in the job summary).`)
  }
  lines.push('All checks: see the job summary.')
  return {
    level,
    title: `${name}: ${describeScore(unit)}, above ${limit}`,
    message: lines.join('\n'),
    ...anchor(unit, top[0]?.check)
  }
}

function legacyAnnotation(outcome: Outcome, threshold: number): Annotation {
  const { unit } = outcome
  return {
    level: 'warning',
    title: `${safe(unit.unit)}: ${describeScore(unit)}, above ${tenths(threshold)} (not worse than the base)`,
    message: `${safe(unit.unit)} is above the threshold but no worse than at the base (${outcome.base ? describeScore(outcome.base) : '?'}), so the regression gate lets it pass.`,
    ...anchor(unit, costliest(unit)[0]?.check)
  }
}

function diagnosticAnnotations(unit: UnitReport): Annotation[] {
  return unit.diagnostics
    .filter((d) => d.severity !== 'notice')
    .sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1))
    .map((d) => ({
      level: 'warning' as const,
      title:
        d.code === 'lookup'
          ? `${safe(unit.unit)}: how systemd finds it`
          : d.code === 'systemd-warning'
            ? `${safe(unit.unit)}: systemd warns about this line`
            : `${safe(unit.unit)}: systemd ignores this line`,
      message: safe(d.message),
      file: d.file,
      line: Math.max(1, d.line)
    }))
}

/**
 * A file property the runner gets verbatim (after @actions/core's %-escaping): a path with control
 * characters or `##[` is left out, so the annotation is not attached to a file rather than carrying
 * such text in a command. The message still names the file, escaped.
 */
export function fileProperty(file: string | undefined): string | undefined {
  // what escapeControl() would change (control, bidi, invisible characters, `##[`) cannot be the
  // name of a file in the repository as the runner shows it
  return file === undefined || escapeControl(file) !== file ? undefined : file
}

function bounded(annotation: Annotation): Annotation {
  const result: Annotation = {
    level: annotation.level,
    title: truncateText(annotation.title, TITLE_LIMIT),
    message: truncateText(annotation.message, MESSAGE_LIMIT)
  }
  const file = fileProperty(annotation.file)
  if (file !== undefined) {
    result.file = file
    if (annotation.line !== undefined) result.line = annotation.line
  }
  return result
}

export function planAnnotations(
  outcomes: readonly Outcome[],
  options: { failOn: FailOn; threshold: number }
): AnnotationPlan {
  const sorted = [...outcomes].sort(bySeverity)
  const failureLevel: AnnotationLevel = options.failOn === 'never' ? 'warning' : 'error'
  const candidates: Annotation[] = [
    ...sorted
      .filter((o) => o.failed)
      .map((o) => failureAnnotation(o, failureLevel, options.threshold)),
    ...sorted
      .filter((o) => !o.failed && !o.unit.passed && o.unit.status === 'scored')
      .map((o) => legacyAnnotation(o, options.threshold)),
    ...sorted.flatMap((o) => diagnosticAnnotations(o.unit))
  ]
  const used: Record<AnnotationLevel, number> = { error: 0, warning: 0, notice: 0 }
  const omitted = { error: 0, warning: 0 }
  const annotations: Annotation[] = []
  for (const candidate of candidates) {
    if (used[candidate.level] < ANNOTATION_LIMITS[candidate.level]) {
      used[candidate.level]++
      annotations.push(bounded(candidate))
    } else if (candidate.level !== 'notice') omitted[candidate.level]++
  }
  if (omitted.error || omitted.warning) {
    const parts = [
      omitted.error ? `${omitted.error} more error${omitted.error === 1 ? '' : 's'}` : '',
      omitted.warning ? `${omitted.warning} more warning${omitted.warning === 1 ? '' : 's'}` : ''
    ].filter(Boolean)
    annotations.push({
      level: 'notice',
      title: 'More findings in the job summary',
      message: `${parts.join(' and ')} are not annotated: GitHub shows at most ${ANNOTATION_LIMITS.error} errors and ${ANNOTATION_LIMITS.warning} warnings per step. The job summary and the JSON report list every unit.`
    })
  }
  return { annotations, omitted }
}
