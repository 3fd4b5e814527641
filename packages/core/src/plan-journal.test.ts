import { describe, expect, it } from 'vitest'
import { computePlan, planError } from './plan.js'
import { codeMigration, row, sqlMigration } from './test-helpers.js'

const three = sqlMigration('002', ['CREATE TABLE a (id int)', 'CREATE TABLE b (id int)', 'CREATE TABLE c (id int)'])
const partial = (m: typeof three, done: number, patch = {}) => row('002', m, { status: 'failed', statementsDone: done, statementHashes: [], callChain: 'recorded-by-another-file', ...patch })

describe('computePlan: the journal of an interrupted row', () => {
  it('says one statement "was" applied and has since been edited, for a chained journal', () => {
    const err = planError(computePlan({ available: [three], applied: [partial(three, 1)], direction: 'up' }))
    expect(err).toMatchObject({ code: 'E_PARTIAL_EDITED', version: '002', file: '002_m002.sql' })
    expect(err?.message).toBe('002_m002.sql: its first 1 statement was already applied by an interrupted run and at least one has since been edited. Restore them (only the unapplied tail may change), or repair the row.')
  })

  it('says statements "were" applied and some removed when the file is now shorter than the journal', () => {
    const short = sqlMigration('002', ['CREATE TABLE a (id int)'])
    const err = planError(computePlan({ available: [short], applied: [partial(three, 2)], direction: 'up' }))
    expect(err?.message).toContain('its first 2 statements were already applied by an interrupted run and some have since been removed')
  })

  it('names a removed statement of a journal kept as a list of hashes', () => {
    const short = sqlMigration('002', ['CREATE TABLE a (id int)'])
    const hashes = three.statements?.map((s) => s.hash) ?? []
    const err = planError(computePlan({ available: [short], applied: [partial(three, 2, { statementHashes: hashes.slice(0, 2) })], direction: 'up' }))
    expect(err).toMatchObject({ code: 'E_PARTIAL_EDITED', statementIndex: 2, statement: undefined })
    expect(err?.message).toBe('002_m002.sql: statement 2 was already applied by an interrupted run and has since been removed. Restore it (only the unapplied tail may change), or repair the row.')
  })

  it('reports a partly rolled-back row with its error, and checks the down file\'s journal', () => {
    const p = computePlan({ available: [three], applied: [row('002', three, { status: 'rolling_back', statementsDone: 0, statementsTotal: 1, error: 'timeout' })], direction: 'up' })
    expect(p.issues.map((i) => [i.code, i.message])).toEqual([
      ['E_ROLLBACK_INCOMPLETE', '002_m002.down.sql is partly rolled back (0/1 down statements done; it failed: timeout): run `strata down` to finish the rollback (it resumes there), then `strata up`'],
      ['W_PARTIAL_ROW', '002_m002.down.sql is rolling_back with 0/1 statements done: timeout'],
    ])
  })

  it('does not check the journal of a code migration (it has no statements to compare)', () => {
    const code = codeMigration('002', async () => {})
    const p = computePlan({ available: [code], applied: [row('002', code, { status: 'failed', statementsDone: 2, callChain: 'x' })], direction: 'up' })
    expect(p.issues.map((i) => i.code)).toEqual(['W_FAILED_ROW'])
  })
})

describe('planError', () => {
  it('counts the other errors in the message', () => {
    const a = sqlMigration('001', ['SELECT 1'])
    const applied = [row('001', a, { checksum: 'old' }), row('005', undefined), row('006', undefined)]
    const err = planError(computePlan({ available: [a], applied, direction: 'up' }))
    expect(err?.message).toMatch(/ \(and 2 more problems\)$/)
    const one = planError(computePlan({ available: [a], applied: applied.slice(0, 2), direction: 'up' }))
    expect(one?.message).toMatch(/ \(and 1 more problem\)$/)
  })
})

describe('computePlan down', () => {
  it('says how to give a code migration a down', () => {
    const code = codeMigration('001', async () => {})
    const p = computePlan({ available: [code], applied: [row('001', code)], direction: 'down' })
    expect(p.issues[0]?.message).toBe('001_code001.ts has no down migration (add a .down.ts twin or export down()); nothing was rolled back')
    const inCode = { ...code, source: 'code' as const }
    expect(computePlan({ available: [inCode], applied: [row('001', inCode)], direction: 'down' }).issues[0]?.message).toContain('(give it a down function)')
  })
})
