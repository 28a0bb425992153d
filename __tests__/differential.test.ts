/**
 * Differential tests against the real `systemd-analyze security --offline=true` (systemd 252 on the
 * development machine): the machine's own /lib/systemd/system units and generated units must get the
 * same load verdict, the same overall exposure and the same badness on every row. Skips, saying so,
 * where systemd-analyze is not installed.
 */
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { dropInDirectoryNames } from '../src/core/dropins.js'
import { parseUnitName } from '../src/core/specifiers.js'
import { engineReport } from './support/engine.js'
import { reportsAbort } from './support/outcomes.js'
import type { OracleResult, OracleUnit } from './support/oracle.js'
import {
  oracleAvailable,
  oracleUnavailableReason,
  oracleVersion,
  runOracle
} from './support/oracle.js'
import { unitArbitrary } from './support/unit-arbitrary.js'

const available = oracleAvailable()
if (!available) {
  console.warn(`SKIPPED differential tests: ${oracleUnavailableReason()}`)
}
const maybe = available ? it : it.skip

/** Tmpfs makes the oracle several times faster where /tmp is a slow disk. */
const tmpDir = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir()

const GENERATED_UNITS = Number(process.env.DIFFERENTIAL_UNITS ?? 1500)
const GENERATED_USER_UNITS = Number(process.env.DIFFERENTIAL_USER_UNITS ?? 500)
const SEED = Number(process.env.DIFFERENTIAL_SEED ?? 20261122)

interface Disagreement {
  unit: string
  what: string
}

type Manager = 'system' | 'user'

function compare(unit: OracleUnit, oracle: OracleResult, manager: Manager): Disagreement[] {
  // the host's systemd is 252; ORACLE_SYSTEMD_ANALYZE runs the suite against another version
  const ours = engineReport(unit, {
    version: oracleVersion() || 252,
    manager: manager === 'user' ? 'user' : undefined
  })
  if ((ours.manager === 'user') !== (manager === 'user')) {
    return [
      { unit: unit.name, what: `engine scored it for the ${ours.manager ?? 'system'} manager` }
    ]
  }
  const problems: Disagreement[] = []
  const oursLoaded = ours.status === 'scored'
  // systemd aborting on a unit (%J of a name ending in '-') is no ordinary refusal
  const oursAborts = reportsAbort(ours)
  if (oursLoaded !== (oracle.status === 'scored') || oursAborts !== (oracle.status === 'aborted')) {
    problems.push({
      unit: unit.name,
      what: `load: engine ${ours.status} (${ours.reason ?? ''}), systemd ${oracle.status} (${oracle.message ?? ''})`
    })
    return problems
  }
  if (!oursLoaded) return problems
  if (ours.exposure !== oracle.exposure) {
    problems.push({
      unit: unit.name,
      what: `exposure: engine ${ours.exposure}, systemd ${oracle.exposure}`
    })
  }
  const rows = new Map(ours.checks.map((c) => [c.id, c.badness]))
  for (const [id, badness] of Object.entries(oracle.checks ?? {})) {
    if (!rows.has(id)) problems.push({ unit: unit.name, what: `row ${id} missing in engine` })
    else if (rows.get(id) !== badness) {
      problems.push({ unit: unit.name, what: `${id}: engine ${rows.get(id)}, systemd ${badness}` })
    }
  }
  if (rows.size !== Object.keys(oracle.checks ?? {}).length) {
    problems.push({
      unit: unit.name,
      what: `engine has ${rows.size} rows, systemd ${Object.keys(oracle.checks ?? {}).length}`
    })
  }
  return problems
}

/** DIFFERENTIAL_DUMP=DIR: each unit the two disagree on is written there, files and all. */
function dump(unit: OracleUnit): void {
  const dir = process.env.DIFFERENTIAL_DUMP
  if (!dir) return
  for (const [file, content] of Object.entries(unit.files)) {
    const target = path.join(dir, unit.name, file)
    fs.mkdirSync(path.dirname(target), { recursive: true })
    fs.writeFileSync(target, content)
  }
}

async function differential(
  units: OracleUnit[],
  { batchSize, manager = 'system' }: { batchSize?: number; manager?: Manager } = {}
): Promise<{ compared: number; aborted: number; disagreements: Disagreement[] }> {
  const results = await runOracle(units, { tmpDir, batchSize, manager })
  const disagreements = units.flatMap((unit, index) => {
    const problems = compare(unit, results[index]!, manager)
    if (problems.length) dump(unit)
    return problems
  })
  const aborted = results.filter((r) => r.status === 'aborted').length
  return { compared: units.length, aborted, disagreements }
}

