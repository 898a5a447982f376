/**
 * Stage 2: the features that get clustered — the pretext trunk's activations at a conv layer (max-pooled to a
 * fixed grid), a random network's, or HOG descriptors — for the clustering data and, when pseudo-labels go to
 * another dataset (Table 2), for that one too.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { FEATURE_STEP, type DatasetRef, type FeatureRole } from '@ktlab/config';
import type { ImageDataset } from '@ktlab/data';
import { parseNpy, writeNpy } from '@ktlab/kmeans';
import { FeatureFileWriter, loadModel } from '@ktlab/models';
import { throttle, throwIfAborted, type PipelineContext, type ShardQueue } from '../context';
import { asImages, openRunDataset } from '../datasets';
import type { StageCheckpoints } from '../io/checkpoints';
import { retarget, trunkFor } from '../nets';
import { featureRows } from '../sharding/feature-rows';
import { encodeNetwork } from '../sharding/network-bytes';
import { planFeatureShards, shardFileName, type FeatureShardInput, type FeatureShardRef } from '../sharding/shard-plan';
import type { PretextOutputs } from './pretext.stage';

export interface FeatureFile {
  file: string;
  rows: number;
  dims: number;
  /** Present when the features were extracted in shards: the run files k-means and the assignment read. */
  shards?: FeatureShardRef[];
}

export interface FeaturesOutputs {
  clustering: FeatureFile;
  /** Features of the pseudo-label dataset (the clustering features when it is the same data). */
  labeling: FeatureFile;
  /** The network the features came from (absent for HOG), for distillation. */
  sourceDir?: string;
  imageSize: number;
}

export function clusteringData(context: PipelineContext): DatasetRef {
  return context.config.clustering.data ?? context.config.data;
}

export function labelingData(context: PipelineContext): DatasetRef {
  return context.config.pseudoLabels.data ?? context.config.data;
}

/** Features are computed at the pretext's image size (the scale its filters learnt); HOG at the run's size. */
export function featureImageSize(context: PipelineContext): number {
  return context.config.clustering.source === 'hog' ? context.config.imageSize : context.config.pretext.imageSize;
}

async function sourceNetwork(context: PipelineContext, pretext: PretextOutputs | undefined): Promise<tf.LayersModel | undefined> {
  const { config } = context;
  const size = featureImageSize(context);
  switch (config.clustering.source) {
    case 'hog':
      return undefined;
    case 'random-network':
      return trunkFor(config.pretext.arch, size, config.pretext.widthMultiplier, config.seed + 101);
    case 'file':
      throw new Error('clustering.source is "file": it gives pseudo-labels, not features; target.objective "regression" needs a network\'s or HOG features');
    case 'pretext': {
      if (!pretext) throw new Error('clustering.source is "pretext" but pretext.task is "none": choose a pretext task or another source');
      const trained = await loadModel(join(context.runDir, pretext.trunkDir));
      const trunk = retarget(trained, config.pretext.arch, size, config.pretext.widthMultiplier, config.seed);
      trained.dispose();
      return trunk;
    }
  }
}

async function featuresOf(context: PipelineContext, network: tf.LayersModel | undefined, data: ImageDataset, label: string): Promise<{ data: Float32Array; dims: number }> {
  const { config } = context;
  const report = throttle(1000, (done: number) => context.stage('features', 'running', done / data.count, `${label}: ${done}/${data.count} images`));
  const source = { network, layer: config.clustering.layer, grid: config.clustering.grid as [number, number] };
  return featureRows(source, asImages(data), (done) => {
    throwIfAborted(context.signal);
    report(done);
  });
}

/**
 * Features extracted by shard tasks (any worker): one task per `clustering.shardRows` images. The shards stay
 * as the run's files for k-means and the assignment; they are also streamed one at a time into the same
 * feature file the in-process path writes, so later stages (and resumed runs) read it as before.
 */
