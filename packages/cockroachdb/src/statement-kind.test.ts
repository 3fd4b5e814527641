import { describe, expect, it } from 'vitest'
import { isDdl } from './statement-kind.js'
import { quoteIdent, validateIdentifier } from './identifiers.js'

describe('statement kind', () => {
  it('recognises DDL after comments and whitespace', () => {
    expect(isDdl('CREATE TABLE t (id int)')).toBe(true)
    expect(isDdl('  -- note\n/* block */\n  alter table t add column c int')).toBe(true)
    expect(isDdl('DROP INDEX CONCURRENTLY i')).toBe(true)
    expect(isDdl('INSERT INTO t VALUES (1)')).toBe(false)
    expect(isDdl("SELECT 'create table'")).toBe(false)
    expect(isDdl('')).toBe(false)
  })
})

describe('identifiers', () => {
  it('validates and quotes database and schema names', () => {
    expect(validateIdentifier('app_db-2', 'database')).toBe('app_db-2')
    expect(() => validateIdentifier('1abc', 'schema')).toThrow(/invalid schema name/)
    expect(() => validateIdentifier('a"b', 'database')).toThrow(/invalid database name/)
    expect(() => validateIdentifier('x'.repeat(64), 'database')).toThrow()
    expect(quoteIdent('MyDb')).toBe('"MyDb"')
    expect(quoteIdent('a"b')).toBe('"a""b"')
  })
})
