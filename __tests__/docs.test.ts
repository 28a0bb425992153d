/**
 * The per-check pages (docs/checks/<id>.md) are generated from the check table: this test renders
 * them in memory and fails when the committed pages differ (run `node scripts/gen-check-docs.mjs`).
 */
import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { checkDocs } from '../src/core/check-docs.js'
import { CHECKS, docsFileName, docsUrl } from '../src/core/checks.js'

const DIR = path.resolve(import.meta.dirname, '..', 'docs', 'checks')

describe('docs/checks', () => {
  const pages = checkDocs()

  it('has one page per check, plus the index, and nothing else', () => {
    const onDisk = fs
      .readdirSync(DIR)
      .filter((f) => f.endsWith('.md'))
      .sort()
    expect(onDisk).toEqual([...pages.keys()].sort())
    expect(pages.size).toBe(CHECKS.length + 1)
  })

  it.each([...checkDocs().keys()])('%s is up to date (node scripts/gen-check-docs.mjs)', (name) => {
    expect(fs.readFileSync(path.join(DIR, name), 'utf8')).toBe(pages.get(name))
  })

  it('says, for every check, what it protects against, the fix, when it breaks, and its weight', () => {
    for (const check of CHECKS) {
      const page = pages.get(docsFileName(check.id))!
      expect(page).toContain('## What it protects against')
      expect(page).toContain('## The directive that fixes it')
      expect(page).toContain('## When the fix breaks a service, and what to do instead')
      expect(page).toContain(check.breaks)
      expect(page).toContain(`| Weight | ${check.weight} `)
      for (const line of check.fix) expect(page).toContain(line)
    }
  })

  it('links each check by one helper, with systemd’s quirky ")" URL-encoded', () => {
    expect(docsUrl('ProtectSystem')).toBe('docs/checks/ProtectSystem.md')
    expect(docsUrl('CapabilityBoundingSet_CAP_NET_BIND_SERVICE_BROADCAST_RAW)')).toBe(
      'docs/checks/CapabilityBoundingSet_CAP_NET_BIND_SERVICE_BROADCAST_RAW%29.md'
    )
    for (const check of CHECKS) {
      expect(
        fs.existsSync(
          path.join(DIR, decodeURIComponent(docsUrl(check.id).slice('docs/checks/'.length)))
        )
      ).toBe(true)
    }
    // the index links every page with the same helper
    for (const check of CHECKS)
      expect(pages.get('README.md')).toContain(
        `](${docsUrl(check.id).slice('docs/checks/'.length)})`
      )
  })
})
