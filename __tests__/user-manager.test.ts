/**
 * Units of a user's service manager (`systemctl --user`), scored as `systemd-analyze --user security
 * --offline=true` scores them: the gate does so when asked (CLI --user, the Action's user-units
 * input), as systemd-analyze does with --user; never for its path alone. Every expectation was read off the seven binaries of
 * versions.test.ts (Debian's 252, 254, 257, 262; Ubuntu's 255, 259, 261) on 2026-12-05, each case
 * written as ./probe.service in an empty directory and run there with XDG_RUNTIME_DIR set (the user
 * manager needs one even offline; `--user` cannot be combined with `--root`) and
 * SYSTEMD_ANALYZE_DEBUG=1 for the rows' badness. What changes for a user unit:
 * - KeyringMode= defaults to inherit (a system service's default is private): always;
 * - from 259 (257 does not; 258 unverified) an unset or root User= is "the calling user's identity"
 *   (good), supplementary groups count whoever it runs as, and RemoveIPC= does not apply;
 * - from 257 (255 does not; 256 unverified) DynamicUser= makes systemd refuse the unit;
 * - SuccessAction= takes only what a user manager can do: from 254 not reboot* or poweroff*, from
 *   257 nothing but exit and exit-force (an ignored action leaves a unit refused, see ACTIONS).
 * - %u, %U, %g, %G and %h are the user running the manager (systemd-analyze --user: whoever runs it),
 *   so `User=%u` is root's identity when root runs it and an unprivileged one otherwise.
 * The live tests run every case through the live systemd-analyze in user mode (the host's, or
 * ORACLE_SYSTEMD_ANALYZE=FILE; the specifier cases also as nobody, when root can switch to it) and
 * require the engine to agree at its version.
 */
import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { isDeepStrictEqual } from 'node:util'
import type { UnitReport } from '../src/core/report.js'
import type { ManagerUser } from '../src/core/specifiers.js'
import { groupName, invokingUser } from '../src/scan/manager-user.js'
import { engineReport } from './support/engine.js'
import type { Observation, Outcome } from './support/outcomes.js'
import { expected as expectedOf, observe as observeRows, REFUSED } from './support/outcomes.js'
import { oracleAvailable, oracleUnavailableReason, oracleVersion } from './support/oracle.js'

const VERSIONS = [252, 254, 255, 257, 259, 261, 262] as const

/** the rows a user manager changes, in the order of each outcome's badness values */
const ROWS = ['KeyringMode', 'UserOrDynamicUser', 'SupplementaryGroups', 'RemoveIPC'] as const
const NAME = 'probe.service'
const BASE = '[Unit]\nDescription=Version probe\n\n[Service]\nExecStart=/usr/bin/true\n'
const USER_DIRECTORY = '.config/systemd/user'

interface Case {
  what: string
  /** lines appended to the [Service] section of BASE */
  unit: string
  at: readonly [Outcome, Outcome, Outcome, Outcome, Outcome, Outcome, Outcome]
}

/**
 * What systemd says of a user unit that leaves its identity to its manager (no User=, root, 0, and
 * the settings that change nothing for it): before 259 root (10), from 259 the calling user (0).
 */
const THE_CALLING_USER: Case['at'] = [
  [9.8, 1, 10, null, null],
  [9.6, 1, 10, null, null],
  [9.6, 1, 10, null, null],
  [9.6, 1, 10, null, null],
  [9.2, 1, 0, 0, null],
  [9.2, 1, 0, 0, null],
  [9.2, 1, 0, 0, null]
]

