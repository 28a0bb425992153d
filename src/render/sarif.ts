/** SARIF 2.1.0 log for code scanning: one rule per check, results at the deciding line. */
import { CHECKS, docsUrl } from '../core/checks.js'
import type { GateReport, UnitReport } from '../core/report.js'
import type { Diagnostic } from '../core/service.js'
import { runnerSafeJson } from './escape.js'

const TOOL_URI = 'https://github.com/systemd-hardening-gate/systemd-hardening-gate'
/** Where the per-check pages are published (docs/checks/ of the default branch). */
const DOCS_BASE = `${TOOL_URI}/blob/main/`

const EXTRA_RULES = [
  {
    id: 'unit-not-loaded',
    name: 'UnitNotLoaded',
    shortDescription: { text: 'systemd refuses to load this unit' },
    fullDescription: {
      text: 'The unit has a fatal error (syntax, encoding, invalid setting or missing command), so systemd would not start it.'
    }
  },
  {
    id: 'ignored-directive',
    name: 'IgnoredDirective',
    shortDescription: { text: 'A directive systemd ignores' },
    fullDescription: {
      text: 'The line looks like a setting but systemd ignores it (invalid value, wrong case, wrong section, unknown to the target version), so it protects nothing.'
    }
  },
  {
    id: 'systemd-warning',
    name: 'SystemdWarning',
    shortDescription: { text: 'A line systemd reads but warns about' },
    fullDescription: {
      text: 'systemd applies the line but logs a warning: part of it is left out (a path that is not absolute, an Environment= word that is no assignment) or it is unsafe (User=nobody).'
    }
  },
  {
    id: 'unit-lookup',
    name: 'UnitLookup',
    shortDescription: { text: 'How systemd finds this unit' },
    fullDescription: {
      text: 'A fact of how systemd finds the unit, its names and its drop-ins (an alias, a link, an instance judged instead of the test instance) that decides what is scored.'
    }
  },
  {
    id: 'unit-unreadable',
    name: 'UnitUnreadable',
    shortDescription: { text: 'The gate could not read this unit' },
    fullDescription: {
      text: 'The file is not a regular file inside the scanned tree, or it is too large.'
    }
  }
]

/** The rules of the diagnostics that are not lines systemd ignores (those are 'ignored-directive'). */
const DIAGNOSTIC_RULES: Partial<Record<Diagnostic['code'], string>> = {
  'systemd-warning': 'systemd-warning',
  lookup: 'unit-lookup'
}

/** FNV-1a, 64-bit, hex: stable fingerprints without line numbers. */
function fingerprint(text: string): string {
  let hash = 0xcbf29ce484222325n
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= BigInt(byte)
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn
  }
  return hash.toString(16).padStart(16, '0')
}

/**
 * A relative URI reference naming `file`: encodeURI() leaves `#` and `?` (a fragment, a query) and a
 * `:` in the first segment (a scheme) as they are, which would name another file.
 */
