/**
 * The Action's pure parts, in process: inputs, event parsing, base choice, changed-unit selection,
 * scoring at the base from git objects, the verdict, annotation caps, the summary and its limit,
 * escaping; and run()'s handling of unexpected throws.
 */
import { afterAll, afterEach, describe, expect, it, jest } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { DEFAULT_POLICY } from '../src/core/policy.js'
import type { UnitReport } from '../src/core/report.js'
import { analyzeUnit, errorReport } from '../src/core/report.js'
import { parseUnitName } from '../src/core/specifiers.js'
import { escapeControl, escapeMarkdown, runnerSafeJson } from '../src/render/escape.js'
import { relativeUri } from '../src/render/sarif.js'
import {
  ANNOTATION_LIMITS,
  fileProperty,
  planAnnotations,
  TITLE_LIMIT
} from '../src/github/annotations.js'
import { absoluteLinkInTree, scoreAtBase } from '../src/github/baseline.js'
import {
  namesakesThatLoad,
  parseNameStatus,
  relativeToWorkspace,
  selectChangedUnits,
  uncoveredUnits,
  widenToChangedResults
} from '../src/github/changes.js'
import type { Change } from '../src/github/changes.js'
import { conversionChanges, linkTargets } from '../src/github/attributes.js'
import { dropInSearchDirectories } from '../src/core/dropins.js'
import type { CommitFacts } from '../src/github/comparison.js'
import { chooseComparison } from '../src/github/comparison.js'
import {
  codeFence,
  commandSafe,
  fencedBlock,
  redactSecrets,
  truncateText
} from '../src/github/escape.js'
import { parseEvent } from '../src/github/event.js'
import type { TreeEntry } from '../src/github/git.js'
import { InputError, readSettings } from '../src/github/inputs.js'
import { buildSummary } from '../src/github/summary.js'
import { compareWithBase, fixPlan, judge } from '../src/github/verdict.js'
import { run } from '../src/main.js'

const root = path.resolve(import.meta.dirname, '..')
const BARE = '[Unit]\nDescription=x\n\n[Service]\nExecStart=/usr/bin/app\n'
const HARDENED = fs.readFileSync(path.join(root, 'examples/baseline.service'), 'utf8')
const encoder = new TextEncoder()

function analyze(
  text: string,
  file = 'units/a.service',
  dropIns: Record<string, string> = {},
  threshold = 50
): UnitReport {
  const unit = parseUnitName(file.slice(file.lastIndexOf('/') + 1))!
  return analyzeUnit(
    {
      unit,
      main: { path: file, bytes: encoder.encode(text) },
      dropIns: Object.entries(dropIns).map(([p, t]) => ({ path: p, bytes: encoder.encode(t) }))
    },
    { version: 259, policy: DEFAULT_POLICY, threshold }
  )
}

describe('inputs', () => {
  const env = (inputs: Record<string, string>) =>
    Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]))
  it('has defaults for everything', () => {
    const s = readSettings({}, root)
    expect(s).toMatchObject({
      paths: ['**/*.service'],
      exclude: [],
      threshold: 50,
      version: 262,
      failOn: 'threshold',
      scope: 'changed',
      review: false,
      token: ''
    })
    expect(s.policy.name).toBe('baseline')
    expect(s.policyFile).toBeUndefined()
    expect(s.sarifFile).toBeUndefined()
  })
  it.each(['abc', '-1', '10%', '10.01', '5.05', 'NaN', '1e1', '0x5', '11'])(
    'rejects threshold %s',
    (threshold) => {
      expect(() => readSettings(env({ threshold }), root)).toThrow(InputError)
    }
  )
  it.each([
    ['0', 0],
    ['5', 50],
    ['5.0', 50],
    ['7.5', 75],
    ['10', 100],
    ['10.0', 100]
  ])('accepts threshold %s', (threshold, tenths) => {
    expect(readSettings(env({ threshold }), root).threshold).toBe(tenths)
  })
  it('names the input and the allowed values', () => {
    expect(() => readSettings({ 'INPUT_FAIL-ON': 'always' }, root)).toThrow(
      "Input 'fail-on' must be threshold, regression, never, got 'always'"
    )
    expect(() => readSettings({ INPUT_POLICY: '../nope.json' }, root)).toThrow(
      "Input 'policy': cannot read policy file ../nope.json"
    )
    expect(() => readSettings({ 'INPUT_SARIF-FILE': 'a\nb' }, root)).toThrow(InputError)
  })
  it('reads a policy file relative to the workspace, and its threshold', () => {
    const s = readSettings({ INPUT_POLICY: 'policies/baseline.json' }, root)
    expect(s.policyFile).toBe('policies/baseline.json')
    expect(s.threshold).toBe(50)
  })
  it('splits paths and exclude on lines, without comments', () => {
    const s = readSettings(
      { INPUT_PATHS: ' a/*.service \r\n# no\n\nb\n', INPUT_EXCLUDE: 'x/**' },
      root
    )
    expect(s.paths).toEqual(['a/*.service', 'b'])
    expect(s.exclude).toEqual(['x/**'])
  })
})

describe('events', () => {
  const a = 'a'.repeat(40)
  const b = 'b'.repeat(40)
  it('reads pull_request and pull_request_target payloads', () => {
    const payload = {
      number: 3,
      pull_request: { number: 3, base: { sha: a, ref: 'main' }, head: { sha: b, repo: null } }
    }
    for (const name of ['pull_request', 'pull_request_target']) {
      expect(parseEvent(name, payload)).toEqual({
        name,
        pullRequest: { number: 3, baseSha: a, headSha: b, baseRef: 'main' }
      })
    }
  })
  it('ignores malformed ids and all-zero befores', () => {
    expect(parseEvent('push', { before: '0'.repeat(40), after: b })).toEqual({
      name: 'push',
      push: { before: undefined, after: b }
    })
    expect(
      parseEvent('pull_request', { pull_request: { base: { sha: 'HEAD~1' }, head: { sha: 42 } } })
        .pullRequest
    ).toEqual({
      number: undefined,
      baseSha: undefined,
      headSha: undefined,
      baseRef: undefined
    })
    expect(parseEvent('merge_group', null)).toEqual({
      name: 'merge_group',
      mergeGroup: { baseSha: undefined, headSha: undefined }
    })
  })
})

