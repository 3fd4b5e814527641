import { describe, expect, it } from 'vitest'
import { MemoryAdapter } from './memory-adapter.js'
import { Migrator } from './migrator.js'
import { compareSchema, expectedSchema } from './schema-expectations.js'
import { sqlMigration } from './test-helpers.js'

describe('schema expectations', () => {
  it('folds creates, drops and added columns in order', () => {
    const e = expectedSchema([
      { version: '001', statements: ['CREATE TABLE IF NOT EXISTS ks.users (id uuid PRIMARY KEY)', 'CREATE INDEX IF NOT EXISTS users_email_idx ON ks.users (email)'] },
      { version: '002', statements: ['-- comment\nCREATE TABLE "Mixed" (id int)', 'CREATE MATERIALIZED VIEW ks.by_email AS SELECT * FROM ks.users WHERE email IS NOT NULL PRIMARY KEY (email, id)'] },
      { version: '003', statements: ['ALTER TABLE ks.users ADD locale text', 'DROP TABLE "Mixed"', 'ALTER TABLE users ADD COLUMN IF NOT EXISTS tz TEXT'] },
    ])
    expect([...e.tables.keys()]).toEqual(['users'])
    expect([...(e.tables.get('users')?.columns ?? [])]).toEqual(['locale', 'tz'])
    expect([...e.indexes.keys()]).toEqual(['users_email_idx'])
    expect([...e.views.keys()]).toEqual(['by_email'])
  })

  it('reports missing objects as drift and unknown tables separately', () => {
    const e = expectedSchema([{ version: '001', statements: ['CREATE TABLE users (id int)', 'ALTER TABLE users ADD locale text', 'CREATE INDEX i ON users (id)'] }])
    const drift = compareSchema(e, { tables: [{ name: 'users', columns: [{ name: 'id', type: 'int' }] }, { name: 'extra', columns: [] }], indexes: [], views: [] })
    expect(drift.map((d) => d.kind).sort()).toEqual(['missing-column', 'missing-index', 'unexpected-table'])
  })

  it('validate() reports a dropped table, a pending file and passes on a clean set', async () => {
    const adapter = new MemoryAdapter()
    const migrations = [sqlMigration('001', ['CREATE TABLE a (id int)']), sqlMigration('002', ['CREATE TABLE b (id int)'])]
    const m = new Migrator({ adapter, migrations })
    await m.up()
    expect((await m.validate()).ok).toBe(true)
    adapter.db.tables.delete('b')
    const bad = await m.validate()
    expect(bad.ok).toBe(false)
    expect(bad.issues.map((i) => i.message).join()).toContain('table b (created by 002) is missing')
    const withPending = new Migrator({ adapter, migrations: [...migrations, sqlMigration('003', ['CREATE TABLE c (id int)'])] })
    expect((await withPending.validate()).issues.some((i) => i.message.includes('pending'))).toBe(true)
  })

  it('report() gives version, counts, durations and last errors', async () => {
    const adapter = new MemoryAdapter({ failOn: (t) => t.includes('BROKEN') })
    const m = new Migrator({ adapter, migrations: [sqlMigration('001', ['CREATE TABLE a (id int)']), sqlMigration('002', ['BROKEN'])] })
    await m.up().catch(() => {})
    const r = await m.report()
    expect(r.schemaVersion).toBe('001')
    expect(r.counts).toMatchObject({ applied: 1, failed: 1 })
    expect(r.lastErrors[0]?.error).toContain('statement 1 failed')
    expect(r.lock).toBeNull()
  })
})
