import { readFileSync, readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { splitSql } from './sql-splitter.js'

const CORPUS = fileURLToPath(new URL('../../../test/corpus/', import.meta.url))
const SETS = readdirSync(CORPUS).filter((d) => /-(postgres|cockroach)$/.test(d))

describe('SQL splitting of the real-world corpus (test/corpus)', () => {
  it.each(SETS)('%s: every file, up and down, splits into the statements psql 15 runs', (set) => {
    const expected = JSON.parse(readFileSync(`${CORPUS}${set}/statements.json`, 'utf8')) as Record<string, number>
    const counts = Object.fromEntries(Object.keys(expected).map((f) => [f, splitSql(readFileSync(`${CORPUS}${set}/${f}`, 'utf8')).length]))
    expect(counts).toEqual(expected)
  })
})
