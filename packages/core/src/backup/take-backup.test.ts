import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { listBackups, saveManifest } from './backup-store.js'
import type { BackupManifest, BackupSupport, BackupTableInfo, RowPage } from './backup-types.js'
import { takeBackup, type BackupEvent, type TakeBackupInput } from './take-backup.js'

const info: BackupTableInfo = { name: 'ks.t', ddl: ['CREATE TABLE ks.t (id int PRIMARY KEY);'], columns: [{ name: 'id', type: 'int' }], primaryKey: ['id'] }

/** A support that serves the given pages (cursor: the next page's index, none on the last). */
function support(pages: string[][], opts: { exists?: boolean; cursors?: boolean } = {}): BackupSupport & { from: (string | undefined)[] } {
  const from: (string | undefined)[] = []
  return {
    from,
    describe: async () => (opts.exists === false ? undefined : info),
    async *pages(_t, o): AsyncIterable<RowPage> {
      from.push(o.cursor)
      for (let i = o.cursor ? Number(o.cursor) : 0; i < pages.length; i++) {
        yield { lines: pages[i] as string[], ...(opts.cursors !== false && i + 1 < pages.length ? { cursor: String(i + 1) } : {}) }
      }
    },
    prepare: async () => ({ created: false, addedColumns: [] }),
    load: async (_t, lines) => lines.length,
  }
}

const rows = (from: number, n: number) => Array.from({ length: n }, (_, i) => JSON.stringify({ id: from + i }))

async function input(s: BackupSupport, o: Partial<TakeBackupInput['options']> = {}, extra: Partial<TakeBackupInput> = {}): Promise<TakeBackupInput> {
  return {
    support: s, options: { dir: await mkdtemp(join(tmpdir(), 'strata-take-')), ...o }, db: 'cockroachdb', set: 'default', version: '005', migration: 'drop_t',
    direction: 'up', reasons: ['drops table ks.t'], tables: ['t'], dialect: 'sql', ...extra,
  }
}

