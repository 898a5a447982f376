/**
 * Re-measurements a study's report puts beside its own numbers, each written to `<report>/cross-checks/` by
 * `npm run study -- --scale <s> --cross-check <name>`: the Random row's linear probe rebuilt in PyTorch
 * (random-linear, tools/study/cross-checks/random_linear.py), and the nonlinear protocol at larger training budgets
 * (nonlinear-budget, tools/study/cross-checks/nonlinear-budget.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ALPHA, bestLayerValues, type CellResult, layerValues, RANDOM_LINEAR_RANGE, summarize, type Summary, welchTest } from '@ktlab/study';

export const RANDOM_LINEAR_FILE = join('cross-checks', 'random-linear.json');
export const NONLINEAR_BUDGET_FILE = join('cross-checks', 'nonlinear-budget.json');

const scoreSchema = z.object({ dims: z.number().int().positive(), top1: z.number().min(0).max(1) });

export const randomLinearSchema = z.object({
  net: z.object({ arch: z.string(), widthMultiplier: z.number(), imageSize: z.number(), init: z.string() }),
  probe: z.object({ epochs: z.number().int().positive(), maxDims: z.number().int().positive() }).passthrough(),
  images: z.object({ train: z.number().int().positive(), test: z.number().int().positive() }),
  machine: z.object({ cpuModel: z.string(), isa: z.string(), threads: z.number().int().positive(), torch: z.string() }).passthrough(),
  seeds: z.array(z.object({ seed: z.number().int(), layers: z.record(z.string(), scoreSchema), pixels: scoreSchema })).min(1),
  wallSeconds: z.number().nonnegative(),
});

export type RandomLinearCrossCheck = z.infer<typeof randomLinearSchema>;

const budgetSchema = z.object({ images: z.number().int().positive(), epochs: z.number().positive() });

export const nonlinearBudgetSchema = z.object({
  cell: z.string(),
  images: z.object({ train: z.number().int().positive(), test: z.number().int().positive() }),
  protocol: budgetSchema.extend({ augment: z.unknown() }),
  machine: z.object({ cpuModel: z.string(), isa: z.string(), backend: z.string(), threads: z.number().int().positive() }).passthrough(),
  layers: z.array(
    z.object({
      layer: z.string(),
      boundary: z.string(),
      dims: z.number().int().positive(),
      linear: z.number().min(0).max(1).nullable(),
      nonlinearAsRun: z.number().min(0).max(1).nullable(),
      results: z.array(budgetSchema.extend({ top1: z.number().min(0).max(1), seconds: z.number().nonnegative() })).min(1),
    }),
  ),
  wallSeconds: z.number().nonnegative(),
});

export type NonlinearBudgetCheck = z.infer<typeof nonlinearBudgetSchema>;

/** A cross-check written for the report in `outDir`, or undefined when it was not run; a malformed file throws, naming it. */
function readCrossCheck<T>(outDir: string, name: string, schema: z.ZodType<T>): T | undefined {
  const file = join(outDir, name);
  if (!existsSync(file)) return undefined;
  const parsed = schema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    throw new Error(`${file}: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ')}`);
  }
  return parsed.data;
}

export const readRandomLinear = (outDir: string) => readCrossCheck(outDir, RANDOM_LINEAR_FILE, randomLinearSchema);
export const readNonlinearBudget = (outDir: string) => readCrossCheck(outDir, NONLINEAR_BUDGET_FILE, nonlinearBudgetSchema);

const pct = (value: number) => `${(value * 100).toFixed(1)}%`;
const cell = (summary: Summary) => (summary.n ? (summary.n > 1 ? `${(summary.mean * 100).toFixed(1)} ± ${(summary.std * 100).toFixed(1)}` : (summary.mean * 100).toFixed(1)) : '—');
const pValue = (p: number) => (p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`);

/** What the two implementations' best layers say about the Random anchor, in one sentence. */
function verdict(ktlab: Summary, torch: Summary): string {
  const [low, high] = RANDOM_LINEAR_RANGE;
  const { p } = welchTest(ktlab, torch);
  const difference = (ktlab.mean - torch.mean) * 100;
  const compared = `ktlab's Random row ${pct(ktlab.mean)} (n = ${ktlab.n}) vs PyTorch ${pct(torch.mean)} (n = ${torch.n}) at the best layer: ${difference >= 0 ? '+' : ''}${difference.toFixed(1)} points${Number.isFinite(p) ? `, Welch ${pValue(p)}` : ''}`;
  const torchInRange = torch.mean >= low && torch.mean <= high;
  const ktlabInRange = ktlab.mean >= low && ktlab.mean <= high;
  const agree = Math.abs(difference) < 2 || (Number.isFinite(p) && p >= ALPHA);
  if (agree && !torchInRange) {
    return `${compared}. The two implementations agree and both lie outside the anchor's ${pct(low)}–${pct(high)}: that range does not fit this net and this probe on 32×32 images (a property of random conv features here, not a ktlab bug); the anchor stays reported as failed.`;
  }
  if (agree) return `${compared}. The two implementations agree.`;
  if (torchInRange && !ktlabInRange) return `${compared}. PyTorch lands inside the anchor's ${pct(low)}–${pct(high)} and ktlab does not: ktlab's Random row is suspect.`;
  return `${compared}. The two implementations disagree by more than the seeds' noise: one of them measures something else.`;
}

