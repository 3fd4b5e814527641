import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { StrataError } from '@strata-migrate/core/adapter-kit'
import { parseReplication, scyllaOptionsFromEnv, scyllaSettingsFromEnv } from './settings.js'

const dir = mkdtempSync(join(tmpdir(), 'strata-scylla-settings-'))
for (const f of ['ca.pem', 'client.pem', 'client.key']) writeFileSync(join(dir, f), `PEM ${f}`)
writeFileSync(join(dir, 'password'), 'from-file\n')

function fails(fn: () => unknown): StrataError {
  try {
    fn()
  } catch (err) {
    expect((err as StrataError).code).toBe('E_CONFIG')
    return err as StrataError
  }
  throw new Error('expected E_CONFIG')
}

describe('ScyllaDB settings from the environment (the start-up hook and the CLI read the same names)', () => {
  it('reads connection, credentials and TLS into adapter options', () => {
    const { options, warnings } = scyllaOptionsFromEnv({
      STRATA_SCYLLADB_CONTACT_POINTS: '10.0.0.1, 10.0.0.2:9142', STRATA_SCYLLADB_LOCAL_DC: 'dc1', STRATA_SCYLLADB_KEYSPACE: 'identity',
      STRATA_SCYLLADB_USERNAME: 'migrator', STRATA_SCYLLADB_PASSWORD_FILE: join(dir, 'password'),
      STRATA_SCYLLADB_TLS_CA: join(dir, 'ca.pem'), STRATA_SCYLLADB_TLS_CERT: join(dir, 'client.pem'), STRATA_SCYLLADB_TLS_KEY: join(dir, 'client.key'),
      STRATA_SCYLLADB_TLS_SERVER_NAME: 'db.internal', STRATA_SCYLLADB_REPLICATION: 'NetworkTopologyStrategy:dc1=3',
    })
    expect(options).toMatchObject({
      contactPoints: ['10.0.0.1', '10.0.0.2:9142'], localDataCenter: 'dc1', keyspace: 'identity', username: 'migrator', password: 'from-file',
      replication: { class: 'NetworkTopologyStrategy', dataCenters: { dc1: 3 } },
    })
    const tls = options.tls as { ca: Buffer; cert: Buffer; key: Buffer; servername: string; rejectUnauthorized: boolean }
    expect([tls.ca.toString(), tls.cert.toString(), tls.key.toString(), tls.servername, tls.rejectUnauthorized]).toEqual(['PEM ca.pem', 'PEM client.pem', 'PEM client.key', 'db.internal', true])
    expect(warnings).toEqual([])
  })

  it('warns loudly when verification is turned off, and code overrides env key by key', () => {
    const { options, warnings } = scyllaOptionsFromEnv({ STRATA_SCYLLADB_KEYSPACE: 'ks', STRATA_SCYLLADB_TLS_INSECURE: 'true' }, { localDataCenter: 'dc9' })
    expect(options.tls).toMatchObject({ rejectUnauthorized: false })
    expect(options.localDataCenter).toBe('dc9')
    expect(warnings[0]).toMatch(/TLS certificate verification is OFF/)
  })

  it('refuses a misspelt variable, a missing keyspace, and half a login', () => {
    expect(fails(() => scyllaSettingsFromEnv({ STRATA_SCYLLADB_TLS_CAA: '/ca.pem' })).message).toBe('unknown environment variable STRATA_SCYLLADB_TLS_CAA (did you mean STRATA_SCYLLADB_TLS_CA?)')
    expect(fails(() => scyllaOptionsFromEnv({})).message).toMatch(/no ScyllaDB keyspace/)
    expect(fails(() => scyllaOptionsFromEnv({ STRATA_SCYLLADB_KEYSPACE: 'ks', STRATA_SCYLLADB_USERNAME: 'u' })).message).toMatch(/username u has no password/)
    const pw = fails(() => scyllaOptionsFromEnv({ STRATA_SCYLLADB_KEYSPACE: 'ks', STRATA_SCYLLADB_PASSWORD: 's3cretpw' }))
    expect(pw.message).toMatch(/a password is set but no username/)
    expect(pw.message).not.toContain('s3cretpw')
    expect(fails(() => scyllaOptionsFromEnv({ STRATA_SCYLLADB_KEYSPACE: 'ks', STRATA_SCYLLADB_TLS: 'false', STRATA_SCYLLADB_TLS_CA: join(dir, 'ca.pem') })).message).toMatch(/TLS is turned off but tls.ca is set/)
  })

  it('parses replication specs and names the setting on a bad one', () => {
    expect(parseReplication('SimpleStrategy:3')).toEqual({ class: 'SimpleStrategy', replicationFactor: 3 })
    expect(parseReplication('NetworkTopologyStrategy:dc1=3,dc2=2')).toEqual({ class: 'NetworkTopologyStrategy', dataCenters: { dc1: 3, dc2: 2 } })
    expect(fails(() => parseReplication('Simple:3', '--replication')).message).toMatch(/^--replication "Simple:3": unknown class/)
  })

  it('SimpleStrategy without a factor means 1; a factor below 1 or not a whole number is refused', () => {
    expect(parseReplication('SimpleStrategy')).toEqual({ class: 'SimpleStrategy', replicationFactor: 1 })
    expect(fails(() => parseReplication('SimpleStrategy:0')).message).toBe('replication "SimpleStrategy:0": bad replication factor (SimpleStrategy:N or NetworkTopologyStrategy:dc1=N,dc2=N)')
    expect(fails(() => parseReplication('SimpleStrategy:2.5')).message).toMatch(/^replication "SimpleStrategy:2\.5": bad replication factor/)
  })

  it('NetworkTopologyStrategy needs at least one dc=N pair, each complete and whole', () => {
    expect(fails(() => parseReplication('NetworkTopologyStrategy:dc1')).message).toMatch(/^replication "NetworkTopologyStrategy:dc1": bad data center "dc1"/)
    expect(fails(() => parseReplication('NetworkTopologyStrategy:dc1=3,=2')).message).toMatch(/: bad data center "=2"/)
    expect(fails(() => parseReplication('NetworkTopologyStrategy:dc1=x')).message).toMatch(/: bad data center "dc1=x"/)
    expect(fails(() => parseReplication('NetworkTopologyStrategy')).message).toMatch(/^replication "NetworkTopologyStrategy": no data centers/)
    expect(fails(() => parseReplication('NetworkTopologyStrategy:,')).message).toMatch(/: no data centers/)
  })

  it('an invalid value names the environment variable it came from', () => {
    expect(fails(() => scyllaSettingsFromEnv({ STRATA_SCYLLADB_PORT: '99999' })).message).toBe('invalid settings in the environment: STRATA_SCYLLADB_PORT: Too big: expected number to be <=65535')
    expect(fails(() => scyllaSettingsFromEnv({ STRATA_SCYLLADB_REPLICATION: 'SimpleStrategy:0' })).message).toMatch(/^STRATA_SCYLLADB_REPLICATION "SimpleStrategy:0": bad replication factor/)
  })

  it('defaults contact point and data center; a port and allowDownNodes are passed on', () => {
    const { options, warnings } = scyllaOptionsFromEnv({ STRATA_SCYLLADB_KEYSPACE: 'ks', STRATA_SCYLLADB_PORT: '9142', STRATA_SCYLLADB_ALLOW_DOWN_NODES: 'true' })
    expect(options).toEqual({ contactPoints: ['127.0.0.1'], localDataCenter: 'datacenter1', keyspace: 'ks', port: 9142, allowDownNodes: true })
    expect(warnings).toEqual([])
    expect(scyllaOptionsFromEnv({ STRATA_SCYLLADB_KEYSPACE: 'ks' }).options).toEqual({ contactPoints: ['127.0.0.1'], localDataCenter: 'datacenter1', keyspace: 'ks', allowDownNodes: false })
  })
})
