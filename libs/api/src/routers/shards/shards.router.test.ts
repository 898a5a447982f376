import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from '../../testing';

const smoke = { kind: 'smoke' as const };
const range = (start: number, end: number) => ({ start, end });

describe('shards router', () => {
  let api: TestApi;
  beforeEach(async () => {
    api = await createTestApi();
  });
  afterEach(() => api.close());

  async function heldRun() {
    const run = await api.user.runs.create({ method: 'smoke', config: smoke });
    const holder = await api.newWorker('holder');
    expect((await holder.caller.worker.claim({ workerId: holder.workerId }))?.id).toBe(run.id);
    return { run, holder };
  }

  it('lets the run holder enqueue idempotently, hands each shard to one worker, and lists outputs in shard order', async () => {
    const { run, holder } = await heldRun();
    const key = { workerId: holder.workerId, runId: run.id, kind: 'features' as const };
    const shards = [0, 1, 2].map((shard) => ({ shard, input: range(shard * 10, shard * 10 + 10) }));
    expect((await holder.caller.shards.enqueue({ ...key, shards })).enqueued).toBe(3);
    expect((await holder.caller.shards.enqueue({ ...key, shards })).enqueued).toBe(0);

    const workers = await Promise.all(['a', 'b'].map((name) => api.newWorker(name)));
    const claims = await Promise.all([...workers, ...workers].map((w) => w.caller.shards.claim({ workerId: w.workerId })));
    const claimed = claims.filter((c) => c !== null);
    expect(claimed.map((c) => c.shard).sort()).toEqual([0, 1, 2]);
    expect(claimed[0].config.kind).toBe('smoke');
    expect(claimed.find((c) => c.shard === 1)?.input).toEqual(range(10, 20));

    for (const [index, task] of claims.entries()) {
      if (!task) continue;
      const worker = [...workers, ...workers][index];
      await worker.caller.shards.finish({ outcome: 'succeeded', workerId: worker.workerId, taskId: task.id, output: `features/shard-${task.shard}.npy` });
    }
    const listed = await holder.caller.shards.list(key);
    expect(listed.map((s) => [s.shard, s.status, s.output])).toEqual([0, 1, 2].map((s) => [s, 'succeeded', `features/shard-${s}.npy`]));

    // What the portal shows: per step, counts by status and by worker; members only.
    await holder.caller.shards.enqueue({ ...key, kind: 'kmeans-map', iteration: 1, shards: [{ shard: 0, input: {} }] });
    const [map, features] = await api.user.runs.shards({ id: run.id }); // the latest step first
    expect(features).toMatchObject({ kind: 'features', iteration: 0, succeeded: 3, running: 0, queued: 0 });
    expect(Object.keys(features.byWorker).sort()).toEqual(['a', 'b']);
    expect(Object.values(features.byWorker).reduce((a, b) => a + b, 0)).toBe(3);
    expect(map).toMatchObject({ kind: 'kmeans-map', iteration: 1, queued: 1, byWorker: {} });
    const outsider = await api.newUser('outsider', { projects: ['elsewhere'] });
    await expect(outsider.caller.runs.shards({ id: run.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('only the run holder may enqueue or list', async () => {
    const { run } = await heldRun();
    const other = await api.newWorker('other');
    const key = { workerId: other.workerId, runId: run.id, kind: 'kmeans-map' as const, iteration: 1 };
    await expect(other.caller.shards.enqueue({ ...key, shards: [{ shard: 0, input: {} }] })).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(other.caller.shards.list(key)).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(api.workerCaller(undefined).shards.claim({ workerId: other.workerId })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('re-queues a shard whose worker stopped renewing its lease, and refuses the late result of that worker', async () => {
    const { run, holder } = await heldRun();
    await holder.caller.shards.enqueue({ workerId: holder.workerId, runId: run.id, kind: 'assign', shards: [{ shard: 0, input: range(0, 5) }] });
    const dead = await api.newWorker('dead');
    const first = await dead.caller.shards.claim({ workerId: dead.workerId });
    expect(first?.attempt).toBe(1);
    await api.db.shardTask.update({ where: { id: first!.id }, data: { leaseUntil: new Date(Date.now() - 1_000) } });

    const alive = await api.newWorker('alive');
    const second = await alive.caller.shards.claim({ workerId: alive.workerId });
    expect(second?.id).toBe(first!.id);
    expect(second?.attempt).toBe(2);
    expect((await alive.caller.shards.heartbeat({ workerId: alive.workerId, taskIds: [second!.id] })).held).toEqual([second!.id]);
    expect((await dead.caller.shards.heartbeat({ workerId: dead.workerId, taskIds: [first!.id] })).held).toEqual([]);
    await expect(
      dead.caller.shards.finish({ outcome: 'succeeded', workerId: dead.workerId, taskId: first!.id, output: 'stale' }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    await alive.caller.shards.finish({ outcome: 'succeeded', workerId: alive.workerId, taskId: second!.id, output: 'assign/shard-0.ktpl' });
    const [task] = await holder.caller.shards.list({ workerId: holder.workerId, runId: run.id, kind: 'assign' });
    expect(task).toMatchObject({ status: 'succeeded', output: 'assign/shard-0.ktpl', attempt: 2 });
  });

  it('retries a failing shard, then fails it for good after three attempts', async () => {
    const { run, holder } = await heldRun();
    await holder.caller.shards.enqueue({ workerId: holder.workerId, runId: run.id, kind: 'features', shards: [{ shard: 0, input: {} }] });
    const worker = await api.newWorker('w');
    for (let attempt = 1; attempt <= 3; attempt++) {
      const task = await worker.caller.shards.claim({ workerId: worker.workerId });
      expect(task?.attempt).toBe(attempt);
      await worker.caller.shards.finish({ outcome: 'failed', workerId: worker.workerId, taskId: task!.id, error: `disk full (${attempt})` });
    }
    expect(await worker.caller.shards.claim({ workerId: worker.workerId })).toBeNull();
    const [task] = await holder.caller.shards.list({ workerId: holder.workerId, runId: run.id, kind: 'features' });
    expect(task).toMatchObject({ status: 'failed', error: 'disk full (3)' });
  });

  it('lets a run\'s own worker claim only that run\'s shards while it waits for them', async () => {
    const first = await heldRun();
    const second = await heldRun();
    for (const { run, holder } of [first, second]) {
      await holder.caller.shards.enqueue({ workerId: holder.workerId, runId: run.id, kind: 'features', shards: [{ shard: 0, input: {} }] });
    }
    const own = await second.holder.caller.shards.claim({ workerId: second.holder.workerId, runId: second.run.id });
    expect(own?.runId).toBe(second.run.id);
    expect(await second.holder.caller.shards.claim({ workerId: second.holder.workerId, runId: second.run.id })).toBeNull();
    expect((await second.holder.caller.shards.claim({ workerId: second.holder.workerId }))?.runId).toBe(first.run.id);
  });

  it('hands out no shard of a run that is cancelled or no longer running', async () => {
    const { run, holder } = await heldRun();
    await holder.caller.shards.enqueue({ workerId: holder.workerId, runId: run.id, kind: 'features', shards: [{ shard: 0, input: {} }] });
    await api.user.runs.cancel({ id: run.id });
    const worker = await api.newWorker('w');
    expect(await worker.caller.shards.claim({ workerId: worker.workerId })).toBeNull();
  });
});
