import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ShardCensus, SweepEvent, SweepResult, UpgradeHooks } from '@strata-migrate/core/adapter-kit'
import pc from 'picocolors'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { captureStdio, fakeSettings, recordingOutput } from '../test-helpers.js'

// The sweeps themselves are tested in their packages (and against real servers by test/evolve-sweep.e2e.test.ts);
// here they are stand-ins that report events and a result, so the command's own behaviour can be pinned down.
const sweep = vi.hoisted(() => ({
  calls: [] as Record<string, unknown>[],
  events: [] as SweepEvent[],
  result: undefined as unknown,
  census: undefined as unknown,
  destroyed: 0,
  closed: 0,
  duringSweep: undefined as undefined | ((o: Record<string, unknown>) => void),
}))
vi.mock('@strata-migrate/alternator', () => ({
  createDynamoClient: (o: object) => ({ options: o, destroy: () => void sweep.destroyed++ }),
  sweepDynamoTable: async (o: Record<string, unknown>) => {
    sweep.calls.push(o)
    sweep.duringSweep?.(o)
    for (const e of sweep.events) (o.onEvent as (e: SweepEvent) => void)(e)
    return sweep.result
  },
  censusDynamoSweep: async (o: Record<string, unknown>) => {
    sweep.calls.push(o)
    return sweep.census
  },
}))
vi.mock('@strata-migrate/scylladb', () => ({
  censusCqlSweep: async (o: Record<string, unknown>) => {
    sweep.calls.push(o)
    return sweep.census
  },
  sweepCqlTable: async (o: Record<string, unknown>) => {
    sweep.calls.push(o)
    for (const e of sweep.events) (o.onEvent as (e: SweepEvent) => void)(e)
    return sweep.result
  },
}))
vi.mock('../adapters.js', () => ({
  openAdapter: async () => ({ codeContext: () => ({ client: 'cql-client' }), close: async () => void sweep.closed++ }),
}))

const { evolveCommand } = await import('./evolve.js')

function result(patch: { failed?: number; total?: number; byVersion?: Record<string, number>; failures?: SweepResult['failures'] } = {}): SweepResult {
  const byVersion = patch.byVersion ?? { 1: 2, 3: 6 }
  return {
    id: 'session:t', resumed: false, rows: 8, rowsThisRun: 8, durationMs: 1500, rowsPerSecond: 5, counts: {},
    census: {
      entity: 'session', current: 3, oldest: 1, total: patch.total ?? 8, byVersion, found: byVersion, atCurrent: 6, percentCurrent: 75,
      upgraded: 2, conflicts: 0, failed: patch.failed ?? 0, tooNew: 0, gone: 0, advice: 'keep step 2: documents at v1 remain',
    },
    failures: patch.failures ?? [],
  } as unknown as SweepResult
}

