/**
 * The review plan (pure): given this run's findings, the comments and reviews already on the pull
 * request and the gate's identity, what to create, edit or leave.
 *
 * - Own comments are those authored by the gate's identity AND ending in its marker; a marker pasted
 *   by anyone else is ignored, and nothing of theirs is edited.
 * - A finding already posted with the same fingerprint is left alone; a changed one is edited in
 *   place (a one-click suggestion only when it still points at the same lines, else the old comment
 *   is marked superseded and a new one posted); a finding that is gone is edited to say so and its
 *   thread resolved when nobody else replied. Nothing is ever deleted.
 * - New inline comments go into one review (event COMMENT), at most `maxInline` open inline comments
 *   per pull request (a resolved comment reopened counts as a new one); the rest, and findings
 *   without a line in the diff, are carried by the review body, which is only posted when it
 *   carries something no earlier review did (by the fingerprints in its marker: one per finding up
 *   to 1,000, one for the set beyond).
 */
import type { Marker } from './review-text.js'
import {
  BODY_LIMIT,
  fingerprint,
  fitBody,
  formatMarker,
  parseMarker,
  truncateMarkdown
} from './review-text.js'

/** What became of a gated unit, for a comment whose finding is gone. */
export interface UnitNote {
  /** markdown-safe: the unit, its score and why it passes or fails */
  text: string
  /** it still fails (the pull request no longer changes it, or there is no drop-in to suggest) */
  failing: boolean
}

export interface Identity {
  login: string
}

export interface ExistingComment {
  id: number
  path: string
  /** current line; null when outdated */
  line: number | null
  startLine: number | null
  body: string
  author: string
  inReplyTo?: number
}

export interface ExistingReview {
  id: number
  body: string
  author: string
}

export interface ExistingIssueComment {
  id: number
  body: string
  author: string
}

export interface Anchor {
  /** repository-relative path */
  path: string
  line: number
  startLine?: number
}

export interface Finding {
  /** identity of the finding: unit + check (a hash) */
  key: string
  /** where an inline comment goes; undefined: review body only */
  anchor?: Anchor
  /** a one-click suggestion: only valid at its anchor */
  suggestion: boolean
  /** inline comment body (markdown, safe), without the marker */
  body: string
  /** for the review body: the full item and a one-line form */
  item: string
  brief: string
  /** content fingerprint */
  fp: string
}

export interface PlanInput {
  headSha: string
  identity: Identity
  /** most important first */
  findings: readonly Finding[]
  /** markdown-safe state of every gated unit by finding key, for comments whose finding is gone */
  unitNotes: ReadonlyMap<string, UnitNote>
  comments: readonly ExistingComment[]
  reviews: readonly ExistingReview[]
  issueComments: readonly ExistingIssueComment[]
  /** the sticky comment's body (without marker) */
  sticky: string
  /** create the sticky comment when there is none (an update is always allowed) */
  createSticky: boolean
  /** the review body's opening paragraph */
  reviewHead: string
  /** this run's id, written into the review marker */
  runId: string
  maxInline?: number
  maxUpdates?: number
  limit?: number
}

export interface NewComment {
  path: string
  line: number
  side: 'RIGHT'
  start_line?: number
  start_side?: 'RIGHT'
  body: string
}

export interface Update {
  id: number
  body: string
  reason: 'changed' | 'fixed' | 'superseded' | 'reopened'
}

export interface ReviewPlan {
  review?: { body: string; comments: NewComment[] }
  updates: Update[]
  /** own comments whose threads to resolve (fixed, no replies from anyone else) */
  resolve: number[]
  sticky?: { id?: number; body: string }
  /** findings already posted as they are */
  unchanged: number
  /** findings carried by the review body for want of room inline */
  overflow: number
  /** edits left for the next run (over maxUpdates) */
  deferred: number
}

export const MAX_INLINE = 30
export const MAX_UPDATES = 30

const sameLogin = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase()

export function isOwn(author: string, body: string, identity: Identity): Marker | undefined {
  if (!sameLogin(author, identity.login)) return undefined
  return parseMarker(body)
}

export function commentMarker(finding: Finding, state: Marker['state'] = 'open'): string {
  return formatMarker({ kind: 'comment', key: finding.key, fp: finding.fp, state })
}

export function commentBody(finding: Finding, limit = BODY_LIMIT): string {
  return fitBody(finding.body, [], commentMarker(finding), limit)
}

const short = (sha: string): string => sha.slice(0, 7)

/** The finding keys the gate's own inline comments carry, whatever their state. */
export function commentedKeys(
  comments: readonly ExistingComment[],
  identity: Identity
): Set<string> {
  const keys = new Set<string>()
  for (const comment of comments) {
    if (comment.inReplyTo !== undefined) continue
    const marker = isOwn(comment.author, comment.body, identity)
    if (marker?.kind === 'comment' && marker.key) keys.add(marker.key)
  }
  return keys
}

