import { randomBytes } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { deleteRuns, withClient } from './support/seed';
import { signIn } from './support/session';

const id = (prefix: string) => `${prefix}${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
const seeded: string[] = [];
const tokens: string[] = [];
test.afterAll(async () => {
  await deleteRuns(seeded);
  await withClient((client) => client.query(`DELETE FROM "WorkerToken" WHERE id = ANY($1::text[])`, [tokens]));
});

/**
 * A running run whose k-means is sharded: the init sample done, iteration 2 half done, shards on two workers.
 * Its cancel is requested, so the e2e portal's own trainer leaves its queued shards alone.
 */
async function seedShardedRun(name: string): Promise<string> {
  return withClient(async (client) => {
    const runId = id('e2esh');
    await client.query(
      `INSERT INTO "Run" (id, "projectId", name, method, config, status, attempt, "cancelRequested", "createdAt", "startedAt", tags)
       SELECT $1, id, $2, 'cc-jigsaw++', $3::jsonb, 'running', 1, true, now(), now(), ARRAY['e2e'] FROM "Project" WHERE slug = 'default'`,
      [runId, name, JSON.stringify({ kind: 'smoke', seed: 0 })],
    );
    const token = await client.query<{ id: string }>(`INSERT INTO "WorkerToken" (id, label, "tokenHash") VALUES ($1, 'e2e shards', $2) RETURNING id`, [id('tk'), id('hash')]);
    tokens.push(token.rows[0].id);
    const workers: string[] = [];
    for (const workerName of ['box-a', 'box-b']) {
      const worker = await client.query<{ id: string }>(`INSERT INTO "Worker" (id, name, host, "tokenId") VALUES ($1, $2, 'e2e', $3) RETURNING id`, [id('wk'), `${workerName}-${name}`, token.rows[0].id]);
      workers.push(worker.rows[0].id);
    }
    const shard = (kind: string, iteration: number, index: number, status: string, worker: string | null) =>
      client.query(
        `INSERT INTO "ShardTask" (id, "runId", kind, iteration, shard, input, status, attempt, "claimedById") VALUES ($1, $2, $3, $4, $5, '{}'::jsonb, $6::"ShardTaskStatus", 1, $7)`,
        [id('sh'), runId, kind, iteration, index, status, worker],
      );
    for (let s = 0; s < 4; s++) await shard('kmeans-sample', 0, s, 'succeeded', workers[s % 2]);
    for (let s = 0; s < 4; s++) await shard('kmeans-map', 1, s, 'succeeded', workers[s % 2]);
    await shard('kmeans-map', 2, 0, 'succeeded', workers[0]);
    await shard('kmeans-map', 2, 1, 'running', workers[1]);
    await shard('kmeans-map', 2, 2, 'queued', null);
    await shard('kmeans-map', 2, 3, 'queued', null);
    return runId;
  });
}

test('a sharded run shows its shards per step and the workers that ran them', async ({ page }) => {
  const name = `sharded-${Date.now().toString(36)}`;
  const runId = await seedShardedRun(name);
  seeded.push(runId);
  await signIn(page, `/runs/${runId}`);
  const table = page.getByTestId('run-shards');
  await expect(table).toBeVisible();
  const rows = table.locator('tbody tr');
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toContainText('k-means iteration 2');
  await expect(rows.nth(0)).toContainText('1/4');
  await expect(rows.nth(0)).toContainText('1 · 2 · 0');
  await expect(rows.nth(0)).toContainText(`box-a-${name} (1), box-b-${name} (1)`);
  await expect(rows.nth(1)).toContainText('k-means init sample');
  await expect(rows.nth(1)).toContainText('4/4');
  await page.getByRole('button', { name: 'All 3 steps' }).click();
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(1)).toContainText('k-means iteration 1');
  await page.screenshot({ path: test.info().outputPath('run-shards.png'), fullPage: true });
});
