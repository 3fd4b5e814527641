/**
 * The real-world corpus (test/corpus: ory/kratos, temporalio/temporal, uber/cadence) applied to the real servers
 * with the built CLI: every file's statement count as cqlsh/psql runs it, then `validate` and `recommendations`
 * with no finding after a clean `up`, after an `up` that failed half-way and was resumed, and after `down` to zero
 * where down files exist; the start-up hook with VALIDATE_SCHEMA=true starts on each set.
 */
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { migrateOnStartup, type Adapter } from '@strata-migrate/core'
import { splitSql } from '@strata-migrate/cockroachdb'
import { splitCql } from '@strata-migrate/scylladb'
import { REPO, strata } from './support/cli.js'
import { cockroachTarget, scyllaTarget, type DbTarget } from './support/targets.js'

const CORPUS = join(REPO, 'test/corpus')
const isCockroach = inject('strataEndpoints').cockroachdb.source === 'container'
const SETS: { name: string; db: 'scylladb' | 'cockroachdb' }[] = [
  { name: 'temporal-cassandra', db: 'scylladb' },
  { name: 'cadence-cassandra', db: 'scylladb' },
  { name: 'cadence-visibility-cassandra', db: 'scylladb' },
  { name: 'kratos-postgres', db: 'cockroachdb' },
  { name: 'temporal-postgres', db: 'cockroachdb' },
  { name: 'temporal-visibility-postgres', db: 'cockroachdb' },
  { name: 'cadence-postgres', db: 'cockroachdb' },
  { name: 'cadence-visibility-postgres', db: 'cockroachdb' },
  // 19 of its files use CockroachDB-only syntax: it runs where the SQL server is CockroachDB (a container).
  ...(isCockroach ? [{ name: 'kratos-cockroach', db: 'cockroachdb' as const }] : []),
]

const targets: DbTarget[] = []
afterAll(async () => {
  for (const t of targets) await t.cleanup()
})

async function target(db: 'scylladb' | 'cockroachdb', prefix: string): Promise<DbTarget> {
  const t = db === 'scylladb' ? await scyllaTarget(prefix) : await cockroachTarget(prefix)
  targets.push(t)
  return t
}

const upFiles = (dir: string): string[] => readdirSync(dir).filter((f) => /^\d+_.*\.(cql|sql)$/.test(f) && !/\.down\.(cql|sql)$/.test(f)).sort()

/** Recommendations that are about the live state of the schema or history (replication advice is not). */
const SCHEMA_FINDINGS = /drift|schema|partial|failed|missing|checksum|duplicate|order|in-flight|rollback|unreadable/

type Conflict =
  | { kind: 'table'; table: string }
  | { kind: 'column'; table: string; column: string; statement: string; before: string }

/**
 * Something to make by hand so that `up` fails half-way through the set, on a statement without IF NOT EXISTS:
 * the table of a CREATE TABLE (made before the run), or else the column of an ALTER TABLE … ADD (added after
 * `up --target` the file before it). Preferably at statement 2 or later of its file in the second half of the set,
 * so that where statements are journaled one by one the file is left partial.
 */
function conflictIn(dir: string, db: 'scylladb' | 'cockroachdb'): Conflict {
  const files = upFiles(dir)
  const found = files.flatMap((file, f) => {
    const text = readFileSync(join(dir, file), 'utf8')
    const statements = db === 'scylladb' ? splitCql(text).map((s) => s.text) : splitSql(text).map((s) => s.text)
    return statements.flatMap((s, i) => {
      const body = s.replace(/^(\s*--[^\n]*\n)*/, '').trim()
      const rank = (f >= files.length / 2 ? 0 : 2) + (i > 0 ? 0 : 1)
      const t = /^CREATE\s+TABLE\s+(?!IF\s+NOT\s+EXISTS)("?[\w.]+"?)/i.exec(body)
      if (t?.[1]) return [{ rank, c: { kind: 'table' as const, table: bare(t[1]) } }]
      const a = /^ALTER\s+TABLE\s+("?[\w.]+"?)\s+ADD\s+(?:COLUMN\s+)?(?!IF\s+NOT\s+EXISTS)("?\w+"?)\s/i.exec(body)
      if (a?.[1] && a[2] && f > 0) return [{ rank, c: { kind: 'column' as const, table: bare(a[1]), column: bare(a[2]), statement: body, before: (files[f - 1] as string).split('_')[0] as string } }]
      return []
    })
  }).sort((x, y) => x.rank - y.rank)
  if (!found[0]) throw new Error(`no CREATE TABLE or ALTER TABLE ADD to collide with in ${dir}`)
  return found[0].c
}

