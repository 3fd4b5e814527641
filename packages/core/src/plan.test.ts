import { describe, expect, it } from 'vitest'
import { computePlan, planError } from './plan.js'
import { codeMigration, row, sqlMigration } from './test-helpers.js'

const m1 = sqlMigration('001', ['CREATE TABLE t001 (id int)'])
const m2 = sqlMigration('002', ['CREATE TABLE t002 (id int)', 'CREATE INDEX i2 ON t002 (id)', 'INSERT INTO t002 VALUES (1)'])
const m3 = sqlMigration('003', ['CREATE TABLE t003 (id int)'])
const versions = (p: ReturnType<typeof computePlan>) => p.steps.map((s) => s.migration.version.raw)
const codes = (p: ReturnType<typeof computePlan>) => p.issues.map((i) => i.code)

describe('computePlan up', () => {
  it('plans every pending migration in version order', () => {
    const p = computePlan({ available: [m3, m1, m2], applied: [], direction: 'up' })
    expect(versions(p)).toEqual(['001', '002', '003'])
    expect(p.issues).toEqual([])
  })

  it('plans nothing when everything is applied (a result, not an error)', () => {
    const p = computePlan({ available: [m1, m2], applied: [row('001', m1), row('002', m2)], direction: 'up' })
    expect(p.steps).toEqual([])
    expect(planError(p)).toBeUndefined()
  })

  it('stops at the target version, inclusive', () => {
    const p = computePlan({ available: [m1, m2, m3], applied: [], direction: 'up', target: '2' })
    expect(versions(p)).toEqual(['001', '002'])
  })

  it('refuses an unknown target', () => {
    const p = computePlan({ available: [m1], applied: [], direction: 'up', target: '007' })
    expect(planError(p)?.code).toBe('E_UNKNOWN_TARGET')
  })

  it('detects duplicate versions, naming both files', () => {
    const dup = sqlMigration('1', ['SELECT 1'], { file: '1_other.sql' })
    const err = planError(computePlan({ available: [m1, dup], applied: [], direction: 'up' }))
    expect(err?.code).toBe('E_DUPLICATE_VERSION')
    expect(err?.message).toContain('001_m001.sql')
    expect(err?.message).toContain('1_other.sql')
  })

  it('detects an applied version missing on disk, unless allowed', () => {
    const applied = [row('001', m1), row('002', m2)]
    expect(planError(computePlan({ available: [m1], applied, direction: 'up' }))).toMatchObject({ code: 'E_MISSING_FILE', version: '002' })
    expect(planError(computePlan({ available: [m1], applied, direction: 'up', options: { allowMissing: true } }))).toBeUndefined()
  })

  it('ignores a rolled-back row whose file is gone', () => {
    const p = computePlan({ available: [m1], applied: [row('001', m1), row('002', m2, { status: 'rolled_back' })], direction: 'up' })
    expect(planError(p)).toBeUndefined()
  })

  it('detects checksum drift of an applied file', () => {
    const err = planError(computePlan({ available: [m1], applied: [row('001', m1, { checksum: 'old' })], direction: 'up' }))
    expect(err).toMatchObject({ code: 'E_CHECKSUM_MISMATCH', file: '001_m001.sql' })
  })

  it('refuses a new file older than the newest applied, unless out-of-order is allowed', () => {
    const applied = [row('001', m1), row('003', m3)]
    expect(planError(computePlan({ available: [m1, m2, m3], applied, direction: 'up' }))).toMatchObject({ code: 'E_OUT_OF_ORDER', version: '002' })
    const p = computePlan({ available: [m1, m2, m3], applied, direction: 'up', options: { allowOutOfOrder: true } })
    expect(planError(p)).toBeUndefined()
    expect(versions(p)).toEqual(['002'])
    expect(codes(p)).toEqual(['E_OUT_OF_ORDER'])
  })

  it('resumes a partial row at its first unapplied statement', () => {
    const partial = row('002', m2, { status: 'failed', statementsDone: 2, statementHashes: m2.statements!.slice(0, 2).map((s) => s.hash), error: 'boom' })
    const p = computePlan({ available: [m1, m2], applied: [row('001', m1), partial], direction: 'up' })
    expect(p.steps[0]).toMatchObject({ resumeFrom: 2 })
    expect(p.steps[0]?.priorHashes).toHaveLength(2)
    expect(codes(p)).toEqual(['W_FAILED_ROW'])
  })

  it('resumes a crashed (still running) row too', () => {
    const crashed = row('002', m2, { status: 'running', statementsDone: 1, statementHashes: [m2.statements![0]!.hash] })
    const p = computePlan({ available: [m2], applied: [crashed], direction: 'up' })
    expect(p.steps[0]?.resumeFrom).toBe(1)
    expect(codes(p)).toEqual(['W_PARTIAL_ROW'])
  })

  it('refuses a partial file whose applied statement was edited, showing the statement', () => {
    const edited = sqlMigration('002', ['CREATE TABLE t002 (id bigint)', 'CREATE INDEX i2 ON t002 (id)'])
    const partial = row('002', m2, { status: 'failed', statementsDone: 1, statementHashes: [m2.statements![0]!.hash] })
    const err = planError(computePlan({ available: [edited], applied: [partial], direction: 'up' }))
    expect(err).toMatchObject({ code: 'E_PARTIAL_EDITED', statementIndex: 1, statement: 'CREATE TABLE t002 (id bigint)' })
  })

  it('allows editing the unapplied tail of a partial file', () => {
    const fixed = sqlMigration('002', ['CREATE TABLE t002 (id int)', 'CREATE INDEX i2_fixed ON t002 (id)'])
    const partial = row('002', m2, { status: 'failed', statementsDone: 1, statementHashes: [m2.statements![0]!.hash] })
    const p = computePlan({ available: [fixed], applied: [partial], direction: 'up' })
    expect(planError(p)).toBeUndefined()
    expect(p.steps[0]?.resumeFrom).toBe(1)
  })

  it('reruns a failed transactional migration from the start', () => {
    const failed = row('002', m2, { status: 'failed', statementsDone: 0, statementHashes: [] })
    const p = computePlan({ available: [m2], applied: [failed], direction: 'up', options: { transactionalDdl: true } })
    expect(p.steps[0]?.resumeFrom).toBe(0)
  })

  it('stops before a pending migration of a kind not selected', () => {
    const data = sqlMigration('002', ['UPDATE t SET x = 1'], { kind: 'data' })
    const p = computePlan({ available: [m1, data, m3], applied: [], direction: 'up', kinds: ['schema'] })
    expect(versions(p)).toEqual(['001'])
    expect(p.blockedBy?.version.raw).toBe('002')
  })
})

