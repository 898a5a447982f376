/**
 * k-means on the WebGPU device of the 'webgpu' backend (libs/kmeans `WebGpuDistanceEngine`, a fused WGSL
 * distance + argmin kernel, sums on the device) against the CPU (wasm) engine: the same assignment, distances,
 * sums and, from the same initialisation, the same centroids; also with limits so small that the points and the
 * centroids are split into several chunks and passes; points a fit keeps resident stay on the device.
 */
import { assignToModel, fitKMeans, gaussianMixture, useWebGpuForKMeans, WasmDistanceEngine, WebGpuDistanceEngine, type GpuDeviceLike } from '@ktlab/kmeans';
import { Xoshiro128Float53 } from '@ktlab/random';
import { afterAll, expect, it } from 'vitest';
import { describeWebGpu, webGpuForTests } from '../testing/webgpu-for-tests.js';

const gpu = await webGpuForTests();
const wasm = new WasmDistanceEngine({ threads: 1 });
afterAll(() => wasm.dispose());

function randomMatrix(rows: number, columns: number, seed: number): Float32Array {
  const random = new Xoshiro128Float53(seed);
  return Float32Array.from({ length: rows * columns }, () => random.nextNormal());
}

async function assignWith(engine: WasmDistanceEngine | WebGpuDistanceEngine, points: Float32Array, centroids: Float32Array, k: number, dims: number) {
  await engine.setCentroids(centroids, k, dims);
  const rows = points.length / dims;
  const labels = new Int32Array(rows);
  const distances = new Float32Array(rows);
  // Two calls, as accumulateShard does with row blocks: the sums add up across them.
  const half = Math.floor(rows / 2) * dims;
  await engine.assign(points.subarray(0, half), labels.subarray(0, half / dims), distances.subarray(0, half / dims), true);
  await engine.assign(points.subarray(half), labels.subarray(half / dims), distances.subarray(half / dims), true);
  return { labels, distances, ...(await engine.readAccumulated()) };
}

