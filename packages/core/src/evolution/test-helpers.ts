/** Fixtures shared by the sweep tests: the session evolution of seed 001 and a table at mixed versions. */
import { defineEvolution, type Document } from './define-evolution.js'
import { MemoryDocumentTable } from './memory-table.js'

export const sessions = defineEvolution({
  entity: 'session', current: 3,
  steps: {
    2: ({ state, ...d }: Document) => ({ ...d, session_state: state, blueprint: 'devassist' }),
    3: (d: Document) => ({ ...d, tags: [] as string[] }),
  },
})

/** n sessions `s00000…`: a third at v1 (no version), a third at v2, a third at v3. */
export function sessionTable(n: number): MemoryDocumentTable {
  const t = new MemoryDocumentTable()
  for (let i = 0; i < n; i++) {
    const id = `s${String(i).padStart(5, '0')}`
    if (i % 3 === 0) t.put(id, { id, state: 'open' })
    else if (i % 3 === 1) t.put(id, { id, session_state: 'open', blueprint: 'x', schema_version: 2 })
    else t.put(id, { id, session_state: 'open', blueprint: 'x', tags: ['t'], schema_version: 3 })
  }
  return t
}
