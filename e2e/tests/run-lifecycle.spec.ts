import { expect, test } from '@playwright/test';
import { signIn } from './support/session';

test.beforeEach(async ({ page }) => {
  await signIn(page, '/runs/new');
});

test('launch a run in the browser, watch its chart grow live, see it succeed', async ({ page }) => {
  await page.goto('/runs/new');
  await expect(page.getByRole('heading', { name: 'New run' })).toBeVisible();
  await page.getByLabel('Worker check').check();
  await page.getByLabel('Steps').fill('150');
  await page.getByLabel('Step Delay Ms').fill('60');
  await page.getByRole('button', { name: 'Launch run' }).click();

  await expect(page).toHaveURL(/\/runs\/[a-z0-9]+$/);
  await expect(page.getByTestId('status-badge').first()).toHaveText(/running/, { timeout: 60_000 });
  const counter = page.getByTestId('points-train/loss');
  await expect(counter).toBeVisible({ timeout: 60_000 });
  const pointsIn = async () => Number(/(\d+) point/.exec((await counter.textContent()) ?? '')?.[1] ?? 0);
  const first = await pointsIn();
  await expect.poll(pointsIn, { timeout: 30_000 }).toBeGreaterThan(first);
  await page.screenshot({ path: test.info().outputPath('run-live.png'), fullPage: true });

  await expect(page.getByTestId('status-badge').first()).toHaveText(/succeeded/, { timeout: 90_000 });
  await expect.poll(pointsIn).toBe(150);
  await expect(page.getByTestId('stage-train')).toContainText('100%');
  // the lease is released when the run ends, but the page still says where it ran
  await expect(page.getByText(/ran on local-1/)).toBeVisible();
  const runId = /\/runs\/([a-z0-9]+)$/.exec(page.url())![1];

  await page.goto('/runs');
  await expect(page.getByTestId('runs-table')).toContainText('smoke-');
  await expect(page.getByTestId(`run-row-${runId}`)).toContainText('local-1');
  await page.screenshot({ path: test.info().outputPath('runs.png'), fullPage: true });
});

test('the launch form shows field-level errors from the shared schema', async ({ page }) => {
  await page.goto('/runs/new');
  await page.getByLabel('CC+Jigsaw++').check();
  await page.getByLabel('Training images (folder path on the workers)').fill('');
  await expect(page.getByTestId('error-data.path')).toHaveText(/dataset path is required/);
  await page.getByLabel('K', { exact: true }).fill('1');
  await expect(page.getByTestId('error-clustering.k')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Launch run' })).toBeDisabled();
  await page.screenshot({ path: test.info().outputPath('launch-errors.png'), fullPage: true });
});
