/**
 * Two of the paper's rows through the whole pipeline on a tiny folder made here, as their presets define them
 * (only sizes shrunk): Supervised (the upper bound: the target net trained on the real labels) and
 * CC+vgg-Jigsaw++ (the main result: a VGG-style pretext, its conv4 clustered, an AlexNet-style target).
 */
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { pipelineConfigSchema, presetConfig, type PipelineConfig } from '@ktlab/config';
import { readNpy, readPseudoLabels } from '@ktlab/kmeans';
import { loadModel, tapModel } from '@ktlab/models';
import { selectBackend } from '@ktlab/tf-backend';
import type { PipelineContext, StageKind, StageStatus } from './context';
import { runPipeline } from './run-pipeline';

const PER_CLASS = 12;

/** Horizontal stripes vs a centred blob, 32 px, slightly varied: two classes any net can tell apart. */
async function writeFolder(root: string): Promise<void> {
  const draw = {
    stripes: (x: number, y: number, i: number) => ((y + i) % 6 < 3 ? 220 : 30),
    blobs: (x: number, y: number, i: number) => ((x - 14 - (i % 5)) ** 2 + (y - 16) ** 2 < 80 ? 230 : 20),
  };
  for (const [name, value] of Object.entries(draw)) {
    mkdirSync(join(root, name), { recursive: true });
    for (let i = 0; i < PER_CLASS; i++) {
      const pixels = Buffer.alloc(32 * 32 * 3);
      for (let p = 0; p < 32 * 32; p++) {
        const v = value(p % 32, Math.floor(p / 32), i);
        pixels.set([v, (v + i * 9) % 256, 255 - v], p * 3);
      }
      await sharp(pixels, { raw: { width: 32, height: 32, channels: 3 } }).png().toFile(join(root, name, `${i}.png`));
    }
  }
}

/** A preset's config with its sizes shrunk for a test; the method (pretext, source, objective, arch) stays the preset's. */
function shrunkPreset(id: string, data: string, sizes: Record<string, Record<string, unknown>>): PipelineConfig {
  const preset = presetConfig(id, { data: { path: data }, seed: 2 });
  if (preset.kind !== 'pipeline') throw new Error(`${id} is not a pipeline preset`);
  const merged: Record<string, unknown> = { ...preset, imageSize: 32 };
  for (const [section, fields] of Object.entries(sizes)) merged[section] = { ...(preset as unknown as Record<string, object>)[section], ...fields };
  return pipelineConfigSchema.parse(merged);
}

const tinyEvaluation = { layers: ['conv1', 'conv3'], protocols: ['linear', 'knn'], epochs: 2, knnNeighbours: 3, batchSize: 8 };

function recordingContext(config: PipelineConfig, cacheDir: string) {
  const stages = new Map<StageKind, StageStatus>();
  const metrics = new Map<string, number>();
  const logs: string[] = [];
  const ctx: PipelineContext = {
    config,
    runDir: mkdtempSync(join(tmpdir(), 'ktlab-preset-run-')),
    cacheDir,
    signal: new AbortController().signal,
    metric: (key, step, value) => void metrics.set(`${key}@${step}`, value),
    stage: (kind, status) => void stages.set(kind, status),
    log: (message) => void logs.push(message),
  };
  const steps = (key: string) => [...metrics.keys()].filter((k) => k.startsWith(`${key}@`)).map((k) => Number(k.split('@')[1]));
  return { ctx, stages, metrics, logs, steps };
}

