import type { Requirements } from '@ktlab/config';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from '../../testing';

const GIB = 1024 ** 3;
const cpuBox = { accelerator: 'cpu' as const, memoryBytes: 8 * GIB, cpuCores: 4 };
const gpuBox = { accelerator: 'gpu' as const, memoryBytes: 64 * GIB, cpuCores: 16 };

describe('claiming by requirements', () => {
  let api: TestApi;
  // A fresh database per test: the queue is global, so runs left by one test must not reach another.
  beforeEach(async () => {
    api = await createTestApi();
  });
  afterEach(() => api.close());

  const launch = (name: string, requirements?: Requirements, priority = 0) =>
    api.user.runs.create({ method: 'smoke', name, priority, config: { kind: 'smoke', ...(requirements ? { requirements } : {}) } });

  it('a CPU worker skips a GPU run (taking the next run it can execute); a GPU worker claims it', async () => {
    const gpuRun = await launch('needs-gpu', { accelerator: 'gpu' }, 10);
    const anyRun = await launch('any');
    const cpu = await api.newWorker('cpu-box', cpuBox);
    expect((await cpu.caller.worker.claim({ workerId: cpu.workerId }))?.id).toBe(anyRun.id);
    expect(await cpu.caller.worker.claim({ workerId: cpu.workerId })).toBeNull();
    expect((await api.user.runs.get({ id: gpuRun.id })).status).toBe('queued');

    const gpu = await api.newWorker('gpu-box', gpuBox);
    const claimed = await gpu.caller.worker.claim({ workerId: gpu.workerId });
    expect(claimed?.id).toBe(gpuRun.id);
    expect(claimed?.config.requirements).toEqual({ accelerator: 'gpu' });
  });

  it('a CPU requirement excludes GPU workers', async () => {
    const cpuRun = await launch('needs-cpu', { accelerator: 'cpu' });
    const gpu = await api.newWorker('gpu-box', gpuBox);
    expect(await gpu.caller.worker.claim({ workerId: gpu.workerId })).toBeNull();
    const cpu = await api.newWorker('cpu-box', cpuBox);
    expect((await cpu.caller.worker.claim({ workerId: cpu.workerId }))?.id).toBe(cpuRun.id);
  });

  it('matches minimum memory against the worker\'s total RAM, fractional GiB included', async () => {
    const big = await launch('needs-16g', { minMemoryGiB: 16 });
    const exact = await launch('needs-8g', { minMemoryGiB: 8 });
    const cpu = await api.newWorker('cpu-box', cpuBox); // 8 GiB
    expect((await cpu.caller.worker.claim({ workerId: cpu.workerId }))?.id).toBe(exact.id);
    expect(await cpu.caller.worker.claim({ workerId: cpu.workerId })).toBeNull();
    await launch('needs-8.5g', { minMemoryGiB: 8.5 });
    expect(await cpu.caller.worker.claim({ workerId: cpu.workerId })).toBeNull();
    const gpu = await api.newWorker('gpu-box', gpuBox);
    expect((await gpu.caller.worker.claim({ workerId: gpu.workerId }))?.id).toBe(big.id);
  });

  it('a trainer that reported no capabilities claims only runs without requirements', async () => {
    await launch('needs-memory', { minMemoryGiB: 1 });
    const plain = await launch('plain');
    const legacy = await api.newWorker('legacy');
    expect((await legacy.caller.worker.claim({ workerId: legacy.workerId }))?.id).toBe(plain.id);
    expect(await legacy.caller.worker.claim({ workerId: legacy.workerId })).toBeNull();
  });

  it('re-registering replaces the capabilities', async () => {
    const gpuRun = await launch('needs-gpu', { accelerator: 'gpu' });
    const box = await api.newWorker('box', gpuBox);
    await box.caller.worker.register({ name: 'box', host: 'test-host', backend: 'ktlab-wasm', capabilities: cpuBox });
    expect(await box.caller.worker.claim({ workerId: box.workerId })).toBeNull();
    const listed = (await api.user.workers.list()).find((w) => w.id === box.workerId);
    expect(listed?.capabilities).toEqual(cpuBox);
    expect((await api.user.runs.get({ id: gpuRun.id })).waitingFor).toBe('a GPU worker');
  });

  it('says which worker a queued run waits for while no live worker can execute it', async () => {
    const gpuRun = await launch('needs-gpu', { accelerator: 'gpu', minMemoryGiB: 32 });
    const anyRun = await launch('any');
    expect((await api.user.runs.get({ id: anyRun.id })).waitingFor).toBe('a worker');
    await api.newWorker('cpu-box', cpuBox);
    expect((await api.user.runs.get({ id: anyRun.id })).waitingFor).toBeNull();
    expect((await api.user.runs.get({ id: gpuRun.id })).waitingFor).toBe('a GPU worker with ≥ 32 GiB memory');
    const queue = await api.user.runs.list({ status: ['queued'] });
    expect(Object.fromEntries(queue.runs.map((r) => [r.name, r.waitingFor]))).toEqual({ 'needs-gpu': 'a GPU worker with ≥ 32 GiB memory', any: null });

    // a GPU worker that stopped heart-beating does not count
    const gpu = await api.newWorker('gpu-box', gpuBox);
    expect((await api.user.runs.get({ id: gpuRun.id })).waitingFor).toBeNull();
    await api.db.worker.update({ where: { id: gpu.workerId }, data: { lastHeartbeat: new Date(Date.now() - 3_600_000) } });
    expect((await api.user.runs.get({ id: gpuRun.id })).waitingFor).toBe('a GPU worker with ≥ 32 GiB memory');
    // nor does one whose token was revoked
    await gpu.caller.worker.heartbeat({ workerId: gpu.workerId });
    await api.db.workerToken.updateMany({ where: { workers: { some: { id: gpu.workerId } } }, data: { revokedAt: new Date() } });
    expect((await api.user.runs.get({ id: gpuRun.id })).waitingFor).toBe('a GPU worker with ≥ 32 GiB memory');
  });

  it('rejects invalid requirements naming the field', async () => {
    const error = await api.user.runs
      .create({ method: 'smoke', config: { kind: 'smoke', requirements: { accelerator: 'tpu', minMemoryGiB: -2 } } as never })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'BAD_REQUEST' });
    const issues = (error as { cause: { issues: { path: (string | number)[]; message: string }[] } }).cause.issues;
    const byPath = Object.fromEntries(issues.map((i) => [i.path.join('.'), i.message]));
    expect(Object.keys(byPath).sort()).toEqual(['config.requirements.accelerator', 'config.requirements.minMemoryGiB']);
    expect(byPath['config.requirements.minMemoryGiB']).toMatch(/more than 0 GiB/);
    // capabilities are checked at registration too
    const worker = await api.newWorker('bad');
    await expect(
      worker.caller.worker.register({ name: 'bad', host: 'h', capabilities: { accelerator: 'gpu', memoryBytes: -1, cpuCores: 1 } }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('shard tasks inherit their run\'s requirements', async () => {
    const run = await launch('sharded-gpu', { accelerator: 'gpu' });
    const holder = await api.newWorker('gpu-holder', gpuBox);
    expect((await holder.caller.worker.claim({ workerId: holder.workerId }))?.id).toBe(run.id);
    const key = { workerId: holder.workerId, runId: run.id, kind: 'features' as const };
    await holder.caller.shards.enqueue({ ...key, shards: [0, 1].map((shard) => ({ shard, input: { start: shard, end: shard + 1 } })) });

    const cpu = await api.newWorker('cpu-box', cpuBox);
    expect(await cpu.caller.shards.claim({ workerId: cpu.workerId })).toBeNull();
    const gpu = await api.newWorker('gpu-helper', gpuBox);
    expect((await gpu.caller.shards.claim({ workerId: gpu.workerId }))?.runId).toBe(run.id);
    // the run's own worker works on its shards as before
    expect((await holder.caller.shards.claim({ workerId: holder.workerId, runId: run.id }))?.runId).toBe(run.id);
  });
});
