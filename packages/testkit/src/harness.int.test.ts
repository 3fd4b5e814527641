import pg from 'pg'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { createCqlClient, endpointsFromEnv, freshDatabase, freshKeyspaceName } from './index.js'

const endpoints = inject('strataEndpoints')

describe('real-database harness', () => {
  const cql = createCqlClient(endpoints.scylladb)
  afterAll(() => cql.shutdown())

  it('hands the same endpoints to workers through env vars', () => {
    const fromEnv = endpointsFromEnv()
    expect(fromEnv.scylladb.contactPoints).toEqual(endpoints.scylladb.contactPoints)
    expect(fromEnv.cockroachdb.url).toBe(endpoints.cockroachdb.url)
  })

  it('reaches a CQL server (Cassandra 5.0 when local)', async () => {
    await cql.connect()
    const rs = await cql.execute('SELECT release_version FROM system.local')
    const version = String(rs.first()?.get('release_version'))
    if (endpoints.scylladb.source === 'local') expect(version).toMatch(/^5\.0\.\d+/)
    else expect(version).toMatch(/^\d+\.\d+/)
  })

  it('creates and drops a keyspace with a fresh name', async () => {
    const ks = freshKeyspaceName('harness')
    expect(ks).toMatch(/^harness_[a-z0-9_]+$/)
    expect(ks.length).toBeLessThanOrEqual(48)
    expect(freshKeyspaceName('harness')).not.toBe(ks)
    await cql.execute(`CREATE KEYSPACE ${ks} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`)
    const rs = await cql.execute('SELECT keyspace_name FROM system_schema.keyspaces WHERE keyspace_name = ?', [ks])
    expect(rs.rowLength).toBe(1)
    await cql.execute(`DROP KEYSPACE ${ks}`)
  })

  it('reaches a SQL server (PostgreSQL when local)', async () => {
    const client = new pg.Client({ connectionString: endpoints.cockroachdb.url })
    await client.connect()
    try {
      const { rows } = await client.query<{ version: string }>('select version()')
      expect(rows[0]!.version).toMatch(endpoints.cockroachdb.source === 'local' ? /^PostgreSQL \d+/ : /PostgreSQL|CockroachDB/)
    } finally {
      await client.end()
    }
  })

  it('creates a fresh database, connects to it, and drops it', async () => {
    const db = await freshDatabase({ prefix: 'harness' })
    expect(db.url).toContain(`/${db.name}`)
    const client = new pg.Client({ connectionString: db.url })
    // drop() terminates this session (57P01); pg reports that as an 'error' event.
    client.on('error', () => {})
    await client.connect()
    const { rows } = await client.query<{ db: string }>('select current_database() as db')
    expect(rows[0]!.db).toBe(db.name)
    await client.query('create table t (id int primary key)')
    // drop() must succeed even with this session still open.
    await db.drop()
    await client.end().catch(() => {})
    const admin = new pg.Client({ connectionString: endpoints.cockroachdb.url })
    await admin.connect()
    const left = await admin.query('select 1 from pg_database where datname = $1', [db.name])
    await admin.end()
    expect(left.rowCount).toBe(0)
    await db.drop() // idempotent
  })
})