const bare = (name: string): string => name.replace(/"/g, '').split('.').at(-1) as string

describe.each(SETS)('corpus set $name', ({ name, db }) => {
  const dir = join(CORPUS, name)
  const expected = JSON.parse(readFileSync(join(dir, 'statements.json'), 'utf8')) as Record<string, number>
  const hasDown = readdirSync(dir).some((f) => /\.down\.(cql|sql)$/.test(f))

  it('a clean up runs every statement cqlsh/psql would, and validate and recommendations find nothing', async () => {
    const t = await target(db, `corpus_${name.split('-')[0]}`)
    const up = await strata([...t.args, '--dir', dir, 'up', '--json'])
    expect(up.code, up.stderr.slice(-2000)).toBe(0)
    const history = await strata([...t.args, '--dir', dir, 'history', '--json'])
    const counts = Object.fromEntries((history.json.rows as { version: string; statementsTotal: number }[]).map((r) => [r.version, r.statementsTotal]))
    for (const file of upFiles(dir)) expect(counts[file.split('_')[0] as string], file).toBe(expected[file])
    const validate = await strata([...t.args, '--dir', dir, 'validate', '--json'])
    expect(validate.json.issues, validate.stdout.slice(0, 2000)).toEqual([])
    expect(validate.code).toBe(0)
    const recs = await strata([...t.args, '--dir', dir, 'recommendations', '--json'])
    expect(recs.json.recommendations.filter((r: { id: string }) => SCHEMA_FINDINGS.test(r.id))).toEqual([])
    // The start-up hook refuses to start on drift: with VALIDATE_SCHEMA it starts.
    const adapter: () => Promise<Adapter> = () => t.openAdapter()
    const [started] = await migrateOnStartup({
      databases: [{ name: db, adapter, dir }], env: { VALIDATE_SCHEMA: 'true' }, handleSignals: false, logger: { info: () => {}, warn: () => {} },
    })
    expect(started?.pending).toEqual([])
    if (hasDown) {
      const down = await strata([...t.args, '--dir', dir, 'down', '--to', '0', '--yes', '--json'])
      expect(down.code, down.stderr.slice(-2000)).toBe(0)
      expect(down.json.steps).toHaveLength(upFiles(dir).length)
      const after = await strata([...t.args, '--dir', dir, 'validate', '--json'])
      expect(after.json.issues.filter((i: { severity: string; message: string }) => !/is pending$/.test(i.message))).toEqual([])
    }
  }, 600_000)

  it('an up that fails half-way shows the partial file, not drift; resumed, validate finds nothing', async () => {
    const t = await target(db, `corpus_fail_${name.split('-')[0]}`)
    const conflict = conflictIn(dir, db)
    const qualified = (name: string): string => (db === 'scylladb' ? `\${keyspace}.${name}` : name)
    if (conflict.kind === 'table') {
      if (db === 'scylladb') await t.raw("CREATE KEYSPACE ${keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
      await t.raw(`CREATE TABLE ${qualified(conflict.table)} (made_by_hand int PRIMARY KEY)`)
    } else {
      const before = await strata([...t.args, '--dir', dir, 'up', '--target', conflict.before, '--json'])
      expect(before.code, before.stderr.slice(-1000)).toBe(0)
      await t.raw(conflict.statement.replace(/^(ALTER\s+TABLE\s+)("?[\w.]+"?)/i, (_m, head: string) => `${head}${qualified(conflict.table)}`).replace(/;\s*$/, ''))
    }
    const failed = await strata([...t.args, '--dir', dir, 'up', '--json'])
    expect(failed.code, failed.stderr.slice(-1000)).toBe(1)
    const file = failed.json.error.file as string
    expect(file).toMatch(/^\d+_/)
    const during = await strata([...t.args, '--dir', dir, 'validate', '--json'])
    // Nothing the set applied is drift. What was made by hand is: a table at most as a warning naming the migration
    // that creates it (on PostgreSQL the failed file rolled back whole, and the run's snapshot already shows it);
    // a column added by hand to one of the set's tables, as the drift it is.
    const madeByHand = conflict.kind === 'table' ? conflict.table : `${conflict.table}.${conflict.column}`
    expect(during.json.drift.filter((d: { name: string }) => d.name !== madeByHand)).toEqual([])
    if (conflict.kind === 'table') {
      for (const d of during.json.drift) expect(d).toMatchObject({ severity: 'warning', createdBy: file.split('_')[0] })
    }
    const recs = await strata([...t.args, '--dir', dir, 'recommendations', '--json'])
    const drift = recs.json.recommendations.filter((r: { id: string; message: string }) => /drift|table/.test(r.id))
    expect(drift.filter((r: { message: string }) => !r.message.includes(madeByHand))).toEqual([])
    if (conflict.kind === 'table') expect(recs.json.recommendations.map((r: { command: string }) => r.command).join('\n')).not.toMatch(/create "record/)
    await t.raw(conflict.kind === 'table'
      ? `DROP TABLE ${qualified(conflict.table)}`
      : `ALTER TABLE ${qualified(conflict.table)} DROP ${db === 'cockroachdb' ? 'COLUMN ' : ''}${conflict.column}`)
    const resumed = await strata([...t.args, '--dir', dir, 'up', '--json'])
    expect(resumed.code, resumed.stderr.slice(-1000)).toBe(0)
    const validate = await strata([...t.args, '--dir', dir, 'validate', '--json'])
    expect(validate.json.issues, validate.stdout.slice(0, 2000)).toEqual([])
  }, 600_000)
})
