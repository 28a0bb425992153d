/**
 * fast-check arbitrary for differential tests against the systemd-analyze oracle: varied service units
 * with random mixtures of every directive the security scoring reads, valid and invalid spellings,
 * repeats, 0-3 drop-ins, CRLF files, continuation lines and the odd non-UTF-8 comment.
 *
 * Names: `unitArbitrary(prefix)` names its values `${prefix}-${n}.service` (about 10% are template
 * instances `${prefix}-${n}@inst.service` with the file `${prefix}-${n}@.service`), where n comes from a
 * counter owned by that arbitrary instance. So every value one instance produces (including shrink
 * candidates) has a unique name; give two instances used in the same oracle run different prefixes.
 * With a fixed seed, a fresh instance produces the same names and contents again.
 *
 * Most units load (94-97% of 300-unit samples on systemd 252); the rest fail on purpose through a rare
 * fatal value in the unit file (DynamicUser=maybe, User=00, SupplementaryGroups=bad:grp,
 * RootDirectory=relative, a quoted or commented DynamicUser=/RootImage=, a missing or duplicate
 * ExecStart=).
 */
import fc from 'fast-check'
import type { OracleUnit } from './oracle.js'

type Arb<T> = fc.Arbitrary<T>

/** arb in `percent`% of the values, else undefined */
function sometimes<T>(arb: Arb<T>, percent: number): Arb<T | undefined> {
  return fc.oneof(
    { weight: 100 - percent, arbitrary: fc.constant(undefined) },
    { weight: percent, arbitrary: arb }
  )
}

/** weighted choice among constants */
function pick(...choices: [number, string | string[]][]): Arb<string> {
  return fc.oneof(
    ...choices.map(([weight, v]) => ({
      weight,
      arbitrary: Array.isArray(v) ? fc.constantFrom(...v) : fc.constant(v)
    }))
  )
}

function caseVariants(word: string): string[] {
  return [word, word.toUpperCase(), word.charAt(0).toUpperCase() + word.slice(1)]
}

const TRUE_WORDS = ['yes', 'true', 'on', '1', 'y', 't']
const FALSE_WORDS = ['no', 'false', 'off', '0', 'n', 'f']

const boolArb: Arb<string> = pick(
  [40, TRUE_WORDS],
  [10, TRUE_WORDS.flatMap(caseVariants)],
  [25, FALSE_WORDS],
  [5, FALSE_WORDS.flatMap(caseVariants)],
  [6, ['', 'maybe', '2', 'enabled', 'yes please']]
)

/** DynamicUser=: an invalid value is fatal in the unit file, so keep it rare */
const dynamicUserArb: Arb<string> = pick(
  [95, ['yes', 'no', 'true', 'YES', 'off', '1']],
  [3, ['maybe', '']]
)

const userArb: Arb<string> = pick(
  [
    60,
    ['svc', 'app-user', 'nobody', 'root', '0', '65534', '1000', 'www-data', 'foo bar', 'Daemon.1']
  ],
  [10, ['', '%u', '%p']],
  [2, ['--', '-a', '\u00a0a\u00a0']],
  [2, ['00', 'a:b', '-']]
)

const groupsArb: Arb<string> = pick(
  [60, ['wheel', 'adm audio', 'video', '1000 2000', 'systemd-journal']],
  [15, ''],
  [2, 'bad:grp']
)

const protectHomeArb = pick(
  [70, ['yes', 'no', 'true', 'read-only', 'tmpfs', 'y', 'off']],
  [10, ['Read-Only', 'TMPFS', '', 'bogus']]
)
const protectSystemArb = pick(
  [70, ['yes', 'no', 'full', 'strict', 'true', 'on']],
  [10, ['STRICT', 'Full', '', 'bogus']]
)
const rootDirArb = pick(
  [60, ['/', '/srv/root', '//', '/.', '/var/lib/jail', '/srv/./root/']],
  [15, ''],
  [2, ['relative', '/srv/../etc', '/../srv', '/./../']]
)
const rootImageArb = pick(
  [60, ['/var/lib/machines/img.raw', '/', '/srv/os.img']],
  [15, ['', '/../srv/os.img']]
)
/** RootMStack= (260): fatal when not an absolute path, unknown before */
const rootMStackArb = pick([60, ['/var/lib/foo.mstack', '/', '//srv/x']], [15, ''], [2, 'relative'])

