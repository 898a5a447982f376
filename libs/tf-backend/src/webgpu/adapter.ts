/**
 * Finding a WebGPU adapter under Node with Dawn (npm `webgpu`, which ships `dawn.node`).
 *
 * `webgpu` is imported only here and only when a caller asks for an adapter, so a CPU worker that never probes
 * pays nothing, and one that probes and finds no adapter loads Dawn once and keeps nothing alive (no device is
 * created before an adapter is accepted; Dawn's instance is dropped with the adapter).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The adapter facts ktlab records on the Worker row. */
export interface GpuAdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** A CPU implementation (llvmpipe/lavapipe, SwiftShader, WARP): usable for tests, never chosen automatically. */
  software: boolean;
  /** The limits ktlab's kernels size themselves by. */
  limits: GpuLimits;
}

export interface GpuLimits {
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
  maxComputeWorkgroupStorageSize: number;
  maxComputeWorkgroupsPerDimension: number;
  maxComputeWorkgroupSizeX: number;
  maxComputeInvocationsPerWorkgroup: number;
  maxStorageBuffersPerShaderStage: number;
}

/** The little of the WebGPU API this module touches (the full types come with `@webgpu/types`). */
export interface DawnAdapterInfo {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}

export interface DawnAdapter {
  readonly info: DawnAdapterInfo;
  readonly limits: Record<string, number>;
  readonly features: ReadonlySet<string>;
  readonly isFallbackAdapter?: boolean;
  requestDevice(descriptor?: unknown): Promise<unknown>;
}

interface DawnGpu {
  requestAdapter(options?: { powerPreference?: 'high-performance' | 'low-power'; forceFallbackAdapter?: boolean }): Promise<DawnAdapter | null>;
}

interface DawnModule {
  create(flags: string[]): DawnGpu;
  globals: Record<string, unknown>;
}

export const WEBGPU_PACKAGE = 'webgpu';

/** Names a software (CPU) implementation in vendor / architecture / description. */
const SOFTWARE_ADAPTER = /llvmpipe|lavapipe|softpipe|swiftshader|\bwarp\b|basic render|software/i;

export function isSoftwareAdapter(info: DawnAdapterInfo, isFallbackAdapter?: boolean): boolean {
  if (info.isFallbackAdapter === true || isFallbackAdapter === true) return true;
  return SOFTWARE_ADAPTER.test([info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' '));
}

const LIMIT_NAMES: (keyof GpuLimits)[] = [
  'maxBufferSize',
  'maxStorageBufferBindingSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeWorkgroupsPerDimension',
  'maxComputeWorkgroupSizeX',
  'maxComputeInvocationsPerWorkgroup',
  'maxStorageBuffersPerShaderStage',
];

export function summarizeAdapter(adapter: DawnAdapter): GpuAdapterSummary {
  const info = adapter.info;
  const limits = Object.fromEntries(LIMIT_NAMES.map((name) => [name, Number(adapter.limits[name])])) as unknown as GpuLimits;
  return {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
    software: isSoftwareAdapter(info, adapter.isFallbackAdapter),
    limits,
  };
}

/** "nvidia hopper (NVIDIA H200)", "mesa llvmpipe (llvmpipe: Mesa 25.0.7 …)". */
export function adapterLabel(summary: GpuAdapterSummary): string {
  const name = [summary.vendor, summary.architecture].filter(Boolean).join(' ') || 'unknown adapter';
  const detail = summary.description || summary.device;
  return detail ? `${name} (${detail})` : name;
}

const VULKAN_LOADER = 'libvulkan.so.1';

/**
 * Whether the dynamic loader can find the Vulkan loader that Dawn opens by name on Linux: in LD_LIBRARY_PATH,
 * the default library folders, or the ld.so cache (which lists /etc/ld.so.conf.d folders such as a driver's
 * own). Elsewhere Dawn uses Metal / D3D12, so this is true. Unreadable cache: true (Dawn decides).
 */
export function vulkanLoaderFound(env: NodeJS.ProcessEnv = process.env): boolean {
  if (process.platform !== 'linux') return true;
  const triplet = `${process.arch === 'arm64' ? 'aarch64' : process.arch === 'x64' ? 'x86_64' : process.arch}-linux-gnu`;
  const folders = [...(env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean), `/lib/${triplet}`, `/usr/lib/${triplet}`, '/lib64', '/usr/lib64', '/lib', '/usr/lib'];
  if (folders.some((folder) => existsSync(join(folder, VULKAN_LOADER)))) return true;
  try {
    return readFileSync('/etc/ld.so.cache').includes(VULKAN_LOADER);
  } catch {
    return true;
  }
}

let dawn: Promise<DawnModule> | undefined;

/** Loads Dawn's Node binding; an absent package or a binary that cannot load is an Error with the reason. */
export function loadDawn(): Promise<DawnModule> {
  dawn ??= import(/* @vite-ignore */ WEBGPU_PACKAGE).then(
    (module) => module as DawnModule,
    (error: NodeJS.ErrnoException) => {
      dawn = undefined;
      if (error.code === 'ERR_MODULE_NOT_FOUND' || error.code === 'MODULE_NOT_FOUND') throw new Error(`${WEBGPU_PACKAGE} is not installed`);
      throw new Error(`${WEBGPU_PACKAGE} is installed but failed to load: ${error.message}`);
    },
  );
  return dawn;
}

export interface FoundAdapter {
  adapter: DawnAdapter;
  summary: GpuAdapterSummary;
  /** Dawn's WebGPU classes and constants (GPUBufferUsage, GPUMapMode, …) that tfjs-backend-webgpu reads as globals. */
  globals: Record<string, unknown>;
  /** The `navigator.gpu` object the adapter came from (tfjs-backend-webgpu checks that it exists). */
  gpu: unknown;
}

/**
 * The high-performance adapter Dawn offers, or an Error saying why there is none (no Vulkan loader, no ICD, a
 * driver Dawn rejects). Nothing is created beyond the adapter.
 */
export async function findAdapter(): Promise<FoundAdapter> {
  // Without a Vulkan loader Dawn finds nothing on Linux: say so without loading it (a CPU worker's case).
  if (!vulkanLoaderFound()) {
    throw new Error(
      `no WebGPU adapter: no Vulkan loader (${VULKAN_LOADER}) on this machine (install the GPU vendor's Vulkan driver and libvulkan1; for tests on a CPU, Mesa ≥ 24 lavapipe: tools/gpu/install-lavapipe.sh)`,
    );
  }
  const module = await loadDawn();
  const gpu = module.create([]);
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) {
    throw new Error(
      'no WebGPU adapter: Dawn found no Vulkan driver it accepts (install the GPU vendor\'s Vulkan driver; for tests on a CPU, Mesa ≥ 24 lavapipe: tools/gpu/install-lavapipe.sh)',
    );
  }
  return { adapter, summary: summarizeAdapter(adapter), globals: module.globals, gpu };
}
