/**
 * Loads a service the way systemd does: the unit file, then its drop-ins in order, each assignment
 * applied to one state with systemd's rules for empty, invalid and repeated values; then the settings
 * systemd implies at load time and the checks that make it refuse a service (refusal.ts).
 * Facts: ../shared/reference/systemd-security-scoring.md ("Reading the directives", "Implied settings")
 * and unit-file-loading.md (5.4, 5.5).
 */
import type { ManagerScope } from './scope.js'
import type { UnitName } from './specifiers.js'
import {
  SpecifierAbort,
  expandPathSpecifiers,
  expandSpecifiers,
  hasEmptyLastComponent
} from './specifiers.js'
import { MOUNT_NAMESPACE_DIRECTIVES, noteMountMode, refusal } from './refusal.js'
import { appendBounded, parseUnitText } from './syntax.js'
import { expandUnreadSetting } from './unread-expansions.js'
import type { AddressFamilyState } from './values/address-families.js'
import { applyAddressFamilyAssignment } from './values/address-families.js'
import {
  ALL_CAPABILITIES,
  applyCapabilityAssignment,
  capabilityMask
} from './values/capabilities.js'
import { isValidBusName } from './values/dbus.js'
import { parseExecLine } from './values/exec.js'
import { isExitStatusOrSignal } from './values/exit-status.js'
import { IMAGE_POLICIES, imagePolicyError } from './values/image-policy.js'
import type { IpPrefix } from './values/ip.js'
import { parseIpAssignment } from './values/ip.js'
import type { NamespaceState } from './values/namespaces.js'
import { applyNamespaceAssignment } from './values/namespaces.js'
import {
  absolutePathOf,
  countImages,
  hasDotDot,
  hasOverlongComponent,
  isAbsoluteNormalPath,
  isBelowApiFileSystems,
  isOverPathMax,
  isDeviceNodePath,
  isNormalizedPath,
  isStrictUserName,
  isValidCredentialName,
  isValidHostname,
  isValidUserOrGroup,
  simplifyPath,
  unitPathOf,
  withoutLeadingDotDot
} from './values/paths.js'
import { homeSection, ignoredKey, keyMasks } from './unknown-keys.js'
import type { LoadWarning } from './load-warnings.js'
import { LOAD_WARNINGS } from './load-warnings.js'
import type { SyscallFilter } from './values/syscalls.js'
import {
  applyArchitecturesAssignment,
  applySyscallFilterAssignment,
  copySyscallFilter,
  errnoInAllowList
} from './values/syscalls.js'
import {
  cunescapeValid,
  extractFirstWord,
  extractWords,
  isValidUtf8Value,
  parseBoolean
} from './words.js'

/** The newest systemd version whose behaviour the engine knows, and the oldest it models. */
export const NEWEST_SYSTEMD_VERSION = 262
export const OLDEST_SYSTEMD_VERSION = 240

export interface SourceRef {
  file: string
  line: number
}

export interface UnitFileInput {
  /** display path (POSIX, relative to the scan root) */
  path: string
  /** file content; null for a symlink to /dev/null */
  bytes: Uint8Array | null
}

/** A socket unit that activates a service: its file, then its drop-ins in the order systemd reads them. */
export interface SocketUnitFiles {
  main: UnitFileInput
  dropIns: UnitFileInput[]
}

export interface LoadInput {
  unit: UnitName
  /**
   * the name the unit file was asked for, when it differs from the unit's id (an alias): systemd
   * expands the specifiers of the unit file with it, those of the drop-ins with the id
   */
  requestedAs?: UnitName
  main: UnitFileInput
  /** drop-ins in the order systemd applies them (see dropins.ts) */
  dropIns: UnitFileInput[]
  version: number
  /**
   * keep settings.recorded, the fix engine's copy of the directives (default true); a load whose
   * unit gets no suggestion skips it
   */
  record?: boolean
  /** the service manager that loads it (default: the system's) */
  manager?: ManagerScope
  /**
   * the directives the checks read: a key that is one of them but for its case or a slip of a
   * letter is an error, as it looks like hardening and does nothing (default: none, warnings)
   */
  hardeningKeys?: ReadonlySet<string>
}

export type Severity = 'error' | 'warning' | 'notice'

export interface Diagnostic extends SourceRef {
  severity: Severity
  /** stable identifier of the kind of problem */
  code:
    | 'syntax'
    | 'ignored-value'
    | 'ignored-by-version'
    | 'unknown-key'
    | 'wrong-section'
    | 'dropped-words'
    | 'dropin-stopped'
    | 'invalid-exception'
    /** how systemd finds the unit and its drop-ins (aliases, links, instances): no line ignored */
    | 'lookup'
    /** what systemd warns of a line it reads (User=nobody, a path left out of ReadWritePaths=) */
    | 'systemd-warning'
  key?: string
  message: string
}

export interface ServiceSettings {
  user?: string
  group?: string
  dynamicUser: boolean
  supplementaryGroups: readonly string[]
  privateDevices: boolean
  /** undefined: never set, or reset by an empty assignment (a tristate from systemd 254) */
  privateMounts: boolean | undefined
  privateNetwork: boolean
  privateTmp: boolean
  privateUsers: boolean
  /** PrivateUsers=managed (from systemd 260): refused with a user, a group or PAM */
  privateUsersManaged: boolean
  /** UserNamespacePath= (from 259): from 261 refused with PrivateUsers= */
  userNamespacePath?: string
  /** PrivatePIDs= (from 257): refused with Type=forking, and from 261 with PAMName= */
  privatePIDs: boolean
  protectControlGroups: boolean
  protectKernelModules: boolean
  protectKernelTunables: boolean
  protectKernelLogs: boolean
  protectClock: boolean
  protectHostname: boolean
  lockPersonality: boolean
  memoryDenyWriteExecute: boolean
  noNewPrivileges: boolean
  restrictRealtime: boolean
  restrictSUIDSGID: boolean
  removeIPC: boolean
  protectHome: 'no' | 'yes' | 'read-only' | 'tmpfs'
  protectSystem: 'no' | 'yes' | 'full' | 'strict'
  rootDirectory?: string
  rootImage?: string
  /** RootMStack= (from 260): adds RootImage='s device entries */
  rootMStack?: string
  capabilityBoundingSet: bigint
  ambientCapabilities: bigint
  umask: number
  keyringMode: string
  /**
   * loaded by a user's service manager (systemctl --user): KeyringMode= defaults to inherit, and
   * systemd-analyze judges the identity rows differently (see checks.ts)
   */
  userManager: boolean
  protectProc: string
  procSubset: string
  notifyAccess?: string
  delegate: boolean
  restrictNamespaces: NamespaceState
  addressFamilies: AddressFamilyState | 'none'
  syscallFilter?: SyscallFilter
  syscallArchitectures: ReadonlySet<string>
  ipAddressDeny: readonly IpPrefix[]
  ipAddressAllow: readonly IpPrefix[]
  ipIngressFilterPath: readonly string[]
  ipEgressFilterPath: readonly string[]
  devicePolicy: 'auto' | 'closed' | 'strict'
  deviceAllow: ReadonlyArray<{ path: string; rights: string }>
  mountImages: number
  /** WorkingDirectory=, when a path (refused below /proc, /sys, /dev with mount namespacing, 257) */
  workingDirectory?: string
  /** WorkingDirectory=~ (refused with DynamicUser=yes from 257) */
  workingDirectoryHome: boolean
  /** the settings besides the scored ones that decide whether the service gets a mount namespace,
   * one bit each (MOUNT_NAMESPACE_BITS) */
  mountNamespace: number
  /** RuntimeDirectory= ... ConfigurationDirectory=: three bits each (see refusal.ts) */
  execDirectories: number
  loadCredentials: ReadonlyMap<string, boolean>
  setCredentials: ReadonlyMap<string, boolean>
  /** ImportCredential= took a glob (from 254; with the other credentials it implies Type=exec) */
  importCredentials: boolean
  defaultDependencies: boolean
  // settings that decide whether systemd accepts the service at all
  type?: string
  execStart: readonly string[]
  execStop: readonly string[]
  remainAfterExit: boolean
  busName?: string
  restart: string
  restartForceExitStatus: boolean
  exitType: string
  pamName?: string
  killMode: string
  successAction: string
  /** every ExecStart= command line as written (for the fix engine) */
  execStartLines: readonly string[]
  /**
   * Directives the score does not read but the fix engine does (RECORDED_DIRECTIVES), as written,
   * in order; an empty assignment clears a key's list. Updated copy-on-write.
   */
  recorded: Readonly<Record<string, readonly string[]>>
}

