/**
 * The second pretext task through the whole pipeline on a tiny folder made here, as its presets define it (only
 * sizes shrunk): Rotation (the rotation net's trunk evaluated directly) and CC+Rotation (its conv4 clustered,
 * a fresh AlexNet-style net trained on the clusters) — the knowledge transfer does not care which pretext it is.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { pipelineConfigSchema, presetConfig, type PipelineConfig } from '@ktlab/config';
import { readPseudoLabels } from '@ktlab/kmeans';
import { loadModel } from '@ktlab/models';
import { selectBackend } from '@ktlab/tf-backend';
import type { PipelineContext, StageKind, StageStatus } from './context';
import type { StageRecord } from './io/checkpoints';
import { runPipeline } from './run-pipeline';
import type { PretextOutputs } from './stages/pretext.stage';

const PER_CLASS = 12;

/** Two classes with an up and a down (a bright top band, a corner blob), 32 px, slightly varied. */
async function writeFolder(root: string): Promise<void> {
  const draw = {
    band: (x: number, y: number, i: number) => (y < 8 + (i % 3) ? 230 : 25 + x),
    corner: (x: number, y: number, i: number) => ((x - 6 - (i % 4)) ** 2 + (y - 24) ** 2 < 40 ? 220 : 30),
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

function shrunkPreset(id: string, data: string, sizes: Record<string, Record<string, unknown>>): PipelineConfig {
  const preset = presetConfig(id, { data: { path: data }, seed: 5 });
  if (preset.kind !== 'pipeline') throw new Error(`${id} is not a pipeline preset`);
  const merged: Record<string, unknown> = { ...preset, imageSize: 32 };
  for (const [section, fields] of Object.entries(sizes)) merged[section] = { ...(preset as unknown as Record<string, object>)[section], ...fields };
  return pipelineConfigSchema.parse(merged);
}

function recordingContext(config: PipelineConfig, cacheDir: string) {
  const stages = new Map<StageKind, StageStatus>();
  const metrics = new Map<string, number>();
  const logs: string[] = [];
  const ctx: PipelineContext = {
    config,
    runDir: mkdtempSync(join(tmpdir(), 'ktlab-rotation-run-')),
    cacheDir,
    signal: new AbortController().signal,
    metric: (key, step, value) => void metrics.set(`${key}@${step}`, value),
    stage: (kind, status) => void stages.set(kind, status),
    log: (message) => void logs.push(message),
  };
  const steps = (key: string) => [...metrics.keys()].filter((k) => k.startsWith(`${key}@`)).map((k) => Number(k.split('@')[1])).sort((a, b) => a - b);
  return { ctx, stages, metrics, logs, steps };
}

/** The pretext net as the last epoch checkpoint saved it (trunk + 4-way head), and the stage's record. */
async function pretextNet(runDir: string) {
  const epoch = JSON.parse(readFileSync(join(runDir, 'pretext', 'checkpoint', 'epoch.json'), 'utf8')) as { dir: string };
  const record = JSON.parse(readFileSync(join(runDir, 'stages', 'pretext.json'), 'utf8')) as StageRecord<PretextOutputs>;
  return { model: await loadModel(join(runDir, 'pretext', 'checkpoint', epoch.dir, 'model')), outputs: record.outputs };
}

const pretextSizes = { imageSize: 32, widthMultiplier: 0.1, epochs: 2, batchSize: 8 };
const tinyEvaluation = { layers: ['conv1', 'conv3'], protocols: ['linear', 'knn'], epochs: 2, knnNeighbours: 3, batchSize: 8 };

describe('the rotation pretext through the pipeline on a tiny folder', () => {
  let data: string;
  let cacheDir: string;
  beforeAll(async () => {
    await selectBackend({}, pino({ level: 'silent' }));
    const root = mkdtempSync(join(tmpdir(), 'ktlab-rotation-'));
    data = join(root, 'images');
    cacheDir = join(root, 'cache');
    await writeFolder(data);
  });

  it('Rotation: trains a 4-way rotation net on all four rotations of each image, measures it held out, evaluates its trunk per layer', async () => {
    const config = shrunkPreset('rotation', data, {
      pretext: { ...pretextSizes, heldOutImages: 4 },
      evaluation: { ...tinyEvaluation, protocols: ['linear', 'knn', 'nonlinear'], nonlinearLayers: ['conv3'], trainEpochs: 1 },
    });
    expect(config).toMatchObject({ pretext: { task: 'rotation', arch: 'alexnet' }, target: { objective: 'none' } });
    const run = recordingContext(config, cacheDir);
    const results = await runPipeline(run.ctx);

    expect(Object.fromEntries(run.stages)).toEqual({
      pretext: 'succeeded', features: 'skipped', kmeans: 'skipped', 'pseudo-labels': 'skipped', 'cluster-classification': 'succeeded', eval: 'succeeded',
    });
    // 24 images, 4 held out: 20 train in batches of 8 images (32 rotated copies), 3 steps an epoch, 2 epochs
    expect(run.steps('pretext/loss')).toEqual([0, 1, 2, 3, 4, 5]);
    expect(run.steps('pretext/epoch_loss')).toEqual([0, 1]);
    for (const step of run.steps('pretext/epoch_loss')) expect(run.metrics.get(`pretext/epoch_loss@${step}`)).toBeGreaterThan(0);
    // held-out: the 4 rotations of each of the 4 held-out images, measured at each epoch's end; chance is 1/4
    expect(run.steps('pretext/heldout_top1')).toEqual([3, 6]);
    expect(run.metrics.get('pretext/puzzles_seen@6')).toBe(6 * 8 * 4);
    expect(run.logs.some((line) => line.includes('16 rotated images of 4 held-out images; chance 25.00%'))).toBe(true);
    expect(run.logs.some((line) => line.startsWith('pretext: rotation on 24 images at 32px, each image in all 4 rotations'))).toBe(true);

    // the pretext net: the AlexNet-style trunk on whole 32 px images and a head with 4 outputs, one per rotation
    const { model, outputs } = await pretextNet(run.ctx.runDir);
    expect(model.inputs[0].shape).toEqual([null, 32, 32, 3]);
    expect(model.outputs[0].shape).toEqual([null, 4]);
    model.dispose();
    expect(outputs).toEqual({ trunkDir: 'pretext/trunk', inputSize: 32, classes: 4 });
    expect(existsSync(join(run.ctx.runDir, 'figures', 'example-rotations.png'))).toBe(true);
    expect(existsSync(join(run.ctx.runDir, 'pretext', 'permutations.bin'))).toBe(false);

    // evaluation: the rotation trunk, frozen, per layer; nonlinear retrains after conv3
    expect(results.map((r) => `${r.protocol}:${r.layer}`)).toEqual(['linear:conv1', 'knn:conv1', 'linear:conv3', 'knn:conv3', 'nonlinear:conv3']);
    for (const result of results) {
      expect(result).toMatchObject({ metric: 'top1', dataset: expect.stringContaining('held-out 20%') });
      expect(run.metrics.get(`eval/${result.protocol}/${result.layer}/top1@0`)).toBe(result.value);
      // each (protocol, layer) cell is saved in the run folder as it finishes: its rows, one per metric
      const saved = JSON.parse(readFileSync(join(run.ctx.runDir, 'eval', 'results', `${result.protocol}-${result.layer}.json`), 'utf8')) as unknown;
      expect(saved).toEqual([result]);
    }
  });

  it('CC+Rotation: the rotation net\'s conv4 clustered, an AlexNet-style net trained on the clusters and evaluated per layer', async () => {
    const k = 3;
    const config = shrunkPreset('cc-rotation', data, {
      pretext: { ...pretextSizes, epochs: 1 },
      clustering: { k, iterations: 2, grid: [2, 2] },
      target: { widthMultiplier: 0.1, epochs: 1, batchSize: 8 },
      evaluation: tinyEvaluation,
    });
    expect(config).toMatchObject({ pretext: { task: 'rotation', arch: 'alexnet' }, clustering: { source: 'pretext', layer: 'conv4' }, target: { objective: 'cluster-classification', arch: 'alexnet' } });
    const run = recordingContext(config, cacheDir);
    const results = await runPipeline(run.ctx);

    expect(Object.fromEntries(run.stages)).toEqual({
      pretext: 'succeeded', features: 'succeeded', kmeans: 'succeeded', 'pseudo-labels': 'succeeded', 'cluster-classification': 'succeeded', eval: 'succeeded',
    });
    expect(run.steps('pretext/loss')).toEqual([0, 1, 2]);
    expect(run.metrics.get('pretext/epoch_loss@0')).toBeGreaterThan(0);
    const { model } = await pretextNet(run.ctx.runDir);
    expect(model.outputs[0].shape).toEqual([null, 4]);
    model.dispose();

    const pseudoLabels = await readPseudoLabels(join(run.ctx.runDir, 'pseudo-labels/labels.ktpl'));
    expect(pseudoLabels.labels).toHaveLength(2 * PER_CLASS);
    expect(pseudoLabels.labels.every((label) => label >= 0 && label < k)).toBe(true);
    const target = await loadModel(join(run.ctx.runDir, 'target/model'));
    expect(target.outputs[0].shape).toEqual([null, k]);
    target.dispose();
    expect(run.steps('target/epoch_loss')).toEqual([0]);

    expect(results.map((r) => `${r.protocol}:${r.layer}`)).toEqual(['linear:conv1', 'knn:conv1', 'linear:conv3', 'knn:conv3']);
    for (const result of results) expect(run.metrics.get(`eval/${result.protocol}/${result.layer}/top1@0`)).toBe(result.value);
  });
});
