/**
 * The 'ktlab-wasm' TensorFlow.js backend: tfjs-backend-wasm's threaded-SIMD module loaded under Node with
 * real threads, every kernel of the wasm package, and ktlab kernels for what the package lacks or runs slowly.
 */
import * as tf from '@tensorflow/tfjs';
import * as tfWasm from '@tensorflow/tfjs-backend-wasm';
import { availableParallelism } from 'node:os';
import { PACKAGE_BACKEND } from '../kernels/kernel-runner.js';
import { ktlabKernelConfigs } from '../kernels/ktlab-kernels.js';
import { openBlasNarrowerThanOneDnn, useNativeEngines } from '../kernels/native-gemm-engine.js';
import { loadOneDnn, type OneDnn } from '../native/onednn.js';
import { batchNormTrainingGradConfig } from '../ops/batch-norm-training.js';
import { loadOpenBlas, type NativeGemm } from '../native/openblas.js';
import { loadThreadedSimdModule, type TfjsWasmModule } from './threaded-wasm-module.js';

export const KTLAB_WASM_BACKEND = 'ktlab-wasm';

/** Above the package's own 'wasm' (2) and 'cpu' (1): once registered, tfjs's automatic choice is ktlab-wasm. */
const KTLAB_WASM_PRIORITY = 3;

/** Emscripten pre-creates this many pthread workers; XNNPACK's pool cannot use more. */
export const MAX_WASM_THREADS = 8;

/**
 * Which native libraries the heavy kernels run on: 'auto' uses OpenBLAS and oneDNN where the host has them
 * (convolutions on oneDNN or OpenBLAS by the measured per-shape rule); 'openblas' requires OpenBLAS and leaves
 * oneDNN out; 'onednn' requires oneDNN and runs every convolution on it (matrix products on OpenBLAS when
 * present); 'off' runs ktlab's own kernels only.
 */
export type NativeChoice = 'auto' | 'openblas' | 'onednn' | 'off';

export const NATIVE_CHOICES: readonly NativeChoice[] = ['auto', 'openblas', 'onednn', 'off'];

export interface KtlabWasmRuntime {
  /** Threads XNNPACK's pool really uses, as the module reports it. */
  threads: number;
  simd: true;
  wasmModule: TfjsWasmModule;
  /** The native GEMM the convolutions and matrix products run on, if any. */
  native?: NativeGemm;
  /** Why no native GEMM is used (absent library, switched off, failed self-test). */
  nativeSkipped?: string;
  /** oneDNN, when the convolutions run on it (all of them, or by shape: `oneDnnConvs`). */
  oneDnn?: OneDnn;
  oneDnnConvs?: 'all' | 'by shape';
  /** Why every convolution runs on oneDNN when KTLAB_NATIVE did not ask for it. */
  oneDnnConvsWhy?: string;
  /** Why oneDNN is not used. */
  oneDnnSkipped?: string;
}

/** `KTLAB_NATIVE` chooses the native libraries: auto (default), openblas, onednn (each required), off. */
export function nativeChoiceFromEnvironment(value: string | undefined): NativeChoice {
  if (value === undefined || value === '') return 'auto';
  if ((NATIVE_CHOICES as readonly string[]).includes(value)) return value as NativeChoice;
  throw new Error(`KTLAB_NATIVE='${value}' is not a choice; use ${NATIVE_CHOICES.join(', ')}`);
}

/** "libdnnl2 is absent" style reason of a failed optional load, or a thrown error when `required`. */
async function loadOptional<T>(load: () => Promise<T>, required: string | undefined): Promise<{ library?: T; skipped?: string }> {
  try {
    return { library: await load() };
  } catch (error) {
    if (required) throw new Error(`${required}: ${(error as Error).message}`);
    return { skipped: (error as Error).message };
  }
}

let runtime: KtlabWasmRuntime | undefined;
let registration: Promise<KtlabWasmRuntime> | undefined;

/**
 * Gives 'ktlab-wasm' every kernel of the wasm package, with ktlab's in place of those it replaces. A ktlab
 * kernel inherits the package kernel's setup, because it falls back to the package kernel for some shapes and
 * that kernel's bindings into the module are created by its setup.
 */
