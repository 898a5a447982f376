/**
 * Puzzle geometry: a square crop of the image, split into a 3x3 grid of cells, with one tile per cell that
 * is smaller than its cell.
 *
 * Defaults scale the paper's numbers (256-px image → 225 crop → 75 cells → 64 tiles) to the working size S:
 *   crop = 3·⌊(S·225/256)/3⌋, cell = crop/3, tile = ⌊cell·64/75⌋.
 * The cell's slack (cell − tile) keeps neighbouring tiles apart so edges do not continue across tiles. It is
 * split between a random tile offset and the per-channel jitter (the paper's 0–2 px): the jitter gets
 * min(2, ⌊slack/2⌋), and each channel's window stays inside the cell for every draw.
 *
 *   S = 32 → crop 27, cell 9, tile 7, jitter 1      S = 64 → crop 54, cell 18, tile 15, jitter 1
 *   S = 96 → crop 84, cell 28, tile 23, jitter 2    S = 256 → crop 225, cell 75, tile 64, jitter 2
 */
import { z } from 'zod';

export const GRID = 3;

export const geometryOverridesSchema = z
  .object({
    cropSize: z.number().int().positive(),
    tileSize: z.number().int().positive(),
    maxChannelShift: z.number().int().nonnegative(),
  })
  .partial();
export type GeometryOverrides = z.input<typeof geometryOverridesSchema>;

export interface PuzzleGeometry {
  /** Side of the (square) image the geometry was made for; the crop is placed at a random origin inside it. */
  readonly imageSize: number;
  readonly cropSize: number;
  readonly cellSize: number;
  readonly tileSize: number;
  /** Each channel's window is moved by 0..maxChannelShift px on each axis, independently per tile. */
  readonly maxChannelShift: number;
  /** The tile (before channel shifts) starts 0..maxTileOffset px into its cell on each axis. */
  readonly maxTileOffset: number;
}

/** Paper proportions: crop 225 of a 256 image, tile 64 of a 75 cell. */
const CROP_RATIO = 225 / 256;
const TILE_RATIO = 64 / 75;
const PAPER_CHANNEL_SHIFT = 2;

export function puzzleGeometry(imageSize: number, overrides: GeometryOverrides = {}): PuzzleGeometry {
  if (!Number.isInteger(imageSize) || imageSize < GRID) {
    throw new Error(`image size must be an integer of at least ${GRID} px, got ${imageSize}`);
  }
  const parsed = geometryOverridesSchema.parse(overrides);
  const cropSize = parsed.cropSize ?? GRID * Math.max(1, Math.floor((imageSize * CROP_RATIO) / GRID));
  if (cropSize > imageSize) throw new Error(`crop size ${cropSize} exceeds the image size ${imageSize}`);
  if (cropSize % GRID !== 0) throw new Error(`crop size ${cropSize} must be a multiple of ${GRID}`);
  const cellSize = cropSize / GRID;
  const tileSize = parsed.tileSize ?? Math.max(1, Math.floor(cellSize * TILE_RATIO));
  if (tileSize > cellSize) throw new Error(`tile size ${tileSize} exceeds the cell size ${cellSize} (crop ${cropSize} / 3)`);
  const slack = cellSize - tileSize;
  const maxChannelShift = parsed.maxChannelShift ?? Math.min(PAPER_CHANNEL_SHIFT, Math.floor(slack / 2));
  if (maxChannelShift > slack) {
    throw new Error(`channel shift ${maxChannelShift} px does not fit in the ${slack} px between tile ${tileSize} and cell ${cellSize}`);
  }
  return { imageSize, cropSize, cellSize, tileSize, maxChannelShift, maxTileOffset: slack - maxChannelShift };
}

/** Top-left corner, in image pixels, of one channel's tile window. */
export interface TileWindowDraw {
  readonly cropY: number;
  readonly cropX: number;
  /** Grid cell 0..8, row-major. */
  readonly cell: number;
  readonly offsetY: number;
  readonly offsetX: number;
  readonly shiftY: number;
  readonly shiftX: number;
}

export function tileWindowOrigin(geometry: PuzzleGeometry, draw: TileWindowDraw): { y: number; x: number } {
  const row = Math.floor(draw.cell / GRID);
  const column = draw.cell % GRID;
  return {
    y: draw.cropY + row * geometry.cellSize + draw.offsetY + draw.shiftY,
    x: draw.cropX + column * geometry.cellSize + draw.offsetX + draw.shiftX,
  };
}