describe('which base the checkout is compared with', () => {
  const [BASE, HEAD, MERGE, MAIN, OTHER] = ['1', '2', '3', '4', '5'].map((c) => c.repeat(40)) as [
    string,
    string,
    string,
    string,
    string
  ]
  function facts(
    head: string,
    present: string[],
    parents: Record<string, string[]> = {}
  ): CommitFacts {
    return {
      head: () => head,
      resolve: (sha) => (present.includes(sha) ? sha : undefined),
      parents: (sha) => parents[sha] ?? [],
      mergeBase: (x, y) => (present.includes(x) && present.includes(y) ? BASE : undefined)
    }
  }
  const prEvent = { name: 'pull_request', pullRequest: { number: 1, baseSha: BASE, headSha: HEAD } }
  it('uses the first parent of the merge commit', () => {
    expect(
      chooseComparison(prEvent, facts(MERGE, [MERGE, MAIN, HEAD], { [MERGE]: [MAIN, HEAD] }))
    ).toEqual({
      kind: 'base',
      base: MAIN,
      head: MERGE,
      how: 'first parent of the merge commit'
    })
  })
  it('says fetch-depth 2 when the merge parent is missing', () => {
    const c = chooseComparison(prEvent, facts(MERGE, [MERGE], { [MERGE]: [MAIN, HEAD] }))
    expect(c.kind).toBe('unavailable')
    expect(c.kind === 'unavailable' && c.reason).toContain('fetch-depth: 2')
  })
  it('uses the base when the head itself is checked out and holds all of it', () => {
    expect(chooseComparison(prEvent, facts(HEAD, [HEAD, BASE]))).toMatchObject({
      kind: 'base',
      base: BASE,
      head: HEAD
    })
  })
  it('refuses the head when the base moved on, or is not there to tell', () => {
    // the branch forked at OTHER; its base BASE has commits since: the merge is not the head
    const behind = chooseComparison(prEvent, {
      ...facts(HEAD, [HEAD, BASE, OTHER]),
      mergeBase: () => OTHER
    })
    expect(behind.kind).toBe('mismatch')
    expect(behind.kind === 'mismatch' && behind.reason).toContain('lacks commits of its base')
    expect(behind.kind === 'mismatch' && behind.reason).toContain(
      'refs/pull/${{ github.event.pull_request.number }}/merge'
    )
    const shallow = chooseComparison(prEvent, facts(HEAD, [HEAD]))
    expect(shallow.kind).toBe('mismatch')
    expect(shallow.kind === 'mismatch' && shallow.reason).toContain('cannot tell')
  })
  it('refuses a checkout that is not the pull request', () => {
    const c = chooseComparison(
      { ...prEvent, name: 'pull_request_target' },
      facts(OTHER, [OTHER, BASE])
    )
    expect(c.kind).toBe('mismatch')
    expect(c.kind === 'mismatch' && c.reason).toContain('refs/pull/')
    expect(
      chooseComparison(
        { name: 'merge_group', mergeGroup: { baseSha: BASE, headSha: HEAD } },
        facts(OTHER, [OTHER])
      ).kind
    ).toBe('mismatch')
  })
  it('has no base on schedule, workflow_dispatch and a branch-creating push', () => {
    expect(chooseComparison({ name: 'schedule' }, facts(HEAD, [HEAD])).kind).toBe('none')
    expect(chooseComparison({ name: 'workflow_dispatch' }, facts(HEAD, [HEAD])).kind).toBe('none')
    expect(chooseComparison({ name: 'push', push: {} }, facts(HEAD, [HEAD])).kind).toBe('none')
    expect(
      chooseComparison({ name: 'push', push: { before: BASE } }, facts(HEAD, [HEAD, BASE]))
    ).toMatchObject({ kind: 'base', base: BASE })
  })
})

describe('files paths leaves out that systemd loads for a gated name (namesakesThatLoad)', () => {
  const searched = (dir: string): readonly string[] => dropInSearchDirectories(dir, 262)
  const E = 'img/etc/systemd/system'
  const U = 'img/usr/lib/systemd/system'
  const L = 'img/usr/local/lib/systemd/system'
  const inCheckout =
    (...files: string[]) =>
    (file: string): boolean =>
      files.includes(file)
  it('takes the first file of the name above a gated one, which shadows it (red team round 10)', () => {
    const exists = inCheckout(`${E}/app.service`, `${L}/app.service`, `${U}/app.service`)
    expect(namesakesThatLoad([`${U}/app.service`], [], exists, searched)).toEqual([
      `${E}/app.service`
    ])
    // below it, it shadows nothing; gated already, nothing to add
    expect(namesakesThatLoad([`${E}/app.service`], [], exists, searched)).toEqual([])
    expect(
      namesakesThatLoad([`${U}/app.service`, `${E}/app.service`], [], exists, searched)
    ).toEqual([])
  })
  it('takes the first file of the name of a gated file the change removed', () => {
    const exists = inCheckout(`${L}/app.service`, `${U}/app.service`)
    expect(namesakesThatLoad([], [`${E}/app.service`], exists, searched)).toEqual([
      `${L}/app.service`
    ])
  })
  it('looks at image trees only: a directory outside a search path is one of its own', () => {
    expect(
      namesakesThatLoad(['units/app.service'], ['other/app.service'], () => true, searched)
    ).toEqual([])
  })
})

