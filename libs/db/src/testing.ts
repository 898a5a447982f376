/**
 * Real-PostgreSQL test databases: each test file gets its own fresh database with the migrations applied,
 * on the server given by TEST_DATABASE_URL / DATABASE_URL or on an embedded server started for the test run.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { createDb, type Db } from './client';
import { startEmbeddedPostgres, type RunningPostgres } from './embedded-postgres';
import { applyMigrations } from './migrate';
import { ktlabHome } from '@ktlab/config/paths';

export const TEST_ADMIN_URL_ENV = 'KTLAB_TEST_ADMIN_URL';
const DEFAULT_TEST_PG_PORT = 54339;

/** Starts (or finds) the server used by the whole test run; returns an admin URL for creating databases. */
export async function startTestServer(): Promise<{ adminUrl: string; stop(): Promise<void> }> {
  const external = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (external) return { adminUrl: external, stop: async () => undefined };
  const port = Number(process.env.KTLAB_TEST_PG_PORT ?? DEFAULT_TEST_PG_PORT);
  // One data folder per port: two test runs on two ports (two terminals, two agents) never share a server's files.
  const folder = port === DEFAULT_TEST_PG_PORT ? 'postgres-test' : `postgres-test-${port}`;
  const server: RunningPostgres = await startEmbeddedPostgres({
    home: join(ktlabHome(), folder),
    port,
    database: 'postgres',
  });
  return { adminUrl: server.url, stop: () => (server.startedHere ? server.stop() : Promise.resolve()) };
}

export interface TestDatabase {
  url: string;
  db: Db;
  drop(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export async function createTestDatabase(adminUrl = process.env[TEST_ADMIN_URL_ENV]): Promise<TestDatabase> {
  if (!adminUrl) throw new Error(`${TEST_ADMIN_URL_ENV} is not set: is the vitest globalSetup (libs/db/src/global-setup.ts) configured?`);
  const name = `ktlab_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = withDatabase(adminUrl, name);
  await applyMigrations(url);
  const db = createDb(url, { maxConnections: 5 });
  return {
    url,
    db,
    async drop() {
      await db.$disconnect();
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
