import { StrataError, type Plan } from '@strata-migrate/core/adapter-kit'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { confirmRollback, rollbackNeedsConfirmation, stopUnlessConfirmed } from './confirm-rollback.js'
import type { Migrator } from '@strata-migrate/core/adapter-kit'

const plan = (...versions: string[]) => ({
  direction: 'down',
  steps: versions.map((v) => ({ direction: 'down', migration: { version: { raw: v }, name: `m${v}` } })),
}) as unknown as Plan

describe('down confirmation', () => {
  it('is needed for --to or more than one step, never for one step, --yes or --dry-run', () => {
    expect(rollbackNeedsConfirmation({})).toBe(false)
    expect(rollbackNeedsConfirmation({ steps: 1 })).toBe(false)
    expect(rollbackNeedsConfirmation({ steps: 2 })).toBe(true)
    expect(rollbackNeedsConfirmation({ to: '0' })).toBe(true)
    expect(rollbackNeedsConfirmation({ to: '0', yes: true })).toBe(false)
    expect(rollbackNeedsConfirmation({ steps: 3, dryRun: true })).toBe(false)
  })

  it('without a terminal refuses with E_USAGE naming every migration', async () => {
    const err = await confirmRollback(plan('006', '005'), 'default', { terminal: false, ask: async () => true }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(StrataError)
    expect(err).toMatchObject({ code: 'E_USAGE', message: expect.stringMatching(/2 migrations of set "default": 006 m006, 005 m005; pass --yes/) })
  })

  it('on a terminal asks, and a no rolls back nothing (E_ABORTED)', async () => {
    const questions: string[] = []
    const yes = await confirmRollback(plan('006', '005'), 'default', { terminal: true, ask: async (q) => (questions.push(q), true) })
    expect(yes).toEqual(['006', '005'])
    expect(questions[0]).toMatch(/^Roll back 2 migrations/)
    await expect(confirmRollback(plan('006'), 'default', { terminal: true, ask: async () => false })).rejects.toMatchObject({ code: 'E_ABORTED' })
    expect(await confirmRollback(plan(), 'default', { terminal: false, ask: async () => true })).toEqual([])
  })
})

describe('down confirmation: the list it names', () => {
  it('names the first 20 migrations and counts the rest', async () => {
    const versions = Array.from({ length: 23 }, (_, i) => String(100 - i).padStart(3, '0'))
    const err = await confirmRollback(plan(...versions), 'billing', { terminal: false, ask: async () => true }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'E_USAGE', details: { wouldRollBack: versions } })
    expect((err as Error).message).toContain('23 migrations of set "billing": 100 m100, 099 m099')
    expect((err as Error).message).toContain('081 m081 and 3 more; pass --yes')
    expect((err as Error).message).not.toContain('080 m080')
  })
})

describe('down confirmation on a real terminal', () => {
  const tty = { stdin: process.stdin.isTTY, stderr: process.stderr.isTTY }
  afterEach(() => {
    Object.defineProperty(process.stdin, 'isTTY', { value: tty.stdin, configurable: true })
    Object.defineProperty(process.stderr, 'isTTY', { value: tty.stderr, configurable: true })
    vi.doUnmock('@inquirer/confirm')
    vi.resetModules()
  })

  /** The module as loaded when stdin and stderr are terminals, with the prompt answering as `answer` does. */
  async function onTerminal(answer: (q: { message: string; default: boolean }, ctx: { output: unknown }) => Promise<boolean>) {
    Object.defineProperty(process.stdin, 'isTTY', { value: true, configurable: true })
    Object.defineProperty(process.stderr, 'isTTY', { value: true, configurable: true })
    vi.resetModules()
    const prompt = vi.fn(answer)
    vi.doMock('@inquirer/confirm', () => ({ default: prompt }))
    return { prompt, confirm: (await import('./confirm-rollback.js')).confirmRollback }
  }

  it('asks on stderr, defaulting to no, and rolls back what was confirmed', async () => {
    const { prompt, confirm } = await onTerminal(async () => true)
    expect(await confirm(plan('006', '005'), 'default')).toEqual(['006', '005'])
    expect(prompt).toHaveBeenCalledWith({ message: 'Roll back 2 migrations of set "default": 006 m006, 005 m005?', default: false }, { output: process.stderr })
    const no = await onTerminal(async () => false)
    await expect(no.confirm(plan('006', '005'), 'default')).rejects.toMatchObject({ code: 'E_ABORTED', message: 'rollback not confirmed: nothing was rolled back' })
  })

  it('turns Ctrl-C at the question into E_INTERRUPTED (SIGINT) and lets other prompt errors through', async () => {
    const ctrlC = await onTerminal(async () => {
      throw Object.assign(new Error('User force closed the prompt'), { name: 'ExitPromptError' })
    })
    await expect(ctrlC.confirm(plan('006', '005'), 'default')).rejects.toMatchObject({ code: 'E_INTERRUPTED', message: 'interrupted at the question: nothing was rolled back', details: { signal: 'SIGINT' } })
    const broken = await onTerminal(async () => {
      throw new Error('stdin closed')
    })
    await expect(broken.confirm(plan('006', '005'), 'default')).rejects.toThrow('stdin closed')
  })
})

describe('down: what was confirmed is what runs', () => {
  const planListener = () => {
    let listener: ((e: { direction: 'up' | 'down'; versions: string[] }) => void) | undefined
    const m = { on: (name: string, fn: typeof listener) => { if (name === 'plan') listener = fn } } as unknown as Migrator
    return { m, plan: (e: { direction: 'up' | 'down'; versions: string[] }) => listener?.(e) }
  }

  it('stays quiet while the run plans the confirmed versions (or an up)', () => {
    const { m, plan: emit } = planListener()
    const signal = stopUnlessConfirmed(m, ['006', '005'])
    emit({ direction: 'up', versions: ['007'] })
    emit({ direction: 'down', versions: ['006', '005'] })
    expect(signal.aborted).toBe(false)
  })

  it('stops the run (E_ABORTED) when what it would roll back changed since it was confirmed', () => {
    const { m, plan: emit } = planListener()
    const signal = stopUnlessConfirmed(m, ['006', '005'])
    emit({ direction: 'down', versions: ['007', '006'] })
    expect(signal.aborted).toBe(true)
    expect(signal.reason).toMatchObject({ code: 'E_ABORTED', message: 'what down would roll back changed since it was confirmed (006, 005; now 007, 006): nothing was rolled back, run it again' })
    const other = planListener()
    const nothing = stopUnlessConfirmed(other.m, ['006'])
    other.plan({ direction: 'down', versions: [] })
    expect(nothing.reason).toMatchObject({ message: expect.stringContaining('(006; now nothing)') })
  })
})
