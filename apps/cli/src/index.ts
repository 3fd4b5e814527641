export { main } from './main.js'
export { buildProgram } from './program.js'
export { defineConfig, type StrataConfig } from './config.js'
