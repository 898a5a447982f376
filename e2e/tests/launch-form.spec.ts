import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { deleteRuns, withClient } from './support/seed';
import { CIFAR_TEST, deleteDatasets } from './support/seed-insights';
import { seedEvaluatedRun } from './support/seed-results';
import { signIn } from './support/session';

const stamp = Date.now().toString(36);
const root = fileURLToPath(new URL('../..', import.meta.url));

/** `npm run ktlab -- config …`: the CLI's own reading (and printing) of a config. */
function ktlabConfig(...args: string[]): string {
  return execFileSync(process.execPath, ['--import', 'tsx', 'apps/trainer/src/cli.ts', 'config', ...args], { cwd: root, encoding: 'utf8' });
}
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

/** Answers a tRPC call (batched, superjson) with a BAD_REQUEST carrying these field errors, as the API refuses. */
function refusal(fieldErrors: { path: string; message: string }[]) {
  const error = { json: { message: fieldErrors[0].message, code: -32600, data: { code: 'BAD_REQUEST', httpStatus: 400, fieldErrors } } };
  return { status: 400, contentType: 'application/json', body: JSON.stringify([{ error }]) };
}

/** The input of a batched tRPC request: the body is { "0": { json: input } }. */
function trpcInput<T>(body: unknown): T {
  const parsed = body as { json?: T } & Record<string, { json: T }>;
  return (parsed.json ?? parsed['0']?.json) as T;
}

test('a grid sweep: several fields, the run count and each field’s error before launching, at most 64 runs, the Table 2 domains', async ({ page }) => {
  const train = '/data/grid/train';
  await signIn(page, '/runs/new');
  await page.getByLabel('CC+Jigsaw++').check();
  await page.getByLabel('Training images (folder path on the workers)').fill(train);
  await page.getByLabel('Launch a sweep').check();
  // One field to start with: the seeds.
  await expect(page.locator('#sweep-field-0')).toHaveValue('seed');
  await expect(page.getByTestId('sweep-count')).toContainText('3 runs, grouped as one sweep; at most 64.');

  await page.getByRole('button', { name: 'Add a field' }).click();
  await page.locator('#sweep-field-1').fill('clustering.k');
  await page.locator('#sweep-values-1').fill('50, 100');
  await expect(page.getByTestId('sweep-count')).toContainText('6 runs (3 × 2)');
  await expect(page.getByTestId('sweep-count')).toContainText('First run: cc-jigsaw++-0-50.');
  await expect(page.getByRole('button', { name: 'Launch sweep (6 runs)' })).toBeEnabled();

  // Errors at their field, before anything is sent: a misspelled field, a repeated value, a field swept twice.
  await page.locator('#sweep-field-1').fill('clustering.kk');
  await expect(page.getByTestId('sweep-axis-error-1')).toHaveText('clustering.kk = 50: clustering.kk: unknown field "kk"');
  await expect(page.getByRole('button', { name: /^Launch sweep/ })).toBeDisabled();
  await page.locator('#sweep-field-1').fill('clustering.k');
  await page.locator('#sweep-values-1').fill('50, 100, 50');
  await expect(page.getByTestId('sweep-axis-error-1')).toHaveText('clustering.k: the value 50 is given twice');
  await page.locator('#sweep-values-1').fill('50, 100');
  await page.locator('#sweep-field-1').fill('seed');
  await expect(page.getByTestId('sweep-axis-error-1')).toHaveText('seed is swept twice');
  await page.locator('#sweep-field-1').fill('clustering.k');

  // More than 64 runs: refused with the count.
  await page.locator('#sweep-values-1').fill(Array.from({ length: 22 }, (_, i) => 10 + i).join(', '));
  await expect(page.getByTestId('sweep-count')).toHaveText('this sweep makes 66 runs (3 × 22); a sweep launches at most 64');
  await expect(page.getByRole('button', { name: 'Launch sweep (66 runs)' })).toBeDisabled();

  // Table 2: cluster on half A; pseudo-label half A, half B, the test images (beside the train folder).
  await page.getByRole('button', { name: 'Table 2: cluster domain' }).click();
  await expect(page.locator('#sweep-field-0')).toHaveValue('clustering.data');
  await expect(page.locator('#sweep-field-1')).toHaveValue('pseudoLabels.data');
  await expect(page.locator('#sweep-values-1')).toHaveValue('first-half, second-half, /data/grid/test');
  await expect(page.getByTestId('sweep-axis-values-1')).toContainText('3 values: train.first-half, train.second-half, test');
  await page.locator('#sweep-values-1').fill('first-half, /data/grid/test#quarter');
  await expect(page.getByTestId('sweep-axis-error-1')).toHaveText('"quarter" in "/data/grid/test#quarter" is not a subset (all, first-half, second-half)');
  await page.locator('#sweep-values-1').fill('first-half, second-half, /data/grid/test');
  await page.getByRole('button', { name: 'Add a field' }).click();
  await page.locator('#sweep-field-2').fill('seed');
  await page.locator('#sweep-values-2').fill('0, 1');
  await expect(page.getByTestId('sweep-count')).toContainText('6 runs (1 × 3 × 2)');
  await page.screenshot({ path: test.info().outputPath('launch-form-grid-sweep.png'), fullPage: true });

  // What is sent is the grid; the API's refusal of a swept folder is shown at that field (answered here: nothing is queued).
  let sent: { name: string; axes: { field: string; values: unknown[] }[] } | undefined;
  await page.route('**/api/trpc/runs.createSweep**', async (route) => {
    sent = trpcInput(route.request().postDataJSON());
    await route.fulfill(refusal([{ path: 'config.pseudoLabels.data.path', message: '"/data/grid/test" is outside the allowed dataset folders (/data/grid/train)' }]));
  });
  await page.getByRole('button', { name: 'Launch sweep (6 runs)' }).click();
  await expect.poll(() => sent?.axes.length).toBe(3);
  expect(sent!.name).toBe('cc-jigsaw++');
  const halfA = expect.objectContaining({ path: train, format: 'folder', subset: 'first-half' });
  expect(sent!.axes).toEqual([
    { field: 'clustering.data', values: [halfA] },
    { field: 'pseudoLabels.data', values: [halfA, expect.objectContaining({ path: train, subset: 'second-half' }), expect.objectContaining({ path: '/data/grid/test', subset: 'all' })] },
    { field: 'seed', values: [0, 1] },
  ]);
  await expect(page.getByTestId('sweep-axis-error-1')).toHaveText('pseudoLabels.data.path: "/data/grid/test" is outside the allowed dataset folders (/data/grid/train)');
});

