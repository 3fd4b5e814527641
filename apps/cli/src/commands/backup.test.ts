import type { BackupManifest } from '@strata-migrate/core/adapter-kit'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { captureStdio, fakeSettings, recordingOutput } from '../test-helpers.js'

// Backups on disk and the restore itself are core's (and test/backup.e2e.test.ts runs them for real); the stand-ins
// give the command the manifests, events and reports whose rendering and refusals are tested here.
const state = vi.hoisted(() => ({
  manifests: [] as unknown[],
  restore: undefined as unknown,
  events: [] as unknown[],
  restoreInput: undefined as unknown,
  adapter: undefined as unknown,
}))
vi.mock('@strata-migrate/core/adapter-kit', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  listBackups: async () => state.manifests,
  readManifest: async (_dir: string, id: string) => {
    const m = (state.manifests as { id: string }[]).find((x) => x.id === id)
    if (!m) throw new Error(`no backup ${id}`)
    return m
  },
  restoreBackup: async (input: { onEvent: (e: unknown) => void }) => {
    state.restoreInput = input
    for (const e of state.events) input.onEvent(e)
    return state.restore
  },
}))
vi.mock('../adapters.js', () => ({ openAdapter: async () => state.adapter }))

const { backupListCommand, backupRestoreCommand, backupShowCommand } = await import('./backup.js')

const manifest = (patch: Partial<BackupManifest> = {}): BackupManifest => ({
  id: '20250101-000000-004-down', db: 'cockroachdb', set: 'default', version: '004', migration: 'drop_clients', direction: 'down', status: 'complete',
  createdAt: '2025-01-01T00:00:00.000Z', reasons: ['drops table clients'],
  tables: [{ table: 'clients', rows: 1200, bytes: 4096, file: 'clients.jsonl', fileSha256: 'abcdef0123456789abcdef' }],
  ...patch,
} as BackupManifest)

