import { StrataError, messageOf } from '@strata/core'

/** SQLSTATE codes this adapter branches on (PostgreSQL appendix A; CockroachDB uses the same codes). */
export const SQLSTATE = {
  serializationFailure: '40001',
  deadlockDetected: '40P01',
  /** CockroachDB "result is ambiguous": the commit may or may not have happened. */
  statementCompletionUnknown: '40003',
  uniqueViolation: '23505',
  undefinedTable: '42P01',
  duplicateTable: '42P07',
  duplicateObject: '42710',
  duplicateDatabase: '42P04',
  duplicateSchema: '42P06',
  invalidCatalogName: '3D000',
  invalidSchemaName: '3F000',
  invalidPassword: '28P01',
  invalidAuthorization: '28000',
  insufficientPrivilege: '42501',
  adminShutdown: '57P01',
  crashShutdown: '57P02',
  cannotConnectNow: '57P03',
} as const

const NODE_CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ECONNABORTED'])

/** The SQLSTATE of a pg error, looking through StrataError causes; undefined for non-database errors. */
export function sqlStateOf(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code
  }
  return undefined
}

/** True when the error means the server could not be reached or the connection broke. */
export function isConnectionError(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code
  if (typeof code === 'string' && NODE_CONNECTION_CODES.has(code)) return true
  const state = sqlStateOf(err)
  if (state?.startsWith('08') || state === SQLSTATE.adminShutdown || state === SQLSTATE.crashShutdown || state === SQLSTATE.cannotConnectNow) return true
  // pg reports a socket closed by the server or by a timeout with these plain Errors (pg/lib/client.js).
  return /Connection terminated|connection timeout|Client has encountered a connection error/i.test(messageOf(err))
}

export function isAuthError(err: unknown): boolean {
  const state = sqlStateOf(err)
  return state === SQLSTATE.invalidPassword || state === SQLSTATE.invalidAuthorization
}

/**
 * Serialization conflicts the client must retry: 40001 (CockroachDB runs SERIALIZABLE by default and
 * reports its transaction restarts as 40001, docs "Transaction retry error reference") and 40P01.
 */
export function isSerializationFailure(err: unknown): boolean {
  const state = sqlStateOf(err)
  return state === SQLSTATE.serializationFailure || state === SQLSTATE.deadlockDetected
}

/**
 * Errors after which an idempotent write (an upsert or an UPDATE to absolute values) may safely be sent
 * again: serialization failures, CockroachDB's 40003 "result is ambiguous", and a broken connection.
 */
export function isRetryableIdempotent(err: unknown): boolean {
  return isSerializationFailure(err) || sqlStateOf(err) === SQLSTATE.statementCompletionUnknown || isConnectionError(err)
}

/** Replaces secrets (a password, the userinfo of a URL) in a message by `***`. */
export function scrubSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s]*@/gi, '$1***@')
  for (const s of secrets) {
    if (s && s.length >= 3) out = out.split(s).join('***')
  }
  return out
}

/** One line from a pg error: message, SQLSTATE, and the server's detail/hint when present. */
export function describePgError(err: unknown, statement?: string): string {
  const e = err as { message?: string; detail?: string; hint?: string; position?: string; code?: string }
  let text = messageOf(err)
  const state = sqlStateOf(err)
  if (state) text += ` (SQLSTATE ${state})`
  if (statement && e.position && /^\d+$/.test(e.position)) {
    const upTo = statement.slice(0, Number(e.position) - 1)
    const line = upTo.split('\n').length
    text += ` at line ${line}, column ${upTo.length - upTo.lastIndexOf('\n')} of the statement`
  }
  if (e.detail) text += `\n  detail: ${e.detail}`
  if (e.hint) text += `\n  hint: ${e.hint}`
  return text
}

/** A pg error from a migration statement, re-thrown with SQLSTATE/detail/hint in its message. */
export class PgStatementError extends Error {
  override readonly name = 'PgStatementError'
  readonly sqlState?: string
  constructor(err: unknown, statement: string) {
    super(describePgError(err, statement), { cause: err })
    this.sqlState = sqlStateOf(err)
  }
}

/**
 * Maps an error met while talking to the server to E_AUTH (28P01/28000), E_CONNECTION (unreachable,
 * broken connection, missing database), or returns it unchanged. Messages never carry the password.
 */
export function toConnectionError(err: unknown, endpoint: string, secrets: readonly (string | undefined)[]): unknown {
  if (err instanceof StrataError) return err
  const msg = scrubSecrets(messageOf(err), secrets)
  const state = sqlStateOf(err)
  const cause = new Error(msg)
  ;(cause as { code?: string }).code = state ?? (err as { code?: string } | undefined)?.code
  if (isAuthError(err)) {
    return new StrataError('E_AUTH', `authentication failed for ${endpoint}: ${msg}`, { cause })
  }
  if (state === SQLSTATE.invalidCatalogName) {
    return new StrataError('E_CONNECTION', `cannot use ${endpoint}: ${msg} (create it first, e.g. the start-up hook's AUTO_MIGRATE or createTarget())`, { cause })
  }
  if (isConnectionError(err)) {
    return new StrataError('E_CONNECTION', `cannot connect to ${endpoint}: ${msg}`, { cause })
  }
  return err
}
