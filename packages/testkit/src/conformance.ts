import { describe, expect, it, beforeAll, afterAll } from 'vitest'
import type { Adapter, AppliedMigration, Fence, LeaseRequest } from '@strata-migrate/core/adapter-kit'
import { engineContract, type EngineFixture } from './conformance-engine.js'
import { snapshotContract } from './conformance-snapshots.js'

export type { EngineFixture, SnapshotTableFixture } from './conformance-engine.js'

export interface ConformanceTarget {
  /** A fresh adapter on an empty keyspace/database. */
  adapter: Adapter
  /** A second adapter on the same database, as another process would have. */
  openSecond(): Promise<Adapter>
  /** Statements of this dialect for the engine scenarios (the Migrator run against this adapter). */
  engine: EngineFixture
  cleanup?(): Promise<void>
}

export interface ConformanceOptions {
  /** Lease TTL for the primitive takeover tests (the Migrator itself never goes under 5 s); CQL TTLs have 1 s granularity. */
  ttlMs?: number
  timeout?: number
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

function row(set: string, version: string, patch: Partial<AppliedMigration> = {}): AppliedMigration {
  return {
    set, version, name: `m_${version}`, description: `the ${version} migration`, kind: 'schema', checksum: `sum-${version}`, status: 'running',
    statementsDone: 0, statementsTotal: 3, statementHashes: ['h1', 'h2', 'h3'], statementsStarted: 0, callChain: null,
    startedAt: new Date(Date.UTC(2025, 10, 30, 12, 0, 0, 123)), finishedAt: null, rolledBackAt: null, durationMs: null,
    appliedBy: 'host:1', toolVersion: 'test', error: null, agreementWaitMs: 0, ...patch,
  }
}

let tokens = 0
const lease = (set: string, owner: string, ttlMs: number): LeaseRequest => ({ set, owner, token: `${owner}-${++tokens}-${Date.now()}`, ttlMs, acquiredAt: new Date() })
const fenceOf = (r: LeaseRequest): Fence => ({ set: r.set, token: r.token, ttlMs: r.ttlMs })

/**
 * The contract every adapter meets: its one-shot primitives (lease store, fenced history writes) and the
 * engine (the Migrator) run against it. Runs under vitest.
 */
export function describeAdapterConformance(name: string, open: () => Promise<ConformanceTarget>, opts: ConformanceOptions = {}): void {
  const ttlMs = opts.ttlMs ?? 2000
  describe(`adapter conformance: ${name}`, { timeout: opts.timeout ?? 90_000 }, () => {
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

    /** Takes set's lease on `a` (tables ensured), for the history tests. */
    async function held(set: string, ttl = 60_000): Promise<LeaseRequest> {
      await a.lock.ensure()
      await a.history.ensure()
      const r = lease(set, 'A', ttl)
      expect(await a.lock.tryAcquire(r)).toEqual({ acquired: true })
      return r
    }

    it('history: no rows before the table exists; ensure() is idempotent', async () => {
      expect(await a.history.list('fresh')).toEqual([])
      await a.history.ensure()
      await a.history.ensure()
      expect(await a.history.list('fresh')).toEqual([])
    })

    it('history: put, patch and delete every field under the lease, visible to another connection', async () => {
      const r = await held('s1')
      const f = fenceOf(r)
      expect(await a.history.write({ op: 'put', row: row('s1', '001') }, f)).toBe(true)
      const [first] = await b.history.list('s1')
      expect(first).toEqual(row('s1', '001'))
      expect(await a.history.write({ op: 'patch', set: 's1', version: '001', fields: { statementsStarted: 3, statementsDone: 2, agreementWaitMs: 15, callChain: 'c2' } }, f)).toBe(true)
      expect((await b.history.list('s1'))[0]).toMatchObject({ statementsDone: 2, statementsStarted: 3, agreementWaitMs: 15, callChain: 'c2', statementHashes: ['h1', 'h2', 'h3'], status: 'running' })
      const finishedAt = new Date(Date.UTC(2025, 10, 30, 12, 0, 1, 500))
      expect(await a.history.write({ op: 'patch', set: 's1', version: '001', fields: { status: 'applied', statementsDone: 3, statementsStarted: 3, statementHashes: [], finishedAt, durationMs: 1377, error: null } }, f)).toBe(true)
      const [done] = await b.history.list('s1')
      expect(done).toMatchObject({ status: 'applied', statementsDone: 3, statementHashes: [], durationMs: 1377, description: 'the 001 migration' })
      expect(done?.finishedAt?.getTime()).toBe(finishedAt.getTime())
      expect(done?.startedAt?.getTime()).toBe(Date.UTC(2025, 10, 30, 12, 0, 0, 123))
      // A 10,000-statement journal is one value, written once.
      const many = Array.from({ length: 10_000 }, (_, i) => `h${i}`)
      expect(await a.history.write({ op: 'put', row: row('s1', '002', { statementHashes: many, statementsTotal: many.length, status: 'rolling_back', error: 'x'.repeat(2000) }) }, f)).toBe(true)
      const big = (await b.history.list('s1')).find((x) => x.version === '002')
      expect(big?.statementHashes).toHaveLength(10_000)
      expect(big).toMatchObject({ status: 'rolling_back', error: 'x'.repeat(2000) })
      expect(await a.history.write({ op: 'delete', set: 's1', version: '002' }, f)).toBe(true)
      expect((await b.history.list('s1')).map((x) => x.version)).toEqual(['001'])
      await a.lock.release('s1', r.token)
    })

    it('history: a patch of a row that does not exist is an error, not a new row', async () => {
      const r = await held('s-missing')
      await expect(a.history.write({ op: 'patch', set: 's-missing', version: '009', fields: { statementsDone: 1 } }, fenceOf(r))).rejects.toThrow()
      expect(await a.history.list('s-missing')).toEqual([])
      await a.lock.release('s-missing', r.token)
    })

    it('history: every write is fenced on the lease; a holder that lost it writes nothing', async () => {
      const r = await held('s-fence')
      expect(await a.history.write({ op: 'put', row: row('s-fence', '001') }, fenceOf(r))).toBe(true)
      const before = await b.history.list('s-fence')
      // Someone else holds the lease now (an operator freed it, and another run took it).
      await b.lock.forceRelease('s-fence')
      const other = lease('s-fence', 'B', 60_000)
      expect(await b.lock.tryAcquire(other)).toEqual({ acquired: true })
      expect(await a.history.write({ op: 'patch', set: 's-fence', version: '001', fields: { status: 'applied' } }, fenceOf(r))).toBe(false)
      expect(await a.history.write({ op: 'put', row: row('s-fence', '002') }, fenceOf(r))).toBe(false)
      expect(await a.history.write({ op: 'delete', set: 's-fence', version: '001' }, fenceOf(r))).toBe(false)
      expect(await b.history.list('s-fence')).toEqual(before)
      // The new holder writes.
      expect(await b.history.write({ op: 'patch', set: 's-fence', version: '001', fields: { status: 'failed' } }, fenceOf(other))).toBe(true)
      // Without any lease (released), nobody writes.
      await b.lock.release('s-fence', other.token)
      expect(await b.history.write({ op: 'patch', set: 's-fence', version: '001', fields: { status: 'applied' } }, fenceOf(other))).toBe(false)
      expect((await a.history.list('s-fence'))[0]?.status).toBe('failed')
    })

    it('history: migration sets are apart', async () => {
      const ra = await held('set-a')
      const rb = await held('set-b')
      await a.history.write({ op: 'put', row: row('set-a', '001') }, fenceOf(ra))
      await a.history.write({ op: 'put', row: row('set-b', '001') }, fenceOf(rb))
      await a.history.write({ op: 'put', row: row('set-b', '002') }, fenceOf(rb))
      expect((await b.history.list('set-a')).map((r) => r.version)).toEqual(['001'])
      expect((await b.history.list('set-b')).map((r) => r.version).sort()).toEqual(['001', '002'])
      // A's lease on set-a fences nothing on set-b.
      expect(await a.history.write({ op: 'put', row: row('set-b', '003') }, fenceOf(ra))).toBe(false)
    })

    it('lease: one attempt per call; held → the holder; free again after release; never another holder’s release', async () => {
      await a.lock.ensure()
      expect(await b.lock.inspect('lk1')).toBeNull()
      const r = lease('lk1', 'A', 30_000)
      expect(await a.lock.tryAcquire(r)).toEqual({ acquired: true })
      const t0 = Date.now()
      const refused = await b.lock.tryAcquire(lease('lk1', 'B', 30_000))
      expect(Date.now() - t0).toBeLessThan(5_000)
      expect(refused).toMatchObject({ acquired: false, holder: { owner: 'A', token: r.token } })
      const info = await b.lock.inspect('lk1')
      expect(info).toMatchObject({ set: 'lk1', owner: 'A', token: r.token })
      expect(info?.expiresAt && info.expiresAt.getTime()).toBeGreaterThan(Date.now())
      await b.lock.release('lk1', 'not-the-token')
      expect((await a.lock.inspect('lk1'))?.owner).toBe('A')
      await a.lock.release('lk1', r.token)
      expect(await a.lock.inspect('lk1')).toBeNull()
      const next = lease('lk1', 'B', 30_000)
      expect(await b.lock.tryAcquire(next)).toEqual({ acquired: true })
      await b.lock.release('lk1', next.token)
    })

    it('lease: exactly one of many concurrent attempts wins', async () => {
      await a.lock.ensure()
      const tries = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? b : a).lock.tryAcquire(lease('lk-race', `O${i}`, 30_000))))
      expect(tries.filter((t) => t.acquired)).toHaveLength(1)
      await a.lock.forceRelease('lk-race')
    })

