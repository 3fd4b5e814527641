import type { Env } from '@strata-migrate/core/adapter-kit'
import { createCockroachAdapter, type CockroachAdapter } from './adapter.js'
import { cockroachOptionsFromEnv, type CockroachSettingsInput } from './settings.js'

/**
 * An adapter factory for the start-up hook, configured like the CLI: STRATA_COCKROACHDB_* (URL, password file,
 * TLS), then `overrides` from code. Settings are checked when called (E_CONFIG before connecting); a run with
 * certificate verification off says so through process.emitWarning.
 *
 *   databases: [{ name: 'cockroachdb', adapter: cockroachAdapterFromEnv(), dir: … }]
 */
export function cockroachAdapterFromEnv(overrides: CockroachSettingsInput = {}, env: Env = process.env): () => Promise<CockroachAdapter> {
  return async () => {
    const { options, warnings } = cockroachOptionsFromEnv(env, overrides)
    for (const w of warnings) process.emitWarning(w, 'StrataInsecureTLS')
    return createCockroachAdapter(options)
  }
}
