import cassandra from 'cassandra-driver'
import { StrataError, messageOf, tlsFailureHint } from '@strata-migrate/core/adapter-kit'

const { errors, types } = cassandra
const codes = types.responseErrorCodes

/** Replaces every occurrence of the given secrets in a message. */
export function scrub(message: string, secrets: readonly (string | undefined)[]): string {
  let out = message
  for (const s of secrets) if (s) out = out.split(s).join('***')
  return out
}

/** An error whose message (and inner errors' messages) never contain the given secrets. */
export function scrubError(err: unknown, secrets: readonly (string | undefined)[]): unknown {
  if (!(err instanceof Error) || secrets.every((s) => !s)) return err
  err.message = scrub(err.message, secrets)
  if (err.stack) err.stack = scrub(err.stack, secrets)
  const inner = (err as { innerErrors?: Record<string, unknown> }).innerErrors
  if (inner) for (const e of Object.values(inner)) scrubError(e, secrets)
  return err
}

function innerErrorsOf(err: unknown): unknown[] {
  const inner = (err as { innerErrors?: Record<string, unknown> } | null)?.innerErrors
  return inner ? Object.values(inner) : []
}

/**
 * Bad credentials: the driver wraps the server's 0x0100 in AuthenticationError, inside NoHostAvailableError.
 * 0x2100 "unauthorized" is not among them: that is a logged-in role lacking a permission (E_PERMISSION).
 */
export function isAuthError(err: unknown): boolean {
  if (err instanceof errors.AuthenticationError) return true
  if (err instanceof errors.ResponseError && err.code === codes.badCredentials) return true
  return innerErrorsOf(err).some(isAuthError)
}

/** The driver could not reach any node (refused, timed out, TLS handshake failed, ...). */
export function isConnectionError(err: unknown): boolean {
  return err instanceof errors.NoHostAvailableError || err instanceof errors.OperationTimedOutError
}

/**
 * The outcome of a lightweight transaction is unknown: WriteTimeout with writeType CAS (Paxos prepare/propose
 * timed out: it may or may not commit later) or SIMPLE (the commit phase timed out after the proposal was
 * accepted), or the client stopped waiting. Only a SERIAL read tells what happened, and it also finishes any
 * in-flight Paxos round (Cassandra docs, "Lightweight transactions"; CASSANDRA-9328).
 */
export function isLwtOutcomeUnknown(err: unknown): boolean {
  if (err instanceof errors.OperationTimedOutError) return true
  return err instanceof errors.ResponseError && err.code === codes.writeTimeout
}

/** Timeouts of any kind where the server may or may not have applied the request. */
export function isTimeout(err: unknown): boolean {
  if (err instanceof errors.OperationTimedOutError) return true
  return err instanceof errors.ResponseError && (err.code === codes.writeTimeout || err.code === codes.readTimeout)
}

/**
 * "unconfigured table x" / "Keyspace x does not exist": the table we read has not been created yet.
 * Also a server error "Unknown CF <id>": Cassandra has registered a table another process is creating this
 * moment but not opened its store yet (Keyspace.getColumnFamilyStore; seen with 10 concurrent first starts).
 */
export function isMissingTable(err: unknown): boolean {
  if (!(err instanceof errors.ResponseError)) return false
  if (err.code === codes.serverError) return /Unknown CF/.test(err.message)
  return err.code === codes.invalid && /unconfigured table|does not exist|Undefined name|unknown keyspace|non-existing keyspace/i.test(err.message)
}

/**
 * Maps a failure to reach or log into the cluster to E_AUTH, E_TLS or E_CONNECTION with a scrubbed message and
 * what to do; anything else is returned scrubbed but otherwise unchanged. `tls` says whether TLS was on: a
 * plaintext client is dropped at once by a node that requires TLS (Cassandra logs NotSslRecordException; the
 * client only sees ECONNRESET), which deserves a hint.
 */
export function toConnectError(err: unknown, where: string, secrets: readonly (string | undefined)[], tls?: boolean): unknown {
  const clean = scrubError(err, secrets)
  if (isAuthError(clean)) {
    return new StrataError('E_AUTH', `authentication to ${where} failed: ${authMessage(clean)}`, { cause: clean })
  }
  const tlsProblem = tlsFailure(clean)
  if (tlsProblem) return new StrataError('E_TLS', `TLS to ${where} failed: ${tlsProblem}${tlsFailureHint(tlsProblem)}`, { cause: clean })
  if (isConnectionError(clean)) {
    const message = connectionMessage(clean)
    const hint = tls === false && /ECONNRESET|socket hang up|Connection closed|EPIPE/i.test(message)
      ? ' (the node closed the connection at once: does it require TLS, client_encryption_options? Then pass --tls-ca or set STRATA_SCYLLADB_TLS_CA)'
      : ''
    return new StrataError('E_CONNECTION', `cannot connect to ${where}: ${message}${hint}`, { cause: clean })
  }
  return clean
}

