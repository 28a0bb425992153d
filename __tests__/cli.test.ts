/**
 * The CLI as users run it: the committed bundle dist/cli.js in a child process, on the bundled
 * examples and on temporary trees.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { root, runCli as run, runUntilFirstOutput } from './support/cli-process.js'

interface JsonUnit {
  path: string
  unit: string
  status: string
  score: number | null
  rating: string | null
  passed: boolean
  checks: Array<{
    id: string
    badness: number | null
    weight: number
    range: number
    file: string
    line: number
  }>
  suggestion: unknown
}

let tmp: string
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gate-cli-'))
})
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

describe('systemd-hardening-gate CLI', () => {
  it('skips what --exclude matches (fast-glob, from the bundle chunk only this option loads)', () => {
    const { code, stdout, stderr } = run([
      '--format',
      'json',
      '--exclude',
      '**/bare.service',
      '--exclude',
      'nodejs-*',
      'examples'
    ])
    expect(stderr).toBe('')
    expect(code).toBe(1)
    const paths = (JSON.parse(stdout) as { units: JsonUnit[] }).units.map((u) => u.path)
    expect(paths).toEqual([
      'examples/baseline.service',
      'examples/cloudflared.service',
      'examples/dynamicuser-app.service',
      'examples/legacy-daemon.service',
      'examples/postgresql.service'
    ])
  })

  it('finds units below names globs cannot match, and reports a directory it cannot open', () => {
    const dir = path.join(tmp, 'odd-names')
    const unit = '[Service]\nExecStart=/usr/bin/app\n'
    for (const name of ['nl\nx', 'ls\u2028x', 'skip\rme']) {
      fs.mkdirSync(path.join(dir, name), { recursive: true })
      fs.writeFileSync(path.join(dir, name, 'a.service'), unit)
    }
    // a directory whose name is not UTF-8 (0xFE), holding a unit
    const raw = Buffer.concat([Buffer.from(`${dir}/bad`), Buffer.of(0xfe)])
    fs.mkdirSync(raw)
    fs.writeFileSync(Buffer.concat([raw, Buffer.from('/b.service')]), unit)
    const paths = (args: string[]) =>
      (
        JSON.parse(run(['--format', 'json', ...args, dir]).stdout) as { units: JsonUnit[] }
      ).units.map((u) => [path.relative(dir, path.resolve(root, u.path)), u.status, u.passed])
    const all = [
      ['bad\uFFFD', 'error', false],
      ['ls\u2028x/a.service', 'scored', false],
      ['nl\nx/a.service', 'scored', false],
      ['skip\rme/a.service', 'scored', false]
    ]
    // the walk, and fast-glob with --exclude (its patterns cannot match through a line break)
    expect(paths([])).toEqual(all)
    expect(paths(['--exclude', 'nothing'])).toEqual(all)
    expect(paths(['--exclude', '**/skip*'])).toEqual(
      all.filter(([p]) => !String(p).startsWith('skip'))
    )
    expect(paths(['--exclude', '**/bad*'])).toEqual(all.slice(1))
    const { stdout } = run(['--no-color', dir])
    expect(stdout).toMatch(/bad\uFFFD +error: a directory whose name is not valid UTF-8/)
  })

  it('prints nothing a CI runner would take for a command, in any format, and bounds long reasons', () => {
    const dir = path.join(tmp, 'runner')
    const unit =
      '[Service]\nExecStart=/usr/bin/app\nUser=##[add-mask]UNSAFE\n' +
      'NoNewPrivileges=##[set-output name=passed;]true\n'
    fs.mkdirSync(path.join(dir, '##[warning file=README.md;line=1]forged'), { recursive: true })
    fs.writeFileSync(path.join(dir, 'app.service'), unit)
    fs.writeFileSync(path.join(dir, '##[warning file=README.md;line=1]forged', 'b.service'), unit)
    fs.writeFileSync(
      path.join(dir, 'long.service'),
      `[Service]\nExecStart=/bin/true\nUser=/${'A'.repeat(300_000)}\n`
    )
    // the runner reads `##[` anywhere in a line of stdout or stderr, `::` at a line's start
    const commandLike = (text: string) =>
      text.split(/\r?\n/).filter((line) => line.includes('##[') || /^\s*::/.test(line))
    for (const format of ['text', 'json', 'markdown', 'sarif']) {
      const { code, stdout, stderr } = run(['--format', format, '--no-color', dir])
      expect([format, code]).toEqual([format, 1])
      expect([format, commandLike(stdout + stderr)]).toEqual([format, []])
      if (format === 'json') {
        // the same strings for a JSON reader
        const units = (JSON.parse(stdout) as { units: JsonUnit[] }).units
        expect(units.map((u) => path.relative(dir, path.resolve(root, u.path)))).toContain(
          '##[warning file=README.md;line=1]forged/b.service'
        )
      }
      if (format === 'text' || format === 'markdown') {
        const longest = Math.max(...stdout.split('\n').map((l) => l.length))
        expect([format, longest < 10_000]).toEqual([format, true])
      }
    }
    // --fix tells what it wrote on stderr: a directory name with line breaks stays on its line
    const fix = path.join(tmp, 'runner-fix')
    const odd = path.join(fix, 'x\n::error file=evil.c,line=1::forged\n##[add-mask]y')
    fs.mkdirSync(odd, { recursive: true })
    fs.writeFileSync(path.join(odd, 'a.service'), '[Service]\nExecStart=/usr/bin/foo\n')
    const fixed = run(['--fix', '--no-color', fix])
    expect(fixed.stderr).toMatch(/^wrote \S*runner-fix\/x\\u000a::error\S* file=evil.c/m)
    expect(commandLike(fixed.stdout + fixed.stderr)).toEqual([])
  })

  it('turns unusable globs, policies and outputs into a one-line usage error (exit 2)', () => {
    const cases: Array<[string[], RegExp]> = [
      [['--exclude', '{a,b}'.repeat(10)], /cannot be used: more than 8 brace groups/],
      [['--exclude', '{1..1000000}'], /cannot be used: a brace range/],
      [['--exclude', '['.repeat(50_000)], /cannot be used: longer than 4096 characters/],
      [['--policy', '/dev/zero'], /policy \/dev\/zero is not a regular file/],
      [['--output', '/dev/full'], /cannot write --output \/dev\/full: ENOSPC/],
      [['--output', path.join(tmp, 'missing', 'x')], /cannot write --output .*: ENOENT/]
    ]
    for (const [args, message] of cases) {
      const { code, stderr } = run([...args, 'examples'])
      expect([args[0], code]).toEqual([args[0], 2])
      expect(stderr).toMatch(message)
      expect(stderr).not.toMatch(/internal error|\n\s+at /)
    }
  })

  it('scores the bundled examples as systemd 252 does and fails the gate', () => {
    const { code, stdout } = run(['--format', 'json', '--systemd-version', '252', 'examples'])
    expect(code).toBe(1)
    const report = JSON.parse(stdout) as {
      schemaVersion: number
      threshold: number
      passed: boolean
      units: JsonUnit[]
    }
    expect(report.schemaVersion).toBe(1)
    expect(report.threshold).toBe(5)
    expect(report.passed).toBe(false)
    const scores = Object.fromEntries(report.units.map((u) => [u.path, u.score]))
    // Printed by `systemd-analyze security --offline=true` 252.38 for each file.
    expect(scores).toEqual({
      'examples/bare.service': 9.6,
      'examples/baseline.service': 3.2,
      'examples/cloudflared.service': 3.9,
      'examples/dynamicuser-app.service': 8.3,
      'examples/legacy-daemon.service': 9,
      'examples/nodejs-app.service': 5.4,
      'examples/postgresql.service': 4.9
    })
    const bare = report.units.find((u) => u.unit === 'bare.service')!
    expect(bare).toMatchObject({
      status: 'scored',
      rating: 'UNSAFE',
      passed: false,
      suggestion: { path: 'examples/bare.service.d/hardening.conf' }
    })
    const baseline = report.units.find((u) => u.unit === 'baseline.service')!
    expect(baseline.suggestion).toBeNull()
    const network = bare.checks.find((c) => c.id === 'PrivateNetwork')!
    expect(network).toMatchObject({
      badness: 1,
      weight: 2500,
      range: 1,
      file: 'examples/bare.service'
    })
    const legacy = report.units.find((u) => u.unit === 'legacy-daemon.service')!
    const header = fs
      .readFileSync(path.join(root, 'examples/legacy-daemon.service'), 'utf8')
      .split('\n')
    const missing = legacy.checks.find((c) => c.id === 'PrivateNetwork')!
    expect(header[missing.line - 1]).toBe('[Service]')
    expect(legacy.checks.find((c) => c.id === 'PrivateTmp')).toBeUndefined()
  })

  it('passes when every unit is at or below the threshold', () => {
    // 9.4 for systemd 254 and later (9.6 for 252: an unset PrivateMounts= counts as bad there)
    const { code, stdout } = run(['--threshold', '9.4', 'examples/bare.service'])
    expect(code).toBe(0)
    expect(stdout).toContain('9.4 UNSAFE')
    expect(run(['--threshold', '9.3', 'examples/bare.service']).code).toBe(1)
    const old = run(['--systemd-version', '252', '--threshold', '9.5', 'examples/bare.service'])
    expect([old.code, old.stdout]).toEqual([1, expect.stringContaining('9.6 UNSAFE')])
  })

  it.each([
    [['--threshold', 'abc', 'examples'], /--threshold/],
    [['--threshold', '-1', 'examples'], /--threshold/],
    [['--threshold', '10%', 'examples'], /--threshold/],
    [['--threshold', '5.55', 'examples'], /--threshold/],
    [['--format', 'yaml', 'examples'], /--format/],
    [['--policy', 'no-such-policy', 'examples'], /unknown policy/],
    [['--systemd-version', '199', 'examples'], /--systemd-version/],
    [['--bogus', 'examples'], /Unknown option/],
    [['does-not-exist'], /no such file/]
  ])('exits 2 with a clear message for %j', (args, message) => {
    const { code, stderr } = run(args)
    expect(code).toBe(2)
    expect(stderr).toMatch(message)
  })

  it('keeps the line breaks of the option parser’s messages', () => {
    const { code, stderr } = run(['--threshold', '-1', 'examples'])
    expect(code).toBe(2)
    expect(stderr).not.toContain('\\u000a')
    expect(stderr).toMatch(/ambiguous\.\nDid you forget[^\n]*\nTo specify[^\n]*'--threshold=-XYZ'/)
    // a control character in an argument is still escaped, a line break too (no forged line)
    expect(run(['--bo\u001bgus', 'examples']).stderr).toContain('--bo\\u001bgus')
    const forged = run(['--bogus\n1 unit(s), 0 failed', 'examples']).stderr
    expect(forged).toContain('--bogus\\u000a1 unit(s)')
    expect(forged.split('\n').some((line) => line.startsWith('1 unit(s)'))).toBe(false)
  })

  it('says so when --no-suggest computed no drop-ins', () => {
    const { code, stdout } = run(['--no-suggest', 'examples'])
    expect(code).toBe(1)
    expect(stdout).not.toContain('Drop-ins are shown')
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('No drop-ins were computed (--no-suggest).')
    expect(run(['examples']).stdout).not.toContain('--no-suggest')
  })

  it('writes markdown and SARIF', () => {
    const markdown = run(['--format', 'markdown', 'examples'])
    expect(markdown.stdout).toContain(
      '| bare.service | examples/bare.service | 9.4 | UNSAFE | ❌ fail |'
    )
    expect(markdown.stdout).toMatch(
      /<details><summary>Suggested drop-in examples\/bare\.service\.d\/hardening\.conf: \d\.\d [A-Z]+<\/summary>\n\n```ini\n[^]*\[Service\]\n[^]*```\n\n<\/details>/
    )
    const out = path.join(tmp, 'gate.sarif')
    expect(run(['--format', 'sarif', '--output', out, 'examples']).code).toBe(1)
    const sarif = JSON.parse(fs.readFileSync(out, 'utf8'))
    expect(sarif.version).toBe('2.1.0')
    expect(sarif.runs[0].tool.driver.rules.length).toBeGreaterThanOrEqual(81)
    const result = sarif.runs[0].results.find(
      (r: { ruleId: string }) => r.ruleId === 'PrivateNetwork'
    )
    expect(result.locations[0].physicalLocation.region.startLine).toBeGreaterThan(0)
    expect(result.partialFingerprints['unitFinding/v1']).toMatch(/^[0-9a-f]{16}$/)
    expect(run(['--format', 'sarif', '--output', out, 'examples']).stderr).toBe('')
  })

  it('files each diagnostic under the SARIF rule of its kind (red team, session 26)', () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'rules-'))
    fs.writeFileSync(
      path.join(dir, 'a.service'),
      '[Service]\nExecStart=/bin/true\nUser=nobody\nProtectSystem=bogus\n'
    )
    const out = path.join(tmp, 'rules.sarif')
    run(['--format', 'sarif', '--output', out, dir])
    const log = JSON.parse(fs.readFileSync(out, 'utf8')).runs[0]
    const ruled = (line: number): string | undefined =>
      log.results.find(
        (r: {
          ruleId: string
          locations: Array<{ physicalLocation: { region: { startLine: number } } }>
        }) => !/^[A-Z]/.test(r.ruleId) && r.locations[0]!.physicalLocation.region.startLine === line
      )?.ruleId
    // User=nobody is read (with a warning), ProtectSystem=bogus is ignored
    expect([ruled(3), ruled(4)]).toEqual(['systemd-warning', 'ignored-directive'])
    const rules = new Set(log.tool.driver.rules.map((r: { id: string }) => r.id))
    expect(
      ['systemd-warning', 'ignored-directive', 'unit-lookup'].every((id) => rules.has(id))
    ).toBe(true)
  })

  it('warns when a SARIF log has more results than code scanning keeps', () => {
    // a bare unit has 74 results: 340 of them pass 25,000
    const dir = fs.mkdtempSync(path.join(tmp, 'many-'))
    const bare = fs.readFileSync(path.join(root, 'examples', 'bare.service'))
    for (let i = 0; i < 340; i++) fs.writeFileSync(path.join(dir, `u${i}.service`), bare)
    const out = path.join(tmp, 'many.sarif')
    const result = run(['--format', 'sarif', '--output', out, dir])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(
      /^systemd-hardening-gate: warning: The SARIF log is too large for code scanning: it has 25160 results and GitHub keeps only the 5000 most severe/
    )
    expect(JSON.parse(fs.readFileSync(out, 'utf8')).runs[0].results).toHaveLength(25160)
  })

  it('keeps every row with --all-checks, and only costly or skipped rows otherwise', () => {
    const all = JSON.parse(
      run(['--format', 'json', '--all-checks', 'examples/baseline.service']).stdout
    )
    const some = JSON.parse(run(['--format', 'json', 'examples/baseline.service']).stdout)
    expect(all.units[0].checks).toHaveLength(81)
    expect(some.units[0].checks.length).toBeLessThan(81)
    expect(some.units[0].checks.every((c: { badness: number | null }) => c.badness !== 0)).toBe(
      true
    )
  })

  it('never lets unit text inject workflow commands or terminal escapes', () => {
    const dir = path.join(tmp, 'inject')
    fs.mkdirSync(dir, { recursive: true })
    fs.writeFileSync(
      path.join(dir, 'evil.service'),
      '[Service]\nExecStart=/bin/true\nProtectSystem=x\n::stop-commands::token\n' +
        'ProtectHome=\u001b[31m\n::set-output name=passed::true\nUser=bad\rname\n'
    )
    const { stdout } = run(['--format', 'text', dir])
    for (const line of stdout.split('\n')) {
      expect(line.startsWith('::')).toBe(false)
      expect(line.startsWith('##[')).toBe(false)
    }
    expect(stdout).not.toContain('\u001b[31m')
    expect(stdout).toContain('\\u001b')
  })

  it('reports masked, invalid and unreadable units per file and goes on', () => {
    const dir = path.join(tmp, 'mixed')
    fs.mkdirSync(path.join(dir, 'x.service'), { recursive: true })
    fs.writeFileSync(path.join(dir, 'empty.service'), '')
    fs.symlinkSync('/dev/null', path.join(dir, 'null.service'))
    fs.symlinkSync('/etc/passwd', path.join(dir, 'outside.service'))
    fs.writeFileSync(path.join(dir, 'noexec.service'), '[Service]\nUser=app\n')
    fs.writeFileSync(
      path.join(dir, 'binary.service'),
      Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0xff, 0xfe, 0x00, 0x0a])
    )
    fs.writeFileSync(
      path.join(dir, 'good.service'),
      '[Service]\nExecStart=/bin/true\nDynamicUser=yes\n'
    )
    const { code, stdout } = run(['--format', 'json', dir])
    expect(code).toBe(1)
    const units = (JSON.parse(stdout) as { units: JsonUnit[] }).units
    const status = Object.fromEntries(units.map((u) => [u.unit, u.status]))
    expect(status).toEqual({
      'binary.service': 'invalid',
      'empty.service': 'masked',
      'good.service': 'scored',
      'noexec.service': 'invalid',
      'null.service': 'masked',
      'outside.service': 'error',
      'x.service': 'error'
    })
  })

  it('skips .git and node_modules', () => {
    const dir = path.join(tmp, 'skips')
    for (const sub of ['.git', 'node_modules/pkg', 'units']) {
      fs.mkdirSync(path.join(dir, sub), { recursive: true })
      fs.writeFileSync(path.join(dir, sub, 'a.service'), '[Service]\nExecStart=/bin/true\n')
    }
    const units = (JSON.parse(run(['--format', 'json', dir]).stdout) as { units: JsonUnit[] }).units
    expect(units.map((u) => path.relative(dir, path.join(root, u.path)))).toEqual([
      'units/a.service'
    ])
  })

  it('--user scores every unit as a user manager does, in one thread or several', () => {
    const dir = path.join(tmp, 'user-flag')
    fs.mkdirSync(dir, { recursive: true })
    for (let i = 0; i < 12; i++) {
      fs.writeFileSync(path.join(dir, `u${i}.service`), `[Service]\nExecStart=/bin/true ${i}\n`)
    }
    const scores = (...extra: string[]) =>
      (
        JSON.parse(
          run(['--format', 'json', '--no-suggest', '--systemd-version', '252', ...extra, dir])
            .stdout
        ) as { units: Array<JsonUnit & { manager?: string }> }
      ).units.map((u) => `${u.manager ?? 'system'} ${u.score}`)
    // systemd-analyze (--user) security --offline=true, 252: KeyringMode= inherit costs 0.2
    expect(new Set(scores())).toEqual(new Set(['system 9.6']))
    expect(new Set(scores('--user'))).toEqual(new Set(['user 9.8']))
    expect(scores('--user', '--jobs', '2')).toEqual(scores('--user'))
    expect(run(['--user', '--no-suggest', dir]).stdout).toMatch(/9\.[0-9] UNSAFE \(user unit\)/)
  })
})