/** A unit of /lib/systemd/system with the drop-ins systemd would read beside it. */
function systemUnit(directory: string, fileName: string): OracleUnit | undefined {
  const name = parseUnitName(fileName)
  if (!name || name.type !== 'service') return undefined
  const unitName = name.isTemplate ? `${name.prefix}@i.service` : fileName
  const instance = parseUnitName(unitName)!
  const read = (file: string): string | Uint8Array | undefined => {
    try {
      const full = path.join(directory, file)
      if (fs.lstatSync(full).isSymbolicLink() && fs.readlinkSync(full) === '/dev/null') return ''
      return fs.readFileSync(full)
    } catch {
      return undefined
    }
  }
  const main = read(fileName)
  if (main === undefined) return undefined
  const files: Record<string, string | Uint8Array> = { [fileName]: main }
  for (const dir of dropInDirectoryNames(instance)) {
    let entries: string[] = []
    try {
      entries = fs.readdirSync(path.join(directory, dir))
    } catch {
      continue
    }
    for (const entry of entries) {
      const content = read(path.join(dir, entry))
      if (content !== undefined) files[`${dir}/${entry}`] = content
    }
  }
  return { name: unitName, files }
}

describe('parity with systemd-analyze security --offline=true', () => {
  // The machine's units as a user's manager would score them too: its own user units, and its
  // system services copied into a user directory (as a team might ship one for `systemctl --user`).
  const HOST_UNITS: Array<[Manager, string[]]> = [
    ['system', ['/lib/systemd/system']],
    ['user', ['/usr/lib/systemd/user', '/lib/systemd/system']]
  ]
  describe.each(HOST_UNITS)('the machine’s units for the %s manager', (manager, directories) => {
    maybe(`agrees on every service unit in ${directories.join(' and ')}`, async () => {
      const units = directories.flatMap((directory) =>
        fs
          .readdirSync(directory)
          .filter((f) => f.endsWith('.service'))
          .map((f) => systemUnit(directory, f))
          .filter((u): u is OracleUnit => u !== undefined)
      )
      expect(units.length).toBeGreaterThan(20)
      // systemd refuses two services claiming one bus name in the same tree (an alias and its
      // target): units with BusName= get a tree of their own.
      const claimsBusName = (u: OracleUnit): boolean =>
        /^BusName=/m.test(String(Object.values(u.files)[0]))
      const shared = await differential(
        units.filter((u) => !claimsBusName(u)),
        { manager }
      )
      const alone = await differential(units.filter(claimsBusName), { batchSize: 1, manager })
      const compared = shared.compared + alone.compared
      const disagreements = [...shared.disagreements, ...alone.disagreements]
      console.log(
        `differential ${directories.join(' + ')} (${manager}): ${compared} units compared, ${disagreements.length} disagreements`
      )
      expect(disagreements.slice(0, 20)).toEqual([])
    })
  })

  maybe(
    `agrees on ${GENERATED_UNITS} generated units`,
    async () => {
      const units = fc.sample(unitArbitrary('diff'), { numRuns: GENERATED_UNITS, seed: SEED })
      const { compared, aborted, disagreements } = await differential(units)
      console.log(
        `differential generated: ${compared} units compared (${aborted} that systemd aborts on), ${disagreements.length} disagreements`
      )
      expect(disagreements.slice(0, 20)).toEqual([])
    },
    300_000
  )

  // A user's manager scores a few rows otherwise and refuses other units (user-manager.test.ts has
  // the rules); everything else about loading must be the same as for the system manager.
  maybe(
    `agrees on ${GENERATED_USER_UNITS} generated units as a user's manager (--user)`,
    async () => {
      const units = fc.sample(unitArbitrary('user'), {
        numRuns: GENERATED_USER_UNITS,
        seed: SEED + 1
      })
      const { compared, aborted, disagreements } = await differential(units, { manager: 'user' })
      console.log(
        `differential generated user units: ${compared} units compared (${aborted} that systemd aborts on), ${disagreements.length} disagreements`
      )
      expect(disagreements.slice(0, 20)).toEqual([])
    },
    300_000
  )
})
