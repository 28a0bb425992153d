/**
 * The built-in policies (policies/*.json): each is a valid systemd --security-policy file (systemd
 * accepts it and scores the example units exactly as the engine does with it), carries the gate's
 * settings under "hardening-gate", and is documented in the README. A repository policy can extend a
 * built-in one.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { CHECKS } from '../src/core/checks.js'
import { parsePolicy, policyDocument, PolicyError } from '../src/core/policy.js'
import { builtinPolicyDirectory, builtinPolicyNames, loadPolicy } from '../src/policies.js'
import { engineReport } from './support/engine.js'
import type { OracleUnit } from './support/oracle.js'
import { oracleAvailable, runOracle } from './support/oracle.js'
import { RULE_UNITS, THIRD_PARTY_UNITS } from './suggest-fixtures.js'

const ROOT = path.resolve(import.meta.dirname, '..')
const NAMES = builtinPolicyNames()

/** The bundled examples as oracle units (unit file and drop-ins). */
function exampleUnits(): OracleUnit[] {
  const dir = path.join(ROOT, 'examples')
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.service'))
    .map((f) => {
      const files: Record<string, string> = { [f]: fs.readFileSync(path.join(dir, f), 'utf8') }
      const dropInDir = path.join(dir, `${f}.d`)
      if (fs.existsSync(dropInDir)) {
        for (const entry of fs.readdirSync(dropInDir)) {
          files[`${f}.d/${entry}`] = fs.readFileSync(path.join(dropInDir, entry), 'utf8')
        }
      }
      return { name: f, files }
    })
}

const UNITS: OracleUnit[] = [
  ...exampleUnits(),
  ...Object.values(RULE_UNITS).map((u) => ({
    name: u.name,
    files: Object.fromEntries(Object.entries(u.files).filter(([f]) => f.endsWith('.service')))
  })),
  ...THIRD_PARTY_UNITS.map((u) => ({ name: u.name, files: u.files }))
]

describe('built-in policies', () => {
  it('are baseline (the default), strict and the profiles for the seed’s kinds of service', () => {
    expect(NAMES).toEqual(['baseline', 'database', 'network-daemon', 'strict', 'web-jit'])
  })

  it.each(NAMES)(
    '%s parses, has a threshold and a description, and knows every key it names',
    (name) => {
      const policy = loadPolicy(name, ROOT)
      expect(policy.name).toBe(name)
      expect(policy.threshold).toBeGreaterThan(0)
      expect(policy.description?.length).toBeGreaterThan(40)
      const document = JSON.parse(
        fs.readFileSync(path.join(builtinPolicyDirectory(), `${name}.json`), 'utf8')
      )
      for (const key of Object.keys(document)) {
        if (key !== 'hardening-gate') expect(CHECKS.some((c) => c.id === key)).toBe(true)
      }
    }
  )

  it('strict asks for the full baseline and forbids inline exceptions; profiles keep what their kind needs', () => {
    const strict = loadPolicy('strict', ROOT)
    expect(strict).toMatchObject({ threshold: 30, inlineExceptions: 'forbid', requireExpiry: true })
    expect(strict.fix?.mode).toBe('baseline')
    expect(strict.extends).toEqual(['baseline'])
    const web = loadPolicy('web-jit', ROOT)
    expect(web.checks['MemoryDenyWriteExecute']).toMatchObject({ weight: 0 })
    expect(web.fix?.avoid['MemoryDenyWriteExecute']).toMatch(/JIT/)
    const database = loadPolicy('database', ROOT)
    expect(database.fix?.identity).toBe('keep')
    const daemon = loadPolicy('network-daemon', ROOT)
    expect(daemon.fix).toMatchObject({
      network: 'required',
      addressFamilies: ['AF_NETLINK'],
      keepCapabilities: ['CAP_NET_BIND_SERVICE']
    })
  })

  it.each(NAMES)('%s is documented in the README with its reasoning', (name) => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')
    const section = readme.slice(
      readme.indexOf('<!-- section:policies:start -->'),
      readme.indexOf('<!-- section:policies:end -->')
    )
    expect(section).toContain(`\`${name}\``)
  })
})

