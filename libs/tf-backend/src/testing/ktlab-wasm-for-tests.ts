/** Test helper: registers the ktlab wasm backend once per test file (one module per process). */
import * as tf from '@tensorflow/tfjs';
import { KTLAB_WASM_BACKEND, registerKtlabWasmBackend } from '../wasm/ktlab-wasm-backend.js';

export { KTLAB_WASM_BACKEND };

/**
 * Registers ktlab-wasm and activates `cpu`, so no op runs before a backend was chosen explicitly. The native
 * GEMM is off: these tests are about ktlab's own kernels (gemm-conv.test.ts switches the native path on).
 */
export async function registerKtlabWasmOnce(): Promise<void> {
  await registerKtlabWasmBackend({ native: 'off' });
  await tf.setBackend('cpu');
}
