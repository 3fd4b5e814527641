import { StrataError, messageOf } from '@strata-migrate/core/adapter-kit'

const nameOf = (err: unknown): string => (typeof err === 'object' && err !== null ? String((err as { name?: unknown }).name ?? '') : '')
const codeOf = (err: unknown): string => (typeof err === 'object' && err !== null ? String((err as { code?: unknown }).code ?? '') : '')

/** Node's socket errors and the SDK's own transport errors: the request never got an answer. */
const NETWORK = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|EPIPE|socket hang up/
const AUTH = new Set(['UnrecognizedClientException', 'InvalidSignatureException', 'MissingAuthenticationTokenException', 'ExpiredTokenException', 'IncompleteSignatureException', 'CredentialsProviderError'])

/**
 * AWS access key ids (AKIA…, ASIA…) and `Credential=…` scopes, which signature errors can quote: cut from every
 * message Strata prints. Secret keys never appear in server messages (they sign, they are not sent).
 */
export function scrubAws(text: string): string {
  return text.replace(/\b(AKIA|ASIA)[0-9A-Z]{12,}\b/g, '$1…').replace(/Credential=[^,\s]+/g, 'Credential=…')
}

/** Whether the request never reached the server or never got its answer (its outcome is unknown). */
export function isNetworkError(err: unknown): boolean {
  if (nameOf(err) === 'TimeoutError' || nameOf(err) === 'RequestTimeout') return true
  return NETWORK.test(codeOf(err)) || NETWORK.test(messageOf(err))
}

/**
 * An AWS SDK error as the environment failure it is: unreachable → E_CONNECTION, credentials refused →
 * E_AUTH, a policy that denies the action → E_PERMISSION; undefined for a request's own error (a
 * ValidationException is the migration's fault: core reports it as E_MIGRATION_FAILED naming file and statement).
 */
export function classifyAwsError(err: unknown, where: string): StrataError | undefined {
  const name = nameOf(err)
  const text = scrubAws(messageOf(err).split('\n')[0] ?? '')
  if (isNetworkError(err)) {
    return new StrataError('E_CONNECTION', `cannot reach the DynamoDB API at ${where}: ${text}; is Alternator (or DynamoDB) running there?`, { cause: err })
  }
  if (AUTH.has(name) || /Could not load credentials|credential/i.test(name)) {
    return new StrataError('E_AUTH', `the DynamoDB API at ${where} refused the credentials (${name}: ${text}); set them through the AWS SDK chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, a role)`, { cause: err })
  }
  if (name === 'AccessDeniedException') {
    return new StrataError('E_PERMISSION', `the DynamoDB API at ${where} denied an action: ${text}; grant it to the caller's policy (Strata needs CreateTable/DescribeTable on its strata_* tables, the item actions on them, and the actions of the migrations)`, { cause: err })
  }
  return undefined
}
