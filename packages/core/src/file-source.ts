import { readFileSync } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { StrataError, messageOf } from './errors.js'
import { checksumOf, hashStatement } from './hash.js'
import type { FileDirectives, Migration, MigrationContext, MigrationKind, Statement, StatementDialect } from './types.js'
import { decodeUtf8 } from './utf8.js'
import { assertOneScheme, compareVersions, isVersionString, parseVersion, VERSION_GRAMMAR } from './version.js'

export type SplitFn = (source: string, file: string) => { text: string; line: number }[]

/** File system and module loading are injected so the source is unit-testable. */
export interface FileSourceIo {
  readdir(dir: string): Promise<string[]>
  readFile(path: string): Promise<string>
  importModule(path: string): Promise<Record<string, unknown>>
}

export interface FileSourceOptions {
  dir: string
  dialect: StatementDialect
  split: SplitFn
  directives?: (source: string) => FileDirectives
  io?: Partial<FileSourceIo>
  /** Reports files that are not migrations (README.md, the other dialect's files…). */
  onIgnored?: (file: string, reason: string) => void
  /**
   * Split .cql/.sql files on first access of `statements` instead of at load. The Migrator uses it: a no-op
   * start-up compares checksums only, and splitting 100 files was ~15 ms of it; it parses every file it is
   * about to run before running the first one, so a syntax error still stops the run before any change.
   */
  lazyStatements?: boolean
}

