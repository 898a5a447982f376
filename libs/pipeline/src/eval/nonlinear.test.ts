import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { pino } from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { pipelineConfigSchema } from '@ktlab/config';
import type { ImageDataset } from '@ktlab/data';
import { selectBackend } from '@ktlab/tf-backend';
import type { PipelineContext } from '../context';
import { classifierFor } from '../nets';
import { faintStripes } from '../testing/faint-stripes';
import { trainAndScore } from './train-and-score';
import { transferredClassifier } from './transferred-classifier';

const config = pipelineConfigSchema.parse({
  kind: 'pipeline',
  seed: 4,
  data: { path: '/unused' },
  target: { widthMultiplier: 0.1 },
  evaluation: { trainEpochs: 2, batchSize: 4, learningRate: 0.05 },
});

/** Bright vs dark images: two classes any net can tell apart. */
function dataset(count: number): ImageDataset {
  const size = config.imageSize;
  const images = new Uint8Array(count * size * size * 3);
  const labels = Int32Array.from({ length: count }, (_, i) => i % 2);
  for (let i = 0; i < images.length; i++) images[i] = labels[Math.floor(i / (size * size * 3))] ? 200 + (i % 50) : (i * 7) % 60;
  return { count, size, channels: 3, images, labels, classes: ['dark', 'bright'], ids: [], skipped: [], loadedFrom: 'source' };
}

function contextFor(runConfig: typeof config, metrics: Map<string, number>, logs: string[] = []): PipelineContext {
  return {
    config: runConfig,
    runDir: mkdtempSync(join(tmpdir(), 'ktlab-nonlinear-')),
    signal: new AbortController().signal,
    metric: (key, step, value) => void metrics.set(`${key}@${step}`, value),
    stage: () => undefined,
    log: (message) => void logs.push(message),
  };
}

const weightsOf = (model: tf.LayersModel, layer: string) => model.getLayer(layer).getWeights().map((w) => Array.from(w.dataSync()));

describe('nonlinear protocol', () => {
  beforeAll(() => selectBackend({}, pino({ level: 'silent' })));

  it('transfers conv1…convk (with batch norm) and leaves later layers freshly initialised', () => {
    const trained = classifierFor('alexnet', config.imageSize, 0.1, 7, 99);
    const model = transferredClassifier(config, trained, 2, 'conv3');
    for (const layer of ['conv1', 'conv1_bn', 'conv2', 'conv3', 'conv3_bn']) expect(weightsOf(model, layer)).toEqual(weightsOf(trained, layer));
    for (const layer of ['conv4', 'conv5']) expect(weightsOf(model, layer)).not.toEqual(weightsOf(trained, layer));
    expect(model.getLayer('fc8').getWeights()[0].shape[1]).toBe(2);
    expect(() => transferredClassifier(config, trained, 2, 'fc7')).toThrow(/not a conv layer/);
    model.dispose();
    trained.dispose();
  });

  it('trains only the layers after the tap: frozen weights and batch-norm statistics stay put', async () => {
    const trained = classifierFor('alexnet', config.imageSize, 0.1, 7, 99);
    const model = transferredClassifier(config, trained, 2, 'conv2');
    const before = Object.fromEntries(['conv1', 'conv1_bn', 'conv2', 'conv2_bn', 'conv3', 'fc6'].map((layer) => [layer, weightsOf(model, layer)]));
    const metrics = new Map<string, number>();
    const context = contextFor(config, metrics);
    const accuracy = await trainAndScore(context, {
      name: 'eval/nonlinear/conv2',
      model,
      frozenUpTo: 'conv2',
      train: dataset(16),
      test: dataset(8),
      seed: 1,
      checkpointDir: join(context.runDir, 'checkpoint'),
      progress: undefined,
    });
    for (const layer of ['conv1', 'conv1_bn', 'conv2', 'conv2_bn']) expect(weightsOf(model, layer), layer).toEqual(before[layer]);
    for (const layer of ['conv3', 'fc6']) expect(weightsOf(model, layer), layer).not.toEqual(before[layer]);
    expect(metrics.get('eval/nonlinear/conv2/epoch_loss@1')).toBeGreaterThan(0);
    expect(accuracy).toBeGreaterThanOrEqual(0);
    expect(accuracy).toBeLessThanOrEqual(1);
    model.dispose();
    trained.dispose();
  });

  it('standardises the frozen features before the trained layers: the head of a random net learns a faint signal', async () => {
    // conv5 features of faint stripes: a small variation on a large offset; a head on the raw features stays at chance (frozen-boundary.test.ts).
    const stripes = pipelineConfigSchema.parse({
      kind: 'pipeline',
      seed: 0,
      imageSize: 32,
      data: { path: '/unused' },
      target: { widthMultiplier: 0.25 },
      evaluation: { trainEpochs: 2, batchSize: 16, learningRate: 0.01 },
    });
    const random = classifierFor('alexnet', 32, 0.25, 7, 99);
    const model = transferredClassifier(stripes, random, 2, 'conv5');
    const logs: string[] = [];
    const context = contextFor(stripes, new Map(), logs);
    const accuracy = await trainAndScore(context, {
      name: 'eval/nonlinear/conv5',
      model,
      frozenUpTo: 'conv5',
      train: faintStripes(128, 1),
      test: faintStripes(64, 2),
      seed: 1,
      checkpointDir: join(context.runDir, 'checkpoint'),
      progress: undefined,
    });
    expect(logs).toContain('eval/nonlinear/conv5: fc6_flatten standardised with the statistics of 128 training images');
    expect(accuracy).toBeGreaterThan(0.85);
    model.dispose();
    random.dispose();
  });
});
