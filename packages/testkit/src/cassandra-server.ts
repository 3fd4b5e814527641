import { rm } from 'node:fs/promises'
import { ALL_NODE_INDEXES, MAIN_GROUP, MTLS_GROUP, RING_GROUP, SECURE_GROUP, nodeAddress, type CassandraGroup } from './cassandra-groups.js'
import { countPeers } from './cql-client.js'
import {
  CQL_PORT,
  nodeDir,
  nodePid,
  nodeStatus,
  startCassandraNode,
  stopCassandraNode,
  type NodeOptions,
  type NodeStatus,
} from './cassandra-node.js'
import { sleep } from './process-utils.js'
import { withStateLock } from './state-lock.js'

export interface StartCassandraOptions {
  heap?: string
  timeoutMs?: number
  log?: (line: string) => void
}

export interface StartCassandraResult {
  contactPoints: string[]
  /** Per node: whether this call started it and how long that node took. */
  nodes: { index: number; started: boolean; ms: number }[]
  ms: number
}

/** Indexes of the group's nodes whose process (from our pid files) is alive. */
async function runningIn(group: CassandraGroup): Promise<number[]> {
  const running: number[] = []
  for (const i of group.indexes) if ((await nodePid(i)) !== undefined) running.push(i)
  return running
}

/** Whether the suite's single node (127.0.0.1) runs: `[1]` or `[]`. */
export async function runningCassandraNodes(): Promise<number[]> {
  return runningIn(MAIN_GROUP)
}

/** The 3-node ring's running nodes (127.0.0.2–4). */
export async function runningRingNodes(): Promise<number[]> {
  return runningIn(RING_GROUP)
}

/**
 * Starts the suite's single local Cassandra 5.0 node (127.0.0.1) and waits until it answers CQL; reused when
 * running. When it is not running, its old data is wiped first: a test server starts empty.
 */
export function startCassandra(opts: StartCassandraOptions = {}): Promise<StartCassandraResult> {
  return withStateLock(() => startGroup(MAIN_GROUP, opts))
}

/**
 * Starts the 3-node ring (127.0.0.2–4, cluster "strata-ring") for cluster and fault tests, one node at a time,
 * and waits until gossip shows every peer. It shares nothing with the single node: that one, and its data, stay
 * as they are.
 */
export function startRing(opts: StartCassandraOptions = {}): Promise<StartCassandraResult> {
  return withStateLock(() => startGroup(RING_GROUP, opts))
}

/**
 * Starts the secure node (127.0.0.5: passwords and TLS; secure-cassandra.ts adds its admin role) and waits
 * until it takes TLS logins. Fresh unless it runs, certificates included.
 */
export function startSecureNode(opts: StartCassandraOptions = {}, mutualTls = false): Promise<StartCassandraResult> {
  return withStateLock(() => startGroup(mutualTls ? MTLS_GROUP : SECURE_GROUP, opts))
}

async function startGroup(group: CassandraGroup, opts: StartCassandraOptions): Promise<StartCassandraResult> {
  const t0 = Date.now()
  if ((await runningIn(group)).length === 0) {
    for (const i of group.indexes) await rm(nodeDir(i), { recursive: true, force: true })
  }
  const nodes: StartCassandraResult['nodes'] = []
  for (const i of group.indexes) {
    const nodeOpts: NodeOptions = {}
    if (opts.heap) nodeOpts.heap = opts.heap
    if (opts.timeoutMs) nodeOpts.timeoutMs = opts.timeoutMs
    if (opts.log) nodeOpts.log = opts.log
    const r = await startCassandraNode(i, nodeOpts)
    nodes.push({ index: i, ...r })
    if (r.started) opts.log?.(`cassandra node ${i}: answering CQL after ${(r.ms / 1000).toFixed(1)} s`)
  }
  const live = await runningIn(group)
  if (live.length > 1) await waitForPeers(live[0] as number, live.length - 1, opts.timeoutMs ?? 120_000)
  return { contactPoints: live.map(nodeAddress), nodes, ms: Date.now() - t0 }
}

/** Waits until the first node's system.peers lists `expected` peers (gossip has propagated the ring). */
async function waitForPeers(first: number, expected: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let seen = -1
  while (Date.now() < deadline) {
    seen = await countPeers(nodeAddress(first), CQL_PORT).catch(() => -1)
    if (seen >= expected) return
    await sleep(500)
  }
  throw new Error(`node ${first} sees ${seen} peers in system.peers, expected ${expected}`)
}

/** Stops the suite's single node if we started it. */
export function stopCassandra(): Promise<number[]> {
  return withStateLock(() => stopIndexes(MAIN_GROUP.indexes))
}

/**
 * Stops the ring's nodes in parallel: the whole ring goes away and its data is wiped at its next start, so
 * nodes need not wait for each other's drain.
 */
export function stopRing(): Promise<number[]> {
  return withStateLock(() => stopIndexes(RING_GROUP.indexes))
}

/** Stops the secure and mutual-TLS nodes if we started them. */
export function stopSecureNode(): Promise<number[]> {
  return withStateLock(() => stopIndexes([...SECURE_GROUP.indexes, ...MTLS_GROUP.indexes]))
}

/** Stops every local node this kit started: single node, ring and secure node. */
export function stopAllCassandra(): Promise<number[]> {
  return withStateLock(() => stopIndexes(ALL_NODE_INDEXES))
}

async function stopIndexes(indexes: readonly number[]): Promise<number[]> {
  const stopped = await Promise.all(indexes.map(async (i) => ((await stopCassandraNode(i)) ? i : 0)))
  return stopped.filter((i) => i > 0)
}

/** Stops one node (e.g. to test failure handling); its data is kept for startNode(). */
export async function stopNode(index: number): Promise<void> {
  await withStateLock(() => stopCassandraNode(index))
}

/** Restarts one node previously stopped with stopNode() and waits until it answers CQL. */
export async function startNode(index: number, opts: Omit<NodeOptions, 'seeds'> = {}): Promise<void> {
  await withStateLock(() => startCassandraNode(index, opts))
}

/** Status of every local node (the single node first, then the ring, then the secure node). */
export async function cassandraStatus(): Promise<NodeStatus[]> {
  const out: NodeStatus[] = []
  for (const i of ALL_NODE_INDEXES) out.push(await nodeStatus(i))
  return out
}

/** Sends a signal to a running node: SIGKILL for a crash, SIGSTOP/SIGCONT for a node that freezes and comes back. */
export async function signalNode(index: number, signal: 'SIGKILL' | 'SIGSTOP' | 'SIGCONT'): Promise<void> {
  const pid = await nodePid(index)
  if (pid === undefined) throw new Error(`cassandra node ${index} is not running`)
  process.kill(pid, signal)
}
