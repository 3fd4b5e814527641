import { describe, expect, it } from 'vitest'
import { cqlBackupSupport } from './backup-support.js'

const rowOf = (r: Record<string, unknown>) => ({ get: (k: string) => r[k] })
const rs = (list: Record<string, unknown>[], pageState?: string) => ({ rows: list.map(rowOf), pageState })

function support(reply: (cql: string, options: Record<string, unknown>) => unknown) {
  const seen: string[] = []
  const client = { execute: async (cql: string, _p: unknown[], options: Record<string, unknown>) => (seen.push(cql), reply(cql, options)) }
  return { seen, backups: cqlBackupSupport({ client: client as never, keyspace: 'app', bootstrap: {} as never, readConsistency: 6, writeConsistency: 6 }) }
}

const columns = [
  { column_name: 'day', type: 'date', kind: 'partition_key', position: 0, clustering_order: 'none' },
  { column_name: 'user', type: 'uuid', kind: 'partition_key', position: 1, clustering_order: 'none' },
  { column_name: 'at', type: 'timestamp', kind: 'clustering', position: 0, clustering_order: 'desc' },
  { column_name: 'note', type: 'text', kind: 'regular', position: -1, clustering_order: 'none' },
  { column_name: 'owner', type: 'text', kind: 'static', position: -1, clustering_order: 'none' },
]

describe('cqlBackupSupport', () => {
  it('a server without DESCRIBE (ScyllaDB before 5): the CREATE TABLE is rebuilt from system_schema, key order and clustering order kept', async () => {
    const { backups } = support((cql) => {
      if (cql.startsWith('DESCRIBE')) throw new Error("line 1:0 no viable alternative at input 'DESCRIBE'")
      return rs(columns)
    })
    const d = await backups.describe('events')
    expect(d).toMatchObject({ name: 'app.events', primaryKey: ['day', 'user', 'at'], columns: [{ name: 'day' }, { name: 'user' }, { name: 'at' }, { name: 'note' }, { name: 'owner' }] })
    // Every name quoted: a rebuilt statement must survive reserved words and case.
    expect(d!.ddl).toEqual(['CREATE TABLE "app"."events" (\n  "day" date,\n  "user" uuid,\n  "at" timestamp,\n  "note" text,\n  "owner" text static,\n  PRIMARY KEY (("day", "user"), "at")\n) WITH CLUSTERING ORDER BY ("at" DESC);'])
  })

  it('a table that does not exist describes as undefined (nothing to back up)', async () => {
    expect(await support(() => rs([])).backups.describe('other.gone')).toBeUndefined()
  })

  it('pages: resumes from a cursor, hands out each page with the next cursor, and stops at a Ctrl-C between pages', async () => {
    const seenStates: unknown[] = []
    const { backups } = support((_cql, o) => {
      seenStates.push(o.pageState)
      return o.pageState === 'p1' ? rs([{ '[json]': '{"a":2}' }], 'p2') : rs([{ '[json]': '{"a":3}' }])
    })
    const table = { name: 'app.t', columns: [{ name: 'a', type: 'int' }] } as never
    const pages = []
    for await (const p of backups.pages(table, { pageSize: 1, cursor: 'p1' } as never)) pages.push(p)
    expect(pages).toEqual([{ lines: ['{"a":2}'], cursor: 'p2' }, { lines: ['{"a":3}'] }])
    expect(seenStates).toEqual(['p1', 'p2'])
    seenStates.length = 0
    const fromStart = []
    for await (const p of backups.pages(table, { pageSize: 1 } as never)) fromStart.push(p)
    expect(fromStart).toEqual([{ lines: ['{"a":3}'] }])
    expect(seenStates).toEqual([undefined])
    const stop = new AbortController()
    stop.abort(new Error('SIGINT'))
    const it = backups.pages(table, { pageSize: 1, signal: stop.signal } as never)[Symbol.asyncIterator]()
    await expect(it.next()).rejects.toThrow('SIGINT')
  })

  it('uses server-side DESCRIBE when it answers (the table with its indexes and views)', async () => {
    const { backups } = support((cql) => cql.startsWith('DESCRIBE')
      ? rs([{ create_statement: 'CREATE TABLE app.events (...) WITH comment = \'x\';' }, { create_statement: '' }, { create_statement: 'CREATE INDEX ix ON app.events (note);' }])
      : rs(columns))
    expect((await backups.describe('app.events'))?.ddl).toEqual(["CREATE TABLE app.events (...) WITH comment = 'x';", 'CREATE INDEX ix ON app.events (note);'])
  })

  it('a rebuilt CREATE TABLE without clustering columns has no CLUSTERING ORDER', async () => {
    const { backups } = support((cql) => (cql.startsWith('DESCRIBE') ? rs([]) : rs([columns[0]!, columns[3]!])))
    expect((await backups.describe('notes'))?.ddl).toEqual(['CREATE TABLE "app"."notes" (\n  "day" date,\n  "note" text,\n  PRIMARY KEY (("day"))\n);'])
  })
})

