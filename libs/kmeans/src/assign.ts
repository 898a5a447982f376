/** Pseudo-labels for any dataset from a trained model (fit on one dataset, assign on another). */
import type { DistanceEngine } from './engine/distance-engine.js';
import { defaultDistanceEngine } from './engine/select-engine.js';
import { forEachBlock, toRowBlocks } from './matrix.js';
import type { KMeansModel } from './model.js';
import { applyPreprocessing } from './preprocessing.js';

export interface Assignment {
  /** Nearest centroid per row. */
  labels: Int32Array;
  /** Squared L2 distance to it, in the preprocessed space. */
  distances: Float32Array;
}

export interface AssignOptions {
  engine?: DistanceEngine;
  threads?: number;
  /** Rows preprocessed at a time, bounding temporary memory (default 16384). */
  rowsPerBatch?: number;
}

export async function assignToModel(
  model: KMeansModel, data: Float32Array | readonly Float32Array[], options: AssignOptions = {},
): Promise<Assignment> {
  const inputDims = model.preprocessing.inputDims;
  const matrix = toRowBlocks(data, inputDims);
  const rowsPerBatch = options.rowsPerBatch ?? 16384;
  const labels = new Int32Array(matrix.rows);
  const distances = new Float32Array(matrix.rows);
  const engine = options.engine ?? defaultDistanceEngine({ threads: options.threads });
  try {
    await engine.setCentroids(model.centroids, model.k, model.dims);
    const batches: Array<[Float32Array, number]> = [];
    forEachBlock(matrix, (block, firstRow) => {
      const rows = block.length / inputDims;
      for (let start = 0; start < rows; start += rowsPerBatch) {
        const end = Math.min(rows, start + rowsPerBatch);
        batches.push([block.subarray(start * inputDims, end * inputDims), firstRow + start]);
      }
    });
    for (const [batch, firstRow] of batches) {
      const rows = batch.length / inputDims;
      const mapped = applyPreprocessing(model.preprocessing, batch);
      await engine.assign(mapped, labels.subarray(firstRow, firstRow + rows), distances.subarray(firstRow, firstRow + rows));
    }
  } finally {
    if (!options.engine) await engine.dispose();
  }
  return { labels, distances };
}
