/**
 * Stage 2: the features that get clustered — the pretext trunk's activations at a conv layer (max-pooled to a
 * fixed grid), a random network's, or HOG descriptors — for the clustering data and, when pseudo-labels go to
 * another dataset (Table 2), for that one too.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import type { DatasetRef } from '@ktlab/config';
import type { ImageDataset } from '@ktlab/data';
import { writeNpy } from '@ktlab/kmeans';
import { extractFeatures, hogFeatures, loadModel } from '@ktlab/models';
import { throttle, throwIfAborted, type PipelineContext } from '../context';
import { asImages, openRunDataset } from '../datasets';
import type { StageCheckpoints } from '../io/checkpoints';
import { retarget, trunkFor } from '../nets';
import type { PretextOutputs } from './pretext.stage';

export interface FeatureFile {
  file: string;
  rows: number;
  dims: number;
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
  if (!network) {
    const hog = hogFeatures(asImages(data));
    return { data: hog.data, dims: hog.dims };
  }
  const report = throttle(1000, (done: number) => context.stage('features', 'running', done / data.count, `${label}: ${done}/${data.count} images`));
  const matrix = await extractFeatures(network, config.clustering.layer, asImages(data), {
    grid: config.clustering.grid as [number, number],
    batchSize: 64,
    onProgress: ({ done }) => {
      throwIfAborted(context.signal);
      report(done);
    },
  });
  return { data: matrix.data, dims: matrix.dims };
}

export async function featuresStage(context: PipelineContext, checkpoints: StageCheckpoints, pretext: PretextOutputs | undefined): Promise<FeaturesOutputs> {
  const { config } = context;
  const size = featureImageSize(context);
  const network = await sourceNetwork(context, pretext);
  mkdirSync(join(context.runDir, 'features'), { recursive: true });
  const open = (ref: DatasetRef) => openRunDataset(context, ref, size);
  try {
    const clusterRef = clusteringData(context);
    const clusterSet = await open(clusterRef);
    const clusterFeatures = await featuresOf(context, network, clusterSet, 'clustering data');
    await writeNpy(join(context.runDir, 'features', 'clustering.npy'), clusterFeatures.data, [clusterSet.count, clusterFeatures.dims]);
    const clustering = { file: 'features/clustering.npy', rows: clusterSet.count, dims: clusterFeatures.dims };
    let labeling = clustering;
    const labelRef = labelingData(context);
    if (JSON.stringify(labelRef) !== JSON.stringify(clusterRef)) {
      const labelSet = await open(labelRef);
      const labelFeatures = await featuresOf(context, network, labelSet, 'pseudo-label data');
      await writeNpy(join(context.runDir, 'features', 'labeling.npy'), labelFeatures.data, [labelSet.count, labelFeatures.dims]);
      labeling = { file: 'features/labeling.npy', rows: labelSet.count, dims: labelFeatures.dims };
    }
    context.log(`features: ${config.clustering.source} ${network ? config.clustering.layer : ''} → ${clustering.dims} dims`);
    const outputs: FeaturesOutputs = { clustering, labeling, imageSize: size };
    checkpoints.complete('features', outputs, [clustering.file, labeling.file]);
    return outputs;
  } finally {
    network?.dispose();
  }
}
