/**
 * The 81 checks of `systemd-analyze security`, one row each, in systemd's table order (which is also
 * its evaluation order). `id` is systemd's json_field (the key of --security-policy files). Adding a
 * check is adding a row. Weights, ranges and rules: ../shared/reference/systemd-security-scoring.md.
 * Descriptions are this project's own words.
 */
import type { ServiceSettings } from './service.js'
import { impliedDeviceEntries, PRIVATE_MOUNTS_TRISTATE } from './service.js'
import { bucketRestricted } from './values/address-families.js'
import type { AddressFamilyBucket } from './values/address-families.js'
import { capabilityMask, capabilityNames } from './values/capabilities.js'
import { isLocalhostPrefix } from './values/ip.js'
import { namespaceAllowed } from './values/namespaces.js'
import { firstUnfilteredMember } from './values/syscalls.js'

export interface AssessContext {
  settings: ServiceSettings
  version: number
  /** User= resolves to root (or is unset without DynamicUser=) */
  runsPrivileged: boolean
}

/**
 * A row's verdict: a badness in 0..range, or not applicable (`na` says why). Every verdict has this
 * one shape (made by verdict() or notApplicable()), so the scoring loop reads it without the
 * megamorphic lookups that differently shaped objects cost on every row of every unit.
 */
export interface Verdict {
  readonly badness: number
  readonly detail: string | undefined
  /** the reason the row does not apply; badness is then meaningless */
  readonly na: string | undefined
}

export const verdict = (badness: number, detail?: string): Verdict => ({
  badness,
  detail,
  na: undefined
})

export const notApplicable = (reason: string): Verdict => ({
  badness: 0,
  detail: undefined,
  na: reason
})

export interface CheckDefinition {
  /** systemd's json_field: the stable id, the policy key, the docs page name */
  id: string
  /** the row name systemd prints, e.g. 'CapabilityBoundingSet=~CAP_SYS_ADMIN' */
  name: string
  weight: number
  range: number
  /** first systemd version with this row */
  since?: number
  /** systemd's default_dependencies_only: N/A when DefaultDependencies=no */
  bootPhaseExempt?: boolean
  /** directives the row reads; findings point at the last one set */
  directives: readonly string[]
  /** what a good value protects against (this project's words) */
  good: string
  /** what the exposure means */
  bad: string
  /** lines of a drop-in that make the row good */
  fix: readonly string[]
  /** when the fix can break a service, and what to do instead */
  breaks: string
  /** man page anchor */
  man: string
  /**
   * For a row that is one part of a list-valued directive: what the service keeps when a justified
   * exception allows the row, so that the fix engine can restrict the rest of the list around it.
   */
  keeps?: ExceptionKeeps
  assess(ctx: AssessContext): Verdict
}

/** What a justified exception of a row leaves the service (see CheckDefinition.keeps). */
export interface ExceptionKeeps {
  capabilities?: readonly string[]
  /** a system call group, with its '@' */
  syscallGroup?: string
  addressFamilies?: readonly string[]
  /** a RestrictNamespaces= type name */
  namespace?: string
}

const EXEC = 'https://www.freedesktop.org/software/systemd/man/latest/systemd.exec.html'
const RESOURCE =
  'https://www.freedesktop.org/software/systemd/man/latest/systemd.resource-control.html'
const SERVICE = 'https://www.freedesktop.org/software/systemd/man/latest/systemd.service.html'

// Shared verdicts for the common case: most rows of most units allocate nothing.
const GOOD = verdict(0)
const BAD = verdict(1)
const WORST = verdict(10)

const NO_FILTER = verdict(10, 'no system call filter')

const bad = (condition: boolean): Verdict => (condition ? BAD : GOOD)

/** Verdicts whose detail derives from a setting with few distinct values, made once per value. */
function verdictCache<K>(make: (value: K) => Verdict): (value: K) => Verdict {
  const made = new Map<K, Verdict>()
  return (value) => {
    let found = made.get(value)
    if (found === undefined) {
      found = make(value)
      if (made.size < 4096) made.set(value, found)
    }
    return found
  }
}

function booleanCheck(
  id: string,
  /** a getter per row, not a key: one shared `settings[key]` lookup site would be megamorphic */
  enabled: (settings: ServiceSettings, version: number) => boolean,
  meta: Pick<CheckDefinition, 'weight' | 'good' | 'bad' | 'breaks'> &
    Partial<Pick<CheckDefinition, 'since' | 'bootPhaseExempt' | 'fix' | 'man'>>
): CheckDefinition {
  return {
    id,
    name: `${id}=`,
    range: 1,
    directives: [id],
    fix: meta.fix ?? [`${id}=yes`],
    man: meta.man ?? `${EXEC}#${id}=`,
    ...meta,
    assess: ({ settings, version }) => bad(!enabled(settings, version))
  }
}

interface CapabilityRow {
  id: string
  name: string
  caps: string[]
  weight: number
  good: string
  bad: string
  breaks: string
  since?: number
}

/** The verdict of a capability row, per kept subset (few distinct values: cached). */
const keptVerdicts = new Map<bigint, Verdict>()
function keptVerdict(kept: bigint): Verdict {
  let found = keptVerdicts.get(kept)
  if (found === undefined) {
    found = verdict(1, capabilityNames(kept).join(' '))
    if (keptVerdicts.size < 65536) keptVerdicts.set(kept, found)
  }
  return found
}

