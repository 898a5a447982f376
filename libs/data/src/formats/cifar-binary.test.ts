import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../dataset/load-dataset.js';
import { imageAt } from '../dataset/image-dataset.js';
import { CIFAR10_CLASSES, CIFAR10_RECORD_BYTES, decodeCifarRecords, readCifarBinary } from './cifar-binary.js';

const base = mkdtempSync(join(tmpdir(), 'ktlab-cifar-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

/** A record whose pixel (x, y) is (r, g, b) = (x + label, y, x ^ y). */
function record(label: number): Uint8Array {
  const bytes = new Uint8Array(CIFAR10_RECORD_BYTES);
  bytes[0] = label;
  for (let y = 0; y < 32; y++) {
    for (let x = 0; x < 32; x++) {
      bytes[1 + y * 32 + x] = x + label;
      bytes[1 + 1024 + y * 32 + x] = y;
      bytes[1 + 2048 + y * 32 + x] = x ^ y;
    }
  }
  return bytes;
}

const batch = (labels: number[]) => Buffer.concat(labels.map(record));

function writeRelease(dir: string) {
  mkdirSync(dir, { recursive: true });
  for (let n = 1; n <= 5; n++) writeFileSync(join(dir, `data_batch_${n}.bin`), batch([n, (n * 3) % 10]));
  writeFileSync(join(dir, 'test_batch.bin'), batch([9, 0, 4]));
  writeFileSync(join(dir, 'batches.meta.txt'), CIFAR10_CLASSES.map((c) => c.toUpperCase()).join('\n') + '\n\n');
}

describe('CIFAR-10 binary', () => {
  it('turns planar records into interleaved RGB pixels', () => {
    const { images, labels } = decodeCifarRecords(batch([7]));
    expect(Array.from(labels)).toEqual([7]);
    const at = (x: number, y: number) => Array.from(images.subarray((y * 32 + x) * 3, (y * 32 + x) * 3 + 3));
    expect(at(0, 0)).toEqual([7, 0, 0]);
    expect(at(5, 9)).toEqual([12, 9, 5 ^ 9]);
    expect(at(31, 31)).toEqual([38, 31, 0]);
  });

  it('rejects partial records and impossible labels', () => {
    expect(() => decodeCifarRecords(new Uint8Array(CIFAR10_RECORD_BYTES + 5))).toThrow(/not a whole number/);
    expect(() => decodeCifarRecords(record(12))).toThrow(/label 12/);
  });

  it('reads the train and test splits from the archive folder or its parent', () => {
    const release = join(base, 'cifar-10-batches-bin');
    writeRelease(release);
    const train = readCifarBinary(base, 'train');
    expect(train).toMatchObject({ count: 10, size: 32, channels: 3 });
    expect(Array.from(train.labels!)).toEqual([1, 3, 2, 6, 3, 9, 4, 2, 5, 5]);
    expect(train.ids.slice(0, 3)).toEqual(['data_batch_1.bin#0', 'data_batch_1.bin#1', 'data_batch_2.bin#0']);
    expect(train.classes).toEqual(CIFAR10_CLASSES.map((c) => c.toUpperCase()));
    expect(Array.from(imageAt(train, 3).subarray(0, 3))).toEqual([6, 0, 0]);
    const test = readCifarBinary(release, 'test');
    expect(Array.from(test.labels!)).toEqual([9, 0, 4]);
  });

  it('names what is missing', () => {
    expect(() => readCifarBinary(join(base, 'nothing-here'))).toThrow(/no CIFAR-10 binary batches/);
    const partial = join(base, 'partial');
    mkdirSync(partial);
    writeFileSync(join(partial, 'data_batch_1.bin'), batch([1]));
    expect(() => readCifarBinary(partial, 'train')).toThrow(/data_batch_2\.bin" is missing/);
  });

  it('loads through loadDataset natively, or resized to another working size via the cache', async () => {
    const native = await loadDataset({ kind: 'cifar-binary', path: base, split: 'test' });
    expect(native).toMatchObject({ count: 3, size: 32, channels: 3, loadedFrom: 'source' });
    const cacheDir = join(base, 'cache');
    const spec = { kind: 'cifar-binary', path: base, split: 'test', size: 16, channels: 1 } as const;
    const small = await loadDataset(spec, { cacheDir });
    expect(small).toMatchObject({ count: 3, size: 16, channels: 1, loadedFrom: 'source' });
    expect(small.images.length).toBe(3 * 16 * 16);
    expect(Array.from(small.labels!)).toEqual([9, 0, 4]);
    const again = await loadDataset(spec, { cacheDir });
    expect(again.loadedFrom).toBe('cache');
    expect(again.images).toEqual(small.images);
  });
});
