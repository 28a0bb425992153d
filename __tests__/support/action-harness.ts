/**
 * Runs the committed bundle dist/index.js the way the Actions runner does: a child process on Node 24
 * with INPUT_* variables (runner name mangling), an event payload file, GITHUB_OUTPUT and
 * GITHUB_STEP_SUMMARY files, a workspace that is a real git repository, and GITHUB_API_URL pointing
 * at a loopback server that records every request (the gate must never need one).
 */
import { execFileSync, spawn } from 'node:child_process'
import * as fs from 'node:fs'
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'

export const root = path.resolve(import.meta.dirname, '..', '..')
export const bundle = path.join(root, 'dist', 'index.js')
/** Node 24, as `runs.using: node24` (the node@24 dev dependency). */
export const node24 = path.join(root, 'node_modules', '.bin', 'node')

/** File contents by path; null deletes; { link } makes a symbolic link. */
export type Files = Record<string, string | Buffer | null | { link: string }>

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix))
}

const GIT_ENV = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: os.tmpdir(),
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
  GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z',
  GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z'
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8' }).trim()
}

/** A path whose `<xFE>` marks stand for that byte: a name that is not UTF-8. */
function rawPath(name: string): string | Buffer {
  if (!name.includes('<xFE>')) return name
  const parts = name.split('<xFE>').map((part) => Buffer.from(part))
  return Buffer.concat(parts.flatMap((part, i) => (i === 0 ? [part] : [Buffer.of(0xfe), part])))
}

/** Writes `files` below `dir` (a `<xFE>` in a name is that byte). */
export function writeFiles(dir: string, files: Files): void {
  for (const [name, content] of Object.entries(files)) {
    const file = rawPath(path.join(dir, name))
    fs.rmSync(file, { force: true, recursive: true })
    if (content === null) continue
    fs.mkdirSync(rawPath(path.dirname(path.join(dir, name))), { recursive: true })
    // '<repo>' in a link's text is the repository's directory: absolute links into the checkout
    if (typeof content === 'object' && !Buffer.isBuffer(content))
      fs.symlinkSync(content.link.replace('<repo>', dir), file)
    else fs.writeFileSync(file, content)
  }
}

export interface Repo {
  dir: string
  /** the pull request's base (main before the PR) */
  baseSha: string
  /** the pull request's head (feature branch tip) */
  headSha: string
  /** the merge commit refs/pull/N/merge (checked out for `checkout: 'merge'`) */
  mergeSha: string
  /** what is checked out */
  checkedOut: string
}

/**
 * A repository shaped like a pull request: `base` committed on main, `head` on a feature branch,
 * optionally `mainAfter` committed on main after the branch point, and the merge commit GitHub makes
 * for `pull_request` (first parent main, second parent the head).
 */
export function createRepo(spec: {
  base: Files
  head: Files
  mainAfter?: Files
  checkout?: 'merge' | 'head' | 'base'
}): Repo {
  const dir = tempDir('gate-repo-')
  git(dir, 'init', '-q', '-b', 'main')
  writeFiles(dir, { 'README.md': '# units\n', ...spec.base })
  git(dir, 'add', '-A')
  git(dir, 'commit', '-q', '--allow-empty', '-m', 'base')
  const baseSha = git(dir, 'rev-parse', 'HEAD')
  git(dir, 'checkout', '-q', '-b', 'feature')
  writeFiles(dir, spec.head)
  git(dir, 'add', '-A')
  git(dir, 'commit', '-q', '--allow-empty', '-m', 'head')
  const headSha = git(dir, 'rev-parse', 'HEAD')
  git(dir, 'checkout', '-q', 'main')
  if (spec.mainAfter) {
    writeFiles(dir, spec.mainAfter)
    git(dir, 'add', '-A')
    git(dir, 'commit', '-q', '-m', 'main moved on')
  }
  git(dir, 'merge', '-q', '--no-ff', '-m', `Merge ${headSha} into main`, 'feature')
  const mergeSha = git(dir, 'rev-parse', 'HEAD')
  const checkout = spec.checkout ?? 'merge'
  const checkedOut = checkout === 'merge' ? mergeSha : checkout === 'head' ? headSha : baseSha
  git(dir, 'checkout', '-q', '--detach', checkedOut)
  return { dir, baseSha, headSha, mergeSha, checkedOut }
}

