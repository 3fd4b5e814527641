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
    const stop = new AbortController()
    stop.abort(new Error('SIGINT'))
    const it = backups.pages(table, { pageSize: 1, signal: stop.signal } as never)[Symbol.asyncIterator]()
    await expect(it.next()).rejects.toThrow('SIGINT')
  })
})
