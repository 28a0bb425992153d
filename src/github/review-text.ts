/**
 * Comment text (pure): neutralising untrusted text, hidden markers that identify the gate's own
 * comments across runs, fingerprints, and bodies that fit GitHub's 65,536-character limit without
 * breaking a code fence or a surrogate pair.
 */
import { createHash } from 'node:crypto'
import { escapeMarkdown } from '../render/escape.js'
import { redactSecrets, truncateText } from './escape.js'

/** GitHub rejects comment and review bodies longer than this (UTF-16 code units). */
export const BODY_LIMIT = 65536

/** Text from a unit file for prose and table cells: HTML, mentions, references, markers inert. */
export function untrusted(text: string, max = 300): string {
  return escapeMarkdown(redactSecrets(truncateText(text, max)))
}

/** A short, stable hash (hex) of the parts. */
export function fingerprint(...parts: string[]): string {
  const hash = createHash('sha256')
  for (const part of parts) hash.update(part).update('\0')
  return hash.digest('hex').slice(0, 16)
}

// ---- markers -----------------------------------------------------------------------------------

export type MarkerKind = 'comment' | 'review' | 'summary'
export type CommentState = 'open' | 'fixed' | 'superseded'

export interface Marker {
  kind: MarkerKind
  /** comment: the finding's identity (unit + check) */
  key?: string
  /** comment: the content fingerprint */
  fp?: string
  state?: CommentState
  /** review: the run that posted it (to recognise a review created before a 5xx) */
  run?: string
  /** review: fingerprints of the findings the review body lists */
  items?: string[]
  /** review: one fingerprint of the findings it only counts (too many to list): see restFingerprint */
  rest?: string
}

const MARKER_PREFIX = '<!-- systemd-hardening-gate:'
const MARKER =
  /^<!-- systemd-hardening-gate:(comment|review|summary) v1((?: [a-z]+=[A-Za-z0-9,._-]*)*) -->$/

export function formatMarker(marker: Marker): string {
  const fields: string[] = []
  if (marker.key !== undefined) fields.push(`key=${marker.key}`)
  if (marker.fp !== undefined) fields.push(`fp=${marker.fp}`)
  if (marker.state !== undefined) fields.push(`state=${marker.state}`)
  if (marker.run !== undefined) fields.push(`run=${marker.run}`)
  if (marker.items !== undefined) fields.push(`items=${marker.items.join(',')}`)
  if (marker.rest !== undefined) fields.push(`rest=${marker.rest}`)
  return `${MARKER_PREFIX}${marker.kind} v1${fields.map((f) => ` ${f}`).join('')} -->`
}

/**
 * The marker on the last line of a body, or undefined. Only the last line counts, so a marker quoted
 * inside a code block (from a unit file) is never taken for one; callers also check the author.
 */
export function parseMarker(body: string | null | undefined): Marker | undefined {
  if (!body) return undefined
  // (trimEnd(), not /\s+$/: that is quadratic on a long run of blanks inside a body)
  const trimmed = body.trimEnd()
  const last = trimmed.slice(trimmed.lastIndexOf('\n') + 1)
  const match = MARKER.exec(last)
  if (!match) return undefined
  const marker: Marker = { kind: match[1] as MarkerKind }
  for (const field of match[2]!.trim().split(' ').filter(Boolean)) {
    const eq = field.indexOf('=')
    const name = field.slice(0, eq)
    const value = field.slice(eq + 1)
    if (name === 'key' && /^[0-9a-f]{16}$/.test(value)) marker.key = value
    else if (name === 'fp' && /^[0-9a-f]{16}$/.test(value)) marker.fp = value
    else if (name === 'state' && ['open', 'fixed', 'superseded'].includes(value))
      marker.state = value as CommentState
    else if (name === 'run') marker.run = value
    else if (name === 'items') marker.items = value === '' ? [] : value.split(',')
    else if (name === 'rest' && /^[0-9a-f]{16}$/.test(value)) marker.rest = value
  }
  if (marker.kind === 'comment' && (marker.key === undefined || marker.fp === undefined))
    return undefined
  return marker
}

/** Neutralises text that would read as a marker (a `<!--` anywhere in prose). */
export function defuseMarkers(text: string): string {
  return text.replace(/<!--/g, '&lt;!--').replace(/-->/g, '--&gt;')
}

// ---- bodies under the limit --------------------------------------------------------------------

/** The fence (```…) that opens at this line, if it is a fence line. */
function fenceOf(line: string): string | undefined {
  return /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1]
}

/**
 * Cuts markdown to at most `max` characters: at a line boundary when possible, never inside a
 * surrogate pair, closing a code fence left open, then the note. `max` includes the note.
 */
export function truncateMarkdown(text: string, max: number, note: string): string {
  if (text.length <= max) return text
  const budget = Math.max(0, max - note.length - 16)
  let cut = truncateText(text, budget, '')
  const newline = cut.lastIndexOf('\n')
  if (newline > budget / 2) cut = cut.slice(0, newline)
  // a fence still open at the cut is closed with the same fence
  let open: string | undefined
  for (const line of cut.split('\n')) {
    const fence = fenceOf(line)
    if (fence === undefined) continue
    if (open === undefined) open = fence
    else if (fence[0] === open[0] && fence.length >= open.length && line.trim() === fence)
      open = undefined
  }
  let closing = open !== undefined ? `\n${open}` : ''
  if (cut.length + closing.length + note.length + 2 > max) {
    cut = truncateText(cut, max - closing.length - note.length - 2, '')
    closing = open !== undefined ? `\n${open}` : ''
  }
  return `${cut}${closing}\n\n${note}`
}

/**
 * A body made of a required head, optional parts (added in order while they fit) and the marker
 * last. Parts that do not fit are left out whole; a head too long is cut by truncateMarkdown.
 */
export function fitBody(
  head: string,
  optional: readonly string[],
  marker: string,
  limit = BODY_LIMIT,
  note = '✂️ Cut to fit GitHub’s comment size limit: the job summary has everything.'
): string {
  const reserve = marker.length + 2
  let body = truncateMarkdown(head, limit - reserve, note)
  for (const part of optional) {
    if (body.length + part.length + 2 + reserve > limit) continue
    body += `\n\n${part}`
  }
  return `${body}\n\n${marker}`
}
