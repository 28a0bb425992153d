/**
 * The Action: inputs → the units to gate (changed since the base, from git) → scores, head and base →
 * verdict → report, outputs, annotations, SARIF, job summary. The verdict depends on the scores
 * only: anything that goes wrong while reporting is a warning and never changes the exit code.
 */
import * as core from '@actions/core'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { inspect } from 'node:util'
import * as zlib from 'node:zlib'
import { VERSION } from './cli/run.js'
import type { Policy } from './core/policy.js'
import { PolicyError } from './core/policy.js'
import type { PolicySource } from './policies.js'
import { loadPolicy, MAX_POLICY_BYTES } from './policies.js'
import type { GateOptions, UnitReport } from './core/report.js'
import type { ScopeHint } from './core/scope.js'
import type { UnitName } from './core/specifiers.js'
import { parseUnitName } from './core/specifiers.js'
import { gateReport } from './core/report.js'
import { planAnnotations } from './github/annotations.js'
import { reviewPullRequest } from './github/review.js'
import type { BaseTree } from './github/baseline.js'
import { eitherSearchDirectories, templatePrefixes } from './core/dropins.js'
import { isoToday } from './core/exceptions.js'
import { blobAt, scoreAtBase } from './github/baseline.js'
import type { Change, UnitChange } from './github/changes.js'
import {
  changedInstances,
  namesakesThatLoad,
  parseNameStatus,
  relativeToWorkspace,
  selectChangedUnits,
  touchedPaths,
  widenToChangedResults
} from './github/changes.js'
import type { Comparison, CommitFacts } from './github/comparison.js'
import { chooseComparison } from './github/comparison.js'
import { conversionChanges, convertedUnits, linkTargets } from './github/attributes.js'
import { commandSafe, redactSecrets } from './github/escape.js'
import { describeEvent, parseEvent } from './github/event.js'
import { pathsScope, readableRoots, resolveUnitFiles, writeFileSafely } from './github/files.js'
import { Git, GitError } from './github/git.js'
import type { Env, Settings } from './github/inputs.js'
import { InputError, readSettings } from './github/inputs.js'
import { buildSummary } from './github/summary.js'
import type { Outcome } from './github/verdict.js'
import {
  bySeverity,
  compareWithBase,
  describeScore,
  judge,
  stricterBase,
  tenths
} from './github/verdict.js'
import { escapeMarkdown, MESSAGE_SHOWN, truncateText } from './render/escape.js'
import { renderJsonChunks } from './render/json.js'
import { codeScanningLimitWarning, renderSarifCounted } from './render/sarif.js'
import { invokingUser } from './scan/manager-user.js'
import type { Reader } from './scan/scan.js'
import {
  createReader,
  PatternError,
  scanUnitFile,
  templateInstance,
  unitSources,
  withoutPlainCopies
} from './scan/scan.js'

const toPosix = (p: string): string => p.split(path.sep).join('/')
const short = (sha: string): string => sha.slice(0, 12)

/** Markdown-safe notes for the summary, collected alongside the warnings. */
class Notes {
  readonly items: string[] = []
  warn(text: string, properties?: core.AnnotationProperties): void {
    core.warning(commandSafe(text), properties)
    // redacted before escaping: markdown's escapes (ghs\_...) would hide a token from the pattern
    this.items.push(`⚠️ ${escapeMarkdown(redactSecrets(text))}`)
  }
}

function commitFacts(git: Git | undefined): CommitFacts {
  return {
    head: () => git?.commit('HEAD'),
    resolve: (sha) => git?.commit(sha),
    parents: (sha) => {
      try {
        return git ? git.parents(sha) : []
      } catch {
        return []
      }
    },
    mergeBase: (a, b) => git?.mergeBase(a, b)
  }
}

function readPayload(env: Env, notes: Notes): unknown {
  const file = env.GITHUB_EVENT_PATH
  if (!file) return {}
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'))
  } catch (error) {
    notes.warn(`Cannot read the event payload ${file}: ${(error as Error).message}`)
    return {}
  }
}

