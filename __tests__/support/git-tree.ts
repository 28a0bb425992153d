/** A directory committed to a fresh repository, read back as the Action reads its base commit. */
import { spawnSync } from 'node:child_process'
import { DEFAULT_POLICY } from '../../src/core/policy.js'
import type { UnitReport } from '../../src/core/report.js'
import type { BaseTree } from '../../src/github/baseline.js'
import { scoreAtBase } from '../../src/github/baseline.js'
import { Git } from '../../src/github/git.js'
import { templateInstance } from '../../src/scan/scan.js'

/** Commits everything below `dir` (a new repository there) and opens it. */
export function committed(dir: string): Git {
  const git = (...args: string[]): void => {
    const run = spawnSync('git', ['-C', dir, ...args], { encoding: 'utf8' })
    if (run.status !== 0) throw new Error(`git ${args.join(' ')}: ${run.stderr}`)
  }
  git('init', '-q')
  git('add', '-A')
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'units')
  const repository = Git.open(dir)
  if (!(repository instanceof Git)) throw repository
  return repository
}

/** The tree of the repository's HEAD, as scoreAtBase() takes it. */
export function headTree(repository: Git): BaseTree {
  return {
    entries: repository.tree(repository.commit('HEAD')!),
    prefix: repository.prefix,
    topPaths: repository.topPaths(),
    read: (oids) => repository.blobs(oids)
  }
}

/** One unit (a path relative to the top) scored at the repository's HEAD, as the Action's base. */
export function scoredAtHead(repository: Git, unit: string, version: number): UnitReport | null {
  return scoreAtBase(
    new Map([[unit, unit]]),
    headTree(repository),
    { version, policy: DEFAULT_POLICY, threshold: 100, keepPassingChecks: false },
    templateInstance(version)
  ).get(unit)!
}
