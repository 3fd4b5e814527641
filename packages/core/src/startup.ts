import { checkCompatibility, type AppSchemaRequirements, type CompatibilityResult } from './compatibility.js'
import { StrataError, messageOf } from './errors.js'
import { Migrator, appCap, type MigratorOptions } from './migrator.js'
import type { StatusReport } from './migrator-options.js'
import { isToApply } from './status.js'
import type { StepResult } from './run/run-step.js'
import { toMigrations, type MigrationInput } from './code-migrations.js'
import type { Adapter, MigrationKind } from './types.js'
import { readStartupFlags, type StartupFlags } from './startup-flags.js'
import { interruptOnSignals } from './shutdown.js'

export interface StartupDatabase {
  /** 'scylladb', 'cockroachdb' or 'alternator': also the prefix of its env overrides (SCYLLADB_AUTO_MIGRATE, ALTERNATOR_FORCE_MIGRATION…). */
  name: string
  /** A connected adapter, or a factory (called once, closed at the end unless keepOpen). */
  adapter: Adapter | (() => Promise<Adapter>)
  dir?: string
  /** Migrations in code (`{ version, name, description?, up, down? }`), alone or merged with `dir`. */
  migrations?: readonly MigrationInput[]
  set?: string
  placeholders?: Record<string, string>
  lockTtlMs?: number
  /** The app's requirements for this database's set (defaults to the top-level app). */
  app?: AppSchemaRequirements
  /** Keep the adapter open after the hook (when the app reuses its connection). */
  keepOpen?: boolean
  /** Lint before migrating (default on, adapter's rules): false, or { profile: 'production' } (docs/lint.md). */
  lint?: MigratorOptions['lint']
  /** Backups before destructive steps (config `backup`); BACKUP_BEFORE_MIGRATION turns them on or off. */
  backup?: MigratorOptions['backup']
}

export interface StartupLogger {
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
}

export interface StartupOptions {
  databases: readonly StartupDatabase[]
  app?: AppSchemaRequirements
  /** Defaults to process.env. */
  env?: Readonly<Record<string, string | undefined>>
  /** The hook's only output; defaults to console (stderr for warnings). */
  logger?: StartupLogger
  signal?: AbortSignal
  /**
   * While the hook runs, SIGINT/SIGTERM stop the migration gracefully (before the next statement, the one in
   * flight given graceMs; history records where it stopped and the lease is released) and the hook rejects with
   * E_INTERRUPTED; a second signal exits at once. Default true; false leaves signals to the app.
   */
  handleSignals?: boolean
  /** Grace for the statement in flight after a signal, ms (default 10 s). */
  graceMs?: number
  /**
   * What a failing database does: 'throw' (default; the app must not start), or — for `strata migrate`, which
   * reports every database — 'stop' (the later databases are skipped) and 'continue' (they still run); both
   * resolve with every database's result, failures carrying their error.
   */
  onFailure?: 'throw' | 'stop' | 'continue'
  /**
   * Called with each database's Migrator before it reads anything: attach listeners, e.g. metrics
   * (`onMigrator: (m, db) => instrument(m, { registry, database: db.name })` from @strata-migrate/metrics).
   */
  onMigrator?: (migrator: Migrator, database: { name: string; adapter: Adapter }) => void
}

export interface StartupDatabaseResult {
  name: string
  set: string
  mode: 'check' | 'auto' | 'force'
  flags: StartupFlags
  /** 'failed' and 'skipped' only with onFailure 'stop' or 'continue' (else the hook throws). */
  outcome: 'ok' | 'failed' | 'skipped'
  error?: StrataError
  applied: StepResult[]
  /** Versions still to apply (pending, or rolled back), not counting those waiting for a newer app. */
  pending: string[]
  /** Versions newer than the app's schemaVersion: never applied automatically, they wait for a newer app. */
  waiting: string[]
  schemaVersion: string | null
  compatibility: CompatibilityResult | null
  warnings: string[]
}

