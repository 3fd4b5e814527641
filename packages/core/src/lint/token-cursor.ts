/**
 * A dialect-free view of one statement's significant tokens, for lint rules. Each adapter builds these
 * with its own lexer (comments dropped, strings kept whole), so rules never match inside a comment or a
 * string; this file only walks them.
 */
export type LintTokenKind = 'word' | 'ident' | 'string' | 'number' | 'punct'

export interface LintToken {
  readonly kind: LintTokenKind
  /**
   * word: lower-cased (unquoted identifiers and keywords fold to lower case in CQL and PostgreSQL);
   * ident: a quoted identifier's name as written, or a placeholder as `${name}`;
   * string: the literal's content; number and punct: as written.
   */
  readonly value: string
}

/** A schema-qualified name as written; `schema` is undefined when unqualified. */
export interface QualifiedName {
  readonly schema?: string
  readonly name: string
}

const OPEN: Readonly<Record<string, string>> = { '(': ')', '[': ']', '{': '}' }

export class TokenCursor {
  pos = 0
  constructor(readonly tokens: readonly LintToken[]) {}

  get atEnd(): boolean {
    return this.pos >= this.tokens.length
  }

  peek(offset = 0): LintToken | undefined {
    return this.tokens[this.pos + offset]
  }

  next(): LintToken | undefined {
    return this.tokens[this.pos++]
  }

  /** True when the next tokens are exactly these keywords (lower-case). */
  isWords(...words: string[]): boolean {
    return words.every((w, i) => {
      const t = this.peek(i)
      return t?.kind === 'word' && t.value === w
    })
  }

  /** Consumes the keywords when they come next. */
  accept(...words: string[]): boolean {
    if (!this.isWords(...words)) return false
    this.pos += words.length
    return true
  }

  isPunct(p: string): boolean {
    const t = this.peek()
    return t?.kind === 'punct' && t.value === p
  }

  acceptPunct(p: string): boolean {
    if (!this.isPunct(p)) return false
    this.pos++
    return true
  }

  /** An identifier (word, quoted name or placeholder). */
  name(): string | undefined {
    const t = this.peek()
    if (t?.kind !== 'word' && t?.kind !== 'ident') return undefined
    this.pos++
    return t.value
  }

  /** `name` or `schema.name`. */
  qualifiedName(): QualifiedName | undefined {
    const first = this.name()
    if (first === undefined) return undefined
    if (!this.isPunct('.')) return { name: first }
    const save = this.pos
    this.pos++
    const second = this.name()
    if (second === undefined) {
      this.pos = save
      return { name: first }
    }
    return { schema: first, name: second }
  }

  /** At an opening bracket: the tokens inside its match (consumed, brackets included); otherwise undefined. */
  group(): LintToken[] | undefined {
    const open = this.peek()
    if (open?.kind !== 'punct' || !OPEN[open.value]) return undefined
    const start = this.pos + 1
    let depth = 0
    for (; this.pos < this.tokens.length; this.pos++) {
      const t = this.tokens[this.pos] as LintToken
      if (t.kind !== 'punct') continue
      if (OPEN[t.value]) depth++
      else if (t.value === ')' || t.value === ']' || t.value === '}') depth--
      if (depth === 0) return this.tokens.slice(start, this.pos++)
    }
    return this.tokens.slice(start)
  }

  /** The remaining tokens (consumed). */
  rest(): LintToken[] {
    const out = this.tokens.slice(this.pos)
    this.pos = this.tokens.length
    return out
  }
}

/**
 * Splits tokens at top-level commas (outside brackets; with `angles`, also outside `<…>` as in CQL's
 * `map<text, int>`).
 */
export function splitTopLevel(tokens: readonly LintToken[], opts: { angles?: boolean } = {}): LintToken[][] {
  const parts: LintToken[][] = [[]]
  let depth = 0
  for (const t of tokens) {
    if (t.kind === 'punct') {
      if (OPEN[t.value] || (opts.angles && t.value === '<')) depth++
      else if (t.value === ')' || t.value === ']' || t.value === '}' || (opts.angles && t.value === '>')) depth = Math.max(0, depth - 1)
      else if (t.value === ',' && depth === 0) {
        parts.push([])
        continue
      }
    }
    ;(parts[parts.length - 1] as LintToken[]).push(t)
  }
  return parts.filter((p) => p.length > 0)
}

/** Tokens rendered back as compact text (for types: `map<text,int>`), lower-case words. */
export function tokensText(tokens: readonly LintToken[]): string {
  return tokens.map((t) => (t.kind === 'string' ? `'${t.value}'` : t.value)).join(' ').replace(/ ?([<>(),.]) ?/g, '$1')
}

/** True when the tokens contain these keywords in a row at any position. */
export function hasWords(tokens: readonly LintToken[], ...words: string[]): boolean {
  for (let i = 0; i + words.length <= tokens.length; i++) {
    if (words.every((w, k) => tokens[i + k]?.kind === 'word' && tokens[i + k]?.value === w)) return true
  }
  return false
}

/**
 * Folds `$ { name }` (how both lexers see a `${name}` placeholder) into one `ident` token: placeholders
 * stand for identifiers such as the keyspace.
 */
export function foldPlaceholders(tokens: readonly LintToken[]): LintToken[] {
  const out: LintToken[] = []
  for (let i = 0; i < tokens.length; i++) {
    const [a, b, c, d] = [tokens[i], tokens[i + 1], tokens[i + 2], tokens[i + 3]]
    if (a?.kind === 'punct' && a.value === '$' && b?.kind === 'punct' && b.value === '{' && (c?.kind === 'word' || c?.kind === 'ident') && d?.kind === 'punct' && d.value === '}') {
      out.push({ kind: 'ident', value: `\${${c.value}}` })
      i += 3
    } else {
      out.push(a as LintToken)
    }
  }
  return out
}
