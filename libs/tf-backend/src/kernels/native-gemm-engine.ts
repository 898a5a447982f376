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

/**
 * Convolutions whose reduction (kh·kw·ci) is shorter than this stay on ktlab's own kernels: for conv1 on RGB
 * (K = 75) its forward pass and filter gradient measured 1.4–2.6× faster than im2col + GEMM, whose cost there is
 * the im2col copy; from K ≈ 600 on the GEMM is as fast or (wide layers) 1.5–2.5× faster.
 */
export const MIN_NATIVE_CONV_REDUCTION = 128;

/** The native GEMM for a convolution with reduction length `k`, or undefined for ktlab's own kernel. */
export function nativeGemmForConv(k: number): NativeGemm | undefined {
  return k >= minConvReduction ? active : undefined;
}

let minConvReduction = MIN_NATIVE_CONV_REDUCTION;

export function useNativeGemm(gemm: NativeGemm | undefined): void {
  active = gemm;
}

/**
 * Runs `body` with `gemm` as the active engine (undefined: ktlab's own kernels), then restores the previous one.
 * `minConvReduction` 0 sends every convolution to the GEMM (tests of the GEMM path on small shapes).
 */
export async function withNativeGemm<T>(gemm: NativeGemm | undefined, body: () => Promise<T>, options: { minConvReduction?: number } = {}): Promise<T> {
  const previous = { active, minConvReduction };
  active = gemm;
  minConvReduction = options.minConvReduction ?? minConvReduction;
  try {
    return await body();
  } finally {
    ({ active, minConvReduction } = previous);
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
