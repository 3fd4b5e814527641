import {
  z, StrataError, credentialsShape, envNameOf, envValue, insecureTlsWarning, mergeSettings, normalizeTls, parseSettings,
  readEnvSettings, resolvePassword, resolveTls, tlsEnvFields, tlsSettingSchema, withTlsObject, type Env, type EnvField,
} from '@strata-migrate/core/adapter-kit'
import type { ConnectionOptions, SslMode } from './connection-options.js'

/**
 * Connection settings of CockroachDB/PostgreSQL as a config file, the environment and the CLI give them (one
 * schema for all three). The URL is the ecosystem's single setting (`postgresql://…?sslmode=verify-full`); the
 * TLS keys are the same as ScyllaDB's and combine with it. Loads no driver.
 */
export const cockroachSettingsSchema = z.strictObject({
  url: z.string().min(1).optional().describe('postgresql:// or cockroachdb:// URL; libpq parameters sslmode, sslrootcert, sslcert, sslkey are honoured'),
  ...credentialsShape,
  tls: tlsSettingSchema.optional().describe('TLS (with the URL\'s sslmode): true, or { ca, cert, key, serverName, insecure }; verify-full unless insecure'),
  forcePerStatement: z.boolean().optional().describe('run the CockroachDB code path (per-statement journal, no transactional DDL) on PostgreSQL'),
})

export type CockroachSettingsInput = z.input<typeof cockroachSettingsSchema>
export type CockroachSettings = z.output<typeof cockroachSettingsSchema>

export const COCKROACH_ENV_PREFIX = 'STRATA_COCKROACHDB_'

/** STRATA_COCKROACHDB_<name>: the environment's names for the schema's keys (TLS names as for ScyllaDB). */
export const cockroachEnvFields: Readonly<Record<string, EnvField>> = {
  URL: { path: ['url'] },
  USERNAME: { path: ['username'] },
  PASSWORD: { path: ['password'] },
  PASSWORD_FILE: { path: ['passwordFile'] },
  FORCE_PER_STATEMENT: { path: ['forcePerStatement'], parse: envValue.boolean },
  ...tlsEnvFields,
}

/** The STRATA_COCKROACHDB_* variables, validated; unknown ones under the prefix are E_CONFIG. */
export function cockroachSettingsFromEnv(env: Env = process.env): CockroachSettings {
  const raw = readEnvSettings(env, COCKROACH_ENV_PREFIX, cockroachEnvFields)
  return parseSettings(cockroachSettingsSchema, raw, { name: 'the environment', nameOf: (p) => envNameOf(COCKROACH_ENV_PREFIX, cockroachEnvFields, p) })
}

export interface CockroachConnection {
  options: ConnectionOptions & { forcePerStatement: boolean }
  warnings: string[]
}

/** The URL's sslmode, read without echoing the URL (it may hold a password). */
function urlSslMode(url: string): string | undefined {
  try {
    return new URL(url).searchParams.get('sslmode') ?? undefined
  } catch {
    return undefined // resolveConnection reports the bad URL
  }
}

/**
 * Merged, validated settings → connection options. TLS settings set sslmode verify-full (require when insecure)
 * unless the URL chose a verifying mode; a URL that says sslmode=disable, or verify-* with insecure, contradicts
 * them (E_CONFIG). Files are read here, before any connection.
 */
export function cockroachConnection(s: CockroachSettings): CockroachConnection {
  const label = 'CockroachDB'
  if (!s.url) throw new StrataError('E_CONFIG', 'no CockroachDB URL: pass --url, set STRATA_COCKROACHDB_URL, or give databases.cockroachdb.url in the config file')
  const password = resolvePassword(s, label)
  const tls = resolveTls(normalizeTls(s.tls), label)
  const options: CockroachConnection['options'] = {
    url: s.url,
    forcePerStatement: s.forcePerStatement === true,
    ...(s.username !== undefined ? { user: s.username } : {}),
    ...(password !== undefined ? { password } : {}),
  }
  if (!tls) return { options, warnings: [] }
  const fromUrl = urlSslMode(s.url)
  if (fromUrl === 'disable') throw new StrataError('E_CONFIG', `${label}: the URL says sslmode=disable but TLS settings are given; remove one or the other`)
  if (!tls.verify && (fromUrl === 'verify-ca' || fromUrl === 'verify-full')) {
    throw new StrataError('E_CONFIG', `${label}: the URL asks for sslmode=${fromUrl} but tls.insecure turns verification off; remove one or the other`)
  }
  const sslmode: SslMode = !tls.verify ? 'require' : fromUrl === 'verify-ca' ? 'verify-ca' : 'verify-full'
  return {
    options: { ...options, sslmode, ca: tls.ca, cert: tls.cert, key: tls.key, servername: tls.serverName },
    warnings: tls.verify ? [] : [insecureTlsWarning(label)],
  }
}

/**
 * Connection options from STRATA_COCKROACHDB_* (and overrides from code), for the start-up hook:
 * `adapter: () => createCockroachAdapter(cockroachOptionsFromEnv().options)`. Same names and rules as the CLI.
 */
export function cockroachOptionsFromEnv(env: Env = process.env, overrides: CockroachSettingsInput = {}): CockroachConnection {
  const fromCode = parseSettings(cockroachSettingsSchema, overrides, { name: 'cockroachOptionsFromEnv overrides' })
  return cockroachConnection(mergeSettings<CockroachSettings>(withTlsObject(cockroachSettingsFromEnv(env)), withTlsObject(fromCode)))
}
