import { createHash } from 'node:crypto'

const MOD = 1n << 256n

/**
 * An order-independent digest of a multiset of rows: the sum of each row's SHA-256, mod 2^256. A paged export
 * and a read-back after restore see rows in different orders (token order on Cassandra, the key order of a
 * recreated table); the sum does not care, and it can be checkpointed and resumed as one number.
 */
export class RowsDigest {
  private sum: bigint

  constructor(hex = '0') {
    this.sum = BigInt(`0x${hex || '0'}`)
  }

  add(line: string): void {
    this.sum = (this.sum + BigInt(`0x${createHash('sha256').update(line).digest('hex')}`)) % MOD
  }

  get hex(): string {
    return this.sum.toString(16).padStart(64, '0')
  }
}
