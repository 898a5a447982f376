import { expect, test } from '@playwright/test';
import { deleteRuns } from './support/seed';
import { appendLogLine, CIFAR_TEST, deleteDatasets, seedClusterRun, seedRunningRunWithLogs } from './support/seed-insights';
import { signIn } from './support/session';

test.describe.configure({ mode: 'serial' });

const stamp = Date.now().toString(36);
const seeded: string[] = [];
const datasetName = `cifar-test-${stamp}`;

test.afterAll(async () => {
  await deleteRuns(seeded);
  await deleteDatasets([datasetName]);
});

test('browse clusters', async ({ page }) => {
  const runId = await seedClusterRun(`clusters-${stamp}`, { k: 60, clustersPerSprite: 25 });
  seeded.push(runId);
  await signIn(page, `/runs/${runId}`);
  await page.getByRole('link', { name: 'Clusters', exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/runs/${runId}/clusters$`));
  await expect(page.getByTestId('stat-nmi')).toContainText('0.412');
  await expect(page.getByTestId('stat-purity')).toContainText('53.4%');
  await expect(page.getByTestId('size-histogram').locator('canvas')).toBeVisible();
  const rows = page.getByTestId('cluster-row');
  await expect(rows).toHaveCount(50);
  await expect(rows.first()).toContainText('#1');
  await expect(rows.first()).toContainText('403 images');
  // every thumbnail is a cut-out of a sprite that the browser actually loaded
  const sprite = await rows.first().getByRole('img').first().evaluate((el) => getComputedStyle(el).backgroundImage);
  const spriteUrl = /url\("?([^")]+)"?\)/.exec(sprite)?.[1] ?? '';
  const response = await page.request.get(spriteUrl);
  expect(response.headers()['content-type']).toBe('image/png');
  await expect(rows.first().getByRole('img')).toHaveCount(8);
  await page.screenshot({ path: test.info().outputPath('clusters.png'), fullPage: true });
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByLabel('Page')).toHaveValue('1');
  await expect(page.getByTestId('cluster-page')).toHaveText('of 2');
  await expect(rows).toHaveCount(10);
  await expect(rows.first()).toContainText('#51');
  await page.screenshot({ path: test.info().outputPath('clusters-page-2.png') });
  await page.getByLabel('Page').selectOption({ label: '1' });
  await expect(rows.first()).toContainText('#1');
});

test('a run without clusters says so', async ({ page }) => {
  const runId = await seedRunningRunWithLogs(`no-clusters-${stamp}`, 3);
  seeded.push(runId);
  await signIn(page, `/runs/${runId}/clusters`);
  await expect(page.getByText('This run has no clusters')).toBeVisible();
});

test('run page: live logs with older pages, stage and run ETA', async ({ page }) => {
  const runId = await seedRunningRunWithLogs(`logs-${stamp}`, 260);
  seeded.push(runId);
  await signIn(page, `/runs/${runId}`);
  const logs = page.getByTestId('run-logs');
  await expect(logs).toContainText('step 259: loss');
  await expect(page.getByTestId('log-count')).toContainText('200 lines (older lines available)');
  await expect(page.getByTestId('eta-train')).toContainText(/~1m \d+s left|~\d+s left/);
  await expect(page.getByTestId('run-eta')).toContainText('left');
  await appendLogLine(runId, `a line written just now ${stamp}`);
  await expect(logs).toContainText(`a line written just now ${stamp}`, { timeout: 10_000 });
  await page.getByRole('button', { name: 'Load 200 older lines' }).click();
  await expect(logs).toContainText('step 0: loss');
  await expect(logs).toContainText('— attempt 2 —');
  await expect(page.getByTestId('log-count')).toContainText('261 lines');
  await page.screenshot({ path: test.info().outputPath('run-logs.png'), fullPage: true });
});

test('register a dataset in settings and pick it in the launch form', async ({ page }) => {
  await signIn(page, '/settings');
  await page.getByLabel('Dataset name').fill(datasetName);
  await page.getByLabel(/^Path/).fill(CIFAR_TEST);
  await page.getByRole('button', { name: 'Register dataset' }).click();
  const table = page.getByTestId('datasets-table');
  await expect(table.getByRole('row', { name: new RegExp(datasetName) })).toContainText('10,000');
  await expect(table.getByRole('row', { name: new RegExp(datasetName) })).toContainText('class folders');
  await page.getByLabel('Path (on the workers; relative paths start at the repository root)').fill('/definitely/not/here');
  await page.getByLabel('Dataset name').fill(`${datasetName}-missing`);
  await page.getByRole('button', { name: 'Register dataset' }).click();
  await expect(page.getByText('does not exist')).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('datasets.png'), fullPage: true });

  await page.goto('/runs/new');
  await page.getByLabel('CC+Jigsaw++').check();
  await page.getByLabel('Training dataset').selectOption({ label: `${datasetName} (10,000 images, labelled)` });
  await expect(page.getByLabel('Training images (folder path on the workers)')).toHaveValue(CIFAR_TEST);
  await page.getByLabel('Evaluation: report on').selectOption({ label: `${datasetName} (10,000 images, labelled)` });
  await page.screenshot({ path: test.info().outputPath('launch-dataset.png'), fullPage: true });
});
