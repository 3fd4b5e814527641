import { describe, expect, it } from 'vitest'
import { isStrataError } from '../errors.js'
import type { MigratorEvents } from '../events.js'
import { MemoryAdapter, MemoryDatabase } from '../memory-adapter.js'
import { Migrator } from '../migrator.js'
import { migrateOnStartup } from '../startup.js'
import { sqlMigration } from '../test-helpers.js'
import type { LintRule } from './lint-rule.js'

const rule = (id: string, severity: 'error' | 'warning', word: string): LintRule => ({
  id, severity, dialect: 'sql', description: `flags ${word}`,
  *check({ statements }) {
    for (const s of statements) if (s.text.includes(word)) yield { statement: s, message: `${word}: do something else` }
  },
})
const rules = [rule('x/renames', 'error', 'RENAME'), rule('x/index', 'warning', 'INDEX')]

function adapterWithRules(db = new MemoryDatabase()): MemoryAdapter {
  return Object.assign(new MemoryAdapter({ db }), { lint: { rules } })
}

describe('Migrator.up with lint', () => {
  const migrations = [
    sqlMigration('001', ['CREATE TABLE a (id int)']),
    sqlMigration('002', ['CREATE INDEX a_id ON a (id)', 'ALTER TABLE a RENAME TO b']),
  ]

  it('an error finding in a pending file blocks the run with E_LINT before anything runs; history is untouched', async () => {
    const adapter = adapterWithRules()
    const m = new Migrator({ adapter, migrations })
    const lint: MigratorEvents['lint'][] = []
    m.on('lint', (e) => lint.push(e))
    const err = await m.up().catch((e: unknown) => e)
    expect(isStrataError(err, 'E_LINT')).toBe(true)
    expect(err).toMatchObject({ exitCode: 3, file: '002_m002.sql', version: '002', statementIndex: 2 })
    expect(adapter.db.history.size).toBe(0)
    expect(adapter.db.executed).toEqual([])
    expect(adapter.db.locks.size).toBe(0)
    expect(lint.flatMap((e) => e.findings.map((f) => `${f.version}:${f.statementIndex} ${f.rule} ${f.severity}`))).toEqual(['002:1 x/index warning', '002:2 x/renames error'])
  })

  it('a dry run is refused the same way', async () => {
    const err = await new Migrator({ adapter: adapterWithRules(), migrations }).up({ dryRun: true }).catch((e: unknown) => e)
    expect(isStrataError(err, 'E_LINT')).toBe(true)
  })

  it('lint: false (Migrator option) and up({ lint: false }) let it run', async () => {
    const a1 = adapterWithRules()
    expect((await new Migrator({ adapter: a1, migrations, lint: false }).up()).steps).toHaveLength(2)
    expect([...a1.db.history.values()].map((r) => r.status)).toEqual(['applied', 'applied'])
    const a2 = adapterWithRules()
    expect((await new Migrator({ adapter: a2, migrations }).up({ lint: false })).steps).toHaveLength(2)
  })

  it('warnings do not block and are emitted once; applied files never block', async () => {
    const db = new MemoryDatabase()
    // 002 (with the error) goes in without lint; afterwards it is history and never blocks again.
    await new Migrator({ adapter: adapterWithRules(db), migrations, lint: false }).up()
    const more = [...migrations, sqlMigration('003', ['CREATE INDEX a_x ON b (x)'])]
    const m = new Migrator({ adapter: adapterWithRules(db), migrations: more })
    const lint: MigratorEvents['lint'][] = []
    m.on('lint', (e) => lint.push(e))
    const r = await m.up()
    expect(r.steps.map((s) => s.version)).toEqual(['003'])
    expect(lint).toHaveLength(1)
    expect(lint[0]?.findings.map((f) => `${f.version} ${f.rule}`)).toEqual(['003 x/index'])
  })

  it('rules and profile can be given to the Migrator; an adapter without rules lints nothing', async () => {
    const plain = new MemoryAdapter()
    expect((await new Migrator({ adapter: plain, migrations }).up()).steps).toHaveLength(2)
    const err = await new Migrator({ adapter: new MemoryAdapter(), migrations, lint: { rules } }).up().catch((e: unknown) => e)
    expect(isStrataError(err, 'E_LINT')).toBe(true)
  })

  it('a disable comment in the file lets the run through', async () => {
    const silenced = [migrations[0]!, sqlMigration('002', ['ALTER TABLE a RENAME TO b'], { lintDisable: ['x/renames'] })]
    expect((await new Migrator({ adapter: adapterWithRules(), migrations: silenced }).up()).steps).toHaveLength(2)
  })

  it('the start-up hook: an error refuses AUTO_MIGRATE, warnings are logged, lint: false lets it through', async () => {
    const warnings: string[] = []
    const logger = { info: () => {}, warn: (m: string) => void warnings.push(m) }
    const db = { name: 'cockroachdb', adapter: adapterWithRules(), migrations }
    const err = await migrateOnStartup({ databases: [db], env: { AUTO_MIGRATE: 'true' }, logger }).catch((e: unknown) => e)
    expect(isStrataError(err, 'E_LINT')).toBe(true)
    expect(warnings.join('\n')).toContain('lint x/index in 002_m002.sql statement 1')
    const [r] = await migrateOnStartup({ databases: [{ ...db, lint: false }], env: { AUTO_MIGRATE: 'true' }, logger })
    expect(r?.applied.map((s) => s.version)).toEqual(['001', '002'])
  })
})
