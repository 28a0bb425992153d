/**
 * A stateful fake of the GitHub REST and GraphQL endpoints the pull-request review uses: a real
 * HTTP server on 127.0.0.1 (an ephemeral port), because module mocks do not intercept
 * @actions/github 9's undici fetch. It enforces GitHub's rules for review comments (RIGHT-side lines
 * inside a hunk of the file's patch, start_line < line in one hunk, known paths, bodies up to 65,536
 * characters, all-or-nothing reviews) with GitHub's 422 messages, validates every request body
 * against the operation schemas extracted from GitHub's OpenAPI description
 * (fixtures/github-openapi-subset.json), answers 403 in read-only mode, and records every request.
 */
import { Ajv } from 'ajv'
import formats from 'ajv-formats'
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import * as path from 'node:path'

const SUBSET = JSON.parse(
  fs.readFileSync(
    path.join(import.meta.dirname, '..', 'fixtures', 'github-openapi-subset.json'),
    'utf8'
  )
) as {
  operations: Record<string, { method: string; path: string; requestBody: object | null }>
}

const ajv = new Ajv({ strict: false, allErrors: true })
// ajv-formats is CommonJS: its function is also its `default`
formats.default(ajv)
const validators = new Map(
  Object.entries(SUBSET.operations)
    .filter(([, op]) => op.requestBody)
    .map(([id, op]) => [id, ajv.compile(op.requestBody!)])
)

export const BOT = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' }
export const human = (login: string, id = 1000 + login.length) => ({ login, id, type: 'User' })
type User = { login: string; id: number; type: string }

export interface FakeFile {
  filename: string
  status: string
  previous_filename?: string
  /** hunks only, as pulls.listFiles gives them; absent for binary or huge files */
  patch?: string
}

export interface FakeComment {
  id: number
  node_id: string
  pull_request_review_id: number | null
  path: string
  line: number | null
  start_line: number | null
  original_line: number
  side: 'RIGHT'
  commit_id: string
  original_commit_id: string
  body: string
  user: User
  in_reply_to_id?: number
  /** the RIGHT-side text of the commented line when it was posted (to outdate it later) */
  lineText?: string
}

export interface FakeReview {
  id: number
  node_id: string
  body: string
  state: string
  commit_id: string
  user: User
}

export interface FakeIssueComment {
  id: number
  node_id: string
  body: string
  user: User
}

export interface LoggedRequest {
  method: string
  path: string
  status: number
  body?: unknown
}

interface Hunk {
  lines: Map<number, string>
}

function hunks(patch: string | undefined): Hunk[] | null {
  if (patch === undefined) return null
  const out: Hunk[] = []
  let current: Hunk | undefined
  let line = 0
  for (const raw of patch.split('\n')) {
    const h = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(raw)
    if (h) {
      current = { lines: new Map() }
      out.push(current)
      line = Number(h[1])
    } else if (current && (raw.startsWith('+') || raw.startsWith(' '))) {
      current.lines.set(line++, raw.slice(1))
    }
  }
  return out
}

export interface PullSpec {
  number: number
  headSha: string
  baseSha: string
  headLabel?: string
  changedFiles?: number
}

export class FakeGitHub {
  url = ''
  readonly log: LoggedRequest[] = []
  /** bodies that failed schema validation or requests the fake does not serve */
  readonly violations: string[] = []
  reviewComments: FakeComment[] = []
  reviews: FakeReview[] = []
  issueComments: FakeIssueComment[] = []
  resolved = new Set<string>()
  /** modes */
  readOnly = false
  /** the next N write requests get a secondary-rate-limit 403 (retry-after: 1) */
  secondaryLimit = 0
  /** the next N requests get a primary-rate-limit 403 (x-ratelimit-remaining: 0) */
  primaryLimit = 0
  /** the next N creations are made, then answered 502 */
  failAfterCreate = 0
  graphqlForbidden = false
  /** pulls.listFiles lists at most this many files (GitHub: 3000) */
  maxListedFiles = 3000
  /**
   * A fault: called first for every request; true when it answered (or chose never to answer).
   * The request is logged with status 0 unless it sets one.
   */
  fault?: (request: LoggedRequest, res: http.ServerResponse) => boolean
  private nextId = 5000
  private server?: http.Server
  files: FakeFile[]
  pull: PullSpec

