/**
 * The check table, row by row: every row has good and bad examples (check-examples.ts), the engine
 * scores each example as expected, each row's `fix` makes its bad examples good, and the table itself
 * matches systemd's (ids, names, weights, ranges). When systemd-analyze is installed, every example and
 * every fixed example is also run through it and must score exactly as the engine does.
 */
import { beforeAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs'
import { tmpdir } from 'os'
import * as path from 'path'
import { isDeepStrictEqual } from 'util'
import { CHECKS, CHECKS_BY_ID } from '../src/core/checks.js'
import { DEFAULT_POLICY } from '../src/core/policy.js'
import { analyzeUnit, type UnitReport } from '../src/core/report.js'
import { DIRECTIVES, loadService } from '../src/core/service.js'
import { runsPrivileged } from '../src/core/score.js'
import { parseUnitName } from '../src/core/specifiers.js'
import { BASE, CHECK_EXAMPLES, type Example } from './check-examples.js'
import {
  oracleAvailable,
  oracleUnavailableReason,
  runOracle,
  type OracleResult
} from './support/oracle.js'

const VERSION = 252

type Kind = 'good' | 'bad' | 'na'

interface Case {
  id: string
  kind: Kind
  /** position within its kind, for test titles */
  index: number
  code: string
  badness: number | null
  name: string
  /** the unit file: the template for an instance */
  file: string
  text: string
  fixFails?: string
}

function templateFile(name: string): string {
  return name.replace(/@[^.]+\./, '@.')
}

function buildCases(): Case[] {
  const cases: Case[] = []
  let serial = 0
  for (const check of CHECKS) {
    const examples = CHECK_EXAMPLES[check.id]
    if (!examples) continue
    const kinds: Array<[Kind, Example[]]> = [
      ['good', examples.good],
      ['bad', examples.bad],
      ['na', examples.na ?? []]
    ]
    for (const [kind, list] of kinds) {
      list.forEach((example, index) => {
        const c = typeof example === 'string' ? { code: example } : example
        const name = c.name ?? `ex${serial++}.service`
        const expected = kind === 'good' ? 0 : kind === 'na' ? null : (c.badness ?? check.range)
        cases.push({
          id: check.id,
          kind,
          index,
          code: c.code,
          badness: expected,
          name,
          file: templateFile(name),
          text: `${c.base ?? BASE}${c.code}\n`,
          fixFails: c.fixFails
        })
      })
    }
  }
  return cases
}

const CASES = buildCases()
const BAD_CASES = CASES.filter((c) => c.kind === 'bad')

function fixDropIn(id: string): string {
  return `[Service]\n${CHECKS_BY_ID.get(id)!.fix.join('\n')}\n`
}

const encoder = new TextEncoder()

function analyze(c: Case, dropIn?: string): UnitReport {
  const unit = parseUnitName(c.name)
  if (!unit) throw new Error(`bad unit name ${c.name}`)
  return analyzeUnit(
    {
      unit,
      main: { path: c.file, bytes: encoder.encode(c.text) },
      dropIns: dropIn ? [{ path: `${c.name}.d/fix.conf`, bytes: encoder.encode(dropIn) }] : []
    },
    { version: VERSION, policy: DEFAULT_POLICY, threshold: 100 }
  )
}

function rowBadness(report: UnitReport, id: string): number | null | undefined {
  if (report.status !== 'scored') return undefined
  return report.checks.find((row) => row.id === id)?.badness
}

const title = (c: Case): string =>
  `${c.kind} #${c.index}: ${JSON.stringify(c.code)}${c.name.startsWith('ex') ? '' : ` (${c.name})`}`

describe('check examples', () => {
  it('exist for every row: at least one good and one bad', () => {
    const missing = CHECKS.filter((check) => {
      const examples = CHECK_EXAMPLES[check.id]
      return !examples || examples.good.length === 0 || examples.bad.length === 0
    }).map((check) => check.id)
    expect(missing).toEqual([])
  })

  it('name only rows of the table', () => {
    expect(Object.keys(CHECK_EXAMPLES).filter((id) => !CHECKS_BY_ID.has(id))).toEqual([])
  })

  it('give graded bad cases a badness within the range', () => {
    for (const c of BAD_CASES) {
      const range = CHECKS_BY_ID.get(c.id)!.range
      expect({
        id: c.id,
        code: c.code,
        ok: c.badness !== null && c.badness > 0 && c.badness <= range
      }).toEqual({
        id: c.id,
        code: c.code,
        ok: true
      })
    }
  })
})

describe.each(CHECKS.map((check) => check.id))('%s', (id) => {
  const cases = CASES.filter((c) => c.id === id)

  it.each(cases.map((c) => [title(c), c] as const))('scores %s', (_title, c) => {
    expect(rowBadness(analyze(c), id)).toBe(c.badness)
  })

  const bad = cases.filter((c) => c.kind === 'bad')
  it.each(bad.map((c) => [title(c), c] as const))('fix applied to %s', (_title, c) => {
    const report = analyze(c, fixDropIn(id))
    expect(report.status).toBe('scored')
    const badness = rowBadness(report, id)
    if (c.fixFails) {
      // documented: the fix alone cannot make this case good (remove fixFails if it now can)
      expect(badness).not.toBe(0)
    } else {
      expect(badness).toBe(0)
    }
  })
})

describe('PrivateMounts= across systemd versions', () => {
  // Read off Debian's systemd-analyze 252, 254 (bookworm-backports), 257 (trixie) and 262 (sid):
  // from 254 the setting is a tristate and an unset one counts as good; only "no" is bad.
  const cases: Array<[lines: string, before254: number, from254: number]> = [
    ['', 1, 0],
    ['PrivateMounts=', 1, 0],
    ['PrivateMounts=yes', 0, 0],
    ['PrivateMounts=no', 1, 1],
    ['PrivateMounts=garbage', 1, 0],
    ['PrivateMounts=no\nPrivateMounts=', 1, 0],
    ['PrivateMounts=no\nPrivateMounts=garbage', 1, 1],
    ['PrivateMounts=yes\nPrivateMounts=', 0, 0]
  ]
  it.each(cases)('%j: badness %d before 254, %d from 254', (lines, before254, from254) => {
    const unit = parseUnitName('pm.service')!
    const badnessAt = (version: number) => {
      const report = analyzeUnit(
        {
          unit,
          main: { path: 'pm.service', bytes: encoder.encode(BASE + lines + '\n') },
          dropIns: []
        },
        { version, policy: DEFAULT_POLICY, threshold: 100 }
      )
      return rowBadness(report, 'PrivateMounts')
    }
    expect([252, 253, 254, 257, 259].map(badnessAt)).toEqual([
      before254,
      before254,
      from254,
      from254,
      from254
    ])
  })
})

describe('check table', () => {
  it('has 81 rows with unique ids and names', () => {
    expect(CHECKS).toHaveLength(81)
    expect(new Set(CHECKS.map((c) => c.id)).size).toBe(81)
    expect(new Set(CHECKS.map((c) => c.name)).size).toBe(81)
  })

  it('gives every row, and every verdict of the examples, one shape (the scoring loop relies on it)', () => {
    const rowKeys = Object.keys(CHECKS[0]!)
    for (const check of CHECKS) expect(Object.keys(check)).toEqual(rowKeys)
    const unit = parseUnitName('example.service')!
    let verdicts = 0
    for (const examples of Object.values(CHECK_EXAMPLES)) {
      for (const example of [...examples.good, ...examples.bad, ...(examples.na ?? [])]) {
        const { code, base } = typeof example === 'string' ? { code: example, base: BASE } : example
        const text = (base ?? BASE) + code
        const loaded = loadService({
          unit,
          main: { path: 'example.service', bytes: Buffer.from(text) },
          dropIns: [],
          version: VERSION
        })
        if (loaded.status !== 'loaded') continue
        const ctx = {
          settings: loaded.settings,
          version: VERSION,
          runsPrivileged: runsPrivileged(loaded)
        }
        for (const check of CHECKS) {
          expect(Object.keys(check.assess(ctx))).toEqual(['badness', 'detail', 'na'])
          verdicts++
        }
      }
    }
    expect(verdicts).toBeGreaterThan(81 * 100)
  })

  it('sums the default weights to 56460', () => {
    expect(CHECKS.reduce((sum, c) => sum + c.weight, 0)).toBe(56460)
  })

  it('keeps systemd’s quirky json_field of the CAP_NET_* row', () => {
    expect(CHECKS_BY_ID.has('CapabilityBoundingSet_CAP_NET_BIND_SERVICE_BROADCAST_RAW)')).toBe(true)
  })

  it.each(CHECKS.map((c) => [c.id, c] as const))(
    '%s: descriptions, man page, fix, directives',
    (_id, check) => {
      expect(check.good.trim()).not.toBe('')
      expect(check.bad.trim()).not.toBe('')
      expect(check.good).not.toBe(check.bad)
      expect(check.breaks.trim()).not.toBe('')
      expect(check.man).toMatch(
        /^https:\/\/www\.freedesktop\.org\/software\/systemd\/man\/latest\/systemd\.[a-z-]+\.html#\S+$/
      )
      expect(check.weight).toBeGreaterThan(0)
      expect(check.range).toBeGreaterThan(0)
      expect(check.fix.length).toBeGreaterThan(0)
      for (const line of check.fix) {
        const key = line.slice(0, line.indexOf('='))
        expect({ line, known: Object.hasOwn(DIRECTIVES, key) }).toEqual({ line, known: true })
      }
      for (const directive of check.directives) {
        expect({ directive, known: Object.hasOwn(DIRECTIVES, directive) }).toEqual({
          directive,
          known: true
        })
      }
    }
  )
})

/** The rows of the reference table: | # | `name` | `json_field` | W | R | ... */
function referenceRows():
  Array<{ name: string; id: string; weight: number; range: number }> | undefined {
  const file = path.resolve(process.cwd(), '../shared/reference/systemd-security-scoring.md')
  if (!existsSync(file)) return undefined
  const rows = []
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^\| (\d+) \| `([^`]+)` \| `([^`]+)` \| (\d+) \| (\d+) \|/.exec(line)
    if (m)
      rows.push({
        name: m[2]!.replace(/\\\|/g, '|'),
        id: m[3]!,
        weight: Number(m[4]),
        range: Number(m[5])
      })
  }
  return rows
}

