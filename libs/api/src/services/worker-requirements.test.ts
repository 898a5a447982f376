import { meetsRequirements, type Requirements, type WorkerCapabilities } from '@ktlab/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from '../testing';
import { workerMeetsRunRequirements } from './worker-requirements';

const GIB = 1024 ** 3;

// The claim query matches in SQL; messages, forms and the portal use `meetsRequirements`. One rule, two
// evaluators: every pair of these workers and requirements must get the same answer from both.
const workers: { name: string; capabilities?: WorkerCapabilities }[] = [
  { name: 'legacy' },
  { name: 'cpu-8', capabilities: { accelerator: 'cpu', memoryBytes: 8 * GIB, cpuCores: 2 } },
  { name: 'cpu-odd', capabilities: { accelerator: 'cpu', memoryBytes: 8 * GIB + 1, cpuCores: 4 } },
  { name: 'gpu-64', capabilities: { accelerator: 'gpu', memoryBytes: 64 * GIB, cpuCores: 16 } },
];
const requirementSets: (Requirements | undefined)[] = [
  undefined,
  {},
  { accelerator: 'cpu' },
  { accelerator: 'gpu' },
  { minMemoryGiB: 8 },
  { minMemoryGiB: 8.000_000_001 },
  { minMemoryGiB: 0.5 },
  { accelerator: 'gpu', minMemoryGiB: 64 },
  { accelerator: 'cpu', minMemoryGiB: 16 },
];

describe('workerMeetsRunRequirements (SQL) and meetsRequirements (TypeScript)', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi();
  });
  afterAll(() => api.close());

  it('agree on every worker × requirements pair', async () => {
    const workerIds = new Map<string, WorkerCapabilities | undefined>();
    for (const worker of workers) workerIds.set((await api.newWorker(worker.name, worker.capabilities)).workerId, worker.capabilities);
    const runIds = new Map<string, Requirements | undefined>();
    for (const requirements of requirementSets) {
      const run = await api.user.runs.create({ method: 'smoke', config: { kind: 'smoke', ...(requirements ? { requirements } : {}) } });
      runIds.set(run.id, requirements);
    }

    const matches = await api.db.$queryRaw<{ run: string; worker: string }[]>`
      SELECT r.id AS run, w.id AS worker FROM "Run" r CROSS JOIN "Worker" w WHERE ${workerMeetsRunRequirements}`;
    const bySql = new Set(matches.map((m) => `${m.run} ${m.worker}`));
    const byTypeScript = new Set<string>();
    for (const [run, requirements] of runIds) {
      for (const [worker, capabilities] of workerIds) {
        if (meetsRequirements(capabilities, requirements)) byTypeScript.add(`${run} ${worker}`);
      }
    }
    expect(bySql).toEqual(byTypeScript);
    // Neither side is trivially all or nothing.
    expect(byTypeScript.size).toBeGreaterThan(workers.length);
    expect(byTypeScript.size).toBeLessThan(workers.length * requirementSets.length);
  });
});
