/**
 * Warnings systemd logs while it loads a line it still reads: the unit loads and no score changes,
 * but the line does not do all that it says (a path left out of ReadWritePaths=, an Environment=
 * word dropped) or is unsafe (User=nobody). Each was seen in systemd-analyze 252, 254, 257 and 262
 * on real units (parity batch 24). One function per key, looked up once per key (see keyInfo()).
 */
import type { UnitName } from './specifiers.js'
import { expandPathSpecifiers, expandSpecifiers } from './specifiers.js'
import { bindEntries } from './values/bind-paths.js'
import { EXEC_AMBIENT_HACK_REMOVED, parseExecLine } from './values/exec.js'
import { isAbsoluteNormalPath, pathListWords } from './values/paths.js'
import { extractFirstWord, extractWords, isValidUtf8Value, parseBoolean } from './words.js'

/** What systemd warns of an assignment of the key, or undefined. */
export type LoadWarning = (value: string, unit: UnitName, version: number) => string | undefined

const list = (items: readonly string[]): string =>
  items
    .slice(0, 3)
    .map((item) => `'${item}'`)
    .join(', ') + (items.length > 3 ? ` and ${items.length - 3} more` : '')

/** Words that are plainly absolute, normalized paths (the usual line): no need to look closer
 * (a word of up to 255 characters has no component over NAME_MAX). */
const PLAIN_PATHS = /^(?:[-+]{0,2}\/[\w/.@:+-]{0,254}(?:[ \t]+|$))*$/
const DOT_COMPONENT = /\/\.{1,2}(?:[/ \t]|$)|\/\//

/**
 * config_parse_namespace_path_strv(): each word, after an optional '-' and '+', must be an absolute,
 * normalized path once its specifiers are expanded ("ReadWritePaths= path is not absolute, ignoring:
 * $LOGDIR", "... is not normalized", "Failed to resolve unit specifiers").
 */
function pathListWarning(key: string): LoadWarning {
  return (value, unit, version) => {
    if (PLAIN_PATHS.test(value) && !DOT_COMPONENT.test(value)) return undefined
    const relative: string[] = []
    const unnormal: string[] = []
    const unresolved: string[] = []
    for (const word of extractWords(value, { unquote: true }).words) {
      const path = word.replace(/^-?\+?/, '')
      // (the expansion and checks of absolutePathOf(), told apart)
      const expanded = expandPathSpecifiers(path, unit, version)
      if ('error' in expanded) unresolved.push(path)
      else if (!expanded.value.startsWith('/')) relative.push(path)
      else if (!isAbsoluteNormalPath(expanded.value, version)) unnormal.push(path)
    }
    const parts: string[] = []
    const are = (items: string[], what: string): string =>
      `${list(items)} ${items.length === 1 ? 'is' : 'are'} ${what}`
    if (relative.length > 0)
      parts.push(
        are(relative, relative.length === 1 ? 'not an absolute path' : 'not absolute paths') +
          (relative.some((r) => r.includes('$')) ? ' (unit files expand no $VARIABLES)' : '')
      )
    if (unnormal.length > 0)
      parts.push(are(unnormal, "not normalized (a '..', or a name over 255 bytes)"))
    if (unresolved.length > 0)
      parts.push(
        `${list(unresolved)} ${unresolved.length === 1 ? 'has' : 'have'} specifiers systemd cannot resolve`
      )
    if (parts.length === 0) return undefined
    const count = relative.length + unnormal.length + unresolved.length
    return `${key}=: ${parts.join('; ')}; systemd leaves ${count === 1 ? 'it' : 'them'} out`
  }
}

/** SOURCE[:DESTINATION[:rbind|norbind]] entries of plain absolute paths (the usual line) */
const PLAIN_BINDS =
  /^(?:-?\/[\w/.@+-]{0,254}(?::\/[\w/.@+-]{0,254}(?::(?:rbind|norbind))?)?(?:[ \t]+|$))*$/

/**
 * config_parse_bind_paths(): an entry whose source, destination or options systemd refuses is
 * skipped with a warning ("BindPaths= path is not absolute, ignoring: @DIR@/dev/log"); a sandbox
 * built of such lines binds nothing (parity batch 27: an unbound drop-in's @PLACEHOLDER@ paths).
 */
