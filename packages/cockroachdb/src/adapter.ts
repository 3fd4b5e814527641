import { randomBytes } from 'node:crypto'
import pg from 'pg'
import {
  DEFAULT_RETRY, StrataError, withRetry,
  type Adapter, type AdapterCapabilities, type BackupSupport, type DestructiveEffect, type AdapterLint, type AtomicApply, type CapturedSchema, type Fence, type FileDirectives, type ExecResult,
  type RetryPolicy, type SchemaSnapshot, type ScratchTarget, type StatementTraits, type TopologyInfo, type TransactionScope,
} from '@strata-migrate/core/adapter-kit'
import { resolveConnection, type ConnectionOptions, type ResolvedConnection } from './connection-options.js'
import { createDatabase, createSchema, dropDatabase, MAINTENANCE_DATABASES, schemaExists } from './create-target.js'
import { probeServerPool } from './probe-server.js'
import type { Dialect, ServerInfo } from './dialect.js'
import { PgHistoryStore, fencedWriteSql, inlineParams, isFenced, runFenced } from './history-store.js'
import { validateIdentifier } from './identifiers.js'
import { introspectSchema } from './introspect.js'
import { captureCockroach } from './crdb-capture.js'
import { readPgCatalog } from './pg-catalog.js'
import { pgDdl, pgModel } from './pg-schema-model.js'
import { PgSnapshotStore } from './snapshot-store.js'
import { readTopology } from './topology.js'
import { bindKnex, createKnex, type Knex } from './knex-factory.js'
import { PgLeaseStore } from './lease-store.js'
import { sqlRejected, sqlTraits } from './sql-traits.js'
import { PgStatementError, classifyPgError, isConnectionError, isSerializationFailure, toConnectionError } from './pg-errors.js'
import { tableNames, type TableNames } from './schema-tables.js'
import { sessionSetup, sessionStatements, type SessionOptions } from './session-setup.js'
import { sqlBackupSupport } from './backup-support.js'
import { sqlDestructive } from './destructive.js'
import { splitSql } from './sql-splitter.js'
import { sqlDirectives, sqlLintRules } from './lint/index.js'
import { sqlRunner, type SqlRunner } from './sql-runner.js'
import { isDdl } from './statement-kind.js'

export interface CockroachAdapterOptions extends ConnectionOptions {
  /** Schema holding strata_history/strata_lock and, via search_path, unqualified migration objects (default 'public'). */
  schema?: string
  /** Use the CockroachDB code path (no transactional DDL, per-statement journal) on PostgreSQL too. */
  forcePerStatement?: boolean
  /** Databases to connect to for CREATE DATABASE (default: postgres, then defaultdb). */
  maintenanceDatabases?: readonly string[]
  /** Pool size (default 4). */
  poolSize?: number
  /** PostgreSQL 14+ client_connection_check_interval, ms (default 1000; 0 leaves the server default). */
  connectionCheckIntervalMs?: number
  /** Backoff for 40001/40003 retries of history writes and lease statements. */
  retry?: Partial<RetryPolicy>
}

/** Handles a code migration receives in its context (besides ctx.execute). */
export interface CockroachCodeHandles {
  /** The pool outside a transaction; the transaction's client inside one. Both have `query()`. */
  readonly client: pg.Pool | pg.PoolClient
  readonly pool: pg.Pool
  /** A knex query builder; inside a transaction every query joins it. Created on first use. */
  readonly knex: Knex
  readonly dialect: Dialect
  readonly schema: string
}

const noop = (): void => {}

/** The Strata adapter for CockroachDB, and for PostgreSQL (where DDL is transactional). */
export class CockroachAdapter implements Adapter {
  readonly name = 'cockroachdb'
  readonly dialect = 'sql' as const
  readonly capabilities: AdapterCapabilities
  /** The SQL lint rules `up` runs on pending files, for the server flavour probed at connect (docs/lint.md). */
  get lint(): AdapterLint {
    return { rules: sqlLintRules, server: this.server.dialect }
  }
  readonly history: PgHistoryStore
  readonly lock: PgLeaseStore
  readonly snapshots: PgSnapshotStore
  readonly backup: BackupSupport
  readonly pool: pg.Pool
  private readonly run: SqlRunner
  private readonly tables: TableNames
  private readonly retryPolicy: RetryPolicy
  private readonly setup: (run: (sql: string) => Promise<unknown>) => Promise<void>
  private session?: Promise<pg.PoolClient>
  private knexInstance?: Knex
  private closing?: Promise<void>
  /** Set by createCockroachAdapter when its probe connected to the database itself. */
  databaseKnownToExist = false

