/**
 * Differential-test oracle: runs the host's `systemd-analyze security --offline=true` on units written to
 * a temporary root and reports what systemd itself says. No scoring logic lives here: the overall exposure
 * is the number systemd prints, the per-row badness values come from systemd's JSON.
 *
 * How one batch is analysed (all measured on systemd 252):
 * - every unit of the batch is written under ROOT/etc/systemd/system of one fresh mkdtemp() root
 *   (ROOT/systemd/user for a user manager's units: see OracleOptions.manager);
 * - `systemd-analyze security --offline=true --root=ROOT NAME...` is run twice, concurrently:
 *   with `--json=short` (one JSON array per scored unit, one per line, in command-line order) and as
 *   text (a table per scored unit ending in "Overall exposure level for NAME: 9.6 ..."), both with
 *   SYSTEMD_ANALYZE_DEBUG=1 so rows carry weight/badness/range;
 * - a unit that does not load is skipped by systemd (no JSON line, no table), an error naming it goes to
 *   stderr, the other units are still analysed, and the exit status is 1;
 * - the text run names the scored units, which maps the JSON lines to units; the two runs are
 *   cross-checked (same number of tables, same badness column row by row). If anything does not add up
 *   (crash, timeout, a skipped unit that stderr does not name, exit status inconsistent with the
 *   output), the batch is re-run one unit per invocation, and a single-unit run that still does not add
 *   up throws an OracleError instead of guessing.
 */
import { spawn, spawnSync } from 'child_process'
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'fs'
import { mkdir, mkdtemp, rm, writeFile } from 'fs/promises'
import * as os from 'os'
import * as path from 'path'

export interface OracleUnit {
  /** unit name as systemd should analyse it, e.g. 'foo.service', 'foo@inst.service' */
  name: string
  /** files relative to a unit directory (etc/systemd/system inside a temp root): the unit file and its
   * drop-ins, e.g. { 'foo.service': '...', 'foo.service.d/10-a.conf': '...', 'service.d/z.conf': '...' };
   * for a template instance the file is 'foo@.service'. Content may be a string or raw bytes. */
  files: Record<string, string | Uint8Array>
}

/** One row of systemd's JSON output (debug mode), in systemd's output order. */
export interface OracleRow {
  jsonField: string
  /** the printed NAME column, e.g. 'CapabilityBoundingSet=~CAP_SYS_ADMIN' */
  id: string
  description: string | null
  weight: number
  /** null when N/A (systemd prints 18446744073709551615) */
  badness: number | null
  range: number
}

export interface OracleResult {
  name: string
  /**
   * 'scored', 'not-loaded' when systemd refuses the unit (masked, bad setting, invalid UTF-8, ...),
   * or 'aborted' when systemd-analyze, given this unit alone, aborts on a failed assertion (%J of a
   * unit whose prefix ends with '-')
   */
  status: 'scored' | 'not-loaded' | 'aborted'
  /** overall exposure in tenths (96 for "9.6"), when scored */
  exposure?: number
  /** json_field -> badness (number) or null when the row is N/A, when scored */
  checks?: Record<string, number | null>
  /** the ordered json_field list as systemd printed it, when scored */
  order?: string[]
  /** every row with weight and range (effective values, i.e. after a policy), when scored */
  rows?: OracleRow[]
  /** stderr text / reason when not loaded (the temp root prefix is removed from paths) */
  message?: string
}

