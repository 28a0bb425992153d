/**
 * systemd-analyze security's arithmetic: the overall exposure, the per-row EXPOSURE column, ratings,
 * N/A rows, policies (weight 0, range and weight changes, the json_field with the trailing ')') and
 * the threshold. The numbers are systemd 252's; when systemd-analyze is installed the same units and
 * policies are also run through it.
 */
import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs'
import * as os from 'os'
import * as path from 'path'
import { CHECKS } from '../src/core/checks.js'
import type { Policy } from '../src/core/policy.js'
import {
  DEFAULT_POLICY,
  parsePolicy,
  parseThreshold,
  PolicyError,
  readPolicyText
} from '../src/core/policy.js'
import { analyzeUnit } from '../src/core/report.js'
import type { Rating, Score } from '../src/core/score.js'
import { formatExposure, ratingOf, scoreService } from '../src/core/score.js'
import { loadService } from '../src/core/service.js'
import { parseUnitName } from '../src/core/specifiers.js'
import { oracleAvailable, oracleUnavailableReason } from './support/oracle.js'

const VERSION = 252
const ROOT = '[Service]\nExecStart=/bin/true\n'
const USER = `${ROOT}User=someuser\n`
const NET_KEY = 'CapabilityBoundingSet_CAP_NET_BIND_SERVICE_BROADCAST_RAW)'
/** Every row good that can be: only DeviceAllow= stays at 5 (ProtectClock=yes implies char-rtc). */
const HARDENED = `${ROOT}${[
  'DynamicUser=yes',
  'PrivateDevices=yes',
  'PrivateMounts=yes',
  'PrivateNetwork=yes',
  'PrivateUsers=yes',
  'ProtectControlGroups=yes',
  'ProtectKernelModules=yes',
  'ProtectKernelTunables=yes',
  'ProtectKernelLogs=yes',
  'ProtectClock=yes',
  'ProtectHome=yes',
  'ProtectHostname=yes',
  'RootDirectory=/srv',
  'LockPersonality=yes',
  'MemoryDenyWriteExecute=yes',
  'CapabilityBoundingSet=',
  'UMask=0077',
  'ProtectProc=invisible',
  'ProcSubset=pid',
  'RestrictRealtime=yes',
  'RestrictNamespaces=yes',
  'RestrictAddressFamilies=none',
  'SystemCallArchitectures=native',
  'SystemCallFilter=@system-service',
  'SystemCallFilter=~@privileged @resources',
  'IPAddressDeny=any'
].join('\n')}\n`

const encoder = new TextEncoder()

function score(text: string, policy: Policy = DEFAULT_POLICY, name = 'test.service'): Score {
  const loaded = loadService({
    unit: parseUnitName(name)!,
    main: { path: name, bytes: encoder.encode(text) },
    dropIns: [],
    version: VERSION
  })
  if (loaded.status !== 'loaded') throw new Error(`not loaded: ${loaded.reason}`)
  return scoreService(loaded, VERSION, policy)
}

const row = (s: Score, id: string) => s.checks.find((c) => c.id === id)!

/** A policy that keeps only the given rows, with these weights (and ranges). */
function onlyRows(
  rows: Record<string, { weight: number; range?: number }>
): Record<string, unknown> {
  return Object.fromEntries(CHECKS.map((c) => [c.id, rows[c.id] ?? { weight: 0 }]))
}

