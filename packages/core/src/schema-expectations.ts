import type { SchemaChange } from './schema-diff.js'
import type { SchemaSnapshot } from './types.js'

/** Objects the applied statements should have left in the live schema. */
export interface ExpectedSchema {
  tables: Map<string, { version: string; columns: Set<string> }>
  indexes: Map<string, string>
  views: Map<string, string>
}

const IDENT = String.raw`((?:"[^"]+"|[\w$]+)(?:\.(?:"[^"]+"|[\w$]+))?)`
const RULES: { re: RegExp; apply: (e: ExpectedSchema, m: RegExpExecArray, version: string) => void }[] = [
  { re: new RegExp(String.raw`^create\s+(?:table|columnfamily)\s+(?:if\s+not\s+exists\s+)?${IDENT}`, 'i'), apply: (e, m, v) => void e.tables.set(bare(m[1]), { version: v, columns: new Set() }) },
  { re: new RegExp(String.raw`^drop\s+(?:table|columnfamily)\s+(?:if\s+exists\s+)?${IDENT}`, 'i'), apply: (e, m) => void e.tables.delete(bare(m[1])) },
  { re: new RegExp(String.raw`^create\s+(?:custom\s+|unique\s+)?index\s+(?:concurrently\s+)?(?:if\s+not\s+exists\s+)?${IDENT}\s+on\b`, 'i'), apply: (e, m, v) => void e.indexes.set(bare(m[1]), v) },
  { re: new RegExp(String.raw`^drop\s+index\s+(?:concurrently\s+)?(?:if\s+exists\s+)?${IDENT}`, 'i'), apply: (e, m) => void e.indexes.delete(bare(m[1])) },
  { re: new RegExp(String.raw`^create\s+(?:materialized\s+)?view\s+(?:if\s+not\s+exists\s+)?${IDENT}`, 'i'), apply: (e, m, v) => void e.views.set(bare(m[1]), v) },
  { re: new RegExp(String.raw`^drop\s+(?:materialized\s+)?view\s+(?:if\s+exists\s+)?${IDENT}`, 'i'), apply: (e, m) => void e.views.delete(bare(m[1])) },
  {
    re: new RegExp(String.raw`^alter\s+table\s+(?:if\s+exists\s+)?${IDENT}\s+add\s+(?:column\s+)?(?:if\s+not\s+exists\s+)?("[^"]+"|[\w$]+)`, 'i'),
    apply: (e, m) => void e.tables.get(bare(m[1]))?.columns.add(bare(m[2])),
  },
  {
    re: new RegExp(String.raw`^alter\s+table\s+(?:if\s+exists\s+)?${IDENT}\s+drop\s+(?:column\s+)?(?:if\s+exists\s+)?("[^"]+"|[\w$]+)`, 'i'),
    apply: (e, m) => void e.tables.get(bare(m[1]))?.columns.delete(bare(m[2])),
  },
]

/** Unqualified, case-folded name: `ks."Users"` → `Users`, `KS.users` → `users` (unquoted identifiers fold to lower case). */
export function bare(name: string | undefined): string {
  const last = (name ?? '').split('.').at(-1) ?? ''
  return last.startsWith('"') ? last.slice(1, -1) : last.toLowerCase()
}

/** Folds statements of applied migrations, in order, into the objects they should have created. */
export function expectedSchema(applied: readonly { version: string; statements: readonly string[] }[]): ExpectedSchema {
  const e: ExpectedSchema = { tables: new Map(), indexes: new Map(), views: new Map() }
  for (const m of applied) {
    for (const text of m.statements) {
      const stmt = text.replace(/^(\s*(--|\/\/)[^\n]*\n|\s*\/\*[\s\S]*?\*\/)*/, '').trim()
      for (const rule of RULES) {
        const match = rule.re.exec(stmt)
        if (match) {
          rule.apply(e, match, m.version)
          break
        }
      }
    }
  }
  return e
}

export interface DriftIssue {
  /** 'snapshot-drift': the live schema differs from the snapshot taken after the newest applied version. */
  kind: 'missing-table' | 'missing-column' | 'missing-index' | 'missing-view' | 'unexpected-table' | 'snapshot-drift'
  name: string
  version?: string
  message: string
  /** For 'snapshot-drift': what changed, from the snapshot to the live schema. */
  change?: SchemaChange
}

/** Compares the live schema with what applied migrations created. Missing objects are drift. */
export function compareSchema(expected: ExpectedSchema, live: SchemaSnapshot): DriftIssue[] {
  const issues: DriftIssue[] = []
  const tables = new Map(live.tables.map((t) => [t.name, t]))
  for (const [name, t] of expected.tables) {
    const found = tables.get(name)
    if (!found) {
      issues.push({ kind: 'missing-table', name, version: t.version, message: `table ${name} (created by ${t.version}) is missing from the live schema` })
      continue
    }
    const cols = new Set(found.columns.map((c) => c.name))
    for (const col of t.columns) {
      if (!cols.has(col)) issues.push({ kind: 'missing-column', name: `${name}.${col}`, message: `column ${name}.${col} added by a migration is missing from the live schema` })
    }
  }
  const indexes = new Set(live.indexes.map((i) => i.name))
  for (const [name, v] of expected.indexes) {
    if (!indexes.has(name)) issues.push({ kind: 'missing-index', name, version: v, message: `index ${name} (created by ${v}) is missing from the live schema` })
  }
  const views = new Set(live.views.map((x) => x.name))
  for (const [name, v] of expected.views) {
    if (!views.has(name)) issues.push({ kind: 'missing-view', name, version: v, message: `view ${name} (created by ${v}) is missing from the live schema` })
  }
  for (const t of live.tables) {
    if (!expected.tables.has(t.name)) issues.push({ kind: 'unexpected-table', name: t.name, message: `table ${t.name} exists but no applied migration file creates it (code migration, or created by hand)` })
  }
  return issues
}
