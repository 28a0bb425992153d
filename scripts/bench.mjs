#!/usr/bin/env node
// Benchmark for systemd-hardening-gate.
//
// 1. Generates a deterministic tree of N unit files under .bench/tree/ (and the
//    same units flat under .bench/root/etc/systemd/system/ for systemd-analyze).
// 2. Times, as whole processes, R rounds of one run each (the rows take turns) of:
//      a. the gate's CLI on the tree, text report (as CI runs it) and JSON report (a2)
//      b. a Node baseline that only starts, walks the tree and reads every file
//      c. systemd-analyze security --offline=true --root=.bench/root <names...>
// 3. Prints min/median wall time, peak RSS, units/s and ratios; writes .bench/results.json.
//
// Usage: node scripts/bench.mjs [--units N] [--runs R] [--seed S] [--arg-max BYTES]
// Only node: built-ins are used.

import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const BENCH = path.join(ROOT, '.bench')
const TREE = path.join(BENCH, 'tree')
const SAROOT = path.join(BENCH, 'root')
const SAUNITDIR = path.join(SAROOT, 'etc', 'systemd', 'system')
const TIME_BIN = '/usr/bin/time'
const CLI = path.join(ROOT, 'dist', 'cli.js')

// ---------------------------------------------------------------- arguments

function parseArgs(argv) {
  const opts = { units: 10000, runs: 3, seed: 0x5eed, argMax: null }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const [flag, inline] = a.includes('=') ? a.split(/=(.*)/s, 2) : [a, undefined]
    const next = () => {
      const v = inline ?? argv[++i]
      if (v === undefined) usage(`missing value for ${flag}`)
      return v
    }
    const int = (v, min) => {
      const n = Number(v)
      if (!Number.isInteger(n) || n < min) usage(`${flag} expects an integer >= ${min}, got ${v}`)
      return n
    }
    switch (flag) {
      case '--units':
        opts.units = int(next(), 1)
        break
      case '--runs':
        opts.runs = int(next(), 1)
        break
      case '--seed':
        opts.seed = int(next(), 0)
        break
      case '--arg-max':
        opts.argMax = int(next(), 4096)
        break
      case '-h':
      case '--help':
        usage()
        break
      default:
        usage(`unknown argument: ${a}`)
    }
  }
  return opts
}

function usage(err) {
  const text =
    'Usage: node scripts/bench.mjs [--units N] [--runs R] [--seed S] [--arg-max BYTES]\n' +
    '  --units N        number of unit files to generate (default 10000)\n' +
    '  --runs R         timed runs per row (default 3)\n' +
    '  --seed S         PRNG seed for the generated tree (default 24301)\n' +
    '  --arg-max BYTES  override the argv byte budget used to batch systemd-analyze calls\n'
  if (err) {
    process.stderr.write(`bench: ${err}\n${text}`)
    process.exit(2)
  }
  process.stdout.write(text)
  process.exit(0)
}

// ---------------------------------------------------------------- PRNG

/** mulberry32: small, fast, deterministic 32-bit PRNG. */
function mulberry32(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function makeRng(seed) {
  const next = mulberry32(seed)
  const rng = {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    chance: (p) => next() < p,
    pick: (arr) => arr[Math.floor(next() * arr.length)],
    /** pick from [[weight, value], ...] */
    weighted: (pairs) => {
      const total = pairs.reduce((s, [w]) => s + w, 0)
      let r = next() * total
      for (const [w, v] of pairs) {
        if ((r -= w) < 0) return v
      }
      return pairs[pairs.length - 1][1]
    },
    /** k distinct items, order preserved as in arr */
    sample: (arr, k) => {
      const idx = arr.map((_, i) => i)
      for (let i = idx.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1))
        ;[idx[i], idx[j]] = [idx[j], idx[i]]
      }
      return idx
        .slice(0, k)
        .sort((x, y) => x - y)
        .map((i) => arr[i])
    }
  }
  return rng
}

// ---------------------------------------------------------------- unit generator

const WORDS = [
  'api',
  'worker',
  'ingest',
  'metrics',
  'backup',
  'cache',
  'scheduler',
  'proxy',
  'mailer',
  'exporter',
  'gateway',
  'indexer',
  'billing',
  'auth',
  'search',
  'notify',
  'thumbnailer',
  'sync',
  'queue',
  'webhook',
  'report',
  'crawler',
  'agent',
  'relay',
  'tunnel',
  'ledger'
]
const INSTANCES = ['main', 'eth0', 'blue', 'green', '1', '2', 'eu-west', 'primary', 'replica']

