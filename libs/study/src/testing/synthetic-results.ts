/** Made-up cell results for report tests: no training, values from a formula with per-seed jitter. */
import { cellResult, type CellResult } from '../cell-result';
import type { StudyCell, StudyPlan } from '../plan';

export type ValueOf = (cell: StudyCell, protocol: string, layer: string) => number;

type Result = CellResult['results'][number];

/** A transfer cell's rows: detection (mAP@0.5, mAP) and segmentation (mean IoU), frozen and fine-tuned. */
function denseResults(cell: StudyCell, valueOf: ValueOf): Result[] {
  const metrics = { detection: ['map50', 'map'], segmentation: ['miou'] } as const;
  return (['detection', 'segmentation'] as const).flatMap((protocol) =>
    ['frozen', 'all'].flatMap((layer) => metrics[protocol].map((metric) => ({ protocol, layer, dataset: 'test', metric, value: valueOf(cell, `${protocol}/${metric}`, layer) }))),
  );
}

export function syntheticCell(cell: StudyCell, valueOf: ValueOf, protocols = ['linear', 'nonlinear', 'finetune'], wallSeconds = 60): CellResult {
  const layers = ['conv1', 'conv2', 'conv3', 'conv4', 'conv5'];
  const results =
    cell.group === 'transfer'
      ? denseResults(cell, valueOf)
      : protocols.flatMap((protocol) =>
          (protocol === 'finetune' ? ['all'] : layers).map((layer) => ({ protocol: protocol as Result['protocol'], layer, dataset: 'test', metric: 'top1', value: valueOf(cell, protocol, layer) })),
        );
  return {
    ...cellResult(cell, {
      results,
      wallSeconds,
      stageSeconds: { eval: wallSeconds },
      reused: cell.row === 'cc-jigsaw++' && cell.group !== 'main' ? ['pretext from cc-jigsaw++-s0'] : [],
      startedAt: '2026-01-01T00:00:00.000Z',
      finishedAt: '2026-01-01T00:01:00.000Z',
      machine: { cpuModel: 'Test CPU', isa: 'AVX2', cores: 2, loadAverage: 1.5, backend: 'ktlab-wasm (cpu)', threads: 2, where: 'local' },
    }),
    // Made-up counts, like the values: not the plan configs' limits.
    images: { train: 800, evalTrain: 1000, test: 500 },
  };
}

/** Accuracy by the paper's ordering, with a small per-seed jitter. */
export const paperLikeValue: ValueOf = (cell, protocol, layer) => {
  const rank: Record<string, number> = {
    random: 0.15, jigsaw: 0.3, 'jigsaw++': 0.32, 'cc-hog': 0.28, 'cc-random-network': 0.25, 'cc-jigsaw++': 0.38,
    'cc-vgg-jigsaw++': 0.42, 'regression-vgg-jigsaw++': 0.33, supervised: 0.6, rotation: 0.29, 'cc-rotation': 0.36,
  };
  let value = rank[cell.row]! + (protocol === 'linear' ? 0 : 0.05) + (layer === 'conv4' ? 0.02 : 0);
  if (cell.k !== undefined && cell.group === 'clusters') value += cell.k === 5 ? -0.05 : cell.k === 10 ? -0.02 : cell.k === 50 ? -0.01 : 0;
  if (cell.domain === 'half-A→test') value -= 0.01;
  return value + [0, 0.004, -0.004][cell.seed % 3]!;
};

export function syntheticResults(plan: StudyPlan, valueOf: ValueOf = paperLikeValue) {
  return { cells: plan.cells.map((cell) => syntheticCell(cell, valueOf)), missing: [], stale: [] };
}
