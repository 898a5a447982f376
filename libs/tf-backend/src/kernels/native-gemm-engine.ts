/**
 * Whether ktlab-wasm's convolution and matrix-product kernels run on a native GEMM (OpenBLAS, see
 * native/openblas.ts) or on ktlab's own WASM SIMD kernels. Set once when the backend registers; tests switch it
 * to compare both paths in one process.
 */
import type { NativeGemm } from '../native/openblas.js';

let active: NativeGemm | undefined;

export function activeNativeGemm(): NativeGemm | undefined {
  return active;
}

export function useNativeGemm(gemm: NativeGemm | undefined): void {
  active = gemm;
}

/** Runs `body` with `gemm` as the active engine (undefined: ktlab's own kernels), then restores the previous one. */
export async function withNativeGemm<T>(gemm: NativeGemm | undefined, body: () => Promise<T>): Promise<T> {
  const previous = active;
  active = gemm;
  try {
    return await body();
  } finally {
    active = previous;
  }
}

/**
 * Runs `body` (synchronous: a tfjs predict) on ktlab's own kernels. OpenBLAS's result for one row of a product
 * can depend on the other rows of the call (its blocking and thread split follow the matrix size), so an
 * image's conv features would depend on the images batched with it. Feature extraction promises they do not —
 * sharded extraction concatenates to the whole bit for bit — so it runs here; training steps, whose batches
 * are fixed by the run's seed, keep the native GEMM.
 */
export function withRowIndependentKernels<T>(body: () => T): T {
  const previous = active;
  active = undefined;
  try {
    return body();
  } finally {
    active = previous;
  }
}
