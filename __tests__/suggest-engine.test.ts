/**
 * The fix engine's fast scorer (variant-score.ts) against a full scoring: it re-assesses only the
 * rows a variant can change, so every variant the engine might try must score exactly as the unit
 * loaded with those lines would. Random sets of directive lines on many units, committed and tried.
 */
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import * as path from 'node:path'
import { CHECKS } from '../src/core/checks.js'
import { DEFAULT_POLICY, parsePolicy } from '../src/core/policy.js'
import type { Policy } from '../src/core/policy.js'
import { exposureOfSettings } from '../src/core/score.js'
import type { ServiceSettings } from '../src/core/service.js'
import { applyImpliedSettings, applyServiceAssignment, copySettings } from '../src/core/service.js'
import { parseUnitName } from '../src/core/specifiers.js'
import { copySyscallFilter } from '../src/core/values/syscalls.js'
import type { Patch } from '../src/core/variant-score.js'
import { patchFrom, rowFields, VariantScorer } from '../src/core/variant-score.js'
import { compareIds } from '../src/core/suggest.js'
import { RULE_UNITS, THIRD_PARTY_UNITS } from './suggest-fixtures.js'
import { exampleUnits, fixture, load, systemUnits } from './suggest-support.js'

const ROOT = path.resolve(import.meta.dirname, '..')

/** Lines like the engine's candidates, each a patch of its own (one directive each). */
const LINES: Array<Array<[string, string]>> = [
  [['NoNewPrivileges', 'yes']],
  [['PrivateTmp', 'yes']],
  [['ProtectHome', 'yes']],
  [['ProtectHome', 'read-only']],
  [['ProtectSystem', 'strict']],
  [['ProtectSystem', 'full']],
  [['PrivateDevices', 'yes']],
  [['ProtectKernelTunables', 'yes']],
  [['ProtectKernelModules', 'yes']],
  [['ProtectKernelLogs', 'yes']],
  [['ProtectControlGroups', 'yes']],
  [['ProtectClock', 'yes']],
  [['ProtectHostname', 'yes']],
  [['ProtectProc', 'invisible']],
  [['ProcSubset', 'pid']],
  [['PrivateMounts', 'yes']],
  [['UMask', '0077']],
  [
    ['User', ''],
    ['DynamicUser', 'yes']
  ],
  [['RemoveIPC', 'yes']],
  [['PrivateUsers', 'yes']],
  [
    ['CapabilityBoundingSet', ''],
    ['CapabilityBoundingSet', 'CAP_NET_BIND_SERVICE']
  ],
  [['CapabilityBoundingSet', '~CAP_SYS_ADMIN CAP_SYS_PTRACE CAP_SYS_MODULE CAP_SYS_TIME']],
  [['AmbientCapabilities', '']],
  [
    [
      'SystemCallFilter',
      '~@swap @obsolete @clock @cpu-emulation @debug @mount @module @raw-io @reboot'
    ]
  ],
  [['SystemCallFilter', '~@privileged @resources']],
  [
    ['SystemCallArchitectures', ''],
    ['SystemCallArchitectures', 'native']
  ],
  [['MemoryDenyWriteExecute', 'yes']],
  [['LockPersonality', 'yes']],
  [['RestrictRealtime', 'yes']],
  [['RestrictSUIDSGID', 'yes']],
  [['RestrictNamespaces', 'yes']],
  [
    ['DevicePolicy', 'closed'],
    ['DeviceAllow', '/dev/ttyUSB0 rw']
  ],
  [
    ['RestrictAddressFamilies', ''],
    ['RestrictAddressFamilies', 'AF_UNIX AF_INET AF_INET6']
  ],
  [
    ['IPAddressDeny', 'any'],
    ['IPAddressAllow', 'localhost']
  ],
  [['PrivateNetwork', 'yes']],
  [['NotifyAccess', 'exec']],
  [['KeyringMode', 'private']]
]

const UNITS = [
  ...exampleUnits(ROOT),
  ...Object.values(RULE_UNITS).map(fixture),
  ...THIRD_PARTY_UNITS.map(fixture),
  ...systemUnits()
]

const POLICIES: Policy[] = [
  DEFAULT_POLICY,
  parsePolicy(
    {
      PrivateNetwork: { weight: 0 },
      UMask: { weight: 300, range: 20 },
      DeviceAllow: { weight: 0 }
    },
    'p'
  )
]

