/**
 * The Action end to end: the committed dist/index.js in a child process with the runner's
 * environment, on temporary git repositories shaped like pull requests. Checks exit codes,
 * annotations, outputs, the job summary, the report, SARIF, and that nothing from a file becomes a
 * workflow command or reaches the network.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { mergeGroupPayload, pullRequestPayload, pushPayload } from './support/action-events.js'
import type { ActionRun, Repo } from './support/action-harness.js'
import {
  cleanupRuns,
  commandName,
  createRepo,
  git,
  root,
  runAction,
  shallowClone,
  tempDir,
  writeFiles
} from './support/action-harness.js'

const BARE = '[Unit]\nDescription=Unhardened\n\n[Service]\nExecStart=/usr/bin/app\n'
const HARDENED = fs.readFileSync(path.join(root, 'examples/baseline.service'), 'utf8')
/** a drop-in that brings a bare unit under the threshold */
const HARDEN_DROP_IN =
  '[Service]\nDynamicUser=yes\nPrivateNetwork=yes\nCapabilityBoundingSet=\n' +
  'SystemCallFilter=@system-service\nProtectSystem=strict\nProtectHome=yes\nPrivateDevices=yes\n'
/** Takes HARDENED's sandbox away (above the threshold). */
const WEAKENING_DROP_IN =
  '[Service]\nDynamicUser=no\nProtectSystem=no\nProtectHome=no\nPrivateTmp=no\nPrivateDevices=no\n' +
  'PrivateNetwork=no\nNoNewPrivileges=no\nCapabilityBoundingSet=~\nSystemCallFilter=\nRestrictAddressFamilies=\n'
/** Above the threshold (legacy), with a little hardening that a change can take away. */
const LEGACY =
  '[Unit]\nDescription=Legacy\n\n[Service]\nExecStart=/usr/bin/legacy\nNoNewPrivileges=yes\nPrivateTmp=yes\nProtectSystem=full\n'
const LEGACY_WORSE =
  '[Unit]\nDescription=Legacy\n\n[Service]\nExecStart=/usr/bin/legacy\nNoNewPrivileges=yes\n'
const HARDENING_DROP_IN =
  '[Service]\nNoNewPrivileges=true\nPrivateTmp=true\nProtectHome=true\nProtectSystem=strict\n'

const created: string[] = []
afterAll(() => {
  for (const dir of created) fs.rmSync(dir, { recursive: true, force: true })
  cleanupRuns()
})

function repo(spec: Parameters<typeof createRepo>[0]): Repo {
  const r = createRepo(spec)
  created.push(r.dir)
  return r
}

/** The Action on a pull_request event for `r`, with `inputs`. */
const runPull = (r: Repo, inputs: Record<string, string> = {}): Promise<ActionRun> =>
  runAction({ workspace: r.dir, eventName: 'pull_request', payload: pr(r), inputs })

function pr(r: Repo, extra: Partial<Parameters<typeof pullRequestPayload>[0]> = {}) {
  return pullRequestPayload({ baseSha: r.baseSha, headSha: r.headSha, ...extra })
}

const byName = (run: ActionRun, name: string) => run.commands.filter((l) => commandName(l) === name)

/** What the runner would act on: every command must be one the gate itself emits. */
function expectOnlyOwnCommands(run: ActionRun): void {
  const allowed = new Set(['error', 'warning', 'notice', 'group', 'endgroup', 'add-mask', 'debug'])
  for (const line of run.stdout.split('\n')) {
    const name = commandName(line)
    if (name !== undefined) expect(allowed.has(name)).toBe(true)
    expect(line).not.toContain('##[')
  }
  for (const line of run.stderr.split('\n')) {
    expect(commandName(line)).toBeUndefined()
    expect(line).not.toContain('##[')
  }
}

function reportOf(run: ActionRun) {
  return JSON.parse(fs.readFileSync(run.outputs.report!, 'utf8')) as {
    schemaVersion: number
    threshold: number
    passed: boolean
    units: Array<{
      path: string
      manager?: 'user'
      status: 'scored' | 'masked' | 'invalid' | 'error'
      reason?: string
      score: number | null
      passed: boolean
      checks: Array<{ badness: number | null }>
      suggestion: { dropIn: string } | null
    }>
  }
}

describe('a pull request with an unhardened unit (merge-commit checkout, fetch-depth 2)', () => {
  let r: Repo
  let run: ActionRun
  it('fails the step with one annotation at the [Service] header', async () => {
    r = repo({
      base: { 'units/good.service': HARDENED, 'units/legacy.service': LEGACY },
      head: { 'units/app.service': BARE },
      mainAfter: { 'docs/notes.md': 'main moved on\n' }
    })
    const clone = shallowClone(r, 2)
    created.push(clone)
    run = await runAction({ workspace: clone, eventName: 'pull_request', payload: pr(r) })
    expect(run.code).toBe(1)
    const errors = byName(run, 'error')
    expect(errors).toHaveLength(2)
    expect(errors[0]).toMatch(
      /^::error title=app\.service%3A 9\.4 UNSAFE%2C above 5\.0,file=units\/app\.service,line=4::Exposure 9\.4 UNSAFE is above the threshold 5\.0\.%0ACostliest: PrivateNetwork= not set \(\+0\.5\)/
    )
    expect(errors[0]).toContain('saves 1.1 (9.4 → 8.3)')
    // The last error is the step's failure message, naming the unit.
    expect(errors[1]).toBe(
      '::error::1 unit(s) fail the hardening gate (threshold 5.0): units/app.service 9.4 UNSAFE. See the annotations and the job summary.'
    )
    expectOnlyOwnCommands(run)
  })

  it('gates only the units the pull request changed and reports them in the outputs', () => {
    expect(run.outputs).toEqual({
      passed: 'false',
      'max-score': '9.4',
      'failed-units': '1',
      report: expect.stringMatching(/systemd-hardening-gate-hardening\.json$/)
    })
    const report = reportOf(run)
    expect(report.schemaVersion).toBe(1)
    expect(report.units.map((u) => [u.path, u.score, u.passed])).toEqual([
      ['units/app.service', 9.4, false]
    ])
    // Same shape as the CLI's JSON: rows at badness 0 are left out.
    expect(report.units[0]!.checks.every((c) => c.badness !== 0)).toBe(true)
    expect(run.requests).toEqual([])
  })

  it('writes a job summary with the table, the base column and the costliest checks', () => {
    const lines = run.summary.split('\n')
    expect(lines[0]).toBe('## ❌ systemd hardening gate: 1 of 1 unit fails')
    expect(run.summary).toContain(
      `scope: units changed by pull request #42 since ${r.mergeSha === '' ? '' : git(r.dir, 'rev-parse', `${r.mergeSha}^1`).slice(0, 12)}`
    )
    expect(run.summary).toContain(
      '| ❌ fail | app.service | units/app.service | 9.4 UNSAFE | new | above the threshold 5.0 |'
    )
    expect(run.summary).toContain('### ❌ units/app.service: 9.4 UNSAFE')
    expect(run.summary).toContain('Gated because: unit file added.')
    expect(run.summary).toMatch(
      /\| \[PrivateNetwork=\]\(https:\/\/www\.freedesktop\.org\/[^)]+\) \| 0\.5 \| units\/app\.service:4 \(not set\) \|/
    )
    expect(run.summary).toContain('Fixing the 20 costliest brings it to 4.9, at or below 5.0.')
  })

  it('passes when the same unit is hardened, and leaves untouched legacy units alone', async () => {
    const good = repo({
      base: { 'units/legacy.service': LEGACY },
      head: { 'units/app.service': HARDENED }
    })
    const ok = await runPull(good)
    expect(ok.code).toBe(0)
    expect(byName(ok, 'error')).toEqual([])
    expect(ok.outputs).toMatchObject({ passed: 'true', 'max-score': '3.1', 'failed-units': '0' })
    expect(ok.summary.split('\n')[0]).toBe('## ✅ systemd hardening gate: passed (1 unit)')
  })
})

