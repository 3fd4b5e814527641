import cassandra from 'cassandra-driver'
import type { Client } from 'cassandra-driver'
import type { PageRequest, WalkPage, WalkSource } from '@strata-migrate/core/adapter-kit'
import { quoteId } from '../identifiers.js'
import type { CqlRow } from './cql-documents.js'
import { qualified, tokenOf, type CqlTableInfo } from './cql-table.js'

const { Long } = cassandra.types
const { consistencies } = cassandra.types

// Murmur3Partitioner tokens lie in (-2^63, 2^63-1]: -2^63 is its minimum token, which no key hashes to.
const MIN = -(2n ** 63n)
const MAX = 2n ** 63n - 1n

/** Segment i of n: the token range (lo, hi] of an even split of the Murmur3 ring. */
export function tokenRange(segment: number, segments: number): { lo: bigint; hi: bigint } {
  const span = MAX - MIN
  const at = (i: number) => (i === segments ? MAX : MIN + (span * BigInt(i)) / BigInt(segments))
  return { lo: at(segment), hi: at(segment + 1) }
}

interface Cursor {
  /** The query's lower bound: paging continues the same query, so it keeps the bound it started with. */
  from: bigint
  position: string | null
  pageState: string | undefined
  carry: CqlRow[]
  exhausted: boolean
}

/**
 * Walks a CQL table in even splits of the Murmur3 token ring, `SELECT token(pk), … WHERE token(pk) > ? AND
 * token(pk) <= ?`, with driver paging inside a run. Each page it returns ends on a token boundary — rows sharing
 * the last token (one partition's clustering rows, or colliding partitions) are held back for the next page —
 * so its `next` (the last token) is a clean resume point: a later process restarts at `token(pk) > next`.
 * (Even splits, not the ring's own ranges: the checkpoint then stays valid when the ring changes.)
 */
export class CqlTokenRangeSource implements WalkSource<CqlRow> {
  private readonly cursors = new Map<number, Cursor>()
  private readonly cql: string

  constructor(
    private readonly client: Client,
    private readonly info: CqlTableInfo,
    private readonly columns: readonly string[],
    private readonly consistency: number = consistencies.localQuorum,
    /** Columns whose WRITETIME is read with each row (the `writetime` fence); the row keeps the newest. */
    private readonly writetimeColumns: readonly string[] = [],
  ) {
    const token = tokenOf(info)
    const wt = writetimeColumns.map((c, i) => `, WRITETIME(${quoteId(c)}) AS strata_wt_${i}`).join('')
    this.cql = `SELECT ${token} AS strata_token, ${columns.map(quoteId).join(', ')}${wt} FROM ${qualified(info)} WHERE ${token} > ? AND ${token} <= ?`
  }

  private toRow(r: cassandra.types.Row): CqlRow {
    const row = { token: String(r.get('strata_token')), values: Object.fromEntries(this.columns.map((c) => [c, r.get(c)])) }
    if (!this.writetimeColumns.length) return row
    let newest: bigint | undefined
    for (let i = 0; i < this.writetimeColumns.length; i++) {
      const v: unknown = r.get(`strata_wt_${i}`)
      // null: a null cell has no write time; a list: a collection's elements, one write time each.
      for (const one of Array.isArray(v) ? v : v === null || v === undefined ? [] : [v]) {
        const t = BigInt(String(one))
        if (newest === undefined || t > newest) newest = t
      }
    }
    return newest === undefined ? row : { ...row, writetime: newest }
  }

  async readPage(req: PageRequest): Promise<WalkPage<CqlRow>> {
    const { lo, hi } = tokenRange(req.segment, req.segments)
    let cur = this.cursors.get(req.segment)
    // A position from a checkpoint (another run) starts a fresh query after it; ours continues its paging.
    if (!cur || cur.position !== req.position) {
      cur = { from: req.position === null ? lo : BigInt(req.position), position: req.position, pageState: undefined, carry: [], exhausted: false }
    }
    const from = cur.from
    let rows = cur.carry
    let carry: CqlRow[] = []
    while (!cur.exhausted) {
      if (req.signal.aborted) throw req.signal.reason
      const rs = await this.client.execute(this.cql, [Long.fromString(from.toString()), Long.fromString(hi.toString())], {
        prepare: true, fetchSize: req.pageSize, isIdempotent: true, consistency: this.consistency,
        ...(cur.pageState ? { pageState: cur.pageState } : {}),
      })
      rows = rows.concat(rs.rows.map((r) => this.toRow(r)))
      cur.pageState = rs.pageState ?? undefined
      if (!rs.pageState) cur.exhausted = true
      if (cur.exhausted || rows.length === 0) continue
      const last = (rows[rows.length - 1] as CqlRow).token
      let cut = rows.length
      while (cut > 0 && rows[cut - 1]?.token === last) cut--
      if (cut === 0) continue // one token filled the whole page: read on until it ends
      carry = rows.slice(cut)
      rows = rows.slice(0, cut)
      break
    }
    if (cur.exhausted) {
      this.cursors.delete(req.segment)
      return { rows, next: undefined, fraction: 1 }
    }
    const next = (rows[rows.length - 1] as CqlRow).token as string
    this.cursors.set(req.segment, { ...cur, position: next, carry })
    return { rows, next, fraction: Number(BigInt(next) - lo) / Number(hi - lo) }
  }
}
