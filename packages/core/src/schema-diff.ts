import type { ColumnInfo, SchemaObjectInfo, SchemaSnapshot, TableInfo } from './types.js'

export type SchemaObjectKind = 'table' | 'column' | 'index' | 'view' | 'constraint' | SchemaObjectInfo['kind']

/** One difference between two schemas, from the first (`from`) to the second (`to`). */
export interface SchemaChange {
  readonly object: SchemaObjectKind
  readonly change: 'added' | 'removed' | 'changed'
  /** The table a column, index, constraint or trigger belongs to (and a table's own name). */
  readonly table?: string
  readonly name: string
  /** For 'changed': which property changed ('type', 'primary key', 'definition', 'option comment', …). */
  readonly property?: string
  /** The old value (removed/changed): a type, a definition, a table's column list. */
  readonly from?: string
  /** The new value (added/changed). */
  readonly to?: string
}

const COLUMN_PROPS: readonly (keyof ColumnInfo)[] = ['type', 'kind', 'order', 'notNull', 'default']
const show = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : String(v))
const byName = <T extends { name: string }>(xs: readonly T[] | undefined, key: (x: T) => string = (x) => x.name): Map<string, T> =>
  new Map((xs ?? []).map((x) => [key(x), x]))

/** `id uuid, name text`: a table's columns in one line. */
export function columnList(t: TableInfo): string {
  return t.columns.map((c) => `${c.name} ${c.type}`).join(', ')
}

/**
 * Every difference between schema `a` and schema `b`: tables, their columns (type, kind, order, NOT NULL,
 * default), primary keys, options and constraints, indexes, views and other objects (by definition).
 * An added or removed table is one change (its columns are not listed again). Pure; sorted stably.
 */
export function diffSchemas(a: SchemaSnapshot, b: SchemaSnapshot): SchemaChange[] {
  const out: SchemaChange[] = []
  const ta = byName(a.tables)
  const tb = byName(b.tables)
  for (const [name, t] of ta) if (!tb.has(name)) out.push({ object: 'table', change: 'removed', table: name, name, from: columnList(t) })
  for (const [name, t] of tb) {
    const old = ta.get(name)
    if (!old) out.push({ object: 'table', change: 'added', table: name, name, to: columnList(t) })
    else out.push(...diffTable(old, t))
  }
  diffNamed(out, 'index', a.indexes, b.indexes, (i) => i.table, (i) => i.definition)
  diffNamed(out, 'view', a.views, b.views, (v) => v.baseTable, (v) => v.definition)
  const others = (s: SchemaSnapshot) => (s.others ?? []).map((o) => ({ ...o, key: `${o.kind}\u0000${o.table ?? ''}\u0000${o.name}` }))
  const oa = byName(others(a), (o) => o.key)
  const ob = byName(others(b), (o) => o.key)
  for (const [k, o] of oa) if (!ob.has(k)) out.push({ object: o.kind, change: 'removed', table: o.table, name: o.name, from: o.definition })
  for (const [k, o] of ob) {
    const old = oa.get(k)
    if (!old) out.push({ object: o.kind, change: 'added', table: o.table, name: o.name, to: o.definition })
    else if (old.definition !== o.definition) out.push({ object: o.kind, change: 'changed', table: o.table, name: o.name, property: 'definition', from: old.definition, to: o.definition })
  }
  // Dropping a table drops its indexes, constraints and triggers: one change, not several.
  const dropped = new Set(out.filter((c) => c.object === 'table' && c.change === 'removed').map((c) => c.name))
  return out.filter((c) => !(c.change === 'removed' && c.object !== 'table' && c.object !== 'view' && c.table !== undefined && dropped.has(c.table))).sort(compareChanges)
}

