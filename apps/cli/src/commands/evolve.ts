import { closeSync, openSync, writeSync } from 'node:fs'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import {
  StrataError, defineEvolution, isEvolution, messageOf,
  checkShard, defaultShardedSegments, parseShard, parseShardCount,
  type Evolution, type EvolutionDefinition, type EvolutionSteps, type ShardCensus, type SweepEvent, type SweepResult, type UpgradeHooks,
} from '@strata-migrate/core/adapter-kit'
import { openAdapter } from '../adapters.js'
import type { EvolveCensusDocument, EvolveDocument } from '../json-documents.js'
import { printCensus, printShardCensus } from './evolve-census.js'
import { fmtMs, type Output } from '../output.js'
import { grouped, plural } from '../plural.js'
import type { Settings } from '../settings.js'

export interface EvolveOptions {
  module?: string
  table?: string
  api?: string
  documentColumn?: string
  versionColumn?: string
  endpoint?: string
  region?: string
  rate?: string
  segments?: string
  concurrency?: string
  pageSize?: string
  restart?: boolean
  censusOnly?: boolean
  /** i/N: sweep shard i of N (or /N: i from JOB_COMPLETION_INDEX). */
  shard?: string
  /** Merge every shard's checkpoints into one census instead of sweeping. */
  census?: boolean
  /** With --census: the N the shards were run with. */
  shards?: string
  /** Append one JSON line per row this process wrote: `{"key":…,"from":1,"to":3}`. */
  auditLog?: string
}

function int(text: string | undefined, fallback: number, name: string, min = 1): number {
  if (text === undefined) return fallback
  const n = Number(text)
  if (!Number.isSafeInteger(n) || n < min) throw new StrataError('E_USAGE', `${name} must be an integer ≥ ${min}, got "${text}"`)
  return n
}

/**
 * Loads the evolution of `entity` from a .ts/.js module (jiti, like config files): the default export or a
 * named export that is an Evolution (defineEvolution) or a plain definition `{ entity, current, steps }`, or an
 * object of those. A plain definition lets a module work without importing @strata-migrate/core.
 */
export async function loadEvolution(file: string, entity: string): Promise<Evolution> {
  const path = resolve(process.cwd(), file)
  let mod: Record<string, unknown>
  try {
    const { createJiti } = await import('jiti')
    mod = (await createJiti(import.meta.url).import(pathToFileURL(path).href)) as Record<string, unknown>
  } catch (err) {
    throw new StrataError('E_MODULE_INVALID', `cannot load evolution module ${file}: ${messageOf(err)}`, { file, cause: err })
  }
  const candidates: unknown[] = []
  const visit = (v: unknown, depth: number) => {
    if (v === null || typeof v !== 'object') return
    if (isEvolution(v) || ('entity' in v && 'steps' in v && 'current' in v)) candidates.push(v)
    else if (depth < 2) Object.values(v).forEach((x) => visit(x, depth + 1))
  }
  visit(mod, 0)
  const found = candidates.find((c) => (c as { entity?: unknown }).entity === entity)
  if (!found) {
    const names = [...new Set(candidates.map((c) => String((c as { entity?: unknown }).entity)))]
    throw new StrataError('E_CONFIG', `${file} exports no evolution for "${entity}"${names.length ? ` (it has: ${names.join(', ')})` : ''}`, { file })
  }
  return isEvolution(found) ? found : defineEvolution(found as EvolutionDefinition<EvolutionSteps, number>)
}

/** Renders sweep events on stderr: a live line on a terminal, a line every few seconds otherwise. */
function progressRenderer(out: Output, label: string): (e: SweepEvent) => void {
  let live = false
  const clear = () => {
    if (live) process.stderr.write('\r\x1b[K')
    live = false
  }
  return (e) => {
    if (e.type === 'walk:start') {
      out.log(e.resumed
        ? `${label}: resuming a checkpoint (${e.segmentsDone}/${e.segments} segments done, ${plural(e.rowsDone, 'row')})`
        : `${label}: ${plural(e.segments, 'segment')}${e.note ? ` (${e.note})` : ''}`)
    } else if (e.type === 'walk:progress') {
      const line = `${label}: ${(e.fraction * 100).toFixed(1)}%  ${plural(e.rows, 'row')}, ${grouped(e.counts.upgraded ?? 0)} upgraded, ${e.segmentsDone}/${e.segments} segments, ${grouped(e.rowsPerSecond)} rows/s`
      if (out.interactive) {
        clear()
        process.stderr.write(out.logc.dim(line))
        live = true
      } else out.log(line)
    } else if (e.type === 'row:failed') {
      clear()
      out.log(out.logc.yellow(`  ${e.failure.key}: ${e.failure.message}`))
    } else if (e.type === 'walk:done') {
      clear()
      out.log(`${label}: ${plural(e.rowsThisRun, 'row')} in ${fmtMs(e.durationMs)} (${grouped(e.rowsPerSecond)} rows/s)`)
    }
  }
}

