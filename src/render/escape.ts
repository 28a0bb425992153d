/** Escaping for text that came from unit files: nothing from a file may steer a terminal or a runner. */

/**
 * Shown as escapes: control characters, DEL, C1 controls, line/paragraph separators, bidi overrides,
 * isolates and marks, zero-width and other invisible characters (a name that looks like another).
 */
const UNSAFE =
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is escaped
  /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g

/** The same class without the g flag: a test that keeps no lastIndex. */
const HAS_UNSAFE = new RegExp(UNSAFE.source)

/**
 * Text from a file made safe for a terminal and for a CI log: the characters above shown as escapes,
 * and `##[`, which the Actions runner takes for a command anywhere in a line of a step's output
 * (stdout and stderr), shown as `##\u005b`. (A runner command at a line start, `::`, needs a line
 * break, which is escaped.)
 */
export function escapeControl(text: string): string {
  // most text is clean: a test is cheaper than a replace that finds nothing
  const escaped = HAS_UNSAFE.test(text)
    ? text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    : text
  return escaped.includes('##[') ? escaped.replaceAll('##[', '##\\u005b') : escaped
}

/**
 * JSON text (a unit's entry, a SARIF result) whose strings hold no `##[`: the runner would take it
 * for a command when the report is printed in a CI log. `\u005b` is `[` to any JSON reader.
 */
export function runnerSafeJson(json: string): string {
  return json.includes('##[') ? json.replaceAll('##[', '##\\u005b') : json
}

/** Cuts text to at most `max` UTF-16 units without splitting a surrogate pair. */
export function truncateText(text: string, max: number, ellipsis = '…'): string {
  if (text.length <= max) return text
  let end = Math.max(0, max - ellipsis.length)
  const code = text.charCodeAt(end - 1)
  if (code >= 0xd800 && code <= 0xdbff) end--
  return text.slice(0, end) + ellipsis
}

/** The longest reason or message a report line shows: a value can be a megabyte long. */
export const MESSAGE_SHOWN = 2000

/** Markdown table cells and inline text: escapes pipes, HTML, mentions, references and backticks. */
export function escapeMarkdown(text: string): string {
  return (
    escapeControl(text)
      .replace(/\\/g, '\\\\')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/\|/g, '\\|')
      .replace(/`/g, '\\`')
      .replace(/([*_[\]])/g, '\\$1')
      .replace(/~/g, '\\~')
      .replace(/@(?=\w)/g, '@\u200b')
      .replace(/#(?=\d)/g, '#\u200b')
      .replace(/\b(GH)-(?=\d)/gi, '$1-\u200b')
      // bare URLs GitHub would make links of: scheme://, www.
      .replace(/:\/\//g, ':\u200b//')
      .replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}\u200b.`)
  )
}

/** A backtick fence longer than any backtick run in the content (at least 3). */
export function codeFence(content: string): string {
  let longest = 0
  for (const run of content.match(/`+/g) ?? []) longest = Math.max(longest, run.length)
  return '`'.repeat(Math.max(3, longest + 1))
}

/** A fenced code block that content cannot close; mentions and HTML are inert inside it. */
export function fencedBlock(content: string, info = ''): string {
  const fence = codeFence(content)
  const body = content.endsWith('\n') ? content : `${content}\n`
  return `${fence}${info}\n${body}${fence}`
}
