/**
 * Per-check examples in the style of ESLint's RuleTester: for every row of CHECKS (keyed by its id,
 * systemd's json_field) unit snippets that score the row good (badness 0), bad (badness > 0) and,
 * where the rule has one, not applicable. Every expected badness was checked against systemd 252's
 * `systemd-analyze security --offline=true` (checks.test.ts re-checks them whenever systemd-analyze is
 * installed). A snippet is appended to the base unit; it may open another section (`[Unit]`).
 */

/** The base unit: an unprivileged service, so every row applies. */
export const BASE = '[Service]\nExecStart=/bin/true\nUser=someuser\n'
/** A service without User=: it runs as root. */
export const ROOT_BASE = '[Service]\nExecStart=/bin/true\n'

export interface ExampleCase {
  /** lines appended to the base unit */
  code: string
  /**
   * expected badness of the row: bad cases default to the row's range, good cases are always 0,
   * N/A cases null
   */
  badness?: number | null
  /** replaces BASE */
  base?: string
  /** unit name (default: generated); `foo@inst.service` is read from the template `foo@.service` */
  name?: string
  /** the row's `fix` lines, applied as a drop-in, do not make this case good: why */
  fixFails?: string
}

/** A bare string is a case with only `code`. */
export type Example = string | ExampleCase

export interface CheckExamples {
  good: Example[]
  bad: Example[]
  /** cases where the row is N/A */
  na?: Example[]
}

const DD_NO = '[Unit]\nDefaultDependencies=no'

/** The capability rows: their groups, written out independently of the table. */
const CAPABILITY_GROUPS: Record<string, string> = {
  CAP_SYS_ADMIN: 'CAP_SYS_ADMIN',
  CAP_SET_UID_GID_PCAP: 'CAP_SETUID CAP_SETGID CAP_SETPCAP',
  CAP_SYS_PTRACE: 'CAP_SYS_PTRACE',
  CAP_SYS_TIME: 'CAP_SYS_TIME',
  CAP_NET_ADMIN: 'CAP_NET_ADMIN',
  CAP_SYS_RAWIO: 'CAP_SYS_RAWIO',
  CAP_SYS_MODULE: 'CAP_SYS_MODULE',
  CAP_AUDIT: 'CAP_AUDIT_CONTROL CAP_AUDIT_READ CAP_AUDIT_WRITE',
  CAP_SYSLOG: 'CAP_SYSLOG',
  CAP_SYS_NICE_RESOURCE: 'CAP_SYS_NICE CAP_SYS_RESOURCE',
  CAP_MKNOD: 'CAP_MKNOD',
  CAP_CHOWN_FSETID_SETFCAP: 'CAP_CHOWN CAP_FSETID CAP_SETFCAP',
  CAP_DAC_FOWNER_IPC_OWNER: 'CAP_DAC_OVERRIDE CAP_DAC_READ_SEARCH CAP_FOWNER CAP_IPC_OWNER',
  CAP_KILL: 'CAP_KILL',
  'CAP_NET_BIND_SERVICE_BROADCAST_RAW)': 'CAP_NET_BIND_SERVICE CAP_NET_BROADCAST CAP_NET_RAW',
  CAP_SYS_BOOT: 'CAP_SYS_BOOT',
  CAP_MAC: 'CAP_MAC_ADMIN CAP_MAC_OVERRIDE',
  CAP_LINUX_IMMUTABLE: 'CAP_LINUX_IMMUTABLE',
  CAP_IPC_LOCK: 'CAP_IPC_LOCK',
  CAP_SYS_CHROOT: 'CAP_SYS_CHROOT',
  CAP_BLOCK_SUSPEND: 'CAP_BLOCK_SUSPEND',
  CAP_WAKE_ALARM: 'CAP_WAKE_ALARM',
  CAP_LEASE: 'CAP_LEASE',
  CAP_SYS_TTY_CONFIG: 'CAP_SYS_TTY_CONFIG',
  CAP_SYS_PACCT: 'CAP_SYS_PACCT',
  CAP_BPF: 'CAP_BPF'
}

