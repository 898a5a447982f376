import { afterEach, describe, expect, it, vi } from 'vitest';
import { startApiServer } from '../http/standalone-server';
import { createTestApi, TEST_PASSWORD, type TestApi } from '../testing';
import { clientAddress, requestHost, trustedProxyHops } from './proxy-trust';
import { SignInLimiter } from './sign-in-limiter';

/** A limiter on a clock the test moves, whose log lines the test reads. */
function limiterWithClock() {
  const clock = { now: 1_000_000 };
  const log: string[] = [];
  const limiter = new SignInLimiter({ now: () => clock.now, log: (line) => log.push(line) });
  return { clock, log, limiter };
}

describe('sign-in rate limit', () => {
  let api: TestApi | undefined;
  afterEach(async () => {
    vi.unstubAllEnvs();
    await api?.close();
    api = undefined;
  });

  it('locks an account after 5 failures with growing delays, refusing even the right password until the delay passes', async () => {
    const { clock, log, limiter } = limiterWithClock();
    api = await createTestApi({ signInLimiter: limiter });
    const erin = await api.newUser('Erin');
    const browser = () => api!.callerWith({});
    const wrong = () => browser().caller.auth.signIn({ email: erin.email, password: 'not the password' });
    for (let i = 0; i < 6; i++) await expect(wrong()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });

    const refused = browser();
    await expect(refused.caller.auth.signIn({ email: erin.email, password: TEST_PASSWORD })).rejects.toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    expect(refused.resHeaders.get('retry-after')).toBe('5');
    expect(log.some((line) => line.includes(`account ${erin.email} locked for 5 s after 6 attempts`))).toBe(true);
    expect(log.some((line) => line.startsWith(`sign-in refused for ${erin.email}`))).toBe(true);

    clock.now += 4_999;
    await expect(browser().caller.auth.signIn({ email: erin.email, password: TEST_PASSWORD })).rejects.toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    // each failure past the free ones doubles the delay: 5 s, 10 s, 20 s
    clock.now += 1;
    await expect(wrong()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    const second = browser();
    await expect(second.caller.auth.signIn({ email: erin.email, password: TEST_PASSWORD })).rejects.toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    expect(second.resHeaders.get('retry-after')).toBe('10');
    clock.now += 10_000;
    await expect(wrong()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    const third = browser();
    await expect(third.caller.auth.signIn({ email: erin.email, password: TEST_PASSWORD })).rejects.toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    expect(third.resHeaders.get('retry-after')).toBe('20');

    clock.now += 20_000;
    await expect(browser().caller.auth.signIn({ email: erin.email, password: TEST_PASSWORD })).resolves.toMatchObject({ email: erin.email });
    // a success starts the account afresh
    await expect(wrong()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(browser().caller.auth.signIn({ email: erin.email, password: TEST_PASSWORD })).resolves.toMatchObject({ email: erin.email });
  });

  it('counts parallel guesses before any password is checked: of 8 at once, the 2 past the 6th are refused', async () => {
    const { limiter } = limiterWithClock();
    api = await createTestApi({ signInLimiter: limiter });
    const frank = await api.newUser('Frank');
    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, () => api!.callerWith({}).caller.auth.signIn({ email: frank.email, password: 'guess guess' })),
    );
    const codes = outcomes.map((outcome) => (outcome.status === 'rejected' ? (outcome.reason as { code: string }).code : 'OK'));
    expect(codes.filter((code) => code === 'TOO_MANY_REQUESTS')).toHaveLength(2);
    expect(codes.filter((code) => code === 'UNAUTHORIZED')).toHaveLength(6);
  });

  it('limits one address guessing across many accounts, whatever X-Forwarded-For it sends when no proxy is trusted', async () => {
    const { clock, limiter } = limiterWithClock();
    api = await createTestApi({ signInLimiter: limiter });
    const grace = await api.newUser('Grace');
    const fromAttacker = (spoofed: string) => api!.callerWith({ 'x-forwarded-for': spoofed }, { remoteAddress: '203.0.113.7' });
    for (let i = 0; i < 21; i++) {
      await expect(fromAttacker(`10.0.0.${i}`).caller.auth.signIn({ email: `user${i}@test.ktlab`, password: 'Winter2026!' })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    }
    const refused = fromAttacker('10.9.9.9');
    await expect(refused.caller.auth.signIn({ email: grace.email, password: TEST_PASSWORD })).rejects.toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    expect(refused.resHeaders.get('retry-after')).toBe('5');
    // another address is not affected
    await expect(api.callerWith({}, { remoteAddress: '198.51.100.2' }).caller.auth.signIn({ email: grace.email, password: TEST_PASSWORD })).resolves.toMatchObject({ email: grace.email });
    clock.now += 5_000;
    await expect(fromAttacker('x').caller.auth.signIn({ email: grace.email, password: TEST_PASSWORD })).resolves.toMatchObject({ email: grace.email });
  });

  it('does not lock an address by a successful sign-in, even the one that reaches the limit', async () => {
    const { limiter, log } = limiterWithClock();
    api = await createTestApi({ signInLimiter: limiter });
    const lena = await api.newUser('Lena');
    const office = () => api!.callerWith({}, { remoteAddress: '192.0.2.10' }).caller;
    for (let i = 0; i < 20; i++) await expect(office().auth.signIn({ email: `typo${i}@test.ktlab`, password: 'x' })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(office().auth.signIn({ email: lena.email, password: TEST_PASSWORD })).resolves.toMatchObject({ email: lena.email });
    await expect(office().auth.signIn({ email: lena.email, password: TEST_PASSWORD })).resolves.toMatchObject({ email: lena.email });
    expect(log.filter((line) => line.includes('locked'))).toEqual([]);
  });

  it('takes the address from X-Forwarded-For only behind a trusted proxy', async () => {
    vi.stubEnv('KTLAB_TRUST_PROXY', '1');
    const { limiter } = limiterWithClock();
    api = await createTestApi({ signInLimiter: limiter });
    const henry = await api.newUser('Henry');
    // the proxy (the transport peer) appends the client's address: only the last entry is the proxy's word
    const viaProxy = (client: string) => api!.callerWith({ 'x-forwarded-for': `6.6.6.6, ${client}` }, { remoteAddress: '127.0.0.1' });
    for (let i = 0; i < 21; i++) {
      await expect(viaProxy('203.0.113.50').caller.auth.signIn({ email: `u${i}@test.ktlab`, password: 'Winter2026!' })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    }
    await expect(viaProxy('203.0.113.50').caller.auth.signIn({ email: henry.email, password: TEST_PASSWORD })).rejects.toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    // another client behind the same proxy signs in
    await expect(viaProxy('203.0.113.51').caller.auth.signIn({ email: henry.email, password: TEST_PASSWORD })).resolves.toMatchObject({ email: henry.email });
  });

  it('answers HTTP 429 with Retry-After over HTTP', async () => {
    const { limiter } = limiterWithClock();
    api = await createTestApi({ signInLimiter: limiter });
    const ivy = await api.newUser('Ivy');
    const server = await startApiServer({ db: api.db, events: api.events, signInLimiter: limiter });
    try {
      const signIn = (password: string) =>
        fetch(`${server.url}/api/trpc/auth.signIn`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ json: { email: ivy.email, password } }),
        });
      for (let i = 0; i < 6; i++) expect((await signIn('wrong wrong')).status).toBe(401);
      const refused = await signIn(TEST_PASSWORD);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('5');
      expect(await refused.text()).toContain('too many sign-in attempts');
    } finally {
      await server.close();
    }
  });
});

