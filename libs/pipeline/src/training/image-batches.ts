/** Training batches gathered from a dataset's images by index: the input tensor, and the rows' targets. */
import * as tf from '@tensorflow/tfjs';
import type { TrainingAugment } from '@ktlab/config';
import { imagesToTensor } from '@ktlab/models';
import { drawTransforms, transformImages } from './augment';
import type { asImages } from '../datasets';
import type { Batch } from './fit';

type Images = ReturnType<typeof asImages>;

/** Where a batch's random augmentation comes from: the config's settings, and the fit's seed and step. */
export interface BatchAugment {
  augment: TrainingAugment;
  seed: number;
  step: number;
}

function gatherImages(images: Images, indices: Int32Array, augment?: BatchAugment): tf.Tensor {
  const pixels = images.height * images.width * images.channels;
  let data: Uint8Array = new Uint8Array(indices.length * pixels);
  for (let i = 0; i < indices.length; i++) data.set(images.data.subarray(indices[i] * pixels, (indices[i] + 1) * pixels), i * pixels);
  if (augment) {
    const block = { ...images, data, count: indices.length };
    data = transformImages(block, drawTransforms(augment.augment, indices.length, images, augment.seed, augment.step));
  }
  return imagesToTensor({ ...images, data, count: indices.length });
}

/** Images and their class labels (int32), for softmax cross-entropy; augmented when `augment` is given. */
export function labelledBatch(images: Images, labels: Int32Array, indices: Int32Array, augment?: BatchAugment): Batch {
  const y = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) y[i] = labels[indices[i]];
  return { x: gatherImages(images, indices, augment), y: tf.tensor1d(y, 'int32') };
}

/** Images and their target rows (`dims` floats each, row-major in `targets`), for regression. */
export function regressionBatch(images: Images, targets: Float32Array, dims: number, indices: Int32Array): Batch {
  const y = new Float32Array(indices.length * dims);
  for (let i = 0; i < indices.length; i++) y.set(targets.subarray(indices[i] * dims, (indices[i] + 1) * dims), i * dims);
  return { x: gatherImages(images, indices), y: tf.tensor2d(y, [indices.length, dims]) };
}
