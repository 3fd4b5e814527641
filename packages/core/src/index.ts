/**
 * @strata-migrate/core — the migration engine's user API: Migrator, migrations in code, the start-up hook and its
 * flags, health and compatibility, validation, snapshots, recommendations, lint of a directory, lazy document
 * evolution, and the errors with their exit codes. Adapter authors: `@strata-migrate/core/adapter-kit`; test doubles:
 * `@strata-migrate/core/testing`.
 */
export { StrataError, isStrataError, exitCodeOf, messageOf, EXIT_CODES, ENVIRONMENT_CODES, type StrataErrorCode, type StrataErrorFields } from './errors.js'
export { Migrator } from './migrator.js'
export type {
  MigratorOptions, BackupSettings, UpOptions, DownOptions, RunResult, StatusReport, StatusOptions, RecommendationOptions,
} from './migrator-options.js'
export type { MigratorLintOptions } from './lint/run-lint.js'
export type {
  Migration, MigrationKind, MigrationContext, AppliedMigration, HistoryStatus, LockInfo, SchemaSnapshot, TableInfo, ColumnInfo,
  Adapter, PreflightInfo, TopologyInfo,
} from './types.js'
export { codeChecksum, type CodeMigration, type MigrationInput } from './code-migrations.js'
export { loadMigrations } from './file-source.js'
export { parseVersion, compareVersions, compareRaw, VERSION_GRAMMAR, type Version, type VersionScheme } from './version.js'
export { isToApply, type StatusRow, type StatusState } from './status.js'
export type { StepResult } from './run/run-step.js'
export type { MigratorEvents } from './events.js'
export { TOOL_VERSION } from './identity.js'
export { migrateOnStartup, type StartupDatabase, type StartupDatabaseResult, type StartupLogger, type StartupOptions } from './startup.js'
export { readStartupFlags, parseDurationMs, type StartupFlags } from './startup-flags.js'
export { interruptOnSignals } from './shutdown.js'
export { checkHealth, worstCheck, type HealthCheck, type HealthReport } from './health.js'
export { checkCompatibility, type AppSchemaRequirements, type CompatibilityResult } from './compatibility.js'
export type { ValidationReport } from './validate.js'
export type { DriftIssue, SchemaBasis } from './schema-check/index.js'
export { diffSchemas, renderSchemaChanges, type SchemaChange } from './schema-diff.js'
export type { CapturedSchema, SnapshotWhich } from './snapshot-types.js'
export type { ResolvedSnapshot, SnapshotDiff } from './snapshot-read.js'
export type { SnapshotMode } from './snapshot-recorder.js'
export { listBackups, readManifest, restoreBackup } from './backup/index.js'
export type { BackupManifest, BackupOptions, BackupEvent, RestoreReport } from './backup/index.js'
export type { SetReport } from './report.js'
export { recommend, type Recommendation, type RecommendationSeverity } from './recommend/index.js'
export { lintDirectory, LINT_PROFILES, type LintFinding, type LintProfile, type LintSeverity } from './lint/index.js'
export * from './evolution/index.js'
