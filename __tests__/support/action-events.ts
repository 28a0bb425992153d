/**
 * Event payloads shaped like GitHub's webhooks (fields as in @octokit/webhooks-examples for
 * pull_request "synchronize", merge_group "checks_requested" and push), trimmed to what a runner
 * payload carries, with the variants the gate must survive (forks, deleted fork, draft).
 */

const repository = {
  id: 914006,
  node_id: 'R_kgDOAA3zFg',
  name: 'units',
  full_name: 'octo-org/units',
  private: false,
  owner: { login: 'octo-org', id: 9919, type: 'Organization', site_admin: false },
  html_url: 'https://github.com/octo-org/units',
  fork: false,
  default_branch: 'main'
}

const user = (login: string, id: number) => ({
  login,
  id,
  node_id: `U_${id}`,
  type: login.endsWith('[bot]') ? 'Bot' : 'User',
  site_admin: false
})

export interface PullRequestOptions {
  number?: number
  baseSha: string
  headSha: string
  action?: 'opened' | 'synchronize' | 'reopened'
  /** the head lives in a fork (read-only token on pull_request) */
  fork?: boolean
  /** the fork was deleted: head.repo is null */
  deletedFork?: boolean
  draft?: boolean
  changedFiles?: number
}

export function pullRequestPayload(options: PullRequestOptions) {
  const number = options.number ?? 42
  const author = options.fork ? user('outside-contributor', 5551212) : user('octocat', 583231)
  const headRepo = options.deletedFork
    ? null
    : options.fork
      ? {
          ...repository,
          id: 777001,
          full_name: 'outside-contributor/units',
          owner: { login: 'outside-contributor', id: 5551212, type: 'User', site_admin: false },
          fork: true
        }
      : repository
  return {
    action: options.action ?? 'synchronize',
    number,
    before: options.baseSha,
    after: options.headSha,
    pull_request: {
      url: `https://api.github.com/repos/octo-org/units/pulls/${number}`,
      id: 1800000000 + number,
      node_id: 'PR_kwDOAA3zFs5rS2Xa',
      html_url: `https://github.com/octo-org/units/pull/${number}`,
      number,
      state: 'open',
      locked: false,
      title: 'Add a service',
      user: author,
      body: 'Adds a unit.',
      created_at: '2026-01-01T00:00:00Z',
      updated_at: '2026-01-01T00:00:00Z',
      draft: options.draft ?? false,
      merged: false,
      mergeable: null,
      merge_commit_sha: null,
      head: {
        label: `${options.fork ? 'outside-contributor' : 'octo-org'}:feature`,
        ref: 'feature',
        sha: options.headSha,
        user: author,
        repo: headRepo
      },
      base: {
        label: 'octo-org:main',
        ref: 'main',
        sha: options.baseSha,
        user: user('octo-org', 9919),
        repo: repository
      },
      author_association: options.fork ? 'FIRST_TIME_CONTRIBUTOR' : 'MEMBER',
      commits: 1,
      additions: 10,
      deletions: 0,
      changed_files: options.changedFiles ?? 1
    },
    repository,
    sender: author
  }
}

export function mergeGroupPayload(baseSha: string, headSha: string) {
  return {
    action: 'checks_requested',
    merge_group: {
      head_sha: headSha,
      head_ref: 'refs/heads/gh-readonly-queue/main/pr-42-' + baseSha,
      base_sha: baseSha,
      base_ref: 'refs/heads/main',
      head_commit: {
        id: headSha,
        tree_id: headSha,
        message: 'Merge pull request #42',
        timestamp: '2026-01-01T00:00:00Z'
      }
    },
    repository,
    sender: user('octocat', 583231)
  }
}

export function pushPayload(before: string, after: string) {
  return {
    ref: 'refs/heads/main',
    before,
    after,
    created: /^0+$/.test(before),
    deleted: false,
    forced: false,
    compare: `https://github.com/octo-org/units/compare/${before.slice(0, 12)}...${after.slice(0, 12)}`,
    commits: [],
    head_commit: { id: after, message: 'update units', timestamp: '2026-01-01T00:00:00Z' },
    repository,
    pusher: { name: 'octocat', email: 'octocat@example.com' },
    sender: user('octocat', 583231)
  }
}