describe('files a removed one shadowed (uncoveredUnits)', () => {
  const searched = (dir: string): readonly string[] => {
    const system = dropInSearchDirectories(dir, 262)
    return system.length > 1 ? system : dropInSearchDirectories(dir, 262, '/', 'user')
  }
  const R = 'img/etc/systemd/system'
  const U = 'img/usr/lib/systemd/system'
  it('takes the file that wins now where a removed one won, the first removed one as the base', () => {
    // etc/ over usr/lib/; with usr/local/lib/ removed too, etc/ ran at the base (round 7)
    expect(
      uncoveredUnits(
        [`${U}/app.service`],
        [`${R}/app.service`, 'img/usr/local/lib/systemd/system/app.service'],
        searched
      )
    ).toEqual(new Map([[`${U}/app.service`, `${R}/app.service`]]))
    // a file that still wins keeps the others shadowed
    expect(
      uncoveredUnits(
        [`${R}/app.service`, `${U}/app.service`],
        ['img/run/systemd/system/app.service'],
        searched
      )
    ).toEqual(new Map())
    // removing the lower one uncovers nothing
    expect(uncoveredUnits([`${R}/app.service`], [`${U}/app.service`], searched)).toEqual(new Map())
  })
  it("takes an instance's own file, anywhere on the path, over its template", () => {
    expect(uncoveredUnits([`${R}/app@.service`], [`${U}/app@web.service`], searched)).toEqual(
      new Map([[`${R}/app@.service`, `${U}/app@web.service`]])
    )
    expect(uncoveredUnits(['units/foo@.service'], ['units/foo@web.service'], searched)).toEqual(
      new Map([['units/foo@.service', 'units/foo@web.service']])
    )
  })
  it('takes a file added or renamed above the one that won the name at the base (round 8)', () => {
    // a weaker copy added in etc/ over the hardened vendor unit: compared with that unit
    expect(
      uncoveredUnits(
        [`${R}/app.service`, `${U}/app.service`],
        [],
        searched,
        new Set([`${R}/app.service`])
      )
    ).toEqual(new Map([[`${R}/app.service`, `${U}/app.service`]]))
    // git mv of a legacy unit to etc/app.service: the name's base is usr/lib's, not legacy's
    expect(
      uncoveredUnits(
        [`${R}/app.service`, `${U}/app.service`],
        [`${U}/legacy.service`],
        searched,
        new Set([`${R}/app.service`])
      )
    ).toEqual(new Map([[`${R}/app.service`, `${U}/app.service`]]))
    // an instance's own file added over its template
    expect(
      uncoveredUnits(
        [`${R}/app@web.service`, `${U}/app@.service`],
        [],
        searched,
        new Set([`${R}/app@web.service`])
      )
    ).toEqual(new Map([[`${R}/app@web.service`, `${U}/app@.service`]]))
    // added below the winner: nothing changes for the name
    expect(
      uncoveredUnits(
        [`${R}/app.service`, `${U}/app.service`],
        [],
        searched,
        new Set([`${U}/app.service`])
      )
    ).toEqual(new Map())
  })

  it("ranks a user unit's directories by the user manager's search path (round 7)", () => {
    // removing a usr/lib copy that never ran, under the etc/ one that did, uncovers nothing
    expect(
      uncoveredUnits(
        ['img/etc/systemd/user/app.service'],
        ['img/usr/lib/systemd/user/app.service'],
        searched
      )
    ).toEqual(new Map())
    expect(
      uncoveredUnits(
        ['img/usr/lib/systemd/user/app.service'],
        ['img/etc/systemd/user/app.service'],
        searched
      )
    ).toEqual(
      new Map([['img/usr/lib/systemd/user/app.service', 'img/etc/systemd/user/app.service']])
    )
  })
})

