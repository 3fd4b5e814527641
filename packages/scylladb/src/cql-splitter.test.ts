import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { CqlSyntaxError, isDdl, splitCql, stripLeadingComments } from './cql-splitter.js'

const fixtures = fileURLToPath(new URL('../test-fixtures/cql/', import.meta.url))
const cqlFiles = readdirSync(fixtures).filter((f) => f.endsWith('.cql')).sort()
const read = (f: string): string => readFileSync(fixtures + f, 'utf8')

/** Runs splitCql and returns the error it throws. */
function syntaxError(source: string): CqlSyntaxError {
  try {
    splitCql(source)
  } catch (err) {
    expect(err).toBeInstanceOf(CqlSyntaxError)
    return err as CqlSyntaxError
  }
  throw new Error('splitCql did not throw')
}

describe('splitCql on the fixture corpus (expected = what cqlsh -f runs)', () => {
  it('has a corpus of paired files', () => {
    expect(cqlFiles.length).toBeGreaterThanOrEqual(15)
    for (const f of readdirSync(fixtures).filter((f) => f.endsWith('.expected.json'))) {
      expect(cqlFiles).toContain(f.replace(/\.expected\.json$/, '.cql'))
    }
  })

  it('keeps the byte-level quirks the corpus is meant to cover', () => {
    expect(read('crlf.cql')).toContain('\r\n')
    expect(read('crlf.cql').replace(/\r\n/g, '')).not.toContain('\n')
    expect(read('bom.cql').charCodeAt(0)).toBe(0xfeff)
    expect(read('no-final-newline.cql').endsWith(';')).toBe(false)
  })

  it.each(cqlFiles)('%s', (file) => {
    const expected = JSON.parse(read(file.replace(/\.cql$/, '.expected.json'))) as string[]
    expect(splitCql(read(file)).map((s) => s.text)).toEqual(expected)
  })
})

describe('splitCql line numbers', () => {
  it('reports the line of the first token, after leading comments', () => {
    const src = [
      '-- header; comment', // 1
      '/* block', // 2
      '   ; */ CREATE TABLE t (id int PRIMARY KEY);', // 3
      '', // 4
      'INSERT INTO t (id) VALUES (1); SELECT *', // 5
      '  FROM t;', // 6
      'BEGIN BATCH', // 7
      '  INSERT INTO t (id) VALUES (2);', // 8
      'APPLY BATCH;', // 9
      "UPDATE t SET v = 'a", // 10
      "b' WHERE id = 1", // 11
    ].join('\n')
    expect(splitCql(src).map((s) => s.line)).toEqual([3, 5, 5, 7, 10])
  })

  it('counts CRLF and lone CR as one line break each, and ignores a BOM', () => {
    expect(splitCql('\uFEFFA;\r\n\r\nB;\rC;\n\r\nD').map((s) => [s.text, s.line])).toEqual([
      ['A', 1], ['B', 3], ['C', 4], ['D', 6],
    ])
  })

  it('normalises line breaks inside statements to \\n', () => {
    expect(splitCql("SELECT 'a\r\nb'\r\nFROM t\rWHERE x = 1;")[0]?.text).toBe(
      "SELECT 'a\nb'\nFROM t\nWHERE x = 1",
    )
  })
})

describe('splitCql edge cases', () => {
  it('returns nothing for empty, blank and comment-only input', () => {
    for (const src of ['', '\uFEFF', ' \n\t\r\n', '-- x', '// x;\n/* ; */', ';;; ;']) {
      expect(splitCql(src)).toEqual([])
    }
  })

  it('treats BEGIN as a batch start only at statement start', () => {
    expect(splitCql("SELECT * FROM t WHERE k = 'x' AND \"BEGIN\" = 1; INSERT INTO t (k) VALUES ('BEGIN BATCH');")
      .map((s) => s.text)).toEqual([
      "SELECT * FROM t WHERE k = 'x' AND \"BEGIN\" = 1",
      "INSERT INTO t (k) VALUES ('BEGIN BATCH')",
    ])
  })

  it('does not treat a quoted "APPLY" "BATCH" as the batch end', () => {
    const src = 'BEGIN BATCH UPDATE t SET "APPLY" = 1, "BATCH" = 2 WHERE k = 1; APPLY BATCH; SELECT 1;'
    expect(splitCql(src).map((s) => s.text)).toEqual([
      'BEGIN BATCH UPDATE t SET "APPLY" = 1, "BATCH" = 2 WHERE k = 1; APPLY BATCH',
      'SELECT 1',
    ])
  })

  it('handles BEGIN TRANSACTION … COMMIT TRANSACTION as one statement', () => {
    const src = 'BEGIN TRANSACTION\n  LET r = (SELECT v FROM t WHERE k = 1);\n  UPDATE t SET v = 2 WHERE k = 1;\nCOMMIT TRANSACTION;\nSELECT 1;'
    expect(splitCql(src).map((s) => s.line)).toEqual([1, 5])
  })

  it('ends cqlsh shell commands at a line break, but not CQL statements', () => {
    expect(splitCql('CONSISTENCY ONE\nSELECT\n*\nFROM t;\ntracing on').map((s) => s.text)).toEqual([
      'CONSISTENCY ONE', 'SELECT\n*\nFROM t', 'tracing on',
    ])
  })

  it('handles $$ edge cases', () => {
    expect(splitCql('A $$$$; B $$$ ; $$; C $$x;$ $$').map((s) => s.text)).toEqual([
      'A $$$$', 'B $$$ ; $$', 'C $$x;$ $$',
    ])
  })
})

