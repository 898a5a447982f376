/** Writes a clustering's arrays as .npy files for Python users: centroids, labels, distances, features. */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { KMeansModel } from './model.js';
import { writeNpy } from './npy.js';

export interface ClusteringExport {
  model: KMeansModel;
  /** Pseudo-labels (int32, one per image) and distances to their centroid. */
  labels?: Int32Array;
  distances?: Float32Array;
  /** Features as row blocks of `model.preprocessing.inputDims` columns (written without concatenation). */
  features?: Float32Array | readonly Float32Array[];
}

/** Writes centroids.npy [k, dims] and, when given, labels.npy [n], distances.npy [n], features.npy [n, d]. */
export async function exportClusteringNpy(directory: string, data: ClusteringExport): Promise<string[]> {
  await mkdir(directory, { recursive: true });
  const written: string[] = [];
  const write = async (name: string, blocks: Float32Array | Int32Array | readonly Float32Array[], shape: number[]) => {
    const path = join(directory, name);
    await writeNpy(path, blocks, shape);
    written.push(path);
  };
  const { model } = data;
  await write('centroids.npy', model.centroids, [model.k, model.dims]);
  if (data.labels) await write('labels.npy', data.labels, [data.labels.length]);
  if (data.distances) await write('distances.npy', data.distances, [data.distances.length]);
  if (data.features) {
    const blocks = data.features instanceof Float32Array ? [data.features] : data.features;
    const dims = model.preprocessing.inputDims;
    const rows = blocks.reduce((sum, block) => sum + block.length, 0) / dims;
    if (!Number.isInteger(rows)) throw new RangeError(`features do not tile into rows of ${dims}`);
    await write('features.npy', blocks, [rows, dims]);
  }
  return written;
}