/** Where a sweep runs: the table behind --api, opened once for a sweep or a census. */
interface SweepTarget {
  where: string
  sweep(common: Omit<import('@strata-migrate/scylladb').CqlSweepOptions, 'client' | 'keyspace' | 'table'>): Promise<SweepResult>
  census(o: { evolution: Evolution; upgrade: boolean; shards?: number }): Promise<ShardCensus>
  close(): Promise<void>
}

async function openSweepTarget(settings: () => Promise<Settings>, o: EvolveOptions, api: 'cql' | 'dynamodb', table: string): Promise<SweepTarget> {
  if (api === 'dynamodb') {
    // The AWS SDK warns on every run under Node < 22 about its future releases; a CLI's stderr is for the sweep.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
    const { createDynamoClient, sweepDynamoTable, censusDynamoSweep } = await importOptional('@strata-migrate/alternator', () => import('@strata-migrate/alternator'))
    const endpoint = o.endpoint ?? process.env.STRATA_DYNAMODB_ENDPOINT
    const client = createDynamoClient({ ...(endpoint ? { endpoint } : {}), ...(o.region ? { region: o.region } : {}) })
    return {
      where: `${endpoint ?? 'DynamoDB'} table ${table}`,
      sweep: (common) => sweepDynamoTable({ ...common, client, table }),
      census: (c) => censusDynamoSweep({ ...c, client, table }),
      close: async () => client.destroy(),
    }
  }
  const s = await settings()
  if (s.db !== 'scylladb') throw new StrataError('E_USAGE', 'evolve works on ScyllaDB/Cassandra (--db scylladb, CQL) or through the DynamoDB API (--api dynamodb)')
  const { sweepCqlTable, censusCqlSweep } = await import('@strata-migrate/scylladb')
  const [keyspace, name] = table.includes('.') ? (table.split('.') as [string, string]) : [s.scylladb.keyspace ?? '', table]
  const layout = o.documentColumn ? { json: o.documentColumn, ...(o.versionColumn ? { versionColumn: o.versionColumn } : {}) } : 'columns' as const
  const adapter = await openAdapter(s)
  const { client } = adapter.codeContext() as import('@strata-migrate/scylladb').ScyllaCodeContext
  const at = { client, keyspace, table: name, layout, checkpointKeyspace: s.scylladb.keyspace ?? '' }
  return {
    where: `${keyspace}.${name}`,
    sweep: (common) => sweepCqlTable({ ...common, ...at }),
    census: (c) => censusCqlSweep({ ...c, ...at }),
    close: () => adapter.close(),
  }
}

