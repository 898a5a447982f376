/**
 * PostgreSQL restarted mid-run, on a private embedded server (the shared test server is left alone): the
 * API's connections recover by themselves, the held run finishes with every metric point once, live events
 * resume, and the run of a worker that died meanwhile is re-queued by the lease reaper without any claim.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type RunningPostgres } from '@ktlab/db';
import { TEST_ADMIN_URL_ENV } from '@ktlab/db/testing';
import { createTestApi, type TestApi } from '../testing';
import { storedMetricPoints } from './metric-ingest';
import { startLeaseReaper } from './lease-reaper';
import { notifyRun } from './run-queue';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitFor<T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('PostgreSQL restart', () => {
  const home = mkdtempSync(join(tmpdir(), 'ktlab-pg-restart-'));
  let port: number;
  let postgres: RunningPostgres;
  let api: TestApi;
  const start = () => startEmbeddedPostgres({ home, port, database: 'postgres' });

  beforeAll(async () => {
    port = await freePort();
    postgres = await start();
    const shared = process.env[TEST_ADMIN_URL_ENV];
    process.env[TEST_ADMIN_URL_ENV] = postgres.url;
    try {
      api = await createTestApi();
    } finally {
      process.env[TEST_ADMIN_URL_ENV] = shared;
    }
  }, 180_000);
  afterAll(async () => {
    await api?.close().catch(() => undefined);
    await postgres?.stop();
    rmSync(home, { recursive: true, force: true });
  }, 60_000);

  it('the API reconnects, the held run finishes with every point once, events resume, a dead worker\'s run is re-queued', async () => {
    const alive = await api.newWorker('alive');
    const dead = await api.newWorker('dead');
    const held = await api.user.runs.create({ method: 'smoke', config: { kind: 'smoke' } });
    const orphaned = await api.user.runs.create({ method: 'smoke', config: { kind: 'smoke' } });
    expect((await alive.caller.worker.claim({ workerId: alive.workerId }))?.id).toBe(held.id);
    expect((await dead.caller.worker.claim({ workerId: dead.workerId }))?.id).toBe(orphaned.id);
    const points = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, i) => ({ key: 'train/loss', step: from + i, value: 1 / (from + i + 1), wallTime: new Date() }));
    await alive.caller.worker.logMetrics({ workerId: alive.workerId, runId: held.id, points: points(0, 10) });
    const events = api.events.subscribe(held.id)[Symbol.asyncIterator]();
    // NOTIFY is not queued for a listener that is not connected yet: send until one arrives
    const receivesEvent = async (what: string) => {
      let received = false;
      void events.next().then(() => (received = true));
      await waitFor(async () => {
        await notifyRun(api.db, held.id, 'stage');
        await new Promise((resolve) => setTimeout(resolve, 300));
        return received;
      }, what);
    };
    await receivesEvent('live events before the restart');

    await postgres.stop();
    // while the database is away, calls fail with INTERNAL_SERVER_ERROR, which trainers retry
    await expect(alive.caller.worker.heartbeat({ workerId: alive.workerId, runId: held.id })).rejects.toMatchObject({ code: 'INTERNAL_SERVER_ERROR' });
    // the dead worker's lease runs out during the outage
    postgres = await start();
    await waitFor(async () => (await alive.caller.worker.heartbeat({ workerId: alive.workerId, runId: held.id })).holdsRun, 'the API to reconnect');
    await api.db.run.update({ where: { id: orphaned.id }, data: { leaseUntil: new Date(Date.now() - 1000) } });

    // the batch in flight at the outage is re-sent, overlapping what was stored: only new points are added
    expect((await alive.caller.worker.logMetrics({ workerId: alive.workerId, runId: held.id, points: points(5, 20) })).inserted).toBe(10);

    // live events resume once the listening connection is back
    await receivesEvent('live events after the restart');

    await alive.caller.worker.finish({ outcome: 'succeeded', workerId: alive.workerId, runId: held.id });
    const reaper = startLeaseReaper(api.db, { intervalMs: 200 });
    try {
      await waitFor(async () => (await api.db.run.findUniqueOrThrow({ where: { id: orphaned.id } })).status === 'queued', 'the reaper');
    } finally {
      reaper.stop();
    }
    expect(await api.db.run.count({ where: { status: 'running' } })).toBe(0);
    expect((await api.db.run.findUniqueOrThrow({ where: { id: held.id } })).status).toBe('succeeded');
    const steps = await storedMetricPoints(api.db, { runIds: [held.id] });
    expect(steps.map((p) => p.step)).toEqual([...Array(20).keys()]);
  }, 240_000);
});
