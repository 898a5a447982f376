/**
 * The scenes of the detection and segmentation protocols: made from the run's labelled evaluation images (train
 * scenes from the training images, test scenes from the test images, see libs/scenes), seeded by the run, and
 * made once per evaluation whichever protocols and modes use them.
 */
import type { PipelineConfig } from '@ktlab/config';
import type { ImageDataset } from '@ktlab/data';
import type { Uint8Images } from '@ktlab/models';
import { generateSceneSplits, type Scene, type SceneSplits } from '@ktlab/scenes';
import type { DenseSettings } from './dense-settings';

/** Keeps the scenes' random stream apart from every other stream of the run. */
const SCENE_SEED_OFFSET = 71;

const made = new WeakMap<ImageDataset, WeakMap<ImageDataset, Map<string, SceneSplits>>>();

export function denseScenes(config: PipelineConfig, data: { train: ImageDataset; test: ImageDataset }, settings: Pick<DenseSettings, 'canvasSize' | 'trainScenes' | 'testScenes'>): SceneSplits {
  const options = { canvasSize: settings.canvasSize, trainScenes: settings.trainScenes, testScenes: settings.testScenes, seed: config.seed + SCENE_SEED_OFFSET };
  const key = JSON.stringify(options);
  const byTest = made.get(data.train) ?? new WeakMap<ImageDataset, Map<string, SceneSplits>>();
  made.set(data.train, byTest);
  const byOptions = byTest.get(data.test) ?? new Map<string, SceneSplits>();
  byTest.set(data.test, byOptions);
  let splits = byOptions.get(key);
  if (!splits) {
    splits = generateSceneSplits({ train: data.train, test: data.test }, options);
    byOptions.set(key, splits);
  }
  return splits;
}

/** Scenes `indices` as one RGB batch of images (grey scenes are replicated to the nets' three channels). */
export function sceneImages(scenes: readonly Scene[], indices: ArrayLike<number>): Uint8Images {
  const first = scenes[indices[0]];
  if (!first) throw new Error('sceneImages: no scenes');
  const { width, height } = first;
  const pixels = width * height * 3;
  const data = new Uint8Array(indices.length * pixels);
  for (let i = 0; i < indices.length; i++) {
    const scene = scenes[indices[i]];
    if (scene.width !== width || scene.height !== height) throw new Error('sceneImages: scenes of different sizes in one batch');
    if (scene.channels === 3) data.set(scene.pixels, i * pixels);
    else scene.pixels.forEach((v, p) => data.fill(v, i * pixels + p * 3, i * pixels + p * 3 + 3));
  }
  return { data, count: indices.length, height, width, channels: 3 };
}
