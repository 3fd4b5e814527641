import { expect, it } from 'vitest'
import {
  EXIT_CODES, Migrator, checksumOf, hashStatement, isStrataError, parseVersion,
  type Adapter, type AppliedMigration, type AtomicApply, type ExecResult, type Migration, type MigratorOptions,
} from '@strata-migrate/core/adapter-kit'

/** Statements of the adapter's dialect, for the engine scenarios. */
export interface EngineFixture {
  /** A table with an int key `id` and a number `n` that `bump` increases. */
  createTable(name: string): string
  dropTable(name: string): string
  /** Not idempotent and changes no schema object: adds 1 to row `id` (CQL: a counter; SQL: another row). */
  bump(table: string, id: number): string
  /** How many times bump(table, id) took effect. */
  count(table: string, id: number): Promise<number>
  placeholders?: Record<string, string>
  /**
   * The table captureSchema's check creates, for dialects where the default CQL/SQL statement
   * (`CREATE TABLE conf_snap_t (id int PRIMARY KEY, label text)`) does not run: its statement, its name as
   * captureSchema reports it, and the column names the model shows for it.
   */
  snapshotTable?: SnapshotTableFixture
}

export interface SnapshotTableFixture {
  statement: string
  name: string
  columns: readonly string[]
}

/** A migration from statements, as the file source would build it (dialect of the adapter). */
export function fileMigration(adapter: Adapter, version: string, name: string, up: string[], down: string[] = [], o: { transactional?: boolean; kind?: 'schema' | 'data' } = {}): Migration {
  const statements = (list: string[]) => list.map((text, index) => ({ index, text, hash: hashStatement(text), line: index + 1 }))
  return {
    version: parseVersion(version), name, kind: o.kind ?? 'schema', checksum: checksumOf(up.join(';\n')), file: `${version}_${name}.${adapter.dialect}`,
    format: adapter.dialect, statements: statements(up), ...(down.length ? { downStatements: statements(down), downFile: `${version}_${name}.down.${adapter.dialect}` } : {}),
    transactional: o.transactional ?? true,
  }
}

export interface StatementHooks {
  /** Before a statement is sent: may wait (a stalled process) or throw (a crash). */
  before?(text: string): Promise<void> | void
  /** After it took effect, before Strata hears back: may wait or throw. */
  after?(text: string): Promise<void> | void
}

/**
 * The adapter with hooks around its statements and a kill switch: after kill() every call rejects, as
 * for a process killed with SIGKILL (its lease stays until it expires or is released by force).
 */
export function crashingAdapter(inner: Adapter, hooks: StatementHooks): { adapter: Adapter; kill(): never } {
  let dead = false
  const gone = (): Error => new Error('connection lost: the process was killed (simulated)')
  const alive = <T>(f: () => Promise<T>): Promise<T> => (dead ? Promise.reject(gone()) : f())
  const wrapAll = <T extends object>(o: T): T => new Proxy(o, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown
      return typeof v === 'function' ? (...args: unknown[]) => alive(() => (v as (...a: unknown[]) => Promise<unknown>).apply(target, args)) : v
    },
  })
  const around = async <T>(first: string, last: string, run: () => Promise<T>): Promise<T> => {
    await alive(async () => hooks.before?.(first))
    const out = await alive(run)
    await alive(async () => hooks.after?.(last))
    return alive(async () => out)
  }
  const adapter = new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'history') return wrapAll(target.history)
      if (prop === 'lock') return wrapAll(target.lock)
      if (prop === 'execute') return (text: string, o: { signal?: AbortSignal; params?: readonly unknown[] }) => around<ExecResult>(text, text, () => target.execute(text, o))
      if (prop === 'applyAtomically' && target.applyAtomically) {
        const apply = target.applyAtomically.bind(target)
        return (req: AtomicApply) => around(req.statements[0] ?? '', req.statements.at(-1) ?? '', () => apply(req))
      }
      const v = Reflect.get(target, prop, receiver) as unknown
      if (prop === 'transaction' && typeof v === 'function') return (...args: unknown[]) => alive(() => (v as (...a: unknown[]) => Promise<unknown>).apply(target, args))
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v
    },
  })
  return {
    adapter,
    kill(): never {
      dead = true
      throw gone()
    },
  }
}

interface EngineContext {
  a: Adapter
  openSecond(): Promise<Adapter>
  engine: EngineFixture
}

let sets = 0

/**
 * The engine against the adapter: up, resume after a crash at a statement, down and a resumed down, a no-op
 * run, one winner among racers, and a holder that lost its lease (stalled past it, or taken over) writing
 * nothing more. These are the Migrator scenarios every adapter shares.
 */
