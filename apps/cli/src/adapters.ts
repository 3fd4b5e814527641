import type { Adapter } from '@strata-migrate/core/adapter-kit'
import type { CockroachConnection } from '@strata-migrate/cockroachdb/settings'
import type { ScyllaConnection } from '@strata-migrate/scylladb/settings'
import type { Settings } from './settings.js'

/**
 * Opens the adapter for the chosen database. Drivers are imported lazily so a command on one
 * database never loads the other's driver (start-up time matters on every deploy).
 */
export async function openAdapter(s: Settings): Promise<Adapter> {
  if (!s.connection) throw new Error('openAdapter: settings were resolved without a connection')
  if (s.db === 'scylladb') {
    const { createScyllaAdapter } = await import('@strata-migrate/scylladb')
    return createScyllaAdapter((s.connection as ScyllaConnection).options)
  }
  const { createCockroachAdapter } = await import('@strata-migrate/cockroachdb')
  return createCockroachAdapter((s.connection as CockroachConnection).options)
}
