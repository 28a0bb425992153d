/**
 * A template is also judged as the instances other units start: a target that wants
 * foo@root.service, a timer whose Unit= names it, a socket or timer of the same instance name, an
 * enabled instance of a timer template. systemd-analyze scores the template as its test instance
 * only; what runs is foo@root.service, whose `User=%i` is root. Which names start a unit follows
 * systemd's config_parse_unit_deps (words split with escapes kept, quotes not removed, specifiers
 * of the naming unit expanded) and config_parse_trigger_unit (a trigger's Unit=, else the service
 * of its own name); the expected scores were observed with `systemd-analyze security --root`
 * (252 and 262), and where it is installed the last test does it again.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { DEFAULT_POLICY } from '../src/core/policy.js'
import type { UnitReport } from '../src/core/report.js'
import { parseUnitName } from '../src/core/specifiers.js'
import {
  enabledTriggers,
  servicesStartedBy,
  startingUnitsAmong
} from '../src/core/started-services.js'
import { scan } from '../src/scan/scan.js'
import { committed, scoredAtHead } from './support/git-tree.js'
import { oracleAvailable, oracleUnavailableReason } from './support/oracle.js'

const text = (s: string): Uint8Array => new TextEncoder().encode(s)
const name = (n: string) => parseUnitName(n)!

/** the service names a unit file named `unit` starts */
const started = (unit: string, content: string, version = 252): string[] =>
  servicesStartedBy(text(content), name(unit), version).map(({ service }) => service.name)

describe('servicesStartedBy', () => {
  it('takes the dependencies that start a unit, and Also=, word by word', () => {
    expect(
      started(
        'app.target',
        '[Unit]\nWants=foo@a.service bar@b.service\nRequires=foo@c.service\nBindsTo=foo@d.service\n' +
          'Upholds=foo@e.service\nOnFailure=foo@f.service\nOnSuccess=foo@g.service\n' +
          '[Install]\nAlso=foo@h.service\n'
      )
    ).toEqual([
      'foo@a.service',
      'bar@b.service',
      'foo@c.service',
      'foo@d.service',
      'foo@e.service',
      'foo@f.service',
      'foo@g.service',
      'foo@h.service'
    ])
    // ordering and weaker dependencies start nothing; nor do plain services, templates, other
    // types, quoted words (systemd keeps the quotes: "Failed to add dependency"), other sections
    expect(
      started(
        'app.target',
        '[Unit]\nRequisite=foo@a.service\nPartOf=foo@b.service\nAfter=foo@c.service\n' +
          'Wants=plain.service foo@.service foo@x.socket "foo@q.service"\n[Service]\nWants=foo@s.service\n'
      )
    ).toEqual([])
  })

  it("expands the naming unit's specifiers, leaving out a name that needs the machine's", () => {
    expect(started('app-x.target', '[Unit]\nWants=foo@%p.service foo@%j.service\n')).toEqual([
      'foo@app-x.service',
      'foo@x.service'
    ])
    expect(
      started('app.target', '[Unit]\nWants=foo@%H.service foo@%m.service foo@%u.service\n')
    ).toEqual([])
    expect(started('app.target', '[Unit]\nWants=foo@%n.service foo@%i.service\n')).toEqual([
      'foo@app.target.service'
    ])
  })

  it("takes a trigger's first Unit= or Service=, else the service of its own instance name", () => {
    expect(started('nightly.timer', '[Timer]\nOnCalendar=daily\nUnit=foo@root.service\n')).toEqual([
      'foo@root.service'
    ])
    expect(started('foo@root.timer', '[Timer]\nOnCalendar=daily\n')).toEqual(['foo@root.service'])
    expect(started('foo@db.timer', '[Timer]\nUnit=bar@%i.service\n')).toEqual(['bar@db.service'])
    expect(started('w@x.path', '[Path]\nPathExists=/x\n')).toEqual(['w@x.service'])
    expect(started('w.path', '[Path]\nUnit=w@y.service\n')).toEqual(['w@y.service'])
    expect(started('s@a.socket', '[Socket]\nListenStream=1\n')).toEqual(['s@a.service'])
    expect(started('s.socket', '[Socket]\nService=s@b.service\n')).toEqual(['s@b.service'])
    // a socket with Accept=yes starts an instance per connection, named then
    expect(started('s@a.socket', '[Socket]\nListenStream=1\nAccept=yes\n')).toEqual([])
    // Unit= of another section, or of a type that has none, is not a trigger
    expect(started('foo@x.target', '[Unit]\nDescription=t\n')).toEqual([])
    expect(started('t.timer', '[Unit]\nUnit=foo@x.service\n')).toEqual([])
  })

  it('reads units of other types, not services or templates; trigger instances among links', () => {
    expect(
      startingUnitsAmong([
        'a.service',
        'b.target',
        'c@.timer',
        'c@x.timer',
        'd.socket',
        'e.service.d',
        'f.conf',
        'multi-user.target.wants'
      ]).map((u) => u.name)
    ).toEqual(['b.target', 'c@x.timer', 'd.socket'])
    expect(
      enabledTriggers(['a@x.timer', 'b@y.service', 'c@.timer', 'd@z.path', 'e@w.target']).map(
        (u) => u.name
      )
    ).toEqual(['a@x.timer', 'd@z.path'])
  })
})

const UNITS = 'etc/systemd/system'
const TEMPLATE =
  '[Service]\nExecStart=/usr/bin/foo\nUser=%i\nDynamicUser=no\nPrivateTmp=yes\n' +
  'NoNewPrivileges=yes\nProtectSystem=strict\n'

