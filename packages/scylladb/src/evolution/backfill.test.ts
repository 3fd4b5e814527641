import type { Client } from 'cassandra-driver'
import { describe, expect, it } from 'vitest'
import { isStrataError, type MigrationContext } from '@strata-migrate/core/adapter-kit'
import { backfillTable } from './backfill.js'

type Row = Record<string, unknown>

/**
 * An in-memory keyspace `app` with table users (id, name, email) holding `users`, and strata_sweeps kept in a
 * map, answering exactly the statements a backfill sends. The driver sees no hosts, so schema agreement holds at once.
 */
function fakeKeyspace(users: Row[]) {
  const sweeps = new Map<number, Row>()
  const queries: string[] = []
  const rs = (rows: Row[]) => ({ rows: rows.map((r) => ({ get: (k: string) => r[k] })), rowLength: rows.length, first: () => null, pageState: null })
  const client = {
    hosts: { values: () => [] },
    async execute(cql: string, params: unknown[]) {
      if (cql.includes('system_schema.keyspaces') || cql.includes('system_schema.tables')) return rs([{ name: 'x' }])
      if (cql.includes('system_schema.columns')) {
        return rs([
          { column_name: 'id', kind: 'partition_key', position: 0, type: 'int' },
          { column_name: 'name', kind: 'regular', position: -1, type: 'text' },
          { column_name: 'email', kind: 'regular', position: -1, type: 'text' },
        ])
      }
      if (cql.startsWith('SELECT token(')) {
        queries.push(cql)
        return rs(users.map((u, i) => ({ strata_token: String(i), ...u })))
      }
      if (cql.startsWith('SELECT segment')) return rs([...sweeps.values()])
      if (cql.startsWith('DELETE')) sweeps.clear()
      else if (cql.startsWith('INSERT') && cql.includes('fingerprint')) {
        const [, segment, segments, fingerprint, started_at] = params
        sweeps.set(segment as number, { segment, segments, fingerprint, started_at, finished_at: null })
      } else if (cql.startsWith('INSERT')) {
        const [, segment, position, done, counts] = params
        sweeps.set(segment as number, { segment, position, done, counts })
      } else if (cql.startsWith('UPDATE')) {
        const head = sweeps.get(-1)
        if (head) head.finished_at = params[0]
      }
      return rs([])
    },
  } as unknown as Client
  return { client, queries, sweeps }
}

function contextOf(client: Client | undefined, keyspace: unknown = 'app') {
  const logs: string[] = []
  const ctx = {
    set: 'default', version: '7', direction: 'up', signal: new AbortController().signal, placeholders: {},
    execute: async () => {}, log: (m: string) => logs.push(m), client, keyspace,
  } as unknown as MigrationContext
  return { ctx, logs }
}

const people = [{ id: 1, name: 'Ada', email: 'ada@x' }, { id: 2, name: null, email: 'bob@x' }]

describe('backfillTable', () => {
  it('needs the ScyllaDB migration context', async () => {
    const err = await backfillTable(contextOf(undefined).ctx, { table: 'users', handle: async () => {} }).catch((e: unknown) => e)
    expect(isStrataError(err, 'E_CONFIG')).toBe(true)
    expect((err as Error).message).toBe("backfillTable needs the ScyllaDB adapter's migration context ({ client, keyspace })")
    const noKeyspace = await backfillTable(contextOf(fakeKeyspace([]).client, 42).ctx, { table: 'users', handle: async () => {} }).catch((e: unknown) => e)
    expect(isStrataError(noKeyspace, 'E_CONFIG')).toBe(true)
  })

  it('hands every row to the handler with the key and the asked columns, adds up its counts, and logs when done', async () => {
    const { client, queries } = fakeKeyspace(people)
    const { ctx, logs } = contextOf(client)
    const seen: Row[] = []
    const result = await backfillTable(ctx, {
      table: 'users', columns: ['name'], segments: 1,
      async handle(rows, api) {
        expect(api.keyspace).toBe('app')
        seen.push(...rows)
        return { fixed: rows.filter((r) => r.name === null).length }
      },
    })
    expect(seen).toEqual([{ id: 1, name: 'Ada' }, { id: 2, name: null }])
    expect(queries[0]).toMatch(/^SELECT token\("id"\) AS strata_token, "id", "name" FROM "app"\."users"/)
    expect(result).toMatchObject({ id: 'backfill:default:7:up:app.users', rows: 2, counts: { fixed: 1, rows: 2 }, skipped: false })
    expect(logs.at(-1)).toMatch(/^backfill users: done, 2 rows in \d+ ms$/)
  })

  it('without columns reads every column; a finished backfill is not repeated', async () => {
    const { client, queries } = fakeKeyspace(people)
    let calls = 0
    const opts = { table: 'app.users', id: 'fill-users', segments: 1, handle: async () => { calls++ } }
    const first = await backfillTable(contextOf(client).ctx, opts)
    expect(first).toMatchObject({ id: 'fill-users', rows: 2, skipped: false })
    expect(queries[0]).toMatch(/^SELECT token\("id"\) AS strata_token, "id", "name", "email" FROM/)
    const again = await backfillTable(contextOf(client).ctx, opts)
    expect(again).toMatchObject({ skipped: true, rows: 2, rowsThisRun: 0 })
    expect(calls).toBe(1)
  })

  it('resumes an unfinished backfill from its checkpoint, and says so', async () => {
    const { client, sweeps } = fakeKeyspace(people)
    sweeps.set(-1, { segment: -1, segments: 1, fingerprint: 'backfill app.users id,name,email', started_at: new Date(), finished_at: null })
    sweeps.set(0, { segment: 0, position: null, done: false, counts: '{"rows":0}' })
    const { ctx, logs } = contextOf(client)
    const result = await backfillTable(ctx, { table: 'users', id: 'fill', handle: async () => {} })
    expect(result).toMatchObject({ resumed: true, rows: 2 })
    expect(logs[0]).toBe('backfill users: resuming (0/1 segments, 0 rows done)')
  })
})
