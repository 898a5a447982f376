import { describe, expect, it } from 'vitest';
import { createPermutationSet, permutationAt } from './permutation-set';

describe('createPermutationSet', () => {
  it('accepts permutations and gives views by index', () => {
    const set = createPermutationSet(Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 8, 7, 6, 5, 4, 3, 2, 1, 0]));
    expect(set.size).toBe(2);
    expect([...permutationAt(set, 1)]).toEqual([8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect(() => permutationAt(set, 2)).toThrow(/outside 0..1/);
  });

  it('names rows that are not permutations, repeated, or a ragged length', () => {
    expect(() => createPermutationSet(Uint8Array.from([0, 0, 2, 3, 4, 5, 6, 7, 8]))).toThrow(/permutation 0 is not/);
    expect(() => createPermutationSet(Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7, 9]))).toThrow(/not a permutation/);
    const twice = [0, 1, 2, 3, 4, 5, 6, 7, 8];
    expect(() => createPermutationSet(Uint8Array.from([...twice, ...twice]))).toThrow(/permutation 1 repeats/);
    expect(() => createPermutationSet(new Uint8Array(10))).toThrow(/multiple of 9/);
  });
});
