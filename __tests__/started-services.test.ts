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
import type { StartingUnit, UnitLookup, UnitSource } from '../src/core/started-services.js'
import type { SearchPathView } from '../src/core/started-services.js'
import {
  instancesStarted,
  instancesStartedOnSearchPath,
  MAX_JUDGED_INSTANCES,
  socketActivates,
  startingUnitsAmong,
  unitsStartedBy
} from '../src/core/started-services.js'
import { scan } from '../src/scan/scan.js'
import { committed, scoredAtHead } from './support/git-tree.js'
import { oracleAvailable, oracleUnavailableReason } from './support/oracle.js'

const text = (s: string): Uint8Array => new TextEncoder().encode(s)
const name = (n: string) => parseUnitName(n)!

/** the service names a unit file named `unit` starts */
const started = (unit: string, content: string, version = 252): string[] =>
  unitsStartedBy(text(content), name(unit), version)
    .filter(({ unit }) => unit.type === 'service')
    .map(({ unit }) => unit.name)

describe('unitsStartedBy', () => {
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
    // ordering and weaker dependencies start nothing; nor do quoted words (systemd keeps the
    // quotes: "Failed to add dependency"), other sections
    expect(
      started(
        'app.target',
        '[Unit]\nRequisite=foo@a.service\nPartOf=foo@b.service\nAfter=foo@c.service\n' +
          'Wants="foo@q.service"\n[Service]\nWants=foo@s.service\n'
      )
    ).toEqual([])
    // a template stands for its instance of the naming unit's instance, else of its prefix
    // (resolve_template; parity batch 23: systemd 252 "Unit foo@app.service has alias foo@.service")
    expect(started('app.target', '[Unit]\nWants=foo@.service\n')).toEqual(['foo@app.service'])
    expect(started('b@x.target', '[Unit]\nWants=foo@.service\n')).toEqual(['foo@x.service'])
    expect(started('app.target', '[Install]\nAlso=foo@.service\n')).toEqual([])
    // Upholds= and OnSuccess= exist from 249 (red team, session 25)
    const newer = '[Unit]\nUpholds=foo@a.service\nOnSuccess=foo@b.service\n'
    expect(started('app.target', newer, 248)).toEqual([])
    expect(started('app.target', newer, 249)).toEqual(['foo@a.service', 'foo@b.service'])
  })

  it('keeps the escapes of a dependency and drops those of Also=, as systemd does', () => {
    // install.c's config_parse_also unescapes (flags 0): enable links foo@root.service (red team)
    expect(started('x.target', '[Install]\nAlso=foo@r\\oot.service\n')).toEqual([
      'foo@root.service'
    ])
    expect(started('x.target', '[Unit]\nWants=foo@r\\oot.service\n')).toEqual([
      'foo@r\\oot.service'
    ])
  })

  it("expands unit_name_printf's specifiers of the name, leaves out the machine's, drops the rest", () => {
    expect(started('app-x.target', '[Unit]\nWants=foo@%p.service foo@%j.service\n')).toEqual([
      'foo@app-x.service',
      'foo@x.service'
    ])
    // (%i of a plain unit is empty: foo@.service, the template, as foo@app.service)
    expect(started('app.target', '[Unit]\nWants=foo@%n.service foo@%i.service\n')).toEqual([
      'foo@app.target.service',
      'foo@app.service'
    ])
    // %H, %m, %u: valid where it runs, unknown here; %I, %J, %P, %f: "Invalid slot", ignored
    expect(
      started(
        'a@b.target',
        '[Unit]\nWants=foo@%H.service foo@%m.service foo@%u.service foo@%I.service foo@%P.service foo@%J.service foo@%f.service\n'
      )
    ).toEqual([])
  })

  it("takes a trigger's first valid Unit=, a socket's last valid Service=, else the service of its name", () => {
    expect(started('nightly.timer', '[Timer]\nOnCalendar=daily\nUnit=foo@root.service\n')).toEqual([
      'foo@root.service'
    ])
    expect(started('foo@root.timer', '[Timer]\nOnCalendar=daily\n')).toEqual(['foo@root.service'])
    expect(started('foo@db.timer', '[Timer]\nUnit=bar@%i.service\n')).toEqual(['bar@db.service'])
    expect(started('w@x.path', '[Path]\nPathExists=/x\n')).toEqual(['w@x.service'])
    expect(started('w.path', '[Path]\nUnit=w@y.service\n')).toEqual(['w@y.service'])
    expect(started('s@a.socket', '[Socket]\nListenStream=1\n')).toEqual(['s@a.service'])
    expect(started('s.socket', '[Socket]\nService=s@b.service\n')).toEqual(['s@b.service'])
    // a template as its instance, and then the first: "Triggers: w@x.service", "Multiple units to
    // trigger specified, ignoring: w@root.service" (252)
    expect(started('x.timer', '[Timer]\nUnit=w@.service\nUnit=w@root.service\n')).toEqual([
      'w@x.service'
    ])
    // "Multiple units to trigger specified, ignoring": the first; a socket's Service=: the last
    expect(started('x.timer', '[Timer]\nUnit=foo@web.service\nUnit=foo@root.service\n')).toEqual([
      'foo@web.service'
    ])
    expect(started('s.socket', '[Socket]\nService=s@b.service\nService=s@c.service\n')).toEqual([
      's@c.service'
    ])
    // values systemd ignores leave the default (red team, session 25): not a unit, itself, a
    // specifier it refuses (the template here is its own instance, the default's name); a
    // socket's non-service or template (loaded as it is, it fails)
    for (const value of [
      'bogus',
      'foo@root.timer',
      'foo@%z.service',
      'foo@%I.service',
      'foo@.service'
    ])
      expect([value, started('foo@root.timer', `[Timer]\nUnit=${value}\n`)]).toEqual([
        value,
        ['foo@root.service']
      ])
    for (const value of ['bar.target', 'foo@.service'])
      expect([value, started('foo@root.socket', `[Socket]\nService=${value}\n`)]).toEqual([
        value,
        ['foo@root.service']
      ])
    // one with a specifier of the machine is a trigger, of a name unknown here: no default
    expect(started('foo@root.timer', '[Timer]\nUnit=foo@%H.service\n')).toEqual([])
    // a socket with Accept=yes names its instances per connection; with a Service= it does not load
    expect(started('s@a.socket', '[Socket]\nListenStream=1\nAccept=yes\n')).toEqual([])
    expect(started('s.socket', '[Socket]\nAccept=yes\nService=s@b.service\n')).toEqual([])
    // Unit= of another section, or of a type that has none, is not a trigger
    expect(started('foo@x.target', '[Unit]\nDescription=t\n')).toEqual([])
    expect(started('t.timer', '[Unit]\nUnit=foo@x.service\n')).toEqual(['t.service'])
  })

  it('reads units of other types, not services or templates; enabled ones among links', () => {
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
    // links in dependency directories: what they name starts, a template as its owner's instance
    // (red team 4, session 25: t@.target.wants/foo@.service, root.target.wants/foo@.service)
    const files: Record<string, string> = {
      'a@.timer': '[Timer]\nOnCalendar=daily\n',
      't@.target': '[Unit]\nDescription=t\n'
    }
    const lookup: UnitLookup = {
      load: (unit) => {
        const file = unit.isInstance ? `${unit.prefix}@.${unit.type}` : unit.name
        return files[file] === undefined ? undefined : { bytes: text(files[file]!), shown: file }
      },
      dependencies: (unit) =>
        unit.prefix === 't' ? [['foo@.service', 'w/t@.target.wants/foo@.service']] : []
    }
    const enabled = instancesStarted(
      [],
      [
        ['a@x.timer', 'w/timers.target.wants/a@x.timer'],
        ['b@y.service', 'w/multi-user.target.wants/b@y.service'],
        ['c@.timer', 'w/t@.target.wants/c@.timer'],
        ['foo@.service', 'w/root.target.wants/foo@.service'],
        ['t@r.target', 'w/multi-user.target.wants/t@r.target']
      ],
      lookup,
      252
    )
    expect(enabled === 'too many' ? enabled : Object.fromEntries(enabled)).toEqual({
      'a@x.service':
        'triggered by a@x.timer (a@.timer), which w/timers.target.wants/a@x.timer enables',
      'b@y.service': 'enabled by w/multi-user.target.wants/b@y.service',
      'foo@root.service': 'enabled by w/root.target.wants/foo@.service as foo@root.service',
      'foo@r.service':
        'enabled by w/t@.target.wants/foo@.service as foo@r.service, which t@r.target starts, ' +
        'itself started'
    })
  })

  it('follows the units of other types started in turn, each read once, however many', () => {
    const files: Record<string, string> = {
      'app.target': '[Unit]\nWants=foo@root.timer app.target\n',
      'foo@.timer': '[Timer]\nOnCalendar=daily\n'
    }
    const reads: string[] = []
    const load = (unit: ReturnType<typeof name>): UnitSource | undefined => {
      const file =
        files[unit.name] !== undefined
          ? unit.name
          : unit.isInstance
            ? `${unit.prefix}@.${unit.type}`
            : undefined
      if (file === undefined || files[file] === undefined) return undefined
      reads.push(unit.name)
      return { bytes: text(files[file]!), shown: `d/${file}` }
    }
    const roots: StartingUnit[] = [{ unit: name('app.target') }]
    expect(instancesStarted(roots, [], { load, dependencies: () => [] }, 252)).toEqual(
      new Map([
        [
          'foo@root.service',
          'triggered by foo@root.timer (d/foo@.timer), which Wants= in d/app.target:2 names'
        ]
      ])
    )
    expect(reads).toEqual(['app.target', 'foo@root.timer'])
    // a chain of 20,000 targets, each wanting the next: linear, and each why one hop long
    for (let i = 0; i < 20_000; i++)
      files[`c${i}.target`] = `[Unit]\nWants=c${i + 1}.target foo@c${i}.service\n`
    const chain = instancesStarted(
      [{ unit: name('c0.target') }],
      [],
      { load, dependencies: () => [] },
      252
    )
    if (chain === 'too many') throw new Error('too many')
    expect(chain.size).toBe(20_000)
    expect(chain.get('foo@c5.service')).toBe(
      'named by Wants= in d/c5.target:2, which Wants= in d/c4.target:2 names, itself started'
    )
    // 99,000 names in one unit (lines under 1 MB each): no stack overflow (red team, session 25)
    const many = Array.from(
      { length: 11 },
      (_, l) =>
        'Wants=' + Array.from({ length: 9_000 }, (_, i) => `foo@n${l}x${i}.service`).join(' ')
    ).join('\n')
    files['big.target'] = `[Unit]\n${many}\n`
    const big = instancesStarted(
      [{ unit: name('big.target') }],
      [],
      { load, dependencies: () => [] },
      252
    )
    expect(big !== 'too many' && big.size).toBe(99_000)
    // past 100,000 names it gives up (27,000 instances x 71 links took 25 s and 1.6 GB)
    files['big.target'] +=
      `Wants=${Array.from({ length: 1_001 }, (_, i) => `foo@m${i}.service`).join(' ')}\n`
    expect(
      instancesStarted([{ unit: name('big.target') }], [], { load, dependencies: () => [] }, 252)
    ).toBe('too many')
  })

  it('lists only the dependency directories a search directory holds (each failed listing costs)', () => {
    // 1,000 instances of a target, and the dependency directory of their template
    const dirs: Record<string, Record<string, string>> = {
      d: { 't@.target': '', 't@.target.wants': '' },
      'd/t@.target.wants': { 'foo@.service': '../foo@.service' }
    }
    for (let k = 0; k < 1_000; k++) dirs.d![`t@${k}.target`] = ''
    const listed: string[] = []
    const view: SearchPathView = {
      names(dir) {
        listed.push(dir)
        return Object.keys(dirs[dir] ?? {})
      },
      entry(dir, name) {
        const entries = dirs[dir]
        if (entries === undefined || !Object.hasOwn(entries, name)) return undefined
        if (dirs[`${dir}/${name}`] !== undefined) return { kind: 'directory' }
        return dir === 'd' ? { kind: 'file' } : { kind: 'link', text: entries[name]! }
      },
      read: () => new TextEncoder().encode('[Unit]\nDescription=t\n'),
      shown: (dir, name) => `${dir}/${name}`,
      path: (dir, name) => `${dir}/${name}`
    }
    const found = instancesStartedOnSearchPath(['d'], view, 252)
    expect(found !== 'too many' && found.get('foo')?.size).toBe(1_000)
    // the search directory, then t@.target.wants/ for the template and for each instance
    expect(new Set(listed)).toEqual(new Set(['d', 'd/t@.target.wants']))
  })

  it("drops a template's dependency on an instance of itself that grows, as systemd does", () => {
    // "Dropping dependency Wants=t@%it.target that likely leads to infinite recursion" (252, red
    // team session 25: the gate followed it, and with two such names it never ended)
    const files: Record<string, string> = {
      't@.target':
        '[Unit]\nWants=t@%ia.target t@%ib.target t@%n.target foo@%i.service t@x%i.target\n'
    }
    const load = (unit: ReturnType<typeof name>): UnitSource | undefined =>
      unit.prefix === 't' ? { bytes: text(files['t@.target']!), shown: 't@.target' } : undefined
    const found = instancesStarted(
      [{ unit: name('t@roo.target') }],
      [],
      { load, dependencies: () => [] },
      252
    )
    expect(found === 'too many' ? found : [...found.keys()]).toEqual(['foo@roo.service'])
    // %i alone is the same instance (visited once); another template's is followed
    expect(started('t@a.target', '[Unit]\nWants=t@%i.target u@%ix.target\n')).toEqual([])
    expect(
      unitsStartedBy(text('[Unit]\nWants=t@%i.target u@%ix.target\n'), name('t@a.target'), 252).map(
        (s) => s.unit.name
      )
    ).toEqual(['t@a.target', 'u@ax.target'])
  })

  /** a@.target and b@.target each naming `count` instances of the other: does the walk give up in time? */
  const mutual = (count: number): void => {
    const wants = (other: string): Uint8Array =>
      text(
        '[Unit]\nWants=' +
          Array.from({ length: count }, (_, k) => `${other}@%i${k}.target`).join(' ') +
          '\n'
      )
    const load = (unit: ReturnType<typeof name>): UnitSource | undefined =>
      unit.prefix === 'a' || unit.prefix === 'b'
        ? { bytes: wants(unit.prefix === 'a' ? 'b' : 'a'), shown: `${unit.prefix}@.target` }
        : undefined
    const started = performance.now()
    expect(
      instancesStarted([{ unit: name('a@r.target') }], [], { load, dependencies: () => [] }, 252)
    ).toBe('too many')
    expect(performance.now() - started).toBeLessThan(20_000)
  }

  it('gives up past 50,000 units of other types (two templates naming each other without end)', () =>
    mutual(2))

  it('gives up in bounded time and memory when each unit names thousands (red team 4)', () =>
    mutual(2000))
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
  // started in turn (red team, session 25): an enabled instance of a target template, and the
  // instance of a timer template a target wants
  'target-template': {
    'app@.target': '[Unit]\nWants=foo@%i.service\n',
    'multi-user.target.wants/app@root.target': { link: '../app@.target' }
  },
  'timer-by-target': {
    'app.target': '[Unit]\nWants=foo@root.timer\n',
    'foo@.timer': '[Timer]\nOnCalendar=daily\n'
  },
  // a template linked in a dependency directory: its owner's instance (red team 4, session 25)
  'template-link': {
    'root.target.wants/foo@.service': { link: '../foo@.service' },
    't@.target': '[Unit]\nDescription=t\n',
    't@.target.wants/foo@.service': { link: '../foo@.service' },
    'multi-user.target.wants/t@web.target': { link: '../t@.target' }
  },
  // ... also in the type-wide directory every target reads (red team 5, session 25)
  typewide: {
    'root.target': '[Unit]\nDescription=r\n',
    'target.wants/foo@.service': { link: '../foo@.service' }
  },
  // ... and that of an alias name: the instance of the unit it leads to (red team 5)
  'alias-owner': {
    'root.target': '[Unit]\nDescription=r\n',
    'app.target': { link: 'root.target' },
    'app.target.requires/foo@.service': { link: '../foo@.service' }
  },
  // a service instance that runs, through its template's dependency directory (red team 5's
  // LOW 2, session 26: services are not read, their dependency directories are)
  'service-template-dir': {
    'bar@.service': '[Service]\nExecStart=/usr/bin/bar\n',
    'bar@.service.wants/foo@.service': { link: '../foo@.service' },
    'multi-user.target.wants/bar@root.service': { link: '../bar@.service' }
  },
  // an image tree: the copy in usr/lib counts when etc/ has none
  'image-unmasked': {
    '../../../usr/lib/systemd/system/x.target': '[Unit]\nWants=foo@root.service\n'
  },
  // none of these starts foo@root: a template target, Accept=yes (with a Service= the socket does
  // not load), a weaker dependency, a copy in usr/lib that etc/ masks or shadows, an enabled
  // timer instance with a file of its own (not its template's)
  unstarted: {
    'app@.target': '[Unit]\nWants=foo@root.service\n',
    'foo@root.socket': '[Socket]\nListenStream=/run/foo.sock\nAccept=yes\n',
    'bar.socket': '[Socket]\nListenStream=/run/bar.sock\nAccept=yes\nService=foo@root.service\n',
    'other.target': '[Unit]\nPartOf=foo@root.service\nAfter=foo@root.service\n',
    'x.target': { link: '/dev/null' },
    'y.target': '',
    'z.timer': '[Timer]\nOnCalendar=daily\nUnit=foo@web.service\n',
    '../../../usr/lib/systemd/system/x.target': '[Unit]\nWants=foo@root.service\n',
    '../../../usr/lib/systemd/system/y.target': '[Unit]\nWants=foo@root.service\n',
    '../../../usr/lib/systemd/system/z.timer': '[Timer]\nUnit=foo@root.service\n',
    'foo@.timer': '[Timer]\nUnit=foo@root.service\n',
    'foo@web.timer': '[Timer]\nUnit=foo@web.service\n',
    'timers.target.wants/foo@web.timer': { link: '../foo@web.timer' },
    // a dependency directory's plain file or link to /dev/null: "Non-symlink in dependency dir"
    'root.target.wants/foo@.service': '[Service]\nExecStart=/x\n',
    'root.target.requires/foo@.service': { link: '/dev/null' }
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
  // the whole tree: an image's usr/lib/systemd/system is read too
  const { units } = await scan([path.join(base, tree)], {
    cwd: base,
    version,
    policy: DEFAULT_POLICY,
    threshold: 100,
    suggest: false
  })
  // the template is the only foo@ service: other units are read, not scored (a service starting
  // it is scored as itself)
  const foo = units.filter((u) => u.path.endsWith('/foo@.service'))
  expect(foo).toHaveLength(1)
  return foo[0]!
}

