import type { ImageStack } from '../images';
import { Xoshiro128 } from '@ktlab/random';

/** A stack of uint8 noise images (a tiny, reproducible fixture; no real data needed). */
export function randomImages(count: number, height: number, width: number, channels: 1 | 3 = 3, seed = 1): ImageStack {
  const rng = new Xoshiro128(seed);
  const data = new Uint8Array(count * height * width * channels);
  for (let i = 0; i < data.length; i++) data[i] = rng.nextInt(256);
  return { data, count, height, width, channels };
}
