/**
 * The file-system adapter on bad input: huge files, binary junk, over-long lines, directories and
 * device nodes named like units, links out of the tree, to /dev/zero and to /dev/null, ignored
 * directories. The outcomes systemd also has an opinion on (masked, does not load, drop-ins beside the
 * unit) were checked with `systemd-analyze security --offline=true DIR/NAME.service` (systemd 252).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import fg from 'fast-glob'
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { DEFAULT_POLICY } from '../src/core/policy.js'
import type { UnitReport } from '../src/core/report.js'
import {
  DEFAULT_IGNORES,
  findUnitFiles,
  MAX_UNIT_FILE_BYTES,
  scan,
  scanEach,
  type ScanOptions
} from '../src/scan/scan.js'
import { BARE, BARE_SCORE } from './support/units.js'
import { committed, headTree } from './support/git-tree.js'
import { scoreAtBase } from '../src/github/baseline.js'

const H = BARE
let base: string
let repo: string
let units: Map<string, UnitReport>

function write(file: string, content: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, content)
}

/** The same pseudo-random bytes every run (the first line holds bytes >= 0x80 that are not UTF-8). */
function junk(length: number): Uint8Array {
  let x = 12345
  return Uint8Array.from({ length }, () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0
    return (x >>> 16) & 255
  })
}

const options = (): ScanOptions => ({
  cwd: base,
  version: 252,
  policy: DEFAULT_POLICY,
  threshold: 100,
  keepPassingChecks: true
})

let fifo = false

beforeAll(async () => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'scan-test-'))
  repo = path.join(base, 'repo')
  const outside = path.join(base, 'outside')
  write(path.join(outside, 'hardened.service'), `${H}NoNewPrivileges=yes\n`)
  write(path.join(outside, 'dropins', 'x.conf'), '[Service]\nNoNewPrivileges=yes\n')

  write(path.join(repo, 'ok.service'), H)
  write(path.join(repo, 'ok.service.d', '10-harden.conf'), '[Service]\nNoNewPrivileges=yes\n')
  write(path.join(repo, 'service.d', 'README.txt'), 'not a drop-in\n')
  write(path.join(repo, 'tpl@.service'), `${H}User=%i\n`)
  write(path.join(repo, 'empty.service'), '')
  fs.symlinkSync('/dev/null', path.join(repo, 'null.service'))
  fs.symlinkSync('../../../../../../../../../../dev/null', path.join(repo, 'relnull.service'))
  fs.symlinkSync('/dev/zero', path.join(repo, 'zero.service'))
  fs.symlinkSync(path.join(outside, 'hardened.service'), path.join(repo, 'out.service'))
  fs.symlinkSync('nowhere.service', path.join(repo, 'dangling.service'))
  fs.symlinkSync('loop.service', path.join(repo, 'loop.service'))
  fs.mkdirSync(path.join(repo, 'dir.service'))
  write(path.join(repo, 'huge.service'), H)
  fs.truncateSync(path.join(repo, 'huge.service'), MAX_UNIT_FILE_BYTES + 1)
  write(path.join(repo, 'junk.service'), junk(4096))
  write(path.join(repo, 'longline.service'), `${H}X-A=${'x'.repeat(1048572)}\n`)
  write(
    path.join(repo, 'bigcomments.service'),
    '# c\n'.repeat(524288) + `${H}NoNewPrivileges=yes\n`
  )
  write(path.join(repo, 'nested', 'deep', 'inner.service'), `${H}PrivateTmp=yes\n`)
  // a drop-in directory linked out of the tree is not read; one linked inside it is
  write(path.join(repo, 'linkedout.service'), H)
  fs.symlinkSync(path.join(outside, 'dropins'), path.join(repo, 'linkedout.service.d'))
  write(path.join(repo, 'shared.d', 'x.conf'), '[Service]\nNoNewPrivileges=yes\n')
  write(path.join(repo, 'linkedin.service'), H)
  fs.symlinkSync(path.join(repo, 'shared.d'), path.join(repo, 'linkedin.service.d'))
  // a directory named like a drop-in still hides the type-wide file of that name (as in systemd)
  write(path.join(repo, 'dirdropin.service'), H)
  fs.mkdirSync(path.join(repo, 'dirdropin.service.d', 'a.conf'), { recursive: true })
  write(path.join(repo, 'dirdropin.service.d', 'b.conf'), '[Service]\nPrivateTmp=yes\n')
  // skipped directories
  write(path.join(repo, '.git', 'hooks', 'git.service'), H)
  write(path.join(repo, '.git', 'config'), '[core]\n')
  fs.symlinkSync('.git/config', path.join(repo, 'leak.service'))
  write(path.join(repo, 'node_modules', 'pkg', 'npm.service'), H)
  fifo = spawnSync('mkfifo', [path.join(repo, 'fifo.service')]).status === 0

  units = new Map((await scan([repo], options())).units.map((u) => [u.path, u]))
})