describe('scope', () => {
  it('passes with a notice when the pull request changes no unit', async () => {
    const r = repo({ base: { 'units/legacy.service': BARE }, head: { 'README.md': 'docs only\n' } })
    const run = await runPull(r)
    expect(run.code).toBe(0)
    expect(byName(run, 'notice')).toEqual([
      '::notice title=systemd hardening gate::None of the 1 unit files is changed by pull request #42: nothing to gate, the check passes.'
    ])
    expect(run.outputs).toMatchObject({ passed: 'true', 'max-score': '', 'failed-units': '0' })
    expect(run.summary).toContain('## ✅ systemd hardening gate: nothing to gate')
  })

  it('passes with a notice when the repository has no unit file at all', async () => {
    const r = repo({ base: {}, head: { 'src/main.c': 'int main;\n' } })
    const run = await runPull(r)
    expect(run.code).toBe(0)
    expect(byName(run, 'notice')[0]).toContain('No service unit file matches the paths input')
  })

  it('gates a unit of an image tree whose drop-in changed in another directory of the search path', async () => {
    // red team round 3: rootfs/etc/systemd/system/app.service.d/ weakens rootfs/usr/lib/.../app.service
    const r = repo({
      base: { 'rootfs/usr/lib/systemd/system/app.service': HARDENED },
      head: { 'rootfs/etc/systemd/system/app.service.d/override.conf': WEAKENING_DROP_IN }
    })
    const run = await runPull(r)
    expect(run.code).toBe(1)
    expect(run.outputs['failed-units']).toBe('1')
    expect(run.summary).toContain(
      'drop-in rootfs/etc/systemd/system/app.service.d/override.conf added'
    )
  })

  it('takes a link between directories of an image tree for an alias, as systemd does (red team round 10)', async () => {
    const link = { link: '../../../usr/lib/systemd/system/app.service' }
    // a hardening drop-in of the unit applies under its new name too: nothing got worse
    const hardenedByDropIn = repo({
      base: {
        'rootfs/usr/lib/systemd/system/app.service': BARE,
        'rootfs/usr/lib/systemd/system/app.service.d/harden.conf': HARDENED.replace(
          /^[\s\S]*?\[Service\]\n/,
          '[Service]\n'
        ).replace(/^ExecStart=.*\n/m, '')
      },
      head: { 'rootfs/etc/systemd/system/web.service': link }
    })
    const passed = await runPull(hardenedByDropIn)
    expect(passed.code).toBe(0)
    // a drop-in under the alias's name weakens the unit itself: judged against the unit's base
    const weakenedUnderAlias = repo({
      base: { 'rootfs/usr/lib/systemd/system/app.service': HARDENED },
      head: {
        'rootfs/etc/systemd/system/web.service': link,
        // 3.1 -> 3.6: under the threshold, so a new unit of its own would pass it
        'rootfs/etc/systemd/system/web.service.d/w.conf':
          '[Service]\nProtectSystem=no\nPrivateTmp=no\n'
      }
    })
    const failed = await runPull(weakenedUnderAlias, { 'fail-on': 'regression' })
    expect(failed.code).toBe(1)
    expect(failed.summary).toContain('drop-in rootfs/etc/systemd/system/web.service.d/w.conf added')
  })

  it('gates a file paths leaves out when systemd loads it for a gated name (red team round 10)', async () => {
    // a weak copy added in etc/ over the gated usr/lib/ unit
    const shadowed = repo({
      base: { 'rootfs/usr/lib/systemd/system/app.service': HARDENED },
      head: { 'rootfs/etc/systemd/system/app.service': BARE }
    })
    const added = await runPull(shadowed, { paths: 'rootfs/usr/lib/systemd/system' })
    expect(added.code).toBe(1)
    expect(reportOf(added).units.map((u) => u.path)).toEqual([
      'rootfs/etc/systemd/system/app.service'
    ])
    const excluded = await runPull(shadowed, { exclude: 'rootfs/etc/**' })
    expect(excluded.code).toBe(1)
    // the gated etc/ override removed: the weak vendor file loads now
    const unshadowed = repo({
      base: {
        'rootfs/usr/lib/systemd/system/app.service': BARE,
        'rootfs/etc/systemd/system/app.service': HARDENED
      },
      head: { 'rootfs/etc/systemd/system/app.service': null }
    })
    const removed = await runPull(unshadowed, {
      paths: 'rootfs/etc/systemd/system',
      'fail-on': 'regression'
    })
    expect(removed.code).toBe(1)
    expect(reportOf(removed).units.map((u) => u.path)).toEqual([
      'rootfs/usr/lib/systemd/system/app.service'
    ])
  })

  it("gates a template when an instance's drop-ins change, though a weaker one was there (red team round 12)", async () => {
    // foo@x was weak already; the template's worst instance stays the same, but foo@y is new above 5
    const r = repo({
      base: {
        'units/foo@.service': HARDENED,
        'units/foo@x.service.d/w.conf': WEAKENING_DROP_IN
      },
      head: { 'units/foo@y.service.d/w.conf': WEAKENING_DROP_IN }
    })
    const run = await runPull(r)
    expect(run.code).toBe(1)
    expect(run.summary).toContain('drop-in units/foo@\u200by.service.d/w.conf added')
    // in regression mode foo@y is compared with itself at the base, not the worst with the worst
    const regression = await runPull(r, { 'fail-on': 'regression' })
    expect(regression.code).toBe(1)
    expect(reportOf(regression).units[0]).toMatchObject({ unit: 'foo@y.service' })
    // a change that leaves every instance as it was passes
    const same = repo({
      base: {
        'units/foo@.service': HARDENED,
        'units/foo@x.service.d/w.conf': WEAKENING_DROP_IN
      },
      head: { 'units/foo@x.service.d/w.conf': `# legacy\n${WEAKENING_DROP_IN}` }
    })
    expect((await runPull(same, { 'fail-on': 'regression' })).code).toBe(0)
  })

  it('gates a unit whose drop-in changed under the name its Alias= gives it once enabled', async () => {
    // red team round 3: units/webapp.service.d/ weakens app.service once `systemctl enable` links it
    const r = repo({
      base: {
        'units/app.service': `${HARDENED}\n[Install]\nWantedBy=multi-user.target\nAlias=webapp.service\n`
      },
      head: { 'units/webapp.service.d/override.conf': WEAKENING_DROP_IN }
    })
    const run = await runPull(r)
    expect(run.code).toBe(1)
    expect(run.outputs['failed-units']).toBe('1')
    expect(run.summary).toContain('drop-in units/webapp.service.d/override.conf added')
  })

  it('takes a link in a dependency directory for a name, not a unit file (as systemd does)', async () => {
    // committed as `systemctl enable` writes it: systemd loads no unit from multi-user.target.wants/
    const r = repo({
      base: {},
      head: {
        'units/app.service': HARDENED,
        'units/multi-user.target.wants/app.service': { link: '/etc/systemd/system/app.service' }
      }
    })
    const run = await runPull(r)
    expect(run.code).toBe(0)
    expect(reportOf(run).units.map((u) => u.path)).toEqual(['units/app.service'])
  })

  it('takes Alias= as systemctl does: quoted, or from a drop-in (red team round 4)', async () => {
    for (const [base, head] of [
      [{ 'units/app.service': `${HARDENED}\n[Install]\nAlias="webapp.service"\n` }, {}],
      [
        { 'units/app.service': HARDENED },
        { 'units/app.service.d/10-install.conf': '[Install]\nAlias=webapp.service\n' }
      ],
      // round 5: enable reads no type-wide drop-in, so this empty Alias= empties nothing
      [
        { 'units/app.service': `${HARDENED}\n[Install]\nAlias=webapp.service\n` },
        { 'units/service.d/10-reset.conf': '[Install]\nAlias=\n' }
      ]
    ] as const) {
      const r = repo({
        base,
        head: { ...head, 'units/webapp.service.d/override.conf': WEAKENING_DROP_IN }
      })
      const run = await runPull(r)
      expect([Object.keys(head), run.code]).toEqual([Object.keys(head), 1])
    }
  })

  it('gates the file a name loads from once the file that shadowed it is removed (red team round 6)', async () => {
    for (const [base, removed, gated] of [
      // a copy in etc/ over the vendor unit in usr/lib/
      [
        {
          'rootfs/etc/systemd/system/app.service': HARDENED,
          'rootfs/usr/lib/systemd/system/app.service': BARE
        },
        'rootfs/etc/systemd/system/app.service',
        'rootfs/usr/lib/systemd/system/app.service'
      ],
      // a mask in etc/
      [
        {
          'rootfs/etc/systemd/system/app.service': { link: '/dev/null' },
          'rootfs/usr/lib/systemd/system/app.service': BARE
        },
        'rootfs/etc/systemd/system/app.service',
        'rootfs/usr/lib/systemd/system/app.service'
      ],
      // an instance's own file over its template (which enables that instance)
      [
        {
          'units/foo@web.service': HARDENED,
          'units/foo@.service': `${BARE}\n[Install]\nDefaultInstance=web\n`
        },
        'units/foo@web.service',
        'units/foo@.service'
      ]
    ] as const) {
      const r = repo({ base, head: { [removed]: null } })
      const run = await runPull(r, { 'fail-on': 'regression' })
      expect([removed, run.code]).toEqual([removed, 1])
      expect(reportOf(run).units.map((u) => u.path)).toEqual([gated])
      // (the summary breaks `@name` so that it mentions nobody)
      expect(run.summary).toContain(
        `${removed.replace('@', '@\u200b')} removed, which systemd loaded for the name before`
      )
    }
  })

  it('judges a template whose instance file went away against its own base too (red team round 9)', async () => {
    // the weak legacy instance file is removed and the template weakened in the same PR: compared
    // with the removed file alone, the template looked "not worse"
    const r = repo({
      base: { 'units/app@.service': HARDENED, 'units/app@legacy.service': BARE },
      head: { 'units/app@legacy.service': null, 'units/app@.service': BARE }
    })
    const run = await runPull(r, { 'fail-on': 'regression' })
    expect(run.code).toBe(1)
    expect(run.outputs['failed-units']).toBe('1')
  })

  it('gates a unit whose drop-in alone changed, and shows base → head', async () => {
    const r = repo({
      base: {
        'units/legacy-daemon.service': BARE,
        'units/legacy-daemon.service.d/10-hardening.conf': HARDENING_DROP_IN
      },
      head: { 'units/legacy-daemon.service.d/10-hardening.conf': null }
    })
    const run = await runPull(r, { 'fail-on': 'regression' })
    expect(run.code).toBe(1)
    const errors = byName(run, 'error')
    expect(errors[0]).toMatch(
      /^::error title=legacy-daemon\.service%3A (\d\.\d) [A-Z]+ → 9\.4 UNSAFE%2C worse than the base,file=units\/legacy-daemon\.service,line=4::/
    )
    expect(run.summary).toMatch(
      /\| ❌ fail \| legacy-daemon\.service \| units\/legacy-daemon\.service \| 9\.4 UNSAFE \| \d\.\d → 9\.4 \(\+\d\.\d\) 🔺 \|/
    )
    expect(run.summary).toContain('drop-in units/legacy-daemon.service.d/10-hardening.conf removed')
  })

  /** Touches units/app.service of a repository whose base is `base`: its base and head scores. */
  async function baseAndNowOfTouchedApp(base: Record<string, string | { link: string }>) {
    const r = repo({ base, head: { 'units/app.service': `${LEGACY}# touched\n` } })
    const run = await runPull(r, { 'fail-on': 'regression' })
    const row = run.summary.split('\n').find((line) => line.includes('| units/app.service |'))
    const [, before, now] = /\| (\d\.\d) → (\d\.\d) /.exec(row ?? '') ?? []
    return { code: run.code, before, now }
  }

  // the drop-ins apply at the base as they do now: the same score, not an "improvement"
  it.each([
    [
      'an aliased unit: with the drop-ins of every name',
      {
        'units/app.service': LEGACY,
        'units/alias.service': { link: 'app.service' },
        'units/alias.service.d/10-hardening.conf': HARDENING_DROP_IN
      }
    ],
    [
      'a unit whose drop-in directory is an absolute link into the checkout',
      {
        'units/app.service': LEGACY,
        'units/app.service.d': { link: '<repo>/shared/app.d' },
        'shared/app.d/10-hardening.conf': HARDENING_DROP_IN
      }
    ]
  ])('scores %s at the base as now', async (_what, base) => {
    const { code, before, now } = await baseAndNowOfTouchedApp(base)
    expect(before).toBeDefined()
    expect(before).toBe(now)
    expect(code).toBe(0)
  })

  it("gates a unit whose alias's drop-in changed, and the instance of a changed template", async () => {
    const r = repo({
      base: {
        'units/app.service': BARE,
        'units/alias.service': { link: 'app.service' },
        'units/alias.service.d/10-hardening.conf': HARDENING_DROP_IN,
        'units/web@.service': BARE,
        // a link systemd refuses (an instance to a plain name): web@a.service is web@.service's
        'units/web@a.service': { link: 'app.service' }
      },
      head: { 'units/alias.service.d/10-hardening.conf': null, 'units/web@.service': LEGACY }
    })
    const run = await runPull(r, { 'fail-on': 'regression' })
    const gated = reportOf(run).units.map((u) => u.path)
    expect(gated).toEqual(
      expect.arrayContaining(['units/app.service', 'units/alias.service', 'units/web@a.service'])
    )
    // app.service is worse without its alias's drop-in: the gate fails on it as on alias.service
    expect(run.summary).toContain('drop-in units/alias.service.d/10-hardening.conf removed')
    expect(run.summary).toMatch(/❌ fail \| app\.service \| units\/app\.service/)
    expect(run.summary).toContain('link target units/web@.service changed')
    expect(run.code).toBe(1)
  })

  it('gates a unit changed through files it is not read from: an alias removed or added, a template moved away', async () => {
    const r = repo({
      base: {
        // the alias's drop-in hardens app.service; removing the alias takes it away
        'units/app.service': BARE,
        'units/alias.service': { link: 'app.service' },
        'units/alias.service.d/10-hardening.conf': HARDENING_DROP_IN,
        // a drop-in waiting for a name: adding the alias gives it to web.service
        'units/web.service': LEGACY,
        'units/www.service.d/10-weaker.conf': '[Service]\nNoNewPrivileges=no\n',
        // worker@i.service is a link to the template; moving the template away breaks the link
        'units/worker@.service': HARDENED,
        'units/worker@i.service': { link: 'worker@.service' },
        'units/untouched.service': LEGACY
      },
      head: {
        'units/alias.service': null,
        'units/www.service': { link: 'web.service' },
        'units/worker@.service': null,
        'units/jobs@.service': HARDENED
      }
    })
    const run = await runPull(r, { 'fail-on': 'regression' })
    const gated = reportOf(run).units.map((u) => u.path)
    // none of their files changed (at the head): their results did
    expect(gated).toEqual(
      expect.arrayContaining(['units/app.service', 'units/web.service', 'units/worker@i.service'])
    )
    expect(gated).not.toContain('units/untouched.service')
    expect(run.summary).toMatch(/❌ fail \| app\.service \| units\/app\.service/)
    expect(run.summary).toMatch(/❌ fail \| web\.service \| units\/web\.service/)
    // (a zero-width space after the @ keeps it from being a mention)
    expect(run.summary).toMatch(/❌ fail \| worker@\u200bi\.service \| .* \| 3\.1 OK → error \|/)
    expect(run.summary).toContain(
      'its result changed through other files (names, links or drop-ins): app.service 8.7 → app.service 9.4'
    )
    expect(run.code).toBe(1)
  })

  it('gates a unit whose base cannot be read, and every unit when the base tree cannot be', async () => {
    const r = repo({
      base: { 'units/a.service': BARE, 'units/b.service': LEGACY },
      head: { 'units/a.service': `${BARE}# touched\n` }
    })
    // b.service's blob goes missing: the base tree lists it, reading it fails
    const oid = git(r.dir, 'hash-object', 'units/b.service')
    fs.rmSync(path.join(r.dir, '.git', 'objects', oid.slice(0, 2), oid.slice(2)))
    const run = await runPull(r)
    expect(reportOf(run).units.map((u) => u.path)).toEqual(['units/a.service', 'units/b.service'])
    expect(run.stdout).toContain('✗ units/b.service  8.9 EXPOSED (base error)')

    // a git that cannot list the base tree
    const bin = tempDir('gate-git-')
    created.push(bin)
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim()
    fs.writeFileSync(
      path.join(bin, 'git'),
      `#!/bin/sh\nfor a in "$@"; do [ "$a" = ls-tree ] && { echo "fatal: broken tree" >&2; exit 128; }; done\nexec ${realGit} "$@"\n`,
      { mode: 0o755 }
    )
    const broken = await runAction({
      workspace: r.dir,
      eventName: 'pull_request',
      payload: pr(r),
      env: { PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}` }
    })
    expect(byName(broken, 'warning').join('\n')).toMatch(
      /Cannot read the units at the base [0-9a-f]+: .*Units are judged by the threshold, and every unit is gated/
    )
    expect(reportOf(broken).units.map((u) => u.path)).toEqual([
      'units/a.service',
      'units/b.service'
    ])
    expect(broken.code).toBe(1)
  })

  it('gates units below names globs cannot match: line breaks, a directory name that is not UTF-8', async () => {
    const r = repo({
      base: { 'units/bad<xFE>/old.service': HARDENED },
      head: {
        'units/nl\nx/lf.service': BARE,
        'units/ls\u2028x/ls.service': BARE,
        'units/bad<xFE>/new.service': BARE
      }
    })
    const run = await runPull(r)
    expect(run.code).toBe(1)
    const units = reportOf(run).units
    expect(units.map((u) => [u.path, u.status])).toEqual([
      // readdir() names it with U+FFFD, which opens nothing: a unit added in it fails the gate
      ['units/bad\uFFFD', 'error'],
      ['units/ls\u2028x/ls.service', 'scored'],
      ['units/nl\nx/lf.service', 'scored']
    ])
    expect(units[0]!.reason).toMatch(/not valid UTF-8: .*the units in it are not gated/)
    expect(units.every((u) => !u.passed)).toBe(true)
    expect(run.outputs['failed-units']).toBe('3')
  })

  it('gates every unit with scope: all', async () => {
    const r = repo({
      base: {
        'a.service': BARE,
        'b.service': HARDENED,
        'c.service': LEGACY,
        'alias.service': { link: 'c.service' },
        'alias.service.d/10-hardening.conf': HARDENING_DROP_IN
      },
      head: { 'README.md': 'x\n', 'alias.service': null }
    })
    const run = await runPull(r, { scope: 'all' })
    expect(run.code).toBe(1)
    expect(run.outputs['failed-units']).toBe('2')
    expect(reportOf(run).units.map((u) => u.path)).toEqual(['a.service', 'b.service', 'c.service'])
    // c.service lost its alias's drop-in: the summary says what changed it
    expect(run.summary).toMatch(
      /Gated because: its result changed through other files \(names, links or drop-ins\): c\.service \d\.\d → c\.service 8\.9\./
    )
  })

  it('honours paths globs, directories and exclude', async () => {
    const r = repo({
      base: {},
      head: {
        'deploy/a.service': BARE,
        'deploy/vendor/b.service': BARE,
        'other/c.service': BARE,
        'node_modules/x/d.service': BARE
      }
    })
    const run = await runPull(r, {
      paths: 'deploy\n# a comment\nother/*.service\n',
      exclude: 'deploy/vendor/**'
    })
    expect(reportOf(run).units.map((u) => u.path)).toEqual(['deploy/a.service', 'other/c.service'])
  })
})

describe('user-units', () => {
  it("scores the units it names as a user's manager does, at the base too", async () => {
    const r = repo({
      base: { 'deploy/agent.service': BARE, 'other/c.service': BARE },
      head: { 'deploy/agent.service': BARE.replace('Unhardened', 'Agent') }
    })
    const run = await runPull(r, {
      'user-units': 'deploy\nmissing/*.service\nnot-there.service',
      scope: 'all'
    })
    const units = reportOf(run).units
    expect(units.map((u) => [u.path, u.manager, u.score])).toEqual([
      ['deploy/agent.service', 'user', 9.2],
      ['other/c.service', undefined, 9.4]
    ])
    // the base is scored for the same manager: no change, where a system unit's 9.4 would show
    const row = run.summary.split('\n').find((line) => line.includes('| deploy/agent.service |'))
    expect(row).toContain('9.2 → 9.2')
    expect(byName(run, 'warning').join('\n')).toContain(
      "Input 'user-units': no such file or directory: not-there.service"
    )
    // its drop-in holds only what a user's manager applies
    expect(units[0]!.suggestion!.dropIn).not.toMatch(/^(DynamicUser|ProtectSystem|PrivateTmp)=/m)
    expect(units[1]!.suggestion!.dropIn).toMatch(/^DynamicUser=yes$/m)
  })
})

describe('fail-on: regression', () => {
  const inputs = { 'fail-on': 'regression' }
  it('lets an edited legacy unit pass when its score did not get worse, with a warning', async () => {
    const r = repo({
      base: { 'units/legacy.service': LEGACY },
      head: { 'units/legacy.service': LEGACY + '# touched\n' }
    })
    const run = await runAction({
      workspace: r.dir,
      eventName: 'pull_request',
      payload: pr(r),
      inputs
    })
    expect(run.code).toBe(0)
    expect(byName(run, 'error')).toEqual([])
    expect(byName(run, 'warning')[0]).toMatch(
      /^::warning title=legacy\.service%3A \d\.\d [A-Z]+%2C above 5\.0 \(not worse than the base\)/
    )
    expect(run.outputs.passed).toBe('true')
    expect(run.summary).toMatch(
      /\| ⚠️ pass \(legacy\) \| legacy\.service \| units\/legacy\.service \| \d\.\d [A-Z]+ \| (\d\.\d) → \1 \(±0\.0\) \|/
    )
  })

  it('fails a unit whose score got worse, at the line that got worse', async () => {
    const r = repo({
      base: { 'units/legacy.service': LEGACY },
      head: { 'units/legacy.service': LEGACY_WORSE }
    })
    const run = await runAction({
      workspace: r.dir,
      eventName: 'pull_request',
      payload: pr(r),
      inputs
    })
    expect(run.code).toBe(1)
    expect(byName(run, 'error')[0]).toMatch(
      /worse than the base,file=units\/legacy\.service,line=4::Exposure rose from/
    )
    expect(run.summary).toContain('Checks that got worse since the base:')
  })

  it('takes no base that could not run or was never gated as a licence: it judges them as new', async () => {
    const notes = 'Notes for the deployment, long enough for git to see a rename of this file.\n'
    const r = repo({
      base: {
        // systemd refuses it (no ExecStart=): it could not run
        'units/broken.service': '[Unit]\nDescription=Broken\n\n[Service]\nType=simple\n',
        // outside paths (a test fixture) and a text file: never gated
        'tests/fixtures/unhardened.service': BARE,
        'docs/NOTES.txt': notes.repeat(20)
      },
      head: {
        'units/broken.service': BARE,
        'tests/fixtures/unhardened.service': null,
        'units/fixture.service': BARE,
        'docs/NOTES.txt': null,
        'units/notes.service': `[X-Notes]\n${notes.repeat(20).replace(/^/gm, 'Note=')}\n${BARE}`
      }
    })
    const run = await runPull(r, { ...inputs, paths: 'units' })
    expect(run.code).toBe(1)
    expect(run.outputs['failed-units']).toBe('3')
    const lines = run.stdout.split('\n')
    expect(lines.find((l) => l.includes('units/broken.service'))).toMatch(
      /worse than the base: invalid/
    )
    for (const name of ['fixture', 'notes']) {
      expect(lines.find((l) => l.startsWith(`✗ units/${name}.service`))).toMatch(/\(new\)/)
    }
  })

  it('keeps a unit file the paths input names gated when the change renames it away', async () => {
    const r = repo({
      base: { 'units/app.service': HARDENED },
      head: { 'units/app.service': null, 'units/app-v2.service': BARE }
    })
    const run = await runPull(r, { ...inputs, paths: 'units/app.service' })
    expect(run.code).toBe(1)
    expect(reportOf(run).units.map((u) => [u.path, u.status])).toEqual([
      ['units/app.service', 'error']
    ])
    expect(byName(run, 'warning').join('\n')).toContain(
      'no such file or directory: units/app.service'
    )
  })

  it.each([
    // a directory below a paths directory swapped for a link (into node_modules, which is never walked)
    [
      'a subdirectory link',
      'units',
      { 'units/prod/app.service': null, 'units/prod': { link: '../deploy/prod' } },
      'units/prod/app.service'
    ],
    [
      'a link into node_modules',
      'units',
      { 'units/prod/app.service': null, 'units/prod': { link: '../node_modules/prod' } },
      'units/prod/app.service'
    ],
    // a glob's directory swapped for a link
    [
      'a glob whose directory became a link',
      'unit[s]',
      { 'units/prod/app.service': null, units: { link: 'deploy' } },
      'units/prod/app.service'
    ],
    // moved out of paths, the content changed too (git: a removal and an addition)
    [
      'a unit moved out of paths',
      'units',
      { 'units/prod/app.service': null, 'svc/app.service': BARE },
      'svc/app.service'
    ],
    // a backslash in a name: fast-glob's absolute paths made it units/prod/x2db.service
    [
      'a name with a backslash',
      'units',
      { 'units/prod\\x2db.service': BARE },
      'units/prod\\x2db.service'
    ]
  ])('gates a unit a change hides from the globs: %s', async (_what, paths, head, gated) => {
    const r = repo({
      base: {
        'units/prod/app.service': HARDENED,
        'units/prod/x2db.service': HARDENED,
        'deploy/prod/app.service': BARE,
        'node_modules/prod/app.service': BARE
      },
      head
    })
    for (const failOn of ['threshold', 'regression']) {
      const run = await runPull(r, { 'fail-on': failOn, paths })
      expect([failOn, run.code]).toEqual([failOn, 1])
      expect(reportOf(run).units.map((u) => u.path)).toContain(gated)
    }
  })

  it('gates the units behind a paths entry that became a link to another directory', async () => {
    const r = repo({
      base: { 'units/app.service': HARDENED, 'deploy/units/app.service': BARE },
      head: { 'units/app.service': null, units: { link: 'deploy/units' } }
    })
    const run = await runPull(r, { ...inputs, paths: 'units' })
    expect(run.code).toBe(1)
    // under the name it is deployed by, and compared with what units/app.service was
    expect(reportOf(run).units.map((u) => [u.path, u.status])).toEqual([
      ['units/app.service', 'scored']
    ])
    expect(run.stdout).toMatch(/✗ units\/app\.service .*worse than the base/)
  })

  it("gates a unit once where a link leads into an image's search directory (red team round 12, R6a)", async () => {
    // systemd -> rootfs/usr/lib/systemd/system, for convenience: the unit is systemd's with the
    // image's drop-ins (hardened by etc/), not a unit of a plain directory systemd/
    const r = repo({
      base: {
        'rootfs/usr/lib/systemd/system/app.service': BARE,
        'rootfs/etc/systemd/system/app.service.d/harden.conf': HARDEN_DROP_IN,
        systemd: { link: 'rootfs/usr/lib/systemd/system' }
      },
      head: { 'rootfs/usr/lib/systemd/system/app.service': `# edited\n${BARE}` }
    })
    const run = await runPull(r, inputs)
    expect(reportOf(run).units.map((u) => [u.path, u.score])).toEqual([
      ['rootfs/usr/lib/systemd/system/app.service', expect.any(Number)]
    ])
    expect(reportOf(run).units[0]!.score).toBeLessThan(5)
    expect(run.code).toBe(0)
  })

  it('gates the units behind a link into an image the change made, where they were gated (red team round 13, S4c)', async () => {
    // units/ swapped for a link to an image's search directory holding a legacy weak unit: what was
    // gated as units/app.service (0.4) is now that unit, gated there too
    const r = repo({
      base: {
        'units/app.service': HARDENED,
        'rootfs/usr/lib/systemd/system/app.service': BARE
      },
      head: {
        'units/app.service': null,
        units: { link: 'rootfs/usr/lib/systemd/system' }
      }
    })
    const run = await runPull(r, inputs)
    expect(reportOf(run).units.map((u) => u.path)).toContain('units/app.service')
    expect(run.code).toBe(1)
  })

  it('reads an image whose root is a link at the base as in the checkout (red team round 13, S7b)', async () => {
    // rootfs -> img: a legacy unit above the threshold, edited in a comment, is no worse than before
    const r = repo({
      base: {
        'img/usr/lib/systemd/system/app.service': BARE,
        'img/etc/systemd/system/app.service.d/w.conf': '[Service]\nPrivateTmp=yes\n',
        rootfs: { link: 'img' }
      },
      head: { 'img/usr/lib/systemd/system/app.service': `${BARE}ProtectKernelTunables=yes\n` }
    })
    const run = await runPull(r, inputs)
    const units = reportOf(run).units
    expect(units.map((u) => u.path)).toContain('rootfs/usr/lib/systemd/system/app.service')
    expect(run.stdout).not.toMatch(/error →/)
    expect(run.code).toBe(0)
  })

  it('follows an alias through a directory link of an image whose root is a link, at the base as now', async () => {
    // rootfs -> img; etc/web.service -> /opt/link/app.service, opt/link -> ../usr/lib/systemd/system:
    // app.service takes web.service.d's legacy drop-in at both sides
    const r = repo({
      base: {
        'img/usr/lib/systemd/system/app.service': BARE,
        'img/opt/link': { link: '../usr/lib/systemd/system' },
        'img/etc/systemd/system/web.service': { link: '/opt/link/app.service' },
        'img/etc/systemd/system/web.service.d/w.conf': '[Service]\nPrivateTmp=yes\n',
        rootfs: { link: 'img' }
      },
      head: { 'img/usr/lib/systemd/system/app.service': `${BARE}ProtectKernelTunables=yes\n` }
    })
    const run = await runPull(r, inputs)
    expect(run.stdout).not.toMatch(/base error|error →/)
    expect(run.code).toBe(0)
  })

  it("keeps a unit's plain copy gated when exclude leaves out its copy in the image (red team round 14, T6)", async () => {
    const r = repo({
      base: {
        'units/app.service': HARDENED,
        'units/other.service': HARDENED,
        'rootfs/usr/lib/systemd/system': { link: '../../../../units' }
      },
      head: { 'units/app.service': BARE }
    })
    const run = await runPull(r, {
      ...inputs,
      exclude: 'rootfs/usr/lib/systemd/system/app.service'
    })
    expect(reportOf(run).units.map((u) => u.path)).toContain('units/app.service')
    expect(run.code).toBe(1)
  })

  it('gates the units of a search directory that is a link there only (red team round 11, N2b)', async () => {
    // rootfs/usr/lib/systemd/system -> ../../../opt/units: systemd reads app.service through the
    // link, hardened by etc/; opt/units is no directory of its own to gate it in
    const r = repo({
      base: {
        'rootfs/opt/units/app.service': BARE,
        'rootfs/etc/systemd/system/app.service.d/harden.conf': HARDEN_DROP_IN,
        'rootfs/usr/lib/systemd/system': { link: '../../../opt/units' }
      },
      // a change systemd sees (a comment alone leaves the unit as it was: nothing to gate)
      head: { 'rootfs/opt/units/app.service': `${BARE}ProtectKernelTunables=yes\n` }
    })
    const run = await runPull(r, inputs)
    expect(reportOf(run).units.map((u) => u.path)).toEqual([
      'rootfs/usr/lib/systemd/system/app.service'
    ])
    expect(reportOf(run).units[0]!.score).toBeLessThan(5)
    expect(run.code).toBe(0)
  })

  it('fails a new unit above the threshold and passes a new one below it', async () => {
    const r = repo({
      base: { 'units/legacy.service': LEGACY },
      head: { 'units/new.service': BARE, 'units/ok.service': HARDENED }
    })
    const run = await runAction({
      workspace: r.dir,
      eventName: 'pull_request',
      payload: pr(r),
      inputs
    })
    expect(run.code).toBe(1)
    expect(run.outputs['failed-units']).toBe('1')
    expect(run.summary).toContain(
      '| ❌ fail | new.service | units/new.service | 9.4 UNSAFE | new | new unit above the threshold 5.0 |'
    )
  })

  it('compares a renamed unit with its old path', async () => {
    const r = repo({
      base: { 'units/old.service': LEGACY },
      head: { 'units/old.service': null, 'units/renamed.service': LEGACY }
    })
    const run = await runAction({
      workspace: r.dir,
      eventName: 'pull_request',
      payload: pr(r),
      inputs
    })
    expect(run.code).toBe(0)
    expect(run.summary).toContain('renamed from units/old.service')
  })
})

