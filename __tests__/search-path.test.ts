/**
 * A unit in an image or overlay tree (rootfs/usr/lib/systemd/system/app.service) takes drop-ins
 * from every directory of systemd's search path below the same root (rootfs/etc/systemd/system/
 * app.service.d/ ...), the higher-priority directory winning a file name, as `systemd-analyze
 * --root=rootfs security --offline=true app.service` reads them. Every expected score below was
 * observed with systemd 252 and 262; where systemd-analyze is installed, the last test asks it again.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync, spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {
  dropInSearchDirectories,
  isMergedUsrDirectory,
  searchedDropInDirectories
} from '../src/core/dropins.js'
import { DEFAULT_POLICY } from '../src/core/policy.js'
import { parseUnitName } from '../src/core/specifiers.js'
import { scan } from '../src/scan/scan.js'
import { committed, scoredAtHead } from './support/git-tree.js'
import { oracleAvailable, oracleUnavailableReason } from './support/oracle.js'

/** A drop-in in each directory of the search path (and two that systemd-analyze does not read). */
const DROP_INS: Array<[directory: string, setting: string, file: string]> = [
  ['etc/systemd/system', 'PrivateNetwork=yes', 'a-etc'],
  ['run/systemd/system', 'PrivateTmp=yes', 'a-run'],
  ['usr/local/lib/systemd/system', 'ProtectHome=yes', 'a-usrlocal'],
  ['usr/lib/systemd/system', 'NoNewPrivileges=yes', 'a-usrlib'],
  ['lib/systemd/system', 'ProtectSystem=strict', 'a-lib'],
  ['etc/systemd/system.control', 'PrivateDevices=yes', 'a-etccontrol'],
  ['run/systemd/system.control', 'ProtectKernelTunables=yes', 'a-runcontrol'],
  ['etc/systemd/system.attached', 'RestrictRealtime=yes', 'a-etcattached'],
  ['run/systemd/system.attached', 'LockPersonality=yes', 'a-runattached'],
  // not read offline: transient units and generators
  ['run/systemd/transient', 'ProtectKernelModules=yes', 'a-transient'],
  ['run/systemd/generator', 'ProtectControlGroups=yes', 'a-gen'],
  // the same file name twice: /etc wins over /usr/lib
  ['etc/systemd/system', 'RestrictSUIDSGID=yes', 'zz'],
  ['usr/lib/systemd/system', 'RestrictSUIDSGID=no\nMemoryDenyWriteExecute=yes', 'zz']
]

const UNIT_DIRECTORIES = ['usr/lib/systemd/system', 'lib/systemd/system', 'etc/systemd/system']

let base: string

/** writes files below a root, making their directories */
const writeIn =
  (r: string) =>
  (file: string, text: string): void => {
    fs.mkdirSync(path.dirname(path.join(r, file)), { recursive: true })
    fs.writeFileSync(path.join(r, file), text)
  }

/** A tree scanned both ways: walked, and globbed with an --exclude that excludes nothing. */
const WALKED_AND_GLOBBED: Array<[string, string[]]> = [
  ['walked', []],
  ['globbed, with an exclude', ['**/nothing/**']]
]

/** each unit of a scan of `r` at 252 (no suggestions): its path from 'rootfs/', its score */
async function scoresFromRootfs(r: string, exclude: string[]) {
  const { units } = await scan([r], {
    cwd: base,
    version: 252,
    policy: DEFAULT_POLICY,
    threshold: 100,
    suggest: false,
    exclude
  })
  return units.map((u) => [u.path.slice(u.path.indexOf('rootfs/')), u.score])
}

/** the units of a scan of `r` (no suggestions) */
async function unitsBelow(r: string, version: number, userManager = false) {
  const { units } = await scan([r], {
    cwd: base,
    version,
    policy: DEFAULT_POLICY,
    threshold: 100,
    suggest: false,
    userManager
  })
  return units
}

