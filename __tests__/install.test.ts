/**
 * Names `systemctl enable` gives a unit from its [Install] section: systemd-analyze on the
 * repository does not see them (nothing is enabled there), the deployed unit does. An Alias= name's
 * drop-in directory counts (the gate judges the worse of with and without, with a warning), and a
 * template is also judged as its DefaultInstance=. Expected scores were observed with
 * `systemctl --root=ROOT enable` and `systemd-analyze --root=ROOT security --offline=true` (252 and
 * 262); where both are installed, the last test does it again.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { execFileSync, spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { aliasesMatching, installNames, installTexts } from '../src/core/install.js'
import { DEFAULT_POLICY } from '../src/core/policy.js'
import type { UnitReport } from '../src/core/report.js'
import { parseUnitName } from '../src/core/specifiers.js'
import { scan } from '../src/scan/scan.js'
import { committed, scoredAtHead } from './support/git-tree.js'
import { oracleAvailable, oracleUnavailableReason } from './support/oracle.js'

const text = (s: string): Uint8Array => new TextEncoder().encode(s)
const name = (n: string) => parseUnitName(n)!

describe('installNames', () => {
  it('takes Alias= names as systemctl does: unquoted, specifiers of the name expanded, an empty value resetting', () => {
    const unit = name('app.service')
    const names = (install: string): string[] =>
      installNames([text(`[Service]\nExecStart=/x\n[Install]\n${install}\n`)], unit).aliases.map(
        (n) => n.name
      )
    expect(names('Alias=web.service api.service\nAlias=web.service')).toEqual([
      'web.service',
      'api.service'
    ])
    expect(names('Alias=web.service\nAlias=\nAlias=api.service')).toEqual(['api.service'])
    expect(names('Alias="web.service" \'api.service\'')).toEqual(['web.service', 'api.service'])
    expect(names('Alias=%p-x.service %N-y.service')).toEqual(['app-x.service', 'app-y.service'])
    // a specifier of the host, another type, template names, itself: none
    expect(names('Alias=%H.service web.socket w@.service w@i.service app.service')).toEqual([])
    // only the [Install] section counts, of the file and its drop-ins in order
    expect(
      installNames([text('[Service]\nExecStart=/x\nAlias=web.service\n')], unit).aliases
    ).toEqual([])
    expect(
      installNames(
        [text('[Install]\nAlias=web.service\n'), text('[Install]\nAlias=\nAlias=api.service\n')],
        unit
      ).aliases.map((n) => n.name)
    ).toEqual(['api.service'])
  })

  it("gives an instance of a template its template aliases' same instance, and its own", () => {
    const aliases = installNames(
      [text('[Install]\nAlias=bar@.service plain.service baz@web.service qux@db.service\n')],
      name('foo@web.service')
    ).aliases
    expect(aliases.map((n) => n.name)).toEqual(['bar@web.service', 'baz@web.service'])
  })

  it('matches Alias= names with a machine specifier (%a, %H ...) against drop-in directories', () => {
    const unit = name('app.service')
    const install = installNames([text('[Install]\nAlias=%a-web.service %u.service\n')], unit)
    expect(install.aliases.map((n) => n.name)).toEqual(['root.service'])
    expect(
      aliasesMatching(
        install.aliasPatterns,
        ['x86-64-web.service.d', 'web.service.d', 'arm64-web.service', 'a-web.socket.d'],
        unit
      ).map((n) => n.name)
    ).toEqual(['x86-64-web.service'])
  })

  it('matches such names as the regular expression of their pieces would, in linear time', () => {
    // a bound far above its time (~1 s here): the code before took minutes or never ended
    const started = performance.now()
    const unit = name('app.service')
    // each machine specifier stands for one or more characters (`[^/]+`)
    const specifier = fc.constantFrom('%a', '%H', '%v', '%m')
    const literal = fc
      .array(fc.constantFrom('a', 'b', '-', '.'), { maxLength: 3 })
      .map((c) => c.join(''))
    const word = fc
      .array(fc.oneof(specifier, literal), { minLength: 1, maxLength: 6 })
      .map((parts) => `${parts.join('')}.service`)
      .filter((w) => /%[aHvm]/.test(w))
    const entry = fc
      .array(fc.constantFrom('a', 'b', '-', '.'), { maxLength: 9 })
      .map((c) => c.join(''))
    fc.assert(
      fc.property(word, fc.array(entry, { maxLength: 8 }), (alias, names) => {
        const install = installNames([text(`[Install]\nAlias=${alias}\n`)], unit)
        const source = alias
          .split(/%[aHvm]/)
          .map((l) => l.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
          .join('[^/]+')
        const re = new RegExp(`^${source}$`)
        const entries = names.map((n) => `${n}.service.d`)
        const expected = names
          .map((n) => `${n}.service`)
          .filter((n) => n !== unit.name && re.test(n) && name(n) !== undefined)
        expect(aliasesMatching(install.aliasPatterns, entries, unit).map((n) => n.name)).toEqual(
          expected
        )
      }),
      { numRuns: 3000 }
    )
    // as a regular expression this backtracked for seconds per entry (16 specifiers: never ended)
    const many = installNames([text(`[Install]\nAlias=${'%a'.repeat(64)}X.service\n`)], unit)
    const entries = Array.from({ length: 2000 }, (_, i) => `${'a'.repeat(200)}${i}.service.d`)
    expect(aliasesMatching(many.aliasPatterns, entries, unit)).toEqual([])
    expect(
      aliasesMatching(many.aliasPatterns, [`${'a'.repeat(64)}X.service.d`], unit).map((n) => n.name)
    ).toEqual([`${'a'.repeat(64)}X.service`])
    expect(performance.now() - started).toBeLessThan(15_000)
  })

  it('reads an Alias= line of 400,000 specifiers (1 MB) in linear time', () => {
    // a bound far above its time (~0.1 s here): 150,000 adjacent specifiers before 150,000 with a
    // letter between took 16 s, these over 30 (the empty pieces between them removed a splice each)
    const started = performance.now()
    const alias = `${'%a'.repeat(200_000)}${'b%a'.repeat(200_000)}.service`
    const install = installNames([text(`[Install]\nAlias=${alias}\n`)], name('app.service'))
    // the first fits the pattern, but is too long for a unit name; the second does not fit
    const entries = [`${'x'.repeat(200_000)}${'bx'.repeat(200_000)}.service.d`, 'b.service.d']
    expect(
      aliasesMatching(install.aliasPatterns, entries, name('app.service')).map((n) => n.name)
    ).toEqual([])
    expect(performance.now() - started).toBeLessThan(15_000)
  })

  it('keeps each Alias= name once, however many lines repeat it', () => {
    // a bound far above its time (~1 s here): the code before took minutes or never ended
    const started = performance.now()
    const lines = Array.from({ length: 50_000 }, (_, i) => `Alias=a${i % 25_000}.service`).join(
      '\n'
    )
    const aliases = installNames([text(`[Install]\n${lines}\n`)], name('app.service')).aliases
    expect(aliases).toHaveLength(25_000)
    expect(aliases[24_999]!.name).toBe('a24999.service')
    expect(performance.now() - started).toBeLessThan(15_000)
  })

  it('keeps each instance an Alias= in a .wants/ directory names once, in linear time', () => {
    // a bound far above its time: a search of the list per name took minutes at 100,000 names
    const started = performance.now()
    const lines = Array.from({ length: 100 }, (_, line) =>
      Array.from(
        { length: 1000 },
        (_, i) => `a.target.wants/foo@${(line * 1000 + i) % 50_000}.service`
      )
    ).map((words) => `Alias=${words.join(' ')}`)
    const install = installNames([text(`[Install]\n${lines.join('\n')}\n`)], name('foo@.service'))
    expect(install.wantedInstances).toHaveLength(50_000)
    expect(install.wantedInstances![49_999]).toBe('49999')
    expect(performance.now() - started).toBeLessThan(15_000)
  })

  it("reads [Install] from the unit file and its own and its template's drop-ins only, as enable", () => {
    const input = (p: string, t: string) => ({ path: p, bytes: text(t) })
    const texts = installTexts(
      input('u/foo@a.service', '[Install]\nAlias=x@.service\n'),
      [
        input('u/foo@.service.d/1.conf', '[Install]\nAlias=y@.service\n'),
        input('u/foo@a.service.d/2.conf', '[Install]\nAlias=z@.service\n'),
        input('u/service.d/3.conf', '[Install]\nAlias=\n'),
        input('u/foo-.service.d/4.conf', '[Install]\nAlias=\n')
      ],
      name('foo@a.service')
    )
    expect(installNames(texts, name('foo@a.service')).aliases.map((n) => n.name)).toEqual([
      'x@a.service',
      'y@a.service',
      'z@a.service'
    ])
  })

  it("takes a template's DefaultInstance= when it is a valid instance", () => {
    const template = name('foo@.service')
    const of = (value: string): string | undefined =>
      installNames([text(`[Install]\nDefaultInstance=${value}\n`)], template).defaultInstance
    expect(of('root')).toBe('root')
    expect(of('%p-x')).toBe('foo-x')
    expect(of('%H')).toBeUndefined()
    expect(of('')).toBeUndefined()
    expect(of('a/b')).toBeUndefined()
    expect(installNames([text('[Install]\nDefaultInstance=root\n')], name('foo.service'))).toEqual({
      aliases: [],
      aliasPatterns: []
    })
    // the user enable runs as (root for the system manager); a machine specifier is not known
    expect(of('%u')).toBe('root')
    const pi = { name: 'pi', uid: 1000, group: 'pi', gid: 1000 }
    expect(
      installNames([text('[Install]\nDefaultInstance=%u\n')], template, pi).defaultInstance
    ).toBe('pi')
    expect(of('%a')).toBeUndefined()
    // an old-style Alias= in a dependency directory names an instance enable links and starts
    const wanted = (alias: string, unit = template): string[] | undefined =>
      installNames([text(`[Install]\nAlias=${alias}\n`)], unit).wantedInstances
    expect(wanted('multi-user.target.wants/foo@root.service')).toEqual(['root'])
    expect(wanted('a.target.requires/foo@x.service b.target.wants/foo@%p.service')).toEqual([
      'x',
      'foo'
    ])
    expect(wanted('multi-user.target.wants/foo@root.service', name('foo@i.service'))).toEqual([
      'root'
    ])
    // a directory of an instance with more '@' (systemctl 252 links it) and such an instance
    expect(wanted('a@b@c.target.wants/foo@root.service')).toEqual(['root'])
    expect(wanted('multi-user.target.wants/foo@x@y.service')).toEqual(['x@y'])
    // what `systemctl enable` refuses (another template, no instance, another kind of directory,
    // a machine specifier) or a plain unit's own name names no instance
    for (const refused of [
      'multi-user.target.wants/bar@root.service',
      'multi-user.target.wants/foo@.service',
      'multi-user.target.upholds/foo@x.service',
      'multi-user.tar.wants/foo@x.service',
      'foo.bar.wants/foo@x.service',
      'a/b.wants/foo@x.service',
      'multi-user.target.wants/foo@%H.service'
    ])
      expect([refused, wanted(refused)]).toEqual([refused, undefined])
    expect(wanted('multi-user.target.wants/foo.service', name('foo.service'))).toBeUndefined()
    // from a drop-in too
    expect(
      installNames(
        [text('[Service]\nExecStart=/x\n'), text('[Install]\nDefaultInstance=db\n')],
        template
      ).defaultInstance
    ).toBe('db')
  })
})

const HARDENED = fs.readFileSync(path.join(process.cwd(), 'examples/baseline.service'), 'utf8')
const WEAKENING =
  '[Service]\nDynamicUser=no\nProtectSystem=no\nProtectHome=no\nPrivateTmp=no\nPrivateDevices=no\n' +
  'PrivateNetwork=no\nNoNewPrivileges=no\nCapabilityBoundingSet=~\nSystemCallFilter=\nRestrictAddressFamilies=\n'
const TEMPLATE =
  '[Unit]\nDescription=t\n[Service]\nExecStart=/usr/bin/foo\nUser=%i\nDynamicUser=no\nPrivateTmp=yes\n' +
  'NoNewPrivileges=yes\nProtectSystem=strict\n[Install]\nWantedBy=multi-user.target\nDefaultInstance=root\n'

let base: string
const UNITS = 'etc/systemd/system'

beforeAll(() => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'gate-install-'))
  const write = (file: string, content: string): void => {
    fs.mkdirSync(path.dirname(path.join(base, file)), { recursive: true })
    fs.writeFileSync(path.join(base, file), content)
  }
  write(
    `alias/${UNITS}/app.service`,
    `${HARDENED}\n[Install]\nWantedBy=multi-user.target\nAlias=webapp.service\n`
  )
  write(`alias/${UNITS}/webapp.service.d/weak.conf`, WEAKENING)
  write(`default/${UNITS}/foo@.service`, TEMPLATE)
  // an old-style Alias= that `systemctl enable` turns into multi-user.target.wants/foo@root.service
  write(
    `wanted/${UNITS}/foo@.service`,
    TEMPLATE.replace('DefaultInstance=root', 'Alias=multi-user.target.wants/foo@root.service')
  )
  // an old-style Alias= in the test instance's own drop-in directory: enabling the template does
  // not read it (systemctl 252 links foo@web only), so foo@root is not judged
  write(
    `testdrop/${UNITS}/foo@.service`,
    TEMPLATE.replace('DefaultInstance=root', 'Alias=multi-user.target.wants/foo@web.service')
  )
  for (const instance of ['i', 'test_instance'])
    write(
      `testdrop/${UNITS}/foo@${instance}.service.d/a.conf`,
      '[Install]\nAlias=multi-user.target.wants/foo@root.service\n'
    )
  // ... nor does a file of the same name there hide the template's own [Install] (red team,
  // session 25: the drop-ins resolved for the test instance had lost foo@.service.d/a.conf)
  write(`masked/${UNITS}/foo@.service`, TEMPLATE.replace('DefaultInstance=root\n', ''))
  write(
    `masked/${UNITS}/foo@.service.d/a.conf`,
    '[Install]\nAlias=multi-user.target.wants/foo@root.service\n'
  )
  for (const instance of ['i', 'test_instance'])
    write(`masked/${UNITS}/foo@${instance}.service.d/a.conf`, '[Service]\nPrivateTmp=yes\n')
  // enabled by a link, as `systemctl enable foo@root.service` leaves it
  write(`wants/${UNITS}/foo@.service`, TEMPLATE.replace('DefaultInstance=root\n', ''))
  fs.mkdirSync(path.join(base, `wants/${UNITS}/multi-user.target.wants`))
  fs.symlinkSync(
    '../foo@.service',
    path.join(base, `wants/${UNITS}/multi-user.target.wants/foo@root.service`)
  )
})

afterAll(() => fs.rmSync(base, { recursive: true, force: true }))

async function scanned(tree: string, version: number): Promise<UnitReport> {
  const { units } = await scan([path.join(base, tree)], {
    cwd: base,
    version,
    policy: DEFAULT_POLICY,
    threshold: 100,
    suggest: false
  })
  return units[0]!
}

describe('names the unit has once enabled', () => {
  it.each([
    [252, 7.7],
    [262, 7.6]
  ])(
    'counts the drop-ins of an Alias= name (at %i, %d as deployed), saying so',
    async (version, expected) => {
      const report = await scanned('alias', version)
      expect(report).toMatchObject({ unit: 'app.service', score: expected })
      expect(report.diagnostics).toContainEqual(
        expect.objectContaining({
          code: 'lookup',
          message: expect.stringContaining(
            "etc/systemd/system/webapp.service.d holds drop-ins of webapp.service, the name the unit's Alias= gives it"
          )
        })
      )
    }
  )

  it.each([
    [252, 9.0],
    [262, 8.9]
  ])(
    'judges a template as its DefaultInstance= too (at %i, %d as enabled)',
    async (version, expected) => {
      const report = await scanned('default', version)
      expect(report).toMatchObject({ unit: 'foo@root.service', score: expected })
      expect(report.diagnostics.map((d) => d.message).join('\n')).toContain(
        'the instance foo@root.service (its DefaultInstance=, the one `systemctl enable` starts)'
      )
    }
  )

  it.each([
    [252, 9.0],
    [262, 8.9]
  ])(
    'judges a template as the instance its Alias= in a .wants/ directory names (at %i, %d)',
    async (version, expected) => {
      const report = await scanned('wanted', version)
      expect(report).toMatchObject({ unit: 'foo@root.service', score: expected })
      expect(report.diagnostics.map((d) => d.message).join('\n')).toContain(
        'the instance foo@root.service (its Alias= names it in a .wants/ or .requires/ directory: `systemctl enable` starts it)'
      )
    }
  )

  it.each([
    [252, 9.0],
    [262, 8.9]
  ])(
    'judges a template as the instances links in .wants/ enable (at %i, %d)',
    async (version, expected) => {
      // the link in multi-user.target.wants/ is a name, no unit file systemd loads: not scanned
      const { units } = await scan([path.join(base, 'wants', UNITS)], {
        cwd: base,
        version,
        policy: DEFAULT_POLICY,
        threshold: 100,
        suggest: false
      })
      expect(units).toHaveLength(1)
      expect(units[0]).toMatchObject({ unit: 'foo@root.service', score: expected })
      expect(units[0]!.diagnostics.map((d) => d.message).join('\n')).toContain(
        'the instance foo@root.service (enabled by wants/etc/systemd/system/multi-user.target.wants/foo@root.service)'
      )
    }
  )

  it.each([
    [252, 'foo@i.service', 8.7],
    [262, 'foo@test_instance.service', 8.5]
  ])(
    "reads no [Install] of the test instance's own drop-ins for a template (at %i, %s %d)",
    async (version, unit, expected) => {
      const report = await scanned('testdrop', version)
      expect(report).toMatchObject({ unit, score: expected })
    }
  )

  it.each([
    [252, 9.0],
    [262, 8.9]
  ])(
    "reads a template's [Install] its test instance's drop-in of the same name masks (at %i, %d)",
    async (version, expected) => {
      const report = await scanned('masked', version)
      expect(report).toMatchObject({ unit: 'foo@root.service', score: expected })
    }
  )

  it('reads the same at a base commit (the Action reads it from git objects)', async () => {
    for (const tree of ['alias', 'default', 'wants', 'wanted', 'testdrop', 'masked']) {
      const repository = committed(path.join(base, tree))
      const unit = `${UNITS}/${tree === 'alias' ? 'app.service' : 'foo@.service'}`
      for (const version of [252, 262]) {
        const atBase = scoredAtHead(repository, unit, version)
        const scan = await scanned(tree, version)
        expect([tree, version, atBase?.unit, atBase?.score]).toEqual([
          tree,
          version,
          scan.unit,
          scan.score
        ])
      }
    }
  })
})

const systemctl = spawnSync('systemctl', ['--version'], { encoding: 'utf8' }).status === 0
const available = oracleAvailable() && systemctl
if (!available)
  console.warn(
    `SKIPPED install oracle test: ${systemctl ? oracleUnavailableReason() : 'no systemctl'}`
  )
const maybe = available ? it : it.skip

describe('against systemctl enable and systemd-analyze --root', () => {
  maybe('gives the deployed score', async () => {
    const version = Number(
      /systemd (\d+)/.exec(execFileSync('systemd-analyze', ['--version'], { encoding: 'utf8' }))![1]
    )
    for (const [tree, unit, enabled] of [
      ['alias', 'app.service', 'app.service'],
      ['default', 'foo@.service', 'foo@root.service'],
      ['wanted', 'foo@.service', 'foo@root.service'],
      ['testdrop', 'foo@.service', 'foo@web.service'],
      ['masked', 'foo@.service', 'foo@root.service']
    ] as const) {
      const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gate-install-root-'))
      try {
        fs.cpSync(path.join(base, tree, 'etc'), path.join(root, 'etc'), { recursive: true })
        fs.rmSync(path.join(root, '.git'), { recursive: true, force: true })
        execFileSync('systemctl', [`--root=${root}`, 'enable', unit], { stdio: 'ignore' })
        const wants = path.join(root, UNITS, 'multi-user.target.wants')
        expect([tree, fs.readdirSync(wants).includes('foo@root.service')]).toEqual([
          tree,
          tree === 'default' || tree === 'wanted' || tree === 'masked'
        ])
        const run = spawnSync(
          'systemd-analyze',
          ['security', '--offline=true', '--no-pager', `--root=${root}`, enabled],
          { encoding: 'utf8', timeout: 20000 }
        )
        const said = /Overall exposure level for \S+: (\d+\.\d)/.exec(run.stdout)
        expect([tree, said && Number(said[1])]).toEqual([
          tree,
          (await scanned(tree, version)).score
        ])
      } finally {
        fs.rmSync(root, { recursive: true, force: true })
      }
    }
  })
})