/** Extra cases for some capability rows: numeric bits, replace-vs-merge, implied drops. */
const CAPABILITY_EXTRAS: Record<string, Partial<CheckExamples>> = {
  CAP_SYS_ADMIN: {
    good: [
      'CapabilityBoundingSet=',
      'CapabilityBoundingSet=CAP_BOGUS',
      'CapabilityBoundingSet=~0x15',
      'CapabilityBoundingSet=~025',
      'CapabilityBoundingSet=~0o25',
      'CapabilityBoundingSet=~+21',
      'CapabilityBoundingSet=08',
      'CapabilityBoundingSet="CAP_SYS_ADMIN CAP_KILL"',
      'CapabilityBoundingSet=CAP_KILL\nCapabilityBoundingSet=~CAP_SYS_ADMIN',
      'CapabilityBoundingSet=~cap_sys_admin',
      // safe_atoi(): 0b/0o only at the very start, so a sign before them is not a number
      'CapabilityBoundingSet=+0b10101',
      'CapabilityBoundingSet=+0o25'
    ],
    bad: [
      'CapabilityBoundingSet=21',
      'CapabilityBoundingSet=0b10101',
      'CapabilityBoundingSet=0b+10101',
      'CapabilityBoundingSet=0o+25',
      'CapabilityBoundingSet=cap_sys_admin',
      'CapabilityBoundingSet=CAP_KILL\nCapabilityBoundingSet=~CAP_KILL\nCapabilityBoundingSet=CAP_SYS_ADMIN',
      'CapabilityBoundingSet=~CAP_KILL\nCapabilityBoundingSet=CAP_KILL\nCapabilityBoundingSet=CAP_SYS_ADMIN',
      'CapabilityBoundingSet=CAP_KILL\nCapabilityBoundingSet=~',
      'CapabilityBoundingSet=CAP_KILL\nCapabilityBoundingSet=~CAP_BOGUS',
      'CapabilityBoundingSet=CAP_KILL "CAP_SYS_ADMIN\nCapabilityBoundingSet=CAP_SYS_ADMIN'
    ]
  },
  CAP_KILL: {
    good: [
      'CapabilityBoundingSet=CAP_KILL\nCapabilityBoundingSet=~CAP_KILL\nCapabilityBoundingSet=CAP_SYS_ADMIN',
      'CapabilityBoundingSet=~CAP_KILL\nCapabilityBoundingSet=CAP_KILL\nCapabilityBoundingSet=CAP_SYS_ADMIN',
      'CapabilityBoundingSet=63'
    ],
    bad: [
      'CapabilityBoundingSet=CAP_CHOWN\nCapabilityBoundingSet=CAP_KILL',
      'CapabilityBoundingSet=5',
      'CapabilityBoundingSet=CAP_KILL "CAP_SYS_ADMIN'
    ]
  },
  CAP_SYS_TIME: {
    good: ['ProtectClock=yes'],
    bad: ['CapabilityBoundingSet=CAP_SYS_TIME\nCapabilityBoundingSet=25']
  },
  CAP_WAKE_ALARM: { good: ['ProtectClock=yes'] },
  CAP_SYS_RAWIO: { good: ['PrivateDevices=yes'], bad: ['ProtectKernelModules=yes'] },
  CAP_MKNOD: { good: ['PrivateDevices=yes'] },
  CAP_SYS_MODULE: { good: ['ProtectKernelModules=yes'], bad: ['PrivateDevices=yes'] },
  CAP_SYSLOG: { good: ['ProtectKernelLogs=yes'], bad: ['ProtectKernelLogs=no'] },
  CAP_SET_UID_GID_PCAP: {
    good: ['CapabilityBoundingSet=~CAP_SETUID\nCapabilityBoundingSet=~CAP_SETGID CAP_SETPCAP'],
    bad: ['CapabilityBoundingSet=~CAP_SETUID CAP_SETGID']
  },
  CAP_BPF: { bad: ['CapabilityBoundingSet=39'] },
  CAP_CHOWN_FSETID_SETFCAP: { bad: ['CapabilityBoundingSet=0b-0', 'CapabilityBoundingSet=-0'] }
}

function capabilityExamples(): Record<string, CheckExamples> {
  const rows: Record<string, CheckExamples> = {}
  for (const [suffix, caps] of Object.entries(CAPABILITY_GROUPS)) {
    const extra = CAPABILITY_EXTRAS[suffix] ?? {}
    rows[`CapabilityBoundingSet_${suffix}`] = {
      good: [
        `CapabilityBoundingSet=~${caps}`,
        'CapabilityBoundingSet=CAP_BOGUS',
        ...(extra.good ?? [])
      ],
      bad: ['', `CapabilityBoundingSet=${caps.split(' ').at(-1)}`, ...(extra.bad ?? [])]
    }
  }
  return rows
}

/** The boolean rows: X=yes good, unset and X=no bad, plus spellings. */
function booleanExamples(key: string, extra: Partial<CheckExamples> = {}): CheckExamples {
  return {
    good: [
      `${key}=yes`,
      `${key}=TRUE`,
      `${key}=on`,
      `${key}=1`,
      `${key}=yes\n${key}=`,
      ...(extra.good ?? [])
    ],
    bad: ['', `${key}=no`, `${key}="yes"`, `${key}=yes\n${key}=off`, ...(extra.bad ?? [])],
    na: extra.na
  }
}

const NAMESPACES = ['user', 'mnt', 'ipc', 'pid', 'cgroup', 'net', 'uts'] as const

