import type { Client } from 'cassandra-driver'
import { quoteId } from './identifiers.js'
import { ensureTable, runBootstrapDdl, type BootstrapContext } from './schema-bootstrap.js'

export const HISTORY_TABLE = 'strata_history'

/**
 * One partition per migration set holding the set's history rows AND its lease, in static columns: a
 * lightweight transaction on a history row can then be conditional on the lease (`IF lease_token = ?`),
 * which is how every history write is fenced. Paxos is per partition, so the lease and the history of a set
 * are linearizable together, and taking the lease completes any Paxos round a previous holder left behind.
 */
export function historyTableDdl(keyspace: string): string {
  return `CREATE TABLE IF NOT EXISTS ${quoteId(keyspace)}.${HISTORY_TABLE} (
  migration_set text,
  version text,
  name text,
  description text,
  kind text,
  checksum text,
  status text,
  statements_done int,
  statements_total int,
  statement_hashes list<text>,
  statements_started int,
  call_chain text,
  started_at timestamp,
  finished_at timestamp,
  rolled_back_at timestamp,
  duration_ms bigint,
  applied_by text,
  tool_version text,
  error text,
  agreement_wait_ms bigint,
  backup_id text,
  lease_owner text static,
  lease_token text static,
  lease_acquired_at timestamp static,
  lease_expires_at timestamp static,
  PRIMARY KEY ((migration_set), version)
) WITH comment = 'Strata migration history and lease: one partition per migration set, written only by lightweight transactions'`
}

/** Columns added since the first layout, for tables an earlier Strata created. */
const ADDED_COLUMNS: readonly [string, string][] = [
  ['description', 'text'], ['statements_started', 'int'], ['call_chain', 'text'], ['backup_id', 'text'],
  ['lease_owner', 'text static'], ['lease_token', 'text static'], ['lease_acquired_at', 'timestamp static'], ['lease_expires_at', 'timestamp static'],
]

/** Creates strata_history if missing; adds the columns an older strata_history lacks (one ALTER, via the bootstrap coordinator). */
export async function ensureHistoryTable(ctx: BootstrapContext, client: Client, keyspace: string): Promise<void> {
  await ensureTable(ctx, keyspace, HISTORY_TABLE, historyTableDdl(keyspace))
  const rs = await client.execute('SELECT column_name FROM system_schema.columns WHERE keyspace_name = ? AND table_name = ?', [keyspace, HISTORY_TABLE], { prepare: true })
  const have = new Set(rs.rows.map((r) => String(r.get('column_name'))))
  const missing = ADDED_COLUMNS.filter(([name]) => !have.has(name))
  if (missing.length === 0) return
  try {
    await runBootstrapDdl(ctx, `ALTER TABLE ${quoteId(keyspace)}.${HISTORY_TABLE} ADD (${missing.map(([n, t]) => `${n} ${t}`).join(', ')})`)
  } catch (err) {
    // Another process added them a moment earlier (this runs before the lease is taken).
    if (!/conflicts with an existing column|already exist/i.test(String((err as Error).message))) throw err
  }
}
