import { describe, expect, it } from 'vitest'
import { cqlDestructive } from './destructive.js'

const ks = 'app'

describe('cqlDestructive: what a CQL statement destroys', () => {
  it.each([
    ['TRUNCATE events', { what: 'TRUNCATE app.events', tables: ['app.events'] }],
    ['TRUNCATE TABLE other.events', { what: 'TRUNCATE other.events', tables: ['other.events'] }],
    ['truncate columnfamily "Events"', { what: 'TRUNCATE app.Events', tables: ['app.Events'] }],
  ])('%s empties the table', (text, want) => {
    expect(cqlDestructive(text, ks)).toEqual(want)
  })

  it('DROP TABLE names the table to back up, qualified with the migration keyspace when unqualified', () => {
    expect(cqlDestructive('DROP TABLE IF EXISTS users', ks)).toEqual({ what: 'drops table app.users', tables: ['app.users'] })
    expect(cqlDestructive('DROP TABLE other.users', ks)).toEqual({ what: 'drops table other.users', tables: ['other.users'] })
  })

  it('DROP MATERIALIZED VIEW, KEYSPACE and TYPE are announced with no table to back up', () => {
    expect(cqlDestructive('DROP MATERIALIZED VIEW by_email', ks)).toEqual({ what: 'drops materialized view app.by_email (rebuilt from its base table)', tables: [] })
    expect(cqlDestructive('DROP KEYSPACE IF EXISTS old', ks)).toEqual({ what: 'drops keyspace old and every table in it', tables: [] })
    expect(cqlDestructive('DROP SCHEMA old', ks)).toEqual({ what: 'drops keyspace old and every table in it', tables: [] })
    // Without a name (the server will refuse it) it is still announced as what it would drop.
    expect(cqlDestructive('DROP KEYSPACE', ks)).toEqual({ what: expect.stringMatching(/^drops keyspace +and every table in it$/), tables: [] })
    expect(cqlDestructive('DROP TYPE money', ks)).toEqual({ what: 'drops type money', tables: [] })
    expect(cqlDestructive('DROP TYPE', ks)).toEqual({ what: expect.stringMatching(/^drops type ?$/), tables: [] })
  })

  it('dropping an index or a function destroys no data', () => {
    expect(cqlDestructive('DROP INDEX users_email', ks)).toBeUndefined()
    expect(cqlDestructive('DROP FUNCTION f', ks)).toBeUndefined()
  })

  it('ALTER TABLE: dropping columns and changing a type destroy data; adding and options do not', () => {
    expect(cqlDestructive('ALTER TABLE users DROP (email, age)', ks)).toEqual({ what: 'drops column email, age of app.users', tables: ['app.users'] })
    expect(cqlDestructive('ALTER TABLE other.users ALTER age TYPE varint', ks)).toEqual({ what: 'changes the type of age in other.users', tables: ['other.users'] })
    expect(cqlDestructive('ALTER TABLE users ADD note text', ks)).toBeUndefined()
    expect(cqlDestructive("ALTER TABLE users WITH comment = 'x'", ks)).toBeUndefined()
  })

  it('DML is a data change of its table; without a table it names only the verb', () => {
    expect(cqlDestructive("INSERT INTO users (id) VALUES (1)", ks)).toEqual({ what: 'data change (INSERT app.users)', tables: ['app.users'] })
    expect(cqlDestructive('UPDATE other.t SET a = 1 WHERE k = 1', ks)).toEqual({ what: 'data change (UPDATE other.t)', tables: ['other.t'] })
    expect(cqlDestructive('DELETE a', ks)).toEqual({ what: 'data change (DELETE)', tables: [] })
  })

  it('a batch lists the changes of its statements, each table once; an empty batch destroys nothing', () => {
    const text = 'BEGIN BATCH INSERT INTO t (k) VALUES (1); UPDATE t SET a = 1 WHERE k = 2; DELETE FROM u WHERE k = 3; APPLY BATCH'
    expect(cqlDestructive(text, ks)).toEqual({
      what: 'batch: data change (INSERT app.t); data change (UPDATE app.t); data change (DELETE app.u)',
      tables: ['app.t', 'app.u'],
    })
    expect(cqlDestructive('BEGIN BATCH APPLY BATCH', ks)).toBeUndefined()
  })

  it('creating things and reading destroy nothing', () => {
    expect(cqlDestructive('CREATE TABLE IF NOT EXISTS t (k int PRIMARY KEY)', ks)).toBeUndefined()
    expect(cqlDestructive('SELECT * FROM t', ks)).toBeUndefined()
  })
})
