import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ImageDataset } from '../dataset/image-dataset.js';

export const CIFAR10_CLASSES = [
  'airplane',
  'automobile',
  'bird',
  'cat',
  'deer',
  'dog',
  'frog',
  'horse',
  'ship',
  'truck',
] as const;

const SIDE = 32;
const PLANE = SIDE * SIDE;
/** One record: a label byte, then the red, green and blue 32×32 planes, each row-major. */
export const CIFAR10_RECORD_BYTES = 1 + 3 * PLANE;

export type CifarSplit = 'train' | 'test';

const BATCH_FILES: Record<CifarSplit, string[]> = {
  train: [1, 2, 3, 4, 5].map((n) => `data_batch_${n}.bin`),
  test: ['test_batch.bin'],
};

/** Converts CIFAR-10 binary records (planar RGB) to interleaved NHWC pixels and labels. Pure. */
export function decodeCifarRecords(bytes: Uint8Array): { images: Uint8Array; labels: Int32Array } {
  if (bytes.length % CIFAR10_RECORD_BYTES !== 0) {
    throw new Error(`CIFAR-10 data of ${bytes.length} bytes is not a whole number of ${CIFAR10_RECORD_BYTES}-byte records`);
  }
  const count = bytes.length / CIFAR10_RECORD_BYTES;
  const images = new Uint8Array(count * 3 * PLANE);
  const labels = new Int32Array(count);
  for (let r = 0; r < count; r++) {
    const record = r * CIFAR10_RECORD_BYTES;
    labels[r] = bytes[record];
    if (labels[r] >= CIFAR10_CLASSES.length) throw new Error(`CIFAR-10 record ${r} has label ${labels[r]} (expected 0..9)`);
    const out = r * 3 * PLANE;
    for (let p = 0; p < PLANE; p++) {
      images[out + p * 3] = bytes[record + 1 + p];
      images[out + p * 3 + 1] = bytes[record + 1 + PLANE + p];
      images[out + p * 3 + 2] = bytes[record + 1 + 2 * PLANE + p];
    }
  }
  return { images, labels };
}

/** The batch folder: `path` itself or its `cifar-10-batches-bin` sub-folder (as the official archive unpacks). */
export function findCifarBatchFolder(path: string): string {
  const candidates = [resolve(path), join(resolve(path), 'cifar-10-batches-bin')];
  const found = candidates.find((dir) => existsSync(join(dir, 'test_batch.bin')) || existsSync(join(dir, 'data_batch_1.bin')));
  if (!found) {
    throw new Error(`no CIFAR-10 binary batches (data_batch_1.bin … test_batch.bin) in "${resolve(path)}" or its cifar-10-batches-bin/`);
  }
  return found;
}

/** The batch files of one split with their sizes and modification times (for cache fingerprints). */
export function cifarBatchFiles(path: string, split: CifarSplit): { id: string; path: string; byteSize: number; mtimeMs: number }[] {
  const dir = findCifarBatchFolder(path);
  return BATCH_FILES[split].map((name) => {
    const file = join(dir, name);
    if (!existsSync(file)) throw new Error(`CIFAR-10 ${split} split is incomplete: "${file}" is missing`);
    const info = statSync(file);
    return { id: name, path: file, byteSize: info.size, mtimeMs: info.mtimeMs };
  });
}

/** Class names from `batches.meta.txt` when present (one per line), else the standard CIFAR-10 names. */
function readClassNames(dir: string): string[] {
  const meta = join(dir, 'batches.meta.txt');
  if (!existsSync(meta)) return [...CIFAR10_CLASSES];
  const names = readFileSync(meta, 'utf8')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
  return names.length === CIFAR10_CLASSES.length ? names : [...CIFAR10_CLASSES];
}

/**
 * Reads the CIFAR-10 binary release (`data_batch_1..5.bin` for train, `test_batch.bin` for test) from a local
 * folder: 32×32×3 images, labels 0..9. Ids are `<batch file>#<record>`.
 */
export function readCifarBinary(path: string, split: CifarSplit = 'train'): ImageDataset {
  const files = cifarBatchFiles(path, split);
  const parts = files.map((file) => ({ file, ...decodeCifarRecords(readFileSync(file.path)) }));
  const count = parts.reduce((sum, part) => sum + part.labels.length, 0);
  const images = new Uint8Array(count * 3 * PLANE);
  const labels = new Int32Array(count);
  const ids: string[] = [];
  let at = 0;
  for (const part of parts) {
    images.set(part.images, at * 3 * PLANE);
    labels.set(part.labels, at);
    for (let r = 0; r < part.labels.length; r++) ids.push(`${part.file.id}#${r}`);
    at += part.labels.length;
  }
  return {
    count,
    size: SIDE,
    channels: 3,
    images,
    labels,
    classes: readClassNames(findCifarBatchFolder(path)),
    ids,
    skipped: [],
    loadedFrom: 'source',
  };
}
