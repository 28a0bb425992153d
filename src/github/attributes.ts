/**
 * Checkout conversions. The Action reads the base from git objects as stored, while what ran at the
 * base was its checkout, which .gitattributes may convert (working-tree-encoding, ident, a filter,
 * eol=crlf): a change to the attributes changes how untouched files are checked out, and a unit
 * whose files are converted cannot be compared with its stored blobs.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import type { BaseTree } from './baseline.js'
import type { TreeEntry } from './git.js'
import { normalize, SYMLINK } from './baseline.js'
import type { Change } from './changes.js'

/** Attributes that make checked-out bytes differ from the stored blob (see convertedOnCheckout). */
const CONVERTING_ATTRIBUTE = /working-tree-encoding|\bident\b|\bfilter\b|\beol\s*=\s*crlf|\bcrlf\b/

/** An attributes file larger than this is not read: taken to convert. */
const MAX_ATTRIBUTES_BYTES = 1024 * 1024

/** 'unknown': a file that could not be read as text (taken to convert) */
type Text = string | undefined | 'unknown'

/**
 * The lines of an attributes file that matter, trimmed: not comments, blank lines, nor negative
 * patterns (`!*.service ident`, quoted or not), which git ignores with a warning.
 */
const linesOf = (text: string): string[] =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(
      (line) =>
        line !== '' && !line.startsWith('#') && !line.startsWith('!') && !line.startsWith('"!')
    )
    .map((line) => (line.startsWith('"[attr]') ? unquotedHead(line) : line))

/** A line whose first token git C-unquotes (`"[attr]m" filter=x` defines the macro m). */
function unquotedHead(line: string): string {
  for (let i = 1; i < line.length; i++) {
    if (line[i] === '\\') i++
    else if (line[i] === '"') return line.slice(1, i).replace(/\\(.)/g, '$1') + line.slice(i + 1)
  }
  return line
}

/** The attribute names a line sets, unsets or resets (`ident`, `-text`, `!eol`, `eol=lf`). */
const attributeNames = (line: string): string[] =>
  line
    .split(/\s+/)
    .slice(1)
    .map((token) => token.replace(/^[-!]/, '').split('=', 1)[0]!)

/**
 * The macros of a top .gitattributes (`[attr]crlfy eol=crlf`) that convert, directly or through
 * another such macro: a line using one converts as if it named what the macro sets.
 */
function convertingMacros(lines: readonly string[] | 'unknown'): Set<string> {
  const macros = new Set<string>()
  if (lines === 'unknown') return macros
  const definitions = lines.filter((line) => line.startsWith('[attr]'))
  for (let grown = true; grown;) {
    grown = false
    for (const line of definitions) {
      const name = macroName(line)
      if (macros.has(name)) continue
      if (CONVERTING_ATTRIBUTE.test(line) || attributeNames(line).some((n) => macros.has(n))) {
        macros.add(name)
        grown = true
      }
    }
  }
  return macros
}

/**
 * Files a unit's score rests on (units, drop-ins, policies): a pattern ending in another extension
 * (`*.zip`, `docs/*.png`) matches none of them.
 */
const UNIT_INPUT_EXTENSION = /\.(service|socket|conf|json|d)$/

/** The extension of a path's last component (`.txt`), if it has one. */
const extensionOf = (file: string): string | undefined =>
  /\.[A-Za-z0-9_-]+$/.exec(file.slice(file.lastIndexOf('/') + 1))?.[0]

/** The text without the slashes that end it (a loop: `/\/+$/` is quadratic on `///...x`). */
function withoutTrailingSlashes(text: string): string {
  let end = text.length
  while (end > 0 && text.charCodeAt(end - 1) === 0x2f) end--
  return text.slice(0, end)
}