describe('proxy headers', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('reads KTLAB_TRUST_PROXY', () => {
    expect(trustedProxyHops({})).toBe(0);
    expect(trustedProxyHops({ KTLAB_TRUST_PROXY: 'false' })).toBe(0);
    expect(trustedProxyHops({ KTLAB_TRUST_PROXY: 'true' })).toBe(1);
    expect(trustedProxyHops({ KTLAB_TRUST_PROXY: '2' })).toBe(2);
    expect(trustedProxyHops({ KTLAB_TRUST_PROXY: 'everyone' })).toBe(0);
  });

  it('ignores X-Forwarded-Host and X-Forwarded-For unless a proxy is trusted', () => {
    const headers = new Headers({ host: 'portal:3000', 'x-forwarded-host': 'evil.example', 'x-forwarded-for': '1.1.1.1, 2.2.2.2, 3.3.3.3' });
    expect(requestHost({ headers }, 0)).toBe('portal:3000');
    expect(requestHost({ headers }, 1)).toBe('evil.example');
    expect(clientAddress(headers, '127.0.0.1', 0)).toBe('127.0.0.1');
    expect(clientAddress(headers, '127.0.0.1', 1)).toBe('3.3.3.3');
    expect(clientAddress(headers, '127.0.0.1', 2)).toBe('2.2.2.2');
    expect(clientAddress(headers, '127.0.0.1', 9)).toBe('1.1.1.1');
    expect(clientAddress(new Headers(), undefined, 0)).toBeUndefined();
  });

  it('refuses a cross-site POST that names itself in X-Forwarded-Host unless a proxy is trusted', async () => {
    const api = await createTestApi();
    const server = await startApiServer({ db: api.db, events: api.events });
    try {
      const user = await api.newUser('Jude', { projects: ['default'] });
      const post = () =>
        fetch(`${server.url}/api/trpc/runs.create`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie: user.cookie, origin: 'http://evil.example', 'x-forwarded-host': 'evil.example' },
          body: JSON.stringify({ json: { method: 'smoke', config: { kind: 'smoke' } } }),
        });
      const refused = await post();
      expect(refused.status).toBe(403);
      expect(await refused.text()).toContain('is not 127.0.0.1');
      vi.stubEnv('KTLAB_TRUST_PROXY', '1');
      expect((await post()).status).toBe(200);
    } finally {
      await server.close();
      await api.close();
    }
  });
});

describe('workers.list', () => {
  it('names a worker’s run only to members of the run’s project', async () => {
    const api = await createTestApi();
    try {
      const other = await api.newUser('Other Team', { projects: ['secret-project'] });
      await other.caller.runs.create({ projectSlug: 'secret-project', name: 'acquisition-target-model', method: 'smoke', config: { kind: 'smoke' } });
      const box = await api.newWorker('box');
      await box.caller.worker.claim({ workerId: box.workerId });

      const [seenByDefaultOwner] = await api.user.workers.list();
      expect(seenByDefaultOwner).toMatchObject({ name: 'box', busy: true, currentRun: null });
      expect(JSON.stringify(await api.user.workers.list())).not.toContain('acquisition-target-model');
      const [seenByMember] = await other.caller.workers.list();
      expect(seenByMember.currentRun).toMatchObject({ name: 'acquisition-target-model' });
    } finally {
      await api.close();
    }
  });
});