/**
 * For change detection, what feeds each unit besides its own file: the files its content comes
 * from (a link's target, the template or alias file systemd reads instead) and its other names,
 * whose drop-in directories systemd reads too.
 */
function unitInputs(
  files: string[],
  workspace: string,
  reader: Reader,
  version: number
): { aliases: Map<string, string[]>; otherNames: Map<string, UnitName[]> } {
  const aliases = new Map<string, string[]>()
  const otherNames = new Map<string, UnitName[]>()
  const inside = (file: string): string | undefined => {
    const relative = path.relative(workspace, file)
    return relative.startsWith('..') || path.isAbsolute(relative) ? undefined : toPosix(relative)
  }
  for (const file of files) {
    const shown = inside(file)
    if (shown === undefined) continue
    const sources = new Set<string>()
    const add = (source: string | undefined): void => {
      if (source !== undefined && source !== shown) sources.add(source)
    }
    const found = unitSources(file, reader, version)
    if (found) {
      otherNames.set(shown, found.names)
      add(inside(found.fragment))
    }
    for (const candidate of [file, found?.fragment]) {
      if (candidate === undefined) continue
      try {
        if (fs.lstatSync(candidate).isSymbolicLink()) add(inside(fs.realpathSync(candidate)))
      } catch {
        // a dangling link: the scanner reports it
      }
    }
    if (sources.size) aliases.set(shown, [...sources])
  }
  return { aliases, otherNames }
}

/** Runs `work`; a failure becomes a warning (reporting never decides the verdict). */
function attempt(what: string, notes: Notes, work: () => void): void {
  try {
    work()
  } catch (error) {
    notes.warn(`Could not ${what}: ${error instanceof Error ? error.message : String(error)}`)
  }
}

/** The report as the CLI prints it: rows at badness 0 are left out, as without --all-checks. */
function cliShaped(unit: UnitReport): UnitReport {
  return { ...unit, checks: unit.checks.filter((c) => c.badness !== 0) }
}

function logOutcomes(outcomes: readonly Outcome[]): void {
  for (const outcome of [...outcomes].sort(bySeverity)) {
    const mark = outcome.failed ? '✗' : outcome.unit.passed ? '✓' : '!'
    const base = outcome.base
      ? ` (base ${describeScore(outcome.base)})`
      : outcome.change === 'new'
        ? ' (new)'
        : ''
    core.info(
      commandSafe(
        `${mark} ${outcome.unit.path}  ${describeScore(outcome.unit)}${base}: ${truncateText(outcome.reason, MESSAGE_SHOWN)}`
      )
    )
  }
}

interface Scope {
  /** markdown-safe description */
  text: string
  /** gated units (workspace-relative paths); undefined: all */
  selected?: ReadonlyMap<string, UnitChange>
  /** what each unit's change was, when there is a base */
  changed?: ReadonlyMap<string, UnitChange>
}

function chooseScope(
  settings: Settings,
  comparison: Comparison,
  changes: Change[] | undefined,
  unitPaths: string[],
  inputs: ReturnType<typeof unitInputs>,
  event: ReturnType<typeof parseEvent>
): Scope {
  const changed =
    changes &&
    selectChangedUnits(
      unitPaths,
      changes,
      templateInstance(settings.version),
      inputs.aliases,
      inputs.otherNames,
      (dir) => eitherSearchDirectories(dir, settings.version)
    )
  if (settings.scope === 'all') return { text: 'all units (scope: all)', changed }
  if (!changes || comparison.kind !== 'base') {
    const why = comparison.kind === 'base' ? 'the changes could not be listed' : comparison.reason
    return { text: `all units (${escapeMarkdown(why)})`, changed }
  }
  return {
    text: `units changed by ${describeEvent(event)} since ${short(comparison.base)}`,
    selected: changed,
    changed
  }
}

/**
 * Policy files as the base tree holds them (links followed inside it), for loadPolicy(): paths are
 * absolute in the workspace, as the checkout would have them.
 */
