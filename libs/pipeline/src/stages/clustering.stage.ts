/**
 * Stages 3 and 4: k-means on the clustering features (the centroids and their preprocessing saved as an
 * artifact), then pseudo-labels — the nearest centroid of every image of the pseudo-label dataset.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import {
  assignToModel,
  defaultDistanceEngine,
  fitKMeans,
  fitKMeansSharded,
  InMemoryShards,
  labelAgreement,
  loadModel,
  planShards,
  readNpy,
  saveModel,
  toRowBlocks,
  writePseudoLabels,
  writePseudoLabelsCsv,
  type IterationMetrics,
  type KMeansModel,
  type PreprocessingOptions,
  type PseudoLabels,
  type ShardedPoints,
} from '@ktlab/kmeans';
import { throttle, throwIfAborted, type PipelineContext, type ShardQueue } from '../context';
import { openRunDataset } from '../datasets';
import type { StageCheckpoints } from '../io/checkpoints';
import { publishFeatureShards, queuedPoints } from '../sharding/kmeans-shards';
import { concatAssignments, decodeAssignment, planAssignShards, shardFileName, type Assignment, type FeatureShardRef } from '../sharding/shard-plan';
import { clusteringData, labelingData, type FeatureFile, type FeaturesOutputs } from './features.stage';

/** The run's shard queue when this stage's input was extracted in shards (else the stage works in process). */
function queueFor(context: PipelineContext, file: FeatureFile): { queue: ShardQueue; shards: FeatureShardRef[] } | undefined {
  if (context.config.clustering.shardRows <= 0 || !context.shardQueue || !file.shards) return undefined;
  return { queue: context.shardQueue, shards: file.shards };
}

export interface KMeansOutputs {
  artifact: string;
  k: number;
}

export interface PseudoLabelOutputs {
  file: string;
  k: number;
}

/** Fewer images per cluster than this and the pseudo-labels mostly name single images: the run says so. */
export const FEW_IMAGES_PER_CLUSTER = 10;

/** Refuses a k above the number of clustered images and warns when the clusters would be nearly singletons. */
export function checkClusterCount(k: number, rows: number, log: (message: string) => void): void {
  // The largest k that leaves FEW_IMAGES_PER_CLUSTER images per cluster.
  const fitting = Math.floor(rows / FEW_IMAGES_PER_CLUSTER);
  if (rows < k) {
    throw new Error(`clustering.k = ${k}, but only ${rows} images are clustered: k-means needs at least one image per cluster (set clustering.k to at most ${rows}, e.g. --set clustering.k=${Math.max(2, fitting)})`);
  }
  if (rows < k * FEW_IMAGES_PER_CLUSTER) {
    log(
      `kmeans: warning: ${k} clusters for ${rows} images (${(rows / k).toFixed(1)} per cluster) — pseudo-labels this fine mostly name single images, not what images share ` +
        `(the paper clusters ~650 images per cluster: 2,000 clusters of ImageNet's 1.3M); ${fitting >= 2 ? `consider --set clustering.k=${fitting}, or more images` : 'more images would help'}`,
    );
  }
}

