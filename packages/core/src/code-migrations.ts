/**
 * Migrations given in code: `new Migrator({ migrations: [{ version, name, description, up, down }] })` (seed 004's
 * shape), alone or beside a directory (`dir` + `migrations`, merged by version).
 */
import { StrataError } from './errors.js'
import { checksumOf } from './hash.js'
import type { Migration, MigrationContext, MigrationKind } from './types.js'
import { assertOneScheme, compareVersions, parseVersion, VERSION_GRAMMAR } from './version.js'

/** A migration written in code. `up`/`down` get the MigrationContext (`ctx.execute` is journaled; `ctx.client` is the driver). */
export interface CodeMigration {
  /** A version string of the set's grammar: '001', '20251130120000', '1.2.0' (a string: 20 digits exceed JS numbers). */
  readonly version: string
  /** Like a file name's description: letters, digits, _ - and single dots. */
  readonly name: string
  /** Free text, stored in history (`description`) and shown by status/history. */
  readonly description?: string
  /** 'schema' (default) or 'data' (applied only with FORCE_MIGRATION by the start-up hook). */
  readonly kind?: MigrationKind
  up(ctx: MigrationContext): Promise<void>
  down?(ctx: MigrationContext): Promise<void>
  /**
   * What history records to detect edits. Default: sha256 of the functions' source, `up.toString()` + "\n" +
   * `down.toString()` (empty when there is no down). Give one when the source is not stable (minified or
   * bundled builds, bound or generated functions): bump it when the migration really changes.
   */
  readonly checksum?: string
  /** As a module's `metadata.transactional` (default true). */
  readonly transactional?: boolean
}

/** What `MigratorOptions.migrations` takes: migrations in code, or already loaded ones (`loadMigrations`, tests). */
export type MigrationInput = CodeMigration | Migration

const FIELDS: ReadonlySet<string> = new Set(['version', 'name', 'description', 'kind', 'up', 'down', 'checksum', 'transactional'])
const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*$/

/** The checksum of a code migration without an explicit one: sha256 of its functions' source. */
export function codeChecksum(up: (ctx: MigrationContext) => Promise<void>, down?: (ctx: MigrationContext) => Promise<void>): string {
  return checksumOf(`${up.toString()}\n${down?.toString() ?? ''}`)
}

/** The label a code migration goes by where a file name would be (messages, status `file`). */
export function codeMigrationLabel(version: string, name: string): string {
  return `${version}_${name} (code)`
}

/** Whether a Migration's `file` (as issues and status rows carry it) is a code migration's label. */
export function isCodeMigrationLabel(file: string | null | undefined): boolean {
  return file !== null && file !== undefined && file.endsWith(' (code)')
}

function isLoaded(x: object): x is Migration {
  return typeof (x as { version?: unknown }).version === 'object' && (x as { version?: unknown }).version !== null
}

/** Validates one code migration and turns it into a Migration; E_FILENAME / E_MODULE_INVALID name its version. */
export function fromCodeMigration(input: CodeMigration, index = 0): Migration {
  const at = `migrations[${index}]`
  if (typeof input !== 'object' || input === null) {
    throw new StrataError('E_MODULE_INVALID', `${at} is not a migration: expected { version, name, description?, kind?, up, down?, checksum? }`)
  }
  const raw = input as unknown as Record<string, unknown>
  if (typeof raw.version !== 'string') {
    throw new StrataError('E_FILENAME', `${at}: version must be a string (got ${raw.version === undefined ? 'none' : `${typeof raw.version} ${String(raw.version)}`}): ${VERSION_GRAMMAR}`, {
      details: { index },
    })
  }
  const v = raw.version
  const label = `${at} (version ${v})`
  const version = parseVersion(v, label)
  const invalid = (why: string): StrataError => new StrataError('E_MODULE_INVALID', `${label}: ${why}`, { version: v, file: label })
  const unknown = Object.keys(raw).filter((k) => !FIELDS.has(k))
  if (unknown.length) throw invalid(`unknown field${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (a code migration has ${[...FIELDS].join(', ')})`)
  if (typeof raw.name !== 'string' || !NAME.test(raw.name)) {
    throw new StrataError('E_FILENAME', `${label}: name ${typeof raw.name === 'string' ? `"${raw.name}"` : 'is missing; it'} must be letters, digits, "_", "-" and single dots between them (as a file name's description)`, {
      version: v, file: label,
    })
  }
  if (typeof raw.up !== 'function') throw invalid('up must be a function (async (ctx) => { await ctx.execute(…) })')
  if (raw.down !== undefined && typeof raw.down !== 'function') throw invalid('down must be a function when given')
  if (raw.description !== undefined && typeof raw.description !== 'string') throw invalid('description must be a string')
  if (raw.kind !== undefined && raw.kind !== 'schema' && raw.kind !== 'data') throw invalid(`kind must be 'schema' or 'data'`)
  if (raw.checksum !== undefined && (typeof raw.checksum !== 'string' || raw.checksum.trim() === '')) throw invalid('checksum must be a non-empty string')
  if (raw.transactional !== undefined && typeof raw.transactional !== 'boolean') throw invalid('transactional must be true or false')
  const up = raw.up as (ctx: MigrationContext) => Promise<void>
  const down = raw.down as ((ctx: MigrationContext) => Promise<void>) | undefined
  return {
    version,
    name: raw.name,
    kind: (raw.kind as MigrationKind | undefined) ?? 'schema',
    description: raw.description as string | undefined,
    checksum: (raw.checksum as string | undefined) ?? codeChecksum(up, down),
    file: codeMigrationLabel(v, raw.name),
    format: 'ts',
    source: 'code',
    transactional: raw.transactional !== false,
    upFn: up,
    downFn: down,
  }
}

/** Normalises a `migrations` list: code migrations are validated and converted, loaded ones kept as they are. */
export function toMigrations(inputs: readonly MigrationInput[]): Migration[] {
  if (!Array.isArray(inputs)) throw new StrataError('E_CONFIG', 'migrations must be an array of migrations')
  return inputs.map((m, i) => (typeof m === 'object' && m !== null && isLoaded(m) ? m : fromCodeMigration(m as CodeMigration, i)))
}

/**
 * A directory's migrations and a code list as one set, sorted by version. One scheme for both (E_MIXED_SCHEMES).
 * Versions given twice are not dropped: the plan refuses them with E_DUPLICATE_VERSION naming both sources.
 */
export function mergeMigrations(fromDir: readonly Migration[], fromCode: readonly Migration[]): Migration[] {
  const all = [...fromDir, ...fromCode].sort((a, b) => compareVersions(a.version, b.version))
  assertOneScheme(all)
  return all
}
