import { describe, expect, it } from 'vitest'
import type { Settings } from '../settings.js'
import { commandStyle } from './recommendations.js'

const settings = (patch: Partial<Settings>): Settings => ({
  db: 'scylladb', set: 'default', dir: 'migrations/scylladb', placeholders: {},
  scylladb: { contactPoints: ['127.0.0.1'], localDataCenter: 'dc1', keyspace: 'app', replication: { class: 'SimpleStrategy', replicationFactor: 1 }, allowDownNodes: false },
  cockroachdb: { url: 'postgresql://app:secret@db:26257/app', forcePerStatement: false },
  lockTtlMs: 30_000, lockWaitMs: 120_000, allowOutOfOrder: false, profile: 'development', warnings: [], hasDir: true, backup: { enabled: false, dir: '.strata/backups' }, ...patch,
})

describe('recommendations command style', () => {
  it('repeats db, keyspace, a non-default set and dir, quoted for the shell', () => {
    expect(commandStyle(settings({}))).toEqual({ program: 'strata', args: '--db scylladb --keyspace app', dir: 'migrations/scylladb' })
    expect(commandStyle(settings({ set: 'billing', dir: 'my migrations' })).args).toBe("--db scylladb --keyspace app --set billing --dir 'my migrations'")
  })

  it('repeats the table prefix of --db alternator (nothing when there is none)', () => {
    expect(commandStyle(settings({ db: 'alternator', dir: 'migrations/alternator', alternator: { tablePrefix: 'app_' } })).args).toBe('--db alternator --table-prefix app_')
    expect(commandStyle(settings({ db: 'alternator', dir: 'migrations/alternator' })).args).toBe('--db alternator')
  })

  it('never repeats a connection URL (it may hold a password)', () => {
    const s = commandStyle(settings({ db: 'cockroachdb', dir: 'migrations/cockroachdb' }))
    expect(s.args).toBe('--db cockroachdb')
    expect(JSON.stringify(s)).not.toContain('secret')
  })

  it('writes an empty keyspace as \'\' when none is known, so the command stays well-formed', () => {
    expect(commandStyle(settings({ scylladb: { contactPoints: ['127.0.0.1'] } as Settings['scylladb'] })).args).toBe("--db scylladb --keyspace ''")
  })
})
