/**
 * Load against the real queue: 8 concurrent workers drain 200 short runs, each logging metrics while the
 * others claim; every run is executed exactly once and no point is lost or doubled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storedMetricPoints } from '../../services/metric-ingest';
import { createTestApi, type TestApi } from '../../testing';

describe('worker load', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi();
  });
  afterAll(() => api.close());

  it('8 workers × 200 runs: each run claimed and finished exactly once, all metric points stored once', async () => {
    const runs = 200;
    const pointsPerRun = 20;
    const ids = new Set<string>();
    // queued directly in one statement: this test is about the queue, not about run creation
    const project = await api.db.project.findUniqueOrThrow({ where: { slug: 'default' } });
    await api.db.run.createMany({
      data: Array.from({ length: runs }, (_, i) => ({ projectId: project.id, name: `load-${i}`, method: 'smoke', config: { kind: 'smoke', steps: 1, seed: i } })),
    });
    (await api.db.run.findMany({ where: { name: { startsWith: 'load-' } }, select: { id: true } })).forEach((run) => ids.add(run.id));
    expect(ids.size).toBe(runs);
    const workers = await Promise.all(Array.from({ length: 8 }, (_, i) => api.newWorker(`load-${i}`)));
    const executed: string[] = [];
    await Promise.all(
      workers.map(async ({ caller, workerId }) => {
        for (;;) {
          const run = await caller.worker.claim({ workerId });
          if (!run) return;
          executed.push(run.id);
          const points = Array.from({ length: pointsPerRun }, (_, step) => ({ key: 'train/loss', step, value: 1 / (step + 1), wallTime: new Date() }));
          // two overlapping batches, as a worker re-sending after a lost answer would
          const [first, second] = await Promise.all([
            caller.worker.logMetrics({ workerId, runId: run.id, points: points.slice(0, 15) }),
            caller.worker.logMetrics({ workerId, runId: run.id, points: points.slice(5) }),
          ]);
          expect(first.inserted + second.inserted).toBe(pointsPerRun);
          await caller.worker.finish({ outcome: 'succeeded', workerId, runId: run.id });
        }
      }),
    );
    expect(executed.length).toBe(runs);
    expect(new Set(executed)).toEqual(ids);
    const statuses = await api.db.run.groupBy({ by: ['status', 'attempt'], where: { id: { in: [...ids] } }, _count: true });
    expect(statuses).toEqual([{ status: 'succeeded', attempt: 1, _count: runs }]);
    expect((await storedMetricPoints(api.db, { runIds: [...ids] })).length).toBe(runs * pointsPerRun);
  }, 300_000);
});