describe('CqlSyntaxError', () => {
  it.each([
    ['string literal', "SELECT 1;\nINSERT INTO t (v) VALUES ('it''s;\nnever closed);", 2, 27],
    ['quoted identifier', 'SELECT "a"";b FROM t;', 1, 8],
    ['block comment', 'SELECT 1;\n\n  /* never ; closed', 3, 3],
    ['$$ body', 'CREATE FUNCTION f() RETURNS int LANGUAGE lua\nAS $$\n  return 1;\n$;', 2, 4],
  ])('reports an unterminated %s at its opening delimiter', (what, src, line, column) => {
    const err = syntaxError(src)
    expect(err.message).toContain(`Unterminated ${what}`)
    expect([err.line, err.column]).toEqual([line, column])
    expect(err.message).toContain(`line ${line}, column ${column}`)
    expect(err.name).toBe('CqlSyntaxError')
  })

  it('reports an unterminated batch at its BEGIN', () => {
    const src = 'SELECT 1;\n-- load\n  begin unlogged batch\n  INSERT INTO t (k) VALUES (1);\n  INSERT INTO t (k) VALUES (2);\n'
    const err = syntaxError(src)
    expect(err.message).toContain('Unterminated batch')
    expect([err.line, err.column]).toEqual([3, 3])
  })

  it('reports an unterminated transaction at its BEGIN', () => {
    const err = syntaxError('SELECT 1;\nBEGIN TRANSACTION\n  UPDATE t SET v = 2 WHERE k = 1;\n')
    expect(err.message).toContain('Unterminated transaction (no COMMIT TRANSACTION)')
    expect([err.line, err.column]).toEqual([2, 1])
  })

  it('BEGIN of anything but a batch or transaction is no block: it ends at its `;`', () => {
    expect(splitCql('BEGIN WORK;\nSELECT 1;').map((s) => s.text)).toEqual(['BEGIN WORK', 'SELECT 1'])
    expect(splitCql('BEGIN').map((s) => s.text)).toEqual(['BEGIN'])
  })

  it('reports a batch whose APPLY BATCH is only inside a string or comment', () => {
    expect(syntaxError("BEGIN BATCH INSERT INTO t (v) VALUES ('APPLY BATCH;'); -- APPLY BATCH;\n").line).toBe(1)
    expect(syntaxError('BEGIN COUNTER BATCH UPDATE t SET c = c + 1 WHERE k = 1; /* APPLY BATCH; */').line).toBe(1)
  })

  it('counts lines after CRLF and a BOM', () => {
    const err = syntaxError("\uFEFFSELECT 1;\r\nSELECT 'x;\r\n")
    expect([err.line, err.column]).toEqual([2, 8])
  })
})

describe('stripLeadingComments', () => {
  it('drops leading whitespace and comments only', () => {
    expect(stripLeadingComments('  -- a\n// b\r\n/* c\n ; */ SELECT 1 -- d')).toBe('SELECT 1 -- d')
    expect(stripLeadingComments("SELECT '-- x'")).toBe("SELECT '-- x'")
    expect(stripLeadingComments('-- only')).toBe('')
    expect(stripLeadingComments('/* unterminated')).toBe('/* unterminated')
  })
})

describe('isDdl', () => {
  it.each([
    'CREATE KEYSPACE ks WITH replication = {}',
    'create schema ks with replication = {}',
    'CREATE TABLE t (id int PRIMARY KEY)',
    'CREATE COLUMNFAMILY t (id int PRIMARY KEY)',
    'CREATE INDEX ON t (v)',
    'CREATE CUSTOM INDEX i ON t (v) USING \'x\'',
    'CREATE MATERIALIZED VIEW v AS SELECT * FROM t',
    'CREATE TYPE a (x int)',
    'CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE lua AS $$ return 1 $$',
    'CREATE FUNCTION f() RETURNS int LANGUAGE lua AS $$ return 1 $$',
    'CREATE OR REPLACE AGGREGATE a (int) SFUNC s STYPE int',
    'CREATE TRIGGER tr ON t USING \'x\'',
    'CREATE ROLE r', 'CREATE USER u', 'ALTER ROLE r WITH LOGIN = true', 'DROP USER u',
    'ALTER KEYSPACE ks WITH durable_writes = true',
    'ALTER TABLE t ADD v text', 'ALTER TYPE a ADD y int', 'ALTER MATERIALIZED VIEW v WITH comment = \'\'',
    'DROP KEYSPACE ks', 'DROP TABLE IF EXISTS t', 'DROP INDEX i', 'DROP MATERIALIZED VIEW v',
    'DROP TYPE a', 'DROP FUNCTION f', 'DROP AGGREGATE a', 'DROP TRIGGER tr ON t',
    'TRUNCATE t', 'TRUNCATE TABLE t',
    '-- comment\n/* c */ create /* x */ table t (id int primary key)',
    '\uFEFFCREATE TABLE t (id int PRIMARY KEY)',
  ])('true: %s', (text) => {
    expect(isDdl(text)).toBe(true)
  })

  it.each([
    'GRANT SELECT ON KEYSPACE ks TO r', 'REVOKE SELECT ON KEYSPACE ks FROM r',
    'SELECT * FROM t', 'INSERT INTO t (k) VALUES (1)', 'UPDATE t SET v = 1 WHERE k = 1',
    'DELETE FROM t WHERE k = 1', 'BEGIN BATCH INSERT INTO t (k) VALUES (1); APPLY BATCH',
    'USE ks', 'LIST ROLES', 'CREATE SERVICE LEVEL sl', 'CREATE', 'CREATE OR REPLACE', '',
    '-- CREATE TABLE t (id int PRIMARY KEY)', "'CREATE TABLE'", '"CREATE" TABLE', '/* CREATE TABLE',
  ])('false: %s', (text) => {
    expect(isDdl(text)).toBe(false)
  })
})
