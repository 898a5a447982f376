import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fitKMeans } from '../kmeans.js';
import { Xoshiro128Float53 } from '@ktlab/random';
import { gaussianMixture } from '../synthetic.js';
import { TfDistanceEngine } from './tf-engine.js';
import { WasmDistanceEngine } from './wasm-engine.js';
import { selectDistanceEngine } from './select-engine.js';

describe('TfDistanceEngine (tfjs cpu backend)', () => {
  const wasm = new WasmDistanceEngine({ threads: 2 });
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  afterAll(async () => {
    await wasm.dispose();
  });

  it('assigns and accumulates like the wasm engine', async () => {
    const random = new Xoshiro128Float53(5);
    const rows = 301, k = 17, dims = 23;
    const points = Float32Array.from({ length: rows * dims }, () => random.nextNormal());
    const centroids = Float32Array.from({ length: k * dims }, () => random.nextNormal());
    const engine = new TfDistanceEngine(tf, { rowsPerChunk: 64 });
    const results: Array<{ labels: Int32Array; distances: Float32Array; sums: Float64Array; counts: Float64Array }> = [];
    for (const e of [engine, wasm]) {
      await e.setCentroids(centroids, k, dims);
      const labels = new Int32Array(rows);
      const distances = new Float32Array(rows);
      await e.assign(points, labels, distances, true);
      results.push({ labels, distances, ...(await e.readAccumulated()) });
    }
    expect(results[0].labels).toEqual(results[1].labels);
    results[0].distances.forEach((d, i) => expect(d).toBeCloseTo(results[1].distances[i], 3));
    expect(results[0].counts).toEqual(results[1].counts);
    results[0].sums.forEach((s, i) => expect(s).toBeCloseTo(results[1].sums[i], 3));
    const tensorsBefore = tf.memory().numTensors;
    await engine.dispose();
    expect(tf.memory().numTensors).toBe(tensorsBefore - 4);
  });

  it('drives a whole k-means fit to the same clustering as the wasm engine', async () => {
    const data = gaussianMixture({ rows: 400, dims: 8, components: 6, centerSpread: 3, noise: 0.3, seed: 2 });
    const engine = new TfDistanceEngine(tf);
    const viaTf = await fitKMeans(data.points, 8, { k: 6, iterations: 5, seed: 1, engine });
    const viaWasm = await fitKMeans(data.points, 8, { k: 6, iterations: 5, seed: 1, engine: wasm });
    await engine.dispose();
    viaTf.model.centroids.forEach((c, i) => expect(c).toBeCloseTo(viaWasm.model.centroids[i], 4));
    expect(viaTf.model.training!.engine).toBe('tfjs-cpu');
  });

  it('is selected for GPU backends or on request; the wasm engine otherwise', async () => {
    const onCpu = selectDistanceEngine({ tf, threads: 1 });
    const requested = selectDistanceEngine({ tf, preferTf: true });
    expect(onCpu).toBeInstanceOf(WasmDistanceEngine);
    expect(requested).toBeInstanceOf(TfDistanceEngine);
    await Promise.all([onCpu.dispose(), requested.dispose()]);
  });
});
