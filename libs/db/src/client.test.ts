/** createDb's pool of connections is the one Prisma uses, reachable for statements sent without Prisma. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, pgPool } from './client';
import { createTestDatabase, type TestDatabase } from './testing';

describe('pgPool', () => {
  let testDb: TestDatabase;
  beforeAll(async () => {
    testDb = await createTestDatabase();
  });
  afterAll(() => testDb.drop());

  it('is the pool Prisma queries through: its connections, its database, ended with the client', async () => {
    const db = createDb(testDb.url, { maxConnections: 3 });
    const pool = pgPool(db);
    expect(pool.totalCount).toBe(0);
    const [{ name }] = await db.$queryRaw<{ name: string }[]>`SELECT current_database()::text AS name`;
    expect(pool.totalCount).toBe(1); // Prisma's query opened a connection of this pool
    expect((await pool.query<{ name: string }>('SELECT current_database() AS name')).rows[0].name).toBe(name);
    expect(pool.options.max).toBe(3);
    await db.$disconnect();
    expect(pool.ended).toBe(true);
  });

  it('refuses a client it did not make', () => {
    expect(() => pgPool({} as never)).toThrow(/not made by createDb/);
  });
});
