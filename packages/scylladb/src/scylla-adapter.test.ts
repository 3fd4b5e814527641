import cassandra from 'cassandra-driver'
import type { Client } from 'cassandra-driver'
import { describe, expect, it } from 'vitest'
import { StrataError, isStrataError } from '@strata-migrate/core/adapter-kit'
import { resolveOptions, type ScyllaAdapterOptions } from './options.js'
import { ScyllaAdapter } from './scylla-adapter.js'

const { errors, types } = cassandra
const codes = types.responseErrorCodes

interface Node { address: string; datacenter?: string; up?: boolean; version?: string; unreachable?: boolean }

/**
 * A connected client's view of a cluster: each node answers the agreement probes (system.local, system.peers)
 * with its schema version; every other statement goes to `answer` (rows, or an error it throws).
 */
function fakeCluster(nodes: Node[], answer: (cql: string, params: unknown[]) => Record<string, unknown>[] = () => []) {
  const ran: { cql: string; params: unknown[]; options: Record<string, unknown> }[] = []
  let shutdowns = 0
  const hosts = nodes.map((n) => ({ address: n.address, datacenter: n.datacenter ?? 'dc1', isUp: () => n.up !== false, node: n }))
  const rs = (rows: Record<string, unknown>[]) => ({ rows: rows.map((r) => ({ get: (k: string) => r[k], keys: () => Object.keys(r) })), rowLength: rows.length, first: () => (rows[0] ? { get: (k: string) => rows[0]?.[k] } : null) })
  const client = {
    hosts: { values: () => hosts, length: hosts.length },
    async execute(cql: string, params: unknown[], options: Record<string, unknown> & { host?: { node: Node } }) {
      const self = options?.host?.node
      if (self?.unreachable) throw new Error(`connect ECONNREFUSED ${self.address}\n    at TCPConnectWrap`)
      if (self && cql.includes('system.local')) return rs([{ schema_version: self.version ?? 'v1' }])
      if (self && cql.includes('system.peers')) return rs([])
      ran.push({ cql, params, options })
      return rs(answer(cql, params))
    },
    async shutdown() {
      shutdowns++
    },
  } as unknown as Client
  return { client, ran, shutdowns: () => shutdowns }
}

const base: ScyllaAdapterOptions = { contactPoints: ['10.0.0.1', '10.0.0.2'], localDataCenter: 'dc1', keyspace: 'app', agreementTimeoutMs: 300, username: 'svc', password: 'hunter2' }
const adapterOn = (client: Client, extra: Partial<ScyllaAdapterOptions> = {}) => new ScyllaAdapter(client, resolveOptions({ ...base, ...extra }))
const two = [{ address: '10.0.0.1:9042' }, { address: '10.0.0.2:9042' }]
const missingKeyspace = () => new errors.ResponseError(codes.invalid, "Keyspace 'app' does not exist")

describe('ScyllaAdapter: selecting the migration keyspace', () => {
  it('USE once; a keyspace that does not exist yet is not an error; other failures are', async () => {
    const ok = fakeCluster(two)
    const adapter = adapterOn(ok.client)
    expect(await adapter.trySelectKeyspace()).toBe(true)
    expect(await adapter.trySelectKeyspace()).toBe(true)
    expect(ok.ran.map((r) => r.cql)).toEqual(['USE "app"'])
    expect(await adapterOn(fakeCluster(two, () => { throw missingKeyspace() }).client).trySelectKeyspace()).toBe(false)
    const denied = new errors.ResponseError(codes.unauthorized, 'no permission')
    await expect(adapterOn(fakeCluster(two, () => { throw denied }).client).trySelectKeyspace()).rejects.toBe(denied)
  })

  it('createTarget: creates a missing keyspace with the configured replication, then selects it', async () => {
    const { client, ran } = fakeCluster([{ address: '10.0.0.1:9042' }])
    const adapter = adapterOn(client, { replication: { class: 'NetworkTopologyStrategy', dataCenters: { dc1: 3 } } })
    expect(await adapter.missingTarget()).toBe("keyspace app ({'class': 'NetworkTopologyStrategy', 'dc1': 3})")
    expect(await adapter.createTarget()).toBe("keyspace app ({'class': 'NetworkTopologyStrategy', 'dc1': 3})")
    expect(ran.map((r) => r.cql.split(' ').slice(0, 3).join(' '))).toEqual([
      'SELECT keyspace_name FROM', 'SELECT keyspace_name FROM', 'CREATE KEYSPACE IF', 'USE "app"',
    ])
    // Selected now: nothing is missing and nothing to create.
    expect(await adapter.missingTarget()).toBeUndefined()
    expect(await adapter.createTarget()).toBeUndefined()
  })

  it('createTarget on a keyspace another process created: nothing to report', async () => {
    const { client } = fakeCluster([{ address: '10.0.0.1:9042' }], (cql) => (cql.includes('system_schema.keyspaces') ? [{ keyspace_name: 'app' }] : []))
    const adapter = adapterOn(client)
    expect(await adapter.missingTarget()).toBeUndefined()
    expect(await adapter.createTarget()).toBeUndefined()
  })
})