function capabilityCheck(row: CapabilityRow): CheckDefinition {
  const mask = capabilityMask(...row.caps)
  /** the verdict for the last bounding set assessed */
  let lastSet = -1n
  let lastVerdict: Verdict = GOOD
  let allKept: Verdict | undefined
  return {
    id: `CapabilityBoundingSet_${row.id}`,
    name: `CapabilityBoundingSet=~${row.name}`,
    weight: row.weight,
    range: 1,
    since: row.since,
    directives: ['CapabilityBoundingSet'],
    good: row.good,
    bad: row.bad,
    fix: [`CapabilityBoundingSet=~${row.caps.join(' ')}`],
    breaks: row.breaks,
    man: `${EXEC}#CapabilityBoundingSet=`,
    keeps: { capabilities: row.caps },
    assess: ({ settings }) => {
      // most units keep the default set or one of a few: a comparison spares the BigInt work
      const set = settings.capabilityBoundingSet
      if (set === lastSet) return lastVerdict
      const kept = set & mask
      // every capability of the row kept (the default set) is the common finding: no lookup
      lastVerdict =
        kept === 0n ? GOOD : kept === mask ? (allKept ??= keptVerdict(mask)) : keptVerdict(kept)
      lastSet = set
      return lastVerdict
    }
  }
}

function namespaceCheck(type: string, weight: number, what: string): CheckDefinition {
  return {
    id: `RestrictNamespaces_${type}`,
    name: `RestrictNamespaces=~${type}`,
    weight,
    range: 1,
    directives: ['RestrictNamespaces'],
    good: `The service cannot create ${what} namespaces.`,
    bad: `The service may create ${what} namespaces, a common step in kernel exploits and sandbox escapes.`,
    fix: ['RestrictNamespaces=yes'],
    breaks:
      'Container runtimes, browsers and build sandboxes create namespaces; list the types they need instead of yes.',
    man: `${EXEC}#RestrictNamespaces=`,
    keeps: { namespace: type },
    assess: ({ settings }) => bad(namespaceAllowed(settings.restrictNamespaces, type))
  }
}

function addressFamilyCheck(
  id: string,
  name: string,
  bucket: AddressFamilyBucket,
  weight: number,
  what: string,
  /** the families the row is about (none for the row of every other family) */
  families?: readonly string[]
): CheckDefinition {
  return {
    id: `RestrictAddressFamilies_${id}`,
    name: `RestrictAddressFamilies=~${name}`,
    weight,
    range: 1,
    directives: ['RestrictAddressFamilies'],
    good: `The service cannot open ${what} sockets.`,
    bad: `The service may open ${what} sockets.`,
    fix: ['RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6'],
    breaks:
      'A service that talks to the network needs AF_INET/AF_INET6, one that manages interfaces or routes needs AF_NETLINK, and packet capture needs AF_PACKET: allow exactly those families.',
    man: `${EXEC}#RestrictAddressFamilies=`,
    keeps: families && { addressFamilies: families },
    assess: ({ settings }) => bad(!bucketRestricted(settings.addressFamilies, bucket))
  }
}

function syscallCheck(group: string, weight: number, what: string): CheckDefinition {
  /** this row's verdicts per shared filter set, keyed by ±version (+ allow-list, - deny-list) */
  const verdictsByFilter = new WeakMap<Set<string>, Map<number, Verdict>>()
  const suffix = group.slice(1).replace(/-/g, '_')
  return {
    id: `SystemCallFilter_${suffix}`,
    name: `SystemCallFilter=~${group}`,
    weight,
    range: 10,
    directives: ['SystemCallFilter'],
    good: `System calls for ${what} are filtered.`,
    bad: `The service may use the system calls for ${what}.`,
    fix: ['SystemCallFilter=@system-service', 'SystemCallFilter=~@privileged @resources'],
    breaks:
      'A filtered call kills the service (or fails with SystemCallErrorNumber=). Trace the calls it makes first; deny only what it does not use.',
    man: `${EXEC}#SystemCallFilter=`,
    keeps: { syscallGroup: group },
    assess: ({ settings, version }) => {
      const filter = settings.syscallFilter
      if (filter === undefined || (!filter.allowList && filter.names.size === 0)) return NO_FILTER
      // A shared set never changes: its verdict is worked out once per version.
      const cache = filter.shared ? sharedFilterVerdicts(filter.names) : undefined
      const key = filter.allowList ? version : -version
      const cached = cache?.get(key)
      if (cached !== undefined) return cached
      const offending = firstUnfilteredMember(filter, group, version)
      const found =
        offending === undefined
          ? GOOD
          : filter.allowList
            ? verdict(9, `the allow-list includes ${offending}`)
            : verdict(10, `the deny-list misses ${offending}`)
      cache?.set(key, found)
      return found
    }
  }

  function sharedFilterVerdicts(names: Set<string>): Map<number, Verdict> {
    let verdicts = verdictsByFilter.get(names)
    if (verdicts === undefined) verdictsByFilter.set(names, (verdicts = new Map()))
    return verdicts
  }
}

/**
 * The row with its fields in one fixed order: rows made by different helpers would have different
 * hidden classes, and the scoring loop's reads of `assess` and `bootPhaseExempt` would be
 * megamorphic lookups on every row of every unit.
 */
function uniformRow(row: CheckDefinition): CheckDefinition {
  return {
    id: row.id,
    name: row.name,
    weight: row.weight,
    range: row.range,
    since: row.since,
    bootPhaseExempt: row.bootPhaseExempt ?? false,
    directives: row.directives,
    good: row.good,
    bad: row.bad,
    fix: row.fix,
    breaks: row.breaks,
    man: row.man,
    keeps: row.keeps,
    assess: row.assess
  }
}

const isRoot = (user: string | undefined): boolean => user === 'root' || user === '0'

