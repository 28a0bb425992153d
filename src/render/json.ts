/**
 * The JSON report (schemaVersion 1) on one line, written unit by unit so that a large tree never
 * builds one huge string or keeps every report: "passed" comes after "units" for that reason.
 */
import { CHECKS } from '../core/checks.js'
import type { GateReport, UnitReport } from '../core/report.js'
import { runnerSafeJson } from './escape.js'

export type JsonHead = Omit<GateReport, 'units' | 'passed'>

/**
 * The same Latin-1 text in V8's one-byte representation: a string derived from one that held a wider
 * character (by replace(), slice() ...) keeps the two-byte representation, and so would everything
 * built from it.
 */
function oneByte(text: string): string {
  return String.fromCharCode(...Array.from(text, (c) => c.charCodeAt(0)))
}

/**
 * Check names with a character above U+00FF (systemd's "RestrictAddressFamilies=~…"), each with a
 * one-byte stand-in and its JSON written with \u escapes. With such a character inside,
 * JSON.stringify builds a unit's whole entry as UTF-16, which costs several times more to build and
 * to encode (a report of 10,000 units is over 100 MB); the same JSON with the escape stays one-byte.
 */
const WIDE_NAMES = new Map(
  CHECKS.filter((check) => /[\u0100-\uffff]/.test(check.name)).map((check) => {
    const standIn = oneByte(check.name.replace(/[\u0100-\uffff]/g, '?'))
    const escaped = oneByte(
      check.name.replace(
        /[\u0100-\uffff]/g,
        (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
      )
    )
    // only check rows have a "name" key, and a quote inside a string is always escaped: this text
    // can only be the row's own name
    return [
      check.name,
      { standIn, from: `"name":${JSON.stringify(standIn)}`, to: `"name":"${escaped}"` }
    ]
  })
)

/** One unit's entry in "units". */
export function unitJson(unit: UnitReport): string {
  if (!unit.checks.some((row) => WIDE_NAMES.has(row.name)))
    return runnerSafeJson(JSON.stringify(unit))
  const used = new Set<string>()
  const checks = unit.checks.map((row) => {
    const wide = WIDE_NAMES.get(row.name)
    if (wide === undefined) return row
    used.add(row.name)
    return { ...row, name: wide.standIn }
  })
  let json = JSON.stringify({ ...unit, checks })
  for (const name of used) {
    const { from, to } = WIDE_NAMES.get(name)!
    json = json.replaceAll(from, to)
  }
  return runnerSafeJson(json)
}

export interface JsonStream {
  start(): string
  unit(unit: UnitReport): string
  /** a unit rendered by unitJson() elsewhere */
  rendered(json: string): string
  end(passed: boolean): string
}

export function createJsonStream(head: JsonHead): JsonStream {
  let count = 0
  return {
    start: () => JSON.stringify({ ...head, units: [] }).slice(0, -2),
    unit: (unit) => (count++ ? ',' : '') + unitJson(unit),
    rendered: (json) => (count++ ? ',' : '') + json,
    end: (passed) => `],"passed":${passed}}\n`
  }
}

/** The report as consecutive pieces of one JSON document. */
export function* renderJsonChunks(report: GateReport): Generator<string> {
  const { units, passed, ...head } = report
  const stream = createJsonStream(head)
  yield stream.start()
  for (const unit of units) yield stream.unit(unit)
  yield stream.end(passed)
}

export function renderJson(report: GateReport): string {
  return [...renderJsonChunks(report)].join('')
}