describe('computePlan down', () => {
  const applied = [row('001', m1), row('002', m2), row('003', m3)]

  it('rolls back one step by default, newest first', () => {
    expect(versions(computePlan({ available: [m1, m2, m3], applied, direction: 'down' }))).toEqual(['003'])
  })

  it('rolls back N steps', () => {
    expect(versions(computePlan({ available: [m1, m2, m3], applied, direction: 'down', steps: 2 }))).toEqual(['003', '002'])
  })

  it('rolls back to a version (exclusive), or everything with 0', () => {
    expect(versions(computePlan({ available: [m1, m2, m3], applied, direction: 'down', target: '001' }))).toEqual(['003', '002'])
    expect(versions(computePlan({ available: [m1, m2, m3], applied, direction: 'down', target: '0' }))).toEqual(['003', '002', '001'])
  })

  it('skips rows already rolled back', () => {
    const p = computePlan({ available: [m1, m2, m3], applied: [row('001', m1), row('002', m2), row('003', m3, { status: 'rolled_back' })], direction: 'down' })
    expect(versions(p)).toEqual(['002'])
  })

  it('refuses before anything runs when a migration in range has no down', () => {
    const noDown = sqlMigration('002', ['SELECT 1'], { downStatements: undefined, downFile: undefined })
    const code = codeMigration('003', async () => {})
    const p = computePlan({ available: [m1, noDown, code], applied: [row('001', m1), row('002', noDown), row('003', code)], direction: 'down', steps: 3 })
    const err = planError(p)
    expect(err?.code).toBe('E_NO_DOWN')
    expect(p.issues.filter((i) => i.code === 'E_NO_DOWN').map((i) => i.version)).toEqual(['003', '002'])
  })

  it('refuses an unknown target version', () => {
    expect(planError(computePlan({ available: [m1, m2, m3], applied, direction: 'down', target: '005' }))?.code).toBe('E_UNKNOWN_TARGET')
  })
})
