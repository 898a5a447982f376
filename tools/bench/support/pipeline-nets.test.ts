import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelCost } from '@ktlab/models';
import { KTLAB_WASM_BACKEND, registerKtlabWasmBackend } from '@ktlab/tf-backend';
import { buildPipelineNet, describeLayers, trainingFlopsPerExample, trainingSession } from './pipeline-nets';

beforeAll(async () => {
  await registerKtlabWasmBackend({ threads: 1, native: 'off' });
  await tf.setBackend(KTLAB_WASM_BACKEND);
});
afterAll(() => tf.setBackend('cpu'));

describe('buildPipelineNet', () => {
  it("builds the --quick CC+Jigsaw++ target as the pipeline does: 32×32, k = 100, batch 128, width 0.25", () => {
    const net = buildPipelineNet('alexnet-quick');
    try {
      expect(net).toMatchObject({ batch: 128, unit: 'images', exampleShape: [32, 32, 3], numClasses: 100 });
      expect(net.peer).toEqual({ kind: 'classifier', arch: 'alexnet', widthMultiplier: 0.25, inputSize: 32, numClasses: 100 });
      const layers = describeLayers(net.model);
      expect(layers.map((l) => l.name)).toEqual([
        ...['conv1', 'conv1_bn', 'pool1', 'conv2', 'conv2_bn', 'pool2', 'conv3', 'conv3_bn'],
        ...['conv4', 'conv4_bn', 'conv5', 'conv5_bn', 'pool5', 'fc6', 'fc7', 'fc8'],
      ]);
      expect(layers[0]).toEqual({ name: 'conv1', params: 5 * 5 * 3 * 24, buffers: 0, output: [32, 32, 24], macs: 32 * 32 * 5 * 5 * 3 * 24 });
      expect(layers[1]).toMatchObject({ params: 48, buffers: 48 });
    } finally {
      net.model.dispose();
    }
  });

  it('builds the --quick pretext net on 11 px tiles (48 px images) with a trunk that runs once per tile', () => {
    const net = buildPipelineNet('jigsaw-quick');
    try {
      expect(net).toMatchObject({ batch: 64, unit: 'puzzles', exampleShape: [9, 11, 11, 3], numClasses: 701 });
      const layers = describeLayers(net.model);
      // Forward order: the trunk's layers first, then the per-tile fc6 and the head.
      expect(layers.map((l) => l.name).slice(0, 2)).toEqual(['conv1', 'conv1_bn']);
      expect(layers.map((l) => l.name).slice(-3)).toEqual(['fc6', 'fc7', 'fc8']);
      expect(layers.find((l) => l.name === 'fc6')?.output).toEqual([9, 512]);
      const forwardMacs = layers.reduce((sum, l) => sum + l.macs, 0);
      expect(forwardMacs).toBe(modelCost(net.model).macsPerInput);
      expect(trainingFlopsPerExample(layers)).toBe(2 * (3 * forwardMacs - layers[0].macs));
    } finally {
      net.model.dispose();
    }
  });
});

describe('trainingSession', () => {
  it("runs the pipeline's training step on a random batch and frees everything it made", async () => {
    const net = buildPipelineNet('alexnet-quick');
    net.batch = 2;
    const before = tf.memory().numTensors;
    const session = trainingSession(net);
    const loss = await session.step();
    session.dispose();
    expect(Number.isFinite(loss)).toBe(true);
    // The net's own weights were made before `before` and are disposed with the session.
    expect(tf.memory().numTensors).toBeLessThan(before);
  }, 60_000);
});
