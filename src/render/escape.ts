/** Escaping for text that came from unit files: nothing from a file may steer a terminal or a runner. */

/** Control characters, DEL, C1 controls, line/paragraph separators and bidi overrides, shown as escapes. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what is escaped
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

/** The same class without the g flag: a test that keeps no lastIndex. */
const HAS_UNSAFE = new RegExp(UNSAFE.source)

export function escapeControl(text: string): string {
  // most text is clean: a test is cheaper than a replace that finds nothing
  if (!HAS_UNSAFE.test(text)) return text
  return text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/** Markdown table cells and inline text: escapes pipes, HTML, mentions, references and backticks. */
export function escapeMarkdown(text: string): string {
  return escapeControl(text)
    .replace(/\\/g, '\\\\')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/`/g, '\\`')
    .replace(/([*_[\]])/g, '\\$1')
    .replace(/@(?=\w)/g, '@\u200b')
    .replace(/#(?=\d)/g, '#\u200b')
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
