import { expect, test, type Page } from '@playwright/test';
import { deleteRuns, withClient } from './support/seed';
import { CIFAR_TEST, deleteDatasets } from './support/seed-insights';
import { seedEvaluatedRun } from './support/seed-results';
import { signIn } from './support/session';

const stamp = Date.now().toString(36);
const datasetName = `launch-cifar-${stamp}`;

test.beforeAll(() =>
  withClient((client) =>
    client.query(
      `INSERT INTO "Dataset" (id, "projectId", name, format, location, "imageCount", labeled)
       SELECT $1, id, $2, 'folder', $3, 10000, true FROM "Project" WHERE slug = 'default'`,
      [`ds${stamp}`, datasetName, CIFAR_TEST],
    ),
  ),
);
test.afterAll(() => deleteDatasets([datasetName]));

/** The values the user set, checked after every control of the form. */
async function expectEditsKept(page: Page, dataPath: string) {
  await expect(page.locator('#field-pretext-epochs')).toHaveValue('5');
  await expect(page.locator('#field-clustering-k')).toHaveValue('50');
  await expect(page.getByLabel('Seed', { exact: true })).toHaveValue('7');
  await expect(page.getByLabel('Training images (folder path on the workers)')).toHaveValue(dataPath);
}

test('the launch form keeps every edit through presets, Quick, dataset picks and typing; each field appears once', async ({ page }) => {
  await signIn(page, '/runs/new');
  await page.getByLabel('CC+Jigsaw++').check();
  await expect(page.getByTestId('preset-notice')).toContainText('CC+Jigsaw++ (quick) filled');
  await expect(page.locator('#field-pretext-epochs')).toHaveValue('2');

  await page.locator('#field-pretext-epochs').fill('5');
  await page.locator('#field-clustering-k').fill('50');
  await page.getByLabel('Seed', { exact: true }).fill('7');
  await page.getByLabel('Training images (folder path on the workers)').fill('/data/my-images');
  await expectEditsKept(page, '/data/my-images');

  // Quick off: the full-size values fill what was not edited (target epochs 3 → 30), edits stay.
  await page.getByLabel('Quick variant (CPU-sized)').uncheck();
  await expectEditsKept(page, '/data/my-images');
  await expect(page.locator('#field-target-epochs')).toHaveValue('30');
  const notice = page.getByTestId('preset-notice');
  await expect(notice).toContainText('CC+Jigsaw++ (full size) filled');
  await expect(notice).toContainText('kept your edits: seed = 7, clustering.k = 50, data.path = "/data/my-images", pretext.epochs = 5');

  await page.getByLabel('Quick variant (CPU-sized)').check();
  await expectEditsKept(page, '/data/my-images');
  await expect(page.locator('#field-target-epochs')).toHaveValue('3');

  // Another preset, then the worker check (no pipeline fields) and back: the edits come back too.
  await page.locator('input[name=preset][value="jigsaw++"]').check();
  await expectEditsKept(page, '/data/my-images');
  await page.getByLabel('Worker check').check();
  await expect(page.getByLabel('Seed', { exact: true })).toHaveValue('7');
  await page.getByLabel('CC+HOG').check();
  await expectEditsKept(page, '/data/my-images');

  // Picking registered datasets sets only their own fields.
  await page.getByLabel('Training dataset').selectOption({ label: `${datasetName} (10,000 images, labelled)` });
  await expectEditsKept(page, CIFAR_TEST);
  await page.getByLabel('Evaluation: report on').selectOption({ label: `${datasetName} (10,000 images, labelled)` });
  await expectEditsKept(page, CIFAR_TEST);
  await expect(page.getByTestId('group-evaluation.test')).toContainText('Evaluation test data');
  await page.getByLabel('Quick variant (CPU-sized)').uncheck();
  await expectEditsKept(page, CIFAR_TEST);
  await expect(page.getByLabel('Evaluation: report on')).toHaveValue(`ds${stamp}`);

  // Each field once; the two image sizes say which is which; optional groups read as heading + button.
  await expect(page.getByText('Seed', { exact: true })).toHaveCount(1);
  await expect(page.getByText('Image Size', { exact: true })).toHaveCount(0);
  await expect(page.getByLabel('Working image size (px)')).toHaveCount(1);
  await expect(page.getByLabel('Puzzle image size (px)')).toHaveCount(1);
  await expect(page.getByRole('button', { name: 'Set clustering data (other than the training data)' })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('launch-form-edits-kept.png'), fullPage: true });

  // What is sent is what is shown: the request carries the edits (answered here, so no run is queued).
  let sent: { config: Record<string, Record<string, unknown>> } | undefined;
  await page.route('**/api/trpc/runs.create**', async (route) => {
    // tRPC batches requests: the body is { "0": { json: input } }.
    const body = route.request().postDataJSON() as { json?: typeof sent } & Record<string, { json: typeof sent }>;
    sent = body.json ?? body['0']?.json;
    await route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: { json: { message: 'not launched in this test', code: -32603, data: { code: 'INTERNAL_SERVER_ERROR', httpStatus: 500 } } } }) });
  });
  await page.getByRole('button', { name: 'Launch run' }).click();
  await expect.poll(() => sent?.config.pretext?.epochs).toBe(5);
  expect(sent!.config.clustering.k).toBe(50);
  expect(sent!.config.seed).toBe(7);
  expect(sent!.config.data.path).toBe(CIFAR_TEST);
  expect(sent!.config.evaluation.test).toMatchObject({ path: CIFAR_TEST });
  expect(sent!.config.target.epochs).toBe(30);
});

test('a cloned run’s settings count as edits: Quick and presets keep them', async ({ page }) => {
  const source = await seedEvaluatedRun({ name: `clone-src-${stamp}`, method: 'cc-jigsaw++', seed: 4, dataPath: '/data/clone-src', config: { clustering: { k: 77 }, pretext: { epochs: 9 } }, testSet: '/data/clone-src', linear: {} });
  try {
    await signIn(page, `/runs/new?from=${source}`);
    await expect(page.getByLabel('Name (optional)')).toHaveValue(`clone-src-${stamp}-clone`);
    await expect(page.locator('#field-clustering-k')).toHaveValue('77');
    await expect(page.locator('#field-pretext-epochs')).toHaveValue('9');
    await page.getByLabel('Quick variant (CPU-sized)').uncheck();
    await page.getByLabel('Quick variant (CPU-sized)').check();
    await expect(page.getByTestId('preset-notice')).toContainText('clustering.k = 77');
    await expect(page.locator('#field-clustering-k')).toHaveValue('77');
    await expect(page.locator('#field-pretext-epochs')).toHaveValue('9');
    await expect(page.getByLabel('Seed', { exact: true })).toHaveValue('4');
    await expect(page.getByLabel('Training images (folder path on the workers)')).toHaveValue('/data/clone-src');
    // what the source did not set follows Quick
    await expect(page.locator('#field-target-epochs')).toHaveValue('3');
    await page.screenshot({ path: test.info().outputPath('launch-form-clone.png'), fullPage: true });
  } finally {
    await deleteRuns([source]);
  }
});
