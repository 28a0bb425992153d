/**
 * Loading a service as systemd 252 does (unit-file-loading.md 5.1, 5.4-5.6 and
 * systemd-security-scoring.md "Reading the directives" / "Implied settings"): directive semantics,
 * where each setting came from, drop-in discovery and order, templates and specifiers, and the units
 * systemd refuses. Every exposure and load failure written down below is what
 * `systemd-analyze security --offline=true` printed for the same files (re-measure with
 * LOADER_ORACLE=1, see support/units.ts).
 */
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {
  dropInDirectoryNames,
  dropInLead,
  isDashPrefixName,
  orderDropIns
} from '../src/core/dropins.js'
import type { Diagnostic, LoadedService } from '../src/core/service.js'
import { loadService } from '../src/core/service.js'
import { scoreService } from '../src/core/score.js'
import { CHECK_DIRECTIVES } from '../src/core/checks.js'
import { DEFAULT_POLICY } from '../src/core/policy.js'
import { expandSpecifiers, parseUnitName } from '../src/core/specifiers.js'
import { engineReport } from './support/engine.js'
import type { Files, Outcome, Rows } from './support/units.js'
import {
  BARE,
  BARE_SCORE,
  VERSION,
  analyze,
  expectOutcome,
  load,
  oracleAgreement,
  sourceOf,
  unitNameOf
} from './support/units.js'

const H = BARE
/** An absolute path of `bytes` bytes, in names of 200 (none over NAME_MAX). */
const LONG_PATH = (bytes: number): string =>
  `/${'d'.repeat(200)}`.repeat(Math.ceil(bytes / 201)).slice(0, bytes)
const S = (body: string): string => `[Service]\n${body}\n`

/**
 * What the machine's systemd-analyze logs while it loads `text` as a.service (its warnings on
 * stderr); undefined when it is not installed.
 */
