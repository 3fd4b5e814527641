import { StrataError, type Plan } from '@strata-migrate/core/adapter-kit'
import { describe, expect, it } from 'vitest'
import { confirmRollback, rollbackNeedsConfirmation } from './confirm-rollback.js'

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