/** boolean settings that took more values in newer versions: each version scores them its way */
const privateUsersArb = fc.oneof(
  { weight: 70, arbitrary: boolArb },
  {
    weight: 30,
    arbitrary: pick([10, ['self', 'identity', 'full', 'managed']], [2, ['Managed', 'SELF']])
  }
)
const privateTmpArb = fc.oneof(
  { weight: 80, arbitrary: boolArb },
  {
    weight: 20,
    arbitrary: pick([10, ['disconnected', 'connected']], [2, ['Disconnected', 'Connected']])
  }
)
const protectControlGroupsArb = fc.oneof(
  { weight: 80, arbitrary: boolArb },
  { weight: 20, arbitrary: pick([10, ['private', 'strict']], [2, 'Strict']) }
)
const protectHostnameArb = fc.oneof(
  { weight: 75, arbitrary: boolArb },
  { weight: 25, arbitrary: pick([10, ['private', 'yes:myhost', 'private:myhost']], [2, 'Private']) }
)
/** WorkingDirectory=: fatal when relative or with an unknown specifier (unless '-'); '~' is home */
const workingDirectoryArb = pick(
  [50, ['/srv/app', '-/srv/missing', '~', '-~', '/proc/sys', '/sys/kernel', '/dev/shm', '/procx']],
  [10, ['', '%D/app', '/var/lib/%p', '/../proc/sys', '/../srv/app']],
  [2, ['relative', '%Z']]
)
/** path lists that give the service a mount namespace */
const pathListArb = pick(
  [
    60,
    [
      '/srv',
      '-/srv/missing /var/lib/x',
      '+/opt',
      '/run/app:/mnt:rbind',
      '/tmp:mode=0700',
      '/../srv'
    ]
  ],
  [15, ['', 'relative', '%D']],
  // entries systemd skips in one list and not in another, or skipped whole only from 259
  // prettier-ignore
  [15, ['x:/y', '/a:x /b', '/q:/a/../b', '+-/x', '--/x', '"x:/y"', '/a\\y', '/a:/b:bogus', '/a::/y',
        '%t:%Z', '/a\\:b']]
)
const userNamespacePathArb = pick([10, ['/proc/1/ns/user', 'relative']], [3, ''])
const pamNameArb = pick([10, ['login', 'systemd-user', '%p', 'pam-%J']], [3, ['', '%Z']])

// The settings service_verify() reads. Valid bus names are the unit's own (%p): systemd refuses two
// units claiming one name in the same tree.
// prettier-ignore
const busNameArb = pick(
  [60, ['org.gen.%p', 'org.%p.Service', ':1.%p', 'org.gen.%p_2']],
  [30, ['', 'org.1x.%p', 'org%p', 'org..%p', 'org.%p.', 'org.%Z', '"org.q.%p"', 'org.%p x']]
)
const killModeArb = pick([10, ['control-group', 'mixed', 'process', 'none']], [2, ['', 'Mixed']])
const restartArb = pick(
  [10, ['no', 'always', 'on-success', 'on-failure', 'on-abnormal']],
  [2, ['', 'bogus']]
)
const restartForceArb = pick(
  [10, ['1', 'SIGTERM', '0 SIGKILL', 'TERM', 'NO_NEW_PRIVILEGES', 'KSM', 'RTMAX-3', '0x10']],
  [3, ['', 'abc', '256', 'SIGFOO', 'RTMIN+31', 'IOT', 'SIGterm']]
)
const exitTypeArb = pick([10, ['main', 'cgroup']], [2, ['', 'Cgroup']])
// settings that give a mount namespace (with WorkingDirectory=/proc/sys a refusal from 257)
const mountApiVfsArb = pick([10, ['yes', 'no']], [2, ['', 'bogus']])
const logNamespaceArb = pick([10, ['app', 'Foo-1.x']], [4, ['', 'a b', 'a/b', '%i', '.']])
const namespacePathArb = pick([10, ['/run/netns/app']], [4, ['', 'relative', '/a/../b', '%Z']])
const execDirectoryArb = pick(
  [10, ['app', 'app/sub', '%p', 'a:b', 'app::ro', 'a:b:ro']],
  [4, ['', 'private', 'private/x', '../y', '/abs', 'a\\y', ':app', 'app::RO', 'a:b:x:ro']]
)

