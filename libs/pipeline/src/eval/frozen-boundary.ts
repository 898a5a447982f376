/**
 * Where a protocol that freezes conv1…conv<k> hands the frozen features to the layers it trains, and how those
 * features are scaled there (issue #17).
 *
 * Frozen features reach the trained layers at whatever scale the frozen net produces. On a never-trained net
 * (the Random row: batch norm still at its default statistics, mean 0 / variance 1) the AlexNet-style pool5
 * features of 32×32 CIFAR-10 images have a per-dimension mean of ~0.23 and a per-dimension std of ~0.08:
 * He-initialised fc6 sees a large constant offset and a tiny signal (a quarter of its units never fire on 1,000
 * training images, another quarter always do), and SGD barely moves (loss ~2.0 after 2 epochs of 50k images,
 * 36% top-1 against the 55% of the linear probe, which standardises its features). So the boundary is
 * standardised with statistics of the training images, as the linear probe does
 * and as a frozen batch norm would: each feature (a channel of a spatial boundary, a dimension of a flat one)
 * becomes (x − mean) / √(variance + ε). The statistics are computed once, in inference mode, from a seeded
 * choice of training images, so a run (and a resumed run) is deterministic per seed.
 */
import * as tf from '@tensorflow/tfjs';
import { shuffleIndices, subsetDataset, type ImageDataset } from '@ktlab/data';
import { imagesToTensor, sliceImages, splitAt, type SplitModel } from '@ktlab/models';
import { asImages } from '../datasets';

/** Layers without weights that behave the same in training and inference: the frozen part may include them. */
const PASS_THROUGH = new Set(['MaxPooling2D', 'AveragePooling2D', 'GlobalMaxPooling2D', 'GlobalAveragePooling2D', 'Flatten', 'Reshape', 'ReLU']);

/** Batch norm's ε in the nets (conv-block.ts), so a boundary standardises like a batch norm with these statistics. */
export const BOUNDARY_EPSILON = 1e-5;

/** Training images the boundary statistics are estimated from, at most (a seeded choice when there are more). */
export const BOUNDARY_STATISTICS_IMAGES = 10_000;

export interface FrozenSplit extends SplitModel {
  /** The layer whose output the trained part reads: the tap, or the last weightless layer after it (pool5 → flatten). */
  boundary: string;
}

/**
 * Splits a classifier for "conv1…`tap` frozen": the frozen part runs through the weightless layers after the
 * tap (pooling, flatten), so the trained part starts at its first layer with weights (fc6 after conv5, conv3
 * after conv2) and the standardisation sits at that layer's input. Dispose `upper` when done (see splitAt).
 */
export function frozenSplit(model: tf.LayersModel, tap: string): FrozenSplit {
  const first = splitAt(model, tap);
  let boundary = first.lower.outputs[0].sourceLayer.name;
  for (const layer of first.upper.layers.slice(1)) {
    if (!PASS_THROUGH.has(layer.getClassName()) || layer.weights.length > 0) break;
    boundary = layer.name;
  }
  if (boundary === first.lower.outputs[0].sourceLayer.name) return { ...first, boundary };
  first.upper.dispose();
  return { ...splitAt(model, boundary), boundary };
}

/** Per-feature statistics of a frozen boundary (the last axis: channels, or the dimensions of flat features). */
export interface BoundaryStatistics {
  mean: Float32Array;
  /** Biased variance over images (and positions, for a spatial boundary). */
  variance: Float32Array;
  /** How many images they were estimated from. */
  images: number;
}

/**
 * Mean and variance of `lower`'s output per feature over `images` (inference mode), combined batch by batch in
 * float64 (Chan et al.'s pairwise update), so they do not depend on float32 sums over many rows.
 */
export async function boundaryStatistics(lower: tf.LayersModel, images: ImageDataset, batchSize = 128): Promise<BoundaryStatistics> {
  const data = asImages(images);
  const channels = lower.outputs[0].shape.at(-1) as number;
  const mean = new Float64Array(channels);
  const m2 = new Float64Array(channels);
  let rows = 0;
  for (let start = 0; start < images.count; start += batchSize) {
    const count = Math.min(batchSize, images.count - start);
    const [batchMean, batchVariance, batchRows] = tf.tidy(() => {
      const y = lower.predict(imagesToTensor(sliceImages(data, start, count)), { batchSize: count }) as tf.Tensor;
      const flat = y.reshape([-1, channels]);
      const moments = tf.moments(flat, 0);
      return [moments.mean, moments.variance, flat.shape[0]] as const;
    });
    const [bm, bv] = await Promise.all([batchMean.data(), batchVariance.data()]);
    tf.dispose([batchMean, batchVariance]);
    const total = rows + batchRows;
    for (let c = 0; c < channels; c++) {
      const delta = bm[c] - mean[c];
      mean[c] += (delta * batchRows) / total;
      m2[c] += bv[c] * batchRows + (delta * delta * rows * batchRows) / total;
    }
    rows = total;
  }
  if (rows === 0) throw new Error('boundaryStatistics: no images');
  return { mean: Float32Array.from(mean), variance: Float32Array.from(m2, (v) => v / rows), images: images.count };
}

/** The training images the statistics are estimated from: all of them, or a seeded choice of BOUNDARY_STATISTICS_IMAGES. */
export function statisticsImages(train: ImageDataset, seed: number, limit = BOUNDARY_STATISTICS_IMAGES): ImageDataset {
  if (train.count <= limit) return train;
  return subsetDataset(train, Int32Array.from(shuffleIndices(train.count, seed).subarray(0, limit)).sort());
}

/** (x − mean) / √(variance + ε) along the last axis; holds two small tensors until disposed. */
export class BoundaryStandardiser {
  private readonly mean: tf.Tensor1D;
  private readonly scale: tf.Tensor1D;

  constructor(statistics: Pick<BoundaryStatistics, 'mean' | 'variance'>) {
    this.mean = tf.tensor1d(statistics.mean);
    this.scale = tf.tensor1d(Float32Array.from(statistics.variance, (v) => 1 / Math.sqrt(v + BOUNDARY_EPSILON)));
  }

  apply(features: tf.Tensor): tf.Tensor {
    return tf.tidy(() => features.sub(this.mean).mul(this.scale));
  }

  dispose(): void {
    this.mean.dispose();
    this.scale.dispose();
  }
}
