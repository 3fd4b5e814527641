import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { inlineLinter, lintFixtureSuite, type LintFixture } from '@strata-migrate/testkit/conformance'
import { lintDirectory, type LintFinding } from '@strata-migrate/core/adapter-kit'
import { sqlLintDialect, sqlLintRules } from './index.js'

type Files = Record<string, string>

/** Lints an inline migration directory through the real file source, splitter and directives. */
const lint = inlineLinter(sqlLintDialect, sqlLintRules)

const users = 'CREATE TABLE IF NOT EXISTS users (id UUID PRIMARY KEY, email TEXT NOT NULL);'

/** For every rule: a set that must trigger it and a set doing the same job the safe way, on its server. */
const fixtures: Record<string, LintFixture> = {
  'sql/not-null-without-default': {
    failing: { '001_users.sql': users, '002_locale.sql': 'ALTER TABLE users ADD COLUMN locale TEXT NOT NULL;' },
    passing: { '001_users.sql': users, '002_locale.sql': "ALTER TABLE users ADD COLUMN locale TEXT NOT NULL DEFAULT 'en';\nALTER TABLE users ADD COLUMN nick TEXT;" },
  },
  'sql/concurrently-in-transaction': {
    opts: { server: 'postgresql' },
    failing: { '001_users.sql': users, '002_idx.sql': 'CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email);' },
    passing: { '001_users.sql': users, '002_idx.sql': '-- strata:no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email);' },
  },
  'sql/alter-column-type': {
    failing: { '001_users.sql': users, '002_email.sql': 'ALTER TABLE users ALTER COLUMN email TYPE VARCHAR(320);' },
    passing: {
      '001_users.sql': users,
      '002_email_v2.sql': 'ALTER TABLE users ADD COLUMN IF NOT EXISTS email_v2 VARCHAR(320);',
      '003_widen.sql': '-- strata:lint-disable sql/alter-column-type -- text to varchar(320) on a 200-row table\nALTER TABLE users ALTER COLUMN email TYPE VARCHAR(320);',
    },
  },
  'sql/breaking-rename': {
    failing: { '001_users.sql': users, '002_rename.sql': 'ALTER TABLE users RENAME COLUMN email TO email_address;' },
    passing: { '001_users.sql': users, '002_expand.sql': 'ALTER TABLE users ADD COLUMN IF NOT EXISTS email_address TEXT;' },
  },
  'sql/create-index-not-concurrently': {
    opts: { server: 'postgresql' },
    failing: { '001_users.sql': users, '002_idx.sql': 'CREATE INDEX IF NOT EXISTS users_email_idx ON users (email);' },
    passing: { '001_users.sql': users, '002_idx.sql': '-- strata:no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email);' },
  },
  'sql/mixed-ddl-dml': {
    opts: { server: 'cockroachdb' },
    failing: { '001_users.sql': `${users}\nINSERT INTO users (id, email) VALUES (gen_random_uuid(), 'admin@example.com');` },
    passing: {
      '001_users.sql': users,
      '002_seed.sql': "-- strata:kind data\nINSERT INTO users (id, email) VALUES (gen_random_uuid(), 'admin@example.com');",
    },
  },
}

const ids = (fs: LintFinding[], rule: string): LintFinding[] => fs.filter((f) => f.rule === rule)

lintFixtureSuite({ dialect: 'SQL', rules: sqlLintRules, fixtures, lint })

