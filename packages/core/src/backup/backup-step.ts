import type { Adapter } from '../adapter-contract.js'
import type { TypedEmitter } from '../events.js'
import type { BackupSettings } from '../migrator-options.js'
import type { PlanStep } from '../plan.js'
import { stepDestruction } from './destructive.js'
import { takeBackup } from './take-backup.js'

export interface BackupStepInput {
  readonly step: PlanStep
  readonly adapter: Adapter
  readonly set: string
  readonly placeholders: Readonly<Record<string, string>>
  /** Undefined: backups are off for this run (the step is still announced when destructive). */
  readonly backup: BackupSettings | undefined
  readonly emitter: TypedEmitter
  readonly signal?: AbortSignal
}

/**
 * Before each step of a run: says whether it is destructive and why (`step:destructive`), and with backups on,
 * exports the tables it touches first. Returns the backup's id; throws (the step does not run) when the backup
 * fails or a table is over the size guard.
 */
export async function backupBeforeStep(i: BackupStepInput): Promise<string | undefined> {
  const d = stepDestruction(i.step, i.adapter, i.placeholders)
  if (!d.destructive) return undefined
  const m = i.step.migration
  const take = i.backup !== undefined && i.adapter.backup !== undefined && (d.tables.length > 0 || i.backup.command !== undefined)
  i.emitter.emit('step:destructive', { version: m.version.raw, direction: i.step.direction, reasons: d.reasons, tables: d.tables, backup: take })
  if (!take || !i.backup || !i.adapter.backup) return undefined
  try {
    const manifest = await takeBackup({
      support: i.adapter.backup, options: i.backup, db: i.adapter.name, set: i.set, version: m.version.raw, migration: m.name,
      direction: i.step.direction, reasons: d.reasons, tables: d.tables, dialect: i.adapter.dialect,
      onEvent: (e) => i.emitter.emit('backup', e), signal: i.signal,
    })
    return manifest.id
  } catch (err) {
    // A stopped backup (Ctrl-C, lost lease) surfaces as the stop's own reason, not the timer's or driver's AbortError,
    // so the run ends with the stop's exit code; the manifest stays in progress and the next run resumes it.
    if (i.signal?.aborted) throw i.signal.reason
    throw err
  }
}