describe('socketActivates', () => {
  const activates = (name: string, ...files: string[]): string => {
    const result = socketActivates(
      files.map((text) => new TextEncoder().encode(text)),
      parseUnitName(name)!,
      252
    )
    return typeof result === 'string' ? result : `${result.unit.name} (${result.key ?? 'own name'})`
  }
  it('reads Service= and Accept= from the file and then its drop-ins, the last valid one winning', () => {
    expect(activates('a.socket', '[Socket]\nListenStream=1\n')).toBe('a.service (own name)')
    expect(activates('a.socket', '[Socket]\nService=b.service\n')).toBe('b.service (Service)')
    expect(
      activates('a.socket', '[Socket]\nService=b.service\n', '[Socket]\nService=c.service\n')
    ).toBe('c.service (Service)')
    // a template, another type, a bad specifier: ignored, the one before stays
    expect(
      activates('a.socket', '[Socket]\nService=b.service\nService=t@.service\nService=x.target\n')
    ).toBe('b.service (Service)')
    expect(activates('a@x.socket', '[Socket]\nService=%i-%p.service\n')).toBe(
      'x-a.service (Service)'
    )
    expect(activates('a.socket', '[Socket]\nService=%H.service\n')).toBe('unknown')
    // lines outside [Socket], or before any section of a drop-in, are not its
    expect(activates('a.socket', 'Service=b.service\n[Unit]\nService=c.service\n')).toBe(
      'a.service (own name)'
    )
  })
  it('takes Accept=yes as an instance per connection, and refuses it with Service=', () => {
    expect(activates('e.socket', '[Socket]\nAccept=yes\n')).toBe('per-connection')
    expect(activates('e.socket', '[Socket]\nAccept=yes\n', '[Socket]\nAccept=no\n')).toBe(
      'e.service (own name)'
    )
    expect(activates('e.socket', '[Socket]\nAccept=yes\n', '[Socket]\nService=f.service\n')).toBe(
      'refused'
    )
  })
})

