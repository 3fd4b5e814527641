import { changeSubject, type SchemaChange } from '../schema-diff.js'

/**
 * One difference between the live schema and the schema the applied migrations produce: the snapshot Strata
 * recorded after the newest applied version, or the replay of the applied migrations into a scratch
 * keyspace/database (schema-check/replay.ts). Never a guess from parsing DDL text.
 */
export interface DriftIssue {
  kind: 'snapshot-drift' | 'replay-drift' | 'unexpected-table'
  /** `users`, `users.nickname`, `users_email_idx`. */
  name: string
  /** The version whose expected schema the live one was compared with (the newest applied). */
  version?: string
  /** An error (the set's own objects differ), or a warning (an object the set does not create). */
  severity: 'error' | 'warning'
  message: string
  change: SchemaChange
  /**
   * A migration not applied yet (pending, failed or partial) whose statements create this table: the table was
   * made by hand (or by a crashed run) ahead of it, and recording it in a new migration would duplicate that one.
   */
  createdBy?: string
}

/** `column users.nickname (text) added`, `column users.age type changed from int to bigint`. */
export function phrase(c: SchemaChange): string {
  const subject = changeSubject(c)
  if (c.change === 'added') return `${subject}${c.object === 'column' && c.to ? ` (${c.to})` : ''} added`
  if (c.change === 'removed') return `${subject} removed`
  const short = (s: string | undefined) => ((s ?? '').length > 80 || (s ?? '').includes('\n') ? undefined : s)
  const from = short(c.from)
  const to = short(c.to)
  return `${subject} ${c.property ?? 'definition'} changed${from !== undefined && to !== undefined ? ` from ${from || '(none)'} to ${to || '(none)'}` : ''}`
}

export const driftName = (c: SchemaChange): string => (c.object === 'column' ? `${c.table}.${c.name}` : c.name)
