import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { pipelineConfigSchema } from '@ktlab/config';
import { gaussianMixture, loadModel, writeNpy } from '@ktlab/kmeans';
import { PipelineAbortedError, type PipelineContext, type ShardQueue } from '../context';
import { StageCheckpoints } from '../io/checkpoints';
import { memoryShardQueue } from '../testing/memory-shard-queue';
import { checkClusterCount, kmeansStage } from './clustering.stage';
import type { FeaturesOutputs } from './features.stage';

const rows = 60;
const dims = 6;
let dataDir: string;
let features: Float32Array;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'ktlab-kmeans-stage-'));
  for (const cls of ['a', 'b']) {
    mkdirSync(join(dataDir, cls));
    for (let i = 0; i < rows / 2; i++) {
      await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: i * 8, g: cls === 'a' ? 0 : 255, b: 9 } } }).png().toFile(join(dataDir, cls, `${i}.png`));
    }
  }
  features = gaussianMixture({ rows, dims, components: 4, centerSpread: 4, noise: 0.3, seed: 2 }).points;
});

/** A run folder whose features stage is done, and a context whose stage reports can stop the run. */
async function clusteringRun(shardRows: number, stopAtIteration?: number, runDir = mkdtempSync(join(tmpdir(), 'ktlab-kmeans-run-')), shardQueue?: ShardQueue, k = 4) {
  const config = pipelineConfigSchema.parse({
    kind: 'pipeline',
    seed: 4,
    data: { path: dataDir },
    clustering: { k, iterations: 5, shardRows, maxPointsPerCentroid: 0 },
  });
  mkdirSync(join(runDir, 'features'), { recursive: true });
  await writeNpy(join(runDir, 'features', 'clustering.npy'), features, [rows, dims]);
  const file = { file: 'features/clustering.npy', dims, rows };
  const outputs: FeaturesOutputs = { clustering: file, labeling: file, imageSize: 32 };
  const controller = new AbortController();
  const logs: string[] = [];
  const context: PipelineContext = {
    config,
    runDir,
    signal: controller.signal,
    metric: () => undefined,
    stage: (_kind, _status, _progress, message) => {
      if (stopAtIteration !== undefined && message?.startsWith(`iteration ${stopAtIteration}/`)) controller.abort('test stop');
    },
    log: (message) => void logs.push(message),
    shardQueue,
  };
  return { run: () => kmeansStage(context, new StageCheckpoints(runDir), outputs), runDir, logs };
}

describe('k-means stage in shards', () => {
  it('clusters in shards in this process, and resumes a stopped fit to the same centroids', async () => {
    const whole = await clusteringRun(25);
    const uninterrupted = await loadModel(join(whole.runDir, (await whole.run()).artifact));
    expect(whole.logs).toContain('kmeans: 3 shard(s) of at most 25 rows');

    const stopped = await clusteringRun(25, 2);
    await expect(stopped.run()).rejects.toBeInstanceOf(PipelineAbortedError);
    const resumed = await clusteringRun(25, undefined, stopped.runDir);
    const model = await loadModel(join(resumed.runDir, (await resumed.run()).artifact));
    expect(resumed.logs).toContain('kmeans: resuming the sharded fit after iteration 2');
    expect(model.centroids).toEqual(uninterrupted.centroids);
  });

  it('hands features this process extracted whole to the shard queue: the same centroids as in process', async () => {
    const inProcess = await clusteringRun(25);
    const expected = await loadModel(join(inProcess.runDir, (await inProcess.run()).artifact));
    const queue = memoryShardQueue();
    const queued = await clusteringRun(25, undefined, undefined, queue);
    const model = await loadModel(join(queued.runDir, (await queued.run()).artifact));
    await queue.dispose();
    expect(queue.steps).toEqual(['kmeans-sample/0×3', ...[1, 2, 3, 4, 5].map((iteration) => `kmeans-map/${iteration}×3`)]);
    expect([...queue.files.keys()].filter((name) => name.startsWith('shard-features-'))).toEqual([0, 1, 2].map((shard) => `shard-features-clustering-${shard}.npy`));
    expect(model.centroids).toEqual(expected.centroids);
  });
});

describe('the number of clusters against the images clustered', () => {
  it('refuses more clusters than images, naming the field and a value that works, before any fitting', async () => {
    const tooMany = await clusteringRun(0, undefined, undefined, undefined, rows + 1);
    await expect(tooMany.run()).rejects.toThrow(`clustering.k = ${rows + 1}, but only ${rows} images are clustered: k-means needs at least one image per cluster (set clustering.k to at most ${rows}, e.g. --set clustering.k=6)`);
  });

  it('warns when the clusters would hold fewer than 10 images each, and stays quiet otherwise', async () => {
    const fine = await clusteringRun(0, undefined, undefined, undefined, 30);
    await fine.run();
    expect(fine.logs.filter((line) => line.includes('warning'))).toEqual([
      'kmeans: warning: 30 clusters for 60 images (2.0 per cluster) — pseudo-labels this fine mostly name single images, not what images share (the paper clusters ~650 images per cluster: 2,000 clusters of ImageNet\'s 1.3M); consider --set clustering.k=6, or more images',
    ]);
    const logs: string[] = [];
    checkClusterCount(100, 1_000, (line) => logs.push(line));
    checkClusterCount(2, 19, (line) => logs.push(line));
    expect(logs).toEqual(['kmeans: warning: 2 clusters for 19 images (9.5 per cluster) — pseudo-labels this fine mostly name single images, not what images share (the paper clusters ~650 images per cluster: 2,000 clusters of ImageNet\'s 1.3M); more images would help']);
  });
});
