import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { sharedDir } from '@ktlab/config/paths';
import type { Uint8Images } from '@ktlab/models';

/**
 * The first `count` CIFAR-10 images of a split, classes interleaved, decoded to 32×32×3 uint8 (benchmarks only;
 * the pipeline reads datasets through libs/data).
 */
export async function loadCifarSample(split: 'train' | 'test', count: number): Promise<Uint8Images> {
  const root = join(sharedDir(), 'datasets', 'cifar10', split);
  const classes = (await readdir(root)).sort();
  const perClass = await Promise.all(classes.map(async (c) => (await readdir(join(root, c))).sort().map((f) => join(root, c, f))));
  const files: string[] = [];
  for (let i = 0; files.length < count && i < Math.max(...perClass.map((f) => f.length)); i++) {
    for (const list of perClass) if (i < list.length && files.length < count) files.push(list[i]);
  }
  const size = 32 * 32 * 3;
  const data = new Uint8Array(files.length * size);
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const index = next++;
      const pixels = await sharp(files[index]).removeAlpha().resize(32, 32, { fit: 'fill' }).toColourspace('srgb').raw().toBuffer();
      data.set(pixels.subarray(0, size), index * size);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return { data, count: files.length, height: 32, width: 32, channels: 3 };
}
