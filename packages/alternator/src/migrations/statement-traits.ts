import type { StatementTraits } from '@strata-migrate/core/adapter-kit'
import { parseRequest, type DynamoRequest } from './requests.js'
import { indexName, relativeName } from './table-names.js'

const none: StatementTraits = { idempotent: false, transactional: false }

function request(text: string): DynamoRequest | undefined {
  try {
    return parseRequest(text)
  } catch {
    return undefined
  }
}

/** The one GSI an UpdateTable creates or deletes (DynamoDB takes one such change per UpdateTable call). */
export function gsiChange(input: Record<string, unknown>): { name: string; exists: boolean } | undefined {
  const updates = input.GlobalSecondaryIndexUpdates
  if (!Array.isArray(updates) || updates.length !== 1) return undefined
  const u = updates[0] as { Create?: { IndexName?: unknown }; Delete?: { IndexName?: unknown } }
  if (typeof u.Create?.IndexName === 'string') return { name: u.Create.IndexName, exists: true }
  if (typeof u.Delete?.IndexName === 'string') return { name: u.Delete.IndexName, exists: false }
  return undefined
}

/**
 * How a rendered request behaves if sent again after a crash (core's resume). Pure.
 * - CreateTable / DeleteTable: not idempotent (ResourceInUse / ResourceNotFound the second time), but checkable:
 *   the table's presence in introspect(). Likewise an UpdateTable creating or deleting one GSI (`table.index`).
 * - UpdateTimeToLive: idempotent, because execute() reads the TTL first and skips a request already in effect
 *   (DynamoDB refuses to enable TTL twice: ValidationException "TimeToLive is already enabled").
 * - Any other UpdateTable (billing mode, throughput, streams): neither; an interrupted one is for the operator.
 * - PutItem / DeleteItem without a condition: idempotent (absolute values); UpdateItem (ADD, list_append…) not.
 * Nothing is transactional: DynamoDB has no DDL transactions, and a table change cannot join TransactWriteItems.
 * Tables outside the target's prefix carry no effect: introspect() cannot see them.
 */
export function dynamoTraits(text: string, prefix: string): StatementTraits {
  const r = request(text)
  if (!r) return none
  const table = relativeName(r.input.TableName, prefix)
  switch (r.op) {
    case 'CreateTable':
    case 'DeleteTable':
      return table === undefined ? none : { ...none, effect: { kind: 'table', name: table, exists: r.op === 'CreateTable' } }
    case 'UpdateTable': {
      const gsi = gsiChange(r.input)
      return table === undefined || !gsi ? none : { ...none, effect: { kind: 'index', name: indexName(table, gsi.name), exists: gsi.exists } }
    }
    case 'UpdateTimeToLive':
      return { ...none, idempotent: true }
    case 'PutItem':
    case 'DeleteItem':
      return { ...none, idempotent: r.input.ConditionExpression === undefined && r.input.Expected === undefined }
    default:
      return none
  }
}

/** Service errors that prove the server refused the request (it did not run), as the SDK names them. */
const REFUSED = new Set([
  'ValidationException', 'ResourceInUseException', 'ResourceNotFoundException', 'ConditionalCheckFailedException',
  'AccessDeniedException', 'UnrecognizedClientException', 'InvalidSignatureException', 'MissingAuthenticationTokenException',
  'LimitExceededException', 'SerializationException', 'TransactionCanceledException', 'ProvisionedThroughputExceededException',
  'ThrottlingException', 'RequestLimitExceeded', 'RequestSyntaxError',
])

/** Whether a failed request surely did not take effect (the server refused it), not an unknown outcome (timeout, lost connection). */
export function dynamoRejected(err: unknown): boolean {
  return typeof err === 'object' && err !== null && REFUSED.has((err as { name?: string }).name ?? '')
}
