/**
 * The migration files of the protocol trials, per mode. Table names carry the trial's prefix (`${p}`, a
 * --var), so every trial of a mode shares one keyspace/database without meeting another's objects.
 *
 * The 30-statement file is deliberately not idempotent: plain CREATE TABLE (a second run fails "already
 * exists"), and DML whose second run is visible — on Cassandra counter increments (nothing in the schema
 * tells whether one ran), on PostgreSQL inserts into a table with no key (a second run adds a row), each
 * taking 50 ms (pg_sleep) so kills land inside statements.
 */
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Mode } from './targets.js'

export type Effect = { kind: 'table'; name: string } | { kind: 'bump'; id: number } | { kind: 'log'; id: number }

export interface ThirtyFile {
  /** The up statements and, for each, the effect that proves it ran (or, after the down, that it is undone). */
  up: { text: string; effect: Effect }[]
  down: string[]
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1)
const w = (j: number): string => `\${p}w${String(j).padStart(2, '0')}`

/** 001: the tables the DML of the later files writes to. */
export function prepare(mode: Mode): string {
  return mode === 'cql'
    ? 'CREATE TABLE ${p}log (id int PRIMARY KEY, v text);\nCREATE TABLE ${p}hits (id int PRIMARY KEY, n counter);\n'
    : 'CREATE TABLE ${p}log (id serial, v text);\n'
}

export function thirty(mode: Mode): ThirtyFile {
  if (mode === 'cql') {
    // 10 CREATE TABLE, 10 plain inserts (upserts: idempotent), 10 counter increments (not checkable).
    const up = range(30).map((j) => j % 3 === 1
      ? { text: `CREATE TABLE ${w(j)} (id int PRIMARY KEY, v text)`, effect: { kind: 'table', name: w(j) } as Effect }
      : j % 3 === 2
        ? { text: `INSERT INTO \${p}log (id, v) VALUES (${j}, 'x')`, effect: { kind: 'log', id: j } as Effect }
        : { text: `UPDATE \${p}hits SET n = n + 1 WHERE id = ${j}`, effect: { kind: 'bump', id: j } as Effect })
    const down = range(30).reverse().map((j) => j % 3 === 1 ? `DROP TABLE ${w(j)}` : j % 3 === 2 ? `DELETE FROM \${p}log WHERE id = ${j}` : `UPDATE \${p}hits SET n = n - 1 WHERE id = ${j}`)
    return { up, down }
  }
  // 15 CREATE TABLE, 15 inserts of one row each (no key: a second run doubles it), 50 ms each.
  const up = range(30).map((j) => j % 2 === 1
    ? { text: `CREATE TABLE ${w(j)} (id int)`, effect: { kind: 'table', name: w(j) } as Effect }
    : { text: `INSERT INTO \${p}log (v) SELECT '${j}' FROM pg_sleep(0.05)`, effect: { kind: 'bump', id: j } as Effect })
  const down = range(30).reverse().map((j) => j % 2 === 1 ? `DROP TABLE ${w(j)}` : `DELETE FROM \${p}log WHERE v = '${j}' AND EXISTS (SELECT 1 FROM pg_sleep(0.05))`)
  return { up, down }
}

/** The 30 statements as one file (`-- strata:no-transaction` on SQL: statement by statement, journaled). */
export function thirtySql(mode: Mode, f: ThirtyFile, which: 'up' | 'down'): string {
  const lines = which === 'up' ? f.up.map((s) => s.text) : f.down
  return (mode === 'cql' ? '' : '-- strata:no-transaction\n') + lines.map((l) => `${l};\n`).join('')
}

/** The same 30 statements as a code migration: 30 ctx.execute calls, journaled (metadata.transactional false). */
export function thirtyTs(f: ThirtyFile): string {
  const render = (list: string[]) => JSON.stringify(list)
  return `export const metadata = { transactional: false }
const UP = ${render(f.up.map((s) => s.text))}
const DOWN = ${render(f.down)}
const fill = (ctx, s) => s.split('\${p}').join(ctx.placeholders.p)
export async function up(ctx) { for (const s of UP) await ctx.execute(fill(ctx, s)) }
export async function down(ctx) { for (const s of DOWN) await ctx.execute(fill(ctx, s)) }
`
}

/** Versions 002…008 of the paused-holder trials (001 prepares the tables). */
export const STEP_VERSIONS = range(7).map((i) => i + 1)

/** Seven small files for the paused-holder trials: a table, and one row (or counter increment) each. */
export function steps(mode: Mode): Record<string, string> {
  const files: Record<string, string> = { '001_prepare.': prepare(mode) }
  for (const n of STEP_VERSIONS) {
    const v = String(n).padStart(3, '0')
    files[`${v}_step.`] = mode === 'cql'
      ? `CREATE TABLE \${p}t${v} (id int PRIMARY KEY);\nINSERT INTO \${p}log (id, v) VALUES (${n}, 'x');\nUPDATE \${p}hits SET n = n + 1 WHERE id = ${n};\n`
      : `CREATE TABLE \${p}t${v} (id int);\nINSERT INTO \${p}log (v) SELECT '${n}' FROM pg_sleep(0.2);\n`
  }
  return files
}

/** Versions 002…006 of the race trials (001 prepares the tables). */
export const RACE_VERSIONS = range(5).map((i) => i + 1)

/** Five files for the race trials: a table and one counted change each. */
export function raceFiles(mode: Mode): Record<string, string> {
  const files: Record<string, string> = { '001_prepare.': prepare(mode) }
  for (const n of RACE_VERSIONS) {
    const v = String(n).padStart(3, '0')
    files[`${v}_race.`] = mode === 'cql'
      ? `CREATE TABLE \${p}r${v} (id int PRIMARY KEY);\nUPDATE \${p}hits SET n = n + 1 WHERE id = ${n};\n`
      : `CREATE TABLE \${p}r${v} (id int);\nINSERT INTO \${p}log (v) VALUES ('${n}');\n`
  }
  return files
}

/** Writes files (a name ending in '.' gets the mode's extension) into a new temporary directory. */
export async function writeDir(mode: Mode, files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'strata-trials-'))
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name.endsWith('.') ? `${name}${mode === 'cql' ? 'cql' : 'sql'}` : name), text)
  return dir
}

export const effectName = (e: Effect, prefix: string): string => (e.kind === 'table' ? e.name.replace('${p}', prefix) : `${e.kind} ${e.id}`)
