import { StrataError, messageOf } from '@strata-migrate/core/adapter-kit'
import { JSON_SCHEMA_VERSION, type ErrorDocument, type ErrorFields } from './json-documents.js'

/** The printed text of a --json document (typed by the callers): `formatVersion` first, then the document's own fields. */
export function jsonText(doc: object): string {
  return `${JSON.stringify({ formatVersion: JSON_SCHEMA_VERSION, ...doc }, null, 2)}\n`
}

/** A thrown value as the `error` of the error document: a StrataError's fields, anything else as E_INTERNAL. */
export function errorFields(err: unknown): ErrorFields {
  if (!(err instanceof StrataError)) return { code: 'E_INTERNAL', message: messageOf(err) }
  return {
    code: err.code, message: err.message, version: err.version, file: err.file, statementIndex: err.statementIndex,
    statement: err.statement, details: err.details,
  }
}

/** The error document: what --json prints for a command that failed before it had a document of its own. */
export function errorDocumentText(err: unknown): string {
  const doc: ErrorDocument = { formatVersion: JSON_SCHEMA_VERSION, ok: false, error: errorFields(err) }
  return jsonText(doc)
}
