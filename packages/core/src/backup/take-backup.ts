import { existsSync } from 'node:fs'
import { open, rm, writeFile } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { StrataError, messageOf } from '../errors.js'
import { backupPath, fileSha256, listBackups, saveManifest, tableFileBase } from './backup-store.js'
import type { BackupManifest, BackupOptions, BackupSubject, BackupSupport, BackupTableEntry, BackupTableInfo } from './backup-types.js'
import { RowsDigest } from './rows-digest.js'
import type { StatementDialect } from '../types.js'

export const BACKUP_DEFAULTS = { maxRows: 10_000_000, maxBytes: 2 * 1024 ** 3, pageSize: 1000 } as const

export type BackupEvent =
  | { type: 'backup:start'; id: string; tables: readonly string[]; resumed: boolean }
  | { type: 'backup:progress'; id: string; table: string; rows: number; bytes: number; rowsPerSecond: number }
  | { type: 'backup:table'; id: string; table: string; rows: number; bytes: number; skipped?: string }
  | { type: 'backup:done'; id: string; rows: number; bytes: number; durationMs: number }

export interface TakeBackupInput extends BackupSubject {
  readonly support: BackupSupport
  readonly options: BackupOptions
  readonly tables: readonly string[]
  readonly dialect: StatementDialect
  readonly onEvent?: (e: BackupEvent) => void
  readonly signal?: AbortSignal
  readonly now?: () => Date
}

/**
 * Exports the rows and DDL of `tables` before a destructive step. Resumable: an in-progress backup of the same
 * set, version, direction and tables (a run killed mid-export) is continued from its last saved page, not
 * restarted. Refuses with E_BACKUP_TOO_LARGE, before the step, a table over maxRows/maxBytes.
 */
export async function takeBackup(input: TakeBackupInput): Promise<BackupManifest> {
  try {
    return await backup(input)
  } catch (err) {
    // The disk, not the database: a full disk or a directory it may not write is E_BACKUP_FAILED, naming the path.
    const code = (err as { code?: unknown }).code
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code) && (err as { syscall?: string }).syscall) {
      throw new StrataError('E_BACKUP_FAILED', `cannot write the backup in ${input.options.dir}: ${messageOf(err)}; the step did not run`, { version: input.version, cause: err })
    }
    throw err
  }
}

async function backup(input: TakeBackupInput): Promise<BackupManifest> {
  const { options: o, support } = input
  const now = input.now ?? (() => new Date())
  const started = Date.now()
  const resumable = (await listBackups(o.dir)).reverse().find((m) => m.status === 'in-progress' && m.db === input.db && m.set === input.set &&
    m.version === input.version && m.direction === input.direction && sameTables(m.reasonsTables ?? [], input.tables))
  const manifest: BackupManifest = resumable ?? {
    format: 'strata-backup', formatVersion: 1, id: freshId(o.dir, backupId(now(), input)), createdAt: now().toISOString(), status: 'in-progress',
    db: input.db, set: input.set, version: input.version, migration: input.migration, direction: input.direction,
    reasons: input.reasons, reasonsTables: [...input.tables], schemaSnapshot: { before: input.version }, tables: [],
  }
  if (!resumable) await saveManifest(o.dir, manifest)
  input.onEvent?.({ type: 'backup:start', id: manifest.id, tables: input.tables, resumed: resumable !== undefined })
  if (o.command) await runCommand(o.command, manifest, input)
  else {
    for (const name of input.tables) {
      let entry = manifest.tables.find((t) => t.table === name || t.requested === name)
      if (!entry) {
        const info = await support.describe(name)
        if (!info) {
          input.onEvent?.({ type: 'backup:table', id: manifest.id, table: name, rows: 0, bytes: 0, skipped: 'does not exist' })
          continue
        }
        entry = await newEntry(o.dir, manifest, info, name, input.dialect)
        manifest.tables.push(entry)
        await saveManifest(o.dir, manifest)
      }
      if (!entry.done) await exportTable(input, manifest, entry)
      input.onEvent?.({ type: 'backup:table', id: manifest.id, table: entry.table, rows: entry.rows, bytes: entry.bytes })
    }
  }
  manifest.status = 'complete'
  manifest.completedAt = now().toISOString()
  await saveManifest(o.dir, manifest)
  input.onEvent?.({ type: 'backup:done', id: manifest.id, rows: manifest.tables.reduce((n, t) => n + t.rows, 0), bytes: manifest.tables.reduce((n, t) => n + t.bytes, 0), durationMs: Date.now() - started })
  return manifest
}

/** Two backups of the same step within one second (a rerun after a failure) get `-2`, `-3`…: none is overwritten. */
function freshId(dir: string, id: string): string {
  let out = id
  for (let i = 2; existsSync(backupPath(dir, out)); i++) out = `${id}-${i}`
  return out
}

function sameTables(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n')
}

/** `20261130T105512Z-default-005-up`: sorts by creation time, names what it is for. */
function backupId(at: Date, i: { set: string; version: string; direction: string }): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')
  return `${stamp}-${i.set}-${i.version}-${i.direction}`.replace(/[^A-Za-z0-9_.-]/g, '_')
}

