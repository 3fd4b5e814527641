// The benchmark's migrations: N files, each a table, an index and a 10-row insert, written in the file
// layout every tool expects (same statements everywhere), into a temp dir.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const pad = (i) => String(i).padStart(3, '0')

/** The three statements of migration i (1-based) for PostgreSQL. */
export function sqlStatements(i) {
  const t = `t_${pad(i)}`
  const rows = Array.from({ length: 10 }, (_, r) => `(${r + 1}, 'row ${r + 1}')`).join(', ')
  return [
    `CREATE TABLE ${t} (id int PRIMARY KEY, name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`,
    `CREATE INDEX ${t}_name_idx ON ${t} (name)`,
    `INSERT INTO ${t} (id, name) VALUES ${rows}`,
  ]
}

/**
 * The three statements of migration i for Cassandra. CQL has no multi-row INSERT: the 10 rows are one
 * single-partition BATCH, with no ';' inside (optional in the CQL grammar), so that tools splitting files
 * naively on ';' (golang-migrate's x-multi-statement) see the same three statements as cqlsh does.
 */
export function cqlStatements(i) {
  const t = `t_${pad(i)}`
  const inserts = Array.from({ length: 10 }, (_, r) => `  INSERT INTO ${t} (k, id, name) VALUES (0, ${r + 1}, 'row ${r + 1}')`)
  return [
    `CREATE TABLE ${t} (k int, id int, name text, created_at timestamp, PRIMARY KEY (k, id))`,
    `CREATE INDEX ${t}_name_idx ON ${t} (name)`,
    ['BEGIN BATCH', ...inserts, 'APPLY BATCH'].join('\n'),
  ]
}

const fileText = (stmts) => stmts.map((s) => `${s};\n`).join('')

function dir(root, name) {
  const d = join(root, name)
  mkdirSync(d, { recursive: true })
  return d
}

/**
 * Writes n PostgreSQL migrations for Strata (.sql), knex (.cjs modules running the same statements with
 * knex.raw), node-pg-migrate (.sql with its Up/Down markers) and psql (one file). Returns the paths.
 */
export function writeSqlMigrations(n, root = mkdtempSync(join(tmpdir(), 'strata-bench-sql-'))) {
  const d = { root, strata: dir(root, 'strata'), knex: dir(root, 'knex'), npm: dir(root, 'node-pg-migrate'), all: join(root, 'all.sql') }
  let all = ''
  for (let i = 1; i <= n; i++) {
    const stmts = sqlStatements(i)
    const name = `${pad(i)}_create_t_${pad(i)}`
    writeFileSync(join(d.strata, `${name}.sql`), fileText(stmts))
    writeFileSync(join(d.knex, `${name}.cjs`),
      `const statements = ${JSON.stringify(stmts, null, 2)}\n` +
      'exports.up = async (knex) => { for (const s of statements) await knex.raw(s) }\n' +
      'exports.down = async () => {}\n')
    writeFileSync(join(d.npm, `${name}.sql`), `-- Up Migration\n${fileText(stmts)}\n-- Down Migration\n`)
    all += fileText(stmts)
  }
  writeFileSync(d.all, all)
  d.knexfile = join(root, 'knexfile.cjs')
  writeFileSync(d.knexfile,
    'module.exports = { client: "pg", connection: process.env.DATABASE_URL,\n' +
    `  migrations: { directory: ${JSON.stringify(d.knex)}, loadExtensions: [".cjs"] } }\n`)
  return d
}

/** Writes n Cassandra migrations for Strata (.cql), golang-migrate (.up.cql) and cqlsh (one file). */
export function writeCqlMigrations(n, root = mkdtempSync(join(tmpdir(), 'strata-bench-cql-'))) {
  const d = { root, strata: dir(root, 'strata'), golang: dir(root, 'golang-migrate'), all: join(root, 'all.cql') }
  let all = ''
  for (let i = 1; i <= n; i++) {
    const text = fileText(cqlStatements(i))
    const name = `${pad(i)}_create_t_${pad(i)}`
    writeFileSync(join(d.strata, `${name}.cql`), text)
    writeFileSync(join(d.golang, `${name}.up.cql`), text)
    all += text
  }
  writeFileSync(d.all, all)
  return d
}

/** The statements of a Strata-layout directory, in file order (the floor scripts read them this way). */
export function readStatements(strataDir) {
  return readdirSync(strataDir).filter((f) => /\.(sql|cql)$/.test(f)).sort()
    .flatMap((f) => readFileSync(join(strataDir, f), 'utf8').split(/;\s*$/m).map((s) => s.trim()).filter(Boolean))
}
