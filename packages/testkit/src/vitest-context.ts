import type { Endpoints } from './endpoints.js'

/**
 * What test/global-setup.ts provides to tests: `inject('strataEndpoints')` in a test returns the endpoints
 * the run resolved (and proved reachable). Type-only, so importing the kit never loads vitest.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    strataEndpoints: Endpoints
  }
}

export {}
