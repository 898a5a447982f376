/**
 * Any worker's side of a sharded run: executes one shard task of any kind (`executeShardTask`) and puts its result
 * as a run file. The executors are pure apart from the run's files: the same task puts the same bytes, so a task
 * whose worker died half way is simply executed again. How tasks are claimed and files travel (the portal's shard
 * queue and artifacts) is the worker's business (apps/trainer/src/shards).
 *
 * A new shard kind: its name in `SHARD_KINDS` (libs/config/src/shard-kinds.ts), its input schema next to the step
 * that plans it (shard-plan.ts, kmeans-shards.ts), its executor in `EXECUTORS` below.
 */
import type * as tf from '@tensorflow/tfjs';
import { datasetRootsFromEnv } from '@ktlab/config/dataset-roots';
import { shardKindSchema, type ShardKind } from '@ktlab/config';
import type { ImageDataset } from '@ktlab/data';
import {
  accumulateShardTrainingRows,
  assignToModel,
  decodeArtifact,
  defaultDistanceEngine,
  encodeNpy,
  encodeShardPartial,
  parseNpy,
  sampleShardRows,
  toRowBlocks,
  type DistanceEngine,
  type RowBlocks,
} from '@ktlab/kmeans';
import { openUncached } from '../datasets';
import { featureRows, imageRange } from './feature-rows';
import { kmeansMapInput, kmeansSampleInput } from './kmeans-shards';
import { decodeNetwork } from './network-bytes';
import { assignShardInput, datasetMismatch, encodeAssignment, featureShardInput, shardFileName, type FeatureShardInput } from './shard-plan';

/** How a worker reads and writes a run's files (the portal's artifacts, or memory in tests). */
export interface RunFiles {
  get(runId: string, name: string): Promise<Uint8Array>;
  put(runId: string, name: string, data: Uint8Array): Promise<void>;
}

/** A claimed shard task: its kind (`SHARD_KINDS`), its number within its step, and its input as the run's worker planned it. */
export interface ShardTask {
  runId: string;
  kind: string;
  shard: number;
  input: unknown;
}

export interface ShardWorkerOptions {
  /** Default: a multithreaded distance engine, created when the first k-means or assignment task arrives. */
  engine?: DistanceEngine;
  /** The decode cache for feature tasks' datasets (default: none). */
  cacheDir?: string;
  /** `KTLAB_DATASET_ROOTS`, absolute (default: read from the environment, relative to the working folder). */
  datasetRoots?: readonly string[];
  /** Feature shards kept in memory for k-means and assignment tasks (default `KTLAB_SHARD_CACHE_BYTES`, else 4 GiB). */
  maxCachedBytes?: number;
}

/**
 * What a worker keeps between shard tasks, so consecutive tasks of one run do not fetch or decode again: the last
 * network and the last dataset of feature tasks, the feature shards k-means and assignment tasks read, and the
 * distance engine. `dispose()` releases them.
 */
export class ShardWorkerState {
  private network?: { key: string; model: Promise<tf.LayersModel> };
  private dataset?: { key: string; data: Promise<ImageDataset> };
  private readonly featureShards: FeatureShardCache;
  private engine?: DistanceEngine;
  private readonly ownsEngine: boolean;

  constructor(private readonly options: ShardWorkerOptions = {}) {
    this.engine = options.engine;
    this.ownsEngine = !options.engine;
    this.featureShards = new FeatureShardCache(options.maxCachedBytes ?? Number(process.env.KTLAB_SHARD_CACHE_BYTES ?? 4 * 2 ** 30));
  }

  networkFor(files: RunFiles, runId: string, name: string): Promise<tf.LayersModel> {
    const key = `${runId}/${name}`;
    if (this.network?.key !== key) {
      this.releaseNetwork();
      const model = files.get(runId, name).then((bytes) => decodeNetwork(bytes, name));
      model.catch(() => (this.network?.model === model ? (this.network = undefined) : undefined));
      this.network = { key, model };
    }
    return this.network.model;
  }

  datasetFor(input: FeatureShardInput): Promise<ImageDataset> {
    const key = JSON.stringify([input.dataset, input.imageSize, input.seed]);
    if (this.dataset?.key !== key) {
      const data = openUncached(input.dataset, {
        size: input.imageSize,
        seed: input.seed,
        cacheDir: this.options.cacheDir,
        datasetRoots: this.options.datasetRoots ?? datasetRootsFromEnv(process.cwd()),
        field: 'feature shard dataset',
      });
      data.catch(() => (this.dataset?.data === data ? (this.dataset = undefined) : undefined));
      this.dataset = { key, data };
    }
    return this.dataset.data;
  }

  featureShard(files: RunFiles, runId: string, name: string): Promise<RowBlocks> {
    return this.featureShards.get(files, runId, name);
  }

  distanceEngine(): DistanceEngine {
    this.engine ??= defaultDistanceEngine();
    return this.engine;
  }

  /** Releases the network, and the engine's threads if this state created them. */
  async dispose(): Promise<void> {
    this.releaseNetwork();
    const engine = this.engine;
    this.engine = this.options.engine;
    if (this.ownsEngine) await engine?.dispose();
  }

