/** The triggering event, read from GITHUB_EVENT_NAME and the GITHUB_EVENT_PATH payload (pure parsing). */

export interface PullRequestInfo {
  number?: number
  baseSha?: string
  headSha?: string
  baseRef?: string
}

export interface EventInfo {
  name: string
  pullRequest?: PullRequestInfo
  /** merge_group: the queue's base and the group's head commit */
  mergeGroup?: { baseSha?: string; headSha?: string }
  /** push: the branch tip before the push (absent for a new branch) */
  push?: { before?: string; after?: string }
}

export const PULL_REQUEST_EVENTS = ['pull_request', 'pull_request_target']

const SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/
const ZERO = /^0+$/

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined
}

/** A commit id from the payload, or undefined (never an all-zero or malformed one). */
function sha(value: unknown): string | undefined {
  return typeof value === 'string' && SHA.test(value) && !ZERO.test(value) ? value : undefined
}

export function parseEvent(name: string, payload: unknown): EventInfo {
  const body = record(payload) ?? {}
  const event: EventInfo = { name }
  if (PULL_REQUEST_EVENTS.includes(name)) {
    const pr = record(body.pull_request)
    const base = record(pr?.base)
    const head = record(pr?.head)
    const number = typeof pr?.number === 'number' ? pr.number : body.number
    event.pullRequest = {
      number: typeof number === 'number' && Number.isSafeInteger(number) ? number : undefined,
      baseSha: sha(base?.sha),
      headSha: sha(head?.sha),
      baseRef: typeof base?.ref === 'string' ? base.ref : undefined
    }
  } else if (name === 'merge_group') {
    const group = record(body.merge_group)
    event.mergeGroup = { baseSha: sha(group?.base_sha), headSha: sha(group?.head_sha) }
  } else if (name === 'push') {
    event.push = { before: sha(body.before), after: sha(body.after) }
  }
  return event
}

/** How the summary names the comparison. */
export function describeEvent(event: EventInfo): string {
  if (event.pullRequest) {
    return event.pullRequest.number !== undefined
      ? `pull request #${event.pullRequest.number}`
      : 'the pull request'
  }
  if (event.mergeGroup) return 'the merge group'
  if (event.push) return 'the push'
  return `the ${event.name || 'run'}`
}