// prettier-ignore
const CAPS = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL',
  'CAP_SETGID', 'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST', 'CAP_NET_ADMIN', 'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER',
  'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE', 'CAP_SYS_PACCT',
  'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE', 'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL',
  'CAP_SETFCAP', 'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG', 'CAP_WAKE_ALARM',
  'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE'
]

const capWordArb: Arb<string> = pick(
  [70, CAPS],
  [8, CAPS.map((c) => c.toLowerCase())],
  [
    8,
    [
      '21',
      '0x15',
      '025',
      '0o25',
      '0b10101',
      '+21',
      '63',
      '64',
      '08',
      '-1',
      '0',
      '39',
      '" 21"',
      '"21 "'
    ]
  ],
  [5, ['CAP_BOGUS', 'SYS_ADMIN', '"CAP_SYS_ADMIN CAP_KILL"', "'CAP_KILL'", 'CAP_"NET_RAW"']]
)

const capListArb: Arb<string> = fc.oneof(
  {
    weight: 85,
    arbitrary: fc
      .tuple(fc.boolean(), fc.array(capWordArb, { minLength: 1, maxLength: 5 }))
      .map(([invert, words]) => (invert ? '~' : '') + words.join(' '))
  },
  { weight: 10, arbitrary: fc.constant('') },
  { weight: 3, arbitrary: fc.constant('~') }
)

const umaskArb = pick(
  [70, ['0022', '0077', '077', '7', '0002', '0027', '0007', '0', '0277', '0757', '0070']],
  [10, ['999', '', '0o077', '+077', '10000', '0x1f']]
)
const keyringArb = pick([80, ['inherit', 'private', 'shared']], [8, ['PRIVATE', '', 'bogus']])
const protectProcArb = pick(
  [80, ['noaccess', 'invisible', 'ptraceable', 'default']],
  [8, ['Invisible', '', 'hidden']]
)
const procSubsetArb = pick([80, ['all', 'pid']], [8, ['PID', '', 'bogus']])
const notifyAccessArb = pick([80, ['none', 'main', 'exec', 'all']], [8, ['ALL', '', 'bogus']])
const delegateArb = pick(
  [60, ['yes', 'no', 'true', 'off']],
  [20, ['cpu memory', 'io', 'pids', 'bogus', '']],
  [3, 'cpu "io']
)

const NAMESPACES = ['cgroup', 'ipc', 'net', 'mnt', 'pid', 'user', 'uts', 'time']
const namespacesArb: Arb<string> = fc.oneof(
  { weight: 25, arbitrary: fc.constantFrom('yes', 'no', 'true', 'off', 'YES', '1') },
  {
    weight: 60,
    arbitrary: fc
      .tuple(fc.boolean(), fc.subarray(NAMESPACES, { minLength: 1 }), fc.nat(20))
      .map(
        ([invert, words, junk]) =>
          (invert ? '~' : '') + [...words, ...(junk === 0 ? ['bogus'] : [])].join(' ')
      )
  },
  { weight: 10, arbitrary: fc.constantFrom('', '~', '~yes', 'MNT') }
)

// prettier-ignore
const FAMILIES = [
  'AF_UNIX', 'AF_INET', 'AF_INET6', 'AF_NETLINK', 'AF_PACKET', 'AF_BLUETOOTH', 'AF_LOCAL', 'AF_ROUTE',
  'AF_FILE', 'AF_CAN', 'AF_VSOCK', 'AF_ALG', 'af_inet', 'af_unix'
]
const familyWordArb = pick(
  [90, FAMILIES],
  [5, ['AF_BOGUS', 'AF_UNSPEC', 'none', '"AF_UNIX AF_INET"']]
)
const familiesArb: Arb<string> = fc.oneof(
  {
    weight: 80,
    arbitrary: fc
      .tuple(fc.nat(2), fc.array(familyWordArb, { minLength: 1, maxLength: 5 }))
      .map(([invert, words]) => (invert === 0 ? '~' : '') + words.join(' '))
  },
  { weight: 15, arbitrary: fc.constantFrom('none', '', '~none') }
)

