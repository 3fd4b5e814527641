import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { StrataError, messageOf } from '@strata/core'

export type DbName = 'scylladb' | 'cockroachdb'
export const DATABASES: readonly DbName[] = ['scylladb', 'cockroachdb']

export interface Replication {
  class: 'SimpleStrategy' | 'NetworkTopologyStrategy'
  replicationFactor?: number
  dataCenters?: Record<string, number>
}

export interface SetConfig {
  dir: string
  placeholders?: Record<string, string>
}

export interface ScyllaSection {
  contactPoints?: string[]
  localDataCenter?: string
  keyspace?: string
  username?: string
  password?: string
  replication?: Replication
  sets?: Record<string, SetConfig>
}

export interface CockroachSection {
  url?: string
  forcePerStatement?: boolean
  sets?: Record<string, SetConfig>
}

/** strata.config.{ts,js,mjs,json}: several databases and migration sets for one service. */
export interface StrataConfig {
  databases?: { scylladb?: ScyllaSection; cockroachdb?: CockroachSection }
  lock?: { ttlMs?: number; waitMs?: number }
  migrationTimeoutMs?: number
}

const CONFIG_NAMES = ['strata.config.ts', 'strata.config.mts', 'strata.config.js', 'strata.config.mjs', 'strata.config.json']

/** Loads the config file named by --config, or the first strata.config.* in the working directory. */
export async function loadConfigFile(explicit: string | undefined, cwd = process.cwd()): Promise<{ config: StrataConfig; path?: string }> {
  const path = explicit ? resolve(cwd, explicit) : CONFIG_NAMES.map((n) => resolve(cwd, n)).find((p) => existsSync(p))
  if (!path) return { config: {} }
  if (explicit && !existsSync(path)) throw new StrataError('E_CONFIG', `config file ${explicit} does not exist`, { file: explicit })
  try {
    if (path.endsWith('.json')) return { config: JSON.parse(await readFile(path, 'utf8')) as StrataConfig, path }
    // jiti loads a TypeScript config without a build step; lazily, so runs without a .ts config skip it.
    const { createJiti } = await import('jiti')
    const mod = (await createJiti(import.meta.url).import(pathToFileURL(path).href)) as { default?: StrataConfig } & StrataConfig
    return { config: mod.default ?? mod, path }
  } catch (err) {
    throw new StrataError('E_CONFIG', `cannot load config file ${path}: ${messageOf(err)}`, { file: path, cause: err })
  }
}

/** `SimpleStrategy:3` or `NetworkTopologyStrategy:dc1=3,dc2=2`. */
export function parseReplication(text: string): Replication {
  const [cls, spec = ''] = text.split(':')
  if (cls === 'SimpleStrategy') {
    const rf = Number(spec || '1')
    if (!Number.isInteger(rf) || rf < 1) throw new StrataError('E_USAGE', `bad replication factor in "${text}"`)
    return { class: 'SimpleStrategy', replicationFactor: rf }
  }
  if (cls === 'NetworkTopologyStrategy') {
    const dataCenters: Record<string, number> = {}
    for (const pair of spec.split(',').filter(Boolean)) {
      const [dc, rf] = pair.split('=')
      if (!dc || !rf || !Number.isInteger(Number(rf))) throw new StrataError('E_USAGE', `bad data center "${pair}" in "${text}" (use dc1=3,dc2=2)`)
      dataCenters[dc] = Number(rf)
    }
    if (!Object.keys(dataCenters).length) throw new StrataError('E_USAGE', `NetworkTopologyStrategy needs data centers: "${text}"`)
    return { class: 'NetworkTopologyStrategy', dataCenters }
  }
  throw new StrataError('E_USAGE', `unknown replication "${text}" (SimpleStrategy:N or NetworkTopologyStrategy:dc=N,…)`)
}
