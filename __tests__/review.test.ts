/**
 * The pull-request review end to end: the committed dist/index.js in a child process (runner env,
 * temporary git repositories shaped like pull requests, real pull_request payloads) against the
 * loopback fake GitHub (__tests__/support/fake-github.ts), which enforces GitHub's diff rules with
 * its 422 messages and validates every body against GitHub's OpenAPI schemas.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { analyzeUnit } from '../src/core/report.js'
import { parseUnitName } from '../src/core/specifiers.js'
import { Git, GitError } from '../src/github/git.js'
import { parsePatch } from '../src/github/review-diff.js'
import { buildFindings, findingKey } from '../src/github/review-findings.js'
import { parseMarker } from '../src/github/review-text.js'
import { pageNumber } from '../src/github/review-client.js'
import { sourceReader } from '../src/github/review.js'
import type { Outcome } from '../src/github/verdict.js'
import { loadPolicy } from '../src/policies.js'
import { pullRequestPayload } from './support/action-events.js'
import type { ActionRun, Files, Repo } from './support/action-harness.js'
import {
  cleanupRuns,
  commandName,
  createRepo,
  git,
  root,
  runAction,
  writeFiles
} from './support/action-harness.js'
import type { FakeComment } from './support/fake-github.js'
import { BOT, FakeGitHub, human, prFiles } from './support/fake-github.js'

const BARE = '[Unit]\nDescription=Unhardened\n\n[Service]\nExecStart=/usr/bin/app\n'
const LEGACY =
  '[Unit]\nDescription=Legacy\n\n[Service]\nType=simple\nExecStart=/usr/bin/legacy --serve\nRestart=on-failure\nUser=legacy\n\n[Install]\nWantedBy=multi-user.target\n'

const created: string[] = []
const fakes: FakeGitHub[] = []
afterAll(async () => {
  for (const dir of created) fs.rmSync(dir, { recursive: true, force: true })
  for (const fake of fakes) await fake.stop()
  cleanupRuns()
})

function repo(spec: Parameters<typeof createRepo>[0]): Repo {
  const r = createRepo(spec)
  created.push(r.dir)
  return r
}

async function fakeFor(r: Repo, number = 42): Promise<FakeGitHub> {
  const fake = new FakeGitHub(
    { number, headSha: r.headSha, baseSha: r.baseSha },
    prFiles(r.dir, r.baseSha, r.headSha)
  )
  fakes.push(fake)
  await fake.start()
  return fake
}

function run(
  r: Repo,
  fake: FakeGitHub,
  extra: { inputs?: Record<string, string>; payload?: object; env?: Record<string, string> } = {}
) {
  return runAction({
    workspace: r.dir,
    eventName: 'pull_request',
    payload:
      extra.payload ??
      pullRequestPayload({
        baseSha: r.baseSha,
        headSha: r.headSha,
        changedFiles: fake.files.length
      }),
    inputs: { review: 'true', ...extra.inputs },
    env: {
      GITHUB_API_URL: fake.url,
      GITHUB_GRAPHQL_URL: `${fake.url}/graphql`,
      GITHUB_RUN_ID: '7001',
      GITHUB_RUN_ATTEMPT: '1',
      SYSTEMD_HARDENING_GATE_TIME_SCALE: '0.002',
      ...extra.env
    }
  })
}

const errors422 = (fake: FakeGitHub) => fake.log.filter((r) => r.status === 422)
const warnings = (r: ActionRun) => r.commands.filter((l) => commandName(l) === 'warning')
const policy = loadPolicy('baseline', root)

/** Applies a posted suggestion to the file at head and scores it with the engine. */
function applySuggestion(
  dir: string,
  comment: FakeComment
): { text: string; score: number | null } {
  const file = path.join(dir, comment.path)
  const lines = fs.readFileSync(file, 'utf8').split('\n')
  const match = /^(`{3,})suggestion\n([\s\S]*?)\n\1$/m.exec(comment.body)
  if (!match) throw new Error('no suggestion block')
  const start = (comment.start_line ?? comment.line!) - 1
  const end = comment.line! - 1
  const edited = [...lines.slice(0, start), ...match[2]!.split('\n'), ...lines.slice(end + 1)].join(
    '\n'
  )
  const name = path.basename(comment.path.replace(/\.d\/[^/]+$/, ''))
  const unitPath = comment.path.includes('.service.d/')
    ? comment.path.replace(/\.d\/[^/]+$/, '')
    : comment.path
  const dropInDir = path.join(dir, `${unitPath}.d`)
  const dropIns = fs.existsSync(dropInDir)
    ? fs
        .readdirSync(dropInDir)
        .sort()
        .map((f) => {
          const p = `${unitPath}.d/${f}`
          return {
            path: p,
            bytes: new TextEncoder().encode(
              p === comment.path ? edited : fs.readFileSync(path.join(dir, p), 'utf8')
            )
          }
        })
    : []
  const main =
    unitPath === comment.path ? edited : fs.readFileSync(path.join(dir, unitPath), 'utf8')
  const report = analyzeUnit(
    {
      unit: parseUnitName(name)!,
      main: { path: unitPath, bytes: new TextEncoder().encode(main) },
      dropIns
    },
    { version: 259, policy, threshold: 50, suggest: false }
  )
  return { text: edited, score: report.score }
}

function promised(body: string): number {
  const m = /scores the edited unit (\d+\.\d)/.exec(body)
  if (!m) throw new Error('no promised score')
  return Number(m[1])
}

describe('a pull request that adds an unhardened unit', () => {
  let r: Repo
  let fake: FakeGitHub
  let first: ActionRun
  it('posts one review (COMMENT, at the head) with a one-click suggestion, and a sticky comment', async () => {
    r = repo({ base: {}, head: { 'units/app.service': BARE } })
    git(r.dir, 'checkout', '-q', '--detach', r.mergeSha)
    fake = await fakeFor(r)
    first = await run(r, fake)
    expect(first.code).toBe(1)
    expect(fake.violations).toEqual([])
    expect(errors422(fake)).toEqual([])
    expect(fake.reviews).toHaveLength(1)
    const review = fake.log.find((l) => l.method === 'POST' && l.path.endsWith('/reviews'))!
    expect(review.body).toMatchObject({ event: 'COMMENT', commit_id: r.headSha })
    expect(fake.reviewComments).toHaveLength(1)
    const comment = fake.reviewComments[0]!
    expect(comment.path).toBe('units/app.service')
    expect(comment.body).toContain('```suggestion\n')
    expect(comment.body).toMatch(/scores \*\*9\.4 UNSAFE\*\*/)
    expect(fake.issueComments).toHaveLength(1)
    expect(fake.issueComments[0]!.body).toContain(
      '| ❌ fail | units/app.service | new | 9.4 UNSAFE | new |'
    )
    expect(parseMarker(fake.issueComments[0]!.body)?.kind).toBe('summary')
    expect(fake.count('GET', /^\/user$/)).toBe(0)
  })

  it('promises the score the engine gives the unit with the suggestion committed', () => {
    const comment = fake.reviewComments[0]!
    const applied = applySuggestion(r.dir, comment)
    expect(applied.score).toBe(promised(comment.body))
    expect(applied.score!).toBeLessThanOrEqual(5)
  })

  it('posts nothing on a re-run of the same commit', async () => {
    const before = fake.log.length
    const again = await run(r, fake)
    expect(again.code).toBe(first.code)
    const rerun = fake.log.slice(before)
    expect(rerun.filter((l) => l.method !== 'GET')).toEqual([])
    expect(fake.violations).toEqual([])
  })
})