const archArb = pick(
  [60, ['native', 'x86-64', 'native x86', 'native native', 'x86', 'x32 native']],
  [15, ['NATIVE', '', 'bogus']]
)

// prettier-ignore
const SYSCALL_WORDS = [
  '@system-service', '@privileged', '@resources', '@mount', '@swap', '@clock', '@debug', '@module',
  '@raw-io', '@reboot', '@obsolete', '@cpu-emulation', '@known', '@default', '@basic-io', '@chown',
  'swapon', 'swapoff', 'ptrace', 'reboot', 'nice', 'setuid', 'chown', 'mount', 'clock_settime',
  'adjtimex', 'settimeofday', 'clock_adjtime', 'ioperm', 'iopl', 'init_module', 'kexec_load'
]
const syscallWordArb: Arb<string> = fc.oneof(
  { weight: 85, arbitrary: fc.constantFrom(...SYSCALL_WORDS) },
  {
    weight: 10,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...SYSCALL_WORDS),
        fc.constantFrom(':EPERM', ':eperm', ':1', ':kill', ':bogus')
      )
      .map(([w, e]) => w + e)
  },
  { weight: 5, arbitrary: fc.constantFrom('@bogus', 'bogus_call', '"@swap"', '~@debug') }
)
const syscallFilterArb: Arb<string> = fc.oneof(
  {
    weight: 90,
    arbitrary: fc
      .tuple(fc.nat(4), fc.array(syscallWordArb, { minLength: 1, maxLength: 4 }))
      .map(([invert, words]) => (invert < 2 ? '~' : '') + words.join(' '))
  },
  { weight: 8, arbitrary: fc.constant('') }
)

const ipDenyArb = pick(
  [
    70,
    ['any', '0.0.0.0/0 ::/0', '0.0.0.0/0', '::/0', 'localhost', '1.2.3.4/0 ::5/0', '10.0.0.0/8']
  ],
  [10, ['', '"any"', 'ANY']]
)
// prettier-ignore
const ipAllowArb = pick(
  [70, ['localhost', '127.0.0.1', '127.0.0.0/8', '::1', '::1/128', '10.0.0.0/8', 'link-local',
        'multicast', '127.0.0.1/7', 'localhost 192.168.1.0/24', '::ffff:127.0.0.1']],
  [10, ['', 'bogus', '127.1']]
)
const filterPathArb = pick(
  [70, ['/sys/fs/bpf/ingress', '/sys/fs/bpf/egress', '/../sys/fs/bpf/x']],
  [20, ['', 'relative/path']]
)
const devicePolicyArb = pick([80, ['auto', 'closed', 'strict']], [8, ['Closed', '', 'bogus']])
const deviceAllowArb = pick(
  [
    70,
    [
      '/dev/null rw',
      '/../dev/null rw',
      '/dev/zero r',
      'char-rtc r',
      'block-loop',
      '/dev/ttyS0 m',
      'char-bogus rw',
      '/dev/'
    ]
  ],
  [15, ['', '/dev/sda rwx', '/srv/x r', 'dev/null']]
)
const mountImagesArb = pick(
  [10, ['/img.raw:/mnt', 'rel.raw:/mnt', '-/opt/a.raw:/opt/a', '/img.raw::/mnt', '/dev/a:/dev/b']],
  [3, ['', '/proc/a.raw:/mnt', '/img.raw:/sys/x', ':/img.raw:/mnt']]
)
const extensionImagesArb = pick(
  [10, ['/srv/ext.raw', '-/srv/ext.raw:root:ro', ':/srv/ext.raw']],
  [3, ['', '/dev/ext.raw', '/proc/ext.raw', 'rel.raw']]
)
const credentialArb = pick([10, ['foo:/etc/foo', 'bar:relative']], [3, ''])
const importCredentialArb = pick(
  [10, ['app.*', '*', 'token:renamed']],
  [3, ['', 'a*b', 'x/y', '%Z']]
)
// settings no check reads whose bad values refuse the unit
const pidFileArb = pick(
  [10, ['/run/app.pid', 'app.pid', '/var/run/%p.pid', '/run/%J.pid']],
  [3, ['', '../x.pid', '/run/../x.pid', '/run/%Z.pid', `/run/${'p'.repeat(256)}`]]
)
const rootVerityArb = pick([10, ['/srv/os.verity', '']], [3, ['relative', '/a/../b', '%Z']])
const imagePolicyArb = pick(
  [10, ['root=verity+signed:usr=open', '*', '-', '~', '', '=ignore', 'root=verity:=absent']],
  [
    4,
    ['root', 'root=verity:root=signed', 'bogus=verity', 'root=bogus', 'root=verity:', 'root=a++b']
  ]
)
const securityLabelArb = pick(
  [10, ['unconfined', 'system_u:system_r:app_t', '%p']],
  [3, ['%Z', '-%Z', '']]
)

