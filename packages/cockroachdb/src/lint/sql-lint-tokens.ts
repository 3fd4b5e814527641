import { collectLintDisable, foldPlaceholders, memoLintTokens, type LintToken } from '@strata-migrate/core/adapter-kit'
import { tokenize, type Token } from '../sql-tokenizer.js'

function toLint(t: Token, text: string): LintToken | undefined {
  switch (t.kind) {
    case 'whitespace': case 'line-comment': case 'block-comment': return undefined
    case 'word': return { kind: 'word', value: text.toLowerCase() }
    case 'quoted-ident': return { kind: 'ident', value: text.replace(/^(U&)?"|"$/gi, '').replace(/""/g, '"') }
    case 'string': case 'escape-string': return { kind: 'string', value: text.replace(/^[A-Za-z&]*'|'$/g, '').replace(/''/g, "'") }
    case 'dollar-string': return { kind: 'string', value: text.replace(/^\$[^$]*\$|\$[^$]*\$$/g, '') }
    case 'number': case 'param': return { kind: 'number', value: text }
    case 'semicolon': return { kind: 'punct', value: ';' }
    case 'open-paren': return { kind: 'punct', value: '(' }
    case 'close-paren': return { kind: 'punct', value: ')' }
    case 'punct': return { kind: 'punct', value: text }
  }
}

/** One statement's tokens for lint rules: comments dropped, `${name}` placeholders folded into identifiers (computed once per text). */
export const sqlLintTokens = memoLintTokens(sqlLintTokensOf)

function sqlLintTokensOf(text: string): LintToken[] {
  const out: LintToken[] = []
  try {
    for (const t of tokenize(text)) {
      const l = toLint(t, text.slice(t.start, t.end))
      if (l) out.push(l)
    }
  } catch {
    return [] // unterminated input: the splitter already refused the file, nothing to lint
  }
  return foldPlaceholders(out)
}

/** The rule ids a file's `strata:lint-disable` comments name (undefined when it has none). */
export function sqlLintDisable(source: string): string[] | undefined {
  const comments: string[] = []
  try {
    for (const t of tokenize(source)) if (t.kind === 'line-comment' || t.kind === 'block-comment') comments.push(source.slice(t.start, t.end))
  } catch {
    return undefined // the splitter reports the syntax error with its position
  }
  return collectLintDisable(comments)
}
