/**
 * Sanity anchors: numbers a study must reach before its orderings mean anything (issue #17). They test the
 * protocols and the baselines, not the paper's claims: a supervised net that cannot be fine-tuned to a known
 * accuracy, or random weights far from their usual linear accuracy, point at a bug or an undertrained setup.
 * Each anchor is `met`, `failed` (reported, never hidden) or `pending` (its cells have not finished).
 */
import type { CellScores } from './cell-result';
import { bestLayerValues, layerValues } from './aggregate';
import { ALPHA } from './orderings';
import { summarize, welchTest, type Summary } from './stats';

export type AnchorOutcome = 'met' | 'failed' | 'pending';

export interface AnchorCheck {
  anchor: string;
  outcome: AnchorOutcome;
  /** One templated sentence with the numbers. */
  detail: string;
}

/** CIFAR-10 reference for the same AlexNet-style net at 32×32 is ~78%; a working fine-tune protocol gets ≥ 70%. */
export const SUPERVISED_FINETUNE_MIN = 0.7;
/** Linear probes on random conv features of CIFAR-10: 35–45% top-1 (best layer). */
export const RANDOM_LINEAR_RANGE: readonly [number, number] = [0.35, 0.45];
/** Jigsaw++'s best linear layer must beat Random's by this much, significantly. */
export const JIGSAW_MARGIN = 0.05;
/** Nonlinear and fine-tuning must train: at least this far above chance for every row. */
export const TRAINED_ABOVE_CHANCE = 0.2;
/**
 * A nonlinear probe sees the same frozen layer as the linear one plus trained layers on top, so it should not score
 * lower; this much below the linear probe (mean over seeds) means its training is too short or too small.
 */
export const NONLINEAR_BELOW_LINEAR_TOLERANCE = 0.01;


/** The first few items of a long list and how many more: a failed anchor stays readable with dozens of cases. */
export function listSome(items: readonly string[], shown = 6): string {
  return items.length <= shown ? items.join(', ') : `${items.slice(0, shown).join(', ')} and ${items.length - shown} more`;
}
const pct = (value: number) => `${(value * 100).toFixed(1)}%`;
const describe = (summary: Summary) => (summary.n > 1 ? `${pct(summary.mean)} ± ${(summary.std * 100).toFixed(1)} (n=${summary.n})` : `${pct(summary.mean)} (n=${summary.n})`);

function mainCells(cells: readonly CellScores[], row: string): CellScores[] {
  return cells.filter((cell) => cell.group === 'main' && cell.row === row);
}

function supervisedFinetune(cells: readonly CellScores[]): AnchorCheck {
  const anchor = `Supervised fine-tuned ("all") ≥ ${pct(SUPERVISED_FINETUNE_MIN)} top-1`;
  const values = layerValues(mainCells(cells, 'supervised'), 'finetune', 'all');
  if (!values.length) return { anchor, outcome: 'pending', detail: 'no Supervised cell with a fine-tuning result yet.' };
  const summary = summarize(values);
  return { anchor, outcome: summary.mean >= SUPERVISED_FINETUNE_MIN ? 'met' : 'failed', detail: `Supervised fine-tuned: ${describe(summary)}.` };
}

function randomLinear(cells: readonly CellScores[]): AnchorCheck {
  const [low, high] = RANDOM_LINEAR_RANGE;
  const anchor = `Random linear, best layer, within ${pct(low)}–${pct(high)}`;
  const values = bestLayerValues(mainCells(cells, 'random'), 'linear');
  if (!values.length) return { anchor, outcome: 'pending', detail: 'no Random cell yet.' };
  const summary = summarize(values);
  const inside = summary.mean >= low && summary.mean <= high;
  return { anchor, outcome: inside ? 'met' : 'failed', detail: `Random best linear layer: ${describe(summary)}${inside ? '' : summary.mean > high ? ' — above the range: the probe is stronger than usual (or random features are, at this image size)' : ' — below the range: the probe undertrains'}.` };
}

