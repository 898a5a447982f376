/** Integration-test helpers: a fresh database, the real routers, callers without HTTP (tRPC createCaller). */
import type { WorkerCapabilities } from '@ktlab/config';
import { createTestDatabase, type TestDatabase } from '@ktlab/db/testing';
import { hashPassword } from './auth/password';
import { createSession, SESSION_COOKIE } from './auth/session';
import { normalizeEmail } from './auth/users';
import { SignInLimiter } from './auth/sign-in-limiter';
import { createWorkerToken } from './auth/worker-token';
import { PgEventHub } from './events/event-hub';
import { appRouter } from './routers/_app';
import { ensureProject } from './services/projects';
import { createContext, type TransportInfo } from './trpc/context';
import { createCallerFactory } from './trpc/init';

const createCaller = createCallerFactory(appRouter);
type Caller = ReturnType<typeof createCaller>;

// Tests create many accounts; a cheap scrypt cost keeps them fast (the cost is stored with each hash).
const TEST_SCRYPT_COST = { N: 1024, r: 8, p: 1 };
export const TEST_PASSWORD = 'correct horse battery';

export interface TestUser {
  caller: Caller;
  userId: string;
  email: string;
  /** The session cookie header value, for HTTP tests. */
  cookie: string;
}

export interface TestApi extends TestDatabase {
  events: PgEventHub;
  /** A signed-in user who owns the default project. */
  user: Caller;
  userId: string;
  /** A caller with no session and no token. */
  anonymous: Caller;
  /**
   * A caller sending these request headers (and, when given, connecting from `remoteAddress`); `resHeaders`
   * receives what the procedures set (cookies, Retry-After).
   */
  callerWith(headers: Record<string, string>, transport?: TransportInfo): { caller: Caller; resHeaders: Headers };
  /** A new account (password TEST_PASSWORD), signed in, member of the given projects (created when absent). */
  newUser(name: string, options?: { projects?: string[]; role?: 'owner' | 'member'; isAdmin?: boolean }): Promise<TestUser>;
  /** A caller presenting a worker token. */
  workerCaller(secret: string | undefined): Caller;
  /** A new worker token and a registered worker using it; without capabilities it acts as an older trainer (claims only unconstrained runs). */
  newWorker(name?: string, capabilities?: WorkerCapabilities): Promise<{ caller: Caller; workerId: string; secret: string }>;
  close(): Promise<void>;
}

/** `signInLimiter`: e.g. one with a test clock; by default each test API has its own, so tests do not share counts. */
export async function createTestApi(options: { signInLimiter?: SignInLimiter } = {}): Promise<TestApi> {
  const database = await createTestDatabase();
  const events = new PgEventHub(database.url);
  const deps = { db: database.db, events, signInLimiter: options.signInLimiter ?? new SignInLimiter({ log: () => undefined }) };
  const callerWith = (headers: Record<string, string>, transport?: TransportInfo) => {
    const resHeaders = new Headers();
    return { caller: createCaller(createContext(deps, { headers: new Headers(headers) }, resHeaders, transport)), resHeaders };
  };
  const newUser: TestApi['newUser'] = async (name, options = {}) => {
    const email = normalizeEmail(`${name.replace(/\W+/g, '-')}@test.ktlab`);
    const user = await database.db.user.create({
      data: { email, name, isAdmin: options.isAdmin ?? false, passwordHash: await hashPassword(TEST_PASSWORD, TEST_SCRYPT_COST) },
    });
    for (const slug of options.projects ?? []) {
      const project = await ensureProject(database.db, slug);
      await database.db.projectMember.create({ data: { projectId: project.id, userId: user.id, role: options.role ?? 'owner' } });
    }
    const { secret } = await createSession(database.db, user.id);
    const cookie = `${SESSION_COOKIE}=${secret}`;
    return { caller: callerWith({ cookie }).caller, userId: user.id, email, cookie };
  };
  const owner = await newUser('Default Owner', { projects: ['default'], isAdmin: true });
  return {
    ...database,
    events,
    user: owner.caller,
    userId: owner.userId,
    anonymous: callerWith({}).caller,
    callerWith,
    newUser,
    workerCaller: (secret) => callerWith(secret === undefined ? {} : { authorization: `Bearer ${secret}` }).caller,
    async newWorker(name = 'w', capabilities) {
      const { secret } = await createWorkerToken(database.db, `test ${name}`);
      const caller = callerWith({ authorization: `Bearer ${secret}` }).caller;
      const { workerId } = await caller.worker.register({ name, host: 'test-host', backend: 'cpu', capabilities });
      return { caller, workerId, secret };
    },
    async close() {
      await events.close();
      await database.drop();
    },
  };
}