const SHARED_NOBODY = verdict(9, 'User=nobody is shared by unrelated services')
const GROUPS_AS_ROOT = notApplicable('runs as root, groups do not matter')
const IPC_AS_ROOT = notApplicable('runs as root, the option does not apply')
const CALLING_USER = verdict(0, "runs under the calling user's identity (a user's service manager)")
const IPC_USER_MANAGER = notApplicable('RemoveIPC= has no effect on the services of a user manager')

/**
 * From 259 (257 does not; 258 unverified) systemd-analyze --user judges a user unit's identity as
 * its manager runs it: unset or root User= is the calling user (good), supplementary groups count,
 * RemoveIPC= does not apply.
 */
export const USER_MANAGER_IDENTITY = 259
const judgedAsUser = (settings: ServiceSettings, version: number): boolean =>
  settings.userManager && version >= USER_MANAGER_IDENTITY
const NO_ARCHITECTURE_RESTRICTION = verdict(10, 'no architecture restriction')
const CUSTOM_IP_FILTERS = verdict(0, 'custom BPF filters')
const NO_IP_POLICY = verdict(10, 'no deny-all IP policy')
const ALLOWS_OTHER_HOSTS = verdict(5, 'allows hosts other than localhost')
const ALLOWS_LOCALHOST = verdict(2, 'allows localhost')
const NO_DEVICE_CONTROL = verdict(10, 'no device access control')

const protectHomeVerdict = verdictCache((value: string) => {
  const badness = value === 'yes' ? 0 : value === 'tmpfs' ? 1 : value === 'read-only' ? 5 : 10
  return verdict(badness, badness ? `ProtectHome=${value}` : undefined)
})

const protectSystemVerdict = verdictCache((value: string) => {
  const badness = value === 'strict' ? 0 : value === 'full' ? 3 : value === 'yes' ? 5 : 10
  return verdict(badness, badness ? `ProtectSystem=${value}` : undefined)
})

const protectProcVerdict = verdictCache((value: string) => {
  if (value === 'invisible' || value === 'ptraceable') return GOOD
  return verdict(value === 'noaccess' ? 1 : 3, `ProtectProc=${value}`)
})

const ambientVerdict = verdictCache((ambient: bigint) =>
  verdict(1, capabilityNames(ambient).join(' ') || undefined)
)

const umaskVerdict = verdictCache((umask: number) => {
  const text = `UMask=${umask.toString(8).padStart(4, '0')}`
  if (!(umask & 0o002)) return verdict(10, `${text}: files are world-writable`)
  if (!(umask & 0o004)) return verdict(5, `${text}: files are world-readable`)
  if (!(umask & 0o020)) return verdict(2, `${text}: files are group-writable`)
  if (!(umask & 0o040)) return verdict(1, `${text}: files are group-readable`)
  return GOOD
})

const CAPABILITY_BREAKS =
  'A service that legitimately needs this capability fails with "Operation not permitted"; keep exactly the capabilities it needs in CapabilityBoundingSet=.'

