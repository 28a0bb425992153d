/**
 * One-click suggestions (pure): the fix engine's drop-in turned into an edit of a file the pull
 * request changes, as a GitHub ```suggestion``` that replaces lines start_line..line. The edit
 * re-emits the anchor line and adds the drop-in's directives after it (replacing a line that sets
 * the same single-valued directive, or a misspelling of a directive it sets, when it sits in the
 * same hunk), and is only offered when the engine, run on the edited file, gives exactly the score
 * the drop-in promises.
 */
import type { GateOptions, UnitReport } from '../core/report.js'
import { analyzeUnit } from '../core/report.js'
import type { UnitFileInput } from '../core/service.js'
import { readsKeyAt } from '../core/service.js'
import type { UnitName } from '../core/specifiers.js'
import { parseUnitText } from '../core/syntax.js'
import { misspeltKey } from '../core/unknown-keys.js'
import type { FilePatch } from './review-diff.js'
import { hunkOf } from './review-diff.js'

export interface UnitSources {
  unit: UnitName
  main: UnitFileInput
  dropIns: UnitFileInput[]
}

export interface OneClick {
  /** the edited file (workspace-relative, as in the report) */
  file: string
  /** whether that file is the unit itself or one of its drop-ins */
  target: 'unit' | 'drop-in'
  /** RIGHT-side range the suggestion replaces */
  line: number
  startLine?: number
  /** the suggestion block: the lines that replace start_line..line */
  replacement: string[]
  /** the directives it adds or sets */
  directives: string[]
  /** replaced lines: old text → new text */
  replaced: Array<{ line: number; from: string; to: string }>
  /** the unit's report with the edit applied */
  after: UnitReport
}

/**
 * Directives where the last assignment wins outright: an insecure line of these can be replaced in
 * place. List-valued settings (paths, capabilities, system calls …) accumulate, so their lines are
 * never replaced, only added to.
 */
const SINGLE_VALUED = new Set([
  'NoNewPrivileges',
  'PrivateTmp',
  'PrivateDevices',
  'PrivateNetwork',
  'PrivateUsers',
  'PrivateMounts',
  'PrivateIPC',
  'ProtectSystem',
  'ProtectHome',
  'ProtectKernelTunables',
  'ProtectKernelModules',
  'ProtectKernelLogs',
  'ProtectControlGroups',
  'ProtectClock',
  'ProtectHostname',
  'ProtectProc',
  'ProcSubset',
  'RestrictRealtime',
  'RestrictSUIDSGID',
  'LockPersonality',
  'MemoryDenyWriteExecute',
  'RemoveIPC',
  'KeyringMode',
  'NotifyAccess',
  'UMask',
  'DynamicUser',
  'User',
  'Group',
  'DevicePolicy'
])

/** The directive lines of a drop-in's [Service] section (comments and blank lines left out). */
export function dropInDirectives(dropIn: string): string[] | undefined {
  const lines = dropIn.split('\n')
  const out: string[] = []
  let inService = false
  for (const raw of lines) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue
    if (line.startsWith('[')) {
      inService = line === '[Service]'
      continue
    }
    if (!inService) continue
    // a continued line cannot be re-emitted line by line
    if (line.endsWith('\\') || !line.includes('=')) return undefined
    out.push(line)
  }
  return out
}

const keyOf = (line: string): string => line.slice(0, line.indexOf('=')).trim()

const decoder = new TextDecoder('utf-8', { fatal: true })

function textOf(file: UnitFileInput): string | undefined {
  if (!file.bytes) return undefined
  try {
    return decoder.decode(file.bytes)
  } catch {
    return undefined
  }
}

interface Section {
  /** 0-based index of the [Service] header */
  header: number
  /** 0-based index of the section's last non-blank line */
  last: number
}

/** The file's last [Service] section (where later assignments win), by 0-based line index. */
function lastServiceSection(lines: string[]): Section | undefined {
  let header = -1
  for (let i = 0; i < lines.length; i++) if (lines[i]!.trim() === '[Service]') header = i
  if (header < 0) return undefined
  let end = header
  for (let i = header + 1; i < lines.length && !lines[i]!.trim().startsWith('['); i++) {
    if (lines[i]!.trim() !== '') end = i
  }
  return { header, last: end }
}

/**
 * The edit of one file, or why there is none. `fileIndex` is -1 for the unit file, else the index
 * of the drop-in in `sources.dropIns`.
 */
