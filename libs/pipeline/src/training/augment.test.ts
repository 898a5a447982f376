import { describe, expect, it } from 'vitest';
import { trainingAugmentSchema } from '@ktlab/config';
import { drawTransforms, transformImages } from './augment';

// one 3×4 single-channel image whose pixel (y, x) holds 10·y + x + 1 (0 is the fill value)
const image = { data: Uint8Array.from({ length: 12 }, (_, i) => 10 * Math.floor(i / 4) + (i % 4) + 1), count: 1, height: 3, width: 4, channels: 1 };
const rows = (data: Uint8Array) => [0, 1, 2].map((y) => [...data.subarray(y * 4, y * 4 + 4)]);

describe('training augmentation', () => {
  it('mirrors and shifts with a zero fill, as padding and cropping would', () => {
    expect(rows(transformImages(image, [{ flip: false, dy: 0, dx: 0 }]))).toEqual([[1, 2, 3, 4], [11, 12, 13, 14], [21, 22, 23, 24]]);
    expect(rows(transformImages(image, [{ flip: true, dy: 0, dx: 0 }]))).toEqual([[4, 3, 2, 1], [14, 13, 12, 11], [24, 23, 22, 21]]);
    // content moves right by 1 and down by 1
    expect(rows(transformImages(image, [{ flip: false, dy: 1, dx: 1 }]))).toEqual([[0, 0, 0, 0], [0, 1, 2, 3], [0, 11, 12, 13]]);
    // mirrored first, then moved left by 2
    expect(rows(transformImages(image, [{ flip: true, dy: -1, dx: -2 }]))).toEqual([[12, 11, 0, 0], [22, 21, 0, 0], [0, 0, 0, 0]]);
  });

  it('keeps channels together and leaves its input untouched', () => {
    const rgb = { data: Uint8Array.from([1, 2, 3, 4, 5, 6]), count: 1, height: 1, width: 2, channels: 3 };
    expect([...transformImages(rgb, [{ flip: true, dy: 0, dx: 0 }])]).toEqual([4, 5, 6, 1, 2, 3]);
    expect([...rgb.data]).toEqual([1, 2, 3, 4, 5, 6]);
    expect(() => transformImages(rgb, [])).toThrow(/0 transforms for 1 images/);
  });

  it('draws from (seed, step): replayable, within the shift, half the images mirrored', () => {
    const augment = trainingAugmentSchema.parse({});
    const side = { height: 32, width: 32 };
    const draws = drawTransforms(augment, 4000, side, 7, 12);
    expect(drawTransforms(augment, 4000, side, 7, 12)).toEqual(draws);
    expect(drawTransforms(augment, 4000, side, 7, 13)).not.toEqual(draws);
    expect(Math.max(...draws.map((t) => Math.max(Math.abs(t.dx), Math.abs(t.dy))))).toBe(4);
    const offsets = new Set(draws.map((t) => `${t.dy},${t.dx}`));
    expect(offsets.size).toBe(81);
    const mirrored = draws.filter((t) => t.flip).length / draws.length;
    expect(mirrored).toBeGreaterThan(0.45);
    expect(mirrored).toBeLessThan(0.55);
    expect(drawTransforms({ flip: false, shift: 0 }, 50, side, 7, 12).every((t) => !t.flip && t.dx === 0 && t.dy === 0)).toBe(true);
  });
});
