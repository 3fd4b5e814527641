import { TokenCursor, hasWords, splitTopLevel, tokensText, type LintToken, type Statement } from '@strata-migrate/core/adapter-kit'
import { cqlLintTokens } from './cql-lint-tokens.js'

/**
 * What lint rules need to know about one CQL statement, parsed tolerantly from its tokens: anything not
 * understood is `{ kind: 'other' }`, never an exception (the server is the judge of syntax).
 */

/** A table, view or index name; keyspace '' is the session keyspace (unqualified, `${keyspace}`, or USE). */
export interface CqlRef {
  readonly keyspace: string
  readonly name: string
}

export interface PrimaryKey {
  readonly partition: readonly string[]
  readonly clustering: readonly string[]
}

export type AlterOp = 'add' | 'drop' | 'alter-type' | 'alter-other' | 'rename' | 'with' | 'other'

export type CqlFact =
  | { kind: 'create-table'; ref: CqlRef; ifNotExists: boolean; columns: ReadonlyMap<string, string>; primaryKey?: PrimaryKey }
  | { kind: 'alter-table'; ref: CqlRef; op: AlterOp; columns: readonly { name: string; type?: string; primaryKey?: boolean }[]; renames: readonly [string, string][]; clusteringOrder: boolean }
  | { kind: 'drop-table'; ref: CqlRef; ifExists: boolean }
  | { kind: 'create-view'; ref: CqlRef; base?: CqlRef; ifNotExists: boolean }
  | { kind: 'drop-view'; ref: CqlRef; ifExists: boolean }
  | { kind: 'keyspace'; verb: 'create' | 'alter'; name: string; ifNotExists: boolean; replication?: Readonly<Record<string, string>>; tablets?: Readonly<Record<string, string>> }
  | { kind: 'create-other'; object: string; name?: string; ifNotExists: boolean; orReplace: boolean }
  | { kind: 'drop-other'; object: string; name?: string; ifExists: boolean }
  | { kind: 'dml'; verb: 'insert' | 'update' | 'delete'; ref?: CqlRef; conditional: boolean }
  | { kind: 'batch'; statements: readonly CqlFact[] }
  | { kind: 'use'; keyspace: string }
  | { kind: 'other' }

/** A fact with the statement it came from. */
export interface StatementFact {
  readonly statement: Statement
  readonly fact: CqlFact
}

const OBJECTS = new Set(['keyspace', 'schema', 'table', 'columnfamily', 'index', 'type', 'function', 'aggregate', 'role', 'user', 'trigger'])
const TYPE_ALIASES: Readonly<Record<string, string>> = { varchar: 'text' }

/** Placeholders (`${keyspace}`) stand for the session keyspace. */
const keyspaceOf = (k: string | undefined, use: string): string => (k === undefined ? use : k.startsWith('${') ? '' : k)

export function refKey(r: CqlRef): string {
  return `${r.keyspace}.${r.name}`
}

/** `ks.name` as written for messages (the session keyspace is left out). */
export function refLabel(r: CqlRef): string {
  return r.keyspace ? `${r.keyspace}.${r.name}` : r.name
}

export function normalizeType(tokens: readonly LintToken[]): string {
  const t = tokensText(tokens)
  return TYPE_ALIASES[t] ?? t
}

function ref(c: TokenCursor, use: string): CqlRef | undefined {
  const q = c.qualifiedName()
  return q && { keyspace: keyspaceOf(q.schema, use), name: q.name }
}

/** `{ 'k': v, … }` → { k: v } with lower-case keys. */
function mapLiteral(tokens: readonly LintToken[] | undefined): Record<string, string> | undefined {
  if (!tokens) return undefined
  const out: Record<string, string> = {}
  for (const entry of splitTopLevel(tokens)) {
    const colon = entry.findIndex((t) => t.kind === 'punct' && t.value === ':')
    if (colon < 1) continue
    out[(entry[0] as LintToken).value.toLowerCase()] = entry.slice(colon + 1).map((t) => t.value).join('')
  }
  return out
}

/** The `name = { … }` maps of a `WITH … AND …` clause. */
function withMaps(c: TokenCursor): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {}
  while (!c.atEnd) {
    const t = c.next() as LintToken
    if (t.kind === 'word' && c.acceptPunct('=')) {
      const map = mapLiteral(c.isPunct('{') ? c.group() : undefined)
      if (map) out[t.value] = map
    }
  }
  return out
}