export async function kmeansStage(context: PipelineContext, checkpoints: StageCheckpoints, features: FeaturesOutputs): Promise<KMeansOutputs> {
  const { config } = context;
  const cfg = config.clustering;
  checkClusterCount(cfg.k, features.clustering.rows, (message) => context.log(message));
  const data = await openRunDataset(context, clusteringData(context), features.imageSize);
  const preprocessing = cfg.pcaDims > 0 ? { pcaDims: Math.min(cfg.pcaDims, features.clustering.dims), whiten: true, l2Normalize: true } : undefined;
  const onIteration = (m: IterationMetrics) => {
    void context.metric('kmeans/inertia', m.iteration, m.inertia);
    void context.metric('kmeans/imbalance', m.iteration, m.sizes.imbalance);
    void context.metric('kmeans/empty_splits', m.iteration, m.emptySplits);
    void context.metric('kmeans/largest_cluster', m.iteration, m.sizes.max);
    if (m.agreement) void context.metric('kmeans/nmi', m.iteration, m.agreement.nmi);
    void context.stage('kmeans', 'running', m.iteration / cfg.iterations, `iteration ${m.iteration}/${cfg.iterations}, inertia ${m.inertia.toExponential(3)}`);
  };
  const sharded = queueFor(context, features.clustering);
  const fit = sharded
    ? { model: await fitInShards(context, queuedPoints(sharded.queue, sharded.shards, features.clustering.dims), preprocessing, onIteration) }
    : cfg.shardRows > 0
      ? { model: await fitInShards(context, await shardsInProcess(context, features.clustering), preprocessing, onIteration) }
      : await fitKMeans((await readNpy(join(context.runDir, features.clustering.file))).data as Float32Array, features.clustering.dims, {
          k: cfg.k,
          iterations: cfg.iterations,
          seed: config.seed,
          maxPointsPerCentroid: cfg.maxPointsPerCentroid,
          preprocessing,
          groundTruth: data.labels,
          onIteration,
        });
  const artifact = 'kmeans/centroids.ktkm';
  mkdirSync(join(context.runDir, 'kmeans'), { recursive: true });
  await saveModel(join(context.runDir, artifact), fit.model);
  const outputs = { artifact, k: fit.model.k };
  checkpoints.complete('kmeans', outputs, [artifact]);
  return outputs;
}

/**
 * The shards of a feature file this process extracted whole (a run without a shard queue, or features from before
 * one): put as the run's files for the queue's workers when there is a queue, else kept in this process.
 */
async function shardsInProcess(context: PipelineContext, file: FeatureFile): Promise<ShardedPoints & { dispose?(): Promise<void> }> {
  const cfg = context.config.clustering;
  const features = (await readNpy(join(context.runDir, file.file))).data as Float32Array;
  const { dims } = file;
  if (context.shardQueue) return publishFeatureShards(context.shardQueue, features, dims, cfg.shardRows);
  const engine = defaultDistanceEngine();
  const rows = features.length / dims;
  const shards = planShards(rows, Math.ceil(rows / cfg.shardRows)).map(({ start, end }) => toRowBlocks(features.subarray(start * dims, end * dims), dims));
  return Object.assign(new InMemoryShards(shards, () => engine), { dispose: () => engine.dispose() });
}

/**
 * k-means as map/reduce over shards of `clustering.shardRows` rows, executed by whichever workers claim them
 * (or in this process). After each iteration the centroids are saved, so a resumed run continues the fit.
 */
async function fitInShards(
  context: PipelineContext,
  points: ShardedPoints & { dispose?(): Promise<void> },
  preprocessing: PreprocessingOptions | undefined,
  onIteration: (metrics: IterationMetrics) => void,
): Promise<KMeansModel> {
  const cfg = context.config.clustering;
  const checkpointFile = join(context.runDir, 'kmeans', 'sharded-fit.ktkm');
  mkdirSync(join(context.runDir, 'kmeans'), { recursive: true });
  const saved = existsSync(checkpointFile) ? await loadModel(checkpointFile) : undefined;
  const resume = saved?.training && { iteration: saved.training.iterations, centroids: saved.centroids, preprocessing: saved.preprocessing };
  if (resume) context.log(`kmeans: resuming the sharded fit after iteration ${resume.iteration}`);
  try {
    context.log(`kmeans: ${points.shardRows.length} shard(s) of at most ${cfg.shardRows} rows`);
    const { model } = await fitKMeansSharded(points, {
      k: cfg.k,
      iterations: cfg.iterations,
      seed: context.config.seed,
      maxPointsPerCentroid: cfg.maxPointsPerCentroid,
      preprocessing,
      resume,
      onIteration: async (metrics, checkpoint) => {
        onIteration(metrics);
        // Only the iteration count is read back from the checkpoint's training summary.
        const training = { datasetRows: 0, trainingRows: 0, iterations: checkpoint.iteration, seed: context.config.seed, init: 'kmeans++' as const, finalInertia: metrics.inertia, engine: 'sharded', seconds: 0 };
        await saveModel(checkpointFile, { k: cfg.k, dims: checkpoint.centroids.length / cfg.k, centroids: checkpoint.centroids, preprocessing: checkpoint.preprocessing, training });
        throwIfAborted(context.signal);
      },
    });
    return model;
  } finally {
    await points.dispose?.();
  }
}

