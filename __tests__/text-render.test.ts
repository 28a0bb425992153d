/** Renderers: the text report's row selection and stream, the markdown report's drop-ins, JSON entries. */
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import type { GateReport, UnitReport } from '../src/core/report.js'
import { unitJson } from '../src/render/json.js'
import { renderMarkdown } from '../src/render/markdown.js'
import { codeScanningLimitWarning, renderSarif, renderSarifCounted } from '../src/render/sarif.js'
import { costliest, createTextStream } from '../src/render/text.js'

type Check = UnitReport['checks'][number]

const row = (
  i: number,
  badness: number | null,
  exposure: number | null,
  weight: number
): Check => ({
  id: `row${i}`,
  name: `row${i}=`,
  badness,
  weight,
  range: 10,
  exposure,
  file: 'a.service',
  line: i,
  explicit: false
})

const unitWith = (checks: Check[]) => ({ checks }) as UnitReport

/** The obvious definition: a stable sort of the costly rows. */
const bySorting = (checks: Check[], count: number) =>
  checks
    .filter((c) => c.badness !== null && c.badness > 0)
    .sort((a, b) => (b.exposure ?? 0) - (a.exposure ?? 0) || b.weight - a.weight)
    .slice(0, count)

describe('costliest', () => {
  it('picks by exposure, then weight, ties in table order', () => {
    const checks = [
      row(0, 1, 0.2, 500),
      row(1, 0, null, 2000),
      row(2, 1, 0.3, 100),
      row(3, 1, 0.2, 1000),
      row(4, null, null, 3000),
      row(5, 1, 0.2, 500)
    ]
    expect(costliest(unitWith(checks), 3).map((c) => c.id)).toEqual(['row2', 'row3', 'row0'])
    expect(costliest(unitWith(checks), 0)).toEqual([])
  })

  it('agrees with a stable sort of the costly rows on any rows', () => {
    const rows = fc.array(
      fc.record({
        badness: fc.option(fc.integer({ min: 0, max: 3 })),
        exposure: fc.option(fc.constantFrom(0.1, 0.2, 0.3, 0.5)),
        weight: fc.constantFrom(100, 500, 1000)
      }),
      { maxLength: 90 }
    )
    fc.assert(
      fc.property(rows, fc.integer({ min: 0, max: 8 }), (specs, count) => {
        const checks = specs.map((s, i) => row(i, s.badness, s.exposure, s.weight))
        expect(costliest(unitWith(checks), count)).toEqual(bySorting(checks, count))
      }),
      { numRuns: 500 }
    )
  })
})

describe('markdown drop-ins', () => {
  it('folds the drop-in of a failing unit into a fence its content cannot close', () => {
    const dropIn = '[Service]\n# from the unit: ```` @team <img src=x>\nProtectSystem=strict\n'
    const unit = {
      ...unitWith([row(0, 1, 0.5, 1000)]),
      path: 'units/a.service',
      unit: 'a.service',
      status: 'scored',
      score: 9.6,
      exposure: 96,
      rating: 'UNSAFE',
      passed: false,
      dropIns: [],
      diagnostics: [],
      exceptions: [],
      suggestion: {
        path: 'units/a.service.d/hardening.conf',
        dropIn,
        score: 4.9,
        rating: 'OK',
        phases: [{ phase: 1, title: 't', score: 4.9, directives: [] }]
      }
    } as unknown as UnitReport
    const report: GateReport = {
      schemaVersion: 1,
      threshold: 5,
      systemdVersion: 252,
      policy: 'baseline',
      passed: false,
      units: [unit]
    }
    const markdown = renderMarkdown(report)
    expect(markdown).toContain(
      '<details><summary>Suggested drop-in units/a.service.d/hardening.conf: 4.9 OK</summary>'
    )
    // a longer fence than the 4 backticks inside, with the content verbatim
    expect(markdown).toContain('`````ini\n' + dropIn + '`````\n\n</details>')
  })
})

