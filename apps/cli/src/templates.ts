/** Templates for `strata create`: an up and a down for every format. */
export function templates(format: 'cql' | 'sql' | 'json' | 'ts', version: string, name: string, db: string): Record<string, string> {
  if (format === 'json') return jsonTemplates(name)
  if (format === 'cql') {
    return {
      '.cql': `-- ${version} ${name}\n-- One statement per ';'. \${keyspace} is replaced at run time.\n-- Statements run one by one and are journaled: a failed run resumes at the first statement not applied.\n\nCREATE TABLE IF NOT EXISTS \${keyspace}.${name} (\n    id uuid PRIMARY KEY,\n    created_at timestamp\n);\n`,
      '.down.cql': `-- Reverts ${version} ${name}\nDROP TABLE IF EXISTS \${keyspace}.${name};\n`,
    }
  }
  if (format === 'sql') {
    return {
      '.sql': `-- ${version} ${name}\n-- On PostgreSQL this file runs in one transaction with its history row.\n-- Add "-- strata:no-transaction" on its own line for statements such as CREATE INDEX CONCURRENTLY.\n\nCREATE TABLE IF NOT EXISTS ${name} (\n    id UUID PRIMARY KEY,\n    created_at TIMESTAMPTZ NOT NULL DEFAULT now()\n);\n`,
      '.down.sql': `-- Reverts ${version} ${name}\nDROP TABLE IF EXISTS ${name};\n`,
    }
  }
  const table = db === 'scylladb' ? `\${ctx.keyspace}.${name}` : name
  const ddl = db === 'scylladb' ? '(id uuid PRIMARY KEY, created_at timestamp)' : '(id UUID PRIMARY KEY, created_at TIMESTAMPTZ NOT NULL DEFAULT now())'
  return {
    '.ts': `import type { MigrationContext } from '@strata-migrate/core/adapter-kit'\n\nexport const metadata = {\n  description: '${name.replace(/_/g, ' ')}',\n  kind: 'schema' as const, // 'data' for backfills: applied at start-up only with FORCE_MIGRATION\n}\n\n// ctx.execute is journaled: after a crash, calls that already ran are skipped.\nexport async function up(ctx: MigrationContext): Promise<void> {\n  await ctx.execute(\`CREATE TABLE IF NOT EXISTS ${table} ${ddl}\`)\n}\n\nexport async function down(ctx: MigrationContext): Promise<void> {\n  await ctx.execute(\`DROP TABLE IF EXISTS ${table}\`)\n}\n`,
  }
}

/**
 * `.json` (Alternator / DynamoDB API): one request, or an array run in order; `${prefix}` is the table prefix.
 * JSON has no comments, so the guidance is in the CLI's docs (packages/alternator/README.md), not in the file.
 */
function jsonTemplates(name: string): Record<string, string> {
  const table = `\${prefix}${name}`
  const create = {
    CreateTable: {
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    },
  }
  return {
    '.json': `${JSON.stringify([create], null, 2)}\n`,
    '.down.json': `${JSON.stringify([{ DeleteTable: { TableName: table } }], null, 2)}\n`,
  }
}
