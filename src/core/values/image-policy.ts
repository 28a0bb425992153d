/**
 * RootImagePolicy=, MountImagePolicy=, ExtensionImagePolicy= (config_parse_image_policy): a value
 * image_policy_from_string() rejects makes the unit fail to load, in the unit file as for User=.
 * The gate scores nothing from these settings; it only has to know when systemd refuses them.
 */
import { extractSeparatedWord } from '../words.js'
import { strstrip } from '../syntax.js'

/** The three settings exist from 254 (systemd 252 ignores them as unknown keys). */
export const IMAGE_POLICIES = 254

/**
 * From 259 an unknown partition name or flag is skipped (read off 259, 261 and 262; 254, 255 and
 * 257 refuse the unit; 258 unverified, follows 257). A repeated rule, a rule without '=' and an
 * empty rule are refused in every version.
 */
export const GRACEFUL_IMAGE_POLICY = 259

/** partition_designator_from_string()'s names (also the PARTITION of MountImages= options) */
export const DESIGNATORS: ReadonlySet<string> = new Set([
  'root',
  'usr',
  'home',
  'srv',
  'esp',
  'xbootldr',
  'swap',
  'root-verity',
  'usr-verity',
  'root-verity-sig',
  'usr-verity-sig',
  'tmp',
  'var'
])

const FLAGS: ReadonlySet<string> = new Set([
  'verity',
  'signed',
  'encrypted',
  'unprotected',
  'unused',
  'absent',
  'open',
  'ignore',
  'read-only-on',
  'read-only-off',
  'growfs-on',
  'growfs-off'
])

/** Splits as extract_first_word(EXTRACT_DONT_COALESCE_SEPARATORS) does: no quotes, '\x' is x. */
const SPLIT = { unquote: false, escapes: 'literal', coalesce: false } as const

/** Why systemd `version` refuses the policy, or undefined when it takes it. */
export function imagePolicyError(value: string, version: number): string | undefined {
  // the symbolic policies ("" is a reset, handled by the caller)
  if (value === '' || value === '-' || value === '*' || value === '~') return undefined
  const graceful = version >= GRACEFUL_IMAGE_POLICY
  const seen = new Set<string>()
  let start: number | null = 0
  for (;;) {
    const rule = extractSeparatedWord(value, start, ':', SPLIT)
    if (rule === 'end') return undefined
    if (rule === 'error') return 'a backslash at the end'
    start = rule.next
    const name = extractSeparatedWord(rule.word, 0, '=', SPLIT)
    if (name === 'error') return 'a backslash at the end'
    if (name === 'end' || name.endedBy === undefined) {
      return rule.word === '' ? 'an empty rule' : `'${rule.word}' has no '='`
    }
    const designator = strstrip(name.word)
    if (designator !== '' && !DESIGNATORS.has(designator)) {
      if (graceful) continue
      return `'${designator}' is not a partition name (from ${GRACEFUL_IMAGE_POLICY} it is skipped)`
    }
    if (seen.has(designator)) {
      return designator === ''
        ? 'the default rule (=...) is given twice'
        : `two rules for '${designator}'`
    }
    seen.add(designator)
    const flags = strstrip(rule.word.slice(name.next ?? rule.word.length))
    if (flags === '' || flags === '-') continue
    let at: number | null = 0
    for (;;) {
      const flag = extractSeparatedWord(flags, at, '+', SPLIT)
      if (flag === 'end') break
      if (flag === 'error') return 'a backslash at the end'
      at = flag.next
      const word = strstrip(flag.word)
      if (!FLAGS.has(word) && !graceful) {
        return `'${word}' is not a partition policy flag (from ${GRACEFUL_IMAGE_POLICY} it is skipped)`
      }
    }
  }
}
