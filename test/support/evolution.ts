/**
 * Helpers of the evolve end-to-end tests: the evolution module the CLI loads, a CLI run that can be
 * SIGKILLed when a condition holds, and a pool for loading 100,000 rows fast.
 */
import { spawn } from 'node:child_process'
import { BatchWriteItemCommand, CreateTableCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CLI, REPO } from './cli.js'

/** A module with a plain definition (no imports, so it loads from any directory). */
export const SESSION_MODULE = `export default {
  entity: 'session',
  current: 3,
  steps: {
    2: ({ state, ...d }) => ({ ...d, state: null, session_state: state, blueprint: 'devassist' }),
    3: (d) => ({ ...d, tags: ['migrated'] }),
  },
}
`

export async function writeModule(): Promise<{ file: string; rm(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'strata-evolve-'))
  const file = join(dir, 'session-evolution.mjs')
  await writeFile(file, SESSION_MODULE)
  return { file, rm: () => rm(dir, { recursive: true, force: true }) }
}

export interface KillableRun {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  ms: number
  /** Rows the checkpoint showed when the kill was sent. */
  killedAtRows?: number
}

/**
 * Runs the built CLI; every `pollMs` asks `progress()` (rows the checkpoint records) and sends SIGKILL once
 * it reaches `killAtRows`: a real process death between (or during) page writes, no clean-up code runs.
 */
export function runCli(args: readonly string[], kill?: { atRows: number; progress: () => Promise<number>; pollMs?: number }, env: Record<string, string> = {}): Promise<KillableRun> {
  const t0 = Date.now()
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    let killedAtRows: number | undefined
    let timer: NodeJS.Timeout | undefined
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    if (kill) {
      const poll = async () => {
        const rows = await kill.progress().catch(() => 0)
        if (rows >= kill.atRows && child.exitCode === null) {
          killedAtRows = rows
          child.kill('SIGKILL')
          return
        }
        if (child.exitCode === null) timer = setTimeout(poll, kill.pollMs ?? 100)
      }
      timer = setTimeout(poll, kill.pollMs ?? 100)
    }
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr, ms: Date.now() - t0, ...(killedAtRows !== undefined ? { killedAtRows } : {}) })
    })
  })
}

/** Runs `fn` for 0…n-1 with at most `limit` in flight. */
export async function pool(n: number, limit: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < n) await fn(next++)
  }))
}

/** Row i of the 100k data set: 15% v1 (no version), 15% v2, 70% already v3. */
export function versionOfRow(i: number): 1 | 2 | 3 {
  const r = i % 20
  return r < 3 ? 1 : r < 6 ? 2 : 3
}

/** Sums `rows` over the segments' JSON counters of a checkpoint. */
export function checkpointRows(counts: readonly (string | undefined)[]): number {
  return counts.reduce((a, c) => a + ((JSON.parse(c ?? '{}') as { rows?: number }).rows ?? 0), 0)
}

/** Creates a table keyed by `id` (S, on-demand) and writes item(0…n-1) into it, 25 per BatchWriteItem, unprocessed ones resent. */
export async function loadDynamoTable(client: DynamoDBClient, table: string, n: number, item: (i: number) => Record<string, AttributeValue>): Promise<void> {
  await client.send(new CreateTableCommand({
    TableName: table, BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
  }))
  await pool(n / 25, 16, async (b) => {
    let requests = Array.from({ length: 25 }, (_, j) => ({ PutRequest: { Item: item(b * 25 + j) } }))
    while (requests.length) {
      const r = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: requests } }))
      requests = (r.UnprocessedItems?.[table] ?? []) as typeof requests
    }
  })
}

/** A sessions item at version v (1: no version field, the old `state`). */
export function sessionItem(id: string, v: 1 | 2 | 3): Record<string, AttributeValue> {
  if (v === 1) return { id: { S: id }, state: { S: 'open' } }
  return { id: { S: id }, session_state: { S: 'open' }, blueprint: { S: 'x' }, schema_version: { N: String(v) }, ...(v === 3 ? { tags: { L: [{ S: 't' }] } } : {}) }
}
