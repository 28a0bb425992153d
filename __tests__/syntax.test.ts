/**
 * Unit-file syntax as systemd 252 reads it (unit-file-loading.md 5.1-5.3): sections, keys, comments,
 * continuation lines, line breaks, BOM, UTF-8 and length limits. Parser-level tests check what
 * parseUnitText() returns; the tables below them check what the whole engine makes of a unit, with the
 * exposure (or load failure) that `systemd-analyze security --offline=true` printed for the same file
 * (re-measure with LOADER_ORACLE=1, see support/units.ts).
 */
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { LONG_LINE_MAX, parseUnitText } from '../src/core/syntax.js'
import type { Outcome } from './support/units.js'
import {
  BARE,
  BARE_SCORE,
  analyzeText,
  expectOutcome,
  oracleAgreement,
  outcomeOf
} from './support/units.js'

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text)
const latin1 = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0))
const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}
/** A first piece of 524291 bytes once its backslash is a space (the second adds 524285 or 524286). */
const first = `X-A=${'é'.repeat(262142)}ab\\`
const parse = (text: string | Uint8Array) =>
  parseUnitText(typeof text === 'string' ? utf8(text) : text)
/** [key, value, line] of every assignment */
const assignments = (text: string | Uint8Array) =>
  parse(text).assignments.map((a) => [a.key, a.value, a.line])

describe('parseUnitText: sections and keys', () => {
  it('reads sections, keys and values with their line numbers', () => {
    const parsed = parse('[Unit]\nDescription=x\n\n[Service]\nExecStart = /bin/true \n')
    expect(parsed.assignments).toEqual([
      { section: 'Unit', key: 'Description', value: 'x', line: 2 },
      { section: 'Service', key: 'ExecStart', value: '/bin/true', line: 5 }
    ])
    expect(parsed.sectionLines).toEqual({ Unit: 1, Service: 4 })
    expect(parsed.lineCount).toBe(5)
    expect(parsed.fatal).toBeUndefined()
  })

  it('splits at the first = only and keeps the rest of the value', () => {
    expect(assignments('[Service]\nEnvironment=A=B=C\n')).toEqual([['Environment', 'A=B=C', 2]])
  })

  it('keeps the line of the first header of a repeated section', () => {
    const parsed = parse('[Service]\nUser=a\n[Unit]\n[Service]\nUser=b\n')
    expect(parsed.sectionLines.Service).toBe(1)
    expect(assignments('[Service]\nUser=a\n[Unit]\n[Service]\nUser=b\n')).toEqual([
      ['User', 'a', 2],
      ['User', 'b', 5]
    ])
  })

  it('skips lines outside any section, lines without = and lines without a key, with warnings', () => {
    const parsed = parse('A=1\n[Service]\nnot a pair\n=x\n')
    expect(parsed.assignments).toEqual([])
    expect(parsed.warnings.map((w) => w.line)).toEqual([1, 3, 4])
  })

  it.each([
    ['[Bogus]', true],
    ['[X-Foo]', false],
    ['[ Service ]', true],
    ['[]', true],
    ['[service]', true]
  ])('ignores every line of the unknown section %s (warns: %s)', (header, warns) => {
    const parsed = parse(`[Service]\n${header}\nNoNewPrivileges=yes\n`)
    expect(parsed.assignments).toEqual([])
    expect(parsed.warnings.map((w) => w.line)).toEqual(warns ? [2] : [])
  })

  it('trims blanks around a header before checking it', () => {
    expect(parse('  [Service] \t\nA=1\n').sectionLines).toEqual({ Service: 1 })
  })

  it.each([
    ['[Unit', 'missing ]'],
    ['[Service] # c', 'text after ]'],
    ['[', 'a lone ['],
    ['[Unit]x', 'text after ]'],
    ['[Se"rvice]', 'a quote'],
    ["[Se'rvice]", 'a quote'],
    ['[Ser\\vice]', 'a backslash'],
    ['[Ser\x01vice]', 'a control character'],
    ['[Ser\x7fvice]', 'DEL']
  ])('stops at the invalid section header %j (%s)', (header) => {
    const parsed = parse(`[Service]\nA=1\n${header}\nB=2\n`)
    expect(parsed.fatal?.line).toBe(3)
    expect(assignments(`[Service]\nA=1\n${header}\nB=2\n`)).toEqual([['A', '1', 2]])
  })

  it('stops at a header cut off by the end of the file', () => {
    expect(parse('[Service]\nA=1\n[Service ').fatal?.line).toBe(3)
  })

  it('does not fold the case of keys or sections', () => {
    expect(parse('[Service]\nnonewprivileges=yes\n').assignments[0]?.key).toBe('nonewprivileges')
    expect(parse('[service]\nExecStart=/bin/true\n').sectionLines).toEqual({})
  })
})

