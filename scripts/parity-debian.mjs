#!/usr/bin/env node
// Score parity on real Debian units: systemd-hardening-gate vs `systemd-analyze security --offline=true`.
//
// 1. Builds a package list from the local apt index: every package whose Depends/Pre-Depends name
//    init-system-helpers, plus every package that ships files under lib/systemd/system according
//    to apt's Contents index when there is one (apt-file installed). Or --packages a,b,c.
//    --suite trixie (or sid, ...) uses a private apt state under <cache>/apt instead of the host's
//    (own sources list, lists, cache and an empty dpkg status; the Contents index included), so
//    units written for a newer systemd can be scored without touching the host's apt.
// 2. apt-get downloads the .debs into <cache>/debs (kept between runs: delete them to get newer
//    versions) and extracts each one with dpkg-deb -x into <cache>/x/<deb name> (kept too).
// 3. Copies each package's system units (*.service, *.socket, *.service.d/) into
//    <cache>/roots/<pkg>/etc/systemd/system/, replacing symlinks inside the package by the file
//    they point to and keeping /dev/null links (masks).
// 4. Scores every service with systemd-analyze (the oracle; or --oracle FILE, another build such
//    as a newer Debian's systemd-analyze, run with the caller's environment, LD_LIBRARY_PATH
//    included) and with dist/cli.js (or --cli FILE), the latter with --systemd-version set to the
//    oracle's version, and compares the status, the overall score and every check row (badness,
//    weight, range).
// 5. With --fix: copies each package's root to <cache>/roots-fixed/<pkg>, lets the CLI write its
//    drop-ins there (--fix, at --fix-threshold and --fix-policy), and has the oracle score every
//    unit that got one: systemd must load it, print the score the drop-in's header predicts, and
//    `systemd-analyze verify` must say nothing about the drop-in.
// 6. Prints a summary and writes <cache>/results.md and <cache>/results.json.
// --trees DIR replaces steps 1-3 for unit files gathered elsewhere (from repositories, say): every
// directory below DIR holding *.service files becomes a root, with the sockets and drop-in
// directories beside them.
//
// Usage: node scripts/parity-debian.mjs [--packages a,b,c] [--limit N] [--cache DIR] [--update]
//                                        [--jobs N] [--timeout S] [--suite NAME] [--cli FILE]
//                                        [--oracle FILE] [--fix [--fix-threshold N] [--fix-policy P]]
//                                        [--trees DIR]
// Needs a Debian host (apt-get, dpkg-deb, systemd-analyze; Debian 12 has systemd 252) and a built
// dist/cli.js (npm run bundle). Exit: 0 no disagreement, 1 disagreements, 2 usage/environment error.
// Only node: built-ins are used.

