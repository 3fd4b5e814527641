import { describe, expect, it } from 'vitest'
import type { Statement } from '@strata-migrate/core/adapter-kit'
import { factsOf, parseTokens, refLabel, type CqlFact } from './cql-facts.js'
import { cqlLintTokens } from './cql-lint-tokens.js'

/** The fact of one CQL statement, as lint rules see it. */
const fact = (text: string, use = ''): CqlFact => parseTokens(cqlLintTokens(text), use)

describe('parseTokens: CREATE TABLE', () => {
  it('a table without a name or without a column list is not understood', () => {
    expect(fact('CREATE TABLE (id int PRIMARY KEY)')).toEqual({ kind: 'other' })
    expect(fact('CREATE TABLE t')).toEqual({ kind: 'other' })
  })

  it('skips definitions that do not start with a name, and reads a bare PRIMARY KEY as an empty key', () => {
    const f = fact("CREATE TABLE IF NOT EXISTS t (id int, 'junk' text, PRIMARY KEY)")
    expect(f).toMatchObject({ kind: 'create-table', ref: { keyspace: '', name: 't' }, ifNotExists: true, primaryKey: { partition: [], clustering: [] } })
    expect([...(f as Extract<CqlFact, { kind: 'create-table' }>).columns]).toEqual([['id', 'int']])
  })

  it('reads a composite key, static columns and aliases (varchar is text)', () => {
    const f = fact('CREATE COLUMNFAMILY ks.e (day varchar, at timestamp, n int static, PRIMARY KEY ((day), at))')
    expect(f).toMatchObject({ kind: 'create-table', ref: { keyspace: 'ks', name: 'e' }, ifNotExists: false, primaryKey: { partition: ['day'], clustering: ['at'] } })
    expect([...(f as Extract<CqlFact, { kind: 'create-table' }>).columns]).toEqual([['day', 'text'], ['at', 'timestamp'], ['n', 'int']])
  })
})

describe('parseTokens: ALTER TABLE', () => {
  const alter = (text: string) => fact(text) as Extract<CqlFact, { kind: 'alter-table' }>

  it('an ALTER TABLE without a table name is not understood', () => {
    expect(fact('ALTER TABLE')).toEqual({ kind: 'other' })
    expect(fact("ALTER TABLE 'x' ADD a int")).toEqual({ kind: 'other' })
  })

  it('ADD and DROP skip entries that are not column names', () => {
    expect(alter("ALTER TABLE t ADD (a int, 'b' text)").columns).toEqual([{ name: 'a', type: 'int', primaryKey: false }])
    expect(alter('ALTER TABLE t DROP (a, 1)').columns).toEqual([{ name: 'a' }])
  })

  it('DROP COMPACT STORAGE drops no column', () => {
    expect(alter('ALTER TABLE t DROP COMPACT STORAGE')).toMatchObject({ op: 'other', columns: [] })
  })

  it('ALTER of a column without TYPE is another kind of change, with or without the column named', () => {
    expect(alter("ALTER TABLE t ALTER a WITH comment = 'x'")).toMatchObject({ op: 'alter-other', columns: [{ name: 'a' }] })
    expect(alter('ALTER TABLE t ALTER')).toMatchObject({ op: 'alter-other', columns: [] })
    expect(alter('ALTER TABLE IF EXISTS t ALTER IF EXISTS a TYPE varchar')).toMatchObject({ op: 'alter-type', columns: [{ name: 'a', type: 'text' }] })
  })

  it('RENAME keeps only complete `a TO b` pairs', () => {
    expect(alter('ALTER TABLE t RENAME a TO b AND c AND d TO e').renames).toEqual([['a', 'b'], ['d', 'e']])
    expect(alter('ALTER TABLE t RENAME IF EXISTS a b').renames).toEqual([])
  })

  it('WITH options: says whether the clustering order is changed', () => {
    expect(alter('ALTER TABLE t WITH CLUSTERING ORDER BY (at DESC)')).toMatchObject({ op: 'with', clusteringOrder: true })
    expect(alter('ALTER TABLE t WITH gc_grace_seconds = 0')).toMatchObject({ op: 'with', clusteringOrder: false })
  })

  it('anything else after the table name is op "other"', () => {
    expect(alter('ALTER TABLE t SOMETHING new')).toMatchObject({ kind: 'alter-table', op: 'other', columns: [], renames: [] })
  })
})

