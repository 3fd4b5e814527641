import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import { StrataError } from '../errors.js'
import { backupPath, fileSha256, readManifest } from './backup-store.js'
import type { BackupManifest, BackupSupport, BackupTableEntry, BackupTableInfo } from './backup-types.js'
import { RowsDigest } from './rows-digest.js'

export interface RestoredTable {
  readonly table: string
  readonly created: boolean
  readonly addedColumns: readonly string[]
  readonly rowsLoaded: number
  /** Read back after loading: what the table holds now, over the backed-up columns. */
  readonly rowsNow: number
  readonly expectedRows: number
  readonly digestMatches: boolean
  readonly verified: boolean
}

export interface RestoreReport {
  readonly id: string
  readonly ok: boolean
  readonly tables: readonly RestoredTable[]
}

export type RestoreEvent =
  | { type: 'restore:table'; table: string; created: boolean; addedColumns: readonly string[] }
  | { type: 'restore:progress'; table: string; rows: number; total: number }
  | { type: 'restore:verified'; table: string; verified: boolean; rowsNow: number; expectedRows: number }

export interface RestoreInput {
  readonly support: BackupSupport
  readonly dir: string
  readonly id: string
  /** Only these tables (as the manifest names them, qualified or not). */
  readonly tables?: readonly string[]
  readonly batchSize?: number
  readonly onEvent?: (e: RestoreEvent) => void
}

/**
 * Recreates the backed-up tables (or the columns they lost), loads the rows as upserts, then reads each table
 * back and checks the row count and digest against the manifest. A data file whose SHA-256 differs from the
 * manifest's stops the restore before it loads anything (E_RESTORE_VERIFY).
 */
export async function restoreBackup(input: RestoreInput): Promise<RestoreReport> {
  const m = await readManifest(input.dir, input.id)
  if (m.status !== 'complete') throw new StrataError('E_RESTORE_VERIFY', `backup ${m.id} is incomplete (its run was interrupted before the step): nothing to restore from it`)
  const entries = selected(m, input.tables)
  for (const e of entries) {
    const sha = await fileSha256(backupPath(input.dir, m.id, e.file))
    if (e.fileSha256 && sha !== e.fileSha256) throw new StrataError('E_RESTORE_VERIFY', `backup ${m.id}: ${e.file} was changed since it was written (SHA-256 ${sha}, manifest ${e.fileSha256}): nothing was restored`)
  }
  const tables: RestoredTable[] = []
  for (const e of entries) tables.push(await restoreTable(input, m, e))
  return { id: m.id, ok: tables.every((t) => t.verified), tables }
}

function selected(m: BackupManifest, names: readonly string[] | undefined): BackupTableEntry[] {
  if (!names?.length) return m.tables
  return names.map((n) => {
    const e = m.tables.find((t) => t.table === n || t.requested === n || t.table.split('.').pop() === n)
    if (!e) throw new StrataError('E_USAGE', `backup ${m.id} has no table "${n}" (it has ${m.tables.map((t) => t.table).join(', ') || 'none'})`)
    return e
  })
}

async function restoreTable(input: RestoreInput, m: BackupManifest, e: BackupTableEntry): Promise<RestoredTable> {
  const info: BackupTableInfo = { name: e.table, ddl: e.ddl, columns: e.columns, primaryKey: e.primaryKey }
  const prepared = await input.support.prepare(info)
  input.onEvent?.({ type: 'restore:table', table: e.table, ...prepared })
  let loaded = 0
  let batch: string[] = []
  const flush = async (): Promise<void> => {
    if (!batch.length) return
    loaded += await input.support.load(info, batch)
    batch = []
    input.onEvent?.({ type: 'restore:progress', table: e.table, rows: loaded, total: e.rows })
  }
  const lines = createInterface({ input: createReadStream(backupPath(input.dir, m.id, e.file)), crlfDelay: Infinity })
  for await (const line of lines) {
    if (!line) continue
    batch.push(line)
    if (batch.length >= (input.batchSize ?? 500)) await flush()
  }
  await flush()
  // Read back over the backed-up columns, in any order: the digest is order-independent.
  const digest = new RowsDigest()
  let rowsNow = 0
  for await (const page of input.support.pages(info, { pageSize: 1000 })) {
    for (const line of page.lines) digest.add(line)
    rowsNow += page.lines.length
  }
  const digestMatches = digest.hex === e.rowsDigest
  const verified = digestMatches && rowsNow === e.rows
  input.onEvent?.({ type: 'restore:verified', table: e.table, verified, rowsNow, expectedRows: e.rows })
  return { table: e.table, created: prepared.created, addedColumns: prepared.addedColumns, rowsLoaded: loaded, rowsNow, expectedRows: e.rows, digestMatches, verified }
}
