import { describe, expect, it } from 'vitest';
import { describeRequiredWorker, formatGiB, meetsRequirements, parseRunConfig } from './index';

const GIB = 1024 ** 3;
const cpuBox = { accelerator: 'cpu' as const, memoryBytes: 8 * GIB, cpuCores: 4 };
const gpuBox = { accelerator: 'gpu' as const, memoryBytes: 64 * GIB, cpuCores: 16 };

describe('run requirements', () => {
  it('are optional and kept when given, on pipelines and smoke runs', () => {
    const plain = parseRunConfig({ kind: 'smoke' });
    expect(plain.ok && plain.config.requirements).toBeUndefined();
    const gpu = parseRunConfig({ kind: 'pipeline', data: { path: '/d' }, requirements: { accelerator: 'gpu', minMemoryGiB: 16 } });
    expect(gpu.ok && gpu.config.requirements).toEqual({ accelerator: 'gpu', minMemoryGiB: 16 });
  });

  it('name the offending field', () => {
    const result = parseRunConfig({ kind: 'smoke', requirements: { accelerator: 'tpu', minMemoryGiB: 0, minMemoryGb: 4 } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const byPath = Object.fromEntries(result.errors.map((e) => [e.path, e.message]));
    expect(byPath['requirements.accelerator']).toMatch(/'gpu' or 'cpu'/);
    expect(byPath['requirements.minMemoryGiB']).toMatch(/more than 0 GiB/);
    // a misspelt key is an error, not a silently dropped requirement
    expect(byPath['requirements.minMemoryGb']).toBe('unknown field "minMemoryGb"');
  });

  it('are met by the workers that offer them', () => {
    expect(meetsRequirements(cpuBox, undefined)).toBe(true);
    expect(meetsRequirements(cpuBox, { accelerator: 'gpu' })).toBe(false);
    expect(meetsRequirements(gpuBox, { accelerator: 'gpu' })).toBe(true);
    expect(meetsRequirements(cpuBox, { minMemoryGiB: 8 })).toBe(true);
    expect(meetsRequirements(cpuBox, { minMemoryGiB: 8.5 })).toBe(false);
    expect(meetsRequirements(gpuBox, { accelerator: 'cpu', minMemoryGiB: 1 })).toBe(false);
    // an older trainer that reported nothing runs only unconstrained runs
    expect(meetsRequirements(null, {})).toBe(true);
    expect(meetsRequirements({}, { minMemoryGiB: 1 })).toBe(false);
  });

  it('describe the worker a run waits for', () => {
    expect(describeRequiredWorker(undefined)).toBe('a worker');
    expect(describeRequiredWorker({ accelerator: 'gpu' })).toBe('a GPU worker');
    expect(describeRequiredWorker({ accelerator: 'cpu', minMemoryGiB: 16 })).toBe('a CPU worker with ≥ 16 GiB memory');
    expect(describeRequiredWorker({ minMemoryGiB: 0.5 })).toBe('a worker with ≥ 0.5 GiB memory');
    expect(formatGiB(16.75 * GIB)).toBe('16.8 GiB');
  });
});
