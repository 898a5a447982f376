/**
 * Decodes the first `count` CIFAR-10 train JPEGs (round-robin over classes, so every class appears) into an
 * ImageStack with sharp, optionally resized to a working size. A stop-gap for the puzzle figure and bench
 * until libs/data's cached loader lands.
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { sharedDir } from '@ktlab/config/paths';
import type { ImageStack } from '@ktlab/jigsaw';

export async function loadCifarTrainSample(count: number, size = 32): Promise<ImageStack> {
  const trainDir = join(sharedDir(), 'datasets', 'cifar10', 'train');
  if (!existsSync(trainDir)) throw new Error(`CIFAR-10 train folder not found at ${trainDir} (set KTLAB_SHARED)`);
  const classes = (await readdir(trainDir)).filter((name) => !name.startsWith('.')).sort();
  const lists = await Promise.all(classes.map(async (c) => (await readdir(join(trainDir, c))).sort().map((f) => join(trainDir, c, f))));
  const picked: string[] = [];
  for (let i = 0; picked.length < count && lists.some((list) => i < list.length); i++) {
    for (const list of lists) if (i < list.length && picked.length < count) picked.push(list[i]!);
  }
  const data = new Uint8Array(picked.length * size * size * 3);
  await Promise.all(
    picked.map(async (file, n) => {
      let image = sharp(file).removeAlpha().toColourspace('srgb');
      if (size !== 32) image = image.resize(size, size, { kernel: 'cubic', fit: 'fill' });
      const { data: pixels, info } = await image.raw().toBuffer({ resolveWithObject: true });
      if (info.width !== size || info.height !== size || info.channels !== 3) {
        throw new Error(`${file}: decoded ${info.width}x${info.height}x${info.channels}, expected ${size}x${size}x3`);
      }
      data.set(pixels, n * size * size * 3);
    }),
  );
  return { data, count: picked.length, height: size, width: size, channels: 3 };
}
