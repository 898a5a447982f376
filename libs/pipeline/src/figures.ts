/**
 * The paper's figures for a run, as PNG files in `<runDir>/figures/`:
 * - conv1 filters of the evaluated network (Figure 4);
 * - the images nearest to a sample of centroids, one row per cluster (Figure 5);
 * - example pretext puzzles as the network sees them (shuffled, standardised tiles; Jigsaw++ occluders outlined);
 * - for the rotation pretext, example images in their four rotations;
 * - for the detection and segmentation protocols, test scenes with their truth beside the prediction.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type * as tf from '@tensorflow/tfjs';
import { readPseudoLabels } from '@ktlab/kmeans';
import type { ImageDataset } from '@ktlab/data';
import type { PuzzleBatch } from '@ktlab/jigsaw';
import type { RotationBatch } from './pretext/rotation-sampler';

/** RGB canvas helper: a w×h white image with `paste` for square RGB tiles. */
class Canvas {
  readonly pixels: Buffer;
  constructor(readonly width: number, readonly height: number) {
    this.pixels = Buffer.alloc(width * height * 3, 255);
  }
  paste(tile: Uint8Array, size: number, channels: number, x0: number, y0: number, scale: number): void {
    for (let y = 0; y < size * scale; y++) {
      for (let x = 0; x < size * scale; x++) {
        const source = (Math.floor(y / scale) * size + Math.floor(x / scale)) * channels;
        const target = ((y0 + y) * this.width + x0 + x) * 3;
        for (let c = 0; c < 3; c++) this.pixels[target + c] = tile[source + (channels === 1 ? 0 : c)];
      }
    }
  }
  toPng(path: string): Promise<unknown> {
    return sharp(this.pixels, { raw: { width: this.width, height: this.height, channels: 3 } }).png().toFile(path);
  }
}

/** Each first-layer filter min-max scaled to 0..255 and shown enlarged, as in the paper's Figure 4. */
export async function conv1FiltersFigure(model: tf.LayersModel, path: string): Promise<void> {
  const layer = model.getLayer('conv1');
  const kernel = layer.getWeights()[0];
  const [kh, kw, inChannels, filters] = kernel.shape as number[];
  const values = await kernel.data();
  const scale = 8;
  const gap = 2;
  const columns = Math.ceil(Math.sqrt(filters));
  const rows = Math.ceil(filters / columns);
  const canvas = new Canvas(columns * (kw * scale + gap) + gap, rows * (kh * scale + gap) + gap);
  for (let f = 0; f < filters; f++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = f; i < values.length; i += filters) {
      lo = Math.min(lo, values[i]);
      hi = Math.max(hi, values[i]);
    }
    const tile = new Uint8Array(kh * kw * inChannels);
    for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) for (let c = 0; c < inChannels; c++) {
      const v = values[((y * kw + x) * inChannels + c) * filters + f];
      tile[(y * kw + x) * inChannels + c] = hi > lo ? Math.round((255 * (v - lo)) / (hi - lo)) : 128;
    }
    const column = f % columns;
    const row = Math.floor(f / columns);
    canvas.paste(tile, kh, inChannels, gap + column * (kw * scale + gap), gap + row * (kh * scale + gap), scale);
  }
  mkdirSync(join(path, '..'), { recursive: true });
  await canvas.toPng(path);
}

/** For `clusters` evenly spaced clusters (by size order), the `perCluster` images closest to the centroid. */
export async function clusterNeighboursFigure(labelsPath: string, data: ImageDataset, path: string, clusters = 12, perCluster = 10): Promise<void> {
  const { ids, labels, distances, k } = await readPseudoLabels(labelsPath);
  // Pseudo-labels read from a file may leave images out: members are found by id, not by position.
  const indexOf = new Map(data.ids.map((id, index) => [id, index]));
  const imageOf = ids.map((id) => {
    const index = indexOf.get(id);
    if (index === undefined) throw new Error(`pseudo-labelled image ${id} is not in the dataset`);
    return index;
  });
  const members = Array.from({ length: k }, () => [] as number[]);
  labels.forEach((label, index) => members[label].push(index));
  const bySize = members.map((m, id) => ({ id, m })).filter((c) => c.m.length > 0).sort((a, b) => b.m.length - a.m.length);
  const step = Math.max(1, Math.floor(bySize.length / clusters));
  const chosen = bySize.filter((_, i) => i % step === 0).slice(0, clusters);
  const size = data.size;
  const scale = Math.max(1, Math.floor(64 / size));
  const gap = 2;
  const canvas = new Canvas(perCluster * (size * scale + gap) + gap, chosen.length * (size * scale + gap) + gap);
  const bytes = size * size * data.channels;
  chosen.forEach(({ m }, row) => {
    const nearest = distances ? [...m].sort((a, b) => distances[a] - distances[b]) : m;
    nearest.slice(0, perCluster).forEach((member, column) => {
      const image = imageOf[member];
      canvas.paste(data.images.subarray(image * bytes, (image + 1) * bytes), size, data.channels, gap + column * (size * scale + gap), gap + row * (size * scale + gap), scale);
    });
  });
  mkdirSync(join(path, '..'), { recursive: true });
  await canvas.toPng(path);
}

