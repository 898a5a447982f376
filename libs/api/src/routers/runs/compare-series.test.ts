import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseResolution } from '../../services/series-resolution';
import { createTestApi, type TestApi } from '../../testing';

/** Means of the step buckets [b·width, (b+1)·width) of the points, first step of each, computed here from the points. */
function meansOf(points: { step: number; value: number }[], width: number) {
  const buckets = new Map<number, { step: number; sum: number; count: number }>();
  for (const { step, value } of points) {
    const bucket = buckets.get(Math.floor(step / width)) ?? { step, sum: 0, count: 0 };
    bucket.step = Math.min(bucket.step, step);
    bucket.sum += value;
    bucket.count++;
    buckets.set(Math.floor(step / width), bucket);
  }
  const sorted = [...buckets.values()].sort((a, b) => a.step - b.step);
  return { steps: sorted.map((b) => b.step), values: sorted.map((b) => b.sum / b.count) };
}

describe('runs.compareSeries', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi();
  });
  afterAll(() => api.close());

  /** A finished run with the given series (logged in columns, as the trainer does). */
  async function runWith(name: string, series: Record<string, { step: number; value: number }[]>) {
    const run = await api.user.runs.create({ method: 'smoke', name, config: { kind: 'smoke' } });
    const worker = await api.newWorker(name);
    expect((await worker.caller.worker.claim({ workerId: worker.workerId }))?.id).toBe(run.id);
    await worker.caller.worker.logMetrics({
      workerId: worker.workerId,
      runId: run.id,
      series: Object.entries(series).map(([key, points]) => ({ key, steps: points.map((p) => p.step), values: points.map((p) => p.value), wallTimes: points.map(() => Date.now()) })),
    });
    await worker.caller.worker.finish({ outcome: 'succeeded', workerId: worker.workerId, runId: run.id });
    return run.id;
  }
  const points = (count: number, stride: number, value: (i: number) => number) => Array.from({ length: count }, (_, i) => ({ step: stride * i, value: value(i) }));

  it("answers every run's series of each curve runs.compare shows, each downsampled on its own step range, in one call", async () => {
    // Three resolutions in one read: 6,000 points (summaries of level 1), 1,000 points over 1,000 steps (points
    // grouped by 10) and 50 points (whole); acc is a single value, lr a curve of two runs only.
    const long = points(6000, 1, (i) => Math.cos(i / 40) + (i === 4321 ? 5 : 0));
    const medium = points(1000, 1, (i) => 2 - i / 1000);
    const short = points(50, 3, (i) => i * i);
    const a = await runWith('cmp-a', { loss: long, acc: [{ step: 0, value: 0.25 }], lr: points(3, 1, (i) => i) });
    const b = await runWith('cmp-b', { loss: medium, acc: [{ step: 0, value: 0.5 }], lr: points(3, 1, (i) => i) });
    const c = await runWith('cmp-c', { loss: short });
    const ids = [b, a, c];
    const maxPoints = 100;
    const answer = await api.user.runs.compareSeries({ ids, maxPoints });
    expect((await api.user.runs.compare({ ids })).commonMetricKeys).toEqual(['loss']);
    expect(answer.maxPoints).toBe(maxPoints);
    expect(answer.curves.map((curve) => curve.key)).toEqual(['loss']);
    const [loss] = answer.curves;
    expect(loss.runs.map((run) => run.runId)).toEqual(ids);
    expect(loss.runs.map((run) => [run.total, run.downsampled])).toEqual([
      [1000, true],
      [6000, true],
      [50, false],
    ]);
    for (const [run, logged] of [
      [loss.runs[0], medium],
      [loss.runs[1], long],
    ] as const) {
      const { width } = chooseResolution(logged[0].step, logged[logged.length - 1].step, maxPoints);
      const expected = meansOf(logged, width);
      expect(run.steps.length).toBeLessThanOrEqual(maxPoints);
      expect(run.steps).toEqual(expected.steps);
      run.values.forEach((value, i) => expect(value).toBeCloseTo(expected.values[i], 9));
    }
    expect(chooseResolution(0, 999, maxPoints)).toEqual({ level: 0, width: 10 });
    expect(chooseResolution(0, 5999, maxPoints).level).toBe(1);
    expect(loss.runs[2].steps).toEqual(short.map((p) => p.step));
    expect(loss.runs[2].values).toEqual(short.map((p) => p.value));
    // The same buckets as the run page's read of one series.
    const single = await api.user.runs.metricSeries({ runId: a, key: 'loss', maxPoints });
    expect(single.points.map((p) => p.step)).toEqual(loss.runs[1].steps);
    expect(single.points.map((p) => p.value)).toEqual(loss.runs[1].values);
  });

  it('answers no curves for runs that share none, and the default bucket limit of the overlay', async () => {
    const a = await runWith('none-a', { loss: points(5, 1, (i) => i) });
    const b = await runWith('none-b', { acc: points(5, 1, (i) => i) });
    expect(await api.user.runs.compareSeries({ ids: [a, b] })).toEqual({ maxPoints: 1500, curves: [] });
  });

  it("refuses another project's run without saying it exists, and the bounds of runs.compare", async () => {
    const own = await runWith('own', { loss: points(5, 1, (i) => i) });
    const outsider = await api.newUser('Series Outsider', { projects: ['other-series'] });
    await expect(outsider.caller.runs.compareSeries({ ids: [own, own] })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(api.user.runs.compareSeries({ ids: [own] })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(api.user.runs.compareSeries({ ids: Array.from({ length: 21 }, (_, i) => `r${i}`) })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(api.user.runs.compareSeries({ ids: [own, own], maxPoints: 5 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});
