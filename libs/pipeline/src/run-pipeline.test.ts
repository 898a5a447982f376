import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { readNpy, readPseudoLabels } from '@ktlab/kmeans';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { pino } from 'pino';
import { selectBackend } from '@ktlab/tf-backend';

const silentLogger = pino({ level: 'silent' });
import { beforeAll, describe, expect, it } from 'vitest';
import { pipelineConfigSchema, type PipelineConfig } from '@ktlab/config';
import type { PipelineContext, StageKind, StageStatus } from './context';
import { listRunDownloads } from './io/run-downloads';
import { plannedStages, runPipeline } from './run-pipeline';

/** Two visually distinct classes (stripes vs. blobs) at odd sizes, plus a broken file: a messy little folder. */
async function makeFolder(root: string): Promise<void> {
  for (const [cls, draw] of [
    ['stripes', (x: number, y: number, i: number) => ((y + i) % 6 < 3 ? 220 : 30)],
    ['blobs', (x: number, y: number, i: number) => ((x - 16 - (i % 5)) ** 2 + (y - 16) ** 2 < 90 ? 230 : 20)],
  ] as const) {
    mkdirSync(join(root, cls), { recursive: true });
    for (let i = 0; i < 20; i++) {
      const size = 32 + (i % 3) * 7;
      const pixels = Buffer.alloc(size * size * 3);
      for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) {
        const v = draw((x * 32) / size, (y * 32) / size, i);
        pixels[(y * size + x) * 3] = v;
        pixels[(y * size + x) * 3 + 1] = (v + i * 7) % 256;
        pixels[(y * size + x) * 3 + 2] = 255 - v;
      }
      await sharp(pixels, { raw: { width: size, height: size, channels: 3 } }).png().toFile(join(root, cls, `img ${i}.png`));
    }
  }
  writeFileSync(join(root, 'blobs', 'broken.jpg'), 'not a jpeg');
}

function tinyConfig(path: string, overrides: Partial<Record<string, unknown>> = {}): PipelineConfig {
  return pipelineConfigSchema.parse({
    kind: 'pipeline',
    seed: 3,
    imageSize: 32,
    data: { path },
    pretext: { task: 'jigsaw++', imageSize: 48, widthMultiplier: 0.1, epochs: 1, batchSize: 8, permutations: 10 },
    clustering: { k: 4, iterations: 3, grid: [1, 1], layer: 'conv3' },
    target: { widthMultiplier: 0.1, epochs: 1, batchSize: 8 },
    evaluation: { layers: ['conv1', 'conv5'], epochs: 2, protocols: ['linear', 'knn'], knnNeighbours: 5, trainEpochs: 2, batchSize: 8 },
    ...overrides,
  });
}

function context(config: PipelineConfig, runDir: string, cacheDir: string, signal = new AbortController().signal) {
  const stages: { kind: StageKind; status: StageStatus; message?: string }[] = [];
  const metrics = new Map<string, number>();
  const logs: string[] = [];
  const ctx: PipelineContext = {
    config,
    runDir,
    cacheDir,
    signal,
    metric: (key, step, value) => void metrics.set(`${key}@${step}`, value),
    stage: (kind, status, _progress, message) => void stages.push({ kind, status, message }),
    log: (message) => void logs.push(message),
  };
  return { ctx, stages, metrics, logs };
}

