import { MemoryAdapter, MemoryDatabase } from '@strata/core'
import { describeAdapterConformance } from './conformance.js'

describeAdapterConformance('memory', async () => {
  const db = new MemoryDatabase()
  return { adapter: new MemoryAdapter({ db }), openSecond: async () => new MemoryAdapter({ db }) }
}, { ttlMs: 300 })