/** `strata evolve <entity>`: sweeps a table (or this shard's part of it), upgrading every old document, and prints the census. */
export async function evolveCommand(settings: () => Promise<Settings>, out: Output, entity: string, o: EvolveOptions): Promise<EvolveDocument | EvolveCensusDocument> {
  if (!o.module) throw new StrataError('E_USAGE', 'evolve needs --module <file>: the module that exports the evolution (defineEvolution)')
  const api = o.api ?? 'cql'
  if (api !== 'cql' && api !== 'dynamodb') throw new StrataError('E_USAGE', `--api must be cql or dynamodb, got "${api}"`)
  if (o.census) return censusCommand(settings, out, entity, o, api, o.shard !== undefined ? parseShardCount(o.shard) : undefined)
  const shard = o.shard !== undefined ? parseShard(o.shard) : undefined
  if (o.shards !== undefined) throw new StrataError('E_USAGE', '--shards goes with --census; a sweep takes --shard i/N')
  const segments = int(o.segments, shard ? defaultShardedSegments(shard.count) : 16, '--segments')
  if (shard) checkShard(shard, segments)
  const evolution = await loadEvolution(o.module, entity)
  const table = o.table ?? entity
  const ctl = new AbortController()
  const label = `${o.censusOnly ? 'census' : 'evolve'} ${entity}${shard ? ` shard ${shard.index}/${shard.count}` : ''}`
  const common = {
    evolution, upgrade: !o.censusOnly, restart: o.restart === true, signal: ctl.signal,
    rate: int(o.rate, 1000, '--rate', 0), segments, concurrency: int(o.concurrency, 4, '--concurrency'),
    pageSize: int(o.pageSize, 500, '--page-size'), progressIntervalMs: out.interactive ? 250 : 5000,
    onEvent: progressRenderer(out, label), ...(shard ? { shard } : {}),
  }
  let result: SweepResult
  let where: string
  const audit = o.auditLog ? openAuditLog(o.auditLog) : undefined
  // Registered only once every option is checked, so a refused command leaves no handler behind.
  const onSigint = () => ctl.abort(new StrataError('E_ABORTED', `evolve ${entity} interrupted; the checkpoint is saved: run it again to resume`))
  process.once('SIGINT', onSigint)
  try {
    const target = await openSweepTarget(settings, o, api, table)
    where = target.where
    try {
      result = await target.sweep({ ...common, ...(audit ? { hooks: audit.hooks } : {}) })
    } finally {
      await target.close()
    }
  } finally {
    process.removeListener('SIGINT', onSigint)
    audit?.close()
  }
  if (result.shard) out.print(`shard ${result.shard.index}/${result.shard.count}: segments ${result.shard.segments.join(', ')} of ${result.segments}; the census of every shard: strata evolve ${entity} --census --shards ${result.shard.count}`)
  printCensus(out, result.census)
  const doc: EvolveDocument = {
    ok: result.census.failed === 0, command: 'evolve', mode: 'sweep', entity, api, table: where, censusOnly: o.censusOnly === true,
    ...(result.shard ? { shard: result.shard } : {}), segments: result.segments,
    resumed: result.resumed, rows: result.rows, rowsThisRun: result.rowsThisRun, durationMs: result.durationMs, rowsPerSecond: result.rowsPerSecond,
    census: result.census, failures: result.failures,
  }
  if (result.census.failed > 0) {
    out.document(doc)
    throw new StrataError('E_EVOLUTION_FAILED', `${plural(result.census.failed, `${entity} document`)} could not be upgraded (first: ${result.failures[0]?.key}: ${result.failures[0]?.message})`, { details: { reported: true } })
  }
  return doc
}

/**
 * The audit log of --audit-log: a line per row written, appended synchronously after the database acknowledged the
 * write, so a killed process loses at most the lines of writes in flight and never records a write that did not happen.
 */
function openAuditLog(file: string): { hooks: UpgradeHooks; close(): void } {
  let fd: number
  try {
    fd = openSync(file, 'a')
  } catch (err) {
    throw new StrataError('E_CONFIG', `cannot open the audit log ${file}: ${messageOf(err)}`, { file })
  }
  return {
    hooks: { afterWriteBack: ({ key, from, to }) => void writeSync(fd, `${JSON.stringify({ key, from, to })}\n`) },
    close: () => closeSync(fd),
  }
}

/** `strata evolve <entity> --census`: every shard's checkpoints merged; reads no table row. */
async function censusCommand(settings: () => Promise<Settings>, out: Output, entity: string, o: EvolveOptions, api: 'cql' | 'dynamodb', shardCount: number | undefined): Promise<EvolveCensusDocument> {
  if (o.restart) throw new StrataError('E_USAGE', '--census reads checkpoints only; --restart belongs to a sweep')
  const fromFlag = o.shards !== undefined ? int(o.shards, 1, '--shards') : undefined
  if (fromFlag !== undefined && shardCount !== undefined && fromFlag !== shardCount) throw new StrataError('E_USAGE', `--shards ${fromFlag} and --shard …/${shardCount} disagree`)
  const shards = fromFlag ?? shardCount
  const evolution = await loadEvolution(o.module as string, entity)
  const target = await openSweepTarget(settings, o, api, o.table ?? entity)
  let census: ShardCensus
  try {
    census = await target.census({ evolution, upgrade: !o.censusOnly, ...(shards !== undefined ? { shards } : {}) })
  } finally {
    await target.close()
  }
  printShardCensus(out, census)
  const doc: EvolveCensusDocument = { ok: census.census.failed === 0, command: 'evolve', mode: 'census', entity, api, table: target.where, censusOnly: o.censusOnly === true, ...census }
  if (!doc.ok) {
    out.document(doc)
    throw new StrataError('E_EVOLUTION_FAILED', `the shards recorded ${plural(census.census.failed, `${entity} document`)} they could not upgrade: rerun them, or see their output for the rows`, { details: { reported: true } })
  }
  return doc
}

/**
 * An optional peer of the CLI (package.json peerDependenciesMeta), loaded when a command needs it; missing, it is
 * E_CONFIG saying what to install instead of a module-not-found stack.
 */
async function importOptional<T>(name: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load()
  } catch (err) {
    if ((err as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND' || !String((err as Error).message).includes(name)) throw err
    throw new StrataError('E_CONFIG', `this command needs ${name}, which is not installed: npm install ${name}`)
  }
}