function namespaceExamples(type: (typeof NAMESPACES)[number]): CheckExamples {
  const other = type === 'uts' ? 'ipc' : 'uts'
  const good: Example[] = [
    'RestrictNamespaces=yes',
    `RestrictNamespaces=~${type}`,
    `RestrictNamespaces=${other}`,
    'RestrictNamespaces=time',
    `RestrictNamespaces=yes\nRestrictNamespaces=${other}`,
    `RestrictNamespaces=~${other}\nRestrictNamespaces=~${type}`,
    `RestrictNamespaces=${type}\nRestrictNamespaces=\nRestrictNamespaces=${other}`,
    `RestrictNamespaces=yes\nRestrictNamespaces=${type} bogus`,
    `RestrictNamespaces=no\nRestrictNamespaces=~${type}`
  ]
  const bad: Example[] = [
    '',
    'RestrictNamespaces=no',
    `RestrictNamespaces=${type}`,
    'RestrictNamespaces=~time',
    'RestrictNamespaces=~',
    'RestrictNamespaces=~yes',
    `RestrictNamespaces=yes\nRestrictNamespaces=${type}`,
    `RestrictNamespaces=no\nRestrictNamespaces=${type}`,
    `RestrictNamespaces=~${type}\nRestrictNamespaces=${type}\nRestrictNamespaces=${other}`,
    `RestrictNamespaces=${other}\nRestrictNamespaces=\nRestrictNamespaces=${type}`,
    `RestrictNamespaces=${type}\nRestrictNamespaces=~${type} bogus`,
    `RestrictNamespaces=~${type.toUpperCase()}`
  ]
  return { good, bad }
}

/** One group per SystemCallFilter row, with a member that exists on x86-64. */
const SYSCALL_ROWS: Record<string, { group: string; member: string }> = {
  SystemCallFilter_swap: { group: '@swap', member: 'swapon' },
  SystemCallFilter_obsolete: { group: '@obsolete', member: 'uselib' },
  SystemCallFilter_clock: { group: '@clock', member: 'settimeofday' },
  SystemCallFilter_cpu_emulation: { group: '@cpu-emulation', member: 'modify_ldt' },
  SystemCallFilter_debug: { group: '@debug', member: 'ptrace' },
  SystemCallFilter_mount: { group: '@mount', member: 'open_tree' },
  SystemCallFilter_module: { group: '@module', member: 'init_module' },
  SystemCallFilter_raw_io: { group: '@raw-io', member: 'iopl' },
  SystemCallFilter_reboot: { group: '@reboot', member: 'reboot' },
  SystemCallFilter_privileged: { group: '@privileged', member: 'setuid' },
  SystemCallFilter_resources: { group: '@resources', member: 'setrlimit' }
}

const HARDENED_FILTER = 'SystemCallFilter=@system-service\nSystemCallFilter=~@privileged @resources'

/** Extra cases for some SystemCallFilter rows. */
const SYSCALL_EXTRAS: Record<string, Partial<CheckExamples>> = {
  SystemCallFilter_swap: {
    good: [
      'SystemCallFilter=~swapon:EPERM swapoff:EPERM',
      'SystemCallFilter=~swapon:eperm swapoff:0x10',
      'SystemCallFilter=@default swapon\nSystemCallFilter=~swapon:EPERM',
      'SystemCallFilter=swapon:EPERM',
      'SystemCallFilter=~swapon:0b+1 swapoff:-0'
    ],
    bad: [
      { code: 'SystemCallFilter=~swapon:EPERM', badness: 10 },
      { code: 'SystemCallFilter=~swapon:kill swapoff:KILL', badness: 10 },
      { code: 'SystemCallFilter=~@clock ~@swap', badness: 10 },
      { code: 'SystemCallFilter=~swapon:+0b1 swapoff:0b1', badness: 10 }
    ]
  },
  SystemCallFilter_clock: {
    good: [
      'SystemCallFilter=~clock_adjtime clock_settime settimeofday adjtimex',
      'SystemCallFilter=~@clock ~@debug'
    ]
  },
  SystemCallFilter_debug: { bad: [{ code: 'SystemCallFilter=~@clock ~@debug', badness: 10 }] },
  SystemCallFilter_resources: {
    good: ['SystemCallFilter=@default nice', `${HARDENED_FILTER}\nSystemCallFilter=nice`],
    bad: [{ code: `${HARDENED_FILTER}\nSystemCallFilter=setpriority`, badness: 9 }]
  },
  SystemCallFilter_privileged: {
    bad: [{ code: 'SystemCallFilter=~@privileged\nSystemCallFilter=@chown', badness: 10 }]
  },
  SystemCallFilter_mount: { good: ['SystemCallFilter=~@mount\nSystemCallFilter=open_tree_attr'] }
}

