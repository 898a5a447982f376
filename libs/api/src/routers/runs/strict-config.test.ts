import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startApiServer } from '../../http/standalone-server';
import { createTestApi, type TestApi } from '../../testing';

describe('unknown keys in a run config', () => {
  let api: TestApi;
  beforeEach(async () => {
    api = await createTestApi();
  });
  afterEach(() => api.close());

  it('are a field error at the misspelled key over HTTP (what the launch form shows), and nothing is created', async () => {
    const user = await api.newUser('Kim', { projects: ['default'] });
    const server = await startApiServer({ db: api.db, events: api.events });
    try {
      const response = await fetch(`${server.url}/api/trpc/runs.create`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: user.cookie },
        body: JSON.stringify({ json: { method: 'x', config: { kind: 'pipeline', data: { path: '/d' }, clustering: { kk: 50 }, evaluation: { test: { path: '/t', limt: 5 } } } } }),
      });
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: { json: { data: { fieldErrors: { path: string; message: string }[] } } } };
      expect(body.error.json.data.fieldErrors).toEqual(
        expect.arrayContaining([
          { path: 'config.clustering.kk', message: 'unknown field "kk"' },
          { path: 'config.evaluation.test.limt', message: 'unknown field "limt"' },
        ]),
      );
    } finally {
      await server.close();
    }
    expect(await api.db.run.count()).toBe(0);
  });

  it('are refused by runs.create, runs.import and a sweep over a misspelled field', async () => {
    await expect(api.user.runs.create({ method: 'x', config: { kind: 'smoke', stepz: 5 } as never })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    const imported = {
      method: 'x',
      importedFrom: 'cli@laptop',
      importKey: 'i'.repeat(64),
      startedAt: new Date('2026-11-23T10:00:00Z'),
      finishedAt: new Date('2026-11-23T10:05:00Z'),
    };
    await expect(api.user.runs.import({ ...imported, config: { kind: 'smoke', colour: 'red' } as never })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    const sweep = api.user.runs.createSweep({ name: 's', method: 'x', config: { kind: 'pipeline', data: { path: '/d' } }, field: 'clustering.kk', values: [5, 10] });
    await expect(sweep).rejects.toMatchObject({ code: 'BAD_REQUEST', message: 'clustering.kk = 5: clustering.kk: unknown field "kk"' });
    expect(await api.db.run.count()).toBe(0);
    await expect(api.user.runs.createSweep({ name: 's', method: 'x', config: { kind: 'pipeline', data: { path: '/d' } }, field: 'clustering.k', values: [5, 10] })).resolves.toMatchObject({ runs: [{}, {}] });
  });

  it('do not stop a worker reading a stored config written before a field was removed', async () => {
    const run = await api.user.runs.create({ method: 'smoke', config: { kind: 'smoke', steps: 3 } });
    await api.db.run.update({ where: { id: run.id }, data: { config: { kind: 'smoke', steps: 3, retiredField: 'old' } } });
    const worker = await api.newWorker('reader');
    const claimed = await worker.caller.worker.claim({ workerId: worker.workerId });
    expect(claimed).toMatchObject({ id: run.id, config: { kind: 'smoke', steps: 3 } });
    expect(JSON.stringify(claimed)).not.toContain('retiredField');
  });
});
