import cassandra from 'cassandra-driver'
import type { Client } from 'cassandra-driver'
import { describe, expect, it } from 'vitest'
import type { CqlTableInfo } from './cql-table.js'
import { CqlTokenRangeSource, tokenRange } from './token-ranges.js'

const info: CqlTableInfo = { keyspace: 'app', table: 'users', partitionKey: ['id'], clustering: ['at'], columns: ['id', 'at', 'name'], types: {} }

/** A client serving `pages` of raw rows in order (each with the driver's pageState chaining them), recording the queries. */
function fakeClient(pages: Record<string, unknown>[][]) {
  const calls: { cql: string; params: unknown[]; options: Record<string, unknown> }[] = []
  const client = {
    async execute(cql: string, params: unknown[], options: Record<string, unknown>) {
      calls.push({ cql, params, options })
      const i = calls.length - 1
      return { rows: (pages[i] ?? []).map((r) => ({ get: (k: string) => r[k] })), pageState: i + 1 < pages.length ? `p${i + 1}` : null }
    },
  } as unknown as Client
  return { client, calls }
}

const request = (over: Partial<Parameters<CqlTokenRangeSource['readPage']>[0]> = {}) => ({ segment: 0, segments: 1, position: null, pageSize: 100, signal: new AbortController().signal, ...over })

describe('tokenRange', () => {
  it('splits the Murmur3 ring evenly, the last segment ending at the maximum token', () => {
    expect(tokenRange(0, 1)).toEqual({ lo: -(2n ** 63n), hi: 2n ** 63n - 1n })
    expect(tokenRange(0, 2)).toEqual({ lo: -(2n ** 63n), hi: -1n })
    expect(tokenRange(1, 2)).toEqual({ lo: -1n, hi: 2n ** 63n - 1n })
  })
})

describe('CqlTokenRangeSource', () => {
  it('reads the write time of the fenced columns: the newest of scalar and collection cells; none when every cell is null', async () => {
    const { client, calls } = fakeClient([[
      { strata_token: '-5', id: 1, at: 1, name: 'a', strata_wt_0: null, strata_wt_1: undefined },
      { strata_token: '7', id: 2, at: 1, name: 'b', strata_wt_0: 1700000000000001n, strata_wt_1: [1700000000000003n, 1700000000000002n] },
    ]])
    const source = new CqlTokenRangeSource(client, info, ['id', 'name'], cassandra.types.consistencies.quorum, ['name', 'tags'])
    const page = await source.readPage(request())
    expect(calls[0]?.cql).toBe('SELECT token("id") AS strata_token, "id", "name", WRITETIME("name") AS strata_wt_0, WRITETIME("tags") AS strata_wt_1 FROM "app"."users" WHERE token("id") > ? AND token("id") <= ?')
    expect(calls[0]?.options).toMatchObject({ prepare: true, fetchSize: 100, isIdempotent: true, consistency: cassandra.types.consistencies.quorum })
    expect(page).toEqual({
      rows: [
        { token: '-5', values: { id: 1, name: 'a' } },
        { token: '7', values: { id: 2, name: 'b' }, writetime: 1700000000000003n },
      ],
      next: undefined,
      fraction: 1,
    })
  })

  it('ends a page on a token boundary: rows of the last token are held back for the next page', async () => {
    const { client, calls } = fakeClient([
      [{ strata_token: '1', id: 1, at: 1 }, { strata_token: '2', id: 2, at: 1 }, { strata_token: '2', id: 2, at: 2 }],
      [{ strata_token: '2', id: 2, at: 3 }, { strata_token: '3', id: 3, at: 1 }],
    ])
    const source = new CqlTokenRangeSource(client, info, ['id', 'at'])
    const first = await source.readPage(request({ pageSize: 3 }))
    expect(first.rows.map((r) => r.values)).toEqual([{ id: 1, at: 1 }])
    expect(first.next).toBe('1')
    expect(first.fraction).toBeCloseTo(0.5, 5)
    const second = await source.readPage(request({ pageSize: 3, position: '1' }))
    expect(second.rows.map((r) => r.values)).toEqual([{ id: 2, at: 1 }, { id: 2, at: 2 }, { id: 2, at: 3 }, { id: 3, at: 1 }])
    expect(second.next).toBeUndefined()
    // The second page continued the first query (its paging state), not a new one from token 1.
    expect(calls[1]?.options.pageState).toBe('p1')
    expect(String(calls[1]?.params[0])).toBe(String(-(2n ** 63n)))
  })

  it('a position from another run starts a fresh query after that token', async () => {
    const { client, calls } = fakeClient([[{ strata_token: '42', id: 1, at: 1 }]])
    const page = await new CqlTokenRangeSource(client, info, ['id']).readPage(request({ position: '41' }))
    expect(String(calls[0]?.params[0])).toBe('41')
    expect(calls[0]?.options.pageState).toBeUndefined()
    expect(page.rows).toEqual([{ token: '42', values: { id: 1 } }])
  })

  it('an aborted walk stops before querying, with the abort reason', async () => {
    const { client, calls } = fakeClient([[{ strata_token: '1', id: 1 }]])
    const ctl = new AbortController()
    const reason = new Error('stopped by the operator')
    ctl.abort(reason)
    await expect(new CqlTokenRangeSource(client, info, ['id']).readPage(request({ signal: ctl.signal }))).rejects.toBe(reason)
    expect(calls).toEqual([])
  })

  it('a page filled by one token is read on until the token ends, so a page never splits a partition', async () => {
    const { client, calls } = fakeClient([
      [{ strata_token: '5', id: 1, at: 1 }, { strata_token: '5', id: 1, at: 2 }],
      [{ strata_token: '5', id: 1, at: 3 }, { strata_token: '6', id: 2, at: 1 }],
      [{ strata_token: '7', id: 3, at: 1 }],
    ])
    const page = await new CqlTokenRangeSource(client, info, ['at']).readPage(request({ pageSize: 2 }))
    expect(page.rows.map((r) => r.values.at)).toEqual([1, 2, 3])
    expect(page.next).toBe('5')
    expect(calls).toHaveLength(2)
  })
})
