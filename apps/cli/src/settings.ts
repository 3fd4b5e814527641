import {
  LINT_PROFILES, StrataError, mergeSettings, parseVersionArgument, parseDurationMs as parseDuration, parseSettings, snapshotsFlag, withTlsObject,
  type AppSchemaRequirements, type BackupSettings, type CodeMigration, type LintProfile, type SnapshotMode,
} from '@strata-migrate/core/adapter-kit'
import type { CockroachSettings } from '@strata-migrate/cockroachdb/settings'
import type { ScyllaSettings } from '@strata-migrate/scylladb/settings'
import type { AlternatorSettings } from '@strata-migrate/alternator/settings'
import { DATABASE_REGISTRY, type DbSettings, type ResolvedConnection } from './adapters.js'
import { DATABASES, loadConfigFile, type DbName } from './config.js'
import { connectionFlags, flagOf } from './connection-flags.js'

/** Global and per-database options as commander parses them. */
export interface CliOptions {
  db?: string
  dir?: string
  set?: string
  config?: string
  json?: boolean
  var?: string[]
  contactPoints?: string
  localDc?: string
  keyspace?: string
  replication?: string
  allowDownNodes?: boolean
  url?: string
  forcePerStatement?: boolean
  alternatorEndpoint?: string
  alternatorRegion?: string
  tablePrefix?: string
  username?: string
  password?: string
  passwordFile?: string
  /** `--tls` true, `--no-tls` false. */
  tls?: boolean
  tlsCa?: string
  tlsCert?: string
  tlsKey?: string
  tlsServerName?: string
  tlsInsecure?: boolean
  lockTimeout?: string
  lockTtl?: string
  timeout?: string
  allowOutOfOrder?: boolean
  metricsFile?: string
  appVersion?: string
  minimumSupported?: string
  profile?: string
  /** `up --no-snapshots` gives false, `up --snapshots <mode>` a mode; undefined leaves it to STRATA_SNAPSHOTS. */
  snapshots?: boolean | SnapshotMode
  /** `--backup` / `--no-backup`; undefined leaves it to BACKUP_BEFORE_MIGRATION and the config. */
  backup?: boolean
  backupDir?: string
}

export interface Settings {
  db: DbName
  set: string
  dir: string
  placeholders: Record<string, string>
  /** The chosen database's connection settings, merged from the config file, env and flags (validated). */
  scylladb: ScyllaSettings
  cockroachdb: CockroachSettings
  /** Only with --db alternator (the other commands' settings never carry it). */
  alternator?: AlternatorSettings
  /** Adapter options, resolved (files read, contradictions refused); absent for commands that never connect. */
  connection?: ResolvedConnection
  lockTtlMs: number
  lockWaitMs: number
  migrationTimeoutMs?: number
  allowOutOfOrder: boolean
  configPath?: string
  /** `--metrics-file`: Migrators feed the run's prom-client registry, written when the command ends. */
  metricsFile?: string
  /** `--profile` / STRATA_PROFILE: the lint profile (production turns on the replication rules). */
  profile: LintProfile
  /** Schema snapshots (default true = auto): `--snapshots each|run|auto`, `--no-snapshots`, STRATA_SNAPSHOTS. */
  snapshots?: boolean | SnapshotMode
  /** Backups before destructive steps: `--backup`, BACKUP_BEFORE_MIGRATION, config `backup`. */
  backup: BackupSettings
  /** Printed to stderr before the command runs: insecure TLS, a password on the command line or in a JSON file. */
  warnings: string[]
  /** The app's supported range (--app-version/--minimum-supported, else the set's or the config's `app`). */
  app?: AppSchemaRequirements
  /** Migrations defined in code by the set in strata.config.ts (with or without a dir). */
  migrations?: readonly CodeMigration[]
  /** Whether the set has a directory (a code-only set has none). */
  hasDir: boolean
}

const env = (name: string): string | undefined => {
  const v = process.env[name]
  return v === undefined || v === '' ? undefined : v
}

function parseVars(vars: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {}
  for (const v of vars) {
    const i = v.indexOf('=')
    if (i < 1) throw new StrataError('E_USAGE', `--var expects name=value, got "${v}"`)
    out[v.slice(0, i)] = v.slice(i + 1)
  }
  return out
}

/** One database's settings: the config file's section, then env, then flags, key by key; each layer validated. */
function connectionSettings<S extends DbSettings>(db: DbName, fileSection: S | undefined, o: CliOptions): S {
  const entry = DATABASE_REGISTRY[db]
  const fromEnv = entry.settingsFromEnv()
  const fromFlags: DbSettings = parseSettings(entry.settingsSchema, connectionFlags(o, db), { name: 'the command line', nameOf: flagOf })
  // Only the CQL and SQL settings have a tls key; withTlsObject leaves the others as they are.
  const tls = (x: DbSettings): DbSettings => withTlsObject(x as ScyllaSettings)
  return mergeSettings<S>(tls(fileSection ?? {}) as S, tls(fromEnv) as Partial<S>, tls(fromFlags) as Partial<S>)
}

