import type { Census, ShardCensus } from '@strata-migrate/core/adapter-kit'
import type { Output } from '../output.js'
import { grouped, plural } from '../plural.js'

/** Documents per schema version, then one line of totals and the advice on deletable steps. */
export function printCensus(out: Output, c: Census): void {
  const versions = Object.keys(c.byVersion).map(Number).sort((a, b) => a - b)
  out.table(['schema_version', 'documents', 'share'], versions.map((v) => {
    const n = c.byVersion[String(v)] ?? 0
    return [v === c.current ? `${v} (current)` : String(v), grouped(n), `${c.total ? ((n / c.total) * 100).toFixed(2) : '0.00'}%`]
  }))
  out.print(`${c.entity}: ${plural(c.total, 'document')}, ${c.percentCurrent}% at v${c.current}; upgraded ${grouped(c.upgraded)}, conflicts ${c.conflicts}, failed ${c.failed}, newer than current ${c.tooNew}`)
  out.print(c.advice)
}

/** Segment numbers as short runs: 0, 4, 8 … or 3-7. */
function segmentList(segments: readonly number[]): string {
  if (segments.length === 0) return '-'
  if (segments.length > 8) return `${segments.slice(0, 4).join(',')},…(${segments.length})`
  return segments.join(',')
}

/** The merged census of a (sharded) sweep: one row per shard, then documents per version, then what is left. */
export function printShardCensus(out: Output, s: ShardCensus): void {
  out.table(['shard', 'state', 'segments', 'done', 'rows', 'upgraded', 'failed', 'rows/s', 'note'], s.perShard.map((p) => [
    String(p.index), p.state, segmentList(p.segments), `${p.segmentsDone}/${p.segments.length}`, grouped(p.rows), grouped(p.upgraded),
    grouped(p.failed), grouped(p.rowsPerSecond), p.note ?? '',
  ]))
  printCensus(out, s.census)
  const total = s.segments ?? 0
  out.print(`shards: ${s.shardsDone} done, ${s.shardsRunning} running, ${s.shardsStopped} stopped, ${s.shardsNotStarted} not started; segments ${s.segmentsDone}/${total} done; ${plural(s.rows, 'row')} at ${grouped(s.rowsPerSecond)} rows/s`)
  for (const n of s.notes) out.print(out.c.yellow(n))
  if (s.complete) out.print(`complete: every segment was swept; the census covers the whole table`)
  else if (s.unfinishedSegments.length) out.print(out.c.yellow(`not complete: segments ${segmentList(s.unfinishedSegments)} unfinished; the figures above cover only the segments swept so far`))
  else out.print(out.c.yellow('not complete: no shard has started this sweep'))
}