describe('overall exposure', () => {
  it('scores a bare service 9.6 UNSAFE: weight_sum 56160, badness_sum 53510', () => {
    const s = score(ROOT)
    expect(s).toMatchObject({ weightSum: 56160, badnessSum: 53510, exposure: 96, rating: 'UNSAFE' })
    expect(formatExposure(s.exposure)).toBe('9.6')
    // ceil(53510 * 100 / 56160) = ceil(95.28)
    expect(Math.ceil((53510 * 100) / 56160)).toBe(96)
  })

  it('leaves N/A rows out of both sums', () => {
    const root = score(ROOT)
    expect(row(root, 'RemoveIPC')).toMatchObject({ badness: null, exposure: null })
    expect(row(root, 'SupplementaryGroups')).toMatchObject({ badness: null, exposure: null })
    // as a user, both apply: +300 weight, +200 + 100 badness (unset RemoveIPC, no groups: 1 + 0)
    const user = score(USER)
    expect(user.weightSum).toBe(56460)
    expect(row(user, 'RemoveIPC').badness).toBe(1)
    expect(row(user, 'SupplementaryGroups').badness).toBe(0)
    // DefaultDependencies=no: PrivateTmp, ProtectHome, ProtectSystem, RootDirectory= are N/A too
    const early = score(`${ROOT}[Unit]\nDefaultDependencies=no\n`)
    const skipped = early.checks.filter((c) => c.badness === null).map((c) => c.id)
    expect(skipped.sort()).toEqual(
      [
        'PrivateTmp',
        'ProtectHome',
        'ProtectSystem',
        'RootDirectoryOrRootImage',
        'RemoveIPC',
        'SupplementaryGroups'
      ].sort()
    )
    expect(early.weightSum).toBe(56160 - 3200)
    expect(early.badnessSum).toBe(53510 - 1000 - 1000 - 1000 - 200)
    expect(early.exposure).toBe(Math.ceil((early.badnessSum * 100) / early.weightSum))
    expect(early.exposure).toBe(95)
  })

  it('rounds each row up before summing: ceil(badness * weight / range)', () => {
    // ProtectProc=noaccess: 1 of 3 with weight 1000 adds ceil(1000 / 3) = 334, not 333.33
    const s = score(`${ROOT}ProtectProc=noaccess\n`)
    expect(row(s, 'ProtectProc').badness).toBe(1)
    expect(s.badnessSum).toBe(53510 - 1000 + 334)
  })

  it('reaches 0.1 SAFE at best with the default policy, 0.0 PERFECT without the DeviceAllow= row', () => {
    const best = score(HARDENED)
    expect(best.checks.filter((c) => c.badness !== null && c.badness > 0).map((c) => c.id)).toEqual(
      ['DeviceAllow']
    )
    expect(best).toMatchObject({ exposure: 1, rating: 'SAFE' })
    const perfect = score(HARDENED, parsePolicy({ DeviceAllow: { weight: 0 } }, 'p'))
    expect(perfect).toMatchObject({ exposure: 0, rating: 'PERFECT', badnessSum: 0 })
  })
})

describe('per-row exposure', () => {
  it('is ceil(ceil(badness * weight * 100 / range) / weight_sum), display only', () => {
    const s = score(ROOT)
    const exposures = Object.fromEntries(s.checks.map((c) => [c.id, c.exposure]))
    expect(exposures).toMatchObject({
      UMask: 0.1, // 5 of 10, weight 100: ceil(ceil(5 * 100 * 100 / 10) / 56160) tenths
      UserOrDynamicUser: 0.4, // ceil(200000 / 56160)
      PrivateNetwork: 0.5, // ceil(250000 / 56160)
      ProtectProc: 0.2,
      IPAddressDeny: 0.2,
      NotifyAccess: null, // badness 0
      RemoveIPC: null // N/A
    })
    const tenths = s.checks.reduce((total, c) => total + Math.round((c.exposure ?? 0) * 10), 0)
    expect(tenths).not.toBe(s.exposure)
  })

  it('is reported on the printed scale', () => {
    const report = analyzeUnit(
      {
        unit: parseUnitName('r.service')!,
        main: { path: 'r.service', bytes: encoder.encode(ROOT) },
        dropIns: []
      },
      { version: VERSION, policy: DEFAULT_POLICY, threshold: 100 }
    )
    expect(report.checks.find((c) => c.id === 'UMask')?.exposure).toBe(0.1)
    expect(report.checks.find((c) => c.id === 'NotifyAccess')?.exposure).toBeNull()
    expect(report).toMatchObject({ score: 9.6, exposure: 96, rating: 'UNSAFE' })
  })
})

