/**
 * Three local Cassandra nodes (the ring, 127.0.0.2-4) through testkit. Heavy (three more JVMs on two cores), so
 * it lives alone. The suite's single node (127.0.0.1) keeps running untouched, with its data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Migrator, isStrataError, type MigratorEvents } from '@strata-migrate/core/adapter-kit'
import { RING_GROUP, freshKeyspaceName, signalNode, startNode, startRing, stopNode, stopRing } from '@strata-migrate/testkit'
import { createScyllaAdapter, type ScyllaAdapter } from './scylla-adapter.js'
import { cqlEndpoint, migrationDir } from './testing/cassandra-fixture.js'

const NODES = RING_GROUP.indexes.map((i) => `127.0.0.${i}`)

const FILES = {
  '001_accounts.cql': `CREATE TABLE \${keyspace}.accounts (id uuid PRIMARY KEY, email text);
CREATE INDEX accounts_email ON \${keyspace}.accounts (email);
ALTER TABLE \${keyspace}.accounts ADD created_at timestamp;
`,
  '002_ledger.cql': `CREATE TYPE \${keyspace}.money (amount decimal, currency text);
CREATE TABLE \${keyspace}.ledger (account uuid, at timeuuid, value frozen<money>, PRIMARY KEY (account, at));
INSERT INTO \${keyspace}.ledger (account, at, value) VALUES (uuid(), now(), {amount: 1.5, currency: 'EUR'});
`,
}

/**
 * An adapter whose driver sees all three nodes up. Right after start-up gossip may still be settling: the
 * driver learns the ring once, from its control host's system.peers, and preflight rightly refuses a node
 * the cluster lists but the client does not know. So connect again until preflight passes.
 */
async function settledAdapter(keyspace: string): Promise<ScyllaAdapter> {
  const deadline = Date.now() + 120_000
  for (;;) {
    const a = await createScyllaAdapter({
      contactPoints: NODES, localDataCenter: cqlEndpoint().localDataCenter, keyspace, agreementTimeoutMs: 60_000,
      replication: { class: 'SimpleStrategy', replicationFactor: 3 },
    })
    const ok = await a.preflight().then((p) => p.nodes?.length === 3, () => false)
    if (ok) return a
    await a.close()
    if (Date.now() > deadline) throw new Error('the 3-node cluster did not settle within 120 s')
    await new Promise((r) => setTimeout(r, 1000))
  }
}

