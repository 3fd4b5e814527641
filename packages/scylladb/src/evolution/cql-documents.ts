import cassandra from 'cassandra-driver'
import type { Client } from 'cassandra-driver'
import { StrataError, diffFields, messageOf, type Document, type DocumentBinding, type Evolution } from '@strata-migrate/core/adapter-kit'
import { isLwtOutcomeUnknown } from '../driver-errors.js'
import { quoteId } from '../identifiers.js'
import { describeCqlTable, keyWhere, qualified, type CqlTableInfo } from './cql-table.js'

const { consistencies } = cassandra.types

/** One row as read: column values by name (and, from a token-range walk, the partition token). */
export interface CqlRow {
  readonly values: Readonly<Record<string, unknown>>
  readonly token?: string
  /** With the `writetime` fence: the newest write time (µs) of the cells the upgrade fences, as read with the row. */
  readonly writetime?: bigint
}

/**
 * How a write-back is kept from overwriting a concurrent write:
 * - `lwt`: a lightweight transaction conditioned on the values as read (a Paxos round per row);
 * - `writetime`: a plain write `USING TIMESTAMP <newest write time read with the row> + 1`. Cassandra and ScyllaDB
 *   resolve every cell by its timestamp (last write wins, not last arrival), so the upgrade replaces exactly the
 *   cells as they were read and loses, cell by cell, to any write made after them — whenever it arrives. The
 *   difference from `lwt`: a concurrent writer wins instead of making us re-read, so a row an old writer rewrites
 *   during the sweep stays at its old version (counted by the census; the next read or sweep upgrades it).
 *   A non-frozen collection's WRITETIME is a list, one per element (Cassandra 5.0, CASSANDRA-8877): the newest
 *   counts. Where the server refuses WRITETIME on collections (ScyllaDB, Cassandra 4), such tables use `lwt`.
 */
export type CqlWriteFence = 'lwt' | 'writetime'

/**
 * How documents sit in the table: `columns` (each field is a column; the version field is an `int` column)
 * or `{ json: 'doc' }` (the document is JSON text in one column; an optional `versionColumn` mirrors its version).
 */
export type CqlDocumentLayout = 'columns' | { json: string; versionColumn?: string }

export interface CqlDocumentsOptions {
  client: Client
  keyspace: string
  table: string
  evolution: Evolution
  layout?: CqlDocumentLayout
  /** Reads and the write half of conditional writes (default LOCAL_QUORUM). */
  consistency?: number
  /** Paxos phase of conditional writes, and re-reads after a lost condition (default SERIAL). */
  serialConsistency?: number
  /** How write-backs are fenced (default `lwt`; sweeps default to `writetime`). */
  fence?: CqlWriteFence
}

/** A non-frozen collection: one cell per element, so WRITETIME returns a list where the server supports it. */
const multiCell = (type: string): boolean => /^(list|set|map)</.test(type)

/**
 * Reads and conditionally writes one entity's documents in a CQL table: the storage binding that core's
 * upgradeStored, runSweep and the repository drive. Use {@link openCqlDocuments}.
 */
export class CqlDocuments implements DocumentBinding<CqlRow> {
  readonly client: Client
  readonly evolution: Evolution
  readonly layout: CqlDocumentLayout
  private readonly consistency: number
  private readonly serial: number
  private readonly keyColumns: readonly string[]
  /** The fence in effect (`writetime` falls back to `lwt` where the server cannot read a collection's write time: checkFence). */
  readonly fence: CqlWriteFence

  constructor(readonly info: CqlTableInfo, o: CqlDocumentsOptions) {
    this.client = o.client
    this.evolution = o.evolution
    this.layout = o.layout ?? 'columns'
    this.consistency = o.consistency ?? consistencies.localQuorum
    this.serial = o.serialConsistency ?? consistencies.serial
    this.keyColumns = [...info.partitionKey, ...info.clustering]
    const need = this.layout === 'columns' ? [o.evolution.versionField] : [this.layout.json, ...(this.layout.versionColumn ? [this.layout.versionColumn] : [])]
    for (const c of need) {
      if (!info.columns.includes(c)) throw new StrataError('E_CONFIG', `${info.keyspace}.${info.table} has no column "${c}" (add it with a schema migration first)`)
    }
    this.fence = o.fence ?? 'lwt'
  }

