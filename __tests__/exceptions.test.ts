/**
 * Justified exceptions (issue #5, section 4): inline comments and policy entries; an allowed check
 * counts with weight 0 for that unit only, and is listed with its reason; an exception without a
 * reason, with an unknown check id, past its date, or inline where the policy forbids it fails the
 * unit with a clear message. When systemd-analyze is installed, the score with an exception equals
 * systemd's with a policy that gives the check weight 0.
 */
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { checkIdsFor, resolveExceptions, unitGlob } from '../src/core/exceptions.js'
import type { Policy } from '../src/core/policy.js'
import { DEFAULT_POLICY, parsePolicy, PolicyError } from '../src/core/policy.js'
import type { UnitReport } from '../src/core/report.js'
import { analyzeUnit } from '../src/core/report.js'
import { parseUnitName } from '../src/core/specifiers.js'
import { oracleAvailable, runOracle } from './support/oracle.js'

const encoder = new TextEncoder()
const TODAY = '2026-06-15'

function analyze(
  text: string,
  options: { policy?: Policy; name?: string; dropIn?: string; threshold?: number } = {}
): UnitReport {
  const name = options.name ?? 'app.service'
  return analyzeUnit(
    {
      unit: parseUnitName(name)!,
      main: { path: `units/${name}`, bytes: encoder.encode(text) },
      dropIns: options.dropIn
        ? [{ path: `units/${name}.d/10-local.conf`, bytes: encoder.encode(options.dropIn) }]
        : []
    },
    {
      version: 252,
      policy: options.policy ?? DEFAULT_POLICY,
      threshold: options.threshold ?? 100,
      today: TODAY,
      suggest: false
    }
  )
}

const BASE = '[Service]\nExecStart=/usr/bin/node /srv/app.js\nUser=app\n'
const row = (r: UnitReport, id: string) => r.checks.find((c) => c.id === id)

describe('inline exceptions', () => {
  it('skip the check for that unit (weight 0) and list it with its reason', () => {
    const plain = analyze(BASE)
    const allowed = analyze(
      `${BASE}# hardening-gate: allow MemoryDenyWriteExecute -- Node.js JIT needs writable code pages\n`
    )
    expect(row(plain, 'MemoryDenyWriteExecute')?.badness).toBe(1)
    expect(row(allowed, 'MemoryDenyWriteExecute')).toMatchObject({ badness: null })
    expect(row(allowed, 'MemoryDenyWriteExecute')?.skipped).toMatch(/Node.js JIT/)
    expect(allowed.exposure!).toBeLessThanOrEqual(plain.exposure!)
    expect(allowed.exceptions).toEqual([
      {
        checks: ['MemoryDenyWriteExecute'],
        written: ['MemoryDenyWriteExecute'],
        reason: 'Node.js JIT needs writable code pages',
        source: 'inline',
        file: 'units/app.service',
        line: 4
      }
    ])
    expect(allowed.passed).toBe(true)
  })

  it('work from a drop-in, with several ids, a directive name, and an expiry date', () => {
    const r = analyze(BASE, {
      dropIn:
        '; hardening-gate: allow PrivateNetwork, IPAddressDeny until 2026-12-31 -- serves HTTP until the proxy lands\n' +
        '# hardening-gate: allow SystemCallFilter -- the vendor binary needs every call\n'
    })
    expect(r.exceptions.map((e) => e.error)).toEqual([undefined, undefined])
    expect(r.exceptions[0]).toMatchObject({
      until: '2026-12-31',
      file: 'units/app.service.d/10-local.conf',
      line: 1
    })
    expect(r.exceptions[1]!.checks).toHaveLength(11)
    for (const id of [
      'PrivateNetwork',
      'IPAddressDeny',
      'SystemCallFilter_swap',
      'SystemCallFilter_resources'
    ]) {
      expect(row(r, id)?.badness).toBeNull()
    }
  })

  it.each([
    ['# hardening-gate: allow MemoryDenyWriteExecute', /has no reason/],
    ['# hardening-gate: allow MemoryDenyWriteExecute --   ', /has no reason/],
    [
      '# hardening-gate: allow MemoryDenyWriteExec -- typo',
      /unknown check id 'MemoryDenyWriteExec'/
    ],
    ['# hardening-gate: allow PrivateNetwork until 2026-01-31 -- old', /expired on 2026-01-31/],
    ['# hardening-gate: allow PrivateNetwork until 2026-02-30 -- bad date', /not a date/],
    ['# hardening-gate: ignore PrivateNetwork -- wrong verb', /syntax is/],
    ['# HARDENING-GATE: allow -- nothing named', /no check named/]
  ])('fail the unit: %s', (comment, message) => {
    const r = analyze(`${BASE}${comment}\n`)
    expect(r.passed).toBe(false)
    expect(r.exceptions).toHaveLength(1)
    expect(r.exceptions[0]!.error).toMatch(message)
    // not applied: the check still counts
    expect(r.exposure).toBe(analyze(BASE).exposure)
    const diagnostic = r.diagnostics.find((d) => d.code === 'invalid-exception')!
    expect(diagnostic).toMatchObject({ severity: 'error', file: 'units/app.service', line: 4 })
    expect(diagnostic.message).toMatch(message)
  })

  it('are forbidden, and fail the unit, when the policy says so', () => {
    const policy = parsePolicy({ 'hardening-gate': { inlineExceptions: 'forbid' } }, 'locked')
    const r = analyze(`${BASE}# hardening-gate: allow MemoryDenyWriteExecute -- JIT\n`, { policy })
    expect(r.passed).toBe(false)
    expect(r.exceptions[0]!.error).toMatch(/forbidden by policy locked/)
    expect(row(r, 'MemoryDenyWriteExecute')?.badness).toBe(1)
  })

  it('need an expiry date when the policy requires one', () => {
    const policy = parsePolicy({ 'hardening-gate': { requireExpiry: true } }, 'dated')
    expect(
      analyze(`${BASE}# hardening-gate: allow PrivateNetwork -- web\n`, { policy }).exceptions[0]!
        .error
    ).toMatch(/requires 'until YYYY-MM-DD'/)
    expect(
      analyze(`${BASE}# hardening-gate: allow PrivateNetwork until 2027-01-01 -- web\n`, { policy })
        .exceptions[0]!.error
    ).toBeUndefined()
  })

  it('are not mistaken for ordinary comments, including the fix engine’s own', () => {
    const r = analyze(
      `${BASE}# Generated by systemd-hardening-gate 0.1.0 for app.service\n# the hardening-gate: allow nothing\n`
    )
    expect(r.exceptions).toEqual([])
  })
})