describe('events', () => {
  it('under pull_request_target refuses a checkout of the base branch instead of passing for nothing', async () => {
    const r = repo({ base: {}, head: { 'units/app.service': BARE }, checkout: 'base' })
    const run = await runAction({
      workspace: r.dir,
      eventName: 'pull_request_target',
      payload: pr(r, { fork: true })
    })
    expect(run.code).toBe(1)
    expect(byName(run, 'error')).toHaveLength(1)
    expect(byName(run, 'error')[0]).toMatch(
      /^::error::Wrong checkout: the checked-out commit [0-9a-f]{12} is neither the pull request's head/
    )
  })

  it('under pull_request_target gates the checked-out head of a fork pull request (deleted fork too)', async () => {
    const r = repo({ base: {}, head: { 'units/app.service': BARE }, checkout: 'head' })
    for (const payload of [pr(r, { fork: true }), pr(r, { deletedFork: true })]) {
      const run = await runAction({ workspace: r.dir, eventName: 'pull_request_target', payload })
      expect(run.code).toBe(1)
      expect(run.outputs['failed-units']).toBe('1')
      expect(run.requests).toEqual([])
    }
  })

  it('refuses a checked-out head that lacks commits of its base, where the merge differs', async () => {
    // the base gained app.service after the branch forked; the pull request weakens it by a drop-in
    // the head alone holds no unit for (red team round 3: "nothing to gate", merged 9.6)
    const r = repo({
      base: {},
      head: { 'units/app.service.d/weak.conf': WEAKENING_DROP_IN },
      mainAfter: { 'units/app.service': HARDENED },
      checkout: 'head'
    })
    const mainTip = execFileSync('git', ['rev-parse', `${r.mergeSha}^1`], { cwd: r.dir })
      .toString()
      .trim()
    for (const eventName of ['pull_request', 'pull_request_target']) {
      const run = await runAction({
        workspace: r.dir,
        eventName,
        payload: pr(r, { baseSha: mainTip, fork: eventName === 'pull_request_target' })
      })
      expect([eventName, run.code]).toEqual([eventName, 1])
      expect(byName(run, 'error')[0]).toMatch(
        /^::error::Wrong checkout: the checked-out commit is the pull request's head [0-9a-f]{12}, and lacks commits of its base/
      )
    }
    // the merge commit, as the message says to check out, gates the weakened unit
    git(r.dir, 'checkout', '-q', '--detach', r.mergeSha)
    const merged = await runAction({
      workspace: r.dir,
      eventName: 'pull_request_target',
      payload: pr(r, { baseSha: mainTip, fork: true })
    })
    expect(merged.code).toBe(1)
    expect(merged.outputs['failed-units']).toBe('1')
  })

  it('gates every unit by the threshold when .gitattributes changes (the base is read as stored)', async () => {
    // app.service is untouched; a change of attributes alone can change its checked-out bytes
    // (red team round 3: working-tree-encoding dropped, a weakening line came back, "nothing to gate")
    const untouched = repo({
      base: { 'units/app.service': BARE },
      head: { 'docs/notes.md': 'notes\n' }
    })
    const before = await runPull(untouched)
    expect(before.code).toBe(0)
    const r = repo({
      base: { 'units/app.service': BARE },
      head: { 'units/.gitattributes': '*.service ident\n' }
    })
    const run = await runPull(r, { 'fail-on': 'regression' })
    expect(run.code).toBe(1)
    expect(run.outputs['failed-units']).toBe('1')
    expect(byName(run, 'warning').join('\n')).toContain(
      'Pull request #42 changes units/.gitattributes: git may check out files it does not touch differently'
    )
  })

  it('leaves the comparison alone when a .gitattributes change converts nothing on checkout', async () => {
    // (round 5: the top file's own LFS line, a comment naming crlf, are no macro the change uses)
    const r = repo({
      base: {
        'units/app.service': BARE,
        '.gitattributes': '*.png filter=lfs diff=lfs merge=lfs -text\n# no crlf here\n'
      },
      head: {
        'docs/.gitattributes': '*.png binary\n*.md text eol=lf linguist-documentation\n',
        // round 6: `git lfs track "*.zip"` converts no unit
        '.gitattributes':
          '*.png filter=lfs diff=lfs merge=lfs -text\n# no crlf here\n*.zip filter=lfs diff=lfs merge=lfs -text\n'
      }
    })
    const run = await runPull(r, { 'fail-on': 'regression' })
    expect(run.code).toBe(0)
    expect(byName(run, 'warning')).toEqual([])
  })

  it('judges by the threshold a unit whose files git converts on checkout (regression mode)', async () => {
    // the base is read from the stored blobs, which ran otherwise at the base (red team round 4:
    // working-tree-encoding in place, the unit edited, "not worse" than the blob while 0.2 -> 7.1)
    for (const attributes of [undefined, 'units/app.service ident\n']) {
      const r = repo({
        base: {
          'units/app.service': LEGACY,
          ...(attributes ? { '.gitattributes': attributes } : {})
        },
        head: { 'units/app.service': `${LEGACY}# edited\n` }
      })
      const run = await runPull(r, { 'fail-on': 'regression' })
      expect([attributes, run.code]).toEqual([attributes, attributes ? 1 : 0])
      if (attributes)
        expect(byName(run, 'warning').join('\n')).toContain(
          'units/app.service: git converts units/app.service on checkout (.gitattributes)'
        )
    }
    // round 5: the file converted was the base's only (renamed out of an attributed directory)
    const r = repo({
      base: { 'legacy/app.service': LEGACY, '.gitattributes': 'legacy/*.service ident\n' },
      head: { 'legacy/app.service': null, 'units/app.service': LEGACY }
    })
    const run = await runPull(r, { 'fail-on': 'regression' })
    expect(run.code).toBe(1)
    expect(byName(run, 'warning').join('\n')).toContain('git converts legacy/app.service')
  })

  it('merge_group compares with the queue base', async () => {
    const r = repo({
      base: { 'units/a.service': HARDENED },
      head: { 'units/b.service': BARE },
      checkout: 'head'
    })
    const run = await runAction({
      workspace: r.dir,
      eventName: 'merge_group',
      payload: mergeGroupPayload(r.baseSha, r.headSha)
    })
    expect(run.code).toBe(1)
    expect(reportOf(run).units.map((u) => u.path)).toEqual(['units/b.service'])
  })

  it('push compares with the commit before the push; a new branch gates everything', async () => {
    const r = repo({
      base: { 'units/a.service': BARE },
      head: { 'units/b.service': HARDENED },
      checkout: 'head'
    })
    const run = await runAction({
      workspace: r.dir,
      eventName: 'push',
      payload: pushPayload(r.baseSha, r.headSha)
    })
    expect(run.code).toBe(0)
    expect(reportOf(run).units.map((u) => u.path)).toEqual(['units/b.service'])
    const created2 = await runAction({
      workspace: r.dir,
      eventName: 'push',
      payload: pushPayload('0'.repeat(40), r.headSha)
    })
    expect(created2.code).toBe(1)
    expect(reportOf(created2).units.map((u) => u.path)).toEqual([
      'units/a.service',
      'units/b.service'
    ])
  })

  it('schedule and workflow_dispatch gate every unit, also outside a git checkout', async () => {
    const dir = tempDir('gate-plain-')
    created.push(dir)
    writeFiles(dir, { 'a.service': BARE, 'b.service': HARDENED })
    for (const eventName of ['schedule', 'workflow_dispatch']) {
      const run = await runAction({ workspace: dir, eventName, payload: {} })
      expect(run.code).toBe(1)
      expect(run.outputs['failed-units']).toBe('1')
      expect(run.summary).toContain('scope: all units (a ')
    }
  })

  it('with a depth-1 clone it cannot see the base: warns and gates every unit (fails closed)', async () => {
    const r = repo({
      base: { 'units/legacy.service': BARE },
      head: { 'units/ok.service': HARDENED }
    })
    const clone = shallowClone(r, 1)
    created.push(clone)
    const run = await runAction({
      workspace: clone,
      eventName: 'pull_request',
      payload: pr(r),
      inputs: { 'fail-on': 'regression' }
    })
    expect(byName(run, 'warning')[0]).toContain('No base to compare with')
    expect(byName(run, 'warning')[0]).toContain('fetch-depth: 2')
    expect(run.code).toBe(1)
    expect(reportOf(run).units.map((u) => u.path)).toEqual([
      'units/legacy.service',
      'units/ok.service'
    ])
  })
})

