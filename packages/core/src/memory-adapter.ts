import { StrataError } from './errors.js'
import { MemorySchema, MemorySnapshotStore } from './memory-schema.js'
import type { CapturedSchema, SnapshotStore, StoredSnapshot } from './snapshot-types.js'
import { collectLintDisable } from './lint/lint-directive.js'
import { memoryTraits } from './memory-traits.js'
import { writeKey } from './adapter-contract.js'
import type {
  Adapter, AtomicApply, ScratchTarget, ExecResult, Fence, FileDirectives, HistoryStore, HistoryWrite, LeaseRequest, LeaseStore, StatementTraits, TransactionScope,
} from './adapter-contract.js'
import type { AppliedMigration, LockInfo, SchemaSnapshot } from './types.js'

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
  /** Make a statement fail: return an Error (or true) for the statements that should throw (the server refused them). */
  failOn?: (text: string) => Error | boolean | undefined
  /**
   * Simulate kill -9: return 'before' to die just before the statement reaches the database, 'after' to die
   * just after it took effect. From then on every call of this adapter fails (the process is gone).
   */
  crashAt?: (text: string) => 'before' | 'after' | undefined
  /** Simulated execution time per statement, ms. */
  delayMs?: number
  /** false: no SnapshotStore and no captureSchema (like an adapter without them). Default true. */
  snapshots?: boolean
  /** Make captureSchema() fail: return an Error for the captures that should throw. */
  failCapture?: () => Error | undefined
  /** The "keyspace" name validate's replay refuses to see in files (Adapter.targetName). */
  targetName?: string
}

const key = (set: string, version: string): string => `${set}\u0000${version}`
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** The process behind an adapter: once it has "crashed", nothing it sends arrives. */
class Process {
  dead = false
  check(): void {
    if (this.dead) throw new Error('connection lost (simulated crash)')
  }
}

/** The write's set's lease carries the fence's token and has not expired. */
function leaseHeld(db: MemoryDatabase, fence: Fence, w: HistoryWrite): boolean {
  const held = db.locks.get(writeKey(w).set)
  return held !== undefined && held.token === fence.token && (held.expiresAt?.getTime() ?? 0) > db.now()
}

function applyWrite(db: MemoryDatabase, w: HistoryWrite): void {
  if (w.op === 'put') {
    db.history.set(key(w.row.set, w.row.version), { ...w.row, statementHashes: [...w.row.statementHashes] })
    return
  }
  const k = key(w.set, w.version)
  const row = db.history.get(k)
  if (!row) throw new Error(`no history row for ${w.set}/${w.version}`)
  if (w.op === 'delete') db.history.delete(k)
  else db.history.set(k, { ...row, ...w.fields })
}

class MemoryHistory implements HistoryStore {
  constructor(private readonly db: MemoryDatabase, private readonly proc: Process) {}
  async ensure(): Promise<void> {
    this.proc.check()
    this.db.historyEnsured = true
  }
  async list(set: string): Promise<readonly AppliedMigration[]> {
    this.proc.check()
    return [...this.db.history.values()].filter((r) => r.set === set).map((r) => ({ ...r }))
  }
  async write(w: HistoryWrite, fence: Fence): Promise<boolean> {
    this.proc.check()
    if (!leaseHeld(this.db, fence, w)) return false
    applyWrite(this.db, w)
    return true
  }
}

class MemoryLock implements LeaseStore {
  constructor(private readonly db: MemoryDatabase, private readonly proc: Process) {}
  async ensure(): Promise<void> {
    this.proc.check()
  }
  async tryAcquire(r: LeaseRequest): Promise<{ acquired: true } | { acquired: false; holder: LockInfo | null }> {
    this.proc.check()
    const now = this.db.now()
    const held = this.db.locks.get(r.set)
    if (held && held.expiresAt && held.expiresAt.getTime() > now) return { acquired: false, holder: held }
    this.db.locks.set(r.set, { set: r.set, owner: r.owner, token: r.token, acquiredAt: r.acquiredAt, expiresAt: new Date(now + r.ttlMs) })
    return { acquired: true }
  }
  async renew(r: LeaseRequest): Promise<boolean> {
    this.proc.check()
    const held = this.db.locks.get(r.set)
    if (held?.token !== r.token) return false
    this.db.locks.set(r.set, { ...held, expiresAt: new Date(this.db.now() + r.ttlMs) })
    return true
  }
  async release(set: string, token: string): Promise<void> {
    this.proc.check()
    if (this.db.locks.get(set)?.token === token) this.db.locks.delete(set)
  }
  async inspect(set: string): Promise<LockInfo | null> {
    this.proc.check()
    return this.db.locks.get(set) ?? null
  }
  async forceRelease(set: string): Promise<void> {
    this.proc.check()
    this.db.locks.delete(set)
  }
}