describe('parseTokens: materialized views', () => {
  it('a view without a name is not understood', () => {
    expect(fact('CREATE MATERIALIZED VIEW (x)')).toEqual({ kind: 'other' })
  })

  it('finds the base table after parenthesised select expressions (a FROM inside them is not the base)', () => {
    expect(fact('CREATE MATERIALIZED VIEW v AS SELECT (a) FROM ks.base WHERE a IS NOT NULL PRIMARY KEY (a)'))
      .toEqual({ kind: 'create-view', ref: { keyspace: '', name: 'v' }, base: { keyspace: 'ks', name: 'base' }, ifNotExists: false })
    expect(fact('CREATE MATERIALIZED VIEW v AS SELECT f(x FROM y) FROM base')).toMatchObject({ base: { keyspace: '', name: 'base' } })
  })

  it('a view without FROM has no base table', () => {
    expect(fact('CREATE MATERIALIZED VIEW IF NOT EXISTS v AS SELECT a')).toEqual({ kind: 'create-view', ref: { keyspace: '', name: 'v' }, base: undefined, ifNotExists: true })
  })

  it('DROP MATERIALIZED VIEW names the view', () => {
    expect(fact('DROP MATERIALIZED VIEW IF EXISTS ks.v')).toEqual({ kind: 'drop-view', ref: { keyspace: 'ks', name: 'v' }, ifExists: true })
  })
})

describe('parseTokens: keyspaces', () => {
  it('reads the replication and tablets maps of CREATE and ALTER KEYSPACE', () => {
    expect(fact("ALTER KEYSPACE IF EXISTS app WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 3} AND tablets = {'enabled': false}")).toEqual({
      kind: 'keyspace', verb: 'alter', name: 'app', ifNotExists: false,
      replication: { class: 'NetworkTopologyStrategy', dc1: '3' }, tablets: { enabled: 'false' },
    })
    expect(fact("CREATE SCHEMA IF NOT EXISTS ${keyspace} WITH replication = {'class': 'SimpleStrategy'}")).toMatchObject({ verb: 'create', name: '', ifNotExists: true })
  })

  it('a WITH option that is not a map, and map entries without a colon, are left out', () => {
    const f = fact("CREATE KEYSPACE app WITH durable_writes = true AND replication = {'class': 'SimpleStrategy', 'junk', : 1}")
    expect(f).toMatchObject({ kind: 'keyspace', replication: { class: 'SimpleStrategy' }, tablets: undefined })
    expect(Object.keys((f as Extract<CqlFact, { kind: 'keyspace' }>).replication ?? {})).toEqual(['class'])
  })

  it('a keyspace statement without a name is not understood', () => {
    expect(fact('CREATE KEYSPACE')).toEqual({ kind: 'other' })
    expect(fact('ALTER KEYSPACE IF EXISTS')).toEqual({ kind: 'other' })
  })

  it('ALTER of anything but a table or keyspace is not understood', () => {
    expect(fact("ALTER ROLE r WITH PASSWORD = 'x'")).toEqual({ kind: 'other' })
  })
})

describe('parseTokens: other CREATE and DROP', () => {
  it('reads CREATE of indexes, types, functions (OR REPLACE, CUSTOM); an unnamed index has no name', () => {
    expect(fact('CREATE CUSTOM INDEX IF NOT EXISTS ix ON t (a)')).toEqual({ kind: 'create-other', object: 'index', name: 'ix', ifNotExists: true, orReplace: false })
    expect(fact('CREATE INDEX ON t (a)')).toEqual({ kind: 'create-other', object: 'index', name: undefined, ifNotExists: false, orReplace: false })
    expect(fact('CREATE OR REPLACE FUNCTION ks.f (x int) RETURNS NULL ON NULL INPUT RETURNS int LANGUAGE lua AS $$ return x $$'))
      .toMatchObject({ kind: 'create-other', object: 'function', name: 'f', orReplace: true })
  })

  it('CREATE or DROP of an unknown object, or of nothing, is not understood', () => {
    expect(fact('CREATE')).toEqual({ kind: 'other' })
    expect(fact('CREATE WIDGET w')).toEqual({ kind: 'other' })
    expect(fact('DROP')).toEqual({ kind: 'other' })
    expect(fact('DROP WIDGET w')).toEqual({ kind: 'other' })
  })

  it('DROP of tables, indexes and keyspaces; DROP TABLE without a name is a nameless drop', () => {
    expect(fact('DROP COLUMNFAMILY IF EXISTS ks.t')).toEqual({ kind: 'drop-table', ref: { keyspace: 'ks', name: 't' }, ifExists: true })
    expect(fact('DROP INDEX ks.ix')).toEqual({ kind: 'drop-other', object: 'index', name: 'ix', ifExists: false })
    expect(fact('DROP KEYSPACE IF EXISTS app')).toEqual({ kind: 'drop-other', object: 'keyspace', name: 'app', ifExists: true })
    expect(fact('DROP TABLE')).toEqual({ kind: 'drop-other', object: 'table', name: undefined, ifExists: false })
  })
})

