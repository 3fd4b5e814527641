/**
 * `recommendations` from live state on real servers: replication and a failed row on Cassandra, a pending
 * migration and a stale lock on PostgreSQL.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { Migrator, type Recommendation } from '@strata-migrate/core'
import { createScyllaAdapter, type ScyllaAdapter } from '@strata-migrate/scylladb'
import { createCockroachAdapter, type CockroachAdapter } from '@strata-migrate/cockroachdb'
import { freshDatabase, freshKeyspaceName, type FreshDatabase } from '@strata-migrate/testkit'

const endpoints = inject('strataEndpoints')

async function migrationDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'strata-rec-'))
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text)
  return dir
}
const brief = (recs: Recommendation[]): [string, string][] => recs.map((r) => [r.id, r.severity])

describe('recommendations on real Cassandra', () => {
  let adapter: ScyllaAdapter
  let dir: string
  const keyspace = freshKeyspaceName('rec')
  beforeAll(async () => {
    adapter = await createScyllaAdapter({ contactPoints: endpoints.scylladb.contactPoints, localDataCenter: endpoints.scylladb.localDataCenter, keyspace })
    await adapter.createTarget() // SimpleStrategy, RF 1: the adapter's default
    dir = await migrationDir({
      '001_users.cql': 'CREATE TABLE IF NOT EXISTS users (id int PRIMARY KEY, email text);\n',
      '002_broken.cql': 'ALTER TABLE no_such_table ADD x text;\n',
    })
  })
  afterAll(async () => {
    await adapter?.client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`).catch(() => {})
    await adapter?.close()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('reads the keyspace replication and the nodes per DC', async () => {
    const t = await adapter.topology()
    expect(t).toMatchObject({ target: { kind: 'keyspace', name: keyspace, exists: true }, replicationClass: 'SimpleStrategy', replicationFactors: { '*': 1 } })
    expect(Object.values(t.nodesPerDc ?? {})).toEqual([1])
  })

  it('RF 1 SimpleStrategy on the 1-node cluster is info; a failed row is critical with the command that reruns it', async () => {
    const m = new Migrator({ adapter, dir })
    await expect(m.up()).rejects.toMatchObject({ code: 'E_MIGRATION_FAILED', version: '002' })
    const recs = await m.recommendations({ cli: { args: `--db scylladb --keyspace ${keyspace}`, dir: 'migrations/scylladb' } })
    expect(brief(recs)).toEqual([['failed-migration', 'critical'], ['single-replica', 'info']])
    expect(recs[0]).toMatchObject({ version: '002', command: `strata up --db scylladb --keyspace ${keyspace}` })
    expect(recs[0]?.message).toContain('migrations/scylladb/002_broken.cql failed')
    expect(recs[0]?.message).toMatch(/no_such_table/)
    expect(recs[1]?.command).toBe(`ALTER KEYSPACE ${keyspace} WITH replication = {'class': 'NetworkTopologyStrategy', '${endpoints.scylladb.localDataCenter}': 1}; -- then on every node: nodetool repair -full ${keyspace}`)
  })
})

describe('recommendations on real PostgreSQL', () => {
  let db: FreshDatabase
  let adapter: CockroachAdapter
  let dir: string
  beforeAll(async () => {
    db = await freshDatabase({ prefix: 'rec' })
    adapter = await createCockroachAdapter({ url: db.url })
    dir = await migrationDir({
      '001_users.sql': 'CREATE TABLE IF NOT EXISTS users (id int PRIMARY KEY);\n',
      '002_email.sql': 'ALTER TABLE users ADD email text;\n',
    })
  })
  afterAll(async () => {
    await adapter?.close()
    await db?.drop()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('a pending migration → strata up; a lock whose owner stopped renewing → lock release --force', async () => {
    const m = new Migrator({ adapter, dir })
    await m.up({ target: '001' })
    // A process that took the lease and died: its row stays, past its expiry.
    await adapter.lock.ensure()
    await adapter.execute(`INSERT INTO strata_lock (migration_set, owner, token, acquired_at, expires_at)
      VALUES ('default', 'build-7:4242:dead', 'tok', now() - interval '10 minutes', now() - interval '9 minutes')`)
    const recs = await m.recommendations()
    expect(brief(recs)).toEqual([['stale-lock', 'warning'], ['pending-migrations', 'warning']])
    expect(recs[0]?.command).toBe('strata lock release --force')
    expect(recs[0]?.message).toContain('process 4242 on build-7')
    expect(recs[1]).toMatchObject({ command: 'strata up' })
    expect(recs[1]?.message).toContain('002 email')
    // PostgreSQL has no replication settings to recommend on.
    expect(await adapter.topology()).toEqual({ target: { kind: 'database', name: db.name, exists: true } })
  })
})