import { execFile, spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import readline from 'node:readline'
import { fileURLToPath } from 'node:url'
import { parseArgs as parseArgv } from 'node:util'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const CLI = path.join(ROOT, 'dist', 'cli.js')
// systemd prints UINT64_MAX as the badness of rows that do not apply; JSON.parse rounds it to 2^64.
const NA = 2 ** 64
// Searched in this order, later wins on equal names: Debian's systemd prefers /etc, then /lib.
const SYS_DIRS = ['usr/lib/systemd/system', 'lib/systemd/system', 'etc/systemd/system']
// --user: a package's units for a user's manager, in the same order
const USER_DIRS = ['usr/lib/systemd/user', 'lib/systemd/user', 'etc/systemd/user']
const SA = 'systemd-analyze'
const OVERALL = /Overall exposure level for (\S+): (\d+\.\d) (\S+)/g
const MIRROR = 'http://deb.debian.org/debian'
const KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg'
// Given first to every apt-get/apt-cache call: empty for the host's apt, ['-c', <private conf>]
// with --suite.
const aptArgs = []

// ---------------------------------------------------------------- arguments

function parseArgs(argv) {
  const [str, bool] = [{ type: 'string' }, { type: 'boolean' }]
  const options = { packages: str, limit: str, cache: str, update: bool, jobs: str, timeout: str }
  Object.assign(options, { suite: str, cli: str, oracle: str })
  Object.assign(options, { mirror: str, keyring: str, components: str })
  Object.assign(options, { fix: bool, 'fix-threshold': str, 'fix-policy': str, trees: str })
  Object.assign(options, { user: bool })
  let values
  try {
    values = parseArgv({
      args: argv,
      options: { ...options, help: { ...bool, short: 'h' } }
    }).values
  } catch (e) {
    usage(e.message)
  }
  if (values.help) usage()
  const int = (flag, def, min) => {
    const v = values[flag]
    if (v === undefined) return def
    const n = Number(v)
    if (!Number.isInteger(n) || n < min) usage(`--${flag} expects an integer >= ${min}, got ${v}`)
    return n
  }
  const packages = values.packages?.split(/\s*,\s*/).filter(Boolean) ?? null
  if (packages && !packages.length) usage('--packages needs at least one package name')
  // The name ends up in a sources file: no spaces or newlines.
  if (values.suite !== undefined && !/^[a-z0-9][a-z0-9.+-]*$/.test(values.suite)) {
    usage(`--suite expects a suite name such as trixie or sid, got ${values.suite}`)
  }
  const components = (values.components ?? 'main').split(/\s*,\s*/).filter(Boolean)
  if (!components.length || !components.every((c) => /^[a-z0-9-]+$/.test(c))) {
    usage(`--components expects names such as main,universe, got ${values.components}`)
  }
  // Both end up in the sources file too.
  if (values.mirror !== undefined && !/^https?:\/\/[^\s]+$/.test(values.mirror)) {
    usage(`--mirror expects an http(s) URL, got ${values.mirror}`)
  }
  if (values.keyring !== undefined && !fs.existsSync(values.keyring)) {
    usage(`--keyring: no such file ${values.keyring}`)
  }
  if (values.trees !== undefined) {
    if (!fs.statSync(values.trees, { throwIfNoEntry: false })?.isDirectory()) {
      usage(`--trees: no such directory ${values.trees}`)
    }
    const apt = ['packages', 'suite', 'update', 'mirror', 'keyring', 'components']
    const clash = apt.filter((flag) => values[flag] !== undefined)
    if (clash.length) usage(`--trees takes no Debian packages: drop --${clash.join(', --')}`)
  }
  const fixThreshold = values['fix-threshold'] ?? '5.0'
  if (!/^(10(\.0)?|\d(\.\d)?)$/.test(fixThreshold)) {
    usage(`--fix-threshold expects 0.0-10.0 with one decimal, got ${fixThreshold}`)
  }
  if ((values['fix-threshold'] ?? values['fix-policy']) !== undefined && !values.fix) {
    usage('--fix-threshold and --fix-policy go with --fix')
  }
  return {
    packages,
    limit: int('limit', null, 1),
    mirror: (values.mirror ?? MIRROR).replace(/\/+$/, ''),
    keyring: values.keyring ? path.resolve(values.keyring) : KEYRING,
    components,
    cache: path.resolve(values.cache ?? path.join(ROOT, '.parity')),
    update: values.update ?? false,
    jobs: int('jobs', 2, 1),
    timeout: int('timeout', 60, 1) * 1000,
    suite: values.suite ?? null,
    trees: values.trees === undefined ? null : path.resolve(values.trees),
    cli: path.resolve(values.cli ?? CLI),
    // A bare name is looked up in PATH; anything with a slash is a file.
    oracle: values.oracle?.includes('/') ? path.resolve(values.oracle) : (values.oracle ?? SA),
    fix: values.fix
      ? { threshold: fixThreshold, policy: values['fix-policy'] ?? 'baseline' }
      : null,
    user: values.user ?? false
  }
}

function usage(err) {
  const text =
    'Usage: node scripts/parity-debian.mjs [options]\n' +
    '  --packages a,b,c  check these Debian packages (default: every package in the apt index that\n' +
    '                    depends on init-system-helpers or ships lib/systemd/system files)\n' +
    '  --limit N         only the first N packages, sorted by name (a quick run)\n' +
    '  --cache DIR       downloads, extracted trees, roots and results (default: <repo>/.parity)\n' +
    '  --update          run apt-get update first (needed when the apt lists are missing; with\n' +
    '                    --suite, updates only the private state)\n' +
    '  --suite NAME      take the packages from this Debian suite (trixie, sid, ...) through a\n' +
    "                    private apt state in <cache>/apt (run --update once); the host's apt\n" +
    '                    sources and lists are not used or touched\n' +
    '  --mirror URL      with --suite: the archive (default http://deb.debian.org/debian; e.g.\n' +
    '                    http://archive.ubuntu.com/ubuntu with --suite resolute)\n' +
    "  --keyring FILE    with --suite: the archive's signing keys (default Debian's)\n" +
    '  --components L    with --suite: the archive components (default main; e.g. main,universe)\n' +
    '  --cli FILE        the CLI bundle to test (default: <repo>/dist/cli.js; it finds the\n' +
    '                    policies in ../policies from its own directory)\n' +
    '  --oracle FILE     the systemd-analyze to compare with (default: systemd-analyze from\n' +
    '                    PATH); the CLI is run with --systemd-version set to its version. It\n' +
    '                    gets this environment: give LD_LIBRARY_PATH for an extracted build\n' +
    '  --trees DIR       no Debian packages: every directory below DIR that holds *.service files\n' +
    '                    (unit files collected from anywhere, e.g. repositories) is a root of\n' +
    '                    its own, with the sockets and drop-in directories beside them\n' +
    "  --user            a user's manager's units: the packages' user units (usr/lib/systemd/user)\n" +
    '                    or every unit of the trees, scored by systemd-analyze --user (roots in\n' +
    '                    XDG_CONFIG_HOME, as --user cannot take --root) and the CLI with --user\n' +
    '  --fix             also check the fix engine: the CLI writes its drop-ins into a copy of\n' +
    '                    each root (--fix), and the oracle must load every unit that got one\n' +
    '                    and print the score the drop-in predicts; verify must say nothing of it\n' +
    '  --fix-threshold N the threshold the drop-ins aim at (default 5.0)\n' +
    '  --fix-policy P    the policy name or file they are made for (default baseline)\n' +
    '  --jobs N          packages checked in parallel (default 2)\n' +
    '  --timeout S       per-command timeout in seconds (default 60)\n' +
    '  -h, --help        this help\n'
  if (err) fail(`${err}\n${text}`)
  process.stdout.write(text)
  process.exit(0)
}

function fail(msg) {
  process.stderr.write(`parity: ${msg}\n`)
  process.exit(2)
}

// ---------------------------------------------------------------- helpers

/** Run a command without a shell; never rejects. code: exit status, 'TIMEOUT' or an error code. */
function run(cmd, args, { env, cwd, timeout } = {}) {
  return new Promise((resolve) => {
    const o = { env: { ...process.env, ...env }, cwd, timeout, maxBuffer: 256 << 20 }
    execFile(cmd, args, { ...o, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
      const code = !err ? 0 : err.killed ? 'TIMEOUT' : (err.code ?? err.signal)
      resolve({ code, stdout, stderr })
    })
  })
}

const which = (cmd) => spawnSync('sh', ['-c', 'command -v "$1"', 'sh', cmd]).status === 0

const lastLine = (s) => String(s).trim().split('\n').pop() ?? ''

async function pool(items, n, fn) {
  let next = 0
  const worker = async () => {
    while (next < items.length) await fn(items[next++])
  }
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker))
}

// ---------------------------------------------------------------- package list and downloads

/**
 * --suite: write <cache>/apt/apt.conf, a private apt state for that suite, and pass it to every
 * apt call. Only the paths are redirected: the host's apt.conf.d (proxy, GzipIndexes, ...) still
 * applies, but its sources, lists, cache, pinning and dpkg status are never read or written.
 */
