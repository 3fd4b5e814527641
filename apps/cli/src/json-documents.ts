/**
 * The documents `--json` prints, one type per command: the commands return these types, and the JSON Schemas in
 * apps/cli/schemas are generated from them (json-schemas.ts), so what is printed and what is published cannot
 * drift apart. Dates are printed as ISO 8601 strings; fields that are undefined are left out.
 */
import type {
  AppSchemaRequirements, AppliedMigration, BackupManifest, RestoreReport, Census, CompatibilityResult, HealthReport, LintFinding, LintProfile, LockInfo,
  PlanIssue, Recommendation, SchemaChange, SchemaSnapshot, SetReport, SnapshotWhich, StatusRow, StepResult, StrataErrorCode,
  ShardCensus, SweepFailure, ValidationReport,
} from '@strata-migrate/core/adapter-kit'

/**
 * The version of these documents' shapes, printed in every document as `formatVersion` (`schemaVersion` is taken:
 * report and migrate print the database's) and named in each schema's `$id`. It changes when a field is removed,
 * renamed or changes type or meaning; added fields keep it.
 */
export const JSON_SCHEMA_VERSION = 1

/** What every printed document starts with. */
export interface Versioned {
  formatVersion: typeof JSON_SCHEMA_VERSION
}

type Db = 'scylladb' | 'cockroachdb' | 'alternator'

/** One step of an `up --dry-run` or `down --dry-run` plan, with the statements it would send. */
export interface PlanStepDocument {
  version: string
  name: string
  file: string
  kind: string
  direction: 'up' | 'down'
  /** Statements already done by an interrupted run; the plan starts after them. */
  resumeFrom: number
  statements: string[]
  /** A code migration (.ts/.js module or strata.config.ts): its statements are known only when it runs. */
  code: boolean
}

/** `up` and `down`: what ran (or, with --dry-run, the plan). */
interface RunDocument {
  ok: true
  db: Db
  set: string
  dryRun: boolean
  lockWaitMs: number
  /** The keyspace/database the run created first ('keyspace app'). */
  created?: string
  /** --dry-run: the keyspace/database the run would create. */
  wouldCreate?: string
  nothingToDo: boolean
  /** --dry-run only. */
  plan?: PlanStepDocument[]
  steps: StepResult[]
  warnings: PlanIssue[]
  /** The first migration not run because of its kind (e.g. a data migration with --schema-only). */
  blockedBy?: { version: string; name: string; kind: string }
}

export interface UpDocument extends RunDocument {
  command: 'up'
  /** Lint findings of the files the run applied (warnings; an error finding refuses the run). */
  lint: LintFinding[]
}

export interface DownDocument extends RunDocument {
  command: 'down'
}

export interface StatusDocument {
  ok: true
  command: 'status'
  db: Db
  set: string
  current: string | null
  counts: { applied: number; baselined: number; pending: number; partial: number; failed: number; rolling_back: number; rolled_back: number; missing: number }
  pending: string[]
  waiting: string[]
  app?: AppSchemaRequirements
  rows: StatusRow[]
  issues: PlanIssue[]
}

export interface HistoryDocument {
  ok: true
  command: 'history'
  db: Db
  set: string
  rows: AppliedMigration[]
}

/** Printed also when validation fails (ok false, exit 3). */
export interface ValidateDocument extends ValidationReport {
  command: 'validate'
  db: Db
  set: string
}

/** `lint --rules`: the rules of the dialect. */
export interface LintRulesDocument {
  ok: true
  command: 'lint'
  db: Db
  rules: { id: string; severity: string; description: string; only?: string }[]
}

/** `lint`: printed also when a finding is an error (ok false, exit 3). */
export interface LintFindingsDocument {
  ok: boolean
  command: 'lint'
  db: Db
  set: string
  dir: string
  profile: LintProfile
  server: string | null
  files: number
  errors: number
  warnings: number
  findings: LintFinding[]
}

export type LintDocument = LintRulesDocument | LintFindingsDocument

export interface CreateDocument {
  ok: true
  command: 'create'
  version: string
  files: string[]
}

export interface BaselineDocument {
  ok: true
  command: 'baseline'
  db: Db
  set: string
  baselined: string[]
}

export interface RepairDocument {
  ok: true
  command: 'repair'
  db: Db
  set: string
  checksumsUpdated: string[]
  rowsCleared: string[]
}

export interface ResolveDocument {
  ok: true
  command: 'resolve'
  db: Db
  set: string
  version: string
  statement: number
  applied: boolean
}

export interface LockStatusDocument {
  ok: true
  command: 'lock status'
  db: Db
  set: string
  /** Held by a lease that has not lapsed. */
  locked: boolean
  lock: LockInfo | null
}

export interface LockReleaseDocument {
  ok: true
  command: 'lock release'
  db: Db
  set: string
  /** The lock that was removed, or null when the set was not locked. */
  released: LockInfo | null
}

export interface ReportDocument extends SetReport {
  ok: true
  command: 'report'
  db: Db
}

