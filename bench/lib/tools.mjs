// The command line of every tool measured: Strata's built CLI, the floors (bare drivers) and the peers.
// Each tool is { name, kind: 'strata' | 'floor' | 'peer' | 'reference', cmd(target) -> { cmd, args, env } }.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { BENCH, STRATA_CLI, TOOLS } from './env.mjs'

const node = process.execPath
const bin = (rel) => join(BENCH, 'node_modules', rel)
const floor = (file) => join(BENCH, 'floor', file)

// Strata with its defaults (kind 'strata'), and with `--no-snapshots` (kind 'strata-variant'): the floor and the
// peers take no schema snapshots, Strata takes one after every migration unless told not to.
const variant = (tool, flag) => ({ name: `strata ${flag}`, kind: 'strata-variant', cmd: (t) => { const c = tool.cmd(t); return { ...c, args: [...c.args, flag] } } })

/** Strata on PostgreSQL: `strata up --db cockroachdb --url … --dir …` (PostgreSQL: one transaction per file). */
export const strataPg = (dir) => ({
  name: 'strata', kind: 'strata',
  cmd: (t) => ({ cmd: node, args: [STRATA_CLI, 'up', '--db', 'cockroachdb', '--url', t.url, '--dir', dir] }),
})

/** Strata on Cassandra: `strata up --db scylladb --contact-points … --keyspace … --dir …`. */
export const strataCql = (dir, cql) => ({
  name: 'strata', kind: 'strata',
  cmd: (t) => ({ cmd: node, args: [STRATA_CLI, 'up', '--db', 'scylladb', '--contact-points', cql.contactPoints.join(','), '--local-dc', cql.localDataCenter, '--keyspace', t.keyspace, '--dir', dir] }),
})

/** apply-100 on PostgreSQL: floor, Strata, knex, node-pg-migrate, and psql as a reference when installed. */
export function pgApplyTools(dirs) {
  const tools = [
    { name: 'floor (pg, 1 tx)', kind: 'floor', cmd: (t) => ({ cmd: node, args: [floor('pg-apply.mjs'), t.url, dirs.strata] }) },
    strataPg(dirs.strata),
    variant(strataPg(dirs.strata), '--no-snapshots'),
    // knex's own CLI; every migration in its own transaction (knex's default).
    { name: 'knex', kind: 'peer', cmd: (t) => ({ cmd: node, args: [bin('knex/bin/cli.js'), 'migrate:latest', '--knexfile', dirs.knexfile], env: { DATABASE_URL: t.url, KNEX_PATH: bin('knex') } }) },
    // node-pg-migrate's CLI with its defaults (all pending files in one transaction, advisory lock, verbose).
    { name: 'node-pg-migrate', kind: 'peer', cmd: (t) => ({ cmd: node, args: [bin('node-pg-migrate/bin/node-pg-migrate.js'), 'up', '-m', dirs.npm], env: { DATABASE_URL: t.url } }) },
  ]
  if (hasPsql()) {
    tools.push({ name: 'psql -1 -f', kind: 'reference', cmd: (t) => ({ cmd: 'psql', args: [t.url, '--single-transaction', '-q', '-X', '-v', 'ON_ERROR_STOP=1', '-f', dirs.all] }) })
  }
  return tools
}

/** apply-100 on Cassandra: floor, Strata, golang-migrate, cqlsh -f. */
export function cqlApplyTools(dirs, cql) {
  return [
    { name: 'floor (cassandra-driver)', kind: 'floor', cmd: (t) => ({ cmd: node, args: [floor('cql-apply.mjs'), cql.contactPoints.join(','), cql.localDataCenter, t.keyspace, dirs.strata] }) },
    strataCql(dirs.strata, cql),
    variant(strataCql(dirs.strata, cql), '--no-snapshots'),
    // gocql waits for schema agreement after each DDL; x-multi-statement splits files on ';'.
    { name: 'golang-migrate', kind: 'peer', cmd: (t) => ({ cmd: join(TOOLS, 'bin/migrate'), args: ['-path', dirs.golang, '-database', `cassandra://${cql.host}:${cql.port}/${t.keyspace}?x-multi-statement=true`, 'up'] }) },
    // cqlsh runs the one concatenated file; the Python driver waits for agreement after each DDL.
    { name: 'cqlsh -f', kind: 'peer', cmd: (t) => ({ cmd: join(TOOLS, 'venv/bin/cqlsh'), args: [cql.host, cql.port, '-k', t.keyspace, '-f', dirs.all] }) },
  ]
}

/** no-op start-up on PostgreSQL: each tool's `up` on a database it has fully migrated, and node + pg + connect. */
export function pgNoopTools(dirs) {
  const [, strata, , knex, npm] = pgApplyTools(dirs)
  return [
    { name: 'floor (node+pg+connect)', kind: 'floor', cmd: (t) => ({ cmd: node, args: [floor('pg-connect.mjs'), t.url] }) },
    strata, knex, npm,
  ]
}

/** no-op start-up on Cassandra: each tool's `up` on a keyspace it has fully migrated, and node + driver + connect. */
export function cqlNoopTools(dirs, cql) {
  const [, strata, , golang] = cqlApplyTools(dirs, cql)
  return [
    { name: 'floor (node+driver+connect)', kind: 'floor', cmd: (t) => ({ cmd: node, args: [floor('cql-connect.mjs'), cql.contactPoints.join(','), cql.localDataCenter, t.keyspace] }) },
    strata, golang,
  ]
}

let psql
function hasPsql() {
  psql ??= ['/usr/bin/psql', '/usr/local/bin/psql'].some((p) => existsSync(p))
  return psql
}
