/**
 * Every procedure of the API, found by walking the router (so a procedure added later is covered without
 * editing this test): nothing but the sign-in flow answers without credentials, trainer procedures need a
 * worker token (a session is not enough), and portal procedures need a session (a worker token is not enough).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRouter } from '../routers/_app';
import { createTestApi, TEST_PASSWORD, type TestApi } from '../testing';

/** Reachable without credentials: signing in, signing out, and asking who is signed in. */
const PUBLIC = ['auth.me', 'auth.signIn', 'auth.signOut'];
const isWorkerProcedure = (path: string) => path.startsWith('worker.') || path.startsWith('shards.');

const procedurePaths = Object.keys(appRouter._def.procedures).sort();

type AnyCaller = Record<string, Record<string, (input?: unknown) => Promise<unknown>>>;

/** Calls a procedure by its dotted path with an empty input; resolves to the tRPC error code, or 'OK'. */
async function outcome(caller: unknown, path: string): Promise<string> {
  const [group, name] = path.split('.') as [string, string];
  try {
    const result = await (caller as AnyCaller)[group]![name]!({});
    // subscriptions refuse on first read
    if (result && typeof result === 'object' && Symbol.asyncIterator in result) {
      await (result as AsyncIterable<unknown>)[Symbol.asyncIterator]().next();
    }
    return 'OK';
  } catch (error) {
    return (error as { code?: string }).code ?? 'ERROR';
  }
}

describe('authentication of every procedure', () => {
  let api: TestApi;
  let workerSecret: string;
  beforeAll(async () => {
    api = await createTestApi();
    workerSecret = (await api.newWorker('security')).secret;
  });
  afterAll(() => api.close());

  it('knows the procedures (the router walk found them)', () => {
    expect(procedurePaths.length).toBeGreaterThan(30);
    expect(procedurePaths).toContain('worker.claim');
    expect(procedurePaths).toContain('runs.get');
  });

  it('refuses every procedure but the sign-in flow without credentials', async () => {
    const answered: string[] = [];
    for (const path of procedurePaths) {
      const code = await outcome(api.anonymous, path);
      if (code !== 'UNAUTHORIZED') answered.push(path);
    }
    expect(answered).toEqual(PUBLIC);
  });

  it('refuses trainer procedures to a signed-in user (even an administrator) without a worker token', async () => {
    const admin = api.user;
    for (const path of procedurePaths.filter(isWorkerProcedure)) {
      expect(`${path}: ${await outcome(admin, path)}`).toBe(`${path}: UNAUTHORIZED`);
    }
  });

  it('refuses portal procedures to a worker token', async () => {
    const worker = api.workerCaller(workerSecret);
    for (const path of procedurePaths.filter((p) => !isWorkerProcedure(p) && !PUBLIC.includes(p))) {
      expect(`${path}: ${await outcome(worker, path)}`).toBe(`${path}: UNAUTHORIZED`);
    }
  });

  it('stores passwords, sessions and worker tokens as hashes only', async () => {
    const person = await api.newUser('hashes', { projects: [] });
    const stored = await api.db.user.findUniqueOrThrow({ where: { id: person.userId }, include: { sessions: true } });
    expect(stored.passwordHash).toMatch(/^scrypt\$/);
    expect(stored.passwordHash).not.toContain(TEST_PASSWORD);
    const sessionSecret = person.cookie.split('=')[1]!;
    expect(stored.sessions.length).toBeGreaterThan(0);
    for (const session of stored.sessions) expect(JSON.stringify(session)).not.toContain(sessionSecret);
    const token = await api.db.workerToken.findFirstOrThrow({ where: { workers: { some: { name: 'security' } } } });
    expect(JSON.stringify(token)).not.toContain(workerSecret.slice(4));
  });
});
