import { describe, expect, it } from 'vitest'
import { MemoryAdapter, type MemoryAdapterOptions } from '../memory-adapter.js'
import { Migrator } from '../migrator.js'
import { codeMigration, row, sqlMigration } from '../test-helpers.js'
import type { AppliedMigration, Migration } from '../types.js'
import { replayAppliedSchema } from './replay.js'

const users = sqlMigration('001', ['CREATE TABLE users (id int)'])
const two = sqlMigration('002', ['CREATE TABLE a (id int)', 'CREATE TABLE b (id int)', 'CREATE TABLE c (id int)'])

function replay(available: Migration[], applied: AppliedMigration[], opts: MemoryAdapterOptions = {}, placeholders: Record<string, string> = {}) {
  return replayAppliedSchema({ adapter: new MemoryAdapter(opts), available, applied, placeholders, MigratorClass: Migrator })
}

const tables = (r: Awaited<ReturnType<typeof replay>>) => (r.ok ? r.schema.tables.map((t) => t.name) : r.reason)

describe('replayAppliedSchema', () => {
  it('says the adapter cannot make a scratch database when it cannot capture a schema', async () => {
    expect(await replay([users], [row('001', users)], { snapshots: false })).toEqual({ ok: false, reason: 'the memory adapter cannot create a scratch database' })
  })

  it('says keyspace for a CQL adapter', async () => {
    const adapter = Object.assign(new MemoryAdapter({ snapshots: false }), { dialect: 'cql' as const })
    const r = await replayAppliedSchema({ adapter, available: [], applied: [], placeholders: {}, MigratorClass: Migrator })
    expect(r).toEqual({ ok: false, reason: 'the memory adapter cannot create a scratch keyspace' })
  })

  it('replays applied and baselined migrations into a scratch database and reports its schema', async () => {
    const r = await replay([users, two], [row('001', users), row('002', two, { status: 'baselined' })])
    expect(tables(r)).toEqual(['a', 'b', 'c', 'users'])
    expect(r).toMatchObject({ ok: true, versions: ['001', '002'] })
    expect(r).not.toHaveProperty('skippedPartial')
  })

  it('replays only the done statements of a failed file', async () => {
    const r = await replay([users, two], [row('001', users), row('002', two, { status: 'failed', statementsDone: 2 })])
    expect(tables(r)).toEqual(['a', 'b', 'users'])
  })

  it('skips rolled-back rows, failed rows with nothing done and data migrations', async () => {
    const data = sqlMigration('003', ['CREATE TABLE from_data (id int)'], { kind: 'data' })
    const r = await replay([users, two, data], [row('001', users, { status: 'rolled_back' }), row('002', two, { status: 'failed', statementsDone: 0 }), row('003', data)])
    expect(r).toEqual({ ok: true, schema: { tables: [], indexes: [], views: [] }, versions: [] })
  })

  it('skips a partial code migration and says so, since its done calls cannot be cut out', async () => {
    const code = codeMigration('002', async (ctx) => { await ctx.execute('CREATE TABLE x (id int)') })
    const r = await replay([users, code], [row('001', users), row('002', code, { status: 'running', statementsDone: 1 })])
    expect(r).toMatchObject({ ok: true, versions: ['001'], skippedPartial: '002' })
    const alone = await replay([code], [row('002', code, { status: 'running', statementsDone: 1 })])
    expect(alone).toEqual({ ok: true, schema: { tables: [], indexes: [], views: [] }, versions: [], skippedPartial: '002' })
  })

  it('refuses when an applied version has no migration file', async () => {
    expect(await replay([users], [row('001', users), row('009', undefined)])).toEqual({ ok: false, reason: 'applied version 009 has no migration file' })
  })

  it('refuses a code migration that names the target itself', async () => {
    const code = codeMigration('001', async (ctx) => { await ctx.execute('CREATE TABLE app.x (id int)') })
    const r = await replay([code], [row('001', code)], { targetName: 'app' })
    expect(r).toMatchObject({ ok: false, reason: expect.stringMatching(/^001_code001\.ts names the database app itself \(app\.x\)/) })
  })

  it('accepts the target named through a placeholder, which names the scratch database in the replay', async () => {
    const m = sqlMigration('001', ['CREATE TABLE ${keyspace}.users (id int)', 'CREATE TABLE ${other}.t (id int)'])
    const r = await replay([m], [row('001', m)], { targetName: 'App' }, { keyspace: 'app' })
    // The unknown ${other} stays as written for the check, then fails the replay itself.
    expect(r).toMatchObject({ ok: false, reason: expect.stringContaining('replaying the applied migrations in a scratch database failed: unknown placeholder ${other}') })
  })

  it('reports a statement that fails in the scratch database as the reason, and drops the scratch database', async () => {
    const dropped: boolean[] = []
    const adapter = new MemoryAdapter({ failOn: (t) => t.includes('b (') })
    const scratch = adapter.scratch.bind(adapter)
    adapter.scratch = async () => {
      const s = await scratch()
      return { ...s, drop: async () => { dropped.push(true); throw new Error('drop failed too') } }
    }
    const r = await replayAppliedSchema({ adapter, available: [two], applied: [row('002', two)], placeholders: {}, MigratorClass: Migrator })
    expect(r).toMatchObject({ ok: false, reason: expect.stringMatching(/^replaying the applied migrations in a scratch database failed: 002_m002\.sql: statement 2 failed/) })
    expect(dropped).toEqual([true])
  })
})
