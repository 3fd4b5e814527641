import { describe, expect, it } from 'vitest'
import { cqlLintDisable, cqlLintTokens } from './cql-lint-tokens.js'

describe('cqlLintTokens', () => {
  it("reads words, numbers, quoted names, strings and $$ bodies (a UDF's code is a string to lint)", () => {
    expect(cqlLintTokens(`CREATE FUNCTION "Ks"."f" (x int) RETURNS NULL ON NULL INPUT RETURNS int LANGUAGE java AS $$ return x; $$;`).filter((t) => t.kind !== 'word'))
      .toEqual([
        { kind: 'ident', value: 'Ks' }, { kind: 'punct', value: '.' }, { kind: 'ident', value: 'f' }, { kind: 'punct', value: '(' }, { kind: 'punct', value: ')' },
        { kind: 'string', value: ' return x; ' }, { kind: 'punct', value: ';' },
      ])
    expect(cqlLintTokens("INSERT INTO t (a) VALUES ('it''s', 3)").slice(-5)).toEqual([
      { kind: 'punct', value: '(' }, { kind: 'string', value: "it's" }, { kind: 'punct', value: ',' }, { kind: 'number', value: '3' }, { kind: 'punct', value: ')' },
    ])
  })

  it('unterminated input has nothing to lint: the splitter refuses the file with its position', () => {
    expect(cqlLintTokens("INSERT INTO t (a) VALUES ('open")).toEqual([])
  })
})

describe('cqlLintDisable', () => {
  it("reads the ids of strata:lint-disable comments; none when the file does not tokenize", () => {
    expect(cqlLintDisable('// strata:lint-disable replication-production\nCREATE KEYSPACE k WITH replication = {};')).toEqual(['replication-production'])
    expect(cqlLintDisable("/* never closed")).toBeUndefined()
  })
})
