import { readFileSync } from 'node:fs'
import type { ConnectionOptions as TlsOptions } from 'node:tls'
import type { ClientConfig } from 'pg'
import { StrataError, messageOf } from '@strata-migrate/core/adapter-kit'
import { scrubSecrets } from './pg-errors.js'

/**
 * libpq's sslmode values. `prefer` (libpq's default) and `allow` try TLS without verifying the server and fall back
 * to plaintext only when the server says it has no TLS (probe-server.ts): never silently plaintext to a TLS server.
 */
export type SslMode = 'disable' | 'allow' | 'prefer' | 'require' | 'verify-ca' | 'verify-full'

/** Where and as whom to connect. Explicit fields override what the URL says. */
export interface ConnectionOptions {
  /** `postgresql://user:password@host:port/database?sslmode=verify-full&sslrootcert=/ca.crt` (also `postgres://`, `cockroachdb://`). */
  url?: string
  host?: string
  /** Default 26257 (CockroachDB), or 5432 for a postgres:// URL. */
  port?: number
  database?: string
  /** Default `root` (CockroachDB), or `postgres` for a postgres:// URL. */
  user?: string
  /** Never logged; scrubbed from every error message. */
  password?: string
  sslmode?: SslMode
  /** Paths of PEM files, as libpq names them. */
  sslrootcert?: string
  sslcert?: string
  sslkey?: string
  /** The name the server certificate must carry when it differs from the host (verify-full; also SNI). */
  servername?: string
  /** PEM contents, instead of paths. */
  ca?: string | Buffer
  cert?: string | Buffer
  key?: string | Buffer
  /** Sent as application_name (default 'strata'). */
  applicationName?: string
  /** Startup `options` parameter, e.g. CockroachDB Cloud's `--cluster=name`. */
  options?: string
  connectTimeoutMs?: number
}

/** Resolved connection settings: a pg config plus what messages may show. */
export interface ResolvedConnection {
  readonly config: ClientConfig
  readonly database: string
  /** `user@host:port/database`, safe for messages. */
  readonly endpoint: string
  readonly secrets: readonly string[]
  /** sslmode prefer/allow: when the server has no TLS, connect again in plaintext (libpq does the same). */
  readonly plaintextFallback: boolean
}

const SSL_MODES: readonly SslMode[] = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full']
const URL_PARAMS = new Set(['sslmode', 'sslrootcert', 'sslcert', 'sslkey', 'application_name', 'connect_timeout', 'options', 'host', 'port', 'user', 'password', 'dbname'])

function configError(message: string, secrets: readonly (string | undefined)[]): StrataError {
  return new StrataError('E_CONFIG', scrubSecrets(message, secrets))
}

/** Parses a connection URL; query parameters use libpq's names. */
function fromUrl(url: string, secrets: (string | undefined)[]): ConnectionOptions & { defaultPort: number; defaultUser: string } {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    // An unparseable URL is not echoed at all: which part of it is the password cannot be known.
    throw configError('invalid connection URL (not shown, it may contain a password); expected postgresql://user:password@host:port/database', secrets)
  }
  const scheme = u.protocol.replace(/:$/, '')
  if (!['postgres', 'postgresql', 'cockroachdb'].includes(scheme)) {
    throw configError(`unsupported connection URL scheme "${scheme}:" (use postgresql:// or cockroachdb://)`, secrets)
  }
  const pg = scheme !== 'cockroachdb'
  const dec = (s: string): string => decodeURIComponent(s)
  const password = u.password ? dec(u.password) : undefined
  secrets.push(password)
  const out: ConnectionOptions & { defaultPort: number; defaultUser: string } = {
    defaultPort: pg ? 5432 : 26257,
    defaultUser: pg ? 'postgres' : 'root',
    host: u.hostname ? dec(u.hostname.replace(/^\[(.*)\]$/, '$1')) : undefined,
    port: u.port ? Number(u.port) : undefined,
    user: u.username ? dec(u.username) : undefined,
    password,
    database: u.pathname.length > 1 ? dec(u.pathname.slice(1)) : undefined,
  }
  for (const [k, v] of u.searchParams) {
    if (!URL_PARAMS.has(k)) throw configError(`unsupported connection URL parameter "${k}"`, secrets)
    if (k === 'sslmode') out.sslmode = v as SslMode
    else if (k === 'sslrootcert' || k === 'sslcert' || k === 'sslkey' || k === 'options' || k === 'host') out[k] = v
    else if (k === 'application_name') out.applicationName = v
    else if (k === 'connect_timeout') out.connectTimeoutMs = Number(v) * 1000
    else if (k === 'port') out.port = Number(v)
    else if (k === 'user') out.user = v
    else if (k === 'dbname') out.database = v
    else if (k === 'password') secrets.push((out.password = v))
  }
  return out
}

