/** What this worker offers runs' `requirements`, reported when it registers. */
import os from 'node:os';
import type { WorkerCapabilities } from '@ktlab/config';

export interface MachineFacts {
  totalMemoryBytes: number;
  cpuCores: number;
}

function thisMachine(): MachineFacts {
  return { totalMemoryBytes: os.totalmem(), cpuCores: os.availableParallelism() };
}

/** The accelerator follows the tfjs backend actually selected: only tfjs-node-gpu computes on a GPU. */
export function workerCapabilities(backendName: string, machine: MachineFacts = thisMachine()): WorkerCapabilities {
  return {
    accelerator: backendName === 'tfjs-node-gpu' ? 'gpu' : 'cpu',
    memoryBytes: Math.max(1, Math.round(machine.totalMemoryBytes)),
    cpuCores: Math.max(1, machine.cpuCores),
  };
}