function diffTable(a: TableInfo, b: TableInfo): SchemaChange[] {
  const out: SchemaChange[] = []
  const table = b.name
  if (show(a.primaryKey) !== show(b.primaryKey)) out.push({ object: 'table', change: 'changed', table, name: table, property: 'primary key', from: show(a.primaryKey), to: show(b.primaryKey) })
  const oa = a.options ?? {}
  const ob = b.options ?? {}
  for (const k of [...new Set([...Object.keys(oa), ...Object.keys(ob)])].sort()) {
    if (oa[k] !== ob[k]) out.push({ object: 'table', change: 'changed', table, name: table, property: `option ${k}`, from: oa[k], to: ob[k] })
  }
  const ca = byName(a.columns)
  const cb = byName(b.columns)
  for (const [name, c] of ca) if (!cb.has(name)) out.push({ object: 'column', change: 'removed', table, name, from: c.type })
  for (const [name, c] of cb) {
    const old = ca.get(name)
    if (!old) {
      out.push({ object: 'column', change: 'added', table, name, to: c.type })
      continue
    }
    for (const p of COLUMN_PROPS) {
      if (show(old[p]) !== show(c[p])) out.push({ object: 'column', change: 'changed', table, name, property: p, from: show(old[p]), to: show(c[p]) })
    }
  }
  diffNamed(out, 'constraint', a.constraints ?? [], b.constraints ?? [], () => table, (c) => c.definition)
  return out
}

function diffNamed<T extends { name: string }>(out: SchemaChange[], object: SchemaObjectKind, a: readonly T[], b: readonly T[], table: (x: T) => string | undefined, def: (x: T) => string | undefined): void {
  const ma = byName(a)
  const mb = byName(b)
  for (const [name, x] of ma) if (!mb.has(name)) out.push({ object, change: 'removed', table: table(x), name, from: def(x) })
  for (const [name, x] of mb) {
    const old = ma.get(name)
    if (!old) out.push({ object, change: 'added', table: table(x), name, to: def(x) })
    else if (def(old) !== def(x) && def(old) !== undefined && def(x) !== undefined) out.push({ object, change: 'changed', table: table(x), name, property: 'definition', from: def(old), to: def(x) })
  }
}

const ORDER: readonly SchemaObjectKind[] = ['type', 'sequence', 'function', 'table', 'column', 'constraint', 'index', 'view', 'trigger']
// Types, sequences and functions first, then table by table (the table's own change before its columns and
// indexes), then views: roughly the order a restore would create them in.
const group = (c: SchemaChange): number => (c.object === 'view' ? 2 : c.table ? 1 : 0)
function compareChanges(x: SchemaChange, y: SchemaChange): number {
  return group(x) - group(y) || (x.table ?? '').localeCompare(y.table ?? '') || ORDER.indexOf(x.object) - ORDER.indexOf(y.object)
    || x.name.localeCompare(y.name) || (x.property ?? '').localeCompare(y.property ?? '')
}

/** `column users.nickname`, `index users_email_idx`, `table users`. */
export function changeSubject(c: SchemaChange): string {
  const qualified = (c.object === 'column' || c.object === 'constraint' || c.object === 'trigger') && c.table
  return `${c.object} ${qualified ? `${c.table}.${c.name}` : c.name}`
}

const oneLine = (s: string | undefined, max = 160): string => {
  const t = (s ?? '').replace(/\s+/g, ' ').trim()
  return t.length > max ? `${t.slice(0, max - 1)}…` : t
}

/** One line per change: `+ column users.nickname text`, `~ column users.age type: int → bigint`, `- index users_email`. */
export function renderSchemaChanges(changes: readonly SchemaChange[]): string[] {
  return changes.map((c) => {
    if (c.change === 'added') return `+ ${changeSubject(c)}${c.to ? ` ${c.object === 'table' ? `(${oneLine(c.to)})` : oneLine(c.to)}` : ''}`
    if (c.change === 'removed') return `- ${changeSubject(c)}`
    return `~ ${changeSubject(c)} ${c.property ?? 'definition'}: ${oneLine(c.from) || '(none)'} → ${oneLine(c.to) || '(none)'}`
  })
}
