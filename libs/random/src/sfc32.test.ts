import { describe, expect, it } from 'vitest';
import { Sfc32 } from './sfc32';

describe('Sfc32', () => {
  it('repeats for a seed, differs across seeds, and stays in range', () => {
    const draw = (seed: number) => {
      const random = new Sfc32(seed);
      return Array.from({ length: 5 }, () => random.nextFloat());
    };
    expect(draw(1)).toEqual(draw(1));
    expect(draw(1)).not.toEqual(draw(2));
    const random = new Sfc32(3);
    for (let i = 0; i < 1000; i++) {
      const v = random.nextFloat();
      expect(v >= 0 && v < 1).toBe(true);
    }
  });

  it('keeps the stream that earlier dataset splits were drawn with', () => {
    // Values recorded from the data-splits generator before it moved here; a change would move images between splits.
    const random = new Sfc32(2018);
    expect([random.nextFloat(), random.nextFloat()]).toEqual([0.6714382811915129, 0.7584888399578631]);
    expect([random.nextInt(1000), random.nextInt(7)]).toEqual([300, 4]);
    expect(new Sfc32(2 ** 40 + 5).nextFloat()).toBe(0.4432733869180083);
  });

  it('gives roughly uniform integers', () => {
    const random = new Sfc32(11);
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 60000; i++) counts[random.nextInt(6)]++;
    for (const count of counts) expect(Math.abs(count - 10000)).toBeLessThan(400);
  });

  it('rejects seeds and bounds it cannot honour', () => {
    expect(() => new Sfc32(0.5)).toThrow(/safe integer/);
    expect(() => new Sfc32(1).nextInt(0)).toThrow(/bound must be an integer/);
  });
});
