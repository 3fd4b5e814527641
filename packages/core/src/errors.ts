/**
 * Every failure Strata reports is a StrataError with a string-literal code. The CLI maps codes to exit
 * codes through EXIT_CODES, and packages/core/README.md lists both.
 */
export const EXIT_CODES = {
  E_MIGRATION_FAILED: 1,
  E_MIGRATION_TIMEOUT: 1,
  E_LOCK_LOST: 1,
  E_ABORTED: 1,
  /** SIGINT/SIGTERM: 130 for SIGINT, 143 for SIGTERM (128 + the signal's number; exitCodeOf reads details.signal). */
  E_INTERRUPTED: 130,
  E_USAGE: 2,
  E_CONFIG: 2,
  E_FILENAME: 2,
  E_FILE_UNREADABLE: 2,
  E_MODULE_INVALID: 2,
  E_PLACEHOLDER: 2,
  E_UNKNOWN_TARGET: 2,
  E_NO_DOWN: 2,
  E_EVOLUTION_INVALID: 2,
  E_NO_SNAPSHOT: 2,
  /** `backup show|restore <id>` names no backup in the backup directory. */
  E_NO_BACKUP: 2,
  /** A table is over the backup size guard: refused before the step changed anything; use the database's own snapshot. */
  E_BACKUP_TOO_LARGE: 2,
  /** Writing the backup failed (disk, permissions) or its `backup.command` exited non-zero: the step did not run. */
  E_BACKUP_FAILED: 1,
  /** A restore loaded rows whose count or digest differs from the manifest (or a file's hash differs). */
  E_RESTORE_VERIFY: 3,
  E_PARSE: 3,
  E_DUPLICATE_VERSION: 3,
  E_MIXED_SCHEMES: 3,
  E_CHECKSUM_MISMATCH: 3,
  E_MISSING_FILE: 3,
  E_OUT_OF_ORDER: 3,
  E_PARTIAL_EDITED: 3,
  E_ROLLBACK_INCOMPLETE: 3,
  /** Strata's own tables were changed by hand (a history column dropped): names the column and the repair. */
  E_HISTORY_CORRUPT: 3,
  E_VALIDATION: 3,
  E_LINT: 3,
  E_LOCK_TIMEOUT: 4,
  E_CONNECTION: 5,
  E_AUTH: 5,
  E_CLUSTER_UNHEALTHY: 5,
  /** Not enough replicas alive (or answering) for the consistency asked: quorum lost. Names the nodes down. */
  E_UNAVAILABLE: 5,
  /** TLS failed: the server's certificate could not be verified, its name does not match, or it wants TLS. */
  E_TLS: 5,
  /** The role lacks a permission (CREATE on the keyspace, SELECT/MODIFY on strata_history…), named. */
  E_PERMISSION: 5,
  E_INCOMPATIBLE_SCHEMA: 6,
  E_DOWNGRADE_REFUSED: 6,
  E_DOCUMENT_TOO_NEW: 6,
  E_DOCUMENT_TOO_OLD: 6,
  E_EVOLUTION_FAILED: 1,
  E_HISTORY_WRITE: 1,
  /** A statement an interrupted run sent has an outcome Strata cannot check: `strata resolve` records the operator's decision. */
  E_AMBIGUOUS_STATEMENT: 7,
} as const

export type StrataErrorCode = keyof typeof EXIT_CODES

export interface StrataErrorFields {
  version?: string
  file?: string
  /** 1-based statement number within its file. */
  statementIndex?: number
  statement?: string
  cause?: unknown
  details?: Record<string, unknown>
}

export class StrataError extends Error {
  readonly code: StrataErrorCode
  readonly version?: string
  readonly file?: string
  readonly statementIndex?: number
  readonly statement?: string
  readonly details?: Record<string, unknown>

  constructor(code: StrataErrorCode, message: string, fields: StrataErrorFields = {}) {
    super(message, fields.cause === undefined ? undefined : { cause: fields.cause })
    this.name = 'StrataError'
    this.code = code
    this.version = fields.version
    this.file = fields.file
    this.statementIndex = fields.statementIndex
    this.statement = fields.statement
    this.details = fields.details
  }

  get exitCode(): number {
    return EXIT_CODES[this.code]
  }

  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      message: this.message,
      version: this.version,
      file: this.file,
      statementIndex: this.statementIndex,
      statement: this.statement,
      details: this.details,
    }
  }
}

export function isStrataError(err: unknown, code?: StrataErrorCode): err is StrataError {
  return err instanceof StrataError && (code === undefined || err.code === code)
}

/** Failures of the environment (network, TLS, credentials, permissions, quorum), not of a migration. */
export const ENVIRONMENT_CODES: ReadonlySet<StrataErrorCode> = new Set(['E_CONNECTION', 'E_AUTH', 'E_TLS', 'E_PERMISSION', 'E_UNAVAILABLE', 'E_CLUSTER_UNHEALTHY'])

/** Exit code for any thrown value: StrataErrors by code, anything else is a migration failure (1). */
export function exitCodeOf(err: unknown): number {
  if (err instanceof StrataError && err.code === 'E_INTERRUPTED' && err.details?.signal === 'SIGTERM') return 143
  return err instanceof StrataError ? err.exitCode : 1
}

/** The message of an unknown thrown value, for history rows and logs. */
export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message
  return String(err)
}
