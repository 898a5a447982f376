/**
 * Optional feature preprocessing before clustering (as in DeepCluster): PCA to d' dimensions with whitening,
 * then L2 normalisation. Fitted on the training set and stored with the centroids, so that any other dataset
 * is mapped the same way before assignment.
 */
import { topSymmetricEigen } from './eigen.js';
import { sharedMatrixMultiplier } from './engine/wasm-gemm.js';
import { forEachBlock, type RowBlocks } from './matrix.js';
import type { Xoshiro128Float53 } from '@ktlab/random';

export interface PcaTransform {
  /** Mean of the training features (inputDims). */
  mean: Float32Array;
  /** outputDims×inputDims projection; rows are principal axes, divided by √(λ+ε) when whitening. */
  projection: Float32Array;
  /** Variances along the kept axes, descending. */
  eigenvalues: Float32Array;
  whiten: boolean;
}

export interface Preprocessing {
  inputDims: number;
  outputDims: number;
  pca?: PcaTransform;
  l2Normalize: boolean;
}

export interface PreprocessingOptions {
  /** Keep this many principal components (omit for no PCA). */
  pcaDims?: number;
  /** Scale each component to unit variance (default true when pcaDims is set). */
  whiten?: boolean;
  /** L2-normalise each row after PCA (default false). */
  l2Normalize?: boolean;
  /** Rows used to estimate the covariance (a random subset when the training set is larger; default 50,000). */
  pcaSampleSize?: number;
}

/** Regularises 1/√λ for near-zero variances: ε = WHITEN_EPSILON·λ_max. */
const WHITEN_EPSILON = 1e-8;

export function fitPreprocessing(training: RowBlocks, options: PreprocessingOptions, random: Xoshiro128Float53): Preprocessing {
  const inputDims = training.dims;
  if (options.pcaDims === undefined) {
    return { inputDims, outputDims: inputDims, l2Normalize: options.l2Normalize ?? false };
  }
  const outputDims = options.pcaDims;
  if (!Number.isInteger(outputDims) || outputDims < 1 || outputDims > inputDims) {
    throw new RangeError(`pcaDims must be an integer in [1, ${inputDims}], got ${outputDims}`);
  }
  const pca = fitPca(training, outputDims, options.whiten ?? true, options.pcaSampleSize ?? 50_000, random);
  return { inputDims, outputDims, pca, l2Normalize: options.l2Normalize ?? false };
}

function fitPca(training: RowBlocks, outputDims: number, whiten: boolean, sampleSize: number, random: Xoshiro128Float53): PcaTransform {
  const d = training.dims;
  if (training.rows < 2) throw new RangeError('PCA needs at least 2 training rows');
  // Covariance over a row subset; `keep` marks the rows used.
  const keep = new Uint8Array(training.rows);
  if (training.rows <= sampleSize) keep.fill(1);
  else for (const row of random.sampleIndices(training.rows, sampleSize)) keep[row] = 1;
  const mean = new Float64Array(d);
  let used = 0;
  forEachBlock(training, (block, firstRow) => {
    const rows = block.length / d;
    for (let r = 0; r < rows; r++) {
      if (!keep[firstRow + r]) continue;
      used++;
      for (let p = 0; p < d; p++) mean[p] += block[r * d + p];
    }
  });
  for (let p = 0; p < d; p++) mean[p] /= used;
  // Covariance as Σ over chunks of Tᵀ-style Gram products: T holds a chunk of centred rows transposed
  // (d × chunk), so T·Tᵀ is that chunk's d×d scatter, computed by the SIMD kernel and summed in float64.
  const multiplier = sharedMatrixMultiplier();
  const covariance = new Float64Array(d * d);
  const chunkRows = 256;
  const transposed = new Float32Array(d * chunkRows);
  let filled = 0;
  const flush = (): void => {
    if (filled === 0) return;
    const chunk = filled === chunkRows ? transposed : compactColumns(transposed, d, chunkRows, filled);
    const scatter = multiplier.multiplyTransposed(chunk, chunk, filled);
    for (let i = 0; i < d * d; i++) covariance[i] += scatter[i];
    filled = 0;
  };
  forEachBlock(training, (block, firstRow) => {
    const rows = block.length / d;
    for (let r = 0; r < rows; r++) {
      if (!keep[firstRow + r]) continue;
      for (let p = 0; p < d; p++) transposed[p * chunkRows + filled] = block[r * d + p] - mean[p];
      if (++filled === chunkRows) flush();
    }
  });
  flush();
  for (let i = 0; i < d * d; i++) covariance[i] /= used - 1;
  for (let p = 0; p < d; p++) for (let q = p + 1; q < d; q++) covariance[p * d + q] = covariance[q * d + p] = (covariance[p * d + q] + covariance[q * d + p]) / 2;
  const { values, vectors } = topSymmetricEigen(covariance, d, outputDims, {
    multiply: (a, b, dims) => multiplier.multiplyTransposed(a, b, dims),
    seed: random.nextUint32(),
  });
  const epsilon = WHITEN_EPSILON * Math.max(values[0], 0);
  const projection = new Float32Array(outputDims * d);
  const eigenvalues = new Float32Array(outputDims);
  for (let j = 0; j < outputDims; j++) {
    const variance = Math.max(values[j], 0);
    eigenvalues[j] = variance;
    const scale = whiten ? 1 / Math.sqrt(variance + epsilon) : 1;
    for (let p = 0; p < d; p++) projection[j * d + p] = vectors[j * d + p] * scale;
  }
  return { mean: Float32Array.from(mean), projection, eigenvalues, whiten };
}

/** True when `applyPreprocessing` would return its input unchanged. */
export function isIdentityPreprocessing(preprocessing: Preprocessing): boolean {
  return !preprocessing.pca && !preprocessing.l2Normalize;
}

/** Maps rows (row-major, inputDims columns) to outputDims columns; returns `rows` itself for the identity. */
export function applyPreprocessing(preprocessing: Preprocessing, rows: Float32Array): Float32Array {
  const { inputDims, outputDims, pca } = preprocessing;
  if (rows.length % inputDims !== 0) throw new RangeError(`rows have ${rows.length} values, not a multiple of ${inputDims}`);
  if (isIdentityPreprocessing(preprocessing)) return rows;
  const count = rows.length / inputDims;
  let out = rows;
  if (pca) {
    // Centre first (not W·x − W·μ): whitening scales small-variance axes up, which would amplify cancellation.
    const centered = new Float32Array(rows.length);
    for (let r = 0; r < count; r++) for (let p = 0; p < inputDims; p++) centered[r * inputDims + p] = rows[r * inputDims + p] - pca.mean[p];
    out = sharedMatrixMultiplier().multiplyTransposed(centered, pca.projection, inputDims);
  }
  if (preprocessing.l2Normalize) {
    if (out === rows) out = rows.slice();
    for (let r = 0; r < count; r++) {
      const base = r * outputDims;
      let norm = 0;
      for (let p = 0; p < outputDims; p++) norm += out[base + p] * out[base + p];
      if (norm === 0) continue;
      const scale = 1 / Math.sqrt(norm);
      for (let p = 0; p < outputDims; p++) out[base + p] *= scale;
    }
  }
  return out;
}

/** The first `used` columns of a d×stride row-major matrix, as a d×used matrix. */
function compactColumns(matrix: Float32Array, d: number, stride: number, used: number): Float32Array {
  const out = new Float32Array(d * used);
  for (let p = 0; p < d; p++) out.set(matrix.subarray(p * stride, p * stride + used), p * used);
  return out;
}
