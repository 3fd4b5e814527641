import type { Client } from 'cassandra-driver'
import { describe, expect, it } from 'vitest'
import { introspectKeyspace } from './introspect.js'

/** A client answering the four system_schema reads of introspectKeyspace from these rows. */
function fakeClient(rows: Record<string, Record<string, unknown>[]>) {
  const calls: { cql: string; params: unknown[]; options: Record<string, unknown> }[] = []
  const client = {
    async execute(cql: string, params: unknown[], options: Record<string, unknown>) {
      calls.push({ cql, params, options })
      const table = /FROM system_schema\.(\w+)/.exec(cql)?.[1] ?? ''
      return { rows: (rows[table] ?? []).map((r) => ({ get: (k: string) => r[k] })) }
    },
  } as unknown as Client
  return { client, calls }
}

const col = (table_name: string, column_name: string, kind: string, position = -1, type = 'text') => ({ table_name, column_name, kind, position, type })

describe('introspectKeyspace', () => {
  it('lists tables by name with columns in DESCRIBE order, leaving out Strata\'s tables and view columns', async () => {
    const { client, calls } = fakeClient({
      tables: [{ table_name: 'users' }, { table_name: 'strata_history' }, { table_name: 'empty' }, { table_name: 'audit' }],
      columns: [
        col('users', 'zip', 'regular'), col('users', 'name', 'regular'), col('users', 'odd', 'mystery'), col('users', 'flag', 'static'),
        col('users', 'seq', 'clustering', 1, 'int'), col('users', 'at', 'clustering', 0, 'timestamp'), col('users', 'region', 'partition_key', 1),
        col('users', 'id', 'partition_key', 0, 'uuid'),
        col('audit', 'id', 'partition_key', 0, 'uuid'),
        col('by_name', 'name', 'partition_key', 0),
        col('strata_history', 'version', 'partition_key', 0),
      ],
      indexes: [{ table_name: 'users', index_name: 'users_zip' }, { table_name: 'users', index_name: 'users_name' }, { table_name: 'strata_history', index_name: 'strata_ix' }],
      views: [{ view_name: 'by_zip', base_table_name: 'users' }, { view_name: 'by_name', base_table_name: 'users' }],
    })
    const snapshot = await introspectKeyspace(client, 'app', 6)
    expect(snapshot.tables).toEqual([
      { name: 'audit', columns: [{ name: 'id', type: 'uuid' }] },
      { name: 'empty', columns: [] },
      {
        name: 'users',
        columns: [
          { name: 'id', type: 'uuid' }, { name: 'region', type: 'text' }, { name: 'at', type: 'timestamp' }, { name: 'seq', type: 'int' },
          { name: 'flag', type: 'text' }, { name: 'name', type: 'text' }, { name: 'zip', type: 'text' }, { name: 'odd', type: 'text' },
        ],
      },
    ])
    expect(snapshot.indexes).toEqual([{ name: 'users_name', table: 'users' }, { name: 'users_zip', table: 'users' }])
    expect(snapshot.views).toEqual([{ name: 'by_name', baseTable: 'users' }, { name: 'by_zip', baseTable: 'users' }])
    expect(calls.every((c) => c.params[0] === 'app' && c.options.consistency === 6 && c.options.isIdempotent === true)).toBe(true)
  })
})
