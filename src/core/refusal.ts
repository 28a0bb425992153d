/**
 * Why systemd would refuse a service it parsed: service_verify() and unit_verify_contexts(), and the
 * mount namespace one of their checks asks about (exec_needs_mount_namespace()). The settings that
 * decide that namespace and no check reads are kept here as bits (MOUNT_NAMESPACE_SETTINGS).
 */
import type { Directive, ServiceSettings } from './service.js'
import type { UnitName } from './specifiers.js'
import { expandSpecifiers, hasEmptyLastComponent } from './specifiers.js'
import { addsBindMount } from './values/bind-paths.js'
import {
  countImages,
  EXEC_DIRECTORY_ALL,
  EXEC_DIRECTORY_ENTRY,
  EXEC_DIRECTORY_READ_ONLY,
  EXEC_DIRECTORY_TOO_LONG,
  execDirectoryEntries,
  isValidLogNamespace,
  pathListWords,
  unitPathOf
} from './values/paths.js'
import { parseBoolean } from './words.js'

/**
 * Refusals seen from 261 (Ubuntu's 261.3 and Debian's 262; 259 loads such units, no 260 binary was
 * at hand): PrivateUsers= with UserNamespacePath=, PAMName= with PrivatePIDs=.
 */
export const USER_NAMESPACE_PATH_REFUSED = 261
export const PAM_PRIVATE_PIDS_REFUSED = 261
/**
 * RestartForceExitStatus= with Type=oneshot is refused up to here (252, 254 and 255 refuse it; 257,
 * 259, 261 and 262 load it; 256 unverified, follows 255).
 */
export const ONESHOT_RESTART_FORCE_EXIT_STATUS_REFUSED_UNTIL = 256
/**
 * A service without Type= or BusName= whose credentials (SetCredential=, LoadCredential=,
 * ImportCredential=, encrypted or not) hold an entry is Type=exec, not simple or oneshot: one with
 * ExecStop= alone is then refused (257, 259, 262 refuse it, 255 loads it; merged for 256).
 */
export const CREDENTIALS_IMPLY_EXEC = 256
/** PrivateBPF= arrived in 258 (a helper read it in the source; 257 does not know the key, 259 reads it). */
export const PRIVATE_BPF = 258
/** Type=forking with PrivatePIDs=yes is refused from the version that brought PrivatePIDs=. */
export const FORKING_PRIVATE_PIDS_REFUSED = 257
/** a user manager refuses DynamicUser= (257 does, 255 does not; 256 unverified, follows 255) */
export const USER_DYNAMIC_USER_REFUSED = 257
/**
 * From 257 systemd refuses WorkingDirectory=~ with DynamicUser=yes, and a WorkingDirectory= below
 * /proc, /sys or /dev when the service gets a mount namespace (checked with Debian's 257 and 262,
 * Ubuntu's 259 and 261; Ubuntu's 255 loads such units; from 261 PrivateTmp= counts as one).
 */
export const WORKING_DIRECTORY_CHECKS = 257
export const PRIVATE_TMP_NEEDS_MOUNT_NAMESPACE = 261
/** ProtectControlGroups=private counts as a mount namespace from here (259 checked, 257 not). */
export const CONTROL_GROUPS_PRIVATE_MOUNTS = 258

/** How a setting that decides the mount namespace is read (see MOUNT_NAMESPACE_SETTINGS). */
type MountSetting =
  /**
   * a list, set once an assignment adds an entry systemd takes (`adds`); only an empty assignment
   * clears it
   */
  | { kind: 'list'; adds: (value: string, unit: UnitName, version: number) => boolean }
  /** a single value: whether it sets or unsets the setting, or why systemd ignores it */
  | {
      kind: 'value'
      read: (value: string, unit: UnitName, version: number) => boolean | { ignored: string }
    }
  /** a boolean, set when it is `when` */
  | { kind: 'boolean'; when: boolean }
  /**
   * one of a tristate's two values (config_parse_tristate(): an empty value unsets it), a bit each
   */
  | { kind: 'tristate'; when: boolean }
  /** MountFlags=: set for a propagation other than shared */
  | { kind: 'propagation' }
  /** a value of a scored directive, noted after its assignments (noteMountMode) */
  | { kind: 'mode' }

