import cassandra from 'cassandra-driver'
import type { Client } from 'cassandra-driver'
import { describe, expect, it } from 'vitest'
import { captureKeyspace, type CaptureState } from './schema-capture.js'

const { errors, types } = cassandra
const codes = types.responseErrorCodes

type Row = Record<string, unknown>
/** A driver row: get(name) and keys(), as schema-capture reads them. */
const rowOf = (r: Row) => ({ get: (k: string) => r[k], keys: () => Object.keys(r) })

/** The system_schema rows of keyspace app: one table with a map option, a column of each kind, a type with no fields listed. */
const catalog: Record<string, Row[]> = {
  'system_schema.keyspaces': [{ keyspace_name: 'app', durable_writes: false, replication: { class: 'org.apache.cassandra.locator.SimpleStrategy', replication_factor: '1' } }],
  'system_schema.tables': [
    { keyspace_name: 'app', table_name: 'users', comment: 'people', compaction: { class: 'SizeTieredCompactionStrategy' }, gc_grace_seconds: 10, caching: null, id: Buffer.from('x') },
    { keyspace_name: 'app', table_name: 'strata_history', comment: '' },
  ],
  'system_schema.columns': [
    { table_name: 'users', column_name: 'id', type: 'uuid', kind: 'partition_key', position: 0, clustering_order: 'none' },
    { table_name: 'users', column_name: 'at', type: 'timestamp', kind: 'clustering', position: 0, clustering_order: 'DESC' },
    { table_name: 'users', column_name: 'email', type: null, kind: 'regular', position: -1, clustering_order: null },
    { table_name: 'by_email', column_name: 'email', type: 'text', kind: 'partition_key', position: 0, clustering_order: 'none' },
    { table_name: 'by_email', column_name: 'id', type: 'uuid', kind: 'clustering', position: 0, clustering_order: 'asc' },
  ],
  'system_schema.indexes': [{ table_name: 'users', index_name: 'users_email', kind: 'COMPOSITES', options: null }],
  'system_schema.views': [{ view_name: 'by_email', base_table_name: 'users', where_clause: 'email IS NOT NULL', include_all_columns: true }],
  'system_schema.types': [{ type_name: 'addr', field_names: null, field_types: null }],
}

interface Call { cql: string; params: unknown[]; options: Record<string, unknown> }

/** A client answering the catalog reads, and DESCRIBE as `describe` says (rows in pages, or an error). */
function fakeClient(describe: Row[][] | Error, tables = catalog): { client: Client; calls: Call[] } {
  const calls: Call[] = []
  const client = {
    async execute(cql: string, params: unknown[], options: Record<string, unknown>) {
      calls.push({ cql, params, options })
      if (cql.startsWith('DESCRIBE')) {
        if (describe instanceof Error) throw describe
        const page = options.pageState ? Number(options.pageState) : 0
        return { rows: (describe[page] ?? []).map(rowOf), pageState: page + 1 < describe.length ? String(page + 1) : null }
      }
      const table = /FROM (system_schema\.\w+)/.exec(cql)?.[1] ?? ''
      return { rows: (tables[table] ?? []).map(rowOf), pageState: undefined }
    },
  } as unknown as Client
  return { client, calls }
}

const describeRows = [
  [{ type: 'keyspace', name: 'app', create_statement: "CREATE KEYSPACE app WITH replication = {'class': 'SimpleStrategy', 'replication_factor': '1'};  " }],
  [
    { type: 'table', name: 'strata_history', create_statement: 'CREATE TABLE app.strata_history (...);' },
    { type: 'type', name: 'strata_thing', create_statement: 'CREATE TYPE app.strata_thing (a int);' },
    { type: 'table', name: 'users', create_statement: '\nCREATE TABLE app.users (id uuid PRIMARY KEY);' },
  ],
]

