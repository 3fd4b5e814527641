import { describe, expect, it } from 'vitest'
import { isStrataError } from '../errors.js'
import { defineEvolution, type Document, type EvolutionStep } from './define-evolution.js'

/** A chain of n steps: step v appends v to `trail` and renames `f<v-1>` to `f<v>`. */
function chain(n: number, extra: Partial<{ versionField: string; oldest: number }> = {}) {
  const steps: Record<number, EvolutionStep> = {}
  for (let v = (extra.oldest ?? 1) + 1; v <= n + 1; v++) {
    steps[v] = (d: Document) => {
      const { [`f${v - 1}`]: old, ...rest } = d
      return { ...rest, [`f${v}`]: old, trail: [...((d.trail as number[]) ?? []), v] }
    }
  }
  return defineEvolution({ entity: 'thing', current: n + 1, steps, ...extra })
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    Object.values(o).forEach(deepFreeze)
    Object.freeze(o)
  }
  return o
}

const isCode = (code: string) => (err: unknown) => isStrataError(err) && err.code === code

describe('defineEvolution / evolve', () => {
  for (const steps of [1, 2, 3, 4, 5]) {
    describe(`a chain of ${steps} step${steps > 1 ? 's' : ''}`, () => {
      const e = chain(steps)
      const current = steps + 1

      it('upgrades a document of every version to current, running exactly the missing steps in order', () => {
        for (let v = 1; v <= current; v++) {
          const doc = v === 1 ? { id: 'a', f1: 'x' } : { id: 'a', [`f${v}`]: 'x', schema_version: v }
          const out = e.evolve(doc)
          expect(out.schema_version).toBe(current)
          expect(out[`f${current}`]).toBe('x')
          expect(out.trail ?? []).toEqual(Array.from({ length: current - v }, (_, i) => v + 1 + i))
          expect(e.needsUpgrade(doc)).toBe(v < current)
        }
      })

      it('treats a document without the version field (or with null) as v1', () => {
        expect(e.versionOf({ id: 'a' })).toBe(1)
        expect(e.versionOf({ id: 'a', schema_version: null })).toBe(1)
        expect(e.evolve({ id: 'a', f1: 1 }).trail).toHaveLength(steps)
      })

      it('is idempotent: evolving an evolved document changes nothing', () => {
        const once = e.evolve({ id: 'a', f1: { deep: [1, 2] } })
        expect(e.evolve(once)).toEqual(once)
        expect(e.evolve(e.evolve(once))).toEqual(once)
      })

      it('never mutates its input, even when steps mutate their argument', () => {
        const mutating = defineEvolution({
          entity: 'm', current,
          steps: Object.fromEntries(Array.from({ length: steps }, (_, i) => [i + 2, (d: Document) => {
            ;(d.list as number[]).push(i + 2)
            ;(d.nested as { n: number }).n++
            d[`added${i + 2}`] = true
            return d
          }])),
        })
        const input = deepFreeze({ id: 'a', list: [0], nested: { n: 0 }, when: new Date(0) })
        const out = mutating.evolve(input)
        expect(out.list).toEqual([0, ...Array.from({ length: steps }, (_, i) => i + 2)])
        expect(out.nested).toEqual({ n: steps })
        expect(input).toEqual({ id: 'a', list: [0], nested: { n: 0 }, when: new Date(0) })
        expect(out.when).not.toBe(input.when)
      })

      it('refuses a document newer than current with E_DOCUMENT_TOO_NEW', () => {
        expect(() => e.evolve({ id: 'a', schema_version: current + 1 })).toThrowError(expect.objectContaining({
          code: 'E_DOCUMENT_TOO_NEW',
          message: expect.stringContaining(`schema_version ${current + 1}, newer than this code supports (${current})`),
        }))
        expect(() => e.needsUpgrade({ schema_version: current + 7 })).toThrow()
      })
    })
  }

  it('types the result as the last step returns it', () => {
    interface V1 { id: string; state: string }
    interface V2 { id: string; session_state: string; blueprint: string }
    interface V3 extends V2 { tags: string[] }
    const sessions = defineEvolution({
      entity: 'session', current: 3,
      steps: {
        2: (d: V1): V2 => ({ id: d.id, session_state: d.state, blueprint: 'devassist' }),
        3: (d: V2): V3 => ({ ...d, tags: [] }),
      },
    })
    const s = sessions.evolve({ id: 's1', state: 'open' })
    const tags: string[] = s.tags
    expect([tags, s.session_state, s.blueprint, s.schema_version]).toEqual([[], 'open', 'devassist', 3])
  })

  it('uses a custom version field and reads numeric strings and integer-like driver values', () => {
    const e = defineEvolution({ entity: 'm', current: 2, versionField: 'v', steps: { 2: (d: Document) => ({ ...d, b: 1 }) } })
    const longLike = { toString: () => '2' }
    expect(e.versionOf({ v: '1' })).toBe(1)
    expect(e.versionOf({ v: longLike })).toBe(2)
    expect(e.evolve({ a: 1 })).toEqual({ a: 1, b: 1, v: 2 })
    expect(() => e.versionOf({ v: 'two' })).toThrowError(expect.objectContaining({ code: 'E_EVOLUTION_FAILED' }))
    expect(() => e.versionOf({ v: 0 })).toThrowError(expect.objectContaining({ code: 'E_EVOLUTION_FAILED' }))
  })

  it('keeps driver value objects (class instances) as they are', () => {
    class Long {
      constructor(readonly n: number) {}
      equals(o: Long) {
        return o.n === this.n
      }
    }
    const e = chain(1)
    const big = new Long(5)
    const out = e.evolve({ id: big, f1: 'x' })
    expect(out.id).toBe(big)
    expect(out.id).toBeInstanceOf(Long)
  })

  it('a chain with no steps (current 1) only stamps the version', () => {
    const e = defineEvolution({ entity: 'flat', current: 1, steps: {} })
    expect(e.evolve({ a: 1 })).toEqual({ a: 1, schema_version: 1 })
    expect(e.stepVersions).toEqual([])
  })

  it('after old steps are deleted (oldest), refuses documents older than oldest with E_DOCUMENT_TOO_OLD', () => {
    const e = chain(3, { oldest: 2 })
    expect(e.stepVersions).toEqual([3, 4])
    expect(e.evolve({ f2: 'x', schema_version: 2 })).toMatchObject({ f4: 'x', schema_version: 4, trail: [3, 4] })
    expect(() => e.evolve({ f1: 'x' })).toThrowError(expect.objectContaining({ code: 'E_DOCUMENT_TOO_OLD' }))
  })

  it('wraps a throwing step, or one that returns no object, in E_EVOLUTION_FAILED naming the step', () => {
    const boom = defineEvolution({ entity: 'x', current: 3, steps: { 2: (d: Document) => d, 3: () => { throw new Error('no title') } } })
    expect(() => boom.evolve({})).toThrowError(expect.objectContaining({ code: 'E_EVOLUTION_FAILED', message: 'x: step 3 (v2 → v3) failed: no title' }))
    const empty = defineEvolution({ entity: 'x', current: 2, steps: { 2: () => undefined as unknown as Document } })
    expect(() => empty.evolve({})).toThrowError(expect.objectContaining({ code: 'E_EVOLUTION_FAILED' }))
    const asyncStep = defineEvolution({ entity: 'x', current: 2, steps: { 2: async (d: Document) => d } })
    expect(() => asyncStep.evolve({})).toThrowError(/synchronously/)
  })
})

