/**
 * Renders one planned puzzle into `out` as 9 tiles of tileSize × tileSize × 3 floats (HWC), in shuffled
 * order: output slot s shows the tile of original cell order[s]. Values are colour-transformed pixel values
 * (0..255 scale), not yet normalised.
 */
import { TILE_COUNT } from '../permutations/permutation-set';
import type { ImageStack } from '../images';
import { ColourMode, colourMatrix } from './colour';
import { GRID, type PuzzleGeometry } from './geometry';
import type { PuzzlePlan } from './puzzle-plan';

export const OUTPUT_CHANNELS = 3;

export function renderPuzzle(
  images: ImageStack,
  geometry: PuzzleGeometry,
  plan: PuzzlePlan,
  order: ArrayLike<number>,
  out: Float32Array,
  outOffset: number,
): void {
  const { tileSize, cellSize } = geometry;
  const tileLength = tileSize * tileSize * OUTPUT_CHANNELS;
  const m = colourMatrix(plan.colour);
  const unchanged = plan.colour === ColourMode.colour;
  const { data, height, width, channels } = images;
  const rowStride = width * channels;
  for (let slot = 0; slot < TILE_COUNT; slot++) {
    const source = plan.tiles[order[slot]!]!;
    // Same arithmetic as tileWindowOrigin (geometry.ts), inlined: this loop runs 27 times per puzzle.
    const tileY = source.cropY + Math.floor(source.cell / GRID) * cellSize + source.offsetY;
    const tileX = source.cropX + (source.cell % GRID) * cellSize + source.offsetX;
    const imageBase = source.image * height * rowStride;
    const slotBase = outOffset + slot * tileLength;
    for (let c = 0; c < OUTPUT_CHANNELS; c++) {
      const windowBase = imageBase + (tileY + source.shifts[2 * c]!) * rowStride + (tileX + source.shifts[2 * c + 1]!) * channels;
      if (channels === 3) copyRgbChannel(data, windowBase, rowStride, unchanged ? undefined : m, c, out, slotBase + c, tileSize);
      else copyGrayChannel(data, windowBase, rowStride, m[c * 3]! + m[c * 3 + 1]! + m[c * 3 + 2]!, out, slotBase + c, tileSize);
    }
  }
}

/** Output channel c of one tile from an RGB window: row c of the colour matrix (none: copy) applied to each pixel. */
function copyRgbChannel(
  data: Uint8Array,
  windowBase: number,
  rowStride: number,
  m: Float64Array | undefined,
  c: number,
  out: Float32Array,
  target: number,
  tileSize: number,
): void {
  const mr = m ? m[c * 3]! : 0;
  const mg = m ? m[c * 3 + 1]! : 0;
  const mb = m ? m[c * 3 + 2]! : 0;
  for (let y = 0; y < tileSize; y++) {
    let pixel = windowBase + y * rowStride;
    if (!m) {
      pixel += c;
      for (let x = 0; x < tileSize; x++, pixel += 3, target += OUTPUT_CHANNELS) out[target] = data[pixel]!;
    } else {
      for (let x = 0; x < tileSize; x++, pixel += 3, target += OUTPUT_CHANNELS) {
        out[target] = mr * data[pixel]! + mg * data[pixel + 1]! + mb * data[pixel + 2]!;
      }
    }
  }
}

/** A gray source pixel is (v, v, v): every colour mode maps it to (row sum)·v. */
function copyGrayChannel(
  data: Uint8Array,
  windowBase: number,
  rowStride: number,
  rowSum: number,
  out: Float32Array,
  target: number,
  tileSize: number,
): void {
  for (let y = 0; y < tileSize; y++) {
    let pixel = windowBase + y * rowStride;
    for (let x = 0; x < tileSize; x++, pixel += 1, target += OUTPUT_CHANNELS) out[target] = rowSum * data[pixel]!;
  }
}