  /** Falls back to the LWT fence when a collection column's write time cannot be read here (see CqlWriteFence). */
  async checkFence(): Promise<void> {
    const collection = this.fence === 'writetime' ? this.fencedColumns.find((c) => multiCell(this.info.types[c] ?? '')) : undefined
    if (!collection) return
    try {
      await this.client.execute(`SELECT WRITETIME(${quoteId(collection)}) FROM ${qualified(this.info)} LIMIT 1`, [], { consistency: consistencies.one, isIdempotent: true })
    } catch {
      // Rejected as invalid (ScyllaDB, Cassandra < 5.0): no per-row write time for this table's collections.
      ;(this as { fence: CqlWriteFence }).fence = 'lwt'
    }
  }

  /** The cells a write-back may change: every non-key column read. */
  private get fencedColumns(): readonly string[] {
    return this.selectColumns.filter((c) => !this.keyColumns.includes(c))
  }

  /** Columns whose WRITETIME a read must return with the row (none with the `lwt` fence). */
  get writetimeColumns(): readonly string[] {
    return this.fence === 'writetime' ? this.fencedColumns : []
  }

  /** Columns every read selects: all of them for `columns`, the key and the JSON column(s) for `json`. */
  get selectColumns(): readonly string[] {
    if (this.layout === 'columns') return this.info.columns
    return [...this.keyColumns, this.layout.json, ...(this.layout.versionColumn ? [this.layout.versionColumn] : [])]
  }

  toDocument(row: CqlRow): Document | undefined {
    if (this.layout === 'columns') return { ...row.values }
    const text = row.values[this.layout.json]
    if (text === null || text === undefined) return undefined
    let doc: unknown
    try {
      doc = JSON.parse(String(text))
    } catch (err) {
      throw new StrataError('E_EVOLUTION_FAILED', `${this.describe(row)}: column ${this.layout.json} is not JSON: ${messageOf(err)}`)
    }
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new StrataError('E_EVOLUTION_FAILED', `${this.describe(row)}: column ${this.layout.json} holds no JSON object`)
    return doc as Document
  }

  /** Reads one row by its full primary key (`{ id: … }`, clustering columns included); undefined if absent. */
  async get(key: Readonly<Record<string, unknown>>, serial = false): Promise<CqlRow | undefined> {
    const params = this.keyColumns.map((c) => {
      if (!(c in key)) throw new StrataError('E_USAGE', `key of ${this.info.table} needs ${this.keyColumns.join(', ')}; got ${Object.keys(key).join(', ') || 'nothing'}`)
      return key[c]
    })
    const cql = `SELECT ${this.selectColumns.map(quoteId).join(', ')} FROM ${qualified(this.info)} WHERE ${keyWhere(this.info)}`
    // After a lost condition, a SERIAL read returns the value the winning Paxos round committed (and
    // finishes any round still in flight), which a LOCAL_QUORUM read might not yet see (Cassandra docs, LWT).
    const rs = await this.client.execute(cql, params, { prepare: true, isIdempotent: true, consistency: serial ? this.serial : this.consistency })
    const r = rs.first()
    return r ? { values: Object.fromEntries(this.selectColumns.map((c) => [c, r.get(c)])) } : undefined
  }

  async reload(row: CqlRow): Promise<CqlRow | undefined> {
    return this.get(row.values, true)
  }

  describe(row: CqlRow): string {
    return `${this.info.table}(${this.keyColumns.map((c) => `${c}=${String(row.values[c])}`).join(', ')})`
  }