const root = (unitDirectory: string): string =>
  path.join(base, unitDirectory.replace(/\//g, '_'), 'rootfs')

beforeAll(() => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'gate-search-path-'))
  for (const unitDirectory of UNIT_DIRECTORIES) {
    const r = root(unitDirectory)
    const write = writeIn(r)
    write(`${unitDirectory}/app.service`, '[Service]\nExecStart=/bin/true\n')
    for (const [directory, setting, file] of DROP_INS)
      write(`${directory}/app.service.d/${file}.conf`, `[Service]\n${setting}\n`)
    write('usr/lib/systemd/system/service.d/type-wide.conf', '[Service]\nProtectHostname=yes\n')
  }
})

afterAll(() => fs.rmSync(base, { recursive: true, force: true }))

async function gateSays(unitDirectory: string, version: number): Promise<number | null> {
  const r = root(unitDirectory)
  const file = path.relative(base, path.join(r, unitDirectory, 'app.service'))
  return (await unitsBelow(r, version)).find((u) => u.path === file)!.score
}

describe('drop-ins from the search path of an image tree', () => {
  it.each<[string, number, number]>([
    // every directory of the search path but transient and generators
    ['usr/lib/systemd/system', 252, 7.3],
    ['lib/systemd/system', 252, 7.3],
    ['etc/systemd/system', 252, 7.3],
    ['usr/lib/systemd/system', 262, 7.3],
    ['etc/systemd/system', 262, 7.3],
    // from 255 systemd searches no lib/ (systemd-analyze --root finds no unit there), which is
    // usr/lib/ on the merged-/usr systems it runs on: a unit there takes the drop-ins of the whole
    // search path and its own (ProtectSystem=strict: 7.1); lib/'s count for the units elsewhere only
    // maybe (judged both ways: here they harden, so without them, as systemd-analyze: 7.3 above)
    ['lib/systemd/system', 262, 7.1]
  ])('a unit in %s at %i scores %d', async (unitDirectory, version, expected) => {
    expect(await gateSays(unitDirectory, version)).toBe(expected)
  })

  it('judges drop-ins in lib/systemd/system both ways from 255 (merged /usr), as read up to 254', async () => {
    const r = path.join(base, 'merged', 'rootfs')
    const write = writeIn(r)
    write(
      'usr/lib/systemd/system/app.service',
      '[Service]\nExecStart=/bin/true\nPrivateNetwork=yes\n'
    )
    write('lib/systemd/system/app.service.d/weak.conf', '[Service]\nPrivateNetwork=no\n')
    const scoreAt = async (version: number) => (await unitsBelow(r, version))[0]!
    // systemd-analyze --root: 9.0 at 262 (lib/ not read), 9.6 at 252 (read: PrivateNetwork=no);
    // deployed on merged /usr, 262 reads it too: 9.4, the worse, which the gate gives
    const at262 = await scoreAt(262)
    expect(at262.score).toBe(9.4)
    expect(at262.diagnostics.map((d) => d.message).join('\n')).toContain(
      'systemd searches no lib/systemd/system from 255, but on a merged-/usr system it is /usr/lib/systemd/system'
    )
    expect((await scoreAt(252)).score).toBe(9.6)
  })

  it('reads an absolute alias of an image tree below its root, and says what another absolute link names there', async () => {
    const r = path.join(base, 'abslink', 'rootfs')
    writeIn(r)('usr/lib/systemd/system/zzapp.service', '[Service]\nExecStart=/bin/true\n')
    fs.mkdirSync(path.join(r, 'etc/systemd/system'), { recursive: true })
    // as `systemctl enable` writes an alias: absolute, for the image's own /usr
    fs.symlinkSync(
      '/usr/lib/systemd/system/zzapp.service',
      path.join(r, 'etc/systemd/system/zzweb.service')
    )
    // a linked unit file outside the search path: not followed out of the scanned tree
    fs.symlinkSync('/opt/zz/zzother.service', path.join(r, 'etc/systemd/system/zzother.service'))
    const units = await unitsBelow(r, 262)
    const alias = units.find((u) => u.path.endsWith('etc/systemd/system/zzweb.service'))!
    expect(alias).toMatchObject({ status: 'scored', unit: 'zzapp.service' })
    const linked = units.find((u) => u.unit === 'zzother.service')!
    expect(linked.status).toBe('error')
    expect(linked.reason).toContain(
      'in the image it names abslink/rootfs/opt/zz/zzother.service, but the gate follows no absolute link'
    )
  })

  it("takes a user unit's drop-ins from a user manager's search path (--user)", async () => {
    const r = path.join(base, 'user', 'rootfs')
    const write = writeIn(r)
    write(
      'usr/lib/systemd/user/app.service',
      '[Service]\nExecStart=/bin/true\nPrivateTmp=yes\nNoNewPrivileges=yes\n'
    )
    write('etc/systemd/user/app.service.d/weak.conf', '[Service]\nNoNewPrivileges=no\n')
    // systemd-analyze --user with XDG_CONFIG_HOME=rootfs/etc, XDG_DATA_HOME=rootfs/usr/lib: 9.6 at
    // 252, 9.0 at 262 (8.8 without the drop-in)
    for (const [version, expected] of [
      [252, 9.6],
      [262, 9.0]
    ] as const) {
      const [unit] = await unitsBelow(r, version, true)
      expect([version, unit!.score]).toEqual([version, expected])
    }
    expect(dropInSearchDirectories('img/usr/lib/systemd/user', 262, '/', 'user')).toEqual([
      'img/etc/xdg/systemd/user',
      'img/etc/systemd/user',
      'img/run/systemd/user',
      'img/usr/local/share/systemd/user',
      'img/usr/share/systemd/user',
      'img/usr/local/lib/systemd/user',
      'img/usr/lib/systemd/user'
    ])
  })

  it('lists the search path below the root, and the directory alone elsewhere', () => {
    expect(dropInSearchDirectories('img/usr/lib/systemd/system', 262)).toEqual([
      'img/etc/systemd/system.control',
      'img/run/systemd/system.control',
      'img/etc/systemd/system',
      'img/etc/systemd/system.attached',
      'img/run/systemd/system',
      'img/run/systemd/system.attached',
      'img/usr/local/lib/systemd/system',
      'img/usr/lib/systemd/system',
      'img/lib/systemd/system'
    ])
    expect(dropInSearchDirectories('lib/systemd/system', 252).slice(-3)).toEqual([
      'usr/local/lib/systemd/system',
      'lib/systemd/system',
      'usr/lib/systemd/system'
    ])
    expect(dropInSearchDirectories('deploy/units', 262)).toEqual(['deploy/units'])
    expect(dropInSearchDirectories('img/lib/systemd/system', 262).slice(-2)).toEqual([
      'img/usr/lib/systemd/system',
      'img/lib/systemd/system'
    ])
    expect(isMergedUsrDirectory('img/lib/systemd/system', 262)).toBe(true)
    expect(isMergedUsrDirectory('img/lib/systemd/system', 252)).toBe(false)
    expect(isMergedUsrDirectory('img/usr/lib/systemd/system', 262)).toBe(false)
    expect(isMergedUsrDirectory('img/usr/local/lib/systemd/system', 262)).toBe(false)
    expect(isMergedUsrDirectory('lib/systemd/system', 262)).toBe(true)
    expect(isMergedUsrDirectory('usr/lib/systemd/system', 262)).toBe(false)
  })

  it("walks each name's directories in every search directory, the type-wide ones last", () => {
    const id = parseUnitName('foo-bar.service')!
    const alias = parseUnitName('alias.service')!
    const walk = searchedDropInDirectories(id, [alias], ['etc', 'usr'])
    expect(walk.map((d) => `${d.directory}/${d.name}${d.alias === undefined ? '' : '*'}`)).toEqual([
      'etc/foo-bar.service.d',
      'etc/foo-.service.d',
      'usr/foo-bar.service.d',
      'usr/foo-.service.d',
      'etc/alias.service.d*',
      'usr/alias.service.d*',
      'etc/service.d',
      'usr/service.d'
    ])
  })

  it('reads the same at a base commit (the Action reads it from git objects)', () => {
    const repository = committed(root('usr/lib/systemd/system'))
    const unit = 'usr/lib/systemd/system/app.service'
    for (const [version, expected] of [
      [252, 7.3],
      [262, 7.3]
    ] as const) {
      expect([version, scoredAtHead(repository, unit, version)?.score]).toEqual([version, expected])
    }
  })
})

