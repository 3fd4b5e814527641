import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseDirectives, splitSql, SqlSyntaxError, type SplitStatement } from './sql-splitter.js'

const fixturesDir = new URL('../test-fixtures/sql/', import.meta.url)
const fixtureFiles = readdirSync(fixturesDir).sort()
const sqlNames = fixtureFiles.filter((f) => f.endsWith('.sql')).map((f) => f.slice(0, -'.sql'.length))
const read = (file: string): string => readFileSync(new URL(file, fixturesDir), 'utf8')
const loadFixture = (name: string): { sql: string; expected: string[] } => ({
  sql: read(`${name}.sql`),
  expected: JSON.parse(read(`${name}.expected.json`)) as string[],
})
const texts = (statements: SplitStatement[]): string[] => statements.map((s) => s.text)
const toCrlf = (s: string): string => s.replace(/\r?\n/g, '\r\n')

/** Runs `fn` and returns the SqlSyntaxError it throws. */
function syntaxError(fn: () => unknown): SqlSyntaxError {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(SqlSyntaxError)
    return err as SqlSyntaxError
  }
  throw new Error('expected a SqlSyntaxError')
}

describe('splitSql fixture corpus', () => {
  it('pairs every NAME.sql with NAME.expected.json and vice versa', () => {
    expect(sqlNames.length).toBeGreaterThanOrEqual(15)
    const jsonNames = fixtureFiles
      .filter((f) => f.endsWith('.expected.json'))
      .map((f) => f.slice(0, -'.expected.json'.length))
    expect(jsonNames).toEqual(sqlNames)
  })

  it.each(sqlNames)('%s.sql', (name) => {
    const { sql, expected } = loadFixture(name)
    expect(texts(splitSql(sql))).toEqual(expected)
  })

  it.each(sqlNames)('%s.sql with CRLF line endings', (name) => {
    const { sql, expected } = loadFixture(name)
    expect(texts(splitSql(toCrlf(sql)))).toEqual(expected.map(toCrlf))
  })

  it.each(sqlNames)('%s.sql round-trips through ";\\n" joining', (name) => {
    const { expected } = loadFixture(name)
    const rejoined = expected.map((text) => `${text};`).join('\n')
    expect(texts(splitSql(rejoined))).toEqual(expected)
  })

  it('keeps the CRLF and BOM fixtures byte-for-byte', () => {
    expect(read('crlf.sql')).toContain('\r\n')
    expect(read('bom.sql').charCodeAt(0)).toBe(0xfeff)
  })

  it('only the create-index-concurrently fixture carries the no-transaction directive', () => {
    const flagged = sqlNames.filter((name) => parseDirectives(read(`${name}.sql`)).noTransaction)
    expect(flagged).toEqual(['create-index-concurrently'])
  })
})

describe('splitSql', () => {
  it('reports the 1-based line of each statement first token', () => {
    const sql = '-- header\n\nSELECT 1; SELECT 2;\n/* c\n */\n  SELECT\n3;\r\nSELECT 4'
    expect(splitSql(sql)).toEqual([
      { text: 'SELECT 1', line: 3 },
      { text: 'SELECT 2', line: 3 },
      { text: 'SELECT\n3', line: 6 },
      { text: 'SELECT 4', line: 8 },
    ])
  })

  it('counts lines inside multi-line strings, dollar bodies and lone CR line endings', () => {
    const sql = "SELECT 'a\nb';\nDO $$\n;\n$$;\rSELECT E'\\\n';\n\nSELECT 3"
    expect(splitSql(sql).map((s) => s.line)).toEqual([1, 3, 6, 9])
  })

  it('ignores a BOM for line and column numbers', () => {
    expect(splitSql('\uFEFFSELECT 1')).toEqual([{ text: 'SELECT 1', line: 1 }])
    expect(syntaxError(() => splitSql("\uFEFF'x")).column).toBe(1)
  })

  it('returns nothing for empty, blank and comment-only input', () => {
    expect(splitSql('')).toEqual([])
    expect(splitSql(' \n\t\r\n')).toEqual([])
    expect(splitSql(';;;')).toEqual([])
    expect(splitSql('-- a;\n/* b; */')).toEqual([])
  })

  it('does not split on a semicolon inside parentheses (like psql)', () => {
    expect(texts(splitSql('SELECT (1; 2); SELECT 3'))).toEqual(['SELECT (1; 2)', 'SELECT 3'])
    expect(texts(splitSql('SELECT 1); SELECT 2'))).toEqual(['SELECT 1)', 'SELECT 2'])
  })

  it('tracks BEGIN ... END only in CREATE [OR REPLACE] FUNCTION/PROCEDURE statements', () => {
    expect(texts(splitSql('BEGIN; SELECT 1; END;'))).toEqual(['BEGIN', 'SELECT 1', 'END'])
    expect(texts(splitSql('CREATE TABLE begin_t (x INT); BEGIN; COMMIT'))).toEqual([
      'CREATE TABLE begin_t (x INT)',
      'BEGIN',
      'COMMIT',
    ])
    expect(texts(splitSql('CREATE PROCEDURE p() BEGIN ATOMIC SELECT 1; SELECT 2; END; SELECT 3'))).toEqual([
      'CREATE PROCEDURE p() BEGIN ATOMIC SELECT 1; SELECT 2; END',
      'SELECT 3',
    ])
  })

  it('treats a digit after $ as a parameter and $ inside identifiers as part of the word', () => {
    expect(texts(splitSql('SELECT $1; SELECT a$b$; SELECT 2'))).toEqual(['SELECT $1', 'SELECT a$b$', 'SELECT 2'])
    expect(texts(splitSql('SELECT $x; SELECT 2'))).toEqual(['SELECT $x', 'SELECT 2'])
  })

  it('ends a line comment at a lone CR', () => {
    expect(texts(splitSql('SELECT 1 -- c\r; SELECT 2'))).toEqual(['SELECT 1', 'SELECT 2'])
  })
})