/** The table, in systemd's order. */
const ROWS: readonly CheckDefinition[] = [
  {
    id: 'UserOrDynamicUser',
    name: 'User=/DynamicUser=',
    weight: 2000,
    range: 10,
    directives: ['User', 'DynamicUser'],
    good: 'The service runs as an unprivileged user.',
    bad: 'The service runs as root: any compromise owns the machine.',
    fix: ['DynamicUser=yes'],
    breaks:
      'Files the service owns on disk need a stable UID: create a system user and set User= instead of DynamicUser=, or move the data to StateDirectory=.',
    man: `${EXEC}#User=`,
    assess: ({ settings, version }) => {
      const user = settings.user
      if (user === 'nobody') return SHARED_NOBODY
      if (settings.dynamicUser && !isRoot(user)) return GOOD
      if (user !== undefined && user !== '' && !isRoot(user)) return GOOD
      return judgedAsUser(settings, version) ? CALLING_USER : WORST
    }
  },
  {
    id: 'SupplementaryGroups',
    name: 'SupplementaryGroups=',
    weight: 200,
    range: 1,
    directives: ['SupplementaryGroups'],
    good: 'The service has no supplementary groups.',
    bad: 'Supplementary groups widen what the service can read and write.',
    fix: ['SupplementaryGroups='],
    breaks:
      'Groups that grant access to sockets or devices (e.g. a docker or dialout group) may be needed.',
    man: `${EXEC}#SupplementaryGroups=`,
    assess: ({ settings, runsPrivileged, version }) =>
      runsPrivileged && !judgedAsUser(settings, version)
        ? GROUPS_AS_ROOT
        : bad(settings.supplementaryGroups.length > 0)
  },
  booleanCheck('PrivateDevices', (s) => s.privateDevices, {
    weight: 1000,
    good: 'The service sees only pseudo devices such as /dev/null.',
    bad: 'The service can open hardware devices under /dev.',
    breaks:
      'Services that use real devices (GPUs, serial ports, disks) need DeviceAllow= entries instead.'
  }),
  booleanCheck(
    'PrivateMounts',
    // systemd-analyze from 254 on reads an unset PrivateMounts= as set (see PRIVATE_MOUNTS_TRISTATE)
    (s, version) =>
      version >= PRIVATE_MOUNTS_TRISTATE ? s.privateMounts !== false : s.privateMounts === true,
    {
      weight: 1000,
      good: 'Mounts made by the service stay private to it.',
      bad: 'The service shares the host mount namespace and its propagation.',
      breaks:
        'Services that mount file systems for others to see (automounters, storage agents) must not use it.'
    }
  ),
  booleanCheck('PrivateNetwork', (s) => s.privateNetwork, {
    weight: 2500,
    good: 'The service has no network access beyond its own loopback.',
    bad: 'The service can reach every network the host can.',
    breaks:
      'Anything that listens on or connects to the network, including DNS lookups, breaks; use RestrictAddressFamilies= and IPAddressDeny= instead.'
  }),
  booleanCheck('PrivateTmp', (s) => s.privateTmp, {
    weight: 1000,
    bootPhaseExempt: true,
    good: 'The service has its own /tmp and /var/tmp.',
    bad: 'The service shares /tmp with every other process: temp-file races and leaks.',
    breaks: 'Services that exchange files with others through /tmp need a shared directory instead.'
  }),
  booleanCheck('PrivateUsers', (s) => s.privateUsers, {
    weight: 1000,
    good: 'The service runs in its own user namespace.',
    bad: 'The service shares the host user namespace.',
    breaks:
      'Services that need real UIDs of other users, or capabilities on the host, cannot use it.'
  }),
  booleanCheck('ProtectControlGroups', (s) => s.protectControlGroups, {
    weight: 1000,
    good: 'The control group tree is read-only for the service.',
    bad: 'The service can modify the control group tree.',
    breaks: 'Container managers and cgroup-delegating services need write access.'
  }),
  booleanCheck('ProtectKernelModules', (s) => s.protectKernelModules, {
    weight: 1000,
    good: 'The service cannot load kernel modules.',
    bad: 'The service may load kernel modules, i.e. run code in the kernel.',
    breaks: 'Only services that load drivers need this off.'
  }),
  booleanCheck('ProtectKernelTunables', (s) => s.protectKernelTunables, {
    weight: 1000,
    good: 'Kernel tunables in /proc/sys and /sys are read-only for the service.',
    bad: 'The service can change kernel tunables.',
    breaks: 'Services that tune sysctls or write to /sys need it off.'
  }),
  booleanCheck('ProtectKernelLogs', (s) => s.protectKernelLogs, {
    weight: 1000,
    since: 244,
    good: 'The service cannot read or write the kernel log buffer.',
    bad: 'The service can read the kernel log, which leaks addresses and secrets.',
    breaks: 'Log collectors that read /dev/kmsg need it off.'
  }),
  booleanCheck('ProtectClock', (s) => s.protectClock, {
    weight: 1000,
    since: 245,
    good: 'The service cannot change the system clock.',
    bad: 'The service may change the system or hardware clock.',
    breaks: 'Time synchronisation daemons need it off.'
  }),
  {
    id: 'ProtectHome',
    name: 'ProtectHome=',
    weight: 1000,
    range: 10,
    bootPhaseExempt: true,
    directives: ['ProtectHome', 'DynamicUser'],
    good: 'Home directories are hidden from the service.',
    bad: 'The service can read (and perhaps write) users’ home directories.',
    fix: ['ProtectHome=yes'],
    breaks: 'Services that serve or back up home directories need ProtectHome=read-only or no.',
    man: `${EXEC}#ProtectHome=`,
    assess: ({ settings }) => protectHomeVerdict(settings.protectHome)
  },
  booleanCheck('ProtectHostname', (s) => s.protectHostname, {
    weight: 50,
    since: 242,
    good: 'The service cannot change the host name.',
    bad: 'The service may change the host name.',
    breaks: 'Only hostname managers need it off.'
  }),
  {
    id: 'ProtectSystem',
    name: 'ProtectSystem=',
    weight: 1000,
    range: 10,
    bootPhaseExempt: true,
    directives: ['ProtectSystem', 'DynamicUser'],
    good: 'The operating system directories are read-only for the service.',
    bad: 'The service can modify the operating system (/usr, /boot, /etc).',
    fix: ['ProtectSystem=strict'],
    breaks:
      'strict makes everything but /dev, /proc and /sys read-only: declare the paths the service writes with ReadWritePaths=, StateDirectory= or LogsDirectory=. A service that writes to /etc needs that path in ReadWritePaths= (full makes /etc read-only too; only ProtectSystem=yes leaves it writable).',
    man: `${EXEC}#ProtectSystem=`,
    assess: ({ settings }) => protectSystemVerdict(settings.protectSystem)
  },
  {
    id: 'RootDirectoryOrRootImage',
    name: 'RootDirectory=/RootImage=',
    weight: 200,
    range: 1,
    bootPhaseExempt: true,
    directives: ['RootDirectory', 'RootImage'],
    good: 'The service runs in its own root file system.',
    bad: 'The service runs in the host root file system.',
    fix: ['RootDirectory=/var/lib/machines/NAME'],
    breaks:
      'Needs a complete root tree or image for the service; only worth it for self-contained services.',
    man: `${EXEC}#RootDirectory=`,
    assess: ({ settings, version }) => {
      const hostRoot = (path: string | undefined): boolean => path === undefined || path === '/'
      const rd = hostRoot(settings.rootDirectory)
      const ri = hostRoot(settings.rootImage)
      // systemd 243 and 244 required both settings.
      return bad(version === 243 || version === 244 ? rd || ri : rd && ri)
    }
  },
  booleanCheck('LockPersonality', (s) => s.lockPersonality, {
    weight: 100,
    good: 'The service cannot change its execution domain.',
    bad: 'The service may switch personality, e.g. to emulate another architecture.',
    breaks: 'Only emulators and some legacy 32-bit software need it off.'
  }),
  booleanCheck('MemoryDenyWriteExecute', (s) => s.memoryDenyWriteExecute, {
    weight: 100,
    good: 'The service cannot create memory that is both writable and executable.',
    bad: 'The service may create writable and executable memory, which shellcode needs.',
    breaks:
      'JIT runtimes (Node.js, Java, .NET, Python with JIT, LuaJIT, browsers) crash with it: leave it off for them and say why.'
  }),
  booleanCheck('NoNewPrivileges', (s) => s.noNewPrivileges, {
    weight: 1000,
    good: 'The service and its children cannot gain privileges.',
    bad: 'The service may gain privileges through setuid binaries or file capabilities.',
    breaks: 'Services that run sudo, su or other setuid helpers break.'
  }),
  capabilityCheck({
    id: 'CAP_SYS_ADMIN',
    name: 'CAP_SYS_ADMIN',
    caps: ['CAP_SYS_ADMIN'],
    weight: 1500,
    good: 'The service cannot use the catch-all administration capability.',
    bad: 'The service keeps CAP_SYS_ADMIN, close to full root.',
    breaks: CAPABILITY_BREAKS
  }),
  capabilityCheck({
    id: 'CAP_SET_UID_GID_PCAP',
    name: 'CAP_SET(UID|GID|PCAP)',
    caps: ['CAP_SETUID', 'CAP_SETGID', 'CAP_SETPCAP'],
    weight: 1500,
    good: 'The service cannot change its identity or capabilities.',
    bad: 'The service may switch user or group identity.',
    breaks:
      'Daemons that drop privileges themselves (start as root, then setuid) need CAP_SETUID/CAP_SETGID.'
  }),
  capabilityCheck({
    id: 'CAP_SYS_PTRACE',
    name: 'CAP_SYS_PTRACE',
    caps: ['CAP_SYS_PTRACE'],
    weight: 1500,
    good: 'The service cannot trace other processes.',
    bad: 'The service may trace and inspect any process.',
    breaks: 'Debuggers and profilers need it.'
  }),
  capabilityCheck({
    id: 'CAP_SYS_TIME',
    name: 'CAP_SYS_TIME',
    caps: ['CAP_SYS_TIME'],
    weight: 1000,
    good: 'The service cannot set the clock.',
    bad: 'The service may change the system clock.',
    breaks: 'Time synchronisation daemons need it.'
  }),
  capabilityCheck({
    id: 'CAP_NET_ADMIN',
    name: 'CAP_NET_ADMIN',
    caps: ['CAP_NET_ADMIN'],
    weight: 1000,
    good: 'The service cannot reconfigure networking.',
    bad: 'The service may change interfaces, routes and firewall rules.',
    breaks: 'VPN, tunnel and network management daemons need it.'
  }),
  capabilityCheck({
    id: 'CAP_SYS_RAWIO',
    name: 'CAP_SYS_RAWIO',
    caps: ['CAP_SYS_RAWIO'],
    weight: 1000,
    good: 'The service cannot do raw I/O.',
    bad: 'The service may access I/O ports and raw devices.',
    breaks: 'Hardware tools need it.'
  }),
  capabilityCheck({
    id: 'CAP_SYS_MODULE',
    name: 'CAP_SYS_MODULE',
    caps: ['CAP_SYS_MODULE'],
    weight: 1000,
    good: 'The service cannot load kernel modules.',
    bad: 'The service may load kernel modules.',
    breaks: 'Only driver loaders need it.'
  }),
  capabilityCheck({
    id: 'CAP_AUDIT',
    name: 'CAP_AUDIT_*',
    caps: ['CAP_AUDIT_CONTROL', 'CAP_AUDIT_READ', 'CAP_AUDIT_WRITE'],
    weight: 500,
    good: 'The service cannot use the audit subsystem.',
    bad: 'The service may read or change the audit trail.',
    breaks: 'Login services and audit daemons need CAP_AUDIT_WRITE or CAP_AUDIT_CONTROL.'
  }),
  capabilityCheck({
    id: 'CAP_SYSLOG',
    name: 'CAP_SYSLOG',
    caps: ['CAP_SYSLOG'],
    weight: 500,
    good: 'The service cannot use the kernel log privileges.',
    bad: 'The service may read kernel log messages and addresses.',
    breaks: 'Kernel log collectors need it.'
  }),
  capabilityCheck({
    id: 'CAP_SYS_NICE_RESOURCE',
    name: 'CAP_SYS_(NICE|RESOURCE)',
    caps: ['CAP_SYS_NICE', 'CAP_SYS_RESOURCE'],
    weight: 500,
    good: 'The service cannot raise its priority or resource limits.',
    bad: 'The service may override scheduling and resource limits.',
    breaks:
      'Real-time and database services sometimes raise limits; prefer LimitNOFILE= and Nice= in the unit.'
  }),
  capabilityCheck({
    id: 'CAP_MKNOD',
    name: 'CAP_MKNOD',
    caps: ['CAP_MKNOD'],
    weight: 500,
    good: 'The service cannot create device nodes.',
    bad: 'The service may create device nodes.',
    breaks: 'Only device managers need it.'
  }),
  capabilityCheck({
    id: 'CAP_CHOWN_FSETID_SETFCAP',
    name: 'CAP_(CHOWN|FSETID|SETFCAP)',
    caps: ['CAP_CHOWN', 'CAP_FSETID', 'CAP_SETFCAP'],
    weight: 1000,
    good: 'The service cannot change file ownership or file capabilities.',
    bad: 'The service may change the owner of any file.',
    breaks: 'Services that chown files they create for other users need CAP_CHOWN.'
  }),
  capabilityCheck({
    id: 'CAP_DAC_FOWNER_IPC_OWNER',
    name: 'CAP_(DAC_*|FOWNER|IPC_OWNER)',
    caps: ['CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_IPC_OWNER'],
    weight: 1000,
    good: 'File permissions apply to the service.',
    bad: 'The service may bypass file permission checks.',
    breaks:
      'Backup tools and services running as root that read others’ files need CAP_DAC_READ_SEARCH.'
  }),
  capabilityCheck({
    id: 'CAP_KILL',
    name: 'CAP_KILL',
    caps: ['CAP_KILL'],
    weight: 500,
    good: 'The service can signal only its own processes.',
    bad: 'The service may send signals to any process.',
    breaks: 'Process supervisors need it.'
  }),
  {
    ...capabilityCheck({
      id: 'CAP_NET_BIND_SERVICE_BROADCAST_RAW',
      name: 'CAP_NET_(BIND_SERVICE|BROADCAST|RAW)',
      caps: ['CAP_NET_BIND_SERVICE', 'CAP_NET_BROADCAST', 'CAP_NET_RAW'],
      weight: 500,
      good: 'The service cannot bind privileged ports or use raw sockets.',
      bad: 'The service may bind ports below 1024 or craft raw packets.',
      breaks:
        'A service listening on a port below 1024 needs CAP_NET_BIND_SERVICE (also in AmbientCapabilities= when it runs as a user).'
    }),
    // systemd's json_field really ends in ')' (v250..v259); policies must use the same key.
    id: 'CapabilityBoundingSet_CAP_NET_BIND_SERVICE_BROADCAST_RAW)'
  },
  capabilityCheck({
    id: 'CAP_SYS_BOOT',
    name: 'CAP_SYS_BOOT',
    caps: ['CAP_SYS_BOOT'],
    weight: 100,
    good: 'The service cannot reboot the system.',
    bad: 'The service may reboot the machine or load a new kernel.',
    breaks: 'Only power management services need it.'
  }),
  capabilityCheck({
    id: 'CAP_MAC',
    name: 'CAP_MAC_*',
    caps: ['CAP_MAC_ADMIN', 'CAP_MAC_OVERRIDE'],
    weight: 100,
    good: 'The service cannot change or bypass mandatory access control.',
    bad: 'The service may change or bypass SELinux/AppArmor/Smack policy.',
    breaks: 'Only MAC policy tools need it.'
  }),
  capabilityCheck({
    id: 'CAP_LINUX_IMMUTABLE',
    name: 'CAP_LINUX_IMMUTABLE',
    caps: ['CAP_LINUX_IMMUTABLE'],
    weight: 75,
    good: 'The service cannot change immutable or append-only flags.',
    bad: 'The service may clear immutable and append-only file flags.',
    breaks: 'Rarely needed.'
  }),
  capabilityCheck({
    id: 'CAP_IPC_LOCK',
    name: 'CAP_IPC_LOCK',
    caps: ['CAP_IPC_LOCK'],
    weight: 50,
    good: 'The service cannot lock unlimited memory.',
    bad: 'The service may lock memory into RAM.',
    breaks: 'Secret stores and databases that mlock memory need it, or a higher LimitMEMLOCK=.'
  }),
  capabilityCheck({
    id: 'CAP_SYS_CHROOT',
    name: 'CAP_SYS_CHROOT',
    caps: ['CAP_SYS_CHROOT'],
    weight: 50,
    good: 'The service cannot call chroot().',
    bad: 'The service may chroot, which can be abused to confuse setuid programs.',
    breaks: 'Services that chroot themselves (some FTP, DNS and SSH servers) need it.'
  }),
  capabilityCheck({
    id: 'CAP_BLOCK_SUSPEND',
    name: 'CAP_BLOCK_SUSPEND',
    caps: ['CAP_BLOCK_SUSPEND'],
    weight: 25,
    good: 'The service cannot block system suspend.',
    bad: 'The service may keep the system from suspending.',
    breaks: 'Rarely needed.'
  }),
  capabilityCheck({
    id: 'CAP_WAKE_ALARM',
    name: 'CAP_WAKE_ALARM',
    caps: ['CAP_WAKE_ALARM'],
    weight: 25,
    good: 'The service cannot set wake-up alarms.',
    bad: 'The service may program alarms that wake the system.',
    breaks: 'Rarely needed.'
  }),
  capabilityCheck({
    id: 'CAP_LEASE',
    name: 'CAP_LEASE',
    caps: ['CAP_LEASE'],
    weight: 25,
    good: 'The service cannot take leases on others’ files.',
    bad: 'The service may take file leases on any file.',
    breaks: 'Samba-like file servers need it.'
  }),
  capabilityCheck({
    id: 'CAP_SYS_TTY_CONFIG',
    name: 'CAP_SYS_TTY_CONFIG',
    caps: ['CAP_SYS_TTY_CONFIG'],
    weight: 25,
    good: 'The service cannot reconfigure terminals.',
    bad: 'The service may reconfigure TTYs.',
    breaks: 'Console and getty services need it.'
  }),
  capabilityCheck({
    id: 'CAP_SYS_PACCT',
    name: 'CAP_SYS_PACCT',
    caps: ['CAP_SYS_PACCT'],
    weight: 25,
    good: 'The service cannot configure process accounting.',
    bad: 'The service may turn process accounting on or off.',
    breaks: 'Only accounting tools need it.'
  }),
  capabilityCheck({
    id: 'CAP_BPF',
    name: 'CAP_BPF',
    caps: ['CAP_BPF'],
    weight: 25,
    since: 252,
    good: 'The service cannot load BPF programs.',
    bad: 'The service may load BPF programs into the kernel.',
    breaks: 'Tracing and networking agents built on eBPF need it.'
  }),
  {
    id: 'UMask',
    name: 'UMask=',
    weight: 100,
    range: 10,
    directives: ['UMask'],
    good: 'Files the service creates are private to it.',
    bad: 'Files the service creates are readable (or writable) by others.',
    fix: ['UMask=0077'],
    breaks:
      'Services that create files other users or groups must read need UMask=0027 and a shared group.',
    man: `${EXEC}#UMask=`,
    assess: ({ settings }) => umaskVerdict(settings.umask)
  },
  {
    id: 'KeyringMode',
    name: 'KeyringMode=',
    weight: 1000,
    range: 1,
    directives: ['KeyringMode'],
    good: 'The service has a private kernel keyring.',
    bad: 'The service shares a kernel keyring with other services.',
    fix: ['KeyringMode=private'],
    breaks: 'Only services that hand keys to each other need a shared keyring.',
    man: `${EXEC}#KeyringMode=`,
    assess: ({ settings }) => bad(settings.keyringMode !== 'private')
  },
  {
    id: 'ProtectProc',
    name: 'ProtectProc=',
    weight: 1000,
    range: 3,
    since: 247,
    directives: ['ProtectProc'],
    good: 'Other users’ processes are hidden from the service in /proc.',
    bad: 'The service can see every process and its command line in /proc.',
    fix: ['ProtectProc=invisible'],
    breaks: 'Monitoring agents that inspect other processes need ProtectProc=default.',
    man: `${EXEC}#ProtectProc=`,
    assess: ({ settings }) => protectProcVerdict(settings.protectProc)
  },
  {
    id: 'ProcSubset',
    name: 'ProcSubset=',
    weight: 10,
    range: 1,
    since: 247,
    directives: ['ProcSubset'],
    good: 'The service sees only process entries in /proc.',
    bad: 'The service can read kernel and system information in /proc.',
    fix: ['ProcSubset=pid'],
    breaks: 'Services that read /proc/meminfo, /proc/cpuinfo or /proc/sys need ProcSubset=all.',
    man: `${EXEC}#ProcSubset=`,
    assess: ({ settings }) => bad(settings.procSubset !== 'pid')
  },
  {
    id: 'NotifyAccess',
    name: 'NotifyAccess=',
    weight: 1000,
    range: 1,
    directives: ['NotifyAccess'],
    good: 'Only the main process may send status notifications.',
    bad: 'Any process of the service may send status notifications to systemd.',
    fix: ['NotifyAccess=main'],
    breaks: 'Services whose worker or helper processes report readiness need NotifyAccess=all.',
    man: `${SERVICE}#NotifyAccess=`,
    assess: ({ settings }) => bad(settings.notifyAccess === 'all')
  },
  {
    id: 'RemoveIPC',
    name: 'RemoveIPC=',
    weight: 100,
    range: 1,
    directives: ['RemoveIPC', 'DynamicUser'],
    good: 'IPC objects of the service are removed when it stops.',
    bad: 'IPC objects of the service survive it.',
    fix: ['RemoveIPC=yes'],
    breaks:
      'Services sharing System V IPC objects with other services under the same user need it off.',
    man: `${EXEC}#RemoveIPC=`,
    assess: ({ settings, runsPrivileged, version }) =>
      judgedAsUser(settings, version)
        ? IPC_USER_MANAGER
        : runsPrivileged
          ? IPC_AS_ROOT
          : bad(!settings.removeIPC)
  },
  {
    id: 'Delegate',
    name: 'Delegate=',
    weight: 100,
    range: 1,
    directives: ['Delegate'],
    good: 'The service does not manage its own control group subtree.',
    bad: 'The service manages a delegated control group subtree.',
    fix: ['Delegate=no'],
    breaks: 'Container managers need delegation.',
    man: `${RESOURCE}#Delegate=`,
    assess: ({ settings }) => bad(settings.delegate)
  },
  booleanCheck('RestrictRealtime', (s) => s.restrictRealtime, {
    weight: 500,
    good: 'The service cannot use real-time scheduling.',
    bad: 'The service may take real-time priority and starve the system.',
    breaks: 'Audio and other real-time services need it off.'
  }),
  booleanCheck('RestrictSUIDSGID', (s) => s.restrictSUIDSGID, {
    weight: 1000,
    since: 242,
    good: 'The service cannot create setuid or setgid files.',
    bad: 'The service may create setuid/setgid files, a persistence trick.',
    breaks: 'Package managers and installers need it off.'
  }),
  namespaceCheck('user', 1500, 'user'),
  namespaceCheck('mnt', 500, 'mount'),
  namespaceCheck('ipc', 500, 'IPC'),
  namespaceCheck('pid', 500, 'process ID'),
  namespaceCheck('cgroup', 500, 'control group'),
  namespaceCheck('net', 500, 'network'),
  namespaceCheck('uts', 100, 'host name (UTS)'),
  addressFamilyCheck('AF_INET_INET6', 'AF_(INET|INET6)', 'inet', 1500, 'Internet (IPv4/IPv6)', [
    'AF_INET',
    'AF_INET6'
  ]),
  addressFamilyCheck('AF_UNIX', 'AF_UNIX', 'unix', 25, 'local (AF_UNIX)', ['AF_UNIX']),
  addressFamilyCheck('AF_NETLINK', 'AF_NETLINK', 'netlink', 200, 'kernel netlink', ['AF_NETLINK']),
  addressFamilyCheck('AF_PACKET', 'AF_PACKET', 'packet', 1000, 'raw packet', ['AF_PACKET']),
  addressFamilyCheck('OTHER', '…', 'other', 1250, 'exotic (Bluetooth, CAN, VSOCK, ...)'),
  {
    id: 'SystemCallArchitectures',
    name: 'SystemCallArchitectures=',
    weight: 1000,
    range: 10,
    directives: ['SystemCallArchitectures'],
    good: 'Only native system calls are allowed.',
    bad: 'The service may use non-native system call ABIs, which filters often forget.',
    fix: ['SystemCallArchitectures=native'],
    breaks: 'Services that run 32-bit binaries on a 64-bit host need those architectures.',
    man: `${EXEC}#SystemCallArchitectures=`,
    assess: ({ settings }) => {
      const archs = settings.syscallArchitectures
      if (archs.size === 0) return NO_ARCHITECTURE_RESTRICTION
      if (archs.size === 1 && archs.has('native')) return GOOD
      return verdict(8, `allows ${[...archs].join(' ')}`)
    }
  },
  syscallCheck('@swap', 1000, 'swap management'),
  syscallCheck('@obsolete', 250, 'obsolete interfaces'),
  syscallCheck('@clock', 1000, 'changing the clock'),
  syscallCheck('@cpu-emulation', 250, 'CPU emulation'),
  syscallCheck('@debug', 1000, 'debugging and tracing'),
  syscallCheck('@mount', 1000, 'mounting file systems'),
  syscallCheck('@module', 1000, 'loading kernel modules'),
  syscallCheck('@raw-io', 1000, 'raw I/O'),
  syscallCheck('@reboot', 1000, 'rebooting'),
  syscallCheck('@privileged', 700, 'privileged operations'),
  syscallCheck('@resources', 700, 'changing resource limits and priorities'),
  {
    id: 'IPAddressDeny',
    name: 'IPAddressDeny=',
    weight: 1000,
    range: 10,
    directives: ['IPAddressDeny', 'IPAddressAllow', 'IPIngressFilterPath', 'IPEgressFilterPath'],
    good: 'The service’s IP traffic is limited to an allow-list.',
    bad: 'The service may exchange IP packets with any host.',
    fix: ['IPAddressDeny=any'],
    breaks:
      'Services that talk to other hosts need IPAddressAllow= entries for them (observe egress first); localhost-only services can use IPAddressAllow=localhost.',
    man: `${RESOURCE}#IPAddressAllow=ADDRESS%5B/PREFIXLENGTH%5D%E2%80%A6`,
    assess: ({ settings }) => {
      if (settings.ipIngressFilterPath.length || settings.ipEgressFilterPath.length) {
        return CUSTOM_IP_FILTERS
      }
      const denyAll = (family: 4 | 6): boolean =>
        settings.ipAddressDeny.some((p) => p.family === family && p.prefixLength === 0)
      if (!denyAll(4) || !denyAll(6)) return NO_IP_POLICY
      const allow = settings.ipAddressAllow
      if (allow.some((p) => !isLocalhostPrefix(p))) return ALLOWS_OTHER_HOSTS
      if (allow.length) return ALLOWS_LOCALHOST
      return GOOD
    }
  },
  {
    id: 'DeviceAllow',
    name: 'DeviceAllow=',
    weight: 1000,
    range: 10,
    directives: ['DevicePolicy', 'DeviceAllow', 'PrivateDevices'],
    good: 'The service may use no devices, or only listed ones.',
    bad: 'The service may use every device node.',
    fix: ['DevicePolicy=closed'],
    breaks: 'Services that use devices need a DeviceAllow= entry for each one.',
    man: `${RESOURCE}#DeviceAllow=`,
    assess: ({ settings, version }) => {
      if (settings.devicePolicy === 'auto') return NO_DEVICE_CONTROL
      const entries = [...settings.deviceAllow, ...impliedDeviceEntries(settings, version)]
      if (entries.length === 0) return GOOD
      // as systemd lists them: newest first (it prepends each), rights as r, w, m (none: all three)
      const rights = (r: string): string =>
        r === '' ? 'rwm' : ['r', 'w', 'm'].filter((c) => r.includes(c)).join('')
      const shown = entries.map((e) => `${e.path}:${rights(e.rights)}`).reverse()
      return verdict(5, `allows ${shown.join(' ')}`)
    }
  },
  {
    id: 'AmbientCapabilities',
    name: 'AmbientCapabilities=',
    weight: 500,
    range: 1,
    directives: ['AmbientCapabilities'],
    good: 'The service gets no ambient capabilities.',
    bad: 'The service runs with ambient capabilities.',
    fix: ['AmbientCapabilities='],
    breaks:
      'A service running as a user that must bind a port below 1024 needs AmbientCapabilities=CAP_NET_BIND_SERVICE.',
    man: `${EXEC}#AmbientCapabilities=`,
    assess: ({ settings }) =>
      settings.ambientCapabilities === 0n ? GOOD : ambientVerdict(settings.ambientCapabilities)
  }
]

