import { ENVIRONMENT_CODES, StrataError, isStrataError, messageOf } from '../errors.js'
import type { Migration } from '../types.js'

/** The longest piece of a statement an error message or a history row quotes. */
export const STATEMENT_EXCERPT_CHARS = 500

/** The statement as quoted in messages: whole when short, its start and size otherwise. */
export function excerpt(text: string, max = STATEMENT_EXCERPT_CHARS): string {
  if (text.length <= max) return text
  return `${text.slice(0, max)}… [${text.length - max} more characters]`
}

export const fileOf = (m: Migration, direction: 'up' | 'down'): string => (direction === 'down' ? (m.downFile ?? m.file) : m.file)

/**
 * Wraps a statement failure with the file, the 1-based statement number and (an excerpt of) its text. A failure
 * of the environment (quorum lost, a permission missing, the connection gone; `classify` is the adapter's
 * classifyError) keeps its own code, so it is never blamed on the migration.
 */
export function statementError(m: Migration, direction: 'up' | 'down', index: number, text: string, err: unknown, classify?: (err: unknown) => StrataError | undefined): StrataError {
  if (isStrataError(err) && err.code !== 'E_MIGRATION_FAILED') return err
  const file = fileOf(m, direction)
  const quoted = excerpt(text)
  const env = classify?.(err)
  if (env && ENVIRONMENT_CODES.has(env.code)) {
    return new StrataError(env.code, `${file}: statement ${index + 1} could not run: ${env.message}`, {
      version: m.version.raw, file, statementIndex: index + 1, statement: quoted, details: env.details, cause: err,
    })
  }
  return new StrataError('E_MIGRATION_FAILED', `${file}: statement ${index + 1} failed: ${messageOf(err)}\n  ${quoted.split('\n').join('\n  ')}`, {
    version: m.version.raw, file, statementIndex: index + 1, statement: quoted, cause: err,
  })
}

/** A code migration's own exception (not from one of its ctx.execute calls). */
export function codeError(m: Migration, direction: 'up' | 'down', calls: number, err: unknown): StrataError {
  return new StrataError('E_MIGRATION_FAILED', `${fileOf(m, direction)}: ${direction}() failed after ${calls} journaled statement${calls === 1 ? '' : 's'}: ${messageOf(err)}`, {
    version: m.version.raw, file: fileOf(m, direction), cause: err,
  })
}

/** A statement an interrupted run sent, whose effect cannot be checked: only the operator can say. */
export function ambiguousStatement(m: Migration, direction: 'up' | 'down', index: number, text: string): StrataError {
  const file = fileOf(m, direction)
  const v = m.version.raw
  return new StrataError('E_AMBIGUOUS_STATEMENT',
    `${file}: statement ${index + 1} was sent by an interrupted run, and whether it took effect cannot be checked ` +
    `(it is not idempotent and creates or drops no schema object): ${excerpt(text, 200)}\n` +
    `  Look at the data, then record what you found: \`strata resolve ${v} --applied\` if it took effect, ` +
    `\`strata resolve ${v} --not-applied\` if it did not; then run \`strata ${direction}\` again.`,
    { version: v, file, statementIndex: index + 1, statement: excerpt(text), details: { resolve: { version: v, statement: index + 1 } } })
}

/** Resolves with the work's result, or rejects as soon as the signal aborts (the server may still finish it). */
export async function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) throw signal.reason
  let onAbort: () => void = () => {}
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
  })
  work.catch(() => undefined)
  try {
    return await Promise.race([work, aborted])
  } finally {
    signal.removeEventListener('abort', onAbort)
  }
}
