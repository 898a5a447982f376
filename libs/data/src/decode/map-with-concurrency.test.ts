import { describe, expect, it } from 'vitest';
import { mapWithConcurrency } from './map-with-concurrency.js';

describe('mapWithConcurrency', () => {
  it('keeps input order and never exceeds the limit in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const progress: number[] = [];
    const out = await mapWithConcurrency(
      [5, 1, 4, 2, 3, 0, 6],
      3,
      async (delay, index) => {
        peak = Math.max(peak, ++inFlight);
        await new Promise((r) => setTimeout(r, delay));
        inFlight--;
        return index * 10;
      },
      (done) => progress.push(done),
    );
    expect(out).toEqual([0, 10, 20, 30, 40, 50, 60]);
    expect(peak).toBe(3);
    expect(progress).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('rejects a bad limit and propagates task failures', async () => {
    await expect(mapWithConcurrency([1], 0, async (x) => x)).rejects.toThrow(/positive integer/);
    await expect(mapWithConcurrency([1, 2], 2, async (x) => { if (x === 2) throw new Error('boom'); return x; })).rejects.toThrow('boom');
  });
});