describe("the report's score", () => {
  it('is an error, never a pass, when the policy weighs no row that applies (systemd aborts)', () => {
    // every row weight 0 but two that do not apply to a root unit (the helper's fuzz case)
    const policy = parsePolicy(
      Object.fromEntries(
        CHECKS.filter((c) => c.id !== 'SupplementaryGroups' && c.id !== 'RemoveIPC').map((c) => [
          c.id,
          { weight: 0 }
        ])
      ),
      'nothing-weighed'
    )
    const analyse = (unit: string) =>
      analyzeUnit(
        {
          unit: parseUnitName('z.service')!,
          main: { path: 'z.service', bytes: new TextEncoder().encode(unit) },
          dropIns: []
        },
        { version: VERSION, policy, threshold: 100 }
      )
    expect(analyse(ROOT)).toMatchObject({
      status: 'error',
      passed: false,
      score: null,
      reason: expect.stringMatching(/nothing-weighed weighs none of the checks/)
    })
    // with a user the two rows apply again
    expect(analyse(`${ROOT}User=app\n`)).toMatchObject({ status: 'scored' })
  })

  it('is the number systemd prints: tenths / 10 equals the parsed "9.6" for every exposure', () => {
    for (let tenths = 0; tenths <= 100; tenths++) {
      expect(tenths / 10).toBe(Number(formatExposure(tenths)))
    }
    const report = analyzeUnit(
      {
        unit: parseUnitName('a.service')!,
        main: {
          path: 'a.service',
          bytes: new TextEncoder().encode('[Service]\nExecStart=/bin/true\n')
        },
        dropIns: []
      },
      { version: VERSION, policy: DEFAULT_POLICY, threshold: 50 }
    )
    expect(report.score).toBe(Number(formatExposure(report.exposure!)))
    expect(String(report.score)).toBe(formatExposure(report.exposure!))
  })
})

describe('ratings', () => {
  it.each([
    [0, 'PERFECT'],
    [1, 'SAFE'],
    [9, 'SAFE'],
    [10, 'OK'],
    [49, 'OK'],
    [50, 'MEDIUM'],
    [74, 'MEDIUM'],
    [75, 'EXPOSED'],
    [89, 'EXPOSED'],
    [90, 'UNSAFE'],
    [99, 'UNSAFE'],
    [100, 'DANGEROUS']
  ] as Array<[number, Rating]>)('%i tenths is %s', (tenths, rating) => {
    expect(ratingOf(tenths)).toBe(rating)
  })

  it.each([
    [0, '0.0'],
    [1, '0.1'],
    [96, '9.6'],
    [100, '10.0']
  ])('prints %i tenths as %s', (tenths, text) => {
    expect(formatExposure(tenths)).toBe(text)
  })
})

/**
 * Units that land exactly on the rating boundaries. With only ProtectSystem= and
 * SystemCallArchitectures= at weight 100 the exposure is 5 * (badness + badness).
 */
const TWO_ROWS = onlyRows({
  ProtectSystem: { weight: 100 },
  SystemCallArchitectures: { weight: 100 }
})
const UMASK_ONLY = onlyRows({ UMask: { weight: 100 } })
/** UMask=0027 (1 of 10, weight 100) over a weight sum of 120: ceil(1000 / 120) = 9. */
const UMASK_DILUTED = onlyRows({ UMask: { weight: 100 }, ProtectSystem: { weight: 20 } })

