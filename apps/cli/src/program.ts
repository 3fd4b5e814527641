import { Command, Option } from 'commander'
import { TOOL_VERSION } from '@strata-migrate/core/adapter-kit'
import type { DownCommandOptions } from './commands/migrate.js'
import type { DbName } from './config.js'
import type { CommandDocument, MigrateDocument } from './json-documents.js'
import { Output } from './output.js'
import { resolveSettings, type CliOptions } from './settings.js'

export type Runner = (fn: (out: Output, opts: CliOptions) => Promise<CommandDocument>) => Promise<void>

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value]
}

/**
 * The commander definitions of `strata` (and of `strata-scylladb` / `strata-cockroachdb`, which fix
 * --db). Commands are loaded lazily so `--help` and no-op runs stay fast. Exported for the docs generator.
 */
export function buildProgram(run: Runner, fixedDb?: DbName): Command {
  const name = fixedDb ? `strata-${fixedDb}` : 'strata'
  const program = new Command(name)
    .description(fixedDb ? `Strata schema migrations for ${fixedDb}` : 'Strata: schema migrations for ScyllaDB/Cassandra and CockroachDB')
    .addHelpText('after', '\nExit codes: 0 ok, 1 migration failed, 2 usage or config (also: no command),\n3 validation failed (or a critical recommendation), 4 lock timeout, 5 connection or auth,\n6 incompatible schema version or a refused downgrade, 7 a statement\'s outcome is unknown (see `strata resolve`).')
    // Anywhere on the command line (`strata up -V`); `baseline --version V` is rewritten to `--to` first (main.ts).
    .version(TOOL_VERSION, '-V, --version', 'print the version and exit')
    // Before the subcommands are made: they inherit it, and their --help lists these options too.
    .configureHelp({ showGlobalOptions: true })
    .option('--json', 'print exactly one JSON document on stdout (logs go to stderr)')
    .option('--dir <path>', 'migration directory (default migrations/<db>)')
    .option('--set <name>', 'migration set: namespaces history and lock (default "default")')
    .option('--config <file>', 'config file (default strata.config.{ts,js,json} in the working directory)')
    .option('--var <name=value>', 'placeholder value for ${name} in migration files (repeatable)', collect)
    .option('--lock-timeout <duration>', 'how long to wait for the migration lock, e.g. 120s, 2m or 1h30m (default 2m)')
    .option('--lock-ttl <duration>', 'lease length, at least 5s (default 30s): renewed every third of it while running, taken over after it lapses')
    .option('--backup', 'back up the rows and DDL of the tables a destructive step touches before it runs (env BACKUP_BEFORE_MIGRATION=true, config backup.enabled): see strata backup')
    .option('--no-backup', 'no backups, whatever the env or config say')
    .option('--backup-dir <dir>', 'where backups are written and read (env STRATA_BACKUP_DIR, config backup.dir; default .strata/backups)')
    .option('--timeout <duration>', 'per-migration time limit, e.g. 300s, 5m or 1h30m (a bare number is seconds)')
    .addOption(new Option('--profile <profile>', 'lint profile: production adds the replication rules (env STRATA_PROFILE; default development)').choices(['production', 'development']))
    .option('--app-version <version>', 'the schema version the app is built for: nothing newer is applied by migrate, and status, health and recommendations report newer files as waiting for a newer app (config app.schemaVersion)')
    .option('--minimum-supported <version>', 'the oldest schema version the app can run on: the compatibility gate (config app.minimumSupported)')
    .option('--metrics-file <path>', 'after the command (also a failed one), write Prometheus metrics there in the text format (node_exporter textfile collector)')
  if (!fixedDb) program.addOption(new Option('--db <database>', 'database (env STRATA_DB)').choices(['scylladb', 'cockroachdb', 'alternator']))
  if (fixedDb !== 'cockroachdb') {
    program
      .option('--contact-points <list>', 'ScyllaDB contact points, comma-separated (env STRATA_SCYLLADB_CONTACT_POINTS)')
      .option('--local-dc <name>', 'ScyllaDB local data center (env STRATA_SCYLLADB_LOCAL_DC)')
      .option('--keyspace <name>', 'ScyllaDB keyspace (env STRATA_SCYLLADB_KEYSPACE)')
      .option('--replication <spec>', 'keyspace replication when creating it: SimpleStrategy:1 or NetworkTopologyStrategy:dc1=3,dc2=3')
      .option('--allow-down-nodes', 'migrate although nodes are down (they catch up later); the run names them in its result (env STRATA_SCYLLADB_ALLOW_DOWN_NODES)')
  }
  if (fixedDb !== 'scylladb') {
    program
      .option('--url <url>', 'CockroachDB/PostgreSQL connection URL (env STRATA_COCKROACHDB_URL)')
      .option('--force-per-statement', 'run the CockroachDB code path (per-statement journal, no transactional DDL) on PostgreSQL')
  }
  if (!fixedDb) {
    program
      // Not --endpoint/--region: `evolve` has its own, and a program option of the same name would take them.
      .option('--alternator-endpoint <url>', 'Alternator/DynamoDB endpoint URL (env STRATA_ALTERNATOR_ENDPOINT, else STRATA_DYNAMODB_ENDPOINT)')
      .option('--alternator-region <name>', 'Alternator: region requests are signed for (env STRATA_ALTERNATOR_REGION; default AWS_REGION, else us-east-1)')
      .option('--table-prefix <prefix>', 'Alternator: prefix of the target\'s tables, Strata\'s own included; ${prefix} in .json files (env STRATA_ALTERNATOR_TABLE_PREFIX)')
  }
  const envOf = (name: string): string => fixedDb ? `STRATA_${fixedDb.toUpperCase()}_${name}` : `STRATA_<DB>_${name}`
  program
    .option('--username <name>', `login role (env ${envOf('USERNAME')})`)
    .option('--password-file <file>', `file holding the password alone, e.g. a mounted secret (env ${envOf('PASSWORD_FILE')}; or the password itself in ${envOf('PASSWORD')})`)
    .option('--password <password>', 'the password: visible to other users in ps, so Strata warns; prefer --password-file or the env variable')
    .option('--tls', `connect with TLS, verifying the server certificate against the system CA store (env ${envOf('TLS')}=true)`)
    .option('--no-tls', 'connect without TLS; an error if a TLS file or option is also set')
    .option('--tls-ca <file>', `PEM file of the CA that signs the server certificate; turns TLS on (env ${envOf('TLS_CA')})`)
    .option('--tls-cert <file>', `PEM client certificate for mutual TLS, with --tls-key (env ${envOf('TLS_CERT')})`)
    .option('--tls-key <file>', `PEM private key of the client certificate (env ${envOf('TLS_KEY')})`)
    .option('--tls-server-name <name>', `name the server certificate must carry when it differs from the host (env ${envOf('TLS_SERVER_NAME')})`)
    .option('--tls-insecure', `DANGEROUS: do not verify the server certificate; warned on every run (env ${envOf('TLS_INSECURE')}=true)`)
  const settings = async (o: CliOptions) => {
    const s = await resolveSettings(o, fixedDb)
    for (const w of s.warnings) process.stderr.write(`warning: ${w}\n`)
    return s
  }

  program.command('up').description('apply pending migrations')
    .option('--target <version>', 'apply up to and including this version')
    .option('--dry-run', 'print the plan (files and statements) and touch nothing')
    .option('--schema-only', 'stop before the first pending data migration')
    .option('--no-create', 'do not create the keyspace/database if it is missing')
    .option('--allow-out-of-order', 'apply files older than the newest applied version')
    .option('--no-lint', 'do not lint the pending files first (lint errors otherwise refuse the run, exit 3)')
    .addOption(new Option('--snapshots <mode>', 'schema snapshots after each migration (each), at the start and end of the run (run), or each for up to 10 migrations, else run (auto, the default; env STRATA_SNAPSHOTS)').choices(['each', 'run', 'auto']))
    .option('--no-snapshots', 'take no schema snapshots (env STRATA_SNAPSHOTS=false)')
    .action((o: { target?: string; dryRun?: boolean; schemaOnly?: boolean; create?: boolean; allowOutOfOrder?: boolean; lint?: boolean; snapshots?: false | 'each' | 'run' | 'auto' }) => run(async (out, g) => {
      const { upCommand } = await import('./commands/migrate.js')
      return upCommand(await settings({ ...g, allowOutOfOrder: o.allowOutOfOrder, snapshots: o.snapshots }), out, o)
    }))
  program.command('migrate').description(`${fixedDb ? `${fixedDb}'s sets` : 'every database and set of the config, in order'}, as the start-up hook does: no flag checks and gates; AUTO_MIGRATE=true applies schema migrations, FORCE_MIGRATION=true data ones too (<DB>_AUTO_MIGRATE… override); never beyond --app-version`)
    .option('--continue-on-error', 'go on with the next databases after one fails (default: stop; the exit code is the worst outcome)')
    // migrateAllCommand is typed Promise<unknown>; the json-schemas e2e test checks its document against MigrateDocument.
    .action((o: { continueOnError?: boolean }) => run(async (out, g) => (await import('./commands/migrate-all.js')).migrateAllCommand(g, fixedDb, out, o) as Promise<MigrateDocument>))
  program.command('down').description('roll back applied migrations (default: the last one); more than one, or --to, asks first')
    .option('--steps <n>', 'how many migrations to roll back')
    .option('--to <version>', 'roll back every migration after this version (0 for all)')
    .option('--dry-run', 'print the plan and touch nothing')
    .option('--allow-downgrade', 'allow rolling a semver set back to a lower major version (2.x → 1.x); refused otherwise (exit 6)')
    .option('-y, --yes', 'roll back more than one migration (or --to) without asking; required without a terminal (else exit 2)')
    .action((o: DownCommandOptions) => run(async (out, g) => {
      const { downCommand } = await import('./commands/migrate.js')
      return downCommand(await settings(g), out, o)
    }))
  program.command('status').description('one row per version: applied, pending, failed, partial, rolled back')
    .action(() => run(async (out, g) => (await import('./commands/inspect.js')).statusCommand(await settings(g), out)))
  program.command('history').description('every history row, newest first')
    .action(() => run(async (out, g) => (await import('./commands/inspect.js')).historyCommand(await settings(g), out)))
  program.command('lint').description('check the migration files against the lint rules of the dialect (no database needed); exit 3 on an error finding')
    .addOption(new Option('--target-server <server>', 'cockroachdb: which server the SQL rules check for (default: both, their server-specific rules as warnings)').choices(['postgresql', 'cockroachdb']))
    .option('--rules', 'list the rules of the dialect instead of linting')
    .action((o: { targetServer?: string; rules?: boolean }) => run(async (out, g) => (await import('./commands/lint.js')).lintCommand(await resolveSettings(g, fixedDb, { connection: false }), out, o)))
  program.command('validate').description('checksums, missing files, order, partial rows, and the live schema (drift from the last snapshot)')
    .action(() => run(async (out, g) => (await import('./commands/inspect.js')).validateCommand(await settings(g), out)))
  const snapshot = program.command('snapshot').description('schema snapshots taken before and after migrations (the schema only: rows are kept by --backup, see strata backup)')
  snapshot.command('show').description('the schema after a version: tables, columns, indexes, views (or its DDL)').argument('<version>')
    .option('--before', 'the schema just before the version ran')
    .option('--ddl', 'print only the DDL, to restore the schema by hand')
    .action((version: string, o: { before?: boolean; ddl?: boolean }) => run(async (out, g) => (await import('./commands/snapshot.js')).snapshotShowCommand(await settings(g), out, version, o)))
  snapshot.command('diff').description('what changed between the schema after <v1> and after <v2>').argument('<v1>').argument('<v2>')
    .action((from: string, to: string) => run(async (out, g) => (await import('./commands/snapshot.js')).snapshotDiffCommand(await settings(g), out, from, to)))
  const backup = program.command('backup').description('row backups taken before destructive steps (--backup): list, show, restore')
  backup.command('list').description('the backups in the backup directory (--backup-dir), oldest first')
    .action(() => run(async (out, g) => (await import('./commands/backup.js')).backupListCommand(await resolveSettings(g, fixedDb, { connection: false }), out)))
  backup.command('show').description('a backup\'s manifest: why, tables, rows, hashes').argument('<id>')
    .action((id: string) => run(async (out, g) => (await import('./commands/backup.js')).backupShowCommand(await resolveSettings(g, fixedDb, { connection: false }), out, id)))
  backup.command('restore').description('recreate the tables (or their dropped columns), load the rows, verify counts and hashes').argument('<id>')
    .option('--tables <names>', 'only these tables, comma-separated')
    .action((id: string, o: { tables?: string }) => run(async (out, g) => (await import('./commands/backup.js')).backupRestoreCommand(await settings(g), out, id, o)))
  program.command('create').description('write the next migration of the set from a template').argument('<description>')
    .option('--format <format>', 'cql, sql, json or ts (default: the database\'s own)')
    .option('--scheme <scheme>', 'version scheme of a new set: sequential, timestamp or semver')
    .action((description: string, o: { format?: string; scheme?: string }) => run(async (out, g) => (await import('./commands/create.js')).createCommand(await settings(g), out, description, o)))
  program.command('baseline').description('record every migration up to a version as applied without running it')
    .requiredOption('--to <version>', 'last version the existing database already has (formerly --version, still accepted)')
    .action((o: { to: string }) => run(async (out, g) => (await import('./commands/admin.js')).baselineCommand(await settings(g), out, o.to)))
  program.command('repair').description('accept new checksums of edited applied files; clear failed rows so they rerun')
    .action(() => run(async (out, g) => (await import('./commands/admin.js')).repairCommand(await settings(g), out)))
  program.command('resolve').description('record what a statement an interrupted run left in flight did, after a run stopped for it (exit 7)')
    .argument('<version>')
    .option('--applied', 'it took effect: count it done and go on after it')
    .option('--not-applied', 'it did not take effect: the next run sends it again')
    .action((version: string, o: { applied?: boolean; notApplied?: boolean }) => run(async (out, g) => (await import('./commands/admin.js')).resolveCommand(await settings(g), out, version, o)))
  const lock = program.command('lock').description('inspect or release the migration lock')
  lock.command('status').description('who holds the lock, and until when')
    .action(() => run(async (out, g) => (await import('./commands/admin.js')).lockStatusCommand(await settings(g), out)))
  lock.command('release').description('remove the lock whoever holds it').option('--force', 'confirm')
    .action((o: { force?: boolean }) => run(async (out, g) => (await import('./commands/admin.js')).lockReleaseCommand(await settings(g), out, o)))
  program.command('report').description('schema version, counts, durations, last errors, agreement waits')
    .option('--format <format>', 'json, summary or markdown')
    .action((o: { format?: string }) => run(async (out, g) => (await import('./commands/admin.js')).reportCommand(await settings(g), out, o)))
  program.command('health').description('connectivity, nodes and agreement, lock, history, compatibility with --app-version; exit 0 only when healthy')
    .action(() => run(async (out, g) => (await import('./commands/admin.js')).healthCommand(await settings(g), out)))
  program.command('recommendations').description('what to do about the live state: pending, failed or partial migrations, drift, a stale lock, replication, the app\'s supported versions; exit 3 if any is critical')
    .action(() => run(async (out, g) => (await import('./commands/recommendations.js')).recommendationsCommand(await settings(g), out)))
  program.command('evolve').description('sweep a table (or one shard of it): upgrade every old document of an entity to its current version, then print the census')
    .argument('<entity>')
    .option('--module <file>', 'module exporting the evolution (defineEvolution, or a plain { entity, current, steps })')
    .option('--table <name>', 'table (or keyspace.table) holding the documents (default: the entity name)')
    .option('--api <api>', 'cql (ScyllaDB/Cassandra, --db scylladb) or dynamodb (Alternator/DynamoDB)', 'cql')
    .option('--document-column <name>', 'CQL: the documents are JSON text in this column (default: one column per field)')
    .option('--version-column <name>', 'CQL with --document-column: a column that mirrors the document version')
    .option('--endpoint <url>', 'DynamoDB API endpoint (env STRATA_DYNAMODB_ENDPOINT)')
    .option('--region <name>', 'DynamoDB region (env STRATA_DYNAMODB_REGION, AWS_REGION; default us-east-1)')
    .option('--rate <rows/s>', 'rows per second of this process (of each shard, with --shard); 0 is unlimited', '1000')
    .option('--segments <n>', 'token-range splits or Scan segments of a new sweep (default 16; sharded: the larger of 16 and 4 per shard; give every shard the same value on every run, or it starts over)')
    .option('--shard <i/N>', 'sweep only shard i of N (from 0): the segments s with s mod N = i; /N takes i from JOB_COMPLETION_INDEX (Kubernetes Indexed Job)')
    .option('--concurrency <n>', 'segments swept at once', '4')
    .option('--page-size <n>', 'rows per page (one checkpoint write per page)', '500')
    .option('--restart', 'ignore the checkpoint of an interrupted sweep and start over')
    .option('--census-only', 'count documents per schema version; write nothing')
    .option('--audit-log <file>', 'append a JSON line per row this process wrote ({"key","from","to"}), after the database acknowledged it')
    .option('--census', 'read no table: merge every shard\'s checkpoints into one census (rows per version, shards done/running/stopped/not started, throughput)')
    .option('--shards <N>', 'with --census: the shard count the sweep was run with (default: the unsharded sweep)')
    .action((entity: string, o: import('./commands/evolve.js').EvolveOptions) => run(async (out, g) => (await import('./commands/evolve.js')).evolveCommand(() => settings(g), out, entity, o)))
  return program
}
