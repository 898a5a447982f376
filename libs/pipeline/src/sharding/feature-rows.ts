/**
 * Features of a run of images, the same whether the run's worker extracts a whole dataset in process or a
 * shard worker extracts one row range: the conv network's activations max-pooled to a grid, or HOG.
 * Every image's features depend only on the weights and that image, so shards concatenate to the whole.
 */
import type * as tf from '@tensorflow/tfjs';
import type { ImageDataset } from '@ktlab/data';
import { extractFeatures, hogFeatures } from '@ktlab/models';
import { asImages } from '../datasets';

export interface FeatureSource {
  /** Absent: HOG descriptors. */
  network?: tf.LayersModel;
  layer: string;
  grid: readonly [number, number];
}

export interface FeatureRows {
  data: Float32Array;
  dims: number;
}

/** Images [start, end) of a dataset, without copying their pixels. */
export function imageRange(dataset: ImageDataset, start: number, end: number) {
  if (!(start >= 0 && end <= dataset.count && start < end)) throw new RangeError(`rows [${start}, ${end}) are outside the dataset's ${dataset.count} images`);
  const images = asImages(dataset);
  const perImage = images.height * images.width * images.channels;
  return { ...images, data: images.data.subarray(start * perImage, end * perImage), count: end - start };
}

export async function featureRows(source: FeatureSource, images: ReturnType<typeof asImages>, onProgress?: (done: number) => void): Promise<FeatureRows> {
  if (!source.network) {
    const hog = hogFeatures(images);
    return { data: hog.data, dims: hog.dims };
  }
  const matrix = await extractFeatures(source.network, source.layer, images, {
    grid: [...source.grid] as [number, number],
    batchSize: 64,
    onProgress: onProgress && (({ done }) => onProgress(done)),
  });
  return { data: matrix.data, dims: matrix.dims };
}