  private releaseNetwork(): void {
    const held = this.network;
    this.network = undefined;
    void held?.model.then((model) => model.dispose()).catch(() => undefined);
  }
}

/** Feature shards a worker keeps in memory between tasks (least recently used out first), so each is downloaded once per worker. */
class FeatureShardCache {
  private readonly entries = new Map<string, RowBlocks>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  async get(files: RunFiles, runId: string, name: string): Promise<RowBlocks> {
    const key = `${runId}/${name}`;
    const cached = this.entries.get(key);
    if (cached) {
      this.entries.delete(key); // re-insert: most recently used last
      this.entries.set(key, cached);
      return cached;
    }
    const npy = parseNpy(await files.get(runId, name));
    if (npy.dtype !== 'float32' || npy.shape.length !== 2) throw new Error(`${name}: expected a float32 rows × dims matrix, got ${npy.dtype} (${npy.shape.join(', ')})`);
    const rows = toRowBlocks(npy.data as Float32Array, npy.shape[1]);
    this.entries.set(key, rows);
    this.bytes += npy.data.byteLength;
    for (const [oldest, value] of this.entries) {
      if (this.bytes <= this.maxBytes || oldest === key) break;
      this.entries.delete(oldest);
      this.bytes -= value.rows * value.dims * 4;
    }
    return rows;
  }
}

type Executor = (task: ShardTask, files: RunFiles, state: ShardWorkerState) => Promise<string>;

/** Extracts the features of one image range and puts them as a float32 .npy. */
async function executeFeatures(task: ShardTask, files: RunFiles, state: ShardWorkerState): Promise<string> {
  const input = featureShardInput.parse(task.input);
  const dataset = await state.datasetFor(input);
  const mismatch = datasetMismatch(input, dataset.ids);
  if (mismatch) throw new Error(`feature shard ${task.shard}: ${mismatch} (every worker needs the same dataset at the same path)`);
  const source = input.source.kind === 'network'
    ? { network: await state.networkFor(files, task.runId, input.source.file), layer: input.source.layer, grid: input.source.grid }
    : { layer: '', grid: [1, 1] as const };
  const features = await featureRows(source, imageRange(dataset, input.start, input.end));
  await files.put(task.runId, input.output, encodeNpy(features.data, [input.end - input.start, features.dims]));
  return input.output;
}

/** Draws one feature shard's rows for the k-means init sample. */
async function executeKMeansSample(task: ShardTask, files: RunFiles, state: ShardWorkerState): Promise<string> {
  const input = kmeansSampleInput.parse(task.input);
  const points = await state.featureShard(files, task.runId, input.features);
  const rows = sampleShardRows(points, input.firstRow, input.fraction, input.seed, input.salt);
  const name = shardFileName.kmeansSample(task.shard);
  await files.put(task.runId, name, encodeNpy(rows, [rows.length / points.dims, points.dims]));
  return name;
}

/** One Lloyd iteration's partial sums over one feature shard. */
async function executeKMeansMap(task: ShardTask, files: RunFiles, state: ShardWorkerState): Promise<string> {
  const input = kmeansMapInput.parse(task.input);
  const points = await state.featureShard(files, task.runId, input.features);
  const step = decodeArtifact(await files.get(task.runId, input.step), input.step);
  const partial = await accumulateShardTrainingRows(state.distanceEngine(), points, input.firstRow, task.shard, {
    iteration: input.iteration,
    centroids: step.centroids,
    k: step.k,
    preprocessing: step.preprocessing,
    trainingFraction: input.trainingFraction,
    seed: input.seed,
    salt: input.salt,
  });
  const name = shardFileName.kmeansPartial(input.iteration, task.shard);
  await files.put(task.runId, name, encodeShardPartial(partial));
  return name;
}

/** Assigns one feature shard's rows to the run's centroids and puts the labels and distances. */
async function executeAssign(task: ShardTask, files: RunFiles, state: ShardWorkerState): Promise<string> {
  const input = assignShardInput.parse(task.input);
  const points = await state.featureShard(files, task.runId, input.features);
  if (points.rows !== input.rows) throw new Error(`${input.features} has ${points.rows} rows, the assignment shard expects ${input.rows}`);
  const model = decodeArtifact(await files.get(task.runId, input.model), input.model);
  const assignment = await assignToModel(model, points.blocks, { engine: state.distanceEngine() });
  await files.put(task.runId, input.output, encodeAssignment({ labels: assignment.labels, distances: assignment.distances }));
  return input.output;
}

const EXECUTORS: Readonly<Record<ShardKind, Executor>> = {
  features: executeFeatures,
  'kmeans-sample': executeKMeansSample,
  'kmeans-map': executeKMeansMap,
  assign: executeAssign,
};

/** Executes one shard task, puts its result as a run file and returns that file's name. */
export function executeShardTask(task: ShardTask, files: RunFiles, state: ShardWorkerState): Promise<string> {
  const kind = shardKindSchema.safeParse(task.kind);
  if (!kind.success) return Promise.reject(new Error(`this worker cannot execute shard tasks of kind "${task.kind}"`));
  return EXECUTORS[kind.data](task, files, state);
}
