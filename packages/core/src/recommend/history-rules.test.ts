import { describe, expect, it } from 'vitest'
import { MemoryAdapter, MemoryDatabase } from '../memory-adapter.js'
import { Migrator } from '../migrator.js'
import type { PlanIssue } from '../plan.js'
import type { StatusRow } from '../status.js'
import { sqlMigration } from '../test-helpers.js'
import type { LockInfo } from '../types.js'
import { recommend } from './index.js'
import type { RecommendInput } from './types.js'

const NOW = new Date('2026-01-01T12:00:00Z')
const statusRow = (version: string, state: StatusRow['state'], patch: Partial<StatusRow> = {}): StatusRow => ({
  version, name: `m${version}`, description: null, file: `${version}_m${version}.cql`, kind: 'schema', state, statementsDone: 0, statementsTotal: 3, inFlight: false,
  startedAt: null, finishedAt: null, rolledBackAt: null, durationMs: null, error: null, checksumChanged: false, ...patch,
})
const input = (rows: StatusRow[], extra: Partial<RecommendInput> = {}): RecommendInput => ({
  set: 'default', now: NOW, status: { current: rows.filter((r) => r.state === 'applied').at(-1)?.version, rows, issues: [] }, ...extra,
})
const ids = (i: RecommendInput): string[] => recommend(i).map((r) => r.id)

describe('recommend: history', () => {
  it('nothing to recommend for a set that is fully applied', () => {
    expect(recommend(input([statusRow('001', 'applied'), statusRow('002', 'applied')]))).toEqual([])
  })

  it('pending migrations → strata up (with the set and CLI flags)', () => {
    const [r] = recommend(input([statusRow('001', 'applied'), statusRow('002', 'pending'), statusRow('003', 'pending')], { set: 'billing' }))
    expect(r).toMatchObject({ id: 'pending-migrations', severity: 'warning', command: 'strata up --set billing' })
    expect(r?.message).toContain('2 migrations pending')
    expect(r?.message).toContain('002 m002, 003 m003')
    const cli = recommend(input([statusRow('001', 'pending')], { cli: { program: 'strata-scylladb', args: '--keyspace app' } }))
    expect(cli[0]?.command).toBe('strata-scylladb up --keyspace app')
  })

  it('a failed row (nothing applied) is critical: fix, then up reruns it', () => {
    const [r] = recommend(input([statusRow('001', 'applied'), statusRow('002', 'failed', { error: 'Undefined column name x\nmore' })], { cli: { dir: 'migrations/scylladb' } }))
    expect(r).toMatchObject({ id: 'failed-migration', severity: 'critical', version: '002', command: 'strata up' })
    expect(r?.message).toContain('migrations/scylladb/002_m002.cql failed')
    expect(r?.message).toContain('Undefined column name x')
    expect(r?.message).not.toContain('more')
  })

  it('a statement left in flight that cannot be checked → resolve (critical); a half-done rollback → down', () => {
    const [r] = recommend(input([statusRow('002', 'partial', { statementsDone: 4, inFlight: true })]))
    expect(r).toMatchObject({ id: 'statement-in-flight', severity: 'critical', command: 'strata resolve 002 --applied' })
    expect(r?.message).toContain('statement 5')
    expect(r?.message).toContain('--not-applied')
    const [d] = recommend(input([statusRow('001', 'applied'), statusRow('002', 'rolling_back', { statementsDone: 1 })]))
    expect(d).toMatchObject({ id: 'rollback-incomplete', severity: 'critical', command: 'strata down' })
    expect(d?.message).toContain('after 1 of 3 down statements')
  })

  it('a partial row resumes with up, naming the next statement; while its run holds the lock it is only info', () => {
    const partial = statusRow('002', 'partial', { statementsDone: 2, error: 'boom' })
    const [r] = recommend(input([partial]))
    expect(r).toMatchObject({ id: 'partial-migration', severity: 'critical', command: 'strata up' })
    expect(r?.message).toContain('after statement 2 of 3')
    expect(r?.message).toContain('resume at statement 3')
    const live: LockInfo = { set: 'default', owner: 'h:1:a', token: 't', acquiredAt: NOW, expiresAt: new Date(NOW.getTime() + 30_000) }
    expect(recommend(input([partial], { lock: live })).map((x) => [x.id, x.severity])).toEqual([['migration-in-progress', 'info'], ['lock-held', 'info']])
  })

  it('plan issues: checksum drift → repair, missing file → git log, out-of-order → allow or renumber, duplicates → git mv', () => {
    const issues: PlanIssue[] = [
      { code: 'E_CHECKSUM_MISMATCH', severity: 'error', version: '001', file: '001_a.cql', message: '001_a.cql changed after it was applied' },
      { code: 'E_MISSING_FILE', severity: 'error', version: '004', message: 'version 004 (d) is recorded as applied but no file has that version' },
      { code: 'E_OUT_OF_ORDER', severity: 'error', version: '002', file: '002_b.cql', message: '002_b.cql is older than the newest applied version 005' },
      { code: 'E_DUPLICATE_VERSION', severity: 'error', version: '003', file: '003_y.cql', message: 'duplicate version 003: 003_x.cql and 003_y.cql' },
      { code: 'W_FAILED_ROW', severity: 'warning', version: '006', message: 'handled by the rows' },
    ]
    const rows = ['001', '003', '005'].map((v) => statusRow(v, 'applied'))
    const recs = recommend(input(rows, { status: { current: '005', rows, issues }, cli: { dir: 'm' } }))
    expect(recs.map((r) => [r.id, r.severity, r.command])).toEqual([
      ['checksum-drift', 'critical', 'strata repair'],
      ['missing-file', 'critical', "git log --diff-filter=D --name-only -- '*004_*'"],
      ['out-of-order', 'critical', 'strata up --allow-out-of-order'],
      ['duplicate-version', 'critical', 'git mv m/003_y.cql m/006_y.cql'],
    ])
    expect(recs[0]?.message).toContain('git checkout -- m/001_a.cql')
    expect(recs[2]?.message).toContain('git mv m/002_b.cql m/006_b.cql')
  })

  it('an edited journal prefix → restore it, then up', () => {
    const issues: PlanIssue[] = [{ code: 'E_PARTIAL_EDITED', severity: 'error', version: '002', file: '002_m002.cql', message: '002_m002.cql: statement 1 was already applied by an interrupted run and has since been edited: X. Restore it (only…)' }]
    const rows = [statusRow('002', 'partial', { statementsDone: 1 })]
    expect(recommend(input(rows, { status: { current: undefined, rows, issues } })).map((r) => r.id)).toEqual(['partial-edited'])
  })

  it('drift from validate is reported (pending files from validate are not repeated)', () => {
    const rows = [statusRow('001', 'applied'), statusRow('002', 'pending')]
    const validation = { issues: [
      { code: 'E_VALIDATION', severity: 'warning', version: '002', file: '002_m002.cql', message: '002_m002.cql is pending' },
      { code: 'E_VALIDATION', severity: 'error', version: '001', message: 'table users: column email (text) is missing from the live schema' },
      { code: 'E_VALIDATION', severity: 'error', message: 'cannot read the live schema: timeout' },
    ] satisfies PlanIssue[] }
    const recs = recommend(input(rows, { validation }))
    expect(recs.map((r) => [r.id, r.severity])).toEqual([['schema-drift', 'critical'], ['live-schema-unreadable', 'warning'], ['pending-migrations', 'warning']])
    expect(recs[0]?.message).toContain('column email')
    expect(recs[0]?.command).toBe('strata create "record manual schema change"')
  })
})

