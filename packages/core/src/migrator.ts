import { ENVIRONMENT_CODES, StrataError, isStrataError } from './errors.js'
import { TypedEmitter } from './events.js'
import { loadMigrations } from './file-source.js'
import { mergeMigrations, toMigrations } from './code-migrations.js'
import { computePlan, planError, type Plan, type PlanStep } from './plan.js'
import { RunLint } from './lint/run-lint.js'
import { appliedByHere, newOwnerId, TOOL_VERSION } from './identity.js'
import { runStep, type StepResult } from './run/run-step.js'
import { SnapshotRecorder, snapshotEach } from './snapshot-recorder.js'
import { diffSnapshotVersions, readSnapshot, type ResolvedSnapshot, type SnapshotDiff } from './snapshot-read.js'
import { computeStatus, currentVersion, isToApply } from './status.js'
import { buildReport, type SetReport } from './report.js'
import { validateSet, type ValidationReport } from './validate.js'
import { downgradeError } from './downgrade-policy.js'
import { checkHealth, type HealthReport } from './health.js'
import type { AppSchemaRequirements } from './compatibility.js'
import { recommend, type Recommendation } from './recommend/index.js'
import { RunVersion } from './run-version.js'
import type { Adapter, AppliedMigration, LockInfo, Migration, MigrationKind, PreflightInfo, TopologyInfo } from './types.js'
import { compareRaw, compareVersions, isVersionString, parseVersion, parseVersionArgument } from './version.js'
import { renderPlaceholders } from './placeholders.js'
import { withClassifiedErrors } from './adapter-errors.js'
import { FencedHistory } from './history/fenced-history.js'
import { backupLinked, baselined, checksumRepaired, cleared, resolved, type RunStamp } from './history/transitions.js'
import { backupBeforeStep } from './backup/backup-step.js'
import { acquireLease } from './lease/lease-keeper.js'
import { checkLockTtl, DEFAULT_LOCK_TTL_MS } from './lease/lease-timing.js'
import type { BackupSettings, DownOptions, MigratorOptions, RecommendationOptions, RunResult, StatusOptions, StatusReport, UpOptions } from './migrator-options.js'

export type { BackupSettings, DownOptions, MigratorOptions, RecommendationOptions, RunResult, StatusReport, UpOptions } from './migrator-options.js'

/** lock → plan → execute → journal → record, with a lease heartbeat; emits typed events, never prints. */
export class Migrator extends TypedEmitter {
  readonly set: string
  readonly owner: string
  private readonly opts: MigratorOptions
  /** opts.migrations, validated and converted once (E_FILENAME / E_MODULE_INVALID at construction). */
  private readonly codeMigrations?: readonly Migration[]
  private readonly now: () => Date
  /** The schema version through the current up/down run, for the 'schema:version' event. */
  private tracker?: RunVersion

