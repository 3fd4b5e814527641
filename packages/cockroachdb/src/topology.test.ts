import { describe, expect, it } from 'vitest'
import { parseNumReplicas } from './topology.js'

describe('parseNumReplicas', () => {
  it('reads num_replicas from SHOW ZONE CONFIGURATION raw_config_sql', () => {
    const raw = 'ALTER DATABASE app CONFIGURE ZONE USING\n\trange_min_bytes = 134217728,\n\tnum_replicas = 5,\n\tconstraints = \'[]\''
    expect(parseNumReplicas(raw)).toBe(5)
    expect(parseNumReplicas('ALTER RANGE default CONFIGURE ZONE USING gc.ttlseconds = 90000')).toBeUndefined()
    expect(parseNumReplicas(undefined)).toBeUndefined()
  })
})