const CASES: Case[] = [
  {
    what: 'no User= (the calling user)',
    unit: '',
    at: THE_CALLING_USER
  },
  {
    what: 'User=root',
    unit: 'User=root\n',
    at: THE_CALLING_USER
  },
  {
    what: 'User=0',
    unit: 'User=0\n',
    at: THE_CALLING_USER
  },
  {
    what: 'a static user',
    unit: 'User=bob\n',
    at: [
      [9.4, 1, 0, 0, 1],
      [9.2, 1, 0, 0, 1],
      [9.2, 1, 0, 0, 1],
      [9.2, 1, 0, 0, 1],
      [9.2, 1, 0, 0, null],
      [9.2, 1, 0, 0, null],
      [9.2, 1, 0, 0, null]
    ]
  },
  {
    what: 'User=nobody',
    unit: 'User=nobody\n',
    at: [
      [9.7, 1, 9, 0, 1],
      [9.5, 1, 9, 0, 1],
      [9.5, 1, 9, 0, 1],
      [9.5, 1, 9, 0, 1],
      [9.5, 1, 9, 0, null],
      [9.5, 1, 9, 0, null],
      [9.5, 1, 9, 0, null]
    ]
  },
  {
    what: 'supplementary groups, no User=',
    unit: 'SupplementaryGroups=wheel\n',
    at: [
      [9.8, 1, 10, null, null],
      [9.6, 1, 10, null, null],
      [9.6, 1, 10, null, null],
      [9.6, 1, 10, null, null],
      [9.2, 1, 0, 1, null],
      [9.2, 1, 0, 1, null],
      [9.2, 1, 0, 1, null]
    ]
  },
  {
    what: 'supplementary groups and a static user',
    unit: 'User=bob\nSupplementaryGroups=wheel\n',
    at: [
      [9.4, 1, 0, 1, 1],
      [9.2, 1, 0, 1, 1],
      [9.2, 1, 0, 1, 1],
      [9.2, 1, 0, 1, 1],
      [9.2, 1, 0, 1, null],
      [9.2, 1, 0, 1, null],
      [9.2, 1, 0, 1, null]
    ]
  },
  {
    what: 'RemoveIPC=yes, no User=',
    unit: 'RemoveIPC=yes\n',
    at: THE_CALLING_USER
  },
  {
    what: 'RemoveIPC=yes and a static user',
    unit: 'User=bob\nRemoveIPC=yes\n',
    at: [
      [9.4, 1, 0, 0, 0],
      [9.2, 1, 0, 0, 0],
      [9.2, 1, 0, 0, 0],
      [9.2, 1, 0, 0, 0],
      [9.2, 1, 0, 0, null],
      [9.2, 1, 0, 0, null],
      [9.2, 1, 0, 0, null]
    ]
  },
  {
    what: 'KeyringMode=private',
    unit: 'KeyringMode=private\n',
    at: [
      [9.6, 0, 10, null, null],
      [9.4, 0, 10, null, null],
      [9.4, 0, 10, null, null],
      [9.4, 0, 10, null, null],
      [9.0, 0, 0, 0, null],
      [9.0, 0, 0, 0, null],
      [9.0, 0, 0, 0, null]
    ]
  },
  {
    what: 'KeyringMode=shared',
    unit: 'KeyringMode=shared\n',
    at: THE_CALLING_USER
  },
  {
    what: 'DynamicUser=yes',
    unit: 'DynamicUser=yes\n',
    at: [
      [8.6, 1, 0, 0, 0],
      [8.4, 1, 0, 0, 0],
      [8.4, 1, 0, 0, 0],
      REFUSED,
      REFUSED,
      REFUSED,
      REFUSED
    ]
  },
  {
    what: 'DynamicUser=no',
    unit: 'DynamicUser=no\n',
    at: THE_CALLING_USER
  },
  {
    what: 'sandboxed',
    unit: 'ProtectSystem=strict\nPrivateTmp=yes\nNoNewPrivileges=yes\nPrivateUsers=yes\nCapabilityBoundingSet=\n',
    at: [
      [6.5, 1, 10, null, null],
      [6.4, 1, 10, null, null],
      [6.4, 1, 10, null, null],
      [6.4, 1, 10, null, null],
      [6.0, 1, 0, 0, null],
      [6.0, 1, 0, 0, null],
      [6.0, 1, 0, 0, null]
    ]
  }
]

const observe = (report: UnitReport): Observation => observeRows(report, ROWS)
const expected = (outcome: Outcome): Observation => expectedOf(outcome, ROWS)

const asUserUnit = (c: Case, version: number): UnitReport =>
  engineReport(
    { name: NAME, files: { [NAME]: BASE + c.unit } },
    { version, directory: USER_DIRECTORY, manager: 'user' }
  )