function createTable(c: TokenCursor, use: string): CqlFact {
  const ifNotExists = c.accept('if', 'not', 'exists')
  const r = ref(c, use)
  const body = c.group()
  if (!r || !body) return { kind: 'other' }
  const columns = new Map<string, string>()
  let primaryKey: PrimaryKey | undefined
  for (const part of splitTopLevel(body, { angles: true })) {
    const p = new TokenCursor(part)
    if (p.accept('primary', 'key')) {
      const parts = splitTopLevel(p.group() ?? [])
      const names = (ts: LintToken[]): string[] => ts.filter((t) => t.kind === 'word' || t.kind === 'ident').map((t) => t.value)
      const [first = [], ...rest] = parts
      primaryKey = { partition: names(first), clustering: rest.flatMap(names) }
      continue
    }
    const name = p.name()
    if (name === undefined) continue
    const typeTokens: LintToken[] = []
    while (!p.atEnd && !p.isWords('static') && !p.isWords('primary', 'key')) typeTokens.push(p.next() as LintToken)
    columns.set(name, normalizeType(typeTokens))
    if (hasWords(part, 'primary', 'key')) primaryKey = { partition: [name], clustering: [] }
  }
  return { kind: 'create-table', ref: r, ifNotExists, columns, primaryKey }
}

/** `(a, b)` (the older syntax) or `a, b` (Cassandra 5: ADD/DROP take a bare comma list). */
function columnList(c: TokenCursor, withTypes: boolean): { name: string; type?: string; primaryKey?: boolean }[] {
  const defs = splitTopLevel(c.isPunct('(') ? (c.group() ?? []) : c.rest(), { angles: true })
  return defs.flatMap((d) => {
    const p = new TokenCursor(d)
    const name = p.name()
    if (name === undefined) return []
    if (!withTypes) return [{ name }]
    const typeTokens: LintToken[] = []
    while (!p.atEnd && !p.isWords('static') && !p.isWords('primary', 'key')) typeTokens.push(p.next() as LintToken)
    return [{ name, type: normalizeType(typeTokens), primaryKey: hasWords(d, 'primary', 'key') }]
  })
}

function alterTable(c: TokenCursor, use: string): CqlFact {
  c.accept('if', 'exists')
  const r = ref(c, use)
  if (!r) return { kind: 'other' }
  const base = { kind: 'alter-table' as const, ref: r, columns: [] as { name: string; type?: string }[], renames: [] as [string, string][], clusteringOrder: false }
  if (c.accept('add')) {
    c.accept('if', 'not', 'exists')
    return { ...base, op: 'add', columns: columnList(c, true) }
  }
  if (c.accept('drop')) {
    if (c.isWords('compact', 'storage')) return { ...base, op: 'other' }
    c.accept('if', 'exists')
    return { ...base, op: 'drop', columns: columnList(c, false) }
  }
  if (c.accept('alter')) {
    c.accept('if', 'exists')
    const name = c.name()
    if (name !== undefined && c.accept('type')) return { ...base, op: 'alter-type', columns: [{ name, type: normalizeType(c.rest()) }] }
    return { ...base, op: 'alter-other', columns: name === undefined ? [] : [{ name }] }
  }
  if (c.accept('rename')) {
    c.accept('if', 'exists')
    const renames: [string, string][] = []
    do {
      const from = c.name()
      const to = c.accept('to') ? c.name() : undefined
      if (from !== undefined && to !== undefined) renames.push([from, to])
    } while (c.accept('and'))
    return { ...base, op: 'rename', renames }
  }
  if (c.accept('with')) return { ...base, op: 'with', clusteringOrder: hasWords(c.rest(), 'clustering', 'order') }
  return { ...base, op: 'other' }
}

function createView(c: TokenCursor, use: string): CqlFact {
  const ifNotExists = c.accept('if', 'not', 'exists')
  const r = ref(c, use)
  if (!r) return { kind: 'other' }
  while (!c.atEnd && !c.isWords('from')) {
    if (c.isPunct('(')) c.group()
    else c.next()
  }
  const base = c.accept('from') ? ref(c, use) : undefined
  return { kind: 'create-view', ref: r, base, ifNotExists }
}