export interface LoadedService {
  status: 'loaded'
  settings: ServiceSettings
  /** where each directive was last effectively set (key → file:line) */
  sources: Map<string, SourceRef>
  /** the [Service] header of the unit file (or its first line) */
  serviceHeader: SourceRef
  diagnostics: Diagnostic[]
  /** comment lines of the unit and drop-ins, for inline exceptions */
  comments: Array<SourceRef & { text: string }>
  /** the unit file and the drop-ins applied, in order */
  files: string[]
  /**
   * the settings before the implied ones (what the fix engine builds its variants on); left out by
   * a load that does not record (LoadInput.record false)
   */
  raw?: ServiceSettings
}

export interface NotLoadedService {
  status: 'masked' | 'invalid'
  reason: string
  at?: SourceRef
  diagnostics: Diagnostic[]
}

export type LoadResult = LoadedService | NotLoadedService

// Empty lists, sets and maps shared by every unit's initial settings: the directives replace them
// (copy-on-write, which the readonly types enforce), none fills them in place.
const NONE: readonly never[] = Object.freeze([])

/** Diagnostics listed per unit: a unit of millions of ignored lines would make a report of GBs. */
export const MAX_DIAGNOSTICS = 1_000
/** Problems of a unit after which an unknown key gets no "did you mean". */
const MAX_GUESSED = 100

/**
 * Errors listed past the cap while fewer are listed: a thousand warnings (Environment= words, say)
 * must not hide the one ignored hardening line after them (red team, session 26).
 */
const MAX_LISTED_ERRORS = 100
/** the errors a full list holds, counted once it is full */
const listedErrors = new WeakMap<Diagnostic[], number>()

function addDiagnostic(diagnostics: Diagnostic[], diagnostic: Diagnostic): void {
  if (diagnostics.length >= MAX_DIAGNOSTICS && diagnostic.severity === 'error') {
    if (diagnostics.length === MAX_DIAGNOSTICS) addDiagnosticBounded(diagnostics, diagnostic)
    const errors =
      listedErrors.get(diagnostics) ?? diagnostics.filter((d) => d.severity === 'error').length
    if (errors < MAX_LISTED_ERRORS) diagnostics.push(diagnostic)
    listedErrors.set(diagnostics, Math.min(errors + 1, MAX_LISTED_ERRORS))
    return
  }
  addDiagnosticBounded(diagnostics, diagnostic)
}

function addDiagnosticBounded(diagnostics: Diagnostic[], diagnostic: Diagnostic): void {
  appendBounded(diagnostics, diagnostic, MAX_DIAGNOSTICS, ({ file, line, code }): Diagnostic => ({
    file,
    line,
    severity: 'warning',
    code,
    message: `more than ${MAX_DIAGNOSTICS} problems in this unit: from here only errors are listed, up to ${MAX_LISTED_ERRORS} in all`
  }))
}

/**
 * Lists a settings object made itself once they grew long: appended to in place from then on. A
 * copy per line made a unit of 50,000 ExecStart= lines take a minute (quadratic); short lists, all
 * that real units hold, are still copied (the common case pays one length check). A list another
 * object shares (the fix engine's copies, the shape a patch reads through) is copied first, so no
 * value another object holds is changed in place.
 */
const LONG_LIST = 64
const ownLongLists = new WeakMap<readonly unknown[], object>()

function appended<T>(s: object, list: readonly T[], items: readonly T[]): readonly T[] {
  if (list.length < LONG_LIST) return [...list, ...items]
  if (ownLongLists.get(list) === s) {
    for (const item of items) (list as T[]).push(item)
    return list
  }
  const copy = [...list, ...items]
  ownLongLists.set(copy, s)
  return copy
}
const NO_ARCHITECTURES: ReadonlySet<string> = new Set()
const NO_CREDENTIALS: ReadonlyMap<string, boolean> = new Map()

/** The settings before any file: a user's manager gives its services KeyringMode=inherit. */
function settingsFor(manager: ManagerScope | undefined): ServiceSettings {
  const settings = initialSettings()
  if (manager === 'user') {
    settings.userManager = true
    settings.keyringMode = 'inherit'
  }
  return settings
}

export function initialSettings(): ServiceSettings {
  // Every field is present from the start, unset ones as undefined: one object shape for every
  // unit whatever its directives' order, which keeps the checks' property reads monomorphic.
  return {
    user: undefined,
    group: undefined,
    dynamicUser: false,
    supplementaryGroups: NONE,
    privateDevices: false,
    privateMounts: undefined,
    privateNetwork: false,
    privateTmp: false,
    privateUsers: false,
    privateUsersManaged: false,
    userNamespacePath: undefined,
    privatePIDs: false,
    protectControlGroups: false,
    protectKernelModules: false,
    protectKernelTunables: false,
    protectKernelLogs: false,
    protectClock: false,
    protectHostname: false,
    lockPersonality: false,
    memoryDenyWriteExecute: false,
    noNewPrivileges: false,
    restrictRealtime: false,
    restrictSUIDSGID: false,
    removeIPC: false,
    protectHome: 'no',
    protectSystem: 'no',
    rootDirectory: undefined,
    rootImage: undefined,
    rootMStack: undefined,
    capabilityBoundingSet: ALL_CAPABILITIES,
    ambientCapabilities: 0n,
    umask: 0o022,
    keyringMode: 'private',
    userManager: false,
    protectProc: 'default',
    procSubset: 'all',
    notifyAccess: undefined,
    delegate: false,
    restrictNamespaces: 'initial',
    addressFamilies: undefined,
    syscallFilter: undefined,
    syscallArchitectures: NO_ARCHITECTURES,
    ipAddressDeny: NONE,
    ipAddressAllow: NONE,
    ipIngressFilterPath: NONE,
    ipEgressFilterPath: NONE,
    devicePolicy: 'auto',
    deviceAllow: NONE,
    mountImages: 0,
    workingDirectory: undefined,
    workingDirectoryHome: false,
    mountNamespace: 0,
    execDirectories: 0,
    loadCredentials: NO_CREDENTIALS,
    setCredentials: NO_CREDENTIALS,
    importCredentials: false,
    defaultDependencies: true,
    type: undefined,
    execStart: NONE,
    execStop: NONE,
    remainAfterExit: false,
    busName: undefined,
    restart: 'no',
    restartForceExitStatus: false,
    exitType: 'main',
    pamName: undefined,
    killMode: 'control-group',
    successAction: 'none',
    execStartLines: NONE,
    recorded: {}
  }
}

/**
 * Directives no check reads that tell the fix engine what a service does: where it writes, what it
 * runs and when, what it depends on. Recording them changes no score and adds no diagnostic.
 */
export const RECORDED_DIRECTIVES: Readonly<Record<string, 'Service' | 'Unit' | 'Install'>> = {
  PIDFile: 'Service',
  WorkingDirectory: 'Service',
  Environment: 'Service',
  EnvironmentFile: 'Service',
  ReadWritePaths: 'Service',
  ReadOnlyPaths: 'Service',
  InaccessiblePaths: 'Service',
  BindPaths: 'Service',
  BindReadOnlyPaths: 'Service',
  TemporaryFileSystem: 'Service',
  StateDirectory: 'Service',
  CacheDirectory: 'Service',
  LogsDirectory: 'Service',
  RuntimeDirectory: 'Service',
  ConfigurationDirectory: 'Service',
  ExecStartPre: 'Service',
  ExecStartPost: 'Service',
  ExecCondition: 'Service',
  ExecReload: 'Service',
  ExecReloadPost: 'Service',
  ExecStop: 'Service',
  ExecStopPost: 'Service',
  CPUSchedulingPolicy: 'Service',
  Sockets: 'Service',
  SystemCallErrorNumber: 'Service',
  StandardInput: 'Service',
  Description: 'Unit',
  After: 'Unit',
  Wants: 'Unit',
  Requires: 'Unit',
  BindsTo: 'Unit',
  PartOf: 'Unit',
  RequiresMountsFor: 'Unit',
  WantedBy: 'Install'
}

