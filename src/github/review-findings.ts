/**
 * What the review says (pure): one finding per failing unit the pull request touches, as a one-click
 * suggestion when a file of the unit in the diff can take the drop-in's directives with the same
 * score, else the complete drop-in; the sticky comment's base → head table; notes on units whose
 * comments no longer apply. Everything from a unit file is neutralised (fences longer than any
 * backtick run, mentions and references broken, HTML escaped, markers defused).
 */
import type { GateOptions, UnitReport } from '../core/report.js'
import type { SuggestionDetails } from '../core/suggest.js'
import { fencedBlock } from './escape.js'
import type { FailOn } from './inputs.js'
import type { FilePatch } from './review-diff.js'
import { hunkOf, rightLines } from './review-diff.js'
import type { Anchor, Finding, UnitNote } from './review-plan.js'
import type { OneClick, UnitSources } from './review-suggest.js'
import { isVendored, oneClickEdit } from './review-suggest.js'
import { BODY_LIMIT, fingerprint, untrusted } from './review-text.js'
import type { Outcome } from './verdict.js'
import { bySeverity, describeScore, suggestionOf, tenths } from './verdict.js'

export interface FindingsInput {
  outcomes: readonly Outcome[]
  /** head sources of a unit (workspace-relative path), as the pull request's head has them */
  sources(unitPath: string): UnitSources | undefined
  /** patches by workspace-relative path, for the files the pull request changes */
  patches: ReadonlyMap<string, FilePatch>
  /** workspace-relative → repository-relative */
  toRepo(path: string): string
  options: GateOptions
  /**
   * Which findings get a one-click edit worked out (each reads the unit's files and runs the
   * engine): those whose key has a comment of the gate's already, and others in severity order
   * while fewer than `inline` of them have a line to hang on, which covers every comment the review
   * can post (MAX_INLINE). The rest are listed in the review's body by their drop-in alone. Absent:
   * every finding.
   */
  oneClick?: { commented: ReadonlySet<string>; inline: number }
}

/** Room left for the marker and the optional parts: a suggestion body must never be cut. */
const SUGGESTION_LIMIT = BODY_LIMIT - 2000

export const findingKey = (unitPath: string): string => fingerprint('fix', unitPath)

/** Units a pull request touches: their file or one of their drop-ins is in the diff. */
export function touched(unit: UnitReport, patches: ReadonlyMap<string, FilePatch>): boolean {
  return patches.has(unit.path) || unit.dropIns.some((d) => patches.has(d))
}

const score = (exposure: number): string => tenths(exposure)

interface SuggestionView {
  path: string
  dropIn: string
  exposure: number
  rating?: string
  details: Partial<SuggestionDetails>
}

function suggestionView(unit: UnitReport): SuggestionView | undefined {
  const s = suggestionOf(unit)
  if (!s || s.score === undefined) return undefined
  const details = (unit.suggestion ?? {}) as Partial<SuggestionDetails>
  const exposure =
    typeof details.exposure === 'number' ? details.exposure : Math.round(s.score * 10)
  return { path: s.path, dropIn: s.dropIn, exposure, rating: details.rating, details }
}

/** Why each directive is safe for this unit: the engine's reasons, with the score change. */
function whyTable(view: SuggestionView): string[] {
  const rows: string[] = []
  for (const phase of view.details.phases ?? []) {
    for (const d of phase.directives) {
      const gain =
        d.gain > 0 ? `−${d.gain.toFixed(1)}` : d.gain < 0 ? `+${(-d.gain).toFixed(1)}` : '±0.0'
      rows.push(
        `| ${d.lines.map((l) => untrusted(l, 200)).join('<br>')} | ${gain} | ${untrusted(d.reason, 400)} |`
      )
    }
  }
  if (!rows.length) return []
  return [
    '| Directive | Score | Why it is safe for this unit |',
    '| --- | ---: | --- |',
    ...rows.slice(0, 60)
  ]
}

function notes(view: SuggestionView): string[] {
  const out: string[] = []
  const observe = view.details.observe ?? []
  if (observe.length) {
    out.push('<details><summary>Check before rolling out</summary>', '')
    for (const o of observe.slice(0, 20)) out.push(`- ${untrusted(o, 600)}`)
    out.push('', '</details>')
  }
  const left = view.details.notSuggested ?? []
  if (left.length) {
    if (out.length) out.push('')
    out.push(
      '<details><summary>Left out because they would likely break this service</summary>',
      ''
    )
    for (const n of left.slice(0, 20)) {
      const gain = n.gain !== undefined ? ` (would gain ${n.gain.toFixed(1)})` : ''
      out.push(`- ${untrusted(n.directive, 80)}=${gain}: ${untrusted(n.reason, 400)}`)
    }
    out.push('', '</details>')
  }
  return out
}

function title(unit: UnitReport, view: SuggestionView, how: string, threshold: number): string {
  const after = `${score(view.exposure)}${view.rating ? ` ${view.rating}` : ''}`
  return `**systemd hardening gate** · ${untrusted(unit.path)} scores **${untrusted(describeScore(unit))}** (threshold ${tenths(threshold)}): **${after}** ${how}.`
}