describe('parseUnitText: comments', () => {
  it.each([
    ['# c', '# c'],
    ['; c', '; c'],
    ['   # c', '# c'],
    ['\t; c', '; c']
  ])('%j is a comment', (line, text) => {
    const parsed = parse(`[Service]\n${line}\n`)
    expect(parsed.assignments).toEqual([])
    expect(parsed.comments).toEqual([{ line: 2, text }])
  })

  it.each([
    ['ProtectHome=yes # c', 'yes # c'],
    ['NoNewPrivileges=yes ;c', 'yes ;c'],
    ['Description=a#b', 'a#b']
  ])('a # or ; later in the line is part of the value: %j', (line, value) => {
    expect(assignments(`[Service]\n${line}\n`)).toEqual([[line.split('=')[0], value, 2]])
  })
})

describe('parseUnitText: continuation lines', () => {
  it.each<[string, string, Array<[string, string, number]>]>([
    [
      'an odd number of backslashes continues; the next line is appended as is',
      'A=x \\\n  y\nB=1\n',
      [
        ['A', 'x    y', 2],
        ['B', '1', 4]
      ]
    ],
    [
      'two backslashes do not continue',
      'A=x\\\\\nB=1\n',
      [
        ['A', 'x\\\\', 2],
        ['B', '1', 3]
      ]
    ],
    ['three backslashes continue', 'A=x\\\\\\\nB=1\n', [['A', 'x\\\\ B=1', 2]]],
    [
      'a comment line inside a continuation is skipped',
      'A=x\\\n# c \\\n  ; c\ny\n',
      [['A', 'x y', 2]]
    ],
    [
      'an empty line ends it',
      'A=x \\\n\nB=1\n',
      [
        ['A', 'x', 2],
        ['B', '1', 4]
      ]
    ],
    [
      'a blank line ends it',
      'A=x \\\n \t \nB=1\n',
      [
        ['A', 'x', 2],
        ['B', '1', 4]
      ]
    ],
    ['a key can be split', 'NoNew\\\nPrivileges=yes\n', [['NoNew Privileges', 'yes', 2]]],
    [
      'a section header is swallowed',
      'A=1 \\\n[Unit]\nB=2\n',
      [
        ['A', '1  [Unit]', 2],
        ['B', '2', 4]
      ]
    ],
    ['a continuation at the end of the file is still parsed', 'A=x\\', [['A', 'x', 2]]],
    [
      'a lone backslash line continues too',
      'A=1\n\\\nB=2\n',
      [
        ['A', '1', 2],
        ['B', '2', 3]
      ]
    ],
    [
      'a backslash followed by a blank does not',
      'A=1 \\ \nB=2\n',
      [
        ['A', '1 \\', 2],
        ['B', '2', 3]
      ]
    ]
  ])('%s', (_name, body, expected) => {
    expect(assignments(`[Service]\n${body}`)).toEqual(expected)
  })

  it('keeps the swallowed header from changing the section', () => {
    expect(parse('[Service]\nA=1 \\\n[Unit]\nB=2\n').assignments.map((a) => a.section)).toEqual([
      'Service',
      'Service'
    ])
  })
})

