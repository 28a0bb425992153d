/**
 * The rollout phases of seed 004 ("Phase 1 - the low-risk trio" ... "Phase 5 - network
 * restrictions"), and which phase each directive the fix engine writes belongs to. Suggested drop-ins
 * are written one comment block per phase, so a team can roll them out phase by phase.
 */

export interface Phase {
  number: number
  title: string
  /** what to watch for when rolling this phase out */
  watch: string
}

export const PHASES: readonly Phase[] = [
  {
    number: 1,
    title: 'low-risk trio',
    watch:
      'rarely breaks anything: setuid helpers (sudo, ping), files exchanged through /tmp, data in home directories'
  },
  {
    number: 2,
    title: 'file system: read-only OS, declared write paths',
    watch: '"Read-only file system" and "Permission denied" in the journal: add the paths it writes'
  },
  {
    number: 3,
    title: 'identity',
    watch:
      'files it owns on disk and files only root may read; a stable UID needs User= instead of DynamicUser='
  },
  {
    number: 4,
    title: 'capabilities and system calls',
    watch: '"Operation not permitted" (EPERM) in the journal, crashes of JIT runtimes'
  },
  {
    number: 5,
    title: 'network',
    watch:
      'the sockets it opens (ss -tulpn, ss -tnp); name resolution needs AF_UNIX and AF_INET/AF_INET6'
  }
]

/** The phase of each directive the engine may suggest (the row's first directive decides a check's phase). */
export const DIRECTIVE_PHASE: Readonly<Record<string, number>> = {
  NoNewPrivileges: 1,
  PrivateTmp: 1,
  ProtectHome: 1,
  ProtectSystem: 2,
  ProtectKernelTunables: 2,
  ProtectKernelModules: 2,
  ProtectKernelLogs: 2,
  ProtectControlGroups: 2,
  PrivateDevices: 2,
  DevicePolicy: 2,
  DeviceAllow: 2,
  ProtectProc: 2,
  ProcSubset: 2,
  PrivateMounts: 2,
  UMask: 2,
  RootDirectory: 2,
  User: 3,
  DynamicUser: 3,
  RemoveIPC: 3,
  PrivateUsers: 3,
  SupplementaryGroups: 3,
  KeyringMode: 3,
  CapabilityBoundingSet: 4,
  AmbientCapabilities: 4,
  SystemCallFilter: 4,
  SystemCallArchitectures: 4,
  MemoryDenyWriteExecute: 4,
  LockPersonality: 4,
  RestrictRealtime: 4,
  RestrictSUIDSGID: 4,
  RestrictNamespaces: 4,
  ProtectClock: 4,
  ProtectHostname: 4,
  NotifyAccess: 4,
  Delegate: 4,
  RestrictAddressFamilies: 5,
  IPAddressDeny: 5,
  IPAddressAllow: 5,
  PrivateNetwork: 5
}

export function phaseOf(directive: string): number | undefined {
  return DIRECTIVE_PHASE[directive]
}