describe('VariantScorer', () => {
  it('knows which settings every row reads', () => {
    expect(CHECKS.filter((c) => rowFields(c) === undefined).map((c) => c.id)).toEqual([])
  })

  it('scores every variant exactly like a full scoring', () => {
    let compared = 0
    for (const [u, unit] of UNITS.entries()) {
      const loaded = load(unit)
      const name = parseUnitName(unit.name)!
      const policy = POLICIES[u % POLICIES.length]!
      const base = loaded.raw!
      const scorer = new VariantScorer(base, name, 252, policy)
      const patches: Patch[] = LINES.map((lines) => {
        const changed = Object.create(base) as ServiceSettings
        // as the engine does: only a SystemCallFilter= line gets its own copy of the filter
        if (base.syscallFilter && lines.some(([key]) => key === 'SystemCallFilter')) {
          changed.syscallFilter = copySyscallFilter(base.syscallFilter)
        }
        for (const [key, value] of lines) applyServiceAssignment(changed, key, value, name, 252)
        return patchFrom(changed, base)
      })
      /** the reference: apply the lines in order to a copy, implied settings, all rows */
      const full = (chosen: number[]): number => {
        const settings = copySettings(base)
        for (const i of chosen)
          for (const [key, value] of LINES[i]!)
            applyServiceAssignment(settings, key, value, name, 252)
        applyImpliedSettings(settings, name)
        return exposureOfSettings(settings, 252, policy, { fine: true })
      }
      expect(scorer.exposure).toBe(Math.ceil(full([])))
      // disjoint directives only, as the engine's co-chosen candidates are
      const directiveOf = (i: number) => LINES[i]![LINES[i]!.length - 1]![0]
      fc.assert(
        fc.property(
          fc.uniqueArray(fc.integer({ min: 0, max: LINES.length - 1 }), {
            maxLength: 14,
            selector: directiveOf
          }),
          fc.uniqueArray(fc.integer({ min: 0, max: LINES.length - 1 }), {
            maxLength: 8,
            selector: directiveOf
          }),
          (committed, tried) => {
            const fresh = new VariantScorer(base, name, 252, policy)
            fresh.commit(committed.map((i) => patches[i]!))
            // try: take some of the committed ones out, put others in
            const removed = committed.filter((i) => tried.includes(i))
            const added = tried.filter(
              (i) =>
                !committed.includes(i) && !committed.some((c) => directiveOf(c) === directiveOf(i))
            )
            const trial = fresh.trial([
              ...removed.map((i) => fresh.revert(patches[i]!)),
              ...added.map((i) => patches[i]!)
            ])
            const expected = full([...committed.filter((i) => !removed.includes(i)), ...added])
            compared++
            return Math.abs(trial - expected) < 1e-9 && Math.ceil(trial) === Math.ceil(expected)
          }
        ),
        { numRuns: 25, seed: 5000 + u }
      )
    }
    expect(compared).toBeGreaterThan(1000)
  })
})

describe('compareIds (ties between equal gains)', () => {
  const collator = new Intl.Collator()
  const sign = (n: number): number => Math.sign(n)

  it('orders ids of letters, digits and dashes exactly as localeCompare() does', () => {
    const id = fc.string({
      unit: fc.constantFrom('a', 'b', 'z', 'A', 'B', 'Z', 'i', 'I', '0', '5', '9', '-'),
      maxLength: 8
    })
    fc.assert(
      fc.property(id, id, (a, b) => {
        expect(sign(compareIds(a, b))).toBe(sign(collator.compare(a, b)))
      }),
      { numRuns: 20000 }
    )
    const ids = [
      'blocked-PrivateNetwork',
      'CapabilityBoundingSet',
      'CapabilityBoundingSet-admin',
      'ProtectSystem-full',
      'ProtectSystem',
      'UMask',
      'user',
      'IPAddressDeny'
    ]
    expect([...ids].sort(compareIds)).toEqual([...ids].sort((a, b) => a.localeCompare(b)))
  })

  it('falls back to the collator for anything else', () => {
    expect(sign(compareIds('é', 'f'))).toBe(sign(collator.compare('é', 'f')))
    expect(sign(compareIds('a_b', 'a-b'))).toBe(sign(collator.compare('a_b', 'a-b')))
  })
})
