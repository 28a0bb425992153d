/**
 * The review's pure parts: diff hunks, markers, bodies under GitHub's limit, the plan (what to
 * create, edit or leave), and which pull request an event is about.
 */
import { describe, expect, it } from '@jest/globals'
import { canComment, parseGitPatches, parsePatch } from '../src/github/review-diff.js'
import type { ExistingComment, Finding, PlanInput } from '../src/github/review-plan.js'
import { commentBody, planReview, restFingerprint } from '../src/github/review-plan.js'
import { reviewTarget } from '../src/github/review.js'
import {
  fingerprint,
  fitBody,
  formatMarker,
  parseMarker,
  truncateMarkdown
} from '../src/github/review-text.js'

const PATCH =
  '@@ -1,3 +1,4 @@\n [Unit]\n-Description=a\n+Description=b\n+After=x\n \n@@ -10,2 +11,3 @@ [Service]\n ExecStart=/bin/a\n+User=a\n Restart=always'

describe('diff hunks', () => {
  const file = { path: 'a.service', status: 'modified', hunks: parsePatch(PATCH) }
  it('allows RIGHT-side lines inside a hunk only, and ranges within one hunk', () => {
    expect([1, 2, 3, 4, 5, 11, 12, 13, 14].map((l) => canComment(file, l))).toEqual([
      true,
      true,
      true,
      true,
      false,
      true,
      true,
      true,
      false
    ])
    expect(canComment(file, 4, 1)).toBe(true)
    expect(canComment(file, 12, 4)).toBe(false)
    expect(canComment(file, 3, 3)).toBe(false)
    expect(file.hunks[1]!.added).toEqual(new Set([12]))
  })
  it('has nothing to comment on without a patch', () => {
    expect(canComment({ path: 'b', status: 'modified', hunks: null }, 1)).toBe(false)
  })
  it('reads git diff-tree patches with renames and quoted paths', () => {
    const text = [
      'diff --git a/old.service b/new.service',
      'similarity index 90%',
      'rename from old.service',
      'rename to new.service',
      '--- a/old.service',
      '+++ b/new.service',
      '@@ -1 +1 @@',
      '-x',
      '+y',
      'diff --git "a/we\\"ird.service" "b/we\\"ird.service"',
      'new file mode 100644',
      '--- /dev/null',
      '+++ "b/we\\"ird.service"',
      '@@ -0,0 +1,2 @@',
      '+[Service]',
      '+ExecStart=/bin/x'
    ].join('\n')
    const files = parseGitPatches(text)
    expect(files.map((f) => [f.path, f.status, f.previousPath])).toEqual([
      ['new.service', 'renamed', 'old.service'],
      ['we"ird.service', 'added', undefined]
    ])
    expect(canComment(files[1]!, 2, 1)).toBe(true)
  })
})

describe('markers', () => {
  const sample = {
    kind: 'comment',
    key: 'a'.repeat(16),
    fp: 'b'.repeat(16),
    state: 'fixed'
  } as const
  const marker = formatMarker(sample)

  it('round-trip, and only the last line counts', () => {
    expect(parseMarker(`text\n\n${marker}\n`)).toEqual(sample)
    expect(parseMarker(`${marker}\nmore text`)).toBeUndefined()
    expect(parseMarker('<!-- systemd-hardening-gate:comment v1 key=x -->')).toBeUndefined()
  })

  it("reads a long comment body in linear time (a run of blanks before text: /\\s+$/ was quadratic; the callers read only the gate's own comments, so this is defence in depth)", () => {
    // a bound far above its time (~1 s here): the code before took minutes or never ended
    const started = performance.now()
    // GitHub's largest body, blanks and then one letter, many times over: well under a second
    const blanks = ` ${' \t'.repeat(32_000)}x`
    for (let i = 0; i < 20; i++) expect(parseMarker(blanks)).toBeUndefined()
    expect(parseMarker(`${blanks}\n${marker}${' \t\n'.repeat(20_000)}`)).toEqual(sample)
    expect(performance.now() - started).toBeLessThan(15_000)
  })
})

