/**
 * Fast paths that must agree with the slow definitions they short-cut: word splitting (systemd's
 * extract_first_word) and the byte order of drop-in file names (strcmp on UTF-8).
 */
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import type { ExtractOptions } from '../src/core/words.js'
import { compareBytes } from '../src/core/dropins.js'
import { extractSeparatedWord, extractWords } from '../src/core/words.js'

const SEPARATORS = ' \t\n\r'

/** The reference: one character at a time, no escapes decoded beyond the next character. */
function referenceWords(
  text: string,
  options: ExtractOptions
): { words: string[]; error?: string } {
  const words: string[] = []
  let i = 0
  for (;;) {
    while (i < text.length && SEPARATORS.includes(text[i]!)) i++
    if (i >= text.length) return { words }
    let word = ''
    let quote: string | undefined
    for (; i < text.length; i++) {
      const c = text[i]!
      if (c === '\\') {
        if (i + 1 >= text.length) return { words, error: 'trailing backslash' }
        word += text[i + 1]
        i += 1
        continue
      }
      if (quote !== undefined) {
        if (c === quote) quote = undefined
        else word += c
        continue
      }
      if (options.unquote && (c === '"' || c === "'")) {
        quote = c
        continue
      }
      if (SEPARATORS.includes(c)) break
      word += c
    }
    if (quote !== undefined) return { words, error: 'unbalanced quoting' }
    words.push(word)
  }
}

describe('extractWords', () => {
  it('splits plain words, quotes and escapes like the character-by-character reading', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', '/', ' ', '\t', '"', "'", '\\', '=') })
    fc.assert(
      fc.property(text, fc.boolean(), (value, unquote) => {
        const got = extractWords(value, { unquote })
        const expected = referenceWords(value, { unquote })
        expect(got.words).toEqual(expected.words)
        expect(got.error).toBe(expected.error)
      }),
      { numRuns: 3000 }
    )
  })

  it('keeps plain words as they are', () => {
    expect(extractWords('  /usr/bin/app --port=80\t-v ').words).toEqual([
      '/usr/bin/app',
      '--port=80',
      '-v'
    ])
    expect(extractWords('"a b" c\\ d', { unquote: true }).words).toEqual(['a b', 'c d'])
  })
})

/** Every word extractSeparatedWord() gives, or the error that stopped it. */
function separatedWords(
  text: string,
  separators: string,
  options: Parameters<typeof extractSeparatedWord>[3]
): { words: string[]; error?: string } {
  const words: string[] = []
  let at: number | null = 0
  for (;;) {
    const word = extractSeparatedWord(text, at, separators, options)
    if (word === 'end') return { words }
    if (word === 'error') return { words, error: 'error' }
    words.push(word.word)
    at = word.next
  }
}

describe('extractSeparatedWord', () => {
  it('with whitespace, coalescing and literal escapes, gives the words extractWords() gives', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', '/', ' ', '\t', '"', "'", '\\', ':') })
    fc.assert(
      fc.property(text, fc.boolean(), (value, unquote) => {
        const got = separatedWords(value, SEPARATORS, {
          unquote,
          escapes: 'literal',
          coalesce: true
        })
        const expected = extractWords(value, { unquote })
        expect(got.words).toEqual(expected.words)
        expect(got.error !== undefined).toBe(expected.error !== undefined)
      }),
      { numRuns: 3000 }
    )
  })

  it('without coalescing, gives an empty word for each separator run and one at the end', () => {
    const options = { unquote: true, escapes: 'literal' } as const
    expect(separatedWords('/a::/b', ':', options).words).toEqual(['/a', '', '/b'])
    expect(separatedWords('/a:', ':', options).words).toEqual(['/a', ''])
    expect(separatedWords('', ':', options).words).toEqual([''])
    expect(separatedWords('"x:/y":z', ':', options).words).toEqual(['x:/y', 'z'])
  })

  it('decodes C escapes and escaped separators, and fails on any other escape', () => {
    const options = { unquote: false, escapes: 'cunescape', coalesce: true } as const
    expect(separatedWords('a\\:b:c\\x41', ':', options).words).toEqual(['a:b', 'cA'])
    expect(separatedWords('a\\y:b', ':', options)).toEqual({ words: [], error: 'error' })
    // 'retain' keeps the backslash and lets the separator after it end the word
    expect(
      separatedWords('a\\ b', SEPARATORS, { unquote: true, escapes: 'retain', coalesce: true })
        .words
    ).toEqual(['a\\', 'b'])
  })
})

describe('extractWords with EXTRACT_RELAX', () => {
  it('ends the word at an open quote or a final backslash instead of failing', () => {
    expect(extractWords('CAP_A "CAP_B', { unquote: true })).toMatchObject({ words: ['CAP_A'] })
    expect(extractWords('CAP_A "CAP_B', { unquote: true, relax: true }).words).toEqual([
      'CAP_A',
      'CAP_B'
    ])
    expect(extractWords('CAP_A CAP_B\\', { relax: true }).words).toEqual(['CAP_A', 'CAP_B'])
  })
})

describe('extractWords with C escapes', () => {
  it('keeps a bad escape (the relaxed retry) unless strictEscapes, where it ends the words', () => {
    // extract_first_word_and_warn() retries relaxed; Environment= calls extract_first_word() itself
    expect(extractWords('A=\\q B=\\x41', { cunescape: true }).words).toEqual(['A=\\q', 'B=A'])
    expect(extractWords('A=\\x41 B=\\q C', { cunescape: true, strictEscapes: true })).toMatchObject(
      {
        words: ['A=A'],
        error: 'bad escape'
      }
    )
    expect(extractWords('A \\', { cunescape: true }).words).toEqual(['A', '\\'])
    expect(extractWords('A \\', { cunescape: true, strictEscapes: true }).words).toEqual(['A'])
  })
})

describe('compareBytes', () => {
  it('orders strings as strcmp() orders their UTF-8 bytes', () => {
    const text = fc.string({
      unit: fc.oneof(
        fc.constantFrom('a', 'b', '-', '.', '@'),
        fc.constantFrom('é', '\uffff', '\ue000', '😀', '𝄞'),
        fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })
      )
    })
    fc.assert(
      fc.property(text, text, (a, b) => {
        expect(Math.sign(compareBytes(a, b))).toBe(
          Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b)))
        )
      }),
      { numRuns: 3000 }
    )
  })
})
