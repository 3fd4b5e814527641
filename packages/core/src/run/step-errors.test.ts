import { describe, expect, it } from 'vitest'
import { StrataError } from '../errors.js'
import { sqlMigration } from '../test-helpers.js'
import { codeError, excerpt, statementError } from './step-errors.js'

const m = sqlMigration('003', ['x'], { downFile: '003_m003.down.sql' })

describe('excerpt', () => {
  it('keeps a short statement whole and cuts a long one, saying how much is left out', () => {
    expect(excerpt('SELECT 1', 8)).toBe('SELECT 1')
    expect(excerpt('SELECT 12345', 8)).toBe('SELECT 1… [4 more characters]')
  })
})

describe('statementError', () => {
  it('keeps an environment failure\'s own code, naming the down file, statement and cause', () => {
    const cause = new Error('Cannot achieve consistency level QUORUM')
    const classify = () => new StrataError('E_UNAVAILABLE', 'not enough replicas', { details: { alive: 1 } })
    const err = statementError(m, 'down', 1, 'DROP TABLE t', cause, classify)
    expect(err).toMatchObject({ code: 'E_UNAVAILABLE', file: '003_m003.down.sql', statementIndex: 2, statement: 'DROP TABLE t', details: { alive: 1 }, cause })
    expect(err.message).toBe('003_m003.down.sql: statement 2 could not run: not enough replicas')
  })

  it('blames the migration when the classifier finds no environment failure, indenting a multi-line statement', () => {
    const err = statementError(m, 'up', 0, 'CREATE TABLE t (\n  id int\n)', new Error('syntax'), () => new StrataError('E_CONFIG', 'not environmental'))
    expect(err.code).toBe('E_MIGRATION_FAILED')
    expect(err.message).toBe('003_m003.sql: statement 1 failed: syntax\n  CREATE TABLE t (\n    id int\n  )')
  })

  it('passes a Strata error other than a migration failure through', () => {
    const lost = new StrataError('E_LOCK_LOST', 'lost')
    expect(statementError(m, 'up', 0, 'x', lost)).toBe(lost)
  })
})

describe('codeError', () => {
  it('counts the journaled statements in the singular and plural', () => {
    expect(codeError(m, 'up', 1, new Error('boom')).message).toBe('003_m003.sql: up() failed after 1 journaled statement: boom')
    expect(codeError(m, 'down', 0, 'thrown text').message).toBe('003_m003.down.sql: down() failed after 0 journaled statements: thrown text')
  })
})