/** trees: each holds foo@.service and what starts an instance of it */
const TREES: Record<string, Record<string, string | { link: string }>> = {
  target: { 'app.target': '[Unit]\nWants=foo@web.service foo@root.service\n' },
  timer: { 'nightly.timer': '[Timer]\nOnCalendar=daily\nUnit=foo@root.service\n' },
  socket: { 'foo@root.socket': '[Socket]\nListenStream=/run/foo.sock\n' },
  'enabled-timer': {
    'foo@.timer': '[Timer]\nOnCalendar=daily\n[Install]\nWantedBy=timers.target\n',
    'timers.target.wants/foo@root.timer': { link: '../foo@.timer' }
  },
  // none of these starts foo@root: a template target, Accept=yes, a weaker dependency
  unstarted: {
    'app@.target': '[Unit]\nWants=foo@root.service\n',
    'foo@root.socket': '[Socket]\nListenStream=/run/foo.sock\nAccept=yes\n',
    'other.target': '[Unit]\nPartOf=foo@root.service\nAfter=foo@root.service\n'
  }
}

let base: string

beforeAll(() => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'gate-started-'))
  for (const [tree, files] of Object.entries(TREES)) {
    const dir = path.join(base, tree, UNITS)
    fs.mkdirSync(dir, { recursive: true })
    fs.writeFileSync(path.join(dir, 'foo@.service'), TEMPLATE)
    for (const [file, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true })
      if (typeof content === 'string') fs.writeFileSync(path.join(dir, file), content)
      else fs.symlinkSync(content.link, path.join(dir, file))
    }
  }
})

afterAll(() => fs.rmSync(base, { recursive: true, force: true }))

async function scanned(tree: string, version: number): Promise<UnitReport> {
  const { units } = await scan([path.join(base, tree, UNITS)], {
    cwd: base,
    version,
    policy: DEFAULT_POLICY,
    threshold: 100,
    suggest: false
  })
  // the template is the only service: other units are read, not scored
  expect(units).toHaveLength(1)
  return units[0]!
}

describe('a template judged as the instances other units start', () => {
  it.each([
    ['target', 'named by Wants= in target/etc/systemd/system/app.target:2'],
    ['timer', 'named by Unit= in timer/etc/systemd/system/nightly.timer:3'],
    ['socket', 'triggered by socket/etc/systemd/system/foo@root.socket'],
    [
      'enabled-timer',
      'triggered by foo@root.timer (enabled-timer/etc/systemd/system/foo@.timer), which ' +
        'enabled-timer/etc/systemd/system/timers.target.wants/foo@root.timer enables'
    ]
  ])('%s: foo@root.service, saying why', async (tree, why) => {
    for (const [version, score] of [
      [252, 9.0],
      [262, 8.9]
    ] as const) {
      const report = await scanned(tree, version)
      expect(report).toMatchObject({ unit: 'foo@root.service', score })
      expect(report.diagnostics.map((d) => d.message)).toContain(
        `the instance foo@root.service (${why}) scores worse than systemd-analyze's test ` +
          'instance: the gate judges the template by it'
      )
    }
  })

  it('not when nothing starts it', async () => {
    expect(await scanned('unstarted', 252)).toMatchObject({ unit: 'foo@i.service', score: 8.7 })
    expect(await scanned('unstarted', 262)).toMatchObject({
      unit: 'foo@test_instance.service',
      score: 8.5
    })
  })

  it('the same at a base commit (the Action reads it from git objects)', async () => {
    for (const tree of Object.keys(TREES)) {
      const repository = committed(path.join(base, tree))
      for (const version of [252, 262]) {
        const atBase = scoredAtHead(repository, `${UNITS}/foo@.service`, version)
        const now = await scanned(tree, version)
        expect([tree, version, atBase?.unit, atBase?.score]).toEqual([
          tree,
          version,
          now.unit,
          now.score
        ])
      }
    }
  })
})

const available = oracleAvailable()
if (!available) console.warn(`SKIPPED started-services oracle test: ${oracleUnavailableReason()}`)
const maybe = available ? it : it.skip

describe('against systemd-analyze', () => {
  maybe('the judged instance scores what systemd-analyze --root gives it', async () => {
    const version = Number(
      /systemd (\d+)/.exec(
        spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' }).stdout
      )![1]
    )
    for (const tree of Object.keys(TREES)) {
      const report = await scanned(tree, version)
      const run = spawnSync(
        'systemd-analyze',
        [
          'security',
          '--offline=true',
          '--no-pager',
          `--root=${path.join(base, tree)}`,
          report.unit
        ],
        { encoding: 'utf8', timeout: 20000 }
      )
      const said = /Overall exposure level for (\S+): (\d+\.\d)/.exec(run.stdout)
      expect([tree, said?.[1], said && Number(said[2])]).toEqual([tree, report.unit, report.score])
    }
  })

  maybe('keeps the quotes of a dependency, as systemd does', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gate-started-quoted-'))
    try {
      fs.writeFileSync(path.join(dir, 'app.target'), '[Unit]\nWants="foo@q.service"\n')
      const run = spawnSync('systemd-analyze', ['verify', path.join(dir, 'app.target')], {
        encoding: 'utf8',
        timeout: 20000
      })
      expect(run.stderr).toContain('Failed to add dependency on "foo@q.service"')
      expect(started('app.target', '[Unit]\nWants="foo@q.service"\n')).toEqual([])
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
