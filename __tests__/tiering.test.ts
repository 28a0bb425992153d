/**
 * V8's efficiency mode for the short text runs it makes faster (src/cli/tiering.ts): which runs
 * choose it, that a mode chosen on node's command line is kept, and what the CLI tells it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { runCli, type CliIO } from '../src/cli/run.js'
import {
  EFFICIENT_MAX_UNITS,
  choseTieringMode,
  efficiencyModeFits,
  tieringFor,
  type RunShape
} from '../src/cli/tiering.js'
import { root, runCli as runBundle } from './support/cli-process.js'

const textRun: RunShape = { format: 'text', everyDropIn: false, units: 10000, cpus: 2 }

describe('efficiencyModeFits', () => {
  it.each<[string, RunShape]>([
    ['a text report on 2 CPUs', textRun],
    ['one unit', { ...textRun, units: 1 }],
    ['the largest run measured faster', { ...textRun, units: EFFICIENT_MAX_UNITS }],
    ['3 CPUs', { ...textRun, cpus: 3 }]
  ])('fits %s', (_, run) => {
    expect(efficiencyModeFits(run)).toBe(true)
  })

  it.each<[string, RunShape]>([
    ['more units than it pays for', { ...textRun, units: EFFICIENT_MAX_UNITS + 1 }],
    ['every drop-in (--suggest, --fix)', { ...textRun, everyDropIn: true }],
    ['JSON', { ...textRun, format: 'json', everyDropIn: true }],
    ['SARIF (seconds of output on a large tree)', { ...textRun, format: 'sarif' }],
    ['markdown', { ...textRun, format: 'markdown', everyDropIn: true }],
    ['4 CPUs (not measured: V8 defaults)', { ...textRun, cpus: 4 }]
  ])('does not fit %s', (_, run) => {
    expect(efficiencyModeFits(run)).toBe(false)
  })
})

describe('choseTieringMode', () => {
  it.each([
    ['--efficiency-mode'],
    ['--no-efficiency-mode'],
    ['--efficiency_mode'],
    ['--efficiency-mode=false'],
    ['--battery-saver-mode']
  ])('keeps %s from node’s command line', (arg) => {
    expect(choseTieringMode(['--enable-source-maps', arg])).toBe(true)
  })

  it.each([[[]], [['--max-old-space-size=64']], [['--efficiency-mode-delay-turbofan=100']]])(
    'chooses itself with %j',
    (argv) => {
      expect(choseTieringMode(argv)).toBe(false)
    }
  )
})

describe('tieringFor', () => {
  it('sets the flag for a run that fits, and only then', () => {
    const flags: string[] = []
    const choose = tieringFor([], (f) => flags.push(f))
    expect(choose({ ...textRun, format: 'json', everyDropIn: true })).toBe(false)
    expect(flags).toEqual([])
    expect(choose(textRun)).toBe(true)
    expect(flags).toEqual(['--efficiency-mode'])
  })

  it('leaves V8 alone when node was started with a mode', () => {
    const flags: string[] = []
    expect(tieringFor(['--no-efficiency-mode'], (f) => flags.push(f))(textRun)).toBe(false)
    expect(flags).toEqual([])
  })
})

describe('the CLI asks once the walk has counted the units', () => {
  let tmp: string
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gate-tiering-'))
    for (let i = 0; i < 3; i++) {
      fs.writeFileSync(path.join(tmp, `u${i}.service`), '[Service]\nExecStart=/bin/true\n')
    }
  })
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

  const shapeOf = async (args: string[]): Promise<RunShape[]> => {
    const shapes: RunShape[] = []
    const io: CliIO = {
      cwd: root,
      cpus: 2,
      stdout: () => undefined,
      stderr: () => undefined,
      isTTY: false,
      stderrIsTTY: false,
      env: {},
      tiering: (run) => {
        shapes.push(run)
        return false
      }
    }
    expect(await runCli([...args, tmp], io)).toBe(1)
    return shapes
  }

  it.each<[string[], Partial<RunShape>]>([
    [[], { format: 'text', everyDropIn: false }],
    [['--suggest'], { format: 'text', everyDropIn: true }],
    [['--no-suggest', '--suggest'], { format: 'text', everyDropIn: false }],
    [['--format', 'json'], { format: 'json', everyDropIn: true }],
    [['--format', 'json', '--no-suggest'], { format: 'json', everyDropIn: false }],
    [['--format', 'sarif'], { format: 'sarif', everyDropIn: false }]
  ])('%j', async (args, expected) => {
    expect(await shapeOf(args)).toEqual([{ units: 3, cpus: 2, ...expected }])
  })

  it('the bundle chooses the mode itself unless node’s command line did', () => {
    const env = { SYSTEMD_HARDENING_GATE_DEBUG: '1' }
    const chosen = runBundle(['--output', path.join(tmp, 'out.txt'), tmp], root, env)
    expect(chosen.code).toBe(1)
    expect(chosen.stderr.includes("V8's efficiency mode")).toBe(os.availableParallelism() < 4)
    const json = runBundle(
      ['--format', 'json', '--output', path.join(tmp, 'out.json'), tmp],
      root,
      env
    )
    expect(json.stderr).not.toContain('efficiency')
  })
})
