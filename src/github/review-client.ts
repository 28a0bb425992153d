/**
 * The thin I/O of the review: the REST and GraphQL calls it makes, through an Octokit with
 * @octokit/plugin-throttling (writes spaced 1 s apart, comment and review creation 3 s apart, as
 * GitHub's secondary rate limits ask; bounded retries on rate-limit answers). Reads and edits
 * (idempotent) are retried once on a 5xx or a network error; creations never are: the caller looks
 * for its marker before posting again. Every call is time-bounded and counted.
 */
import { getOctokit } from '@actions/github'
import { throttling } from '@octokit/plugin-throttling'
import Bottleneck from 'bottleneck/light.js'

export type Octokit = ReturnType<typeof getOctokit>

export interface ClientOptions {
  token: string
  /** REST base URL (GITHUB_API_URL), passed explicitly: @actions/github reads the env at import */
  baseUrl: string
  owner: string
  repo: string
  /** multiplies every wait (throttling spacing, retry delays): 1 in production, small in tests */
  timeScale?: number
  /** per-request time limit, ms */
  requestTimeout?: number
  /**
   * the review's whole time, ms from the client's creation: no request starts after it, one under
   * way is cut at it, and no rate-limit wait reaches past it
   */
  budget?: number
  sleep?: (ms: number) => Promise<void>
  /** pages of 100 read at most per list */
  maxPages?: number
}

export type FailureKind =
  | 'read-only'
  | 'rate-limited'
  | 'invalid'
  | 'server'
  | 'network'
  | 'unauthorized'
  | 'out-of-time'
  | 'other'

/** The page number a Link header gives for `rel` ("last", "next"), if any. */
export function pageNumber(link: string | undefined, rel: string): number | undefined {
  for (const part of (link ?? '').split(',')) {
    const match = /<([^>]*)>\s*;\s*rel="([^"]*)"/.exec(part)
    if (match?.[2] !== rel) continue
    try {
      const page = Number(new URL(match[1]!).searchParams.get('page'))
      return Number.isSafeInteger(page) && page > 0 ? page : undefined
    } catch {
      return undefined
    }
  }
  return undefined
}

/** An API call that failed, classified for the caller. */
export class ApiFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    readonly status: number | undefined,
    message: string,
    readonly request: string
  ) {
    super(message)
    this.name = 'ApiFailure'
  }
}

interface HttpErrorLike {
  status?: number
  message?: string
  response?: { headers?: Record<string, string | undefined>; data?: unknown }
}

function dataMessage(data: unknown): string | undefined {
  if (data && typeof data === 'object' && 'message' in data) {
    const message = (data as { message?: unknown }).message
    if (typeof message === 'string') return message
  }
  return undefined
}

export function classify(error: unknown, request: string): ApiFailure {
  if (error instanceof ApiFailure) return error
  const e = (error ?? {}) as HttpErrorLike
  const status = typeof e.status === 'number' ? e.status : undefined
  const data = e.response?.data
  // an HTML error page (a proxy's 502) says nothing a warning should repeat
  const page = typeof data === 'string' && /^\s*</.test(data)
  const message = page
    ? `HTTP ${status ?? 'error'} (an HTML page, not the API's answer)`
    : (dataMessage(data) ?? e.message ?? String(error)).slice(0, 300)
  const headers = e.response?.headers ?? {}
  let kind: FailureKind = 'other'
  if (
    (status === 403 || status === 429) &&
    (/rate limit/i.test(message) || headers['x-ratelimit-remaining'] === '0')
  )
    kind = 'rate-limited'
  else if (status === 403 || status === 404) kind = 'read-only'
  else if (status === 401) kind = 'unauthorized'
  else if (status === 422) kind = 'invalid'
  else if (
    status !== undefined &&
    status >= 500 &&
    !/fetch failed|aborted|timeout|ECONN|socket/i.test(message)
  )
    kind = 'server'
  else if (status === undefined || status >= 500) kind = 'network'
  return new ApiFailure(kind, status, message, request)
}

export interface ListedFile {
  filename: string
  status: string
  previous_filename?: string
  patch?: string
}

