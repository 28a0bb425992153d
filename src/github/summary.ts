/**
 * The job summary (pure): verdict, a table of gated units with the change versus the base, the
 * costliest checks of each failing unit and the suggested drop-in. Everything from a file is
 * escaped; the whole stays under GitHub's 1 MiB step-summary limit, cut with a note when needed.
 */
import { CHECKS_BY_ID } from '../core/checks.js'
import type { UnitReport } from '../core/report.js'
import { escapeMarkdown } from '../render/escape.js'
import { fencedBlock, redactSecrets, truncateText } from './escape.js'
import type { FailOn } from './inputs.js'
import type { Outcome } from './verdict.js'
import {
  bySeverity,
  costliest,
  describeScore,
  fixPlan,
  suggestionOf,
  tenths,
  worsenedChecks
} from './verdict.js'

/** GitHub rejects a step summary over 1 MiB; stay well below it. */
export const SUMMARY_LIMIT = 1024 * 1024 - 24 * 1024

export interface SummaryInput {
  outcomes: readonly Outcome[]
  failOn: FailOn
  /** tenths */
  threshold: number
  policy: string
  version: number
  /** markdown-safe: what was gated, e.g. "units changed by pull request #3" */
  scope: string
  /** how many unit files the paths matched */
  found: number
  /** the gate's decision (before fail-on: never is applied) */
  passed: boolean
  /** markdown-safe notes (warnings about the run) */
  notes: readonly string[]
  annotationsOmitted?: { error: number; warning: number }
}

const md = (text: string): string => escapeMarkdown(truncateText(text, 300))

function changeCell(outcome: Outcome): string {
  const { unit, base, change } = outcome
  if (change === 'unknown') return '–'
  if (change === 'new' || !base) return 'new'
  if (unit.status === 'scored' && base.status === 'scored') {
    const delta = unit.exposure! - base.exposure!
    const sign = delta > 0 ? '+' : delta < 0 ? '−' : '±'
    const arrow = delta > 0 ? ' 🔺' : delta < 0 ? ' 🔽' : ''
    return `${base.score!.toFixed(1)} → ${unit.score!.toFixed(1)} (${sign}${tenths(Math.abs(delta))})${arrow}`
  }
  return `${md(describeScore(base))} → ${md(describeScore(unit))}`
}

function resultCell(outcome: Outcome, failOn: FailOn): string {
  if (outcome.failed) return failOn === 'never' ? '⚠️ above' : '❌ fail'
  if (!outcome.unit.passed) return '⚠️ pass (legacy)'
  return '✅ pass'
}

function checkLink(id: string, name: string): string {
  const man = CHECKS_BY_ID.get(id)?.man
  return man ? `[${md(name)}](${man})` : md(name)
}

function unitSection(outcome: Outcome, threshold: number, failOn: FailOn): string[] {
  const { unit, base } = outcome
  const lines: string[] = []
  const icon = outcome.failed && failOn !== 'never' ? '❌' : '⚠️'
  lines.push(`### ${icon} ${md(unit.path)}: ${md(describeScore(unit))}`)
  lines.push('')
  lines.push(`${md(unit.unit)}: ${md(outcome.reason)}.`)
  if (outcome.gatedBecause?.length) {
    lines.push(`Gated because: ${outcome.gatedBecause.slice(0, 5).map(md).join('; ')}.`)
  }
  if (unit.dropIns.length)
    lines.push(`Drop-ins merged: ${unit.dropIns.slice(0, 20).map(md).join(', ')}.`)
  lines.push('')
  if (unit.status !== 'scored') {
    const at = unit.at ? ` (${md(unit.at.file)} line ${unit.at.line})` : ''
    lines.push(
      `${unit.status === 'invalid' ? 'systemd refuses to load it' : 'The gate could not read it'}: ${md(unit.reason ?? '')}${at}.`
    )
    return lines
  }
  if (outcome.change === 'worse' && base) {
    const worse = worsenedChecks(unit, base).slice(0, 10)
    if (worse.length) {
      lines.push('Checks that got worse since the base:')
      lines.push('')
      lines.push('| Check | Base | Now | Where | Detail |')
      lines.push('| --- | ---: | ---: | --- | --- |')
      for (const w of worse) {
        lines.push(
          `| ${checkLink(w.check.id, w.check.name)} | ${w.before} | ${w.points} | ${md(w.check.file)}:${w.check.line} | ${md(w.check.detail ?? '')} |`
        )
      }
      lines.push('')
    }
  }
  const costs = costliest(unit).slice(0, 10)
  if (costs.length) {
    lines.push('The checks that cost the most:')
    lines.push('')
    lines.push('| Check | Exposure | Where | Detail |')
    lines.push('| --- | ---: | --- | --- |')
    for (const { check } of costs) {
      const where = `${md(check.file)}:${check.line}${check.explicit ? '' : ' (not set)'}`
      lines.push(
        `| ${checkLink(check.id, check.name)} | ${(check.exposure ?? 0).toFixed(1)} | ${where} | ${md(check.detail ?? '')} |`
      )
    }
    lines.push('')
  }
  const plan = fixPlan(unit, threshold)
  if (plan && plan.top.length && !unit.passed) {
    const pass = plan.toPass
      ? ` Fixing the ${plan.toPass.count} costliest brings it to ${tenths(plan.toPass.exposure)}, at or below ${tenths(threshold)}.`
      : ''
    lines.push(
      `Fixing the ${plan.top.length} costliest saves ${tenths(unit.exposure! - plan.afterTop)} (${tenths(unit.exposure!)} → ${tenths(plan.afterTop)}).${pass}`
    )
    lines.push('')
  }
  const suggestion = suggestionOf(unit)
  if (suggestion) {
    const score =
      suggestion.score !== undefined ? ` (brings it to ${suggestion.score.toFixed(1)})` : ''
    lines.push(`Suggested drop-in ${md(suggestion.path)}${score}:`)
    lines.push('')
    lines.push(fencedBlock(suggestion.dropIn, 'ini'))
    lines.push('')
  }
  return lines
}

