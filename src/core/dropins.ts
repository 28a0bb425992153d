/**
 * Drop-in discovery and ordering (unit-file-loading.md 5.5): which NAME.d directories systemd
 * searches for a unit, in precedence order, and how their *.conf files are merged and sorted.
 */
import type { UnitName } from './specifiers.js'
import { parseUnitName } from './specifiers.js'

/** Dash prefixes, longest first: foo-bar-baz.service → foo-bar-.service, foo-.service. */
function dashPrefixes(unit: UnitName): string[] {
  const result: string[] = []
  const suffix = unit.isInstance ? `@${unit.instance}.${unit.type}` : `.${unit.type}`
  let prefix = unit.prefix
  if (prefix.endsWith('-')) prefix = prefix.slice(0, -1)
  for (;;) {
    const dash = prefix.lastIndexOf('-')
    if (dash <= 0) break
    prefix = prefix.slice(0, dash)
    result.push(`${prefix}-${suffix}`)
  }
  return result
}

function namesFor(unit: UnitName): string[] {
  const names = [unit.name]
  if (unit.isInstance) {
    const template = parseUnitName(`${unit.prefix}@.${unit.type}`)
    if (template) names.push(template.name, ...dashPrefixes(template))
  }
  for (const prefixed of dashPrefixes(unit)) {
    const parsed = parseUnitName(prefixed)
    if (parsed) names.push(...namesFor(parsed).filter((n) => !names.includes(n)))
  }
  return names
}

/** Drop-in directory names for a unit, most specific first, ending with the type-wide `service.d`. */
export function dropInDirectoryNames(unit: UnitName): string[] {
  const dirs = namesFor(unit).map((name) => `${name}.d`)
  dirs.push(`${unit.type}.d`)
  return [...new Set(dirs)]
}

export interface DropInCandidate {
  /** index into dropInDirectoryNames() (lower = more specific) */
  directoryRank: number
  fileName: string
  path: string
}

/** Whether systemd reads a file of this name from a drop-in directory. */
export function isDropInFileName(fileName: string): boolean {
  return fileName.endsWith('.conf') && !fileName.startsWith('.')
}

/**
 * Keeps, for each file name, the copy from the most specific directory, then sorts by file name
 * alone (byte order), whatever directory each comes from.
 */
export function orderDropIns<T extends DropInCandidate>(candidates: readonly T[]): T[] {
  const byName = new Map<string, T>()
  for (const candidate of candidates) {
    if (!isDropInFileName(candidate.fileName)) continue
    const existing = byName.get(candidate.fileName)
    if (!existing || candidate.directoryRank < existing.directoryRank) {
      byName.set(candidate.fileName, candidate)
    }
  }
  return [...byName.values()].sort((a, b) => compareBytes(a.fileName, b.fileName))
}

const encoder = new TextEncoder()

/** strcmp() order on UTF-8 bytes. */
export function compareBytes(a: string, b: string): number {
  if (a === b) return 0
  const x = encoder.encode(a)
  const y = encoder.encode(b)
  const n = Math.min(x.length, y.length)
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i]! - y[i]!
  return x.length - y.length
}
