/**
 * Dense A·Bᵀ on the calling thread with the same register-blocked SIMD micro-kernel as the assignment, for
 * the preprocessing's heavy products (covariance, PCA projection, subspace iteration).
 */
import { createSharedMemory, ensureMemoryBytes, planRegions } from './shared-memory.js';
import { instantiateKernel, loadLloydKernel, type KernelVariant, type LloydKernelExports } from './wasm-kernel.js';

const ROW_BLOCK = 4;
const PANEL = 8;
/** Bound on the bytes of A rows and of output rows staged per call into the kernel. */
const CHUNK_BYTES = 16 * 2 ** 20;
const SCRATCH = 1024;

export class WasmMatrixMultiplier {
  private readonly memory = createSharedMemory();
  private readonly kernel: LloydKernelExports;

  constructor(variant: KernelVariant | 'auto' = 'auto') {
    this.kernel = instantiateKernel(loadLloydKernel(variant), this.memory);
  }

  /**
   * out = A·Bᵀ (or out += A·Bᵀ with `accumulate`) for row-major A (rowsA×d) and B (rowsB×d); out is
   * rowsA×rowsB, row-major.
   */
  multiplyTransposed(a: Float32Array, b: Float32Array, d: number, out?: Float32Array, accumulate = false): Float32Array {
    if (a.length % d !== 0 || b.length % d !== 0) throw new RangeError(`A (${a.length}) and B (${b.length}) must hold whole rows of ${d}`);
    const rowsA = a.length / d;
    const rowsB = b.length / d;
    const result = out ?? new Float32Array(rowsA * rowsB);
    if (result.length !== rowsA * rowsB) throw new RangeError(`out holds ${result.length} values, expected ${rowsA}×${rowsB}`);
    if (rowsA === 0 || rowsB === 0) return result;
    const paddedB = Math.ceil(rowsB / PANEL) * PANEL;
    const chunkRows = Math.max(ROW_BLOCK, Math.floor(Math.min(CHUNK_BYTES / (d * 4), CHUNK_BYTES / (rowsB * 4)) / ROW_BLOCK) * ROW_BLOCK);
    const { offsets, end } = planRegions({
      raw: rowsB * d * 4,
      packed: paddedB * d * 4,
      norms: paddedB * 4,
      a: chunkRows * d * 4,
      out: chunkRows * rowsB * 4,
    });
    ensureMemoryBytes(this.memory, end);
    const buffer = this.memory.buffer;
    new Float32Array(buffer, offsets.raw, rowsB * d).set(b);
    this.kernel.packCentroids(offsets.raw, rowsB, d, offsets.packed, offsets.norms);
    for (let first = 0; first < rowsA; first += chunkRows) {
      const count = Math.min(chunkRows, rowsA - first);
      const padded = Math.ceil(count / ROW_BLOCK) * ROW_BLOCK;
      const staged = new Float32Array(buffer, offsets.a, padded * d);
      staged.set(a.subarray(first * d, (first + count) * d));
      staged.fill(0, count * d);
      const outView = new Float32Array(buffer, offsets.out, padded * rowsB);
      if (accumulate) outView.set(result.subarray(first * rowsB, (first + count) * rowsB));
      this.kernel.multiplyTransposed(offsets.a, d, 0, padded, offsets.packed, rowsB, offsets.out, rowsB, accumulate ? 1 : 0, SCRATCH);
      result.set(outView.subarray(0, count * rowsB), first * rowsB);
    }
    return result;
  }
}

let shared: WasmMatrixMultiplier | undefined;
/** One multiplier per thread is enough: calls are synchronous. */
export function sharedMatrixMultiplier(): WasmMatrixMultiplier {
  shared ??= new WasmMatrixMultiplier();
  return shared;
}
