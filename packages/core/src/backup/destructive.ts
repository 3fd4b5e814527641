import type { Adapter } from '../adapter-contract.js'
import { renderPlaceholders } from '../placeholders.js'
import type { PlanStep } from '../plan.js'
import type { DestructiveEffect } from './backup-types.js'

/** Whether a step may lose data, why, and the tables whose rows a backup should keep. */
export interface StepDestruction {
  readonly destructive: boolean
  readonly reasons: readonly string[]
  readonly tables: readonly string[]
}

const NONE: StepDestruction = { destructive: false, reasons: [], tables: [] }

/**
 * Every `down` is destructive (it takes back what its up made, data included), and so is every data migration;
 * a schema step is when one of its statements is (the adapter reads them: DROP TABLE/VIEW/TYPE/KEYSPACE,
 * DROP COLUMN, TRUNCATE, a column type change, DML). Code migrations name no tables: their rows are kept only
 * when their metadata lists `backupTables`.
 */
export function stepDestruction(step: PlanStep, adapter: Pick<Adapter, 'destructive'>, placeholders: Readonly<Record<string, string>>): StepDestruction {
  const m = step.migration
  const texts = (step.direction === 'up' ? m.statements : m.downStatements)?.map((s, i) => safeRender(s.text, placeholders, m.file, m.version.raw, i)) ?? []
  const effects: DestructiveEffect[] = texts.map((t) => adapter.destructive?.(t)).filter((e): e is DestructiveEffect => e !== undefined)
  const reasons = effects.map((e) => e.what)
  const tables = new Set(effects.flatMap((e) => e.tables))
  for (const t of m.backupTables ?? []) tables.add(renderPlaceholders(t, placeholders, { file: m.file, version: m.version.raw }))
  if (step.direction === 'down') reasons.unshift(`down of ${m.version.raw} (takes back what its up made)`)
  else if (m.kind === 'data') reasons.unshift(`data migration ${m.version.raw}`)
  if (!reasons.length) return NONE
  if (texts.length === 0 && !m.backupTables?.length) reasons.push('code migration: list the tables it changes in metadata.backupTables to back them up')
  return { destructive: true, reasons: [...new Set(reasons)], tables: [...tables] }
}

function safeRender(text: string, placeholders: Readonly<Record<string, string>>, file: string, version: string, i: number): string {
  try {
    return renderPlaceholders(text, placeholders, { file, version, statementIndex: i + 1 })
  } catch {
    return text
  }
}