function privateApt(opts) {
  const { suite, cache } = opts
  const dir = path.join(cache, 'apt')
  const empty = path.join(dir, 'empty.d') // stands in for sources.list.d and preferences.d
  const dirs = [empty, path.join(dir, 'lists', 'partial'), path.join(dir, 'cache', 'archives')]
  for (const d of dirs) fs.mkdirSync(d, { recursive: true })
  const sources = path.join(dir, 'sources.sources') // the .sources extension selects deb822
  const src = ['Types: deb', `URIs: ${opts.mirror}`, `Suites: ${suite}`]
  src.push(`Components: ${opts.components.join(' ')}`, `Signed-By: ${opts.keyring}`, '')
  fs.writeFileSync(sources, src.join('\n'))
  // Nothing is installed from this state: an empty dpkg status keeps the host's out of it.
  if (!fs.existsSync(path.join(dir, 'status'))) fs.writeFileSync(path.join(dir, 'status'), '')
  const q = (v) => `"${v}"`
  const conf = [
    `Dir::Etc::SourceList ${q(sources)};`,
    `Dir::Etc::SourceParts ${q(empty)};`,
    `Dir::Etc::Preferences ${q(path.join(dir, 'preferences'))};`, // absent: no pinning
    `Dir::Etc::PreferencesParts ${q(empty)};`,
    `Dir::State ${q(dir)};`,
    `Dir::State::Lists ${q(path.join(dir, 'lists'))};`,
    `Dir::State::status ${q(path.join(dir, 'status'))};`,
    `Dir::State::extended_states ${q(path.join(dir, 'extended_states'))};`,
    `Dir::Cache ${q(path.join(dir, 'cache'))};`,
    // The host's update hooks (PackageKit, AppStream refresh) concern the host's lists only.
    '#clear APT::Update::Pre-Invoke;',
    '#clear APT::Update::Post-Invoke;',
    '#clear APT::Update::Post-Invoke-Success;',
    ''
  ]
  const file = path.join(dir, 'apt.conf')
  fs.writeFileSync(file, conf.join('\n'))
  aptArgs.push('-c', file)
}

/**
 * --suite: the suite's Contents index (main, native arch and all), so that packages that ship
 * units but do not depend on init-system-helpers are found too. Fetched directly, not as an apt
 * index target: deb.debian.org has served Contents files whose size did not match the Release
 * (apt then fails the whole update). They only select packages; apt still verifies every .deb.
 */
async function suiteContents(opts) {
  const dir = path.join(opts.cache, 'apt', 'contents')
  fs.mkdirSync(dir, { recursive: true })
  const arch = spawnSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).stdout.trim()
  const files = []
  // Debian keeps a Contents index per component, Ubuntu one per suite
  const places = [...opts.components.map((c) => `${c}/`), '']
  for (const a of [arch, 'all']) {
    for (const place of places) {
      const file = path.join(dir, `Contents-${place.replace('/', '-')}${a}.gz`)
      if (opts.update || !fs.existsSync(file)) {
        const url = `${opts.mirror}/dists/${opts.suite}/${place}Contents-${a}.gz`
        const res = await fetch(url).catch((e) => ({ ok: false, status: e.message }))
        if (!res.ok) {
          console.log(`parity: ${url}: ${res.status} (packages are selected without it)`)
          continue
        }
        fs.writeFileSync(file + '.part', Buffer.from(await res.arrayBuffer()))
        fs.renameSync(file + '.part', file)
      }
      files.push({ kind: 'Contents-deb', file })
      break
    }
  }
  return files
}

/** The apt index files on disk, as {kind: 'Packages' | 'Contents-deb' | ..., file}. */
function aptLists() {
  const fmt = ['indextargets', '--format', '$(CREATED_BY) $(FILENAME)']
  const out = spawnSync('apt-get', [...aptArgs, ...fmt], { encoding: 'utf8' }).stdout
  const files = [...out.matchAll(/^(\S+) (.+)$/gm)]
    .map((m) => ({ kind: m[1], file: m[2] }))
    .filter((t) => fs.existsSync(t.file))
  if (!files.some((t) => t.kind === 'Packages')) {
    fail(
      'the apt package lists are missing (usual in container images), so packages can be neither ' +
        'listed nor downloaded. Run again with --update to run apt-get update (needs root and network).'
    )
  }
  return files
}

async function defaultPackages(indexFiles, opts) {
  // dumpavail prints every available package's record, already decompressed.
  const o = { encoding: 'utf8', maxBuffer: 1 << 30 }
  const r = spawnSync('apt-cache', [...aptArgs, 'dumpavail'], o)
  if (r.status !== 0) fail(`apt-cache dumpavail failed: ${lastLine(r.stderr)}`)
  const known = new Set()
  const names = new Set()
  let pkg = null
  for (const line of r.stdout.split('\n')) {
    if (line.startsWith('Package: ')) known.add((pkg = line.slice(9).trim()))
    // --user: user units need no init-system-helpers; only the Contents index finds them
    else if (!opts.user && /^(Pre-)?Depends:.*\binit-system-helpers\b/.test(line)) names.add(pkg)
  }
  const byDepends = names.size
  // Packages index files do not list files; apt-file's Contents index does ("path  sect/pkg,...").
  const helper = '/usr/lib/apt/apt-helper' // its cat-file decompresses any index format
  let contents = indexFiles.filter((t) => t.kind.startsWith('Contents-deb'))
  if (!fs.existsSync(helper)) contents = []
  if (opts.user && !contents.length) {
    fail('--user selects packages by their files: it needs a Contents index (--suite, or apt-file)')
  }
  const unitFile = opts.user ? /^(usr\/)?lib\/systemd\/user\// : /^(usr\/)?lib\/systemd\/system\//
  for (const { file } of contents) {
    const cat = spawn(helper, ['cat-file', file], { stdio: ['ignore', 'pipe', 'ignore'] })
    for await (const line of readline.createInterface({ input: cat.stdout })) {
      if (!unitFile.test(line)) continue
      for (const loc of line.slice(line.search(/\S+$/)).split(',')) {
        const name = loc.slice(loc.lastIndexOf('/') + 1)
        if (known.has(name)) names.add(name)
      }
    }
  }
  console.log(
    `parity: apt index: ${known.size} packages, ${names.size} selected ` +
      (contents.length
        ? `(${byDepends} by Depends, ${names.size - byDepends} more from the Contents index)`
        : `(no Contents index: by Depends only)`)
  )
  return [...names]
}

