import type { SqlRunner } from './sql-runner.js'

/** One schema's catalog, as the single query below returns it (names raw; `q` = quote_ident). */
export interface PgCatalog {
  rels: { oid: number; name: string; q: string; kind: string }[]
  columns: { rel: string; num: number; name: string; q: string; type: string; not_null: boolean; def: string | null; identity: string; generated: string }[]
  constraints: { rel: string; name: string; q: string; type: string; def: string; cols: string[] | null }[]
  indexes: { name: string; rel: string; def: string; by_constraint: boolean }[]
  views: { oid: number; name: string; q: string; kind: string; def: string }[]
  sequences: { name: string; q: string; type: string; start: string; inc: string; min: string; max: string; cache: string; cycle: boolean; owned_by: string | null; dep: string | null }[]
  enums: { name: string; q: string; labels: string[] }[]
  functions: { oid: number; name: string; args: string; lang: string; def: string }[]
  triggers: { name: string; rel: string; def: string }[]
}

// Every part is one sub-select, so the whole catalog comes back in one round trip and one MVCC snapshot.
// NOT NULL constraints (contype 'n', PostgreSQL 18) are read from attnotnull instead; extension members are left out.
const CATALOG = `
WITH ns AS (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = $1)
SELECT
 (SELECT coalesce(json_agg(x ORDER BY x.name), '[]') FROM (
   SELECT c.oid::int8 AS oid, c.relname AS name, quote_ident(c.relname) AS q, c.relkind::text AS kind
   FROM pg_catalog.pg_class c WHERE c.relnamespace = (SELECT oid FROM ns) AND c.relkind IN ('r', 'p')) x) AS rels,
 (SELECT coalesce(json_agg(x ORDER BY x.rel, x.num), '[]') FROM (
   SELECT c.relname AS rel, a.attnum AS num, a.attname AS name, quote_ident(a.attname) AS q, format_type(a.atttypid, a.atttypmod) AS type,
     a.attnotnull AS not_null, pg_get_expr(d.adbin, d.adrelid) AS def, a.attidentity::text AS identity, a.attgenerated::text AS generated
   FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
   LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
   WHERE c.relnamespace = (SELECT oid FROM ns) AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped) x) AS columns,
 (SELECT coalesce(json_agg(x ORDER BY x.rel, x.name), '[]') FROM (
   SELECT c.relname AS rel, k.conname AS name, quote_ident(k.conname) AS q, k.contype::text AS type, pg_get_constraintdef(k.oid, true) AS def,
     (SELECT array_agg(a.attname ORDER BY u.ord) FROM unnest(k.conkey) WITH ORDINALITY u(num, ord)
      JOIN pg_catalog.pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.num) AS cols
   FROM pg_catalog.pg_constraint k JOIN pg_catalog.pg_class c ON c.oid = k.conrelid
   WHERE c.relnamespace = (SELECT oid FROM ns) AND k.contype IN ('p', 'u', 'f', 'c', 'x')) x) AS constraints,
 (SELECT coalesce(json_agg(x ORDER BY x.name), '[]') FROM (
   SELECT i.relname AS name, t.relname AS rel, pg_get_indexdef(i.oid) AS def,
     EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k WHERE k.conindid = i.oid AND k.contype IN ('p', 'u', 'x')) AS by_constraint
   FROM pg_catalog.pg_index x JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid JOIN pg_catalog.pg_class t ON t.oid = x.indrelid
   WHERE t.relnamespace = (SELECT oid FROM ns)) x) AS indexes,
 (SELECT coalesce(json_agg(x ORDER BY x.oid), '[]') FROM (
   SELECT c.oid::int8 AS oid, c.relname AS name, quote_ident(c.relname) AS q, c.relkind::text AS kind, pg_get_viewdef(c.oid, true) AS def
   FROM pg_catalog.pg_class c WHERE c.relnamespace = (SELECT oid FROM ns) AND c.relkind IN ('v', 'm')) x) AS views,
 (SELECT coalesce(json_agg(x ORDER BY x.name), '[]') FROM (
   SELECT c.relname AS name, quote_ident(c.relname) AS q, format_type(s.seqtypid, NULL) AS type, s.seqstart::text AS start, s.seqincrement::text AS inc,
     s.seqmin::text AS min, s.seqmax::text AS max, s.seqcache::text AS cache, s.seqcycle AS cycle,
     (SELECT quote_ident(t.relname) || '.' || quote_ident(a.attname) FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_class t ON t.oid = d.refobjid
      JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
      WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i') LIMIT 1) AS owned_by,
     (SELECT d.deptype::text FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i') LIMIT 1) AS dep
   FROM pg_catalog.pg_sequence s JOIN pg_catalog.pg_class c ON c.oid = s.seqrelid WHERE c.relnamespace = (SELECT oid FROM ns)) x) AS sequences,
 (SELECT coalesce(json_agg(x ORDER BY x.name), '[]') FROM (
   SELECT t.typname AS name, quote_ident(t.typname) AS q, array_agg(e.enumlabel ORDER BY e.enumsortorder) AS labels
   FROM pg_catalog.pg_type t JOIN pg_catalog.pg_enum e ON e.enumtypid = t.oid WHERE t.typnamespace = (SELECT oid FROM ns) GROUP BY t.typname) x) AS enums,
 (SELECT coalesce(json_agg(x ORDER BY x.oid), '[]') FROM (
   SELECT p.oid::int8 AS oid, p.proname AS name, pg_get_function_identity_arguments(p.oid) AS args, l.lanname AS lang, pg_get_functiondef(p.oid) AS def
   FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_language l ON l.oid = p.prolang
   WHERE p.pronamespace = (SELECT oid FROM ns) AND p.prokind IN ('f', 'p')
     AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')) x) AS functions,
 (SELECT coalesce(json_agg(x ORDER BY x.rel, x.name), '[]') FROM (
   SELECT g.tgname AS name, c.relname AS rel, pg_get_triggerdef(g.oid, true) AS def
   FROM pg_catalog.pg_trigger g JOIN pg_catalog.pg_class c ON c.oid = g.tgrelid
   WHERE c.relnamespace = (SELECT oid FROM ns) AND NOT g.tgisinternal) x) AS triggers`

/** Reads one schema's catalog in one statement (PostgreSQL). */
export async function readPgCatalog(run: SqlRunner, schema: string): Promise<PgCatalog> {
  const { rows } = await run.query<PgCatalog & Record<string, unknown>>(CATALOG, [schema])
  return rows[0] as PgCatalog
}
