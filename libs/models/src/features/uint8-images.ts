import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';

/** A batch of images as decoded pixels: `count` images, NHWC, row-major, one byte per channel value. */
export interface Uint8Images {
  data: Uint8Array;
  count: number;
  height: number;
  width: number;
  channels: number;
}

/**
 * How pixels become network inputs: `unit` maps 0…255 to 0…1; `{ mean, std }` (per channel, in 0…1 units)
 * standardises after that. Training and feature extraction must use the same one.
 */
export const normalizationSchema = z.union([
  z.literal('unit'),
  z.strictObject({ mean: z.array(z.number()).min(1), std: z.array(z.number().positive()).min(1) }),
]);
export type Normalization = z.infer<typeof normalizationSchema>;

export function assertUint8Images(images: Uint8Images, what = 'images'): void {
  const { data, count, height, width, channels } = images;
  for (const [key, value] of Object.entries({ count, height, width, channels })) {
    if (!Number.isInteger(value) || value < (key === 'count' ? 0 : 1)) throw new Error(`${what}: ${key} must be a positive integer, got ${value}`);
  }
  const expected = count * height * width * channels;
  if (data.length !== expected) {
    throw new Error(`${what}: data has ${data.length} bytes but ${count}×${height}×${width}×${channels} = ${expected} were expected`);
  }
}

/** Images `start … start+count-1` of a batch, without copying pixels. */
export function sliceImages(images: Uint8Images, start: number, count: number): Uint8Images {
  const size = images.height * images.width * images.channels;
  return { ...images, count, data: images.data.subarray(start * size, (start + count) * size) };
}

/** A float32 NHWC tensor of the images, normalised. The caller owns (disposes) it. */
export function imagesToTensor(images: Uint8Images, normalization: Normalization = 'unit'): tf.Tensor4D {
  assertUint8Images(images);
  const { count, height, width, channels } = images;
  const size = images.data.length;
  const values = new Float32Array(size);
  if (normalization === 'unit') {
    for (let i = 0; i < size; i++) values[i] = images.data[i] / 255;
  } else {
    const { mean, std } = normalization;
    if (mean.length !== channels || std.length !== channels) {
      throw new Error(`imagesToTensor: normalization has ${mean.length} means and ${std.length} stds for ${channels}-channel images`);
    }
    const scale = std.map((s) => 1 / (255 * s));
    const shift = mean.map((m, c) => m / std[c]);
    for (let i = 0; i < size; i++) {
      const c = i % channels;
      values[i] = images.data[i] * scale[c] - shift[c];
    }
  }
  return tf.tensor4d(values, [count, height, width, channels]);
}