/** [key, value arbitrary, weight] for [Service] */
const SERVICE_DIRECTIVES: [string, Arb<string>, number][] = [
  ['User', userArb, 6],
  ['DynamicUser', dynamicUserArb, 5],
  ['SupplementaryGroups', groupsArb, 3],
  // prettier-ignore
  ...(
    [
      'PrivateDevices', 'PrivateMounts', 'PrivateNetwork', 'ProtectKernelModules',
      'ProtectKernelTunables', 'ProtectKernelLogs', 'ProtectClock', 'LockPersonality',
      'MemoryDenyWriteExecute', 'NoNewPrivileges', 'RestrictRealtime', 'RestrictSUIDSGID', 'RemoveIPC',
      'PrivatePIDs'
    ] as const
  ).map((k): [string, Arb<string>, number] => [k, boolArb, 3]),
  ['PrivateUsers', privateUsersArb, 3],
  ['PrivateTmp', privateTmpArb, 3],
  ['ProtectControlGroups', protectControlGroupsArb, 3],
  ['ProtectHostname', protectHostnameArb, 3],
  ['WorkingDirectory', workingDirectoryArb, 2],
  ['ReadOnlyPaths', pathListArb, 1],
  ['ReadWritePaths', pathListArb, 1],
  ['BindPaths', pathListArb, 1],
  ['TemporaryFileSystem', pathListArb, 1],
  ['UserNamespacePath', userNamespacePathArb, 1],
  ['PAMName', pamNameArb, 1],
  ['BusName', busNameArb, 1],
  ['KillMode', killModeArb, 1],
  ['Restart', restartArb, 1],
  ['RestartForceExitStatus', restartForceArb, 1],
  ['ExitType', exitTypeArb, 1],
  ['MountAPIVFS', mountApiVfsArb, 1],
  ['BindLogSockets', mountApiVfsArb, 1],
  ['LogNamespace', logNamespaceArb, 1],
  ['NetworkNamespacePath', namespacePathArb, 1],
  ['IPCNamespacePath', namespacePathArb, 1],
  ['RuntimeDirectory', execDirectoryArb, 1],
  ['StateDirectory', execDirectoryArb, 1],
  ['ConfigurationDirectory', execDirectoryArb, 1],
  ['RootMStack', rootMStackArb, 1],
  ['PIDFile', pidFileArb, 1],
  ['RootVerity', rootVerityArb, 1],
  ['RootImagePolicy', imagePolicyArb, 1],
  ['MountImagePolicy', imagePolicyArb, 1],
  ['ExtensionImagePolicy', imagePolicyArb, 1],
  ['SELinuxContext', securityLabelArb, 1],
  ['AppArmorProfile', securityLabelArb, 1],
  ['SmackProcessLabel', securityLabelArb, 1],
  ['ProtectHome', protectHomeArb, 4],
  ['ProtectSystem', protectSystemArb, 4],
  ['RootDirectory', rootDirArb, 2],
  ['RootImage', rootImageArb, 2],
  ['CapabilityBoundingSet', capListArb, 6],
  ['AmbientCapabilities', capListArb, 4],
  ['UMask', umaskArb, 3],
  ['KeyringMode', keyringArb, 3],
  ['ProtectProc', protectProcArb, 3],
  ['ProcSubset', procSubsetArb, 3],
  ['NotifyAccess', notifyAccessArb, 3],
  ['Delegate', delegateArb, 3],
  ['RestrictNamespaces', namespacesArb, 5],
  ['RestrictAddressFamilies', familiesArb, 5],
  ['SystemCallArchitectures', archArb, 4],
  ['SystemCallFilter', syscallFilterArb, 7],
  ['IPAddressDeny', ipDenyArb, 4],
  ['IPAddressAllow', ipAllowArb, 4],
  ['IPIngressFilterPath', filterPathArb, 1],
  ['IPEgressFilterPath', filterPathArb, 1],
  ['DevicePolicy', devicePolicyArb, 4],
  ['DeviceAllow', deviceAllowArb, 4],
  ['MountImages', mountImagesArb, 1],
  ['ExtensionImages', extensionImagesArb, 1],
  ['LoadCredentialEncrypted', credentialArb, 1],
  ['LoadCredential', credentialArb, 1],
  ['ImportCredential', importCredentialArb, 1],
  ['SetCredential', pick([10, ['token:x', 'a:b c']], [3, ['', 'token', 'token:']]), 1]
]

