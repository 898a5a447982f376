/** Synthetic labelled images for the nonlinear protocol's tests (issue #17). */
import type { ImageDataset } from '@ktlab/data';
import { Sfc32 } from '@ktlab/random';

/**
 * Two classes of noisy grey `size`×`size` images with faint stripes, horizontal (class 0) or vertical (class 1),
 * ±`amplitude` grey levels: a random net's conv5 features carry the class as a small variation on a large
 * constant offset, like the Random row's CIFAR-10 features.
 */
export function faintStripes(count: number, seed: number, amplitude = 6, size = 32): ImageDataset {
  const random = new Sfc32(seed);
  const images = new Uint8Array(count * size * size * 3);
  const labels = Int32Array.from({ length: count }, (_, i) => i % 2);
  for (let n = 0; n < count; n++) {
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const stripe = ((labels[n] ? x : y) >> 1) % 2 ? amplitude : -amplitude;
        for (let c = 0; c < 3; c++) images[((n * size + y) * size + x) * 3 + c] = Math.round(128 + stripe + (random.nextFloat() - 0.5) * 60);
      }
    }
  }
  return { count, size, channels: 3, images, labels, classes: ['horizontal', 'vertical'], ids: [], skipped: [], loadedFrom: 'source' };
}