function execLine(rng, name) {
  return rng.weighted([
    [5, `/usr/bin/${name}`],
    [2, `/usr/sbin/${name}d --foreground`],
    [2, `/opt/${name}/bin/${name} --config /etc/${name}/config.yaml`],
    [2, `/usr/bin/python3 /opt/${name}/app.py`],
    [2, `/usr/bin/node /srv/${name}/server.js`],
    [1, `/usr/bin/java -Xmx512m -jar /opt/${name}/${name}.jar`]
  ])
}

/** [Unit] + the operational (non-hardening) part of [Service]. */
function unitHead(rng, name, desc, { template = false } = {}) {
  const u = ['[Unit]', `Description=${desc}${template ? ' (instance %i)' : ''}`]
  if (rng.chance(0.2)) u.push(`Documentation=https://example.com/docs/${name}`)
  if (rng.chance(0.6))
    u.push(
      rng.pick(['After=network.target', 'After=network-online.target\nWants=network-online.target'])
    )
  u.push('', '[Service]')
  const type = rng.weighted([
    [6, 'simple'],
    [2, 'exec'],
    [2, 'notify'],
    [1, 'forking'],
    [1, 'oneshot']
  ])
  if (type !== 'simple' || rng.chance(0.5)) u.push(`Type=${type}`)
  if (type === 'forking') u.push(`PIDFile=/run/${name}.pid`)
  const exec = execLine(rng, name)
  u.push(`ExecStart=${exec}${template ? ' --instance %i' : ''}`)
  if (rng.chance(0.2)) u.push(`ExecReload=/bin/kill -HUP $MAINPID`)
  if (type === 'oneshot') u.push('RemainAfterExit=yes')
  else if (rng.chance(0.7)) u.push(`Restart=${rng.pick(['on-failure', 'always'])}`)
  if (rng.chance(0.3)) u.push(`RestartSec=${rng.int(1, 10)}`)
  if (rng.chance(0.3)) u.push(`EnvironmentFile=-/etc/default/${name}`)
  if (rng.chance(0.2)) u.push(`Environment=LOG_LEVEL=${rng.pick(['info', 'debug', 'warn'])}`)
  if (rng.chance(0.2)) u.push(`WorkingDirectory=/srv/${name}`)
  return u
}

function unitTail() {
  return ['', '[Install]', 'WantedBy=multi-user.target', '']
}

/** Pool of hardening directives for "partially hardened" units. */
function hardeningPool(rng, name) {
  return [
    () => [`User=${name}`, `Group=${name}`],
    () => ['NoNewPrivileges=true'],
    () => ['PrivateTmp=true'],
    () => [`ProtectHome=${rng.pick(['true', 'read-only', 'tmpfs'])}`],
    () => [
      `ProtectSystem=${rng.pick(['true', 'full', 'strict'])}`,
      `ReadWritePaths=/var/lib/${name}`
    ],
    () => ['PrivateDevices=true'],
    () => ['ProtectKernelTunables=true'],
    () => ['ProtectKernelModules=true'],
    () => ['ProtectKernelLogs=true'],
    () => ['ProtectControlGroups=true'],
    () => ['ProtectClock=true'],
    () => ['ProtectHostname=true'],
    () => ['RestrictRealtime=true'],
    () => ['RestrictSUIDSGID=true'],
    () => ['RestrictNamespaces=true'],
    () => ['LockPersonality=true'],
    () => ['MemoryDenyWriteExecute=true'],
    () => ['SystemCallArchitectures=native'],
    () => ['SystemCallFilter=@system-service', 'SystemCallErrorNumber=EPERM'],
    () => [
      rng.chance(0.5) ? 'CapabilityBoundingSet=' : 'CapabilityBoundingSet=CAP_NET_BIND_SERVICE'
    ],
    () => ['RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6'],
    () => ['UMask=0077'],
    () => [`StateDirectory=${name}`]
  ]
}

function partialHardening(rng, name) {
  const pool = hardeningPool(rng, name)
  const chosen = rng.sample(pool, rng.int(2, 9))
  const lines = ['', '# Hardening']
  for (const f of chosen) lines.push(...f())
  return lines
}

