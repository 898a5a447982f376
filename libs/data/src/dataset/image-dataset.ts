import type { SkippedFile } from '../folder/skipped-file.js';

/** A decoded dataset in memory: `count` images of size×size×channels uint8, packed NHWC. */
export interface ImageDataset {
  count: number;
  /** Working size S: every image is S×S. */
  size: number;
  channels: 1 | 3;
  /** count·S·S·C bytes, image i at offset i·S·S·C, rows top to bottom, channels interleaved (RGB). */
  images: Uint8Array;
  /** Class index per image (into `classes`); absent for unlabeled data. */
  labels?: Int32Array;
  classes?: string[];
  /** Stable id per image: path relative to the dataset folder, or `<file>#<record>` for binary formats. */
  ids: string[];
  /** Files that were not loaded, with the reason. */
  skipped: SkippedFile[];
  /** `cache` when the pixels came from the decode cache, `source` when decoded or read just now. */
  loadedFrom: 'source' | 'cache';
}

export function bytesPerImage(dataset: Pick<ImageDataset, 'size' | 'channels'>): number {
  return dataset.size * dataset.size * dataset.channels;
}

/** Image `index` as a view (no copy) into `dataset.images`. */
export function imageAt(dataset: ImageDataset, index: number): Uint8Array {
  if (!Number.isInteger(index) || index < 0 || index >= dataset.count) {
    throw new RangeError(`image index ${index} is out of range 0..${dataset.count - 1}`);
  }
  const frame = bytesPerImage(dataset);
  return dataset.images.subarray(index * frame, (index + 1) * frame);
}

/** A new dataset holding copies of the images at `indices`, in that order (e.g. one half of a split). */
export function subsetDataset(dataset: ImageDataset, indices: ArrayLike<number>): ImageDataset {
  const frame = bytesPerImage(dataset);
  const images = new Uint8Array(indices.length * frame);
  const ids = new Array<string>(indices.length);
  const sourceLabels = dataset.labels;
  const labels = sourceLabels ? new Int32Array(indices.length) : undefined;
  for (let i = 0; i < indices.length; i++) {
    const source = indices[i];
    images.set(imageAt(dataset, source), i * frame);
    ids[i] = dataset.ids[source];
    if (labels && sourceLabels) labels[i] = sourceLabels[source];
  }
  return { ...dataset, count: indices.length, images, ids, labels };
}

/** Throws when the parts of a dataset disagree (wrong buffer length, label out of range, id count). */
export function assertConsistentDataset(dataset: ImageDataset): void {
  const { count, labels, classes, ids } = dataset;
  if (dataset.images.length !== count * bytesPerImage(dataset)) {
    throw new Error(`dataset has ${dataset.images.length} pixel bytes, expected ${count * bytesPerImage(dataset)}`);
  }
  if (ids.length !== count) throw new Error(`dataset has ${ids.length} ids for ${count} images`);
  if (labels) {
    if (labels.length !== count) throw new Error(`dataset has ${labels.length} labels for ${count} images`);
    const classCount = classes?.length ?? Infinity;
    for (const label of labels) {
      if (label < 0 || label >= classCount) throw new Error(`label ${label} is outside the ${classCount} classes`);
    }
  }
}
