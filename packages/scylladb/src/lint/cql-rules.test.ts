import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { inlineLinter, lintFixtureSuite, type LintFixture } from '@strata-migrate/testkit/conformance'
import { lintDirectory, type LintFinding } from '@strata-migrate/core/adapter-kit'
import { cqlDirectives, cqlLintDialect, cqlLintRules } from './index.js'

type Files = Record<string, string>

/** Lints an inline migration directory through the real file source, splitter and directives. */
const lint = inlineLinter(cqlLintDialect, cqlLintRules)

const users = 'CREATE TABLE IF NOT EXISTS ${keyspace}.users (id uuid PRIMARY KEY, email text, age int);'

/** For every rule: a set that must trigger it and a set doing the same job the safe way. */
const fixtures: Record<string, LintFixture> = {
  'cql/unresumable-dml': {
    failing: { '001_users.cql': users, '002_hits.cql': 'CREATE TABLE IF NOT EXISTS hits (id int PRIMARY KEY, n counter);\nUPDATE hits SET n = n + 1 WHERE id = 1;' },
    passing: {
      '001_users.cql': users,
      '002_hits.cql': 'CREATE TABLE IF NOT EXISTS hits (id int PRIMARY KEY, n counter);',
      '003_bump.cql': 'UPDATE hits SET n = n + 1 WHERE id = 1;',
      '004_upsert.cql': "INSERT INTO users (id, email) VALUES (11111111-1111-1111-1111-111111111111, 'a@b');\nUPDATE users SET age = 5 WHERE id = 11111111-1111-1111-1111-111111111111;",
    },
  },
  'cql/alter-column-type': {
    failing: { '001_users.cql': users, '002_age.cql': 'ALTER TABLE ${keyspace}.users ALTER age TYPE bigint;' },
    passing: { '001_users.cql': users, '002_age.cql': 'ALTER TABLE ${keyspace}.users ADD age_v2 bigint;' },
  },
  'cql/column-readded-with-other-type': {
    failing: { '001_users.cql': users, '002_drop.cql': 'ALTER TABLE users DROP age;', '003_readd.cql': 'ALTER TABLE ${keyspace}.users ADD age text;' },
    passing: { '001_users.cql': users, '002_drop.cql': 'ALTER TABLE users DROP age;', '003_readd.cql': 'ALTER TABLE users ADD age int; ALTER TABLE users ADD age_text text;' },
  },
  'cql/primary-key-change': {
    failing: {
      '001_users.cql': users,
      '002_rekey.cql': 'DROP TABLE IF EXISTS users;\nCREATE TABLE IF NOT EXISTS users (id uuid, email text, age int, PRIMARY KEY ((email), id));',
    },
    passing: {
      '001_users.cql': users,
      '002_by_email.cql': 'CREATE TABLE IF NOT EXISTS users_by_email (id uuid, email text, age int, PRIMARY KEY ((email), id));',
    },
  },
  'cql/alter-base-table-with-view': {
    failing: {
      '001_users.cql': `${users}\nCREATE MATERIALIZED VIEW IF NOT EXISTS users_by_email AS SELECT * FROM users WHERE email IS NOT NULL AND id IS NOT NULL PRIMARY KEY (email, id);`,
      '002_drop_age.cql': 'ALTER TABLE users DROP age;',
    },
    passing: {
      '001_users.cql': `${users}\nCREATE MATERIALIZED VIEW IF NOT EXISTS users_by_email AS SELECT * FROM users WHERE email IS NOT NULL AND id IS NOT NULL PRIMARY KEY (email, id);`,
      '002_drop_age.cql': [
        'DROP MATERIALIZED VIEW IF EXISTS users_by_email;',
        'ALTER TABLE users DROP age;',
        'CREATE MATERIALIZED VIEW IF NOT EXISTS users_by_email AS SELECT * FROM users WHERE email IS NOT NULL AND id IS NOT NULL PRIMARY KEY (email, id);',
      ].join('\n'),
    },
  },
  'cql/drop-column': {
    failing: { '001_users.cql': users, '002_drop_age.cql': 'ALTER TABLE ${keyspace}.users DROP age;' },
    passing: {
      '001_users.cql': users,
      '002_age_v2.cql': 'ALTER TABLE ${keyspace}.users ADD age_v2 bigint;',
      '003_drop_age.cql': '-- strata:lint-disable cql/drop-column -- no release reads age since 2.3 (migrated to age_v2)\nALTER TABLE ${keyspace}.users DROP age;',
    },
  },
  'cql/non-idempotent': {
    failing: { '001_users.cql': 'CREATE TABLE users (id uuid PRIMARY KEY);' },
    passing: { '001_users.cql': 'CREATE TABLE IF NOT EXISTS users (id uuid PRIMARY KEY);\nDROP TABLE IF EXISTS old_users;' },
  },
  'cql/replication-production': {
    opts: { profile: 'production' },
    failing: { '001_ks.cql': "CREATE KEYSPACE IF NOT EXISTS app WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3};" },
    passing: { '001_ks.cql': "CREATE KEYSPACE IF NOT EXISTS app WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 3, 'dc2': 3};" },
  },
  'cql/lwt-in-tablets-keyspace': {
    failing: {
      '001_ks.cql': "CREATE KEYSPACE IF NOT EXISTS app WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 3} AND tablets = {'enabled': true};",
      '002_seq.cql': "CREATE TABLE IF NOT EXISTS app.seq (name text PRIMARY KEY, value bigint);\nINSERT INTO app.seq (name, value) VALUES ('order', 0) IF NOT EXISTS;",
    },
    passing: {
      '001_ks.cql': "CREATE KEYSPACE IF NOT EXISTS app WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 3} AND tablets = {'enabled': false};",
      '002_seq.cql': "CREATE TABLE IF NOT EXISTS app.seq (name text PRIMARY KEY, value bigint);\nINSERT INTO app.seq (name, value) VALUES ('order', 0) IF NOT EXISTS;",
    },
  },
  'cql/breaking-rename': {
    failing: { '001_t.cql': 'CREATE TABLE IF NOT EXISTS events (day text, at timestamp, PRIMARY KEY (day, at));', '002_rename.cql': 'ALTER TABLE events RENAME at TO happened_at;' },
    passing: { '001_t.cql': 'CREATE TABLE IF NOT EXISTS events (day text, at timestamp, PRIMARY KEY (day, at));', '002_add.cql': 'ALTER TABLE events ADD note text;' },
  },
}