function keyspace(c: TokenCursor, verb: 'create' | 'alter'): CqlFact {
  const ifNotExists = verb === 'create' && c.accept('if', 'not', 'exists')
  if (verb === 'alter') c.accept('if', 'exists')
  const name = c.name()
  if (name === undefined) return { kind: 'other' }
  c.accept('with')
  const maps = withMaps(c)
  return { kind: 'keyspace', verb, name: keyspaceOf(name, ''), ifNotExists, replication: maps.replication, tablets: maps.tablets }
}

function dml(c: TokenCursor, verb: 'insert' | 'update' | 'delete', use: string): CqlFact {
  let r: CqlRef | undefined
  if (verb === 'insert' && c.accept('into')) r = ref(c, use)
  else if (verb === 'update') r = ref(c, use)
  else if (verb === 'delete') {
    while (!c.atEnd && !c.isWords('from')) c.next()
    if (c.accept('from')) r = ref(c, use)
  }
  // IF is reserved in CQL: outside strings and quoted names it only starts an LWT condition.
  return { kind: 'dml', verb, ref: r, conditional: hasWords(c.rest(), 'if') }
}

function batch(tokens: readonly LintToken[], use: string): CqlFact {
  const inner: LintToken[][] = [[]]
  for (const t of tokens) {
    if (t.kind === 'punct' && t.value === ';') inner.push([])
    else (inner[inner.length - 1] as LintToken[]).push(t)
  }
  return { kind: 'batch', statements: inner.filter((s) => s.length).map((s) => parseTokens(s, use)).filter((f) => f.kind === 'dml') }
}

/** The fact of one statement's tokens; `use` is the keyspace of a preceding USE in the file ('' for none). */
export function parseTokens(tokens: readonly LintToken[], use = ''): CqlFact {
  const c = new TokenCursor(tokens)
  if (c.accept('use')) return { kind: 'use', keyspace: keyspaceOf(c.name(), '') }
  if (c.isWords('begin')) {
    while (!c.atEnd && !c.isWords('batch')) c.next()
    if (c.accept('batch')) {
      if (c.accept('using')) while (!c.atEnd && !['insert', 'update', 'delete'].includes(c.peek()?.value ?? '')) c.next()
      return batch(c.rest(), use)
    }
    return { kind: 'other' }
  }
  for (const verb of ['insert', 'update', 'delete'] as const) if (c.accept(verb)) return dml(c, verb, use)
  if (c.accept('create')) {
    const orReplace = c.accept('or', 'replace')
    if (c.accept('table') || c.accept('columnfamily')) return createTable(c, use)
    if (c.accept('materialized', 'view')) return createView(c, use)
    if (c.accept('keyspace') || c.accept('schema')) return keyspace(c, 'create')
    c.accept('custom')
    const object = c.next()?.value ?? ''
    if (!OBJECTS.has(object)) return { kind: 'other' }
    const ifNotExists = c.accept('if', 'not', 'exists')
    return { kind: 'create-other', object, name: c.isWords('on') ? undefined : c.qualifiedName()?.name, ifNotExists, orReplace }
  }
  if (c.accept('alter')) {
    if (c.accept('table') || c.accept('columnfamily')) return alterTable(c, use)
    if (c.accept('keyspace') || c.accept('schema')) return keyspace(c, 'alter')
    return { kind: 'other' }
  }
  if (c.accept('drop')) {
    const view = c.accept('materialized', 'view')
    const object = view ? 'materialized view' : (c.next()?.value ?? '')
    if (!view && !OBJECTS.has(object)) return { kind: 'other' }
    const ifExists = c.accept('if', 'exists')
    const r = ref(c, use)
    if (view && r) return { kind: 'drop-view', ref: r, ifExists }
    if ((object === 'table' || object === 'columnfamily') && r) return { kind: 'drop-table', ref: r, ifExists }
    return { kind: 'drop-other', object, name: r?.name, ifExists }
  }
  return { kind: 'other' }
}

const cache = new WeakMap<readonly Statement[], StatementFact[]>()

/** The facts of a file's statements in order, USE applied to later unqualified names. Cached per file. */
export function factsOf(statements: readonly Statement[]): StatementFact[] {
  let facts = cache.get(statements)
  if (facts) return facts
  let use = ''
  facts = statements.map((statement) => {
    const fact = parseTokens(cqlLintTokens(statement.text), use)
    if (fact.kind === 'use') use = fact.keyspace
    return { statement, fact }
  })
  cache.set(statements, facts)
  return facts
}
