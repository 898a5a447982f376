/**
 * The k-means steps a run's worker hands to other workers (scale-out): what each task's input holds, and
 * how any worker executes one. Files travel as the run's artifacts: the feature shards and each iteration's
 * centroids are put by the run's worker; samples and partial sums are put back by whoever executes.
 */
import {
  accumulateShardTrainingRows,
  decodeArtifact,
  encodeNpy,
  encodeShardPartial,
  parseNpy,
  sampleShardRows,
  toRowBlocks,
  type DistanceEngine,
  type RowBlocks,
} from '@ktlab/kmeans';
import { z } from 'zod';

/** How a worker reads and writes a run's files (the portal's artifacts, or a folder in tests). */
export interface RunFiles {
  get(runId: string, name: string): Promise<Uint8Array>;
  put(runId: string, name: string, data: Uint8Array): Promise<void>;
}

const shardRows = {
  /** The feature shard (a float32 .npy of rows × dims) this task reads. */
  features: z.string().min(1),
  /** Global index of the shard's first row (the row sample is drawn per global row). */
  firstRow: z.number().int().min(0),
  seed: z.number().int(),
  salt: z.number().int(),
};

export const sampleTaskInput = z.object({ ...shardRows, fraction: z.number().min(0).max(1) });
export const mapTaskInput = z.object({
  ...shardRows,
  iteration: z.number().int().min(1),
  /** The iteration's centroids and preprocessing, as a k-means artifact. */
  step: z.string().min(1),
  trainingFraction: z.number().min(0).max(1),
});

/** Names of a run's shard files (flat: artifact names have no folders). */
export const kmeansOutputName = {
  sample: (shard: number) => `shard-kmeans-sample-${shard}.npy`,
  step: (iteration: number) => `shard-kmeans-${iteration}-centroids.ktkm`,
  partial: (iteration: number, shard: number) => `shard-kmeans-${iteration}-partial-${shard}.bin`,
  features: (shard: number) => `shard-features-clustering-${shard}.npy`,
};

/** Feature shards a worker keeps in memory between iterations, so each is downloaded once per worker. */
export class FeatureShardCache {
  private readonly entries = new Map<string, RowBlocks>();
  private bytes = 0;

  constructor(private readonly maxBytes = Number(process.env.KTLAB_SHARD_CACHE_BYTES ?? 4 * 2 ** 30)) {}

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

export interface KMeansShardTask {
  runId: string;
  kind: string;
  shard: number;
  input: unknown;
}

/** Executes one k-means shard task and returns the name of the file it put. */
export async function executeKMeansShard(task: KMeansShardTask, files: RunFiles, engine: DistanceEngine, cache: FeatureShardCache): Promise<string> {
  switch (task.kind) {
    case 'kmeans-sample': {
      const input = sampleTaskInput.parse(task.input);
      const points = await cache.get(files, task.runId, input.features);
      const rows = sampleShardRows(points, input.firstRow, input.fraction, input.seed, input.salt);
      const name = kmeansOutputName.sample(task.shard);
      await files.put(task.runId, name, encodeNpy(rows, [rows.length / points.dims, points.dims]));
      return name;
    }
    case 'kmeans-map': {
      const input = mapTaskInput.parse(task.input);
      const points = await cache.get(files, task.runId, input.features);
      const step = decodeArtifact(await files.get(task.runId, input.step), input.step);
      const partial = await accumulateShardTrainingRows(engine, points, input.firstRow, task.shard, {
        iteration: input.iteration,
        centroids: step.centroids,
        k: step.k,
        preprocessing: step.preprocessing,
        trainingFraction: input.trainingFraction,
        seed: input.seed,
        salt: input.salt,
      });
      const name = kmeansOutputName.partial(input.iteration, task.shard);
      await files.put(task.runId, name, encodeShardPartial(partial));
      return name;
    }
    default:
      throw new Error(`this worker cannot execute shard tasks of kind "${task.kind}"`);
  }
}