/** Options come from flags, then env, then the config file. */
export async function resolveSettings(o: CliOptions, fixedDb?: DbName, opts: { connection?: boolean } = {}): Promise<Settings> {
  const { config, path, warnings } = await loadConfigFile(o.config)
  const db = (fixedDb ?? o.db ?? env('STRATA_DB') ?? onlyConfiguredDb(config.databases)) as DbName | undefined
  if (!db) throw new StrataError('E_USAGE', 'choose a database with --db scylladb|cockroachdb|alternator (or use strata-scylladb / strata-cockroachdb)')
  if (!DATABASES.includes(db)) throw new StrataError('E_USAGE', `unknown database "${db}" (scylladb, cockroachdb or alternator)`)
  const { sets, ...fileSection } = config.databases?.[db] ?? {}
  const set = o.set ?? env('STRATA_SET') ?? 'default'
  const conn = connectionSettings<ScyllaSettings & CockroachSettings & AlternatorSettings>(db, fileSection as ScyllaSettings & CockroachSettings & AlternatorSettings, o)
  const keyspace = db === 'scylladb' ? conn.keyspace : undefined
  // The table prefix is the .json sets' ${prefix} ('' when none, so files can always name it).
  const prefix: Record<string, string> = db === 'alternator' ? { prefix: conn.tablePrefix ?? '' } : {}
  const settings: Settings = {
    db,
    set,
    dir: o.dir ?? env('STRATA_DIR') ?? sets?.[set]?.dir ?? `migrations/${db}`,
    hasDir: o.dir !== undefined || env('STRATA_DIR') !== undefined || sets?.[set]?.dir !== undefined || sets?.[set]?.migrations === undefined,
    ...(sets?.[set]?.migrations ? { migrations: sets[set].migrations } : {}),
    placeholders: { ...(keyspace ? { keyspace } : {}), ...prefix, ...sets?.[set]?.placeholders, ...parseVars(o.var) },
    scylladb: db === 'scylladb' ? conn : {},
    cockroachdb: db === 'cockroachdb' ? conn : {},
    alternator: db === 'alternator' ? conn : {},
    lockTtlMs: o.lockTtl ? parseDuration(o.lockTtl, '--lock-ttl') : (config.lock?.ttlMs ?? 30_000),
    lockWaitMs: o.lockTimeout ? parseDuration(o.lockTimeout, '--lock-timeout') : (config.lock?.waitMs ?? 120_000),
    migrationTimeoutMs: o.timeout ? parseDuration(o.timeout, '--timeout') : config.migrationTimeoutMs,
    allowOutOfOrder: o.allowOutOfOrder === true,
    configPath: path,
    metricsFile: o.metricsFile,
    profile: lintProfile(o.profile ?? env('STRATA_PROFILE')),
    snapshots: o.snapshots ?? snapshotsFlag(process.env, 'STRATA_SNAPSHOTS') ?? true,
    backup: backupSettings(o, config.backup),
    warnings: [...warnings, ...commandLineSecretWarnings(o, db)],
    ...appRange(o, sets?.[set]?.app ?? config.app),
  }
  if (opts.connection !== false) {
    // Resolved before anything connects: a missing keyspace, an unreadable CA or a contradiction is E_CONFIG (exit 2).
    settings.connection = DATABASE_REGISTRY[db].connection(conn)
    settings.warnings.push(...settings.connection.warnings)
  }
  return settings
}

/** --backup/--backup-dir, then BACKUP_BEFORE_MIGRATION / STRATA_BACKUP_DIR, then the config's `backup`. */
function backupSettings(o: CliOptions, fromConfig: Omit<BackupSettings, 'enabled' | 'dir'> & { enabled?: boolean; dir?: string } | undefined): BackupSettings {
  const envOn = env('BACKUP_BEFORE_MIGRATION')?.toLowerCase()
  const enabled = o.backup ?? (envOn === undefined ? undefined : ['1', 'true', 'yes', 'on'].includes(envOn)) ?? fromConfig?.enabled ?? false
  return { ...fromConfig, enabled, dir: o.backupDir ?? env('STRATA_BACKUP_DIR') ?? fromConfig?.dir ?? '.strata/backups' }
}

/** --app-version / --minimum-supported, else the config's; versions checked here (E_USAGE names the flag). */
function appRange(o: CliOptions, fromConfig: AppSchemaRequirements | undefined): { app?: AppSchemaRequirements } {
  if (o.minimumSupported !== undefined && o.appVersion === undefined) throw new StrataError('E_USAGE', '--minimum-supported needs --app-version')
  const app = o.appVersion !== undefined ? { schemaVersion: o.appVersion, ...(o.minimumSupported ? { minimumSupported: o.minimumSupported } : {}) } : fromConfig
  if (!app) return {}
  parseVersionArgument(app.schemaVersion, '--app-version')
  if (app.minimumSupported) parseVersionArgument(app.minimumSupported, '--minimum-supported')
  return { app }
}

/** A password in argv is visible to every user of the machine (`ps`, /proc/<pid>/cmdline). */
function commandLineSecretWarnings(o: CliOptions, db: DbName): string[] {
  const viaEnv = `STRATA_${db.toUpperCase()}_PASSWORD or --password-file`
  const out: string[] = []
  if (o.password !== undefined) out.push(`--password on the command line is visible to other users of this machine (ps); use ${viaEnv}`)
  if (o.url && /^[a-z]+:\/\/[^/@]*:[^/@]*@/i.test(o.url)) out.push(`the --url holds a password, visible to other users of this machine (ps); use STRATA_COCKROACHDB_URL or ${viaEnv}`)
  return out
}

function lintProfile(p: string | undefined): LintProfile {
  if (p === undefined) return 'development'
  if (!(LINT_PROFILES as readonly string[]).includes(p)) throw new StrataError('E_USAGE', `unknown profile "${p}" (production or development)`)
  return p as LintProfile
}

function onlyConfiguredDb(databases: Record<string, unknown> | undefined): string | undefined {
  const names = Object.keys(databases ?? {})
  return names.length === 1 ? names[0] : undefined
}
