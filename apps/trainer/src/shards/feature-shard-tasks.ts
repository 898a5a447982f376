/**
 * The 'features' and 'assign' shard tasks (libs/pipeline shard-plan.ts says what their inputs hold): any
 * worker decodes its image range and extracts its features with the run's network, or assigns one feature
 * shard's rows to the run's centroids, and puts the result as a run file. Putting the same file twice is
 * harmless, so a task that died half way is simply executed again.
 */
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { datasetRootsFromEnv } from '@ktlab/config/dataset-roots';
import type { ImageDataset } from '@ktlab/data';
import { ktlabHome } from '@ktlab/db/paths';
import { assignToModel, decodeArtifact, encodeNpy, type DistanceEngine } from '@ktlab/kmeans';
import {
  assignShardInput,
  datasetMismatch,
  decodeNetwork,
  encodeAssignment,
  featureRows,
  featureShardInput,
  imageRange,
  openDatasetUncached,
  type FeatureShardInput,
} from '@ktlab/pipeline';
import type { FeatureShardCache, RunFiles } from './kmeans-shard-tasks';

export interface FeatureShardTask {
  runId: string;
  shard: number;
  input: unknown;
}

/**
 * What a worker keeps between feature shards: the last network and the last dataset (the shards of one step
 * usually come from one run), so each is fetched or decoded once per step rather than once per shard.
 */
export class FeatureShardState {
  private network?: { key: string; model: Promise<tf.LayersModel> };
  private dataset?: { key: string; data: Promise<ImageDataset> };

  constructor(private readonly cacheDir = process.env.KTLAB_CACHE ?? join(ktlabHome(), 'cache')) {}

  networkFor(files: RunFiles, runId: string, name: string): Promise<tf.LayersModel> {
    const key = `${runId}/${name}`;
    if (this.network?.key !== key) {
      this.dispose();
      const model = files.get(runId, name).then((bytes) => decodeNetwork(bytes, name));
      model.catch(() => (this.network?.model === model ? (this.network = undefined) : undefined));
      this.network = { key, model };
    }
    return this.network.model;
  }

  datasetFor(input: FeatureShardInput): Promise<ImageDataset> {
    const key = JSON.stringify([input.dataset, input.imageSize, input.seed]);
    if (this.dataset?.key !== key) {
      const data = openDatasetUncached(input.dataset, {
        size: input.imageSize,
        seed: input.seed,
        cacheDir: this.cacheDir,
        datasetRoots: datasetRootsFromEnv(process.cwd()),
        field: 'feature shard dataset',
      });
      data.catch(() => (this.dataset?.data === data ? (this.dataset = undefined) : undefined));
      this.dataset = { key, data };
    }
    return this.dataset.data;
  }

  dispose(): void {
    const held = this.network;
    this.network = undefined;
    void held?.model.then((model) => model.dispose()).catch(() => undefined);
  }
}

/** Extracts the features of one image range and puts them as a float32 .npy; returns the file's name. */
export async function executeFeatureShard(task: FeatureShardTask, files: RunFiles, state: FeatureShardState): Promise<string> {
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

/** Assigns one feature shard's rows to the run's centroids and puts the labels and distances; returns the file's name. */
export async function executeAssignShard(task: FeatureShardTask, files: RunFiles, engine: DistanceEngine, cache: FeatureShardCache): Promise<string> {
  const input = assignShardInput.parse(task.input);
  const points = await cache.get(files, task.runId, input.features);
  if (points.rows !== input.rows) throw new Error(`${input.features} has ${points.rows} rows, the assignment shard expects ${input.rows}`);
  const model = decodeArtifact(await files.get(task.runId, input.model), input.model);
  const assignment = await assignToModel(model, points.blocks, { engine });
  await files.put(task.runId, input.output, encodeAssignment({ labels: assignment.labels, distances: assignment.distances }));
  return input.output;
}
