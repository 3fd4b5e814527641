import { describe, expect, it } from 'vitest'
import { cqlDdl, cqlLiteral, cqlModel, cqlName, type CqlCatalog } from './cql-schema-model.js'

const catalog: CqlCatalog = {
  keyspace: { name: 'app', replication: { class: 'org.apache.cassandra.locator.SimpleStrategy', replication_factor: '1' }, durableWrites: true },
  tables: [
    { name: 'users', options: { comment: "it's", default_time_to_live: 0, gc_grace_seconds: 864000, compaction: { class: 'STCS', max_threshold: '32' }, extensions: {}, id: 'x' } },
    { name: 'strata_history', options: {} },
  ],
  columns: [
    { table: 'users', name: 'name', type: 'text', kind: 'regular', position: -1, order: 'none' },
    { table: 'users', name: 'at', type: 'timeuuid', kind: 'clustering', position: 0, order: 'desc' },
    { table: 'users', name: 'id', type: 'uuid', kind: 'partition_key', position: 0, order: 'none' },
    { table: 'users', name: 'Tag', type: 'frozen<addr>', kind: 'static', position: -1, order: 'none' },
    { table: 'by_name', name: 'name', type: 'text', kind: 'partition_key', position: 0, order: 'none' },
    { table: 'by_name', name: 'id', type: 'uuid', kind: 'clustering', position: 0, order: 'asc' },
    { table: 'by_name', name: 'at', type: 'timeuuid', kind: 'clustering', position: 1, order: 'desc' },
    { table: 'strata_history', name: 'version', type: 'text', kind: 'partition_key', position: 0, order: 'none' },
  ],
  indexes: [
    { table: 'users', name: 'users_name', kind: 'COMPOSITES', options: { target: 'name' } },
    { table: 'users', name: 'users_sai', kind: 'CUSTOM', options: { target: 'at', class_name: 'StorageAttachedIndex' } },
  ],
  views: [
    { name: 'by_name', baseTable: 'users', whereClause: 'name IS NOT NULL AND id IS NOT NULL AND at IS NOT NULL', includeAll: true },
    { name: 'users_name_index', baseTable: 'users', whereClause: 'name IS NOT NULL', includeAll: false },
  ],
  types: [{ name: 'addr', fieldNames: ['street', 'zip'], fieldTypes: ['text', 'int'] }],
}

describe('CQL schema model', () => {
  it('quotes names and renders literals as CQL', () => {
    expect(cqlName('users')).toBe('users')
    expect(cqlName('Users')).toBe('"Users"')
    expect(cqlName('table')).toBe('"table"')
    expect(cqlLiteral("it's")).toBe("'it''s'")
    expect(cqlLiteral({ b: '2', a: 1 })).toBe("{'a': '1', 'b': '2'}")
    expect(cqlLiteral(0.01)).toBe('0.01')
  })

  it('models tables (key order, kinds, options), indexes, views and types, without strata_ tables or index views', () => {
    const m = cqlModel(catalog)
    expect(m.tables.map((t) => t.name)).toEqual(['users'])
    const users = m.tables[0]
    expect(users?.columns).toEqual([
      { name: 'id', type: 'uuid', kind: 'partition_key' },
      { name: 'at', type: 'timeuuid', kind: 'clustering', order: 'desc' },
      { name: 'Tag', type: 'frozen<addr>', kind: 'static' },
      { name: 'name', type: 'text', kind: 'regular' },
    ])
    expect(users?.primaryKey).toBe('((id), at)')
    expect(users?.options).toEqual({ comment: "it's", compaction: "{'class': 'STCS', 'max_threshold': '32'}", default_time_to_live: '0', gc_grace_seconds: '864000' })
    expect(m.indexes).toEqual([
      { name: 'users_name', table: 'users', definition: 'CREATE INDEX users_name ON users (name)' },
      { name: 'users_sai', table: 'users', definition: "CREATE CUSTOM INDEX users_sai ON users (at) USING 'StorageAttachedIndex'" },
    ])
    // ScyllaDB's backing view of index users_name is part of the index.
    expect(m.views).toEqual([{ name: 'by_name', baseTable: 'users', definition: 'SELECT * FROM users WHERE name IS NOT NULL AND id IS NOT NULL AND at IS NOT NULL PRIMARY KEY (name, id, at) WITH CLUSTERING ORDER BY (id ASC, at DESC)' }])
    expect(m.others).toEqual([{ kind: 'type', name: 'addr', definition: 'street text, zip int' }])
  })

  it('reconstructs DESCRIBE-like DDL from system_schema', () => {
    expect(cqlDdl(catalog, 'app')).toBe(`CREATE KEYSPACE app WITH replication = {'class': 'org.apache.cassandra.locator.SimpleStrategy', 'replication_factor': '1'} AND durable_writes = true;

CREATE TYPE app.addr (
    street text,
    zip int
);

CREATE TABLE app.users (
    id uuid,
    at timeuuid,
    "Tag" frozen<addr> static,
    name text,
    PRIMARY KEY (id, at)
) WITH CLUSTERING ORDER BY (at DESC)
    AND comment = 'it''s'
    AND compaction = {'class': 'STCS', 'max_threshold': '32'}
    AND default_time_to_live = 0
    AND gc_grace_seconds = 864000;

CREATE INDEX users_name ON app.users (name);

CREATE CUSTOM INDEX users_sai ON app.users (at) USING 'StorageAttachedIndex';

CREATE MATERIALIZED VIEW app.by_name AS
    SELECT * FROM app.users WHERE name IS NOT NULL AND id IS NOT NULL AND at IS NOT NULL PRIMARY KEY (name, id, at) WITH CLUSTERING ORDER BY (id ASC, at DESC);`)
  })
})

