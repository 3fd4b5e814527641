/**
 * Splits a CQL script into the statements `cqlsh -f` would run, without a server.
 *
 * Follows cqlsh's own lexer (cqlshlib/cql3handling.py + cqlhandling.py):
 * - comments: `-- …`, `// …` to end of line, `/* … *\/` (not nested);
 * - literals: `'…'` (`''` escapes), `"…"` (`""` escapes), `$$ … $$` (no escapes);
 * - `;` ends a statement, except inside `BEGIN [UNLOGGED|COUNTER] BATCH … APPLY BATCH`
 *   (and `BEGIN TRANSACTION … COMMIT TRANSACTION`), which is one statement;
 * - cqlsh shell commands (CONSISTENCY, DESCRIBE, TRACING, …) also end at a line break.
 * Differences from cqlsh: a last statement without `;` is kept (cqlsh reports it as
 * incomplete), empty statements are dropped, and the trailing `;` is not part of the text.
 */

export interface SplitStatement {
  /**
   * The statement from its first token to its last token before the `;`: leading and
   * trailing comments are dropped, comments inside are kept as written. Line breaks are
   * normalised to `\n` (cqlsh reads files with universal newlines, so does the same).
   */
  text: string
  /** 1-based line of the statement's first token. */
  line: number
}

/** An unterminated string, quoted name, comment, `$$` body or batch. */
export class CqlSyntaxError extends Error {
  /** 1-based line of the construct's opening delimiter (or of `BEGIN` for a batch). */
  readonly line: number
  /** 1-based column (UTF-16 code units) of that delimiter. */
  readonly column: number

  constructor(message: string, line: number, column: number) {
    super(`${message} at line ${line}, column ${column}`)
    this.name = 'CqlSyntaxError'
    this.line = line
    this.column = column
  }
}

export type TokenKind = 'word' | 'string' | 'name' | 'body' | 'semi' | 'punct'

interface Token {
  kind: TokenKind
  start: number
  end: number
  /** Upper-cased text for `word` tokens, '' otherwise. */
  word: string
}

interface Position {
  line: number
  column: number
}

/** Maps offsets to line/column; cheap when offsets are asked for in increasing order. */
function locator(src: string): (offset: number) => Position {
  let pos = 0
  let line = 1
  let lineStart = 0
  return (offset) => {
    // Callers ask in increasing order today (so no test reaches this); restarting keeps an earlier offset right.
    if (offset < pos) {
      pos = 0
      line = 1
      lineStart = 0
    }
    for (; pos < offset; pos++) {
      const c = src.charCodeAt(pos)
      // \n, a lone \r, or the \n of \r\n ends a line.
      if (c === 10 || (c === 13 && src.charCodeAt(pos + 1) !== 10)) {
        line++
        lineStart = pos + 1
      }
    }
    return { line, column: offset - lineStart + 1 }
  }
}

function stripBom(s: string): string {
  return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s
}

const isSpace = (c: string): boolean =>
  c === ' ' || c === '\n' || c === '\r' || c === '\t' || c === '\f' || c === '\v'

