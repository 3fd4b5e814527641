import { EXIT_CODES, StrataError, migrateOnStartup, type StartupDatabase, type StartupDatabaseResult } from '@strata-migrate/core/adapter-kit'
import { openAdapter } from '../adapters.js'
import { DATABASES, loadConfigFile, type DbName } from '../config.js'
import type { Output } from '../output.js'
import { resolveSettings, type CliOptions, type Settings } from '../settings.js'

/**
 * `strata migrate`: every database of the config (in the config's order) and every set of each (in its order),
 * with exactly the start-up hook's semantics — it is migrateOnStartup: no flag checks and gates; AUTO_MIGRATE
 * creates the target and applies schema migrations; FORCE_MIGRATION also data migrations; `<DB>_…` overrides;
 * MIGRATION_TIMEOUT; VALIDATE_SCHEMA; never beyond the app's schema version. One table, one JSON document, the
 * exit code of the worst outcome; stops at the first failing database unless --continue-on-error.
 */
export async function migrateAllCommand(o: CliOptions, fixedDb: DbName | undefined, out: Output, opts: { continueOnError?: boolean }): Promise<unknown> {
  const targets = await targetsOf(o, fixedDb)
  for (const s of targets) for (const w of s.warnings) out.log(out.c.yellow(`warning: ${w}`))
  const instrument = targets.some((s) => s.metricsFile) ? await (await import('../metrics.js')).fileInstrumenter() : undefined
  const databases: StartupDatabase[] = targets.map((s) => ({
    name: s.db, set: s.set, ...(s.hasDir ? { dir: s.dir } : {}), ...(s.migrations ? { migrations: s.migrations } : {}),
    placeholders: s.placeholders, lockTtlMs: s.lockTtlMs, app: s.app,
    lint: { profile: s.profile }, backup: s.backup, adapter: () => openAdapter(s),
  }))
  const results = await migrateOnStartup({
    databases, env: process.env, onFailure: opts.continueOnError ? 'continue' : 'stop',
    logger: { info: (m) => out.log(m), warn: (m) => out.log(out.c.yellow(`warning: ${m}`)) },
    ...(instrument ? { onMigrator: (m, db) => instrument(m, db.adapter) } : {}),
  })
  out.table(['database', 'set', 'mode', 'applied', 'pending', 'waiting for app', 'schema version', 'result'], results.map((r) => [
    r.name, r.set, r.mode, r.applied.map((x) => x.version).join(' ') || '-', r.pending.join(' ') || '-', r.waiting.join(' ') || '-',
    r.schemaVersion ?? '(none)', r.outcome === 'ok' ? out.c.green('ok') : r.outcome === 'skipped' ? out.c.dim('skipped') : out.c.red(`${r.error?.code}`),
  ]))
  const doc = { ok: results.every((r) => r.outcome === 'ok'), command: 'migrate', databases: results.map(summary) }
  const failed = results.filter((r) => r.error).sort((a, b) => EXIT_CODES[b.error?.code ?? 'E_MIGRATION_FAILED'] - EXIT_CODES[a.error?.code ?? 'E_MIGRATION_FAILED'])
  const worst = failed[0]?.error
  if (worst) {
    out.document(doc)
    throw new StrataError(worst.code, `migrate: ${failed.length} of ${results.length} failed; first: ${worst.message}`, { details: { reported: true } })
  }
  return doc
}

function summary(r: StartupDatabaseResult): Record<string, unknown> {
  return {
    database: r.name, set: r.set, mode: r.mode, outcome: r.outcome, applied: r.applied.map((x) => x.version), pending: r.pending, waiting: r.waiting,
    schemaVersion: r.schemaVersion, compatibility: r.compatibility, warnings: r.warnings, ...(r.error ? { error: r.error.toJSON() } : {}),
  }
}

/** The databases and sets to run, in the config's order: `--db`/`--set` (or the standalone tool) narrow them. */
async function targetsOf(o: CliOptions, fixedDb: DbName | undefined): Promise<Settings[]> {
  const { config, databaseOrder: configured } = await loadConfigFile(o.config)
  const dbs = fixedDb ? [fixedDb] : o.db ? [o.db as DbName] : configured
  if (!dbs.length) throw new StrataError('E_USAGE', 'migrate: no database: give --db scylladb|cockroachdb|alternator, or list databases in strata.config.*')
  for (const db of dbs) if (!DATABASES.includes(db)) throw new StrataError('E_USAGE', `unknown database "${db}" (scylladb, cockroachdb or alternator)`)
  const pairs = dbs.flatMap((db) => {
    const sets = o.set ? [o.set] : Object.keys(config.databases?.[db]?.sets ?? {})
    return (sets.length ? sets : ['default']).map((set) => ({ db, set }))
  })
  if (o.dir && pairs.length > 1) throw new StrataError('E_USAGE', `--dir applies to one database and set, and migrate would run ${pairs.length}: narrow it with --db and --set`)
  const out: Settings[] = []
  for (const { db, set } of pairs) out.push(await resolveSettings({ ...o, db, set }, fixedDb))
  return out
}
