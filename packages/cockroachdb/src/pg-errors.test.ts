import { describe, expect, it } from 'vitest'
import { StrataError, isStrataError } from '@strata-migrate/core/adapter-kit'
import { classifyPgError, describePgError, isConnectionError, isRetryableIdempotent, isSerializationFailure, scrubSecrets, sqlStateOf, toConnectionError } from './pg-errors.js'

const pgError = (code: string, message: string, extra: Record<string, unknown> = {}): Error => Object.assign(new Error(message), { code, ...extra })

describe('pg error helpers', () => {
  it('finds the SQLSTATE, also behind a StrataError cause', () => {
    expect(sqlStateOf(pgError('42P01', 'relation does not exist'))).toBe('42P01')
    expect(sqlStateOf(new StrataError('E_CONNECTION', 'x', { cause: pgError('3D000', 'no db') }))).toBe('3D000')
    expect(sqlStateOf(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBeUndefined()
  })

  it('classifies retryable and connection errors', () => {
    expect(isSerializationFailure(pgError('40001', 'restart transaction: TransactionRetryWithProtoRefreshError'))).toBe(true)
    expect(isRetryableIdempotent(pgError('40003', 'result is ambiguous'))).toBe(true)
    expect(isRetryableIdempotent(pgError('23505', 'duplicate key'))).toBe(false)
    expect(isConnectionError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(true)
    expect(isConnectionError(pgError('57P01', 'terminating connection due to administrator command'))).toBe(true)
    expect(isConnectionError(new Error('Connection terminated unexpectedly'))).toBe(true)
    expect(isConnectionError(pgError('42601', 'syntax error'))).toBe(false)
  })

  it('scrubs URL userinfo and known secrets', () => {
    expect(scrubSecrets('cannot reach postgresql://app:hunter2@db:5432/x')).toBe('cannot reach postgresql://app:***@db:5432/x')
    expect(scrubSecrets('token hunter2 leaked', ['hunter2'])).toBe('token *** leaked')
  })

  it('maps auth, missing database and unreachable server to StrataErrors without the password', () => {
    const auth = toConnectionError(pgError('28P01', 'password authentication failed for user "app"'), 'app@h:1/d', ['pw'])
    expect(isStrataError(auth, 'E_AUTH')).toBe(true)
    const missing = toConnectionError(pgError('3D000', 'database "d" does not exist'), 'app@h:1/d', [])
    expect(isStrataError(missing, 'E_CONNECTION')).toBe(true)
    expect((missing as Error).message).toMatch(/createTarget/)
    const down = toConnectionError(Object.assign(new Error('connect ECONNREFUSED with s3cret inside'), { code: 'ECONNREFUSED' }), 'app@h:1/d', ['s3cret'])
    expect(isStrataError(down, 'E_CONNECTION')).toBe(true)
    expect((down as Error).message).not.toContain('s3cret')
    const other = pgError('42601', 'syntax error')
    expect(toConnectionError(other, 'e', [])).toBe(other)
  })

  it('describes a statement error with SQLSTATE, position, detail and hint', () => {
    const text = describePgError(pgError('42601', 'syntax error at or near "oops"', { position: '28', hint: 'check it' }), 'CREATE TABLE t (\n  id int, oops)')
    expect(text).toBe('syntax error at or near "oops" (SQLSTATE 42601) at line 2, column 11 of the statement\n  hint: check it')
  })
})

describe('classifyPgError: permissions', () => {
  const denied = (message: string): Error => Object.assign(new Error(message), { code: '42501' })

  it('names what the role lacks and points at the grants', () => {
    const schema = classifyPgError(denied('permission denied for schema public'), 'reader@127.0.0.1:5432/app', [])
    expect(schema?.code).toBe('E_PERMISSION')
    expect(schema?.details).toEqual({ role: 'reader', needed: 'CREATE and USAGE on schema public' })
    expect(classifyPgError(denied('must be owner of table users'), 'm@h:1/d', [])?.details?.needed).toMatch(/^ownership of table users/)
    expect(classifyPgError(denied('permission denied to create database'), 'm@h:1/d', [])?.details?.needed).toBe('CREATEDB (to create the database)')
    expect(classifyPgError(denied('user m does not have CREATE privilege on schema public'), 'm@h:1/d', [])?.details?.needed).toBe('CREATE on schema public')
  })
})

describe('classifyPgError: the rest of the map', () => {
  it('a StrataError passes through both classifiers unchanged', () => {
    const e = new StrataError('E_TLS', 'already classified')
    expect(classifyPgError(e, 'u@h:1/d', [])).toBe(e)
    expect(toConnectionError(e, 'u@h:1/d', [])).toBe(e)
  })

  it('a privilege on a table, and a 42501 whose wording names nothing, still map to E_PERMISSION', () => {
    const table = classifyPgError(Object.assign(new Error('permission denied for table orders'), { code: '42501' }), 'app@h:1/d', [])
    expect(table?.details).toEqual({ role: 'app', needed: 'a privilege on table orders' })
    const vague = classifyPgError(Object.assign(new Error('permission denied'), { code: '42501' }), 'app@h:1/d', [])
    expect(vague).toMatchObject({ code: 'E_PERMISSION', message: 'permission denied on app@h:1/d: permission denied', details: undefined })
  })

  it('class 53 (insufficient resources: too many connections, disk full) is E_UNAVAILABLE, not an internal error', () => {
    const e = classifyPgError(pgError('53300', 'sorry, too many clients already'), 'u@h:1/d', [])
    expect(e).toMatchObject({ code: 'E_UNAVAILABLE', message: 'u@h:1/d cannot take the work: sorry, too many clients already (SQLSTATE 53300)' })
  })

  it("a missing column of Strata's own tables is E_HISTORY_CORRUPT; of a user's table, nothing Strata classifies", () => {
    expect(classifyPgError(pgError('42703', 'column "checksum" does not exist'), 'u@h:1/d', [])).toMatchObject({ code: 'E_HISTORY_CORRUPT', details: { column: 'checksum' } })
    expect(classifyPgError(pgError('42703', 'column "nickname" does not exist'), 'u@h:1/d', [])).toBeUndefined()
    expect(classifyPgError(pgError('42601', 'syntax error'), 'u@h:1/d', [])).toBeUndefined()
  })

  it('describes a statement error with its detail, and without a position when none was given', () => {
    expect(describePgError(pgError('23505', 'duplicate key value violates unique constraint "u"', { detail: 'Key (id)=(1) already exists.' }), 'INSERT …'))
      .toBe('duplicate key value violates unique constraint "u" (SQLSTATE 23505)\n  detail: Key (id)=(1) already exists.')
    expect(describePgError(new Error('plain'))).toBe('plain')
  })
})
