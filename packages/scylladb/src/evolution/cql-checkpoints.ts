import cassandra from 'cassandra-driver'
import type { Client } from 'cassandra-driver'
import type { CheckpointStore, SegmentCheckpoint, StoredWalk, WalkHeader } from '@strata-migrate/core/adapter-kit'
import { isMissingTable } from '../driver-errors.js'
import { quoteId } from '../identifiers.js'
import { ensureTable, type BootstrapContext } from '../schema-bootstrap.js'

const { consistencies } = cassandra.types

/** The table sweeps and backfills checkpoint into, one partition per walk. */
export const SWEEPS_TABLE = 'strata_sweeps'
/** The header row of a walk sits at this segment number, before segment 0. */
const HEADER = -1

/**
 * Walk checkpoints in `<keyspace>.strata_sweeps`: `PRIMARY KEY ((sweep_id), segment)`, one row per segment
 * (position, done, counts as JSON) plus a header row (segments, fingerprint, started/finished). Plain
 * idempotent overwrites: one walker per sweep id is expected (a second one is harmless to the data — its
 * writes are conditional — but its counts would be off).
 */
export class CqlCheckpointStore implements CheckpointStore {
  private readonly table: string
  private readonly opts = { prepare: true, isIdempotent: true, consistency: consistencies.localQuorum }

  constructor(private readonly client: Client, private readonly keyspace: string, private readonly agreementTimeoutMs = 30_000) {
    this.table = `${quoteId(keyspace)}.${quoteId(SWEEPS_TABLE)}`
  }

  async ensure(): Promise<void> {
    // The driver keeps its options on the client at run time, though its typings do not declare them.
    const dc = (this.client as unknown as { options?: { localDataCenter?: string } }).options?.localDataCenter
    const localDataCenter = dc ?? 'datacenter1'
    const ctx: BootstrapContext = { client: this.client, localDataCenter, agreementTimeoutMs: this.agreementTimeoutMs }
    // Created only if missing, on one coordinator, then an agreement wait: concurrent CREATE TABLE on
    // Cassandra can give a table two ids (see the README, "Concurrent DDL").
    await ensureTable(ctx, this.keyspace, SWEEPS_TABLE, `CREATE TABLE IF NOT EXISTS ${this.table} (
      sweep_id text, segment int, position text, done boolean, counts text,
      segments int, fingerprint text, started_at timestamp, finished_at timestamp, updated_at timestamp,
      PRIMARY KEY ((sweep_id), segment))`)
  }

  async load(walkId: string): Promise<StoredWalk | undefined> {
    let rows
    try {
      const rs = await this.client.execute(
        `SELECT segment, position, done, counts, segments, fingerprint, started_at, finished_at, updated_at FROM ${this.table} WHERE sweep_id = ?`,
        [walkId], { ...this.opts, fetchSize: 100_000 },
      )
      rows = rs.rows
    } catch (err) {
      if (isMissingTable(err)) return undefined
      throw err
    }
    const head = rows.find((r) => r.get('segment') === HEADER)
    if (!head) return undefined
    const header: WalkHeader = {
      segments: Number(head.get('segments')), fingerprint: String(head.get('fingerprint')),
      startedAt: head.get('started_at') as Date, finishedAt: (head.get('finished_at') as Date | null) ?? null,
    }
    const segments: SegmentCheckpoint[] = rows.filter((r) => r.get('segment') !== HEADER).map((r) => ({
      segment: Number(r.get('segment')), position: (r.get('position') as string | null) ?? null, done: r.get('done') === true,
      counts: JSON.parse(String(r.get('counts') ?? '{}')) as Record<string, number>,
    }))
    const updates = rows.map((r) => r.get('updated_at') as Date | null).filter((d): d is Date => d instanceof Date)
    const updatedAt = updates.sort((a, b) => b.getTime() - a.getTime())[0]
    return { header, segments, ...(updatedAt ? { updatedAt } : {}) }
  }

  async begin(walkId: string, header: WalkHeader): Promise<void> {
    // The driver's monotonic client timestamps order this delete before the insert that follows it.
    await this.client.execute(`DELETE FROM ${this.table} WHERE sweep_id = ?`, [walkId], this.opts)
    await this.client.execute(
      `INSERT INTO ${this.table} (sweep_id, segment, segments, fingerprint, started_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
      [walkId, HEADER, header.segments, header.fingerprint, header.startedAt, new Date()], this.opts,
    )
  }

  async save(walkId: string, cp: SegmentCheckpoint): Promise<void> {
    await this.client.execute(
      `INSERT INTO ${this.table} (sweep_id, segment, position, done, counts, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
      [walkId, cp.segment, cp.position, cp.done, JSON.stringify(cp.counts), new Date()], this.opts,
    )
  }

  async finish(walkId: string, at: Date): Promise<void> {
    await this.client.execute(`UPDATE ${this.table} SET finished_at = ?, updated_at = ? WHERE sweep_id = ? AND segment = ?`, [at, new Date(), walkId, HEADER], this.opts)
  }
}
