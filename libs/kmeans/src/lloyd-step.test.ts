import { afterAll, describe, expect, it } from 'vitest';
import { WasmDistanceEngine } from './engine/wasm-engine.js';
import { fitKMeans } from './kmeans.js';
import { accumulateShard, iterationRandom, planShards, reduceShards, type ShardPartial } from './lloyd-step.js';
import { toRowBlocks } from './matrix.js';
import { decodeShardPartial, encodeShardPartial } from './shard-partial-codec.js';
import { gaussianMixture } from './synthetic.js';

const dims = 12;
const k = 16;
const data = gaussianMixture({ rows: 1_000, dims, components: 20, noise: 0.7, seed: 21 });
const initial = data.points.slice(0, k * dims);
const shards = planShards(1_000, 5);
const engines = [new WasmDistanceEngine({ threads: 1 }), new WasmDistanceEngine({ threads: 2 }), new WasmDistanceEngine({ threads: 1 })];
afterAll(async () => Promise.all(engines.map((engine) => engine.dispose())));

/** Sharded Lloyd as the scale-out runs it: each worker maps its shards, partials travel as bytes, one reduce. */
async function shardedLloyd(workers: number, iterations: number, seed: number): Promise<Float32Array> {
  let centroids: Float32Array = initial.slice();
  for (let iteration = 1; iteration <= iterations; iteration++) {
    const partials: ShardPartial[] = [];
    for (const { shard, start, end } of shards) {
      const engine = engines[shard % workers];
      const partial = await accumulateShard(engine, centroids, k, toRowBlocks(data.points.subarray(start * dims, end * dims), dims), shard);
      partials.push(decodeShardPartial(encodeShardPartial(partial)));
    }
    partials.reverse(); // arrival order must not matter
    centroids = reduceShards(partials, shards.length, centroids, k, iterationRandom(seed, iteration)).centroids;
  }
  return centroids;
}

describe('sharded Lloyd (map per shard, reduce in shard order)', () => {
  it('gives the same bits with one worker or three, and matches in-process k-means', async () => {
    const one = await shardedLloyd(1, 6, 3);
    const three = await shardedLloyd(3, 6, 3);
    expect(three).toEqual(one);
    const inProcess = await fitKMeans(data.points, dims, { k, iterations: 6, init: initial, seed: 3, maxPointsPerCentroid: 0, threads: 1 });
    // One shard sums the rows in another order than five: equal up to float rounding.
    for (let i = 0; i < one.length; i++) expect(one[i]).toBeCloseTo(inProcess.model.centroids[i], 5);
  });

  it('refuses a reduce with a missing or repeated shard', async () => {
    const partial = await accumulateShard(engines[0], initial, k, toRowBlocks(data.points.subarray(0, 200 * dims), dims), 0);
    expect(() => reduceShards([partial], 2, initial, k, iterationRandom(0, 1))).toThrow(/shards 0…1 exactly once, got \[0\]/);
    expect(() => reduceShards([partial, partial], 2, initial, k, iterationRandom(0, 1))).toThrow(/got \[0, 0\]/);
  });

  it('counts every row once and refills empty clusters', async () => {
    const stacked = new Float32Array(k * dims);
    for (let c = 0; c < k; c++) stacked.set(data.points.subarray(0, dims), c * dims); // all but one start empty
    const partials = [];
    for (const { shard, start, end } of shards) {
      partials.push(await accumulateShard(engines[0], stacked, k, toRowBlocks(data.points.subarray(start * dims, end * dims), dims), shard));
    }
    const update = reduceShards(partials, shards.length, stacked, k, iterationRandom(1, 1));
    expect(update.rows).toBe(1_000);
    expect(update.counts.reduce((a, b) => a + b, 0)).toBe(1_000);
    expect(update.sizes.empty).toBe(k - 1);
    expect(update.emptySplits).toBe(k - 1);
    expect(update.centroids.every(Number.isFinite)).toBe(true);
  });
});

describe('planShards', () => {
  it('cuts rows into contiguous near-equal ranges that cover everything once', () => {
    const plan = planShards(1_003, 4);
    expect(plan.map((s) => s.end - s.start)).toEqual([250, 251, 251, 251]);
    expect(plan[0].start).toBe(0);
    expect(plan.at(-1)!.end).toBe(1_003);
    for (let i = 1; i < plan.length; i++) expect(plan[i].start).toBe(plan[i - 1].end);
    expect(planShards(2, 5)).toHaveLength(2);
    expect(() => planShards(10, 0)).toThrow(/shardCount/);
  });
});

describe('shard partial codec', () => {
  it('round-trips exactly and names a truncated or foreign file', () => {
    const partial: ShardPartial = { shard: 7, rows: 3, inertia: 1 / 3, sums: Float64Array.from([0.1, -2, Math.PI, 4]), counts: Float64Array.from([1, 2]) };
    const bytes = encodeShardPartial(partial);
    expect(decodeShardPartial(bytes)).toEqual(partial);
    expect(() => decodeShardPartial(bytes.subarray(0, bytes.length - 8), 'shard-7.part')).toThrow(/shard-7.part: .*truncated/);
    expect(() => decodeShardPartial(new Uint8Array(64))).toThrow(/not a k-means shard partial/);
  });
});