describe('recommend: lock', () => {
  const lock = (patch: Partial<LockInfo>): LockInfo => ({ set: 'default', owner: 'host-a:4242:x1', token: 't', acquiredAt: new Date(NOW.getTime() - 60_000), expiresAt: new Date(NOW.getTime() + 20_000), ...patch })

  it('an expired lease (its owner stopped renewing) → lock release --force after checking the process', () => {
    const [r] = recommend(input([], { lock: lock({ expiresAt: new Date(NOW.getTime() - 90_000) }) }))
    expect(r).toMatchObject({ id: 'stale-lock', severity: 'warning', command: 'strata lock release --force' })
    expect(r?.message).toContain('expired 90 s ago')
    expect(r?.message).toContain('process 4242 on host-a')
  })

  it('a lease renewed for hours is a warning; a fresh one is info; none is nothing', () => {
    expect(ids(input([], { lock: lock({ acquiredAt: new Date(NOW.getTime() - 3 * 3_600_000) }) }))).toEqual(['long-held-lock'])
    expect(recommend(input([], { lock: lock({}) }))[0]).toMatchObject({ id: 'lock-held', severity: 'info', command: 'strata lock status' })
    expect(recommend(input([], { lock: null }))).toEqual([])
  })
})

describe('Migrator.recommendations', () => {
  it('reads status, lock and validation from the adapter; critical first', async () => {
    const db = new MemoryDatabase()
    const migrations = ['001', '002', '003'].map((v) => sqlMigration(v, [`CREATE TABLE t${v} (id int)`]))
    const failing = new MemoryAdapter({ db, failOn: (t) => t.includes('t002') })
    await new Migrator({ adapter: failing, migrations }).up().catch(() => {})
    db.locks.set('default', { set: 'default', owner: 'h:1:a', token: 't', acquiredAt: new Date(0), expiresAt: new Date(1000) })
    const recs = await new Migrator({ adapter: new MemoryAdapter({ db }), migrations }).recommendations({ cli: { args: '--db scylladb' } })
    expect(recs.map((r) => [r.id, r.severity, r.command])).toEqual([
      ['failed-migration', 'critical', 'strata up --db scylladb'],
      ['stale-lock', 'warning', 'strata lock release --force --db scylladb'],
      ['pending-migrations', 'warning', 'strata up --db scylladb'],
    ])
    expect(db.locks.size).toBe(1) // read-only
  })
})
