/**
 * The k-means distance engine of this process: the fused WGSL engine on a GPU worker's WebGPU device (shared
 * from tf-backend's webgpu runtime), otherwise the WASM SIMD engine, which beats TensorFlow.js's CPU backends by
 * a wide margin.
 */
import type { DistanceEngine } from './distance-engine.js';
import { WasmDistanceEngine } from './wasm-engine.js';
import { WebGpuDistanceEngine, type GpuDeviceLike } from './webgpu-engine.js';

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
