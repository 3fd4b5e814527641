import { register as globalRegistry, type Registry } from 'prom-client'
import type { Migrator } from '@strata-migrate/core'
import { strataMetrics } from './metric-families.js'
import { setVersion } from './schema-version.js'

export interface InstrumentOptions {
  /** Default: prom-client's global registry (`register`). */
  registry?: Registry
  /** The `database` label; default the adapter's name (scylladb, cockroachdb). */
  database?: string
  /** Constant labels on every Strata series, e.g. { service: 'identity' }; the same names for one registry. */
  labels?: Record<string, string>
}

const seconds = (ms: number): number => ms / 1000

/**
 * Feeds the Strata metrics of a registry from a Migrator's events. Idempotent per registry: any number of
 * Migrators (sets, databases) can be instrumented on one. Returns a function that detaches the listeners
 * (the series stay in the registry).
 */
export function instrument(migrator: Migrator, opts: InstrumentOptions = {}): () => void {
  const extra = opts.labels ?? {}
  const f = strataMetrics(opts.registry ?? globalRegistry, Object.keys(extra))
  const base = { ...extra, database: opts.database ?? migrator.adapter.name, set: migrator.set }
  // Counters start at 0 for every outcome, so the first failure is an increase that alerts can see.
  for (const [direction, outcome] of [['up', 'applied'], ['up', 'failed'], ['down', 'rolled_back'], ['down', 'failed']] as const) {
    f.migrationsTotal.inc({ ...base, direction, outcome }, 0)
  }
  const offs = [
    migrator.on('lock:acquired', (e) => f.lockWait.observe(base, seconds(e.waitedMs))),
    migrator.on('preflight', (e) => {
      if (e.agreementWaitMs !== undefined) f.agreementWait.observe({ ...base, phase: 'preflight' }, seconds(e.agreementWaitMs))
    }),
    migrator.on('statement:done', (e) => f.statementDuration.observe(base, seconds(e.durationMs))),
    migrator.on('migration:done', (e) => {
      f.migrationDuration.observe({ ...base, version: e.version, direction: e.direction }, seconds(e.durationMs))
      f.migrationsTotal.inc({ ...base, direction: e.direction, outcome: e.direction === 'up' ? 'applied' : 'rolled_back' })
      f.agreementWait.observe({ ...base, phase: 'migration' }, seconds(e.agreementWaitMs))
    }),
    migrator.on('migration:failed', (e) => f.migrationsTotal.inc({ ...base, direction: e.direction, outcome: 'failed' })),
    migrator.on('schema:version', (e) => setVersion(f.schemaVersion, base, e.version)),
  ]
  return () => offs.forEach((off) => off())
}
