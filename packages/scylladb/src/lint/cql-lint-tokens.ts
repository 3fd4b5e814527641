import { collectLintDisable, foldPlaceholders, memoLintTokens, type LintToken } from '@strata-migrate/core/adapter-kit'
import { cqlComments, cqlTokens, type CqlToken } from '../cql-splitter.js'

function toLint(t: CqlToken): LintToken {
  switch (t.kind) {
    case 'word': return /^[0-9]/.test(t.text) ? { kind: 'number', value: t.text } : { kind: 'word', value: t.text.toLowerCase() }
    case 'name': return { kind: 'ident', value: t.text.slice(1, -1).replace(/""/g, '"') }
    case 'string': return { kind: 'string', value: t.text.slice(1, -1).replace(/''/g, "'") }
    case 'body': return { kind: 'string', value: t.text.slice(2, -2) }
    case 'semi': return { kind: 'punct', value: ';' }
    case 'punct': return { kind: 'punct', value: t.text }
  }
}

/** One statement's tokens for lint rules: comments dropped, `${name}` placeholders folded into identifiers (computed once per text). */
export const cqlLintTokens = memoLintTokens(cqlLintTokensOf)

function cqlLintTokensOf(text: string): LintToken[] {
  try {
    return foldPlaceholders(cqlTokens(text).map(toLint))
  } catch {
    return [] // unterminated input: the splitter already refused the file, nothing to lint
  }
}

/** The rule ids a file's `strata:lint-disable` comments name (undefined when it has none). */
export function cqlLintDisable(source: string): string[] | undefined {
  try {
    return collectLintDisable(cqlComments(source))
  } catch {
    return undefined // the splitter reports the syntax error with its position
  }
}