/** Printed also when unhealthy (ok false, the failed check's exit code). */
export interface HealthDocument extends HealthReport {
  command: 'health'
  db: Db
}

/** Printed also when something is critical (ok false, exit 3). */
export interface RecommendationsDocument {
  ok: boolean
  command: 'recommendations'
  db: Db
  set: string
  counts: { critical: number; warning: number; info: number }
  recommendations: Recommendation[]
}

/** The stored snapshot a `snapshot show`/`diff` side was read from. */
export interface SnapshotSource {
  version: string
  which: SnapshotWhich
  takenAt: Date
}

export interface SnapshotShowDocument {
  ok: true
  command: 'snapshot show'
  db: Db
  set: string
  version: string
  which: SnapshotWhich
  snapshot: SnapshotSource
  format: 'cql' | 'sql' | 'json'
  ddlSource: string
  ddl: string
  schema: SchemaSnapshot
}

export interface SnapshotDiffDocument {
  ok: true
  command: 'snapshot diff'
  db: Db
  set: string
  from: SnapshotSource
  to: SnapshotSource
  changes: SchemaChange[]
}

/** One database and set of `strata migrate`. */
export interface MigrateDatabaseDocument {
  database: string
  set: string
  mode: 'check' | 'auto' | 'force'
  outcome: 'ok' | 'failed' | 'skipped'
  applied: string[]
  pending: string[]
  waiting: string[]
  schemaVersion: string | null
  compatibility: CompatibilityResult | null
  warnings: string[]
  error?: ErrorFields
}

/** Printed also when a database failed (ok false, the worst outcome's exit code). */
export interface MigrateDocument {
  ok: boolean
  command: 'migrate'
  databases: MigrateDatabaseDocument[]
}

/** Printed also when a step failed on some document (ok false, exit 1). */
export interface EvolveDocument {
  ok: boolean
  command: 'evolve'
  /** sweep: this process swept (its shard of) the table. */
  mode: 'sweep'
  entity: string
  api: 'cql' | 'dynamodb'
  table: string
  censusOnly: boolean
  /** Segments the table was split into (all shards' together). */
  segments: number
  /** With --shard i/N: this shard and the segments it owns (segment s belongs to shard s mod N). */
  shard?: { index: number; count: number; segments: number[] }
  resumed: boolean
  rows: number
  rowsThisRun: number
  durationMs: number
  rowsPerSecond: number
  census: Census
  failures: SweepFailure[]
}

/** `strata evolve --census`: every shard's checkpoints merged (no table row is read). */
export interface EvolveCensusDocument extends ShardCensus {
  /** No shard recorded a failed row (a census of an unfinished sweep is still ok: see `complete`). */
  ok: boolean
  command: 'evolve'
  mode: 'census'
  entity: string
  api: 'cql' | 'dynamodb'
  table: string
  censusOnly: boolean
}

/** A StrataError as printed: its code, message and where it happened. */
export interface ErrorFields {
  /** E_INTERNAL: not a Strata error (a bug); its stack is printed on stderr with STRATA_DEBUG=1. */
  code: StrataErrorCode | 'E_INTERNAL'
  message: string
  version?: string
  file?: string
  /** 1-based statement number within its file. */
  statementIndex?: number
  statement?: string
  details?: Record<string, unknown>
}

/** Any command that failed before it had a document of its own: a usage error, a bad config, a failed migration. */
export interface ErrorDocument extends Versioned {
  ok: false
  error: ErrorFields
}

export interface BackupListDocument {
  ok: true
  command: 'backup list'
  db: Db
  dir: string
  /** Manifests (docs/backups.md), oldest first. */
  backups: BackupManifest[]
}

export interface BackupShowDocument {
  ok: true
  command: 'backup show'
  dir: string
  backup: BackupManifest
}

/** Printed also when a table could not be verified (ok false, exit 3). */
export interface BackupRestoreDocument extends RestoreReport {
  command: 'backup restore'
  db: Db
}

/** Every command's document, by command: one schema file each (apps/cli/schemas/<command>.schema.json). */
export interface CommandDocuments {
  up: UpDocument
  down: DownDocument
  status: StatusDocument
  history: HistoryDocument
  validate: ValidateDocument
  lint: LintDocument
  create: CreateDocument
  baseline: BaselineDocument
  repair: RepairDocument
  resolve: ResolveDocument
  'lock status': LockStatusDocument
  'lock release': LockReleaseDocument
  report: ReportDocument
  health: HealthDocument
  recommendations: RecommendationsDocument
  'snapshot show': SnapshotShowDocument
  'snapshot diff': SnapshotDiffDocument
  migrate: MigrateDocument
  evolve: EvolveDocument | EvolveCensusDocument
  'backup list': BackupListDocument
  'backup show': BackupShowDocument
  'backup restore': BackupRestoreDocument
}

export type CommandName = keyof CommandDocuments
export type CommandDocument = CommandDocuments[CommandName]

/** What `strata <command> --json` prints: the command's document, or the error document. */
export type JsonOutputs = { [C in CommandName]: (Versioned & CommandDocuments[C]) | ErrorDocument }