/** The server's own words on the failed login, found as deep as isAuthError found it. */
function authMessage(err: unknown): string {
  const own = (e: unknown): unknown =>
    e instanceof errors.AuthenticationError || e instanceof errors.ResponseError ? e : innerErrorsOf(e).filter(isAuthError).map(own).find(Boolean)
  return messageOf(own(err) ?? err)
}

function connectionMessage(err: unknown): string {
  const inner = (err as { innerErrors?: Record<string, unknown> } | null)?.innerErrors
  if (inner && Object.keys(inner).length > 0) {
    return Object.entries(inner).map(([host, e]) => `${host}: ${messageOf(e).split('\n')[0]}`).join('; ')
  }
  return messageOf(err)
}

const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_SIGNATURE_FAILURE',
  'EPROTO', 'ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG',
])

/**
 * A TLS handshake failure (certificate not trusted, wrong host name, expired; or TLS spoken to a plaintext port),
 * as `host: message` from the failing host's own error (NoHostAvailableError's summary repeats them badly).
 */
export function tlsFailure(err: unknown): string | undefined {
  const inner = (err as { innerErrors?: Record<string, unknown> } | null)?.innerErrors ?? {}
  for (const [host, e] of [...Object.entries(inner), ['', err] as const]) {
    const code = (e as { code?: unknown } | null)?.code
    const text = messageOf(e).split('\n')[0] ?? ''
    const isTls = (typeof code === 'string' && TLS_CODES.has(code)) || (/certificate|self[- ]signed|SSL routines|TLS/i.test(text) && !(e instanceof errors.ResponseError))
    if (isTls) return host ? `${host}: ${text}` : text
  }
  return undefined
}

/** Columns of Strata's own tables (strata_history with its lease, strata_snapshots): an "Undefined column" naming one is a table changed by hand. */
const STRATA_COLUMNS = new Set([
  'migration_set', 'version', 'name', 'description', 'kind', 'checksum', 'status', 'statements_done', 'statements_total', 'statement_hashes',
  'statements_started', 'call_chain', 'started_at', 'finished_at', 'rolled_back_at', 'duration_ms', 'applied_by', 'tool_version', 'error',
  'agreement_wait_ms', 'lease_owner', 'lease_token', 'lease_acquired_at', 'lease_expires_at', 'which', 'taken_at', 'data',
])

export interface ClassifyContext {
  client: { hosts: { values(): { address: string; datacenter: string; isUp(): boolean }[] } }
  /** Where we connect, for messages. */
  where: string
  secrets: readonly (string | undefined)[]
}

const CONSISTENCY_NAMES = Object.fromEntries(Object.entries(types.consistencies).map(([name, n]) => [n, name.replace(/([A-Z])/g, '_$1').toUpperCase()]))

/** Nodes the driver sees as down, for messages. */
function downNodes(ctx: ClassifyContext): string {
  const down = ctx.client.hosts.values().filter((h) => !h.isUp()).map((h) => `${h.address} (${h.datacenter})`)
  return down.length ? `; nodes down: ${down.join(', ')}` : ''
}

/**
 * A driver error as the environment failure it is, or undefined for anything else (a statement's own error):
 * E_AUTH, E_TLS, E_CONNECTION, E_UNAVAILABLE (not enough replicas alive or answering for the consistency; names
 * the nodes the driver sees down), E_PERMISSION (the server's "User x has no CREATE permission on …"), E_CONFIG
 * (a replication option the server refused), E_HISTORY_CORRUPT (a column of strata_history missing).
 */