function baseTreeSource(tree: BaseTree, workspace: string): PolicySource {
  const blob = (file: string): ReturnType<typeof blobAt> => {
    const relative = toPosix(path.relative(workspace, file))
    if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return undefined
    return blobAt(tree, tree.prefix === '' ? relative : `${tree.prefix}/${relative}`)
  }
  return {
    exists: (file) => blob(file) !== undefined,
    read(file, shown) {
      const found = blob(file)
      if (found === undefined) throw new Error(`${shown}: not in the base commit`)
      if ((found.entry.size ?? 0) > MAX_POLICY_BYTES) {
        throw new PolicyError(
          `policy ${shown} is ${found.entry.size} bytes at the base, larger than the ${MAX_POLICY_BYTES} the gate reads`
        )
      }
      const bytes = found.bytes()
      if (bytes === undefined) throw new Error(`${shown}: cannot read the blob`)
      return bytes
    }
  }
}

/**
 * A policy the change set modifies (its file, a file it extends, the target of a link among them,
 * a directory on the way to one of them) is applied as it is at the base, read from the base
 * commit's tree with the files it extends there: a pull request must not relax its own gate
 * (under pull_request_target the workflow is trusted, the checkout is not). The change takes
 * effect once merged. When the base has no such file, the checked-out one is used.
 */
function policyAtBase(
  settings: Settings,
  changes: Change[] | undefined,
  comparison: Comparison,
  baseTree: (() => BaseTree) | undefined,
  event: ReturnType<typeof parseEvent>,
  notes: Notes,
  workspace: string,
  /** .gitattributes changed: the policy files may be checked out otherwise, changed or not */
  attributesChanged: boolean
): Settings {
  const file = settings.policyFile
  if (!file || !changes || comparison.kind !== 'base' || !baseTree) return settings
  // a change to a policy file, or to a directory on its way (a link retargeted: the file is no
  // change, yet another one is read)
  const onPolicyPath = (changed: string): boolean =>
    settings.policyFiles.some((policy) => policy === changed || policy.startsWith(`${changed}/`))
  const touched = changes.some(
    (c) => onPolicyPath(c.path) || (c.oldPath !== undefined && onPolicyPath(c.oldPath))
  )
  if (!touched && !attributesChanged) return settings
  const title = 'Gate policy changed'
  const atBase = baseTreeSource(baseTree(), workspace)
  if (!atBase.exists(path.resolve(workspace, file))) {
    notes.warn(
      `The policy file ${file} is new in ${describeEvent(event)}: it is applied as checked out.`,
      { file, title }
    )
    return settings
  }
  let policy: Policy
  try {
    policy = loadPolicy(`./${file}`, workspace, [], atBase)
  } catch (error) {
    notes.warn(
      `The policy file ${file} at the base cannot be used (${(error as Error).message}): the changed one is applied.`,
      { file, title }
    )
    return settings
  }
  notes.warn(
    touched
      ? `The policy file ${file} is changed by ${describeEvent(event)}: the gate applies it as it is at the base ${short(comparison.base)}; the change takes effect once merged.`
      : `${capitalized(describeEvent(event))} changes .gitattributes, which may change how the policy file ${file} is checked out: the gate applies it as it is at the base ${short(comparison.base)}.`,
    { file, title }
  )
  return {
    ...settings,
    policy,
    threshold: settings.thresholdFromInput ? settings.threshold : (policy.threshold ?? 50)
  }
}

const capitalized = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1)

/** What the user-units input says of a unit. */
const USER_UNITS_INPUT: ScopeHint = {
  scope: 'user',
  evidence: "the Action's user-units input names it"
}

/**
 * The units the user-units input names (workspace-relative POSIX paths): scored for a user's
 * manager, at the base too (by the path the unit has now).
 */
async function userUnitScope(
  settings: Settings,
  workspace: string,
  notes: Notes
): Promise<(unitPath: string) => ScopeHint | undefined> {
  if (!settings.userUnits.length) return () => undefined
  const named = await resolveUnitFiles(settings.userUnits, settings.exclude, workspace)
  for (const entry of named.missing)
    notes.warn(`Input 'user-units': no such file or directory: ${entry}`)
  const paths = new Set(named.files.map((f) => toPosix(path.relative(workspace, f))))
  return (unitPath) => (paths.has(unitPath) ? USER_UNITS_INPUT : undefined)
}

