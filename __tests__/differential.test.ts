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
const SEED = Number(process.env.DIFFERENTIAL_SEED ?? 20261122)

interface Disagreement {
  unit: string
  what: string
}

function compare(unit: OracleUnit, oracle: OracleResult): Disagreement[] {
  // the host's systemd is 252; ORACLE_SYSTEMD_ANALYZE runs the suite against another version
  const ours = engineReport(unit, { version: oracleVersion() || 252 })
  const problems: Disagreement[] = []
  const oursLoaded = ours.status === 'scored'
  if (oursLoaded !== (oracle.status === 'scored')) {
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
  batchSize?: number
): Promise<{ compared: number; disagreements: Disagreement[] }> {
  const results = await runOracle(units, { tmpDir, batchSize })
  const disagreements = units.flatMap((unit, index) => {
    const problems = compare(unit, results[index]!)
    if (problems.length) dump(unit)
    return problems
  })
  return { compared: units.length, disagreements }
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
  maybe('agrees on every service unit in /lib/systemd/system', async () => {
    const directory = '/lib/systemd/system'
    const units = fs
      .readdirSync(directory)
      .filter((f) => f.endsWith('.service'))
      .map((f) => systemUnit(directory, f))
      .filter((u): u is OracleUnit => u !== undefined)
    expect(units.length).toBeGreaterThan(20)
    // systemd refuses two services claiming one bus name in the same tree (an alias and its target):
    // units with BusName= get a tree of their own.
    const claimsBusName = (u: OracleUnit): boolean =>
      /^BusName=/m.test(String(Object.values(u.files)[0]))
    const shared = await differential(units.filter((u) => !claimsBusName(u)))
    const alone = await differential(units.filter(claimsBusName), 1)
    const compared = shared.compared + alone.compared
    const disagreements = [...shared.disagreements, ...alone.disagreements]
    console.log(
      `differential /lib/systemd/system: ${compared} units compared, ${disagreements.length} disagreements`
    )
    expect(disagreements.slice(0, 20)).toEqual([])
  })

  maybe(
    `agrees on ${GENERATED_UNITS} generated units`,
    async () => {
      const units = fc.sample(unitArbitrary('diff'), { numRuns: GENERATED_UNITS, seed: SEED })
      const { compared, disagreements } = await differential(units)
      console.log(
        `differential generated: ${compared} units compared, ${disagreements.length} disagreements`
      )
      expect(disagreements.slice(0, 20)).toEqual([])
    },
    300_000
  )
})
