import { describe, expect, it } from 'vitest'
import { insecureTlsWarning, resolveTls, tlsFailureHint, withTlsObject } from './tls-settings.js'

describe('tlsFailureHint', () => {
  it('advises --tls-ca for an untrusted chain', () => {
    for (const m of ['unable to verify the first certificate', 'self signed certificate in certificate chain', 'self-signed certificate', 'unable to get local issuer certificate']) {
      expect(tlsFailureHint(m)).toBe(' (the server certificate is not signed by a trusted CA: give the CA that signed it with --tls-ca)')
    }
  })

  it('advises --tls-server-name for a host the certificate does not name', () => {
    expect(tlsFailureHint("Hostname/IP does not match certificate's altnames: Host: db")).toContain('--tls-server-name')
    expect(tlsFailureHint('ERR_TLS_CERT_ALTNAME_INVALID')).toContain('does not name this host')
  })

  it('asks for a client certificate when the server requires one, and explains a refused one', () => {
    expect(tlsFailureHint('tlsv13 alert certificate required')).toBe(' (the server requires a client certificate: --tls-cert and --tls-key)')
    expect(tlsFailureHint('sslv3 alert bad certificate')).toBe(' (the server refused the client certificate: is it signed by the CA the server trusts?)')
    expect(tlsFailureHint('tlsv1 alert unknown ca')).toContain('refused the client certificate')
  })

  it('names the validity period for an expired certificate, and says nothing about anything else', () => {
    expect(tlsFailureHint('certificate has expired')).toBe(' (a certificate is outside its validity period)')
    expect(tlsFailureHint('certificate is not yet valid')).toBe(' (a certificate is outside its validity period)')
    expect(tlsFailureHint('ECONNREFUSED')).toBe('')
  })
})

describe('TLS settings', () => {
  it('is off when nothing turns it on', () => {
    expect(resolveTls({}, 'DB')).toBeUndefined()
    expect(resolveTls({ insecure: false }, 'DB')).toBeUndefined()
  })

  it('names the key given without its certificate', () => {
    expect(() => resolveTls({ key: '/k.pem' }, 'DB')).toThrow('DB: a client certificate needs both tls.cert and tls.key (mutual TLS); only tls.key is set')
  })

  it('turns a boolean into an object so layers merge key by key, and leaves settings without tls alone', () => {
    expect(withTlsObject({ host: 'h', tls: true })).toEqual({ host: 'h', tls: { enabled: true } })
    const none: { host: string; tls?: boolean } = { host: 'h' }
    expect(withTlsObject(none)).toBe(none)
  })

  it('warns on every run that verification is off', () => {
    expect(insecureTlsWarning('scylladb')).toBe('scylladb: TLS certificate verification is OFF (tls.insecure): the server is not authenticated and a man in the middle can read the password')
  })
})