describe('progress on large trees', () => {
  it('prints a progress line on a terminal stderr, and none when stderr is not a terminal', async () => {
    const { runCli } = await import('../src/cli/run.js')
    const dir = path.join(tmp, 'large')
    fs.mkdirSync(dir, { recursive: true })
    for (let i = 0; i < 600; i++) {
      fs.writeFileSync(
        path.join(dir, `u${i}.service`),
        '[Service]\nExecStart=/bin/true\nDynamicUser=yes\n'
      )
    }
    const runIn = async (stderrIsTTY: boolean): Promise<string> => {
      let stderr = ''
      const code = await runCli(
        ['--format', 'json', '--no-suggest', '--output', path.join(tmp, 'large.json'), dir],
        {
          cwd: root,
          stdout: () => undefined,
          stderr: (text) => {
            stderr += text
          },
          isTTY: false,
          stderrIsTTY,
          env: {}
        }
      )
      expect(code).toBe(1)
      return stderr
    }
    expect(await runIn(true)).toContain('\rscanned 500/600 units')
    expect(await runIn(false)).toBe('')
  })
})

describe('the read-ahead worker', () => {
  it('reads a large tree ahead on a spare CPU, and the report is the same as without it', async () => {
    const { runCli } = await import('../src/cli/run.js')
    const dir = path.join(tmp, 'read-ahead')
    for (let i = 0; i < 520; i++) {
      const sub = path.join(dir, `d${i % 9}`)
      fs.mkdirSync(sub, { recursive: true })
      fs.writeFileSync(path.join(sub, `u${i}.service`), `[Service]\nExecStart=/bin/true ${i}\n`)
      if (i % 4 === 0) {
        fs.mkdirSync(path.join(sub, `u${i}.service.d`))
        fs.writeFileSync(path.join(sub, `u${i}.service.d`, 'a.conf'), '[Service]\nPrivateTmp=yes\n')
      }
    }
    const runWith = async (cpus: number) => {
      let output = ''
      let errors = ''
      const code = await runCli(['--format', 'json', dir], {
        cwd: root,
        cpus,
        stdout: (text) => {
          output += typeof text === 'string' ? text : Buffer.from(text).toString('utf8')
        },
        stderr: (text) => (errors += text),
        isTTY: false,
        stderrIsTTY: false,
        env: { SYSTEMD_HARDENING_GATE_DEBUG: '1' }
      })
      return { code, output, errors }
    }
    const one = await runWith(1)
    const two = await runWith(2)
    expect(one.errors).not.toMatch(/read ahead/)
    // of 520 unit files and 130 drop-ins: the ones read before the worker ran (a loaded machine
    // starts it late) the scan read itself
    const served = Number(/scan: (\d+) file\(s\) read ahead/.exec(two.errors)?.[1])
    expect(served).toBeGreaterThan(0)
    expect(served).toBeLessThanOrEqual(650)
    expect(two.code).toBe(one.code)
    expect(two.output).toBe(one.output)
  })
})