/** Fully hardened profiles, modelled on the bundled examples. */
function fullHardening(rng, name) {
  const profile = rng.pick([
    'baseline',
    'nodejs',
    'postgresql',
    'cloudflared',
    'dynamicuser',
    'max'
  ])
  const user = [`User=${name}`, `Group=${name}`]
  switch (profile) {
    case 'baseline':
      return [
        '',
        '# Hardening (baseline profile)',
        ...user,
        'ProtectSystem=strict',
        'ProtectHome=true',
        'PrivateTmp=true',
        `ReadWritePaths=/var/lib/${name}`,
        'NoNewPrivileges=true',
        'CapabilityBoundingSet=',
        'AmbientCapabilities=',
        'SystemCallArchitectures=native',
        'SystemCallFilter=@system-service',
        'SystemCallFilter=~@privileged @resources',
        'ProtectKernelTunables=true',
        'ProtectKernelModules=true',
        'ProtectKernelLogs=true',
        'ProtectControlGroups=true',
        'RestrictRealtime=true',
        'RestrictSUIDSGID=true',
        'MemoryDenyWriteExecute=true',
        'LockPersonality=true'
      ]
    case 'nodejs':
      return [
        '',
        '# Hardening (web app profile)',
        ...user,
        'ProtectSystem=strict',
        'ProtectHome=true',
        'PrivateTmp=true',
        `ReadWritePaths=/srv/${name}/uploads /var/log/${name}`,
        'NoNewPrivileges=true',
        'CapabilityBoundingSet=CAP_NET_BIND_SERVICE',
        'AmbientCapabilities=CAP_NET_BIND_SERVICE',
        'ProtectKernelTunables=true',
        'ProtectKernelModules=true',
        'ProtectControlGroups=true',
        'RestrictSUIDSGID=true',
        'LockPersonality=true'
      ]
    case 'postgresql':
      return [
        '',
        '# Hardening (database profile)',
        ...user,
        'ProtectSystem=full',
        'ProtectHome=true',
        'PrivateTmp=true',
        `ReadWritePaths=/var/lib/${name} /run/${name}`,
        'NoNewPrivileges=true',
        'CapabilityBoundingSet=',
        'ProtectKernelTunables=true',
        'ProtectKernelModules=true',
        'ProtectKernelLogs=true',
        'ProtectControlGroups=true',
        'RestrictRealtime=true',
        'RestrictSUIDSGID=true',
        'LockPersonality=true',
        'SystemCallArchitectures=native'
      ]
    case 'cloudflared':
      return [
        '',
        '# Hardening (tunnel daemon profile)',
        ...user,
        'ProtectSystem=strict',
        'ProtectHome=true',
        'PrivateTmp=true',
        `ReadOnlyPaths=/etc/${name}`,
        'NoNewPrivileges=true',
        'CapabilityBoundingSet=CAP_NET_BIND_SERVICE',
        'AmbientCapabilities=CAP_NET_BIND_SERVICE',
        'ProtectKernelTunables=true',
        'ProtectKernelModules=true',
        'ProtectControlGroups=true',
        'RestrictRealtime=true',
        'MemoryDenyWriteExecute=true',
        'SystemCallArchitectures=native',
        'SystemCallFilter=@system-service',
        'SystemCallFilter=~@privileged'
      ]
    case 'dynamicuser':
      return [
        '',
        '# Hardening (DynamicUser profile)',
        'DynamicUser=true',
        `StateDirectory=${name}`,
        `CacheDirectory=${name}`,
        `LogsDirectory=${name}`,
        'NoNewPrivileges=true',
        'PrivateTmp=true',
        'ProtectHome=true',
        'ProtectSystem=strict',
        `ReadWritePaths=/var/lib/${name} /var/log/${name}`
      ]
    default:
      return [
        '',
        '# Hardening (everything that applies)',
        'DynamicUser=true',
        `StateDirectory=${name}`,
        'CapabilityBoundingSet=',
        'AmbientCapabilities=',
        'NoNewPrivileges=true',
        'PrivateTmp=true',
        'PrivateDevices=true',
        'PrivateUsers=true',
        'PrivateNetwork=true',
        'ProtectSystem=strict',
        'ProtectHome=true',
        'ProtectProc=invisible',
        'ProcSubset=pid',
        'ProtectKernelTunables=true',
        'ProtectKernelModules=true',
        'ProtectKernelLogs=true',
        'ProtectControlGroups=true',
        'ProtectClock=true',
        'ProtectHostname=true',
        'RestrictNamespaces=true',
        'RestrictRealtime=true',
        'RestrictSUIDSGID=true',
        'RestrictAddressFamilies=AF_UNIX',
        'IPAddressDeny=any',
        'LockPersonality=true',
        'MemoryDenyWriteExecute=true',
        'RemoveIPC=true',
        'KeyringMode=private',
        'UMask=0077',
        'DevicePolicy=closed',
        'SystemCallArchitectures=native',
        'SystemCallFilter=@system-service',
        'SystemCallFilter=~@privileged @resources',
        'SystemCallErrorNumber=EPERM'
      ]
  }
}

