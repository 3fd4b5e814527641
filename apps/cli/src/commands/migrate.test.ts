import { parseVersion, type Plan, type RunResult } from '@strata-migrate/core/adapter-kit'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { fakeSettings, recordingOutput } from '../test-helpers.js'

// up/down over a stand-in Migrator (runs are core's, and e2e-tested against real databases): the plans and results
// here are the ones whose printing and documents are pinned down.
const state = vi.hoisted(() => ({ m: {} as Record<string, unknown>, confirmed: [] as unknown[] }))
vi.mock('../context.js', () => ({
  withMigrator: async (_s: unknown, _out: unknown, fn: (m: unknown) => Promise<unknown>) => fn(state.m),
}))
vi.mock('./confirm-rollback.js', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  confirmRollback: async (plan: Plan, set: string) => (state.confirmed.push([plan.steps.length, set]), ['003', '002']),
}))

const { downCommand, upCommand } = await import('./migrate.js')

const step = (version: string, direction: 'up' | 'down', patch: Record<string, unknown> = {}) => ({
  direction, resumeFrom: 0,
  migration: {
    version: parseVersion(version), name: `m${version}`, kind: 'schema', file: `${version}_m${version}.sql`, downFile: undefined,
    statements: [{ text: 'CREATE TABLE ${schema}.a (id INT)' }, { text: 'SELECT\n1' }], downStatements: undefined, ...patch,
  },
})
const run = (patch: Partial<RunResult> & { planSteps?: unknown[] }): RunResult => ({
  direction: 'up', dryRun: false, steps: [], lockWaitMs: 0, ...patch,
  plan: { direction: patch.direction ?? 'up', steps: patch.planSteps ?? [], issues: [{ severity: 'warning', code: 'W', message: 'w' }, { severity: 'error', code: 'E', message: 'e' }] },
} as unknown as RunResult)