function bindPathsWarning(key: string): LoadWarning {
  return (value, unit, version) => {
    if (PLAIN_BINDS.test(value) && !DOT_COMPONENT.test(value)) return undefined
    const { skipped } = bindEntries(value, unit, version)
    if (skipped.length === 0) return undefined
    const one = skipped.length === 1
    return `${key}=: ${list(skipped)} ${one ? 'is not a bind' : 'are not binds'} systemd takes (absolute, normalized paths, rbind or norbind); it leaves ${one ? 'it' : 'them'} out`
  }
}

/** PATH[:OPTIONS] words of plain absolute paths (the usual line) */
const PLAIN_TEMPORARY = /^(?:\/[\w/.@+-]{0,254}(?::\S*)?(?:[ \t]+|$))*$/

/**
 * config_parse_temporary_filesystems(): each word's PATH, before the first ':', must be an absolute,
 * normalized path once its specifiers are expanded, or the word is skipped with a warning.
 */
const temporaryFileSystemWarning: LoadWarning = (value, unit, version) => {
  if (PLAIN_TEMPORARY.test(value) && !DOT_COMPONENT.test(value)) return undefined
  // (TemporaryFileSystem= takes no '-' or '+' before its paths)
  const { skipped } = pathListWords(value, /^/, true, unit, version)
  if (skipped.length === 0) return undefined
  const one = skipped.length === 1
  return `TemporaryFileSystem=: ${list(skipped)} ${one ? 'has no absolute path' : 'have no absolute paths'} systemd takes; it mounts nothing there`
}

/**
 * config_parse_unit_env_file(): after one optional '-', the whole value (no unquoting) must be an
 * absolute, normalized path once its specifiers are expanded, or no file is read ("EnvironmentFile=
 * path is not absolute, ignoring: @initconfdir@/zfs", parity batch 27; the same at 252 to 262).
 */
const environmentFileWarning: LoadWarning = (value, unit, version) => {
  const path = value.startsWith('-') ? value.slice(1) : value
  if (value === '' || (path.startsWith('/') && !path.includes('%') && !DOT_COMPONENT.test(path)))
    return undefined
  const expanded = expandPathSpecifiers(path, unit, version)
  if ('error' in expanded)
    return `EnvironmentFile=: '${path}' has specifiers systemd cannot resolve; it reads no file`
  if (isAbsoluteNormalPath(expanded.value, version)) return undefined
  return `EnvironmentFile=: '${path}' is not ${expanded.value.startsWith('/') ? "normalized (a '..', or a name over 255 bytes)" : 'an absolute path'}; systemd reads no file`
}

/** config_parse_kill_mode(): KillMode=none loads, with a warning (252 to 262, parity batch 27). */
const killModeWarning: LoadWarning = (value) =>
  value === 'none'
    ? "KillMode=none: systemd warns that it is unsafe (the service's processes are left running when it stops, out of systemd's hands)"
    : undefined

/** The rlimits of systemd.exec(5), Limit*=; only LimitNICE= takes a sign. */
const LIMIT_KEYS = [
  'LimitCPU',
  'LimitFSIZE',
  'LimitDATA',
  'LimitSTACK',
  'LimitCORE',
  'LimitRSS',
  'LimitNOFILE',
  'LimitAS',
  'LimitNPROC',
  'LimitMEMLOCK',
  'LimitLOCKS',
  'LimitSIGPENDING',
  'LimitMSGQUEUE',
  'LimitNICE',
  'LimitRTPRIO',
  'LimitRTTIME'
]

/**
 * config_parse_rlimit(): a value rlimit_parse() refuses leaves the limit at its default ("Failed to
 * parse resource value, ignoring: -1", parity batch 27's mpd units). Only what no limit takes is
 * said: an empty value or half of SOFT:HARD, a negative number where there is no sign (-1 for no
 * limit), a word other than `infinity` (`unlimited`). Not modelled, silent here: units and ranges,
 * a soft limit above the hard one, LimitNICE='s values (checked with 252 and 262).
 */
function limitWarning(key: string): LoadWarning {
  const signed = key === 'LimitNICE'
  return (value) => {
    const colon = value.indexOf(':')
    const parts = colon < 0 ? [value] : [value.slice(0, colon), value.slice(colon + 1)]
    const bad = parts.find(
      (part) =>
        part === '' ||
        (!signed && part.startsWith('-')) ||
        (part !== 'infinity' && /^[A-Za-z]+$/.test(part))
    )
    if (bad === undefined) return undefined
    return `${key}=${value}: systemd cannot read ${bad === '' ? 'an empty limit' : `'${bad}'`} (no limit is 'infinity') and keeps the default limit`
  }
}