describe('parseUnitText: line breaks', () => {
  // systemd 252 reports the unknown keys Foo1 and Foo2 on lines 3 and 5 for each of these
  it.each([
    ['LF', '[Service]\nExecStart=/bin/true\nFoo1=x\n\nFoo2=x\n'],
    ['CR', '[Service]\rExecStart=/bin/true\rFoo1=x\r\rFoo2=x\r'],
    ['NUL', '[Service]\0ExecStart=/bin/true\0Foo1=x\0\0Foo2=x\0'],
    ['CRLF', '[Service]\r\nExecStart=/bin/true\r\nFoo1=x\r\n\r\nFoo2=x\r\n'],
    ['LF CR', '[Service]\n\rExecStart=/bin/true\n\rFoo1=x\r\n\r\nFoo2=x\n'],
    ['CRLF NUL', '[Service]\r\n\0ExecStart=/bin/true\r\n\0Foo1=x\0\r\nFoo2=x\n']
  ])('%s: counts lines like systemd', (_name, text) => {
    const parsed = parse(text)
    expect(parsed.assignments.map((a) => [a.key, a.line])).toEqual([
      ['ExecStart', 2],
      ['Foo1', 3],
      ['Foo2', 5]
    ])
  })

  it('splits at a NUL inside a line', () => {
    expect(assignments('[Service]\nA=1\0B=2\n')).toEqual([
      ['A', '1', 2],
      ['B', '2', 3]
    ])
  })
})

describe('parseUnitText: byte order mark', () => {
  it('strips a BOM on the first line', () => {
    expect(parse('\uFEFF[Service]\nA=1\n').sectionLines).toEqual({ Service: 1 })
  })

  it('does not treat BOM + # on line 1 as a comment', () => {
    const parsed = parse('\uFEFF# c\n[Service]\n')
    expect(parsed.comments).toEqual([])
    expect(parsed.warnings).toEqual([expect.objectContaining({ line: 1 })])
  })

  it('strips only the first BOM-prefixed line; a later BOM stays part of the key', () => {
    expect(assignments('\n\uFEFF[Service]\n\uFEFFA=1\n')).toEqual([['\uFEFFA', '1', 3]])
  })
})

describe('parseUnitText: encoding and size limits', () => {
  it.each([
    ['an invalid byte in a value', latin1('X-A=\xff')],
    ['an invalid byte in a line without =', latin1('\xff')],
    ['an overlong encoding', latin1('X-A=\xc0\xaf')],
    ['a UTF-16 surrogate', latin1('X-A=\xed\xa0\x80')],
    ['a truncated sequence', latin1('X-A=\xe2\x82')],
    ['the noncharacter U+FFFE', utf8('X-A=\uFFFE')],
    ['the noncharacter U+FDD0', utf8('X-A=\uFDD0')],
    ['the noncharacter U+1FFFE', utf8('X-A=\u{1FFFE}')],
    ['a literal U+FFFD next to an invalid byte', concat(utf8('X-A=\uFFFD'), latin1('\xff'))]
  ])('stops at %s', (_name, line) => {
    const parsed = parse(concat(utf8('[Service]\nA=1\n'), line, utf8('\nB=2\n')))
    expect(parsed.fatal?.line).toBe(3)
    expect(parsed.assignments.map((a) => a.key)).toEqual(['A'])
  })

  it.each([
    ['U+FDF0', utf8('X-A=\uFDF0')],
    ['U+FFFD', utf8('X-A=\uFFFD')],
    ['an emoji', utf8('X-A=\u{1F600}')]
  ])('accepts %s', (_name, line) => {
    expect(parse(concat(utf8('[Service]\n'), line, utf8('\n'))).fatal).toBeUndefined()
  })

  it('ignores invalid UTF-8 inside comments, also within a continuation', () => {
    const parsed = parse(concat(utf8('[Service]\nA=\\\n'), latin1('# \xff\n'), utf8('x\n')))
    expect(parsed.fatal).toBeUndefined()
    expect(parsed.assignments.map((a) => [a.key, a.value])).toEqual([['A', 'x']])
    expect(parsed.comments).toEqual([{ line: 3, text: '# \uFFFD' }])
  })

  const line = (bytes: number) => `X-A=${'x'.repeat(bytes - 4)}`
  it('accepts a line of LONG_LINE_MAX - 1 bytes and refuses one of LONG_LINE_MAX', () => {
    expect(LONG_LINE_MAX).toBe(1048576)
    expect(parse(`[Service]\n${line(1048575)}\n`).fatal).toBeUndefined()
    expect(parse(`[Service]\n${line(1048575)}`).fatal).toBeUndefined()
    expect(parse(`[Service]\n${line(1048576)}\n`).fatal?.line).toBe(2)
  })

  it('says when the file ends inside a continued line', () => {
    const of = (text: string) => {
      const parsed = parseUnitText(new TextEncoder().encode(text))
      return [parsed.continued, parsed.openAtEnd]
    }
    expect(of('[Service]\nA=1 \\\n  2\n')).toEqual([[[2, 3]], undefined])
    expect(of('[Service]\nA=1 \\\n# note\n  2 \\\n')).toEqual([[[2, 4]], true])
    expect(of('[Service]\nA=1 \\')).toEqual([[[2, 2]], true])
    // an escaped backslash does not continue
    expect(of('[Service]\nA=1 \\\\\n')).toEqual([[], undefined])
  })

  it('counts bytes, not characters', () => {
    // 'é' is 2 bytes: 4 + 2 * 524286 = 1048576
    expect(parse(`[Service]\nX-A=${'é'.repeat(524286)}\n`).fatal?.line).toBe(2)
  })

  it('accepts a continued line of exactly LONG_LINE_MAX bytes and refuses one byte more', () => {
    expect(parse(`[Service]\n${first}\n${'é'.repeat(262142)}z\n`).fatal).toBeUndefined()
    expect(parse(`[Service]\n${first}\n${'é'.repeat(262142)}zz\n`).fatal?.line).toBe(3)
  })
})

