/**
 * What the sharded feature and pseudo-label steps hand to other workers, and how their results are put back
 * together: pure planning and merging, shared by the run's worker (libs/pipeline stages) and the workers that
 * execute the shards (shard-tasks.ts). The plan depends only on the row count and `clustering.shardRows`, never
 * on how many workers there are.
 */
import { z } from 'zod';
import { datasetRefSchema, type FeatureRole } from '@ktlab/config';
import { planShards } from '@ktlab/kmeans';

/** Names of a sharded run's files (flat: artifact names have no folders). */
export const shardFileName = {
  /** The network features are extracted with, as put by the run's worker. */
  network: 'shard-features-network.bin',
  /** A feature shard: put by a 'features' task, or by the run's worker when it shares features it extracted itself. */
  features: (role: FeatureRole, shard: number) => `shard-features-${role}-${shard}.npy`,
  /** The k-means model the assignment shards read. */
  model: 'shard-assign-model.ktkm',
  assignment: (shard: number) => `shard-assign-${shard}.bin`,
  /** One shard's rows drawn for the k-means init sample. */
  kmeansSample: (shard: number) => `shard-kmeans-sample-${shard}.npy`,
  /** The centroids (and preprocessing) a k-means iteration's map tasks read, as a k-means artifact. */
  kmeansStep: (iteration: number) => `shard-kmeans-${iteration}-centroids.ktkm`,
  /** One shard's partial sums for an iteration. */
  kmeansPartial: (iteration: number, shard: number) => `shard-kmeans-${iteration}-partial-${shard}.bin`,
};

/** A feature shard put as a run file: its rows are rows [firstRow, firstRow + rows) of its dataset. */
export const featureShardRefSchema = z.object({
  file: z.string().min(1),
  firstRow: z.number().int().min(0),
  rows: z.number().int().min(1),
});
export type FeatureShardRef = z.infer<typeof featureShardRefSchema>;

/** One 'features' task: decode rows [start, end) of the dataset and extract their features. */
export const featureShardInput = z
  .object({
    dataset: datasetRefSchema,
    /** The run's seed (the dataset's subset and limit come from a seeded shuffle). */
    seed: z.number().int(),
    imageSize: z.number().int().min(1),
    source: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('hog') }),
      z.object({ kind: z.literal('network'), file: z.string().min(1), layer: z.string().min(1), grid: z.tuple([z.number().int().min(1), z.number().int().min(1)]) }),
    ]),
    start: z.number().int().min(0),
    end: z.number().int().min(1),
    /**
     * What the run's worker sees of the dataset (its size, the ids of the range's first and last image): a
     * worker whose copy of the dataset differs refuses the shard rather than extract other images' features.
     */
    expect: z.object({ count: z.number().int().min(1), firstId: z.string(), lastId: z.string() }),
    /** Where the shard's features go (a float32 .npy of (end − start) × dims). */
    output: z.string().min(1),
  })
  .refine((input) => input.end > input.start, { message: 'a feature shard needs end > start' });
export type FeatureShardInput = z.infer<typeof featureShardInput>;

/** One 'assign' task: the nearest centroid of every row of one feature shard. */
export const assignShardInput = z.object({
  features: z.string().min(1),
  rows: z.number().int().min(1),
  model: z.string().min(1),
  output: z.string().min(1),
});
export type AssignShardInput = z.infer<typeof assignShardInput>;

export interface FeatureShardPlan {
  refs: FeatureShardRef[];
  inputs: FeatureShardInput[];
}

/** Splits a dataset (its image ids, in row order) into feature tasks of at most `rowsPerShard` rows (the k-means shard plan). */
export function planFeatureShards(
  ids: readonly string[],
  rowsPerShard: number,
  role: FeatureRole,
  task: Omit<FeatureShardInput, 'start' | 'end' | 'expect' | 'output'>,
): FeatureShardPlan {
  const rows = ids.length;
  if (rows < 1) throw new RangeError('a sharded feature step needs at least one image, got 0');
  if (!Number.isInteger(rowsPerShard) || rowsPerShard < 1) throw new RangeError(`rows per shard must be a positive integer, got ${rowsPerShard}`);
  const plan = planShards(rows, Math.ceil(rows / rowsPerShard));
  const refs = plan.map(({ shard, start, end }) => ({ file: shardFileName.features(role, shard), firstRow: start, rows: end - start }));
  const inputs = plan.map(({ shard, start, end }) => ({
    ...task,
    start,
    end,
    expect: { count: rows, firstId: ids[start], lastId: ids[end - 1] },
    output: shardFileName.features(role, shard),
  }));
  return { refs, inputs };
}

