export { appRouter, type AppRouter } from './routers/_app';
export { createContext, type Context, type ContextDeps } from './trpc/context';
export { createCallerFactory } from './trpc/init';
export { PgEventHub, type EventHub, type RunEvent } from './events/event-hub';
export { createWorkerToken, hashToken } from './auth/worker-token';
export { reapExpiredLeases, DEFAULT_LEASE_MS } from './services/run-queue';
export { ensureProject, DEFAULT_PROJECT_SLUG } from './services/projects';
export { MAX_POINTS_PER_BATCH } from './routers/worker/log-metrics.schema';
