/**
 * The workspace side: which unit files the `paths`/`exclude` inputs name, the directories links may
 * stay inside, and writing output files without following a link the checkout planted.
 */
import fg from 'fast-glob'
import * as fs from 'node:fs'
import * as path from 'node:path'
import picomatch from 'picomatch'
import {
  checkPatterns,
  DEFAULT_IGNORES,
  inDependencyDirectory,
  unitsGlobsMiss
} from '../scan/scan.js'
import type { Listing } from '../scan/scan.js'

export interface UnitFiles {
  /** absolute paths, sorted, unique */
  files: string[]
  /** entries that are neither a glob nor an existing path */
  missing: string[]
  /** directories outside the workspace that entries named (allowed as link targets) */
  outside: string[]
  /** the directories the walk listed, with their real paths (see withoutPlainCopies) */
  listings: ReadonlyMap<string, Listing>
}

const toPosix = (p: string): string => p.split(path.sep).join('/')

function isInside(child: string, parent: string): boolean {
  const relative = path.relative(parent, child)
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative))
}

/**
 * Expands `paths` entries: a glob (fast-glob syntax, relative to the workspace), a directory (its
 * `**\/*.service`) or a file. `exclude` globs are relative to the workspace; `.git` and
 * `node_modules` are always skipped. Links are listed, never followed, here.
 */
export async function resolveUnitFiles(
  entries: readonly string[],
  exclude: readonly string[],
  workspace: string
): Promise<UnitFiles> {
  checkPatterns([...entries.filter((e) => fg.isDynamicPattern(e)), ...exclude], picomatch)
  const ignore = [...DEFAULT_IGNORES, ...exclude]
  const found = new Set<string>()
  const missing: string[] = []
  const outside: string[] = []
  const glob = async (pattern: string, cwd: string): Promise<string[]> =>
    // relative, then joined: with `absolute` fast-glob turns every backslash into '/', and the
    // unit units/a\x2db.service (a valid name) would pass for the file units/a/x2db.service
    (
      await fg(pattern, {
        cwd,
        dot: true,
        onlyFiles: false,
        followSymbolicLinks: false,
        // what it cannot list (EACCES, a path too long) unitsGlobsMiss() reports
        suppressErrors: true,
        ignore
      })
    )
      .map((match) => path.join(cwd, match))
      // a dependency directory (multi-user.target.wants/) holds names, no unit files for systemd
      .filter((match) => !inDependencyDirectory(match))
  for (const entry of entries) {
    if (fg.isDynamicPattern(entry)) {
      for (const match of await glob(entry, workspace)) {
        const file = path.normalize(match)
        if (file.endsWith('.service')) found.add(file)
        else if (fs.lstatSync(file, { throwIfNoEntry: false })?.isDirectory()) {
          const relative = toPosix(path.relative(workspace, file))
          for (const unit of await glob(`${fg.escapePath(relative)}/**/*.service`, workspace)) {
            found.add(path.normalize(unit))
          }
        }
      }
      continue
    }
    const absolute = path.resolve(workspace, entry)
    const stat = fs.lstatSync(absolute, { throwIfNoEntry: false })
    if (!stat) {
      missing.push(entry)
      continue
    }
    // a link to a directory in the workspace (units -> deploy/units) names that directory: its
    // units are gated under the link's name, as they are deployed (one leading out of the workspace
    // stays an entry the scan refuses to follow)
    if (stat.isSymbolicLink() && linksToDirectoryInside(absolute, workspace)) {
      for (const unit of await glob('**/*.service', absolute)) found.add(path.normalize(unit))
      continue
    }
    if (!stat.isDirectory()) {
      found.add(absolute)
      if (!isInside(absolute, workspace)) outside.push(path.dirname(absolute))
      continue
    }
    if (isInside(absolute, workspace)) {
      const relative = toPosix(path.relative(workspace, absolute))
      const pattern = relative === '' ? '**/*.service' : `${fg.escapePath(relative)}/**/*.service`
      for (const unit of await glob(pattern, workspace)) found.add(path.normalize(unit))
    } else {
      outside.push(absolute)
      for (const unit of await glob('**/*.service', absolute)) found.add(path.normalize(unit))
    }
  }
  // What fast-glob cannot see (names holding line breaks, directories it cannot list) is gated too.
  const inside = scopePatterns(entries, workspace)
  const listings = new Map<string, Listing>()
  if (inside.length > 0) {
    for (const file of unitsGlobsMiss(
      workspace,
      inside,
      exclude,
      found,
      picomatch,
      true,
      listings
    )) {
      found.add(file)
    }
  }
  return { files: [...found].sort(), missing, outside, listings }
}

