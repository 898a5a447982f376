/**
 * The features, k-means and pseudo-label stages through a shard queue (here one that executes each step's
 * tasks in this process with `executeShardTask`, last shard first, as shard workers would) give the same bits as
 * the in-process path: the same feature file, centroids and pseudo-labels, including pseudo-labels for another
 * dataset.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pipelineConfigSchema, type PipelineConfig } from '@ktlab/config';
import { loadModel, readNpy, readPseudoLabels, WasmDistanceEngine } from '@ktlab/kmeans';
import { selectBackend } from '@ktlab/tf-backend';
import type { PipelineContext, ShardQueue } from '../context';
import { StageCheckpoints } from '../io/checkpoints';
import { kmeansStage, pseudoLabelsStage } from '../stages/clustering.stage';
import { featuresStage } from '../stages/features.stage';
import { memoryShardQueue } from '../testing/memory-shard-queue';

let dataDir: string;
const engine = new WasmDistanceEngine({ threads: 1 });
afterAll(() => engine.dispose());

beforeAll(async () => {
  await selectBackend({}, pino({ level: 'silent' }));
  dataDir = mkdtempSync(join(tmpdir(), 'ktlab-sharded-stages-'));
  for (const [cls, value] of [['dark', 40], ['light', 200]] as const) {
    mkdirSync(join(dataDir, cls));
    for (let i = 0; i < 9; i++) {
      await sharp({ create: { width: 24, height: 24, channels: 3, background: { r: value, g: (i * 27) % 256, b: 255 - value } } }).png().toFile(join(dataDir, cls, `${i}.png`));
    }
  }
});

async function runClustering(config: PipelineConfig, shardQueue?: ShardQueue) {
  const runDir = mkdtempSync(join(tmpdir(), 'ktlab-sharded-stages-run-'));
  const context: PipelineContext = { config, runDir, signal: new AbortController().signal, metric: () => undefined, stage: () => undefined, log: () => undefined, shardQueue };
  const checkpoints = new StageCheckpoints(runDir);
  const features = await featuresStage(context, checkpoints, undefined);
  const kmeans = await kmeansStage(context, checkpoints, features);
  const labels = await pseudoLabelsStage(context, checkpoints, features, kmeans);
  return {
    features,
    clustering: (await readNpy(join(runDir, features.clustering.file))).data,
    labeling: (await readNpy(join(runDir, features.labeling.file))).data,
    model: await loadModel(join(runDir, kmeans.artifact)),
    labels: await readPseudoLabels(join(runDir, labels.file)),
  };
}

describe('sharded feature extraction and assignment', () => {
  const config = (source: 'random-network' | 'hog', labelSubset?: 'first-half') =>
    pipelineConfigSchema.parse({
      kind: 'pipeline',
      seed: 7,
      data: { path: dataDir },
      pretext: { task: 'none', imageSize: 24, widthMultiplier: 0.1 },
      clustering: { source, layer: 'conv3', grid: [2, 2], k: 3, iterations: 3, shardRows: 4, maxPointsPerCentroid: 0 },
      ...(labelSubset ? { pseudoLabels: { data: { path: dataDir, subset: labelSubset } } } : {}),
    });

  it('gives the in-process features, centroids and pseudo-labels bit for bit (network features, another pseudo-label dataset)', async () => {
    const inProcess = await runClustering(config('random-network', 'first-half'));
    const queue = memoryShardQueue(engine);
    const sharded = await runClustering(config('random-network', 'first-half'), queue);
    await queue.dispose();
    expect(queue.steps).toEqual(['features/0×5', 'features/1×3', 'kmeans-sample/0×5', 'kmeans-map/1×5', 'kmeans-map/2×5', 'kmeans-map/3×5', 'assign/0×3']);
    expect(sharded.features.clustering.shards?.map((s) => s.rows)).toEqual([3, 4, 3, 4, 4]);
    expect(sharded.features.labeling.shards?.map((s) => s.rows)).toEqual([3, 3, 3]);
    expect(sharded.features.clustering.dims).toBe(inProcess.features.clustering.dims);
    expect(sharded.clustering).toEqual(inProcess.clustering);
    expect(sharded.labeling).toEqual(inProcess.labeling);
    expect(sharded.model.centroids).toEqual(inProcess.model.centroids);
    expect(sharded.labels.ids).toEqual(inProcess.labels.ids);
    expect(sharded.labels.labels).toEqual(inProcess.labels.labels);
    expect(sharded.labels.distances).toEqual(inProcess.labels.distances);
    expect(sharded.labels.labels).toHaveLength(9);
  });

  it('shards HOG features too, and the assignment reuses the clustering shards for the same dataset', async () => {
    const inProcess = await runClustering(config('hog'));
    const queue = memoryShardQueue(engine);
    const sharded = await runClustering(config('hog'), queue);
    await queue.dispose();
    expect(queue.steps).toEqual(['features/0×5', 'kmeans-sample/0×5', 'kmeans-map/1×5', 'kmeans-map/2×5', 'kmeans-map/3×5', 'assign/0×5']);
    expect(queue.files.has('shard-features-network.bin')).toBe(false);
    expect(sharded.clustering).toEqual(inProcess.clustering);
    expect(sharded.model.centroids).toEqual(inProcess.model.centroids);
    expect(sharded.labels.labels).toEqual(inProcess.labels.labels);
  });
});
