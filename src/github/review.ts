/**
 * The pull-request review: one review per run (event COMMENT, at the head commit) with one-click
 * suggestions and drop-ins for the failing units the pull request touches, one sticky comment with
 * the base → head table, and the gate's earlier comments kept in step. Reporting only: every
 * failure is a warning and the verdict is already decided.
 *
 * The identity whose comments are the gate's own: `github-actions[bot]` for installation tokens
 * (the GITHUB_TOKEN; `GET /user` is refused to them), the token's user (`GET /user`) for personal and
 * OAuth tokens. A review answered with another author is reported, and that author is used for the
 * rest of the run.
 */
import { randomUUID } from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'
import type { GateOptions } from '../core/report.js'
import type { UnitFileInput } from '../core/service.js'
import { MAX_UNIT_FILE_BYTES, templateInstance } from '../scan/scan.js'
import { analysedUnitName } from '../core/specifiers.js'
import type { Git, TreeEntry } from './git.js'
import type { Env, FailOn } from './inputs.js'
import type { ApiFailure, ListedComment, PullFacts } from './review-client.js'
import { ReviewClient, classify } from './review-client.js'
import type { FilePatch } from './review-diff.js'
import { parseGitPatches, parsePatch } from './review-diff.js'
import { buildFindings, reviewHead, stickyText, touched } from './review-findings.js'
import type { ExistingComment, Finding, Identity, NewComment, ReviewPlan } from './review-plan.js'
import { MAX_INLINE, commentedKeys, planReview } from './review-plan.js'
import type { UnitSources } from './review-suggest.js'
import { parseMarker } from './review-text.js'
import type { Outcome } from './verdict.js'
import { bySeverity } from './verdict.js'

export const ACTIONS_BOT = 'github-actions[bot]'

export interface ReviewInput {
  env: Env
  token: string
  eventName: string
  payload: unknown
  outcomes: readonly Outcome[]
  options: GateOptions
  failOn: FailOn
  passed: boolean
  workspace: string
  git?: Git
  /** the base the verdict compared with, when any */
  baseSha?: string
  warn(text: string): void
  info(text: string): void
}

export interface ReviewDeps {
  /** multiplies every wait; SYSTEMD_HARDENING_GATE_TIME_SCALE in the env (tests) */
  timeScale?: number
  sleep?: (ms: number) => Promise<void>
  runId?: string
  maxInline?: number
}

export interface ReviewResult {
  status: 'posted' | 'skipped' | 'read-only' | 'failed'
  review?: { comments: number; suggestions: number }
  updated: number
  unchanged: number
  sticky?: 'created' | 'updated' | 'unchanged'
  requests: number
  failures: string[]
}

interface Target {
  number?: number
  headSha: string
  baseSha?: string
  changedFiles?: number
  /** workflow_run without the pull request in its payload: find it by head label */
  label?: string
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined
}

const SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/

/** The pull request to review, from the event: pull_request(_target), or a workflow_run of one. */
export function reviewTarget(eventName: string, payload: unknown): Target | undefined {
  const body = record(payload) ?? {}
  if (eventName === 'pull_request' || eventName === 'pull_request_target') {
    const pr = record(body.pull_request)
    const head = record(pr?.head)?.sha
    const base = record(pr?.base)?.sha
    const number = pr?.number
    if (typeof number !== 'number' || typeof head !== 'string' || !SHA.test(head)) return undefined
    return {
      number,
      headSha: head,
      ...(typeof base === 'string' && SHA.test(base) ? { baseSha: base } : {}),
      ...(typeof pr?.changed_files === 'number' ? { changedFiles: pr.changed_files } : {})
    }
  }
  if (eventName === 'workflow_run') {
    const run = record(body.workflow_run)
    const headSha = run?.head_sha
    if (typeof headSha !== 'string' || !SHA.test(headSha)) return undefined
    if (run?.event !== 'pull_request' && run?.event !== 'pull_request_target') return undefined
    const pulls = Array.isArray(run?.pull_requests) ? run.pull_requests : []
    for (const p of pulls) {
      const pr = record(p)
      if (typeof pr?.number === 'number' && record(pr.head)?.sha === headSha) {
        return { number: pr.number, headSha }
      }
    }
    // a fork's pull request is not listed in the payload: find it by its head
    const owner = record(record(run?.head_repository)?.owner)?.login
    const branch = run?.head_branch
    if (typeof owner === 'string' && typeof branch === 'string' && /^[A-Za-z0-9-]+$/.test(owner)) {
      return { headSha, label: `${owner}:${branch}` }
    }
  }
  return undefined
}

