/**
 * ktlab's AssemblyScript SIMD kernels (`libs/tf-backend/assembly/`, compiled to `libs/tf-backend/wasm/` by
 * `npx tsx tools/build/wasm.ts`), instantiated on the tfjs wasm module's own memory so that they read and
 * write tensors in place, at the heap offsets the backend hands out, with no copies. The kernels import
 * that (shared) memory and hold no data of their own, so they cannot disturb the Emscripten heap.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface AssemblyKernels {
  /** Transpose whose innermost axis stays innermost: runs of `run` elements; see assembly/transpose.ts. */
  copyRuns(x: number, out: number, d0: number, d1: number, d2: number, run: number, s0: number, s1: number, s2: number): void;
  /** Batched 2-D transposes of 4-byte elements in 4×4 SIMD blocks; see assembly/transpose.ts. */
  transposeTiles(
    x: number,
    out: number,
    outerA: number,
    outerB: number,
    rows: number,
    columns: number,
    inStrideA: number,
    inStrideB: number,
    outStrideA: number,
    outStrideB: number,
    inStrideJ: number,
    outStrideQ: number,
  ): void;
}

const MODULE_FILES = {
  copyRuns: 'transpose.wasm',
  transposeTiles: 'transpose.wasm',
} as const;

const compiled = new Map<string, WebAssembly.Module>();
const instances = new WeakMap<WebAssembly.Memory, AssemblyKernels>();

function compile(file: string): WebAssembly.Module {
  let module = compiled.get(file);
  if (module) return module;
  const path = fileURLToPath(new URL(`../../wasm/${file}`, import.meta.url));
  if (!existsSync(path)) {
    throw new Error(`ktlab-wasm kernel ${path} is missing: build it with \`npx tsx tools/build/wasm.ts\` (run by npm ci's postinstall)`);
  }
  module = new WebAssembly.Module(readFileSync(path));
  compiled.set(file, module);
  return module;
}

function instantiate<K extends keyof AssemblyKernels>(
  name: K,
  memory: WebAssembly.Memory,
  byFile: Map<string, WebAssembly.Instance>,
): AssemblyKernels[K] {
  const file = MODULE_FILES[name];
  let instance = byFile.get(file);
  if (!instance) {
    instance = new WebAssembly.Instance(compile(file), { env: { memory } });
    byFile.set(file, instance);
  }
  const exported = instance.exports[name];
  if (typeof exported !== 'function') throw new Error(`${MODULE_FILES[name]} does not export ${name}`);
  return exported as AssemblyKernels[K];
}

/** The kernels bound to `memory` (the tfjs wasm module's `wasmMemory`); instantiated once per memory. */
export function assemblyKernelsFor(memory: WebAssembly.Memory): AssemblyKernels {
  let kernels = instances.get(memory);
  if (!kernels) {
    const byFile = new Map<string, WebAssembly.Instance>();
    kernels = {
      copyRuns: instantiate('copyRuns', memory, byFile),
      transposeTiles: instantiate('transposeTiles', memory, byFile),
    };
    instances.set(memory, kernels);
  }
  return kernels;
}