describe('.gitattributes changes that convert (conversionChanges)', () => {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'gate-attributes-'))
  afterAll(() => fs.rmSync(workspace, { recursive: true, force: true }))
  /**
   * Whether changing `file` from `before` to `after` counts, with `others` (path: text) unchanged
   * beside it in the tree and the checkout.
   */
  const countsIn = (
    file: string,
    before: string,
    after: string,
    others: Record<string, string> = {}
  ): boolean => {
    const texts = new Map(Object.entries({ ...others, [file]: before }))
    for (const [other, text] of Object.entries({ ...others, [file]: after })) {
      fs.mkdirSync(path.dirname(path.join(workspace, other)), { recursive: true })
      fs.writeFileSync(path.join(workspace, other), text)
    }
    const tree = () => ({
      entries: new Map<string, TreeEntry>(
        [...texts.keys()].map((f) => [f, { mode: '100644', type: 'blob', oid: f }])
      ),
      prefix: '',
      read: (oids: string[]) =>
        new Map(oids.map((oid) => [oid, new TextEncoder().encode(texts.get(oid) ?? '')]))
    })
    return conversionChanges([{ status: 'M', path: file }], workspace, tree).length > 0
  }
  const counts = (before: string, after: string): boolean =>
    countsIn('.gitattributes', before, after)
  it('counts a converting line added, removed or moved, for files a unit may rest on', () => {
    expect(counts('', '*.service ident\n')).toBe(true)
    // the last matching line decides: swapping them is a change (round 7)
    expect(
      counts('*.service -ident\n*.service ident\n', '*.service ident\n*.service -ident\n')
    ).toBe(true)
    // a quoted pattern is taken to match whatever follows its quotes
    expect(counts('"*.service"x.zip ident\n', '')).toBe(true)
  })
  it('reads a pattern that ends in a long run of slashes in linear time', () => {
    // a bound far above its time (~1 s here): the code before took minutes or never ended
    const started = performance.now()
    // `/\/+$/` took quadratic time on a pattern like this (a pull request writes .gitattributes)
    const slashes = `x${'/'.repeat(200_000)}y`
    expect(counts('', `${slashes} ident\n`)).toBe(true)
    expect(counts('', `*.service${'/'.repeat(200_000)} ident\n`)).toBe(true)
    expect(performance.now() - started).toBeLessThan(15_000)
  })
  it('leaves out lines for other files, comments and non-converting attributes', () => {
    expect(
      counts('*.png filter=lfs -text\n', '*.png filter=lfs -text\n*.zip filter=lfs -text\n')
    ).toBe(false)
    expect(counts('', '# eol=crlf filter ident\n*.png binary\n*.md text eol=lf\n')).toBe(false)
  })
  it("counts a line that uses a converting macro of the top file, and not the macro's mere presence (red team round 10)", () => {
    const macro = '[attr]crlfy eol=crlf\n'
    expect(counts(macro, `${macro}*.png binary\n`)).toBe(false)
    expect(counts(macro, `${macro}*.service crlfy\n`)).toBe(true)
    expect(counts(macro, `${macro}*.service -crlfy\n`)).toBe(true)
    // through another macro
    expect(counts(`${macro}[attr]win crlfy\n`, `${macro}[attr]win crlfy\n*.conf win\n`)).toBe(true)
    // the macro itself added or changed, while a line uses it, in this file or another
    expect(counts('*.service crlfy\n', `${macro}*.service crlfy\n`)).toBe(true)
    const units = { 'units/app.service': '', 'units/.gitattributes': '*.service crlfy\n' }
    expect(countsIn('.gitattributes', '[attr]crlfy text\n', macro, units)).toBe(true)
    // ... and not when no line uses it (red team round 11, N8b)
    expect(counts('[attr]crlfy text\n', '[attr]crlfy eol=crlf\n')).toBe(false)
    expect(counts('', '[attr]m ident\n')).toBe(false)
  })
  it('counts a .gitattributes wherever it is, and one moved to another directory (red team round 15)', () => {
    // a unit may be a link to a file of any name below it (round 15, A3/A4b)
    expect(countsIn('docs/.gitattributes', '', '* filter=x\n', { 'docs/a.md': '' })).toBe(true)
    // the same lines, moved: they match other files now (A1)
    fs.writeFileSync(path.join(workspace, '.gitattributes'), '')
    fs.mkdirSync(path.join(workspace, 'docs'), { recursive: true })
    fs.writeFileSync(path.join(workspace, 'docs', '.gitattributes'), '*.service filter=x\n')
    const tree = () => ({
      entries: new Map<string, TreeEntry>([
        ['.gitattributes', { mode: '100644', type: 'blob', oid: 'top' }]
      ]),
      prefix: '',
      read: () => new Map([['top', new TextEncoder().encode('*.service filter=x\n')]])
    })
    const moved = [{ status: 'R', path: 'docs/.gitattributes', oldPath: '.gitattributes' }]
    expect(conversionChanges(moved, workspace, tree).length).toBe(1)
  })
  it('counts a pattern for files unit inputs link to, whatever their extension (red team round 15, A4)', () => {
    const link = (text: string): Record<string, string> => ({ 'units/app.service.d/h.conf': text })
    const tree = (others: Record<string, string>) => () => ({
      entries: new Map<string, TreeEntry>([
        ['.gitattributes', { mode: '100644', type: 'blob', oid: 'top' }],
        ...Object.keys(others).map(
          (f) => [f, { mode: '120000', type: 'blob', oid: f }] as [string, TreeEntry]
        )
      ]),
      prefix: '',
      read: (oids: string[]) =>
        new Map(
          oids.map((oid) => [oid, new TextEncoder().encode(oid === 'top' ? '' : others[oid]!)])
        )
    })
    fs.writeFileSync(path.join(workspace, '.gitattributes'), '*.txt filter=x\n')
    const change = [{ status: 'M', path: '.gitattributes' }]
    expect(conversionChanges(change, workspace, tree(link('../../srv/h.txt'))).length).toBe(1)
    expect(conversionChanges(change, workspace, tree(link('../../srv/h.conf'))).length).toBe(0)
  })
  it('names where unit files that are links lead, now and at the base (red team round 15, B3-B7)', () => {
    fs.mkdirSync(path.join(workspace, 'srv'), { recursive: true })
    fs.writeFileSync(path.join(workspace, 'srv', 'now.txt'), '')
    fs.mkdirSync(path.join(workspace, 'units'), { recursive: true })
    fs.rmSync(path.join(workspace, 'units', 'h.conf'), { force: true })
    fs.symlinkSync('../srv/now.txt', path.join(workspace, 'units', 'h.conf'))
    const tree = () => ({
      entries: new Map<string, TreeEntry>([
        ['units/h.conf', { mode: '120000', type: 'blob', oid: 'l' }]
      ]),
      prefix: '',
      read: () => new Map([['l', new TextEncoder().encode('../srv/then.txt')]])
    })
    expect(linkTargets(['units/h.conf', 'units/app.service'], workspace, tree).sort()).toEqual([
      'srv/now.txt',
      'srv/then.txt'
    ])
  })
  it("reads the base's .gitattributes files, and its links, in one batch each (action audit, A7)", () => {
    // one git process a file took ~12 ms: 2,000 .gitattributes files 25 s
    const texts = new Map<string, string>([['.gitattributes', '']])
    for (let i = 0; i < 2000; i++) texts.set(`d${i}/.gitattributes`, '*.png binary\n')
    texts.set('d1999/.gitattributes', '*.service m\n')
    for (let i = 0; i < 500; i++) texts.set(`units/l${i}.service`, `../srv/t${i}.txt`)
    const reads: number[] = []
    const tree = () => ({
      entries: new Map<string, TreeEntry>(
        [...texts.keys()].map((f) => [
          f,
          { mode: f.endsWith('.service') ? '120000' : '100644', type: 'blob', oid: f }
        ])
      ),
      prefix: '',
      read: (oids: string[]) => {
        reads.push(oids.length)
        return new Map(oids.map((oid) => [oid, new TextEncoder().encode(texts.get(oid) ?? '')]))
      }
    })
    fs.writeFileSync(path.join(workspace, '.gitattributes'), '[attr]m eol=crlf\n')
    const change = [{ status: 'M', path: '.gitattributes' }]
    // the macro now converts, and a file at the base uses it
    expect(conversionChanges(change, workspace, tree)).toEqual(change)
    expect(reads.filter((n) => n > 0)).toEqual([2001, 500])
    texts.set('d1999/.gitattributes', '*.png binary\n')
    expect(conversionChanges(change, workspace, tree)).toEqual([])
    reads.length = 0
    const links = [...texts.keys()].filter((f) => f.endsWith('.service'))
    expect(linkTargets(links, workspace, tree)).toHaveLength(500)
    expect(reads).toEqual([500])
  })
  it('counts a converting macro redefined, and one defined in quotes (red team round 15)', () => {
    const macro = '[attr]m filter=x\n*.service m\n'
    // git takes the last definition (A5)
    expect(counts(macro, `${macro}[attr]m -diff\n`)).toBe(true)
    // `"[attr]m"` defines m too (A5c)
    expect(counts('"[attr]m" filter=x\n*.service m\n', '"[attr]m" filter=x\n')).toBe(true)
  })
  it('leaves out a macro defined below the top, which git ignores (red team round 11)', () => {
    fs.mkdirSync(path.join(workspace, 'units'), { recursive: true })
    fs.writeFileSync(path.join(workspace, 'units', '.gitattributes'), '[attr]m ident\n')
    const tree = () => ({
      entries: new Map<string, TreeEntry>([
        ['units/app.service', { mode: '100644', type: 'blob', oid: 'b'.repeat(40) }]
      ]),
      prefix: '',
      read: () => new Map()
    })
    const changed = (file: string) =>
      conversionChanges([{ status: 'A', path: file }], workspace, tree).length > 0
    expect(changed('units/.gitattributes')).toBe(false)
    fs.writeFileSync(path.join(workspace, 'units', '.gitattributes'), '*.service ident\n')
    expect(changed('units/.gitattributes')).toBe(true)
  })
  it('leaves out negative patterns, which git ignores (red team round 10)', () => {
    expect(counts('', '!*.service ident\n')).toBe(false)
    expect(counts('', '"!*.service" ident\n')).toBe(false)
    // an escaped `!` is a literal one: the pattern is taken to match
    expect(counts('', '\\!*.service ident\n')).toBe(true)
  })
})