export function classifyCqlError(err: unknown, ctx: ClassifyContext): StrataError | undefined {
  if (err instanceof StrataError) return err
  const clean = scrubError(err, ctx.secrets)
  const msg = messageOf(clean).split('\n')[0] ?? ''
  const tls = tlsFailure(clean)
  if (tls) return new StrataError('E_TLS', `TLS to ${ctx.where} failed: ${tls}${tlsFailureHint(tls)}`, { cause: clean })
  if (isAuthError(clean)) return toConnectError(clean, ctx.where, ctx.secrets) as StrataError
  if (clean instanceof errors.NoHostAvailableError) {
    // The driver tried every host and each answered with an error: a server's answer (unavailable,
    // unauthorized…) says more than "no host available".
    const answered = innerErrorsOf(clean).find((e) => e instanceof errors.ResponseError)
    return (answered ? classifyCqlError(answered, ctx) : undefined) ?? (toConnectError(clean, ctx.where, ctx.secrets) as StrataError)
  }
  if (clean instanceof errors.OperationTimedOutError) {
    return new StrataError('E_UNAVAILABLE', `no answer from ${ctx.where} in time: ${msg}${downNodes(ctx)}`, { cause: clean })
  }
  if (!(clean instanceof errors.ResponseError)) return undefined
  const e = clean as InstanceType<typeof errors.ResponseError> & { consistencies?: number; required?: number; alive?: number; received?: number; blockFor?: number }
  if (e.code === codes.unavailableException) {
    return new StrataError('E_UNAVAILABLE',
      `not enough replicas alive for ${CONSISTENCY_NAMES[e.consistencies ?? -1] ?? 'the consistency level'}: ${e.required ?? '?'} required, ${e.alive ?? '?'} alive${downNodes(ctx)} (quorum lost: bring nodes back, or check the keyspace's replication against the nodes)`,
      { cause: clean, details: { required: e.required, alive: e.alive } })
  }
  if (e.code === codes.writeTimeout || e.code === codes.readTimeout) {
    return new StrataError('E_UNAVAILABLE', `replicas did not answer in time for ${CONSISTENCY_NAMES[e.consistencies ?? -1] ?? 'the consistency level'} (${e.received ?? '?'} of ${e.blockFor ?? '?'})${downNodes(ctx)}`, { cause: clean })
  }
  if (e.code === codes.unauthorized) return permissionError(msg, clean)
  if (/Unrecognized strategy option|replication_factor|Unable to find replication strategy|datacenter/i.test(msg) && (e.code === codes.configError || e.code === codes.invalid) && /replication|strategy/i.test(msg)) {
    return new StrataError('E_CONFIG', `the server refused the keyspace replication: ${msg}`, { cause: clean })
  }
  const column = /Undefined column name (\w+)/i.exec(msg)?.[1]
  if (column && STRATA_COLUMNS.has(column)) {
    return new StrataError('E_HISTORY_CORRUPT', `Strata's own table lacks its column ${column} (dropped by hand?): add it back as it was created (the tables are in the @strata-migrate/scylladb README); history rows are never edited by hand`, { cause: clean, details: { column } })
  }
  return undefined
}

/** CQL resources as Cassandra names them in messages (`<keyspace ks>`) and as GRANT writes them (`KEYSPACE ks`). */
const RESOURCES: Readonly<Record<string, string>> = { keyspace: 'KEYSPACE', table: 'TABLE', 'all keyspaces': 'ALL KEYSPACES', role: 'ROLE', 'all roles': 'ALL ROLES' }

/**
 * E_PERMISSION from the server's "User x has no CREATE permission on <keyspace ks> or any of its parents"
 * (Cassandra's AuthorizationProxy / ClientState.ensurePermission), naming the permission and the GRANT that fixes it.
 */
function permissionError(msg: string, cause: unknown): StrataError {
  const m = /User (\S+) has no (\w+) permission on <([^>]+)>/i.exec(msg)
  const inner = m?.[3]?.trim() ?? ''
  // `<all keyspaces>` is a resource on its own; `<keyspace app>` and `<table app.t>` are a kind and a name.
  const [kind, name] = RESOURCES[inner.toLowerCase()] ? [inner, undefined] : [inner.split(' ')[0] ?? '', inner.split(' ').slice(1).join(' ')]
  const resource = RESOURCES[kind.toLowerCase()]
  if (!m || !resource) return new StrataError('E_PERMISSION', `permission denied: ${msg}`, { cause })
  const [, role, permission] = m
  const grant = `GRANT ${permission} ON ${resource}${name ? ` ${name}` : ''} TO ${role}`
  return new StrataError('E_PERMISSION', `permission denied: role ${role} lacks ${permission} on ${resource}${name ? ` ${name}` : ''} (an administrator can run: ${grant}; the grants Strata needs are in docs/security.md)`, {
    cause, details: { role, permission, resource: `${resource}${name ? ` ${name}` : ''}`, grant },
  })
}
