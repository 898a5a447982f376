import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from '../../testing';

describe('worker tokens and the workers page', () => {
  let api: TestApi;
  beforeEach(async () => {
    api = await createTestApi();
  });
  afterEach(() => api.close());

  it('creates a token whose secret is shown once, lists workers, revokes the token', async () => {
    const created = await api.user.tokens.create({ label: 'gpu-box-1' });
    expect(created.secret).toMatch(/^ktw_/);
    const trainer = api.workerCaller(created.secret);
    const { workerId } = await trainer.worker.register({ name: 'gpu-box-1', host: 'gpu-box-1.lab', backend: 'tfjs-node-gpu' });
    const listed = await api.user.tokens.list();
    expect(listed).toHaveLength(1);
    expect(JSON.stringify(listed)).not.toContain(created.secret);
    expect(listed[0]).toMatchObject({ label: 'gpu-box-1', revokedAt: null, workers: [{ name: 'gpu-box-1' }] });

    const run = await api.user.runs.create({ method: 'smoke', config: { kind: 'smoke' } });
    await trainer.worker.claim({ workerId });
    const outsider = await api.newUser('Outsider', { projects: ['elsewhere'] });
    const [seenByMember] = await api.user.workers.list();
    expect(seenByMember).toMatchObject({ name: 'gpu-box-1', backend: 'tfjs-node-gpu', online: true, busy: true, currentRun: { id: run.id } });
    const [seenByOutsider] = await outsider.caller.workers.list();
    expect(seenByOutsider).toMatchObject({ busy: true, currentRun: null });

    await api.user.tokens.revoke({ id: created.id });
    await expect(trainer.worker.heartbeat({ workerId })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect((await api.user.workers.list())[0].online).toBe(false);
    await expect(api.user.tokens.revoke({ id: created.id })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('marks a worker that stopped heart-beating as offline', async () => {
    const { workerId } = await api.newWorker('quiet');
    await api.db.worker.update({ where: { id: workerId }, data: { lastHeartbeat: new Date(Date.now() - 10 * 60_000) } });
    expect((await api.user.workers.list())[0]).toMatchObject({ name: 'quiet', online: false, busy: false });
  });
});