function mayMatchUnitInputs(line: string, linked: ReadonlySet<string>): boolean {
  if (line.startsWith('[attr]')) return true
  const pattern = withoutTrailingSlashes(line.split(/\s/, 1)[0]!)
  // a quoted or escaped pattern (git C-unquotes `"*.service"x.zip`) or a bracket: taken to match
  if (/["\\[]/.test(pattern)) return true
  const extension = extensionOf(pattern)
  return extension === undefined || UNIT_INPUT_EXTENSION.test(extension) || linked.has(extension)
}

/**
 * The extensions of the files that unit inputs which are links lead to (`h.conf -> ../srv/h.txt`:
 * `.txt`), at the base and among the files the changes add: a pattern for them matches a file a
 * unit rests on (red team round 15, A4).
 */
function linkedExtensions(
  base: BaseTree | undefined,
  changes: readonly Change[],
  workspace: string
): Set<string> {
  const extensions = new Set<string>()
  const add = (text: string): void => {
    const extension = extensionOf(text)
    if (extension !== undefined && !UNIT_INPUT_EXTENSION.test(extension)) extensions.add(extension)
  }
  if (base) {
    const links = [...base.entries].filter(
      ([file, entry]) => entry.mode === SYMLINK && UNIT_INPUT_EXTENSION.test(file)
    )
    const texts = base.read(links.map(([, entry]) => entry.oid))
    for (const [, entry] of links) add(Buffer.from(texts.get(entry.oid) ?? []).toString('utf8'))
  }
  for (const change of changes) {
    if (change.status === 'D' || !UNIT_INPUT_EXTENSION.test(change.path)) continue
    try {
      add(fs.readlinkSync(path.join(workspace, change.path)))
    } catch {
      // not a link
    }
  }
  return extensions
}

/**
 * Whether any of `lines` converts files a unit rests on: it names a converting attribute, or one of
 * `macros` (the top file's converting macros).
 */
function mayConvert(
  lines: readonly string[] | 'unknown',
  macros: ReadonlySet<string> = new Set(),
  /** extensions of the files unit inputs link to (see linkedExtensions) */
  linked: ReadonlySet<string> = new Set()
): boolean {
  if (lines === 'unknown') return true
  return lines.some(
    (line) =>
      (CONVERTING_ATTRIBUTE.test(line) || attributeNames(line).some((n) => macros.has(n))) &&
      mayMatchUnitInputs(line, linked)
  )
}

/**
 * The macros that some line of `lines` (every .gitattributes, before and after) uses for a file, or
 * that such a macro sets in turn (`[attr]win crlfy`); undefined when a file could not be read.
 */
function usedMacros(lines: ReadonlyArray<readonly string[] | 'unknown'>): Set<string> | undefined {
  if (lines.includes('unknown')) return undefined
  const all = (lines as ReadonlyArray<readonly string[]>).flat()
  const used = new Set(all.filter((line) => !line.startsWith('[attr]')).flatMap(attributeNames))
  const definitions = all.filter((line) => line.startsWith('[attr]'))
  for (let grown = true; grown;) {
    grown = false
    for (const line of definitions) {
      if (!used.has(macroName(line))) continue
      for (const name of attributeNames(line)) {
        if (used.has(name)) continue
        used.add(name)
        grown = true
      }
    }
  }
  return used
}

const macroName = (line: string): string => line.slice('[attr]'.length).split(/\s/, 1)[0]!

/**
 * The converting lines of a file's two versions when they differ, in content or in order (the
 * last line that matches a path decides: swapping `-ident` and `ident` is a change), else none.
 */
function changedLines(
  before: Text,
  after: Text,
  macros: ReadonlySet<string>,
  /** the top .gitattributes: git reads `[attr]` macros there only, and ignores them elsewhere */
  top: boolean,
  /** the macros a line uses (undefined: any may be) */
  used: ReadonlySet<string> | undefined,
  linked: ReadonlySet<string>
): string[] | 'unknown' {
  if (before === 'unknown' || after === 'unknown') return 'unknown'
  // a macro no line uses converts nothing, however it is defined
  const counts = (line: string): boolean =>
    !line.startsWith('[attr]') || (top && (used === undefined || used.has(macroName(line))))
  // a converting macro redefined (git takes the last definition) counts, whatever the new one sets
  const redefines = (line: string): boolean =>
    line.startsWith('[attr]') && macros.has(macroName(line))
  const converting = (text: Text): string[] =>
    linesOf(text ?? '').filter(
      (line) => counts(line) && (mayConvert([line], macros, linked) || redefines(line))
    )
  const old = converting(before)
  const now = converting(after)
  return old.length === now.length && old.every((line, i) => line === now[i])
    ? []
    : [...old, ...now]
}

const asLines = (text: Text): string[] | 'unknown' =>
  text === 'unknown' ? 'unknown' : linesOf(text ?? '')

const isAttributes = (file: string | undefined): boolean =>
  file !== undefined && path.posix.basename(file) === '.gitattributes'

/**
 * Workspace-relative files' texts at the base, read in one git process (one each took ~12 ms: half
 * a minute for a repository with 2,000 .gitattributes files). A tree that cannot be read, or a
 * file that cannot be, is 'unknown'; a file the base does not have is undefined.
 */
function textsAtBase(
  tree: (() => BaseTree) | undefined,
  files: readonly string[]
): Map<string, Text> {
  const texts = new Map<string, Text>()
  if (!tree) return texts
  let base: BaseTree
  try {
    base = tree()
  } catch {
    for (const file of files) texts.set(file, 'unknown')
    return texts
  }
  const entries = new Map<string, TreeEntry>()
  for (const file of files) {
    const entry = base.entries.get(base.prefix ? `${base.prefix}/${file}` : file)
    if (!entry) texts.set(file, undefined)
    else if (entry.type !== 'blob' || (entry.size ?? 0) > MAX_ATTRIBUTES_BYTES)
      texts.set(file, 'unknown')
    else entries.set(file, entry)
  }
  let blobs: ReadonlyMap<string, Uint8Array> = new Map()
  try {
    blobs = base.read([...entries.values()].map((entry) => entry.oid))
  } catch {
    // each of them unknown, below
  }
  for (const [file, entry] of entries) {
    const bytes = blobs.get(entry.oid)
    texts.set(
      file,
      bytes && bytes.length <= MAX_ATTRIBUTES_BYTES
        ? Buffer.from(bytes).toString('utf8')
        : 'unknown'
    )
  }
  return texts
}

/** A workspace-relative file's text in the checkout (not a small regular file: 'unknown'). */
function textInCheckout(workspace: string, file: string): Text {
  const absolute = path.join(workspace, file)
  const stat = fs.lstatSync(absolute, { throwIfNoEntry: false })
  if (!stat) return undefined
  if (!stat.isFile() || stat.size > MAX_ATTRIBUTES_BYTES) return 'unknown'
  try {
    return fs.readFileSync(absolute, 'utf8')
  } catch {
    return 'unknown'
  }
}

/**
 * The changes to .gitattributes files that may change how files are checked out: all of them when
 * a line added, removed or moved names a converting attribute (or a macro of the top .gitattributes
 * that sets one) for files a unit may rest on, none otherwise (`*.png binary` converts nothing).
 */
export function conversionChanges(
  changes: readonly Change[],
  workspace: string,
  tree: (() => BaseTree) | undefined
): Change[] {
  const touched = changes.filter((c) => isAttributes(c.path) || isAttributes(c.oldPath))
  if (touched.length === 0) return []
  const base = baseOf(tree)
  // the files of the tree, before or after (undefined: not known)
  const files = filesBeforeOrAfter(base, changes)
  const attributesFiles = files?.filter(isAttributes) ?? []
  const atBase = textsAtBase(tree, [
    ...new Set(['.gitattributes', ...touched.map((c) => c.oldPath ?? c.path), ...attributesFiles])
  ])
  const textAtBase = (file: string): Text => atBase.get(file)
  // git reads macros from the top file only: those that convert there, before or after
  const topBefore = asLines(textAtBase('.gitattributes'))
  const topAfter = asLines(textInCheckout(workspace, '.gitattributes'))
  if (topBefore === 'unknown' || topAfter === 'unknown') return touched
  const macros = new Set([...convertingMacros(topBefore), ...convertingMacros(topAfter)])
  const linked = linkedExtensions(base, changes, workspace)
  const used = files
    ? usedMacros(
        attributesFiles.flatMap((file) => [
          asLines(textAtBase(file)),
          asLines(textInCheckout(workspace, file))
        ])
      )
    : undefined
  const convertsBetween = (before: Text, after: Text, top: boolean): boolean =>
    mayConvert(changedLines(before, after, macros, top, used, linked), macros, linked)
  // `git lfs track "*.zip"` does not count, nor does the top file's own `*.png filter=lfs`
  const converting = touched.some((c) => {
    const before = textAtBase(c.oldPath ?? c.path)
    const after = c.status === 'D' ? undefined : textInCheckout(workspace, c.path)
    const from = c.oldPath ?? c.path
    // moved to another directory, the same lines match other files: a removal and an addition
    if (path.posix.dirname(from) !== path.posix.dirname(c.path)) {
      return (
        convertsBetween(before, undefined, from === '.gitattributes') ||
        convertsBetween(undefined, after, c.path === '.gitattributes')
      )
    }
    return convertsBetween(before, after, c.path === '.gitattributes')
  })
  return converting ? touched : []
}

/** The base tree, or undefined when there is none or it cannot be read. */
function baseOf(tree: (() => BaseTree) | undefined): BaseTree | undefined {
  try {
    return tree?.()
  } catch {
    return undefined
  }
}

/** The workspace-relative paths of the files at the base and of those the changes add. */
function filesBeforeOrAfter(
  base: BaseTree | undefined,
  changes: readonly Change[]
): string[] | undefined {
  if (!base) return undefined
  const top = base.prefix ? `${base.prefix}/` : ''
  const files: string[] = []
  for (const file of base.entries.keys()) {
    if (file.startsWith(top)) files.push(file.slice(top.length))
  }
  for (const change of changes) if (change.status !== 'D') files.push(change.path)
  return files
}

/**
 * Where those of `files` (workspace-relative) that are symbolic links lead, in the checkout and at
 * the base (workspace-relative, inside the workspace): git converts the file it checks out, which
 * for a link is its target (red team round 15: a drop-in linked to a converted `h.txt`).
 */
export function linkTargets(
  files: readonly string[],
  workspace: string,
  tree: (() => BaseTree) | undefined
): string[] {
  const targets = new Set<string>()
  const realWorkspace = fs.realpathSync(workspace)
  const base = baseOf(tree)
  const links = new Map<string, TreeEntry>()
  for (const file of files) {
    const absolute = path.join(workspace, file)
    if (fs.lstatSync(absolute, { throwIfNoEntry: false })?.isSymbolicLink()) {
      try {
        const real = path.relative(realWorkspace, fs.realpathSync(absolute))
        if (!real.startsWith('..') && !path.isAbsolute(real)) {
          targets.add(real.split(path.sep).join('/'))
        }
      } catch {
        // a link that leads nowhere converts nothing
      }
    }
    const entry = base?.entries.get(base.prefix ? `${base.prefix}/${file}` : file)
    if (entry?.mode === SYMLINK) links.set(file, entry)
  }
  // the links' texts at the base in one git process, not one each
  const texts = links.size && base ? base.read([...links.values()].map((e) => e.oid)) : new Map()
  for (const [file, entry] of links) {
    const bytes = texts.get(entry.oid)
    const text = bytes ? Buffer.from(bytes).toString('utf8') : ''
    if (text === '' || text.startsWith('/')) continue
    const target = normalize(`${path.posix.dirname(file)}/${text}`)
    if (target) targets.add(target)
  }
  return [...targets]
}

/**
 * Of `filesOf` (a unit's files, relative to the repository top, by unit), the units with files git
 * converts on checkout (`converted`: git check-attr, which may throw), with those files.
 */
export function convertedUnits(
  filesOf: ReadonlyMap<string, readonly string[]>,
  converted: (files: string[]) => Set<string>
): Map<string, string[]> {
  const found = new Set(converted([...new Set([...filesOf.values()].flat())]))
  const result = new Map<string, string[]>()
  for (const [unit, files] of filesOf) {
    const which = files.filter((file) => found.has(file))
    if (which.length > 0) result.set(unit, which)
  }
  return result
}