describe('check table against the reference', () => {
  const reference = referenceRows()
  const maybe = reference ? it : it.skip
  if (!reference)
    console.warn(
      'checks.test.ts: ../shared/reference/systemd-security-scoring.md not found, skipped'
    )

  maybe('lists the same rows, in the same order, with the same names, weights and ranges', () => {
    expect(
      CHECKS.map((c) => ({ name: c.name, id: c.id, weight: c.weight, range: c.range }))
    ).toEqual(reference)
  })
})

const oracle = oracleAvailable()
if (!oracle)
  console.warn(
    `checks.test.ts: systemd-analyze unavailable (${oracleUnavailableReason()}), oracle checks skipped`
  )
const describeOracle = oracle ? describe : describe.skip

describeOracle('check examples against systemd-analyze', () => {
  let plain: OracleResult[] = []
  let fixed: OracleResult[] = []

  beforeAll(async () => {
    const results = await runOracle([
      ...CASES.map((c) => ({ name: c.name, files: { [c.file]: c.text } })),
      ...BAD_CASES.map((c) => ({
        name: c.name,
        files: { [c.file]: c.text, [`${c.name}.d/fix.conf`]: fixDropIn(c.id) }
      }))
    ])
    plain = results.slice(0, CASES.length)
    fixed = results.slice(CASES.length)
  })

  /** The engine's verdict in the oracle's shape. */
  function engineView(report: UnitReport): Pick<OracleResult, 'status' | 'exposure' | 'checks'> {
    if (report.status !== 'scored') return { status: 'not-loaded' }
    return {
      status: 'scored',
      exposure: report.exposure!,
      checks: Object.fromEntries(report.checks.map((row) => [row.id, row.badness]))
    }
  }

  function systemdView(result: OracleResult): Pick<OracleResult, 'status' | 'exposure' | 'checks'> {
    return result.status === 'scored'
      ? { status: 'scored', exposure: result.exposure, checks: result.checks }
      : { status: 'not-loaded' }
  }

  it('scores every example as expected', () => {
    const wrong = CASES.map((c, i) => ({
      id: c.id,
      code: c.code,
      name: c.name,
      expected: c.badness,
      systemd: plain[i]!.checks?.[c.id]
    })).filter((r) => r.expected !== r.systemd)
    expect(wrong).toEqual([])
  })

  it('agrees with the engine on every row and the exposure of every example', () => {
    const wrong = CASES.map((c, i) => ({
      code: c.code,
      name: c.name,
      engine: engineView(analyze(c)),
      systemd: systemdView(plain[i]!)
    })).filter((r) => !isDeepStrictEqual(r.engine, r.systemd))
    expect(wrong).toEqual([])
  })

  it('agrees with the engine on every fixed example', () => {
    const wrong = BAD_CASES.map((c, i) => ({
      id: c.id,
      code: c.code,
      name: c.name,
      engine: engineView(analyze(c, fixDropIn(c.id))),
      systemd: systemdView(fixed[i]!)
    })).filter((r) => !isDeepStrictEqual(r.engine, r.systemd))
    expect(wrong).toEqual([])
  })

  it('prints the table’s names, weights and ranges', () => {
    const rows = plain[0]!.rows ?? []
    const table = new Map(
      rows.map((r) => [r.jsonField, { name: r.id, weight: r.weight, range: r.range }])
    )
    expect(table.size).toBe(81)
    for (const check of CHECKS) {
      expect({ id: check.id, ...table.get(check.id) }).toEqual({
        id: check.id,
        name: check.name,
        weight: check.weight,
        range: check.range
      })
    }
  })
})

