import { RequestSyntaxError, toRequest } from './requests.js'

/** 1-based line of a character offset. */
const lineAt = (source: string, offset: number): number => source.slice(0, offset).split('\n').length

/** The offset JSON.parse's message names ("at position 12" on Node 20; "(line 2 column 5)" on Node 22+). */
function errorLine(source: string, message: string): number | undefined {
  const line = /line (\d+) column/.exec(message)?.[1]
  if (line) return Number(line)
  const pos = /at position (\d+)/.exec(message)?.[1]
  return pos === undefined ? undefined : lineAt(source, Number(pos))
}

/** Offset just past the JSON value starting at i (source already known to be valid JSON). */
function skipValue(s: string, i: number): number {
  let depth = 0
  for (; i < s.length; i++) {
    const c = s[i]
    if (c === '"') {
      for (i++; s[i] !== '"'; i++) if (s[i] === '\\') i++
      if (depth === 0) return i + 1
    } else if (c === '{' || c === '[') depth++
    else if (c === '}' || c === ']') {
      if (depth === 0) return i // the array's end, right after a scalar element
      if (--depth === 0) return i + 1
    } else if (depth === 0 && (c === ',' || /\s/.test(c as string))) return i
  }
  // Unreached (no test takes it): the source is valid JSON, so every element ends before the text does.
  return i
}

/** Start offsets of the elements of the top-level array that begins at `open`. */
function elementOffsets(s: string, open: number): number[] {
  const out: number[] = []
  let i = open + 1
  for (;;) {
    while (/[\s,]/.test(s[i] ?? '')) i++
    if (s[i] === ']' || i >= s.length) return out
    out.push(i)
    i = skipValue(s, i)
  }
}

/**
 * A .json migration → its statements: one request object, or an array of them run in order. Each statement is
 * the request as compact JSON (what the journal hashes and `up --dry-run` shows), with the line it starts on.
 * Placeholders stay as written (`${prefix}` inside strings): they are substituted in the statement text at run
 * time, as for .cql/.sql. Throws (core reports E_PARSE naming the file) on invalid JSON, an unknown operation
 * or a request without TableName, before anything runs.
 */
export function splitJsonRequests(source: string): { text: string; line: number }[] {
  let value: unknown
  try {
    value = JSON.parse(source)
  } catch (err) {
    const message = (err as Error).message
    const line = errorLine(source, message)
    throw new RequestSyntaxError(`invalid JSON${line ? ` at line ${line}` : ''}: ${message}`)
  }
  const start = source.search(/\S/)
  if (!Array.isArray(value)) {
    toRequest(value, 'the request')
    return [{ text: JSON.stringify(value), line: lineAt(source, start) }]
  }
  if (!value.length) throw new RequestSyntaxError('the file is an empty array: give at least one request')
  const offsets = elementOffsets(source, start)
  return value.map((v, i) => {
    const line = lineAt(source, offsets[i] ?? start)
    toRequest(v, `request ${i + 1} (line ${line})`)
    return { text: JSON.stringify(v), line }
  })
}