const BOUNDARIES: Array<{
  policy: Record<string, unknown>
  unit: string
  exposure: number
  rating: Rating
}> = [
  {
    policy: TWO_ROWS,
    unit: 'ProtectSystem=strict\nSystemCallArchitectures=native',
    exposure: 0,
    rating: 'PERFECT'
  },
  { policy: UMASK_DILUTED, unit: 'UMask=0027\nProtectSystem=strict', exposure: 9, rating: 'SAFE' },
  { policy: UMASK_ONLY, unit: 'UMask=0027', exposure: 10, rating: 'OK' },
  {
    policy: TWO_ROWS,
    unit: 'ProtectSystem=full\nSystemCallArchitectures=native',
    exposure: 15,
    rating: 'OK'
  },
  { policy: TWO_ROWS, unit: 'SystemCallArchitectures=native', exposure: 50, rating: 'MEDIUM' },
  { policy: UMASK_ONLY, unit: 'UMask=0022', exposure: 50, rating: 'MEDIUM' },
  { policy: TWO_ROWS, unit: 'ProtectSystem=yes', exposure: 75, rating: 'EXPOSED' },
  { policy: TWO_ROWS, unit: 'SystemCallArchitectures=x86-64', exposure: 90, rating: 'UNSAFE' },
  { policy: TWO_ROWS, unit: '', exposure: 100, rating: 'DANGEROUS' }
]

describe('rating boundaries reached by real units', () => {
  it.each(BOUNDARIES.map((b) => [JSON.stringify(b.unit), b] as const))('%s', (_title, b) => {
    const s = score(`${USER}${b.unit}\n`, parsePolicy(b.policy, 'boundary'))
    expect({ exposure: s.exposure, rating: s.rating }).toEqual({
      exposure: b.exposure,
      rating: b.rating
    })
  })
})

const BASELINE = JSON.parse(readFileSync('policies/baseline.json', 'utf8')) as Record<
  string,
  unknown
>

/** Policies and what they do to the bare (root) service. */
const POLICIES: Array<{ title: string; policy: Record<string, unknown>; unit: string }> = [
  { title: 'PrivateNetwork weight 0', policy: { PrivateNetwork: { weight: 0 } }, unit: ROOT },
  { title: 'UMask range 20', policy: { UMask: { range: 20 } }, unit: ROOT },
  {
    title: 'UMask weight 1000, range 30',
    policy: { UMask: { weight: 1000, range: 30 } },
    unit: ROOT
  },
  { title: `${NET_KEY} weight 0`, policy: { [NET_KEY]: { weight: 0 } }, unit: ROOT },
  {
    title: 'ProtectProc range 7',
    policy: { ProtectProc: { range: 7 } },
    unit: `${ROOT}ProtectProc=noaccess\n`
  },
  { title: 'the baseline policy', policy: BASELINE, unit: ROOT }
]

