import cassandra from 'cassandra-driver'
import type { Client, types } from 'cassandra-driver'
import type { CapturedSchema } from '@strata-migrate/core/adapter-kit'
import { cqlDdl, cqlModel, type CqlCatalog } from './cql-schema-model.js'
import { quoteId } from './identifiers.js'

const codes = cassandra.types.responseErrorCodes

export interface CaptureState {
  /** Learned on the first capture: whether the server runs DESCRIBE itself. */
  describe?: boolean
}

/**
 * A server that does not run DESCRIBE server-side (ScyllaDB before 5.x, Cassandra before 4.0; CASSANDRA-14825
 * moved DESCRIBE into the server) answers with a syntax error; a role that may read system_schema but not
 * DESCRIBE gets "unauthorized". Both mean: rebuild the DDL from system_schema. Anything else is a real failure.
 */
function describeUnsupported(err: unknown): boolean {
  return err instanceof cassandra.errors.ResponseError && (err.code === codes.syntaxError || err.code === codes.unauthorized)
}

const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v))
const plain = (v: unknown): unknown => (v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) && !Buffer.isBuffer(v) ? { ...(v as object) } : v)

/** Every row of a query (paged). */
async function rows(client: Client, cql: string, params: unknown[], consistency: number): Promise<types.Row[]> {
  const out: types.Row[] = []
  let pageState: string | undefined
  do {
    const rs = await client.execute(cql, params, { prepare: params.length > 0, consistency, isIdempotent: true, fetchSize: 5000, ...(pageState ? { pageState } : {}) })
    out.push(...rs.rows)
    pageState = rs.pageState ?? undefined
  } while (pageState)
  return out
}

/** system_schema of one keyspace in one parallel round of reads (node-local tables, so any node answers). */
async function readCatalog(client: Client, keyspace: string, consistency: number): Promise<CqlCatalog> {
  const q = (cql: string) => rows(client, cql, [keyspace], consistency)
  const [ks, tables, columns, indexes, views, typeRows] = await Promise.all([
    q('SELECT keyspace_name, durable_writes, replication FROM system_schema.keyspaces WHERE keyspace_name = ?'),
    // SELECT *: table options differ between Cassandra and ScyllaDB versions; cqlModel picks the known ones.
    q('SELECT * FROM system_schema.tables WHERE keyspace_name = ?'),
    q('SELECT table_name, column_name, type, kind, position, clustering_order FROM system_schema.columns WHERE keyspace_name = ?'),
    q('SELECT table_name, index_name, kind, options FROM system_schema.indexes WHERE keyspace_name = ?'),
    q('SELECT view_name, base_table_name, where_clause, include_all_columns FROM system_schema.views WHERE keyspace_name = ?'),
    q('SELECT type_name, field_names, field_types FROM system_schema.types WHERE keyspace_name = ?'),
  ])
  const k = ks[0]
  return {
    keyspace: k ? { name: keyspace, replication: plain(k.get('replication')) as Record<string, string>, durableWrites: k.get('durable_writes') !== false } : null,
    tables: tables.map((r) => {
      const options: Record<string, unknown> = {}
      for (const key of r.keys()) if (key !== 'keyspace_name' && key !== 'table_name') options[key] = plain(r.get(key))
      return { name: str(r.get('table_name')), options }
    }),
    columns: columns.map((r) => ({
      table: str(r.get('table_name')), name: str(r.get('column_name')), type: str(r.get('type')), kind: str(r.get('kind')),
      position: Number(r.get('position')), order: str(r.get('clustering_order')).toLowerCase(),
    })),
    indexes: indexes.map((r) => ({ table: str(r.get('table_name')), name: str(r.get('index_name')), kind: str(r.get('kind')), options: (plain(r.get('options')) ?? {}) as Record<string, string> })),
    views: views.map((r) => ({ name: str(r.get('view_name')), baseTable: str(r.get('base_table_name')), whereClause: str(r.get('where_clause')), includeAll: r.get('include_all_columns') === true })),
    types: typeRows.map((r) => ({ name: str(r.get('type_name')), fieldNames: (r.get('field_names') as string[] | null) ?? [], fieldTypes: (r.get('field_types') as string[] | null) ?? [] })),
  }
}

/** `DESCRIBE KEYSPACE` rows, without Strata's own tables; undefined when the server does not run DESCRIBE. */
async function describeKeyspace(client: Client, keyspace: string, consistency: number): Promise<string | undefined> {
  try {
    const described = await rows(client, `DESCRIBE KEYSPACE ${quoteId(keyspace)}`, [], consistency)
    return described
      .filter((r) => !(/^strata_/.test(str(r.get('name'))) && str(r.get('type')) === 'table'))
      .map((r) => str(r.get('create_statement')).trim())
      .join('\n\n')
  } catch (err) {
    if (describeUnsupported(err)) return undefined
    throw err
  }
}

/**
 * The keyspace's schema: DDL from server-side DESCRIBE (else reconstructed from system_schema) and the
 * structured model, read in parallel. `state` remembers whether DESCRIBE works, so a server without it
 * is asked once per adapter.
 */
export async function captureKeyspace(client: Client, keyspace: string, consistency: number, state: CaptureState, opts: { ddl?: boolean } = {}): Promise<CapturedSchema> {
  const wantDdl = opts.ddl !== false
  const [catalog, described] = await Promise.all([
    readCatalog(client, keyspace, consistency),
    wantDdl && state.describe !== false ? describeKeyspace(client, keyspace, consistency) : Promise.resolve(undefined),
  ])
  if (wantDdl && state.describe === undefined) state.describe = described !== undefined
  const ddl = !wantDdl ? '' : described ?? cqlDdl(catalog, keyspace)
  return { format: 'cql', ddl, schema: cqlModel(catalog), source: described !== undefined ? 'describe' : 'system_schema' }
}
