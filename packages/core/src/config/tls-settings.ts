import { z } from 'zod'
import { StrataError } from '../errors.js'
import { envValue, type EnvField } from './env-settings.js'
import { readSettingFile } from './secret-files.js'

/** TLS settings shared by every database: files, not contents, so that config files and env hold no key material. */
export const tlsObjectSchema = z.strictObject({
  enabled: z.boolean().optional().describe('TLS on or off; on whenever another TLS key is set, and an error to turn off while one is'),
  ca: z.string().min(1).optional().describe('PEM file of the CA certificate(s) the server certificate must chain to (default: the system store)'),
  cert: z.string().min(1).optional().describe('PEM file of the client certificate, for mutual TLS (with key)'),
  key: z.string().min(1).optional().describe('PEM file of the client certificate\'s private key (with cert)'),
  serverName: z.string().min(1).optional().describe('the name the server certificate must carry, when it differs from the host connected to (also sent as SNI)'),
  insecure: z.boolean().optional().describe('DANGEROUS: do not verify the server certificate (anyone on the path can read the password); reported on every run'),
})

/** `tls: true`, `tls: false`, or the details. */
export const tlsSettingSchema = z.union([z.boolean(), tlsObjectSchema])

export type TlsObject = z.infer<typeof tlsObjectSchema>
export type TlsSetting = z.infer<typeof tlsSettingSchema>

/** `true`/`false` become `{ enabled }`, so layers (file, env, flags) merge key by key. */
export function normalizeTls(tls: TlsSetting | undefined): TlsObject | undefined {
  return typeof tls === 'boolean' ? { enabled: tls } : tls
}

/** Settings with `tls: true` as `tls: { enabled: true }`, so layers merge key by key. */
export function withTlsObject<T extends { tls?: TlsSetting }>(s: T): T {
  return s.tls === undefined ? s : { ...s, tls: normalizeTls(s.tls) }
}

/** `<PREFIX>TLS`, `TLS_CA`, `TLS_CERT`, `TLS_KEY`, `TLS_SERVER_NAME`, `TLS_INSECURE`: the same names for every database. */
export const tlsEnvFields: Readonly<Record<string, EnvField>> = {
  TLS: { path: ['tls', 'enabled'], parse: envValue.boolean },
  TLS_CA: { path: ['tls', 'ca'] },
  TLS_CERT: { path: ['tls', 'cert'] },
  TLS_KEY: { path: ['tls', 'key'] },
  TLS_SERVER_NAME: { path: ['tls', 'serverName'] },
  TLS_INSECURE: { path: ['tls', 'insecure'], parse: envValue.boolean },
}

/** TLS ready for a driver: PEM contents, and whether the server certificate is verified. */
export interface ResolvedTls {
  ca?: Buffer
  cert?: Buffer
  key?: Buffer
  serverName?: string
  /** false only when `insecure` was chosen explicitly. */
  verify: boolean
}

/**
 * Resolves merged TLS settings: undefined when TLS is off. Contradictions are E_CONFIG, never a silent choice:
 * TLS turned off while a TLS key is set, a certificate without its key (or the reverse), and `insecure` with a CA
 * (the CA is only there to verify). Files are read here, so a missing one fails before any connection.
 */
export function resolveTls(tls: TlsObject | undefined, label: string): ResolvedTls | undefined {
  if (!tls) return undefined
  const set = (['ca', 'cert', 'key', 'serverName', 'insecure'] as const).filter((k) => tls[k] !== undefined && tls[k] !== false)
  if (tls.enabled === false) {
    if (set.length) throw new StrataError('E_CONFIG', `${label}: TLS is turned off but tls.${set.join(', tls.')} is set; remove one or the other`)
    return undefined
  }
  if (tls.enabled !== true && set.length === 0) return undefined
  if ((tls.cert === undefined) !== (tls.key === undefined)) {
    throw new StrataError('E_CONFIG', `${label}: a client certificate needs both tls.cert and tls.key (mutual TLS); only tls.${tls.cert ? 'cert' : 'key'} is set`)
  }
  if (tls.insecure && tls.ca) {
    throw new StrataError('E_CONFIG', `${label}: tls.insecure turns off the certificate check that tls.ca is for; remove one of them`)
  }
  return {
    ...(tls.ca ? { ca: readSettingFile(tls.ca, `${label} tls.ca`) } : {}),
    ...(tls.cert ? { cert: readSettingFile(tls.cert, `${label} tls.cert`) } : {}),
    ...(tls.key ? { key: readSettingFile(tls.key, `${label} tls.key`) } : {}),
    ...(tls.serverName ? { serverName: tls.serverName } : {}),
    verify: tls.insecure !== true,
  }
}

/** The warning every run prints while certificate verification is off. */
export function insecureTlsWarning(label: string): string {
  return `${label}: TLS certificate verification is OFF (tls.insecure): the server is not authenticated and a man in the middle can read the password`
}

/**
 * What to do about a TLS failure, from Node's and OpenSSL's wording (the same for every driver): an untrusted
 * chain, a name the certificate lacks, a client certificate the server wants or refused.
 */
export function tlsFailureHint(message: string): string {
  if (/unable to verify|self[- ]signed|unable to get (local )?issuer|certificate chain/i.test(message)) {
    return ' (the server certificate is not signed by a trusted CA: give the CA that signed it with --tls-ca)'
  }
  if (/altnames|does not match certificate|ERR_TLS_CERT_ALTNAME_INVALID/i.test(message)) {
    return ' (the server certificate does not name this host: connect by a name it carries, or give one with --tls-server-name)'
  }
  if (/certificate required/i.test(message)) return ' (the server requires a client certificate: --tls-cert and --tls-key)'
  if (/alert (unknown ca|bad certificate|internal error|certificate unknown|decrypt error)/i.test(message)) {
    return ' (the server refused the client certificate: is it signed by the CA the server trusts?)'
  }
  if (/expired|not yet valid/i.test(message)) return ' (a certificate is outside its validity period)'
  return ''
}
