import { describe, expect, it } from 'vitest'
import { introspectSchema } from './introspect.js'

/** A SqlRunner answering by a phrase of the statement; an Error reply is the server refusing the catalog query. */
const runner = (replies: [phrase: string, rows: Record<string, unknown>[] | Error][]) => ({
  seen: [] as string[],
  async query(text: string) {
    this.seen.push(text)
    const reply = replies.find(([phrase]) => text.includes(phrase))?.[1] ?? []
    if (reply instanceof Error) throw reply
    return { rows: reply as never[], rowCount: reply.length }
  },
})

describe('introspectSchema on CockroachDB (information_schema with its extensions; crdb_internal as the fallback)', () => {
  const catalog = (viewTables: Record<string, unknown>[] | Error) => runner([
    ["table_type = 'BASE TABLE'", [{ table_name: 'users' }, { table_name: 'empty' }, { table_name: 'strata_history' }]],
    ["is_hidden = 'NO'", [{ table_name: 'users', column_name: 'id', data_type: 'INT8' }, { table_name: 'users', column_name: 'email', data_type: 'STRING' }]],
    ['pg_indexes', [{ name: 'users_pkey', table_name: 'users' }, { name: 'strata_history_pkey', table_name: 'strata_history' }]],
    ['information_schema.views', [{ table_name: 'active_users' }, { table_name: 'constant' }]],
    ['view_table_usage', viewTables],
    ['crdb_internal.backward_dependencies', [{ view_name: 'active_users', table_name: 'users' }, { view_name: 'active_users', table_name: 'other' }]],
  ])

  it("reads CockroachDB's visible columns and types, leaves Strata's tables out, and names a view's table from crdb_internal when view_table_usage is empty", async () => {
    const run = catalog([])
    expect(await introspectSchema(run, 'public', 'cockroachdb')).toEqual({
      tables: [{ name: 'users', columns: [{ name: 'id', type: 'INT8' }, { name: 'email', type: 'STRING' }] }, { name: 'empty', columns: [] }],
      indexes: [{ name: 'users_pkey', table: 'users' }],
      views: [{ name: 'active_users', baseTable: 'users' }, { name: 'constant' }],
    })
    expect(run.seen.some((s) => s.includes('crdb_internal.backward_dependencies'))).toBe(true)
  })

  it('base tables are informative only: a catalog query the role may not run leaves them out, not the introspection', async () => {
    const denied = Object.assign(new Error('user app does not have VIEWACTIVITY privilege'), { code: '42501' })
    const run = runner([
      ["table_type = 'BASE TABLE'", [{ table_name: 't' }]],
      ['information_schema.views', [{ table_name: 'v' }]],
      ['view_table_usage', denied],
      ['crdb_internal', denied],
    ])
    expect((await introspectSchema(run, 'public', 'cockroachdb')).views).toEqual([{ name: 'v' }])
  })

  it('view_table_usage answering is enough (no crdb_internal read)', async () => {
    const run = catalog([{ view_name: 'active_users', table_name: 'users' }])
    expect((await introspectSchema(run, 'public', 'cockroachdb')).views[0]).toEqual({ name: 'active_users', baseTable: 'users' })
    expect(run.seen.some((s) => s.includes('crdb_internal'))).toBe(false)
  })
})