/** In-memory adapter for unit tests: real lease and fencing semantics, statements recorded, failures and crashes injectable. */
export class MemoryAdapter implements Adapter {
  readonly name = 'memory'
  readonly dialect = 'sql' as const
  readonly capabilities: Adapter['capabilities']
  readonly db: MemoryDatabase
  readonly history: HistoryStore
  readonly lock: LeaseStore
  readonly snapshots?: SnapshotStore
  closed = false
  private readonly proc = new Process()

  constructor(private readonly opts: MemoryAdapterOptions = {}) {
    this.db = opts.db ?? new MemoryDatabase()
    this.capabilities = { transactionalDdl: opts.transactionalDdl ?? false, schemaAgreement: false }
    this.history = new MemoryHistory(this.db, this.proc)
    this.lock = new MemoryLock(this.db, this.proc)
    if (opts.snapshots !== false) this.snapshots = new MemorySnapshotStore(this.db)
    else this.captureSchema = undefined
    if (!opts.transactionalDdl) {
      this.transaction = undefined
      this.applyAtomically = undefined
    }
  }

  /** Whether this "process" has crashed (crashAt). */
  get crashed(): boolean {
    return this.proc.dead
  }

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

  traits(text: string): StatementTraits {
    return memoryTraits(text, this.capabilities.transactionalDdl)
  }

  /** Errors from failOn are the server refusing the statement: it did not run. */
  rejected(err: unknown): boolean {
    return err instanceof Error && (err as { refused?: boolean }).refused === true
  }

  async execute(text: string): Promise<ExecResult> {
    this.proc.check()
    if (this.opts.delayMs) await sleep(this.opts.delayMs)
    const crash = this.opts.crashAt?.(text)
    if (crash === 'before') this.proc.dead = true
    this.proc.check()
    const failure = this.opts.failOn?.(text)
    if (failure) throw Object.assign(failure instanceof Error ? failure : new Error(`syntax error in: ${text}`), { refused: true })
    this.db.executed.push(text)
    this.db.schema.apply(text)
    const create = /^create\s+table\s+(?:if\s+not\s+exists\s+)?([\w."]+)/i.exec(text)
    if (create) this.db.tables.add(create[1] as string)
    const drop = /^drop\s+table\s+(?:if\s+exists\s+)?([\w."]+)/i.exec(text)
    if (drop) this.db.tables.delete(drop[1] as string)
    if (crash === 'after') {
      this.proc.dead = true
      this.proc.check()
    }
    return {}
  }

  /** Statements and the fenced write, all or nothing (a snapshot of the database restored on failure). */
  async applyAtomically?(req: AtomicApply): Promise<'committed' | 'fenced'> {
    return this.atomically(async () => {
      for (const text of req.statements) await this.execute(text)
      if (!leaseHeld(this.db, req.fence, req.write)) throw FENCED
      applyWrite(this.db, req.write)
    }).then(() => 'committed' as const, (err: unknown) => {
      if (err === FENCED) return 'fenced' as const
      throw err
    })
  }

  async transaction?<T>(fn: (tx: TransactionScope) => Promise<T>, fence: Fence): Promise<T> {
    return this.atomically(() => fn({
      execute: (text) => this.execute(text),
      write: async (w) => {
        this.proc.check()
        if (!leaseHeld(this.db, fence, w)) return false
        applyWrite(this.db, w)
        return true
      },
      codeContext: () => this.codeContext(),
    }))
  }

  private async atomically<T>(fn: () => Promise<T>): Promise<T> {
    this.proc.check()
    const snapshot = { history: new Map(this.db.history), executed: [...this.db.executed], tables: new Set(this.db.tables), schema: this.db.schema.clone() }
    try {
      return await fn()
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
    this.proc.check()
    const failure = this.opts.failCapture?.()
    if (failure) throw failure
    return { format: 'sql', ddl: opts.ddl === false ? '' : this.db.schema.ddl(), schema: this.db.schema.snapshot(), source: 'memory' }
  }

  /** Tables as created; columns, indexes and views as far as the toy model (memory-schema.ts) understood the DDL. */
  async introspect(): Promise<SchemaSnapshot> {
    this.proc.check()
    const model = this.db.schema.snapshot()
    const columns = new Map(model.tables.map((t) => [t.name, t.columns.map(({ name, type }) => ({ name, type }))]))
    return {
      tables: [...this.db.tables].map((name) => ({ name, columns: columns.get(name.split('.').at(-1)?.replace(/"/g, '') ?? name) ?? [] })),
      indexes: model.indexes.map(({ name, table }) => ({ name, table })),
      views: model.views.map(({ name }) => ({ name })),
    }
  }

  get targetName(): string | undefined {
    return this.opts.targetName
  }

  /** A fresh in-memory database with the same behaviour (statement failures and all), for validate's replay. */
  async scratch(): Promise<ScratchTarget> {
    const { db: _db, crashAt: _crash, ...rest } = this.opts
    const adapter = new MemoryAdapter(rest)
    return { adapter, placeholders: {}, drop: () => adapter.close() }
  }

  async close(): Promise<void> {
    this.closed = true
  }
}

const FENCED = new StrataError('E_LOCK_LOST', 'fenced')
