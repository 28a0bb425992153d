/**
 * What stands between file-derived text and the runner: nothing read from a unit file may become a
 * workflow command (`::cmd::` at a line start, `##[cmd]` anywhere), leak a token, or close a fence.
 */
import { escapeControl } from '../render/escape.js'

export { codeFence, fencedBlock, truncateText } from '../render/escape.js'

const TOKENS = /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})/g
const AUTHORIZATION = /\b(authorization:\s*(?:basic|bearer|token)\s+)[A-Za-z0-9+/=._~-]+/gi

/** Replaces token-shaped strings (GitHub tokens, Authorization headers) before text leaves the process. */
export function redactSecrets(text: string): string {
  return text.replace(TOKENS, '[redacted]').replace(AUTHORIZATION, '$1[redacted]')
}

/**
 * Text from a file made safe for one line of the log or an annotation: control characters (CR, LF,
 * bidi overrides) shown as escapes, `##[` and a leading `::` broken with a zero-width space, tokens
 * redacted. @actions/core's own %-escaping comes on top for annotation messages and properties.
 */
export function commandSafe(text: string): string {
  return redactSecrets(escapeControl(text))
    .replace(/##\[/g, '#\u200b#[')
    .replace(/^(\s*):(?=:)/, '$1:\u200b')
}