describe('takeBackup', () => {
  it('skips a table that does not exist, saying so, and completes with no rows', async () => {
    const events: BackupEvent[] = []
    const m = await takeBackup(await input(support([], { exists: false }), {}, { onEvent: (e) => events.push(e) }))
    expect(m).toMatchObject({ status: 'complete', tables: [] })
    expect(events.map((e) => e.type)).toEqual(['backup:start', 'backup:table', 'backup:done'])
    expect(events[1]).toMatchObject({ table: 't', rows: 0, bytes: 0, skipped: 'does not exist' })
    expect(events[2]).toMatchObject({ rows: 0, bytes: 0 })
  })

  it('writes an empty page as nothing and reports progress per page', async () => {
    const events: BackupEvent[] = []
    const i = await input(support([rows(1, 2), []]), {}, { onEvent: (e) => events.push(e) })
    const m = await takeBackup(i)
    expect(m.tables[0]).toMatchObject({ rows: 2, bytes: '{"id":1}\n{"id":2}\n'.length, done: true })
    expect(await readFile(join(i.options.dir, m.id, 'ks.t.jsonl'), 'utf8')).toBe('{"id":1}\n{"id":2}\n')
    expect(events.filter((e) => e.type === 'backup:progress').map((e) => (e as { rows: number }).rows)).toEqual([2, 2])
  })

  it('restarts a table from the beginning when its source gave no cursor to resume from', async () => {
    const s = support([rows(1, 3), rows(4, 3)], { cursors: false })
    const i = await input(s)
    const partial: BackupManifest = {
      format: 'strata-backup', formatVersion: 1, id: 'earlier', createdAt: new Date(0).toISOString(), status: 'in-progress', db: 'cockroachdb', set: 'default',
      version: '005', migration: 'drop_t', direction: 'up', reasons: ['drops table ks.t'], reasonsTables: ['t'], schemaSnapshot: { before: '005' },
      tables: [{ table: 'ks.t', requested: 't', file: 'ks.t.jsonl', ddlFile: 'ks.t.ddl.sql', ddl: info.ddl, columns: info.columns, primaryKey: info.primaryKey, rows: 3, bytes: 27, rowsDigest: 'ff', done: false }],
    }
    await saveManifest(i.options.dir, partial)
    await writeFile(join(i.options.dir, 'earlier', 'ks.t.jsonl'), 'stale rows of a killed run\n')
    const m = await takeBackup(i)
    expect(m.id).toBe('earlier')
    expect(s.from).toEqual([undefined])
    expect(m.tables[0]).toMatchObject({ rows: 6, done: true })
    expect((await readFile(join(i.options.dir, 'earlier', 'ks.t.jsonl'), 'utf8')).split('\n').filter(Boolean)).toEqual([...rows(1, 3), ...rows(4, 3)])
  })

  it('does not export a table again that a resumed backup already finished', async () => {
    const s = support([rows(1, 1)])
    const i = await input(s, {}, { tables: ['t', 'u'] })
    const two = { ...s, describe: async (name: string) => ({ ...info, name: `ks.${name}` }) }
    const crashing = { ...two, async *pages(t: BackupTableInfo): AsyncIterable<RowPage> {
      if (t.name === 'ks.u') throw new Error('connection reset')
      yield { lines: rows(1, 1) }
    } }
    await expect(takeBackup({ ...i, support: crashing })).rejects.toThrow('connection reset')
    const exported: string[] = []
    const m = await takeBackup({ ...i, support: { ...two, async *pages(t: BackupTableInfo): AsyncIterable<RowPage> {
      exported.push(t.name)
      yield { lines: rows(1, 1) }
    } } })
    expect(exported).toEqual(['ks.u'])
    expect(m.tables.map((t) => [t.table, t.rows, t.done])).toEqual([['ks.t', 1, true], ['ks.u', 1, true]])
  })

  it('refuses a table over the byte guard, naming the bytes, with the native CockroachDB backup as the way out', async () => {
    const i = await input(support([rows(1, 10)]), { maxBytes: 20 })
    const err = await takeBackup(i).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'E_BACKUP_TOO_LARGE', details: { table: 'ks.t', maxBytes: 20 } })
    expect((err as Error).message).toContain('more than 20 bytes, seen 10 rows')
    expect((err as Error).message).toContain('BACKUP TABLE')
    expect(await listBackups(i.options.dir)).toEqual([])
  })

  it('names nodetool snapshot for a CQL table over the row guard', async () => {
    const i = await input(support([rows(1, 3)]), { maxRows: 2 }, { dialect: 'cql' })
    await expect(takeBackup(i)).rejects.toThrow(/more than 2 rows, seen 3 rows.*nodetool snapshot/)
  })

  it('stops with the signal\'s reason between pages and leaves the backup in progress', async () => {
    const ctl = new AbortController()
    const i = await input(support([rows(1, 1), rows(2, 1), rows(3, 1)]), {}, {
      signal: ctl.signal,
      onEvent: (e) => { if (e.type === 'backup:progress') ctl.abort(new Error('stopped by operator')) },
    })
    await expect(takeBackup(i)).rejects.toThrow('stopped by operator')
    const [m] = await listBackups(i.options.dir)
    expect(m).toMatchObject({ status: 'in-progress', tables: [{ rows: 1, cursor: '1' }] })
  })

  it('throttles to rowsPerSecond', async () => {
    const i = await input(support([rows(1, 2), rows(3, 2)]), { rowsPerSecond: 40 })
    const t0 = Date.now()
    const m = await takeBackup(i)
    // 4 rows at 40/s: the second page waits until 50 ms, the end until 100 ms.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(90)
    expect(m.tables[0]?.rows).toBe(4)
  })

  it('turns a directory it cannot write into E_BACKUP_FAILED naming the directory', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'strata-notdir-'))
    await writeFile(join(parent, 'file'), 'not a directory')
    const dir = join(parent, 'file', 'backups')
    const err = await takeBackup(await input(support([rows(1, 1)]), { dir })).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'E_BACKUP_FAILED', version: '005', cause: { code: 'ENOTDIR' } })
    expect((err as Error).message).toContain(`cannot write the backup in ${dir}`)
    expect((err as Error).message).toContain('the step did not run')
  })

  it('passes a database error through unchanged', async () => {
    const dbErr = Object.assign(new Error('ECONNRESET'), { code: 'ECONNRESET' })
    const s = { ...support([]), async *pages(): AsyncIterable<RowPage> { throw dbErr } }
    await expect(takeBackup(await input(s))).rejects.toBe(dbErr)
  })
})

describe('takeBackup with backup.command', () => {
  it('runs the command instead of the export, with {id}, {version} and {tables} filled in, and records its exit code', async () => {
    const i = await input(support([rows(1, 1)]), {}, { tables: ['a', 'b'] })
    const out = join(i.options.dir, 'cmd.txt')
    const m = await takeBackup({ ...i, options: { ...i.options, command: `echo "{id} {version} {tables}" > ${out}` } })
    expect(m.status).toBe('complete')
    expect(m.tables).toEqual([])
    expect(m.command).toEqual({ text: `echo "${m.id} 005 a,b" > ${out}`, exitCode: 0 })
    expect(await readFile(out, 'utf8')).toBe(`${m.id} 005 a,b\n`)
  })

  it('fails with E_BACKUP_FAILED when the command exits non-zero, keeping the exit code in the manifest', async () => {
    const i = await input(support([]))
    const err = await takeBackup({ ...i, options: { ...i.options, command: 'exit 3' } }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'E_BACKUP_FAILED', version: '005', message: 'backup.command exited 3: the step did not run (exit 3)' })
    const [m] = await listBackups(i.options.dir)
    expect(m).toMatchObject({ status: 'in-progress', command: { text: 'exit 3', exitCode: 3 } })
  })
})
