/** SystemCallFilter= and SystemCallArchitectures=: the filter state and the group walk systemd-analyze does. */
import { ERRNO_NAMES } from '../data/errno-names.js'
import { NEWER_SYSCALLS, SYSCALL_GROUPS, UNGROUPED_SYSCALLS } from '../data/syscall-groups.js'
import { asciiUpper, extractWords, parseCInteger } from '../words.js'

/** The eleven groups the analyzer checks, by json_field suffix. */
export const CHECKED_SYSCALL_GROUPS = [
  '@swap',
  '@obsolete',
  '@clock',
  '@cpu-emulation',
  '@debug',
  '@mount',
  '@module',
  '@raw-io',
  '@reboot',
  '@privileged',
  '@resources'
] as const

/** Members of the checked groups that libseccomp 2.5 has no x86-64 number for: the walk skips them. */
const NOT_ON_X86_64 = new Set([
  'bdflush',
  'break',
  'ftime',
  'gtty',
  'idle',
  'lock',
  'mpx',
  'prof',
  'profil',
  'sgetmask',
  'ssetmask',
  'stime',
  'stty',
  'ulimit',
  'clock_adjtime64',
  'clock_settime64',
  'subpage_prot',
  'switch_endian',
  'vm86',
  'vm86old',
  'rtas',
  's390_runtime_instr',
  'sys_debug_setcontext',
  'umount',
  'pciconfig_iobase',
  'pciconfig_read',
  'pciconfig_write',
  's390_pci_mmio_read',
  's390_pci_mmio_write',
  'setfsuid32',
  'setgroups32',
  'setresuid32',
  'setreuid32',
  'setuid32',
  'chown32',
  'fchown32',
  'lchown32',
  'nice',
  'open_tree_attr'
])

const ERRNOS = new Set(ERRNO_NAMES)

/** Every system call name some version knows: systemd drops any other ("Failed to parse system call"). */
const KNOWN_SYSCALLS: ReadonlySet<string> = new Set([
  ...Object.values(SYSCALL_GROUPS)
    .flat()
    .filter((name) => !name.startsWith('@')),
  ...UNGROUPED_SYSCALLS,
  ...NEWER_SYSCALLS
])

/**
 * @mount lists open_tree_attr instead of open_tree from this version (upstream PR #38060, July 2025;
 * Debian's 257.13 still lists open_tree, Ubuntu's 259 does not).
 */
export const MOUNT_GROUP_OPEN_TREE_ATTR = 258

/**
 * @sandbox (landlock and seccomp calls): in 257 and 262, not in 252; 253-256 unverified, taken as
 * knowing it (a group no row checks: only the "drops it" diagnostic depends on it).
 */
export const SANDBOX_GROUP = 253
const SANDBOX_MEMBERS: readonly string[] = [
  'landlock_add_rule',
  'landlock_create_ruleset',
  'landlock_restrict_self',
  'seccomp'
]

/** Group members for a target version (see MOUNT_GROUP_OPEN_TREE_ATTR and SANDBOX_GROUP). */
export function groupMembers(group: string, version: number): readonly string[] | undefined {
  if (group === '@sandbox') return version >= SANDBOX_GROUP ? SANDBOX_MEMBERS : undefined
  const members = Object.hasOwn(SYSCALL_GROUPS, group) ? SYSCALL_GROUPS[group] : undefined
  if (members && group === '@mount' && version >= MOUNT_GROUP_OPEN_TREE_ATTR) {
    return members.map((m) => (m === 'open_tree' ? 'open_tree_attr' : m))
  }
  return members
}

const expansionCache = new Map<string, readonly string[] | null>()

/** Members of a name: itself, or a group's members recursively (cached); null for an unknown group. */
function expansion(name: string, version: number): readonly string[] | null {
  if (!name.startsWith('@')) return [name]
  const key = `${version}:${name}`
  let members = expansionCache.get(key)
  if (members === undefined) {
    const into: string[] = []
    members = expand(name, version, into) ? into : null
    expansionCache.set(key, members)
  }
  return members
}

function expand(name: string, version: number, into: string[], depth = 0): boolean {
  if (!name.startsWith('@')) {
    into.push(name)
    return true
  }
  const members = groupMembers(name, version)
  if (!members || depth > 8) return false
  for (const member of members) expand(member, version, into, depth + 1)
  return true
}

/** A filter: allow-list (names allowed) or deny-list (names denied). undefined = no filter. */
export interface SyscallFilter {
  allowList: boolean
  names: Set<string>
  /** `names` is shared (a cached assignment result): copied before it is changed */
  shared?: boolean
}

/** A filter of its own: later assignments may change it in place. */
export function copySyscallFilter(filter: SyscallFilter): SyscallFilter {
  return { allowList: filter.allowList, names: new Set(filter.names), shared: false }
}

/**
 * Whether a word of an allow list carries an error number (`ptrace:EPERM`): systemd drops it with
 * "Allow-listed system calls cannot take error number" (config_parse_syscall_filter).
 */
export function errnoInAllowList(word: string): boolean {
  // (no name before it: "Failed to parse syscall:errno", not understood)
  const colon = word.indexOf(':')
  return colon > 0 && validErrno(word.slice(colon + 1))
}

