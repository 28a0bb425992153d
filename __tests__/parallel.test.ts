/**
 * Worker threads (dist/cli.js --jobs N) must not change a byte of the report: a varied tree scanned
 * with 3 workers and with none gives the same output and exit status in every mode that uses them.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { defaultThreads, threadsFor } from '../src/cli/run.js'
import { chunkSize } from '../src/scan/parallel.js'
import { root, runCli, runUntilFirstOutput } from './support/cli-process.js'

const run = (args: string[], cwd: string) =>
  runCli(args, cwd, { SYSTEMD_HARDENING_GATE_DEBUG: '1' })

/** Deterministic pseudo-random numbers (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), a | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const EXTRA_LINES = [
  'NoNewPrivileges=yes',
  'PrivateTmp=yes',
  'ProtectSystem=strict',
  'ProtectHome=yes',
  'DynamicUser=yes',
  'User=app',
  'PrivateDevices=yes',
  'CapabilityBoundingSet=CAP_NET_BIND_SERVICE',
  'SystemCallFilter=@system-service',
  'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX',
  'ProtectKernelTunables=bogus',
  'PrivateNetwork=yes',
  'MemoryDenyWriteExecute=yes',
  '# hardening-gate: allow PrivateNetwork -- it serves the network',
  'ReadWritePaths=/var/lib/app'
]

let tree: string

beforeAll(() => {
  tree = fs.mkdtempSync(path.join(os.tmpdir(), 'gate-parallel-'))
  const examples = fs
    .readdirSync(path.join(root, 'examples'))
    .filter((name) => name.endsWith('.service'))
    .map((name) => fs.readFileSync(path.join(root, 'examples', name), 'utf8'))
  const next = random(7)
  for (let i = 0; i < 160; i++) {
    const dir = path.join(tree, `team-${i % 7}`)
    fs.mkdirSync(dir, { recursive: true })
    const name = i % 23 === 0 ? `tpl-${i}@.service` : `svc-${i}.service`
    let text = examples[Math.floor(next() * examples.length)]!
    if (next() < 0.8) text += '[Service]\n'
    for (const line of EXTRA_LINES) if (next() < 0.15) text += `${line}\n`
    if (i % 31 === 0) text = '[Service]\nType=simple\n' // no ExecStart=: invalid
    if (i % 37 === 0) text = '' // masked
    fs.writeFileSync(path.join(dir, name), text)
    if (i % 5 === 0) {
      fs.mkdirSync(path.join(dir, `${name}.d`))
      fs.writeFileSync(path.join(dir, `${name}.d`, '10-harden.conf'), '[Service]\nPrivateTmp=yes\n')
    }
    if (i % 29 === 0) fs.symlinkSync(name, path.join(dir, `alias-${i}.service`))
  }
})

afterAll(() => fs.rmSync(tree, { recursive: true, force: true }))

describe('worker threads', () => {
  it.each([
    ['text', []],
    ['text --no-suggest', ['--no-suggest']],
    ['json', ['--format', 'json']],
    ['json --all-checks --no-suggest', ['--format', 'json', '--all-checks', '--no-suggest']]
  ])('%s: 3 workers give the same report as one thread', (_, args) => {
    const serial = run([...args, '--jobs', '1', '.'], tree)
    const parallel = run([...args, '--jobs', '3', '.'], tree)
    expect(serial.stderr).toContain('one thread')
    expect(parallel.stderr).toContain('3 threads')
    expect(parallel.code).toBe(1)
    expect(parallel.code).toBe(serial.code)
    expect(parallel.stdout).toBe(serial.stdout)
    expect(parallel.stdout.length).toBeGreaterThan(10_000)
  })

  it('shows the first 20 drop-ins of a text report in full, as in one thread', () => {
    const parallel = run(['--jobs', '2', '.'], tree)
    expect(parallel.stdout.match(/^ {6}phase \d/gm)?.length).toBeGreaterThan(20)
    expect(parallel.stdout).toMatch(/ failed .*, 20 suggested drop-in\(s\)\n/)
  })

  it('stays in one thread for --suggest and the whole-report formats', () => {
    for (const args of [['--suggest'], ['--format', 'sarif'], ['--format', 'markdown']]) {
      expect(run([...args, '--jobs', '3', '.'], tree).stderr).toContain('one thread')
    }
  })

  it('uses workers by itself only from 1000 units on', () => {
    expect(run(['.'], tree).stderr).toContain('one thread')
  })

  it('rejects a --jobs that is not a positive whole number', () => {
    for (const jobs of ['0', 'two', '1.5']) {
      const result = run(['--jobs', jobs, '.'], tree)
      expect(result.code).toBe(2)
      expect(result.stderr).toContain('--jobs must be a whole number')
    }
  })
})

describe('a large JSON report with drop-ins', () => {
  let large: string
  beforeAll(() => {
    // 1,000 units (where the worker starts), a few distinct bodies, some failing, some not
    large = fs.mkdtempSync(path.join(os.tmpdir(), 'gate-stream-'))
    const bodies = [
      '[Service]\nExecStart=/usr/bin/app --port 8080\n',
      '[Service]\nExecStart=/usr/bin/worker\nDynamicUser=yes\nPrivateDevices=yes\n',
      `${fs.readFileSync(path.join(root, 'examples', 'baseline.service'), 'utf8')}`,
      '[Service]\nType=simple\n' // no ExecStart=: invalid
    ]
    for (let i = 0; i < 1000; i++) {
      const dir = path.join(large, `d${i % 10}`)
      fs.mkdirSync(dir, { recursive: true })
      fs.writeFileSync(path.join(dir, `u${i}.service`), bodies[i % bodies.length]!)
      if (i % 7 === 0) {
        // drop-in directories: the worker's reader takes the main thread's listings of them
        fs.mkdirSync(path.join(dir, `u${i}.service.d`))
        fs.writeFileSync(
          path.join(dir, `u${i}.service.d`, '10-tmp.conf'),
          '[Service]\nPrivateTmp=yes\n'
        )
      }
    }
  })
  afterAll(() => fs.rmSync(large, { recursive: true, force: true }))

  it('is made by one worker thread that writes it itself, byte for byte as in this thread', () => {
    const worker = run(['--format', 'json', '.'], large)
    const here = run(['--format', 'json', '--jobs', '1', '.'], large)
    expect(worker.stderr).toContain('one worker thread')
    expect(here.stderr).toContain('one thread')
    expect(worker.code).toBe(1)
    expect(worker.code).toBe(here.code)
    expect(worker.stdout).toBe(here.stdout)
    const report = JSON.parse(worker.stdout) as { units: Array<{ suggestion: unknown }> }
    expect(report.units).toHaveLength(1000)
    expect(report.units.filter((u) => u.suggestion !== null).length).toBeGreaterThan(400)
    // into a file as well
    const file = path.join(large, 'report.json')
    expect(run(['--format', 'json', '--output', file, '.'], large).code).toBe(1)
    expect(fs.readFileSync(file, 'utf8')).toBe(here.stdout)
  })

  it('in markdown is made by one worker thread too, byte for byte as in this thread', () => {
    const worker = run(['--format', 'markdown', '.'], large)
    const here = run(['--format', 'markdown', '--jobs', '1', '.'], large)
    expect(worker.stderr).toContain('one worker thread')
    expect(here.stderr).toContain('one thread')
    expect(worker.code).toBe(1)
    expect(here.code).toBe(1)
    expect(worker.stdout).toBe(here.stdout)
    expect(worker.stdout).toMatch(/^## systemd hardening gate: 750 unit\(s\) failed\n/)
    expect(worker.stdout.match(/^\| u\d+\.service \|/gm)).toHaveLength(1000)
    expect(worker.stdout.match(/<summary>Suggested drop-in /g)).toHaveLength(500)
    // without drop-ins it stays here
    expect(run(['--format', 'markdown', '--no-suggest', '.'], large).stderr).toContain('one thread')
  })

  it('ends at once, quietly, with status 1 when its reader stops reading', async () => {
    for (const format of ['json', 'markdown']) {
      expect(await runUntilFirstOutput(['--format', format, '.'], large)).toEqual({
        code: 1,
        stderr: ''
      })
    }
  })
})

describe('defaultThreads', () => {
  it('uses worker threads from 4 CPUs and 1000 units on, leaving one CPU to V8', () => {
    expect(defaultThreads(2, 10_000)).toBe(1)
    expect(defaultThreads(4, 999)).toBe(1)
    expect(defaultThreads(4, 1000)).toBe(3)
    expect(defaultThreads(64, 10_000)).toBe(8)
  })

  it('gives JSON reports worker threads only when --jobs asks for them (memory)', () => {
    expect(threadsFor('text', undefined, 8, 10_000)).toBe(7)
    expect(threadsFor('json', undefined, 8, 10_000)).toBe(1)
    expect(threadsFor('json', 3, 8, 10_000)).toBe(3)
    expect(threadsFor('text', 1, 8, 10_000)).toBe(1)
  })
})

describe('chunkSize', () => {
  it('gives each worker about eight chunks, from 25 to 500 units each', () => {
    expect(chunkSize(10_000, 2)).toBe(500)
    expect(chunkSize(10_000, 4)).toBe(313)
    expect(chunkSize(160, 3)).toBe(25)
    expect(chunkSize(1, 8)).toBe(25)
  })
})