/** Installation tokens (ghs_: the GITHUB_TOKEN, apps) cannot call GET /user. */
export async function resolveIdentity(token: string, client: ReviewClient): Promise<Identity> {
  if (/^(ghp_|gho_|ghu_|github_pat_)/.test(token)) {
    try {
      return { login: await client.login() }
    } catch {
      return { login: ACTIONS_BOT }
    }
  }
  return { login: ACTIONS_BOT }
}

/** Units whose files one `git cat-file --batch` reads ahead, and the bytes it may hold at once. */
const READ_AHEAD_UNITS = 32
const READ_AHEAD_BYTES = 16 * 1024 * 1024

/**
 * Reads a unit's files as the head commit has them (git), else from the checkout. `units` are the
 * units the review may ask for, in the order it asks: a miss reads that unit's blobs and the next
 * few units' in one git process (one per file took ~20 ms each: minutes for a large pull request).
 */
export function sourceReader(
  input: Pick<ReviewInput, 'git' | 'workspace' | 'options'>,
  headSha: string,
  units: ReadonlyArray<{ path: string; dropIns: readonly string[] }>
): (unitPath: string) => UnitSources | undefined {
  const git = input.git
  const prefix = git?.prefix ?? ''
  const toTop = (p: string): string => (prefix === '' ? p : `${prefix}/${p}`)
  const position = new Map<string, number>()
  units.forEach((u, i) => {
    if (!position.has(u.path)) position.set(u.path, i)
  })
  let headTree: ReturnType<Git['tree']> | undefined
  if (git && git.commit(headSha)) {
    try {
      headTree = git.tree(headSha)
    } catch {
      headTree = undefined
    }
  }
  /** the blob of a file the review may read: a regular file within the size limit */
  const blobOf = (p: string): TreeEntry | undefined => {
    const entry = headTree?.get(toTop(p))
    if (!entry || entry.type !== 'blob' || entry.mode === '120000') return undefined
    return (entry.size ?? 0) > MAX_UNIT_FILE_BYTES ? undefined : entry
  }
  const fetched = new Map<string, Buffer | undefined>()
  const readAhead = (from: number, p: string): void => {
    const wanted = new Set([p])
    let bytes = blobOf(p)?.size ?? 0
    for (let i = from; i < units.length && i < from + READ_AHEAD_UNITS; i++) {
      for (const file of [units[i]!.path, ...units[i]!.dropIns]) {
        const size = blobOf(file)?.size ?? 0
        if (wanted.has(file) || fetched.has(file) || bytes + size > READ_AHEAD_BYTES) continue
        wanted.add(file)
        bytes += size
      }
    }
    const oids = [...wanted].map((file) => blobOf(file)?.oid).filter((oid) => oid !== undefined)
    let blobs: Map<string, Buffer>
    try {
      blobs = git!.blobs(oids)
    } catch {
      blobs = new Map()
    }
    for (const file of wanted) {
      const oid = blobOf(file)?.oid
      fetched.set(file, oid === undefined ? undefined : blobs.get(oid))
    }
  }
  const read = (p: string, unitAt: number): UnitFileInput | undefined => {
    if (headTree && git) {
      if (!blobOf(p)) return undefined
      if (!fetched.has(p)) readAhead(unitAt, p)
      const bytes = fetched.get(p)
      return bytes ? { path: p, bytes } : undefined
    }
    const file = path.resolve(input.workspace, p)
    if (!file.startsWith(input.workspace + path.sep)) return undefined
    try {
      const stat = fs.lstatSync(file)
      if (!stat.isFile() || stat.size > MAX_UNIT_FILE_BYTES) return undefined
      return { path: p, bytes: fs.readFileSync(file) }
    } catch {
      return undefined
    }
  }
  return (unitPath) => {
    const at = position.get(unitPath)
    if (at === undefined) return undefined
    const unit = analysedUnitName(
      path.posix.basename(unitPath),
      templateInstance(input.options.version)
    )
    if (!unit) return undefined
    const main = read(unitPath, at)
    if (!main) return undefined
    const files: UnitFileInput[] = []
    for (const d of units[at]!.dropIns) {
      const f = read(d, at)
      if (f) files.push(f)
    }
    return { unit, main, dropIns: files }
  }
}

