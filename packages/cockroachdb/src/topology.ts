import type { TopologyInfo } from '@strata-migrate/core/adapter-kit'
import type { ServerInfo } from './dialect.js'
import { quoteIdent } from './identifiers.js'
import type { SqlRunner } from './sql-runner.js'

/** `num_replicas = 3` in the zone's `ALTER … CONFIGURE ZONE USING …` text. */
export function parseNumReplicas(rawConfigSql: string | undefined): number | undefined {
  const m = /\bnum_replicas\s*=\s*(\d+)/i.exec(rawConfigSql ?? '')
  return m ? Number(m[1]) : undefined
}

/**
 * The database and, on CockroachDB, its zone's num_replicas and the active nodes. PostgreSQL has nothing
 * cheap to say (its replicas are whole servers, outside SQL). Best effort and read-only: a part that cannot
 * be read is left out.
 */
export async function readTopology(run: SqlRunner, server: ServerInfo): Promise<TopologyInfo> {
  const { rows } = await run.query<{ db: string }>('SELECT current_database() AS db')
  const target = { kind: 'database', name: rows[0]?.db ?? '', exists: true } as const
  if (server.dialect !== 'cockroachdb') return { target }
  // FROM since v20 (FOR before); a database without its own zone shows the inherited RANGE default.
  const zone = await run.query<{ raw_config_sql: string }>(`SHOW ZONE CONFIGURATION FROM DATABASE ${quoteIdent(target.name)}`).catch(() => undefined)
  const replicas = parseNumReplicas(zone?.rows[0]?.raw_config_sql)
  // crdb_internal is not a stable API and may need VIEWCLUSTERMETADATA: without it, no node count.
  const nodes = await run.query<{ n: string | number }>("SELECT count(*) AS n FROM crdb_internal.gossip_liveness WHERE membership = 'active'")
    .then((r) => Number(r.rows[0]?.n), () => undefined)
  return {
    target,
    ...(replicas !== undefined ? { replicationClass: 'zone', replicationFactors: { '*': replicas } } : {}),
    ...(nodes ? { nodesPerDc: { '*': nodes } } : {}),
  }
}
