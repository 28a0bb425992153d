/**
 * The fix engine (issue #5, sections 1 and 2): a drop-in for every unit above the threshold, risk
 * ordered in seed 004's phases, minimal, with each line's reason and gain, valid for the target
 * systemd version, and what would break inferred from the unit itself (one test per rule). The
 * comparison with systemd-analyze itself is in suggest-oracle.test.ts.
 */
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import * as path from 'node:path'
import { checksFor } from '../src/core/checks.js'
import type { Policy } from '../src/core/policy.js'
import { parsePolicy } from '../src/core/policy.js'
import { rowBadness, scoreService, settingsRunPrivileged } from '../src/core/score.js'
import type { LoadedService } from '../src/core/service.js'
import { DIRECTIVES, RECORDED_DIRECTIVES } from '../src/core/service.js'
import type { FullSuggestion } from '../src/core/suggest.js'
import { GENERATED_MARKER } from '../src/core/suggest.js'
import { capabilityNames } from '../src/core/values/capabilities.js'
import { groupsOverlap } from '../src/core/values/syscalls.js'
import { loadPolicy } from '../src/policies.js'
import { createTextStream } from '../src/render/text.js'
import { RULE_UNITS, THIRD_PARTY_UNITS } from './suggest-fixtures.js'
import type { UnitFiles } from './suggest-support.js'
import {
  exampleUnits,
  fixture,
  gate,
  load,
  suggestionOf,
  systemUnits,
  withDropIn
} from './suggest-support.js'

const ROOT = path.resolve(import.meta.dirname, '..')
const BASELINE = loadPolicy('baseline', ROOT)
/** every directive the unit tolerates, so the rules show in the drop-in */
const FULL = loadPolicy('strict', ROOT)
const STRICT_ALL = { ...FULL, threshold: 0 }

const full = (unit: UnitFiles): FullSuggestion =>
  suggestionOf(gate(unit, { policy: STRICT_ALL, threshold: 0 }))
const rule = (key: keyof typeof RULE_UNITS): UnitFiles => fixture(RULE_UNITS[key])
const directiveLines = (s: { dropIn: string }): string[] =>
  s.dropIn.split('\n').filter((l) => l !== '' && !l.startsWith('#') && !l.startsWith('['))

const CORPUS: UnitFiles[] = [
  ...exampleUnits(ROOT),
  ...Object.values(RULE_UNITS).map(fixture),
  ...THIRD_PARTY_UNITS.map(fixture),
  ...systemUnits()
]

