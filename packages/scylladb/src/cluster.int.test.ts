/**
 * Three local Cassandra nodes (127.0.0.1-3) through testkit. Heavy (three JVMs on two cores), so it lives
 * alone: it stops the single node the rest of the suite uses, runs its cluster, and restores one node after.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Migrator, isStrataError, type MigratorEvents } from '@strata/core'
import { freshKeyspaceName, runningCassandraNodes, startCassandra, stopCassandra, stopNode } from '@strata/testkit'
import { createScyllaAdapter, type ScyllaAdapter } from './scylla-adapter.js'
import { cqlEndpoint, migrationDir } from './testing/cassandra-fixture.js'

const NODES = ['127.0.0.1', '127.0.0.2', '127.0.0.3']

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
  let restoreOne = false

  beforeAll(async () => {
    const ep = cqlEndpoint()
    if (ep.source !== 'local') throw new Error(`the cluster test starts testkit's local nodes; this run uses a ${ep.source} CQL endpoint`)
    restoreOne = (await runningCassandraNodes()).length > 0
    // A single running node would join the new ring with its data; start the cluster from scratch instead.
    await stopCassandra()
    await startCassandra({ nodes: 3, heap: '768M', timeoutMs: 240_000 })
    keyspace = freshKeyspaceName('cluster')
    adapter = await settledAdapter(keyspace)
    await adapter.createTarget()
  }, 600_000)

  afterAll(async () => {
    await adapter?.close()
    await stopCassandra()
    if (restoreOne) await startCassandra({ nodes: 1, timeoutMs: 240_000 })
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
    await stopNode(3)
    try {
      // A process that was connected when the node went down, and one that connects afterwards.
      const fresh = await createScyllaAdapter({ contactPoints: NODES.slice(0, 2), localDataCenter: cqlEndpoint().localDataCenter, keyspace })
      try {
        for (const a of [adapter, fresh]) {
          const m = new Migrator({ adapter: a, dir: files.dir, placeholders: { keyspace } })
          const t0 = Date.now()
          const err = await m.up().catch((e: unknown) => e)
          expect(isStrataError(err, 'E_CLUSTER_UNHEALTHY'), String(err)).toBe(true)
          expect((err as Error).message).toContain('127.0.0.3:9042')
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
      await files.rm()
    }
  }, 180_000)
})