/** The table as the scoring loop reads it: every row of one shape (see uniformRow). */
export const CHECKS: readonly CheckDefinition[] = ROWS.map(uniformRow)

/** The directives the checks read (a misspelling of one looks like hardening and does nothing). */
export const CHECK_DIRECTIVES: ReadonlySet<string> = new Set(CHECKS.flatMap((c) => c.directives))

export const CHECKS_BY_ID: ReadonlyMap<string, CheckDefinition> = new Map(
  CHECKS.map((c) => [c.id, c])
)

/** The file name of a check's documentation page: the id itself (docs/checks/<id>.md). */
export function docsFileName(id: string): string {
  return `${id}.md`
}

/**
 * The repository path of a check's documentation page, for links: `docs/checks/<id>.md` with the id
 * URL-encoded (systemd's CAP_NET_* json_field ends in ')', written %29). Prefix it with the
 * repository's web address for an absolute link.
 */
export function docsUrl(id: string): string {
  const encoded = encodeURIComponent(id).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`
  )
  return `docs/checks/${encoded}.md`
}

const checksByVersion = new Map<number, readonly CheckDefinition[]>()

/** The rows a systemd version prints. */
export function checksFor(version: number): readonly CheckDefinition[] {
  let checks = checksByVersion.get(version)
  if (!checks) {
    checks = CHECKS.filter((check) => check.since === undefined || version >= check.since)
    checksByVersion.set(version, checks)
  }
  return checks
}
