import type { LintToken } from './token-cursor.js'

/**
 * A statement's lint tokens computed once per process: a run reads them for lint, for the statement's traits
 * (resumable or not) and for the destructive-change check, and each pass tokenized the text again — a third of
 * apply-100's CPU on PostgreSQL (bench/profile.mjs). Bounded (oldest dropped first); the arrays are frozen, since
 * every caller shares them.
 */
export function memoLintTokens(tokenize: (text: string) => LintToken[], max = 4096): (text: string) => readonly LintToken[] {
  const cache = new Map<string, readonly LintToken[]>()
  return (text) => {
    const hit = cache.get(text)
    if (hit) return hit
    const tokens: readonly LintToken[] = Object.freeze(tokenize(text))
    if (cache.size >= max) cache.delete(cache.keys().next().value as string)
    cache.set(text, tokens)
    return tokens
  }
}
