import { spawn } from 'node:child_process'
import { closeSync, existsSync, openSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { ClientOptions } from 'cassandra-driver'
import {
  DEFAULT_SUPERUSER,
  cassandraJvmArgs,
  cassandraYaml,
  logbackXml,
  secureCertSpec,
  type CassandraNodeSpec,
} from './cassandra-config.js'
import { finishCdsDump, planCds } from './cassandra-cds.js'
import { ensureCassandraJars } from './cassandra-jars.js'
import { probeCqlNode } from './cql-client.js'
import { findCassandraJava } from './java-home.js'
import { groupOf, nodeAddress, seedsOf } from './cassandra-groups.js'
import { stateDir } from './paths.js'
import { certFiles, ensureTestCerts } from './test-certs.js'
import {
  isAlive,
  isOurProcess,
  portOpen,
  readPid,
  removeFile,
  sleep,
  tailFile,
  terminate,
  writePid,
} from './process-utils.js'

export const CQL_PORT = 9042
const JMX_BASE_PORT = 7199

export interface NodeOptions {
  /** JVM heap; default STRATA_CASSANDRA_HEAP or 1G. */
  heap?: string
  /** Seed list written into the node's yaml. */
  seeds?: string[]
  /** How long to wait for CQL; default 180 s. */
  timeoutMs?: number
  log?: (line: string) => void
}

export interface NodeStatus {
  index: number
  address: string
  pid?: number
  /** The process from our pid file is alive. */
  running: boolean
  /** release_version when it answered CQL, else undefined. */
  version?: string
  logFile: string
}

export { nodeAddress } from './cassandra-groups.js'
export const nodeDir = (index: number) => stateDir('cassandra', `node${index}`)
const pidFile = (index: number) => path.join(nodeDir(index), 'cassandra.pid')
/** Records the CDS temp dump a running node will write at exit (see cassandra-cds.ts). */
const cdsDumpFile = (index: number) => path.join(nodeDir(index), 'cds-dump')
export const nodeLogFile = (index: number) => path.join(nodeDir(index), 'logs', 'system.log')
/** The secure node's certificates, generated at its first start and kept while its directory is. */
export const nodeCertDir = (index: number) => path.join(nodeDir(index), 'certs')

function spec(index: number, opts: NodeOptions): CassandraNodeSpec {
  const node: CassandraNodeSpec = {
    index,
    address: nodeAddress(index),
    dir: nodeDir(index),
    nativePort: CQL_PORT,
    jmxPort: JMX_BASE_PORT + index - 1,
    seeds: opts.seeds ?? seedsOf(index),
    heap: opts.heap ?? process.env.STRATA_CASSANDRA_HEAP ?? '1G',
  }
  const group = groupOf(index).name
  if (group === 'secure' || group === 'mtls') node.tls = certFiles(nodeCertDir(index))
  if (group === 'mtls') node.requireClientAuth = true
  return node
}

/** How probes log in: the secure node takes only TLS clients that trust its CA, with a password. */
async function probeLogin(node: CassandraNodeSpec): Promise<Partial<ClientOptions>> {
  if (!node.tls) return {}
  return {
    sslOptions: {
      ca: [await readFile(node.tls.ca)], rejectUnauthorized: true,
      ...(node.requireClientAuth ? { cert: await readFile(node.tls.clientCert), key: await readFile(node.tls.clientKey) } : {}),
    },
    credentials: DEFAULT_SUPERUSER,
  }
}

/** The pid of node `index` if the process from our pid file is alive and really is that node's JVM. */
export async function nodePid(index: number): Promise<number | undefined> {
  const pid = await readPid(pidFile(index))
  // The storage dir is on the JVM's command line, so a reused pid of some other process never matches.
  return pid !== undefined && isOurProcess(pid, `-Dcassandra.storagedir=${nodeDir(index)}`) ? pid : undefined
}

export async function nodeStatus(index: number): Promise<NodeStatus> {
  const pid = await nodePid(index)
  const node = spec(index, {})
  const status: NodeStatus = { index, address: node.address, running: pid !== undefined, logFile: nodeLogFile(index) }
  if (pid !== undefined) status.pid = pid
  if (pid !== undefined && (await portOpen(status.address, CQL_PORT))) {
    status.version = await probeLogin(node)
      .then((login) => probeCqlNode(status.address, CQL_PORT, 5000, login))
      .catch(() => undefined)
  }
  return status
}

/**
 * Starts node `index` (keeping its data dir) unless our process for it is already running, then waits
 * until it answers CQL on 127.0.0.<index>:9042. Returns whether it had to start it and how long it took.
 */
export async function startCassandraNode(index: number, opts: NodeOptions = {}): Promise<{ started: boolean; ms: number }> {
  const log = opts.log ?? (() => {})
  const t0 = Date.now()
  const node = spec(index, opts)
  const existing = await nodePid(index)
  if (existing !== undefined) {
    await waitForCql(node, existing, opts.timeoutMs ?? 180_000)
    return { started: false, ms: Date.now() - t0 }
  }
  if (await portOpen(node.address, CQL_PORT, 500)) {
    throw new Error(
      `${node.address}:${CQL_PORT} is already taken by a process this kit did not start; stop it, or point ` +
        'STRATA_SCYLLADB_CONTACT_POINTS at it to use it instead',
    )
  }
  const [java, jars] = await Promise.all([findCassandraJava(), ensureCassandraJars(log)])
  for (const sub of ['data', 'commitlog', 'saved_caches', 'hints', 'cdc_raw', 'logs']) {
    await mkdir(path.join(node.dir, sub), { recursive: true })
  }
  if (node.tls) await ensureTestCerts(nodeCertDir(index), secureCertSpec(node.address))
  const yamlFile = path.join(node.dir, 'cassandra.yaml')
  const logbackFile = path.join(node.dir, 'logback.xml')
  await writeFile(yamlFile, cassandraYaml(node))
  await writeFile(logbackFile, logbackXml(node))
  const cds = await planCds(java, jars.classpath, index)
  if (cds.dumpTo) await writeFile(cdsDumpFile(index), cds.dumpTo)
  else await removeFile(cdsDumpFile(index))
  const extra = [...cds.args, ...(process.env.STRATA_CASSANDRA_JVM_OPTS ?? '').split(/\s+/).filter(Boolean)]
  const args = cassandraJvmArgs({
    node,
    classpath: jars.classpath,
    jamm: jars.jamm,
    yamlFile,
    logbackFile,
    extra,
    fastStart: process.env.STRATA_CASSANDRA_FAST_START !== '0',
  })
  // The JVM's own stdout/stderr (crashes, early errors before logback) go to a file beside system.log.
  const out = openSync(path.join(node.dir, 'logs', 'stdout.log'), 'a')
  // detached + unref: the node outlives the command that started it (`pnpm dbs start`, a test run).
  const [command, ...argv] = [...noMlockPrefix(), java, ...args]
  const child = spawn(command!, argv, { cwd: node.dir, detached: true, stdio: ['ignore', out, out] })
  closeSync(out)
  child.unref()
  if (child.pid === undefined) throw new Error(`could not spawn ${java}`)
  await writePid(pidFile(index), child.pid)
  log(`cassandra node ${index}: starting on ${node.address}:${CQL_PORT} (pid ${child.pid}, heap ${node.heap})`)
  try {
    await waitForCql(node, child.pid, opts.timeoutMs ?? 180_000)
  } catch (err) {
    await terminate(child.pid, { graceMs: 5000 })
    await removeFile(pidFile(index))
    throw err
  }
  return { started: true, ms: Date.now() - t0 }
}

/**
 * Cassandra calls mlockall() at start-up; as root (CAP_IPC_LOCK) that faults in the whole heap, ~3.5 s per
 * GiB on these VMs and pinned RAM for three nodes. Dropping the capability and the memlock limit makes it
 * fail fast (Cassandra logs a warning and goes on). Both tools exec, so the pid stays the JVM's.
 */
function noMlockPrefix(): string[] {
  if (process.platform !== 'linux' || process.env.STRATA_CASSANDRA_MLOCK === '1') return []
  const prefix: string[] = []
  if (existsSync('/usr/bin/prlimit')) prefix.push('/usr/bin/prlimit', '--memlock=0:0')
  if (process.getuid?.() === 0 && existsSync('/usr/bin/setpriv')) {
    prefix.push('/usr/bin/setpriv', '--bounding-set', '-ipc_lock', '--inh-caps', '-ipc_lock', '--')
  }
  return prefix
}

/**
 * Waits until the node answers a query. The secure node also needs its default superuser, which
 * PasswordAuthenticator creates shortly after the port opens: until then logins fail and are retried.
 */
async function waitForCql(node: CassandraNodeSpec, pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  const login = await probeLogin(node)
  let lastError = ''
  while (Date.now() < deadline) {
    if (!isAlive(pid)) {
      const logs = path.join(node.dir, 'logs')
      throw new Error(
        `cassandra node ${node.index} (pid ${pid}) exited during start-up.\n` +
          `--- ${logs}/stdout.log\n${await tailFile(path.join(logs, 'stdout.log'), 20)}\n` +
          `--- ${logs}/system.log\n${await tailFile(path.join(logs, 'system.log'), 30)}`,
      )
    }
    // A cheap TCP check first: the driver logs and allocates a lot per failed attempt.
    if (await portOpen(node.address, node.nativePort, 500)) {
      try {
        await probeCqlNode(node.address, node.nativePort, 5000, login)
        return
      } catch (err) {
        lastError = (err as Error).message
      }
    }
    await sleep(500)
  }
  throw new Error(
    `cassandra node ${node.index} did not answer CQL${node.tls ? ' (TLS, login as cassandra)' : ''} on ${node.address}:${node.nativePort} within ` +
      `${timeoutMs} ms (${lastError || 'port closed'}); see ${nodeLogFile(node.index)}`,
  )
}

/**
 * Stops node `index` if we started it: SIGTERM (Cassandra drains: flushes memtables, announces shutdown to
 * peers) then SIGKILL after `graceMs`. Keeps its data, so startCassandraNode() restarts the same node.
 */
export async function stopCassandraNode(index: number, graceMs = 60_000): Promise<boolean> {
  const pid = await nodePid(index)
  const how = pid === undefined ? 'not-running' : await terminate(pid, { signal: 'SIGTERM', graceMs })
  await removeFile(pidFile(index))
  const dumpTo = await readFile(cdsDumpFile(index), 'utf8').catch(() => undefined)
  if (dumpTo) {
    await finishCdsDump(dumpTo, how === 'exited')
    await removeFile(cdsDumpFile(index))
  }
  return pid !== undefined
}
