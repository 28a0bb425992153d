/** RestrictNamespaces=: the set of namespace types a service may still create. */
import { extractWords, parseBoolean } from '../words.js'

export const NAMESPACE_FLAGS: Record<string, number> = {
  cgroup: 1 << 0,
  ipc: 1 << 1,
  net: 1 << 2,
  mnt: 1 << 3,
  pid: 1 << 4,
  user: 1 << 5,
  uts: 1 << 6,
  time: 1 << 7
}

export const ALL_NAMESPACES = 0xff

/** 'initial' allows everything but lets the next list replace instead of merge. */
export type NamespaceState = number | 'initial'

export function namespaceAllowed(state: NamespaceState, type: string): boolean {
  if (state === 'initial') return true
  return (state & (Object.hasOwn(NAMESPACE_FLAGS, type) ? NAMESPACE_FLAGS[type]! : 0)) !== 0
}

/** Applies one assignment (config_parse_restrict_namespaces); undefined = invalid, ignored. */
export function applyNamespaceAssignment(
  current: NamespaceState,
  value: string
): NamespaceState | undefined {
  if (value === '') return 'initial'
  const bool = parseBoolean(value)
  if (bool === true) return 0
  if (bool === false) return ALL_NAMESPACES
  const invert = value.startsWith('~')
  const { words, error } = extractWords(invert ? value.slice(1) : value)
  if (error) return undefined
  let flags = 0
  for (const word of words) {
    if (!Object.hasOwn(NAMESPACE_FLAGS, word)) return undefined
    flags |= NAMESPACE_FLAGS[word]!
  }
  if (current === 'initial') return invert ? ALL_NAMESPACES & ~flags : flags
  return invert ? current & ~flags : current | flags
}