describe('the unit systemd makes of it', () => {
  const H = BARE
  const rows: Array<[string, string | Uint8Array, Outcome]> = [
    ['the bare unit', H, BARE_SCORE],
    // continuation lines
    [
      'CapabilityBoundingSet=CAP_KILL \\ + "  CAP_SYS_ADMIN": one value',
      `${H}CapabilityBoundingSet=CAP_KILL \\\n  CAP_SYS_ADMIN\n`,
      7.4
    ],
    ['x\\\\ does not continue', `${H}X-A=foo\\\\\nNoNewPrivileges=yes\n`, 9.4],
    [
      'x\\\\\\ continues and swallows the next line',
      `${H}NoNewPrivileges=yes\\\\\\\nPrivateTmp=yes\n`,
      9.6
    ],
    [
      'NoNewPrivileges=yes \\ + PrivateTmp=yes: neither applies',
      `${H}NoNewPrivileges=yes \\\nPrivateTmp=yes\n`,
      9.6
    ],
    [
      'a # comment inside a continuation is skipped',
      `${H}NoNewPrivileges=\\\n# comment\nyes\n`,
      9.4
    ],
    [
      'a ; comment inside a continuation is skipped',
      `${H}NoNewPrivileges=\\\n  ; comment\nyes\n`,
      9.4
    ],
    ['an empty line ends a continuation', `${H}NoNewPrivileges=yes \\\n\nPrivateTmp=yes\n`, 9.2],
    ['a blank line ends a continuation', `${H}NoNewPrivileges=yes \\\n   \nPrivateTmp=yes\n`, 9.2],
    ['a key split across lines is unknown', `${H}NoNew\\\nPrivileges=yes\n`, 9.6],
    [
      'a swallowed [Unit] leaves the parser in [Service]',
      `${H}X-A=1 \\\n[Unit]\nNoNewPrivileges=yes\n`,
      9.4
    ],
    ['the same [Unit] not swallowed', `${H}X-A=1\n[Unit]\nNoNewPrivileges=yes\n`, 9.6],
    ['a continuation at the end of the file', `${H}NoNewPrivileges=yes\\`, 9.4],
    ['a comment does not continue', `# c \\\n${H}`, 9.6],
    // comments
    ['# at line start', `${H}#NoNewPrivileges=yes\n`, 9.6],
    ['; at line start', `${H};NoNewPrivileges=yes\n`, 9.6],
    ['# after indentation', `${H}  \t# NoNewPrivileges=yes\n`, 9.6],
    ['no inline comments: ProtectHome=yes # c is ignored', `${H}ProtectHome=yes # c\n`, 9.6],
    ['no inline comments: NoNewPrivileges=yes ;c is ignored', `${H}NoNewPrivileges=yes ;c\n`, 9.6],
    // line breaks
    ['CRLF', `${H}NoNewPrivileges=yes\nPrivateTmp=yes\n`.replace(/\n/g, '\r\n'), 9.2],
    ['lone CR', `${H}NoNewPrivileges=yes\nPrivateTmp=yes\n`.replace(/\n/g, '\r'), 9.2],
    ['NUL as a line break', `${H}NoNewPrivileges=yes\0PrivateTmp=yes\0ProtectHome=yes\n`, 9.0],
    ['NUL NUL', `${H}NoNewPrivileges=yes\0\0PrivateTmp=yes\n`, 9.2],
    ['LF CR', `${H}NoNewPrivileges=yes\n\rPrivateTmp=yes\n`, 9.2],
    ['CR inside a key', `${H}NoNew\rPrivileges=yes\n`, 9.6],
    // byte order mark
    ['BOM', `\uFEFF${H}NoNewPrivileges=yes\n`, 9.4],
    ['BOM on the second line', `\n\uFEFF${H}NoNewPrivileges=yes\n`, 9.4],
    [
      'BOM + # on line 1 is not a comment: it continues into [Service]',
      `\uFEFF# c \\\n${H}`,
      'invalid'
    ],
    ['BOM + #[Service] is not a header', '\uFEFF#[Service]\nExecStart=/bin/true\n', 'invalid'],
    ['a second BOM stays in the key', `\uFEFF${H}\uFEFFNoNewPrivileges=yes\n`, 9.6],
    [
      'the first BOM inside a continuation is stripped there',
      `${H}X-A=\\\n\uFEFFx\n\uFEFFNoNewPrivileges=yes\n`,
      9.6
    ],
    // sections and keys
    ['keys are case-sensitive: nonewprivileges=', `${H}nonewprivileges=yes\n`, 9.6],
    ['keys are case-sensitive: NoNewprivileges=', `${H}NoNewprivileges=yes\n`, 9.6],
    ['execstart= is unknown: no command', '[Service]\nexecstart=/bin/true\n', 'invalid'],
    ['[service] is unknown: no command', '[service]\nExecStart=/bin/true\n', 'invalid'],
    ['[Bogus] lines are ignored', `${H}[Bogus]\nNoNewPrivileges=yes\n`, 9.6],
    ['[X-Foo] lines are ignored', `${H}[X-Foo]\nNoNewPrivileges=yes\n`, 9.6],
    ['[ Service ] lines are ignored', `${H}[ Service ]\nNoNewPrivileges=yes\n`, 9.6],
    ['[] lines are ignored', `${H}[]\nNoNewPrivileges=yes\n`, 9.6],
    ['[Service]] is another section', `${H}[Service]]\nNoNewPrivileges=yes\n`, 9.6],
    [
      'trailing blanks after a header are trimmed',
      '[Service]  \nExecStart=/bin/true\nNoNewPrivileges=yes\n',
      9.4
    ],
    ['an indented header', '  [Service]\nExecStart=/bin/true\nNoNewPrivileges=yes\n', 9.4],
    [
      'hardening keys under [Unit] do nothing',
      `[Unit]\nNoNewPrivileges=yes\nProtectSystem=strict\n${H}`,
      9.6
    ],
    ['hardening keys under [Install] do nothing', `${H}[Install]\nNoNewPrivileges=yes\n`, 9.6],
    ['a key before any section does nothing', `NoNewPrivileges=yes\n${H}`, 9.6],
    [
      'a second [Service] section merges',
      `${H}[Unit]\nDescription=x\n[Service]\nNoNewPrivileges=yes\n`,
      9.4
    ],
    ['blanks around = are ignored', `${H}NoNewPrivileges\t =  yes \n`, 9.4],
    ['a form feed is not a blank', `${H}NoNewPrivileges=yes\f\n`, 9.6],
    ['a no-break space is not a blank', `${H}NoNewPrivileges=\u00a0yes\n`, 9.6],
    // refused files
    ['a bad section header', `${H}[Unit\n`, 'invalid'],
    ['[Service] # c', '[Service] # c\nExecStart=/bin/true\n', 'invalid'],
    ['invalid UTF-8 in a value', concat(utf8(H), latin1('X-A=\xff\n')), 'invalid'],
    [
      'invalid UTF-8 in an ignored section',
      concat(utf8(`${H}[Bogus]\n`), latin1('A=\xff\n')),
      'invalid'
    ],
    ['invalid UTF-8 in a comment', concat(utf8(H), latin1('# \xff\n')), BARE_SCORE],
    ['U+FFFE', `${H}X-A=\uFFFE\n`, 'invalid'],
    ['U+FDF0', `${H}X-A=\uFDF0\n`, BARE_SCORE],
    ['a Latin-1 description', latin1(`${H}Description=caf\xe9\n`), 'invalid'],
    [
      'a UTF-16 file',
      Uint8Array.from([0xff, 0xfe, ...[...H].flatMap((c) => [c.charCodeAt(0), 0])]),
      'invalid'
    ],
    ['an ELF header line', concat(latin1('\x7fELF\x02\x01\x01\0\0\0\0\n'), utf8(H)), BARE_SCORE],
    ['a line of 1048575 bytes', `${H}X-A=${'x'.repeat(1048571)}\n`, BARE_SCORE],
    ['a line of 1048576 bytes', `${H}X-A=${'x'.repeat(1048572)}\n`, 'invalid'],
    [
      'a continued line of 1048576 bytes',
      `${H}X-A=${'a'.repeat(524286)}\\\n${'b'.repeat(524285)}\n`,
      BARE_SCORE
    ],
    [
      'a continued line of 1048577 bytes',
      `${H}X-A=${'a'.repeat(524286)}\\\n${'b'.repeat(524286)}\n`,
      'invalid'
    ],
    [
      'a continued line of 1048577 bytes in 2-byte characters',
      `${H}${first}\n${'é'.repeat(262142)}zz\n`,
      'invalid'
    ],
    [
      'two halves of 1 MB in 2-byte characters',
      `${H}X-A=${'é'.repeat(500000)}\\\n${'é'.repeat(500000)}\n`,
      'invalid'
    ]
  ]
  it.each(rows)('%s', (name, text, expected) => {
    expectOutcome({ 'a.service': text }, expected, { label: name })
  })
})