/** pkg -> its .deb in dir (named <pkg>_<version>_<arch>.deb; a cached one is never refreshed). */
function debsIn(dir) {
  const debs = fs.readdirSync(dir).filter((f) => f.endsWith('.deb'))
  return new Map(debs.sort().map((f) => [f.slice(0, f.indexOf('_')), path.join(dir, f)]))
}

function download(pkgs, dir, failures) {
  const missing = () => pkgs.filter((p) => !debsIn(dir).has(p))
  const todo = missing()
  if (!todo.length) return
  console.log(`parity: apt-get download ${todo.length} package(s) into ${dir} ...`)
  // Batches are fast, but apt gives up on a whole batch for one bad name: retry those alone.
  const get = (names) =>
    spawnSync('apt-get', [...aptArgs, 'download', '-q', ...names], { cwd: dir })
  for (let i = 0; i < todo.length; i += 100) get(todo.slice(i, i + 100))
  for (const p of missing()) {
    const r = get([p])
    if (r.status !== 0) failures.push({ pkg: p, stage: 'download', reason: lastLine(r.stderr) })
  }
}

// ---------------------------------------------------------------- units

/** Follow a (chained) link inside the package tree. */
function resolveIn(pkgRoot, p, depth = 0) {
  const st = depth > 20 ? null : fs.lstatSync(p, { throwIfNoEntry: false })
  if (!st) return { kind: 'dangling' }
  if (!st.isSymbolicLink()) return { kind: st.isDirectory() ? 'dir' : 'file', real: p }
  const t = fs.readlinkSync(p)
  if (t === '/dev/null') return { kind: 'null' }
  const next = t.startsWith('/') ? path.join(pkgRoot, t) : path.join(path.dirname(p), t)
  if (!path.resolve(next).startsWith(path.resolve(pkgRoot) + '/')) return { kind: 'dangling' }
  return resolveIn(pkgRoot, next, depth + 1)
}

function copyEntry(pkgRoot, src, dst) {
  const r = resolveIn(pkgRoot, src)
  if (r.kind === 'null') fs.symlinkSync('/dev/null', dst)
  else if (r.kind === 'file') fs.copyFileSync(r.real, dst)
  else if (r.kind === 'dir') {
    fs.mkdirSync(dst, { recursive: true })
    for (const e of fs.readdirSync(r.real))
      copyEntry(pkgRoot, path.join(r.real, e), path.join(dst, e))
  } else fs.symlinkSync(fs.readlinkSync(src), dst) // dangling: keep the link as shipped
}

/** Where a root's units are: ROOT/etc/systemd/system, or with --user ROOT/systemd/user. */
const unitDirOf = (root, opts) =>
  opts.user ? path.join(root, 'systemd', 'user') : path.join(root, 'etc', 'systemd', 'system')

/**
 * How systemd-analyze reads a root: --root, or for a user's manager (which cannot take --root) the
 * root as XDG_CONFIG_HOME (ROOT/systemd/user is then its first search path), with its data and
 * runtime directories beside it (the user manager needs a runtime directory even offline, and 255
 * leaves a socket there, which the copy of the root for --fix could not take).
 */
function oracleScope(root, opts) {
  if (!opts.user) return { args: ['security', `--root=${root}`], env: {} }
  const runtime = `${root}.runtime`
  fs.mkdirSync(runtime, { recursive: true, mode: 0o700 })
  const env = { XDG_CONFIG_HOME: root, XDG_DATA_HOME: `${root}.data` }
  return { args: ['--user', 'security'], env: { ...env, XDG_RUNTIME_DIR: runtime } }
}

// the services and their drop-ins, and what may start a template's instances: units of other types
// and dependency directories (the CLI judges a template by those instances too)
const wanted = (n) =>
  /\.(service|socket|target|timer|path|slice|mount|automount|swap)$|\.(service\.d|wants|requires|upholds)$/.test(
    n
  ) || n === 'service.d'

/**
 * Build the root's unit directory (unitDirOf) from the unit directories of a package tree (by
 * default its system or, with --user, user unit directories; links resolve inside the tree);
 * returns its *.service names.
 */
function collectUnits(pkgRoot, root, opts, dirs) {
  dirs ??= (opts.user ? USER_DIRS : SYS_DIRS).map((d) => path.join(pkgRoot, d))
  fs.rmSync(root, { recursive: true, force: true })
  const entries = new Map()
  for (const full of dirs) {
    if (!fs.existsSync(full)) continue
    for (const e of fs.readdirSync(full)) if (wanted(e)) entries.set(e, path.join(full, e))
  }
  const services = [...entries.keys()].filter((n) => n.endsWith('.service')).sort()
  if (!services.length) return services
  const unitDir = unitDirOf(root, opts)
  fs.mkdirSync(unitDir, { recursive: true })
  for (const [name, src] of entries) copyEntry(pkgRoot, src, path.join(unitDir, name))
  return services
}

// ---------------------------------------------------------------- the two tools

// A template cannot be loaded as such: systemd-analyze is given an instance of it, named as
// systemd-analyze itself names one for a bare template (and as the CLI does): "i" up to 256.
const oracleName = (f, version) =>
  f.replace(/@\.service$/, `@${version >= 257 ? 'test_instance' : 'i'}.service`)

/**
 * The instance the CLI judged a template by, when it is another than systemd-analyze's own (the
 * CLI also scores the instances with drop-in directories of their own beside the template, their
 * aliases' and DefaultInstance=, and reports the worst: README "Command line"); else undefined.
 * The oracle is then given that instance, so both tools score the same unit.
 */
function judgedInstance(file, unit, version) {
  if (!file.endsWith('@.service') || typeof unit?.unit !== 'string') return undefined
  const prefix = path.basename(file).slice(0, -'.service'.length)
  const named = unit.unit
  if (!named.startsWith(prefix) || !named.endsWith('.service') || named.includes('/'))
    return undefined
  return named === path.basename(oracleName(file, version))
    ? undefined
    : path.join(path.dirname(file), named)
}

/** --json=short prints one array per unit and line. */
const jsonLines = (s) => {
  try {
    return JSON.parse(`[${s.trim().split('\n').join(',')}]`)
  } catch {
    return null
  }
}

