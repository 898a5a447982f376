/**
 * One Lloyd iteration split into a map and a reduce, so the points can live on several workers.
 *
 * map    `accumulateShard`: for one shard of the points and the current centroids, the per-cluster sums,
 *        counts and the shard's inertia (assign + accumulate, nothing else).
 * reduce `reduceShards`: adds every shard's partial in shard order and turns the totals into the next
 *        centroids, refilling empty clusters.
 *
 * Shards are fixed by the data (a run cuts its rows into shards once), never by how many workers there
 * are, and the reduce adds them in shard order: one worker mapping every shard and three workers mapping
 * a third each produce the same bits. In-process k-means (`fitKMeans`) is the one-shard case of the same code.
 */
import { clusterSizeStats, type ClusterSizeStats } from './cluster-stats.js';
import type { DistanceEngine } from './engine/distance-engine.js';
import { splitEmptyClusters } from './empty-clusters.js';
import { forEachBlock, type RowBlocks } from './matrix.js';
import { Xoshiro128Float53 } from '@ktlab/random';

export interface ShardPartial {
  /** 0-based shard index within the run's shard plan. */
  shard: number;
  rows: number;
  /** Sum over the shard's rows of the squared distance to the nearest centroid (float64, in row order). */
  inertia: number;
  /** k×dims per-cluster sums of the shard's rows. */
  sums: Float64Array;
  /** Rows per cluster. */
  counts: Float64Array;
}

export interface LloydUpdate {
  /** The next centroids (k×dims). */
  centroids: Float32Array;
  /** Sizes of the clusters this iteration assigned (before empty clusters were refilled). */
  sizes: ClusterSizeStats;
  counts: Float64Array;
  inertia: number;
  rows: number;
  emptySplits: number;
}

/**
 * Map: assigns every row of `points` to its nearest centroid and accumulates the cluster sums.
 * `labels`/`distances`, when given, receive the per-row assignment (length ≥ points.rows).
 */
export async function accumulateShard(
  engine: DistanceEngine,
  centroids: Float32Array,
  k: number,
  points: RowBlocks,
  shard: number,
  out: { labels?: Int32Array; distances?: Float32Array } = {},
): Promise<ShardPartial> {
  await engine.setCentroids(centroids, k, points.dims);
  const labels = out.labels ?? new Int32Array(points.rows);
  const distances = out.distances ?? new Float32Array(points.rows);
  const blocks: Array<[Float32Array, number]> = [];
  forEachBlock(points, (block, firstRow) => blocks.push([block, firstRow]));
  for (const [block, firstRow] of blocks) {
    const rows = block.length / points.dims;
    await engine.assign(block, labels.subarray(firstRow, firstRow + rows), distances.subarray(firstRow, firstRow + rows), true);
  }
  let inertia = 0;
  for (let i = 0; i < points.rows; i++) inertia += distances[i];
  const { sums, counts } = await engine.readAccumulated();
  return { shard, rows: points.rows, inertia, sums, counts };
}

/**
 * The random stream that refills empty clusters in a given iteration. Derived from (seed, iteration) rather
 * than carried over from earlier iterations, so a coordinator that resumes at iteration i needs only the
 * centroids of iteration i − 1.
 */
export function iterationRandom(seed: number, iteration: number): Xoshiro128Float53 {
  return new Xoshiro128Float53((Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(iteration, 0x85ebca77)) >>> 0);
}

/**
 * Reduce: the next centroids from every shard's partial. `shardCount` partials with indices 0…shardCount−1
 * must be present exactly once (a missing or repeated shard would silently bias the centroids); they may
 * arrive in any order.
 */
export function reduceShards(
  partials: readonly ShardPartial[],
  shardCount: number,
  previous: Float32Array,
  k: number,
  random: Xoshiro128Float53,
): LloydUpdate {
  const dims = previous.length / k;
  if (!Number.isInteger(dims) || dims < 1) throw new RangeError(`previous centroids hold ${previous.length} values, not k×dims for k=${k}`);
  const ordered = [...partials].sort((a, b) => a.shard - b.shard);
  const seen = ordered.map((partial) => partial.shard);
  const expected = Array.from({ length: shardCount }, (_, shard) => shard);
  if (seen.length !== shardCount || seen.some((shard, i) => shard !== expected[i])) {
    throw new Error(`reduce needs shards 0…${shardCount - 1} exactly once, got [${seen.join(', ')}]`);
  }
  const sums = new Float64Array(k * dims);
  const counts = new Float64Array(k);
  let inertia = 0;
  let rows = 0;
  for (const partial of ordered) {
    if (partial.sums.length !== sums.length || partial.counts.length !== k) {
      throw new RangeError(`shard ${partial.shard} holds sums for ${partial.counts.length} clusters × ${partial.sums.length / Math.max(1, partial.counts.length)} dims, expected ${k} × ${dims}`);
    }
    for (let i = 0; i < sums.length; i++) sums[i] += partial.sums[i];
    for (let c = 0; c < k; c++) counts[c] += partial.counts[c];
    inertia += partial.inertia;
    rows += partial.rows;
  }
  const sizes = clusterSizeStats(counts);
  const centroids = new Float32Array(k * dims);
  for (let c = 0; c < k; c++) {
    const base = c * dims;
    if (counts[c] === 0) {
      // Kept only if no cluster can be split (fewer than 2 points anywhere else).
      centroids.set(previous.subarray(base, base + dims), base);
      continue;
    }
    const inverse = 1 / counts[c];
    for (let p = 0; p < dims; p++) centroids[base + p] = sums[base + p] * inverse;
  }
  const splitCounts = counts.slice();
  const emptySplits = splitEmptyClusters(centroids, splitCounts, dims, random);
  return { centroids, sizes, counts, inertia, rows, emptySplits };
}

/** Contiguous, near-equal row ranges: the shard plan of a dataset of `rows` rows. */
export function planShards(rows: number, shardCount: number): Array<{ shard: number; start: number; end: number }> {
  if (!Number.isInteger(rows) || rows < 0) throw new RangeError(`rows must be a non-negative integer, got ${rows}`);
  if (!Number.isInteger(shardCount) || shardCount < 1) throw new RangeError(`shardCount must be a positive integer, got ${shardCount}`);
  const count = Math.min(shardCount, Math.max(1, rows));
  return Array.from({ length: count }, (_, shard) => ({
    shard,
    start: Math.floor((shard * rows) / count),
    end: Math.floor(((shard + 1) * rows) / count),
  }));
}
