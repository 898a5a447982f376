import { describe, expect, it } from 'vitest';
import { Xoshiro128Float53 } from '@ktlab/random';
import { WasmMatrixMultiplier } from './wasm-gemm.js';

function naive(a: Float32Array, b: Float32Array, d: number): Float64Array {
  const rowsA = a.length / d;
  const rowsB = b.length / d;
  const out = new Float64Array(rowsA * rowsB);
  for (let i = 0; i < rowsA; i++) {
    for (let j = 0; j < rowsB; j++) {
      let sum = 0;
      for (let p = 0; p < d; p++) sum += a[i * d + p] * b[j * d + p];
      out[i * rowsB + j] = sum;
    }
  }
  return out;
}

describe('WasmMatrixMultiplier', () => {
  const random = new Xoshiro128Float53(12);
  const matrix = (rows: number, d: number) => Float32Array.from({ length: rows * d }, () => random.nextNormal());

  it.each([
    [7, 9, 13],
    [1, 1, 1],
    [33, 17, 64],
    [4, 8, 3],
  ])('A·Bᵀ matches a naive product for %i×%i rows, d=%i, and accumulates', (rowsA, rowsB, d) => {
    for (const variant of ['simd', 'auto'] as const) {
      const multiplier = new WasmMatrixMultiplier(variant);
      const a = matrix(rowsA, d);
      const b = matrix(rowsB, d);
      const expected = naive(a, b, d);
      const out = multiplier.multiplyTransposed(a, b, d);
      out.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 4));
      multiplier.multiplyTransposed(a, b, d, out, true);
      out.forEach((v, i) => expect(v).toBeCloseTo(2 * expected[i], 4));
    }
  });

  it('handles inputs larger than one staging chunk', () => {
    const multiplier = new WasmMatrixMultiplier('simd');
    const d = 3;
    const rowsA = 1_500_001; // > 16 MiB / (3·4 bytes) rows per chunk
    const a = new Float32Array(rowsA * d).fill(1);
    a[(rowsA - 1) * d] = 5;
    const out = multiplier.multiplyTransposed(a, Float32Array.from([1, 2, 3]), d);
    expect(out[0]).toBe(6);
    expect(out[rowsA - 1]).toBe(10);
  });
});