/**
 * One row per puzzle: its 9 tiles in the order the network receives them, each tile min-max scaled for display
 * (they are standardised per tile and channel), tiles from another image (Jigsaw++) framed in red.
 */
export async function examplePuzzlesFigure(batch: Pick<PuzzleBatch, 'size' | 'tileSize' | 'tiles' | 'occluded'>, path: string): Promise<void> {
  const { size, tileSize: t } = batch;
  const scale = Math.max(1, Math.floor(48 / t));
  const gap = 3;
  const cell = t * scale + gap;
  const canvas = new Canvas(9 * cell + gap, size * cell + gap);
  const tileValues = t * t * 3;
  for (let puzzle = 0; puzzle < size; puzzle++) {
    for (let slot = 0; slot < 9; slot++) {
      const offset = (puzzle * 9 + slot) * tileValues;
      const values = batch.tiles.subarray(offset, offset + tileValues);
      let lo = Infinity;
      let hi = -Infinity;
      for (const v of values) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      const tile = Uint8Array.from(values, (v) => (hi > lo ? Math.round((255 * (v - lo)) / (hi - lo)) : 128));
      const x0 = gap + slot * cell;
      const y0 = gap + puzzle * cell;
      if (batch.occluded[puzzle * 9 + slot]) {
        for (let y = y0 - 1; y <= y0 + t * scale; y++) for (let x = x0 - 1; x <= x0 + t * scale; x++) {
          const target = (y * canvas.width + x) * 3;
          [canvas.pixels[target], canvas.pixels[target + 1], canvas.pixels[target + 2]] = [220, 38, 38];
        }
      }
      canvas.paste(tile, t, 3, x0, y0, scale);
    }
  }
  mkdirSync(join(path, '..'), { recursive: true });
  await canvas.toPng(path);
}

/** One row per image: its rotations in label order (0°, 90°, 180°, 270° clockwise), as the rotation net sees them. */
export async function exampleRotationsFigure(batch: RotationBatch, path: string, rotations = 4): Promise<void> {
  const { imageSize: s, channels } = batch;
  const scale = Math.max(1, Math.floor(64 / s));
  const gap = 3;
  const cell = s * scale + gap;
  const rows = Math.ceil(batch.size / rotations);
  const canvas = new Canvas(rotations * cell + gap, rows * cell + gap);
  const bytes = s * s * channels;
  for (let example = 0; example < batch.size; example++) {
    const column = example % rotations;
    const row = Math.floor(example / rotations);
    canvas.paste(batch.images.subarray(example * bytes, (example + 1) * bytes), s, channels, gap + column * cell, gap + row * cell, scale);
  }
  mkdirSync(join(path, '..'), { recursive: true });
  await canvas.toPng(path);
}

/**
 * The dense protocols' examples: one row per test scene, the ground truth (boxes, or the class map blended in)
 * on the left and the prediction on the right, each shown at twice its size; colours are the classes' VOC colours.
 */
export async function denseExamplesFigure(examples: readonly { truth: SquareRaster; predicted: SquareRaster }[], path: string): Promise<void> {
  if (examples.length === 0) throw new Error('no examples to draw');
  const size = examples[0].truth.width;
  const scale = Math.max(1, Math.floor(192 / size));
  const gap = 4;
  const cell = size * scale + gap;
  const canvas = new Canvas(2 * cell + gap, examples.length * cell + gap);
  examples.forEach(({ truth, predicted }, row) => {
    for (const [column, image] of [truth, predicted].entries()) {
      if (image.width !== size || image.height !== size) throw new Error(`example ${row} is ${image.width}×${image.height}, not ${size}×${size}`);
      canvas.paste(image.data, size, image.channels, gap + column * cell, gap + row * cell, scale);
    }
  });
  mkdirSync(join(path, '..'), { recursive: true });
  await canvas.toPng(path);
}

/** A square interleaved uint8 image (the scenes library's Raster). */
interface SquareRaster {
  width: number;
  height: number;
  channels: number;
  data: Uint8Array;
}
