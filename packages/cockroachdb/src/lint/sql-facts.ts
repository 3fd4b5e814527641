import { TokenCursor, hasWords, splitTopLevel, tokensText, type LintToken, type Statement } from '@strata-migrate/core/adapter-kit'
import { sqlLintTokens } from './sql-lint-tokens.js'

/**
 * What lint rules need to know about one PostgreSQL/CockroachDB statement, parsed tolerantly from its
 * tokens: anything not understood is `{ kind: 'other' }` (or plain 'ddl'/'dml'), never an exception.
 */

/** A table name; schema '' when unqualified or a placeholder (the adapter's search_path schema). */
export interface SqlRef {
  readonly schema: string
  readonly name: string
}

export type AlterAction =
  | { type: 'add-column'; column: string; columnType: string; notNull: boolean; hasDefault: boolean }
  | { type: 'rename-column'; from: string; to: string }
  | { type: 'rename-table'; to: string }
  | { type: 'alter-column-type'; column: string; columnType: string }
  | { type: 'detach-partition'; concurrently: boolean }
  | { type: 'other' }

export type SqlFact =
  | { kind: 'create-table'; ref: SqlRef }
  | { kind: 'create-index'; ref?: SqlRef; name?: string; concurrently: boolean }
  | { kind: 'alter-table'; ref: SqlRef; actions: readonly AlterAction[] }
  /** `concurrently`: DROP INDEX CONCURRENTLY, REINDEX … CONCURRENTLY. */
  | { kind: 'ddl'; verb: string; concurrently?: boolean }
  | { kind: 'dml'; verb: string }
  | { kind: 'other' }

export const isSchemaChange = (f: SqlFact): boolean => f.kind === 'create-table' || f.kind === 'create-index' || f.kind === 'alter-table' || f.kind === 'ddl'

export const refKey = (r: SqlRef): string => `${r.schema}.${r.name}`
export const refLabel = (r: SqlRef): string => (r.schema ? `${r.schema}.${r.name}` : r.name)

const DDL = new Set(['create', 'alter', 'drop', 'truncate', 'reindex'])
const DML = new Set(['insert', 'update', 'delete', 'upsert', 'merge'])
const CONSTRAINTS = new Set(['constraint', 'primary', 'unique', 'check', 'foreign', 'exclude'])
const SERIAL = new Set(['serial', 'bigserial', 'smallserial', 'serial2', 'serial4', 'serial8'])

function ref(c: TokenCursor): SqlRef | undefined {
  const q = c.qualifiedName()
  return q && { schema: q.schema === undefined || q.schema.startsWith('${') ? '' : q.schema, name: q.name }
}

/** The tokens outside any parentheses (so `CHECK (x IS NOT NULL)` says nothing about the column). */
function topLevel(tokens: readonly LintToken[]): LintToken[] {
  let depth = 0
  return tokens.filter((t) => {
    if (t.kind === 'punct' && t.value === '(') depth++
    else if (t.kind === 'punct' && t.value === ')') depth = Math.max(0, depth - 1)
    else return depth === 0
    return false
  })
}

function addColumn(c: TokenCursor): AlterAction {
  c.accept('column')
  c.accept('if', 'not', 'exists')
  const column = c.name()
  if (column === undefined) return { type: 'other' }
  const rest = c.rest()
  const top = topLevel(rest)
  const stop = top.findIndex((t) => t.kind === 'word' && ['not', 'null', 'default', 'primary', 'references', 'check', 'unique', 'generated', 'as', 'constraint', 'collate'].includes(t.value))
  const columnType = tokensText(stop < 0 ? top : top.slice(0, stop))
  // GENERATED … AS IDENTITY / AS (expr) STORED, and CockroachDB's `AS (expr) STORED|VIRTUAL`: the server fills them.
  const computed = hasWords(top, 'generated') || hasWords(top, 'as')
  return {
    type: 'add-column', column, columnType,
    notNull: hasWords(top, 'not', 'null') || hasWords(top, 'primary', 'key'),
    hasDefault: hasWords(top, 'default') || computed || SERIAL.has(columnType),
  }
}

/** `ALTER [COLUMN] c [SET DATA] TYPE t [COLLATE …] [USING …]`; other ALTER COLUMN forms (defaults, NOT NULL) are 'other'. */
function alterColumn(c: TokenCursor): AlterAction {
  c.accept('column')
  const column = c.name()
  if (column === undefined || !(c.accept('type') || c.accept('set', 'data', 'type'))) return { type: 'other' }
  const rest = c.rest()
  let depth = 0
  const stop = rest.findIndex((t) => {
    if (t.kind === 'punct' && t.value === '(') depth++
    else if (t.kind === 'punct' && t.value === ')') depth--
    return depth === 0 && t.kind === 'word' && (t.value === 'using' || t.value === 'collate')
  })
  return { type: 'alter-column-type', column, columnType: tokensText(stop < 0 ? rest : rest.slice(0, stop)) }
}

