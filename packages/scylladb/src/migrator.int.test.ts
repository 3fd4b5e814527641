import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Migrator, isStrataError, parseVersion, type MigratorEvents } from '@strata-migrate/core/adapter-kit'
import type { ScyllaAdapter } from './scylla-adapter.js'
import {
  countStmt, createCounterTable, freshKeyspace, migrationDir, openAdapter, readCounters, type TestKeyspace,
} from './testing/cassandra-fixture.js'

type Ev = { [K in keyof MigratorEvents]: { name: K; payload: MigratorEvents[K] } }[keyof MigratorEvents]

function record(m: Migrator): Ev[] {
  const events: Ev[] = []
  m.onAny((name, payload) => events.push({ name, payload } as Ev))
  return events
}

const SET = {
  '001_users.cql': `-- users, with an index
CREATE TABLE \${keyspace}.users (id uuid PRIMARY KEY, email text, name text);
CREATE INDEX users_email ON \${keyspace}.users (email);
`,
  '001_users.down.cql': 'DROP TABLE IF EXISTS ${keyspace}.users;\n',
  '002_events.cql': `/* events per user; unqualified names resolve to the migration keyspace */
CREATE TABLE events (
  user_id uuid, at timestamp, kind text, body text,
  PRIMARY KEY ((user_id), at)
) WITH CLUSTERING ORDER BY (at DESC);
CREATE MATERIALIZED VIEW events_by_kind AS
  SELECT user_id, at, kind FROM events
  WHERE kind IS NOT NULL AND user_id IS NOT NULL AND at IS NOT NULL
  PRIMARY KEY ((kind), user_id, at);
ALTER TABLE users ADD age int
`,
  '002_events.down.cql': `DROP MATERIALIZED VIEW IF EXISTS events_by_kind;
DROP TABLE IF EXISTS events;
ALTER TABLE users DROP age;
`,
  '003_seed.cql': `-- strata:kind data
INSERT INTO users (id, email, name) VALUES (11111111-1111-1111-1111-111111111111, 'a@example.com', 'semi;colon ''quoted''');
BEGIN BATCH
  INSERT INTO users (id, email, name) VALUES (22222222-2222-2222-2222-222222222222, 'b@example.com', 'b');
  INSERT INTO users (id, email, name) VALUES (33333333-3333-3333-3333-333333333333, 'c@example.com', 'c');
APPLY BATCH;
`,
  '003_seed.down.cql': 'TRUNCATE users;\n',
  '004_code.ts': `export const metadata = { kind: 'data' }
export async function up(ctx: any) {
  const rs = await ctx.client.execute('SELECT count(*) AS n FROM ' + ctx.keyspace + '.users')
  ctx.log('users before', { n: Number(rs.first().get('n')) })
  await ctx.execute('INSERT INTO users (id, email, name) VALUES (?, ?, ?)', ['44444444-4444-4444-4444-444444444444', 'd@example.com', 'from code'])
}
export async function down(ctx: any) {
  await ctx.execute('DELETE FROM users WHERE id = ?', ['44444444-4444-4444-4444-444444444444'])
}
`,
}