// ---------------------------------------------------------------------------------------------------
// properties

/** Lines that exercise the syntax; none contains a line break, a BOM or a NUL. */
const lineArb = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      '[Service]',
      '[Unit]',
      '[Install]',
      '[Bogus]',
      'ExecStart=/bin/true',
      'ExecStart=/bin/false',
      'ExecStart=',
      'Type=oneshot',
      'NoNewPrivileges=yes',
      'NoNewPrivileges=YES',
      'PrivateTmp=On',
      'PrivateTmp=',
      'ProtectHome=yes # c',
      'ProtectHome=read-only',
      'ProtectSystem=strict',
      'ProtectSystem=STRICT',
      'CapabilityBoundingSet=CAP_KILL \\',
      'CapabilityBoundingSet=',
      '  CAP_SYS_ADMIN',
      'SystemCallFilter=@system-service',
      'RestrictAddressFamilies=AF_UNIX',
      'User=nobody',
      'User=%i',
      'DynamicUser=yes',
      'DynamicUser=maybe',
      'NoNew\\',
      'Privileges=yes',
      'X-A=1 \\',
      'x\\\\',
      '',
      '   ',
      '# comment',
      '; comment',
      '  # indented \\',
      'Description=é ✓',
      'not a pair'
    )
  },
  {
    weight: 1,
    arbitrary: fc.string({
      unit: fc.constantFrom('A', '=', ' ', '\\', '#', '[', ']', '%', '"', 'é'),
      maxLength: 12
    })
  }
)
const unitLinesArb = fc.array(lineArb, { maxLength: 25 })

