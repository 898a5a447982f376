import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storedMetricPoints } from '../../services/metric-ingest';
import { chooseResolution } from '../../services/series-resolution';
import { createTestApi, type TestApi } from '../../testing';

/** What a bucket of the given points holds, computed here from the points themselves. */
function bucketsOf(points: { step: number; value: number }[], width: number) {
  const buckets = new Map<number, { step: number; sum: number; count: number; min: number; max: number }>();
  for (const { step, value } of points) {
    const b = Math.floor(step / width);
    const bucket = buckets.get(b) ?? { step, sum: 0, count: 0, min: value, max: value };
    bucket.step = Math.min(bucket.step, step);
    bucket.sum += value;
    bucket.count++;
    bucket.min = Math.min(bucket.min, value);
    bucket.max = Math.max(bucket.max, value);
    buckets.set(b, bucket);
  }
  return [...buckets.values()].sort((a, b) => a.step - b.step).map((b) => ({ step: b.step, value: b.sum / b.count, min: b.min, max: b.max }));
}

describe('worker.logMetrics in columns, and the summaries kept at ingest', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi();
  });
  afterAll(() => api.close());

  async function heldRun(name: string) {
    const run = await api.user.runs.create({ method: 'smoke', config: { kind: 'smoke' }, name });
    const worker = await api.newWorker(name);
    expect((await worker.caller.worker.claim({ workerId: worker.workerId }))?.id).toBe(run.id);
    return { runId: run.id, ...worker };
  }

  it('stores each point once over overlapping re-sent batches, and downsamples from summaries that count them once', async () => {
    const { runId, caller, workerId } = await heldRun('columns');
    // steps 3, 10, 17, …: sparse, not aligned to any bucket; a spike and a dip inside
    const points = Array.from({ length: 6000 }, (_, i) => ({ step: 3 + 7 * i, value: i === 4321 ? 50 : i === 777 ? -50 : Math.cos(i / 40) }));
    const columns = (from: number, to: number) => [
      { key: 'loss', steps: points.slice(from, to).map((p) => p.step), values: points.slice(from, to).map((p) => p.value), wallTimes: points.slice(from, to).map(() => Date.now()) },
    ];
    expect((await caller.worker.logMetrics({ workerId, runId, series: columns(0, 4000) })).inserted).toBe(4000);
    expect((await caller.worker.logMetrics({ workerId, runId, series: columns(0, 4000) })).inserted).toBe(0);
    expect((await caller.worker.logMetrics({ workerId, runId, series: columns(3000, 6000) })).inserted).toBe(2000);
    expect((await storedMetricPoints(api.db, { runIds: [runId], key: 'loss' })).map((p) => [p.step, p.value])).toEqual(points.map((p) => [p.step, p.value]));

    for (const maxPoints of [20, 100, 1000, 5999]) {
      const series = await api.user.runs.metricSeries({ runId, key: 'loss', maxPoints });
      expect(series.total).toBe(6000);
      expect(series.downsampled).toBe(true);
      expect(series.points.length).toBeLessThanOrEqual(maxPoints);
      // the buckets the API chose (aligned multiples of `width`), compared with what the raw points give
      const { width } = chooseResolution(points[0].step, points[points.length - 1].step, maxPoints);
      const expected = bucketsOf(points, width);
      expect(series.points.map((p) => p.step)).toEqual(expected.map((b) => b.step));
      series.points.forEach((p, i) => {
        expect(p.min).toBe(expected[i].min);
        expect(p.max).toBe(expected[i].max);
        expect(p.value).toBeCloseTo(expected[i].value, 9);
      });
      expect(Math.max(...series.points.map((p) => p.max))).toBe(50);
      expect(Math.min(...series.points.map((p) => p.min))).toBe(-50);
    }
    const whole = await api.user.runs.metricSeries({ runId, key: 'loss', maxPoints: 6000 });
    expect(whole.downsampled).toBe(false);
    expect(whole.points.map((p) => p.value)).toEqual(points.map((p) => p.value));
  });

  it('stores each point once when the same new batch arrives several times at once', async () => {
    const { runId, caller, workerId } = await heldRun('concurrent');
    const steps = Array.from({ length: 3000 }, (_, i) => i);
    const series = [{ key: 'loss', steps, values: steps.map((s) => s / 7), wallTimes: steps.map(() => Date.now()) }];
    // each copy finds the series empty and appends; all but one then meet the points' primary key and retry checked
    const answers = await Promise.all([1, 2, 3, 4].map(() => caller.worker.logMetrics({ workerId, runId, series })));
    expect(answers.reduce((sum, a) => sum + a.inserted, 0)).toBe(3000);
    expect((await storedMetricPoints(api.db, { runIds: [runId], key: 'loss' })).map((p) => p.step)).toEqual(steps);
    const whole = await api.user.runs.metricSeries({ runId, key: 'loss', maxPoints: 10 });
    expect(whole.total).toBe(3000);
    expect(Math.max(...whole.points.map((p) => p.max))).toBe(2999 / 7);
  });

  it('takes points as objects and columns in one batch, keys merged, NaN and ±Infinity as sent', async () => {
    const { runId, caller, workerId } = await heldRun('mixed');
    const inserted = await caller.worker.logMetrics({
      workerId,
      runId,
      points: [{ key: 'acc', step: 5, value: 0.5, wallTime: new Date() }],
      series: [
        { key: 'acc', steps: [6, 7], values: [0.6, Number.NaN], wallTimes: [Date.now(), Date.now()] },
        { key: 'loss', steps: [9], values: [Number.NEGATIVE_INFINITY], wallTimes: [Date.now()] },
      ],
    });
    expect(inserted.inserted).toBe(4);
    expect((await api.user.runs.get({ id: runId })).metricKeys).toEqual(['acc', 'loss']);
    const stored = await storedMetricPoints(api.db, { runIds: [runId] });
    expect(stored.map((p) => `${p.key}@${p.step}=${p.value}`)).toEqual(['acc@5=0.5', 'acc@6=0.6', 'acc@7=NaN', 'loss@9=-Infinity']);
  });

  it('refuses columns of different lengths and empty batches, naming the problem', async () => {
    const { runId, caller, workerId } = await heldRun('bad-columns');
    await expect(caller.worker.logMetrics({ workerId, runId, series: [{ key: 'loss', steps: [0, 1], values: [1], wallTimes: [0, 0] }] })).rejects.toThrow(
      /one entry per point; got 2, 1 and 2/,
    );
    await expect(caller.worker.logMetrics({ workerId, runId, series: [] })).rejects.toThrow(/no points/);
    await expect(
      caller.worker.logMetrics({ workerId, runId, series: [{ key: 'loss', steps: Array.from({ length: 10_001 }, (_, i) => i), values: new Array(10_001).fill(1), wallTimes: new Array(10_001).fill(0) }] }),
    ).rejects.toThrow(/10001 points in one batch; at most 10000/);
  });

  it('deletes a run\'s points, series and summaries with the run', async () => {
    const { runId, caller, workerId } = await heldRun('deleted');
    await caller.worker.logMetrics({ workerId, runId, series: [{ key: 'loss', steps: [0, 1, 2], values: [1, 2, 3], wallTimes: [0, 0, 0] }] });
    const [{ id }] = await api.db.metricSeries.findMany({ where: { runId }, select: { id: true } });
    expect(await api.db.metricPoint.count({ where: { seriesId: id } })).toBe(3);
    expect(await api.db.metricSummary.count({ where: { seriesId: id } })).toBe(5);
    await api.db.run.delete({ where: { id: runId } });
    expect(await api.db.metricSeries.count({ where: { runId } })).toBe(0);
    expect(await api.db.metricPoint.count({ where: { seriesId: id } })).toBe(0);
    expect(await api.db.metricSummary.count({ where: { seriesId: id } })).toBe(0);
  });
});
