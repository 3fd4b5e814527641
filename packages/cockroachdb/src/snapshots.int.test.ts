import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Migrator, diffSchemas, renderSchemaChanges } from '@strata-migrate/core/adapter-kit'
import type { FreshDatabase } from '@strata-migrate/testkit'
import type { CockroachAdapter } from './adapter.js'
import { captureCockroach, filterShowCreate } from './crdb-capture.js'
import { MODES, freshDb, openAdapter, sql } from './int-support.js'
import { splitSql } from './sql-splitter.js'
import { sqlRunner } from './sql-runner.js'

const SET: Record<string, string> = {
  '001_users.sql': `CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL, name text);
CREATE INDEX users_email_idx ON users (email);
`,
  '002_tokens.sql': `CREATE TYPE mood AS ENUM ('ok', 'sad');
CREATE TABLE tokens (
  id uuid PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id), m mood DEFAULT 'ok',
  n int GENERATED ALWAYS AS IDENTITY, CONSTRAINT tokens_n_positive CHECK (n > 0)
);
CREATE FUNCTION user_count() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM users $$;
`,
  '003_users_locale.sql': `ALTER TABLE users ADD COLUMN locale text DEFAULT 'en';
DROP INDEX users_email_idx;
CREATE VIEW user_names AS SELECT name FROM users;
`,
}

for (const mode of MODES) {
  describe(`schema snapshots on the run's SQL server, ${mode.label}`, () => {
    let db: FreshDatabase
    let a: CockroachAdapter
    let dir: string
    const migrator = () => new Migrator({ adapter: a, dir })
    beforeAll(async () => {
      db = await freshDb('snap')
      a = await openAdapter(db.url, mode)
      dir = await mkdtemp(join(tmpdir(), 'strata-snap-'))
      for (const [name, text] of Object.entries(SET)) await writeFile(join(dir, name), text)
    })
    afterAll(async () => {
      await a?.close()
      await db?.drop()
      await rm(dir, { recursive: true, force: true })
    })

    it('takes a snapshot before the run and after each migration; DDL from the catalogs', async () => {
      const m = migrator()
      const saved: { version: string; which: string; durationMs: number; bytes: number }[] = []
      m.on('snapshot:saved', (e) => saved.push(e))
      expect((await m.up()).steps.map((s) => s.version)).toEqual(['001', '002', '003'])
      expect(saved.map((s) => `${s.which} ${s.version}`)).toEqual(['before 001', 'after 001', 'after 002', 'after 003'])
      console.log(`[snapshots] ${mode.label} capture+save ms: ${saved.map((s) => s.durationMs).join(', ')}; bytes: ${saved.map((s) => s.bytes).join(', ')}`)
      expect((await sql<{ n: number }>(db.url, 'SELECT count(*)::int AS n FROM strata_snapshots'))[0]?.n).toBe(4)
      const after3 = await m.snapshot('003')
      expect(after3.document).toMatchObject({ format: 'sql', source: 'catalog' })
      expect(after3.document.ddl).toContain('CREATE TABLE users (')
      expect(after3.document.ddl).toContain('CREATE VIEW user_names AS')
      expect(after3.document.ddl).not.toMatch(/strata_/)
      expect(after3.document.schema.tables.map((t) => t.name)).toEqual(['tokens', 'users'])
      expect((await m.snapshot('002', { before: true })).source).toMatchObject({ version: '001', which: 'after' })
    })

    it('diff 001 003 lists exactly the changes of 002 and 003', async () => {
      const d = await migrator().snapshotDiff('001', '003')
      expect(renderSchemaChanges(d.changes)).toEqual([
        "+ type mood ENUM ('ok', 'sad')",
        expect.stringMatching(/^\+ function user_count\(\) CREATE OR REPLACE FUNCTION public\.user_count\(\)/),
        '+ table tokens (id uuid, user_id bigint, m mood, n integer)',
        '+ column users.locale text',
        '- index users_email_idx',
        '+ view user_names SELECT name FROM users',
      ])
    })

    it('validate names a column added by a manual ALTER TABLE outside Strata', async () => {
      const m = migrator()
      expect((await m.validate()).ok).toBe(true)
      await sql(db.url, 'ALTER TABLE users ADD COLUMN nickname text')
      await sql(db.url, 'ALTER TABLE users ALTER COLUMN name SET NOT NULL')
      const v = await m.validate()
      expect(v.ok).toBe(false)
      expect(v.issues.filter((i) => i.severity === 'error').map((i) => i.message)).toEqual([
        'drift: column users.name notNull changed from false to true outside Strata (differs from the snapshot after 003)',
        'drift: column users.nickname (text) added outside Strata (not in the snapshot after 003)',
      ])
      await sql(db.url, 'ALTER TABLE users DROP COLUMN nickname; ALTER TABLE users ALTER COLUMN name DROP NOT NULL')
      expect((await m.validate()).ok).toBe(true)
    })

    it('the snapshot DDL restores the same schema into an empty database', async () => {
      const live = await a.captureSchema()
      const target = await freshDb('restore')
      try {
        for (const s of splitSql(live.ddl)) await sql(target.url, s.text)
        const other = await openAdapter(target.url, mode)
        try {
          expect(diffSchemas(live.schema, (await other.captureSchema({ ddl: false })).schema)).toEqual([])
        } finally {
          await other.close()
        }
      } finally {
        await target.drop()
      }
    })

    it('the CockroachDB capture path (information_schema model; catalog DDL when SHOW CREATE is refused) reads the same objects', async () => {
      const portable = await captureCockroach(sqlRunner(a.pool, { endpoint: 'test', secrets: [] }), 'public', { pgTypes: true })
      const native = await a.captureSchema()
      expect(portable.source).toBe('catalog')
      expect(portable.ddl).toBe(native.ddl)
      expect(portable.schema.tables.map((t) => [t.name, t.columns.map((c) => c.name), t.primaryKey])).toEqual([
        ['tokens', ['id', 'user_id', 'm', 'n'], '(id)'], ['users', ['id', 'email', 'name', 'locale'], '(id)'],
      ])
      expect(portable.schema.indexes.map((i) => i.name).sort()).toEqual(native.schema.indexes.map((i) => i.name).sort())
      expect(portable.schema.views.map((v) => v.name)).toEqual(['user_names'])
    })
  })
}

describe('SHOW CREATE ALL TABLES filter', () => {
  it("keeps the schema's own statements, without strata_ tables", () => {
    expect(filterShowCreate([
      'CREATE TABLE public.users (\n\tid INT8 NOT NULL\n);',
      'CREATE TABLE public.strata_history (\n\tversion STRING\n);',
      'CREATE TABLE other.things (id INT8);',
      'CREATE VIEW public.user_names (name) AS SELECT name FROM public.users;',
      'CREATE SEQUENCE public."Seq" MINVALUE 1;',
      'ALTER TABLE public.tokens ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES public.users(id);',
      'ALTER TABLE public.strata_lock VALIDATE CONSTRAINT x;',
    ], 'public')).toEqual([
      'CREATE TABLE public.users (\n\tid INT8 NOT NULL\n);',
      'CREATE VIEW public.user_names (name) AS SELECT name FROM public.users;',
      'CREATE SEQUENCE public."Seq" MINVALUE 1;',
      'ALTER TABLE public.tokens ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES public.users(id);',
    ])
  })
})