/** Patches by workspace-relative path: the API's, completed by a local diff when it lists too few. */
function patchesFor(
  listed: Array<{ filename: string; status: string; previous_filename?: string; patch?: string }>,
  target: { headSha: string; baseSha?: string; changedFiles?: number },
  input: ReviewInput
): Map<string, FilePatch> {
  const prefix = input.git?.prefix ?? ''
  const fromTop = (p: string): string | undefined =>
    prefix === '' ? p : p.startsWith(`${prefix}/`) ? p.slice(prefix.length + 1) : undefined
  const patches = new Map<string, FilePatch>()
  const add = (file: FilePatch): void => {
    const local = fromTop(file.path)
    if (local !== undefined && !patches.has(local)) patches.set(local, file)
  }
  for (const f of listed) {
    if (f.status === 'removed') continue
    add({
      path: f.filename,
      status: f.status,
      ...(f.previous_filename ? { previousPath: f.previous_filename } : {}),
      hunks: typeof f.patch === 'string' ? parsePatch(f.patch) : null
    })
  }
  if ((target.changedFiles ?? 0) > listed.length) {
    const git = input.git
    const base =
      target.baseSha && git?.commit(target.baseSha) && git.commit(target.headSha)
        ? git.mergeBase(target.baseSha, target.headSha)
        : undefined
    if (git && base) {
      for (const file of parseGitPatches(git.patch(base, target.headSha))) {
        if (file.status !== 'removed') add(file)
      }
      input.info(
        `Review: the API lists ${listed.length} of the pull request's ${target.changedFiles} files; the rest come from git diff.`
      )
    } else {
      input.warn(
        `The API lists ${listed.length} of the pull request's ${target.changedFiles} files and the commits are not in the checkout (fetch-depth: 0): files beyond those get no inline comments.`
      )
    }
  }
  return patches
}

function toExisting(comments: ListedComment[]): ExistingComment[] {
  return comments.map((c) => ({
    id: c.id,
    path: c.path,
    line: c.line ?? null,
    startLine: c.start_line ?? null,
    body: c.body ?? '',
    author: c.user?.login ?? '',
    ...(typeof c.in_reply_to_id === 'number' ? { inReplyTo: c.in_reply_to_id } : {})
  }))
}

const READ_ONLY_WARNING =
  'The pull-request review was not posted: the token cannot write to this pull request (fork pull requests and Dependabot get a read-only GITHUB_TOKEN; the job needs `permissions: pull-requests: write`). The results are in the annotations and the job summary, and the verdict is unchanged. For comments on fork pull requests, see the README: two workflows, pull_request then workflow_run.'

