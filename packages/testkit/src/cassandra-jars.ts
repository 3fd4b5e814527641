import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, readdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { cacheDir } from './paths.js'

export const CASSANDRA_VERSION = '5.0.8'

// cassandra-unit's exclusions: these logging bridges clash with the logback binding Cassandra ships.
const POM = `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>strata.testkit</groupId>
  <artifactId>cassandra-runtime</artifactId>
  <version>1</version>
  <dependencies>
    <dependency>
      <groupId>org.apache.cassandra</groupId>
      <artifactId>cassandra-all</artifactId>
      <version>${CASSANDRA_VERSION}</version>
      <exclusions>
        <exclusion><groupId>org.slf4j</groupId><artifactId>slf4j-log4j12</artifactId></exclusion>
        <exclusion><groupId>org.slf4j</groupId><artifactId>log4j-over-slf4j</artifactId></exclusion>
        <exclusion><groupId>log4j</groupId><artifactId>log4j</artifactId></exclusion>
      </exclusions>
    </dependency>
  </dependencies>
</project>
`

export interface CassandraJars {
  /** Absolute paths of every runtime jar, cassandra-all first. */
  classpath: string[]
  /** The jamm jar, which must be loaded as a -javaagent. */
  jamm: string
}

/** Directory the jars are copied into: <repo>/.cache/cassandra/lib. */
export function cassandraLibDir(): string {
  return cacheDir('cassandra', 'lib')
}

/**
 * Makes sure Cassandra's runtime jars are in the cache, resolving them from Maven Central with `mvn` when
 * cassandra-all-<version>.jar is missing (about 30 s, once per machine), and returns the classpath.
 */
export async function ensureCassandraJars(log: (line: string) => void = () => {}): Promise<CassandraJars> {
  const lib = cassandraLibDir()
  const mainJar = path.join(lib, `cassandra-all-${CASSANDRA_VERSION}.jar`)
  if (!existsSync(mainJar)) {
    const dir = cacheDir('cassandra')
    await mkdir(dir, { recursive: true })
    await writeFile(path.join(dir, 'pom.xml'), POM)
    log(`resolving Cassandra ${CASSANDRA_VERSION} jars with Maven into ${lib} (once) ...`)
    const started = Date.now()
    await runMaven(dir, [
      '-B',
      '-q',
      'dependency:copy-dependencies',
      '-DincludeScope=runtime',
      `-DoutputDirectory=${lib}`,
    ])
    log(`resolved jars in ${((Date.now() - started) / 1000).toFixed(1)} s`)
    if (!existsSync(mainJar)) throw new Error(`Maven finished but ${mainJar} is missing`)
  }
  const jars = (await readdir(lib)).filter((f) => f.endsWith('.jar')).sort()
  const jammName = jars.find((f) => /^jamm-[\d.]+\.jar$/.test(f))
  if (!jammName) throw new Error(`no jamm jar in ${lib}; delete the folder to resolve again`)
  const classpath = [mainJar, ...jars.filter((f) => f !== path.basename(mainJar)).map((f) => path.join(lib, f))]
  return { classpath, jamm: path.join(lib, jammName) }
}

export function runMaven(cwd: string, args: string[]): Promise<void> {
  const mvn = process.env.STRATA_MVN ?? 'mvn'
  return new Promise((resolve, reject) => {
    let output = ''
    // Maven itself may run on any JDK; only Cassandra needs 17, so JAVA_HOME is left as the caller has it.
    const child = spawn(mvn, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
    child.stdout.on('data', (d: Buffer) => (output += d.toString()))
    child.stderr.on('data', (d: Buffer) => (output += d.toString()))
    child.on('error', (err) =>
      reject(new Error(`could not run Maven (${mvn}): ${err.message}; install Maven or set STRATA_MVN`)),
    )
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`Maven exited with ${code}:\n${output.slice(-4000)}`)),
    )
  })
}