/** A path list's `adds`: whether systemd takes a word of it (pathListWords()). */
function pathList(prefixes: RegExp, options = false): MountSetting & { kind: 'list' } {
  return {
    kind: 'list',
    adds: (value, unit, version) => pathListWords(value, prefixes, options, unit, version).taken > 0
  }
}

const BINDS = { kind: 'list', adds: addsBindMount } as const

/** NetworkNamespacePath=, IPCNamespacePath=: an absolute path (unitPathOf()). */
const NAMESPACE_PATH: MountSetting = {
  kind: 'value',
  read: (value, unit, version) => {
    const resolved = unitPathOf(value, unit, version)
    return 'error' in resolved ? { ignored: resolved.error } : !('unset' in resolved)
  }
}

/** LogNamespace=: a name systemd takes. */
const LOG_NAMESPACE: MountSetting = {
  kind: 'value',
  read: (value, unit, version) => {
    if (value === '') return false
    const expanded = expandSpecifiers(value, unit, version)
    if ('error' in expanded) return { ignored: `${expanded.error} in '${value}'` }
    return isValidLogNamespace(expanded.value)
      ? true
      : { ignored: `'${expanded.value}' is not a valid log namespace` }
  }
}

/**
 * Settings no check reads that decide, with the scored ones, whether systemd sets up a mount namespace
 * for the service (exec_needs_mount_namespace()): a bit each in ServiceSettings.mountNamespace, in
 * this order. Those marked `alone` give one by themselves; the others only with other settings (a
 * network namespace with PrivateMounts= unset, RootDirectory=). Checked one by one against
 * WorkingDirectory=/proc/x with Debian's 257 and 262 and Ubuntu's 259 and 261: the *Paths= lists
 * take '-' and '+', the bind and extension lists '-' only, TemporaryFileSystem= none.
 */
const MOUNT_NAMESPACE_SETTINGS = {
  // one '-', then one '+', in that order (`+-/x` and `--/x` are no paths)
  ReadWritePaths: { ...pathList(/^-?\+?/), alone: true },
  ReadOnlyPaths: { ...pathList(/^-?\+?/), alone: true },
  InaccessiblePaths: { ...pathList(/^-?\+?/), alone: true },
  ExecPaths: { ...pathList(/^-?\+?/), alone: true },
  NoExecPaths: { ...pathList(/^-?\+?/), alone: true },
  BindPaths: { ...BINDS, alone: true },
  BindReadOnlyPaths: { ...BINDS, alone: true },
  TemporaryFileSystem: { ...pathList(/^/, true), alone: true },
  // read by the *Paths= parser: '-' then '+' (found by a helper's probes at 257, 259, 262)
  ExtensionDirectories: { ...pathList(/^-?\+?/), alone: true },
  ExtensionImages: {
    kind: 'list',
    adds: (value, unit, version) => countImages(value, false, unit, version) > 0,
    alone: true
  },
  PrivateIPC: { kind: 'boolean', when: true, alone: true },
  IPCNamespacePath: { ...NAMESPACE_PATH, alone: true },
  LogNamespace: { ...LOG_NAMESPACE, alone: true },
  // BindLogSockets= (257) and MountAPIVFS= decide together (effectiveBindLogSockets())
  'BindLogSockets=yes': { kind: 'tristate', when: true, alone: false, since: 257 },
  'BindLogSockets=no': { kind: 'tristate', when: false, alone: false, since: 257 },
  // PrivateBPF=yes (from 258) mounts a private bpffs (259 and 262 refuse it with WorkingDirectory=/proc/sys)
  PrivateBPF: { kind: 'boolean', when: true, alone: true, since: PRIVATE_BPF },
  MountFlags: { kind: 'propagation', alone: true },
  NetworkNamespacePath: { ...NAMESPACE_PATH, alone: false },
  // MountAPIVFS= unset is yes with a RootDirectory= other than / or a RootImage=
  // (effectiveMountAPIVFS(); checked with 257, 259 and 262: MountAPIVFS=yes alone is refused with
  // WorkingDirectory=/proc/sys through the log sockets it binds, not with BindLogSockets=no)
  'MountAPIVFS=yes': { kind: 'tristate', when: true, alone: false },
  'MountAPIVFS=no': { kind: 'tristate', when: false, alone: false },
  'PrivateTmp=disconnected': { kind: 'mode', alone: false },
  'ProtectControlGroups=private': { kind: 'mode', alone: false }
} satisfies Record<string, MountSetting & { alone: boolean; since?: number }>