    it('lease: expires after its TTL by the database clock, is taken over, and the old token can neither renew nor release it', async () => {
      await a.lock.ensure()
      const old = lease('lk2', 'A', ttlMs)
      expect(await a.lock.tryAcquire(old)).toEqual({ acquired: true })
      expect(await b.lock.tryAcquire(lease('lk2', 'B', 30_000))).toMatchObject({ acquired: false })
      await sleep(ttlMs + 1_200)
      const taken = lease('lk2', 'B', 30_000)
      expect(await b.lock.tryAcquire(taken)).toEqual({ acquired: true })
      expect(await a.lock.renew(old)).toBe(false)
      await a.lock.release('lk2', old.token)
      expect((await a.lock.inspect('lk2'))?.owner).toBe('B')
      await b.lock.release('lk2', taken.token)
    })

    it('lease: renewal keeps it past its TTL', async () => {
      await a.lock.ensure()
      const live = lease('lk3', 'A', ttlMs)
      expect(await a.lock.tryAcquire(live)).toEqual({ acquired: true })
      for (let i = 0; i < 4; i++) {
        await sleep(ttlMs / 2)
        expect(await a.lock.renew(live)).toBe(true)
      }
      expect(await b.lock.tryAcquire(lease('lk3', 'B', 30_000))).toMatchObject({ acquired: false })
      await a.lock.release('lk3', live.token)
    })

    it('lease: forced release frees it whoever holds it; the old holder’s renewal then fails', async () => {
      await a.lock.ensure()
      const r = lease('lk4', 'A', 60_000)
      expect(await a.lock.tryAcquire(r)).toEqual({ acquired: true })
      await b.lock.forceRelease('lk4')
      expect(await a.lock.inspect('lk4')).toBeNull()
      const next = lease('lk4', 'B', 60_000)
      expect(await b.lock.tryAcquire(next)).toEqual({ acquired: true })
      expect(await a.lock.renew(r)).toBe(false)
      await b.lock.release('lk4', next.token)
    })

    snapshotContract(() => ({ a, b, table: target.engine.snapshotTable }))
    engineContract(() => ({ a, openSecond: () => target.openSecond(), engine: target.engine }))

    it('closes cleanly', async () => {
      const extra = await target.openSecond()
      await extra.history.list('any')
      await expect(extra.close()).resolves.toBeUndefined()
    })
  })
}
export { inlineLinter, lintFixtureSuite, type LintFiles, type LintFixture } from './lint-fixtures.js'
export { crashingAdapter, fileMigration } from './conformance-engine.js'
