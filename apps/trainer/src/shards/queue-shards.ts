type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * The run's worker's side of a sharded k-means fit: `ShardedPoints` over the portal's shard queue. Each
 * step (the init sample, then one map per iteration) is enqueued as one task per shard; while they are
 * outstanding the run's worker executes its own run's shards too, so one worker alone still finishes.
 */
import {
  decodeShardPartial,
  encodeArtifact,
  encodeNpy,
  parseNpy,
  planShards,
  type MapStep,
  type ShardedPoints,
  type ShardPartial,
} from '@ktlab/kmeans';
import { throwIfAborted, type FeatureShardRef } from '@ktlab/pipeline';
import type { PortalClient } from '../api-client';
import { isTransient, withRetry } from '../retry';
import { kmeansOutputName, type RunFiles } from './kmeans-shard-tasks';
import type { ShardExecutor } from './shard-executor';

export interface QueueShardsOptions {
  client: PortalClient;
  workerId: string;
  runId: string;
  files: RunFiles;
  executor: ShardExecutor;
  signal: AbortSignal;
  pollMs?: number;
}

export class QueueShards implements ShardedPoints {
  private constructor(
    private readonly options: QueueShardsOptions,
    readonly shardRows: readonly number[],
    readonly dims: number,
    private readonly firstRows: readonly number[],
    /** Each shard's feature file (a float32 .npy of its rows). */
    private readonly files: readonly string[],
  ) {}

  /** Cuts the features (rows × dims) into shards of at most `rowsPerShard` rows and puts them as the run's files. */
  static async publish(options: QueueShardsOptions, features: Float32Array, dims: number, rowsPerShard: number): Promise<QueueShards> {
    const rows = features.length / dims;
    const plan = planShards(rows, Math.max(1, Math.ceil(rows / rowsPerShard)));
    for (const { shard, start, end } of plan) {
      await options.files.put(options.runId, kmeansOutputName.features(shard), encodeNpy(features.subarray(start * dims, end * dims), [end - start, dims]));
    }
    return QueueShards.over(options, plan.map(({ shard, start, end }) => ({ file: kmeansOutputName.features(shard), firstRow: start, rows: end - start })), dims);
  }

  /** Over feature shards already put as the run's files (by sharded feature extraction). */
  static over(options: QueueShardsOptions, shards: readonly FeatureShardRef[], dims: number): QueueShards {
    if (shards.length === 0) throw new RangeError('at least one feature shard is needed');
    return new QueueShards(options, shards.map((s) => s.rows), dims, shards.map((s) => s.firstRow), shards.map((s) => s.file));
  }

  async sample(fraction: number, seed: number, salt: number): Promise<Float32Array[]> {
    const outputs = await runShardStep(this.options, 'kmeans-sample', 0, this.files.map((features, shard) => ({ features, firstRow: this.firstRows[shard], seed, salt, fraction })));
    const samples: Float32Array[] = [];
    for (const name of outputs) samples.push(parseNpy(await this.options.files.get(this.options.runId, name)).data as Float32Array);
    return samples;
  }

  async accumulate(step: MapStep): Promise<ShardPartial[]> {
    const { files, runId } = this.options;
    const stepName = kmeansOutputName.step(step.iteration);
    const dims = step.centroids.length / step.k;
    await files.put(runId, stepName, encodeArtifact({ k: step.k, dims, centroids: step.centroids, preprocessing: step.preprocessing }));
    const outputs = await runShardStep(
      this.options,
      'kmeans-map',
      step.iteration,
      this.files.map((features, shard) => ({
        features,
        firstRow: this.firstRows[shard],
        seed: step.seed,
        salt: step.salt,
        iteration: step.iteration,
        step: stepName,
        trainingFraction: step.trainingFraction,
      })),
    );
    const partials: ShardPartial[] = [];
    for (const name of outputs) partials.push(decodeShardPartial(await files.get(runId, name), name));
    return partials;
  }
}

export type ShardKind = 'features' | 'kmeans-sample' | 'kmeans-map' | 'assign';

/**
 * Enqueues one task per input (shard = index; idempotent) and waits until every shard has an output, executing
 * the run's own shards meanwhile; the outputs in shard order.
 */
export async function runShardStep(
  options: QueueShardsOptions,
  kind: ShardKind,
  iteration: number,
  inputs: readonly Record<string, unknown>[],
  onProgress?: (done: number, total: number) => void,
): Promise<string[]> {
  const { client, workerId, runId, executor, signal } = options;
  // JSON round trip: the queue stores JSON, and optional fields left undefined are not JSON values.
  const shards = inputs.map((input, shard) => ({ shard, input: JSON.parse(JSON.stringify(input)) as Record<string, JsonValue> }));
  await withRetry(() => client.shards.enqueue.mutate({ workerId, runId, kind, iteration, shards }), { retryIf: isTransient, retries: 50 });
  for (;;) {
    throwIfAborted(signal);
    const listed = await withRetry(() => client.shards.list.query({ workerId, runId, kind, iteration }), { retryIf: isTransient, retries: 50 });
    const failed = listed.find((task) => task.status === 'failed');
    if (failed) throw new Error(`${kind} shard ${failed.shard} failed ${failed.attempt} times: ${failed.error}`);
    const done = listed.filter((task) => task.status === 'succeeded');
    onProgress?.(done.length, shards.length);
    if (listed.length === shards.length && done.length === shards.length) {
      return [...listed].sort((a, b) => a.shard - b.shard).map((task) => task.output ?? fail(`${kind} shard ${task.shard} succeeded without naming its output`));
    }
    const worked = await executor.runOne(runId);
    if (!worked) await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 200));
  }
}

function fail(message: string): never {
  throw new Error(message);
}
