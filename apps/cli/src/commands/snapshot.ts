import { columnList, renderSchemaChanges, type ResolvedSnapshot, type SchemaSnapshot } from '@strata-migrate/core/adapter-kit'
import { withMigrator } from '../context.js'
import type { SnapshotDiffDocument, SnapshotShowDocument } from '../json-documents.js'
import { fmtDate, type Output } from '../output.js'
import { plural } from '../plural.js'
import type { Settings } from '../settings.js'

function describe(r: ResolvedSnapshot): string {
  const from = r.source.version === r.version && r.source.which === r.which ? '' : `, from the snapshot ${r.source.which} ${r.source.version}`
  return `schema ${r.which} ${r.version} (taken ${fmtDate(r.source.takenAt)}${from})`
}

function summary(s: SchemaSnapshot, out: Output): void {
  for (const t of s.tables) out.print(`${out.c.bold(`table ${t.name}`)} (${columnList(t)})${t.primaryKey ? `  primary key ${t.primaryKey}` : ''}`)
  for (const i of s.indexes) out.print(`index ${i.name} on ${i.table}`)
  for (const v of s.views) out.print(`view ${v.name}${v.baseTable ? ` on ${v.baseTable}` : ''}`)
  for (const o of s.others ?? []) out.print(`${o.kind} ${o.table ? `${o.table}.` : ''}${o.name}`)
}

/** `snapshot show <version> [--before] [--ddl]`: one stored snapshot; E_NO_SNAPSHOT (exit 2) when there is none. */
export async function snapshotShowCommand(s: Settings, out: Output, version: string, o: { before?: boolean; ddl?: boolean }): Promise<SnapshotShowDocument> {
  return withMigrator(s, out, async (m) => {
    const r = await m.snapshot(version, { before: o.before })
    const d = r.document
    if (o.ddl) {
      out.print(d.ddl)
    } else {
      const counts = [plural(d.schema.tables.length, 'table'), plural(d.schema.indexes.length, 'index', 'indexes'), plural(d.schema.views.length, 'view')]
      out.print(`${describe(r)}, set "${s.set}": ${counts.join(', ')}`)
      summary(d.schema, out)
      out.print(out.c.dim(`(DDL from ${d.source}: strata snapshot show ${version}${o.before ? ' --before' : ''} --ddl)`))
    }
    return {
      ok: true, command: 'snapshot show', db: s.db, set: s.set, version: r.version, which: r.which, snapshot: r.source,
      format: d.format, ddlSource: d.source, ddl: d.ddl, schema: d.schema,
    }
  })
}

/** `snapshot diff <v1> <v2>`: the schema after v1 against the schema after v2. */
export async function snapshotDiffCommand(s: Settings, out: Output, from: string, to: string): Promise<SnapshotDiffDocument> {
  return withMigrator(s, out, async (m) => {
    const d = await m.snapshotDiff(from, to)
    out.print(`${describe(d.from)} → ${describe(d.to)}: ${d.changes.length ? plural(d.changes.length, 'change') : 'no changes'}`)
    const colour = (line: string): string => (line.startsWith('+') ? out.c.green(line) : line.startsWith('-') ? out.c.red(line) : out.c.yellow(line))
    for (const line of renderSchemaChanges(d.changes)) out.print(colour(line))
    return { ok: true, command: 'snapshot diff', db: s.db, set: s.set, from: d.from.source, to: d.to.source, changes: d.changes }
  })
}