function systemdWarnings(text: string): string | undefined {
  if (spawnSync('systemd-analyze', ['--version']).status !== 0) return undefined
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gate-warnings-'))
  try {
    fs.writeFileSync(path.join(dir, 'a.service'), text)
    const run = spawnSync(
      'systemd-analyze',
      ['security', '--offline=true', '--no-pager', path.join(dir, 'a.service')],
      { encoding: 'utf8' }
    )
    return run.stderr
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

function loaded(files: Files, name = 'a.service'): LoadedService {
  const result = load(files, name)
  if (result.status !== 'loaded') throw new Error(`not loaded: ${result.reason}`)
  return result
}

type Row = [label: string, body: string, expected: Outcome, rows?: Rows]
/** Rows with or without a 4th element: jest would pass its done callback in a missing one. */
const expectRows = (rows: Row[]) =>
  it.each(rows.map((row): [string, Row] => [row[0], row]))(
    '%s',
    (_label, [label, body, expected, checks]) => {
      expectOutcome({ 'a.service': body }, expected, { label, rows: checks })
    }
  )

describe('directive semantics', () => {
  describe('repeated keys: the last valid assignment wins', () => {
    expectRows([
      [
        'ProtectSystem=strict then full',
        `${H}ProtectSystem=strict\nProtectSystem=full\n`,
        9.5,
        { ProtectSystem: 3 }
      ],
      [
        'NoNewPrivileges=yes then no',
        `${H}NoNewPrivileges=yes\nNoNewPrivileges=no\n`,
        9.6,
        { NoNewPrivileges: 1 }
      ],
      [
        'User=foo then User= (unset: root)',
        `${H}User=foo\nUser=\n`,
        9.6,
        { UserOrDynamicUser: 10 }
      ],
      [
        'RootDirectory=/srv then RootDirectory=',
        `${H}RootDirectory=/srv\nRootDirectory=\n`,
        9.6,
        { RootDirectoryOrRootImage: 1 }
      ],
      [
        'KeyringMode=shared then PRIVATE (ignored)',
        `${H}KeyringMode=shared\nKeyringMode=PRIVATE\n`,
        9.8,
        { KeyringMode: 1 }
      ]
    ])
  })

  describe('an empty assignment resets a list', () => {
    expectRows([
      [
        'CapabilityBoundingSet=CAP_KILL, then CAP_SYS_ADMIN: merged',
        `${H}CapabilityBoundingSet=CAP_KILL\nCapabilityBoundingSet=CAP_SYS_ADMIN\n`,
        7.4,
        { CapabilityBoundingSet_CAP_SYS_ADMIN: 1, CapabilityBoundingSet_CAP_KILL: 1 }
      ],
      [
        'CapabilityBoundingSet=CAP_SYS_ADMIN then CapabilityBoundingSet=',
        `${H}CapabilityBoundingSet=CAP_SYS_ADMIN\nCapabilityBoundingSet=\n`,
        7.1,
        { CapabilityBoundingSet_CAP_SYS_ADMIN: 0 }
      ],
      [
        'CapabilityBoundingSet= reset then CAP_KILL',
        `${H}CapabilityBoundingSet=CAP_SYS_ADMIN\nCapabilityBoundingSet=\nCapabilityBoundingSet=CAP_KILL\n`,
        7.2,
        { CapabilityBoundingSet_CAP_SYS_ADMIN: 0, CapabilityBoundingSet_CAP_KILL: 1 }
      ],
      [
        'SystemCallFilter=@system-service',
        `${H}SystemCallFilter=@system-service\n`,
        8.2,
        { SystemCallFilter_mount: 0 }
      ],
      [
        'SystemCallFilter=@system-service then SystemCallFilter=',
        `${H}SystemCallFilter=@system-service\nSystemCallFilter=\n`,
        BARE_SCORE,
        { SystemCallFilter_mount: 10 }
      ],
      [
        'ExecStart= reset, then a new ExecStart=',
        '[Service]\nExecStart=/bin/true\nExecStart=\nExecStart=/bin/false\n',
        BARE_SCORE
      ],
      [
        'a lone ExecStart= reset leaves no command',
        '[Service]\nExecStart=/bin/true\nExecStart=\n',
        'invalid'
      ]
    ])
  })

  describe('an empty or invalid assignment of a boolean or enum does not reset', () => {
    expectRows([
      [
        'PrivateTmp=yes then PrivateTmp=',
        `${H}PrivateTmp=yes\nPrivateTmp=\n`,
        9.4,
        { PrivateTmp: 0 }
      ],
      [
        'ProtectSystem=strict then ProtectSystem=',
        `${H}ProtectSystem=strict\nProtectSystem=\n`,
        9.4,
        { ProtectSystem: 0 }
      ],
      [
        'ProtectHome=yes then ProtectHome=',
        `${H}ProtectHome=yes\nProtectHome=\n`,
        9.4,
        { ProtectHome: 0 }
      ],
      ['UMask=077 then UMask=', `${H}UMask=077\nUMask=\n`, BARE_SCORE, { UMask: 0 }],
      ['UMask=999 is ignored', `${H}UMask=999\n`, BARE_SCORE, { UMask: 5 }],
      ['ProtectHome=bogus is ignored', `${H}ProtectHome=bogus\n`, BARE_SCORE, { ProtectHome: 10 }],
      ['Type=bogus is ignored', `${H}Type=bogus\n`, BARE_SCORE]
    ])
  })

  describe('boolean spellings are case-insensitive; nothing else is a boolean', () => {
    const rows: Row[] = ['yes', 'YES', 'yES', 'On', 'on', 'true', 'TRUE', 't', 'T', 'y', '1'].map(
      (word) => [
        `NoNewPrivileges=${word}`,
        `${H}NoNewPrivileges=${word}\n`,
        9.4,
        { NoNewPrivileges: 0 }
      ]
    )
    rows.push(
      ['PrivateTmp=On', `${H}PrivateTmp=On\n`, 9.4, { PrivateTmp: 0 }],
      ['ProtectHome=t', `${H}ProtectHome=t\n`, 9.4, { ProtectHome: 0 }],
      ['NoNewPrivileges=2', `${H}NoNewPrivileges=2\n`, 9.6, { NoNewPrivileges: 1 }],
      ['NoNewPrivileges="yes"', `${H}NoNewPrivileges="yes"\n`, 9.6, { NoNewPrivileges: 1 }],
      [
        'NoNewPrivileges=yes please',
        `${H}NoNewPrivileges=yes please\n`,
        9.6,
        { NoNewPrivileges: 1 }
      ],
      ['NoNewPrivileges=no after yes', `${H}NoNewPrivileges=yes\nNoNewPrivileges=off\n`, 9.6]
    )
    expectRows(rows)
  })

  describe('enum values are exact and lowercase', () => {
    expectRows([
      ['ProtectSystem=strict', `${H}ProtectSystem=strict\n`, 9.4, { ProtectSystem: 0 }],
      [
        'ProtectSystem=STRICT is ignored',
        `${H}ProtectSystem=STRICT\n`,
        BARE_SCORE,
        { ProtectSystem: 10 }
      ],
      [
        'ProtectSystem="strict" is ignored',
        `${H}ProtectSystem="strict"\n`,
        BARE_SCORE,
        { ProtectSystem: 10 }
      ],
      [
        'ProtectSystem=YES is the boolean yes',
        `${H}ProtectSystem=YES\n`,
        9.5,
        { ProtectSystem: 5 }
      ],
      ['ProtectHome=tmpfs', `${H}ProtectHome=tmpfs\n`, 9.4, { ProtectHome: 1 }],
      ['ProtectHome=TMPFS is ignored', `${H}ProtectHome=TMPFS\n`, BARE_SCORE, { ProtectHome: 10 }],
      [
        'ProtectHome=Read-Only is ignored',
        `${H}ProtectHome=Read-Only\n`,
        BARE_SCORE,
        { ProtectHome: 10 }
      ],
      [
        'ProtectProc=Invisible is ignored',
        `${H}ProtectProc=Invisible\n`,
        BARE_SCORE,
        { ProtectProc: 3 }
      ]
    ])
  })

  describe('quoting only where systemd unquotes', () => {
    expectRows([
      [
        'capabilities unquote: CAP_"SYS_ADMIN"',
        `${H}CapabilityBoundingSet=CAP_"SYS_ADMIN"\n`,
        7.3,
        { CapabilityBoundingSet_CAP_SYS_ADMIN: 1 }
      ],
      [
        'capabilities unquote: \'CAP_SYS_ADMIN\'""',
        `${H}CapabilityBoundingSet='CAP_SYS_ADMIN'""\n`,
        7.3,
        { CapabilityBoundingSet_CAP_SYS_ADMIN: 1 }
      ],
      [
        'a quoted part with a space is one (unknown) word',
        `${H}CapabilityBoundingSet="CAP_SYS_ADMIN CAP_KILL"\n`,
        7.1,
        { CapabilityBoundingSet_CAP_SYS_ADMIN: 0 }
      ],
      [
        'a backslash escapes: CAP_SYS\\_ADMIN',
        `${H}CapabilityBoundingSet=CAP_SYS\\_ADMIN\n`,
        7.3,
        { CapabilityBoundingSet_CAP_SYS_ADMIN: 1 }
      ],
      [
        '~ inside quotes is part of the name',
        `${H}CapabilityBoundingSet="~CAP_SYS_ADMIN"\n`,
        7.1,
        { CapabilityBoundingSet_CAP_SYS_ADMIN: 0 }
      ],
      [
        'an unbalanced quote keeps the words before it',
        `${H}CapabilityBoundingSet=CAP_KILL "CAP_SYS_ADMIN\n`,
        7.2,
        { CapabilityBoundingSet_CAP_KILL: 1, CapabilityBoundingSet_CAP_SYS_ADMIN: 0 }
      ],
      [
        'address families unquote',
        `${H}RestrictAddressFamilies="AF_UNIX"\n`,
        8.9,
        { RestrictAddressFamilies_AF_UNIX: 1, RestrictAddressFamilies_OTHER: 0 }
      ],
      [
        'architectures unquote',
        `${H}SystemCallArchitectures="native"\n`,
        9.4,
        { SystemCallArchitectures: 0 }
      ],
      [
        'SystemCallFilter keeps quotes: "@system-service" is an unknown word',
        `${H}SystemCallFilter="@system-service"\n`,
        8.0
      ],
      [
        'SystemCallFilter keeps quotes in a later word',
        `${H}SystemCallFilter=@system-service "@debug"\n`,
        8.2
      ],
      [
        'RestrictNamespaces keeps quotes: "net" is invalid',
        `${H}RestrictNamespaces="net"\n`,
        BARE_SCORE,
        { RestrictNamespaces_net: 1 }
      ],
      ['SupplementaryGroups keeps quotes', `${H}User=foo\nSupplementaryGroups="wheel"\n`, 9.2],
      [
        'SupplementaryGroups= with an open quote: quotes are no syntax there',
        `${H}User=foo\nSupplementaryGroups="wheel adm\n`,
        9.2
      ],
      [
        'IPAddressDeny keeps quotes: "any" is invalid',
        `${H}IPAddressDeny="any"\n`,
        BARE_SCORE,
        { IPAddressDeny: 10 }
      ],
      ['IPAddressDeny=any', `${H}IPAddressDeny=any\n`, 9.4, { IPAddressDeny: 0 }],
      ['Delegate="yes" is a controller list: on', `${H}Delegate="yes"\n`, BARE_SCORE]
    ])
  })

  it('reports an ignored value where systemd warns, and keeps the previous source', () => {
    // systemd: "a.service:4: Failed to parse protect home value, ignoring: yes # c"
    const service = loaded({ 'a.service': `${H}ProtectHome=read-only\nProtectHome=yes # c\n` })
    expect(service.settings.protectHome).toBe('read-only')
    expect(service.sources.get('ProtectHome')).toEqual({ file: 'a.service', line: 3 })
    expect(service.diagnostics).toContainEqual(
      expect.objectContaining({
        code: 'ignored-value',
        key: 'ProtectHome',
        file: 'a.service',
        line: 4
      })
    )
  })

  it('says which address families systemd skips after an unknown one (from 261)', () => {
    const files = { 'a.service': `${H}RestrictAddressFamilies=AF_INET AF_BOGUS AF_CAN AF_UNIX\n` }
    const at = (version: number) => {
      const result = loadService({ ...sourceOf(files, 'a.service'), version })
      if (result.status !== 'loaded') throw new Error(`not loaded: ${result.reason}`)
      return result
    }
    expect(at(259).diagnostics).toEqual([
      expect.objectContaining({
        code: 'dropped-words',
        message: "RestrictAddressFamilies=: 'AF_BOGUS' not understood; systemd drops it"
      })
    ])
    expect(at(261).diagnostics).toEqual([
      expect.objectContaining({
        code: 'dropped-words',
        message:
          "RestrictAddressFamilies=: 'AF_BOGUS' not understood; systemd drops it and stops there: 'AF_CAN', 'AF_UNIX' after it are not applied either"
      })
    ])
  })

  it('reports a system call name no systemd knows, as systemd does', () => {
    // systemd: "a.service:3: Failed to parse system call, ignoring: ptrce"
    const names =
      'ptrce chmod arc_gettls cachestat bogus_call _sysctl usr26 mseal ptrce:EPERM @mount'
    const text = `${H}SystemCallFilter=~${names}\n`
    const service = loaded({ 'a.service': text })
    expect(service.diagnostics).toEqual([
      expect.objectContaining({
        code: 'dropped-words',
        line: 3,
        message:
          "SystemCallFilter=: 'ptrce', 'bogus_call', 'ptrce:EPERM' not understood; systemd drops them"
      })
    ])
    // the names a version knows and another does not, or only libseccomp knows, are not reported:
    // every one reported is one the machine's systemd-analyze drops too
    const warnings = systemdWarnings(text)
    if (warnings === undefined) return
    const dropped = [...warnings.matchAll(/Failed to parse system call, ignoring: (\S+)/g)]
    const systemdDrops = new Set(dropped.map((m) => m[1]))
    expect(systemdDrops.has('ptrce')).toBe(true)
    expect(systemdDrops.has('bogus_call')).toBe(true)
  })

  it('says why an allow list drops a system call with an error number, as systemd does', () => {
    // systemd: "Allow-listed system calls cannot take error number, ignoring: ptrace:EPERM"
    const text = `${H}SystemCallFilter=@system-service ptrace:EPERM ptrce kill:kill\n`
    const service = loaded({ 'a.service': text })
    expect(service.diagnostics.map((d) => d.message)).toEqual([
      "SystemCallFilter=: 'ptrce' not understood; systemd drops it; 'ptrace:EPERM', 'kill:kill': " +
        'a system call the list allows cannot take an error number; systemd drops them'
    ])
    expect(
      loaded({ 'a.service': `${H}SystemCallFilter=ptrace:1\n` }).diagnostics.map((d) => d.message)
    ).toEqual([
      "SystemCallFilter=: 'ptrace:1': a system call the list allows cannot take an error number; systemd drops it"
    ])
    // no name before the error number: "Failed to parse syscall:errno" (red team, session 25)
    expect(
      loaded({ 'a.service': `${H}SystemCallFilter=read :EPERM\n` }).diagnostics.map(
        (d) => d.message
      )
    ).toEqual(["SystemCallFilter=: ':EPERM' not understood; systemd drops it"])
    // a deny list takes them; a word whose error number is not one is not understood either way
    expect(loaded({ 'a.service': `${H}SystemCallFilter=~ptrace:EPERM\n` }).diagnostics).toEqual([])
    expect(
      loaded({ 'a.service': `${H}SystemCallFilter=ptrace:EBOGUS\n` }).diagnostics.map(
        (d) => d.message
      )
    ).toEqual(["SystemCallFilter=: 'ptrace:EBOGUS' not understood; systemd drops it"])
    const warnings = systemdWarnings(text)
    if (warnings === undefined) return
    const said = [...warnings.matchAll(/cannot take error number, ignoring: (\S+)/g)]
    expect(said.map((m) => m[1])).toEqual(['ptrace:EPERM', 'kill:kill'])
  })

  it('knows @sandbox where systemd does (257 and 262, not 252)', () => {
    const files = { 'a.service': `${H}SystemCallFilter=~@sandbox @mount\n` }
    const at = (version: number) => {
      const result = loadService({ ...sourceOf(files, 'a.service'), version })
      if (result.status !== 'loaded') throw new Error(`not loaded: ${result.reason}`)
      return result.diagnostics.map((d) => d.message)
    }
    expect(at(252)).toEqual(["SystemCallFilter=: '@sandbox' not understood; systemd drops it"])
    expect(at(257)).toEqual([])
    expect(at(262)).toEqual([])
  })

  it('reports keys systemd does not know in a section, as systemd does (parity batch 22)', () => {
    // systemd 252-262: "Unknown key 'After' in section [Service], ignoring."
    const text =
      '[Unit]\nDescription=x\nBogus=1\nX-Extension=1\nWantedBy=a.target\n' +
      '[Service]\nExecStart=/usr/bin/prometheus \\\n  --config.file=/etc/p.yml\n' +
      '  --web.listen-address=:9090\nAfter=network.target\nDescription=y\nPrivateTmp=yes\n' +
      'MemoryTHP=never\n[Install]\nWantedBy=multi-user.target\nAlias=b.service\nFoo=bar\n'
    const expected = [
      "3 Unknown key 'Bogus' in [Unit]: systemd ignores the line",
      '5 WantedBy= belongs in [Install]; under [Unit] systemd ignores it',
      "9 Unknown key '--web.listen-address' in [Service]: systemd ignores the line (a command-line " +
        'option on a line of its own: does the line before it lack its continuation backslash?)',
      '10 After= belongs in [Unit]; under [Service] systemd ignores it',
      '11 Description= belongs in [Unit]; under [Service] systemd ignores it',
      "17 Unknown key 'Foo' in [Install]: systemd ignores the line"
    ]
    const at = (version: number): string[] => {
      const result = loadService({ ...sourceOf({ 'a.service': text }, 'a.service'), version })
      if (result.status !== 'loaded') throw new Error(result.reason)
      return result.diagnostics
        .filter((d) => d.code !== 'ignored-value')
        .map((d) => `${d.line} ${d.message}`)
    }
    // systemd 252: "Unknown key 'MemoryTHP'"; the gate says it is a key of a newer systemd
    expect(at(252)).toEqual(
      expected
        .slice(0, 5)
        .concat(['13 MemoryTHP= is ignored by systemd 252 (systemd 262 reads it)', expected[5]!])
    )
    // MemoryTHP= is known at 262 and not at 257: between them, not reported
    expect(at(258)).toEqual(expected)
    expect(at(262)).toEqual(expected)
    // what systemd itself says, where it is installed (same lines but the continued one, which
    // systemd numbers by its last line)
    const warnings = systemdWarnings(text)
    if (warnings === undefined) return
    const said = [
      ...warnings.matchAll(/a\.service:(\d+): Unknown key '([^']+)' in section \[(\w+)\]/g)
    ]
    expect(said.map((m) => `${m[1]} ${m[2]} ${m[3]}`)).toEqual([
      '3 Bogus Unit',
      '5 WantedBy Unit',
      '9 --web.listen-address Service',
      '10 After Service',
      '11 Description Service',
      '13 MemoryTHP Service',
      '17 Foo Install'
    ])
  })

  it('says which key an unknown one likely misspells, and where a key of another unit type goes', () => {
    const text =
      '[Unit]\nafter=network.target\nWantedby=x.target\n' +
      '[Service]\nExecStart=/bin/true\nProtectSytem=strict\nNoNewPrivilege=yes\n' +
      'RestrictAdressFamilies=AF_UNIX\nRestrt=always\nIAccounting=yes\nUsr=a\n' +
      'OnCalendar=daily\nListenStream=80\nWhere=/mnt\n[Install]\nWantedBi=multi-user.target\n'
    const result = loadService({
      ...sourceOf({ 'a.service': text }, 'a.service'),
      version: 252,
      hardeningKeys: CHECK_DIRECTIVES
    })
    if (result.status !== 'loaded') throw new Error(result.reason)
    const unknown = "Unknown key '"
    expect(result.diagnostics.map((d) => `${d.line} ${d.severity} ${d.message}`)).toEqual([
      `2 warning ${unknown}after' in [Unit]: systemd ignores the line; did you mean After=?`,
      `3 warning ${unknown}Wantedby' in [Unit]: systemd ignores the line; did you mean WantedBy= in [Install]?`,
      // a misspelt directive the checks read looks like hardening and does nothing: an error
      `6 error ${unknown}ProtectSytem' in [Service]: systemd ignores the line; did you mean ProtectSystem=?`,
      `7 error ${unknown}NoNewPrivilege' in [Service]: systemd ignores the line; did you mean NoNewPrivileges=?`,
      `8 error ${unknown}RestrictAdressFamilies' in [Service]: systemd ignores the line; did you mean RestrictAddressFamilies=?`,
      // a slip of a key the checks do not read is a warning
      `9 warning ${unknown}Restrt' in [Service]: systemd ignores the line; did you mean Restart=?`,
      // as close to IPAccounting= as to IOAccounting=; a three-letter key is too short to guess at
      `10 warning ${unknown}IAccounting' in [Service]: systemd ignores the line`,
      `11 warning ${unknown}Usr' in [Service]: systemd ignores the line`,
      `12 warning ${unknown}OnCalendar' in [Service]: systemd ignores the line (OnCalendar= is a key of [Timer], in .timer units: a service does not take it)`,
      `13 warning ${unknown}ListenStream' in [Service]: systemd ignores the line (ListenStream= is a key of [Socket], in .socket units: a service does not take it)`,
      `14 warning ${unknown}Where' in [Service]: systemd ignores the line (Where= is a key of [Automount], [Mount], in .automount, .mount units: a service does not take it)`,
      `16 warning ${unknown}WantedBi' in [Install]: systemd ignores the line; did you mean WantedBy=?`
    ])
    // none of the lines applies: the score is the bare service's
    expect(scoreService(result, 252, DEFAULT_POLICY).exposure).toBe(
      scoreService(loaded({ 'a.service': '[Service]\nExecStart=/bin/true\n' }), 252, DEFAULT_POLICY)
        .exposure
    )
    // guesses are made for a unit's first 100 problems only (a file of thousands is no typo)
    const many = `${H}${Array.from({ length: 300 }, () => 'ProtectSytem=x\n').join('')}`
    const listed = loaded({ 'a.service': many }).diagnostics
    expect(listed).toHaveLength(300)
    expect(listed.filter((d) => d.message.includes('did you mean')).length).toBe(100)
    // what systemd says of the same lines, where it is installed: the same keys, unknown
    const warnings = systemdWarnings(text)
    if (warnings === undefined) return
    expect(
      [...warnings.matchAll(/a\.service:(\d+): Unknown key '([^']+)'/g)].map(
        (m) => `${m[1]} ${m[2]}`
      )
    ).toEqual(result.diagnostics.map((d) => `${d.line} ${d.key}`))
  })

  it('echoes what systemd warns of lines it reads (parity batch 24)', () => {
    const text =
      '[Service]\nExecStart=/usr/bin/true\nUser=nobody\nDelegate=cpu bogus\n' +
      'Environment="__X__" A=1 1B=2 C%i=3\nStandardOutput=syslog\nStandardError=syslog+console\n' +
      'ReadWritePaths=${STATE_DIR} -$LOGDIR /var/lib/x -+/ok\nReadOnlyPaths=relative /a/../b %Z/x\n' +
      `InaccessiblePaths=/ok /a/ /c// /${'x'.repeat(300)}\nEnvironment=GOOD=1\nDelegate=yes\nUser=app\n` +
      'Environment=OK=1 A\\=B C=2\nEnvironment=%%A=1 A-B=1 _A=1\n' +
      'Environment="D=\\xef\\xbf\\xbe" "E=\\xc3" F=\\u00e9 G=\\xc3\\xa9 "H=\\x01"\n'
    const result = loadService({ ...sourceOf({ 'a.service': text }, 'a.service'), version: 252 })
    if (result.status !== 'loaded') throw new Error(result.reason)
    const warned = result.diagnostics.filter((d) => d.code === 'systemd-warning')
    expect(warned.map((d) => `${d.line} ${d.key}`)).toEqual([
      '3 User',
      '4 Delegate',
      '5 Environment',
      '6 StandardOutput',
      '7 StandardError',
      '8 ReadWritePaths',
      '9 ReadOnlyPaths',
      '10 InaccessiblePaths',
      '14 Environment',
      '15 Environment',
      '16 Environment'
    ])
    expect(warned.map((d) => d.message)).toEqual([
      expect.stringMatching(/^User=nobody: systemd warns that this is not safe/),
      "Delegate=: 'bogus' is not a control group controller systemd 252 knows; it leaves it out",
      "Environment=: '__X__', '1B=2' are not NAME=VALUE assignments; systemd leaves them out",
      'StandardOutput=syslog is obsolete: systemd reads it as journal (the journal forwards to syslog where one runs)',
      expect.stringMatching(/^StandardError=syslog\+console is obsolete: .* as journal\+console/),
      "ReadWritePaths=: '${STATE_DIR}', '$LOGDIR' are not absolute paths (unit files expand no $VARIABLES); systemd leaves them out",
      "ReadOnlyPaths=: 'relative' is not an absolute path; '/a/../b' is not normalized (a '..', or a name over 255 bytes); '%Z/x' has specifiers systemd cannot resolve; systemd leaves them out",
      `InaccessiblePaths=: '/${'x'.repeat(300)}' is not normalized (a '..', or a name over 255 bytes); systemd leaves it out`,
      `Environment=: systemd cannot split 'A\\=B C=2' (bad escape) and ignores it ("Invalid syntax")`,
      "Environment=: '%%A=1', 'A-B=1' are not NAME=VALUE assignments; systemd leaves them out",
      // a byte sequence no UTF-8 and a noncharacter (U+FFFE): control characters are fine
      "Environment=: the values of 'D', 'E' are not valid UTF-8 once unescaped; systemd leaves them out"
    ])
    const warnings = systemdWarnings(text)
    if (warnings === undefined) return
    // systemd 252 warns on the same lines, one line of its log per word
    const lines = [
      ...warnings.matchAll(
        /a\.service:(\d+): (Special user|Invalid controller|Invalid environment|Invalid syntax|Standard output type|\w+= path (?:is not|has invalid length)|Failed to resolve unit specifiers)/g
      )
    ].map((m) => Number(m[1]))
    expect([...new Set(lines)]).toEqual(warned.map((d) => d.line))
  })

  it('lists an error past the cap of 1,000 problems that warnings filled (red team, session 26)', () => {
    const text = `${H}${'Environment=bad\n'.repeat(1_200)}ProtectSystem=bogus\nProtectHome=bogus\n`
    const result = loadService({ ...sourceOf({ 'a.service': text }, 'a.service'), version: 252 })
    if (result.status !== 'loaded') throw new Error(result.reason)
    const listed = result.diagnostics
    expect(listed).toHaveLength(1_003)
    expect(listed[1_000]!.message).toMatch(/from here only errors are listed, up to 100 in all/)
    expect(listed.slice(1_001).map((d) => `${d.line} ${d.key} ${d.severity}`)).toEqual([
      '1203 ProtectSystem error',
      '1204 ProtectHome error'
    ])
  })

  it('says a PIDFile= below /var/run is read below /run, from 257 as systemd (parity batch 25)', () => {
    // 257 and 262: "PIDFile= references a path below legacy directory /var/run/, updating
    // /var/run/foo.pid -> /run/foo.pid"; 252 and 254 say nothing
    const text = `${H}PIDFile=/var/run/foo.pid\nPIDFile=/run/x.pid\nPIDFile=/var/runx/a.pid\n`
    const at = (version: number): string[] => {
      const result = loadService({ ...sourceOf({ 'a.service': text }, 'a.service'), version })
      if (result.status !== 'loaded') throw new Error(result.reason)
      return result.diagnostics.map((d) => `${d.line} ${d.code} ${d.message}`)
    }
    expect(at(252)).toEqual([])
    expect(at(257)).toEqual([
      '3 systemd-warning PIDFile=/var/run/foo.pid: /var/run is a legacy name of /run; systemd 257 reads it as /run/foo.pid and warns that the unit file should say so'
    ])
  })

  it('says which Exec*= words keep an unknown escape, as systemd (parity batch 26)', () => {
    // extract_first_word_and_warn(): "Ignoring unknown escape sequences: "a\-b""
    const text = `${H.replace('ExecStart=/bin/true\n', '')}ExecStart=/bin/echo a\\-b "c\\qd" e\\n\nExecStop=/usr/bin/find /tmp -exec echo {} \\; ok\\x41\nExecReload=/bin/kill -HUP \\$MAINPID\n`
    const result = loadService({ ...sourceOf({ 'a.service': text }, 'a.service'), version: 252 })
    if (result.status !== 'loaded') throw new Error(result.reason)
    const warned = result.diagnostics.filter((d) => d.code === 'systemd-warning')
    expect(warned.map((d) => `${d.line} ${d.message}`)).toEqual([
      '2 Ignoring unknown escape sequences: "a\\-b", "c\\qd" (systemd keeps the backslash)',
      '4 Ignoring unknown escape sequences: "\\$MAINPID" (systemd keeps the backslash)'
    ])
    const warnings = systemdWarnings(text)
    if (warnings === undefined) return
    const lines = [...warnings.matchAll(/a\.service:(\d+): Ignoring unknown escape sequences/g)]
    expect([...new Set(lines.map((m) => Number(m[1])))]).toEqual([2, 4])
  })

  it.each([
    // value, warned at 252, warned at 262 (both checked with their systemd-analyze)
    ['BindPaths=/a:', true, true],
    ['BindPaths=/a::rbind', true, true],
    ['BindPaths=/a:/b:bad', true, true],
    ['BindPaths=x:/y', true, true],
    ['BindPaths=/a/../b', true, true],
    ['BindPaths=-/a:/b:norbind /c', false, false],
    ['BindPaths="/a b:/c"', false, false],
    ['BindReadOnlyPaths=/a:relative', true, true],
    ['BindReadOnlyPaths=-/run/systemd/notify:@CHROOT@/run/systemd/notify', true, true],
    ['BindPaths=%J/x', true, true],
    ['BindPaths=/a\\y:/b', false, true],
    ['TemporaryFileSystem=/a/../b', true, true],
    ['TemporaryFileSystem=@CHROOT@/dev:ro', true, true],
    ['TemporaryFileSystem=/ok:mode=0755 %J/x', true, true],
    ['TemporaryFileSystem=-/a', true, true],
    ['TemporaryFileSystem=/run/x:ro,mode=0700 /tmp', false, false]
  ])('says when systemd skips a bind or a tmpfs: %s (parity batch 27)', (line, at252, at262) => {
    const text = `${H}${line}\n`
    const warned = (version: number): boolean => {
      const result = loadService({ ...sourceOf({ 'a.service': text }, 'a.service'), version })
      if (result.status !== 'loaded') throw new Error(result.reason)
      return result.diagnostics.some((d) => d.code === 'systemd-warning' && d.line === 3)
    }
    expect([warned(252), warned(262)]).toEqual([at252, at262])
    const warnings = systemdWarnings(text)
    if (warnings !== undefined) expect(/a\.service:3: /.test(warnings)).toBe(at252)
  })

  it.each([
    // value, warned (the same at 252 and 262, EnvironmentFile= and KillMode= also 254 and 257:
    // checked with their systemd-analyze)
    ['EnvironmentFile=rel', true],
    ['EnvironmentFile=-rel', true],
    ['EnvironmentFile=/a/../b', true],
    ['EnvironmentFile=-/ok', false],
    ['EnvironmentFile=/a b', false],
    ['EnvironmentFile=%J/x', true],
    ['EnvironmentFile=/etc/%p.env', false],
    ['EnvironmentFile=--/x', true],
    ['EnvironmentFile=/a//b/./c', false],
    ['EnvironmentFile="/etc/default/x"', true],
    ['EnvironmentFile=', false],
    ['EnvironmentFile=@initconfdir@/zfs', true],
    ['KillMode=none', true],
    ['KillMode=mixed', false],
    // (systemd also refuses LimitNICE=-1:5 and LimitNICE=-5:infinity: not modelled, silent)
    ['LimitNOFILE=-1', true],
    ['LimitRTTIME=-1', true],
    ['LimitCPU=-1', true],
    ['LimitSTACK=-8M', true],
    ['LimitNOFILE=1024:-1', true],
    ['LimitNOFILE= -1', true],
    ['LimitCORE=unlimited', true],
    ['LimitNOFILE=Infinity', true],
    ['LimitNICE=unlimited', true],
    ['LimitNPROC=abc', true],
    ['LimitNOFILE=', true],
    ['LimitNOFILE=1024:', true],
    ['LimitNOFILE=:1024', true],
    ['LimitNICE=', true],
    ['LimitNICE=-5', false],
    ['LimitMEMLOCK=infinity', false],
    ['LimitCORE=0', false],
    ['LimitNOFILE=65536:524288', false],
    ['LimitCPU=5min', false],
    ['LimitRTTIME=infinity:infinity', false],
    ['LimitAS=1G', false]
  ])('warns as systemd of %s (parity batch 27)', (line, expected) => {
    const text = `${H}${line}\n`
    for (const version of [252, 262]) {
      const result = loadService({ ...sourceOf({ 'a.service': text }, 'a.service'), version })
      if (result.status !== 'loaded') throw new Error(result.reason)
      const warned = result.diagnostics.some((d) => d.code === 'systemd-warning' && d.line === 3)
      expect([version, warned]).toEqual([version, expected])
    }
    const warnings = systemdWarnings(text)
    if (warnings !== undefined) expect(/a\.service:3: /.test(warnings)).toBe(expected)
  })

  it("notes the '!!' prefix from 258, which ignores it (batch 26's 262 log; 257 has no notice)", () => {
    const text = `${H.replace('ExecStart=/bin/true\n', '')}ExecStart=!!/bin/true\nExecStartPre=-!!/bin/true\nExecStartPost=!/bin/true ; !!-/bin/true x\\-y\nExecReload=!/bin/kill -HUP $MAINPID\n`
    const notices = (version: number): string[] => {
      const result = loadService({ ...sourceOf({ 'a.service': text }, 'a.service'), version })
      if (result.status !== 'loaded') throw new Error(result.reason)
      return result.diagnostics
        .filter((d) => d.code === 'systemd-warning')
        .map((d) => `${d.line} ${d.message}`)
    }
    const note = (version: number): string =>
      `The '!!' prefix is no longer supported: systemd ${version} ignores it, the command runs with the unit's credentials (remove the prefix)`
    expect(notices(262)).toEqual([
      `2 ${note(262)}`,
      `3 ${note(262)}`,
      `4 ${note(262)}; Ignoring unknown escape sequences: "x\\-y" (systemd keeps the backslash)`
    ])
    expect(notices(258)).toHaveLength(3)
    expect(notices(257)).toEqual([
      '4 Ignoring unknown escape sequences: "x\\-y" (systemd keeps the backslash)'
    ])
    // the machine's systemd-analyze (252) has no notice; ORACLE_SYSTEMD_ANALYZE may be 258 or newer
    const warnings = systemdWarnings(text)
    if (warnings !== undefined) expect(warnings).not.toMatch(/!! modifier/)
    const oracle = process.env.ORACLE_SYSTEMD_ANALYZE
    if (!oracle) return
    const version = Number(
      /systemd (\d+)/.exec(spawnSync(oracle, ['--version'], { encoding: 'utf8' }).stdout)?.[1]
    )
    if (!(version >= 258)) return
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gate-bang-'))
    try {
      fs.writeFileSync(path.join(dir, 'a.service'), text)
      const log = spawnSync(
        oracle,
        ['security', '--offline=true', '--no-pager', path.join(dir, 'a.service')],
        {
          encoding: 'utf8'
        }
      ).stderr
      const lines = [...log.matchAll(/a\.service:(\d+): The !! modifier/g)].map((m) => Number(m[1]))
      expect([...new Set(lines)]).toEqual([2, 3, 4])
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it('reports a key a measured version no longer reads, as removed (red team, session 25)', () => {
    // systemd 262: "Support for option MemoryLimit= has been removed and it is ignored"
    const text = `${H}MemoryLimit=1G\nCPUShares=10\n`
    const at = (version: number): string[] => {
      const result = loadService({ ...sourceOf({ 'a.service': text }, 'a.service'), version })
      if (result.status !== 'loaded') throw new Error(result.reason)
      return result.diagnostics.map((d) => `${d.code} ${d.line} ${d.message}`)
    }
    expect(at(262)).toEqual([
      'ignored-by-version 3 MemoryLimit= is no longer supported by systemd 262 (257 read it): it ignores the line',
      'ignored-by-version 4 CPUShares= is no longer supported by systemd 262 (257 read it): it ignores the line'
    ])
    // read at 257; between 257 and 262 when it went is not known: nothing said
    expect(at(257)).toEqual([])
    expect(at(260)).toEqual([])
    // keys removed long ago, which the dumps omit: "Support for option Capabilities= has been
    // removed" at 252, 257 and 262 (was worded "Unknown key": red team 3)
    const legacy = `[Unit]\nIgnoreOnSnapshot=yes\n${H}Capabilities=x\nSysVStartPriority=1\n`
    const result = loadService({ ...sourceOf({ 'a.service': legacy }, 'a.service'), version: 252 })
    if (result.status !== 'loaded') throw new Error(result.reason)
    expect(result.diagnostics.map((d) => `${d.code} ${d.line} ${d.key}`)).toEqual([
      'ignored-by-version 2 IgnoreOnSnapshot',
      'ignored-by-version 5 Capabilities',
      'ignored-by-version 6 SysVStartPriority'
    ])
    const warnings = systemdWarnings(legacy)
    if (warnings === undefined) return
    expect(
      [...warnings.matchAll(/:(\d+): Support for option (\w+)= has been removed/g)].map(
        (m) => `${m[1]} ${m[2]}`
      )
    ).toEqual(['2 IgnoreOnSnapshot', '5 Capabilities', '6 SysVStartPriority'])
  })

  it('reports a key in the wrong case as unknown-key', () => {
    // systemd: "a.service:3: Unknown key 'nonewprivileges' in section [Service], ignoring."
    const service = loaded({ 'a.service': `${H}nonewprivileges=yes\n` })
    expect(service.settings.noNewPrivileges).toBe(false)
    expect(service.diagnostics).toEqual([
      expect.objectContaining({ code: 'unknown-key', key: 'nonewprivileges', line: 3 })
    ])
    // an error for a key the checks read, a warning for others
    const result = loadService({
      ...sourceOf({ 'a.service': `${H}nonewprivileges=yes\nrestart=always\n` }, 'a.service'),
      version: 252,
      hardeningKeys: CHECK_DIRECTIVES
    })
    expect(result.diagnostics.map((d) => `${d.key} ${d.severity}`)).toEqual([
      'nonewprivileges error',
      'restart warning'
    ])
  })

  it('reports a hardening key under [Unit] as wrong-section and ignores it', () => {
    // systemd: "a.service:2: Unknown key 'NoNewPrivileges' in section [Unit], ignoring."
    const service = loaded({ 'a.service': `[Unit]\nNoNewPrivileges=yes\n${H}` })
    expect(service.settings.noNewPrivileges).toBe(false)
    expect(service.sources.get('NoNewPrivileges')).toBeUndefined()
    expect(service.diagnostics).toEqual([
      expect.objectContaining({ code: 'wrong-section', key: 'NoNewPrivileges', line: 2 })
    ])
  })

  it('ignores X- keys without a diagnostic, and says when it ignores an unknown key', () => {
    expect(loaded({ 'a.service': `${H}X-Bar=1\n` }).diagnostics).toEqual([])
    expect(loaded({ 'a.service': `${H}Foo=bar\nX-Bar=1\n` }).diagnostics).toEqual([
      expect.objectContaining({ code: 'unknown-key', key: 'Foo', line: 3, severity: 'warning' })
    ])
  })
})

describe('where each setting comes from', () => {
  const files: Files = {
    'a.service':
      '[Unit]\nDescription=x\n\n[Service]\nExecStart=/bin/true\nNoNewPrivileges=yes\nCapabilityBoundingSet=CAP_KILL \\\n  CAP_NET_RAW\nProtectSystem=full\n',
    'a.service.d/10-a.conf': '# override\n[Service]\nProtectSystem=strict\n',
    'a.service.d/20-b.conf': '[Service]\nPrivateTmp=yes\nPrivateTmp=bogus\n'
  }

  it('keeps file and line of the last effective assignment of every directive', () => {
    const service = loaded(files)
    expect(Object.fromEntries(service.sources)).toEqual({
      ExecStart: { file: 'a.service', line: 5 },
      NoNewPrivileges: { file: 'a.service', line: 6 },
      // a continued assignment is reported at its first line
      CapabilityBoundingSet: { file: 'a.service', line: 7 },
      ProtectSystem: { file: 'a.service.d/10-a.conf', line: 3 },
      PrivateTmp: { file: 'a.service.d/20-b.conf', line: 2 }
    })
    expect(service.serviceHeader).toEqual({ file: 'a.service', line: 4 })
  })

  it('points each check at its directive, and a missing one at the [Service] header', () => {
    const report = expectOutcome(files, 6.7, {
      rows: { NoNewPrivileges: 0, ProtectSystem: 0, PrivateTmp: 0, ProtectHome: 10 }
    })
    const at = (id: string) => {
      const check = report.checks.find((c) => c.id === id)
      return check && [check.file, check.line]
    }
    expect(at('NoNewPrivileges')).toEqual(['a.service', 6])
    expect(at('CapabilityBoundingSet_CAP_SYS_ADMIN')).toEqual(['a.service', 7])
    expect(at('ProtectSystem')).toEqual(['a.service.d/10-a.conf', 3])
    expect(at('PrivateTmp')).toEqual(['a.service.d/20-b.conf', 2])
    expect(at('ProtectHome')).toEqual(['a.service', 4])
    expect(report.serviceHeader).toEqual({ file: 'a.service', line: 4 })
    expect(report.dropIns).toEqual(['a.service.d/10-a.conf', 'a.service.d/20-b.conf'])
  })

  it('counts lines the way systemd does with CR and NUL line breaks', () => {
    const service = loaded({
      'a.service': '[Service]\rExecStart=/bin/true\r\rPrivateTmp=yes\0NoNewPrivileges=yes\n'
    })
    expect(service.sources.get('PrivateTmp')).toEqual({ file: 'a.service', line: 4 })
    expect(service.sources.get('NoNewPrivileges')).toEqual({ file: 'a.service', line: 5 })
  })

  it('points at the line of a fatal setting, and at the [Service] header for a refused service', () => {
    // systemd: "a.service:3: Invalid user/group name or numeric ID: 00"
    expect(load({ 'a.service': `${H}User=00\n` })).toMatchObject({
      status: 'invalid',
      at: { file: 'a.service', line: 3 }
    })
    expect(
      load({ 'a.service': '[Unit]\nDescription=x\n\n[Service]\nExecStart=/bin/true\nType=dbus\n' })
    ).toMatchObject({
      status: 'invalid',
      reason: expect.stringMatching(/BusName/),
      at: { file: 'a.service', line: 4 }
    })
  })
})

describe('recording the directives for the fix engine', () => {
  const files = {
    'a.service': `${H}User=app\nSystemCallFilter=@system-service\nSystemCallErrorNumber=EPERM\n`,
    'a.service.d/10.conf': '[Service]\nPrivateTmp=yes\nReadWritePaths=/var/lib/a\n'
  }
  const loadWith = (record: boolean | undefined): LoadedService => {
    const result = loadService({ ...sourceOf(files, 'a.service'), version: VERSION, record })
    if (result.status !== 'loaded') throw new Error(`not loaded: ${result.reason}`)
    return result
  }

  it('keeps every recorded directive by default, and none when told not to, with the same score', () => {
    const kept = loadWith(undefined)
    expect(kept.settings.recorded).toEqual({
      SystemCallErrorNumber: ['EPERM'],
      ReadWritePaths: ['/var/lib/a']
    })
    const skipped = loadWith(false)
    expect(skipped.settings.recorded).toEqual({})
    // nor the settings before the implied ones (the fix engine reads them again when it needs them)
    expect(kept.raw).toMatchObject({ user: 'app', privateTmp: true })
    expect(skipped.raw).toBeUndefined()
    const score = (service: LoadedService) => scoreService(service, VERSION, DEFAULT_POLICY)
    expect(score(skipped)).toEqual(score(kept))
    expect(skipped.sources).toEqual(kept.sources)
  })
})

describe('drop-ins', () => {
  it('searches the directories systemd searches, most specific first', () => {
    expect(dropInDirectoryNames(unitNameOf('foo.service'))).toEqual(['foo.service.d', 'service.d'])
    expect(dropInDirectoryNames(unitNameOf('foo-bar-baz.service'))).toEqual([
      'foo-bar-baz.service.d',
      'foo-bar-.service.d',
      'foo-.service.d',
      'service.d'
    ])
    expect(dropInDirectoryNames(unitNameOf('foo-bar@i.service'))).toEqual([
      'foo-bar@i.service.d',
      'foo-bar@.service.d',
      'foo-.service.d',
      'foo-@i.service.d',
      'foo-@.service.d',
      'service.d'
    ])
    expect(dropInDirectoryNames(unitNameOf('foo-bar-.service'))).toEqual([
      'foo-bar-.service.d',
      'foo-.service.d',
      'service.d'
    ])
    expect(dropInDirectoryNames(unitNameOf('-foo.service'))).toEqual([
      '-foo.service.d',
      'service.d'
    ])
  })

  it('finds the dash-prefix names of a name with a hundred dashes at once (each prefix once, not 2^dashes steps)', () => {
    // a bound far above its time (~1 s here): the code before took minutes or never ended
    const started = performance.now()
    const name = `${'a-'.repeat(100)}a`
    const dirs = dropInDirectoryNames(unitNameOf(`${name}@i.service`))
    // own, template, the template's 100 dash prefixes, then each instance prefix and its template
    expect(dirs.slice(0, 3)).toEqual([
      `${name}@i.service.d`,
      `${name}@.service.d`,
      `${'a-'.repeat(100)}.service.d`
    ])
    expect(dirs.slice(-3)).toEqual(['a-@i.service.d', 'a-@.service.d', 'service.d'])
    expect(new Set(dirs).size).toBe(dirs.length)
    expect(dirs).toHaveLength(1 + 1 + 100 + 2 * 100 + 1)
    expect(performance.now() - started).toBeLessThan(15_000)
  })

  it("every drop-in directory but the type-wide, own and template ones is a dash-prefix name of the unit name's lead (what the scan looks for)", () => {
    expect(dropInLead('foo-bar@i.service')).toBe('foo-')
    expect(dropInLead('foo@i.service')).toBe('foo@')
    expect(dropInLead('foo.service')).toBe('foo.')
    expect(dropInLead('-foo.service')).toBe('-')
    const part = fc.stringMatching(/^[a-z.:_\\-]{1,6}$/)
    const unitName = fc
      .tuple(fc.array(part, { minLength: 1, maxLength: 4 }), fc.option(part, { nil: undefined }))
      .map(([prefix, instance]) =>
        instance === undefined
          ? `${prefix.join('-')}.service`
          : `${prefix.join('-')}@${instance}.service`
      )
    let checked = 0
    fc.assert(
      fc.property(unitName, (name) => {
        const unit = parseUnitName(name)
        fc.pre(unit !== undefined)
        checked++
        const directories = dropInDirectoryNames(unit!)
        expect(directories.at(-1)).toBe('service.d')
        const own = [`${unit!.name}.d`, `${unit!.prefix}@.service.d`]
        for (const directory of directories.slice(0, -1)) {
          expect(dropInLead(directory)).toBe(dropInLead(unit!.name))
          // the scan looks up the own and template names; any other must look like a dash prefix
          if (!own.includes(directory)) expect(isDashPrefixName(directory)).toBe(true)
        }
      }),
      { numRuns: 2000 }
    )
    expect(checked).toBeGreaterThan(1000)
  })

  it('orders by file name alone; the most specific copy of a name wins; only *.conf, no dot files', () => {
    const c = (directoryRank: number, fileName: string) => ({
      directoryRank,
      fileName,
      path: `${directoryRank}/${fileName}`
    })
    expect(
      orderDropIns([
        c(1, 'z.conf'),
        c(0, '9-b.conf'),
        c(0, '10-a.conf'),
        c(1, '10-a.conf'),
        c(0, 'a.txt'),
        c(0, '.x.conf'),
        c(0, 'x.conf.bak'),
        c(2, 'a.conf')
      ]).map((d) => d.path)
    ).toEqual(['0/10-a.conf', '0/9-b.conf', '2/a.conf', '1/z.conf'])
  })

  const rows: Array<[string, string, Files, Outcome, Rows?]> = [
    [
      'NAME.service.d/*.conf is applied',
      'foo.service',
      { 'foo.service': H, 'foo.service.d/a.conf': S('NoNewPrivileges=yes') },
      9.4
    ],
    [
      'a later drop-in overrides the unit file',
      'foo.service',
      {
        'foo.service': H + 'ProtectSystem=strict\n',
        'foo.service.d/a.conf': S('ProtectSystem=full')
      },
      9.5,
      { ProtectSystem: 3 }
    ],
    [
      'a drop-in can reset CapabilityBoundingSet=',
      'foo.service',
      {
        'foo.service': H + 'CapabilityBoundingSet=CAP_SYS_ADMIN\n',
        'foo.service.d/a.conf': S('CapabilityBoundingSet=')
      },
      7.1
    ],
    [
      'a drop-in can reset and replace ExecStart=',
      'foo.service',
      { 'foo.service': H, 'foo.service.d/a.conf': S('ExecStart=\nExecStart=/bin/false') },
      BARE_SCORE
    ],
    [
      'a drop-in adding a second ExecStart= gets the unit refused',
      'foo.service',
      { 'foo.service': H, 'foo.service.d/a.conf': S('ExecStart=/bin/false') },
      'invalid'
    ],
    [
      'a drop-in can supply the only ExecStart=',
      'foo.service',
      { 'foo.service': S('NoNewPrivileges=yes'), 'foo.service.d/a.conf': S('ExecStart=/bin/true') },
      9.4
    ],
    [
      'the template drop-in applies to an instance',
      'foo@bar.service',
      { 'foo@.service': H, 'foo@.service.d/a.conf': S('NoNewPrivileges=yes') },
      9.4
    ],
    [
      'the instance drop-in applies',
      'foo@bar.service',
      { 'foo@.service': H, 'foo@bar.service.d/a.conf': S('NoNewPrivileges=yes') },
      9.4
    ],
    [
      'a bare template is analysed as instance i',
      'foo@.service',
      { 'foo@.service': H, 'foo@i.service.d/a.conf': S('NoNewPrivileges=yes') },
      9.4
    ],
    [
      '... so foo@inst.service.d does not apply to it',
      'foo@.service',
      { 'foo@.service': H, 'foo@inst.service.d/a.conf': S('NoNewPrivileges=yes') },
      BARE_SCORE
    ],
    [
      'the instance copy of a name hides the template copy',
      'foo@bar.service',
      {
        'foo@.service': H,
        'foo@bar.service.d/a.conf': S('ProtectSystem=strict'),
        'foo@.service.d/a.conf': S('NoNewPrivileges=yes')
      },
      9.4,
      { ProtectSystem: 0, NoNewPrivileges: 1 }
    ],
    [
      'prefix drop-in foo-.service.d for foo-bar.service',
      'foo-bar.service',
      { 'foo-bar.service': H, 'foo-.service.d/a.conf': S('NoNewPrivileges=yes') },
      9.4
    ],
    [
      'every dash prefix applies',
      'foo-bar-baz.service',
      {
        'foo-bar-baz.service': H,
        'foo-bar-.service.d/a.conf': S('NoNewPrivileges=yes'),
        'foo-.service.d/b.conf': S('PrivateTmp=yes')
      },
      9.2
    ],
    [
      'no prefix drop-in without a dash',
      'foo.service',
      { 'foo.service': H, 'foo-.service.d/a.conf': S('NoNewPrivileges=yes') },
      BARE_SCORE
    ],
    [
      'the dash chain of an instance',
      'foo-bar@i.service',
      {
        'foo-bar@.service': H,
        'foo-@i.service.d/a.conf': S('NoNewPrivileges=yes'),
        'foo-@.service.d/b.conf': S('PrivateTmp=yes'),
        'foo-.service.d/c.conf': S('ProtectHome=yes')
      },
      9.0
    ],
    [
      'a trailing dash is chopped once',
      'foo-bar-.service',
      {
        'foo-bar-.service': H,
        'foo-.service.d/a.conf': S('NoNewPrivileges=yes'),
        'foo-bar-.service.d/b.conf': S('PrivateTmp=yes')
      },
      9.2
    ],
    [
      'type-wide service.d/ applies',
      'foo.service',
      { 'foo.service': H, 'service.d/a.conf': S('NoNewPrivileges=yes') },
      9.4
    ],
    [
      '10-a.conf is applied before 9-b.conf',
      'foo.service',
      {
        'foo.service': H,
        'foo.service.d/10-a.conf': S('ProtectSystem=strict'),
        'foo.service.d/9-b.conf': S('ProtectSystem=full')
      },
      9.5,
      { ProtectSystem: 3 }
    ],
    [
      '... and the other way round',
      'foo.service',
      {
        'foo.service': H,
        'foo.service.d/10-a.conf': S('ProtectSystem=full'),
        'foo.service.d/9-b.conf': S('ProtectSystem=strict')
      },
      9.4,
      { ProtectSystem: 0 }
    ],
    [
      'service.d/z.conf comes after foo.service.d/a.conf',
      'foo.service',
      {
        'foo.service': H,
        'foo.service.d/a.conf': S('ProtectSystem=strict'),
        'service.d/z.conf': S('ProtectSystem=full')
      },
      9.5,
      { ProtectSystem: 3 }
    ],
    [
      'service.d/a.conf comes before foo.service.d/z.conf',
      'foo.service',
      {
        'foo.service': H,
        'foo.service.d/z.conf': S('ProtectSystem=strict'),
        'service.d/a.conf': S('ProtectSystem=full')
      },
      9.4,
      { ProtectSystem: 0 }
    ],
    [
      'same file name: the more specific directory wins',
      'foo.service',
      {
        'foo.service': H,
        'foo.service.d/a.conf': S('ProtectSystem=strict'),
        'service.d/a.conf': S('NoNewPrivileges=yes')
      },
      9.4,
      { ProtectSystem: 0, NoNewPrivileges: 1 }
    ],
    [
      'non-.conf files are ignored',
      'foo.service',
      {
        'foo.service': H,
        'foo.service.d/a.txt': S('NoNewPrivileges=yes'),
        'foo.service.d/a.conf.bak': S('PrivateTmp=yes'),
        'foo.service.d/a.ignore': S('ProtectHome=yes')
      },
      BARE_SCORE
    ],
    [
      'dot files are ignored',
      'foo.service',
      { 'foo.service': H, 'foo.service.d/.a.conf': S('NoNewPrivileges=yes') },
      BARE_SCORE
    ],
    [
      'a drop-in without a [Service] header applies nothing',
      'foo.service',
      { 'foo.service': H, 'foo.service.d/a.conf': 'NoNewPrivileges=yes\n' },
      BARE_SCORE
    ],
    [
      'no section carries over from one drop-in to the next',
      'foo.service',
      {
        'foo.service': H,
        'foo.service.d/a.conf': S('NoNewPrivileges=yes'),
        'foo.service.d/b.conf': 'PrivateTmp=yes\n'
      },
      9.4,
      { NoNewPrivileges: 0, PrivateTmp: 1 }
    ],
    [
      'a whitespace-only unit file loads when a drop-in supplies ExecStart=',
      'foo.service',
      { 'foo.service': '\n', 'foo.service.d/a.conf': H },
      BARE_SCORE
    ],
    [
      'each file strips its own first BOM',
      'foo.service',
      {
        'foo.service': `\uFEFF${H}`,
        'foo.service.d/a.conf': '\uFEFF[Service]\nNoNewPrivileges=yes\n'
      },
      9.4
    ],
    [
      'a continuation at the end of a file does not run on into the next file',
      'foo.service',
      { 'foo.service': `${H}X-A=\\`, 'foo.service.d/a.conf': 'NoNewPrivileges=yes\n' },
      BARE_SCORE
    ],
    [
      'an empty drop-in is just empty',
      'foo.service',
      { 'foo.service': H, 'foo.service.d/a.conf': '' },
      BARE_SCORE
    ],
    [
      'DynamicUser=maybe stops only that drop-in',
      'foo.service',
      {
        'foo.service': H,
        'foo.service.d/a.conf': S('NoNewPrivileges=yes\nDynamicUser=maybe\nPrivateTmp=yes'),
        'foo.service.d/b.conf': S('ProtectHome=yes')
      },
      9.2,
      { NoNewPrivileges: 0, PrivateTmp: 1, ProtectHome: 0 }
    ],
    [
      'User=00 stops only that drop-in',
      'foo.service',
      {
        'foo.service': H,
        'foo.service.d/a.conf': S('NoNewPrivileges=yes\nUser=00\nPrivateTmp=yes'),
        'foo.service.d/b.conf': S('ProtectHome=yes')
      },
      9.2,
      { NoNewPrivileges: 0, PrivateTmp: 1, ProtectHome: 0 }
    ],
    [
      'a bad header stops only that drop-in',
      'foo.service',
      {
        'foo.service': H,
        'foo.service.d/a.conf': S('NoNewPrivileges=yes\n[Foo\nPrivateTmp=yes'),
        'foo.service.d/b.conf': S('ProtectHome=yes')
      },
      9.2,
      { PrivateTmp: 1 }
    ],
    [
      'invalid UTF-8 stops only that drop-in',
      'foo.service',
      {
        'foo.service': H,
        'foo.service.d/a.conf': Uint8Array.from(
          '[Service]\nNoNewPrivileges=yes\nX-A=\xff\nPrivateTmp=yes\n',
          (c) => c.charCodeAt(0)
        ),
        'foo.service.d/b.conf': S('ProtectHome=yes')
      },
      9.2,
      { PrivateTmp: 1 }
    ],
    [
      'an over-long line stops only that drop-in',
      'foo.service',
      {
        'foo.service': H,
        'foo.service.d/a.conf': S(
          `NoNewPrivileges=yes\nX-A=${'x'.repeat(1048576)}\nPrivateTmp=yes`
        ),
        'foo.service.d/b.conf': S('ProtectHome=yes')
      },
      9.2,
      { PrivateTmp: 1 }
    ],
    [
      'an over-long continued line in 2-byte characters stops only that drop-in',
      'foo.service',
      {
        'foo.service': H,
        'foo.service.d/a.conf': S(
          `NoNewPrivileges=yes\nX-A=${'é'.repeat(500000)}\\\n${'é'.repeat(500000)}\nPrivateTmp=yes`
        )
      },
      9.4,
      { PrivateTmp: 1 }
    ]
  ]
  it.each(rows.map((row) => [row[0], row] as const))('%s', (_label, row) => {
    const [label, name, files, expected, checks] = row
    expectOutcome(files, expected, { name, label, rows: checks })
  })

  it('reports where a fatal error stopped a drop-in', () => {
    const service = loaded({
      'a.service': H,
      'a.service.d/a.conf': S('NoNewPrivileges=yes\nDynamicUser=maybe\nPrivateTmp=yes')
    })
    expect(service.settings.noNewPrivileges).toBe(true)
    expect(service.settings.privateTmp).toBe(false)
    expect(service.diagnostics).toContainEqual(
      expect.objectContaining({ code: 'dropin-stopped', file: 'a.service.d/a.conf', line: 3 })
    )
  })

  it('lists no syntax notice for lines systemd never reads after a fatal error (parity batch 26)', () => {
    // config_parse() returns at the first error: systemd says nothing of the lines after it
    const invalid = load({ 'a.service': '[Service]\nfoo\nExecStart=@x@/y\nbar\n' }, 'a.service')
    expect(invalid.status).toBe('invalid')
    const drop = loaded({
      'a.service': H,
      'a.service.d/a.conf': '[Service]\nbaz\nUser=00\nqux\n'
    })
    const notices = (service: { diagnostics: Diagnostic[] }): Array<[string, number]> =>
      service.diagnostics.filter((d) => d.code === 'syntax').map((d) => [d.file, d.line])
    expect(notices(invalid as { diagnostics: Diagnostic[] })).toEqual([['a.service', 2]])
    expect(notices(drop)).toEqual([['a.service.d/a.conf', 2]])
    expect(drop.diagnostics).toContainEqual(
      expect.objectContaining({ code: 'dropin-stopped', file: 'a.service.d/a.conf', line: 3 })
    )
    // a file that reads to its end keeps every notice
    expect(notices(loaded({ 'a.service': '[Service]\nfoo\nExecStart=/bin/true\nbar\n' }))).toEqual([
      ['a.service', 2],
      ['a.service', 4]
    ])
  })

  it('treats a drop-in linked to /dev/null as empty; it still hides the same name elsewhere', () => {
    const report = analyze({
      'a.service': H,
      'a.service.d/a.conf': null,
      'service.d/a.conf': S('NoNewPrivileges=yes')
    })
    expect([report.status, report.score, report.dropIns]).toEqual([
      'scored',
      BARE_SCORE,
      ['a.service.d/a.conf']
    ])
  })
})

describe('templates and specifiers', () => {
  const T = (
    label: string,
    body: string,
    expected: Outcome,
    rows?: Rows
  ): [string, string, Files, Outcome, Rows?] => [
    label,
    'foo@.service',
    { 'foo@.service': body },
    expected,
    rows
  ]
  const U = (
    label: string,
    body: string,
    expected: Outcome,
    name = 'a.service',
    rows?: Rows
  ): [string, string, Files, Outcome, Rows?] => [label, name, { [name]: body }, expected, rows]
  const rows = [
    T('User=%i in a template runs as user i', `${H}User=%i\n`, 9.2, { UserOrDynamicUser: 0 }),
    T('DynamicUser=yes in a template', `${H}DynamicUser=yes\n`, 8.4),
    T('User=%p in a template', `${H}User=%p\n`, 9.2),
    T('User=%n in a template', `${H}User=%n\n`, 9.2),
    T('User=%N in a template', `${H}User=%N\n`, 9.2),
    U('User=%i outside a template is empty: fatal', `${H}User=%i\n`, 'invalid'),
    U('User=%u runs as root', `${H}User=%u\n`, BARE_SCORE, 'a.service', { UserOrDynamicUser: 10 }),
    U('User=%U runs as root', `${H}User=%U\n`, BARE_SCORE),
    U('User=%g runs as root', `${H}User=%g\n`, BARE_SCORE),
    U('User=%n', `${H}User=%n\n`, 9.2),
    U('User=%N', `${H}User=%N\n`, 9.2),
    U('User=%p', `${H}User=%p\n`, 9.2),
    U('User=%p in root.service is root', `${H}User=%p\n`, BARE_SCORE, 'root.service', {
      UserOrDynamicUser: 10
    }),
    U('User=%N in root.service is root', `${H}User=%N\n`, BARE_SCORE, 'root.service'),
    [
      'User=%p in root@.service is root',
      'root@.service',
      { 'root@.service': `${H}User=%p\n` },
      BARE_SCORE
    ] as [string, string, Files, Outcome],
    U('User=%Z is fatal', `${H}User=%Z\n`, 'invalid'),
    U('Group=%Z is fatal', `${H}Group=%Z\n`, 'invalid'),
    U('User=%h (a path) is fatal', `${H}User=%h\n`, 'invalid'),
    U('User=%r (empty) is fatal', `${H}User=%r\n`, 'invalid'),
    U('User=%% is the user %', `${H}User=%%\n`, 9.2),
    U('User=a%%b', `${H}User=a%%b\n`, 9.2),
    U('User=100% keeps a trailing %', `${H}User=100%\n`, 9.2),
    U('User=a%-b keeps %-', `${H}User=a%-b\n`, 9.2),
    U('ExecStart=/bin/echo %Z is fatal', '[Service]\nExecStart=/bin/echo %Z\n', 'invalid'),
    U(
      'ExecStart=-/bin/echo %Z is only ignored',
      '[Service]\nExecStart=-/bin/echo %Z\nExecStart=/bin/true\n',
      BARE_SCORE
    ),
    U('Description=%Z is only ignored', `[Unit]\nDescription=%Z\n${H}`, BARE_SCORE),
    // unit_name_unescape() and unit_name_path_unescape() can fail (a helper's probes, all builds)
    U('RootDirectory=%f of instance a is /a', `${H}RootDirectory=%f\n`, 9.5, 'zp@a.service'),
    U(
      'RootDirectory=%f of instance -a fails: fatal',
      `${H}RootDirectory=%f\n`,
      'invalid',
      'zp@-a.service'
    ),
    U(
      'RootDirectory=%f of instance a- fails',
      `${H}RootDirectory=%f\n`,
      'invalid',
      'zp@a-.service'
    ),
    U(
      'RootDirectory=%f of instance a--b fails',
      `${H}RootDirectory=%f\n`,
      'invalid',
      'zp@a--b.service'
    ),
    U(
      'RootDirectory=%f of instance .. fails',
      `${H}RootDirectory=%f\n`,
      'invalid',
      'zp@...service'
    ),
    U('RootDirectory=%f of prefix x- fails', `${H}RootDirectory=%f\n`, 'invalid', 'x-.service'),
    U(
      'WorkingDirectory=/srv/%I with a bad escape fails',
      `${H}WorkingDirectory=/srv/%I\n`,
      'invalid',
      'zp@a\\y.service'
    ),
    U(
      'WorkingDirectory=/srv/%I with \\x41',
      `${H}WorkingDirectory=/srv/%I\n`,
      BARE_SCORE,
      'zp@a\\x41.service'
    ),
    // an escaped instance that is not UTF-8 makes no name or path (a helper's probes, all builds)
    U('User=u%I of instance \\xff fails', `${H}User=u%I\n`, 'invalid', 'zp@\\xff.service'),
    U('User=u%I of instance \\xc3\\xa9 is é', `${H}User=u%I\n`, 9.2, 'zp@\\xc3\\xa9.service'),
    U(
      'WorkingDirectory=/srv/%I of U+FDD0 (\\xef\\xb7\\x90) fails',
      `${H}WorkingDirectory=/srv/%I\n`,
      'invalid',
      'zp@\\xef\\xb7\\x90.service'
    ),
    U(
      'PIDFile=/run/%I of instance \\xff fails',
      `${H}PIDFile=/run/%I\n`,
      'invalid',
      'zp@\\xff.service'
    ),
    U(
      'DeviceAllow=/dev/%I of instance \\xff is skipped',
      `${H}DevicePolicy=closed\nDeviceAllow=/dev/%I\n`,
      9.4,
      'zp@\\xff.service',
      { DeviceAllow: 0 }
    ),
    // a decoded \x00 ends the unescaped name (a helper's probes, all builds)
    U('User=%I of instance a\\x00b is User=a', `${H}User=%I\n`, 9.2, 'zp@a\\x00b.service'),
    U(
      'ExecStart=/bin/%I of instance \\x00 is a directory: fatal',
      '[Service]\nExecStart=/bin/%I\n',
      'invalid',
      'zp@\\x00.service'
    ),
    U(
      'RootDirectory=/srv/%f of instance \\x00 is /srv/ (%f is /)',
      `${H}RootDirectory=/srv/%f\n`,
      9.5,
      'zp@\\x00.service'
    ),
    U(
      'RootDirectory=/srv/%f of instance ..\\x00 (.. once cut) fails',
      `${H}RootDirectory=/srv/%f\n`,
      'invalid',
      'zp@\\x2e\\x2e\\x00.service'
    ),
    U(
      'ExecStart= argument %P with a bad escape fails',
      `[Service]\nExecStart=/bin/echo %P\n`,
      'invalid',
      'zp\\y.service'
    ),
    U(
      'RootDirectory=%A (empty) unsets it',
      `${H}RootDirectory=/srv\nRootDirectory=%A\n`,
      BARE_SCORE
    )
  ]
  it.each(rows.map((row) => [row[0], row] as const))('%s', (_label, row) => {
    const [label, name, files, expected, checks] = row
    expectOutcome(files, expected, { name, label, rows: checks })
  })

  it('analyses a bare template as instance i', () => {
    const report = analyze({ 'foo@.service': `${H}User=%i\n` }, 'foo@.service')
    expect([report.unit, report.path]).toEqual(['foo@i.service', 'foo@.service'])
    expect(loaded({ 'foo@.service': `${H}User=%i\n` }, 'foo@.service').settings.user).toBe('i')
  })

  it.each([
    ['%i', 'i'],
    ['%I', 'i'],
    ['%n', 'foo-bar@i.service'],
    ['%N', 'foo-bar@i'],
    ['%p', 'foo-bar'],
    ['%j', 'bar'],
    ['%u', 'root'],
    ['%U', '0'],
    ['%%', '%'],
    ['100%', '100%'],
    ['a%-b', 'a%-b']
  ])('expands %s to %j for foo-bar@i.service', (text, value) => {
    expect(expandSpecifiers(text, unitNameOf('foo-bar@.service'), 252)).toEqual({ value })
  })

  it('rejects an unknown letter or digit', () => {
    expect(expandSpecifiers('%Z', unitNameOf('a.service'), 259)).toHaveProperty('error')
    expect(expandSpecifiers('%0', unitNameOf('a.service'), 259)).toHaveProperty('error')
  })

  it('knows %D from systemd 256 on', () => {
    expect(expandSpecifiers('/srv/%D', unitNameOf('a.service'), 255)).toEqual({
      error: 'unknown specifier %D'
    })
    expect(expandSpecifiers('/srv/%D', unitNameOf('a.service'), 256)).toEqual({
      value: '/srv//usr/share'
    })
  })

  // merged for 251 (systemd's git history; no binary older than 252 was at hand)
  it.each(['%d', '%y', '%Y', '%q'])('knows %s from systemd 251 on', (specifier) => {
    const unit = unitNameOf('a.service')
    expect(expandSpecifiers(`x${specifier}`, unit, 250)).toEqual({
      error: `unknown specifier ${specifier}`
    })
    expect(expandSpecifiers(`x${specifier}`, unit, 251)).toHaveProperty('value')
  })

  it('refuses a unit that uses %d before 251 where a specifier must expand', () => {
    const files = { 'a.service': S('ExecStart=/usr/bin/app --credentials %d') }
    expect(engineReport({ name: 'a.service', files }, { version: 250 })).toMatchObject({
      status: 'invalid',
      reason: expect.stringMatching(/unknown specifier %d/)
    })
    expect(engineReport({ name: 'a.service', files }, { version: 251 }).status).toBe('scored')
  })
})

describe('units systemd does not load', () => {
  it.each<[string, Files, 'masked' | 'invalid', RegExp]>([
    ['a 0-byte unit file is masked', { 'a.service': '' }, 'masked', /masked/],
    ['a link to /dev/null is masked', { 'a.service': null }, 'masked', /masked/],
    [
      'only whitespace is not masked: no command',
      { 'a.service': '\n  \n' },
      'invalid',
      /no ExecStart/
    ],
    [
      'only a comment is not masked: no command',
      { 'a.service': '# hi\n' },
      'invalid',
      /no ExecStart/
    ],
    ['no ExecStart=', { 'a.service': S('NoNewPrivileges=yes') }, 'invalid', /no ExecStart/],
    ['ExecStop= alone', { 'a.service': S('ExecStop=/bin/true') }, 'invalid', /RemainAfterExit/],
    [
      'Type=oneshot + RemainAfterExit=yes without commands',
      { 'a.service': S('Type=oneshot\nRemainAfterExit=yes') },
      'invalid',
      /no ExecStart/
    ],
    [
      'two ExecStart= with Type=simple',
      { 'a.service': S('ExecStart=/bin/true\nExecStart=/bin/false') },
      'invalid',
      /more than one ExecStart/
    ],
    [
      'two commands in one ExecStart=',
      { 'a.service': S('ExecStart=/bin/a ; /bin/b') },
      'invalid',
      /more than one ExecStart/
    ],
    ['Type=dbus without BusName=', { 'a.service': `${H}Type=dbus\n` }, 'invalid', /BusName/],
    // config_parse_bus_name() ignores a name sd-bus would not take (found by fuzzing)
    ...[
      'org.example.1x',
      'orgexample',
      'org..example',
      'org.example.',
      '.org.example',
      'org.%Z',
      'org.%%p.x',
      '"org.example.X"',
      `a.${'b'.repeat(254)}`
    ].map((name): [string, Record<string, string>, 'invalid', RegExp] => [
      `Type=dbus with the invalid BusName=${name.slice(0, 20)}`,
      { 'a.service': `${H}Type=dbus\nBusName=${name}\n` },
      'invalid',
      /BusName/
    ]),
    ['DynamicUser=maybe', { 'a.service': `${H}DynamicUser=maybe\n` }, 'invalid', /DynamicUser/],
    ['an empty DynamicUser=', { 'a.service': `${H}DynamicUser=\n` }, 'invalid', /DynamicUser/],
    ['User=00', { 'a.service': `${H}User=00\n` }, 'invalid', /00/],
    // valid_user_group_name(): a dash and nothing but digits, "-" itself too
    ['User=-', { 'a.service': `${H}User=-\n` }, 'invalid', /'-'/],
    ['Group=-', { 'a.service': `${H}Group=-\n` }, 'invalid', /'-'/],
    // config_parse_user_group_strv_compat(): a syntax error is fatal too (a final backslash: the
    // space after it keeps the line from continuing, strstrip() then drops it)
    [
      'SupplementaryGroups= ending in a backslash',
      { 'a.service': `${H}User=foo\nSupplementaryGroups=wheel a\\ \n` },
      'invalid',
      /SupplementaryGroups=.*invalid syntax/
    ],
    [
      'SupplementaryGroups=-',
      { 'a.service': `${H}User=foo\nSupplementaryGroups=-\n` },
      'invalid',
      /'-'/
    ],
    ['User=65535', { 'a.service': `${H}User=65535\n` }, 'invalid', /65535/],
    // settings no check reads, whose bad values systemd refuses (found with a list of the parsers
    // that return an error: config_parse_pid_file, config_parse_unit_path_printf, the labels)
    ['PIDFile=/run/../x.pid', { 'a.service': `${H}PIDFile=/run/../x.pid\n` }, 'invalid', /PIDFile/],
    [
      'PIDFile=relative/../x.pid (made absolute below /run)',
      { 'a.service': `${H}PIDFile=relative/../x.pid\n` },
      'invalid',
      /\/run\/relative\/\.\.\/x\.pid/
    ],
    [
      'PIDFile= with a name over 255 bytes',
      { 'a.service': `${H}PIDFile=/run/${'p'.repeat(256)}\n` },
      'invalid',
      /255 bytes/
    ],
    ['RootVerity=relative', { 'a.service': `${H}RootVerity=relative\n` }, 'invalid', /RootVerity/],
    [
      'RootDirectory= with a name over 255 bytes',
      { 'a.service': `${H}RootDirectory=/${'r'.repeat(256)}\n` },
      'invalid',
      /255 bytes/
    ],
    ['AppArmorProfile=%Z', { 'a.service': `${H}AppArmorProfile=%Z\n` }, 'invalid', /%Z/],
    // unit_path_printf(): a path setting expanded to more than 4,095 bytes fails like a bad specifier
    [
      'RootDirectory= of 4,096 bytes',
      { 'a.service': `${H}RootDirectory=${LONG_PATH(4096)}\n` },
      'invalid',
      /over 4095 bytes/
    ],
    [
      'RootDirectory= of 4,095 bytes and a specifier that makes it longer',
      { 'a.service': `${H}RootDirectory=${LONG_PATH(4094)}%n\n` },
      'invalid',
      /over 4095 bytes/
    ],
    [
      'an absolute ExecStart= path with a name over 255 bytes',
      { 'a.service': S(`ExecStart=/usr/bin/${'x'.repeat(256)}`) },
      'invalid',
      /neither an absolute path nor a plain file name/
    ],
    [
      'an ExecStart= program path of 4,096 bytes',
      { 'a.service': S(`ExecStart=${LONG_PATH(4096)}`) },
      'invalid',
      /over 4095 bytes/
    ],
    ['SmackProcessLabel=%Z', { 'a.service': `${H}SmackProcessLabel=%Z\n` }, 'invalid', /%Z/],
    ['User=%Z', { 'a.service': `${H}User=%Z\n` }, 'invalid', /%Z/],
    [
      'RootDirectory=relative',
      { 'a.service': `${H}RootDirectory=relative\n` },
      'invalid',
      /absolute/
    ],
    [
      'RootDirectory=/srv/../x',
      { 'a.service': `${H}RootDirectory=/srv/../x\n` },
      'invalid',
      /\.\./
    ],
    [
      'SupplementaryGroups=bad:grp',
      { 'a.service': `${H}User=foo\nSupplementaryGroups=bad:grp\n` },
      'invalid',
      /bad:grp/
    ],
    // found by the parity run on Debian 13 units (systemd-halt.service): halt* arrived with 254
    ...['halt', 'halt-force', 'halt-immediate'].map(
      (action): [string, Record<string, string>, 'invalid', RegExp] => [
        `SuccessAction=${action} alone before systemd 254`,
        { 'a.service': `[Unit]\nSuccessAction=${action}\n[Service]\nType=oneshot\n` },
        'invalid',
        /no ExecStart=/
      ]
    ),
    [
      'an unbalanced quote in an ExecStart= argument',
      { 'a.service': S('ExecStart=/bin/echo "unterminated') },
      'invalid',
      /quot/
    ],
    [
      'a relative ExecStart= path',
      { 'a.service': S('ExecStart=bin/true') },
      'invalid',
      /ExecStart/
    ],
    ['a bad section header', { 'a.service': `${H}[Unit\n` }, 'invalid', /section header/],
    [
      'invalid UTF-8',
      { 'a.service': Uint8Array.from(`${H}X-A=\xff\n`, (c) => c.charCodeAt(0)) },
      'invalid',
      /UTF-8/
    ],
    ['the noncharacter U+FFFE', { 'a.service': `${H}X-A=\uFFFE\n` }, 'invalid', /UTF-8/],
    [
      'a line of 1048576 bytes',
      { 'a.service': `${H}X-A=${'x'.repeat(1048572)}\n` },
      'invalid',
      /1 MiB/
    ]
  ])('%s', (label, files, status, reason) => {
    const report = analyze(files)
    expect({ label, status: report.status, reason: report.reason }).toEqual({
      label,
      status,
      reason: expect.stringMatching(reason)
    })
    expect([report.score, report.checks]).toEqual([null, []])
    // a masked unit cannot run; a refused one must not pass unseen
    expect(report.passed).toBe(status === 'masked')
    if (Object.values(files).every((v) => v !== null)) expectOutcome(files, status, { label })
  })

  it.each<[string, string, Outcome]>([
    ['ExecStart=true (a plain name) loads', S('ExecStart=true'), BARE_SCORE],
    ['PIDFile=x.pid (below /run) loads', `${H}PIDFile=x.pid\n`, BARE_SCORE],
    [
      "an ExecStart= path with a name over 255 bytes after '-' is only ignored",
      S(`ExecStart=-/usr/bin/${'x'.repeat(256)}\nExecStart=/bin/true`),
      BARE_SCORE
    ],
    [
      `an ExecStart= path with a name of 255 bytes loads`,
      S(`ExecStart=/usr/bin/${'x'.repeat(255)}`),
      BARE_SCORE
    ],
    ['RootDirectory= of 4,095 bytes loads', `${H}RootDirectory=${LONG_PATH(4095)}\n`, 9.5],
    [
      "RootDirectory= of 4,094 bytes and '%%' loads",
      `${H}RootDirectory=${LONG_PATH(4094)}%%\n`,
      9.5
    ],
    [
      'PIDFile= with an unknown specifier loads (the line is ignored)',
      `${H}PIDFile=/run/%Z.pid\n`,
      BARE_SCORE
    ],
    [
      `PIDFile= with a name of 255 bytes loads`,
      `${H}PIDFile=/run/${'p'.repeat(255)}\n`,
      BARE_SCORE
    ],
    [
      "SELinuxContext=-%Z loads ('-': a failed specifier is ignored)",
      `${H}SELinuxContext=-%Z\n`,
      BARE_SCORE
    ],
    ['RootImagePolicy= is an unknown key to systemd 252', `${H}RootImagePolicy=root\n`, BARE_SCORE],
    [
      'Type=oneshot with two ExecStart= loads',
      S('Type=oneshot\nExecStart=/bin/true\nExecStart=/bin/false'),
      BARE_SCORE
    ],
    ['Type=dbus with BusName= loads', `${H}Type=dbus\nBusName=org.example.X\n`, BARE_SCORE],
    [
      'an empty BusName= does not reset the name',
      `${H}Type=dbus\nBusName=org.example.X\nBusName=\n`,
      BARE_SCORE
    ],
    [
      'an invalid BusName= keeps the one before',
      `${H}Type=dbus\nBusName=org.example.X\nBusName=bad\n`,
      BARE_SCORE
    ],
    ['a unique bus name, digits and all', `${H}Type=dbus\nBusName=:1.42\n`, BARE_SCORE],
    ['BusName= with "_", "-" and digits', `${H}Type=dbus\nBusName=org.a_b-c.C9\n`, BARE_SCORE],
    ['BusName= of 255 characters', `${H}Type=dbus\nBusName=a.${'b'.repeat(253)}\n`, BARE_SCORE],
    ['BusName= through a specifier', `${H}Type=dbus\nBusName=org.%p.X\n`, BARE_SCORE],
    [
      'a PAMName= whose specifier fails is ignored, so KillMode=process is fine',
      `${H}PAMName=%Z\nKillMode=process\n`,
      BARE_SCORE
    ],
    [
      'SuccessAction= without commands loads',
      '[Unit]\nSuccessAction=exit\n[Service]\nType=oneshot\n',
      BARE_SCORE
    ],
    ['User=foo bar is a valid user name', `${H}User=foo bar\n`, 9.2],
    ['User=-- is a valid user name', `${H}User=--\n`, 9.2],
    ['User=-a is a valid user name', `${H}User=-a\n`, 9.2],
    // only an ASCII space may not start or end a name
    ['User= with U+00A0 at both ends is valid', `${H}User=\u00a0a\u00a0\n`, 9.2],
    [
      'a DynamicUser= reset of User= keeps the dynamic user',
      `${H}DynamicUser=yes\nUser=foo\nUser=\n`,
      8.4
    ]
  ])('%s', (label, body, expected) => {
    expectOutcome({ 'a.service': body }, expected, { label })
  })
})

describe('%J of a unit whose prefix ends with "-" makes systemd abort wherever it is expanded', () => {
  // specifier_string() gives NULL for the empty last part and unit_name_unescape(NULL) fails an
  // assertion: systemd-analyze dies with SIGABRT (every build from 252 to 262). The gate reports the
  // unit invalid, saying why; where systemd never expands the %J the unit loads as usual.
  const U = (body: string): string => `[Unit]\n${body}\n${BARE}`
  type NamedRow = [label: string, name: string, files: Files, expected: Outcome]
  const rows: NamedRow[] = [
    ['Description=%J', 'p-.service', { 'p-.service': U('Description=%J') }, 'aborts'],
    ['Description=%%J', 'p-.service', { 'p-.service': U('Description=%%J') }, BARE_SCORE],
    [
      'Description=%j (empty, no abort)',
      'p-.service',
      { 'p-.service': U('Description=%j') },
      BARE_SCORE
    ],
    ['a name without the dash', 'p.service', { 'p.service': U('Description=%J') }, BARE_SCORE],
    [
      'a failing specifier first ends the value',
      'p-.service',
      { 'p-.service': U('Description=%Z %J') },
      BARE_SCORE
    ],
    ['ExecStart= argument', 'p-.service', { 'p-.service': S('ExecStart=/bin/echo %J') }, 'aborts'],
    ['a template instance', 'p-@.service', { 'p-@.service': H + 'User=%J\n' }, 'aborts'],
    [
      'in a drop-in',
      'p-.service',
      { 'p-.service': H, 'p-.service.d/x.conf': U('Documentation=%J') },
      'aborts'
    ],
    [
      'Environment= word by word: a failing word is skipped',
      'p-.service',
      { 'p-.service': H + 'Environment=A=%Z B=%J\n' },
      'aborts'
    ],
    [
      'Environment= stops at a bad escape',
      'p-.service',
      { 'p-.service': H + 'Environment=A=\\q B=%J\n' },
      BARE_SCORE
    ],
    [
      'SetCredential= without data expands nothing',
      'p-.service',
      { 'p-.service': H + 'SetCredential=%J\n' },
      BARE_SCORE
    ],
    [
      'SetCredential= with data expands the ID',
      'p-.service',
      { 'p-.service': H + 'SetCredential=%J:x\n' },
      'aborts'
    ],
    [
      'every word of a path list',
      'p-.service',
      { 'p-.service': H + 'ReadWritePaths=/a %J\n' },
      'aborts'
    ],
    [
      'a path list that already holds a path',
      'p-.service',
      { 'p-.service': H + 'ReadWritePaths=/a\nReadWritePaths=%J\n' },
      'aborts'
    ],
    [
      'BindPaths= entries after a good one',
      'p-.service',
      { 'p-.service': H + 'BindPaths=/a %J\n' },
      'aborts'
    ],
    [
      'StandardOutput=file:',
      'p-.service',
      { 'p-.service': H + 'StandardOutput=file:/log/%J\n' },
      'aborts'
    ],
    [
      'StandardInput= takes no append:',
      'p-.service',
      { 'p-.service': H + 'StandardInput=append:/%J\n' },
      BARE_SCORE
    ],
    [
      'StandardInputText= after its escapes',
      'p-.service',
      { 'p-.service': H + 'StandardInputText=\\x25J\n' },
      'aborts'
    ],
    [
      'IODeviceWeight= with a weight',
      'p-.service',
      { 'p-.service': H + 'IODeviceWeight=%J 10\n' },
      'aborts'
    ],
    [
      'IODeviceWeight= without one',
      'p-.service',
      { 'p-.service': H + 'IODeviceWeight=%J\n' },
      BARE_SCORE
    ],
    [
      'MountImages= options of a known partition',
      'p-.service',
      { 'p-.service': H + 'MountImages=/a:/b:root:%J\n' },
      'aborts'
    ],
    [
      'MountImages= options of an unknown one',
      'p-.service',
      { 'p-.service': H + 'MountImages=/a:/b:bogus:%J\n' },
      BARE_SCORE
    ],
    [
      'RootImageOptions= of an unknown partition',
      'p-.service',
      { 'p-.service': H + 'RootImageOptions=bogus:%J\n' },
      BARE_SCORE
    ],
    [
      'ExecSearchPath= up to a relative path',
      'p-.service',
      { 'p-.service': H + 'ExecSearchPath=rel:%J\n' },
      BARE_SCORE
    ],
    [
      'ExecSearchPath= absolute paths',
      'p-.service',
      { 'p-.service': H + 'ExecSearchPath=/a:%J\n' },
      'aborts'
    ],
    ['StateDirectory= link', 'p-.service', { 'p-.service': H + 'StateDirectory=a:%J\n' }, 'aborts'],
    [
      'ConfigurationDirectory= takes no link',
      'p-.service',
      { 'p-.service': H + 'ConfigurationDirectory=a:%J\n' },
      BARE_SCORE
    ],
    [
      'a fatal line before it',
      'p-.service',
      { 'p-.service': H + '[Service\nEnvironment=X=%J\n' },
      'invalid'
    ],
    [
      'a fatal line after it',
      'p-.service',
      { 'p-.service': H + 'Environment=X=%J\n[Service\n' },
      'aborts'
    ]
  ]
  it.each(rows.map((row): [string, NamedRow] => [row[0], row]))(
    '%s',
    (_label, [label, name, files, expected]) => {
      expectOutcome(files, expected, { name, label })
    }
  )
})

oracleAgreement()

// "Service has Restart= set to either always or on-success, which isn't allowed for Type=oneshot services. Refusing."
describe('Restart= of a Type=oneshot service', () => {
  it.each(['always', 'on-success'])('Restart=%s is refused', (restart) => {
    expect(
      load({ 'a.service': S(`Type=oneshot\nExecStart=/bin/true\nRestart=${restart}`) })
    ).toMatchObject({
      status: 'invalid',
      reason: `Restart=${restart} with Type=oneshot; systemd refuses it`
    })
  })
  it('Restart=on-failure loads', () => {
    expect(
      load({ 'a.service': S('Type=oneshot\nExecStart=/bin/true\nRestart=on-failure') }).status
    ).toBe('loaded')
  })
})

// refusal.ts: "252, 254 and 255 refuse it; 257, 259, 261 and 262 load it; 256 unverified, follows 255"
describe('RestartForceExitStatus= with Type=oneshot at the boundary version', () => {
  it('is refused through 256 and loads from 257', () => {
    const files = {
      'a.service': '[Service]\nType=oneshot\nExecStart=/bin/true\nRestartForceExitStatus=1\n'
    }
    expect(loadService({ ...sourceOf(files, 'a.service'), version: 256 })).toMatchObject({
      status: 'invalid',
      reason: 'RestartForceExitStatus= with Type=oneshot; systemd refuses it'
    })
    expect(loadService({ ...sourceOf(files, 'a.service'), version: 257 }).status).toBe('loaded')
  })
})

// refusal.ts: credentials make a Type-less unit Type=exec "257, 259, 262 refuse it, 255 loads it; merged for 256"
describe('credentials implying Type=exec at the boundary version', () => {
  it('refuse ExecStop= alone from 256, load it at 255', () => {
    const files = {
      'a.service': '[Service]\nExecStop=/usr/bin/true\nRemainAfterExit=yes\nSetCredential=token:x\n'
    }
    expect(loadService({ ...sourceOf(files, 'a.service'), version: 256 })).toMatchObject({
      status: 'invalid',
      reason: 'Type=exec without ExecStart=; systemd refuses it'
    })
    expect(loadService({ ...sourceOf(files, 'a.service'), version: 255 }).status).toBe('loaded')
  })
})

// systemd: %j is the prefix after its LAST dash; systemd-analyze 252 scores svc-a-root.service with User=%j as root
describe('%j of a prefix with several dashes', () => {
  it('is the part after the last dash', () => {
    expect(expandSpecifiers('%j', unitNameOf('svc-a-root.service'), 252)).toEqual({ value: 'root' })
    expect(expandSpecifiers('%J', unitNameOf('a-b-c@i.service'), 252)).toEqual({ value: 'c' })
    expect(
      loaded({ 'svc-a-root.service': `${H}User=%j\n` }, 'svc-a-root.service').settings.user
    ).toBe('root')
  })
})
