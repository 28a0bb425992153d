/** Self-checks of the systemd-analyze oracle harness (skipped when systemd-analyze is unavailable). */
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import {
  oracleAvailable,
  oracleStats,
  oracleUnavailableReason,
  runOracle,
  type OracleUnit
} from './support/oracle.js'
import { unitArbitrary } from './support/unit-arbitrary.js'

const available = oracleAvailable()
if (!available) {
  console.warn(
    `oracle.test.ts: skipping, systemd-analyze oracle unavailable (${oracleUnavailableReason()})`
  )
}
const describeOracle = available ? describe : describe.skip

const BARE = '[Service]\nExecStart=/bin/true\n'

describeOracle('systemd-analyze oracle', () => {
  it('scores a bare service 9.6 with the root-only rows N/A', async () => {
    const [r] = await runOracle([{ name: 'bare.service', files: { 'bare.service': BARE } }])
    expect(r.status).toBe('scored')
    expect(r.exposure).toBe(96)
    expect(r.checks?.RemoveIPC).toBeNull()
    expect(r.checks?.SupplementaryGroups).toBeNull()
    expect(r.checks?.UserOrDynamicUser).toBe(10)
    expect(r.order).toHaveLength(81)
    expect(new Set(r.order)).toEqual(new Set(Object.keys(r.checks ?? {})))
    expect(r.rows?.find((row) => row.jsonField === 'UserOrDynamicUser')).toMatchObject({
      weight: 2000,
      range: 10
    })
  })

  it('applies a drop-in directory', async () => {
    const [r] = await runOracle([
      {
        name: 'x.service',
        files: { 'x.service': BARE, 'x.service.d/a.conf': '[Service]\nNoNewPrivileges=yes\n' }
      }
    ])
    expect(r.status).toBe('scored')
    expect(r.exposure).toBe(94)
    expect(r.checks?.NoNewPrivileges).toBe(0)
  })

  it('reports a 0-byte unit and DynamicUser=maybe as not loaded', async () => {
    const [empty, maybe] = await runOracle([
      { name: 'empty.service', files: { 'empty.service': new Uint8Array(0) } },
      { name: 'maybe.service', files: { 'maybe.service': `${BARE}DynamicUser=maybe\n` } }
    ])
    expect(empty).toMatchObject({ name: 'empty.service', status: 'not-loaded' })
    expect(empty.message).toMatch(/masked/)
    expect(maybe).toMatchObject({ name: 'maybe.service', status: 'not-loaded' })
    expect(maybe.message).toMatch(/bad unit file setting/)
    expect(maybe.exposure).toBeUndefined()
  })

  it('returns one result per unit, in input order, for a mixed batch', async () => {
    const units: OracleUnit[] = [
      { name: 'm-ok1.service', files: { 'm-ok1.service': BARE } },
      { name: 'm-masked.service', files: { 'm-masked.service': '' } },
      {
        name: 'm-ok2.service',
        files: { 'm-ok2.service': `${BARE}PrivateTmp=yes\nProtectHome=yes\n` }
      },
      { name: 'm-bad.service', files: { 'm-bad.service': `${BARE}User=00\n` } },
      {
        name: 'm-utf8.service',
        files: { 'm-utf8.service': Buffer.from(`${BARE}X-A=\xff\n`, 'latin1') }
      },
      { name: 'm-tpl@inst.service', files: { 'm-tpl@.service': `${BARE}NoNewPrivileges=yes\n` } },
      // same name twice and a type-wide drop-in: must land in separate roots
      { name: 'm-ok1.service', files: { 'm-ok1.service': `${BARE}NoNewPrivileges=yes\n` } },
      {
        name: 'm-wide.service',
        files: { 'm-wide.service': BARE, 'service.d/z.conf': '[Service]\nNoNewPrivileges=yes\n' }
      }
    ]
    const before = oracleStats()
    const results = await runOracle(units)
    // three roots (the duplicate name and the service.d/ user each get another), no per-unit re-runs
    expect(oracleStats().batches - before.batches).toBe(3)
    expect(oracleStats().fallbacks).toBe(before.fallbacks)
    expect(results.map((r) => r.name)).toEqual(units.map((u) => u.name))
    expect(results.map((r) => r.status)).toEqual([
      'scored',
      'not-loaded',
      'scored',
      'not-loaded',
      'not-loaded',
      'scored',
      'scored',
      'scored'
    ])
    expect(results.map((r) => r.exposure)).toEqual([
      96,
      undefined,
      92,
      undefined,
      undefined,
      94,
      94,
      94
    ])
    // the type-wide drop-in did not leak into the other units
    expect(results[0].checks?.NoNewPrivileges).toBe(1)
    expect(results[2].checks?.NoNewPrivileges).toBe(1)
  })

  it('passes --security-policy', async () => {
    const { writeFileSync, mkdtempSync, rmSync } = await import('fs')
    const { join } = await import('path')
    const { tmpdir } = await import('os')
    const dir = mkdtempSync(join(tmpdir(), 'oracle-policy-'))
    try {
      const policy = join(dir, 'policy.json')
      writeFileSync(policy, JSON.stringify({ PrivateDevices: { weight: 0 } }))
      const [r] = await runOracle([{ name: 'p.service', files: { 'p.service': BARE } }], {
        policyFile: policy
      })
      expect(r.checks?.PrivateDevices).toBeNull()
      expect(r.rows?.find((row) => row.jsonField === 'PrivateDevices')?.weight).toBe(0)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('fails, not every unit, when systemd-analyze cannot read the policy file', async () => {
    const missing = '/nonexistent/oracle-policy.json'
    await expect(
      runOracle([{ name: 'p.service', files: { 'p.service': BARE } }], { policyFile: missing })
    ).rejects.toThrow(/^systemd-analyze cannot use the policy file: .*oracle-policy\.json/)
  })

  it('loads most generated units', async () => {
    const units = fc.sample(unitArbitrary('selfcheck'), { numRuns: 60, seed: 42 })
    expect(new Set(units.map((u) => u.name)).size).toBe(units.length)
    const results = await runOracle(units)
    expect(results.map((r) => r.name)).toEqual(units.map((u) => u.name))
    const loaded = results.filter((r) => r.status === 'scored').length
    expect(loaded / units.length).toBeGreaterThanOrEqual(0.7)
  })
})