describe('policies', () => {
  it('skip a row with weight 0: N/A, out of both sums', () => {
    const s = score(ROOT, parsePolicy({ PrivateNetwork: { weight: 0 } }, 'p'))
    expect(row(s, 'PrivateNetwork')).toMatchObject({ badness: null, weight: 0, exposure: null })
    expect(row(s, 'PrivateNetwork').skipped).toBeDefined()
    expect(s.weightSum).toBe(56160 - 2500)
    expect(s.badnessSum).toBe(53510 - 2500)
    expect(s.exposure).toBe(Math.ceil(((53510 - 2500) * 100) / (56160 - 2500)))
  })

  it('change a row’s range: only the arithmetic changes', () => {
    const s = score(ROOT, parsePolicy({ UMask: { range: 20 } }, 'p'))
    expect(row(s, 'UMask')).toMatchObject({ badness: 5, range: 20, weight: 100 })
    // ceil(5 * 100 / 20) = 25 instead of 50
    expect(s.badnessSum).toBe(53510 - 25)
    expect(s.weightSum).toBe(56160)
  })

  it('change a row’s weight', () => {
    const s = score(ROOT, parsePolicy({ UMask: { weight: 1000 } }, 'p'))
    expect(s.weightSum).toBe(56160 + 900)
    expect(s.badnessSum).toBe(53510 + 450)
  })

  it('key the CAP_NET_* row with systemd’s json_field, trailing parenthesis included', () => {
    const policy = parsePolicy({ [NET_KEY]: { weight: 0 } }, 'p')
    expect(policy.checks[NET_KEY]).toEqual({ weight: 0 })
    expect(row(score(ROOT, policy), NET_KEY).badness).toBeNull()
    // the man page's spelling silently matches nothing in systemd: the gate refuses it
    expect(() => parsePolicy({ [NET_KEY.slice(0, -1)]: { weight: 0 } }, 'p')).toThrow(
      /with the parenthesis/
    )
  })

  it('are validated', () => {
    expect(() => parsePolicy({ Bogus: { weight: 1 } }, 'p')).toThrow(PolicyError)
    expect(() => parsePolicy({ UMask: { range: 0 } }, 'p')).toThrow(PolicyError)
    expect(() => parsePolicy({ UMask: { range: 5 } }, 'p')).toThrow(/at least 10/)
    expect(() => parsePolicy({ UMask: { weight: -1 } }, 'p')).toThrow(PolicyError)
    expect(() => parsePolicy({ UMask: { weight: 1.5 } }, 'p')).toThrow(PolicyError)
    expect(() => parsePolicy([], 'p')).toThrow(PolicyError)
    expect(parsePolicy({ $schema: 'x', '// note': 'y', UMask: { weight: 7 } }, 'p').checks).toEqual(
      {
        UMask: { weight: 7 }
      }
    )
  })

  // found by a differential fuzz of 370 policy files against systemd-analyze 252, 257 and 262
  it('accept a small range on a row of weight 0, which systemd never assesses', () => {
    expect(parsePolicy({ UMask: { weight: 0, range: 1 } }, 'p').checks.UMask).toEqual({
      weight: 0,
      range: 1
    })
    expect(() => parsePolicy({ UMask: { weight: 1, range: 1 } }, 'p')).toThrow(/at least 10/)
  })

  it('take weights and ranges up to 2^32, where sums stay exact', () => {
    const policy = parsePolicy({ UMask: { weight: 2 ** 32, range: 2 ** 32 } }, 'p')
    expect(policy.checks.UMask).toEqual({ weight: 2 ** 32, range: 2 ** 32 })
    expect(() => parsePolicy({ UMask: { weight: 2 ** 32 + 1 } }, 'p')).toThrow(/0 to 4294967296/)
  })

  it('are read from text that means one thing to systemd and JSON.parse alike', () => {
    const read = (text: string) => readPolicyText(text, 'p')
    expect(read('{"UMask":{"weight":7},"$schema":{"weight":1.5}}')).toEqual({
      UMask: { weight: 7 },
      $schema: { weight: 1.5 }
    })
    // systemd takes the first of two equal keys, JSON.parse the last
    expect(() => read('{"UMask":{"weight":0},"UMask":{"weight":9}}')).toThrow(
      /"UMask" appears twice/
    )
    expect(() => read('{"UMask":{"weight":0,"weight":9}}')).toThrow(/"weight" appears twice/)
    expect(() => read('{"UMask":{"weight":1,"x":{"weight":1}},"a":{"weight":1}}')).not.toThrow()
    expect(() => read('{"a\\u0041":1,"aA":2}')).toThrow(/"aA" appears twice/)
    // 252 reads 1e3 as no whole number (exp10l) and keeps the default
    expect(() => read('{"UMask":{"weight":1e3}}')).toThrow(/"UMask".weight is 1e3/)
    expect(() => read('{"UMask":{"range":100.0}}')).toThrow(/"UMask".range is 100.0/)
    expect(read('{"hardening-gate":{"threshold":5.5},"UMask":{"weight":-0}}')).toBeDefined()
    // nesting systemd refuses (262 at 2,049 levels)
    const deep = (n: number) => `{"UMask":{"x":${'['.repeat(n - 2)}${']'.repeat(n - 2)}}}`
    expect(() => read(deep(2048))).not.toThrow()
    expect(() => read(deep(2049))).toThrow(/nested more than 2048/)
    expect(() => read('{"UMask":')).toThrow(/not valid JSON/)
    expect(() => read('\ufeff{}')).toThrow(/not valid JSON/)
  })

  it('the shipped baseline equals systemd’s defaults', () => {
    const baseline = parsePolicy(BASELINE, 'baseline')
    const s = score(ROOT, baseline)
    expect(s).toMatchObject({ weightSum: 56160, badnessSum: 53510, exposure: 96 })
    for (const check of CHECKS) {
      expect({ id: check.id, ...baseline.checks[check.id] }).toEqual({
        id: check.id,
        weight: check.weight,
        range: check.range
      })
    }
  })
})

