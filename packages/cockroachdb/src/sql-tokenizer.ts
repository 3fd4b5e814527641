/**
 * Lexical scanner for PostgreSQL / CockroachDB SQL, modelled on the rules of
 * PostgreSQL's `scan.l` and psql's `psqlscan.l`. It only recognises what is
 * needed to find statement boundaries: it never interprets literal contents.
 *
 * Assumes `standard_conforming_strings = on` (the default since PG 9.1 and the
 * only mode CockroachDB supports): a backslash is literal in '...' strings and
 * only escapes inside E'...' strings.
 */

export type TokenKind =
  | 'whitespace'
  | 'line-comment' //   -- ... (up to, not including, the newline)
  | 'block-comment' //  /* ... */, nesting
  | 'string' //         '...', U&'...', B'...', X'...', N'...'
  | 'escape-string' //  E'...'
  | 'quoted-ident' //   "...", U&"..."
  | 'dollar-string' //  $$...$$, $tag$...$tag$
  | 'word' //           identifier or keyword (may contain `$`)
  | 'number'
  | 'param' //          $1
  | 'semicolon'
  | 'open-paren'
  | 'close-paren'
  | 'punct' //          any other single character (operators, commas, ...)

export interface Token {
  kind: TokenKind
  /** Offset of the first character (UTF-16 code units). */
  start: number
  /** Offset just past the last character. */
  end: number
  /** 1-based line of `start`. */
  line: number
  /** 1-based column of `start` (UTF-16 code units; a leading BOM is not counted). */
  column: number
}

/** Thrown for an unterminated string, quoted identifier, block comment or dollar-quoted body. */
export class SqlSyntaxError extends Error {
  override readonly name = 'SqlSyntaxError'
  readonly line: number
  readonly column: number

  constructor(message: string, line: number, column: number) {
    super(`${message} (line ${line}, column ${column})`)
    this.line = line
    this.column = column
  }
}

const C = {
  Tab: 9,
  LF: 10,
  VT: 11,
  FF: 12,
  CR: 13,
  Space: 32,
  DQuote: 34,
  Dollar: 36,
  Amp: 38,
  Quote: 39,
  LParen: 40,
  RParen: 41,
  Star: 42,
  Dash: 45,
  Dot: 46,
  Slash: 47,
  Zero: 48,
  Nine: 57,
  Semi: 59,
  UpperA: 65,
  UpperE: 69,
  UpperU: 85,
  UpperZ: 90,
  Backslash: 92,
  Underscore: 95,
  LowerA: 97,
  LowerE: 101,
  LowerU: 117,
  LowerZ: 122,
  Bom: 0xfeff,
} as const

const isSpace = (c: number): boolean =>
  c === C.Space || c === C.Tab || c === C.LF || c === C.CR || c === C.FF || c === C.VT
const isDigit = (c: number): boolean => c >= C.Zero && c <= C.Nine
/** PostgreSQL treats every non-ASCII character as an identifier character. */
const isIdentStart = (c: number): boolean =>
  (c >= C.UpperA && c <= C.UpperZ) || (c >= C.LowerA && c <= C.LowerZ) || c === C.Underscore || c >= 128
/** Identifier continuation: letters, digits, `_`, non-ASCII and `$` (so `a$$b` is one word). */
const isIdentCont = (c: number): boolean => isIdentStart(c) || isDigit(c) || c === C.Dollar
/** Dollar-quote tag continuation: like an identifier but without `$`. */
const isTagCont = (c: number): boolean => isIdentStart(c) || isDigit(c)
const isNumberCont = (c: number): boolean => isTagCont(c) || c === C.Dot

/**
 * Splits `source` into tokens, covering every character (except a leading BOM)
 * exactly once. Lazy, so callers may stop early. Throws {@link SqlSyntaxError}
 * (positioned at the opening delimiter) on an unterminated construct.
 */
