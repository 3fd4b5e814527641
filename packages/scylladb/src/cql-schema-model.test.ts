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