describe('threshold', () => {
  const report = (threshold: number) =>
    analyzeUnit(
      {
        unit: parseUnitName('t.service')!,
        main: { path: 't.service', bytes: encoder.encode(ROOT) },
        dropIns: []
      },
      { version: VERSION, policy: DEFAULT_POLICY, threshold }
    )

  it('passes a unit whose exposure equals it, fails one above it', () => {
    expect(report(96).passed).toBe(true)
    expect(report(97).passed).toBe(true)
    expect(report(95).passed).toBe(false)
    expect(report(100).passed).toBe(true)
  })

  it('is read on the printed scale with one decimal', () => {
    expect(parseThreshold('9.6')).toBe(96)
    expect(parseThreshold(9.6)).toBe(96)
    expect(parseThreshold('10')).toBe(100)
    expect(parseThreshold('0')).toBe(0)
    expect(parseThreshold('9.65')).toBeUndefined()
    expect(parseThreshold('10.1')).toBeUndefined()
    expect(parseThreshold('-1')).toBeUndefined()
    expect(parsePolicy({ 'hardening-gate': { threshold: 5 } }, 'p').threshold).toBe(50)
    expect(() => parsePolicy({ 'hardening-gate': { threshold: 11 } }, 'p')).toThrow(PolicyError)
  })
})

// ---------------------------------------------------------------------------------------------------
// the same against systemd-analyze

const oracle = oracleAvailable()
if (!oracle)
  console.warn(`score.test.ts: systemd-analyze unavailable (${oracleUnavailableReason()}), skipped`)
const describeOracle = oracle ? describe : describe.skip

/** N/A badness in debug mode; too large for a JS number, so it is read as null. */
const UINT64_MAX = '18446744073709551615'

interface SystemdUnit {
  exposure: number
  rating: string
  rows: Array<{
    json_field: string
    badness: number | null
    exposure: string | null
    weight: number
    range: number
  }>
}

/** Runs `systemd-analyze security --offline=true` on units (name → text) in one temp root. */
function systemd(
  units: Record<string, string>,
  options: { policy?: Record<string, unknown>; threshold?: number } = {}
): { status: number | null; units: Record<string, SystemdUnit> } {
  const root = mkdtempSync(path.join(os.tmpdir(), 'score-test-'))
  try {
    const dir = path.join(root, 'etc/systemd/system')
    mkdirSync(dir, { recursive: true })
    for (const [name, text] of Object.entries(units)) writeFileSync(path.join(dir, name), text)
    const args = ['security', '--offline=true', `--root=${root}`, '--no-pager']
    if (options.policy) {
      const file = path.join(root, 'policy.json')
      writeFileSync(file, JSON.stringify(options.policy))
      args.push(`--security-policy=${file}`)
    }
    if (options.threshold !== undefined) args.push(`--threshold=${options.threshold}`)
    const names = Object.keys(units)
    const env = {
      ...process.env,
      SYSTEMD_ANALYZE_DEBUG: '1',
      SYSTEMD_COLORS: '0',
      SYSTEMD_PAGER: 'cat'
    }
    const text = spawnSync('systemd-analyze', [...args, ...names], { encoding: 'utf8', env })
    const json = spawnSync('systemd-analyze', [...args, '--json=short', ...names], {
      encoding: 'utf8',
      env
    })
    // one JSON array per unit, one per line, in command-line order
    const tables = json.stdout
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line.replaceAll(UINT64_MAX, 'null')) as SystemdUnit['rows'])
    const result: Record<string, SystemdUnit> = {}
    for (const m of text.stdout.matchAll(/Overall exposure level for (\S+): (\d+)\.(\d) (\w+)/g)) {
      result[m[1]!] = { exposure: Number(m[2]) * 10 + Number(m[3]), rating: m[4]!, rows: [] }
    }
    names.forEach((name, i) => {
      if (result[name]) result[name].rows = tables[i] ?? []
    })
    return { status: text.status, units: result }
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
}

