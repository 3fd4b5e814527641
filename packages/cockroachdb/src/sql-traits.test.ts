import { describe, expect, it } from 'vitest'
import { sqlRejected, sqlTraits } from './sql-traits.js'
import { isDdl } from './statement-kind.js'

const pg = { schema: 'public', ddlInTransactions: true, isDdl }
const crdb = { schema: 'public', ddlInTransactions: false, isDdl }

describe('sqlTraits: how a SQL statement behaves if sent again, and whether it may share a transaction with its journal write', () => {
  it.each([
    ['CREATE TABLE t (id int)', { idempotent: false, effect: { kind: 'table', name: 't', exists: true } }],
    ['CREATE TABLE IF NOT EXISTS public.t (id int)', { idempotent: true, effect: { kind: 'table', name: 't', exists: true } }],
    ['DROP TABLE t', { idempotent: false, effect: { kind: 'table', name: 't', exists: false } }],
    ['DROP TABLE IF EXISTS t', { idempotent: true, effect: { kind: 'table', name: 't', exists: false } }],
    ['ALTER TABLE t ADD COLUMN a int', { idempotent: false, effect: { kind: 'column', table: 't', name: 'a', exists: true } }],
    ['ALTER TABLE t DROP COLUMN a', { idempotent: false, effect: { kind: 'column', table: 't', name: 'a', exists: false } }],
    ['ALTER TABLE t RENAME COLUMN a TO b', { idempotent: false, effect: { kind: 'column', table: 't', name: 'b', exists: true } }],
    ['ALTER TABLE t RENAME TO u', { idempotent: false, effect: { kind: 'table', name: 'u', exists: true } }],
    ['CREATE INDEX i ON t (a)', { idempotent: false, effect: { kind: 'index', name: 'i', exists: true } }],
    ['CREATE VIEW v AS SELECT 1', { idempotent: false, effect: { kind: 'view', name: 'v', exists: true } }],
    ["CREATE TYPE mood AS ENUM ('a')", { idempotent: false, effect: { kind: 'type', name: 'mood', exists: true } }],
    ['INSERT INTO t VALUES (1)', { idempotent: false }],
    ['INSERT INTO t VALUES (1) ON CONFLICT DO NOTHING', { idempotent: true }],
    ['DELETE FROM t WHERE id = 1', { idempotent: true }],
    ["SET lock_timeout = '5s'", { idempotent: true }],
  ])('%s', (text, want) => {
    expect(sqlTraits(text, pg)).toEqual({ transactional: true, ...want })
  })

  it('PostgreSQL: what cannot run in a transaction block runs alone; a concurrent index build is cleaned up when found INVALID', () => {
    expect(sqlTraits('CREATE INDEX CONCURRENTLY i ON t (a)', pg)).toEqual({
      idempotent: false, transactional: false, effect: { kind: 'index', name: 'i', exists: true }, cleanup: 'DROP INDEX CONCURRENTLY IF EXISTS "public"."i"',
    })
    for (const text of ['VACUUM t', 'CREATE DATABASE d', 'ALTER SYSTEM SET work_mem = 1', 'COMMIT', 'BEGIN', 'REINDEX INDEX CONCURRENTLY i']) {
      expect(sqlTraits(text, pg).transactional, text).toBe(false)
    }
  })

  it('CockroachDB (and forcePerStatement): DDL never shares a transaction with its journal write; DML does', () => {
    expect(sqlTraits('CREATE TABLE t (id int)', crdb).transactional).toBe(false)
    expect(sqlTraits('INSERT INTO t VALUES (1)', crdb).transactional).toBe(true)
    expect(sqlTraits('UPSERT INTO t VALUES (1)', crdb)).toMatchObject({ transactional: true, idempotent: true })
  })

  it('objects of another schema are not checked in this one', () => {
    expect(sqlTraits('CREATE TABLE other.t (id int)', pg).effect).toBeUndefined()
    expect(sqlTraits('DROP TABLE a, b', pg).effect).toBeUndefined()
  })

  it('a server error proves the statement did not run, unless the connection broke or the outcome is ambiguous', () => {
    expect(sqlRejected(Object.assign(new Error('relation "t" already exists'), { code: '42P07' }))).toBe(true)
    expect(sqlRejected(Object.assign(new Error('syntax error'), { code: '42601' }))).toBe(true)
    expect(sqlRejected(Object.assign(new Error('terminating connection'), { code: '57P01' }))).toBe(false)
    expect(sqlRejected(Object.assign(new Error('result is ambiguous'), { code: '40003' }))).toBe(false)
    expect(sqlRejected(new Error('Connection terminated unexpectedly'))).toBe(false)
  })
})
