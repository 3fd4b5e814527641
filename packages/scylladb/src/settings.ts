import {
  z, StrataError, credentialsShape, mergeSettings, envNameOf, envValue, insecureTlsWarning, normalizeTls, parseSettings, withTlsObject, readEnvSettings,
  resolvePassword, resolveTls, tlsEnvFields, tlsSettingSchema, type Env, type EnvField,
} from '@strata-migrate/core/adapter-kit'
import type { ReplicationOptions, ScyllaAdapterOptions } from './options.js'

/**
 * Connection settings of ScyllaDB/Cassandra as a config file, the environment and the CLI give them: one schema,
 * so every layer accepts the same keys and a misspelt one is an error. This module loads no driver, so the CLI
 * can validate settings before deciding to connect.
 */
const replicationSchema = z.discriminatedUnion('class', [
  z.strictObject({ class: z.literal('SimpleStrategy'), replicationFactor: z.number().int().positive().default(1) }),
  z.strictObject({ class: z.literal('NetworkTopologyStrategy'), dataCenters: z.record(z.string().regex(/^[A-Za-z0-9_.-]+$/), z.number().int().positive()) }),
]).describe('replication of the keyspace when Strata creates it')

export const scyllaSettingsSchema = z.strictObject({
  contactPoints: z.array(z.string().min(1)).min(1).optional().describe('"host" or "host:port" of one or more nodes (default 127.0.0.1)'),
  localDataCenter: z.string().min(1).optional().describe('the data center the driver treats as local (default datacenter1)'),
  keyspace: z.string().min(1).optional().describe('the migration keyspace (required: there is no default)'),
  port: z.number().int().min(1).max(65535).optional().describe('native-protocol port for contact points given without one (default 9042)'),
  ...credentialsShape,
  tls: tlsSettingSchema.optional().describe('TLS to the nodes (client_encryption_options): true, or { ca, cert, key, serverName, insecure }'),
  replication: replicationSchema.optional(),
  allowDownNodes: z.boolean().optional().describe('migrate although nodes are down; the run names them in its result'),
})

/** Settings as written (input), and validated (what scyllaConnection takes). */
export type ScyllaSettingsInput = z.input<typeof scyllaSettingsSchema>
export type ScyllaSettings = z.output<typeof scyllaSettingsSchema>

export const SCYLLA_ENV_PREFIX = 'STRATA_SCYLLADB_'

/** `SimpleStrategy:3` or `NetworkTopologyStrategy:dc1=3,dc2=2` (the --replication flag and its env variable). */
export function parseReplication(text: string, name = 'replication'): ReplicationOptions {
  const [cls, spec = ''] = text.split(':')
  const bad = (why: string): StrataError => new StrataError('E_CONFIG', `${name} "${text}": ${why} (SimpleStrategy:N or NetworkTopologyStrategy:dc1=N,dc2=N)`)
  if (cls === 'SimpleStrategy') {
    const rf = Number(spec || '1')
    if (!Number.isInteger(rf) || rf < 1) throw bad('bad replication factor')
    return { class: 'SimpleStrategy', replicationFactor: rf }
  }
  if (cls === 'NetworkTopologyStrategy') {
    const dataCenters: Record<string, number> = {}
    for (const pair of spec.split(',').filter(Boolean)) {
      const [dc, rf] = pair.split('=')
      if (!dc || !rf || !Number.isInteger(Number(rf))) throw bad(`bad data center "${pair}"`)
      dataCenters[dc] = Number(rf)
    }
    if (!Object.keys(dataCenters).length) throw bad('no data centers')
    return { class: 'NetworkTopologyStrategy', dataCenters }
  }
  throw bad('unknown class')
}

/** STRATA_SCYLLADB_<name>: the environment's names for the schema's keys. */
export const scyllaEnvFields: Readonly<Record<string, EnvField>> = {
  CONTACT_POINTS: { path: ['contactPoints'], parse: envValue.list },
  LOCAL_DC: { path: ['localDataCenter'] },
  KEYSPACE: { path: ['keyspace'] },
  PORT: { path: ['port'], parse: envValue.integer },
  USERNAME: { path: ['username'] },
  PASSWORD: { path: ['password'] },
  PASSWORD_FILE: { path: ['passwordFile'] },
  REPLICATION: { path: ['replication'], parse: parseReplication },
  ALLOW_DOWN_NODES: { path: ['allowDownNodes'], parse: envValue.boolean },
  ...tlsEnvFields,
}

/** The STRATA_SCYLLADB_* variables, validated; unknown ones under the prefix are E_CONFIG. */
export function scyllaSettingsFromEnv(env: Env = process.env): ScyllaSettings {
  const raw = readEnvSettings(env, SCYLLA_ENV_PREFIX, scyllaEnvFields)
  return parseSettings(scyllaSettingsSchema, raw, { name: 'the environment', nameOf: (p) => envNameOf(SCYLLA_ENV_PREFIX, scyllaEnvFields, p) })
}

export interface ScyllaConnection {
  options: ScyllaAdapterOptions
  /** Printed on every run (verification off). */
  warnings: string[]
}

/**
 * Merged, validated settings → adapter options: files read (password, PEM), contradictions refused, defaults
 * filled. Throws E_CONFIG before any connection, naming the setting and never a secret.
 */
export function scyllaConnection(s: ScyllaSettings): ScyllaConnection {
  const label = 'ScyllaDB'
  if (!s.keyspace) {
    throw new StrataError('E_CONFIG', 'no ScyllaDB keyspace: pass --keyspace, set STRATA_SCYLLADB_KEYSPACE, or give databases.scylladb.keyspace in the config file')
  }
  const password = resolvePassword(s, label)
  if (password !== undefined && s.username === undefined) throw new StrataError('E_CONFIG', `${label}: a password is set but no username`)
  if (s.username !== undefined && password === undefined) throw new StrataError('E_CONFIG', `${label}: username ${s.username} has no password (set STRATA_SCYLLADB_PASSWORD or a password file)`)
  const tls = resolveTls(normalizeTls(s.tls), label)
  const replication = s.replication ? { ...s.replication } as ReplicationOptions : undefined
  return {
    options: {
      contactPoints: s.contactPoints ?? ['127.0.0.1'],
      localDataCenter: s.localDataCenter ?? 'datacenter1',
      keyspace: s.keyspace,
      ...(s.port ? { port: s.port } : {}),
      ...(s.username !== undefined ? { username: s.username, password } : {}),
      ...(tls ? { tls: { ca: tls.ca, cert: tls.cert, key: tls.key, servername: tls.serverName, rejectUnauthorized: tls.verify } } : {}),
      ...(replication ? { replication } : {}),
      allowDownNodes: s.allowDownNodes === true,
    },
    warnings: tls && !tls.verify ? [insecureTlsWarning(label)] : [],
  }
}

/**
 * Adapter options from STRATA_SCYLLADB_* (and overrides from code), for the start-up hook:
 * `adapter: () => createScyllaAdapter(scyllaOptionsFromEnv().options)`. Same names and rules as the CLI.
 */
export function scyllaOptionsFromEnv(env: Env = process.env, overrides: ScyllaSettingsInput = {}): ScyllaConnection {
  const fromCode = parseSettings(scyllaSettingsSchema, overrides, { name: 'scyllaOptionsFromEnv overrides' })
  return scyllaConnection(mergeSettings<ScyllaSettings>(withTlsObject(scyllaSettingsFromEnv(env)), withTlsObject(fromCode)))
}