function readPem(path: string | undefined, what: string, secrets: readonly (string | undefined)[]): Buffer | undefined {
  if (!path) return undefined
  try {
    return readFileSync(path)
  } catch (err) {
    throw configError(`cannot read ${what} file ${path}: ${messageOf(err)}`, secrets)
  }
}

/** Maps libpq's sslmode to node's TLS options (pg's own mapping of URL sslmode warns on the console). */
function tlsOptions(o: ConnectionOptions, secrets: readonly (string | undefined)[]): false | TlsOptions {
  // libpq's default is prefer: TLS when the server offers it.
  const mode = o.sslmode ?? 'prefer'
  if (!SSL_MODES.includes(mode)) throw configError(`invalid sslmode "${mode}" (one of ${SSL_MODES.join(', ')})`, secrets)
  if (mode === 'disable') return false
  if (mode === 'allow' || mode === 'prefer') return { rejectUnauthorized: false }
  const ca = o.ca ?? readPem(o.sslrootcert, 'sslrootcert', secrets)
  const cert = o.cert ?? readPem(o.sslcert, 'sslcert', secrets)
  const key = o.key ?? readPem(o.sslkey, 'sslkey', secrets)
  const tls: TlsOptions = { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}), ...(o.servername ? { servername: o.servername } : {}) }
  // libpq: `require` with a root certificate behaves like verify-ca (docs "SSL Support", table 34.1).
  const effective = mode === 'require' && ca ? 'verify-ca' : mode
  if (effective === 'require') return { ...tls, rejectUnauthorized: false }
  if (effective === 'verify-ca') return { ...tls, rejectUnauthorized: true, checkServerIdentity: () => undefined }
  return { ...tls, rejectUnauthorized: true }
}

/** Merges URL and explicit options into a pg config; throws E_CONFIG on bad input, never echoing the password. */
export function resolveConnection(opts: ConnectionOptions): ResolvedConnection {
  const secrets: (string | undefined)[] = [opts.password]
  const fromU = opts.url ? fromUrl(opts.url, secrets) : { defaultPort: 26257, defaultUser: 'root' }
  const pick = <K extends keyof ConnectionOptions>(k: K): ConnectionOptions[K] => opts[k] ?? (fromU as ConnectionOptions)[k]
  const database = pick('database')
  if (!database) throw configError('no database given (put it in the URL path or the database option)', secrets)
  const host = pick('host') ?? 'localhost'
  const port = pick('port') ?? fromU.defaultPort
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw configError(`invalid port "${String(port)}"`, secrets)
  const user = pick('user') ?? fromU.defaultUser
  const merged: ConnectionOptions = {
    sslmode: pick('sslmode'), sslrootcert: pick('sslrootcert'), sslcert: pick('sslcert'), sslkey: pick('sslkey'),
    ca: opts.ca, cert: opts.cert, key: opts.key, servername: opts.servername,
  }
  const password = pick('password')
  const options = pick('options')
  const config: ClientConfig = {
    host, port, user, database,
    // Always a function: with no password pg would read PGPASSWORD and ~/.pgpass (and warn on the
    // console about pgpass, pg/lib/client.js); adapters take their settings only from their options.
    password: () => password ?? '',
    ssl: tlsOptions(merged, secrets),
    application_name: pick('applicationName') ?? 'strata',
    connectionTimeoutMillis: pick('connectTimeoutMs') ?? 10_000,
    keepAlive: true,
    ...(options ? { options } : {}),
  }
  const sslmode = merged.sslmode ?? 'prefer'
  return {
    config, database, endpoint: `${user}@${host}:${port}/${database}`, secrets: secrets.filter((s): s is string => !!s),
    plaintextFallback: sslmode === 'prefer' || sslmode === 'allow',
  }
}

/** The same settings pointed at another database (the maintenance database for CREATE DATABASE). */
export function withDatabase(conn: ResolvedConnection, database: string): ResolvedConnection {
  const { user, host, port } = conn.config
  return { ...conn, database, config: { ...conn.config, database }, endpoint: `${user}@${host}:${port}/${database}` }
}
