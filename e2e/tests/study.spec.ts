import { expect, test } from '@playwright/test';
import { seedEvaluatedRun } from './support/seed-results';
import { signIn } from './support/session';

test.describe.configure({ mode: 'serial' });

const study = `e2e-${Date.now().toString(36)}`;
/** Per-seed linear top-1 (every conv layer alike) of four rows: a held, a not-held and two n.s. orderings. */
const ROWS: Record<string, number[]> = {
  random: [0.3, 0.31, 0.29],
  'jigsaw++': [0.4, 0.41, 0.39],
  'cc-jigsaw++': [0.4, 0.42, 0.38],
  'cc-hog': [0.5, 0.51, 0.49],
};

/** Detection mAP@0.5 and segmentation mIoU (fine-tuned) of the transfer cells of two rows, per seed. */
const TRANSFER: Record<string, { map50: number[]; miou: number[] }> = {
  random: { map50: [0.1, 0.12, 0.14], miou: [0.2, 0.2, 0.2] },
  'cc-jigsaw++': { map50: [0.3, 0.3, 0.3], miou: [0.25, 0.26, 0.27] },
};

test.beforeAll(async () => {
  for (const [row, { map50, miou }] of Object.entries(TRANSFER)) {
    for (const seed of [0, 1, 2]) {
      await seedEvaluatedRun({
        name: `study-${study}-transfer-${row}-s${seed}`,
        method: row,
        seed,
        dataPath: '/data/cifar10/train',
        testSet: 'cifar10-test',
        linear: {},
        results: [
          { protocol: 'detection', layer: 'all', metric: 'map50', value: map50[seed]! },
          { protocol: 'segmentation', layer: 'all', metric: 'miou', value: miou[seed]! },
        ],
        tags: [`study:${study}`, `cell:transfer-${row}-s${seed}`],
      });
    }
  }
  for (const [row, values] of Object.entries(ROWS)) {
    for (const [seed, value] of values.entries()) {
      const layers = Object.fromEntries(['conv1', 'conv2', 'conv3', 'conv4', 'conv5'].map((layer) => [layer, value]));
      await seedEvaluatedRun({
        name: `study-${study}-${row}-s${seed}`,
        method: row,
        seed,
        dataPath: '/data/cifar10/train',
        testSet: 'cifar10-test',
        linear: layers,
        tags: [`study:${study}`, `cell:${row}-s${seed}`],
      });
    }
  }
});

test('benchmarks of a study: the ordering checks (held / not held / n.s., with the numbers) beside its tables', async ({ page }) => {
  await signIn(page, `/benchmarks?study=${study}`);
  await expect(page.getByTestId('benchmark-table').getByRole('row', { name: /^CC\+HOG / })).toContainText('50.0');
  const checks = page.getByTestId('study-checks');
  await expect(page.getByTestId('study-checks-summary')).toHaveText('3 held · 1 not held · 2 n.s.');
  await expect(checks).toContainText('on 18 finished cells');
  const check = (claim: RegExp) => checks.getByTestId('ordering-check').filter({ hasText: claim });
  const jigsaw = check(/^Jigsaw\+\+ > Random \(best linear layer\)/);
  await expect(jigsaw).toHaveAttribute('data-outcome', 'held');
  await expect(jigsaw).toContainText('40.0 ± 1.0 (n=3) vs 30.0 ± 1.0 (n=3) · Δ +10.0 pts · p < 0.001');
  const hog = check(/^CC\+Jigsaw\+\+ > CC\+HOG/);
  await expect(hog).toHaveAttribute('data-outcome', 'did not hold');
  await expect(hog).toContainText('not held');
  await expect(hog).toContainText('Δ -10.0 pts');
  const transfer = check(/^CC\+Jigsaw\+\+ > Jigsaw\+\+ \(linear, conv4\)/);
  await expect(transfer).toHaveAttribute('data-outcome', 'not significant');
  await expect(transfer).toContainText('n.s.');
  await expect(transfer).toContainText('p = 1.000');
  // the anchors: Random at 30% is below the usual 35–45% linear range; Jigsaw++ is 10 points above Random
  await expect(checks.getByTestId('study-anchor').filter({ hasText: /^Random linear/ })).toHaveAttribute('data-outcome', 'failed');
  await expect(checks.getByTestId('study-anchor').filter({ hasText: /^Jigsaw\+\+ linear/ })).toHaveAttribute('data-outcome', 'met');
  // Table 3: detection and segmentation from the transfer runs on their methods' rows, the best mean in bold
  const transferTable = page.getByTestId('study-transfer-table');
  await expect(transferTable.getByRole('columnheader', { name: 'detection mAP@0.5', exact: true })).toBeVisible();
  const random = transferTable.getByRole('row', { name: /^Random / });
  await expect(random).toContainText('12.0 ± 2.0');
  await expect(random).toContainText('20.0');
  const method = transferTable.getByRole('row', { name: /^CC\+Jigsaw\+\+ / });
  await expect(method).toContainText('30.0');
  await expect(method).toContainText('26.0 ± 1.0');
  await expect(method.locator('[data-best]')).toHaveCount(2);
  await expect(transferTable.getByRole('row', { name: /^Jigsaw\+\+ / })).toHaveCount(0);
  await page.screenshot({ path: test.info().outputPath('benchmarks-study-checks.png'), fullPage: true });
});

test('the launch control says how many runs a study would queue (it is not launched here: the trainer would run them)', async ({ page }) => {
  await signIn(page, '/benchmarks');
  const launch = page.getByTestId('study-launch');
  await launch.locator('summary').click();
  await launch.getByLabel('Scale').selectOption('smoke');
  const summary = page.getByTestId('study-launch-summary');
  await expect(summary).toHaveText('Queues 3 runs (all 3 cells of the plan).');
  await expect(launch.getByRole('button', { name: 'Launch 3 runs' })).toBeEnabled();
  await launch.getByLabel('Seeds').fill('2');
  await expect(summary).toHaveText('Queues 6 runs (all 6 cells of the plan).');
  await launch.getByLabel('CC+Jigsaw++', { exact: true }).uncheck();
  await expect(summary).toHaveText('Queues 2 runs (all 2 cells of the plan).');
  await launch.getByLabel('Seeds').fill('0');
  await expect(summary).toHaveText('seeds: a whole number from 1 to 10');
  await expect(launch.getByRole('button', { name: 'Launch', exact: true })).toBeDisabled();
  await page.screenshot({ path: test.info().outputPath('benchmarks-study-launch.png'), fullPage: true });
});