describe('strata up and down', () => {
  let asked: Record<string, unknown>[]
  beforeEach(() => {
    asked = []
    state.confirmed = []
  })

  it('up --dry-run with nothing pending says so, and would create the database', async () => {
    state.m = { on: () => undefined, up: async (o: Record<string, unknown>) => (asked.push(o), run({ dryRun: true, createdTarget: 'database app' })) }
    const out = recordingOutput()
    const doc = await upCommand(fakeSettings(), out, { dryRun: true, schemaOnly: true, create: false, lint: false })
    expect(asked[0]).toMatchObject({ dryRun: true, kinds: ['schema'], createTarget: false, lint: false })
    expect(out.printed).toEqual(['would create database app', 'nothing to apply in set "default"'])
    expect(doc).toMatchObject({ command: 'up', dryRun: true, wouldCreate: 'database app', nothingToDo: false, plan: [], warnings: [{ code: 'W' }], lint: [] })
    expect(doc).not.toHaveProperty('created')
  })

  it('up --dry-run prints each step, its placeholders filled, a resumed one from its statement, and a code migration as such', async () => {
    state.m = {
      on: () => undefined,
      up: async () => run({ dryRun: true, planSteps: [step('002', 'up', { }), { ...step('003', 'up', { upFn: async () => undefined, statements: undefined, file: '003_m003.ts' }), resumeFrom: 0 }, { ...step('004', 'up'), resumeFrom: 1 }] }),
    }
    const out = recordingOutput()
    const doc = await upCommand(fakeSettings({ placeholders: { schema: 'app' } }), out, {})
    expect(out.printed).toEqual([
      '002  002_m002.sql', '  1. CREATE TABLE app.a (id INT);', '  2. SELECT\n     1;',
      '003  003_m003.ts', '  (code migration)',
      '004  004_m004.sql  (resume at statement 2)', '  2. SELECT\n     1;',
    ])
    expect(doc.plan?.map((p) => [p.version, p.code, p.statements.length])).toEqual([['002', false, 2], ['003', true, 0], ['004', false, 1]])
  })

  it('up that ran reports what it applied and created, and where it stopped before a data migration', async () => {
    state.m = {
      on: (_: string, fn: (e: unknown) => void) => fn({ findings: [{ rule: 'sql/x', severity: 'warning' }] }),
      up: async () => run({ createdTarget: 'database app', steps: [{ version: '001', durationMs: 700 }, { version: '002', durationMs: 800 }] as RunResult['steps'], blockedBy: { version: '003', kind: 'data' } as RunResult['blockedBy'] }),
    }
    const out = recordingOutput()
    const doc = await upCommand(fakeSettings(), out, {})
    expect(out.printed).toEqual(['applied 2 migrations in 1.50 s (set "default")'])
    expect(doc).toMatchObject({ created: 'database app', nothingToDo: false, blockedBy: { version: '003' }, lint: [{ rule: 'sql/x' }] })
    expect(doc).not.toHaveProperty('plan')
  })

  it('down with nothing to roll back says the set is up to date; a dry one that plans nothing says so too', async () => {
    state.m = { on: () => undefined, down: async (o: Record<string, unknown>) => (asked.push(o), run({ direction: 'down', dryRun: o.dryRun === true })) }
    const out = recordingOutput()
    const doc = await downCommand(fakeSettings(), out, { steps: '1', allowDowngrade: true })
    expect(asked[0]).toMatchObject({ steps: 1, allowDowngrade: true })
    expect(out.printed).toEqual(['nothing to roll back: set "default" is up to date'])
    expect(doc).toMatchObject({ command: 'down', nothingToDo: true })
    const dry = recordingOutput()
    await downCommand(fakeSettings(), dry, { dryRun: true, steps: '3' })
    expect(dry.printed).toEqual(['nothing to roll back in set "default"'])
    expect(state.confirmed).toEqual([])
  })

  it('down of more than one migration confirms first, then runs with the confirmed plan as its stop signal', async () => {
    state.m = {
      on: () => undefined,
      down: async (o: Record<string, unknown>) => (asked.push(o), o.dryRun
        ? run({ direction: 'down', dryRun: true, planSteps: [step('003', 'down', { downFile: '003_m003.down.sql', downStatements: [{ text: 'DROP TABLE a' }] }), step('002', 'down')] })
        : run({ direction: 'down', steps: [{ version: '003', durationMs: 5 }, { version: '002', durationMs: 5 }] as RunResult['steps'] })),
    }
    const out = recordingOutput()
    const doc = await downCommand(fakeSettings({ set: 'billing' }), out, { to: '001' })
    expect(state.confirmed).toEqual([[2, 'billing']])
    expect(asked.map((o) => o.dryRun)).toEqual([true, undefined])
    expect(asked[1]?.stop).toBeInstanceOf(AbortSignal)
    expect(out.printed).toEqual(['rolled back 2 migrations in 10 ms (set "billing")'])
    expect(doc).toMatchObject({ command: 'down', steps: [{ version: '003' }, { version: '002' }] })
  })

  it('down --dry-run prints the down files and their statements (a migration without a down file shows its own)', async () => {
    state.m = {
      on: () => undefined,
      down: async () => run({ direction: 'down', dryRun: true, planSteps: [step('003', 'down', { downFile: '003_m003.down.sql', downStatements: [{ text: 'DROP TABLE a' }] }), step('002', 'down')] }),
    }
    const out = recordingOutput()
    const doc = await downCommand(fakeSettings(), out, { dryRun: true })
    expect(out.printed).toEqual(['003  003_m003.down.sql', '  1. DROP TABLE a;', '002  002_m002.sql'])
    expect(doc.plan).toEqual([
      { version: '003', name: 'm003', file: '003_m003.down.sql', kind: 'schema', direction: 'down', resumeFrom: 0, statements: ['DROP TABLE a'], code: false },
      { version: '002', name: 'm002', file: '002_m002.sql', kind: 'schema', direction: 'down', resumeFrom: 0, statements: [], code: false },
    ])
  })

  it('up with nothing to apply says the set is up to date', async () => {
    state.m = { on: () => undefined, up: async () => run({}) }
    const out = recordingOutput()
    expect(await upCommand(fakeSettings(), out, {})).toMatchObject({ nothingToDo: true, steps: [] })
    expect(out.printed).toEqual(['nothing to apply: set "default" is up to date'])
  })
})