describe('changed units', () => {
  it('parses diff-tree -z output, renames and odd names included', () => {
    const raw = [
      'M',
      'a.service',
      'R087',
      'old name.service',
      'new\nname.service',
      'D',
      'x.service.d/10.conf',
      ''
    ].join('\0')
    expect(parseNameStatus(raw)).toEqual([
      { status: 'M', path: 'a.service' },
      { status: 'R', path: 'new\nname.service', oldPath: 'old name.service' },
      { status: 'D', path: 'x.service.d/10.conf' }
    ])
  })
  it('maps paths under a workspace prefix and drops the rest', () => {
    const changes = [
      { status: 'M', path: 'sub/a.service' },
      { status: 'M', path: 'other/b.service' },
      { status: 'R', path: 'other/c.service', oldPath: 'sub/c.service' }
    ]
    expect(relativeToWorkspace(changes, 'sub')).toEqual([
      { status: 'M', path: 'a.service', oldPath: undefined },
      { status: 'D', path: 'c.service' }
    ])
  })
  it('selects among 20,000 units of one name and 20,000 drop-ins of one directory in linear time', () => {
    // a bound far above its time (~1 s here): the code before took ~80 s (every file of a name
    // searched for each, each list copied on each addition)
    const started = performance.now()
    const units = Array.from({ length: 20_000 }, (_, i) => `u/${i}/app.service`)
    const changes: Change[] = units.map((path) => ({ status: 'A', path }))
    for (let i = 0; i < 20_000; i++)
      changes.push({ status: 'A', path: `v/app.service.d/${i}.conf` })
    const all = [...units, 'v/app.service']
    const selected = selectChangedUnits(all, changes, 'i')
    expect(selected.size).toBe(20_001)
    expect(selected.get('v/app.service')!.reasons).toHaveLength(20_000)
    expect(performance.now() - started).toBeLessThan(15_000)
  })

  it('selects units by their own file and by every drop-in directory systemd reads', () => {
    const units = [
      'u/foo-bar.service',
      'u/tmpl@.service',
      'u/plain.service',
      'u/untouched.service',
      'v/new.service',
      'w/linked.service'
    ]
    const changes = [
      { status: 'A', path: 'u/foo-.service.d/20-x.conf' },
      { status: 'D', path: 'u/tmpl@.service.d/10-hardening.conf' },
      { status: 'M', path: 'u/plain.service.d/README' },
      { status: 'M', path: 'u/service.d/00-all.conf' },
      { status: 'R', path: 'v/new.service', oldPath: 'v/old.service' },
      { status: 'M', path: 'lib/real.service' }
    ]
    const selected = selectChangedUnits(
      units,
      changes,
      'i',
      new Map([['w/linked.service', ['lib/real.service']]])
    )
    expect([...selected.keys()].sort()).toEqual([
      'u/foo-bar.service',
      'u/plain.service',
      'u/tmpl@.service',
      'u/untouched.service',
      'v/new.service',
      'w/linked.service'
    ])
    expect(selected.get('u/foo-bar.service')!.reasons).toEqual([
      'drop-in u/foo-.service.d/20-x.conf added',
      'drop-in u/service.d/00-all.conf changed'
    ])
    expect(selected.get('u/tmpl@.service')!.reasons).toContain(
      'drop-in u/tmpl@.service.d/10-hardening.conf removed'
    )
    // plain.service is there for the type-wide service.d only, not for the README
    expect(selected.get('u/plain.service')!.reasons).toEqual([
      'drop-in u/service.d/00-all.conf changed'
    ])
    expect(selected.get('v/new.service')).toEqual({
      reasons: ['renamed from v/old.service'],
      basePath: 'v/old.service'
    })
    expect(selected.get('w/linked.service')!.reasons).toEqual([
      'link target lib/real.service changed'
    ])
  })

  it("takes another instance's drop-ins for a template only, not an instance named with '@.'", () => {
    // ins@a@.service is the instance 'a@' (systemd splits at the first '@'): the drop-ins of
    // ins@b.service are not its own; they are the template's other instance's (red team, session 25)
    const selected = selectChangedUnits(
      ['u/ins@a@.service', 'u/tpl@.service'],
      [
        { status: 'A', path: 'u/ins@b.service.d/x.conf' },
        { status: 'A', path: 'u/tpl@b.service.d/x.conf' }
      ],
      'i'
    )
    expect([...selected.keys()]).toEqual(['u/tpl@.service'])
  })

  it('adds the units whose result differs from the base, whatever file changed it', () => {
    const result = (unit: string, status: string, exposure: number | null, passed = false) => ({
      status,
      unit,
      exposure,
      passed
    })
    const selected = new Map([
      ['own.service', { reasons: ['unit file changed'], basePath: 'own.service' }]
    ])
    const units = new Map([
      ['own.service', result('own.service', 'scored', 80)],
      ['same.service', result('same.service', 'scored', 96)],
      ['worse.service', result('worse.service', 'scored', 96)],
      ['renamed.service', result('other.service', 'scored', 96)],
      ['passes.service', result('passes.service', 'scored', 50, true)],
      ['broken@i.service', result('broken@i.service', 'error', null)],
      ['masked.service', result('masked.service', 'masked', null, true)],
      ['unknown.service', result('unknown.service', 'scored', 96)]
    ])
    const bases = new Map([
      ['own.service', result('own.service', 'scored', 80)],
      ['same.service', result('same.service', 'scored', 96)],
      ['worse.service', result('worse.service', 'scored', 87)],
      ['renamed.service', result('renamed.service', 'scored', 96)],
      ['passes.service', result('passes.service', 'scored', 50)],
      ['broken@i.service', result('broken@i.service', 'scored', 31, true)],
      ['masked.service', result('masked.service', 'masked', null, true)],
      ['unknown.service', null]
    ])
    const widened = widenToChangedResults(selected, units, bases)
    expect([...widened.keys()].sort()).toEqual([
      'broken@i.service',
      'own.service',
      'passes.service',
      'renamed.service',
      'unknown.service',
      'worse.service'
    ])
    // a unit the changes already selected keeps its reasons
    expect(widened.get('own.service')).toBe(selected.get('own.service'))
    const why = (unit: string): string => widened.get(unit)!.reasons.join()
    expect(why('worse.service')).toBe(
      'its result changed through other files (names, links or drop-ins): worse.service 8.7 → worse.service 9.6'
    )
    expect(why('broken@i.service')).toMatch(/broken@i\.service 3\.1 → broken@i\.service error$/)
    expect(why('renamed.service')).toMatch(/renamed\.service 9\.6 → other\.service 9\.6$/)
    expect(why('unknown.service')).toMatch(/: absent → unknown\.service 9\.6$/)
    expect(widened.get('worse.service')!.basePath).toBe('worse.service')
    // the selection passed in is left as it was
    expect([...selected.keys()]).toEqual(['own.service'])
  })
})