function jigsawAboveRandom(cells: readonly CellScores[]): AnchorCheck {
  const anchor = `Jigsaw++ linear best layer ≥ Random + ${Math.round(JIGSAW_MARGIN * 100)} points (Welch p < ${ALPHA})`;
  const jigsaw = bestLayerValues(mainCells(cells, 'jigsaw++'), 'linear');
  const random = bestLayerValues(mainCells(cells, 'random'), 'linear');
  if (!jigsaw.length || !random.length) return { anchor, outcome: 'pending', detail: `waiting for ${!jigsaw.length ? 'Jigsaw++' : 'Random'} cells.` };
  const j = summarize(jigsaw);
  const r = summarize(random);
  const { p } = welchTest(j, r);
  const margin = j.mean - r.mean;
  const significant = Number.isFinite(p) && p < ALPHA;
  const pText = Number.isFinite(p) ? (p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`) : 'p undefined (fewer than 2 seeds on a side)';
  const detail = `Jigsaw++ ${describe(j)} vs Random ${describe(r)}: ${margin >= 0 ? '+' : ''}${(margin * 100).toFixed(1)} points, ${pText}.`;
  if (margin >= JIGSAW_MARGIN && significant) return { anchor, outcome: 'met', detail };
  if (margin >= JIGSAW_MARGIN && !Number.isFinite(p)) return { anchor, outcome: 'pending', detail: `${detail} The margin is there; more seeds decide it.` };
  return { anchor, outcome: 'failed', detail };
}

function trainedProtocols(cells: readonly CellScores[], chance: number): AnchorCheck {
  const anchor = `nonlinear and fine-tuning ≥ ${Math.round(TRAINED_ABOVE_CHANCE * 100)} points above chance (${pct(chance)}) for every row`;
  const rows = [...new Set(cells.filter((cell) => cell.group === 'main').map((cell) => cell.row))];
  const measured = rows.flatMap((row) =>
    (['nonlinear', 'finetune'] as const).flatMap((protocol) => {
      const values = bestLayerValues(mainCells(cells, row), protocol);
      return values.length ? [{ label: `${mainCells(cells, row)[0]!.rowName} ${protocol}`, mean: summarize(values).mean }] : [];
    }),
  );
  if (!measured.length) return { anchor, outcome: 'pending', detail: 'no nonlinear or fine-tuning result yet.' };
  const below = measured.filter((entry) => entry.mean < chance + TRAINED_ABOVE_CHANCE);
  const lowest = measured.reduce((low, entry) => (entry.mean < low.mean ? entry : low));
  if (!below.length) return { anchor, outcome: 'met', detail: `lowest: ${lowest.label} ${pct(lowest.mean)} (best layer, mean over seeds).` };
  return { anchor, outcome: 'failed', detail: `below ${pct(chance + TRAINED_ABOVE_CHANCE)}: ${listSome(below.map((entry) => `${entry.label} ${pct(entry.mean)}`))}.` };
}

function nonlinearAtLeastLinear(cells: readonly CellScores[]): AnchorCheck {
  const anchor = `Frozen-prefix nonlinear ≥ linear probe on the same layer − ${Math.round(NONLINEAR_BELOW_LINEAR_TOLERANCE * 100)} point, every row`;
  const rows = [...new Set(cells.filter((cell) => cell.group === 'main').map((cell) => cell.row))];
  const pairs = rows.flatMap((row) => {
    const rowCells = mainCells(cells, row);
    const layers = [...new Set(rowCells.flatMap((cell) => cell.results.filter((r) => r.protocol === 'nonlinear').map((r) => r.layer)))].sort();
    return layers.flatMap((layer) => {
      const nonlinear = layerValues(rowCells, 'nonlinear', layer);
      const linear = layerValues(rowCells, 'linear', layer);
      return nonlinear.length && linear.length ? [{ label: `${rowCells[0]!.rowName} ${layer}`, nonlinear: summarize(nonlinear).mean, linear: summarize(linear).mean }] : [];
    });
  });
  if (!pairs.length) return { anchor, outcome: 'pending', detail: 'no row has both a nonlinear and a linear result on one layer yet.' };
  const below = pairs.filter((pair) => pair.nonlinear < pair.linear - NONLINEAR_BELOW_LINEAR_TOLERANCE);
  const shown = (pair: (typeof pairs)[number]) => `${pair.label} ${pct(pair.nonlinear)} vs linear ${pct(pair.linear)}`;
  if (!below.length) return { anchor, outcome: 'met', detail: `${pairs.length} row × layer pair(s) checked, e.g. ${shown(pairs[0]!)}.` };
  return {
    anchor,
    outcome: 'failed',
    detail: `below the linear probe: ${listSome(below.map(shown))} — the nonlinear protocol undertrains (too few epochs or training images).`,
  };
}

/** The anchors of issue #17, in the order a reader checks them. */
export function anchorChecks(cells: readonly CellScores[], classes = 10): AnchorCheck[] {
  return [supervisedFinetune(cells), randomLinear(cells), jigsawAboveRandom(cells), trainedProtocols(cells, 1 / classes), nonlinearAtLeastLinear(cells)];
}
