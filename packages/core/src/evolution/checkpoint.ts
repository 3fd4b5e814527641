/**
 * Where a table walk (sweep or backfill) records its progress, so a killed walk resumes where it stopped.
 * Adapters store it in a small table of their own (`strata_sweeps`); MemoryCheckpointStore is for tests.
 */

/** What a walk was started with; a checkpoint is resumed only when the fingerprint matches. */
export interface WalkHeader {
  readonly segments: number
  /** Identifies the work (entity, table, target version, segment count…); another fingerprint starts afresh. */
  readonly fingerprint: string
  readonly startedAt: Date
  readonly finishedAt: Date | null
}

/** One segment's progress: everything before `position` has been handled and counted in `counts`. */
export interface SegmentCheckpoint {
  readonly segment: number
  /** Opaque resume position (a token, a DynamoDB key as JSON); null before the first page. */
  readonly position: string | null
  readonly done: boolean
  /** Running totals of the handler's counters for the rows before `position`. */
  readonly counts: Readonly<Record<string, number>>
}

export interface StoredWalk {
  readonly header: WalkHeader
  readonly segments: readonly SegmentCheckpoint[]
  /** The walk's latest write (header or segment), when the store keeps it: tells a running walk from a stopped one. */
  readonly updatedAt?: Date
}

export interface CheckpointStore {
  /** Called once before a walk; creates the checkpoint table if missing. Idempotent. */
  ensure(): Promise<void>
  /** The walk's header and every saved segment, or undefined when it never ran (or was cleared). */
  load(walkId: string): Promise<StoredWalk | undefined>
  /** Starts a walk afresh: removes any earlier state of `walkId`, then records the header. */
  begin(walkId: string, header: WalkHeader): Promise<void>
  /** Records one segment's progress after a page is fully handled (an idempotent overwrite). */
  save(walkId: string, checkpoint: SegmentCheckpoint): Promise<void>
  /** Marks the walk finished (every segment done). */
  finish(walkId: string, at: Date): Promise<void>
}

/** An in-memory CheckpointStore (one "database" per instance), for unit tests and dry runs. */
export class MemoryCheckpointStore implements CheckpointStore {
  readonly walks = new Map<string, { header: WalkHeader; segments: Map<number, SegmentCheckpoint>; updatedAt: Date }>()

  constructor(private readonly now: () => Date = () => new Date()) {}
  saves = 0

  async ensure(): Promise<void> {}

  async load(walkId: string): Promise<StoredWalk | undefined> {
    const w = this.walks.get(walkId)
    if (!w) return undefined
    return { header: { ...w.header }, segments: [...w.segments.values()].map((s) => ({ ...s, counts: { ...s.counts } })), updatedAt: w.updatedAt }
  }

  async begin(walkId: string, header: WalkHeader): Promise<void> {
    this.walks.set(walkId, { header: { ...header }, segments: new Map(), updatedAt: this.now() })
  }

  async save(walkId: string, checkpoint: SegmentCheckpoint): Promise<void> {
    const w = this.walks.get(walkId)
    if (!w) throw new Error(`walk ${walkId} was not begun`)
    this.saves++
    w.segments.set(checkpoint.segment, { ...checkpoint, counts: { ...checkpoint.counts } })
    w.updatedAt = this.now()
  }

  async finish(walkId: string, at: Date): Promise<void> {
    const w = this.walks.get(walkId)
    if (w) {
      w.header = { ...w.header, finishedAt: at }
      w.updatedAt = this.now()
    }
  }
}
