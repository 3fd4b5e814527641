import { StrataError } from '@strata-migrate/core/adapter-kit'

/**
 * Names we put into CQL ourselves must be valid *unquoted* identifiers, so the same name also works in
 * migration files through `${keyspace}`. Keyspace and table names are limited to 48 characters
 * (Cassandra SchemaConstants.NAME_LENGTH; longer names are rejected by the server).
 */
const UNQUOTED = /^[A-Za-z][A-Za-z0-9_]{0,47}$/

/** Throws E_CONFIG unless `name` is a valid unquoted CQL identifier of at most 48 characters. */
export function assertIdentifier(name: unknown, what: string): asserts name is string {
  if (typeof name !== 'string' || !UNQUOTED.test(name)) {
    throw new StrataError(
      'E_CONFIG',
      `invalid ${what} name ${JSON.stringify(name)}: use a letter followed by letters, digits or _ (at most 48 characters)`,
    )
  }
}

/**
 * The name as the server stores it: unquoted CQL identifiers are case-insensitive and folded to lower
 * case (CQL reference, "Identifiers and keywords"), which is what system_schema lists.
 */
export function storedName(name: string): string {
  return name.toLowerCase()
}

/** A double-quoted identifier; safe for reserved words. */
export function quoteId(name: string): string {
  return `"${name.replace(/"/g, '""')}"`
}