/** keys that are fatal in the unit file when invalid: never join them blindly with the next line */
const FATAL_KEYS = new Set([
  'User',
  'DynamicUser',
  'SupplementaryGroups',
  'RootDirectory',
  'RootImage',
  'RootMStack',
  'WorkingDirectory'
])

interface Assignment {
  key: string
  value: string
  /** 0 = unit file, 1..3 = drop-in */
  file: number
  /** how the line is written */
  style: 'plain' | 'spaced' | 'comment' | 'quoted' | 'padded'
}

const styleArb: Arb<Assignment['style']> = fc.oneof(
  { weight: 85, arbitrary: fc.constant('plain' as const) },
  { weight: 5, arbitrary: fc.constant('spaced' as const) },
  { weight: 4, arbitrary: fc.constant('comment' as const) },
  { weight: 3, arbitrary: fc.constant('quoted' as const) },
  { weight: 3, arbitrary: fc.constant('padded' as const) }
)

function assignmentArb(
  directives: [string, Arb<string>, number][],
  files: number
): Arb<Assignment> {
  return fc
    .tuple(
      fc.oneof(
        ...directives.map(([key, value, weight]) => ({
          weight,
          arbitrary: value.map((v) => [key, v] as const)
        }))
      ),
      fc.nat(files),
      styleArb
    )
    .map(([[key, value], file, style]) => ({ key, value, file, style }))
}

function renderAssignment(a: Assignment): string {
  switch (a.style) {
    case 'spaced':
      return `${a.key} = ${a.value}`
    case 'comment':
      return `${a.key}=${a.value} # set by generator`
    case 'quoted':
      return `${a.key}="${a.value}"`
    case 'padded':
      return `${a.key}=\t${a.value}  `
    default:
      return `${a.key}=${a.value}`
  }
}

