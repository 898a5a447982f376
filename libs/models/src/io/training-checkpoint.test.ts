import * as tf from '@tensorflow/tfjs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alexnetSmall } from '../architectures/alexnet-small.js';
import { imagesToTensor } from '../features/uint8-images.js';
import { randomImages, useCpuBackend } from '../testing/fixtures.js';
import { SgdMomentum } from '../training/sgd-momentum.js';
import { trainStep } from '../training/train-step.js';
import { saveModel } from './save-load-model.js';
import { loadCheckpoint, saveCheckpoint } from './training-checkpoint.js';

let dir: string;
beforeAll(async () => {
  await useCpuBackend();
  dir = await mkdtemp(join(tmpdir(), 'ktlab-models-ckpt-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

// Tiny and dropout-free so that four SGD steps are quick and deterministic.
const build = () => alexnetSmall({ inputSize: 16, numClasses: 3, widthMultiplier: 0.05, hiddenUnits: [8, 8], dropout: 0, seed: 11 });

describe('saveCheckpoint / loadCheckpoint', () => {
  it('resumes training to exactly the weights of an uninterrupted run', async () => {
    const x = imagesToTensor(randomImages(4, 16, 3, 5));
    const y = tf.tensor1d([0, 1, 2, 1], 'int32');
    const lr = (step: number) => 0.05 / (1 + step);

    const straight = build();
    const straightOptimizer = new SgdMomentum();
    for (let step = 0; step < 4; step++) trainStep(straight, straightOptimizer, x, y, lr(step));

    const first = build();
    const firstOptimizer = new SgdMomentum();
    for (let step = 0; step < 2; step++) trainStep(first, firstOptimizer, x, y, lr(step));
    const path = join(dir, 'step-2');
    await saveCheckpoint(path, { model: first, optimizer: firstOptimizer, meta: { step: 2 } });

    build(); // another model in the process, so tfjs suffixes the resumed model's variable names
    const restored = await loadCheckpoint(path);
    expect(restored.meta).toEqual({ step: 2 });
    expect(Object.keys(restored.optimizerState)).toContain('conv1/kernel');
    const resumedOptimizer = new SgdMomentum();
    resumedOptimizer.setState(restored.optimizerState);
    for (let step = restored.meta.step as number; step < 4; step++) trainStep(restored.model, resumedOptimizer, x, y, lr(step));

    const expected = straight.getWeights();
    restored.model.getWeights().forEach((w, i) => expect(Array.from(w.dataSync())).toEqual(Array.from(expected[i].dataSync())));
    expect((await readdir(path)).sort()).toEqual(['checkpoint.json', 'model.json', 'optimizer.bin', 'weights.bin']);
  }, 30_000);

  it('loads a plain saved model as a checkpoint without optimizer state', async () => {
    const path = join(dir, 'plain');
    await saveModel(build(), path);
    const restored = await loadCheckpoint(path);
    expect(restored.optimizerState).toEqual({});
    expect(restored.meta).toEqual({});
  });
});
