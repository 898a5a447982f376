/**
 * Picks the fastest TensorFlow.js backend this process can run: tfjs-node-gpu → webgpu (a hardware adapter) →
 * tfjs-node → ktlab-wasm → cpu.
 *
 * The native bindings are optional packages loaded by dynamic import; when absent (no internet at install,
 * no matching CUDA) they are skipped with the reason recorded. `KTLAB_BACKEND` or `prefer` forces one
 * backend, and then a failure to load it is an error rather than a fallback.
 */
import * as tf from '@tensorflow/tfjs';
import { version_wasm } from '@tensorflow/tfjs-backend-wasm';
import { availableParallelism, cpus } from 'node:os';
import { pino, type Logger } from 'pino';
import {
  AUTO_ORDER,
  backendFromEnvironment,
  selectBackendOptionsSchema,
  type BackendAttempt,
  type BackendInfo,
  type BackendName,
  type SelectBackendOptions,
} from './backend-choice.js';
import { cpuHost } from './native/cpu-host.js';
import { loadNativeBinding } from './native/load-binding.js';
import { KTLAB_WASM_BACKEND, registerKtlabWasmBackend, type KtlabWasmRuntime } from './wasm/ktlab-wasm-backend.js';
import { adapterLabel } from './webgpu/adapter.js';
import { registerWebGpuBackend, WEBGPU_BACKEND } from './webgpu/webgpu-backend.js';

type Activated = Omit<BackendInfo, 'attempts' | 'name'>;

function cpuDevices(): string[] {
  return [`${cpus()[0]?.model ?? 'cpu'} × ${availableParallelism()} (${cpuHost().isa})`];
}

function baseVersions(): Record<string, string> {
  return { node: process.versions.node, 'tfjs-core': tf.version_core };
}

