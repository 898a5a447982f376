/**
 * The portal path against the real API (tRPC over HTTP, a fresh database): sign in with a password, create the
 * cell's run with the study tags, wait for it, copy its eval results into the cell folder; a second call creates
 * nothing. A worker is simulated by finishing the run in the database.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer } from '@ktlab/api';
import { createTestApi, TEST_PASSWORD, type TestApi } from '@ktlab/api/testing';
import { readCellResult } from './cell-files';
import { planStudy, SCALES } from '@ktlab/study';
import { runOnPortal } from './run-portal';

let api: TestApi;
let server: { url: string; close(): Promise<void> };
const studyDir = mkdtempSync(join(tmpdir(), 'ktlab-study-portal-'));

beforeAll(async () => {
  api = await createTestApi();
  server = await startApiServer({ db: api.db, events: api.events });
});
afterAll(async () => {
  await server?.close();
  await api?.close();
  rmSync(studyDir, { recursive: true, force: true });
});

describe('runOnPortal', () => {
  it('launches tagged runs, waits for them and writes their results like a local cell', async () => {
    const plan = planStudy({ scale: SCALES.smoke, dataRoot: '/data/cifar10', only: ['random'] });
    const options = { plan, studyDir, portalUrl: server.url, email: 'default-owner@test.ktlab', password: TEST_PASSWORD, signal: new AbortController().signal, pollMs: 100 };
    const running = runOnPortal(options);

    let run = null;
    for (let attempt = 0; attempt < 100 && !run; attempt++) {
      run = await api.db.run.findFirst({ where: { tags: { has: 'study:smoke' } } });
      if (!run) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(run).not.toBeNull();
    expect(run!.tags).toEqual(expect.arrayContaining(['study:smoke', 'cell:random-s0']));
    expect(run!.method).toBe('random');
    expect(run!.name).toBe('study-smoke-random-s0');
    await api.db.evalResult.createMany({
      data: ['conv1', 'conv2'].map((layer, index) => ({ runId: run!.id, protocol: 'linear', layer, dataset: 'test', metric: 'top1', value: 0.3 + index / 10 })),
    });
    await api.db.run.update({ where: { id: run!.id }, data: { status: 'succeeded', startedAt: new Date(Date.now() - 90_000), finishedAt: new Date() } });
    await running;

    const cell = readCellResult(join(studyDir, 'random-s0'))!;
    expect(cell.portalRunId).toBe(run!.id);
    expect(cell.results.map((r) => [r.layer, r.value])).toEqual([['conv1', 0.3], ['conv2', 0.4]]);
    expect(cell.wallSeconds).toBeGreaterThanOrEqual(89);
    expect(cell.machine.where).toBe(server.url);

    await runOnPortal(options);
    expect(await api.db.run.count()).toBe(1);
  });

  it('refuses wrong credentials with the API\'s message', async () => {
    const plan = planStudy({ scale: SCALES.smoke, dataRoot: '/data/cifar10', only: ['random'] });
    await expect(runOnPortal({ plan, studyDir, portalUrl: server.url, email: 'default-owner@test.ktlab', password: 'nope', signal: new AbortController().signal })).rejects.toThrow(/wrong email or password/);
  });
});
