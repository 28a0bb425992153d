/**
 * The settings the gate does not read that systemd still expands while loading a service: there %J
 * of a unit whose prefix ends with '-' makes systemd abort (SpecifierAbort in specifiers.ts), so
 * systemd-analyze security crashes on the unit and on every other unit of its run. Read off the
 * seven builds (252, 254, 255, 257, 259, 261, 262) one key and one value shape at a time; only a
 * unit whose %J is empty ever looks here. The settings the gate reads expand through
 * expandSpecifiers() in their own parsers.
 */
import { expandSpecifiers } from './specifiers.js'
import type { UnitName } from './specifiers.js'
import { readPartitionOptions } from './values/paths.js'
import { extractFirstWord, extractSeparatedWord } from './words.js'

/**
 * How a setting's value reaches specifier expansion:
 * - value: the whole value at once (config_parse_unit_string_printf(), conditions, paths ...)
 * - words: word by word, a word whose specifiers fail is skipped, a syntax error ends the value
 * - output/input: only the name after file:, append:, truncate: or fd: (StandardInput= takes
 *   file: and fd:)
 * - unescaped: the value after its C escapes are decoded (none bad)
 * - device: the first word, when a second follows (IODeviceWeight=/dev/sda 100)
 * - search-path: ':'-separated paths until the first that is not absolute
 * - image-options: `PARTITION:OPTIONS` words, options expanded when the partition is known
 */
type Shape =
  | 'value'
  | { words: { cunescape: boolean } }
  | 'output'
  | 'input'
  | 'unescaped'
  | 'device'
  | 'search-path'
  | 'image-options'

interface UnreadExpansion {
  shape: Shape
  /** the first version that expands it at load (unset: 252 and every later one) */
  since?: number
  /** the first version that no longer does */
  until?: number
}

const value = (since?: number): UnreadExpansion =>
  since === undefined ? { shape: 'value' } : { shape: 'value', since }
const words = (cunescape: boolean, since?: number): UnreadExpansion =>
  since === undefined
    ? { shape: { words: { cunescape } } }
    : { shape: { words: { cunescape } }, since }

const CONDITIONS_252 = [
  'ACPower',
  'Architecture',
  'CPUFeature',
  'CPUPressure',
  'CPUs',
  'Capability',
  'ControlGroupController',
  'Credential',
  'DirectoryNotEmpty',
  'Environment',
  'FileIsExecutable',
  'FileNotEmpty',
  'FirstBoot',
  'Group',
  'Host',
  'IOPressure',
  'KernelCommandLine',
  'KernelVersion',
  'Memory',
  'MemoryPressure',
  'NeedsUpdate',
  'OSRelease',
  'PathExists',
  'PathExistsGlob',
  'PathIsDirectory',
  'PathIsEncrypted',
  'PathIsMountPoint',
  'PathIsReadWrite',
  'PathIsSymbolicLink',
  'Security',
  'User',
  'Virtualization'
]
const CONDITIONS_259 = ['KernelModuleLoaded', 'Version']
const CONDITIONS_261 = ['Fraction', 'MachineTag', 'PathIsSocket']

/** Settings the gate does not read that systemd expands while loading a service, by SECTION.Key. */
export const UNREAD_EXPANSIONS: ReadonlyMap<string, UnreadExpansion> = new Map<
  string,
  UnreadExpansion
