import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import type {
  Adapter, AdapterLint, CapturedSchema, ExecResult, HistoryStore, LeaseStore, SchemaSnapshot, SnapshotStore, StatementTraits, StrataError,
} from '@strata-migrate/core/adapter-kit'
import { createDynamoClient } from '../dynamo-client.js'
import { DEFAULT_WAIT_TIMEOUT_MS, type AlternatorAdapterOptions } from '../settings.js'
import { classifyAwsError } from './aws-errors.js'
import { captureTarget } from './capture.js'
import { DynamoHistoryStore } from './history-store.js'
import { introspectTarget } from './introspect.js'
import { splitJsonRequests } from './json-splitter.js'
import { DynamoLeaseStore } from './lease-store.js'
import { runRequest } from './run-request.js'
import { DynamoSnapshotStore } from './snapshot-store.js'
import { dynamoRejected, dynamoTraits } from './statement-traits.js'

/** Handles a code migration receives (core adds `execute`, `log`, `signal`…). */
export interface AlternatorCodeContext extends Record<string, unknown> {
  /** The adapter's AWS SDK v3 DynamoDBClient. */
  client: DynamoDBClient
  /** The target's table prefix (also the `prefix` placeholder). */
  prefix: string
}

/**
 * The DynamoDB-API adapter (ScyllaDB Alternator, DynamoDB Local, AWS DynamoDB): .json migrations of
 * CreateTable/UpdateTable/DeleteTable/UpdateTimeToLive (and item) requests; history, lease and snapshots in
 * `{prefix}strata_*` tables; a wait for ACTIVE after every table change.
 */
export class AlternatorAdapter implements Adapter {
  readonly name = 'alternator'
  readonly dialect = 'json' as const
  /**
   * No DDL transactions (a table change cannot join TransactWriteItems). schemaAgreement false: the DynamoDB API
   * exposes no nodes or schema versions to agree on; what it offers instead, a table's ACTIVE status, is waited for
   * inside execute() after each change.
   */
  readonly capabilities = { transactionalDdl: false, schemaAgreement: false } as const
  readonly lint: AdapterLint = { rules: [] }
  readonly history: HistoryStore
  readonly lock: LeaseStore
  readonly snapshots: SnapshotStore
  readonly prefix: string
  private readonly waitTimeoutMs: number
  private closed = false

  /** Use {@link createAlternatorAdapter}; this takes a client (the scripted one in unit tests). */
  constructor(readonly client: DynamoDBClient, private readonly o: AlternatorAdapterOptions & { now?: () => number } = {}) {
    this.prefix = o.tablePrefix ?? ''
    this.waitTimeoutMs = o.waitTimeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS
    const ctx = { client, prefix: this.prefix, waitTimeoutMs: this.waitTimeoutMs, ...(o.now ? { now: o.now } : {}) }
    this.history = new DynamoHistoryStore(ctx)
    this.lock = new DynamoLeaseStore(ctx)
    this.snapshots = new DynamoSnapshotStore(ctx)
  }

  /** A .json file → one statement per request (invalid JSON or an unknown operation throws: core's E_PARSE). */
  split(source: string, _file: string): { text: string; line: number }[] {
    return splitJsonRequests(source)
  }

  traits(text: string): StatementTraits {
    return dynamoTraits(text, this.prefix)
  }

  rejected(err: unknown): boolean {
    return dynamoRejected(err)
  }

  classifyError(err: unknown): StrataError | undefined {
    return classifyAwsError(err, this.o.endpoint ?? `the AWS endpoint of ${this.o.region ?? 'the default region'}`)
  }

  /** Runs one rendered request and waits for its table (and GSIs) to be ACTIVE, or gone. */
  async execute(text: string, opts: { signal?: AbortSignal; params?: readonly unknown[] } = {}): Promise<ExecResult> {
    if (opts.params?.length) throw new Error('a .json request takes no parameters: put the values in the request')
    return runRequest({ client: this.client, waitTimeoutMs: this.waitTimeoutMs, signal: opts.signal }, text)
  }

  /** `{ client, prefix }` for code migrations. */
  codeContext(): AlternatorCodeContext {
    return { client: this.client, prefix: this.prefix }
  }

  async introspect(): Promise<SchemaSnapshot> {
    return introspectTarget(this.client, this.prefix)
  }

  async captureSchema(opts: { ddl?: boolean } = {}): Promise<CapturedSchema> {
    return captureTarget(this.client, this.prefix, opts)
  }

  /** The table prefix stands for the keyspace; '' (no prefix) names no single object. */
  get targetName(): string | undefined {
    return this.prefix || undefined
  }

  /** Destroys the SDK client's sockets. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.client.destroy()
  }
}

/**
 * The adapter on a new DynamoDBClient. Nothing is sent yet: the first request (the history read) reports an
 * unreachable endpoint or refused credentials as E_CONNECTION / E_AUTH through classifyError.
 */
export async function createAlternatorAdapter(options: AlternatorAdapterOptions = {}): Promise<AlternatorAdapter> {
  // Three attempts, not the sweeps' eight: every write here is conditional or carries an idempotency token, and a
  // migration should fail fast on an unreachable endpoint.
  const client = createDynamoClient({
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.region ? { region: options.region } : {}),
    ...(options.credentials ? { credentials: options.credentials as never } : {}),
    maxAttempts: 3,
  })
  return new AlternatorAdapter(client, options)
}
