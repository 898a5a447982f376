import { expect, test } from '@playwright/test';
import { deleteRuns, insertSeries, withClient } from './support/seed';
import { signIn } from './support/session';

// Issue #19 item 7: the Compare view of 20 runs × 100k points, first paint. The time depends on the machine's
// load, so it is logged, not asserted; the test asserts what was drawn.
const stamp = Date.now().toString(36);
const RUNS = 20;
const POINTS = 100_000;
const KEY = 'train/loss';
const BUCKETS = 1500; // what Compare asks runs.compareSeries for (maxPoints, OVERLAY_MAX_POINTS)
const runs: string[] = [];

test.beforeAll(async () => {
  test.setTimeout(600_000);
  await withClient(async (client) => {
    for (let index = 0; index < RUNS; index++) {
      const runId = `e2escale${stamp}${String(index).padStart(2, '0')}`;
      await client.query(
        `INSERT INTO "Run" (id, "projectId", name, method, config, status, "createdAt", "startedAt", "finishedAt", tags)
         SELECT $1, id, $2, 'jigsaw', $3::jsonb, 'succeeded', now(), now() - interval '5 minutes', now(), ARRAY['e2e'] FROM "Project" WHERE slug = 'default'`,
        [runId, `scale-${stamp}-${index}`, JSON.stringify({ kind: 'smoke', seed: index, steps: POINTS })],
      );
      runs.push(runId);
      await insertSeries(client, runId, KEY, POINTS, `2.3 * exp(-s / 30000.0) + 0.05 * sin(s / 500.0) + ${index * 0.02}`);
    }
  });
});
test.afterAll(() => deleteRuns(runs));

test('Compare of 20 runs × 100,000 points draws all 20 downsampled curves of the shared key (navigation-to-drawn time logged)', async ({ page }) => {
  test.setTimeout(180_000);
  const url = `/compare?ids=${runs.join(',')}`;
  await signIn(page, url);
  await expect(page.getByTestId(`overlay-${KEY}`).locator('[data-drawn-at-ms]')).toHaveCount(1);
  // A fresh navigation to the page (signed in, server warm) until the overlay is drawn with its data.
  // The API requests of that load, logged beside the time (which request waits for which).
  const requests: string[] = [];
  page.on('requestfinished', (request) => {
    const path = new URL(request.url()).pathname;
    if (!path.startsWith('/api/trpc/')) return;
    const timing = request.timing();
    const procedures = path.slice('/api/trpc/'.length).split(',');
    const names = [...new Set(procedures)].map((name) => `${name}×${procedures.filter((p) => p === name).length}`).join(' ');
    requests.push(`${names} +${Math.round(timing.startTime - started)}…+${Math.round(timing.startTime + timing.responseEnd - started)} ms`);
  });
  const started = Date.now();
  await page.goto(url, { waitUntil: 'commit' });
  const drawn = page.getByTestId(`overlay-${KEY}`).locator('[data-drawn-at-ms]');
  await expect(drawn).toHaveAttribute('data-drawn-series', String(RUNS));
  const elapsed = Date.now() - started;
  const drawnAtMs = Number(await drawn.getAttribute('data-drawn-at-ms'));
  const perSeries = (await drawn.getAttribute('data-series-points'))!.split(',').map(Number);
  // The page's data is read on the server while the page loads and streams with its HTML: the document's last
  // byte is when it arrived (browser clock, like the draw).
  const html = await page.evaluate(() => {
    const entry = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    return `${Math.round(entry.responseStart)}…${Math.round(entry.responseEnd)} ms`;
  });
  console.log(
    `Compare ${RUNS} runs × ${POINTS} points: overlay drawn ${drawnAtMs} ms after navigation start (browser clock); ` +
      `${elapsed} ms from goto to the test seeing it; points per run ${Math.min(...perSeries)}–${Math.max(...perSeries)}; ` +
      `HTML with the streamed data +${html}; API requests: ${requests.join('; ') || 'none'}`,
  );
  // The runs and their series came with the page: the browser asked the API for neither.
  expect(requests.filter((request) => /runs\.(compare|compareSeries|metricSeries)×/.test(request))).toEqual([]);
  // Each of the 20 runs is drawn, downsampled to at most the bucket limit, over the whole step range.
  expect(perSeries).toHaveLength(RUNS);
  for (const count of perSeries) {
    expect(count).toBeGreaterThan(BUCKETS / 2);
    expect(count).toBeLessThanOrEqual(BUCKETS);
  }
  const [first, last] = (await drawn.getAttribute('data-step-range'))!.split('-').map(Number);
  expect(first).toBe(0);
  // The last bucket starts within two bucket widths of the last step (a bucket is ≥ POINTS / BUCKETS steps wide).
  expect(last).toBeGreaterThanOrEqual(POINTS - 1 - 2 * Math.ceil(POINTS / BUCKETS));
  expect(last).toBeLessThanOrEqual(POINTS - 1);
  expect(drawnAtMs).toBeGreaterThan(0);
  await expect(page.getByTestId(`overlay-${KEY}`).locator('canvas')).toBeVisible();
  // What each run's curve came from: the whole series, downsampled into the buckets the run page's read gives.
  const input = encodeURIComponent(JSON.stringify({ json: { runId: runs[RUNS - 1], key: KEY, maxPoints: BUCKETS } }));
  const response = await page.request.get(`/api/trpc/runs.metricSeries?input=${input}`);
  expect(response.ok()).toBe(true);
  const body = (await response.json()) as { result: { data: { json: { total: number; downsampled: boolean; points: unknown[] } } } };
  expect(body.result.data.json.total).toBe(POINTS);
  expect(body.result.data.json.downsampled).toBe(true);
  expect(body.result.data.json.points.length).toBe(perSeries[RUNS - 1]);
  await page.screenshot({ path: test.info().outputPath('compare-20x100k.png'), fullPage: true });
});
