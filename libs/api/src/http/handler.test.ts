/** Size limits and the CSRF guard of the HTTP face, checked before any procedure runs. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from '../testing';
import { handleTrpcRequest, MAX_BODY_BYTES } from './handler';

/** A body streamed in chunks with no Content-Length, as a client hiding its size would send it. */
function streamed(bytes: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= bytes) return controller.close();
      const chunk = new Uint8Array(Math.min(256 * 1024, bytes - sent)).fill(120);
      sent += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
}

describe('HTTP limits', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi();
  });
  afterAll(() => api.close());
  const deps = () => ({ db: api.db, events: api.events });

  it('refuses a streamed body over the limit without a Content-Length (413), reading no further than the limit', async () => {
    const body = streamed(MAX_BODY_BYTES * 3);
    const request = new Request('http://portal/api/trpc/runs.create', {
      method: 'POST',
      body,
      // @ts-expect-error Node's fetch needs this for streamed bodies
      duplex: 'half',
    });
    expect(request.headers.get('content-length')).toBeNull();
    const response = await handleTrpcRequest(request, deps());
    expect(response.status).toBe(413);
  });

  it('refuses a declared oversize body at once (413)', async () => {
    const request = new Request('http://portal/api/trpc/runs.create', {
      method: 'POST',
      headers: { 'content-length': String(MAX_BODY_BYTES + 1) },
      body: '{}',
    });
    expect((await handleTrpcRequest(request, deps())).status).toBe(413);
  });

  it('refuses a metric batch over the per-request point limit with a field-level error', async () => {
    const { caller, workerId } = await api.newWorker('big-batch');
    await api.user.runs.create({ method: 'smoke', config: { kind: 'smoke' } });
    const run = await caller.worker.claim({ workerId });
    const points = Array.from({ length: 10_001 }, (_, step) => ({ key: 'loss', step, value: 1, wallTime: new Date() }));
    await expect(caller.worker.logMetrics({ workerId, runId: run!.id, points })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(
      caller.worker.logMetrics({ workerId, runId: run!.id, points: [{ key: 'x'.repeat(201), step: 0, value: 1, wallTime: new Date() }] }),
    ).rejects.toThrow(/points.*key|key/);
    await expect(
      caller.worker.logMetrics({ workerId, runId: run!.id, points: [{ key: 'loss', step: -1, value: 1, wallTime: new Date() }] }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    // NaN and ±Infinity are values a diverging run really produces: stored as sent
    const odd = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY].map((value, step) => ({ key: 'odd', step, value, wallTime: new Date() }));
    expect((await caller.worker.logMetrics({ workerId, runId: run!.id, points: odd })).inserted).toBe(3);
    const series = await api.user.runs.metricSeries({ runId: run!.id, key: 'odd' });
    expect(series.points.map((p) => String(p.value))).toEqual(['NaN', 'Infinity', '-Infinity']);
  });
});