describe('runPipeline', () => {
  let data: string;
  let cacheDir: string;
  beforeAll(async () => {
    await selectBackend({}, silentLogger);
    const root = mkdtempSync(join(tmpdir(), 'ktlab-pipeline-'));
    data = join(root, 'images');
    cacheDir = join(root, 'cache');
    await makeFolder(data);
  });

  it('plans the stages of each method', () => {
    expect([...plannedStages(tinyConfig('/x'))]).toEqual(['pretext', 'features', 'kmeans', 'pseudo-labels', 'cluster-classification', 'eval']);
    expect([...plannedStages(tinyConfig('/x', { pretext: { task: 'none' }, target: { objective: 'none' } }))]).toEqual(['cluster-classification', 'eval']);
    expect([...plannedStages(tinyConfig('/x', { pretext: { task: 'none' }, clustering: { source: 'hog' } }))]).not.toContain('pretext');
    expect([...plannedStages(tinyConfig('/x', { target: { objective: 'regression' } }))]).toEqual(['pretext', 'features', 'cluster-classification', 'eval']);
  });

  it('distils by regression: the student regresses the teacher features, and evaluation reads the student', async () => {
    const config = tinyConfig(data, {
      clustering: { layer: 'conv3', grid: [2, 2] },
      target: { objective: 'regression', widthMultiplier: 0.1, epochs: 4, batchSize: 8, learningRate: 0.02 },
    });
    const runDir = mkdtempSync(join(tmpdir(), 'ktlab-run-'));
    const run = context(config, runDir, cacheDir);
    const results = await runPipeline(run.ctx);
    expect(run.stages.filter((s) => s.status === 'skipped').map((s) => s.kind)).toEqual(['kmeans', 'pseudo-labels']);
    expect(readFileSync(join(runDir, 'target/model/model.json'), 'utf8')).toContain('"name":"regression"');
    const epochLoss = [0, 1, 2, 3].map((epoch) => run.metrics.get(`target/epoch_loss@${epoch}`)!);
    expect(epochLoss[3]).toBeLessThan(epochLoss[0]);
    expect(run.logs.some((l) => /regresses \d+ standardised teacher dims on 40 images/.test(l))).toBe(true);
    expect(results.map((r) => `${r.protocol}:${r.layer}`)).toEqual(['linear:conv1', 'knn:conv1', 'linear:conv5', 'knn:conv5']);
  });

  it('runs CC+Jigsaw++ end to end on a messy folder, reporting what it skipped, and resumes after stops', async () => {
    const runDir = mkdtempSync(join(tmpdir(), 'ktlab-run-'));
    const config = tinyConfig(data, {
      evaluation: { layers: ['conv1', 'conv5'], nonlinearLayers: ['conv3'], epochs: 2, protocols: ['linear', 'knn', 'nonlinear', 'finetune'], knnNeighbours: 5, trainEpochs: 2, batchSize: 8 },
    });
    // First attempt: stopped as soon as pseudo-labels start (the worker died or was told to stop).
    const controller = new AbortController();
    const first = context(config, runDir, cacheDir, controller.signal);
    const stage = first.ctx.stage;
    first.ctx.stage = (kind, status, progress, message) => {
      stage(kind, status, progress, message);
      if (kind === 'cluster-classification' && status === 'running') controller.abort('shutdown');
    };
    await expect(runPipeline(first.ctx)).rejects.toThrow(/stopped/);
    expect(first.logs.some((l) => /skipped 1 unreadable file\(s\): .*broken\.jpg/.test(l))).toBe(true);
    expect(first.metrics.get('kmeans/inertia@3')).toBeGreaterThan(0);
    expect(first.metrics.get('pretext/loss@0')).toBeGreaterThan(0);

    // Second attempt resumes: finished stages are restored, the rest runs — until a stop after finetune's first epoch.
    const stopInEval = new AbortController();
    const second = context(config, runDir, cacheDir, stopInEval.signal);
    const metric = second.ctx.metric;
    second.ctx.metric = (key, step, value) => {
      metric(key, step, value);
      if (key === 'eval/finetune/all/epoch_loss' && step === 0) stopInEval.abort('shutdown');
    };
    await expect(runPipeline(second.ctx)).rejects.toThrow(/stopped/);
    const restored = second.stages.filter((s) => s.message === 'restored from checkpoint').map((s) => s.kind);
    expect(restored).toEqual(['pretext', 'features', 'kmeans', 'pseudo-labels']);
    expect(second.metrics.has('pretext/loss@0')).toBe(false);
    expect(second.metrics.get('eval/nonlinear/conv3/top1@0')).toBeGreaterThanOrEqual(0);

    // Third attempt: finished eval cells are not redone, finetune continues from its epoch checkpoint.
    const third = context(config, runDir, cacheDir);
    const results = await runPipeline(third.ctx);
    expect([...third.metrics.keys()].filter((k) => /^eval\/(linear|nonlinear)\//.test(k))).toEqual([]);
    expect(third.logs).toContain('eval/finetune/all: resuming after epoch 1');
    expect(third.metrics.has('eval/finetune/all/loss@0')).toBe(false);
    expect(third.metrics.get('eval/finetune/all/top1@0')).toBeGreaterThanOrEqual(0);
    expect(results.map((r) => `${r.protocol}:${r.layer}`)).toEqual([
      'linear:conv1', 'knn:conv1', 'linear:conv5', 'knn:conv5', 'nonlinear:conv3', 'finetune:all',
    ]);
    for (const r of results) {
      expect(r.value).toBeGreaterThanOrEqual(0);
      expect(r.value).toBeLessThanOrEqual(1);
    }
    // the same result as an uninterrupted run with the same seed
    const fresh = mkdtempSync(join(tmpdir(), 'ktlab-run-'));
    const freshResults = await runPipeline(context(config, fresh, cacheDir).ctx);
    const [resumedLabels, freshLabels] = await Promise.all([runDir, fresh].map((dir) => readPseudoLabels(join(dir, 'pseudo-labels/labels.ktpl'))));
    expect(Array.from(resumedLabels.labels)).toEqual(Array.from(freshLabels.labels));
    expect(results).toEqual(freshResults);
    expect(first.metrics.get('pseudo-labels/nmi@0')).toBeGreaterThanOrEqual(0);
    for (const figure of ['conv1-filters.png', 'cluster-neighbours.png', 'example-puzzles.png']) {
      const meta = await sharp(join(runDir, 'figures', figure)).metadata();
      expect(meta.format).toBe('png');
      expect(meta.width).toBeGreaterThan(20);
    }
    // the run's downloads: centroids [k, dims], the pseudo-labels of labels.ktpl as .npy and CSV, both models, the table
    expect(listRunDownloads(runDir).map((file) => file.name)).toEqual([
      'features-clustering.npy', 'centroids.npy', 'pseudo-labels.npy', 'pseudo-labels.csv', 'eval.csv',
      'pretext-weights.bin', 'pretext-model.json', 'target-weights.bin', 'target-model.json',
    ]);
    const features = await readNpy(join(runDir, 'features/clustering.npy'));
    expect((await readNpy(join(runDir, 'kmeans/centroids.npy'))).shape).toEqual([4, features.shape[1]]);
    expect(Array.from((await readNpy(join(runDir, 'pseudo-labels/labels.npy'))).data)).toEqual(Array.from(resumedLabels.labels));
    expect(readFileSync(join(runDir, 'eval.csv'), 'utf8').trim().split('\n')).toHaveLength(1 + results.length);
  });

  it('measures the pretext on held-out images as it trains, and trains only on the others', async () => {
    const runDir = mkdtempSync(join(tmpdir(), 'ktlab-heldout-'));
    // 40 readable images: 8 held out, 32 train → 4 steps of 8 per epoch; a measurement every 16 puzzles (2 steps).
    const config = tinyConfig(data, {
      pretext: { task: 'jigsaw', imageSize: 48, widthMultiplier: 0.1, epochs: 2, batchSize: 8, permutations: 10, heldOutImages: 8, heldOutEvery: 16 },
      target: { objective: 'none' },
      evaluation: { layers: ['conv1'], epochs: 1, protocols: ['linear'] },
    });
    const { ctx, metrics, logs } = context(config, runDir, cacheDir);
    await runPipeline(ctx);
    const steps = (key: string) => [...metrics.keys()].filter((k) => k.startsWith(`${key}@`)).map((k) => Number(k.split('@')[1])).sort((a, b) => a - b);
    expect(steps('pretext/loss')).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(steps('pretext/heldout_top1')).toEqual([2, 4, 6, 8]);
    for (const step of [2, 4, 6, 8]) {
      const top1 = metrics.get(`pretext/heldout_top1@${step}`)!;
      expect(top1).toBeGreaterThanOrEqual(0);
      expect(top1).toBeLessThanOrEqual(1);
      // 8 puzzles: top-1 is a whole number of eighths.
      expect(Number.isInteger(top1 * 8)).toBe(true);
      expect(metrics.get(`pretext/puzzles_seen@${step}`)).toBe(step * 8);
    }
    expect(logs.some((line) => line.includes('held-out top-1') && line.includes('8 puzzles of 8 held-out images') && line.includes('chance 10.00%'))).toBe(true);
  });

  it('refuses a held-out set that leaves nothing to train on, naming the field', async () => {
    const runDir = mkdtempSync(join(tmpdir(), 'ktlab-heldout-'));
    const config = tinyConfig(data, { pretext: { task: 'jigsaw', imageSize: 48, widthMultiplier: 0.1, epochs: 1, batchSize: 8, permutations: 10, heldOutImages: 40 } });
    await expect(runPipeline(context(config, runDir, cacheDir).ctx)).rejects.toThrow(/pretext\.heldOutImages \(40\) must be smaller than the dataset \(40 images\)/);
  });

  it('evaluates the Random row and the CC+HOG baseline', async () => {
    const random = context(tinyConfig(data, { pretext: { task: 'none' }, target: { objective: 'none', widthMultiplier: 0.1 } }), mkdtempSync(join(tmpdir(), 'ktlab-run-')), cacheDir);
    const randomResults = await runPipeline(random.ctx);
    const cells = ['linear:conv1', 'knn:conv1', 'linear:conv5', 'knn:conv5'];
    expect(randomResults.map((r) => `${r.protocol}:${r.layer}`)).toEqual(cells);
    expect(random.stages.filter((s) => s.status === 'skipped').map((s) => s.kind)).toEqual(['pretext', 'features', 'kmeans', 'pseudo-labels']);
    // no training: the evaluated net is the random trunk, and only the eval cells log losses
    expect([...random.metrics.keys()].filter((k) => !k.startsWith('eval/') && !k.startsWith('data/'))).toEqual([]);
    for (const r of randomResults) expect(random.metrics.get(`eval/${r.protocol}/${r.layer}/top1@0`)).toBe(r.value);
    const hog = context(
      tinyConfig(data, { pretext: { task: 'none' }, clustering: { source: 'hog', k: 3, iterations: 2 } }),
      mkdtempSync(join(tmpdir(), 'ktlab-run-')),
      cacheDir,
    );
    const hogResults = await runPipeline(hog.ctx);
    expect(hogResults.map((r) => `${r.protocol}:${r.layer}`)).toEqual(cells);
    expect(hog.stages.filter((s) => s.status === 'skipped').map((s) => s.kind)).toEqual(['pretext']);
    // HOG descriptors of the 40 readable images, clustered into 3 pseudo-labels the target was trained on
    const hogLabels = await readPseudoLabels(join(hog.ctx.runDir, 'pseudo-labels/labels.ktpl'));
    expect(hogLabels.labels).toHaveLength(40);
    expect(hogLabels.labels.every((label) => label >= 0 && label < 3)).toBe(true);
    expect(hog.metrics.get('kmeans/inertia@2')).toBeGreaterThan(0);
    expect(hog.metrics.get('target/epoch_loss@0')).toBeGreaterThan(0);
    expect((await readNpy(join(hog.ctx.runDir, 'features/clustering.npy'))).shape[0]).toBe(40);
  });

  it('fails clearly when evaluation has no labels, before anything trains', async () => {
    const flat = mkdtempSync(join(tmpdir(), 'ktlab-flat-'));
    for (let i = 0; i < 6; i++) await sharp({ create: { width: 32, height: 32, channels: 3, background: { r: i * 30, g: 10, b: 200 } } }).png().toFile(join(flat, `${i}.png`));
    const run = context(tinyConfig(flat, { clustering: { k: 2 }, target: { widthMultiplier: 0.1 } }), mkdtempSync(join(tmpdir(), 'ktlab-run-')), cacheDir);
    await expect(runPipeline(run.ctx)).rejects.toThrow(/^evaluation needs labelled images: .*ktlab-flat-\w+ has no class folders \(<folder>\/<class>\/\*\.jpg\); name labelled ones in evaluation\.train and evaluation\.test/);
    expect(run.stages.filter((stage) => stage.status !== 'skipped')).toEqual([]);
  });

  it('runs to completion on a messy image folder and reports the files it skipped', async () => {
    const root = mkdtempSync(join(tmpdir(), 'ktlab-messy-'));
    const stripes = (width: number, height: number, phase: number) =>
      sharp(Buffer.from(Array.from({ length: width * height }, (_, p) => (Math.floor(p / width) + phase) % 6 < 3 ? [220, 200, 40] : [20, 40, 200]).flat()), { raw: { width, height, channels: 3 } });
    const blob = (width: number, height: number, shift: number) =>
      sharp(Buffer.from(Array.from({ length: width * height }, (_, p) => ((p % width) / width - 0.5 - shift / 20) ** 2 + (Math.floor(p / width) / height - 0.5) ** 2 < 0.06 ? [240, 30, 30] : [10, 120, 20]).flat()), { raw: { width, height, channels: 3 } });
    const sizes: [number, number][] = [[17, 53], [300, 40], [32, 32], [45, 31], [64, 64], [20, 90]];
    mkdirSync(join(root, 'Stripes ü'), { recursive: true });
    mkdirSync(join(root, 'blobs', 'nested deeper'), { recursive: true });
    for (let i = 0; i < 12; i++) {
      const [w, h] = sizes[i % sizes.length];
      const dir = join(root, 'Stripes ü');
      if (i % 4 === 0) await stripes(w, h, i).jpeg().toFile(join(dir, `Photo ${i}.JPG`));
      else if (i % 4 === 1) await stripes(w, h, i).toColourspace('b-w').png().toFile(join(dir, `grey ${i}.png`));
      else if (i % 4 === 2) await stripes(w, h, i).ensureAlpha(0.5).png().toFile(join(dir, `rgba ${i}.PNG`));
      else await stripes(w, h, i).png().toFile(join(dir, `ünïcödé 縞 ${i}.png`));
      await blob(w, h, i % 5).png().toFile(join(root, 'blobs', i % 3 === 0 ? 'nested deeper' : '', `blob-${i}.png`));
    }
    const jpeg = await stripes(64, 64, 1).jpeg().toBuffer();
    writeFileSync(join(root, 'blobs', 'truncated.jpg'), jpeg.subarray(0, jpeg.length >> 1));
    writeFileSync(join(root, 'blobs', 'empty.jpg'), '');
    writeFileSync(join(root, 'blobs', 'notes.txt'), 'labels checked by hand');
    writeFileSync(join(root, 'Stripes ü', 'fake.jpeg'), 'this is not a JPEG');
    writeFileSync(join(root, 'Stripes ü', '.DS_Store'), 'junk');

    const config = tinyConfig(root, {
      pretext: { task: 'none' },
      clustering: { source: 'hog', k: 3, iterations: 2 },
      target: { widthMultiplier: 0.25, epochs: 1, batchSize: 8 },
      evaluation: { layers: ['conv2'], epochs: 1, protocols: ['linear', 'knn', 'finetune'], knnNeighbours: 3, trainEpochs: 1, batchSize: 8 },
    });
    const run = context(config, mkdtempSync(join(tmpdir(), 'ktlab-run-')), cacheDir);
    const results = await runPipeline(run.ctx);
    expect(results.map((r) => `${r.protocol}:${r.layer}`)).toEqual(['linear:conv2', 'knn:conv2', 'finetune:all']);
    expect(run.stages.filter((s) => s.status === 'failed')).toEqual([]);
    // truncated, empty, not-a-JPEG and the .txt are reported; the hidden .DS_Store is ignored silently.
    expect(run.metrics.get('data/skipped@0')).toBe(4);
    const skippedLog = run.logs.find((l) => /skipped 4 unreadable file\(s\)/.test(l));
    expect(skippedLog).toBeDefined();
    for (const name of ['truncated.jpg', 'empty.jpg', 'fake.jpeg']) expect(skippedLog).toContain(name);
    // files that are not images are counted, never named (a folder that is no dataset must not be listed)
    expect(skippedLog).toContain('1 of them not image files');
    expect(skippedLog).not.toContain('notes.txt');
    expect(skippedLog).not.toContain('.DS_Store');
  });
});