export interface OracleOptions {
  /** passed as --security-policy=FILE (resolved to an absolute path) */
  policyFile?: string
  /** maximum number of units per systemd-analyze invocation (default 200) */
  batchSize?: number
  /** maximum number of concurrent systemd-analyze processes (default: min(2, CPUs), shared by all
   * calls that do not set it) */
  concurrency?: number
  /** timeout of one invocation = timeoutMs + 50 ms per unit (default 20000) */
  timeoutMs?: number
  /** where the temp roots are made (default: $ORACLE_TMPDIR, else os.tmpdir()); a tmpfs such as
   * /dev/shm is several times faster where /tmp is a slow disk */
  tmpDir?: string
  /**
   * 'user': analyse the units as a user's service manager does (`systemd-analyze --user`). `--user`
   * cannot take `--root`, so the units go to ROOT/systemd/user with XDG_CONFIG_HOME=ROOT (the user
   * manager's first search path) and XDG_DATA_HOME and XDG_RUNTIME_DIR inside ROOT too (the user
   * manager needs a runtime directory even offline). HOME stays: it is a user unit's default
   * WorkingDirectory=. Its roots are never below /dev (a tmpDir on /dev/shm gives way to
   * os.tmpdir()): a user unit's %D and %E are those XDG directories, and from 257 a
   * WorkingDirectory=%D/app below /dev is refused with mount namespacing. Default 'system'.
   */
  manager?: 'system' | 'user'
}

/** The oracle could not produce an answer (systemd-analyze missing, crashed, timed out, or output that
 * does not add up). Never used for "the unit does not load": that is a normal 'not-loaded' result. */
export class OracleError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'OracleError'
  }
}

/** The oracle: the host's, or another build (ORACLE_SYSTEMD_ANALYZE=/path/to/systemd-analyze). */
const ANALYZE = process.env.ORACLE_SYSTEMD_ANALYZE || 'systemd-analyze'
const UNIT_DIR = path.join('etc', 'systemd', 'system')
const USER_UNIT_DIR = path.join('systemd', 'user')
const DEFAULT_BATCH = 200
const UINT64_MAX = '18446744073709551615'

const ENV: NodeJS.ProcessEnv = {
  ...process.env,
  SYSTEMD_ANALYZE_DEBUG: '1',
  SYSTEMD_PAGER: 'cat',
  SYSTEMD_COLORS: '0',
  SYSTEMD_LOG_COLOR: '0',
  SYSTEMD_LOG_LEVEL: 'info',
  SYSTEMD_LOG_LOCATION: '0',
  SYSTEMD_LOG_TIME: '0',
  SYSTEMD_LOG_TARGET: 'console'
}

// ---------------------------------------------------------------------------------------------------
// availability

let availability: { ok: boolean; reason: string } | undefined

function probeAvailability(): { ok: boolean; reason: string } {
  const help = spawnSync(ANALYZE, ['--help'], { encoding: 'utf8', timeout: 10000, env: ENV })
  if (help.error) return { ok: false, reason: `${ANALYZE} not runnable: ${help.error.message}` }
  if (help.status !== 0) return { ok: false, reason: `${ANALYZE} --help exited ${help.status}` }
  if (!help.stdout.includes('--offline')) {
    return { ok: false, reason: `${ANALYZE} does not support --offline (systemd < 250)` }
  }
  // a real probe: the verb, --root and --json must work in this environment
  const root = mkdtempSync(path.join(os.tmpdir(), 'oracle-probe-'))
  try {
    const dir = path.join(root, UNIT_DIR)
    mkdirSync(dir, { recursive: true })
    writeFileSync(path.join(dir, 'oracle-probe.service'), '[Service]\nExecStart=/bin/true\n')
    const run = spawnSync(
      ANALYZE,
      [
        'security',
        '--no-pager',
        '--offline=true',
        `--root=${root}`,
        '--json=short',
        'oracle-probe.service'
      ],
      { encoding: 'utf8', timeout: 20000, env: ENV }
    )
    if (run.error) return { ok: false, reason: `probe failed: ${run.error.message}` }
    if (run.status !== 0) return { ok: false, reason: `probe exited ${run.status}: ${run.stderr}` }
    const rows: unknown = JSON.parse(run.stdout.trim())
    if (!Array.isArray(rows) || rows.length === 0 || !rows.every(isRawRow)) {
      return { ok: false, reason: 'probe printed unexpected JSON' }
    }
    return { ok: true, reason: '' }
  } catch (e) {
    return { ok: false, reason: `probe failed: ${(e as Error).message}` }
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
}

/** systemd-analyze is present, supports --offline and works here (probed once, then cached). */
export function oracleAvailable(): boolean {
  availability ??= probeAvailability()
  return availability.ok
}

let version: number | undefined

/** The oracle's systemd version ("systemd 252 (252.38-1~deb12u1)" -> 252); 0 when unknown. */
export function oracleVersion(): number {
  if (version === undefined) {
    const run = spawnSync(ANALYZE, ['--version'], { encoding: 'utf8', timeout: 10000, env: ENV })
    version = Number(/^systemd (\d+)\b/.exec(run.stdout ?? '')?.[1] ?? 0)
  }
  return version
}

/** Why oracleAvailable() is false ('' when it is available). */
export function oracleUnavailableReason(): string {
  oracleAvailable()
  return availability?.reason ?? ''
}

// ---------------------------------------------------------------------------------------------------
// process running with a concurrency limit and a hard timeout

class Limiter {
  private active = 0
  private readonly waiting: (() => void)[] = []
  constructor(readonly limit: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve))
    this.active++
    try {
      return await fn()
    } finally {
      this.active--
      this.waiting.shift()?.()
    }
  }
}

