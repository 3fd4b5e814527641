import cassandra from 'cassandra-driver'
import { StrataError, messageOf } from '@strata/core'

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

/** Bad credentials: the driver wraps the server's 0x0100 in AuthenticationError, inside NoHostAvailableError. */
export function isAuthError(err: unknown): boolean {
  if (err instanceof errors.AuthenticationError) return true
  if (err instanceof errors.ResponseError && (err.code === codes.badCredentials || err.code === codes.unauthorized)) return true
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
 * Maps a failure to reach or log into the cluster to E_CONNECTION / E_AUTH with a scrubbed message;
 * anything else is returned scrubbed but otherwise unchanged.
 */
export function toConnectError(err: unknown, where: string, secrets: readonly (string | undefined)[]): unknown {
  const clean = scrubError(err, secrets)
  if (isAuthError(clean)) {
    return new StrataError('E_AUTH', `authentication to ${where} failed: ${authMessage(clean)}`, { cause: clean })
  }
  if (isConnectionError(clean)) {
    return new StrataError('E_CONNECTION', `cannot connect to ${where}: ${connectionMessage(clean)}`, { cause: clean })
  }
  return clean
}

function authMessage(err: unknown): string {
  const auth = [err, ...innerErrorsOf(err)].find((e) => e instanceof errors.AuthenticationError || e instanceof errors.ResponseError)
  return messageOf(auth ?? err)
}

function connectionMessage(err: unknown): string {
  const inner = (err as { innerErrors?: Record<string, unknown> } | null)?.innerErrors
  if (inner && Object.keys(inner).length > 0) {
    return Object.entries(inner).map(([host, e]) => `${host}: ${messageOf(e).split('\n')[0]}`).join('; ')
  }
  return messageOf(err)
}