describe('Migrator end to end on real Cassandra', () => {
  let ks: TestKeyspace
  let adapter: ScyllaAdapter
  beforeAll(async () => {
    ks = await freshKeyspace('mig')
    adapter = await openAdapter(ks.name)
  })
  afterAll(async () => {
    await adapter?.close()
    await ks?.drop()
  })

  it('applies a multi-file set (DDL, view, batch, code), reports status, introspects and rolls back', async () => {
    const files = await migrationDir(SET)
    try {
      const m = new Migrator({ adapter, dir: files.dir, placeholders: { keyspace: ks.name } })
      const events = record(m)
      const r = await m.up()
      expect(r.steps.map((s) => s.version)).toEqual(['001', '002', '003', '004'])
      const preflight = events.find((e) => e.name === 'preflight')
      expect(preflight?.payload).toMatchObject({ serverVersion: expect.stringMatching(/^\d+\.\d+/) })
      expect((preflight?.payload as MigratorEvents['preflight']).nodes?.every((n) => n.up)).toBe(true)
      // Every DDL statement reports its (measured) agreement wait; DML reports 0.
      const done = events.filter((e): e is Extract<Ev, { name: 'statement:done' }> => e.name === 'statement:done')
      expect(done.map((e) => `${e.payload.version}.${e.payload.index}`)).toEqual(['001.1', '001.2', '002.1', '002.2', '002.3', '003.1', '003.2', '004.1'])
      expect(done.every((e) => e.payload.agreementWaitMs >= 0)).toBe(true)

      const status = await m.status()
      expect(status.current).toBe('004')
      expect(status.issues).toEqual([])
      const rows = await adapter.history.list('default')
      expect(rows).toHaveLength(4)
      for (const row of rows) {
        expect(row).toMatchObject({ status: 'applied', error: null, appliedBy: expect.stringContaining(':') })
        // A code migration has no statements up front; its journal counts ctx.execute calls (one here).
        const total = { '001': 2, '002': 3, '003': 2, '004': 1 }[row.version]
        expect(row).toMatchObject({ statementsDone: total, statementsTotal: total, statementsStarted: total })
        // Once applied, the journal is settled: the hashes were only needed to resume.
        expect(row.statementHashes).toEqual([])
        expect(row.agreementWaitMs).toBeGreaterThanOrEqual(0)
        expect(row.durationMs).toBeGreaterThanOrEqual(0)
      }
      expect(rows.find((x) => x.version === '003')?.kind).toBe('data')

      const users = await adapter.client.execute(`SELECT id, name FROM ${ks.name}.users`)
      expect(users.rowLength).toBe(4)
      expect(users.rows.map((u) => u.get('name'))).toContain("semi;colon 'quoted'")

      const snap = await adapter.introspect()
      expect(snap.tables.map((t) => t.name)).toEqual(['events', 'users'])
      expect(snap.tables.find((t) => t.name === 'users')?.columns).toEqual([
        { name: 'id', type: 'uuid' }, { name: 'age', type: 'int' }, { name: 'email', type: 'text' }, { name: 'name', type: 'text' },
      ])
      expect(snap.tables.find((t) => t.name === 'events')?.columns.map((c) => c.name)).toEqual(['user_id', 'at', 'body', 'kind'])
      expect(snap.indexes).toEqual([{ name: 'users_email', table: 'users' }])
      expect(snap.views).toEqual([{ name: 'events_by_kind', baseTable: 'events' }])

      expect((await m.up()).steps).toEqual([]) // nothing to do is a result
      const valid = await m.validate()
      expect(valid.checked.liveSchema).toBe(true)
      expect(valid.drift).toEqual([])

      const back = await m.down({ to: '001' })
      expect(back.steps.map((s) => s.version)).toEqual(['004', '003', '002'])
      const after = await adapter.history.list('default')
      expect(after.filter((x) => x.status === 'rolled_back').map((x) => x.version).sort()).toEqual(['002', '003', '004'])
      expect(after.find((x) => x.version === '001')?.status).toBe('applied')
      const snap2 = await adapter.introspect()
      expect(snap2.tables.map((t) => t.name)).toEqual(['users'])
      expect(snap2.views).toEqual([])
      expect((await m.status()).current).toBe('001')
      // Drift: an index an applied migration created, dropped by hand.
      await adapter.client.execute(`DROP INDEX ${ks.name}.users_email`)
      const report = await m.validate()
      expect(report.ok).toBe(false)
      expect(report.drift).toMatchObject([{ name: expect.stringContaining('users_email') }])
    } finally {
      await files.rm()
    }
  })

  it('fails at statement 7 of 10 naming file, statement and text; records 1–6; resumes at 7 once fixed', async () => {
    await createCounterTable(adapter)
    const stmts = Array.from({ length: 10 }, (_, i) => countStmt(100 + i + 1))
    const broken = [...stmts]
    broken[6] = 'UPDATE ${keyspace}.hits SET n = n + WHERE id = 107'
    const files = await migrationDir({ '001_ten.cql': broken.join(';\n') + ';\n' })
    try {
      const m = new Migrator({ adapter, dir: files.dir, set: 'ten', placeholders: { keyspace: ks.name } })
      const err = await m.up().catch((e: unknown) => e)
      expect(isStrataError(err, 'E_MIGRATION_FAILED')).toBe(true)
      const e = err as Error & { file?: string; statementIndex?: number; statement?: string }
      expect(e.file).toBe('001_ten.cql')
      expect(e.statementIndex).toBe(7)
      expect(e.message).toContain('001_ten.cql: statement 7 failed')
      expect(e.message).toContain(`SET n = n + WHERE id = 107`)
      expect(e.message).toMatch(/line 1:\d+/) // the server's own syntax message is kept
      const [row] = await adapter.history.list('ten')
      expect(row).toMatchObject({ status: 'failed', statementsDone: 6, statementsTotal: 10 })
      // The journal keeps how many are done and a chain over them, not a list of hashes: the row stays small.
      expect(row?.statementHashes).toEqual([])
      expect(row?.callChain).toMatch(/^[0-9a-f]{16,}$/)

      // Editing an applied statement of the partial file is refused, showing it.
      await files.write('001_ten.cql', [...broken.slice(0, 2), countStmt(999), ...broken.slice(3)].join(';\n'))
      await expect(m.up()).rejects.toMatchObject({ code: 'E_PARTIAL_EDITED' })

      await files.write('001_ten.cql', stmts.join(';\n') + ';\n')
      const events = record(m)
      const r = await m.up()
      expect(r.steps).toMatchObject([{ version: '001', resumedFrom: 6, statements: 10 }])
      expect(events.filter((x) => x.name === 'statement:skipped').map((x) => (x.payload as { index: number }).index)).toEqual([1, 2, 3, 4, 5, 6])
      expect(events.filter((x) => x.name === 'statement:done').map((x) => (x.payload as { index: number }).index)).toEqual([7, 8, 9, 10])
      const counters = await readCounters(adapter)
      for (let id = 101; id <= 110; id++) expect(counters.get(id), `statement ${id - 100}`).toBe(1)
      expect((await adapter.history.list('ten'))[0]).toMatchObject({ status: 'applied', statementsDone: 10, error: null })
    } finally {
      await files.rm()
    }
  })

  it('never takes a live owner’s lock: the heartbeat keeps it past its TTL', async () => {
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    let started!: () => void
    const running = new Promise<void>((r) => (started = r))
    const ttlMs = 5000
    const slow = {
      version: parseVersion('001'), name: 'slow', kind: 'data' as const, checksum: 'slow', file: '001_slow.ts', format: 'ts' as const,
      transactional: false, upFn: async () => { started(); await gate },
    }
    const a = new Migrator({ adapter, migrations: [slow], set: 'live', lockTtlMs: ttlMs })
    const other = await openAdapter(ks.name)
    try {
      const runA = a.up()
      await running
      const b = new Migrator({ adapter: other, migrations: [slow], set: 'live', lockTtlMs: ttlMs, lockWaitMs: ttlMs * 1.6 })
      const t0 = Date.now()
      await expect(b.up()).rejects.toMatchObject({ code: 'E_LOCK_TIMEOUT' })
      expect(Date.now() - t0).toBeGreaterThanOrEqual(ttlMs * 1.6 - 50)
      release()
      expect((await runA).steps).toHaveLength(1)
      expect(await adapter.lock.inspect('live')).toBeNull()
      expect((await other.history.list('live'))[0]).toMatchObject({ status: 'applied' })
    } finally {
      release()
      await other.close()
    }
  })

  it('creates a keyspace with NetworkTopologyStrategy, and reads no history before it exists', async () => {
    const name = `${ks.name.slice(0, 40)}_nts`
    const nts = await openAdapter(name, { replication: { class: 'NetworkTopologyStrategy', dataCenters: { datacenter1: 1 } } })
    try {
      expect(await nts.history.list('default')).toEqual([])
      await expect(nts.lock.ensure()).rejects.toMatchObject({ code: 'E_CONFIG', message: expect.stringContaining('does not exist') })
      await nts.createTarget()
      await nts.createTarget() // idempotent
      const rs = await nts.client.execute('SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = ?', [name])
      expect(rs.first()?.get('replication')).toMatchObject({ class: 'org.apache.cassandra.locator.NetworkTopologyStrategy', datacenter1: '1' })
    } finally {
      await nts.client.execute(`DROP KEYSPACE IF EXISTS ${name}`)
      await nts.close()
      await nts.close() // idempotent
    }
  })

  it('reports an unreachable cluster as E_CONNECTION without leaking the password', async () => {
    const err = await openAdapter(ks.name, { contactPoints: ['127.0.0.1:1'], username: 'u', password: 'hunter2-secret', connectTimeoutMs: 1000 }).catch((e: unknown) => e)
    expect(isStrataError(err, 'E_CONNECTION')).toBe(true)
    expect((err as Error).message).toContain('127.0.0.1:1')
    expect(JSON.stringify(err) + String((err as Error).stack)).not.toContain('hunter2-secret')
  })
})