/**
 * file -> {code, score, stderr, checks}, from as few systemd-analyze calls as possible. `extra`:
 * more arguments for every call (--security-policy=FILE); `instances`: file -> the instance of a
 * template to score instead of systemd-analyze's own (judgedInstance).
 */
async function runOracle(root, files, opts, extra = [], instances = new Map()) {
  const { oracle, timeout, systemdVersion } = opts
  const scope = oracleScope(root, opts)
  const base = [...scope.args, '--offline=true', '--no-pager', ...extra]
  // run() passes process.env (LD_LIBRARY_PATH for --oracle) plus env.
  const sa = (args, env) =>
    run(oracle, [...base, ...args], { timeout, env: { ...scope.env, ...env } })
  const debug = { SYSTEMD_ANALYZE_DEBUG: '1' } // adds json_field, weight, badness, range to rows
  const names = files.map((f) => instances.get(f) ?? oracleName(f, systemdVersion))
  const txt = await sa(names)
  const scored = new Map([...txt.stdout.matchAll(OVERALL)].map((m) => [m[1], Number(m[2])]))
  // --json prints one table per loaded unit, in argument order but without its name: map them
  // only when the text run scored exactly those units in that order.
  const tables = jsonLines((await sa(['--json=short', ...names], debug)).stdout)
  const order = names.filter((n) => scored.has(n))
  const byName =
    tables?.length === order.length && order.join() === [...scored.keys()].join()
      ? new Map(order.map((n, i) => [n, tables[i]]))
      : new Map()
  const out = {}
  for (const [i, file] of files.entries()) {
    const name = names[i]
    let o = { code: 0, score: scored.get(name) ?? null, stderr: '', checks: byName.get(name) }
    if (o.score == null) {
      // Not scored together with the others: alone, its stderr says why (masked, refused).
      const one = await sa([name])
      const score = [...one.stdout.matchAll(OVERALL)][0]?.[2]
      o = { code: one.code, score: score ? Number(score) : null, stderr: one.stderr.trim() }
    }
    if (o.score != null && !o.checks) {
      o.checks = jsonLines((await sa(['--json=short', name], debug)).stdout)?.[0] ?? null
    }
    out[file] = o
  }
  return out
}

/**
 * The path of a unit the CLI reported (relative to the cache, where it runs) below the unit
 * directory: the key both tools' results are matched on.
 */
const unitPathIn = (unitDir, opts) => (unit) =>
  path.relative(unitDir, path.resolve(opts.cache, unit.path))

/** The CLI's arguments for a root: the oracle's version, and --user with --user. */
const cliArgs = (opts) => [
  opts.cli,
  '--format',
  'json',
  '--systemd-version',
  String(opts.systemdVersion),
  ...(opts.user ? ['--user'] : [])
]

async function runOurs(root, opts) {
  const args = [...cliArgs(opts), '--no-suggest', '--all-checks', unitDirOf(root, opts)]
  const r = await run(process.execPath, args, { timeout: opts.timeout, cwd: opts.cache })
  try {
    return { code: r.code, units: JSON.parse(r.stdout).units }
  } catch {
    return { code: r.code, error: `exit ${r.code}: ${lastLine(r.stderr)}`, units: [] }
  }
}

/**
 * --fix: the CLI writes its drop-ins into a copy of the root; the oracle scores each unit that got
 * one. Returns one row per drop-in: systemd loads the unit and prints the predicted score, or not.
 */
async function checkFixes(pkg, root, files, opts, failures) {
  const fixed = path.join(opts.cache, 'roots-fixed', encodeURIComponent(pkg))
  fs.rmSync(fixed, { recursive: true, force: true })
  fs.cpSync(root, fixed, { recursive: true, verbatimSymlinks: true })
  const unitDir = unitDirOf(fixed, opts)
  const args = [...cliArgs(opts), '--threshold', opts.fix.threshold, '--policy', opts.fix.policy]
  args.push('--fix', unitDir)
  const r = await run(process.execPath, args, { timeout: opts.timeout, cwd: opts.cache })
  let units
  try {
    units = JSON.parse(r.stdout).units
  } catch {
    failures.push({ pkg, stage: 'fix', reason: `exit ${r.code}: ${lastLine(r.stderr)}` })
    return []
  }
  const rel = unitPathIn(unitDir, opts)
  const suggested = new Map()
  for (const u of units) {
    const s = u.suggestion
    // no phases: every directive that would help was left out as unsafe, and --fix writes nothing
    if (!s?.phases.length || !files.includes(rel(u))) continue
    if (!fs.existsSync(path.resolve(opts.cache, s.path))) {
      failures.push({ pkg, unit: rel(u), stage: 'fix', reason: `--fix did not write ${s.path}` })
      continue
    }
    suggested.set(rel(u), { unit: u, suggestion: s })
  }
  if (!suggested.size) return []
  // the drop-ins aim at the policy's scores: systemd prints them with the policy's weights
  const policyFile = await fixPolicyFile(opts)
  const byFile = new Map([...suggested].map(([file, { unit }]) => [file, unit]))
  const instances = judgedInstances([...suggested.keys()], byFile, opts)
  const oracle = await runOracle(
    fixed,
    [...suggested.keys()],
    opts,
    [`--security-policy=${policyFile}`],
    instances
  )
  const complaints = await verifyDropIns(fixed, [...suggested.keys()], opts, instances)
  return [...suggested].map(([file, { unit, suggestion }]) => {
    const o = oracle[file]
    const verify = complaints.get(path.resolve(opts.cache, suggestion.path)) ?? []
    return {
      pkg,
      unit: file,
      ...(instances.has(file) ? { instance: instances.get(file) } : {}),
      from: unit.score,
      predicted: suggestion.score,
      oracleStatus: oracleStatus(o),
      oracleScore: o.score,
      oracleMsg: o.score == null ? o.stderr.slice(0, 2000) : '',
      verify,
      agree: o.score != null && o.score === suggestion.score && verify.length === 0
    }
  })
}

