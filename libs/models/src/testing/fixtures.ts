import * as tf from '@tensorflow/tfjs';
import type { Uint8Images } from '../features/uint8-images.js';

/** Tests run on tfjs's pure-JS cpu backend: deterministic and available everywhere. */
export async function useCpuBackend(): Promise<void> {
  await tf.setBackend('cpu');
  await tf.ready();
}

/** Deterministic pseudo-random uint8 images (a small LCG, so fixtures need no files). */
export function randomImages(count: number, size: number, channels = 3, seed = 1): Uint8Images {
  const data = new Uint8Array(count * size * size * channels);
  let state = seed >>> 0;
  for (let i = 0; i < data.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    data[i] = state >>> 24;
  }
  return { data, count, height: size, width: size, channels };
}

/** Output shape (without the batch axis) of a named layer. */
export function layerShape(model: tf.LayersModel, name: string): number[] {
  return (model.getLayer(name).getOutputAt(0) as tf.SymbolicTensor).shape.slice(1) as number[];
}
