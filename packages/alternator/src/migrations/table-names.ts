/**
 * Strata's own table of a target, behind the target's table prefix: one item per migration set holding the set's
 * lease and its history rows (history-store.ts says why one item).
 */
export const HISTORY_TABLE = 'strata_history'
/** The set item's map of history rows, version → row. */
export const ROWS = 'rows'
/** The set item's lease attributes. */
export const LEASE_NAMES = { owner: 'owner', token: 'lease_token', acquired: 'acquired_at', expires: 'expires_at' } as const

/** Tables Strata keeps for itself (history, leases, evolution sweeps): never part of the migrated schema. */
export const OWN_TABLE = /^strata_/

/**
 * A table's name relative to the target's prefix, or undefined when it lies outside the target. DynamoDB has one
 * flat table namespace per account and region (Alternator: per cluster), so the prefix plays the keyspace's role.
 */
export function relativeName(table: string, prefix: string): string | undefined {
  return table.startsWith(prefix) ? table.slice(prefix.length) : undefined
}

/** A secondary index in the schema model: `table.index` (DynamoDB index names are unique per table only). */
export const indexName = (table: string, index: string): string => `${table}.${index}`
