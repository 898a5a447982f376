import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { pino } from 'pino';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { pipelineConfigSchema } from '@ktlab/config';
import type { ImageDataset } from '@ktlab/data';
import { encodeCenterNetTargets, tapModel } from '@ktlab/models';
import { generateSceneSplits, type Scene } from '@ktlab/scenes';
import { selectBackend } from '@ktlab/tf-backend';
import type { EvalResult } from '../../context';
import { recordingContext } from '../../testing/recording-context';
import { trunkFor } from '../../nets';
import { EvalCells } from '../eval-cells';
import { protocolLayers } from '../eval-protocols';
import { denseModeOfLayer, denseSettings } from './dense-settings';
import { denseScenes } from './dense-scenes';
import { DENSE_TAP, DETECTION, figureBoxes, SEGMENTATION } from './dense-tasks';
import { trainDense } from './dense-transfer';
import { headOnFeatures } from './head-on-features';

/** A labelled in-memory dataset: textured 32×32 images, class i mod 3, each class its own tint. */
function dataset(count: number, offset = 0): ImageDataset {
  const size = 32;
  const images = new Uint8Array(count * size * size * 3);
  const labels = Int32Array.from({ length: count }, (_, i) => (i + offset) % 3);
  let state = 99 + offset;
  for (let p = 0; p < images.length; p++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const image = Math.floor(p / (size * size * 3));
    images[p] = 40 + (state >>> 26) + (p % 3 === labels[image] ? 120 : 0);
  }
  return { count, size, channels: 3, images, labels, classes: ['red', 'green', 'blue'], ids: Array.from({ length: count }, (_, i) => `img/${offset + i}.png`), skipped: [], loadedFrom: 'source' };
}

const config = pipelineConfigSchema.parse({
  kind: 'pipeline',
  seed: 5,
  data: { path: '/unused' },
  evaluation: { protocols: ['detection', 'segmentation'], batchSize: 4, learningRate: 0.02, dense: { canvasSize: 48, trainScenes: 8, testScenes: 4, epochs: 1 } },
});

const stubContext = () => recordingContext(config, 'ktlab-dense-');

const weightsOf = (model: tf.LayersModel, layer: string) => model.getLayer(layer).getWeights().map((w) => Array.from(w.dataSync()));
const TRUNK_LAYERS = ['conv1', 'conv1_bn', 'conv3', 'conv5', 'conv5_bn'];
const trunkWeights = (trunk: tf.LayersModel) => Object.fromEntries(TRUNK_LAYERS.map((layer) => [layer, weightsOf(trunk, layer)]));

describe('dense protocol settings and scenes', () => {
  it('reads evaluation.dense with its defaults; configs without it report frozen and all', () => {
    const plain = pipelineConfigSchema.parse({ kind: 'pipeline', data: { path: '/d' }, evaluation: { protocols: ['detection'], trainEpochs: 3 } });
    expect(plain.evaluation.dense).toBeUndefined();
    expect(denseSettings(plain.evaluation)).toMatchObject({ modes: ['frozen', 'finetune'], canvasSize: 96, trainScenes: 1000, testScenes: 250, epochs: 3, learningRate: 0.01, batchSize: 64 });
    expect(protocolLayers('detection', plain.evaluation)).toEqual(['frozen', 'all']);
    const onlyFinetune = pipelineConfigSchema.parse({ kind: 'pipeline', data: { path: '/d' }, evaluation: { dense: { modes: ['finetune', 'frozen'], epochs: 2 } } });
    expect(protocolLayers('segmentation', onlyFinetune.evaluation)).toEqual(['frozen', 'all']);
    expect(denseSettings(onlyFinetune.evaluation).epochs).toBe(2);
    expect(denseModeOfLayer('all')).toBe('finetune');
    expect(() => denseModeOfLayer('conv5')).toThrow(/layer 'conv5' is none of 'frozen' \(frozen\), 'all' \(finetune\)/);
  });

  it('makes the scenes once per evaluation, from the training images for training and the test images for testing', () => {
    const data = { train: dataset(12), test: dataset(6, 100) };
    const settings = denseSettings(config.evaluation);
    const scenes = denseScenes(config, data, settings);
    expect(denseScenes(config, data, settings)).toBe(scenes);
    expect([scenes.train.length, scenes.test.length, scenes.train[0].width]).toEqual([8, 4, 48]);
    const trainIds = new Set(data.train.ids);
    expect(scenes.train.every((scene) => scene.objects.every((o) => trainIds.has(o.sourceId)))).toBe(true);
    expect(scenes.test.every((scene) => scene.objects.every((o) => !trainIds.has(o.sourceId)))).toBe(true);
    // Another seed, other scenes.
    const other = denseScenes({ ...config, seed: 6 }, data, settings);
    expect(Buffer.from(other.train[0].pixels).equals(Buffer.from(scenes.train[0].pixels))).toBe(false);
  });
});

