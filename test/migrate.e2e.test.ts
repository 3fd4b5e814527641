/**
 * `strata migrate` and the start-up hook are one implementation: the same cases, through both, on fresh real
 * databases (a CockroachDB/PostgreSQL and a ScyllaDB/Cassandra database configured in that order), give the same
 * results. And the gate never overshoots: an app at 1.1.0 never gets 2.0.0 applied.
 */
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrateOnStartup, type AppSchemaRequirements, type StartupDatabaseResult } from '@strata-migrate/core'
import { strata } from './support/cli.js'
import { cockroachTarget, scyllaTarget, type DbTarget } from './support/targets.js'

const targets: DbTarget[] = []
afterAll(async () => {
  for (const t of targets) await t.cleanup()
})

async function dirWith(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'strata-migrate-'))
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text)
  return dir
}

let sqlDir: string
let cqlDir: string
beforeAll(async () => {
  // Each database: a schema migration and a data migration.
  sqlDir = await dirWith({
    '1.0.0_accounts.sql': 'CREATE TABLE accounts (id INT PRIMARY KEY, email TEXT);',
    '1.1.0_backfill.sql': "-- strata:kind data\nINSERT INTO accounts (id, email) VALUES (1, 'a@example.com');",
  })
  cqlDir = await dirWith({
    '1.0.0_accounts.cql': 'CREATE TABLE ${keyspace}.accounts (id int PRIMARY KEY, email text);',
    '1.1.0_backfill.cql': "-- strata:kind data\nINSERT INTO ${keyspace}.accounts (id, email) VALUES (1, 'a@example.com');",
  })
})

interface Pair { crdb: DbTarget; scylla: DbTarget }

async function freshPair(prefix: string): Promise<Pair> {
  const pair = { crdb: await cockroachTarget(prefix), scylla: await scyllaTarget(prefix) }
  targets.push(pair.crdb, pair.scylla)
  return pair
}

const flagValue = (t: DbTarget, flag: string): string => t.args[t.args.indexOf(flag) + 1] as string

/** The config a service would have: CockroachDB first, then ScyllaDB (the order the seed asks for). */
async function configFor(p: Pair, app: AppSchemaRequirements, dirs = { sql: sqlDir, cql: cqlDir }): Promise<string> {
  const cwd = await mkdtemp(join(tmpdir(), 'strata-migrate-cfg-'))
  await writeFile(join(cwd, 'strata.config.json'), JSON.stringify({
    app,
    databases: {
      cockroachdb: { url: flagValue(p.crdb, '--url'), sets: { default: { dir: dirs.sql } } },
      scylladb: { keyspace: flagValue(p.scylla, '--keyspace'), sets: { default: { dir: dirs.cql } } },
    },
  }))
  return cwd
}

// The run's own endpoint env would override the config file's settings.
const HIDE = { STRATA_COCKROACHDB_URL: undefined, STRATA_SCYLLADB_KEYSPACE: undefined }
const FLAGS = ['AUTO_MIGRATE', 'FORCE_MIGRATION', 'COCKROACHDB_AUTO_MIGRATE', 'SCYLLADB_AUTO_MIGRATE', 'COCKROACHDB_FORCE_MIGRATION', 'SCYLLADB_FORCE_MIGRATION']
const flagsOnly = (env: Record<string, string>): Record<string, string | undefined> => ({ ...Object.fromEntries(FLAGS.map((f) => [f, undefined])), ...env })

interface Outcome { database: string; applied: string[]; pending: string[]; waiting: string[]; outcome: string }
const viaHook = (r: StartupDatabaseResult): Outcome => ({ database: r.name, applied: r.applied.map((s) => s.version), pending: r.pending, waiting: r.waiting, outcome: r.outcome })