/** The --fix policy as one systemd --security-policy file (the CLI's --print-policy), made once. */
async function fixPolicyFile(opts) {
  const file = path.join(opts.cache, 'fix-policy.json')
  if (opts.fixPolicyWritten !== file) {
    const r = await run(
      process.execPath,
      [opts.cli, '--policy', opts.fix.policy, '--print-policy'],
      {
        timeout: opts.timeout,
        cwd: opts.cache
      }
    )
    if (r.code !== 0) throw new Error(`--print-policy failed (${r.code}): ${lastLine(r.stderr)}`)
    fs.writeFileSync(file, r.stdout)
    opts.fixPolicyWritten = file
  }
  return file
}

/**
 * `systemd-analyze verify` on the units given (as paths, instances for templates): what it says
 * about each drop-in the CLI wrote, by the drop-in's path. What it says about the unit itself (a
 * program missing on this machine, say) is not the drop-in's doing.
 */
async function verifyDropIns(root, files, opts, instances = new Map()) {
  const byDropIn = new Map()
  const scope = oracleScope(root, opts)
  const env = { ...scope.env, SYSTEMD_LOG_COLOR: '0', SYSTEMD_LOG_LOCATION: '0' }
  const manager = opts.user ? ['--user'] : []
  for (let i = 0; i < files.length; i += 50) {
    const paths = files
      .slice(i, i + 50)
      .map((f) =>
        path.join(unitDirOf(root, opts), instances.get(f) ?? oracleName(f, opts.systemdVersion))
      )
    const r = await run(opts.oracle, [...manager, 'verify', '--man=no', ...paths], {
      timeout: opts.timeout,
      env
    })
    for (const line of `${r.stdout}\n${r.stderr}`.split('\n')) {
      const m = /^(\/\S+\/hardening\.conf):/.exec(line)
      if (!m) continue
      const said = byDropIn.get(m[1]) ?? []
      if (!said.includes(line)) said.push(line)
      byDropIn.set(m[1], said)
    }
  }
  return byDropIn
}

// ---------------------------------------------------------------- comparison (as compare.mjs)

function oracleStatus(o) {
  if (o.code === 'TIMEOUT') return 'timeout'
  if (o.score != null) return 'scored'
  return /is masked/.test(o.stderr) ? 'masked' : 'refused'
}

function compareUnit(pkg, file, o, u) {
  const row = {
    pkg,
    unit: file,
    agree: false,
    oracleStatus: oracleStatus(o),
    oursStatus: u?.status ?? 'missing',
    oracleScore: o.score,
    oursScore: u?.score ?? null,
    oracleMsg: o.score == null ? o.stderr.slice(0, 2000) : '',
    oursReason: u?.reason ?? '',
    diffs: []
  }
  const [os, us] = [row.oracleStatus, row.oursStatus]
  if (os === 'scored' && us === 'scored') {
    if (!o.checks) row.oracleMsg = 'systemd-analyze --json printed no rows for this unit'
    const cell = (c, badness) => c && { badness, weight: c.weight, range: c.range }
    const mine = new Map(u.checks.map((c) => [c.id, c]))
    for (const c of o.checks ?? []) {
      const m = mine.get(c.json_field)
      const ob = c.badness === NA ? null : c.badness
      mine.delete(c.json_field)
      if (!m || ob !== m.badness || c.weight !== m.weight || c.range !== m.range) {
        row.diffs.push({ id: c.json_field, oracle: cell(c, ob), ours: cell(m, m?.badness) })
      }
    }
    for (const [id, m] of mine) row.diffs.push({ id, oracle: null, ours: cell(m, m.badness) })
    row.agree = o.score === u.score && !!o.checks && !row.diffs.length
  } else {
    // `error`: the gate could not read it (a directory named like a unit, say), which systemd
    // refuses as well ("not found"); both leave it unscored and the gate fails it
    row.agree =
      (os === 'masked' && us === 'masked') ||
      (os === 'refused' && (us === 'invalid' || us === 'error'))
  }
  return row
}

// ---------------------------------------------------------------- report

const side = (status, score, msg) =>
  `${status}${score == null ? '' : ' ' + score}${msg ? ` (${msg.replace(/\s*\n\s*/g, ' | ')})` : ''}`
const cellText = (c) => (c ? `${c.badness} (weight ${c.weight}, range ${c.range})` : 'absent')
const diffText = (d) => `${d.id}: oracle ${cellText(d.oracle)} vs ours ${cellText(d.ours)}`
const failText = (f) => `${f.stage} ${f.pkg}${f.unit ? '/' + f.unit : ''}: ${f.reason}`

function summaryLines(s) {
  const lines = [
    s.trees
      ? `directories:    ${s.packages} holding services`
      : `packages:       ${s.packages} (.deb available: ${s.debs}, with services: ${s.withServices})`,
    `units compared: ${s.units}`,
    `agreements:     ${s.agreements}`,
    `disagreements:  ${s.disagreements}`,
    `failures:       ${s.failures} (download, extraction or tool errors)`
  ]
  if (s.fixes) {
    lines.push(
      `drop-ins:       ${s.fixes.written} written (--fix, threshold ${s.fixes.threshold}, policy ${s.fixes.policy}), ${s.fixes.agree} loaded with the predicted score and passed verify`
    )
  }
  return lines
}

const fixText = (f) =>
  `${f.pkg}/${f.unit}${f.instance ? ` (as ${f.instance})` : ''}: ${f.from} -> predicted ${f.predicted}, oracle ${side(f.oracleStatus, f.oracleScore, f.oracleMsg)}` +
  (f.verify.length ? `; verify: ${f.verify.join(' | ')}` : '')

