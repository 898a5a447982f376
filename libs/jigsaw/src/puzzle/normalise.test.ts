import { describe, expect, it } from 'vitest';
import { Xoshiro128 } from '@ktlab/random';
import { normaliseTiles } from './normalise';

function channelStats(data: Float32Array, start: number, length: number, channel: number, channels: number) {
  let sum = 0;
  let squares = 0;
  let n = 0;
  for (let i = start + channel; i < start + length; i += channels, n++) {
    sum += data[i]!;
    squares += data[i]! * data[i]!;
  }
  const mean = sum / n;
  return { mean, std: Math.sqrt(squares / n - mean * mean) };
}

describe('normaliseTiles', () => {
  it('gives each tile and channel mean 0 and std 1', () => {
    const rng = new Xoshiro128(4);
    const tiles = 5;
    const pixels = 49;
    // Each channel of each tile gets its own offset and spread so only per-tile, per-channel stats can fix it.
    const data = new Float32Array(tiles * pixels * 3).map((_, i) => (i % 3) * 40 + Math.floor(i / 147) * 3 + rng.nextFloat() * (1 + (i % 3) * 10));
    normaliseTiles(data, tiles, pixels, 3);
    for (let t = 0; t < tiles; t++) {
      for (let c = 0; c < 3; c++) {
        const { mean, std } = channelStats(data, t * pixels * 3, pixels * 3, c, 3);
        expect(mean).toBeCloseTo(0, 5);
        expect(std).toBeCloseTo(1, 4);
      }
    }
  });

  it('centres a flat channel without dividing by its zero std', () => {
    const data = new Float32Array(4 * 3);
    for (let p = 0; p < 4; p++) data.set([200, p, 7], p * 3);
    normaliseTiles(data, 1, 4, 3);
    for (let p = 0; p < 4; p++) {
      expect(data[p * 3]).toBe(0);
      expect(data[p * 3 + 2]).toBe(0);
    }
    expect(Array.from(data).every(Number.isFinite)).toBe(true);
  });

  it('rejects a buffer too small for the tiles', () => {
    expect(() => normaliseTiles(new Float32Array(10), 1, 4, 3)).toThrow(/need 12 values, got 10/);
  });
});