  /** Use createCockroachAdapter(): it probes the server through the pool's first connection. */
  constructor(
    private readonly conn: ResolvedConnection,
    readonly server: ServerInfo,
    readonly schema: string,
    private readonly opts: CockroachAdapterOptions,
    pool: pg.Pool,
  ) {
    this.capabilities = { transactionalDdl: server.dialect === 'postgresql' && !opts.forcePerStatement, schemaAgreement: false }
    this.retryPolicy = { ...DEFAULT_RETRY, ...opts.retry }
    this.setup = sessionSetup(sessionStatements(server, sessionOptions(schema, opts)))
    this.pool = pool
    const t = (this.tables = tableNames(schema))
    this.run = sqlRunner(this.pool, { endpoint: conn.endpoint, secrets: conn.secrets, retry: this.retryPolicy })
    this.history = new PgHistoryStore(this.run, t)
    this.lock = new PgLeaseStore(this.run, t)
    this.snapshots = new PgSnapshotStore(this.run, t)
    this.backup = sqlBackupSupport({ pool: this.pool, run: this.run, schema })
  }

  /** DROP TABLE/COLUMN, TRUNCATE, type changes and overwriting DML, with the tables whose rows they change. */
  destructive(text: string): DestructiveEffect | undefined {
    return sqlDestructive(text, this.schema)
  }

  /** `user@host:port/database`, never with the password. */
  get endpoint(): string {
    return this.conn.endpoint
  }

  /** Splits a .sql file into statements (comments, quotes, E'' strings and dollar-quoted bodies respected). */
  split(source: string): { text: string; line: number }[] {
    return splitSql(source)
  }

  /** Reads `-- strata:no-transaction` from the comments before the first statement, and `strata:lint-disable` comments. */
  directives(source: string): FileDirectives {
    return sqlDirectives(source)
  }

  /**
   * How a statement behaves if sent again, and whether it may share a transaction with its journal write:
   * on PostgreSQL any statement allowed in a transaction block; on CockroachDB (and forcePerStatement) no DDL.
   */
  traits(text: string): StatementTraits {
    return sqlTraits(text, { schema: this.schema, ddlInTransactions: this.capabilities.transactionalDdl, isDdl })
  }

  /** The server refused the statement (any SQLSTATE but connection loss, shutdown or "result is ambiguous"). */
  rejected(err: unknown): boolean {
    return sqlRejected(err)
  }

  /** Environment failures with their own codes (TLS, auth, connection, permission, resources, Strata's tables broken). */
  classifyError(err: unknown): StrataError | undefined {
    return classifyPgError(err, this.conn.endpoint, this.conn.secrets)
  }

  /** Creates the database (via a maintenance database) and the schema if missing; safe to run concurrently. */
  async createTarget(): Promise<string | undefined> {
    this.assertOpen()
    // The probe already connected to this database: no maintenance connection (a TCP + SCRAM handshake) needed.
    const database = !this.databaseKnownToExist && (await createDatabase(this.conn, this.opts.maintenanceDatabases ?? MAINTENANCE_DATABASES))
    this.databaseKnownToExist = true
    const schema = await createSchema(this.run, this.schema, this.conn)
    const made = [database ? `database ${this.conn.database}` : '', schema ? `schema ${this.schema}` : ''].filter(Boolean)
    return made.length ? made.join(' and ') : undefined
  }

  /** What createTarget() would create: the database (when the probe did not find it) and a schema other than public. Read-only. */
  async missingTarget(): Promise<string | undefined> {
    this.assertOpen()
    if (!this.databaseKnownToExist) return `database ${this.conn.database}${this.schema === 'public' ? '' : ` and schema ${this.schema}`}`
    return this.schema === 'public' || (await schemaExists(this.run, this.schema)) ? undefined : `schema ${this.schema}`
  }

  /**
   * Runs one statement in its own implicit transaction on the adapter's session connection. On
   * CockroachDB a DDL statement returns only after its schema-change job finished (docs "Online Schema
   * Changes"), so its duration is reported as agreementWaitMs. A 40001 outside an explicit transaction
   * aborted the implicit one, so the statement is sent again.
   */
  async execute(text: string, opts: { signal?: AbortSignal; params?: readonly unknown[] } = {}): Promise<ExecResult> {
    this.assertOpen()
    if (opts.signal?.aborted) throw opts.signal.reason
    const client = await this.sessionClient()
    const t0 = performance.now()
    try {
      const params = opts.params ? [...opts.params] : undefined
      await withRetry(() => client.query(text, params), (err) => isSerializationFailure(err) && client.getTransactionStatus() === 'I', this.retryPolicy, opts.signal)
    } catch (err) {
      if (isConnectionError(err)) this.dropSession(client, err)
      // A failure inside a file's own BEGIN leaves the session in an aborted transaction; reset it so
      // the next run on this adapter does not start with "current transaction is aborted" (25P02).
      else if (client.getTransactionStatus() !== 'I') await client.query('ROLLBACK').catch(noop)
      throw new PgStatementError(err, text)
    }
    return !this.capabilities.transactionalDdl && isDdl(text) ? { agreementWaitMs: Math.round(performance.now() - t0) } : {}
  }

