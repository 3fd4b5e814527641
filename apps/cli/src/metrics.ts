import { rename, writeFile } from 'node:fs/promises'
import type { Adapter, Migrator } from '@strata-migrate/core/adapter-kit'
import type { Registry } from 'prom-client'

/**
 * `--metrics-file`: one prom-client registry per CLI run, fed by every Migrator the command builds, written
 * in the text exposition format when the command ends (also when it failed). This module, prom-client and
 * @strata-migrate/metrics load only with the flag: a run without it pays nothing.
 */
let registry: Promise<Registry> | undefined

async function cliRegistry(): Promise<Registry> {
  registry ??= (async () => {
    const [{ Registry }, { strataMetrics }] = await Promise.all([import('prom-client'), import('@strata-migrate/metrics')])
    const r = new Registry()
    // Every Strata family appears in the file, even when the command failed before a Migrator existed.
    strataMetrics(r)
    return r
  })()
  return registry
}

/** Feeds the run's registry from this Migrator's events (database label: the adapter's name). */
export async function instrumentForFile(m: Migrator, adapter: Adapter): Promise<void> {
  const [r, { instrument }] = await Promise.all([cliRegistry(), import('@strata-migrate/metrics')])
  instrument(m, { registry: r, database: adapter.name })
}

/** The same, loaded first: a synchronous instrumenter for hooks that hand over Migrators synchronously (migrate). */
export async function fileInstrumenter(): Promise<(m: Migrator, adapter: Adapter) => void> {
  const [r, { instrument }] = await Promise.all([cliRegistry(), import('@strata-migrate/metrics')])
  return (m, adapter) => instrument(m, { registry: r, database: adapter.name })
}

/**
 * Writes the registry to `path` atomically (a temporary file renamed over it), so a reader such as
 * node_exporter's textfile collector never sees half a file.
 */
export async function writeMetricsFile(path: string): Promise<void> {
  const text = await (await cliRegistry()).metrics()
  const tmp = `${path}.${process.pid}.tmp`
  await writeFile(tmp, text)
  await rename(tmp, path)
}
