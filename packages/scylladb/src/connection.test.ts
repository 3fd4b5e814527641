import cassandra from 'cassandra-driver'
import { describe, expect, it } from 'vitest'
import { clientOptions, consistencyOf } from './connection.js'
import { resolveOptions } from './options.js'
import { replicationClause } from './schema-bootstrap.js'
import { ttlSeconds } from './lease-store.js'

const { consistencies } = cassandra.types

describe('clientOptions', () => {
  const o = resolveOptions({
    contactPoints: ['10.0.0.1', '10.0.0.2:9043'], localDataCenter: 'dc1', keyspace: 'app', username: 'svc', password: 'pw',
    tls: { ca: 'CA-PEM', rejectUnauthorized: false }, writeConsistency: 'QUORUM', serialConsistency: 'LOCAL_SERIAL',
  })
  const c = clientOptions(o)

  it('turns off the driver’s hidden agreement wait so ours is measured', () => {
    expect(c.protocolOptions?.maxSchemaAgreementWaitSeconds).toBe(0)
    expect(c.isMetadataSyncEnabled).toBe(false)
  })

  it('maps consistency, auth and TLS', () => {
    expect(c.queryOptions?.consistency).toBe(consistencies.quorum)
    expect(c.queryOptions?.serialConsistency).toBe(consistencies.localSerial)
    expect(c.authProvider).toBeInstanceOf(cassandra.auth.PlainTextAuthProvider)
    expect(c.sslOptions).toMatchObject({ ca: 'CA-PEM', rejectUnauthorized: false })
    expect(c.contactPoints).toEqual(['10.0.0.1', '10.0.0.2:9043'])
    expect(c.localDataCenter).toBe('dc1')
  })

  it('has no TLS or auth unless asked', () => {
    const plain = clientOptions(resolveOptions({ contactPoints: ['h'], localDataCenter: 'dc1', keyspace: 'app' }))
    expect(plain.sslOptions).toBeUndefined()
    expect(plain.authProvider).toBeUndefined()
    expect(consistencyOf('LOCAL_QUORUM')).toBe(consistencies.localQuorum)
  })
})

describe('clientOptions: TLS', () => {
  const tlsOf = (tls: Parameters<typeof resolveOptions>[0]['tls']) => clientOptions(resolveOptions({ contactPoints: ['h'], localDataCenter: 'dc1', keyspace: 'app', tls })).sslOptions

  it('tls: true verifies the server against the system CAs', () => {
    expect(tlsOf(true)).toEqual({ rejectUnauthorized: true })
  })

  it('passes on the PEMs and server name given, verifying unless told not to', () => {
    expect(tlsOf({ cert: 'CERT', key: 'KEY', servername: 'db.internal' })).toEqual({ rejectUnauthorized: true, cert: 'CERT', key: 'KEY', servername: 'db.internal' })
    expect(tlsOf({})).toEqual({ rejectUnauthorized: true })
  })
})

describe('replicationClause', () => {
  it('renders both strategies', () => {
    expect(replicationClause({ class: 'SimpleStrategy', replicationFactor: 3 })).toBe("{'class': 'SimpleStrategy', 'replication_factor': 3}")
    expect(replicationClause({ class: 'NetworkTopologyStrategy', dataCenters: { dc1: 3, dc2: 2 } })).toBe(
      "{'class': 'NetworkTopologyStrategy', 'dc1': 3, 'dc2': 2}",
    )
  })
})

describe('ttlSeconds', () => {
  it('rounds up to whole seconds plus one for the server’s second truncation', () => {
    expect(ttlSeconds(2000)).toBe(3)
    expect(ttlSeconds(2001)).toBe(4)
    expect(ttlSeconds(1)).toBe(2)
    expect(ttlSeconds(30_000)).toBe(31)
  })
})
