import { messageOf } from '../errors.js'
import { checksumOf } from '../hash.js'
import type { Migrator } from '../migrator.js'
import { renderPlaceholders } from '../placeholders.js'
import type { SchemaSnapshot } from '../types.js'
import type { Adapter, AppliedMigration, Migration } from '../types.js'
import { versionKey, versionKeyOf } from '../version.js'

/** The schema a set's applied migrations produce, replayed into a scratch keyspace/database, or why not. */
export type ReplayResult =
  | { ok: true; schema: SchemaSnapshot; versions: string[]; skippedPartial?: string }
  | { ok: false; reason: string }

type MigratorClass = typeof Migrator

/**
 * Replays the applied migrations of a set — in order, and of a partial or failed file the statements its
 * journal counts done — into a new, empty keyspace/database (adapter.scratch()), captures its schema, and drops
 * it: the "dev database" of Atlas, the shadow database of Prisma. Data migrations are skipped (they change rows,
 * not the schema). Refused, with the reason, when a file or code migration names the target itself (`app.users`):
 * replaying it would change the real keyspace. Never touches the target.
 */
export async function replayAppliedSchema(input: {
  adapter: Adapter
  available: readonly Migration[]
  applied: readonly AppliedMigration[]
  placeholders: Readonly<Record<string, string>>
  MigratorClass: MigratorClass
}): Promise<ReplayResult> {
  const { adapter } = input
  if (!adapter.scratch || !adapter.captureSchema) return { ok: false, reason: `the ${adapter.name} adapter cannot create a scratch ${adapter.dialect === 'cql' ? 'keyspace' : 'database'}` }
  const byKey = new Map(input.available.map((m) => [versionKey(m.version), m]))
  const replay: Migration[] = []
  let skippedPartial: string | undefined
  for (const row of input.applied) {
    const m = byKey.get(versionKeyOf(row.version))
    const done = row.status === 'applied' || row.status === 'baselined'
    const partial = (row.status === 'running' || row.status === 'failed' || row.status === 'rolling_back') && row.statementsDone > 0
    if (!done && !partial) continue
    if (!m) return { ok: false, reason: `applied version ${row.version} has no migration file` }
    if (m.kind === 'data') continue
    const named = namesTarget(m, adapter.targetName, input.placeholders)
    if (named) return { ok: false, reason: `${m.file} names the ${adapter.dialect === 'cql' ? 'keyspace' : 'database'} ${adapter.targetName} itself (${named}): replaying it elsewhere would change the real one` }
    if (done) replay.push(m)
    else if (m.statements) replay.push(prefixOf(m, row.statementsDone))
    else skippedPartial = row.version
  }
  if (replay.length === 0) return { ok: true, schema: { tables: [], indexes: [], views: [] }, versions: [], ...(skippedPartial ? { skippedPartial } : {}) }
  let scratch: Awaited<ReturnType<NonNullable<Adapter['scratch']>>> | undefined
  try {
    scratch = await adapter.scratch()
    const m = new input.MigratorClass({
      adapter: scratch.adapter, migrations: replay, set: 'strata_replay', placeholders: { ...input.placeholders, ...scratch.placeholders },
      snapshots: false, lint: false,
    })
    await m.up({ createTarget: true })
    const captured = await (scratch.adapter.captureSchema as NonNullable<Adapter['captureSchema']>)({ ddl: false })
    return { ok: true, schema: captured.schema, versions: replay.map((x) => x.version.raw), ...(skippedPartial ? { skippedPartial } : {}) }
  } catch (err) {
    return { ok: false, reason: `replaying the applied migrations in a scratch ${adapter.dialect === 'cql' ? 'keyspace' : 'database'} failed: ${messageOf(err)}` }
  } finally {
    await scratch?.drop().catch(() => {})
  }
}

/** A file migration cut to its first `done` statements (what a partial or failed run applied). */
function prefixOf(m: Migration, done: number): Migration {
  const statements = (m.statements ?? []).slice(0, done)
  return { ...m, statements, checksum: checksumOf(statements.map((s) => s.text).join('\n')), transactional: false }
}

/** A place where a migration names the target (keyspace or database) itself, as `name.` before an object. */
function namesTarget(m: Migration, target: string | undefined, placeholders: Readonly<Record<string, string>>): string | undefined {
  if (!target) return undefined
  // `${keyspace}.users` is fine: in the replay the placeholder names the scratch keyspace.
  const elsewhere = Object.fromEntries(Object.entries(placeholders).map(([k, v]) => [k, v.toLowerCase() === target.toLowerCase() ? 'strata_scratch' : v]))
  const texts = m.statements
    ? m.statements.map((s) => {
      try {
        return renderPlaceholders(s.text, elsewhere)
      } catch {
        return s.text
      }
    })
    : [m.upFn?.toString() ?? '']
  const escaped = target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const re = new RegExp(`(?<![\\w$])"?${escaped}"?\\s*\\.\\s*["\\w$]`, 'i')
  for (const t of texts) {
    const hit = re.exec(t)
    if (hit) return hit[0]
  }
  return undefined
}
