import cassandra from 'cassandra-driver'
import { describe, expect, it } from 'vitest'
import { StrataError, isStrataError } from '@strata-migrate/core/adapter-kit'
import { classifyCqlError, isAuthError, isConnectionError, isLwtOutcomeUnknown, isMissingTable, isTimeout, scrub, scrubError, tlsFailure, toConnectError } from './driver-errors.js'

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

/** A driver error with a Node socket or TLS `code`, as the driver puts in NoHostAvailableError.innerErrors. */
const sysError = (message: string, code: string) => Object.assign(new Error(message), { code })
const hosts = (...list: { address: string; datacenter: string; up: boolean }[]) => ({ values: () => list.map((h) => ({ ...h, isUp: () => h.up })) })
const ctxOf = (extra: Partial<Parameters<typeof classifyCqlError>[1]> = {}) => ({ client: { hosts: hosts() }, where: '10.0.0.1 (data center dc1)', secrets: [] as string[], ...extra })

describe('error predicates', () => {
  it('isAuthError: AuthenticationError, a bad-credentials response, or either inside NoHostAvailableError; not "unauthorized"', () => {
    expect(isAuthError(new errors.AuthenticationError('bad login'))).toBe(true)
    expect(isAuthError(new errors.ResponseError(codes.badCredentials, 'Username and/or password are incorrect'))).toBe(true)
    expect(isAuthError(new errors.NoHostAvailableError({ h1: new errors.ResponseError(codes.badCredentials, 'bad') }))).toBe(true)
    expect(isAuthError(new errors.ResponseError(codes.unauthorized, 'User x has no SELECT permission'))).toBe(false)
    expect(isAuthError(null)).toBe(false)
  })

  it('isConnectionError: no host available or a client-side timeout', () => {
    expect(isConnectionError(new errors.NoHostAvailableError({}))).toBe(true)
    expect(isConnectionError(new errors.OperationTimedOutError('client timeout'))).toBe(true)
    expect(isConnectionError(new errors.ResponseError(codes.serverError, 'x'))).toBe(false)
  })

  it('isTimeout: client timeouts and the server\'s read and write timeouts, nothing else', () => {
    expect(isTimeout(new errors.OperationTimedOutError('client timeout'))).toBe(true)
    expect(isTimeout(new errors.ResponseError(codes.writeTimeout, 'write timeout'))).toBe(true)
    expect(isTimeout(new errors.ResponseError(codes.readTimeout, 'read timeout'))).toBe(true)
    expect(isTimeout(new errors.ResponseError(codes.unavailableException, 'unavailable'))).toBe(false)
    expect(isTimeout(new Error('timeout'))).toBe(false)
  })

  it('isMissingTable: only server and invalid-request responses', () => {
    expect(isMissingTable(new Error('unconfigured table t'))).toBe(false)
    expect(isMissingTable(new errors.ResponseError(codes.invalid, 'Undefined name x in selection clause'))).toBe(true)
  })
})

describe('scrubError', () => {
  it('scrubs the message, the stack and the inner errors; leaves non-errors and secret-less calls alone', () => {
    const inner = new Error('inner pw')
    const err = Object.assign(new Error('outer pw'), { innerErrors: { h1: inner } })
    expect(scrubError(err, ['pw'])).toBe(err)
    expect([err.message, inner.message]).toEqual(['outer ***', 'inner ***'])
    expect(err.stack).not.toContain('pw')
    const noStack = new Error('no stack pw')
    noStack.stack = undefined
    expect((scrubError(noStack, ['pw']) as Error).message).toBe('no stack ***')
    expect(noStack.stack).toBeUndefined()
    const untouched = new Error('keeps pw')
    expect(scrubError(untouched, [undefined, ''])).toBe(untouched)
    expect(untouched.message).toBe('keeps pw')
    expect(scrubError('pw', ['pw'])).toBe('pw')
  })
})