/** Why a worker's copy of the dataset cannot serve a feature shard, or undefined when it matches the run's worker's. */
export function datasetMismatch(input: FeatureShardInput, ids: readonly string[]): string | undefined {
  const { count, firstId, lastId } = input.expect;
  if (ids.length !== count) return `${input.dataset.path} has ${ids.length} images here but ${count} on the run's worker`;
  if (ids[input.start] !== firstId || ids[input.end - 1] !== lastId) {
    return `${input.dataset.path} holds other images here: rows ${input.start}…${input.end - 1} are ${ids[input.start]}…${ids[input.end - 1]}, not ${firstId}…${lastId}`;
  }
  return undefined;
}

/** The assignment tasks over a dataset's feature shards, in shard order. */
export function planAssignShards(shards: readonly FeatureShardRef[], model: string): AssignShardInput[] {
  return shards.map((ref, shard) => ({ features: ref.file, rows: ref.rows, model, output: shardFileName.assignment(shard) }));
}

export interface Assignment {
  labels: Int32Array;
  distances: Float32Array;
}

/** The shards' assignments end to end, in shard order, checked against the rows each shard was given. */
export function concatAssignments(parts: readonly Assignment[], shards: readonly FeatureShardRef[]): Assignment {
  if (parts.length !== shards.length) throw new Error(`expected ${shards.length} assignment shards, got ${parts.length}`);
  const rows = shards.reduce((sum, ref) => sum + ref.rows, 0);
  const labels = new Int32Array(rows);
  const distances = new Float32Array(rows);
  for (const [shard, part] of parts.entries()) {
    const { firstRow, rows: expected } = shards[shard];
    if (part.labels.length !== expected || part.distances.length !== expected) {
      throw new Error(`assignment shard ${shard} has ${part.labels.length} labels and ${part.distances.length} distances for ${expected} rows`);
    }
    labels.set(part.labels, firstRow);
    distances.set(part.distances, firstRow);
  }
  return { labels, distances };
}

const ASSIGNMENT_MAGIC = 0x4e47534b; // "KSGN" little-endian

/** One shard's assignment as a file: magic, row count, then int32 labels and float32 distances (little-endian). */
export function encodeAssignment(assignment: Assignment): Uint8Array {
  const rows = assignment.labels.length;
  if (assignment.distances.length !== rows) throw new RangeError(`${rows} labels but ${assignment.distances.length} distances`);
  const bytes = new Uint8Array(8 + rows * 8);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, ASSIGNMENT_MAGIC, true);
  view.setUint32(4, rows, true);
  for (let i = 0; i < rows; i++) {
    view.setInt32(8 + i * 4, assignment.labels[i], true);
    view.setFloat32(8 + rows * 4 + i * 4, assignment.distances[i], true);
  }
  return bytes;
}

export function decodeAssignment(bytes: Uint8Array, name = 'assignment'): Assignment {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 8 || view.getUint32(0, true) !== ASSIGNMENT_MAGIC) throw new Error(`${name}: not an assignment shard file (bad magic)`);
  const rows = view.getUint32(4, true);
  if (bytes.length !== 8 + rows * 8) throw new Error(`${name}: ${bytes.length} bytes for ${rows} rows (expected ${8 + rows * 8})`);
  const labels = new Int32Array(rows);
  const distances = new Float32Array(rows);
  for (let i = 0; i < rows; i++) {
    labels[i] = view.getInt32(8 + i * 4, true);
    distances[i] = view.getFloat32(8 + rows * 4 + i * 4, true);
  }
  return { labels, distances };
}
