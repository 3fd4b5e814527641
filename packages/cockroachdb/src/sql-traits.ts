import { TokenCursor, hasWords, type LintToken, type SchemaEffect, type StatementTraits } from '@strata-migrate/core/adapter-kit'
import { parseTokens, type SqlFact, type SqlRef } from './lint/sql-facts.js'
import { sqlLintTokens } from './lint/sql-lint-tokens.js'
import { SQLSTATE, sqlStateOf } from './pg-errors.js'

/**
 * Statements PostgreSQL refuses inside a transaction block ("cannot run inside a transaction block":
 * CREATE/DROP INDEX CONCURRENTLY, REINDEX CONCURRENTLY, VACUUM, CREATE/DROP DATABASE and TABLESPACE,
 * ALTER SYSTEM; docs of each command), and transaction control itself.
 */
function outsideTransaction(tokens: readonly LintToken[]): boolean {
  const [a, b] = [tokens[0]?.value, tokens[1]?.value]
  if (a === 'vacuum' || a === 'begin' || a === 'start' || a === 'commit' || a === 'end' || a === 'rollback' || a === 'savepoint' || a === 'release' || a === 'abort') return true
  if (a === 'prepare' && b === 'transaction') return true
  if ((a === 'create' || a === 'drop') && (b === 'database' || b === 'tablespace')) return true
  if (a === 'alter' && b === 'system') return true
  return (a === 'create' || a === 'drop' || a === 'reindex') && hasWords(tokens.slice(0, 6), 'concurrently')
}

const inSchema = (r: SqlRef | undefined, schema: string): r is SqlRef => r !== undefined && (r.schema === '' || r.schema === schema)

/** DROP TABLE/VIEW/INDEX/TYPE [CONCURRENTLY] [IF EXISTS] name: what it drops. */
function dropped(tokens: readonly LintToken[], schema: string): { effect?: SchemaEffect; ifExists: boolean } {
  const c = new TokenCursor(tokens)
  c.accept('drop')
  const kind = c.accept('table') ? 'table' : c.accept('view') || c.accept('materialized', 'view') ? 'view' : c.accept('index') ? 'index' : c.accept('type') ? 'type' : undefined
  c.accept('concurrently')
  const ifExists = c.accept('if', 'exists')
  const q = c.qualifiedName()
  const several = c.isPunct(',')
  if (!kind || !q || several || !inSchema({ schema: q.schema ?? '', name: q.name }, schema)) return { ifExists }
  return { ifExists, effect: { kind, name: q.name, exists: false } }
}

function effectOf(fact: SqlFact, tokens: readonly LintToken[], schema: string): SchemaEffect | undefined {
  switch (fact.kind) {
    case 'create-table': return inSchema(fact.ref, schema) ? { kind: 'table', name: fact.ref.name, exists: true } : undefined
    case 'create-index': return fact.name && (fact.ref === undefined || inSchema(fact.ref, schema)) ? { kind: 'index', name: fact.name, exists: true } : undefined
    case 'alter-table': {
      const first = fact.actions[0]
      if (!inSchema(fact.ref, schema) || !first) return undefined
      if (first.type === 'add-column') return { kind: 'column', table: fact.ref.name, name: first.column, exists: true }
      if (first.type === 'rename-column') return { kind: 'column', table: fact.ref.name, name: first.to, exists: true }
      if (first.type === 'rename-table') return { kind: 'table', name: first.to, exists: true }
      const c = new TokenCursor(tokens.slice(tokens.findIndex((t) => t.value === 'drop')))
      if (c.accept('drop') && (c.accept('column') || !c.isWords('constraint'))) {
        c.accept('if', 'exists')
        const column = c.name()
        if (column && !c.isPunct(',')) return { kind: 'column', table: fact.ref.name, name: column, exists: false }
      }
      return undefined
    }
    case 'ddl': {
      if (fact.verb === 'drop') return dropped(tokens, schema).effect
      const c = new TokenCursor(tokens)
      c.accept('create')
      c.accept('or', 'replace')
      if (c.accept('view')) {
        const q = c.qualifiedName()
        return q && inSchema({ schema: q.schema ?? '', name: q.name }, schema) ? { kind: 'view', name: q.name, exists: true } : undefined
      }
      if (c.accept('type')) {
        const q = c.qualifiedName()
        return q && inSchema({ schema: q.schema ?? '', name: q.name }, schema) ? { kind: 'type', name: q.name, exists: true } : undefined
      }
      return undefined
    }
    default: return undefined
  }
}

function idempotent(fact: SqlFact, tokens: readonly LintToken[]): boolean {
  const head = tokens.slice(0, 8)
  if (hasWords(head, 'if', 'not', 'exists') || hasWords(head, 'if', 'exists') || hasWords(head, 'or', 'replace')) return true
  if (fact.kind === 'dml') return fact.verb === 'delete' || fact.verb === 'upsert' || hasWords(tokens, 'on', 'conflict', 'do', 'nothing')
  const verb = tokens[0]?.value ?? ''
  return ['set', 'reset', 'select', 'grant', 'revoke', 'comment', 'analyze', 'vacuum', 'truncate', 'refresh', 'begin', 'start', 'commit', 'end', 'rollback', 'savepoint', 'release', 'abort', 'discard'].includes(verb)
}

/**
 * How a rendered SQL statement behaves if sent again, for resuming after a crash. `transactional` says
 * whether it may run inside a transaction together with its journal write: on PostgreSQL every statement
 * but those refused in a transaction block; on CockroachDB only non-DDL (autocommit_before_ddl, on by default
 * since v25.1, commits before each DDL, so a DDL cannot share a transaction with its journal write), and on
 * the forced per-statement path the same as CockroachDB. The others are checked in the live schema on resume.
 */
export function sqlTraits(text: string, o: { schema: string; ddlInTransactions: boolean; isDdl: (text: string) => boolean }): StatementTraits {
  const tokens = sqlLintTokens(text)
  const fact = parseTokens(tokens)
  const concurrentIndex = fact.kind === 'create-index' && fact.concurrently && fact.name !== undefined
  const effect = effectOf(fact, tokens, o.schema)
  return {
    idempotent: idempotent(fact, tokens),
    transactional: !outsideTransaction(tokens) && (o.ddlInTransactions || !o.isDdl(text)),
    ...(effect ? { effect } : {}),
    // A CREATE INDEX CONCURRENTLY that was interrupted leaves an INVALID index behind (PostgreSQL docs,
    // "Building Indexes Concurrently"): drop it, then build it again.
    ...(concurrentIndex ? { cleanup: `DROP INDEX CONCURRENTLY IF EXISTS ${quote(o.schema)}.${quote(fact.name as string)}` } : {}),
  }
}

const quote = (id: string): string => `"${id.replace(/"/g, '""')}"`

/**
 * The server refused the statement, so it did not run: every SQLSTATE outside the classes where the outcome
 * is unknown (connection exceptions 08, operator intervention 57, CockroachDB's 40003 "result is ambiguous").
 */
export function sqlRejected(err: unknown): boolean {
  const state = sqlStateOf(err)
  if (!state) return false
  return !state.startsWith('08') && !state.startsWith('57') && state !== SQLSTATE.statementCompletionUnknown && state !== 'XX000'
}
