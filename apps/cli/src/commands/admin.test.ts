import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { captureStdio, fakeSettings, recordingOutput } from '../test-helpers.js'

// The Migrator's answers are core's (tested there and against real databases by the e2e tests); stand-ins give
// the commands the answers whose rendering, documents and refusals are tested here.
const state = vi.hoisted(() => ({ m: {} as Record<string, unknown>, adapter: {} as Record<string, unknown> }))
vi.mock('../context.js', () => ({
  withMigrator: async (_s: unknown, _out: unknown, fn: (m: unknown, a: unknown) => Promise<unknown>) => fn(state.m, state.adapter),
}))

const { baselineCommand, healthCommand, lockReleaseCommand, lockStatusCommand, repairCommand, reportCommand, resolveCommand } = await import('./admin.js')

const s = fakeSettings({ set: 'billing' })
const at = new Date('2025-03-04T05:06:07.890Z')

describe('strata admin commands', () => {
  let io: ReturnType<typeof captureStdio> | undefined
  beforeEach(() => {
    state.m = {}
    state.adapter = {}
  })
  afterEach(() => io?.restore())

  it('baseline creates the target when the adapter can, and says when there is nothing to baseline', async () => {
    const calls: string[] = []
    state.m = { baseline: async (v: string) => (calls.push(`baseline ${v}`), ['001', '002']) }
    state.adapter = { createTarget: async () => void calls.push('createTarget'), history: { ensure: async () => void calls.push('ensure') } }
    const out = recordingOutput()
    expect(await baselineCommand(s, out, '002')).toEqual({ ok: true, command: 'baseline', db: 'cockroachdb', set: 'billing', baselined: ['001', '002'] })
    expect(calls).toEqual(['createTarget', 'ensure', 'baseline 002'])
    expect(out.printed).toEqual(['baselined 001, 002 in set "billing"'])
    state.m = { baseline: async () => [] }
    state.adapter = { history: { ensure: async () => undefined } }
    const none = recordingOutput()
    await baselineCommand(s, none, '002')
    expect(none.printed).toEqual(['nothing to baseline up to 002'])
  })

  it('baseline refuses a malformed --to before connecting (E_USAGE naming baseline --to)', async () => {
    await expect(baselineCommand(s, recordingOutput(), 'not a version!')).rejects.toMatchObject({ code: 'E_USAGE', message: expect.stringContaining('baseline --to') })
  })

  it('repair names every accepted checksum and cleared row, or says there is nothing to repair', async () => {
    state.m = { repair: async () => ({ checksumsUpdated: ['002'], rowsCleared: ['004'] }) }
    const out = recordingOutput()
    expect(await repairCommand(s, out)).toMatchObject({ ok: true, command: 'repair', checksumsUpdated: ['002'], rowsCleared: ['004'] })
    expect(out.printed).toEqual(['accepted the new checksum of 002', 'cleared the failed row of 004; it will run again from its first statement'])
    state.m = { repair: async () => ({ checksumsUpdated: [], rowsCleared: [] }) }
    const none = recordingOutput()
    await repairCommand(s, none)
    expect(none.printed).toEqual(['nothing to repair'])
  })

  it('resolve needs exactly one of --applied and --not-applied (E_USAGE)', async () => {
    for (const o of [{}, { applied: true, notApplied: true }]) {
      await expect(resolveCommand(s, recordingOutput(), '003', o)).rejects.toMatchObject({ code: 'E_USAGE', message: 'say what the statement did: --applied or --not-applied (look at the data first)' })
    }
  })

  it('resolve records the outcome and says what the next up does', async () => {
    const seen: unknown[] = []
    state.m = { resolve: async (v: string, o: { applied: boolean }) => (seen.push([v, o]), { version: v, statement: 3, applied: o.applied }) }
    const yes = recordingOutput()
    expect(await resolveCommand(s, yes, '003', { applied: true })).toMatchObject({ command: 'resolve', version: '003', statement: 3, applied: true })
    expect(yes.printed).toEqual(['recorded statement 3 of 003 as applied; `strata up` goes on after it'])
    const no = recordingOutput()
    await resolveCommand(s, no, '003', { notApplied: true })
    expect(no.printed).toEqual(['recorded statement 3 of 003 as not applied; `strata up` runs it again'])
    expect(seen).toEqual([['003', { applied: true }], ['003', { applied: false }]])
  })

  it('lock status tells a free set, a held lease, and an expired one (which is not locked)', async () => {
    const lock = (expiresAt: Date | null) => ({ set: 'billing', owner: 'host:1', token: 't', acquiredAt: at, expiresAt })
    const cases = [
      [null, false, 'set "billing": not locked'],
      [lock(new Date(Date.now() + 60_000)), true, `set "billing": locked by host:1 since 2025-03-04 05:06:07Z, lease until `],
      [lock(new Date(Date.now() - 60_000)), false, ' (expired)'],
      [lock(null), true, 'lease until '],
    ] as const
    for (const [held, locked, text] of cases) {
      state.adapter = { lock: { inspect: async () => held } }
      const out = recordingOutput()
      expect(await lockStatusCommand(s, out)).toMatchObject({ ok: true, command: 'lock status', locked, lock: held })
      expect(out.printed[0]).toContain(text)
    }
  })

  it('lock release needs --force (E_USAGE), then releases whoever holds it', async () => {
    await expect(lockReleaseCommand(s, recordingOutput(), {})).rejects.toMatchObject({ code: 'E_USAGE', message: expect.stringContaining('pass --force to confirm') })
    const released: string[] = []
    state.adapter = { lock: { inspect: async () => ({ owner: 'host:9' }), forceRelease: async (set: string) => void released.push(set) } }
    const out = recordingOutput()
    expect(await lockReleaseCommand(s, out, { force: true })).toMatchObject({ command: 'lock release', released: { owner: 'host:9' } })
    expect(out.printed).toEqual(['released the lock of set "billing" held by host:9'])
    state.adapter = { lock: { inspect: async () => null, forceRelease: async (set: string) => void released.push(set) } }
    const free = recordingOutput()
    await lockReleaseCommand(s, free, { force: true })
    expect(free.printed).toEqual(['set "billing" was not locked'])
    expect(released).toEqual(['billing', 'billing'])
  })

  const fullReport = {
    set: 'billing', schemaVersion: '004', counts: { applied: 3, failed: 1 }, totalDurationMs: 2500, slowest: { version: '002', durationMs: 1500 },
    agreementWaitMs: { total: 30, max: 20, byVersion: [] }, lastErrors: [{ version: '004', at, error: 'relation "x" does not exist\nat line 3' }],
    lastApplied: { version: '003', at }, lock: { set: 'billing', owner: 'host:2', token: 't', acquiredAt: at, expiresAt: at },
    issues: [{ severity: 'warning', code: 'W', message: 'file 005 is older than the newest applied version' }],
  }
  const emptyReport = {
    set: 'billing', schemaVersion: null, counts: {}, totalDurationMs: 0, slowest: null, agreementWaitMs: { total: 0, max: 0, byVersion: [] },
    lastErrors: [], lastApplied: null, lock: null, issues: [],
  }

  it('report refuses an unknown --format (E_USAGE)', async () => {
    await expect(reportCommand(s, recordingOutput(), { format: 'html' })).rejects.toMatchObject({ code: 'E_USAGE', message: '--format must be json, summary or markdown, got "html"' })
  })

  it('report summary (the default) lists version, counts, times, last errors, the lock and issues', async () => {
    state.m = { report: async () => fullReport }
    const out = recordingOutput()
    const doc = await reportCommand(s, out, {})
    expect(doc).toMatchObject({ ok: true, command: 'report', db: 'cockroachdb', schemaVersion: '004' })
    expect(out.printed).toEqual([[
      'schema version: 004',
      'migrations: 3 applied, 1 failed',
      'total apply time: 2.50 s, slowest 002 (1.50 s)',
      'schema agreement waits: total 30 ms, max 20 ms',
      'last applied: 003 at 2025-03-04 05:06:07Z',
      'lock: held by host:2 until 2025-03-04 05:06:07Z',
      'error in 004 at 2025-03-04 05:06:07Z: relation "x" does not exist',
      'warning: file 005 is older than the newest applied version',
    ].join('\n')])
  })

  it('report markdown of an empty set says (none), none and free', async () => {
    state.m = { report: async () => emptyReport }
    const out = recordingOutput()
    await reportCommand(s, out, { format: 'markdown' })
    expect(out.printed).toEqual([[
      '# Strata report: cockroachdb, set "billing"', '',
      '- schema version: (none)', '- migrations: none', '- total apply time: 0 ms', '- schema agreement waits: total 0 ms, max 0 ms',
      '- last applied: (none)', '- lock: free',
    ].join('\n')])
  })

  it('report --format json without --json prints the JSON document itself; with --json it is the default and printed once by the caller', async () => {
    state.m = { report: async () => emptyReport }
    const out = recordingOutput()
    io = captureStdio()
    await reportCommand(s, out, { format: 'json' })
    io.restore()
    expect(JSON.parse(io.stdout())).toMatchObject({ ok: true, command: 'report', db: 'cockroachdb', schemaVersion: null, lock: null })
    expect(out.printed).toEqual([])
    const json = recordingOutput({ json: true })
    io = captureStdio()
    const doc = await reportCommand(s, json, {})
    io.restore()
    expect(io.stdout()).toBe('')
    expect(doc).toMatchObject({ command: 'report' })
  })

  it('health tabulates the checks; an unhealthy one prints the document and throws its code (E_VALIDATION when it has none)', async () => {
    state.m = { checkHealth: async () => ({ ok: true, checks: [{ name: 'connection', ok: true, detail: 'ok in 3 ms' }] }) }
    const ok = recordingOutput()
    expect(await healthCommand(s, ok)).toMatchObject({ command: 'health', ok: true })
    expect(ok.tables[0]?.rows).toEqual([['connection', 'ok', 'ok in 3 ms']])
    state.m = { checkHealth: async () => ({ ok: false, checks: [{ name: 'connection', ok: true, detail: '' }, { name: 'history', ok: false, detail: '1 failed migration' }] }) }
    const bad = recordingOutput({ json: true })
    await expect(healthCommand(s, bad)).rejects.toMatchObject({ code: 'E_VALIDATION', message: 'unhealthy: history: 1 failed migration', details: { reported: true } })
    expect(bad.documents).toEqual([expect.objectContaining({ command: 'health', ok: false })])
    state.m = { checkHealth: async () => ({ ok: false, checks: [{ name: 'compatibility', ok: false, detail: 'app 009 needs 008', code: 'E_INCOMPATIBLE_SCHEMA' }] }) }
    await expect(healthCommand(s, recordingOutput())).rejects.toMatchObject({ code: 'E_INCOMPATIBLE_SCHEMA' })
  })
})
