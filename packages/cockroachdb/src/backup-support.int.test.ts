import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FreshDatabase } from '@strata-migrate/testkit'
import type { CockroachAdapter } from './adapter.js'
import { MODES, freshDb, openAdapter, sql } from './int-support.js'

/** Backup and restore of tables the usual migration does not make: no primary key, a key and nothing else. */
describe('backup support on the run\'s SQL server: tables without a usual key', () => {
  let db: FreshDatabase
  let a: CockroachAdapter
  const all = <R extends Record<string, unknown>>(text: string) => sql<R>(db.url, text)

  beforeAll(async () => {
    db = await freshDb('backup_support')
    a = await openAdapter(db.url, MODES[0])
    await all('CREATE TABLE log (at int, msg text)')
    await all("INSERT INTO log VALUES (1, 'a'), (2, 'b'), (3, 'c')")
    await all('CREATE TABLE tags (post int, tag text, PRIMARY KEY (post, tag))')
    await all("INSERT INTO tags VALUES (1, 'x'), (1, 'y'), (2, 'x')")
  })
  afterAll(async () => {
    await a?.close()
    await db?.drop()
  })

  const pagesOf = async (name: string, opts: { pageSize: number; cursor?: string; signal?: AbortSignal }) => {
    const d = await a.backup!.describe(name)
    const out = []
    for await (const p of a.backup!.pages(d!, opts)) out.push(p)
    return { d: d!, out }
  }

  it('a table without a primary key is read as one page with no cursor (no order to resume in), and restored by plain INSERT', async () => {
    const { d, out } = await pagesOf('log', { pageSize: 2 })
    expect(d.primaryKey).toEqual([])
    expect(out).toHaveLength(1)
    expect(out[0]!.cursor).toBeUndefined()
    expect(out[0]!.lines.map((l) => JSON.parse(l)).sort((x, y) => x.at - y.at)).toEqual([{ at: 1, msg: 'a' }, { at: 2, msg: 'b' }, { at: 3, msg: 'c' }])
    await all('DELETE FROM log WHERE at > 1')
    expect(await a.backup!.load(d, out[0]!.lines.filter((l) => JSON.parse(l).at > 1))).toBe(2)
    expect(await all('SELECT count(*)::int AS n FROM log')).toEqual([{ n: 3 }])
    expect(await a.backup!.load(d, [])).toBe(0)
  })

  it('a table that is all key resumes page by page and restores with DO NOTHING on rows still there', async () => {
    const first = await pagesOf('tags', { pageSize: 2 })
    expect(first.d.primaryKey).toEqual(['post', 'tag'])
    expect(first.out.map((p) => p.lines.length)).toEqual([2, 1])
    const resumed = await pagesOf('tags', { pageSize: 2, cursor: first.out[0]!.cursor })
    expect(resumed.out.flatMap((p) => p.lines)).toEqual(first.out[1]!.lines)
    await all("DELETE FROM tags WHERE tag = 'y'")
    expect(await a.backup!.load(first.d, first.out.flatMap((p) => p.lines))).toBe(3)
    expect(await all('SELECT post, tag FROM tags ORDER BY 1, 2')).toEqual([{ post: 1, tag: 'x' }, { post: 1, tag: 'y' }, { post: 2, tag: 'x' }])
  })

  it('a missing table describes as undefined; a stop before a page ends the read with its reason', async () => {
    expect(await a.backup!.describe('nowhere')).toBeUndefined()
    const stop = new AbortController()
    stop.abort(new Error('SIGINT'))
    await expect(pagesOf('tags', { pageSize: 2, signal: stop.signal })).rejects.toThrow('SIGINT')
  })
})
