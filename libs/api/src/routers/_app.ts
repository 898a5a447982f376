import { router } from '../trpc/init';
import { runsRouter } from './runs/runs.router';
import { workerRouter } from './worker/worker.router';

export const appRouter = router({
  runs: runsRouter,
  worker: workerRouter,
});

export type AppRouter = typeof appRouter;