function syscallExamples(id: string): CheckExamples {
  const { group, member } = SYSCALL_ROWS[id]!
  const extra = SYSCALL_EXTRAS[id] ?? {}
  const inSystemService = group === '@privileged' || group === '@resources'
  // The fix starts a new allow-list only when there is no filter yet; on an existing filter it just
  // takes @privileged and @resources away, which covers only the groups inside those two.
  const coveredByFix = [
    '@swap',
    '@clock',
    '@module',
    '@raw-io',
    '@reboot',
    '@privileged',
    '@resources'
  ]
  const fixFails = coveredByFix.includes(group)
    ? undefined
    : `on an existing filter the fix only takes @privileged and @resources away; ${group} stays`
  const good: Example[] = [
    `SystemCallFilter=~${group}`,
    `SystemCallFilter=~${group}:EPERM`,
    HARDENED_FILTER,
    'SystemCallFilter=@default',
    ...(extra.good ?? [])
  ]
  const bad: Example[] = [
    { code: '', badness: 10 },
    { code: 'SystemCallFilter=@known', badness: 9, fixFails },
    { code: `SystemCallFilter=~${group}\nSystemCallFilter=${member}`, badness: 10, fixFails },
    { code: `SystemCallFilter=@default ${member}`, badness: 9, fixFails },
    { code: `SystemCallFilter=~${member}:bogus`, badness: 10, fixFails },
    { code: `SystemCallFilter=~"${group}"`, badness: 10, fixFails },
    { code: `SystemCallFilter=~${group}\nSystemCallFilter=`, badness: 10 },
    ...(extra.bad ?? []).map((c) =>
      typeof c === 'string' ? { code: c, fixFails } : { fixFails, ...c }
    )
  ]
  if (inSystemService) bad.push({ code: 'SystemCallFilter=@system-service', badness: 9 })
  else good.push('SystemCallFilter=@system-service')
  return { good, bad }
}

