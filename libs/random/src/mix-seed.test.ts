import { describe, expect, it } from 'vitest';
import { mixSeed } from './mix-seed';

describe('mixSeed', () => {
  it('separates nearby and high-word seeds and is order sensitive', () => {
    const seeds = new Set([mixSeed(1, 0), mixSeed(1, 1), mixSeed(2, 0), mixSeed(0, 1), mixSeed(1 + 2 ** 32, 0)]);
    expect(seeds.size).toBe(5);
    expect(mixSeed(5, 6)).toBe(mixSeed(5, 6));
  });

  it('keeps the seeds that earlier runs were derived with', () => {
    expect(mixSeed(7, 3)).toBe(3096040352);
    expect(mixSeed(2 ** 40 + 5)).toBe(1704676429);
  });

  it('rejects non-integer seed words', () => {
    expect(() => mixSeed(1.5)).toThrow(/safe integers/);
  });
});