describe('defineEvolution rejects a bad chain when it is defined', () => {
  const step = (d: Document) => d
  const cases: [string, () => unknown, RegExp][] = [
    ['a gap', () => defineEvolution({ entity: 's', current: 4, steps: { 2: step, 4: step } }), /gap: no step 3/],
    ['a chain that stops short of current', () => defineEvolution({ entity: 's', current: 3, steps: { 2: step } }), /gap: no step 3/],
    ['a step above current', () => defineEvolution({ entity: 's', current: 2, steps: { 2: step, 3: step } }), /step 3 is for an unknown version/],
    ['a step for v1 (nothing upgrades to v1)', () => defineEvolution({ entity: 's', current: 2, steps: { 1: step, 2: step } }), /step 1 is for an unknown version/],
    ['a step at or below oldest', () => defineEvolution({ entity: 's', current: 3, oldest: 2, steps: { 2: step, 3: step } }), /step 2 is for an unknown version/],
    ['a key that is not a version', () => defineEvolution({ entity: 's', current: 2, steps: { 2: step, two: step } as never }), /step "two" is not a version number/],
    ['a step that is not a function', () => defineEvolution({ entity: 's', current: 2, steps: { 2: 'nope' } as never }), /step 2 is not a function/],
    ['current not a positive integer', () => defineEvolution({ entity: 's', current: 1.5 as number, steps: {} }), /current must be a positive integer/],
    ['oldest above current', () => defineEvolution({ entity: 's', current: 2, oldest: 3, steps: {} }), /oldest must be an integer from 1 to current/],
    ['a bad entity name', () => defineEvolution({ entity: 'no spaces', current: 1, steps: {} }), /entity must be a name/],
    ['an empty version field', () => defineEvolution({ entity: 's', current: 1, versionField: '', steps: {} }), /versionField/],
  ]
  for (const [what, define, message] of cases) {
    it(`rejects ${what} with E_EVOLUTION_INVALID`, () => {
      expect(define).toThrowError(message)
      try {
        define()
      } catch (err) {
        expect(isCode('E_EVOLUTION_INVALID')(err)).toBe(true)
      }
    })
  }
})