function editFile(
  sources: UnitSources,
  fileIndex: number,
  patch: FilePatch,
  directives: string[],
  expected: number,
  options: GateOptions
): OneClick | string {
  const file = fileIndex < 0 ? sources.main : sources.dropIns[fileIndex]!
  const text = textOf(file)
  if (text === undefined) return `${file.path} is not UTF-8 text`
  if (text.includes('\r') || text.includes('\0')) return `${file.path} has CR or NUL line breaks`
  const lines = text.split('\n')
  const section = lastServiceSection(lines)
  if (!section) return `${file.path} has no [Service] section`
  // lines as systemd reads them: a continued line goes on over comment lines, and no edit may
  // split one (`ExecStart=env \` + `# note` + `  UMASK=0027 app` is one ExecStart=)
  const parsed = parseUnitText(file.bytes!)
  // (a span the file ends in still continues: a line added after it would join it)
  const openSpan = parsed.openAtEnd ? parsed.continued.at(-1) : undefined
  const midContinuation = (n: number): boolean =>
    parsed.continued.some((span) => span[0] <= n && (n < span[1] || span === openSpan))
  const continued = (n: number): boolean =>
    parsed.continued.some(([from, to]) => from <= n && n <= to)
  const assignments = parsed.assignments.filter(
    (a) => a.section === 'Service' && a.line > section.header + 1
  )
  // the anchor: the section's last line that the diff shows and that no continuation goes past
  let anchor = -1
  for (let i = section.last; i >= section.header; i--) {
    if (hunkOf(patch, i + 1) && !midContinuation(i + 1)) {
      anchor = i
      break
    }
  }
  if (anchor < 0) return `the [Service] section of ${file.path} is not in the diff`
  const hunk = hunkOf(patch, anchor + 1)!
  // the diff must show the same text: the file read is the head the comment points at
  // (replaced lines are checked below, with the range)
  const adding = [...directives]
  const replaced: OneClick['replaced'] = []
  for (const assignment of assignments) {
    const i = assignment.line - 1
    if (i > anchor) break
    if (continued(assignment.line) || !hunk.text.has(i + 1)) continue
    // a line of a misspelt key (ProtectSytem=) does nothing: the directive it meant takes its place
    const written = assignment.key
    const key = SINGLE_VALUED.has(written)
      ? written
      : misspeltKey(written, 'Service', options.version, readsKeyAt)
    if (key === undefined) continue
    const same = adding.filter((d) => keyOf(d) === key)
    if (same.length !== 1) continue
    // a later line of the same key, before the anchor, would win over the replaced one
    const later = assignments.some(
      (a) => a.line > assignment.line && a.line <= anchor + 1 && [key, written].includes(a.key)
    )
    if (later) continue
    adding.splice(adding.indexOf(same[0]!), 1)
    replaced.push({ line: i + 1, from: lines[i]!, to: same[0]! })
  }
  const start = replaced.length ? replaced[0]!.line - 1 : anchor
  const replacement: string[] = []
  for (let i = start; i <= anchor; i++) {
    const swap = replaced.find((r) => r.line === i + 1)
    replacement.push(swap ? swap.to : lines[i]!)
  }
  replacement.push(...adding)
  for (let i = start; i <= anchor; i++) {
    if (hunk.text.get(i + 1) !== lines[i]) {
      return `${file.path} line ${i + 1} differs from the pull request's head`
    }
  }
  const edited = [...lines.slice(0, start), ...replacement, ...lines.slice(anchor + 1)].join('\n')
  const bytes = new TextEncoder().encode(edited)
  const main = fileIndex < 0 ? { path: file.path, bytes } : sources.main
  const dropIns = sources.dropIns.map((d, i) => (i === fileIndex ? { path: d.path, bytes } : d))
  const after = analyzeUnit(
    { unit: sources.unit, main, dropIns },
    { ...options, suggest: false, keepPassingChecks: true }
  )
  if (after.status !== 'scored' || after.exposure !== expected) {
    return `the edited ${file.path} scores ${after.exposure === null ? after.status : (after.exposure / 10).toFixed(1)}, not the drop-in's ${(expected / 10).toFixed(1)}`
  }
  return {
    file: file.path,
    target: fileIndex < 0 ? 'unit' : 'drop-in',
    line: anchor + 1,
    ...(start < anchor ? { startLine: start + 1 } : {}),
    replacement,
    directives,
    replaced,
    after
  }
}

export interface EditOptions extends GateOptions {
  /** files the suggestion may edit (workspace-relative) with their patch; others are not in the diff */
  patches: ReadonlyMap<string, FilePatch>
  /** the unit file is vendored: only its drop-ins may be edited */
  vendored?: boolean
}

/**
 * The one-click edit for a unit's suggested drop-in: in the unit file when its [Service] section is
 * in the diff, else in a drop-in the pull request changes (the last in systemd's order first).
 * Returns the reasons when no file can take it.
 */
export function oneClickEdit(
  sources: UnitSources,
  suggestion: { dropIn: string; exposure: number },
  options: EditOptions
): OneClick | { reasons: string[] } {
  const directives = dropInDirectives(suggestion.dropIn)
  if (!directives || directives.length === 0)
    return { reasons: ['the drop-in has no directive lines'] }
  const reasons: string[] = []
  const order = [-1, ...sources.dropIns.map((_, i) => sources.dropIns.length - 1 - i)]
  for (const index of order) {
    const file = index < 0 ? sources.main : sources.dropIns[index]!
    const patch = options.patches.get(file.path)
    if (!patch) continue
    if (index < 0 && options.vendored) {
      reasons.push(`${file.path} is vendored`)
      continue
    }
    const edit = editFile(sources, index, patch, directives, suggestion.exposure, options)
    if (typeof edit !== 'string') return edit
    reasons.push(edit)
  }
  if (reasons.length === 0) reasons.push('no file of the unit is in the diff')
  return { reasons }
}

/** Paths of third-party units that should get a drop-in rather than an edit. */
const VENDORED = /(^|\/)(vendor|vendored|third[_-]?party|3rdparty|external|upstream)\//i

export function isVendored(path: string): boolean {
  return VENDORED.test(path)
}