function record(s: ServiceSettings, key: string, value: string, inPlace = false): void {
  const previous = s.recorded[key]
  if (inPlace) {
    // a load's own settings: nothing else holds their 'recorded' yet
    const recorded = s.recorded as Record<string, string[]>
    if (value === '') recorded[key] = []
    else if (previous) (previous as string[]).push(value)
    else recorded[key] = [value]
    return
  }
  s.recorded = { ...s.recorded, [key]: value === '' ? [] : [...(previous ?? []), value] }
}

interface Context {
  unit: UnitName
  version: number
  /** the settings were made for this load: 'recorded' may be updated in place */
  ownsRecorded?: boolean
  /** settings.recorded is not kept */
  skipRecording?: boolean
  /** see LoadInput */
  hardeningKeys?: ReadonlySet<string>
}

/** What applying one assignment did. */
type Outcome =
  | undefined
  | { ignored: string; byVersion?: number }
  | { fatal: string }
  /** words systemd does not understand and, when it stops at one, the words it then skips; words
   * of a system call allow list with an error number, which systemd drops for that */
  | { dropped: string[]; notApplied?: string[]; errnoInAllowList?: string[] }

export interface Directive {
  section: 'Service' | 'Unit'
  /** first systemd version that knows the key */
  since?: number
  apply(s: ServiceSettings, value: string, ctx: Context): Outcome
}

type BooleanKey = {
  [K in keyof ServiceSettings]-?: ServiceSettings[K] extends boolean ? K : never
}[keyof ServiceSettings]

/**
 * From this version PrivateMounts= is a tristate, and systemd-analyze counts an unset one as good
 * (checked with Debian's 254, 257 and 262: only an explicit "no" is bad there; 252 wants "yes").
 */
export const PRIVATE_MOUNTS_TRISTATE = 254

/** PrivateUsers=managed and RootMStack= (NEWS 260; checked with Ubuntu's 261 and Debian's 262). */
export const PRIVATE_USERS_MANAGED = 260
export const ROOT_MSTACK = 260
/** The directive, and `effect` after each assignment it takes (not after one it ignores). */
function whenApplied(
  directive: Directive,
  effect: (s: ServiceSettings, value: string) => void
): Directive {
  return {
    ...directive,
    apply(s, value, ctx) {
      const outcome = directive.apply(s, value, ctx)
      if (outcome === undefined) effect(s, value)
      return outcome
    }
  }
}

function booleanDirective(
  key: BooleanKey,
  options: {
    since?: number
    extra?: Array<{ value: RegExp; since: number; valid?: (value: string) => boolean }>
    /** from this version the empty assignment resets the setting (an enum parser took it over) */
    emptyResetsSince?: number
  } = {}
): Directive {
  return {
    section: 'Service',
    since: options.since,
    apply(s, value, ctx) {
      const bool = parseBoolean(value)
      if (bool !== undefined) {
        s[key] = bool
        return undefined
      }
      if (value === '' && options.emptyResetsSince && ctx.version >= options.emptyResetsSince) {
        s[key] = false
        return undefined
      }
      for (const extra of options.extra ?? []) {
        if (!extra.value.test(value)) continue
        if (ctx.version < extra.since) {
          return {
            ignored: `'${value}' is not understood before systemd ${extra.since}`,
            byVersion: extra.since
          }
        }
        if (extra.valid && !extra.valid(value)) return { ignored: `'${value}' is not valid` }
        s[key] = true
        return undefined
      }
      return { ignored: `'${value}' is not a boolean` }
    }
  }
}

/**
 * ProtectHostname=MODE:NAME (258): systemd expands NAME's specifiers before it reads MODE, so
 * `yes:%H` names the host (read off 259-262, where the gate took `%H` for a bad host name) and
 * `bogus:%J` makes systemd abort where %J does (259, 261, 262; 258 assumed alike).
 */
const PROTECT_HOSTNAME_NAMES = 258

function hostnameExpanded(directive: Directive): Directive {
  return {
    ...directive,
    apply(s, value, ctx) {
      const colon = value.indexOf(':')
      if (colon < 0 || ctx.version < PROTECT_HOSTNAME_NAMES) return directive.apply(s, value, ctx)
      const name = expandSpecifiers(value.slice(colon + 1), ctx.unit, ctx.version)
      if ('error' in name) return { ignored: `${name.error} in '${value}'` }
      return directive.apply(s, value.slice(0, colon + 1) + name.value, ctx)
    }
  }
}

function enumDirective<K extends keyof ServiceSettings>(
  key: K,
  values: readonly string[],
  options: { since?: number; section?: 'Service' | 'Unit'; byVersion?: Record<string, number> } = {}
): Directive {
  return {
    section: options.section ?? 'Service',
    since: options.since,
    apply(s, value, ctx) {
      const since = options.byVersion?.[value]
      if (since !== undefined && ctx.version < since) {
        return { ignored: `'${value}' is not understood before systemd ${since}`, byVersion: since }
      }
      if (!values.includes(value) && since === undefined) {
        return { ignored: `'${value}' is not one of ${values.join(', ')}` }
      }
      ;(s as unknown as Record<string, unknown>)[key] = value
      return undefined
    }
  }
}

/**
 * A user's service manager ignores the actions it cannot take ("SuccessAction= specified as user
 * mode action, ignoring"), and a user unit that relies on one (systemd-poweroff.service as a user
 * unit) is then refused: from 254 (252 does not; 253 unverified) reboot* and poweroff*, from 257
 * (255 does not; 256 unverified) every action but exit and exit-force.
 */
export const USER_MANAGER_ACTIONS = 254
export const USER_MANAGER_ALL_ACTIONS = 257
const USER_ACTIONS: ReadonlySet<string> = new Set(['none', 'exit', 'exit-force'])

function takenByUserManager(value: string, version: number): boolean {
  if (version < USER_MANAGER_ACTIONS || USER_ACTIONS.has(value)) return true
  return version < USER_MANAGER_ALL_ACTIONS && !/^(reboot|poweroff)/.test(value)
}

function actionsOfTheManager(directive: Directive): Directive {
  return {
    ...directive,
    apply(s, value, ctx) {
      if (
        s.userManager &&
        EMERGENCY_ACTIONS.includes(value) &&
        !takenByUserManager(value, ctx.version)
      ) {
        return { ignored: `'${value}' is not an action a user's service manager takes` }
      }
      return directive.apply(s, value, ctx)
    }
  }
}

function userDirective(key: 'user' | 'group'): Directive {
  return {
    section: 'Service',
    apply(s, value, ctx) {
      if (value === '') {
        s[key] = undefined
        return undefined
      }
      const expanded = expandSpecifiers(value, ctx.unit, ctx.version)
      if ('error' in expanded) return { fatal: `${expanded.error} in '${value}'` }
      if (!isValidUserOrGroup(expanded.value)) {
        return { fatal: `'${expanded.value}' is not a valid user or group name` }
      }
      s[key] = expanded.value
      return undefined
    }
  }
}

/**
 * A path setting whose bad value is fatal (config_parse_unit_path_printf with ltype true), kept in
 * `key`; without a key (RootVerity=) it is only checked.
 */
function rootPathDirective(
  key: 'rootDirectory' | 'rootImage' | 'rootMStack' | undefined,
  since?: number
): Directive {
  return {
    section: 'Service',
    since,
    apply(s, value, ctx) {
      const resolved = unitPathOf(value, ctx.unit, ctx.version)
      if ('error' in resolved) return { fatal: resolved.error }
      if (key) s[key] = 'unset' in resolved ? undefined : resolved.path
      return undefined
    }
  }
}

/** RootImagePolicy= and the like: a policy systemd cannot parse refuses the unit (see image-policy.ts). */
function imagePolicyDirective(): Directive {
  return {
    section: 'Service',
    since: IMAGE_POLICIES,
    apply(_s, value, ctx) {
      const error = imagePolicyError(value, ctx.version)
      return error === undefined ? undefined : { fatal: `not an image policy: ${error}` }
    }
  }
}

/**
 * SELinuxContext=, AppArmorProfile=, SmackProcessLabel=: only a failed specifier matters, fatal
 * unless the value starts with '-'.
 */
function securityLabelDirective(): Directive {
  return {
    section: 'Service',
    apply(_s, value, ctx) {
      const optional = value.startsWith('-')
      const expanded = expandSpecifiers(optional ? value.slice(1) : value, ctx.unit, ctx.version)
      if (!('error' in expanded)) return undefined
      return optional ? { ignored: expanded.error } : { fatal: expanded.error }
    }
  }
}

