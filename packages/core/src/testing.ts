/**
 * @strata-migrate/core/testing — test doubles: an in-memory adapter with real lease and fencing semantics, injectable
 * statement failures and simulated kill -9 (crashAt), and an in-memory database several "processes" can share.
 */
export * from './memory-adapter.js'
export { sqlMigration } from './test-helpers.js'
