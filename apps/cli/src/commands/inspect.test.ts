import type { StatusRow } from '@strata-migrate/core/adapter-kit'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { fakeSettings, recordingOutput } from '../test-helpers.js'

// status/history/validate over stand-in Migrator answers: every state a row can be in, rendered.
const state = vi.hoisted(() => ({ m: {} as Record<string, unknown>, adapter: {} as Record<string, unknown> }))
vi.mock('../context.js', () => ({
  withMigrator: async (_s: unknown, _out: unknown, fn: (m: unknown, a: unknown) => Promise<unknown>) => fn(state.m, state.adapter),
}))

const { historyCommand, statusCommand, validateCommand } = await import('./inspect.js')

const at = new Date('2025-03-04T05:06:07Z')
const row = (version: string, state: StatusRow['state'], patch: Partial<StatusRow> = {}): StatusRow => ({
  version, name: `m${version}`, description: null, file: `${version}_m${version}.sql`, kind: 'schema', state, statementsDone: 0, statementsTotal: 0,
  inFlight: false, startedAt: null, finishedAt: null, rolledBackAt: null, durationMs: null, error: null, checksumChanged: false, ...patch,
})

describe('strata status', () => {
  beforeEach(() => {
    state.m = {}
    state.adapter = {}
  })

  it('names every state of a row in words, with the counts and the app in the document', async () => {
    const rows = [
      row('001', 'applied', { startedAt: at, finishedAt: at, durationMs: 1500 }),
      row('002', 'applied', { checksumChanged: true }),
      row('003', 'baselined'),
      row('004', 'partial', { statementsDone: 2, statementsTotal: 5 }),
      row('005', 'partial', { statementsDone: 1, statementsTotal: 0, inFlight: true, kind: 'data' }),
      row('006', 'failed'),
      row('007', 'rolling_back', { statementsDone: 1, statementsTotal: 3 }),
      row('008', 'rolling_back', { statementsDone: 1, statementsTotal: 3, inFlight: true }),
      row('009', 'rolled_back', { file: null, rolledBackAt: at }),
      row('010', 'rolled_back'),
      row('011', 'missing', { file: null }),
      row('012', 'pending'),
      row('013', 'pending', { waitingForApp: true }),
      row('014', 'rolled_back', { waitingForApp: true }),
    ]
    state.m = { status: async () => ({ current: '003', rows, issues: [{ severity: 'warning', code: 'W', message: 'file 011 is missing' }], pending: ['010', '012'], waiting: ['013', '014'] }) }
    const out = recordingOutput()
    const doc = await statusCommand(fakeSettings({ app: { schemaVersion: '012' } }), out)
    expect(out.printed).toEqual(['cockroachdb set "default" — schema version 003 (app 012)'])
    expect(out.tables[0]?.rows.map((r) => r[2])).toEqual([
      'applied', 'applied (changed!)', 'baselined', 'partial 2/5', 'partial (1 statement journaled), statement 2 in flight: strata resolve', 'failed',
      'rolling back 1/3', 'rolling back 1/3, statement 2 in flight: strata resolve', 'rolled back', 'rolled back: pending', 'missing file', 'pending',
      'waiting for a newer app', 'waiting for a newer app (rolled back)',
    ])
    expect(out.tables[0]?.rows[0]).toEqual(['001', 'm001', 'applied', 'schema', '2025-03-04 05:06:07Z', '2025-03-04 05:06:07Z', '1.50 s'])
    expect(out.tables[0]?.rows[8]?.[5]).toBe('2025-03-04 05:06:07Z')
    expect(out.logged).toEqual(['! file 011 is missing'])
    expect(doc).toMatchObject({
      ok: true, command: 'status', current: '003', app: { schemaVersion: '012' }, pending: ['010', '012'], waiting: ['013', '014'],
      counts: { applied: 2, baselined: 1, pending: 2, partial: 2, failed: 1, rolling_back: 2, rolled_back: 3, missing: 1 },
    })
  })

  it('of an empty set says (none) and puts no app in the document', async () => {
    state.m = { status: async () => ({ current: undefined, rows: [], issues: [], pending: [], waiting: [] }) }
    const out = recordingOutput()
    const doc = await statusCommand(fakeSettings(), out)
    expect(out.printed).toEqual(['cockroachdb set "default" — schema version (none)'])
    expect(doc.current).toBeNull()
    expect(doc).not.toHaveProperty('app')
  })
})

