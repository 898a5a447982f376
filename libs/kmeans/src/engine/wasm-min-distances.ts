/**
 * Single-threaded SIMD "distance to the nearest chosen centre" updates for k-means++ seeding, on the same
 * kernel module as the Lloyd engine (its own small shared memory).
 */
import { createSharedMemory, ensureMemoryBytes, planRegions } from './shared-memory.js';
import { instantiateKernel, loadLloydKernel } from './wasm-kernel.js';
import type { MinDistanceTracker } from '../init.js';

export function createWasmMinDistanceTracker(points: Float32Array, dims: number): MinDistanceTracker {
  const rows = points.length / dims;
  const memory = createSharedMemory();
  const kernel = instantiateKernel(loadLloydKernel('simd'), memory);
  const { offsets, end } = planRegions({ points: points.length * 4, center: dims * 4, minDistances: rows * 4 });
  ensureMemoryBytes(memory, end);
  new Float32Array(memory.buffer, offsets.points, points.length).set(points);
  const minDistances = new Float32Array(memory.buffer, offsets.minDistances, rows).fill(Infinity);
  const center = new Float32Array(memory.buffer, offsets.center, dims);
  return {
    minDistances,
    addCenter(row: number): void {
      center.set(points.subarray(row * dims, (row + 1) * dims));
      kernel.updateMinDistances(offsets.points, dims, rows, offsets.center, offsets.minDistances);
    },
  };
}
