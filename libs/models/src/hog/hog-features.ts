import { z } from 'zod';
import { assertUint8Images, type Uint8Images } from '../features/uint8-images.js';
import { parseOptions } from '../parse-options.js';

export const hogOptionsSchema = z.strictObject({
  /** Cell side in pixels (Dalal–Triggs: 8). Pixels beyond the last whole cell are ignored. */
  cellSize: z.number().int().min(2).default(8),
  /** Block side in cells (Dalal–Triggs: 2); blocks overlap, one cell apart. */
  blockSize: z.number().int().min(1).default(2),
  /** Orientation bins over 0…180° (unsigned gradients; Dalal–Triggs: 9). */
  bins: z.number().int().min(2).max(36).default(9),
  /** L2-Hys clipping threshold applied between the two L2 normalisations. */
  clip: z.number().positive().max(1).default(0.2),
});
export type HogOptions = z.input<typeof hogOptionsSchema>;

export interface HogLayout {
  cellsY: number;
  cellsX: number;
  blocksY: number;
  blocksX: number;
  /** Floats per block: blockSize² · bins. */
  blockDims: number;
  /** Floats per image: blocksY · blocksX · blockDims. */
  dims: number;
}

export interface HogFeatures {
  /** count × dims, row-major; each row is the image's blocks in raster order, each block its cells' histograms. */
  data: Float32Array;
  count: number;
  dims: number;
  layout: HogLayout;
}

const EPSILON_SQUARED = 1e-6;

/** The descriptor layout HOG produces for images of this size. */
export function hogLayout(height: number, width: number, options: HogOptions = {}): HogLayout {
  const { cellSize, blockSize, bins } = parseOptions(hogOptionsSchema, options, 'hogFeatures');
  const cellsY = Math.floor(height / cellSize);
  const cellsX = Math.floor(width / cellSize);
  if (cellsY < blockSize || cellsX < blockSize) {
    throw new Error(`hogFeatures: ${height}×${width} images hold ${cellsY}×${cellsX} cells of ${cellSize}px, fewer than one ${blockSize}×${blockSize} block`);
  }
  const blocksY = cellsY - blockSize + 1;
  const blocksX = cellsX - blockSize + 1;
  const blockDims = blockSize * blockSize * bins;
  return { cellsY, cellsX, blocksY, blocksX, blockDims, dims: blocksY * blocksX * blockDims };
}

/**
 * Dalal–Triggs HOG descriptors for every image: centred [−1, 0, 1] gradients (borders replicate), per pixel the
 * channel with the largest gradient, unsigned orientation voted by magnitude into the two nearest of `bins`
 * orientation bins (bin b centred at b·180°/bins, so a vertical edge — a purely horizontal gradient — lands
 * wholly in bin 0), cell histograms, then overlapping blocks normalised with L2-Hys. Pixels vote into their own
 * cell only (no spatial interpolation), a common simplification.
 */
export function hogFeatures(images: Uint8Images, options: HogOptions = {}): HogFeatures {
  assertUint8Images(images, 'hogFeatures');
  const parsed = parseOptions(hogOptionsSchema, options, 'hogFeatures');
  const layout = hogLayout(images.height, images.width, parsed);
  const data = new Float32Array(images.count * layout.dims);
  const scratch = new HogScratch(images.height, images.width, layout, parsed.bins);
  const imageBytes = images.height * images.width * images.channels;
  for (let n = 0; n < images.count; n++) {
    const pixels = images.data.subarray(n * imageBytes, (n + 1) * imageBytes);
    scratch.cellHistograms(pixels, images.channels, parsed.cellSize);
    scratch.normalisedBlocks(parsed.blockSize, parsed.clip, data.subarray(n * layout.dims, (n + 1) * layout.dims));
  }
  return { data, count: images.count, dims: layout.dims, layout };
}

/** Per-image working buffers, reused across images so HOG of a whole dataset allocates once. */
class HogScratch {
  private readonly cells: Float32Array;
  private readonly block: Float32Array;

  constructor(
    private readonly height: number,
    private readonly width: number,
    private readonly layout: HogLayout,
    private readonly bins: number,
  ) {
    this.cells = new Float32Array(layout.cellsY * layout.cellsX * bins);
    this.block = new Float32Array(layout.blockDims);
  }

  cellHistograms(pixels: Uint8Array, channels: number, cellSize: number): void {
    const { height, width, bins, cells } = this;
    const { cellsY, cellsX } = this.layout;
    const binsPerRadian = bins / Math.PI;
    cells.fill(0);
    for (let y = 0; y < cellsY * cellSize; y++) {
      const up = Math.max(y - 1, 0) * width;
      const down = Math.min(y + 1, height - 1) * width;
      const row = y * width;
      const cellRow = Math.floor(y / cellSize) * cellsX;
      for (let x = 0; x < cellsX * cellSize; x++) {
        const left = Math.max(x - 1, 0);
        const right = Math.min(x + 1, width - 1);
        let gx = 0;
        let gy = 0;
        let best = -1;
        for (let c = 0; c < channels; c++) {
          const dx = pixels[(row + right) * channels + c] - pixels[(row + left) * channels + c];
          const dy = pixels[(down + x) * channels + c] - pixels[(up + x) * channels + c];
          const squared = dx * dx + dy * dy;
          if (squared > best) {
            best = squared;
            gx = dx;
            gy = dy;
          }
        }
        if (best <= 0) continue;
        let angle = Math.atan2(gy, gx);
        if (angle < 0) angle += Math.PI;
        // Position in bin units; bin b is centred at b, so votes split between floor and floor+1 (wrapping).
        const position = angle * binsPerRadian;
        const lower = Math.floor(position);
        const fraction = position - lower;
        const magnitude = Math.sqrt(best);
        const base = (cellRow + Math.floor(x / cellSize)) * bins;
        cells[base + (lower % bins)] += magnitude * (1 - fraction);
        cells[base + ((lower + 1) % bins)] += magnitude * fraction;
      }
    }
  }

  normalisedBlocks(blockSize: number, clip: number, out: Float32Array): void {
    const { cells, block, bins } = this;
    const { cellsX, blocksY, blocksX, blockDims } = this.layout;
    for (let by = 0; by < blocksY; by++) {
      for (let bx = 0; bx < blocksX; bx++) {
        let k = 0;
        for (let cy = 0; cy < blockSize; cy++) {
          for (let cx = 0; cx < blockSize; cx++) {
            const base = ((by + cy) * cellsX + bx + cx) * bins;
            for (let b = 0; b < bins; b++) block[k++] = cells[base + b];
          }
        }
        l2Normalise(block);
        for (let i = 0; i < blockDims; i++) if (block[i] > clip) block[i] = clip;
        l2Normalise(block);
        out.set(block, (by * blocksX + bx) * blockDims);
      }
    }
  }
}

function l2Normalise(v: Float32Array): void {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i] * v[i];
  const scale = 1 / Math.sqrt(sum + EPSILON_SQUARED);
  for (let i = 0; i < v.length; i++) v[i] *= scale;
}