/**
 * Links between the directories of an image's search path, each a root of its own: systemd takes a
 * link whose target lies in any directory of the search path (or below one) as an alias of the
 * target's name, looked up on the whole path, and ignores one to its own name. Scores observed with
 * systemd-analyze 252 --root (every file of a layout is the same unit); the oracle test asks again.
 */
const CROSS_DIRECTORY_ALIASES: Record<
  string,
  { files: Record<string, string>; score: number; notFound?: string[] }
> = {
  // etc/web.service names usr/lib's app.service: the drop-ins of both names, in both directories
  'an alias in etc of a unit in usr/lib': {
    files: {
      'usr/lib/systemd/system/app.service': '[Service]\nExecStart=/bin/true\n',
      'usr/lib/systemd/system/app.service.d/a.conf': '[Service]\nPrivateNetwork=yes\n',
      'etc/systemd/system/web.service': '-> ../../../usr/lib/systemd/system/app.service',
      'etc/systemd/system/web.service.d/b.conf': '[Service]\nPrivateTmp=yes\n',
      'usr/lib/systemd/system/web.service.d/c.conf': '[Service]\nProtectHome=yes\n'
    },
    score: 8.8
  },
  // a link to its own name is no alias (systemd ignores it): the name is usr/lib's file
  'a link in etc to the same name in usr/lib': {
    files: {
      'usr/lib/systemd/system/app.service': '[Service]\nExecStart=/bin/true\n',
      'etc/systemd/system/app.service': '-> ../../../usr/lib/systemd/system/app.service',
      'etc/systemd/system/app.service.d/b.conf': '[Service]\nPrivateTmp=yes\n'
    },
    score: 9.4
  },
  'an alias in usr/lib of a unit in etc': {
    files: {
      'etc/systemd/system/app.service': '[Service]\nExecStart=/bin/true\n',
      'usr/lib/systemd/system/web.service': '-> ../../../../etc/systemd/system/app.service',
      'usr/lib/systemd/system/web.service.d/b.conf': '[Service]\nPrivateNetwork=yes\n'
    },
    score: 9.1
  },
  // systemctl enable writes absolute links: systemd --root reads them below the image's root
  'an absolute alias in etc, as systemctl enable writes it': {
    files: {
      'usr/lib/systemd/system/app.service': '[Service]\nExecStart=/bin/true\n',
      'usr/lib/systemd/system/app.service.d/a.conf': '[Service]\nPrivateNetwork=yes\n',
      'etc/systemd/system/web.service': '-> /usr/lib/systemd/system/app.service',
      'etc/systemd/system/web.service.d/b.conf': '[Service]\nPrivateTmp=yes\n'
    },
    score: 9.0
  },
  'an absolute link in etc to the same name in usr/lib': {
    files: {
      'usr/lib/systemd/system/app.service': '[Service]\nExecStart=/bin/true\n',
      'etc/systemd/system/app.service': '-> /usr/lib/systemd/system/app.service',
      'etc/systemd/system/app.service.d/b.conf': '[Service]\nPrivateTmp=yes\n'
    },
    score: 9.4
  },
  // systemd stops a `..` at the image's root
  'an alias whose relative text climbs above the image root': {
    files: {
      'usr/lib/systemd/system/app.service': '[Service]\nExecStart=/bin/true\n',
      'etc/systemd/system/web.service':
        '-> ../../../../../../../../usr/lib/systemd/system/app.service',
      'etc/systemd/system/web.service.d/b.conf': '[Service]\nPrivateTmp=yes\n'
    },
    score: 9.4
  },
  // systemd follows the directories on the way below the root, links among them too (red team
  // round 12, R1): an absolute link's text from the root, a relative one from where it is
  'an absolute alias through a directory link of the image': {
    files: {
      'usr/lib/systemd/system/app.service': '[Service]\nExecStart=/bin/true\n',
      'usr/lib/systemd/system/app.service.d/a.conf': '[Service]\nPrivateNetwork=yes\n',
      'opt/link': '-> ../usr/lib/systemd/system',
      'etc/systemd/system/web.service': '-> /opt/link/app.service',
      'etc/systemd/system/web.service.d/b.conf': '[Service]\nPrivateTmp=yes\n'
    },
    score: 9.0
  },
  'a relative alias through an absolute directory link': {
    files: {
      'usr/lib/systemd/system/app.service': '[Service]\nExecStart=/bin/true\n',
      'usr/lib/systemd/system/app.service.d/a.conf': '[Service]\nPrivateNetwork=yes\n',
      'opt/link': '-> /usr/lib/systemd/system',
      'etc/systemd/system/web.service': '-> ../../../opt/link/app.service',
      'etc/systemd/system/web.service.d/b.conf': '[Service]\nPrivateTmp=yes\n'
    },
    score: 9.0
  },
  'an alias through a link to a directory above the unit': {
    files: {
      'usr/lib/systemd/system/app.service': '[Service]\nExecStart=/bin/true\n',
      'opt/link': '-> ../usr/lib/systemd',
      'etc/systemd/system/web.service': '-> /opt/link/system/app.service',
      'etc/systemd/system/web.service.d/b.conf': '[Service]\nPrivateTmp=yes\n'
    },
    score: 9.4
  },
  // a `..` after a link steps back from where the link leads: /usr/lib/systemd/systemd/system is no
  // directory, so web.service names no unit (not found) and app.service has none of its drop-ins
  "an alias whose '..' follows a directory link": {
    files: {
      'usr/lib/systemd/system/app.service': '[Service]\nExecStart=/bin/true\n',
      'opt/link': '-> /usr/lib/systemd/system',
      'etc/systemd/system/web.service': '-> /opt/link/../systemd/system/app.service',
      'etc/systemd/system/web.service.d/b.conf': '[Service]\nPrivateTmp=yes\n'
    },
    score: 9.6,
    notFound: ['web.service']
  },
  // a link systemd gives up is no entry: the name falls to the next directory (red team round 13,
  // S1: `..` stops at the image root, where `rootfs` is a file; the kernel would climb out to sub/)
  'a link in etc that systemd gives up, over a unit in usr/lib': {
    files: {
      'usr/lib/systemd/system/app.service': '[Service]\nExecStart=/bin/true\n',
      'opt/sub/strong.service': '[Service]\nExecStart=/bin/true\nPrivateNetwork=yes\n',
      rootfs: 'a file where the link needs a directory',
      'etc/systemd/system/app.service': '-> ../../../../rootfs/opt/sub/strong.service'
    },
    score: 9.6
  },
  'a link in etc through a loop, over a unit in usr/lib': {
    files: {
      'usr/lib/systemd/system/app.service': '[Service]\nExecStart=/bin/true\n',
      'opt/loop': '-> loop',
      'etc/systemd/system/app.service': '-> /opt/loop/app.service'
    },
    score: 9.6
  },
  // S2, S6: a missing target named with a trailing `/`, or a name over 255 bytes: no alias
  'an alias to a missing directory with a trailing slash': {
    files: {
      'usr/lib/systemd/system/app.service': '[Service]\nExecStart=/bin/true\n',
      'etc/systemd/system/web.service': '-> /usr/local/lib/systemd/system/app.service/',
      'etc/systemd/system/web.service.d/b.conf': '[Service]\nPrivateTmp=yes\n'
    },
    score: 9.6,
    notFound: ['web.service']
  },
  'an alias through a name over 255 bytes': {
    files: {
      'usr/lib/systemd/system/app.service': '[Service]\nExecStart=/bin/true\n',
      'etc/systemd/system/web.service': `-> ${'a'.repeat(256)}/app.service`,
      'etc/systemd/system/web.service.d/b.conf': '[Service]\nPrivateTmp=yes\n'
    },
    score: 9.6,
    notFound: ['web.service']
  },
  // a search directory that is a link holds aliases by either path (systemd's expanded search path)
  'an alias in a search directory that is a link': {
    files: {
      'etc/systemd/system': '-> ../../srv/units',
      'srv/units/app.service': '[Service]\nExecStart=/bin/true\n',
      'srv/units/web.service': '-> app.service',
      'srv/units/web.service.d/b.conf': '[Service]\nPrivateTmp=yes\n'
    },
    score: 9.4
  },
  // a target below a search directory names the entry of its name on the path, not the file
  'an alias of a file below usr/lib': {
    files: {
      'usr/lib/systemd/system/app.service': '[Service]\nExecStart=/bin/true\nPrivateTmp=yes\n',
      'usr/lib/systemd/system/sub/app.service':
        '[Service]\nExecStart=/bin/true\nPrivateNetwork=yes\n',
      'etc/systemd/system/web.service': '-> ../../../usr/lib/systemd/system/sub/app.service',
      'etc/systemd/system/web.service.d/b.conf': '[Service]\nProtectHome=yes\n'
    },
    score: 9.2
  }
}

