/**
 * The run's worker's side of a sharded k-means fit: `ShardedPoints` over the run's shard queue. Each step (the
 * init sample, then one map per iteration) is one task per feature shard; the queue waits until every shard has
 * put its output (executing the run's own shards meanwhile), and the outputs are read back here. What each task's
 * input holds is below; shard-tasks.ts executes them.
 */
import { decodeShardPartial, encodeArtifact, encodeNpy, parseNpy, planShards, type MapStep, type ShardedPoints, type ShardPartial } from '@ktlab/kmeans';
import { z } from 'zod';
import type { ShardQueue } from '../context';
import { shardFileName, type FeatureShardRef } from './shard-plan';

const shardRows = {
  /** The feature shard (a float32 .npy of rows × dims) this task reads. */
  features: z.string().min(1),
  /** Global index of the shard's first row (the row sample is drawn per global row). */
  firstRow: z.number().int().min(0),
  seed: z.number().int(),
  salt: z.number().int(),
};

/** One 'kmeans-sample' task: the shard's rows drawn for the preprocessing fit and the k-means++ seeding. */
export const kmeansSampleInput = z.object({ ...shardRows, fraction: z.number().min(0).max(1) });
export type KMeansSampleInput = z.infer<typeof kmeansSampleInput>;

/** One 'kmeans-map' task: the shard's partial sums for one Lloyd iteration. */
export const kmeansMapInput = z.object({
  ...shardRows,
  iteration: z.number().int().min(1),
  /** The iteration's centroids and preprocessing, as a k-means artifact. */
  step: z.string().min(1),
  trainingFraction: z.number().min(0).max(1),
});
export type KMeansMapInput = z.infer<typeof kmeansMapInput>;

/** k-means over feature shards already put as the run's files (by sharded feature extraction or `publishFeatureShards`). */
export function queuedPoints(queue: ShardQueue, shards: readonly FeatureShardRef[], dims: number): ShardedPoints {
  if (shards.length === 0) throw new RangeError('at least one feature shard is needed');
  return new QueuedPoints(queue, shards, dims);
}

/**
 * Cuts features this process holds (rows × dims) into shards of at most `rowsPerShard` rows, puts them as the run's
 * files, and returns k-means over them through the queue.
 */
export async function publishFeatureShards(queue: ShardQueue, features: Float32Array, dims: number, rowsPerShard: number): Promise<ShardedPoints> {
  const rows = features.length / dims;
  const plan = planShards(rows, Math.max(1, Math.ceil(rows / rowsPerShard)));
  for (const { shard, start, end } of plan) {
    await queue.putFile(shardFileName.features('clustering', shard), encodeNpy(features.subarray(start * dims, end * dims), [end - start, dims]));
  }
  return queuedPoints(queue, plan.map(({ shard, start, end }) => ({ file: shardFileName.features('clustering', shard), firstRow: start, rows: end - start })), dims);
}

class QueuedPoints implements ShardedPoints {
  readonly shardRows: readonly number[];

  constructor(
    private readonly queue: ShardQueue,
    private readonly shards: readonly FeatureShardRef[],
    readonly dims: number,
  ) {
    this.shardRows = shards.map((s) => s.rows);
  }

  async sample(fraction: number, seed: number, salt: number): Promise<Float32Array[]> {
    const inputs: KMeansSampleInput[] = this.shards.map((ref) => ({ features: ref.file, firstRow: ref.firstRow, seed, salt, fraction }));
    const outputs = await this.queue.runStep('kmeans-sample', 0, inputs);
    const samples: Float32Array[] = [];
    for (const name of outputs) samples.push(parseNpy(await this.queue.getFile(name)).data as Float32Array);
    return samples;
  }

  async accumulate(step: MapStep): Promise<ShardPartial[]> {
    const stepName = shardFileName.kmeansStep(step.iteration);
    const dims = step.centroids.length / step.k;
    await this.queue.putFile(stepName, encodeArtifact({ k: step.k, dims, centroids: step.centroids, preprocessing: step.preprocessing }));
    const inputs: KMeansMapInput[] = this.shards.map((ref) => ({
      features: ref.file,
      firstRow: ref.firstRow,
      seed: step.seed,
      salt: step.salt,
      iteration: step.iteration,
      step: stepName,
      trainingFraction: step.trainingFraction,
    }));
    const outputs = await this.queue.runStep('kmeans-map', step.iteration, inputs);
    const partials: ShardPartial[] = [];
    for (const name of outputs) partials.push(decodeShardPartial(await this.queue.getFile(name), name));
    return partials;
  }
}