/** typical hardening lines, so that low exposures get generated too */
// prettier-ignore
const HARDENING: [string, string][] = [
  ['NoNewPrivileges', 'yes'], ['PrivateTmp', 'yes'], ['PrivateDevices', 'yes'],
  ['PrivateNetwork', 'yes'], ['PrivateUsers', 'yes'], ['PrivateMounts', 'yes'],
  ['ProtectSystem', 'strict'], ['ProtectHome', 'yes'], ['ProtectKernelTunables', 'yes'],
  ['ProtectKernelModules', 'yes'], ['ProtectKernelLogs', 'yes'], ['ProtectControlGroups', 'yes'],
  ['ProtectClock', 'yes'], ['ProtectHostname', 'yes'], ['ProtectProc', 'invisible'],
  ['ProcSubset', 'pid'], ['LockPersonality', 'yes'], ['MemoryDenyWriteExecute', 'yes'],
  ['RestrictRealtime', 'yes'], ['RestrictSUIDSGID', 'yes'], ['RestrictNamespaces', 'yes'],
  ['RestrictAddressFamilies', 'AF_UNIX'], ['SystemCallArchitectures', 'native'],
  ['SystemCallFilter', '@system-service'], ['SystemCallFilter', '~@privileged @resources'],
  ['CapabilityBoundingSet', ''], ['AmbientCapabilities', ''], ['UMask', '0077'],
  ['IPAddressDeny', 'any'], ['DevicePolicy', 'closed'], ['DynamicUser', 'yes'], ['User', 'svc'],
  ['RemoveIPC', 'yes'], ['RootDirectory', '/srv/root'], ['KeyringMode', 'private']
]

const DROPIN_NAMES = [
  '00-base.conf',
  '10-a.conf',
  '20-b.conf',
  '9-c.conf',
  '50-harden.conf',
  'override.conf'
]

interface Spec {
  template: boolean
  /** template instances: drop-ins in the instance's (false) or the template's (true) directory */
  templateDropins: boolean
  defaultDependencies: string | undefined
  misplaced: Assignment | undefined
  type: string | undefined
  exec: readonly string[]
  dropinNames: string[]
  /** a block of hardening lines (before the random assignments), in the unit file or the first drop-in */
  hardening: Assignment[]
  assignments: Assignment[]
  crlf: boolean[]
  continuation: number | undefined
  comments: number[]
  binaryComment: boolean
  /** the name ends with '-' (`gen-7-.service`): its %J is empty, and systemd aborts where it expands one */
  dashName: boolean
  /** a specifier in Description= (expanded at load: %J of a dash name aborts) */
  descriptionSpecifier: string | undefined
}

const execArb: Arb<readonly string[]> = fc.oneof(
  { weight: 85, arbitrary: fc.constant(['/bin/true']) },
  {
    weight: 12,
    arbitrary: fc
      .constantFrom(
        'true',
        '|/usr/bin/env true',
        '/usr/bin/env true',
        '-/bin/false',
        '/bin/sh -c "exit 0"',
        '@/bin/true true',
        ':/bin/true'
      )
      .map((e) => [e])
  },
  { weight: 1, arbitrary: fc.constant([]) },
  { weight: 1, arbitrary: fc.constant(['/bin/true', '/bin/false']) }
)

const specArb: Arb<Spec> = fc
  .record({
    dropins: fc.oneof(
      { weight: 50, arbitrary: fc.constant(0) },
      { weight: 25, arbitrary: fc.constant(1) },
      { weight: 15, arbitrary: fc.constant(2) },
      { weight: 10, arbitrary: fc.constant(3) }
    ),
    focus: fc.shuffledSubarray(SERVICE_DIRECTIVES, { minLength: 1, maxLength: 10 })
  })
  .chain(({ dropins, focus }) =>
    fc.record({
      template: fc.nat(9).map((n) => n === 0),
      templateDropins: fc.boolean(),
      defaultDependencies: sometimes(boolArb, 20),
      misplaced: sometimes(assignmentArb(SERVICE_DIRECTIVES, 0), 7),
      type: sometimes(
        fc.constantFrom('simple', 'exec', 'oneshot', 'notify', 'forking', 'idle', 'dbus'),
        30
      ),
      exec: execArb,
      dropinNames: fc.shuffledSubarray(DROPIN_NAMES, { minLength: dropins, maxLength: dropins }),
      hardening: fc.oneof(
        { weight: 70, arbitrary: fc.constant<Assignment[]>([]) },
        {
          weight: 30,
          arbitrary: fc
            .tuple(fc.subarray(HARDENING, { minLength: 8 }), fc.nat(Math.min(dropins, 1)))
            .map(([lines, file]) =>
              lines.map(([key, value]): Assignment => ({ key, value, file, style: 'plain' }))
            )
        }
      ),
      assignments: fc.array(assignmentArb(focus, dropins), { maxLength: 16 }),
      crlf: fc.array(
        fc.nat(9).map((n) => n === 0),
        { minLength: dropins + 1, maxLength: dropins + 1 }
      ),
      continuation: sometimes(fc.nat(15), 12),
      comments: fc.array(fc.nat(20), { maxLength: 3 }),
      binaryComment: fc.nat(29).map((n) => n === 0),
      dashName: fc.nat(9).map((n) => n === 0),
      descriptionSpecifier: sometimes(fc.constantFrom('%J', '%j', '%P', '%%J'), 10)
    })
  )