describe('the suggested drop-in', () => {
  it('writes a directive that changes the score by less than 0.05 as 0.0, not -0.0', () => {
    const [bare] = exampleUnits(ROOT).filter((u) => u.name === 'bare.service')
    const report = gate(bare!, { policy: STRICT_ALL, threshold: 0 })
    const s = suggestionOf(report)
    const gains = s.phases.flatMap((p) => p.directives.map((d) => d.gain))
    expect(gains).toContain(0)
    expect(s.dropIn).toMatch(/^# 0\.0: /m)
    const text = createTextStream(
      { threshold: 0, systemdVersion: 252, policy: 'strict' },
      { color: false }
    ).unit(report)
    expect(text).toMatch(/ 0\.0 {2}/)
    expect(`${s.dropIn}${text}`).not.toContain('-0.0')
  })

  it('is computed for units above the threshold only, beside the unit file', () => {
    const [bare] = exampleUnits(ROOT).filter((u) => u.name === 'bare.service')
    const report = gate(bare!)
    const s = suggestionOf(report)
    expect(s.path).toBe('bare.service.d/hardening.conf')
    expect(s.from).toBe(9.6)
    expect(s.score).toBeLessThanOrEqual(5)
    expect(s.reachesTarget).toBe(true)
    expect(s.dropIn.startsWith(GENERATED_MARKER)).toBe(true)
    expect(gate(bare!, { threshold: 96 }).suggestion).toBeNull()
    const baseline = exampleUnits(ROOT).find((u) => u.name === 'baseline.service')!
    expect(gate(baseline).suggestion).toBeNull()
  })

  it('goes into the template’s drop-in directory for a template', () => {
    const s = suggestionOf(
      gate(fixture(THIRD_PARTY_UNITS.find((u) => u.name.startsWith('postgresql@'))!))
    )
    expect(s.path).toBe('postgresql@.service.d/hardening.conf')
  })

  it.each(CORPUS.map((u) => [u.name, u] as const))(
    '%s: predicted score = the engine’s score of the unit with the drop-in merged',
    (_name, unit) => {
      const report = gate(unit)
      if (!report.suggestion) return
      const s = suggestionOf(report)
      const merged = scoreService(load(withDropIn(unit, s)), 252, BASELINE)
      expect(merged.exposure).toBe(s.exposure)
      expect(s.score).toBe(merged.exposure / 10)
      expect(s.phases.at(-1)?.score ?? s.from).toBe(s.score)
    }
  )

  it.each(CORPUS.map((u) => [u.name, u] as const))(
    '%s: minimal, phase-ordered, every line with its reason and gain, no end-of-line comments',
    (_name, unit) => {
      const report = gate(unit)
      if (!report.suggestion) return
      const s = suggestionOf(report)
      // phases in order, one comment block each
      const phases = s.phases.map((p) => p.phase)
      expect(phases).toEqual([...phases].sort())
      for (const phase of s.phases)
        expect(s.dropIn).toContain(`# Phase ${phase.phase}: ${phase.title}`)
      // a gain comment right above each directive's first line, and no '#' after a value
      const lines = s.dropIn.split('\n')
      for (const phase of s.phases) {
        for (const directive of phase.directives) {
          const at = lines.indexOf(directive.lines[0]!)
          expect(at).toBeGreaterThan(0)
          const above = lines
            .slice(0, at)
            .reverse()
            .find((l) => /^# [-+]\d+\.\d: /.test(l))
          expect(above).toBeDefined()
        }
      }
      for (const line of directiveLines(s)) expect(line).not.toMatch(/\s#/)
      // gains add up to the change
      const total = s.phases.flatMap((p) => p.directives).reduce((sum, d) => sum + d.gain, 0)
      expect(Math.round(total * 10)).toBe(Math.round((s.from - s.score) * 10))
      // minimal: without any one directive the target is missed
      if (s.reachesTarget) {
        const groups = s.phases.flatMap((p) => p.directives)
        for (const group of groups) {
          const text = s.dropIn
            .split('\n')
            .filter((l) => !group.lines.includes(l))
            .join('\n')
          const without = scoreService(
            load(withDropIn(unit, { path: s.path, dropIn: text })),
            252,
            BASELINE
          )
          expect({ without: group.lines[0], above: without.exposure > 50 }).toEqual({
            without: group.lines[0],
            above: true
          })
        }
      }
    }
  )

  it('writes only directives and values the target systemd version knows', () => {
    for (const version of [240, 242, 244, 245, 247, 250, 252, 255, 259]) {
      for (const unit of [...exampleUnits(ROOT), ...Object.values(RULE_UNITS).map(fixture)]) {
        const report = gate(unit, { version, policy: STRICT_ALL, threshold: 0 })
        if (!report.suggestion) continue
        for (const line of directiveLines(report.suggestion)) {
          const key = line.slice(0, line.indexOf('='))
          const directive = DIRECTIVES[key]
          const known =
            Object.hasOwn(RECORDED_DIRECTIVES, key) ||
            (directive !== undefined && (directive.since ?? 0) <= version)
          expect({ version, line, known }).toEqual({ version, line, known: true })
        }
        // and the target version reads every line (nothing is ignored)
        const merged = load(withDropIn(unit, report.suggestion), version)
        expect(merged.diagnostics.filter((d) => d.file.endsWith('hardening.conf'))).toEqual([])
      }
    }
    const old = directiveLines(full(fixture(RULE_UNITS.jitNode)))
    expect(old.join('\n')).toContain('ProtectProc=invisible')
    const v240 = gate(fixture(RULE_UNITS.jitNode), {
      version: 240,
      policy: STRICT_ALL,
      threshold: 0
    })
    const text = v240.suggestion!.dropIn
    for (const newer of [
      'ProtectProc=',
      'ProcSubset=',
      'ProtectClock=',
      'ProtectKernelLogs=',
      'ProtectHostname=',
      'RestrictSUIDSGID='
    ]) {
      expect(text).not.toContain(`\n${newer}`)
    }
  })

  it('writes the full baseline when the policy asks for it', () => {
    const [bare] = exampleUnits(ROOT).filter((u) => u.name === 'bare.service')
    const minimal = suggestionOf(gate(bare!))
    const baseline = suggestionOf(gate(bare!, { policy: FULL, threshold: 30 }))
    expect(baseline.mode).toBe('baseline')
    expect(directiveLines(baseline).length).toBeGreaterThan(directiveLines(minimal).length)
    expect(baseline.score).toBeLessThan(minimal.score)
    for (const line of [
      'DynamicUser=yes',
      'CapabilityBoundingSet=',
      'RestrictNamespaces=yes',
      'SystemCallArchitectures=native',
      'MemoryDenyWriteExecute=yes'
    ]) {
      expect(directiveLines(baseline)).toContain(line)
    }
  })

  it('stops at the policy’s last phase and aims at its target', () => {
    const [bare] = exampleUnits(ROOT).filter((u) => u.name === 'bare.service')
    const capped = suggestionOf(
      gate(bare!, { policy: parsePolicy({ 'hardening-gate': { fix: { maxPhase: 2 } } }, 'p') })
    )
    expect(capped.phases.every((p) => p.phase <= 2)).toBe(true)
    expect(capped.reachesTarget).toBe(false)
    expect(capped.dropIn).toContain('does not reach the target')
    const lower = suggestionOf(
      gate(bare!, { policy: parsePolicy({ 'hardening-gate': { fix: { target: 4 } } }, 'p') })
    )
    expect(lower.score).toBeLessThanOrEqual(4)
  })

  it('replaces its own earlier drop-in, but never a file it did not write', () => {
    const [bare] = exampleUnits(ROOT).filter((u) => u.name === 'bare.service')
    const first = suggestionOf(gate(bare!))
    const again = suggestionOf(
      gate(withDropIn(bare!, { path: first.path, dropIn: first.dropIn }), { threshold: 40 })
    )
    expect(again.path).toBe(first.path)
    expect(again.replaces).toBe(first.path)
    expect(again.from).toBe(9.6)
    const theirs = withDropIn(bare!, { path: first.path, dropIn: '[Service]\nPrivateTmp=yes\n' })
    const other = suggestionOf(gate(theirs))
    expect(other.path).not.toBe(first.path)
    expect(other.replaces).toBeUndefined()
    // a later drop-in that undoes a line is taken into account
    const undone = withDropIn(bare!, {
      path: 'bare.service.d/zz-local.conf',
      dropIn: '[Service]\nCapabilityBoundingSet=~\n'
    })
    const s = suggestionOf(gate(undone))
    expect(scoreService(load(withDropIn(undone, s)), 252, BASELINE).exposure).toBe(s.exposure)
  })

  it('lists the unit’s justified exceptions and does not fight them', () => {
    const unit = rule('jitNode')
    const text =
      String(unit.files['jit-node.service']) +
      '# hardening-gate: allow PrivateNetwork -- serves HTTP\n'
    const everything = parsePolicy(
      { 'hardening-gate': { fix: { mode: 'baseline' } } },
      'everything'
    )
    const report = gate(
      { name: unit.name, files: { 'jit-node.service': text } },
      { policy: everything, threshold: 0 }
    )
    expect(report.exceptions.map((e) => e.error)).toEqual([undefined])
    const s = suggestionOf(report)
    expect(s.dropIn).toContain('# Not scored, by justified exception:')
    expect(s.dropIn).toContain('PrivateNetwork: serves HTTP')
    expect(s.notSuggested.map((n) => n.directive)).not.toContain('PrivateNetwork')
  })
})

describe('justified exceptions', () => {
  const everything = parsePolicy({ 'hardening-gate': { fix: { mode: 'baseline' } } }, 'everything')
  const BARE = '[Service]\nExecStart=/usr/bin/myservice\n'
  const excepting = (allow: string): UnitFiles => ({
    name: 'app.service',
    files: { 'app.service': `${BARE}# hardening-gate: allow ${allow} -- the service needs it\n` }
  })
  /** a row's badness in a loaded unit, none when it does not apply */
  const badnessOf = (id: string, loaded: LoadedService, version: number): number => {
    const check = checksFor(version).find((c) => c.id === id)!
    const { settings } = loaded
    return (
      rowBadness(check, { settings, version, runsPrivileged: settingsRunPrivileged(settings) }) ?? 0
    )
  }

  // The exception says the service needs what the row measures: a drop-in that improves the row
  // anyway (PrivateDevices=yes for a service that renders with the GPU) would break it.
  it.each([252, 262])('no drop-in improves the row an exception allows (systemd %d)', (version) => {
    for (const check of checksFor(version)) {
      const unit = excepting(check.id)
      const report = gate(unit, { policy: everything, threshold: 0, version })
      expect(report.exceptions.map((e) => e.error)).toEqual([undefined])
      const before = badnessOf(check.id, load(unit, version), version)
      const s = suggestionOf(report)
      const after = badnessOf(check.id, load(withDropIn(unit, s), version), version)
      if (after < before) throw new Error(`${check.id}: ${before} -> ${after}\n${s.dropIn}`)
    }
  })

  it('holds for real units: no drop-in improves an excepted row (random rows, fixed seed)', () => {
    const rows = checksFor(252)
    fc.assert(
      fc.property(
        fc.constantFrom(...CORPUS),
        fc.constantFrom(...rows.map((c) => c.id)),
        (unit, id) => {
          const policy = parsePolicy(
            {
              'hardening-gate': {
                fix: { mode: 'baseline' },
                exceptions: [{ units: ['*'], checks: [id], reason: 'the service needs it' }]
              }
            },
            'excepting'
          )
          const report = gate(unit, { policy, threshold: 0 })
          if (!report.suggestion || report.status !== 'scored') return
          const before = badnessOf(id, load(unit), 252)
          const after = badnessOf(id, load(withDropIn(unit, suggestionOf(report))), 252)
          expect([unit.name, id, after >= before]).toEqual([unit.name, id, true])
        }
      ),
      { seed: 24, numRuns: 300 }
    )
  })

  it('keeps the identity of a service an exception keeps a capability for', () => {
    // a transient unprivileged user has no capabilities: the kept one would be unusable
    for (const id of [
      'CapabilityBoundingSet_CAP_SYS_ADMIN',
      'CapabilityBoundingSet_CAP_NET_BIND_SERVICE_BROADCAST_RAW'
    ]) {
      const s = suggestionOf(
        gate(excepting(id), { policy: everything, threshold: 0, version: 262 })
      )
      expect([id, directiveLines(s).some((l) => l.startsWith('DynamicUser='))]).toEqual([id, false])
      expect(s.notSuggested.find((n) => n.directive === 'DynamicUser')?.reason).toMatch(
        /^justified exception \(.+\): the service needs it; it keeps CAP_.+, which a dynamic user could not use$/
      )
    }
  })

  it('gives a dynamic user the capabilities a policy keeps as ambient ones, and no user namespace', () => {
    // network-daemon keeps CAP_NET_BIND_SERVICE: in a bounding set alone, an unprivileged process
    // could not use it
    const policy = { ...loadPolicy('network-daemon', ROOT), threshold: 0 }
    const unit = { name: 'vpn.service', files: { 'vpn.service': BARE } }
    const s = suggestionOf(gate(unit, { policy, threshold: 0, version: 262 }))
    const lines = directiveLines(s)
    expect(lines).toContain('DynamicUser=yes')
    expect(lines).toContain('AmbientCapabilities=CAP_NET_BIND_SERVICE')
    expect(lines).not.toContain('PrivateUsers=yes')
    const loaded = load(withDropIn(unit, s), 262)
    expect(capabilityNames(loaded.settings.ambientCapabilities)).toEqual(['CAP_NET_BIND_SERVICE'])
  })

  it.each(['privileged', 'mount', 'raw_io', 'obsolete'])(
    'denies no call of an excepted system call group %s, through another group either',
    (suffix) => {
      const group = `@${suffix.replace('_', '-')}`
      const unit = excepting(`SystemCallFilter_${suffix}`)
      const s = suggestionOf(gate(unit, { policy: everything, threshold: 0, version: 262 }))
      const filter = load(withDropIn(unit, s), 262).settings.syscallFilter
      expect(filter).toBeDefined()
      expect(filter!.allowList).toBe(false)
      const denied = [...filter!.names].filter((name) => groupsOverlap(group, name, 262))
      expect([group, denied]).toEqual([group, []])
      // the rest of the list is still there
      expect(filter!.names.has('ptrace')).toBe(true)
    }
  )

  it.each<[number, boolean]>([
    [249, false],
    [251, false],
    [252, true],
    [262, true]
  ])(
    'before 252 ProtectClock= also confines devices: not with a device exception or device use (systemd %d: %s)',
    (version, offered) => {
      // (unit.c before systemd PR #25075 added DeviceAllow=char-rtc r for ProtectClock= always)
      const excepted = suggestionOf(
        gate(excepting('PrivateDevices'), { policy: everything, threshold: 0, version })
      )
      expect(directiveLines(excepted).includes('ProtectClock=yes')).toBe(offered)
      const serial = {
        name: 'app.service',
        files: { 'app.service': '[Service]\nExecStart=/usr/bin/app --device /dev/ttyUSB0\n' }
      }
      const uses = suggestionOf(gate(serial, { policy: everything, threshold: 0, version }))
      expect(directiveLines(uses).includes('ProtectClock=yes')).toBe(offered)
    }
  )

  it('leaves out a directive that improves an excepted row, and says why', () => {
    const s = suggestionOf(
      gate(excepting('PrivateDevices'), { policy: everything, threshold: 0, version: 262 })
    )
    expect(directiveLines(s).some((l) => l.startsWith('PrivateDevices='))).toBe(false)
    expect(s.notSuggested).toContainEqual(
      expect.objectContaining({
        directive: 'PrivateDevices',
        reason: 'justified exception (PrivateDevices): the service needs it'
      })
    )
    expect(s.dropIn).toMatch(/# - PrivateDevices= \(would gain -0\.\d\): justified exception/)
    // a row that does not apply to root applies under DynamicUser=yes, which implies RemoveIPC=yes
    const ipc = suggestionOf(
      gate(excepting('RemoveIPC'), { policy: everything, threshold: 0, version: 262 })
    )
    expect(directiveLines(ipc).some((l) => /^(DynamicUser|RemoveIPC)=/.test(l))).toBe(false)
    // an exception of the identity rows keeps the identity: no dynamic user
    const identity = suggestionOf(
      gate(excepting('UserOrDynamicUser'), { policy: everything, threshold: 0, version: 262 })
    )
    expect(directiveLines(identity).some((l) => l.startsWith('DynamicUser='))).toBe(false)
  })

  it.each<[string, RegExp, string]>([
    [
      'CapabilityBoundingSet_CAP_SYS_ADMIN',
      /^CapabilityBoundingSet=.*/m,
      'CapabilityBoundingSet_CAP_SYS_PTRACE'
    ],
    ['SystemCallFilter_mount', /^SystemCallFilter=.*/m, 'SystemCallFilter_module'],
    ['RestrictNamespaces_user', /^RestrictNamespaces=user$/m, 'RestrictNamespaces_mnt'],
    [
      'RestrictAddressFamilies_AF_PACKET',
      /^RestrictAddressFamilies=.*AF_PACKET/m,
      'RestrictAddressFamilies_OTHER'
    ]
  ])('restricts the rest of a list around an excepted %s', (id, line, other) => {
    const unit = excepting(id)
    const s = suggestionOf(gate(unit, { policy: everything, threshold: 0, version: 262 }))
    expect(s.dropIn).toMatch(line)
    const loaded = load(withDropIn(unit, s), 262)
    expect(badnessOf(id, loaded, 262)).toBeGreaterThan(0)
    // the rest of the list is still restricted
    expect(badnessOf(other, loaded, 262)).toBe(0)
  })
})

describe('knowing what would break', () => {
  // systemd refuses these units when the drop-in adds the wrong line: every suggestion must load
  it.each<[string, string, number, string]>([
    ['a working directory in /proc', 'WorkingDirectory=/proc/sys', 257, 'ProtectSystem'],
    ['a working directory in /proc', 'WorkingDirectory=/proc/sys', 262, 'PrivateTmp'],
    ['a working directory in /dev', 'WorkingDirectory=-/dev/shm', 259, 'PrivateDevices'],
    ['the home directory', 'WorkingDirectory=~', 257, 'DynamicUser'],
    ['PrivateUsers=managed', 'PrivateUsers=managed', 262, 'DynamicUser'],
    ['a user namespace path', 'UserNamespacePath=/proc/1/ns/user', 262, 'PrivateUsers']
  ])('%s (%s, systemd %d): no %s, and the unit still loads', (_, line, version, left) => {
    const unit = {
      name: 'probe.service',
      files: { 'probe.service': `[Service]\nExecStart=/usr/bin/probe\n${line}\n` }
    }
    const s = suggestionOf(gate(unit, { policy: STRICT_ALL, threshold: 0, version }))
    expect(directiveLines(s).some((l) => l.startsWith(`${left}=`))).toBe(false)
    expect(s.notSuggested.find((n) => n.directive === left)?.reason).toMatch(
      new RegExp(`^systemd ${version} would refuse the unit: `)
    )
    expect(load(withDropIn(unit, s), version).status).toBe('loaded')
    expect(s.score).toBeLessThan(gate(unit, { version }).score!)
  })

  it.each([['jitNode'], ['jitJava'], ['jitPythonEnv'], ['jitErlang']] as const)(
    'JIT runtime (%s): no MemoryDenyWriteExecute=',
    (key) => {
      const s = full(rule(key))
      expect(directiveLines(s)).not.toContain('MemoryDenyWriteExecute=yes')
      expect(s.notSuggested.find((n) => n.directive === 'MemoryDenyWriteExecute')?.reason).toMatch(
        /JIT|Python/
      )
    }
  )

  it.each([['portInExecStart'], ['portInEnvironment'], ['portFromRootSocket']] as const)(
    'privileged port (%s): CAP_NET_BIND_SERVICE stays in the bounding and ambient sets',
    (key) => {
      const unit = rule(key)
      const s = full(unit)
      const settings = load(withDropIn(unit, s)).settings
      expect(capabilityNames(settings.capabilityBoundingSet)).toContain('CAP_NET_BIND_SERVICE')
      if (settings.user !== 'root' && settings.user !== undefined) {
        expect(capabilityNames(settings.ambientCapabilities)).toEqual(['CAP_NET_BIND_SERVICE'])
      }
      expect(capabilityNames(settings.capabilityBoundingSet)).not.toContain('CAP_SYS_ADMIN')
    }
  )

  it("a socket's privileged port gives a user no new capability: systemd binds it (parity batch 25)", () => {
    // User=web without CAP_NET_BIND_SERVICE could never bind 443 itself: the unit relies on the socket
    const unit = rule('portFromSocket')
    const settings = load(withDropIn(unit, full(unit))).settings
    expect(capabilityNames(settings.ambientCapabilities)).toEqual([])
    expect(capabilityNames(settings.capabilityBoundingSet)).not.toContain('CAP_NET_BIND_SERVICE')
  })

  it('network use: no PrivateNetwork=, and AF_UNIX AF_INET AF_INET6 stay allowed', () => {
    for (const key of ['networkDaemon', 'portInExecStart', 'jitJava'] as const) {
      const s = full(rule(key))
      expect(directiveLines(s)).not.toContain('PrivateNetwork=yes')
      expect(directiveLines(s)).toContain('RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6')
    }
    expect(
      full(rule('networkDaemon')).notSuggested.find((n) => n.directive === 'PrivateNetwork')?.reason
    ).toMatch(/network-online|URL/)
  })

  // shellRunsVpn: the VPN is what `sh -c '...'` runs
  it.each([['interfaces'], ['shellRunsVpn']] as const)(
    'network interfaces (a VPN, %s): AF_NETLINK and CAP_NET_ADMIN stay',
    (key) => {
      const unit = rule(key)
      const s = full(unit)
      expect(directiveLines(s).find((l) => l.startsWith('RestrictAddressFamilies=AF'))).toBe(
        'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK'
      )
      expect(capabilityNames(load(withDropIn(unit, s)).settings.capabilityBoundingSet)).toContain(
        'CAP_NET_ADMIN'
      )
    }
  )

  it('ProtectSystem=strict declares what the unit shows it writes', () => {
    const dataWriter = directiveLines(full(rule('writesDataDir'))).join('\n')
    expect(dataWriter).toMatch(/ReadWritePaths=.*-\/srv\/data-writer\/db/)
    expect(dataWriter).toMatch(/ReadWritePaths=.*-\/var\/log\/data-writer/)
    const pid = directiveLines(full(rule('writesPidFile'))).join('\n')
    expect(pid).toMatch(/RuntimeDirectory=pid-writer/)
    const env = directiveLines(full(rule('writesFromEnvironment'))).join('\n')
    expect(env).toMatch(/StateDirectory=env-writer|-\/var\/lib\/env-writer/)
    const workdir = directiveLines(full(rule('workingDirectory'))).join('\n')
    expect(workdir).toMatch(/ReadWritePaths=.*-\/opt\/workdir\/data/)
    // and the evidence is written above the line
    expect(full(rule('writesDataDir')).dropIn).toContain('--log-file=/var/log/data-writer/main.log')
  })

  it('without a write path in the unit: ProtectSystem=full first, and what to observe', () => {
    const [bare] = exampleUnits(ROOT).filter((u) => u.name === 'bare.service')
    const reason = 'tested separately'
    const onlyProtectSystem = parsePolicy(
      {
        'hardening-gate': {
          fix: {
            avoid: Object.fromEntries(
              [
                'PrivateDevices',
                'ProtectKernelTunables',
                'ProtectKernelModules',
                'ProtectKernelLogs',
                'ProtectControlGroups',
                'ProtectProc',
                'PrivateMounts'
              ].map((d) => [d, reason])
            )
          }
        }
      },
      'p'
    )
    const s = suggestionOf(gate(bare!, { policy: onlyProtectSystem, threshold: 89 }))
    expect(directiveLines(s)).toContain('ProtectSystem=full')
    expect(directiveLines(s)).not.toContain('ProtectSystem=strict')
    // strict is the stronger step, with the observation to make before it
    const capped = suggestionOf(
      gate(bare!, { policy: parsePolicy({ 'hardening-gate': { fix: { maxPhase: 2 } } }, 'p') })
    )
    expect(directiveLines(capped)).toContain('ProtectSystem=strict')
    expect(capped.observe.join(' ')).toMatch(/Which files does it write\? The unit shows none/)
    expect(capped.dropIn).toContain('# Observe first:')
    expect(capped.dropIn).toMatch(
      /the whole OS read-only; only the paths below stay writable \(observe first\)/
    )
  })

  it('a stable UID: an existing User= is kept, never DynamicUser=', () => {
    const unit = rule('stableUid')
    const s = full(unit)
    expect(
      directiveLines(s).some((l) => l.startsWith('DynamicUser') || l.startsWith('User='))
    ).toBe(false)
    expect(load(withDropIn(unit, s)).settings).toMatchObject({
      user: 'postgres',
      dynamicUser: false
    })
    // a root service that writes outside the systemd-managed directories gets no DynamicUser= either
    const data = full(rule('workingDirectory'))
    expect(directiveLines(data).some((l) => l.startsWith('DynamicUser'))).toBe(false)
    expect(data.notSuggested.find((n) => n.directive === 'DynamicUser')?.reason).toMatch(
      /a dynamic user cannot own/
    )
    expect(data.observe.join(' ')).toMatch(/create a system user/)
  })

  it('certificates and data in home directories: ProtectHome=read-only, writable where it writes', () => {
    const certificate = directiveLines(full(rule('homeCertificate')))
    expect(certificate).toContain('ProtectHome=read-only')
    expect(certificate.filter((l) => l.includes('/home/'))).toEqual([])
    const backup = directiveLines(full(rule('homeWrites')))
    expect(backup).toContain('ProtectHome=read-only')
    expect(backup).toContain('ReadWritePaths=-/home/alice/backups')
    // a directory given by any option is where it keeps its data; a script beside it is read
    const data = directiveLines(full(rule('homeDataDirectory')))
    expect(data).toContain('ProtectHome=read-only')
    expect(data).toContain('ReadWritePaths=-/home/olaf/.node-red')
  })

  it('/etc writes: the path is declared under strict, never ProtectSystem=full (which makes /etc read-only)', () => {
    const lines = directiveLines(full(rule('etcWrites')))
    expect(lines).toContain('ProtectSystem=strict')
    expect(lines.join('\n')).toMatch(/ReadWritePaths=.*-\/etc\/haproxy/)
    expect(lines).not.toContain('ProtectSystem=full')
  })

  it('devices: DevicePolicy=closed with DeviceAllow= instead of PrivateDevices=', () => {
    const s = full(rule('devices'))
    expect(directiveLines(s)).toContain('DevicePolicy=closed')
    expect(directiveLines(s)).toContain('DeviceAllow=/dev/ttyUSB0 rw')
    expect(directiveLines(s)).not.toContain('PrivateDevices=yes')
  })

  it('options from an environment file: says what to check instead of guessing', () => {
    expect(full(rule('unknownOptions')).observe.join(' ')).toMatch(
      /EnvironmentFile=\/etc\/default\/opaque/
    )
  })

  it('a time daemon keeps the clock: no ProtectClock=, CAP_SYS_TIME and @clock stay', () => {
    const unit = rule('timeDaemon')
    const s = full(unit)
    expect(directiveLines(s)).not.toContain('ProtectClock=yes')
    const settings = load(withDropIn(unit, s)).settings
    expect(capabilityNames(settings.capabilityBoundingSet)).toContain('CAP_SYS_TIME')
    expect(directiveLines(s).find((l) => l.startsWith('SystemCallFilter=~'))).not.toMatch(/@clock/)
  })

  it('a container manager: nothing that would break it, and the reason it cannot reach the target', () => {
    const s = full(rule('container'))
    for (const line of [
      'NoNewPrivileges=yes',
      'RestrictNamespaces=yes',
      'ProtectControlGroups=yes',
      'RestrictSUIDSGID=yes'
    ]) {
      expect(directiveLines(s)).not.toContain(line)
    }
    expect(s.reachesTarget).toBe(false)
  })

  it('a shell script writing /sys: /sys stays writable (no ProtectKernelTunables=)', () => {
    const s = full(rule('shellWritesSys'))
    expect(directiveLines(s)).not.toContain('ProtectKernelTunables=yes')
    expect(s.notSuggested.find((n) => n.directive === 'ProtectKernelTunables')?.reason).toMatch(
      /\/sys/
    )
  })

  it('what `sh -c` runs counts: the VPN it starts is why it keeps root', () => {
    const s = full(rule('shellRunsVpn'))
    expect(s.notSuggested.find((n) => n.directive === 'DynamicUser')?.reason).toMatch(/openvpn/)
  })

  it.each([
    ['a tunnel daemon', 'PrivateDevices=yes', 'CAP_NET_ADMIN', 'tunnel', /tunnel/],
    [
      "a daemon that signals other services' processes",
      'ProtectProc=invisible',
      'CAP_KILL',
      'signals',
      /signals/
    ]
  ] as const)('%s keeps root: no %s, and %s stays', (_, line, cap, key, reason) => {
    const unit = rule(key)
    const s = full(unit)
    const lines = directiveLines(s)
    expect(lines.some((l) => l.startsWith('DynamicUser'))).toBe(false)
    expect(lines).not.toContain(line)
    expect(capabilityNames(load(withDropIn(unit, s)).settings.capabilityBoundingSet)).toContain(cap)
    expect(s.notSuggested.find((n) => n.directive === 'DynamicUser')?.reason).toMatch(reason)
  })

  it.each([
    ['oneShotTask', /^Type=oneshot: first-boot-setup runs as root/],
    ['earlyBootTask', /^DefaultDependencies=no: vendor-early-task runs as root in early boot/],
    ['initScript', /^vendor-agent is an init script run as root/]
  ] as const)(
    'a root task of unknown needs (%s) keeps its identity, the file system, the devices, /sys and netlink',
    (key, reason) => {
      const s = full(rule(key))
      const lines = directiveLines(s)
      for (const directive of [
        'DynamicUser',
        'ProtectSystem',
        'PrivateDevices',
        'PrivateMounts',
        'ProtectKernelTunables'
      ])
        expect(lines.some((l) => l.startsWith(`${directive}=`))).toBe(false)
      expect(lines.find((l) => l.startsWith('RestrictAddressFamilies=AF'))).toMatch(/AF_NETLINK/)
      expect(s.notSuggested.find((n) => n.directive === 'DynamicUser')?.reason).toMatch(reason)
      // a mount it makes would stay in a mount namespace of its own (session 28: every directive
      // that makes one is left out, not only PrivateMounts=)
      for (const directive of ['ProtectKernelModules', 'ProtectControlGroups', 'ProtectKernelLogs'])
        expect([directive, s.notSuggested.find((n) => n.directive === directive)?.reason]).toEqual([
          directive,
          expect.stringMatching(reason)
        ])
      // what cannot break it still goes in
      expect(lines).toContain('LockPersonality=yes')
      expect(lines).toContain('SystemCallArchitectures=native')
    }
  )

  it("a '!' command runs as root whatever User= says: the bounding set keeps what root needs", () => {
    const unit = (service: string) => ({
      name: 'app.service',
      files: { 'app.service': `[Service]\nUser=app\n${service}` }
    })
    for (const service of [
      'ExecStart=!/usr/bin/app\n',
      'ExecStartPre=!/bin/chown -R app /var/lib/app\nExecStart=/usr/bin/app\n'
    ]) {
      const bounding = directiveLines(full(unit(service))).filter((l) =>
        l.startsWith('CapabilityBoundingSet=')
      )
      // root with no capabilities could neither switch user nor chown: only root's admin ones go
      expect([service, bounding]).toEqual([
        service,
        [expect.stringMatching(/^CapabilityBoundingSet=~CAP_SYS_ADMIN /)]
      ])
      expect(bounding[0]).not.toMatch(/CAP_SETUID|CAP_SETGID|CAP_CHOWN/)
    }
    // '!!' changes nothing on a kernel with ambient capabilities (4.3 on), and is ignored from 258
    expect(directiveLines(full(unit('ExecStart=!!/usr/bin/app\n')))).toContain(
      'CapabilityBoundingSet='
    )
  })

  it('the same program in a long-running service, or run as another user, is not such a task', () => {
    const daemon = {
      name: 'vendor-daemon.service',
      files: { 'vendor-daemon.service': '[Service]\nExecStart=/usr/lib/vendor/first-boot-setup\n' }
    }
    expect(directiveLines(full(daemon))).toContain('DynamicUser=yes')
    const asUser = {
      name: 'vendor-task.service',
      files: {
        'vendor-task.service':
          '[Service]\nType=oneshot\nUser=vendor\nExecStart=/usr/lib/vendor/first-boot-setup\n'
      }
    }
    expect(directiveLines(full(asUser))).toContain('ProtectSystem=strict')
  })

  it('%h in the unit (the user’s home): no DynamicUser=, whose home is /', () => {
    const s = full(rule('userSpecifiers'))
    expect(directiveLines(s).some((l) => l.startsWith('DynamicUser'))).toBe(false)
    expect(s.notSuggested.find((n) => n.directive === 'DynamicUser')?.reason).toMatch(
      /^%h in .*home directory/
    )
  })

  describe('a user unit (systemctl --user)', () => {
    const syncerText = (extra = '', target = 'default.target'): string =>
      `[Unit]\nDescription=sync\n[Service]\nExecStart=/usr/bin/syncer --serve\n${extra}[Install]\nWantedBy=${target}\n`
    const syncer = (extra = ''): UnitFiles => ({
      name: 'syncer.service',
      files: { 'syncer.service': syncerText(extra) }
    })
    const syncerUser = (target = 'default.target'): UnitFiles => ({
      name: 'syncer-user.service',
      files: { 'syncer-user.service': syncerText('', target) }
    })
    // what needs privileges a user's manager lacks: identity, the bounding set, namespaces, BPF
    const privileged =
      /^(DynamicUser|User|Group|CapabilityBoundingSet|AmbientCapabilities|Protect(System|Home|KernelTunables|KernelModules|KernelLogs|Clock|ControlGroups|Hostname|Proc)|Private(Tmp|Devices|Network|Mounts|Users)|ProcSubset|RemoveIPC|IPAddress(Deny|Allow)|Device(Policy|Allow)|ReadWritePaths|(State|Cache|Logs|Runtime)Directory)$/
    const keys = (s: FullSuggestion): string[] => directiveLines(s).map((l) => l.split('=')[0]!)
    const fullAt = (unit: UnitFiles, directory: string): FullSuggestion =>
      suggestionOf(gate(unit, { policy: STRICT_ALL, threshold: 0, directory }))
    const isUserScoped = (s: FullSuggestion): boolean =>
      s.observe.some((o) => o.startsWith('A user unit (systemctl --user)'))

    it.each<[string, UnitFiles, string, RegExp]>([
      ['in systemd/user/', syncer(), '.config/systemd/user', /systemd\/user\/ directory/],
      [
        'in a user/ directory, no User=',
        syncer(),
        'contrib/user',
        /user\/ directory; it sets no User=/
      ],
      [
        'named -user.service, in default.target',
        syncerUser(),
        'contrib',
        /-user\.service; WantedBy=default\.target/
      ],
      [
        'PartOf=graphical-session.target',
        {
          name: 'tray.service',
          files: {
            'tray.service':
              '[Unit]\nPartOf=graphical-session.target\n[Service]\nExecStart=/usr/bin/tray\n'
          }
        },
        'contrib',
        /PartOf=graphical-session\.target: only user managers have it\. /
      ]
    ])(
      '%s: only what a user manager applies; the rest left out, saying why',
      (_, unit, dir, why) => {
        const s = fullAt(unit, dir)
        expect(isUserScoped(s)).toBe(true)
        expect(s.observe.find((o) => o.startsWith('A user unit'))).toMatch(why)
        expect(keys(s).filter((key) => privileged.test(key))).toEqual([])
        expect(keys(s)).toContain('SystemCallFilter')
        const reasons = new Map(s.notSuggested.map((n) => [n.directive, n.reason]))
        expect(reasons.get('DynamicUser')).toBe('a user unit: its manager cannot switch users')
        expect(reasons.get('CapabilityBoundingSet')).toMatch(/218\/CAPABILITIES/)
        expect(reasons.get('ProtectKernelModules')).toMatch(/218\/CAPABILITIES/)
        expect(reasons.get('ProtectSystem')).toMatch(/PrivateUsers=/)
        expect(load(withDropIn(unit, s)).status).toBe('loaded')
      }
    )

    it.each<[string, UnitFiles, string]>([
      ['in systemd/system/, named -user.service', syncerUser(), 'etc/systemd/system'],
      ['in a user/ directory with User=', syncer('User=syncer\n'), 'contrib/user'],
      ['in a user/ directory with DynamicUser=', syncer('DynamicUser=yes\n'), 'contrib/user'],
      ['named -user.service, in multi-user.target', syncerUser('multi-user.target'), 'contrib'],
      ['in default.target, nothing else', syncer(), 'contrib']
    ])('%s: a system unit, hardened as one', (_, unit, dir) => {
      const s = fullAt(unit, dir)
      expect(isUserScoped(s)).toBe(false)
      expect(keys(s)).toContain('PrivateDevices')
      expect(s.notSuggested.some((n) => n.reason.startsWith('a user unit'))).toBe(false)
    })
  })

  it('a daemon that switches user by an option (--setuser) keeps root and CAP_SETUID', () => {
    const unit = rule('switchesByOption')
    const s = full(unit)
    expect(directiveLines(s).some((l) => l.startsWith('DynamicUser'))).toBe(false)
    expect(s.notSuggested.find((n) => n.directive === 'DynamicUser')?.reason).toMatch(/--setuser/)
    expect(capabilityNames(load(withDropIn(unit, s)).settings.capabilityBoundingSet)).toContain(
      'CAP_SETUID'
    )
  })

  it('a program known to talk to hardware (a 3D printer on a serial port) keeps /dev', () => {
    const s = full(rule('printer'))
    expect(directiveLines(s)).not.toContain('PrivateDevices=yes')
    expect(s.notSuggested.find((n) => n.directive === 'PrivateDevices')?.reason).toMatch(
      /octoprint/
    )
  })

  it('an application installed in a home directory may write there, and keeps its user', () => {
    const s = full(rule('homeApplication'))
    const lines = directiveLines(s)
    expect(lines).toContain('ProtectHome=read-only')
    expect(lines.join('\n')).toMatch(/ReadWritePaths=.*\/home\/app(\s|$)/)
    expect(lines.some((l) => l.startsWith('DynamicUser'))).toBe(false)
    expect(directiveLines(full(rule('printer'))).join('\n')).toMatch(/ReadWritePaths=.*\/home\/pi/)
    const sourced = {
      name: 'worker.service',
      files: {
        'worker.service':
          "[Service]\nExecStart=/bin/bash -c 'source /home/flow/venv/bin/activate && exec flowd worker'\n"
      }
    }
    expect(directiveLines(full(sourced)).join('\n')).toMatch(/ReadWritePaths=.*\/home\/flow(\s|$)/)
  })

  it('a script an interpreter runs from a home directory: that home stays writable, and the user', () => {
    const s = full(rule('interpretedHomeApplication'))
    const lines = directiveLines(s)
    expect(lines).toContain('ProtectHome=read-only')
    expect(lines.join('\n')).toMatch(/ReadWritePaths=.*\/home\/pi(\s|$)/)
    expect(lines.some((l) => l.startsWith('DynamicUser'))).toBe(false)
    expect(s.notSuggested.find((n) => n.directive === 'DynamicUser')?.reason).toMatch(
      /python3 \/home\/pi\/bot\/main\.py/
    )
    // a relative script: from the working directory, or from / without one
    for (const [line, home] of [
      ['ExecStart=/usr/bin/python3 home/pi/sensor/send.py', '/home/pi'],
      ['WorkingDirectory=/home\nExecStart=/usr/bin/python3 ada/app/main.py', '/home/ada']
    ]) {
      const relative = {
        name: 'relative.service',
        files: { 'relative.service': `[Service]\n${line}\n` }
      }
      expect(directiveLines(full(relative)).join('\n')).toMatch(
        new RegExp(`ReadWritePaths=.*${home}(\\s|$)`)
      )
    }
  })

  it('a cloud VM agent keeps root and may change anything', () => {
    const s = full(rule('cloudAgent'))
    const lines = directiveLines(s)
    expect(lines.some((l) => l.startsWith('DynamicUser'))).toBe(false)
    expect(lines.some((l) => l.startsWith('ProtectSystem'))).toBe(false)
    expect(s.notSuggested.find((n) => n.directive === 'DynamicUser')?.reason).toMatch(
      /waagent \(a cloud VM agent/
    )
  })

  it('an agent that reads the whole system keeps root, reads every home and file, sees every process', () => {
    const unit = rule('logAgent')
    const s = full(unit)
    const lines = directiveLines(s)
    expect(lines.some((l) => l.startsWith('DynamicUser'))).toBe(false)
    expect(lines).toContain('ProtectHome=read-only')
    expect(lines).not.toContain('ProtectProc=invisible')
    expect(capabilityNames(load(withDropIn(unit, s)).settings.capabilityBoundingSet)).toEqual(
      expect.arrayContaining(['CAP_DAC_READ_SEARCH', 'CAP_DAC_OVERRIDE'])
    )
    expect(s.notSuggested.find((n) => n.directive === 'DynamicUser')?.reason).toMatch(
      /reads the whole system/
    )
  })

  it.each([
    ['namedCamera', /^its name says camera/, false],
    ['describedHardware', /^its Description= says gpio/, true],
    ['hardwareProgram', /^the program says doorcam/, false]
  ] as const)(
    'a unit named for hardware (%s) keeps /dev and its identity (and /sys for pins)',
    (key, reason, pins) => {
      const s = full(rule(key))
      const lines = directiveLines(s)
      expect(lines).not.toContain('PrivateDevices=yes')
      expect(lines.some((l) => l.startsWith('DynamicUser'))).toBe(false)
      expect(s.notSuggested.find((n) => n.directive === 'PrivateDevices')?.reason).toMatch(reason)
      expect(lines.includes('ProtectKernelTunables=yes')).toBe(!pins)
    }
  )

  it.each([
    [
      'a packet sniffer (raw sockets)',
      '/usr/bin/suricata -i eth0',
      /suricata \(uses raw packet sockets\)/
    ],
    [
      'a daemon with its own -user option',
      '/usr/sbin/hinsightd -user www -group www',
      /^-user switches user itself/
    ],
    [
      'a daemon with its own --user= option',
      '/usr/sbin/queued --user=queue',
      /^--user=queue switches user itself/
    ],
    ['a salt master', '/usr/bin/salt-master', /keeps its keys in \/etc\/salt/]
  ])('%s keeps its identity (no DynamicUser=)', (_, command, reason) => {
    const unit = { name: 'd.service', files: { 'd.service': `[Service]\nExecStart=${command}\n` } }
    const s = full(unit)
    expect(directiveLines(s).some((l) => l.startsWith('DynamicUser'))).toBe(false)
    expect(s.notSuggested.find((n) => n.directive === 'DynamicUser')?.reason).toMatch(reason)
  })

  it('an option named --user in a command other than ExecStart= does not count', () => {
    const unit = {
      name: 'd.service',
      files: {
        'd.service': '[Service]\nExecStartPre=/usr/bin/tool --user=app\nExecStart=/usr/bin/appd\n'
      }
    }
    expect(directiveLines(full(unit))).toContain('DynamicUser=yes')
  })

  it('an interactive console (StandardInput=tty-force) is left as a login session', () => {
    const s = full(rule('console'))
    for (const line of ['NoNewPrivileges=yes', 'PrivateTmp=yes', 'RestrictSUIDSGID=yes'])
      expect(directiveLines(s)).not.toContain(line)
    expect(s.notSuggested.find((n) => n.directive === 'NoNewPrivileges')?.reason).toMatch(
      /StandardInput=tty-force/
    )
  })

  it('a daemon that switches user itself keeps its identity and the capabilities to switch', () => {
    const nginx = fixture(THIRD_PARTY_UNITS.find((u) => u.name === 'nginx.service')!)
    const s = full(nginx)
    expect(directiveLines(s).some((l) => l.startsWith('DynamicUser'))).toBe(false)
    const caps = capabilityNames(load(withDropIn(nginx, s)).settings.capabilityBoundingSet)
    for (const cap of ['CAP_SETUID', 'CAP_SETGID', 'CAP_NET_BIND_SERVICE', 'CAP_CHOWN'])
      expect(caps).toContain(cap)
    expect(directiveLines(s).find((l) => l.startsWith('SystemCallFilter=~'))).not.toMatch(
      /@privileged/
    )
  })
})

// chroot() is in @mount: haproxy, avahi-daemon and vsftpd failed to start in a booted container
// with the baseline drop-in's ~@mount (session 27's runtime test, /tmp/s27/rt)
describe('a daemon that chroots itself', () => {
  const filterOf = (command: string, policy: Policy = STRICT_ALL): string[] => {
    const unit = { name: 'd.service', files: { 'd.service': `[Service]\nExecStart=${command}\n` } }
    // (the baseline policy at its 5.0, strict at 0: every directive the unit tolerates)
    const s = suggestionOf(gate(unit, { policy, threshold: policy === BASELINE ? 50 : 0 }))
    const caps = capabilityNames(load(withDropIn(unit, s)).settings.capabilityBoundingSet)
    expect(caps).toContain('CAP_SYS_CHROOT')
    return directiveLines(s).filter((l) => l.startsWith('SystemCallFilter='))
  }
  it.each([
    '/usr/sbin/haproxy -Ws -f /etc/haproxy/haproxy.cfg',
    '/usr/sbin/avahi-daemon -s',
    '/usr/sbin/vsftpd /etc/vsftpd.conf',
    '/usr/sbin/named -f -u bind',
    '/usr/sbin/openvpn --chroot /var/empty --config /etc/openvpn/a.conf',
    '/usr/sbin/dhcpd -chroot /var/lib/dhcp',
    '/usr/sbin/mydnsd --chroot=/var/lib/mydns',
    '/usr/bin/rsync --daemon --no-detach'
  ])('keeps chroot() allowed: %s', (command) => {
    for (const policy of [BASELINE, STRICT_ALL]) {
      const filters = filterOf(command, policy)
      for (const line of filters) expect(line).not.toMatch(/@mount|@privileged/)
    }
  })
  it('a daemon that does not is still denied @mount', () => {
    expect(filterOf('/usr/sbin/nginx -g "daemon off;"').join('\n')).toMatch(/~.*@mount/)
  })
})

// vsftpd's local users log in to their home directories: ProtectHome=yes broke every login in
// the booted container (session 27)
it.each([
  '/usr/sbin/vsftpd /etc/vsftpd.conf',
  '/usr/sbin/dovecot -F',
  '/usr/sbin/smbd --foreground'
])('%s leaves home directories as they are', (command) => {
  const unit = { name: 'd.service', files: { 'd.service': `[Service]\nExecStart=${command}\n` } }
  for (const policy of [BASELINE, STRICT_ALL]) {
    const s = suggestionOf(gate(unit, { policy, threshold: policy === BASELINE ? 50 : 0 }))
    expect(directiveLines(s).filter((l) => l.startsWith('ProtectHome'))).toEqual([])
  }
})

it('root that keeps CAP_SETUID in its bounding set keeps its identity', () => {
  // Debian's memcached.service: CapabilityBoundingSet=CAP_SETGID CAP_SETUID CAP_SYS_RESOURCE
  const unit = (bounding: string) => ({
    name: 'cache.service',
    files: {
      'cache.service': `[Service]\nExecStart=/opt/cache/bin/cached\nCapabilityBoundingSet=${bounding}\n`
    }
  })
  const kept = full(unit('CAP_SETGID CAP_SETUID CAP_SYS_RESOURCE'))
  expect(directiveLines(kept).some((l) => l.startsWith('DynamicUser'))).toBe(false)
  expect(kept.notSuggested.find((n) => n.directive === 'DynamicUser')?.reason).toMatch(
    /the unit keeps CAP_SETUID: it switches user itself/
  )
  expect(directiveLines(full(unit('CAP_SYS_RESOURCE')))).toContain('DynamicUser=yes')
})

it("a syslog daemon may write the log sockets in Debian's haproxy and postfix chroots", () => {
  const unit = {
    name: 'rsyslog.service',
    files: { 'rsyslog.service': '[Service]\nType=notify\nExecStart=/usr/sbin/rsyslogd -n -iNONE\n' }
  }
  const rw = directiveLines(full(unit)).find((l) => l.startsWith('ReadWritePaths='))
  expect(rw).toMatch(/ -\/var\/lib\/haproxy(\/dev)?( |$)/)
  expect(rw).toMatch(/ -\/var\/spool\/postfix\/dev( |$)/)
})

// the second booted-container run (session 27): Debian 12's units as they are, and what broke them
describe("Debian's services that a drop-in broke at run time", () => {
  const unitOf = (text: string): UnitFiles => ({
    name: 'd.service',
    files: { 'd.service': `[Service]\n${text}\n` }
  })
  const suggestionFor = (text: string, policy: Policy): FullSuggestion =>
    suggestionOf(gate(unitOf(text), { policy, threshold: policy === BASELINE ? 50 : 0 }))
  const dropIn = (text: string, policy: Policy): string[] =>
    directiveLines(suggestionFor(text, policy))
  const line = (lines: string[], key: string): string =>
    lines.filter((l) => l.startsWith(`${key}=`)).join('\n')
  it('fail2ban and php-fpm log to files in /var/log itself, which logrotate replaces', () => {
    const fail2ban = dropIn('Type=simple\nExecStart=/usr/bin/fail2ban-server -xf start', STRICT_ALL)
    expect(line(fail2ban, 'ReadWritePaths')).toMatch(/(^| )-\/var\/log( |$)/)
    const php = dropIn(
      'Type=notify\nExecStart=/usr/sbin/php-fpm8.2 --nodaemonize --fpm-config /etc/php/8.2/fpm/php-fpm.conf',
      STRICT_ALL
    )
    expect(line(php, 'ReadWritePaths')).toMatch(/(^| )-\/var\/log( |$)/)
  })
  it('munin-node: its log directory, and the chown of its ExecStartPre', () => {
    const munin = dropIn(
      'ExecStartPre=/usr/bin/install -o munin -g munin -d /run/munin\nExecStart=/usr/sbin/munin-node --foreground',
      STRICT_ALL
    )
    expect(line(munin, 'ReadWritePaths')).toMatch(/-\/var\/log\/munin( |$)/)
    expect(line(munin, 'SystemCallFilter')).not.toMatch(/@privileged/)
  })
  it('postfix through postmulti: its spool, /var/mail, netlink and chroot', () => {
    const postfix = dropIn(
      'Type=forking\nExecStartPre=/usr/lib/postfix/configure-instance.sh -\nExecStart=/usr/sbin/postmulti -i - -p start',
      STRICT_ALL
    )
    expect(line(postfix, 'ReadWritePaths')).toMatch(/-\/var\/spool\/postfix( |$)/)
    expect(line(postfix, 'ReadWritePaths')).toMatch(/-\/var\/mail( |$)/)
    expect(line(postfix, 'RestrictAddressFamilies')).toMatch(/AF_NETLINK/)
    expect(line(postfix, 'SystemCallFilter')).not.toMatch(/@mount/)
    expect(postfix.some((l) => l.startsWith('DynamicUser'))).toBe(false)
  })
  it('mail servers deliver as their recipients and spamd keeps their preferences: their homes stay', () => {
    // local delivery reads ~/.forward and may write ~/Maildir as the recipient: with ProtectHome=
    // a .forward is skipped and the mail stays here; spamd --create-prefs writes ~/.spamassassin
    const units = {
      postfix: 'Type=forking\nExecStart=/usr/sbin/postmulti -i - -p start',
      master: 'Type=forking\nExecStart=/usr/lib/postfix/sbin/master -w',
      exim4: 'Type=forking\nExecStart=/usr/sbin/exim4 -bd -q30m',
      opensmtpd: 'Type=forking\nExecStart=/usr/sbin/smtpd',
      sendmail: 'Type=forking\nExecStart=/usr/sbin/sendmail-mta -bd -q15m',
      spamd:
        'Type=forking\nEnvironmentFile=-/etc/default/spamd\nExecStart=/usr/sbin/spamd --pidfile=/run/spamd.pid $OPTIONS'
    }
    for (const [name, text] of Object.entries(units)) {
      for (const policy of [BASELINE, STRICT_ALL]) {
        const unit = {
          name: `${name}.service`,
          files: { [`${name}.service`]: `[Service]\n${text}\n` }
        }
        const s = suggestionOf(gate(unit, { policy, threshold: policy === BASELINE ? 50 : 0 }))
        expect([name, line(directiveLines(s), 'ProtectHome')]).toEqual([name, ''])
        expect([name, s.notSuggested.find((n) => n.directive === 'ProtectHome')?.reason]).toEqual([
          name,
          expect.stringMatching(
            name === 'spamd'
              ? /^ExecStart runs spamd \(keeps user preferences in ~\/.spamassassin\)$/
              : /^ExecStart runs [a-z0-9-]+ \(local delivery: ~\/.forward, ~\/Maildir\)$/
          )
        ])
      }
    }
    // a mail client that only sends keeps ProtectHome=
    expect(line(dropIn('ExecStart=/usr/bin/msmtpd --port=2500', STRICT_ALL), 'ProtectHome')).toBe(
      'ProtectHome=yes'
    )
  })
  it("the kernel's NFS server works in the namespaces of the daemons that configure it", () => {
    // an export's path is resolved in rpc.mountd's (exportfs's) mount namespace: ProtectSystem=
    // there would export a read-only bind mount, ProtectHome= an empty /home; rpc.nfsd starts the
    // server in its network namespace and writes /proc/fs/nfsd (ProtectKernelTunables=)
    const units = {
      'nfs-server':
        'Type=oneshot\nRemainAfterExit=yes\nExecStartPre=-/usr/sbin/exportfs -r\nExecStart=/usr/sbin/rpc.nfsd\nExecStop=/usr/sbin/rpc.nfsd 0\nExecStopPost=/usr/sbin/exportfs -au',
      'nfs-mountd': 'Type=forking\nExecStart=/usr/sbin/rpc.mountd',
      'nfs-idmapd': 'Type=forking\nExecStart=/usr/sbin/rpc.idmapd',
      'rpc-statd': 'Type=forking\nExecStart=/sbin/rpc.statd',
      nfsdcld: 'Type=forking\nExecStart=/usr/sbin/nfsdcld'
    }
    for (const [name, text] of Object.entries(units)) {
      const unit = {
        name: `${name}.service`,
        files: { [`${name}.service`]: `[Service]\n${text}\n` }
      }
      const s = suggestionOf(gate(unit, { policy: STRICT_ALL, threshold: 0 }))
      expect([name, directiveLines(s)]).toEqual([name, []])
      const reasons = new Map(s.notSuggested.map((n) => [n.directive, n.reason]))
      for (const directive of [
        'ProtectSystem',
        'ProtectHome',
        'PrivateTmp',
        'ProtectKernelTunables',
        'PrivateNetwork',
        'CapabilityBoundingSet',
        'SystemCallFilter'
      ]) {
        expect([name, directive, reasons.get(directive)]).toEqual([
          name,
          directive,
          expect.stringMatching(/ runs [a-z.]+ \(configures the kernel's NFS server\)/)
        ])
      }
      // and no advice to add PrivateNetwork= to a service without sockets of its own
      expect(s.observe.filter((o) => o.includes('PrivateNetwork=yes'))).toEqual([])
    }
  })
  it('the audit daemon keeps its netlink socket, its capabilities and its log', () => {
    // audit rules and the daemon's registration go over NETLINK_AUDIT with CAP_AUDIT_CONTROL:
    // without either auditd cannot start (Debian's unit, which also loads the rules)
    const debian = dropIn(
      'Type=forking\nPIDFile=/run/auditd.pid\nExecStart=/sbin/auditd\nExecStartPost=-/sbin/augenrules --load',
      STRICT_ALL
    )
    const plain = dropIn('Type=forking\nExecStart=/sbin/auditd', STRICT_ALL)
    for (const lines of [debian, plain]) {
      expect(line(lines, 'RestrictAddressFamilies')).toMatch(/AF_NETLINK/)
      expect(line(lines, 'CapabilityBoundingSet')).not.toMatch(/CAP_AUDIT_(CONTROL|READ|WRITE)/)
    }
    expect(line(plain, 'ReadWritePaths')).toMatch(/-\/var\/log\/audit( |$)/)
    const baseline = dropIn('Type=forking\nExecStart=/sbin/auditd', BASELINE)
    expect(line(baseline, 'CapabilityBoundingSet')).not.toMatch(/CAP_AUDIT_CONTROL/)
  })
  it('security policies load through /sys with CAP_MAC_ADMIN; thermald tunes /sys', () => {
    const apparmor = dropIn(
      'Type=oneshot\nExecStart=/sbin/apparmor_parser -r /etc/apparmor.d',
      STRICT_ALL
    )
    expect(line(apparmor, 'ProtectKernelTunables')).toBe('')
    expect(line(apparmor, 'CapabilityBoundingSet')).not.toMatch(/CAP_MAC_ADMIN/)
    const thermald = dropIn('ExecStart=/usr/sbin/thermald --no-daemon --dbus-enable', STRICT_ALL)
    expect(line(thermald, 'ProtectKernelTunables')).toBe('')
  })
  it("the kernel's SMB server and SCSI target are configured like its NFS server: no drop-in", () => {
    for (const text of [
      'ExecStart=/usr/sbin/ksmbd.mountd -n',
      'Type=oneshot\nRemainAfterExit=yes\nExecStart=/usr/bin/targetctl restore'
    ]) {
      expect([text, dropIn(text, STRICT_ALL)]).toEqual([text, []])
    }
  })
  it.each([
    // [unit text, lines the drop-in must have, lines it must not have, capabilities it keeps]
    [
      'ExecStart=/usr/libexec/bluetooth/bluetoothd',
      [/^RestrictAddressFamilies=.*AF_BLUETOOTH/],
      []
    ],
    ['Type=forking\nExecStart=/sbin/iscsid', [/^RestrictAddressFamilies=.*AF_NETLINK/], []],
    ['ExecStart=/usr/sbin/ulogd', [/^RestrictAddressFamilies=.*AF_NETLINK/], []],
    [
      'ExecStart=/usr/sbin/ptp4l -f /etc/linuxptp/ptp4l.conf -i eth0',
      [/^ReadWritePaths=.*-?\/run( |$)/],
      [/^PrivateDevices=/]
    ],
    ['ExecStart=/usr/sbin/rasdaemon -f -r', [], [/^DynamicUser=/, /^ProtectKernelTunables=/]],
    [
      'Type=oneshot\nRemainAfterExit=yes\nExecStart=/etc/init.d/kdump-tools start',
      [],
      [/^SystemCallFilter=.*@reboot/]
    ],
    [
      'User=root\nExecStart=/usr/sbin/clamonacc -F --log=/var/log/clamav/clamonacc.log --move=/root/quarantine',
      [],
      []
    ],
    [
      'Type=oneshot\nExecStart=/lib/apparmor/apparmor.systemd reload',
      [],
      [/^ProtectKernelTunables=/]
    ],
    ['ExecStart=/usr/sbin/bird -f -u bird -g bird', [/^ReadWritePaths=.*-\/run\/bird( |$)/], []],
    [
      'ExecStart=/usr/sbin/conntrackd -C /etc/conntrackd/conntrackd.conf',
      [/^ReadWritePaths=.*-?\/run( |$)/],
      []
    ],
    [
      'ExecStart=/usr/sbin/tuned -l -P',
      [/^RestrictAddressFamilies=.*AF_NETLINK/, /^ReadWritePaths=.*-\/etc\/tuned( |$)/],
      [/^PrivateDevices=/]
    ],
    ['ExecStart=/usr/sbin/virtlogd', [], [/^DynamicUser=/]],
    [
      'Type=dbus\nBusName=org.usbguard1\nExecStart=/usr/sbin/usbguard-dbus --system',
      [],
      [/^DynamicUser=/]
    ],
    ['ExecStart=/usr/sbin/corosync -f', [], [/^DynamicUser=/]],
    ['ExecStart=/usr/sbin/pacemakerd', [], [/^DynamicUser=/, /^ProtectSystem=/]],
    ['Type=forking\nExecStart=/sbin/mdmon --foreground md127', [], [/^ProtectKernelTunables=/]],
    [
      'ExecStart=/sbin/mdadm --monitor --scan',
      [],
      [/^NoNewPrivileges=/, /^ProtectSystem=strict/, /^SystemCallFilter=.*@privileged/]
    ],
    [
      'Type=forking\nExecStart=/usr/sbin/automount $OPTIONS --pid-file /var/run/autofs.pid',
      [],
      [
        /^ProtectSystem=/,
        /^ProtectHome=/,
        /^PrivateTmp=/,
        /^PrivateDevices=/,
        /^ProtectKernelModules=/
      ]
    ],
    [
      'ExecStart=/usr/libexec/upowerd\nRestrictAddressFamilies=AF_UNIX AF_NETLINK',
      [],
      [/^PrivateNetwork=/]
    ],
    ['ExecStart=/sbin/multipathd -d -s', [/^RestrictAddressFamilies=.*AF_NETLINK/], []],
    ['ExecStart=/usr/sbin/NetworkManager --no-daemon', [], [/^ProtectKernelTunables=/]],
    ['ExecStart=/usr/sbin/qemu-ga', [/^RestrictAddressFamilies=.*AF_NETLINK/], [/^ProtectClock=/]],
    [
      'User=consul\nExecStart=/usr/bin/consul agent -config-dir=/etc/consul.d/',
      [/^RestrictAddressFamilies=.*AF_NETLINK/],
      []
    ],
    [
      'ExecStart=/usr/sbin/ModemManager\nRestrictAddressFamilies=AF_NETLINK AF_UNIX AF_QIPCRTR',
      [],
      [/^RestrictAddressFamilies=(?!.*AF_QIPCRTR)AF/]
    ]
  ] as const)(
    "Debian 12's system daemons, a desk review (session 28): %s",
    (text, must, mustNot) => {
      const lines = dropIn(text, STRICT_ALL)
      for (const pattern of must)
        expect([pattern.source, lines.some((l) => pattern.test(l))]).toEqual([pattern.source, true])
      for (const pattern of mustNot)
        expect([pattern.source, lines.filter((l) => pattern.test(l))]).toEqual([pattern.source, []])
    }
  )
  it.each([
    ['ExecStart=/usr/sbin/ulogd', 'CAP_NET_ADMIN'],
    ['ExecStart=/usr/sbin/ptp4l -f /etc/linuxptp/ptp4l.conf -i eth0', 'CAP_NET_ADMIN'],
    ['Type=oneshot\nRemainAfterExit=yes\nExecStart=/etc/init.d/kdump-tools start', 'CAP_SYS_BOOT'],
    [
      'User=root\nExecStart=/usr/sbin/clamonacc -F --log=/var/log/clamav/clamonacc.log --move=/root/quarantine',
      'CAP_SYS_ADMIN'
    ],
    ['Type=oneshot\nExecStart=/lib/apparmor/apparmor.systemd reload', 'CAP_MAC_ADMIN'],
    ['ExecStart=/usr/sbin/bird -f -u bird -g bird', 'CAP_NET_BROADCAST'],
    ['Type=forking\nExecStart=/sbin/auditd', 'CAP_AUDIT_CONTROL']
  ] as const)(
    "Debian 12's system daemons, a desk review (session 28): %s keeps %s",
    (text, cap) => {
      const unit = { name: 'd.service', files: { 'd.service': `[Service]\n${text}\n` } }
      const s = suggestionOf(gate(unit, { policy: STRICT_ALL, threshold: 0 }))
      expect(capabilityNames(load(withDropIn(unit, s)).settings.capabilityBoundingSet)).toContain(
        cap
      )
    }
  )
  it('pgbouncer writes with PostgreSQL; dnsdist runs LuaJIT; alertmanager keeps silences (round 3)', () => {
    const pgbouncer = dropIn(
      'Type=notify\nUser=postgres\nExecStart=/usr/sbin/pgbouncer /etc/pgbouncer/pgbouncer.ini',
      STRICT_ALL
    )
    expect(line(pgbouncer, 'ReadWritePaths')).toMatch(/-\/var\/log\/postgresql( |$)/)
    expect(line(pgbouncer, 'ReadWritePaths')).toMatch(/-\/run\/postgresql( |$)/)
    // not RuntimeDirectory=postgresql: systemd would remove PostgreSQL's socket directory when
    // pgbouncer stops
    expect(line(pgbouncer, 'RuntimeDirectory')).toBe('')
    for (const command of [
      '/usr/bin/dnsdist --supervised --disable-syslog',
      '/usr/sbin/pdns_recursor --daemon=no --write-pid=no'
    ])
      expect(line(dropIn(`ExecStart=${command}`, STRICT_ALL), 'MemoryDenyWriteExecute')).toBe('')
    const alertmanager = dropIn(
      'User=prometheus\nExecStart=/usr/bin/prometheus-alertmanager $ARGS',
      STRICT_ALL
    )
    expect(line(alertmanager, 'ReadWritePaths')).toMatch(
      /-\/var\/lib\/prometheus(\/alertmanager)?( |$)/
    )
  })
  it('RemoveIPC= only for a user named after the service (pgbouncer as postgres took its shared memory)', () => {
    const suggestion = (name: string, text: string): FullSuggestion =>
      full({ name, files: { [name]: `[Service]\n${text}\n` } })
    const pgbouncer = suggestion(
      'pgbouncer.service',
      'Type=notify\nUser=postgres\nExecStart=/usr/sbin/pgbouncer /etc/pgbouncer/pgbouncer.ini'
    )
    expect(line(directiveLines(pgbouncer), 'RemoveIPC')).toBe('')
    expect(pgbouncer.notSuggested.find((n) => n.directive === 'RemoveIPC')?.reason).toMatch(
      /^User=postgres is not named after the service/
    )
    const shop = suggestion('shop.service', 'User=shop\nExecStart=/opt/shop/bin/server')
    expect(line(directiveLines(shop), 'RemoveIPC')).toBe('RemoveIPC=yes')
    const postgres = suggestion(
      'pg.service',
      'User=postgres\nExecStart=/usr/lib/postgresql/15/bin/postgres -D /var/lib/postgresql/15/main'
    )
    expect(line(directiveLines(postgres), 'RemoveIPC')).toBe('RemoveIPC=yes')
  })
  it('lldpd chroots, lists interfaces and keeps CAP_NET_ADMIN; knotd drops capabilities itself', () => {
    for (const policy of [BASELINE, STRICT_ALL]) {
      const lldpd = dropIn('ExecStart=/usr/sbin/lldpd $DAEMON_ARGS $LLDPD_OPTIONS', policy)
      expect(line(lldpd, 'SystemCallFilter')).not.toMatch(/@mount|@privileged/)
      expect(line(lldpd, 'CapabilityBoundingSet')).not.toMatch(
        /^CapabilityBoundingSet=$|~.*CAP_NET_ADMIN/
      )
    }
    const lldpd = dropIn('ExecStart=/usr/sbin/lldpd', STRICT_ALL)
    expect(line(lldpd, 'RestrictAddressFamilies')).toMatch(/AF_NETLINK/)
    const knot = dropIn(
      'ExecStart=/usr/sbin/knotd -m "$KNOT_CONF_MAX_SIZE" $KNOTD_ARGS',
      STRICT_ALL
    )
    expect(line(knot, 'SystemCallFilter')).not.toMatch(/@privileged/)
  })
  it("alertmanager's gossip lists the interfaces for its address (round 4)", () => {
    // "Failed to get interface addresses: route ip+net: netlinkrib: address family not supported"
    const alertmanager = dropIn(
      'User=prometheus\nExecStart=/usr/bin/prometheus-alertmanager $ARGS',
      STRICT_ALL
    )
    expect(line(alertmanager, 'RestrictAddressFamilies')).toMatch(/AF_NETLINK/)
  })
  it('radvd and corosync look for their addresses among the interfaces (round 5)', () => {
    // radvd stayed active and sent no advertisement ("getifaddrs failed on v0: Address family not
    // supported by protocol"); corosync exited: "No valid name found for local host"
    const radvd = dropIn(
      'Type=forking\nExecStartPre=/usr/sbin/radvd --logmethod stderr_clean --configtest\nExecStart=/usr/sbin/radvd --logmethod stderr_clean\nPIDFile=/run/radvd.pid\nCapabilityBoundingSet=CAP_NET_BIND_SERVICE  CAP_NET_RAW\nPrivateTmp=yes\nPrivateDevices=yes\nProtectSystem=full\nProtectHome=yes\nNoNewPrivileges=yes',
      STRICT_ALL
    )
    expect(line(radvd, 'RestrictAddressFamilies')).toMatch(/AF_NETLINK/)
    const corosync = dropIn(
      'Type=notify\nEnvironmentFile=-/etc/default/corosync\nExecStart=/usr/sbin/corosync -f $COROSYNC_OPTIONS\nExecStop=/usr/sbin/corosync-cfgtool -H --force\nPrivateTmp=yes',
      STRICT_ALL
    )
    expect(line(corosync, 'RestrictAddressFamilies')).toMatch(/AF_NETLINK/)
  })
  it.each([
    // AdvCurHopLimit (64 by default), AdvLinkMTU and the timers: v0's hop_limit stayed 50 under
    // both drop-ins while radvd advertised 64
    [
      "radvd sets its interfaces' hop limit",
      'Type=forking\nExecStart=/usr/sbin/radvd --logmethod stderr_clean\nPIDFile=/run/radvd.pid'
    ],
    // ufw-init runs `sysctl -e -p /etc/ufw/sysctl.conf || true`: under ProtectKernelTunables= the
    // keys were "permission denied", under ProcSubset=pid silently skipped; the unit stayed active
    [
      'ufw applies its sysctl.conf at each start',
      'Type=oneshot\nRemainAfterExit=yes\nExecStart=/lib/ufw/ufw-init start quiet\nExecStop=/lib/ufw/ufw-init stop'
    ]
  ])('%s: /proc/sys stays writable (round 5)', (_, service) => {
    for (const policy of [BASELINE, STRICT_ALL]) {
      const lines = dropIn(service, policy)
      expect(line(lines, 'ProtectKernelTunables')).toBe('')
      expect(line(lines, 'ProcSubset')).toBe('')
    }
  })
  it('an IPVS load balancer loads ip_vs itself: no ProtectKernelModules=, @module and CAP_SYS_MODULE stay', () => {
    for (const service of [
      'Type=notify\nEnvironmentFile=-/etc/default/keepalived\nExecStart=/usr/sbin/keepalived --dont-fork $DAEMON_ARGS\nExecReload=/bin/kill -HUP $MAINPID',
      'Type=oneshot\nRemainAfterExit=yes\nExecStart=/sbin/ipvsadm-restore\nExecStop=/sbin/ipvsadm -C'
    ]) {
      for (const policy of [BASELINE, STRICT_ALL]) {
        const s = suggestionFor(service, policy)
        const lines = directiveLines(s)
        expect(line(lines, 'ProtectKernelModules')).toBe('')
        expect(line(lines, 'SystemCallFilter')).not.toMatch(/@module/)
        const kept = capabilityNames(
          load(withDropIn(unitOf(service), s)).settings.capabilityBoundingSet
        )
        expect(kept).toEqual(expect.arrayContaining(['CAP_SYS_MODULE', 'CAP_NET_ADMIN']))
      }
    }
  })
  it("an init script's stop finds its daemon in /proc after it switched user (round 5)", () => {
    // slapd's generated unit without CAP_SYS_PTRACE: start-stop-daemon --exec could not read
    // /proc/PID/exe of slapd (running as openldap), the stop found nothing, slapd stayed, and the
    // next start failed "bind(8) failed errno=98 (Address already in use)"
    const dropped = (lines: string[]): boolean =>
      /^CapabilityBoundingSet=~.*CAP_SYS_PTRACE/m.test(line(lines, 'CapabilityBoundingSet'))
    const generated =
      'Type=forking\nKillMode=process\nGuessMainPID=no\nRemainAfterExit=yes\nSuccessExitStatus=5 6\nExecStart=/etc/init.d/slapd start\nExecStop=/etc/init.d/slapd stop'
    for (const policy of [BASELINE, STRICT_ALL]) {
      const slapd = dropIn(generated, policy)
      // (strict at 0 still takes away the other administration capabilities)
      if (policy === STRICT_ALL)
        expect(line(slapd, 'CapabilityBoundingSet')).toMatch(/CAP_SYS_ADMIN/)
      expect(dropped(slapd)).toBe(false)
      // the same daemon stopped by start-stop-daemon --exec from a unit of its own
      const ssd = dropIn(
        'ExecStart=/usr/sbin/slapd -h ldap:/// -u openldap -g openldap\nExecStop=/sbin/start-stop-daemon --stop --pidfile /run/slapd/slapd.pid --exec /usr/sbin/slapd',
        policy
      )
      expect(dropped(ssd)).toBe(false)
      // by its PID file alone (nginx's ExecStop=, passed in the first run): /proc/PID/exe unread
      const nginx = dropIn(
        "ExecStart=/usr/sbin/nginx -g 'daemon on; master_process on;'\nExecStop=-/sbin/start-stop-daemon --quiet --stop --retry QUIT/5 --pidfile /run/nginx.pid",
        STRICT_ALL
      )
      if (policy === STRICT_ALL) expect(dropped(nginx)).toBe(true)
    }
    // a daemon that keeps its user (root) reads its own /proc/PID/exe: no CAP_SYS_PTRACE kept
    const root = line(
      dropIn(
        'Type=forking\nExecStart=/etc/init.d/probe-daemon start\nExecStop=/etc/init.d/probe-daemon stop',
        STRICT_ALL
      ),
      'CapabilityBoundingSet'
    )
    expect(root).not.toBe('')
    expect(root).not.toMatch(/^CapabilityBoundingSet=[^~\n]*CAP_SYS_PTRACE/m)
  })
  it('slapd writes its online configuration, cn=config, to slapd.d (round 5)', () => {
    // ldapmodify -Y EXTERNAL of cn=config: "Other (e.g., implementation specific) error (80)"
    const slapd = dropIn(
      'Type=forking\nKillMode=process\nRemainAfterExit=yes\nExecStart=/etc/init.d/slapd start\nExecStop=/etc/init.d/slapd stop',
      STRICT_ALL
    )
    expect(line(slapd, 'ReadWritePaths')).toMatch(/-\/etc\/ldap\/slapd\.d( |$)/)
    expect(line(slapd, 'ReadWritePaths')).toMatch(/-\/var\/lib\/ldap( |$)/)
  })
  it("NUT's upsd starts as root and switches to its user itself (round 4)", () => {
    // "getuid gave 0, but seteuid(0) failed: Operation not permitted" under ~@privileged
    const upsd = dropIn(
      'EnvironmentFile=-/etc/nut/nut.conf\nExecStart=/sbin/upsd -F\nExecReload=/sbin/upsd -c reload -P $MAINPID',
      STRICT_ALL
    )
    expect(line(upsd, 'SystemCallFilter')).not.toMatch(/@privileged/)
  })
  it("kresd's cache is knot-resolver's; its instances share /run/knot-resolver (round 4)", () => {
    const kresd = directiveLines(
      suggestionOf(
        gate(
          {
            name: 'kresd@1.service',
            files: {
              'kresd@.service':
                '[Service]\nType=notify\nUser=knot-resolver\nWorkingDirectory=/var/lib/knot-resolver\nExecStart=/usr/sbin/kresd -c /etc/knot-resolver/kresd.conf -n\nExecStopPost=/usr/bin/env rm -f "/run/knot-resolver/control/%i"\n'
            }
          },
          { policy: STRICT_ALL, threshold: 0 }
        )
      )
    )
    expect(line(kresd, 'ReadWritePaths')).toMatch(/-\/var\/cache\/knot-resolver( |$)/)
    // RuntimeDirectory=knot-resolver: the first instance to stop would remove it for all of them
    expect(line(kresd, 'RuntimeDirectory')).toBe('')
    expect(line(kresd, 'ReadWritePaths')).toMatch(/-\/run\/knot-resolver( |$)/)
  })
})

// lldpd's unit sets ProtectKernelTunables=no, munin-node's PrivateDevices=false: the drop-ins of the
// second booted-container run turned both on without a word (session 27)
it('says when it turns on a switch the unit turns off', () => {
  const unit = (lines: string) => ({
    name: 'd.service',
    files: { 'd.service': `[Service]\nExecStart=/usr/local/bin/d\n${lines}` }
  })
  const s = full(
    unit('ProtectKernelTunables=no\nPrivateDevices=false\nPrivateTmp=no\nPrivateTmp=yes\n')
  )
  const notes = s.observe.filter((o) => o.includes('is turned off in the unit'))
  expect(notes).toEqual([
    "PrivateDevices= is turned off in the unit (d.service:4) and the drop-in turns it on: check why it was off first (a comment there, the package's changelog).",
    "ProtectKernelTunables= is turned off in the unit (d.service:3) and the drop-in turns it on: check why it was off first (a comment there, the package's changelog)."
  ])
  expect(s.dropIn).toContain('# - ProtectKernelTunables= is turned off in the unit (d.service:3)')
  // none when the drop-in leaves the switch alone (a login service keeps its devices)
  const login = full({
    name: 'getty.service',
    files: { 'getty.service': '[Service]\nExecStart=/sbin/agetty tty1\nPrivateDevices=no\n' }
  })
  expect(login.observe.some((o) => o.includes('is turned off'))).toBe(false)
})

// Debian's squid.service sets NotifyAccess=all for its worker's READY=1: with the strict drop-in's
// NotifyAccess=exec it timed out starting in a booted container (session 27)
it('keeps a NotifyAccess=all the unit sets', () => {
  const unit = {
    name: 'squid.service',
    files: {
      'squid.service':
        '[Service]\nType=notify\nGroup=proxy\nExecStart=/usr/sbin/squid --foreground -sYC\nNotifyAccess=all\n'
    }
  }
  const s = full(unit)
  expect(directiveLines(s).some((l) => l.startsWith('NotifyAccess'))).toBe(false)
  expect(s.notSuggested.find((n) => n.directive === 'NotifyAccess')?.reason).toBe(
    'NotifyAccess=all is set in the unit (squid.service:5): a process other than the main one sends its notifications'
  )
})

// Debian's dnsmasq and memcached units run a helper script of the package, which then runs the
// daemon as root: both failed with the strict drop-in's DynamicUser=yes in a booted container
// (session 27), and unbound and dnsmasq without AF_NETLINK (getifaddrs(), interface lists)
describe("a helper in a daemon's own directory", () => {
  const strict = (command: string): { lines: string[]; reason?: string } => {
    const unit = {
      name: 'd.service',
      files: { 'd.service': `[Service]\nType=forking\nExecStart=${command}\n` }
    }
    const s = full(unit)
    return {
      lines: directiveLines(s),
      reason: s.notSuggested.find((n) => n.directive === 'DynamicUser')?.reason
    }
  }
  it.each([
    ['/usr/share/dnsmasq/systemd-helper exec', /dnsmasq/],
    ['/usr/share/memcached/scripts/systemd-memcached-wrapper /etc/memcached.conf', /memcached/]
  ])('counts as that daemon: %s', (command, reason) => {
    const { lines, reason: why } = strict(command)
    expect(lines.some((l) => l.startsWith('DynamicUser'))).toBe(false)
    expect(why).toMatch(reason)
  })
  it('unless the directory names no program the gate knows', () => {
    expect(strict('/opt/shop/scripts/start-shop').lines).toContain('DynamicUser=yes')
    expect(strict('/usr/share/scripts/helper').lines).toContain('DynamicUser=yes')
  })
  it("keeps what binding the daemon's default port needs when the unit shows no port", () => {
    // stock dnsmasq binds 53 from its configuration: as a dynamic user without capabilities it
    // failed ("failed to create listening socket for 127.0.0.1: Permission denied")
    const dnsmasq = strict('/usr/share/dnsmasq/systemd-helper exec').lines
    expect(dnsmasq.find((l) => l.startsWith('CapabilityBoundingSet='))).not.toMatch(
      /^CapabilityBoundingSet=$|~.*CAP_NET_BIND_SERVICE/
    )
    // a daemon run as a dynamic user keeps the capability as an ambient one
    const unit = {
      name: 'dns.service',
      files: {
        'dns.service': '[Service]\nExecStart=/usr/bin/coredns -conf /etc/coredns/Corefile\n'
      }
    }
    const s = suggestionOf(gate(unit))
    expect(directiveLines(s)).toContain('AmbientCapabilities=CAP_NET_BIND_SERVICE')
    expect(s.dropIn).toMatch(/binds port 53 \(coredns's default\)/)
    // a port the unit shows decides
    const shown = {
      name: 'dns.service',
      files: {
        'dns.service':
          '[Service]\nExecStart=/usr/bin/coredns -dns.port=1053\nEnvironment=PORT=1053\n'
      }
    }
    expect(directiveLines(suggestionOf(gate(shown)))).not.toContain(
      'AmbientCapabilities=CAP_NET_BIND_SERVICE'
    )
  })
  it.each([
    '/usr/sbin/unbound -d -p',
    '/usr/share/dnsmasq/systemd-helper exec',
    '/usr/bin/prometheus-node-exporter'
  ])('%s keeps AF_NETLINK', (command) => {
    const families = strict(command).lines.find((l) => l.startsWith('RestrictAddressFamilies='))
    expect(families).toMatch(/AF_NETLINK/)
  })
})

// ports below 1024 need CAP_NET_BIND_SERVICE (net.ipv4.ip_unprivileged_port_start defaults to 1024); 1024 does not
describe('the privileged-port boundary', () => {
  const ambient = (port: number): string[] =>
    directiveLines(
      full({
        name: 'app.service',
        files: { 'app.service': `[Service]\nExecStart=/usr/bin/app --port ${port}\n` }
      })
    ).filter((l) => l === 'AmbientCapabilities=CAP_NET_BIND_SERVICE')
  it('keeps CAP_NET_BIND_SERVICE for port 1023, not for 1024', () => {
    expect(ambient(1023)).toHaveLength(1)
    expect(ambient(1024)).toEqual([])
  })
})

describe('a unit that sets User=root itself', () => {
  it('keeps root: no DynamicUser=yes, left out with where User= is set', () => {
    const s = full({
      name: 'app.service',
      files: { 'app.service': '[Service]\nExecStart=/usr/bin/app\nUser=root\n' }
    })
    expect(directiveLines(s)).not.toContain('DynamicUser=yes')
    expect(s.notSuggested.find((n) => n.directive === 'DynamicUser')?.reason).toMatch(
      /^User=root is set explicitly \(.*app\.service:3\)$/
    )
  })
})

describe('a unit that sets UMask= itself', () => {
  it('keeps it: no UMask= line in the drop-in, left out with where it is set', () => {
    const s = full({
      name: 'app.service',
      files: { 'app.service': '[Service]\nExecStart=/usr/bin/app\nUMask=0027\n' }
    })
    expect(directiveLines(s).filter((l) => l.startsWith('UMask='))).toEqual([])
    expect(s.notSuggested.find((n) => n.directive === 'UMask')?.reason).toMatch(
      /^UMask= is set in the unit \(.*app\.service:3\)$/
    )
  })
})

describe('a drop-in that sorts after the suggested one (parity batch 24)', () => {
  const unitWith = (override: string): UnitFiles => ({
    name: 'w.service',
    files: {
      'w.service': '[Service]\nExecStart=/usr/bin/w\n',
      // systemctl edit's file sorts after hardening.conf: its lines win
      'w.service.d/override.conf': `[Service]\n${override}`
    }
  })
  const said = (s: FullSuggestion, directive: string): string | undefined =>
    s.notSuggested.find((n) => n.directive === directive)?.reason

  it('names the line that undoes a directive, instead of leaving it out without a word', () => {
    const s = full(
      unitWith('ProtectSystem=no\nPrivateDevices=no\nSystemCallFilter=\nRestrictNamespaces=no\n')
    )
    expect(s.reachesTarget).toBe(false)
    expect(said(s, 'PrivateDevices')).toBe(
      'w.service.d/override.conf:3 sets it again, and systemd reads that drop-in after ' +
        "hardening.conf: the gate's line gains this only placed after that one (in a drop-in " +
        'whose name sorts later, or merged into that line)'
    )
    expect(s.notSuggested.find((n) => n.directive === 'PrivateDevices')?.gain).toBeGreaterThan(0)
    expect(said(s, 'SystemCallFilter')).toMatch(/^w\.service\.d\/override\.conf:4 sets it again/)
    expect(said(s, 'RestrictNamespaces')).toMatch(/^w\.service\.d\/override\.conf:5 sets it again/)
    // what the override does not touch is suggested as before
    expect(directiveLines(s)).toContain('ProtectKernelModules=yes')
    expect(said(s, 'ProtectKernelModules')).toBeUndefined()
    // without it, nothing of the kind is said
    const alone = full({
      name: 'w.service',
      files: { 'w.service': '[Service]\nExecStart=/usr/bin/w\n' }
    })
    expect(alone.notSuggested.filter((n) => n.reason.includes('sets it again'))).toEqual([])
  })

  it('names no later line that hardens, adds to a list or changes nothing (red team, session 26)', () => {
    // named as undoing the gate's lines, their removal made units worse (red team: 3.0 for 1.7)
    const s = full(
      unitWith(
        'PrivateTmp=yes\nProtectSystem=bogus\n' +
          'ReadWritePaths=/var/lib/w\nCapabilityBoundingSet=CAP_NET_ADMIN\nProtectHome=no\n'
      )
    )
    expect(
      s.notSuggested.filter((n) => n.reason.includes('sets it again')).map((n) => n.directive)
    ).toEqual(['ProtectHome'])
  })
})

describe('rolling back a DynamicUser= drop-in', () => {
  // systemd moves a dynamic user's managed directories into private/ and moves one back only at a
  // start that still declares it: deleting the drop-in leaves what only the drop-in declares there
  // the drop-in's header comment as one line (it wraps at 100 columns)
  const rollbackLine = (dropIn: string): string =>
    dropIn
      .split('\n')
      .filter((line) => line.startsWith('#'))
      .map((line) => line.replace(/^#/, ''))
      .join(' ')
      .replace(/\s+/g, ' ')
      .match(/Roll back:.*?restart[^.]*\./)![0]

  it('says to keep the directories only the drop-in declares for one restart', () => {
    const s = full({
      name: 'dyn.service',
      files: { 'dyn.service': '[Service]\nExecStart=/usr/bin/dyn --cache-dir /var/cache/dyn/c\n' }
    })
    expect(directiveLines(s)).toContain('DynamicUser=yes')
    expect(directiveLines(s)).toContain('StateDirectory=dyn')
    expect(directiveLines(s)).toContain('CacheDirectory=dyn')
    expect(rollbackLine(s.dropIn)).toBe(
      "Roll back: DynamicUser= moves /var/lib/dyn, /var/cache/dyn into private/ (owned by a transient UID), and deleting this file leaves them there: first cut this file down to [Service] and StateDirectory=dyn, CacheDirectory=dyn, then systemctl daemon-reload and restart the service (systemd moves them back and gives them to the service's user); then delete the file, daemon-reload and restart."
    )
  })

  it('says to delete the file where the unit declares the directories itself', () => {
    const declared = full({
      name: 'dyn.service',
      files: { 'dyn.service': '[Service]\nExecStart=/usr/bin/dyn\nStateDirectory=dyn\n' }
    })
    expect(directiveLines(declared)).toContain('DynamicUser=yes')
    expect(rollbackLine(declared.dropIn)).toBe(
      'Roll back: delete this file, then systemctl daemon-reload and restart the service.'
    )
    // and without DynamicUser= (a unit that keeps its user)
    const kept = full({
      name: 'keep.service',
      files: { 'keep.service': '[Service]\nExecStart=/usr/bin/keep\nUser=keep\n' }
    })
    expect(directiveLines(kept)).not.toContain('DynamicUser=yes')
    expect(rollbackLine(kept.dropIn)).toBe(
      'Roll back: delete this file, then systemctl daemon-reload and restart the service.'
    )
  })
})

describe('what to observe before the file-system step (parity batch 24)', () => {
  const whichFiles = (s: FullSuggestion): string[] =>
    s.observe.filter((o) => o.startsWith('Which files does it write?'))
  const install = '\n[Install]\nWantedBy=multi-user.target\n'

  it('names as declared only what the drop-in declares', () => {
    // DynamicUser=: only the state directory of the usual places is declared
    const dynamic = full({
      name: 'dyn.service',
      files: { 'dyn.service': '[Service]\nExecStart=/usr/bin/dyn\n' }
    })
    expect(directiveLines(dynamic)).toContain('DynamicUser=yes')
    expect(whichFiles(dynamic)).toEqual([
      expect.stringContaining(
        'of the usual places /var/lib/dyn is declared, as its StateDirectory='
      )
    ])
    expect(whichFiles(dynamic)[0]).not.toContain('/var/log/dyn')
    // a unit that keeps its user: ProtectSystem=strict with the usual places as write paths
    const kept = full({
      name: 'keep.service',
      files: { 'keep.service': `[Service]\nExecStart=/usr/bin/keep\nUser=keep\n${install}` }
    })
    const strict = directiveLines(kept).find((l) => l.startsWith('ReadWritePaths='))
    expect(strict).toContain('/var/log/keep')
    expect(whichFiles(kept)).toEqual([
      expect.stringContaining(
        'the usual places (/var/lib/keep, /var/log/keep, /var/cache/keep) are declared'
      )
    ])
  })
})

describe('per-connection login daemons (parity batch 25)', () => {
  it.each(['in.telnetd', 'tinysshd', 'in.rlogind', 'in.rshd'])(
    '%s keeps root and its capabilities: it starts user sessions',
    (program) => {
      const s = full({
        name: 'remote@1.service',
        files: {
          'remote@.service': `[Service]\nExecStart=-/usr/sbin/${program}\nStandardInput=socket\n`
        }
      })
      expect(directiveLines(s)).not.toContain('DynamicUser=yes')
      expect(directiveLines(s)).not.toContain('CapabilityBoundingSet=')
    }
  )
})

describe('reasons that quote a socket unit (parity batch 25)', () => {
  it('name the socket by its file name, whole, wherever the gate runs from', () => {
    const s = suggestionOf(
      gate(rule('portFromRootSocket'), {
        policy: STRICT_ALL,
        threshold: 0,
        directory: 'units/some/deeper/packaging/directory'
      })
    )
    const reasons = s.notSuggested.map((n) => n.reason).join('\n')
    expect(reasons).toContain('port 443 (port-root-socket.socket: ListenStream=443)')
    expect(reasons).not.toContain('...')
  })
})
