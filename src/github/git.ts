/**
 * Read-only git plumbing on the checked-out workspace: which commit is checked out, its parents,
 * the files changed since a base, and unit files as they were at the base. Only plumbing commands
 * that never run filters, textconv, external diff drivers or hooks; nothing from the tree is executed.
 */
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'

export interface TreeEntry {
  /** 100644, 100755, 120000 (symlink), 040000, 160000 */
  mode: string
  type: string
  oid: string
  /** bytes, for blobs */
  size?: number
}

export class GitError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'GitError'
  }
}

/** Variables that would point git at another repository or make it prompt. */
const DROPPED_ENV =
  /^GIT_(DIR|WORK_TREE|INDEX_FILE|OBJECT_DIRECTORY|ALTERNATE_OBJECT_DIRECTORIES|NAMESPACE|CEILING_DIRECTORIES|EXTERNAL_DIFF|DIFF_OPTS|CONFIG_PARAMETERS|CONFIG_COUNT|CONFIG_KEY_\d+|CONFIG_VALUE_\d+)$/

const MAX_BUFFER = 1024 * 1024 * 1024

export class Git {
  /** repository top level (absolute) */
  readonly top: string
  /** the workspace relative to the top level, POSIX, '' when equal */
  readonly prefix: string
  private readonly env: NodeJS.ProcessEnv

  private constructor(top: string, prefix: string, env: NodeJS.ProcessEnv) {
    this.top = top
    this.prefix = prefix
    this.env = env
  }

  /** The repository containing `workspace`, or an error saying why there is none. */
  static open(workspace: string, env: NodeJS.ProcessEnv = process.env): Git | GitError {
    const cleanEnv: NodeJS.ProcessEnv = { GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' }
    for (const [key, value] of Object.entries(env)) {
      if (!DROPPED_ENV.test(key) && !(key in cleanEnv)) cleanEnv[key] = value
    }
    let top: string
    try {
      top = execFileSync('git', ['rev-parse', '--show-toplevel'], {
        cwd: workspace,
        env: cleanEnv,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe']
      }).replace(/\n$/, '')
    } catch (error) {
      const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim()
      return new GitError(stderr.split('\n')[0] || (error as Error).message)
    }
    const prefix = path.relative(top, workspace).split(path.sep).join('/')
    return new Git(top, prefix.startsWith('..') ? '' : prefix, cleanEnv)
  }

  /** The top as git names it and its real path, when that differs (a link on the way). */
  topPaths(): string[] {
    let real = this.top
    try {
      real = fs.realpathSync(this.top)
    } catch {
      // the top as named is all there is to go by
    }
    return real === this.top ? [this.top] : [this.top, real]
  }

  private run(args: string[], input?: string): Buffer {
    try {
      return execFileSync(
        'git',
        ['-c', 'core.fsmonitor=false', '-c', 'core.quotepath=false', '--no-pager', ...args],
        {
          cwd: this.top,
          env: this.env,
          input,
          maxBuffer: MAX_BUFFER,
          stdio: ['pipe', 'pipe', 'pipe']
        }
      )
    } catch (error) {
      const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim()
      throw new GitError(`git ${args[0]}: ${stderr.split('\n')[0] || (error as Error).message}`)
    }
  }

  /** The full id of a commit present in the repository, or undefined. */
  commit(rev: string): string | undefined {
    try {
      const out = this.run([
        'rev-parse',
        '--verify',
        '--quiet',
        '--end-of-options',
        `${rev}^{commit}`
      ])
      return out.toString('utf8').trim() || undefined
    } catch {
      return undefined
    }
  }

  /** Parent ids recorded in a commit (also in a shallow clone, where the parents may be absent). */
  parents(commit: string): string[] {
    const text = this.run(['cat-file', 'commit', commit]).toString('utf8')
    const end = text.indexOf('\n\n')
    return (end < 0 ? text : text.slice(0, end))
      .split('\n')
      .filter((l) => l.startsWith('parent '))
      .map((l) => l.slice('parent '.length).trim())
  }

  /**
   * The files among `paths` (relative to the top) whose checked-out bytes git makes differ from the
   * stored blob, by the checkout's attributes: working-tree-encoding, ident, a filter, eol=crlf.
   */
  convertedOnCheckout(paths: readonly string[]): Set<string> {
    const converted = new Set<string>()
    if (paths.length === 0) return converted
    const fields = this.run(
      ['check-attr', '-z', '--stdin', 'working-tree-encoding', 'ident', 'filter', 'eol'],
      `${paths.join('\0')}\0`
    )
      .toString('utf8')
      .split('\0')
    for (let i = 0; i + 2 < fields.length; i += 3) {
      const [file, attribute, value] = [fields[i]!, fields[i + 1]!, fields[i + 2]!]
      const given = value !== 'unspecified' && value !== 'unset'
      if (
        (attribute === 'eol' && value === 'crlf') ||
        (attribute === 'ident' && value === 'set') ||
        ((attribute === 'working-tree-encoding' || attribute === 'filter') && given)
      )
        converted.add(file)
    }
    return converted
  }

  mergeBase(a: string, b: string): string | undefined {
    try {
      return this.run(['merge-base', a, b]).toString('utf8').trim() || undefined
    } catch {
      return undefined
    }
  }

  /** `git diff-tree -r -z --name-status -M base head`, raw (paths relative to the top level). */
  nameStatus(base: string, head: string): string {
    return this.run([
      'diff-tree',
      '-r',
      '-z',
      '--no-commit-id',
      '--name-status',
      '-M',
      '--no-ext-diff',
      '--no-textconv',
      base,
      head
    ]).toString('utf8')
  }

  /** `git diff-tree -p -M -U3 base head`: the patch GitHub shows for a pull request (review fallback). */
  patch(base: string, head: string): string {
    return this.run([
      'diff-tree',
      '-r',
      '-p',
      '-M',
      '-U3',
      '--no-commit-id',
      '--no-color',
      '--no-ext-diff',
      '--no-textconv',
      base,
      head
    ]).toString('utf8')
  }

  /** Every entry of a commit's tree, keyed by path relative to the top level. */
  tree(commit: string): Map<string, TreeEntry> {
    const out = this.run(['ls-tree', '-r', '-z', '-l', '--full-tree', commit]).toString('utf8')
    const entries = new Map<string, TreeEntry>()
    for (const record of out.split('\0')) {
      if (record === '') continue
      const tab = record.indexOf('\t')
      const [mode, type, oid, size] = record.slice(0, tab).split(/ +/)
      entries.set(record.slice(tab + 1), {
        mode: mode!,
        type: type!,
        oid: oid!,
        size: size === undefined || size === '-' ? undefined : Number(size)
      })
    }
    return entries
  }

  /** Blob contents by id, in one `git cat-file --batch`. */
  blobs(oids: string[]): Map<string, Buffer> {
    const unique = [...new Set(oids)]
    const result = new Map<string, Buffer>()
    if (unique.length === 0) return result
    const out = this.run(['cat-file', '--batch'], unique.join('\n') + '\n')
    let at = 0
    for (const oid of unique) {
      const eol = out.indexOf(0x0a, at)
      if (eol < 0) break
      const header = out.subarray(at, eol).toString('utf8').split(' ')
      at = eol + 1
      if (header[1] === 'missing') continue
      const size = Number(header[2])
      result.set(oid, out.subarray(at, at + size))
      at += size + 1
    }
    return result
  }
}
