import { describe, expect, it } from 'vitest'
import { isStrataError } from './errors.js'
import type { MigratorEvents } from './events.js'
import { MemoryAdapter, MemoryDatabase } from './memory-adapter.js'
import { Migrator } from './migrator.js'
import { renderSchemaChanges } from './schema-diff.js'
import { sqlMigration } from './test-helpers.js'

const M1 = sqlMigration('001', ['CREATE TABLE users (id int, name text, PRIMARY KEY (id))', 'CREATE INDEX users_name ON users (name)'])
const M2 = sqlMigration('002', ['CREATE TABLE tokens (id int, user_id int, PRIMARY KEY (id))'])
const M3 = sqlMigration('003', ['ALTER TABLE users ADD locale text', 'DROP INDEX users_name'])
const M4 = sqlMigration('004', ['CREATE VIEW names AS SELECT name FROM users'])

const keys = (a: MemoryAdapter): string[] => [...a.db.snapshots.values()].map((s) => `${s.which} ${s.version}`).sort()

function collectLogs(m: Migrator): MigratorEvents['log'][] {
  const logs: MigratorEvents['log'][] = []
  m.on('log', (e) => logs.push(e))
  return logs
}

describe('schema snapshots', () => {
  it('takes one before the first migration of a run and one after each applied migration', async () => {
    const adapter = new MemoryAdapter()
    const m = new Migrator({ adapter, migrations: [M1, M2, M3] })
    const saved: string[] = []
    m.on('snapshot:saved', (e) => saved.push(`${e.which} ${e.version}`))
    await m.up()
    expect(saved).toEqual(['before 001', 'after 001', 'after 002', 'after 003'])
    expect(keys(adapter)).toEqual(['after 001', 'after 002', 'after 003', 'before 001'])
    // A later run stores its own 'before' (someone may have changed the schema in between).
    await new Migrator({ adapter, migrations: [M1, M2, M3, M4] }).up()
    expect(keys(adapter)).toEqual(['after 001', 'after 002', 'after 003', 'after 004', 'before 001', 'before 004'])
  })

  it("'run' takes one before the run and one after its last migration; 'auto' is 'each' up to 10 migrations, 'run' beyond", async () => {
    const saved = async (snapshots: 'run' | 'auto' | true, migrations: ReturnType<typeof sqlMigration>[]): Promise<string[]> => {
      const m = new Migrator({ adapter: new MemoryAdapter(), migrations, snapshots })
      const out: string[] = []
      m.on('snapshot:saved', (e) => out.push(`${e.which} ${e.version}`))
      await m.up()
      return out
    }
    expect(await saved('run', [M1, M2, M3])).toEqual(['before 001', 'after 003'])
    expect(await saved('auto', [M1, M2, M3])).toEqual(['before 001', 'after 001', 'after 002', 'after 003'])
    const many = Array.from({ length: 11 }, (_, i) => sqlMigration(String(i + 1).padStart(3, '0'), [`CREATE TABLE t${i + 1} (id int, PRIMARY KEY (id))`]))
    expect(await saved(true, many)).toEqual(['before 001', 'after 011'])
    expect(await saved(true, many.slice(0, 10))).toHaveLength(11)
  })

  it("'run' keeps the schema after the last applied migration when a later one fails", async () => {
    const adapter = new MemoryAdapter({ failOn: (text) => (text.includes('broken') ? new Error('boom') : undefined) })
    const bad = sqlMigration('003', ['CREATE TABLE broken (id int, PRIMARY KEY (id))'])
    const m = new Migrator({ adapter, migrations: [M1, M2, bad], snapshots: 'run' })
    await expect(m.up()).rejects.toMatchObject({ code: 'E_MIGRATION_FAILED' })
    expect(keys(adapter)).toEqual(['after 002', 'before 001'])
  })

  it('show: after, and before resolved from the previous migration of the same run', async () => {
    const adapter = new MemoryAdapter()
    const m = new Migrator({ adapter, migrations: [M1, M2, M3] })
    await m.up()
    const before1 = await m.snapshot('001', { before: true })
    expect(before1.source).toMatchObject({ version: '001', which: 'before' })
    expect(before1.document.schema.tables).toEqual([])
    const before3 = await m.snapshot('3', { before: true })
    expect(before3.source).toMatchObject({ version: '002', which: 'after' })
    expect(before3.document.schema.tables.map((t) => t.name)).toEqual(['tokens', 'users'])
    const after3 = await m.snapshot('003')
    expect(after3.document).toMatchObject({ format: 'sql', set: 'default', version: '003', which: 'after', source: 'memory' })
    expect(after3.document.ddl).toContain('locale text')
    expect(after3.document.schema.tables.find((t) => t.name === 'users')?.columns.map((c) => c.name)).toEqual(['id', 'name', 'locale'])
  })

  it('diff 001 003 lists exactly the changes of 002 and 003', async () => {
    const adapter = new MemoryAdapter()
    const m = new Migrator({ adapter, migrations: [M1, M2, M3] })
    await m.up()
    const d = await m.snapshotDiff('001', '003')
    expect(renderSchemaChanges(d.changes)).toEqual(['+ table tokens (id int, user_id int)', '+ column users.locale text', '- index users_name'])
    expect((await m.snapshotDiff('003', '003')).changes).toEqual([])
  })

  it('E_NO_SNAPSHOT (exit 2) for a version without a snapshot, E_USAGE for a non-version', async () => {
    const adapter = new MemoryAdapter()
    const m = new Migrator({ adapter, migrations: [M1] })
    const none = await m.snapshot('001').catch((e: unknown) => e)
    expect(isStrataError(none, 'E_NO_SNAPSHOT') && none.exitCode).toBe(2)
    await m.up()
    const err = await m.snapshotDiff('001', '007').catch((e: unknown) => e)
    expect(isStrataError(err, 'E_NO_SNAPSHOT')).toBe(true)
    expect((err as Error).message).toBe('no schema snapshot after version 007 in set "default" (snapshots after: 001)')
    expect(isStrataError(await m.snapshot('latest').catch((e: unknown) => e), 'E_USAGE')).toBe(true)
    const bare = new Migrator({ adapter: new MemoryAdapter({ snapshots: false }), migrations: [M1] })
    await bare.up()
    expect(isStrataError(await bare.snapshot('001').catch((e: unknown) => e), 'E_NO_SNAPSHOT')).toBe(true)
  })

  it('a capture failure does not fail a migration that succeeded: warn and go on', async () => {
    let calls = 0
    const adapter = new MemoryAdapter({ failCapture: () => (++calls === 2 ? new Error('catalog read timed out') : undefined) })
    const m = new Migrator({ adapter, migrations: [M1, M2] })
    const logs = collectLogs(m)
    const r = await m.up()
    expect(r.steps.map((s) => s.version)).toEqual(['001', '002'])
    expect((await m.status()).rows.map((x) => x.state)).toEqual(['applied', 'applied'])
    expect(keys(adapter)).toEqual(['after 002', 'before 001'])
    expect(logs).toEqual([expect.objectContaining({ level: 'warn', message: expect.stringContaining('schema snapshot after 001 not taken (the migration itself is not affected): catalog read timed out') })])
  })

  it('a store that cannot create its table turns snapshots off for the run, once', async () => {
    const adapter = new MemoryAdapter()
    ;(adapter.snapshots as { ensure: () => Promise<void> }).ensure = async () => {
      throw new Error('permission denied to create table')
    }
    const m = new Migrator({ adapter, migrations: [M1, M2] })
    const logs = collectLogs(m)
    expect((await m.up()).steps).toHaveLength(2)
    expect(logs.map((l) => l.message)).toEqual(['schema snapshots are off for this run: cannot create their table: permission denied to create table'])
  })

  it('snapshots: false takes none', async () => {
    const adapter = new MemoryAdapter()
    await new Migrator({ adapter, migrations: [M1, M2], snapshots: false }).up()
    expect(adapter.db.snapshots.size).toBe(0)
    expect(adapter.db.snapshotsEnsured).toBe(false)
  })

  it('down keeps the snapshots of rolled-back versions; validate compares with the newest applied version', async () => {
    const adapter = new MemoryAdapter()
    const down3 = { ...M3, downStatements: [{ index: 0, text: 'ALTER TABLE users DROP locale', hash: 'd3' }, { index: 1, text: 'CREATE INDEX users_name ON users (name)', hash: 'd3b' }] }
    const m = new Migrator({ adapter, migrations: [M1, M2, down3] })
    await m.up()
    await m.down({ steps: 1 })
    expect(keys(adapter)).toEqual(['after 001', 'after 002', 'after 003', 'before 001'])
    const v = await m.validate()
    expect(v.checked.snapshot).toBe('002')
    expect(v.drift).toEqual([])
    expect(v.ok).toBe(true)
  })

  it('validate names each table, column and index changed outside Strata', async () => {
    const adapter = new MemoryAdapter()
    const m = new Migrator({ adapter, migrations: [M1, M2, M3] })
    await m.up()
    expect((await m.validate()).ok).toBe(true)
    await adapter.execute('ALTER TABLE users ADD nickname text')
    await adapter.execute('ALTER TABLE tokens ALTER COLUMN user_id TYPE bigint')
    await adapter.execute('CREATE INDEX tokens_user ON tokens (user_id)')
    await adapter.execute('CREATE TABLE scratch (id int)')
    const v = await m.validate()
    expect(v.ok).toBe(false)
    expect(v.issues.filter((i) => i.severity === 'error').map((i) => i.message)).toEqual([
      'drift: table scratch added outside Strata (not in the snapshot after 003)',
      'drift: column tokens.user_id type changed from int to bigint outside Strata (differs from the snapshot after 003)',
      'drift: index tokens_user added outside Strata (not in the snapshot after 003)',
      'drift: column users.nickname (text) added outside Strata (not in the snapshot after 003)',
    ])
    // The expectation check's "unexpected table" warning is replaced by the drift error.
    expect(v.issues.some((i) => i.message.includes('table scratch exists but no applied migration'))).toBe(false)
    expect(v.drift.find((d) => d.name === 'users.nickname')?.change).toMatchObject({ object: 'column', change: 'added', table: 'users', name: 'nickname' })
  })

  it('a table dropped by hand is reported once, from the snapshot', async () => {
    const adapter = new MemoryAdapter()
    const m = new Migrator({ adapter, migrations: [M1, M2] })
    await m.up()
    await adapter.execute('DROP TABLE tokens')
    const v = await m.validate()
    expect(v.issues.map((i) => i.message)).toEqual(['drift: table tokens removed outside Strata (present in the snapshot after 002)'])
    expect(v.checked.basis).toEqual({ kind: 'snapshot', version: '002' })
  })

  it('without a snapshot validate replays the applied migrations in a scratch database and compares with that', async () => {
    const adapter = new MemoryAdapter()
    const m = new Migrator({ adapter, migrations: [M1], snapshots: false })
    await m.up()
    expect((await m.validate()).ok).toBe(true)
    await adapter.execute('ALTER TABLE users ADD nickname text')
    const v = await m.validate()
    expect(v.checked).toMatchObject({ snapshot: null, basis: { kind: 'replay', versions: ['001'] } })
    expect(v.ok).toBe(false)
    expect(v.issues.map((i) => i.message)).toEqual(['drift: column users.nickname (text) added outside Strata (not made by the applied migrations up to 001, replayed in a scratch database)'])
  })

  it('baseline records the schema after the baselined version, so later drift is found', async () => {
    const adapter = new MemoryAdapter()
    await adapter.execute('CREATE TABLE users (id int, name text, PRIMARY KEY (id))')
    const m = new Migrator({ adapter, migrations: [M1, M2] })
    await m.baseline('001')
    expect(keys(adapter)).toEqual(['after 001'])
    await adapter.execute('ALTER TABLE users ADD nickname text')
    expect((await m.validate()).issues.map((i) => i.message)).toContain('drift: column users.nickname (text) added outside Strata (not in the snapshot after 001)')
  })

  it('another set migrating the same database later is not drift for this set', async () => {
    const db = new MemoryDatabase()
    const a = new Migrator({ adapter: new MemoryAdapter({ db }), migrations: [M1], set: 'a' })
    const b = new Migrator({ adapter: new MemoryAdapter({ db }), migrations: [sqlMigration('001', ['CREATE TABLE b_things (id int)'])], set: 'b' })
    await a.up()
    await new Promise((r) => setTimeout(r, 2))
    await b.up()
    expect((await a.validate()).ok).toBe(true)
    await new MemoryAdapter({ db }).execute('ALTER TABLE b_things ADD extra text')
    const v = await a.validate()
    expect(v.issues.filter((i) => i.severity === 'error').map((i) => i.message)).toEqual(['drift: column b_things.extra (text) added outside Strata (not in the snapshot after 001)'])
    // Set b rolls its table back: set a sees no drift (its snapshot never had b_things).
    await new MemoryAdapter({ db }).execute('DROP TABLE b_things')
    expect((await a.validate()).ok).toBe(true)
  })
})
