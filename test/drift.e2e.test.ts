/**
 * Real drift is still found, on both databases and from both kinds of truth: the snapshot recorded after the
 * newest applied version (a default `up`), and the replay of the applied migrations into a scratch
 * keyspace/database (`up --no-snapshots`: no snapshot to compare with). Each change is reverted before the next.
 */
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { REPO, strata } from './support/cli.js'
import { cockroachTarget, scyllaTarget, type DbTarget } from './support/targets.js'

const targets: DbTarget[] = []
afterAll(async () => {
  for (const t of targets) await t.cleanup()
})

interface Change { what: string; make: string; undo: string; reported: RegExp }

const CHANGES: Record<'scylladb' | 'cockroachdb', Change[]> = {
  scylladb: [
    { what: 'a column added by hand', make: 'ALTER TABLE ${keyspace}.users ADD nickname text', undo: 'ALTER TABLE ${keyspace}.users DROP nickname', reported: /column users\.nickname \(text\) added outside Strata/ },
    { what: 'a table option changed', make: 'ALTER TABLE ${keyspace}.users WITH gc_grace_seconds = 3600', undo: 'ALTER TABLE ${keyspace}.users WITH gc_grace_seconds = 864000', reported: /table users option gc_grace_seconds changed from 864000 to 3600 outside Strata/ },
    { what: 'a table dropped by hand', make: 'DROP TABLE ${keyspace}.access_tokens', undo: '', reported: /table access_tokens removed outside Strata/ },
  ],
  cockroachdb: [
    { what: 'a column added by hand', make: 'ALTER TABLE users ADD COLUMN nickname text', undo: 'ALTER TABLE users DROP COLUMN nickname', reported: /column users\.nickname \(text\) added outside Strata/ },
    { what: 'a column option changed', make: "ALTER TABLE users ALTER COLUMN locale SET DEFAULT 'fr'", undo: 'ALTER TABLE users ALTER COLUMN locale DROP DEFAULT', reported: /column users\.locale default changed .*outside Strata/ },
    { what: 'a table dropped by hand', make: 'DROP TABLE access_tokens', undo: '', reported: /table access_tokens removed outside Strata/ },
  ],
}

describe.each([
  { db: 'scylladb' as const, basis: 'snapshot' }, { db: 'scylladb' as const, basis: 'replay' },
  { db: 'cockroachdb' as const, basis: 'snapshot' }, { db: 'cockroachdb' as const, basis: 'replay' },
])('$db, compared with the $basis', ({ db, basis }) => {
  it('reports a column added, an option changed and a table dropped by hand, each by name; nothing once reverted', async () => {
    const t = db === 'scylladb' ? await scyllaTarget(`drift_${basis}`) : await cockroachTarget(`drift_${basis}`)
    targets.push(t)
    const args = [...t.args, '--dir', join(REPO, 'migrations', db)]
    const up = await strata([...args, 'up', '--json', ...(basis === 'replay' ? ['--no-snapshots'] : [])])
    expect(up.code, up.stderr).toBe(0)
    const clean = await strata([...args, 'validate', '--json'])
    expect([clean.code, clean.json.issues, clean.json.checked.basis.kind]).toEqual([0, [], basis])
    for (const c of CHANGES[db]) {
      await t.raw(c.make)
      const v = await strata([...args, 'validate', '--json'])
      expect(v.code, c.what).toBe(3)
      expect(v.json.issues.map((i: { message: string }) => i.message), c.what).toEqual([expect.stringMatching(c.reported)])
      const recs = await strata([...args, 'recommendations', '--json'])
      expect(recs.json.recommendations.find((r: { id: string }) => r.id === 'schema-drift'), c.what).toMatchObject({ severity: 'critical', message: expect.stringMatching(c.reported) })
      if (c.undo) {
        await t.raw(c.undo)
        const again = await strata([...args, 'validate', '--json'])
        expect([again.code, again.json.issues], `${c.what}, reverted`).toEqual([0, []])
      }
    }
  }, 300_000)
})
