/** The vocabulary of backend selection: names, options (validated with zod) and the report of the choice. */
import { z } from 'zod';
import type { GpuAdapterSummary } from './webgpu/adapter.js';

export const BACKEND_NAMES = ['tfjs-node-gpu', 'webgpu', 'tfjs-node', 'ktlab-wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** The order `auto` tries, fastest first. */
export const AUTO_ORDER: readonly BackendName[] = BACKEND_NAMES;

export const selectBackendOptionsSchema = z
  .object({
    prefer: z.enum(['auto', ...BACKEND_NAMES]).default('auto'),
    /** Threads for the ktlab wasm backend; defaults to the number of cores (at most 8). */
    threads: z.number().int().min(1).max(8).optional(),
  })
  .strict();
export type SelectBackendOptions = z.input<typeof selectBackendOptionsSchema>;

/** Why a candidate was passed over. */
export interface BackendAttempt {
  name: BackendName;
  ok: boolean;
  reason?: string;
}

/** What the trainer records about the backend it runs on (the Worker row). */
export interface BackendInfo {
  name: BackendName;
  /** The tfjs backend name actually active (`tf.getBackend()`), e.g. 'tensorflow' for tfjs-node. */
  tfBackend: string;
  kind: 'gpu' | 'cpu';
  threads: number;
  simd: boolean;
  devices: string[];
  versions: Record<string, string>;
  /** webgpu: the adapter (vendor, architecture, description, limits; `software` for llvmpipe and the like). */
  adapter?: GpuAdapterSummary;
  /** ktlab-wasm: the native GEMM its heavy kernels run on ("openblas Haswell"), or why none ("none: …"). */
  nativeGemm?: string;
  /** Every candidate tried before the chosen one, with the reason it was skipped. */
  attempts: BackendAttempt[];
}

/** `KTLAB_BACKEND` forces one backend; an unknown value is an error, not a silent fallback. */
export function backendFromEnvironment(value: string | undefined): BackendName | undefined {
  if (value === undefined || value === '' || value === 'auto') return undefined;
  const parsed = z.enum(BACKEND_NAMES).safeParse(value);
  if (!parsed.success) {
    throw new Error(`KTLAB_BACKEND='${value}' is not a backend; use one of auto, ${BACKEND_NAMES.join(', ')}`);
  }
  return parsed.data;
}