describe('bodies under the limit', () => {
  it('cut outside a surrogate pair, close an open fence, keep the marker last', () => {
    const head = `intro\n\n\`\`\`\`ini\n${'😀'.repeat(40000)}\n\`\`\`\``
    const body = fitBody(head, [], '<!-- m -->')
    expect(body.length).toBeLessThanOrEqual(65536)
    expect(body).toMatch(/\n````\n\n✂️ Cut to fit/)
    expect(body.endsWith('<!-- m -->')).toBe(true)
    expect(/[\ud800-\udbff](?![\udc00-\udfff])/.test(body)).toBe(false)
    const cut = truncateMarkdown('a'.repeat(70000), 65536, 'note')
    expect(cut.length).toBeLessThanOrEqual(65536)
  })
})

const finding = (key: string, extra: Partial<Finding> = {}): Finding => ({
  key: fingerprint(key),
  anchor: { path: `units/${key}.service`, line: 5 },
  suggestion: true,
  body: `fix ${key}`,
  item: `item ${key}`,
  brief: `- ${key}`,
  fp: fingerprint('fp', key),
  ...extra
})

const BOT = { login: 'github-actions[bot]' }

function input(extra: Partial<PlanInput>): PlanInput {
  return {
    headSha: 'c'.repeat(40),
    identity: BOT,
    findings: [],
    unitNotes: new Map(),
    comments: [],
    reviews: [],
    issueComments: [],
    sticky: 'table',
    createSticky: true,
    reviewHead: 'head',
    runId: 'run1',
    ...extra
  }
}

const posted = (f: Finding, id: number, extra: Partial<ExistingComment> = {}): ExistingComment => ({
  id,
  path: f.anchor!.path,
  line: f.anchor!.line,
  startLine: null,
  body: commentBody(f),
  author: BOT.login,
  ...extra
})

