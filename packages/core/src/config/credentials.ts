import { z } from 'zod'
import { StrataError } from '../errors.js'
import { readPasswordFile } from './secret-files.js'

/** Login settings shared by every database. */
export const credentialsShape = {
  username: z.string().min(1).optional().describe('login role'),
  password: z.string().optional().describe('password; prefer passwordFile or the environment: a config file is often committed'),
  passwordFile: z.string().min(1).optional().describe('file holding the password alone (one trailing newline ignored), e.g. a mounted secret'),
}

export interface CredentialSettings {
  username?: string
  password?: string
  passwordFile?: string
}

/** The password from exactly one place; both `password` and `passwordFile` is a contradiction (E_CONFIG). */
export function resolvePassword(c: CredentialSettings, label: string): string | undefined {
  if (c.password !== undefined && c.passwordFile !== undefined) {
    throw new StrataError('E_CONFIG', `${label}: both a password and a password file are set; keep one`)
  }
  return c.passwordFile !== undefined ? readPasswordFile(c.passwordFile, `${label} passwordFile`) : c.password
}
