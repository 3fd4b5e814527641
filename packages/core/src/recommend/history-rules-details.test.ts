import { describe, expect, it } from 'vitest'
import type { PlanIssue } from '../plan.js'
import type { StatusRow } from '../status.js'
import type { LockInfo } from '../types.js'
import { recommend } from './index.js'
import type { RecommendInput } from './types.js'

const NOW = new Date('2026-01-01T12:00:00Z')
const statusRow = (version: string, state: StatusRow['state'], patch: Partial<StatusRow> = {}): StatusRow => ({
  version, name: `m${version}`, description: null, file: `${version}_m${version}.sql`, kind: 'schema', state, statementsDone: 0, statementsTotal: 3, inFlight: false,
  startedAt: null, finishedAt: null, rolledBackAt: null, durationMs: null, error: null, checksumChanged: false, ...patch,
})
const input = (rows: StatusRow[], extra: Partial<RecommendInput> = {}): RecommendInput => ({
  set: 'default', now: NOW, status: { current: undefined, rows, issues: [] }, ...extra,
})
const withIssues = (rows: StatusRow[], issues: PlanIssue[], extra: Partial<RecommendInput> = {}) => recommend(input(rows, { status: { current: undefined, rows, issues }, ...extra }))
const live: LockInfo = { set: 'default', owner: 'h:7:a', token: 't', acquiredAt: NOW, expiresAt: new Date(NOW.getTime() + 30_000) }

describe('recommend: pending and waiting', () => {
  it('lists five pending migrations and counts the rest, and flags data migrations among them', () => {
    const rows = Array.from({ length: 7 }, (_, i) => statusRow(String(i + 1).padStart(3, '0'), 'pending', { kind: i === 6 ? 'data' : 'schema' }))
    const [r] = recommend(input(rows))
    expect(r?.message).toBe('7 migrations pending in set "default": 001 m001, 002 m002, 003 m003, 004 m004, 005 m005, … (2 more) ' +
      '(data migrations among them: the start-up hook applies those only with FORCE_MIGRATION)')
  })

  it('says "1 migration" for one', () => {
    expect(recommend(input([statusRow('001', 'pending')]))[0]?.message).toBe('1 migration pending in set "default": 001 m001')
  })

  it('targets the newest pending version the app supports when others wait for a newer app, and says which wait', () => {
    const rows = [statusRow('001', 'pending'), statusRow('002', 'pending', { waitingForApp: true }), statusRow('003', 'pending', { waitingForApp: true })]
    const recs = recommend(input(rows, { app: { schemaVersion: '001' } }))
    expect(recs.map((r) => [r.id, r.severity, r.command])).toEqual([['pending-migrations', 'warning', 'strata up --target 001'], ['waiting-for-app', 'info', 'strata status']])
    expect(recs[1]?.message).toBe('002 m002, 003 m003 wait for a newer app: this app supports schema version 001, so they are not applied yet')
  })

  it('uses the singular for one waiting version', () => {
    const recs = recommend(input([statusRow('002', 'pending', { waitingForApp: true })], { app: { schemaVersion: '001' } }))
    expect(recs.map((r) => r.message)).toEqual(['002 m002 waits for a newer app: this app supports schema version 001, so they are not applied yet'])
  })
})

describe('recommend: interrupted rows', () => {
  it('calls a rollback the live lock holder is running "being rolled back", and names a row without a file by its version', () => {
    const [r] = recommend(input([statusRow('002', 'rolling_back', { file: null, statementsDone: 1 })], { lock: live }))
    expect(r).toMatchObject({ id: 'migration-in-progress', severity: 'info', version: '002', command: 'strata lock status' })
    expect(r?.message).toBe('002 is being rolled back by h:7:a (1/3 statements done)')
  })

  it('counts a lock without an expiry as live', () => {
    const [r] = recommend(input([statusRow('002', 'partial', { statementsDone: 1 })], { lock: { ...live, expiresAt: null } }))
    expect(r?.id).toBe('migration-in-progress')
    expect(r?.message).toContain('is being applied by h:7:a')
  })

  it('says to rerun down after resolving a statement a rollback left in flight', () => {
    const [r] = recommend(input([statusRow('002', 'rolling_back', { statementsDone: 2, inFlight: true })]))
    expect(r?.id).toBe('statement-in-flight')
    expect(r?.message).toMatch(/then rerun down$/)
  })

  it('quotes only the first line of a rollback\'s error', () => {
    const [r] = recommend(input([statusRow('002', 'rolling_back', { statementsDone: 1, error: 'permission denied\ndetails' })]))
    expect(r?.message).toBe('002_m002.sql: a rollback stopped after 1 of 3 down statements: permission denied; `down` finishes it (up is refused until then)')
  })
})

describe('recommend: plan issues', () => {
  it('treats a tolerated out-of-order file as info, and renumbers to the file name when the set has no versions', () => {
    const recs = withIssues([], [{ code: 'E_OUT_OF_ORDER', severity: 'warning', version: '002', file: '002_b.sql', message: '002_b.sql is older than 005' }])
    expect(recs.map((r) => [r.id, r.severity])).toEqual([['out-of-order', 'info']])
    expect(recs[0]?.message).toBe('002_b.sql is older than 005. If it does not depend on the newer files apply it as is; otherwise renumber it (git mv 002_b.sql 002_b.sql)')
  })

  it('tells a code migration to change its version where it is written, for order and duplicates', () => {
    const rows = [statusRow('001', 'applied'), statusRow('003', 'applied')]
    const recs = withIssues(rows, [
      { code: 'E_OUT_OF_ORDER', severity: 'error', version: '002', file: '002_seed (code)', message: 'seed is older than 003' },
      { code: 'E_DUPLICATE_VERSION', severity: 'error', version: '003', file: '003_x (code)', message: 'duplicate version 003' },
    ])
    expect(recs.map((r) => [r.id, r.command])).toEqual([['out-of-order', 'strata up --allow-out-of-order'], ['duplicate-version', 'strata validate']])
    expect(recs[0]?.message).toContain('renumber it (set version 004 on 002_seed (code))')
    expect(recs[1]?.message).toBe('duplicate version 003: give one of them a new version (set version 004 on 003_x (code))')
  })

  it('turns any other plan issue into a validate recommendation named after its code', () => {
    const recs = withIssues([], [{ code: 'E_NO_DOWN', severity: 'warning', message: '002 has no down' }, { code: 'W_PARTIAL_ROW', severity: 'warning', message: 'skipped' }])
    expect(recs).toEqual([{ id: 'no-down', severity: 'warning', command: 'strata validate', message: '002 has no down' }])
  })

  it('reports an unexpected table as a warning that another owner may explain', () => {
    const drift = { kind: 'unexpected-table', name: 'audit', severity: 'warning', message: 'm', change: { object: 'table', change: 'added', name: 'audit' } } as const
    const validation = { issues: [{ code: 'E_VALIDATION', severity: 'warning', message: 'table audit is not made by any migration', drift }] satisfies PlanIssue[] }
    const [r] = recommend(input([], { validation }))
    expect(r).toMatchObject({ id: 'unexpected-table', severity: 'warning', command: 'strata validate' })
    expect(r?.message).toBe('table audit is not made by any migration: nothing to do if another set or service owns it; if it was made by hand, drop it or record it in a new migration')
  })

  it('reports other drift at the issue\'s severity', () => {
    const validation = { issues: [{ code: 'E_VALIDATION', severity: 'warning', message: 'index x differs' }] satisfies PlanIssue[] }
    expect(recommend(input([], { validation }))[0]).toMatchObject({ id: 'schema-drift', severity: 'warning' })
  })
})
