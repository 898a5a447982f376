import { describe, expect, it } from 'vitest';
import { cosineLr } from './lr-schedule.js';

describe('cosineLr', () => {
  it('warms up linearly, then follows half a cosine from base to min', () => {
    const lr = cosineLr({ base: 1, total: 110, warmup: 10, min: 0.1 });
    expect(lr(0)).toBeCloseTo(1 / 11, 9);
    expect(lr(9)).toBeCloseTo(10 / 11, 9);
    expect(lr(10)).toBeCloseTo(1, 9);
    expect(lr(60)).toBeCloseTo(0.55, 9);
    expect(lr(110)).toBeCloseTo(0.1, 9);
    expect(lr(500)).toBeCloseTo(0.1, 9);
    const values = Array.from({ length: 100 }, (_, i) => lr(10 + i));
    expect(values.every((v, i) => i === 0 || v <= values[i - 1])).toBe(true);
  });
  it('without warm-up or floor: base/2 · (1 + cos(π · epoch / epochs)), the pipeline\'s per-epoch rate', () => {
    const lr = cosineLr({ base: 0.05, total: 4 });
    expect([0, 1, 2, 3, 4].map(lr)).toEqual([0, 1, 2, 3, 4].map((epoch) => 0.5 * 0.05 * (1 + Math.cos((Math.PI * epoch) / 4))));
    expect(lr(0)).toBe(0.05);
  });
  it('rejects a warm-up as long as the schedule, and a schedule of no length', () => {
    expect(() => cosineLr({ base: 1, total: 10, warmup: 10 })).toThrow(/warmup/);
    expect(() => cosineLr({ base: 1, total: 0 })).toThrow(/total/);
  });
});