/** Drop-in files: {file, text}[] */
function dropins(rng, name) {
  const candidates = [
    () => ({
      file: '10-hardening.conf',
      text: ['[Service]', 'NoNewPrivileges=true', 'PrivateTmp=true', 'ProtectHome=true', '']
    }),
    () => ({
      file: '20-filesystem.conf',
      text: [
        '[Service]',
        `ProtectSystem=${rng.pick(['full', 'strict'])}`,
        `ReadWritePaths=/var/lib/${name}`,
        ''
      ]
    }),
    () => ({
      file: '30-caps.conf',
      text: [
        '[Service]',
        'CapabilityBoundingSet=',
        'AmbientCapabilities=',
        'RestrictSUIDSGID=true',
        ''
      ]
    }),
    () => ({
      file: '40-syscalls.conf',
      text: [
        '[Service]',
        'SystemCallArchitectures=native',
        'SystemCallFilter=@system-service',
        'SystemCallErrorNumber=EPERM',
        ''
      ]
    }),
    () => ({
      file: 'override.conf',
      text: [
        '[Service]',
        'ExecStart=',
        `ExecStart=/usr/bin/${name} --verbose`,
        `Environment=${name.toUpperCase().replace(/-/g, '_')}_OPTS=--fast`,
        ''
      ]
    }),
    () => ({
      file: '50-relax.conf',
      text: [
        '[Service]',
        '# needs to read user data',
        'ProtectHome=read-only',
        'MemoryDenyWriteExecute=false',
        ''
      ]
    })
  ]
  return rng.sample(candidates, rng.int(1, 3)).map((f) => f())
}

/**
 * Generate one unit. Returns
 * { file, analyseAs, kind, text, dropins: [{file, text}] | null }.
 */
function generateUnit(rng, i) {
  const word = rng.pick(WORDS)
  const base = `${word}-${String(i).padStart(5, '0')}`
  const kind = rng.weighted([
    [30, 'bare'],
    [28, 'partial'],
    [20, 'full'],
    [12, 'dropin'],
    [10, 'template']
  ])
  const desc = `${word[0].toUpperCase()}${word.slice(1)} service #${i}`
  let lines
  let file = `${base}.service`
  let analyseAs = file
  let dis = null
  switch (kind) {
    case 'bare':
      lines = unitHead(rng, base, desc)
      if (rng.chance(0.3)) lines.push(`User=${base}`)
      break
    case 'partial':
      lines = [...unitHead(rng, base, desc), ...partialHardening(rng, base)]
      break
    case 'full':
      lines = [...unitHead(rng, base, desc), ...fullHardening(rng, base)]
      break
    case 'dropin':
      lines = unitHead(rng, base, desc)
      if (rng.chance(0.4)) lines.push(...partialHardening(rng, base))
      dis = dropins(rng, base)
      break
    case 'template': {
      file = `${base}@.service`
      analyseAs = `${base}@${rng.pick(INSTANCES)}.service`
      lines = unitHead(rng, base, desc, { template: true })
      const h = rng.weighted([
        [4, 'none'],
        [4, 'partial'],
        [2, 'full']
      ])
      if (h === 'partial') lines.push(...partialHardening(rng, base))
      if (h === 'full') lines.push(...fullHardening(rng, base))
      if (rng.chance(0.3)) dis = dropins(rng, base)
      break
    }
  }
  lines.push(...unitTail())
  return { file, analyseAs, kind, text: lines.join('\n'), dropins: dis }
}

const UNITS_PER_DIR = 100