describe('inputs', () => {
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ threshold: 'abc' }, /^::error::Input 'threshold' must be a number from 0\.0 to 10\.0/],
    [{ threshold: '-1' }, /^::error::Input 'threshold' must be/],
    [{ threshold: '10%25' }, /^::error::Input 'threshold' must be/],
    [{ threshold: 'NaN' }, /^::error::Input 'threshold' must be/],
    [
      { threshold: '50' },
      /systemd-analyze's --threshold uses 0-100; this input uses the printed scale: 50 is 5\.0/
    ],
    [
      { policy: 'no-such-policy' },
      /^::error::Input 'policy': unknown policy 'no-such-policy' \(built-in: [a-z, -]*baseline[a-z, -]*\)/
    ],
    [
      { 'fail-on': 'sometimes' },
      /^::error::Input 'fail-on' must be threshold, regression, never, got 'sometimes'/
    ],
    [{ scope: 'some' }, /^::error::Input 'scope' must be changed, all/],
    [{ review: 'yes' }, /^::error::Input 'review' must be true or false, got 'yes'/],
    [
      { 'systemd-version': '999' },
      /^::error::Input 'systemd-version' must be a systemd version from 240 to 262/
    ]
  ]
  it.each(cases)('%j fails the step with a clear message', async (inputs, message) => {
    const r = repo({ base: {}, head: { 'ok.service': HARDENED } })
    const run = await runAction({
      workspace: r.dir,
      eventName: 'pull_request',
      payload: pr(r),
      inputs
    })
    expect(run.code).toBe(1)
    expect(byName(run, 'error')).toHaveLength(1)
    expect(byName(run, 'error')[0]).toMatch(message)
    expect(run.outputs.passed).toBeUndefined()
  })

  it('accepts valid values in the forms the runner passes them', async () => {
    const r = repo({
      base: {},
      head: { 'ok.service': HARDENED, 'policy.json': '{"hardening-gate":{"threshold":3.0}}' }
    })
    const run = await runAction({
      workspace: r.dir,
      eventName: 'pull_request',
      payload: pr(r),
      inputs: {
        threshold: ' 4 ',
        'systemd-version': '252',
        review: 'TRUE',
        policy: 'policy.json',
        'fail-on': 'never'
      }
    })
    expect(run.code).toBe(0)
    expect(reportOf(run).threshold).toBe(4)
  })

  it('applies a policy file the pull request changes as it is at the base (no relaxing your own gate)', async () => {
    const r = repo({
      base: { 'old.service': BARE, 'policy.json': '{}' },
      head: { 'policy.json': '{"hardening-gate":{"threshold":10}}', 'new.service': BARE }
    })
    for (const eventName of ['pull_request', 'pull_request_target']) {
      const run = await runAction({
        workspace: r.dir,
        eventName,
        payload: pr(r),
        inputs: { policy: 'policy.json' }
      })
      expect(byName(run, 'warning')[0]).toMatch(
        /^::warning title=Gate policy changed,file=policy\.json::The policy file policy\.json is changed by pull request #42: the gate applies it as it is at the base [0-9a-f]{12}; the change takes effect once merged\.$/
      )
      expect(reportOf(run).threshold).toBe(5)
      expect(reportOf(run).units.map((u) => u.path)).toEqual(['new.service'])
      expect(run.code).toBe(1)
    }
  })

  it('applies the policy as at the base when .gitattributes changes, though git sees no change to it', async () => {
    const r = repo({
      base: { 'old.service': BARE, 'policy.json': '{"hardening-gate":{"threshold":3}}' },
      head: { '.gitattributes': 'policy.json working-tree-encoding=UTF-8\n' }
    })
    const run = await runPull(r, { policy: 'policy.json' })
    expect(byName(run, 'warning')).toContainEqual(
      expect.stringMatching(
        /^::warning title=Gate policy changed,file=policy\.json::Pull request #42 changes \.gitattributes, which may change how the policy file policy\.json is checked out: the gate applies it as it is at the base [0-9a-f]{12}\.$/
      )
    )
    expect(reportOf(run).threshold).toBe(3)
    expect(run.code).toBe(1)
  })

  it('protects the files a policy extends and links to, and keeps the base policy whole', async () => {
    const relaxed = '{"hardening-gate":{"threshold":10}}'
    const cases: Array<
      [string, Record<string, string | { link: string }>, Record<string, string | { link: string }>]
    > = [
      // the named file unchanged in substance, its parent (strict: 3.0) kept at the base
      [
        'extends a built-in',
        { 'policy.json': '{"hardening-gate":{"extends":"strict"}}' },
        { 'policy.json': '{"hardening-gate": {"extends":"strict"}}\n' }
      ],
      // the file it extends relaxed
      [
        'extends a file',
        { 'policy.json': '{"hardening-gate":{"extends":"./shared.json"}}', 'shared.json': '{}' },
        { 'shared.json': relaxed }
      ],
      // a link's target relaxed, and a link retargeted
      [
        'link target',
        { 'policy.json': { link: 'conf/gate.json' }, 'conf/gate.json': '{}' },
        { 'conf/gate.json': relaxed }
      ],
      [
        'link retargeted',
        {
          'policy.json': { link: 'conf/gate.json' },
          'conf/gate.json': '{}',
          'conf/lax.json': relaxed
        },
        { 'policy.json': { link: 'conf/lax.json' } }
      ],
      // a directory on the policy's path is a link, retargeted: the file itself is no change
      // (action audit helper, /tmp/s22/h-action: the lax policy passed the pull request)
      [
        'directory link retargeted',
        {
          'conf/current': { link: 'strict' },
          'conf/strict/policy.json': '{}',
          'conf/lax/policy.json': relaxed
        },
        { 'conf/current': { link: 'lax' } }
      ]
    ]
    for (const [what, base, head] of cases) {
      const r = repo({
        base: { ...base, 'old.service': BARE },
        head: { ...head, 'new.service': BARE }
      })
      const policy = 'conf/current' in base ? 'conf/current/policy.json' : 'policy.json'
      const run = await runPull(r, { policy })
      expect([what, run.code]).toEqual([what, 1])
      expect([what, byName(run, 'warning').join('\n')]).toEqual([
        what,
        expect.stringContaining('applies it as it is at the base')
      ])
      expect([what, reportOf(run).threshold]).toEqual([what, what === 'extends a built-in' ? 3 : 5])
    }
  })

  it('fail-on: never reports with warnings and exits 0', async () => {
    const r = repo({ base: {}, head: { 'app.service': BARE } })
    const run = await runPull(r, { 'fail-on': 'never' })
    expect(run.code).toBe(0)
    expect(byName(run, 'error')).toEqual([])
    expect(byName(run, 'warning')[0]).toMatch(
      /^::warning title=app\.service%3A 9\.4 UNSAFE%2C above 5\.0,file=app\.service,line=4::/
    )
    expect(run.outputs).toMatchObject({ passed: 'false', 'failed-units': '1' })
  })
})