const MIGRATION_EXT = /\.(cql|sql|json|ts|mts|js|mjs)$/
/** Files of statements (split by the adapter, with optional .down twins), as opposed to code modules. */
const isStatementExt = (ext: string): ext is StatementDialect => ext === 'cql' || ext === 'sql' || ext === 'json'
const SET_OF: Readonly<Record<StatementDialect, string>> = { cql: 'ScyllaDB', sql: 'CockroachDB', json: 'Alternator (DynamoDB API)' }
/** A description: letters, digits, _ and -, with single dots between them (`combined_v1.10_v1.13`). */
const DESCRIPTION = /^[A-Za-z0-9][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*$/

/** The file name grammar, as every refusal states it (core README, "Migration names"). */
export const FILENAME_GRAMMAR =
  `{version}_{description}[.up|.down].{ext}: the version ends at the first "_" (${VERSION_GRAMMAR}); the description is ` +
  'letters, digits, "_", "-" and single dots between them (1.13.0_combined_v1.10_v1.13.sql), and does not itself end in ' +
  '.up or .down; a .cql/.sql file may end in .up (same as none) and has an optional .down twin'

async function importWithJiti(path: string): Promise<Record<string, unknown>> {
  // jiti loads .ts modules without a build step; it is imported lazily so SQL-only runs never pay for it.
  const { createJiti } = await import('jiti')
  const jiti = createJiti(import.meta.url, { moduleCache: false })
  return (await jiti.import(pathToFileURL(path).href)) as Record<string, unknown>
}

const defaultIo: FileSourceIo = {
  readdir: async (dir) => readdir(dir),
  // Synchronous on purpose: fs/promises.readFile costs several thread-pool round trips per file (open, stat,
  // read, close), which made reading 100 small files ~70 ms of a ~200 ms no-op start-up; a sync read is µs.
  readFile: async (path) => decodeUtf8(readFileSync(path), path.split(/[\\/]/).at(-1) ?? path),
  importModule: importWithJiti,
}

interface ParsedName { file: string; version: string; name: string; down: boolean; ext: string }

/** A name that starts like a migration (`{version}_`): such a file is never skipped quietly. */
const LOOKS_LIKE_MIGRATION = /^[0-9][0-9.]*_/

function malformed(file: string, why: string): StrataError {
  return new StrataError('E_FILENAME', `malformed migration file name "${file}": ${why}. Expected ${FILENAME_GRAMMAR}`, { file })
}

/**
 * `{version}_{description}[.up|.down].{ext}`. The version is everything before the first "_"; the extension is
 * the last dot part; a lower-case `.up` or `.down` just before it is the direction (`.up` is the default, for
 * sets named like ory/popx's `20210410175418000001_identities.up.sql`); everything between is the description,
 * which may contain dots (`1.13.0_combined_v1.10_v1.13.sql`) but not end in another `.up`/`.down` (ambiguous).
 */
function parseName(file: string, dialect: StatementDialect, onIgnored: (f: string, r: string) => void): ParsedName | undefined {
  // A .json file is a migration only when named like one (package.json, tsconfig.json stay ignored as before .json sets).
  const stray = (!MIGRATION_EXT.test(file) || file.endsWith('.json')) && !LOOKS_LIKE_MIGRATION.test(file)
  if (file.startsWith('.') || file.endsWith('.d.ts') || stray) {
    onIgnored(file, 'not a migration file')
    return undefined
  }
  if (!MIGRATION_EXT.test(file)) {
    const ext = /\.[^.]*$/.exec(file)?.[0] ?? '(none)'
    throw new StrataError('E_FILENAME', `"${file}" looks like a migration but its extension ${ext} is not one Strata runs (lower-case .${dialect}, .ts, .js); rename it, or move it out of the migration directory`, { file })
  }
  const ext = (MIGRATION_EXT.exec(file) as RegExpExecArray)[1] as string
  let stem = file.slice(0, -(ext.length + 1))
  const direction = /\.(up|down)$/.exec(stem)?.[1] as 'up' | 'down' | undefined
  if (direction) stem = stem.slice(0, -(direction.length + 1))
  const sep = stem.indexOf('_')
  if (sep < 0) throw malformed(file, 'no "_" between version and description')
  const version = stem.slice(0, sep)
  const name = stem.slice(sep + 1)
  if (!isVersionString(version)) throw malformed(file, `"${version}" is not a version`)
  if (!DESCRIPTION.test(name)) throw malformed(file, name ? `"${name}" is not a description` : 'the description is empty')
  const last = /\.([^.]*)$/.exec(name)?.[1]
  if (last !== undefined && /^(up|down)$/i.test(last)) {
    throw malformed(file, `the description "${name}" ends in .${last}, so the direction is ambiguous`)
  }
  if (isStatementExt(ext) && ext !== dialect) {
    throw new StrataError('E_FILENAME', `"${file}" is a .${ext} file in a ${dialect.toUpperCase()} migration set: it would never run here; move it to the ${SET_OF[ext]} set's directory`, { file })
  }
  if (direction && !isStatementExt(ext)) {
    throw new StrataError('E_FILENAME', `"${file}": only .${dialect} files take .up/.down suffixes (and have .down twins); a module exports up() and down()`, { file })
  }
  return { file, version, name, down: direction === 'down', ext }
}

function toStatements(source: string, file: string, split: SplitFn): Statement[] {
  let parts: { text: string; line: number }[]
  try {
    parts = split(source, file)
  } catch (err) {
    throw new StrataError('E_PARSE', `cannot parse ${file}: ${messageOf(err)}`, { file, cause: err })
  }
  return parts.map((p, index) => ({ index, text: p.text, line: p.line, hash: hashStatement(p.text) }))
}

type CodeFn = (ctx: MigrationContext) => Promise<void>

/** fn's result, computed on the first call; a throw is not cached (the next access reports it again). */
function once<T>(fn: () => T): () => T {
  let done = false
  let value: T
  return () => {
    if (!done) {
      value = fn()
      done = true
    }
    return value
  }
}

async function loadModule(path: string, parsed: ParsedName, io: FileSourceIo): Promise<Record<string, unknown>> {
  let mod: Record<string, unknown>
  try {
    mod = await io.importModule(path)
  } catch (err) {
    throw new StrataError('E_MODULE_INVALID', `cannot load ${parsed.file}: ${messageOf(err)}`, { file: parsed.file, version: parsed.version, cause: err })
  }
  // Modules compiled to CommonJS put exports under `default`.
  const exports = typeof mod.up === 'function' ? mod : ((mod.default as Record<string, unknown> | undefined) ?? mod)
  if (typeof exports.up !== 'function') {
    throw new StrataError('E_MODULE_INVALID', `${parsed.file} must export an async up(ctx) function`, { file: parsed.file, version: parsed.version })
  }
  return exports
}

function metadataOf(exports: Record<string, unknown>, parsed: ParsedName): { kind: MigrationKind; transactional: boolean; description?: string; backupTables?: readonly string[] } {
  const meta = (exports.metadata ?? {}) as Record<string, unknown>
  if (meta.version !== undefined && String(meta.version) !== parsed.version) {
    throw new StrataError('E_MODULE_INVALID', `${parsed.file}: metadata.version "${String(meta.version)}" disagrees with the file name`, { file: parsed.file, version: parsed.version })
  }
  const kind = meta.kind ?? 'schema'
  if (kind !== 'schema' && kind !== 'data') {
    throw new StrataError('E_MODULE_INVALID', `${parsed.file}: metadata.kind must be 'schema' or 'data'`, { file: parsed.file, version: parsed.version })
  }
  return {
    kind,
    transactional: meta.transactional !== false,
    description: typeof meta.description === 'string' ? meta.description : undefined,
    ...(Array.isArray(meta.backupTables) ? { backupTables: meta.backupTables.map(String) } : {}),
  }
}

function fileDirectives(source: string, read: FileSourceOptions['directives']): { transactional: boolean; lintDisable?: readonly string[] } {
  // Every directive starts with "strata:": most files have none, and a no-op start-up reads them all.
  const d = /strata:/i.test(source) ? read?.(source) : undefined
  return { transactional: !(d?.noTransaction ?? false), ...(d?.lintDisable ? { lintDisable: d.lintDisable } : {}) }
}

const KIND_DIRECTIVE = /^\s*--\s*strata:kind\s*=?\s*(schema|data)\s*$/im

/**
 * Loads a directory of `{version}_{description}[.up].{cql|sql|ts|js}` files (+ `.down.cql|.down.sql` twins; see FILENAME_GRAMMAR),
 * sorted by version. Throws a StrataError naming the file on bad input; never drops a file silently.
 */
export async function loadMigrations(opts: FileSourceOptions): Promise<Migration[]> {
  const io: FileSourceIo = { ...defaultIo, ...opts.io }
  const onIgnored = opts.onIgnored ?? (() => {})
  let entries: string[]
  try {
    entries = (await io.readdir(opts.dir)).sort()
  } catch (err) {
    throw new StrataError('E_FILE_UNREADABLE', `cannot read migration directory ${opts.dir}: ${messageOf(err)}`, { file: opts.dir, cause: err })
  }
  const parsed = entries.map((f) => parseName(f, opts.dialect, onIgnored)).filter((p): p is ParsedName => p !== undefined)
  const key = (p: ParsedName): string => `${p.version}_${p.name}`
  const downs = new Map(parsed.filter((p) => p.down).map((p) => [key(p), p]))
  const ups = parsed.filter((p) => !p.down)
  for (const d of downs.values()) {
    if (!ups.some((u) => key(u) === key(d))) {
      throw new StrataError('E_FILENAME', `${d.file} has no up migration ${key(d)}.${d.ext}`, { file: d.file, version: d.version })
    }
  }
  const read = async (file: string): Promise<string> => {
    try {
      return await io.readFile(join(opts.dir, file))
    } catch (err) {
      if (err instanceof StrataError) throw err
      throw new StrataError('E_FILE_UNREADABLE', `cannot read ${file}: ${messageOf(err)}`, { file, cause: err })
    }
  }
  // All files at once (an injected async io then overlaps its reads), in directory order.
  const loadOne = async (p: ParsedName): Promise<Migration> => {
    const version = parseVersion(p.version, p.file)
    const down = downs.get(key(p))
    const [source, downSource] = await Promise.all([read(p.file), down ? read(down.file) : undefined])
    if (isStatementExt(p.ext)) {
      const m: Migration = {
        version,
        name: p.name,
        kind: (KIND_DIRECTIVE.exec(source)?.[1] as MigrationKind | undefined) ?? 'schema',
        checksum: checksumOf(source),
        file: p.file,
        format: p.ext,
        downFile: down?.file,
        ...fileDirectives(source, opts.directives),
      }
      Object.defineProperties(m, {
        statements: { enumerable: true, get: once(() => toStatements(source, p.file, opts.split)) },
        downStatements: { enumerable: true, get: once(() => (downSource === undefined || !down ? undefined : toStatements(downSource, down.file, opts.split))) },
      })
      if (!opts.lazyStatements) void [m.statements, m.downStatements]
      return m
    }
    const exports = await loadModule(resolve(opts.dir, p.file), p, io)
    const meta = metadataOf(exports, p)
    return {
      version,
      name: p.name,
      kind: meta.kind,
      description: meta.description,
      checksum: checksumOf(source),
      file: p.file,
      format: p.ext === 'ts' || p.ext === 'mts' ? 'ts' : 'js',
      transactional: meta.transactional,
      ...(meta.backupTables ? { backupTables: meta.backupTables } : {}),
      upFn: exports.up as CodeFn,
      downFn: typeof exports.down === 'function' ? (exports.down as CodeFn) : undefined,
    }
  }
  const migrations = await Promise.all(ups.map(loadOne))
  migrations.sort((a, b) => compareVersions(a.version, b.version))
  assertOneScheme(migrations)
  return migrations
}