/** Counters since the process started (for measuring the harness itself). */
export interface OracleStats {
  /** systemd-analyze processes run */
  invocations: number
  /** batches (temp roots) analysed */
  batches: number
  /** batches whose output did not add up and were re-run one unit per invocation */
  fallbacks: number
  /** units analysed */
  units: number
}
const stats: OracleStats = { invocations: 0, batches: 0, fallbacks: 0, units: 0 }

export function oracleStats(): OracleStats {
  return { ...stats }
}

const sharedLimiter = new Limiter(Math.max(1, Math.min(2, os.availableParallelism())))

interface RunOutput {
  stdout: string
  stderr: string
  code: number | null
  signal: NodeJS.Signals | null
  timedOut: boolean
}

function runAnalyze(args: string[], timeoutMs: number, env = ENV): Promise<RunOutput> {
  stats.invocations++
  return new Promise((resolve, reject) => {
    const child = spawn(ANALYZE, args, { env, stdio: ['ignore', 'pipe', 'pipe'] })
    const out: Buffer[] = []
    const err: Buffer[] = []
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, timeoutMs)
    child.stdout.on('data', (b: Buffer) => out.push(b))
    child.stderr.on('data', (b: Buffer) => err.push(b))
    child.on('error', (e) => {
      clearTimeout(timer)
      reject(new OracleError(`cannot run ${ANALYZE}: ${e.message}`))
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        code,
        signal,
        timedOut
      })
    })
  })
}

// ---------------------------------------------------------------------------------------------------
// output parsing

interface RawRow {
  set: boolean | null
  name: string
  json_field: string
  description: string | null
  weight: number
  badness: number
  range: number
}

function isRawRow(r: unknown): r is RawRow {
  if (typeof r !== 'object' || r === null) return false
  const o = r as Record<string, unknown>
  return (
    typeof o.json_field === 'string' &&
    typeof o.name === 'string' &&
    typeof o.weight === 'number' &&
    typeof o.badness === 'number' &&
    typeof o.range === 'number'
  )
}

/** One JSON array per scored unit, one per line. */
function parseJson(stdout: string): OracleRow[][] {
  const units: OracleRow[][] = []
  for (const line of stdout.split('\n')) {
    if (line.trim() === '') continue
    const parsed: unknown = JSON.parse(line)
    if (!Array.isArray(parsed) || !parsed.every(isRawRow)) {
      throw new OracleError(`unexpected JSON line: ${line.slice(0, 200)}`)
    }
    units.push(
      parsed.map((r) => ({
        jsonField: r.json_field,
        id: r.name,
        description: r.description,
        weight: r.weight,
        // 2^64-1 does not survive JSON.parse exactly; any unsafe integer is the N/A marker
        badness: Number.isSafeInteger(r.badness) ? r.badness : null,
        range: r.range
      }))
    )
  }
  return units
}

