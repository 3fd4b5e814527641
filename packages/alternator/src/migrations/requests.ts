/**
 * The requests a .json migration holds: one `{ "<Operation>": { …the AWS API request… } }` object per statement.
 * Pure: parsing and checking only, no SDK import (the splitter runs before anything connects).
 */

/** Schema operations, waited for until the table and its indexes are ACTIVE (or gone). */
export const TABLE_OPERATIONS = ['CreateTable', 'UpdateTable', 'DeleteTable', 'UpdateTimeToLive'] as const
/** Item operations, for data migrations (seed rows, backfills): sent once, never waited for. */
export const ITEM_OPERATIONS = ['PutItem', 'UpdateItem', 'DeleteItem'] as const
export const OPERATIONS: readonly Operation[] = [...TABLE_OPERATIONS, ...ITEM_OPERATIONS]

export type Operation = (typeof TABLE_OPERATIONS)[number] | (typeof ITEM_OPERATIONS)[number]

/** One request: the operation and its AWS API input (TableName always present). */
export interface DynamoRequest {
  readonly op: Operation
  readonly input: Readonly<Record<string, unknown>> & { readonly TableName: string }
}

/** A request that cannot be run: the splitter reports it as E_PARSE, naming the file, statement and line. */
export class RequestSyntaxError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'RequestSyntaxError'
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Checks one parsed value as a request; throws RequestSyntaxError saying what is wrong and what is expected. */
export function toRequest(value: unknown, where = 'the request'): DynamoRequest {
  const expected = `one of ${OPERATIONS.map((o) => `{ "${o}": {…} }`).join(', ')}`
  if (!isObject(value)) throw new RequestSyntaxError(`${where} is not an object: expected ${expected}`)
  const keys = Object.keys(value)
  if (keys.length !== 1) throw new RequestSyntaxError(`${where} has ${keys.length} keys (${keys.join(', ') || 'none'}): expected exactly one operation, ${expected}`)
  const op = keys[0] as string
  if (!(OPERATIONS as readonly string[]).includes(op)) {
    throw new RequestSyntaxError(`${where}: unknown operation "${op}"; expected ${expected}`)
  }
  const input = value[op]
  if (!isObject(input)) throw new RequestSyntaxError(`${where}: the ${op} request must be an object (the AWS API request)`)
  if (typeof input.TableName !== 'string' || !input.TableName) throw new RequestSyntaxError(`${where}: the ${op} request has no "TableName" string`)
  return { op: op as Operation, input: input as DynamoRequest['input'] }
}

/**
 * A rendered statement (placeholders substituted) back to its request. Rendering substitutes text, so a value
 * that breaks the JSON (a quote in a placeholder) is caught here, before the request is sent.
 */
export function parseRequest(text: string): DynamoRequest {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    throw new RequestSyntaxError(`the statement is not valid JSON after placeholders were substituted (${(err as Error).message})`)
  }
  return toRequest(value)
}

export const isTableOperation = (op: Operation): boolean => (TABLE_OPERATIONS as readonly string[]).includes(op)
