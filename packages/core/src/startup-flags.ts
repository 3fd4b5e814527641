import parseDuration from 'parse-duration'
import { StrataError } from './errors.js'
import type { SnapshotMode } from './snapshot-recorder.js'

export interface StartupFlags {
  auto: boolean
  force: boolean
  validate: boolean
  /** Lock wait and per-migration time limit. */
  timeoutMs: number
  /** Schema snapshots: `<DB>_SNAPSHOTS` or STRATA_SNAPSHOTS = true/false or each/run/auto (default true = auto). */
  snapshots: boolean | SnapshotMode
  /**
   * Back up the tables a destructive step touches before it runs: `<DB>_BACKUP_BEFORE_MIGRATION` or
   * BACKUP_BEFORE_MIGRATION (seed 002's `BackupBeforeMigration`); undefined leaves it to the config.
   */
  backup?: boolean
}

const DEFAULT_TIMEOUT_MS = 300_000

function bool(env: Readonly<Record<string, string | undefined>>, name: string): boolean | undefined {
  const v = env[name]?.trim().toLowerCase()
  if (v === undefined || v === '') return undefined
  if (['true', '1', 'yes', 'on'].includes(v)) return true
  if (['false', '0', 'no', 'off'].includes(v)) return false
  throw new StrataError('E_CONFIG', `${name}="${env[name]}" is not a boolean (true/false)`)
}

const SNAPSHOT_MODES: readonly string[] = ['each', 'run', 'auto']

/** STRATA_SNAPSHOTS and friends: a boolean, or a SnapshotMode; undefined when unset. */
export function snapshotsFlag(env: Readonly<Record<string, string | undefined>>, name: string): boolean | SnapshotMode | undefined {
  const v = env[name]?.trim().toLowerCase()
  if (v && SNAPSHOT_MODES.includes(v)) return v as SnapshotMode
  try {
    return bool(env, name)
  } catch {
    throw new StrataError('E_CONFIG', `${name}="${env[name]}" is not a snapshot setting (true/false, each, run or auto)`)
  }
}

/**
 * `1h30m`, `90s`, `2m`, `1500ms` (parse-duration's units), or a bare number of seconds (as in
 * SCYLLADB_MIGRATION_TIMEOUT=300, which has always meant seconds).
 */
export function parseDurationMs(text: string, name: string): number {
  const t = text.trim()
  if (/^\d+(?:\.\d+)?$/.test(t)) return Math.round(Number(t) * 1000)
  // parse-duration skips what it does not understand ("5s 3foo" is 5 s): every part must be a number with a unit it knows.
  const parts = DURATION_SHAPE.test(t) ? t.match(DURATION_PART) ?? [] : []
  if (!parts.length || parts.some((p) => parseDuration(p) === null)) {
    throw new StrataError('E_CONFIG', `${name}="${text}" is not a duration (e.g. 90s, 5m, 1h30m, 1500ms)`)
  }
  return Math.round(parseDuration(t) ?? 0)
}

const DURATION_PART = /\d+(?:\.\d+)?\s*[\p{L}]+/gu
const DURATION_SHAPE = /^(?:\d+(?:\.\d+)?\s*[\p{L}]+\s*)+$/u

/**
 * Flags for one database: `<DB>_AUTO_MIGRATE`, `<DB>_FORCE_MIGRATION`, `<DB>_MIGRATION_TIMEOUT`,
 * `<DB>_VALIDATE_SCHEMA` override the global AUTO_MIGRATE, FORCE_MIGRATION, MIGRATION_TIMEOUT, VALIDATE_SCHEMA.
 */
export function readStartupFlags(env: Readonly<Record<string, string | undefined>>, dbName: string): StartupFlags {
  const p = dbName.toUpperCase().replace(/[^A-Z0-9]/g, '_')
  const pick = (name: string): boolean | undefined => bool(env, `${p}_${name}`) ?? bool(env, name)
  const force = pick('FORCE_MIGRATION') ?? false
  const timeoutText = env[`${p}_MIGRATION_TIMEOUT`] ?? env.MIGRATION_TIMEOUT
  return {
    force,
    // FORCE_MIGRATION implies applying schema migrations too.
    auto: force || (pick('AUTO_MIGRATE') ?? false),
    validate: pick('VALIDATE_SCHEMA') ?? false,
    snapshots: snapshotsFlag(env, `${p}_SNAPSHOTS`) ?? snapshotsFlag(env, 'STRATA_SNAPSHOTS') ?? true,
    ...(pick('BACKUP_BEFORE_MIGRATION') !== undefined ? { backup: pick('BACKUP_BEFORE_MIGRATION') } : {}),
    timeoutMs: timeoutText ? parseDurationMs(timeoutText, env[`${p}_MIGRATION_TIMEOUT`] ? `${p}_MIGRATION_TIMEOUT` : 'MIGRATION_TIMEOUT') : DEFAULT_TIMEOUT_MS,
  }
}
