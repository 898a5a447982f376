/**
 * Lloyd k-means, faiss-style: optional subsampling to `maxPointsPerCentroid`·k training points, optional
 * PCA-whitening/L2 preprocessing fitted on them, k-means++ or random init, then iterations of
 * assign (fused nearest-centroid kernel) → inertia and size metrics → centroid update → empty-cluster splits
 * (lloyd-step.ts: the same map/reduce that sharded, multi-worker k-means uses).
 */
import { z } from 'zod';
import type { ClusterSizeStats } from './cluster-stats.js';
import type { DistanceEngine } from './engine/distance-engine.js';
import { createWasmMinDistanceTracker } from './engine/wasm-min-distances.js';
import { defaultDistanceEngine } from './engine/select-engine.js';
import { kMeansPlusPlusInit, randomInit } from './init.js';
import { gatherRows, toRowBlocks, type RowBlocks } from './matrix.js';
import { accumulateShard, iterationRandom, reduceShards } from './lloyd-step.js';
import { labelAgreement, type LabelAgreement } from './metrics.js';
import type { KMeansModel } from './model.js';
import { applyPreprocessing, fitPreprocessing, isIdentityPreprocessing } from './preprocessing.js';
import { Xoshiro128Float53 } from '@ktlab/random';

export interface IterationMetrics {
  /** 1-based. */
  iteration: number;
  /** Sum of squared distances of the training points to their assigned (pre-update) centroids. */
  inertia: number;
  sizes: ClusterSizeStats;
  /** Empty clusters refilled by splitting a large one after this iteration's update. */
  emptySplits: number;
  seconds: number;
  /** Agreement of the training points' labels with `groundTruth`, when given. */
  agreement?: LabelAgreement;
}

const optionsSchema = z.object({
  k: z.number().int().min(1),
  iterations: z.number().int().min(0).default(20),
  seed: z.number().int().default(1234),
  init: z.union([z.enum(['kmeans++', 'random']), z.instanceof(Float32Array)]).default('kmeans++'),
  /** Points k-means++ seeding looks at (default min(training rows, 20·k)). */
  kMeansPlusPlusSampleSize: z.number().int().min(1).optional(),
  /** Train on at most this many points per centroid (a seeded random subset); 0 trains on everything. */
  maxPointsPerCentroid: z.number().int().min(0).default(256),
  preprocessing: z
    .object({
      pcaDims: z.number().int().min(1).optional(),
      whiten: z.boolean().optional(),
      l2Normalize: z.boolean().optional(),
      pcaSampleSize: z.number().int().min(2).optional(),
    })
    .optional(),
  /** Threads for the default wasm engine. */
  threads: z.number().int().min(1).optional(),
  /** Engine to use (not disposed); default: `defaultDistanceEngine()` (wasm, or WebGPU on a GPU worker), created and disposed here. */
  engine: z.custom<DistanceEngine>((value) => typeof value === 'object' && value !== null && 'assign' in value).optional(),
  /** Labels of every dataset row, to report NMI/ARI/purity per iteration. */
  groundTruth: z.custom<ArrayLike<number>>((value) => typeof value === 'object' && value !== null && 'length' in value).optional(),
  onIteration: z.custom<(metrics: IterationMetrics) => void>((value) => typeof value === 'function').optional(),
});

export type KMeansOptions = z.input<typeof optionsSchema>;

export interface KMeansFit {
  model: KMeansModel;
  history: IterationMetrics[];
  /** Dataset row indices the iterations used (all rows when not subsampled). */
  trainingRows: Int32Array;
}

export async function fitKMeans(data: Float32Array | readonly Float32Array[], dims: number, options: KMeansOptions): Promise<KMeansFit> {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) throw new Error(`invalid k-means options: ${z.prettifyError(parsed.error)}`);
  const opts = parsed.data;
  const started = performance.now();
  const dataset = toRowBlocks(data, dims);
  const { k } = opts;
  if (dataset.rows < k) throw new RangeError(`k=${k} clusters need at least ${k} points, got ${dataset.rows}`);
  if (opts.groundTruth && opts.groundTruth.length !== dataset.rows) {
    throw new RangeError(`groundTruth has ${opts.groundTruth.length} labels for ${dataset.rows} rows`);
  }
  const random = new Xoshiro128Float53(opts.seed);

  const trainingLimit = opts.maxPointsPerCentroid > 0 ? k * opts.maxPointsPerCentroid : Infinity;
  const trainingRows = dataset.rows > trainingLimit
    ? random.sampleIndices(dataset.rows, trainingLimit).sort()
    : Int32Array.from({ length: dataset.rows }, (_, i) => i);
  const rawTraining = trainingRows.length === dataset.rows ? dataset : toRowBlocks(gatherRows(dataset, trainingRows), dims);

  const preprocessing = fitPreprocessing(rawTraining, opts.preprocessing ?? {}, random);
  const training = isIdentityPreprocessing(preprocessing)
    ? rawTraining
    : toRowBlocks(rawTraining.blocks.map((block) => applyPreprocessing(preprocessing, block)), preprocessing.outputDims);
  const centroidDims = training.dims;

  let centroids = initialCentroids(opts.init, training, k, random, opts.kMeansPlusPlusSampleSize);
  const engine = opts.engine ?? defaultDistanceEngine({ threads: opts.threads });
  const { groundTruth } = opts;
  const truth = groundTruth ? Int32Array.from(trainingRows, (row) => groundTruth[row]) : undefined;
  const history: IterationMetrics[] = [];
  // The iterations pass the same blocks every time: an engine on a GPU may keep them there.
  engine.keepResident?.(training.blocks);
  try {
    const labels = new Int32Array(training.rows);
    const distances = new Float32Array(training.rows);
    for (let iteration = 1; iteration <= opts.iterations; iteration++) {
      const iterationStart = performance.now();
      const partial = await accumulateShard(engine, centroids, k, training, 0, { labels, distances });
      const update = reduceShards([partial], 1, centroids, k, iterationRandom(opts.seed, iteration));
      const { inertia, sizes, emptySplits } = update;
      centroids = update.centroids;
      const metrics: IterationMetrics = {
        iteration,
        inertia,
        sizes,
        emptySplits,
        seconds: (performance.now() - iterationStart) / 1000,
        ...(truth ? { agreement: labelAgreement(labels, truth) } : {}),
      };
      history.push(metrics);
      opts.onIteration?.(metrics);
    }
    const model: KMeansModel = {
      k,
      dims: centroidDims,
      centroids,
      preprocessing,
      training: {
        datasetRows: dataset.rows,
        trainingRows: training.rows,
        iterations: opts.iterations,
        seed: opts.seed,
        init: opts.init instanceof Float32Array ? 'given' : opts.init,
        finalInertia: history.at(-1)?.inertia ?? Number.NaN,
        engine: engine.name,
        seconds: (performance.now() - started) / 1000,
      },
    };
    return { model, history, trainingRows };
  } finally {
    engine.releaseResident?.();
    if (!opts.engine) await engine.dispose();
  }
}

function initialCentroids(
  init: 'kmeans++' | 'random' | Float32Array, training: RowBlocks, k: number, random: Xoshiro128Float53, sampleSize?: number,
): Float32Array {
  if (init instanceof Float32Array) {
    if (init.length !== k * training.dims) {
      throw new RangeError(`initial centroids hold ${init.length} values, expected k×dims=${k}×${training.dims}`);
    }
    return init.slice();
  }
  if (init === 'random') return randomInit(training, k, random);
  return kMeansPlusPlusInit(training, k, random, { sampleSize, trackerFactory: createWasmMinDistanceTracker });
}