  constructor(opts: MigratorOptions) {
    super()
    if (!opts.dir && !opts.migrations) throw new StrataError('E_CONFIG', 'Migrator needs a migration directory (dir) or a list of migrations')
    this.opts = { ...opts, adapter: withClassifiedErrors(opts.adapter) }
    this.codeMigrations = opts.migrations ? toMigrations(opts.migrations) : undefined
    this.set = opts.set ?? 'default'
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(this.set)) throw new StrataError('E_CONFIG', `invalid migration set name "${this.set}" (letters, digits, _ . -)`)
    this.owner = opts.owner ?? newOwnerId()
    this.now = opts.now ?? (() => new Date())
    this.lockTtlMs = checkLockTtl(opts.lockTtlMs ?? DEFAULT_LOCK_TTL_MS)
  }

  /** The lease TTL every locked operation uses (at least MIN_LOCK_TTL_MS). */
  readonly lockTtlMs: number

  get adapter(): Adapter {
    return this.opts.adapter
  }

  /**
   * The set's migrations, sorted: the directory's (ignored files are reported as 'file:ignored' events) and the
   * code list's, merged (one scheme; a version in both is refused by the plan with E_DUPLICATE_VERSION).
   */
  async load(): Promise<Migration[]> {
    const code = this.codeMigrations ?? []
    if (!this.opts.dir) return mergeMigrations([], code)
    const a = this.opts.adapter
    const files = await loadMigrations({
      dir: this.opts.dir,
      dialect: a.dialect,
      split: (src, file) => a.split(src, file),
      directives: a.directives?.bind(a),
      io: this.opts.io,
      onIgnored: (file, reason) => this.emit('file:ignored', { file, reason }),
      lazyStatements: true,
    })
    return code.length ? mergeMigrations(files, code) : files
  }

  /** Every history row of the set, newest first. Read-only. */
  async history(): Promise<AppliedMigration[]> {
    const rows = await this.opts.adapter.history.list(this.set)
    return [...rows].sort((a, b) => (b.startedAt?.getTime() ?? 0) - (a.startedAt?.getTime() ?? 0) || compareRaw(b.version, a.version))
  }

  /** The adapter's database name ('scylladb', 'cockroachdb'), for reports. */
  get adapterName(): string {
    return this.opts.adapter.name
  }

  /** Connectivity, nodes, history, lock, compatibility with the app: what `strata health` prints, as data. Read-only. */
  async checkHealth(opts: { app?: AppSchemaRequirements } = {}): Promise<HealthReport> {
    return checkHealth(this, opts)
  }

  /** One row per version with its state. Read-only: creates nothing. */
  async status(opts: StatusOptions = {}): Promise<StatusReport> {
    const [available, applied] = await Promise.all([this.load(), this.opts.adapter.history.list(this.set)])
    return this.statusOf(available, applied, opts)
  }

  /** Checksums, missing files, order, partial rows, and the live schema against the applied files. Read-only. */
  async validate(): Promise<ValidationReport> {
    const [available, applied] = await Promise.all([this.load(), this.opts.adapter.history.list(this.set)])
    return this.validateOf(available, applied)
  }

  /** The stored schema snapshot after `version` (or just before it). E_NO_SNAPSHOT when none was taken. Read-only. */
  async snapshot(version: string, opts: { before?: boolean } = {}): Promise<ResolvedSnapshot> {
    return readSnapshot(this.opts.adapter, this.set, version, opts)
  }

  /** The schema after `from` against the schema after `to`: what the migrations in between changed. Read-only. */
  async snapshotDiff(from: string, to: string): Promise<SnapshotDiff> {
    return diffSnapshotVersions(this.opts.adapter, this.set, from, to)
  }

  /** Schema version, counts, durations, last errors, agreement waits and lock state. Read-only. */
  async report(): Promise<SetReport> {
    const [available, applied, lock] = await Promise.all([this.load(), this.opts.adapter.history.list(this.set), this.opts.adapter.lock.inspect(this.set)])
    const plan = computePlan({ available, applied, direction: 'up', options: this.planOptions() })
    const report = buildReport(this.set, available, applied, lock, plan.issues)
    this.emit('schema:version', { set: this.set, version: report.schemaVersion })
    return report
  }

  /**
   * What to do about the set's live state: pending, failed and partial migrations, drift (from validate),
   * a stale lock, replication (adapter.topology) and the app's supported range; each with the command that
   * resolves it, critical first. Read-only.
   */
  async recommendations(opts: RecommendationOptions = {}): Promise<Recommendation[]> {
    const a = this.opts.adapter
    // Node health first: with a node down, what else to do waits for it (and up would be refused).
    const nodes = await this.nodeHealth()
    const available = await this.load()
    const base = { set: this.set, nodes, app: opts.app, cli: opts.cli, now: this.now() }
    let applied: readonly AppliedMigration[]
    let lock: LockInfo | null
    let topology: TopologyInfo | undefined
    try {
      // One read of the files and of history serves both status and validation.
      ;[applied, lock, topology] = await Promise.all([a.history.list(this.set), a.lock.inspect(this.set), a.topology?.()])
    } catch (err) {
      if (!isStrataError(err) || !ENVIRONMENT_CODES.has(err.code)) throw err
      return recommend({ ...base, status: { current: undefined, rows: [], issues: [] }, unreadable: { code: err.code, message: err.message } })
    }
    const status = this.statusOf(available, applied, { app: opts.app })
    const validation = await this.validateOf(available, applied)
    return recommend({ ...base, status, lock, validation, topology })
  }

  /**
   * Every node as preflight sees it (without failing on a down one); undefined for a single server. Read-only.
   * A cluster that cannot be probed at all counts its contact as down.
   */
  async nodeHealth(): Promise<PreflightInfo['nodes'] | undefined> {
    const a = this.opts.adapter
    if (!a.preflight) return undefined
    try {
      return (await a.preflight()).nodes
    } catch (err) {
      const nodes = (isStrataError(err) ? err.details?.nodes : undefined) as PreflightInfo['nodes'] | undefined
      if (nodes) return nodes
      if (isStrataError(err) && ENVIRONMENT_CODES.has(err.code)) return [{ address: a.name, up: false, error: err.message.split('\n')[0] }]
      throw err
    }
  }

  /** The plan without taking the lock (dry run). */
  async plan(input: { direction: 'up' | 'down'; target?: string; steps?: number; kinds?: readonly MigrationKind[] }): Promise<Plan> {
    const [available, applied] = await Promise.all([this.load(), this.opts.adapter.history.list(this.set)])
    return computePlan({ available, applied, ...input, options: this.planOptions() })
  }

  async up(opts: UpOptions = {}): Promise<RunResult> {
    if (opts.target !== undefined) parseVersionArgument(opts.target, '--target')
    return this.tracked(() => this.run('up', opts, { target: opts.target, kinds: opts.kinds, upTo: opts.upTo }))
  }

  async down(opts: DownOptions = {}): Promise<RunResult> {
    if (opts.steps !== undefined && (!Number.isInteger(opts.steps) || opts.steps < 1)) throw new StrataError('E_USAGE', `--steps must be a positive integer, got ${opts.steps}`)
    if (opts.to !== undefined) parseVersionArgument(opts.to, '--to')
    return this.tracked(() => this.run('down', opts, { target: opts.to, steps: opts.steps }))
  }

  /** Records every migration up to `version` as baselined without running it (adopting an existing database). */
  async baseline(version: string, signal?: AbortSignal): Promise<string[]> {
    const target = parseVersionArgument(version, 'baseline --to')
    const available = await this.load()
    if (!available.some((m) => compareVersions(m.version, target) === 0)) throw new StrataError('E_UNKNOWN_TARGET', `baseline version ${version} is not a known migration`, { version })
    return this.locked(signal, async (history) => {
      const applied = new Map((await this.opts.adapter.history.list(this.set)).map((r) => [r.version, r]))
      const done: string[] = []
      for (const m of available) {
        if (compareVersions(m.version, target) > 0) break
        const row = applied.get(m.version.raw)
        if (row && (row.status === 'applied' || row.status === 'baselined')) continue
        await history.write(baselined(this.set, m, this.now(), stamp()))
        done.push(m.version.raw)
      }
      // The schema the baselined files describe, as it is now: validate reports drift from here on.
      const last = done.at(-1)
      if (last) await this.snapshotRecorder('up', history).take(last, 'after')
      return done
    })
  }

  /** Accepts new checksums of edited applied files and clears failed rows so they rerun from the start. */
  async repair(signal?: AbortSignal): Promise<{ checksumsUpdated: string[]; rowsCleared: string[] }> {
    const available = new Map((await this.load()).map((m) => [m.version.raw, m]))
    return this.locked(signal, async (history) => {
      const result = { checksumsUpdated: [] as string[], rowsCleared: [] as string[] }
      for (const row of await this.opts.adapter.history.list(this.set)) {
        const m = available.get(row.version)
        if ((row.status === 'failed' || row.status === 'running')) {
          await history.write(cleared(this.set, row.version))
          result.rowsCleared.push(row.version)
        } else if (m && (row.status === 'applied' || row.status === 'baselined') && row.checksum !== m.checksum) {
          await history.write(checksumRepaired(this.set, row.version, m.checksum))
          result.checksumsUpdated.push(row.version)
        }
      }
      return result
    })
  }

  /**
   * Records the operator's decision on a statement an interrupted run left in flight (E_AMBIGUOUS_STATEMENT):
   * applied counts it done, not applied lets the next run send it again. Under the lease.
   */
  async resolve(version: string, decision: { applied: boolean }, signal?: AbortSignal): Promise<{ version: string; statement: number; applied: boolean }> {
    const v = parseVersionArgument(version, 'resolve')
    const available = await this.load()
    const m = available.find((x) => compareVersions(x.version, v) === 0)
    return this.locked(signal, async (history) => {
      const row = (await this.opts.adapter.history.list(this.set)).find((r) => compareRaw(r.version, version) === 0)
      const interrupted = row && (row.status === 'running' || row.status === 'failed' || row.status === 'rolling_back')
      if (!row || !m || !interrupted || row.statementsStarted <= row.statementsDone) {
        throw new StrataError('E_USAGE', `version ${version} has no statement in flight to resolve${row ? ` (it is ${row.status}, ${row.statementsDone}/${row.statementsTotal} done)` : ''}`, { version })
      }
      await history.write(resolved(row, m, decision.applied))
      return { version: row.version, statement: row.statementsDone + 1, applied: decision.applied }
    })
  }

  /**
   * Splits and renders every statement the plan runs (statements are split lazily): E_PARSE names the file and
   * line, E_PLACEHOLDER the file and statement, before the lease and before the first change.
   */
  private checkSteps(plan: Plan): void {
    const values = this.opts.placeholders ?? {}
    for (const s of plan.steps) {
      const m = s.migration
      const statements = s.direction === 'up' ? m.statements : m.downStatements
      const file = s.direction === 'up' ? m.file : (m.downFile ?? m.file)
      for (const st of statements ?? []) renderPlaceholders(st.text, values, { file, version: m.version.raw, statementIndex: st.index + 1 })
    }
  }

  private statusOf(available: readonly Migration[], applied: readonly AppliedMigration[], opts: StatusOptions = {}): StatusReport {
    const plan = computePlan({ available, applied, direction: 'up', options: this.planOptions() })
    const current = currentVersion(applied)
    this.emit('schema:version', { set: this.set, version: current ?? null })
    const rows = computeStatus(available, applied, { upTo: appCap(opts.app) })
    return {
      set: this.set, current, rows, issues: plan.issues,
      pending: rows.filter(isToApply).map((r) => r.version), waiting: rows.filter((r) => r.waitingForApp).map((r) => r.version),
    }
  }

  private async validateOf(available: readonly Migration[], applied: readonly AppliedMigration[]): Promise<ValidationReport> {
    // Every file must parse, applied or not (load splits lazily).
    for (const m of available) void [m.statements, m.downStatements]
    return validateSet({ available, applied, adapter: this.opts.adapter, placeholders: this.opts.placeholders ?? {}, options: this.planOptions(), set: this.set, MigratorClass: Migrator })
  }

  private backupsFor(override: boolean | undefined): BackupSettings | undefined {
    return backupSettings(this.opts, override)
  }

  private backupBefore(step: PlanStep, backup: BackupSettings | undefined, signal: AbortSignal): Promise<string | undefined> {
    return backupBeforeStep({ step, adapter: this.opts.adapter, set: this.set, placeholders: this.opts.placeholders ?? {}, backup, emitter: this, signal })
  }

  private snapshotRecorder(direction: 'up' | 'down', history?: FencedHistory): SnapshotRecorder {
    return new SnapshotRecorder({
      adapter: this.opts.adapter, set: this.set, emitter: this, now: this.now, enabled: direction === 'up' && this.opts.snapshots !== false,
      guard: history ? () => history.lease.assertValid() : undefined,
    })
  }

  private planOptions(): { allowOutOfOrder?: boolean; allowMissing?: boolean; transactionalDdl: boolean } {
    return { allowOutOfOrder: this.opts.allowOutOfOrder, allowMissing: this.opts.allowMissing, transactionalDdl: this.opts.adapter.capabilities.transactionalDdl }
  }

  /** Runs an up/down and then emits 'schema:version' with the version it left (also when it failed). */
  private async tracked(fn: () => Promise<RunResult>): Promise<RunResult> {
    const t = (this.tracker = new RunVersion())
    const off = this.on('migration:done', (e) => t.finished(e.version, e.direction))
    try {
      return await fn()
    } finally {
      off()
      this.tracker = undefined
      const version = t.current()
      if (version !== undefined) this.emit('schema:version', { set: this.set, version })
    }
  }

  /** Reads the set's history (and notes it for the run's schema version). */
  private async readHistory(): Promise<readonly AppliedMigration[]> {
    const rows = await this.opts.adapter.history.list(this.set)
    this.tracker?.seen(rows)
    return rows
  }

  /**
   * Takes the set's lease (waiting up to lockWaitMs), runs fn with history writes fenced on it and a signal
   * that aborts when the lease is lost or the caller aborts, and always releases it. When `settled` ends the
   * wait first (another process did the work), `ifSettled` gives the result instead.
   */
  private async locked<T>(signal: AbortSignal | undefined, fn: (history: FencedHistory, signal: AbortSignal) => Promise<T>, wait: { settled?: () => Promise<boolean>; ifSettled?: () => T; stop?: AbortSignal } = {}): Promise<T> {
    const a = this.opts.adapter
    await a.lock.ensure()
    const t0 = Date.now()
    // A graceful stop while waiting for the lease ends the wait at once: nothing is in flight yet.
    const waitSignal = wait.stop ? AbortSignal.any([wait.stop, ...(signal ? [signal] : [])]) : signal
    const lease = await acquireLease({
      store: a.lock, set: this.set, owner: this.owner, ttlMs: this.lockTtlMs, waitMs: this.opts.lockWaitMs ?? 120_000, signal: waitSignal,
      settled: wait.settled, clock: this.opts.clock,
      onWaiting: (holder) => this.emit('lock:waiting', { set: this.set, holder }),
      onLost: (error) => this.emit('lock:lost', { set: this.set, error }),
    })
    if (!lease) {
      // No lease only when `settled` ended the wait; every caller passing `settled` passes `ifSettled` too. Kept so
      // that a caller forgetting it gets an error, never fn's result returned as if the lease had been held.
      if (!wait.ifSettled) throw new StrataError('E_LOCK_TIMEOUT', `stopped waiting for the migration lock of set "${this.set}"`)
      return wait.ifSettled()
    }
    this.emit('lock:acquired', { set: this.set, owner: this.owner, waitedMs: Date.now() - t0 })
    const runSignal = signal ? AbortSignal.any([signal, lease.lost]) : lease.lost
    try {
      return await fn(new FencedHistory(a.history, lease, a.classifyError?.bind(a)), runSignal)
    } finally {
      await lease.release()
      this.emit('lock:released', { set: this.set })
    }
  }

  private async run(direction: 'up' | 'down', opts: { dryRun?: boolean; signal?: AbortSignal; stop?: AbortSignal; lint?: boolean; allowDowngrade?: boolean; createTarget?: boolean; backup?: boolean }, input: { target?: string; steps?: number; kinds?: readonly MigrationKind[]; upTo?: string }): Promise<RunResult> {
    const available = await this.load()
    const backups = this.backupsFor(opts.backup)
    const lint = direction === 'up' && opts.lint !== false ? RunLint.create(available, this.opts.adapter, this.opts.lint, this) : undefined
    const allowDowngrade = opts.allowDowngrade ?? this.opts.allowDowngrade ?? false
    if (opts.dryRun) {
      const applied = await this.readHistory()
      const plan = computePlan({ available, applied, direction, ...input, options: this.planOptions() })
      const err = planError(plan) ?? downgradeError(plan, applied, this.set, allowDowngrade)
      if (err) throw err
      this.checkSteps(plan)
      lint?.check(plan)
      const missing = opts.createTarget && plan.steps.length ? await this.opts.adapter.missingTarget?.() : undefined
      return { direction, dryRun: true, steps: [], plan, lockWaitMs: 0, blockedBy: blocked(plan), ...(missing ? { createdTarget: missing } : {}) }
    }
    // A read outside the lease, for a plan that needs no lock. Any failure of it (e.g. Cassandra's "Unknown CF"
    // while another process is creating the history table) just means: take the locked path, which reads again.
    let peeked: readonly AppliedMigration[] | undefined
    const peek = async (): Promise<Plan | undefined> => {
      const rows = (peeked = await this.readHistory().catch(() => undefined))
      return rows && computePlan({ available, applied: rows, direction, ...input, options: this.planOptions() })
    }
    // Nothing to do: every file recorded as applied. A 'running' or 'failed' row still counts as pending, so a
    // migration another process is applying right now keeps this run on the locked path.
    const settledPlan = (p: Plan | undefined): p is Plan => p !== undefined && p.steps.length === 0 && p.issues.length === 0 && !p.blockedBy
    const nothingToDo = (plan: Plan): RunResult => {
      this.emit('plan', { direction, versions: [], issues: [] })
      return { direction, dryRun: false, steps: [], plan, lockWaitMs: 0 }
    }
    const early = await peek()
    // No lock, no preflight and no table DDL for a no-op run (every deploy and every boot pays for those).
    if (settledPlan(early)) return nothingToDo(early)
    // A syntax error or an unknown placeholder in any file this run would apply stops it here, before preflight,
    // lock and the first change.
    if (early) this.checkSteps(early)
    // Refused by lint: before preflight and lock (checked again under the lease, where the plan is final).
    if (early && !planError(early)) lint?.check(early)
    // The downgrade policy refuses before preflight and lock (and again under the lease, on the final plan).
    const refused = early && peeked && !planError(early) ? downgradeError(early, peeked, this.set, allowDowngrade) : undefined
    if (refused) throw refused
    const planErr = early ? planError(early) : undefined
    if (planErr) throw planErr
    // The keyspace/database is created only now that the run is known good, and the run says so.
    const createdTarget = opts.createTarget ? await this.opts.adapter.createTarget?.() : undefined
    if (createdTarget) this.emit('target:created', { what: createdTarget })
    if (this.opts.adapter.preflight) this.emit('preflight', await this.opts.adapter.preflight(opts.signal))
    const t0 = Date.now()
    let lockWaitMs = 0
    // While another process holds the lock, a waiter re-reads history and stops waiting once that process
    // has applied everything this run would have: concurrent deploys end together instead of queueing.
    // Each poll only reads rows: the plan is made once, before the wait, and once more when every one of its
    // steps is recorded as done (to confirm, and for the result), never on every poll.
    let last: Plan | undefined
    const settled = async (): Promise<boolean> => {
      if (early && !stepsRecordedDone(early, await this.readHistory().catch(() => undefined))) return false
      return settledPlan((last = await peek()))
    }
    return this.locked(opts.signal, async (history, signal) => {
      lockWaitMs = Date.now() - t0
      await this.opts.adapter.history.ensure()
      // Read history only now, under the lease: another process may have just migrated.
      const applied = await this.readHistory()
      const plan = computePlan({ available, applied, direction, ...input, options: this.planOptions() })
      this.emit('plan', { direction, versions: plan.steps.map((s) => s.migration.version.raw), issues: plan.issues })
      const err = planError(plan) ?? downgradeError(plan, applied, this.set, allowDowngrade)
      if (err) throw err
      this.checkSteps(plan)
      lint?.check(plan)
      const steps: StepResult[] = []
      // Backup before migration: the schema before the run's first migration, then after each applied one
      // (which is also the 'before' of the next), or only after the run's last one (see SnapshotMode).
      // A snapshot that fails is a warning, never a failed run.
      const snapshots = this.snapshotRecorder(direction, history)
      const each = snapshotEach(this.opts.snapshots, plan.steps.length)
      const first = plan.steps[0]
      if (first && snapshots.active) await snapshots.take(first.migration.version.raw, 'before')
      let lastApplied: string | undefined
      try {
        for (const [i, step] of plan.steps.entries()) {
          if (opts.stop?.aborted) throw opts.stop.reason
          const limit = this.opts.migrationTimeoutMs
          const stepSignal = limit ? AbortSignal.any([signal, timeoutSignal(limit, step.migration)]) : signal
          // Ctrl-C stops a backup at its next page too (it resumes from there on the next run), not only before a statement.
          const backupId = await this.backupBefore(step, backups, opts.stop ? AbortSignal.any([signal, opts.stop]) : signal)
          const result = await runStep(step, {
            adapter: this.opts.adapter, history, emitter: this, set: this.set, placeholders: this.opts.placeholders ?? {},
            signal: stepSignal, stop: opts.stop, now: this.now, stamp: stamp(),
          })
          if (backupId) await history.write(backupLinked(this.set, step.migration.version.raw, backupId))
          steps.push(backupId ? { ...result, backupId } : result)
          lastApplied = step.migration.version.raw
          if (snapshots.active && (each || i === plan.steps.length - 1)) await snapshots.take(lastApplied, 'after')
        }
      } catch (err) {
        // A run that snapshots only its end stopped early: keep the schema after its last applied migration,
        // which validate compares the live schema with.
        if (snapshots.active && !each && lastApplied) await snapshots.take(lastApplied, 'after')
        throw err
      }
      const b = blocked(plan)
      if (b) this.emit('migration:blocked', b)
      return { direction, dryRun: false, steps, plan, lockWaitMs, blockedBy: b, ...(createdTarget ? { createdTarget } : {}) }
    }, { settled, ifSettled: () => ({ ...nothingToDo(last as Plan), lockWaitMs: Date.now() - t0, ...(createdTarget ? { createdTarget } : {}) }), stop: opts.stop })
  }
}


