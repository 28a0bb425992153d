/**
 * The fix engine against systemd itself (skipped, saying so, where systemd-analyze is missing): for
 * every unit of /lib/systemd/system, the bundled examples and the fixture units, the predicted score
 * of the suggested drop-in equals what `systemd-analyze security --offline=true` prints with the
 * drop-in in place, and `systemd-analyze verify` has nothing to say about the drop-in.
 */
import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import type { Policy } from '../src/core/policy.js'
import { parsePolicy } from '../src/core/policy.js'
import type { UnitReport } from '../src/core/report.js'
import { loadPolicy } from '../src/policies.js'
import { builtinPolicyDirectory } from '../src/policies.js'
import fc from 'fast-check'
import {
  oracleAvailable,
  oracleUnavailableReason,
  oracleVersion,
  runOracle
} from './support/oracle.js'
import { unitArbitrary } from './support/unit-arbitrary.js'
import { RULE_UNITS, THIRD_PARTY_UNITS } from './suggest-fixtures.js'
import type { UnitFiles } from './suggest-support.js'
import { exampleUnits, fixture, gate, systemUnits, withDropIn } from './suggest-support.js'

const ROOT = path.resolve(import.meta.dirname, '..')
const available = oracleAvailable()
if (!available) console.warn(`SKIPPED suggest-oracle tests: ${oracleUnavailableReason()}`)
const maybe = available ? it : it.skip
const tmpDir = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir()
/** the host's systemd-analyze (252 here), or ORACLE_SYSTEMD_ANALYZE's, scored at its version */
const ANALYZE = process.env.ORACLE_SYSTEMD_ANALYZE || 'systemd-analyze'
const VERSION = (available && oracleVersion()) || 252

const SYSTEM = systemUnits()
const EXAMPLES = exampleUnits(ROOT)
const FIXTURES = [...Object.values(RULE_UNITS).map(fixture), ...THIRD_PARTY_UNITS.map(fixture)]

/** systemd refuses two services claiming one bus name in a tree: those get a root of their own. */
const claimsBusName = (u: UnitFiles): boolean =>
  /^BusName=/m.test(String(Object.values(u.files)[0]))

interface Outcome {
  unit: string
  engine: number
  systemd: number | undefined
}

/** Where a user's manager's units are; its oracle roots may not be below /dev (differential.test.ts). */
const USER_DIRECTORY = '.config/systemd/user'

async function compare(
  units: UnitFiles[],
  options: { policy?: Policy; policyFile?: string; threshold?: number; manager?: 'user' }
): Promise<{ reports: UnitReport[]; outcomes: Outcome[]; withDropIns: UnitFiles[] }> {
  const user = options.manager === 'user'
  const directory = user ? USER_DIRECTORY : undefined
  const reports = units.map((u) =>
    gate(u, {
      policy: options.policy,
      threshold: options.threshold,
      version: VERSION,
      directory,
      manager: options.manager
    })
  )
  const suggested = units.flatMap((u, i) =>
    reports[i]!.suggestion ? [{ unit: u, report: reports[i]! }] : []
  )
  const withDropIns = suggested.map(({ unit, report }) =>
    withDropIn(unit, report.suggestion!, directory)
  )
  // by unit, not by name: two corpora may hold units of one name (postgresql.service)
  const results = new Map<UnitFiles, number | undefined>()
  for (const [group, batchSize] of [
    [withDropIns.filter((u) => !claimsBusName(u)), 200],
    [withDropIns.filter(claimsBusName), 1]
  ] as const) {
    const answers = await runOracle(group, {
      tmpDir,
      batchSize,
      policyFile: options.policyFile,
      manager: options.manager
    })
    group.forEach((u, i) => results.set(u, answers[i]!.exposure))
  }
  const outcomes = suggested.map(({ unit, report }, i) => ({
    unit: unit.name,
    engine: report.suggestion!.exposure!,
    systemd: results.get(withDropIns[i]!)
  }))
  return { reports, outcomes, withDropIns }
}

