import { describe, expect, it } from 'vitest'
import { MemorySchema } from './memory-schema.js'
import { diffSchemas, renderSchemaChanges } from './schema-diff.js'
import type { SchemaSnapshot } from './types.js'

function model(...ddl: string[]): SchemaSnapshot {
  const s = new MemorySchema()
  for (const d of ddl) s.apply(d)
  return s.snapshot()
}

describe('diffSchemas', () => {
  const base = ['CREATE TABLE users (id int, name text, PRIMARY KEY (id))', 'CREATE INDEX users_name ON users (name)']

  it('finds nothing between equal schemas', () => {
    expect(diffSchemas(model(...base), model(...base))).toEqual([])
  })

  it('names added and removed tables once, with their columns, not each column (nor a dropped table’s indexes)', () => {
    const changes = diffSchemas(model(...base, 'CREATE TABLE gone (id int)', 'CREATE INDEX gone_id ON gone (id)'), model(...base, 'CREATE TABLE sessions (id int, at timestamp)'))
    expect(changes).toEqual([
      { object: 'table', change: 'removed', table: 'gone', name: 'gone', from: 'id int' },
      { object: 'table', change: 'added', table: 'sessions', name: 'sessions', to: 'id int, at timestamp' },
    ])
  })

  it('names columns added, removed and retyped, with their table', () => {
    const changes = diffSchemas(
      model(...base, 'ALTER TABLE users ADD age int'),
      model(...base, 'ALTER TABLE users ADD nickname text', 'ALTER TABLE users ALTER COLUMN name TYPE varchar(20)'),
    )
    expect(changes).toEqual([
      { object: 'column', change: 'removed', table: 'users', name: 'age', from: 'int' },
      { object: 'column', change: 'changed', table: 'users', name: 'name', property: 'type', from: 'text', to: 'varchar(20)' },
      { object: 'column', change: 'added', table: 'users', name: 'nickname', to: 'text' },
    ])
    expect(renderSchemaChanges(changes)).toEqual([
      '- column users.age',
      '~ column users.name type: text → varchar(20)',
      '+ column users.nickname text',
    ])
  })

  it('compares indexes, views, primary keys, options, constraints and other objects by definition', () => {
    const a: SchemaSnapshot = {
      tables: [{ name: 't', columns: [{ name: 'id', type: 'int', notNull: true }], primaryKey: '(id)', options: { comment: 'x' }, constraints: [{ name: 't_chk', definition: 'CHECK (id > 0)' }] }],
      indexes: [{ name: 'i1', table: 't', definition: 'CREATE INDEX i1 ON t (id)' }, { name: 'i2', table: 't' }],
      views: [{ name: 'v', baseTable: 't', definition: 'SELECT id FROM t' }],
      others: [{ kind: 'type', name: 'addr', definition: 'street text' }],
    }
    const b: SchemaSnapshot = {
      tables: [{ name: 't', columns: [{ name: 'id', type: 'int', notNull: false, default: '0' }], primaryKey: '((id))', options: { comment: 'y', default_time_to_live: '60' }, constraints: [] }],
      indexes: [{ name: 'i1', table: 't', definition: 'CREATE INDEX i1 ON t (id DESC)' }, { name: 'i2', table: 't', definition: 'x' }],
      views: [{ name: 'v', baseTable: 't', definition: 'SELECT id FROM t WHERE id > 1' }],
      others: [{ kind: 'type', name: 'addr', definition: 'street text, zip int' }, { kind: 'function', name: 'f()', definition: 'BEGIN END' }],
    }
    const lines = renderSchemaChanges(diffSchemas(a, b))
    expect(lines).toEqual([
      '~ type addr definition: street text → street text, zip int',
      '+ function f() BEGIN END',
      '~ table t option comment: x → y',
      '~ table t option default_time_to_live: (none) → 60',
      '~ table t primary key: (id) → ((id))',
      '~ column t.id default: (none) → 0',
      '~ column t.id notNull: true → false',
      '- constraint t.t_chk',
      '~ index i1 definition: CREATE INDEX i1 ON t (id) → CREATE INDEX i1 ON t (id DESC)',
      '~ view v definition: SELECT id FROM t → SELECT id FROM t WHERE id > 1',
    ])
  })

  it('lists exactly what the migrations between two models did', () => {
    const v1 = model(...base)
    const v3 = model(...base, 'CREATE TABLE tokens (id int, PRIMARY KEY (id))', 'ALTER TABLE users ADD locale text', 'DROP INDEX users_name', 'CREATE VIEW names AS SELECT name FROM users')
    expect(renderSchemaChanges(diffSchemas(v1, v3))).toEqual([
      '+ table tokens (id int)',
      '+ column users.locale text',
      '- index users_name',
      '+ view names SELECT name FROM users',
    ])
  })
})