describe('the DeviceAllow= row names the entries as systemd does (parity batch 24)', () => {
  const text =
    '[Service]\nExecStart=/usr/bin/true\nDevicePolicy=closed\nDeviceAllow=/dev/null wr\n' +
    'DeviceAllow=char-tty\nDeviceAllow=/dev/null m\nDeviceAllow=/dev/zero mr\nProtectClock=yes\n'
  // systemd 252, 254, 257 and 262 print the same: newest first (it prepends each entry, the
  // implied char-rtc of ProtectClock= last of all), rights in r, w, m order, none written = rwm
  const expected = 'char-rtc:r /dev/zero:rm /dev/null:m char-tty:rwm /dev/null:rw'

  it('lists them newest first, with their rights in systemd order', () => {
    const report = analyzeUnit(
      {
        unit: parseUnitName('d.service')!,
        main: { path: 'd.service', bytes: encoder.encode(text) },
        dropIns: []
      },
      { version: VERSION, policy: DEFAULT_POLICY, threshold: 100, suggest: false }
    )
    expect(report.checks.find((c) => c.id === 'DeviceAllow')?.detail).toBe(`allows ${expected}`)
  })

  const withOracle = oracle ? it : it.skip
  withOracle('as systemd-analyze prints them', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'gate-deviceallow-'))
    try {
      const dir = path.join(root, 'etc/systemd/system')
      mkdirSync(dir, { recursive: true })
      writeFileSync(path.join(dir, 'd.service'), text)
      const run = spawnSync(
        process.env.ORACLE_SYSTEMD_ANALYZE || 'systemd-analyze',
        ['security', '--offline=true', `--root=${root}`, 'd.service'],
        { encoding: 'utf8', env: { ...process.env, SYSTEMD_COLORS: '0', SYSTEMD_PAGER: 'cat' } }
      )
      expect(run.stdout).toMatch(new RegExp(`DeviceAllow=.*: ${expected} +0\\.1`))
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  })
})
