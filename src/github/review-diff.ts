/**
 * The pull request's diff as GitHub sees it (pure): which lines of each file a review comment may
 * point at. GitHub accepts a comment only on a RIGHT-side line (added or context) inside a hunk of
 * the file's patch, and a multi-line comment only when start_line < line within one hunk; anything
 * else is a 422 that rejects the whole review.
 */

export interface Hunk {
  oldStart: number
  newStart: number
  /** new-side (RIGHT) line count */
  newLines: number
  /** RIGHT-side text by line number (added and context lines) */
  text: Map<number, string>
  /** RIGHT-side lines the change added */
  added: Set<number>
}

export interface FilePatch {
  /** POSIX path relative to the repository top */
  path: string
  previousPath?: string
  /** added, removed, modified, renamed, copied, changed, unchanged */
  status: string
  /** null when GitHub gives no patch (binary, too large): nothing in it can be commented */
  hunks: Hunk[] | null
}

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/

/** Parses the `patch` of a pull-request file (hunks only, as pulls.listFiles returns it). */
export function parsePatch(patch: string): Hunk[] {
  const hunks: Hunk[] = []
  let hunk: Hunk | undefined
  let line = 0
  let oldLeft = 0
  let newLeft = 0
  for (const raw of patch.split('\n')) {
    const header = HUNK_HEADER.exec(raw)
    if (header) {
      const newStart = Number(header[3])
      hunk = {
        oldStart: Number(header[1]),
        newStart,
        newLines: header[4] === undefined ? 1 : Number(header[4]),
        text: new Map(),
        added: new Set()
      }
      hunks.push(hunk)
      line = newStart
      oldLeft = header[2] === undefined ? 1 : Number(header[2])
      newLeft = hunk.newLines
      continue
    }
    if (!hunk || (oldLeft <= 0 && newLeft <= 0)) continue
    const mark = raw[0]
    if (mark === '+') {
      hunk.text.set(line, raw.slice(1))
      hunk.added.add(line)
      line++
      newLeft--
    } else if (mark === '-') {
      oldLeft--
    } else if (mark === ' ' || (raw === '' && newLeft > 0 && oldLeft > 0)) {
      hunk.text.set(line, raw.slice(1))
      line++
      newLeft--
      oldLeft--
    }
    // '\ No newline at end of file' and anything else: not a line
  }
  return hunks
}

export function hunkOf(file: FilePatch, line: number): Hunk | undefined {
  return file.hunks?.find((h) => h.text.has(line))
}

/** Whether GitHub accepts a review comment on line (or start_line..line) of this file. */
export function canComment(file: FilePatch, line: number, startLine?: number): boolean {
  const hunk = hunkOf(file, line)
  if (!hunk) return false
  if (startLine === undefined) return true
  return startLine < line && hunk.text.has(startLine)
}

/** Every RIGHT-side line of the file's patch, in order. */
export function rightLines(file: FilePatch): number[] {
  return (file.hunks ?? []).flatMap((h) => [...h.text.keys()])
}

/** Unquotes a path as git prints it ("a/b\tc" with C escapes) */
function unquote(text: string): string {
  if (!text.startsWith('"')) return text
  const bytes: number[] = []
  const escapes: Record<string, number> = {
    n: 10,
    t: 9,
    r: 13,
    '"': 34,
    '\\': 92,
    a: 7,
    b: 8,
    f: 12,
    v: 11
  }
  for (let i = 1; i < text.length - 1; i++) {
    const c = text[i]!
    if (c !== '\\') {
      bytes.push(...Buffer.from(c, 'utf8'))
      continue
    }
    const next = text[++i]!
    if (/[0-7]/.test(next)) {
      bytes.push(parseInt(text.slice(i, i + 3), 8))
      i += 2
    } else bytes.push(escapes[next] ?? next.charCodeAt(0))
  }
  return Buffer.from(bytes).toString('utf8')
}

/**
 * Parses `git diff-tree -p` output into per-file patches (the fallback when the API lists fewer
 * files than the pull request has). Paths come from the `+++ b/` and `--- a/` lines.
 */
export function parseGitPatches(text: string): FilePatch[] {
  const files: FilePatch[] = []
  const lines = text.split('\n')
  let i = 0
  while (i < lines.length) {
    if (!lines[i]!.startsWith('diff --git ')) {
      i++
      continue
    }
    let oldPath: string | undefined
    let newPath: string | undefined
    let status = 'modified'
    let renameFrom: string | undefined
    let renameTo: string | undefined
    let binary = false
    i++
    while (
      i < lines.length &&
      !lines[i]!.startsWith('diff --git ') &&
      !lines[i]!.startsWith('@@')
    ) {
      const l = lines[i]!
      if (l.startsWith('--- '))
        oldPath = l === '--- /dev/null' ? undefined : unquote(l.slice(4)).replace(/^a\//, '')
      else if (l.startsWith('+++ '))
        newPath = l === '+++ /dev/null' ? undefined : unquote(l.slice(4)).replace(/^b\//, '')
      else if (l.startsWith('new file mode')) status = 'added'
      else if (l.startsWith('deleted file mode')) status = 'removed'
      else if (l.startsWith('rename from ')) renameFrom = unquote(l.slice(12))
      else if (l.startsWith('rename to ')) renameTo = unquote(l.slice(10))
      else if (l.startsWith('Binary files ')) binary = true
      i++
    }
    const body: string[] = []
    while (i < lines.length && !lines[i]!.startsWith('diff --git ')) body.push(lines[i++]!)
    const path = newPath ?? renameTo ?? oldPath
    if (path === undefined) continue
    if (renameTo !== undefined) status = 'renamed'
    files.push({
      path,
      ...(renameFrom !== undefined ? { previousPath: renameFrom } : {}),
      status,
      hunks: binary ? null : parsePatch(body.join('\n'))
    })
  }
  return files
}
