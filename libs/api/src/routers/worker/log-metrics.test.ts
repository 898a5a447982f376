import { createTRPCClient, httpLink } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer } from '../../http/standalone-server';
import type { AppRouter } from '../_app';
import { level1Summaries, storedMetricPoints } from '../../services/metric-ingest';
import { chooseResolution } from '../../services/series-resolution';
import { wireTransformer } from '../../trpc/wire-transformer';
import { createTestApi, type TestApi } from '../../testing';
import { encodeMetricBatch, type EncodedMetricBatch } from './metric-batch';

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

  /** A run's summary rows, by series key, level and bucket; floats as their bits (NaN, -0 and all). */
  async function summaries(runId: string) {
    const rows = await api.db.$queryRaw<{ key: string; level: number; bucket: number; count: number; sum: number; min: number; max: number; firstStep: number; lastStep: number }[]>`
      SELECT s.key, m.level, m.bucket, m.count, m.sum, m.min, m.max, m."firstStep", m."lastStep"
      FROM "MetricSummary" m JOIN "MetricSeries" s ON s.id = m."seriesId" WHERE s."runId" = ${runId} ORDER BY 1, 2, 3`;
    const bits = (v: number) => (Object.is(v, -0) ? '-0' : String(v));
    return rows.map((r) => `${r.key} L${r.level} #${r.bucket}: n=${r.count} sum=${bits(r.sum)} min=${bits(r.min)} max=${bits(r.max)} steps ${r.firstStep}…${r.lastStep}`);
  }

  it('takes the binary form (encodeMetricBatch): stored as the JSON columns are, re-sent inserts nothing', async () => {
    const steps = Array.from({ length: 3000 }, (_, i) => 2 * i);
    const series = [
      { key: 'loss', steps, values: steps.map((s) => Math.cos(s / 50)), wallTimes: steps.map((s) => 1764900000000 + s) },
      { key: 'odd', steps: [1, 2, 3, 4], values: [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0], wallTimes: [0, 1, 2, 3] },
    ];
    const json = await heldRun('as-json');
    expect((await json.caller.worker.logMetrics({ workerId: json.workerId, runId: json.runId, series })).inserted).toBe(3004);
    const binary = await heldRun('as-binary');
    const bytes = encodeMetricBatch({ workerId: binary.workerId, runId: binary.runId, series });
    expect((await binary.caller.worker.logMetrics(bytes)).inserted).toBe(3004);
    expect((await binary.caller.worker.logMetrics(bytes)).inserted).toBe(0);
    const stored = async (runId: string) =>
      (await storedMetricPoints(api.db, { runIds: [runId] })).map((p) => `${p.key}@${p.step}=${Object.is(p.value, -0) ? '-0' : p.value} ${p.wallTime.toISOString()}`);
    expect(await stored(binary.runId)).toEqual(await stored(json.runId));
    expect((await stored(binary.runId)).slice(0, 4)).toEqual([
      'loss@0=1 2025-12-05T02:00:00.000Z',
      'loss@2=0.9992001066609779 2025-12-05T02:00:00.002Z',
      'loss@4=0.9968017063026194 2025-12-05T02:00:00.004Z',
      'loss@6=0.9928086358538663 2025-12-05T02:00:00.006Z',
    ]);
    expect(await summaries(binary.runId)).toEqual(await summaries(json.runId));
  });

  it('keeps level-1 summaries computed at ingest equal, bit for bit, to what SQL aggregates from the points (NaN, ±Infinity, -0)', async () => {
    // values whose sums are exact in any order, and the ones float8's min, max and sum treat specially
    const special = [0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0.25, -3.5, 1e300];
    const steps = Array.from({ length: 2048 }, (_, i) => i);
    // the last three buckets: only -0 (its sum stays -0), then 0 and -0 taking turns from either side
    const signedZero = (s: number) => (s < 2016 ? -0 : (s % 2 === 0) === s < 2032 ? 0 : -0);
    const values = steps.map((s) => (s >= 2000 ? signedZero(s) : s % 7 === 3 ? special[(s * 5) % special.length] : ((s * 37) % 101) / 4 - 12));
    const series = [{ key: 'v', steps, values, wallTimes: steps.map(() => 1764900000000) }];
    // appended: the batch extends the series, its level-1 rows are computed in JS
    const appended = await heldRun('level1-appended');
    await appended.caller.worker.logMetrics(encodeMetricBatch({ workerId: appended.workerId, runId: appended.runId, series }));
    // checked: the series already has a later point, so the same batch is inserted with ON CONFLICT and
    // aggregated in SQL, in the same order
    const checked = await heldRun('level1-checked');
    const last = 2 ** 31 - 1;
    await checked.caller.worker.logMetrics({ workerId: checked.workerId, runId: checked.runId, series: [{ key: 'v', steps: [last], values: [1], wallTimes: [0] }] });
    expect((await checked.caller.worker.logMetrics(encodeMetricBatch({ workerId: checked.workerId, runId: checked.runId, series }))).inserted).toBe(2048);
    const withoutLast = (await summaries(checked.runId)).filter((row) => !row.endsWith(`…${last}`));
    const fromJs = await summaries(appended.runId);
    expect(fromJs.length).toBe(2048 / 16 + 2048 / 256 + 1 + 1 + 1);
    expect(fromJs).toEqual(withoutLast);
    expect(fromJs.filter((row) => row.includes('L1 ')).some((row) => row.includes('sum=NaN'))).toBe(true);
    expect(fromJs).toContain('v L1 #125: n=16 sum=-0 min=-0 max=-0 steps 2000…2015');
  });

  it('leaves a sum that overflows to SQL, which refuses it as before', () => {
    const part = (values: number[]) => [{ id: 1, columns: { key: 'k', steps: values.map((_, i) => i), values, wallTimes: values.map(() => 0) } }];
    expect(level1Summaries(part([1e308, 1e308]))).toBeUndefined();
    // an infinite value is not an overflow: the sum is ±Infinity (or NaN) in SQL too
    expect(level1Summaries(part([1e308, Number.POSITIVE_INFINITY]))?.sum[0]).toBe(Number.POSITIVE_INFINITY);
    expect(level1Summaries(part([1, 2, 3]))).toMatchObject({ length: 1 });
  });

  it('refuses a malformed binary batch with the field and point named', async () => {
    const { runId, caller, workerId } = await heldRun('bad-binary');
    const bytes = encodeMetricBatch({ workerId, runId, series: [{ key: 'loss', steps: [0, 1], values: [1, 2], wallTimes: [0, 0] }] });
    new DataView(bytes.buffer).setFloat64(bytes.byteLength - 8 - 8, Number.NaN, true); // the second point's wall time
    await expect(caller.worker.logMetrics(bytes)).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/wall time NaN is not a finite number/) });
    await expect(caller.worker.logMetrics(new Uint8Array([1, 2, 3]) as EncodedMetricBatch)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    // another worker's ids in the body: the token's worker must hold the run, as in the JSON form
    const other = await api.newWorker('bad-binary-other');
    await expect(other.caller.worker.logMetrics(encodeMetricBatch({ workerId, runId, series: [{ key: 'loss', steps: [5], values: [1], wallTimes: [0] }] }))).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(await storedMetricPoints(api.db, { runIds: [runId] })).toEqual([]);
  });

  it('over HTTP: the binary batch as application/octet-stream, and the JSON columns older trainers send', async () => {
    const { runId, workerId, secret } = await heldRun('http');
    const server = await startApiServer({ db: api.db, events: api.events });
    try {
      const client = createTRPCClient<AppRouter>({
        links: [httpLink({ url: `${server.url}/api/trpc`, transformer: wireTransformer, headers: () => ({ authorization: `Bearer ${secret}` }) })],
      });
      const series = (from: number) => [{ key: 'loss', steps: [from, from + 1], values: [from / 2, Number.NaN], wallTimes: [0, 0] }];
      expect((await client.worker.logMetrics.mutate(encodeMetricBatch({ workerId, runId, series: series(0) }))).inserted).toBe(2);
      expect((await client.worker.logMetrics.mutate({ workerId, runId, series: series(2) })).inserted).toBe(2);
      const bad = encodeMetricBatch({ workerId, runId, series: series(4) });
      new DataView(bad.buffer).setInt32(bad.byteLength - 4, -1, true);
      await expect(client.worker.logMetrics.mutate(bad)).rejects.toMatchObject({
        data: { httpStatus: 400, fieldErrors: [{ path: 'series.0.steps.1', message: 'step -1 is not an integer 0…2147483647' }] },
      });
    } finally {
      await server.close();
    }
    expect((await storedMetricPoints(api.db, { runIds: [runId] })).map((p) => `${p.step}=${p.value}`)).toEqual(['0=0', '1=NaN', '2=1', '3=NaN']);
  });
});