describe('strata evolve (the command)', () => {
  let dir: string
  let module: string
  let io: ReturnType<typeof captureStdio> | undefined
  const cql = async () => fakeSettings({ db: 'scylladb', scylladb: { keyspace: 'app' } })

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'strata-evolve-cmd-'))
    module = join(dir, 'session.mjs')
    await writeFile(module, `export default { entity: 'session', current: 3, steps: { 2: (d) => d, 3: (d) => d } }\n`)
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))
  beforeEach(() => {
    sweep.calls.length = 0
    sweep.events = []
    sweep.result = result()
    sweep.duringSweep = undefined
    sweep.destroyed = 0
    sweep.closed = 0
  })
  afterEach(() => io?.restore())

  it('refuses without --module, with an unknown --api, and with option values that are not integers in range (E_USAGE)', async () => {
    const out = recordingOutput()
    await expect(evolveCommand(cql, out, 'session', {})).rejects.toMatchObject({ code: 'E_USAGE', message: expect.stringContaining('evolve needs --module <file>') })
    await expect(evolveCommand(cql, out, 'session', { module, api: 'mongo' })).rejects.toMatchObject({ code: 'E_USAGE', message: '--api must be cql or dynamodb, got "mongo"' })
    await expect(evolveCommand(cql, out, 'session', { module, rate: 'fast' })).rejects.toMatchObject({ code: 'E_USAGE', message: '--rate must be an integer ≥ 0, got "fast"' })
    await expect(evolveCommand(cql, out, 'session', { module, segments: '0' })).rejects.toMatchObject({ code: 'E_USAGE', message: '--segments must be an integer ≥ 1, got "0"' })
    await expect(evolveCommand(cql, out, 'session', { module, pageSize: '2.5' })).rejects.toMatchObject({ code: 'E_USAGE', message: '--page-size must be an integer ≥ 1, got "2.5"' })
    expect(sweep.calls).toHaveLength(0)
  })

  it('over CQL needs --db scylladb', async () => {
    await expect(evolveCommand(async () => fakeSettings({ db: 'cockroachdb' }), recordingOutput(), 'session', { module }))
      .rejects.toMatchObject({ code: 'E_USAGE', message: expect.stringContaining('evolve works on ScyllaDB/Cassandra') })
  })

  it('over CQL sweeps the entity table of the keyspace with the parsed options, prints the census table and returns the document', async () => {
    const out = recordingOutput()
    sweep.events = [
      { type: 'walk:start', id: 'x', segments: 4, resumed: false, segmentsDone: 0, rowsDone: 0, note: 'a fresh sweep' },
      { type: 'walk:progress', id: 'x', rows: 4, rowsThisRun: 4, segmentsDone: 2, segments: 4, fraction: 0.5, rowsPerSecond: 1234, counts: {} },
      { type: 'row:failed', id: 'x', failure: { key: 'id=7', code: 'E_STEP', message: 'step 3 threw' } },
      { type: 'walk:done', id: 'x', rows: 8, rowsThisRun: 8, durationMs: 1500, rowsPerSecond: 5 },
    ]
    const listeners = process.listenerCount('SIGINT')
    const doc = await evolveCommand(cql, out, 'session', { module, rate: '0', segments: '4', concurrency: '2', pageSize: '100' })
    expect(process.listenerCount('SIGINT')).toBe(listeners)
    expect(sweep.calls[0]).toMatchObject({ keyspace: 'app', table: 'session', layout: 'columns', checkpointKeyspace: 'app', client: 'cql-client', rate: 0, segments: 4, concurrency: 2, pageSize: 100, upgrade: true, restart: false, progressIntervalMs: 5000 })
    expect(sweep.closed).toBe(1)
    expect(out.logged).toEqual([
      'evolve session: 4 segments (a fresh sweep)',
      'evolve session: 50.0%  4 rows, 0 upgraded, 2/4 segments, 1,234 rows/s',
      '  id=7: step 3 threw',
      'evolve session: 8 rows in 1.50 s (5 rows/s)',
    ])
    expect(out.tables[0]).toEqual({ head: ['schema_version', 'documents', 'share'], rows: [['1', '2', '25.00%'], ['3 (current)', '6', '75.00%']] })
    expect(out.printed).toEqual(['session: 8 documents, 75% at v3; upgraded 2, conflicts 0, failed 0, newer than current 0', 'keep step 2: documents at v1 remain'])
    expect(doc).toMatchObject({ ok: true, command: 'evolve', entity: 'session', api: 'cql', table: 'app.session', censusOnly: false, rows: 8 })
  })

  it('over CQL takes keyspace.table, a JSON document column and its version column; a census writes nothing', async () => {
    const out = recordingOutput()
    sweep.result = result({ total: 0, byVersion: { 3: 0 } })
    const doc = await evolveCommand(async () => fakeSettings({ db: 'scylladb', scylladb: {} }), out, 'session', { module, table: 'other.sessions', documentColumn: 'doc', versionColumn: 'v', censusOnly: true, restart: true })
    expect(sweep.calls[0]).toMatchObject({ keyspace: 'other', table: 'sessions', layout: { json: 'doc', versionColumn: 'v' }, checkpointKeyspace: '', upgrade: false, restart: true })
    expect(doc).toMatchObject({ table: 'other.sessions', censusOnly: true })
    expect(out.tables[0]?.rows).toEqual([['3 (current)', '0', '0.00%']])
    await evolveCommand(async () => fakeSettings({ db: 'scylladb', scylladb: { keyspace: 'app' } }), out, 'session', { module, documentColumn: 'doc' })
    expect(sweep.calls[1]).toMatchObject({ keyspace: 'app', table: 'session', layout: { json: 'doc' } })
    // Without a keyspace anywhere, a bare table name is handed on without one (the driver then refuses it).
    await evolveCommand(async () => fakeSettings({ db: 'scylladb', scylladb: {} }), recordingOutput(), 'session', { module })
    expect(sweep.calls[2]).toMatchObject({ keyspace: '', table: 'session', checkpointKeyspace: '' })
  })

  it('through the DynamoDB API uses --endpoint and --region, destroys the client, and names the endpoint in the document', async () => {
    const out = recordingOutput()
    sweep.events = [
      { type: 'walk:start', id: 'x', segments: 1, resumed: false, segmentsDone: 0, rowsDone: 0 },
      { type: 'walk:checkpoint', id: 'x' } as unknown as SweepEvent,
    ]
    const doc = await evolveCommand(cql, out, 'session', { module, api: 'dynamodb', endpoint: 'http://127.0.0.1:1', region: 'eu-west-1', table: 'sessions' })
    expect(sweep.calls[0]).toMatchObject({ table: 'sessions', client: { options: { endpoint: 'http://127.0.0.1:1', region: 'eu-west-1' } } })
    expect(sweep.destroyed).toBe(1)
    expect(doc).toMatchObject({ api: 'dynamodb', table: 'http://127.0.0.1:1 table sessions' })
    // An event it does not know is not rendered.
    expect(out.logged).toEqual(['evolve session: 1 segment'])
  })

  it('through the DynamoDB API falls back to STRATA_DYNAMODB_ENDPOINT, else to DynamoDB itself', async () => {
    const saved = process.env.STRATA_DYNAMODB_ENDPOINT
    try {
      process.env.STRATA_DYNAMODB_ENDPOINT = 'http://from-env:8000'
      expect((await evolveCommand(cql, recordingOutput(), 'session', { module, api: 'dynamodb' })).table).toBe('http://from-env:8000 table session')
      delete process.env.STRATA_DYNAMODB_ENDPOINT
      expect((await evolveCommand(cql, recordingOutput(), 'session', { module, api: 'dynamodb' })).table).toBe('DynamoDB table session')
      expect(sweep.calls[1]).toMatchObject({ client: { options: {} } })
    } finally {
      if (saved === undefined) delete process.env.STRATA_DYNAMODB_ENDPOINT
      else process.env.STRATA_DYNAMODB_ENDPOINT = saved
    }
  })

  it('on a terminal redraws one live progress line and clears it before the next line; a resumed sweep says so', async () => {
    const out = recordingOutput({ interactive: true })
    sweep.events = [
      { type: 'walk:start', id: 'x', segments: 16, resumed: true, segmentsDone: 5, rowsDone: 1000 },
      { type: 'walk:progress', id: 'x', rows: 10, rowsThisRun: 10, segmentsDone: 6, segments: 16, fraction: 0.375, rowsPerSecond: 10, counts: { upgraded: 3 } },
      { type: 'walk:progress', id: 'x', rows: 20, rowsThisRun: 20, segmentsDone: 7, segments: 16, fraction: 0.4375, rowsPerSecond: 20, counts: { upgraded: 4 } },
      { type: 'row:failed', id: 'x', failure: { key: 'k1', code: 'E', message: 'bad' } },
      { type: 'walk:done', id: 'x', rows: 20, rowsThisRun: 20, durationMs: 200, rowsPerSecond: 100 },
    ]
    io = captureStdio()
    await evolveCommand(cql, out, 'session', { module, api: 'dynamodb', censusOnly: true })
    io.restore()
    expect(sweep.calls[0]).toMatchObject({ progressIntervalMs: 250 })
    expect(io.stderr()).toBe('census session: 37.5%  10 rows, 3 upgraded, 6/16 segments, 10 rows/s\r\x1b[Kcensus session: 43.8%  20 rows, 4 upgraded, 7/16 segments, 20 rows/s\r\x1b[K')
    expect(out.logged).toEqual(['census session: resuming a checkpoint (5/16 segments done, 1,000 rows)', '  k1: bad', 'census session: 20 rows in 200 ms (100 rows/s)'])
  })

  it('Ctrl-C aborts the sweep with E_ABORTED saying the checkpoint is kept', async () => {
    const once = vi.spyOn(process, 'once')
    let reason: unknown
    sweep.duringSweep = (o) => {
      const handler = once.mock.calls.find(([name]) => name === 'SIGINT')?.[1] as () => void
      handler()
      reason = (o.signal as AbortSignal).reason
    }
    try {
      await evolveCommand(cql, recordingOutput(), 'session', { module, api: 'dynamodb' })
    } finally {
      once.mockRestore()
    }
    expect(reason).toMatchObject({ code: 'E_ABORTED', message: 'evolve session interrupted; the checkpoint is saved: run it again to resume' })
  })

  it('with documents it could not upgrade prints the document itself and fails with E_EVOLUTION_FAILED naming the first', async () => {
    const out = recordingOutput({ json: true })
    sweep.result = result({ failed: 2, failures: [{ key: 'id=1', code: 'E_STEP', message: 'no field a' }, { key: 'id=2', code: 'E_STEP', message: 'no field a' }] })
    const err = await evolveCommand(cql, out, 'session', { module, api: 'dynamodb' }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'E_EVOLUTION_FAILED', message: '2 session documents could not be upgraded (first: id=1: no field a)', details: { reported: true } })
    expect(out.documents).toHaveLength(1)
    expect(out.documents[0]).toMatchObject({ ok: false, command: 'evolve', failures: [{ key: 'id=1' }, { key: 'id=2' }] })
  })
})

