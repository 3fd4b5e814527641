import { describe, expect, it } from 'vitest'
import { parseServerVersion } from './dialect.js'
import { sessionStatements } from './session-setup.js'

describe('dialect detection', () => {
  it('reads CockroachDB and PostgreSQL version() texts', () => {
    expect(parseServerVersion('CockroachDB CCL v25.2.1 (x86_64-pc-linux-gnu, built 2025/06/01 00:00:00, go1.23.7 X:nocoverageredesign)')).toMatchObject({ dialect: 'cockroachdb', version: '25.2.1', major: 25, minor: 2 })
    expect(parseServerVersion('CockroachDB OSS v2.1.0 (x86_64-unknown-linux-gnu)')).toMatchObject({ dialect: 'cockroachdb', major: 2, minor: 1 })
    expect(parseServerVersion('PostgreSQL 18.4 on x86_64-pc-linux-gnu, compiled by gcc 7.5.0, 64-bit')).toMatchObject({ dialect: 'postgresql', version: '18.4', major: 18 })
    expect(parseServerVersion('PostgreSQL 18beta1 on x86_64')).toMatchObject({ dialect: 'postgresql', major: 18, minor: 0 })
  })

  it('sets up sessions only with variables the server knows', () => {
    const crdb = parseServerVersion('CockroachDB CCL v25.2.1 (x)')
    const pg13 = parseServerVersion('PostgreSQL 13.9 on x')
    const pg18 = parseServerVersion('PostgreSQL 18.4 on x')
    expect(sessionStatements(crdb, { schema: 'public', connectionCheckIntervalMs: 1000 })).toEqual([])
    expect(sessionStatements(crdb, { schema: 'app', connectionCheckIntervalMs: 1000 })).toEqual(['SET search_path TO "app"'])
    expect(sessionStatements(pg13, { schema: 'public', connectionCheckIntervalMs: 1000 })).toEqual([])
    expect(sessionStatements(pg18, { schema: 'public', connectionCheckIntervalMs: 1000 })).toEqual(['SET client_connection_check_interval = 1000'])
    expect(sessionStatements(pg18, { schema: 'public', connectionCheckIntervalMs: 0 })).toEqual([])
  })
})
