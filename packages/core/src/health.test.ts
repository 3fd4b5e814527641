import { describe, expect, it } from 'vitest'
import { StrataError } from './errors.js'
import { checkHealth, worstCheck, type HealthReport } from './health.js'
import { MemoryAdapter, MemoryDatabase } from './memory-adapter.js'
import { Migrator } from './migrator.js'
import { row, sqlMigration } from './test-helpers.js'
import type { PreflightInfo } from './types.js'

const m1 = sqlMigration('001', ['CREATE TABLE a (id int)'])
const m2 = sqlMigration('002', ['CREATE TABLE b (id int)'])

function migrator(opts: { db?: MemoryDatabase; preflight?: () => Promise<PreflightInfo>; migrations?: ReturnType<typeof sqlMigration>[] } = {}): Migrator {
  const adapter = new MemoryAdapter({ db: opts.db })
  if (opts.preflight) Object.assign(adapter, { preflight: opts.preflight })
  return new Migrator({ adapter, migrations: opts.migrations ?? [m1, m2] })
}

const check = (r: HealthReport, name: string) => r.checks.find((c) => c.name === name)

describe('checkHealth', () => {
  it('reports a single server with a free lock and an empty history as healthy', async () => {
    const r = await checkHealth(migrator())
    expect(r).toMatchObject({ ok: true, set: 'default', schemaVersion: null, waiting: [] })
    expect(r.nodes).toBeUndefined()
    expect(r.checks).toEqual([
      { name: 'connection', ok: true, detail: 'connected to memory' },
      { name: 'nodes', ok: true, detail: 'single server' },
      { name: 'lock', ok: true, detail: 'free' },
      { name: 'history', ok: true, detail: 'schema version (none)' },
    ])
    expect(worstCheck(r)).toBeUndefined()
  })

  it('names the schema version once migrations are applied, and the lock holder', async () => {
    const db = new MemoryDatabase()
    await migrator({ db }).up()
    db.locks.set('default', { set: 'default', owner: 'host-a:42', token: 't', acquiredAt: new Date(), expiresAt: new Date(Date.now() + 60_000) })
    const r = await checkHealth(migrator({ db }))
    expect(r.ok).toBe(true)
    expect(r.schemaVersion).toBe('002')
    expect(check(r, 'history')?.detail).toBe('schema version 002')
    expect(check(r, 'lock')?.detail).toBe('held by host-a:42')
  })

  it('says an expired lock will be taken over by the next run', async () => {
    const db = new MemoryDatabase()
    db.locks.set('default', { set: 'default', owner: 'gone:1', token: 't', acquiredAt: new Date(0), expiresAt: new Date(1000) })
    const r = await checkHealth(migrator({ db }))
    expect(check(r, 'lock')).toEqual({ name: 'lock', ok: true, detail: 'held by gone:1 (expired: the next run takes it over)' })
  })

  it('fails the history check with E_VALIDATION counting failed, partial and missing migrations', async () => {
    const db = new MemoryDatabase()
    db.history.set('default\u0000001', row('001', m1, { status: 'failed', statementsDone: 0 }))
    db.history.set('default\u0000002', row('002', m2, { status: 'running', statementsDone: 0 }))
    db.history.set('default\u0000003', row('003', undefined))
    const r = await checkHealth(migrator({ db }))
    expect(r.ok).toBe(false)
    expect(check(r, 'history')).toEqual({ name: 'history', ok: false, code: 'E_VALIDATION', detail: '3 failed, partial or missing migrations' })
    expect(worstCheck(r)?.name).toBe('history')
  })

  it('uses the singular for one broken migration', async () => {
    const db = new MemoryDatabase()
    db.history.set('default\u0000001', row('001', m1, { status: 'failed', statementsDone: 0 }))
    const r = await checkHealth(migrator({ db }))
    expect(check(r, 'history')?.detail).toBe('1 failed, partial or missing migration')
  })

  it('lists every node up and in agreement', async () => {
    const nodes = [{ address: '10.0.0.1', up: true }, { address: '10.0.0.2', up: true }]
    const r = await checkHealth(migrator({ preflight: async () => ({ nodes }) }))
    expect(r.ok).toBe(true)
    expect(r.nodes).toEqual(nodes)
    expect(check(r, 'nodes')).toEqual({ name: 'nodes', ok: true, detail: '2/2 up, schema in agreement' })
  })

  it('fails with E_CLUSTER_UNHEALTHY naming the down nodes and their errors', async () => {
    const nodes = [{ address: '10.0.0.1', up: true }, { address: '10.0.0.2', up: false, error: 'timed out' }, { address: '10.0.0.3', up: false }]
    const r = await checkHealth(migrator({ preflight: async () => ({ nodes }) }))
    expect(r.ok).toBe(false)
    expect(check(r, 'nodes')).toEqual({ name: 'nodes', ok: false, code: 'E_CLUSTER_UNHEALTHY', detail: '1/3 up; down: 10.0.0.2 [timed out], 10.0.0.3' })
  })

  it('counts an unreachable cluster (environment error) as its contact node down', async () => {
    const r = await checkHealth(migrator({ preflight: async () => { throw new StrataError('E_PERMISSION', 'no SELECT on system.peers\nhint: grant it') } }))
    expect(check(r, 'nodes')).toEqual({ name: 'nodes', ok: false, code: 'E_CLUSTER_UNHEALTHY', detail: '0/1 up; down: memory [no SELECT on system.peers]' })
    expect(r.nodes).toEqual([{ address: 'memory', up: false, error: 'no SELECT on system.peers' }])
  })

  it('fails the nodes check with the error\'s own code (first line only) when preflight fails otherwise', async () => {
    const r = await checkHealth(migrator({ preflight: async () => { throw new StrataError('E_CONFIG', 'bad contact point\nsee docs') } }))
    expect(check(r, 'nodes')).toEqual({ name: 'nodes', ok: false, code: 'E_CONFIG', detail: 'bad contact point' })
    expect(r.checks.filter((c) => c.name === 'nodes')).toHaveLength(1)
    expect(r.nodes).toBeUndefined()
  })

  it('counts a non-Strata failure as E_VALIDATION', async () => {
    const r = await checkHealth(migrator({ preflight: async () => { throw new TypeError('bug') } }))
    expect(check(r, 'nodes')).toEqual({ name: 'nodes', ok: false, code: 'E_VALIDATION', detail: 'bug' })
  })

  it('fails the history check with the error\'s code when history cannot be read, instead of throwing', async () => {
    const adapter = new MemoryAdapter()
    adapter.history.list = async () => { throw new StrataError('E_UNAVAILABLE', 'not enough replicas') }
    const r = await checkHealth(new Migrator({ adapter, migrations: [m1] }))
    expect(r.ok).toBe(false)
    expect(r.schemaVersion).toBeNull()
    expect(check(r, 'history')).toEqual({ name: 'history', ok: false, code: 'E_UNAVAILABLE', detail: 'not enough replicas' })
    expect(check(r, 'lock')).toBeUndefined()
  })

  it('checks compatibility with the app and lists the versions waiting for a newer app', async () => {
    const db = new MemoryDatabase()
    await migrator({ db, migrations: [m1] }).up()
    const m3 = sqlMigration('003', ['CREATE TABLE c (id int)'])
    const r = await checkHealth(migrator({ db, migrations: [m1, m2, m3] }), { app: { schemaVersion: '001' } })
    expect(r.ok).toBe(true)
    expect(check(r, 'compatibility')).toEqual({ name: 'compatibility', ok: true, detail: 'database schema version 001 is supported (app 001)' })
    expect(r.waiting).toEqual(['002', '003'])
    expect(check(r, 'waiting')).toEqual({ name: 'waiting', ok: true, detail: '002, 003 wait for a newer app' })
  })

  it('uses the singular for one waiting version', async () => {
    const db = new MemoryDatabase()
    await migrator({ db, migrations: [m1] }).up()
    const r = await checkHealth(migrator({ db }), { app: { schemaVersion: '001' } })
    expect(check(r, 'waiting')?.detail).toBe('002 waits for a newer app')
  })

  it('fails with E_INCOMPATIBLE_SCHEMA when the database is older than the app supports, and adds no waiting line when none waits', async () => {
    const r = await checkHealth(migrator({ migrations: [m1] }), { app: { schemaVersion: '001', minimumSupported: '001' } })
    expect(r.ok).toBe(false)
    expect(check(r, 'compatibility')).toMatchObject({ ok: false, code: 'E_INCOMPATIBLE_SCHEMA' })
    expect(check(r, 'waiting')).toBeUndefined()
  })

  it('is reachable through Migrator.checkHealth', async () => {
    const r = await migrator().checkHealth()
    expect(r.checks.map((c) => c.name)).toEqual(['connection', 'nodes', 'lock', 'history'])
  })
})

describe('worstCheck', () => {
  const report = (checks: HealthReport['checks']): HealthReport => ({ ok: false, set: 'default', schemaVersion: null, checks, waiting: [] })

  it('prefers an environment failure (exit 5) over a history failure (exit 3)', () => {
    const worst = worstCheck(report([
      { name: 'history', ok: false, code: 'E_VALIDATION', detail: 'h' },
      { name: 'nodes', ok: false, code: 'E_CLUSTER_UNHEALTHY', detail: 'n' },
      { name: 'lock', ok: true, detail: 'free' },
    ]))
    expect(worst?.name).toBe('nodes')
  })

  it('treats a failed check without a code as E_VALIDATION', () => {
    const worst = worstCheck(report([{ name: 'history', ok: false, detail: 'h' }, { name: 'compatibility', ok: false, code: 'E_INCOMPATIBLE_SCHEMA', detail: 'c' }]))
    expect(worst?.name).toBe('compatibility')
    expect(worstCheck(report([{ name: 'history', ok: false, detail: 'h' }, { name: 'lock', ok: false, detail: 'l' }]))?.name).toBe('history')
  })
})