/** writes a layout below a root of its own ('-> target': a symbolic link) */
function crossDirectoryRoot(layout: string, copy = 'gate'): string {
  const r = path.join(base, 'cross', copy, layout.replace(/\W+/g, '-'), 'rootfs')
  for (const [file, text] of Object.entries(CROSS_DIRECTORY_ALIASES[layout]!.files)) {
    const at = path.join(r, file)
    fs.mkdirSync(path.dirname(at), { recursive: true })
    if (text.startsWith('-> ')) fs.symlinkSync(text.slice(3), at)
    else fs.writeFileSync(at, text)
  }
  return r
}

/** the gate's score of every unit file on the search path of a layout, by its name */
async function crossDirectoryScores(
  r: string,
  version: number
): Promise<Map<string, number | null>> {
  const scores = new Map<string, number | null>()
  for (const unit of await unitsBelow(r, version)) {
    if (!unit.path.includes('/sub/')) scores.set(path.basename(unit.path), unit.score)
  }
  return scores
}

/** the score a layout expects of a unit file's name (null: systemd finds no such unit) */
const expectedScore = (layout: string, name: string): number | null => {
  const { score, notFound } = CROSS_DIRECTORY_ALIASES[layout]!
  return notFound?.includes(name) ? null : score
}

describe('names across the search path of an image tree', () => {
  // (every row has five elements: jest takes a shorter row's fifth parameter for a callback)
  it.each<[string, string, string, string, [link: string, text: string] | undefined]>([
    // red team round 11, N9: etc/bar@.service -> usr/lib foo@.service: bar@web.service.d/ reaches foo@web
    [
      "an alias template's instance drop-ins",
      'usr/lib/systemd/system',
      'etc/systemd/system/bar@.service',
      '../../../usr/lib/systemd/system/foo@.service',
      undefined
    ],
    // round 12, R1f: the same through a directory link of the image
    [
      "an alias template's instance drop-ins through a directory link",
      'usr/lib/systemd/system',
      'etc/systemd/system/bar@.service',
      '/opt/link/foo@.service',
      ['opt/link', '../usr/lib/systemd/system']
    ],
    // round 12, R2: bar@web.service -> foo@.service makes bar@web a name of foo@web
    [
      'an instance alias',
      'etc/systemd/system',
      'etc/systemd/system/bar@web.service',
      'foo@.service',
      undefined
    ]
  ])(
    'judges a template by the instances %s reach',
    async (layout, templateDirectory, link, text, directoryLink) => {
      const r = path.join(base, 'template-aliases', layout.replace(/\W+/g, '-'), 'rootfs')
      const write = writeIn(r)
      if (directoryLink) {
        fs.mkdirSync(path.join(r, path.dirname(directoryLink[0])), { recursive: true })
        fs.symlinkSync(directoryLink[1], path.join(r, directoryLink[0]))
      }
      const unit = `${templateDirectory}/foo@.service`
      write(
        unit,
        '[Service]\nExecStart=/bin/true\nPrivateNetwork=yes\nPrivateTmp=yes\nProtectHome=yes\n'
      )
      fs.mkdirSync(path.join(r, path.dirname(link)), { recursive: true })
      fs.symlinkSync(text, path.join(r, link))
      write('etc/systemd/system/bar@web.service.d/w.conf', '[Service]\nPrivateNetwork=no\n')
      // systemd-analyze 252 --root: foo@i 8.8, foo@web 9.2
      const template = (await unitsBelow(r, 252)).find((u) => u.path.endsWith('foo@.service'))!
      expect(template).toMatchObject({ unit: 'foo@web.service', score: 9.2 })
      expect(scoredAtHead(committed(r), unit, 252)).toMatchObject({ score: 9.2 })
    }
  )

  it('takes a name a higher directory holds away from an alias below it (red team round 11, N1)', async () => {
    // usr/lib/web.service -> app.service with web.service.d/, while etc/web.service is a unit of
    // its own: systemd reads etc's, so app.service has no name web.service (9.6, not 9.0)
    const r = path.join(base, 'shadowed-alias', 'rootfs')
    const write = writeIn(r)
    write('usr/lib/systemd/system/app.service', '[Service]\nExecStart=/bin/true\n')
    fs.symlinkSync('app.service', path.join(r, 'usr/lib/systemd/system/web.service'))
    write(
      'usr/lib/systemd/system/web.service.d/h.conf',
      '[Service]\nPrivateNetwork=yes\nPrivateTmp=yes\n'
    )
    write('etc/systemd/system/web.service', '[Service]\nExecStart=/bin/true\nProtectHome=yes\n')
    const scores = new Map(
      (await unitsBelow(r, 252)).map((u) => [u.path.slice(u.path.indexOf('rootfs/') + 7), u.score])
    )
    expect(scores.get('usr/lib/systemd/system/app.service')).toBe(9.6)
    expect(scores.get('etc/systemd/system/web.service')).toBe(8.8)
    // the shadowed link itself is still scored as what it names, with its drop-ins
    expect(scores.get('usr/lib/systemd/system/web.service')).toBe(9.0)
    const repository = committed(r)
    expect(scoredAtHead(repository, 'usr/lib/systemd/system/app.service', 252)?.score).toBe(9.6)
  })

  it.each(WALKED_AND_GLOBBED)(
    'reads a search directory that is a link as systemd does (red team round 11, N2b): %s',
    async (_how, exclude) => {
      // rootfs/usr/lib/systemd/system -> ../../../opt/units: app.service is systemd's, with etc's
      // drop-in (systemd-analyze 252 --root: 9.0), not a unit of the plain directory opt/units (9.6)
      const r = path.join(base, 'linked-search-directory', String(exclude.length), 'rootfs')
      const write = writeIn(r)
      write('opt/units/app.service', '[Service]\nExecStart=/bin/true\n')
      write(
        'etc/systemd/system/app.service.d/h.conf',
        '[Service]\nPrivateNetwork=yes\nPrivateTmp=yes\n'
      )
      fs.mkdirSync(path.join(r, 'usr/lib/systemd'), { recursive: true })
      fs.symlinkSync('../../../opt/units', path.join(r, 'usr/lib/systemd/system'))
      expect(await scoresFromRootfs(r, exclude)).toEqual([
        ['rootfs/usr/lib/systemd/system/app.service', 9.0]
      ])
    }
  )

  it.each(WALKED_AND_GLOBBED)(
    'reads a directory that two search directories link to once, as the first of them: %s',
    async (_how, exclude) => {
      // etc/systemd/system and usr/lib/systemd/system -> opt/units: systemd-analyze 252 --root
      // takes app.service from etc/systemd/system ("normal unit file"), and only from there
      const r = path.join(base, 'two-links-one-directory', String(exclude.length), 'rootfs')
      const write = writeIn(r)
      write('opt/units/app.service', '[Service]\nExecStart=/bin/true\n')
      fs.mkdirSync(path.join(r, 'usr/lib/systemd'), { recursive: true })
      fs.mkdirSync(path.join(r, 'etc/systemd'), { recursive: true })
      // the usr/lib link made first: walk order is not what decides
      fs.symlinkSync('../../../opt/units', path.join(r, 'usr/lib/systemd/system'))
      fs.symlinkSync('../../opt/units', path.join(r, 'etc/systemd/system'))
      expect(await scoresFromRootfs(r, exclude)).toEqual([
        ['rootfs/etc/systemd/system/app.service', 9.6]
      ])
    }
  )

  it.each(Object.keys(CROSS_DIRECTORY_ALIASES))('%s', async (layout) => {
    const r = crossDirectoryRoot(layout)
    const scores = await crossDirectoryScores(r, 252)
    expect(scores.size).toBeGreaterThan(0)
    for (const [name, scored] of scores)
      expect([name, scored]).toEqual([name, expectedScore(layout, name)])
    // the Action's base, read from git objects, names them the same way
    const repository = committed(r)
    for (const file of Object.keys(CROSS_DIRECTORY_ALIASES[layout]!.files)) {
      if (!file.endsWith('.service') || file.includes('/sub/')) continue
      expect([file, scoredAtHead(repository, file, 252)?.score]).toEqual([
        file,
        expectedScore(layout, path.basename(file))
      ])
    }
  })
})

