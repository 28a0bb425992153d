/** The command line: arguments → scan → report → exit status (0 pass, 1 gate failed, 2 usage error). */
import * as fs from 'node:fs'
import { parseArgs } from 'node:util'
import { PolicyError, parseThreshold } from '../core/policy.js'
import type { GateReport } from '../core/report.js'
import { gateReport } from '../core/report.js'
import { NEWEST_SYSTEMD_VERSION, OLDEST_SYSTEMD_VERSION } from '../core/service.js'
import { loadPolicy } from '../policies.js'
import { renderJsonChunks } from '../render/json.js'
import { renderMarkdown } from '../render/markdown.js'
import { renderSarif } from '../render/sarif.js'
import { renderText } from '../render/text.js'
import { scan } from '../scan/scan.js'

export const VERSION = '0.1.0'

export const USAGE = `Usage: systemd-hardening-gate [options] [PATH...]

Scores systemd service units exactly like 'systemd-analyze security --offline=true'
and fails when a unit's exposure is above the threshold.

PATH            unit files, or directories searched for *.service (default: .)
--format F      text (default), json, markdown or sarif
--threshold N   fail units scoring above N (0.0-10.0, one decimal; default 5.0)
--policy P      built-in policy name or policy JSON file (default: baseline)
--systemd-version N
                target systemd version, ${OLDEST_SYSTEMD_VERSION}-${NEWEST_SYSTEMD_VERSION} (default ${NEWEST_SYSTEMD_VERSION}; Debian 12 is 252)
--exclude GLOB  skip matching files (repeatable)
--output FILE   write the report to FILE instead of standard output
--all-checks    JSON: list every check row, not only those that cost exposure or were skipped
--no-color      plain text even on a terminal
-h, --help      this help
--version       print the version

Exit status: 0 every unit passed, 1 the gate failed, 2 usage or configuration error.
`

export interface CliIO {
  cwd: string
  stdout: (text: string) => void
  stderr: (text: string) => void
  isTTY: boolean
  stderrIsTTY: boolean
  env: Record<string, string | undefined>
}

class UsageError extends Error {}

function parseVersion(text: string): number {
  if (!/^[0-9]{3}$/.test(text))
    throw new UsageError(`--systemd-version must be a number, got '${text}'`)
  const version = Number(text)
  if (version < OLDEST_SYSTEMD_VERSION || version > NEWEST_SYSTEMD_VERSION) {
    throw new UsageError(
      `--systemd-version ${version} is outside ${OLDEST_SYSTEMD_VERSION}-${NEWEST_SYSTEMD_VERSION}, the versions the engine models`
    )
  }
  return version
}

export async function runCli(argv: string[], io: CliIO): Promise<number> {
  let values: ReturnType<typeof parse>['values']
  let positionals: string[]
  function parse(args: string[]) {
    return parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string', default: 'text' },
        threshold: { type: 'string' },
        policy: { type: 'string', default: 'baseline' },
        'systemd-version': { type: 'string' },
        exclude: { type: 'string', multiple: true },
        output: { type: 'string' },
        'no-color': { type: 'boolean', default: false },
        'all-checks': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', default: false }
      }
    })
  }
  try {
    ;({ values, positionals } = parse(argv))
  } catch (error) {
    io.stderr(`systemd-hardening-gate: ${(error as Error).message}\n\n${USAGE}`)
    return 2
  }
  if (values.help) {
    io.stdout(USAGE)
    return 0
  }
  if (values.version) {
    io.stdout(`${VERSION}\n`)
    return 0
  }
  let report: GateReport
  try {
    const format = values.format!
    if (!['text', 'json', 'markdown', 'sarif'].includes(format)) {
      throw new UsageError(`--format must be text, json, markdown or sarif, got '${format}'`)
    }
    const version = values['systemd-version']
      ? parseVersion(values['systemd-version'])
      : NEWEST_SYSTEMD_VERSION
    const policy = loadPolicy(values.policy!, io.cwd)
    let threshold = policy.threshold ?? 50
    if (values.threshold !== undefined) {
      const parsed = parseThreshold(values.threshold)
      if (parsed === undefined) {
        throw new UsageError(
          `--threshold must be a number from 0.0 to 10.0 with one decimal, got '${values.threshold}'`
        )
      }
      threshold = parsed
    }
    const options = { version, policy, threshold }
    const showProgress = io.stderrIsTTY && format !== 'text'
    const { units, missing } = await scan(positionals.length ? positionals : ['.'], {
      ...options,
      cwd: io.cwd,
      exclude: values.exclude,
      keepPassingChecks: values['all-checks'] === true,
      onProgress: showProgress
        ? (done, total) => io.stderr(`\rscanned ${done}/${total} units`)
        : undefined
    })
    if (showProgress && units.length >= 500) io.stderr('\n')
    if (missing.length) throw new UsageError(`no such file or directory: ${missing.join(', ')}`)
    report = gateReport(units, options)
    const color =
      format === 'text' && io.isTTY && !values.output && !values['no-color'] && !io.env.NO_COLOR
    const chunks: Iterable<string> =
      format === 'json'
        ? renderJsonChunks(report)
        : format === 'markdown'
          ? [renderMarkdown(report)]
          : format === 'sarif'
            ? [renderSarif(report, VERSION)]
            : [renderText(report, { color })]
    if (values.output) {
      const fd = fs.openSync(values.output, 'w')
      try {
        for (const chunk of chunks) fs.writeSync(fd, chunk)
      } finally {
        fs.closeSync(fd)
      }
    } else {
      for (const chunk of chunks) io.stdout(chunk)
    }
  } catch (error) {
    if (error instanceof UsageError || error instanceof PolicyError) {
      io.stderr(`systemd-hardening-gate: ${error.message}\n`)
      return 2
    }
    throw error
  }
  return report.passed ? 0 : 1
}
