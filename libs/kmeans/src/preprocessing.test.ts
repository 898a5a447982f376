import { describe, expect, it } from 'vitest';
import { symmetricEigen, topSymmetricEigen } from './eigen.js';
import { WasmMatrixMultiplier } from './engine/wasm-gemm.js';
import { toRowBlocks } from './matrix.js';
import { applyPreprocessing, fitPreprocessing } from './preprocessing.js';
import { Xoshiro128Float53 } from '@ktlab/random';

/** Correlated data: z·A for standard normal z and a fixed random mixing matrix A. */
function correlatedData(rows: number, dims: number, seed: number): Float32Array {
  const random = new Xoshiro128Float53(seed);
  const mixing = Float64Array.from({ length: dims * dims }, () => random.nextNormal());
  const out = new Float32Array(rows * dims);
  const z = new Float64Array(dims);
  for (let r = 0; r < rows; r++) {
    for (let p = 0; p < dims; p++) z[p] = random.nextNormal() * (p + 1);
    for (let q = 0; q < dims; q++) {
      let sum = 3;
      for (let p = 0; p < dims; p++) sum += z[p] * mixing[p * dims + q];
      out[r * dims + q] = sum;
    }
  }
  return out;
}

function covariance(rows: Float32Array, dims: number): Float64Array {
  const n = rows.length / dims;
  const mean = new Float64Array(dims);
  for (let r = 0; r < n; r++) for (let p = 0; p < dims; p++) mean[p] += rows[r * dims + p] / n;
  const cov = new Float64Array(dims * dims);
  for (let r = 0; r < n; r++) {
    for (let p = 0; p < dims; p++) {
      for (let q = 0; q < dims; q++) cov[p * dims + q] += ((rows[r * dims + p] - mean[p]) * (rows[r * dims + q] - mean[q])) / (n - 1);
    }
  }
  return cov;
}

describe('symmetricEigen', () => {
  it('diagonalises a symmetric matrix: A·v = λ·v with orthonormal v, λ descending', () => {
    const d = 7;
    const random = new Xoshiro128Float53(4);
    const a = new Float64Array(d * d);
    for (let i = 0; i < d; i++) for (let j = i; j < d; j++) a[i * d + j] = a[j * d + i] = random.nextNormal();
    const { values, vectors } = symmetricEigen(a, d);
    for (let k = 0; k < d; k++) {
      if (k > 0) expect(values[k]).toBeLessThanOrEqual(values[k - 1]);
      for (let i = 0; i < d; i++) {
        let av = 0;
        for (let j = 0; j < d; j++) av += a[i * d + j] * vectors[k * d + j];
        expect(av).toBeCloseTo(values[k] * vectors[k * d + i], 9);
      }
      for (let m = 0; m < d; m++) {
        let dot = 0;
        for (let j = 0; j < d; j++) dot += vectors[k * d + j] * vectors[m * d + j];
        expect(dot).toBeCloseTo(k === m ? 1 : 0, 9);
      }
    }
  });
});

describe('topSymmetricEigen', () => {
  it('subspace iteration finds the same leading eigenpairs as Jacobi', () => {
    const d = 60;
    const data = correlatedData(400, d, 9);
    const cov = covariance(data, d);
    const multiplier = new WasmMatrixMultiplier();
    const multiply = (a: Float32Array, b: Float32Array, dims: number) => multiplier.multiplyTransposed(a, b, dims);
    const exact = topSymmetricEigen(cov, d, 5, { multiply });
    const iterated = topSymmetricEigen(cov, d, 5, { multiply, forceSubspace: true, iterations: 60 });
    for (let k = 0; k < 5; k++) {
      expect(iterated.values[k] / exact.values[k]).toBeCloseTo(1, 3);
      let dot = 0;
      for (let p = 0; p < d; p++) dot += iterated.vectors[k * d + p] * exact.vectors[k * d + p];
      expect(Math.abs(dot)).toBeCloseTo(1, 3);
    }
  });
});

describe('preprocessing', () => {
  const dims = 12;
  const data = correlatedData(3000, dims, 1);

  it('PCA-whitening gives the training set identity covariance in d′ dims', () => {
    const pre = fitPreprocessing(toRowBlocks(data, dims), { pcaDims: 8 }, new Xoshiro128Float53(0));
    const mapped = applyPreprocessing(pre, data);
    expect(mapped.length).toBe(3000 * 8);
    const cov = covariance(mapped, 8);
    for (let p = 0; p < 8; p++) for (let q = 0; q < 8; q++) expect(cov[p * 8 + q]).toBeCloseTo(p === q ? 1 : 0, 3);
    for (let j = 1; j < 8; j++) expect(pre.pca!.eigenvalues[j]).toBeLessThanOrEqual(pre.pca!.eigenvalues[j - 1]);
  });

  it('without whitening keeps the variances (the eigenvalues) on the axes', () => {
    const pre = fitPreprocessing(toRowBlocks(data, dims), { pcaDims: 4, whiten: false }, new Xoshiro128Float53(0));
    const cov = covariance(applyPreprocessing(pre, data), 4);
    for (let p = 0; p < 4; p++) expect(cov[p * 4 + p] / pre.pca!.eigenvalues[p]).toBeCloseTo(1, 3);
  });

  it('L2 normalisation makes every row unit length', () => {
    const pre = fitPreprocessing(toRowBlocks(data, dims), { pcaDims: 5, l2Normalize: true }, new Xoshiro128Float53(0));
    const mapped = applyPreprocessing(pre, data.subarray(0, 20 * dims));
    for (let r = 0; r < 20; r++) {
      let norm = 0;
      for (let p = 0; p < 5; p++) norm += mapped[r * 5 + p] ** 2;
      expect(norm).toBeCloseTo(1, 5);
    }
  });

  it('rejects more PCA dims than input dims', () => {
    expect(() => fitPreprocessing(toRowBlocks(data, dims), { pcaDims: 13 }, new Xoshiro128Float53(0))).toThrow(/pcaDims/);
  });
});
