import { createHash } from 'node:crypto'

/** CRLF and lone CR become LF, and a leading BOM is dropped, so checksums match across platforms. */
export function normalizeLf(text: string): string {
  return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n')
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex')
}

/** Checksum of a migration file: sha256 of its LF-normalised content. */
export function checksumOf(content: string): string {
  return sha256(normalizeLf(content))
}

/**
 * Hash of one statement, used by the per-statement journal. Whitespace runs are collapsed so that
 * re-indenting an applied statement is not an "edit"; anything else is.
 */
export function hashStatement(text: string): string {
  return sha256(normalizeLf(text).trim().replace(/\s+/g, ' ')).slice(0, 16)
}