/** The report section: ktlab's Random row beside the PyTorch rebuild, layer by layer, with raw pixels as a floor. */
export function randomLinearSection(cells: readonly CellResult[], check: RandomLinearCrossCheck | undefined): string[] {
  if (!check) return [];
  const random = cells.filter((c) => c.group === 'main' && c.row === 'random');
  const layers = Object.keys(check.seeds[0]!.layers);
  const ktlabLayer = (layer: string) => summarize(layerValues(random, 'linear', layer));
  const torchLayer = (layer: string) => summarize(check.seeds.flatMap((seed) => (seed.layers[layer] ? [seed.layers[layer]!.top1] : [])));
  const torchBest = summarize(check.seeds.map((seed) => Math.max(...Object.values(seed.layers).map((score) => score.top1))));
  const ktlabBest = summarize(bestLayerValues(random, 'linear'));
  const pixels = summarize(check.seeds.map((seed) => seed.pixels.top1));
  const { machine } = check;
  return [
    '### Cross-check: the Random row rebuilt in PyTorch',
    '',
    `[tools/study/cross-checks/random_linear.py](../../../tools/study/cross-checks/random_linear.py) measures the Random row again without ktlab: the same AlexNet-style net (width × ${check.net.widthMultiplier}, ${check.net.imageSize}×${check.net.imageSize} images; ${check.net.init}) initialised by PyTorch's own generator, features at each conv block max-pooled to the same grids (${layers.map((layer) => `${layer} ${check.seeds[0]!.layers[layer]!.dims}`).join(', ')} dims), standardised, and a softmax classifier trained with Adam for ${check.probe.epochs} epochs on ${check.images.train.toLocaleString('en')} train-split images, scored on ${check.images.test.toLocaleString('en')} test images; the same probe on the raw pixels (${check.seeds[0]!.pixels.dims.toLocaleString('en')} dims) is the floor. ${check.seeds.length} seed(s); ${machine.cpuModel} (${machine.isa}), ${machine.threads} thread(s), torch ${machine.torch}, ${Math.round(check.wallSeconds / 60)} min.`,
    '',
    `| Linear probe, top-1 (%) | ${layers.join(' | ')} | pixels | n |`,
    `| --- | ${layers.map(() => '---').join(' | ')} | --- | --- |`,
    `| ktlab Random row (this study) | ${layers.map((layer) => cell(ktlabLayer(layer))).join(' | ')} | — | ${random.length} |`,
    `| PyTorch, never-trained net | ${layers.map((layer) => cell(torchLayer(layer))).join(' | ')} | ${cell(pixels)} | ${check.seeds.length} |`,
    '',
    ktlabBest.n ? verdict(ktlabBest, torchBest) : `No Random cell has finished yet; PyTorch's best layer reaches ${pct(torchBest.mean)}.`,
    '',
  ];
}

const budgetText = (budget: { images: number; epochs: number }) => `${budget.images.toLocaleString('en')} images × ${budget.epochs} epochs`;

/** The report section: per nonlinear layer, what the trained layers reach at each budget, beside the protocol and the linear probe. */
export function nonlinearBudgetSection(check: NonlinearBudgetCheck | undefined): string[] {
  if (!check) return [];
  const rows = check.layers.flatMap((layer) => [
    ...(layer.nonlinearAsRun === null ? [] : [`| ${layer.layer} | the protocol as the cell ran it (${budgetText(check.protocol)}, augmented) | ${pct(layer.nonlinearAsRun)} |`]),
    ...layer.results.map((result) => `| ${layer.layer} | ${budgetText(result)}, cached features | ${pct(result.top1)} |`),
    ...(layer.linear === null ? [] : [`| ${layer.layer} | linear probe (same frozen layer) | ${pct(layer.linear)} |`]),
  ]);
  const verdicts = check.layers.map((layer) => {
    const best = layer.results.reduce((a, b) => (b.top1 > a.top1 ? b : a));
    const atProtocol = layer.results.find((r) => r.images === check.protocol.images && r.epochs === check.protocol.epochs);
    const gain = atProtocol ? ` (${(best.top1 - atProtocol.top1 >= 0 ? '+' : '')}${((best.top1 - atProtocol.top1) * 100).toFixed(1)} points over the protocol's budget on the same cached features)` : '';
    if (layer.linear === null) return `- ${layer.layer}: best ${pct(best.top1)} with ${budgetText(best)}${gain}.`;
    const reaches = best.top1 >= layer.linear - 0.01;
    return `- ${layer.layer}: best ${pct(best.top1)} with ${budgetText(best)}${gain}, ${reaches ? 'at or above' : 'still below'} the linear probe's ${pct(layer.linear)}${reaches ? ': the protocol\'s budget, not the frozen features, held the nonlinear score down' : ''}.`;
  });
  return [
    '### Cross-check: the nonlinear protocol\'s training budget',
    '',
    `[tools/study/cross-checks/nonlinear-budget.ts](../../../tools/study/cross-checks/nonlinear-budget.ts) takes the trained network of ${check.cell} and, for each nonlinear layer, trains the protocol's layers (same classifier, seeds, optimizer and cosine schedule) on the frozen part's standardised output computed once per image — so without augmentation — at the protocol's budget and at larger ones, scored on ${check.images.test.toLocaleString('en')} test images. ${check.machine.cpuModel} (${check.machine.isa}), ${check.machine.backend}, ${check.machine.threads} thread(s), ${Math.round(check.wallSeconds / 60)} min.`,
    '',
    '| Layer | Trained on | top-1 |',
    '| --- | --- | --- |',
    ...rows,
    '',
    ...verdicts,
    '',
  ];
}
