/**
 * Runs the same computation on the tfjs `cpu` backend and on another backend from identical inputs, for
 * kernel tests. Agreement is measured as max |actual − expected| / max |expected| over all elements, so a
 * tolerance of 1e-5 means every element is within 1e-5 of the result's scale.
 */
import * as tf from '@tensorflow/tfjs';

export type Computation = (inputs: tf.Tensor[]) => tf.Tensor | tf.Tensor[];

export interface InputSpec {
  shape: number[];
  seed: number;
}

async function runOn(backend: string, specs: InputSpec[], values: Float32Array[], compute: Computation): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const inputs = specs.map((spec, i) => tf.tensor(values[i], spec.shape));
    const outputs = compute(inputs);
    return (Array.isArray(outputs) ? outputs : [outputs]).map((t) => t.dataSync() as Float32Array);
  });
}

export function relativeError(expected: Float32Array, actual: Float32Array): number {
  if (expected.length !== actual.length) throw new Error(`length ${actual.length} differs from expected ${expected.length}`);
  let maxDifference = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    maxDifference = Math.max(maxDifference, Math.abs(expected[i] - actual[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  if (Number.isNaN(maxDifference)) return Number.NaN;
  return scale === 0 ? maxDifference : maxDifference / scale;
}

/** The relative error of each output of `compute` on `backend` against the cpu backend. */
export async function errorsAgainstCpu(backend: string, specs: InputSpec[], compute: Computation): Promise<number[]> {
  await tf.setBackend('cpu');
  const values = specs.map((spec) => tf.tidy(() => tf.randomNormal(spec.shape, 0, 1, 'float32', spec.seed).dataSync() as Float32Array));
  const expected = await runOn('cpu', specs, values, compute);
  const actual = await runOn(backend, specs, values, compute);
  if (actual.length !== expected.length) throw new Error(`${actual.length} outputs, expected ${expected.length}`);
  return expected.map((e, i) => relativeError(e, actual[i]));
}
