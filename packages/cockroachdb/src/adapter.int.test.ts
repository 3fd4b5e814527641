import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isStrataError, type AppliedMigration, type TransactionScope } from '@strata-migrate/core/adapter-kit'
import { createCockroachAdapter, type CockroachAdapter, type CockroachCodeHandles } from './adapter.js'
import { MODES, freshDb, openAdapter, sql, sqlUrl } from './int-support.js'
import type { FreshDatabase } from '@strata-migrate/testkit'

const historyRow = (set: string, version: string): AppliedMigration => ({
  set, version, name: 'tx', description: null, kind: 'schema', checksum: 'c', status: 'applied', statementsDone: 1, statementsTotal: 1,
  statementHashes: [], statementsStarted: 1, callChain: null, startedAt: new Date(), finishedAt: null, rolledBackAt: null, durationMs: null,
  appliedBy: 'h', toolVersion: 't', error: null, agreementWaitMs: 0,
})

const withDb = (url: string, db: string): string => {
  const u = new URL(url)
  u.pathname = `/${db}`
  return u.toString()
}

describe('connection and target creation', () => {
  it('maps a wrong password to E_AUTH without echoing it', async () => {
    const u = new URL(sqlUrl())
    u.password = 'not-the-password-9f3e'
    const err = await createCockroachAdapter({ url: u.toString() }).catch((e: unknown) => e)
    expect(isStrataError(err, 'E_AUTH')).toBe(true)
    expect(String((err as Error).message)).not.toContain('not-the-password-9f3e')
    expect(JSON.stringify(err)).not.toContain('not-the-password-9f3e')
  })

  it('maps an unreachable server to E_CONNECTION without the password', async () => {
    const err = await createCockroachAdapter({ url: 'postgresql://strata:hunter2secret@127.0.0.1:9/x', connectTimeoutMs: 2000 }).catch((e: unknown) => e)
    expect(isStrataError(err, 'E_CONNECTION')).toBe(true)
    expect((err as Error).message).toMatch(/127\.0\.0\.1:9/)
    expect((err as Error).message).not.toContain('hunter2secret')
  })

  it('detects the dialect and sets capabilities; forcePerStatement forces the CockroachDB path', async () => {
    const a = await createCockroachAdapter({ url: sqlUrl() })
    const b = await createCockroachAdapter({ url: sqlUrl(), forcePerStatement: true })
    try {
      expect(['postgresql', 'cockroachdb']).toContain(a.server.dialect)
      expect(a.capabilities).toEqual({ transactionalDdl: a.server.dialect === 'postgresql', schemaAgreement: false })
      expect(b.capabilities).toEqual({ transactionalDdl: false, schemaAgreement: false })
      await expect(b.transaction(async () => 1, { set: 'x', token: 'y', ttlMs: 30_000 })).rejects.toMatchObject({ code: 'E_CONFIG' })
    } finally {
      await a.close()
      await b.close()
    }
  })

  it('creates a missing database and schema, concurrently and idempotently, and reads history as empty before', async () => {
    const name = `crdb_target_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`
    const url = withDb(sqlUrl(), name)
    const adapters = await Promise.all(Array.from({ length: 10 }, () => createCockroachAdapter({ url, schema: 'app-data' })))
    try {
      expect(await adapters[0]!.history.list('default')).toEqual([])
      await Promise.all(adapters.map((a) => a.createTarget()))
      await adapters[0]!.createTarget()
      await Promise.all(adapters.map((a) => Promise.all([a.history.ensure(), a.lock.ensure()])))
      const rows = await sql<{ table_name: string }>(url, `SELECT table_name FROM information_schema.tables WHERE table_schema = 'app-data' ORDER BY 1`)
      expect(rows.map((r) => r.table_name)).toEqual(['strata_history', 'strata_lock'])
      // Unqualified names in migrations land in the configured schema.
      await adapters[1]!.execute('CREATE TABLE things (id int PRIMARY KEY)')
      expect((await adapters[2]!.introspect()).tables.map((t) => t.name)).toEqual(['things'])
    } finally {
      const cockroach = adapters[0]!.server.dialect === 'cockroachdb'
      await Promise.all(adapters.map((a) => a.close()))
      await sql(sqlUrl(), `DROP DATABASE IF EXISTS ${name}${cockroach ? ' CASCADE' : ' WITH (FORCE)'}`)
    }
  })

  it('a role without CREATEDB or CREATE gets E_PERMISSION naming what it lacks; missingTarget says what createTarget would make', async () => {
    const suffix = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`
    const role = `strata_low_${suffix}`
    const existing = `crdb_perm_${suffix}`
    await sql(sqlUrl(), `CREATE ROLE ${role} LOGIN PASSWORD 'low-pass-1'`)
    await sql(sqlUrl(), `CREATE DATABASE ${existing}`)
    await sql(withDb(sqlUrl(), existing), `REVOKE CREATE ON DATABASE ${existing} FROM PUBLIC`)
    const asRole = (db: string) => {
      const u = new URL(withDb(sqlUrl(), db))
      u.username = role
      u.password = 'low-pass-1'
      return u.toString()
    }
    const missing = await createCockroachAdapter({ url: asRole(`crdb_none_${suffix}`), schema: 'app' })
    const noSchema = await createCockroachAdapter({ url: asRole(existing), schema: 'app' })
    try {
      expect(await missing.missingTarget()).toBe(`database crdb_none_${suffix} and schema app`)
      // No database of that name: the maintenance connection falls through to the next candidate, then CREATE DATABASE is refused.
      const noDb = await missing.createTarget().catch((e: unknown) => e)
      expect(noDb).toMatchObject({ code: 'E_PERMISSION', message: expect.stringContaining(`cannot create database "crdb_none_${suffix}"`), details: { role, needed: 'CREATEDB (to create the database)' } })
      expect(await noSchema.missingTarget()).toBe('schema app')
      const denied = await noSchema.createTarget().catch((e: unknown) => e)
      expect(denied).toMatchObject({ code: 'E_PERMISSION', message: expect.stringContaining('cannot create schema "app"') })
      expect(JSON.stringify(denied)).not.toContain('low-pass-1')
      // No maintenance database to reach either: the missing target database is what is reported.
      await expect(createCockroachAdapter({ url: asRole(`crdb_none_${suffix}`), maintenanceDatabases: [`nope_${suffix}`] }))
        .rejects.toMatchObject({ code: 'E_CONNECTION', message: expect.stringContaining(`database "crdb_none_${suffix}" does not exist (create it first`) })
    } finally {
      await Promise.all([missing.close(), noSchema.close()])
      await sql(sqlUrl(), `DROP DATABASE IF EXISTS ${existing} WITH (FORCE)`)
      await sql(sqlUrl(), `DROP ROLE IF EXISTS ${role}`)
    }
  })

  it("an older Strata's strata_history gains the columns added since, its rows kept; the lease reads as free before its table exists", async () => {
    const db = await freshDb('history_upgrade')
    const a = await openAdapter(db.url, MODES[0])
    try {
      expect(await a.lock.inspect('default')).toBeNull()
      await a.history.ensure()
      await sql(db.url, 'ALTER TABLE strata_history DROP COLUMN description, DROP COLUMN statements_started, DROP COLUMN call_chain, DROP COLUMN backup_id')
      await sql(db.url, "INSERT INTO strata_history (migration_set, version, name, kind, checksum, status, statements_done, statements_total, statement_hashes, applied_by, tool_version) VALUES ('default', '1', 'old', 'schema', 'c', 'applied', 1, 1, '{}', 'h', '0.0.1')")
      await a.history.ensure()
      const cols = await sql<{ column_name: string }>(db.url, "SELECT column_name FROM information_schema.columns WHERE table_name = 'strata_history'")
      expect(cols.map((c) => c.column_name)).toEqual(expect.arrayContaining(['description', 'statements_started', 'call_chain', 'backup_id']))
      expect(await a.history.list('default')).toMatchObject([{ version: '1', name: 'old', description: null, statementsStarted: 0, callChain: null }])
    } finally {
      await a.close()
      await db.drop()
    }
  })

  it('rejects invalid identifiers before sending them', async () => {
    await expect(createCockroachAdapter({ url: sqlUrl(), schema: 'x"; DROP TABLE y; --' })).rejects.toMatchObject({ code: 'E_CONFIG' })
  })
})

for (const mode of MODES) {
  describe(`adapter on the run's SQL server, ${mode.label}`, () => {
    let db: FreshDatabase
    let a: CockroachAdapter
    beforeAll(async () => {
      db = await freshDb('adapter')
      a = await openAdapter(db.url, mode)
    })
    afterAll(async () => {
      await a?.close()
      await db?.drop()
    })

    it('splits files and reads the no-transaction directive', () => {
      const src = "-- strata:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (a);\nSELECT 'a;b';\nDO $$ BEGIN PERFORM 1; END $$;"
      expect(a.split(src).map((s) => s.line)).toEqual([2, 3, 4])
      expect(a.directives(src)).toEqual({ noTransaction: true })
      expect(a.directives('SELECT 1;\n-- strata:no-transaction')).toEqual({ noTransaction: false })
    })

    it('executes statements; on the per-statement path DDL reports its job wait', async () => {
      const ddl = await a.execute('CREATE TABLE exec_t (id int PRIMARY KEY, v text)')
      const dml = await a.execute('INSERT INTO exec_t VALUES ($1, $2)', { params: [1, 'one'] })
      if (a.capabilities.transactionalDdl) expect(ddl.agreementWaitMs).toBeUndefined()
      else expect(ddl.agreementWaitMs).toBeGreaterThanOrEqual(0)
      expect(dml.agreementWaitMs).toBeUndefined()
      expect(await sql(db.url, 'SELECT v FROM exec_t')).toEqual([{ v: 'one' }])
      const err = await a.execute('SELEC 1').catch((e: unknown) => e)
      expect((err as Error).message).toMatch(/syntax error.*SQLSTATE 42601.*line 1, column 1/s)
    })

    it('resets the session after a failure inside a file\'s own transaction block', async () => {
      await a.execute('BEGIN')
      await expect(a.execute('SELECT 1/0')).rejects.toThrow(/division by zero/)
      await expect(a.execute('SELECT 1')).resolves.toEqual({})
    })

    it('a session the server ended (pg_terminate_backend, a node restart) fails that statement, then the next runs on a fresh one', async () => {
      await a.execute('SELECT 1')
      const killed = await sql<{ n: number }>(db.url, 'SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()')
      expect(killed[0]!.n).toBeGreaterThan(0)
      const lost = await a.execute('CREATE TABLE after_kill (id int)').catch((e: unknown) => e)
      expect(lost).toMatchObject({ name: 'PgStatementError', message: expect.stringMatching(/connection error|terminat/i) })
      await a.execute('CREATE TABLE IF NOT EXISTS after_kill (id int)')
      expect((await a.introspect()).tables.map((t) => t.name)).toContain('after_kill')
    })

    it('a stop requested before a statement sends nothing', async () => {
      const stop = new AbortController()
      stop.abort(new Error('SIGINT'))
      await expect(a.execute('CREATE TABLE never_made (id int)', { signal: stop.signal })).rejects.toThrow('SIGINT')
      expect((await a.introspect()).tables.map((t) => t.name)).not.toContain('never_made')
    })

    it('keeps session settings across execute() calls (one session connection)', async () => {
      await a.execute(`SET application_name = 'strata_session_probe'`)
      await a.execute('CREATE TABLE session_probe AS SELECT current_setting(\'application_name\') AS name')
      expect(await sql(db.url, 'SELECT name FROM session_probe')).toEqual([{ name: 'strata_session_probe' }])
    })

    // Registered only where a transaction path exists (no skipped tests in the count).
    if (!mode.forcePerStatement) it('runs a transaction on one client: statements, history row and knex commit or roll back together', async () => {
      if (!a.capabilities.transactionalDdl) return
      await a.history.ensure()
      await a.lock.ensure()
      const fence = { set: 'tx', token: 'tx-token', ttlMs: 30_000 }
      expect(await a.lock.tryAcquire({ ...fence, owner: 'me', acquiredAt: new Date() })).toEqual({ acquired: true })
      const body = async (tx: TransactionScope, fail: boolean): Promise<void> => {
        await tx.execute('CREATE TABLE tx_t (id int PRIMARY KEY)')
        expect(await tx.write({ op: 'put', row: { ...historyRow('tx', '1'), status: 'running' } })).toBe(true)
        const { knex, client } = tx.codeContext() as unknown as CockroachCodeHandles
        await knex('tx_t').insert([{ id: 1 }, { id: 2 }])
        expect((await client.query('SELECT count(*)::int AS n FROM tx_t')).rows[0]).toEqual({ n: 2 })
        if (fail) throw new Error('roll it back')
      }
      await expect(a.transaction((tx) => body(tx, true), fence)).rejects.toThrow('roll it back')
      expect(await sql(db.url, `SELECT to_regclass('tx_t') AS t`)).toEqual([{ t: null }])
      expect(await a.history.list('tx')).toEqual([])
      await a.transaction((tx) => body(tx, false), fence)
      expect(await sql(db.url, 'SELECT count(*)::int AS n FROM tx_t')).toEqual([{ n: 2 }])
      expect((await a.history.list('tx')).map((r) => r.status)).toEqual(['running'])
    })

    it('gives code migrations a pg client and a lazily created knex sharing the connection settings', async () => {
      const h = a.codeContext() as unknown as CockroachCodeHandles
      expect(h.client).toBe(a.pool)
      await h.knex.schema.createTable('knex_t', (t) => {
        t.increments('id')
        t.string('name', 40)
      })
      await h.knex('knex_t').insert({ name: 'k' })
      expect(await h.knex('knex_t').select('name')).toEqual([{ name: 'k' }])
    })

    it('introspects tables with column types, indexes and views, without strata_ tables', async () => {
      await a.history.ensure()
      await a.lock.ensure()
      await a.execute('CREATE TABLE intro_t (id bigint PRIMARY KEY, label varchar(20) NOT NULL, amount numeric(10,2))')
      await a.execute('CREATE INDEX intro_label_idx ON intro_t (label)')
      await a.execute('CREATE VIEW intro_v AS SELECT id, label FROM intro_t')
      const snap = await a.introspect()
      expect(snap.tables.some((t) => t.name.startsWith('strata_'))).toBe(false)
      const t = snap.tables.find((x) => x.name === 'intro_t')
      expect(t?.columns.map((c) => c.name)).toEqual(['id', 'label', 'amount'])
      expect(t?.columns.map((c) => c.type.toLowerCase()).join(' ')).toMatch(/int8|bigint/)
      expect(t?.columns[1]?.type.toLowerCase()).toMatch(/varchar\(20\)|character varying\(20\)/)
      expect(snap.indexes).toEqual(expect.arrayContaining([{ name: 'intro_label_idx', table: 'intro_t' }]))
      expect(snap.indexes.some((i) => i.table.startsWith('strata_'))).toBe(false)
      expect(snap.views).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'intro_v' })]))
    })

    it('closes idempotently and refuses work afterwards', async () => {
      const extra = await openAdapter(db.url, mode)
      await extra.execute('SELECT 1')
      await extra.close()
      await extra.close()
      await expect(extra.execute('SELECT 1')).rejects.toMatchObject({ code: 'E_USAGE' })
    })
  })
}
