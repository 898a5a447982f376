/**
 * The 'webgpu' TensorFlow.js backend under Node: `@tensorflow/tfjs-backend-webgpu`'s kernels on a Dawn device.
 *
 * The package registers its own factory only where `navigator.gpu` exists (browsers); here ktlab finds the
 * adapter itself (`findAdapter`), decides whether to use it (a software adapter only when allowed), creates
 * the device with the adapter's full buffer limits and registers a factory that wraps that device. Dawn and the
 * package are imported on first use, so a process that never asks for webgpu loads neither.
 */
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { adapterLabel, findAdapter, WEBGPU_PACKAGE, type FoundAdapter, type GpuAdapterSummary } from './adapter.js';

export const WEBGPU_BACKEND = 'webgpu';
export const WEBGPU_TF_PACKAGE = '@tensorflow/tfjs-backend-webgpu';

/** Same as ktlab-wasm: the backend is always chosen explicitly by `selectBackend`. */
const WEBGPU_PRIORITY = 3;

/** The device ktlab's own WebGPU code (k-means) shares with the tfjs backend. */
export interface WebGpuDeviceHandle {
  readonly limits: Record<string, number>;
  readonly queue: unknown;
  readonly lost: Promise<{ reason?: string; message?: string }>;
  destroy(): void;
}

export interface WebGpuRuntime {
  adapter: GpuAdapterSummary;
  device: WebGpuDeviceHandle;
  versions: Record<string, string>;
}

export interface RegisterWebGpuOptions {
  /** Accept a software adapter (llvmpipe, SwiftShader): only when webgpu is forced, e.g. in tests. */
  allowSoftware?: boolean;
}

let runtime: WebGpuRuntime | undefined;
let registration: Promise<WebGpuRuntime> | undefined;

/** The registered runtime, if `registerWebGpuBackend` succeeded in this process. */
export function webGpuRuntime(): WebGpuRuntime | undefined {
  return runtime;
}

function declineSoftware(summary: GpuAdapterSummary): Error {
  return new Error(
    `only a software WebGPU adapter is available (${adapterLabel(summary)}): not chosen automatically; KTLAB_BACKEND=webgpu forces it`,
  );
}

async function createRuntime(found: FoundAdapter): Promise<WebGpuRuntime> {
  // tfjs-backend-webgpu reads GPUBufferUsage, GPUMapMode, … as globals, as in a browser.
  const scope = globalThis as Record<string, unknown>;
  for (const [name, value] of Object.entries(found.globals)) if (!(name in scope)) scope[name] = value;
  // …and its WebGPUBackend refuses to start unless `navigator.gpu` exists (Node 20 has no navigator; 21+ has one without gpu).
  if (scope.navigator === undefined) scope.navigator = { userAgent: `Node.js/${process.versions.node}` };
  const navigator = scope.navigator as Record<string, unknown>;
  if (!navigator.gpu) Object.defineProperty(navigator, 'gpu', { value: found.gpu, configurable: true, enumerable: true });
  const tfWebgpu = (await import(/* @vite-ignore */ WEBGPU_TF_PACKAGE)) as typeof import('@tensorflow/tfjs-backend-webgpu');
  const limits = found.adapter.limits;
  const device = (await found.adapter.requestDevice({
    requiredLimits: {
      maxBufferSize: limits.maxBufferSize,
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
      maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
      maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
      maxStorageBuffersPerShaderStage: limits.maxStorageBuffersPerShaderStage,
    },
  })) as WebGpuDeviceHandle;
  // A lost device (driver reset, GPU removed) fails every later kernel; say why once, on stderr.
  void device.lost.then((info) => {
    if (info.reason !== 'destroyed') console.error(`[tf-backend] WebGPU device lost (${info.reason ?? 'unknown'}): ${info.message ?? ''}`);
  });
  if (tf.findBackendFactory(WEBGPU_BACKEND)) tf.removeBackend(WEBGPU_BACKEND);
  tf.registerBackend(
    WEBGPU_BACKEND,
    () => new tfWebgpu.WebGPUBackend(device as unknown as ConstructorParameters<typeof tfWebgpu.WebGPUBackend>[0], found.adapter.info as never),
    WEBGPU_PRIORITY,
  );
  return {
    adapter: found.summary,
    device,
    versions: { webgpu: packageVersion(WEBGPU_PACKAGE), 'tfjs-backend-webgpu': packageVersion(WEBGPU_TF_PACKAGE, 'dist') },
  };
}

/** `entryDirectory`: where the package's entry lies below its root (`webgpu/index.js`, `…/dist/tf-backend-webgpu.node.js`). */
function packageVersion(name: string, entryDirectory = '.'): string {
  try {
    const entry = createRequire(import.meta.url).resolve(name);
    return (JSON.parse(readFileSync(join(dirname(entry), entryDirectory === '.' ? '' : '..', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/**
 * Finds an adapter and registers the 'webgpu' backend on it (once per process). Without `allowSoftware` a
 * software adapter is declined before any device is created, with the adapter named in the error.
 */
export async function registerWebGpuBackend(options: RegisterWebGpuOptions = {}): Promise<WebGpuRuntime> {
  const allowSoftware = options.allowSoftware ?? false;
  if (runtime) {
    if (runtime.adapter.software && !allowSoftware) throw declineSoftware(runtime.adapter);
    return runtime;
  }
  registration ??= (async () => {
    const found = await findAdapter();
    if (found.summary.software && !allowSoftware) throw declineSoftware(found.summary);
    return createRuntime(found);
  })();
  try {
    runtime = await registration;
    return runtime;
  } catch (error) {
    registration = undefined;
    throw error;
  }
}
