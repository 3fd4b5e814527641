import cassandra from 'cassandra-driver'
import type { Client, Host } from 'cassandra-driver'
import { StrataError, pollUntil } from '@strata-migrate/core/adapter-kit'
import { isMissingTable } from './driver-errors.js'
import { quoteId } from './identifiers.js'
import type { ReplicationOptions } from './options.js'
import { waitForAgreement } from './schema-agreement.js'

const ONE = cassandra.types.consistencies.one

export interface BootstrapContext {
  client: Client
  localDataCenter: string
  agreementTimeoutMs: number
}

/** system_schema is node-local (LocalStrategy): any node answers from its own view. */
export async function keyspaceExists(client: Client, keyspace: string): Promise<boolean> {
  const rs = await client.execute('SELECT keyspace_name FROM system_schema.keyspaces WHERE keyspace_name = ?', [keyspace], {
    prepare: true, consistency: ONE, isIdempotent: true,
  })
  return rs.rowLength > 0
}

export async function tableExists(client: Client, keyspace: string, table: string): Promise<boolean> {
  const rs = await client.execute('SELECT table_name FROM system_schema.tables WHERE keyspace_name = ? AND table_name = ?', [keyspace, table], {
    prepare: true, consistency: ONE, isIdempotent: true,
  })
  return rs.rowLength > 0
}

/** The replication map of CREATE KEYSPACE for the configured strategy. */
export function replicationClause(r: ReplicationOptions): string {
  if (r.class === 'SimpleStrategy') return `{'class': 'SimpleStrategy', 'replication_factor': ${r.replicationFactor}}`
  const dcs = Object.entries(r.dataCenters).map(([dc, rf]) => `'${dc}': ${rf}`)
  return `{'class': 'NetworkTopologyStrategy', ${dcs.join(', ')}}`
}

/**
 * The node every process sends its bootstrap DDL to: the up local-DC node with the lowest address. Cassandra
 * (before transactional metadata) can give one table two ids when several coordinators run the same
 * CREATE … IF NOT EXISTS at once ("Column family ID mismatch", golang-migrate/migrate#249);
 * one coordinator applies schema changes one at a time (Schema.transform is synchronized), so IF NOT EXISTS
 * really holds there. ScyllaDB 2023.1+ serialises schema changes through Raft anyway.
 */
function bootstrapCoordinator(ctx: BootstrapContext): Host | undefined {
  const candidates = ctx.client.hosts.values().filter((h) => h.isUp() && h.datacenter === ctx.localDataCenter)
  return candidates.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0))[0]
}

/** Runs one bootstrap DDL statement on the bootstrap coordinator, then waits for schema agreement. */
export async function runBootstrapDdl(ctx: BootstrapContext, cql: string): Promise<void> {
  const host = bootstrapCoordinator(ctx)
  await ctx.client.execute(cql, [], { prepare: false, ...(host ? { host } : {}) })
  await waitForAgreement(ctx.client, { localDataCenter: ctx.localDataCenter, timeoutMs: ctx.agreementTimeoutMs, failOnDownNode: false })
}

/**
 * Creates a table only if system_schema does not list it yet, so concurrent starts rarely issue DDL at all,
 * and those that do all go to one coordinator. Always ends with a schema-agreement wait: a table another
 * process just created may not have reached every node yet ("unconfigured table" on the next write).
 */
export async function ensureTable(ctx: BootstrapContext, keyspace: string, table: string, ddl: string): Promise<void> {
  if (!(await keyspaceExists(ctx.client, keyspace))) {
    throw new StrataError('E_CONFIG', `keyspace "${keyspace}" does not exist: create it first (or let Strata create it with createTarget / AUTO_MIGRATE)`)
  }
  if (await tableExists(ctx.client, keyspace, table)) {
    await waitForAgreement(ctx.client, { localDataCenter: ctx.localDataCenter, timeoutMs: ctx.agreementTimeoutMs, failOnDownNode: false })
  } else {
    // The same window applies to a keyspace created a moment ago by another process.
    await whileMissing(ctx, () => runBootstrapDdl(ctx, ddl))
  }
  await whileMissing(ctx, () => ctx.client.execute(`SELECT * FROM ${quoteId(keyspace)}.${quoteId(table)} LIMIT 1`, [], { prepare: false, consistency: ONE }))
}

/**
 * Retries while the server says a keyspace or table does not exist. Cassandra writes the system_schema rows
 * of a new table before it registers the table in memory, so a process that sees those rows while another
 * process's CREATE is still being applied gets "table … does not exist" (or "Unknown CF", see isMissingTable)
 * on its next statement (seen with 10 concurrent starts on one node). Bounded by the agreement timeout.
 */
export async function whileMissing(ctx: BootstrapContext, op: () => Promise<unknown>): Promise<void> {
  let lastError: unknown
  await pollUntil(async () => {
    try {
      await op()
      return true
    } catch (err) {
      if (!isMissingTable(err)) throw err
      lastError = err
      return undefined
    }
  }, { timeoutMs: ctx.agreementTimeoutMs, maxMs: 50, onTimeout: () => lastError as Error })
}

/** CREATE KEYSPACE IF NOT EXISTS with the configured replication, through the bootstrap coordinator. */
export async function ensureKeyspace(ctx: BootstrapContext, keyspace: string, replication: ReplicationOptions): Promise<boolean> {
  if (await keyspaceExists(ctx.client, keyspace)) return false
  await runBootstrapDdl(ctx, `CREATE KEYSPACE IF NOT EXISTS ${quoteId(keyspace)} WITH replication = ${replicationClause(replication)}`)
  return true
}