  /**
   * PostgreSQL only: fn (a migration's statements, or its code, and its history row) in one transaction on
   * one pooled client; COMMIT when fn resolves, ROLLBACK when it rejects. tx.write is fenced like every
   * history write. Not offered on CockroachDB, where autocommit_before_ddl (default on since v25.1) commits
   * before each DDL and breaks atomicity.
   */
  async transaction<T>(fn: (tx: TransactionScope) => Promise<T>, fence: Fence): Promise<T> {
    this.assertOpen()
    if (!this.capabilities.transactionalDdl) {
      throw new StrataError('E_CONFIG', `transactional DDL is not available on ${this.server.dialect}${this.opts.forcePerStatement ? ' with forcePerStatement' : ''}`)
    }
    return this.withClient(async (client) => {
      await client.query(this.beginSql(fence))
      let knex: Knex | undefined
      const handles = (): CockroachCodeHandles => this.handles(client, () => (knex ??= bindKnex(client, this.server)))
      const inTx = sqlRunner(client, { endpoint: this.conn.endpoint, secrets: this.conn.secrets })
      const scope: TransactionScope = {
        execute: async (text, params) => {
          try {
            await client.query(text, params ? [...params] : undefined)
          } catch (err) {
            throw new PgStatementError(err, text)
          }
          return {}
        },
        write: (w) => runFenced(inTx, fencedWriteSql(this.tables, w, fence)),
        codeContext: handles as unknown as () => Record<string, unknown>,
      }
      const result = await fn(scope)
      await client.query('COMMIT')
      return result
    })
  }

  /**
   * Statements and their fenced history write in ONE transaction on the session connection, as ONE
   * simple-protocol query: BEGIN; statements; fenced write; COMMIT (statements are joined with a newline
   * before each `;` so a trailing `--` comment cannot swallow it). A fenced-out write raises inside, so the
   * COMMIT only rolls back. Inside a transaction a no-transaction file opened itself (its own BEGIN), the
   * statement and its journal write join that transaction instead. With parameters (a code migration's call)
   * it takes four round trips. On CockroachDB a serialization failure (40001) is retried: nothing committed.
   */
  async applyAtomically(req: AtomicApply): Promise<'committed' | 'fenced'> {
    this.assertOpen()
    const client = await this.sessionClient()
    const write = fencedWriteSql(this.tables, req.write, req.fence)
    const joined = client.getTransactionStatus() === 'T'
    const once = async (): Promise<void> => {
      if (req.params && req.params.length > 0) {
        if (!joined) await client.query(this.beginSql(req.fence))
        await client.query(req.statements[0] as string, [...req.params])
        await client.query(write.text, write.params)
        if (!joined) await client.query('COMMIT')
        return
      }
      const parts = [...req.statements, inlineParams(write)]
      await client.query((joined ? parts : [this.beginSql(req.fence), ...parts, 'COMMIT']).join('\n;\n'))
    }
    try {
      await withRetry(async () => {
        try {
          await once()
        } catch (err) {
          if (isConnectionError(err)) this.dropSession(client, err)
          else if (client.getTransactionStatus() !== 'I') await client.query('ROLLBACK').catch(noop)
          throw err
        }
      }, (err) => !joined && !isConnectionError(err) && isSerializationFailure(err), this.retryPolicy)
      return 'committed'
    } catch (err) {
      if (isFenced(err)) return 'fenced'
      throw new PgStatementError(err, req.statements.length === 1 ? (req.statements[0] as string) : '')
    }
  }

  /**
   * BEGIN, and on PostgreSQL a bound on idling inside it: a holder stopped mid-transaction (SIGSTOP, a VM
   * pause) would otherwise hold its row locks, and make the next lease holder wait, until it resumes.
   */
  private beginSql(fence: Fence): string {
    return this.server.dialect === 'postgresql' ? `BEGIN;\nSET LOCAL idle_in_transaction_session_timeout = ${Math.ceil(fence.ttlMs)}` : 'BEGIN'
  }

