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
import { throwIfAborted } from '@ktlab/pipeline';
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
  ) {}

  /** Cuts the features (rows × dims) into shards of at most `rowsPerShard` rows and puts them as the run's files. */
  static async publish(options: QueueShardsOptions, features: Float32Array, dims: number, rowsPerShard: number): Promise<QueueShards> {
    const rows = features.length / dims;
    const plan = planShards(rows, Math.max(1, Math.ceil(rows / rowsPerShard)));
    for (const { shard, start, end } of plan) {
      await options.files.put(options.runId, kmeansOutputName.features(shard), encodeNpy(features.subarray(start * dims, end * dims), [end - start, dims]));
    }
    return new QueueShards(options, plan.map((s) => s.end - s.start), dims, plan.map((s) => s.start));
  }

  async sample(fraction: number, seed: number, salt: number): Promise<Float32Array[]> {
    const outputs = await this.runStep('kmeans-sample', 0, (shard) => ({ features: kmeansOutputName.features(shard), firstRow: this.firstRows[shard], seed, salt, fraction }));
    const samples: Float32Array[] = [];
    for (const name of outputs) samples.push(parseNpy(await this.options.files.get(this.options.runId, name)).data as Float32Array);
    return samples;
  }

  async accumulate(step: MapStep): Promise<ShardPartial[]> {
    const { files, runId } = this.options;
    const stepName = kmeansOutputName.step(step.iteration);
    const dims = step.centroids.length / step.k;
    await files.put(runId, stepName, encodeArtifact({ k: step.k, dims, centroids: step.centroids, preprocessing: step.preprocessing }));
    const outputs = await this.runStep('kmeans-map', step.iteration, (shard) => ({
      features: kmeansOutputName.features(shard),
      firstRow: this.firstRows[shard],
      seed: step.seed,
      salt: step.salt,
      iteration: step.iteration,
      step: stepName,
      trainingFraction: step.trainingFraction,
    }));
    const partials: ShardPartial[] = [];
    for (const name of outputs) partials.push(decodeShardPartial(await files.get(runId, name), name));
    return partials;
  }

  /** Enqueues one task per shard (idempotent) and waits until every shard has an output, helping meanwhile. */
  private async runStep(kind: 'kmeans-sample' | 'kmeans-map', iteration: number, input: (shard: number) => Record<string, string | number>): Promise<string[]> {
    const { client, workerId, runId, executor, signal } = this.options;
    const shards = this.shardRows.map((_, shard) => ({ shard, input: input(shard) }));
    await withRetry(() => client.shards.enqueue.mutate({ workerId, runId, kind, iteration, shards }), { retryIf: isTransient, retries: 50 });
    for (;;) {
      throwIfAborted(signal);
      const listed = await withRetry(() => client.shards.list.query({ workerId, runId, kind, iteration }), { retryIf: isTransient, retries: 50 });
      const failed = listed.find((task) => task.status === 'failed');
      if (failed) throw new Error(`${kind} shard ${failed.shard} failed ${failed.attempt} times: ${failed.error}`);
      if (listed.length === shards.length && listed.every((task) => task.status === 'succeeded')) return listed.map((task) => task.output!);
      const worked = await executor.runOne(runId);
      if (!worked) await new Promise((resolve) => setTimeout(resolve, this.options.pollMs ?? 200));
    }
  }
}
