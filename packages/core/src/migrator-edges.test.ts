import { describe, expect, it } from 'vitest'
import { StrataError } from './errors.js'
import { MemoryAdapter, MemoryDatabase } from './memory-adapter.js'
import { Migrator } from './migrator.js'
import { row, sqlMigration } from './test-helpers.js'
import type { PreflightInfo } from './types.js'

const a = sqlMigration('001', ['CREATE TABLE a (id int)'])
const b = sqlMigration('002', ['CREATE TABLE b (id int)'])

describe('Migrator: construction and loading', () => {
  it('refuses to be built without a directory or a list of migrations', () => {
    expect(() => new Migrator({ adapter: new MemoryAdapter() })).toThrowError(expect.objectContaining({
      code: 'E_CONFIG', message: 'Migrator needs a migration directory (dir) or a list of migrations',
    }))
  })

  it('merges a directory\'s files with code migrations, in version order, reporting files it ignores', async () => {
    const io = { readdir: async () => ['002_b.sql', 'README.md'], readFile: async () => 'CREATE TABLE b (id int);\n' }
    const m = new Migrator({ adapter: new MemoryAdapter(), dir: '/migrations', io, migrations: [a] })
    const ignored: string[] = []
    m.on('file:ignored', (e) => ignored.push(e.file))
    const loaded = await m.load()
    expect(loaded.map((x) => [x.version.raw, x.file])).toEqual([['001', '001_m001.sql'], ['002', '002_b.sql']])
    expect(ignored).toEqual(['README.md'])
    await m.up()
    expect((await m.status()).current).toBe('002')
  })

  it('plans without taking the lock', async () => {
    const db = new MemoryDatabase()
    db.locks.set('default', { set: 'default', owner: 'other', token: 't', acquiredAt: new Date(), expiresAt: new Date(Date.now() + 60_000) })
    const plan = await new Migrator({ adapter: new MemoryAdapter({ db }), migrations: [a, b] }).plan({ direction: 'up', target: '001' })
    expect(plan.steps.map((s) => s.migration.version.raw)).toEqual(['001'])
    expect(db.locks.get('default')?.owner).toBe('other')
  })
})

describe('Migrator.nodeHealth', () => {
  const withPreflight = (preflight: () => Promise<PreflightInfo>) => new Migrator({ adapter: Object.assign(new MemoryAdapter(), { preflight }), migrations: [a] })

  it('is undefined for an adapter without preflight (a single server)', async () => {
    expect(await new Migrator({ adapter: new MemoryAdapter(), migrations: [a] }).nodeHealth()).toBeUndefined()
  })

  it('returns the nodes a failed preflight names in its details', async () => {
    const nodes = [{ address: 'n1', up: true }, { address: 'n2', up: false }]
    expect(await withPreflight(async () => { throw new StrataError('E_CLUSTER_UNHEALTHY', 'n2 down', { details: { nodes } }) }).nodeHealth()).toEqual(nodes)
  })

  it('counts the contact node down on an environment error', async () => {
    expect(await withPreflight(async () => { throw new StrataError('E_CONNECTION', 'refused\nmore') }).nodeHealth())
      .toEqual([{ address: 'memory', up: false, error: 'refused' }])
  })

  it('rethrows any other error', async () => {
    await expect(withPreflight(async () => { throw new Error('bug') }).nodeHealth()).rejects.toThrow('bug')
    await expect(withPreflight(async () => { throw new StrataError('E_CONFIG', 'bad') }).nodeHealth()).rejects.toMatchObject({ code: 'E_CONFIG' })
  })
})

describe('Migrator.recommendations', () => {
  it('recommends checking health when history cannot be read for an environment reason', async () => {
    const adapter = new MemoryAdapter()
    adapter.lock.inspect = async () => { throw new StrataError('E_UNAVAILABLE', 'cannot achieve consistency level QUORUM') }
    const recs = await new Migrator({ adapter, migrations: [a] }).recommendations()
    expect(recs).toEqual([expect.objectContaining({ id: 'state-unreadable', severity: 'critical', message: expect.stringContaining('(E_UNAVAILABLE): cannot achieve consistency level QUORUM') })])
  })

  it('rethrows a read error that is not the environment\'s', async () => {
    const adapter = new MemoryAdapter()
    adapter.history.list = async () => { throw new TypeError('bug in the store') }
    await expect(new Migrator({ adapter, migrations: [a] }).recommendations()).rejects.toThrow('bug in the store')
  })
})