/** A merged census of 4 shards over 16 segments, one shard in each state. */
function shardCensus(patch: Partial<ShardCensus> = {}): ShardCensus {
  const at = new Date('2026-01-01T00:00:00Z')
  return {
    id: 'sweep:session:session', shards: 4, segments: 16, census: result().census, rows: 1234, rowsPerSecond: 56,
    shardsDone: 1, shardsRunning: 1, shardsStopped: 1, shardsNotStarted: 1, segmentsDone: 7,
    unfinishedSegments: [3, 6, 7, 9, 10, 11, 13, 14, 15], complete: false,
    perShard: [
      { index: 0, state: 'done', segments: [0, 4, 8, 12], segmentsDone: 4, rows: 1000, upgraded: 400, failed: 0, startedAt: at, updatedAt: at, finishedAt: at, rowsPerSecond: 1500 },
      { index: 1, state: 'running', segments: [1, 5, 9, 13], segmentsDone: 2, rows: 200, upgraded: 10, failed: 1, startedAt: at, updatedAt: at, rowsPerSecond: 20 },
      { index: 2, state: 'stopped', segments: [2, 6, 10, 14], segmentsDone: 1, rows: 34, upgraded: 0, failed: 0, startedAt: at, updatedAt: at, rowsPerSecond: 3, note: 'no checkpoint for 80 s: rerun it to resume' },
      { index: 3, state: 'not started', segments: [3, 7, 11, 15], segmentsDone: 0, rows: 0, upgraded: 0, failed: 0, rowsPerSecond: 0 },
    ],
    notes: ['the shards were started with different segment counts (16, 32)'],
    ...patch,
  }
}