describe('ScyllaAdapter.execute', () => {
  it('an aborted run sends nothing', async () => {
    const { client, ran } = fakeCluster(two)
    const stop = new AbortController()
    const reason = new Error('SIGINT')
    stop.abort(reason)
    await expect(adapterOn(client).execute('CREATE TABLE t (a int PRIMARY KEY)', { signal: stop.signal })).rejects.toBe(reason)
    expect(ran).toEqual([])
  })

  it('selects the keyspace before the first statement only', async () => {
    const { client, ran } = fakeCluster(two)
    const adapter = adapterOn(client)
    await adapter.execute('INSERT INTO t (a) VALUES (1)')
    await adapter.execute('INSERT INTO t (a) VALUES (2)')
    expect(ran.map((r) => r.cql)).toEqual(['USE "app"', 'INSERT INTO t (a) VALUES (1)', 'INSERT INTO t (a) VALUES (2)'])
    expect(ran[1]?.options.prepare).toBe(false)
  })

  it('DML with parameters is prepared at the write consistency; no agreement wait', async () => {
    const { client, ran } = fakeCluster(two)
    expect(await adapterOn(client, { writeConsistency: 'QUORUM' }).execute('INSERT INTO t (a) VALUES (?)', { params: [1] })).toEqual({})
    expect(ran.at(-1)).toEqual({ cql: 'INSERT INTO t (a) VALUES (?)', params: [1], options: { prepare: true, consistency: types.consistencies.quorum } })
  })

  it('DDL is sent unprepared and waits for agreement; a single node agrees with itself', async () => {
    const multi = fakeCluster(two)
    const result = await adapterOn(multi.client).execute('CREATE TABLE t (a int PRIMARY KEY)')
    expect(result.agreementWaitMs).toBeGreaterThanOrEqual(0)
    expect(result.downNodes).toBeUndefined()
    expect(multi.ran.at(-1)?.options.prepare).toBe(false)
    expect(await adapterOn(fakeCluster([{ address: '10.0.0.1:9042' }]).client).execute('DROP TABLE t')).toEqual({ agreementWaitMs: 0 })
  })

  it('with allowDownNodes, the nodes that are up agree and the down ones are reported', async () => {
    const { client } = fakeCluster([...two, { address: '10.0.0.3:9042', up: false }])
    expect(await adapterOn(client, { allowDownNodes: true }).execute('CREATE TABLE t (a int PRIMARY KEY)')).toMatchObject({ downNodes: ['10.0.0.3:9042 (dc1)'] })
  })

  it('a node down after DDL stops the run, saying the statement ran and how to go on', async () => {
    const { client } = fakeCluster([...two, { address: '10.0.0.3:9042', up: false }])
    const err = await adapterOn(client).execute('CREATE TABLE t (a int PRIMARY KEY)').catch((e: unknown) => e) as StrataError
    expect(err.code).toBe('E_CLUSTER_UNHEALTHY')
    expect(err.message).toBe('cluster is not healthy: node 10.0.0.3:9042 (dc1) is down or unreachable: the statement ran on the nodes that are up and the run stops here; bring the node back and rerun (it resumes after this statement), or pass --allow-down-nodes to go on without it')
    expect(err.details).toMatchObject({ statementApplied: true })
    expect(err.statement).toBe('CREATE TABLE t (a int PRIMARY KEY)')
  })

  it('an agreement wait cut short by the operator is passed on as it is', async () => {
    const { client } = fakeCluster([{ address: '10.0.0.1:9042', version: 'v1' }, { address: '10.0.0.2:9042', version: 'v2' }])
    const stop = new AbortController()
    const reason = new Error('SIGINT during the wait')
    setTimeout(() => stop.abort(reason), 20)
    await expect(adapterOn(client, { agreementTimeoutMs: 5000 }).execute('CREATE TABLE t (a int PRIMARY KEY)', { signal: stop.signal })).rejects.toBe(reason)
  })

  it('a broken connection with a node down is E_CLUSTER_UNHEALTHY naming it; with every node up, the error as it was (scrubbed)', async () => {
    const broken = () => new Error('Socket was closed while talking to hunter2-host')
    const down = fakeCluster([...two, { address: '10.0.0.3:9042', up: false }], (cql) => {
      if (cql.startsWith('USE')) return []
      throw broken()
    })
    const err = await adapterOn(down.client).execute('INSERT INTO t (a) VALUES (1)').catch((e: unknown) => e) as StrataError
    expect(err.code).toBe('E_CLUSTER_UNHEALTHY')
    expect(err.message).toBe('the connection broke while the statement ran (Socket was closed while talking to ***-host): 10.0.0.3:9042 (dc1) is down; bring it back and rerun (it checks this statement before going on)')
    const up = fakeCluster(two, (cql) => {
      if (cql.startsWith('USE')) return []
      throw broken()
    })
    const plain = await adapterOn(up.client).execute('INSERT INTO t (a) VALUES (1)').catch((e: unknown) => e) as Error
    expect(isStrataError(plain)).toBe(false)
    expect(plain.message).toBe('Socket was closed while talking to ***-host')
  })

  it('a broken connection whose node probe fails too is reported as the original error; a server refusal is never a lost node', async () => {
    const broken = new Error('read ECONNRESET')
    const { client } = fakeCluster(two, (cql) => {
      if (cql.startsWith('USE')) return []
      throw broken
    })
    ;(client.hosts as unknown as { values: () => unknown }).values = () => { throw new Error('driver shut down') }
    await expect(adapterOn(client).execute('INSERT INTO t (a) VALUES (1)')).rejects.toBe(broken)
    const refused = new errors.ResponseError(codes.invalid, 'Connection closed is not a column')
    await expect(adapterOn(fakeCluster(two, (cql) => {
      if (cql.startsWith('USE')) return []
      throw refused
    }).client).execute('SELECT x FROM t')).rejects.toBe(refused)
  })
})

