import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { imageAt } from '../dataset/image-dataset.js';
import { loadDataset } from '../dataset/load-dataset.js';
import { CIFAR10_CLASSES } from '../formats/cifar-binary.js';
import { sharedDir } from '@ktlab/config/paths';

const testFolder = join(sharedDir(), 'datasets', 'cifar10', 'test');
const present = existsSync(testFolder);
if (!present && process.env.CI) {
  throw new Error(`CIFAR-10 test images are missing at "${testFolder}" (set KTLAB_SHARED to the shared data folder)`);
}
const cacheDir = mkdtempSync(join(tmpdir(), 'ktlab-cifar-folder-'));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

describe.skipIf(!present)('CIFAR-10 test folder (shared data)', () => {
  it('decodes 10,000 images once, then loads them from the cache, pixels untouched', { timeout: 180_000 }, async () => {
    const spec = { kind: 'folder', path: testFolder } as const;
    let started = performance.now();
    const first = await loadDataset(spec, { cacheDir });
    const decodeSeconds = (performance.now() - started) / 1000;
    started = performance.now();
    const second = await loadDataset(spec, { cacheDir });
    const cachedSeconds = (performance.now() - started) / 1000;
    console.log(`CIFAR-10 test folder: first decode ${decodeSeconds.toFixed(2)} s, cached load ${cachedSeconds.toFixed(2)} s`);

    expect(first).toMatchObject({ count: 10_000, size: 32, channels: 3, classes: [...CIFAR10_CLASSES], skipped: [] });
    expect(second.loadedFrom).toBe('cache');
    // Buffer.equals: vitest's deep equality walks typed arrays element by element and exhausts the heap at 30 MB.
    expect(Buffer.from(second.images).equals(first.images)).toBe(true);
    const perClass = new Array(10).fill(0);
    for (const label of first.labels!) perClass[label]++;
    expect(perClass).toEqual(new Array(10).fill(1000));

    for (const index of [0, 4321, 9999]) {
      const direct = await sharp(join(testFolder, first.ids[index])).raw().toBuffer();
      expect(Buffer.from(imageAt(first, index)).equals(direct), first.ids[index]).toBe(true);
    }
  });
});
