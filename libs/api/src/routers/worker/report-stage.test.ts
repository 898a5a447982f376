import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from '../../testing';

describe('stage reports', () => {
  let api: TestApi;
  beforeEach(async () => {
    api = await createTestApi();
  });
  afterEach(() => api.close());

  it('keeps a stage\'s start time through progress reports and restarts it when the stage starts over', async () => {
    const run = await api.user.runs.create({ method: 'smoke', config: { kind: 'smoke' } });
    const { caller, workerId } = await api.newWorker('stages');
    await caller.worker.claim({ workerId });
    const report = (status: 'running' | 'succeeded', progress: number) => caller.worker.reportStage({ workerId, runId: run.id, kind: 'train', ordinal: 0, status, progress });
    const startedAt = async () => (await api.user.runs.get({ id: run.id })).stages[0]!.startedAt!.getTime();
    await report('running', 0);
    const first = await startedAt();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await report('running', 0.5);
    expect(await startedAt()).toBe(first);
    // the next attempt runs the stage again from the beginning
    await report('running', 0);
    expect(await startedAt()).toBeGreaterThan(first);
    await report('succeeded', 1);
    expect((await api.user.runs.get({ id: run.id })).stages[0]?.finishedAt).not.toBeNull();
  });

  it('keeps what the attempt that computed a stage reported when a later attempt restores it from its checkpoint', async () => {
    const run = await api.user.runs.create({ method: 'smoke', config: { kind: 'smoke' } });
    const { caller, workerId } = await api.newWorker('restores');
    const report = (status: 'running' | 'succeeded', progress: number, message?: string) =>
      caller.worker.reportStage({ workerId, runId: run.id, kind: 'kmeans', ordinal: 2, status, progress, message });
    const stage = async () => (await api.user.runs.get({ id: run.id })).stages.find((s) => s.kind === 'kmeans')!;
    const nextAttempt = async () => {
      await caller.worker.finish({ outcome: 'released', workerId, runId: run.id });
      expect((await caller.worker.claim({ workerId }))?.id).toBe(run.id);
    };

    await caller.worker.claim({ workerId });
    await report('running', 0);
    await report('succeeded', 1, '12.3 s');
    const computed = await stage();
    await nextAttempt();
    await report('succeeded', 1, 'restored from checkpoint');
    const restored = await stage();
    expect(restored.message).toBe('12.3 s · restored from checkpoint');
    expect([restored.startedAt, restored.finishedAt]).toEqual([computed.startedAt, computed.finishedAt]);
    await nextAttempt();
    await report('succeeded', 1, 'restored from checkpoint');
    expect((await stage()).message).toBe('12.3 s · restored from checkpoint');

    // a stage computed again (running first) reports its new time
    await nextAttempt();
    await report('running', 0);
    await report('succeeded', 1, '9.8 s');
    expect((await stage()).message).toBe('9.8 s');
  });
});
