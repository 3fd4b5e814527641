import { describe, expect, it } from 'vitest'
import { withClassifiedErrors } from './adapter-errors.js'
import { StrataError } from './errors.js'
import { MemoryAdapter } from './memory-adapter.js'

/** A memory adapter whose classifyError turns 'quorum' errors into E_UNAVAILABLE and leaves the rest alone. */
function classifying(): MemoryAdapter & { classifyError(err: unknown): StrataError | undefined; seen: unknown[] } {
  const seen: unknown[] = []
  return Object.assign(new MemoryAdapter(), {
    seen,
    classifyError(err: unknown): StrataError | undefined {
      seen.push(err)
      return err instanceof Error && err.message.includes('quorum') ? new StrataError('E_UNAVAILABLE', `unavailable: ${err.message}`) : undefined
    },
  })
}

describe('withClassifiedErrors', () => {
  it('returns the adapter itself when it has no classifyError', () => {
    const adapter = new MemoryAdapter()
    expect(withClassifiedErrors(adapter)).toBe(adapter)
  })

  it('classifies the errors of history, lock and snapshot store calls', async () => {
    const raw = classifying()
    raw.history.list = async () => { throw new Error('lost quorum') }
    raw.lock.inspect = async () => { throw new Error('quorum gone') }
    const a = withClassifiedErrors(raw)
    await expect(a.history.list('default')).rejects.toMatchObject({ code: 'E_UNAVAILABLE', message: 'unavailable: lost quorum' })
    await expect(a.lock.inspect('default')).rejects.toMatchObject({ code: 'E_UNAVAILABLE', message: 'unavailable: quorum gone' })
  })

  it('wraps each store once, so repeated reads give the same object', () => {
    const a = withClassifiedErrors(classifying())
    expect(a.history).toBe(a.history)
    expect(a.lock).toBe(a.lock)
  })

  it('keeps an error the classifier does not recognise as it was', async () => {
    const raw = classifying()
    const original = new Error('disk full')
    raw.history.ensure = async () => { throw original }
    await expect(withClassifiedErrors(raw).history.ensure()).rejects.toBe(original)
    expect(raw.seen).toEqual([original])
  })

  it('never reclassifies a StrataError', async () => {
    const raw = classifying()
    const own = new StrataError('E_LOCK_LOST', 'quorum lost the lease')
    raw.lock.ensure = async () => { throw own }
    await expect(withClassifiedErrors(raw).lock.ensure()).rejects.toBe(own)
    expect(raw.seen).toEqual([])
  })

  it('classifies Strata\'s own adapter methods (introspect, preflight) but not execute', async () => {
    const raw = classifying()
    raw.introspect = async () => { throw new Error('quorum during introspect') }
    Object.assign(raw, { preflight: async () => { throw new Error('quorum during preflight') } })
    const a = withClassifiedErrors(raw)
    await expect(a.introspect()).rejects.toMatchObject({ code: 'E_UNAVAILABLE' })
    await expect(a.preflight?.()).rejects.toMatchObject({ code: 'E_UNAVAILABLE', message: 'unavailable: quorum during preflight' })
    const statement = new Error('quorum in a statement')
    raw.execute = async () => { throw statement }
    await expect(a.execute('SELECT 1', {})).rejects.toBe(statement)
  })

  it('leaves successful calls, synchronous results and plain properties untouched', async () => {
    const raw = classifying()
    const a = withClassifiedErrors(raw)
    expect(a.name).toBe('memory')
    expect(a.capabilities).toBe(raw.capabilities)
    expect((a.history as unknown as { db: unknown }).db).toBe(raw.db) // a store's plain field, as it is
    await a.history.ensure()
    expect(raw.db.historyEnsured).toBe(true)
    expect(await a.introspect()).toEqual({ tables: [], indexes: [], views: [] })
    expect(a.split('CREATE TABLE a (id int);\nSELECT 1;', '001_a.sql')).toEqual([{ text: 'CREATE TABLE a (id int)', line: 1 }, { text: 'SELECT 1', line: 2 }])
    // A synchronous method on a store is bound to the store and returned as is.
    Object.assign(raw.history, { describe: function (this: { constructor: { name: string } }) { return this.constructor.name } })
    expect((a.history as unknown as { describe(): string }).describe()).toBe('MemoryHistory')
  })

  it('passes a synchronous return value of an own method through', () => {
    const raw = classifying()
    Object.assign(raw, { topology: () => 'sync' })
    const a = withClassifiedErrors(raw)
    expect((a.topology as unknown as () => string)()).toBe('sync')
  })
})