describe('a local 3-node cluster', () => {
  let adapter: ScyllaAdapter
  let keyspace: string

  beforeAll(async () => {
    const ep = cqlEndpoint()
    if (ep.source !== 'local') throw new Error(`the cluster test starts testkit's local nodes; this run uses a ${ep.source} CQL endpoint`)
    await startRing({ heap: '768M', timeoutMs: 240_000 })
    keyspace = freshKeyspaceName('cluster')
    adapter = await settledAdapter(keyspace)
    await adapter.createTarget()
  }, 600_000)

  afterAll(async () => {
    await adapter?.close()
    await stopRing()
  }, 600_000)

  it('applies migrations with every node in agreement and reports each agreement wait', async () => {
    const files = await migrationDir(FILES)
    try {
      const m = new Migrator({ adapter, dir: files.dir, placeholders: { keyspace } })
      let preflight: MigratorEvents['preflight'] | undefined
      const waits: { version: string; index: number; agreementWaitMs: number }[] = []
      m.on('preflight', (p) => (preflight = p))
      m.on('statement:done', (e) => waits.push({ version: e.version, index: e.index, agreementWaitMs: e.agreementWaitMs }))
      const r = await m.up()
      expect(r.steps.map((s) => s.version)).toEqual(['001', '002'])
      expect(preflight?.nodes?.map((n) => n.address).sort()).toEqual(NODES.map((a) => `${a}:9042`))
      expect(preflight?.nodes?.every((n) => n.up)).toBe(true)
      expect(new Set(preflight?.nodes?.map((n) => n.schemaVersion)).size).toBe(1)
      // Five DDL statements, each followed by a measured wait; the INSERT needs none.
      expect(waits).toHaveLength(6)
      expect(waits.find((w) => w.version === '002' && w.index === 3)?.agreementWaitMs).toBe(0)
      const ddlWaits = waits.filter((w) => !(w.version === '002' && w.index === 3)).map((w) => w.agreementWaitMs)
      // Each wait includes at least one round of probes to all three nodes.
      expect(ddlWaits.every((ms) => ms >= 0)).toBe(true)
      expect(ddlWaits.reduce((a, b) => a + b, 0)).toBeGreaterThan(0)
      const rows = await adapter.history.list('default')
      for (const row of rows) {
        expect(row).toMatchObject({ status: 'applied', statementsDone: 3 })
        expect(row.agreementWaitMs).toBeGreaterThanOrEqual(0)
      }
      expect(r.steps.reduce((sum, s) => sum + s.agreementWaitMs, 0)).toBe(rows.reduce((sum, x) => sum + (x.agreementWaitMs ?? 0), 0))
      // After the run every node reports the same schema.
      const after = await adapter.preflight()
      expect(new Set(after.nodes?.map((n) => n.schemaVersion)).size).toBe(1)
    } finally {
      await files.rm()
    }
  }, 180_000)

  it('with one node stopped, up fails fast naming it, before the lock, and history is untouched', async () => {
    const files = await migrationDir({ ...FILES, '003_more.cql': `ALTER TABLE \${keyspace}.accounts ADD nickname text;\n` })
    const before = await adapter.history.list('default')
    const down = RING_GROUP.indexes.at(-1) as number
    await stopNode(down)
    try {
      // A process that was connected when the node went down, and one that connects afterwards.
      const fresh = await createScyllaAdapter({ contactPoints: NODES.slice(0, 2), localDataCenter: cqlEndpoint().localDataCenter, keyspace })
      try {
        for (const a of [adapter, fresh]) {
          const m = new Migrator({ adapter: a, dir: files.dir, placeholders: { keyspace } })
          const t0 = Date.now()
          const err = await m.up().catch((e: unknown) => e)
          expect(isStrataError(err, 'E_CLUSTER_UNHEALTHY'), String(err)).toBe(true)
          expect((err as Error).message).toContain(`127.0.0.${down}:9042`)
          expect((err as Error).message).toMatch(/is down or unreachable/)
          expect(Date.now() - t0).toBeLessThan(10_000)
        }
        // Nothing was written: same rows, no 003, and the lock was never taken.
        expect(await fresh.history.list('default')).toEqual(before)
        expect(await fresh.lock.inspect('default')).toBeNull()
        const cols = await fresh.client.execute('SELECT column_name FROM system_schema.columns WHERE keyspace_name = ? AND table_name = ?', [keyspace, 'accounts'])
        expect(cols.rows.map((c) => c.get('column_name'))).not.toContain('nickname')
      } finally {
        await fresh.close()
      }
    } finally {
      await startNode(down)
      await files.rm()
    }
  }, 300_000)

  it('a node killed (kill -9) during a run stops it before its next DDL, naming the node; after the node is back the rerun resumes', async () => {
    const down = RING_GROUP.indexes.at(-1) as number
    const set = 'killed-node'
    const tables = Array.from({ length: 30 }, (_, i) => `CREATE TABLE \${keyspace}.kn_${String(i + 1).padStart(2, '0')} (id int PRIMARY KEY)`)
    const files = await migrationDir({ '001_thirty.cql': tables.join(';\n') + ';\n' })
    // A client that sees every node up (the previous test stopped and restarted one).
    const live = await settledAdapter(keyspace)
    try {
      const m = new Migrator({ adapter: live, dir: files.dir, set, placeholders: { keyspace }, snapshots: false })
      let killed = false
      m.on('statement:done', (e) => {
        if (e.index === 10 && !killed) {
          killed = true
          void signalNode(down, 'SIGKILL')
        }
      })
      const err = await m.up().catch((e: unknown) => e)
      expect(isStrataError(err, 'E_CLUSTER_UNHEALTHY'), String(err)).toBe(true)
      expect((err as Error).message).toContain(`127.0.0.${down}:9042`)
      const [row] = await live.history.list(set)
      expect(row?.status).toBe('failed')
      expect(row?.statementsDone).toBeGreaterThanOrEqual(10)
      expect(row?.statementsDone).toBeLessThan(30)
      await startNode(down)
      const again = await settledAdapter(keyspace)
      try {
        const r = await new Migrator({ adapter: again, dir: files.dir, set, placeholders: { keyspace }, snapshots: false }).up()
        expect(r.steps[0]?.statements).toBe(30)
        const schema = await again.introspect()
        expect(schema.tables.filter((t) => t.name.startsWith('kn_'))).toHaveLength(30)
      } finally {
        await again.close()
      }
    } finally {
      await live.close()
      await files.rm()
    }
  }, 300_000)

  it('with --allow-down-nodes a run goes on with a node down and names it in its result', async () => {
    const down = RING_GROUP.indexes.at(-1) as number
    const files = await migrationDir({ '001_a.cql': `CREATE TABLE \${keyspace}.allow_a (id int PRIMARY KEY);\nCREATE TABLE \${keyspace}.allow_b (id int PRIMARY KEY);\n` })
    await stopNode(down)
    try {
      const tolerant = await createScyllaAdapter({ contactPoints: NODES.slice(0, 2), localDataCenter: cqlEndpoint().localDataCenter, keyspace, allowDownNodes: true })
      try {
        const r = await new Migrator({ adapter: tolerant, dir: files.dir, set: 'tolerant', placeholders: { keyspace }, snapshots: false }).up()
        expect(r.steps[0]?.downNodes).toEqual([`127.0.0.${down}:9042 (datacenter1)`])
      } finally {
        await tolerant.close()
      }
    } finally {
      await startNode(down)
      await files.rm()
    }
  }, 300_000)

  it('a frozen node (SIGSTOP) fails the preflight within the probe timeout, naming it', async () => {
    const frozen = RING_GROUP.indexes.at(-1) as number
    const fresh = await settledAdapter(keyspace)
    await signalNode(frozen, 'SIGSTOP')
    try {
      const t0 = Date.now()
      const err = await fresh.preflight().catch((e: unknown) => e)
      expect(isStrataError(err, 'E_CLUSTER_UNHEALTHY'), String(err)).toBe(true)
      expect((err as Error).message).toContain(`127.0.0.${frozen}:9042`)
      expect(Date.now() - t0).toBeLessThan(15_000)
    } finally {
      await signalNode(frozen, 'SIGCONT')
      await fresh.close()
    }
  }, 120_000)

  it('with 2 of 3 nodes down, lock and history reads fail as E_UNAVAILABLE naming the nodes, and recommendations lead with them', async () => {
    const [, b, c] = RING_GROUP.indexes as [number, number, number]
    await stopNode(b)
    await stopNode(c)
    try {
      const m = new Migrator({ adapter, dir: (await migrationDir(FILES)).dir, placeholders: { keyspace } })
      const err = await adapter.lock.inspect('default').catch((e: unknown) => e)
      const classified = adapter.classifyError(err)
      expect(classified?.code).toBe('E_UNAVAILABLE')
      expect(classified?.message).toMatch(/not enough replicas alive for SERIAL: 2 required, 1 alive/)
      expect(classified?.message).toContain(`127.0.0.${c}:9042`)
      const status = await m.status().catch((e: unknown) => e)
      expect(isStrataError(status, 'E_UNAVAILABLE'), String(status)).toBe(true)
      const recs = await m.recommendations()
      expect(recs[0]).toMatchObject({ id: 'nodes-down', severity: 'critical' })
      expect(recs[0]?.message).toContain(`127.0.0.${b}:9042`)
      expect(recs.map((r) => r.id)).not.toContain('pending-migrations')
    } finally {
      await startNode(b)
      await startNode(c)
    }
  }, 300_000)
})
