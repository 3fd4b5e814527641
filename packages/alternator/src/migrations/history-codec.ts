import type { AttributeValue } from '@aws-sdk/client-dynamodb'
import type { AppliedMigration, HistoryPatch, HistoryStatus, MigrationKind } from '@strata-migrate/core/adapter-kit'

/** History fields and their attributes (the key attributes migration_set and version aside): the CQL table's names. */
export const ATTRIBUTE: Readonly<Record<keyof HistoryPatch, string>> = {
  name: 'name', description: 'description', kind: 'kind', checksum: 'checksum', status: 'status',
  statementsDone: 'statements_done', statementsTotal: 'statements_total', statementHashes: 'statement_hashes',
  statementsStarted: 'statements_started', callChain: 'call_chain', startedAt: 'started_at', finishedAt: 'finished_at',
  rolledBackAt: 'rolled_back_at', durationMs: 'duration_ms', appliedBy: 'applied_by', toolVersion: 'tool_version',
  error: 'error', agreementWaitMs: 'agreement_wait_ms', backupId: 'backup_id',
}
export const FIELDS = Object.keys(ATTRIBUTE) as (keyof HistoryPatch)[]

/**
 * A history value as a DynamoDB attribute: times as N (epoch ms, exact to the ms, unlike ISO text in another
 * time zone), integers rounded, the hash list as L of S (an SS cannot be empty or hold duplicates), null as NULL.
 */
export function toAttribute(field: keyof HistoryPatch, v: unknown): AttributeValue {
  if (v === undefined || v === null) return { NULL: true }
  if (v instanceof Date) return { N: String(v.getTime()) }
  if (typeof v === 'number') return { N: String(Math.round(v)) }
  if (field === 'statementHashes') return { L: (v as readonly string[]).map((h) => ({ S: h })) }
  return { S: String(v) }
}

type Item = Record<string, AttributeValue>

const str = (a: AttributeValue | undefined): string | null => a?.S ?? null
const num = (a: AttributeValue | undefined): number | null => (a?.N === undefined ? null : Number(a.N))
const date = (a: AttributeValue | undefined): Date | null => (a?.N === undefined ? null : new Date(Number(a.N)))

/** A stored item back to its row. */
export function fromItem(set: string, it: Item): AppliedMigration {
  const hashes = (it.statement_hashes?.L ?? []).map((h) => h.S ?? '')
  const done = num(it.statements_done) ?? hashes.length
  const backupId = str(it.backup_id)
  return {
    set,
    version: str(it.version) ?? '',
    name: str(it.name) ?? '',
    description: str(it.description),
    kind: (str(it.kind) ?? 'schema') as MigrationKind,
    checksum: str(it.checksum) ?? '',
    status: (str(it.status) ?? 'running') as HistoryStatus,
    statementsDone: done,
    statementsTotal: num(it.statements_total) ?? 0,
    statementHashes: hashes,
    statementsStarted: num(it.statements_started) ?? done,
    callChain: str(it.call_chain),
    startedAt: date(it.started_at),
    finishedAt: date(it.finished_at),
    rolledBackAt: date(it.rolled_back_at),
    durationMs: num(it.duration_ms),
    appliedBy: str(it.applied_by) ?? '',
    toolVersion: str(it.tool_version) ?? '',
    error: str(it.error),
    agreementWaitMs: num(it.agreement_wait_ms),
    ...(backupId ? { backupId } : {}),
  }
}

/** A whole row as an item (put). */
export function toItem(row: AppliedMigration): Item {
  const item: Item = { migration_set: { S: row.set }, version: { S: row.version } }
  for (const f of FIELDS) if (f in row) item[ATTRIBUTE[f]] = toAttribute(f, row[f])
  return item
}
