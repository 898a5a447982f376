/**
 * What one worker does with one shard of a sharded k-means fit (sharded-fit.ts): pure functions of the
 * shard's rows, so they run the same in-process or on another machine.
 */
import type { DistanceEngine } from '../engine/distance-engine.js';
import { accumulateShard, type ShardPartial } from '../lloyd-step.js';
import { forEachBlock, toRowBlocks, type RowBlocks } from '../matrix.js';
import { applyPreprocessing, isIdentityPreprocessing, type Preprocessing } from '../preprocessing.js';
import { inRowSample } from './row-sample.js';

/** The rows of a shard (starting at global row `firstRow`) that fall in the seeded sample, in row order. */
export function sampleShardRows(points: RowBlocks, firstRow: number, fraction: number, seed: number, salt: number): Float32Array {
  const { dims } = points;
  const picked: Float32Array[] = [];
  forEachBlock(points, (block, blockFirstRow) => {
    const rows = block.length / dims;
    for (let i = 0; i < rows; i++) {
      if (inRowSample(seed, salt, firstRow + blockFirstRow + i, fraction)) picked.push(block.subarray(i * dims, (i + 1) * dims));
    }
  });
  const out = new Float32Array(picked.length * dims);
  picked.forEach((row, i) => out.set(row, i * dims));
  return out;
}

export interface MapStep {
  iteration: number;
  /** k×dims centroids in the preprocessed space. */
  centroids: Float32Array;
  k: number;
  preprocessing: Preprocessing;
  /** Probability that a row takes part in the iterations (1 = every row). */
  trainingFraction: number;
  seed: number;
  salt: number;
}

/** Map step of one Lloyd iteration on one shard: its training rows, preprocessed, accumulated. */
export async function accumulateShardTrainingRows(
  engine: DistanceEngine, points: RowBlocks, firstRow: number, shard: number, step: MapStep,
): Promise<ShardPartial> {
  let rows = step.trainingFraction >= 1 ? points : toRowBlocks(sampleShardRows(points, firstRow, step.trainingFraction, step.seed, step.salt), points.dims);
  if (!isIdentityPreprocessing(step.preprocessing)) {
    rows = toRowBlocks(rows.blocks.map((block) => applyPreprocessing(step.preprocessing, block)), step.preprocessing.outputDims);
  }
  return accumulateShard(engine, step.centroids, step.k, rows, shard);
}