describe.each(CASES)('a user unit: $what', (c) => {
  it.each(VERSIONS.map((version, i) => [version, c.at[i]!] as const))(
    'systemd %d',
    (version, outcome) => {
      const report = asUserUnit(c, version)
      expect(report.manager).toBe('user')
      expect(observe(report)).toStrictEqual(expected(outcome))
    }
  )
})

describe('the same file, not asked for as a user unit', () => {
  // as systemd-analyze security without --user: the path never decides the score
  it('is scored as a system unit, wherever it is', () => {
    for (const directory of ['etc/systemd/system', 'contrib', 'contrib/user', USER_DIRECTORY]) {
      const report = engineReport(
        { name: NAME, files: { [NAME]: BASE } },
        { version: 259, directory }
      )
      expect(report.manager).toBeUndefined()
      expect(report.score).toBe(9.4)
    }
  })
})

describe("a user unit's keyring", () => {
  // systemd --user: "KeyringMode= Service shares key material with other service 0.2" for a unit
  // that does not set it (inherit is the user manager's default), 9.8 -> 9.6 with private at 252
  it('is left out of the drop-in with why and its gain, not as set explicitly (parity batch 22)', () => {
    const keyring = (unit: string) => {
      const report = engineReport(
        { name: NAME, files: { [NAME]: unit } },
        { version: 252, directory: USER_DIRECTORY, manager: 'user', threshold: 5 }
      )
      return report.suggestion!.notSuggested!.find((n) => n.directive === 'KeyringMode')
    }
    expect(keyring(BASE)).toEqual({
      directive: 'KeyringMode',
      reason: expect.stringMatching(
        /^a user's service manager gives its services the user's keyring/
      ),
      gain: 0.2
    })
    expect(keyring(`${BASE}KeyringMode=shared\n`)).toMatchObject({
      reason: 'KeyringMode=shared is set explicitly',
      gain: 0.2
    })
  })
})

/**
 * A one-shot user unit that only has SuccessAction=: systemd loads it (true) when the user manager
 * takes the action, and refuses it when it ignores it (same seven binaries, same way).
 */
const ACTION_PROBE = (action: string): string =>
  `[Unit]\nSuccessAction=${action}\n\n[Service]\nType=oneshot\nExecStop=/bin/true\n`
const ACTIONS: ReadonlyArray<[action: string, loads: readonly boolean[]]> = [
  // 252 (before 254) takes reboot and poweroff, 254-255 ignore them, as every later one does
  ['reboot', [true, false, false, false, false, false, false]],
  ['reboot-immediate', [true, false, false, false, false, false, false]],
  ['poweroff-force', [true, false, false, false, false, false, false]],
  // unknown to 252; 254-255 take them, from 257 they are ignored
  ['halt', [false, true, true, false, false, false, false]],
  ['kexec-force', [false, true, true, false, false, false, false]],
  ['soft-reboot', [false, true, true, false, false, false, false]],
  ['exit', [true, true, true, true, true, true, true]],
  ['exit-force', [true, true, true, true, true, true, true]]
]

const actionProbe = (action: string, version: number): UnitReport =>
  engineReport(
    { name: NAME, files: { [NAME]: ACTION_PROBE(action) } },
    { version, directory: USER_DIRECTORY, manager: 'user' }
  )

describe.each(ACTIONS)('a user unit with only SuccessAction=%s', (action, loads) => {
  it.each(VERSIONS.map((version, i) => [version, loads[i]!] as const))(
    'systemd %d loads it: %s',
    (version, loaded) => {
      expect(actionProbe(action, version).status).toBe(loaded ? 'scored' : 'invalid')
    }
  )
})

