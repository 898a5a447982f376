/**
 * The paper's orderings, checked on the study's numbers. Each claim compares two sets of per-seed accuracies
 * with Welch's t-test (two-sided, α = 0.05):
 *   held            — the difference is significant and in the claimed direction;
 *   did not hold    — significant and in the opposite direction;
 *   not significant — otherwise (including fewer than 2 seeds on a side, where the test is undefined).
 * "≈" claims (no difference expected) hold when the difference is not significant and fail when it is.
 */
import type { CellScores } from './cell-result';
import { bestLayerValues, layerValues } from './aggregate';
import { summarize, welchTest, type Summary } from './stats';

export const ALPHA = 0.05;

export type Outcome = 'held' | 'did not hold' | 'not significant' | 'not measured';

export interface OrderingCheck {
  claim: string;
  /** Where the paper makes it. */
  source: string;
  relation: '>' | '≈';
  left: { label: string; summary: Summary };
  right: { label: string; summary: Summary };
  outcome: Outcome;
  p: number;
  /** One templated sentence with the numbers. */
  detail: string;
}

export const SIGNIFICANCE_RULE =
  `Welch's t-test (two-sided, α = ${ALPHA}) on the per-seed accuracies: **held** = significant in the claimed direction, ` +
  '**did not hold** = significant in the opposite direction, **not significant** = otherwise (always the case with fewer than 2 seeds). ' +
  'For "≈" claims (no difference expected) **held** means no significant difference.';

const pct = (value: number) => `${(value * 100).toFixed(1)}%`;
const describe = (summary: Summary) => {
  if (!summary.n) return 'no result';
  return summary.n > 1 ? `${pct(summary.mean)} ± ${(summary.std * 100).toFixed(1)} (n=${summary.n})` : `${pct(summary.mean)} (n=1)`;
};

export function judge(relation: '>' | '≈', left: Summary, right: Summary): { outcome: Outcome; p: number } {
  if (left.n === 0 || right.n === 0) return { outcome: 'not measured', p: Number.NaN };
  const { p } = welchTest(left, right);
  const significant = Number.isFinite(p) && p < ALPHA;
  if (relation === '≈') return { outcome: significant ? 'did not hold' : 'held', p };
  if (!significant) return { outcome: 'not significant', p };
  return { outcome: left.mean > right.mean ? 'held' : 'did not hold', p };
}

