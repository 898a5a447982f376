import { describe, expect, it } from 'vitest';
import type { ImageStack } from '../images';
import { randomImages } from '../testing/random-images';
import { ColourMode } from './colour';
import { puzzleGeometry } from './geometry';
import type { PuzzlePlan, TileSource } from './puzzle-plan';
import { renderPuzzle } from './render-puzzle';

/** 32×32 RGB image whose red channel is the row and green the column, so a tile shows where it was cut. */
function coordinateImage(): ImageStack {
  const data = new Uint8Array(32 * 32 * 3);
  for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) data.set([y, x, 200], (y * 32 + x) * 3);
  return { data, count: 1, height: 32, width: 32, channels: 3 };
}

const geometry = puzzleGeometry(32); // crop 27, cell 9, tile 7, offsets 0..1, shifts 0..1
const identity = [0, 1, 2, 3, 4, 5, 6, 7, 8];

function plan(tile: (cell: number) => Partial<TileSource>, colour: ColourMode = ColourMode.colour): PuzzlePlan {
  const tiles = identity.map((cell) => ({
    image: 0,
    cropY: 3,
    cropX: 2,
    cell,
    offsetY: 0,
    offsetX: 0,
    shifts: [0, 0, 0, 0, 0, 0],
    occluding: false,
    ...tile(cell),
  }));
  return { permutation: 0, colour, tiles };
}

const tileLength = 7 * 7 * 3;
const at = (out: Float32Array, slot: number, y: number, x: number, c: number) => out[slot * tileLength + (y * 7 + x) * 3 + c];

describe('renderPuzzle', () => {
  it('cuts the exact window for known crop, offsets and per-channel shifts', () => {
    const out = new Float32Array(9 * tileLength);
    // Cell 5 is row 1, column 2. Red shifted (1, 0), green (0, 1), blue unshifted.
    const p = plan((cell) => (cell === 5 ? { offsetY: 1, offsetX: 0, shifts: [1, 0, 0, 1, 0, 0] } : {}));
    renderPuzzle(coordinateImage(), geometry, p, identity, out, 0);
    for (let y = 0; y < 7; y++) {
      for (let x = 0; x < 7; x++) {
        expect(at(out, 5, y, x, 0)).toBe(3 + 9 + 1 + 1 + y); // crop + row·cell + offset + red shift
        expect(at(out, 5, y, x, 1)).toBe(2 + 18 + 0 + 1 + x); // crop + column·cell + offset + green shift
        expect(at(out, 5, y, x, 2)).toBe(200);
        expect(at(out, 0, y, x, 0)).toBe(3 + y); // cell 0 with no offsets starts at the crop origin
        expect(at(out, 0, y, x, 1)).toBe(2 + x);
      }
    }
  });

  it('places cell order[s] at slot s', () => {
    const out = new Float32Array(9 * tileLength);
    const order = [8, 7, 6, 5, 4, 3, 2, 1, 0];
    renderPuzzle(coordinateImage(), geometry, plan(() => ({})), order, out, 0);
    // Slot 0 shows cell 8 (row 2, column 2).
    expect(at(out, 0, 0, 0, 0)).toBe(3 + 18);
    expect(at(out, 0, 0, 0, 1)).toBe(2 + 18);
    expect(at(out, 8, 0, 0, 0)).toBe(3);
  });

  it('applies the colour mode to every rendered pixel: projection leaves no (1, −2, 1) component, gray equal channels', () => {
    const noise = randomImages(1, 32, 32);
    const projected = new Float32Array(9 * tileLength);
    renderPuzzle(noise, geometry, plan(() => ({}), ColourMode.projection), identity, projected, 0);
    const gray = new Float32Array(9 * tileLength);
    renderPuzzle(noise, geometry, plan(() => ({}), ColourMode.gray), identity, gray, 0);
    let largestAxisComponent = 0;
    let largestGraySpread = 0;
    for (let i = 0; i < projected.length; i += 3) {
      largestAxisComponent = Math.max(largestAxisComponent, Math.abs(projected[i]! - 2 * projected[i + 1]! + projected[i + 2]!));
      largestGraySpread = Math.max(largestGraySpread, Math.abs(gray[i]! - gray[i + 1]!), Math.abs(gray[i]! - gray[i + 2]!));
    }
    expect(largestAxisComponent).toBeLessThan(1e-3); // float32 rounding of values up to 255
    expect(largestGraySpread).toBe(0);
    // The projection did change the noise (it is not the identity).
    const colour = new Float32Array(9 * tileLength);
    renderPuzzle(noise, geometry, plan(() => ({})), identity, colour, 0);
    expect(colour).not.toEqual(projected);
  });

  it('turns a single-channel image into three equal channels', () => {
    const gray: ImageStack = { data: Uint8Array.from({ length: 32 * 32 }, (_, i) => i % 251), count: 1, height: 32, width: 32, channels: 1 };
    for (const mode of [ColourMode.colour, ColourMode.gray, ColourMode.projection]) {
      const out = new Float32Array(9 * tileLength);
      renderPuzzle(gray, geometry, plan(() => ({}), mode), identity, out, 0);
      for (let i = 0; i < out.length; i += 3) {
        expect(out[i + 1]).toBeCloseTo(out[i]!, 3);
        expect(out[i + 2]).toBeCloseTo(out[i]!, 3);
      }
      expect(at(out, 0, 0, 0, 0)).toBeCloseTo(gray.data[3 * 32 + 2]!, 3);
    }
  });
});