  /** fn on one pooled client; any error rolls back an open transaction (a failed ROLLBACK discards the client). */
  private async withClient<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.checkout()
    let broken: Error | undefined
    try {
      return await fn(client)
    } catch (err) {
      await client.query('ROLLBACK').catch((e: Error) => (broken = e))
      throw err
    } finally {
      client.off('error', noop)
      client.release(broken)
    }
  }

  /** Handles for code migrations outside a transaction: the pool and a lazily created knex. */
  codeContext(): Record<string, unknown> {
    return this.handles(this.pool, () => this.knex()) as unknown as Record<string, unknown>
  }

  /** Tables (with columns and types), indexes and views of the schema, without strata_ tables. */
  /**
   * The schema's DDL and detailed model. PostgreSQL: one catalog query (pg_dump is not at hand), DDL rebuilt
   * from it. CockroachDB: `SHOW CREATE ALL TABLES` and information_schema, in parallel. Read-only.
   */
  async captureSchema(opts: { ddl?: boolean } = {}): Promise<CapturedSchema> {
    this.assertOpen()
    if (this.server.dialect === 'cockroachdb') return captureCockroach(this.run, this.schema, opts)
    const catalog = await readPgCatalog(this.run, this.schema)
    return { format: 'sql', ddl: opts.ddl === false ? '' : pgDdl(catalog), schema: pgModel(catalog), source: 'catalog', serverVersion: this.server.version }
  }

  async introspect(): Promise<SchemaSnapshot> {
    this.assertOpen()
    return introspectSchema(this.run, this.schema, this.server.dialect)
  }

  /** The database and, on CockroachDB, its zone's num_replicas and active nodes (for `recommendations`). Read-only. */
  async topology(): Promise<TopologyInfo> {
    this.assertOpen()
    return readTopology(this.run, this.server)
  }

  get targetName(): string {
    return this.conn.database
  }

  /**
   * A throwaway database beside this one, same server and settings, for validate's replay; the replay creates it
   * (createTarget) and drop() removes it. Databases are separate in PostgreSQL, so a replay cannot touch this one.
   */
  async scratch(): Promise<ScratchTarget> {
    this.assertOpen()
    const database = `strata_scratch_${randomBytes(6).toString('hex')}`
    const adapter = await createCockroachAdapter({ ...this.opts, database, poolSize: 2 })
    const maintenance = this.opts.maintenanceDatabases ?? MAINTENANCE_DATABASES
    return {
      adapter,
      placeholders: {},
      drop: async () => {
        await adapter.close()
        await dropDatabase(this.conn, maintenance, database, this.server.dialect === 'cockroachdb')
      },
    }
  }

  /** Ends the session client, knex and the pool. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const session = this.session
      this.session = undefined
      if (session) {
        await session.then((c) => {
          c.off('error', noop)
          c.release()
        }, noop)
      }
      await this.knexInstance?.destroy().catch(noop)
      await this.pool.end().catch(noop)
    })()
    return this.closing
  }

  private handles(client: pg.Pool | pg.PoolClient, knex: () => Knex): CockroachCodeHandles {
    const { pool, server, schema } = this
    return { client, pool, dialect: server.dialect, schema, get knex() { return knex() } }
  }

  private knex(): Knex {
    this.assertOpen()
    return (this.knexInstance ??= createKnex(this.conn.config, this.server, this.setup))
  }

  private async checkout(): Promise<pg.PoolClient> {
    let client: pg.PoolClient
    try {
      client = await this.pool.connect()
    } catch (err) {
      throw toConnectionError(err, this.conn.endpoint, this.conn.secrets)
    }
    // A checked-out client has no pool listener; an 'error' event without one would crash the process.
    client.on('error', noop)
    return client
  }

  /** One connection for execute(), so that session settings in a no-transaction file carry over. */
  private sessionClient(): Promise<pg.PoolClient> {
    if (!this.session) {
      const s = this.checkout()
      this.session = s
      s.catch(() => {
        if (this.session === s) this.session = undefined
      })
    }
    return this.session
  }

  private dropSession(client: pg.PoolClient, err: unknown): void {
    this.session = undefined
    client.off('error', noop)
    client.release(err instanceof Error ? err : true)
  }

  private assertOpen(): void {
    if (this.closing) throw new StrataError('E_USAGE', 'the CockroachDB adapter is closed')
  }
}

function sessionOptions(schema: string, opts: CockroachAdapterOptions): SessionOptions {
  return { schema, connectionCheckIntervalMs: opts.connectionCheckIntervalMs ?? 1000 }
}

/** Connects, detects the dialect from `SELECT version()`, and returns the ready adapter. */
export async function createCockroachAdapter(opts: CockroachAdapterOptions): Promise<CockroachAdapter> {
  const schema = validateIdentifier(opts.schema ?? 'public', 'schema')
  const { pool, server, databaseExists, conn } = await probeServerPool(resolveConnection(opts), { max: opts.poolSize ?? 4, session: sessionOptions(schema, opts) }, opts.maintenanceDatabases ?? MAINTENANCE_DATABASES)
  const adapter = new CockroachAdapter(conn, server, schema, opts, pool)
  adapter.databaseKnownToExist = databaseExists
  return adapter
}
