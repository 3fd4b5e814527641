import { describe, expect, it } from 'vitest'
import { sqlDestructive } from './destructive.js'

const d = (sql: string) => sqlDestructive(sql, 'app')

describe('sqlDestructive (what a backup must hold before the statement runs)', () => {
  it('TRUNCATE names every table, qualified by the adapter schema unless given', () => {
    expect(d('TRUNCATE TABLE ONLY users, audit.events')).toEqual({ what: 'TRUNCATE app.users, audit.events', tables: ['app.users', 'audit.events'] })
    expect(d('truncate orders')).toEqual({ what: 'TRUNCATE app.orders', tables: ['app.orders'] })
  })

  it('DROP TABLE names its tables; DROP of a view, sequence, schema or database is announced with no table to copy', () => {
    expect(d('DROP TABLE IF EXISTS a, b')).toEqual({ what: 'drops table app.a, app.b', tables: ['app.a', 'app.b'] })
    expect(d('DROP MATERIALIZED VIEW totals')).toEqual({ what: 'drops view totals', tables: [] })
    expect(d('DROP SEQUENCE ids')).toEqual({ what: 'drops sequence ids', tables: [] })
    expect(d('DROP INDEX users_by_email')).toBeUndefined()
  })

  it('a ${placeholder} schema resolves to the adapter schema (it is substituted at run time)', () => {
    expect(d('DROP TABLE ${schema}.users')).toEqual({ what: 'drops table app.users', tables: ['app.users'] })
  })

  it('DML that can overwrite or remove rows names its table; a plain INSERT only adds rows', () => {
    expect(d('DELETE FROM ONLY sessions WHERE expired')).toEqual({ what: 'data change (DELETE app.sessions)', tables: ['app.sessions'] })
    expect(d('UPDATE users SET a = 1')).toEqual({ what: 'data change (UPDATE app.users)', tables: ['app.users'] })
    expect(d('UPSERT INTO kv VALUES (1, 2)')).toEqual({ what: 'data change (UPSERT app.kv)', tables: ['app.kv'] })
    expect(d('INSERT INTO kv VALUES (1) ON CONFLICT (k) DO UPDATE SET v = 2')).toEqual({ what: 'data change (INSERT app.kv)', tables: ['app.kv'] })
    expect(d('INSERT INTO kv VALUES (1) ON CONFLICT DO NOTHING')).toBeUndefined()
    expect(d('INSERT INTO kv VALUES (1)')).toBeUndefined()
    expect(d('WITH gone AS (DELETE FROM t RETURNING *) SELECT count(*) FROM gone')).toEqual({ what: 'data change (WITH … DML)', tables: [] })
  })

  it('ALTER TABLE: dropped and retyped columns, not dropped constraints or defaults', () => {
    expect(d('ALTER TABLE users DROP COLUMN IF EXISTS nick, DROP legacy, DROP CONSTRAINT u, ALTER COLUMN n DROP DEFAULT'))
      .toEqual({ what: 'drops column nick, legacy of app.users', tables: ['app.users'] })
    expect(d('ALTER TABLE audit.users ALTER COLUMN age TYPE bigint')).toEqual({ what: 'changes the type of age in audit.users', tables: ['audit.users'] })
    expect(d('ALTER TABLE users ADD COLUMN x int')).toBeUndefined()
    expect(d('CREATE TABLE t (id int)')).toBeUndefined()
  })
})
