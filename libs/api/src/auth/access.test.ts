import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi, type TestUser } from '../testing';

const smoke = { kind: 'smoke' as const };

describe('access control', () => {
  let api: TestApi;
  let outsider: TestUser;
  let runId: string;
  beforeEach(async () => {
    api = await createTestApi();
    outsider = await api.newUser('Outsider', { projects: ['elsewhere'] });
    runId = (await api.user.runs.create({ method: 'smoke', config: smoke })).id;
  });
  afterEach(() => api.close());

  it('refuses every user router without a session', async () => {
    const anon = api.anonymous;
    const refusals = [
      anon.runs.list({}),
      anon.runs.get({ id: runId }),
      anon.runs.create({ method: 'smoke', config: smoke }),
      anon.runs.metricSeries({ runId, key: 'loss' }),
      anon.runs.compare({ ids: [runId, runId] }),
      anon.runs.compareSeries({ ids: [runId, runId] }),
      anon.runs.delete({ ids: [runId] }),
      anon.projects.list(),
      anon.benchmarks.options({}),
      anon.workers.list(),
      anon.tokens.list(),
      anon.users.list(),
      anon.auth.changePassword({ currentPassword: 'x', newPassword: 'long enough password' }),
    ];
    for (const refusal of refusals) await expect(refusal).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(api.anonymous.runs.watch({ runId })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect(await api.anonymous.auth.me()).toBeNull();
  });

  it('refuses a forged or expired session cookie', async () => {
    const forged = api.callerWith({ cookie: 'ktlab_session=kts_forged' }).caller;
    await expect(forged.runs.list({})).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await api.db.session.updateMany({ where: { userId: outsider.userId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await expect(outsider.caller.projects.list()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it("refuses another project's runs in every runs procedure, without revealing that they exist", async () => {
    const other = outsider.caller;
    const notFound = { code: 'NOT_FOUND' };
    await expect(other.runs.get({ id: runId })).rejects.toMatchObject(notFound);
    await expect(other.runs.cancel({ id: runId })).rejects.toMatchObject(notFound);
    await expect(other.runs.metricSeries({ runId, key: 'loss' })).rejects.toMatchObject(notFound);
    await expect(other.runs.setTags({ id: runId, tags: ['mine'] })).rejects.toMatchObject(notFound);
    await expect(other.runs.delete({ ids: [runId] })).rejects.toMatchObject(notFound);
    await expect(other.runs.restore({ ids: [runId] })).rejects.toMatchObject(notFound);
    const own = await other.runs.create({ projectSlug: 'elsewhere', method: 'smoke', config: smoke });
    await expect(other.runs.compare({ ids: [own.id, runId] })).rejects.toMatchObject(notFound);
    await expect(other.runs.compareSeries({ ids: [own.id, runId] })).rejects.toMatchObject(notFound);
    const watching = await other.runs.watch({ runId });
    await expect(watching[Symbol.asyncIterator]().next()).rejects.toMatchObject(notFound);
    // Project-scoped procedures name the project, and membership is checked.
    const forbidden = { code: 'FORBIDDEN' };
    await expect(other.runs.list({ projectSlug: 'default' })).rejects.toMatchObject(forbidden);
    await expect(other.runs.groups({ projectSlug: 'default' })).rejects.toMatchObject(forbidden);
    await expect(other.runs.create({ projectSlug: 'default', method: 'smoke', config: smoke })).rejects.toMatchObject(forbidden);
    await expect(other.runs.createSweep({ projectSlug: 'default', name: 's', method: 'smoke', config: smoke, field: 'seed', values: [1] })).rejects.toMatchObject(forbidden);
    await expect(other.benchmarks.table({ projectSlug: 'default', dataset: 'test', columns: { by: 'layer', protocol: 'linear' } })).rejects.toMatchObject(forbidden);
    await expect(other.projects.members({ projectSlug: 'default' })).rejects.toMatchObject(forbidden);
    // Nothing changed, and the outsider's own project works.
    expect((await api.user.runs.get({ id: runId })).tags).toEqual([]);
    expect((await other.runs.list({ projectSlug: 'elsewhere' })).runs.map((r) => r.id)).toEqual([own.id]);
  });

  it('sends live events of the projects a user belongs to only', async () => {
    const own = await outsider.caller.runs.create({ projectSlug: 'elsewhere', method: 'smoke', config: smoke });
    const stream = await outsider.caller.runs.watchAll();
    const seen: string[] = [];
    const reading = (async () => {
      for await (const event of stream) {
        seen.push(event.runId);
        if (event.runId === own.id) break;
      }
    })();
    await new Promise((r) => setTimeout(r, 200));
    await api.user.runs.cancel({ id: runId });
    await outsider.caller.runs.cancel({ id: own.id });
    await reading;
    expect(seen).toEqual([own.id]);
  });

  it('lets members but not owners-only actions through, and keeps a last owner', async () => {
    const member = await api.newUser('Member', { projects: ['default'], role: 'member' });
    expect((await member.caller.runs.get({ id: runId })).id).toBe(runId);
    await expect(member.caller.projects.addMember({ projectSlug: 'default', email: outsider.email })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await api.user.projects.addMember({ projectSlug: 'default', email: outsider.email });
    expect((await outsider.caller.runs.get({ id: runId })).id).toBe(runId);
    await api.user.projects.removeMember({ projectSlug: 'default', userId: outsider.userId });
    await expect(outsider.caller.runs.get({ id: runId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(api.user.projects.removeMember({ projectSlug: 'default', userId: api.userId })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('reserves users and worker tokens to administrators', async () => {
    await expect(outsider.caller.tokens.list()).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(outsider.caller.users.create({ email: 'x@y.z', name: 'x', password: 'long enough password' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});