describe('policy exceptions', () => {
  const policy = (entries: unknown[], extra: Record<string, unknown> = {}) =>
    parsePolicy({ 'hardening-gate': { exceptions: entries, ...extra } }, 'repo.json')

  it('apply to the units their globs name', () => {
    const p = policy([
      {
        units: ['app.service', 'other-*.service'],
        checks: ['PrivateNetwork'],
        reason: 'serves HTTP',
        until: '2026-12-31'
      }
    ])
    const r = analyze(BASE, { policy: p })
    expect(row(r, 'PrivateNetwork')?.badness).toBeNull()
    expect(r.exceptions).toEqual([
      {
        checks: ['PrivateNetwork'],
        written: ['PrivateNetwork'],
        reason: 'serves HTTP',
        source: 'policy',
        policy: 'repo.json',
        until: '2026-12-31'
      }
    ])
    expect(analyze(BASE, { policy: p, name: 'unrelated.service' }).exceptions).toEqual([])
    expect(analyze(BASE, { policy: p, name: 'other-web.service' }).exceptions).toHaveLength(1)
  })

  it('match a path when the glob has a slash', () => {
    const p = policy([
      { units: 'units/**/*.service', checks: 'MemoryDenyWriteExecute', reason: 'JIT' }
    ])
    expect(analyze(BASE, { policy: p }).exceptions).toHaveLength(1)
    expect(unitGlob('units/**/*.service').test('units/a/b/c.service')).toBe(true)
    expect(unitGlob('*.service').test('a/b.service')).toBe(false)
    expect(unitGlob('{a,b}@*.service').test('b@x.service')).toBe(true)
  })

  it('match as the regular expression they stand for, in time proportional to glob and name', () => {
    // a bound far above its time (~1 s here): the code before took minutes or never ended
    const started = performance.now()
    // the meaning, spelled as a regular expression (what the gate compiled them to before)
    const asRegExp = (glob: string): RegExp => {
      let out = ''
      for (let i = 0; i < glob.length; i++) {
        const c = glob[i]!
        if (c === '*' && glob[i + 1] === '*') {
          out += '.*'
          i += glob[i + 2] === '/' ? 2 : 1
        } else if (c === '*') out += '[^/]*'
        else if (c === '?') out += '[^/]'
        else if (c === '{' && glob.indexOf('}', i) > 0) {
          const end = glob.indexOf('}', i)
          const options = glob.slice(i + 1, end).split(',')
          out += `(?:${options.map((o) => o.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`
          i = end
        } else out += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
      }
      return new RegExp(`^${out}$`)
    }
    const glob = fc
      .array(
        fc.constantFrom('a', 'b', '/', '.', '*', '**', '**/', '?', '{a,b}', '{,a/}', '{', '}', ','),
        {
          maxLength: 7
        }
      )
      .map((parts) => parts.join(''))
    const text = fc
      .array(fc.constantFrom('a', 'b', '/', '.', '{', '}', ',', '\n'), { maxLength: 8 })
      .map((parts) => parts.join(''))
    fc.assert(
      fc.property(glob, text, (g, t) => {
        expect(unitGlob(g).test(t)).toBe(asRegExp(g).test(t))
      }),
      { numRuns: 5000 }
    )
    // as an expression: ~60 s for 8 stars against one name; a stack overflow on 50,000 groups
    const name = `${'a'.repeat(60)}.service`
    expect(unitGlob(`${'*a'.repeat(64)}X`).test(name)).toBe(false)
    expect(unitGlob('{a}'.repeat(1000)).test('a'.repeat(1000))).toBe(true)
    expect(unitGlob('{'.repeat(4000)).test(name)).toBe(false)
    expect(performance.now() - started).toBeLessThan(15_000)
  })

  it('are refused longer than 4,096 characters', () => {
    expect(() =>
      policy([{ units: '{a}'.repeat(2000), checks: 'PrivateNetwork', reason: 'r' }])
    ).toThrow(/a unit glob of 6000 characters \(at most 4096\)/)
  })

  it('fail the units they match once expired', () => {
    const p = policy([
      { units: 'app.service', checks: ['PrivateNetwork'], reason: 'temporary', until: '2026-06-14' }
    ])
    const r = analyze(BASE, { policy: p })
    expect(r.passed).toBe(false)
    expect(r.exceptions[0]!.error).toMatch(/expired on 2026-06-14/)
    expect(r.diagnostics.find((d) => d.code === 'invalid-exception')!.message).toMatch(
      /^policy repo.json: /
    )
    expect(row(r, 'PrivateNetwork')?.badness).toBe(1)
  })

  it.each([
    [[{ units: 'a.service', checks: ['PrivateNetwork'] }], /needs a "reason"/],
    [[{ units: 'a.service', checks: ['PrivateNetwork'], reason: ' ' }], /needs a "reason"/],
    [[{ units: 'a.service', checks: ['Bogus'], reason: 'x' }], /unknown check id "Bogus"/],
    [[{ checks: ['PrivateNetwork'], reason: 'x' }], /"units" \(unit globs\) is missing/],
    [
      [{ units: 'a.service', checks: ['PrivateNetwork'], reason: 'x', until: '31.12.2026' }],
      /"until" must be a date/
    ],
    [
      [{ units: 'a.service', checks: ['PrivateNetwork'], reason: 'x', because: 'y' }],
      /unknown key "because"/
    ]
  ])('are configuration errors when malformed: %j', (entries, message) => {
    expect(() => policy(entries)).toThrow(PolicyError)
    expect(() => policy(entries)).toThrow(message)
  })

  it('need an until date when the policy requires one', () => {
    expect(() =>
      policy([{ units: 'a.service', checks: ['PrivateNetwork'], reason: 'x' }], {
        requireExpiry: true
      })
    ).toThrow(/has no "until" date/)
  })
})

