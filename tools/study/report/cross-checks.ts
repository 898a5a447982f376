/**
 * Independent re-measurements a study's report puts beside its own numbers. Today one: the Random row's linear
 * probe rebuilt in PyTorch (tools/study/cross-checks/random_linear.py), written to
 * `<report>/cross-checks/random-linear.json` by `npm run study -- --scale <s> --cross-check random-linear`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ALPHA, bestLayerValues, type CellResult, layerValues, RANDOM_LINEAR_RANGE, summarize, type Summary, welchTest } from '@ktlab/study';

export const RANDOM_LINEAR_FILE = join('cross-checks', 'random-linear.json');

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

/** The cross-check written for the report in `outDir`, or undefined when none was run; a malformed file throws, naming it. */
export function readRandomLinear(outDir: string): RandomLinearCrossCheck | undefined {
  const file = join(outDir, RANDOM_LINEAR_FILE);
  if (!existsSync(file)) return undefined;
  const parsed = randomLinearSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    throw new Error(`${file}: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ')}`);
  }
  return parsed.data;
}

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
