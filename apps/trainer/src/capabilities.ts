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

/**
 * The accelerator follows the tfjs backend actually selected: its `kind` (tfjs-node-gpu, and webgpu on a hardware
 * adapter, are 'gpu'; webgpu on a software adapter such as llvmpipe is 'cpu'). Given only a name, only
 * tfjs-node-gpu counts as a GPU.
 */
export function workerCapabilities(backend: string | { name: string; kind: 'gpu' | 'cpu' }, machine: MachineFacts = thisMachine()): WorkerCapabilities {
  const gpu = typeof backend === 'string' ? backend === 'tfjs-node-gpu' : backend.kind === 'gpu';
  return {
    accelerator: gpu ? 'gpu' : 'cpu',
    memoryBytes: Math.max(1, Math.round(machine.totalMemoryBytes)),
    cpuCores: Math.max(1, machine.cpuCores),
  };
}