function suggestionBody(
  unit: UnitReport,
  view: SuggestionView,
  edit: OneClick,
  threshold: number
): string {
  const where =
    edit.target === 'unit'
      ? 'Committing this suggestion adds'
      : `Committing this suggestion to the drop-in ${untrusted(edit.file)} adds`
  const replaced = edit.replaced.length
    ? ` and replaces ${edit.replaced.map((r) => `line ${r.line}`).join(', ')}`
    : ''
  return [
    title(unit, view, 'with this suggestion', threshold),
    '',
    `${where} the directives of the gate's drop-in${replaced}; the engine scores the edited unit ${score(edit.after.exposure!)} ${untrusted(edit.after.rating ?? '')}.`,
    '',
    fencedBlock(edit.replacement.join('\n'), 'suggestion'),
    '',
    ...whyTable(view),
    '',
    ...notes(view)
  ].join('\n')
}

function dropInBody(
  unit: UnitReport,
  view: SuggestionView,
  why: string,
  threshold: number
): string {
  return [
    title(unit, view, 'with this drop-in', threshold),
    '',
    `${why} Add this file beside the unit (ready to commit; it overrides nothing else in the unit):`,
    '',
    `**${untrusted(view.path)}**`,
    '',
    fencedBlock(view.dropIn, 'ini'),
    '',
    ...whyTable(view),
    '',
    ...notes(view)
  ].join('\n')
}

/** A line to hang a drop-in comment on: the [Service] header when the diff shows it, else the first added line. */
function dropInAnchor(unit: UnitReport, input: FindingsInput): Anchor | undefined {
  const files = [unit.path, ...unit.dropIns]
  for (const file of files) {
    const patch = input.patches.get(file)
    if (!patch?.hunks?.length) continue
    const header = unit.serviceHeader
    if (header && header.file === file && hunkOf(patch, header.line)) {
      return { path: input.toRepo(file), line: header.line }
    }
    const added = patch.hunks.flatMap((h) => [...h.added])
    const line = added[0] ?? rightLines(patch)[0]
    if (line !== undefined) return { path: input.toRepo(file), line }
  }
  return undefined
}

export interface Findings {
  findings: Finding[]
  /** per finding key, the state of every gated unit (for comments whose finding is gone) */
  unitNotes: Map<string, UnitNote>
  /** units that fail without a drop-in to suggest (listed in the sticky comment only) */
  withoutSuggestion: number
}

export function buildFindings(input: FindingsInput): Findings {
  const threshold = input.options.threshold
  const findings: Finding[] = []
  const unitNotes = new Map<string, UnitNote>()
  let withoutSuggestion = 0
  let anchored = 0
  const wantsEdit = (key: string): boolean =>
    !input.oneClick || input.oneClick.commented.has(key) || anchored < input.oneClick.inline
  for (const outcome of [...input.outcomes].sort(bySeverity)) {
    const { unit } = outcome
    const key = findingKey(unit.path)
    const scores = `${untrusted(unit.path)} scores ${untrusted(describeScore(unit))}`
    unitNotes.set(
      key,
      outcome.failed
        ? {
            text: `${scores}; ${untrusted(outcome.reason)}; ${touched(unit, input.patches) ? 'the gate has no drop-in to suggest for it' : 'this pull request no longer changes it'}`,
            failing: true
          }
        : {
            text: `${untrusted(unit.path)} now scores ${untrusted(describeScore(unit))}, ${untrusted(outcome.reason)}`,
            failing: false
          }
    )
    if (!outcome.failed || !touched(unit, input.patches)) continue
    const view = suggestionView(unit)
    if (!view) {
      withoutSuggestion++
      continue
    }
    const brief = `- ${untrusted(unit.path)}: ${untrusted(describeScore(unit))} → ${score(view.exposure)} with the drop-in ${untrusted(view.path)}`
    const item = [
      `<details><summary>${untrusted(unit.path)}: ${untrusted(describeScore(unit))} → ${score(view.exposure)} with the drop-in ${untrusted(view.path)}</summary>`,
      '',
      fencedBlock(view.dropIn, 'ini'),
      '',
      '</details>'
    ].join('\n')
    const vendored = isVendored(unit.path)
    const planned = wantsEdit(key)
    const sources = planned ? input.sources(unit.path) : undefined
    let edit: OneClick | undefined
    let why: string
    if (!planned) {
      why = 'This pull request has more failing units than the review can comment on inline.'
    } else if (!sources) {
      why =
        'The unit’s files at the pull request’s head could not be read, so no one-click suggestion.'
    } else {
      const result = oneClickEdit(sources, view, {
        ...input.options,
        patches: input.patches,
        vendored
      })
      if ('reasons' in result) {
        why = vendored
          ? 'The unit file looks vendored (a third-party directory), so it is not edited.'
          : 'No line of the unit’s [Service] section that this pull request changes can take the directives, so no one-click suggestion.'
      } else if (suggestionBody(unit, view, result, threshold).length > SUGGESTION_LIMIT) {
        // a suggestion cannot be cut: the drop-in (which re-emits no line of the unit) is shorter
        why = 'The lines a one-click suggestion would re-emit are too long for a comment.'
      } else {
        edit = result
        why = ''
      }
    }
    if (edit) {
      const anchor: Anchor = {
        path: input.toRepo(edit.file),
        line: edit.line,
        ...(edit.startLine !== undefined ? { startLine: edit.startLine } : {})
      }
      const body = suggestionBody(unit, view, edit, threshold)
      anchored++
      findings.push({
        key,
        anchor,
        suggestion: true,
        body,
        item,
        brief,
        fp: fingerprint(key, anchor.path, String(anchor.line), String(anchor.startLine ?? ''), body)
      })
      continue
    }
    const body = dropInBody(unit, view, why, threshold)
    const anchor = dropInAnchor(unit, input)
    if (planned && anchor) anchored++
    findings.push({
      key,
      ...(anchor ? { anchor } : {}),
      suggestion: false,
      body,
      item,
      brief,
      fp: fingerprint(key, body)
    })
  }
  return { findings, unitNotes, withoutSuggestion }
}