const APP = { schemaVersion: '1.1.0' }
const CASES: { name: string; env: Record<string, string>; app: AppSchemaRequirements; exit: number; expect: Omit<Outcome, 'waiting'>[] }[] = [
  {
    name: 'no flag: check and gate only, nothing applied', env: {}, app: APP, exit: 0,
    expect: [{ database: 'cockroachdb', applied: [], pending: ['1.0.0', '1.1.0'], outcome: 'ok' }, { database: 'scylladb', applied: [], pending: ['1.0.0', '1.1.0'], outcome: 'ok' }],
  },
  {
    name: 'no flag and the gate fails (the app needs 1.0.0): exit 6, nothing applied', env: {}, app: { schemaVersion: '1.1.0', minimumSupported: '1.0.0' }, exit: 6,
    expect: [{ database: 'cockroachdb', applied: [], pending: [], outcome: 'failed' }, { database: 'scylladb', applied: [], pending: [], outcome: 'skipped' }],
  },
  {
    name: 'AUTO_MIGRATE: the schema migrations of both, CockroachDB first', env: { AUTO_MIGRATE: 'true' }, app: APP, exit: 0,
    expect: [{ database: 'cockroachdb', applied: ['1.0.0'], pending: ['1.1.0'], outcome: 'ok' }, { database: 'scylladb', applied: ['1.0.0'], pending: ['1.1.0'], outcome: 'ok' }],
  },
  {
    name: 'FORCE_MIGRATION: the data migrations too', env: { FORCE_MIGRATION: 'true' }, app: APP, exit: 0,
    expect: [{ database: 'cockroachdb', applied: ['1.0.0', '1.1.0'], pending: [], outcome: 'ok' }, { database: 'scylladb', applied: ['1.0.0', '1.1.0'], pending: [], outcome: 'ok' }],
  },
  {
    name: 'COCKROACHDB_AUTO_MIGRATE=false AUTO_MIGRATE=true: only ScyllaDB', env: { AUTO_MIGRATE: 'true', COCKROACHDB_AUTO_MIGRATE: 'false' }, app: APP, exit: 0,
    expect: [{ database: 'cockroachdb', applied: [], pending: ['1.0.0', '1.1.0'], outcome: 'ok' }, { database: 'scylladb', applied: ['1.0.0'], pending: ['1.1.0'], outcome: 'ok' }],
  },
]

describe.each(CASES)('$name', (c) => {
  it('strata migrate and migrateOnStartup give the same result', async () => {
    const cli = await freshPair('migrate_cli')
    const run = await strata(['migrate', '--json'], { cwd: await configFor(cli, c.app), env: { ...HIDE, ...flagsOnly(c.env) } })
    expect(run.code, run.stderr).toBe(c.exit)
    const fromCli: Outcome[] = run.json.databases.map((d: Outcome) => ({ database: d.database, applied: d.applied, pending: d.pending, waiting: d.waiting, outcome: d.outcome }))
    const hook = await freshPair('migrate_hook')
    const fromHook = (await migrateOnStartup({
      app: c.app, env: c.env, onFailure: 'stop', handleSignals: false, logger: { info: () => {}, warn: () => {} },
      databases: [
        { name: 'cockroachdb', adapter: () => hook.crdb.openAdapter(), dir: sqlDir },
        { name: 'scylladb', adapter: () => hook.scylla.openAdapter(), dir: cqlDir, placeholders: { keyspace: flagValue(hook.scylla, '--keyspace') } },
      ],
    })).map(viaHook)
    const expected = c.expect.map((e) => ({ ...e, waiting: [] }))
    expect(fromCli).toEqual(expected)
    expect(fromHook).toEqual(expected)
    if (c.exit) expect(run.json.databases[0].error.code).toBe('E_INCOMPATIBLE_SCHEMA')
  }, 120_000)
})

