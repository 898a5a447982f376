/**
 * Loads the compiled Lloyd kernels (libs/kmeans/wasm/lloyd_{fma,simd}.wasm, built from ../../assembly by
 * `npm run build:wasm`). The fused variant needs relaxed SIMD, which Node 20's V8 only validates behind a
 * flag; we switch the flag on when needed and fall back to plain SIMD when the module still does not validate.
 */
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';

export type KernelVariant = 'fma' | 'simd';

export interface LloydKernelExports {
  packCentroids(centroids: number, k: number, d: number, packed: number, norms: number): void;
  assignRows(
    x: number, d: number, rowStart: number, rowEnd: number, packed: number, norms: number, k: number,
    labels: number, distances: number, scratch: number,
  ): void;
  accumulateColumns(
    x: number, d: number, rows: number, labels: number, colStart: number, colEnd: number, sums: number,
    counts: number,
  ): void;
  updateMinDistances(x: number, d: number, rows: number, center: number, minDistances: number): void;
  multiplyTransposed(
    a: number, d: number, rowStart: number, rowEnd: number, packed: number, n: number, out: number, outStride: number,
    accumulate: number, scratch: number,
  ): void;
}

export interface LloydKernel {
  readonly variant: KernelVariant;
  readonly module: WebAssembly.Module;
}

const compiled = new Map<KernelVariant, LloydKernel | Error>();

function wasmPath(variant: KernelVariant): string {
  return fileURLToPath(new URL(`../../wasm/lloyd_${variant}.wasm`, import.meta.url));
}

function tryCompile(variant: KernelVariant): LloydKernel | Error {
  const cached = compiled.get(variant);
  if (cached) return cached;
  const path = wasmPath(variant);
  let result: LloydKernel | Error;
  if (!existsSync(path)) {
    result = new Error(`k-means kernel ${path} is missing; build it with \`npm run build:wasm\``);
  } else {
    const bytes = readFileSync(path);
    if (variant === 'fma' && !WebAssembly.validate(bytes)) v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
    if (!WebAssembly.validate(bytes)) {
      result = new Error(`this runtime cannot validate the ${variant} k-means kernel (needs WASM SIMD${variant === 'fma' ? ' + relaxed SIMD' : ''})`);
    } else {
      // Compile every function straight to optimised code: the kernel runs for seconds from its first call,
      // and a lazily compiled baseline (Liftoff) first call runs about twice as slow. The flags are restored
      // so other wasm modules in the process keep V8's defaults.
      v8.setFlagsFromString('--no-liftoff');
      v8.setFlagsFromString('--no-wasm-lazy-compilation');
      try {
        result = { variant, module: new WebAssembly.Module(bytes) };
      } finally {
        v8.setFlagsFromString('--wasm-lazy-compilation');
        v8.setFlagsFromString('--liftoff');
      }
    }
  }
  compiled.set(variant, result);
  return result;
}

/** The requested kernel; `auto` picks the fused one when the runtime supports it. */
export function loadLloydKernel(variant: KernelVariant | 'auto' = 'auto'): LloydKernel {
  if (variant === 'auto') {
    const fused = tryCompile('fma');
    return fused instanceof Error ? loadLloydKernel('simd') : fused;
  }
  const kernel = tryCompile(variant);
  if (kernel instanceof Error) throw kernel;
  return kernel;
}

/** Instantiates the kernel on `memory` (shared, so every thread's instance sees the same data). */
export function instantiateKernel(kernel: LloydKernel, memory: WebAssembly.Memory): LloydKernelExports {
  const instance = new WebAssembly.Instance(kernel.module, { env: { memory } });
  return instance.exports as unknown as LloydKernelExports;
}
