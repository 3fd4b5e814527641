import { readFileSync } from 'node:fs'
import { StrataError, messageOf } from '../errors.js'

/** Reads a PEM or password file named in settings; an unreadable one is E_CONFIG naming the file and the setting. */
export function readSettingFile(path: string, setting: string): Buffer {
  try {
    return readFileSync(path)
  } catch (err) {
    throw new StrataError('E_CONFIG', `cannot read ${setting} file ${path}: ${messageOf(err)}`, { file: path })
  }
}

/** A password file holds the password alone; one trailing newline (as `echo` writes it) is not part of it. */
export function readPasswordFile(path: string, setting: string): string {
  const text = readSettingFile(path, setting).toString('utf8').replace(/\r?\n$/, '')
  if (!text) throw new StrataError('E_CONFIG', `${setting} file ${path} is empty`, { file: path })
  return text
}
