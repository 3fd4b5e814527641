import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import {
  StrataError, defineEvolution, isEvolution, messageOf,
  type Evolution, type EvolutionDefinition, type EvolutionSteps, type SweepEvent, type SweepResult,
} from '@strata-migrate/core/adapter-kit'
import { openAdapter } from '../adapters.js'
import type { EvolveDocument } from '../json-documents.js'
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

function printCensus(out: Output, r: SweepResult): void {
  const c = r.census
  const versions = Object.keys(c.byVersion).map(Number).sort((a, b) => a - b)
  out.table(['schema_version', 'documents', 'share'], versions.map((v) => {
    const n = c.byVersion[String(v)] ?? 0
    return [v === c.current ? `${v} (current)` : String(v), grouped(n), `${c.total ? ((n / c.total) * 100).toFixed(2) : '0.00'}%`]
  }))
  out.print(`${c.entity}: ${plural(c.total, 'document')}, ${c.percentCurrent}% at v${c.current}; upgraded ${grouped(c.upgraded)}, conflicts ${c.conflicts}, failed ${c.failed}, newer than current ${c.tooNew}`)
  out.print(c.advice)
}

/** `strata evolve <entity>`: sweeps a table, upgrading every old document, and prints the census. */
export async function evolveCommand(settings: () => Promise<Settings>, out: Output, entity: string, o: EvolveOptions): Promise<EvolveDocument> {
  if (!o.module) throw new StrataError('E_USAGE', 'evolve needs --module <file>: the module that exports the evolution (defineEvolution)')
  const api = o.api ?? 'cql'
  if (api !== 'cql' && api !== 'dynamodb') throw new StrataError('E_USAGE', `--api must be cql or dynamodb, got "${api}"`)
  const evolution = await loadEvolution(o.module, entity)
  const table = o.table ?? entity
  const ctl = new AbortController()
  const onSigint = () => ctl.abort(new StrataError('E_ABORTED', `evolve ${entity} interrupted; the checkpoint is saved: run it again to resume`))
  process.once('SIGINT', onSigint)
  const common = {
    evolution, upgrade: !o.censusOnly, restart: o.restart === true, signal: ctl.signal,
    rate: int(o.rate, 1000, '--rate', 0), segments: int(o.segments, 16, '--segments'), concurrency: int(o.concurrency, 4, '--concurrency'),
    pageSize: int(o.pageSize, 500, '--page-size'), progressIntervalMs: out.interactive ? 250 : 5000,
    onEvent: progressRenderer(out, `${o.censusOnly ? 'census' : 'evolve'} ${entity}`),
  }
  let result: SweepResult
  let where: string
  try {
    if (api === 'dynamodb') {
      // The AWS SDK warns on every run under Node < 22 about its future releases; a CLI's stderr is for the sweep.
      process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
      const { createDynamoClient, sweepDynamoTable } = await importOptional('@strata-migrate/alternator', () => import('@strata-migrate/alternator'))
      const endpoint = o.endpoint ?? process.env.STRATA_DYNAMODB_ENDPOINT
      const client = createDynamoClient({ ...(endpoint ? { endpoint } : {}), ...(o.region ? { region: o.region } : {}) })
      where = `${endpoint ?? 'DynamoDB'} table ${table}`
      try {
        result = await sweepDynamoTable({ ...common, client, table })
      } finally {
        client.destroy()
      }
    } else {
      const s = await settings()
      if (s.db !== 'scylladb') throw new StrataError('E_USAGE', 'evolve works on ScyllaDB/Cassandra (--db scylladb, CQL) or through the DynamoDB API (--api dynamodb)')
      const { sweepCqlTable } = await import('@strata-migrate/scylladb')
      const [keyspace, name] = table.includes('.') ? (table.split('.') as [string, string]) : [s.scylladb.keyspace ?? '', table]
      const layout = o.documentColumn ? { json: o.documentColumn, ...(o.versionColumn ? { versionColumn: o.versionColumn } : {}) } : 'columns' as const
      const adapter = await openAdapter(s)
      where = `${keyspace}.${name}`
      try {
        const { client } = adapter.codeContext() as import('@strata-migrate/scylladb').ScyllaCodeContext
        result = await sweepCqlTable({ ...common, client, keyspace, table: name, layout, checkpointKeyspace: s.scylladb.keyspace ?? '' })
      } finally {
        await adapter.close()
      }
    }
  } finally {
    process.removeListener('SIGINT', onSigint)
  }
  printCensus(out, result)
  const doc: EvolveDocument = {
    ok: result.census.failed === 0, command: 'evolve', entity, api, table: where, censusOnly: o.censusOnly === true,
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