describe('units at the base, from git objects', () => {
  function tree(files: Record<string, string | { link: string }>) {
    const entries = new Map<string, TreeEntry>()
    const blobs = new Map<string, Uint8Array>()
    let n = 0
    for (const [p, content] of Object.entries(files)) {
      const oid = String(++n).padStart(40, '0')
      const text = typeof content === 'string' ? content : content.link
      blobs.set(oid, encoder.encode(text))
      entries.set(p, {
        mode: typeof content === 'string' ? '100644' : '120000',
        type: 'blob',
        oid,
        size: text.length
      })
    }
    const reads: string[][] = []
    return {
      reads,
      tree: {
        entries,
        prefix: '',
        read: (oids: string[]) => {
          reads.push(oids)
          return new Map(oids.map((o) => [o, blobs.get(o)!]))
        }
      }
    }
  }
  const options = { version: 259, policy: DEFAULT_POLICY, threshold: 50 }
  it('scores a unit with its drop-ins, follows links inside the tree, and knows new units', () => {
    const t = tree({
      'u/a.service': BARE,
      'u/a.service.d/10-h.conf': '[Service]\nPrivateTmp=yes\nNoNewPrivileges=yes\n',
      'u/service.d/00.conf': '[Service]\nProtectHome=yes\n',
      'u/masked.service': { link: '/dev/null' },
      'u/link.service': { link: '../lib/real.service' },
      'lib/real.service': BARE,
      'u/out.service': { link: '../../etc/passwd' }
    })
    const result = scoreAtBase(
      new Map([
        ['u/a.service', 'u/a.service'],
        ['u/masked.service', 'u/masked.service'],
        ['u/link.service', 'u/link.service'],
        ['u/out.service', 'u/out.service'],
        ['u/new.service', 'u/new.service']
      ]),
      t.tree,
      options,
      'i'
    )
    const withDropIns = analyze(BARE, 'u/a.service', {
      'u/service.d/00.conf': '[Service]\nProtectHome=yes\n',
      'u/a.service.d/10-h.conf': '[Service]\nPrivateTmp=yes\nNoNewPrivileges=yes\n'
    })
    expect(result.get('u/a.service')!.exposure).toBe(withDropIns.exposure)
    expect(result.get('u/a.service')!.dropIns).toEqual([
      'u/service.d/00.conf',
      'u/a.service.d/10-h.conf'
    ])
    expect(result.get('u/masked.service')!.status).toBe('masked')
    // The link's own name decides the drop-ins: the type-wide u/service.d applies.
    expect(result.get('u/link.service')!.exposure).toBe(
      analyze(BARE, 'u/link.service', { 'u/service.d/00.conf': '[Service]\nProtectHome=yes\n' })
        .exposure
    )
    expect(result.get('u/out.service')).toMatchObject({
      status: 'error',
      reason: expect.stringContaining('leaves the repository')
    })
    expect(result.get('u/new.service')).toBeNull()
    // The plain files and drop-ins come in one batch.
    expect(t.reads[0]!.length).toBeGreaterThanOrEqual(3)
  })
  it('follows an absolute link only into the top as the checkout has it', () => {
    const t = tree({
      'lib/real.service': BARE,
      'u/abs.service': { link: '/ws/lib/./real.service' },
      'u/real.service': { link: '/real/ws//lib/real.service' },
      'u/near.service': { link: '/ws2/lib/real.service' },
      'u/up.service': { link: '/ws/../ws/lib/real.service' },
      'u/above.service': { link: '/ws/../../etc/passwd' }
    })
    const paths = ['u/abs.service', 'u/real.service', 'u/near.service', 'u/up.service']
    const result = scoreAtBase(
      new Map([...paths, 'u/above.service'].map((p) => [p, p])),
      { ...t.tree, topPaths: ['/ws', '/real/ws'] },
      options,
      'i'
    )
    const bare = analyze(BARE, 'u/abs.service').exposure
    expect(result.get('u/abs.service')).toMatchObject({ status: 'scored', exposure: bare })
    expect(result.get('u/real.service')).toMatchObject({ status: 'scored', exposure: bare })
    // a sibling of the top, and '..' taken before the top is reached: left to the kernel, not read
    for (const p of ['u/near.service', 'u/up.service', 'u/above.service']) {
      expect(result.get(p)).toMatchObject({
        status: 'error',
        reason: expect.stringContaining('leaves the repository')
      })
    }
    expect(absoluteLinkInTree('/ws', ['/ws'])).toBe('')
    expect(absoluteLinkInTree('/wsx/a', ['/ws'])).toBeUndefined()
  })
})

