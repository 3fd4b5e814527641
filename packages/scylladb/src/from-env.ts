import type { Env } from '@strata-migrate/core/adapter-kit'
import { createScyllaAdapter, type ScyllaAdapter } from './scylla-adapter.js'
import { scyllaOptionsFromEnv, type ScyllaSettingsInput } from './settings.js'

/**
 * An adapter factory for the start-up hook, configured like the CLI: STRATA_SCYLLADB_* (TLS included), then
 * `overrides` from code. Settings are checked when called (E_CONFIG before connecting); a run with certificate
 * verification off says so through process.emitWarning, on stderr unless the app listens for 'warning'.
 *
 *   databases: [{ name: 'scylladb', adapter: scyllaAdapterFromEnv({ keyspace: 'identity' }), dir: … }]
 */
export function scyllaAdapterFromEnv(overrides: ScyllaSettingsInput = {}, env: Env = process.env): () => Promise<ScyllaAdapter> {
  return async () => {
    const { options, warnings } = scyllaOptionsFromEnv(env, overrides)
    for (const w of warnings) process.emitWarning(w, 'StrataInsecureTLS')
    return createScyllaAdapter(options)
  }
}