export function* tokenize(source: string): Generator<Token, void, undefined> {
  const n = source.length
  // charCodeAt returns NaN past the end, which matches no class below.
  const at = (i: number): number => source.charCodeAt(i)
  const skip = (i: number, pred: (c: number) => boolean): number => {
    while (i < n && pred(at(i))) i++
    return i
  }

  let pos = at(0) === C.Bom ? 1 : 0
  let line = 1
  let lineStart = pos

  while (pos < n) {
    const start = pos
    const column = start - lineStart + 1
    const fail = (what: string): never => {
      throw new SqlSyntaxError(`Unterminated ${what}`, line, column)
    }
    const c = at(pos)
    const next = at(pos + 1)
    let kind: TokenKind

    if (isSpace(c)) {
      kind = 'whitespace'
      pos = skip(pos, isSpace)
    } else if (c === C.Dash && next === C.Dash) {
      kind = 'line-comment'
      pos = skip(pos, (ch) => ch !== C.LF && ch !== C.CR)
    } else if (c === C.Slash && next === C.Star) {
      kind = 'block-comment'
      pos = scanBlockComment(source, pos)
      if (pos < 0) fail('block comment')
    } else if (c === C.Quote) {
      kind = 'string'
      pos = scanQuoted(source, pos + 1, C.Quote, false)
      if (pos < 0) fail('quoted string')
    } else if (c === C.DQuote) {
      kind = 'quoted-ident'
      pos = scanQuoted(source, pos + 1, C.DQuote, false)
      if (pos < 0) fail('quoted identifier')
    } else if ((c === C.UpperE || c === C.LowerE) && next === C.Quote) {
      kind = 'escape-string'
      pos = scanQuoted(source, pos + 2, C.Quote, true)
      if (pos < 0) fail('quoted string')
    } else if ((c === C.UpperU || c === C.LowerU) && next === C.Amp && (at(pos + 2) === C.Quote || at(pos + 2) === C.DQuote)) {
      const q = at(pos + 2)
      kind = q === C.Quote ? 'string' : 'quoted-ident'
      pos = scanQuoted(source, pos + 3, q, false)
      if (pos < 0) fail(q === C.Quote ? 'quoted string' : 'quoted identifier')
    } else if (isIdentStart(c)) {
      kind = 'word'
      pos = skip(pos + 1, isIdentCont)
    } else if (isDigit(c) || (c === C.Dot && isDigit(next))) {
      kind = 'number'
      pos = skip(pos + 1, isNumberCont)
    } else if (c === C.Dollar && isDigit(next)) {
      kind = 'param'
      pos = skip(pos + 1, isDigit)
    } else if (c === C.Dollar && (next === C.Dollar || isIdentStart(next)) && at(skip(pos + 1, isTagCont)) === C.Dollar) {
      // $$ or $tag$ where tag = [A-Za-z_\x80-][A-Za-z0-9_\x80-]*. The body ends at
      // the first occurrence of the identical delimiter (same as PostgreSQL,
      // which rescans the trailing `$` of any non-matching `$other$`).
      kind = 'dollar-string'
      const delim = source.slice(pos, skip(pos + 1, isTagCont) + 1)
      const close = source.indexOf(delim, pos + delim.length)
      if (close < 0) fail(`dollar-quoted string ${delim}`)
      pos = close + delim.length
    } else if (c === C.Semi) {
      kind = 'semicolon'
      pos++
    } else if (c === C.LParen) {
      kind = 'open-paren'
      pos++
    } else if (c === C.RParen) {
      kind = 'close-paren'
      pos++
    } else {
      kind = 'punct'
      pos++
    }

    yield { kind, start, end: pos, line, column }

    // Advance line bookkeeping over the token: \n, \r\n and a lone \r are newlines.
    for (let i = start; i < pos; i++) {
      const ch = at(i)
      if (ch === C.LF || (ch === C.CR && at(i + 1) !== C.LF)) {
        line++
        lineStart = i + 1
      }
    }
  }
}

/** Returns the offset after the closing quote, or -1 if unterminated. A doubled quote is an escape. */
function scanQuoted(source: string, from: number, quote: number, backslashEscapes: boolean): number {
  const n = source.length
  let i = from
  while (i < n) {
    const ch = source.charCodeAt(i)
    if (backslashEscapes && ch === C.Backslash) {
      i += 2
    } else if (ch === quote) {
      if (source.charCodeAt(i + 1) !== quote) return i + 1
      i += 2
    } else {
      i++
    }
  }
  return -1
}

/** `start` points at the opening `/*`. Returns the offset after the matching `*\/`, or -1. */
function scanBlockComment(source: string, start: number): number {
  const n = source.length
  let depth = 1
  let i = start + 2
  while (i < n) {
    const ch = source.charCodeAt(i)
    const next = source.charCodeAt(i + 1)
    if (ch === C.Slash && next === C.Star) {
      depth++
      i += 2
    } else if (ch === C.Star && next === C.Slash) {
      i += 2
      if (--depth === 0) return i
    } else {
      i++
    }
  }
  return -1
}
