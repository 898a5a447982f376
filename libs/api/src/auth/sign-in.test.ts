import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startApiServer } from '../http/standalone-server';
import { createTestApi, TEST_PASSWORD, type TestApi } from '../testing';
import { hashPassword, verifyPassword } from './password';
import { ensureFirstAdmin } from './users';

describe('sign-in, sessions and CSRF', () => {
  let api: TestApi;
  beforeEach(async () => {
    api = await createTestApi();
  });
  afterEach(() => api.close());

  it('hashes passwords with a salt and verifies them', async () => {
    const cost = { N: 1024, r: 8, p: 1 };
    const [a, b] = await Promise.all([hashPassword('hunter2hunter2', cost), hashPassword('hunter2hunter2', cost)]);
    expect(a).not.toBe(b);
    expect(a).not.toContain('hunter2');
    expect(await verifyPassword('hunter2hunter2', a)).toBe(true);
    expect(await verifyPassword('hunter2hunter3', a)).toBe(false);
    expect(await verifyPassword('hunter2hunter2', 'bcrypt$whatever')).toBe(false);
  });

  it('signs in with an httpOnly SameSite=Lax cookie, and signs out for good', async () => {
    const alice = await api.newUser('Alice', { projects: ['lab'] });
    const browser = api.callerWith({});
    await expect(browser.caller.auth.signIn({ email: 'ALICE@test.ktlab', password: 'wrong password' })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(browser.caller.auth.signIn({ email: 'nobody@test.ktlab', password: TEST_PASSWORD })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    const signedIn = await browser.caller.auth.signIn({ email: ' ALICE@test.ktlab ', password: TEST_PASSWORD });
    expect(signedIn.email).toBe(alice.email);
    const setCookie = browser.resHeaders.get('set-cookie')!;
    expect(setCookie).toMatch(/^ktlab_session=kts_[\w-]+; Path=\/; HttpOnly; SameSite=Lax; Expires=/);
    expect(setCookie).not.toContain('Secure');
    const cookie = setCookie.split(';')[0];
    const session = api.callerWith({ cookie });
    expect((await session.caller.auth.me())?.projects).toEqual([{ slug: 'lab', name: 'lab', role: 'owner' }]);
    await session.caller.auth.signOut();
    expect(session.resHeaders.get('set-cookie')).toContain('Max-Age=0');
    await expect(api.callerWith({ cookie }).caller.projects.list()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('marks the cookie Secure behind HTTPS', async () => {
    const bob = await api.newUser('Bob');
    const browser = api.callerWith({ 'x-forwarded-proto': 'https' });
    await browser.caller.auth.signIn({ email: bob.email, password: TEST_PASSWORD });
    expect(browser.resHeaders.get('set-cookie')).toMatch(/; Secure$/);
  });

  it('creates the first admin once, owner of the default project, able to sign in', async () => {
    await api.db.user.deleteMany();
    const first = await ensureFirstAdmin(api.db);
    expect(first?.password.length).toBeGreaterThanOrEqual(20);
    expect(await ensureFirstAdmin(api.db)).toBeUndefined();
    const browser = api.callerWith({});
    const me = await browser.caller.auth.signIn({ email: first!.email, password: first!.password });
    expect(me.isAdmin).toBe(true);
    const member = await api.db.projectMember.findFirst({ where: { userId: me.id }, include: { project: true } });
    expect(member).toMatchObject({ role: 'owner', project: { slug: 'default' } });
  });

  it('changes a password and ends the other sessions', async () => {
    const carol = await api.newUser('Carol', { projects: ['c'] });
    const browser = api.callerWith({});
    await browser.caller.auth.signIn({ email: carol.email, password: TEST_PASSWORD });
    await expect(carol.caller.auth.changePassword({ currentPassword: 'nope nope nope', newPassword: 'a new long password' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await carol.caller.auth.changePassword({ currentPassword: TEST_PASSWORD, newPassword: 'a new long password' });
    expect((await carol.caller.projects.list()).length).toBe(1);
    const signedElsewhere = api.callerWith({ cookie: browser.resHeaders.get('set-cookie')!.split(';')[0] }).caller;
    await expect(signedElsewhere.projects.list()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('refuses cross-site POSTs over HTTP but serves same-origin ones and trainers', async () => {
    const dave = await api.newUser('Dave', { projects: ['default'] });
    const server = await startApiServer({ db: api.db, events: api.events });
    try {
      const createRun = (headers: Record<string, string>) =>
        fetch(`${server.url}/api/trpc/runs.create`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie: dave.cookie, ...headers },
          body: JSON.stringify({ json: { method: 'smoke', config: { kind: 'smoke' } } }),
        });
      const forged = await createRun({ origin: 'https://evil.example' });
      expect(forged.status).toBe(403);
      expect(await forged.text()).toContain('cross-site request refused');
      expect((await createRun({ 'sec-fetch-site': 'cross-site' })).status).toBe(403);
      const sameOrigin = await createRun({ origin: server.url, 'sec-fetch-site': 'same-origin' });
      expect(sameOrigin.status).toBe(200);
      const noSession = await fetch(`${server.url}/api/trpc/runs.list?input=${encodeURIComponent(JSON.stringify({ json: {} }))}`);
      expect(noSession.status).toBe(401);
      const worker = await api.newWorker('http');
      const claim = await fetch(`${server.url}/api/trpc/worker.claim`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${worker.secret}` },
        body: JSON.stringify({ json: { workerId: worker.workerId } }),
      });
      expect(claim.status).toBe(200);
      expect(await api.db.run.count()).toBe(1);
    } finally {
      await server.close();
    }
  });
});
