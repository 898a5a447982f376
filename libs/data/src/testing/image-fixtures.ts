import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import sharp, { type Sharp } from 'sharp';

export type Rgb = [number, number, number];

/** Raw RGB pixels of a width×height image where `colourAt(x, y)` gives each pixel. */
export function rawRgb(width: number, height: number, colourAt: (x: number, y: number) => Rgb): Buffer {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set(colourAt(x, y), (y * width + x) * 3);
  }
  return data;
}

export function solid(width: number, height: number, colour: Rgb) {
  return sharp(rawRgb(width, height, () => colour), { raw: { width, height, channels: 3 } });
}

export async function writeImage(path: string, image: Sharp): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  await image.toFile(path);
}

export function writeBytes(path: string, bytes: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
}

/** Pixel (x, y) of an S×S×C image. */
export function pixelAt(image: Uint8Array, size: number, channels: number, x: number, y: number): number[] {
  const at = (y * size + x) * channels;
  return Array.from(image.subarray(at, at + channels));
}

/**
 * The folder real users have: class folders with good images of many kinds, and broken or irrelevant files.
 * Returns what a correct loader must find.
 */
export async function writeMessyLabeledFolder(root: string) {
  await writeImage(join(root, 'cat', 'red.png'), solid(20, 20, [200, 30, 40]).png());
  await writeImage(join(root, 'cat', 'Big Photo.JPG'), solid(40, 24, [30, 160, 60]).jpeg({ quality: 95 }));
  await writeImage(join(root, 'cat', 'nested', 'deeper', 'blue.png'), solid(16, 16, [10, 20, 230]).png());
  await writeImage(join(root, 'dog', 'grey.png'), solid(18, 18, [77, 77, 77]).toColourspace('b-w').png());
  await writeImage(
    join(root, 'dog', 'rgba.png'),
    sharp(
      Buffer.from(Array.from({ length: 16 * 16 }, (_, p) => [250, 120, 10, p % 16 < 8 ? 0 : 255]).flat()),
      { raw: { width: 16, height: 16, channels: 4 } },
    ).png(),
  );
  await writeImage(join(root, 'dog', 'deep16.png'), solid(16, 16, [100, 150, 200]).toColourspace('rgb16').png());
  await writeImage(join(root, 'dog', 'odd 17x45.png'), solid(17, 45, [5, 90, 180]).png());
  await writeImage(join(root, 'dog', 'ünïcödé 犬.jpeg'), solid(16, 16, [120, 120, 20]).jpeg());
  const jpeg = await solid(64, 64, [10, 200, 30]).jpeg().toBuffer();
  writeBytes(join(root, 'dog', 'truncated.jpg'), jpeg.subarray(0, jpeg.length >> 1));
  writeBytes(join(root, 'dog', 'empty.jpg'), '');
  writeBytes(join(root, 'dog', 'text.jpg'), 'this is not a JPEG\n');
  writeBytes(join(root, 'dog', 'notes.txt'), 'labels checked by hand');
  writeBytes(join(root, 'dog', '.DS_Store'), 'junk');
  await writeImage(join(root, 'dog', '.hidden.png'), solid(16, 16, [1, 2, 3]).png());
  await writeImage(join(root, '.thumbnails', 'cat.png'), solid(16, 16, [1, 2, 3]).png());
  await writeImage(join(root, 'stray.png'), solid(16, 16, [1, 2, 3]).png());

  return {
    classes: ['cat', 'dog'],
    valid: {
      'cat/Big Photo.JPG': 0,
      'cat/nested/deeper/blue.png': 0,
      'cat/red.png': 0,
      'dog/deep16.png': 1,
      'dog/grey.png': 1,
      'dog/odd 17x45.png': 1,
      'dog/rgba.png': 1,
      'dog/ünïcödé 犬.jpeg': 1,
    } as Record<string, number>,
    skipped: ['dog/empty.jpg', 'dog/notes.txt', 'dog/text.jpg', 'dog/truncated.jpg', 'stray.png'],
  };
}
