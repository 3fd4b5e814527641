import { LINT_PROFILES, StrataError, parseDurationMs as parseDuration, snapshotsFlag, type LintProfile, type SnapshotMode } from '@strata/core'
import { DATABASES, loadConfigFile, parseReplication, type DbName, type Replication, type StrataConfig } from './config.js'

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
  lockTimeout?: string
  lockTtl?: string
  timeout?: string
  allowOutOfOrder?: boolean
  metricsFile?: string
  profile?: string
  /** `up --no-snapshots` gives false, `up --snapshots <mode>` a mode; undefined leaves it to STRATA_SNAPSHOTS. */
  snapshots?: boolean | SnapshotMode
}

export interface Settings {
  db: DbName
  set: string
  dir: string
  placeholders: Record<string, string>
  scylladb: { contactPoints: string[]; localDataCenter: string; keyspace: string; username?: string; password?: string; replication: Replication; allowDownNodes: boolean }
  cockroachdb: { url?: string; forcePerStatement: boolean }
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

/** Options come from flags, then env, then the config file. */
export async function resolveSettings(o: CliOptions, fixedDb?: DbName, opts: { connection?: boolean } = {}): Promise<Settings> {
  const { config, path } = await loadConfigFile(o.config)
  const db = (fixedDb ?? o.db ?? env('STRATA_DB') ?? onlyConfiguredDb(config)) as DbName | undefined
  if (!db) throw new StrataError('E_USAGE', 'choose a database with --db scylladb|cockroachdb (or use strata-scylladb / strata-cockroachdb)')
  if (!DATABASES.includes(db)) throw new StrataError('E_USAGE', `unknown database "${db}" (scylladb or cockroachdb)`)
  const s = config.databases?.scylladb ?? {}
  const c = config.databases?.cockroachdb ?? {}
  const set = o.set ?? env('STRATA_SET') ?? 'default'
  const section = db === 'scylladb' ? s : c
  const dir = o.dir ?? env('STRATA_DIR') ?? section.sets?.[set]?.dir ?? `migrations/${db}`
  const keyspace = o.keyspace ?? env('STRATA_SCYLLADB_KEYSPACE') ?? s.keyspace
  const replicationText = o.replication ?? env('STRATA_SCYLLADB_REPLICATION')
  const settings: Settings = {
    db,
    set,
    dir,
    placeholders: { ...(db === 'scylladb' && keyspace ? { keyspace } : {}), ...section.sets?.[set]?.placeholders, ...parseVars(o.var) },
    scylladb: {
      contactPoints: (o.contactPoints ?? env('STRATA_SCYLLADB_CONTACT_POINTS'))?.split(',').map((x) => x.trim()).filter(Boolean) ?? s.contactPoints ?? ['127.0.0.1'],
      localDataCenter: o.localDc ?? env('STRATA_SCYLLADB_LOCAL_DC') ?? s.localDataCenter ?? 'datacenter1',
      keyspace: keyspace ?? '',
      username: env('STRATA_SCYLLADB_USERNAME') ?? s.username,
      password: env('STRATA_SCYLLADB_PASSWORD') ?? s.password,
      replication: replicationText ? parseReplication(replicationText) : (s.replication ?? { class: 'SimpleStrategy', replicationFactor: 1 }),
      allowDownNodes: o.allowDownNodes === true || env('STRATA_SCYLLADB_ALLOW_DOWN_NODES') === 'true',
    },
    cockroachdb: {
      url: o.url ?? env('STRATA_COCKROACHDB_URL') ?? c.url,
      forcePerStatement: o.forcePerStatement ?? (env('STRATA_COCKROACHDB_FORCE_PER_STATEMENT') === 'true' || c.forcePerStatement === true),
    },
    lockTtlMs: o.lockTtl ? parseDuration(o.lockTtl, '--lock-ttl') : (config.lock?.ttlMs ?? 30_000),
    lockWaitMs: o.lockTimeout ? parseDuration(o.lockTimeout, '--lock-timeout') : (config.lock?.waitMs ?? 120_000),
    migrationTimeoutMs: o.timeout ? parseDuration(o.timeout, '--timeout') : config.migrationTimeoutMs,
    allowOutOfOrder: o.allowOutOfOrder === true,
    configPath: path,
    metricsFile: o.metricsFile,
    profile: lintProfile(o.profile ?? env('STRATA_PROFILE')),
    snapshots: o.snapshots ?? snapshotsFlag(process.env, 'STRATA_SNAPSHOTS') ?? true,
  }
  // No default keyspace: a typo or a forgotten flag must not migrate a keyspace nobody named.
  if (db === 'scylladb' && !keyspace && opts.connection !== false) {
    throw new StrataError('E_CONFIG', 'no ScyllaDB keyspace: pass --keyspace, set STRATA_SCYLLADB_KEYSPACE, or give databases.scylladb.keyspace in the config file')
  }
  if (db === 'cockroachdb' && !settings.cockroachdb.url && opts.connection !== false) {
    throw new StrataError('E_CONFIG', 'no CockroachDB URL: pass --url or set STRATA_COCKROACHDB_URL')
  }
  return settings
}

function lintProfile(p: string | undefined): LintProfile {
  if (p === undefined) return 'development'
  if (!(LINT_PROFILES as readonly string[]).includes(p)) throw new StrataError('E_USAGE', `unknown profile "${p}" (production or development)`)
  return p as LintProfile
}

function onlyConfiguredDb(config: StrataConfig): string | undefined {
  const names = Object.keys(config.databases ?? {})
  return names.length === 1 ? names[0] : undefined
}