describe('extending a built-in policy', () => {
  let dir: string
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'policies-'))
  })
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

  const write = (name: string, document: unknown): string => {
    const file = path.join(dir, name)
    fs.writeFileSync(file, JSON.stringify(document))
    return file
  }

  it('starts from the base and applies the file on top', () => {
    write('repo.json', {
      'hardening-gate': {
        extends: 'web-jit',
        threshold: 4.5,
        exceptions: [
          {
            units: 'legacy.service',
            checks: ['PrivateNetwork'],
            reason: 'serves HTTP',
            until: '2027-01-01'
          }
        ],
        fix: { maxPhase: 4, avoid: { PrivateDevices: 'uses a GPU' } }
      },
      UMask: { weight: 50 }
    })
    const policy = loadPolicy('repo.json', dir)
    expect(policy.threshold).toBe(45)
    expect(policy.extends).toEqual(['baseline', 'web-jit'])
    expect(policy.checks['MemoryDenyWriteExecute']).toMatchObject({ weight: 0 })
    expect(policy.checks['UMask']).toMatchObject({ weight: 50 })
    expect(policy.fix?.avoid).toMatchObject({
      PrivateDevices: 'uses a GPU',
      MemoryDenyWriteExecute: expect.any(String)
    })
    expect(policy.fix?.maxPhase).toBe(4)
    expect(policy.exceptions).toHaveLength(1)
  })

  it('by path, relative to the extending file', () => {
    write('base.json', { 'hardening-gate': { threshold: 3.5 }, PrivateNetwork: { weight: 0 } })
    write('child.json', { 'hardening-gate': { extends: './base.json' } })
    const policy = loadPolicy(path.join(dir, 'child.json'), '/')
    expect(policy.threshold).toBe(35)
    expect(policy.checks['PrivateNetwork']).toMatchObject({ weight: 0 })
  })

  it('rejects cycles, unknown bases and unknown settings with a clear message', () => {
    write('a.json', { 'hardening-gate': { extends: './b.json' } })
    write('b.json', { 'hardening-gate': { extends: './a.json' } })
    expect(() => loadPolicy('a.json', dir)).toThrow(/cycle/)
    write('c.json', { 'hardening-gate': { extends: 'no-such-policy' } })
    expect(() => loadPolicy('c.json', dir)).toThrow(/unknown policy 'no-such-policy'/)
    expect(() => parsePolicy({ 'hardening-gate': { treshold: 5 } }, 'p')).toThrow(
      /unknown "hardening-gate" setting "treshold"/
    )
    expect(() => parsePolicy({ 'hardening-gate': { fix: { mode: 'all' } } }, 'p')).toThrow(
      PolicyError
    )
    expect(() =>
      parsePolicy({ 'hardening-gate': { fix: { avoid: { PrivateNetwork: '' } } } }, 'p')
    ).toThrow(/needs a reason/)
  })

  it('prints as one systemd policy file that parses back to the same policy', () => {
    const policy = loadPolicy('web-jit', ROOT)
    const again = parsePolicy(JSON.parse(JSON.stringify(policyDocument(policy))), 'web-jit')
    expect(again.checks).toEqual(policy.checks)
    expect(again.threshold).toBe(policy.threshold)
    expect(again.fix).toEqual(policy.fix)
  })
})

const maybe = oracleAvailable() ? it : it.skip

describe('built-in policies against systemd-analyze', () => {
  it.each(NAMES)('%s: exists', (name) => {
    expect(fs.existsSync(path.join(builtinPolicyDirectory(), `${name}.json`))).toBe(true)
  })

  maybe.each(NAMES)(
    '%s: systemd accepts it and scores every example and fixture unit as the engine does',
    async (name) => {
      const file = path.join(builtinPolicyDirectory(), `${name}.json`)
      // systemd reads the file without complaint
      const probe = fs.mkdtempSync(path.join(os.tmpdir(), 'policy-probe-'))
      try {
        const unitDir = path.join(probe, 'etc/systemd/system')
        fs.mkdirSync(unitDir, { recursive: true })
        fs.writeFileSync(path.join(unitDir, 'probe.service'), '[Service]\nExecStart=/bin/true\n')
        const run = spawnSync(
          'systemd-analyze',
          [
            'security',
            '--offline=true',
            `--root=${probe}`,
            `--security-policy=${file}`,
            '--no-pager',
            'probe.service'
          ],
          { encoding: 'utf8', env: { ...process.env, SYSTEMD_LOG_LEVEL: 'info' } }
        )
        expect(run.status).toBe(0)
        expect(run.stderr).toBe('')
      } finally {
        fs.rmSync(probe, { recursive: true, force: true })
      }
      const policy = loadPolicy(name, ROOT)
      const results = await runOracle(UNITS, { policyFile: file })
      const wrong = UNITS.map((unit, i) => ({
        unit: unit.name,
        engine: engineReport(unit, { policy }).exposure,
        systemd: results[i]!.exposure
      })).filter((r) => r.engine !== r.systemd)
      expect(wrong).toEqual([])
    },
    120_000
  )
})