describe('ScyllaAdapter: the rest of the adapter contract', () => {
  it('preflight lists the nodes with their versions and the server version ("unknown" without one)', async () => {
    const { client } = fakeCluster(two, (cql) => (cql.includes('release_version') ? [{ release_version: '6.2.0' }] : []))
    const info = await adapterOn(client).preflight()
    expect(info.serverVersion).toBe('6.2.0')
    expect(info.nodes).toEqual([
      { address: '10.0.0.1:9042', datacenter: 'dc1', up: true, schemaVersion: 'v1' },
      { address: '10.0.0.2:9042', datacenter: 'dc1', up: true, schemaVersion: 'v1' },
    ])
    expect((await adapterOn(fakeCluster(two).client).preflight()).serverVersion).toBe('unknown')
    await expect(adapterOn(fakeCluster([...two, { address: '10.0.0.3:9042', up: false }]).client).preflight()).rejects.toMatchObject({ code: 'E_CLUSTER_UNHEALTHY' })
  })

  it('classifies driver errors naming the contact points, never the password', () => {
    const adapter = adapterOn(fakeCluster(two).client)
    const err = adapter.classifyError(new errors.AuthenticationError('password hunter2 rejected'))
    expect(err?.code).toBe('E_AUTH')
    expect(err?.message).toBe('authentication to 10.0.0.1, 10.0.0.2 (data center dc1) failed: password *** rejected')
  })

  it('pure helpers: split, directives, traits, destructive, rejected, code context and target name', () => {
    const { client } = fakeCluster(two)
    const adapter = adapterOn(client)
    expect(adapter.split('SELECT 1;\nSELECT 2;', 'f.cql')).toEqual([{ text: 'SELECT 1', line: 1 }, { text: 'SELECT 2', line: 2 }])
    expect(adapter.directives('-- strata:lint-disable cql/drop-column\nSELECT 1;')).toEqual({ noTransaction: false, lintDisable: ['cql/drop-column'] })
    expect(adapter.traits('DROP TABLE app.t')).toMatchObject({ idempotent: false, effect: { kind: 'table', name: 't', exists: false } })
    expect(adapter.destructive('TRUNCATE t')).toEqual({ what: 'TRUNCATE app.t', tables: ['app.t'] })
    expect(adapter.rejected(new errors.ResponseError(codes.syntaxError, 'bad'))).toBe(true)
    expect(adapter.codeContext()).toEqual({ client, keyspace: 'app' })
    expect(adapter.targetName).toBe('app')
    expect([adapter.name, adapter.dialect, adapter.capabilities]).toEqual(['scylladb', 'cql', { transactionalDdl: false, schemaAgreement: true }])
  })

  it('close shuts the driver down once however often it is called', async () => {
    const cluster = fakeCluster(two)
    const adapter = adapterOn(cluster.client)
    await Promise.all([adapter.close(), adapter.close()])
    await adapter.close()
    expect(cluster.shutdowns()).toBe(1)
  })

  it('preflight with allowDownNodes reports a down node with why, instead of failing', async () => {
    const { client } = fakeCluster([{ address: '10.0.0.1:9042' }, { address: '10.0.0.8:9042', unreachable: true }, { address: '10.0.0.9:9042', up: false }])
    const info = await adapterOn(client, { allowDownNodes: true }).preflight()
    expect(info.nodes).toEqual([
      { address: '10.0.0.1:9042', datacenter: 'dc1', up: true, schemaVersion: 'v1' },
      { address: '10.0.0.8:9042', datacenter: 'dc1', up: false, error: 'connect ECONNREFUSED 10.0.0.8:9042' },
      { address: '10.0.0.9:9042', datacenter: 'dc1', up: false },
    ])
  })

  it('a broken connection with several nodes down names them all', async () => {
    const { client } = fakeCluster([{ address: '10.0.0.1:9042' }, { address: '10.0.0.2:9042', up: false }, { address: '10.0.0.3:9042', up: false }], (cql) => {
      if (cql.startsWith('USE')) return []
      throw new Error('Connection was closed')
    })
    const err = await adapterOn(client).execute('INSERT INTO t (a) VALUES (1)').catch((e: unknown) => e) as Error
    expect(err.message).toBe('the connection broke while the statement ran (Connection was closed): 10.0.0.2:9042 (dc1), 10.0.0.3:9042 (dc1) are down; bring them back and rerun (it checks this statement before going on)')
  })

  it('history.ensure makes the keyspace current once the table surely exists', async () => {
    const { client, ran } = fakeCluster([{ address: '10.0.0.1:9042' }], (cql) => (cql.includes('system_schema.columns') ? [] : [{ x: 1 }]))
    await adapterOn(client).history.ensure()
    expect(ran.at(-1)?.cql).toBe('USE "app"')
  })

  it('reads the schema, its model and the topology of the migration keyspace at the read consistency', async () => {
    const { client, ran } = fakeCluster(two, (cql) => {
      if (cql.startsWith('DESCRIBE')) throw new errors.ResponseError(codes.syntaxError, 'no DESCRIBE here')
      if (cql.includes('system_schema.keyspaces')) return [{ keyspace_name: 'app', durable_writes: true, replication: { class: 'org.apache.cassandra.locator.SimpleStrategy', replication_factor: '2' } }]
      if (cql.includes('system_schema.tables')) return [{ keyspace_name: 'app', table_name: 't' }]
      if (cql.includes('system_schema.columns')) return [{ table_name: 't', column_name: 'a', type: 'int', kind: 'partition_key', position: 0, clustering_order: 'none' }]
      return []
    })
    const adapter = adapterOn(client, { readConsistency: 'LOCAL_ONE' })
    const captured = await adapter.captureSchema()
    expect(captured).toMatchObject({ source: 'system_schema', schema: { tables: [{ name: 't', primaryKey: '((a))' }] } })
    expect(captured.ddl).toContain('CREATE TABLE app.t (')
    expect(await adapter.introspect()).toEqual({ tables: [{ name: 't', columns: [{ name: 'a', type: 'int' }] }], indexes: [], views: [] })
    expect(await adapter.topology()).toMatchObject({ target: { name: 'app', exists: true }, replicationClass: 'SimpleStrategy', replicationFactors: { '*': 2 }, nodesPerDc: { dc1: 2 } })
    expect(ran.filter((r) => r.cql.includes('system_schema.tables')).every((r) => r.options.consistency === types.consistencies.localOne)).toBe(true)
  })
})
