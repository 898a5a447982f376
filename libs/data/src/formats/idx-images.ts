import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { readIdx } from './idx.js';

/** Images read from an IDX pair, at their native size (not necessarily square). */
export interface IdxImages {
  count: number;
  height: number;
  width: number;
  channels: 1 | 3;
  /** count·H·W·C bytes, NHWC. */
  images: Uint8Array;
  labels?: Int32Array;
  classes?: string[];
  ids: string[];
}

/** `train-images-idx3-ubyte[.gz]` → `train-labels-idx1-ubyte[.gz]` beside it, when that file exists. */
export function findIdxLabelsBeside(imagesPath: string): string | undefined {
  const name = basename(imagesPath);
  if (!name.includes('images-idx3')) return undefined;
  const stem = name.replace('images-idx3', 'labels-idx1').replace(/\.gz$/, '');
  return [stem, `${stem}.gz`].map((candidate) => join(dirname(imagesPath), candidate)).find((path) => existsSync(path));
}

/**
 * Reads MNIST-family images (uint8 IDX of shape [N, H, W] or [N, H, W, C] with C = 1 or 3) and, when given or
 * found beside them, their labels (uint8 IDX of shape [N]). Classes are "0".."max label".
 */
export function readIdxImages(imagesPath: string, labelsPath = findIdxLabelsBeside(imagesPath)): IdxImages {
  const tensor = readIdx(imagesPath);
  if (tensor.dtype !== 'uint8') throw new Error(`"${imagesPath}" holds ${tensor.dtype} elements; images must be uint8`);
  const [count, height, width, channels = 1] = tensor.shape;
  if ((tensor.shape.length !== 3 && tensor.shape.length !== 4) || (channels !== 1 && channels !== 3)) {
    throw new Error(`"${imagesPath}" has shape [${tensor.shape.join(', ')}]; expected [N, H, W] or [N, H, W, 1|3]`);
  }
  const base = basename(imagesPath);
  const ids = Array.from({ length: count }, (_, i) => `${base}#${i}`);
  if (!labelsPath) return { count, height, width, channels, images: tensor.data, ids };

  const labelTensor = readIdx(labelsPath);
  if (labelTensor.dtype !== 'uint8' || labelTensor.shape.length !== 1 || labelTensor.shape[0] !== count) {
    throw new Error(
      `"${labelsPath}" must be uint8 labels of shape [${count}], got ${labelTensor.dtype} [${labelTensor.shape.join(', ')}]`,
    );
  }
  const labels = Int32Array.from(labelTensor.data);
  const classCount = labels.reduce((max, label) => Math.max(max, label), -1) + 1;
  const classes = Array.from({ length: classCount }, (_, i) => String(i));
  return { count, height, width, channels, images: tensor.data, labels, classes, ids };
}
