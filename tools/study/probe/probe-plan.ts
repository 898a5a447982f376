/**
 * The pretext probe (`npm run study -- --scale probe`): does the Jigsaw pretext leave chance on CIFAR-10, at
 * which permutation-set size, puzzle image size and network width, and after how many puzzles? Each cell trains
 * one pretext network with images held out, records top-1 on a fixed set of held-out puzzles as it trains
 * (`pretext.heldOutImages`), then linear-probes its conv layers on labelled images.
 *
 * Cells are listed cheapest first, so a sitting that stops early still answers the cheap end of the grid.
 */
import { join } from 'node:path';
import { findPreset, pipelineConfigSchema, type PipelineConfig } from '@ktlab/config';

export interface ProbeCell {
  id: string;
  task: 'jigsaw' | 'jigsaw++';
  permutations: number;
  imageSize: number;
  widthMultiplier: number;
  config: PipelineConfig;
}

export const PROBE_DESIGN = {
  /** Images the pretext trains on (after the held-out ones are set aside). */
  trainImages: 10_000,
  heldOutImages: 1_000,
  epochs: 5,
  batchSize: 64,
  /** Puzzles between two held-out measurements. */
  measureEvery: 5_000,
  evalTrainImages: 5_000,
  testImages: 2_000,
  linearEpochs: 10,
  seed: 0,
} as const;

/** The grid, cheapest first: width, then image size, then the task and permutation count. */
export const PROBE_GRID: readonly { task: ProbeCell['task']; permutations: number; imageSize: number; widthMultiplier: number }[] = [0.25, 0.5].flatMap(
  (widthMultiplier) =>
    [48, 64].flatMap((imageSize) => [
      { task: 'jigsaw' as const, permutations: 30, imageSize, widthMultiplier },
      { task: 'jigsaw' as const, permutations: 100, imageSize, widthMultiplier },
      { task: 'jigsaw' as const, permutations: 701, imageSize, widthMultiplier },
      { task: 'jigsaw++' as const, permutations: 701, imageSize, widthMultiplier },
    ]),
);

export function probeCellId(cell: Pick<ProbeCell, 'task' | 'permutations' | 'imageSize' | 'widthMultiplier'>): string {
  return `${cell.task}-p${cell.permutations}-s${cell.imageSize}-w${cell.widthMultiplier}`;
}

export function probeCellConfig(dataRoot: string, cell: Omit<ProbeCell, 'id' | 'config'>): PipelineConfig {
  const d = PROBE_DESIGN;
  const train = { path: join(dataRoot, 'train'), format: 'folder' as const, limit: d.trainImages + d.heldOutImages };
  const input = findPreset(cell.task).build({ data: train, seed: d.seed });
  if (input.kind !== 'pipeline') throw new Error(`preset ${cell.task} is not a pipeline`);
  input.pretext = {
    ...input.pretext,
    permutations: cell.permutations,
    imageSize: cell.imageSize,
    widthMultiplier: cell.widthMultiplier,
    epochs: d.epochs,
    batchSize: d.batchSize,
    heldOutImages: d.heldOutImages,
    heldOutEvery: d.measureEvery,
  };
  input.evaluation = {
    ...input.evaluation,
    protocols: ['linear'],
    epochs: d.linearEpochs,
    train: { path: join(dataRoot, 'train'), format: 'folder', limit: d.evalTrainImages },
    test: { path: join(dataRoot, 'test'), format: 'folder', limit: d.testImages },
  };
  return pipelineConfigSchema.parse(input);
}

export function planProbe(dataRoot: string, only?: readonly string[]): ProbeCell[] {
  const cells = PROBE_GRID.map((spec) => ({ id: probeCellId(spec), ...spec, config: probeCellConfig(dataRoot, spec) }));
  if (!only) return cells;
  const unknown = only.filter((id) => !cells.some((cell) => cell.id === id));
  if (unknown.length) throw new Error(`unknown probe cell(s) ${unknown.join(', ')}; the grid: ${cells.map((cell) => cell.id).join(', ')}`);
  return cells.filter((cell) => only.includes(cell.id));
}
