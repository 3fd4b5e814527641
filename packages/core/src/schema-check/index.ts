export * from './drift.js'
export * from './replay.js'
export * from './live-schema.js'
