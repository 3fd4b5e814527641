/** The Migrator's options, per-run options and results. */
import type { BackupOptions } from './backup/backup-types.js'
import type { MigrationInput } from './code-migrations.js'
import type { FileSourceIo } from './file-source.js'
import type { MigratorLintOptions } from './lint/run-lint.js'
import type { Plan, PlanIssue } from './plan.js'
import type { CommandStyle } from './recommend/index.js'
import type { AppSchemaRequirements } from './compatibility.js'
import type { StepResult } from './run/run-step.js'
import type { SnapshotMode } from './snapshot-recorder.js'
import type { StatusRow } from './status.js'
import type { Adapter, MigrationKind } from './types.js'

export interface MigratorOptions {
  adapter: Adapter
  /** Directory of migration files; or give `migrations` directly, or both (merged by version). */
  dir?: string
  /**
   * Migrations in code: `{ version, name, description?, kind?, up, down?, checksum?, transactional? }` (seed 004's
   * shape; see CodeMigration), or already loaded Migrations. With `dir`, both are one set: one version scheme,
   * and a version in both is refused (E_DUPLICATE_VERSION naming the file and the code migration).
   */
  migrations?: readonly MigrationInput[]
  /** Namespaces history and lock so several services can share a keyspace/database. */
  set?: string
  owner?: string
  lockTtlMs?: number
  lockWaitMs?: number
  /** Per-migration time limit; the run stops between statements (the server may finish the current one). */
  migrationTimeoutMs?: number
  placeholders?: Record<string, string>
  allowOutOfOrder?: boolean
  allowMissing?: boolean
  now?: () => Date
  /** Monotonic clock (ms) the lease's validity is measured on; injected by tests. Default performance.now. */
  clock?: () => number
  io?: Partial<FileSourceIo>
  /** Let `down` take a semver set to a lower major (2.1.0 → 1.x); refused with E_DOWNGRADE_REFUSED otherwise (seed 002). */
  allowDowngrade?: boolean
  /**
   * Schema snapshots in strata_snapshots (where the adapter keeps them): 'before' the first migration of an
   * `up` run and 'after' each applied one ('each') or the run's last applied one ('run'); the default 'auto'
   * (= true) is 'each' for runs of up to 10 migrations and 'run' beyond. false turns them off
   * (`--no-snapshots`, STRATA_SNAPSHOTS=false).
   */
  snapshots?: boolean | SnapshotMode
  /**
   * Back up the rows and DDL of the tables a destructive step touches before it runs (`--backup`,
   * BACKUP_BEFORE_MIGRATION=true, config `backup`). Needs an adapter with `backup` support.
   */
  backup?: BackupSettings
  /**
   * Lint before `up` (default on, with the adapter's rules): error findings in pending files end the run
   * with E_LINT before anything runs; warnings are 'lint' events. false turns it off.
   */
  lint?: boolean | MigratorLintOptions
}

/** Backups before destructive steps: on or off, and where and how (BackupOptions). */
export interface BackupSettings extends BackupOptions {
  readonly enabled: boolean
}

export interface UpOptions {
  /** Overrides MigratorOptions.backup.enabled for this run (`up --backup`). */
  backup?: boolean
  target?: string
  dryRun?: boolean
  /**
   * Graceful stop (interruptOnSignals().stop): once aborted, the run stops before its next statement, records
   * where it stopped and releases its lease; `signal` then bounds the wait for the statement in flight.
   */
  stop?: AbortSignal
  /** Kinds to apply; the start-up hook without FORCE_MIGRATION passes ['schema']. */
  kinds?: readonly MigrationKind[]
  /**
   * The newest version the app supports (its schemaVersion): later migrations stay pending, in
   * `plan.waitingForApp`, for a newer app (the start-up hook and `strata migrate` pass the app's version).
   */
  upTo?: string
  signal?: AbortSignal
  /** false skips lint for this run (`up --no-lint`). */
  lint?: boolean
  /**
   * Create the keyspace/database if missing (the CLI's default, the hook's AUTO_MIGRATE) — only once the run is
   * known good: files loaded, plan valid, statements parsed and rendered, lint passed. A dry run reports it.
   */
  createTarget?: boolean
}

export interface DownOptions {
  /** Overrides MigratorOptions.backup.enabled for this run (`down --backup`). */
  backup?: boolean
  steps?: number
  to?: string
  dryRun?: boolean
  /** Graceful stop, as for up. */
  stop?: AbortSignal
  signal?: AbortSignal
  /** Overrides MigratorOptions.allowDowngrade for this run (`down --allow-downgrade`). */
  allowDowngrade?: boolean
}

export interface RecommendationOptions {
  /** The app's supported range: recommendations for the gap between it and the database. */
  app?: AppSchemaRequirements
  /** How the recommended commands are written (program, connection flags, migration directory). */
  cli?: CommandStyle
}

export interface RunResult {
  direction: 'up' | 'down'
  dryRun: boolean
  /** Empty when there was nothing to do: that is a result, not an error. */
  steps: StepResult[]
  plan: Plan
  lockWaitMs: number
  blockedBy?: { version: string; name: string; kind: string }
  /** What the run created first ('keyspace app'), or (dry run) would create. */
  createdTarget?: string
}

export interface StatusReport {
  set: string
  current: string | undefined
  rows: StatusRow[]
  issues: readonly PlanIssue[]
  /** To apply: pending and rolled-back versions with a file (what `up --dry-run` would run), not those waiting for a newer app. */
  pending: string[]
  /** With an app given: versions newer than the app supports, waiting for a newer app. */
  waiting: string[]
}

export interface StatusOptions {
  /** The app's supported range: versions above its schemaVersion are reported as waiting for a newer app. */
  app?: AppSchemaRequirements
}
