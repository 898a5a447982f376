import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from '../../testing';

describe('runs router', () => {
  let api: TestApi;
  // A fresh database per test: the queue is global, so runs left by one test must not reach another.
  beforeEach(async () => {
    api = await createTestApi();
  });
  afterEach(() => api.close());

  it('rejects an invalid config with field-level messages', async () => {
    const error = await api.user.runs
      .create({ method: 'cc-jigsaw++', config: { kind: 'pipeline', data: { path: '' }, clustering: { k: 0 } } as never })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'BAD_REQUEST' });
    const issues = (error as { cause: { issues: { path: (string | number)[] }[] } }).cause.issues;
    expect(issues.map((i) => i.path.join('.')).sort()).toEqual(['config.clustering.k', 'config.data.path']);
  });

  it('lists with filters, sorting and pagination', async () => {
    for (let i = 0; i < 5; i++) await api.user.runs.create({ method: i % 2 ? 'smoke' : 'other', name: `list-${i}`, config: { kind: 'smoke' } });
    const page = await api.user.runs.list({ pageSize: 2, sort: 'name', order: 'asc' });
    expect(page.total).toBe(5);
    expect(page.runs.map((r) => r.name)).toEqual(['list-0', 'list-1']);
    const smokeOnly = await api.user.runs.list({ method: 'smoke' });
    expect(smokeOnly.runs.map((r) => r.name).sort()).toEqual(['list-1', 'list-3']);
    const searched = await api.user.runs.list({ search: 'LIST-4' });
    expect(searched.runs.map((r) => r.name)).toEqual(['list-4']);
    const queued = await api.user.runs.list({ status: ['queued'], page: 1, pageSize: 3 });
    expect(queued.runs.length).toBe(2);
  });

  it('downsamples a long series into buckets that keep min and max', async () => {
    const run = await api.user.runs.create({ method: 'smoke', config: { kind: 'smoke' } });
    const w = await api.newWorker('series');
    await w.caller.worker.claim({ workerId: w.workerId });
    const points = Array.from({ length: 5000 }, (_, step) => ({
      key: 'loss',
      step,
      value: step === 2345 ? 100 : Math.sin(step / 100),
      wallTime: new Date(),
    }));
    await w.caller.worker.logMetrics({ workerId: w.workerId, runId: run.id, points });
    const series = await api.user.runs.metricSeries({ runId: run.id, key: 'loss', maxPoints: 100 });
    expect(series.total).toBe(5000);
    expect(series.downsampled).toBe(true);
    expect(series.points.length).toBeLessThanOrEqual(100);
    expect(Math.max(...series.points.map((p) => p.max))).toBe(100);
    expect(series.points.every((p) => p.min <= p.value && p.value <= p.max)).toBe(true);
    const steps = series.points.map((p) => p.step);
    expect([...steps].sort((a, b) => a - b)).toEqual(steps);
  });

  it('streams live events of a run', async () => {
    const run = await api.user.runs.create({ method: 'smoke', config: { kind: 'smoke' } });
    const iterable = await api.user.runs.watch({ runId: run.id });
    const received: string[] = [];
    const reading = (async () => {
      for await (const event of iterable) {
        received.push(event.type);
        if (event.type === 'metrics') break;
      }
    })();
    await new Promise((r) => setTimeout(r, 200));
    const w = await api.newWorker('watch');
    await w.caller.worker.claim({ workerId: w.workerId });
    await w.caller.worker.logMetrics({ workerId: w.workerId, runId: run.id, points: [{ key: 'loss', step: 0, value: 1, wallTime: new Date() }] });
    await reading;
    expect(received).toEqual(['status', 'metrics']);
  });
});
