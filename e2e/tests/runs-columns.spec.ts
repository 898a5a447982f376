import { expect, test } from '@playwright/test';
import { deleteRuns } from './support/seed';
import { deleteDatasets } from './support/seed-insights';
import { registerDataset, seedEvaluatedRun } from './support/seed-results';
import { signIn } from './support/session';

const stamp = Date.now().toString(36);
const datasetName = `runs-col-${stamp}`;
const dataPath = `/e2e/runs-columns-${stamp}/images`;
const runs: string[] = [];

test.beforeAll(async () => {
  await registerDataset(datasetName, dataPath, 5000);
  const common = { dataPath, testSet: dataPath, method: 'cc-jigsaw++', seed: 0 };
  runs.push(await seedEvaluatedRun({ ...common, name: `col-${stamp}-low`, config: { clustering: { k: 50 } }, linear: { conv1: 0.2, conv3: 0.41 } }));
  runs.push(await seedEvaluatedRun({ ...common, name: `col-${stamp}-high`, config: { clustering: { k: 100 } }, linear: { conv1: 0.3, conv3: 0.62 } }));
  runs.push(await seedEvaluatedRun({ ...common, name: `col-${stamp}-mid`, config: { clustering: { k: 200 } }, linear: { conv1: 0.7, conv3: 0.55 } }));
});
test.afterAll(async () => {
  await deleteRuns(runs);
  await deleteDatasets([datasetName]);
});

const names = (page: import('@playwright/test').Page) => page.getByTestId('runs-table').locator('tbody tr td:nth-child(2)');

test('runs table: metric and dataset columns, filter and sort by a metric, all in the URL; invalid filters are errors', async ({ page }) => {
  await signIn(page, `/runs?q=col-${stamp}`);
  const table = page.getByTestId('runs-table');
  await expect(names(page)).toHaveCount(3);
  // Default columns: the training dataset by registered name and the best linear top-1.
  await expect(table.getByRole('row', { name: new RegExp(`col-${stamp}-mid`) })).toContainText(datasetName);
  await expect(table.getByRole('row', { name: new RegExp(`col-${stamp}-mid`) })).toContainText('70.0%');

  await page.getByLabel('Add column').fill('eval.linear.conv3');
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await page.getByLabel('Add column').fill('clustering.k');
  await page.getByLabel('Add column').press('Enter');
  await expect(page.getByTestId('column-config.clustering.k')).toBeVisible();
  await expect(table.getByRole('row', { name: new RegExp(`col-${stamp}-low`) })).toContainText('41.0%');

  // Sort by the conv3 column, best first, then ascending.
  await page.getByTestId('column-eval.linear.conv3').getByRole('button', { name: /linear conv3 top-1/ }).click();
  await expect(names(page)).toHaveText([`col-${stamp}-high`, `col-${stamp}-mid`, `col-${stamp}-low`]);
  await page.getByTestId('column-eval.linear.conv3').getByRole('button', { name: /linear conv3 top-1/ }).click();
  await expect(names(page)).toHaveText([`col-${stamp}-low`, `col-${stamp}-mid`, `col-${stamp}-high`]);

  // Filter by a metric.
  await page.getByLabel('Filter').fill('eval.linear.conv3>0.5');
  await expect(names(page)).toHaveText([`col-${stamp}-mid`, `col-${stamp}-high`]);
  await page.getByLabel('Filter').fill('eval.linear.conv3>0.5, clustering.k=200');
  await expect(names(page)).toHaveText([`col-${stamp}-mid`]);
  await page.screenshot({ path: test.info().outputPath('runs-columns-filtered.png'), fullPage: true });

  // Everything is in the URL: a reload shows the same table.
  await expect(page).toHaveURL(/filter=eval\.linear\.conv3%3E0\.5%2C\+clustering\.k%3D200/);
  await expect(page).toHaveURL(/sort=eval\.linear\.conv3&order=asc/);
  await expect(page).toHaveURL(/cols=dataset%2Ceval\.linear\.best%2Ceval\.linear\.conv3%2Cconfig\.clustering\.k/);
  await page.reload();
  await expect(page.getByLabel('Filter')).toHaveValue('eval.linear.conv3>0.5, clustering.k=200');
  await expect(names(page)).toHaveText([`col-${stamp}-mid`]);
  await expect(page.getByTestId('column-config.clustering.k')).toBeVisible();

  // An invalid filter is an error, not "every run".
  await page.getByLabel('Filter').fill('evaluation.linear>0.8');
  await expect(page.getByTestId('filter-error')).toContainText('“evaluation.linear” is not a config field — evaluation results are eval.<protocol>.<layer>');
  await expect(table).toContainText('Fix the filter above to list runs.');
  await expect(names(page)).toHaveCount(0); // no run row, only the message
  await expect(page.getByText('0 runs', { exact: true })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('runs-invalid-filter.png'), fullPage: true });
  await page.getByLabel('Add column').fill('eval.lineer.conv3');
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(page.getByTestId('column-error')).toContainText('unknown protocol “lineer”');

  await page.getByRole('button', { name: 'Remove column config.clustering.k' }).click();
  await expect(page.getByTestId('column-config.clustering.k')).toHaveCount(0);
});