interface Own {
  comment: ExistingComment
  marker: Marker
}

export function planReview(input: PlanInput): ReviewPlan {
  const limit = input.limit ?? BODY_LIMIT
  const maxInline = input.maxInline ?? MAX_INLINE
  const maxUpdates = input.maxUpdates ?? MAX_UPDATES
  const { identity } = input

  // own top-level comments, and which have replies by anyone else
  const own: Own[] = []
  const repliedByOthers = new Set<number>()
  for (const comment of input.comments) {
    if (comment.inReplyTo !== undefined) {
      if (!sameLogin(comment.author, identity.login)) repliedByOthers.add(comment.inReplyTo)
      continue
    }
    const marker = isOwn(comment.author, comment.body, identity)
    if (marker?.kind === 'comment') own.push({ comment, marker })
  }
  // the live comment of each key: the newest that is not superseded
  const live = new Map<string, Own>()
  for (const o of own) {
    if (o.marker.state === 'superseded') continue
    const seen = live.get(o.marker.key!)
    if (!seen || seen.comment.id < o.comment.id) live.set(o.marker.key!, o)
  }
  const carried = new Set<string>()
  const carriedRests = new Set<string>()
  for (const review of input.reviews) {
    const marker = isOwn(review.author, review.body, identity)
    if (marker?.kind !== 'review') continue
    for (const fp of marker.items ?? []) carried.add(fp)
    if (marker.rest) carriedRests.add(marker.rest)
  }

  const updates: Update[] = []
  // in severity order, what would open an inline comment: a new one, or a resolved one reopened
  const opening: Array<{ finding: Finding; reopens?: number }> = []
  const bodyOnly: Finding[] = []
  let unchanged = 0
  let reused = 0
  const findingKeys = new Set<string>()
  for (const finding of input.findings) {
    findingKeys.add(finding.key)
    const current = live.get(finding.key)
    if (!current) {
      if (finding.anchor) opening.push({ finding })
      else bodyOnly.push(finding)
      continue
    }
    const { comment, marker } = current
    const outdated = comment.line === null
    const samePlace =
      !!finding.anchor &&
      comment.path === finding.anchor.path &&
      comment.line === finding.anchor.line &&
      (comment.startLine ?? undefined) === finding.anchor.startLine
    // a drop-in comment is valid wherever it is; a suggestion only on its lines
    const fits = !outdated && (finding.suggestion ? samePlace : true)
    if (marker.fp === finding.fp && marker.state === 'open' && (fits || !finding.anchor)) {
      unchanged++
      if (!outdated) reused++
      continue
    }
    if (fits && marker.state === 'open') {
      updates.push({ id: comment.id, body: commentBody(finding, limit), reason: 'changed' })
      reused++
      continue
    }
    // a resolved comment the finding is back at opens again within the budget, as a new one would
    if (fits) {
      opening.push({ finding, reopens: comment.id })
      continue
    }
    if (marker.state === 'open') {
      updates.push({
        id: comment.id,
        body: fitBody(
          `_Superseded at ${short(input.headSha)}: this finding changed and the lines it pointed at no longer fit; see the newer comment or the review._`,
          [],
          formatMarker({ kind: 'comment', key: marker.key, fp: marker.fp, state: 'superseded' }),
          limit
        ),
        reason: 'superseded'
      })
    }
    if (finding.anchor) opening.push({ finding })
    else bodyOnly.push(finding)
  }

  // findings that are gone: their open comments say so
  const resolve: number[] = []
  for (const [key, { comment, marker }] of live) {
    if (findingKeys.has(key) || marker.state !== 'open') continue
    const note = input.unitNotes.get(key)
    const text = note?.text ?? 'the gate no longer reports this finding for this pull request'
    // a unit that still fails is not resolved: the comment no longer applies to this pull request
    const heading = note?.failing
      ? `**No longer reviewed at ${short(input.headSha)}**`
      : `✅ **Resolved at ${short(input.headSha)}**`
    updates.push({
      id: comment.id,
      body: fitBody(
        `${heading}: ${text}.`,
        [],
        formatMarker({ kind: 'comment', key, fp: marker.fp, state: 'fixed' }),
        limit
      ),
      reason: 'fixed'
    })
    if (!repliedByOthers.has(comment.id)) resolve.push(comment.id)
  }

  // new inline comments, within the per-pull-request budget
  const budget = Math.max(0, maxInline - reused)
  const inline: Finding[] = []
  for (const { finding, reopens } of opening.slice(0, budget)) {
    if (reopens === undefined) inline.push(finding)
    else updates.push({ id: reopens, body: commentBody(finding, limit), reason: 'reopened' })
  }
  // beyond the budget, in the body (a resolved comment stays as it is until there is room)
  const overflow = opening.slice(budget).map((f) => f.finding)
  const comments: NewComment[] = inline.map((f) => ({
    path: f.anchor!.path,
    line: f.anchor!.line,
    side: 'RIGHT',
    ...(f.anchor!.startLine !== undefined
      ? { start_line: f.anchor!.startLine, start_side: 'RIGHT' as const }
      : {}),
    body: commentBody(f, limit)
  }))

  // the review body carries what is not inline, unless an earlier review already did
  let itemsNow = [...overflow, ...bodyOnly].filter((f) => !carried.has(f.fp))
  // those an earlier review only counted, unchanged
  if (itemsNow.length && carriedRests.has(restFingerprint(itemsNow))) itemsNow = []
  let review: ReviewPlan['review']
  if (comments.length || itemsNow.length) {
    review = { body: reviewBody(input, itemsNow, overflow.length, limit), comments }
  }

  // edits: the changed ones first, at most maxUpdates per run
  const order = { changed: 0, reopened: 0, superseded: 1, fixed: 2 }
  updates.sort((a, b) => order[a.reason] - order[b.reason])
  const kept = updates.slice(0, maxUpdates)
  const keptIds = new Set(kept.map((u) => u.id))

  // the sticky comment: edited in place, created once something is gated
  const stickyBody = fitBody(input.sticky, [], formatMarker({ kind: 'summary' }), limit)
  let sticky: ReviewPlan['sticky']
  const existing = input.issueComments
    .filter((c) => isOwn(c.author, c.body, identity)?.kind === 'summary')
    .sort((a, b) => a.id - b.id)[0]
  if (existing) {
    if (existing.body !== stickyBody) sticky = { id: existing.id, body: stickyBody }
  } else if (input.createSticky) sticky = { body: stickyBody }

  return {
    ...(review ? { review } : {}),
    updates: kept,
    resolve: resolve.filter((id) => keptIds.has(id)),
    ...(sticky ? { sticky } : {}),
    unchanged,
    overflow: overflow.length,
    deferred: updates.length - kept.length
  }
}

