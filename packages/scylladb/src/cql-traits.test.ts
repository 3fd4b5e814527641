import cassandra from 'cassandra-driver'
import { describe, expect, it } from 'vitest'
import { cqlRejected, cqlTraits } from './cql-traits.js'

const ks = 'app'

describe('cqlTraits: how a CQL statement behaves if sent again', () => {
  it.each([
    ['CREATE TABLE t (id int PRIMARY KEY)', { idempotent: false, effect: { kind: 'table', name: 't', exists: true } }],
    ['CREATE TABLE IF NOT EXISTS app.t (id int PRIMARY KEY)', { idempotent: true, effect: { kind: 'table', name: 't', exists: true } }],
    ['DROP TABLE app.t', { idempotent: false, effect: { kind: 'table', name: 't', exists: false } }],
    ['ALTER TABLE t ADD (a int, b text)', { idempotent: false, effect: { kind: 'column', table: 't', name: 'a', exists: true } }],
    ['ALTER TABLE t DROP a', { idempotent: false, effect: { kind: 'column', table: 't', name: 'a', exists: false } }],
    ['ALTER TABLE t RENAME id TO key', { idempotent: false, effect: { kind: 'column', table: 't', name: 'key', exists: true } }],
    ["ALTER TABLE t WITH comment = 'x'", { idempotent: true }],
    ['CREATE INDEX t_a ON t (a)', { idempotent: false, effect: { kind: 'index', name: 't_a', exists: true } }],
    ['CREATE TYPE money (amount decimal, currency text)', { idempotent: false, effect: { kind: 'type', name: 'money', exists: true } }],
    ['CREATE MATERIALIZED VIEW v AS SELECT * FROM t WHERE a IS NOT NULL AND id IS NOT NULL PRIMARY KEY (a, id)', { idempotent: false, effect: { kind: 'view', name: 'v', exists: true } }],
    ['"CamelTable" is not a statement', { idempotent: false }],
  ])('%s', (text, want) => {
    expect(cqlTraits(text, ks)).toEqual({ transactional: false, ...want })
  })

  it('objects of another keyspace cannot be checked in the migration keyspace: no effect', () => {
    expect(cqlTraits('CREATE TABLE other.t (id int PRIMARY KEY)', ks).effect).toBeUndefined()
    expect(cqlTraits('CREATE TABLE "App".t (id int PRIMARY KEY)', ks).effect).toBeUndefined()
    expect(cqlTraits('CREATE TABLE app."T" (id int PRIMARY KEY)', ks).effect).toEqual({ kind: 'table', name: 'T', exists: true })
  })

  it.each([
    ["INSERT INTO t (id, v) VALUES (1, 'x')", true],
    ['UPDATE t SET v = 2 WHERE id = 1', true],
    ['DELETE FROM t WHERE id = 1', true],
    ['UPDATE t SET v = 2 WHERE id = 1 IF v = 1', true],
    ["INSERT INTO t (id, v) VALUES (1, 'x') IF NOT EXISTS", true],
    ['UPDATE hits SET n = n + 1 WHERE id = 1', false],
    ['UPDATE hits SET n = n - 1 WHERE id = 1', false],
    ['UPDATE t SET l = l + [1] WHERE id = 1', false],
    ['UPDATE t SET l = [1] + l WHERE id = 1', false],
    ['DELETE l[0] FROM t WHERE id = 1', false],
    ["INSERT INTO t (id, v) VALUES (uuid(), 'x')", false],
    ['UPDATE t SET at = now() WHERE id = 1', false],
    ['BEGIN BATCH INSERT INTO t (id) VALUES (1); INSERT INTO t (id) VALUES (2); APPLY BATCH', true],
    ['BEGIN COUNTER BATCH UPDATE hits SET n = n + 1 WHERE id = 1; APPLY BATCH', false],
    ['TRUNCATE t', true],
    ['SELECT * FROM t', true],
  ])('DML %s: idempotent %s', (text, idempotent) => {
    expect(cqlTraits(text, ks)).toMatchObject({ idempotent, transactional: false })
    expect(cqlTraits(text, ks).effect).toBeUndefined()
  })

  it.each([
    ['DROP MATERIALIZED VIEW v', { idempotent: false, effect: { kind: 'view', name: 'v', exists: false } }],
    ['DROP MATERIALIZED VIEW IF EXISTS app.v', { idempotent: true, effect: { kind: 'view', name: 'v', exists: false } }],
    ['DROP INDEX IF EXISTS t_a', { idempotent: true, effect: { kind: 'index', name: 't_a', exists: false } }],
    ['DROP TYPE money', { idempotent: false, effect: { kind: 'type', name: 'money', exists: false } }],
    ['CREATE OR REPLACE FUNCTION f (x int) RETURNS NULL ON NULL INPUT RETURNS int LANGUAGE lua AS $$ return x $$', { idempotent: true }],
    ['CREATE INDEX ON t (a)', { idempotent: false }],
    ['ALTER TABLE t ALTER a TYPE bigint', { idempotent: false }],
    ['ALTER TABLE t ADD', { idempotent: false }],
    ["CREATE KEYSPACE app WITH replication = {'class': 'SimpleStrategy'}", { idempotent: false }],
    ["CREATE KEYSPACE IF NOT EXISTS app WITH replication = {'class': 'SimpleStrategy'}", { idempotent: true }],
    ["ALTER KEYSPACE app WITH replication = {'class': 'SimpleStrategy'}", { idempotent: true }],
    ['USE app', { idempotent: true }],
    ['GRANT SELECT ON KEYSPACE app TO reader', { idempotent: true }],
    ['LIST ROLES', { idempotent: false }],
    ['', { idempotent: false }],
  ])('other DDL %j', (text, want) => {
    expect(cqlTraits(text, ks)).toEqual({ transactional: false, ...want })
  })

  it('tables, views and columns of another keyspace have no effect to check', () => {
    for (const text of ['DROP TABLE other.t', 'CREATE MATERIALIZED VIEW other.v AS SELECT * FROM other.t PRIMARY KEY (a)', 'DROP MATERIALIZED VIEW other.v', 'ALTER TABLE other.t ADD a int']) {
      expect(cqlTraits(text, ks).effect, text).toBeUndefined()
    }
  })

  it('DELETE of a list element without FROM still counts as repeating', () => {
    expect(cqlTraits('DELETE l[0]', ks).idempotent).toBe(false)
    expect(cqlTraits('DELETE l FROM t WHERE id = 1', ks).idempotent).toBe(true)
  })

  it('the server refusing a statement proves it did not run; a timeout does not', () => {
    const { ResponseError, OperationTimedOutError } = cassandra.errors
    const codes = cassandra.types.responseErrorCodes
    expect(cqlRejected(new ResponseError(codes.syntaxError, 'line 1:0 no viable alternative'))).toBe(true)
    expect(cqlRejected(new ResponseError(codes.alreadyExists, 'exists'))).toBe(true)
    expect(cqlRejected(new ResponseError(codes.unavailableException, 'unavailable'))).toBe(true)
    expect(cqlRejected(new ResponseError(codes.writeTimeout, 'timeout'))).toBe(false)
    expect(cqlRejected(new OperationTimedOutError('client timeout'))).toBe(false)
    expect(cqlRejected(new Error('anything'))).toBe(false)
  })
})