async function shardedFeatures(
  context: PipelineContext,
  queue: ShardQueue,
  networkFile: string | undefined,
  role: FeatureRole,
  ref: DatasetRef,
  data: ImageDataset,
  label: string,
): Promise<FeatureFile> {
  const { config } = context;
  const source: FeatureShardInput['source'] = networkFile
    ? { kind: 'network', file: networkFile, layer: config.clustering.layer, grid: config.clustering.grid as [number, number] }
    : { kind: 'hog' };
  const plan = planFeatureShards(data.ids, config.clustering.shardRows, role, { dataset: ref, seed: config.seed, imageSize: featureImageSize(context), source });
  const report = throttle(1000, (done: number, total: number) => context.stage('features', 'running', done / total, `${label}: ${done}/${total} shards`));
  context.log(`features: ${label} in ${plan.inputs.length} shard(s) of at most ${config.clustering.shardRows} images`);
  const outputs = await queue.runStep('features', FEATURE_STEP[role], plan.inputs, report);
  const file = `features/${role}.npy`;
  let writer: FeatureFileWriter | undefined;
  try {
    for (const [shard, name] of outputs.entries()) {
      throwIfAborted(context.signal);
      const npy = parseNpy(await queue.getFile(name));
      const expected = plan.refs[shard].rows;
      if (npy.dtype !== 'float32' || npy.shape.length !== 2 || npy.shape[0] !== expected) {
        throw new Error(`feature shard ${name}: expected ${expected} float32 rows, got ${npy.dtype} (${npy.shape.join(', ')})`);
      }
      writer ??= await FeatureFileWriter.create(join(context.runDir, file), npy.shape[1], { role, shards: outputs.length });
      if (npy.shape[1] !== writer.dims) throw new Error(`feature shard ${name} has ${npy.shape[1]} dims, the others ${writer.dims}`);
      await writer.append(npy.data as Float32Array);
      plan.refs[shard].file = name;
    }
    if (!writer) throw new Error(`the ${label} features step returned no shards`);
    const rows = await writer.close();
    return { file, rows, dims: writer.dims, shards: plan.refs };
  } catch (error) {
    await writer?.abort().catch(() => undefined);
    throw error;
  }
}

export async function featuresStage(context: PipelineContext, checkpoints: StageCheckpoints, pretext: PretextOutputs | undefined): Promise<FeaturesOutputs> {
  const { config } = context;
  const size = featureImageSize(context);
  const network = await sourceNetwork(context, pretext);
  mkdirSync(join(context.runDir, 'features'), { recursive: true });
  const open = (ref: DatasetRef) => openRunDataset(context, ref, size);
  try {
    const queue = config.clustering.shardRows > 0 ? context.shardQueue : undefined;
    let networkFile: string | undefined;
    if (queue && network) {
      await queue.putFile(shardFileName.network, await encodeNetwork(network));
      networkFile = shardFileName.network;
    }
    const extract = async (role: FeatureRole, ref: DatasetRef, data: ImageDataset, label: string): Promise<FeatureFile> => {
      if (queue) return shardedFeatures(context, queue, networkFile, role, ref, data, label);
      const features = await featuresOf(context, network, data, label);
      const file = `features/${role}.npy`;
      await writeNpy(join(context.runDir, file), features.data, [data.count, features.dims]);
      return { file, rows: data.count, dims: features.dims };
    };
    const clusterRef = clusteringData(context);
    const clustering = await extract('clustering', clusterRef, await open(clusterRef), 'clustering data');
    let labeling = clustering;
    const labelRef = labelingData(context);
    if (JSON.stringify(labelRef) !== JSON.stringify(clusterRef)) {
      labeling = await extract('labeling', labelRef, await open(labelRef), 'pseudo-label data');
    }
    context.log(`features: ${config.clustering.source} ${network ? config.clustering.layer : ''} → ${clustering.dims} dims`);
    const outputs: FeaturesOutputs = { clustering, labeling, imageSize: size };
    checkpoints.complete('features', outputs, [clustering.file, labeling.file]);
    return outputs;
  } finally {
    network?.dispose();
  }
}
