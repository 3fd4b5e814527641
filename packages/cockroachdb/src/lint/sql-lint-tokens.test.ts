import { describe, expect, it } from 'vitest'
import { sqlLintDisable, sqlLintTokens } from './sql-lint-tokens.js'

describe('sqlLintTokens', () => {
  it('reads every token kind lint rules look at, comments dropped', () => {
    const tokens = sqlLintTokens(`SELECT "Quoted""Id", U&"x", 'it''s', E'e', $tag$body$tag$, $1, 42 -- c\n /* b */ FROM t;`)
    expect(tokens).toEqual([
      { kind: 'word', value: 'select' }, { kind: 'ident', value: 'Quoted"Id' }, { kind: 'punct', value: ',' }, { kind: 'ident', value: 'x' }, { kind: 'punct', value: ',' },
      { kind: 'string', value: "it's" }, { kind: 'punct', value: ',' }, { kind: 'string', value: 'e' }, { kind: 'punct', value: ',' },
      { kind: 'string', value: 'body' }, { kind: 'punct', value: ',' }, { kind: 'number', value: '$1' }, { kind: 'punct', value: ',' }, { kind: 'number', value: '42' },
      { kind: 'word', value: 'from' }, { kind: 'word', value: 't' }, { kind: 'punct', value: ';' },
    ])
    expect(sqlLintTokens('f(a)')).toEqual([{ kind: 'word', value: 'f' }, { kind: 'punct', value: '(' }, { kind: 'word', value: 'a' }, { kind: 'punct', value: ')' }])
  })

  it('unterminated input has nothing to lint (the splitter refuses the file with its position); the tokens are shared, frozen', () => {
    expect(sqlLintTokens("SELECT 'open")).toEqual([])
    const once = sqlLintTokens('SELECT 1')
    expect(sqlLintTokens('SELECT 1')).toBe(once)
    expect(Object.isFrozen(once)).toBe(true)
  })
})

describe('sqlLintDisable', () => {
  it('reads the rule ids of line and block comments; none for a file without them or one that does not tokenize', () => {
    expect(sqlLintDisable('-- strata:lint-disable not-null-without-default\nALTER TABLE t ADD c int NOT NULL;\n/* strata:lint-disable mixed-ddl-dml */')).toEqual(['not-null-without-default', 'mixed-ddl-dml'])
    expect(sqlLintDisable("SELECT '")).toBeUndefined()
  })
})
