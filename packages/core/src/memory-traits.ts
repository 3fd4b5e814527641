import type { StatementTraits } from './adapter-contract.js'

const bare = (n: string): string => (n.split('.').at(-1) ?? n).replace(/"/g, '').toLowerCase()

/**
 * The in-memory adapter's reading of a statement, for unit tests of resuming: a toy, in the shape the real
 * dialects give (packages/scylladb cql-traits.ts, packages/cockroachdb sql-traits.ts).
 */
export function memoryTraits(text: string, transactionalDdl: boolean): StatementTraits {
  const t = text.trim()
  const transactional = transactionalDdl && !/\bconcurrently\b/i.test(t)
  let m = /^create\s+table\s+(if\s+not\s+exists\s+)?([\w."]+)/i.exec(t)
  if (m) return { idempotent: m[1] !== undefined, transactional, effect: { kind: 'table', name: bare(m[2] as string), exists: true } }
  m = /^drop\s+table\s+(if\s+exists\s+)?([\w."]+)/i.exec(t)
  if (m) return { idempotent: m[1] !== undefined, transactional, effect: { kind: 'table', name: bare(m[2] as string), exists: false } }
  m = /^create\s+(?:unique\s+)?index\s+(concurrently\s+)?(if\s+not\s+exists\s+)?([\w."]+)/i.exec(t)
  if (m) {
    const name = bare(m[3] as string)
    return { idempotent: m[2] !== undefined, transactional, effect: { kind: 'index', name, exists: true }, ...(m[1] ? { cleanup: `DROP INDEX IF EXISTS ${name}` } : {}) }
  }
  m = /^alter\s+table\s+([\w."]+)\s+add\s+(?:column\s+)?(\w+)/i.exec(t)
  if (m) return { idempotent: false, transactional, effect: { kind: 'column', table: bare(m[1] as string), name: bare(m[2] as string), exists: true } }
  if (/^(select|set)\b/i.test(t)) return { idempotent: true, transactional }
  return { idempotent: false, transactional }
}
