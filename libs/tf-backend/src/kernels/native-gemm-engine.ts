/**
 * Which engine ktlab-wasm's convolutions and matrix products run on: a native library at the CPU's full vector
 * width (oneDNN's convolutions, native/onednn.ts; OpenBLAS's GEMM, native/openblas.ts) or ktlab's own WASM
 * SIMD kernels. Set once when the backend registers; tests and the kernel-shape profile switch it to compare
 * the engines in one process.
 */
import type { OneDnn } from '../native/onednn.js';
import type { NativeGemm } from '../native/openblas.js';
import type { DirectConvGeometry } from './direct-conv.js';

export type ConvPass = 'forward' | 'backward-data' | 'backward-weights';
export type ConvEngineName = 'onednn' | 'openblas' | 'wasm';

/** The engine for one convolution call: oneDNN, OpenBLAS (im2col + GEMM) or, undefined, ktlab's own kernels. */
export type ConvEngine = { name: 'onednn'; dnn: OneDnn } | { name: 'openblas'; gemm: NativeGemm } | undefined;

let active: NativeGemm | undefined;
let activeDnn: OneDnn | undefined;
/** Every convolution on this engine (when loaded), whatever the rule says: tests and measurements. */
let forcedConvEngine: ConvEngineName | undefined;

export function activeNativeGemm(): NativeGemm | undefined {
  return active;
}

export function activeOneDnn(): OneDnn | undefined {
  return activeDnn;
}

/** Training-mode batch norm on oneDNN when it is loaded (ops/batch-norm-training.ts); off: tfjs's composed ops. */
let batchNormOnOneDnn = true;

/** oneDNN when training-mode batch norm runs on it: loaded, and not switched off by `useOneDnnBatchNorm(false)`. */
export function oneDnnForBatchNorm(): OneDnn | undefined {
  return batchNormOnOneDnn ? activeDnn : undefined;
}

/** Switches oneDNN's batch norm on (default) or off: measurements compare a step both ways in one process. */
export function useOneDnnBatchNorm(enabled: boolean): void {
  batchNormOnOneDnn = enabled;
}

/**
 * Convolutions whose reduction (kh·kw·ci) is shorter than this stay off OpenBLAS: for conv1 on RGB (K = 75)
 * ktlab's own forward pass and filter gradient measured 1.4–2.6× faster than im2col + GEMM, whose cost there is
 * the im2col copy; from K ≈ 600 on the GEMM is as fast or (wide layers) 1.5–2.5× faster.
 */
export const MIN_NATIVE_CONV_REDUCTION = 128;

let minConvReduction = MIN_NATIVE_CONV_REDUCTION;

/**
 * Whether oneDNN runs `pass` of the convolution `g` when OpenBLAS is loaded too (without OpenBLAS oneDNN runs
 * every pass: it beat ktlab's wasm kernels on nearly every shape). Measured per shape on the pipeline's nets
 * (libs/tf-backend/README.md, "oneDNN"): oneDNN's direct kernels win from 3×3 output pixels per image on; on
 * maps of 1-4 pixels (the deep layers of the VGG trunks) im2col + GEMM wins, and so it does for a forward pass
 * of few rows (batch × pixels < 4,096: the VGG target's 4×4 layers).
 */
export function oneDnnRunsConv(pass: ConvPass, g: DirectConvGeometry): boolean {
  const pixels = g.outHeight * g.outWidth;
  if (pixels < 9) return false;
  return pass !== 'forward' || g.batch * pixels >= 4096;
}

/** OpenBLAS core types whose SGEMM kernels use 512-bit vectors (`openblas_get_corename()`). */
const AVX512_OPENBLAS_CORES = ['skylakex', 'cooperlake', 'sapphirerapids'];

/**
 * Whether OpenBLAS runs narrower vectors than oneDNN: an AVX-512 oneDNN beside OpenBLAS's AVX2 kernels, as where
 * the machine sets OPENBLAS_CORETYPE=Haswell because the installed OpenBLAS predates its CPU (an AMD Zen 5). The
 * per-shape rule (`oneDnnRunsConv`) was measured with both at the full width; at half of it OpenBLAS lost the
 * small maps too: every convolution on oneDNN made the VGG-Jigsaw step 1.18×, the VGG step 1.16× and the quick
 * Jigsaw step 1.38× faster there, the AlexNet steps within noise (libs/tf-backend/README.md). Products stay on
 * OpenBLAS.
 */
