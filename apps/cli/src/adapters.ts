import type { Adapter, LintDialect } from '@strata-migrate/core/adapter-kit'
import { cockroachConnection, cockroachSettingsFromEnv, cockroachSettingsSchema, type CockroachSettings } from '@strata-migrate/cockroachdb/settings'
import { scyllaConnection, scyllaSettingsFromEnv, scyllaSettingsSchema, type ScyllaSettings } from '@strata-migrate/scylladb/settings'
import { alternatorConnection, alternatorSettingsFromEnv, alternatorSettingsSchema, type AlternatorSettings } from '@strata-migrate/alternator/settings'
import type { z } from '@strata-migrate/core/adapter-kit'
import type { DbName } from './config.js'
import type { Settings } from './settings.js'

/** One database's connection settings, as its adapter package defines them. */
export type DbSettings = ScyllaSettings | CockroachSettings | AlternatorSettings

/** A resolved connection: the adapter's options and what the operator should hear about them. */
export interface ResolvedConnection {
  options: unknown
  warnings: string[]
}

/**
 * What the CLI knows of one database, in one place: its settings (schema, env, resolution), the extension of its
 * migration files, and how to open its adapter and lint dialect. Drivers are imported lazily, so a command on one
 * database never loads the other's driver (start-up time matters on every deploy).
 */
export interface DatabaseEntry {
  name: DbName
  /** Extension of the set's migration files, and the default format of `create`. */
  fileFormat: 'cql' | 'sql' | 'json'
  settingsSchema: z.ZodType<DbSettings>
  settingsFromEnv(): DbSettings
  /** Settings merged from file, env and flags → the connection (E_CONFIG for a missing keyspace, an unreadable CA…). */
  connection(settings: DbSettings): ResolvedConnection
  open(connection: ResolvedConnection): Promise<Adapter>
  lintDialect(): Promise<LintDialect>
}

export const DATABASE_REGISTRY: Readonly<Record<DbName, DatabaseEntry>> = {
  scylladb: {
    name: 'scylladb',
    fileFormat: 'cql',
    settingsSchema: scyllaSettingsSchema,
    settingsFromEnv: () => scyllaSettingsFromEnv(),
    connection: (s) => scyllaConnection(s as ScyllaSettings),
    open: async (c) => (await import('@strata-migrate/scylladb')).createScyllaAdapter(c.options as Parameters<typeof import('@strata-migrate/scylladb').createScyllaAdapter>[0]),
    lintDialect: async () => (await import('@strata-migrate/scylladb')).cqlLintDialect,
  },
  cockroachdb: {
    name: 'cockroachdb',
    fileFormat: 'sql',
    settingsSchema: cockroachSettingsSchema,
    settingsFromEnv: () => cockroachSettingsFromEnv(),
    connection: (s) => cockroachConnection(s as CockroachSettings),
    open: async (c) => (await import('@strata-migrate/cockroachdb')).createCockroachAdapter(c.options as Parameters<typeof import('@strata-migrate/cockroachdb').createCockroachAdapter>[0]),
    lintDialect: async () => (await import('@strata-migrate/cockroachdb')).sqlLintDialect,
  },
  alternator: {
    name: 'alternator',
    fileFormat: 'json',
    settingsSchema: alternatorSettingsSchema,
    settingsFromEnv: () => alternatorSettingsFromEnv(),
    connection: (s) => alternatorConnection(s as AlternatorSettings),
    open: async (c) => (await import('@strata-migrate/alternator')).createAlternatorAdapter(c.options as Parameters<typeof import('@strata-migrate/alternator').createAlternatorAdapter>[0]),
    lintDialect: async () => (await import('@strata-migrate/alternator')).jsonLintDialect,
  },
}

/** Opens the adapter for the chosen database. */
export async function openAdapter(s: Settings): Promise<Adapter> {
  if (!s.connection) throw new Error('openAdapter: settings were resolved without a connection')
  return DATABASE_REGISTRY[s.db].open(s.connection)
}
