import { StrataError, shellWord as quote, type CommandStyle, type Recommendation } from '@strata-migrate/core/adapter-kit'
import { withMigrator } from '../context.js'
import type { RecommendationsDocument } from '../json-documents.js'
import type { Output } from '../output.js'
import { plural } from '../plural.js'
import type { Settings } from '../settings.js'

/**
 * How recommended commands are written: the database, keyspace, set and directory of this run. Connection
 * URLs are left out (they may hold a password): give them as now, by flag or env.
 */
export function commandStyle(s: Settings): CommandStyle {
  const args = [`--db ${s.db}`]
  if (s.db === 'scylladb') args.push(`--keyspace ${quote(s.scylladb.keyspace ?? '')}`)
  if (s.db === 'alternator' && s.alternator?.tablePrefix) args.push(`--table-prefix ${quote(s.alternator.tablePrefix)}`)
  if (s.set !== 'default') args.push(`--set ${quote(s.set)}`)
  if (s.dir !== `migrations/${s.db}`) args.push(`--dir ${quote(s.dir)}`)
  return { program: 'strata', args: args.join(' '), dir: s.dir }
}

const LABEL = { critical: 'CRITICAL', warning: 'warning', info: 'info' } as const

/** `strata recommendations`: what to do about the set's live state; exit 3 when something is critical. */
export async function recommendationsCommand(s: Settings, out: Output): Promise<RecommendationsDocument> {
  return withMigrator(s, out, async (m) => {
    const recs: Recommendation[] = await m.recommendations({ app: s.app, cli: commandStyle(s) })
    const counts = { critical: 0, warning: 0, info: 0 }
    for (const r of recs) counts[r.severity]++
    const paint = { critical: out.c.red, warning: out.c.yellow, info: out.c.cyan }
    for (const r of recs) {
      out.print(`${paint[r.severity](LABEL[r.severity])} ${out.c.bold(r.id)}${r.version ? ` (${r.version})` : ''}: ${r.message}`)
      out.print(`  → ${r.command}`)
    }
    out.print(recs.length
      ? `${plural(recs.length, 'recommendation')}: ${counts.critical} critical, ${counts.warning} warning, ${counts.info} info`
      : `nothing to recommend for set "${s.set}"`)
    const doc: RecommendationsDocument = { ok: counts.critical === 0, command: 'recommendations', db: s.db, set: s.set, counts, recommendations: recs }
    if (counts.critical) {
      out.document(doc)
      throw new StrataError('E_VALIDATION', `${plural(counts.critical, 'critical recommendation')}: ${recs[0]?.message.split('\n')[0]}`, { details: { reported: true } })
    }
    return doc
  })
}
