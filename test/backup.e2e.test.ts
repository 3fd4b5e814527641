import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Adapter } from '@strata-migrate/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawnStrata, strata } from './support/cli.js'
import { cockroachTarget, scyllaTarget, type DbTarget } from './support/targets.js'

// Backups before destructive steps, against real servers: 10,000 rows, a dropped column, a dropped table,
// a data migration rolled back, a kill -9 in the middle of a backup, and the size guard.
const ROWS = 10_000
const LOCALES = ['en', 'fr', 'de']
const localeOf = (id: number): string => LOCALES[id % 3] as string

interface Case {
  ext: 'cql' | 'sql'
  files: Record<string, string>
  /** Loads ids 1..ROWS with localeOf(id). */
  load(t: DbTarget): Promise<void>
  /** id → locale (null when the column has no value); undefined when the table or column is missing. */
  read(a: Adapter): Promise<Map<number, string | null> | undefined>
}

const cql: Case = {
  ext: 'cql',
  files: {
    '001_users.cql': 'CREATE TABLE IF NOT EXISTS ${keyspace}.users (id int PRIMARY KEY, name text, locale text);',
    '002_drop_locale.cql': '-- strata:lint-disable cql/drop-column -- the test drops it on purpose\nALTER TABLE ${keyspace}.users DROP locale;',
    '003_drop_users.cql': 'DROP TABLE ${keyspace}.users;',
  },
  async load(t) {
    for (let start = 1; start <= ROWS; start += 100) {
      const rows = Array.from({ length: Math.min(100, ROWS - start + 1) }, (_, i) => start + i)
      await t.raw(`BEGIN UNLOGGED BATCH ${rows.map((id) => `INSERT INTO \${keyspace}.users (id, name, locale) VALUES (${id}, 'user ${id}', '${localeOf(id)}');`).join(' ')} APPLY BATCH`)
    }
  },
  async read(a) {
    const client = (a as unknown as { client: import('cassandra-driver').Client; keyspace: string }).client
    const ks = (a as unknown as { keyspace: string }).keyspace
    const out = new Map<number, string | null>()
    try {
      for await (const row of client.stream(`SELECT id, locale FROM "${ks}".users`, [], { prepare: true, fetchSize: 2000 }) as AsyncIterable<import('cassandra-driver').types.Row>) {
        out.set(Number(row.get('id')), (row.get('locale') as string | null) ?? null)
      }
    } catch {
      return undefined
    }
    return out
  },
}

const sql: Case = {
  ext: 'sql',
  files: {
    '001_users.sql': 'CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL, locale text DEFAULT \'en\', created_at timestamptz DEFAULT now());',
    '002_drop_locale.sql': 'ALTER TABLE users DROP COLUMN locale;',
    '003_drop_users.sql': 'DROP TABLE users;',
  },
  async load(t) {
    await t.raw(`INSERT INTO users (id, name, locale) SELECT g, 'user ' || g, (ARRAY['en','fr','de'])[g % 3 + 1] FROM generate_series(1, ${ROWS}) g`)
  },
  async read(a) {
    const pool = (a as unknown as { pool: import('pg').Pool }).pool
    try {
      const rs = await pool.query<{ id: number; locale: string | null }>('SELECT id, locale FROM users')
      return new Map(rs.rows.map((r) => [r.id, r.locale]))
    } catch {
      return undefined
    }
  },
}

async function writeFiles(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'strata-backup-'))
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), `${text}\n`)
  return dir
}

/** The newest in-progress backup of a set, read from its manifest file (no process started). */
async function inProgress(dir: string, set: string): Promise<{ id: string; tables: { rows: number }[] } | undefined> {
  const { readdir } = await import('node:fs/promises')
  const found: { id: string; set: string; status: string; tables: { rows: number }[] }[] = []
  for (const name of await readdir(dir)) {
    try {
      found.push(JSON.parse(await readFile(join(dir, name, 'manifest.json'), 'utf8')))
    } catch {
      // not a backup directory, or a manifest being renamed into place
    }
  }
  return found.filter((m) => m.set === set && m.status === 'in-progress').sort((a, b) => a.id.localeCompare(b.id)).at(-1)
}

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const v = await probe()
    if (v !== undefined) return v
    await new Promise((res) => setTimeout(res, 50))
  }
  return undefined
}