describe('dense protocol training', () => {
  beforeAll(() => selectBackend({}, pino({ level: 'silent' })));
  const scenes = () => generateSceneSplits({ train: dataset(12), test: dataset(6, 100) }, { canvasSize: 48, trainScenes: 8, testScenes: 4, seed: 2 });
  const settings = { epochs: 1, batchSize: 4, learningRate: 0.02 };

  it('the head alone, on the trunk’s conv5 in inference mode, computes what the whole net does', () => {
    const trunk = trunkFor('alexnet', 48, 0.1, 3);
    const net = DETECTION.build(trunk, 3, 1);
    const head = headOnFeatures(net.model, trunk);
    expect(head.layers.some((layer) => layer.name === 'conv1')).toBe(false);
    const x = tf.randomUniform([2, 48, 48, 3], 0, 1, 'float32', 4);
    const whole = net.model.predict(x) as tf.Tensor;
    const split = head.predict(tapModel(trunk, DENSE_TAP).predict(x) as tf.Tensor) as tf.Tensor;
    expect(split.shape).toEqual([2, 12, 12, 7]);
    expect(tf.max(tf.abs(tf.sub(whole, split))).dataSync()[0]).toBeLessThan(1e-5);
    tf.dispose([x, whole, split]);
  });

  for (const task of [DETECTION, SEGMENTATION]) {
    it(`${task.name}: frozen leaves every trunk weight and batch-norm statistic as transferred, fine-tuning changes them`, async () => {
      const data = scenes();
      for (const mode of ['frozen', 'finetune'] as const) {
        const context = stubContext();
        const trunk = trunkFor('alexnet', 48, 0.1, 3);
        const before = trunkWeights(trunk);
        const figurePath = join(context.runDir, 'figures', `${task.name}-${mode}.png`);
        const scores = await trainDense(context, {
          task,
          mode,
          trunk,
          scenes: data,
          settings,
          seed: 9,
          name: `eval/${task.name}/${mode}`,
          checkpointDir: join(context.runDir, 'checkpoint'),
          figurePath,
        });
        const after = trunkWeights(trunk);
        for (const layer of TRUNK_LAYERS) {
          if (mode === 'frozen') expect(after[layer], `${mode} ${layer}`).toEqual(before[layer]);
          else expect(after[layer], `${mode} ${layer}`).not.toEqual(before[layer]);
        }
        expect(Object.keys(scores)).toEqual(task.name === 'detection' ? ['map50', 'map'] : ['miou']);
        for (const value of Object.values(scores)) {
          expect(value).toBeGreaterThanOrEqual(0);
          expect(value).toBeLessThanOrEqual(1);
        }
        expect(context.metrics.get(`eval/${task.name}/${mode}/epoch_loss@0`)).toBeGreaterThan(0);
        // 4 test scenes, truth beside prediction, each 48 px shown at 4×.
        const meta = await sharp(readFileSync(figurePath)).metadata();
        expect([meta.width, meta.height]).toEqual([2 * (192 + 4) + 4, 4 * (192 + 4) + 4]);
        // The trunk is still the caller's: usable, then disposable.
        trunk.dispose();
      }
    }, 120_000);
  }

  it('scores exact predictions at 1: mAP on collision-free scenes, mean IoU on any', async () => {
    const { test, classes } = generateSceneSplits({ train: dataset(12), test: dataset(30, 100) }, { canvasSize: 48, trainScenes: 1, testScenes: 20, seed: 3 });
    const numClasses = classes.length;
    const net = { model: undefined as unknown as tf.LayersModel, inputSize: 48, stride: 4 };
    const cellOf = (o: Scene['objects'][number]) => `${Math.floor((o.box.x + o.box.w / 2) / 4)},${Math.floor((o.box.y + o.box.h / 2) / 4)}`;
    const clean = test.filter((scene) => new Set(scene.objects.map(cellOf)).size === scene.objects.length);
    expect(clean.length).toBeGreaterThan(10);

    // CenterNet output whose heat-map is the targets' (as logits), size and offset the targets' own.
    const grid = 12;
    const output = new Float32Array(clean.length * grid * grid * (numClasses + 4));
    clean.forEach((scene, n) => {
      const t = encodeCenterNetTargets(scene.objects, { numClasses, inputSize: 48, stride: 4 });
      for (let cell = 0; cell < grid * grid; cell++) {
        const at = (n * grid * grid + cell) * (numClasses + 4);
        for (let c = 0; c < numClasses; c++) {
          const p = Math.min(1 - 1e-6, Math.max(1e-6, t.heatmap[cell * numClasses + c]));
          output[at + c] = Math.log(p / (1 - p));
        }
        output.set(t.size.subarray(cell * 2, cell * 2 + 2), at + numClasses);
        output.set(t.offset.subarray(cell * 2, cell * 2 + 2), at + numClasses + 2);
      }
    });
    const detections = DETECTION.scorer(net, numClasses, 2);
    const detectionOutput = tf.tensor4d(output, [clean.length, grid, grid, numClasses + 4]);
    await detections.add(detectionOutput, clean);
    expect(detections.result()).toEqual({ map50: 1, map: 1 });
    expect(detections.examples).toHaveLength(2);

    // Logits that are one-hot class maps.
    const segmentation = SEGMENTATION.scorer(net, numClasses, 0);
    const logits = tf.tidy(() => tf.oneHot(tf.tensor3d(Int32Array.from(test.flatMap((s) => Array.from(s.classMap))), [test.length, 48, 48], 'int32'), numClasses + 1).toFloat() as tf.Tensor4D);
    await segmentation.add(logits, test);
    expect(segmentation.result()).toEqual({ miou: 1 });
    // Predicting background everywhere: IoU 0 for every class, background's is its share of the pixels.
    const background = SEGMENTATION.scorer(net, numClasses, 0);
    const zeros = tf.tidy(() => tf.oneHot(tf.zeros([test.length, 48, 48], 'int32') as tf.Tensor3D, numClasses + 1).toFloat() as tf.Tensor4D);
    await background.add(zeros, test);
    const share = test.reduce((sum, s) => sum + s.classMap.filter((v) => v === 0).length, 0) / (test.length * 48 * 48);
    expect(background.result().miou).toBeCloseTo(share / (numClasses + 1), 10);
    tf.dispose([detectionOutput, logits, zeros]);
  });
});

