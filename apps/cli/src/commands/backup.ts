import { listBackups, readManifest, restoreBackup, StrataError, type BackupManifest } from '@strata-migrate/core/adapter-kit'
import { openAdapter } from '../adapters.js'
import type { BackupListDocument, BackupRestoreDocument, BackupShowDocument } from '../json-documents.js'
import type { Output } from '../output.js'
import { grouped, plural } from '../plural.js'
import type { Settings } from '../settings.js'

const rowsOf = (m: BackupManifest): number => m.tables.reduce((n, t) => n + t.rows, 0)

/** `strata backup list`: the backups in the backup directory, oldest first. Reads files only. */
export async function backupListCommand(s: Settings, out: Output): Promise<BackupListDocument> {
  const all = (await listBackups(s.backup.dir)).filter((m) => m.db === s.db)
  out.table(['id', 'set', 'version', 'direction', 'status', 'tables', 'rows', 'why'], all.map((m) => [
    m.id, m.set, m.version, m.direction, m.status === 'complete' ? out.c.green('complete') : out.c.yellow(m.status),
    m.tables.map((t) => t.table).join(', ') || (m.command ? `(${m.command.text})` : '-'), grouped(rowsOf(m)), m.reasons.join('; '),
  ]))
  if (!all.length) out.print(`no backups of ${s.db} in ${s.backup.dir}`)
  return { ok: true, command: 'backup list', db: s.db, dir: s.backup.dir, backups: all }
}

/** `strata backup show <id>`: its manifest. */
export async function backupShowCommand(s: Settings, out: Output, id: string): Promise<BackupShowDocument> {
  const m = await readManifest(s.backup.dir, id)
  out.print(`backup ${m.id} (${m.status}): ${m.db} set "${m.set}", before ${m.direction} of ${m.version} ${m.migration}, taken ${m.createdAt}`)
  out.print(`why: ${m.reasons.join('; ')}`)
  if (m.command) out.print(`native backup: ${m.command.text} (exit ${m.command.exitCode})`)
  out.table(['table', 'rows', 'bytes', 'file', 'sha-256'], m.tables.map((t) => [t.table, grouped(t.rows), grouped(t.bytes), t.file, t.fileSha256?.slice(0, 16) ?? '(incomplete)']))
  return { ok: true, command: 'backup show', dir: s.backup.dir, backup: m }
}

/** `strata backup restore <id>`: recreates the tables (or their dropped columns), loads the rows, verifies them. */
export async function backupRestoreCommand(s: Settings, out: Output, id: string, o: { tables?: string }): Promise<BackupRestoreDocument> {
  const m = await readManifest(s.backup.dir, id)
  if (m.db !== s.db) throw new StrataError('E_USAGE', `backup ${id} is of ${m.db}, not ${s.db}: restore it with --db ${m.db}`)
  const tables = o.tables?.split(',').map((t) => t.trim()).filter(Boolean)
  const adapter = await openAdapter(s)
  try {
    if (!adapter.backup) throw new StrataError('E_CONFIG', `the ${adapter.name} adapter cannot load rows`)
    const report = await restoreBackup({
      support: adapter.backup, dir: s.backup.dir, id, tables,
      onEvent: (e) => {
        if (e.type === 'restore:table') out.log(`restore ${e.table}: ${e.created ? 'table recreated from the backup\'s DDL' : e.addedColumns.length ? `columns ${e.addedColumns.join(', ')} added back` : 'table exists'}`)
        else if (e.type === 'restore:progress' && out.interactive) process.stderr.write(`\r\x1b[K  ${e.table}: ${grouped(e.rows)}/${grouped(e.total)} rows`)
        else if (e.type === 'restore:verified') {
          if (out.interactive) process.stderr.write('\r\x1b[K')
          out.log(`restore ${e.table}: ${e.verified ? out.logc.green('verified') : out.logc.red('NOT verified')} (${plural(e.rowsNow, 'row')} now, ${grouped(e.expectedRows)} in the backup)`)
        }
      },
    })
    out.table(['table', 'created', 'columns added', 'rows loaded', 'rows now', 'backup rows', 'digest', 'verified'], report.tables.map((t) => [
      t.table, t.created ? 'yes' : 'no', t.addedColumns.join(', ') || '-', grouped(t.rowsLoaded), grouped(t.rowsNow), grouped(t.expectedRows),
      t.digestMatches ? 'match' : 'differs', t.verified ? out.c.green('yes') : out.c.red('no'),
    ]))
    const doc: BackupRestoreDocument = { command: 'backup restore', db: s.db, ...report }
    if (!report.ok) {
      out.document(doc)
      const bad = report.tables.filter((t) => !t.verified).map((t) => `${t.table} (${t.rowsNow} rows now, ${t.expectedRows} in the backup${t.digestMatches ? '' : ', digest differs'})`)
      throw new StrataError('E_RESTORE_VERIFY', `restore of ${id} loaded the rows but could not verify ${bad.join(', ')}: rows written since the backup, or rows lost`, { details: { reported: true } })
    }
    return doc
  } finally {
    await adapter.close()
  }
}
