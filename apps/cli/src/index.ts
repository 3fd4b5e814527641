export { main } from './main.js'
export { buildProgram } from './program.js'
export type { StrataConfig } from './config.js'