describeWebGpu('k-means on webgpu', gpu, (runtime) => {
  const device = runtime.device as unknown as GpuDeviceLike;

  for (const [label, options] of [
    ['one chunk, one pass', {}],
    // 37 dims × 4 B = 148 B per row: 2 048 B bindings hold 13 rows / 13 centroids, so 301 points take 24 chunks
    // per call and 70 centroids 6 passes.
    ['points in chunks, centroids in passes (tiny binding limit)', { maxBindingBytes: 2048 }],
  ] as const) {
    it(`assigns, measures and accumulates like the wasm engine: ${label}`, async () => {
      const rows = 301, k = 70, dims = 37;
      const points = randomMatrix(rows, dims, 3);
      const centroids = randomMatrix(k, dims, 4);
      const engine = new WebGpuDistanceEngine(device, options);
      const onGpu = await assignWith(engine, points, centroids, k, dims);
      // 70×37 sums fit one default binding (taken on the device), not one of 2,048 bytes (taken on the CPU).
      expect(engine.sumsOnDevice).toBe(!('maxBindingBytes' in options));
      await engine.dispose();
      const onCpu = await assignWith(wasm, points, centroids, k, dims);
      expect(Array.from(onGpu.labels)).toEqual(Array.from(onCpu.labels));
      let worst = 0;
      onGpu.distances.forEach((d, i) => (worst = Math.max(worst, Math.abs(d - onCpu.distances[i]) / Math.max(1, onCpu.distances[i]))));
      console.log(`[webgpu] k-means assign (${label}): max relative distance difference ${worst.toExponential(1)}`);
      expect(worst).toBeLessThan(1e-5);
      expect(Array.from(onGpu.counts)).toEqual(Array.from(onCpu.counts));
      onGpu.sums.forEach((s, i) => expect(s).toBeCloseTo(onCpu.sums[i], 4));
    });
  }

  it('scores many tiles of rows and centroids like the wasm engine (sizes off the tile grid)', async () => {
    const rows = 1001, k = 203, dims = 131;
    const points = randomMatrix(rows, dims, 5);
    const centroids = randomMatrix(k, dims, 6);
    const engine = new WebGpuDistanceEngine(device);
    const onGpu = await assignWith(engine, points, centroids, k, dims);
    await engine.dispose();
    const onCpu = await assignWith(wasm, points, centroids, k, dims);
    expect(Array.from(onGpu.labels)).toEqual(Array.from(onCpu.labels));
    expect(Array.from(onGpu.counts)).toEqual(Array.from(onCpu.counts));
    let worst = 0;
    onGpu.sums.forEach((s, i) => (worst = Math.max(worst, Math.abs(s - onCpu.sums[i]) / Math.max(1, Math.abs(onCpu.sums[i])))));
    expect(worst).toBeLessThan(1e-5);
  });

  for (const [label, options] of [
    ['one chunk', {}],
    ['several chunks', { maxBindingBytes: 4096 }],
  ] as const) {
    it(`keeps the blocks a caller keeps resident on the device, and uploads again once they are released: ${label}`, async () => {
      const rows = 300, k = 20, dims = 16;
      const block = randomMatrix(rows, dims, 7);
      const centroids = randomMatrix(k, dims, 8);
      const engine = new WebGpuDistanceEngine(device, options);
      engine.keepResident([block]);
      expect(engine.residentBytes).toBe(0);
      const first = await assignWith(engine, block, centroids, k, dims);
      // assignWith passes two halves (other arrays than the kept block): they go up on every call.
      expect(engine.residentBytes).toBe(0);
      await engine.setCentroids(centroids, k, dims);
      const labels = new Int32Array(rows);
      const distances = new Float32Array(rows);
      await engine.assign(block, labels, distances, true);
      expect(engine.residentBytes).toBe(block.byteLength);
      expect(Array.from(labels)).toEqual(Array.from(first.labels));
      expect(Array.from((await engine.readAccumulated()).counts)).toEqual(Array.from(first.counts));

      engine.releaseResident();
      expect(engine.residentBytes).toBe(0);
      block.reverse();
      await engine.assign(block, labels, distances);
      await wasm.setCentroids(centroids, k, dims);
      const expected = new Int32Array(rows);
      await wasm.assign(block, expected, new Float32Array(rows));
      expect(Array.from(labels)).toEqual(Array.from(expected));
      await engine.dispose();
    });
  }

  it('uploads a kept block on every call when it does not fit the resident budget', async () => {
    const rows = 100, k = 10, dims = 8;
    const block = randomMatrix(rows, dims, 9);
    const engine = new WebGpuDistanceEngine(device, { maxResidentBytes: block.byteLength - 4 });
    engine.keepResident([block]);
    await engine.setCentroids(randomMatrix(k, dims, 10), k, dims);
    const labels = new Int32Array(rows);
    await engine.assign(block, labels, new Float32Array(rows));
    expect(engine.residentBytes).toBe(0);
    await engine.dispose();
  });

  it('a whole fit from the same initialisation ends at the same centroids as the wasm engine', async () => {
    const dims = 24;
    const data = gaussianMixture({ rows: 2000, dims, components: 12, centerSpread: 2, noise: 0.5, seed: 9 });
    const engine = new WebGpuDistanceEngine(device);
    const residentDuringFit: number[] = [];
    const viaGpu = await fitKMeans(data.points, dims, { k: 12, iterations: 8, seed: 4, engine, onIteration: () => residentDuringFit.push(engine.residentBytes) });
    // The training points went up once and stayed for every iteration; the fit let them go at its end.
    expect(residentDuringFit).toEqual(Array(8).fill(data.points.byteLength));
    expect(engine.residentBytes).toBe(0);
    await engine.dispose();
    const viaCpu = await fitKMeans(data.points, dims, { k: 12, iterations: 8, seed: 4, engine: wasm });
    expect(viaGpu.model.training!.engine).toBe('webgpu');
    let worst = 0;
    viaGpu.model.centroids.forEach((c, i) => (worst = Math.max(worst, Math.abs(c - viaCpu.model.centroids[i]))));
    console.log(`[webgpu] k-means fit: max centroid difference ${worst.toExponential(1)}`);
    expect(worst).toBeLessThan(1e-4);
  });

  it('is the default engine of fitKMeans and assignToModel once a GPU worker shares its device', async () => {
    const dims = 8;
    const data = gaussianMixture({ rows: 300, dims, components: 5, centerSpread: 2, noise: 0.3, seed: 1 });
    useWebGpuForKMeans(device);
    try {
      const { model } = await fitKMeans(data.points, dims, { k: 5, iterations: 3, seed: 2 });
      expect(model.training!.engine).toBe('webgpu');
      const onGpu = await assignToModel(model, data.points);
      useWebGpuForKMeans(undefined);
      const onCpu = await assignToModel(model, data.points);
      expect(Array.from(onGpu.labels)).toEqual(Array.from(onCpu.labels));
      expect((await fitKMeans(data.points, dims, { k: 5, iterations: 1, seed: 2 })).model.training!.engine).not.toBe('webgpu');
    } finally {
      useWebGpuForKMeans(undefined);
    }
  });
});
