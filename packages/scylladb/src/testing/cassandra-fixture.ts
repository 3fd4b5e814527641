/**
 * Integration-test helpers (not part of the package build): the real CQL endpoint from testkit's global
 * setup, fresh keyspaces, adapters, counters and migration directories.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { inject } from 'vitest'
import { freshKeyspaceName, type ScyllaEndpoint } from '@strata-migrate/testkit'
import { createScyllaAdapter, type ScyllaAdapter } from '../scylla-adapter.js'
import type { ScyllaAdapterOptions } from '../options.js'

/** The CQL endpoint the run's global setup proved reachable. */
export function cqlEndpoint(): ScyllaEndpoint {
  return inject('strataEndpoints').scylladb
}

export function adapterOptions(keyspace: string, extra: Partial<ScyllaAdapterOptions> = {}): ScyllaAdapterOptions {
  const e = cqlEndpoint()
  return { contactPoints: e.contactPoints, localDataCenter: e.localDataCenter, keyspace, ...extra }
}

export function openAdapter(keyspace: string, extra: Partial<ScyllaAdapterOptions> = {}): Promise<ScyllaAdapter> {
  return createScyllaAdapter(adapterOptions(keyspace, extra))
}

export interface TestKeyspace {
  name: string
  /** An adapter on the keyspace (already created), for setup and assertions. */
  admin: ScyllaAdapter
  /** Drops the keyspace and closes the admin adapter. */
  drop(): Promise<void>
}

/** A new, empty keyspace (created through the adapter's createTarget), dropped by `drop()`. */
export async function freshKeyspace(prefix: string, extra: Partial<ScyllaAdapterOptions> = {}): Promise<TestKeyspace> {
  const name = freshKeyspaceName(prefix)
  const admin = await openAdapter(name, extra)
  await admin.createTarget()
  return {
    name,
    admin,
    async drop() {
      await admin.client.execute(`DROP KEYSPACE IF EXISTS ${name}`).catch(() => {})
      await admin.close()
    },
  }
}

/** `CREATE TABLE <ks>.hits (id int PRIMARY KEY, n counter)`: every counted statement adds 1 to its own row. */
export async function createCounterTable(admin: ScyllaAdapter): Promise<void> {
  await admin.execute(`CREATE TABLE IF NOT EXISTS ${admin.keyspace}.hits (id int PRIMARY KEY, n counter)`)
}

/** id → n of the counter table. */
export async function readCounters(admin: ScyllaAdapter): Promise<Map<number, number>> {
  const rs = await admin.client.execute(`SELECT id, n FROM ${admin.keyspace}.hits`, [], { fetchSize: 10_000 })
  return new Map(rs.rows.map((r) => [Number(r.get('id')), Number(String(r.get('n')))]))
}

/** A statement that counts its own executions. */
export const countStmt = (id: number): string => `UPDATE \${keyspace}.hits SET n = n + 1 WHERE id = ${id}`

/** A temporary migration directory holding `files`; remove it with `rm`. */
export async function migrationDir(files: Record<string, string>): Promise<{ dir: string; write(name: string, text: string): Promise<void>; rm(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'strata-cql-'))
  await mkdir(dir, { recursive: true })
  const write = (name: string, text: string) => writeFile(path.join(dir, name), text)
  for (const [name, text] of Object.entries(files)) await write(name, text)
  return { dir, write, rm: () => rm(dir, { recursive: true, force: true }) }
}
