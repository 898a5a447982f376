import { expect, test } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { deleteRuns, withClient } from './support/seed';
import { seedEvaluatedRun } from './support/seed-results';
import { signIn } from './support/session';

const stamp = Date.now().toString(36);
const testSet = `/e2e/sweep-${stamp}/test`;
const sweepId = randomUUID();
const runIds: string[] = [];

test.beforeAll(async () => {
  const points: [k: number, seed: number, conv3: number][] = [
    [50, 0, 0.3],
    [50, 1, 0.5],
    [100, 0, 0.62],
  ];
  for (const [k, seed, conv3] of points) {
    runIds.push(await seedEvaluatedRun({ name: `sweep-${stamp}-${k}-${seed}`, method: 'cc-jigsaw++', seed, dataPath: `/e2e/sweep-${stamp}/train`, config: { clustering: { k } }, testSet, linear: { conv3 } }));
  }
  await withClient((client) => client.query(`UPDATE "Run" SET "sweepId" = $1 WHERE id = ANY($2::text[])`, [sweepId, runIds]));
});
test.afterAll(() => deleteRuns(runIds));

test('a sweep’s runs in the benchmark view: linked from the runs table, a row per combination, seeds averaged', async ({ page }) => {
  await signIn(page, `/runs?sweep=${sweepId}`);
  await expect(page.getByTestId('runs-sweep')).toContainText(`The runs of sweep ${sweepId.slice(0, 8)}`);
  await page.getByRole('link', { name: 'Benchmark table of this sweep' }).click();
  await expect(page).toHaveURL(`/benchmarks?sweep=${sweepId}`);
  await expect(page.getByTestId('benchmark-sweep')).toContainText('a row per combination of the swept fields');
  await page.getByLabel('Dataset').selectOption(testSet);
  const rows = page.locator('tbody tr').filter({ hasText: 'clustering.k' });
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toContainText('clustering.k = 50');
  await expect(rows.nth(0)).toContainText('40.0 ± 14.1');
  await expect(rows.nth(1)).toContainText('clustering.k = 100');
  await expect(rows.nth(1)).toContainText('62.0');
  await page.screenshot({ path: test.info().outputPath('benchmarks-sweep.png'), fullPage: true });
  await page.getByRole('link', { name: 'Its runs' }).click();
  await expect(page).toHaveURL(`/runs?sweep=${sweepId}`);
});