export interface ListedComment {
  id: number
  node_id?: string
  path: string
  line?: number | null
  start_line?: number | null
  body: string
  user: { login: string } | null
  in_reply_to_id?: number
}

export interface ListedBody {
  id: number
  body: string | null
  user: { login: string } | null
}

export interface PullFacts {
  number: number
  headSha: string
  baseSha: string
  changedFiles?: number
}

export interface RequestRecord {
  method: string
  route: string
  status: number | 'error'
}

const isObject = (data: unknown): data is Record<string, unknown> =>
  typeof data === 'object' && data !== null && !Array.isArray(data)

/** A field's type as the review reads it: `?` also takes null or no field; `user`: {login} or null. */
type FieldType = 'string' | 'number' | 'string?' | 'number?' | 'user'

const FIELD_CHECKS: Record<FieldType, (value: unknown) => boolean> = {
  string: (value) => typeof value === 'string',
  number: (value) => typeof value === 'number',
  'string?': (value) => value == null || typeof value === 'string',
  'number?': (value) => value == null || typeof value === 'number',
  user: (value) => value === null || (isObject(value) && typeof value.login === 'string')
}

/** Whether `item` is an object whose fields have the types the review reads them as. */
function hasFields(
  item: unknown,
  fields: Record<string, FieldType>
): item is Record<string, unknown> {
  return (
    isObject(item) && Object.entries(fields).every(([name, type]) => FIELD_CHECKS[type](item[name]))
  )
}

const isListedFile = (item: unknown): item is ListedFile =>
  hasFields(item, {
    filename: 'string',
    status: 'string',
    previous_filename: 'string?',
    patch: 'string?'
  })

const isListedComment = (item: unknown): item is ListedComment =>
  hasFields(item, {
    id: 'number',
    node_id: 'string?',
    path: 'string',
    line: 'number?',
    start_line: 'number?',
    body: 'string',
    user: 'user',
    in_reply_to_id: 'number?'
  })

const isListedBody = (item: unknown): item is ListedBody =>
  hasFields(item, { id: 'number', body: 'string?', user: 'user' })

const isListedPull = (
  item: unknown
): item is { number: number; head: { sha: string }; base: { sha: string } } =>
  hasFields(item, { number: 'number' }) &&
  hasFields(item.head, { sha: 'string' }) &&
  hasFields(item.base, { sha: 'string' })

/** A 2xx answer whose body is not what the call returns (cut short, empty, another shape). */
function unexpectedAnswer(request: string, what: string): ApiFailure {
  return new ApiFailure('server', undefined, `the answer was not ${what}`, request)
}

export class ReviewClient {
  readonly octokit: Octokit
  readonly records: RequestRecord[] = []
  /** set by the first timeout or rate limit given up on: the review stops there */
  private stopped: ApiFailure | undefined
  private readonly owner: string
  private readonly repo: string
  private readonly scale: number
  private readonly sleep: (ms: number) => Promise<void>
  private readonly deadline: number
  private readonly timeout: number
  private readonly maxPages: number