describe('parseTokens: DML, batches and USE', () => {
  it('USE names the session keyspace; a placeholder stands for the session keyspace', () => {
    expect(fact('USE app')).toEqual({ kind: 'use', keyspace: 'app' })
    expect(fact('USE ${keyspace}')).toEqual({ kind: 'use', keyspace: '' })
  })

  it('unqualified names take the keyspace of a preceding USE', () => {
    expect(fact('INSERT INTO t (a) VALUES (1) IF NOT EXISTS', 'app')).toEqual({ kind: 'dml', verb: 'insert', ref: { keyspace: 'app', name: 't' }, conditional: true })
    expect(fact('UPDATE ks.t SET a = 1 WHERE k = 1', 'app')).toMatchObject({ ref: { keyspace: 'ks', name: 't' }, conditional: false })
  })

  it('INSERT without INTO and DELETE without FROM name no table', () => {
    expect(fact('INSERT t (a) VALUES (1)')).toEqual({ kind: 'dml', verb: 'insert', ref: undefined, conditional: false })
    expect(fact('DELETE a')).toEqual({ kind: 'dml', verb: 'delete', ref: undefined, conditional: false })
    expect(fact('DELETE a FROM t WHERE k = 1 IF EXISTS')).toEqual({ kind: 'dml', verb: 'delete', ref: { keyspace: '', name: 't' }, conditional: true })
  })

  it('a batch keeps its DML statements, after USING options, and drops the rest', () => {
    const f = fact("BEGIN UNLOGGED BATCH USING TIMESTAMP 17 INSERT INTO t (a) VALUES (1); CREATE TABLE x (a int PRIMARY KEY); DELETE FROM u WHERE k = 'x'; APPLY BATCH", 'app')
    expect(f).toEqual({
      kind: 'batch',
      statements: [
        { kind: 'dml', verb: 'insert', ref: { keyspace: 'app', name: 't' }, conditional: false },
        { kind: 'dml', verb: 'delete', ref: { keyspace: 'app', name: 'u' }, conditional: false },
      ],
    })
    expect(fact('BEGIN BATCH USING TIMESTAMP 17')).toEqual({ kind: 'batch', statements: [] })
  })

  it('BEGIN of anything but a batch is not understood', () => {
    expect(fact('BEGIN TRANSACTION UPDATE t SET a = 1 WHERE k = 1; COMMIT TRANSACTION')).toEqual({ kind: 'other' })
  })

  it('anything else is "other"', () => {
    expect(fact('SELECT * FROM t')).toEqual({ kind: 'other' })
    expect(fact('')).toEqual({ kind: 'other' })
  })
})

describe('factsOf', () => {
  const stmts = (...texts: string[]): Statement[] => texts.map((text, index) => ({ index, text, hash: `h${index}` }))

  it('applies USE to the unqualified names of later statements only, and caches per file', () => {
    const file = stmts('CREATE TABLE t (a int PRIMARY KEY)', 'USE app', 'DROP TABLE t', 'USE ${keyspace}', 'DROP TABLE u')
    const facts = factsOf(file)
    expect(facts.map((f) => f.fact)).toEqual([
      expect.objectContaining({ kind: 'create-table', ref: { keyspace: '', name: 't' } }),
      { kind: 'use', keyspace: 'app' },
      { kind: 'drop-table', ref: { keyspace: 'app', name: 't' }, ifExists: false },
      { kind: 'use', keyspace: '' },
      { kind: 'drop-table', ref: { keyspace: '', name: 'u' }, ifExists: false },
    ])
    expect(facts[2]?.statement).toBe(file[2])
    expect(factsOf(file)).toBe(facts)
  })

  it('labels a reference without the session keyspace', () => {
    expect(refLabel({ keyspace: '', name: 't' })).toBe('t')
    expect(refLabel({ keyspace: 'app', name: 't' })).toBe('app.t')
  })
})