  constructor(pull: PullSpec, files: FakeFile[]) {
    this.pull = pull
    this.files = files
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      let data = ''
      req.setEncoding('utf8')
      req.on('data', (chunk: string) => (data += chunk))
      req.on('end', () => this.handle(req, data, res))
    })
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve))
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`
    return this.url
  }

  async stop(): Promise<void> {
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()))
  }

  /** A new head commit: comments whose line text is gone become outdated (line null). */
  setHead(headSha: string, files: FakeFile[]): void {
    this.pull = { ...this.pull, headSha }
    this.files = files
    for (const c of this.reviewComments) {
      if (c.line === null) continue
      const file = files.find((f) => f.filename === c.path)
      const found =
        file &&
        hunks(file.patch)
          ?.flatMap((h) => [...h.lines])
          .find(([, text]) => text === c.lineText)
      if (found) {
        if (c.start_line !== null) c.start_line = c.start_line + (found[0] - c.line)
        c.line = found[0]
        c.commit_id = headSha
      } else {
        c.line = null
        c.start_line = null
      }
    }
  }

  seedComment(
    comment: Partial<FakeComment> & { user: User; body: string; path: string }
  ): FakeComment {
    const id = this.nextId++
    const full: FakeComment = {
      id,
      node_id: `PRRC_${id}`,
      pull_request_review_id: null,
      line: comment.line ?? 1,
      start_line: null,
      original_line: comment.line ?? 1,
      side: 'RIGHT',
      commit_id: this.pull.headSha,
      original_commit_id: this.pull.headSha,
      ...comment
    }
    this.reviewComments.push(full)
    return full
  }

  seedIssueComment(user: User, body: string): FakeIssueComment {
    const id = this.nextId++
    const c = { id, node_id: `IC_${id}`, body, user }
    this.issueComments.push(c)
    return c
  }

  /** Requests that change something (POST, PATCH, PUT, DELETE; GraphQL mutations). */
  writes(): LoggedRequest[] {
    return this.log.filter(
      (r) =>
        r.method !== 'GET' && !(r.path === '/graphql' && !/mutation/.test(JSON.stringify(r.body)))
    )
  }

  count(method: string, pattern: RegExp): number {
    return this.log.filter((r) => r.method === method && pattern.test(r.path)).length
  }

  private send(
    res: http.ServerResponse,
    entry: LoggedRequest,
    status: number,
    body: unknown,
    headers: Record<string, string> = {}
  ): void {
    entry.status = status
    this.log.push(entry)
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
    res.end(JSON.stringify(body))
  }

  private handle(req: http.IncomingMessage, raw: string, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url)
    const method = req.method ?? 'GET'
    let body: unknown
    try {
      body = raw ? JSON.parse(raw) : undefined
    } catch {
      body = raw
    }
    const entry: LoggedRequest = {
      method,
      path: url.pathname,
      status: 0,
      ...(body !== undefined ? { body } : {})
    }
    if (this.fault?.(entry, res)) {
      this.log.push(entry)
      return
    }
    const error = (status: number, message: string, headers: Record<string, string> = {}) =>
      this.send(
        res,
        entry,
        status,
        { message, documentation_url: 'https://docs.github.com/rest', status: String(status) },
        headers
      )
    if (!/^(token|bearer) \S+/i.test(req.headers.authorization ?? ''))
      return error(401, 'Requires authentication')
    if (this.primaryLimit > 0) {
      this.primaryLimit--
      return error(403, 'API rate limit exceeded for installation ID 1.', {
        'x-ratelimit-remaining': '0',
        'x-ratelimit-limit': '1000',
        'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 1)
      })
    }
    const isWrite = method !== 'GET' && !(url.pathname === '/graphql' && !/mutation/.test(raw))
    if (isWrite && this.secondaryLimit > 0) {
      this.secondaryLimit--
      return error(
        403,
        'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
        {
          'retry-after': '1'
        }
      )
    }
    if (isWrite && this.readOnly) {
      return error(403, 'Resource not accessible by integration', {
        'x-accepted-github-permissions': url.pathname.includes('/issues/')
          ? 'issues=write; pull_requests=write'
          : 'pull_requests=write'
      })
    }
    const p = url.pathname
    const repo = /^\/repos\/([^/]+)\/([^/]+)(\/.*)$/.exec(p)
    if (p === '/user') return error(403, 'Resource not accessible by integration')
    if (p === '/graphql' && method === 'POST') return this.graphql(entry, body, res)
    if (!repo) {
      this.violations.push(`unexpected ${method} ${p}`)
      return error(404, 'Not Found')
    }
    const rest = repo[3]!
    let m: RegExpExecArray | null
    const n = this.pull.number
    if (method === 'GET' && rest === `/pulls/${n}`)
      return this.send(res, entry, 200, this.pullObject())
    if (method === 'GET' && rest === '/pulls') {
      const head = url.searchParams.get('head')
      return this.page(
        res,
        entry,
        url,
        head === (this.pull.headLabel ?? '') ? [this.pullObject()] : []
      )
    }
    if (method === 'GET' && rest === `/pulls/${n}/files`) {
      const listed = this.files.slice(0, this.maxListedFiles).map((f) => ({
        sha: 'f'.repeat(40),
        additions: 1,
        deletions: 0,
        changes: 1,
        blob_url: '',
        raw_url: '',
        contents_url: '',
        ...f
      }))
      return this.page(res, entry, url, listed)
    }
    if (method === 'GET' && rest === `/pulls/${n}/comments`) {
      return this.page(
        res,
        entry,
        url,
        this.reviewComments.map(({ lineText: _, ...c }) => c)
      )
    }
    if (method === 'GET' && rest === `/pulls/${n}/reviews`)
      return this.page(res, entry, url, this.reviews)
    if (method === 'GET' && rest === `/issues/${n}/comments`)
      return this.page(res, entry, url, this.issueComments)
    if (method === 'POST' && rest === `/pulls/${n}/reviews`)
      return this.createReview(entry, body, res)
    if (method === 'POST' && rest === `/issues/${n}/comments`) {
      if (!this.validate('issues/create-comment', body, entry))
        return error(422, 'Invalid request.')
      const text = (body as { body: string }).body
      if (text.length > 65536)
        return error(422, 'Validation Failed: body is too long (maximum is 65536 characters)')
      const c = this.seedIssueComment(BOT, text)
      return this.created(res, entry, c)
    }
    if (method === 'PATCH' && (m = /^\/pulls\/comments\/(\d+)$/.exec(rest))) {
      if (!this.validate('pulls/update-review-comment', body, entry))
        return error(422, 'Invalid request.')
      const c = this.reviewComments.find((x) => x.id === Number(m![1]))
      if (!c) return error(404, 'Not Found')
      if (c.user.login !== BOT.login) {
        this.violations.push(`edited a comment of ${c.user.login}`)
        return error(403, 'Resource not accessible by integration')
      }
      const text = (body as { body: string }).body
      if (text.length > 65536)
        return error(422, 'Validation Failed: body is too long (maximum is 65536 characters)')
      c.body = text
      return this.send(res, entry, 200, c)
    }
    if (method === 'PATCH' && (m = /^\/issues\/comments\/(\d+)$/.exec(rest))) {
      if (!this.validate('issues/update-comment', body, entry))
        return error(422, 'Invalid request.')
      const c = this.issueComments.find((x) => x.id === Number(m![1]))
      if (!c) return error(404, 'Not Found')
      if (c.user.login !== BOT.login) {
        this.violations.push(`edited an issue comment of ${c.user.login}`)
        return error(403, 'Resource not accessible by integration')
      }
      c.body = (body as { body: string }).body
      return this.send(res, entry, 200, c)
    }
    if (method === 'DELETE') this.violations.push(`deleted ${p}`)
    else this.violations.push(`unexpected ${method} ${p}`)
    return error(404, 'Not Found')
  }

  private created(res: http.ServerResponse, entry: LoggedRequest, value: unknown): void {
    if (this.failAfterCreate > 0) {
      this.failAfterCreate--
      return this.send(res, entry, 502, { message: 'Server Error' })
    }
    return this.send(res, entry, method201(entry), value)
  }

  private pullObject() {
    return {
      number: this.pull.number,
      state: 'open',
      head: {
        sha: this.pull.headSha,
        ref: 'feature',
        label: this.pull.headLabel ?? 'octo-org:feature'
      },
      base: { sha: this.pull.baseSha, ref: 'main', label: 'octo-org:main' },
      changed_files: this.pull.changedFiles ?? this.files.length
    }
  }

  private validate(operation: string, body: unknown, entry: LoggedRequest): boolean {
    const validate = validators.get(operation)!
    if (validate(body)) return true
    this.violations.push(`${entry.method} ${entry.path}: ${ajv.errorsText(validate.errors)}`)
    return false
  }

  private page(res: http.ServerResponse, entry: LoggedRequest, url: URL, items: unknown[]): void {
    const perPage = Number(url.searchParams.get('per_page') ?? 30)
    const page = Number(url.searchParams.get('page') ?? 1)
    if (!(perPage >= 1 && perPage <= 100))
      this.violations.push(`per_page=${perPage} on ${url.pathname}`)
    const size = Math.min(100, Math.max(1, perPage))
    const last = Math.max(1, Math.ceil(items.length / size))
    const headers: Record<string, string> = {}
    if (page < last) {
      const link = (n: number) => {
        const u = new URL(url)
        u.searchParams.set('page', String(n))
        return u.toString()
      }
      headers.link = `<${link(page + 1)}>; rel="next", <${link(last)}>; rel="last"`
    }
    return this.send(res, entry, 200, items.slice((page - 1) * size, page * size), headers)
  }

  private createReview(entry: LoggedRequest, body: unknown, res: http.ServerResponse): void {
    const fail = (message: string) => {
      entry.status = 422
      this.log.push(entry)
      res.writeHead(422, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ message: 'Unprocessable Entity', errors: [message], status: '422' }))
    }
    if (!this.validate('pulls/create-review', body, entry)) return fail('Invalid request.')
    const review = body as {
      commit_id?: string
      body?: string
      event?: string
      comments?: Array<{
        path: string
        line?: number
        side?: string
        start_line?: number
        start_side?: string
        body: string
      }>
    }
    if (review.event === 'APPROVE')
      return fail('GitHub Actions is not permitted to approve pull requests.')
    if (review.event !== 'COMMENT') this.violations.push(`review event ${review.event}`)
    if (review.commit_id !== this.pull.headSha)
      return fail('Commit ID is not part of the pull request')
    if ((review.body ?? '').length > 65536)
      return fail('body is too long (maximum is 65536 characters)')
    const comments = review.comments ?? []
    if (!review.body && comments.length === 0) return fail('Body is required for COMMENT')
    const texts: string[] = []
    for (const c of comments) {
      const file = this.files.find((f) => f.filename === c.path)
      if (!file) return fail('Pull request review thread path is invalid')
      const fileHunks = hunks(file.patch)
      if (!fileHunks || fileHunks.length === 0)
        return fail("Pull request review thread diff hunk can't be blank")
      if (c.line === undefined)
        return fail('Pull request review thread line must be part of the diff')
      if ((c.side ?? 'RIGHT') !== 'RIGHT') this.violations.push('LEFT-side comment')
      const hunk = fileHunks.find((h) => h.lines.has(c.line!))
      if (!hunk) return fail('Pull request review thread line must be part of the diff')
      if (c.start_line !== undefined) {
        if (c.start_line >= c.line)
          return fail('Pull request review thread start line must precede the end line.')
        if (!hunk.lines.has(c.start_line)) {
          return fail(
            'Pull request review thread start line must be part of the same hunk as the line.'
          )
        }
      }
      if (c.body.length > 65536) return fail('body is too long (maximum is 65536 characters)')
      texts.push(hunk.lines.get(c.line)!)
    }
    const id = this.nextId++
    const created: FakeReview = {
      id,
      node_id: `PRR_${id}`,
      body: review.body ?? '',
      state: 'COMMENTED',
      commit_id: this.pull.headSha,
      user: BOT
    }
    this.reviews.push(created)
    comments.forEach((c, i) => {
      const cid = this.nextId++
      this.reviewComments.push({
        id: cid,
        node_id: `PRRC_${cid}`,
        pull_request_review_id: id,
        path: c.path,
        line: c.line!,
        start_line: c.start_line ?? null,
        original_line: c.line!,
        side: 'RIGHT',
        commit_id: this.pull.headSha,
        original_commit_id: this.pull.headSha,
        body: c.body,
        user: BOT,
        lineText: texts[i]
      })
    })
    return this.created(res, entry, created)
  }

  private graphql(entry: LoggedRequest, body: unknown, res: http.ServerResponse): void {
    const { query, variables } = (body ?? {}) as {
      query?: string
      variables?: Record<string, unknown>
    }
    if (typeof query !== 'string')
      return this.send(res, entry, 400, { message: 'Problems parsing JSON' })
    if (this.graphqlForbidden || (this.readOnly && /mutation/.test(query))) {
      return this.send(res, entry, 200, {
        data: null,
        errors: [
          {
            type: 'FORBIDDEN',
            path: ['resolveReviewThread'],
            message: 'Resource not accessible by integration'
          }
        ]
      })
    }
    if (/resolveReviewThread/.test(query)) {
      const id = String(variables?.id)
      this.resolved.add(id)
      return this.send(res, entry, 200, {
        data: { resolveReviewThread: { thread: { id, isResolved: true } } }
      })
    }
    if (/reviewThreads/.test(query)) {
      const nodes = this.reviewComments
        .filter((c) => c.in_reply_to_id === undefined)
        .map((c) => ({
          id: `PRRT_${c.id}`,
          isResolved: this.resolved.has(`PRRT_${c.id}`),
          comments: { nodes: [{ databaseId: c.id }] }
        }))
      return this.send(res, entry, 200, {
        data: {
          repository: {
            pullRequest: {
              reviewThreads: { pageInfo: { hasNextPage: false, endCursor: null }, nodes }
            }
          }
        }
      })
    }
    this.violations.push(`unexpected graphql ${query.slice(0, 60)}`)
    return this.send(res, entry, 200, { errors: [{ message: 'unknown query' }] })
  }
}

function method201(entry: LoggedRequest): number {
  return entry.path.endsWith('/reviews') ? 200 : 201
}

/** The pull request's files as GitHub lists them: merge-base...head, 3 lines of context, renames. */
export function prFiles(dir: string, base: string, head: string): FakeFile[] {
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: dir, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 })
  const fields = git('diff', '-M', '--name-status', '-z', `${base}...${head}`).split('\0')
  const files: FakeFile[] = []
  for (let i = 0; i < fields.length;) {
    const code = fields[i++]
    if (!code) continue
    const rename = code.startsWith('R')
    const from = rename ? fields[i++]! : undefined
    const to = fields[i++]!
    const diff = git('diff', '-M', '-U3', `${base}...${head}`, '--', ...(from ? [from, to] : [to]))
    const at = diff.indexOf('\n@@')
    const status = { A: 'added', D: 'removed', M: 'modified', R: 'renamed' }[code[0]!] ?? 'modified'
    files.push({
      filename: to,
      status,
      ...(from ? { previous_filename: from } : {}),
      ...(at >= 0 && !diff.includes('Binary files')
        ? { patch: diff.slice(at + 1).replace(/\n$/, '') }
        : {})
    })
  }
  return files
}