// ---- the sticky comment and the review's opening ---------------------------------------------------

export interface StickyInput {
  outcomes: readonly Outcome[]
  failOn: FailOn
  threshold: number
  headSha: string
  baseSha?: string
  passed: boolean
  findings: readonly Finding[]
}

function change(outcome: Outcome): string {
  const { unit, base } = outcome
  if (outcome.change === 'unknown') return '–'
  if (outcome.change === 'new' || !base) return 'new'
  if (unit.status === 'scored' && base.status === 'scored') {
    const delta = unit.exposure! - base.exposure!
    return delta > 0 ? `+${tenths(delta)} 🔺` : delta < 0 ? `−${tenths(-delta)} 🔽` : '±0.0'
  }
  return outcome.change
}

function result(outcome: Outcome, failOn: FailOn): string {
  if (outcome.failed) return failOn === 'never' ? '⚠️ above' : '❌ fail'
  return outcome.unit.passed ? '✅ pass' : '⚠️ pass (legacy)'
}

export function stickyText(input: StickyInput): string {
  const sorted = [...input.outcomes].sort(bySeverity)
  const failing = sorted.filter((o) => o.failed).length
  const limit = tenths(input.threshold)
  const heading =
    sorted.length === 0
      ? '### ✅ systemd hardening gate: no service unit changed'
      : failing === 0
        ? `### ✅ systemd hardening gate: passed (${sorted.length} unit${sorted.length === 1 ? '' : 's'}, threshold ${limit})`
        : `### ${input.failOn === 'never' ? '⚠️' : '❌'} systemd hardening gate: ${failing} of ${sorted.length} unit${sorted.length === 1 ? '' : 's'} ${input.failOn === 'never' ? 'above' : 'fail'} the threshold ${limit}`
  const lines = [heading, '']
  lines.push(
    `Head ${input.headSha.slice(0, 7)}${input.baseSha ? ` compared with base ${input.baseSha.slice(0, 7)}` : ''} · fail-on: ${input.failOn} · verdict: **${input.passed ? 'pass' : input.failOn === 'never' ? 'report only' : 'fail'}**`
  )
  if (sorted.length) {
    lines.push('', '| Result | Unit | Base | Head | Change |', '| --- | --- | ---: | ---: | ---: |')
    const shown = sorted.slice(0, 300)
    for (const o of shown) {
      const base = o.base ? untrusted(describeScore(o.base)) : o.change === 'new' ? 'new' : '–'
      lines.push(
        `| ${result(o, input.failOn)} | ${untrusted(o.unit.path)} | ${base} | ${untrusted(describeScore(o.unit))} | ${change(o)} |`
      )
    }
    if (sorted.length > shown.length)
      lines.push('', `… and ${sorted.length - shown.length} more units: see the job summary.`)
  }
  const suggestions = input.findings.filter((f) => f.suggestion).length
  const dropIns = input.findings.length - suggestions
  if (input.findings.length) {
    lines.push(
      '',
      `The review has ${suggestions} one-click suggestion${suggestions === 1 ? '' : 's'} and ${dropIns} drop-in${dropIns === 1 ? '' : 's'} for the failing units. This comment is edited in place on every run.`
    )
  }
  return lines.join('\n')
}

export function reviewHead(input: StickyInput): string {
  const failing = input.outcomes.filter((o) => o.failed).length
  return `**systemd hardening gate** at ${input.headSha.slice(0, 7)}: ${failing} unit${failing === 1 ? '' : 's'} ${input.failOn === 'never' ? 'above' : 'fail'} the threshold ${tenths(input.threshold)}. Each comment below is a one-click suggestion or a drop-in that brings its unit to the score it states; the pull request's conversation has the summary table.`
}
