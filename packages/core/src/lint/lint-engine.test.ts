import { describe, expect, it } from 'vitest'
import { codeMigration, sqlMigration } from '../test-helpers.js'
import { parseLintDisable } from './lint-directive.js'
import { lintError, lintMigrations } from './lint-engine.js'
import type { LintRule } from './lint-rule.js'

/** Flags every statement containing `word`. */
const flag = (id: string, word: string, extra: Partial<LintRule> = {}): LintRule => ({
  id, severity: 'error', dialect: 'sql', description: `flags ${word}`,
  *check({ statements }) {
    for (const s of statements) if (s.text.includes(word)) yield { statement: s, message: `${word} found` }
  },
  ...extra,
})

/** Remembers tables across files: flags a DROP of a table created in an earlier file. */
const history: LintRule<Set<string>> = {
  id: 'x/drop-earlier', severity: 'warning', dialect: 'sql', description: 'drop of a table from an earlier file',
  init: () => new Set<string>(),
  *check({ statements, state }) {
    const here = new Set<string>()
    for (const s of statements) {
      const [, verb, name] = /^(CREATE|DROP) TABLE (\w+)/.exec(s.text) ?? []
      if (verb === 'DROP' && name && state.has(name) && !here.has(name)) yield { statement: s, message: `drops ${name}` }
      if (verb === 'CREATE' && name) here.add(name)
    }
    for (const t of here) state.add(t)
  },
}

describe('lintMigrations', () => {
  it('walks files in version order with 1-based statement numbers, lines and per-rule history', () => {
    const ms = [sqlMigration('002', ['SELECT 1', 'DROP TABLE a']), sqlMigration('001', ['CREATE TABLE a (id int)', 'DROP TABLE a'])]
    expect(lintMigrations(ms, [history as LintRule])).toEqual([
      { rule: 'x/drop-earlier', severity: 'warning', file: '002_m002.sql', version: '002', statementIndex: 2, line: 2, message: 'drops a' },
    ])
  })

  it('skips code migrations', () => {
    expect(lintMigrations([codeMigration('001', async () => {})], [flag('x/any', '')])).toEqual([])
  })

  it('a disable comment silences exactly the named rules of that file, and the rule still sees the file', () => {
    const ms = [
      sqlMigration('001', ['CREATE TABLE a (id int) -- BAD'], { lintDisable: ['x/bad', 'x/drop-earlier'] }),
      sqlMigration('002', ['DROP TABLE a', 'BAD', 'UGLY']),
    ]
    const fs = lintMigrations(ms, [flag('x/bad', 'BAD'), flag('x/ugly', 'UGLY'), history as LintRule])
    expect(fs.map((f) => `${f.version}:${f.statementIndex} ${f.rule}`)).toEqual(['002:1 x/drop-earlier', '002:2 x/bad', '002:3 x/ugly'])
  })

  it('reports unknown ids and an empty directive as lint/unknown-rule warnings', () => {
    const fs = lintMigrations([sqlMigration('001', ['SELECT 1'], { lintDisable: ['x/nope', ''] })], [flag('x/bad', 'BAD')])
    expect(fs.map((f) => [f.rule, f.severity, f.statementIndex])).toEqual([['lint/unknown-rule', 'warning', undefined], ['lint/unknown-rule', 'warning', undefined]])
    expect(fs[0]?.message).toContain('"x/nope"')
    expect(fs[0]?.message).toContain('x/bad')
    expect(fs[1]?.message).toContain('names no rule')
  })

  it('profiles and servers: skipped when they do not apply, server rules only warn when the server is unknown', () => {
    const rules = [flag('x/prod', 'X', { profiles: ['production'] }), flag('x/crdb', 'X', { servers: ['cockroachdb'] })]
    const ms = [sqlMigration('001', ['X'])]
    const seen = (o: Parameters<typeof lintMigrations>[2]) => lintMigrations(ms, rules, o).map((f) => `${f.rule} ${f.severity}`)
    expect(seen({})).toEqual(['x/crdb warning'])
    expect(seen({ profile: 'production', server: 'cockroachdb' })).toEqual(['x/prod error', 'x/crdb error'])
    expect(seen({ profile: 'production', server: 'postgresql' })).toEqual(['x/prod error'])
  })

  it('a per-profile severity replaces the rule\'s own in that profile only', () => {
    const rules = [flag('x/drop', 'X', { severity: 'warning', profileSeverity: { production: 'error' } })]
    const ms = [sqlMigration('001', ['X'])]
    expect(lintMigrations(ms, rules).map((f) => f.severity)).toEqual(['warning'])
    expect(lintMigrations(ms, rules, { profile: 'development' }).map((f) => f.severity)).toEqual(['warning'])
    expect(lintMigrations(ms, rules, { profile: 'production' }).map((f) => f.severity)).toEqual(['error'])
  })

  it('lintError is E_LINT naming the first file and statement and listing every error', () => {
    const fs = lintMigrations([sqlMigration('003', ['SELECT 1', 'BAD', 'BAD'])], [flag('x/bad', 'BAD')])
    const err = lintError(fs)
    expect(err).toMatchObject({ code: 'E_LINT', exitCode: 3, file: '003_m003.sql', version: '003', statementIndex: 2 })
    expect(err.message).toContain('003_m003.sql statement 3: [x/bad] BAD found')
  })
})

describe('parseLintDisable', () => {
  it('reads --, // and block comments; anything else is no directive', () => {
    expect(parseLintDisable('-- strata:lint-disable cql/a, cql/b')).toEqual(['cql/a', 'cql/b'])
    expect(parseLintDisable('// STRATA:LINT-DISABLE sql/x sql/y')).toEqual(['sql/x', 'sql/y'])
    expect(parseLintDisable('/* strata:lint-disable sql/x */')).toEqual(['sql/x'])
    expect(parseLintDisable('-- strata:lint-disable sql/x -- the column is new, nothing reads it')).toEqual(['sql/x'])
    expect(parseLintDisable('-- strata:lint-disable')).toEqual([])
    expect(parseLintDisable('-- strata:no-transaction')).toBeUndefined()
    expect(parseLintDisable('-- see strata:lint-disable in the docs')).toBeUndefined()
  })
})