function generateTree(opts) {
  fs.rmSync(TREE, { recursive: true, force: true })
  fs.rmSync(SAROOT, { recursive: true, force: true })
  fs.mkdirSync(SAUNITDIR, { recursive: true })
  const rng = makeRng(opts.seed)
  const stats = { units: 0, files: 0, bytes: 0, dropinDirs: 0, dropinFiles: 0, kinds: {} }
  const names = []
  const write = (p, text) => {
    fs.writeFileSync(p, text)
    stats.files++
    stats.bytes += Buffer.byteLength(text)
  }
  for (let i = 0; i < opts.units; i++) {
    const u = generateUnit(rng, i)
    // Repository-like layout: groups of 100 units per directory.
    const dir = path.join(
      TREE,
      `team-${String(Math.floor(i / UNITS_PER_DIR)).padStart(3, '0')}`,
      'systemd'
    )
    if (i % UNITS_PER_DIR === 0) fs.mkdirSync(dir, { recursive: true })
    write(path.join(dir, u.file), u.text)
    fs.writeFileSync(path.join(SAUNITDIR, u.file), u.text)
    if (u.dropins) {
      const dd = path.join(dir, `${u.file}.d`)
      const sd = path.join(SAUNITDIR, `${u.file}.d`)
      fs.mkdirSync(dd)
      fs.mkdirSync(sd)
      stats.dropinDirs++
      for (const d of u.dropins) {
        const text = d.text.join('\n')
        write(path.join(dd, d.file), text)
        fs.writeFileSync(path.join(sd, d.file), text)
        stats.dropinFiles++
      }
    }
    stats.units++
    stats.kinds[u.kind] = (stats.kinds[u.kind] ?? 0) + 1
    names.push(u.analyseAs)
  }
  return { stats, names }
}

// ---------------------------------------------------------------- process timing

function which(cmd) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue
    const p = path.join(dir, cmd)
    try {
      fs.accessSync(p, fs.constants.X_OK)
      return p
    } catch {
      /* not here */
    }
  }
  return null
}

const HAVE_TIME = (() => {
  try {
    fs.accessSync(TIME_BIN, fs.constants.X_OK)
    const r = spawnSync(TIME_BIN, ['-f', '%e %M', 'true'], { encoding: 'utf8' })
    return r.status === 0 && /^\d+\.\d+ \d+\s*$/m.test(r.stderr)
  } catch {
    return false
  }
})()
const TIME_OUT = path.join(BENCH, '.time-output')

/**
 * Run one command as a whole process. Wall time from process.hrtime around
 * spawnSync (ns resolution); peak RSS (KiB) from GNU time's %M when available.
 */
