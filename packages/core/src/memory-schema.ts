import type { SnapshotStore, SnapshotWhich, StoredSnapshot, StoredSnapshotInfo } from './snapshot-types.js'
import type { ColumnInfo, SchemaSnapshot } from './types.js'

interface MemoryTable { columns: ColumnInfo[]; primaryKey?: string }

const NAME = String.raw`([\w."]+)`
const re = (src: string): RegExp => new RegExp(src, 'i')
const CREATE_TABLE = re(String.raw`^create\s+table\s+(?:if\s+not\s+exists\s+)?${NAME}\s*\(([\s\S]*)\)\s*$`)
const DROP_TABLE = re(String.raw`^drop\s+table\s+(?:if\s+exists\s+)?${NAME}`)
const ADD_COLUMN = re(String.raw`^alter\s+table\s+${NAME}\s+add\s+(?:column\s+)?(\w+)\s+(.+)$`)
const DROP_COLUMN = re(String.raw`^alter\s+table\s+${NAME}\s+drop\s+(?:column\s+)?(\w+)`)
const ALTER_TYPE = re(String.raw`^alter\s+table\s+${NAME}\s+alter\s+(?:column\s+)?(\w+)\s+type\s+(.+)$`)
const CREATE_INDEX = re(String.raw`^create\s+(?:unique\s+)?index\s+(?:if\s+not\s+exists\s+)?${NAME}\s+on\s+${NAME}\s*(\(.*\))`)
const DROP_INDEX = re(String.raw`^drop\s+index\s+(?:if\s+exists\s+)?${NAME}`)
const CREATE_VIEW = re(String.raw`^create\s+(?:or\s+replace\s+)?view\s+${NAME}\s+as\s+([\s\S]+)$`)
const DROP_VIEW = re(String.raw`^drop\s+view\s+(?:if\s+exists\s+)?${NAME}`)
const bareName = (n: string): string => (n.split('.').at(-1) ?? n).replace(/"/g, '')

/** Splits `a int, b text, PRIMARY KEY (a)` at top-level commas. */
function topLevel(body: string): string[] {
  const parts: string[] = []
  let depth = 0
  let cur = ''
  for (const ch of body) {
    if (ch === '(') depth++
    if (ch === ')') depth--
    if (ch === ',' && depth === 0) {
      parts.push(cur.trim())
      cur = ''
    } else cur += ch
  }
  if (cur.trim()) parts.push(cur.trim())
  return parts
}

/**
 * A toy schema for the in-memory adapter: enough DDL (CREATE/DROP TABLE, ALTER TABLE ADD/DROP/ALTER COLUMN,
 * CREATE/DROP INDEX and VIEW) for unit tests of snapshots, diffs and drift. Not a SQL parser.
 */
export class MemorySchema {
  tables = new Map<string, MemoryTable>()
  indexes = new Map<string, { table: string; definition: string }>()
  views = new Map<string, { definition: string }>()

  apply(text: string): void {
    const t = text.trim().replace(/;$/, '')
    if (!/^(create|drop|alter)\s/i.test(t)) return
    let m: RegExpExecArray | null
    if ((m = CREATE_TABLE.exec(t))) {
      const name = bareName(m[1] as string)
      if (this.tables.has(name)) return
      const table: MemoryTable = { columns: [] }
      for (const part of topLevel(m[2] as string)) {
        const pk = /^primary\s+key\s*(\(.*\))$/i.exec(part)
        if (pk) table.primaryKey = (pk[1] as string).replace(/\s+/g, ' ')
        else {
          const [col = '', ...rest] = part.split(/\s+/)
          const type = rest.join(' ').replace(/\s*primary\s+key\s*/i, '').trim()
          if (/primary\s+key/i.test(part)) table.primaryKey = `(${col})`
          table.columns.push({ name: col, type })
        }
      }
      this.tables.set(name, table)
    } else if ((m = DROP_TABLE.exec(t))) {
      const name = bareName(m[1] as string)
      this.tables.delete(name)
      for (const [i, x] of this.indexes) if (x.table === name) this.indexes.delete(i)
    } else if ((m = ADD_COLUMN.exec(t))) {
      this.tables.get(bareName(m[1] as string))?.columns.push({ name: m[2] as string, type: (m[3] as string).trim() })
    } else if ((m = DROP_COLUMN.exec(t))) {
      const table = this.tables.get(bareName(m[1] as string))
      if (table) table.columns = table.columns.filter((c) => c.name !== m?.[2])
    } else if ((m = ALTER_TYPE.exec(t))) {
      const table = this.tables.get(bareName(m[1] as string))
      if (table) table.columns = table.columns.map((c) => (c.name === m?.[2] ? { ...c, type: (m[3] as string).trim() } : c))
    } else if ((m = CREATE_INDEX.exec(t))) {
      this.indexes.set(bareName(m[1] as string), { table: bareName(m[2] as string), definition: t })
    } else if ((m = DROP_INDEX.exec(t))) {
      this.indexes.delete(bareName(m[1] as string))
    } else if ((m = CREATE_VIEW.exec(t))) {
      this.views.set(bareName(m[1] as string), { definition: (m[2] as string).trim() })
    } else if ((m = DROP_VIEW.exec(t))) {
      this.views.delete(bareName(m[1] as string))
    }
  }

  snapshot(): SchemaSnapshot {
    const sorted = <T>(m: Map<string, T>) => [...m.entries()].sort(([a], [b]) => a.localeCompare(b))
    return {
      tables: sorted(this.tables).map(([name, t]) => ({ name, columns: t.columns.map((c) => ({ ...c })), ...(t.primaryKey ? { primaryKey: t.primaryKey } : {}) })),
      indexes: sorted(this.indexes).map(([name, i]) => ({ name, table: i.table, definition: i.definition })),
      views: sorted(this.views).map(([name, v]) => ({ name, definition: v.definition })),
    }
  }

  /** CREATE statements for the model. */
  ddl(): string {
    const s = this.snapshot()
    return [
      ...s.tables.map((t) => `CREATE TABLE ${t.name} (\n${[...t.columns.map((c) => `    ${c.name} ${c.type}`), ...(t.primaryKey ? [`    PRIMARY KEY ${t.primaryKey}`] : [])].join(',\n')}\n);`),
      ...s.indexes.map((i) => `${i.definition};`),
      ...s.views.map((v) => `CREATE VIEW ${v.name} AS ${v.definition};`),
    ].join('\n\n')
  }

  clone(): MemorySchema {
    const c = new MemorySchema()
    c.tables = new Map([...this.tables].map(([k, t]) => [k, { ...t, columns: [...t.columns] }]))
    c.indexes = new Map(this.indexes)
    c.views = new Map(this.views)
    return c
  }
}

const snapKey = (set: string, version: string, which: SnapshotWhich): string => `${set}\u0000${version}\u0000${which}`

/** strata_snapshots of the in-memory adapter; list() and load() before ensure() find nothing, as on a real server. */
export class MemorySnapshotStore implements SnapshotStore {
  constructor(private readonly db: { snapshots: Map<string, StoredSnapshot>; snapshotsEnsured: boolean }) {}
  async ensure(): Promise<void> {
    this.db.snapshotsEnsured = true
  }
  async save(set: string, version: string, which: SnapshotWhich, data: Uint8Array, takenAt: Date): Promise<void> {
    if (!this.db.snapshotsEnsured) throw new Error('strata_snapshots does not exist')
    this.db.snapshots.set(snapKey(set, version, which), { set, version, which, takenAt: new Date(takenAt), data: new Uint8Array(data) })
  }
  async load(set: string, version: string, which: SnapshotWhich): Promise<StoredSnapshot | null> {
    const s = this.db.snapshots.get(snapKey(set, version, which))
    return s ? { ...s, data: new Uint8Array(s.data) } : null
  }
  async list(set?: string): Promise<readonly StoredSnapshotInfo[]> {
    return [...this.db.snapshots.values()].filter((s) => set === undefined || s.set === set).map(({ data: _data, ...info }) => info)
  }
}