/** A name env_name_is_valid() takes: letters, digits and '_', not starting with a digit. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

/** NAME=VALUE words with nothing to unquote, unescape or expand (the usual line) */
const PLAIN_ASSIGNMENTS = /^(?:[A-Za-z_]\w*=[^\s"'\\%]*(?:[ \t]+|$))*$/

/**
 * config_parse_environ(): each word unquoted and unescaped, its specifiers expanded, must be
 * NAME=VALUE ("Invalid environment assignment, ignoring: NAME"); at a word it cannot split (a bad
 * escape, an open quote) it stops ("Invalid syntax, ignoring").
 */
const environmentWarning: LoadWarning = (value, unit, version) => {
  if (PLAIN_ASSIGNMENTS.test(value)) return undefined
  const extracted = extractWords(value, {
    unquote: true,
    cunescape: true,
    strictEscapes: true,
    version
  })
  const bad: string[] = []
  /** names whose value, unescaped, is no valid UTF-8 (env_value_is_valid(); "\xff") */
  const notUtf8: string[] = []
  for (const word of extracted.words) {
    const expanded = word.includes('%') ? expandSpecifiers(word, unit, version) : { value: word }
    const eq = 'error' in expanded ? -1 : expanded.value.indexOf('=')
    if ('error' in expanded || eq < 0 || !ENV_NAME.test(expanded.value.slice(0, eq))) bad.push(word)
    else if (!isValidUtf8Value(expanded.value.slice(eq + 1)))
      notUtf8.push(expanded.value.slice(0, eq))
  }
  const parts: string[] = []
  if (bad.length > 0)
    parts.push(
      `${list(bad)} ${bad.length === 1 ? 'is not a NAME=VALUE assignment' : 'are not NAME=VALUE assignments'}; systemd leaves ${bad.length === 1 ? 'it' : 'them'} out`
    )
  if (notUtf8.length > 0)
    parts.push(
      notUtf8.length === 1
        ? `the value of ${list(notUtf8)} is not valid UTF-8 once unescaped; systemd leaves it out`
        : `the values of ${list(notUtf8)} are not valid UTF-8 once unescaped; systemd leaves them out`
    )
  if (extracted.error !== undefined)
    parts.push(
      `systemd cannot split '${extracted.rest.trim()}' (${extracted.error}) and ignores it ("Invalid syntax")`
    )
  return parts.length === 0 ? undefined : `Environment=: ${parts.join('; ')}`
}

/** cgroup_controller_to_string()'s names, 252-262 (measured one by one with each build). */
const CONTROLLERS = new Set([
  'cpu',
  'cpuacct',
  'cpuset',
  'io',
  'blkio',
  'memory',
  'devices',
  'pids',
  'bpf-firewall',
  'bpf-devices',
  'bpf-foreign',
  'bpf-socket-bind',
  'bpf-restrict-network-interfaces'
])
/** known to 262, not to 257; between them not measured */
const BIND_NETWORK_INTERFACE = 'bpf-bind-network-interface'

/** config_parse_delegate(): "Invalid controller name 'bogus', ignoring". */
const delegateWarning: LoadWarning = (value, _unit, version) => {
  if (version < 252 || value === '' || parseBoolean(value) !== undefined) return undefined
  const bad = extractWords(value, { unquote: true }).words.filter(
    (word) => !CONTROLLERS.has(word) && !(word === BIND_NETWORK_INTERFACE && version > 257)
  )
  if (bad.length === 0) return undefined
  return `Delegate=: ${list(bad)} ${bad.length === 1 ? 'is not a control group controller' : 'are not control group controllers'} systemd ${version} knows; it leaves ${bad.length === 1 ? 'it' : 'them'} out`
}

/** "Special user nobody configured, this is not safe!" (config_parse_user_group_compat()). */
const userWarning: LoadWarning = (value, unit, version) => {
  const expanded = value.includes('%') ? expandSpecifiers(value, unit, version) : { value }
  if ('error' in expanded || expanded.value !== 'nobody') return undefined
  return "User=nobody: systemd warns that this is not safe (what runs as 'nobody' shares its files and processes with everything else that does); use DynamicUser=yes or a user of its own"
}

/** "Standard output type syslog is obsolete, automatically updating to journal." */
function outputWarning(key: string): LoadWarning {
  return (value) =>
    value === 'syslog' || value === 'syslog+console'
      ? `${key}=${value} is obsolete: systemd reads it as ${value.replace('syslog', 'journal')} (the journal forwards to syslog where one runs)`
      : undefined
}

/** From here "PIDFile= references a path below legacy directory /var/run/" (257, 262; 252 and 254
 * say nothing; 255-256 not measured, taken as silent). */
const LEGACY_RUN_WARNED = 257

/** config_parse_pid_file(): a path below /var/run is read as below /run, with a warning. */
const pidFileWarning: LoadWarning = (value, unit, version) => {
  if (version < LEGACY_RUN_WARNED || !value.includes('/var/run')) return undefined
  const expanded = value.includes('%') ? expandSpecifiers(value, unit, version) : { value }
  if ('error' in expanded) return undefined
  const path = expanded.value.replace(/\/{2,}/g, '/')
  if (path !== '/var/run' && !path.startsWith('/var/run/')) return undefined
  return `PIDFile=${path}: /var/run is a legacy name of /run; systemd ${version} reads it as /run${path.slice('/var/run'.length) || '/'} and warns that the unit file should say so`
}

/**
 * extract_first_word_and_warn(), which config_parse_exec() reads each word with: a word whose
 * escapes cunescape() refuses (`\-`, a final backslash) is read again relaxed, the backslash kept,
 * and systemd logs "Ignoring unknown escape sequences" with the word (parity batch 26).
 */
const execEscapeWarning: LoadWarning = (value, _unit, version) => {
  if (!value.includes('\\')) return undefined
  const kept: string[] = []
  for (let position = 0; ;) {
    // an escaped command separator `\;` is read as a word ';' before any unescaping
    while (position < value.length && ' \t\n\r'.includes(value[position]!)) position++
    if (
      value.startsWith('\\;', position) &&
      (position + 2 === value.length || ' \t\n\r'.includes(value[position + 2]!))
    ) {
      position += 2
      continue
    }
    const options = { unquote: true, cunescape: true, version }
    const strict = extractFirstWord(value, position, { ...options, strictEscapes: true })
    if (strict === undefined) break
    if ('error' in strict) {
      const relaxed = extractFirstWord(value, position, options)
      if (relaxed === undefined || 'error' in relaxed) break
      kept.push(relaxed.word)
      position = relaxed.next
    } else position = strict.next
  }
  if (kept.length === 0) return undefined
  const words = kept.slice(0, 3).map((word) => `"${word}"`)
  return `Ignoring unknown escape sequences: ${words.join(', ')}${kept.length > 3 ? ` and ${kept.length - 3} more` : ''} (systemd keeps the backslash)`
}

/** config_parse_exec() from 258: a notice for the '!!' prefix, which it ignores (values/exec.ts). */
const execAmbientHackWarning: LoadWarning = (value, unit, version) => {
  if (version < EXEC_AMBIENT_HACK_REMOVED || !value.includes('!!')) return undefined
  if (!parseExecLine(value, unit, version).ambientHack) return undefined
  return `The '!!' prefix is no longer supported: systemd ${version} ignores it, the command runs with the unit's credentials (remove the prefix)`
}

/** Both notices an Exec*= line can get; systemd logs them on lines of their own. */
const execWarning: LoadWarning = (value, unit, version) => {
  const notices = [execAmbientHackWarning, execEscapeWarning]
    .map((warning) => warning(value, unit, version))
    .filter((notice) => notice !== undefined)
  return notices.length ? notices.join('; ') : undefined
}

export const LOAD_WARNINGS: Readonly<Record<string, LoadWarning>> = {
  ...Object.fromEntries(
    [
      'ReadWritePaths',
      'ReadOnlyPaths',
      'InaccessiblePaths',
      'ExecPaths',
      'NoExecPaths',
      'ReadWriteDirectories',
      'ReadOnlyDirectories',
      'InaccessibleDirectories'
    ].map((key) => [key, pathListWarning(key)])
  ),
  BindPaths: bindPathsWarning('BindPaths'),
  BindReadOnlyPaths: bindPathsWarning('BindReadOnlyPaths'),
  TemporaryFileSystem: temporaryFileSystemWarning,
  Environment: environmentWarning,
  EnvironmentFile: environmentFileWarning,
  KillMode: killModeWarning,
  ...Object.fromEntries(LIMIT_KEYS.map((key) => [key, limitWarning(key)])),
  Delegate: delegateWarning,
  User: userWarning,
  PIDFile: pidFileWarning,
  StandardOutput: outputWarning('StandardOutput'),
  StandardError: outputWarning('StandardError'),
  ...Object.fromEntries(
    [
      'ExecCondition',
      'ExecStartPre',
      'ExecStart',
      'ExecStartPost',
      'ExecReload',
      'ExecStop',
      'ExecStopPost'
    ].map((key) => [key, execWarning])
  )
}