describe('text stream', () => {
  const head = { threshold: 5, systemdVersion: 252, policy: 'baseline' }
  const unit = (passed: boolean, path: string) =>
    ({
      ...unitWith([row(0, 1, 0.5, 1000), row(1, 0, null, 10)]),
      path,
      unit: 'a.service',
      status: 'scored',
      score: passed ? 1.2 : 9.6,
      exposure: passed ? 12 : 96,
      rating: passed ? 'OK' : 'UNSAFE',
      passed,
      dropIns: [],
      diagnostics: [],
      exceptions: []
    }) as unknown as UnitReport

  it('writes a unit as its mark, then the rest of its text: what unit() returns', () => {
    for (const color of [false, true]) {
      const whole = createTextStream(head, { color })
      const pieces = createTextStream(head, { color })
      for (const u of [unit(false, 'units/a.service'), unit(true, 'units/é.service')]) {
        const written: string[] = []
        pieces.writeUnit(u, (text) => written.push(text))
        expect(written).toHaveLength(2)
        expect(written[0]).toContain(u.passed ? '✓' : '✗')
        // the rest holds no mark: it stays a one-byte string for the common ASCII path
        expect(written[1]).not.toMatch(/[✓✗]/)
        expect(written.join('')).toBe(whole.unit(u))
      }
      // both streams counted the same units
      expect(pieces.end()).toBe(whole.end())
      expect(pieces.end()).toContain('2 unit(s), 1 failed')
    }
  })
})

describe('JSON entry', () => {
  it('is the JSON of the unit, with systemd’s "…" row name escaped so the entry stays one-byte', () => {
    const wide = { ...row(1, 1, 0.2, 1250), id: 'RestrictAddressFamilies_OTHER' }
    wide.name = 'RestrictAddressFamilies=~…'
    const unit = {
      ...unitWith([row(0, 1, 0.5, 1000), wide, { ...wide, file: 'b.service.d/x.conf' }]),
      path: 'units/é/a.service',
      // a string value that looks like the stand-in must stay as it is
      diagnostics: [{ file: 'a', line: 1, message: '"name":"RestrictAddressFamilies=~?"' }]
    } as unknown as UnitReport
    const json = unitJson(unit)
    expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify(unit)))
    expect(json).not.toContain('…')
    expect(json.split('"name":"RestrictAddressFamilies=~\\u2026"')).toHaveLength(3)
    // a unit without such a row is JSON.stringify's output, byte for byte
    const plain = unitWith([row(0, 1, 0.5, 1000)])
    expect(unitJson(plain)).toBe(JSON.stringify(plain))
  })
})

describe('SARIF log', () => {
  const report = (units: UnitReport[]): GateReport => ({
    schemaVersion: 1,
    threshold: 5,
    systemdVersion: 259,
    policy: 'baseline',
    passed: false,
    units
  })
  const failing = (path: string, checks: Check[]) =>
    ({
      ...unitWith(checks),
      path,
      unit: path.slice(path.lastIndexOf('/') + 1),
      status: 'scored',
      score: 9.4,
      exposure: 94,
      rating: 'UNSAFE',
      passed: false,
      dropIns: [],
      diagnostics: [{ file: path, line: 2, severity: 'error', code: 'x', message: 'm "q" \\' }],
      exceptions: []
    }) as unknown as UnitReport

  it('is written unit by unit exactly as JSON.stringify(log, null, 2) prints it', () => {
    for (const units of [
      [],
      [failing('a.service', [])],
      [
        failing('a.service', [row(0, 1, 0.5, 1000), row(1, 2, 0.3, 100)]),
        failing('b.service', [row(2, 1, 0.1, 50)])
      ]
    ]) {
      const text = renderSarif(report(units), '1.2.3')
      const log = JSON.parse(text)
      expect(text).toBe(JSON.stringify(log, null, 2) + '\n')
      // 2 rows + 1 diagnostic per unit above
      expect(log.runs[0].results).toHaveLength(units.reduce((n, u) => n + u.checks.length + 1, 0))
      expect(log.runs[0].tool.driver.rules.length).toBeGreaterThan(81)
    }
  })

  it('counts its results, and says when code scanning would cut or refuse the log', () => {
    const units = [failing('a.service', [row(0, 1, 0.5, 1000), row(1, 2, 0.3, 100)])]
    expect(renderSarifCounted(report(units), '1.2.3').results).toBe(3)
    expect(codeScanningLimitWarning(25_000, 10 * 1024 * 1024)).toBeUndefined()
    expect(codeScanningLimitWarning(25_001)).toMatch(
      /has 25001 results and GitHub keeps only the 5000 most severe of a run over 25000/
    )
    const both = codeScanningLimitWarning(30_000, 12 * 1024 * 1024)
    expect(both).toMatch(
      /12\.0 MB gzip-compressed and GitHub refuses uploads over 10 MB; it has 30000/
    )
  })
})