/** The examples, by check id. */
export const CHECK_EXAMPLES: Record<string, CheckExamples> = {
  UserOrDynamicUser: {
    good: [
      '',
      { code: 'DynamicUser=yes', base: ROOT_BASE },
      { code: 'User=65534', base: ROOT_BASE },
      { code: 'User=Nobody', base: ROOT_BASE },
      { code: 'User=foo bar', base: ROOT_BASE },
      { code: 'DynamicUser=yes', base: ROOT_BASE, name: 'rootd.service' },
      { code: 'DynamicUser=yes', base: ROOT_BASE, name: 'root-x.service' },
      { code: 'DynamicUser=yes', base: ROOT_BASE, name: '0.service' }
    ],
    bad: [
      { code: '', base: ROOT_BASE },
      { code: 'User=root', fixFails: 'DynamicUser=yes keeps an explicit User=root' },
      { code: 'User=0', fixFails: 'DynamicUser=yes keeps an explicit User=0' },
      'User=',
      {
        code: 'User=nobody',
        badness: 9,
        fixFails: 'DynamicUser=yes keeps an explicit User=nobody'
      },
      {
        code: 'DynamicUser=yes\nUser=nobody',
        badness: 9,
        fixFails: 'DynamicUser=yes keeps an explicit User=nobody'
      },
      {
        code: 'DynamicUser=yes\nUser=root',
        fixFails: 'DynamicUser=yes keeps an explicit User=root'
      },
      {
        code: 'DynamicUser=yes',
        base: ROOT_BASE,
        name: 'root.service',
        fixFails: 'a dynamic user of root.service is named root'
      },
      {
        code: 'DynamicUser=yes',
        base: ROOT_BASE,
        name: 'root@web.service',
        fixFails: 'a dynamic user of root@.service is named root'
      },
      {
        code: 'DynamicUser=yes',
        base: ROOT_BASE,
        name: 'nobody.service',
        badness: 9,
        fixFails: 'a dynamic user of nobody.service is named nobody'
      },
      {
        code: 'DynamicUser=yes',
        base: ROOT_BASE,
        name: 'nobody@web.service',
        badness: 9,
        fixFails: 'a dynamic user of nobody@.service is named nobody'
      }
    ]
  },
  SupplementaryGroups: {
    good: ['', 'SupplementaryGroups=wheel\nSupplementaryGroups='],
    bad: ['SupplementaryGroups=wheel', 'SupplementaryGroups=wheel adm\nSupplementaryGroups=video'],
    na: [
      { code: 'SupplementaryGroups=wheel', base: ROOT_BASE },
      'User=root\nSupplementaryGroups=wheel',
      'User=0\nSupplementaryGroups=wheel',
      'DynamicUser=yes\nUser=root\nSupplementaryGroups=wheel',
      {
        code: 'DynamicUser=yes\nSupplementaryGroups=wheel',
        base: ROOT_BASE,
        name: 'root.service'
      }
    ]
  },
  PrivateDevices: booleanExamples('PrivateDevices'),
  PrivateMounts: booleanExamples('PrivateMounts', {
    bad: ['ProtectSystem=full\nPrivateTmp=yes\nProtectHome=yes', 'DynamicUser=yes']
  }),
  PrivateNetwork: booleanExamples('PrivateNetwork'),
  PrivateTmp: booleanExamples('PrivateTmp', {
    good: ['DynamicUser=yes', 'DynamicUser=yes\nPrivateTmp=no'],
    bad: ['PrivateTmp=disconnected'],
    na: [DD_NO, `PrivateTmp=yes\n${DD_NO}`]
  }),
  PrivateUsers: booleanExamples('PrivateUsers', { bad: ['PrivateUsers=self'] }),
  ProtectControlGroups: booleanExamples('ProtectControlGroups', {
    bad: ['ProtectControlGroups=strict']
  }),
  ProtectKernelModules: booleanExamples('ProtectKernelModules'),
  ProtectKernelTunables: booleanExamples('ProtectKernelTunables'),
  ProtectKernelLogs: booleanExamples('ProtectKernelLogs'),
  ProtectClock: booleanExamples('ProtectClock'),
  ProtectHome: {
    good: [
      'ProtectHome=yes',
      'ProtectHome=On',
      'ProtectHome=yes\nProtectHome=',
      'ProtectHome=yes\nProtectHome=Read-Only',
      'DynamicUser=yes\nProtectHome=true'
    ],
    bad: [
      { code: '', badness: 10 },
      { code: 'ProtectHome=no', badness: 10 },
      { code: 'ProtectHome=tmpfs', badness: 1 },
      { code: 'ProtectHome=read-only', badness: 5 },
      { code: 'ProtectHome=TMPFS', badness: 10 },
      { code: 'DynamicUser=yes', badness: 5 },
      { code: 'DynamicUser=yes\nProtectHome=no', badness: 5 },
      { code: 'DynamicUser=yes\nProtectHome=tmpfs', badness: 1 }
    ],
    na: [DD_NO, `ProtectHome=no\n${DD_NO}`]
  },
  ProtectHostname: booleanExamples('ProtectHostname', { bad: ['ProtectHostname=private'] }),
  ProtectSystem: {
    good: [
      'ProtectSystem=strict',
      'DynamicUser=yes',
      'DynamicUser=yes\nProtectSystem=no',
      'DynamicUser=yes\nProtectSystem=full',
      'ProtectSystem=strict\nProtectSystem=',
      'ProtectSystem=strict\nProtectSystem=STRICT'
    ],
    bad: [
      { code: '', badness: 10 },
      { code: 'ProtectSystem=full', badness: 3 },
      { code: 'ProtectSystem=yes', badness: 5 },
      { code: 'ProtectSystem=T', badness: 5 },
      { code: 'ProtectSystem=STRICT', badness: 10 },
      { code: 'ProtectSystem=strict\nProtectSystem=off', badness: 10 }
    ],
    na: [DD_NO, `ProtectSystem=full\n${DD_NO}`]
  },
  RootDirectoryOrRootImage: {
    good: [
      'RootDirectory=/srv',
      'RootImage=/srv/image.raw',
      'RootDirectory=/\nRootImage=/srv/image.raw',
      'RootDirectory=/srv//x/.'
    ],
    bad: [
      '',
      'RootDirectory=/',
      'RootDirectory=//',
      'RootDirectory=/.',
      'RootImage=/',
      'RootDirectory=/srv\nRootDirectory='
    ],
    na: [DD_NO, `RootDirectory=/srv\n${DD_NO}`]
  },
  LockPersonality: booleanExamples('LockPersonality'),
  MemoryDenyWriteExecute: booleanExamples('MemoryDenyWriteExecute'),
  NoNewPrivileges: booleanExamples('NoNewPrivileges', {
    good: ['DynamicUser=yes', 'DynamicUser=yes\nNoNewPrivileges=no'],
    bad: [
      'SystemCallFilter=@system-service',
      'RestrictNamespaces=yes\nMemoryDenyWriteExecute=yes\nPrivateDevices=yes\nLockPersonality=yes'
    ]
  }),
  ...capabilityExamples(),
  UMask: {
    good: ['UMask=0077', 'UMask=77', 'UMask=0777', 'UMask=0067', 'UMask=0077\nUMask=0o022'],
    bad: [
      { code: '', badness: 5 },
      { code: 'UMask=0022', badness: 5 },
      { code: 'UMask=0000', badness: 10 },
      { code: 'UMask=0005', badness: 10 },
      { code: 'UMask=0002', badness: 5 },
      { code: 'UMask=0006', badness: 2 },
      { code: 'UMask=7', badness: 2 },
      { code: 'UMask=0047', badness: 2 },
      { code: 'UMask=0027', badness: 1 },
      { code: 'UMask=0026', badness: 1 },
      { code: 'UMask=0o077', badness: 5 },
      { code: 'UMask=10000', badness: 5 }
    ]
  },
  KeyringMode: {
    good: ['', 'KeyringMode=private', 'KeyringMode=private\nKeyringMode=SHARED'],
    bad: ['KeyringMode=shared', 'KeyringMode=inherit', 'KeyringMode=shared\nKeyringMode=PRIVATE']
  },
  ProtectProc: {
    good: [
      'ProtectProc=invisible',
      'ProtectProc=ptraceable',
      'ProtectProc=invisible\nProtectProc=Default'
    ],
    bad: [
      { code: '', badness: 3 },
      { code: 'ProtectProc=default', badness: 3 },
      { code: 'ProtectProc=noaccess', badness: 1 },
      { code: 'ProtectProc=Invisible', badness: 3 }
    ]
  },
  ProcSubset: {
    good: ['ProcSubset=pid'],
    bad: ['', 'ProcSubset=all', 'ProcSubset=PID']
  },
  NotifyAccess: {
    good: [
      '',
      'NotifyAccess=main',
      'NotifyAccess=none',
      'NotifyAccess=exec',
      'Type=notify',
      'NotifyAccess=all\nNotifyAccess=exec'
    ],
    bad: ['NotifyAccess=all', 'NotifyAccess=all\nNotifyAccess=ALL', 'Type=notify\nNotifyAccess=all']
  },
  RemoveIPC: {
    good: ['RemoveIPC=yes', 'DynamicUser=yes', 'DynamicUser=yes\nRemoveIPC=no'],
    bad: ['', 'RemoveIPC=no', 'RemoveIPC=yes\nRemoveIPC=0'],
    na: [
      { code: 'RemoveIPC=yes', base: ROOT_BASE },
      { code: '', base: ROOT_BASE },
      'User=root',
      'DynamicUser=yes\nUser=0',
      { code: 'DynamicUser=yes', base: ROOT_BASE, name: 'root.service' }
    ]
  },
  Delegate: {
    good: ['', 'Delegate=no', 'Delegate=yes\nDelegate=false', 'Delegate=no\nDelegate="cpu'],
    bad: [
      'Delegate=yes',
      'Delegate=cpu',
      'Delegate=cpu memory',
      'Delegate=',
      'Delegate=bogus-controller'
    ]
  },
  RestrictRealtime: booleanExamples('RestrictRealtime'),
  RestrictSUIDSGID: booleanExamples('RestrictSUIDSGID', {
    good: ['DynamicUser=yes', 'DynamicUser=yes\nRestrictSUIDSGID=no']
  }),
  ...Object.fromEntries(
    NAMESPACES.map((type) => [`RestrictNamespaces_${type}`, namespaceExamples(type)])
  ),
  RestrictAddressFamilies_AF_INET_INET6: {
    good: [
      'RestrictAddressFamilies=~AF_INET',
      'RestrictAddressFamilies=~AF_INET6',
      'RestrictAddressFamilies=none',
      'RestrictAddressFamilies=AF_UNIX',
      'RestrictAddressFamilies=AF_BOGUS',
      'RestrictAddressFamilies="AF_UNIX AF_INET"',
      'RestrictAddressFamilies=AF_UNIX AF_INET\nRestrictAddressFamilies=~AF_INET AF_INET6'
    ],
    bad: [
      { code: '', fixFails: 'the fix allows AF_INET and AF_INET6' },
      { code: 'RestrictAddressFamilies=AF_INET', fixFails: 'the fix allows AF_INET and AF_INET6' },
      { code: 'RestrictAddressFamilies=af_inet6', fixFails: 'the fix allows AF_INET and AF_INET6' },
      { code: 'RestrictAddressFamilies=~none', fixFails: 'the fix allows AF_INET and AF_INET6' },
      {
        code: 'RestrictAddressFamilies=none\nRestrictAddressFamilies=~AF_UNIX',
        fixFails: 'the fix allows AF_INET and AF_INET6'
      },
      {
        code: 'RestrictAddressFamilies=~AF_INET\nRestrictAddressFamilies=',
        fixFails: 'the fix allows AF_INET and AF_INET6'
      }
    ]
  },
  RestrictAddressFamilies_AF_UNIX: {
    good: [
      'RestrictAddressFamilies=AF_INET',
      'RestrictAddressFamilies=~AF_LOCAL',
      'RestrictAddressFamilies=none',
      'RestrictAddressFamilies=AF_UNIX\nRestrictAddressFamilies=~AF_UNIX'
    ],
    bad: [
      { code: '', fixFails: 'the fix allows AF_UNIX' },
      { code: 'RestrictAddressFamilies=AF_FILE', fixFails: 'the fix allows AF_UNIX' },
      { code: 'RestrictAddressFamilies=~AF_INET', fixFails: 'the fix allows AF_UNIX' }
    ]
  },
  RestrictAddressFamilies_AF_NETLINK: {
    good: [
      'RestrictAddressFamilies=AF_UNIX',
      'RestrictAddressFamilies=~AF_ROUTE',
      'RestrictAddressFamilies=AF_BOGUS'
    ],
    bad: [
      '',
      {
        code: 'RestrictAddressFamilies=AF_ROUTE',
        fixFails: 'the fix adds to an allow-list that already allows AF_NETLINK'
      },
      {
        code: 'RestrictAddressFamilies=~AF_PACKET',
        fixFails: 'on a deny-list the fix removes entries instead of restricting more'
      }
    ]
  },
  RestrictAddressFamilies_AF_PACKET: {
    good: ['RestrictAddressFamilies=~AF_PACKET', 'RestrictAddressFamilies=AF_UNIX AF_NETLINK'],
    bad: [
      '',
      {
        code: 'RestrictAddressFamilies=AF_PACKET',
        fixFails: 'the fix adds to an allow-list that already allows AF_PACKET'
      }
    ]
  },
  RestrictAddressFamilies_OTHER: {
    good: [
      'RestrictAddressFamilies=AF_UNIX AF_LOCAL AF_NETLINK',
      'RestrictAddressFamilies=~AF_BLUETOOTH',
      'RestrictAddressFamilies=AF_INET AF_INET6 AF_PACKET AF_ROUTE'
    ],
    bad: [
      '',
      {
        code: 'RestrictAddressFamilies=AF_UNIX AF_BLUETOOTH',
        fixFails: 'the fix adds to an allow-list that already allows AF_BLUETOOTH'
      },
      {
        code: 'RestrictAddressFamilies=~AF_INET AF_UNIX',
        fixFails: 'on a deny-list the fix removes entries instead of restricting more'
      }
    ]
  },
  SystemCallArchitectures: {
    good: [
      'SystemCallArchitectures=native',
      'SystemCallArchitectures=native native',
      'SystemCallArchitectures=native bogus'
    ],
    bad: [
      { code: '', badness: 10 },
      {
        code: 'SystemCallArchitectures=x86-64',
        badness: 8,
        fixFails: 'the fix adds native to the set'
      },
      {
        code: 'SystemCallArchitectures=native x86',
        badness: 8,
        fixFails: 'the fix adds native to the set'
      },
      {
        code: 'SystemCallArchitectures=native\nSystemCallArchitectures=x86',
        badness: 8,
        fixFails: 'the fix adds native to the set'
      },
      { code: 'SystemCallArchitectures=NATIVE', badness: 10 },
      { code: 'SystemCallArchitectures=bogus', badness: 10 },
      { code: 'SystemCallArchitectures=native\nSystemCallArchitectures=', badness: 10 }
    ]
  },
  ...Object.fromEntries(Object.keys(SYSCALL_ROWS).map((id) => [id, syscallExamples(id)])),
  IPAddressDeny: {
    good: [
      'IPAddressDeny=any',
      'IPAddressDeny=0.0.0.0/0 ::/0',
      'IPAddressDeny=1.2.3.4/0 ::5/0',
      'IPAddressDeny=0.0.0.0/0\nIPAddressDeny=::/0',
      'IPAddressDeny=any\nIPAddressAllow=localhost\nIPAddressAllow=',
      'IPIngressFilterPath=/sys/fs/bpf/ingress',
      'IPEgressFilterPath=/sys/fs/bpf/egress\nIPAddressAllow=10.0.0.0/8',
      // prefix lengths are C integers (safe_atou8): 08 is not one, +0 is
      'IPAddressDeny=any\nIPAddressAllow=127.0.0.1/08',
      'IPAddressDeny=0.0.0.0/+0 ::/0x0'
    ],
    bad: [
      { code: '', badness: 10 },
      { code: 'IPAddressDeny=0.0.0.0/0', badness: 10 },
      { code: 'IPAddressDeny="any"', badness: 10 },
      { code: 'IPAddressDeny=ANY', badness: 10 },
      { code: 'IPAddressDeny=any\nIPAddressDeny=', badness: 10 },
      { code: 'IPIngressFilterPath=relative\nIPAddressDeny=::/0', badness: 10 },
      ...[
        ['localhost', 2],
        ['LOCALHOST', 2],
        ['foo.localhost.', 2],
        ['127.0.0.1', 2],
        ['127.0.0.0/8', 2],
        ['::1/128', 2],
        ['127.0.0.1/7', 5],
        ['::1/127', 5],
        ['::ffff:127.0.0.1', 5],
        ['10.0.0.0/8', 5],
        ['link-local', 5],
        ['localhost 192.168.1.1', 5],
        ['127.0.0.1/0x8', 2],
        ['::1/0200', 2],
        ['127.0.0.1/0b+1000', 2],
        ['127.0.0.1/-0', 5]
      ].map(([allow, badness]) => ({
        code: `IPAddressDeny=any\nIPAddressAllow=${allow}`,
        badness: badness as number,
        fixFails: 'the fix does not clear IPAddressAllow='
      }))
    ]
  },
  DeviceAllow: {
    good: [
      'DevicePolicy=closed',
      'DevicePolicy=strict',
      'PrivateDevices=yes',
      'DevicePolicy=strict\nDeviceAllow=/dev/null rw\nDeviceAllow=',
      'DevicePolicy=closed\nDeviceAllow=/srv/x rw',
      'DevicePolicy=closed\nDeviceAllow=/dev/null rwx',
      'DevicePolicy=closed\nDevicePolicy=',
      'DevicePolicy=closed\nMountImages=rel.raw:/mnt /a.raw',
      'DevicePolicy=closed\nLoadCredential=foo:/x',
      // encrypted data must be strict Base64 (unbase64mem)
      ...[
        'abc',
        'YWI',
        'YQ=',
        'YR==',
        'YWK=',
        'YQ==YQ==',
        'Y=Q=',
        '====',
        'YWJj Y',
        'YWJ-',
        'YWJj\\x41'
      ].map((data) => `DevicePolicy=closed\nSetCredentialEncrypted=foo:${data}`),
      'DevicePolicy=closed\nSetCredential=foo:abc\nSetCredentialEncrypted=bar:abc',
      // the source is the rest of the line, specifiers expanded
      'DevicePolicy=closed\nLoadCredentialEncrypted=foo:x /y/..',
      'DevicePolicy=closed\nLoadCredentialEncrypted=foo:%Z',
      'DevicePolicy=closed\nLoadCredentialEncrypted=%Z:/x',
      'DevicePolicy=closed\nLoadCredentialEncrypted=fo\\:o:/x',
      'DevicePolicy=closed\nLoadCredentialEncrypted=foo:/x\nLoadCredential=foo:/y',
      'DevicePolicy=closed\nLoadCredentialEncrypted=foo:/x\nLoadCredential='
    ],
    bad: [
      { code: '', badness: 10 },
      {
        code: 'DeviceAllow=/dev/null rw',
        badness: 10,
        fixFails: 'under a closed policy the DeviceAllow= entry scores 5'
      },
      {
        code: 'ProtectClock=yes',
        badness: 10,
        fixFails: 'under a closed policy ProtectClock=yes adds char-rtc, which scores 5'
      },
      { code: 'DevicePolicy=Closed', badness: 10 },
      ...[
        'PrivateDevices=yes\nProtectClock=yes',
        'DevicePolicy=strict\nProtectClock=yes',
        'DevicePolicy=closed\nDeviceAllow=/dev/null rw',
        'PrivateDevices=yes\nDeviceAllow=/dev//null',
        'DevicePolicy=strict\nDeviceAllow=char-bogus',
        'DevicePolicy=closed\nRootImage=/',
        'DevicePolicy=closed\nMountImages=/a.raw:/mnt',
        'DevicePolicy=closed\nLoadCredentialEncrypted=foo:/x',
        'DevicePolicy=closed\nSetCredentialEncrypted=foo:YWJj',
        'DevicePolicy=closed\nSetCredentialEncrypted=foo:YQ==',
        'DevicePolicy=closed\nSetCredentialEncrypted=foo:YWJjYQ= =',
        'DevicePolicy=closed\nSetCredentialEncrypted=foo:Y W\tJ j',
        'DevicePolicy=closed\nSetCredentialEncrypted=foo bar:YWJj',
        'DevicePolicy=closed\nSetCredentialEncrypted="foo:YWJj',
        'DevicePolicy=closed\nSetCredentialEncrypted=foo:YWJj\nSetCredential=foo:\\xzz',
        'DevicePolicy=closed\nLoadCredentialEncrypted="foo:/x',
        'DevicePolicy=closed\nLoadCredentialEncrypted=foo:%t/x',
        'DevicePolicy=closed\nLoadCredentialEncrypted=foo',
        'DevicePolicy=closed\nLoadCredentialEncrypted=foo:relative'
      ].map((code) => ({
        code,
        badness: 5,
        fixFails: 'a device list (or an implied entry) remains under any policy'
      }))
    ]
  },
  AmbientCapabilities: {
    good: [
      '',
      'AmbientCapabilities=CAP_KILL\nAmbientCapabilities=~CAP_KILL',
      'AmbientCapabilities=CAP_BOGUS'
    ],
    bad: [
      'AmbientCapabilities=CAP_NET_BIND_SERVICE',
      'AmbientCapabilities=~CAP_KILL',
      'AmbientCapabilities=12',
      'AmbientCapabilities=CAP_KILL\nAmbientCapabilities=~CAP_SYS_ADMIN'
    ]
  }
}
