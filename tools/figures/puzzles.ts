/**
 * `npx tsx tools/figures/puzzles.ts --out puzzles.png [--puzzles 8] [--size 96] [--seed 3]`
 *
 * A PNG grid of example Jigsaw++ puzzles from CIFAR-10 train images, like Figure 3 of the paper: each row is
 * the image with its crop outlined, then the 9 tiles in their shuffled order, laid out with gaps, tiles
 * borrowed from another image outlined in red. Tiles are shown after the colour step (gray / projection,
 * clamped to 0..255) and before standardisation, which would make them unreadable.
 */
import { Command } from 'commander';
import sharp from 'sharp';
import {
  GRID,
  generateMaximinPermutations,
  permutationAt,
  PuzzleSampler,
  readPermutationFile,
  renderPuzzle,
  TILE_COUNT,
  type ImageStack,
} from '@ktlab/jigsaw';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { sharedDir } from '@ktlab/config/paths';
import { loadCifarTrainSample } from './cifar-train-sample';

const options = new Command()
  .requiredOption('--out <file>', 'PNG file to write')
  .option('--puzzles <n>', 'number of example puzzles', (v) => Number.parseInt(v, 10), 8)
  .option('--size <px>', 'working size CIFAR images are upscaled to', (v) => Number.parseInt(v, 10), 96)
  .option('--scale <n>', 'display magnification (nearest neighbour)', (v) => Number.parseInt(v, 10), 3)
  .option('--seed <n>', 'sampling seed', (v) => Number.parseInt(v, 10), 3)
  .parse(process.argv)
  .opts<{ out: string; puzzles: number; size: number; scale: number; seed: number }>();

const RED: Rgb = [230, 30, 30];
const CROP_OUTLINE: Rgb = [255, 210, 0];
const BACKGROUND: Rgb = [255, 255, 255];
type Rgb = [number, number, number];

/** A white RGB canvas with the few drawing operations the figure needs. */
class Canvas {
  readonly pixels: Uint8Array;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.pixels = new Uint8Array(width * height * 3);
    this.fill(0, 0, width, height, BACKGROUND);
  }
  fill(x0: number, y0: number, w: number, h: number, colour: Rgb): void {
    for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) this.pixels.set(colour, (y * this.width + x) * 3);
  }
  outline(x0: number, y0: number, w: number, h: number, thickness: number, colour: Rgb): void {
    this.fill(x0 - thickness, y0 - thickness, w + 2 * thickness, thickness, colour);
    this.fill(x0 - thickness, y0 + h, w + 2 * thickness, thickness, colour);
    this.fill(x0 - thickness, y0, thickness, h, colour);
    this.fill(x0 + w, y0, thickness, h, colour);
  }
  /** Draws an HWC float/uint8 RGB block magnified `scale` times, values clamped to 0..255. */
  block(x0: number, y0: number, source: ArrayLike<number>, offset: number, w: number, h: number, scale: number): void {
    for (let y = 0; y < h * scale; y++) {
      for (let x = 0; x < w * scale; x++) {
        const from = offset + (Math.floor(y / scale) * w + Math.floor(x / scale)) * 3;
        const to = ((y0 + y) * this.width + x0 + x) * 3;
        for (let c = 0; c < 3; c++) this.pixels[to + c] = Math.max(0, Math.min(255, Math.round(source[from + c]!)));
      }
    }
  }
}

const images: ImageStack = await loadCifarTrainSample(Math.max(2, options.puzzles), options.size);
const referencePath = join(sharedDir(), 'reference', 'permutations_701.bin');
const permutations = existsSync(referencePath)
  ? await readPermutationFile(referencePath)
  : generateMaximinPermutations({ count: 701, seed: 0 });
const sampler = new PuzzleSampler({ images, permutations, config: { maxOccluded: 2 } });
const { geometry } = sampler;
const indices = Array.from({ length: images.count }, (_, i) => i);
const plans = sampler.plan(indices, options.seed, 0).slice(0, options.puzzles);

const s = options.scale;
const margin = 6 * s;
const gap = 3 * s; // between tiles, showing they are separate pieces
const imageSide = options.size * s;
const tileSide = geometry.tileSize * s;
const puzzleSide = GRID * tileSide + (GRID - 1) * gap;
const rowHeight = Math.max(imageSide, puzzleSide) + margin;
const columns = 2;
const panelWidth = imageSide + margin + puzzleSide + 2 * margin;
const rows = Math.ceil(plans.length / columns);
const canvas = new Canvas(columns * panelWidth + margin, rows * rowHeight + margin);

const tile = new Float32Array(sampler.puzzleLength);
plans.forEach((plan, p) => {
  const left = margin + (p % columns) * panelWidth;
  const top = margin + Math.floor(p / columns) * rowHeight;
  const pixelsPerImage = options.size * options.size * 3;
  canvas.block(left, top, images.data, indices[p]! * pixelsPerImage, options.size, options.size, s);
  const own = plan.tiles.find((t) => !t.occluding) ?? plan.tiles[0]!;
  canvas.outline(left + own.cropX * s, top + own.cropY * s, geometry.cropSize * s, geometry.cropSize * s, 1, CROP_OUTLINE);

  const order = permutationAt(permutations, plan.permutation);
  renderPuzzle(images, geometry, plan, order, tile, 0);
  const puzzleLeft = left + imageSide + margin;
  const tileLength = geometry.tileSize * geometry.tileSize * 3;
  for (let slot = 0; slot < TILE_COUNT; slot++) {
    const x = puzzleLeft + (slot % GRID) * (tileSide + gap);
    const y = top + Math.floor(slot / GRID) * (tileSide + gap);
    canvas.block(x, y, tile, slot * tileLength, geometry.tileSize, geometry.tileSize, s);
    if (plan.tiles[order[slot]!]!.occluding) canvas.outline(x, y, tileSide, tileSide, Math.max(2, s), RED);
  }
});

await sharp(canvas.pixels, { raw: { width: canvas.width, height: canvas.height, channels: 3 } }).png().toFile(options.out);
const occludedCounts = plans.map((plan) => plan.tiles.filter((t) => t.occluding).length);
console.log(
  `wrote ${options.out}: ${plans.length} Jigsaw++ puzzles (occluded tiles per puzzle: ${occludedCounts.join(' ')}; ` +
    `colour modes: ${plans.map((plan) => ['colour', 'gray', 'projection'][plan.colour]).join(' ')}), ` +
    `working size ${options.size}, crop ${geometry.cropSize}, tile ${geometry.tileSize}`,
);