  /**
   * One LWT: `UPDATE … SET <changed> WHERE <key> IF <condition>`. Columns layout: the condition is the
   * version column as read and every column the upgrade changes at its value as read; JSON layout: the
   * whole document text as read. So any write between our read and this one — a newer document, or an old
   * writer touching the same fields — makes the condition fail, and nothing is overwritten.
   */
  async writeBack(row: CqlRow, before: Document, after: Document): Promise<boolean> {
    const sets: string[] = []
    const conds: string[] = []
    const setParams: unknown[] = []
    const condParams: unknown[] = []
    // A missing cell only matches `= null` written as a literal; `= ?` with a bound null is not portable
    // across Cassandra/ScyllaDB versions, so null conditions are spelled out.
    const cond = (col: string, value: unknown) => {
      if (value === null || value === undefined) conds.push(`${quoteId(col)} = null`)
      else {
        conds.push(`${quoteId(col)} = ?`)
        condParams.push(value)
      }
    }
    if (this.layout === 'columns') {
      const { set, removed } = diffFields(before, after)
      const vf = this.evolution.versionField
      for (const c of [...set, ...removed]) {
        if (this.keyColumns.includes(c)) throw new StrataError('E_EVOLUTION_FAILED', `${this.describe(row)}: an upgrade step changed key column "${c}"; keys cannot change in place`)
        if (!this.info.columns.includes(c)) throw new StrataError('E_EVOLUTION_FAILED', `${this.describe(row)}: an upgrade step wrote field "${c}", which is not a column of ${this.info.keyspace}.${this.info.table} (add it with a schema migration first)`)
      }
      cond(vf, before[vf])
      for (const c of [...set, ...removed]) {
        sets.push(`${quoteId(c)} = ?`)
        setParams.push(set.includes(c) ? after[c] : null)
        if (c !== vf) cond(c, before[c])
      }
    } else {
      sets.push(`${quoteId(this.layout.json)} = ?`)
      setParams.push(JSON.stringify(after))
      if (this.layout.versionColumn) {
        sets.push(`${quoteId(this.layout.versionColumn)} = ?`)
        setParams.push(after[this.evolution.versionField])
      }
      cond(this.layout.json, row.values[this.layout.json])
    }
    if (sets.length === 0) return true
    const keys = this.keyColumns.map((c) => row.values[c])
    if (this.fence === 'writetime' && row.writetime !== undefined) {
      // One plain write one microsecond after the newest cell we read: it supersedes what we read and loses to
      // anything written since (see CqlWriteFence). Idempotent: the same timestamp and values on a retry.
      const cql = `UPDATE ${qualified(this.info)} USING TIMESTAMP ? SET ${sets.join(', ')} WHERE ${keyWhere(this.info)}`
      await this.client.execute(cql, [cassandra.types.Long.fromString((row.writetime + 1n).toString()), ...setParams, ...keys], {
        prepare: true, consistency: this.consistency, isIdempotent: true,
      })
      return true
    }
    const cql = `UPDATE ${qualified(this.info)} SET ${sets.join(', ')} WHERE ${keyWhere(this.info)} IF ${conds.join(' AND ')}`
    try {
      const rs = await this.client.execute(cql, [...setParams, ...keys, ...condParams], {
        prepare: true, consistency: this.consistency, serialConsistency: this.serial,
      })
      return rs.wasApplied()
    } catch (err) {
      // A timed-out LWT may still commit: report "not applied", so the caller re-reads at SERIAL (which
      // finishes the in-flight round) and sees either our upgrade or what won (CASSANDRA-9328).
      if (isLwtOutcomeUnknown(err)) return false
      throw err
    }
  }
}

/** Reads the table's schema and returns the binding for its documents (E_CONFIG when a needed column is missing). */
export async function openCqlDocuments(o: CqlDocumentsOptions): Promise<CqlDocuments> {
  const documents = new CqlDocuments(await describeCqlTable(o.client, o.keyspace, o.table), o)
  await documents.checkFence()
  return documents
}
