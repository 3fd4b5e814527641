import { Counter, Gauge, Histogram, type Registry } from 'prom-client'
import { StrataError } from '@strata-migrate/core'

/** The metric names, for dashboards and tests. */
export const METRIC_NAMES = {
  migrationDuration: 'strata_migration_duration_seconds',
  migrationsTotal: 'strata_migrations_total',
  lockWait: 'strata_lock_wait_seconds',
  agreementWait: 'strata_schema_agreement_wait_seconds',
  statementDuration: 'strata_statement_duration_seconds',
  schemaVersion: 'strata_schema_version_info',
} as const

/** Every Strata metric of one registry. */
export interface StrataMetricFamilies {
  migrationDuration: Histogram<string>
  migrationsTotal: Counter<string>
  lockWait: Histogram<string>
  agreementWait: Histogram<string>
  statementDuration: Histogram<string>
  schemaVersion: Gauge<string>
}

type Kind = 'histogram' | 'counter' | 'gauge'

/** Migrations run from milliseconds (an empty table) to an hour (a backfill); statements are shorter. */
const BUCKETS = {
  migration: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600],
  lock: [0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
  agreement: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  statement: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
}

const DEFS = {
  migrationDuration: { kind: 'histogram', labels: ['database', 'set', 'version', 'direction'], buckets: BUCKETS.migration,
    help: 'Time to apply (direction="up") or roll back ("down") one migration, by version' },
  migrationsTotal: { kind: 'counter', labels: ['database', 'set', 'direction', 'outcome'],
    help: 'Migrations run, by outcome: applied, rolled_back or failed' },
  lockWait: { kind: 'histogram', labels: ['database', 'set'], buckets: BUCKETS.lock,
    help: 'Time spent waiting for the migration lock (lease) before a run' },
  agreementWait: { kind: 'histogram', labels: ['database', 'set', 'phase'], buckets: BUCKETS.agreement,
    help: 'Time waiting for schema agreement (CQL) or schema-change jobs (CockroachDB): per migration (phase="migration", as in history) and before the lock (phase="preflight")' },
  statementDuration: { kind: 'histogram', labels: ['database', 'set'], buckets: BUCKETS.statement,
    help: 'Time to run one migration statement, including its schema-agreement wait' },
  schemaVersion: { kind: 'gauge', labels: ['database', 'set', 'version'],
    help: 'The schema version of each migration set (its highest applied version) as a label; always 1' },
} as const satisfies Record<keyof StrataMetricFamilies, { kind: Kind; labels: readonly string[]; help: string; buckets?: number[] }>

const CLASSES = { histogram: Histogram, counter: Counter, gauge: Gauge } as const

/**
 * The Strata metrics of a registry, registered on first use and reused afterwards, so several Migrators
 * (sets, databases) can feed one registry. `extraLabels` (constant labels such as `service`) come first and
 * must be the same names for every caller of one registry.
 */
export function strataMetrics(registry: Registry, extraLabels: readonly string[] = []): StrataMetricFamilies {
  const out: Partial<Record<keyof StrataMetricFamilies, unknown>> = {}
  for (const [key, def] of Object.entries(DEFS) as [keyof StrataMetricFamilies, (typeof DEFS)[keyof typeof DEFS]][]) {
    const name = METRIC_NAMES[key]
    const labelNames = [...extraLabels, ...def.labels]
    const existing = registry.getSingleMetric(name)
    if (existing) {
      const have = (existing as unknown as { labelNames?: readonly string[] }).labelNames ?? []
      if (have.join() !== labelNames.join()) {
        throw new StrataError('E_CONFIG', `metric ${name} is already registered with labels [${have.join(', ')}], not [${labelNames.join(', ')}]: ` +
          'every instrument() on one registry must pass the same label names')
      }
      out[key] = existing
      continue
    }
    const Class = CLASSES[def.kind] as new (cfg: object) => unknown
    out[key] = new Class({ name, help: def.help, labelNames, registers: [registry], ...('buckets' in def ? { buckets: def.buckets } : {}) })
  }
  return out as StrataMetricFamilies
}