describe('policy files systemd refuses for what their strings hold', () => {
  // read off 252-262 by a helper's probes: systemd's JSON parser refuses the whole file, where
  // JSON.parse() (after a lenient UTF-8 decoding) would take it and the gate would score with it
  const encode = (text: string): Buffer => Buffer.from(text, 'utf8')
  const reason = (text: string): Buffer =>
    encode(`{"PrivateNetwork":{"weight":0,"reason":"${text}"}}`)
  const cases: Array<[label: string, bytes: Buffer, refused: boolean]> = [
    [
      'a Latin-1 byte',
      Buffer.concat([encode('{"UMask":{"reason":"r'), Buffer.from([0xe9]), encode('"}}')]),
      true
    ],
    [
      'a UTF-8-encoded surrogate',
      Buffer.concat([
        encode('{"UMask":{"reason":"'),
        Buffer.from([0xed, 0xa0, 0x80]),
        encode('"}}')
      ]),
      true
    ],
    ['a raw DEL', reason('a\x7fb'), true],
    ['\\u0000', reason('a\\u0000b'), true],
    ['a lone \\ud800', reason('a\\ud800b'), true],
    ['a lone \\udc00', reason('\\udc00'), true],
    ['\\uffff', reason('\\uffff'), true],
    ['a raw U+FDD0', reason('\ufdd0'), true],
    ['a noncharacter in a key', encode('{"$\\ud83f\\udffe":1}'), true],
    ['a byte-order mark', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), encode('{}')]), true],
    ['\\u0001 (control)', reason('\\u0001'), false],
    ['\\u007f (escaped DEL)', reason('\\u007f'), false],
    ['\\ufeff', reason('\\ufeff'), false],
    ['U+E000 (private use)', reason('\ue000'), false],
    ['a surrogate pair (U+1F600)', reason('\\ud83d\\ude00'), false],
    ['é', reason('réseau'), false]
  ]
  let dir: string
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'policy-strings-'))
    cases.forEach(([, bytes], i) => fs.writeFileSync(path.join(dir, `p${i}.json`), bytes))
  })
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

  it.each(cases.map((c, i) => [c[0], i, c[2]] as const))('%s', (_label, i, refused) => {
    const load = () => loadPolicy(`p${i}.json`, dir)
    if (refused) expect(load).toThrow(PolicyError)
    // the one weight these files set: PrivateNetwork's (UMask keeps its own)
    else expect(load().checks['PrivateNetwork']?.weight).toBe(0)
  })

  maybe('as systemd-analyze --security-policy= refuses or takes the same files', () => {
    const root = path.join(dir, 'root')
    fs.mkdirSync(path.join(root, 'etc/systemd/system'), { recursive: true })
    fs.writeFileSync(
      path.join(root, 'etc/systemd/system/p.service'),
      '[Service]\nExecStart=/bin/true\n'
    )
    const analyze = process.env.ORACLE_SYSTEMD_ANALYZE || 'systemd-analyze'
    const verdicts = cases.map(([label], i) => {
      const run = spawnSync(
        analyze,
        [
          'security',
          '--offline=true',
          `--root=${root}`,
          `--security-policy=${path.join(dir, `p${i}.json`)}`,
          '--no-pager',
          'p.service'
        ],
        { encoding: 'utf8' }
      )
      return [label, /Overall exposure level/.test(run.stdout) ? 'takes' : 'refuses']
    })
    expect(verdicts).toEqual(
      cases.map(([label, , refused]) => [label, refused ? 'refuses' : 'takes'])
    )
  })
})