const ids = (fs: LintFinding[], rule: string): LintFinding[] => fs.filter((f) => f.rule === rule)

lintFixtureSuite({ dialect: 'CQL', rules: cqlLintRules, fixtures, lint })

describe('CQL lint details', () => {
  it('names file, statement and line, and says what to do instead', async () => {
    const [f] = await lint({ '001_users.cql': users, '002_age.cql': '-- widen\n\nALTER TABLE ${keyspace}.users ALTER age TYPE bigint;' })
    expect(f).toMatchObject({ rule: 'cql/alter-column-type', file: '002_age.cql', version: '002', statementIndex: 1, line: 3 })
    expect(f?.message).toMatch(/add a new column/)
  })

  it('a disable comment silences exactly the named rule, for that file only', async () => {
    const files = {
      '001_users.cql': 'CREATE TABLE users (id uuid PRIMARY KEY, age int);',
      '002_age.cql': '// strata:lint-disable cql/alter-column-type\nALTER TABLE users ALTER age TYPE bigint;\nCREATE TABLE other (id int PRIMARY KEY);',
      '003_age.cql': 'ALTER TABLE users ALTER age TYPE varint;',
    }
    const fs = await lint(files)
    expect(fs.map((f) => `${f.version} ${f.rule}`)).toEqual(['001 cql/non-idempotent', '002 cql/non-idempotent', '003 cql/alter-column-type'])
  })

  it('reports unknown rule ids in a disable comment', async () => {
    const fs = await lint({ '001_a.cql': '/* strata:lint-disable cql/no-such-rule */\nCREATE TABLE IF NOT EXISTS a (id int PRIMARY KEY);' })
    expect(fs).toEqual([expect.objectContaining({ rule: 'lint/unknown-rule', severity: 'warning', file: '001_a.cql' })])
    expect(fs[0]?.message).toContain('cql/no-such-rule')
  })

  it('is not fooled by comments and strings', async () => {
    const fs = await lint({
      '001_a.cql': users,
      '002_b.cql': "-- ALTER TABLE users ALTER age TYPE text;\nINSERT INTO users (id, email) VALUES (uuid(), 'ALTER TABLE users ALTER age TYPE text') ;",
    })
    expect(fs).toEqual([])
  })

  it('replication: RF 1 fires in production only; development ignores replication', async () => {
    const files = { '001_ks.cql': "CREATE KEYSPACE IF NOT EXISTS app WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 1};" }
    expect(ids(await lint(files, { profile: 'production' }), 'cql/replication-production')[0]?.message).toMatch(/single replica/)
    expect(await lint(files)).toEqual([])
  })

  it('primary key: IF NOT EXISTS on an existing table with another key is a silent no-op', async () => {
    const fs = await lint({ '001_a.cql': users, '002_b.cql': 'CREATE TABLE IF NOT EXISTS users (id uuid, email text, PRIMARY KEY (email, id));' })
    expect(ids(fs, 'cql/primary-key-change')[0]?.message).toMatch(/silently keeps the old key/)
  })

  it('primary key: dropping a key column or changing the clustering order', async () => {
    const t = 'CREATE TABLE IF NOT EXISTS e (day text, at timestamp, v int, PRIMARY KEY ((day), at)) WITH CLUSTERING ORDER BY (at DESC);'
    const fs = await lint({ '001_a.cql': t, '002_b.cql': 'ALTER TABLE e DROP at;\nALTER TABLE e WITH CLUSTERING ORDER BY (at ASC);\nALTER TABLE e DROP v;' })
    expect(ids(fs, 'cql/primary-key-change').map((f) => f.statementIndex)).toEqual([1, 2])
  })

  it('drop column: a warning in development, an error in production; every column of DROP (a, b) and DROP a, b', async () => {
    const files = { '001_users.cql': users, '002_drop.cql': 'ALTER TABLE users DROP (email, age);\nALTER TABLE IF EXISTS users DROP IF EXISTS email, age;' }
    const dev = ids(await lint(files), 'cql/drop-column')
    expect(dev.map((f) => `${f.statementIndex} ${f.severity}`)).toEqual(['1 warning', '2 warning'])
    expect(dev[0]?.message).toMatch(/^ALTER TABLE users DROP email, age deletes the columns' data for good/)
    expect(dev[0]?.message).toContain('strata:lint-disable cql/drop-column')
    expect(ids(await lint(files, { profile: 'production' }), 'cql/drop-column').map((f) => f.severity)).toEqual(['error', 'error'])
  })

  it('drop column: not for a table created in the same file, nor for key columns (cql/primary-key-change says those)', async () => {
    const t = 'CREATE TABLE IF NOT EXISTS e (day text, at timestamp, v int, w int, PRIMARY KEY ((day), at));'
    const fs = await lint({ '001_a.cql': `${t}\nALTER TABLE e DROP w;`, '002_b.cql': 'ALTER TABLE e DROP at;\nALTER TABLE e DROP (at, v);' }, { profile: 'production' })
    expect(fs.map((f) => `${f.version}:${f.statementIndex} ${f.rule} ${f.severity}`)).toEqual([
      '002:1 cql/primary-key-change error', '002:2 cql/primary-key-change error', '002:2 cql/drop-column error',
    ])
    expect(ids(fs, 'cql/drop-column')[0]?.message).toMatch(/^ALTER TABLE e DROP v deletes the column's data/)
  })

  it('drop column: a table from outside the set is flagged too; the disable comment silences it for its file only', async () => {
    const fs = await lint({
      '001_a.cql': '// strata:lint-disable cql/drop-column -- legacy_flag unread since 1.4\nALTER TABLE legacy DROP legacy_flag;',
      '002_b.cql': 'ALTER TABLE legacy DROP other_flag USING TIMESTAMP 1700000000000000;',
    }, { profile: 'production' })
    expect(fs.map((f) => `${f.version}:${f.statementIndex} ${f.rule} ${f.severity}`)).toEqual(['002:1 cql/drop-column error'])
    expect(fs[0]?.message).toMatch(/^ALTER TABLE legacy DROP other_flag /)
  })

  it('ADD takes a bare comma list too (Cassandra 5), collection types kept whole', async () => {
    const fs = await lint({
      '001_a.cql': users,
      '002_b.cql': 'ALTER TABLE users DROP age;',
      '003_c.cql': 'ALTER TABLE users ADD IF NOT EXISTS tags frozen<map<text, int>>, age text;',
    })
    expect(ids(fs, 'cql/column-readded-with-other-type')[0]?.message).toMatch(/users\.age was dropped as int .* added back as text/)
  })

  it('a dropped base table with a live view is flagged; a view in a conditional batch on tablets too', async () => {
    const fs = await lint({
      '001_a.cql': "CREATE KEYSPACE IF NOT EXISTS ${keyspace} WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 3} AND tablets = {'initial': 8};",
      '002_b.cql': `${users}\nCREATE MATERIALIZED VIEW IF NOT EXISTS v AS SELECT id, email FROM users WHERE email IS NOT NULL AND id IS NOT NULL PRIMARY KEY (email, id);`,
      '003_c.cql': "BEGIN BATCH\n  INSERT INTO users (id, email) VALUES (uuid(), 'a');\n  UPDATE users SET age = 1 WHERE id = 00000000-0000-0000-0000-000000000000 IF EXISTS;\nAPPLY BATCH;\nDROP TABLE IF EXISTS users;",
    })
    // uuid() in the batch also makes statement 1 unresumable (a second run inserts another row).
    expect(fs.map((f) => `${f.version}:${f.statementIndex} ${f.rule}`).sort()).toEqual(['003:1 cql/lwt-in-tablets-keyspace', '003:1 cql/unresumable-dml', '003:2 cql/alter-base-table-with-view'])
  })

  it('the repository\'s own CQL migrations have no error-severity finding in either profile', async () => {
    const { readdir, readFile } = await import('node:fs/promises')
    for (const dir of ['migrations/scylladb', 'examples/audit-service/migrations/scylladb', 'examples/identity-service/migrations/scylladb']) {
      const root = new URL(`../../../../${dir}/`, import.meta.url)
      const files: Files = {}
      for (const f of await readdir(root)) if (f.endsWith('.cql')) files[f] = await readFile(new URL(f, root), 'utf8')
      const errors = (await lint(files, { profile: 'production' })).filter((f) => f.severity === 'error')
      expect(errors, dir).toEqual([])
    }
  })

  it('the real-world corpus (test/corpus): no error in development; in production only its deliberate column drops', async () => {
    for (const set of ['temporal-cassandra', 'cadence-cassandra', 'cadence-visibility-cassandra']) {
      const dir = fileURLToPath(new URL(`../../../../test/corpus/${set}/`, import.meta.url))
      expect((await lintDirectory({ dir, dialect: cqlLintDialect })).errors, set).toBe(0)
      const prod = (await lintDirectory({ dir, dialect: cqlLintDialect, profile: 'production' })).findings.filter((f) => f.severity === 'error')
      expect(prod.filter((f) => f.rule !== 'cql/drop-column'), set).toEqual([])
      expect(prod.length, set).toBe(set === 'temporal-cassandra' ? 6 : 0)
    }
  })
})

describe('CQL lint: messages of each rule for the less common statement shapes', () => {
  const messages = (fs: LintFinding[], rule: string): string[] => ids(fs, rule).map((f) => f.message)

  it('non-idempotent: says how to write each CREATE and DROP so that it can run again', async () => {
    const fs = await lint({
      '001_a.cql': [
        'CREATE MATERIALIZED VIEW v AS SELECT * FROM t WHERE a IS NOT NULL PRIMARY KEY (a);',
        "CREATE KEYSPACE ${keyspace} WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 3};",
        'CREATE INDEX ix ON t (a);',
        'CREATE INDEX ON t (b);',
        'DROP MATERIALIZED VIEW v;',
        'DROP INDEX ix;',
        'DROP TYPE;',
      ].join('\n'),
    })
    expect(messages(fs, 'cql/non-idempotent').map((m) => m.replace(/^.*: write /, ''))).toEqual([
      'CREATE MATERIALIZED VIEW IF NOT EXISTS v.',
      'CREATE KEYSPACE IF NOT EXISTS ${keyspace}.',
      'CREATE INDEX IF NOT EXISTS ix.',
      'CREATE INDEX IF NOT EXISTS.',
      'DROP MATERIALIZED VIEW IF EXISTS v.',
      'DROP INDEX IF EXISTS ix.',
      'DROP TYPE IF EXISTS.',
    ])
    expect(messages(fs, 'cql/non-idempotent')[4]).toMatch(/^DROP MATERIALIZED VIEW v without IF EXISTS fails when the object is already gone/)
  })

  it('non-idempotent: ALTER KEYSPACE, CREATE OR REPLACE and IF [NOT] EXISTS forms are fine', async () => {
    const fs = await lint({
      '001_a.cql': [
        "ALTER KEYSPACE app WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 3};",
        'CREATE OR REPLACE FUNCTION f (x int) RETURNS NULL ON NULL INPUT RETURNS int LANGUAGE lua AS $$ return x $$;',
        'CREATE MATERIALIZED VIEW IF NOT EXISTS v AS SELECT * FROM t WHERE a IS NOT NULL PRIMARY KEY (a);',
        'DROP MATERIALIZED VIEW IF EXISTS v;',
        'DROP INDEX IF EXISTS ix;',
      ].join('\n'),
    })
    expect(ids(fs, 'cql/non-idempotent')).toEqual([])
  })

  it('replication: the session keyspace is named as ${keyspace}; a map without a class is checked for single replicas', async () => {
    const fs = await lint({
      '001_a.cql': "CREATE KEYSPACE IF NOT EXISTS ${keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3};",
      '002_b.cql': "ALTER KEYSPACE app WITH replication = {'dc1': 1, 'dc2': 3};",
      '003_c.cql': "ALTER KEYSPACE app WITH durable_writes = true;",
    }, { profile: 'production' })
    const [simple, single, ...rest] = messages(fs, 'cql/replication-production')
    expect(simple).toMatch(/^keyspace \$\{keyspace\} uses SimpleStrategy/)
    expect(single).toMatch(/^keyspace app keeps a single replica \(dc1: 1\)/)
    expect(rest).toEqual([])
  })

  it('primary key: ADD … PRIMARY KEY cannot join the key', async () => {
    const fs = await lint({ '001_a.cql': users, '002_b.cql': 'ALTER TABLE users ADD tenant text PRIMARY KEY;' })
    expect(messages(fs, 'cql/primary-key-change')).toEqual([expect.stringMatching(/^ALTER TABLE users ADD … PRIMARY KEY: columns cannot join the primary key\. A CQL primary key/)])
  })

  it('view base alter: names every view of the table, in the plural', async () => {
    const view = (n: string) => `CREATE MATERIALIZED VIEW IF NOT EXISTS ${n} AS SELECT * FROM users WHERE email IS NOT NULL AND id IS NOT NULL PRIMARY KEY (email, id);`
    const fs = await lint({ '001_a.cql': `${users}\n${view('v1')}\n${view('v2')}`, '002_b.cql': 'ALTER TABLE users ADD note text;' })
    expect(messages(fs, 'cql/alter-base-table-with-view')).toEqual([
      expect.stringMatching(/^ALTER TABLE users while it has materialized views v1 \(statement 2 of 001_a\.cql\), v2 \(statement 3 of 001_a\.cql\): in this migration, drop the views first/),
    ])
  })

  it('column re-added: a table the set did not create is not judged', async () => {
    const fs = await lint({ '001_a.cql': 'ALTER TABLE legacy ADD age text;' })
    expect(ids(fs, 'cql/column-readded-with-other-type')).toEqual([])
  })

  it('directives: a file without lint-disable comments has none, and CQL never opts out of transactions', () => {
    expect(cqlDirectives('CREATE TABLE IF NOT EXISTS t (a int PRIMARY KEY);')).toEqual({ noTransaction: false })
    expect(cqlDirectives('-- strata:lint-disable cql/drop-column\nALTER TABLE t DROP a;')).toEqual({ noTransaction: false, lintDisable: ['cql/drop-column'] })
  })
})
