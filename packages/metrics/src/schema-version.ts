import { register as globalRegistry, type Gauge, type Registry } from 'prom-client'
import { strataMetrics } from './metric-families.js'

/** Per gauge: the label set each (labels, database, set) shows now, so the old version's series can go. */
const shown = new WeakMap<object, Map<string, Record<string, string>>>()

export interface SchemaVersionLabels {
  database: string
  set: string
  /** Constant labels, as given to instrument(). */
  labels?: Record<string, string>
}

/**
 * Sets `strata_schema_version_info{database, set, version} 1`, removing the series of the previous version,
 * so the gauge shows exactly one version per (database, set). null (nothing applied) removes it.
 * instrument() calls this on every 'schema:version' event; call it yourself for Migrators you do not instrument.
 */
export function updateSchemaVersion(registry: Registry = globalRegistry, at: SchemaVersionLabels & { version: string | null }): void {
  const extra = at.labels ?? {}
  setVersion(strataMetrics(registry, Object.keys(extra)).schemaVersion, { ...extra, database: at.database, set: at.set }, at.version)
}

export function setVersion(gauge: Gauge<string>, key: Record<string, string>, version: string | null): void {
  let state = shown.get(gauge)
  if (!state) shown.set(gauge, (state = new Map()))
  const id = JSON.stringify(key)
  const old = state.get(id)
  if (old && old.version === version) return
  if (old) gauge.remove(old)
  state.delete(id)
  if (version === null) return
  const labels = { ...key, version }
  gauge.set(labels, 1)
  state.set(id, labels)
}