/** What the live systemd-analyze says of a case in user mode. */
function liveOutcome(unitText: string, workDirectory: string): Outcome {
  const analyze = process.env.ORACLE_SYSTEMD_ANALYZE || 'systemd-analyze'
  const directory = mkdtempSync(path.join(workDirectory, 'case-'))
  writeFileSync(path.join(directory, NAME), unitText)
  const runtime = path.join(directory, 'runtime')
  mkdirSync(runtime, { mode: 0o700 })
  const env = { ...process.env, XDG_RUNTIME_DIR: runtime, SYSTEMD_ANALYZE_DEBUG: '1' }
  const run = (extra: string[]) =>
    spawnSync(analyze, ['--user', 'security', '--offline=true', ...extra, `./${NAME}`], {
      cwd: directory,
      env,
      encoding: 'utf8'
    })
  const text = run([])
  const score = /Overall exposure level for probe\.service: ([0-9.]+)/.exec(text.stdout)
  if (!score) return REFUSED
  const rows = JSON.parse(run(['--json=short']).stdout) as Array<{
    json_field: string
    badness: number
  }>
  const badness = (id: string) => {
    const value = rows.find((row) => row.json_field === id)!.badness
    return value > 1000 ? null : value
  }
  return [Number(score[1]), ...ROWS.map(badness)]
}

describe('the user-unit table against the live systemd-analyze --user', () => {
  const available = oracleAvailable()
  if (!available) console.warn(`SKIPPED live user-unit table: ${oracleUnavailableReason()}`)
  ;(available ? it : it.skip)(
    "every case, at the oracle's own version",
    () => {
      const version = oracleVersion()
      const column = VERSIONS.indexOf(version as (typeof VERSIONS)[number])
      const work = mkdtempSync(path.join(os.tmpdir(), 'user-units-'))
      try {
        const differences: string[] = []
        for (const c of CASES) {
          const outcome = liveOutcome(BASE + c.unit, work)
          const engine = observe(asUserUnit(c, version))
          if (!isDeepStrictEqual(engine, expected(outcome))) {
            differences.push(
              `${c.what}: engine ${JSON.stringify(engine)}, systemd ${JSON.stringify(outcome)}`
            )
          }
          if (column >= 0 && !isDeepStrictEqual(c.at[column], outcome)) {
            differences.push(
              `${c.what}: the table says ${JSON.stringify(c.at[column])}, systemd ${JSON.stringify(outcome)}`
            )
          }
        }
        for (const [action, loads] of ACTIONS) {
          const loaded = liveOutcome(ACTION_PROBE(action), work) !== REFUSED
          const status = actionProbe(action, version).status
          if ((status === 'scored') !== loaded) {
            differences.push(
              `SuccessAction=${action}: engine ${status}, systemd loads it: ${loaded}`
            )
          }
          if (column >= 0 && loads[column] !== loaded) {
            differences.push(
              `SuccessAction=${action}: the table says ${loads[column]}, systemd ${loaded}`
            )
          }
        }
        expect(differences).toStrictEqual([])
      } finally {
        rmSync(work, { recursive: true, force: true })
      }
    },
    60_000
  )
})

const ROOT: ManagerUser = { name: 'root', uid: 0, group: 'root', gid: 0, home: '/root' }
const NOBODY: ManagerUser = {
  name: 'nobody',
  uid: 65534,
  group: 'nogroup',
  gid: 65534,
  home: '/nonexistent'
}

/**
 * User units whose identity is a specifier, scored with systemd-analyze --user run by root and by
 * nobody (Debian's nobody:nogroup, 65534:65534), read off the seven binaries on 2026-12-06 (null:
 * refused). 252 takes the name "nobody" for worse than another user; %U and %G are numbers.
 */