export function compare(claim: string, source: string, relation: '>' | '≈', left: { label: string; values: number[] }, right: { label: string; values: number[] }): OrderingCheck {
  const l = summarize(left.values);
  const r = summarize(right.values);
  const { outcome, p } = judge(relation, l, r);
  const pText = Number.isFinite(p) ? (p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`) : 'p undefined (n < 2)';
  const detail = outcome === 'not measured'
    ? `not measured: ${l.n === 0 ? left.label : right.label} has no result.`
    : `${left.label} ${describe(l)} vs ${right.label} ${describe(r)}; difference ${((l.mean - r.mean) * 100).toFixed(1)} points, ${pText}.`;
  return { claim, source, relation, left: { label: left.label, summary: l }, right: { label: right.label, summary: r }, outcome, p, detail };
}

/** Main cells of a row. */
function rowCells(cells: readonly CellScores[], row: string): CellScores[] {
  return cells.filter((cell) => cell.group === 'main' && cell.row === row);
}

function nameOf(cells: readonly CellScores[], row: string, fallback: string): string {
  return cells.find((cell) => cell.row === row)?.rowName ?? fallback;
}

export function orderingChecks(cells: readonly CellScores[]): OrderingCheck[] {
  const checks: OrderingCheck[] = [];
  const present = (row: string) => rowCells(cells, row).length > 0;
  const name = (row: string) => nameOf(cells, row, row);
  const layer = (row: string, protocol: string, l: string) => ({ label: `${name(row)} ${protocol} ${l}`, values: layerValues(rowCells(cells, row), protocol, l) });
  const best = (row: string, protocol = 'linear') => ({ label: `${name(row)} (best ${protocol} layer)`, values: bestLayerValues(rowCells(cells, row), protocol) });

  if (present('cc-jigsaw++') && present('jigsaw++')) {
    for (const l of ['conv4', 'conv5']) {
      checks.push(compare(`CC+Jigsaw++ > Jigsaw++ (linear, ${l})`, 'Table 4: knowledge transfer improves the deeper layers', '>', layer('cc-jigsaw++', 'linear', l), layer('jigsaw++', 'linear', l)));
    }
  }
  if (present('cc-rotation') && present('rotation')) {
    for (const l of ['conv4', 'conv5']) {
      checks.push(compare(`CC+Rotation > Rotation (linear, ${l})`, 'Sec. 3: the transfer is agnostic to the pretext task (here a second one, rotation)', '>', layer('cc-rotation', 'linear', l), layer('rotation', 'linear', l)));
    }
  }
  if (present('cc-vgg-jigsaw++') && present('cc-jigsaw++')) {
    for (const l of ['conv4', 'conv5']) {
      checks.push(compare(`CC+vgg-Jigsaw++ > CC+Jigsaw++ (linear, ${l})`, 'Tables 3–4: a deeper pretext network transfers better', '>', layer('cc-vgg-jigsaw++', 'linear', l), layer('cc-jigsaw++', 'linear', l)));
    }
  }
  if (present('random')) {
    for (const row of ['jigsaw', 'jigsaw++', 'cc-jigsaw++', 'cc-vgg-jigsaw++', 'cc-hog', 'cc-random-network', 'regression-vgg-jigsaw++', 'rotation', 'cc-rotation', 'supervised']) {
      if (present(row)) checks.push(compare(`${name(row)} > Random (best linear layer)`, 'Table 4: every method beats random weights', '>', best(row), best('random')));
    }
  }
  if (present('supervised')) {
    for (const row of ['jigsaw', 'jigsaw++', 'cc-jigsaw++', 'cc-vgg-jigsaw++', 'cc-hog', 'cc-random-network', 'regression-vgg-jigsaw++', 'rotation', 'cc-rotation']) {
      if (present(row)) checks.push(compare(`Supervised > ${name(row)} (best linear layer)`, 'Table 4: supervised training is the upper bound', '>', best('supervised'), best(row)));
    }
  }
  if (present('cc-jigsaw++')) {
    if (present('cc-hog')) checks.push(compare('CC+Jigsaw++ > CC+HOG (best linear layer)', 'Table 3: learnt features cluster better than HOG', '>', best('cc-jigsaw++'), best('cc-hog')));
    if (present('cc-random-network')) checks.push(compare('CC+Jigsaw++ > CC+random network (best linear layer)', 'Table 3: learnt features cluster better than a random network\'s', '>', best('cc-jigsaw++'), best('cc-random-network')));
  }
  if (present('cc-vgg-jigsaw++') && present('regression-vgg-jigsaw++')) {
    checks.push(compare('CC+vgg-Jigsaw++ > Regression (vgg-Jigsaw++) (best linear layer)', 'Table 3: cluster classification transfers better than regressing activations', '>', best('cc-vgg-jigsaw++'), best('regression-vgg-jigsaw++')));
  }
  const clusters = clusterCheck(cells);
  if (clusters) checks.push(clusters);
  const domain = domainCheck(cells);
  if (domain) checks.push(domain);
  return checks;
}

/** Table 1: more clusters help up to a point — the best k beats the smallest k. */
function clusterCheck(cells: readonly CellScores[]): OrderingCheck | undefined {
  const byK = new Map<number, CellScores[]>();
  for (const cell of cells) {
    if (cell.row !== 'cc-jigsaw++' || cell.k === undefined || cell.group === 'domain') continue;
    byK.set(cell.k, [...(byK.get(cell.k) ?? []), cell]);
  }
  const ks = [...byK.keys()].sort((a, b) => a - b);
  if (ks.length < 2) return undefined;
  const mean = (k: number) => summarize(bestLayerValues(byK.get(k)!, 'linear')).mean;
  const bestK = ks.reduce((top, k) => (mean(k) > mean(top) ? k : top), ks[0]!);
  const smallest = ks[0]!;
  if (bestK === smallest) {
    return compare(`more clusters help: k=${ks[1]} > k=${smallest} (best linear layer)`, 'Table 1: accuracy grows with the number of clusters up to a point', '>',
      { label: `k=${ks[1]}`, values: bestLayerValues(byK.get(ks[1]!)!, 'linear') }, { label: `k=${smallest}`, values: bestLayerValues(byK.get(smallest)!, 'linear') });
  }
  const check = compare(`more clusters help: best k=${bestK} > k=${smallest} (best linear layer)`, 'Table 1: accuracy grows with the number of clusters up to a point', '>',
    { label: `k=${bestK}`, values: bestLayerValues(byK.get(bestK)!, 'linear') }, { label: `k=${smallest}`, values: bestLayerValues(byK.get(smallest)!, 'linear') });
  const peak = bestK === ks[ks.length - 1] ? `the largest k tried (${bestK}) is best, so no turning point was reached in ${ks.join(', ')}` : `the mean peaks at k=${bestK}, inside the range ${ks.join(', ')} (a turning point)`;
  return { ...check, detail: `${check.detail} Of the tried values, ${peak}.` };
}

/** Table 2: clustering one set and pseudo-labelling another transfers about as well as using one set for both. */
function domainCheck(cells: readonly CellScores[]): OrderingCheck | undefined {
  const of = (variant: string) => cells.filter((cell) => cell.group === 'domain' && cell.domain === variant);
  const same = of('half-A→half-A');
  const other = of('half-A→half-B');
  if (!same.length || !other.length) return undefined;
  return compare('pseudo-labels on other images ≈ on the clustered images (half-A→half-B ≈ half-A→half-A, best linear layer)', 'Table 2: the transfer is robust to where clusters and pseudo-labels come from', '≈',
    { label: 'half-A→half-B', values: bestLayerValues(other, 'linear') }, { label: 'half-A→half-A', values: bestLayerValues(same, 'linear') });
}
