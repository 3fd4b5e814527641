import { StrataError } from './errors.js'

const strict = new TextDecoder('utf-8', { fatal: true })

/**
 * Offset of the first byte that does not start (or continue) a well-formed UTF-8 sequence (RFC 3629: no
 * overlong forms, no surrogates, nothing above U+10FFFF), or -1 when the whole buffer is valid.
 */
export function firstInvalidUtf8(b: Uint8Array): number {
  for (let i = 0; i < b.length;) {
    const c = b[i] as number
    if (c < 0x80) { i++; continue }
    let n: number
    let min: number
    if (c >= 0xc2 && c <= 0xdf) { n = 1; min = 0x80 } else if (c >= 0xe0 && c <= 0xef) { n = 2; min = 0x800 } else if (c >= 0xf0 && c <= 0xf4) { n = 3; min = 0x10000 } else return i
    let cp = c & (0x3f >> n)
    for (let k = 1; k <= n; k++) {
      const d = b[i + k]
      if (d === undefined || (d & 0xc0) !== 0x80) return i
      cp = (cp << 6) | (d & 0x3f)
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i
    i += n + 1
  }
  return -1
}

/**
 * The text of a migration file, refusing invalid UTF-8 instead of silently replacing it (a statement with a
 * U+FFFD in it would run, and be checksummed, as something the author never wrote).
 */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    return strict.decode(bytes)
  } catch {
    const at = firstInvalidUtf8(bytes)
    const line = bytes.subarray(0, Math.max(0, at)).reduce((n, x) => n + (x === 0x0a ? 1 : 0), 1)
    throw new StrataError('E_FILE_UNREADABLE', `${file} is not valid UTF-8: byte 0x${(bytes[at] ?? 0).toString(16).padStart(2, '0')} at offset ${at} (line ${line}); save it as UTF-8`, { file })
  }
}
