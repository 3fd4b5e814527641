import { randomUUID } from 'node:crypto'
import { StrataError } from './errors.js'
import { MemorySchema, MemorySnapshotStore } from './memory-schema.js'
import type { CapturedSchema, SnapshotStore, StoredSnapshot } from './snapshot-types.js'
import { collectLintDisable } from './lint/lint-directive.js'
import type {
  AcquireOptions, Adapter, AppliedMigration, BeginRecord, CompleteResult, ExecResult, FileDirectives, HistoryStore,
  Lease, LockInfo, MigrationLock, SchemaSnapshot, TransactionScope,
} from './types.js'

/** State shared by every adapter opened on one in-memory "database" (like two processes on one server). */
export class MemoryDatabase {
  history = new Map<string, AppliedMigration>()
  locks = new Map<string, LockInfo>()
  executed: string[] = []
  tables = new Set<string>()
  historyEnsured = false
  /** What the executed DDL built (a toy model), and the stored schema snapshots. */
  schema = new MemorySchema()
  snapshots = new Map<string, StoredSnapshot>()
  snapshotsEnsured = false
  now: () => number = () => Date.now()
}

export interface MemoryAdapterOptions {
  db?: MemoryDatabase
  transactionalDdl?: boolean
  /** Make a statement fail: return an Error (or true) for the statements that should throw. */
  failOn?: (text: string) => Error | boolean | undefined
  /** Simulated execution time per statement, ms. */
  delayMs?: number
  /** false: no SnapshotStore and no captureSchema (like an adapter without them). Default true. */
  snapshots?: boolean
  /** Make captureSchema() fail: return an Error for the captures that should throw. */
  failCapture?: () => Error | undefined
}

const key = (set: string, version: string): string => `${set}\u0000${version}`
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

class MemoryHistory implements HistoryStore {
  constructor(private readonly db: MemoryDatabase) {}
  async ensure(): Promise<void> {
    this.db.historyEnsured = true
  }
  async list(set: string): Promise<readonly AppliedMigration[]> {
    return [...this.db.history.values()].filter((r) => r.set === set).map((r) => ({ ...r }))
  }
  async begin(rec: BeginRecord): Promise<void> {
    this.db.history.set(key(rec.set, rec.version), {
      set: rec.set, version: rec.version, name: rec.name, kind: rec.kind, checksum: rec.checksum, status: 'running',
      statementsDone: rec.statementHashes.length, statementsTotal: rec.statementsTotal, statementHashes: [...rec.statementHashes],
      startedAt: rec.startedAt, finishedAt: null, rolledBackAt: null, durationMs: null, appliedBy: rec.appliedBy,
      toolVersion: rec.toolVersion, error: null, agreementWaitMs: 0,
    })
  }
  private update(set: string, version: string, patch: Partial<AppliedMigration>): void {
    const row = this.db.history.get(key(set, version))
    if (!row) throw new Error(`no history row for ${set}/${version}`)
    this.db.history.set(key(set, version), { ...row, ...patch })
  }
  async progress(set: string, version: string, statementsDone: number, hashes: readonly string[], agreementWaitMs: number): Promise<void> {
    this.update(set, version, { statementsDone, statementHashes: [...hashes], agreementWaitMs })
  }
  async complete(set: string, version: string, r: CompleteResult): Promise<void> {
    this.update(set, version, {
      status: r.status ?? 'applied', finishedAt: r.finishedAt, durationMs: r.durationMs, statementHashes: [...r.statementHashes],
      statementsDone: r.statementHashes.length, agreementWaitMs: r.agreementWaitMs, error: null, rolledBackAt: null,
    })
  }
  async record(rec: BeginRecord, r: CompleteResult): Promise<void> {
    await this.begin(rec)
    await this.complete(rec.set, rec.version, r)
  }
  async fail(set: string, version: string, error: string, finishedAt: Date): Promise<void> {
    this.update(set, version, { status: 'failed', error, finishedAt })
  }
  async markRolledBack(set: string, version: string, at: Date): Promise<void> {
    this.update(set, version, { status: 'rolled_back', rolledBackAt: at, statementsDone: 0, statementHashes: [] })
  }
  async updateChecksum(set: string, version: string, checksum: string, statementHashes: readonly string[]): Promise<void> {
    this.update(set, version, { checksum, statementHashes: [...statementHashes], statementsDone: statementHashes.length })
  }
  async remove(set: string, version: string): Promise<void> {
    this.db.history.delete(key(set, version))
  }
}

