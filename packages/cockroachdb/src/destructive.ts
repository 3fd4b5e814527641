import { TokenCursor, splitTopLevel, type DestructiveEffect } from '@strata-migrate/core/adapter-kit'
import { parseTokens } from './lint/sql-facts.js'
import { sqlLintTokens } from './lint/sql-lint-tokens.js'

/**
 * What a PostgreSQL/CockroachDB statement destroys, read from its tokens (lint's tokenizer and facts):
 * DROP TABLE, TRUNCATE, DROP COLUMN, a column type change and DML name their tables; DROP VIEW/TYPE/SCHEMA/
 * DATABASE are announced with no table to back up. Unqualified names resolve to the adapter's schema.
 */
export function sqlDestructive(text: string, schema: string): DestructiveEffect | undefined {
  const tokens = sqlLintTokens(text)
  const c = new TokenCursor(tokens)
  const q = (): string | undefined => {
    const n = c.qualifiedName()
    return n && `${n.schema && !n.schema.startsWith('${') ? n.schema : schema}.${n.name}`
  }
  const list = (): string[] => {
    const out: string[] = []
    for (let t = q(); t; t = c.acceptPunct(',') ? q() : undefined) out.push(t)
    return out
  }
  if (c.accept('drop')) {
    if (c.accept('table')) {
      c.accept('if', 'exists')
      const tables = list()
      return { what: `drops table ${tables.join(', ')}`, tables }
    }
    c.accept('materialized')
    for (const object of ['view', 'type', 'schema', 'database', 'sequence']) {
      if (c.accept(object)) return { what: `drops ${object} ${tokens.slice(c.pos).map((t) => t.value).join(' ')}`.trim(), tables: [] }
    }
    return undefined
  }
  if (c.accept('truncate')) {
    c.accept('table')
    c.accept('only')
    const tables = list()
    return { what: `TRUNCATE ${tables.join(', ')}`, tables }
  }
  const verb = tokens[0]?.value.toLowerCase() ?? ''
  // A plain INSERT only adds rows (it fails on a duplicate key); INSERT … ON CONFLICT DO UPDATE overwrites.
  const overwrites = verb !== 'insert' || (tokens.some((t) => t.value.toLowerCase() === 'conflict') && tokens.some((t, i) => t.value.toLowerCase() === 'do' && tokens[i + 1]?.value.toLowerCase() === 'update'))
  if (['insert', 'upsert', 'merge', 'update', 'delete'].includes(verb) && overwrites) {
    c.next()
    c.accept('into')
    c.accept('from')
    c.accept('only')
    const table = q()
    return { what: `data change (${verb.toUpperCase()}${table ? ` ${table}` : ''})`, tables: table ? [table] : [] }
  }
  if (verb === 'with') return { what: 'data change (WITH … DML)', tables: [] }
  const fact = parseTokens(tokens)
  if (fact.kind !== 'alter-table') return undefined
  const table = `${fact.ref.schema || schema}.${fact.ref.name}`
  c.accept('alter', 'table')
  c.accept('if', 'exists')
  c.accept('only')
  c.qualifiedName()
  const dropped = splitTopLevel(c.rest()).filter((a) => a[0]?.value.toLowerCase() === 'drop' && !['constraint', 'default'].includes(a[1]?.value.toLowerCase() ?? ''))
    .map((a) => (a[1]?.value.toLowerCase() === 'column' ? a.slice(2) : a.slice(1)).filter((t) => !['if', 'exists'].includes(t.value.toLowerCase()))[0]?.value ?? '?')
  const retyped = fact.actions.filter((a) => a.type === 'alter-column-type').map((a) => (a as { column: string }).column)
  const what = [dropped.length ? `drops column ${dropped.join(', ')} of ${table}` : '', retyped.length ? `changes the type of ${retyped.join(', ')} in ${table}` : ''].filter(Boolean).join('; ')
  return what ? { what, tables: [table] } : undefined
}