/** The engine's verdict in systemd's shape: exposure, rating, and per row badness and exposure text. */
function engineView(s: Score) {
  return {
    exposure: s.exposure,
    rating: s.rating,
    rows: Object.fromEntries(
      s.checks.map((c) => [
        c.id,
        {
          badness: c.badness,
          weight: c.weight,
          range: c.range,
          exposure: c.exposure === null ? null : formatExposure(Math.round(c.exposure * 10))
        }
      ])
    )
  }
}

function systemdView(u: SystemdUnit) {
  return {
    exposure: u.exposure,
    rating: u.rating,
    rows: Object.fromEntries(
      u.rows.map((r) => [
        r.json_field,
        {
          badness: r.badness,
          weight: r.weight,
          range: r.range,
          exposure: r.exposure
        }
      ])
    )
  }
}

describeOracle('against systemd-analyze', () => {
  it('agrees on the exposure, the rating and every row of the default-policy units', () => {
    const units = {
      'bare.service': ROOT,
      'user.service': USER,
      'early.service': `${ROOT}[Unit]\nDefaultDependencies=no\n`,
      'noaccess.service': `${ROOT}ProtectProc=noaccess\n`,
      'hardened.service': HARDENED
    }
    const { units: out } = systemd(units)
    expect(out['bare.service']).toMatchObject({ exposure: 96, rating: 'UNSAFE' })
    for (const [name, text] of Object.entries(units)) {
      expect({ name, ...systemdView(out[name]!) }).toEqual({
        name,
        ...engineView(score(text, DEFAULT_POLICY, name))
      })
    }
  })

  it.each(POLICIES.map((p) => [p.title, p] as const))('agrees with the policy: %s', (_title, p) => {
    const { units: out } = systemd({ 'p.service': p.unit }, { policy: p.policy })
    expect(systemdView(out['p.service']!)).toEqual(
      engineView(score(p.unit, parsePolicy(p.policy, 'p'), 'p.service'))
    )
  })

  it('ignores the CAP_NET_* key without the parenthesis (the gate refuses it)', () => {
    const { units: out } = systemd(
      { 'p.service': ROOT },
      { policy: { [NET_KEY.slice(0, -1)]: { weight: 0 } } }
    )
    expect(out['p.service']).toMatchObject({ exposure: 96 })
    expect(out['p.service']!.rows.find((r) => r.json_field === NET_KEY)?.weight).toBe(500)
  })

  it.each(BOUNDARIES.map((b) => [JSON.stringify(b.unit), b] as const))(
    'prints the boundary rating for %s',
    (_title, b) => {
      const { units: out } = systemd({ 'b.service': `${USER}${b.unit}\n` }, { policy: b.policy })
      expect(out['b.service']).toMatchObject({ exposure: b.exposure, rating: b.rating })
    }
  )

  it('fails --threshold only above it, like the gate', () => {
    expect(systemd({ 't.service': ROOT }, { threshold: 96 }).status).toBe(0)
    expect(systemd({ 't.service': ROOT }, { threshold: 95 }).status).toBe(1)
  })
})
