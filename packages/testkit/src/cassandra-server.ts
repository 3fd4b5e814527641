import { rm } from 'node:fs/promises'
import { countPeers } from './cql-client.js'
import {
  CQL_PORT,
  nodeAddress,
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

export const MAX_CASSANDRA_NODES = 3

export interface StartCassandraOptions {
  /** 1 (default) or 3: node N listens on 127.0.0.N:9042. */
  nodes?: 1 | 3
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

/** Indexes of nodes whose process (from our pid files) is alive. */
export async function runningCassandraNodes(): Promise<number[]> {
  const running: number[] = []
  for (let i = 1; i <= MAX_CASSANDRA_NODES; i++) if ((await nodePid(i)) !== undefined) running.push(i)
  return running
}

/**
 * Starts local Cassandra 5.0 (1 or 3 nodes, one at a time) and waits until every node answers CQL; nodes
 * already running are reused. When no node is running at all, old node data is wiped first: a test server
 * starts empty, and a stale ring (peers of an earlier cluster) never leaks into a single-node run.
 */
export function startCassandra(opts: StartCassandraOptions = {}): Promise<StartCassandraResult> {
  return withStateLock(() => startCassandraLocked(opts))
}

async function startCassandraLocked(opts: StartCassandraOptions): Promise<StartCassandraResult> {
  const t0 = Date.now()
  const count = opts.nodes ?? 1
  const running = await runningCassandraNodes()
  if (running.length === 0) {
    for (let i = 1; i <= MAX_CASSANDRA_NODES; i++) await rm(nodeDir(i), { recursive: true, force: true })
  }
  const nodes: StartCassandraResult['nodes'] = []
  for (let i = 1; i <= count; i++) {
    // Node 1 is the seed everyone learns the ring from; listing itself makes each node a seed, and seeds
    // never bootstrap (stream data), which an empty test ring does not need.
    const seeds = i === 1 ? [nodeAddress(1)] : [nodeAddress(1), nodeAddress(i)]
    const nodeOpts: NodeOptions = { seeds }
    if (opts.heap) nodeOpts.heap = opts.heap
    if (opts.timeoutMs) nodeOpts.timeoutMs = opts.timeoutMs
    if (opts.log) nodeOpts.log = opts.log
    const r = await startCassandraNode(i, nodeOpts)
    nodes.push({ index: i, ...r })
    if (r.started) opts.log?.(`cassandra node ${i}: answering CQL after ${(r.ms / 1000).toFixed(1)} s`)
  }
  const live = await runningCassandraNodes()
  if (live.length > 1) await waitForPeers(live.length - 1, opts.timeoutMs ?? 120_000)
  return { contactPoints: live.map(nodeAddress), nodes, ms: Date.now() - t0 }
}

/** Waits until node 1's system.peers lists `expected` peers (gossip has propagated the ring). */
async function waitForPeers(expected: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let seen = -1
  while (Date.now() < deadline) {
    seen = await countPeers(nodeAddress(1), CQL_PORT).catch(() => -1)
    if (seen >= expected) return
    await sleep(500)
  }
  throw new Error(`node 1 sees ${seen} peers in system.peers, expected ${expected}`)
}

/**
 * Stops every node we started, in parallel: the whole ring goes away and its data is wiped at the next
 * start, so nodes need not wait for each other's drain (a 3-node stop takes ~4 s instead of ~14 s).
 */
export function stopCassandra(): Promise<number[]> {
  return withStateLock(stopAllNodes)
}

async function stopAllNodes(): Promise<number[]> {
  const indexes = Array.from({ length: MAX_CASSANDRA_NODES }, (_, i) => i + 1)
  const stopped = await Promise.all(indexes.map(async (i) => ((await stopCassandraNode(i)) ? i : 0)))
  return stopped.filter((i) => i > 0)
}

/** Stops one node of the cluster (e.g. to test failure handling); its data is kept for startNode(). */
export async function stopNode(index: number): Promise<void> {
  await withStateLock(() => stopCassandraNode(index))
}

/** Restarts one node previously stopped with stopNode() and waits until it answers CQL. */
export async function startNode(index: number, opts: Omit<NodeOptions, 'seeds'> = {}): Promise<void> {
  const seeds = index === 1 ? [nodeAddress(1)] : [nodeAddress(1), nodeAddress(index)]
  await withStateLock(() => startCassandraNode(index, { ...opts, seeds }))
}

/** Status of each of the three possible nodes. */
export async function cassandraStatus(): Promise<NodeStatus[]> {
  const out: NodeStatus[] = []
  for (let i = 1; i <= MAX_CASSANDRA_NODES; i++) out.push(await nodeStatus(i))
  return out
}