describe('strata evolve --shard, --census, --audit-log', () => {
  let dir: string
  let module: string
  const cql = async () => fakeSettings({ db: 'scylladb', scylladb: { keyspace: 'app' } })
  let savedIndex: string | undefined

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'strata-evolve-shard-'))
    module = join(dir, 'session.mjs')
    await writeFile(module, `export default { entity: 'session', current: 3, steps: { 2: (d) => d, 3: (d) => d } }\n`)
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))
  beforeEach(() => {
    sweep.calls.length = 0
    sweep.events = []
    sweep.result = { ...result(), segments: 16, shard: { index: 1, count: 4, segments: [1, 5, 9, 13] } }
    sweep.census = shardCensus()
    sweep.duringSweep = undefined
    sweep.destroyed = 0
    sweep.closed = 0
    savedIndex = process.env.JOB_COMPLETION_INDEX
    delete process.env.JOB_COMPLETION_INDEX
  })
  afterEach(() => {
    if (savedIndex === undefined) delete process.env.JOB_COMPLETION_INDEX
    else process.env.JOB_COMPLETION_INDEX = savedIndex
  })

  it('--shard 1/4 sweeps that shard over 16 segments, says which segments it owned, and puts the shard in the document', async () => {
    const out = recordingOutput()
    sweep.events = [{ type: 'walk:start', id: 'x', segments: 4, resumed: false, segmentsDone: 0, rowsDone: 0 }]
    const doc = await evolveCommand(cql, out, 'session', { module, shard: '1/4' })
    expect(sweep.calls).toHaveLength(1)
    expect(sweep.calls[0]).toMatchObject({ shard: { index: 1, count: 4 }, segments: 16, keyspace: 'app', table: 'session' })
    expect(sweep.calls[0]).not.toHaveProperty('hooks')
    expect(out.logged).toEqual(['evolve session shard 1/4: 4 segments'])
    expect(out.printed[0]).toBe('shard 1/4: segments 1, 5, 9, 13 of 16; the census of every shard: strata evolve session --census --shards 4')
    expect(out.printed.slice(1)).toEqual(['session: 8 documents, 75% at v3; upgraded 2, conflicts 0, failed 0, newer than current 0', 'keep step 2: documents at v1 remain'])
    expect(doc).toMatchObject({ ok: true, mode: 'sweep', segments: 16, shard: { index: 1, count: 4, segments: [1, 5, 9, 13] } })
  })

  it('an unsharded sweep passes no shard, splits into 16 segments, and prints no shard line', async () => {
    sweep.result = { ...result(), segments: 16 }
    const out = recordingOutput()
    const doc = await evolveCommand(cql, out, 'session', { module })
    expect(sweep.calls[0]).toMatchObject({ segments: 16 })
    expect(sweep.calls[0]).not.toHaveProperty('shard')
    expect(out.printed[0]).toMatch(/^session: 8 documents/)
    expect(doc).toMatchObject({ mode: 'sweep', segments: 16 })
    expect(doc).not.toHaveProperty('shard')
  })

  it('--shard /N takes the index from JOB_COMPLETION_INDEX; more shards than 4 per 16 segments raise the default segment count', async () => {
    process.env.JOB_COMPLETION_INDEX = '2'
    await evolveCommand(cql, recordingOutput(), 'session', { module, shard: '/4', censusOnly: true })
    expect(sweep.calls[0]).toMatchObject({ shard: { index: 2, count: 4 }, segments: 16, upgrade: false })
    await evolveCommand(cql, recordingOutput(), 'session', { module, shard: '/8' })
    expect(sweep.calls[1]).toMatchObject({ shard: { index: 2, count: 8 }, segments: 32 })
    await evolveCommand(cql, recordingOutput(), 'session', { module, shard: '0/2', segments: '2' })
    expect(sweep.calls[2]).toMatchObject({ shard: { index: 0, count: 2 }, segments: 2 })
  })

  it('refuses a bad --shard, fewer segments than shards, /N without JOB_COMPLETION_INDEX, and --shards without --census (E_USAGE)', async () => {
    const out = recordingOutput()
    await expect(evolveCommand(cql, out, 'session', { module, shard: '5/4' })).rejects.toMatchObject({ code: 'E_USAGE', message: expect.stringContaining('shard index 5 is outside 0…3') })
    await expect(evolveCommand(cql, out, 'session', { module, shard: '4' })).rejects.toMatchObject({ code: 'E_USAGE', message: expect.stringContaining('--shard takes i/N') })
    await expect(evolveCommand(cql, out, 'session', { module, shard: '0/4', segments: '2' })).rejects.toMatchObject({ code: 'E_USAGE', message: expect.stringContaining('2 segments cannot be shared by 4 shards') })
    await expect(evolveCommand(cql, out, 'session', { module, shard: '/4' })).rejects.toMatchObject({ code: 'E_USAGE', message: expect.stringContaining('JOB_COMPLETION_INDEX') })
    await expect(evolveCommand(cql, out, 'session', { module, shards: '4' })).rejects.toMatchObject({ code: 'E_USAGE', message: '--shards goes with --census; a sweep takes --shard i/N' })
    await expect(evolveCommand(cql, out, 'session', { module, shard: '0/4', shards: '4' })).rejects.toMatchObject({ code: 'E_USAGE' })
    expect(sweep.calls).toHaveLength(0)
  })

  it('--census --shards 4 reads every shard\'s checkpoints over CQL and prints one row per shard, the census and what is left', async () => {
    const out = recordingOutput()
    const doc = await evolveCommand(cql, out, 'session', { module, census: true, shards: '4' })
    expect(sweep.calls).toHaveLength(1)
    expect(sweep.calls[0]).toMatchObject({ shards: 4, upgrade: true, client: 'cql-client', keyspace: 'app', table: 'session', layout: 'columns', checkpointKeyspace: 'app', evolution: { entity: 'session', current: 3 } })
    expect(sweep.closed).toBe(1)
    expect(out.tables[0]).toEqual({
      head: ['shard', 'state', 'segments', 'done', 'rows', 'upgraded', 'failed', 'rows/s', 'note'],
      rows: [
        ['0', 'done', '0,4,8,12', '4/4', '1,000', '400', '0', '1,500', ''],
        ['1', 'running', '1,5,9,13', '2/4', '200', '10', '1', '20', ''],
        ['2', 'stopped', '2,6,10,14', '1/4', '34', '0', '0', '3', 'no checkpoint for 80 s: rerun it to resume'],
        ['3', 'not started', '3,7,11,15', '0/4', '0', '0', '0', '0', ''],
      ],
    })
    expect(out.tables[1]).toEqual({ head: ['schema_version', 'documents', 'share'], rows: [['1', '2', '25.00%'], ['3 (current)', '6', '75.00%']] })
    expect(out.printed).toEqual([
      'session: 8 documents, 75% at v3; upgraded 2, conflicts 0, failed 0, newer than current 0',
      'keep step 2: documents at v1 remain',
      'shards: 1 done, 1 running, 1 stopped, 1 not started; segments 7/16 done; 1,234 rows at 56 rows/s',
      'the shards were started with different segment counts (16, 32)',
      'not complete: segments 3,6,7,9,…(9) unfinished; the figures above cover only the segments swept so far',
    ])
    expect(doc).toMatchObject({ ok: true, command: 'evolve', mode: 'census', entity: 'session', api: 'cql', table: 'app.session', censusOnly: false, shards: 4, segments: 16, complete: false, rows: 1234 })
  })

  it('--census prints its warnings in yellow', async () => {
    const out = recordingOutput()
    ;(out as { c: unknown }).c = pc.createColors(true)
    await evolveCommand(cql, out, 'session', { module, census: true, shards: '4' })
    expect(out.printed.slice(-2)).toEqual([
      '\x1b[33mthe shards were started with different segment counts (16, 32)\x1b[39m',
      '\x1b[33mnot complete: segments 3,6,7,9,…(9) unfinished; the figures above cover only the segments swept so far\x1b[39m',
    ])
  })

  it('--census says when the census is complete, and when no shard has started', async () => {
    const done = shardCensus({
      shardsDone: 4, shardsRunning: 0, shardsStopped: 0, shardsNotStarted: 0, segmentsDone: 16, unfinishedSegments: [], complete: true, notes: [],
      perShard: shardCensus().perShard.map((p) => ({ ...p, state: 'done' as const, segmentsDone: p.segments.length })),
    })
    sweep.census = done
    const out = recordingOutput()
    await evolveCommand(cql, out, 'session', { module, census: true, shards: '4' })
    expect(out.printed.slice(-2)).toEqual(['shards: 4 done, 0 running, 0 stopped, 0 not started; segments 16/16 done; 1,234 rows at 56 rows/s', 'complete: every segment was swept; the census covers the whole table'])

    const nothing = shardCensus({
      segments: undefined, rows: 0, rowsPerSecond: 0, shardsDone: 0, shardsRunning: 0, shardsStopped: 0, shardsNotStarted: 2, segmentsDone: 0, unfinishedSegments: [], notes: [],
      perShard: [0, 1].map((index) => ({ index, state: 'not started' as const, segments: [], segmentsDone: 0, rows: 0, upgraded: 0, failed: 0, rowsPerSecond: 0 })),
    })
    sweep.census = nothing
    const none = recordingOutput()
    await evolveCommand(cql, none, 'session', { module, census: true, shards: '2' })
    expect(none.tables[0]?.rows).toEqual([['0', 'not started', '-', '0/0', '0', '0', '0', '0', ''], ['1', 'not started', '-', '0/0', '0', '0', '0', '0', '']])
    expect(none.printed.slice(-2)).toEqual(['shards: 0 done, 0 running, 0 stopped, 2 not started; segments 0/0 done; 0 rows at 0 rows/s', 'not complete: no shard has started this sweep'])
  })

  it('--census takes N from --shard …/N without needing JOB_COMPLETION_INDEX; without either it reads the unsharded sweep', async () => {
    await evolveCommand(cql, recordingOutput(), 'session', { module, census: true, shard: '/4' })
    expect(sweep.calls[0]).toMatchObject({ shards: 4 })
    await evolveCommand(cql, recordingOutput(), 'session', { module, census: true, shard: '3/4', shards: '4', censusOnly: true })
    expect(sweep.calls[1]).toMatchObject({ shards: 4, upgrade: false })
    await evolveCommand(cql, recordingOutput(), 'session', { module, census: true })
    expect(sweep.calls[2]).not.toHaveProperty('shards')
  })

  it('--census refuses --restart, a bad --shards, and --shards that disagrees with --shard (E_USAGE), reading nothing', async () => {
    const out = recordingOutput()
    await expect(evolveCommand(cql, out, 'session', { module, census: true, restart: true })).rejects.toMatchObject({ code: 'E_USAGE', message: '--census reads checkpoints only; --restart belongs to a sweep' })
    await expect(evolveCommand(cql, out, 'session', { module, census: true, shards: '3', shard: '/4' })).rejects.toMatchObject({ code: 'E_USAGE', message: '--shards 3 and --shard …/4 disagree' })
    await expect(evolveCommand(cql, out, 'session', { module, census: true, shards: '0' })).rejects.toMatchObject({ code: 'E_USAGE', message: '--shards must be an integer ≥ 1, got "0"' })
    await expect(evolveCommand(cql, out, 'session', { module, census: true, shard: '/0' })).rejects.toMatchObject({ code: 'E_USAGE' })
    expect(sweep.calls).toHaveLength(0)
  })

  it('--census through the DynamoDB API reads the checkpoint table with a client it destroys', async () => {
    const out = recordingOutput({ json: true })
    const doc = await evolveCommand(cql, out, 'session', { module, census: true, shards: '4', api: 'dynamodb', endpoint: 'http://127.0.0.1:1', table: 'sessions' })
    expect(sweep.calls[0]).toMatchObject({ shards: 4, upgrade: true, table: 'sessions', client: { options: { endpoint: 'http://127.0.0.1:1' } } })
    expect(sweep.destroyed).toBe(1)
    expect(doc).toMatchObject({ ok: true, mode: 'census', api: 'dynamodb', table: 'http://127.0.0.1:1 table sessions', shards: 4 })
    expect(out.tables).toEqual([])
  })

  it('--census of shards that recorded failed rows prints the document itself and fails with E_EVOLUTION_FAILED', async () => {
    sweep.census = shardCensus({ census: result({ failed: 3 }).census })
    const out = recordingOutput({ json: true })
    const err = await evolveCommand(cql, out, 'session', { module, census: true, shards: '4', api: 'dynamodb' }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'E_EVOLUTION_FAILED', message: expect.stringContaining('3 session documents'), details: { reported: true } })
    expect(sweep.destroyed).toBe(1)
    expect(out.documents).toHaveLength(1)
    expect(out.documents[0]).toMatchObject({ ok: false, command: 'evolve', mode: 'census', census: { failed: 3 } })
  })

  it('--audit-log appends a JSON line for every row the sweep wrote', async () => {
    const file = join(dir, 'audit.jsonl')
    await writeFile(file, '{"key":"earlier","from":1,"to":3}\n')
    sweep.duringSweep = (o) => {
      const hooks = o.hooks as UpgradeHooks
      void hooks.afterWriteBack?.({ key: 'id=1', from: 1, to: 3 })
      void hooks.afterWriteBack?.({ key: 'id="2"', from: 2, to: 3 })
    }
    const listeners = process.listenerCount('SIGINT')
    await evolveCommand(cql, recordingOutput(), 'session', { module, api: 'dynamodb', auditLog: file })
    expect(process.listenerCount('SIGINT')).toBe(listeners)
    expect((await readFile(file, 'utf8')).split('\n')).toEqual([
      '{"key":"earlier","from":1,"to":3}', '{"key":"id=1","from":1,"to":3}', '{"key":"id=\\"2\\"","from":2,"to":3}', '',
    ])
  })

  it('--audit-log that cannot be opened is E_CONFIG before anything is swept, leaving no SIGINT handler', async () => {
    const listeners = process.listenerCount('SIGINT')
    await expect(evolveCommand(cql, recordingOutput(), 'session', { module, api: 'dynamodb', auditLog: dir })).rejects.toMatchObject({
      code: 'E_CONFIG', message: expect.stringContaining(`cannot open the audit log ${dir}`),
    })
    expect(sweep.calls).toHaveLength(0)
    expect(process.listenerCount('SIGINT')).toBe(listeners)
  })

})