describe('the example figure', () => {
  it('draws a scene’s best boxes, as many as it has objects, and any others scoring at least 0.3', () => {
    const boxes = [0.9, 0.35, 0.2, 0.05].map((score) => ({ score }));
    expect(figureBoxes(boxes, 3).map((b) => b.score)).toEqual([0.9, 0.35, 0.2]);
    expect(figureBoxes(boxes, 1).map((b) => b.score)).toEqual([0.9, 0.35]);
    // A head early in training scores everything low: its best guesses are still drawn.
    expect(figureBoxes([{ score: 0.04 }, { score: 0.02 }, { score: 0.01 }], 2).map((b) => b.score)).toEqual([0.04, 0.02]);
  });
});

describe('evaluation cells', () => {
  it('keep every metric row of a cell, and read an older run’s one-row file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ktlab-cells-'));
    const cells = new EvalCells(dir);
    const rows: EvalResult[] = [
      { protocol: 'detection', layer: 'frozen', dataset: 'test', metric: 'map50', value: 0.5 },
      { protocol: 'detection', layer: 'frozen', dataset: 'test', metric: 'map', value: 0.25 },
    ];
    cells.save(rows);
    expect(cells.get('detection', 'frozen')).toEqual(rows);
    expect(cells.get('detection', 'all')).toBeUndefined();
    expect(() => cells.save([rows[0], { ...rows[1], layer: 'all' }])).toThrow(/exactly one/);
    const legacy = { protocol: 'linear', layer: 'conv3', dataset: 'test', metric: 'top1', value: 0.4 };
    writeFileSync(join(dir, 'eval', 'results', 'linear-conv3.json'), JSON.stringify(legacy));
    expect(cells.get('linear', 'conv3')).toEqual([legacy]);
    expect(existsSync(join(dir, 'eval', 'results', 'detection-frozen.json'))).toBe(true);
  });
});