/** A shallow clone (like actions/checkout's default fetch-depth: 1) of `repo` at its checked-out commit. */
export function shallowClone(repo: Repo, depth: number): string {
  const dir = tempDir('gate-shallow-')
  git(dir, 'init', '-q')
  git(dir, 'fetch', '-q', `--depth=${depth}`, `file://${repo.dir}`, repo.checkedOut)
  git(dir, 'checkout', '-q', '--detach', repo.checkedOut)
  return dir
}

export interface ActionRun {
  code: number | null
  stdout: string
  stderr: string
  /** stdout lines that the runner would parse as commands (after trimming) */
  commands: string[]
  /** parsed from the GITHUB_OUTPUT heredocs */
  outputs: Record<string, string>
  summary: string
  /** loopback API requests made during the run */
  requests: string[]
  runnerTemp: string
}

/** The runner's mangling: INPUT_ + upper case, spaces to '_', hyphens kept. */
export function inputEnv(inputs: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(inputs).map(([name, value]) => [
      `INPUT_${name.replace(/ /g, '_').toUpperCase()}`,
      value
    ])
  )
}

export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<]+)<<(ghadelimiter_[0-9a-f-]+)$/.exec(lines[i]!)
    if (!match) continue
    const value: string[] = []
    for (i++; i < lines.length && lines[i] !== match[2]; i++) value.push(lines[i]!)
    outputs[match[1]!] = value.join('\n')
  }
  return outputs
}

/** The `::name` of a workflow command line, or undefined. */
export function commandName(line: string): string | undefined {
  return /^::([A-Za-z-]+)/.exec(line.trimStart())?.[1]
}

export interface RunOptions {
  workspace: string
  eventName: string
  payload?: unknown
  inputs?: Record<string, string>
  env?: Record<string, string>
  /** GITHUB_STEP_SUMMARY path override (e.g. a directory, to make writing fail) */
  summaryPath?: string
}

const runnerDirs: string[] = []

/** Removes the runner directories of every run so far (the reports live there until then). */
export function cleanupRuns(): void {
  for (const dir of runnerDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
}

export async function runAction(options: RunOptions): Promise<ActionRun> {
  const runner = tempDir('gate-runner-')
  runnerDirs.push(runner)
  const runnerTemp = path.join(runner, 'temp')
  fs.mkdirSync(runnerTemp)
  const outputFile = path.join(runner, 'output')
  const summaryFile = options.summaryPath ?? path.join(runner, 'summary.md')
  const eventFile = path.join(runner, 'event.json')
  fs.writeFileSync(outputFile, '')
  if (!options.summaryPath) fs.writeFileSync(summaryFile, '')
  fs.writeFileSync(eventFile, JSON.stringify(options.payload ?? {}))
  const requests: string[] = []
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`)
    res.writeHead(500, { 'content-type': 'application/json' })
    res.end('{"message":"the gate must not call the API"}')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: runner,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_ACTION: 'hardening',
    GITHUB_REPOSITORY: 'octo-org/units',
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_EVENT_NAME: options.eventName,
    GITHUB_EVENT_PATH: eventFile,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_API_URL: `http://127.0.0.1:${port}`,
    GITHUB_SERVER_URL: `http://127.0.0.1:${port}`,
    GITHUB_GRAPHQL_URL: `http://127.0.0.1:${port}/graphql`,
    RUNNER_TEMP: runnerTemp,
    ...inputEnv({
      'github-token': 'ghs_FAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKE1234',
      ...options.inputs
    }),
    ...options.env
  }
  const child = spawn(node24, [bundle], {
    cwd: options.workspace,
    env,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  await new Promise<void>((resolve) => server.close(() => resolve()))
  let summary = ''
  try {
    summary = fs.readFileSync(summaryFile, 'utf8')
  } catch {
    summary = ''
  }
  return {
    code,
    stdout,
    stderr,
    commands: stdout.split('\n').filter((l) => commandName(l) !== undefined),
    outputs: parseOutputs(fs.readFileSync(outputFile, 'utf8')),
    summary,
    requests,
    runnerTemp
  }
}
