import { describe, expect, it } from 'vitest';
import { Xoshiro128 } from '@ktlab/random';
import { applyColourMode, CHROMATIC_AXIS, ColourMode, colourModeFor } from './colour';

const dot = (a: readonly number[], b: readonly number[]) => a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!;

describe('colour modes', () => {
  const rng = new Xoshiro128(1);
  const pixels = Array.from({ length: 200 }, () => [rng.nextInt(256), rng.nextInt(256), rng.nextInt(256)] as [number, number, number]);

  it('projection removes the (1, −2, 1) component and keeps the orthogonal part', () => {
    for (const p of pixels) {
      const projected = applyColourMode(ColourMode.projection, p);
      expect(dot(projected, CHROMATIC_AXIS)).toBeCloseTo(0, 9);
      // p − projected is parallel to v: its component along v is all of it.
      const removed = [p[0] - projected[0], p[1] - projected[1], p[2] - projected[2]];
      const along = dot(p, CHROMATIC_AXIS) / 6;
      removed.forEach((r, c) => expect(r).toBeCloseTo(along * CHROMATIC_AXIS[c]!, 9));
      // A projection is idempotent.
      applyColourMode(ColourMode.projection, projected).forEach((v, c) => expect(v).toBeCloseTo(projected[c]!, 9));
    }
  });

  it('gray gives three equal channels of BT.601 luma; colour is unchanged', () => {
    expect(applyColourMode(ColourMode.gray, [255, 0, 0])).toEqual([0.299 * 255, 0.299 * 255, 0.299 * 255]);
    for (const p of pixels.slice(0, 20)) {
      const [r, g, b] = applyColourMode(ColourMode.gray, p);
      expect(r).toBe(g);
      expect(g).toBe(b);
      expect(applyColourMode(ColourMode.colour, p)).toEqual(p);
    }
  });

  it('draws modes with the configured probabilities', () => {
    expect(colourModeFor(0.49, 0.5, 0.25)).toBe(ColourMode.gray);
    expect(colourModeFor(0.5, 0.5, 0.25)).toBe(ColourMode.projection);
    expect(colourModeFor(0.74, 0.5, 0.25)).toBe(ColourMode.projection);
    expect(colourModeFor(0.75, 0.5, 0.25)).toBe(ColourMode.colour);
    expect(colourModeFor(0, 0, 0)).toBe(ColourMode.colour);
  });
});