describe('a template judged as the instances other units start', () => {
  it.each([
    ['target', 'named by Wants= in target/etc/systemd/system/app.target:2'],
    ['timer', 'named by Unit= in timer/etc/systemd/system/nightly.timer:3'],
    [
      'service-template-dir',
      'enabled by service-template-dir/etc/systemd/system/bar@.service.wants/foo@.service as ' +
        'foo@root.service, which bar@root.service starts, itself started'
    ],
    ['socket', 'triggered by socket/etc/systemd/system/foo@root.socket'],
    [
      'enabled-timer',
      'triggered by foo@root.timer (enabled-timer/etc/systemd/system/foo@.timer), which ' +
        'enabled-timer/etc/systemd/system/timers.target.wants/foo@root.timer enables'
    ],
    [
      'target-template',
      'named by Wants= in app@root.target (target-template/etc/systemd/system/app@.target:2), ' +
        'which target-template/etc/systemd/system/multi-user.target.wants/app@root.target enables'
    ],
    [
      'timer-by-target',
      'triggered by foo@root.timer (timer-by-target/etc/systemd/system/foo@.timer), which ' +
        'Wants= in timer-by-target/etc/systemd/system/app.target:2 names'
    ],
    ['image-unmasked', 'named by Wants= in image-unmasked/usr/lib/systemd/system/x.target:2'],
    [
      'typewide',
      'enabled by typewide/etc/systemd/system/target.wants/foo@.service as foo@root.service, ' +
        'which root.target starts'
    ],
    [
      'alias-owner',
      'enabled by alias-owner/etc/systemd/system/app.target.requires/foo@.service as foo@root.service'
    ],
    [
      'template-link',
      'enabled by template-link/etc/systemd/system/root.target.wants/foo@.service as foo@root.service'
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

  it('says an instance another unit starts does not load, when it does not (User=00)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gate-started-invalid-'))
    try {
      fs.writeFileSync(path.join(dir, 'foo@.service'), '[Service]\nExecStart=/bin/true\nUser=%i\n')
      fs.writeFileSync(path.join(dir, 'app.target'), '[Unit]\nWants=foo@00.service\n')
      const { units } = await scan([dir], {
        cwd: dir,
        version: 252,
        policy: DEFAULT_POLICY,
        threshold: 100,
        suggest: false
      })
      expect(units[0]).toMatchObject({ unit: 'foo@00.service', status: 'invalid', passed: false })
      expect(units[0]!.diagnostics.map((d) => d.message)).toContain(
        'the instance foo@00.service (named by Wants= in app.target:2) does not load (invalid): ' +
          'the gate judges the template by it'
      )
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it('fails a template when the units beside it start too many to follow (scan and base)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gate-started-many-'))
    try {
      const units = path.join(dir, UNITS)
      fs.mkdirSync(units, { recursive: true })
      fs.writeFileSync(path.join(units, 'foo@.service'), TEMPLATE)
      fs.writeFileSync(path.join(units, 'start.target'), '[Unit]\nWants=a@r.target\n')
      fs.writeFileSync(path.join(units, 'a@.target'), '[Unit]\nWants=b@%ix.target b@%iy.target\n')
      fs.writeFileSync(path.join(units, 'b@.target'), '[Unit]\nWants=a@%ix.target a@%iy.target\n')
      const { units: reports } = await scan([dir], {
        cwd: dir,
        version: 252,
        policy: DEFAULT_POLICY,
        threshold: 100,
        suggest: false
      })
      expect(reports[0]).toMatchObject({
        status: 'error',
        passed: false,
        reason: expect.stringContaining('start more than the gate follows (50,000 units')
      })
      const atBase = scoredAtHead(committed(dir), `${UNITS}/foo@.service`, 252)
      expect(atBase).toMatchObject({ status: 'error', reason: reports[0]!.reason })
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it('fails a template when more of its instances run than the gate scores (scan and base)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gate-instances-many-'))
    try {
      const units = path.join(dir, UNITS)
      const wants = path.join(units, 'multi-user.target.wants')
      fs.mkdirSync(wants, { recursive: true })
      fs.writeFileSync(path.join(units, 'foo@.service'), TEMPLATE)
      for (let k = 0; k <= MAX_JUDGED_INSTANCES; k++)
        fs.symlinkSync('../foo@.service', path.join(wants, `foo@${k}.service`))
      const options = { cwd: dir, version: 252, policy: DEFAULT_POLICY, threshold: 100 }
      const { units: reports } = await scan([units], { ...options, suggest: false })
      const template = reports.find((r) => r.path.endsWith('/foo@.service'))
      expect(template).toMatchObject({
        status: 'error',
        passed: false,
        reason: expect.stringContaining('more than 10,000 of its instances run')
      })
      const atBase = scoredAtHead(committed(dir), `${UNITS}/foo@.service`, 252)
      expect(atBase).toMatchObject({ status: 'error', reason: template!.reason })
      // one fewer is judged, instance by instance
      fs.unlinkSync(path.join(wants, 'foo@0.service'))
      const fewer = await scan([units], { ...options, suggest: false })
      expect(fewer.units.find((r) => r.path.endsWith('/foo@.service'))).toMatchObject({
        status: 'scored'
      })
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
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