export async function reviewPullRequest(
  input: ReviewInput,
  deps: ReviewDeps = {}
): Promise<ReviewResult> {
  const result: ReviewResult = {
    status: 'skipped',
    updated: 0,
    unchanged: 0,
    requests: 0,
    failures: []
  }
  let target = reviewTarget(input.eventName, input.payload)
  if (!target) {
    input.info(
      `Review: ${input.eventName || 'this event'} is not a pull request; no review to post.`
    )
    return result
  }
  if (!input.token) {
    input.warn('Input review is true but github-token is empty: no review posted.')
    return result
  }
  const repository = input.env.GITHUB_REPOSITORY ?? ''
  if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repository)) {
    input.warn(
      `GITHUB_REPOSITORY is not owner/name ('${repository.slice(0, 100)}'): no review posted.`
    )
    return result
  }
  const [owner, repo] = repository.split('/') as [string, string]
  const scaleText = input.env.SYSTEMD_HARDENING_GATE_TIME_SCALE
  const timeScale =
    deps.timeScale ?? (scaleText && Number(scaleText) > 0 ? Math.min(1, Number(scaleText)) : 1)
  const client = new ReviewClient({
    token: input.token,
    baseUrl: (input.env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, ''),
    owner,
    repo,
    timeScale,
    // scaled in tests too, with floors a loaded machine still meets
    requestTimeout: Math.max(2_000, 30_000 * timeScale),
    budget: Math.max(30_000, 120_000 * timeScale),
    ...(deps.sleep ? { sleep: deps.sleep } : {})
  })
  const runId =
    deps.runId ??
    `${input.env.GITHUB_RUN_ID ?? 'local'}.${input.env.GITHUB_RUN_ATTEMPT ?? '1'}.${randomUUID().slice(0, 8)}`
  const fail = (what: string, failure: ApiFailure): void => {
    result.failures.push(`${what}: ${failure.status ?? failure.kind} ${failure.message}`)
  }
  try {
    let pull: PullFacts | undefined
    if (target.number === undefined && target.label) {
      pull = await client.findPull(target.label, target.headSha)
      if (!pull) {
        input.info(
          `Review: no open pull request has the head ${target.label} at ${target.headSha.slice(0, 7)}.`
        )
        return result
      }
    }
    if (pull || (input.eventName === 'workflow_run' && target.number !== undefined)) {
      pull = pull ?? (await client.getPull(target.number!))
      if (pull.headSha !== target.headSha) {
        input.info(
          `Review: the pull request moved on to ${pull.headSha.slice(0, 7)}; this run's results are not posted.`
        )
        return result
      }
      target = {
        ...target,
        number: pull.number,
        baseSha: pull.baseSha,
        changedFiles: pull.changedFiles
      }
    }
    const number = target.number!
    const identity = await resolveIdentity(input.token, client)
    const listed = await client.listFiles(number)
    const patches = patchesFor(listed, target, input)
    const inScope = input.outcomes.filter(
      (o) => touched(o.unit, patches) || input.eventName !== 'workflow_run'
    )
    // the gate's own comments first: which findings need their one-click edit worked out
    const comments = toExisting(await client.listReviewComments(number))
    const reviews = (await client.listReviews(number)).map((r) => ({
      id: r.id,
      body: r.body ?? '',
      author: r.user?.login ?? ''
    }))
    const issueComments = (await client.listIssueComments(number)).map((c) => ({
      id: c.id,
      body: c.body ?? '',
      author: c.user?.login ?? ''
    }))
    const failing = inScope.filter((o) => o.failed && touched(o.unit, patches)).sort(bySeverity)
    const sources = sourceReader(
      input,
      target.headSha,
      failing.map((o) => o.unit)
    )
    const { findings, unitNotes } = buildFindings({
      outcomes: inScope.filter((o) => touched(o.unit, patches)),
      sources,
      patches,
      toRepo: (p) => (input.git?.prefix ? `${input.git.prefix}/${p}` : p),
      options: input.options,
      oneClick: {
        commented: commentedKeys(comments, identity),
        inline: deps.maxInline ?? MAX_INLINE
      }
    })
    // notes for every gated unit, touched or not (a comment may outlive the unit's change)
    for (const [key, note] of buildFindings({
      outcomes: inScope,
      sources: () => undefined,
      patches: new Map(),
      toRepo: (p) => p,
      options: input.options
    }).unitNotes)
      if (!unitNotes.has(key)) unitNotes.set(key, note)
    const sticky = {
      outcomes: inScope,
      failOn: input.failOn,
      threshold: input.options.threshold,
      headSha: target.headSha,
      ...(input.baseSha ? { baseSha: input.baseSha } : {}),
      passed: input.passed,
      findings
    }
    const planInput = {
      headSha: target.headSha,
      identity,
      findings,
      unitNotes,
      comments,
      reviews,
      issueComments,
      sticky: stickyText(sticky),
      createSticky: inScope.length > 0,
      reviewHead: reviewHead(sticky),
      runId,
      ...(deps.maxInline !== undefined ? { maxInline: deps.maxInline } : {})
    }
    const plan = planReview(planInput)
    result.unchanged = plan.unchanged
    await execute(plan, planInput, number, target.headSha, client, input, result, fail)
    if (result.status === 'skipped') result.status = 'posted'
  } catch (error) {
    const failure = classify(error, 'review')
    if (failure.kind === 'unauthorized') {
      result.status = 'read-only'
      input.warn(
        `The pull-request review was not posted: the API refused the token (${failure.status ?? 401} ${failure.message}); check the github-token input. The results are in the annotations and the job summary, and the verdict is unchanged.`
      )
    } else if (failure.kind === 'read-only') {
      result.status = 'read-only'
      input.warn(READ_ONLY_WARNING)
    } else {
      result.status = 'failed'
      fail(failure.request, failure)
    }
  }
  result.requests = client.requestCount
  if (result.failures.length) {
    input.warn(
      `The pull-request review is incomplete (the verdict is unchanged): ${result.failures.slice(0, 5).join('; ')}`
    )
  }
  const posted = result.review
    ? `1 review with ${result.review.comments} inline comment(s) (${result.review.suggestions} one-click suggestion(s))`
    : 'no new review'
  input.info(
    `Review: ${posted}; ${result.updated} comment(s) edited, ${result.unchanged} unchanged; summary comment ${result.sticky ?? 'not posted'}; ${result.requests} API request(s).`
  )
  return result
}