describe('the verdict', () => {
  const legacy = analyze(BARE + 'PrivateTmp=yes\n', 'a.service')
  const worse = analyze(BARE, 'a.service')
  const good = analyze(HARDENED, 'a.service')
  const invalid = analyze('[Service]\nExecStart=/bin/x\nDynamicUser=maybe\n', 'a.service')
  it('compares with the base by state and score', () => {
    expect(compareWithBase(worse, legacy)).toBe('worse')
    expect(compareWithBase(legacy, worse)).toBe('better')
    expect(compareWithBase(legacy, legacy)).toBe('same')
    expect(compareWithBase(worse, null)).toBe('new')
    expect(compareWithBase(worse, undefined)).toBe('unknown')
    expect(compareWithBase(invalid, legacy)).toBe('worse')
    // a unit that could not run at the base: loading now above the threshold is worse
    expect(compareWithBase(legacy, invalid)).toBe('worse')
    expect(compareWithBase(good, invalid)).toBe('better')
    // unreadable now (a file padded past the size limit) where it was read before: worse
    const unreadable = errorReport('a.service', 'a.service', 'file is too large')
    expect(compareWithBase(unreadable, invalid)).toBe('worse')
    expect(compareWithBase(unreadable, legacy)).toBe('worse')
    expect(compareWithBase(unreadable, unreadable)).toBe('same')
  })
  it('threshold fails above it; regression fails only new-above or worse; never judges like threshold', () => {
    const bases = new Map<string, UnitReport | null>([['a.service', legacy]])
    const [t] = judge([legacy], bases, 'threshold', 50)
    expect(t!.failed).toBe(true)
    const [same] = judge([legacy], bases, 'regression', 50)
    expect(same).toMatchObject({ failed: false, change: 'same' })
    expect(same!.reason).toMatch(/^above 5\.0 but not worse than the base/)
    const [w] = judge([worse], bases, 'regression', 50)
    expect(w).toMatchObject({
      failed: true,
      change: 'worse',
      reason: 'worse than the base: 9.2 UNSAFE → 9.4 UNSAFE'
    })
    const [fresh] = judge([worse], new Map([['a.service', null]]), 'regression', 50)
    expect(fresh).toMatchObject({
      failed: true,
      change: 'new',
      reason: 'new unit above the threshold 5.0'
    })
    const [ok] = judge([good], new Map([['a.service', null]]), 'regression', 50)
    expect(ok!.failed).toBe(false)
    // Without a base, regression is the threshold gate (fail closed).
    expect(judge([legacy], undefined, 'regression', 50)[0]!.failed).toBe(true)
    expect(judge([legacy], undefined, 'never', 50)[0]!.failed).toBe(true)
  })
  it('computes exactly what fixing the costliest checks saves', () => {
    const plan = fixPlan(worse, 50, 1)!
    expect(plan.top.map((c) => c.check.id)).toEqual(['PrivateNetwork'])
    // Scoring the unit with the fix applied gives the same number.
    expect(analyze(BARE + 'PrivateNetwork=yes\n').exposure).toBe(plan.afterTop)
    expect(plan.toPass!.exposure).toBeLessThanOrEqual(50)
    expect(fixPlan(good, 50)!.toPass).toBeUndefined()
    expect(fixPlan(invalid, 50)).toBeUndefined()
    // Rows at badness 0 left out: the plan refuses to guess.
    expect(
      fixPlan({ ...worse, checks: worse.checks.filter((c) => c.badness !== 0) }, 50)
    ).toBeUndefined()
  })
})

describe('annotations', () => {
  const failing = Array.from({ length: 25 }, (_, i) =>
    analyze(
      BARE + 'ProtectHome=yes # c\n'.repeat(i % 2),
      `u/s${String(i).padStart(2, '0')}.service`
    )
  )
  it('keeps 10 errors and 10 warnings, most severe first, and counts the rest in a notice', () => {
    const broken = analyze('[Service]\nExecStart=/bin/x\nDynamicUser=maybe\n', 'u/zz.service')
    const plan = planAnnotations(judge([...failing, broken], undefined, 'threshold', 50), {
      failOn: 'threshold',
      threshold: 50
    })
    const count = (level: string) => plan.annotations.filter((a) => a.level === level).length
    expect(count('error')).toBe(ANNOTATION_LIMITS.error)
    expect(count('warning')).toBe(ANNOTATION_LIMITS.warning)
    expect(count('notice')).toBe(1)
    expect(plan.omitted).toEqual({ error: 16, warning: 2 })
    expect(plan.annotations[0]).toMatchObject({
      level: 'error',
      title: 'zz.service: does not load',
      file: 'u/zz.service',
      line: 3
    })
    expect(plan.annotations.at(-1)!.message).toMatch(
      /^16 more errors and 2 more warnings are not annotated/
    )
  })
  it('uses warnings under fail-on: never, and nothing for passing units', () => {
    const plan = planAnnotations(judge([failing[0]!, analyze(HARDENED)], undefined, 'never', 50), {
      failOn: 'never',
      threshold: 50
    })
    expect(plan.annotations.map((a) => a.level)).toEqual(['warning'])
  })
  it('bounds titles and drops file properties that could carry commands', () => {
    const long = analyze(BARE, `u/${'x'.repeat(240)}.service`)
    const [a] = planAnnotations(judge([long], undefined, 'threshold', 50), {
      failOn: 'threshold',
      threshold: 50
    }).annotations
    expect(a!.title.length).toBeLessThanOrEqual(TITLE_LIMIT)
    expect(a!.title.endsWith('…')).toBe(true)
    expect(fileProperty('a\nb.service')).toBeUndefined()
    expect(fileProperty('a##[x.service')).toBeUndefined()
    expect(fileProperty('a,b:c%.service')).toBe('a,b:c%.service')
  })
})

