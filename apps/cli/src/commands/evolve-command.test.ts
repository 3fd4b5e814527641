import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { SweepEvent, SweepResult } from '@strata-migrate/core/adapter-kit'
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
