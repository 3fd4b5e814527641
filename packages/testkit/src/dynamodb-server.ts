import { execFile, spawn } from 'node:child_process'
import { closeSync, openSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import { DYNAMODB_LOCAL_MAIN, DYNAMODB_LOCAL_VERSION, ensureDynamoJars } from './dynamodb-jars.js'
import { findCassandraJava } from './java-home.js'
import { stateDir } from './paths.js'
import { isAlive, isOurProcess, portOpen, readPid, removeFile, sleep, tailFile, terminate, writePid } from './process-utils.js'
import { withStateLock } from './state-lock.js'

export const DYNAMODB_HOST = '127.0.0.1'
/** The region clients sign for; DynamoDB Local accepts any region and any credentials. */
export const DYNAMODB_REGION = 'us-east-1'

const home = () => stateDir('dynamodb')
const pidFile = () => path.join(home(), 'dynamodb.pid')
const logFile = () => path.join(home(), 'dynamodb.log')

/** The port: STRATA_DYNAMODB_PORT, else 8011. */
export function dynamoPort(): number {
  return Number(process.env.STRATA_DYNAMODB_PORT ?? 8011)
}

/** Endpoint URL of the local DynamoDB Local server. */
export function localDynamoEndpoint(): string {
  return `http://${DYNAMODB_HOST}:${dynamoPort()}`
}

export interface DynamoStatus {
  running: boolean
  pid?: number
  endpoint: string
  logFile: string
  /** Whether it answered a ListTables request. */
  answering?: boolean
}

async function ourPid(): Promise<number | undefined> {
  const pid = await readPid(pidFile())
  // Our state dir is on the JVM's command line (-Dstrata.dynamodb.home): a reused pid never matches.
  return pid !== undefined && isOurProcess(pid, `-Dstrata.dynamodb.home=${home()}`) ? pid : undefined
}

/**
 * Asks a DynamoDB-API endpoint for ListTables; resolves with the HTTP status and body, rejects when nothing
 * answers. The signature is a dummy: DynamoDB Local (and Alternator without enforced auth) ignore it.
 */
export async function dynamoListTables(endpoint: string, timeoutMs = 3000): Promise<{ status: number; body: string }> {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': 'DynamoDB_20120810.ListTables',
      authorization: `AWS4-HMAC-SHA256 Credential=strata/20200101/${DYNAMODB_REGION}/dynamodb/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: '{}',
    signal: AbortSignal.timeout(timeoutMs),
  })
  return { status: res.status, body: await res.text() }
}

export async function dynamoStatus(): Promise<DynamoStatus> {
  const pid = await ourPid()
  const status: DynamoStatus = { running: pid !== undefined, endpoint: localDynamoEndpoint(), logFile: logFile() }
  if (pid !== undefined) {
    status.pid = pid
    status.answering = await dynamoListTables(status.endpoint).then((r) => r.status === 200, () => false)
  }
  return status
}

const execFileAsync = promisify(execFile)

/** DynamoDB Local 3.x needs Java 17+: STRATA_DYNAMODB_JAVA_HOME, else the JDK 17 the kit picks for Cassandra. */
async function findJava17(): Promise<string> {
  const bin = process.env.STRATA_DYNAMODB_JAVA_HOME ? path.join(process.env.STRATA_DYNAMODB_JAVA_HOME, 'bin', 'java') : await findCassandraJava()
  const { stderr } = await execFileAsync(bin, ['-version'])
  const major = Number(/version "(\d+)/.exec(stderr)?.[1])
  if (!(major >= 17)) throw new Error(`DynamoDB Local ${DYNAMODB_LOCAL_VERSION} needs Java 17+, ${bin} is ${major || 'unknown'}; set STRATA_DYNAMODB_JAVA_HOME`)
  return bin
}

/**
 * Starts DynamoDB Local (jars from Maven Central, JDK 17) detached, in memory, on 127.0.0.1:<port> — it
 * binds every interface, there is no flag to restrict it — and waits until it answers ListTables; a server
 * this kit started that is alive is reused. Its data lives in memory: a restart starts empty.
 */
export function startDynamo(opts: { log?: (line: string) => void; timeoutMs?: number } = {}): Promise<{ started: boolean; endpoint: string; ms: number }> {
  return withStateLock(async () => {
    const t0 = Date.now()
    const log = opts.log ?? (() => {})
    const endpoint = localDynamoEndpoint()
    const existing = await ourPid()
    if (existing !== undefined) {
      await waitReady(existing, opts.timeoutMs ?? 60_000)
      return { started: false, endpoint, ms: Date.now() - t0 }
    }
    if (await portOpen(DYNAMODB_HOST, dynamoPort(), 500)) {
      throw new Error(`${DYNAMODB_HOST}:${dynamoPort()} is already taken by a process this kit did not start; stop it, set STRATA_DYNAMODB_PORT, or point STRATA_DYNAMODB_ENDPOINT at it`)
    }
    const [java, lib] = await Promise.all([findJava17(), ensureDynamoJars(log)])
    await mkdir(home(), { recursive: true })
    const args = [
      `-Dstrata.dynamodb.home=${home()}`,
      // sqlite4java loads its native library from java.library.path (the versioned file name is accepted).
      `-Djava.library.path=${lib}`,
      '-Xms256m', '-Xmx1g', '-XX:+UseParallelGC',
      '-cp', `${lib}/*`, DYNAMODB_LOCAL_MAIN,
      '-inMemory', '-sharedDb', '-port', String(dynamoPort()), '-disableTelemetry',
    ]
    const out = openSync(logFile(), 'a')
    // detached + unref: the server outlives `pnpm dbs start` and the test run that started it.
    const child = spawn(java, args, { cwd: home(), detached: true, stdio: ['ignore', out, out] })
    closeSync(out)
    child.unref()
    if (child.pid === undefined) throw new Error(`could not spawn ${java}`)
    await writePid(pidFile(), child.pid)
    log(`dynamodb: starting DynamoDB Local ${DYNAMODB_LOCAL_VERSION} on ${endpoint} (pid ${child.pid})`)
    try {
      await waitReady(child.pid, opts.timeoutMs ?? 60_000)
    } catch (err) {
      await terminate(child.pid, { graceMs: 3000 })
      await removeFile(pidFile())
      throw err
    }
    return { started: true, endpoint, ms: Date.now() - t0 }
  })
}

async function waitReady(pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let last = ''
  while (Date.now() < deadline) {
    if (!isAlive(pid)) throw new Error(`DynamoDB Local (pid ${pid}) exited during start-up:\n${await tailFile(logFile(), 20)}`)
    try {
      const r = await dynamoListTables(localDynamoEndpoint(), 2000)
      if (r.status === 200) return
      last = `HTTP ${r.status}: ${r.body.slice(0, 200)}`
    } catch (err) {
      last = (err as Error).message
    }
    await sleep(200)
  }
  throw new Error(`DynamoDB Local did not answer within ${timeoutMs} ms (${last}); see ${logFile()}`)
}

/** Stops our server (SIGTERM; it keeps nothing on disk, so no drain is needed). */
export function stopDynamo(): Promise<boolean> {
  return withStateLock(async () => {
    const pid = await ourPid()
    if (pid !== undefined) await terminate(pid, { signal: 'SIGTERM', graceMs: 10_000 })
    await removeFile(pidFile())
    return pid !== undefined
  })
}
