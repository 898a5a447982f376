import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll } from 'vitest';
import { ktlabWasmRuntime, registerKtlabWasmBackend } from '@ktlab/tf-backend';
import { oneDnnForTests, type OneDnnForTests } from '@ktlab/tf-backend/testing/onednn';

/**
 * For a layer test file comparing tfjs's layers with ktlab's oneDNN ones: registers ktlab-wasm without native
 * libraries (the tests switch engines themselves), loads oneDNN when the host has it, and leaves the cpu backend
 * active around the tests. Returns the libraries as loaded (read them inside a test, after `beforeAll`).
 */
export function oneDnnLayerTests(): { readonly native: OneDnnForTests } {
  const state = { native: {} as OneDnnForTests };
  beforeAll(async () => {
    await registerKtlabWasmBackend({ native: 'off' });
    state.native = await oneDnnForTests(ktlabWasmRuntime()?.threads ?? 1);
    await tf.setBackend('cpu');
  });
  afterAll(() => tf.setBackend('cpu'));
  return state;
}
