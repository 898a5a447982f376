import { expect, test } from '@playwright/test';
import { deleteRuns } from './support/seed';
import { deleteDatasets, seedClusterRun } from './support/seed-insights';
import { addArtifact, addFigure, npyFloat32, registerDataset, seedEvaluatedRun } from './support/seed-results';
import { signIn } from './support/session';

const stamp = Date.now().toString(36);
const datasetName = `run-test-${stamp}`;
const dataPath = `/e2e/run-page-${stamp}/images`;
let runId = '';
let clusterRunId = '';

test.beforeAll(async () => {
  await registerDataset(datasetName, dataPath, 10_000);
  runId = await seedEvaluatedRun({
    name: `run-page-${stamp}`,
    method: 'cc-jigsaw++',
    seed: 0,
    dataPath,
    config: { clustering: { k: 100, layer: 'conv4', source: 'pretext' }, target: { arch: 'alexnet', objective: 'cluster-classification' }, pretext: { task: 'jigsaw++', arch: 'alexnet', permutations: 701, maxOccludedTiles: 2, grayProbability: 0.5, projectionProbability: 0.25 } },
    testSet: dataPath,
    linear: { conv1: 0.2714, conv2: 0.4, conv3: 0.5236 },
    singles: { 'eval/linear/conv3/top1': 0.5236, 'kmeans/objective': 1234.5 },
    curves: { 'train/loss': 60 },
    figures: ['conv1-filters.png', 'example-puzzles.png', 'cluster-neighbours.png'],
  });
});
test.afterAll(async () => {
  await deleteRuns([runId, clusterRunId]);
  await deleteDatasets([datasetName]);
});

