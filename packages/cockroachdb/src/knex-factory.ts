import { createRequire } from 'node:module'
import type { Knex } from 'knex'
import type { ClientConfig, PoolClient } from 'pg'
import type { ServerInfo } from './dialect.js'

export type { Knex }

// knex (with lodash, debug, …) takes ~90 ms to load; only code migrations that touch ctx.knex need it,
// so it is required on first use (knex is CommonJS, so a synchronous require keeps the getters synchronous).
const requireHere = createRequire(import.meta.url)
const knexLib = (config: Knex.Config): Knex => (requireHere('knex') as typeof import('knex')).knex(config)

/** knex logs pool and deprecation warnings on the console by default; adapters never print. */
const SILENT: Knex.Logger = { warn() {}, error() {}, deprecate() {}, debug() {} }

type SessionSetup = (run: (sql: string) => Promise<unknown>) => Promise<void>

function base(server: ServerInfo): Knex.Config {
  // knex has a CockroachDB dialect (knex/lib/dialects/cockroachdb) for its DDL builders; giving the
  // version stops knex from probing `select version()`, whose CockroachDB text its pg dialect cannot parse.
  return { client: server.dialect === 'cockroachdb' ? 'cockroachdb' : 'pg', version: server.version, log: SILENT }
}

/**
 * knex deep-clones its connection settings (lodash cloneDeep), which turns Buffers into plain objects: the client
 * certificate was lost and a mutual-TLS server refused knex's connections. PEM text survives the copy.
 */
function pemAsText(ssl: ClientConfig['ssl']): ClientConfig['ssl'] {
  if (!ssl || ssl === true) return ssl
  const text = (v: unknown): unknown => (Buffer.isBuffer(v) ? v.toString('utf8') : v)
  return { ...ssl, ca: text(ssl.ca) as string, cert: text(ssl.cert) as string, key: text(ssl.key) as string }
}

/** A knex instance with its own small pool on the adapter's connection settings and session setup. */
export function createKnex(config: ClientConfig, server: ServerInfo, setup: SessionSetup): Knex {
  return knexLib({
    ...base(server),
    connection: { ...config, ssl: pemAsText(config.ssl) } as Knex.PgConnectionConfig,
    pool: {
      min: 0,
      max: 2,
      afterCreate: (conn: { query(sql: string, cb: (err: Error | null) => void): void }, done: (err: Error | null, conn: unknown) => void) => {
        setup((sql) => new Promise<void>((resolve, reject) => conn.query(sql, (err) => (err ? reject(err) : resolve()))))
          .then(() => done(null, conn), (err: Error) => done(err, conn))
      },
    },
  })
}

/**
 * A knex instance whose every query runs on `client` (an open transaction) instead of a pool: knex's
 * connection hooks are replaced, so builders, knex.raw and knex.schema all join that transaction.
 */
export function bindKnex(client: PoolClient, server: ServerInfo): Knex {
  const k = knexLib(base(server))
  const c = k.client as { acquireConnection(): Promise<unknown>; releaseConnection(conn: unknown): Promise<void> }
  c.acquireConnection = async () => client
  c.releaseConnection = async () => {}
  return k
}
