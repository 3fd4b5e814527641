import { describe, expect, it, beforeAll, afterAll } from 'vitest'
import { isStrataError, type Adapter, type BeginRecord } from '@strata/core'
import { snapshotContract } from './conformance-snapshots.js'

export interface ConformanceTarget {
  /** A fresh adapter on an empty keyspace/database. */
  adapter: Adapter
  /** A second adapter on the same database, as another process would have. */
  openSecond(): Promise<Adapter>
  cleanup?(): Promise<void>
}

export interface ConformanceOptions {
  /** Lease TTL for the takeover tests; CQL TTLs have 1 s granularity. */
  ttlMs?: number
  timeout?: number
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

function record(set: string, version: string, hashes: string[] = []): BeginRecord {
  return {
    set, version, name: `m_${version}`, kind: 'schema', checksum: `sum-${version}`, statementsTotal: 3,
    statementHashes: hashes, startedAt: new Date(Date.UTC(2025, 10, 30, 12, 0, 0, 123)), appliedBy: 'host:1', toolVersion: 'test',
  }
}

/** The contract every adapter's history store and lease lock must meet. Runs under vitest. */
export function describeAdapterConformance(name: string, open: () => Promise<ConformanceTarget>, opts: ConformanceOptions = {}): void {
  const ttlMs = opts.ttlMs ?? 2000
  describe(`adapter conformance: ${name}`, { timeout: opts.timeout ?? 60_000 }, () => {
    let target: ConformanceTarget
    let a: Adapter
    let b: Adapter
    beforeAll(async () => {
      target = await open()
      a = target.adapter
      b = await target.openSecond()
    })
    afterAll(async () => {
      await b?.close()
      await a?.close()
      await target?.cleanup?.()
    })

    it('lists no rows before the history table exists, and after ensure()', async () => {
      expect(await a.history.list('fresh')).toEqual([])
      await a.history.ensure()
      await a.history.ensure() // idempotent
      expect(await a.history.list('fresh')).toEqual([])
    })

    it('records begin, progress, complete with every field', async () => {
      await a.history.ensure()
      await a.history.begin(record('s1', '001'))
      let [row] = await a.history.list('s1')
      expect(row).toMatchObject({ set: 's1', version: '001', name: 'm_001', kind: 'schema', checksum: 'sum-001', status: 'running', statementsDone: 0, statementsTotal: 3, appliedBy: 'host:1', toolVersion: 'test', error: null })
      expect(row?.startedAt?.getTime()).toBe(Date.UTC(2025, 10, 30, 12, 0, 0, 123))
      await a.history.progress('s1', '001', 2, ['h1', 'h2'], 15)
      ;[row] = await a.history.list('s1')
      expect(row).toMatchObject({ statementsDone: 2, statementHashes: ['h1', 'h2'], status: 'running' })
      const finishedAt = new Date(Date.UTC(2025, 10, 30, 12, 0, 1, 500))
      await a.history.complete('s1', '001', { finishedAt, durationMs: 1377, statementHashes: ['h1', 'h2', 'h3'], agreementWaitMs: 40 })
      ;[row] = await a.history.list('s1')
      expect(row).toMatchObject({ status: 'applied', statementsDone: 3, statementHashes: ['h1', 'h2', 'h3'], durationMs: 1377, agreementWaitMs: 40 })
      expect(row?.finishedAt?.getTime()).toBe(finishedAt.getTime())
    })

    it('records failure, resume journal, rollback, checksum repair and removal', async () => {
      await a.history.ensure()
      await a.history.begin(record('s2', '002'))
      await a.history.progress('s2', '002', 1, ['h1'], 0)
      await a.history.fail('s2', '002', 'statement 2 failed: boom', new Date())
      let [row] = await a.history.list('s2')
      expect(row).toMatchObject({ status: 'failed', statementsDone: 1, statementHashes: ['h1'], error: 'statement 2 failed: boom' })
      await a.history.begin(record('s2', '002', ['h1']))
      ;[row] = await a.history.list('s2')
      expect(row).toMatchObject({ status: 'running', statementsDone: 1, statementHashes: ['h1'] })
      await a.history.complete('s2', '002', { finishedAt: new Date(), durationMs: 5, statementHashes: ['h1', 'h2'], agreementWaitMs: 0 })
      await a.history.updateChecksum('s2', '002', 'sum-new', ['x1', 'x2'])
      ;[row] = await a.history.list('s2')
      expect(row).toMatchObject({ status: 'applied', checksum: 'sum-new', statementHashes: ['x1', 'x2'], error: null })
      await a.history.markRolledBack('s2', '002', new Date())
      ;[row] = await a.history.list('s2')
      expect(row).toMatchObject({ status: 'rolled_back', statementsDone: 0 })
      expect(row?.rolledBackAt).toBeInstanceOf(Date)
      await a.history.remove('s2', '002')
      expect(await a.history.list('s2')).toEqual([])
    })

    it('records a finished row in one write when the store offers record()', async () => {
      await a.history.ensure()
      if (!a.history.record) return expect(a.history.record).toBeUndefined()
      const finishedAt = new Date(Date.UTC(2025, 10, 30, 12, 0, 2, 250))
      await a.history.record(record('s3', '004'), { finishedAt, durationMs: 2127, statementHashes: ['h1', 'h2', 'h3'], agreementWaitMs: 7 })
      const [row] = await b.history.list('s3')
      expect(row).toMatchObject({ version: '004', name: 'm_004', checksum: 'sum-004', status: 'applied', statementsDone: 3, statementsTotal: 3, statementHashes: ['h1', 'h2', 'h3'], durationMs: 2127, agreementWaitMs: 7, error: null })
      expect(row?.finishedAt?.getTime()).toBe(finishedAt.getTime())
      expect(row?.startedAt?.getTime()).toBe(Date.UTC(2025, 10, 30, 12, 0, 0, 123))
    })

    it('keeps migration sets apart and is visible to another connection', async () => {
      await a.history.ensure()
      await a.history.begin(record('set-a', '001'))
      await a.history.begin(record('set-b', '001'))
      await a.history.begin(record('set-b', '002'))
      expect((await b.history.list('set-a')).map((r) => r.version)).toEqual(['001'])
      expect((await b.history.list('set-b')).map((r) => r.version).sort()).toEqual(['001', '002'])
    })

    it('gives the lease to one owner at a time, and to the next after release', async () => {
      await a.lock.ensure()
      const lease = await a.lock.acquire({ set: 'lk1', owner: 'A', ttlMs: 30_000, waitMs: 0 })
      let waitedFor: unknown
      const err = await b.lock.acquire({ set: 'lk1', owner: 'B', ttlMs: 30_000, waitMs: 400, onWaiting: (h) => (waitedFor = h?.owner) }).catch((e: unknown) => e)
      expect(isStrataError(err, 'E_LOCK_TIMEOUT')).toBe(true)
      expect(waitedFor).toBe('A')
      expect((await b.lock.inspect('lk1'))?.owner).toBe('A')
      await lease.release()
      const second = await b.lock.acquire({ set: 'lk1', owner: 'B', ttlMs: 30_000, waitMs: 2000 })
      expect((await a.lock.inspect('lk1'))?.owner).toBe('B')
      await second.release()
      expect(await a.lock.inspect('lk1')).toBeNull()
    })

    it('lets exactly one of many concurrent acquirers win', async () => {
      await a.lock.ensure()
      const tries = await Promise.allSettled(
        Array.from({ length: 6 }, (_, i) => (i % 2 ? b : a).lock.acquire({ set: 'lk-race', owner: `O${i}`, ttlMs: 30_000, waitMs: 0 })),
      )
      const won = tries.filter((t) => t.status === 'fulfilled')
      expect(won).toHaveLength(1)
      await (won[0] as PromiseFulfilledResult<Awaited<ReturnType<Adapter['lock']['acquire']>>>).value.release()
    })

    it('takes over a crashed owner’s lease after its TTL, and the old owner learns it lost it', async () => {
      await a.lock.ensure()
      const crashed = await a.lock.acquire({ set: 'lk2', owner: 'A', ttlMs, waitMs: 0 })
      const t0 = Date.now()
      const taken = await b.lock.acquire({ set: 'lk2', owner: 'B', ttlMs: 30_000, waitMs: ttlMs * 5 })
      expect(Date.now() - t0).toBeGreaterThanOrEqual(ttlMs - 1100)
      await expect(crashed.renew()).rejects.toMatchObject({ code: 'E_LOCK_LOST' })
      expect(crashed.lost.aborted).toBe(true)
      await crashed.release() // must not release B's lease
      expect((await a.lock.inspect('lk2'))?.owner).toBe('B')
      await taken.release()
    })

    it('keeps a renewed lease past its TTL', async () => {
      await a.lock.ensure()
      const live = await a.lock.acquire({ set: 'lk3', owner: 'A', ttlMs, waitMs: 0 })
      const timer = setInterval(() => void live.renew().catch(() => {}), Math.floor(ttlMs / 4))
      try {
        const err = await b.lock.acquire({ set: 'lk3', owner: 'B', ttlMs, waitMs: ttlMs * 2 }).catch((e: unknown) => e)
        expect(isStrataError(err, 'E_LOCK_TIMEOUT')).toBe(true)
        await live.renew()
        expect((await b.lock.inspect('lk3'))?.owner).toBe('A')
      } finally {
        clearInterval(timer)
        await live.release()
      }
    })

    it('releases by force whoever holds the lease', async () => {
      await a.lock.ensure()
      const held = await a.lock.acquire({ set: 'lk4', owner: 'A', ttlMs: 60_000, waitMs: 0 })
      const info = await b.lock.inspect('lk4')
      expect(info?.owner).toBe('A')
      expect(info?.expiresAt && info.expiresAt.getTime()).toBeGreaterThan(Date.now())
      await b.lock.forceRelease('lk4')
      expect(await a.lock.inspect('lk4')).toBeNull()
      const next = await b.lock.acquire({ set: 'lk4', owner: 'B', ttlMs: 60_000, waitMs: 0 })
      await expect(held.renew()).rejects.toMatchObject({ code: 'E_LOCK_LOST' })
      await next.release()
    })

    snapshotContract(() => ({ a, b }))

    it('closes cleanly', async () => {
      const extra = await target.openSecond()
      await extra.history.list('any')
      await expect(extra.close()).resolves.toBeUndefined()
    })

    it('waits between tries instead of spinning', async () => {
      await a.lock.ensure()
      const held = await a.lock.acquire({ set: 'lk5', owner: 'A', ttlMs: 30_000, waitMs: 0 })
      const t0 = Date.now()
      await expect(b.lock.acquire({ set: 'lk5', owner: 'B', ttlMs: 30_000, waitMs: 600 })).rejects.toMatchObject({ code: 'E_LOCK_TIMEOUT' })
      expect(Date.now() - t0).toBeGreaterThanOrEqual(550)
      await held.release()
      await sleep(0)
    })
  })
}
export { inlineLinter, lintFixtureSuite, type LintFiles, type LintFixture } from './lint-fixtures.js'