interface TextBlock {
  unit: string
  exposure: number
  /** the BADNESS column as printed, in row order */
  badness: (number | null)[]
}

const OVERALL = /Overall exposure level for (.+): (\d+)\.(\d)\b/
const HEADER = /^\s*NAME\s+DESCRIPTION\s+WEIGHT\s+BADNESS\s+RANGE/

/** Text tables: header, rows, "→ Overall exposure level for NAME: 9.6 UNSAFE 😨". */
function parseText(stdout: string): TextBlock[] {
  const blocks: TextBlock[] = []
  let rows: (number | null)[] | undefined
  for (const line of stdout.split('\n')) {
    const overall = OVERALL.exec(line)
    if (overall) {
      if (!rows) throw new OracleError(`overall line without a table: ${line}`)
      blocks.push({
        unit: overall[1],
        exposure: Number(overall[2]) * 10 + Number(overall[3]),
        badness: rows
      })
      rows = undefined
    } else if (HEADER.test(line)) {
      rows = []
    } else if (rows && line.trim() !== '') {
      // columns from the right: WEIGHT BADNESS RANGE [EXPOSURE]; the description may be anything
      const tokens = line.trim().split(/\s+/)
      let i = tokens.length - 1
      if (/^\d+\.\d$/.test(tokens[i])) i--
      const badness = tokens[i - 1]
      if (
        i < 2 ||
        !/^\d+$/.test(badness) ||
        !/^\d+$/.test(tokens[i]) ||
        !/^\d+$/.test(tokens[i - 2])
      ) {
        throw new OracleError(`cannot parse table row: ${line}`)
      }
      rows.push(badness === UINT64_MAX ? null : Number(badness))
    }
  }
  return blocks
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** Matches a line that names the unit (as a whole unit name, not a part of a longer one). */
function mentionPattern(name: string): RegExp {
  return new RegExp(`(^|[^\\w@.\\\\:-])${escapeRegExp(name)}($|[^\\w@\\\\-])`)
}

// ---------------------------------------------------------------------------------------------------
// batching

interface Planned {
  index: number
  unit: OracleUnit
}

interface UnitKeys {
  keys: Set<string>
  /** uses a drop-in directory that applies to other units too (service.d/, foo-.service.d/) */
  shared: boolean
}

function validate(unit: OracleUnit): void {
  if (!unit.name || unit.name.includes('/') || unit.name.startsWith('-')) {
    throw new OracleError(`invalid unit name: ${JSON.stringify(unit.name)}`)
  }
  for (const rel of Object.keys(unit.files)) {
    const parts = rel.split('/')
    if (path.isAbsolute(rel) || parts.some((p) => p === '' || p === '.' || p === '..')) {
      throw new OracleError(`invalid file path for ${unit.name}: ${JSON.stringify(rel)}`)
    }
  }
}

/** The unit names whose loading a unit's files can affect, and whether it needs a root of its own. */
function unitKeys(unit: OracleUnit): UnitKeys {
  const keys = new Set<string>([unit.name])
  const at = unit.name.indexOf('@')
  const dot = unit.name.lastIndexOf('.')
  if (at >= 0 && dot > at) keys.add(unit.name.slice(0, at + 1) + unit.name.slice(dot))
  let shared = false
  for (const rel of Object.keys(unit.files)) {
    const first = rel.split('/')[0]
    if (rel.includes('/') && first.endsWith('.d')) {
      const owner = first.slice(0, -2)
      const ownerDot = owner.lastIndexOf('.')
      const base = ownerDot >= 0 ? owner.slice(0, ownerDot) : ''
      // 'service.d' (type-wide), 'foo-.service.d', 'foo-@.service.d', 'foo-@i.service.d' (dash prefix)
      if (base === '' || base.split('@')[0].endsWith('-')) shared = true
      keys.add(owner)
    } else {
      keys.add(first)
    }
  }
  return { keys, shared }
}

function planBatches(units: OracleUnit[], batchSize: number): Planned[][] {
  const batches: { members: Planned[]; keys: Set<string>; closed: boolean }[] = []
  units.forEach((unit, index) => {
    const { keys, shared } = unitKeys(unit)
    if (shared) {
      batches.push({ members: [{ index, unit }], keys, closed: true })
      return
    }
    const fit = batches.find(
      (b) => !b.closed && b.members.length < batchSize && [...keys].every((k) => !b.keys.has(k))
    )
    if (fit) {
      fit.members.push({ index, unit })
      for (const k of keys) fit.keys.add(k)
    } else {
      batches.push({ members: [{ index, unit }], keys, closed: false })
    }
  })
  return batches.map((b) => b.members)
}

/**
 * Writes all files of a batch. File creation is the harness's main cost on slow file systems (about
 * 2 ms per file under /tmp on the development VM, 0.02 ms on tmpfs), so the directories are made first
 * and the files are then written concurrently through libuv's thread pool, without blocking the event
 * loop (a blocked loop stalls the running systemd-analyze processes on full pipes).
 */
async function writeRoot(root: string, members: Planned[], ctx: Context): Promise<void> {
  const dir = unitDirectory(root, ctx)
  const files: [string, string | Uint8Array][] = []
  const parents = new Set<string>()
  for (const { unit } of members) {
    for (const [rel, content] of Object.entries(unit.files)) {
      const file = path.join(dir, rel)
      files.push([file, content])
      parents.add(path.dirname(file))
    }
  }
  await mkdir(dir, { recursive: true })
  await Promise.all([...parents].filter((p) => p !== dir).map((p) => mkdir(p, { recursive: true })))
  await Promise.all(files.map(([file, content]) => writeFile(file, content)))
}

// ---------------------------------------------------------------------------------------------------
// running one batch

interface Context {
  limiter: Limiter
  policyFile?: string
  timeoutMs: number
  tmpDir: string
  manager: 'system' | 'user'
}

/** Where a batch's units are written inside its root. */
function unitDirectory(root: string, ctx: Context): string {
  return path.join(root, ctx.manager === 'user' ? USER_UNIT_DIR : UNIT_DIR)
}

/** How systemd-analyze is told where the batch's units are: arguments and environment. */
function managerOf(root: string, ctx: Context): { args: string[]; env: NodeJS.ProcessEnv } {
  if (ctx.manager === 'system') return { args: ['security', `--root=${root}`], env: ENV }
  return {
    args: ['--user', 'security'],
    env: {
      ...ENV,
      XDG_CONFIG_HOME: root,
      XDG_DATA_HOME: path.join(root, 'data'),
      XDG_RUNTIME_DIR: path.join(root, 'run')
    }
  }
}

/**
 * Either the results of every member, or the reason the batch output cannot be trusted (`aborted`:
 * systemd-analyze died on a failed assertion, which one member caused).
 */
type Attempt =
  { ok: true; results: OracleResult[] } | { ok: false; reason: string; aborted?: boolean }

async function attempt(root: string, members: Planned[], ctx: Context): Promise<Attempt> {
  const names = members.map((m) => m.unit.name)
  const manager = managerOf(root, ctx)
  const common = [...manager.args, '--no-pager', '--offline=true']
  if (ctx.policyFile) common.push(`--security-policy=${ctx.policyFile}`)
  const timeout = ctx.timeoutMs + 50 * names.length
  const [json, text] = await Promise.all([
    ctx.limiter.run(() => runAnalyze([...common, '--json=short', ...names], timeout, manager.env)),
    ctx.limiter.run(() => runAnalyze([...common, ...names], timeout, manager.env))
  ])
  // a policy file systemd cannot read fails every run: the harness's fault, not the units' (a test
  // that removed a shared file another run was reading had every unit "not loaded")
  if (ctx.policyFile !== undefined && text.stderr.includes(`'${ctx.policyFile}'`)) {
    throw new OracleError(`systemd-analyze cannot use the policy file: ${text.stderr.trim()}`)
  }
  // alone in its run, a unit systemd aborts on is an answer (SIGABRT after a failed assertion)
  const assertion = /Assertion '.*' failed at .*/.exec(text.stderr)
  if (members.length === 1 && text.signal === 'SIGABRT' && json.signal === 'SIGABRT' && assertion) {
    return { ok: true, results: [{ name: names[0]!, status: 'aborted', message: assertion[0] }] }
  }
  for (const [label, run] of [
    ['json', json],
    ['text', text]
  ] as const) {
    if (run.timedOut) return { ok: false, reason: `${label} run timed out after ${timeout} ms` }
    if (run.signal) {
      const reason = `${label} run killed by ${run.signal}: ${run.stderr}`
      return { ok: false, reason, aborted: run.signal === 'SIGABRT' }
    }
    if (run.code !== 0 && run.code !== 1) {
      return { ok: false, reason: `${label} run exited ${run.code}: ${run.stderr}` }
    }
  }

  let tables: OracleRow[][]
  let blocks: TextBlock[]
  try {
    tables = parseJson(json.stdout)
    blocks = parseText(text.stdout)
  } catch (e) {
    return { ok: false, reason: (e as Error).message }
  }
  if (tables.length !== blocks.length) {
    return { ok: false, reason: `${tables.length} JSON tables but ${blocks.length} text tables` }
  }

  // map the text tables (which name their unit) onto the members, in command-line order
  const scored = new Map<number, number>() // member position -> table position
  let next = 0
  for (let t = 0; t < blocks.length; t++) {
    while (next < names.length && names[next] !== blocks[t].unit) next++
    if (next === names.length) {
      return { ok: false, reason: `unexpected or out-of-order table for ${blocks[t].unit}` }
    }
    const badness = tables[t].map((r) => r.badness)
    if (
      badness.length !== blocks[t].badness.length ||
      badness.some((b, i) => b !== blocks[t].badness[i])
    ) {
      return { ok: false, reason: `JSON and text disagree for ${blocks[t].unit}` }
    }
    scored.set(next++, t)
  }
  const allScored = scored.size === names.length
  if ((json.code === 0) !== allScored || (text.code === 0) !== allScored) {
    return {
      ok: false,
      reason: `exit status ${text.code} with ${scored.size}/${names.length} scored`
    }
  }

  const stderrLines = text.stderr.split('\n').filter((l) => l.trim() !== '')
  const results: OracleResult[] = []
  for (let m = 0; m < members.length; m++) {
    const { unit } = members[m]
    const t = scored.get(m)
    if (t !== undefined) {
      const rows = tables[t]
      results.push({
        name: unit.name,
        status: 'scored',
        exposure: blocks[t].exposure,
        checks: Object.fromEntries(rows.map((r) => [r.jsonField, r.badness])),
        order: rows.map((r) => r.jsonField),
        rows
      })
      continue
    }
    const mention = mentionPattern(unit.name)
    // alone in its run, a unit not scored was not loaded whatever stderr says: systemd does not
    // always name it (a StateDirectory= too long once joined to /var/lib gives only "Access denied")
    const alone = members.length === 1
    if (!alone && !stderrLines.some((l) => mention.test(l))) {
      return {
        ok: false,
        reason: `${unit.name} was skipped but stderr does not name it: ${text.stderr}`
      }
    }
    const unitDir = unitDirectory(root, ctx) + path.sep
    const own = Object.keys(unit.files).map((f) => unitDir + f)
    const message = stderrLines
      .filter((l) => alone || mention.test(l) || own.some((f) => l.includes(f)))
      .map((l) => l.split(root).join(''))
      .join('\n')
    results.push({ name: unit.name, status: 'not-loaded', message })
  }
  return { ok: true, results }
}

async function runBatch(members: Planned[], ctx: Context): Promise<OracleResult[]> {
  const root = await mkdtemp(path.join(ctx.tmpDir, 'oracle-'))
  stats.batches++
  stats.units += members.length
  try {
    await writeRoot(root, members, ctx)
    if (ctx.manager === 'user') await mkdir(path.join(root, 'run'), { mode: 0o700 })
    const whole = await attempt(root, members, ctx)
    if (whole.ok) return whole.results
    if (members.length === 1) {
      throw new OracleError(
        `systemd-analyze gave no usable answer for ${members[0].unit.name}: ${whole.reason}`
      )
    }
    if (whole.aborted) {
      // a unit made systemd-analyze abort (%J of a name ending in '-'): halve the batch until it
      // is alone, instead of running every unit on its own
      await rm(root, { recursive: true, force: true })
      const half = Math.ceil(members.length / 2)
      const [first, second] = await Promise.all([
        runBatch(members.slice(0, half), ctx),
        runBatch(members.slice(half), ctx)
      ])
      return [...first, ...second]
    }
    // fall back to one unit per invocation (same root: its units do not affect one another)
    stats.fallbacks++
    const singles = await Promise.all(members.map((m) => attempt(root, [m], ctx)))
    return singles.map((s, i) => {
      if (!s.ok) {
        throw new OracleError(
          `systemd-analyze gave no usable answer for ${members[i].unit.name}: ${s.reason}`
        )
      }
      return s.results[0]
    })
  } finally {
    await rm(root, { recursive: true, force: true })
  }
}

/** Where the temp roots go: a user manager's may not be below /dev (OracleOptions.manager). */
function rootsFor(options: OracleOptions): string {
  const tmpDir = options.tmpDir ?? (process.env.ORACLE_TMPDIR || os.tmpdir())
  const belowDev = path.resolve(tmpDir).startsWith('/dev/')
  return options.manager === 'user' && belowDev ? os.tmpdir() : tmpDir
}

/**
 * Analyse units with systemd's own `systemd-analyze security --offline=true`. Results are in input
 * order, one per unit. Units are batched (many names per invocation) where that is safe; units with
 * colliding names or files go to different roots, units with type-wide or dash-prefix drop-ins
 * (service.d/, foo-.service.d/) get a root of their own. Throws OracleError if systemd-analyze is
 * unavailable or gives no usable answer.
 */
export async function runOracle(
  units: OracleUnit[],
  options: OracleOptions = {}
): Promise<OracleResult[]> {
  if (!oracleAvailable()) throw new OracleError(`oracle unavailable: ${oracleUnavailableReason()}`)
  units.forEach(validate)
  const ctx: Context = {
    limiter: options.concurrency ? new Limiter(Math.max(1, options.concurrency)) : sharedLimiter,
    policyFile: options.policyFile ? path.resolve(options.policyFile) : undefined,
    timeoutMs: options.timeoutMs ?? 20000,
    tmpDir: rootsFor(options),
    manager: options.manager ?? 'system'
  }
  const batches = planBatches(units, Math.max(1, options.batchSize ?? DEFAULT_BATCH))
  const results: OracleResult[] = new Array<OracleResult>(units.length)
  // one batch more in flight than processes may run: a root is written and an output parsed while
  // other batches' processes run, and only a few roots exist at once
  const batchLimiter = new Limiter(ctx.limiter.limit + 1)
  await Promise.all(
    batches.map((members) =>
      batchLimiter.run(async () => {
        const batchResults = await runBatch(members, ctx)
        members.forEach((m, i) => (results[m.index] = batchResults[i]))
      })
    )
  )
  return results
}