describe('check names in exceptions', () => {
  it('are json_field ids, a directive naming several rows, or the CAP_NET id without its ")"', () => {
    expect(checkIdsFor('ProtectSystem')).toEqual(['ProtectSystem'])
    expect(checkIdsFor('CapabilityBoundingSet')).toHaveLength(26)
    expect(checkIdsFor('RestrictNamespaces')).toHaveLength(7)
    expect(checkIdsFor('RestrictAddressFamilies')).toHaveLength(5)
    expect(checkIdsFor('CapabilityBoundingSet_CAP_NET_BIND_SERVICE_BROADCAST_RAW')).toEqual([
      'CapabilityBoundingSet_CAP_NET_BIND_SERVICE_BROADCAST_RAW)'
    ])
    expect(checkIdsFor('protectsystem')).toEqual([])
  })

  it('resolve without a policy file too', () => {
    const r = resolveExceptions(
      [{ file: 'x.service', line: 3, text: '#hardening-gate:allow ProtectHome--reads /home/x' }],
      DEFAULT_POLICY,
      { path: 'x.service', file: 'x.service', unit: 'x.service' },
      TODAY
    )
    expect([...r.allowed.keys()]).toEqual(['ProtectHome'])
  })
})

const maybe = oracleAvailable() ? it : it.skip

