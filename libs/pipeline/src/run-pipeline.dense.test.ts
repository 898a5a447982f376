/**
 * The detection and segmentation protocols through the whole pipeline on a tiny folder made here: the Supervised
 * preset (only sizes shrunk) trains a net on the labels, its conv layers go into a trunk at the scene size, and each
 * protocol trains its head frozen and fine-tuned on scenes made from the evaluation images; a run stopped between
 * cells resumes with the finished cells' rows restored.
 */
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { pipelineConfigSchema, presetConfig, type PipelineConfig } from '@ktlab/config';
import { selectBackend } from '@ktlab/tf-backend';
import type { PipelineContext } from './context';
import { runPipeline } from './run-pipeline';

/** Two classes (a bright top band, a corner blob), 32 px, 12 images each. */
async function writeFolder(root: string): Promise<void> {
  const draw = {
    band: (x: number, y: number, i: number) => (y < 8 + (i % 3) ? 230 : 25 + x),
    corner: (x: number, y: number, i: number) => ((x - 6 - (i % 4)) ** 2 + (y - 24) ** 2 < 40 ? 220 : 30),
  };
  for (const [name, value] of Object.entries(draw)) {
    mkdirSync(join(root, name), { recursive: true });
    for (let i = 0; i < 12; i++) {
      const pixels = Buffer.alloc(32 * 32 * 3);
      for (let p = 0; p < 32 * 32; p++) {
        const v = value(p % 32, Math.floor(p / 32), i);
        pixels.set([v, (v + i * 9) % 256, 255 - v], p * 3);
      }
      await sharp(pixels, { raw: { width: 32, height: 32, channels: 3 } }).png().toFile(join(root, name, `${i}.png`));
    }
  }
}

function denseConfig(data: string): PipelineConfig {
  const preset = presetConfig('supervised', { data: { path: data }, seed: 4 });
  if (preset.kind !== 'pipeline') throw new Error('supervised is not a pipeline preset');
  return pipelineConfigSchema.parse({
    ...preset,
    imageSize: 32,
    target: { ...preset.target, widthMultiplier: 0.1, epochs: 1, batchSize: 8 },
    evaluation: {
      ...preset.evaluation,
      protocols: ['segmentation', 'detection'],
      batchSize: 4,
      dense: { canvasSize: 48, trainScenes: 8, testScenes: 4, epochs: 1 },
    },
  });
}

function recordingContext(config: PipelineContext['config'], runDir: string, cacheDir: string, signal = new AbortController().signal) {
  const metrics = new Map<string, number>();
  const logs: string[] = [];
  const messages: string[] = [];
  const ctx: PipelineContext = {
    config,
    runDir,
    cacheDir,
    signal,
    metric: (key, step, value) => void metrics.set(`${key}@${step}`, value),
    stage: (_kind, _status, _progress, message) => void (message && messages.push(message)),
    log: (message) => void logs.push(message),
  };
  return { ctx, metrics, logs, messages };
}

describe('detection and segmentation through the pipeline', () => {
  let data: string;
  let cacheDir: string;
  beforeAll(async () => {
    await selectBackend({}, pino({ level: 'silent' }));
    const root = mkdtempSync(join(tmpdir(), 'ktlab-dense-pipeline-'));
    data = join(root, 'images');
    cacheDir = join(root, 'cache');
    await writeFolder(data);
  });

  it('reports mAP@0.5, mAP@[.5:.95] and mean IoU per mode, draws the examples, and resumes between cells', async () => {
    const config = denseConfig(data);
    const runDir = mkdtempSync(join(tmpdir(), 'ktlab-dense-run-'));
    // First attempt: stopped when the second detection cell starts.
    const stop = new AbortController();
    const first = recordingContext(config, runDir, cacheDir, stop.signal);
    const stage = first.ctx.stage;
    first.ctx.stage = (kind, status, progress, message) => {
      stage(kind, status, progress, message);
      if (kind === 'eval' && message?.startsWith('detection all:')) stop.abort('shutdown');
    };
    await expect(runPipeline(first.ctx)).rejects.toThrow(/stopped/);
    expect(first.logs.find((l) => l.startsWith('eval detection frozen:'))).toMatch(/^eval detection frozen: map50 \d+\.\d%, map \d+\.\d%$/);
    expect(first.metrics.get('eval/detection/frozen/map50@0')).toBeGreaterThanOrEqual(0);

    const second = recordingContext(config, runDir, cacheDir);
    const results = await runPipeline(second.ctx);
    expect(second.logs).toContain(first.logs.find((l) => l.startsWith('eval detection frozen:'))!.replace(/$/, ' (restored)'));
    expect(second.logs.some((l) => l.startsWith('eval detection all:') && !l.endsWith('(restored)'))).toBe(true);
    // Registry order (detection before segmentation) whatever order the config names them in; frozen before all.
    expect(results.map((r) => `${r.protocol}:${r.layer}:${r.metric}`)).toEqual([
      'detection:frozen:map50',
      'detection:frozen:map',
      'detection:all:map50',
      'detection:all:map',
      'segmentation:frozen:miou',
      'segmentation:all:miou',
    ]);
    for (const result of results) {
      expect(result.value, `${result.protocol} ${result.layer} ${result.metric}`).toBeGreaterThanOrEqual(0);
      expect(result.value).toBeLessThanOrEqual(1);
      expect(result.dataset).toMatch(/held-out 20%/);
    }
    // mAP@[.5:.95] averages mAP@0.5 with stricter thresholds: never above it.
    for (const layer of ['frozen', 'all']) {
      const value = (metric: string) => results.find((r) => r.protocol === 'detection' && r.layer === layer && r.metric === metric)!.value;
      expect(value('map')).toBeLessThanOrEqual(value('map50'));
    }
    expect(second.metrics.get('eval/segmentation/all/miou@0')).toBe(results.at(-1)!.value);
    for (const figure of ['detection-frozen', 'detection-all', 'segmentation-frozen', 'segmentation-all']) expect(existsSync(join(runDir, 'figures', `${figure}.png`)), figure).toBe(true);
    // Training checkpoints of finished cells are removed.
    expect(existsSync(join(runDir, 'eval', 'detection-frozen'))).toBe(false);
  }, 300_000);
});