function ipDirective(key: 'ipAddressDeny' | 'ipAddressAllow'): Directive {
  return {
    section: 'Service',
    apply(s, value) {
      if (value === '') {
        s[key] = []
        return undefined
      }
      const { prefixes, invalid } = parseIpAssignment(value)
      s[key] = appended(s, s[key], prefixes)
      return invalid.length ? { dropped: invalid } : undefined
    }
  }
}

function ipFilterDirective(key: 'ipIngressFilterPath' | 'ipEgressFilterPath'): Directive {
  return {
    section: 'Service',
    apply(s, value, ctx) {
      if (value === '') {
        s[key] = []
        return undefined
      }
      const expanded = expandPathSpecifiers(value, ctx.unit, ctx.version)
      if ('error' in expanded) return { ignored: expanded.error }
      if (!isAbsoluteNormalPath(expanded.value, ctx.version)) {
        return { ignored: 'not an absolute path' }
      }
      s[key] = appended(s, s[key], [expanded.value])
      return undefined
    }
  }
}

function execDirective(key?: 'execStart' | 'execStop'): Directive {
  return {
    section: 'Service',
    apply(s, value, ctx) {
      const parsed = parseExecLine(value, ctx.unit, ctx.version)
      if (key) {
        if (parsed.reset) s[key] = []
        s[key] = appended(s, s[key], parsed.commands)
        if (key === 'execStart') {
          s.execStartLines = parsed.reset ? [] : appended(s, s.execStartLines, [value])
        }
      }
      if (parsed.fatal) return { fatal: parsed.fatal }
      if (parsed.ignored) return { ignored: parsed.ignored }
      return undefined
    }
  }
}

function capabilityDirective(key: 'capabilityBoundingSet' | 'ambientCapabilities'): Directive {
  const initial = key === 'capabilityBoundingSet' ? ALL_CAPABILITIES : 0n
  return {
    section: 'Service',
    apply(s, value, ctx) {
      const { next, unknown } = applyCapabilityAssignment(s[key], initial, value, ctx.version)
      s[key] = next
      return unknown.length ? { dropped: unknown } : undefined
    }
  }
}

/** Splits `ID:REST` at the first ':' not escaped by a backslash; undefined on a trailing backslash. */
function splitCredential(value: string): { id: string; rest?: string } | undefined {
  let id = ''
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!
    if (c === '\\') {
      if (i + 1 >= value.length) return undefined
      id += value[++i]
    } else if (c === ':') {
      return { id, rest: value.slice(i + 1) }
    } else {
      id += c
    }
  }
  return { id }
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

/**
 * unbase64mem(): whitespace is skipped anywhere; complete 4-character blocks; '=' only as the last
 * one or two characters of the last block, and then the unused bits must be zero.
 */
function isValidBase64(text: string): boolean {
  const chars = text.replace(/[ \t\n\r]/g, '')
  if (chars.length % 4 !== 0) return false
  for (let i = 0; i < chars.length; i += 4) {
    const [a, b, c, d] = [...chars.slice(i, i + 4)].map((ch) =>
      ch === '=' ? -2 : BASE64.indexOf(ch)
    )
    if (a! < 0 || b! < 0 || c === -1 || d === -1) return false
    const last = i + 4 === chars.length
    if (c === -2) return d === -2 && (b! & 15) === 0 && last
    if (d === -2) return (c! & 3) === 0 && last
  }
  return true
}

function credentialDirective(
  table: 'loadCredentials' | 'setCredentials',
  encrypted: boolean,
  since?: number
): Directive {
  return {
    section: 'Service',
    since,
    apply(s, value, ctx) {
      if (value === '') {
        s[table] = new Map()
        return undefined
      }
      // extract_first_word(":", DONT_COALESCE_SEPARATORS): the ID ends at the first unescaped ':',
      // quotes are ordinary characters; the rest of the line is the source or the data.
      const split = splitCredential(value)
      if (split === undefined) return { ignored: 'invalid credential syntax' }
      // SetCredential= looks for the data before it expands the ID (`SetCredential=%J` of foo-.service
      // does not make systemd abort)
      const rest = split.rest
      if (table === 'setCredentials' && (rest === undefined || rest === '')) {
        return { ignored: 'credential data is empty' }
      }
      const expandedId = expandSpecifiers(split.id, ctx.unit, ctx.version)
      if ('error' in expandedId) return { ignored: `${expandedId.error} in '${split.id}'` }
      const id = expandedId.value
      if (!isValidCredentialName(id)) return { ignored: `'${id}' is not a valid credential name` }
      if (table === 'loadCredentials') {
        if (rest !== undefined && rest !== '') {
          const expanded = expandPathSpecifiers(rest, ctx.unit, ctx.version)
          if ('error' in expanded) return { ignored: `${expanded.error} in '${rest}'` }
          const source = expanded.value
          const validSource = source.startsWith('/')
            ? isNormalizedPath(source)
            : isValidCredentialName(source)
          if (!validSource) return { ignored: `'${source}' is not a valid credential source` }
        }
      } else {
        const data = rest ?? ''
        if (
          encrypted
            ? !isValidBase64(data)
            : !cunescapeValid(data, { acceptNul: true, version: ctx.version })
        ) {
          return {
            ignored: encrypted
              ? 'encrypted credential data is not Base64'
              : 'invalid escape in the data'
          }
        }
      }
      const next = new Map(s[table])
      next.set(id, encrypted)
      s[table] = next
      return undefined
    }
  }
}

const SERVICE_TYPES = [
  'simple',
  'exec',
  'forking',
  'oneshot',
  'dbus',
  'notify',
  'idle',
  'notify-reload'
]
const RESTART_VALUES = [
  'no',
  'on-success',
  'on-failure',
  'on-abnormal',
  'on-watchdog',
  'on-abort',
  'always'
]
const EMERGENCY_ACTIONS = [
  'none',
  'exit',
  'exit-force',
  'reboot',
  'reboot-force',
  'reboot-immediate',
  'poweroff',
  'poweroff-force',
  'poweroff-immediate',
  'halt',
  'halt-force',
  'halt-immediate',
  'kexec',
  'kexec-force',
  'soft-reboot',
  'soft-reboot-force'
]

/** From here a PIDFile= below /proc, /sys or /dev refuses the unit (256 unverified, follows 255). */
const PID_FILE_OUTSIDE_API_FILE_SYSTEMS = 257
/** ImportCredential=GLOB:RENAME from here; before, the whole value is the glob (256 unverified). */
const IMPORT_CREDENTIAL_RENAME = 257

