/** Runs the engine on an in-memory unit laid out like an oracle unit (same files, same drop-in rules). */
import { dropInDirectoryNames, orderDropIns } from '../../src/core/dropins.js'
import { DEFAULT_POLICY } from '../../src/core/policy.js'
import type { Policy } from '../../src/core/policy.js'
import type { UnitReport } from '../../src/core/report.js'
import { analyzeUnit } from '../../src/core/report.js'
import type { ManagerUser } from '../../src/core/specifiers.js'
import { parseUnitName } from '../../src/core/specifiers.js'
import type { OracleUnit } from './oracle.js'

const encoder = new TextEncoder()
const toBytes = (content: string | Uint8Array): Uint8Array =>
  typeof content === 'string' ? encoder.encode(content) : content

/** The engine's report for a unit given as a map of files relative to the unit directory. */
export function engineReport(
  unit: OracleUnit,
  options: {
    version?: number
    policy?: Policy
    costliestChecks?: number
    /** the directory the report shows the unit in (say .config/systemd/user for a user unit) */
    directory?: string
    /** 'user': scored as systemd-analyze --user scores it (--user) */
    manager?: 'user'
    /** the user that manager runs as (default root) */
    managerUser?: ManagerUser
    /** default 100: every unit passes, so none gets a drop-in */
    threshold?: number
  } = {}
): UnitReport {
  const name = parseUnitName(unit.name)
  if (!name) throw new Error(`bad unit name ${unit.name}`)
  const mainFile = Object.hasOwn(unit.files, unit.name) ? unit.name : `${name.prefix}@.${name.type}`
  const content = unit.files[mainFile]
  if (content === undefined) throw new Error(`no unit file for ${unit.name}`)
  const directories = dropInDirectoryNames(name)
  const candidates = Object.keys(unit.files).flatMap((file) => {
    const slash = file.lastIndexOf('/')
    if (slash < 0) return []
    const directoryRank = directories.indexOf(file.slice(0, slash))
    return directoryRank < 0 ? [] : [{ directoryRank, fileName: file.slice(slash + 1), path: file }]
  })
  return analyzeUnit(
    {
      unit: name,
      main: {
        path: options.directory === undefined ? mainFile : `${options.directory}/${mainFile}`,
        bytes: toBytes(content)
      },
      dropIns: orderDropIns(candidates).map((c) => ({
        path: c.path,
        bytes: toBytes(unit.files[c.path]!)
      })),
      manager: options.manager
    },
    {
      version: options.version ?? 252,
      policy: options.policy ?? DEFAULT_POLICY,
      threshold: options.threshold ?? 100,
      costliestChecks: options.costliestChecks,
      managerUser: options.managerUser
    }
  )
}
