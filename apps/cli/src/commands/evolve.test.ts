import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadEvolution } from './evolve.js'

describe('strata evolve: loading the evolution module', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'strata-evolve-unit-'))
    await writeFile(join(dir, 'plain.mjs'), `export default { entity: 'session', current: 2, steps: { 2: (d) => ({ ...d, b: 1 }) } }\n`)
    await writeFile(join(dir, 'many.ts'), `const message = { entity: 'message', current: 1, steps: {} }\nexport const all = { message, session: { entity: 'session', current: 3, steps: { 2: (d: object) => d, 3: (d: object) => d } } }\n`)
    await writeFile(join(dir, 'gap.mjs'), `export const session = { entity: 'session', current: 3, steps: { 3: (d) => d } }\n`)
    await writeFile(join(dir, 'none.mjs'), `export const answer = 42\nexport const nothing = null\nexport const words = ['a']\nexport const deep = { a: { b: { entity: 'session', current: 1, steps: {} } } }\n`)
    await writeFile(join(dir, 'defined.mjs'), `export const session = { entity: 'session', current: 5, evolve: (d) => ({ ...d, mine: true }), versionOf: () => 5 }\n`)
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  it('takes a plain definition from the default export and defines it', async () => {
    const e = await loadEvolution(join(dir, 'plain.mjs'), 'session')
    expect(e.evolve({ a: 1 })).toEqual({ a: 1, b: 1, schema_version: 2 })
  })

  it('finds the entity among nested named exports of a TypeScript module', async () => {
    expect((await loadEvolution(join(dir, 'many.ts'), 'session')).current).toBe(3)
    await expect(loadEvolution(join(dir, 'many.ts'), 'user')).rejects.toMatchObject({ code: 'E_CONFIG', message: expect.stringContaining('it has: message, session') })
  })

  it('rejects a broken chain when loading, and a missing module', async () => {
    await expect(loadEvolution(join(dir, 'gap.mjs'), 'session')).rejects.toMatchObject({ code: 'E_EVOLUTION_INVALID' })
    await expect(loadEvolution(join(dir, 'nope.mjs'), 'session')).rejects.toMatchObject({ code: 'E_MODULE_INVALID' })
  })

  it('names no candidates when the module exports no evolution within two levels (numbers, null, arrays, deeper objects)', async () => {
    const err = await loadEvolution(join(dir, 'none.mjs'), 'session').catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'E_CONFIG' })
    expect((err as Error).message).toMatch(/exports no evolution for "session"$/)
  })

  it('returns an already defined Evolution as it is, without defining it again', async () => {
    const e = await loadEvolution(join(dir, 'defined.mjs'), 'session')
    expect(e.current).toBe(5)
    expect(e.evolve({ a: 1 })).toEqual({ a: 1, mine: true })
  })
})
