/**
 * Stages 3 and 4: k-means on the clustering features (the centroids and their preprocessing saved as an
 * artifact), then pseudo-labels — the nearest centroid of every image of the pseudo-label dataset.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { assignToModel, fitKMeans, labelAgreement, loadModel, readNpy, saveModel, writePseudoLabels } from '@ktlab/kmeans';
import type { PipelineContext } from '../context';
import { openDataset } from '../datasets';
import type { StageCheckpoints } from '../io/checkpoints';
import { clusteringData, labelingData, type FeaturesOutputs } from './features.stage';

export interface KMeansOutputs {
  artifact: string;
  k: number;
}

export interface PseudoLabelOutputs {
  file: string;
  k: number;
}

export async function kmeansStage(context: PipelineContext, checkpoints: StageCheckpoints, features: FeaturesOutputs): Promise<KMeansOutputs> {
  const { config } = context;
  const cfg = config.clustering;
  const matrix = await readNpy(join(context.runDir, features.clustering.file));
  const data = await openDataset(clusteringData(context), { size: features.imageSize, seed: config.seed, cacheDir: context.cacheDir });
  const fit = await fitKMeans(matrix.data as Float32Array, features.clustering.dims, {
    k: cfg.k,
    iterations: cfg.iterations,
    seed: config.seed,
    maxPointsPerCentroid: cfg.maxPointsPerCentroid,
    preprocessing: cfg.pcaDims > 0 ? { pcaDims: Math.min(cfg.pcaDims, features.clustering.dims), whiten: true, l2Normalize: true } : undefined,
    groundTruth: data.labels,
    onIteration: (m) => {
      void context.metric('kmeans/inertia', m.iteration, m.inertia);
      void context.metric('kmeans/imbalance', m.iteration, m.sizes.imbalance);
      void context.metric('kmeans/empty_splits', m.iteration, m.emptySplits);
      void context.metric('kmeans/largest_cluster', m.iteration, m.sizes.max);
      if (m.agreement) void context.metric('kmeans/nmi', m.iteration, m.agreement.nmi);
      void context.stage('kmeans', 'running', m.iteration / cfg.iterations, `iteration ${m.iteration}/${cfg.iterations}, inertia ${m.inertia.toExponential(3)}`);
    },
  });
  const artifact = 'kmeans/centroids.ktkm';
  mkdirSync(join(context.runDir, 'kmeans'), { recursive: true });
  await saveModel(join(context.runDir, artifact), fit.model);
  const outputs = { artifact, k: fit.model.k };
  checkpoints.complete('kmeans', outputs, [artifact]);
  return outputs;
}

export async function pseudoLabelsStage(
  context: PipelineContext,
  checkpoints: StageCheckpoints,
  features: FeaturesOutputs,
  kmeans: KMeansOutputs,
): Promise<PseudoLabelOutputs> {
  const { config } = context;
  const model = await loadModel(join(context.runDir, kmeans.artifact));
  const matrix = await readNpy(join(context.runDir, features.labeling.file));
  const assignment = await assignToModel(model, matrix.data as Float32Array);
  const data = await openDataset(labelingData(context), { size: features.imageSize, seed: config.seed, cacheDir: context.cacheDir });
  const file = 'pseudo-labels/labels.ktpl';
  mkdirSync(join(context.runDir, 'pseudo-labels'), { recursive: true });
  await writePseudoLabels(join(context.runDir, file), { k: model.k, model: kmeans.artifact, ids: data.ids, labels: assignment.labels, distances: assignment.distances });
  const used = new Set(assignment.labels).size;
  await context.metric('pseudo-labels/clusters_used', 0, used);
  if (data.labels) {
    const agreement = labelAgreement(assignment.labels, data.labels);
    await context.metric('pseudo-labels/nmi', 0, agreement.nmi);
    await context.metric('pseudo-labels/ari', 0, agreement.ari);
    await context.metric('pseudo-labels/purity', 0, agreement.purity);
    context.log(`pseudo-labels vs ground truth: NMI ${agreement.nmi.toFixed(3)}, ARI ${agreement.ari.toFixed(3)}, purity ${agreement.purity.toFixed(3)}`);
  }
  const outputs = { file, k: model.k };
  checkpoints.complete('pseudo-labels', outputs, [file]);
  return outputs;
}