/** Status, exposure and every row's badness: what must not change. */
function fingerprint(text: string): unknown {
  const report = analyzeText(text)
  return [outcomeOf(report), report.checks.map((c) => [c.id, c.badness])]
}

const continues = (line: string): boolean => /(^|[^\\])(\\\\)*\\$/.test(line)
const isComment = (line: string): boolean => /^[ \t]*[#;]/.test(line)

describe('properties', () => {
  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
        parseUnitText(bytes)
        analyzeText(bytes)
      }),
      { numRuns: 300 }
    )
  })

  it('never throws on arbitrary text built from syntax fragments', () => {
    const fragment = fc.constantFrom(
      '[Service]\n',
      'ExecStart=/bin/true\n',
      '\\',
      '\n',
      '\r',
      '\0',
      '#',
      '=',
      '\uFEFF',
      '%',
      '"',
      'é',
      '\uFFFE',
      ' '
    )
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 60 }), (parts) => {
        analyzeText(parts.join(''))
      }),
      { numRuns: 300 }
    )
  })

  it.each([' ', '=', '\\', '"', '%', '\n', '\0', '\\\n'])(
    'finishes quickly on 1 MiB of %j, raw and as a value',
    (unit) => {
      const mib = unit.repeat(Math.ceil(1048576 / unit.length)).slice(0, 1048576)
      const value = mib.slice(0, 1048000)
      for (const text of [
        mib,
        `[Service]\nUser=${value}\n`,
        `[Service]\nExecStart=/bin/echo ${value}\n`
      ]) {
        const started = performance.now()
        analyzeText(text)
        expect(performance.now() - started).toBeLessThan(1000)
      }
    }
  )

  it('finishes quickly on 1 MiB of continued lines and of invalid bytes between line breaks', () => {
    const texts = [
      utf8(`[Service]\nExecStart=/bin/true\n${'X-A=1\\\n'.repeat(150000)}`),
      Uint8Array.from({ length: 1048576 }, (_, i) => (i % 2 ? 10 : 0xff)),
      Uint8Array.from({ length: 1048576 }, (_, i) => (i % 3 === 2 ? 10 : i % 3 ? 0xff : 0x23))
    ]
    for (const text of texts) {
      const started = performance.now()
      analyzeText(text)
      expect(performance.now() - started).toBeLessThan(1000)
    }
  })

  it('scores the CRLF version of a unit like the LF version', () => {
    fc.assert(
      fc.property(unitLinesArb, (lines) => {
        const lf = lines.join('\n') + '\n'
        expect(fingerprint(lf.replace(/\n/g, '\r\n'))).toEqual(fingerprint(lf))
      }),
      { numRuns: 200 }
    )
  })

  it('scores a unit the same with a BOM prepended, unless its first line is a comment', () => {
    fc.assert(
      fc.property(
        unitLinesArb.filter((lines) => lines.length === 0 || !isComment(lines[0]!)),
        (lines) => {
          const text = lines.join('\n') + '\n'
          expect(fingerprint(`\uFEFF${text}`)).toEqual(fingerprint(text))
        }
      ),
      { numRuns: 200 }
    )
  })

  it('scores a unit the same with a comment line inserted outside a continuation', () => {
    fc.assert(
      fc.property(
        unitLinesArb,
        fc.nat(),
        fc.constantFrom('# c', ';', '   # NoNewPrivileges=yes \\', '#[Unit]'),
        (lines, at, comment) => {
          const boundaries = [...Array(lines.length + 1).keys()].filter(
            (i) => i === 0 || !continues(lines[i - 1]!)
          )
          const index = boundaries[at % boundaries.length]!
          const withComment = [...lines.slice(0, index), comment, ...lines.slice(index)]
          expect(fingerprint(withComment.join('\n') + '\n')).toEqual(
            fingerprint(lines.join('\n') + '\n')
          )
        }
      ),
      { numRuns: 200 }
    )
  })
})

oracleAgreement()