function writeReport(cache, res) {
  fs.writeFileSync(path.join(cache, 'results.json'), JSON.stringify(res, null, 1) + '\n')
  const { summary: s, disagreements, failures, rows, fixRows } = res
  const list = (lines, sep = '\n') => (lines.length ? lines.join(sep) : 'None.')
  // a template both tools scored as the instance the CLI judged it by
  const named = (r) => (r.instance ? `${r.unit} (as ${r.instance})` : r.unit)
  const unit = (r) =>
    [
      `### ${r.pkg} / ${named(r)}\n`,
      `- oracle: ${side(r.oracleStatus, r.oracleScore, r.oracleMsg)}`
    ]
      .concat(`- ours: ${side(r.oursStatus, r.oursScore, r.oursReason)}`)
      .concat(r.diffs.map((d) => `  - ${diffText(d)}`))
      .join('\n')
  const table = rows.map((r) => {
    const cells = [r.pkg, named(r), side(r.oracleStatus, r.oracleScore)]
    return `| ${cells.concat(side(r.oursStatus, r.oursScore), r.agree ? 'yes' : '**NO**').join(' | ')} |`
  })
  const md = `# Score parity on Debian packages: systemd-hardening-gate vs \`systemd-analyze security --offline=true\`

Generated ${res.generatedAt} by \`${res.command}\` in ${s.seconds} s
(oracle ${res.oracle}: ${res.systemd}; the CLI ${res.cli} is run with \`--systemd-version ${res.systemdVersion}\`;
packages from ${res.suite}).

${summaryLines(s)
  .map((l) => `- ${l.replace(/:\s+/, ': ')}`)
  .join('\n')}
- oracle statuses: ${JSON.stringify(s.oracleStatuses)}; ours: ${JSON.stringify(s.oursStatuses)}

Agreement = same status (masked/masked, oracle refused/ours invalid or error), or both scored with the same
overall score and, for every row, the same badness (UINT64_MAX = null), weight and range. A template the CLI
judged by another instance than systemd-analyze's own (one with drop-ins of its own, say) is scored by both
as that instance ("as NAME").

## Disagreements

${list(disagreements.map(unit), '\n\n')}

## Failures

${list(failures.map((f) => `- ${failText(f)}`))}
${
  fixRows
    ? `
## Drop-ins that did not load with the predicted score or that verify complained about (--fix)

${list(fixRows.filter((f) => !f.agree).map((f) => `- ${fixText(f)}`))}
`
    : ''
}
## All units

| package | unit | oracle | ours | agree |
|---|---|---|---|---|
${table.join('\n')}
`
  fs.writeFileSync(path.join(cache, 'results.md'), md)
}

// ---------------------------------------------------------------- main

/**
 * Extract, collect, run both tools and compare one package; returns its rows (none: no services)
 * and, with --fix, its drop-in rows.
 */
async function checkPackage(pkg, deb, opts, failures) {
  if (opts.trees) return checkRoot(pkg, collectTree(pkg, opts), opts, failures)
  const tree = path.join(opts.cache, 'x', path.basename(deb, '.deb'))
  if (!fs.existsSync(tree)) {
    // Extract beside the final name and rename, so that an interrupted run leaves no half tree.
    fs.rmSync(tree + '.part', { recursive: true, force: true })
    const r = await run('dpkg-deb', ['-x', deb, tree + '.part'], { timeout: opts.timeout })
    if (r.code !== 0) {
      failures.push({ pkg, stage: 'extract', reason: `${r.code}: ${lastLine(r.stderr)}` })
      return { rows: [], fixes: [] }
    }
    fs.renameSync(tree + '.part', tree)
  }
  const root = path.join(opts.cache, 'roots', pkg)
  return checkRoot(pkg, { root, files: collectUnits(tree, root, opts) }, opts, failures)
}

/** --trees: the root of one directory of the trees (named by its path below them) */
function collectTree(pkg, opts) {
  // a flat name: one directory of the trees may hold another, and their roots are rebuilt in parallel
  const root = path.join(opts.cache, 'roots', encodeURIComponent(pkg))
  const tree = path.join(opts.trees, pkg.split('/')[0])
  return { root, files: collectUnits(tree, root, opts, [path.join(opts.trees, pkg)]) }
}

/** --trees: every directory below them holding a *.service entry (not inside a drop-in directory) */
function treeDirectories(trees) {
  const found = []
  const walk = (dir, rel) => {
    const entries = fs.readdirSync(dir, { withFileTypes: true })
    if (rel && entries.some((e) => e.name.endsWith('.service'))) found.push(rel)
    for (const e of entries) {
      // a drop-in directory goes with the units beside it
      if (e.isDirectory() && !/^(.+\.)?service\.d$/.test(e.name) && e.name !== '.git') {
        walk(path.join(dir, e.name), rel ? `${rel}/${e.name}` : e.name)
      }
    }
  }
  walk(trees, '')
  return found
}

/** Run both tools on a root and compare them unit by unit (and the drop-ins with --fix). */
async function checkRoot(pkg, { root, files }, opts, failures) {
  if (!files.length) return { rows: [], fixes: [] }
  const ours = await runOurs(root, opts)
  if (ours.error) failures.push({ pkg, stage: 'ours', reason: ours.error })
  // Keyed by the path under the unit directory, not the base name: a package can ship a directory
  // named like a unit with the unit inside (svxlink-gpio in sid), and the CLI reports both.
  const rel = unitPathIn(unitDirOf(root, opts), opts)
  const byFile = new Map(ours.units.map((u) => [rel(u), u]))
  const instances = judgedInstances(files, byFile, opts)
  const oracle = await runOracle(root, files, opts, [], instances)
  const fixes = opts.fix ? await checkFixes(pkg, root, files, opts, failures) : []
  for (const f of files.filter((f) => oracle[f].code === 'TIMEOUT')) {
    failures.push({ pkg, unit: f, stage: 'oracle', reason: 'systemd-analyze timed out' })
  }
  const rows = files.map((f) => {
    const row = compareUnit(pkg, f, oracle[f], byFile.get(f))
    return instances.has(f) ? { ...row, instance: instances.get(f) } : row
  })
  return { rows, fixes }
}

/** file -> the instance the CLI judged each template by, where that is not systemd-analyze's. */
function judgedInstances(files, byFile, opts) {
  const instances = new Map()
  for (const f of files) {
    const instance = judgedInstance(f, byFile.get(f), opts.systemdVersion)
    if (instance !== undefined) instances.set(f, instance)
  }
  return instances
}

