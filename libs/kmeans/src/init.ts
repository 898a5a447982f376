/** Initial centroids: k-means++ (Arthur & Vassilvitskii 2007) on a subsample, or k distinct random points. */
import { gatherRows, type RowBlocks } from './matrix.js';
import type { Xoshiro128Float53 } from '@ktlab/random';

/** Squared distance of every sample point to its nearest centre chosen so far. */
export interface MinDistanceTracker {
  readonly minDistances: Float32Array;
  /** Adds sample row `row` as a centre and lowers `minDistances` accordingly. */
  addCenter(row: number): void;
}

export type MinDistanceTrackerFactory = (points: Float32Array, dims: number) => MinDistanceTracker;

/** Plain-JavaScript tracker (the reference; the wasm one is used by default in training). */
export function createJsMinDistanceTracker(points: Float32Array, dims: number): MinDistanceTracker {
  const rows = points.length / dims;
  const minDistances = new Float32Array(rows).fill(Infinity);
  return {
    minDistances,
    addCenter(row: number): void {
      const center = points.subarray(row * dims, (row + 1) * dims);
      for (let i = 0; i < rows; i++) {
        let sum = 0;
        const base = i * dims;
        for (let p = 0; p < dims; p++) {
          const diff = points[base + p] - center[p];
          sum += diff * diff;
        }
        if (sum < minDistances[i]) minDistances[i] = sum;
      }
    },
  };
}

/** k distinct rows chosen uniformly. */
export function randomInit(points: RowBlocks, k: number, random: Xoshiro128Float53): Float32Array {
  if (points.rows < k) throw new RangeError(`cannot pick ${k} initial centroids from ${points.rows} points`);
  return gatherRows(points, random.sampleIndices(points.rows, k));
}

export interface KMeansPlusPlusOptions {
  /** Points the seeding looks at (default: min(rows, 20·k)). */
  sampleSize?: number;
  trackerFactory?: MinDistanceTrackerFactory;
}

/**
 * k-means++ on a random subsample: each next centre is a sample point drawn with probability proportional to
 * its squared distance to the nearest centre already chosen.
 */
export function kMeansPlusPlusInit(
  points: RowBlocks, k: number, random: Xoshiro128Float53, options: KMeansPlusPlusOptions = {},
): Float32Array {
  if (points.rows < k) throw new RangeError(`cannot pick ${k} initial centroids from ${points.rows} points`);
  const sampleSize = Math.max(k, Math.min(points.rows, options.sampleSize ?? 20 * k));
  const sampleRows = random.sampleIndices(points.rows, sampleSize);
  const sample = gatherRows(points, sampleRows);
  const { dims } = points;
  const tracker = (options.trackerFactory ?? createJsMinDistanceTracker)(sample, dims);
  const centroids = new Float32Array(k * dims);
  const chosen = new Uint8Array(sampleSize);
  let next = random.nextInt(sampleSize);
  for (let c = 0; c < k; c++) {
    chosen[next] = 1;
    centroids.set(sample.subarray(next * dims, (next + 1) * dims), c * dims);
    if (c === k - 1) break;
    tracker.addCenter(next);
    next = drawProportional(tracker.minDistances, chosen, random);
  }
  return centroids;
}

/** An index drawn with probability ∝ weights[i]; falls back to a not-yet-chosen index when all weights are 0. */
function drawProportional(weights: Float32Array, chosen: Uint8Array, random: Xoshiro128Float53): number {
  let total = 0;
  for (let i = 0; i < weights.length; i++) if (!chosen[i]) total += weights[i];
  if (total > 0) {
    let target = random.nextFloat() * total;
    for (let i = 0; i < weights.length; i++) {
      if (chosen[i]) continue;
      target -= weights[i];
      if (target < 0) return i;
    }
  }
  // Duplicate points (or rounding at the very end of the scan): take any unchosen point.
  const start = random.nextInt(weights.length);
  for (let step = 0; step < weights.length; step++) {
    const i = (start + step) % weights.length;
    if (!chosen[i]) return i;
  }
  throw new Error('k-means++ ran out of points');
}
