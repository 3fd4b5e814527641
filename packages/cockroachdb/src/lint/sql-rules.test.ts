import { describe, expect, it } from 'vitest'
import { inlineLinter, lintFixtureSuite, type LintFixture } from '@strata/testkit/conformance'
import type { LintFinding } from '@strata/core'
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

  it('a table created in the same file is empty and unused: NOT NULL, renames and plain indexes are fine there', async () => {
    const fs = await lint({
      '001_a.sql': `${users}\nALTER TABLE users ADD COLUMN role TEXT NOT NULL;\nALTER TABLE users RENAME COLUMN role TO kind;\nCREATE INDEX users_kind_idx ON users (kind);`,
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
})
