import os from 'node:os';
import { workerCapabilitiesSchema } from '@ktlab/config';
import { describe, expect, it } from 'vitest';
import { workerCapabilities } from './capabilities';

describe('workerCapabilities', () => {
  it('reports a GPU only for the tfjs-node-gpu backend', () => {
    const machine = { totalMemoryBytes: 32 * 1024 ** 3, cpuCores: 12 };
    expect(workerCapabilities('tfjs-node-gpu', machine)).toEqual({ accelerator: 'gpu', memoryBytes: 32 * 1024 ** 3, cpuCores: 12 });
    for (const backend of ['tfjs-node', 'ktlab-wasm', 'cpu', 'webgpu']) expect(workerCapabilities(backend, machine).accelerator).toBe('cpu');
  });

  it('follows the selected backend\'s kind: webgpu on a hardware adapter is a GPU worker, on llvmpipe a CPU one', () => {
    const machine = { totalMemoryBytes: 8 * 1024 ** 3, cpuCores: 4 };
    expect(workerCapabilities({ name: 'webgpu', kind: 'gpu' }, machine).accelerator).toBe('gpu');
    expect(workerCapabilities({ name: 'webgpu', kind: 'cpu' }, machine).accelerator).toBe('cpu');
    expect(workerCapabilities({ name: 'ktlab-wasm', kind: 'cpu' }, machine)).toEqual({ accelerator: 'cpu', memoryBytes: 8 * 1024 ** 3, cpuCores: 4 });
  });

  it('reads this machine and sends what the API accepts', () => {
    const detected = workerCapabilities('ktlab-wasm');
    expect(detected.memoryBytes).toBe(os.totalmem());
    expect(detected.cpuCores).toBeGreaterThanOrEqual(1);
    expect(workerCapabilitiesSchema.parse(detected)).toEqual(detected);
  });
});
