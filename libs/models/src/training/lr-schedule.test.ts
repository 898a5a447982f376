import { describe, expect, it } from 'vitest';
import { cosineLr, stepLr } from './lr-schedule.js';

describe('stepLr', () => {
  it('divides by 1/gamma at each milestone', () => {
    const lr = stepLr({ base: 0.01, milestones: [30, 10, 20] });
    expect([0, 9, 10, 19, 20, 30, 99].map(lr)).toEqual([0.01, 0.01, 0.001, 0.001, 0.01 * 0.01, 0.01 * 0.001, 0.01 * 0.001].map((v) => expect.closeTo(v, 12)));
  });
  it('rejects nonsense', () => {
    expect(() => stepLr({ base: 0, milestones: [] })).toThrow(/base/);
    expect(() => stepLr({ base: 0.1, milestones: [], gamma: 0 })).toThrow(/gamma/);
  });
});

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
  it('rejects a warm-up as long as the schedule', () => {
    expect(() => cosineLr({ base: 1, total: 10, warmup: 10 })).toThrow(/warmup/);
  });
});
