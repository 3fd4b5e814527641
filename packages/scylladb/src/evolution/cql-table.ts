import cassandra from 'cassandra-driver'
import type { Client } from 'cassandra-driver'
import { StrataError } from '@strata-migrate/core/adapter-kit'
import { quoteId } from '../identifiers.js'

const { consistencies } = cassandra.types

/** A table's columns as system_schema lists them. */
export interface CqlTableInfo {
  readonly keyspace: string
  readonly table: string
  /** Partition key columns, in key order. */
  readonly partitionKey: readonly string[]
  /** Clustering columns, in key order. */
  readonly clustering: readonly string[]
  /** Every column name (key columns included). */
  readonly columns: readonly string[]
  readonly types: Readonly<Record<string, string>>
}

/** `ks.table` (quoted), for statements. */
export function qualified(t: Pick<CqlTableInfo, 'keyspace' | 'table'>): string {
  return `${quoteId(t.keyspace)}.${quoteId(t.table)}`
}

/** The `token(...)` expression of the table's partition key. */
export function tokenOf(t: CqlTableInfo): string {
  return `token(${t.partitionKey.map(quoteId).join(', ')})`
}

/** `"a" = ? AND "b" = ?` over the full primary key. */
export function keyWhere(t: CqlTableInfo): string {
  return [...t.partitionKey, ...t.clustering].map((c) => `${quoteId(c)} = ?`).join(' AND ')
}

/**
 * Reads the table's columns from system_schema (node-local, so ONE is enough). Names are matched as stored:
 * unquoted CQL identifiers are folded to lower case. Throws E_CONFIG when the table does not exist.
 */
export async function describeCqlTable(client: Client, keyspace: string, table: string): Promise<CqlTableInfo> {
  const rs = await client.execute(
    'SELECT column_name, kind, position, type FROM system_schema.columns WHERE keyspace_name = ? AND table_name = ?',
    [keyspace, table], { prepare: true, consistency: consistencies.one, isIdempotent: true },
  )
  if (rs.rowLength === 0) throw new StrataError('E_CONFIG', `table ${keyspace}.${table} does not exist (names are case-sensitive as stored: unquoted names are lower case)`)
  const cols = rs.rows.map((r) => ({ name: String(r.get('column_name')), kind: String(r.get('kind')), position: Number(r.get('position')), type: String(r.get('type')) }))
  const byKind = (kind: string) => cols.filter((c) => c.kind === kind).sort((a, b) => a.position - b.position).map((c) => c.name)
  return {
    keyspace, table,
    partitionKey: byKind('partition_key'),
    clustering: byKind('clustering'),
    columns: cols.map((c) => c.name),
    types: Object.fromEntries(cols.map((c) => [c.name, c.type])),
  }
}

/** Splits `ks.table` or `table` (with a default keyspace). */
export function splitTableName(name: string, defaultKeyspace: string): { keyspace: string; table: string } {
  const parts = name.split('.')
  if (parts.length === 1) return { keyspace: defaultKeyspace, table: parts[0] as string }
  if (parts.length === 2 && parts[0] && parts[1]) return { keyspace: parts[0], table: parts[1] }
  throw new StrataError('E_CONFIG', `bad table name "${name}": use table or keyspace.table`)
}
