import type { Migrator, MigratorEvents } from '@strata-migrate/core/adapter-kit'
import { StrataError } from '@strata-migrate/core/adapter-kit'
import { afterEach, describe, expect, it } from 'vitest'
import { attachProgress } from './progress.js'
import { captureStdio, recordingOutput } from './test-helpers.js'

/** A stand-in Migrator: the listeners attachProgress registers, and a way to fire them. */
function fakeMigrator() {
  const listeners = new Map<string, (e: unknown) => void>()
  const m = { on: (name: string, fn: (e: unknown) => void) => void listeners.set(name, fn) } as unknown as Migrator
  const emit = <K extends keyof MigratorEvents>(name: K, e: MigratorEvents[K]) => listeners.get(name)?.(e)
  return { m, emit }
}

describe('progress lines of a migration run', () => {
  let io: ReturnType<typeof captureStdio> | undefined
  afterEach(() => io?.restore())

  it('on a terminal draws live statement and backup counters on stderr and clears them before the next log line', () => {
    const out = recordingOutput({ interactive: true })
    const { m, emit } = fakeMigrator()
    attachProgress(m, out)
    io = captureStdio()
    emit('migration:start', { version: '002', name: 'add', file: '002_add.sql', direction: 'up', resumeFrom: 2, statementsTotal: 5 })
    emit('statement:done', { version: '002', index: 3, total: 0, durationMs: 12, agreementWaitMs: 0, text: 'x' })
    emit('statement:done', { version: '002', index: 4, total: 5, durationMs: 1500, agreementWaitMs: 0, text: 'y' })
    emit('migration:done', { version: '002', name: 'add', direction: 'up', durationMs: 2000, agreementWaitMs: 40, statements: 5 })
    emit('backup', { type: 'backup:progress', id: 'b1', table: 'users', rows: 1200, bytes: 10, rowsPerSecond: 2400 })
    emit('backup', { type: 'backup:table', id: 'b1', table: 'users', rows: 1200, bytes: 34567 })
    emit('migration:failed', { version: '003', name: 'x', direction: 'up', error: new StrataError('E_MIGRATION_FAILED', 'boom') })
    io.restore()
    // The live counters went to stderr, each cleared before what followed; "?" when the total is unknown.
    expect(io.stderr()).toBe('  statement 3/? 12 ms\r\x1b[K  statement 4/5 1.50 s\r\x1b[K  backup users: 1,200 rows, 2,400 rows/s\r\x1b[K')
    expect(out.logged).toEqual([
      '→ 002 add (resuming at statement 3)',
      '  ✓ 002 applied (5 statements, 2.00 s, schema agreement 40 ms)',
      '  backup users: 1,200 rows, 34,567 bytes',
      '  ✗ 003 failed',
    ])
  })

  it('off a terminal prints no live counters, only whole lines for every event it renders', () => {
    const out = recordingOutput({ interactive: false })
    const { m, emit } = fakeMigrator()
    attachProgress(m, out)
    io = captureStdio()
    emit('file:ignored', { file: 'notes.txt', reason: 'not a migration file' })
    emit('target:created', { what: 'database app' })
    emit('lock:waiting', { set: 'default', holder: null })
    emit('lock:waiting', { set: 'default', holder: { set: 'default', owner: 'host:42', token: 't', acquiredAt: new Date(0), expiresAt: null } })
    emit('lock:lost', { set: 'default', error: new StrataError('E_LOCK_LOST', 'the lease was lost') })
    emit('migration:start', { version: '004', name: 'drop', file: '004_drop.down.sql', direction: 'down', resumeFrom: 0, statementsTotal: 1 })
    emit('statement:done', { version: '004', index: 1, total: 1, durationMs: 3, agreementWaitMs: 0, text: 'x' })
    emit('statement:skipped', { version: '004', index: 1, reason: 'already applied (journaled)' })
    emit('statement:skipped', { version: '004', index: 2, reason: 'resolved as applied' })
    emit('migration:done', { version: '004', name: 'drop', direction: 'down', durationMs: 3, agreementWaitMs: 0, statements: 1 })
    emit('migration:blocked', { version: '005', name: 'backfill', kind: 'data' })
    emit('step:destructive', { version: '004', direction: 'down', reasons: ['drops a table'], tables: ['users'], backup: true })
    emit('step:destructive', { version: '004', direction: 'down', reasons: ['drops a column'], tables: ['users'], backup: false })
    emit('step:destructive', { version: '006', direction: 'up', reasons: ['data migration'], tables: [], backup: false })
    emit('backup', { type: 'backup:start', id: 'b1', tables: ['users'], resumed: false })
    emit('backup', { type: 'backup:start', id: 'b2', tables: ['users'], resumed: true })
    emit('backup', { type: 'backup:progress', id: 'b2', table: 'users', rows: 1, bytes: 1, rowsPerSecond: 1 })
    emit('backup', { type: 'backup:table', id: 'b2', table: 'audit', rows: 0, bytes: 0, skipped: 'table does not exist' })
    emit('backup', { type: 'backup:done', id: 'b2', rows: 1, bytes: 9, durationMs: 1200 })
    emit('log', { level: 'info', message: 'hello from a code migration' })
    emit('lint', { findings: [
      { rule: 'sql/x', severity: 'error', message: 'an error', file: '001_a.sql' },
      { rule: 'sql/y', severity: 'warning', message: 'a warning', file: '001_a.sql', statementIndex: 2, line: 7 },
    ] as unknown as MigratorEvents['lint']['findings'] })
    io.restore()
    expect(io.stderr()).toBe('')
    expect(out.logged).toEqual([
      'ignored notes.txt: not a migration file',
      'created database app',
      'waiting for the migration lock of set "default" held by another process…',
      'waiting for the migration lock of set "default" held by host:42…',
      'the lease was lost',
      '← 004 drop',
      '  statement 2 skipped: resolved as applied',
      '  ✓ 004 rolled back (1 statement, 3 ms)',
      'stopped before 005 backfill: a data migration (run it explicitly)',
      '! 004 down is destructive: drops a table; tables: users — backing up first',
      '! 004 down is destructive: drops a column; tables: users — no backup (--backup keeps the rows first)',
      '! 006 up is destructive: data migration — no table to back up',
      '  backup b1',
      '  backup b2 (resuming an interrupted one)',
      '  backup audit: skipped (table does not exist)',
      '  backup b2 done: 1 row in 1.20 s (strata backup restore b2)',
      '  hello from a code migration',
      'lint: 001_a.sql:2 (line 7)  warning  sql/y\n    a warning',
    ])
  })
})