describe('the gate never overshoots', () => {
  it('an app at 1.1.0 with 1.0.0, 1.1.0 and 2.0.0 files: AUTO_MIGRATE applies two, reports 2.0.0 waiting; status says the same', async () => {
    const sql = await dirWith({
      '1.0.0_a.sql': 'CREATE TABLE a (id INT PRIMARY KEY);', '1.1.0_b.sql': 'CREATE TABLE b (id INT PRIMARY KEY);', '1.1.0_b.down.sql': 'DROP TABLE b;', '2.0.0_c.sql': 'CREATE TABLE c (id INT PRIMARY KEY);',
    })
    const cql = await dirWith({
      '1.0.0_a.cql': 'CREATE TABLE ${keyspace}.a (id int PRIMARY KEY);', '1.1.0_b.cql': 'CREATE TABLE ${keyspace}.b (id int PRIMARY KEY);', '2.0.0_c.cql': 'CREATE TABLE ${keyspace}.c (id int PRIMARY KEY);',
    })
    const p = await freshPair('migrate_gate')
    const cwd = await configFor(p, { schemaVersion: '1.1.0', minimumSupported: '1.0.0' }, { sql, cql })
    const run = await strata(['migrate', '--json'], { cwd, env: { ...HIDE, ...flagsOnly({ AUTO_MIGRATE: 'true' }) } })
    expect(run.code, run.stderr).toBe(0)
    for (const d of run.json.databases) expect(d).toMatchObject({ applied: ['1.0.0', '1.1.0'], waiting: ['2.0.0'], pending: [], schemaVersion: '1.1.0', outcome: 'ok' })
    expect(run.stderr).toMatch(/2\.0\.0 waits for a newer app/)
    for (const db of ['cockroachdb', 'scylladb']) {
      const status = await strata(['--db', db, 'status', '--json'], { cwd, env: HIDE })
      expect(status.json).toMatchObject({ current: '1.1.0', pending: [], waiting: ['2.0.0'] })
      const recs = await strata(['--db', db, 'recommendations', '--json'], { cwd, env: HIDE })
      expect(recs.json.recommendations.map((r: { id: string }) => r.id)).not.toContain('pending-migrations')
      expect(recs.json.recommendations.find((r: { id: string }) => r.id === 'waiting-for-app')?.message).toMatch(/2\.0\.0 .*waits for a newer app/)
      const health = await strata(['--db', db, 'health', '--json'], { cwd, env: HIDE })
      expect(health.json.waiting).toEqual(['2.0.0'])
    }
    // Rolled back, 1.1.0 is pending again everywhere, as up --dry-run would apply it.
    const down = await strata(['--db', 'cockroachdb', 'down', '--json'], { cwd, env: HIDE })
    expect(down.code, down.stderr).toBe(0)
    const after = await strata(['--db', 'cockroachdb', 'status', '--json'], { cwd, env: HIDE })
    expect(after.json).toMatchObject({ current: '1.0.0', pending: ['1.1.0'], waiting: ['2.0.0'] })
    const dry = await strata(['--db', 'cockroachdb', 'up', '--dry-run', '--json'], { cwd, env: HIDE })
    expect(dry.json.plan.map((s: { version: string }) => s.version)).toEqual(['1.1.0', '2.0.0'])
  }, 180_000)
})

describe('migrations defined in code in strata.config.ts', () => {
  it('strata migrate, status and down run a set that has no directory, only a list of migration objects', async () => {
    const t = await cockroachTarget('migrate_code')
    targets.push(t)
    const cwd = await mkdtemp(join(tmpdir(), 'strata-migrate-code-'))
    await writeFile(join(cwd, 'strata.config.ts'), `
      export default {
        databases: { cockroachdb: { url: ${JSON.stringify(flagValue(t, '--url'))}, sets: { default: { migrations: [
          { version: '001', name: 'create_widgets', description: 'Widgets', up: async (ctx) => { await ctx.execute('CREATE TABLE widgets (id INT PRIMARY KEY)') }, down: async (ctx) => { await ctx.execute('DROP TABLE widgets') } },
        ] } } } },
      }
    `)
    const run = await strata(['migrate', '--json'], { cwd, env: { ...HIDE, ...flagsOnly({ AUTO_MIGRATE: 'true' }) } })
    expect(run.code, run.stderr).toBe(0)
    expect(run.json.databases).toMatchObject([{ database: 'cockroachdb', applied: ['001'], outcome: 'ok' }])
    const status = await strata(['status', '--json'], { cwd, env: HIDE })
    expect(status.json.rows).toMatchObject([{ version: '001', state: 'applied', description: 'Widgets', file: '001_create_widgets (code)' }])
    const down = await strata(['down', '--json'], { cwd, env: HIDE })
    expect(down.code, down.stderr).toBe(0)
  }, 60_000)
})
