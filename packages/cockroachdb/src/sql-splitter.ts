/**
 * Splits a PostgreSQL / CockroachDB migration script into the statements psql
 * would send to the server one at a time.
 *
 * A `;` ends a statement only at the top level: not inside comments, strings,
 * quoted identifiers, dollar-quoted bodies, parentheses, or the
 * `BEGIN [ATOMIC] ... END` body of a `CREATE [OR REPLACE] FUNCTION|PROCEDURE`
 * (psql's heuristic, PG 14+). See `sql-tokenizer.ts` for the lexical rules.
 */
import { tokenize, type Token } from './sql-tokenizer.js'

export { SqlSyntaxError } from './sql-tokenizer.js'

export interface SplitStatement {
  /**
   * Statement text from its first token to its last token: no leading or
   * trailing comments or whitespace, no terminating `;`. Comments inside the
   * statement and the original line endings are kept verbatim.
   */
  text: string
  /** 1-based line of the statement's first token. */
  line: number
}

export interface SqlDirectives {
  /** `-- strata:no-transaction`: run the file outside a transaction (e.g. CREATE INDEX CONCURRENTLY). */
  noTransaction: boolean
}

const isTrivia = (t: Token): boolean =>
  t.kind === 'whitespace' || t.kind === 'line-comment' || t.kind === 'block-comment'

/** Words recorded (by first letter) to recognise `CREATE [OR REPLACE] FUNCTION|PROCEDURE`. */
const ROUTINE_HEAD_WORDS = new Set(['create', 'or', 'replace', 'function', 'procedure'])

/**
 * Tracks `BEGIN ... END` nesting the way psql does: only in statements that
 * start with CREATE [OR REPLACE] FUNCTION|PROCEDURE and only outside parentheses.
 * BEGIN opens a level; CASE opens one when already inside BEGIN; END closes one.
 */
class BeginTracker {
  depth = 0
  private words = 0
  private readonly head: string[] = []

  reset(): void {
    this.depth = 0
    this.words = 0
    this.head.length = 0
  }

  word(word: string, parenDepth: number): void {
    const w = word.toLowerCase()
    if (this.words < 4) this.head.push(ROUTINE_HEAD_WORDS.has(w) ? w : '')
    this.words++
    if (parenDepth > 0 || !this.isRoutine()) return
    if (w === 'begin') this.depth++
    else if (w === 'case' && this.depth > 0) this.depth++
    else if (w === 'end' && this.depth > 0) this.depth--
  }

  private isRoutine(): boolean {
    const [a, b, c, d] = this.head
    const routine = (x: string | undefined): boolean => x === 'function' || x === 'procedure'
    return a === 'create' && (routine(b) || (b === 'or' && c === 'replace' && routine(d)))
  }
}

/**
 * Splits `source` into statements. Empty statements (`;;`, comment-only
 * chunks) are dropped; the last statement needs no `;`. A leading BOM and
 * CRLF line endings are accepted.
 *
 * @throws {SqlSyntaxError} on an unterminated string, quoted identifier, block
 *   comment or dollar-quoted body, positioned at its opening delimiter.
 */
export function splitSql(source: string): SplitStatement[] {
  const statements: SplitStatement[] = []
  const begin = new BeginTracker()
  let first: Token | undefined
  let last: Token | undefined
  let parenDepth = 0

  const flush = (): void => {
    if (first && last) {
      statements.push({ text: source.slice(first.start, last.end), line: first.line })
    }
    first = last = undefined
    parenDepth = 0
    begin.reset()
  }

  for (const token of tokenize(source)) {
    if (isTrivia(token)) continue
    if (token.kind === 'semicolon' && parenDepth === 0 && begin.depth === 0) {
      flush()
      continue
    }
    first ??= token
    last = token
    if (token.kind === 'open-paren') parenDepth++
    else if (token.kind === 'close-paren') parenDepth = Math.max(0, parenDepth - 1)
    else if (token.kind === 'word') begin.word(source.slice(token.start, token.end), parenDepth)
  }
  flush()
  return statements
}

const NO_TRANSACTION = /^--\s*strata:no-transaction\s*$/i

/**
 * Reads `-- strata:...` directives from the comments before the first
 * statement. A directive must be a `--` comment on a line of its own;
 * matching is case-insensitive. Directives after the first statement token
 * are ignored.
 *
 * @throws {SqlSyntaxError} if the leading comments are malformed (e.g. an unterminated block comment).
 */
export function parseDirectives(source: string): SqlDirectives {
  const directives: SqlDirectives = { noTransaction: false }
  for (const token of tokenize(source)) {
    if (!isTrivia(token)) break
    if (token.kind !== 'line-comment') continue
    const lineStart = token.start - (token.column - 1)
    const ownLine = source.slice(lineStart, token.start).trim() === ''
    const text = source.slice(token.start, token.end)
    if (ownLine && NO_TRANSACTION.test(text)) directives.noTransaction = true
  }
  return directives
}