>([
  ...CONDITIONS_252.flatMap((c) => [
    [`Unit.Condition${c}`, value()] as const,
    [`Unit.Assert${c}`, value()] as const
  ]),
  ['Unit.ConditionFirmware', value()],
  ...CONDITIONS_259.flatMap((c) => [
    [`Unit.Condition${c}`, value(259)] as const,
    [`Unit.Assert${c}`, value(259)] as const
  ]),
  ...CONDITIONS_261.flatMap((c) => [
    [`Unit.Condition${c}`, value(261)] as const,
    [`Unit.Assert${c}`, value(261)] as const
  ]),
  ['Unit.Description', value()],
  ['Unit.Documentation', value()],
  ['Unit.SourcePath', value()],
  ['Unit.RebootArgument', value()],
  ['Unit.JobTimeoutRebootArgument', value()],
  ['Unit.RequiresMountsFor', words(false)],
  ['Unit.WantsMountsFor', words(false, 257)],
  ['Service.AllowedCPUs', value()],
  ['Service.AllowedMemoryNodes', value()],
  ['Service.StartupAllowedCPUs', value()],
  ['Service.StartupAllowedMemoryNodes', value()],
  ['Service.CPUAffinity', value()],
  ['Service.NUMAMask', value(259)],
  ['Service.BindNetworkInterface', value(261)],
  ['Service.Environment', words(true)],
  ['Service.UnsetEnvironment', words(true)],
  ['Service.PassEnvironment', words(false)],
  ['Service.LogExtraFields', words(true)],
  ['Service.EnvironmentFile', value()],
  ['Service.RebootArgument', value()],
  ['Service.SyslogIdentifier', value()],
  ['Service.UtmpIdentifier', value()],
  ['Service.TTYPath', value()],
  ['Service.StandardInputText', { shape: 'unescaped' }],
  // the cgroup v1 settings are only read for compatibility from 258 (257 expands them, 259 does not)
  ...['BlockIODeviceWeight', 'BlockIOReadBandwidth', 'BlockIOWriteBandwidth'].map(
    (key) => [`Service.${key}`, { shape: 'device', until: 258 }] as const
  ),
  ...[
    'IODeviceLatencyTargetSec',
    'IODeviceWeight',
    'IOReadBandwidthMax',
    'IOReadIOPSMax',
    'IOWriteBandwidthMax',
    'IOWriteIOPSMax'
  ].map((key) => [`Service.${key}`, { shape: 'device' }] as const),
  ['Service.USBFunctionDescriptors', value()],
  ['Service.USBFunctionStrings', value()],
  ['Service.StandardOutput', { shape: 'output' }],
  ['Service.StandardError', { shape: 'output' }],
  ['Service.StandardInput', { shape: 'input' }],
  ['Service.ExecSearchPath', { shape: 'search-path' }],
  ['Service.RootImageOptions', { shape: 'image-options' }]
])

const OUTPUT_NAMES = ['file:', 'append:', 'truncate:', 'fd:']
const INPUT_NAMES = ['file:', 'fd:']

/**
 * Expands what systemd expands of `value` when it loads SECTION.Key (a setting the gate does not
 * read): throws SpecifierAbort where systemd would abort; a specifier that fails is ignored there as
 * systemd ignores it.
 */
export function expandUnreadSetting(
  sectionKey: string,
  value: string,
  unit: UnitName,
  version: number
): void {
  const expansion = UNREAD_EXPANSIONS.get(sectionKey)
  if (!expansion || value === '') return
  if (version < (expansion.since ?? 0) || version >= (expansion.until ?? Infinity)) return
  const { shape } = expansion
  if (shape === 'value') {
    expandSpecifiers(value, unit, version)
  } else if (shape === 'output' || shape === 'input') {
    const prefix = (shape === 'output' ? OUTPUT_NAMES : INPUT_NAMES).find((p) =>
      value.startsWith(p)
    )
    if (prefix) expandSpecifiers(value.slice(prefix.length), unit, version)
  } else if (shape === 'unescaped') {
    const options = { unquote: false, escapes: 'cunescape', version } as const
    const unescaped = extractSeparatedWord(value, 0, '', options)
    if (typeof unescaped !== 'string') expandSpecifiers(unescaped.word, unit, version)
  } else if (shape === 'device') {
    const device = extractFirstWord(value, 0, { unquote: true })
    if (device && !('error' in device) && device.next < value.length) {
      expandSpecifiers(device.word, unit, version)
    }
  } else if (shape === 'search-path') {
    const options = { unquote: false, escapes: 'literal', coalesce: false } as const
    for (let at: number | null = 0; ;) {
      const word = extractSeparatedWord(value, at, ':', options)
      if (word === 'end' || word === 'error') return
      const expanded = expandSpecifiers(word.word, unit, version)
      if ('error' in expanded || !expanded.value.startsWith('/')) return
      at = word.next
    }
  } else if (shape === 'image-options') {
    // PARTITION:OPTIONS words, one pair each (the rest of a word is left unread)
    for (let position = 0; ;) {
      const word = extractFirstWord(value, position, { unquote: true, retainEscape: true })
      if (word === undefined || 'error' in word) return
      position = word.next
      if (readPartitionOptions(word.word, 0, unit, version) === 'error') return
    }
  } else {
    const { cunescape } = shape.words
    const flags = { unquote: true, cunescape, strictEscapes: cunescape, version }
    for (let position = 0; ;) {
      const word = extractFirstWord(value, position, flags)
      if (word === undefined || 'error' in word) return
      position = word.next
      expandSpecifiers(word.word, unit, version)
    }
  }
}
