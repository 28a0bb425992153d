/**
 * RestartForceExitStatus= words (config_parse_set_status): an exit status, by number (0-255) or by
 * name (exit_status_from_string()), or a signal (signal_from_string()); any other word is ignored.
 * Read off 252, 254 and 255, where a word that counts makes Type=oneshot refused.
 */
import { parseCInteger } from '../words.js'

/** exit_status_mappings[]: the names of ISO C, LSB, BSD and systemd's own exit statuses */
const EXIT_STATUS_NAMES: ReadonlySet<string> = new Set([
  'SUCCESS',
  'FAILURE',
  'INVALIDARGUMENT',
  'NOTIMPLEMENTED',
  'NOPERMISSION',
  'NOTINSTALLED',
  'NOTCONFIGURED',
  'NOTRUNNING',
  'USAGE',
  'DATAERR',
  'NOINPUT',
  'NOUSER',
  'NOHOST',
  'UNAVAILABLE',
  'SOFTWARE',
  'OSERR',
  'OSFILE',
  'CANTCREAT',
  'IOERR',
  'TEMPFAIL',
  'PROTOCOL',
  'NOPERM',
  'CONFIG',
  'CHDIR',
  'NICE',
  'FDS',
  'EXEC',
  'MEMORY',
  'LIMITS',
  'OOM_ADJUST',
  'SIGNAL_MASK',
  'STDIN',
  'STDOUT',
  'CHROOT',
  'IOPRIO',
  'TIMERSLACK',
  'SECUREBITS',
  'SETSCHEDULER',
  'CPUAFFINITY',
  'GROUP',
  'USER',
  'CAPABILITIES',
  'CGROUP',
  'SETSID',
  'CONFIRM',
  'STDERR',
  'PAM',
  'NETWORK',
  'NAMESPACE',
  'NO_NEW_PRIVILEGES',
  'SECCOMP',
  'SELINUX_CONTEXT',
  'PERSONALITY',
  'APPARMOR',
  'ADDRESS_FAMILIES',
  'RUNTIME_DIRECTORY',
  'CHOWN',
  'SMACK_PROCESS_LABEL',
  'KEYRING',
  'STATE_DIRECTORY',
  'CACHE_DIRECTORY',
  'LOGS_DIRECTORY',
  'CONFIGURATION_DIRECTORY',
  'NUMA_POLICY',
  'CREDENTIALS',
  'BPF',
  'EXCEPTION'
])

/** EXIT_KSM: 254 and 255 count it, 252 does not */
export const KSM_EXIT_STATUS = 254

/** signal names without "SIG", case-sensitive (IOT, POLL, CLD are not among them) */
const SIGNAL_NAMES: ReadonlySet<string> = new Set([
  'HUP',
  'INT',
  'QUIT',
  'ILL',
  'TRAP',
  'ABRT',
  'BUS',
  'FPE',
  'KILL',
  'USR1',
  'SEGV',
  'USR2',
  'PIPE',
  'ALRM',
  'TERM',
  'STKFLT',
  'CHLD',
  'CONT',
  'STOP',
  'TSTP',
  'TTIN',
  'TTOU',
  'URG',
  'XCPU',
  'XFSZ',
  'VTALRM',
  'PROF',
  'WINCH',
  'IO',
  'PWR',
  'SYS'
])

/** SIGRTMAX - SIGRTMIN on Linux (glibc: 64 - 34) */
const REALTIME_SIGNALS = 30

/** signal_from_string() without numbers (a number is an exit status first) */
function isSignalName(word: string): boolean {
  const name = word.startsWith('SIG') ? word.slice(3) : word
  if (SIGNAL_NAMES.has(name)) return true
  const realtime = /^RT(MIN|MAX)(?:([+-])([0-9]+))?$/.exec(name)
  if (!realtime) return false
  const [, end, sign, digits] = realtime
  if (sign === undefined) return true
  // RTMIN+n and RTMAX-n, n from 0 to SIGRTMAX - SIGRTMIN
  return sign === (end === 'MIN' ? '+' : '-') && Number(digits) <= REALTIME_SIGNALS
}

/** Whether systemd takes the word as an exit status or a signal (else it ignores it). */
export function isExitStatusOrSignal(word: string, version: number): boolean {
  if (EXIT_STATUS_NAMES.has(word) || (word === 'KSM' && version >= KSM_EXIT_STATUS)) return true
  const n = parseCInteger(word)
  if (n !== undefined) return n >= 0 && n <= 255
  return isSignalName(word)
}
