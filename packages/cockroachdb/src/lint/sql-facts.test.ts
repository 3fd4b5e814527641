import { describe, expect, it } from 'vitest'
import { parseTokens } from './sql-facts.js'
import { sqlLintTokens } from './sql-lint-tokens.js'

const fact = (sql: string) => parseTokens(sqlLintTokens(sql))

describe('parseTokens: what lint rules see of a statement', () => {
  it('a WITH is DML when a data-changing verb appears at its top level, else nothing lint judges', () => {
    expect(fact('WITH x AS (SELECT 1) UPDATE t SET a = 1')).toEqual({ kind: 'dml', verb: 'update' })
    expect(fact('WITH x AS (SELECT 1) SELECT * FROM x')).toEqual({ kind: 'other' })
  })

  it('CREATE INDEX without a name, or without ON, is still an index (lint checks its concurrency)', () => {
    expect(fact('CREATE INDEX CONCURRENTLY ON users (email)')).toMatchObject({ kind: 'create-index', name: undefined, concurrently: true, ref: { name: 'users' } })
    expect(fact('CREATE UNIQUE INDEX IF NOT EXISTS by_email')).toEqual({ kind: 'create-index', name: 'by_email', concurrently: false })
  })

  it('statements cut short read as plain DDL, not as a half-parsed change', () => {
    expect(fact('CREATE TABLE')).toEqual({ kind: 'ddl', verb: 'create' })
    expect(fact('ALTER TABLE')).toEqual({ kind: 'ddl', verb: 'alter' })
    expect(fact('ALTER TABLE t RENAME TO')).toMatchObject({ kind: 'alter-table', actions: [{ type: 'other' }] })
    expect(fact('ALTER TABLE t RENAME COLUMN a')).toMatchObject({ kind: 'alter-table', actions: [{ type: 'other' }] })
    expect(fact('ALTER TABLE t RENAME CONSTRAINT a TO b')).toMatchObject({ kind: 'alter-table', actions: [{ type: 'other' }] })
  })

  it('renames and partition detaches are recognised with their parts', () => {
    expect(fact('ALTER TABLE ONLY s.t RENAME TO u')).toMatchObject({ kind: 'alter-table', ref: { schema: 's', name: 't' }, actions: [{ type: 'rename-table', to: 'u' }] })
    expect(fact('ALTER TABLE t RENAME a TO b')).toMatchObject({ actions: [{ type: 'rename-column', from: 'a', to: 'b' }] })
    expect(fact('ALTER TABLE t DETACH PARTITION t_2024 CONCURRENTLY')).toMatchObject({ actions: [{ type: 'detach-partition', concurrently: true }] })
  })

  it('REINDEX is concurrent by the keyword or by the option, unless the option is off', () => {
    expect(fact('REINDEX INDEX CONCURRENTLY i')).toEqual({ kind: 'ddl', verb: 'reindex', concurrently: true })
    expect(fact('REINDEX (CONCURRENTLY) TABLE t')).toEqual({ kind: 'ddl', verb: 'reindex', concurrently: true })
    expect(fact('REINDEX (CONCURRENTLY false) TABLE t')).toEqual({ kind: 'ddl', verb: 'reindex', concurrently: false })
    expect(fact('DROP INDEX CONCURRENTLY i')).toEqual({ kind: 'ddl', verb: 'drop', concurrently: true })
  })
})