/** One fingerprint for findings a review body counts without listing them: their set, in any order. */
export function restFingerprint(findings: readonly Finding[]): string {
  return fingerprint('rest', ...findings.map((f) => f.fp).sort())
}

/**
 * Findings a review's marker names one by one (17 characters each: ~17 KB of the 64 KiB body);
 * beyond them, one fingerprint stands for the set.
 */
const MARKER_ITEMS = 1000

function reviewBody(
  input: PlanInput,
  items: readonly Finding[],
  overflow: number,
  limit: number
): string {
  const parts: string[] = [input.reviewHead]
  if (overflow > 0) {
    parts.push(
      `${overflow} more finding(s) are listed here rather than inline, to keep this pull request under ${input.maxInline ?? MAX_INLINE} open review comments.`
    )
  }
  // one line each for as many as fit (the marker's room first), then a count; the first ones
  // shown in full, with their drop-ins, while the room left allows
  const named = Math.min(items.length, MARKER_ITEMS)
  const room =
    limit -
    400 -
    named * 17 -
    formatMarker({ kind: 'review', run: input.runId, items: [], rest: '0'.repeat(16) }).length
  let used = parts.join('\n\n').length
  const listed: Finding[] = []
  const counted: Finding[] = []
  for (const item of items) {
    if (used + item.brief.length + 1 < room) {
      used += item.brief.length + 1
      listed.push(item)
    } else counted.push(item)
  }
  let shownInFull = 0
  for (const item of listed) {
    const more = item.item.length + 2 - (item.brief.length + 1)
    if (used + more >= room) break
    used += more
    shownInFull++
  }
  const full = listed.slice(0, shownInFull).map((f) => f.item)
  const brief = listed.slice(shownInFull).map((f) => f.brief)
  parts.push(...full)
  if (brief.length) parts.push(brief.join('\n'))
  if (counted.length)
    parts.push(`… and ${counted.length} more: the job summary lists every unit and its drop-in.`)
  // the marker names what the body lists and, as room allows, what it counts; one fingerprint the rest
  const carried = [...listed, ...counted].slice(0, named)
  const rest = [...listed, ...counted].slice(named)
  const marker = formatMarker({
    kind: 'review',
    run: input.runId,
    items: carried.map((f) => f.fp),
    ...(rest.length ? { rest: restFingerprint(rest) } : {})
  })
  const head = truncateMarkdown(
    parts.join('\n\n'),
    limit - marker.length - 2,
    '✂️ Cut to fit GitHub’s size limit: the job summary has everything.'
  )
  return `${head}\n\n${marker}`
}
