import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alexnetSmall } from '../architectures/alexnet-small.js';
import { jigsawNet, jigsawTrunk } from '../jigsaw/jigsaw-net.js';
import { imagesToTensor } from '../features/uint8-images.js';
import { randomImages, useCpuBackend } from '../testing/fixtures.js';
import { saveModel, loadModel } from './save-load-model.js';

let dir: string;
beforeAll(async () => {
  await useCpuBackend();
  dir = await mkdtemp(join(tmpdir(), 'ktlab-models-io-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => a.sub(b).abs().max().dataSync()[0]);

describe('saveModel / loadModel', () => {
  it('round-trips an AlexNet-style classifier in the standard model.json + weights.bin layout', async () => {
    const model = alexnetSmall({ inputSize: 32, numClasses: 7, widthMultiplier: 0.125, hiddenUnits: [16, 16] });
    // Non-trivial batch-norm statistics, so a round trip that dropped them would show.
    const bn = model.getLayer('conv2_bn');
    bn.setWeights(bn.getWeights().map((w, i) => (i >= 2 ? tf.randomUniform(w.shape, 0.5, 2) : w)));
    const target = join(dir, 'alexnet');
    await saveModel(model, target);

    expect((await readdir(target)).sort()).toEqual(['model.json', 'weights.bin']);
    const json = JSON.parse(await readFile(join(target, 'model.json'), 'utf8'));
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest[0].paths).toEqual(['./weights.bin']);

    const loaded = await loadModel(target);
    expect(loaded.layers.map((l) => l.name)).toEqual(model.layers.map((l) => l.name));
    const x = imagesToTensor(randomImages(3, 32));
    expect(maxAbsDiff(model.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor)).toBe(0);
  });

  it('round-trips a Jigsaw net, whose trunk is still one shared model after loading', async () => {
    const { model } = jigsawNet({ arch: 'alexnet', tileSize: 12, numPermutations: 4, widthMultiplier: 0.125, tileFcUnits: 8, hiddenUnits: [8] });
    const target = join(dir, 'jigsaw');
    await saveModel(model, target);
    const loaded = await loadModel(target);
    const x = tf.randomUniform([2, 9, 12, 12, 3]);
    expect(maxAbsDiff(model.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor)).toBe(0);
    expect(jigsawTrunk(loaded).getLayer('conv1').getWeights()[0].shape).toEqual([5, 5, 3, 12]);
  });

  it('replaces an existing save atomically and leaves no temp directories', async () => {
    const target = join(dir, 'replaced');
    const first = alexnetSmall({ inputSize: 32, numClasses: 3, widthMultiplier: 0.125, hiddenUnits: [8, 8] });
    const second = alexnetSmall({ inputSize: 32, numClasses: 3, widthMultiplier: 0.125, hiddenUnits: [8, 8] });
    await saveModel(first, target);
    await saveModel(second, target);
    const loaded = await loadModel(target);
    const x = imagesToTensor(randomImages(2, 32));
    expect(maxAbsDiff(second.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor)).toBe(0);
    expect((await readdir(dir)).filter((f) => f.includes('.tmp-') || f.includes('.old-'))).toEqual([]);
  });

  it('explains a missing or broken save', async () => {
    await expect(loadModel(join(dir, 'nothing-here'))).rejects.toThrow(/no model\.json in .*nothing-here/);
    const broken = join(dir, 'broken');
    await saveModel(alexnetSmall({ inputSize: 32, numClasses: 3, widthMultiplier: 0.125, hiddenUnits: [8, 8] }), broken);
    await rm(join(broken, 'weights.bin'));
    await expect(loadModel(broken)).rejects.toThrow(/weights file .*weights\.bin.* is missing/);
    await writeFile(join(broken, 'model.json'), '{ not json');
    await expect(loadModel(broken)).rejects.toThrow(/not valid JSON/);
    expect(existsSync(broken)).toBe(true);
  });
});
