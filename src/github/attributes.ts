/**
 * Checkout conversions. The Action reads the base from git objects as stored, while what ran at the
 * base was its checkout, which .gitattributes may convert (working-tree-encoding, ident, a filter,
 * eol=crlf): a change to the attributes changes how untouched files are checked out, and a unit
 * whose files are converted cannot be compared with its stored blobs.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import type { BaseTree } from './baseline.js'
import type { Change } from './changes.js'

/** Attributes that make checked-out bytes differ from the stored blob (see convertedOnCheckout). */
const CONVERTING_ATTRIBUTE = /working-tree-encoding|\bident\b|\bfilter\b|\beol\s*=\s*crlf|\bcrlf\b/

/** An attributes file larger than this is not read: taken to convert. */
const MAX_ATTRIBUTES_BYTES = 1024 * 1024

/** 'unknown': a file that could not be read as text (taken to convert) */
type Text = string | undefined | 'unknown'

/** Whether the lines of an attributes file (comments aside; `macros`: only `[attr]` lines) convert. */
function mayConvert(text: Text, macros = false): boolean {
  if (text === undefined) return false
  if (text === 'unknown') return true
  return text.split('\n').some((line) => {
    const content = line.trimStart()
    if (content.startsWith('#') || (macros && !content.startsWith('[attr]'))) return false
    return CONVERTING_ATTRIBUTE.test(content)
  })
}

/** A workspace-relative file's text at the base. */
function textAtBase(tree: (() => BaseTree) | undefined, file: string): Text {
  if (!tree) return undefined
  try {
    const { entries, prefix, read } = tree()
    const entry = entries.get(prefix ? `${prefix}/${file}` : file)
    if (!entry) return undefined
    const bytes = entry.type === 'blob' ? read([entry.oid]).get(entry.oid) : undefined
    return bytes && bytes.length <= MAX_ATTRIBUTES_BYTES
      ? Buffer.from(bytes).toString('utf8')
      : 'unknown'
  } catch {
    return 'unknown'
  }
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
 * a converting attribute is named in one, before or after (or in a macro of the top
 * .gitattributes), none otherwise (`*.png binary` converts nothing).
 */
export function conversionChanges(
  changes: readonly Change[],
  workspace: string,
  tree: (() => BaseTree) | undefined
): Change[] {
  const isAttributes = (file: string | undefined): boolean =>
    file !== undefined && path.posix.basename(file) === '.gitattributes'
  const touched = changes.filter((c) => isAttributes(c.path) || isAttributes(c.oldPath))
  if (touched.length === 0) return []
  const files = new Set(touched.flatMap((c) => [c.path, c.oldPath ?? c.path]))
  // a changed file names a converting attribute, or uses a macro of the top file that does (git
  // reads macros there only): `*.png filter=lfs` in the top file does not make every change count
  const converting =
    [...files].some(
      (file) => mayConvert(textAtBase(tree, file)) || mayConvert(textInCheckout(workspace, file))
    ) ||
    mayConvert(textAtBase(tree, '.gitattributes'), true) ||
    mayConvert(textInCheckout(workspace, '.gitattributes'), true)
  return converting ? touched : []
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
