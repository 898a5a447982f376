import { router } from '../../trpc/init';
import { userProcedure } from '../../trpc/procedures';
import { cancelRunHandler } from './cancel.handler';
import { runShardsHandler } from './shards.handler';
import { runClustersHandler } from './clusters.handler';
import { runClustersInput } from './clusters.schema';
import { compareSeriesHandler } from './compare-series.handler';
import { compareSeriesInput } from './compare-series.schema';
import { compareRunsHandler } from './compare.handler';
import { compareInput } from './compare.schema';
import { createSweepHandler } from './create-sweep.handler';
import { createSweepInput } from './create-sweep.schema';
import { createRunHandler } from './create.handler';
import { createRunInput } from './create.schema';
import { getRunHandler } from './get.handler';
import { importRunHandler } from './import.handler';
import { importRunInput } from './import.schema';
import { runIdInput, watchRunInput } from './get.schema';
import { listRunsHandler, runGroupsHandler } from './list.handler';
import { listRunsInput } from './list.schema';
import { runLogsHandler } from './logs.handler';
import { runLogsInput } from './logs.schema';
import { metricSeriesHandler } from './metric-series.handler';
import { metricSeriesInput } from './metric-series.schema';
import { setTagsHandler } from './set-tags.handler';
import { setTagsInput } from './set-tags.schema';
import { deleteRunsHandler, restoreRunsHandler } from './trash.handler';
import { runIdsInput } from './trash.schema';
import { watchAllHandler, watchRunHandler } from './watch.handlers';

/** Every procedure needs a session; each checks that the user is a member of the run's project. */
export const runsRouter = router({
  create: userProcedure.input(createRunInput).mutation(createRunHandler),
  createSweep: userProcedure.input(createSweepInput).mutation(createSweepHandler),
  /** Publishes a run that finished outside the portal (CLI, study) with its results; idempotent per import key. */
  import: userProcedure.input(importRunInput).mutation(importRunHandler),
  list: userProcedure.input(listRunsInput).query(listRunsHandler),
  groups: userProcedure.input(listRunsInput).query(runGroupsHandler),
  get: userProcedure.input(runIdInput).query(getRunHandler),
  cancel: userProcedure.input(runIdInput).mutation(cancelRunHandler),
  shards: userProcedure.input(runIdInput).query(runShardsHandler),
  delete: userProcedure.input(runIdsInput).mutation(deleteRunsHandler),
  restore: userProcedure.input(runIdsInput).mutation(restoreRunsHandler),
  setTags: userProcedure.input(setTagsInput).mutation(setTagsHandler),
  compare: userProcedure.input(compareInput).query(compareRunsHandler),
  /** The series of the curves runs.compare shows, downsampled, for all its runs and keys at once. */
  compareSeries: userProcedure.input(compareSeriesInput).query(compareSeriesHandler),
  metricSeries: userProcedure.input(metricSeriesInput).query(metricSeriesHandler),
  /** The run's log lines, a page at a time from the newest. */
  logs: userProcedure.input(runLogsInput).query(runLogsHandler),
  /** The cluster browser's data (k-means runs): sizes, agreement with the labels, a page of clusters. */
  clusters: userProcedure.input(runClustersInput).query(runClustersHandler),
  /** Live events of one run (status, stages, new metric points), over SSE. */
  watch: userProcedure.input(watchRunInput).subscription(watchRunHandler),
  /** Live events of every run in the user's projects, for the runs table. */
  watchAll: userProcedure.subscription(watchAllHandler),
});
