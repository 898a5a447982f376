import { router } from '../../trpc/init';
import { workerProcedure } from '../../trpc/procedures';
import { appendLogsHandler } from './append-logs.handler';
import { appendLogsInput } from './append-logs.schema';
import { claimHandler } from './claim.handler';
import { claimInput } from './claim.schema';
import { finishHandler } from './finish.handler';
import { finishInput } from './finish.schema';
import { heartbeatHandler } from './heartbeat.handler';
import { heartbeatInput } from './heartbeat.schema';
import { logMetricsHandler } from './log-metrics.handler';
import { logMetricsInput } from './log-metrics.schema';
import { registerHandler } from './register.handler';
import { registerInput } from './register.schema';
import { reportStageHandler } from './report-stage.handler';
import { reportStageInput } from './report-stage.schema';

/** What a trainer calls; every procedure needs a valid worker token. */
export const workerRouter = router({
  register: workerProcedure.input(registerInput).mutation(registerHandler),
  heartbeat: workerProcedure.input(heartbeatInput).mutation(heartbeatHandler),
  claim: workerProcedure.input(claimInput).mutation(claimHandler),
  reportStage: workerProcedure.input(reportStageInput).mutation(reportStageHandler),
  logMetrics: workerProcedure.input(logMetricsInput).mutation(logMetricsHandler),
  appendLogs: workerProcedure.input(appendLogsInput).mutation(appendLogsHandler),
  finish: workerProcedure.input(finishInput).mutation(finishHandler),
});