afterAll(() => {
  fs.rmSync(base, { recursive: true, force: true })
})

const unit = (name: string): UnitReport => {
  const report = units.get(`repo/${name}`)
  if (!report) throw new Error(`repo/${name} was not scanned`)
  return report
}

describe('scan', () => {
  it('reports every unit file of the tree, one bad file never stopping the others', () => {
    const expected = [
      'bigcomments.service',
      'dangling.service',
      'dir.service',
      'dirdropin.service',
      'empty.service',
      ...(fifo ? ['fifo.service'] : []),
      'huge.service',
      'junk.service',
      'leak.service',
      'linkedin.service',
      'linkedout.service',
      'longline.service',
      'loop.service',
      'nested/deep/inner.service',
      'null.service',
      'ok.service',
      'out.service',
      'relnull.service',
      'tpl@.service',
      'zero.service'
    ]
    expect([...units.keys()].sort()).toEqual(expected.map((n) => `repo/${n}`))
  })

  it('reports the same with the read-ahead worker reading the files first (src/scan/read-ahead.ts)', async () => {
    let served = 0
    const stream = await scanEach([repo], {
      ...options(),
      readAheadFrom: 0,
      onReadAhead: (count) => (served = count)
    })
    const reports = stream.units[Symbol.iterator]()
    const first = reports.next()
    // the worker, started with the first unit, reads the rest meanwhile (a loaded machine starts it
    // late: the scan would otherwise read them all itself)
    await new Promise((resolve) => setTimeout(resolve, 1000))
    const ahead = [first.value as UnitReport, ...{ [Symbol.iterator]: () => reports }]
    expect(new Map(ahead.map((u) => [u.path, u]))).toEqual(units)
    // unit files and the drop-ins beside them (not the huge, linked or FIFO ones) came from it
    expect(served).toBeGreaterThanOrEqual(10)
  })

  it('skips .git and node_modules', () => {
    expect([...units.keys()].filter((p) => /\.git|node_modules/.test(p))).toEqual([])
  })

  it('applies the drop-ins beside a unit and names them relative to cwd', () => {
    expect(unit('ok.service')).toMatchObject({
      status: 'scored',
      score: 9.4,
      dropIns: ['repo/ok.service.d/10-harden.conf']
    })
    expect(unit('nested/deep/inner.service')).toMatchObject({ status: 'scored', score: 9.4 })
  })

  it('analyses a bare template as instance i', () => {
    expect(unit('tpl@.service')).toMatchObject({
      unit: 'tpl@i.service',
      status: 'scored',
      score: 9.2
    })
  })

  it.each(['empty.service', 'null.service', 'relnull.service'])('%s is masked', (name) => {
    expect(unit(name)).toMatchObject({ status: 'masked', score: null, passed: true })
  })

  it('reports a file over MAX_UNIT_FILE_BYTES without reading it', () => {
    expect(MAX_UNIT_FILE_BYTES).toBe(64 * 1024 * 1024)
    expect(unit('huge.service')).toMatchObject({
      status: 'error',
      passed: false,
      reason: expect.stringContaining(String(MAX_UNIT_FILE_BYTES + 1))
    })
  })

  it('refuses binary junk as systemd does (not UTF-8 on line 1)', () => {
    expect(unit('junk.service')).toMatchObject({
      status: 'invalid',
      at: { file: 'repo/junk.service', line: 1 },
      reason: expect.stringMatching(/UTF-8/)
    })
  })

  it('refuses a 1 MiB line as systemd does', () => {
    expect(unit('longline.service')).toMatchObject({
      status: 'invalid',
      at: { file: 'repo/longline.service', line: 3 }
    })
  })

  it('reads a 2 MiB file of short lines', () => {
    expect(unit('bigcomments.service')).toMatchObject({ status: 'scored', score: 9.4 })
  })

  it.each<[string, RegExp]>([
    ['dir.service', /directory/],
    ['zero.service', /leaves the scanned tree/],
    ['out.service', /leaves the scanned tree/],
    // a link into .git names a file there: systemd takes it as an alias, refused (never read)
    ['leak.service', /alias leak\.service: it points to config, which is not a valid unit name/],
    ['dangling.service', /a symbolic link that leads nowhere: systemd-analyze does not look/],
    ['loop.service', /a symbolic link in a loop, or at the end of more than 40 links: systemd/]
  ])('%s is an error: %s', (name, reason) => {
    expect(unit(name)).toMatchObject({
      status: 'error',
      score: null,
      passed: false,
      reason: expect.stringMatching(reason)
    })
  })

  it('reports a FIFO named like a unit without blocking on it', () => {
    if (!fifo) return
    expect(unit('fifo.service')).toMatchObject({ status: 'error', reason: 'is not a regular file' })
  })

  it('does not read drop-ins through a directory link that leaves the tree, and says so', () => {
    const report = unit('linkedout.service')
    expect(report).toMatchObject({ status: 'scored', score: BARE_SCORE, dropIns: [] })
    expect(report.diagnostics).toContainEqual(
      expect.objectContaining({ message: expect.stringMatching(/outside the scanned tree/) })
    )
  })

  it('reads drop-ins through a directory link inside the tree', () => {
    expect(unit('linkedin.service')).toMatchObject({
      status: 'scored',
      score: 9.4,
      dropIns: ['repo/linkedin.service.d/x.conf']
    })
  })

  it('skips a directory named like a drop-in, with a diagnostic, and reads the others', () => {
    const report = unit('dirdropin.service')
    expect(report).toMatchObject({
      status: 'scored',
      score: 9.4,
      dropIns: ['repo/dirdropin.service.d/b.conf']
    })
    expect(report.diagnostics).toContainEqual(
      expect.objectContaining({ message: expect.stringMatching(/a\.conf: is a directory/) })
    )
  })

  it('finishes on /dev/zero, a FIFO and a 64 MiB sparse file in well under a second each', async () => {
    const names = ['zero.service', 'huge.service', ...(fifo ? ['fifo.service'] : [])]
    const started = performance.now()
    const { units: reports } = await scan(
      names.map((n) => path.join(repo, n)),
      options()
    )
    expect(reports.map((r) => r.status)).toEqual(names.map(() => 'error'))
    expect(performance.now() - started).toBeLessThan(1000)
  })
})