describe('a slow standard output', () => {
  it('waits for it to drain instead of queueing the reports, in one thread and with workers', async () => {
    const { runCli } = await import('../src/cli/run.js')
    const dir = path.join(tmp, 'slow-output')
    fs.mkdirSync(dir, { recursive: true })
    for (let i = 0; i < 300; i++) {
      fs.writeFileSync(path.join(dir, `u${i}.service`), `[Service]\nExecStart=/bin/true ${i}\n`)
    }
    const runWith = async (jobs: string, full: boolean) => {
      let output = ''
      let draining = false
      let drains = 0
      let writesWhileFull = 0
      let worstBurst = 0
      const code = await runCli(['--format', 'json', '--no-suggest', '--jobs', jobs, dir], {
        cwd: root,
        workerUrl: new URL('../dist/cli.js', import.meta.url),
        cpus: 2,
        stdout: (text) => {
          output += typeof text === 'string' ? text : Buffer.from(text).toString('utf8')
          if (draining) worstBurst = Math.max(worstBurst, ++writesWhileFull)
          return !full
        },
        drained: () => {
          drains++
          draining = true
          return new Promise((resolve) =>
            setTimeout(() => {
              draining = false
              writesWhileFull = 0
              resolve()
            }, 1)
          )
        },
        stderr: () => undefined,
        isTTY: false,
        stderrIsTTY: false,
        env: {}
      })
      expect(code).toBe(1)
      return { output, drains, worstBurst }
    }
    const free = await runWith('1', false)
    expect(free.drains).toBe(0)
    const slow = await runWith('1', true)
    expect(slow.output).toBe(free.output)
    // one thread: a unit's report at most, then it waits
    expect(slow.drains).toBeGreaterThan(3)
    expect(slow.worstBurst).toBeLessThanOrEqual(2)
    const parallel = await runWith('2', true)
    expect(parallel.output).toBe(free.output)
    expect(parallel.drains).toBeGreaterThan(0)
  })
})

describe('a reader that stops reading', () => {
  it('ends the scan at once, quietly, with status 1 (like `| head`)', async () => {
    const dir = path.join(tmp, 'closed-output')
    fs.mkdirSync(dir, { recursive: true })
    for (let i = 0; i < 2000; i++) {
      fs.writeFileSync(path.join(dir, `u${i}.service`), `[Service]\nExecStart=/bin/true ${i}\n`)
    }
    expect(await runUntilFirstOutput(['--format', 'json', '--all-checks', dir])).toEqual({
      code: 1,
      stderr: ''
    })
  })
})
