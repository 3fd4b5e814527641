import { writeFileSync } from 'node:fs'
import { renderCliReference } from './cli-reference.js'

writeFileSync(new URL('../../../docs/cli.md', import.meta.url), renderCliReference())