/** Whether a link leads to a directory inside the workspace. */
function linksToDirectoryInside(link: string, workspace: string): boolean {
  try {
    const real = fs.realpathSync(link)
    return fs.statSync(real).isDirectory() && isInside(real, fs.realpathSync(workspace))
  } catch {
    return false
  }
}

/**
 * The `paths` entries inside the workspace as globs relative to it (a file or directory as its
 * escaped path, the workspace itself as `**`): a unit is taken when one of them, or `GLOB/**`,
 * matches it (see unitsGlobsMiss() and pathsScope()).
 */
function scopePatterns(entries: readonly string[], workspace: string): string[] {
  return entries.flatMap((entry) => {
    if (fg.isDynamicPattern(entry)) return [entry]
    const absolute = path.resolve(workspace, entry)
    if (!isInside(absolute, workspace)) return []
    const relative = toPosix(path.relative(workspace, absolute))
    return [relative === '' ? '**' : fg.escapePath(relative)]
  })
}

/**
 * Whether the `paths`/`exclude` inputs take a workspace-relative unit path (the base side of a rename:
 * a file the gate never looked at, a test fixture or a text file, is no base to compare with). The
 * globs are compiled once: the caller asks for every change.
 */
export function pathsScope(
  entries: readonly string[],
  exclude: readonly string[],
  workspace: string
): (file: string) => boolean {
  const options = { dot: true, flags: 's' }
  const ignored = picomatch([...DEFAULT_IGNORES, ...exclude], options)
  const wanted = picomatch(
    scopePatterns(entries, workspace).flatMap((p) => [p, `${p}/**`]),
    options
  )
  return (file) => {
    if (!file.endsWith('.service') || !wanted(file)) return false
    const parts = file.split('/')
    for (let i = 1; i <= parts.length; i++) if (ignored(parts.slice(0, i).join('/'))) return false
    return true
  }
}

/**
 * The directories unit files and drop-ins may resolve into: every top-level entry of the workspace
 * except `.git` and links (so a unit linked to `.git/config`, where actions/checkout may keep a
 * token, is refused as leaving the tree) plus any outside directory the inputs named.
 */
export function readableRoots(workspace: string, outside: readonly string[]): string[] {
  let entries: fs.Dirent[] = []
  try {
    entries = fs.readdirSync(workspace, { withFileTypes: true })
  } catch {
    entries = []
  }
  // A top-level link is no root: the scanner resolves roots, and a link would make its target one.
  const roots = entries
    .filter((e) => e.name !== '.git' && !e.isSymbolicLink())
    .map((e) => path.join(workspace, e.name))
  return [...roots, ...outside]
}

/**
 * Writes a file under one of `roots` (the workspace, RUNNER_TEMP), refusing a path that resolves
 * elsewhere and replacing a symbolic link instead of writing through it.
 */
export function writeFileSafely(file: string, content: string, roots: readonly string[]): void {
  const directory = path.dirname(file)
  fs.mkdirSync(directory, { recursive: true })
  const realDirectory = fs.realpathSync(directory)
  const allowed = roots.some((root) => {
    try {
      return isInside(realDirectory, fs.realpathSync(root))
    } catch {
      return false
    }
  })
  if (!allowed)
    throw new Error(`${file} resolves outside the workspace and the runner's temporary directory`)
  const target = path.join(realDirectory, path.basename(file))
  const stat = fs.lstatSync(target, { throwIfNoEntry: false })
  if (stat?.isSymbolicLink()) fs.unlinkSync(target)
  else if (stat && !stat.isFile()) throw new Error(`${file} exists and is not a regular file`)
  const fd = fs.openSync(
    target,
    fs.constants.O_WRONLY |
      fs.constants.O_CREAT |
      fs.constants.O_TRUNC |
      (fs.constants.O_NOFOLLOW ?? 0),
    0o644
  )
  try {
    fs.writeFileSync(fd, content)
  } finally {
    fs.closeSync(fd)
  }
}