async function activate(name: string): Promise<void> {
  if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend('${name}') failed`);
  await tf.ready();
}

/** The native binding registers the 'tensorflow' backend on import. */
async function activateNative(packageName: '@tensorflow/tfjs-node-gpu' | '@tensorflow/tfjs-node'): Promise<Activated> {
  const binding = await loadNativeBinding(packageName);
  await activate('tensorflow');
  const gpu = packageName === '@tensorflow/tfjs-node-gpu';
  return {
    tfBackend: 'tensorflow',
    kind: gpu ? 'gpu' : 'cpu',
    threads: availableParallelism(),
    simd: true,
    devices: gpu ? ['cuda'] : cpuDevices(),
    versions: { ...baseVersions(), ...(binding.version ?? {}) },
  };
}

/** "openblas Cooperlake + onednn 2.6.3 avx512_core_amx (convolutions by shape)", or why a library is not used. */
export function nativeDescription(runtime: Pick<KtlabWasmRuntime, 'native' | 'nativeSkipped' | 'oneDnn' | 'oneDnnConvs' | 'oneDnnConvsWhy' | 'oneDnnSkipped'>): string {
  const gemm = runtime.native ? `openblas ${runtime.native.coreType}` : undefined;
  const convs = runtime.oneDnnConvs === 'all' ? `every convolution${runtime.oneDnnConvsWhy ? `: ${runtime.oneDnnConvsWhy}` : ''}` : 'convolutions by shape';
  const dnn = runtime.oneDnn ? `onednn ${runtime.oneDnn.version.split(' ')[0]} ${runtime.oneDnn.isa} (${convs})` : undefined;
  if (gemm && dnn) return `${gemm} + ${dnn}`;
  if (gemm) return `${gemm}; no onednn: ${runtime.oneDnnSkipped ?? 'not loaded'}`;
  if (dnn) return `${dnn}; no openblas: ${runtime.nativeSkipped ?? 'not loaded'}`;
  const reasons = [...new Set([runtime.nativeSkipped ?? 'not loaded', runtime.oneDnnSkipped ?? 'not loaded'])];
  return `none: ${reasons.join('; ')}`;
}

async function activateKtlabWasm(threads: number | undefined): Promise<Activated> {
  const runtime = await registerKtlabWasmBackend(threads === undefined ? {} : { threads });
  await activate(KTLAB_WASM_BACKEND);
  const native: Record<string, string> = {
    ...(runtime.native ? { openblas: `${runtime.native.config} (${runtime.native.coreType}, ${runtime.native.threads} threads)` } : {}),
    ...(runtime.oneDnn ? { onednn: `${runtime.oneDnn.version} (${runtime.oneDnn.isa}, ${runtime.oneDnn.threads} threads)` } : {}),
  };
  return {
    tfBackend: KTLAB_WASM_BACKEND,
    kind: 'cpu',
    threads: runtime.threads,
    simd: runtime.simd,
    devices: cpuDevices(),
    versions: { ...baseVersions(), 'tfjs-backend-wasm': version_wasm, ...native },
    nativeGemm: nativeDescription(runtime),
  };
}

/** A hardware adapter only, unless forced: a software one (llvmpipe) computes on the CPU, slower than ktlab-wasm. */
async function activateWebGpu(forced: boolean): Promise<Activated> {
  const runtime = await registerWebGpuBackend({ allowSoftware: forced });
  await activate(WEBGPU_BACKEND);
  return {
    tfBackend: WEBGPU_BACKEND,
    kind: runtime.adapter.software ? 'cpu' : 'gpu',
    threads: 1,
    simd: false,
    devices: [adapterLabel(runtime.adapter)],
    versions: { ...baseVersions(), ...runtime.versions },
    adapter: runtime.adapter,
  };
}

async function activateCpu(): Promise<Activated> {
  await activate('cpu');
  return { tfBackend: 'cpu', kind: 'cpu', threads: 1, simd: false, devices: cpuDevices(), versions: baseVersions() };
}

function activator(name: BackendName, threads: number | undefined, forced: boolean): () => Promise<Activated> {
  switch (name) {
    case 'tfjs-node-gpu':
      return () => activateNative('@tensorflow/tfjs-node-gpu');
    case 'webgpu':
      return () => activateWebGpu(forced);
    case 'tfjs-node':
      return () => activateNative('@tensorflow/tfjs-node');
    case 'ktlab-wasm':
      return () => activateKtlabWasm(threads);
    case 'cpu':
      return activateCpu;
  }
}

let defaultLogger: Logger | undefined;

export async function selectBackend(
  options: SelectBackendOptions = {},
  logger: Pick<Logger, 'info' | 'warn'> = (defaultLogger ??= pino({ name: 'tf-backend' })),
): Promise<BackendInfo> {
  const { prefer, threads } = selectBackendOptionsSchema.parse(options);
  const forced = backendFromEnvironment(process.env.KTLAB_BACKEND) ?? (prefer === 'auto' ? undefined : prefer);
  const candidates = forced ? [forced] : AUTO_ORDER;
  const attempts: BackendAttempt[] = [];
  for (const name of candidates) {
    try {
      const activated = await activator(name, threads, forced !== undefined)();
      attempts.push({ name, ok: true });
      const info: BackendInfo = { name, ...activated, attempts };
      const gemm = info.nativeGemm ? `, native GEMM ${info.nativeGemm}` : '';
      logger.info({ backend: info }, `tf backend: ${name} (${info.kind}, ${info.threads} thread(s), simd ${info.simd}${gemm})`);
      return info;
    } catch (error) {
      const reason = (error as Error).message;
      attempts.push({ name, ok: false, reason });
      if (forced) throw new Error(`backend ${name} was forced${process.env.KTLAB_BACKEND ? ' by KTLAB_BACKEND' : ''} but cannot start: ${reason}`);
      logger.warn({ backend: name, reason }, `tf backend ${name} skipped: ${reason}`);
    }
  }
  throw new Error(`no TensorFlow.js backend could start: ${attempts.map((a) => `${a.name}: ${a.reason}`).join('; ')}`);
}
