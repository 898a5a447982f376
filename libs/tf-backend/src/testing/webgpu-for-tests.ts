/**
 * Test helpers for the webgpu backend: registering it (a software adapter is accepted, as KTLAB_BACKEND=webgpu
 * does), skipping with the install hint where no adapter exists — failing instead when CI=true, so CI never
 * passes without running them — and comparing a computation against the cpu backend with asynchronous reads
 * (tfjs-backend-webgpu cannot read GPU tensors synchronously under Node: its readSync needs OffscreenCanvas).
 */
import * as tf from '@tensorflow/tfjs';
import { describe, it } from 'vitest';
import { LAVAPIPE_INSTALL_HINT } from '../webgpu/lavapipe.js';
import { registerWebGpuBackend, WEBGPU_BACKEND, type WebGpuRuntime } from '../webgpu/webgpu-backend.js';
import { relativeError, type Computation, type InputSpec } from './compare-with-cpu.js';

export { WEBGPU_BACKEND };

export type WebGpuForTests = { runtime: WebGpuRuntime; reason?: undefined } | { runtime?: undefined; reason: string };

let probe: Promise<WebGpuForTests> | undefined;

/** Registers 'webgpu' on whatever adapter Dawn offers (lavapipe included) and activates `cpu`. */
export function webGpuForTests(): Promise<WebGpuForTests> {
  probe ??= registerWebGpuBackend({ allowSoftware: true }).then(
    async (runtime) => {
      await tf.setBackend('cpu');
      return { runtime };
    },
    (error: Error) => ({ reason: error.message }),
  );
  return probe;
}

/**
 * `describe` for tests that need a WebGPU adapter. Without one: in CI (CI=true) a failing test says why;
 * locally the block is skipped with a message saying how to install lavapipe.
 */
export function describeWebGpu(name: string, gpu: WebGpuForTests, body: (runtime: WebGpuRuntime) => void): void {
  if (gpu.runtime) {
    const runtime = gpu.runtime;
    // Shaders compile on first use, seconds each on lavapipe.
    describe(name, { timeout: 120_000 }, () => body(runtime));
    return;
  }
  const message = `webgpu tests need an adapter: ${gpu.reason}${gpu.reason.includes('install-lavapipe') ? '' : `; ${LAVAPIPE_INSTALL_HINT}`}`;
  if (process.env.CI === 'true') {
    describe(name, () => {
      it('has a WebGPU adapter (CI installs lavapipe in .ci/run)', () => {
        throw new Error(message);
      });
    });
    return;
  }
  console.warn(`[tf-backend] skipping "${name}": ${message}`);
  // The body is not called: vitest collects a skipped block's tests by running it, and a body that reads the
  // runtime while collecting (k-means takes runtime.device) would throw without an adapter.
  describe(name, () => {
    it.skip(`needs a WebGPU adapter (${message})`, () => undefined);
  });
}

async function read(tensors: tf.Tensor[]): Promise<Float32Array[]> {
  try {
    return await Promise.all(tensors.map(async (t) => Float32Array.from(await t.data())));
  } finally {
    tf.dispose(tensors);
  }
}

export async function runComputation(backend: string, specs: InputSpec[], values: Float32Array[], compute: Computation): Promise<Float32Array[]> {
  if (!(await tf.setBackend(backend)) || tf.getBackend() !== backend) throw new Error(`backend ${backend} did not start`);
  const inputs = specs.map((spec, i) => tf.tensor(values[i], spec.shape));
  try {
    const outputs = tf.tidy(() => compute(inputs));
    return await read(Array.isArray(outputs) ? outputs : [outputs]);
  } finally {
    tf.dispose(inputs);
  }
}

/** Normal(0, 1) inputs (generated once, on cpu) for `specs`. */
export function randomInputs(specs: InputSpec[]): Float32Array[] {
  return specs.map((spec) => tf.tidy(() => Float32Array.from(tf.randomNormal(spec.shape, 0, 1, 'float32', spec.seed).dataSync())));
}

/** The relative error (max |Δ| / max |expected|) of each output of `compute` on `backend` against cpu. */
export async function errorsAgainstCpuAsync(backend: string, specs: InputSpec[], compute: Computation): Promise<number[]> {
  await tf.setBackend('cpu');
  const values = randomInputs(specs);
  const expected = await runComputation('cpu', specs, values, compute);
  const actual = await runComputation(backend, specs, values, compute);
  if (actual.length !== expected.length) throw new Error(`${actual.length} outputs, expected ${expected.length}`);
  return expected.map((e, i) => relativeError(e, actual[i]));
}