type MountSettingName = keyof typeof MOUNT_NAMESPACE_SETTINGS
const MOUNT_SETTING_NAMES = Object.keys(MOUNT_NAMESPACE_SETTINGS) as MountSettingName[]
const MOUNT_NAMESPACE_BITS = Object.fromEntries(
  MOUNT_SETTING_NAMES.map((name, bit) => [name, 1 << bit])
) as Record<MountSettingName, number>
/** the bits that give a mount namespace by themselves */
const MOUNTS_BY_THEMSELVES = MOUNT_SETTING_NAMES.filter(
  (name) => MOUNT_NAMESPACE_SETTINGS[name].alone
).reduce((bits, name) => bits | MOUNT_NAMESPACE_BITS[name], 0)

/**
 * The exec directories and the system manager's directory each is in, three bits each in
 * ServiceSettings.execDirectories (execDirectoryEntries()): entries, a read-only one, one too long.
 * With a RootDirectory= any entry gives a mount namespace, from 257 a read-only one by itself.
 */
const EXEC_DIRECTORIES = {
  RuntimeDirectory: '/run',
  StateDirectory: '/var/lib',
  CacheDirectory: '/var/cache',
  LogsDirectory: '/var/log',
  ConfigurationDirectory: '/etc'
} as const
const EXEC_DIRECTORY_KEYS = Object.keys(EXEC_DIRECTORIES) as Array<keyof typeof EXEC_DIRECTORIES>
const ANY_EXEC_DIRECTORY = EXEC_DIRECTORY_KEYS.reduce(
  (bits, _, index) => bits | (EXEC_DIRECTORY_ENTRY << (3 * index)),
  0
)
const READ_ONLY_EXEC_DIRECTORY = ANY_EXEC_DIRECTORY * EXEC_DIRECTORY_READ_ONLY
const TOO_LONG_EXEC_DIRECTORY = ANY_EXEC_DIRECTORY * EXEC_DIRECTORY_TOO_LONG

function setMountBit(s: ServiceSettings, bit: number, on: boolean): void {
  s.mountNamespace = on ? s.mountNamespace | bit : s.mountNamespace & ~bit
}

/** The directive that keeps a setting's bit of ServiceSettings.mountNamespace up to date. */
function mountSettingDirective(setting: MountSetting, bit: number, since?: number): Directive {
  return {
    section: 'Service',
    since,
    apply(s, value, ctx) {
      switch (setting.kind) {
        case 'list':
          if (value === '') setMountBit(s, bit, false)
          // once the list holds an entry only an empty assignment can change that: no need to read
          // on, unless the value can make systemd abort (%J, hasEmptyLastComponent())
          else if (
            (!(s.mountNamespace & bit) || hasEmptyLastComponent(ctx.unit)) &&
            setting.adds(value, ctx.unit, ctx.version)
          ) {
            setMountBit(s, bit, true)
          }
          return undefined
        case 'boolean':
        case 'tristate': {
          if (value === '' && setting.kind === 'tristate') {
            setMountBit(s, bit, false)
            return undefined
          }
          const bool = parseBoolean(value)
          if (bool === undefined) return { ignored: `'${value}' is not a boolean` }
          setMountBit(s, bit, bool === setting.when)
          return undefined
        }
        case 'value': {
          const read = setting.read(value, ctx.unit, ctx.version)
          if (typeof read !== 'boolean') return read
          setMountBit(s, bit, read)
          return undefined
        }
        case 'propagation':
          if (value !== '' && value !== 'shared' && value !== 'slave' && value !== 'private') {
            return { ignored: `'${value}' is not shared, slave or private` }
          }
          setMountBit(s, bit, value === 'slave' || value === 'private')
          return undefined
      }
    }
  }
}

