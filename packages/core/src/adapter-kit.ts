/**
 * @strata-migrate/core/adapter-kit — what an adapter (a database) is built from: the Adapter contract, history and
 * lease stores, statement traits, retries, fencing, snapshots and schema models, the lint framework, settings
 * helpers (zod schemas, env, TLS), and the engine's internals the conformance suite exercises. Applications import
 * the main entry instead; test doubles are in `@strata-migrate/core/testing`.
 */
// zod for the adapters' and the CLI's settings schemas, from core's own copy: core's build inlines zod (tsup
// noExternal), so a start-up loads it as one chunk instead of its ~95 modules (~60 ms of a no-op `up` on Node 22,
// bench/README.md), and every package validates with the same zod instance.
export { z } from 'zod'
export * from './errors.js'
export * from './retry.js'
export * from './hash.js'
export * from './version.js'
export * from './types.js'
export * from './placeholders.js'
export * from './file-source.js'
export * from './code-migrations.js'
export * from './plan.js'
export * from './status.js'
export * from './events.js'
export * from './run/run-step.js'
export * from './run/effect-state.js'
export { excerpt } from './run/step-errors.js'
export * from './lease/lease-keeper.js'
export * from './lease/lease-timing.js'
export * from './history/transitions.js'
export * from './history/fenced-history.js'
export * from './migrator.js'
export * from './identity.js'
export * from './schema-check/index.js'
export * from './validate.js'
export * from './schema-diff.js'
export * from './snapshot-types.js'
export * from './snapshot-recorder.js'
export * from './snapshot-read.js'
export * from './snapshot-drift.js'
export * from './backup/index.js'
export * from './lint/index.js'
export * from './report.js'
export * from './compatibility.js'
export * from './downgrade-policy.js'
export * from './recommend/index.js'
export * from './startup.js'
export * from './health.js'
export * from './startup-flags.js'
export * from './shutdown.js'
export * from './evolution/index.js'
export * from './config/index.js'