describe('cqlBackupSupport: restore', () => {
  /** A cluster the driver sees no hosts of (agreement holds at once), whose table has `have` columns (none: no table). */
  function restoreTarget(have: string[]) {
    const ran: { cql: string; params: unknown[] }[] = []
    const client = {
      hosts: { values: () => [] },
      execute: async (cql: string, params: unknown[]) => {
        ran.push({ cql, params })
        return { rows: cql.startsWith('SELECT column_name') ? have.map((column_name) => rowOf({ column_name })) : [] }
      },
    }
    const bootstrap = { client: client as never, localDataCenter: 'dc1', agreementTimeoutMs: 500 }
    return { ran, backups: cqlBackupSupport({ client: client as never, keyspace: 'app', bootstrap, readConsistency: 6, writeConsistency: 6 }) }
  }
  const table = { name: 'events', columns: [{ name: 'day', type: 'date' }, { name: 'note', type: 'text' }, { name: 'tags', type: 'set<text>' }], ddl: ['CREATE TABLE a (...)', 'CREATE INDEX b (...)'] } as never

  it('prepare creates a missing table from the backup\'s DDL', async () => {
    const { ran, backups } = restoreTarget([])
    expect(await backups.prepare(table)).toEqual({ created: true, addedColumns: [] })
    expect(ran.map((r) => r.cql).slice(1)).toEqual(['CREATE TABLE a (...)', 'CREATE INDEX b (...)'])
  })

  it('prepare adds the columns the table lacks in one ALTER, or nothing when it has them all', async () => {
    const older = restoreTarget(['day'])
    expect(await older.backups.prepare(table)).toEqual({ created: false, addedColumns: ['note', 'tags'] })
    expect(older.ran.map((r) => r.cql).slice(1)).toEqual(['ALTER TABLE "app"."events" ADD ("note" text, "tags" set<text>)'])
    const current = restoreTarget(['day', 'note', 'tags', 'extra'])
    expect(await current.backups.prepare(table)).toEqual({ created: false, addedColumns: [] })
    expect(current.ran).toHaveLength(1)
  })

  it('load writes each line with INSERT … JSON DEFAULT UNSET and counts them', async () => {
    const { ran, backups } = restoreTarget([])
    expect(await backups.load(table, ['{"day":"2026-01-01"}', '{"day":"2026-01-02"}'])).toBe(2)
    expect(ran.map((r) => [r.cql, r.params])).toEqual([
      ['INSERT INTO "app"."events" JSON ? DEFAULT UNSET', ['{"day":"2026-01-01"}']],
      ['INSERT INTO "app"."events" JSON ? DEFAULT UNSET', ['{"day":"2026-01-02"}']],
    ])
    expect(await backups.load(table, [])).toBe(0)
  })
})