test('pseudo-labels from a file and a permutation set file are set in the launch form; a path outside the dataset roots is refused at its field', async ({ page }) => {
  await signIn(page, '/runs/new');
  await page.getByLabel('CC+Jigsaw++').check();
  await page.getByLabel('Training images (folder path on the workers)').fill('/data/labels/train');

  // The permutation set: a path, or empty to generate one (an emptied field is left out, not an error).
  const permutations = page.locator('#field-pretext-permutationsFile');
  await expect(page.getByLabel('Permutation set file (.bin)')).toHaveCount(1);
  await permutations.fill('/data/labels/permutations_701.bin');
  await permutations.fill('');
  await expect(page.getByTestId('error-pretext.permutationsFile')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Launch run' })).toBeEnabled();
  await permutations.fill('/data/labels/permutations_701.bin');

  // Source "file" needs the labels file: said at its group until it is set.
  await page.locator('#field-clustering-source').selectOption('file');
  await expect(page.getByTestId('error-clustering.labelsFile')).toHaveText('required when clustering.source is "file"');
  await page.getByRole('button', { name: 'Set pseudo-labels file (source "file")' }).click();
  await page.locator('#field-clustering-labelsFile-path').fill('/home/me/released.csv');
  await expect(page.getByTestId('error-clustering.labelsFile')).toHaveCount(0);
  await expect(page.getByTestId('group-clustering.labelsFile')).toContainText('inside the dataset roots');

  let sent: { config: { pretext: Record<string, unknown>; clustering: Record<string, unknown> } } | undefined;
  await page.route('**/api/trpc/runs.create**', async (route) => {
    sent = trpcInput(route.request().postDataJSON());
    await route.fulfill(refusal([{ path: 'config.clustering.labelsFile.path', message: '"/home/me/released.csv" is outside the allowed dataset folders (/data)' }]));
  });
  await page.getByRole('button', { name: 'Launch run' }).click();
  await expect.poll(() => sent?.config.clustering.source).toBe('file');
  expect(sent!.config.clustering.labelsFile).toMatchObject({ path: '/home/me/released.csv' });
  expect(sent!.config.pretext.permutationsFile).toBe('/data/labels/permutations_701.bin');
  await expect(page.getByTestId('error-clustering.labelsFile.path')).toHaveText('"/home/me/released.csv" is outside the allowed dataset folders (/data)');
});

test('the launch form exports the file `ktlab run --config` reads and imports one: fields filled, kept through presets; a bad file refused field by field', async ({ page }) => {
  await signIn(page, '/runs/new');
  await page.getByLabel('CC+Jigsaw++').check();
  await page.locator('#field-clustering-k').fill('50');
  await page.getByLabel('Training images (folder path on the workers)').fill('/data/export');

  // Export: YAML and JSON, the same config; the CLI reads the YAML back to the same fields.
  const [yamlDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export config (YAML)' }).click()]);
  expect(yamlDownload.suggestedFilename()).toBe('cc-jigsaw++.yaml');
  const yamlText = readFileSync(await yamlDownload.path(), 'utf8');
  expect(yamlText).toMatch(/^kind: pipeline\n/);
  expect(yamlText).toContain('\n  path: /data/export\n');
  expect(yamlText).toContain('\n  k: 50\n');
  const [jsonDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export config (JSON)' }).click()]);
  expect(jsonDownload.suggestedFilename()).toBe('cc-jigsaw++.json');
  const exported = parseYaml(yamlText) as Record<string, Record<string, unknown>>;
  expect(JSON.parse(readFileSync(await jsonDownload.path(), 'utf8'))).toEqual(exported);
  const exportedFile = test.info().outputPath('exported.yaml');
  writeFileSync(exportedFile, yamlText);
  expect(JSON.parse(ktlabConfig('--config', exportedFile, '--format', 'json'))).toEqual(exported);

  // Import a file the CLI wrote (full-size Jigsaw++, two fields changed): the form takes its preset and fields.
  const importedFile = test.info().outputPath('jigsaw.yaml');
  writeFileSync(importedFile, ktlabConfig('jigsaw++', '--data', '/data/imported', '--set', 'pretext.epochs=4', '--set', 'seed=9'));
  await page.locator('#import-config').setInputFiles(importedFile);
  const notice = page.getByTestId('preset-notice');
  await expect(notice).toContainText('Imported jigsaw.yaml: its');
  await expect(notice).toContainText('method Jigsaw++ (full size), the closest preset');
  await expect(page.locator('input[name=preset][value="jigsaw++"]')).toBeChecked();
  await expect(page.getByLabel('Quick variant (CPU-sized)')).not.toBeChecked();
  const expectImported = async () => {
    await expect(page.locator('#field-pretext-epochs')).toHaveValue('4');
    await expect(page.getByLabel('Seed', { exact: true })).toHaveValue('9');
    await expect(page.getByLabel('Training images (folder path on the workers)')).toHaveValue('/data/imported');
  };
  await expectImported();
  // Imported values are the user's edits: another preset and Quick keep them.
  await page.getByLabel('CC+Jigsaw++').check();
  await expectImported();
  await expect(notice).toContainText('kept your edits:');
  await page.getByLabel('Quick variant (CPU-sized)').check();
  await expectImported();

  // A file the schema refuses: each field's error, and nothing changed.
  await page.locator('#import-config').setInputFiles({ name: 'bad.yaml', mimeType: 'application/yaml', buffer: Buffer.from('kind: pipeline\ndata:\n  path: /x\nclustering:\n  k: 0\n  nope: 1\n') });
  const refused = page.getByTestId('import-errors');
  await expect(refused).toContainText('bad.yaml: 2 fields are not valid; nothing was changed');
  await expect(refused).toContainText('clustering.k:');
  await expect(refused).toContainText('clustering.nope:');
  await expectImported();
  // A syntax error: its line.
  await page.locator('#import-config').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{\n  "kind": "pipeline",\n}\n') });
  await expect(refused).toContainText('broken.json: line 3, column 1:');
  await page.screenshot({ path: test.info().outputPath('launch-form-config-file.png'), fullPage: true });
});
