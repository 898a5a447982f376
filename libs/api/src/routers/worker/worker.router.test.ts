import { TRPCError } from '@trpc/server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from '../../testing';

const smoke = { kind: 'smoke' as const };

describe('worker router', () => {
  let api: TestApi;
  // A fresh database per test: the queue is global, so runs left by one test must not reach another.
  beforeEach(async () => {
    api = await createTestApi();
  });
  afterEach(() => api.close());

  it('rejects calls without a valid token', async () => {
    await expect(api.workerCaller(undefined).worker.register({ name: 'x', host: 'h' })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(api.workerCaller('ktw_made-up').worker.register({ name: 'x', host: 'h' })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('rejects a revoked token', async () => {
    const { caller, secret, workerId } = await api.newWorker('revoked');
    await api.db.workerToken.updateMany({ where: { workers: { some: { id: workerId } } }, data: { revokedAt: new Date() } });
    await expect(caller.worker.claim({ workerId })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect(secret).toMatch(/^ktw_/);
    const stored = await api.db.workerToken.findFirst({ where: { workers: { some: { id: workerId } } } });
    expect(stored?.tokenHash).not.toContain(secret.slice(4));
  });

  it('forbids using another token\'s worker id', async () => {
    const a = await api.newWorker('a');
    const b = await api.newWorker('b');
    await expect(b.caller.worker.claim({ workerId: a.workerId })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('claims by priority then age, runs to success with idempotent metrics and eval results', async () => {
    const low = await api.user.runs.create({ method: 'smoke', config: smoke });
    const high = await api.user.runs.create({ method: 'smoke', config: smoke, priority: 5 });
    expect(high.queuePosition).toBe(0);
    const { caller, workerId } = await api.newWorker('runner');
    const claimed = await caller.worker.claim({ workerId });
    expect(claimed?.id).toBe(high.id);
    expect(claimed?.attempt).toBe(1);
    const points = [0, 1, 2].map((step) => ({ key: 'loss', step, value: 1 / (step + 1), wallTime: new Date() }));
    expect((await caller.worker.logMetrics({ workerId, runId: high.id, points })).inserted).toBe(3);
    const resent = [...points, { key: 'loss', step: 3, value: Number.NaN, wallTime: new Date() }];
    expect((await caller.worker.logMetrics({ workerId, runId: high.id, points: resent })).inserted).toBe(1);
    await caller.worker.reportStage({ workerId, runId: high.id, kind: 'train', ordinal: 0, status: 'succeeded', progress: 1 });
    await caller.worker.finish({
      outcome: 'succeeded',
      workerId,
      runId: high.id,
      evalResults: [{ protocol: 'linear', layer: 'conv1', dataset: 'test', metric: 'top1', value: 0.42 }],
    });
    const run = await api.user.runs.get({ id: high.id });
    expect(run.status).toBe('succeeded');
    expect(run.stages.map((s) => s.status)).toEqual(['succeeded']);
    // the lease is released, but the run still says where it ran
    expect(run.claimedBy).toBeNull();
    expect(run.lastWorkerName).toBe('runner');
    const listed = await api.user.runs.list({});
    expect(listed.runs.find((row) => row.id === high.id)).toMatchObject({ claimedBy: null, lastWorkerName: 'runner' });
    expect(listed.runs.find((row) => row.id === low.id)).toMatchObject({ claimedBy: null, lastWorkerName: null });
    expect(run.evalResults[0]?.value).toBeCloseTo(0.42);
    const series = await api.user.runs.metricSeries({ runId: high.id, key: 'loss' });
    expect(series.points.map((p) => p.step)).toEqual([0, 1, 2, 3]);
    expect(Number.isNaN(series.points[3]?.value)).toBe(true);
    // the low-priority run is next
    expect((await caller.worker.claim({ workerId }))?.id).toBe(low.id);
    await caller.worker.finish({ outcome: 'failed', workerId, runId: low.id, error: 'boom' });
    expect((await api.user.runs.get({ id: low.id })).error).toBe('boom');
  });

  it('refuses writes to a run the worker no longer holds', async () => {
    const run = await api.user.runs.create({ method: 'smoke', config: smoke });
    const a = await api.newWorker('holder');
    const b = await api.newWorker('other');
    const claimed = await a.caller.worker.claim({ workerId: a.workerId });
    expect(claimed?.id).toBe(run.id);
    await expect(
      b.caller.worker.logMetrics({ workerId: b.workerId, runId: run.id, points: [{ key: 'x', step: 0, value: 1, wallTime: new Date() }] }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    await a.caller.worker.finish({ outcome: 'released', workerId: a.workerId, runId: run.id });
    expect((await api.user.runs.get({ id: run.id })).status).toBe('queued');
    const again = await b.caller.worker.claim({ workerId: b.workerId });
    expect(again?.id).toBe(run.id);
    expect(again?.attempt).toBe(2);
    await b.caller.worker.finish({ outcome: 'succeeded', workerId: b.workerId, runId: run.id });
  });

  it('re-queues a run whose lease expired, with attempt + 1, and reports the last metric steps', async () => {
    const run = await api.user.runs.create({ method: 'smoke', config: smoke });
    const dead = await api.newWorker('dead');
    await dead.caller.worker.claim({ workerId: dead.workerId });
    await dead.caller.worker.logMetrics({ workerId: dead.workerId, runId: run.id, points: [{ key: 'loss', step: 7, value: 1, wallTime: new Date() }] });
    await api.db.run.update({ where: { id: run.id }, data: { leaseUntil: new Date(Date.now() - 1000) } });
    const alive = await api.newWorker('alive');
    const resumed = await alive.caller.worker.claim({ workerId: alive.workerId });
    expect(resumed?.id).toBe(run.id);
    expect(resumed?.attempt).toBe(2);
    expect(resumed?.lastMetricSteps).toEqual({ loss: 7 });
    const beat = await dead.caller.worker.heartbeat({ workerId: dead.workerId, runId: run.id });
    expect(beat.holdsRun).toBe(false);
    await alive.caller.worker.finish({ outcome: 'succeeded', workerId: alive.workerId, runId: run.id });
  });

  it('cancels: queued at once, running at the worker\'s next heartbeat', async () => {
    const queued = await api.user.runs.create({ method: 'smoke', config: smoke });
    expect((await api.user.runs.cancel({ id: queued.id })).status).toBe('cancelled');
    const running = await api.user.runs.create({ method: 'smoke', config: smoke });
    const w = await api.newWorker('cancel');
    expect((await w.caller.worker.claim({ workerId: w.workerId }))?.id).toBe(running.id);
    expect((await api.user.runs.cancel({ id: running.id })).status).toBe('cancelling');
    expect((await w.caller.worker.heartbeat({ workerId: w.workerId, runId: running.id })).cancelRequested).toBe(true);
    await w.caller.worker.finish({ outcome: 'cancelled', workerId: w.workerId, runId: running.id });
    expect((await api.user.runs.get({ id: running.id })).status).toBe('cancelled');
    await expect(api.user.runs.cancel({ id: running.id })).rejects.toBeInstanceOf(TRPCError);
  });

  it('hands out each of 60 runs to exactly one of 3 concurrent workers', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 60; i++) ids.add((await api.user.runs.create({ method: 'smoke', config: smoke, name: `bulk-${i}` })).id);
    const workers = await Promise.all([1, 2, 3].map((i) => api.newWorker(`bulk-${i}`)));
    const executed: string[] = [];
    await Promise.all(
      workers.map(async ({ caller, workerId }) => {
        for (;;) {
          const run = await caller.worker.claim({ workerId });
          if (!run) return;
          executed.push(run.id);
          await caller.worker.finish({ outcome: 'succeeded', workerId, runId: run.id });
        }
      }),
    );
    expect(executed.length).toBe(60);
    expect(new Set(executed)).toEqual(ids);
  });
});