/**
 * The directives behind MOUNT_NAMESPACE_SETTINGS, by key ("MountAPIVFS=yes" and "MountAPIVFS=no"
 * are both MountAPIVFS=: it keeps both bits).
 */
export const MOUNT_NAMESPACE_DIRECTIVES: Record<string, Directive> = (() => {
  const byKey = new Map<string, Directive[]>()
  for (const name of MOUNT_SETTING_NAMES) {
    const setting: MountSetting & { since?: number } = MOUNT_NAMESPACE_SETTINGS[name]
    if (setting.kind === 'mode') continue
    const key = name.split('=')[0]!
    byKey.set(key, [
      ...(byKey.get(key) ?? []),
      mountSettingDirective(setting, MOUNT_NAMESPACE_BITS[name], setting.since)
    ])
  }
  const directives: Record<string, Directive> = Object.fromEntries(
    [...byKey].map(([key, directives]): [string, Directive] => [
      key,
      directives.length === 1
        ? directives[0]!
        : {
            section: 'Service',
            since: directives[0]!.since,
            apply(s, value, ctx) {
              let outcome: ReturnType<Directive['apply']>
              for (const directive of directives)
                outcome = directive.apply(s, value, ctx) ?? outcome
              return outcome
            }
          }
    ])
  )
  // the names before 231, still read into the same lists (found by a helper's probes; 257-262
  // refuse `ReadOnlyDirectories=/x` with WorkingDirectory=/proc/sys)
  directives.ReadWriteDirectories = directives.ReadWritePaths!
  directives.ReadOnlyDirectories = directives.ReadOnlyPaths!
  directives.InaccessibleDirectories = directives.InaccessiblePaths!
  EXEC_DIRECTORY_KEYS.forEach((key, index) => {
    directives[key] = execDirectoryDirective(key, 3 * index)
  })
  return directives
})()

/** An exec directory's directive: keeps its three bits of ServiceSettings.execDirectories. */
function execDirectoryDirective(key: keyof typeof EXEC_DIRECTORIES, shift: number): Directive {
  const all = EXEC_DIRECTORY_ALL << shift
  const configuration = key === 'ConfigurationDirectory'
  return {
    section: 'Service',
    apply(s, value, ctx) {
      if (value === '') s.execDirectories &= ~all
      // once every bit is set only an empty assignment can change them
      else if ((s.execDirectories & all) !== all) {
        // a user's manager joins the names to the user's own directories, which the gate cannot know
        const prefix = s.userManager ? undefined : EXEC_DIRECTORIES[key]
        const found = execDirectoryEntries(value, configuration, prefix, ctx.unit, ctx.version)
        s.execDirectories |= found << shift
      }
      return undefined
    }
  }
}

/**
 * Settings only the refusal checks read, never a scored row: the fix engine leaves them out of the
 * variants it scores (a path in ReadWritePaths= would otherwise make every unit's patch its own).
 */
export const REFUSAL_ONLY_FIELDS: ReadonlySet<string> = new Set([
  'mountNamespace',
  'execDirectories',
  'workingDirectory',
  'workingDirectoryHome',
  'privatePIDs',
  'userNamespacePath'
])

/** The directives that write nothing but REFUSAL_ONLY_FIELDS. */
export const REFUSAL_ONLY_DIRECTIVES: ReadonlySet<string> = new Set([
  ...Object.keys(MOUNT_NAMESPACE_DIRECTIVES),
  'WorkingDirectory',
  'PrivatePIDs',
  'UserNamespacePath'
])

/** After an assignment of a scored directive: whether its value was the mode `name` names. */
export function noteMountMode(
  name: 'PrivateTmp=disconnected' | 'ProtectControlGroups=private'
): (s: ServiceSettings, value: string) => void {
  const bit = MOUNT_NAMESPACE_BITS[name]
  const mode = name.split('=')[1]
  return (s, value) => setMountBit(s, bit, value === mode)
}

