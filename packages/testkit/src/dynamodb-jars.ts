import { existsSync } from 'node:fs'
import { mkdir, readdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { runMaven } from './cassandra-jars.js'
import { cacheDir } from './paths.js'

export const DYNAMODB_LOCAL_VERSION = '3.3.1'
export const DYNAMODB_LOCAL_MAIN = 'software.amazon.dynamodb.services.local.main.ServerRunner'
/**
 * DynamoDB Local 3.3.1 pins AWS SDK 2.48.3 through its BOM, but Maven Central as reached from here lacks
 * some 2.48.3 modules it needs at start-up (cognitoidentity, pinpoint, dynamodb-enhanced: 404), so the
 * whole SDK is lifted to one release that has every module. Without pinpoint it dies at start
 * (NoClassDefFoundError …pinpoint…TooManyRequestsException), so excluding them is not an option.
 */
const AWS_SDK_BOM = '2.54.15'

const POM = `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>strata.testkit</groupId>
  <artifactId>dynamodb-local-runtime</artifactId>
  <version>1</version>
  <dependencyManagement>
    <dependencies>
      <dependency>
        <groupId>software.amazon.awssdk</groupId><artifactId>bom</artifactId><version>${AWS_SDK_BOM}</version>
        <type>pom</type><scope>import</scope>
      </dependency>
    </dependencies>
  </dependencyManagement>
  <dependencies>
    <dependency>
      <groupId>software.amazon.dynamodb</groupId>
      <artifactId>DynamoDBLocal</artifactId>
      <version>${DYNAMODB_LOCAL_VERSION}</version>
    </dependency>
  </dependencies>
</project>
`

/** Directory of DynamoDB Local's jars and sqlite4java native libraries: <repo>/.cache/dynamodb/lib. */
export function dynamoLibDir(): string {
  return cacheDir('dynamodb', 'lib')
}

/**
 * Makes sure DynamoDB Local's runtime jars and its sqlite4java natives (`libsqlite4java-linux-amd64-1.0.392.so`,
 * found through `-Djava.library.path`, versioned names included) are in the cache, resolving them from Maven
 * Central once (~15 s), and returns the lib directory.
 */
export async function ensureDynamoJars(log: (line: string) => void = () => {}): Promise<string> {
  const lib = dynamoLibDir()
  const mainJar = path.join(lib, `DynamoDBLocal-${DYNAMODB_LOCAL_VERSION}.jar`)
  if (!existsSync(mainJar)) {
    const dir = cacheDir('dynamodb')
    await mkdir(dir, { recursive: true })
    await writeFile(path.join(dir, 'pom.xml'), POM)
    log(`resolving DynamoDB Local ${DYNAMODB_LOCAL_VERSION} with Maven into ${lib} (once) ...`)
    const started = Date.now()
    await runMaven(dir, ['-B', '-q', 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${lib}`])
    log(`resolved DynamoDB Local in ${((Date.now() - started) / 1000).toFixed(1)} s`)
    if (!existsSync(mainJar)) throw new Error(`Maven finished but ${mainJar} is missing`)
  }
  const files = await readdir(lib)
  if (!files.some((f) => /^libsqlite4java-linux-amd64.*\.so$/.test(f)) && process.platform === 'linux' && process.arch === 'x64') {
    throw new Error(`no sqlite4java native library in ${lib}; delete the folder to resolve again`)
  }
  return lib
}