class MemoryLock implements MigrationLock {
  constructor(private readonly db: MemoryDatabase) {}
  async ensure(): Promise<void> {}
  private tryTake(set: string, owner: string, ttlMs: number): LockInfo | null {
    const now = this.db.now()
    const held = this.db.locks.get(set)
    if (held && held.expiresAt && held.expiresAt.getTime() > now) return null
    const info: LockInfo = { set, owner, token: randomUUID(), acquiredAt: new Date(now), expiresAt: new Date(now + ttlMs) }
    this.db.locks.set(set, info)
    return info
  }
  async acquire(o: AcquireOptions): Promise<Lease> {
    const deadline = Date.now() + o.waitMs
    let warned = false
    for (;;) {
      const info = this.tryTake(o.set, o.owner, o.ttlMs)
      if (info) return this.lease(info, o.ttlMs)
      if (!warned) o.onWaiting?.(this.db.locks.get(o.set) ?? null)
      warned = true
      if (o.signal?.aborted) throw o.signal.reason
      if (Date.now() >= deadline) {
        const h = this.db.locks.get(o.set)
        throw new StrataError('E_LOCK_TIMEOUT', `timed out after ${o.waitMs} ms waiting for the migration lock of set "${o.set}" held by ${h?.owner ?? 'unknown'}`)
      }
      await sleep(Math.min(20, o.waitMs))
    }
  }
  private lease(info: LockInfo, ttlMs: number): Lease {
    const lost = new AbortController()
    const db = this.db
    const ours = (): boolean => db.locks.get(info.set)?.token === info.token
    return {
      token: info.token,
      owner: info.owner,
      lost: lost.signal,
      async renew() {
        if (!ours()) {
          const err = new StrataError('E_LOCK_LOST', `lock for set "${info.set}" is now held by ${db.locks.get(info.set)?.owner ?? 'nobody'}`)
          lost.abort(err)
          throw err
        }
        db.locks.set(info.set, { ...info, expiresAt: new Date(db.now() + ttlMs) })
      },
      async release() {
        if (ours()) db.locks.delete(info.set)
      },
    }
  }
  async inspect(set: string): Promise<LockInfo | null> {
    return this.db.locks.get(set) ?? null
  }
  async forceRelease(set: string): Promise<void> {
    this.db.locks.delete(set)
  }
}

/** In-memory adapter for unit tests: real lease semantics, statements recorded, failures injectable. */
export class MemoryAdapter implements Adapter {
  readonly name = 'memory'
  readonly dialect = 'sql' as const
  readonly capabilities: Adapter['capabilities']
  readonly db: MemoryDatabase
  readonly history: HistoryStore
  readonly lock: MigrationLock
  readonly snapshots?: SnapshotStore
  closed = false

  constructor(private readonly opts: MemoryAdapterOptions = {}) {
    this.db = opts.db ?? new MemoryDatabase()
    this.capabilities = { transactionalDdl: opts.transactionalDdl ?? false, schemaAgreement: false }
    this.history = new MemoryHistory(this.db)
    this.lock = new MemoryLock(this.db)
    if (opts.snapshots !== false) this.snapshots = new MemorySnapshotStore(this.db)
    else this.captureSchema = undefined
    if (opts.transactionalDdl) this.transaction = this.runTransaction.bind(this)
  }

  transaction?: <T>(fn: (tx: TransactionScope) => Promise<T>) => Promise<T>

  /** Splits on semicolons at line ends: enough for unit-test fixtures (real dialects split in their adapters). */
  split(source: string): { text: string; line: number }[] {
    const out: { text: string; line: number }[] = []
    let line = 1
    for (const chunk of source.split(/;\s*(?:\n|$)/)) {
      const text = chunk.replace(/^(\s*--[^\n]*\n)+/, '').trim()
      if (text) out.push({ text, line: line + (chunk.slice(0, chunk.indexOf(text.slice(0, 1))).match(/\n/g)?.length ?? 0) })
      line += (chunk.match(/\n/g)?.length ?? 0) + 1
    }
    return out
  }

  directives(source: string): FileDirectives {
    const lintDisable = collectLintDisable(source.split('\n').filter((l) => /^\s*--/.test(l)))
    return { noTransaction: /^\s*--\s*strata:no-transaction\s*$/im.test(source), ...(lintDisable ? { lintDisable } : {}) }
  }

  async execute(text: string): Promise<ExecResult> {
    if (this.opts.delayMs) await sleep(this.opts.delayMs)
    const failure = this.opts.failOn?.(text)
    if (failure) throw failure instanceof Error ? failure : new Error(`syntax error in: ${text}`)
    this.db.executed.push(text)
    this.db.schema.apply(text)
    const create = /^create\s+table\s+(?:if\s+not\s+exists\s+)?([\w."]+)/i.exec(text)
    if (create) this.db.tables.add(create[1] as string)
    const drop = /^drop\s+table\s+(?:if\s+exists\s+)?([\w."]+)/i.exec(text)
    if (drop) this.db.tables.delete(drop[1] as string)
    return {}
  }

  private async runTransaction<T>(fn: (tx: TransactionScope) => Promise<T>): Promise<T> {
    const snapshot = { history: new Map(this.db.history), executed: [...this.db.executed], tables: new Set(this.db.tables), schema: this.db.schema.clone() }
    try {
      return await fn({ execute: (text) => this.execute(text), history: this.history, codeContext: () => this.codeContext() })
    } catch (err) {
      Object.assign(this.db, snapshot)
      throw err
    }
  }

  codeContext(): Record<string, unknown> {
    return { db: this.db }
  }

  /** The toy model's DDL and structure (set `failCapture` to make it throw). */
  async captureSchema?(opts: { ddl?: boolean } = {}): Promise<CapturedSchema> {
    const failure = this.opts.failCapture?.()
    if (failure) throw failure
    return { format: 'sql', ddl: opts.ddl === false ? '' : this.db.schema.ddl(), schema: this.db.schema.snapshot(), source: 'memory' }
  }

  /** Tables as created; columns, indexes and views as far as the toy model (memory-schema.ts) understood the DDL. */
  async introspect(): Promise<SchemaSnapshot> {
    const model = this.db.schema.snapshot()
    const columns = new Map(model.tables.map((t) => [t.name, t.columns.map(({ name, type }) => ({ name, type }))]))
    return {
      tables: [...this.db.tables].map((name) => ({ name, columns: columns.get(name.split('.').at(-1)?.replace(/"/g, '') ?? name) ?? [] })),
      indexes: model.indexes.map(({ name, table }) => ({ name, table })),
      views: model.views.map(({ name }) => ({ name })),
    }
  }

  async close(): Promise<void> {
    this.closed = true
  }
}
