/** Integration-test helpers: a fresh database, the real routers, callers without HTTP (tRPC createCaller). */
import { createTestDatabase, type TestDatabase } from '@ktlab/db/testing';
import { createWorkerToken } from './auth/worker-token';
import { PgEventHub } from './events/event-hub';
import { appRouter } from './routers/_app';
import { createContext } from './trpc/context';
import { createCallerFactory } from './trpc/init';

const createCaller = createCallerFactory(appRouter);

export interface TestApi extends TestDatabase {
  events: PgEventHub;
  /** A caller for the portal's (user) procedures. */
  user: ReturnType<typeof createCaller>;
  /** A caller presenting a worker token. */
  workerCaller(secret: string | undefined): ReturnType<typeof createCaller>;
  /** A new worker token and a registered worker using it. */
  newWorker(name?: string): Promise<{ caller: ReturnType<typeof createCaller>; workerId: string; secret: string }>;
  close(): Promise<void>;
}

export async function createTestApi(): Promise<TestApi> {
  const database = await createTestDatabase();
  const events = new PgEventHub(database.url);
  const deps = { db: database.db, events };
  const callerWith = (authorization?: string) =>
    createCaller(createContext(deps, { headers: new Headers(authorization ? { authorization } : {}) }));
  return {
    ...database,
    events,
    user: callerWith(),
    workerCaller: (secret) => callerWith(secret === undefined ? undefined : `Bearer ${secret}`),
    async newWorker(name = 'w') {
      const { secret } = await createWorkerToken(database.db, `test ${name}`);
      const caller = callerWith(`Bearer ${secret}`);
      const { workerId } = await caller.worker.register({ name, host: 'test-host', backend: 'cpu' });
      return { caller, workerId, secret };
    },
    async close() {
      await events.close();
      await database.drop();
    },
  };
}
