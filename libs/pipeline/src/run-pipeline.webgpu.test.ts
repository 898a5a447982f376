/**
 * A tiny CC+Jigsaw++ run (Jigsaw++ pretext → features → k-means → pseudo-labels → cluster classification →
 * linear and kNN evaluation) on the webgpu backend — on CI, Mesa's lavapipe — in a child process, against the
 * same run on ktlab-wasm in this one: every stage completes, every kernel the pipeline's nets and evaluation
 * use exists on webgpu, and the first training steps agree to float rounding. Later steps are not compared:
 * this tiny config trains chaotically (losses swing 4.7 → 12), so rounding differences grow step by step.
 * Without a WebGPU adapter: skipped locally with the install hint, failed when CI=true.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { pino } from 'pino';
import { pipelineConfigSchema } from '@ktlab/config';
import { selectBackend } from '@ktlab/tf-backend';
import { LAVAPIPE_INSTALL_HINT, lavapipeDirectory, lavapipeEnvironment } from '@ktlab/tf-backend/lavapipe';
import { describe, expect, it } from 'vitest';
import type { PipelineContext } from './context';
import { runPipeline } from './run-pipeline';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

async function makeFolder(root: string): Promise<void> {
  for (const [cls, draw] of [
    ['stripes', (_x: number, y: number, i: number) => ((y + i) % 6 < 3 ? 220 : 30)],
    ['blobs', (x: number, y: number, i: number) => ((x - 16 - (i % 5)) ** 2 + (y - 16) ** 2 < 90 ? 230 : 20)],
  ] as const) {
    mkdirSync(join(root, cls), { recursive: true });
    for (let i = 0; i < 20; i++) {
      const pixels = Buffer.alloc(32 * 32 * 3);
      for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) {
        const v = draw(x, y, i);
        pixels.set([v, (v + i * 7) % 256, 255 - v], (y * 32 + x) * 3);
      }
      await sharp(pixels, { raw: { width: 32, height: 32, channels: 3 } }).png().toFile(join(root, cls, `img ${i}.png`));
    }
  }
}

interface ChildRun {
  unavailable?: string;
  backend: string;
  device: string;
  stages: { kind: string; status: string }[];
  metrics: Record<string, number>;
  results: { protocol: string; layer: string; value: number }[];
}

describe('runPipeline on webgpu', () => {
  it('runs CC+Jigsaw++ end to end on webgpu, and its first steps equal ktlab-wasm’s', { timeout: 600_000 }, async (test) => {
    const root = mkdtempSync(join(tmpdir(), 'ktlab-webgpu-pipeline-'));
    const data = join(root, 'images');
    await makeFolder(data);
    const config = {
      kind: 'pipeline',
      seed: 3,
      imageSize: 32,
      data: { path: data },
      pretext: { task: 'jigsaw++', imageSize: 48, widthMultiplier: 0.1, epochs: 1, batchSize: 8, permutations: 10 },
      clustering: { k: 4, iterations: 3, grid: [1, 1], layer: 'conv3' },
      target: { widthMultiplier: 0.1, epochs: 1, batchSize: 8 },
      evaluation: { layers: ['conv1', 'conv5'], epochs: 2, protocols: ['linear', 'knn'], knnNeighbours: 5, trainEpochs: 2, batchSize: 8 },
    };
    const configFile = join(root, 'config.json');
    writeFileSync(configFile, JSON.stringify(config));

    const fixture = fileURLToPath(new URL('./webgpu-pipeline.fixture.ts', import.meta.url));
    const env = { ...process.env, ...lavapipeEnvironment(lavapipeDirectory(repoRoot)), KTLAB_BACKEND: 'webgpu' };
    const child = spawnSync(process.execPath, ['--import', 'tsx', fixture, configFile, join(root, 'webgpu-run'), join(root, 'webgpu-cache')], {
      env,
      encoding: 'utf8',
      timeout: 540_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(child.status, child.stderr.slice(-4000)).toBe(0);
    const onGpu = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as ChildRun;
    if (onGpu.unavailable) {
      const message = `webgpu pipeline test needs a WebGPU adapter: ${onGpu.unavailable}`;
      if (process.env.CI === 'true') throw new Error(message);
      console.warn(`[pipeline] skipping: ${message}; ${LAVAPIPE_INSTALL_HINT}`);
      test.skip();
      return;
    }
    console.log(`[webgpu] pipeline on ${onGpu.device}: ${JSON.stringify(onGpu.results.map((r) => [r.protocol, r.layer, r.value]))}`);
    expect(onGpu.backend).toBe('webgpu');
    expect(onGpu.stages).toEqual(['pretext', 'features', 'kmeans', 'pseudo-labels', 'cluster-classification', 'eval'].map((kind) => ({ kind, status: 'succeeded' })));

    await selectBackend({ prefer: 'ktlab-wasm' }, pino({ level: 'silent' }));
    const metrics: Record<string, number> = {};
    const context: PipelineContext = {
      config: pipelineConfigSchema.parse(config),
      runDir: join(root, 'wasm-run'),
      cacheDir: join(root, 'wasm-cache'),
      signal: new AbortController().signal,
      metric: (key, step, value) => void (metrics[`${key}@${step}`] = value),
      stage: () => undefined,
      log: () => undefined,
    };
    const onCpu = await runPipeline(context);

    for (const key of ['pretext/loss@0', 'pretext/loss@1']) {
      expect(Math.abs(onGpu.metrics[key] - metrics[key]) / Math.abs(metrics[key]), key).toBeLessThan(1e-4);
    }
    expect(onGpu.results.map((r) => `${r.protocol}:${r.layer}`)).toEqual(onCpu.map((r) => `${r.protocol}:${r.layer}`));
    for (const result of onGpu.results) expect(result.value).toBeGreaterThanOrEqual(0.5); // two easy classes
    expect(onGpu.metrics['kmeans/inertia@3']).toBeGreaterThan(0);
  });
});