const consoleLogger: StartupLogger = {
  info: (m) => console.error(`[strata] ${m}`),
  warn: (m) => console.error(`[strata] warning: ${m}`),
}

/**
 * The app start-up hook. With no flag it only checks (compatibility gate, pending warning); with
 * AUTO_MIGRATE it creates the keyspace/database and applies pending schema migrations under the lease;
 * FORCE_MIGRATION also applies data migrations. Instances starting together wait on the lease (bounded
 * by the migration timeout) and pass the gate once the winner is done; none proceeds on a half-migrated schema.
 */
export async function migrateOnStartup(opts: StartupOptions): Promise<StartupDatabaseResult[]> {
  const env = opts.env ?? process.env
  const log = opts.logger ?? consoleLogger
  const results: StartupDatabaseResult[] = []
  const interruption = opts.handleSignals === false ? undefined : interruptOnSignals({ graceMs: opts.graceMs, notify: (m) => log.warn(m) })
  const stop = interruption?.stop
  const signal = interruption ? AbortSignal.any([interruption.abort, ...(opts.signal ? [opts.signal] : [])]) : opts.signal
  try {
    for (const db of opts.databases) {
      const flags = readStartupFlags(env, db.name)
      if (results.some((r) => r.outcome === 'failed') && opts.onFailure === 'stop') {
        results.push(emptyResult(db, flags, 'skipped'))
        continue
      }
      try {
        results.push(await startOne(db, flags, { ...opts, signal }, log, stop))
      } catch (err) {
        if ((opts.onFailure ?? 'throw') === 'throw' || !(err instanceof StrataError)) throw err
        results.push({ ...emptyResult(db, flags, 'failed'), error: err })
      }
    }
  } finally {
    interruption?.dispose()
  }
  return results
}

function modeOf(flags: StartupFlags): StartupDatabaseResult['mode'] {
  return flags.force ? 'force' : flags.auto ? 'auto' : 'check'
}

function emptyResult(db: StartupDatabase, flags: StartupFlags, outcome: StartupDatabaseResult['outcome']): StartupDatabaseResult {
  return { name: db.name, set: db.set ?? 'default', mode: modeOf(flags), flags, outcome, applied: [], pending: [], waiting: [], schemaVersion: null, compatibility: null, warnings: [] }
}

