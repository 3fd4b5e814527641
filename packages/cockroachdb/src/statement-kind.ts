/** Leading keywords of statements that change the schema (on CockroachDB: run as schema-change jobs). */
const DDL_KEYWORDS: ReadonlySet<string> = new Set(['create', 'alter', 'drop', 'truncate', 'comment', 'grant', 'revoke', 'reindex'])

/** The first keyword of a statement, skipping whitespace and comments. */
export function firstKeyword(text: string): string {
  let s = text
  for (;;) {
    const before = s
    s = s.replace(/^\s+/, '').replace(/^--[^\n]*(\n|$)/, '')
    if (s.startsWith('/*')) {
      const end = s.indexOf('*/')
      s = end < 0 ? '' : s.slice(end + 2)
    }
    if (s === before) break
  }
  return (/^[A-Za-z_]+/.exec(s)?.[0] ?? '').toLowerCase()
}

/** Whether a statement is DDL, i.e. on CockroachDB it returns only after its schema-change job finished. */
export function isDdl(text: string): boolean {
  return DDL_KEYWORDS.has(firstKeyword(text))
}