describe('CQL schema model: less common shapes', () => {
  /** No keyspace row; a composite partition key, ascending clustering only, no options; a custom index with options; a view listing its columns. */
  const bare: CqlCatalog = {
    keyspace: null,
    tables: [{ name: 'events', options: { comment: null, caching: undefined } }],
    columns: [
      { table: 'events', name: 'zeta', type: 'int', kind: 'regular', position: -1, order: 'none' },
      { table: 'events', name: 'odd', type: 'blob', kind: 'weird', position: -1, order: 'none' },
      { table: 'events', name: 'alpha', type: 'text', kind: 'regular', position: -1, order: 'none' },
      { table: 'events', name: 'bucket', type: 'int', kind: 'partition_key', position: 1, order: 'none' },
      { table: 'events', name: 'day', type: 'date', kind: 'partition_key', position: 0, order: 'none' },
      { table: 'events', name: 'at', type: 'timestamp', kind: 'clustering', position: 0, order: 'asc' },
      { table: 'by_alpha', name: 'alpha', type: 'text', kind: 'partition_key', position: 0, order: 'none' },
      { table: 'by_alpha', name: 'day', type: 'date', kind: 'clustering', position: 0, order: 'asc' },
    ],
    indexes: [{ table: 'events', name: 'events_sai', kind: 'CUSTOM', options: { target: 'alpha', class_name: 'StorageAttachedIndex', case_sensitive: 'false' } }],
    views: [{ name: 'by_alpha', baseTable: 'events', whereClause: 'alpha IS NOT NULL', includeAll: false }],
    types: [{ name: 'pair', fieldNames: ['a', 'b'], fieldTypes: ['int'] }],
  }

  it('renders a missing value as null', () => {
    expect(cqlLiteral(null)).toBe('null')
    expect(cqlLiteral(undefined)).toBe('null')
    expect(cqlLiteral(true)).toBe('true')
  })

  it('orders key columns by position, then static and regular columns by name, unknown kinds last', () => {
    const [events] = cqlModel(bare).tables
    expect(events?.columns.map((c) => c.name)).toEqual(['day', 'bucket', 'at', 'alpha', 'zeta', 'odd'])
    expect(events?.primaryKey).toBe('((day, bucket), at)')
    expect(events?.options).toEqual({})
  })

  it('models a custom index with its options, a view listing its columns, and a type field without a type', () => {
    const m = cqlModel(bare)
    expect(m.indexes).toEqual([{ name: 'events_sai', table: 'events', definition: "CREATE CUSTOM INDEX events_sai ON events (alpha) USING 'StorageAttachedIndex' WITH OPTIONS = {'case_sensitive': 'false'}" }])
    expect(m.views).toEqual([{ name: 'by_alpha', baseTable: 'events', definition: 'SELECT alpha, day FROM events WHERE alpha IS NOT NULL PRIMARY KEY (alpha, day)' }])
    expect(m.others).toEqual([{ kind: 'type', name: 'pair', definition: 'a int, b ' }])
  })

  it('DDL without a keyspace row: no CREATE KEYSPACE, a composite key in parentheses, no WITH when there is nothing to set', () => {
    expect(cqlDdl(bare, 'App')).toBe(`CREATE TYPE "App".pair (
    a int,
    b 
);

CREATE TABLE "App".events (
    day date,
    bucket int,
    at timestamp,
    alpha text,
    zeta int,
    odd blob,
    PRIMARY KEY ((day, bucket), at)
);

CREATE CUSTOM INDEX events_sai ON "App".events (alpha) USING 'StorageAttachedIndex' WITH OPTIONS = {'case_sensitive': 'false'};

CREATE MATERIALIZED VIEW "App".by_alpha AS
    SELECT alpha, day FROM "App".events WHERE alpha IS NOT NULL PRIMARY KEY (alpha, day);`)
  })

  it('sorts tables, views, indexes and types by name in the model and in the DDL', () => {
    const col = (table: string, name: string) => ({ table, name, type: 'int', kind: 'partition_key', position: 0, order: 'none' })
    const many: CqlCatalog = {
      keyspace: null,
      tables: ['b_t', 'a_t'].map((name) => ({ name, options: {} })),
      columns: [col('b_t', 'k'), col('a_t', 'k'), col('b_v', 'k'), col('a_v', 'k')],
      indexes: [{ table: 'b_t', name: 'z_ix', kind: 'COMPOSITES', options: { target: 'k' } }, { table: 'a_t', name: 'y_ix', kind: 'COMPOSITES', options: { target: 'k' } }],
      views: [{ name: 'b_v', baseTable: 'b_t', whereClause: 'k IS NOT NULL', includeAll: true }, { name: 'a_v', baseTable: 'a_t', whereClause: 'k IS NOT NULL', includeAll: true }],
      types: [{ name: 'b_type', fieldNames: ['f'], fieldTypes: ['int'] }, { name: 'a_type', fieldNames: ['f'], fieldTypes: ['int'] }],
    }
    const m = cqlModel(many)
    expect([m.tables, m.indexes, m.views, m.others].map((list) => (list ?? []).map((x) => x.name))).toEqual([['a_t', 'b_t'], ['y_ix', 'z_ix'], ['a_v', 'b_v'], ['a_type', 'b_type']])
    const creates = cqlDdl(many, 'app').split('\n\n').map((stmt) => /^CREATE (?:\w+ )*?(app\.\w+|\w+_ix)/.exec(stmt)?.[1])
    expect(creates).toEqual(['app.a_type', 'app.b_type', 'app.a_t', 'y_ix', 'app.b_t', 'z_ix', 'app.a_v', 'app.b_v'])
  })
})