function ignoredLines(unit: UnitReport): string[] {
  const found = unit.diagnostics.filter((d) => d.severity !== 'notice').slice(0, 20)
  if (!found.length) return []
  return [
    `Lines systemd ignores in ${md(unit.path)}:`,
    '',
    ...found.map((d) => `- ${md(d.file)}:${d.line}: ${md(d.message)}`),
    ''
  ]
}

function heading(input: SummaryInput): string {
  const gated = input.outcomes.length
  const failing = input.outcomes.filter((o) => o.failed).length
  if (gated === 0) return '## ✅ systemd hardening gate: nothing to gate'
  if (failing === 0)
    return `## ✅ systemd hardening gate: passed (${gated} unit${gated === 1 ? '' : 's'})`
  if (input.failOn === 'never') {
    return `## ⚠️ systemd hardening gate: ${failing} of ${gated} units above the threshold (report only)`
  }
  return `## ❌ systemd hardening gate: ${failing} of ${gated} unit${gated === 1 ? '' : 's'} fail${failing === 1 ? 's' : ''}`
}

function criterion(input: SummaryInput): string {
  const limit = tenths(input.threshold)
  if (input.failOn === 'regression') {
    return `fails on a new unit above ${limit} or a unit whose score got worse than at the base`
  }
  if (input.failOn === 'never') return `report only (threshold ${limit})`
  return `fails on a unit above ${limit}`
}

export function buildSummary(input: SummaryInput, limit = SUMMARY_LIMIT): string {
  const out: string[] = []
  let bytes = 0
  let truncated = false
  const add = (text: string): boolean => {
    if (truncated) return false
    const size = Buffer.byteLength(text, 'utf8') + 1
    if (bytes + size > limit - 2048) {
      truncated = true
      return false
    }
    out.push(text)
    bytes += size
    return true
  }
  const sorted = [...input.outcomes].sort(bySeverity)
  add(heading(input))
  add('')
  add(
    `Gate: ${criterion(input)} · policy ${md(input.policy)} · systemd ${input.version} · scope: ${input.scope} (${sorted.length} of ${input.found} unit file${input.found === 1 ? '' : 's'} found)`
  )
  add('')
  for (const note of input.notes) add(`> ${note}`)
  if (input.notes.length) add('')
  if (sorted.length === 0) {
    add(
      input.found === 0
        ? 'No service unit file matches the `paths` input: nothing to gate, the check passes.'
        : 'No service unit is changed by this change set: nothing to gate, the check passes.'
    )
    return out.join('\n') + '\n'
  }
  add('| Result | Unit | Path | Score | Base → now | Why |')
  add('| --- | --- | --- | ---: | --- | --- |')
  let rows = 0
  for (const outcome of sorted) {
    const { unit } = outcome
    const ok = add(
      `| ${resultCell(outcome, input.failOn)} | ${md(unit.unit)} | ${md(unit.path)} | ${md(describeScore(unit))} | ${changeCell(outcome)} | ${md(outcome.reason)} |`
    )
    if (!ok) break
    rows++
  }
  add('')
  const omitted = input.annotationsOmitted
  if (omitted && (omitted.error || omitted.warning)) {
    add(
      `${omitted.error + omitted.warning} finding(s) beyond GitHub's limit of 10 errors and 10 warnings per step are not annotated; they are all listed here.`
    )
    add('')
  }
  for (const outcome of sorted) {
    if (!outcome.failed && outcome.unit.passed) continue
    const section = unitSection(outcome, input.threshold, input.failOn)
    if (!add(section.join('\n'))) break
  }
  for (const outcome of sorted) {
    const section = ignoredLines(outcome.unit)
    if (section.length && !add(section.join('\n'))) break
  }
  let text = out.join('\n') + '\n'
  if (truncated) {
    text += `\n> ✂️ This summary was cut to stay under GitHub's 1 MiB limit (${rows} of ${sorted.length} units in the table). The JSON report (the \`report\` output) lists every unit.\n`
  }
  return redactSecrets(text)
}
