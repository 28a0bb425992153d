/**
 * The Action: inputs → scan → outputs and verdict. Annotations, summary, review and the regression
 * gate are issue #3/#4 work; this is the foundation they extend.
 */
import * as core from '@actions/core'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { gateReport } from './core/report.js'
import { readSettings } from './github/inputs.js'
import { scan } from './scan/scan.js'

export async function run(): Promise<void> {
  try {
    const settings = readSettings(process.env)
    const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd()
    const { units, missing } = await scan(settings.paths, {
      version: settings.version,
      policy: settings.policy,
      threshold: settings.threshold,
      cwd: workspace,
      exclude: settings.exclude
    })
    for (const entry of missing) core.warning(`No such path: ${entry}`)
    const report = gateReport(units, settings)
    const reportPath = path.join(
      process.env.RUNNER_TEMP ?? os.tmpdir(),
      'systemd-hardening-gate.json'
    )
    fs.writeFileSync(reportPath, JSON.stringify(report, null, 2))
    const scored = units.filter((u) => u.score !== null).map((u) => u.score!)
    const failed = units.filter((u) => !u.passed)
    core.setOutput('passed', String(report.passed))
    core.setOutput('max-score', scored.length ? Math.max(...scored).toFixed(1) : '')
    core.setOutput('failed-units', String(failed.length))
    core.setOutput('report', reportPath)
    if (units.length === 0) core.info('No service units found: nothing to gate.')
    if (!report.passed && settings.failOn !== 'never') {
      core.setFailed(
        `${failed.length} unit(s) fail the hardening gate (threshold ${(settings.threshold / 10).toFixed(1)}): ` +
          failed
            .slice(0, 10)
            .map(
              (u) =>
                `${u.path} ${u.score === null ? u.status : `${u.score.toFixed(1)} ${u.rating}`}`
            )
            .join(', ')
      )
    }
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : `unexpected error: ${String(error)}`)
  }
}