const SPECIFIER_CASES: ReadonlyArray<{
  what: string
  unit: string
  root: readonly (number | null)[]
  nobody: readonly (number | null)[]
}> = [
  {
    what: 'User=%u',
    unit: 'User=%u\n',
    root: [9.8, 9.6, 9.6, 9.6, 9.2, 9.2, 9.2],
    nobody: [9.7, 9.5, 9.5, 9.5, 9.5, 9.5, 9.5]
  },
  {
    what: "User=bob, then User=%u (the manager's user, not the configured one)",
    unit: 'User=bob\nUser=%u\n',
    root: [9.8, 9.6, 9.6, 9.6, 9.2, 9.2, 9.2],
    nobody: [9.7, 9.5, 9.5, 9.5, 9.5, 9.5, 9.5]
  },
  {
    what: 'User=%U',
    unit: 'User=%U\n',
    root: [9.8, 9.6, 9.6, 9.6, 9.2, 9.2, 9.2],
    nobody: [9.4, 9.2, 9.2, 9.2, 9.2, 9.2, 9.2]
  },
  {
    what: 'User=%g',
    unit: 'User=%g\n',
    root: [9.8, 9.6, 9.6, 9.6, 9.2, 9.2, 9.2],
    nobody: [9.4, 9.2, 9.2, 9.2, 9.2, 9.2, 9.2]
  },
  {
    what: 'User=%G',
    unit: 'Group=%g\nUser=%G\n',
    root: [9.8, 9.6, 9.6, 9.6, 9.2, 9.2, 9.2],
    nobody: [9.4, 9.2, 9.2, 9.2, 9.2, 9.2, 9.2]
  },
  {
    what: 'User=%u with DynamicUser=yes',
    unit: 'User=%u\nDynamicUser=yes\n',
    root: [9.0, 8.8, 8.8, null, null, null, null],
    nobody: [8.9, 8.7, 8.7, null, null, null, null]
  },
  {
    what: 'WorkingDirectory=%h',
    unit: 'WorkingDirectory=%h\nUser=bob\n',
    root: [9.4, 9.2, 9.2, 9.2, 9.2, 9.2, 9.2],
    nobody: [9.4, 9.2, 9.2, 9.2, 9.2, 9.2, 9.2]
  }
]

const scoreAs = (unit: string, version: number, managerUser?: ManagerUser): number | null => {
  const report = engineReport(
    { name: NAME, files: { [NAME]: BASE + unit } },
    { version, directory: USER_DIRECTORY, manager: 'user', managerUser }
  )
  return report.status === 'scored' ? report.score : null
}

describe.each(SPECIFIER_CASES)('a user unit with $what', (c) => {
  it.each(VERSIONS.map((version, i) => [version, i] as const))('systemd %d', (version, i) => {
    expect(scoreAs(c.unit, version, ROOT)).toBe(c.root[i])
    expect(scoreAs(c.unit, version)).toBe(c.root[i])
    expect(scoreAs(c.unit, version, NOBODY)).toBe(c.nobody[i])
  })
})

describe('the same units as system units', () => {
  it('expand %u to root whoever runs the gate, as the system manager does', () => {
    const system = (unit: string) =>
      analyzeAsSystem(unit, { ...NOBODY }).score === analyzeAsSystem(unit, undefined).score
    for (const c of SPECIFIER_CASES) expect(system(c.unit)).toBe(true)
  })
})

function analyzeAsSystem(unit: string, managerUser: ManagerUser | undefined): UnitReport {
  return engineReport({ name: NAME, files: { [NAME]: BASE + unit } }, { version: 262, managerUser })
}

describe('invokingUser', () => {
  it("is this process's user, group and home, $HOME first when it is absolute", () => {
    const user = invokingUser({ HOME: '/srv/home' })!
    expect(user.uid).toBe(process.getuid!())
    expect(user.gid).toBe(process.getgid!())
    expect(user.name).toBe(os.userInfo().username)
    expect(user.home).toBe('/srv/home')
    expect(invokingUser({ HOME: 'relative' })!.home).toBe(os.userInfo().homedir)
    expect(invokingUser({})!.home).toBe(os.userInfo().homedir)
  })

  it('names a group from /etc/group, root without reading it', () => {
    const file = 'root:x:0:\nnogroup:x:65534:\n#odd\n\nstaff:x:50:alice,bob\n'
    expect(groupName(65534, file)).toBe('nogroup')
    expect(groupName(50, file)).toBe('staff')
    expect(groupName(0, '')).toBe('root')
    expect(groupName(1000, file)).toBeUndefined()
  })
})