/** The whole run; returns the failure message when the gate fails the step. */
async function gate(env: Env): Promise<string | undefined> {
  const workspace = path.resolve(env.GITHUB_WORKSPACE || process.cwd())
  let settings = readSettings(env, workspace)
  if (settings.token) core.setSecret(settings.token)
  const notes = new Notes()
  const payload = readPayload(env, notes)
  const event = parseEvent(env.GITHUB_EVENT_NAME ?? '', payload)

  const found = await resolveUnitFiles(settings.paths, settings.exclude, workspace)
  for (const entry of found.missing) {
    notes.warn(`Input 'paths': no such file or directory: ${entry}`)
    // a unit file the input names stays gated when a change renames or removes it (an error, so
    // the change fails), or the gate would look away from what it was told to watch
    const file = path.resolve(workspace, entry)
    if (file.endsWith('.service') && !found.files.includes(file)) found.files.push(file)
  }
  const scopeOf = await userUnitScope(settings, workspace, notes)

  // The base, from git only: the verdict never needs the network.
  const opened = Git.open(workspace, env)
  const git = opened instanceof GitError ? undefined : opened
  let comparison = chooseComparison(event, commitFacts(git))
  if (comparison.kind === 'mismatch') throw new InputError(`Wrong checkout: ${comparison.reason}`)
  if (comparison.kind === 'unavailable' && opened instanceof GitError) {
    comparison = {
      kind: 'unavailable',
      reason: `the workspace is not a git checkout (${opened.message})`
    }
  }
  let changes: Change[] | undefined
  if (comparison.kind === 'base' && git) {
    try {
      changes = relativeToWorkspace(
        parseNameStatus(git.nameStatus(comparison.base, comparison.head)),
        git.prefix
      )
    } catch (error) {
      comparison = {
        kind: 'unavailable',
        reason: `cannot list the changes: ${(error as Error).message}`
      }
    }
  }
  if (comparison.kind === 'unavailable') {
    notes.warn(
      `No base to compare with: ${comparison.reason}. Every unit is gated${settings.failOn === 'regression' ? ' and treated as new' : ''}.`
    )
  }
  // a unit reached through a link that is a directory of an image's search path is gated there, not
  // as a unit of the plain directory too, unless the change made or moved the link
  found.files = withoutPlainCopies(
    found.files,
    found.listings,
    (changes ?? []).flatMap((c) =>
      [c.path, c.oldPath].flatMap((p) => (p === undefined ? [] : [path.resolve(workspace, p)]))
    )
  )
  // a unit the change moves out of what paths/exclude take (units/a.service -> svc/a.service) stays
  // gated at its new place: moving it must not take it out of sight
  // (git sees a move with new content as a removal and an addition: the same file name counts)
  const inScope = pathsScope(settings.paths, settings.exclude, workspace)
  const removedNames = new Set(
    (changes ?? [])
      .filter((c) => c.status === 'D' && inScope(c.path))
      .map((c) => path.posix.basename(c.path))
  )
  for (const change of changes ?? []) {
    if (change.status === 'D' || !change.path.endsWith('.service')) continue
    const moved =
      change.oldPath !== undefined
        ? inScope(change.oldPath)
        : removedNames.has(path.posix.basename(change.path))
    if (!moved) continue
    const file = path.resolve(workspace, change.path)
    if (!found.files.includes(file)) found.files.push(file)
  }
  // a file paths/exclude leave out that systemd loads for a gated unit's name (an image tree's
  // etc/ copy over a gated usr/lib/ unit) is gated too: it is what runs under that name
  const namesakes = namesakesThatLoad(
    found.files.map((f) => toPosix(path.relative(workspace, f))),
    (changes ?? []).flatMap((c) =>
      c.status === 'D' && inScope(c.path)
        ? [c.path]
        : c.status === 'R' && c.oldPath !== undefined && inScope(c.oldPath)
          ? [c.oldPath]
          : []
    ),
    (file) =>
      fs.lstatSync(path.join(workspace, file), { throwIfNoEntry: false })?.isDirectory() === false,
    (dir) => eitherSearchDirectories(dir, settings.version)
  )
  for (const namesake of namesakes) found.files.push(path.resolve(workspace, namesake))
  found.files.sort()
  const unitPaths = found.files.map((f) => toPosix(path.relative(workspace, f)))
  // the base commit's tree, read once for the policy and the units
  let baseTree: BaseTree | undefined
  const treeAtBase =
    comparison.kind === 'base' && git
      ? (): BaseTree =>
          (baseTree ??= {
            entries: git.tree(comparison.base),
            prefix: git.prefix,
            topPaths: git.topPaths(),
            read: (oids) => git.blobs(oids)
          })
      : undefined
  // The base is read from git objects as stored; what ran at the base was its checkout. A change of
  // .gitattributes that may convert files changes how files the pull request does not touch are
  // checked out (a unit's bytes, a policy's): every unit is judged by the threshold, the policy as
  // at the base.
  const attributes = conversionChanges(changes ?? [], workspace, treeAtBase)
  settings = policyAtBase(
    settings,
    changes,
    comparison,
    treeAtBase,
    event,
    notes,
    workspace,
    attributes.length > 0
  )
  const roots = readableRoots(workspace, found.outside)
  // One reader for every unit: directory listings and links are read once per directory.
  const reader = createReader(roots, workspace)
  const inputs = changes
    ? unitInputs(found.files, workspace, reader, settings.version)
    : { aliases: new Map<string, string[]>(), otherNames: new Map<string, UnitName[]>() }
  let scope = chooseScope(settings, comparison, changes, unitPaths, inputs, event)

  // Scores: every applicable row is kept so the savings of a fix are exact.
  const options: GateOptions & { cwd: string } = {
    version: settings.version,
    policy: settings.policy,
    threshold: settings.threshold,
    cwd: workspace,
    // one date for the whole run: exceptions expire on the same day at head and base
    today: isoToday(),
    // the user-units input's units expand %u, %U, %g, %G and %h to the job's user, as
    // systemd-analyze --user run in the job does (no other unit is scored for a user's manager)
    managerUser: settings.userUnits.length ? invokingUser() : undefined
  }
  const scanAt = (i: number, gateOptions: typeof options): UnitReport =>
    scanUnitFile(found.files[i]!, roots, { ...gateOptions, scope: scopeOf(unitPaths[i]!) }, reader)
  // The base, read from git objects. When it cannot be read, units are judged by the threshold, and
  // with scope changed every unit is gated: a unit changed through another file (see
  // widenToChangedResults) cannot be told from one that did not change.
  let baseUnreadable = false
  if (attributes.length > 0 && comparison.kind === 'base') {
    baseUnreadable = true
    notes.warn(
      `${capitalized(describeEvent(event))} changes ${attributes.map((c) => c.path).join(', ')}: git may check out files it does not touch differently from the base, whose units the gate reads from git objects as stored. Every unit is gated and judged by the threshold.`,
      { file: attributes[0]!.path, title: 'Checkout attributes changed' }
    )
  }
  const scoreBase = (
    paths: ReadonlyMap<string, string>,
    gateOptions: GateOptions
  ): Map<string, UnitReport | null> | undefined => {
    if (comparison.kind !== 'base' || !treeAtBase || baseUnreadable) return undefined
    const base = comparison.base
    try {
      return scoreAtBase(
        paths,
        treeAtBase(),
        gateOptions,
        templateInstance(settings.version),
        scopeOf
      )
    } catch (error) {
      baseUnreadable = true
      notes.warn(
        `Cannot read the units at the base ${short(base)}: ${(error as Error).message}. Units are judged by the threshold${scope.selected ? ', and every unit is gated' : ''}.`
      )
      return undefined
    }
  }

  /** one unit at the base as one instance of it (a template), without its other instances */
  const scoreBaseAs = (
    current: string,
    basePath: string,
    instance: string
  ): UnitReport | null | undefined => {
    if (comparison.kind !== 'base' || !treeAtBase || baseUnreadable) return undefined
    try {
      return scoreAtBase(
        new Map([[current, basePath]]),
        treeAtBase(),
        { ...options, keepPassingChecks: true, suggest: false },
        instance,
        scopeOf,
        false
      ).get(current)
    } catch {
      return undefined
    }
  }

  // A unit none of whose files changed can still change (see widenToChangedResults): with scope
  // changed, the others are scored at both commits, score only (no rows, no drop-ins), to find those.
  if (scope.selected && comparison.kind === 'base') {
    const changed = scope.selected
    const others = unitPaths.flatMap((p, i) => (changed.has(p) ? [] : [i]))
    const scoreOnly = { ...options, keepPassingChecks: false, costliestChecks: 0, suggest: false }
    const atBase = scoreBase(new Map(others.map((i) => [unitPaths[i]!, unitPaths[i]!])), scoreOnly)
    if (atBase) {
      // only what the comparison reads is kept of each report (10,000 reports cost ~10 MB)
      const atHead = new Map(
        others.map((i) => {
          const { status, unit, exposure, passed } = scanAt(i, scoreOnly)
          return [unitPaths[i]!, { status, unit, exposure, passed }]
        })
      )
      const widened = widenToChangedResults(changed, atHead, atBase)
      scope = { ...scope, changed: widened, selected: widened }
    }
  }
  const selected = baseUnreadable ? undefined : scope.selected
  const gated = unitPaths.flatMap((p, i) => (!selected || selected.has(p) ? [i] : []))
  // Scores: every applicable row is kept so the savings of a fix are exact.
  const units = gated.map((i) => scanAt(i, { ...options, keepPassingChecks: true }))
  // No drop-in suggestions for the base: only its score is compared.
  const basePathOf = (current: string): string => scope.changed?.get(current)?.basePath ?? current
  const bases = scoreBase(new Map(gated.map((i) => [unitPaths[i]!, basePathOf(unitPaths[i]!)])), {
    ...options,
    keepPassingChecks: true,
    suggest: false
  })
  // renamed from a file the gate did not gate (a fixture outside paths, a text file): a new unit
  for (const i of gated) {
    const current = unitPaths[i]!
    const before = basePathOf(current)
    if (before !== current && !inScope(before)) {
      bases?.set(current, null)
    }
  }
  // a unit whose name loaded from another file at the base is judged against the stricter of that
  // file's result and its own (see UnitChange.alsoBasePath)
  const alsoBases = new Map(
    gated.flatMap((i) => {
      const other = scope.changed?.get(unitPaths[i]!)?.alsoBasePath
      return other === undefined ? [] : [[unitPaths[i]!, other] as const]
    })
  )
  if (bases && alsoBases.size > 0) {
    const others = scoreBase(alsoBases, { ...options, keepPassingChecks: true, suggest: false })
    units.forEach((unit, k) => {
      const current = unitPaths[gated[k]!]!
      const other = others?.get(current)
      const stricter =
        other === undefined ? undefined : stricterBase(unit, bases.get(current), other)
      if (stricter !== undefined) bases.set(current, stricter)
    })
  }

  // a template is judged by its worst instance; in regression mode an instance the change touched
  // is also compared with itself at the base (a second instance weakened to no worse than one that
  // was weak already is still worse than it was)
  if (bases && settings.failOn === 'regression' && changes) {
    const touched = touchedPaths(changes)
    units.forEach((unit, k) => {
      const i = gated[k]!
      const current = unitPaths[i]!
      const named = parseUnitName(path.posix.basename(current))
      if (!named?.isTemplate || compareWithBase(unit, bases.get(current)) === 'worse') return
      const prefixes = templatePrefixes(named, inputs.otherNames.get(current) ?? [])
      const searched = (dir: string) => eitherSearchDirectories(dir, settings.version)
      for (const instance of changedInstances(current, touched, prefixes, searched).keys()) {
        const now = scanUnitFile(
          found.files[i]!,
          roots,
          { ...options, keepPassingChecks: true, scope: scopeOf(current) },
          reader,
          instance
        )
        const then = scoreBaseAs(current, basePathOf(current), instance)
        if (then !== undefined && compareWithBase(now, then) === 'worse') {
          units[k] = now
          bases.set(current, then)
          return
        }
      }
    })
  }

  // every unit is gated (scope all, no base ...): the comparison only explains why each changed
  if (!selected && scope.changed && bases) {
    const atHead = new Map(units.map((unit, k) => [unitPaths[gated[k]!]!, unit]))
    scope = { ...scope, changed: widenToChangedResults(scope.changed, atHead, bases) }
  }
  // A unit whose files git converts on checkout (working-tree-encoding, ident, a filter, eol=crlf)
  // ran otherwise at the base than its stored blobs read: in regression mode it is judged as new,
  // by the threshold.
  if (bases && git && settings.failOn === 'regression') {
    const filesOf = new Map<string, string[]>()
    units.forEach((unit, k) => {
      const current = unitPaths[gated[k]!]!
      const atBase = bases.get(current)
      if (!atBase) return
      // the head's files and the base's (a unit renamed, a drop-in removed): git converts a path
      // the same way at both while .gitattributes is unchanged (else every unit is judged anyway)
      const read = [
        current,
        basePathOf(current),
        ...(inputs.aliases.get(current) ?? []),
        ...unit.dropIns,
        ...atBase.dropIns
      ]
      // a file that is a link is checked out where it leads, now and at the base
      const files = [...new Set([...read, ...linkTargets(read, workspace, treeAtBase)])]
      filesOf.set(
        current,
        files.map((file) => (git.prefix ? `${git.prefix}/${file}` : file))
      )
    })
    let converted: Map<string, string[]>
    try {
      converted = convertedUnits(filesOf, (files) => git.convertedOnCheckout(files))
    } catch (error) {
      notes.warn(
        `Cannot read the checkout attributes: ${(error as Error).message}. Units are judged by the threshold.`
      )
      converted = filesOf
    }
    for (const [current, which] of converted) {
      bases.set(current, null)
      if (converted !== filesOf)
        notes.warn(
          `${current}: git converts ${which.join(', ')} on checkout (.gitattributes): the base, read from git objects as stored, cannot be compared with it, so the unit is judged by the threshold.`,
          { file: current, title: 'Converted on checkout' }
        )
    }
  }
  const outcomes = judge(units, bases, settings.failOn, settings.threshold, scope.changed)
  const failing = outcomes.filter((o) => o.failed)
  const passed = failing.length === 0
  const scored = units.filter((u) => u.score !== null).map((u) => u.score!)

  // ---- reporting: each part on its own; none of it can change the verdict ----
  const reportPath = path.join(
    env.RUNNER_TEMP || os.tmpdir(),
    `systemd-hardening-gate-${(env.GITHUB_ACTION || 'report').replace(/[^A-Za-z0-9_.-]/g, '_')}.json`
  )
  const report = gateReport(units.map(cliShaped), settings)
  attempt('write the JSON report', notes, () => {
    const fd = fs.openSync(reportPath, 'w')
    try {
      for (const chunk of renderJsonChunks(report)) fs.writeSync(fd, redactSecrets(chunk))
    } finally {
      fs.closeSync(fd)
    }
  })
  attempt('set the outputs', notes, () => {
    core.setOutput('passed', String(passed))
    core.setOutput('max-score', scored.length ? Math.max(...scored).toFixed(1) : '')
    core.setOutput('failed-units', String(failing.length))
    core.setOutput('report', reportPath)
  })

  core.startGroup(
    `systemd hardening gate: ${outcomes.length} unit(s) gated, ${failing.length} failing`
  )
  logOutcomes(outcomes)
  core.endGroup()

  const plan = planAnnotations(outcomes, { failOn: settings.failOn, threshold: settings.threshold })
  attempt('emit the annotations', notes, () => {
    for (const a of plan.annotations) {
      const properties: core.AnnotationProperties = { title: a.title }
      if (a.file !== undefined) properties.file = a.file
      if (a.line !== undefined) properties.startLine = a.line
      core[a.level](a.message, properties)
    }
  })
  if (outcomes.length === 0) {
    core.notice(
      found.files.length === 0
        ? `No service unit file matches the paths input: nothing to gate, the check passes.`
        : `None of the ${found.files.length} unit files is changed by ${describeEvent(event)}: nothing to gate, the check passes.`,
      { title: 'systemd hardening gate' }
    )
  }

  if (settings.sarifFile) {
    const sarifFile = settings.sarifFile
    attempt(`write the SARIF file ${sarifFile}`, notes, () => {
      // Code scanning compares whole-tree analyses, so the SARIF covers every unit the paths match.
      const all = selected
        ? found.files.map((file) => scanUnitFile(file, roots, options, reader))
        : units.map(cliShaped)
      const { sarif: log, results } = renderSarifCounted(gateReport(all, settings), VERSION)
      const sarif = redactSecrets(log)
      writeFileSafely(path.resolve(workspace, sarifFile), sarif, [
        workspace,
        env.RUNNER_TEMP || os.tmpdir()
      ])
      const tooLarge = codeScanningLimitWarning(results, zlib.gzipSync(sarif).length)
      if (tooLarge) notes.warn(tooLarge)
    })
  }

  if (settings.review) {
    // after the verdict, before the summary (which lists its warnings); never changes the verdict
    try {
      await reviewPullRequest({
        env,
        token: settings.token,
        eventName: env.GITHUB_EVENT_NAME ?? '',
        payload,
        outcomes,
        options,
        failOn: settings.failOn,
        passed,
        workspace,
        git,
        ...(comparison.kind === 'base' ? { baseSha: comparison.base } : {}),
        warn: (text) => notes.warn(text),
        info: (text) => core.info(commandSafe(text))
      })
    } catch (error) {
      notes.warn(`Could not post the pull-request review: ${describeThrown(error)}`)
    }
  }

  const summaryFile = env.GITHUB_STEP_SUMMARY
  if (summaryFile) {
    attempt('write the job summary', notes, () => {
      const summary = buildSummary({
        outcomes,
        failOn: settings.failOn,
        threshold: settings.threshold,
        policy: settings.policy.name,
        version: settings.version,
        scope: scope.text,
        found: found.files.length,
        passed,
        notes: notes.items,
        annotationsOmitted: plan.omitted
      })
      fs.appendFileSync(summaryFile, summary)
    })
  }

  const limit = tenths(settings.threshold)
  core.info(
    passed
      ? `Gate passed: ${outcomes.length} unit(s) gated, none fails (threshold ${limit}, fail-on ${settings.failOn}).`
      : `Gate ${settings.failOn === 'never' ? 'would fail (fail-on: never)' : 'failed'}: ${failing.length} of ${outcomes.length} unit(s).`
  )
  if (passed || settings.failOn === 'never') return undefined
  const listed = [...failing]
    .sort(bySeverity)
    .slice(0, 10)
    .map((o) => `${o.unit.path} ${describeScore(o.unit)}`)
  const more = failing.length > 10 ? `, and ${failing.length - 10} more` : ''
  const criterion =
    settings.failOn === 'regression'
      ? `new above ${limit} or worse than the base`
      : `threshold ${limit}`
  return commandSafe(
    `${failing.length} unit(s) fail the hardening gate (${criterion}): ${listed.join(', ')}${more}. See the annotations and the job summary.`
  )
}

function describeThrown(error: unknown): string {
  if (error instanceof Error) return error.message || error.name
  return `a non-Error value was thrown: ${inspect(error, { depth: 2, breakLength: Infinity })}`
}

export async function run(env: Env = process.env): Promise<void> {
  try {
    const failure = await gate(env)
    if (failure !== undefined) core.setFailed(failure)
  } catch (error) {
    if (error instanceof InputError || error instanceof PatternError) {
      core.setFailed(commandSafe(error.message))
      return
    }
    core.setFailed(
      commandSafe(`systemd-hardening-gate stopped on an unexpected error: ${describeThrown(error)}`)
    )
    if (error instanceof Error && error.stack) {
      core.startGroup('Stack trace')
      for (const line of error.stack.split('\n')) core.info(commandSafe(`  ${line}`))
      core.endGroup()
    }
  }
}