/** Pseudo-labels by assignment shards: every shard task assigns one feature shard's rows to the saved centroids. */
async function assignInShards(context: PipelineContext, queue: ShardQueue, shards: readonly FeatureShardRef[], artifact: string): Promise<Assignment> {
  await queue.putFile(shardFileName.model, new Uint8Array(await readFile(join(context.runDir, artifact))));
  const report = throttle(1000, (done: number, total: number) => context.stage('pseudo-labels', 'running', done / total, `assignment: ${done}/${total} shards`));
  context.log(`pseudo-labels: ${shards.length} assignment shard(s)`);
  const outputs = await queue.runStep('assign', 0, planAssignShards(shards, shardFileName.model), report);
  const parts: Assignment[] = [];
  for (const name of outputs) parts.push(decodeAssignment(await queue.getFile(name), name));
  return concatAssignments(parts, shards);
}

export async function pseudoLabelsStage(
  context: PipelineContext,
  checkpoints: StageCheckpoints,
  features: FeaturesOutputs,
  kmeans: KMeansOutputs,
): Promise<PseudoLabelOutputs> {
  const model = await loadModel(join(context.runDir, kmeans.artifact));
  const sharded = queueFor(context, features.labeling);
  const assignment = sharded
    ? await assignInShards(context, sharded.queue, sharded.shards, kmeans.artifact)
    : await assignToModel(model, (await readNpy(join(context.runDir, features.labeling.file))).data as Float32Array);
  const data = await openRunDataset(context, labelingData(context), features.imageSize);
  const pseudoLabels = { k: model.k, model: kmeans.artifact, ids: data.ids, labels: assignment.labels, distances: assignment.distances };
  return recordPseudoLabels(context, checkpoints, pseudoLabels, data.labels);
}

/**
 * Writes the run's pseudo-labels — `labels.ktpl` (what later stages and the cluster browser read) and
 * `labels.csv` (`path,label`, for other tools and `clustering.source: 'file'`) — and their statistics:
 * clusters used and, given the images' ground truth (aligned with `pseudoLabels.ids`), NMI / ARI / purity.
 */
export async function recordPseudoLabels(
  context: PipelineContext,
  checkpoints: StageCheckpoints,
  pseudoLabels: PseudoLabels,
  groundTruth: Int32Array | undefined,
): Promise<PseudoLabelOutputs> {
  const file = 'pseudo-labels/labels.ktpl';
  const csv = 'pseudo-labels/labels.csv';
  mkdirSync(join(context.runDir, 'pseudo-labels'), { recursive: true });
  await writePseudoLabels(join(context.runDir, file), pseudoLabels);
  await writePseudoLabelsCsv(join(context.runDir, csv), pseudoLabels);
  const used = new Set(pseudoLabels.labels).size;
  await context.metric('pseudo-labels/clusters_used', 0, used);
  if (groundTruth) {
    const agreement = labelAgreement(pseudoLabels.labels, groundTruth);
    await context.metric('pseudo-labels/nmi', 0, agreement.nmi);
    await context.metric('pseudo-labels/ari', 0, agreement.ari);
    await context.metric('pseudo-labels/purity', 0, agreement.purity);
    context.log(`pseudo-labels vs ground truth: NMI ${agreement.nmi.toFixed(3)}, ARI ${agreement.ari.toFixed(3)}, purity ${agreement.purity.toFixed(3)}`);
  }
  const outputs = { file, k: pseudoLabels.k };
  checkpoints.complete('pseudo-labels', outputs, [file, csv]);
  return outputs;
}