function alterAction(tokens: LintToken[]): AlterAction {
  const c = new TokenCursor(tokens)
  if (c.accept('add')) {
    const next = c.peek()
    if (next?.kind === 'word' && CONSTRAINTS.has(next.value)) return { type: 'other' }
    return addColumn(c)
  }
  if (c.accept('rename')) {
    if (c.accept('to')) {
      const to = c.name()
      return to === undefined ? { type: 'other' } : { type: 'rename-table', to }
    }
    if (c.isWords('constraint')) return { type: 'other' }
    c.accept('column')
    const from = c.name()
    const to = c.accept('to') ? c.name() : undefined
    return from === undefined || to === undefined ? { type: 'other' } : { type: 'rename-column', from, to }
  }
  if (c.accept('alter')) return alterColumn(c)
  if (c.accept('detach', 'partition')) {
    c.qualifiedName()
    return { type: 'detach-partition', concurrently: c.accept('concurrently') }
  }
  return { type: 'other' }
}

function createIndex(c: TokenCursor): SqlFact {
  const concurrently = c.accept('concurrently')
  c.accept('if', 'not', 'exists')
  const name = c.isWords('on') ? undefined : c.qualifiedName()?.name
  if (!c.accept('on')) return { kind: 'create-index', name, concurrently }
  c.accept('only')
  return { kind: 'create-index', ref: ref(c), name, concurrently }
}

/**
 * REINDEX [ ( option [, …] ) ] { INDEX | TABLE | SCHEMA | DATABASE | SYSTEM } [ CONCURRENTLY ] name: concurrent
 * by the keyword or by the option `CONCURRENTLY [ boolean ]` (PostgreSQL 14+).
 */
function reindexConcurrently(c: TokenCursor): boolean {
  const options = c.isPunct('(') ? splitTopLevel(c.group() ?? []) : []
  const byOption = options.some((o) => o[0]?.value === 'concurrently' && !['false', 'off', '0'].includes(o[1]?.value.toLowerCase() ?? ''))
  c.next()
  return c.accept('concurrently') || byOption
}

export function parseTokens(tokens: readonly LintToken[]): SqlFact {
  const c = new TokenCursor(tokens)
  const verb = c.peek()?.kind === 'word' ? (c.peek()?.value as string) : ''
  if (DML.has(verb)) return { kind: 'dml', verb }
  if (verb === 'with') {
    const dml = topLevel(tokens).find((t) => t.kind === 'word' && DML.has(t.value))
    return dml ? { kind: 'dml', verb: dml.value } : { kind: 'other' }
  }
  if (!DDL.has(verb)) return { kind: 'other' }
  c.next()
  if (verb === 'create') {
    c.accept('or', 'replace')
    while (c.accept('unlogged') || c.accept('temporary') || c.accept('temp') || c.accept('global') || c.accept('local')) { /* modifiers */ }
    if (c.accept('table')) {
      c.accept('if', 'not', 'exists')
      const r = ref(c)
      return r ? { kind: 'create-table', ref: r } : { kind: 'ddl', verb }
    }
    c.accept('unique')
    c.accept('inverted')
    if (c.accept('index')) return createIndex(c)
  }
  if (verb === 'drop' && c.accept('index')) return { kind: 'ddl', verb, concurrently: c.accept('concurrently') }
  if (verb === 'reindex') return { kind: 'ddl', verb, concurrently: reindexConcurrently(c) }
  if (verb === 'alter' && c.accept('table')) {
    c.accept('if', 'exists')
    c.accept('only')
    const r = ref(c)
    c.acceptPunct('*')
    return r ? { kind: 'alter-table', ref: r, actions: splitTopLevel(c.rest()).map(alterAction) } : { kind: 'ddl', verb }
  }
  return { kind: 'ddl', verb }
}

export interface StatementFact {
  readonly statement: Statement
  readonly fact: SqlFact
}

const cache = new WeakMap<readonly Statement[], StatementFact[]>()

/** The facts of a file's statements in order. Cached per file. */
export function factsOf(statements: readonly Statement[]): StatementFact[] {
  let facts = cache.get(statements)
  if (!facts) {
    facts = statements.map((statement) => ({ statement, fact: parseTokens(sqlLintTokens(statement.text)) }))
    cache.set(statements, facts)
  }
  return facts
}
