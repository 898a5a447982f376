/**
 * k-means over points split into shards that may live on different workers (the paper clustered 1.3M images'
 * features; one machine need not hold them all). The coordinator — whoever holds the run — draws a seeded
 * sample from every shard to fit the preprocessing and the k-means++ init, then runs Lloyd iterations as
 * map (every shard: sums and counts for the current centroids) and reduce (lloyd-step.ts). It never needs
 * the whole matrix; `ShardedPoints` says how the shards are reached (in memory, or via the run queue).
 */
import { clusterSizeStats } from '../cluster-stats.js';
import { iterationRandom, reduceShards, type ShardPartial } from '../lloyd-step.js';
import { kMeansPlusPlusInit } from '../init.js';
import type { IterationMetrics } from '../kmeans.js';
import { toRowBlocks } from '../matrix.js';
import type { KMeansModel } from '../model.js';
import { applyPreprocessing, fitPreprocessing, isIdentityPreprocessing, type PreprocessingOptions } from '../preprocessing.js';
import { Xoshiro128Float53 } from '@ktlab/random';
import { SAMPLE_SALT } from './row-sample.js';
import type { MapStep } from './shard-steps.js';

/** The shards of a fit, however they are reached. */
export interface ShardedPoints {
  /** Rows in each shard, in shard order (the rows of shard s follow those of shard s − 1). */
  readonly shardRows: readonly number[];
  readonly dims: number;
  /** Every shard's sampled rows (`sampleShardRows`), in shard order. */
  sample(fraction: number, seed: number, salt: number): Promise<Float32Array[]>;
  /** The map step on every shard (`accumulateShardTrainingRows`); partials in any order. */
  accumulate(step: MapStep): Promise<ShardPartial[]>;
}

export interface ShardedFitOptions {
  k: number;
  iterations: number;
  seed: number;
  /** Train on about this many points per centroid (a seeded per-row sample); 0 trains on every row. */
  maxPointsPerCentroid: number;
  preprocessing?: PreprocessingOptions;
  /** Rows sampled for the preprocessing fit and the k-means++ seeding (default max(20·k, 10,000)). */
  initSampleSize?: number;
  /** Continue after a checkpoint that `onIteration` handed out. */
  resume?: ShardedFitCheckpoint;
  /** After every iteration: its metrics, and a checkpoint to resume from. */
  onIteration?(metrics: IterationMetrics, checkpoint: ShardedFitCheckpoint): Promise<void> | void;
}

export interface ShardedFitCheckpoint {
  iteration: number;
  centroids: Float32Array;
  preprocessing: KMeansModel['preprocessing'];
}

export async function fitKMeansSharded(points: ShardedPoints, options: ShardedFitOptions): Promise<{ model: KMeansModel; history: IterationMetrics[] }> {
  const started = performance.now();
  const { k, seed } = options;
  const totalRows = points.shardRows.reduce((sum, rows) => sum + rows, 0);
  if (totalRows < k) throw new RangeError(`k=${k} clusters need at least ${k} points, got ${totalRows}`);
  const trainingLimit = options.maxPointsPerCentroid > 0 ? k * options.maxPointsPerCentroid : Infinity;
  const trainingFraction = Math.min(1, trainingLimit / totalRows);

  let preprocessing = options.resume?.preprocessing;
  let centroids = options.resume?.centroids;
  if (!preprocessing || !centroids) {
    const initRows = Math.min(totalRows, options.initSampleSize ?? Math.max(20 * k, 10_000));
    const shardSamples = await points.sample(initRows / totalRows, seed, SAMPLE_SALT.init);
    const sample = toRowBlocks(shardSamples.filter((rows) => rows.length > 0), points.dims);
    if (sample.rows < k) throw new RangeError(`the init sample drew ${sample.rows} rows for k=${k}; raise initSampleSize`);
    const random = new Xoshiro128Float53(seed);
    preprocessing = fitPreprocessing(sample, options.preprocessing ?? {}, random);
    const prepared = isIdentityPreprocessing(preprocessing)
      ? sample
      : toRowBlocks(sample.blocks.map((block) => applyPreprocessing(preprocessing!, block)), preprocessing.outputDims);
    centroids = kMeansPlusPlusInit(prepared, k, random);
  }

  const history: IterationMetrics[] = [];
  let trainingRows = Math.round(totalRows * trainingFraction);
  for (let iteration = (options.resume?.iteration ?? 0) + 1; iteration <= options.iterations; iteration++) {
    const iterationStart = performance.now();
    const partials = await points.accumulate({ iteration, centroids, k, preprocessing, trainingFraction, seed, salt: SAMPLE_SALT.training });
    const update = reduceShards(partials, points.shardRows.length, centroids, k, iterationRandom(seed, iteration));
    centroids = update.centroids;
    trainingRows = update.rows;
    const metrics: IterationMetrics = {
      iteration,
      inertia: update.inertia,
      sizes: clusterSizeStats(update.counts),
      emptySplits: update.emptySplits,
      seconds: (performance.now() - iterationStart) / 1000,
    };
    history.push(metrics);
    await options.onIteration?.(metrics, { iteration, centroids, preprocessing });
  }
  const model: KMeansModel = {
    k,
    dims: preprocessing.outputDims,
    centroids,
    preprocessing,
    training: {
      datasetRows: totalRows,
      trainingRows,
      iterations: options.iterations,
      seed,
      init: 'kmeans++',
      finalInertia: history.at(-1)?.inertia ?? Number.NaN,
      engine: `sharded×${points.shardRows.length}`,
      seconds: (performance.now() - started) / 1000,
    },
  };
  return { model, history };
}