describe('against systemd-analyze', () => {
  maybe('an allowed check scores as systemd does with that check at weight 0', async () => {
    const text = `${BASE}# hardening-gate: allow MemoryDenyWriteExecute, PrivateNetwork -- JIT web app\n`
    const ours = analyze(text)
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exceptions-'))
    try {
      const policyFile = path.join(dir, 'policy.json')
      fs.writeFileSync(
        policyFile,
        JSON.stringify({ MemoryDenyWriteExecute: { weight: 0 }, PrivateNetwork: { weight: 0 } })
      )
      const [systemd] = await runOracle([{ name: 'app.service', files: { 'app.service': text } }], {
        policyFile
      })
      expect(systemd!.exposure).toBe(ours.exposure)
      expect(systemd!.checks!['MemoryDenyWriteExecute']).toBeNull()
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('an exception on its until date', () => {
  it('still applies, and expires the day after', () => {
    const last = analyze(
      `${BASE}# hardening-gate: allow PrivateNetwork until ${TODAY} -- last day\n`
    )
    expect(last.exceptions[0]!.error).toBeUndefined()
    expect(row(last, 'PrivateNetwork')?.badness).toBeNull()
    expect(last.passed).toBe(true)
    const past = analyze(
      `${BASE}# hardening-gate: allow PrivateNetwork until 2026-06-14 -- a day late\n`
    )
    expect(past.exceptions[0]!.error).toMatch(/expired on 2026-06-14/)
  })
})

describe('a check allowed twice', () => {
  it('takes the reason of the first exception: inline before the policy', () => {
    const p = parsePolicy(
      {
        'hardening-gate': {
          exceptions: [
            { units: 'app.service', checks: 'PrivateNetwork', reason: 'from the policy' }
          ]
        }
      },
      'repo.json'
    )
    const r = analyze(`${BASE}# hardening-gate: allow PrivateNetwork -- from the unit\n`, {
      policy: p
    })
    expect(r.exceptions.map((e) => e.source)).toEqual(['inline', 'policy'])
    expect(row(r, 'PrivateNetwork')?.skipped).toBe('allowed (units/app.service:4): from the unit')
  })
})

// the default of a scan (keepPassingChecks: false, i.e. without --all-checks) must still list N/A and allowed rows
describe('a report without the passing rows', () => {
  it('drops badness-0 rows but keeps N/A rows and rows an exception allows', () => {
    const r = analyzeUnit(
      {
        unit: parseUnitName('app.service')!,
        main: {
          path: 'units/app.service',
          bytes: encoder.encode(
            '[Service]\nExecStart=/bin/true\nPrivateTmp=yes\n# hardening-gate: allow PrivateNetwork -- serves HTTP\n'
          )
        },
        dropIns: []
      },
      {
        version: 252,
        policy: DEFAULT_POLICY,
        threshold: 100,
        today: '2026-06-15',
        suggest: false,
        keepPassingChecks: false
      }
    )
    expect(r.checks.find((c) => c.id === 'PrivateTmp')).toBeUndefined()
    expect(r.checks.find((c) => c.id === 'PrivateNetwork')?.skipped).toMatch(/serves HTTP/)
    expect(r.checks.find((c) => c.id === 'SupplementaryGroups')?.skipped).toMatch(/runs as root/)
  })
})