describe('strata backup', () => {
  let io: ReturnType<typeof captureStdio> | undefined
  let closed = 0
  beforeEach(() => {
    closed = 0
    state.events = []
    state.adapter = { name: 'cockroachdb', backup: {}, close: async () => void closed++ }
  })
  afterEach(() => io?.restore())

  it('list shows only the backups of the chosen database, with the native command for a backup without tables', async () => {
    state.manifests = [
      manifest(),
      manifest({ id: 'native', status: 'in-progress', tables: [], command: { text: 'nodetool snapshot', exitCode: 0 } } as Partial<BackupManifest>),
      manifest({ id: 'empty', tables: [] }),
      manifest({ id: 'cql', db: 'scylladb' }),
    ]
    const out = recordingOutput()
    const doc = await backupListCommand(fakeSettings({ backup: { enabled: false, dir: '/b' } }), out)
    expect(doc.backups.map((b) => b.id)).toEqual(['20250101-000000-004-down', 'native', 'empty'])
    expect(out.tables[0]?.rows).toEqual([
      ['20250101-000000-004-down', 'default', '004', 'down', 'complete', 'clients', '1,200', 'drops table clients'],
      ['native', 'default', '004', 'down', 'in-progress', '(nodetool snapshot)', '0', 'drops table clients'],
      ['empty', 'default', '004', 'down', 'complete', '-', '0', 'drops table clients'],
    ])
    expect(out.printed).toEqual([])
  })

  it('list says so when the directory holds no backup of the database', async () => {
    state.manifests = [manifest({ db: 'scylladb' })]
    const out = recordingOutput()
    const doc = await backupListCommand(fakeSettings({ backup: { enabled: false, dir: '/b' } }), out)
    expect(doc).toMatchObject({ ok: true, command: 'backup list', db: 'cockroachdb', dir: '/b', backups: [] })
    expect(out.printed).toEqual(['no backups of cockroachdb in /b'])
  })

  it('show prints the manifest, the native command with its exit code, and "(incomplete)" for a table without a hash', async () => {
    state.manifests = [manifest({ tables: [{ table: 'clients', rows: 3, bytes: 10, file: 'clients.jsonl' }], command: { text: 'nodetool snapshot app', exitCode: 0 } } as Partial<BackupManifest>)]
    const out = recordingOutput()
    const doc = await backupShowCommand(fakeSettings(), out, '20250101-000000-004-down')
    expect(out.printed).toEqual([
      'backup 20250101-000000-004-down (complete): cockroachdb set "default", before down of 004 drop_clients, taken 2025-01-01T00:00:00.000Z',
      'why: drops table clients',
      'native backup: nodetool snapshot app (exit 0)',
    ])
    expect(out.tables[0]?.rows).toEqual([['clients', '3', '10', 'clients.jsonl', '(incomplete)']])
    expect(doc).toMatchObject({ ok: true, command: 'backup show', backup: { id: '20250101-000000-004-down' } })
    state.manifests = [manifest()]
    const rows = recordingOutput()
    await backupShowCommand(fakeSettings(), rows, '20250101-000000-004-down')
    expect(rows.printed).toHaveLength(2)
    expect(rows.tables[0]?.rows).toEqual([['clients', '1,200', '4,096', 'clients.jsonl', 'abcdef0123456789']])
  })

  it('restore refuses a backup of the other database (E_USAGE naming the --db to use) before connecting', async () => {
    state.manifests = [manifest({ db: 'scylladb' })]
    await expect(backupRestoreCommand(fakeSettings(), recordingOutput(), '20250101-000000-004-down', {}))
      .rejects.toMatchObject({ code: 'E_USAGE', message: 'backup 20250101-000000-004-down is of scylladb, not cockroachdb: restore it with --db scylladb' })
    expect(closed).toBe(0)
  })

  it('restore refuses an adapter that cannot load rows (E_CONFIG) and closes the connection', async () => {
    state.manifests = [manifest()]
    state.adapter = { name: 'memory', close: async () => void closed++ }
    await expect(backupRestoreCommand(fakeSettings(), recordingOutput(), '20250101-000000-004-down', {}))
      .rejects.toMatchObject({ code: 'E_CONFIG', message: 'the memory adapter cannot load rows' })
    expect(closed).toBe(1)
  })

  it('restore of chosen --tables logs each table, draws progress on a terminal and tabulates the verified report', async () => {
    state.manifests = [manifest()]
    state.events = [
      { type: 'restore:table', table: 'clients', created: true, addedColumns: [] },
      { type: 'restore:table', table: 'users', created: false, addedColumns: ['phone', 'email'] },
      { type: 'restore:table', table: 'codes', created: false, addedColumns: [] },
      { type: 'restore:progress', table: 'clients', rows: 500, total: 1200 },
      { type: 'restore:verified', table: 'clients', verified: true, rowsNow: 1200, expectedRows: 1200 },
    ]
    state.restore = {
      ok: true, id: 'x',
      tables: [{ table: 'clients', created: true, addedColumns: [], rowsLoaded: 1200, rowsNow: 1200, expectedRows: 1200, digestMatches: true, verified: true },
        { table: 'users', created: false, addedColumns: ['phone'], rowsLoaded: 2, rowsNow: 2, expectedRows: 2, digestMatches: true, verified: true }],
    }
    const out = recordingOutput({ interactive: true })
    io = captureStdio()
    const doc = await backupRestoreCommand(fakeSettings(), out, '20250101-000000-004-down', { tables: ' clients, users,, ' })
    io.restore()
    expect(state.restoreInput).toMatchObject({ id: '20250101-000000-004-down', tables: ['clients', 'users'], dir: '.strata/backups' })
    expect(io.stderr()).toBe('\r\x1b[K  clients: 500/1,200 rows\r\x1b[K')
    expect(out.logged).toEqual([
      'restore clients: table recreated from the backup\'s DDL',
      'restore users: columns phone, email added back',
      'restore codes: table exists',
      'restore clients: verified (1,200 rows now, 1,200 in the backup)',
    ])
    expect(out.tables[0]?.rows).toEqual([
      ['clients', 'yes', '-', '1,200', '1,200', '1,200', 'match', 'yes'],
      ['users', 'no', 'phone', '2', '2', '2', 'match', 'yes'],
    ])
    expect(doc).toMatchObject({ command: 'backup restore', db: 'cockroachdb', ok: true })
    expect(closed).toBe(1)
  })

  it('restore that cannot verify prints its document and fails with E_RESTORE_VERIFY naming the tables; no progress off a terminal', async () => {
    state.manifests = [manifest()]
    state.events = [
      { type: 'restore:progress', table: 'clients', rows: 500, total: 1200 },
      { type: 'restore:verified', table: 'clients', verified: false, rowsNow: 1201, expectedRows: 1200 },
    ]
    state.restore = {
      ok: false, id: 'x',
      tables: [{ table: 'clients', created: false, addedColumns: [], rowsLoaded: 1200, rowsNow: 1201, expectedRows: 1200, digestMatches: false, verified: false },
        { table: 'users', created: false, addedColumns: [], rowsLoaded: 2, rowsNow: 1, expectedRows: 2, digestMatches: true, verified: false },
        { table: 'codes', created: false, addedColumns: [], rowsLoaded: 2, rowsNow: 2, expectedRows: 2, digestMatches: true, verified: true }],
    }
    const out = recordingOutput({ json: true })
    io = captureStdio()
    const err = await backupRestoreCommand(fakeSettings(), out, '20250101-000000-004-down', {}).catch((e: unknown) => e)
    io.restore()
    expect(io.stderr()).toBe('')
    expect(out.logged).toEqual(['restore clients: NOT verified (1,201 rows now, 1,200 in the backup)'])
    expect(state.restoreInput).toMatchObject({ tables: undefined })
    expect(err).toMatchObject({
      code: 'E_RESTORE_VERIFY', details: { reported: true },
      message: 'restore of 20250101-000000-004-down loaded the rows but could not verify clients (1201 rows now, 1200 in the backup, digest differs), users (1 rows now, 2 in the backup): rows written since the backup, or rows lost',
    })
    expect(out.documents).toEqual([expect.objectContaining({ command: 'backup restore', ok: false })])
    expect(closed).toBe(1)
  })
})
