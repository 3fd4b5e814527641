import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Migrator, defineEvolution, hashStatement, parseVersion, type Document, type Migration } from '@strata-migrate/core/adapter-kit'
import { freshKeyspace, type TestKeyspace } from '../testing/cassandra-fixture.js'
import { backfillTable } from './backfill.js'
import { createCqlRepository, sweepCqlTable } from './cql-evolution.js'

const sessions = defineEvolution({
  entity: 'session', current: 3,
  steps: {
    2: ({ state, ...d }: Document) => ({ ...d, session_state: state, state: null, blueprint: 'devassist' }),
    3: (d: Document) => ({ ...d, tags: ['migrated'] }),
  },
})

describe('lazy evolution over CQL (real Cassandra)', () => {
  let ks: TestKeyspace
  const exec = (cql: string, params: unknown[] = []) => ks.admin.client.execute(cql, params, { prepare: true })
  const row = async (table: string, id: string) => (await exec(`SELECT * FROM ${ks.name}.${table} WHERE id = ?`, [id])).first()

  beforeAll(async () => {
    ks = await freshKeyspace('evolve')
    await ks.admin.execute(`CREATE TABLE ${ks.name}.sessions (id text PRIMARY KEY, state text, session_state text, blueprint text, tags list<text>, schema_version int)`)
    await ks.admin.execute(`CREATE TABLE ${ks.name}.session_docs (id text PRIMARY KEY, doc text, schema_version int)`)
    await ks.admin.execute(`CREATE TABLE ${ks.name}.messages (conv text, seq int, body text, text text, schema_version int, PRIMARY KEY ((conv), seq))`)
  })
  afterAll(() => ks?.drop())

  const v1 = (id: string, state = 'open') => exec(`INSERT INTO ${ks.name}.sessions (id, state) VALUES (?, ?)`, [id, state])
  const open = (writeBack: 'none' | 'on-read', hooks?: Parameters<typeof createCqlRepository>[0]['hooks']) =>
    createCqlRepository({ client: ks.admin.client, keyspace: ks.name, table: 'sessions', evolution: sessions, writeBack, hooks })

  it('upgrades on read without write-back: the caller gets v3, the row stays v1', async () => {
    await v1('a')
    const repo = await open('none')
    const r = await repo.read({ id: 'a' })
    expect(r).toMatchObject({ outcome: 'evolved', foundVersion: 1, doc: { id: 'a', session_state: 'open', blueprint: 'devassist', tags: ['migrated'], schema_version: 3 } })
    const stored = await row('sessions', 'a')
    expect([stored?.get('state'), stored?.get('schema_version'), stored?.get('session_state')]).toEqual(['open', null, null])
    expect(await repo.get({ id: 'missing' })).toBeUndefined()
  })

  it('upgrades on read with write-back (IF schema_version = null for a row without one), then reads it as current', async () => {
    await v1('b')
    await exec(`INSERT INTO ${ks.name}.sessions (id, session_state, blueprint, schema_version) VALUES ('c', 'closed', 'x', 2)`)
    const repo = await open('on-read')
    expect(await repo.read({ id: 'b' })).toMatchObject({ outcome: 'upgraded', foundVersion: 1, storedVersion: 3 })
    expect(await repo.read({ id: 'c' })).toMatchObject({ outcome: 'upgraded', foundVersion: 2, doc: { session_state: 'closed', blueprint: 'x', tags: ['migrated'] } })
    const b = await row('sessions', 'b')
    expect([b?.get('state'), b?.get('session_state'), b?.get('blueprint'), b?.get('tags'), b?.get('schema_version')]).toEqual([null, 'open', 'devassist', ['migrated'], 3])
    expect(await repo.read({ id: 'b' })).toMatchObject({ outcome: 'current', conflicts: 0 })
  })

  it('never overwrites a newer document written between its read and its LWT', async () => {
    await v1('race')
    let raced = false
    const repo = await open('on-read', {
      beforeWriteBack: async ({ attempt }) => {
        if (attempt > 1) return
        raced = true
        // A writer on the current code stores its own v3 document at this exact moment.
        await exec(`UPDATE ${ks.name}.sessions SET state = null, session_state = 'mine', blueprint = 'newer', tags = ['concurrent'], schema_version = 3 WHERE id = 'race'`)
      },
    })
    const r = await repo.read({ id: 'race' })
    expect(raced).toBe(true)
    expect(r).toMatchObject({ outcome: 'current', conflicts: 1, doc: { session_state: 'mine', tags: ['concurrent'] } })
    const stored = await row('sessions', 'race')
    expect([stored?.get('session_state'), stored?.get('blueprint'), stored?.get('tags'), stored?.get('schema_version')]).toEqual(['mine', 'newer', ['concurrent'], 3])
  })

  it('re-reads and upgrades the new content when an old writer changed a field the upgrade rewrites', async () => {
    await v1('old-writer')
    const repo = await open('on-read', {
      beforeWriteBack: async ({ attempt }) => {
        if (attempt === 1) await exec(`UPDATE ${ks.name}.sessions SET state = 'closed' WHERE id = 'old-writer'`)
      },
    })
    expect(await repo.read({ id: 'old-writer' })).toMatchObject({ outcome: 'upgraded', conflicts: 1, doc: { session_state: 'closed' } })
    expect((await row('sessions', 'old-writer'))?.get('session_state')).toBe('closed')
  })

  it('refuses a document newer than the code with E_DOCUMENT_TOO_NEW, and a step writing an unknown column', async () => {
    await exec(`INSERT INTO ${ks.name}.sessions (id, schema_version) VALUES ('future', 9)`)
    await expect((await open('on-read')).get({ id: 'future' })).rejects.toMatchObject({ code: 'E_DOCUMENT_TOO_NEW' })
    await v1('bad')
    const stray = defineEvolution({ entity: 'session', current: 2, steps: { 2: (d: Document) => ({ ...d, nope: 1 }) } })
    const repo = await createCqlRepository({ client: ks.admin.client, keyspace: ks.name, table: 'sessions', evolution: stray })
    await expect(repo.get({ id: 'bad' })).rejects.toMatchObject({ code: 'E_EVOLUTION_FAILED', message: expect.stringContaining('"nope", which is not a column') })
    await expect(createCqlRepository({ client: ks.admin.client, keyspace: ks.name, table: 'nope', evolution: sessions })).rejects.toMatchObject({ code: 'E_CONFIG' })
  })

  it('JSON document column: upgrades on read, guards the write with the whole document text', async () => {
    await exec(`INSERT INTO ${ks.name}.session_docs (id, doc) VALUES ('j1', ?)`, [JSON.stringify({ id: 'j1', state: 'open' })])
    await exec(`INSERT INTO ${ks.name}.session_docs (id, doc) VALUES ('j2', ?)`, [JSON.stringify({ id: 'j2', state: 'open' })])
    const layout = { json: 'doc', versionColumn: 'schema_version' }
    const repo = await createCqlRepository({ client: ks.admin.client, keyspace: ks.name, table: 'session_docs', evolution: sessions, layout })
    expect(await repo.read({ id: 'j1' })).toMatchObject({ outcome: 'upgraded', doc: { session_state: 'open', schema_version: 3 } })
    const j1 = await row('session_docs', 'j1')
    expect(JSON.parse(String(j1?.get('doc')))).toMatchObject({ session_state: 'open', tags: ['migrated'], schema_version: 3 })
    expect(j1?.get('schema_version')).toBe(3)
    const newer = JSON.stringify({ id: 'j2', session_state: 'theirs', tags: [], schema_version: 3 })
    const racing = await createCqlRepository({
      client: ks.admin.client, keyspace: ks.name, table: 'session_docs', evolution: sessions, layout,
      hooks: { beforeWriteBack: async ({ attempt }) => void (attempt === 1 && (await exec(`UPDATE ${ks.name}.session_docs SET doc = ? WHERE id = 'j2'`, [newer]))) },
    })
    expect(await racing.read({ id: 'j2' })).toMatchObject({ outcome: 'current', conflicts: 1, doc: { session_state: 'theirs' } })
    expect((await row('session_docs', 'j2'))?.get('doc')).toBe(newer)
  })

  it('bad documents and bad calls fail with the code and the row or table named, nothing written', async () => {
    const layout = { json: 'doc', versionColumn: 'schema_version' }
    const docs = await createCqlRepository({ client: ks.admin.client, keyspace: ks.name, table: 'session_docs', evolution: sessions, layout, writeBack: 'on-read' })
    await exec(`INSERT INTO ${ks.name}.session_docs (id, doc) VALUES ('not-json', '{oops')`)
    await exec(`INSERT INTO ${ks.name}.session_docs (id, doc) VALUES ('array', '[1,2]')`)
    await exec(`INSERT INTO ${ks.name}.session_docs (id) VALUES ('empty')`)
    await expect(docs.get({ id: 'not-json' })).rejects.toMatchObject({ code: 'E_EVOLUTION_FAILED', message: expect.stringMatching(/session_docs\(id=not-json\): column doc is not JSON/) })
    await expect(docs.get({ id: 'array' })).rejects.toMatchObject({ code: 'E_EVOLUTION_FAILED', message: expect.stringContaining('column doc holds no JSON object') })
    await expect(docs.get({ id: 'nobody' })).resolves.toBeUndefined()
    expect((await row('session_docs', 'not-json'))?.get('doc')).toBe('{oops')
    // A key missing its column, a layout naming a column the table lacks, a step rewriting the key.
    await expect(docs.get({})).rejects.toMatchObject({ code: 'E_USAGE', message: 'key of session_docs needs id; got nothing' })
    await expect(createCqlRepository({ client: ks.admin.client, keyspace: ks.name, table: 'session_docs', evolution: sessions, layout: { json: 'body' } }))
      .rejects.toMatchObject({ code: 'E_CONFIG', message: `${ks.name}.session_docs has no column "body" (add it with a schema migration first)` })
    await v1('rekey')
    const rekey = defineEvolution({ entity: 'session', current: 2, steps: { 2: (d: Document) => ({ ...d, id: 'other' }) } })
    const repo = await createCqlRepository({ client: ks.admin.client, keyspace: ks.name, table: 'sessions', evolution: rekey, writeBack: 'on-read' })
    await expect(repo.get({ id: 'rekey' })).rejects.toMatchObject({ code: 'E_EVOLUTION_FAILED', message: expect.stringContaining('changed key column "id"') })
    expect((await row('sessions', 'rekey'))?.get('state')).toBe('open')
  })

  it('sweeps a table of multi-row partitions in small pages (token boundaries held back) to a 100% census', async () => {
    const bodies = defineEvolution({ entity: 'message', current: 2, steps: { 2: ({ body, ...d }: Document) => ({ ...d, body: null, text: body }) } })
    const inserts: Promise<unknown>[] = []
    for (let c = 0; c < 150; c++) {
      for (let s = 0; s < 10; s++) {
        const old = (c + s) % 2 === 0
        inserts.push(old
          ? exec(`INSERT INTO ${ks.name}.messages (conv, seq, body) VALUES (?, ?, ?)`, [`c${c}`, s, `m${s}`])
          : exec(`INSERT INTO ${ks.name}.messages (conv, seq, text, schema_version) VALUES (?, ?, ?, 2)`, [`c${c}`, s, `m${s}`]))
      }
    }
    await Promise.all(inserts)
    const r = await sweepCqlTable({ client: ks.admin.client, keyspace: ks.name, table: 'messages', evolution: bodies, segments: 3, pageSize: 7, concurrency: 3 })
    expect(r.census).toMatchObject({ total: 1500, atCurrent: 1500, percentCurrent: 100, upgraded: 750, found: { 1: 750, 2: 750 }, deletableSteps: [2] })
    const all = await ks.admin.client.execute(`SELECT text, body, schema_version FROM ${ks.name}.messages`, [], { fetchSize: 5000 })
    expect(all.rows.every((x) => x.get('schema_version') === 2 && x.get('body') === null && String(x.get('text')).startsWith('m'))).toBe(true)
    const census = await sweepCqlTable({ client: ks.admin.client, keyspace: ks.name, table: 'messages', evolution: bodies, upgrade: false })
    expect(census.census).toMatchObject({ total: 1500, byVersion: { 2: 1500 }, upgraded: 0 })
  })

  it('a sweep fenced by write time never overwrites a write made between its read and its write, in either layout', async () => {
    // JSON layout: the whole document is one cell, so the fence covers the whole document.
    await exec(`CREATE TABLE ${ks.name}.race_docs (id text PRIMARY KEY, doc text, schema_version int)`)
    for (const id of ['a', 'b', 'c']) await exec(`INSERT INTO ${ks.name}.race_docs (id, doc) VALUES (?, ?)`, [id, JSON.stringify({ id, state: 'open' })])
    const theirs = JSON.stringify({ id: 'b', session_state: 'theirs', tags: [], schema_version: 3 })
    const layout = { json: 'doc', versionColumn: 'schema_version' }
    const swept = await sweepCqlTable({
      client: ks.admin.client, keyspace: ks.name, table: 'race_docs', evolution: sessions, layout,
      // An app on the current code stores its own document for b after the sweep read b and before it writes.
      hooks: { beforeWriteBack: async ({ key }) => void (key.includes('id=b') && (await exec(`UPDATE ${ks.name}.race_docs SET doc = ?, schema_version = 3 WHERE id = 'b'`, [theirs]))) },
    })
    // b counts as upgraded: under the write-time fence a concurrent writer wins silently (an LWT would have re-read).
    expect(swept.census).toMatchObject({ total: 3, atCurrent: 3, upgraded: 3 })
    expect((await row('race_docs', 'b'))?.get('doc')).toBe(theirs)
    expect(JSON.parse(String((await row('race_docs', 'a'))?.get('doc')))).toMatchObject({ session_state: 'open', schema_version: 3 })

    // Columns layout (no collection): each cell is fenced; the app's cells win, the upgrade's other cells stand.
    const bodies = defineEvolution({ entity: 'message', current: 2, steps: { 2: ({ body, ...d }: Document) => ({ ...d, body: null, text: `${String(body)}!` }) } })
    await exec(`INSERT INTO ${ks.name}.messages (conv, seq, body) VALUES ('race', 1, 'old')`)
    await sweepCqlTable({
      client: ks.admin.client, keyspace: ks.name, table: 'messages', evolution: bodies, id: 'race-columns',
      hooks: { beforeWriteBack: async ({ key }) => void (key.includes('conv=race') && (await exec(`UPDATE ${ks.name}.messages SET text = 'app', schema_version = 2 WHERE conv = 'race' AND seq = 1`))) },
    })
    const m = await exec(`SELECT body, text, schema_version FROM ${ks.name}.messages WHERE conv = 'race' AND seq = 1`)
    expect([m.first()?.get('body'), m.first()?.get('text'), m.first()?.get('schema_version')]).toEqual([null, 'app', 2])
  })

  it('a collection column is fenced by its newest element where the server reads it (Cassandra 5), and lwt can be chosen', async () => {
    const { openCqlDocuments } = await import('./cql-documents.js')
    // Cassandra 5.0 returns WRITETIME of a non-frozen list as one time per element (CASSANDRA-8877).
    const withList = await openCqlDocuments({ client: ks.admin.client, keyspace: ks.name, table: 'sessions', evolution: sessions, fence: 'writetime' })
    expect(withList.fence).toBe('writetime')
    expect([...withList.writetimeColumns].sort()).toEqual(['blueprint', 'schema_version', 'session_state', 'state', 'tags'])
    expect((await openCqlDocuments({ client: ks.admin.client, keyspace: ks.name, table: 'sessions', evolution: sessions, fence: 'lwt' })).writetimeColumns).toEqual([])
    await exec(`INSERT INTO ${ks.name}.sessions (id, state, tags) VALUES ('listed', 'open', ['x'])`)
    await exec(`UPDATE ${ks.name}.sessions SET tags = tags + ['y'] WHERE id = 'listed'`)
    const wt = (await exec(`SELECT WRITETIME(state) AS s, WRITETIME(tags) AS t FROM ${ks.name}.sessions WHERE id = 'listed'`)).first()
    const { CqlTokenRangeSource } = await import('./token-ranges.js')
    const source = new CqlTokenRangeSource(ks.admin.client, withList.info, withList.selectColumns, undefined, withList.writetimeColumns)
    const page = await source.readPage({ segment: 0, segments: 1, position: null, pageSize: 1000, signal: new AbortController().signal })
    const listed = page.rows.find((r) => r.values.id === 'listed')
    // The newest cell of the row is the appended element, newer than every scalar.
    const newest = [wt?.get('s'), ...(wt?.get('t') as unknown[])].map((v) => BigInt(String(v))).reduce((a, b) => (b > a ? b : a))
    expect(listed?.writetime).toBe(newest)
    const json = await openCqlDocuments({ client: ks.admin.client, keyspace: ks.name, table: 'session_docs', evolution: sessions, layout: { json: 'doc', versionColumn: 'schema_version' }, fence: 'writetime' })
    expect([json.fence, json.writetimeColumns]).toEqual(['writetime', ['doc', 'schema_version']])
  })

  it('backfills from a data migration: a failure half-way resumes at the first unfinished page', async () => {
    const ids = Array.from({ length: 400 }, (_, i) => `u${i}`)
    await ks.admin.execute(`CREATE TABLE ${ks.name}.users (id text PRIMARY KEY, locale text)`)
    await Promise.all(ids.map((id) => exec(`INSERT INTO ${ks.name}.users (id) VALUES (?)`, [id])))
    let pages = 0
    let failAt = 5
    const migration: Migration = {
      version: parseVersion('006'), name: 'backfill_locale', kind: 'data', checksum: hashStatement('006'), file: '006_backfill_locale.ts',
      format: 'ts', transactional: false,
      upFn: async (ctx) => {
        await backfillTable(ctx, {
          table: 'users', columns: ['locale'], pageSize: 20, segments: 4, concurrency: 1,
          async handle(rows, { client, keyspace }) {
            if (++pages === failAt) throw new Error('node went away')
            await Promise.all(rows.map((r) => client.execute(`UPDATE ${keyspace}.users SET locale = 'en' WHERE id = ?`, [r.id], { prepare: true })))
            return { updated: rows.length }
          },
        })
      },
    }
    const migrator = new Migrator({ adapter: ks.admin, migrations: [migration], set: 'backfill' })
    const logs: string[] = []
    migrator.on('log', (e) => logs.push(e.message))
    await expect(migrator.up()).rejects.toMatchObject({ code: 'E_MIGRATION_FAILED' })
    failAt = -1
    const pagesBefore = pages
    await migrator.up()
    expect(pages - pagesBefore).toBeLessThan(Math.ceil(400 / 20) + 4)
    expect(logs.some((l) => l.includes('backfill users: resuming'))).toBe(true)
    const rs = await ks.admin.client.execute(`SELECT locale FROM ${ks.name}.users`, [], { fetchSize: 1000 })
    expect(rs.rows.filter((r) => r.get('locale') === 'en')).toHaveLength(400)
    const cp = await ks.admin.client.execute(`SELECT counts FROM ${ks.name}.strata_sweeps WHERE sweep_id = ?`, ['backfill:backfill:006:up:' + ks.name + '.users'], { prepare: true })
    const total = cp.rows.map((r) => JSON.parse(String(r.get('counts') ?? '{}')) as Record<string, number>).reduce((a, c) => a + (c.updated ?? 0), 0)
    expect(total).toBe(400)
  })
})