async function newEntry(dir: string, m: BackupManifest, info: BackupTableInfo, requested: string, dialect: StatementDialect): Promise<BackupTableEntry> {
  const base = tableFileBase(info.name)
  const entry: BackupTableEntry = {
    table: info.name, requested, file: `${base}.jsonl`, ddlFile: `${base}.ddl.${dialect}`, ddl: info.ddl, columns: info.columns, primaryKey: info.primaryKey,
    rows: 0, bytes: 0, rowsDigest: new RowsDigest().hex, done: false,
  }
  await writeFile(backupPath(dir, m.id, entry.ddlFile), `${info.ddl.join('\n')}\n`)
  return entry
}

/** Pages of the table appended to its file; the manifest saved after each page is the resume point. */
async function exportTable(input: TakeBackupInput, m: BackupManifest, entry: BackupTableEntry): Promise<void> {
  const { options: o, support } = input
  const maxRows = o.maxRows ?? BACKUP_DEFAULTS.maxRows
  const maxBytes = o.maxBytes ?? BACKUP_DEFAULTS.maxBytes
  // A table whose source gave no cursor cannot continue mid-way: it starts again.
  if (entry.cursor === undefined && entry.rows > 0) Object.assign(entry, { rows: 0, bytes: 0, rowsDigest: new RowsDigest().hex })
  const path = backupPath(o.dir, m.id, entry.file)
  const file = await open(path, entry.rows === 0 ? 'w' : 'r+')
  try {
    // Bytes after the last saved page were written by a run killed before it saved the manifest: cut them.
    await file.truncate(entry.bytes)
    const digest = new RowsDigest(entry.rowsDigest)
    const t0 = Date.now()
    let rowsThisRun = 0
    const info: BackupTableInfo = { name: entry.table, ddl: entry.ddl, columns: entry.columns, primaryKey: entry.primaryKey }
    for await (const page of support.pages(info, { cursor: entry.cursor, pageSize: o.pageSize ?? BACKUP_DEFAULTS.pageSize, signal: input.signal })) {
      if (input.signal?.aborted) throw input.signal.reason
      const text = page.lines.length ? `${page.lines.join('\n')}\n` : ''
      const bytes = Buffer.byteLength(text)
      if (entry.rows + page.lines.length > maxRows || entry.bytes + bytes > maxBytes) {
        await file.close().catch(() => undefined)
        await rm(backupPath(o.dir, m.id), { recursive: true, force: true })
        throw tooLarge(entry.table, maxRows, maxBytes, input.dialect, entry.rows + page.lines.length, entry.bytes + bytes)
      }
      await file.write(text, entry.bytes)
      for (const line of page.lines) digest.add(line)
      entry.rows += page.lines.length
      entry.bytes += bytes
      entry.rowsDigest = digest.hex
      entry.cursor = page.cursor
      await saveManifest(o.dir, m)
      rowsThisRun += page.lines.length
      const elapsed = (Date.now() - t0) / 1000
      input.onEvent?.({ type: 'backup:progress', id: m.id, table: entry.table, rows: entry.rows, bytes: entry.bytes, rowsPerSecond: Math.round(rowsThisRun / Math.max(elapsed, 0.001)) })
      // Throttle: sleep until this run's rate is back under the limit.
      if (o.rowsPerSecond) {
        const due = (rowsThisRun / o.rowsPerSecond) * 1000 - (Date.now() - t0)
        if (due > 0) await sleep(due, undefined, { signal: input.signal })
      }
    }
  } finally {
    await file.close().catch(() => undefined)
  }
  entry.cursor = undefined
  entry.fileSha256 = await fileSha256(path)
  entry.done = true
  await saveManifest(o.dir, m)
}

function tooLarge(table: string, maxRows: number, maxBytes: number, dialect: StatementDialect, rows: number, bytes: number): StrataError {
  const native = dialect === 'cql'
    ? '`nodetool snapshot` on every node (ScyllaDB/Cassandra)'
    : 'CockroachDB `BACKUP TABLE … INTO …` (pg_dump on PostgreSQL)'
  return new StrataError('E_BACKUP_TOO_LARGE', `table ${table} is over the backup size guard (more than ${rows > maxRows ? `${maxRows.toLocaleString('en')} rows` : `${maxBytes.toLocaleString('en')} bytes`}, seen ${rows.toLocaleString('en')} rows, ${bytes.toLocaleString('en')} bytes): nothing was changed. Take a native backup instead — ${native}, or set backup.command to run it — or raise backup.maxRows / backup.maxBytes`, { details: { table, maxRows, maxBytes } })
}

/** backup.command: a native snapshot instead of the row export, its exit code recorded. */
async function runCommand(template: string, m: BackupManifest, input: TakeBackupInput): Promise<void> {
  const { spawn } = await import('node:child_process')
  const text = template.replaceAll('{id}', m.id).replaceAll('{version}', input.version).replaceAll('{tables}', input.tables.join(','))
  const exitCode = await new Promise<number>((resolve, reject) => {
    const child = spawn(text, { shell: true, stdio: ['ignore', 'inherit', 'inherit'] })
    child.on('error', reject)
    child.on('close', (code) => resolve(code ?? 1))
  }).catch((err: unknown) => {
    throw new StrataError('E_BACKUP_FAILED', `backup.command could not start: ${messageOf(err)}`)
  })
  m.command = { text, exitCode }
  await saveManifest(input.options.dir, m)
  if (exitCode !== 0) throw new StrataError('E_BACKUP_FAILED', `backup.command exited ${exitCode}: the step did not run (${text})`, { version: input.version })
}