describe('splitSql syntax errors', () => {
  const cases: Array<[string, string, number, number, RegExp]> = [
    ['string', "SELECT 1;\nSELECT 'abc;\n", 2, 8, /unterminated quoted string/i],
    ['string ending in a doubled quote', "SELECT 'it''", 1, 8, /quoted string/i],
    ['string after a plain string ending in a backslash', "SELECT 'a\\' AS x, 'oops", 1, 19, /quoted string/i],
    ['escape string with \\\'', "SELECT 1;\n\n  SELECT E'abc\\';", 3, 10, /quoted string/i],
    ['escape string ending in a backslash', "SELECT E'\\", 1, 8, /quoted string/i],
    ['quoted identifier', 'SELECT 1;\nSELECT "col;\nFROM t;', 2, 8, /quoted identifier/i],
    ['unicode identifier', 'SELECT U&"x', 1, 8, /quoted identifier/i],
    ['block comment', 'SELECT 1;\n/* one\n/* two */\nSELECT 2;', 2, 1, /block comment/i],
    ['block comment opened mid-line', 'SELECT 1 /* c', 1, 10, /block comment/i],
    ['dollar body', 'SELECT 1;\nDO $$\nBEGIN\nEND;\n$ $;', 2, 4, /dollar-quoted string \$\$/],
    ['tagged dollar body', "CREATE FUNCTION f() AS $fn$ SELECT 1; $$ x $$;\r\n$FN$;", 1, 24, /\$fn\$/],
  ]

  it.each(cases)('unterminated %s', (_label, sql, line, column, message) => {
    const err = syntaxError(() => splitSql(sql))
    expect(err).toBeInstanceOf(Error)
    expect(err.name).toBe('SqlSyntaxError')
    expect({ line: err.line, column: err.column }).toEqual({ line, column })
    expect(err.message).toMatch(message)
    expect(err.message).toContain(`line ${line}, column ${column}`)
  })
})

describe('parseDirectives', () => {
  it('detects -- strata:no-transaction in the leading comments', () => {
    expect(parseDirectives('-- strata:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (x);')).toEqual({
      noTransaction: true,
    })
    expect(parseDirectives('-- first\n/* block */\n\n   -- strata:no-transaction  \nSELECT 1').noTransaction).toBe(true)
  })

  it('is case-insensitive and tolerates spacing, CRLF and a BOM', () => {
    expect(parseDirectives('--STRATA:No-Transaction\nSELECT 1').noTransaction).toBe(true)
    expect(parseDirectives('\uFEFF--   strata:no-transaction\r\nSELECT 1').noTransaction).toBe(true)
    expect(parseDirectives('-- strata:no-transaction').noTransaction).toBe(true)
  })

  it('ignores the directive after the first statement token', () => {
    expect(parseDirectives('SELECT 1;\n-- strata:no-transaction\n').noTransaction).toBe(false)
    expect(parseDirectives('SELECT 1 -- strata:no-transaction\n').noTransaction).toBe(false)
  })

  it('requires the directive to be a -- comment on a line of its own', () => {
    expect(parseDirectives('/* c */ -- strata:no-transaction\nSELECT 1').noTransaction).toBe(false)
    expect(parseDirectives('/* strata:no-transaction */\nSELECT 1').noTransaction).toBe(false)
    expect(parseDirectives('-- strata:no-transaction please\nSELECT 1').noTransaction).toBe(false)
    expect(parseDirectives('-- see strata:no-transaction\nSELECT 1').noTransaction).toBe(false)
    expect(parseDirectives("SELECT '\n-- strata:no-transaction\n'").noTransaction).toBe(false)
  })

  it('defaults to noTransaction: false', () => {
    expect(parseDirectives('')).toEqual({ noTransaction: false })
    expect(parseDirectives('CREATE TABLE t (id INT)')).toEqual({ noTransaction: false })
  })

  it('does not scan past the first statement (later syntax errors are left to splitSql)', () => {
    expect(parseDirectives("-- strata:no-transaction\nSELECT 'unterminated").noTransaction).toBe(true)
    expect(() => parseDirectives('/* unterminated')).toThrow(SqlSyntaxError)
  })
})