export function openBlasNarrowerThanOneDnn(openBlasCore: string, oneDnnIsa: string): boolean {
  return oneDnnIsa.startsWith('avx512') && !AVX512_OPENBLAS_CORES.includes(openBlasCore.toLowerCase());
}

/** The engine for `pass` of the convolution `g`. */
export function convEngineFor(pass: ConvPass, g: DirectConvGeometry): ConvEngine {
  if (forcedConvEngine === 'wasm') return undefined;
  if (activeDnn && (forcedConvEngine === 'onednn' || (forcedConvEngine === undefined && (!active || oneDnnRunsConv(pass, g))))) return { name: 'onednn', dnn: activeDnn };
  if (!active || forcedConvEngine === 'onednn') return undefined;
  // Input gradients always: the wasm kernel for strided ones is the package's scalar loop.
  const k = g.filterHeight * g.filterWidth * g.inChannels;
  if (forcedConvEngine === 'openblas' || pass === 'backward-data' || k >= minConvReduction) return { name: 'openblas', gemm: active };
  return undefined;
}

export function useNativeGemm(gemm: NativeGemm | undefined): void {
  active = gemm;
}

/**
 * The libraries the backend loaded; `convs: 'onednn'` sends every convolution to oneDNN (KTLAB_NATIVE=onednn),
 * undefined chooses by the measured rule (oneDnnRunsConv).
 */
export function useNativeEngines(engines: { gemm?: NativeGemm; dnn?: OneDnn; convs?: ConvEngineName }): void {
  active = engines.gemm;
  activeDnn = engines.dnn;
  forcedConvEngine = engines.convs;
}

/**
 * Runs `body` with `gemm` as the active engine (undefined: ktlab's own kernels), then restores the previous one.
 * `minConvReduction` 0 sends every convolution to the GEMM (tests of the GEMM path on small shapes).
 */
export async function withNativeGemm<T>(gemm: NativeGemm | undefined, body: () => Promise<T>, options: { minConvReduction?: number } = {}): Promise<T> {
  const previous = { active, activeDnn, minConvReduction, forcedConvEngine };
  active = gemm;
  activeDnn = undefined;
  forcedConvEngine = undefined;
  minConvReduction = options.minConvReduction ?? minConvReduction;
  try {
    return await body();
  } finally {
    ({ active, activeDnn, minConvReduction, forcedConvEngine } = previous);
  }
}

/**
 * Runs `body` with every convolution on `engine` ('wasm': ktlab's own kernels) and the given libraries loaded
 * (matrix products keep running on `gemm` when given), then restores the previous state.
 */
export async function withConvEngine<T>(engine: ConvEngineName, libraries: { gemm?: NativeGemm; dnn?: OneDnn }, body: () => Promise<T>): Promise<T> {
  const previous = { active, activeDnn, minConvReduction, forcedConvEngine };
  active = libraries.gemm;
  activeDnn = libraries.dnn;
  forcedConvEngine = engine;
  try {
    return await body();
  } finally {
    ({ active, activeDnn, minConvReduction, forcedConvEngine } = previous);
  }
}

/**
 * Runs `body` with `dnn` in place of the loaded oneDNN (e.g. the same library with another layout:
 * `dnn.withLayout('any')`), the engines still chosen by the per-shape rule; then restores the previous one.
 */
export async function withOneDnn<T>(dnn: OneDnn, body: () => Promise<T>): Promise<T> {
  const previous = activeDnn;
  activeDnn = dnn;
  try {
    return await body();
  } finally {
    activeDnn = previous;
  }
}

/**
 * Runs `body` (synchronous: a tfjs predict) on kernels whose result for one image does not depend on the
 * other images of the call. OpenBLAS's result for one row of a product can depend on the other rows of the
 * call (its blocking and thread split follow the matrix size), so an image's conv features would depend on
 * the images batched with it. Feature extraction promises they do not — sharded extraction concatenates to
 * the whole bit for bit — so it runs without OpenBLAS: the forward convolutions on oneDNN when it is loaded
 * (each image's output is computed alone: the same bits at any batch, tested in onednn-conv.test.ts; every
 * forward convolution then runs there, so the engine does not depend on the batch either), else on ktlab's
 * own kernels. Training steps, whose batches are fixed by the run's seed, keep the engines' per-shape rule.
 */
export function withRowIndependentKernels<T>(body: () => T): T {
  const previous = { active, forcedConvEngine };
  active = undefined;
  forcedConvEngine = forcedConvEngine === 'wasm' ? 'wasm' : undefined;
  try {
    return body();
  } finally {
    ({ active, forcedConvEngine } = previous);
  }
}
