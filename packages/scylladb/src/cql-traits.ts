import cassandra from 'cassandra-driver'
import type { LintToken, SchemaEffect, StatementTraits } from '@strata-migrate/core/adapter-kit'
import { parseTokens, type CqlFact, type CqlRef } from './lint/cql-facts.js'
import { cqlLintTokens } from './lint/cql-lint-tokens.js'

const codes = cassandra.types.responseErrorCodes

/** CQL functions whose value differs on every call: a statement using them writes something new each time. */
const GENERATED = new Set(['now', 'uuid', 'currenttimeuuid', 'currenttimestamp', 'currentdate', 'currenttime'])

const isName = (t: LintToken | undefined): t is LintToken => t?.kind === 'word' || t?.kind === 'ident'
const isPunct = (t: LintToken | undefined, p: string): boolean => t?.kind === 'punct' && t.value === p

/**
 * DML whose second run differs from its first: counter and list arithmetic (`c = c + 1`, `l = l + [x]`,
 * `l = [x] + l`), list elements deleted by index (`DELETE l[0]`), generated values (`now()`, `uuid()`),
 * COUNTER batches. Plain INSERT/UPDATE/DELETE of literal values are upserts: sending them again changes nothing.
 */
export function cqlDmlRepeats(tokens: readonly LintToken[]): boolean {
  if (tokens.some((t, i) => t.kind === 'word' && GENERATED.has(t.value) && isPunct(tokens[i + 1], '('))) return true
  if (tokens[0]?.value === 'begin' && tokens[1]?.value === 'counter') return true
  if (tokens[0]?.value === 'delete') {
    const from = tokens.findIndex((t) => t.kind === 'word' && t.value === 'from')
    if (tokens.slice(0, from < 0 ? undefined : from).some((t) => isPunct(t, '['))) return true
  }
  let inWhere = false
  for (let i = 1; i < tokens.length; i++) {
    const t = tokens[i] as LintToken
    if (t.kind === 'word' && (t.value === 'where' || t.value === 'if')) inWhere = true
    if (t.kind === 'word' && (t.value === 'set' || t.value === 'insert' || t.value === 'update' || t.value === 'delete')) inWhere = false
    if (inWhere || !isPunct(t, '=') || !isName(tokens[i - 1])) continue
    const column = (tokens[i - 1] as LintToken).value
    const rhs: LintToken[] = []
    for (let j = i + 1; j < tokens.length && !isPunct(tokens[j], ',') && !(tokens[j]?.kind === 'word' && ['where', 'if', 'and'].includes(tokens[j]?.value ?? '')); j++) rhs.push(tokens[j] as LintToken)
    if (rhs.some((r) => isName(r) && r.value === column) && rhs.some((r) => isPunct(r, '+') || isPunct(r, '-'))) return true
  }
  return false
}

/** What the statement creates or drops in the migration keyspace, when introspection can see it. */
function effectOf(fact: CqlFact, inTarget: (r: { keyspace: string }) => boolean): SchemaEffect | undefined {
  switch (fact.kind) {
    case 'create-table': return inTarget(fact.ref) ? { kind: 'table', name: fact.ref.name, exists: true } : undefined
    case 'drop-table': return inTarget(fact.ref) ? { kind: 'table', name: fact.ref.name, exists: false } : undefined
    case 'create-view': return inTarget(fact.ref) ? { kind: 'view', name: fact.ref.name, exists: true } : undefined
    case 'drop-view': return inTarget(fact.ref) ? { kind: 'view', name: fact.ref.name, exists: false } : undefined
    case 'alter-table': {
      if (!inTarget(fact.ref)) return undefined
      const table = fact.ref.name
      // One ALTER applies all its columns at once (one schema mutation): the first one tells.
      const first = fact.columns[0]
      if (fact.op === 'add' && first) return { kind: 'column', table, name: first.name, exists: true }
      if (fact.op === 'drop' && first) return { kind: 'column', table, name: first.name, exists: false }
      const rename = fact.renames[0]
      if (fact.op === 'rename' && rename) return { kind: 'column', table, name: rename[1], exists: true }
      return undefined
    }
    case 'create-other':
    case 'drop-other': {
      const kind = fact.object === 'index' ? 'index' : fact.object === 'type' ? 'type' : undefined
      if (!kind || !fact.name) return undefined
      return { kind, name: fact.name, exists: fact.kind === 'create-other' }
    }
    default: return undefined
  }
}

function idempotent(fact: CqlFact, tokens: readonly LintToken[]): boolean {
  switch (fact.kind) {
    case 'create-table': case 'create-view': return fact.ifNotExists
    case 'drop-table': case 'drop-view': case 'drop-other': return fact.ifExists
    case 'keyspace': return fact.verb === 'alter' || fact.ifNotExists
    case 'create-other': return fact.ifNotExists || fact.orReplace
    case 'alter-table': return fact.op === 'with'
    case 'dml': case 'batch': return !cqlDmlRepeats(tokens)
    case 'use': return true
    case 'other': return ['select', 'truncate', 'grant', 'revoke'].includes(tokens[0]?.value ?? '')
  }
}

/**
 * How a rendered CQL statement behaves if sent again, for resuming after a crash: DDL on the migration
 * keyspace is checked in the live schema, plain upserts and IF [NOT] EXISTS statements are idempotent, and
 * the rest (counters, list appends, generated values, keyspaces other than the migration one) cannot be
 * told apart once sent. CQL has no transactions, so nothing runs together with its journal write.
 */
export function cqlTraits(text: string, keyspace: string): StatementTraits {
  const tokens = cqlLintTokens(text)
  const fact = parseTokens(tokens)
  const inTarget = (r: Pick<CqlRef, 'keyspace'>): boolean => r.keyspace === '' || r.keyspace === keyspace
  const effect = effectOf(fact, inTarget)
  return { idempotent: idempotent(fact, tokens), transactional: false, ...(effect ? { effect } : {}) }
}

/**
 * The server refused the statement, so it did not run: syntax, invalid, unauthorized, config, already
 * exists, and the coordinator's refusals before doing anything (unavailable, overloaded, bootstrapping).
 * Timeouts and write failures leave the outcome unknown.
 */
export function cqlRejected(err: unknown): boolean {
  if (!(err instanceof cassandra.errors.ResponseError)) return false
  return [codes.syntaxError, codes.invalid, codes.unauthorized, codes.configError, codes.alreadyExists,
    codes.unavailableException, codes.overloaded, codes.isBootstrapping].includes(err.code)
}