function runOnce(cmd, args, { stdout = 'ignore', captureStderr = true } = {}) {
  const stdio = ['ignore', stdout, captureStderr ? 'pipe' : 'ignore']
  const [file, argv] = HAVE_TIME
    ? [TIME_BIN, ['-f', '%e %M', '-o', TIME_OUT, cmd, ...args]]
    : [cmd, args]
  const t0 = process.hrtime.bigint()
  const r = spawnSync(file, argv, {
    cwd: ROOT,
    stdio,
    maxBuffer: 64 * 1024 * 1024,
    encoding: 'utf8'
  })
  const wall = Number(process.hrtime.bigint() - t0) / 1e9
  if (r.error) throw new Error(`failed to run ${cmd}: ${r.error.message}`)
  let rssKiB = null
  let status = r.status
  if (HAVE_TIME) {
    const out = fs.readFileSync(TIME_OUT, 'utf8')
    // GNU time prints "Command exited with non-zero status N" before the format line.
    const m = out.match(/(\d+(?:\.\d+)?) (\d+)\s*$/)
    if (m) rssKiB = Number(m[2])
  }
  return { wall, rssKiB, status, signal: r.signal, stderr: r.stderr ?? '' }
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

function summarise(label, command, walls, rssList, units, extra = {}) {
  const rss = rssList.every((x) => x != null) ? Math.max(...rssList) : null
  const med = median(walls)
  return {
    label,
    command,
    runs: walls.length,
    wallSeconds: walls,
    medianSeconds: med,
    minSeconds: Math.min(...walls),
    peakRssMB: rss == null ? null : rss / 1024,
    unitsPerSecond: units / med,
    ...extra
  }
}

// ---------------------------------------------------------------- rows

/**
 * Runs `runs` rounds of one run per row, in row order, and merges each row's runs into one summary
 * (the first run's details, every run's wall time, peak RSS and exit status). A skipped row is not
 * run again.
 */
function interleave(runs, rows) {
  const done = rows.map(() => [])
  for (let r = 0; r < runs; r++) {
    rows.forEach((row, i) => {
      if (done[i][0]?.skipped) return
      done[i].push(row({ runs: 1 }))
    })
  }
  return done.map((results) => {
    const [first] = results
    if (first.skipped) return first
    const walls = results.flatMap((result) => result.wallSeconds)
    const rss = results.map((result) => result.peakRssMB)
    const merged = {
      ...first,
      runs: walls.length,
      wallSeconds: walls,
      medianSeconds: median(walls),
      minSeconds: Math.min(...walls),
      peakRssMB: rss.every((x) => x != null) ? Math.max(...rss) : null,
      unitsPerSecond: (first.unitsPerSecond * first.medianSeconds) / median(walls)
    }
    if (first.exitStatuses) merged.exitStatuses = results.flatMap((result) => result.exitStatuses)
    return merged
  })
}

/** The median over rounds of row `over`'s wall time divided by row `under`'s in the same round. */
function pairedRatio(over, under) {
  return median(over.wallSeconds.map((wall, r) => wall / under.wallSeconds[r]))
}

function rowGate(opts, units, format, label) {
  const cmdline = `node dist/cli.js --format ${format} --output /dev/null .bench/tree`
  if (!fs.existsSync(CLI)) {
    return {
      label,
      command: cmdline,
      skipped: `dist/cli.js not found (build the CLI first: npm run bundle)`
    }
  }
  const walls = []
  const rss = []
  const statuses = []
  for (let r = 0; r < opts.runs; r++) {
    const res = runOnce(process.execPath, [
      'dist/cli.js',
      '--format',
      format,
      '--output',
      '/dev/null',
      '.bench/tree'
    ])
    // 0 = gate passed, 1 = gate failed (policy violations): both are normal results.
    if (res.status !== 0 && res.status !== 1) {
      return {
        label,
        command: cmdline,
        skipped: `CLI exited with status ${res.status ?? res.signal}: ${res.stderr.trim().split('\n').slice(-5).join(' | ')}`
      }
    }
    walls.push(res.wall)
    rss.push(res.rssKiB)
    statuses.push(res.status)
  }
  return summarise(label, cmdline, walls, rss, units, { exitStatuses: statuses })
}

const BASELINE_SCRIPT = `
const fs = require('node:fs');
const path = require('node:path');
let files = 0, bytes = 0;
(function walk(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.isFile()) { bytes += fs.readFileSync(p).length; files++; }
  }
})(process.argv[1]);
process.stdout.write(files + ' ' + bytes + '\\n');
`

function rowBaseline(opts, units, expectFiles) {
  const cmdline = `node -e '<walk + readFileSync every file>' .bench/tree`
  const walls = []
  const rss = []
  for (let r = 0; r < opts.runs; r++) {
    const res = runOnce(process.execPath, ['-e', BASELINE_SCRIPT, '.bench/tree'], {
      stdout: 'pipe'
    })
    if (res.status !== 0) throw new Error(`baseline failed (${res.status}): ${res.stderr}`)
    walls.push(res.wall)
    rss.push(res.rssKiB)
  }
  return summarise('b. node baseline', cmdline, walls, rss, units, { filesRead: expectFiles })
}

/** Split names into as few argv batches as the kernel's ARG_MAX allows. */
function batchArgs(prefixArgs, names, argMaxOverride) {
  let argMax = argMaxOverride
  if (!argMax) {
    const g = spawnSync('getconf', ['ARG_MAX'], { encoding: 'utf8' })
    argMax = g.status === 0 ? Number(g.stdout.trim()) : 131072
  }
  // argv and envp share the budget; each string costs its bytes + NUL + a pointer.
  const cost = (s) => Buffer.byteLength(s) + 1 + 8
  const envBytes = Object.entries(process.env).reduce((s, [k, v]) => s + cost(`${k}=${v}`), 0)
  const fixed = prefixArgs.reduce((s, a) => s + cost(a), 0) + envBytes
  const budget = argMax - fixed - 4096 // headroom for auxv / alignment
  if (budget < 1024) throw new Error(`ARG_MAX ${argMax} too small for the environment`)
  const batches = []
  let cur = []
  let used = 0
  for (const n of names) {
    const c = cost(n)
    if (cur.length && used + c > budget) {
      batches.push(cur)
      cur = []
      used = 0
    }
    cur.push(n)
    used += c
  }
  if (cur.length) batches.push(cur)
  return { argMax, batches }
}

function rowSystemd(opts, names) {
  const sa = which('systemd-analyze')
  const cmdline = `systemd-analyze security --offline=true --root=.bench/root <names...>`
  if (!sa)
    return {
      label: 'c. systemd-analyze',
      command: cmdline,
      skipped: 'systemd-analyze not installed'
    }
  const version = spawnSync(sa, ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0]
  const prefix = ['security', '--offline=true', '--root=.bench/root', '--no-pager']
  const timePrefix = HAVE_TIME ? [TIME_BIN, '-f', '%e %M', '-o', TIME_OUT, sa] : [sa]
  const { argMax, batches } = batchArgs([...timePrefix, ...prefix], names, opts.argMax)
  const outFile = path.join(BENCH, 'systemd-analyze.out')
  const walls = []
  const rss = []
  let check = null
  for (let r = 0; r < opts.runs; r++) {
    let wall = 0
    let peak = 0
    let analysed = 0
    const statuses = []
    const stderrLines = []
    for (const batch of batches) {
      const fd = fs.openSync(outFile, 'w')
      let res
      try {
        res = runOnce(sa, [...prefix, ...batch], { stdout: fd })
      } finally {
        fs.closeSync(fd)
      }
      wall += res.wall
      peak = res.rssKiB == null || peak == null ? null : Math.max(peak, res.rssKiB)
      statuses.push(res.status)
      if (res.stderr.trim()) stderrLines.push(...res.stderr.trim().split('\n'))
      // Validate outside the timed section: one "Overall exposure level" line per analysed unit.
      analysed += countOccurrences(outFile, 'Overall exposure level for ')
    }
    walls.push(wall)
    rss.push(peak)
    check ??= {
      analysedUnits: analysed,
      exitStatuses: statuses,
      stderrSample: stderrLines.slice(0, 5),
      stderrLines: stderrLines.length
    }
  }
  fs.rmSync(outFile, { force: true })
  return summarise('c. systemd-analyze', cmdline, walls, rss, names.length, {
    version,
    argMax,
    invocations: batches.length,
    batchSizes: batches.map((b) => b.length),
    ...check
  })
}

function countOccurrences(file, needle) {
  const fd = fs.openSync(file, 'r')
  const buf = Buffer.alloc(1 << 20)
  const pat = Buffer.from(needle)
  let n = 0
  let carry = Buffer.alloc(0)
  try {
    for (;;) {
      const got = fs.readSync(fd, buf, 0, buf.length, null)
      if (got === 0) break
      const chunk = Buffer.concat([carry, buf.subarray(0, got)])
      let i = 0
      while ((i = chunk.indexOf(pat, i)) !== -1) {
        n++
        i += pat.length
      }
      carry = Buffer.from(chunk.subarray(Math.max(0, chunk.length - pat.length + 1)))
    }
  } finally {
    fs.closeSync(fd)
  }
  return n
}

// ---------------------------------------------------------------- report

function fmt(x, digits) {
  return x == null ? 'n/a' : x.toFixed(digits)
}

function printTable(rows) {
  const header = ['row', 'median s', 'min s', 'peak RSS MB', 'units/s']
  const body = rows.map((r) =>
    r.skipped
      ? [r.label, 'skipped', '', '', '']
      : [
          r.label,
          fmt(r.medianSeconds, 3),
          fmt(r.minSeconds, 3),
          fmt(r.peakRssMB, 1),
          fmt(r.unitsPerSecond, 0)
        ]
  )
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)))
  const line = (cells) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')
  console.log(line(header))
  console.log(widths.map((w) => '-'.repeat(w)).join('  '))
  for (const b of body) console.log(line(b))
  for (const r of rows) if (r.skipped) console.log(`  ${r.label}: skipped — ${r.skipped}`)
}

