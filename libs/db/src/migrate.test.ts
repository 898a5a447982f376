import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyMigrations } from './migrate';
import { migrationsDir } from './paths';
import { createTestDatabase, type TestDatabase } from './testing';

describe('applyMigrations', () => {
  let testDb: TestDatabase;
  beforeAll(async () => {
    testDb = await createTestDatabase();
  });
  afterAll(() => testDb.drop());

  it('creates the data model and records each migration once', async () => {
    const again = await applyMigrations(testDb.url);
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied.length).toBeGreaterThan(0);
    const project = await testDb.db.project.create({ data: { slug: 'p', name: 'P' } });
    expect(project.id).toBeTruthy();
  });

  it('is safe when called concurrently', async () => {
    const results = await Promise.all([applyMigrations(testDb.url), applyMigrations(testDb.url)]);
    expect(results.every((r) => r.applied.length === 0)).toBe(true);
  });

  it('refuses a migration edited after it was applied', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ktlab-migrations-'));
    cpSync(migrationsDir(), dir, { recursive: true });
    const first = join(dir, '20261123000000_init', 'migration.sql');
    writeFileSync(first, '-- edited\n', { flag: 'a' });
    await expect(applyMigrations(testDb.url, dir)).rejects.toThrow(/edited after it was applied/);
  });

  it('applies a new migration and rolls back a failing one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ktlab-migrations-'));
    cpSync(migrationsDir(), dir, { recursive: true });
    mkdirSync(join(dir, '29990101000000_extra'));
    writeFileSync(join(dir, '29990101000000_extra', 'migration.sql'), 'CREATE TABLE "Extra" (id int);');
    expect((await applyMigrations(testDb.url, dir)).applied).toEqual(['29990101000000_extra']);
    mkdirSync(join(dir, '29990102000000_broken'));
    writeFileSync(join(dir, '29990102000000_broken', 'migration.sql'), 'CREATE TABLE "Half" (id int); SELECT nope;');
    await expect(applyMigrations(testDb.url, dir)).rejects.toThrow(/29990102000000_broken failed/);
    const half = await testDb.db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM pg_tables WHERE tablename = 'Half'`;
    expect(Number(half[0].n)).toBe(0);
  });
});
