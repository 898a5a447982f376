import { router } from '../trpc/init';
import { authRouter } from './auth/auth.router';
import { benchmarksRouter } from './benchmarks/benchmarks.router';
import { datasetsRouter } from './datasets/datasets.router';
import { projectsRouter } from './projects/projects.router';
import { runsRouter } from './runs/runs.router';
import { shardsRouter } from './shards/shards.router';
import { studiesRouter } from './studies/studies.router';
import { tokensRouter } from './tokens/tokens.router';
import { usersRouter } from './users/users.router';
import { workerRouter } from './worker/worker.router';
import { workersRouter } from './workers/workers.router';

export const appRouter = router({
  auth: authRouter,
  projects: projectsRouter,
  users: usersRouter,
  runs: runsRouter,
  benchmarks: benchmarksRouter,
  studies: studiesRouter,
  datasets: datasetsRouter,
  workers: workersRouter,
  tokens: tokensRouter,
  worker: workerRouter,
  shards: shardsRouter,
});

export type AppRouter = typeof appRouter;
