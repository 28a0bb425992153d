/**
 * One documentation page per check (docs/checks/<id>.md), generated from the check table and the fix
 * engine's rules: what the check protects against, the directive that fixes it, when the fix breaks a
 * service and what to do instead, its weight. scripts/gen-check-docs.mjs writes the pages;
 * __tests__/docs.test.ts fails when they differ from what this module renders.
 */
import type { CheckDefinition } from './checks.js'
import { CHECKS, docsFileName, docsUrl } from './checks.js'
import { INLINE_SYNTAX } from './exceptions.js'
import { PHASES, phaseOf } from './phases.js'

const TOTAL_WEIGHT = CHECKS.reduce((sum, c) => sum + c.weight, 0)

/** What the fix engine writes for a directive, and when it leaves it out (service-profile.ts rules). */
const ENGINE: Record<string, { writes: string; leavesOut: string }> = {
  User: {
    writes:
      '`DynamicUser=yes` for a service that runs as root (or as `nobody`), with `StateDirectory=`, `CacheDirectory=`, `LogsDirectory=`, `RuntimeDirectory=` for the paths it writes under /var/lib, /var/cache, /var/log and /run, and `AmbientCapabilities=CAP_NET_BIND_SERVICE` when it listens on a port below 1024. An explicit `User=nobody` is reset first (`User=`), because `DynamicUser=yes` keeps an explicit user.',
    leavesOut:
      'a service that already runs as a dedicated user (a stable UID owns its files: keep it); `User=root` set explicitly; a daemon that starts as root and switches user itself (nginx, sshd, postgres via pg_ctlcluster, dnsmasq, `-u USER` options); login and session services; package managers; container managers; anything that writes outside the systemd-managed directories (then the suggestion explains how to create a dedicated user instead); services that need devices, the clock, kernel modules or network administration.'
  },
  SupplementaryGroups: {
    writes: 'nothing: groups listed explicitly grant access the service needs (devices, sockets).',
    leavesOut: 'always; remove the groups by hand when they are not needed.'
  },
  PrivateDevices: {
    writes:
      '`PrivateDevices=yes`; when the unit names device nodes (`/dev/ttyUSB0` in its command line, `DeviceAllow=`), `DevicePolicy=closed` with a `DeviceAllow=` entry per device instead.',
    leavesOut:
      'services that use hardware (disks, serial ports, GPUs, TPM, input devices, members of the dialout/video/render... groups), login sessions and container managers.'
  },
  PrivateMounts: {
    writes:
      '`PrivateMounts=yes`. From systemd 254, systemd-analyze counts an unset `PrivateMounts=` as set (only `PrivateMounts=no` costs there), so at those versions the row only fails on an explicit `no`.',
    leavesOut:
      'services that mount file systems for others to see (automounters, FUSE, storage agents) and container managers.'
  },
  PrivateNetwork: {
    writes:
      '`PrivateNetwork=yes` only when the unit shows the service uses no network (`RestrictAddressFamilies=` without AF_INET/AF_INET6, or the policy says `"network": "none"`).',
    leavesOut:
      'any sign of network use (a port, a listening socket, a URL, `network-online.target`, a known network daemon), and when nothing shows either way: then the suggestion says to observe its sockets first (`ss -tulpn`, `ss -tnp`). DNS needs the network too.'
  },
  PrivateTmp: {
    writes: '`PrivateTmp=yes` (phase 1).',
    leavesOut:
      'services that exchange files or sockets with others through /tmp, and login sessions.'
  },
  PrivateUsers: {
    writes:
      '`PrivateUsers=yes` for a service that runs (or will run) as an unprivileged user, as a stronger phase 3 step.',
    leavesOut:
      'root services, services that bind ports below 1024 or need any capability (capabilities inside a user namespace do not count on the host), container managers, device users.'
  },
  ProtectControlGroups: {
    writes: '`ProtectControlGroups=yes`.',
    leavesOut: 'container managers and services with `Delegate=`.'
  },
  ProtectKernelModules: {
    writes: '`ProtectKernelModules=yes`.',
    leavesOut:
      'services that run modprobe/insmod (also in `ExecStartPre=`), package managers, container managers.'
  },
  ProtectKernelTunables: {
    writes: '`ProtectKernelTunables=yes`.',
    leavesOut: 'services that run sysctl or write /proc/sys or /sys, container managers.'
  },
  ProtectKernelLogs: {
    writes: '`ProtectKernelLogs=yes`.',
    leavesOut: 'log collectors that read /dev/kmsg or /proc/kmsg (rsyslog, syslog-ng, klogd).'
  },
  ProtectClock: {
    writes:
      '`ProtectClock=yes` (note: under a closed device policy it adds `char-rtc` to the device list, so `DeviceAllow=` scores 5 instead of 0).',
    leavesOut: 'time synchronisation daemons (chronyd, ntpd, systemd-timesyncd, ptp4l, hwclock).'
  },
  ProtectHome: {
    writes:
      '`ProtectHome=yes`; `ProtectHome=read-only` when the unit runs something from a home directory or reads files there (certificates, keys), plus `ReadWritePaths=` for home paths it writes.',
    leavesOut: 'login and session services, package managers, container managers.'
  },
  ProtectHostname: {
    writes: '`ProtectHostname=yes`.',
    leavesOut: 'services that set the host name (hostnamectl, DHCP clients, cloud-init).'
  },
  ProtectSystem: {
    writes:
      '`ProtectSystem=strict` with `ReadWritePaths=` (or `RuntimeDirectory=`) for every path the unit shows it writes: `PIDFile=`, `WorkingDirectory=`, data and log paths in `ExecStart=` and `Environment=`, `RequiresMountsFor=`, the usual places of well-known programs and `/var/lib/NAME`, `/var/log/NAME`, `/var/cache/NAME` (prefixed `-`: ignored when missing). When the unit does not declare its writes itself, `ProtectSystem=full` comes first and `strict` is the stronger step, with a note to observe what it writes.',
    leavesOut:
      'package managers and tools that maintain files all over the system, login sessions. Note: seed 000 says "use full if the service needs to write to /etc", but `full` makes /etc read-only too (systemd.exec(5)); the engine declares the /etc path it writes with `ReadWritePaths=` under `strict` instead, or leaves `full` out.'
  },
  RootDirectory: {
    writes: 'nothing: a root directory or image has to be built for the service first.',
    leavesOut: 'always.'
  },
  LockPersonality: {
    writes: '`LockPersonality=yes`.',
    leavesOut: 'emulators and services running binaries of another architecture.'
  },
  MemoryDenyWriteExecute: {
    writes: '`MemoryDenyWriteExecute=yes`.',
    leavesOut:
      'JIT runtimes in `ExecStart=` (node, java, dotnet, python, ruby, php, erlang/elixir, deno, bun, LuaJIT, PostgreSQL with LLVM JIT, browsers, emulators) and scripts whose real program the unit does not show.'
  },
  NoNewPrivileges: {
    writes:
      '`NoNewPrivileges=yes` (phase 1). For an unprivileged service that binds a port below 1024 without ambient capabilities it also adds `AmbientCapabilities=CAP_NET_BIND_SERVICE`, because NoNewPrivileges= also blocks file capabilities (`setcap`).',
    leavesOut:
      'services that run setuid helpers (sudo, su, sendmail/postdrop, dbus-daemon-launch-helper), login sessions, package managers, container managers.'
  },
  CapabilityBoundingSet: {
    writes:
      'For an unprivileged service: `CapabilityBoundingSet=` (empty) then the capabilities it needs (`CAP_NET_BIND_SERVICE` for a port below 1024, the ones the unit already grants), so an existing list cannot merge in. For root: first `CapabilityBoundingSet=~` the administration capabilities a service does not use (CAP_SYS_ADMIN, CAP_SYS_PTRACE, CAP_SYS_MODULE, ...; removing from whatever the unit allows), then, as a stronger step, only the capabilities its traits need.',
    leavesOut:
      'nothing entirely, but a root daemon that switches user keeps CAP_SETUID/CAP_SETGID/CAP_CHOWN/CAP_DAC_OVERRIDE..., a time daemon CAP_SYS_TIME, a VPN CAP_NET_ADMIN, a device user CAP_SYS_RAWIO; login sessions and container managers get no capability change.'
  },
  AmbientCapabilities: {
    writes:
      '`AmbientCapabilities=` (empty) for a root service (it has every capability of its bounding set anyway).',
    leavesOut:
      'unprivileged services: their ambient capabilities are what lets them bind privileged ports or use raw sockets, so they stay.'
  },
  UMask: {
    writes: '`UMask=0077`, as a stronger phase 2 step.',
    leavesOut:
      'a unit that sets `UMask=` itself, services whose files other users read, package managers.'
  },
  KeyringMode: {
    writes:
      'nothing: `private` is the default for system services, and a unit that sets another mode means it.',
    leavesOut: 'always.'
  },
  ProtectProc: {
    writes: '`ProtectProc=invisible` (systemd 247 and later).',
    leavesOut: 'monitoring agents and process supervisors, debuggers, login sessions.'
  },
  ProcSubset: {
    writes: '`ProcSubset=pid`, as a stronger phase 2 step (systemd 247 and later).',
    leavesOut:
      'JIT runtimes and scripts (they read /proc/meminfo and /proc/cpuinfo), monitoring agents, daemons that switch user, anything that reads /proc/sys.'
  },
  NotifyAccess: {
    writes:
      'nothing: only a unit that sets `all` fails the check, and it sets `all` for a process other than the main one that sends the notifications (a worker that reports READY=1).',
    leavesOut:
      "every unit that sets `all` (squid's worker sends its readiness: with `exec` it never started)."
  },
  RemoveIPC: {
    writes:
      '`RemoveIPC=yes` for an unprivileged service whose `User=` is named after it or its program (it does not apply to root).',
    leavesOut:
      'services run as a user other services may share (`User=postgres` for pgbouncer, `www-data`): systemd removes every IPC object and shared memory segment of the user when the service stops, theirs too.'
  },
  Delegate: {
    writes: 'nothing: delegation set in the unit is needed by the service (container managers).',
    leavesOut: 'always.'
  },
  RestrictRealtime: {
    writes: '`RestrictRealtime=yes`.',
    leavesOut: 'audio and real-time services (`CPUSchedulingPolicy=fifo|rr`, pipewire, jackd).'
  },
  RestrictSUIDSGID: {
    writes: '`RestrictSUIDSGID=yes`.',
    leavesOut: 'package managers and tools that install files, login sessions.'
  },
  RestrictNamespaces: {
    writes: '`RestrictNamespaces=yes`.',
    leavesOut:
      'container managers, browsers and build sandboxes (bwrap, firejail), services that mount.'
  },
  RestrictAddressFamilies: {
    writes:
      '`RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6`, plus `AF_NETLINK` for services that manage interfaces or routes and `AF_PACKET` for DHCP clients and packet capture; only `AF_UNIX` when the unit shows it uses no network. An existing list is reset first (`RestrictAddressFamilies=`): a deny-list would otherwise absorb the allow-list.',
    leavesOut: 'login sessions and container managers.'
  },
  SystemCallArchitectures: {
    writes:
      '`SystemCallArchitectures=native` (after `SystemCallArchitectures=` when the unit allows other architectures: the setting is a union).',
    leavesOut: 'emulators and services that run 32-bit binaries.'
  },
  SystemCallFilter: {
    writes:
      "A deny-list first: `SystemCallFilter=~@swap @obsolete @clock @cpu-emulation @debug @mount @module @raw-io @reboot` (the groups services rarely use, minus the ones the service needs), then, as a stronger step, `@privileged` and `@resources` too; with `SystemCallErrorNumber=EPERM` so a filtered call fails instead of killing the service. A `~` list works on top of an allow-list or a deny-list the unit already has. The policy's full-baseline mode writes the seed's `SystemCallFilter=@system-service` and `SystemCallFilter=~@privileged @resources` for units without a filter.",
    leavesOut:
      'the groups a service needs: @clock for time daemons, @module for modprobe, @mount for mounts and containers, @privileged for daemons that switch user, @resources for root services and real-time services, @debug for debuggers and monitors.'
  },
  IPAddressDeny: {
    writes:
      '`IPAddressDeny=any` when the unit shows no network use; `IPAddressDeny=any` with `IPAddressAllow=localhost` for a service that listens on localhost only (stronger step).',
    leavesOut:
      'services that talk to other hosts: which hosts is not in the unit, so the suggestion says to observe its connections first.'
  },
  DevicePolicy: {
    writes:
      '`PrivateDevices=yes` (which makes the device policy closed), or `DevicePolicy=closed` with `DeviceAllow=` for the devices the unit names.',
    leavesOut: 'services that use devices the unit does not name.'
  }
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|')
}

