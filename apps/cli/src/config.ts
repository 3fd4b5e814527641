import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { basename, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { z, StrataError, messageOf, parseSettings, type CodeMigration } from '@strata-migrate/core/adapter-kit'
import { cockroachSettingsSchema } from '@strata-migrate/cockroachdb/settings'
import { scyllaSettingsSchema } from '@strata-migrate/scylladb/settings'
import { alternatorSettingsSchema } from '@strata-migrate/alternator/settings'

export type DbName = 'scylladb' | 'cockroachdb' | 'alternator'
export const DATABASES: readonly DbName[] = ['scylladb', 'cockroachdb', 'alternator']

/** The app's supported schema range: the gate of `strata migrate` and the hook, and what status reports as waiting. */
const appSchema = z.strictObject({
  schemaVersion: z.string().min(1).describe('the schema version the app is built for: nothing newer is applied automatically'),
  minimumSupported: z.string().min(1).optional().describe('the oldest schema version the app can run on'),
})

const setSchema = z.strictObject({
  dir: z.string().min(1).optional().describe('directory of the set\'s migration files (default migrations/<db>; none when only `migrations` is given)'),
  migrations: z.array(z.custom<CodeMigration>((m) => typeof m === 'object' && m !== null, 'a migration object { version, name, up, down? }')).optional()
    .describe('strata.config.ts only: migrations defined in code ({ version, name, description, kind, up, down, checksum }), alone or beside dir'),
  placeholders: z.record(z.string(), z.string()).optional().describe('values for ${name} in the set\'s files'),
  app: appSchema.optional().describe('this set\'s app range, when it differs from the top-level app'),
})
const setsSchema = z.record(z.string().regex(/^[A-Za-z0-9_.-]+$/), setSchema).optional()
  .describe('migration sets by name; each has its own history and lock (default set: "default")')

/**
 * strata.config.{ts,mts,js,mjs,json}: several databases and migration sets for one service. Strict at every
 * level: an unknown key (a typo such as `keyspce`, or a `tls` block where none belongs) is an error, never ignored.
 */
export const configFileSchema = z.strictObject({
  $schema: z.string().optional().describe('the JSON Schema of this file, for editors'),
  databases: z.strictObject({
    scylladb: scyllaSettingsSchema.extend({ sets: setsSchema }).optional().describe('ScyllaDB / Cassandra (CQL)'),
    cockroachdb: cockroachSettingsSchema.extend({ sets: setsSchema }).optional().describe('CockroachDB / PostgreSQL (SQL)'),
    alternator: alternatorSettingsSchema.extend({ sets: setsSchema }).optional().describe('ScyllaDB Alternator / DynamoDB (DynamoDB API, .json requests)'),
  }).optional(),
  lock: z.strictObject({
    ttlMs: z.number().int().min(5_000).optional().describe('lease length, ms (at least 5000; default 30000)'),
    waitMs: z.number().int().nonnegative().optional().describe('how long to wait for the lock, ms (default 120000)'),
  }).optional(),
  migrationTimeoutMs: z.number().int().positive().optional().describe('per-migration time limit, ms'),
  backup: z.strictObject({
    enabled: z.boolean().optional().describe('back up the rows of the tables a destructive step touches before it runs (--backup, BACKUP_BEFORE_MIGRATION)'),
    dir: z.string().min(1).optional().describe('local directory of the backups (default .strata/backups; --backup-dir, STRATA_BACKUP_DIR)'),
    maxRows: z.number().int().positive().optional().describe('size guard: refuse, before the step, a table with more rows (default 10000000)'),
    maxBytes: z.number().int().positive().optional().describe('size guard: refuse a table whose export is larger, bytes (default 2 GiB)'),
    rowsPerSecond: z.number().positive().optional().describe('throttle the export to this many rows per second'),
    pageSize: z.number().int().positive().optional().describe('rows per page read (default 1000)'),
    command: z.string().min(1).optional().describe('a native backup command run instead of the row export ({id}, {version}, {tables} replaced), e.g. nodetool snapshot'),
  }).optional().describe('backups before destructive steps (docs/backups.md)'),
  app: appSchema.optional().describe('the app\'s supported schema range (--app-version, --minimum-supported)'),
}).describe('Strata configuration: options come from flags, then env, then this file')

export type StrataConfig = z.input<typeof configFileSchema>
type ParsedConfig = z.output<typeof configFileSchema>

/** Types a strata.config.ts: `export default defineConfig({ … })`. */
export function defineConfig(config: StrataConfig): StrataConfig {
  return config
}

const CONFIG_NAMES = ['strata.config.ts', 'strata.config.mts', 'strata.config.js', 'strata.config.mjs', 'strata.config.json']

export interface LoadedConfig {
  config: ParsedConfig
  path?: string
  warnings: string[]
  /** The databases in the order the file lists them (`strata migrate` runs them so; the schema would reorder them). */
  databaseOrder: DbName[]
}

/**
 * Loads the config file named by --config, or the one strata.config.* in the working directory (two of them is
 * an error naming both: which one wins must not be a guess), and validates it.
 */
export async function loadConfigFile(explicit: string | undefined, cwd = process.cwd()): Promise<LoadedConfig> {
  if (explicit && !existsSync(resolve(cwd, explicit))) throw new StrataError('E_CONFIG', `config file ${explicit} does not exist`, { file: explicit })
  const found = explicit ? [resolve(cwd, explicit)] : CONFIG_NAMES.map((n) => resolve(cwd, n)).filter((p) => existsSync(p))
  if (found.length > 1) {
    throw new StrataError('E_CONFIG', `several config files: ${found.map((p) => basename(p)).join(' and ')}; keep one, or choose with --config`, { details: { files: found } })
  }
  const path = found[0]
  if (!path) return { config: {}, warnings: [], databaseOrder: [] }
  const raw = await readConfig(path)
  const config = parseSettings(configFileSchema, raw, { name: basename(path) })
  const warnings: string[] = []
  for (const db of DATABASES) {
    // A .ts/.js file usually reads process.env; a JSON file holds the password itself, and is often committed.
    if (path.endsWith('.json') && (config.databases?.[db] as { password?: string } | undefined)?.password !== undefined) {
      warnings.push(`${basename(path)} holds databases.${db}.password: keep secrets out of config files (use passwordFile or STRATA_${db.toUpperCase()}_PASSWORD)`)
    }
  }
  const listed = Object.keys((raw as { databases?: object }).databases ?? {}) as DbName[]
  return { config, path, warnings, databaseOrder: listed.filter((db) => DATABASES.includes(db)) }
}

async function readConfig(path: string): Promise<unknown> {
  try {
    if (path.endsWith('.json')) return JSON.parse(await readFile(path, 'utf8'))
    // jiti loads a TypeScript config without a build step; lazily, so runs without a .ts config skip it.
    const { createJiti } = await import('jiti')
    const mod = (await createJiti(import.meta.url).import(pathToFileURL(path).href)) as { default?: unknown }
    return mod.default ?? mod
  } catch (err) {
    throw new StrataError('E_CONFIG', `cannot load config file ${path}: ${messageOf(err)}`, { file: path, cause: err })
  }
}