describe('annotation limits', () => {
  it('emits the 10 most severe errors, 10 warnings and a notice counting the rest', async () => {
    const head: Record<string, string> = {}
    for (let i = 0; i < 14; i++)
      head[`u${String(i).padStart(2, '0')}.service`] = BARE + 'ProtectHome=yes # c\n'
    head['broken.service'] = '[Service]\nExecStart=/bin/x\nDynamicUser=maybe\n'
    const r = repo({ base: {}, head })
    const run = await runPull(r)
    expect(run.code).toBe(1)
    const errors = byName(run, 'error')
    // 10 annotations plus the step's failure message
    expect(errors).toHaveLength(11)
    expect(errors[0]).toMatch(
      /^::error title=broken\.service%3A does not load,file=broken\.service,line=3::/
    )
    expect(byName(run, 'warning')).toHaveLength(10)
    expect(byName(run, 'notice')).toEqual([
      '::notice title=More findings in the job summary::5 more errors and 4 more warnings are not annotated: GitHub shows at most 10 errors and 10 warnings per step. The job summary and the JSON report list every unit.'
    ])
    expect(run.summary).toContain('9 finding(s) beyond GitHub')
    expect((run.summary.match(/^\| ❌ fail \|/gm) ?? []).length).toBe(15)
  })
})