function validErrno(text: string): boolean {
  if (text === 'kill') return true
  if (ERRNOS.has(asciiUpper(text))) return true
  const number = parseCInteger(text)
  return number !== undefined && number >= 0 && number <= 4095
}

export interface SyscallFilterParse {
  next: SyscallFilter | undefined
  ignored: string[]
}

/** Applies one SystemCallFilter= assignment (config_parse_syscall_filter). */
export function applySyscallFilterAssignment(
  current: SyscallFilter | undefined,
  value: string,
  version: number
): SyscallFilterParse {
  if (value === '') return { next: undefined, ignored: [] }
  const invert = value.startsWith('~')
  let filter: SyscallFilter
  // Most units write the same few assignments (@system-service, then ~@privileged @resources ...):
  // from no filter or from a shared set, each assignment's result is a shared set too, made once.
  let cache: Map<string, CachedFilter> | undefined
  const cacheKey = `${version}\n${value}`
  if (current === undefined || current.shared) {
    cache = current === undefined ? firstAssignments : transitionsFrom(current.names)
    const cached = cache.get(cacheKey)
    if (cached) {
      const next = { allowList: cached.allowList, names: cached.names, shared: true }
      return { next, ignored: [...cached.ignored] }
    }
  }
  if (current === undefined) {
    filter = { allowList: !invert, names: new Set(), shared: false }
    if (!invert) for (const name of expansion('@default', version) ?? []) filter.names.add(name)
  } else if (current.shared) {
    filter = copySyscallFilter(current)
  } else {
    // The state belongs to the one service being loaded: update it in place.
    filter = current
  }
  const ignored: string[] = []
  const { words } = extractWords(invert ? value.slice(1) : value)
  for (const word of words) {
    const colon = word.indexOf(':')
    const name = colon >= 0 ? word.slice(0, colon) : word
    if (colon >= 0 && (!invert || !validErrno(word.slice(colon + 1)))) {
      ignored.push(word)
      continue
    }
    const members = expansion(name, version)
    // (an unknown name changes no group's row: dropping it only makes the diagnostic)
    if (members === null || (members.length === 1 && !KNOWN_SYSCALLS.has(name))) {
      ignored.push(word)
      continue
    }
    const add = !invert === filter.allowList
    for (const member of members) {
      if (add) filter.names.add(member)
      else filter.names.delete(member)
    }
  }
  if (cache !== undefined && cachedSets < MAX_CACHED_SETS) {
    cachedSets++
    cache.set(cacheKey, { allowList: filter.allowList, names: filter.names, ignored })
    filter.shared = true
    return { next: filter, ignored: [...ignored] }
  }
  return { next: filter, ignored }
}

interface CachedFilter {
  allowList: boolean
  names: Set<string>
  ignored: readonly string[]
}

/** Sets kept at most (a few hundred system call names each): bounds memory whatever the input. */
const MAX_CACHED_SETS = 512
let cachedSets = 0
/** Results of a first assignment, by version and value */
const firstAssignments = new Map<string, CachedFilter>()
/** Results of an assignment to a shared set, by version and value */
const transitions = new WeakMap<Set<string>, Map<string, CachedFilter>>()

function transitionsFrom(names: Set<string>): Map<string, CachedFilter> {
  let byValue = transitions.get(names)
  if (!byValue) transitions.set(names, (byValue = new Map()))
  return byValue
}

/** First member of `group` (walk order, nested groups in place) that the filter lets through. */
export function firstUnfilteredMember(
  filter: SyscallFilter | undefined,
  group: string,
  version: number
): string | undefined {
  const members = expansion(group, version) ?? []
  const allowList = filter?.allowList ?? false
  for (const member of members) {
    if (NOT_ON_X86_64.has(member)) continue
    // Allow-list: an allowed member is bad. Deny-list: a member not denied is bad.
    if ((filter?.names.has(member) ?? false) === allowList) return member
  }
  return undefined
}

/** Whether two groups (or names) share a system call: denying one denies part of the other. */
export function groupsOverlap(a: string, b: string, version: number): boolean {
  const members = new Set(expansion(a, version) ?? [])
  return (expansion(b, version) ?? []).some((member) => members.has(member))
}

export const ARCHITECTURES = new Set([
  'native',
  'x86',
  'x86-64',
  'x32',
  'arm',
  'arm64',
  'mips',
  'mips64',
  'mips64-n32',
  'mips-le',
  'mips64-le',
  'mips64-le-n32',
  'parisc',
  'parisc64',
  'ppc',
  'ppc64',
  'ppc64-le',
  'riscv64',
  's390',
  's390x'
])

/** Applies one SystemCallArchitectures= assignment: a union of known names, empty clears. */
export function applyArchitecturesAssignment(
  current: ReadonlySet<string>,
  value: string
): { next: Set<string>; unknown: string[] } {
  if (value === '') return { next: new Set(), unknown: [] }
  const next = new Set(current)
  const unknown: string[] = []
  for (const word of extractWords(value, { unquote: true }).words) {
    if (ARCHITECTURES.has(word)) next.add(word)
    else unknown.push(word)
  }
  return { next, unknown }
}