/** Join the assignment at `index` with the following line through a trailing backslash. */
function applyContinuation(
  lines: string[],
  assignments: Assignment[],
  first: number,
  index: number
): void {
  const a = assignments[index]
  const at = first + index
  const space = a.value.indexOf(' ')
  if (a.style === 'plain' && space > 0) {
    // a list split over two physical lines: same meaning
    lines.splice(at, 1, `${a.key}=${a.value.slice(0, space)} \\`, `  ${a.value.slice(space + 1)}`)
  } else if (!FATAL_KEYS.has(a.key) && at + 1 < lines.length) {
    // swallows the next line into this value (usually making both ineffective)
    lines[at] = `${lines[at]} \\`
  }
}

function buildUnit(spec: Spec, counted: string): OracleUnit {
  const base = spec.dashName ? `${counted}-` : counted
  const name = spec.template ? `${base}@inst.service` : `${base}.service`
  const mainFile = spec.template ? `${base}@.service` : name
  const dropinDir = spec.template && spec.templateDropins ? `${base}@.service.d` : `${name}.d`

  const files: Record<string, string | Uint8Array> = {}
  const fileCount = spec.dropinNames.length + 1
  for (let f = 0; f < fileCount; f++) {
    const lines: string[] = []
    if (f === 0) {
      const specifier = spec.descriptionSpecifier ? ` ${spec.descriptionSpecifier}` : ''
      lines.push('[Unit]', `Description=Generated unit ${base}${specifier}`)
      if (spec.defaultDependencies !== undefined) {
        lines.push(`DefaultDependencies=${spec.defaultDependencies}`)
      }
      if (spec.misplaced) lines.push(renderAssignment(spec.misplaced))
      lines.push('', '[Service]')
      if (spec.type) lines.push(`Type=${spec.type}`)
      for (const e of spec.exec) lines.push(`ExecStart=${e}`)
    } else {
      lines.push('[Service]')
    }
    const mine = [...spec.hardening, ...spec.assignments].filter((a) => a.file === f)
    const first = lines.length
    lines.push(...mine.map(renderAssignment))
    if (f === 0 && spec.continuation !== undefined && mine.length > 0) {
      applyContinuation(lines, mine, first, spec.continuation % mine.length)
    }
    if (f === 0) {
      // comment lines at random positions after the [Service] header
      for (const c of spec.comments) {
        const at = first + (c % (lines.length - first + 1))
        lines.splice(at, 0, c % 2 === 0 ? '# generated comment' : '; another comment')
      }
    }
    const eol = spec.crlf[f] ? '\r\n' : '\n'
    const text = lines.join(eol) + eol
    const path = f === 0 ? mainFile : `${dropinDir}/${spec.dropinNames[f - 1]}`
    files[path] =
      f === 0 && spec.binaryComment
        ? new Uint8Array(
            Buffer.concat([Buffer.from(text, 'utf8'), Buffer.from('# caf\xe9\n', 'latin1')])
          )
        : text
  }
  return { name, files }
}

/**
 * Varied service units for differential testing. Names are `${prefix}-${n}.service` (or
 * `${prefix}-${n}@inst.service`), n from a counter owned by this arbitrary instance: unique per value.
 */
export function unitArbitrary(prefix = 'gen'): fc.Arbitrary<OracleUnit> {
  let counter = 0
  return specArb.map((spec) => buildUnit(spec, `${prefix}-${counter++}`))
}
