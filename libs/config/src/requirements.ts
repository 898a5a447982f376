/**
 * What a run needs from the worker that executes it, and what a worker offers. The API matches the two in the
 * claim query (SQL); the pure functions here say the same thing for messages and forms, and
 * libs/api/src/services/worker-requirements.test.ts keeps the two in agreement.
 */
import { z } from 'zod';

export const ACCELERATORS = ['gpu', 'cpu'] as const;
export type Accelerator = (typeof ACCELERATORS)[number];

const GIB = 1024 ** 3;

export const requirementsSchema = z
  .object({
    /** Only workers computing on this kind of device claim the run (a worker's tfjs backend decides it). */
    accelerator: z.enum(ACCELERATORS, { error: "accelerator must be 'gpu' or 'cpu'" }).optional(),
    /** Only workers with at least this much RAM (total, as the OS reports it) claim the run. */
    minMemoryGiB: z
      .number({ error: 'minimum memory must be a number of GiB' })
      .positive('minimum memory must be more than 0 GiB')
      .max(65_536, 'minimum memory must be at most 65536 GiB')
      .optional(),
  })
  .strict();
export type Requirements = z.infer<typeof requirementsSchema>;

/** What a trainer reports when it registers. */
export const workerCapabilitiesSchema = z.object({
  accelerator: z.enum(ACCELERATORS),
  memoryBytes: z.number().int().positive(),
  cpuCores: z.number().int().positive(),
});
export type WorkerCapabilities = z.infer<typeof workerCapabilitiesSchema>;

/** A worker that reported nothing (an older trainer) meets only the empty requirement. */
export function meetsRequirements(worker: Partial<WorkerCapabilities> | null | undefined, requirements: Requirements | undefined): boolean {
  if (requirements?.accelerator !== undefined && worker?.accelerator !== requirements.accelerator) return false;
  if (requirements?.minMemoryGiB !== undefined && (worker?.memoryBytes ?? 0) < requirements.minMemoryGiB * GIB) return false;
  return true;
}

export function hasRequirements(requirements: Requirements | undefined): requirements is Requirements {
  return requirements?.accelerator !== undefined || requirements?.minMemoryGiB !== undefined;
}

/** The worker a run waits for, in words: "a worker", "a GPU worker with ≥ 16 GiB memory". */
export function describeRequiredWorker(requirements: Requirements | undefined): string {
  const kind = requirements?.accelerator ? `a ${requirements.accelerator.toUpperCase()} worker` : 'a worker';
  return requirements?.minMemoryGiB !== undefined ? `${kind} with ≥ ${formatGiB(requirements.minMemoryGiB * GIB)} memory` : kind;
}

/** Bytes as GiB for people: "15.6 GiB", "64 GiB". */
export function formatGiB(bytes: number): string {
  const gib = bytes / GIB;
  return `${Number.isInteger(gib) || gib >= 100 ? Math.round(gib) : gib.toFixed(1)} GiB`;
}
