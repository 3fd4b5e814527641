/**
 * The per-file lint switch: a comment `-- strata:lint-disable <rule>[, <rule>…]` (or `// …`, `/* … *\/`)
 * anywhere in the file silences the named rules for that whole file; text after ` -- ` is a reason, for readers.
 * Adapters find the comments with their own lexers (so text inside strings never counts) and hand each
 * comment's text to parseLintDisable.
 */
const DIRECTIVE = /^(?:--|\/\/|\/\*)\s*strata:lint-disable\b([\s\S]*?)(?:\*\/)?\s*$/i

/**
 * The rule ids named by one comment, or undefined when the comment is no lint directive. A directive that
 * names no rule gives [] (reported as such by the engine: disabling everything is not offered).
 */
export function parseLintDisable(comment: string): string[] | undefined {
  const m = DIRECTIVE.exec(comment.trim())
  if (!m) return undefined
  const ids = (m[1] as string).split(/\s--\s/)[0] as string
  return ids.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean)
}

/** The ids of every lint-disable comment of a file ('' for a comment naming none); undefined when there is none. */
export function collectLintDisable(comments: Iterable<string>): string[] | undefined {
  let out: string[] | undefined
  for (const c of comments) {
    const ids = parseLintDisable(c)
    if (ids === undefined) continue
    out ??= []
    out.push(...(ids.length ? ids : ['']))
  }
  return out
}
