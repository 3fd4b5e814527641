import { StrataError } from '@strata-migrate/core/adapter-kit'

/** Letters, digits, `_`, `$` and `-`, starting with a letter or `_`, at most 63 bytes (NAMEDATALEN - 1). */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$-]*$/

/** Throws E_CONFIG unless `name` is a database/schema name this adapter accepts. */
export function validateIdentifier(name: string, what: 'database' | 'schema'): string {
  // PostgreSQL silently truncates identifiers longer than 63 bytes (docs: "Identifiers and Key Words").
  if (!IDENTIFIER.test(name) || Buffer.byteLength(name, 'utf8') > 63) {
    throw new StrataError('E_CONFIG', `invalid ${what} name "${name}": use letters, digits, _ $ - (starting with a letter or _), at most 63 characters`)
  }
  return name
}

/** Double-quotes an identifier (case is kept as written), doubling embedded quotes. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`
}
