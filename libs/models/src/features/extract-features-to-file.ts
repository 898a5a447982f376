import type * as tf from '@tensorflow/tfjs';
import { extractFeatureBatches, featureExtractor, type ExtractFeaturesOptions, type FeatureLayout, type ImageSource } from './extract-features.js';
import { FeatureFileWriter } from './feature-file.js';

/**
 * Streams features at `tap` for every image of `source` into a `.npy` feature file at `path` (written atomically:
 * nothing appears at `path` unless every batch succeeded). Memory stays bounded by one batch.
 * Its JSON sidecar (`<path>.json`) records the layout plus `meta`.
 */
export async function extractFeaturesToFile(
  model: tf.LayersModel,
  tap: string,
  source: ImageSource,
  path: string,
  options: ExtractFeaturesOptions & { meta?: Record<string, unknown> } = {},
): Promise<{ rows: number; layout: FeatureLayout }> {
  const { meta, ...extractOptions } = options;
  const layout = featureExtractor(model, tap, extractOptions).layout;
  const writer = await FeatureFileWriter.create(path, layout.dims, { ...meta, layout });
  try {
    for await (const batch of extractFeatureBatches(model, tap, source, extractOptions)) await writer.append(batch.features);
    return { rows: await writer.close(), layout };
  } catch (error) {
    await writer.abort();
    throw error;
  }
}