export function engineContract(ctx: () => EngineContext): void {
  const fresh = (): { set: string; t: (name: string) => string } => {
    const set = `eng${++sets}x${Date.now() % 100_000}`
    return { set, t: (name) => `${set}_${name}` }
  }
  const migrator = (adapter: Adapter, set: string, migrations: Migration[], extra: Partial<MigratorOptions> = {}): Migrator =>
    new Migrator({ adapter, set, migrations, snapshots: false, lint: false, placeholders: ctx().engine.placeholders, ...extra })
  const rows = async (adapter: Adapter, set: string): Promise<AppliedMigration[]> =>
    [...(await adapter.history.list(set))].sort((x, y) => x.version.localeCompare(y.version))
  /** Atomic on this adapter: the statement commits with its journal write. */
  const atomic = (text: string): boolean => ctx().a.applyAtomically !== undefined && ctx().a.traits?.(text).transactional === true

  it('engine: applies every statement once, records it, and a second up takes no lease', async () => {
    const { a, engine: e } = ctx()
    const { set, t } = fresh()
    const m = [
      fileMigration(a, '001', 'one', [e.createTable(t('a')), e.bump(t('a'), 1), e.bump(t('a'), 2)], [e.dropTable(t('a'))]),
      fileMigration(a, '002', 'two', [e.createTable(t('b')), e.bump(t('b'), 1)], [e.dropTable(t('b'))], { transactional: false }),
    ]
    const r = await migrator(a, set, m).up()
    expect(r.steps.map((s) => s.version)).toEqual(['001', '002'])
    expect([await e.count(t('a'), 1), await e.count(t('a'), 2), await e.count(t('b'), 1)]).toEqual([1, 1, 1])
    expect((await rows(a, set)).map((x) => [x.version, x.status, x.statementsDone])).toEqual([['001', 'applied', 3], ['002', 'applied', 2]])
    const again = migrator(a, set, m)
    const events: string[] = []
    again.onAny((name) => events.push(name))
    expect((await again.up()).steps).toEqual([])
    expect(events).not.toContain('lock:acquired')
  })

  it('engine: after a crash just after a DDL took effect, the rerun finds it in the live schema and never sends it again', async () => {
    const { a, engine: e, openSecond } = ctx()
    const { set, t } = fresh()
    const m = [fileMigration(a, '001', 'w', [e.createTable(t('a')), e.bump(t('a'), 1), e.createTable(t('b')), e.bump(t('b'), 1)], [], { transactional: false })]
    const crash = crashingAdapter(a, { after: (text) => (text === e.createTable(t('b')) ? crash.kill() : undefined) })
    await expect(migrator(crash.adapter, set, m).up()).rejects.toThrow()
    const b = await openSecond()
    try {
      await b.lock.forceRelease(set)
      const r = await migrator(b, set, m).up()
      expect(r.steps[0]?.resumedFrom).toBeGreaterThanOrEqual(2)
      expect([await e.count(t('a'), 1), await e.count(t('b'), 1)]).toEqual([1, 1])
      expect((await rows(b, set))[0]).toMatchObject({ status: 'applied', statementsDone: 4 })
    } finally {
      await b.close()
    }
  })

  it('engine: after a crash during an uncheckable statement, it is done or not when atomic, else the rerun stops for an operator decision (exit 7) and resolve records it', async () => {
    const { a, engine: e, openSecond } = ctx()
    const { set, t } = fresh()
    const bump = e.bump(t('a'), 1)
    const m = [fileMigration(a, '001', 'w', [e.createTable(t('a')), bump, e.bump(t('a'), 2)], [], { transactional: false })]
    const crash = crashingAdapter(a, { after: (text) => (text === bump ? crash.kill() : undefined) })
    await expect(migrator(crash.adapter, set, m).up()).rejects.toThrow()
    const b = await openSecond()
    try {
      await b.lock.forceRelease(set)
      if (!atomic(bump)) {
        const before = await rows(b, set)
        const err = await migrator(b, set, m).up().catch((x: unknown) => x)
        expect(isStrataError(err, 'E_AMBIGUOUS_STATEMENT')).toBe(true)
        expect(EXIT_CODES.E_AMBIGUOUS_STATEMENT).toBe(7)
        expect(err).toMatchObject({ version: '001', statementIndex: 2 })
        expect((await rows(b, set)).map((x) => [x.statementsDone, x.statementsStarted])).toEqual(before.map((x) => [x.statementsDone, x.statementsStarted]))
        expect(await migrator(b, set, m).resolve('001', { applied: true })).toMatchObject({ statement: 2, applied: true })
      }
      await migrator(b, set, m).up()
      expect([await e.count(t('a'), 1), await e.count(t('a'), 2)]).toEqual([1, 1])
    } finally {
      await b.close()
    }
  })

  it('engine: down is journaled: a crash mid-down leaves rolling_back, up refuses, down resumes and finishes', async () => {
    const { a, engine: e, openSecond } = ctx()
    const { set, t } = fresh()
    const m = [fileMigration(a, '001', 'w', [e.createTable(t('a')), e.createTable(t('b'))], [e.dropTable(t('b')), e.dropTable(t('a'))], { transactional: false })]
    await migrator(a, set, m).up()
    const crash = crashingAdapter(a, { after: (text) => (text === e.dropTable(t('b')) ? crash.kill() : undefined) })
    await expect(migrator(crash.adapter, set, m).down()).rejects.toThrow()
    const b = await openSecond()
    try {
      await b.lock.forceRelease(set)
      expect((await rows(b, set))[0]?.status).toBe('rolling_back')
      expect((await migrator(b, set, m).status()).rows[0]?.state).toBe('rolling_back')
      await expect(migrator(b, set, m).up()).rejects.toMatchObject({ code: 'E_ROLLBACK_INCOMPLETE' })
      const r = await migrator(b, set, m).down()
      expect(r.steps.map((s) => s.version)).toEqual(['001'])
      expect((await rows(b, set))[0]).toMatchObject({ status: 'rolled_back', statementsDone: 0 })
      const live = await b.introspect()
      expect(live.tables.map((x) => x.name).filter((n) => n.startsWith(set))).toEqual([])
      await migrator(b, set, m).up()
      expect((await rows(b, set))[0]?.status).toBe('applied')
    } finally {
      await b.close()
    }
  })

  it('engine: racing migrators apply each migration exactly once, and all of them succeed', async () => {
    const { a, engine: e, openSecond } = ctx()
    const { set, t } = fresh()
    const m = ['001', '002', '003'].map((v) => fileMigration(a, v, `r${v}`, [e.createTable(t(v)), e.bump(t(v), 1)], [], { transactional: v !== '002' }))
    const others = await Promise.all([openSecond(), openSecond(), openSecond()])
    try {
      const results = await Promise.all([a, ...others].map((x) => migrator(x, set, m, { lockWaitMs: 60_000 }).up()))
      expect(results.flatMap((r) => r.steps.map((s) => s.version)).sort()).toEqual(['001', '002', '003'])
      expect(await Promise.all(['001', '002', '003'].map((v) => e.count(t(v), 1)))).toEqual([1, 1, 1])
    } finally {
      await Promise.all(others.map((x) => x.close()))
    }
  })

  for (const how of ['stalled past its lease (monotonic clock)', 'taken over (the database refuses its writes)'] as const) {
    it(`engine: a holder ${how} stops before its next change and writes nothing; the next holder finishes`, async () => {
      const { a, engine: e, openSecond } = ctx()
      const { set, t } = fresh()
      const createB = e.createTable(t('b'))
      const m = [fileMigration(a, '001', 'w', [e.createTable(t('a')), e.bump(t('a'), 1), createB, e.bump(t('b'), 1)], [], { transactional: false })]
      const b = await openSecond()
      let now = 0
      let other: Promise<unknown> = Promise.resolve()
      let historyAfterOther: AppliedMigration[] = []
      const paused = crashingAdapter(a, {
        after: async (text) => {
          if (text !== createB) return
          // The holder stalls right after its statement took effect; meanwhile its lease is given to another run.
          if (how.startsWith('stalled')) now += 120_000
          await b.lock.forceRelease(set)
          other = migrator(b, set, m).up()
          await other
          historyAfterOther = await rows(b, set)
        },
      })
      try {
        const err = await migrator(paused.adapter, set, m, { clock: () => now }).up().catch((x: unknown) => x)
        await other
        expect(isStrataError(err, 'E_LOCK_LOST')).toBe(true)
        expect(await rows(b, set)).toEqual(historyAfterOther)
        expect(historyAfterOther[0]).toMatchObject({ status: 'applied', statementsDone: 4 })
        expect([await e.count(t('a'), 1), await e.count(t('b'), 1)]).toEqual([1, 1])
        expect((await migrator(b, set, m).up()).steps).toEqual([])
      } finally {
        await b.close()
      }
    })
  }
}