describe('the job summary', () => {
  const input = (outcomes: ReturnType<typeof judge>) => ({
    outcomes,
    failOn: 'threshold' as const,
    threshold: 50,
    policy: 'baseline',
    version: 259,
    scope: 'all units',
    found: outcomes.length,
    passed: outcomes.every((o) => !o.failed),
    notes: []
  })
  it('cuts at the limit with a note, never splitting a row', () => {
    const units = Array.from({ length: 300 }, (_, i) => analyze(BARE, `units/${i}.service`))
    const full = buildSummary(input(judge(units, undefined, 'threshold', 50)))
    expect(Buffer.byteLength(full)).toBeLessThan(1024 * 1024)
    const cut = buildSummary(input(judge(units, undefined, 'threshold', 50)), 40_000)
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(40_000)
    expect(cut).toMatch(
      /This summary was cut to stay under GitHub's 1 MiB limit \(\d+ of 300 units in the table\)/
    )
    for (const line of cut.split('\n'))
      if (line.startsWith('|')) expect(line.endsWith('|')).toBe(true)
  })
  it('renders the fix engine suggestion in a fence its content cannot close', () => {
    const unit = {
      ...analyze(BARE),
      suggestion: {
        path: 'units/a.service.d/10-hardening.conf',
        dropIn: '[Service]\n# ```` @x\nPrivateTmp=yes\n',
        score: 4.2
      }
    }
    const text = buildSummary(input(judge([unit], undefined, 'threshold', 50)))
    expect(text).toContain(
      'Suggested drop-in units/a.service.d/10-hardening.conf (brings it to 4.2):'
    )
    expect(text).toContain('`````ini\n[Service]\n# ```` @x\nPrivateTmp=yes\n`````')
  })
  it('says so when there is nothing to gate', () => {
    expect(buildSummary({ ...input([]), found: 3 })).toContain(
      'No service unit is changed by this change set'
    )
  })
})

describe('escaping', () => {
  it('keeps file text from forming workflow commands', () => {
    expect(commandSafe('::stop-commands::x')).toBe(':\u200b:stop-commands::x')
    expect(commandSafe(' \u00a0::add-mask::x')).toBe(' \u00a0:\u200b:add-mask::x')
    // shown as an escape, as escapeControl() shows it; a `##[` formed by redaction is broken too
    expect(commandSafe('a ##[set-output name=x]y')).toBe('a ##\\u005bset-output name=x]y')
    expect(commandSafe('##ghp_' + 'a'.repeat(36))).toBe('#\u200b#[redacted]')
    expect(commandSafe('x\u200d\u202ey\ufeff')).toBe('x\\u200d\\u202ey\\ufeff')
    expect(commandSafe('a\r\n::error::b')).toBe('a\\u000d\\u000a::error::b')
    expect(commandSafe('t ghp_' + 'a'.repeat(36))).toBe('t [redacted]')
    expect(redactSecrets('AUTHORIZATION: basic eC1hY2Nlc3M=')).toBe(
      'AUTHORIZATION: basic [redacted]'
    )
  })
  it('builds fences longer than any backtick run', () => {
    expect(codeFence('plain')).toBe('```')
    expect(codeFence('a ````` b')).toBe('``````')
    expect(fencedBlock('x', 'ini')).toBe('```ini\nx\n```')
  })
  it('shows invisible and direction characters as escapes, and keeps JSON readers reading the same', () => {
    for (const c of [
      '\u061c',
      '\u200b',
      '\u200d',
      '\u200e',
      '\u2060',
      '\u2064',
      '\u202e',
      '\ufeff'
    ]) {
      expect(escapeControl(`a${c}b`)).toBe(`a\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}b`)
    }
    expect(escapeControl('a ##[add-mask]b ##[x')).toBe('a ##\\u005badd-mask]b ##\\u005bx')
    const json = runnerSafeJson(JSON.stringify({ v: 'x ##[set-output name=a]b' }))
    expect(json).not.toContain('##[')
    expect(JSON.parse(json)).toEqual({ v: 'x ##[set-output name=a]b' })
  })
  it('keeps GitHub from making links, references and strikes of file text', () => {
    const shown = escapeMarkdown('see https://evil.example/x and www.evil.example, ~~no~~ GH-12 #3')
    expect(shown).not.toMatch(/https:\/\/|www\.|[^\\]~|GH-\d|#\d/)
    expect(shown.replace(/\u200b/g, '').replace(/\\~/g, '~')).toBe(
      'see https://evil.example/x and www.evil.example, ~~no~~ GH-12 #3'
    )
  })
  it('names a file in SARIF by a relative URI that no #, ? or : can turn into another', () => {
    expect(relativeUri('units/a b@.service')).toBe('units/a%20b@.service')
    expect(relativeUri('a#b.service')).toBe('a%23b.service')
    expect(relativeUri('d/q?r.service')).toBe('d/q%3Fr.service')
    expect(relativeUri('x:y.service')).toBe('x%3Ay.service')
    expect(relativeUri('d/x:y.service')).toBe('d/x:y.service')
    expect(new URL(relativeUri('x:y/a#b?.service'), 'file:///r/').pathname).toBe(
      '/r/x%3Ay/a%23b%3F.service'
    )
  })
  it('truncates without splitting a surrogate pair', () => {
    expect(truncateText('ab😀cd', 4)).toBe('ab…')
    expect(truncateText('abc', 3)).toBe('abc')
  })
})

describe('run()', () => {
  let written: string[] = []
  afterEach(() => {
    jest.restoreAllMocks()
    process.exitCode = undefined
    written = []
  })
  function capture() {
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk))
      return true
    })
  }
  it('fails the step with a message when something that is not an Error is thrown', async () => {
    capture()
    const env = new Proxy({} as Record<string, string | undefined>, {
      get(_, key) {
        if (key === 'GITHUB_WORKSPACE') throw 'a plain string'
        return undefined
      }
    })
    await run(env)
    expect(process.exitCode).toBe(1)
    expect(written.join('')).toContain(
      "::error::systemd-hardening-gate stopped on an unexpected error: a non-Error value was thrown: 'a plain string'"
    )
  })
  it('gives the message of an unexpected Error, then its stack in a group', async () => {
    capture()
    const env = new Proxy({} as Record<string, string | undefined>, {
      get(_, key) {
        if (key === 'GITHUB_WORKSPACE') throw new RangeError('::stop-commands::boom')
        return undefined
      }
    })
    await run(env)
    expect(process.exitCode).toBe(1)
    const out = written.join('')
    expect(out).toContain(
      '::error::systemd-hardening-gate stopped on an unexpected error: ::stop-commands::boom'
    )
    expect(out).toContain('::group::Stack trace')
    expect(out).not.toMatch(/^\s*::stop-commands/m)
  })
})
