import { Migrator, type Adapter } from '@strata-migrate/core/adapter-kit'
import { openAdapter } from './adapters.js'
import type { Output } from './output.js'
import { attachProgress } from './progress.js'
import type { Settings } from './settings.js'

/** Opens the adapter, builds a Migrator for the chosen set, runs fn, and always closes the connection. */
export async function withMigrator<T>(s: Settings, out: Output, fn: (m: Migrator, adapter: Adapter) => Promise<T>): Promise<T> {
  const adapter = await openAdapter(s)
  try {
    const migrator = new Migrator({
      adapter,
      ...(s.hasDir ? { dir: s.dir } : {}),
      ...(s.migrations ? { migrations: s.migrations } : {}),
      set: s.set,
      placeholders: s.placeholders,
      lockTtlMs: s.lockTtlMs,
      lockWaitMs: s.lockWaitMs,
      migrationTimeoutMs: s.migrationTimeoutMs,
      allowOutOfOrder: s.allowOutOfOrder,
      lint: { profile: s.profile },
      snapshots: s.snapshots,
      backup: s.backup,
    })
    attachProgress(migrator, out)
    if (s.metricsFile) await (await import('./metrics.js')).instrumentForFile(migrator, adapter)
    return await fn(migrator, adapter)
  } finally {
    await adapter.close()
  }
}