async function main() {
  const t0 = Date.now()
  const opts = parseArgs(process.argv.slice(2))
  for (const tool of opts.trees ? [] : ['apt-get', 'apt-cache', 'dpkg-deb']) {
    if (!which(tool)) fail(`${tool} not found: this needs a Debian host with apt and systemd`)
  }
  if (!which(opts.oracle)) fail(`${opts.oracle} not found (--oracle; default systemd-analyze)`)
  if (!fs.existsSync(opts.cli)) fail(`${opts.cli} not found: build the CLI first (npm run bundle)`)
  // The oracle's own version (Debian 12: 252), with the environment it is later run with.
  const ver = spawnSync(opts.oracle, ['--version'], { encoding: 'utf8' })
  const systemdLine = String(ver.stdout).split('\n')[0]
  const version = /^systemd (\d+)\b/.exec(systemdLine)?.[1]
  if (ver.status !== 0 || !version) {
    const why = ver.error?.message ?? lastLine(ver.stderr || ver.stdout)
    fail(`${opts.oracle} --version failed or printed no "systemd N" line: ${why}`)
  }
  // The CLI must model the systemd it is compared with.
  opts.systemdVersion = Number(version)
  if (opts.suite) privateApt(opts)
  if (opts.update) {
    console.log(
      `parity: apt-get update${opts.suite ? ` (private state for ${opts.suite})` : ''} ...`
    )
    if (spawnSync('apt-get', [...aptArgs, 'update'], { stdio: 'inherit' }).status !== 0) {
      fail('apt-get update failed (it needs root and network access)')
    }
  }
  const debsDir = path.join(opts.cache, 'debs')
  for (const d of [debsDir, path.join(opts.cache, 'x')]) fs.mkdirSync(d, { recursive: true })

  // --suite: its Contents index is fetched beside the apt lists (see suiteContents).
  const contents = opts.suite && !opts.packages && !opts.trees ? await suiteContents(opts) : []
  let pkgs = opts.trees
    ? treeDirectories(opts.trees)
    : (opts.packages ?? (await defaultPackages(aptLists().concat(contents), opts)))
  pkgs = [...new Set(pkgs)].sort().slice(0, opts.limit ?? undefined)
  const from = opts.suite ? `suite ${opts.suite}, ` : opts.trees ? `trees ${opts.trees}, ` : ''
  console.log(`parity: ${pkgs.length} package(s), ${from}cache ${opts.cache}, ${systemdLine}`)
  console.log(`parity: CLI ${opts.cli} --systemd-version ${opts.systemdVersion}`)
  console.log(`parity: oracle ${opts.oracle}`)
  const failures = []
  if (!opts.trees && pkgs.some((p) => !debsIn(debsDir).has(p))) {
    if (opts.packages) aptLists() // the default list has already checked the apt lists
    download(pkgs, debsDir, failures)
  }
  // --trees: every directory is there already, and no .deb goes with it
  const debs = opts.trees ? new Map() : debsIn(debsDir)
  const todo = opts.trees ? pkgs : pkgs.filter((p) => debs.has(p))
  const rows = []
  const fixRows = []
  let done = 0
  let withServices = 0
  await pool(todo, opts.jobs, async (pkg) => {
    const { rows: mine, fixes } = await checkPackage(pkg, debs.get(pkg), opts, failures)
    rows.push(...mine)
    fixRows.push(...fixes)
    withServices += mine.length ? 1 : 0
    const bad = mine.filter((r) => !r.agree).length
    if (bad) console.log(`parity: ${pkg}: ${bad} of ${mine.length} unit(s) disagree`)
    if (++done % 50 === 0 || done === todo.length) {
      console.log(`parity: [${done}/${todo.length}] packages checked, ${rows.length} units`)
    }
  })

  rows.sort((a, b) => a.pkg.localeCompare(b.pkg) || a.unit.localeCompare(b.unit))
  failures.sort((a, b) => a.pkg.localeCompare(b.pkg))
  const count = (k) => rows.reduce((m, r) => ((m[r[k]] = (m[r[k]] ?? 0) + 1), m), {})
  const disagreements = rows.filter((r) => !r.agree)
  const summary = {
    trees: opts.trees !== null,
    packages: pkgs.length,
    debs: todo.length,
    withServices,
    units: rows.length,
    agreements: rows.length - disagreements.length,
    disagreements: disagreements.length,
    failures: failures.length,
    seconds: Math.round((Date.now() - t0) / 100) / 10,
    oracleStatuses: count('oracleStatus'),
    oursStatuses: count('oursStatus'),
    fixes: opts.fix && {
      ...opts.fix,
      written: fixRows.length,
      agree: fixRows.filter((f) => f.agree).length
    }
  }
  fixRows.sort((a, b) => a.pkg.localeCompare(b.pkg) || a.unit.localeCompare(b.unit))
  const command = ['node scripts/parity-debian.mjs', ...process.argv.slice(2)].join(' ')
  const head = { generatedAt: new Date().toISOString(), command, systemd: systemdLine }
  head.oracle = opts.oracle
  const source = opts.trees ? `trees ${opts.trees}` : (opts.suite ?? 'host apt')
  Object.assign(head, { suite: source, cli: opts.cli })
  const res = { ...head, systemdVersion: opts.systemdVersion, summary, failures }
  writeReport(opts.cache, { ...res, disagreements, rows, fixRows: opts.fix ? fixRows : undefined })

  console.log('')
  for (const r of disagreements) {
    console.log(
      `DISAGREE ${r.pkg}/${r.unit}: oracle ${side(r.oracleStatus, r.oracleScore)}, ours ${side(r.oursStatus, r.oursScore, r.oursReason)}`
    )
    for (const d of r.diffs) console.log(`  ${diffText(d)}`)
  }
  for (const f of fixRows.filter((f) => !f.agree)) console.log(`DROP-IN ${fixText(f)}`)
  for (const f of failures) console.log(`FAILED ${failText(f)}`)
  console.log([...summaryLines(summary), `time:           ${summary.seconds} s`].join('\n'))
  console.log(`\nparity: wrote ${path.join(opts.cache, 'results.md')} and results.json`)
  if (!rows.length) fail('no unit could be compared (see the failures above)')
  process.exit(disagreements.length || fixRows.some((f) => !f.agree) ? 1 : 0)
}

await main()