function phaseLine(check: CheckDefinition): string {
  const number = phaseOf(check.directives[0]!)
  const phase = PHASES.find((p) => p.number === number)
  return phase ? `${phase.number}: ${phase.title}` : 'not suggested by the fix engine'
}

/** The page of one check. */
export function renderCheckDoc(check: CheckDefinition): string {
  const directive = check.directives[0]!
  const engine = ENGINE[directive]
  const share = ((check.weight / TOTAL_WEIGHT) * 100).toFixed(1)
  const lines = [
    '<!-- Generated from src/core/checks.ts by scripts/gen-check-docs.mjs; do not edit. -->',
    `# ${check.name}`,
    '',
    check.bad,
    '',
    '| | |',
    '| --- | --- |',
    `| Check id (policy key, systemd's \`json_field\`) | \`${cell(check.id)}\` |`,
    `| Row in \`systemd-analyze security\` | \`${cell(check.name)}\` |`,
    `| Weight | ${check.weight} (${share}% of all weights) |`,
    `| Range | ${check.range} (badness 0 to ${check.range}) |`,
    `| Since | systemd ${check.since ?? 240}${check.since ? '' : ' (or earlier)'} |`,
    `| Rollout phase | ${phaseLine(check)} |`,
    `| Directives read | ${check.directives.map((d) => `\`${d}=\``).join(', ')} |`
  ]
  if (check.bootPhaseExempt) {
    lines.push('| Not applicable | for boot-phase services (`DefaultDependencies=no`) |')
  }
  lines.push(
    '',
    '## What it protects against',
    '',
    `${check.bad} With the fix: ${check.good.charAt(0).toLowerCase()}${check.good.slice(1)}`,
    '',
    '## The directive that fixes it',
    '',
    '```ini',
    '[Service]',
    ...check.fix,
    '```',
    ''
  )
  if (engine) lines.push(`What the fix engine writes: ${engine.writes}`, '')
  lines.push('## When the fix breaks a service, and what to do instead', '', check.breaks, '')
  if (engine) lines.push(`The fix engine leaves it out for: ${engine.leavesOut}`, '')
  lines.push(
    '## If the service really needs it',
    '',
    'Write down why, next to the unit (or in a drop-in):',
    '',
    '```ini',
    `# hardening-gate: allow ${check.id} -- the reason this service needs it`,
    '```',
    '',
    `or in the policy file (\`"hardening-gate": { "exceptions": [{ "units": "NAME.service", "checks": ["${check.id}"], "reason": "...", "until": "YYYY-MM-DD" }] }\`). The check then does not count for that unit (weight 0, as systemd's \`--security-policy\` would do), and the report lists the exception with its reason. Syntax: \`${INLINE_SYNTAX}\`.`,
    '',
    '## Reference',
    '',
    `- [systemd manual: ${directive}=](${check.man})`,
    '- [All checks](README.md)',
    ''
  )
  return lines.join('\n')
}

/** The index page: every check with its weight and phase. */
export function renderChecksIndex(): string {
  const lines = [
    '<!-- Generated from src/core/checks.ts by scripts/gen-check-docs.mjs; do not edit. -->',
    '# Checks',
    '',
    `The ${CHECKS.length} checks of \`systemd-analyze security\`, in systemd's order, with their weights (sum ${TOTAL_WEIGHT}) and the rollout phase in which the fix engine suggests their fix.`,
    '',
    '| Check id | Row | Weight | Range | Phase |',
    '| --- | --- | ---: | ---: | ---: |'
  ]
  for (const check of CHECKS) {
    const phase = phaseOf(check.directives[0]!)
    const link = docsUrl(check.id).slice('docs/checks/'.length)
    lines.push(
      `| [${cell(check.id)}](${link}) | \`${cell(check.name)}\` | ${check.weight} | ${check.range} | ${phase ?? '–'} |`
    )
  }
  lines.push('')
  return lines.join('\n')
}

/** Every page: file name (in docs/checks/) → content. */
export function checkDocs(): Map<string, string> {
  const pages = new Map<string, string>([['README.md', renderChecksIndex()]])
  for (const check of CHECKS) pages.set(docsFileName(check.id), renderCheckDoc(check))
  return pages
}