async function execute(
  plan: ReviewPlan,
  planInput: Parameters<typeof planReview>[0],
  number: number,
  headSha: string,
  client: ReviewClient,
  input: ReviewInput,
  result: ReviewResult,
  fail: (what: string, failure: ApiFailure) => void
): Promise<void> {
  const stopOn = (failure: ApiFailure): boolean =>
    failure.kind === 'read-only' || failure.kind === 'unauthorized'
  if (plan.review) {
    const posted = await postReview(plan, planInput, number, headSha, client, fail)
    if (posted === 'read-only') {
      throw classify(
        { status: 403, message: 'Resource not accessible by integration' },
        'create the review'
      )
    }
    if (posted) {
      result.review = {
        comments: posted.comments,
        suggestions: posted.suggestions
      }
      if (posted.user && posted.user.toLowerCase() !== planInput.identity.login.toLowerCase()) {
        input.warn(
          `The review was posted as ${posted.user}, not ${planInput.identity.login}: later runs will not recognise these comments as the gate's own (use the GITHUB_TOKEN).`
        )
      }
    }
  }
  for (const update of plan.updates) {
    try {
      await client.updateReviewComment(update.id, update.body)
      result.updated++
    } catch (error) {
      const failure = classify(error, 'edit a review comment')
      if (stopOn(failure)) throw failure
      fail('edit a review comment', failure)
      if (failure.kind === 'rate-limited' || failure.kind === 'out-of-time') break
    }
  }
  if (plan.deferred) input.info(`Review: ${plan.deferred} comment edit(s) left for the next run.`)
  if (plan.resolve.length) {
    try {
      const threads = await client.reviewThreads(number)
      for (const id of plan.resolve) {
        const thread = threads.get(id)
        if (thread && !thread.resolved) await client.resolveThread(thread.id)
      }
    } catch (error) {
      // the GITHUB_TOKEN is often refused resolveReviewThread: the comment already says it is resolved
      input.info(
        `Review: threads of resolved findings were not marked resolved (${classify(error, 'graphql').message}).`
      )
    }
  }
  if (plan.sticky) {
    try {
      if (plan.sticky.id !== undefined) {
        await client.updateIssueComment(plan.sticky.id, plan.sticky.body)
        result.sticky = 'updated'
      } else {
        result.sticky = await createOnce(
          () => client.createIssueComment(number, plan.sticky!.body).then(() => 'created' as const),
          async () =>
            (await client.listIssueComments(number)).some(
              (c) =>
                (c.user?.login ?? '').toLowerCase() === planInput.identity.login.toLowerCase() &&
                parseMarker(c.body)?.kind === 'summary'
            )
              ? ('created' as const)
              : undefined
        )
      }
    } catch (error) {
      const failure = classify(error, 'post the summary comment')
      if (stopOn(failure)) throw failure
      fail('post the summary comment', failure)
    }
  } else {
    result.sticky = 'unchanged'
  }
}

