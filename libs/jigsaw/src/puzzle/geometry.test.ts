import { describe, expect, it } from 'vitest';
import { GRID, puzzleGeometry, tileWindowOrigin } from './geometry';

describe('puzzleGeometry defaults', () => {
  it.each([
    [32, 27, 9, 7, 1],
    [64, 54, 18, 15, 1],
    [96, 84, 28, 23, 2],
    [256, 225, 75, 64, 2], // the paper's numbers
  ])('image %i → crop %i, cell %i, tile %i, channel shift %i', (size, crop, cell, tile, shift) => {
    const g = puzzleGeometry(size);
    expect([g.cropSize, g.cellSize, g.tileSize, g.maxChannelShift]).toEqual([crop, cell, tile, shift]);
    expect(g.maxTileOffset + g.maxChannelShift + g.tileSize).toBe(g.cellSize);
  });

  it('keeps the paper tile/cell ratio 64/75 within one pixel', () => {
    for (const size of [32, 48, 64, 96, 128, 224, 256]) {
      const g = puzzleGeometry(size);
      expect(Math.abs(g.tileSize - (g.cellSize * 64) / 75)).toBeLessThan(1);
      expect(g.tileSize).toBeLessThan(g.cellSize); // a gap between neighbouring tiles
    }
  });

  it('accepts overrides and rejects ones that do not fit', () => {
    expect(puzzleGeometry(32, { cropSize: 30, tileSize: 8, maxChannelShift: 0 })).toMatchObject({
      cellSize: 10,
      tileSize: 8,
      maxTileOffset: 2,
    });
    expect(() => puzzleGeometry(32, { cropSize: 33 })).toThrow(/exceeds the image size 32/);
    expect(() => puzzleGeometry(32, { cropSize: 28 })).toThrow(/multiple of 3/);
    expect(() => puzzleGeometry(32, { tileSize: 10 })).toThrow(/tile size 10 exceeds the cell size 9/);
    expect(() => puzzleGeometry(32, { maxChannelShift: 3 })).toThrow(/does not fit in the 2 px/);
    expect(() => puzzleGeometry(2)).toThrow(/at least 3 px/);
  });
});

describe('tileWindowOrigin', () => {
  it('keeps every channel window inside its cell for every offset and shift', () => {
    for (const size of [32, 64, 96]) {
      const g = puzzleGeometry(size);
      for (let cell = 0; cell < GRID * GRID; cell++) {
        const cellY = Math.floor(cell / GRID) * g.cellSize;
        const cellX = (cell % GRID) * g.cellSize;
        for (let offsetY = 0; offsetY <= g.maxTileOffset; offsetY++) {
          for (let offsetX = 0; offsetX <= g.maxTileOffset; offsetX++) {
            for (let shiftY = 0; shiftY <= g.maxChannelShift; shiftY++) {
              for (let shiftX = 0; shiftX <= g.maxChannelShift; shiftX++) {
                const { y, x } = tileWindowOrigin(g, { cropY: 0, cropX: 0, cell, offsetY, offsetX, shiftY, shiftX });
                expect(y).toBeGreaterThanOrEqual(cellY);
                expect(x).toBeGreaterThanOrEqual(cellX);
                expect(y + g.tileSize).toBeLessThanOrEqual(cellY + g.cellSize);
                expect(x + g.tileSize).toBeLessThanOrEqual(cellX + g.cellSize);
              }
            }
          }
        }
      }
    }
  });

  it('adds crop origin, cell corner, offset and shift', () => {
    const g = puzzleGeometry(96); // cell 28
    // cell 5 = row 1, column 2
    expect(tileWindowOrigin(g, { cropY: 4, cropX: 7, cell: 5, offsetY: 3, offsetX: 1, shiftY: 2, shiftX: 0 })).toEqual({
      y: 4 + 28 + 3 + 2,
      x: 7 + 56 + 1 + 0,
    });
  });
});