/** The directives that matter for the score or for loading, keyed by their exact (case-sensitive) name. */
export const DIRECTIVES: Readonly<Record<string, Directive>> = {
  User: userDirective('user'),
  Group: userDirective('group'),
  DynamicUser: {
    section: 'Service',
    apply(s, value) {
      const bool = parseBoolean(value)
      if (bool === undefined) return { fatal: `DynamicUser= takes a boolean, got '${value}'` }
      s.dynamicUser = bool
      return undefined
    }
  },
  SupplementaryGroups: {
    section: 'Service',
    apply(s, value, ctx) {
      if (value === '') {
        s.supplementaryGroups = []
        return undefined
      }
      const groups: string[] = []
      const { words, error } = extractWords(value)
      // an open quote or a final backslash is a syntax error, fatal as a bad name is
      if (error !== undefined) return { fatal: `invalid syntax (${error})` }
      for (const word of words) {
        const expanded = expandSpecifiers(word, ctx.unit, ctx.version)
        if ('error' in expanded) return { fatal: `${expanded.error} in '${word}'` }
        if (!isValidUserOrGroup(expanded.value)) {
          return { fatal: `'${expanded.value}' is not a valid group name` }
        }
        groups.push(expanded.value)
      }
      s.supplementaryGroups = appended(s, s.supplementaryGroups, groups)
      return undefined
    }
  },
  PrivateDevices: booleanDirective('privateDevices'),
  PrivateMounts: {
    section: 'Service',
    apply(s, value, ctx) {
      const bool = parseBoolean(value)
      if (bool !== undefined) s.privateMounts = bool
      // a tristate from 254: the empty assignment resets it (before, it was no boolean)
      else if (value === '' && ctx.version >= PRIVATE_MOUNTS_TRISTATE) s.privateMounts = undefined
      else return { ignored: `'${value}' is not a boolean` }
      return undefined
    }
  },
  PrivateNetwork: booleanDirective('privateNetwork'),
  PrivateTmp: whenApplied(
    // 257 made it an enum: no, connected (= yes), disconnected (found by a helper's probes; 257,
    // 259, 262 take `connected`)
    booleanDirective('privateTmp', { extra: [{ value: /^(dis)?connected$/, since: 257 }] }),
    noteMountMode('PrivateTmp=disconnected')
  ),
  PrivateUsers: whenApplied(
    booleanDirective('privateUsers', {
      extra: [
        { value: /^(self|identity)$/, since: 257 },
        { value: /^full$/, since: 258 },
        { value: /^managed$/, since: PRIVATE_USERS_MANAGED }
      ]
    }),
    (s, value) => {
      s.privateUsersManaged = value === 'managed'
    }
  ),
  UserNamespacePath: {
    section: 'Service',
    since: 259,
    apply(s, value, ctx) {
      const resolved = unitPathOf(value, ctx.unit, ctx.version)
      if ('error' in resolved) return { ignored: resolved.error }
      s.userNamespacePath = 'unset' in resolved ? undefined : resolved.path
      return undefined
    }
  },
  PrivatePIDs: booleanDirective('privatePIDs', { since: 257 }),
  ProtectControlGroups: whenApplied(
    booleanDirective('protectControlGroups', {
      extra: [{ value: /^(private|strict)$/, since: 257 }]
    }),
    noteMountMode('ProtectControlGroups=private')
  ),
  ProtectKernelModules: booleanDirective('protectKernelModules'),
  ProtectKernelTunables: booleanDirective('protectKernelTunables'),
  ProtectKernelLogs: booleanDirective('protectKernelLogs', { since: 244 }),
  ProtectClock: booleanDirective('protectClock', { since: 245 }),
  ProtectHostname: hostnameExpanded(
    booleanDirective('protectHostname', {
      since: 242,
      extra: [
        { value: /^private$/, since: 258 },
        // a host name for the unit's namespace: only a valid one (checked with 259)
        {
          value: /^(yes|private):/,
          since: 258,
          valid: (v) => isValidHostname(v.slice(v.indexOf(':') + 1))
        }
      ],
      // checked with 259 and 262 (257 keeps the value); 258, which brought the enum, assumed alike
      emptyResetsSince: 258
    })
  ),
  LockPersonality: booleanDirective('lockPersonality'),
  MemoryDenyWriteExecute: booleanDirective('memoryDenyWriteExecute'),
  NoNewPrivileges: booleanDirective('noNewPrivileges'),
  RestrictRealtime: booleanDirective('restrictRealtime'),
  RestrictSUIDSGID: booleanDirective('restrictSUIDSGID', { since: 242 }),
  RemoveIPC: booleanDirective('removeIPC'),
  ProtectHome: {
    section: 'Service',
    apply(s, value) {
      const bool = parseBoolean(value)
      if (bool !== undefined) s.protectHome = bool ? 'yes' : 'no'
      else if (value === 'read-only' || value === 'tmpfs') s.protectHome = value
      else return { ignored: `'${value}' is not a boolean, read-only or tmpfs` }
      return undefined
    }
  },
  ProtectSystem: {
    section: 'Service',
    apply(s, value) {
      const bool = parseBoolean(value)
      if (bool !== undefined) s.protectSystem = bool ? 'yes' : 'no'
      else if (value === 'full' || value === 'strict') s.protectSystem = value
      else return { ignored: `'${value}' is not a boolean, full or strict` }
      return undefined
    }
  },
  RootDirectory: rootPathDirective('rootDirectory'),
  RootImage: rootPathDirective('rootImage'),
  RootMStack: rootPathDirective('rootMStack', ROOT_MSTACK),
  CapabilityBoundingSet: capabilityDirective('capabilityBoundingSet'),
  AmbientCapabilities: capabilityDirective('ambientCapabilities'),
  UMask: {
    section: 'Service',
    apply(s, value) {
      if (!/^[0-7]+$/.test(value) || parseInt(value, 8) > 0o7777) {
        return { ignored: `'${value}' is not an octal mode` }
      }
      s.umask = parseInt(value, 8)
      return undefined
    }
  },
  KeyringMode: enumDirective('keyringMode', ['inherit', 'private', 'shared']),
  ProtectProc: enumDirective('protectProc', ['noaccess', 'invisible', 'ptraceable', 'default'], {
    since: 247
  }),
  ProcSubset: enumDirective('procSubset', ['all', 'pid'], { since: 247 }),
  NotifyAccess: enumDirective('notifyAccess', ['none', 'main', 'exec', 'all']),
  Delegate: {
    section: 'Service',
    apply(s, value) {
      if (value === '') {
        s.delegate = true
        return undefined
      }
      const bool = parseBoolean(value)
      if (bool !== undefined) {
        s.delegate = bool
        return undefined
      }
      if (extractWords(value, { unquote: true }).error) return { ignored: 'unbalanced quoting' }
      s.delegate = true
      return undefined
    }
  },
  RestrictNamespaces: {
    section: 'Service',
    apply(s, value) {
      const next = applyNamespaceAssignment(s.restrictNamespaces, value)
      if (next === undefined) return { ignored: `'${value}' is not a boolean or a namespace list` }
      s.restrictNamespaces = next
      return undefined
    }
  },
  RestrictAddressFamilies: {
    section: 'Service',
    apply(s, value, ctx) {
      const { next, unknown, notApplied } = applyAddressFamilyAssignment(
        s.addressFamilies,
        value,
        ctx.version
      )
      s.addressFamilies = next
      if (!unknown.length) return undefined
      return notApplied?.length ? { dropped: unknown, notApplied } : { dropped: unknown }
    }
  },
  SystemCallFilter: {
    section: 'Service',
    apply(s, value, ctx) {
      const { next, ignored } = applySyscallFilterAssignment(s.syscallFilter, value, ctx.version)
      s.syscallFilter = next
      if (!ignored.length) return undefined
      if (value.startsWith('~') || !ignored.some(errnoInAllowList)) return { dropped: ignored }
      return {
        dropped: ignored.filter((word) => !errnoInAllowList(word)),
        errnoInAllowList: ignored.filter(errnoInAllowList)
      }
    }
  },
  SystemCallArchitectures: {
    section: 'Service',
    apply(s, value) {
      const { next, unknown } = applyArchitecturesAssignment(s.syscallArchitectures, value)
      s.syscallArchitectures = next
      return unknown.length ? { dropped: unknown } : undefined
    }
  },
  IPAddressDeny: ipDirective('ipAddressDeny'),
  IPAddressAllow: ipDirective('ipAddressAllow'),
  IPIngressFilterPath: ipFilterDirective('ipIngressFilterPath'),
  IPEgressFilterPath: ipFilterDirective('ipEgressFilterPath'),
  DevicePolicy: enumDirective('devicePolicy', ['auto', 'closed', 'strict']),
  DeviceAllow: {
    section: 'Service',
    apply(s, value, ctx) {
      if (value === '') {
        s.deviceAllow = []
        return undefined
      }
      const first = extractFirstWord(value, 0, { unquote: true })
      if (first === undefined || 'error' in first) return { ignored: 'invalid syntax' }
      // unit_path_printf(): 4,095 bytes at most, then path_is_valid() (no name over 255 bytes)
      const expanded = expandPathSpecifiers(first.word, ctx.unit, ctx.version)
      if ('error' in expanded) return { ignored: expanded.error }
      let path = expanded.value
      if (!path.startsWith('block-') && !path.startsWith('char-')) {
        if (hasOverlongComponent(path) || !isDeviceNodePath(path, ctx.version)) {
          return { ignored: `'${path}' is not a device node path` }
        }
        path = simplifyPath(withoutLeadingDotDot(path, ctx.version))
      }
      const rights = value.slice(first.next)
      if (rights !== '' && !/^[rwm]+$/.test(rights))
        return { ignored: `invalid rights '${rights}'` }
      s.deviceAllow = appended(s, s.deviceAllow, [{ path, rights }])
      return undefined
    }
  },
  ...MOUNT_NAMESPACE_DIRECTIVES,
  // Settings the gate does not score, read only because a bad value makes the unit fail to load.
  PIDFile: {
    section: 'Service',
    apply(_s, value, ctx) {
      if (value === '') return undefined
      // config_parse_pid_file: a failed specifier is ignored; a relative path goes below /run
      const expanded = expandPathSpecifiers(value, ctx.unit, ctx.version)
      if ('error' in expanded) return { ignored: expanded.error }
      const path = expanded.value.startsWith('/') ? expanded.value : `/run/${expanded.value}`
      // systemd logs "ignoring" here, but returns the error: the unit does not load
      if (hasDotDot(withoutLeadingDotDot(path, ctx.version))) {
        return { fatal: `'${path}' is not normalized ('..')` }
      }
      if (hasOverlongComponent(path)) return { fatal: `'${path}' has a name over 255 bytes` }
      if (!isValidUtf8Value(path)) return { fatal: `'${path}' is not valid UTF-8` }
      // the /run/ before a relative path can take it to PATH_MAX
      const simple = simplifyPath(path)
      if (isOverPathMax(simple)) return { fatal: 'the path is 4,096 bytes or more' }
      // from 257 (PATH_CHECK_NON_API_VFS): 255 loads PIDFile=/dev/null, 257-262 refuse it
      if (
        ctx.version >= PID_FILE_OUTSIDE_API_FILE_SYSTEMS &&
        isBelowApiFileSystems(simple, false)
      ) {
        return { fatal: `'${path}' is below /proc, /sys or /dev` }
      }
      return undefined
    }
  },
  RootVerity: rootPathDirective(undefined, 246),
  RootImagePolicy: imagePolicyDirective(),
  MountImagePolicy: imagePolicyDirective(),
  ExtensionImagePolicy: imagePolicyDirective(),
  SELinuxContext: securityLabelDirective(),
  AppArmorProfile: securityLabelDirective(),
  SmackProcessLabel: securityLabelDirective(),
  WorkingDirectory: {
    section: 'Service',
    apply(s, value, ctx) {
      // an invalid path leaves the previous one in place
      if (value === '') {
        s.workingDirectory = undefined
        s.workingDirectoryHome = false
        return undefined
      }
      const missingOk = value.startsWith('-')
      const path = missingOk ? value.slice(1) : value
      if (path === '~') {
        s.workingDirectory = undefined
        s.workingDirectoryHome = true
        return undefined
      }
      const resolved = absolutePathOf(path, ctx.unit, ctx.version)
      if ('error' in resolved) {
        return missingOk ? { ignored: resolved.error } : { fatal: resolved.error }
      }
      s.workingDirectory = resolved.path
      s.workingDirectoryHome = false
      return undefined
    }
  },
  MountImages: {
    section: 'Service',
    since: 247,
    apply(s, value, ctx) {
      if (value === '') {
        s.mountImages = 0
        return undefined
      }
      const count = countImages(value, true, ctx.unit, ctx.version)
      s.mountImages += count
      return undefined
    }
  },
  ImportCredential: {
    section: 'Service',
    since: 254,
    // config_parse_import_credential(): GLOB[:RENAME], each a credential name or one ending in '*'
    // (read off 257 and 262: `foo*`, `*`, `foo:bar`, `foo:`, `foo:ba*` count; `fo*o`, `a/b`,
    // `foo:a/b`, `%Z` are ignored)
    apply(s, value, ctx) {
      if (value === '') {
        s.importCredentials = false
        return undefined
      }
      // up to 255 the whole value is the glob, expanded at once (`x:%J` of foo-.service makes 254
      // and 255 abort, not 257); its ':' then makes it no name
      const split =
        ctx.version < IMPORT_CREDENTIAL_RENAME
          ? { id: value, rest: undefined }
          : splitCredential(value)
      if (split === undefined) return { ignored: 'invalid credential syntax' }
      const glob = expandSpecifiers(split.id, ctx.unit, ctx.version)
      if ('error' in glob) return { ignored: `${glob.error} in '${split.id}'` }
      // a glob may end in '*'; a glob character anywhere else makes it no name
      const valid = (name: string): boolean => {
        const stem = name.endsWith('*') ? name.slice(0, -1) : name
        return (
          (stem === '' && name === '*') || (isValidCredentialName(stem) && !/[*?[\]]/.test(stem))
        )
      }
      if (!valid(glob.value)) return { ignored: `'${glob.value}' is not a credential name or glob` }
      if (split.rest !== undefined && split.rest !== '' && !valid(split.rest)) {
        return { ignored: `'${split.rest}' is not a credential name to import as` }
      }
      s.importCredentials = true
      return undefined
    }
  },
  LoadCredential: credentialDirective('loadCredentials', false),
  LoadCredentialEncrypted: credentialDirective('loadCredentials', true, 250),
  SetCredential: credentialDirective('setCredentials', false),
  SetCredentialEncrypted: credentialDirective('setCredentials', true, 250),
  Type: enumDirective('type', SERVICE_TYPES, { byVersion: { 'notify-reload': 253 } }),
  ExecStart: execDirective('execStart'),
  ExecStop: execDirective('execStop'),
  ExecStartPre: execDirective(),
  ExecStartPost: execDirective(),
  ExecCondition: execDirective(),
  ExecReload: execDirective(),
  // NEWS 259; parsed as every Exec*= line, so a bad one refuses the unit (older ones ignore the key)
  ExecReloadPost: { ...execDirective(), since: 259 },
  ExecStopPost: execDirective(),
  RemainAfterExit: booleanDirective('remainAfterExit'),
  BusName: {
    section: 'Service',
    // config_parse_bus_name(): specifiers expanded, then a name sd-bus would not take is ignored,
    // the empty one too (it does not reset an earlier BusName=)
    apply(s, value, ctx) {
      const expanded = expandSpecifiers(value, ctx.unit, ctx.version)
      if ('error' in expanded) return { ignored: `${expanded.error} in '${value}'` }
      if (!isValidBusName(expanded.value)) {
        return { ignored: `'${expanded.value}' is not a valid D-Bus name` }
      }
      s.busName = expanded.value
      return undefined
    }
  },
  Restart: enumDirective('restart', RESTART_VALUES),
  RestartForceExitStatus: {
    section: 'Service',
    apply(s, value, ctx) {
      if (value === '') {
        s.restartForceExitStatus = false
        return undefined
      }
      const valid = extractWords(value).words.some((word) =>
        isExitStatusOrSignal(word, ctx.version)
      )
      if (valid) s.restartForceExitStatus = true
      return valid ? undefined : { ignored: 'no valid exit status' }
    }
  },
  ExitType: enumDirective('exitType', ['main', 'cgroup'], { since: 250 }),
  PAMName: {
    section: 'Service',
    // config_parse_unit_string_printf(): a value whose specifiers do not expand is ignored
    apply(s, value, ctx) {
      const expanded = expandSpecifiers(value, ctx.unit, ctx.version)
      if ('error' in expanded) return { ignored: `${expanded.error} in '${value}'` }
      s.pamName = expanded.value === '' ? undefined : expanded.value
      return undefined
    }
  },
  KillMode: enumDirective('killMode', ['control-group', 'process', 'mixed', 'none']),
  DefaultDependencies: {
    section: 'Unit',
    apply(s, value) {
      const bool = parseBoolean(value)
      if (bool === undefined) return { ignored: `'${value}' is not a boolean` }
      s.defaultDependencies = bool
      return undefined
    }
  },
  SuccessAction: actionsOfTheManager(
    enumDirective('successAction', EMERGENCY_ACTIONS, {
      section: 'Unit',
      byVersion: {
        'soft-reboot': 254,
        'soft-reboot-force': 254,
        kexec: 253,
        'kexec-force': 253,
        // systemd 252 refuses them, 254 (Debian's backport, checked) accepts them
        halt: 254,
        'halt-force': 254,
        'halt-immediate': 254
      }
    })
  )
}

