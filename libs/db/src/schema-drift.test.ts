import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationsDir } from './paths';
import { createTestDatabase, type TestDatabase } from './testing';

/**
 * The migrations are SQL written next to the schema; Prisma's client is generated from the schema. If the two
 * drift apart the client queries columns the database does not have. Prisma's own drift check needs a shadow
 * database, which its CLI refuses with a driver adapter, so: build one database from the migrations (ktlab's
 * runner) and one from the SQL Prisma generates for the schema, and compare their catalogs.
 */
describe('committed migrations', () => {
  let fromMigrations: TestDatabase;
  let fromSchema: TestDatabase;
  beforeAll(async () => {
    [fromMigrations, fromSchema] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  });
  afterAll(() => Promise.all([fromMigrations.drop(), fromSchema.drop()]));

  it('build exactly the database that prisma/schema.prisma describes', async () => {
    const cli = createRequire(import.meta.url).resolve('prisma/build/index.js');
    const schema = join(migrationsDir(), '..', 'schema.prisma');
    const generated = spawnSync(process.execPath, [cli, 'migrate', 'diff', '--from-empty', '--to-schema-datamodel', schema, '--script'], {
      encoding: 'utf8',
      env: { ...process.env, DATABASE_URL: fromSchema.url, CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' },
      timeout: 120_000,
    });
    expect(generated.status, generated.stderr).toBe(0);
    await withClient(fromSchema.url, async (client) => {
      await client.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
      await client.query(generated.stdout);
    });
    expect(await catalog(fromMigrations.url)).toEqual(await catalog(fromSchema.url));
  }, 180_000);
});

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** Tables, columns, enums, indexes and constraints of the public schema, as sorted text lines. */
function catalog(url: string): Promise<string[]> {
  return withClient(url, async (client) => {
    const queries = [
      `SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' || udt_name || ' null=' || is_nullable || ' default=' || coalesce(column_default, '')
         FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`,
      `SELECT 'enum ' || t.typname || ' ' || string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
         FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname`,
      `SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`,
      `SELECT 'constraint ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
         FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text <> '_prisma_migrations'`,
    ];
    const lines: string[] = [];
    for (const sql of queries) lines.push(...(await client.query<{ '?column?': string }>(sql)).rows.map((row) => row['?column?']));
    return lines.sort();
  });
}