/** exec_context_with_rootfs(): a RootDirectory= other than /, or a RootImage= */
function withRootFileSystem(s: ServiceSettings): boolean {
  return (s.rootDirectory !== undefined && s.rootDirectory !== '/') || s.rootImage !== undefined
}

/** exec_context_get_effective_mount_apivfs(): MountAPIVFS= if set, else whether there is a root */
function effectiveMountAPIVFS(s: ServiceSettings): boolean {
  const m = s.mountNamespace
  if (m & MOUNT_NAMESPACE_BITS['MountAPIVFS=yes']) return true
  if (m & MOUNT_NAMESPACE_BITS['MountAPIVFS=no']) return false
  return withRootFileSystem(s)
}

/**
 * exec_context_get_effective_bind_log_sockets() (257): always with LogNamespace=, else
 * BindLogSockets= if set, else with the API file systems, or PrivateDevices= under a root.
 */
function effectiveBindLogSockets(s: ServiceSettings): boolean {
  const m = s.mountNamespace
  if (m & MOUNT_NAMESPACE_BITS.LogNamespace) return true
  if (m & MOUNT_NAMESPACE_BITS['BindLogSockets=yes']) return true
  if (m & MOUNT_NAMESPACE_BITS['BindLogSockets=no']) return false
  return effectiveMountAPIVFS(s) || (withRootFileSystem(s) && s.privateDevices)
}

/**
 * exec_needs_mount_namespace(), as systemd asks it when it loads the unit (only 257 and later ask:
 * the WorkingDirectory= refusal is theirs).
 */
function needsMountNamespace(s: ServiceSettings, version: number): boolean {
  const m = s.mountNamespace
  const bits = MOUNT_NAMESPACE_BITS
  return (
    (m & MOUNTS_BY_THEMSELVES) !== 0 ||
    s.rootImage !== undefined ||
    s.rootMStack !== undefined ||
    s.mountImages > 0 ||
    // any RootDirectory= (/ too) with the API file systems or an exec directory
    (s.rootDirectory !== undefined &&
      (effectiveMountAPIVFS(s) || (s.execDirectories & ANY_EXEC_DIRECTORY) !== 0)) ||
    effectiveBindLogSockets(s) ||
    (s.execDirectories & READ_ONLY_EXEC_DIRECTORY) !== 0 ||
    s.privateDevices ||
    s.privateMounts === true ||
    (s.privateMounts === undefined &&
      (s.privateNetwork || (m & bits.NetworkNamespacePath) !== 0)) ||
    s.protectSystem !== 'no' ||
    s.protectHome !== 'no' ||
    s.protectKernelTunables ||
    s.protectKernelModules ||
    s.protectKernelLogs ||
    // ProtectControlGroups=private only from 258 (257 gives it a cgroup namespace alone)
    (s.protectControlGroups &&
      (!(m & bits['ProtectControlGroups=private']) || version >= CONTROL_GROUPS_PRIVATE_MOUNTS)) ||
    s.protectProc !== 'default' ||
    s.procSubset !== 'all' ||
    s.privatePIDs ||
    (s.privateTmp &&
      ((m & bits['PrivateTmp=disconnected']) !== 0 || version >= PRIVATE_TMP_NEEDS_MOUNT_NAMESPACE))
  )
}

const API_FILE_SYSTEMS = /^\/(proc|sys|dev)(\/|$)/

/** Why systemd would refuse the service's combination of user, namespace and PID settings. */
function contextRefusal(s: ServiceSettings, type: string, version: number): string | undefined {
  if (version >= FORKING_PRIVATE_PIDS_REFUSED && type === 'forking' && s.privatePIDs) {
    return 'PrivatePIDs=yes with Type=forking; systemd refuses it'
  }
  if (version >= PAM_PRIVATE_PIDS_REFUSED && s.pamName && s.privatePIDs) {
    return 'PAMName= with PrivatePIDs=yes; systemd refuses it'
  }
  if (
    s.privateUsersManaged &&
    (s.user !== undefined || s.group !== undefined || s.dynamicUser || s.pamName)
  ) {
    return 'PrivateUsers=managed with User=, Group=, DynamicUser= or PAMName=; systemd refuses it'
  }
  if (version >= USER_NAMESPACE_PATH_REFUSED && s.privateUsers && s.userNamespacePath) {
    return 'PrivateUsers= with UserNamespacePath=; systemd refuses it'
  }
  if (version >= WORKING_DIRECTORY_CHECKS) {
    if (s.workingDirectoryHome && s.dynamicUser) {
      return 'WorkingDirectory=~ with DynamicUser=yes; systemd refuses it'
    }
    const below = s.workingDirectory
    if (below !== undefined && API_FILE_SYSTEMS.test(below) && needsMountNamespace(s, version)) {
      return `WorkingDirectory=${below} is below /proc, /sys or /dev in a service with a mount namespace; systemd refuses it`
    }
  }
  return undefined
}