const available = oracleAvailable()
if (!available) console.warn(`SKIPPED search path oracle test: ${oracleUnavailableReason()}`)
const maybe = available ? it : it.skip

describe('the search path against systemd-analyze --root', () => {
  maybe('names a unit across the directories of the path as systemd does', async () => {
    const version = Number(
      /systemd (\d+)/.exec(execFileSync('systemd-analyze', ['--version'], { encoding: 'utf8' }))![1]
    )
    for (const layout of Object.keys(CROSS_DIRECTORY_ALIASES)) {
      const r = crossDirectoryRoot(layout, 'oracle')
      for (const [name, scored] of await crossDirectoryScores(r, version)) {
        const run = spawnSync(
          'systemd-analyze',
          ['security', '--offline=true', '--no-pager', `--root=${r}`, name],
          { encoding: 'utf8', timeout: 20000 }
        )
        const said = /Overall exposure level for \S+: (\d+\.\d)/.exec(run.stdout)
        expect([layout, name, said && Number(said[1])]).toEqual([layout, name, scored])
      }
    }
  })

  maybe('gives the score systemd gives, wherever the unit is', async () => {
    for (const unitDirectory of UNIT_DIRECTORIES) {
      const run = spawnSync(
        'systemd-analyze',
        [
          'security',
          '--offline=true',
          '--no-pager',
          `--root=${root(unitDirectory)}`,
          'app.service'
        ],
        { encoding: 'utf8', timeout: 20000 }
      )
      const scored = /Overall exposure level for app\.service: (\d+\.\d)/.exec(run.stdout)
      const version = Number(
        /systemd (\d+)/.exec(
          execFileSync('systemd-analyze', ['--version'], { encoding: 'utf8' })
        )![1]
      )
      expect([unitDirectory, scored && Number(scored[1])]).toEqual([
        unitDirectory,
        await gateSays(unitDirectory, version)
      ])
    }
  })
})