describe('Migrator.baseline', () => {
  it('refuses a version that is not a known migration with E_UNKNOWN_TARGET', async () => {
    await expect(new Migrator({ adapter: new MemoryAdapter(), migrations: [a] }).baseline('007'))
      .rejects.toMatchObject({ code: 'E_UNKNOWN_TARGET', version: '007', message: 'baseline version 007 is not a known migration' })
  })

  it('leaves applied migrations as they are and baselines only the rest', async () => {
    const adapter = new MemoryAdapter()
    await new Migrator({ adapter, migrations: [a] }).up()
    const m = new Migrator({ adapter, migrations: [a, b] })
    expect(await m.baseline('002')).toEqual(['002'])
    expect((await m.status()).rows.map((r) => r.state)).toEqual(['applied', 'baselined'])
    expect(await m.baseline('002')).toEqual([])
  })
})

describe('Migrator.up: edges of the run', () => {
  it('creates the target once the run is known good, and says so in the result and an event', async () => {
    const adapter = Object.assign(new MemoryAdapter(), { createTarget: async () => 'keyspace app' })
    const m = new Migrator({ adapter, migrations: [a] })
    const created: string[] = []
    m.on('target:created', (e) => created.push(e.what))
    const r = await m.up({ createTarget: true })
    expect(r.createdTarget).toBe('keyspace app')
    expect(created).toEqual(['keyspace app'])
  })

  it('reports in a dry run what it would create', async () => {
    const adapter = Object.assign(new MemoryAdapter(), { missingTarget: async () => 'database app' })
    const r = await new Migrator({ adapter, migrations: [a] }).up({ dryRun: true, createTarget: true })
    expect(r).toMatchObject({ dryRun: true, createdTarget: 'database app' })
    expect(adapter.db.executed).toEqual([])
  })

  it('refuses under the lease what the history read there shows wrong, when the first read failed', async () => {
    const adapter = new MemoryAdapter()
    adapter.db.history.set('default\u0000001', row('001', a, { checksum: 'edited' }))
    const list = adapter.history.list.bind(adapter.history)
    let calls = 0
    adapter.history.list = async (set) => {
      if (calls++ === 0) throw new Error('unconfigured table strata_history')
      return list(set)
    }
    const m = new Migrator({ adapter, migrations: [a, b] })
    const events: string[] = []
    m.onAny((name) => events.push(name))
    await expect(m.up()).rejects.toMatchObject({ code: 'E_CHECKSUM_MISMATCH' })
    expect(events).toContain('lock:acquired')
    expect(adapter.db.executed).toEqual([])
    expect(adapter.db.locks.size).toBe(0)
  })

  it('stops before the first step when a graceful stop arrives once the lease is taken', async () => {
    const adapter = new MemoryAdapter()
    const stop = new AbortController()
    const m = new Migrator({ adapter, migrations: [a, b] })
    m.on('plan', () => stop.abort(new StrataError('E_INTERRUPTED', 'interrupted')))
    await expect(m.up({ stop: stop.signal })).rejects.toMatchObject({ code: 'E_INTERRUPTED' })
    expect(adapter.db.executed).toEqual([])
    expect(adapter.db.locks.size).toBe(0)
  })

  it('keeps waiting for the lock while history cannot be re-read, then times out', async () => {
    const db = new MemoryDatabase()
    db.locks.set('default', { set: 'default', owner: 'deployer-1', token: 't', acquiredAt: new Date(), expiresAt: new Date(Date.now() + 60_000) })
    const adapter = new MemoryAdapter({ db })
    let calls = 0
    adapter.history.list = async () => {
      if (calls++ === 0) return []
      throw new Error('read timeout')
    }
    await expect(new Migrator({ adapter, migrations: [a], lockWaitMs: 250 }).up()).rejects.toMatchObject({ code: 'E_LOCK_TIMEOUT' })
    expect(calls).toBeGreaterThan(1)
    expect(db.executed).toEqual([])
  })
})