function registerKernels(): void {
  const ktlabKernels = new Map(ktlabKernelConfigs(KTLAB_WASM_BACKEND).map((k) => [k.kernelName, k]));
  const registered = new Set(tf.getKernelsForBackend(KTLAB_WASM_BACKEND).map((k) => k.kernelName));
  const packageKernels = tf.getKernelsForBackend(PACKAGE_BACKEND);
  for (const kernel of packageKernels) {
    if (registered.has(kernel.kernelName)) continue;
    const replacement = ktlabKernels.get(kernel.kernelName);
    tf.registerKernel(replacement ? { ...replacement, setupFunc: kernel.setupFunc } : { ...kernel, backendName: KTLAB_WASM_BACKEND });
    registered.add(kernel.kernelName);
  }
  for (const kernel of ktlabKernels.values()) {
    if (!registered.has(kernel.kernelName)) tf.registerKernel(kernel);
  }
  // ktlab's own kernels with a gradient (the tape looks gradients up by kernel name, for every backend).
  if (!tf.getGradient(batchNormTrainingGradConfig.kernelName)) tf.registerGradient(batchNormTrainingGradConfig);
}

/** Thread count when none is asked for: every core, within the module's limit. */
export function defaultWasmThreads(): number {
  return Math.min(availableParallelism(), MAX_WASM_THREADS);
}

/**
 * Registers 'ktlab-wasm' (idempotent: the module and its thread pool exist once per process) and resolves
 * once the module is loaded. `threads` counts the calling thread too, as XNNPACK's pool does.
 */
export function registerKtlabWasmBackend(options: { threads?: number; priority?: number; native?: NativeChoice } = {}): Promise<KtlabWasmRuntime> {
  const threads = options.threads ?? defaultWasmThreads();
  const native = options.native ?? nativeChoiceFromEnvironment(process.env.KTLAB_NATIVE);
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_WASM_THREADS) {
    throw new Error(`ktlab-wasm threads must be an integer in 1..${MAX_WASM_THREADS}, got ${threads}`);
  }
  if (registration) {
    return registration.then((existing) => {
      if (existing.threads !== threads) {
        throw new Error(`ktlab-wasm is already running with ${existing.threads} threads; ${threads} requested (one pool per process)`);
      }
      return existing;
    });
  }
  registration = (async () => {
    const wasmModule = await loadThreadedSimdModule(threads);
    // BackendWasm's constructor creates XNNPACK's pool from the count handed to setThreadsCount.
    tfWasm.setThreadsCount(threads);
    const backend = new tfWasm.BackendWasm(wasmModule as unknown as ConstructorParameters<typeof tfWasm.BackendWasm>[0]);
    const actualThreads = tfWasm.getThreadsCount();
    let gemm: NativeGemm | undefined;
    let nativeSkipped: string | undefined;
    let oneDnn: OneDnn | undefined;
    let oneDnnSkipped: string | undefined;
    if (native === 'off') {
      nativeSkipped = oneDnnSkipped = 'switched off (KTLAB_NATIVE=off)';
    } else {
      ({ library: gemm, skipped: nativeSkipped } = await loadOptional(
        () => loadOpenBlas(actualThreads),
        native === 'openblas' ? 'KTLAB_NATIVE=openblas but OpenBLAS cannot be used' : undefined,
      ));
      if (native === 'openblas') {
        oneDnnSkipped = 'not used (KTLAB_NATIVE=openblas)';
      } else {
        ({ library: oneDnn, skipped: oneDnnSkipped } = await loadOptional(
          () => loadOneDnn(actualThreads),
          native === 'onednn' ? 'KTLAB_NATIVE=onednn but oneDNN cannot be used' : undefined,
        ));
      }
    }
    const oneDnnConvsWhy =
      gemm && oneDnn && native !== 'onednn' && openBlasNarrowerThanOneDnn(gemm.coreType, oneDnn.isa)
        ? `openblas has ${gemm.coreType} kernels, narrower than onednn's ${oneDnn.isa}`
        : undefined;
    const allOnOneDnn = native === 'onednn' || oneDnnConvsWhy !== undefined;
    const oneDnnConvs = oneDnn ? (allOnOneDnn ? 'all' : 'by shape') : undefined;
    useNativeEngines({ gemm, dnn: oneDnn, convs: allOnOneDnn ? 'onednn' : undefined });
    registerKernels();
    tf.registerBackend(KTLAB_WASM_BACKEND, () => backend, options.priority ?? KTLAB_WASM_PRIORITY);
    runtime = { threads: actualThreads, simd: true, wasmModule, native: gemm, nativeSkipped, oneDnn, oneDnnConvs, oneDnnConvsWhy, oneDnnSkipped };
    return runtime;
  })();
  registration.catch(() => {
    registration = undefined;
  });
  return registration;
}

/** The loaded runtime, or undefined before `registerKtlabWasmBackend` resolved. */
export function ktlabWasmRuntime(): KtlabWasmRuntime | undefined {
  return runtime;
}