/** Whether history records every step of the plan as done in its direction (applied, or rolled back). */
function stepsRecordedDone(plan: Plan, rows: readonly AppliedMigration[] | undefined): boolean {
  if (!rows) return false
  const status = new Map(rows.map((r) => [r.version, r.status]))
  const done = (s: PlanStep): boolean => {
    const now = status.get(s.migration.version.raw)
    return s.direction === 'up' ? now === 'applied' || now === 'baselined' : now === 'rolled_back'
  }
  return plan.steps.every(done)
}

/** The backup settings of a run, checked before anything runs: on without adapter support is E_CONFIG. */
function backupSettings(o: MigratorOptions, override: boolean | undefined): BackupSettings | undefined {
  const on = override ?? o.backup?.enabled ?? false
  if (!on) return undefined
  if (!o.adapter.backup) throw new StrataError('E_CONFIG', `--backup: the ${o.adapter.name} adapter cannot export rows (no backup support)`)
  return { dir: '.strata/backups', ...o.backup, enabled: true }
}

function blocked(plan: Plan): RunResult['blockedBy'] {
  const m = plan.blockedBy
  return m ? { version: m.version.raw, name: m.name, kind: m.kind } : undefined
}

function stamp(): RunStamp {
  return { appliedBy: appliedByHere(), toolVersion: TOOL_VERSION }
}

function timeoutSignal(ms: number, m: Migration): AbortSignal {
  const ctl = new AbortController()
  const timer = setTimeout(() => ctl.abort(new StrataError('E_MIGRATION_TIMEOUT', `${m.file} exceeded the migration timeout of ${ms} ms`, { version: m.version.raw, file: m.file })), ms)
  timer.unref()
  return ctl.signal
}

/** The app's schemaVersion as the newest version to apply, when it is a version (the gate never overshoots it). */
export function appCap(app: AppSchemaRequirements | undefined): string | undefined {
  return app && isVersionString(app.schemaVersion) ? app.schemaVersion : undefined
}