describe('SQL lint details', () => {
  it('server-specific rules: skipped on the other server, warnings when the server is unknown', async () => {
    const idx = { '001_users.sql': users, '002_idx.sql': 'CREATE UNIQUE INDEX users_email_idx ON public.users (email);' }
    expect(ids(await lint(idx, { server: 'cockroachdb' }), 'sql/create-index-not-concurrently')).toEqual([])
    const [f] = ids(await lint(idx), 'sql/create-index-not-concurrently')
    expect(f).toMatchObject({ severity: 'warning', statementIndex: 1 })
    expect(f?.message).toMatch(/users_email_idx ON public\.users blocks writes to public\.users/)
    const mixed = { '001_a.sql': 'UPDATE users SET email = lower(email);\nALTER TABLE users ADD COLUMN x INT;' }
    expect(ids(await lint(mixed, { server: 'postgresql' }), 'sql/mixed-ddl-dml')).toEqual([])
    expect(ids(await lint(mixed), 'sql/mixed-ddl-dml')).toEqual([expect.objectContaining({ severity: 'warning', statementIndex: 2 })])
  })

  it('CONCURRENTLY in a transactional file: CREATE/DROP INDEX, REINDEX (keyword or option), DETACH PARTITION; an error on PostgreSQL only', async () => {
    const files = {
      '001_users.sql': users,
      '002_idx.sql': [
        'CREATE UNIQUE INDEX CONCURRENTLY users_email_idx ON users (email)',
        'DROP INDEX CONCURRENTLY IF EXISTS users_old_idx',
        'REINDEX INDEX CONCURRENTLY users_email_idx',
        'REINDEX (VERBOSE, CONCURRENTLY) TABLE users',
        'REINDEX (CONCURRENTLY false) TABLE users',
        'ALTER TABLE events DETACH PARTITION events_2024 CONCURRENTLY',
        'ALTER TABLE events DETACH PARTITION events_2023 FINALIZE',
        'DROP INDEX users_tmp_idx',
        "SELECT 'CREATE INDEX CONCURRENTLY x ON y (z)'",
      ].join(';\n'),
    }
    const pg = ids(await lint(files, { server: 'postgresql' }), 'sql/concurrently-in-transaction')
    expect(pg.map((f) => `${f.statementIndex} ${f.severity}`)).toEqual(['1 error', '2 error', '3 error', '4 error', '6 error'])
    expect(pg.map((f) => f.message.split(' cannot')[0])).toEqual([
      'CREATE INDEX CONCURRENTLY', 'DROP INDEX CONCURRENTLY', 'REINDEX CONCURRENTLY', 'REINDEX CONCURRENTLY', 'ALTER TABLE … DETACH PARTITION … CONCURRENTLY',
    ])
    expect(pg[0]?.message).toMatch(/add `-- strata:no-transaction` as the first line of the file/i)
    expect(ids(await lint(files, { server: 'cockroachdb' }), 'sql/concurrently-in-transaction')).toEqual([])
    expect(ids(await lint(files), 'sql/concurrently-in-transaction').map((f) => f.severity)).toEqual(Array(5).fill('warning'))
  })

  it('CONCURRENTLY: the directive counts only before the first statement; a disable comment silences the rule', async () => {
    const late = { '001_users.sql': users, '002_idx.sql': 'SELECT 1;\n-- strata:no-transaction\nCREATE INDEX CONCURRENTLY i ON users (email);' }
    expect(ids(await lint(late, { server: 'postgresql' }), 'sql/concurrently-in-transaction').map((f) => f.statementIndex)).toEqual([2])
    const silenced = { '001_users.sql': users, '002_idx.sql': '-- strata:lint-disable sql/concurrently-in-transaction\nCREATE INDEX CONCURRENTLY i ON users (email);' }
    expect(ids(await lint(silenced, { server: 'postgresql' }), 'sql/concurrently-in-transaction')).toEqual([])
  })

  it('type changes: ALTER [COLUMN] … TYPE and SET DATA TYPE, every column of the statement, worded for the server', async () => {
    const files = {
      '001_users.sql': users,
      '002_types.sql': [
        'ALTER TABLE public.users ALTER COLUMN email SET DATA TYPE VARCHAR(320) COLLATE "C", ALTER id TYPE TEXT USING id::text',
        'ALTER TABLE users ALTER COLUMN email SET DEFAULT \'\', ALTER COLUMN email DROP NOT NULL',
        'ALTER TABLE users ALTER CONSTRAINT users_fk DEFERRABLE',
        'ALTER TABLE users ALTER COLUMN score TYPE NUMERIC(12, 2)',
      ].join(';\n'),
    }
    const all = ids(await lint(files), 'sql/alter-column-type')
    expect(all.map((f) => `${f.statementIndex} ${f.severity}`)).toEqual(['1 warning', '4 warning'])
    expect(all[0]?.message).toMatch(/^ALTER TABLE public\.users ALTER email TYPE varchar\(320\), id TYPE text changes a column's type: on PostgreSQL .*; on CockroachDB /)
    expect(all[1]?.message).toContain('ALTER score TYPE numeric(12,2)')
    const [pg] = ids(await lint(files, { server: 'postgresql' }), 'sql/alter-column-type')
    expect(pg?.message).toMatch(/ACCESS EXCLUSIVE/)
    expect(pg?.message).not.toMatch(/CockroachDB/)
    const [crdb] = ids(await lint(files, { server: 'cockroachdb' }), 'sql/alter-column-type')
    expect(crdb).toMatchObject({ severity: 'warning' })
    expect(crdb?.message).not.toMatch(/PostgreSQL/)
  })

  it('a table created in the same file is empty and unused: NOT NULL, renames, type changes and plain indexes are fine there', async () => {
    const fs = await lint({
      '001_a.sql': `${users}\nALTER TABLE users ADD COLUMN role TEXT NOT NULL;\nALTER TABLE users RENAME COLUMN role TO kind;\nCREATE INDEX users_kind_idx ON users (kind);\nALTER TABLE users ALTER COLUMN kind TYPE VARCHAR(20);`,
    }, { server: 'postgresql' })
    expect(fs).toEqual([])
  })

  it('NOT NULL: serial, identity and computed columns have values; CHECK (… IS NOT NULL) is not NOT NULL', async () => {
    const fs = await lint({
      '001_a.sql': users,
      '002_b.sql': [
        'ALTER TABLE users ADD COLUMN n BIGSERIAL NOT NULL',
        'ALTER TABLE users ADD COLUMN g INT GENERATED ALWAYS AS IDENTITY NOT NULL',
        'ALTER TABLE users ADD COLUMN c TEXT NOT NULL AS (lower(email)) STORED',
        'ALTER TABLE users ADD COLUMN k TEXT CHECK (k IS NOT NULL)',
        'ALTER TABLE users ADD CONSTRAINT email_nn CHECK (email IS NOT NULL)',
        'ALTER TABLE users ADD COLUMN a INT, ADD COLUMN b INT NOT NULL;',
      ].join(';\n'),
    })
    expect(ids(fs, 'sql/not-null-without-default').map((f) => f.statementIndex)).toEqual([6])
    expect(fs[0]?.message).toMatch(/ADD COLUMN b INT NOT NULL without a DEFAULT/i)
  })

  it('renames: table renames too, constraint renames are not flagged', async () => {
    const fs = await lint({ '001_a.sql': users, '002_b.sql': 'ALTER TABLE users RENAME TO accounts;\nALTER TABLE accounts RENAME CONSTRAINT a TO b;\nALTER TABLE accounts RENAME email TO mail;' })
    expect(ids(fs, 'sql/breaking-rename').map((f) => f.statementIndex)).toEqual([1, 3])
    expect(fs[0]?.message).toMatch(/expand\/contract/i)
  })

  it('a disable comment silences exactly the named rule; unknown ids are reported', async () => {
    const files = {
      '001_a.sql': users,
      '002_b.sql': '/* strata:lint-disable sql/breaking-rename */\nALTER TABLE users RENAME COLUMN email TO mail;\nALTER TABLE users ADD COLUMN x INT NOT NULL;',
      '003_c.sql': '-- strata:lint-disable sql/not-null-without-defaults\nALTER TABLE users ADD COLUMN y INT NOT NULL;',
    }
    const fs = await lint(files)
    expect(fs.map((f) => `${f.version}:${f.statementIndex ?? '-'} ${f.rule}`)).toEqual([
      '002:2 sql/not-null-without-default', '003:- lint/unknown-rule', '003:1 sql/not-null-without-default',
    ])
  })

  it('placeholders are identifiers; comments and strings do not fool the rules', async () => {
    const fs = await lint({
      '001_a.sql': 'CREATE TABLE IF NOT EXISTS ${schema}.t (id INT PRIMARY KEY);',
      '002_b.sql': "-- ALTER TABLE t ADD COLUMN z INT NOT NULL;\nCOMMENT ON TABLE t IS 'ALTER TABLE t RENAME TO u';\nALTER TABLE ${schema}.t ADD COLUMN w INT DEFAULT 0 NOT NULL;",
    })
    expect(fs).toEqual([])
  })

  it('the repository\'s own SQL migrations have no error-severity finding on either server', async () => {
    const { readdir, readFile } = await import('node:fs/promises')
    for (const dir of ['migrations/cockroachdb', 'examples/audit-service/migrations/cockroachdb', 'examples/identity-service/migrations/cockroachdb']) {
      const root = new URL(`../../../../${dir}/`, import.meta.url)
      const files: Files = {}
      for (const f of await readdir(root)) if (f.endsWith('.sql')) files[f] = await readFile(new URL(f, root), 'utf8')
      for (const server of ['postgresql', 'cockroachdb']) {
        expect((await lint(files, { server })).filter((f) => f.severity === 'error'), `${dir} on ${server}`).toEqual([])
      }
    }
  })

  it('the real-world corpus (test/corpus) has no error-severity finding on its own server: its CONCURRENTLY files say no-transaction', async () => {
    const sets = {
      'kratos-postgres': 'postgresql', 'temporal-postgres': 'postgresql', 'temporal-visibility-postgres': 'postgresql',
      'cadence-postgres': 'postgresql', 'cadence-visibility-postgres': 'postgresql', 'kratos-cockroach': 'cockroachdb',
    }
    for (const [set, server] of Object.entries(sets)) {
      const dir = fileURLToPath(new URL(`../../../../test/corpus/${set}/`, import.meta.url))
      const { findings } = await lintDirectory({ dir, dialect: sqlLintDialect, server })
      expect(findings.filter((f) => f.severity === 'error'), `${set} on ${server}`).toEqual([])
    }
  })
})
