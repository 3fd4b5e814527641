import { afterEach, describe, expect, it, vi } from 'vitest'

// The bins and runMain over a stand-in main(): which database each bin fixes, and the exit after the streams flush.
const state = vi.hoisted(() => ({ calls: [] as unknown[], runMain: [] as unknown[] }))
vi.mock('./main.js', () => ({ main: async (argv: readonly string[], db?: string) => (state.calls.push([argv, db]), 3) }))

describe('the strata bins', () => {
  afterEach(() => {
    vi.doUnmock('../run-main.js')
    vi.resetModules()
    state.runMain.length = 0
  })

  it('strata leaves the database to --db; strata-scylladb and strata-cockroachdb fix it', async () => {
    vi.doMock('./run-main.js', () => ({ runMain: async (db?: string) => void state.runMain.push(db ?? 'any') }))
    await import('./bin/strata.js')
    await import('./bin/strata-scylladb.js')
    await import('./bin/strata-cockroachdb.js')
    expect(state.runMain).toEqual(['any', 'scylladb', 'cockroachdb'])
  })
})

describe('runMain', () => {
  afterEach(() => {
    vi.restoreAllMocks()
    delete (process.stdout as { destroyed?: boolean }).destroyed
    process.exitCode = undefined
  })

  it('exits with main\'s code once stdout and stderr are flushed, not waiting on a stream that is gone', async () => {
    const { runMain } = await vi.importActual<typeof import('./run-main.js')>('./run-main.js')
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never)
    Object.defineProperty(process.stdout, 'destroyed', { value: true, configurable: true })
    const writes = vi.spyOn(process.stderr, 'write').mockImplementation(((_s: string, cb?: () => void) => (cb?.(), true)) as typeof process.stderr.write)
    await runMain('cockroachdb')
    expect(state.calls.at(-1)).toEqual([process.argv, 'cockroachdb'])
    expect(exit).toHaveBeenCalledWith(3)
    expect(process.exitCode).toBe(3)
    expect(writes).toHaveBeenCalledWith('', expect.any(Function))
  })
})
