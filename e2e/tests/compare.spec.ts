import { expect, test } from '@playwright/test';
import { deleteRuns } from './support/seed';
import { deleteDatasets } from './support/seed-insights';
import { registerDataset, seedEvaluatedRun } from './support/seed-results';
import { signIn } from './support/session';

const stamp = Date.now().toString(36);
const datasetName = `cmp-test-${stamp}`;
const dataPath = `/e2e/compare-${stamp}/images`;
const runs: string[] = [];

test.beforeAll(async () => {
  await registerDataset(datasetName, dataPath, 5000);
  const common = { dataPath, testSet: `${dataPath} [5000] (held-out 20%)`, curves: { 'train/loss': 40 }, figures: [] };
  // Two seeds of one config, and a different method.
  runs.push(await seedEvaluatedRun({ ...common, name: `cc-${stamp}-s0`, method: 'cc-jigsaw++', seed: 0, config: { clustering: { k: 100 } }, linear: { conv1: 0.3, conv3: 0.52 }, singles: { 'eval/linear/conv3/top1': 0.52, 'data/images': 5000 } }));
  runs.push(await seedEvaluatedRun({ ...common, name: `cc-${stamp}-s1`, method: 'cc-jigsaw++', seed: 1, config: { clustering: { k: 100 } }, linear: { conv1: 0.32, conv3: 0.54 }, singles: { 'eval/linear/conv3/top1': 0.54, 'data/images': 5000 } }));
  runs.push(await seedEvaluatedRun({ ...common, name: `jig-${stamp}-s0`, method: 'jigsaw', seed: 0, linear: { conv1: 0.31, conv3: 0.45 }, singles: { 'eval/linear/conv3/top1': 0.45, 'data/images': 5000 } }));
});
test.afterAll(async () => {
  await deleteRuns(runs);
  await deleteDatasets([datasetName]);
});

test('compare answers first: eval side by side with deltas against a chosen baseline, mean ± std over seeds, single values as a table, then curves', async ({ page }) => {
  await signIn(page, `/compare?ids=${runs.join(',')}`);
  const evalSet = page.getByTestId('compare-eval-set');
  await expect(evalSet.getByTestId('test-set-label')).toHaveText(`${datasetName}, first 5,000, 20% held out`);
  await expect(evalSet).toContainText('(1,000 images)');
  const conv3 = page.getByTestId('compare-eval').getByRole('row', { name: /^linear · conv3/ });
  const cells = conv3.getByRole('cell');
  // Columns: the three runs, then the seed group's mean ± std; the first run is the baseline.
  await expect(cells.nth(1)).toContainText('52.0%');
  await expect(cells.nth(1)).toContainText('baseline');
  await expect(cells.nth(2)).toContainText('54.0%');
  await expect(cells.nth(2).getByTestId('delta')).toHaveText('+2.0 pp');
  await expect(cells.nth(3).getByTestId('delta')).toHaveText('-7.0 pp');
  await expect(cells.nth(4).getByTestId('mean-std')).toContainText('53.0% ± 1.4');
  await expect(cells.nth(4).getByTestId('mean-std')).toContainText('n=2');
  await expect(page.getByTestId('seed-groups')).toContainText(`cc-${stamp}-s0, cc-${stamp}-s1`);

  // Single values are a table, not one-point charts; curves come after the answers.
  const summary = page.getByTestId('compare-summary');
  await expect(summary.getByRole('row', { name: /eval\/linear\/conv3\/top1/ })).toContainText('54.0%');
  await expect(summary.getByRole('row', { name: /data\/images/ })).toContainText('5000');
  await expect(page.getByTestId('overlay-train/loss').locator('canvas')).toBeVisible();
  await expect(page.getByTestId('overlay-eval/linear/conv3/top1')).toHaveCount(0);
  const evalTop = (await evalSet.boundingBox())!.y;
  const curvesTop = (await page.getByTestId('overlay-train/loss').boundingBox())!.y;
  expect(evalTop).toBeLessThan(curvesTop);
  expect(evalTop).toBeLessThan(600); // on the first screen
  await page.screenshot({ path: test.info().outputPath('compare-answers-first.png'), fullPage: true });

  // Another baseline: deltas are against it, and the choice is in the URL.
  await page.getByLabel('Baseline').selectOption({ label: `jig-${stamp}-s0` });
  await expect(page).toHaveURL(new RegExp(`baseline=${runs[2]}`));
  await expect(cells.nth(2).getByTestId('delta')).toHaveText('+9.0 pp');
  await expect(cells.nth(3)).toContainText('baseline');
  await page.reload();
  await expect(page.getByLabel('Baseline')).toHaveValue(runs[2]);
  await page.screenshot({ path: test.info().outputPath('compare-baseline.png') });
});
