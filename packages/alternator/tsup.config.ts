import { libraryConfig } from '../../tsup.library.js'

// settings.ts is its own entry: the CLI validates settings without loading the AWS SDK.
export default libraryConfig({ entry: ['src/index.ts', 'src/settings.ts'] })
