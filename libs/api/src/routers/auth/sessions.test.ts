import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LAST_SEEN_RESOLUTION_MS } from '../../auth/session';
import { createTestApi, TEST_PASSWORD, type TestApi } from '../../testing';

describe('auth: a user’s sessions', () => {
  let api: TestApi;
  beforeEach(async () => {
    api = await createTestApi();
  });
  afterEach(() => api.close());

  async function signInElsewhere(email: string) {
    const browser = api.callerWith({});
    await browser.caller.auth.signIn({ email, password: TEST_PASSWORD });
    return api.callerWith({ cookie: browser.resHeaders.get('set-cookie')!.split(';')[0] }).caller;
  }

  it('lists only the user’s own unexpired sessions and marks the current one', async () => {
    const erin = await api.newUser('Erin', { projects: ['e'] });
    const laptop = await signInElsewhere(erin.email);
    const other = await api.newUser('Frank');
    const sessions = await erin.caller.auth.sessions();
    expect(sessions).toHaveLength(2);
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    const mine = await api.db.session.findMany({ where: { userId: erin.userId } });
    expect(sessions.map((s) => s.id).sort()).toEqual(mine.map((s) => s.id).sort());
    expect((await laptop.auth.sessions()).find((s) => s.current)?.id).not.toBe(sessions.find((s) => s.current)?.id);
    expect(await other.caller.auth.sessions()).toHaveLength(1);
    await api.db.session.updateMany({ where: { id: sessions.find((s) => !s.current)!.id }, data: { expiresAt: new Date(Date.now() - 1) } });
    expect(await erin.caller.auth.sessions()).toHaveLength(1);
  });

  it('signs out the other sessions and keeps this one', async () => {
    const gail = await api.newUser('Gail');
    const phone = await signInElsewhere(gail.email);
    const tablet = await signInElsewhere(gail.email);
    const bystander = await api.newUser('Hank');
    expect(await gail.caller.auth.signOutOthers()).toEqual({ signedOut: 2 });
    await expect(phone.auth.sessions()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(tablet.auth.sessions()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect(await gail.caller.auth.sessions()).toHaveLength(1);
    expect(await bystander.caller.auth.sessions()).toHaveLength(1);
  });

  it('ends one other session, not the current one nor another user’s', async () => {
    const ida = await api.newUser('Ida');
    const phone = await signInElsewhere(ida.email);
    const jon = await api.newUser('Jon');
    const jonSession = (await jon.caller.auth.sessions())[0].id;
    await expect(ida.caller.auth.endSession({ id: jonSession })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const current = (await ida.caller.auth.sessions()).find((s) => s.current)!.id;
    await expect(ida.caller.auth.endSession({ id: current })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    const phoneSession = (await phone.auth.sessions()).find((s) => s.current)!.id;
    await ida.caller.auth.endSession({ id: phoneSession });
    await expect(phone.auth.sessions()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect(await jon.caller.auth.sessions()).toHaveLength(1);
  });

  it('refreshes when a session was last used, at most every few minutes', async () => {
    const kim = await api.newUser('Kim');
    const stale = new Date(Date.now() - LAST_SEEN_RESOLUTION_MS - 60_000);
    await api.db.session.updateMany({ where: { userId: kim.userId }, data: { lastSeenAt: stale } });
    const [session] = await kim.caller.auth.sessions();
    expect(session.lastSeenAt.getTime()).toBeGreaterThan(stale.getTime());
    const recent = new Date(Date.now() - 60_000);
    await api.db.session.updateMany({ where: { userId: kim.userId }, data: { lastSeenAt: recent } });
    expect((await kim.caller.auth.sessions())[0].lastSeenAt.getTime()).toBe(recent.getTime());
  });
});
