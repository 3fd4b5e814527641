/**
 * @strata-migrate/metrics — Prometheus metrics for Strata migrations through prom-client, fed by the Migrator's
 * events. Expose the registry on the service's own /metrics, or write it to a file (`strata --metrics-file`).
 */
export { instrument, type InstrumentOptions } from './instrument.js'
export { updateSchemaVersion, type SchemaVersionLabels } from './schema-version.js'
export { METRIC_NAMES, strataMetrics, type StrataMetricFamilies } from './metric-families.js'