/** systemd-analyze --user run by nobody (through runuser), or why it cannot be here. */
function asNobody(): { run: (unit: string, work: string) => number | null } | { skip: string } {
  if (!oracleAvailable()) return { skip: oracleUnavailableReason() }
  if (process.getuid?.() !== 0) return { skip: 'not running as root, cannot switch to nobody' }
  const probe = spawnSync('runuser', ['-u', 'nobody', '--', 'true'])
  if (probe.status !== 0) return { skip: 'runuser -u nobody does not work here' }
  const entry = spawnSync('getent', ['passwd', 'nobody'], { encoding: 'utf8' }).stdout.trim()
  if (!entry.startsWith('nobody:x:65534:65534:')) return { skip: `nobody is not 65534:65534 here` }
  const analyze = process.env.ORACLE_SYSTEMD_ANALYZE || 'systemd-analyze'
  return {
    run(unit, work) {
      const directory = mkdtempSync(path.join(work, 'case-'))
      chmodSync(directory, 0o755)
      writeFileSync(path.join(directory, NAME), BASE + unit, { mode: 0o644 })
      const runtime = path.join(directory, 'runtime')
      mkdirSync(runtime, { mode: 0o700 })
      chownSync(runtime, 65534, 65534)
      const run = spawnSync(
        'runuser',
        ['-u', 'nobody', '--', 'env', `XDG_RUNTIME_DIR=${runtime}`, 'HOME=/nonexistent'].concat([
          analyze,
          '--user',
          'security',
          '--offline=true',
          '--no-pager',
          `./${NAME}`
        ]),
        { cwd: directory, encoding: 'utf8' }
      )
      const score = /Overall exposure level for probe\.service: ([0-9.]+)/.exec(run.stdout)
      return score ? Number(score[1]) : null
    }
  }
}

describe('the specifier cases against the live systemd-analyze --user, run by nobody', () => {
  const live = asNobody()
  if ('skip' in live) console.warn(`SKIPPED live specifier cases as nobody: ${live.skip}`)
  ;('skip' in live ? it.skip : it)(
    "every case, at the oracle's own version",
    () => {
      if ('skip' in live) return
      const version = oracleVersion()
      const column = VERSIONS.indexOf(version as (typeof VERSIONS)[number])
      const work = mkdtempSync(path.join(os.tmpdir(), 'user-units-nobody-'))
      chmodSync(work, 0o755)
      try {
        const differences: string[] = []
        for (const c of SPECIFIER_CASES) {
          const systemd = live.run(c.unit, work)
          const engine = scoreAs(c.unit, version, NOBODY)
          if (engine !== systemd)
            differences.push(`${c.what}: engine ${engine}, systemd ${systemd}`)
          if (column >= 0 && c.nobody[column] !== systemd) {
            differences.push(`${c.what}: the table says ${c.nobody[column]}, systemd ${systemd}`)
          }
        }
        expect(differences).toStrictEqual([])
      } finally {
        rmSync(work, { recursive: true, force: true })
      }
    },
    60_000
  )
})

describe('the CLI with --user', () => {
  const cli = path.resolve('dist/cli.js')
  const canSwitch =
    process.getuid?.() === 0 && spawnSync('runuser', ['-u', 'nobody', '--', 'true']).status === 0
  if (!canSwitch) console.warn('SKIPPED the CLI run by nobody: not root, or no runuser')
  ;(canSwitch ? it : it.skip)('expands %u to the user running it', () => {
    const work = mkdtempSync(path.join(os.tmpdir(), 'user-units-cli-'))
    chmodSync(work, 0o755)
    try {
      writeFileSync(path.join(work, NAME), BASE + 'User=%u\n', { mode: 0o644 })
      const score = (asNobody: boolean): number => {
        const command = [process.execPath, cli, '--user', '--format', 'json', '--no-suggest']
        const args = [...command, '--systemd-version', '252', '--threshold', '10', NAME]
        const run = asNobody
          ? spawnSync('runuser', ['-u', 'nobody', '--', ...args], { cwd: work, encoding: 'utf8' })
          : spawnSync(args[0]!, args.slice(1), { cwd: work, encoding: 'utf8' })
        return (JSON.parse(run.stdout) as { units: Array<{ score: number }> }).units[0]!.score
      }
      expect(score(false)).toBe(9.8)
      expect(score(true)).toBe(9.7)
    } finally {
      rmSync(work, { recursive: true, force: true })
    }
  })
})
