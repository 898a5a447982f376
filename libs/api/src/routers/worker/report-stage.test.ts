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
});
