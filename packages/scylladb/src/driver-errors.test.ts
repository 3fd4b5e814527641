import cassandra from 'cassandra-driver'
import { describe, expect, it } from 'vitest'
import { isStrataError } from '@strata-migrate/core/adapter-kit'
import { classifyCqlError, isLwtOutcomeUnknown, isMissingTable, scrub, toConnectError } from './driver-errors.js'

const { errors, types } = cassandra
const codes = types.responseErrorCodes

describe('toConnectError', () => {
  it('maps bad credentials inside NoHostAvailableError to E_AUTH without the password', () => {
    const auth = new errors.AuthenticationError('Provided username svc and/or password hunter2 are incorrect')
    const err = toConnectError(new errors.NoHostAvailableError({ '10.0.0.1:9042': auth }), '10.0.0.1', ['hunter2'])
    expect(isStrataError(err, 'E_AUTH')).toBe(true)
    expect((err as Error).message).toContain('Provided username svc')
    expect((err as Error).message).not.toContain('hunter2')
    expect(JSON.stringify((err as Error & { cause: unknown }).cause, Object.getOwnPropertyNames(auth))).not.toContain('hunter2')
  })

  it('maps unreachable hosts to E_CONNECTION naming each host', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:9042'), { code: 'ECONNREFUSED' })
    const err = toConnectError(new errors.NoHostAvailableError({ '10.0.0.1:9042': refused }), '10.0.0.1', [undefined])
    expect(isStrataError(err, 'E_CONNECTION')).toBe(true)
    expect((err as Error).message).toMatch(/10\.0\.0\.1:9042: connect ECONNREFUSED/)
  })

  it('leaves other errors alone (but scrubbed)', () => {
    const other = new Error('boom with pw')
    expect(toConnectError(other, 'x', ['pw'])).toBe(other)
    expect(other.message).toBe('boom with ***')
  })
})

describe('classifiers', () => {
  it('recognises unknown LWT outcomes', () => {
    const cas = Object.assign(new errors.ResponseError(codes.writeTimeout, 'CAS timeout'), { writeType: 'CAS' })
    expect(isLwtOutcomeUnknown(cas)).toBe(true)
    expect(isLwtOutcomeUnknown(new errors.OperationTimedOutError('client timeout', '10.0.0.1:9042'))).toBe(true)
    expect(isLwtOutcomeUnknown(new errors.ResponseError(codes.invalid, 'bad'))).toBe(false)
  })

  it('recognises a missing history table or keyspace', () => {
    expect(isMissingTable(new errors.ResponseError(codes.invalid, 'unconfigured table strata_history'))).toBe(true)
    expect(isMissingTable(new errors.ResponseError(codes.invalid, "Keyspace 'x' does not exist"))).toBe(true)
    expect(isMissingTable(new errors.ResponseError(codes.syntaxError, 'unconfigured table'))).toBe(false)
    // A table another process is creating this moment: registered, its store not opened yet.
    const unknownCf = 'java.lang.IllegalArgumentException: Unknown CF 2dafdeb0-e687-11f1-a8b8-332f7c7b4253'
    expect(isMissingTable(new errors.ResponseError(codes.serverError, unknownCf))).toBe(true)
    expect(isMissingTable(new errors.ResponseError(codes.serverError, 'java.lang.NullPointerException'))).toBe(false)
  })

  it('scrubs every occurrence', () => {
    expect(scrub('a pw b pw', ['pw', undefined])).toBe('a *** b ***')
  })
})

describe('classifyCqlError: permissions', () => {
  const ctx = { client: { hosts: { values: () => [] } }, where: '127.0.0.1 (data center dc1)', secrets: [] }

  it('names the missing permission, the resource and the GRANT that fixes it (not E_AUTH: the login worked)', () => {
    const denied = new errors.ResponseError(codes.unauthorized, 'User reader has no CREATE permission on <keyspace app> or any of its parents')
    const err = classifyCqlError(denied, ctx)
    expect(err?.code).toBe('E_PERMISSION')
    expect(err?.details).toMatchObject({ role: 'reader', permission: 'CREATE', resource: 'KEYSPACE app', grant: 'GRANT CREATE ON KEYSPACE app TO reader' })
    expect(err?.message).toMatch(/^permission denied: role reader lacks CREATE on KEYSPACE app/)
    const all = classifyCqlError(new errors.ResponseError(codes.unauthorized, 'User m has no CREATE permission on <all keyspaces> or any of its parents'), ctx)
    expect(all?.details?.grant).toBe('GRANT CREATE ON ALL KEYSPACES TO m')
    const table = classifyCqlError(new errors.ResponseError(codes.unauthorized, 'User r has no MODIFY permission on <table app.strata_history> or any of its parents'), ctx)
    expect(table?.details?.grant).toBe('GRANT MODIFY ON TABLE app.strata_history TO r')
  })
})
