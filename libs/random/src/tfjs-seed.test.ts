import { describe, expect, it } from 'vitest';
import { TFJS_ZERO_SEED_STAND_IN, tfjsSeed } from './tfjs-seed';

describe('tfjsSeed', () => {
  it('replaces 0 (which tfjs treats as unseeded) and keeps every other seed', () => {
    expect(tfjsSeed(0)).toBe(TFJS_ZERO_SEED_STAND_IN);
    expect(tfjsSeed(1)).toBe(1);
    expect(tfjsSeed(2_000_000_999)).toBe(2_000_000_999);
    expect(tfjsSeed(undefined)).toBeUndefined();
    expect(TFJS_ZERO_SEED_STAND_IN).toBeGreaterThan(2_000_000 * 1000 + 999);
  });
});