describe('the paper\'s rows through the pipeline on a tiny folder', () => {
  let data: string;
  let cacheDir: string;
  beforeAll(async () => {
    await selectBackend({}, pino({ level: 'silent' }));
    const root = mkdtempSync(join(tmpdir(), 'ktlab-presets-'));
    data = join(root, 'images');
    cacheDir = join(root, 'cache');
    await writeFolder(data);
  });

  it('Supervised: trains the target net on the two real classes, without pretext or clusters, and evaluates it', async () => {
    const config = shrunkPreset('supervised', data, {
      target: { widthMultiplier: 0.1, epochs: 3, batchSize: 8 },
      evaluation: tinyEvaluation,
    });
    expect(config).toMatchObject({ pretext: { task: 'none' }, target: { objective: 'supervised', arch: 'alexnet' } });
    const run = recordingContext(config, cacheDir);
    const results = await runPipeline(run.ctx);

    expect(Object.fromEntries(run.stages)).toEqual({
      pretext: 'skipped', features: 'skipped', kmeans: 'skipped', 'pseudo-labels': 'skipped', 'cluster-classification': 'succeeded', eval: 'succeeded',
    });
    expect(existsSync(join(run.ctx.runDir, 'pseudo-labels'))).toBe(false);
    // 24 images in batches of 8: 3 steps an epoch, 3 epochs; a loss for each, an epoch loss for each epoch
    expect(run.steps('target/loss').sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(run.steps('target/epoch_loss').sort()).toEqual([0, 1, 2]);
    // the saved target is a classifier over the folder's two classes (stripes, blobs), not over clusters
    const target = await loadModel(join(run.ctx.runDir, 'target/model'));
    expect(target.inputs[0].shape).toEqual([null, 32, 32, 3]);
    expect(target.outputs[0].shape).toEqual([null, 2]);
    target.dispose();

    expect(results.map((r) => `${r.protocol}:${r.layer}`)).toEqual(['linear:conv1', 'knn:conv1', 'linear:conv3', 'knn:conv3']);
    for (const result of results) expect(run.metrics.get(`eval/${result.protocol}/${result.layer}/top1@0`)).toBe(result.value);
    expect(run.steps('eval/linear/conv3/loss').sort()).toEqual([0, 1]);
  });

  it('CC+vgg-Jigsaw++: a VGG-style pretext, its conv4 features clustered, an AlexNet-style net trained on the clusters', async () => {
    const k = 3;
    const config = shrunkPreset('cc-vgg-jigsaw++', data, {
      pretext: { imageSize: 48, widthMultiplier: 0.1, epochs: 1, batchSize: 8, permutations: 10 },
      clustering: { k, iterations: 2, grid: [2, 2] },
      target: { widthMultiplier: 0.1, epochs: 1, batchSize: 8 },
      evaluation: tinyEvaluation,
    });
    expect(config).toMatchObject({ pretext: { task: 'jigsaw++', arch: 'vgg' }, clustering: { source: 'pretext', layer: 'conv4' }, target: { objective: 'cluster-classification', arch: 'alexnet' } });
    const run = recordingContext(config, cacheDir);
    const results = await runPipeline(run.ctx);

    expect(Object.fromEntries(run.stages)).toEqual({
      pretext: 'succeeded', features: 'succeeded', kmeans: 'succeeded', 'pseudo-labels': 'succeeded', 'cluster-classification': 'succeeded', eval: 'succeeded',
    });
    // the pretext trained a VGG-style trunk (two convs per stage), one loss per step of 8 puzzles
    const trunk = await loadModel(join(run.ctx.runDir, 'pretext/trunk'));
    expect(trunk.layers.filter((l) => l.getClassName() === 'Conv2D').map((l) => l.name)).toEqual([
      'conv1_1', 'conv1_2', 'conv2_1', 'conv2_2', 'conv3_1', 'conv3_2', 'conv4_1', 'conv4_2', 'conv5_1', 'conv5_2',
    ]);
    const conv4Channels = tapModel(trunk, 'conv4').outputs[0].shape[3] as number;
    trunk.dispose();
    expect(run.steps('pretext/loss').sort()).toEqual([0, 1, 2]);

    // its conv4 activations, max-pooled to 2×2, one row per image; k centroids of that width
    const features = await readNpy(join(run.ctx.runDir, 'features/clustering.npy'));
    expect(features.shape).toEqual([2 * PER_CLASS, conv4Channels * 4]);
    expect(run.metrics.get('kmeans/inertia@2')).toBeGreaterThan(0);
    const pseudoLabels = await readPseudoLabels(join(run.ctx.runDir, 'pseudo-labels/labels.ktpl'));
    expect(pseudoLabels.labels).toHaveLength(2 * PER_CLASS);
    expect(pseudoLabels.labels.every((label) => label >= 0 && label < k)).toBe(true);
    expect(run.metrics.get('pseudo-labels/clusters_used@0')).toBe(new Set(pseudoLabels.labels).size);

    // the target is the AlexNet-style classifier over the k clusters, at the run's image size
    const target = await loadModel(join(run.ctx.runDir, 'target/model'));
    expect(target.getLayer('conv5')).toBeDefined();
    expect(target.inputs[0].shape).toEqual([null, 32, 32, 3]);
    expect(target.outputs[0].shape).toEqual([null, k]);
    target.dispose();
    expect(run.steps('target/epoch_loss')).toEqual([0]);

    expect(results.map((r) => `${r.protocol}:${r.layer}`)).toEqual(['linear:conv1', 'knn:conv1', 'linear:conv3', 'knn:conv3']);
    for (const result of results) expect(run.metrics.get(`eval/${result.protocol}/${result.layer}/top1@0`)).toBe(result.value);
  });
});