/**
 * Whether hardening lines added to this service could make systemd refuse it: each refusal they can
 * bring about needs a setting of the unit's own first (a WorkingDirectory= below /proc, /sys or /dev,
 * WorkingDirectory=~, PrivateUsers=managed, UserNamespacePath=). Cheap: asked for every suggestion.
 */
export function refusalProne(s: ServiceSettings): boolean {
  return (
    (s.workingDirectory !== undefined && API_FILE_SYSTEMS.test(s.workingDirectory)) ||
    s.workingDirectoryHome ||
    (s.userManager && s.dynamicUser) ||
    s.privateUsersManaged ||
    s.userNamespacePath !== undefined
  )
}

/** The Type= systemd gives a service that sets none (service_add_extras()). */
function inferredType(s: ServiceSettings, version: number): string {
  if (s.busName) return 'dbus'
  const credentials = s.setCredentials.size > 0 || s.loadCredentials.size > 0 || s.importCredentials
  if (credentials && version >= CREDENTIALS_IMPLY_EXEC) return 'exec'
  return s.execStart.length ? 'simple' : 'oneshot'
}

/** service_verify() and the Type= inference before it: why systemd would refuse this service. */
export function refusal(s: ServiceSettings, version: number): string | undefined {
  const type = s.type ?? inferredType(s, version)
  const hasSuccessAction = s.successAction !== 'none'
  if (!s.execStart.length && !s.execStop.length && !hasSuccessAction) {
    return 'the service has no ExecStart=, ExecStop= or SuccessAction=; systemd refuses it'
  }
  if (type !== 'oneshot' && !s.execStart.length) {
    return `Type=${type} without ExecStart=; systemd refuses it`
  }
  if (!s.remainAfterExit && !s.execStart.length && !hasSuccessAction) {
    return 'no ExecStart= and no SuccessAction= without RemainAfterExit=yes; systemd refuses it'
  }
  if (type !== 'oneshot' && s.execStart.length > 1) {
    return `more than one ExecStart= command with Type=${type}; systemd refuses it`
  }
  if (type === 'oneshot' && (s.restart === 'always' || s.restart === 'on-success')) {
    return `Restart=${s.restart} with Type=oneshot; systemd refuses it`
  }
  if (
    type === 'oneshot' &&
    s.restartForceExitStatus &&
    version <= ONESHOT_RESTART_FORCE_EXIT_STATUS_REFUSED_UNTIL
  ) {
    return 'RestartForceExitStatus= with Type=oneshot; systemd refuses it'
  }
  if (type === 'oneshot' && s.exitType === 'cgroup') {
    return 'ExitType=cgroup with Type=oneshot; systemd refuses it'
  }
  if (type === 'dbus' && !s.busName) return 'Type=dbus without BusName=; systemd refuses it'
  if (s.pamName && s.killMode !== 'control-group' && s.killMode !== 'mixed') {
    return `PAMName= with KillMode=${s.killMode}; systemd refuses it`
  }
  if (s.execDirectories & TOO_LONG_EXEC_DIRECTORY) {
    return 'an exec directory (StateDirectory= ...) of 4,096 bytes or more once joined to its directory (/var/lib ...); systemd refuses it'
  }
  if (s.userManager && s.dynamicUser && version >= USER_DYNAMIC_USER_REFUSED) {
    return 'DynamicUser= in a unit of a user manager, which systemd does not support; it refuses it'
  }
  return contextRefusal(s, type, version)
}