test('run page: section nav, single values as a table, accuracies in percent on a named test set, captioned figures, a favicon', async ({ page }) => {
  const notFound: string[] = [];
  page.on('response', (response) => {
    if (response.status() === 404) notFound.push(response.url());
  });
  await signIn(page, `/runs/${runId}`);
  const nav = page.getByTestId('run-sections');
  for (const section of ['Stages', 'Logs', 'Metrics', 'Evaluation', 'Figures', 'Files', 'Config']) await expect(nav.getByRole('link', { name: section, exact: true })).toBeVisible();

  const singles = page.getByTestId('single-values');
  await expect(singles.getByRole('row', { name: /eval\/linear\/conv3\/top1/ })).toContainText('52.4%');
  await expect(singles.getByRole('row', { name: /kmeans\/objective/ })).toContainText('1234.5');
  await expect(page.getByTestId('chart-train/loss').locator('canvas')).toBeVisible();
  await expect(page.getByTestId('chart-eval/linear/conv3/top1')).toHaveCount(0);

  const evalSet = page.getByTestId('run-eval-set');
  await expect(evalSet.getByTestId('test-set-label')).toHaveText(datasetName);
  await expect(evalSet).toContainText('(10,000 images)');
  const linear = page.getByTestId('run-eval').getByRole('row', { name: /^linear/ });
  await expect(linear).toContainText('27.1%');
  await expect(linear).toContainText('52.4%');

  await expect(page.getByTestId('figure-conv1-filters.png')).toContainText('conv1 filters of the target alexnet network, trained to predict the cluster ids');
  await expect(page.getByTestId('figure-cluster-neighbours.png')).toContainText('k-means (k = 100) on conv4 features of the pretext network');
  await expect(page.getByTestId('figure-example-puzzles.png')).toContainText('jigsaw++, 701 permutations');
  await page.screenshot({ path: test.info().outputPath('run-page.png'), fullPage: true });

  await nav.getByRole('link', { name: 'Figures', exact: true }).click();
  await expect(page).toHaveURL(/#figures$/);
  await expect(page.getByTestId('figure-conv1-filters.png')).toBeInViewport();
  await expect(nav).toBeInViewport(); // sticky while scrolled
  await page.screenshot({ path: test.info().outputPath('run-page-figures.png') });

  const favicon = await page.request.get('/favicon.ico');
  expect(favicon.status()).toBe(200);
  expect(favicon.headers()['content-type']).toContain('image/');
  expect(notFound).toEqual([]);
});

test('the cluster-neighbours figure says which cluster each row is', async ({ page }) => {
  clusterRunId = await seedClusterRun(`neighbours-${stamp}`, { k: 60 });
  await addFigure(clusterRunId, 'cluster-neighbours.png');
  await signIn(page, `/runs/${clusterRunId}`);
  // 60 clusters, 12 rows: every 5th by size; the seed's cluster at size rank r has id (r − 1) · 37 mod 60.
  const figure = page.getByTestId('figure-cluster-neighbours.png');
  await expect(figure).toContainText('Rows, top to bottom: cluster 0 (#1, 403 images), cluster 5 (#6, 306 images), cluster 10 (#11,');
  await page.screenshot({ path: test.info().outputPath('run-page-neighbour-rows.png'), fullPage: true });
});

test('Downloads: a finished run’s features, centroids, pseudo-labels, models and eval table, with sizes; a link returns the file to members only', async ({ page, request }) => {
  const downloadsRun = await seedEvaluatedRun({ name: `downloads-${stamp}`, method: 'cc-jigsaw++', seed: 0, dataPath, testSet: dataPath, linear: { conv3: 0.5 }, figures: ['conv1-filters.png'] });
  try {
    const features = npyFloat32(40, 16); // 10 + 118 header + 2,560 bytes
    const files: [kind: string, name: string, data: Buffer][] = [
      ['features', 'features-clustering.npy', features],
      ['centroids', 'centroids.npy', npyFloat32(4, 16)],
      ['pseudo-labels', 'pseudo-labels.csv', Buffer.from('path,label\ncat/1.png,3\ndog/2.png,0\n')],
      ['model', 'target-model.json', Buffer.from(JSON.stringify({ format: 'layers-model', weightsManifest: [{ paths: ['target-weights.bin'], weights: [] }] }))],
      ['model', 'target-weights.bin', Buffer.alloc(3 * 1024 * 1024 + 512, 7)],
      ['eval-table', 'eval.csv', Buffer.from('protocol,layer,dataset,metric,value\nlinear,conv3,test,top1,0.5\n')],
    ];
    for (const [kind, name, data] of files) await addArtifact(downloadsRun, kind, name, data);
    expect(features.byteLength).toBe(2688);

    await signIn(page, `/runs/${downloadsRun}`);
    const section = page.getByTestId('run-downloads');
    await expect(section).toBeVisible();
    await expect(page.getByRole('link', { name: 'Downloads', exact: true })).toBeVisible();
    // groups in order, each file with its kind and size; figures stay under Figures
    await expect(section.locator('h3')).toHaveText(['Features', 'Centroids', 'Pseudo-labels', 'Models', 'Evaluation table']);
    const row = (name: string) => page.getByTestId(`download-${name}`).locator('xpath=..');
    await expect(row('features-clustering.npy')).toContainText('features · 2.6 KiB');
    await expect(row('centroids.npy')).toContainText('centroids · 384 B');
    await expect(row('pseudo-labels.csv')).toContainText('pseudo-labels · 35 B');
    await expect(row('target-weights.bin')).toContainText('model · 3.00 MiB');
    await expect(page.getByTestId('downloads-model').locator('li')).toHaveCount(2);
    await expect(row('eval.csv')).toContainText('eval-table · 63 B');
    await expect(section).not.toContainText('conv1-filters.png');
    await page.getByTestId('run-downloads').screenshot({ path: test.info().outputPath('run-page-downloads.png') });

    // The link returns the file itself, saved under its name, with the session; without one it is refused.
    const href = await page.getByTestId('download-features-clustering.npy').getAttribute('href');
    expect(href).toMatch(/^\/api\/artifacts\/\w+$/);
    const response = await page.request.get(href!);
    expect(response.status()).toBe(200);
    expect(response.headers()['content-disposition']).toBe('attachment; filename="features-clustering.npy"');
    expect(Buffer.compare(await response.body(), features)).toBe(0);
    const csv = await page.request.get((await page.getByTestId('download-eval.csv').getAttribute('href'))!);
    expect(await csv.text()).toBe('protocol,layer,dataset,metric,value\nlinear,conv3,test,top1,0.5\n');
    // `request` shares no cookies with the page: no session.
    expect((await request.get(href!)).status()).toBe(401);
  } finally {
    await deleteRuns([downloadsRun]);
  }
});
