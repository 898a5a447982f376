import { z } from 'zod';
import { router } from '../../trpc/init';
import { userProcedure } from '../../trpc/procedures';
import { cancelRunHandler } from './cancel.handler';
import { createRunHandler } from './create.handler';
import { createRunInput } from './create.schema';
import { getRunHandler } from './get.handler';
import { runIdInput } from './get.schema';
import { listRunsHandler } from './list.handler';
import { listRunsInput } from './list.schema';
import { metricSeriesHandler } from './metric-series.handler';
import { metricSeriesInput } from './metric-series.schema';

export const runsRouter = router({
  create: userProcedure.input(createRunInput).mutation(createRunHandler),
  list: userProcedure.input(listRunsInput).query(listRunsHandler),
  get: userProcedure.input(runIdInput).query(getRunHandler),
  cancel: userProcedure.input(runIdInput).mutation(cancelRunHandler),
  metricSeries: userProcedure.input(metricSeriesInput).query(metricSeriesHandler),
  /** Live events of one run (status, stages, new metric points), over SSE. */
  watch: userProcedure.input(z.object({ runId: z.string().min(1).max(64) })).subscription(async function* ({ ctx, input, signal }) {
    yield* ctx.events.subscribe(input.runId, signal);
  }),
  /** Live events of every run, for the runs table. */
  watchAll: userProcedure.subscription(async function* ({ ctx, signal }) {
    yield* ctx.events.subscribe('*', signal);
  }),
});
