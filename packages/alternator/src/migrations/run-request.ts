import {
  CreateTableCommand, DeleteItemCommand, DeleteTableCommand, DescribeTimeToLiveCommand, PutItemCommand, UpdateItemCommand,
  UpdateTableCommand, UpdateTimeToLiveCommand, type DynamoDBClient,
} from '@aws-sdk/client-dynamodb'
import type { ExecResult } from '@strata-migrate/core/adapter-kit'
import { parseRequest, type DynamoRequest, type Operation } from './requests.js'
import { gsiChange } from './statement-traits.js'
import { waitForTable, type IndexGoal } from './table-wait.js'

export interface RunContext {
  client: DynamoDBClient
  waitTimeoutMs: number
  signal?: AbortSignal
}

/** The SDK command of each operation; the input is the file's request as is (the server validates it). */
function commandOf(r: DynamoRequest): Parameters<DynamoDBClient['send']>[0] {
  const input = r.input as never
  const commands: Record<Operation, () => unknown> = {
    CreateTable: () => new CreateTableCommand(input), UpdateTable: () => new UpdateTableCommand(input), DeleteTable: () => new DeleteTableCommand(input),
    UpdateTimeToLive: () => new UpdateTimeToLiveCommand(input), PutItem: () => new PutItemCommand(input), UpdateItem: () => new UpdateItemCommand(input),
    DeleteItem: () => new DeleteItemCommand(input),
  }
  return commands[r.op]() as Parameters<DynamoDBClient['send']>[0]
}

/**
 * Whether an UpdateTimeToLive asks for what is already in effect. DynamoDB refuses to enable TTL twice
 * (ValidationException "TimeToLive is already enabled"), so a resumed run reads the state first and skips it.
 */
async function ttlInEffect(client: DynamoDBClient, r: DynamoRequest): Promise<boolean> {
  const spec = r.input.TimeToLiveSpecification as { Enabled?: boolean; AttributeName?: string } | undefined
  const d = (await client.send(new DescribeTimeToLiveCommand({ TableName: r.input.TableName }))).TimeToLiveDescription
  const status = d?.TimeToLiveStatus ?? 'DISABLED'
  if (spec?.Enabled) return (status === 'ENABLED' || status === 'ENABLING') && d?.AttributeName === spec.AttributeName
  return status === 'DISABLED' || status === 'DISABLING'
}

/**
 * A server's refusal says which: the SDK's message is the server's text alone ("No defined key schema…"), so the
 * exception's name (ValidationException, ResourceInUseException…) is put in front for the operator.
 */
function named(err: unknown): unknown {
  const e = err as { name?: string; message?: string; $metadata?: unknown }
  if (err instanceof Error && e.$metadata !== undefined && e.name && !err.message.startsWith(e.name)) err.message = `${e.name}: ${err.message}`
  return err
}

/**
 * Sends one rendered request and waits for its table to settle: before an UpdateTable/DeleteTable/UpdateTimeToLive
 * until the table is not mid-change (DynamoDB refuses a change to a table that is not ACTIVE with
 * ResourceInUseException; after a crash the previous change may still be running), after CreateTable/UpdateTable
 * until the table and every GSI are ACTIVE, after DeleteTable until it is gone. Item requests are not waited for.
 * The ms spent waiting are reported as agreementWaitMs. One attempt (the SDK's own retries of throttling aside).
 */
export async function runRequest(ctx: RunContext, text: string): Promise<ExecResult> {
  const r = parseRequest(text)
  const table = r.input.TableName
  const wait = (goal: 'active' | 'gone' | 'settled', index?: IndexGoal): Promise<number> =>
    waitForTable(ctx.client, table, goal, { timeoutMs: ctx.waitTimeoutMs, signal: ctx.signal, ...(index ? { index } : {}) })
  let waited = 0
  if (r.op === 'UpdateTable' || r.op === 'DeleteTable' || r.op === 'UpdateTimeToLive') waited += await wait('settled')
  if (r.op === 'UpdateTimeToLive' && (await ttlInEffect(ctx.client, r))) return { agreementWaitMs: waited }
  if (ctx.signal?.aborted) throw ctx.signal.reason
  try {
    await ctx.client.send(commandOf(r))
  } catch (err) {
    throw named(err)
  }
  // DescribeTable right after CreateTable may answer ResourceNotFound (eventually consistent): 'active' keeps
  // polling through that; after UpdateTable the GSI it creates or deletes is waited for by name.
  if (r.op === 'CreateTable') waited += await wait('active')
  else if (r.op === 'UpdateTable') waited += await wait('active', gsiChange(r.input))
  else if (r.op === 'DeleteTable') waited += await wait('gone')
  else if (r.op !== 'UpdateTimeToLive') return {}
  return { agreementWaitMs: waited }
}