const LOWERCASE_DIRECTIVES = new Map(Object.keys(DIRECTIVES).map((key) => [key.toLowerCase(), key]))

// One lookup for every line of every unit, with a key from the file.
interface KeyInfo {
  /** the key as an internalized literal: a key sliced out of a line (13+ characters) is a string
   * every Map hashes anew and compares in a slow runtime call, so it is looked up only once */
  name: string
  directive: Directive | undefined
  /** the section in which the fix engine records it */
  recordedIn: string | undefined
  /** for a key the gate does not read: the directive it names but for its case, if any */
  caseOf: string | undefined
  /** which measured systemd versions know it, by section (see unknown-keys.ts) */
  masks: readonly number[]
  /** the section every measured version knows it in: no need to look further there */
  home: string | undefined
  /** what systemd warns of an assignment of it, if it ever does (see load-warnings.ts) */
  warn: LoadWarning | undefined
}

function keyInfoOf(
  name: string,
  directive: Directive | undefined,
  recordedIn: string | undefined,
  caseOf: string | undefined
): KeyInfo {
  const masks = keyMasks(name)
  const warn = Object.hasOwn(LOAD_WARNINGS, name) ? LOAD_WARNINGS[name] : undefined
  return { name, directive, recordedIn, caseOf, masks, home: homeSection(masks), warn }
}

