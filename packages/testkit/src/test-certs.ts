import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'

const execFileAsync = promisify(execFile)

/** PEM files of one secure test server (paths). Private keys are unencrypted PKCS#8. */
export interface TestCerts {
  /** The test CA: trust it to reach the server; client certificates it signed are accepted. */
  ca: string
  /** An unrelated CA: trusting it instead of `ca` must fail. */
  wrongCa: string
  /** Client certificate signed by `ca`, and its key. */
  clientCert: string
  clientKey: string
  /** Client certificate with the same CN signed by `wrongCa` (a client the server must not believe), and its key. */
  wrongClientCert: string
  wrongClientKey: string
}

/** The server's side: its leaf certificate (signed by `ca`), its key, and both in one file (Cassandra's PEM keystore). */
export interface ServerCerts extends TestCerts {
  serverCert: string
  serverKey: string
  serverKeyAndCert: string
}

export interface CertSpec {
  serverCn: string
  /** subjectAltName entries of the server certificate, e.g. `IP:127.0.0.5`, `DNS:localhost`. */
  serverSans: string[]
  /** CN of both client certificates (PostgreSQL's `cert` auth maps it to the role name). */
  clientCn: string
}

export function certFiles(dir: string): ServerCerts {
  const f = (name: string) => path.join(dir, name)
  return {
    ca: f('ca.pem'),
    wrongCa: f('wrong-ca.pem'),
    clientCert: f('client.pem'),
    clientKey: f('client.key'),
    wrongClientCert: f('wrong-client.pem'),
    wrongClientKey: f('wrong-client.key'),
    serverCert: f('server.pem'),
    serverKey: f('server.key'),
    serverKeyAndCert: f('server-key-and-cert.pem'),
  }
}

// Explicit extensions, so the result does not depend on the system openssl.cnf (its v3_ca, its defaults).
function opensslConfig(spec: CertSpec): string {
  return `[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[ca_ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[server_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = ${spec.serverSans.join(', ')}
authorityKeyIdentifier = keyid
[client_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
authorityKeyIdentifier = keyid
`
}

/**
 * The certificates in `dir`, generated with `openssl` (3.0+: `req -x509 -CA`) when any file is missing:
 * reusing them keeps a running server and its clients in agreement. EC P-256 keys, 30 days; ~50 ms in all.
 */
export async function ensureTestCerts(dir: string, spec: CertSpec): Promise<ServerCerts> {
  const files = certFiles(dir)
  if (Object.values(files).every((f) => existsSync(f))) return files
  await mkdir(dir, { recursive: true })
  const cnf = path.join(dir, 'openssl.cnf')
  await writeFile(cnf, opensslConfig(spec))
  const key = (name: string) => path.join(dir, `${name}.key`)
  const cert = (name: string) => path.join(dir, `${name}.pem`)
  const issue = (name: string, subject: string, ext: string, signer?: string) =>
    openssl([
      'req', '-x509', '-config', cnf, '-extensions', ext, '-days', '30', '-subj', subject,
      '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key(name), '-out', cert(name),
      ...(signer ? ['-CA', cert(signer), '-CAkey', key(signer)] : []),
    ])
  await Promise.all([issue('ca', '/CN=Strata test CA', 'ca_ext'), issue('wrong-ca', '/CN=Strata wrong CA', 'ca_ext')])
  await Promise.all([
    issue('server', `/CN=${spec.serverCn}`, 'server_ext', 'ca'),
    issue('client', `/CN=${spec.clientCn}`, 'client_ext', 'ca'),
    issue('wrong-client', `/CN=${spec.clientCn}`, 'client_ext', 'wrong-ca'),
  ])
  const keyAndCert = (await readFile(files.serverKey, 'utf8')) + (await readFile(files.serverCert, 'utf8'))
  await writeFile(files.serverKeyAndCert, keyAndCert, { mode: 0o600 })
  return files
}

async function openssl(args: string[]): Promise<void> {
  try {
    await execFileAsync('openssl', args)
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string }
    if (e.code === 'ENOENT') throw new Error('the secure test servers need `openssl` (3.0+) on PATH')
    throw new Error(`openssl ${args.slice(0, 2).join(' ')} failed: ${e.stderr?.trim() ?? e.message}`)
  }
}
