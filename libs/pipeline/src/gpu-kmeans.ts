/** A GPU worker runs k-means (distances + argmin) on the WebGPU device its training uses. */
import { useWebGpuForKMeans, type GpuDeviceLike } from '@ktlab/kmeans';
import { webGpuRuntime, type BackendInfo } from '@ktlab/tf-backend';

/**
 * When the selected backend is webgpu on a hardware adapter, makes its device the default k-means engine's
 * (`fitKMeans`, `assignToModel`, in-process shards). A software adapter (llvmpipe) keeps the wasm engine,
 * which is faster on a CPU. Returns whether k-means now runs on the GPU.
 */
export function shareGpuWithKMeans(backend: Pick<BackendInfo, 'name' | 'kind'>): boolean {
  const runtime = backend.name === 'webgpu' && backend.kind === 'gpu' ? webGpuRuntime() : undefined;
  useWebGpuForKMeans(runtime ? (runtime.device as unknown as GpuDeviceLike) : undefined);
  return runtime !== undefined;
}