describe('captureKeyspace', () => {
  it('uses server-side DESCRIBE (all pages) without Strata\'s own tables, and remembers that it works', async () => {
    const { client, calls } = fakeClient(describeRows)
    const state: CaptureState = {}
    const captured = await captureKeyspace(client, 'app', types.consistencies.localQuorum, state)
    expect(captured.source).toBe('describe')
    expect(captured.format).toBe('cql')
    expect(captured.ddl).toBe("CREATE KEYSPACE app WITH replication = {'class': 'SimpleStrategy', 'replication_factor': '1'};\n\nCREATE TYPE app.strata_thing (a int);\n\nCREATE TABLE app.users (id uuid PRIMARY KEY);")
    expect(state).toEqual({ describe: true })
    const described = calls.filter((c) => c.cql.startsWith('DESCRIBE'))
    expect(described.map((c) => c.options.pageState)).toEqual([undefined, '1'])
    expect(described[0]?.options).toMatchObject({ prepare: false, consistency: types.consistencies.localQuorum, isIdempotent: true, fetchSize: 5000 })
    expect(calls.filter((c) => c.cql.includes('system_schema')).every((c) => c.params[0] === 'app' && c.options.prepare === true)).toBe(true)
  })

  it('models the keyspace from system_schema: nulls read as empty, map options as CQL literals, Strata\'s tables left out', async () => {
    const { schema } = await captureKeyspace(fakeClient(describeRows).client, 'app', 1, {})
    expect(schema.tables).toEqual([{
      name: 'users',
      columns: [
        { name: 'id', type: 'uuid', kind: 'partition_key' },
        { name: 'at', type: 'timestamp', kind: 'clustering', order: 'desc' },
        { name: 'email', type: '', kind: 'regular' },
      ],
      primaryKey: '((id), at)',
      options: { comment: 'people', compaction: "{'class': 'SizeTieredCompactionStrategy'}", gc_grace_seconds: '10' },
    }])
    expect(schema.indexes).toEqual([{ name: 'users_email', table: 'users', definition: 'CREATE INDEX users_email ON users ()' }])
    expect(schema.views).toEqual([{ name: 'by_email', baseTable: 'users', definition: 'SELECT * FROM users WHERE email IS NOT NULL PRIMARY KEY (email, id)' }])
    expect(schema.others).toEqual([{ kind: 'type', name: 'addr', definition: '' }])
  })

  it.each([
    ['a server without server-side DESCRIBE (syntax error)', new errors.ResponseError(codes.syntaxError, "line 1:0 no viable alternative at input 'DESCRIBE'")],
    ['a role that may not DESCRIBE (unauthorized)', new errors.ResponseError(codes.unauthorized, 'not allowed')],
  ])('%s: rebuilds the DDL from system_schema, and does not ask again', async (_what, refusal) => {
    const { client, calls } = fakeClient(refusal)
    const state: CaptureState = {}
    const first = await captureKeyspace(client, 'app', 1, state)
    expect(first.source).toBe('system_schema')
    expect(state).toEqual({ describe: false })
    expect(first.ddl).toMatch(/^CREATE KEYSPACE app WITH replication = \{'class': 'org\.apache\.cassandra\.locator\.SimpleStrategy', 'replication_factor': '1'\} AND durable_writes = false;/)
    expect(first.ddl).toContain('CREATE TABLE app.users (')
    expect(first.ddl).not.toContain('strata_history')
    const asked = calls.length
    await captureKeyspace(client, 'app', 1, state)
    expect(calls.slice(asked).some((c) => c.cql.startsWith('DESCRIBE'))).toBe(false)
  })

  it('any other DESCRIBE failure is a real failure', async () => {
    const down = new errors.ResponseError(codes.readTimeout, 'Operation timed out')
    await expect(captureKeyspace(fakeClient(down).client, 'app', 1, {})).rejects.toBe(down)
  })

  it('without DDL: no DESCRIBE, an empty ddl, and the state is not learned', async () => {
    const { client, calls } = fakeClient(describeRows)
    const state: CaptureState = {}
    const captured = await captureKeyspace(client, 'app', 1, state, { ddl: false })
    expect(captured).toMatchObject({ ddl: '', source: 'system_schema' })
    expect(state).toEqual({})
    expect(calls.some((c) => c.cql.startsWith('DESCRIBE'))).toBe(false)
  })

  it('a keyspace that does not exist has no CREATE KEYSPACE and an empty model', async () => {
    const { client } = fakeClient(new errors.ResponseError(codes.syntaxError, 'no DESCRIBE'), {})
    const captured = await captureKeyspace(client, 'gone', 1, {})
    expect(captured.ddl).toBe('')
    expect(captured.schema).toEqual({ tables: [], indexes: [], views: [], others: [] })
  })
})