function expectOriginal(rows: Map<number, string | null> | undefined): void {
  expect(rows?.size).toBe(ROWS)
  let wrong = 0
  for (let id = 1; id <= ROWS; id++) if (rows?.get(id) !== localeOf(id)) wrong++
  expect(wrong, 'rows whose locale is not the original').toBe(0)
}

describe.each([
  ['scylladb', () => scyllaTarget('backup'), cql],
  ['cockroachdb', () => cockroachTarget('backup'), sql],
] as const)('backups before destructive changes against real %s', (_db, open, c) => {
  let t: DbTarget
  let adapter: Adapter
  let dir: string
  let backups: string
  const run = (...args: string[]) => strata([...t.args, '--dir', dir, '--backup-dir', backups, ...args])

  beforeAll(async () => {
    t = await open()
    backups = await mkdtemp(join(tmpdir(), 'strata-backups-'))
    dir = await writeFiles({ [`001_users.${c.ext}`]: c.files[`001_users.${c.ext}`] as string })
    expect((await run('up', '--json')).code).toBe(0)
    await c.load(t)
    adapter = await t.openAdapter()
  }, 120_000)
  afterAll(async () => {
    await adapter?.close()
    await t?.cleanup()
  })

  it('up --backup keeps the column and the table before they are dropped; restore brings every row back, verified', async () => {
    for (const f of [`002_drop_locale.${c.ext}`, `003_drop_users.${c.ext}`]) await writeFile(join(dir, f), `${c.files[f]}\n`)
    const dry = await run('up', '--dry-run', '--json')
    expect(dry.json.plan.map((p: { version: string }) => p.version)).toEqual(['002', '003'])
    const up = await run('up', '--backup', '--json')
    expect(up.code, up.stderr).toBe(0)
    expect(up.stderr).toMatch(/! 002 up is destructive: drops column locale of \S*users/)
    expect(up.stderr).toMatch(/! 003 up is destructive: drops table \S*users/)
    expect(await c.read(adapter)).toBeUndefined()

    const list = await run('backup', 'list', '--json')
    expect(list.code).toBe(0)
    const [colBackup, tableBackup] = list.json.backups as { id: string; version: string; status: string; tables: { rows: number; fileSha256: string }[] }[]
    expect([colBackup?.version, tableBackup?.version]).toEqual(['002', '003'])
    expect(list.json.backups.every((b: { status: string }) => b.status === 'complete')).toBe(true)
    expect(colBackup?.tables[0]?.rows).toBe(ROWS)
    expect(colBackup?.tables[0]?.fileSha256).toMatch(/^[0-9a-f]{64}$/)
    // History links each destructive step to its backup.
    const history = await run('history', '--json')
    expect(history.json.rows.filter((r: { backupId?: string }) => r.backupId).map((r: { version: string; backupId: string }) => [r.version, r.backupId]).sort())
      .toEqual([['002', colBackup?.id], ['003', tableBackup?.id]])

    // The table first (without locale: it was dropped by then), then the column's values.
    const table = await run('backup', 'restore', tableBackup?.id as string, '--json')
    expect(table.code, table.stderr).toBe(0)
    expect(table.json.tables[0]).toMatchObject({ created: true, rowsLoaded: ROWS, rowsNow: ROWS, verified: true })
    const column = await run('backup', 'restore', colBackup?.id as string, '--json')
    expect(column.code, column.stderr).toBe(0)
    expect(column.json.tables[0]).toMatchObject({ created: false, addedColumns: ['locale'], rowsNow: ROWS, digestMatches: true, verified: true })
    expectOriginal(await c.read(adapter))
  }, 300_000)

  it('a restore refuses a backup file changed since it was written (exit 3, nothing loaded)', async () => {
    const [first] = (await run('backup', 'list', '--json')).json.backups as { id: string; tables: { file: string }[] }[]
    const file = join(backups, first?.id as string, first?.tables[0]?.file as string)
    const original = await readFile(file, 'utf8')
    await writeFile(file, original.replace(/"fr"/, '"xx"'))
    const r = await run('backup', 'restore', first?.id as string, '--json')
    expect(r.code).toBe(3)
    expect(r.json.error).toMatchObject({ code: 'E_RESTORE_VERIFY', message: expect.stringContaining('was changed since it was written') })
    await writeFile(file, original)
    expect((await run('backup', 'restore', 'nope', '--json')).json.error.code).toBe('E_NO_BACKUP')
  }, 120_000)

  it('down of a data migration with --backup keeps the old values restorable', async () => {
    // The restored table is back at 001's shape with the original rows; history still says 003. Start a clean set.
    const set = ['--set', 'data']
    const files = {
      [`001_mark.${c.ext}`]: `-- strata:kind data\nUPDATE ${c.ext === 'cql' ? '${keyspace}.' : ''}users SET locale = 'xx' WHERE id = 7;`,
    }
    const down = { [`001_mark.down.${c.ext}`]: `UPDATE ${c.ext === 'cql' ? '${keyspace}.' : ''}users SET locale = 'yy' WHERE id = 7;` }
    const dataDir = await writeFiles({ ...files, ...down })
    const r = (...args: string[]) => strata([...t.args, ...set, '--dir', dataDir, '--backup-dir', backups, ...args])
    const up = await r('up', '--json')
    expect(up.code, up.stderr).toBe(0)
    expect((await c.read(adapter))?.get(7)).toBe('xx')
    const d = await r('down', '--backup', '--json')
    expect(d.code, d.stderr).toBe(0)
    expect(d.stderr).toMatch(/! 001 down is destructive: down of 001/)
    expect((await c.read(adapter))?.get(7)).toBe('yy')
    const b = (await r('backup', 'list', '--json')).json.backups.filter((x: { set: string }) => x.set === 'data')
    expect(b.map((x: { direction: string }) => x.direction)).toEqual(['down'])
    const restore = await r('backup', 'restore', b[0].id, '--json')
    expect(restore.code, restore.stderr).toBe(0)
    expect((await c.read(adapter))?.get(7)).toBe('xx')
    // Back to the original value, for the next test's whole-table check.
    await t.raw(`UPDATE ${c.ext === 'cql' ? '${keyspace}.' : ''}users SET locale = '${localeOf(7)}' WHERE id = 7`)
  }, 120_000)

  it('a backup stopped by Ctrl-C, then killed with kill -9, at 5 moments resumes each time where it stopped; the size guard refuses before anything changes', async () => {
    const set = ['--set', 'resume']
    const slow = join(backups, 'slow.config.json')
    await writeFile(slow, JSON.stringify({ backup: { rowsPerSecond: 2500, pageSize: 250 } }))
    const resumeDir = await writeFiles({ [`001_trim.${c.ext}`]: c.ext === 'cql' ? '-- strata:kind data\nDELETE FROM ${keyspace}.users WHERE id = 1;' : '-- strata:kind data\nDELETE FROM users WHERE id = 1;' })
    const args = [...t.args, ...set, '--dir', resumeDir, '--backup-dir', backups, '--lock-ttl', '5s', '--config', slow, 'up', '--backup']
    // kill -9 at KILLS moments of one backup, each a random time after the export has moved on: every rerun must
    // continue from the last saved page (never from zero), and the last one completes it.
    const KILLS = 5
    const rowsAtKill: number[] = []
    let id: string | undefined
    for (let k = 0; k < KILLS; k++) {
      const proc = spawnStrata(args)
      const moved = await until(async () => {
        const m = await inProgress(backups, 'resume')
        return m && m.tables[0] && m.tables[0].rows > (rowsAtKill.at(-1) ?? 0) ? m : undefined
      }, 60_000)
      await new Promise((res) => setTimeout(res, Math.floor(Math.random() * 300)))
      // The first stop is a Ctrl-C: the backup stops at its next page (exit 130, lease released), not at its end.
      const interrupt = k === 0
      proc.child.kill(interrupt ? 'SIGINT' : 'SIGKILL')
      const exited = await proc.done
      if (interrupt) {
        expect(exited.code, exited.stderr).toBe(130)
        expect((await inProgress(backups, 'resume'))?.tables[0]?.rows).toBeLessThan(ROWS)
      }
      id = moved?.id
      rowsAtKill.push((await inProgress(backups, 'resume'))?.tables[0]?.rows ?? -1)
    }
    console.log(`[backup kill -9] ${_db}: rows saved at each of ${KILLS} kills: ${rowsAtKill.join(', ')} of ${ROWS}`)
    expect(rowsAtKill.every((n, i) => n > 0 && n < ROWS && n >= (rowsAtKill[i - 1] ?? 0)), rowsAtKill.join(', ')).toBe(true)
    expect((await c.read(adapter))?.get(1)).toBe(localeOf(1))
    const partial = { id }

    const again = await strata(args.filter((a) => a !== slow && a !== '--config').concat('--json'))
    expect(again.code, again.stderr).toBe(0)
    expect(again.stderr).toContain(`backup ${partial?.id} (resuming an interrupted one)`)
    const done = (await strata([...t.args, '--backup-dir', backups, 'backup', 'show', partial?.id as string, '--json'])).json.backup
    expect(done).toMatchObject({ status: 'complete', tables: [expect.objectContaining({ rows: ROWS })] })
    expect((await c.read(adapter))?.has(1)).toBe(false)
    const restore = await strata([...t.args, '--backup-dir', backups, 'backup', 'restore', partial?.id as string, '--json'])
    expect(restore.code, restore.stderr).toBe(0)
    expect(restore.json.tables[0]).toMatchObject({ rowsNow: ROWS, verified: true })
    expectOriginal(await c.read(adapter))
    // Exactly one line per row in the file: nothing written twice across the kills.
    const lines = (await readFile(join(backups, id as string, done.tables[0].file), 'utf8')).split('\n').filter(Boolean)
    expect(lines).toHaveLength(ROWS)
    expect(new Set(lines.map((l) => (JSON.parse(l) as { id: number }).id)).size).toBe(ROWS)

    // Size guard: a table over backup.maxRows is refused before the step runs; history and data untouched.
    const guard = join(backups, 'guard.config.json')
    await writeFile(guard, JSON.stringify({ backup: { maxRows: 5000 } }))
    const guardDir = await writeFiles({ [`001_trim.${c.ext}`]: c.ext === 'cql' ? '-- strata:kind data\nDELETE FROM ${keyspace}.users WHERE id = 2;' : '-- strata:kind data\nDELETE FROM users WHERE id = 2;' })
    const g = (...more: string[]) => strata([...t.args, '--set', 'guard', '--dir', guardDir, '--backup-dir', backups, '--config', guard, ...more])
    const refused = await g('up', '--backup', '--json')
    expect(refused.code).toBe(2)
    expect(refused.json.error).toMatchObject({ code: 'E_BACKUP_TOO_LARGE', message: expect.stringMatching(/users is over the backup size guard .*nothing was changed/) })
    expect((await g('status', '--json')).json.counts.pending).toBe(1)
    expect((await c.read(adapter))?.get(2)).toBe(localeOf(2))
    expect((await strata([...t.args, '--backup-dir', backups, 'backup', 'list', '--json'])).json.backups.some((x: { set: string }) => x.set === 'guard')).toBe(false)
  }, 300_000)
})
