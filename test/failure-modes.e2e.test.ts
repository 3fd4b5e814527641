/**
 * The places operators live, tried with the built CLI against the real servers: signals, closed pipes, hangs,
 * bad input caught before any change, and environment failures reported with their own codes
 * (docs/failure-modes.md lists every code). Node loss and frozen nodes: packages/scylladb/src/cluster.int.test.ts.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLI, REPO, spawnStrata, strata } from './support/cli.js'
import { cockroachTarget, scyllaTarget, type DbTarget } from './support/targets.js'

async function dirWith(files: Record<string, string | Buffer>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'strata-faults-'))
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text)
  return dir
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

describe('signals: Ctrl-C and SIGTERM stop a run gracefully (PostgreSQL)', () => {
  let t: DbTarget
  let dir: string
  // Ten statements of 300 ms each, journaled one by one.
  const slow = '-- strata:no-transaction\n' + Array.from({ length: 10 }, (_, i) => `CREATE TABLE s${i} AS SELECT 1 AS x FROM pg_sleep(0.3);\n`).join('')
  beforeAll(async () => {
    t = await cockroachTarget('signals')
    dir = await dirWith({ '001_slow.sql': slow })
  })
  afterAll(() => t?.cleanup())
  const args = (): string[] => [...t.args, '--dir', dir, '--lock-ttl', '30s']

  it('SIGTERM: stops before the next statement, records where, releases the lease, exits 143; the rerun resumes at once', async () => {
    const p = spawnStrata(['up', ...args()])
    await sleep(1_600)
    p.child.kill('SIGTERM')
    const r = await p.done
    expect(r.code, r.stderr).toBe(143)
    expect(r.stderr).toMatch(/SIGTERM: stopping before the next statement/)
    expect(r.stderr).toMatch(/interrupted by SIGTERM: 001_slow\.sql stopped after statement \d+ of 10; rerun `strata up` to resume/)
    const lock = await strata([...args(), 'lock', 'status', '--json'])
    expect(lock.json).toMatchObject({ locked: false })
    const st = await strata([...args(), 'status', '--json'])
    expect(st.json.rows[0]).toMatchObject({ state: 'partial', statementsTotal: 10 })
    const t0 = Date.now()
    const again = await strata([...args(), 'up', '--json'])
    expect(again.code, again.stderr).toBe(0)
    // No wait for a lease: the interrupted run released it.
    expect(again.json.lockWaitMs).toBeLessThan(1_000)
    expect(again.json.steps[0]).toMatchObject({ statements: 10 })
    expect(again.json.steps[0].resumedFrom).toBeGreaterThan(0)
    expect(Date.now() - t0).toBeLessThan(15_000)
  })

  it('SIGINT exits 130; a second signal exits at once, without waiting for the statement in flight', async () => {
    const long = await dirWith({ '001_long.sql': '-- strata:no-transaction\nSELECT pg_sleep(20);\nSELECT 1;\n' })
    const p = spawnStrata([...t.args, '--dir', long, '--set', 'twice', 'up'])
    await sleep(1_500)
    p.child.kill('SIGINT')
    await sleep(300)
    const t0 = Date.now()
    p.child.kill('SIGINT')
    const r = await p.done
    expect(r.code).toBe(130)
    expect(Date.now() - t0).toBeLessThan(3_000)
    expect(r.stderr).toMatch(/second SIGINT: exiting now/)
  })
})

describe('output and connections', () => {
  it('a closed pipe never kills a run: strata up 2>&1 >/dev/null | head -1 applies everything and frees the lease', async () => {
    const t = await cockroachTarget('pipe')
    try {
      const dir = await dirWith(Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`00${i + 1}_p.sql`, `CREATE TABLE p${i} (id int);\n`])))
      const cmd = `"${process.execPath}" "${CLI}" ${t.args.map((a) => `'${a}'`).join(' ')} --dir '${dir}' up 2>&1 >/dev/null | head -1; echo "strata exit \${PIPESTATUS[0]}" >&2`
      const r = await new Promise<{ stderr: string }>((resolve) => {
        const child = spawn('bash', ['-c', cmd], { cwd: REPO, env: { ...process.env, NO_COLOR: '1' } })
        let stderr = ''
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
        child.on('close', () => resolve({ stderr }))
      })
      expect(r.stderr).toMatch(/strata exit 0/)
      const st = await strata([...t.args, '--dir', dir, 'status', '--json'])
      expect(st.json.counts).toMatchObject({ applied: 8, pending: 0 })
      expect((await strata([...t.args, '--dir', dir, 'lock', 'status', '--json'])).json.locked).toBe(false)
    } finally {
      await t.cleanup()
    }
  })

  it('a wrong --local-dc exits 5 at once, naming the data centres there are', async () => {
    const t0 = Date.now()
    const r = await strata(['--db', 'scylladb', '--keyspace', 'nowhere_ks', '--local-dc', 'nowhere', 'status', '--json'])
    expect(r.code).toBe(5)
    expect(r.json.error).toMatchObject({ code: 'E_CONNECTION' })
    expect(r.json.error.message).toMatch(/nowhere.*datacenter1/)
    expect(Date.now() - t0).toBeLessThan(10_000)
  })

  it('a contact point that accepts connections but never answers exits 5 within the connect timeout', async () => {
    // A listener that accepts and says nothing: the protocol handshake never completes.
    const net = await import('node:net')
    const server = net.createServer(() => {})
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const port = (server.address() as { port: number }).port
    try {
      const t0 = Date.now()
      const r = await strata(['--db', 'scylladb', '--keyspace', 'x', '--contact-points', `127.0.0.1:${port}`, 'status', '--json'])
      expect(r.code).toBe(5)
      expect(r.json.error.code).toBe('E_CONNECTION')
      expect(Date.now() - t0).toBeLessThan(12_000)
    } finally {
      server.close()
    }
  })
})

describe.each([
  ['scylladb', () => scyllaTarget('badinput'), 'cql'],
  ['cockroachdb', () => cockroachTarget('badinput'), 'sql'],
] as const)('nothing changes before the input is known good (%s)', (db, open, ext) => {
  let t: DbTarget
  beforeAll(async () => {
    t = await open()
  })
  afterAll(() => t?.cleanup())
  const ok = db === 'scylladb' ? 'CREATE TABLE IF NOT EXISTS ${keyspace}.ok (id int PRIMARY KEY);\n' : 'CREATE TABLE IF NOT EXISTS ok (id int PRIMARY KEY);\n'
  const nothingThere = async (dir: string): Promise<void> => {
    const st = await strata([...t.args, '--dir', dir, 'status', '--json'])
    expect(st.json?.current ?? null).toBeNull()
    expect(st.json?.rows?.filter((r: { state: string }) => r.state !== 'pending') ?? []).toEqual([])
  }

  it('an unknown ${placeholder} in a later file: exit 2 naming it, and not even the first file ran', async () => {
    const dir = await dirWith({ [`001_ok.${ext}`]: ok, [`002_bad.${ext}`]: 'SELECT ${nope};\n' })
    const r = await strata([...t.args, '--dir', dir, 'up', '--json'])
    expect(r.code).toBe(2)
    expect(r.json.error).toMatchObject({ code: 'E_PLACEHOLDER', file: `002_bad.${ext}` })
    await nothingThere(dir)
  })

  it.each([
    [`003_c.${ext.toUpperCase()}`, /extension/],
    [`003_c.${ext === 'cql' ? 'sql' : 'cql'}`, /migration set/],
  ])('%s is refused, not skipped', async (name, message) => {
    const dir = await dirWith({ [`001_ok.${ext}`]: ok, [name]: ok })
    const r = await strata([...t.args, '--dir', dir, 'up', '--json'])
    expect(r.code).toBe(2)
    expect(r.json.error).toMatchObject({ code: 'E_FILENAME', file: name, message: expect.stringMatching(message) })
    await nothingThere(dir)
  })

  it('invalid UTF-8 is refused naming the file and byte offset', async () => {
    const dir = await dirWith({ [`001_ok.${ext}`]: Buffer.concat([Buffer.from('-- caf'), Buffer.from([0xc3, 0x28]), Buffer.from(`\n${ok}`)]) })
    const r = await strata([...t.args, '--dir', dir, 'up', '--json'])
    expect(r.code).toBe(2)
    expect(r.json.error.message).toMatch(/001_ok\.\w+ is not valid UTF-8: byte 0xc3 at offset 6 \(line 1\)/)
  })

  it('--target abc is a usage error', async () => {
    const dir = await dirWith({ [`001_ok.${ext}`]: ok })
    const r = await strata([...t.args, '--dir', dir, 'up', '--target', 'abc', '--json'])
    expect(r.code).toBe(2)
    expect(r.json.error).toMatchObject({ code: 'E_USAGE', message: expect.stringContaining('--target "abc" is not a version') })
  })
})

describe('the target is created only once the run is known good', () => {
  it('no migration directory: exit 2 and no keyspace; a dry run says what it would create; up says what it created', async () => {
    const t = await scyllaTarget('create')
    try {
      const keyspace = t.args[3] as string
      const missing = await strata([...t.args, '--dir', '/nonexistent/strata', 'up', '--json'])
      expect(missing.code).toBe(2)
      expect(missing.json.error.code).toBe('E_FILE_UNREADABLE')
      const dir = await dirWith({ '001_ok.cql': 'CREATE TABLE IF NOT EXISTS ${keyspace}.ok (id int PRIMARY KEY);\n' })
      const dry = await strata([...t.args, '--dir', dir, 'up', '--dry-run', '--json'])
      expect(dry.json.wouldCreate).toMatch(new RegExp(`^keyspace ${keyspace} `))
      const status = await strata([...t.args, '--dir', dir, 'status', '--json'])
      expect(status.json.current).toBeNull()
      const up = await strata([...t.args, '--dir', dir, 'up', '--json'])
      expect(up.code, up.stderr).toBe(0)
      expect(up.json.created).toMatch(new RegExp(`^keyspace ${keyspace} \\(\\{'class': 'SimpleStrategy'`))
      expect(up.stderr).toContain(`created keyspace ${keyspace}`)
    } finally {
      await t.cleanup()
    }
  })

  it('no keyspace given: E_CONFIG instead of a default keyspace', async () => {
    const r = await strata(['--db', 'scylladb', 'status', '--json'], { env: { STRATA_SCYLLADB_KEYSPACE: undefined } })
    expect(r.code).toBe(2)
    expect(r.json.error).toMatchObject({ code: 'E_CONFIG', message: expect.stringContaining('--keyspace') })
  })
})

describe('errors that name the cause', () => {
  it('a replication option the server refuses is E_CONFIG (exit 2), nothing created', async () => {
    const t = await scyllaTarget('badrepl')
    try {
      const dir = await dirWith({ '001_ok.cql': 'CREATE TABLE IF NOT EXISTS ${keyspace}.ok (id int PRIMARY KEY);\n' })
      const r = await strata([...t.args, '--dir', dir, '--replication', 'NetworkTopologyStrategy:nodc=1', 'up', '--json'])
      expect(r.code, r.stdout).toBe(2)
      expect(r.json.error.code).toBe('E_CONFIG')
    } finally {
      await t.cleanup()
    }
  })

  it('a keyspace whose replication cannot be met (RF 3 on one node) is E_UNAVAILABLE (exit 5), not an internal error', async () => {
    const t = await scyllaTarget('rf3')
    try {
      const dir = await dirWith({ '001_ok.cql': 'CREATE TABLE IF NOT EXISTS ${keyspace}.ok (id int PRIMARY KEY);\n' })
      const r = await strata([...t.args, '--dir', dir, '--replication', 'SimpleStrategy:3', 'up', '--json'])
      expect(r.code, r.stdout).toBe(5)
      expect(r.json.error).toMatchObject({ code: 'E_UNAVAILABLE', message: expect.stringMatching(/required, 1 alive/) })
    } finally {
      await t.cleanup()
    }
  })

  it.each([
    ['scylladb', () => scyllaTarget('corrupt'), 'ALTER TABLE ${keyspace}.strata_history DROP statements_done', 'cql'],
    ['cockroachdb', () => cockroachTarget('corrupt'), 'ALTER TABLE strata_history DROP COLUMN statements_done', 'sql'],
  ] as const)('%s: a history column dropped by hand is E_HISTORY_CORRUPT naming it, not a migration failure', async (_db, open, drop, ext) => {
    const t = await open()
    try {
      const ok = ext === 'cql' ? 'CREATE TABLE IF NOT EXISTS ${keyspace}.ok (id int PRIMARY KEY);\n' : 'CREATE TABLE IF NOT EXISTS ok (id int PRIMARY KEY);\n'
      const dir = await dirWith({ [`001_ok.${ext}`]: ok })
      expect((await strata([...t.args, '--dir', dir, 'up', '--json'])).code).toBe(0)
      await t.raw(drop)
      await writeFile(join(dir, `002_more.${ext}`), ok.replace(/\bok\b/, 'more'))
      for (const command of ['status', 'up']) {
        const r = await strata([...t.args, '--dir', dir, command, '--json'])
        expect(r.code, `${command}: ${r.stdout}`).toBe(3)
        expect(r.json.error).toMatchObject({ code: 'E_HISTORY_CORRUPT', message: expect.stringContaining('statements_done') })
      }
    } finally {
      await t.cleanup()
    }
  })

  it('a failing 20 MB statement is quoted as a bounded excerpt in the error, the JSON and history', async () => {
    const t = await cockroachTarget('huge')
    try {
      const huge = `INSERT INTO nope VALUES ('${'x'.repeat(20 * 1024 * 1024)}');\n`
      const dir = await dirWith({ '001_huge.sql': huge })
      const r = await strata([...t.args, '--dir', dir, 'up', '--json'])
      expect(r.code).toBe(1)
      expect(r.stdout.length).toBeLessThan(20_000)
      expect(r.stderr.length).toBeLessThan(20_000)
      expect(r.json.error.statement).toMatch(/more characters\]$/)
      const h = await strata([...t.args, '--dir', dir, 'history', '--json'])
      expect(h.json.rows[0].error.length).toBeLessThan(2_100)
    } finally {
      await t.cleanup()
    }
  })

  it('a code migration stopped after one journaled call shows what the journal knows (no "1/0")', async () => {
    const t = await cockroachTarget('codepartial')
    try {
      const dir = await dirWith({
        '001_code.ts': "export const metadata = { transactional: false }\nexport async function up(ctx) { await ctx.execute('CREATE TABLE c1 (id int)'); await ctx.execute('CREATE TABEL c2 (id int)') }\n",
      })
      expect((await strata([...t.args, '--dir', dir, 'up'])).code).toBe(1)
      const st = await strata([...t.args, '--dir', dir, 'status'])
      expect(st.stdout).toMatch(/partial \(1 statement journaled\)/)
      expect(st.stdout).not.toMatch(/1\/0/)
    } finally {
      await t.cleanup()
    }
  })
})