/** A new commit on the pull request's branch; the checkout is its head (as under pull_request_target). */
function pushToBranch(r: Repo, files: Files): Repo {
  git(r.dir, 'checkout', '-q', 'feature')
  writeFiles(r.dir, files)
  git(r.dir, 'add', '-A')
  git(r.dir, 'commit', '-q', '-m', 'next')
  const headSha = git(r.dir, 'rev-parse', 'HEAD')
  git(r.dir, 'checkout', '-q', '--detach', headSha)
  return { ...r, headSha, checkedOut: headSha }
}

describe('a pull request that modifies a unit', () => {
  /** LEGACY with `added` after its Restart= line: the run, its one comment, the comment applied */
  async function suggestedAfter(added: string) {
    const r = repo({
      base: { 'units/legacy.service': LEGACY },
      head: {
        'units/legacy.service': LEGACY.replace(
          'Restart=on-failure\n',
          `Restart=on-failure\n${added}`
        )
      }
    })
    const fake = await fakeFor(r)
    const result = await run(r, fake)
    expect(result.code).toBe(1)
    expect(fake.violations).toEqual([])
    expect(errors422(fake)).toEqual([])
    expect(fake.reviewComments).toHaveLength(1)
    const comment = fake.reviewComments[0]!
    expect(comment.body).toContain('```suggestion\n')
    git(r.dir, 'checkout', '-q', '--detach', r.headSha)
    const applied = applySuggestion(r.dir, comment)
    expect(applied.score).toBe(promised(comment.body))
    return { result, comment, applied }
  }

  it('suggests inside the changed hunk, replacing the insecure line it adds', async () => {
    const { comment, applied } = await suggestedAfter('NoNewPrivileges=no\nProtectSystem=no\n')
    // the insecure lines are replaced, not overridden further down
    expect(applied.text).not.toContain('NoNewPrivileges=no')
    expect(comment.body).toMatch(/and replaces line 8/)
    expect(comment.start_line).toBe(8)
  })

  it('suggests the directive a misspelt line meant in its place (the line does nothing)', async () => {
    const { result, comment, applied } = await suggestedAfter('PrivteTmp=yes\nNoNewPrivilege=yes\n')
    // the annotation says what the line was meant to be
    expect(result.commands.join('\n')).toMatch(/did you mean PrivateTmp=\?/)
    // the misspelt lines are gone, each replaced by the directive it meant
    expect(applied.text).not.toMatch(/PrivteTmp|NoNewPrivilege=/)
    expect(applied.text).toMatch(/^PrivateTmp=yes$/m)
    expect(applied.text).toMatch(/^NoNewPrivileges=yes$/m)
    expect(comment.start_line).toBe(8)
  })
})