const KEY_INFO = new Map<string, KeyInfo>(
  [...new Set([...Object.keys(DIRECTIVES), ...Object.keys(RECORDED_DIRECTIVES)])].map((name) => [
    name,
    keyInfoOf(name, DIRECTIVES[name], RECORDED_DIRECTIVES[name], undefined)
  ])
)
const KNOWN_KEYS = KEY_INFO.size

/**
 * Whether systemd `version` reads a key the measured tables list (unknown-keys.ts), as far as the
 * directives' first versions tell: the tables start at 252, targets go down to 240.
 */
export function readsKeyAt(key: string, version: number): boolean {
  const since = Object.hasOwn(DIRECTIVES, key) ? DIRECTIVES[key]!.since : undefined
  return since === undefined || version >= since
}

/** What a key is; the keys the gate does not read (Description=, After= ...) are remembered too. */
function keyInfo(key: string): KeyInfo {
  let info = KEY_INFO.get(key)
  if (info === undefined) {
    // a copy: the key may be a slice that keeps the whole file it came from in memory
    const name = (' ' + key).slice(1)
    const caseOf = LOWERCASE_DIRECTIVES.get(name.toLowerCase())
    info = keyInfoOf(name, undefined, undefined, caseOf)
    if (KEY_INFO.size < KNOWN_KEYS + 4096) KEY_INFO.set(name, info)
  }
  return info
}

function describeDropped(
  key: string,
  words: string[],
  notApplied: string[] = [],
  errnoInAllowList: string[] = []
): string {
  const list = (items: string[]): string => {
    const shown = items.slice(0, 5).map((w) => `'${w}'`)
    return shown.join(', ') + (items.length > 5 ? ` and ${items.length - 5} more` : '')
  }
  const them = (items: string[]): string => (items.length === 1 ? 'it' : 'them')
  const withErrno = errnoInAllowList.length
    ? `${list(errnoInAllowList)}: a system call the list allows cannot take an error number; systemd drops ${them(errnoInAllowList)}`
    : ''
  if (!words.length) return `${key}=: ${withErrno}`
  const dropped =
    `${key}=: ${list(words)} not understood; systemd drops ${them(words)}` +
    (withErrno ? `; ${withErrno}` : '')
  if (!notApplied.length) return dropped
  return `${dropped} and stops there: ${list(notApplied)} after it ${notApplied.length === 1 ? 'is' : 'are'} not applied either`
}

interface AppliedFile {
  /** the error that stopped the file (the unit fails to load when it is the unit file) */
  fatal?: { line: number; message: string }
  /** systemd aborts at this line (SpecifierAbort): the unit does not load, whichever file it is */
  aborted?: { line: number; message: string }
  serviceLine?: number
}

/** Applies the assignments of one file; returns the fatal error, if any, that stopped it. */
function applyFile(
  file: UnitFileInput,
  bytes: Uint8Array,
  settings: ServiceSettings,
  sources: Map<string, SourceRef> | undefined,
  diagnostics: Diagnostic[],
  comments: LoadedService['comments'],
  ctx: Context
): AppliedFile {
  const parsed = parseUnitText(bytes, undefined, ctx.version)
  // the parser's notices as systemd reads the lines: none after a line that stops the file
  // (config_parse() returns at the first error), so they are listed up to the assignment applied
  let noticed = 0
  const noticeBefore = (stop: number): void => {
    for (; noticed < parsed.warnings.length; noticed++) {
      const warning = parsed.warnings[noticed]!
      if (warning.line >= stop) return
      addDiagnostic(diagnostics, {
        file: file.path,
        line: warning.line,
        severity: 'notice',
        code: 'syntax',
        message: warning.message
      })
    }
  }
  for (const comment of parsed.comments) comments.push({ file: file.path, ...comment })
  const abortable = hasEmptyLastComponent(ctx.unit)
  let line = 0
  try {
    for (const assignment of parsed.assignments) {
      line = assignment.line
      if (noticed < parsed.warnings.length) noticeBefore(line)
      const { value, section } = assignment
      const info = keyInfo(assignment.key)
      const key = info.name
      if (!ctx.skipRecording && info.recordedIn === section) {
        record(settings, key, value, ctx.ownsRecorded)
      }
      const directive = info.directive
      if (
        info.warn !== undefined &&
        section === 'Service' &&
        (directive?.since === undefined || ctx.version >= directive.since)
      ) {
        const warning = info.warn(value, ctx.unit, ctx.version)
        if (warning !== undefined)
          addDiagnostic(diagnostics, {
            file: file.path,
            line: assignment.line,
            severity: 'warning',
            code: 'systemd-warning',
            key,
            message: warning
          })
      }
      if (!directive) {
        if (abortable) expandUnreadSetting(`${section}.${key}`, value, ctx.unit, ctx.version)
        const known = info.caseOf
        if (known) {
          addDiagnostic(diagnostics, {
            file: file.path,
            line: assignment.line,
            severity: ctx.hardeningKeys?.has(known) ? 'error' : 'warning',
            code: 'unknown-key',
            key,
            message: `'${key}' is not '${known}': keys are case-sensitive, so systemd ignores this line`
          })
        } else if (section !== info.home) {
          // a guess at the key meant (~7 us) for a unit's first problems only: a file of thousands
          // of unknown keys is not a typo
          const guess = diagnostics.length < MAX_GUESSED
          const ignored = ignoredKey(key, section, info.masks, ctx.version, guess, readsKeyAt)
          if (ignored !== undefined)
            addDiagnostic(diagnostics, {
              file: file.path,
              line: assignment.line,
              // a misspelt directive of the checks looks like hardening and does nothing
              severity:
                ignored.meant !== undefined && ctx.hardeningKeys?.has(ignored.meant)
                  ? 'error'
                  : 'warning',
              code: ignored.code,
              key,
              message: ignored.message
            })
        }
        continue
      }
      const at = { file: file.path, line: assignment.line }
      if (directive.section !== section) {
        addDiagnostic(diagnostics, {
          ...at,
          severity: 'error',
          code: 'wrong-section',
          key,
          message: `${key}= belongs in [${directive.section}]; under [${section}] systemd ignores it`
        })
        continue
      }
      if (directive.since !== undefined && ctx.version < directive.since) {
        addDiagnostic(diagnostics, {
          ...at,
          severity: 'warning',
          code: 'ignored-by-version',
          key,
          message: `${key}= is ignored by systemd ${ctx.version} (it exists from ${directive.since})`
        })
        continue
      }
      const outcome = directive.apply(settings, value, ctx)
      if (outcome === undefined) {
        sources?.set(key, at)
      } else if ('fatal' in outcome) {
        return { fatal: { line: assignment.line, message: `${key}=${value}: ${outcome.fatal}` } }
      } else if ('dropped' in outcome) {
        sources?.set(key, at)
        addDiagnostic(diagnostics, {
          ...at,
          severity: 'warning',
          code: 'dropped-words',
          key,
          message: describeDropped(
            key,
            outcome.dropped,
            outcome.notApplied,
            outcome.errnoInAllowList
          )
        })
      } else {
        addDiagnostic(diagnostics, {
          ...at,
          severity: 'error',
          code: outcome.byVersion ? 'ignored-by-version' : 'ignored-value',
          key,
          message: outcome.byVersion
            ? `${key}=${value} is ignored by systemd ${ctx.version}: ${outcome.ignored}`
            : `${key}=${value} is ignored by systemd: ${outcome.ignored}; the previous value stays`
        })
      }
    }
  } catch (error) {
    if (!(error instanceof SpecifierAbort)) throw error
    return { aborted: { line, message: error.message } }
  }
  noticeBefore(Infinity)
  return { fatal: parsed.fatal, serviceLine: parsed.sectionLines['Service'] }
}

/** The settings applyImpliedSettings() may change (the fix engine restores them between variants). */
export const IMPLIED_SETTINGS_KEYS = [
  'user',
  'privateTmp',
  'removeIPC',
  'protectSystem',
  'protectHome',
  'noNewPrivileges',
  'restrictSUIDSGID',
  'capabilityBoundingSet',
  'devicePolicy'
] as const satisfies ReadonlyArray<keyof ServiceSettings>