/** Runs systemd-analyze verify on the units (with their drop-ins) and returns what it says about the suggested drop-ins. */
function verify(units: UnitFiles[], manager?: 'user'): { checked: number; complaints: string[] } {
  const root = fs.mkdtempSync(path.join(tmpDir, 'verify-'))
  const complaints: string[] = []
  try {
    units.forEach((unit, index) => {
      const dir = path.join(root, String(index))
      for (const [file, content] of Object.entries(unit.files)) {
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true })
        fs.writeFileSync(path.join(dir, file), content)
      }
    })
    const paths = units.map((unit, index) => path.join(root, String(index), unit.name))
    for (let i = 0; i < paths.length; i += 50) {
      const scope = manager === 'user' ? ['--user'] : []
      const run = spawnSync(ANALYZE, [...scope, 'verify', '--man=no', ...paths.slice(i, i + 50)], {
        encoding: 'utf8',
        timeout: 120_000,
        env: {
          ...process.env,
          SYSTEMD_LOG_COLOR: '0',
          SYSTEMD_LOG_LOCATION: '0',
          // a user manager needs a runtime directory, even offline
          ...(manager === 'user' ? { XDG_RUNTIME_DIR: runtimeDirectory(root) } : {})
        }
      })
      if (run.error) throw run.error
      for (const line of `${run.stdout}\n${run.stderr}`.split('\n')) {
        if (/\/(hardening|hardening-gate|zz-hardening-gate)\.conf\b/.test(line))
          complaints.push(line.split(root).join(''))
      }
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true })
  }
  return { checked: units.length, complaints }
}

function runtimeDirectory(root: string): string {
  const directory = path.join(root, '.runtime')
  fs.mkdirSync(directory, { recursive: true, mode: 0o700 })
  return directory
}

