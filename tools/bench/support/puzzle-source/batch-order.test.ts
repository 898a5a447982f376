import { describe, expect, it } from 'vitest';
import { BatchOrder } from './batch-order';

describe('BatchOrder', () => {
  it('visits every image once per epoch, crossing epochs when N is not a multiple of B', () => {
    const order = new BatchOrder(3, 4, 10);
    const stream = Array.from({ length: 5 }, (_, i) => [...order.indicesOf(i)]).flat(); // 20 samples = 2 epochs
    expect([...stream.slice(0, 10)].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect([...stream.slice(10)].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(stream.slice(0, 10)).not.toEqual(stream.slice(10)); // each epoch reshuffled
  });

  it('depends only on (seed, batch index), in any query order', () => {
    const forward = new BatchOrder(7, 3, 11);
    const backward = new BatchOrder(7, 3, 11);
    const a = Array.from({ length: 9 }, (_, i) => [...forward.indicesOf(i)]);
    const b = Array.from({ length: 9 }, (_, i) => [...backward.indicesOf(8 - i)]).reverse();
    expect(b).toEqual(a);
    expect([...new BatchOrder(8, 3, 11).indicesOf(0)]).not.toEqual(a[0]);
  });

  it('names bad arguments', () => {
    expect(() => new BatchOrder(1, 0, 5)).toThrow(/batch size/);
    expect(() => new BatchOrder(1, 2, 0)).toThrow(/image count/);
    expect(() => new BatchOrder(1, 2, 5).indicesOf(-1)).toThrow(/non-negative/);
  });
});