/**
 * Runs a creation; after a 5xx or a network error, looks for what it would have created before
 * trying once more (GitHub may have created it before failing).
 */
async function createOnce<T>(
  create: () => Promise<T>,
  exists: () => Promise<T | undefined>
): Promise<T> {
  try {
    return await create()
  } catch (error) {
    const failure = classify(error, 'create')
    if (failure.kind !== 'server' && failure.kind !== 'network') throw failure
    const found = await exists()
    if (found !== undefined) return found
    return await create()
  }
}

async function postReview(
  plan: ReviewPlan,
  planInput: Parameters<typeof planReview>[0],
  number: number,
  headSha: string,
  client: ReviewClient,
  fail: (what: string, failure: ApiFailure) => void
): Promise<{ comments: number; suggestions: number; user?: string } | 'read-only' | undefined> {
  const review = plan.review!
  const suggestions = (comments: ReadonlyArray<{ body: string }>): number =>
    comments.filter((c) => /^`{3,}suggestion$/m.test(c.body)).length
  const send = async (body: string, comments: NewComment[]) => {
    const runId = parseMarker(body)?.run
    return createOnce(
      async () => {
        const created = await client.createReview(number, {
          commit_id: headSha,
          body,
          comments: comments as never
        })
        return { comments: comments.length, suggestions: suggestions(comments), user: created.user }
      },
      async () => {
        const reviews = await client.listReviews(number)
        const mine = reviews.find(
          (r) =>
            (r.user?.login ?? '').toLowerCase() === planInput.identity.login.toLowerCase() &&
            runId !== undefined &&
            parseMarker(r.body)?.run === runId
        )
        return mine
          ? {
              comments: comments.length,
              suggestions: suggestions(comments),
              user: mine.user?.login
            }
          : undefined
      }
    )
  }
  try {
    return await send(review.body, review.comments)
  } catch (error) {
    const failure = classify(error, 'create the review')
    if (failure.kind === 'read-only' || failure.kind === 'unauthorized') return 'read-only'
    if (failure.kind !== 'invalid' || review.comments.length === 0) {
      fail('create the review', failure)
      return undefined
    }
    // a 422 rejects every comment: post the findings in the body instead
    fail('create the review with inline comments', failure)
    const bodyOnly = planReview({
      ...planInput,
      findings: planInput.findings.map((f): Finding => ({ ...f, anchor: undefined })),
      runId: `${planInput.runId}b`
    })
    if (!bodyOnly.review) return undefined
    try {
      return await send(bodyOnly.review.body, [])
    } catch (again) {
      fail('create the review', classify(again, 'create the review'))
      return undefined
    }
  }
}