describe(`suggested drop-ins against systemd-analyze (systemd ${VERSION})`, () => {
  maybe('the verify harness does see a broken drop-in', () => {
    const unit: UnitFiles = {
      name: 'probe.service',
      files: {
        'probe.service': '[Service]\nExecStart=/bin/true\n',
        'probe.service.d/hardening.conf': '[Service]\nProtectHome=maybe\nBogusKey=1\n'
      }
    }
    expect(verify([unit]).complaints).toHaveLength(2)
    expect(verify([unit], 'user').complaints).toHaveLength(2)
  })

  maybe(
    '/lib/systemd/system and the examples: the figures of issue #5',
    async () => {
      const units = [...SYSTEM, ...EXAMPLES]
      const { reports, outcomes, withDropIns } = await compare(units, {})
      const above = reports.filter((r) => r.status === 'scored' && r.exposure! > 50)
      const reached = above.filter((r) => r.suggestion && r.suggestion.exposure! <= 50)
      const matched = outcomes.filter((o) => o.engine === o.systemd)
      const verified = verify(withDropIns)
      console.log(
        `suggestions for /lib/systemd/system + examples: ${above.length} units above 5.0, ` +
          `${reached.length} reach 5.0 or below, ${matched.length}/${outcomes.length} predicted scores match systemd-analyze, ` +
          `${verified.checked - new Set(verified.complaints.map((c) => c.split(':')[0])).size}/${verified.checked} pass systemd-analyze verify`
      )
      expect(above.every((r) => r.suggestion !== null)).toBe(true)
      expect(outcomes.filter((o) => o.engine !== o.systemd)).toEqual([])
      expect(verified.complaints).toEqual([])
    },
    300_000
  )

  maybe(
    'fixture units, with every directive they tolerate (the strict policy)',
    async () => {
      const policy = { ...loadPolicy('strict', ROOT), threshold: 0 }
      const { outcomes, withDropIns } = await compare([...FIXTURES, ...EXAMPLES], {
        policy,
        threshold: 0
      })
      expect(outcomes.length).toBeGreaterThan(20)
      expect(outcomes.filter((o) => o.engine !== o.systemd)).toEqual([])
      expect(verify(withDropIns).complaints).toEqual([])
    },
    300_000
  )

  maybe(
    'with a policy that changes weights (web-jit), the prediction uses the policy like systemd does',
    async () => {
      const policy = loadPolicy('web-jit', ROOT)
      const policyFile = path.join(builtinPolicyDirectory(), 'web-jit.json')
      const { outcomes } = await compare([...FIXTURES, ...EXAMPLES, ...SYSTEM.slice(0, 40)], {
        policy,
        policyFile
      })
      expect(outcomes.length).toBeGreaterThan(20)
      expect(outcomes.filter((o) => o.engine !== o.systemd)).toEqual([])
    },
    300_000
  )

  // A justified exception gives its row weight 0 (what systemd does with a policy file that says
  // so) and keeps the fix away from what the row measures (suggest.test.ts): the prediction and the
  // drop-in must still be systemd's.
  maybe.each([
    ['PrivateDevices'],
    ['UserOrDynamicUser'],
    ['ProtectSystem'],
    ['CapabilityBoundingSet_CAP_SYS_ADMIN'],
    ['SystemCallFilter_mount'],
    ['RestrictNamespaces_user'],
    ['RestrictAddressFamilies_AF_PACKET']
  ])(
    'with a justified exception for %s, as systemd scores it with that row at weight 0',
    async (id) => {
      const policy = parsePolicy(
        {
          'hardening-gate': {
            fix: { mode: 'baseline' },
            exceptions: [{ units: ['*'], checks: [id], reason: 'the service needs it' }]
          }
        },
        'excepting'
      )
      // (a directory of this run's own: another run of this test may remove a shared path)
      const policyDir = fs.mkdtempSync(path.join(tmpDir, 'gate-exception-'))
      const policyFile = path.join(policyDir, `${id}.json`)
      fs.writeFileSync(policyFile, JSON.stringify({ [id]: { weight: 0 } }))
      try {
        const { reports, outcomes, withDropIns } = await compare(
          [...FIXTURES, ...EXAMPLES, ...SYSTEM.slice(0, 30)],
          { policy, policyFile, threshold: 0 }
        )
        expect(reports.some((r) => r.exceptions.some((e) => e.error === undefined))).toBe(true)
        expect(outcomes.length).toBeGreaterThan(20)
        expect(outcomes.filter((o) => o.engine !== o.systemd)).toEqual([])
        expect(verify(withDropIns).complaints).toEqual([])
      } finally {
        fs.rmSync(policyDir, { recursive: true, force: true })
      }
    },
    300_000
  )

  maybe(
    'generated units (random directives, values and drop-ins): the prediction holds on odd units too',
    async () => {
      const units = fc.sample(unitArbitrary('fix'), {
        numRuns: Number(process.env.SUGGEST_ORACLE_UNITS ?? 400),
        seed: Number(process.env.DIFFERENTIAL_SEED ?? 20260615)
      })
      const { outcomes, withDropIns } = await compare(units, {})
      expect(outcomes.length).toBeGreaterThan(100)
      expect(outcomes.filter((o) => o.engine !== o.systemd).slice(0, 10)).toEqual([])
      expect(verify(withDropIns).complaints.slice(0, 10)).toEqual([])
    },
    300_000
  )

  // A user unit's drop-in holds only what a user's manager can apply (suggest.test.ts), and is scored
  // by the manager's own rules (user-manager.test.ts): systemd-analyze --user must print its score.
  maybe(
    "as a user's manager's units (--user): the machine's services and generated units",
    async () => {
      const generated = fc.sample(unitArbitrary('fix-user'), {
        numRuns: Number(process.env.SUGGEST_ORACLE_UNITS ?? 400),
        seed: Number(process.env.DIFFERENTIAL_SEED ?? 20260615) + 1
      })
      const { outcomes, withDropIns } = await compare([...SYSTEM, ...EXAMPLES, ...generated], {
        manager: 'user'
      })
      const matched = outcomes.filter((o) => o.engine === o.systemd)
      console.log(
        `suggestions for user units: ${matched.length}/${outcomes.length} predicted scores match systemd-analyze --user`
      )
      expect(outcomes.length).toBeGreaterThan(200)
      expect(outcomes.filter((o) => o.engine !== o.systemd).slice(0, 10)).toEqual([])
      expect(verify(withDropIns, 'user').complaints.slice(0, 10)).toEqual([])
    },
    300_000
  )
})