// Capabilities the implied settings remove from the bounding set (computed once, not per unit).
const DROPPED_BY_PRIVATE_DEVICES = capabilityMask('CAP_MKNOD', 'CAP_SYS_RAWIO')
const DROPPED_BY_PROTECT_KERNEL_MODULES = capabilityMask('CAP_SYS_MODULE')
const DROPPED_BY_PROTECT_KERNEL_LOGS = capabilityMask('CAP_SYSLOG')
const DROPPED_BY_PROTECT_CLOCK = capabilityMask('CAP_SYS_TIME', 'CAP_WAKE_ALARM')

/** Settings systemd implies at load time (unit_patch_contexts), offline as online. */
export function applyImpliedSettings(s: ServiceSettings, unit: UnitName): void {
  if (s.dynamicUser) {
    if (s.user === undefined) {
      s.user = isStrictUserName(unit.prefix) ? unit.prefix : `_du${unit.prefix.length.toString(16)}`
    }
    s.privateTmp = true
    s.removeIPC = true
    s.protectSystem = 'strict'
    if (s.protectHome === 'no') s.protectHome = 'read-only'
    s.noNewPrivileges = true
    s.restrictSUIDSGID = true
  }
  if (s.privateDevices) s.capabilityBoundingSet &= ~DROPPED_BY_PRIVATE_DEVICES
  if (s.protectKernelModules) s.capabilityBoundingSet &= ~DROPPED_BY_PROTECT_KERNEL_MODULES
  if (s.protectKernelLogs) s.capabilityBoundingSet &= ~DROPPED_BY_PROTECT_KERNEL_LOGS
  if (s.protectClock) s.capabilityBoundingSet &= ~DROPPED_BY_PROTECT_CLOCK
  if (s.privateDevices && s.devicePolicy === 'auto') s.devicePolicy = 'closed'
}

/** Device entries systemd appends at load time; they only matter under a closed or strict policy. */
export function impliedDeviceEntries(
  s: ServiceSettings,
  version: number
): Array<{ path: string; rights: string }> {
  const entries: Array<{ path: string; rights: string }> = []
  if (s.devicePolicy === 'auto' && s.deviceAllow.length === 0) return entries
  if (s.rootImage !== undefined || s.rootMStack !== undefined || s.mountImages > 0) {
    entries.push(
      { path: '/dev/loop-control', rights: 'rw' },
      { path: '/dev/mapper/control', rights: 'rw' },
      { path: 'block-loop', rights: 'rwm' },
      { path: 'block-blkext', rights: 'rwm' },
      { path: 'block-device-mapper', rights: 'rwm' }
    )
  }
  if (s.protectClock) entries.push({ path: 'char-rtc', rights: 'r' })
  const encrypted = [...s.loadCredentials.values(), ...s.setCredentials.values()].some(Boolean)
  if (encrypted && version < TPM_DEVICE_DROPPED_IN)
    entries.push({ path: '/dev/tpmrm0', rights: 'rw' })
  return entries
}

/** From this version on, encrypted credentials no longer add /dev/tpmrm0 to the device list. */
const TPM_DEVICE_DROPPED_IN = 259

/** Loads one service: main file, drop-ins, implied settings, refusal checks. */
export function loadService(input: LoadInput): LoadResult {
  const diagnostics: Diagnostic[] = []
  const { main } = input
  if (main.bytes === null || main.bytes.length === 0) {
    return {
      status: 'masked',
      reason: 'the unit is masked (empty file or link to /dev/null)',
      diagnostics
    }
  }
  const ctx: Context = {
    unit: input.unit,
    version: input.version,
    ownsRecorded: true,
    skipRecording: input.record === false,
    hardeningKeys: input.hardeningKeys
  }
  const settings = settingsFor(input.manager)
  const sources = new Map<string, SourceRef>()
  const comments: LoadedService['comments'] = []
  const mainCtx = input.requestedAs ? { ...ctx, unit: input.requestedAs } : ctx
  const mainResult = applyFile(main, main.bytes, settings, sources, diagnostics, comments, mainCtx)
  /** the unit does not load: refused or aborted at this line of this file */
  const stoppedAt = (file: UnitFileInput, stop: { line: number; message: string }): LoadResult => ({
    status: 'invalid',
    reason: stop.message,
    at: { file: file.path, line: stop.line },
    diagnostics
  })
  const mainStop = mainResult.aborted ?? mainResult.fatal
  if (mainStop) return stoppedAt(main, mainStop)
  for (const dropIn of input.dropIns) {
    if (dropIn.bytes === null || dropIn.bytes.length === 0) continue
    const result = applyFile(dropIn, dropIn.bytes, settings, sources, diagnostics, comments, ctx)
    if (result.aborted) return stoppedAt(dropIn, result.aborted)
    if (result.fatal) {
      addDiagnostic(diagnostics, {
        file: dropIn.path,
        line: result.fatal.line,
        severity: 'error',
        code: 'dropin-stopped',
        message: `${result.fatal.message}; systemd ignores the rest of this drop-in`
      })
    }
  }
  // Implied settings only reassign fields (never mutate the sets, maps and arrays inside), so a
  // shallow copy keeps the settings as written; whoever edits them copies deeply (copySettings).
  const raw = ctx.skipRecording ? undefined : { ...settings }
  applyImpliedSettings(settings, input.unit)
  const refused = refusal(settings, input.version)
  const serviceHeader = { file: main.path, line: mainResult.serviceLine ?? 1 }
  if (refused) return { status: 'invalid', reason: refused, at: serviceHeader, diagnostics }
  const files = [main.path, ...input.dropIns.map((d) => d.path)]
  const loaded: LoadedService = {
    status: 'loaded',
    settings,
    sources,
    serviceHeader,
    diagnostics,
    comments,
    files
  }
  if (raw) loaded.raw = raw
  return loaded
}

// ---------------------------------------------------------------------------------------------------
// For the fix engine: the settings before the implied ones, extended cheaply by more assignments.

/**
 * The settings after the unit file and the given drop-ins, before the settings systemd implies at
 * load time (undefined when the unit file does not load). Diagnostics are discarded.
 */
export function readRawSettings(input: LoadInput): ServiceSettings | undefined {
  const { main } = input
  if (main.bytes === null || main.bytes.length === 0) return undefined
  const ctx: Context = { unit: input.unit, version: input.version }
  const settings = settingsFor(input.manager)
  const applied = applyFile(main, main.bytes, settings, undefined, [], [], ctx)
  if (applied.fatal || applied.aborted) return undefined
  for (const dropIn of input.dropIns) applyDropInTo(settings, dropIn, input.unit, input.version)
  return settings
}

/** Applies one more drop-in file to raw settings, as loadService does (a fatal line stops the file). */
export function applyDropInTo(
  settings: ServiceSettings,
  dropIn: UnitFileInput,
  unit: UnitName,
  version: number
): void {
  if (dropIn.bytes === null || dropIn.bytes.length === 0) return
  applyFile(dropIn, dropIn.bytes, settings, undefined, [], [], { unit, version })
}

/**
 * Applies one [Service] assignment to raw settings as a drop-in line would (no syntax layer: the
 * caller writes plain values). Returns false when systemd would ignore or refuse the line.
 */
export function applyServiceAssignment(
  settings: ServiceSettings,
  key: string,
  value: string,
  unit: UnitName,
  version: number
): boolean {
  if (Object.hasOwn(RECORDED_DIRECTIVES, key) && RECORDED_DIRECTIVES[key] === 'Service') {
    record(settings, key, value)
  }
  const directive = Object.hasOwn(DIRECTIVES, key) ? DIRECTIVES[key] : undefined
  if (!directive) return Object.hasOwn(RECORDED_DIRECTIVES, key)
  if (directive.section !== 'Service') return false
  if (directive.since !== undefined && version < directive.since) return false
  const outcome = directive.apply(settings, value, { unit, version })
  return outcome === undefined
}

/** A copy that later assignments can change without touching the original. */
export function copySettings(s: ServiceSettings): ServiceSettings {
  const copy = { ...s }
  // The one value the directive appliers update in place (the others are replaced).
  if (s.syscallFilter) copy.syscallFilter = copySyscallFilter(s.syscallFilter)
  return copy
}
