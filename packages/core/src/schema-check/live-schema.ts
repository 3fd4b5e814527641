import type { Migrator } from '../migrator.js'
import { diffSchemas, type SchemaChange } from '../schema-diff.js'
import { snapshotDrift } from '../snapshot-drift.js'
import type { Adapter, AppliedMigration, Migration } from '../types.js'
import { newestRaw } from '../version.js'
import { driftName, phrase, type DriftIssue } from './drift.js'
import { replayAppliedSchema } from './replay.js'

/** What the live schema was compared with. */
export type SchemaBasis =
  | { kind: 'snapshot'; version: string }
  | { kind: 'replay'; versions: string[] }
  | { kind: 'none'; reason: string }

export interface LiveSchemaCheck {
  drift: DriftIssue[]
  basis: SchemaBasis
  /** Why part of the schema was not compared (a partial code migration, replay impossible): warnings. */
  notes: string[]
}

const settled = (r: AppliedMigration): boolean => r.status === 'applied' || r.status === 'baselined'
const unfinished = (r: AppliedMigration): boolean => (r.status === 'running' || r.status === 'failed' || r.status === 'rolling_back') && r.statementsDone > 0

/**
 * The live schema against the schema the applied migrations produce. Truth, not a parse of the DDL:
 * 1. the snapshot recorded after the newest applied version, when nothing was left half-done since;
 * 2. otherwise (no snapshot: baselined or older history, snapshots off; or a partial/failed file whose applied
 *    prefix is the set's own) a replay of the applied migrations into a scratch keyspace/database;
 * 3. when neither is possible, nothing is compared and a note says why (never a guess that could cry wolf).
 */
export async function checkLiveSchema(input: {
  adapter: Adapter
  set: string
  available: readonly Migration[]
  applied: readonly AppliedMigration[]
  placeholders: Readonly<Record<string, string>>
  MigratorClass: typeof Migrator
}): Promise<LiveSchemaCheck> {
  const newest = newestRaw(input.applied.filter(settled).map((r) => r.version))
  const halfDone = input.applied.filter(unfinished)
  if (!newest && halfDone.length === 0) return { drift: [], basis: { kind: 'none', reason: 'nothing applied' }, notes: [] }
  if (newest && halfDone.length === 0) {
    const sd = await snapshotDrift(input.adapter, input.set, input.applied)
    if (sd) return { drift: sd.changes.map((c) => fromSnapshot(c, sd.version)), basis: { kind: 'snapshot', version: sd.version }, notes: [] }
  }
  const replay = await replayAppliedSchema(input)
  if (!replay.ok) return { drift: [], basis: { kind: 'none', reason: replay.reason }, notes: [`the live schema was not compared: ${replay.reason}`] }
  const live = (await (input.adapter.captureSchema as NonNullable<Adapter['captureSchema']>)({ ddl: false })).schema
  const ownTables = new Set(replay.schema.tables.map((t) => t.name))
  const notes = replay.skippedPartial
    ? [`the objects of the partial code migration ${replay.skippedPartial} cannot be replayed: tables they made show as not the set's own`]
    : []
  const drift = diffSchemas(replay.schema, live).flatMap((c) => fromReplay(c, newest, ownTables))
  return { drift, basis: { kind: 'replay', versions: replay.versions }, notes }
}

function fromSnapshot(c: SchemaChange, version: string): DriftIssue {
  const where = c.change === 'added' ? 'not in' : c.change === 'removed' ? 'present in' : 'differs from'
  return {
    kind: 'snapshot-drift', name: driftName(c), version, severity: 'error', change: c,
    message: `drift: ${phrase(c)} outside Strata (${where} the snapshot after ${version})`,
  }
}

/**
 * A difference from the replay. A table (with its indexes and views) the set's migrations never create may be
 * another set's or a code migration's: a warning. Everything on the set's own objects is drift.
 */
function fromReplay(c: SchemaChange, version: string | undefined, own: ReadonlySet<string>): DriftIssue[] {
  const onOwn = c.object === 'table' ? own.has(c.name) : c.table === undefined || own.has(c.table)
  if (c.change === 'added' && !onOwn) {
    if (c.object !== 'table') return []
    return [{ kind: 'unexpected-table', name: c.name, severity: 'warning', change: c, message: `table ${c.name} exists but the set's applied migrations do not create it (another set's, or made by hand)` }]
  }
  const where = c.change === 'added' ? 'not made by' : c.change === 'removed' ? 'made by' : 'different from what made'
  return [{
    kind: 'replay-drift', name: driftName(c), ...(version ? { version } : {}), severity: 'error', change: c,
    message: `drift: ${phrase(c)} outside Strata (${where} the applied migrations${version ? ` up to ${version}` : ''}, replayed in a scratch database)`,
  }]
}

