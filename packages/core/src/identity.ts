import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'

export const TOOL_VERSION = '0.1.0'

/** host:pid, recorded as applied_by in history. */
export function appliedByHere(): string {
  return `${hostname()}:${process.pid}`
}

/** A lock owner unique to this Migrator instance, readable by an operator. */
export function newOwnerId(): string {
  return `${appliedByHere()}:${randomUUID().slice(0, 8)}`
}
