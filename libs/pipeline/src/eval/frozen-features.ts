/**
 * Frozen features of labelled images at several conv layers, for the linear probe and kNN: one forward pass of
 * the evaluated net per image batch serves every layer (each pooled to ≤ PROBE_MAX_DIMS dims).
 */
import type * as tf from '@tensorflow/tfjs';
import type { ImageDataset } from '@ktlab/data';
import { extractFeaturesAtTaps } from '@ktlab/models';
import { asImages } from '../datasets';
import type { ProbeData } from './linear-probe';

/** Linear probes read features pooled to at most this many dimensions (the paper's Table 4: ~9k). */
export const PROBE_MAX_DIMS = 9216;

export async function frozenFeatures(
  model: tf.LayersModel,
  layers: readonly string[],
  data: ImageDataset,
  onProgress?: (done: number) => void,
): Promise<Map<string, ProbeData>> {
  if (!data.labels) throw new Error('frozenFeatures: the images have no labels');
  const labels = data.labels;
  const matrices = await extractFeaturesAtTaps(model, layers, asImages(data), {
    maxDims: PROBE_MAX_DIMS,
    batchSize: 128,
    onProgress: onProgress && (({ done }) => onProgress(done)),
  });
  return new Map([...matrices].map(([layer, matrix]) => [layer, { features: matrix.data, dims: matrix.dims, labels }]));
}
