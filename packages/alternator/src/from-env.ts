import type { Env } from '@strata-migrate/core/adapter-kit'
import { createAlternatorAdapter, type AlternatorAdapter } from './migrations/alternator-adapter.js'
import { alternatorOptionsFromEnv, type AlternatorSettingsInput } from './settings.js'

/**
 * An adapter factory for the start-up hook, configured like the CLI: STRATA_ALTERNATOR_* (the endpoint falling
 * back to STRATA_DYNAMODB_ENDPOINT), then `overrides` from code. Settings are checked when called (E_CONFIG
 * before connecting); a plain-HTTP remote endpoint is reported through process.emitWarning.
 *
 *   databases: [{ name: 'alternator', adapter: alternatorAdapterFromEnv({ tablePrefix: 'app_' }), dir: … }]
 */
export function alternatorAdapterFromEnv(overrides: AlternatorSettingsInput = {}, env: Env = process.env): () => Promise<AlternatorAdapter> {
  return async () => {
    const { options, warnings } = alternatorOptionsFromEnv(env, overrides)
    for (const w of warnings) process.emitWarning(w, 'StrataInsecureTransport')
    return createAlternatorAdapter(options)
  }
}