  constructor(options: ClientOptions) {
    this.owner = options.owner
    this.repo = options.repo
    this.scale = options.timeScale ?? 1
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)))
    this.deadline = Date.now() + (options.budget ?? 2 * 60_000)
    this.timeout = options.requestTimeout ?? 30_000
    this.maxPages = options.maxPages ?? 30
    const scale = this.scale
    // a wait for a rate limit must end before the review's time does
    const fits = (retryAfter: number): boolean =>
      Date.now() + retryAfter * 1000 * scale < this.deadline
    const throttle = {
      // GitHub: wait for the reset once when it is near; secondary limits: retry-after, twice at most
      onRateLimit: (retryAfter: number, _o: unknown, _k: unknown, retryCount: number) =>
        retryCount < 1 && retryAfter <= 60 && fits(retryAfter),
      onSecondaryRateLimit: (retryAfter: number, _o: unknown, _k: unknown, retryCount: number) =>
        retryCount < 2 && retryAfter <= 120 && fits(retryAfter),
      retryAfterBaseValue: 1000 * scale,
      fallbackSecondaryRateRetryAfter: 60,
      // the plugin's own spacing (1 s between writes, 3 s between notifying creations), scaled
      write: new Bottleneck.Group({ maxConcurrent: 1, minTime: Math.round(1000 * scale) }),
      notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: Math.round(3000 * scale) }),
      search: new Bottleneck.Group({ maxConcurrent: 1, minTime: Math.round(2000 * scale) })
    }
    // innermost (registered before the throttling plugin): sees every attempt on the wire
    const wire = (octokit: { hook: Octokit['hook'] }): void => {
      octokit.hook.wrap('request', async (request, opts) => {
        const route = `${opts.method} ${routeOf(opts.url)}`
        if (this.stopped) throw this.stopped
        const left = this.deadline - Date.now()
        if (left <= 0) {
          throw new ApiFailure('out-of-time', undefined, 'the review ran out of time', route)
        }
        // a write is not sent on to wherever a redirect points (nor is its body)
        const write = opts.method !== 'GET' && opts.method !== 'HEAD'
        opts.request = {
          ...opts.request,
          signal: AbortSignal.timeout(Math.min(this.timeout, left)),
          ...(write ? { redirect: 'manual' } : {})
        }
        try {
          const response = await request(opts)
          this.records.push({
            method: opts.method,
            route: routeOf(opts.url),
            status: response.status
          })
          // every REST read answers JSON: an empty body (cut short, a 200 with nothing) is no
          // empty list, which the pagination plugin would make of it
          if (
            opts.method === 'GET' &&
            (typeof response.data !== 'object' || response.data === null)
          ) {
            throw unexpectedAnswer(route, 'JSON')
          }
          if (response.status >= 300 && response.status < 400) {
            throw new ApiFailure(
              'other',
              response.status,
              'redirected elsewhere: a write is not followed there',
              route
            )
          }
          return response
        } catch (error) {
          const status = (error as HttpErrorLike).status
          this.records.push({
            method: opts.method,
            route: routeOf(opts.url),
            status: typeof status === 'number' ? status : 'error'
          })
          // (no answer at all: octokit gives a fetch failure status 500 but no response)
          if (!(error as HttpErrorLike).response && isTimeout(error)) {
            // a server that stops answering answers no better to the next request
            this.stopped = new ApiFailure(
              'out-of-time',
              undefined,
              'the API stopped answering (a request timed out)',
              route
            )
          }
          throw error
        }
      })
    }
    this.octokit = getOctokit(
      options.token,
      { baseUrl: options.baseUrl, throttle, log: quietLog } as Parameters<typeof getOctokit>[1],
      wire as never,
      throttling as never
    )
  }

  get requestCount(): number {
    return this.records.length
  }

  private repoPath(): { owner: string; repo: string } {
    return { owner: this.owner, repo: this.repo }
  }

  /** The failure of a call; a rate limit given up on stops the review's other calls too. */
  private failed(error: unknown, what: string): ApiFailure {
    const failure = classify(error, what)
    if (failure.kind === 'rate-limited') this.stopped ??= failure
    return failure
  }

  /** Runs an idempotent call, once more after a 5xx or a network error. */
  private async idempotent<T>(what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call()
    } catch (error) {
      const failure = this.failed(error, what)
      if (failure.kind !== 'server' && failure.kind !== 'network') throw failure
      if (this.stopped) throw this.stopped
      await this.sleep(1000 * this.scale)
      try {
        return await call()
      } catch (again) {
        throw this.failed(again, what)
      }
    }
  }

  /** Runs a creation once: the caller decides what to do after a failure. */
  private async once<T>(what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call()
    } catch (error) {
      throw this.failed(error, what)
    }
  }

  /**
   * Pages of up to 100 items, at most maxPages pages. With `ends`, a list longer than that is read
   * from both ends (its first and its last pages): the gate's own comments are among the oldest
   * (its first run) or the newest, and more than 3,000 comments by others between would otherwise
   * hide the newest from it, and it would post its review and summary comment again on every run.
   */
  private async list<T>(
    what: string,
    route: string,
    params: Record<string, unknown>,
    isItem: (item: unknown) => item is T,
    ends = false
  ): Promise<T[]> {
    return this.idempotent(what, async () => {
      const items: T[] = []
      const take = (data: unknown): void => {
        // a body cut short or empty comes back as '': not an empty list
        if (!Array.isArray(data)) throw unexpectedAnswer(what, 'a list')
        // an entry of another shape fails the list: skipped, it would go unreviewed without a word
        const strange = (data as unknown[]).findIndex((item) => !isItem(item))
        if (strange >= 0) {
          throw unexpectedAnswer(
            what,
            `a list of the expected entries (entry ${items.length + strange + 1})`
          )
        }
        items.push(...(data as T[]))
      }
      let pages = 0
      let lastPage: number | undefined
      const seen = this.records.length
      const request = { ...this.repoPath(), ...params, per_page: 100 }
      const iterator = this.octokit.paginate.iterator(route, request as never) as AsyncIterable<{
        data: unknown
        headers: Record<string, string | undefined>
      }>
      for await (const page of iterator) {
        take(page.data)
        if (++pages >= this.maxPages) break
        if (ends && pages === Math.floor(this.maxPages / 2)) {
          lastPage = pageNumber(page.headers.link, 'last')
          if (lastPage !== undefined && lastPage > this.maxPages) break
          lastPage = undefined
        }
      }
      if (lastPage !== undefined) {
        for (let page = lastPage - (this.maxPages - pages) + 1; page <= lastPage; page++) {
          take((await this.octokit.request(route, { ...request, page } as never)).data)
        }
      }
      // the pagination plugin ends a list quietly on a 409 (an empty repository): not here
      if (this.records.slice(seen).some((record) => record.status === 409)) {
        throw new ApiFailure('other', 409, 'the list answered 409 Conflict', what)
      }
      return items
    })
  }

  async getPull(number: number): Promise<PullFacts> {
    const { data } = await this.idempotent('GET pull request', async () => {
      const response = await this.octokit.rest.pulls.get({
        ...this.repoPath(),
        pull_number: number
      })
      const pull: unknown = response.data
      if (
        !isObject(pull) ||
        typeof pull.number !== 'number' ||
        !isObject(pull.head) ||
        typeof pull.head.sha !== 'string' ||
        !isObject(pull.base) ||
        typeof pull.base.sha !== 'string'
      ) {
        throw unexpectedAnswer('GET pull request', 'a pull request')
      }
      return response
    })
    return {
      number: data.number,
      headSha: data.head.sha,
      baseSha: data.base.sha,
      changedFiles: data.changed_files
    }
  }

  /** The open pull request whose head is `label` (owner:branch) at `headSha`. */
  async findPull(label: string, headSha: string): Promise<PullFacts | undefined> {
    const pulls = await this.list(
      'list pull requests',
      'GET /repos/{owner}/{repo}/pulls',
      { head: label, state: 'open' },
      isListedPull
    )
    const pull = pulls.find((p) => p.head.sha === headSha)
    return pull && { number: pull.number, headSha: pull.head.sha, baseSha: pull.base.sha }
  }

  async login(): Promise<string> {
    const { data } = await this.idempotent('GET /user', async () => {
      const response = await this.octokit.rest.users.getAuthenticated()
      const user: unknown = response.data
      if (!isObject(user) || typeof user.login !== 'string')
        throw unexpectedAnswer('GET /user', 'a user')
      return response
    })
    return data.login
  }

  listFiles(number: number): Promise<ListedFile[]> {
    return this.list(
      'list the pull request files',
      'GET /repos/{owner}/{repo}/pulls/{pull_number}/files',
      {
        pull_number: number
      },
      isListedFile
    )
  }

  listReviewComments(number: number): Promise<ListedComment[]> {
    return this.list(
      'list review comments',
      'GET /repos/{owner}/{repo}/pulls/{pull_number}/comments',
      {
        pull_number: number
      },
      isListedComment,
      true
    )
  }

  listReviews(number: number): Promise<ListedBody[]> {
    return this.list(
      'list reviews',
      'GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews',
      { pull_number: number },
      isListedBody,
      true
    )
  }

  listIssueComments(number: number): Promise<ListedBody[]> {
    return this.list(
      'list issue comments',
      'GET /repos/{owner}/{repo}/issues/{issue_number}/comments',
      {
        issue_number: number
      },
      isListedBody,
      true
    )
  }

  async createReview(
    number: number,
    review: { commit_id: string; body: string; comments: Array<Record<string, unknown>> }
  ): Promise<{ id: number; user: string | undefined }> {
    const { data } = await this.once('create the review', () =>
      this.octokit.rest.pulls.createReview({
        ...this.repoPath(),
        pull_number: number,
        commit_id: review.commit_id,
        body: review.body,
        event: 'COMMENT',
        comments: review.comments as never
      })
    )
    return { id: data.id, user: data.user?.login }
  }

  async updateReviewComment(id: number, body: string): Promise<void> {
    await this.idempotent('edit a review comment', () =>
      this.octokit.rest.pulls.updateReviewComment({ ...this.repoPath(), comment_id: id, body })
    )
  }

  async createIssueComment(number: number, body: string): Promise<{ id: number }> {
    const { data } = await this.once('create the summary comment', () =>
      this.octokit.rest.issues.createComment({ ...this.repoPath(), issue_number: number, body })
    )
    return { id: data.id }
  }

  async updateIssueComment(id: number, body: string): Promise<void> {
    await this.idempotent('edit the summary comment', () =>
      this.octokit.rest.issues.updateComment({ ...this.repoPath(), comment_id: id, body })
    )
  }

  /** Review threads of the pull request: thread id by the database id of its first comment. */
  async reviewThreads(number: number): Promise<Map<number, { id: string; resolved: boolean }>> {
    const threads = new Map<number, { id: string; resolved: boolean }>()
    let after: string | null = null
    for (let page = 0; page < 10; page++) {
      const result: ThreadsPage = await this.once('list review threads', () =>
        this.octokit.graphql<ThreadsPage>(THREADS_QUERY, { ...this.repoPath(), number, after })
      )
      const connection = result.repository?.pullRequest?.reviewThreads
      if (!connection) break
      for (const thread of connection.nodes ?? []) {
        const first = thread?.comments?.nodes?.[0]?.databaseId
        if (thread && typeof first === 'number')
          threads.set(first, { id: thread.id, resolved: thread.isResolved })
      }
      if (!connection.pageInfo.hasNextPage) break
      after = connection.pageInfo.endCursor
    }
    return threads
  }

  async resolveThread(threadId: string): Promise<void> {
    await this.once('resolve a review thread', () =>
      this.octokit.graphql(
        'mutation($id: ID!) { resolveReviewThread(input: { threadId: $id }) { thread { id isResolved } } }',
        { id: threadId }
      )
    )
  }
}

