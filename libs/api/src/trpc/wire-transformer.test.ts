import superjson from 'superjson';
import { describe, expect, it } from 'vitest';
import { wireTransformer } from './wire-transformer';

describe('wireTransformer', () => {
  it('sends plain JSON as superjson would, without walking it', () => {
    const batch = { workerId: 'w', runId: 'r', series: [{ key: 'loss', steps: [0, 1, 2], values: [0.5, 1e300, -3], wallTimes: [1, 2, 3] }], flag: true, none: null };
    expect(wireTransformer.serialize(batch)).toEqual(superjson.serialize(batch));
    expect(wireTransformer.serialize(batch)).toEqual({ json: batch });
  });

  it('hands everything plain JSON would lose to superjson, and reads it back as sent', () => {
    const cases: unknown[] = [
      { values: [1, Number.NaN] },
      { values: [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY] },
      { zero: -0 },
      { at: new Date(0) },
      { points: [{ key: 'x', wallTime: new Date(5) }] },
      { maybe: undefined },
      [1, undefined],
      { big: 12n },
      { set: new Set([1]) },
      { map: new Map([['a', 1]]) },
    ];
    for (const value of cases) {
      const wire = wireTransformer.serialize(value);
      expect(wire).toEqual(superjson.serialize(value));
      expect(wireTransformer.deserialize(JSON.parse(JSON.stringify(wire)))).toEqual(value);
    }
  });
});