describe('strata history', () => {
  const hist = (version: string, status: string, patch: Record<string, unknown> = {}) => ({
    set: 'default', version, name: `m${version}`, description: null, kind: 'schema', checksum: 'x', status, statementsDone: 1, statementsTotal: 2,
    statementHashes: [], startedAt: at, finishedAt: null, rolledBackAt: null, durationMs: null, appliedBy: 'host:1', toolVersion: '0.1.0', error: null, agreementWaitMs: 0, ...patch,
  })

  it('shows a running row as interrupted once no live lease covers it, and clips long descriptions and errors to one line', async () => {
    const long = 'a very long description that goes on and on past forty characters'
    const rows = [hist('001', 'running', { description: long, error: `${'x'.repeat(70)}\nsecond line` }), hist('002', 'applied', { rolledBackAt: at, description: 'short' }), hist('003', 'applied')]
    for (const [lock, shown] of [
      [null, 'interrupted'],
      [{ owner: 'h', expiresAt: new Date(Date.now() - 1000) }, 'interrupted'],
      [{ owner: 'h', expiresAt: new Date(Date.now() + 60_000) }, 'running'],
      [{ owner: 'h', expiresAt: null }, 'running'],
    ] as const) {
      state.m = { history: async () => rows }
      state.adapter = { lock: { inspect: async () => lock } }
      const out = recordingOutput()
      const doc = await historyCommand(fakeSettings(), out)
      expect(doc).toMatchObject({ ok: true, command: 'history', rows: [{ version: '001', status: 'running' }, { version: '002' }, { version: '003' }] })
      const [first, second, third] = out.tables[0]?.rows ?? []
      expect(third?.slice(2, 4)).toEqual(['', 'applied'])
      expect(third?.[9]).toBe('')
      expect(first?.[3]).toBe(shown)
      expect(first?.[2]).toBe(`${long.slice(0, 39)}…`)
      expect(first?.[9]).toBe('x'.repeat(60))
      expect(first?.[4]).toBe('1/2')
      expect(second?.slice(2, 4)).toEqual(['short', 'applied'])
      expect(second?.[6]).toBe('2025-03-04 05:06:07Z')
    }
  })
})

describe('strata validate', () => {
  const report = (patch: Record<string, unknown>) => ({ ok: true, issues: [], checked: { migrations: 3, applied: 2, basis: undefined }, ...patch })

  it('says what the live schema was compared with', async () => {
    const cases = [
      [undefined, 'live schema not compared'],
      [{ kind: 'none', reason: 'no snapshot yet' }, 'live schema not compared (no snapshot yet)'],
      [{ kind: 'snapshot', version: '002' }, 'live schema matches the snapshot after 002'],
      [{ kind: 'replay', versions: ['001', '002'] }, 'live schema matches a replay of the 2 applied migrations in a scratch keyspace or database'],
    ] as const
    for (const [basis, words] of cases) {
      state.m = { validate: async () => report({ checked: { migrations: 1, applied: 1, basis }, issues: [{ severity: 'warning', code: 'W_X', message: 'hm' }] }) }
      const out = recordingOutput()
      const doc = await validateCommand(fakeSettings(), out)
      expect(out.printed).toEqual(['! W_X hm', `valid: 1 migration, 1 applied, ${words}`])
      expect(doc).toMatchObject({ command: 'validate', ok: true })
    }
  })

  it('with an error prints the issues and its document, and fails with E_VALIDATION counting the problems', async () => {
    state.m = { validate: async () => report({ ok: false, issues: [{ severity: 'error', code: 'E_CHECKSUM', message: '002 changed' }, { severity: 'warning', code: 'W', message: 'hm' }] }) }
    const out = recordingOutput({ json: true })
    await expect(validateCommand(fakeSettings(), out)).rejects.toMatchObject({ code: 'E_VALIDATION', message: 'validation failed: 2 problems', details: { reported: true } })
    expect(out.documents).toEqual([expect.objectContaining({ command: 'validate', ok: false })])
    const human = recordingOutput()
    await validateCommand(fakeSettings(), human).catch(() => undefined)
    expect(human.printed).toEqual(['✗ E_CHECKSUM 002 changed', '! W hm'])
  })
})
