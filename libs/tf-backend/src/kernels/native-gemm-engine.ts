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
