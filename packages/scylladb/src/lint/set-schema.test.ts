import { describe, expect, it } from 'vitest'
import type { Migration } from '@strata-migrate/core/adapter-kit'
import { parseTokens, type CqlFact } from './cql-facts.js'
import { cqlLintTokens } from './cql-lint-tokens.js'
import { SetSchema, originLabel } from './set-schema.js'

const m = (file: string) => ({ file }) as Migration

/** A model with these statements of one file applied in order. */
function replay(...texts: string[]): SetSchema {
  const s = new SetSchema()
  texts.forEach((t, i) => s.apply(parseTokens(cqlLintTokens(t)), m('001_a.cql'), i))
  return s
}

const columns = (s: SetSchema, table: string) => Object.fromEntries(s.table({ keyspace: '', name: table })?.columns ?? [])

describe('SetSchema: tables', () => {
  it('CREATE TABLE IF NOT EXISTS on a live table keeps the first definition', () => {
    const s = replay('CREATE TABLE t (a int PRIMARY KEY)', 'CREATE TABLE IF NOT EXISTS t (b text PRIMARY KEY)')
    expect(columns(s, 't')).toEqual({ a: 'int' })
    expect(s.tables.get('.t')?.origin).toEqual({ file: '001_a.cql', statementIndex: 0 })
  })

  it('a dropped table is no longer live but remembered, and a new CREATE replaces it', () => {
    const s = replay('CREATE TABLE t (a int PRIMARY KEY)', 'DROP TABLE t')
    expect(s.table({ keyspace: '', name: 't' })).toBeUndefined()
    expect(s.tables.get('.t')?.live).toBe(false)
    s.apply(parseTokens(cqlLintTokens('CREATE TABLE t (b text PRIMARY KEY)')), m('002_b.cql'), 0)
    expect(columns(s, 't')).toEqual({ b: 'text' })
  })

  it('ALTER and DROP of a table the set never created change nothing', () => {
    const s = replay('ALTER TABLE ghost ADD a int', 'DROP TABLE ghost')
    expect(s.tables.size).toBe(0)
  })

  it('ADD, DROP (remembering the dropped type), ALTER TYPE and RENAME update the columns', () => {
    const s = replay(
      'CREATE TABLE t (k int PRIMARY KEY, a int, b text, c int)',
      'ALTER TABLE t ADD d varchar',
      'ALTER TABLE t DROP (b, nope)',
      'ALTER TABLE t ALTER a TYPE bigint',
      'ALTER TABLE t ALTER missing TYPE bigint',
      'ALTER TABLE t RENAME c TO c2 AND unknown TO u2',
    )
    expect(columns(s, 't')).toEqual({ k: 'int', a: 'bigint', d: 'text', c2: 'int' })
    const dropped = s.table({ keyspace: '', name: 't' })?.dropped
    expect(dropped?.get('b')).toEqual({ type: 'text', origin: { file: '001_a.cql', statementIndex: 2 } })
    expect(dropped?.get('nope')).toEqual({ type: undefined, origin: { file: '001_a.cql', statementIndex: 2 } })
  })

  it('an added column whose type is unknown is not recorded', () => {
    const s = replay('CREATE TABLE t (k int PRIMARY KEY)')
    const add: CqlFact = { kind: 'alter-table', ref: { keyspace: '', name: 't' }, op: 'add', columns: [{ name: 'x' }], renames: [], clusteringOrder: false }
    s.apply(add, m('002_b.cql'), 0)
    expect(columns(s, 't')).toEqual({ k: 'int' })
  })
})

describe('SetSchema: views', () => {
  it('records a view with its base once; a view without a base is not recorded', () => {
    const s = replay(
      'CREATE MATERIALIZED VIEW v AS SELECT * FROM t WHERE a IS NOT NULL PRIMARY KEY (a)',
      'CREATE MATERIALIZED VIEW IF NOT EXISTS v AS SELECT * FROM other WHERE a IS NOT NULL PRIMARY KEY (a)',
      'CREATE MATERIALIZED VIEW w AS SELECT a',
    )
    expect([...s.views.entries()]).toEqual([['.v', { ref: { keyspace: '', name: 'v' }, base: '.t', origin: { file: '001_a.cql', statementIndex: 0 } }]])
    expect(s.viewsOf({ keyspace: '', name: 't' }).map((v) => v.ref.name)).toEqual(['v'])
    expect(s.viewsOf({ keyspace: '', name: 'other' })).toEqual([])
  })

  it('DROP TABLE forgets the views of that table only; DROP MATERIALIZED VIEW forgets the view', () => {
    const s = replay(
      'CREATE MATERIALIZED VIEW v1 AS SELECT * FROM t1 PRIMARY KEY (a)',
      'CREATE MATERIALIZED VIEW v2 AS SELECT * FROM t2 PRIMARY KEY (a)',
      'CREATE MATERIALIZED VIEW v3 AS SELECT * FROM t2 PRIMARY KEY (a)',
      'DROP TABLE t1',
      'DROP MATERIALIZED VIEW v3',
    )
    expect([...s.views.keys()]).toEqual(['.v2'])
  })
})

describe('SetSchema: tablets keyspaces', () => {
  it('tablets enabled, or an initial tablet count, marks the keyspace; enabled false or DROP KEYSPACE unmarks it', () => {
    const s = replay(
      "CREATE KEYSPACE a WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 3} AND tablets = {'enabled': true}",
      "CREATE KEYSPACE b WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 3} AND tablets = {'initial': 8}",
      "CREATE KEYSPACE ${keyspace} WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 3} AND tablets = {'enabled': true}",
      "CREATE KEYSPACE c WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 3}",
    )
    expect([...s.tabletKeyspaces.keys()]).toEqual(['a', 'b', ''])
    s.apply(parseTokens(cqlLintTokens("ALTER KEYSPACE a WITH tablets = {'enabled': false}")), m('002_b.cql'), 0)
    s.apply(parseTokens(cqlLintTokens('DROP KEYSPACE IF EXISTS b')), m('002_b.cql'), 1)
    expect([...s.tabletKeyspaces.keys()]).toEqual([''])
    expect(s.tabletKeyspaces.get('')).toEqual({ file: '001_a.cql', statementIndex: 2 })
  })

  it('DROP KEYSPACE of the placeholder unmarks the session keyspace; other drops leave keyspaces alone', () => {
    const s = replay("CREATE KEYSPACE ${keyspace} WITH tablets = {'enabled': true}", 'DROP INDEX ix', 'DROP TYPE ${keyspace}', 'INSERT INTO t (a) VALUES (1)')
    expect([...s.tabletKeyspaces.keys()]).toEqual([''])
    s.apply(parseTokens(cqlLintTokens('DROP KEYSPACE ${keyspace}')), m('002_b.cql'), 0)
    expect(s.tabletKeyspaces.size).toBe(0)
    const nameless: CqlFact = { kind: 'drop-other', object: 'keyspace', ifExists: false }
    s.tabletKeyspaces.set('x', { file: 'f', statementIndex: 0 })
    s.apply(nameless, m('003_c.cql'), 0)
    expect([...s.tabletKeyspaces.keys()]).toEqual(['x'])
  })

  it('names an origin as statement and file, 1-based', () => {
    expect(originLabel({ file: '001_a.cql', statementIndex: 2 })).toBe('statement 3 of 001_a.cql')
  })
})