describe('tlsFailure', () => {
  it('names the host whose handshake failed, by TLS error code or by message', () => {
    const bad = sysError('unable to verify the first certificate', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE')
    expect(tlsFailure(new errors.NoHostAvailableError({ '10.0.0.1:9042': new Error('connect ECONNREFUSED'), '10.0.0.2:9042': bad })))
      .toBe('10.0.0.2:9042: unable to verify the first certificate')
    expect(tlsFailure(new Error('Client network socket disconnected before secure TLS connection was established\nat ...')))
      .toBe('Client network socket disconnected before secure TLS connection was established')
  })

  it('a server response mentioning certificates is not a handshake failure; nor is a plain error', () => {
    expect(tlsFailure(new errors.ResponseError(codes.invalid, 'certificate column is unknown'))).toBeUndefined()
    expect(tlsFailure(sysError('connect ECONNREFUSED', 'ECONNREFUSED'))).toBeUndefined()
    expect(tlsFailure(null)).toBeUndefined()
  })
})

describe('toConnectError: TLS and connection hints', () => {
  it('maps a handshake failure to E_TLS with what to do about it', () => {
    const err = toConnectError(new errors.NoHostAvailableError({ '10.0.0.1:9042': sysError('self-signed certificate in certificate chain', 'SELF_SIGNED_CERT_IN_CHAIN') }), '10.0.0.1', [])
    expect(isStrataError(err, 'E_TLS')).toBe(true)
    expect((err as Error).message).toBe('TLS to 10.0.0.1 failed: 10.0.0.1:9042: self-signed certificate in certificate chain (the server certificate is not signed by a trusted CA: give the CA that signed it with --tls-ca)')
  })

  it('a connection reset without TLS hints that the node may require TLS; with TLS on, no hint', () => {
    const reset = () => new errors.NoHostAvailableError({ '10.0.0.1:9042': sysError('read ECONNRESET\n    at TCP.onStreamRead', 'ECONNRESET') })
    const plain = toConnectError(reset(), '10.0.0.1', [], false) as Error
    expect(isStrataError(plain, 'E_CONNECTION')).toBe(true)
    expect(plain.message).toBe('cannot connect to 10.0.0.1: 10.0.0.1:9042: read ECONNRESET (the node closed the connection at once: does it require TLS, client_encryption_options? Then pass --tls-ca or set STRATA_SCYLLADB_TLS_CA)')
    expect((toConnectError(reset(), '10.0.0.1', [], true) as Error).message).toBe('cannot connect to 10.0.0.1: 10.0.0.1:9042: read ECONNRESET')
  })

  it('a client timeout has no inner errors: its own message is used', () => {
    const err = toConnectError(new errors.OperationTimedOutError('The host 10.0.0.1:9042 did not reply before timeout 12000 ms'), '10.0.0.1', [])
    expect((err as Error).message).toBe('cannot connect to 10.0.0.1: The host 10.0.0.1:9042 did not reply before timeout 12000 ms')
  })

  it("E_AUTH from a bad-credentials response nested two levels deep gives the server's own words", () => {
    const nested = new errors.NoHostAvailableError({ h1: new errors.NoHostAvailableError({ h2: new errors.AuthenticationError('bad login') }, 'inner summary') }, 'outer summary')
    const err = toConnectError(nested, 'db', []) as StrataError
    expect(err.code).toBe('E_AUTH')
    expect(err.message).toBe('authentication to db failed: bad login')
  })
})

describe('classifyCqlError: environment failures', () => {
  it('passes a StrataError through unchanged', () => {
    const e = new StrataError('E_LOCK_TIMEOUT', 'held')
    expect(classifyCqlError(e, ctxOf())).toBe(e)
  })

  it('E_TLS and E_AUTH, scrubbed of the secrets', () => {
    const tls = classifyCqlError(sysError('Hostname/IP does not match certificate\'s altnames', 'ERR_TLS_CERT_ALTNAME_INVALID'), ctxOf())
    expect(tls?.code).toBe('E_TLS')
    expect(tls?.message).toMatch(/^TLS to 10\.0\.0\.1 \(data center dc1\) failed: Hostname\/IP does not match certificate's altnames \(the server certificate does not name this host/)
    const auth = classifyCqlError(new errors.AuthenticationError('password s3cret is wrong'), ctxOf({ secrets: ['s3cret'] }))
    expect(auth?.code).toBe('E_AUTH')
    expect(auth?.message).toBe('authentication to 10.0.0.1 (data center dc1) failed: password *** is wrong')
  })

  it('NoHostAvailableError: a server answer inside says more than "no host available"', () => {
    const unavailable = Object.assign(new errors.ResponseError(codes.unavailableException, 'Cannot achieve consistency level QUORUM'), { consistencies: types.consistencies.quorum, required: 2, alive: 1 })
    expect(classifyCqlError(new errors.NoHostAvailableError({ h1: unavailable }), ctxOf())?.message).toMatch(/^not enough replicas alive for QUORUM: 2 required, 1 alive/)
    // An answer that is no environment failure (a syntax error): the connection failure it is.
    const other = classifyCqlError(new errors.NoHostAvailableError({ '10.0.0.1:9042': new errors.ResponseError(codes.syntaxError, 'line 1:0 bad') }), ctxOf())
    expect(other?.code).toBe('E_CONNECTION')
    expect(other?.message).toBe('cannot connect to 10.0.0.1 (data center dc1): 10.0.0.1:9042: line 1:0 bad')
    const refused = classifyCqlError(new errors.NoHostAvailableError({ '10.0.0.1:9042': sysError('connect ECONNREFUSED 10.0.0.1:9042', 'ECONNREFUSED') }), ctxOf())
    expect(refused?.code).toBe('E_CONNECTION')
  })

  it('a client timeout is E_UNAVAILABLE naming the nodes the driver sees down', () => {
    const ctx = ctxOf({ client: { hosts: hosts({ address: '10.0.0.1:9042', datacenter: 'dc1', up: true }, { address: '10.0.0.2:9042', datacenter: 'dc2', up: false }) } })
    const err = classifyCqlError(new errors.OperationTimedOutError('The host 10.0.0.1:9042 did not reply before timeout 12000 ms'), ctx)
    expect(err?.code).toBe('E_UNAVAILABLE')
    expect(err?.message).toBe('no answer from 10.0.0.1 (data center dc1) in time: The host 10.0.0.1:9042 did not reply before timeout 12000 ms; nodes down: 10.0.0.2:9042 (dc2)')
  })

  it('unavailable: the consistency level and replica counts, or placeholders when the driver gave none', () => {
    const full = Object.assign(new errors.ResponseError(codes.unavailableException, 'Cannot achieve consistency level LOCAL_QUORUM'), { consistencies: types.consistencies.localQuorum, required: 2, alive: 1 })
    const err = classifyCqlError(full, ctxOf())
    expect(err?.code).toBe('E_UNAVAILABLE')
    expect(err?.message).toBe("not enough replicas alive for LOCAL_QUORUM: 2 required, 1 alive (quorum lost: bring nodes back, or check the keyspace's replication against the nodes)")
    expect(err?.details).toEqual({ required: 2, alive: 1 })
    const bare = classifyCqlError(new errors.ResponseError(codes.unavailableException, 'unavailable'), ctxOf())
    expect(bare?.message).toMatch(/^not enough replicas alive for the consistency level: \? required, \? alive \(/)
  })

  it('server read and write timeouts: how many replicas answered of how many needed', () => {
    const write = Object.assign(new errors.ResponseError(codes.writeTimeout, 'Operation timed out'), { consistencies: types.consistencies.all, received: 1, blockFor: 3 })
    expect(classifyCqlError(write, ctxOf())?.message).toBe('replicas did not answer in time for ALL (1 of 3)')
    const read = classifyCqlError(new errors.ResponseError(codes.readTimeout, 'Operation timed out'), ctxOf())
    expect(read?.code).toBe('E_UNAVAILABLE')
    expect(read?.message).toBe('replicas did not answer in time for the consistency level (? of ?)')
  })

  it('a refused replication option is E_CONFIG; other invalid requests are the statement\'s own error', () => {
    const dc = new errors.ResponseError(codes.configError, 'Unrecognized strategy option {dc9} passed to NetworkTopologyStrategy for keyspace app')
    expect(classifyCqlError(dc, ctxOf())).toMatchObject({ code: 'E_CONFIG', message: 'the server refused the keyspace replication: Unrecognized strategy option {dc9} passed to NetworkTopologyStrategy for keyspace app' })
    const rf = new errors.ResponseError(codes.invalid, 'replication_factor is an option for SimpleStrategy, not NetworkTopologyStrategy')
    expect(classifyCqlError(rf, ctxOf())?.code).toBe('E_CONFIG')
    // Mentions a data center but not replication: not a replication problem.
    expect(classifyCqlError(new errors.ResponseError(codes.invalid, 'unknown datacenter in query'), ctxOf())).toBeUndefined()
    // A replication message with another code (a server error) is not a refused option either.
    expect(classifyCqlError(new errors.ResponseError(codes.serverError, 'Unable to find replication strategy class'), ctxOf())).toBeUndefined()
  })

  it('an undefined column of Strata\'s own tables is E_HISTORY_CORRUPT; of another table, the statement\'s error', () => {
    const err = classifyCqlError(new errors.ResponseError(codes.invalid, 'Undefined column name lease_token'), ctxOf())
    expect(err?.code).toBe('E_HISTORY_CORRUPT')
    expect(err?.details).toEqual({ column: 'lease_token' })
    expect(err?.message).toMatch(/^Strata's own table lacks its column lease_token \(dropped by hand\?\)/)
    expect(classifyCqlError(new errors.ResponseError(codes.invalid, 'Undefined column name shoe_size'), ctxOf())).toBeUndefined()
  })

  it('anything that is not a driver response is not classified', () => {
    expect(classifyCqlError(new Error('boom'), ctxOf())).toBeUndefined()
    expect(classifyCqlError(new errors.ResponseError(codes.syntaxError, "line 1:0 no viable alternative at input 'SELEC'"), ctxOf())).toBeUndefined()
  })

  it('a permission message in another shape, or on an unknown resource, is a plain E_PERMISSION', () => {
    const odd = classifyCqlError(new errors.ResponseError(codes.unauthorized, 'Only superusers are allowed to perform CREATE ROLE queries'), ctxOf())
    expect(odd).toMatchObject({ code: 'E_PERMISSION', message: 'permission denied: Only superusers are allowed to perform CREATE ROLE queries' })
    expect(odd?.details).toBeUndefined()
    const fn = classifyCqlError(new errors.ResponseError(codes.unauthorized, 'User u has no EXECUTE permission on <function ks.f(int)> or any of its parents'), ctxOf())
    expect(fn?.message).toBe('permission denied: User u has no EXECUTE permission on <function ks.f(int)> or any of its parents')
    const role = classifyCqlError(new errors.ResponseError(codes.unauthorized, 'User u has no ALTER permission on <all roles> or any of its parents'), ctxOf())
    expect(role?.details).toMatchObject({ resource: 'ALL ROLES', grant: 'GRANT ALTER ON ALL ROLES TO u' })
  })
})