interface ThreadsPage {
  repository?: {
    pullRequest?: {
      reviewThreads: {
        pageInfo: { hasNextPage: boolean; endCursor: string | null }
        nodes?: Array<{
          id: string
          isResolved: boolean
          comments?: { nodes?: Array<{ databaseId?: number } | null> }
        } | null>
      }
    }
  }
}

const THREADS_QUERY = `query($owner: String!, $repo: String!, $number: Int!, $after: String) {
  repository(owner: $owner, name: $repo) {
    pullRequest(number: $number) {
      reviewThreads(first: 100, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes { id isResolved comments(first: 1) { nodes { databaseId } } }
      }
    }
  }
}`

/** Whether a request failed because its time ran out (AbortSignal.timeout()). */
function isTimeout(error: unknown): boolean {
  const e = error as { name?: string; message?: string; cause?: { name?: string } } | undefined
  const names = [e?.name, e?.cause?.name]
  return (
    names.includes('TimeoutError') ||
    names.includes('AbortError') ||
    /timed? ?out|aborted/i.test(e?.message ?? '')
  )
}

/** The route without host and query, for the request log. */
function routeOf(url: string): string {
  return String(url)
    .replace(/^https?:\/\/[^/]+/, '')
    .replace(/\?.*$/, '')
}

/** Octokit's own logging goes nowhere: the review reports through warnings and its summary line. */
const quietLog = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined
}
