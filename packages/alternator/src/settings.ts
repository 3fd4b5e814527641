import { z, StrataError, envValue, mergeSettings, parseSettings, readEnvSettings, envNameOf, type Env, type EnvField } from '@strata-migrate/core/adapter-kit'

/**
 * Connection settings of the DynamoDB API (ScyllaDB Alternator, DynamoDB Local, AWS DynamoDB) as a config file,
 * the environment and the CLI give them: one schema, so every layer accepts the same keys and a misspelt one is an
 * error. This module loads no AWS SDK, so the CLI can validate settings before deciding to connect. Credentials are
 * never settings: they come from the AWS SDK's default chain (env, shared files, SSO, instance roles).
 */
export const alternatorSettingsSchema = z.strictObject({
  endpoint: z.string().url().optional().describe('http(s) URL of Alternator or DynamoDB Local (default: the AWS endpoint of the region)'),
  region: z.string().min(1).optional().describe('region to sign requests for (default AWS_REGION, else us-east-1; Alternator accepts any)'),
  tablePrefix: z.string().regex(/^[A-Za-z0-9_.-]*$/).max(200).optional()
    .describe('prefix of every table of the target, Strata\'s own included (${prefix} in migrations; default none)'),
  waitTimeoutMs: z.number().int().positive().optional()
    .describe('how long to wait for a table and its indexes to become ACTIVE (or gone) after each change, ms (default 300000)'),
})

/** Settings as written (input), and validated (what alternatorConnection takes). */
export type AlternatorSettingsInput = z.input<typeof alternatorSettingsSchema>
export type AlternatorSettings = z.output<typeof alternatorSettingsSchema>

export const ALTERNATOR_ENV_PREFIX = 'STRATA_ALTERNATOR_'
/** The endpoint variable the evolution sweeps and the test harness already use, read when STRATA_ALTERNATOR_ENDPOINT is unset. */
export const DYNAMODB_ENDPOINT_ENV = 'STRATA_DYNAMODB_ENDPOINT'
export const DEFAULT_WAIT_TIMEOUT_MS = 300_000

/** STRATA_ALTERNATOR_<name>: the environment's names for the schema's keys. */
export const alternatorEnvFields: Readonly<Record<string, EnvField>> = {
  ENDPOINT: { path: ['endpoint'] },
  REGION: { path: ['region'] },
  TABLE_PREFIX: { path: ['tablePrefix'] },
  WAIT_TIMEOUT_MS: { path: ['waitTimeoutMs'], parse: envValue.durationMs },
}

/** The STRATA_ALTERNATOR_* variables (endpoint falling back to STRATA_DYNAMODB_ENDPOINT), validated; unknown ones under the prefix are E_CONFIG. */
export function alternatorSettingsFromEnv(env: Env = process.env): AlternatorSettings {
  const raw = readEnvSettings(env, ALTERNATOR_ENV_PREFIX, alternatorEnvFields)
  const fallback = env[DYNAMODB_ENDPOINT_ENV]
  if (raw.endpoint === undefined && fallback) raw.endpoint = fallback
  return parseSettings(alternatorSettingsSchema, raw, {
    name: 'the environment',
    nameOf: (p) => (p.join('.') === 'endpoint' && !env[`${ALTERNATOR_ENV_PREFIX}ENDPOINT`] ? DYNAMODB_ENDPOINT_ENV : envNameOf(ALTERNATOR_ENV_PREFIX, alternatorEnvFields, p)),
  })
}

/** What createAlternatorAdapter takes (credentials: the SDK's default chain unless given from code). */
export interface AlternatorAdapterOptions {
  endpoint?: string
  region?: string
  /** Prefix of every table of the target, Strata's own included; the `prefix` placeholder. Default ''. */
  tablePrefix?: string
  /** Bound of each wait for ACTIVE (or gone), ms. Default 300 s. */
  waitTimeoutMs?: number
  /** AWS credentials or a provider; default the SDK's chain (a dummy pair with an endpoint and none in env). */
  credentials?: unknown
}

export interface AlternatorConnection {
  options: AlternatorAdapterOptions
  warnings: string[]
}

/** Validated settings → adapter options. Throws E_CONFIG before any connection, naming the setting. */
export function alternatorConnection(s: AlternatorSettings): AlternatorConnection {
  if (s.endpoint && !/^https?:\/\//.test(s.endpoint)) throw new StrataError('E_CONFIG', `Alternator endpoint ${s.endpoint} is not an http(s) URL`)
  return {
    options: {
      ...(s.endpoint ? { endpoint: s.endpoint } : {}),
      ...(s.region ? { region: s.region } : {}),
      tablePrefix: s.tablePrefix ?? '',
      waitTimeoutMs: s.waitTimeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS,
    },
    warnings: s.endpoint?.startsWith('http://') && !/^http:\/\/(localhost|127\.|\[::1\])/.test(s.endpoint) ? [`Alternator endpoint ${s.endpoint} is plain HTTP: requests are signed, not encrypted`] : [],
  }
}

/**
 * Adapter options from STRATA_ALTERNATOR_* (and overrides from code), for the start-up hook. Same names and rules
 * as the CLI.
 */
export function alternatorOptionsFromEnv(env: Env = process.env, overrides: AlternatorSettingsInput = {}): AlternatorConnection {
  const fromCode = parseSettings(alternatorSettingsSchema, overrides, { name: 'alternatorOptionsFromEnv overrides' })
  return alternatorConnection(mergeSettings<AlternatorSettings>(alternatorSettingsFromEnv(env), fromCode))
}