function main() {
  const opts = parseArgs(process.argv.slice(2))
  fs.mkdirSync(BENCH, { recursive: true })

  console.log(
    `bench: generating ${opts.units} units (seed ${opts.seed}) under .bench/tree and .bench/root ...`
  )
  const g0 = process.hrtime.bigint()
  const { stats, names } = generateTree(opts)
  const genSeconds = Number(process.hrtime.bigint() - g0) / 1e9
  console.log(
    `bench: ${stats.units} units, ${stats.dropinDirs} drop-in dirs (${stats.dropinFiles} files), ` +
      `${stats.files} files / ${(stats.bytes / 1024 / 1024).toFixed(1)} MB in ${genSeconds.toFixed(2)} s; ` +
      `kinds ${JSON.stringify(stats.kinds)}`
  )
  if (!HAVE_TIME) {
    console.log(
      `bench: ${TIME_BIN} not found — wall time is measured with process.hrtime, but Node cannot report a ` +
        `child's peak RSS, so that column is n/a. Install GNU time (apt-get install time) for peak RSS.`
    )
  }
  // Written files are flushed first, and each program runs once untimed, so that no row pays for
  // the kernel's write-back or a cold cache that the others do not.
  spawnSync('sync')
  if (fs.existsSync(CLI)) {
    runOnce(process.execPath, [
      'dist/cli.js',
      '--format',
      'text',
      '--output',
      '/dev/null',
      '.bench/tree'
    ])
  }
  runOnce(process.execPath, ['-e', BASELINE_SCRIPT, '.bench/tree'], { stdout: 'pipe' })
  console.log(`bench: ${opts.runs} run(s) per row ...`)

  // The gate as CI runs it (text report) and with the full machine-readable report. The rows take
  // turns, one run each per round: on a shared VM the machine's speed drifts over minutes, and a
  // drift then slows every row of a round alike instead of one row's whole block.
  const [a, aJson, b, c] = interleave(opts.runs, [
    (once) => rowGate(once, stats.units, 'text', 'a. gate CLI text'),
    (once) => rowGate(once, stats.units, 'json', 'a2. gate CLI json'),
    (once) => rowBaseline(once, stats.units, stats.files),
    (once) => rowSystemd(once, names)
  ])
  if (a.skipped) console.log(`bench: a. gate CLI skipped: ${a.skipped}`)
  if (!c.skipped) {
    if (c.analysedUnits !== names.length) {
      console.log(
        `bench: WARNING systemd-analyze reported ${c.analysedUnits} of ${names.length} units`
      )
    }
    if (c.exitStatuses.some((s) => s !== 0)) {
      console.log(
        `bench: WARNING systemd-analyze exit statuses ${c.exitStatuses.join(',')} (a unit failed to load?)`
      )
      for (const l of c.stderrSample) console.log(`  ${l}`)
    }
  }

  const rows = [a, aJson, b, c]
  const ok = (r) => !r.skipped
  const ratios = {
    systemdAnalyzeOverGate: ok(a) && ok(c) ? c.medianSeconds / a.medianSeconds : null,
    // the median of each round's own ratio: the figure a drifting machine moves least
    pairedSystemdAnalyzeOverGate: ok(a) && ok(c) ? pairedRatio(c, a) : null,
    pairedGateOverNodeBaseline: ok(a) && ok(b) ? pairedRatio(a, b) : null,
    gateOverNodeBaseline: ok(a) && ok(b) ? a.medianSeconds / b.medianSeconds : null,
    systemdAnalyzeOverGateJson: ok(aJson) && ok(c) ? c.medianSeconds / aJson.medianSeconds : null,
    gateJsonOverNodeBaseline: ok(aJson) && ok(b) ? aJson.medianSeconds / b.medianSeconds : null
  }

  console.log('')
  printTable(rows)
  console.log('')
  console.log(
    `systemd-analyze / gate:   ${ratios.systemdAnalyzeOverGate == null ? 'n/a' : ratios.systemdAnalyzeOverGate.toFixed(2) + 'x'}`
  )
  console.log(
    `gate / node-baseline:     ${ratios.gateOverNodeBaseline == null ? 'n/a' : ratios.gateOverNodeBaseline.toFixed(2) + 'x'}`
  )
  const x = (v) => (v == null ? 'n/a' : v.toFixed(2) + 'x')
  console.log(
    `per round (median of each round's ratio): systemd-analyze / gate ${x(ratios.pairedSystemdAnalyzeOverGate)}, ` +
      `gate / node-baseline ${x(ratios.pairedGateOverNodeBaseline)}`
  )
  console.log(`systemd-analyze / gate json: ${x(ratios.systemdAnalyzeOverGateJson)}`)
  console.log(`gate json / node-baseline:   ${x(ratios.gateJsonOverNodeBaseline)}`)
  if (ok(c)) {
    console.log(
      `systemd-analyze: ${c.invocations} invocation(s) (ARG_MAX ${c.argMax}), ${c.analysedUnits}/${names.length} units analysed, ${c.version}`
    )
  }

  const results = {
    generatedAt: new Date().toISOString(),
    params: { units: opts.units, runs: opts.runs, seed: opts.seed },
    host: {
      node: process.version,
      platform: `${os.type()} ${os.release()} ${os.arch()}`,
      cpus: os.cpus().length,
      gnuTime: HAVE_TIME
    },
    tree: { path: '.bench/tree', saRoot: '.bench/root', generateSeconds: genSeconds, ...stats },
    rows: { a, aJson, b, c },
    ratios
  }
  fs.writeFileSync(path.join(BENCH, 'results.json'), JSON.stringify(results, null, 2) + '\n')
  fs.rmSync(TIME_OUT, { force: true })
  console.log(`\nbench: wrote .bench/results.json`)
}

main()