describe('untrusted unit files', () => {
  it('cannot inject workflow commands, fake outputs, mentions or HTML', async () => {
    const hostile =
      '[Unit]\nDescription=::stop-commands::pwn @octocat <img src=x onerror=alert(1)> #1\n\n[Service]\nExecStart=/usr/bin/x\n' +
      'ProtectHome=::stop-commands::pwn\n' +
      'NoNewPrivileges=yes ##[set-output name=passed]true\n' +
      'ProtectSystem=%0A::set-output name=passed::true\n' +
      'PrivateTmp=```x</details><!-- m -->\n' +
      'ProtectClock=yes\r::add-mask::9.6\r\n'
    const r = repo({
      base: {},
      head: {
        'units/::stop-commands::pwn.service': hostile,
        'units/evil\n::set-output name=passed::true\r\n##[error]x.service': BARE,
        'units/<img src=x>/a@octocat.service': hostile,
        'units/a,b:c%d.service': hostile
      }
    })
    const run = await runPull(r)
    expect(run.code).toBe(1)
    expectOnlyOwnCommands(run)
    // The runner's command parser would see only our own commands, each one line.
    expect(run.stdout).not.toMatch(/^\s*::(stop-commands|set-output)/m)
    expect(byName(run, 'add-mask')).toEqual([
      '::add-mask::ghs_FAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKE1234'
    ])
    expect(run.outputs).toMatchObject({ passed: 'false', 'failed-units': '4' })
    expect(Object.keys(run.outputs).sort()).toEqual([
      'failed-units',
      'max-score',
      'passed',
      'report'
    ])
    // Properties are escaped by @actions/core: the file name stays one property.
    expect(run.stdout).toContain('file=units/a%2Cb%3Ac%25d.service::')
    expect(run.stdout).toContain(
      'file=units/%3A%3Astop-commands%3A%3Apwn.service,line=6::ProtectHome='
    )
    // A name with line breaks or `##[` is not passed as a property at all; the message names it, escaped.
    expect(run.stdout).toContain(
      '::error title=evil\\u000a%3A%3Aset-output name=passed%3A%3Atrue\\u000d\\u000a##\\u005berror]x.service%3A cannot be read::'
    )
    const warnings = byName(run, 'warning').join('\n')
    // Inside a command's data `::` is inert; `##[` is broken anyway and `%` is encoded by @actions/core.
    expect(warnings).toContain(
      "line=6::ProtectHome=::stop-commands::pwn is ignored by systemd: '::stop-commands::pwn'"
    )
    expect(warnings).toContain('yes ##\\u005bset-output name=passed]true')
    expect(warnings).toContain('ProtectSystem=%250A::set-output')
    // The summary: HTML and mentions are inert, the table is not broken by file names.
    // Outside code fences (where mentions and HTML are inert) nothing is live.
    const prose = run.summary.replace(/^(`{3,})[^\n]*\n[\s\S]*?^\1$/gm, '')
    expect(prose).not.toMatch(/<img|<\/details>|<!--|@octocat/)
    expect(run.summary).toContain('&lt;img src=x&gt;')
    expect(run.summary).toContain('a@\u200boctocat')
    expect(run.summary).not.toContain('ghs_')
  })

  it('does not read a unit linked to .git/config (where a checkout keeps its token) or out of the workspace', async () => {
    const r = repo({ base: {}, head: { 'units/a.service': HARDENED } })
    fs.appendFileSync(
      path.join(r.dir, '.git/config'),
      '[http "https://github.com/"]\n\textraheader = AUTHORIZATION: basic Z2hzX1NFQ1JFVFNFQ1JFVA==\n'
    )
    writeFiles(r.dir, {
      'units/leak.service': { link: '../.git/config' },
      'units/passwd.service': { link: '/etc/passwd' }
    })
    const run = await runAction({ workspace: r.dir, eventName: 'workflow_dispatch', payload: {} })
    expect(run.code).toBe(1)
    const report = fs.readFileSync(run.outputs.report!, 'utf8')
    expect(report).toContain('leaves the scanned tree; not followed')
    for (const text of [run.stdout, run.summary, report]) {
      expect(text).not.toContain('Z2hzX1NFQ1JFVFNFQ1JFVA')
      expect(text).not.toContain('root:x:0')
    }
  })

  it('never echoes the token', async () => {
    const r = repo({
      base: {},
      head: { 'app.service': BARE + 'Environment=TOKEN=ghp_' + 'A'.repeat(36) + '\n' }
    })
    const run = await runPull(r)
    expect(run.stdout).toContain('::add-mask::ghs_FAKE')
    expect(run.stdout.replace(/::add-mask::.*/, '')).not.toContain('ghs_FAKE')
    expect(run.summary).not.toContain('ghs_FAKE')
    expect(run.requests).toEqual([])
  })
})

describe('verdict integrity', () => {
  it('a summary or outputs that cannot be written give warnings, never another exit code', async () => {
    const r = repo({ base: {}, head: { 'bad.service': BARE } })
    const good = repo({ base: {}, head: { 'ok.service': HARDENED } })
    for (const [target, expected] of [
      [r, 1],
      [good, 0]
    ] as const) {
      const blocked = tempDir('gate-blocked-')
      created.push(blocked)
      const run = await runAction({
        workspace: target.dir,
        eventName: 'pull_request',
        payload: pr(target),
        summaryPath: blocked,
        env: { GITHUB_OUTPUT: blocked, RUNNER_TEMP: path.join(blocked, 'missing') }
      })
      expect(run.code).toBe(expected)
      const warnings = byName(run, 'warning').join('\n')
      expect(warnings).toContain('Could not write the job summary')
      expect(warnings).toContain('Could not set the outputs')
      expect(warnings).toContain('Could not write the JSON report')
    }
  })
})

describe('job summary size', () => {
  it('stays under 1 MiB with a note when hundreds of units fail', async () => {
    const dir = tempDir('gate-many-')
    created.push(dir)
    const files: Record<string, string> = {}
    for (let i = 0; i < 700; i++)
      files[`units/very/long/directory/name/for/size/unit-${i}.service`] =
        BARE + 'ProtectHome=yes # c\n'
    writeFiles(dir, files)
    const run = await runAction({ workspace: dir, eventName: 'workflow_dispatch', payload: {} })
    expect(run.code).toBe(1)
    expect(run.outputs['failed-units']).toBe('700')
    expect(Buffer.byteLength(run.summary)).toBeLessThan(1024 * 1024)
    expect(Buffer.byteLength(run.summary)).toBeGreaterThan(900 * 1024)
    expect(run.summary).toContain(
      "This summary was cut to stay under GitHub's 1 MiB limit (700 of 700 units in the table)"
    )
    expect(byName(run, 'error')).toHaveLength(11)
  })
})

describe('SARIF', () => {
  interface Sarif {
    version: string
    $schema: string
    runs: Array<{
      tool: {
        driver: {
          name: string
          rules: Array<{ id: string; helpUri?: string; help?: { text: string } }>
        }
      }
      results: Array<{
        ruleId: string
        level: string
        locations: Array<{
          physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } }
        }>
        partialFingerprints: Record<string, string>
      }>
    }>
  }

  it('writes a SARIF 2.1.0 log over every unit, stable across line shifts, never through a planted link', async () => {
    const r = repo({
      base: { 'units/legacy.service': LEGACY },
      head: {
        'units/app.service': BARE + 'ProtectSystem=no\n',
        'results.sarif': { link: '/tmp/gate-sarif-victim' }
      }
    })
    const run = await runPull(r, { 'sarif-file': 'results.sarif' })
    expect(run.code).toBe(1)
    expect(fs.existsSync('/tmp/gate-sarif-victim')).toBe(false)
    expect(fs.lstatSync(path.join(r.dir, 'results.sarif')).isFile()).toBe(true)
    const sarif = JSON.parse(fs.readFileSync(path.join(r.dir, 'results.sarif'), 'utf8')) as Sarif
    expect(sarif.version).toBe('2.1.0')
    expect(sarif.$schema).toMatch(/sarif-2\.1\.0/)
    const [log] = sarif.runs
    expect(log!.tool.driver.rules.length).toBeGreaterThanOrEqual(81)
    for (const rule of log!.tool.driver.rules.slice(0, 81)) {
      expect(rule.helpUri).toMatch(/^https:\/\//)
      expect(rule.help?.text.length).toBeGreaterThan(10)
    }
    const uris = new Set(
      log!.results.map((x) => x.locations[0]!.physicalLocation.artifactLocation.uri)
    )
    expect(uris).toEqual(new Set(['units/app.service', 'units/legacy.service']))
    const protect = log!.results.find(
      (x) =>
        x.ruleId === 'ProtectSystem' &&
        x.locations[0]!.physicalLocation.artifactLocation.uri === 'units/app.service'
    )!
    expect(protect.locations[0]!.physicalLocation.region.startLine).toBe(6)
    for (const result of log!.results)
      expect(result.locations[0]!.physicalLocation.region.startLine).toBeGreaterThanOrEqual(1)

    // Shift every line down: the fingerprints stay.
    writeFiles(r.dir, { 'units/app.service': '# comment\n\n' + BARE + 'ProtectSystem=no\n' })
    const again = await runAction({
      workspace: r.dir,
      eventName: 'workflow_dispatch',
      payload: {},
      inputs: { 'sarif-file': 'results.sarif' }
    })
    expect(again.code).toBe(1)
    const shifted = JSON.parse(fs.readFileSync(path.join(r.dir, 'results.sarif'), 'utf8')) as Sarif
    const prints = (s: Sarif) =>
      s.runs[0]!.results.map((x) => x.partialFingerprints['unitFinding/v1']).sort()
    expect(prints(shifted)).toEqual(prints(sarif))
    const moved = shifted.runs[0]!.results.find(
      (x) =>
        x.ruleId === 'ProtectSystem' &&
        x.locations[0]!.physicalLocation.artifactLocation.uri === 'units/app.service'
    )!
    expect(moved.locations[0]!.physicalLocation.region.startLine).toBe(8)
  })
})