describe('drop-ins systemd reads and the gate cannot', () => {
  const raw = (dir: string, name: Buffer): Buffer => Buffer.concat([Buffer.from(`${dir}/`), name])
  const weakening = '[Service]\nDynamicUser=no\nPrivateDevices=no\n'

  it('make the unit an error, never a score without them: a name not UTF-8, one over the size limit', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scan-dropin-'))
    try {
      const hardened = `${H}DynamicUser=yes\nPrivateDevices=yes\n`
      write(path.join(dir, 'name.service'), hardened)
      fs.mkdirSync(path.join(dir, 'name.service.d'))
      fs.writeFileSync(
        raw(path.join(dir, 'name.service.d'), Buffer.of(0xff, 0x2e, 0x63, 0x6f, 0x6e, 0x66)),
        weakening
      )
      write(path.join(dir, 'size.service'), hardened)
      write(path.join(dir, 'size.service.d', 'big.conf'), weakening)
      fs.truncateSync(path.join(dir, 'size.service.d', 'big.conf'), MAX_UNIT_FILE_BYTES + 1)
      // a drop-in systemd skips as well (a directory, a FIFO) stays a note
      write(path.join(dir, 'skip.service'), hardened)
      fs.mkdirSync(path.join(dir, 'skip.service.d', 'a.conf'), { recursive: true })
      const reports = new Map(
        (await scan([dir], { ...options(), cwd: dir })).units.map((u) => [u.path, u])
      )
      expect(reports.get('name.service')).toMatchObject({
        status: 'error',
        passed: false,
        reason: expect.stringMatching(
          /name\.service\.d\/\uFFFD\.conf: its name is not valid UTF-8.*systemd reads it/
        )
      })
      expect(reports.get('size.service')).toMatchObject({
        status: 'error',
        reason: expect.stringMatching(
          /big\.conf: file is \d+ bytes, larger than .*systemd reads it/
        )
      })
      expect(reports.get('skip.service')).toMatchObject({ status: 'scored' })
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('a template with drop-ins for an instance of its own', () => {
  it('is judged by that instance when it scores worse than the test instance', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scan-instance-'))
    try {
      const hardened = `${H}PrivateDevices=yes\nNoNewPrivileges=yes\nPrivateNetwork=yes\n`
      write(path.join(dir, 'zzt@.service'), hardened)
      write(
        path.join(dir, 'zzt@web.service.d', 'weak.conf'),
        '[Service]\nPrivateNetwork=no\nPrivateDevices=no\n'
      )
      write(path.join(dir, 'zzh@.service'), hardened)
      write(path.join(dir, 'zzh@web.service.d', 'more.conf'), '[Service]\nNoNewPrivileges=yes\n')
      write(path.join(dir, 'plain.service'), hardened)
      const reports = new Map(
        (await scan([dir], { ...options(), cwd: dir })).units.map((u) => [u.path, u])
      )
      expect(reports.get('zzt@.service')).toMatchObject({ unit: 'zzt@web.service' })
      expect(reports.get('zzt@.service')!.score!).toBeGreaterThan(
        reports.get('plain.service')!.score!
      )
      expect(
        reports
          .get('zzt@.service')!
          .diagnostics.map((d) => d.message)
          .join('\n')
      ).toMatch(
        /instance zzt@web\.service \(with drop-ins of its own beside the template\) scores worse/
      )
      // an instance that scores no worse leaves the test instance's number (systemd-analyze's)
      expect(reports.get('zzh@.service')).toMatchObject({
        unit: 'zzh@i.service',
        score: reports.get('plain.service')!.score
      })
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
  it('judges every such instance, however many there are (red team round 10)', async () => {
    // the 17th instance, in name order and in directory order, weakens it: 16 were judged at most
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scan-instances-'))
    try {
      const hardened = `${H}PrivateDevices=yes\nNoNewPrivileges=yes\nPrivateNetwork=yes\n`
      write(path.join(dir, 'many@.service'), hardened)
      for (let i = 0; i < 40; i++) {
        const instance = `a${String(i).padStart(2, '0')}`
        write(
          path.join(dir, `many@${instance}.service.d`, 'note.conf'),
          '[Unit]\nDocumentation=x\n'
        )
      }
      write(
        path.join(dir, 'many@zz.service.d', 'weak.conf'),
        '[Service]\nPrivateNetwork=no\nPrivateDevices=no\n'
      )
      write(path.join(dir, 'plain.service'), hardened)
      const reports = new Map(
        (await scan([dir], { ...options(), cwd: dir })).units.map((u) => [u.path, u])
      )
      expect(reports.get('many@.service')).toMatchObject({ unit: 'many@zz.service' })
      expect(reports.get('many@.service')!.score!).toBeGreaterThan(
        reports.get('plain.service')!.score!
      )
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe("a template with many instances at the Action's base", () => {
  it('judges every instance, reading their drop-ins in one batch (red team round 11)', () => {
    // one git cat-file per instance made 2,000 instances cost 185 s of every pull request
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scan-base-instances-'))
    try {
      const hardened = `${H}PrivateDevices=yes\nNoNewPrivileges=yes\nPrivateNetwork=yes\n`
      write(path.join(dir, 'many@.service'), hardened)
      for (let i = 0; i < 60; i++)
        write(path.join(dir, `many@a${i}.service.d`, 'note.conf'), '[Unit]\nDocumentation=x\n')
      write(path.join(dir, 'many@zz.service.d', 'weak.conf'), '[Service]\nPrivateNetwork=no\n')
      const tree = headTree(committed(dir))
      let reads = 0
      const counted = { ...tree, read: (oids: string[]) => (reads++, tree.read(oids)) }
      const options = { version: 252, policy: DEFAULT_POLICY, threshold: 100 }
      const report = scoreAtBase(
        new Map([['many@.service', 'many@.service']]),
        counted,
        options,
        'i'
      )
      expect(report.get('many@.service')).toMatchObject({ unit: 'many@zz.service' })
      expect(reads).toBeLessThanOrEqual(3)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('drop-ins of the same name under many names of a unit', () => {
  it('fails closed when systemd may pick among more orders than the gate scores (red team round 10)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scan-alias-orders-'))
    try {
      write(path.join(dir, 'app.service'), H)
      const aliases = Array.from({ length: 8 }, (_, i) => `alias${i}.service`)
      for (const [i, alias] of aliases.entries()) {
        fs.symlinkSync('app.service', path.join(dir, alias))
        write(path.join(dir, `${alias}.d`, 'same.conf'), `[Service]\nEnvironment=PICK=${i}\n`)
      }
      // seven names: every order scored, as before
      write(path.join(dir, 'few.service'), H)
      for (let i = 0; i < 7; i++) {
        fs.symlinkSync('few.service', path.join(dir, `few${i}.service`))
        write(
          path.join(dir, `few${i}.service.d`, 'same.conf'),
          `[Service]\nEnvironment=PICK=${i}\n`
        )
      }
      write(path.join(dir, 'maybe.service'), H)
      for (let i = 0; i < 7; i++) {
        fs.symlinkSync('maybe.service', path.join(dir, `maybe${i}.service`))
        write(path.join(dir, `maybe${i}.service.d`, 'same.conf'), '[Service]\nPrivateTmp=yes\n')
      }
      // eight names holding the same bytes leave systemd no choice (round 11, N5)
      write(path.join(dir, 'same.service'), H)
      for (let i = 0; i < 8; i++) {
        fs.symlinkSync('same.service', path.join(dir, `same${i}.service`))
        write(path.join(dir, `same${i}.service.d`, 'same.conf'), '[Service]\nPrivateTmp=yes\n')
      }
      fs.symlinkSync('maybe.service', path.join(dir, 'maybe7.service'))
      write(path.join(dir, 'shared.d', 'same.conf'), '[Service]\nPrivateTmp=no\n')
      fs.symlinkSync('shared.d', path.join(dir, 'maybe7.service.d'))
      const reports = new Map(
        (await scan([dir], { ...options(), cwd: dir })).units.map((u) => [u.path, u])
      )
      expect(reports.get('app.service')).toMatchObject({
        status: 'error',
        passed: false,
        reason: expect.stringContaining(
          'more than 7 of its names hold drop-ins of the same file name (same.conf)'
        )
      })
      expect(reports.get('few.service')).toMatchObject({ status: 'scored' })
      expect(reports.get('same.service')).toMatchObject({ status: 'scored' })
      // the eighth name's drop-ins read only maybe (a relative link): the same (round 11, N6)
      expect(reports.get('maybe.service')).toMatchObject({
        status: 'error',
        reason: expect.stringContaining('more than 7 of its names')
      })
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('units built to exhaust the gate', () => {
  it('reads 50,000 lines of one list in linear time, and lists at most 1,000 problems', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scan-huge-'))
    try {
      const lines = (n: number, line: (i: number) => string) =>
        Array.from({ length: n }, (_, i) => line(i)).join('\n') + '\n'
      write(
        path.join(dir, 'exec.service'),
        `[Service]\nType=oneshot\n${lines(50_000, (i) => `ExecStart=/bin/x${i}`)}`
      )
      write(
        path.join(dir, 'deny.service'),
        `${H}${lines(50_000, (i) => `IPAddressDeny=10.${(i >> 8) & 255}.${i & 255}.0/24`)}`
      )
      write(
        path.join(dir, 'devices.service'),
        `${H}${lines(20_000, (i) => `DeviceAllow=/dev/tty${i} rw`)}`
      )
      write(path.join(dir, 'ignored.service'), `${H}${lines(20_000, () => 'ProtectHome=yes # c')}`)
      write(path.join(dir, 'comments.service'), `${H}${lines(200_000, () => '# c')}`)
      const started = performance.now()
      const reports = new Map(
        (await scan([dir], { ...options(), cwd: dir, threshold: 50 })).units.map((u) => [u.path, u])
      )
      // a copy of the list per line took 50 s for the 50,000 ExecStart= lines
      expect(performance.now() - started).toBeLessThan(15_000)
      for (const report of reports.values()) expect(report.status).toBe('scored')
      const ignored = reports.get('ignored.service')!
      // 1,000 of the 20,000, the note that there are more, and the fix engine's note
      expect(ignored.diagnostics).toHaveLength(1_002)
      expect(ignored.diagnostics[1_000]!.message).toMatch(/more than 1000 problems/)
      // (no error past the cap: the thousand listed are errors already)
      // too large for the fix engine's planning: no drop-in, and a note that says why
      expect(reports.get('exec.service')!.suggestion).toBeNull()
      expect(
        reports
          .get('exec.service')!
          .diagnostics.map((d) => d.message)
          .join('\n')
      ).toMatch(/more than the 262144 the fix engine plans a drop-in for/)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('drop-in directories beside the units', () => {
  it('finds type-wide, prefix, template and own directories, and none for a unit no directory names', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scan-dropins-'))
    try {
      const conf = (directive: string): string => `[Service]\n${directive}\n`
      write(path.join(dir, 'units', 'web-api@.service'), H)
      write(
        path.join(dir, 'units', 'web-api@.service.d', '30-template.conf'),
        conf('PrivateTmp=yes')
      )
      write(path.join(dir, 'units', 'web-.service.d', '20-prefix.conf'), conf('ProtectHome=yes'))
      write(path.join(dir, 'units', 'web.service'), H)
      write(path.join(dir, 'units', 'db.service'), H)
      write(path.join(dir, 'units', 'db.service.d', '40-own.conf'), conf('NoNewPrivileges=yes'))
      write(path.join(dir, 'units', 'cache.service'), H)
      write(path.join(dir, 'alone', 'x-y.service'), H)
      write(path.join(dir, 'alone', 'service.d', '10-all.conf'), conf('PrivateDevices=yes'))
      const { units: reports } = await scan([dir], { ...options(), cwd: dir })
      const dropIns = Object.fromEntries(reports.map((r) => [r.path, r.dropIns]))
      expect(dropIns).toEqual({
        'alone/x-y.service': ['alone/service.d/10-all.conf'],
        'units/cache.service': [],
        'units/db.service': ['units/db.service.d/40-own.conf'],
        'units/web-api@.service': [
          'units/web-.service.d/20-prefix.conf',
          'units/web-api@.service.d/30-template.conf'
        ],
        'units/web.service': []
      })
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('findUnitFiles', () => {
  it('keeps files given directly, globs directories and reports missing paths', async () => {
    const found = await findUnitFiles(
      ['repo/ok.service', 'repo/nested', 'repo/missing.service', 'repo/dangling.service'],
      base
    )
    expect(found.files).toEqual([
      path.join(repo, 'ok.service'),
      path.join(repo, 'nested', 'deep', 'inner.service'),
      path.join(repo, 'dangling.service')
    ])
    expect(found.missing).toEqual(['repo/missing.service'])
  })

  it('finds exactly what fast-glob finds for **/*.service with the default ignores', async () => {
    const tree = path.join(base, 'walk')
    for (const file of [
      'a.service',
      'a.service.d/x.conf',
      '.hidden/b.service',
      'x/y/z/c@.service',
      'x/.git/d.service',
      '.git/e.service',
      'node_modules/pkg/f.service',
      'x/node_modules/g.service',
      'notes.txt',
      'x/service.d/h.conf'
    ])
      write(path.join(tree, file), H)
    fs.mkdirSync(path.join(tree, 'dir.service', 'inner.service'), { recursive: true })
    fs.symlinkSync(path.join(tree, 'x'), path.join(tree, 'linked-dir'))
    fs.symlinkSync('a.service', path.join(tree, 'alias.service'))
    fs.symlinkSync('x', path.join(tree, 'dirlink.service'))
    fs.symlinkSync('/dev/null', path.join(tree, 'masked.service'))
    const byFastGlob = fg
      .sync('**/*.service', {
        cwd: tree,
        absolute: true,
        dot: true,
        onlyFiles: false,
        followSymbolicLinks: false,
        ignore: DEFAULT_IGNORES
      })
      .map((f) => path.normalize(f))
      .sort()
    const found = await findUnitFiles(['walk'], base)
    expect(found.files).toEqual(byFastGlob)
    expect(found.files.map((f) => path.relative(tree, f))).toEqual([
      '.hidden/b.service',
      'a.service',
      'alias.service',
      'dir.service',
      'dir.service/inner.service',
      'dirlink.service',
      'masked.service',
      'x/y/z/c@.service'
    ])
    // the walk's listings serve the reader: the drop-in directory is among them
    expect(found.listings.get(path.join(tree, 'a.service.d'))?.entries.get('x.conf')).toBe('file')
  })

  it('walks a tree nested as deep as a path can go', async () => {
    let dir = path.join(base, 'deep')
    for (let depth = 0; dir.length < 4000; depth++) dir = path.join(dir, 'd')
    write(path.join(dir, 'bottom.service'), H)
    const found = await findUnitFiles(['deep'], base)
    expect(found.files.map((f) => path.basename(f))).toEqual(['bottom.service'])
  })

  it('applies extra excludes', async () => {
    const found = await findUnitFiles(['repo'], base, ['nested/**', '*.d/**'])
    expect(found.files.some((f) => f.includes('nested'))).toBe(false)
    expect(found.files).toContain(path.join(repo, 'ok.service'))
  })
})

describe('the service manager a unit is for', () => {
  it('is read from the whole path, even when the report shows only the file name', async () => {
    const userDir = path.join(base, 'home', '.config', 'systemd', 'user')
    write(path.join(userDir, 'agent.service'), '[Service]\nExecStart=/usr/bin/agent\n')
    const systemDir = path.join(base, 'etc', 'systemd', 'system')
    write(path.join(systemDir, 'agent.service'), '[Service]\nExecStart=/usr/bin/agent\n')
    const observed = async (cwd: string): Promise<string[]> => {
      const { units: found } = await scan(['.'], { ...options(), cwd, threshold: 50 })
      expect(found.map((u) => u.path)).toEqual(['agent.service'])
      return found[0]!.suggestion!.observe ?? []
    }
    const userNote = (await observed(userDir)).find((o) => o.startsWith('A user unit'))
    // scored as systemd-analyze security scores it without --user, and the note says how to ask
    expect(userNote).toContain('prints without --user; --user (CLI) or the user-units input')
    expect((await observed(systemDir)).some((o) => o.startsWith('A user unit'))).toBe(false)
  })

  it('scores a unit as systemd-analyze does: for a user manager only when asked (--user), wherever it is', async () => {
    const userDir = path.join(base, 'home2', '.config', 'systemd', 'user')
    write(path.join(userDir, 'agent.service'), '[Service]\nExecStart=/usr/bin/agent\n')
    const plain = path.join(base, 'plain')
    write(path.join(plain, 'agent.service'), '[Service]\nExecStart=/usr/bin/agent\n')
    const scored = async (cwd: string, more: Partial<ScanOptions> = {}) => {
      const { units: found } = await scan(['.'], { ...options(), cwd, ...more })
      return found.map((u) => [u.manager, u.score])
    }
    // systemd-analyze (--user) security --offline=true at 252: KeyringMode= inherit costs 0.2
    for (const suggest of [true, false]) {
      expect(await scored(userDir, { suggest })).toEqual([[undefined, 9.6]])
      expect(await scored(plain, { suggest })).toEqual([[undefined, 9.6]])
      expect(await scored(userDir, { suggest, userManager: true })).toEqual([['user', 9.8]])
    }
    expect(await scored(plain, { userManager: true })).toEqual([['user', 9.8]])
  })
})

describe('a template whose instance name would be too long', () => {
  // systemd-analyze names a template foo@.service foo@i.service up to 256 and foo@test_instance.service
  // from 257; an instance name over 255 characters fails verify_prepare_filename() (a helper's probes)
  it('is scored while the instance name fits, and an error once it does not', async () => {
    const dir = path.join(base, 'long-template')
    write(path.join(dir, `${'a'.repeat(234)}@.service`), H)
    const at = async (version: number) => {
      const { units: found } = await scan(['.'], { ...options(), cwd: dir, version })
      return found.map((u) => [u.status, u.unit])
    }
    expect(await at(255)).toEqual([['scored', `${'a'.repeat(234)}@i.service`]])
    expect(await at(257)).toEqual([['error', `${'a'.repeat(234)}@.service`]])
    write(path.join(dir, `${'a'.repeat(234)}@.service`), H)
    fs.renameSync(
      path.join(dir, `${'a'.repeat(234)}@.service`),
      path.join(dir, `${'a'.repeat(233)}@.service`)
    )
    expect(await at(262)).toEqual([['scored', `${'a'.repeat(233)}@test_instance.service`]])
  })
})

describe('%y of an instance with a file of its own', () => {
  // %y is the path of the file systemd loads: foo@x.service itself when the directory holds it, the
  // template otherwise (systemd-analyze --root=ROOT prefixes ROOT to it, so only the name is
  // compared: its length depends on where systemd-analyze runs)
  it('names that file, not its template', async () => {
    const dir = path.join(base, 'instance-fragment')
    const unit = '[Service]\nExecStart=/bin/true\nProtectHostname=yes:%y\n'
    write(path.join(dir, 'foo@.service'), unit)
    write(path.join(dir, 'foo@x.service'), unit)
    const { units: found } = await scan(['foo@x.service', 'foo@.service'], {
      ...options(),
      cwd: dir,
      version: 262
    })
    const expanded = found.map((u) => /'yes:([^']*)'/.exec(u.diagnostics[0]?.message ?? '')?.[1])
    expect(expanded).toEqual([
      '/etc/systemd/system/foo@x.service',
      '/etc/systemd/system/foo@.service'
    ])
  })
})

describe('an instance named on the command line without a file of its own', () => {
  // systemd-analyze security --offline=true ./foo@x.service loads foo@.service as foo@x.service
  // (252 and 262: 9.0 and 8.8 with the instance's drop-in, 9.2 and 9.0 without)
  it("is its template's, with the instance's drop-ins; a name without a template is missing", async () => {
    const dir = path.join(base, 'instance-by-name')
    write(path.join(dir, 'foo@.service'), '[Service]\nExecStart=/bin/true\nUser=%i\n')
    write(path.join(dir, 'foo@x.service.d', '10.conf'), '[Service]\nNoNewPrivileges=yes\n')
    const at = async (version: number, inputs: string[]) => {
      const found = await scan(inputs, { ...options(), cwd: dir, version })
      return [found.units.map((u) => [u.unit, u.status, u.score]), found.missing]
    }
    expect(await at(252, ['foo@x.service', 'foo@y.service'])).toEqual([
      [
        ['foo@x.service', 'scored', 9.0],
        ['foo@y.service', 'scored', 9.2]
      ],
      []
    ])
    expect(await at(262, ['foo@x.service'])).toEqual([[['foo@x.service', 'scored', 8.8]], []])
    expect(await at(262, ['bar@x.service', 'foo.service'])).toEqual([
      [],
      ['bar@x.service', 'foo.service']
    ])
  })
})

describe('the socket that starts a template, one instance per connection (parity batch 25)', () => {
  it.each([
    ['yes', true],
    ['no', false]
  ])('with Accept=%s, is read for its ports: %s', async (accept, read) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gate-accept-'))
    try {
      fs.writeFileSync(
        path.join(dir, 'echo.socket'),
        `[Socket]\nListenStream=7\nAccept=${accept}\n[Install]\nWantedBy=sockets.target\n`
      )
      fs.writeFileSync(
        path.join(dir, 'echo@.service'),
        '[Service]\nExecStart=/usr/local/bin/echod\nStandardInput=socket\n'
      )
      const { units } = await scan([dir], { ...options(), cwd: dir, threshold: 0 })
      const suggestion = units[0]!.suggestion as { notSuggested: Array<{ reason: string }> }
      const reasons = suggestion.notSuggested.map((n) => n.reason).join('\n')
      // root keeps CAP_NET_BIND_SERVICE for port 7 only when the socket is known to start it
      expect(reasons.includes('echo.socket: ListenStream=7')).toBe(read)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('the sockets that activate a service, as systemd reads them', () => {
  /** The reasons the suggestion gives for what it leaves out, for each service of the tree. */
  async function reasonsOf(files: Record<string, string>): Promise<Record<string, string>> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gate-activates-'))
    try {
      for (const [name, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true })
        fs.writeFileSync(path.join(dir, name), text)
      }
      const { units } = await scan([dir], { ...options(), cwd: dir, threshold: 0 })
      return Object.fromEntries(
        units.map((u) => [
          u.unit,
          (u.suggestion as { notSuggested: Array<{ reason: string }> }).notSuggested
            .map((n) => n.reason)
            .join('\n')
        ])
      )
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }
  const daemon = (name: string): string => `[Service]\nExecStart=/usr/local/bin/${name}\n`

  it("a socket whose Service= names another service is that one's, not its namesake's", async () => {
    const reasons = await reasonsOf({
      'web.socket': '[Socket]\nListenStream=80\nService=front.service\n',
      'web.service': daemon('webd'),
      'front.service': daemon('frontd')
    })
    expect(reasons['front.service']).toContain('web.socket: ListenStream=80')
    expect(reasons['web.service']).not.toContain('ListenStream')
  })

  it('a socket naming an instance counts for its template', async () => {
    const reasons = await reasonsOf({
      'db.socket': '[Socket]\nListenStream=443\nService=db@main.service\n',
      'db@.service': daemon('dbd')
    })
    // (scored as its test instance, as systemd-analyze does with a template's file)
    expect(Object.keys(reasons)).toEqual(['db@i.service'])
    expect(reasons['db@i.service']).toContain('db.socket: ListenStream=443')
  })

  it('the ports come from the socket after its drop-ins (an empty Listen*= drops those before)', async () => {
    const reasons = await reasonsOf({
      'a.socket': '[Socket]\nListenStream=8080\n',
      'a.socket.d/10-port.conf': '[Socket]\nListenStream=\nListenStream=443\n',
      'a.service': daemon('a'),
      'b.socket': '[Socket]\nListenStream=443\n',
      'b.socket.d/local.conf': '[Socket]\nListenDatagram=\nListenStream=/run/b.sock\n',
      'b.service': daemon('b'),
      'c.socket': '[Socket]\nListenStream=443\n',
      'c.socket.d/moved.conf': '[Socket]\nService=c2.service\n',
      'c.service': daemon('c'),
      'c2.service': daemon('c2'),
      // a hidden file is no drop-in systemd reads
      'd.socket': '[Socket]\nListenStream=/run/d.sock\n',
      'd.socket.d/.port.conf': '[Socket]\nListenStream=443\n',
      'd.service': daemon('d')
    })
    expect(reasons['a.service']).toContain('a.socket: ListenStream=443')
    expect(reasons['a.service']).not.toContain('8080')
    expect(reasons['b.service']).not.toContain('ListenStream=443')
    // a drop-in moved c.socket to c2.service
    expect(reasons['c2.service']).toContain('c.socket: ListenStream=443')
    expect(reasons['c.service']).not.toContain('ListenStream')
    expect(reasons['d.service']).not.toContain('ListenStream=443')
  })

  it('a socket taking Accept=yes starts instances of NAME@.service, not NAME.service', async () => {
    const reasons = await reasonsOf({
      'echo.socket': '[Socket]\nListenStream=7\nAccept=yes\n',
      'echo.service': daemon('echod')
    })
    expect(reasons['echo.service']).not.toContain('ListenStream=7')
  })
})
