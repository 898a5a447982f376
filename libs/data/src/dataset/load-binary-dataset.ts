import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { cacheKey } from '../cache/cache-key.js';
import { sourceFingerprint, type SourceFileStamp } from '../cache/source-fingerprint.js';
import { withDecodeCache } from '../cache/with-decode-cache.js';
import { decodeAll } from '../decode/decode-all.js';
import type { WorkingFormat } from '../decode/working-format.js';
import { cifarBatchFiles, readCifarBinary } from '../formats/cifar-binary.js';
import { findIdxLabelsBeside, readIdxImages, type IdxImages } from '../formats/idx-images.js';
import type { DatasetSpec } from './dataset-spec.js';
import type { ImageDataset } from './image-dataset.js';
import type { LoadOptions } from './load-options.js';

type BinarySpec = Extract<DatasetSpec, { kind: 'cifar-binary' | 'idx' }>;

const stampOf = (path: string): SourceFileStamp => {
  const info = statSync(path);
  return { id: path, byteSize: info.size, mtimeMs: info.mtimeMs };
};

/** Converts native-size raw images to the working format (resize and/or channel change) through sharp. */
async function toWorkingFormat(native: IdxImages, format: WorkingFormat, options: LoadOptions): Promise<ImageDataset> {
  const frame = native.height * native.width * native.channels;
  const jobs = native.ids.map((id, i) => ({
    id,
    input: {
      data: native.images.subarray(i * frame, (i + 1) * frame),
      width: native.width,
      height: native.height,
      channels: native.channels,
    },
  }));
  const decoded = await decodeAll(jobs, format, {
    concurrency: options.concurrency,
    onProgress: (done, total) => options.onProgress?.({ phase: 'decode', done, total }),
  });
  if (decoded.skipped.length > 0) {
    throw new Error(`cannot convert ${decoded.skipped[0].file}: ${decoded.skipped[0].reason}`);
  }
  return {
    count: native.count,
    size: format.size,
    channels: format.channels,
    images: decoded.pixels,
    labels: native.labels,
    classes: native.classes,
    ids: native.ids,
    skipped: [],
    loadedFrom: 'source',
  };
}

/**
 * Reads a CIFAR-10 binary or IDX dataset. At native size and channels the records are returned as they are
 * (reading them is already one pass over compact files); a different working format is converted once and
 * then served from the decode cache.
 */
export async function loadBinaryDataset(spec: BinarySpec, path: string, labelsPath: string | undefined, options: LoadOptions): Promise<ImageDataset> {
  const read = (): IdxImages => {
    if (spec.kind === 'idx') return readIdxImages(path, labelsPath ?? findIdxLabelsBeside(path));
    const cifar = readCifarBinary(path, spec.split);
    return { ...cifar, height: cifar.size, width: cifar.size };
  };
  const sources: SourceFileStamp[] =
    spec.kind === 'idx'
      ? [path, labelsPath ?? findIdxLabelsBeside(path)].filter((p): p is string => p !== undefined).map(stampOf)
      : cifarBatchFiles(path, spec.split);

  // Native format is only known after reading headers; for IDX that means reading the file, which is cheap.
  const native = read();
  const format: WorkingFormat = {
    size: spec.size ?? Math.min(native.height, native.width),
    channels: spec.channels ?? native.channels,
    resize: spec.resize,
  };
  if (native.height === format.size && native.width === format.size && native.channels === format.channels) {
    const { count, images, labels, classes, ids } = native;
    return { count, size: format.size, channels: format.channels, images, labels, classes, ids, skipped: [], loadedFrom: 'source' };
  }
  const key = cacheKey({ kind: spec.kind, path, labelsPath, split: spec.kind === 'cifar-binary' ? spec.split : undefined, ...format });
  return withDecodeCache(
    { name: basename(path), key, fingerprint: sourceFingerprint(sources), description: `${spec.kind} dataset "${path}"` },
    options,
    () => toWorkingFormat(native, format, options),
  );
}