describe('the plan', () => {
  it('creates one review with the new findings and a sticky comment', () => {
    const plan = planReview(
      input({ findings: [finding('a'), finding('b', { anchor: undefined })] })
    )
    expect(plan.review!.comments.map((c) => c.path)).toEqual(['units/a.service'])
    expect(plan.review!.body).toContain('item b')
    expect(parseMarker(plan.review!.body)?.items).toEqual([finding('b').fp])
    expect(plan.sticky).toEqual({ body: expect.stringContaining('table') })
  })

  it('leaves what is already posted, edits what changed, resolves what is gone', () => {
    const a = finding('a')
    const b = finding('b')
    const gone = finding('g')
    const comments = [posted(a, 1), posted(b, 2), posted(gone, 3)]
    const changedB = { ...b, body: 'fix b, changed', fp: fingerprint('changed') }
    const plan = planReview(input({ findings: [a, changedB], comments }))
    expect(plan.review).toBeUndefined()
    expect(plan.unchanged).toBe(1)
    expect(plan.updates.map((u) => [u.id, u.reason])).toEqual([
      [2, 'changed'],
      [3, 'fixed']
    ])
    expect(plan.resolve).toEqual([3])
  })

  it('supersedes a suggestion whose lines moved and posts it anew', () => {
    const a = finding('a')
    const moved = { ...a, anchor: { path: a.anchor!.path, line: 9 }, fp: fingerprint('moved') }
    const plan = planReview(input({ findings: [moved], comments: [posted(a, 1)] }))
    expect(plan.updates.map((u) => u.reason)).toEqual(['superseded'])
    expect(plan.review!.comments[0]!.line).toBe(9)
  })

  it('ignores markers in comments of anyone else, and keeps threads with replies open', () => {
    const a = finding('a')
    const forged = posted(a, 1, { author: 'mallory' })
    const own = posted(finding('g'), 2)
    const reply: ExistingComment = {
      ...posted(a, 3, { author: 'octocat' }),
      body: 'ok',
      inReplyTo: 2
    }
    const plan = planReview(input({ findings: [a], comments: [forged, own, reply] }))
    expect(plan.updates.map((u) => u.id)).toEqual([2])
    expect(plan.resolve).toEqual([])
    expect(plan.review!.comments).toHaveLength(1)
  })

  it('keeps at most 30 open inline comments and carries the rest in the body once', () => {
    const many = Array.from({ length: 200 }, (_, i) => finding(`u${i}`))
    const first = planReview(input({ findings: many }))
    expect(first.review!.comments).toHaveLength(30)
    expect(first.overflow).toBe(170)
    expect(first.review!.body.length).toBeLessThanOrEqual(65536)
    const comments = many.slice(0, 30).map((f, i) => posted(f, i + 1))
    const reviews = [{ id: 1, body: first.review!.body, author: BOT.login }]
    const again = planReview(input({ findings: many, comments, reviews }))
    expect(again.review).toBeUndefined()
    expect(again.updates).toEqual([])
  })

  it('names up to 1,000 findings in its marker and the rest in one fingerprint, and posts them once (action audit, A6)', () => {
    // every finding's fingerprint was in the marker: with 6,000 the marker alone was ~100 KB and
    // GitHub refused the review (422, body too long)
    const brief = '- units/a-long-directory-name/service.service: 9.6 UNSAFE → 2.4 with the drop-in'
    const many = Array.from({ length: 6000 }, (_, i) =>
      finding(`u${i}`, {
        anchor: undefined,
        item: `${'x'.repeat(2000)} ${i}`,
        brief: `${brief} ${i}`
      })
    )
    const first = planReview(input({ findings: many }))
    const body = first.review!.body
    expect(body.length).toBeLessThanOrEqual(65536)
    const marker = parseMarker(body)!
    expect(marker.items).toEqual(many.slice(0, 1000).map((f) => f.fp))
    expect(marker.rest).toBe(restFingerprint([...many.slice(1000)].reverse()))
    // 23 drop-ins fill it (one line each would have been read as more of them)
    const shown = body.split('\n').filter((line) => /^(x{2000}|- units)/.test(line)).length
    expect(shown).toBeGreaterThan(20)
    expect(body).toContain(`… and ${6000 - shown} more`)
    // a later run with the same findings posts nothing; one finding more, a new review
    const reviews = [{ id: 1, body, author: BOT.login }]
    expect(planReview(input({ findings: many, reviews })).review).toBeUndefined()
    const more = [...many, finding('new', { anchor: undefined })]
    const next = parseMarker(planReview(input({ findings: more, reviews })).review!.body)!
    expect(next.items![0]).toBe(many[1000]!.fp)
    expect(next.items).toHaveLength(1000)
    const named = new Set(next.items)
    expect(next.rest).toBe(restFingerprint(more.slice(1000).filter((f) => !named.has(f.fp))))
  })
  it('names every finding it only counts while they are fewer than 1,000: a change to one posts that one', () => {
    // 24 drop-ins fill the body, the other 146 are counted (the 200-unit pull request)
    const dropIn = 'x'.repeat(2500)
    const many = Array.from({ length: 170 }, (_, i) =>
      finding(`u${i}`, { anchor: undefined, item: `${dropIn} ${i}`, brief: `- ${dropIn} ${i}` })
    )
    const body = planReview(input({ findings: many })).review!.body
    expect(body).toMatch(/… and \d+ more/)
    expect(parseMarker(body)!.items).toHaveLength(170)
    expect(parseMarker(body)!.rest).toBeUndefined()
    const reviews = [{ id: 1, body, author: BOT.login }]
    const changed = [
      ...many.slice(0, 169),
      finding('u169', { anchor: undefined, fp: fingerprint('c') })
    ]
    const next = planReview(input({ findings: changed, reviews })).review!.body
    expect(parseMarker(next)!.items).toEqual([fingerprint('c')])
    expect(planReview(input({ findings: many.slice(1), reviews })).review).toBeUndefined()
  })
  it('lists every finding on a line of its own before showing drop-ins in full (red team, session 23)', () => {
    // 67 findings with 3 KB drop-ins: 20 were shown in full and the last few only counted
    const many = Array.from({ length: 67 }, (_, i) =>
      finding(`u${i}`, {
        anchor: undefined,
        item: `${'x'.repeat(3000)} ${i}`,
        brief: `- units/u${i}.service: 9.6 UNSAFE → 2.4 with the drop-in units/u${i}.service.d/hardening.conf`
      })
    )
    const body = planReview(input({ findings: many })).review!.body
    expect(body.length).toBeLessThanOrEqual(65536)
    expect(body).not.toContain('… and')
    const inFull = body.split('\n').filter((line) => line.startsWith('x'.repeat(3000))).length
    const inBrief = body.split('\n').filter((line) => line.startsWith('- units/u')).length
    expect(inFull).toBeGreaterThan(10)
    expect(inFull + inBrief).toBe(67)
    // the full ones first, in order
    expect(body.indexOf(`${'x'.repeat(3000)} 0`)).toBeLessThan(body.indexOf('- units/u66.service'))
  })

  it('says a unit that still fails is no longer reviewed, not resolved (red team, session 23)', () => {
    const gone = finding('g')
    const fixed = finding('f')
    const unitNotes = new Map([
      [
        gone.key,
        {
          text: 'units/g.service scores 9.6 UNSAFE; this pull request no longer changes it',
          failing: true
        }
      ],
      [fixed.key, { text: 'units/f.service now scores 2.1 OK', failing: false }]
    ])
    const plan = planReview(
      input({ findings: [], comments: [posted(gone, 1), posted(fixed, 2)], unitNotes })
    )
    const body = (id: number) => plan.updates.find((u) => u.id === id)!.body
    expect(body(1)).toMatch(
      /^\*\*No longer reviewed at c{7}\*\*: units\/g.service scores 9.6 UNSAFE/
    )
    expect(body(1)).not.toContain('Resolved')
    expect(body(2)).toMatch(/^✅ \*\*Resolved at c{7}\*\*: units\/f.service now scores 2.1 OK/)
    expect(plan.updates.map((u) => u.reason)).toEqual(['fixed', 'fixed'])
  })

  it('reopens a resolved comment only within the 30 open ones (red team, session 23)', () => {
    // f0 was fixed, then fails again; f1-f30 are open: reopening f0 made 31 open comments
    const all = Array.from({ length: 31 }, (_, i) => finding(`f${i}`))
    const resolved = (f: Finding, id: number): ExistingComment =>
      posted(f, id, {
        body: fitBody(
          'Resolved',
          [],
          formatMarker({ kind: 'comment', key: f.key, fp: f.fp, state: 'fixed' })
        )
      })
    const comments = [resolved(all[0]!, 100), ...all.slice(1).map((f, i) => posted(f, i + 1))]
    const full = planReview(input({ findings: all, comments }))
    expect(full.updates).toEqual([])
    expect(full.review!.comments).toEqual([])
    expect(full.review!.body).toContain('item f0')
    expect(full.overflow).toBe(1)
    // with one place free it is reopened, in place, and nothing new is posted
    const room = planReview(input({ findings: all.slice(0, 30), comments: comments.slice(0, 30) }))
    expect(room.updates.map((u) => [u.id, u.reason])).toEqual([[100, 'reopened']])
    expect(room.review).toBeUndefined()
  })

  it('edits the sticky comment only when its text changed', () => {
    const sticky = {
      id: 9,
      body: fitBody('table', [], formatMarker({ kind: 'summary' })),
      author: BOT.login
    }
    expect(planReview(input({ issueComments: [sticky] })).sticky).toBeUndefined()
    expect(planReview(input({ issueComments: [sticky], sticky: 'new table' })).sticky?.id).toBe(9)
    const forged = { ...sticky, author: 'mallory' }
    expect(planReview(input({ issueComments: [forged] })).sticky).toEqual({
      body: expect.any(String)
    })
  })
})

describe('the pull request an event is about', () => {
  const sha = 'a'.repeat(40)
  it('reads pull_request and workflow_run payloads', () => {
    expect(
      reviewTarget('pull_request', { pull_request: { number: 3, head: { sha }, base: { sha } } })
    ).toEqual({
      number: 3,
      headSha: sha,
      baseSha: sha
    })
    expect(reviewTarget('push', {})).toBeUndefined()
    const run = {
      event: 'pull_request',
      head_sha: sha,
      head_branch: 'fix',
      head_repository: { owner: { login: 'fork-owner' } }
    }
    expect(reviewTarget('workflow_run', { workflow_run: { ...run, pull_requests: [] } })).toEqual({
      headSha: sha,
      label: 'fork-owner:fix'
    })
    expect(
      reviewTarget('workflow_run', {
        workflow_run: { ...run, pull_requests: [{ number: 8, head: { sha } }] }
      })
    ).toEqual({ number: 8, headSha: sha })
    expect(
      reviewTarget('workflow_run', { workflow_run: { ...run, event: 'push' } })
    ).toBeUndefined()
  })
})
