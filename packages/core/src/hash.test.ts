import { describe, expect, it } from 'vitest'
import { checksumOf, hashStatement } from './hash.js'
import { renderPlaceholders } from './placeholders.js'

describe('checksums and placeholders', () => {
  it('checksums LF-normalised content', () => {
    expect(checksumOf('a;\r\nb;\r\n')).toBe(checksumOf('a;\nb;\n'))
    expect(checksumOf('\uFEFFa;\n')).toBe(checksumOf('a;\n'))
    expect(checksumOf('a;\n')).not.toBe(checksumOf('a; \n'))
  })

  it('hashes statements ignoring re-indentation only', () => {
    expect(hashStatement('CREATE TABLE t (\n  id int\n)')).toBe(hashStatement('CREATE TABLE t ( id int )'))
    expect(hashStatement('CREATE TABLE t (id int)')).not.toBe(hashStatement('CREATE TABLE t (id bigint)'))
  })

  it('substitutes placeholders and names the file for unknown ones', () => {
    expect(renderPlaceholders('CREATE TABLE ${keyspace}.t (id int)', { keyspace: 'ks_test' })).toBe('CREATE TABLE ks_test.t (id int)')
    expect(() => renderPlaceholders('USE ${ks}', { keyspace: 'x' }, { file: '001_a.cql', statementIndex: 1 })).toThrowError(
      expect.objectContaining({ code: 'E_PLACEHOLDER', file: '001_a.cql', message: expect.stringContaining('001_a.cql') }),
    )
  })
})
