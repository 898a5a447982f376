import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { mapWithConcurrency } from '@ktlab/data';
import { parseCocoJson, sceneFileName, scenesToCoco, type CocoDataset } from './coco.js';
import type { SceneSplits } from './generate-scenes.js';
import type { Scene, SplitName } from './scene.js';

export const ANNOTATIONS_FILE = 'annotations.json';

export interface WrittenSplit {
  split: SplitName;
  folder: string;
  annotations: string;
  images: number;
}

/**
 * Writes `<root>/<split>/images/NNNNNN.png` (the scenes), `<root>/<split>/masks/NNNNNN.png` (8-bit class maps:
 * 0 = background, c + 1 = class c, VOC's convention without the 255 borders) and `<root>/<split>/annotations.json`
 * (COCO-style, see scenesToCoco) for both splits. `info` is stored in the JSON (e.g. the generator options).
 */
export async function writeSceneFolder(root: string, splits: SceneSplits, info: Record<string, unknown> = {}): Promise<WrittenSplit[]> {
  const written: WrittenSplit[] = [];
  for (const split of ['train', 'test'] as const) {
    const folder = join(root, split);
    await mkdir(join(folder, 'images'), { recursive: true });
    await mkdir(join(folder, 'masks'), { recursive: true });
    await mapWithConcurrency(splits[split], 8, (scene) => writeScene(folder, scene));
    const annotations = join(folder, ANNOTATIONS_FILE);
    await writeFile(annotations, `${JSON.stringify(scenesToCoco(splits[split], splits.classes, { split, ...info }))}\n`);
    written.push({ split, folder, annotations, images: splits[split].length });
  }
  return written;
}

async function writeScene(folder: string, scene: Scene): Promise<void> {
  const name = sceneFileName(scene.index);
  // Without the explicit colourspace sharp writes single-channel data as an RGB PNG.
  const raw = (data: Uint8Array, channels: 1 | 3) => {
    const image = sharp(data, { raw: { width: scene.width, height: scene.height, channels } });
    return channels === 1 ? image.toColourspace('b-w') : image;
  };
  await raw(scene.pixels, scene.channels).png().toFile(join(folder, 'images', name));
  await raw(scene.classMap, 1).png().toFile(join(folder, 'masks', name));
}

/** Reads and checks a COCO-style annotations file (see parseCocoJson). */
export async function readCocoFile(path: string): Promise<CocoDataset> {
  return parseCocoJson(await readFile(path, 'utf8'), `COCO file "${path}"`);
}
