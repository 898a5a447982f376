/**
 * Picks the distance engine for this host: the fused WGSL engine when a WebGPU device is given (a GPU worker's,
 * from tf-backend's webgpu runtime), TensorFlow.js when its active backend is a GPU one (or when asked),
 * otherwise the WASM SIMD engine, which beats TensorFlow.js's CPU backends by a wide margin.
 */
import type * as TF from '@tensorflow/tfjs-core';
import type { DistanceEngine } from './distance-engine.js';
import { TfDistanceEngine } from './tf-engine.js';
import { WasmDistanceEngine } from './wasm-engine.js';
import { WebGpuDistanceEngine, type GpuDeviceLike } from './webgpu-engine.js';

const GPU_BACKENDS = new Set(['webgl', 'webgpu']);

export interface EngineSelection {
  /** The TensorFlow.js namespace in use, if any. */
  tf?: typeof TF;
  /** Use TensorFlow.js whatever its backend (e.g. tfjs-node-gpu, whose backend is named "tensorflow"). */
  preferTf?: boolean;
  threads?: number;
  /** A WebGPU device: distances and argmin in one WGSL kernel (`WebGpuDistanceEngine`). */
  webgpuDevice?: GpuDeviceLike;
}

export function selectDistanceEngine(selection: EngineSelection = {}): DistanceEngine {
  const { tf } = selection;
  if (selection.webgpuDevice) return new WebGpuDistanceEngine(selection.webgpuDevice);
  if (tf && (selection.preferTf || GPU_BACKENDS.has(tf.getBackend()))) return new TfDistanceEngine(tf);
  return new WasmDistanceEngine({ threads: selection.threads });
}

let processDevice: GpuDeviceLike | undefined;

/**
 * Makes the WebGPU engine on `device` this process's default k-means engine (`fitKMeans`, `assignToModel`, the
 * pipeline's in-process shards): a GPU worker calls it once its TensorFlow.js backend is webgpu on a hardware
 * adapter, sharing that device. `undefined` restores the wasm engine.
 */
export function useWebGpuForKMeans(device: GpuDeviceLike | undefined): void {
  processDevice = device;
}

/** The engine k-means uses when none is passed: WebGPU after `useWebGpuForKMeans`, otherwise wasm. */
export function defaultDistanceEngine(options: { threads?: number } = {}): DistanceEngine {
  return processDevice ? new WebGpuDistanceEngine(processDevice) : new WasmDistanceEngine({ threads: options.threads });
}
