/**
 * Which commit the checked-out tree is compared with (pure: the git facts are passed in).
 * A pull request is compared with its base as it is merged into; a checkout that is not the pull
 * request at all (the base branch under pull_request_target, say) is an error, not a silent pass.
 */
import type { EventInfo } from './event.js'

export interface CommitFacts {
  /** the checked-out commit */
  head(): string | undefined
  /** the id when the commit is present */
  resolve(sha: string): string | undefined
  /** parents recorded in the commit (present or not) */
  parents(sha: string): string[]
  mergeBase(a: string, b: string): string | undefined
}

export type Comparison =
  /** the event has no base: every unit is gated */
  | { kind: 'none'; reason: string }
  /** there should be a base but it is not in the checkout: every unit is gated, with a warning */
  | { kind: 'unavailable'; reason: string }
  | { kind: 'base'; base: string; head: string; how: string }
  /** the checkout is not what the event is about */
  | { kind: 'mismatch'; reason: string }

const short = (sha: string): string => sha.slice(0, 12)

const MERGE_CHECKOUT_HINT =
  '`ref: refs/pull/${{ github.event.pull_request.number }}/merge` with ' +
  '`persist-credentials: false` (the gate only reads files, it never runs them)'

const FETCH_HINT =
  'check out with `fetch-depth: 0` (actions/checkout) so the base commit is present'

export function chooseComparison(event: EventInfo, facts: CommitFacts): Comparison {
  const pr = event.pullRequest
  const group = event.mergeGroup
  if (!pr && !group && !event.push) {
    return { kind: 'none', reason: `a ${event.name || 'manual'} run has no base to compare with` }
  }
  const head = facts.head()
  if (!head) return { kind: 'unavailable', reason: 'the workspace has no checked-out commit' }
  if (pr) {
    if (pr.headSha && head !== pr.headSha) {
      const parents = facts.parents(head)
      if (parents.length === 2 && parents[1] === pr.headSha) {
        // actions/checkout's default for pull_request: the merge commit refs/pull/N/merge.
        const base = facts.resolve(parents[0]!)
        if (base) return { kind: 'base', base, head, how: 'first parent of the merge commit' }
        return {
          kind: 'unavailable',
          reason: `the merge commit's base parent ${short(parents[0]!)} is not in the checkout (shallow clone): use \`fetch-depth: 2\` or 0`
        }
      }
      return {
        kind: 'mismatch',
        reason:
          `the checked-out commit ${short(head)} is neither the pull request's head ${short(pr.headSha)} nor its merge commit. ` +
          `Under pull_request_target, check out the merge commit: ${MERGE_CHECKOUT_HINT}`
      }
    }
    // The head itself: what merging it gives is the head only when the head holds all of its base.
    // Otherwise the merge mixes in base commits the checkout lacks (a unit the base gained, which a
    // drop-in of the pull request weakens), and the gate would pass a tree it never saw.
    const baseSha = pr.baseSha ? facts.resolve(pr.baseSha) : undefined
    const base = baseSha ? facts.mergeBase(baseSha, head) : undefined
    if (base !== undefined && base === baseSha) {
      return { kind: 'base', base, head, how: 'the pull request base, which the head holds' }
    }
    const why =
      base !== undefined
        ? `lacks commits of its base ${short(baseSha!)}, so what would be merged is not in the checkout`
        : `its base ${pr.baseSha ? short(pr.baseSha) : '(not in the event)'} is not in the checkout, so the gate cannot tell whether the head holds all of it`
    return {
      kind: 'mismatch',
      reason:
        `the checked-out commit is the pull request's head ${short(head)}, and ${why}: the gate scores only a tree it can see. ` +
        `Check out the merge commit instead (actions/checkout's default under pull_request; under pull_request_target ${MERGE_CHECKOUT_HINT})`
    }
  }
  if (group) {
    if (group.headSha && head !== group.headSha) {
      return {
        kind: 'mismatch',
        reason: `the checked-out commit ${short(head)} is not the merge group's head ${short(group.headSha)}`
      }
    }
    const baseSha = group.baseSha ? facts.resolve(group.baseSha) : undefined
    const base = baseSha ? facts.mergeBase(baseSha, head) : undefined
    if (base) return { kind: 'base', base, head, how: 'merge group base' }
    return {
      kind: 'unavailable',
      reason: `the merge group's base ${group.baseSha ? short(group.baseSha) : '(not in the event)'} is not in the checkout: ${FETCH_HINT}`
    }
  }
  const before = event.push?.before
  if (!before)
    return {
      kind: 'none',
      reason: 'the push created the branch: no previous commit to compare with'
    }
  const beforeSha = facts.resolve(before)
  const base = beforeSha ? facts.mergeBase(beforeSha, head) : undefined
  if (base) return { kind: 'base', base, head, how: 'the branch before the push' }
  return {
    kind: 'unavailable',
    reason: `the commit before the push ${short(before)} is not in the checkout: ${FETCH_HINT}`
  }
}
