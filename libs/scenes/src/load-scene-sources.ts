import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { halves, loadDataset, subsetDataset, type ImageDataset, type LoadOptions } from '@ktlab/data';
import type { SplitName } from './scene.js';

export interface SceneSourceOptions extends LoadOptions {
  /** Working size of the source images (default: each folder's natural size, 32 for CIFAR-10). */
  size?: number;
  channels?: 1 | 3;
  /** Seed of the half split when the folder has no train/test subfolders. */
  splitSeed?: number;
}

const isFolder = (path: string) => existsSync(path) && statSync(path).isDirectory();

/**
 * The labelled images scenes are made from, per split: `<root>/train/<class>/…` and `<root>/test/<class>/…` when
 * both exist (the CIFAR-10 folder layout), else two random halves of `<root>/<class>/…`, so no source image
 * appears in both splits. (The pipeline should load through its own datasets.ts, which applies the registered
 * dataset roots, and hand the ImageDatasets to generateSceneSplits.)
 */
export async function loadSceneSources(root: string, options: SceneSourceOptions = {}): Promise<Record<SplitName, ImageDataset>> {
  const { size, channels, splitSeed = 0, ...loadOptions } = options;
  // 'auto' (not 'folders') so that the decode cache is shared with the pipeline's loads of the same folder; an
  // unlabelled folder is then refused by generateSceneSplits with a clear message.
  const load = (path: string) => loadDataset({ kind: 'folder', path, labels: 'auto', size, channels }, loadOptions);
  if (isFolder(join(root, 'train')) && isFolder(join(root, 'test'))) {
    return { train: await load(join(root, 'train')), test: await load(join(root, 'test')) };
  }
  const all = await load(root);
  const [train, test] = halves(all.count, splitSeed);
  return { train: subsetDataset(all, train), test: subsetDataset(all, test) };
}
