/**
 * The README's inputs/outputs tables are generated from action.yml (scripts/gen-action-docs.mjs):
 * this fails when they drift, and checks that action.yml declares exactly the inputs the Action reads.
 */
import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { Inputs } from '../src/github/inputs.js'

const root = path.resolve(import.meta.dirname, '..')
const script = path.join(root, 'scripts', 'gen-action-docs.mjs')

function generate(...args: string[]) {
  return spawnSync(process.execPath, [script, ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000
  })
}

/** Top-level keys of a block of action.yml (two-space indented names). */
function keysOf(block: 'inputs' | 'outputs'): string[] {
  const text = fs.readFileSync(path.join(root, 'action.yml'), 'utf8')
  const start = text.indexOf(`\n${block}:\n`)
  const rest = text.slice(start + block.length + 3)
  const end = rest.search(/\n[a-z]/)
  return [...(end < 0 ? rest : rest.slice(0, end)).matchAll(/^ {2}([a-z-]+):/gm)].map((m) => m[1]!)
}

describe('README action docs', () => {
  it('match action.yml', () => {
    const result = generate('--check')
    expect(result.stderr).toBe('')
    expect(result.status).toBe(0)
  })

  it('the check fails when action.yml changes', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gate-docs-'))
    try {
      const action = path.join(dir, 'action.yml')
      const readme = path.join(dir, 'README.md')
      fs.copyFileSync(path.join(root, 'README.md'), readme)
      fs.writeFileSync(
        action,
        fs
          .readFileSync(path.join(root, 'action.yml'), 'utf8')
          .replace('inputs:\n', 'inputs:\n  extra:\n    description: New.\n')
      )
      const stale = generate('--check', '--action', action, '--readme', readme)
      expect(stale.status).toBe(1)
      expect(stale.stderr).toContain('differ')
      expect(generate('--action', action, '--readme', readme).status).toBe(0)
      expect(fs.readFileSync(readme, 'utf8')).toMatch(/\| `extra` +\| \(empty\) +\| New\. +\|/)
      expect(generate('--check', '--action', action, '--readme', readme).status).toBe(0)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it('action.yml declares exactly the inputs the Action reads, and its outputs', () => {
    expect(keysOf('inputs').sort()).toEqual(Object.values(Inputs).sort())
    expect(keysOf('outputs')).toEqual(['passed', 'max-score', 'failed-units', 'report'])
    expect(fs.readFileSync(path.join(root, 'action.yml'), 'utf8')).toMatch(
      /runs:\n {2}using: node24\n {2}main: dist\/index\.js\n/
    )
  })
})
