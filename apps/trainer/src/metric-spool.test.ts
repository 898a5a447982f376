/**
 * The on-disk metric buffer against the real API over HTTP: while the portal is unreachable the reporter keeps
 * at most `capacity` points in memory and the rest in the worker's spool folder; a new process (a new
 * reporter over the same folder) delivers them once the portal is back, each point stored exactly once.
 */
import { mkdtempSync, readdirSync, readFileSync, utimesSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createWorkerToken, storedMetricPoints } from '@ktlab/api';
import { createPortalClient } from './api-client';
import { MetricSpool } from './metric-spool';
import { MetricsReporter, replaySpooledMetrics } from './metrics-reporter';
import { useTestPortal, waitFor } from './test-support';

/** A URL nothing listens on: every call fails like a portal that is down. */
async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

describe('metric spool', () => {
  const portal = useTestPortal();

  async function heldRun() {
    const { api, url } = portal;
    const { secret } = await createWorkerToken(api.db, 'spool');
    const client = createPortalClient(url, secret);
    const { workerId } = await client.worker.register.mutate({ name: `spool-${Date.now()}`, host: 'test' });
    const created = await api.user.runs.create({ method: 'smoke', config: { kind: 'smoke', steps: 1 } });
    const claimed = await client.worker.claim.mutate({ workerId });
    expect(claimed?.id).toBe(created.id);
    return { client, workerId, runId: created.id, secret };
  }

  it('portal down: memory stays bounded, the rest is spooled; a restarted trainer replays it, every point stored once', async () => {
    const { api } = portal;
    const { client, workerId, runId, secret } = await heldRun();
    const dir = join(mkdtempSync(join(tmpdir(), 'ktlab-spool-')), 'metrics-spool');
    const value = (key: string, step: number) => (key === 'b' && step === 7 ? Number.NaN : key === 'b' && step === 8 ? -Infinity : Math.sin(step) + key.length);

    // before the outage: steps 0…99 reach the portal
    const live = new MetricsReporter(client, { workerId, runId }, { spool: new MetricSpool(join(dir, runId)), intervalMs: 3_600_000 });
    for (let step = 0; step < 100; step++) for (const key of ['a', 'b']) await live.log(key, step, value(key, step));
    await live.close();
    expect((await storedMetricPoints(api.db, { runIds: [runId] })).length).toBe(200);
    expect(MetricSpool.runs(dir)).toEqual([]); // nothing left on disk once everything is sent

    // the outage: the trainer goes on (re-logging 50…99 as a resumed step loop would) up to step 1599
    const capacity = 100;
    const spool = new MetricSpool(join(dir, runId), { segmentPoints: 500 });
    const messages: string[] = [];
    const down = new MetricsReporter(createPortalClient(await deadUrl(), secret), { workerId, runId }, {
      spool,
      capacity,
      batchSize: 50,
      intervalMs: 3_600_000,
      log: (m) => messages.push(m),
    });
    let peak = 0;
    for (let step = 50; step < 1600; step++) {
      for (const key of ['a', 'b']) await down.log(key, step, value(key, step));
      peak = Math.max(peak, down.inMemory);
      if (step === 300) void down.flush().catch(() => undefined); // a send fails: memory goes to disk
    }
    expect(peak).toBeLessThanOrEqual(capacity);
    const logged = (1600 - 50) * 2;
    await waitFor(async () => spool.size === logged && down.inMemory === 0, 10_000, 'every point on disk');
    expect(messages.some((m) => /portal unreachable.*spooling \d+ point\(s\) to disk/.test(m))).toBe(true);
    // segments hold at most segmentPoints lines each
    const segments = readdirSync(join(dir, runId));
    expect(segments.length).toBeGreaterThanOrEqual(Math.ceil(logged / 500));
    for (const segment of segments) expect(readFileSync(join(dir, runId, segment), 'utf8').trim().split('\n').length).toBeLessThanOrEqual(500);
    down.stop(); // the trainer is killed: nothing more happens in this reporter
    expect((await storedMetricPoints(api.db, { runIds: [runId] })).length).toBe(200);

    // a new trainer process on this machine, the portal back: the spool is replayed at start
    const replayed: string[] = [];
    await replaySpooledMetrics(client, workerId, { runIds: MetricSpool.runs(dir), open: (id) => new MetricSpool(join(dir, id)) }, (m) => replayed.push(m));
    expect(replayed.join('\n')).toContain(`replayed ${logged} spooled point(s) of run ${runId}`);
    expect(MetricSpool.runs(dir)).toEqual([]);

    for (const key of ['a', 'b']) {
      const points = await storedMetricPoints(api.db, { runIds: [runId], key });
      expect(points.map((p) => p.step)).toEqual([...Array(1600).keys()]);
      expect(points.map((p) => p.value)).toEqual(points.map((p) => value(key, p.step)));
    }
  }, 60_000);

  it('keeps the spool of a run this worker no longer holds (for a week), and forgets that of a run the portal does not know', async () => {
    const { api } = portal;
    const { client, workerId, runId } = await heldRun();
    const dir = mkdtempSync(join(tmpdir(), 'ktlab-spool-'));
    const point = (step: number) => ({ key: 'k', step, value: step, wallTime: new Date() });
    new MetricSpool(join(dir, runId)).append([point(0), point(1)]);
    new MetricSpool(join(dir, 'no-such-run')).append([point(0)]);
    // a run not held either, spooled more than a week ago: given up
    const stale = (await api.user.runs.create({ method: 'smoke', config: { kind: 'smoke', steps: 1 } })).id;
    new MetricSpool(join(dir, stale)).append([point(0)]);
    for (const file of readdirSync(join(dir, stale))) utimesSync(join(dir, stale, file), new Date(Date.now() - 8 * 24 * 3_600_000), new Date(Date.now() - 8 * 24 * 3_600_000));
    await api.db.run.update({ where: { id: runId }, data: { status: 'queued', claimedById: null } });
    const messages: string[] = [];
    await replaySpooledMetrics(client, workerId, { runIds: MetricSpool.runs(dir), open: (id) => new MetricSpool(join(dir, id)) }, (m) => messages.push(m));
    expect(MetricSpool.runs(dir)).toEqual([runId]);
    expect(new MetricSpool(join(dir, runId)).size).toBe(2);
    expect(messages.join('\n')).toMatch(/not replayed now: run .* is not held by this worker/);

    // claimed again by this worker: its reporter sends the old points first
    const claimed = await client.worker.claim.mutate({ workerId });
    expect(claimed?.id).toBe(runId);
    const reporter = new MetricsReporter(client, { workerId, runId }, { spool: new MetricSpool(join(dir, runId)), intervalMs: 3_600_000 });
    await reporter.log('k', 2, 2);
    await reporter.close();
    const steps = (await storedMetricPoints(api.db, { runIds: [runId] })).sort((a, b) => a.step - b.step).map((p) => p.step);
    expect(steps).toEqual([0, 1, 2]);
    expect(MetricSpool.runs(dir)).toEqual([]);
  }, 30_000);
});
