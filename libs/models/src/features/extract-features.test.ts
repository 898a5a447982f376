import * as tf from '@tensorflow/tfjs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alexnetSmall } from '../architectures/alexnet-small.js';
import { vggSmall } from '../architectures/vgg-small.js';
import { jigsawNet } from '../jigsaw/jigsaw-net.js';
import { randomImages, useCpuBackend } from '../testing/fixtures.js';
import { extractFeatures, type ExtractionProgress } from './extract-features.js';
import { extractFeaturesToFile } from './extract-features-to-file.js';
import { readFeatureFile } from './feature-file.js';
import { imagesToTensor, sliceImages, type Uint8Images } from './uint8-images.js';

let dir: string;
beforeAll(async () => {
  await useCpuBackend();
  dir = await mkdtemp(join(tmpdir(), 'ktlab-models-features-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const model = alexnetSmall({ inputSize: 32, numClasses: 4, widthMultiplier: 0.125, hiddenUnits: [8, 8] });
const images = randomImages(5, 32);

/** conv4 computed directly: a model to conv4_relu, then a 5×5 grid of maxes over PyTorch-style bins of the 8×8 map. */
function directConv4Grid5(batch: Uint8Images): Float32Array {
  return tf.tidy(() => {
    const conv4 = tf.model({ inputs: model.inputs, outputs: model.getLayer('conv4_relu').output as tf.SymbolicTensor });
    const act = conv4.predict(imagesToTensor(batch)) as tf.Tensor4D;
    const bins = [[0, 2], [1, 4], [3, 5], [4, 7], [6, 8]]; // floor(i·8/5) … ceil((i+1)·8/5)
    const rows = bins.map(([y0, y1]) => tf.stack(bins.map(([x0, x1]) => act.slice([0, y0, x0, 0], [-1, y1 - y0, x1 - x0, -1]).max([1, 2])), 1));
    return tf.stack(rows, 1).dataSync() as Float32Array;
  });
}

describe('extractFeatures', () => {
  it('pools conv4 to a 5×5 grid, matching a direct tf computation', async () => {
    const features = await extractFeatures(model, 'conv4', images, { grid: [5, 5], batchSize: 2 });
    expect(features.rows).toBe(5);
    expect(features.dims).toBe(5 * 5 * 48);
    expect(features.layout).toMatchObject({ tap: 'conv4', layer: 'conv4_relu', grid: [5, 5], layerShape: [8, 8, 48] });
    const expected = directConv4Grid5(images);
    expect(features.data.length).toBe(expected.length);
    features.data.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 4));
  });

  it('gives the same rows whatever the batch size or source shape', async () => {
    const whole = await extractFeatures(model, 'conv3', images, { grid: [2, 2], batchSize: 5 });
    const batches = [sliceImages(images, 0, 3), sliceImages(images, 3, 2)];
    const progress: ExtractionProgress[] = [];
    const streamed = await extractFeatures(model, 'conv3', (async function* () { yield* batches; })(), {
      grid: [2, 2],
      batchSize: 2,
      total: 5,
      onProgress: (p) => progress.push(p),
    });
    expect(streamed.rows).toBe(5);
    streamed.data.forEach((v, i) => expect(v).toBeCloseTo(whole.data[i], 5));
    expect(progress).toEqual([2, 3, 5].map((done) => ({ done, total: 5 }))); // passes of ≤ 2 within each source batch
    const single: ExtractionProgress[] = [];
    await extractFeatures(model, 'conv3', images, { grid: [2, 2], batchSize: 2, onProgress: (p) => single.push(p) });
    expect(single).toEqual([2, 4, 5].map((done) => ({ done, total: 5 })));
  });

  it('sizes linear-probe features with maxDims and reads fc layers unpooled', async () => {
    const probe = await extractFeatures(model, 'conv1', images, { maxDims: 900 });
    expect(probe.layout.grid).toEqual([8, 8]); // 8·8·12 = 768 ≤ 900 < 9·9·12 = 972
    expect(probe.dims).toBe(768);
    const fc = await extractFeatures(model, 'fc7', images);
    expect(fc.layout.grid).toBeNull();
    expect(fc.dims).toBe(8);
  });

  it('resolves VGG stage taps to the stage\'s last conv', async () => {
    const vgg = vggSmall({ inputSize: 32, numClasses: 3, widthMultiplier: 0.0625, hiddenUnits: [8, 8] });
    const features = await extractFeatures(vgg, 'conv4', randomImages(2, 32), { grid: [2, 2] });
    expect(features.layout.layer).toBe('conv4_2_relu');
    expect(features.dims).toBe(2 * 2 * 32);
  });

  it("reads a Jigsaw net's shared trunk on tile-sized images", async () => {
    const { model: jigsaw, trunk } = jigsawNet({ arch: 'alexnet', tileSize: 16, numPermutations: 4, widthMultiplier: 0.125, tileFcUnits: 8, hiddenUnits: [8] });
    const tiles = randomImages(3, 16);
    const viaJigsaw = await extractFeatures(jigsaw, 'conv5', tiles, { grid: [2, 2] });
    const viaTrunk = await extractFeatures(trunk, 'conv5', tiles, { grid: [2, 2] });
    expect(viaJigsaw.dims).toBe(2 * 2 * 32);
    expect(Array.from(viaJigsaw.data)).toEqual(Array.from(viaTrunk.data));
  });

  it('does not leak tensors', async () => {
    await extractFeatures(model, 'conv5', images, { grid: [3, 3], batchSize: 2 });
    const before = tf.memory().numTensors;
    await extractFeatures(model, 'conv5', images, { grid: [3, 3], batchSize: 2 });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('explains wrong image sizes and unknown layers', async () => {
    await expect(extractFeatures(model, 'conv4', randomImages(1, 16))).rejects.toThrow(/takes 32×32×3 images but got 16×16×3/);
    await expect(extractFeatures(model, 'conv9', images)).rejects.toThrow(/no layer or conv block 'conv9'/);
    await expect(extractFeatures(model, 'conv4', images, { grid: [2, 2], maxDims: 10 })).rejects.toThrow(/grid or maxDims/);
  });
});

describe('extractFeaturesToFile', () => {
  it('streams the same rows to a feature file with its layout', async () => {
    const path = join(dir, 'conv4.npy');
    const inMemory = await extractFeatures(model, 'conv4', images, { grid: [5, 5] });
    const written = await extractFeaturesToFile(model, 'conv4', [sliceImages(images, 0, 2), sliceImages(images, 2, 3)], path, {
      grid: [5, 5],
      meta: { dataset: 'fixture' },
    });
    expect(written.rows).toBe(5);
    const file = await readFeatureFile(path);
    expect(file.rows).toBe(5);
    expect(file.dims).toBe(inMemory.dims);
    expect(file.meta).toMatchObject({ dataset: 'fixture', layout: { layer: 'conv4_relu', grid: [5, 5] } });
    expect(Array.from(file.data)).toEqual(Array.from(inMemory.data));
  });

  it('leaves nothing behind when the source fails', async () => {
    const path = join(dir, 'broken.npy');
    const failing = (async function* () {
      yield sliceImages(images, 0, 2);
      throw new Error('decode failed');
    })();
    await expect(extractFeaturesToFile(model, 'conv4', failing, path)).rejects.toThrow('decode failed');
    expect((await readdir(dir)).filter((f) => f.startsWith('broken'))).toEqual([]);
  });
});