const isWordChar = (c: string): boolean =>
  (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c === '_'

/** Yields the significant tokens of `src`, skipping whitespace and comments (reported to onComment). Lazy. */
function* tokenize(src: string, at: (offset: number) => Position, onComment?: (text: string) => void): Generator<Token> {
  const n = src.length
  const fail = (what: string, start: number): never => {
    const p = at(start)
    throw new CqlSyntaxError(`Unterminated ${what}`, p.line, p.column)
  }
  let i = 0
  while (i < n) {
    const c = src[i]!
    const next = src[i + 1]
    if (isSpace(c)) {
      i++
    } else if ((c === '-' && next === '-') || (c === '/' && next === '/')) {
      const start = i
      while (i < n && src[i] !== '\n' && src[i] !== '\r') i++
      onComment?.(src.slice(start, i))
    } else if (c === '/' && next === '*') {
      const end = src.indexOf('*/', i + 2)
      if (end < 0) fail('block comment', i)
      onComment?.(src.slice(i, end + 2))
      i = end + 2
    } else if (c === "'" || c === '"') {
      let j = i + 1
      for (;;) {
        j = src.indexOf(c, j)
        if (j < 0) fail(c === "'" ? 'string literal' : 'quoted identifier', i)
        if (src[j + 1] !== c) break
        j += 2 // doubled quote is an escaped quote
      }
      yield { kind: c === "'" ? 'string' : 'name', start: i, end: j + 1, word: '' }
      i = j + 1
    } else if (c === '$' && next === '$') {
      const end = src.indexOf('$$', i + 2)
      if (end < 0) fail('$$ body', i)
      yield { kind: 'body', start: i, end: end + 2, word: '' }
      i = end + 2
    } else if (c === ';') {
      yield { kind: 'semi', start: i, end: i + 1, word: '' }
      i++
    } else if (isWordChar(c)) {
      let j = i + 1
      while (j < n && isWordChar(src[j]!)) j++
      yield { kind: 'word', start: i, end: j, word: src.slice(i, j).toUpperCase() }
      i = j
    } else {
      yield { kind: 'punct', start: i, end: i + 1, word: '' }
      i++
    }
  }
}

/** cqlsh commands that end at a line break as well as at `;` (cqlshhandling.py). */
const SHELL_COMMANDS = new Set([
  'HELP', 'CONSISTENCY', 'SERIAL', 'DESCRIBE', 'DESC', 'SHOW', 'SOURCE', 'CAPTURE', 'LOGIN',
  'DEBUG', 'TRACING', 'EXPAND', 'PAGING', 'EXIT', 'QUIT', 'CLEAR', 'CLS', 'HISTORY',
])

/** For a statement starting `BEGIN <word>`: the two words that close it, if it is a block. */
function blockEnd(second: string | undefined): [string, string] | undefined {
  if (second === 'BATCH' || second === 'UNLOGGED' || second === 'COUNTER') return ['APPLY', 'BATCH']
  if (second === 'TRANSACTION') return ['COMMIT', 'TRANSACTION']
  return undefined
}

/** Splits a CQL script into statements. Throws {@link CqlSyntaxError} on unterminated input. */
export function splitCql(source: string): SplitStatement[] {
  const src = stripBom(source)
  const at = locator(src)
  const toks = [...tokenize(src, at)]
  const out: SplitStatement[] = []

  let first = -1 // index of the current statement's first token, -1 between statements
  let closer: [string, string] | undefined // set while inside BEGIN … APPLY BATCH
  let shell = false

  const emit = (last: number): void => {
    const start = toks[first]!.start
    const text = src.slice(start, toks[last]!.end).replace(/\r\n?/g, '\n')
    out.push({ text, line: at(start).line })
    first = -1
    closer = undefined
  }
  // True when the tokens just before index `end` are the block's closing keywords.
  const closes = (end: number): boolean =>
    closer !== undefined &&
    end - 2 > first &&
    toks[end - 2]!.word === closer[0] &&
    toks[end - 1]!.word === closer[1]

  for (let k = 0; k < toks.length; k++) {
    const t = toks[k]!
    if (first < 0) {
      if (t.kind === 'semi') continue // empty statement
      first = k
      closer = t.word === 'BEGIN' ? blockEnd(toks[k + 1]?.word) : undefined
      shell = SHELL_COMMANDS.has(t.word)
      continue
    }
    if (shell && /[\r\n]/.test(src.slice(toks[k - 1]!.end, t.start))) {
      emit(k - 1)
      k-- // t starts the next statement
      continue
    }
    if (t.kind !== 'semi') continue
    if (closer !== undefined && !closes(k)) continue // `;` inside a batch
    emit(k - 1)
  }

  if (first >= 0) {
    if (closer !== undefined && !closes(toks.length)) {
      const p = at(toks[first]!.start)
      const kind = closer[1] === 'BATCH' ? 'batch' : 'transaction'
      throw new CqlSyntaxError(
        `Unterminated ${kind} (no ${closer.join(' ')})`, p.line, p.column)
    }
    emit(toks.length - 1) // last statement without a final `;`
  }
  return out
}

/** A significant token of a CQL statement as written (comments skipped), for lint rules. */
export interface CqlToken {
  kind: TokenKind
  text: string
}

/** The significant tokens of `text`. Throws {@link CqlSyntaxError} on unterminated input. */
export function cqlTokens(text: string): CqlToken[] {
  const src = stripBom(text)
  return [...tokenize(src, locator(src))].map((t) => ({ kind: t.kind, text: src.slice(t.start, t.end) }))
}

/** The text of every comment in a script (`-- …`, `// …`, `/* … *\/`), for `strata:` directives. */
export function cqlComments(source: string): string[] {
  const src = stripBom(source)
  const out: string[] = []
  for (const _ of tokenize(src, locator(src), (c) => out.push(c))) void _
  return out
}

/** Removes leading whitespace and comments (`--`, `//`, `/* *\/`) from `text`. */
export function stripLeadingComments(text: string): string {
  const src = stripBom(text)
  const m = /^(?:\s+|--[^\n\r]*|\/\/[^\n\r]*|\/\*[\s\S]*?\*\/)*/.exec(src)
  return src.slice(m ? m[0].length : 0)
}

const DDL_OBJECTS = new Set([
  'KEYSPACE', 'SCHEMA', 'TABLE', 'COLUMNFAMILY', 'INDEX', 'TYPE', 'FUNCTION', 'AGGREGATE',
  'TRIGGER', 'ROLE', 'USER',
])

/**
 * True for statements that change the schema and so need a schema-agreement wait:
 * CREATE/ALTER/DROP of KEYSPACE, TABLE, COLUMNFAMILY, [CUSTOM] INDEX, MATERIALIZED VIEW,
 * TYPE, FUNCTION, AGGREGATE, TRIGGER, ROLE, USER (with `OR REPLACE`), and TRUNCATE.
 * False for everything else, including GRANT/REVOKE and DML.
 */
export function isDdl(text: string): boolean {
  const src = stripBom(text)
  const words: string[] = []
  try {
    for (const t of tokenize(src, locator(src))) {
      if (t.kind !== 'word' || words.length === 4) break
      words.push(t.word)
    }
  } catch (err) {
    if (err instanceof CqlSyntaxError) return false
    throw err
  }
  const [verb] = words
  if (verb === 'TRUNCATE') return true
  if (verb !== 'CREATE' && verb !== 'ALTER' && verb !== 'DROP') return false
  let i = 1
  if (verb === 'CREATE' && words[1] === 'OR' && words[2] === 'REPLACE') i = 3
  const object = words[i]
  if (object === 'CUSTOM') return verb === 'CREATE' && words[i + 1] === 'INDEX'
  if (object === 'MATERIALIZED') return words[i + 1] === 'VIEW'
  return object !== undefined && DDL_OBJECTS.has(object)
}