export function relativeUri(file: string): string {
  const uri = encodeURI(file).replace(/[#?]/g, (c) => (c === '#' ? '%23' : '%3F'))
  const slash = uri.indexOf('/')
  const first = slash < 0 ? uri : uri.slice(0, slash)
  return first.includes(':') ? first.replaceAll(':', '%3A') + uri.slice(first.length) : uri
}

function location(file: string, line: number) {
  return {
    physicalLocation: {
      artifactLocation: { uri: relativeUri(file) },
      region: { startLine: Math.max(1, line) }
    }
  }
}

function unitResults(unit: UnitReport) {
  const results: unknown[] = []
  if (unit.status === 'invalid' || unit.status === 'error') {
    results.push({
      ruleId: unit.status === 'invalid' ? 'unit-not-loaded' : 'unit-unreadable',
      level: 'error',
      message: { text: `${unit.unit}: ${unit.reason ?? unit.status}` },
      locations: [location(unit.at?.file ?? unit.path, unit.at?.line ?? 1)],
      partialFingerprints: {
        'unitFinding/v1': fingerprint(`${unit.path}\0${unit.status}\0${unit.reason}`)
      }
    })
  }
  for (const check of unit.checks) {
    if (check.badness === null || check.badness === 0) continue
    const detail = check.detail ? ` (${check.detail})` : ''
    results.push({
      ruleId: check.id,
      level: unit.passed ? 'note' : 'warning',
      message: {
        text: `${unit.unit} scores ${unit.score?.toFixed(1)} ${unit.rating}; ${check.name} adds ${(check.exposure ?? 0).toFixed(1)}${detail}`
      },
      locations: [location(check.file, check.line)],
      partialFingerprints: {
        'unitFinding/v1': fingerprint(`${unit.path}\0${check.id}\0${check.detail ?? ''}`)
      }
    })
  }
  for (const diagnostic of unit.diagnostics) {
    if (diagnostic.severity === 'notice') continue
    results.push({
      ruleId: DIAGNOSTIC_RULES[diagnostic.code] ?? 'ignored-directive',
      level: diagnostic.severity === 'error' ? 'error' : 'warning',
      message: { text: diagnostic.message },
      locations: [location(diagnostic.file, diagnostic.line)],
      partialFingerprints: {
        'unitFinding/v1': fingerprint(
          `${diagnostic.file}\0${diagnostic.code}\0${diagnostic.message}`
        )
      }
    })
  }
  return results
}

function rules() {
  return [
    ...CHECKS.map((check) => ({
      id: check.id,
      name: check.name,
      shortDescription: { text: check.bad },
      fullDescription: { text: `${check.bad} Fix: ${check.fix.join('; ')}.` },
      help: {
        text: `${check.good} Fix with ${check.fix.join(' and ')}. May break: ${check.breaks}`,
        markdown: `${check.good}\n\nFix:\n\n\`\`\`ini\n[Service]\n${check.fix.join('\n')}\n\`\`\`\n\nWhen it may break a service: ${check.breaks}\n\nMore: [${check.id}](${DOCS_BASE}${docsUrl(check.id)}), [systemd.exec](${check.man})`
      },
      helpUri: `${DOCS_BASE}${docsUrl(check.id)}`,
      defaultConfiguration: { level: 'warning' },
      properties: { weight: check.weight, range: check.range, tags: ['security', 'systemd'] }
    })),
    ...EXTRA_RULES
  ]
}

export interface SarifStream {
  start(): string
  unit(unit: UnitReport): string
  end(): string
  /** results written so far */
  results(): number
}

/** GitHub code scanning's upload limits (docs: code scanning, SARIF results exceed/file too large). */
export const CODE_SCANNING_LIMITS = {
  /** a run with more results keeps only the most severe `keptResults` */
  results: 25_000,
  keptResults: 5_000,
  /** a larger upload is refused */
  gzipBytes: 10 * 1024 * 1024
} as const

/** What code scanning will do with a log this large, or undefined when it takes it whole. */
export function codeScanningLimitWarning(results: number, gzipBytes?: number): string | undefined {
  const problems: string[] = []
  if (gzipBytes !== undefined && gzipBytes > CODE_SCANNING_LIMITS.gzipBytes) {
    const mb = (gzipBytes / 1024 / 1024).toFixed(1)
    problems.push(`it is ${mb} MB gzip-compressed and GitHub refuses uploads over 10 MB`)
  }
  if (results > CODE_SCANNING_LIMITS.results) {
    problems.push(
      `it has ${results} results and GitHub keeps only the ${CODE_SCANNING_LIMITS.keptResults} most severe of a run over ${CODE_SCANNING_LIMITS.results}`
    )
  }
  if (problems.length === 0) return undefined
  return `The SARIF log is too large for code scanning: ${problems.join('; ')}. Narrow the units it covers (paths, exclude) or split them into several uploads with their own category.`
}

/** Where the results array sits in the log: its items are indented this much. */
const RESULTS_KEY = '"results": []'
const RESULT_INDENT = ' '.repeat(8)

/**
 * The log as JSON.stringify(log, null, 2) prints it, written unit by unit: a large tree's results
 * (tens of thousands) are never held together, nor the whole text.
 */
export function createSarifStream(toolVersion: string): SarifStream {
  const empty = JSON.stringify(
    {
      $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
      version: '2.1.0',
      runs: [
        {
          tool: {
            driver: {
              name: 'systemd-hardening-gate',
              version: toolVersion,
              informationUri: TOOL_URI,
              rules: rules()
            }
          },
          results: []
        }
      ]
    },
    null,
    2
  )
  const at = empty.lastIndexOf(RESULTS_KEY)
  const before = empty.slice(0, at + RESULTS_KEY.length - 1)
  const after = empty.slice(at + RESULTS_KEY.length - 1)
  let count = 0
  return {
    start: () => before,
    unit(unit) {
      let text = ''
      for (const result of unitResults(unit)) {
        const body = runnerSafeJson(JSON.stringify(result, null, 2))
          .split('\n')
          .join(`\n${RESULT_INDENT}`)
        text += `${count++ ? ',' : ''}\n${RESULT_INDENT}${body}`
      }
      return text
    },
    end: () => (count ? `\n      ${after}` : after) + '\n',
    results: () => count
  }
}

export function renderSarif(report: GateReport, toolVersion: string): string {
  return renderSarifCounted(report, toolVersion).sarif
}

/** The log and how many results it holds. */
export function renderSarifCounted(
  report: GateReport,
  toolVersion: string
): { sarif: string; results: number } {
  const stream = createSarifStream(toolVersion)
  const sarif =
    stream.start() + report.units.map((unit) => stream.unit(unit)).join('') + stream.end()
  return { sarif, results: stream.results() }
}
