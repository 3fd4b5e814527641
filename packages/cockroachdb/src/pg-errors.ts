import { StrataError, messageOf, tlsFailureHint } from '@strata-migrate/core/adapter-kit'

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

const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_SIGNATURE_FAILURE', 'EPROTO',
])

/** Columns of Strata's own tables: a 42703 naming one is strata_history/strata_lock/strata_snapshots changed by hand. */
const STRATA_COLUMNS = new Set([
  'migration_set', 'version', 'name', 'description', 'kind', 'checksum', 'status', 'statements_done', 'statements_total', 'statement_hashes',
  'statements_started', 'call_chain', 'started_at', 'finished_at', 'rolled_back_at', 'duration_ms', 'applied_by', 'tool_version', 'error',
  'agreement_wait_ms', 'owner', 'token', 'acquired_at', 'expires_at', 'which', 'taken_at', 'data',
])

/**
 * A pg error as the environment failure it is, or undefined for anything else (a statement's own error):
 * E_TLS (certificate not trusted, wrong host name; the server wants TLS), E_AUTH, E_CONNECTION, E_PERMISSION
 * (42501, naming what), E_UNAVAILABLE (class 53: disk full, out of memory, too many connections), and
 * E_HISTORY_CORRUPT (a column of Strata's own tables gone: 42703 naming one of them).
 */
export function classifyPgError(err: unknown, endpoint: string, secrets: readonly (string | undefined)[]): StrataError | undefined {
  if (err instanceof StrataError) return err
  const inner = (err as { cause?: unknown } | null)?.cause ?? err
  const msg = scrubSecrets(messageOf(err), secrets).split('\n')[0] ?? ''
  const code = (inner as { code?: unknown } | null)?.code ?? (err as { code?: unknown } | null)?.code
  if ((typeof code === 'string' && TLS_CODES.has(code)) || /self[- ]signed certificate|unable to verify|certificate|does not support SSL|SSL off|pg_hba\.conf (rejects connection|entry) .*(no encryption|SSL off)/i.test(msg)) {
    const hint = /no encryption/i.test(msg) ? ' (the server accepts only TLS connections: use sslmode=verify-full with sslrootcert, or --tls-ca)'
      : /does not support SSL/i.test(msg) ? ' (the server has TLS turned off: use sslmode=disable only if the network is trusted)'
      : tlsFailureHint(msg)
    return new StrataError('E_TLS', `TLS to ${endpoint} failed: ${msg}${hint}`, { cause: err })
  }
  const state = sqlStateOf(err)
  if (isAuthError(err) || isConnectionError(err) || state === SQLSTATE.invalidCatalogName) return toConnectionError(err, endpoint, secrets) as StrataError
  if (state === SQLSTATE.insufficientPrivilege) return permissionError(msg, endpoint, err)
  if (state?.startsWith('53')) return new StrataError('E_UNAVAILABLE', `${endpoint} cannot take the work: ${msg} (SQLSTATE ${state})`, { cause: err })
  const column = state === '42703' ? /column "([^"]+)"/.exec(msg)?.[1] : undefined
  if (column && STRATA_COLUMNS.has(column)) {
    return new StrataError('E_HISTORY_CORRUPT', `Strata's own table lacks its column ${column} (dropped by hand?): add it back as it was created (the tables are in the @strata-migrate/cockroachdb README); history rows are never edited by hand`, { cause: err, details: { column } })
  }
  return undefined
}

/**
 * E_PERMISSION naming what the role lacks, from PostgreSQL's 42501 messages ("permission denied for schema
 * public", "must be owner of table t", "permission denied to create database"); CockroachDB's read "user x does
 * not have CREATE privilege on schema y".
 */
function permissionError(msg: string, endpoint: string, cause: unknown): StrataError {
  const role = endpoint.split('@')[0] ?? 'the role'
  const on = /permission denied for (schema|table|database|sequence|relation|view) "?([^"\s]+)"?/i.exec(msg)
  const crdb = /does not have (\w+) privilege on (schema|table|database|relation) "?([^"\s]+)"?/i.exec(msg)
  const owner = /must be owner of (\w+) "?([^"\s]+)"?/i.exec(msg)
  const needed = crdb ? `${crdb[1]} on ${crdb[2]} ${crdb[3]}`
    : on ? (on[1]?.toLowerCase() === 'schema' ? `CREATE and USAGE on schema ${on[2]}` : `a privilege on ${on[1]} ${on[2]}`)
    : owner ? `ownership of ${owner[1]} ${owner[2]} (only its owner may alter or drop it)`
    : /to create database/i.test(msg) ? 'CREATEDB (to create the database)'
    : undefined
  return new StrataError('E_PERMISSION', `permission denied on ${endpoint}: ${msg}${needed ? ` (role ${role} needs ${needed}; the grants Strata needs are in docs/security.md)` : ''}`, {
    cause, details: needed ? { role, needed } : undefined,
  })
}
