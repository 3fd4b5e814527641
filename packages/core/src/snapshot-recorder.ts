import { promisify } from 'node:util'
import { gunzip, gzip } from 'node:zlib'
import { messageOf } from './errors.js'
import type { TypedEmitter } from './events.js'
import { TOOL_VERSION } from './identity.js'
import type { CapturedSchema, SnapshotDocument, SnapshotWhich, StoredSnapshot } from './snapshot-types.js'
import type { Adapter } from './types.js'

const gzipAsync = promisify(gzip)
const gunzipAsync = promisify(gunzip)

/** gzip of the snapshot's JSON: what SnapshotStore.save() stores. */
export async function encodeSnapshot(doc: SnapshotDocument): Promise<Uint8Array> {
  return new Uint8Array(await gzipAsync(Buffer.from(JSON.stringify(doc), 'utf8')))
}

/** The document a stored snapshot holds (the key and time of the row win over the document's own). */
export async function decodeSnapshot(s: StoredSnapshot): Promise<SnapshotDocument> {
  const doc = JSON.parse((await gunzipAsync(s.data)).toString('utf8')) as SnapshotDocument
  return { ...doc, set: s.set, version: s.version, which: s.which, takenAt: s.takenAt.toISOString() }
}

/**
 * When an `up` run snapshots the schema: 'each' — before its first migration and after every applied one;
 * 'run' — before its first and after its last applied one; 'auto' (the default) — 'each' for a run of up to
 * SNAPSHOT_EACH_MAX migrations (a deploy), 'run' beyond (bootstrapping a new environment, where a capture per
 * migration costs more than the migrations: 8–16 ms on PostgreSQL, 5–25 ms on Cassandra as the schema grows).
 */
export type SnapshotMode = 'each' | 'run' | 'auto'
export const SNAPSHOT_EACH_MAX = 10

/** The option as given (true = 'auto', false = off) → whether to snapshot after every migration of an n-step run. */
export function snapshotEach(option: boolean | SnapshotMode | undefined, steps: number): boolean {
  const mode = option === undefined || option === true ? 'auto' : option
  return mode === 'each' || (mode === 'auto' && steps <= SNAPSHOT_EACH_MAX)
}

/** Whether runs on this adapter can take snapshots at all. */
export function snapshotsSupported(adapter: Adapter): boolean {
  return adapter.snapshots !== undefined && adapter.captureSchema !== undefined
}

/**
 * Takes the snapshots of one run (under its lease). Never throws: a migration that succeeded must not fail
 * because its snapshot could not be taken, so every failure becomes a warn 'log' event and the run goes on.
 * The table is ensured once, before the first save; if that fails, the rest of the run takes no snapshots.
 */
export class SnapshotRecorder {
  private ensured: Promise<boolean> | undefined

  constructor(private readonly env: {
    adapter: Adapter; set: string; emitter: TypedEmitter; now: () => Date; enabled: boolean
    /** Throws when the run may no longer write (its lease is lost): checked before each save. */
    guard?: () => void
  }) {}

  get active(): boolean {
    return this.env.enabled && snapshotsSupported(this.env.adapter)
  }

  async take(version: string, which: SnapshotWhich): Promise<boolean> {
    const { adapter, set, emitter } = this.env
    const store = adapter.snapshots
    if (!this.active || !store || !adapter.captureSchema) return false
    const t0 = Date.now()
    this.ensured ??= store.ensure().then(() => true, (err: unknown) => {
      emitter.emit('log', { level: 'warn', message: `schema snapshots are off for this run: cannot create their table: ${messageOf(err)}`, fields: { set } })
      return false
    })
    if (!(await this.ensured)) return false
    try {
      const takenAt = this.env.now()
      const captured: CapturedSchema = await adapter.captureSchema()
      const data = await encodeSnapshot({ ...captured, set, version, which, takenAt: takenAt.toISOString(), toolVersion: TOOL_VERSION })
      this.env.guard?.()
      await store.save(set, version, which, data, takenAt)
      emitter.emit('snapshot:saved', { set, version, which, bytes: data.byteLength, durationMs: Date.now() - t0 })
      return true
    } catch (err) {
      emitter.emit('log', { level: 'warn', message: `schema snapshot ${which} ${version} not taken (the migration itself is not affected): ${messageOf(err)}`, fields: { set, version, which } })
      return false
    }
  }
}
