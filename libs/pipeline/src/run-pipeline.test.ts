import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { readPseudoLabels } from '@ktlab/kmeans';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { pino } from 'pino';
import { selectBackend } from '@ktlab/tf-backend';

const silentLogger = pino({ level: 'silent' });
import { beforeAll, describe, expect, it } from 'vitest';
import { pipelineConfigSchema, type PipelineConfig } from '@ktlab/config';
import type { PipelineContext, StageKind, StageStatus } from './context';
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
    evaluation: { layers: ['conv1', 'conv5'], epochs: 2, protocols: ['linear', 'knn'], knnNeighbours: 5 },
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
  });

  it('runs CC+Jigsaw++ end to end on a messy folder, reporting what it skipped, and resumes after a stop', async () => {
    const runDir = mkdtempSync(join(tmpdir(), 'ktlab-run-'));
    const config = tinyConfig(data);
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

    // Second attempt resumes: finished stages are restored, the rest runs.
    const second = context(config, runDir, cacheDir);
    const results = await runPipeline(second.ctx);
    const restored = second.stages.filter((s) => s.message === 'restored from checkpoint').map((s) => s.kind);
    expect(restored).toEqual(['pretext', 'features', 'kmeans', 'pseudo-labels']);
    expect(second.metrics.has('pretext/loss@0')).toBe(false);
    expect(results.map((r) => `${r.protocol}:${r.layer}`).sort()).toEqual(['knn:conv1', 'knn:conv5', 'linear:conv1', 'linear:conv5']);
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
    for (const figure of ['conv1-filters.png', 'cluster-neighbours.png']) {
      const meta = await sharp(join(runDir, 'figures', figure)).metadata();
      expect(meta.format).toBe('png');
      expect(meta.width).toBeGreaterThan(20);
    }
  });

  it('evaluates the Random row and the CC+HOG baseline', async () => {
    const random = context(tinyConfig(data, { pretext: { task: 'none' }, target: { objective: 'none', widthMultiplier: 0.1 } }), mkdtempSync(join(tmpdir(), 'ktlab-run-')), cacheDir);
    const randomResults = await runPipeline(random.ctx);
    expect(randomResults.length).toBe(4);
    const hog = context(
      tinyConfig(data, { pretext: { task: 'none' }, clustering: { source: 'hog', k: 3, iterations: 2 } }),
      mkdtempSync(join(tmpdir(), 'ktlab-run-')),
      cacheDir,
    );
    const hogResults = await runPipeline(hog.ctx);
    expect(hogResults.length).toBe(4);
    expect(hog.stages.find((s) => s.kind === 'pretext')?.status).toBe('skipped');
  });

  it('fails clearly when evaluation has no labels', async () => {
    const flat = mkdtempSync(join(tmpdir(), 'ktlab-flat-'));
    for (let i = 0; i < 6; i++) await sharp({ create: { width: 32, height: 32, channels: 3, background: { r: i * 30, g: 10, b: 200 } } }).png().toFile(join(flat, `${i}.png`));
    const run = context(tinyConfig(flat, { pretext: { task: 'none' }, target: { objective: 'none', widthMultiplier: 0.1 } }), mkdtempSync(join(tmpdir(), 'ktlab-run-')), cacheDir);
    await expect(runPipeline(run.ctx)).rejects.toThrow(/evaluation needs labelled images/);
  });
});