async function startOne(db: StartupDatabase, flags: StartupFlags, opts: StartupOptions, log: StartupLogger, stop?: AbortSignal): Promise<StartupDatabaseResult> {
  // A malformed code migration is refused before a connection is opened (E_FILENAME / E_MODULE_INVALID).
  const migrations = db.migrations ? toMigrations(db.migrations) : undefined
  const adapter = typeof db.adapter === 'function' ? await db.adapter() : db.adapter
  const app = db.app ?? opts.app
  const mode = modeOf(flags)
  const migratorOpts: MigratorOptions = {
    adapter, dir: db.dir, migrations, set: db.set, placeholders: db.placeholders,
    lockTtlMs: db.lockTtlMs, lockWaitMs: flags.timeoutMs, migrationTimeoutMs: flags.timeoutMs, snapshots: flags.snapshots,
    lint: db.lint,
    ...(db.backup || flags.backup !== undefined ? { backup: { dir: '.strata/backups', ...db.backup, enabled: flags.backup ?? db.backup?.enabled ?? false } } : {}),
  }
  const m = new Migrator(migratorOpts)
  opts.onMigrator?.(m, { name: db.name, adapter })
  const result: StartupDatabaseResult = { ...emptyResult(db, flags, 'ok'), set: m.set }
  const warn = (msg: string): void => {
    result.warnings.push(msg)
    log.warn(`${db.name}: ${msg}`)
  }
  m.on('lint', (e) => e.findings.forEach((f) => f.severity === 'warning' && warn(`lint ${f.rule} in ${f.file}${f.statementIndex ? ` statement ${f.statementIndex}` : ''}: ${f.message}`)))
  m.on('step:destructive', (e) => log.warn(`${db.name}: ${e.version} ${e.direction} is destructive: ${e.reasons.join('; ')}${e.tables.length ? `; tables: ${e.tables.join(', ')}` : ''} — ${e.backup ? 'backing up first' : e.tables.length ? 'no backup (BACKUP_BEFORE_MIGRATION=true keeps the rows first)' : 'no table to back up'}`))
  m.on('backup', (e) => e.type === 'backup:done' && log.info(`${db.name}: backup ${e.id} done: ${e.rows} rows in ${e.durationMs} ms`))
  m.on('lock:waiting', (e) => log.info(`${db.name}: waiting for another instance to finish migrating set "${e.set}" (${e.holder?.owner ?? 'unknown'})`))
  try {
    const gate = (current: string | undefined, final: boolean): void => {
      if (!app) return
      const c = checkCompatibility(current, app)
      result.compatibility = c
      // Before migrating, an old or empty schema is what AUTO_MIGRATE is about to fix; a newer major never is.
      const fixable = !final && mode !== 'check' && (c.reason === 'older-than-minimum' || c.reason === 'no-schema')
      if (!c.ok && !fixable) {
        throw new StrataError('E_INCOMPATIBLE_SCHEMA', `${db.name} (set "${m.set}"): ${c.message}`, { version: current, details: { app, reason: c.reason } })
      }
      if (c.ok && c.reason !== 'compatible') warn(c.message)
    }
    // One history read for a no-op: the status before says whether `up` has anything to do (a row to apply or to
    // finish, or an error it must raise, such as a changed checksum); only then does the hook run it and read again.
    const before = await m.status({ app })
    gate(before.current, false)
    let status = before
    if (mode !== 'check' && needsRun(before)) {
      const kinds: MigrationKind[] = mode === 'force' ? ['schema', 'data'] : ['schema']
      // The gate never overshoots: nothing newer than the app's own schema version is applied.
      const run = await m.up({ kinds, signal: opts.signal, stop, createTarget: true, upTo: appCap(app) })
      if (run.createdTarget) log.info(`${db.name}: created ${run.createdTarget}`)
      result.applied = run.steps
      if (run.steps.length) log.info(`${db.name}: applied ${run.steps.map((s) => s.version).join(', ')}`)
      if (run.blockedBy) warn(`data migration ${run.blockedBy.version} ${run.blockedBy.name} is pending; set FORCE_MIGRATION=true (or ${db.name.toUpperCase()}_FORCE_MIGRATION) to apply it`)
      status = await m.status({ app })
    }
    result.schemaVersion = status.current ?? null
    result.pending = status.rows.filter((r) => isToApply(r) || r.state === 'partial' || r.state === 'failed').map((r) => r.version)
    result.waiting = status.waiting
    if (result.waiting.length) log.info(`${db.name}: ${result.waiting.join(', ')} ${result.waiting.length === 1 ? 'waits' : 'wait'} for a newer app (this one supports schema version ${app?.schemaVersion})`)
    if (mode === 'check' && result.pending.length) {
      warn(`${plural(result.pending.length, 'migration')} pending (${result.pending.join(', ')}); not applied because AUTO_MIGRATE is not set`)
    }
    gate(status.current, true)
    if (flags.validate) {
      const v = await m.validate()
      const errors = v.issues.filter((i) => i.severity === 'error')
      if (errors.length) throw new StrataError('E_VALIDATION', `${db.name}: schema validation failed: ${errors.map((e) => e.message).join('; ')}`, { details: { issues: v.issues } })
    }
    return result
  } catch (err) {
    if (err instanceof StrataError) throw err
    throw new StrataError('E_MIGRATION_FAILED', `${db.name}: start-up migration failed: ${messageOf(err)}`, { cause: err })
  } finally {
    if (!db.keepOpen) await adapter.close()
  }
}

/** Whether `up` has work (or an error to raise) for this status: otherwise the hook skips it, and its lease. */
function needsRun(s: StatusReport): boolean {
  return s.issues.some((i) => i.severity === 'error') || s.rows.some((r) => isToApply(r) || r.state === 'partial' || r.state === 'failed' || r.state === 'rolling_back')
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`
