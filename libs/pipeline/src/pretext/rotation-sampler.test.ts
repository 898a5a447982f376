import { describe, expect, it } from 'vitest';
import { ROTATIONS, rotateSquare, rotationBatch } from './rotation-sampler';

/** Every pixel different (no symmetry a wrong rotation could hide behind): value = 3 × position + channel. */
function distinctImages(count: number, size: number, channels = 3): { data: Uint8Array; count: number; height: number; width: number; channels: number } {
  const bytes = size * size * channels;
  const data = Uint8Array.from({ length: count * bytes }, (_, i) => (i * 7 + Math.floor(i / bytes) * 31) % 251);
  return { data, count, height: size, width: size, channels };
}

const pixel = (image: Uint8Array, size: number, y: number, x: number) => Array.from(image.subarray((y * size + x) * 3, (y * size + x + 1) * 3));

describe('rotateSquare', () => {
  it('turns clockwise: 90° puts the top-left pixel at the top right, 180° at the bottom right, 270° at the bottom left', () => {
    const size = 5;
    const image = distinctImages(1, size).data;
    const corner = pixel(image, size, 0, 0);
    expect(pixel(rotateSquare(image, size, 3, 0), size, 0, 0)).toEqual(corner);
    expect(pixel(rotateSquare(image, size, 3, 1), size, 0, size - 1)).toEqual(corner);
    expect(pixel(rotateSquare(image, size, 3, 2), size, size - 1, size - 1)).toEqual(corner);
    expect(pixel(rotateSquare(image, size, 3, 3), size, size - 1, 0)).toEqual(corner);
    // A pixel off every axis of symmetry: (row 1, col 3) goes to (row 3, col 3) under a quarter turn clockwise.
    expect(pixel(rotateSquare(image, size, 3, 1), size, 3, 3)).toEqual(pixel(image, size, 1, 3));
  });

  it('rotating back by the remaining turns gives the original, and no turn but 0 leaves it unchanged', () => {
    const size = 6;
    const image = distinctImages(1, size).data;
    for (let turns = 0; turns < ROTATIONS; turns++) {
      const rotated = rotateSquare(image, size, 3, turns);
      expect(rotateSquare(rotated, size, 3, ROTATIONS - turns)).toEqual(image);
      expect(rotateSquare(rotated, size, 3, -turns)).toEqual(image);
      if (turns > 0) expect(rotated).not.toEqual(image);
    }
  });

  it('refuses an image of the wrong size', () => {
    expect(() => rotateSquare(new Uint8Array(10), 2, 3, 1)).toThrow(/expected 2×2×3 bytes, got 10/);
  });
});

describe('rotationBatch', () => {
  it('gives each image in all four rotations, each labelled with the rotation applied', () => {
    const size = 4;
    const images = distinctImages(5, size);
    const bytes = size * size * 3;
    const indices = Int32Array.from([3, 0, 4]);
    const batch = rotationBatch(images, indices);
    expect(batch.size).toBe(indices.length * ROTATIONS);
    expect(Array.from(batch.labels)).toEqual([0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3]);
    for (let example = 0; example < batch.size; example++) {
      const original = images.data.subarray(indices[Math.floor(example / ROTATIONS)] * bytes, (indices[Math.floor(example / ROTATIONS)] + 1) * bytes);
      const shown = batch.images.subarray(example * bytes, (example + 1) * bytes);
      const label = batch.labels[example];
      // The label is the rotation that was applied: applying it to the original gives the example…
      expect(shown).toEqual(rotateSquare(original, size, 3, label));
      // …and turning the example back by it gives the original.
      expect(rotateSquare(shown, size, 3, -label)).toEqual(original);
    }
  });

  it('refuses non-square images and indices outside the set', () => {
    expect(() => rotationBatch({ ...distinctImages(1, 4), width: 5 }, Int32Array.from([0]))).toThrow(/square images, got 5×4/);
    expect(() => rotationBatch(distinctImages(2, 4), Int32Array.from([2]))).toThrow(/image 2 is out of range/);
  });
});
