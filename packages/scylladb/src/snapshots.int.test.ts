import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Migrator, diffSchemas, renderSchemaChanges } from '@strata-migrate/core/adapter-kit'
import { splitCql } from './cql-splitter.js'
import { consistencyOf } from './connection.js'
import { captureKeyspace } from './schema-capture.js'
import type { ScyllaAdapter } from './scylla-adapter.js'
import { freshKeyspace, migrationDir, openAdapter, type TestKeyspace } from './testing/cassandra-fixture.js'

const SET = {
  '001_users.cql': `CREATE TABLE \${keyspace}.users (id uuid PRIMARY KEY, email text, name text);
CREATE INDEX users_email ON \${keyspace}.users (email);
`,
  '002_tokens.cql': `CREATE TYPE address (street text, zip int);
CREATE TABLE tokens (
  user_id uuid, issued timeuuid, scope set<text>, home frozen<address>, owner text static,
  PRIMARY KEY ((user_id), issued)
) WITH CLUSTERING ORDER BY (issued DESC) AND default_time_to_live = 3600;
`,
  '003_users_locale.cql': `ALTER TABLE users ADD locale text;
DROP INDEX users_email;
CREATE MATERIALIZED VIEW tokens_by_issued AS
  SELECT user_id, issued FROM tokens WHERE issued IS NOT NULL AND user_id IS NOT NULL
  PRIMARY KEY ((issued), user_id);
`,
}

/** Runs DDL captured from one keyspace in another (the snapshot's restore by hand). */
async function restoreInto(admin: ScyllaAdapter, ddl: string, from: string, to: string): Promise<void> {
  for (const s of splitCql(ddl)) {
    if (/^CREATE KEYSPACE/i.test(s.text)) continue
    await admin.execute(s.text.replaceAll(`${from}.`, `${to}.`))
  }
}

describe('schema snapshots on real Cassandra', () => {
  let ks: TestKeyspace
  let adapter: ScyllaAdapter
  let dir: Awaited<ReturnType<typeof migrationDir>>
  beforeAll(async () => {
    ks = await freshKeyspace('snap')
    adapter = await openAdapter(ks.name)
    dir = await migrationDir(SET)
  })
  afterAll(async () => {
    await adapter?.close()
    await ks?.drop()
    await dir?.rm()
  })

  it('takes a snapshot before the run and after each migration, with server-side DESCRIBE DDL', async () => {
    const m = new Migrator({ adapter, dir: dir.dir, placeholders: { keyspace: ks.name } })
    const saved: { version: string; which: string; durationMs: number; bytes: number }[] = []
    m.on('snapshot:saved', (e) => saved.push(e))
    const r = await m.up()
    expect(r.steps.map((s) => s.version)).toEqual(['001', '002', '003'])
    expect(saved.map((s) => `${s.which} ${s.version}`)).toEqual(['before 001', 'after 001', 'after 002', 'after 003'])
    console.log(`[snapshots] cassandra capture+save ms: ${saved.map((s) => s.durationMs).join(', ')}; bytes: ${saved.map((s) => s.bytes).join(', ')}`)
    const stored = await adapter.snapshots.list('default')
    expect(stored.map((s) => `${s.which} ${s.version}`).sort()).toEqual(['after 001', 'after 002', 'after 003', 'before 001'])

    const after3 = await m.snapshot('003')
    expect(after3.document).toMatchObject({ format: 'cql', source: 'describe', version: '003', which: 'after' })
    expect(after3.document.ddl).toContain(`CREATE TABLE ${ks.name}.users`)
    expect(after3.document.ddl).toContain(`CREATE MATERIALIZED VIEW ${ks.name}.tokens_by_issued`)
    expect(after3.document.ddl).not.toMatch(/strata_/)
    expect(after3.document.schema.tables.map((t) => t.name)).toEqual(['tokens', 'users'])
    const before1 = await m.snapshot('001', { before: true })
    expect(before1.document.schema.tables).toEqual([])
    expect(before1.document.ddl).toMatch(/^CREATE KEYSPACE/)
    expect((await m.snapshot('003', { before: true })).source).toMatchObject({ version: '002', which: 'after' })
  })

  it('diff 001 003 lists exactly the changes of 002 and 003', async () => {
    const m = new Migrator({ adapter, dir: dir.dir, placeholders: { keyspace: ks.name } })
    const d = await m.snapshotDiff('001', '003')
    expect(renderSchemaChanges(d.changes)).toEqual([
      '+ type address street text, zip int',
      '+ table tokens (user_id uuid, issued timeuuid, owner text, home frozen<address>, scope set<text>)',
      '+ column users.locale text',
      '- index users_email',
      '+ view tokens_by_issued SELECT issued, user_id FROM tokens WHERE issued IS NOT NULL AND user_id IS NOT NULL PRIMARY KEY (issued, user_id)',
    ])
    expect((await m.snapshotDiff('002', '003')).changes.map((c) => `${c.change} ${c.object} ${c.name}`)).toEqual([
      'added column locale', 'removed index users_email', 'added view tokens_by_issued',
    ])
  })

  it('validate names a column added by a manual ALTER TABLE outside Strata', async () => {
    const m = new Migrator({ adapter, dir: dir.dir, placeholders: { keyspace: ks.name } })
    expect((await m.validate()).ok).toBe(true)
    await adapter.client.execute(`ALTER TABLE ${ks.name}.users ADD nickname text`)
    await adapter.client.execute(`ALTER TABLE ${ks.name}.tokens WITH gc_grace_seconds = 3600`)
    const v = await m.validate()
    expect(v.ok).toBe(false)
    expect(v.checked.snapshot).toBe('003')
    expect(v.issues.filter((i) => i.severity === 'error').map((i) => i.message)).toEqual([
      'drift: table tokens option gc_grace_seconds changed from 864000 to 3600 outside Strata (differs from the snapshot after 003)',
      'drift: column users.nickname (text) added outside Strata (not in the snapshot after 003)',
    ])
    await adapter.client.execute(`ALTER TABLE ${ks.name}.users DROP nickname`)
    await adapter.client.execute(`ALTER TABLE ${ks.name}.tokens WITH gc_grace_seconds = 864000`)
    expect((await m.validate()).ok).toBe(true)
  })

  it('the snapshot DDL restores the same schema into an empty keyspace (DESCRIBE, and reconstructed from system_schema)', async () => {
    const live = await adapter.captureSchema()
    const rebuilt = await captureKeyspace(adapter.client, ks.name, consistencyOf('LOCAL_ONE'), { describe: false })
    expect(rebuilt.source).toBe('system_schema')
    expect(rebuilt.schema).toEqual(live.schema)
    for (const [label, ddl] of [['describe', live.ddl], ['system_schema', rebuilt.ddl]] as const) {
      const target = await freshKeyspace(`rst_${label.slice(0, 4)}`)
      try {
        await restoreInto(target.admin, ddl, ks.name, target.name)
        const restored = await target.admin.captureSchema({ ddl: false })
        expect(diffSchemas(live.schema, restored.schema), label).toEqual([])
      } finally {
        await target.drop()
      }
    }
  })

  it('snapshots: false takes none', async () => {
    const other = await freshKeyspace('snapoff')
    const d = await migrationDir({ '001_t.cql': 'CREATE TABLE t (id int PRIMARY KEY);\n' })
    try {
      await new Migrator({ adapter: other.admin, dir: d.dir, snapshots: false }).up()
      expect(await other.admin.snapshots.list()).toEqual([])
    } finally {
      await d.rm()
      await other.drop()
    }
  })
})
