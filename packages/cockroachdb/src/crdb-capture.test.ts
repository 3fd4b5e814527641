import { describe, expect, it } from 'vitest'
import { captureCockroach } from './crdb-capture.js'

/** A SqlRunner answering by a phrase of the statement; rows only (what captureCockroach reads). */
const runner = (replies: [phrase: string, rows: Record<string, unknown>[]][]) => ({
  seen: [] as string[],
  async query(text: string) {
    this.seen.push(text)
    const rows = replies.find(([phrase]) => text.includes(phrase))?.[1] ?? []
    return { rows: rows as never[], rowCount: rows.length }
  },
})

describe('captureCockroach (CockroachDB: SHOW CREATE ALL TABLES plus the information_schema model)', () => {
  it("keeps the schema's own statements, not Strata's or another schema's, and reads CockroachDB's column types", async () => {
    const run = runner([
      ['SHOW CREATE ALL TABLES', [
        { create_statement: 'CREATE TABLE public.users (id INT8 NOT NULL, email STRING, CONSTRAINT users_pkey PRIMARY KEY (id ASC))' },
        { create_statement: 'CREATE TABLE public.strata_schema_history (version STRING)' },
        { create_statement: 'CREATE TABLE other.audit (id INT8)' },
        { create_statement: 'CREATE SEQUENCE public.ids MINVALUE 1;' },
      ]],
      ["table_type = 'BASE TABLE'", [{ table_name: 'users' }, { table_name: 'strata_schema_history' }]],
      ['information_schema.columns', [
        { table_name: 'users', column_name: 'id', data_type: 'INT8', is_nullable: 'NO', column_default: 'unique_rowid()', generation_expression: null },
        { table_name: 'users', column_name: 'email_lower', data_type: 'STRING', is_nullable: 'YES', column_default: null, generation_expression: 'lower(email)' },
      ]],
      ['pg_constraint', [
        { rel: 'users', name: 'users_pkey', type: 'p', def: 'PRIMARY KEY (id ASC)' },
        { rel: 'users', name: 'users_email_key', type: 'u', def: 'UNIQUE (email ASC)' },
      ]],
      ['pg_indexes', [
        { name: 'users_pkey', rel: 'users', def: 'CREATE UNIQUE INDEX users_pkey ON public.users USING btree (id ASC)' },
        { name: 'users_by_email', rel: 'users', def: 'CREATE INDEX users_by_email ON public.users USING btree (email ASC)' },
        { name: 'strata_idx', rel: 'strata_schema_history', def: 'CREATE INDEX strata_idx ON public.strata_schema_history (version)' },
      ]],
      ['information_schema.views', [{ name: 'active', def: ' SELECT id FROM users; ' }]],
      ['information_schema.sequences', [
        { name: 'ids', data_type: 'INT8', start_value: '1', increment: '1', minimum_value: '1', maximum_value: '9223372036854775807', cycle_option: 'YES' },
        { name: 'strata_seq', data_type: 'INT8', start_value: '1', increment: '1', minimum_value: '1', maximum_value: '9', cycle_option: 'NO' },
      ]],
    ])
    const c = await captureCockroach(run, 'public')
    expect(c.source).toBe('show-create')
    expect(c.ddl).toBe('CREATE TABLE public.users (id INT8 NOT NULL, email STRING, CONSTRAINT users_pkey PRIMARY KEY (id ASC));\n\nCREATE SEQUENCE public.ids MINVALUE 1;')
    expect(run.seen.find((s) => s.includes('information_schema.columns'))).toContain("crdb_sql_type AS data_type")
    expect(run.seen.find((s) => s.includes('information_schema.columns'))).toContain("is_hidden = 'NO'")
    expect(c.schema).toEqual({
      tables: [{
        name: 'users', primaryKey: '(id ASC)',
        columns: [
          { name: 'id', type: 'INT8', notNull: true, default: 'unique_rowid()' },
          { name: 'email_lower', type: 'STRING', notNull: false, default: 'GENERATED ALWAYS AS (lower(email)) STORED' },
        ],
        constraints: [{ name: 'users_email_key', definition: 'UNIQUE (email ASC)' }],
      }],
      indexes: [{ name: 'users_by_email', table: 'users', definition: 'CREATE INDEX users_by_email ON public.users USING btree (email ASC)' }],
      views: [{ name: 'active', definition: 'SELECT id FROM users' }],
      others: [{ kind: 'sequence', name: 'ids', definition: 'AS INT8 START WITH 1 INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 CYCLE' }],
    })
  })

  it('without DDL asked for, reads no SHOW CREATE and reports the catalog as its source', async () => {
    const run = runner([])
    const c = await captureCockroach(run, 'public', { ddl: false })
    expect(c).toMatchObject({ format: 'sql', ddl: '', source: 'catalog', schema: { tables: [], indexes: [], views: [], others: [] } })
    expect(run.seen.some((s) => s.includes('SHOW CREATE'))).toBe(false)
  })
})