describe('a pull request that only adds a drop-in', () => {
  it('suggests the directives in that drop-in', async () => {
    const r = repo({
      base: { 'units/app.service': BARE },
      head: { 'units/app.service.d/override.conf': '[Service]\nEnvironment=MODE=fast\n' }
    })
    const fake = await fakeFor(r)
    const result = await run(r, fake)
    expect(result.code).toBe(1)
    expect(errors422(fake)).toEqual([])
    expect(fake.reviewComments).toHaveLength(1)
    const comment = fake.reviewComments[0]!
    expect(comment.path).toBe('units/app.service.d/override.conf')
    expect(comment.body).toContain('to the drop-in units/app.service.d/override.conf')
    git(r.dir, 'checkout', '-q', '--detach', r.headSha)
    expect(applySuggestion(r.dir, comment).score).toBe(promised(comment.body))
  })
})

describe('a vendored unit', () => {
  it('gets the complete drop-in, with its path, instead of an edit', async () => {
    const r = repo({ base: {}, head: { 'vendor/acme/acme.service': BARE } })
    const fake = await fakeFor(r)
    await run(r, fake)
    expect(errors422(fake)).toEqual([])
    const comment = fake.reviewComments[0]!
    expect(comment.body).not.toContain('```suggestion')
    expect(comment.body).toContain('**vendor/acme/acme.service.d/hardening.conf**')
    expect(comment.body).toMatch(
      /```ini\n# Generated by systemd-hardening-gate[\s\S]*\n\[Service\]\n/
    )
    expect(comment.line).toBe(4)
  })
})

describe('a read-only token (fork pull request)', () => {
  it('warns once, posts nothing else, and keeps the verdict', async () => {
    const r = repo({ base: {}, head: { 'units/app.service': BARE } })
    const fake = await fakeFor(r)
    fake.readOnly = true
    const payload = pullRequestPayload({ baseSha: r.baseSha, headSha: r.headSha, fork: true })
    const result = await run(r, fake, { payload })
    const plain = await run(r, fake, { inputs: { review: 'false' } })
    expect(result.code).toBe(1)
    expect(result.code).toBe(plain.code)
    expect(result.outputs.passed).toBe(plain.outputs.passed)
    expect(fake.writes()).toHaveLength(1)
    const readOnly = warnings(result).filter((w) => w.includes('read-only'))
    expect(readOnly).toHaveLength(1)
    expect(warnings(result)).toHaveLength(1)
    expect(result.summary).toContain('token cannot write to this pull request')
    expect(byName(result, 'error').length).toBe(byName(plain, 'error').length)
  })
})

const byName = (run: ActionRun, name: string) => run.commands.filter((l) => commandName(l) === name)

describe('GitHub failing after it created the review', () => {
  it('finds its review by the marker instead of posting it twice', async () => {
    const r = repo({ base: {}, head: { 'units/app.service': BARE } })
    const fake = await fakeFor(r)
    fake.failAfterCreate = 2
    const result = await run(r, fake)
    expect(result.code).toBe(1)
    expect(fake.reviews).toHaveLength(1)
    expect(fake.issueComments).toHaveLength(1)
    expect(fake.count('POST', /\/reviews$/)).toBe(1)
    expect(warnings(result)).toEqual([])
  })
})

describe('rate limits', () => {
  it('waits as GitHub says and posts, within bounds', async () => {
    const r = repo({ base: {}, head: { 'units/app.service': BARE } })
    const fake = await fakeFor(r)
    fake.primaryLimit = 1
    fake.secondaryLimit = 1
    const started = Date.now()
    const result = await run(r, fake)
    expect(Date.now() - started).toBeLessThan(15_000)
    expect(fake.reviews).toHaveLength(1)
    expect(fake.issueComments).toHaveLength(1)
    expect(fake.log.filter((l) => l.status === 403)).toHaveLength(2)
    expect(warnings(result)).toEqual([])
  })

  it('gives up with a warning when the limit does not lift, keeping the verdict', async () => {
    const r = repo({ base: {}, head: { 'units/app.service': BARE } })
    const fake = await fakeFor(r)
    fake.secondaryLimit = 100
    const result = await run(r, fake)
    expect(result.code).toBe(1)
    expect(fake.reviews).toHaveLength(0)
    expect(fake.writes().length).toBeLessThanOrEqual(6)
    expect(warnings(result).join('\n')).toContain('secondary rate limit')
  })
})

describe('an API that misbehaves', () => {
  const body = (
    res: import('node:http').ServerResponse,
    status: number,
    text: string,
    headers = {}
  ) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
    res.end(text)
  }

  it('stops at the first request that times out, well before the budget, keeping the verdict', async () => {
    const r = repo({ base: {}, head: { 'units/app.service': BARE } })
    const fake = await fakeFor(r)
    // writes are never answered (the request timeout is 2 s under the tests' time scale)
    fake.fault = (request) => request.method !== 'GET'
    const started = Date.now()
    const result = await run(r, fake)
    expect(Date.now() - started).toBeLessThan(20_000)
    expect(result.code).toBe(1)
    // the first write timed out; none was sent after it
    expect(fake.writes()).toHaveLength(1)
    expect(warnings(result).join('\n')).toContain('the API stopped answering')
  })

  it('takes an empty or conflicting answer to a list for a failure, not for an empty list', async () => {
    for (const answer of ['empty', '409'] as const) {
      const r = repo({ base: {}, head: { 'units/app.service': BARE } })
      const fake = await fakeFor(r)
      // the summary comment exists; a list that looked empty would make a second one
      fake.seedIssueComment(BOT, 'old summary\n<!-- systemd-hardening-gate:summary v1 -->')
      fake.fault = (request, res) => {
        if (request.method !== 'GET' || !/\/issues\/42\/comments$/.test(request.path)) return false
        request.status = answer === 'empty' ? 200 : 409
        if (answer === 'empty') body(res, 200, '')
        else body(res, 409, JSON.stringify({ message: 'Conflict' }))
        return true
      }
      const result = await run(r, fake)
      expect([answer, result.code]).toEqual([answer, 1])
      expect([answer, fake.issueComments.length]).toEqual([answer, 1])
      expect([answer, fake.count('POST', /\/issues\/42\/comments$/)]).toEqual([answer, 0])
      expect([answer, warnings(result).join('\n')]).toEqual([
        answer,
        expect.stringContaining(answer === 'empty' ? 'the answer was not JSON' : '409')
      ])
    }
  })

  it('takes a list with an entry of another shape for a failure, not skipping the entry', async () => {
    const r = repo({ base: {}, head: { 'units/app.service': BARE } })
    const fake = await fakeFor(r)
    fake.fault = (request, res) => {
      if (request.method !== 'GET' || !/\/pulls\/42\/files$/.test(request.path)) return false
      request.status = 200
      const entry = { sha: 'x', filename: 42, status: 'added', patch: '@@ -0,0 +1 @@\n+x' }
      body(res, 200, JSON.stringify([entry]))
      return true
    }
    const result = await run(r, fake)
    expect(result.code).toBe(1)
    expect(warnings(result).join('\n')).toContain(
      'the answer was not a list of the expected entries (entry 1)'
    )
    // no review was made from a list missing a file
    expect(fake.count('POST', /\/reviews$/)).toBe(0)
  })

  it('follows no redirect with a write, and keeps a token out of the summary', async () => {
    const r = repo({ base: {}, head: { 'units/app.service': BARE } })
    const fake = await fakeFor(r)
    const elsewhere = await fakeFor(r)
    const token = `ghs_${'T'.repeat(36)}`
    fake.fault = (request, res) => {
      if (request.method === 'POST' && /\/reviews$/.test(request.path)) {
        request.status = 307
        body(res, 307, '', { location: `${elsewhere.url}${request.path}` })
        return true
      }
      if (request.method === 'POST' && /\/issues\/42\/comments$/.test(request.path)) {
        request.status = 500
        body(res, 500, JSON.stringify({ message: `Bad credentials: ${token} is not valid` }))
        return true
      }
      return false
    }
    const result = await run(r, fake, { inputs: { 'github-token': token } })
    expect(result.code).toBe(1)
    expect(elsewhere.log).toEqual([])
    expect(warnings(result).join('\n')).toContain('a write is not followed there')
    expect(result.summary).toContain('Bad credentials: \\[redacted\\] is not valid')
    expect(result.summary).not.toMatch(/ghs\\?_T/)
    const leaks = result.stdout.split('\n').filter((l) => l.includes(token))
    expect(leaks).toEqual([`::add-mask::${token}`])
  })
})

describe('re-runs after new commits', () => {
  it('edits a changed finding in place, resolves a fixed one, leaves human replies and forged markers alone', async () => {
    let r = repo({ base: {}, head: { 'units/app.service': BARE, 'units/other.service': BARE } })
    const fake = await fakeFor(r)
    await run(r, fake, { inputs: { threshold: '5.0' } })
    expect(fake.reviewComments).toHaveLength(2)
    const [app, other] = ['units/app.service', 'units/other.service'].map((p) =>
      fake.reviewComments.find((c) => c.path === p)!
    )
    // a human replies on one, and pastes the other's marker into a comment of their own
    const reply = fake.seedComment({
      user: human('octocat'),
      body: 'Will do.',
      path: app!.path,
      line: app!.line!,
      in_reply_to_id: app!.id
    })
    const forged = fake.seedComment({
      user: human('mallory'),
      path: other!.path,
      line: other!.line!,
      body: `Looks fine\n\n${other!.body.split('\n').pop()}`
    })
    // same commit, another threshold: the suggestions change at the same lines
    const changed = await run(r, fake, { inputs: { threshold: '6.0' } })
    expect(changed.code).toBe(1)
    expect(fake.count('POST', /\/reviews$/)).toBe(1)
    expect(fake.count('PATCH', /\/pulls\/comments\/\d+$/)).toBe(2)
    expect(fake.reviewComments.find((c) => c.id === app!.id)!.body).toContain('(threshold 6.0)')
    // a new commit fixes app.service and keeps other.service as it is
    const hardened = fs.readFileSync(path.join(root, 'examples/baseline.service'), 'utf8')
    r = pushToBranch(r, { 'units/app.service': hardened })
    fake.setHead(r.headSha, prFiles(r.dir, r.baseSha, r.headSha))
    const before = fake.log.length
    const fixed = await run(r, fake, {
      inputs: { threshold: '6.0' },
      payload: pullRequestPayload({ baseSha: r.baseSha, headSha: r.headSha })
    })
    expect(fixed.code).toBe(1)
    const appNow = fake.reviewComments.find((c) => c.id === app!.id)!
    expect(appNow.body).toMatch(
      /^✅ \*\*Resolved at [0-9a-f]{7}\*\*: units\/app\.service now scores/
    )
    expect(parseMarker(appNow.body)?.state).toBe('fixed')
    // someone replied: the thread stays open for them; nothing is deleted
    expect(fake.resolved.size).toBe(0)
    expect(fake.reviewComments.find((c) => c.id === reply.id)!.body).toBe('Will do.')
    expect(fake.reviewComments.find((c) => c.id === forged.id)!.body).toBe(forged.body)
    expect(fake.violations).toEqual([])
    expect(errors422(fake)).toEqual([])
    const rerun = fake.log.slice(before).filter((l) => l.method !== 'GET')
    expect(rerun.map((l) => `${l.method} ${l.path}`)).toEqual([
      `PATCH /repos/octo-org/units/pulls/comments/${app!.id}`,
      'PATCH /repos/octo-org/units/issues/comments/' + fake.issueComments[0]!.id
    ])
  })

  it('resolves the thread of a fixed finding when nobody replied, and shrugs off a GraphQL refusal', async () => {
    let r = repo({ base: {}, head: { 'units/app.service': BARE, 'units/two.service': BARE } })
    const fake = await fakeFor(r)
    await run(r, fake)
    const hardened = fs.readFileSync(path.join(root, 'examples/baseline.service'), 'utf8')
    r = pushToBranch(r, { 'units/app.service': hardened })
    fake.setHead(r.headSha, prFiles(r.dir, r.baseSha, r.headSha))
    const payload = pullRequestPayload({ baseSha: r.baseSha, headSha: r.headSha })
    await run(r, fake, { payload })
    expect(fake.resolved.size).toBe(1)
    r = pushToBranch(r, { 'units/two.service': hardened })
    fake.setHead(r.headSha, prFiles(r.dir, r.baseSha, r.headSha))
    fake.graphqlForbidden = true
    const refused = await run(r, fake, {
      payload: pullRequestPayload({ baseSha: r.baseSha, headSha: r.headSha })
    })
    expect(refused.code).toBe(0)
    expect(warnings(refused)).toEqual([])
    expect(fake.reviewComments.every((c) => parseMarker(c.body)?.state === 'fixed')).toBe(true)
    expect(fake.issueComments[0]!.body).toContain('### ✅ systemd hardening gate: passed')
  })
})

describe('a pull request with more than 3,000 comments by others', () => {
  it('finds its own comments among the newest and posts nothing new on a re-run (action audit, A5)', async () => {
    const r = repo({ base: {}, head: { 'units/app.service': BARE } })
    const fake = await fakeFor(r)
    for (let i = 0; i < 3100; i++) {
      fake.seedIssueComment(human('octocat'), `comment ${i}`)
      fake.seedComment({ user: human('octocat'), body: `note ${i}`, path: 'units/app.service' })
    }
    const first = await run(r, fake)
    expect(first.code).toBe(1)
    expect(fake.count('POST', /\/reviews$/)).toBe(1)
    expect(fake.count('POST', /\/issues\/42\/comments$/)).toBe(1)
    const before = fake.log.length
    const again = await run(r, fake)
    expect(again.code).toBe(1)
    // it read the first 15 and the last 15 pages of each list, not 30 from the start
    const reads = fake.log.slice(before).filter((l) => l.method === 'GET')
    expect(reads.filter((l) => /\/issues\/42\/comments/.test(l.path))).toHaveLength(30)
    expect(fake.log.slice(before).filter((l) => l.method !== 'GET')).toEqual([])
    expect(warnings(again)).toEqual([])
  })

  it('takes the last page from the Link header, and nothing from one it cannot read', () => {
    const link =
      '<https://api.github.com/repositories/1/issues/42/comments?per_page=100&page=2>; rel="next", <https://api.github.com/repositories/1/issues/42/comments?per_page=100&page=77>; rel="last"'
    expect(pageNumber(link, 'last')).toBe(77)
    expect(pageNumber(link, 'next')).toBe(2)
    expect(pageNumber(link, 'prev')).toBeUndefined()
    expect(pageNumber(undefined, 'last')).toBeUndefined()
    expect(pageNumber('<not a url>; rel="last"', 'last')).toBeUndefined()
    expect(pageNumber('<https://x/y?page=0>; rel="last"', 'last')).toBeUndefined()
    expect(pageNumber('<https://x/y?page=1e400>; rel="last"', 'last')).toBeUndefined()
  })
})

describe('200 failing units in one pull request', () => {
  it('posts one review with 30 inline comments and the rest in its body, all under the size limit', async () => {
    const head: Files = {}
    for (let i = 0; i < 200; i++) head[`units/svc${String(i).padStart(3, '0')}.service`] = BARE
    const r = repo({ base: {}, head })
    const fake = await fakeFor(r)
    const result = await run(r, fake)
    expect(result.code).toBe(1)
    expect(errors422(fake)).toEqual([])
    expect(fake.violations).toEqual([])
    expect(fake.count('POST', /\/reviews$/)).toBe(1)
    expect(fake.reviewComments).toHaveLength(30)
    const body = fake.reviews[0]!.body
    expect(body.length).toBeLessThanOrEqual(65536)
    expect(body).toContain('170 more finding(s) are listed here')
    // its marker names every one, those it lists and those it counts
    expect(parseMarker(body)?.items).toHaveLength(170)
    expect(fake.issueComments[0]!.body.length).toBeLessThanOrEqual(65536)
    // only what can go inline gets its one-click edit worked out; the rest are drop-ins in the body
    expect(fake.issueComments[0]!.body).toContain(
      'The review has 30 one-click suggestions and 170 drop-ins'
    )
    // the request log stays small: lists (2 pages of files), one review, one comment
    expect(fake.log.length).toBeLessThanOrEqual(8)
    const before = fake.log.length
    await run(r, fake)
    expect(fake.log.slice(before).filter((l) => l.method !== 'GET')).toEqual([])

    // ten fixed: the ten inline places they free go to the next units, as one-click suggestions
    const hardened = fs.readFileSync(path.join(root, 'examples/baseline.service'), 'utf8')
    const fixed: Files = {}
    for (let i = 0; i < 10; i++) fixed[`units/svc00${i}.service`] = hardened
    const next = pushToBranch(r, fixed)
    fake.setHead(next.headSha, prFiles(next.dir, next.baseSha, next.headSha))
    await run(next, fake, {
      payload: pullRequestPayload({ baseSha: next.baseSha, headSha: next.headSha })
    })
    expect(fake.count('POST', /\/reviews$/)).toBe(2)
    const added = fake.reviewComments.slice(30)
    expect(added.map((c) => c.path)).toEqual(
      Array.from({ length: 10 }, (_, i) => `units/svc0${30 + i}.service`)
    )
    for (const comment of added) expect(comment.body).toContain('```suggestion')
    expect(
      fake.reviewComments.slice(0, 10).every((c) => parseMarker(c.body)?.state === 'fixed')
    ).toBe(true)
  })
})

describe("the review's reads of a large pull request", () => {
  const units = Array.from({ length: 70 }, (_, i) => ({
    path: `units/s${i}.service`,
    dropIns: i % 2 ? [`units/s${i}.service.d/a.conf`] : []
  }))
  const head: Files = { 'units/linked.service': { link: 's0.service' } }
  for (const [i, u] of units.entries()) {
    head[u.path] = BARE.replace('Unhardened', `unit ${i}`)
    for (const d of u.dropIns) head[d] = `[Service]\nUser=u${i}\n`
  }

  it('reads the head commit with one git process for 32 units, not one per file', () => {
    const r = repo({ base: {}, head })
    const gitRepo = Git.open(r.dir)
    if (gitRepo instanceof GitError) throw gitRepo
    const reads: number[] = []
    const blobs = gitRepo.blobs.bind(gitRepo)
    gitRepo.blobs = (oids) => {
      reads.push(oids.length)
      return blobs(oids)
    }
    const options = { version: 259, policy, threshold: 50 }
    const read = sourceReader({ git: gitRepo, workspace: r.dir, options }, r.headSha, [
      ...units,
      { path: 'units/linked.service', dropIns: [] }
    ])
    for (const [i, u] of units.entries()) {
      const sources = read(u.path)!
      expect(new TextDecoder().decode(sources.main.bytes)).toContain(`unit ${i}`)
      expect(sources.dropIns.map((d) => d.path)).toEqual(u.dropIns)
      expect(new TextDecoder().decode(sources.dropIns[0]?.bytes)).toBe(
        u.dropIns.length ? `[Service]\nUser=u${i}\n` : ''
      )
    }
    // 32 units a process: 48 files, 48 files, 9 files
    expect(reads).toEqual([48, 48, 9])
    // a link is not a unit file the review edits; a unit it was not told of is not read
    expect(read('units/linked.service')).toBeUndefined()
    expect(read('units/other.service')).toBeUndefined()
    expect(reads).toHaveLength(3)
  })

  it('works out one-click edits for the units that can be commented on inline only', () => {
    const outcomes: Outcome[] = units.slice(0, 6).map((u, i) => ({
      unit: analyzeUnit(
        {
          unit: parseUnitName(`s${i}.service`)!,
          main: { path: u.path, bytes: new TextEncoder().encode(BARE) },
          dropIns: []
        },
        { version: 259, policy, threshold: 50 }
      ),
      change: 'new',
      failed: true,
      reason: 'above the threshold'
    }))
    const patches = new Map(
      units.slice(0, 6).map((u) => [
        u.path,
        {
          path: u.path,
          status: 'added',
          hunks: parsePatch(
            '@@ -0,0 +1,5 @@\n+[Unit]\n+Description=Unhardened\n+\n+[Service]\n+ExecStart=/usr/bin/app'
          )
        }
      ])
    )
    const asked: string[] = []
    const build = (oneClick?: { commented: ReadonlySet<string>; inline: number }) =>
      buildFindings({
        outcomes,
        sources: (unitPath) => {
          asked.push(unitPath)
          return {
            unit: parseUnitName(path.posix.basename(unitPath))!,
            main: { path: unitPath, bytes: new TextEncoder().encode(BARE) },
            dropIns: []
          }
        },
        patches,
        toRepo: (p) => p,
        options: { version: 259, policy, threshold: 50 },
        ...(oneClick ? { oneClick } : {})
      }).findings
    const all = build()
    expect(asked).toHaveLength(6)
    expect(all.every((f) => f.suggestion)).toBe(true)
    asked.length = 0
    const some = build({ commented: new Set([findingKey('units/s4.service')]), inline: 2 })
    expect(asked).toEqual(['units/s0.service', 'units/s1.service', 'units/s4.service'])
    expect(some.map((f) => f.suggestion)).toEqual([true, true, false, false, true, false])
    // those left out are the same drop-ins, listed with the same item
    expect(some.map((f) => f.item)).toEqual(all.map((f) => f.item))
    expect(some.every((f) => f.anchor)).toBe(true)
  })
})

describe('text from unit files', () => {
  it('cannot close the fence, mention, reference, inject HTML or forge a marker', async () => {
    const evil =
      '[Unit]\nDescription=x\n\n[Service]\nExecStart=/bin/echo ````` @octocat #12 owner/repo#3 <img src=x> <!-- systemd-hardening-gate:summary v1 -->\n'
    const dir = 'units/@octocat #7 <b>'
    const r = repo({ base: {}, head: { [`${dir}/evil.service`]: evil } })
    const fake = await fakeFor(r)
    await run(r, fake)
    expect(errors422(fake)).toEqual([])
    const comment = fake.reviewComments[0]!
    // the suggestion fence is longer than the longest backtick run in the file
    expect(comment.body).toMatch(/^``````suggestion$/m)
    const prose = comment.body.replace(/^(`{3,})[\s\S]*?^\1$/gm, '')
    expect(prose).not.toMatch(/@octocat|#7|<b>|<img/)
    expect(prose).toContain('@\u200boctocat')
    expect(parseMarker(comment.body)?.kind).toBe('comment')
    const sticky = fake.issueComments[0]!.body
    expect(sticky).not.toMatch(/@octocat|<b>/)
    expect(sticky.match(/<!--/g)).toHaveLength(1)
  })

  it('falls back to the drop-in when a suggestion would exceed 65,536 characters', async () => {
    const long = `[Unit]\nDescription=long\n\n[Service]\nExecStart=/usr/bin/app ${'😀'.repeat(35000)}\n`
    const r = repo({ base: {}, head: { 'units/long.service': long } })
    const fake = await fakeFor(r)
    await run(r, fake)
    expect(errors422(fake)).toEqual([])
    const comment = fake.reviewComments[0]!
    expect(comment.body.length).toBeLessThanOrEqual(65536)
    expect(comment.body).not.toContain('```suggestion')
    expect(comment.body).toContain('too long for a comment')
  })
})

describe('a pull request with more files than the API lists', () => {
  it('takes the missing patches from git and still comments only inside hunks', async () => {
    const head: Files = { 'units/zz-last.service': BARE }
    for (let i = 0; i < 12; i++) head[`docs/page${i}.md`] = `page ${i}\n`
    const r = repo({
      base: {
        'units/zz-last.service': BARE.replace(
          '\n\n[Service]',
          '\nAfter=network.target\n\n[Service]'
        )
      },
      head
    })
    const fake = await fakeFor(r)
    fake.maxListedFiles = 5
    const payload = pullRequestPayload({
      baseSha: r.baseSha,
      headSha: r.headSha,
      changedFiles: fake.files.length
    })
    const result = await run(r, fake, { payload })
    expect(result.code).toBe(1)
    expect(errors422(fake)).toEqual([])
    expect(fake.reviewComments.map((c) => c.path)).toEqual(['units/zz-last.service'])
    expect(result.stdout).toContain("the API lists 5 of the pull request's 13 files")
  })
})
